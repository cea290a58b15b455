--- run
migrate --format json init shop -t multidb
--- stdout
{
  "path": "shop",
  "template": "multidb",
  "created": [
    "shop",
    "shop/README",
    "shop/migrate.ini",
    "shop/models.sql",
    "shop/versions",
    "shop/versions/.keep"
  ]
}
--- run
grep -E '^\[db:' shop/migrate.ini
--- stdout
[db:dev]
[db:staging]
[db:prod]
[db:reports]
--- run
cd shop && migrate revision -m first --rev-id m1 && migrate --db prod revision -m second --rev-id m2 && ls versions
--- stdout
Generating $TMP/shop/versions/m1_first.sql ... done
Generating $TMP/shop/versions/m2_second.sql ... done
m1_first.sql
m2_second.sql
--- run
cd shop && DEV_DATABASE_URL=sqlite:///other.db migrate upgrade head >/dev/null && ls other.db
--- stdout
other.db

--- run
migrate init proj
--- stdout
Creating directory proj ... done
Generating proj/README ... done
Generating proj/migrate.ini ... done
Generating proj/models.sql ... done
Creating directory proj/versions ... done
Generating proj/versions/.keep ... done
Please edit the database url in 'proj/migrate.ini' before proceeding.
--- run
grep -E '^(version_locations|url|default_db)' proj/migrate.ini
--- stdout
version_locations = %(here)s/versions
default_db = dev
url = sqlite:///dev.db
--- run
cd proj && migrate revision -m "Create account" --rev-id a1 && migrate upgrade head >/dev/null && ls versions dev.db
--- stdout
Generating $TMP/proj/versions/a1_create_account.sql ... done
dev.db

versions:
a1_create_account.sql
--- run
migrate init proj
--- exit 2
--- stderr
migrate: folder 'proj' already exists and is not empty
--- run
mkdir empty && migrate -q init empty/ && ls -A empty
--- stdout
README
migrate.ini
models.sql
versions
--- run
mkdir -p a && migrate init a/b/c -t multidb | head -3
--- stdout
Creating directory a/b ... done
Creating directory a/b/c ... done
Generating a/b/c/README ... done

--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file versions/.keep

--- run
migrate --format json revision -m "First one" --rev-id j1
--- stdout
{
  "revision": "j1",
  "path": "$TMP/versions/j1_first_one.sql",
  "revises": []
}
--- run
migrate revision --format json -m second --rev-id j2 --c
--- stdout
{
  "revision": "j2",
  "path": "$TMP/versions/j2_second.c",
  "revises": [
    "j1"
  ]
}

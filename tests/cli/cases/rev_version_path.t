--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/a %(here)s/b
--- file a/.keep
--- file b/.keep
--- run
migrate revision -m first
--- exit 2
--- stderr
migrate: several version_locations are configured: choose one with --version-path
--- run
migrate revision -m first --rev-id v1 --version-path b/
--- stdout
Generating $TMP/b/v1_first.sql ... done
--- run
migrate revision -m second --rev-id v2
--- stdout
Generating $TMP/b/v2_second.sql ... done
--- run
migrate revision -m third --rev-id v3 --version-path ./a
--- stdout
Generating $TMP/a/v3_third.sql ... done
--- run
migrate revision -m fourth --version-path c
--- exit 2
--- stderr
migrate: version path 'c' is not one of the configured version_locations: '$TMP/a', '$TMP/b'

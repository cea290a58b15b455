--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file versions/.keep

--- file versions/a_one.sql
-- migrate:revision aaaa1111
-- migrate:branch-labels core
-- migrate:upgrade
--- run
migrate revision -m x --rev-id 'a-b'
--- exit 2
--- stderr
migrate: bad revision id 'a-b' (use letters, digits and '_')
--- run
migrate revision -m x --rev-id aaaa1111
--- exit 2
--- stderr
migrate: revision id 'aaaa1111' is already used by '$TMP/versions/a_one.sql'
--- run
migrate revision -m x --autogenerate
--- exit 2
--- stderr
migrate: no database url: set 'url' in a [db:LABEL] section of '$TMP/migrate.ini' or MIGRATE_URL
--- run
migrate revision -m x --sql --c
--- exit 2
--- stderr
migrate: revision: --sql and --c cannot be used together
--- run
migrate revision -m "$(printf 'two\nlines')"
--- exit 2
--- stderr
migrate: the message must be one line
--- run
migrate revision -m x --branch-label core
--- exit 2
--- stderr
migrate: branch label 'core' is already used by revision 'aaaa1111'
--- run
migrate revision -m x --branch-label heads
--- exit 2
--- stderr
migrate: bad branch label 'heads' (use letters, digits, '_', '-', '.'; not head, heads, base)
--- run
migrate revision -m x --depends-on base
--- exit 2
--- stderr
migrate: depends-on 'base' names no revision
--- run
migrate revision -m x --version-path elsewhere
--- exit 2
--- stderr
migrate: version path 'elsewhere' is not one of the configured version_locations: '$TMP/versions'
--- run
migrate revision -m x --rev-id one1 && migrate revision -m x --rev-id one2 --head aaaa1111 --splice && ls versions
--- stdout
Generating $TMP/versions/one1_x.sql ... done
Generating $TMP/versions/one2_x.sql ... done
a_one.sql
one1_x.sql
one2_x.sql
--- run
migrate revision -m x --bogus
--- exit 2
--- stderr
migrate: revision: unknown option '--bogus' (see 'migrate revision --help')
--- run
ls -A versions
--- stdout
.keep
a_one.sql
one1_x.sql
one2_x.sql

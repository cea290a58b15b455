--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
default_db = dev

[db:dev]
url = sqlite:///%(here)s/dev.db

[db:pg]
url = postgresql://app:s3cret@127.0.0.1:1/app
--- file versions/a1_first.sql
-- migrate:revision aaaa0001
-- migrate:message First

-- migrate:upgrade
CREATE TABLE a (id int);
-- migrate:downgrade
DROP TABLE a;
--- run
MIGRATE_MODULE_DIR=$PWD/none migrate heads
--- stdout
aaaa0001 (head)
--- run
MIGRATE_MODULE_DIR=$PWD/none migrate upgrade head --sql | grep -c 'CREATE TABLE a'
--- stdout
1
--- run
MIGRATE_MODULE_DIR=$PWD/none migrate upgrade head && migrate current
--- stdout-has
aaaa0001 (head)
--- run
MIGRATE_MODULE_DIR=$PWD/none migrate -x db=pg current
--- exit 2
--- stderr-has
migrate: the postgresql driver is not installed: no migrate-postgresql.so in
--- run
MIGRATE_MODULE_DIR=$PWD/none migrate -x db=pg current 2>&1 | grep -c s3cret
--- exit 1
--- stdout
0

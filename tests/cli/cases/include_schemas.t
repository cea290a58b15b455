--- file migrate.ini
[migrate]
models = %(here)s/models.sql
include_schemas = audit, reporting

[db:dev]
url = sqlite:///dev.db
--- file models.sql
CREATE TABLE t (id integer PRIMARY KEY);
--- file versions/.keep
--- run
migrate diff
--- exit 2
--- stderr
migrate: include_schemas is not supported on SQLite: a SQLite database has no other schemas to compare; remove it from migrate.ini
--- run
migrate check
--- exit 2
--- stderr
migrate: include_schemas is not supported on SQLite: a SQLite database has no other schemas to compare; remove it from migrate.ini
--- run
migrate diff --from-ref HEAD
--- exit 2
--- stderr
migrate: diff --from-ref compares the configured schema only and cannot be used with include_schemas yet
--- run
migrate current
--- exit 0

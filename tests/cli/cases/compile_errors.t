--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file versions/a1_sql.sql
-- migrate:revision a1
-- migrate:upgrade
CREATE TABLE t (a integer);
-- migrate:downgrade
DROP TABLE t;
--- run
migrate compile -o only-sql.so && ls only-sql.so only-sql.json
--- stdout
Wrote only-sql.so (0 C revisions), manifest only-sql.json
only-sql.json
only-sql.so
--- run
(unset CC; PATH=$PWD/.bin migrate compile)
--- exit 3
--- stderr
migrate: $TMP/migrate-bundle.so: no C compiler found (set CC or install cc): 'migrate compile' needs one
--- run
CC=no-such-cc migrate compile
--- exit 3
--- stderr
migrate: $TMP/migrate-bundle.so: no C compiler found (CC is 'no-such-cc', which is not on PATH): 'migrate compile' needs one
--- file versions/b1_broken.c
#include <migrate/revision.h>

MIGRATE_REVISION(.revision = "b1", .revises = "a1");

int upgrade(migrate_op *op)
{
	return migrate_drop_table(op, "t") +
}

int downgrade(migrate_op *op) { (void)op; return 0; }
--- run
migrate compile
--- exit 2
--- stderr-has
migrate: $TMP/versions/b1_broken.c: compiling the C revision failed (
b1_broken.c:8:
--- run
ls -a | grep -c -e migrate-compile -e migrate-bundle
--- exit 1
--- stdout
0
--- file versions/b1_broken.c
#include <migrate/revision.h>

MIGRATE_REVISION(.revision = "b1", .revises = "a1");

int shared_helper(void) { return 0; }

int upgrade(migrate_op *op) { (void)op; return shared_helper(); }
--- file versions/b2_clash.c
#include <migrate/revision.h>

MIGRATE_REVISION(.revision = "b2", .revises = "b1");

int shared_helper(void) { return 1; }

int upgrade(migrate_op *op) { (void)op; return shared_helper(); }
int downgrade(migrate_op *op) { (void)op; return 0; }
--- run
migrate compile
--- exit 2
--- stderr-has
migrate: $TMP/migrate-bundle.so: linking the bundle failed (
; functions and variables other than upgrade() and downgrade() must be static or named uniquely across C revisions:
multiple definition of `shared_helper'
--- file versions/b2_clash.c
#include <migrate/revision.h>

MIGRATE_REVISION(.revision = "b2", .revises = "b1");

int upgrade(migrate_op *op) { (void)op; return 0; }
int downgrade(migrate_op *op) { (void)op; return 0; }
--- run
migrate -q compile && ls migrate-bundle.*
--- stdout
migrate-bundle.json
migrate-bundle.so
--- run
MIGRATE_URL=sqlite:///x.db migrate -q upgrade --bundle migrate-bundle.so && MIGRATE_URL=sqlite:///x.db migrate downgrade a1 --bundle migrate-bundle.so
--- exit 2
--- stderr
migrate: $TMP/versions/b1_broken.c: defines no downgrade() function
--- run
MIGRATE_URL=sqlite:///x.db migrate current
--- stdout
b2 (head)
--- run
MIGRATE_URL=sqlite:///x.db migrate downgrade -1 --bundle nothing-here.so
--- exit 2
--- stderr
migrate: nothing-here.so: cannot read the bundle of C revisions: No such file or directory (make it with 'migrate compile')
--- run
cp migrate.ini fake.so; MIGRATE_URL=sqlite:///x.db migrate downgrade base --bundle fake.so
--- exit 2
--- stderr-has
migrate: fake.so: cannot load the bundle of C revisions: 
--- run
cp only-sql.so empty.so; MIGRATE_URL=sqlite:///x.db migrate downgrade b1 --bundle empty.so
--- exit 2
--- stderr
migrate: $TMP/versions/b2_clash.c: revision 'b2' is not in the bundle empty.so: run 'migrate compile' again

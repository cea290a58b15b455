--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file versions/.keep

--- run
migrate revision -m 'Say "hi" \ there' --rev-id r1 --c
--- stdout
Generating $TMP/versions/r1_say_hi_there.c ... done
--- run
MIGRATE_AUTHOR='Ann Example' migrate revision -m second --rev-id r2 --c --branch-label core
--- run
grep -v '\.created' versions/r1_say_hi_there.c
--- stdout
#include <migrate/revision.h>

MIGRATE_REVISION(
	.revision = "r1",
	.message = "Say \"hi\" \\ there",
);

int upgrade(migrate_op *op)
{
	(void)op;
	return 0;
}

int downgrade(migrate_op *op)
{
	(void)op;
	return 0;
}
--- run
grep -v '\.created' versions/r2_second.c | head -9
--- stdout
#include <migrate/revision.h>

MIGRATE_REVISION(
	.revision = "r2",
	.revises = "r1",
	.message = "second",
	.author = "Ann Example",
	.branch_labels = "core",
);
--- run
migrate history
--- stdout-has
r1 -> r2 (core) (head), second
Say "hi" \ there

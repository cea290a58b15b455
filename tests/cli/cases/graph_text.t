--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions

[db:dev]
url = sqlite:///%(here)s/dev.db
--- file versions/a1_first.sql
-- migrate:revision aaaa0001
-- migrate:message First
-- migrate:created 2026-01-01T00:00:00Z

-- migrate:upgrade
CREATE TABLE a (id int);
-- migrate:downgrade
DROP TABLE a;
--- file versions/b1_second.sql
-- migrate:revision bbbb0001
-- migrate:revises aaaa0001
-- migrate:message Second

-- migrate:upgrade
SELECT 1;
--- file versions/c1_third.sql
-- migrate:revision cccc0001
-- migrate:revises bbbb0001
-- migrate:message Third

-- migrate:upgrade
SELECT 1;
--- file versions/d1_side.sql
-- migrate:revision dddd0001
-- migrate:revises bbbb0001
-- migrate:branch-labels side
-- migrate:message Side work

-- migrate:upgrade
SELECT 1;
--- file versions/sub/e1_other.c
#include <migrate/revision.h>

MIGRATE_REVISION(
    .revision = "eeee0001",
    .revises = "dddd0001",
    .message = "More side work",
);
--- run
migrate heads
--- stdout
cccc0001 (head)
eeee0001 (side) (head)
--- run
migrate heads --resolve-dependencies
--- stdout
cccc0001 (head)
eeee0001 (side) (head)
--- run
migrate heads -v
--- stdout
Rev: cccc0001 (head)
Parent: bbbb0001
Path: $TMP/versions/c1_third.sql

    Third

    Revision ID: cccc0001
    Revises: bbbb0001

Rev: eeee0001 (head)
Parent: dddd0001
Branch names: side
Path: $TMP/versions/sub/e1_other.c

    More side work

    Revision ID: eeee0001
    Revises: dddd0001
--- run
migrate branches
--- stdout
bbbb0001 (branchpoint)
         -> cccc0001 (head)
         -> dddd0001 (side)
--- run
migrate history
--- stdout
bbbb0001 -> cccc0001 (head), Third
dddd0001 -> eeee0001 (side) (head), More side work
bbbb0001 -> dddd0001 (side), Side work
aaaa0001 -> bbbb0001 (branchpoint), Second
<base> -> aaaa0001, First
--- run
migrate history -r bbbb:side@head
--- stdout
dddd0001 -> eeee0001 (side) (head), More side work
bbbb0001 -> dddd0001 (side), Side work
aaaa0001 -> bbbb0001 (branchpoint), Second
--- run
migrate show side
--- stdout
Rev: dddd0001
Parent: bbbb0001
Branch names: side
Path: $TMP/versions/d1_side.sql

    Side work

    Revision ID: dddd0001
    Revises: bbbb0001
--- run
migrate show aaaa
--- stdout
Rev: aaaa0001
Parent: <base>
Path: $TMP/versions/a1_first.sql

    First

    Revision ID: aaaa0001
    Revises:
    Create Date: 2026-01-01T00:00:00Z

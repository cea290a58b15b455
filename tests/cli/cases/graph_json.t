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
migrate --format json heads --resolve-dependencies | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(r["revision"] + ":" + ",".join(r["labels"]) for r in d["heads"]))'
--- stdout
cccc0001: eeee0001:side
--- run
migrate history --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(r["revision"] for r in d["revisions"]))'
--- stdout
cccc0001 eeee0001 dddd0001 bbbb0001 aaaa0001
--- run
migrate branches --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print([(r["revision"], r["children"], r["is_branch_point"]) for r in d["branch_points"]])'
--- stdout
[('bbbb0001', ['cccc0001', 'dddd0001'], True)]
--- run
migrate show eeee --format json | python3 -c 'import json,sys; r=json.load(sys.stdin)["revisions"][0]; print(r["kind"], r["parents"], r["sections"], r["path"].endswith("sub/e1_other.c"), r["is_head"])'
--- stdout
c ['dddd0001'] [] True True
--- run
migrate show aaaa0001 --format json | python3 -c 'import json,sys; r=json.load(sys.stdin)["revisions"][0]; print(r["sections"], r["created"], r["transactional"], r["role"])'
--- stdout
[{'direction': 'upgrade', 'dialect': None, 'line': 6}, {'direction': 'downgrade', 'dialect': None, 'line': 8}] 2026-01-01T00:00:00Z True None

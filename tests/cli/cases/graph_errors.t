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
migrate show head
--- exit 2
--- stderr
migrate: multiple heads are present for 'head': cccc0001, eeee0001 (use 'heads', or 'LABEL@head' for one branch)
--- run
migrate show zzzz
--- exit 2
--- stderr
migrate: unknown revision or branch label 'zzzz'
--- run
migrate show eeee0001+1
--- exit 2
--- stderr
migrate: relative revision 'eeee0001+1' goes past the heads
--- run
migrate history -r cccc0001:eeee0001
--- exit 2
--- stderr
migrate: revision 'cccc0001' is not an ancestor of revision 'eeee0001'
--- run
migrate history -r cccc
--- exit 2
--- stderr
migrate: history range 'cccc' needs a ':' ([start]:[end], [start]: or :[end])
--- run
migrate heads --bogus
--- exit 2
--- stderr
migrate: heads: unknown option '--bogus' (see 'migrate heads --help')
--- file versions/f1_broken.sql
-- migrate:revision ffff0001
-- migrate:revises nope0001
-- migrate:upgrade
SELECT 1;
--- run
migrate heads
--- exit 2
--- stderr
migrate: $TMP/versions/f1_broken.sql:2: revision 'ffff0001' revises 'nope0001', which does not exist

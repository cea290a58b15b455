--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file git.sh
export HOME="$PWD/.home" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE='2026-01-02T10:00:00+01:00' GIT_COMMITTER_DATE='2026-01-02T10:00:00+01:00'
git init -q -b main . && git config user.name 'Ann Author' && git config user.email ann@example.com
--- file versions/a0_base.sql
-- migrate:revision a0
-- migrate:message base

-- migrate:upgrade
SELECT 1;
-- migrate:downgrade
SELECT 2;
--- file versions/b1_next.sql
-- migrate:revision b1
-- migrate:revises a0
-- migrate:message next

-- migrate:upgrade
SELECT 1;
-- migrate:downgrade
SELECT 2;
--- run
. ./git.sh && git add migrate.ini versions/a0_base.sql && git commit -q -m base && migrate history --git
--- stdout
a0 -> b1 (head), next
    git: not committed
<base> -> a0, base
    git: d63e0a6 Ann Author <ann@example.com> 2026-01-02T10:00:00+01:00
--- run
. ./git.sh && git add versions && GIT_AUTHOR_NAME='Bob B' GIT_AUTHOR_EMAIL=bob@example.com GIT_AUTHOR_DATE='2026-02-03T04:05:06-02:30' git commit -q -m next && migrate --format json history --git -r b1: | grep -A5 '"git"'
--- stdout
      "git": {
        "commit": "7c7cf4eda97ff58e624ba99886f7a9fc46d5689c",
        "author": "Bob B",
        "email": "bob@example.com",
        "date": "2026-02-03T04:05:06-02:30"
      }
--- run
. ./git.sh && git checkout -q --detach HEAD && migrate history --git -r :a0
--- stdout
<base> -> a0, base
    git: d63e0a6 Ann Author <ann@example.com> 2026-01-02T10:00:00+01:00
--- run
rm -rf .git && GIT_CEILING_DIRECTORIES="$PWD/.." migrate history --git
--- exit 2
--- stdout
--- stderr
migrate: not in a git repository: history --git needs one
--- run
GIT_CEILING_DIRECTORIES="$PWD/.." migrate history
--- stdout
a0 -> b1 (head), next
<base> -> a0, base

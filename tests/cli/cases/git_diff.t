--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
models = %(here)s/models.sql

[db:dev]
url = sqlite:///%(here)s/dev.db
--- file versions/.keep

--- file git.sh
export HOME="$PWD/.home" GIT_CONFIG_NOSYSTEM=1
[ -d .git ] || git init -q -b main . && git config user.name 'Ann Author' && git config user.email ann@example.com
--- file models.sql
CREATE TABLE account (id integer PRIMARY KEY, name varchar(50) NOT NULL);
--- run
. ./git.sh && git add -A && git commit -q -m models && printf 'CREATE TABLE account (id integer PRIMARY KEY, name varchar(50) NOT NULL, email varchar(80));\nCREATE TABLE tag (id integer PRIMARY KEY);\n' > models.sql && migrate diff --from-ref main
--- stdout
-- + table tag
CREATE TABLE tag (
    id INTEGER,
    PRIMARY KEY (id)
);

-- + column account.email: varchar(80)
ALTER TABLE account ADD COLUMN email varchar(80);
--- run
. ./git.sh && migrate --format json diff --from-ref main --exit-code | grep '"differences"'
--- stdout
  "differences": 2,
--- run
. ./git.sh && migrate diff --from-ref main --exit-code > /dev/null; echo $?; sqlite3 dev.db .tables | wc -l
--- stdout
1
0
--- run
. ./git.sh && git commit -q -am more && migrate diff --from-ref HEAD --exit-code && migrate diff --from-ref HEAD~1 --downgrade | head -3
--- stdout
-- undo: + column account.email: varchar(80)
ALTER TABLE account DROP COLUMN email;
--- run
. ./git.sh && migrate diff --from-ref nope
--- exit 2
--- stderr
migrate: unknown git revision 'nope'
--- run
rm -rf .git && GIT_CEILING_DIRECTORIES="$PWD/.." migrate diff --from-ref main
--- exit 2
--- stderr
migrate: not in a git repository: diff --from-ref needs one

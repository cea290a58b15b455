--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions

[db:dev]
url = sqlite:///%(here)s/dev.db
--- file git.sh
export HOME="$PWD/.home" GIT_CONFIG_NOSYSTEM=1
[ -d .git ] || git init -q -b main . && git config user.name 'Ann Author' && git config user.email ann@example.com
rev() { printf -- '-- migrate:revision %s\n-- migrate:revises %s\n\n-- migrate:upgrade\nCREATE TABLE t_%s (id int);\n-- migrate:downgrade\nDROP TABLE t_%s;\n' "$1" "$2" "$1" "$1" > "versions/$1_x.sql"; }
--- file .gitignore
dev.db*
.home
--- run
. ./git.sh && mkdir versions && rev a0 "" && git add -A && git commit -q -m base && migrate -q upgrade head && migrate check && migrate check --against main
--- stdout
OK: database at head (no models configured)
OK: database at head (no models configured)
--- run
. ./git.sh && echo '-- edited' >> versions/a0_x.sql && migrate check
--- exit 1
--- stdout
$TMP/versions/a0_x.sql: revision 'a0' was changed since it was applied (blob d1966d6 then, a5ff427 now)
FAILED: 1 finding
--- run
. ./git.sh && migrate check --against main
--- exit 1
--- stdout
versions/a0_x.sql: revision 'a0' was changed since 'main'
versions/a0_x.sql: revision 'a0' has changes that are not committed
$TMP/versions/a0_x.sql: revision 'a0' was changed since it was applied (blob d1966d6 then, a5ff427 now)
FAILED: 3 findings
--- run
. ./git.sh && git checkout -q versions && rev b1 a0 && migrate --format json check --against main
--- exit 1
--- stdout
{
  "ok": false,
  "findings": [
    {
      "kind": "uncommitted",
      "message": "versions/b1_x.sql: revision 'b1' is not committed (untracked)",
      "revision": "b1",
      "file": "versions/b1_x.sql"
    },
    {
      "kind": "not_at_head",
      "message": "database is at a0, graph head is b1: run 'migrate upgrade head'"
    }
  ]
}
--- run
. ./git.sh && git add versions && git commit -q -m b1 && git checkout -q -b feat HEAD~1 && rev c1 a0 && git add versions && git commit -q -m c1 && git merge -q --no-edit main && migrate -q upgrade heads && migrate check --against main
--- exit 1
--- stdout
versions/c1_x.sql: revision 'c1' adds a second head: it revises 'a0', which is not a head at 'main' (its head there is 'b1')
FAILED: 1 finding
--- run
. ./git.sh && migrate -q downgrade base && git checkout -q --detach main && git rm -q versions/b1_x.sql && git commit -q -m gone && migrate -q upgrade head && migrate check --against main
--- exit 1
--- stdout
versions/b1_x.sql: revision 'b1' exists at 'main' but was deleted
FAILED: 1 finding
--- run
. ./git.sh && migrate check --against no-such-ref
--- exit 2
--- stderr
migrate: unknown git revision 'no-such-ref'
--- run
rm -rf .git && GIT_CEILING_DIRECTORIES="$PWD/.." migrate check --against main
--- exit 2
--- stderr
migrate: not in a git repository: check --against needs one
--- run
GIT_CEILING_DIRECTORIES="$PWD/.." migrate check
--- stdout
OK: database at head (no models configured)

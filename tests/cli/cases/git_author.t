--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file versions/.keep

--- file git.sh
export HOME="$PWD/.home" GIT_CONFIG_NOSYSTEM=1
git init -q -b main . && git config user.name 'Ann Author' && git config user.email ann@example.com
--- run
GIT_CEILING_DIRECTORIES="$PWD/.." migrate revision -m "no repo" --rev-id a1 && grep -c 'migrate:author' versions/a1_no_repo.sql
--- exit 1
--- stdout
Generating $TMP/versions/a1_no_repo.sql ... done
0
--- run
. ./git.sh && unset MIGRATE_AUTHOR && migrate revision -m "in repo" --rev-id b1 && grep '^-- migrate:author' versions/b1_in_repo.sql
--- stdout
Generating $TMP/versions/b1_in_repo.sql ... done
-- migrate:author Ann Author <ann@example.com>
--- run
. ./git.sh && MIGRATE_AUTHOR='Env Person' migrate revision -m "env wins" --rev-id c1 --head a1 --splice && grep '^-- migrate:author' versions/c1_env_wins.sql
--- stdout
Generating $TMP/versions/c1_env_wins.sql ... done
-- migrate:author Env Person
--- run
. ./git.sh && unset MIGRATE_AUTHOR && migrate merge -m "join" --rev-id m1 heads && grep '^-- migrate:author' versions/m1_join.sql
--- stdout
Generating $TMP/versions/m1_join.sql ... done
-- migrate:author Ann Author <ann@example.com>

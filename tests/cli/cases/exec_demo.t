--- run
src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$(dirname "$(readlink -f "$(command -v migrate)")")/CMakeCache.txt") && mkdir demo && cp -r "$src/migrate.ini" "$src/versions" "$src/models.sql" demo/ && ls demo
--- stdout
migrate.ini
models.sql
versions
--- run
cd demo && migrate current
--- stdout
--- run
cd demo && migrate upgrade head | sed -E 's/[0-9]+ ms\)/N ms)/; s/in [0-9]+ ms$/in N ms/'
--- stdout
[1/7] upgrade <base> -> 1f0a3c5e7b20, Create users (N ms)
[2/7] upgrade 1f0a3c5e7b20 -> 2b7d9e1f4a31, Create groups and their members (N ms)
[3/7] upgrade 2b7d9e1f4a31 -> 4d9f1a3b6c53, Create systems (N ms)
[4/7] upgrade 2b7d9e1f4a31 -> 3c8e0f2a5b42, Groups in groups (N ms)
[5/7] upgrade 3c8e0f2a5b42, 4d9f1a3b6c53 -> 5e0a2b4c7d64, Merge group nesting and systems (N ms)
[6/7] upgrade 5e0a2b4c7d64 -> 6f1b3c5d8e75, Create accounts on systems, assigned to users (N ms)
[7/7] upgrade 6f1b3c5d8e75 -> 7a2c4d6e9f86, Track last login and index accounts by user (N ms)
upgrade: 7 revisions in N ms
--- run
cd demo && migrate history
--- stdout
6f1b3c5d8e75 -> 7a2c4d6e9f86 (head), Track last login and index accounts by user
5e0a2b4c7d64 -> 6f1b3c5d8e75, Create accounts on systems, assigned to users
3c8e0f2a5b42, 4d9f1a3b6c53 -> 5e0a2b4c7d64 (mergepoint), Merge group nesting and systems
2b7d9e1f4a31 -> 3c8e0f2a5b42, Groups in groups
2b7d9e1f4a31 -> 4d9f1a3b6c53, Create systems
1f0a3c5e7b20 -> 2b7d9e1f4a31 (branchpoint), Create groups and their members
<base> -> 1f0a3c5e7b20, Create users
--- run
cd demo && migrate current
--- stdout
7a2c4d6e9f86 (head)
--- run
cd demo && migrate current -v
--- stdout
Current revision(s) for sqlite:///dev.db:
7a2c4d6e9f86 (head)
    Track last login and index accounts by user
--- run
cd demo && migrate upgrade head
--- stdout
nothing to do: the database is already there
--- run
cd demo && sqlite3 dev.db "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
--- stdout
accounts
group_members
group_nesting
migrate_version
migrate_version_log
sqlite_sequence
systems
user_groups
users
--- run
cd demo && migrate -q downgrade base
--- stdout
--- run
cd demo && migrate current && sqlite3 dev.db "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'migrate%' AND name <> 'sqlite_sequence'"
--- stdout
0

--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file versions/.keep

--- file versions/a_one.sql
-- migrate:revision aaaa1111
-- migrate:upgrade
--- file versions/b_two.sql
-- migrate:revision bbbb2222
-- migrate:revises aaaa1111
-- migrate:upgrade
--- file versions/c_three.sql
-- migrate:revision cccc3333
-- migrate:revises aaaa1111
-- migrate:upgrade
--- run
migrate merge bbbb -m "only one"
--- exit 2
--- stderr
migrate: nothing to merge: a merge needs at least two distinct revisions, and these name only 'bbbb2222'
--- run
migrate merge bbbb bbbb2222
--- exit 2
--- stderr
migrate: revision 'bbbb2222' is given twice
--- run
migrate merge aaaa bbbb
--- exit 2
--- stderr
migrate: revision 'aaaa1111' is not a head: only heads can be merged
--- run
migrate merge -m "missing revs"
--- exit 2
--- stderr
migrate: merge: missing argument REV... (see 'migrate merge --help')
--- run
migrate merge heads -m "Merge both" --rev-id m1 --branch-label main
--- stdout
Generating $TMP/versions/m1_merge_both.sql ... done
--- run
grep -v created versions/m1_merge_both.sql
--- stdout
-- migrate:revision m1
-- migrate:revises bbbb2222, cccc3333
-- migrate:message Merge both
-- migrate:branch-labels main

-- migrate:upgrade

-- migrate:downgrade
--- run
migrate merge heads
--- exit 2
--- stderr
migrate: nothing to merge: a merge needs at least two distinct revisions, and these name only 'm1'
--- run
migrate revision -m after --rev-id n2
--- run
grep revises versions/n2_after.sql
--- stdout
-- migrate:revises m1

--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file versions/.keep

--- file versions/a_one.sql
-- migrate:revision aaaa1111
-- migrate:message one
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
migrate revision -m four
--- exit 2
--- stderr
migrate: multiple heads are present (bbbb2222, cccc3333): choose the parent with --head REV, or merge them first with 'migrate merge heads'
--- run
migrate revision -m four --head aaaa
--- exit 2
--- stderr
migrate: revision 'aaaa1111' is not a head: add --splice to start a new branch from it
--- run
migrate revision -m four --head bbbb --rev-id d4
--- stdout
Generating $TMP/versions/d4_four.sql ... done
--- run
grep revises versions/d4_four.sql
--- stdout
-- migrate:revises bbbb2222
--- run
migrate revision -m five --head aaaa --splice --rev-id e5
--- stdout
Generating $TMP/versions/e5_five.sql ... done
--- run
migrate revision -m six --head base --branch-label other --rev-id f6
--- stdout
Generating $TMP/versions/f6_six.sql ... done
--- run
grep -c revises versions/f6_six.sql; grep branch-labels versions/f6_six.sql
--- stdout
0
-- migrate:branch-labels other
--- run
migrate revision -m seven --head other@head --depends-on cccc,other --depends-on d4 --rev-id g7
--- run
grep -E 'revises|depends' versions/g7_seven.sql
--- stdout
-- migrate:revises f6
-- migrate:depends-on cccc3333, other, d4
--- run
migrate revision -m x --head nothere
--- exit 2
--- stderr
migrate: unknown revision or branch label 'nothere'

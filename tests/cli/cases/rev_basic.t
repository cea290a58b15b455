--- file migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file versions/.keep

--- run
migrate revision -m "Create account table!" --rev-id a1
--- stdout
Generating $TMP/versions/a1_create_account_table.sql ... done
--- run
grep -v '^-- migrate:created' versions/a1_create_account_table.sql
--- stdout
-- migrate:revision a1
-- migrate:message Create account table!

-- migrate:upgrade

-- migrate:downgrade
--- run
grep -cE '^-- migrate:created [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' versions/a1_create_account_table.sql
--- stdout
1
--- run
migrate -q revision -m "Add email to account"
--- stdout
--- run
ls versions | grep -E '^[0-9a-f]{12}_add_email_to_account\.sql$' | wc -l
--- stdout
1
--- run
grep -h '^-- migrate:revises' versions/*_add_email_to_account.sql
--- stdout
-- migrate:revises a1
--- run
migrate revision -m "A very long message that goes well beyond the forty characters" --rev-id b2 --head head
--- stdout
Generating $TMP/versions/b2_a_very_long_message_that_goes_well.sql ... done
--- run
migrate revision --rev-id c3 --head b2
--- stdout
Generating $TMP/versions/c3.sql ... done
--- run
migrate history
--- stdout-has
b2 -> c3 (head)
<base> -> a1, Create account table!

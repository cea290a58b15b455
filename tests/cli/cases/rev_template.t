--- file proj/migrate.ini
[migrate]
script_location = %(here)s
version_locations = %(here)s/versions
--- file proj/versions/.keep
--- file proj/script.sql.tmpl
-- migrate:revision ${rev_id}
-- migrate:revises ${revises}
-- migrate:message ${message}
-- migrate:author ${author} (${unknown})

-- migrate:upgrade
SET search_path TO ${schema};
${upgrades}
-- migrate:downgrade
SELECT 1;
--- run
cd proj && migrate revision -m "custom" --rev-id t1
--- stdout
Generating $TMP/proj/versions/t1_custom.sql ... done
--- run
cat proj/versions/t1_custom.sql
--- stdout
-- migrate:revision t1
-- migrate:message custom

-- migrate:upgrade
SET search_path TO ${schema};
-- migrate:downgrade
SELECT 1;
--- file proj/script.c.tmpl
/* no MIGRATE_REVISION here */
int x;
--- run
migrate -c proj/migrate.ini revision -m broken --rev-id t2 --c
--- exit 2
--- stderr
migrate: the new revision does not load, so '$TMP/proj/versions/t2_broken.c' was removed: template '$TMP/proj/script.c.tmpl' made no revision 't2' (it needs a line with ${rev_id})
--- run
ls proj/versions
--- stdout
t1_custom.sql

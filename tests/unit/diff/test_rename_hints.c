/*
 * Rename hints read from the models' text (models/hints.c): which object
 * each `-- migrate:renamed-from` line names (tables, columns, indexes,
 * views in every spelling, enum types and labels, OLD quoted or not) and
 * the error for a hint on another line. No server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/models.h"
#include "testutil.h"

/* The hints of text as "kind table from to" lines (heap). */
static char *hints_of(const char *text)
{
	static const char *const kinds[] = { "table", "column", "index", "view", "enum", "enum_value" };
	char *dir = mg_test_tmpdir(), path[4200], *out;
	mg_models_hints h;
	mg_error err;
	size_t cap = 4096, len = 0;

	mg_error_init(&err);
	mg_test_write(dir, "models.sql", text);
	snprintf(path, sizeof(path), "%s/models.sql", dir);
	if (mg_models_hints_read(path, &h, &err) != MG_OK)
		fail_msg("hints: %s", err.msg);
	out = calloc(1, cap);
	for (size_t i = 0; i < h.len; i++) {
		const mg_diff_rename *r = &h.items[i];
		len += (size_t)snprintf(out + len, cap - len, "%s %s %s %s\n", kinds[r->kind], r->table, r->from,
					r->to ? r->to : "-");
	}
	mg_models_hints_release(&h);
	mg_test_rmtree(dir);
	free(dir);
	return out;
}

/* The error of reading text's hints, with the folder replaced by $DIR. */
static char *error_of(const char *text)
{
	char *dir = mg_test_tmpdir(), path[4200], *out;
	mg_models_hints h;
	mg_error err;

	mg_error_init(&err);
	mg_test_write(dir, "models.sql", text);
	snprintf(path, sizeof(path), "%s/models.sql", dir);
	assert_int_equal(mg_models_hints_read(path, &h, &err), MG_EINPUT);
	mg_models_hints_release(&h);
	assert_non_null(strstr(err.msg, path));
	out = malloc(strlen(err.msg) + 1);
	snprintf(out, strlen(err.msg) + 1, "%s", err.msg + strlen(dir) + 1);
	mg_test_rmtree(dir);
	free(dir);
	return out;
}

static void test_rename_hints__tables_columns_indexes(void **state)
{
	char *got = hints_of("CREATE TABLE people ( -- migrate:renamed-from users\n"
			     "    id integer PRIMARY KEY,\n"
			     "    full_name text, -- migrate:renamed-from name\n"
			     "    \"Age\" integer -- migrate:renamed-from \"AGE\"\n"
			     ");\n"
			     "CREATE INDEX ix_people ON people (full_name); -- migrate:renamed-from ix_users\n");

	(void)state;
	assert_string_equal(got, "table people users -\n"
				 "column people name full_name\n"
				 "column people AGE Age\n"
				 "index people ix_users ix_people\n");
	free(got);
}

static void test_rename_hints__views(void **state)
{
	char *got = hints_of("CREATE VIEW active_users AS  -- migrate:renamed-from current_users\n"
			     "    SELECT 1;\n"
			     "CREATE OR REPLACE VIEW ${schema}.v2 AS SELECT 1; -- migrate:renamed-from v1\n"
			     "CREATE MATERIALIZED VIEW IF NOT EXISTS mv2 AS -- migrate:renamed-from mv1\n"
			     "    SELECT 1;\n"
			     "CREATE TEMP RECURSIVE VIEW r2 (n) AS -- migrate:renamed-from r1\n"
			     "    VALUES (1);\n"
			     "CREATE ALGORITHM = MERGE DEFINER = `root`@`localhost` SQL SECURITY INVOKER VIEW `m2` AS"
			     " -- migrate:renamed-from `m1`\n"
			     "    SELECT 1;\n");

	(void)state;
	assert_string_equal(got, "view active_users current_users -\n"
				 "view v2 v1 -\n"
				 "view mv2 mv1 -\n"
				 "view r2 r1 -\n"
				 "view m2 m1 -\n");
	free(got);
}

static void test_rename_hints__enums(void **state)
{
	char *got = hints_of("CREATE TYPE ticket_status AS ENUM (  -- migrate:renamed-from ticket_state\n"
			     "    'open',\n"
			     "    'closed',   -- migrate:renamed-from 'done'\n"
			     "    'won''t do' -- migrate:renamed-from wontfix\n"
			     "  , 'later'    -- migrate:renamed-from 'someday'\n"
			     ");\n"
			     "CREATE TABLE t (\n"
			     "    state ticket_status -- migrate:renamed-from status\n"
			     ");\n"
			     "CREATE TYPE mood AS ENUM ('sad', 'ok'); -- migrate:renamed-from feeling\n");

	(void)state;
	assert_string_equal(got, "enum ticket_status ticket_state -\n"
				 "enum_value ticket_status done closed\n"
				 "enum_value ticket_status wontfix won't do\n"
				 "enum_value ticket_status someday later\n"
				 "column t status state\n"
				 "enum mood feeling -\n");
	free(got);
}

/* A composite type is no enum; a hint elsewhere is an error naming the
 * line. */
static void test_rename_hints__misplaced(void **state)
{
	char *got = error_of("CREATE TYPE pair AS (\n"
			     "    a integer -- migrate:renamed-from b\n"
			     ");\n");

	(void)state;
	assert_string_equal(got, "models.sql:2: '-- migrate:renamed-from b' is not on a CREATE TABLE, CREATE INDEX, "
				 "CREATE VIEW or CREATE TYPE ... AS ENUM line, a column's line or an enum label's line");
	free(got);
	got = error_of("CREATE VIEW v AS\n"
		       "    SELECT 1; -- migrate:renamed-from w\n");
	assert_string_equal(got, "models.sql:2: '-- migrate:renamed-from w' is not on a CREATE TABLE, CREATE INDEX, "
				 "CREATE VIEW or CREATE TYPE ... AS ENUM line, a column's line or an enum label's line");
	free(got);
	got = error_of("CREATE TYPE s AS ENUM (\n"
		       "    'a' -- migrate:renamed-from\n"
		       ");\n");
	assert_string_equal(got, "models.sql:2: '-- migrate:renamed-from' needs the old name");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rename_hints__tables_columns_indexes),
		cmocka_unit_test(test_rename_hints__views),
		cmocka_unit_test(test_rename_hints__enums),
		cmocka_unit_test(test_rename_hints__misplaced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

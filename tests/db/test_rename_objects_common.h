/*
 * View renames from `-- migrate:renamed-from` on a CREATE VIEW line, and
 * the drop of a view others read (DS105), the same cases on every dialect:
 * test_rename_objects_{pg,mysql,sqlite}.c include this file and give the
 * dialect's rename statement (ro_rename_sql), its triggers naming the view
 * (ro_triggers) and how to see that they still work (ro_trigger_works).
 * Each case runs the migrate binary in its own folder against its own
 * schema (PostgreSQL) or database (MySQL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/driver.h"
#include "util/buf.h"
#include "dbfixture.h"

/* Per dialect: the upgrade's statement renaming current_users to
 * active_users; the triggers that name view `v` (appended to the models);
 * a check that they fire through view `v` (id: a new user id). */
static const char *ro_rename_sql;
static const char *ro_triggers(const char *v);
static void ro_trigger_works(mg_test_project *f, const char *v, int id);

/* The first column of the first row of sql, or "" (static buffer). */
static const char *ro_value(mg_test_project *f, const char *sql)
{
	static char v[256];
	char *text = mg_test_query1(f->db, sql);
	snprintf(v, sizeof(v), "%s", text);
	free(text);
	return v;
}

static int ro_setup(mg_dialect d, void **state)
{
	return mg_test_project_setup(state, d, "rnobj", MG_TEST_PROJECT_USE, "");
}

/* The models: users and log, view `v` over users (with `query` when not
 * NULL, and `hint` at the end of its CREATE VIEW line when not NULL),
 * user_names reading v (unless `readers` is false: then it reads users),
 * and the dialect's triggers naming v when `triggers`. */
static void ro_models_full(mg_test_project *f, const char *v, const char *hint, const char *query, bool readers,
			   bool triggers)
{
	mg_buf b = MG_BUF_INIT;

	mg_buf_puts(&b, "CREATE TABLE users (id integer PRIMARY KEY, name varchar(40), active integer);\n"
			"CREATE TABLE log (n integer);\n");
	if (v) {
		mg_buf_printf(&b, "CREATE VIEW %s AS", v);
		if (hint)
			mg_buf_printf(&b, "  -- migrate:renamed-from %s", hint);
		mg_buf_printf(&b, "\n    %s;\n", query ? query : "SELECT id, name FROM users WHERE active = 1");
	}
	if (readers)
		mg_buf_printf(&b, "CREATE VIEW user_names AS SELECT name FROM %s;\n", v);
	else
		mg_buf_puts(&b, "CREATE VIEW user_names AS SELECT name FROM users WHERE active = 1;\n");
	if (triggers)
		mg_buf_puts(&b, ro_triggers(v));
	mg_test_write(f->dir, "models.sql", b.ptr);
	mg_buf_release(&b);
}

static void ro_models(mg_test_project *f, const char *v, const char *hint)
{
	ro_models_full(f, v, hint, NULL, true, true);
}

/* The first models applied through a generated revision, one user. */
static void ro_start(mg_test_project *f, bool triggers)
{
	ro_models_full(f, "current_users", NULL, NULL, true, triggers);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "-m", "initial");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	mg_test_exec1_ok(f->db, "INSERT INTO users (id, name, active) VALUES (1, 'ann', 1)");
}

/* The text of the revision file versions/<rev>_*.<ext> (heap). */
static char *ro_revision_file(mg_test_project *f, const char *rev, const char *ext)
{
	char cmd[4300];
	char *text = calloc(1, 65536);
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cat %s/versions/%s_*.%s", f->dir, rev, ext);
	p = popen(cmd, "r");
	n = fread(text, 1, 65535, p);
	pclose(p);
	text[n] = '\0';
	if (!n)
		fail_msg("no revision file %s_*.%s", rev, ext);
	return text;
}

/* The number of revision files. */
static int ro_count_files(mg_test_project *f)
{
	char cmd[4300];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls %s/versions | grep -c '\\.sql$'", f->dir);
	p = popen(cmd, "r");
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

static void ro_expect_ok(mg_test_project *f, const char *cmd)
{
	char *out, *err;
	int st = mg_test_migrate(f->dir, &out, &err, cmd);

	if (st != 0)
		fail_msg("%s exited %d\n%s%s", cmd, st, out, err);
	free(out);
	free(err);
}

static void ro_expect_no_diff(mg_test_project *f)
{
	char *out, *err;
	int st = mg_test_migrate(f->dir, &out, &err, "diff", "--exit-code");

	if (st != 0 || out[0])
		fail_msg("diff --exit-code exited %d\n%s%s", st, out, err);
	free(out);
	free(err);
}

/* A hinted view rename is a rename, never a drop: what reads the view
 * (another view, triggers) works after the upgrade and after the
 * downgrade, and the models are reached both ways. */
static void test_rename_view__hinted_keeps_readers(void **state)
{
	mg_test_project *f = *state;
	char *out, *err, *file;
	int st;

	ro_start(f, true);
	ro_models(f, "active_users", "current_users");
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "-- ~ view active_users: renamed from current_users\n"));
	assert_non_null(strstr(out, ro_rename_sql));
	assert_null(strstr(out, "DESTRUCTIVE"));
	if (f->d != MG_DIALECT_SQLITE)
		assert_null(strstr(out, "DROP VIEW"));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "diff", "--format", "json");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "\"kind\": \"rename_view\",\n      \"object\": \"active_users\",\n"
				    "      \"detail\": \"renamed from current_users\",\n      \"destructive\": false"));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "check");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "~ view active_users: renamed from current_users"));
	free(out);
	free(err);

	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--verify", "--rev-id", "rnview", "-m", "rename view");
	file = ro_revision_file(f, "rnview", "sql");
	assert_non_null(strstr(file, ro_rename_sql));
	free(file);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_string_equal(ro_value(f, "SELECT name FROM active_users WHERE id = 1"), "ann");
	assert_string_equal(ro_value(f, "SELECT name FROM user_names"), "ann");
	ro_trigger_works(f, "active_users", 2);
	ro_expect_ok(f, "check");
	/* The hint stays in the models and is a no-op now. */
	ro_expect_no_diff(f);

	mg_test_migrate_ok(f->dir, "downgrade", "-1");
	assert_string_equal(ro_value(f, "SELECT name FROM current_users WHERE id = 1"), "ann");
	assert_string_equal(ro_value(f, "SELECT COUNT(*) FROM user_names"), "2");
	ro_trigger_works(f, "current_users", 3);
	ro_models(f, "current_users", NULL);
	ro_expect_no_diff(f);
}

/* Renamed and redefined: the rename first, then the view's change on its
 * new name. */
static void test_rename_view__and_redefined(void **state)
{
	mg_test_project *f = *state;
	char *out, *err;
	const char *rename, *change;
	int st;

	ro_start(f, true);
	ro_models_full(f, "active_users", "current_users", "SELECT id, name, active FROM users WHERE active = 1", true,
		       true);
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	assert_int_equal(st, 0);
	rename = strstr(out, "-- ~ view active_users: renamed from current_users\n");
	/* PostgreSQL and SQLite drop and create it, MySQL replaces it. */
	change = strstr(out, f->d == MG_DIALECT_MYSQL ? "-- ~ view active_users\n" : "-- - view active_users\n");
	assert_non_null(rename);
	assert_non_null(change);
	assert_true(rename < change);
	assert_null(strstr(out, "DESTRUCTIVE"));
	free(out);
	free(err);

	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--verify", "-m", "rename and redefine");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_string_equal(ro_value(f, "SELECT active FROM active_users WHERE id = 1"), "1");
	assert_string_equal(ro_value(f, "SELECT name FROM user_names"), "ann");
	ro_trigger_works(f, "active_users", 2);
	ro_expect_ok(f, "check");
	mg_test_migrate_ok(f->dir, "downgrade", "-1");
	assert_string_equal(ro_value(f, "SELECT COUNT(*) FROM current_users"), "2");
	ro_models(f, "current_users", NULL);
	ro_expect_no_diff(f);
}

/* Without the hint: drop and create, the hint proposed as a comment; the
 * drop of a view another view read is DS105. */
static void test_rename_view__unhinted_proposal(void **state)
{
	mg_test_project *f = *state;
	static const char proposal[] = "did you rename view current_users to active_users? add \"-- migrate:renamed-from "
				       "current_users\" to its CREATE VIEW line in the models";
	char *out, *err, *file, line[512];
	int st;

	ro_start(f, false);
	ro_models_full(f, "active_users", NULL, NULL, true, false);
	snprintf(line, sizeof(line), "-- %s\n", proposal);
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, "-- - view current_users\n"));
	assert_non_null(strstr(out, "-- DESTRUCTIVE DS105: drops a view other views read\n"));
	assert_null(strstr(out, "renamed from"));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "diff", "--format", "json");
	assert_int_equal(st, 0);
	snprintf(line, sizeof(line), "\"proposals\": [\n    \"%s\"\n  ]",
		 "did you rename view current_users to active_users? add \\\"-- migrate:renamed-from current_users\\\" "
		 "to its CREATE VIEW line in the models");
	if (!strstr(out, line))
		fail_msg("no proposal in\n%s", out);
	free(out);
	free(err);

	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--allow-destructive", "--rev-id", "proposal", "-m",
			   "unhinted");
	file = ro_revision_file(f, "proposal", "sql");
	snprintf(line, sizeof(line), "\n-- %s\n", proposal);
	assert_non_null(strstr(file, line));
	free(file);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_string_equal(ro_value(f, "SELECT name FROM user_names"), "ann");
	ro_expect_ok(f, "check");
}

/* DS105: the models drop a view that another view read (the reader now
 * reads the table). Reported by diff, check and in JSON, marked in the
 * file, refused without --allow-destructive when not on a terminal. */
static void test_destructive__ds105_view_read_by_views(void **state)
{
	mg_test_project *f = *state;
	char *out, *err, *file;
	int st;

	ro_start(f, false);
	ro_models_full(f, NULL, NULL, NULL, false, false);
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "-- - view current_users\n-- DESTRUCTIVE DS105: drops a view other views read\n"));
	assert_non_null(strstr(err, "warning: "));
	assert_non_null(strstr(err, "DS105 drop view current_users"));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "diff", "--format", "json");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "\"kind\": \"drop_view\",\n      \"object\": \"current_users\",\n      \"detail\": \"\",\n"
				    "      \"destructive\": true,\n      \"reason\": \"drops a view other views read\",\n"
				    "      \"code\": \"DS105\""));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "check");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "- view current_users"));
	assert_non_null(strstr(out, "(destructive DS105: drops a view other views read)"));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "check", "--format", "json");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "\"operation\": \"drop_view\""));
	assert_non_null(strstr(out, "\"code\": \"DS105\""));
	free(out);
	free(err);

	/* Non-interactive (stdin is not a terminal here): refused, exit 2,
	 * no file. */
	st = mg_test_migrate(f->dir, &out, &err, "revision", "--autogenerate", "-m", "drop current_users");
	assert_int_equal(st, 2);
	assert_string_equal(err, "migrate: refusing to write a revision with destructive changes (DS105 drop view "
				 "current_users): review them with 'migrate diff', then pass --allow-destructive\n");
	assert_int_equal(ro_count_files(f), 1);
	free(out);
	free(err);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--allow-destructive", "--rev-id", "ds105", "-m",
			   "drop current_users");
	file = ro_revision_file(f, "ds105", "sql");
	assert_non_null(strstr(file, "-- - view current_users\n-- DESTRUCTIVE DS105: drops a view other views read\n"));
	free(file);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_string_equal(ro_value(f, "SELECT name FROM user_names"), "ann");
	ro_expect_ok(f, "check");
}

/* --c: no op call renames a view, so the dialect's SQL runs through
 * migrate_execute_for; the C revision runs both ways. */
static void test_rename_view__c_revision(void **state)
{
	mg_test_project *f = *state;
	char *file, call[128], first[256];

	/* The rename's first statement, one C string literal per line. */
	snprintf(first, sizeof(first), "%s", ro_rename_sql);
	first[strcspn(first, "\n")] = '\0';
	ro_start(f, true);
	ro_models(f, "active_users", "current_users");
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--c", "--rev-id", "crename", "-m", "rename view");
	file = ro_revision_file(f, "crename", "c");
	snprintf(call, sizeof(call), "if ((rc = migrate_execute_for(op, \"%s\",", mg_dialect_name(f->d));
	assert_non_null(strstr(file, "\t/* ~ view active_users: renamed from current_users */\n"));
	assert_non_null(strstr(file, call));
	assert_non_null(strstr(file, first));
	assert_non_null(strstr(file, "\t/* undo: ~ view active_users: renamed from current_users */\n"));
	free(file);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_string_equal(ro_value(f, "SELECT name FROM user_names"), "ann");
	ro_trigger_works(f, "active_users", 2);
	ro_expect_ok(f, "check");
	mg_test_migrate_ok(f->dir, "downgrade", "-1");
	assert_string_equal(ro_value(f, "SELECT COUNT(*) FROM current_users"), "2");
	ro_trigger_works(f, "current_users", 3);
}

#define RO_TESTS(setup, teardown)                                                                      \
	cmocka_unit_test_setup_teardown(test_rename_view__hinted_keeps_readers, setup, teardown),      \
	cmocka_unit_test_setup_teardown(test_rename_view__and_redefined, setup, teardown),             \
	cmocka_unit_test_setup_teardown(test_rename_view__unhinted_proposal, setup, teardown),         \
	cmocka_unit_test_setup_teardown(test_destructive__ds105_view_read_by_views, setup, teardown),  \
	cmocka_unit_test_setup_teardown(test_rename_view__c_revision, setup, teardown)

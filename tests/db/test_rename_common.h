/*
 * Renames, destructive-change codes, exclude patterns and --verify, the
 * same cases on every dialect: test_rename_sqlite.c, test_rename_pg.c and
 * test_rename_mysql.c include this file and give the dialect's spelling of
 * a few types (rn_types). Each case runs the migrate binary in its own
 * folder against its own schema (PostgreSQL) or database (MySQL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/driver.h"
#include "util/buf.h"
#include "dbfixture.h"

/* Per dialect: the integer, text, short and long string types; a type
 * and one that narrows it (%W, %N). */
static const char *rn_int, *rn_text, *rn_short, *rn_long, *rn_wide, *rn_narrow;

/* The first column of the first row of sql, or "" (static buffer). */
static const char *rn_value(mg_test_project *f, const char *sql)
{
	static char v[256];
	char *text = mg_test_query1(f->db, sql);
	snprintf(v, sizeof(v), "%s", text);
	free(text);
	return v;
}

static int rn_setup(mg_dialect d, void **state)
{
	return mg_test_project_setup(state, d, "rename", MG_TEST_PROJECT_USE, "");
}

/* Writes models.sql from a printf format over the dialect's types. */
static void rn_models(mg_test_project *f, const char *text)
{
	mg_buf b = MG_BUF_INIT;
	/* %I integer, %T text, %S short string, %L long string, %W %N */
	for (const char *p = text; *p; p++) {
		if (p[0] == '%' && p[1]) {
			p++;
			mg_buf_puts(&b, *p == 'I' ? rn_int : *p == 'T' ? rn_text : *p == 'S' ? rn_short
							 : *p == 'W' ? rn_wide : *p == 'N' ? rn_narrow : rn_long);
		} else {
			mg_buf_putc(&b, *p);
		}
	}
	mg_test_write(f->dir, "models.sql", b.ptr);
	mg_buf_release(&b);
}

static const char *const rn_initial =
	"CREATE TABLE users (\n"
	"    id %I NOT NULL PRIMARY KEY,\n"
	"    name %S NOT NULL,\n"
	"    age %I\n"
	");\n"
	"CREATE INDEX ix_users_name ON users (name);\n"
	"CREATE TABLE notes (\n"
	"    id %I NOT NULL PRIMARY KEY,\n"
	"    body %L\n"
	");\n";

/* Initial models applied through a generated revision, one row in users. */
static void rn_start(mg_test_project *f)
{
	rn_models(f, rn_initial);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "-m", "initial");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	mg_test_exec1_ok(f->db, "INSERT INTO users (id, name, age) VALUES (1, 'ann', 30)");
}

/* Hinted renames of a table, a column and an index keep the row; the
 * downgrade renames back. */
static void test_rename__hinted_keep_rows(void **state)
{
	mg_test_project *f = *state;
	char *out, *err;
	int st;

	rn_start(f);
	rn_models(f, "CREATE TABLE people ( -- migrate:renamed-from users\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    full_name %S NOT NULL, -- migrate:renamed-from name\n"
		     "    age %I\n"
		     ");\n"
		     "CREATE INDEX ix_people_name ON people (full_name); -- migrate:renamed-from ix_users_name\n"
		     "CREATE TABLE notes (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    body %L\n"
		     ");\n");
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "-- ~ table people: renamed from users\n"));
	assert_non_null(strstr(out, "-- ~ column people.full_name: renamed from name\n"));
	assert_non_null(strstr(out, "-- ~ index people.ix_people_name: renamed from ix_users_name\n"));
	assert_null(strstr(out, "DROP TABLE"));
	assert_null(strstr(out, "DROP COLUMN"));
	assert_null(strstr(out, "DESTRUCTIVE"));
	free(out);
	free(err);

	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--verify", "-m", "renames");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_string_equal(rn_value(f, "SELECT full_name FROM people WHERE id = 1"), "ann");
	assert_string_equal(rn_value(f, "SELECT age FROM people WHERE id = 1"), "30");
	st = mg_test_migrate(f->dir, &out, &err, "check");
	if (st != 0)
		fail_msg("check after the renames exited %d\n%s%s", st, out, err);
	free(out);
	free(err);
	/* The hints stay in the models and are no-ops now. */
	st = mg_test_migrate(f->dir, &out, &err, "diff", "--exit-code");
	assert_int_equal(st, 0);
	assert_string_equal(out, "");
	free(out);
	free(err);

	mg_test_migrate_ok(f->dir, "downgrade", "-1");
	assert_string_equal(rn_value(f, "SELECT name FROM users WHERE id = 1"), "ann");
	rn_models(f, rn_initial);
	st = mg_test_migrate(f->dir, &out, &err, "diff", "--exit-code");
	if (st != 0)
		fail_msg("after the downgrade, diff exited %d\n%s%s", st, out, err);
	free(out);
	free(err);
}

/* Without hints: drop and add, with the hint proposed as a comment. */
static void test_rename__unhinted_proposals(void **state)
{
	mg_test_project *f = *state;
	char *out, *err, *file;
	int st;

	rn_start(f);
	rn_models(f, "CREATE TABLE users (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    full_name %S NOT NULL,\n"
		     "    age %I\n"
		     ");\n"
		     "CREATE INDEX ix_users_name ON users (full_name);\n"
		     "CREATE TABLE memos (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    body %L\n"
		     ");\n");
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "-- did you rename users.name to users.full_name? add \"-- migrate:renamed-from name\" "
				    "to its line in the models\n"));
	assert_non_null(strstr(out, "-- did you rename table notes to memos? add \"-- migrate:renamed-from notes\" to "
				    "its CREATE TABLE line in the models\n"));
	assert_non_null(strstr(out, "-- DESTRUCTIVE DS102: drops the column\n"));
	assert_non_null(strstr(out, "-- DESTRUCTIVE DS101: drops the table\n"));
	free(out);
	free(err);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--allow-destructive", "--rev-id", "proposals");
	{
		char cmd[4200];
		FILE *p;
		size_t n;
		snprintf(cmd, sizeof(cmd), "cat %s/versions/proposals*.sql", f->dir);
		p = popen(cmd, "r");
		file = calloc(1, 65536);
		n = fread(file, 1, 65535, p);
		pclose(p);
		file[n] = '\0';
		assert_non_null(strstr(file, "\n-- did you rename users.name to users.full_name? add \"-- migrate:renamed-from name\""));
		free(file);
	}
	/* The file with the proposals is a valid revision (the drop and add of
	 * a NOT NULL column cannot keep the row: the hint is what saves it). */
	mg_test_exec1_ok(f->db, "DELETE FROM users");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	mg_test_migrate_ok(f->dir, "check");
}

/* Each destructive kind with its code, in check --format json and diff;
 * revision --autogenerate refuses them without --allow-destructive. */
static void test_destructive__codes(void **state)
{
	mg_test_project *f = *state;
	char *out, *err;
	int st;

	rn_start(f);
	/* notes.body dropped (DS102), users.age NOT NULL (DS104). */
	rn_models(f, "CREATE TABLE users (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    name %S NOT NULL,\n"
		     "    age %I NOT NULL\n"
		     ");\n"
		     "CREATE INDEX ix_users_name ON users (name);\n"
		     "CREATE TABLE notes (\n"
		     "    id %I NOT NULL PRIMARY KEY\n"
		     ");\n");
	st = mg_test_migrate(f->dir, &out, &err, "check", "--format", "json");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "\"code\": \"DS102\""));
	assert_non_null(strstr(out, "\"code\": \"DS104\""));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "check");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "- column notes.body"));
	assert_non_null(strstr(out, "(destructive DS102: drops the column)"));
	assert_non_null(strstr(out, "(destructive DS104: sets NOT NULL without a default)"));
	free(out);
	free(err);

	rn_models(f, "CREATE TABLE users (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    name %S NOT NULL,\n"
		     "    age %I\n"
		     ");\n");
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "-- DESTRUCTIVE DS101: drops the table\n"));
	assert_non_null(strstr(err, "warning: "));
	assert_non_null(strstr(err, "DS101 drop table notes"));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "diff", "--format", "json");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "\"code\": \"DS101\""));
	free(out);
	free(err);

	/* Non-interactive (stdin is not a terminal here): refused, exit 2. */
	st = mg_test_migrate(f->dir, &out, &err, "revision", "--autogenerate", "-m", "drop notes");
	assert_int_equal(st, 2);
	assert_non_null(strstr(err, "migrate: refusing to write a revision with destructive changes (DS101 drop "
				    "table notes): review them with 'migrate diff', then pass --allow-destructive\n"));
	free(out);
	free(err);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--allow-destructive", "-m", "drop notes");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	mg_test_migrate_ok(f->dir, "check");
}

/* A long string narrowed to a short one is DS103. */
static void test_destructive__narrowing(void **state)
{
	mg_test_project *f = *state;
	char *out, *err;
	int st;

	rn_start(f);
	rn_models(f, "CREATE TABLE users (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    name %S NOT NULL,\n"
		     "    age %I\n"
		     ");\n"
		     "CREATE INDEX ix_users_name ON users (name);\n"
		     "CREATE TABLE notes (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    body %L\n"
		     ");\n"
		     "CREATE TABLE sizes (\n"
		     "    v %N\n"
		     ");\n");
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "-m", "sizes");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	rn_models(f, "CREATE TABLE users (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    name %S NOT NULL,\n"
		     "    age %I\n"
		     ");\n"
		     "CREATE INDEX ix_users_name ON users (name);\n"
		     "CREATE TABLE notes (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    body %L\n"
		     ");\n"
		     "CREATE TABLE sizes (\n"
		     "    v %W\n"
		     ");\n");
	/* Widening is safe (SQLite: any change of affinity is not). */
	st = mg_test_migrate(f->dir, &out, &err, "check", "--format", "json");
	assert_int_equal(st, 1);
	if (f->d != MG_DIALECT_SQLITE)
		assert_null(strstr(out, "\"code\""));
	free(out);
	free(err);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--allow-destructive", "-m", "widen");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	rn_models(f, "CREATE TABLE users (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    name %S NOT NULL,\n"
		     "    age %I\n"
		     ");\n"
		     "CREATE INDEX ix_users_name ON users (name);\n"
		     "CREATE TABLE notes (\n"
		     "    id %I NOT NULL PRIMARY KEY,\n"
		     "    body %L\n"
		     ");\n"
		     "CREATE TABLE sizes (\n"
		     "    v %N\n"
		     ");\n");
	st = mg_test_migrate(f->dir, &out, &err, "check", "--format", "json");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "\"code\": \"DS103\""));
	free(out);
	free(err);
}

/* Tables matching `exclude` are never compared (nor dropped). */
static void test_destructive__exclude(void **state)
{
	mg_test_project *f = *state;
	char *out, *err;
	int st;

	rn_start(f);
	mg_test_exec1_ok(f->db, "CREATE TABLE tmp_scratch (a integer)");
	mg_test_exec1_ok(f->db, "CREATE TABLE spatial_ref_sys (srid integer)");
	st = mg_test_migrate(f->dir, &out, &err, "check");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "- table tmp_scratch"));
	free(out);
	free(err);
	mg_test_project_ini(f, "exclude = tmp_*, spatial_ref_sys\n");
	st = mg_test_migrate(f->dir, &out, &err, "check");
	if (st != 0)
		fail_msg("check with exclude exited %d\n%s%s", st, out, err);
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "revision", "--autogenerate", "-m", "nothing");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "No changes in schema detected."));
	free(out);
	free(err);
}

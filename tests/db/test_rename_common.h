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
#include "testutil.h"

typedef struct rnfx {
	mg_dialect d;
	char *dir;
	char name[64];
	char *url_text;
	mg_url url;
	mg_db *db;
	int mariadb;
} rnfx;

/* Per dialect: the integer, text, short and long string types; a type
 * and one that narrows it (%W, %N). */
static const char *rn_int, *rn_text, *rn_short, *rn_long, *rn_wide, *rn_narrow;

static int rn_seq;

static void rn_exec(rnfx *f, const char *sql)
{
	mg_error err;
	mg_error_init(&err);
	if (mg_db_exec(f->db, sql, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
}

/* The first column of the first row of sql, or "" (static buffer). */
static const char *rn_value(rnfx *f, const char *sql)
{
	static char v[256];
	mg_rows rows;
	mg_error err;

	mg_error_init(&err);
	if (mg_db_query(f->db, sql, 0, NULL, &rows, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
	snprintf(v, sizeof(v), "%s", rows.nrows && mg_rows_get(&rows, 0, 0) ? mg_rows_get(&rows, 0, 0) : "");
	mg_rows_release(&rows);
	return v;
}

static void rn_write_ini(rnfx *f, const char *extra)
{
	mg_buf ini = MG_BUF_INIT;
	mg_buf_puts(&ini, "[migrate]\nscript_location = %(here)s\nversion_locations = %(here)s/versions\n"
			  "models = %(here)s/models.sql\n");
	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&ini, "schema = %s\nversion_table_schema = %s\n", f->name, f->name);
	mg_buf_puts(&ini, extra);
	mg_buf_puts(&ini, "\n[db:test]\nurl = sqlite:///test.db\n");
	mg_test_write(f->dir, "migrate.ini", ini.ptr);
	mg_test_write(f->dir, "versions/.keep", "");
	mg_buf_release(&ini);
}

static int rn_setup(mg_dialect d, void **state)
{
	rnfx *f = calloc(1, sizeof(*f));
	mg_error err;
	mg_buf sql = MG_BUF_INIT;
	mg_db_options dbo = { 0 };
	const char *base;

	f->d = d;
	f->dir = mg_test_tmpdir();
	*state = f;
	mg_error_init(&err);
	if (d == MG_DIALECT_SQLITE) {
		dbo.base_dir = f->dir;
		if (mg_url_parse(&f->url, "sqlite:///test.db", &err) != MG_OK ||
		    mg_db_open(&f->db, &f->url, &dbo, &err) != MG_OK)
			fail_msg("%s", err.msg);
		unsetenv("MIGRATE_URL");
		rn_write_ini(f, "");
		return 0;
	}
	snprintf(f->name, sizeof(f->name), "rename_%s_%ld_%d", d == MG_DIALECT_POSTGRESQL ? "pg" : "my",
		 (long)getpid(), ++rn_seq);
	base = mg_test_server_url(d == MG_DIALECT_POSTGRESQL ? "MIGRATE_TEST_PG_URL" : "MIGRATE_TEST_MYSQL_URL");
	if (mg_url_parse(&f->url, base, &err) != MG_OK || mg_db_open(&f->db, &f->url, NULL, &err) != MG_OK)
		fail_msg("%s", err.msg);
	if (d == MG_DIALECT_POSTGRESQL) {
		f->url_text = strdup(base);
		mg_buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->name);
		rn_exec(f, sql.ptr);
		mg_buf_clear(&sql);
		mg_buf_printf(&sql, "CREATE SCHEMA %s", f->name);
		rn_exec(f, sql.ptr);
		mg_buf_clear(&sql);
		mg_buf_printf(&sql, "SET search_path TO %s", f->name);
		rn_exec(f, sql.ptr);
	} else {
		const char *slash = strrchr(base, '/');
		const char *q = strchr(slash, '?');
		mg_buf u = MG_BUF_INIT;
		mg_buf_add(&u, base, (size_t)(slash - base) + 1);
		mg_buf_puts(&u, f->name);
		if (q)
			mg_buf_puts(&u, q);
		f->url_text = mg_buf_detach(&u);
		mg_buf_printf(&sql, "DROP DATABASE IF EXISTS %s", f->name);
		rn_exec(f, sql.ptr);
		mg_buf_clear(&sql);
		mg_buf_printf(&sql, "CREATE DATABASE %s", f->name);
		rn_exec(f, sql.ptr);
		mg_buf_clear(&sql);
		mg_buf_printf(&sql, "USE %s", f->name);
		rn_exec(f, sql.ptr);
		f->mariadb = strstr(mg_db_server_banner(f->db), "MariaDB") != NULL;
	}
	setenv("MIGRATE_URL", f->url_text, 1);
	mg_buf_release(&sql);
	rn_write_ini(f, "");
	return 0;
}

static int rn_teardown(void **state)
{
	rnfx *f = *state;
	mg_buf sql = MG_BUF_INIT;

	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->name);
	else if (f->d == MG_DIALECT_MYSQL)
		mg_buf_printf(&sql, "DROP DATABASE IF EXISTS %s", f->name);
	if (sql.len && f->db)
		rn_exec(f, sql.ptr);
	mg_buf_release(&sql);
	mg_db_close(f->db);
	mg_url_release(&f->url);
	unsetenv("MIGRATE_URL");
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f->url_text);
	free(f);
	return 0;
}

static int rn_run(rnfx *f, char **out, char **err, const char *a1, const char *a2, const char *a3,
		  const char *a4, const char *a5)
{
	const char *args[] = { a1, a2, a3, a4, a5, NULL };
	return mg_test_run(f->dir, out, err, args);
}

static void rn_run_ok(rnfx *f, const char *a1, const char *a2, const char *a3, const char *a4, const char *a5)
{
	char *out, *err;
	int st = rn_run(f, &out, &err, a1, a2, a3, a4, a5);
	if (st != 0)
		fail_msg("migrate %s %s %s exited %d\nstdout: %s\nstderr: %s", a1, a2 ? a2 : "", a3 ? a3 : "", st,
			 out, err);
	free(out);
	free(err);
}

/* Writes models.sql from a printf format over the dialect's types. */
static void rn_models(rnfx *f, const char *text)
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
static void rn_start(rnfx *f)
{
	rn_models(f, rn_initial);
	rn_run_ok(f, "revision", "--autogenerate", "-m", "initial", NULL);
	rn_run_ok(f, "upgrade", "head", NULL, NULL, NULL);
	rn_exec(f, "INSERT INTO users (id, name, age) VALUES (1, 'ann', 30)");
}

/* Hinted renames of a table, a column and an index keep the row; the
 * downgrade renames back. */
static void test_rename__hinted_keep_rows(void **state)
{
	rnfx *f = *state;
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
	st = rn_run(f, &out, &err, "diff", NULL, NULL, NULL, NULL);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "-- ~ table people: renamed from users\n"));
	assert_non_null(strstr(out, "-- ~ column people.full_name: renamed from name\n"));
	assert_non_null(strstr(out, "-- ~ index people.ix_people_name: renamed from ix_users_name\n"));
	assert_null(strstr(out, "DROP TABLE"));
	assert_null(strstr(out, "DROP COLUMN"));
	assert_null(strstr(out, "DESTRUCTIVE"));
	free(out);
	free(err);

	rn_run_ok(f, "revision", "--autogenerate", "--verify", "-m", "renames");
	rn_run_ok(f, "upgrade", "head", NULL, NULL, NULL);
	assert_string_equal(rn_value(f, "SELECT full_name FROM people WHERE id = 1"), "ann");
	assert_string_equal(rn_value(f, "SELECT age FROM people WHERE id = 1"), "30");
	st = rn_run(f, &out, &err, "check", NULL, NULL, NULL, NULL);
	if (st != 0)
		fail_msg("check after the renames exited %d\n%s%s", st, out, err);
	free(out);
	free(err);
	/* The hints stay in the models and are no-ops now. */
	st = rn_run(f, &out, &err, "diff", "--exit-code", NULL, NULL, NULL);
	assert_int_equal(st, 0);
	assert_string_equal(out, "");
	free(out);
	free(err);

	rn_run_ok(f, "downgrade", "-1", NULL, NULL, NULL);
	assert_string_equal(rn_value(f, "SELECT name FROM users WHERE id = 1"), "ann");
	rn_models(f, rn_initial);
	st = rn_run(f, &out, &err, "diff", "--exit-code", NULL, NULL, NULL);
	if (st != 0)
		fail_msg("after the downgrade, diff exited %d\n%s%s", st, out, err);
	free(out);
	free(err);
}

/* Without hints: drop and add, with the hint proposed as a comment. */
static void test_rename__unhinted_proposals(void **state)
{
	rnfx *f = *state;
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
	st = rn_run(f, &out, &err, "diff", NULL, NULL, NULL, NULL);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "-- did you rename users.name to users.full_name? add \"-- migrate:renamed-from name\" "
				    "to its line in the models\n"));
	assert_non_null(strstr(out, "-- did you rename table notes to memos? add \"-- migrate:renamed-from notes\" to "
				    "its CREATE TABLE line in the models\n"));
	assert_non_null(strstr(out, "-- DESTRUCTIVE DS102: drops the column\n"));
	assert_non_null(strstr(out, "-- DESTRUCTIVE DS101: drops the table\n"));
	free(out);
	free(err);
	rn_run_ok(f, "revision", "--autogenerate", "--allow-destructive", "--rev-id", "proposals");
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
	rn_exec(f, "DELETE FROM users");
	rn_run_ok(f, "upgrade", "head", NULL, NULL, NULL);
	rn_run_ok(f, "check", NULL, NULL, NULL, NULL);
}

/* Each destructive kind with its code, in check --format json and diff;
 * revision --autogenerate refuses them without --allow-destructive. */
static void test_destructive__codes(void **state)
{
	rnfx *f = *state;
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
	st = rn_run(f, &out, &err, "check", "--format", "json", NULL, NULL);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "\"code\": \"DS102\""));
	assert_non_null(strstr(out, "\"code\": \"DS104\""));
	free(out);
	free(err);
	st = rn_run(f, &out, &err, "check", NULL, NULL, NULL, NULL);
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
	st = rn_run(f, &out, &err, "diff", NULL, NULL, NULL, NULL);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "-- DESTRUCTIVE DS101: drops the table\n"));
	assert_non_null(strstr(err, "warning: "));
	assert_non_null(strstr(err, "DS101 drop table notes"));
	free(out);
	free(err);
	st = rn_run(f, &out, &err, "diff", "--format", "json", NULL, NULL);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "\"code\": \"DS101\""));
	free(out);
	free(err);

	/* Non-interactive (stdin is not a terminal here): refused, exit 2. */
	st = rn_run(f, &out, &err, "revision", "--autogenerate", "-m", "drop notes", NULL);
	assert_int_equal(st, 2);
	assert_non_null(strstr(err, "migrate: refusing to write a revision with destructive changes (DS101 drop "
				    "table notes): review them with 'migrate diff', then pass --allow-destructive\n"));
	free(out);
	free(err);
	rn_run_ok(f, "revision", "--autogenerate", "--allow-destructive", "-m", "drop notes");
	rn_run_ok(f, "upgrade", "head", NULL, NULL, NULL);
	rn_run_ok(f, "check", NULL, NULL, NULL, NULL);
}

/* A long string narrowed to a short one is DS103. */
static void test_destructive__narrowing(void **state)
{
	rnfx *f = *state;
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
	rn_run_ok(f, "revision", "--autogenerate", "-m", "sizes", NULL);
	rn_run_ok(f, "upgrade", "head", NULL, NULL, NULL);
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
	st = rn_run(f, &out, &err, "check", "--format", "json", NULL, NULL);
	assert_int_equal(st, 1);
	if (f->d != MG_DIALECT_SQLITE)
		assert_null(strstr(out, "\"code\""));
	free(out);
	free(err);
	rn_run_ok(f, "revision", "--autogenerate", "--allow-destructive", "-m", "widen");
	rn_run_ok(f, "upgrade", "head", NULL, NULL, NULL);
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
	st = rn_run(f, &out, &err, "check", "--format", "json", NULL, NULL);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "\"code\": \"DS103\""));
	free(out);
	free(err);
}

/* Tables matching `exclude` are never compared (nor dropped). */
static void test_destructive__exclude(void **state)
{
	rnfx *f = *state;
	char *out, *err;
	int st;

	rn_start(f);
	rn_exec(f, "CREATE TABLE tmp_scratch (a integer)");
	rn_exec(f, "CREATE TABLE spatial_ref_sys (srid integer)");
	st = rn_run(f, &out, &err, "check", NULL, NULL, NULL, NULL);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "- table tmp_scratch"));
	free(out);
	free(err);
	rn_write_ini(f, "exclude = tmp_*, spatial_ref_sys\n");
	st = rn_run(f, &out, &err, "check", NULL, NULL, NULL, NULL);
	if (st != 0)
		fail_msg("check with exclude exited %d\n%s%s", st, out, err);
	free(out);
	free(err);
	st = rn_run(f, &out, &err, "revision", "--autogenerate", "-m", "nothing", NULL);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "No changes in schema detected."));
	free(out);
	free(err);
}

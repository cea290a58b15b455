/*
 * Autogenerate's fixed point, the same cases for every dialect:
 * test_autogen_sqlite.c, test_autogen_pg.c and test_autogen_mysql.c include
 * this file and give gen_models(), a schema of many tables using every
 * object kind the catalog covers, with one change at a time (mutation).
 * From an empty database: revision --autogenerate, upgrade head, check
 * passes; each change makes check exit 1 with its summary line; downgrade
 * base leaves an empty schema. Each case has its own folder and its own
 * schema (PostgreSQL) or database (MySQL), dropped afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/driver.h"
#include "util/buf.h"
#include "testutil.h"

#define AG_TABLES 60

typedef enum ag_mutation {
	AG_NONE = 0,
	AG_ADD_TABLE,
	AG_DROP_TABLE,
	AG_ADD_COLUMN,
	AG_DROP_COLUMN,
	AG_COLUMN_TYPE,
	AG_COLUMN_NULLABLE,
	AG_COLUMN_DEFAULT,
	AG_ADD_INDEX,
	AG_DROP_INDEX,
	AG_DROP_UNIQUE,
	AG_DROP_CHECK,
	AG_FK_ACTION,
	AG_TABLE_COMMENT,
	AG_MUTATION_COUNT
} ag_mutation;

/* Per dialect: the models text for a mutation. */
static void gen_models(mg_buf *out, ag_mutation m, int mariadb);
/* Per dialect: the summary line a mutation must produce in `check`; NULL
 * when the dialect has no such object kind. */
static const char *expected_line(ag_mutation m);

typedef struct agfx {
	mg_dialect d;
	char *dir;
	char name[64];  /* schema (PG) / database (MySQL) */
	char *url_text; /* MIGRATE_URL for the runs; NULL on SQLite */
	mg_url url;
	mg_db *db;
	int mariadb;
} agfx;

static int ag_seq;

static void ag_exec(agfx *f, const char *sql)
{
	mg_error err;
	mg_error_init(&err);
	if (mg_db_exec(f->db, sql, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
}

static void ag_write_ini(agfx *f)
{
	mg_buf ini = MG_BUF_INIT;
	mg_buf_puts(&ini, "[migrate]\nscript_location = %(here)s\nversion_locations = %(here)s/versions\n"
			  "models = %(here)s/models.sql\nversion_table = migrate_version\n");
	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&ini, "schema = %s\nversion_table_schema = %s\n", f->name, f->name);
	mg_buf_puts(&ini, "\n[db:test]\nurl = sqlite:///test.db\n");
	mg_test_write(f->dir, "migrate.ini", ini.ptr);
	mg_test_write(f->dir, "versions/.keep", "");
	mg_buf_release(&ini);
}

static int ag_setup(mg_dialect d, void **state)
{
	agfx *f = calloc(1, sizeof(*f));
	mg_error err;
	mg_buf sql = MG_BUF_INIT;
	mg_db_options dbo = { 0 };

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
		ag_write_ini(f);
		return 0;
	}
	snprintf(f->name, sizeof(f->name), "autogen_%s_%ld_%d", d == MG_DIALECT_POSTGRESQL ? "pg" : "my",
		 (long)getpid(), ++ag_seq);
	{
		const char *base = mg_test_server_url(d == MG_DIALECT_POSTGRESQL ? "MIGRATE_TEST_PG_URL"
										    : "MIGRATE_TEST_MYSQL_URL");
		if (mg_url_parse(&f->url, base, &err) != MG_OK || mg_db_open(&f->db, &f->url, NULL, &err) != MG_OK)
			fail_msg("%s", err.msg);
		if (d == MG_DIALECT_POSTGRESQL) {
			f->url_text = strdup(base);
			mg_buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->name);
			ag_exec(f, sql.ptr);
			mg_buf_clear(&sql);
			mg_buf_printf(&sql, "CREATE SCHEMA %s", f->name);
			ag_exec(f, sql.ptr);
		} else {
			/* The same server and credentials, the case's own database. */
			const char *slash = strrchr(base, '/');
			const char *q = strchr(slash, '?');
			mg_buf u = MG_BUF_INIT;
			mg_buf_add(&u, base, (size_t)(slash - base) + 1);
			mg_buf_puts(&u, f->name);
			if (q)
				mg_buf_puts(&u, q);
			f->url_text = mg_buf_detach(&u);
			mg_buf_printf(&sql, "DROP DATABASE IF EXISTS %s", f->name);
			ag_exec(f, sql.ptr);
			mg_buf_clear(&sql);
			mg_buf_printf(&sql, "CREATE DATABASE %s", f->name);
			ag_exec(f, sql.ptr);
			f->mariadb = strstr(mg_db_server_banner(f->db), "MariaDB") != NULL;
		}
	}
	setenv("MIGRATE_URL", f->url_text, 1);
	mg_buf_release(&sql);
	ag_write_ini(f);
	return 0;
}

static int ag_teardown(void **state)
{
	agfx *f = *state;
	mg_buf sql = MG_BUF_INIT;

	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->name);
	else if (f->d == MG_DIALECT_MYSQL)
		mg_buf_printf(&sql, "DROP DATABASE IF EXISTS %s", f->name);
	if (sql.len && f->db)
		ag_exec(f, sql.ptr);
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

/* Runs migrate in the case's folder; returns the status, output in *out. */
static int ag_run(agfx *f, char **out, char **err, const char *a1, const char *a2, const char *a3,
		  const char *a4)
{
	const char *args[] = { a1, a2, a3, a4, NULL };
	return mg_test_run(f->dir, out, err, args);
}

static void ag_run_ok(agfx *f, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *out, *err;
	int st = ag_run(f, &out, &err, a1, a2, a3, a4);
	if (st != 0)
		fail_msg("migrate %s %s exited %d\nstdout: %s\nstderr: %s", a1, a2 ? a2 : "", st, out, err);
	free(out);
	free(err);
}

static void ag_models(agfx *f, ag_mutation m)
{
	mg_buf b = MG_BUF_INIT;
	gen_models(&b, m, f->mariadb);
	mg_test_write(f->dir, "models.sql", b.ptr);
	mg_buf_release(&b);
}

static size_t ag_count_tables(agfx *f)
{
	static const char *const exclude[] = { "migrate_version", "migrate_version_log", NULL };
	mg_catalog_read_options o = { 0 };
	mg_catalog *cat = NULL;
	mg_error err;
	size_t n;

	o.schema = f->d == MG_DIALECT_SQLITE ? NULL : f->name;
	o.exclude_tables = exclude;
	mg_error_init(&err);
	if (mg_catalog_read_opts(f->db, &o, &cat, &err) != MG_OK)
		fail_msg("read: %s", err.msg);
	n = cat->ntables;
	mg_catalog_free(cat);
	return n;
}

static size_t count_files(agfx *f)
{
	char cmd[4200];
	FILE *p;
	int n = 0;
	snprintf(cmd, sizeof(cmd), "ls %s/versions | grep -c '\\.sql$'", f->dir);
	p = popen(cmd, "r");
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return (size_t)n;
}

/* The whole round trip: autogenerate from empty, upgrade, check passes,
 * autogenerate again finds nothing, each mutation is reported by check,
 * downgrade base empties the schema. */
static void test_autogen__fixed_point(void **state)
{
	agfx *f = *state;
	char *out, *err;
	int st;

	ag_models(f, AG_NONE);
	ag_run_ok(f, "revision", "--autogenerate", "-m", "initial schema");
	assert_int_equal(count_files(f), 1);
	ag_run_ok(f, "upgrade", "head", NULL, NULL);
	assert_int_equal(ag_count_tables(f), AG_TABLES);

	st = ag_run(f, &out, &err, "check", NULL, NULL, NULL);
	if (st != 0)
		fail_msg("check after upgrade exited %d\nstdout: %s\nstderr: %s", st, out, err);
	assert_string_equal(out, "OK: database at head, models match\n");
	free(out);
	free(err);

	st = ag_run(f, &out, &err, "revision", "--autogenerate", "-m", "nothing");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "No changes in schema detected."));
	assert_int_equal(count_files(f), 1);
	free(out);
	free(err);

	st = ag_run(f, &out, &err, "diff", "--exit-code", NULL, NULL);
	assert_int_equal(st, 0);
	assert_string_equal(out, "");
	free(out);
	free(err);

	for (int m = AG_NONE + 1; m < AG_MUTATION_COUNT; m++) {
		const char *line = expected_line((ag_mutation)m);
		if (!line)
			continue;
		ag_models(f, (ag_mutation)m);
		st = ag_run(f, &out, &err, "check", NULL, NULL, NULL);
		if (st != 1 || !strstr(out, line))
			fail_msg("mutation %d: check exited %d, expected 1 with '%s'\nstdout: %s\nstderr: %s", m, st,
				 line, out, err);
		free(out);
		free(err);
		st = ag_run(f, &out, &err, "diff", "--exit-code", NULL, NULL);
		if (st != 1 || out[0] == '\0')
			fail_msg("mutation %d: diff --exit-code exited %d\nstdout: %s\nstderr: %s", m, st, out, err);
		free(out);
		free(err);
	}
	ag_models(f, AG_NONE);

	ag_run_ok(f, "downgrade", "base", NULL, NULL);
	assert_int_equal(ag_count_tables(f), 0);
}

/* A change applied through a second autogenerated revision, then undone. */
static void test_autogen__second_revision(void **state)
{
	agfx *f = *state;
	char *out, *err;
	int st;

	ag_models(f, AG_NONE);
	ag_run_ok(f, "revision", "--autogenerate", "-m", "initial schema");
	/* Not at head: refused as Alembic does. */
	st = ag_run(f, &out, &err, "revision", "--autogenerate", "-m", "too early");
	assert_int_equal(st, 2);
	assert_non_null(strstr(err, "Target database is not up to date"));
	free(out);
	free(err);
	st = ag_run(f, &out, &err, "check", NULL, NULL, NULL);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "database is at base, graph head is "));
	assert_non_null(strstr(out, ": run 'migrate upgrade head'"));
	free(out);
	free(err);

	ag_run_ok(f, "upgrade", "head", NULL, NULL);
	ag_models(f, AG_ADD_COLUMN);
	ag_run_ok(f, "revision", "--autogenerate", "-m", "add a column");
	assert_int_equal(count_files(f), 2);
	ag_run_ok(f, "upgrade", "head", NULL, NULL);
	st = ag_run(f, &out, &err, "check", NULL, NULL, NULL);
	if (st != 0)
		fail_msg("check after the second revision exited %d\nstdout: %s\nstderr: %s", st, out, err);
	free(out);
	free(err);

	/* One below head: check names where the database is. */
	ag_run_ok(f, "downgrade", "-1", NULL, NULL);
	st = ag_run(f, &out, &err, "check", NULL, NULL, NULL);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, ", graph head is "));
	assert_null(strstr(out, "database is at base"));
	free(out);
	free(err);
	ag_run_ok(f, "downgrade", "base", NULL, NULL);
	assert_int_equal(ag_count_tables(f), 0);
}

#define AG_TESTS(setup, teardown)                                                     \
	cmocka_unit_test_setup_teardown(test_autogen__fixed_point, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_autogen__second_revision, setup, teardown)

/*
 * revision --autogenerate --c on a real database, the same steps for every
 * dialect (test_autogen_c_sqlite.c, _pg.c, _mysql.c give the models): from
 * an empty schema a C revision of op calls is written, `upgrade head`
 * compiles and runs it, `check` passes; a second C revision changes
 * columns, indexes and constraints and passes `check` too; `downgrade -1`
 * gives back exactly the first schema and `downgrade base` an empty one.
 * Each case has its own folder and schema (PostgreSQL) or database (MySQL).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/driver.h"
#include "util/buf.h"
#include "testutil.h"

/* Per dialect: the first and the second models, the number of tables of
 * the first, and lines the two C files must hold (NULL-terminated). */
static const char *models_v1(int mariadb);
static const char *models_v2(int mariadb);
static size_t v1_tables(void);
static const char *const *v1_expect(void);
static const char *const *v2_expect(void);

typedef struct acfx {
	mg_dialect d;
	char *dir;
	char name[64];  /* schema (PG) / database (MySQL) */
	char *url_text; /* MIGRATE_URL for the runs; NULL on SQLite */
	mg_url url;
	mg_db *db;
	int mariadb;
} acfx;

static int ac_seq;

static void ac_exec(acfx *f, const char *sql)
{
	mg_error err;
	mg_error_init(&err);
	if (mg_db_exec(f->db, sql, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
}

static int ac_setup(mg_dialect d, void **state)
{
	acfx *f = calloc(1, sizeof(*f));
	mg_error err;
	mg_buf sql = MG_BUF_INIT, ini = MG_BUF_INIT;
	mg_db_options dbo = { 0 };
	const char *base = NULL;

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
	} else {
		snprintf(f->name, sizeof(f->name), "autogen_c_%s_%ld_%d",
			 d == MG_DIALECT_POSTGRESQL ? "pg" : "my", (long)getpid(), ++ac_seq);
		base = mg_test_server_url(d == MG_DIALECT_POSTGRESQL ? "MIGRATE_TEST_PG_URL" : "MIGRATE_TEST_MYSQL_URL");
		if (mg_url_parse(&f->url, base, &err) != MG_OK || mg_db_open(&f->db, &f->url, NULL, &err) != MG_OK)
			fail_msg("%s", err.msg);
		if (d == MG_DIALECT_POSTGRESQL) {
			f->url_text = strdup(base);
			mg_buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->name);
			ac_exec(f, sql.ptr);
			mg_buf_clear(&sql);
			mg_buf_printf(&sql, "CREATE SCHEMA %s", f->name);
			ac_exec(f, sql.ptr);
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
			ac_exec(f, sql.ptr);
			mg_buf_clear(&sql);
			mg_buf_printf(&sql, "CREATE DATABASE %s", f->name);
			ac_exec(f, sql.ptr);
			f->mariadb = strstr(mg_db_server_banner(f->db), "MariaDB") != NULL;
		}
		setenv("MIGRATE_URL", f->url_text, 1);
	}
	mg_buf_puts(&ini, "[migrate]\nscript_location = %(here)s\nversion_locations = %(here)s/versions\n"
			  "models = %(here)s/models.sql\nversion_table = migrate_version\n");
	if (d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&ini, "schema = %s\nversion_table_schema = %s\n", f->name, f->name);
	mg_buf_puts(&ini, "\n[db:test]\nurl = sqlite:///test.db\n");
	mg_test_write(f->dir, "migrate.ini", ini.ptr);
	mg_test_write(f->dir, "versions/.keep", "");
	mg_buf_release(&ini);
	mg_buf_release(&sql);
	return 0;
}

static int ac_teardown(void **state)
{
	acfx *f = *state;
	mg_buf sql = MG_BUF_INIT;

	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE", f->name);
	else if (f->d == MG_DIALECT_MYSQL)
		mg_buf_printf(&sql, "DROP DATABASE IF EXISTS %s", f->name);
	if (sql.len && f->db)
		ac_exec(f, sql.ptr);
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

static void ac_run_ok(acfx *f, const char *a1, const char *a2, const char *a3, const char *a4,
		      const char *a5)
{
	const char *args[] = { a1, a2, a3, a4, a5, NULL };
	char *out, *err;
	int st = mg_test_run(f->dir, &out, &err, args);
	if (st != 0)
		fail_msg("migrate %s %s exited %d\nstdout: %s\nstderr: %s", a1, a2 ? a2 : "", st, out, err);
	free(out);
	free(err);
}

static void ac_check_ok(acfx *f, const char *when)
{
	const char *args[] = { "check", NULL };
	char *out, *err;
	int st = mg_test_run(f->dir, &out, &err, args);
	if (st != 0 || strcmp(out, "OK: database at head, models match\n"))
		fail_msg("check %s exited %d\nstdout: %s\nstderr: %s", when, st, out, err);
	free(out);
	free(err);
}

/* The catalog's dump (without the version tables); *ntables its tables. */
static char *ac_dump(acfx *f, size_t *ntables)
{
	static const char *const exclude[] = { "migrate_version", "migrate_version_log", NULL };
	mg_catalog_read_options o = { 0 };
	mg_catalog *cat = NULL;
	mg_buf b = MG_BUF_INIT;
	mg_error err;

	o.schema = f->d == MG_DIALECT_SQLITE ? NULL : f->name;
	o.exclude_tables = exclude;
	mg_error_init(&err);
	if (mg_catalog_read_opts(f->db, &o, &cat, &err) != MG_OK)
		fail_msg("read: %s", err.msg);
	*ntables = cat->ntables;
	mg_catalog_dump(cat, &b);
	mg_catalog_free(cat);
	return mg_buf_detach(&b);
}

/* The text of the one C revision whose name ends in _<slug>.c. */
static char *ac_revision_text(acfx *f, const char *slug)
{
	char path[4200], suffix[128];
	struct dirent *e;
	DIR *dir;
	char *text = NULL;

	snprintf(path, sizeof(path), "%s/versions", f->dir);
	snprintf(suffix, sizeof(suffix), "_%s.c", slug);
	dir = opendir(path);
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name), k = strlen(suffix);
		if (n > k && !strcmp(e->d_name + n - k, suffix)) {
			snprintf(path, sizeof(path), "%s/versions/%s", f->dir, e->d_name);
			assert_null(text);
			text = mg_test_read(path);
		}
	}
	closedir(dir);
	if (!text)
		fail_msg("no C revision *%s in %s/versions", suffix, f->dir);
	return text;
}

static void ac_expect(const char *text, const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++)
		if (!strstr(text, lines[i]))
			fail_msg("the C revision lacks\n%s\nit is:\n%s", lines[i], text);
}

static void test_autogen_c__round_trip(void **state)
{
	acfx *f = *state;
	char *text, *dump_v1, *dump;
	size_t n;

	mg_test_write(f->dir, "models.sql", models_v1(f->mariadb));
	ac_run_ok(f, "revision", "--autogenerate", "--c", "-m", "initial schema");
	text = ac_revision_text(f, "initial_schema");
	assert_non_null(strstr(text, "#include <migrate/revision.h>"));
	assert_non_null(strstr(text, "int upgrade(migrate_op *op)\n{\n\t(void)op;\n\tint rc;\n"));
	ac_expect(text, v1_expect());
	free(text);

	ac_run_ok(f, "upgrade", "head", NULL, NULL, NULL);
	dump_v1 = ac_dump(f, &n);
	assert_int_equal(n, v1_tables());
	ac_check_ok(f, "after the first C revision");

	mg_test_write(f->dir, "models.sql", models_v2(f->mariadb));
	ac_run_ok(f, "revision", "--autogenerate", "--c", "-m", "change things");
	text = ac_revision_text(f, "change_things");
	ac_expect(text, v2_expect());
	free(text);
	ac_run_ok(f, "upgrade", "head", NULL, NULL, NULL);
	ac_check_ok(f, "after the second C revision");

	/* The second revision's downgrade gives back the first schema exactly. */
	ac_run_ok(f, "downgrade", "-1", NULL, NULL, NULL);
	dump = ac_dump(f, &n);
	assert_string_equal(dump, dump_v1);
	free(dump);

	ac_run_ok(f, "downgrade", "base", NULL, NULL, NULL);
	free(ac_dump(f, &n));
	assert_int_equal(n, 0);
	free(dump_v1);
}

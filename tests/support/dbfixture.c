/*
 * Database fixtures for tests/db (see dbfixture.h): each helper fails the
 * running test with the driver's message, so the tests read as steps.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "dbfixture.h"

const char *mg_test_server_var(mg_dialect d)
{
	if (d == MG_DIALECT_POSTGRESQL)
		return "MIGRATE_TEST_PG_URL";
	if (d == MG_DIALECT_MYSQL)
		return "MIGRATE_TEST_MYSQL_URL";
	return NULL;
}

mg_db *mg_test_db_open_url(const char *url_text, const char *base_dir)
{
	mg_db_options dbo = { 0 };
	mg_db *db = NULL;
	mg_url url;
	mg_error err;

	dbo.base_dir = base_dir;
	mg_error_init(&err);
	if (mg_url_parse(&url, url_text, &err) != MG_OK)
		fail_msg("open: %s", err.msg);
	if (mg_db_open(&db, &url, base_dir ? &dbo : NULL, &err) != MG_OK)
		fail_msg("open: %s", err.msg);
	mg_url_release(&url);
	return db;
}

mg_db *mg_test_db_open(mg_dialect d)
{
	return mg_test_db_open_url(mg_test_server_url(mg_test_server_var(d)), NULL);
}

void mg_test_exec_ok(mg_db *db, const char *script)
{
	mg_error err;
	mg_error_init(&err);
	if (mg_db_exec_script(db, script, "test", 1, NULL, &err) != MG_OK)
		fail_msg("%s\nin:\n%s", err.msg, script);
}

void mg_test_exec1_ok(mg_db *db, const char *sql)
{
	mg_error err;
	mg_error_init(&err);
	if (mg_db_exec(db, sql, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
}

char *mg_test_query1(mg_db *db, const char *sql)
{
	mg_rows rows;
	mg_error err;
	char *v;

	mg_error_init(&err);
	if (mg_db_query(db, sql, 0, NULL, &rows, &err) != MG_OK)
		fail_msg("query %s: %s", sql, err.msg);
	v = strdup(rows.nrows && mg_rows_get(&rows, 0, 0) ? mg_rows_get(&rows, 0, 0) : "");
	mg_rows_release(&rows);
	return v;
}

void mg_test_ns_drop(mg_db *db, mg_dialect d, const char *name)
{
	mg_buf sql = MG_BUF_INIT;

	if (d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE", name);
	else if (d == MG_DIALECT_MYSQL)
		mg_buf_printf(&sql, "DROP DATABASE IF EXISTS %s", name);
	if (sql.len)
		mg_test_exec1_ok(db, sql.ptr);
	mg_buf_release(&sql);
}

void mg_test_ns_create(mg_db *db, mg_dialect d, const char *name, const char *mysql_options)
{
	mg_buf sql = MG_BUF_INIT;

	if (d == MG_DIALECT_SQLITE)
		return;
	mg_test_ns_drop(db, d, name);
	if (d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql, "CREATE SCHEMA %s", name);
	else
		mg_buf_printf(&sql, "CREATE DATABASE %s%s%s", name, mysql_options ? " " : "",
			      mysql_options ? mysql_options : "");
	mg_test_exec1_ok(db, sql.ptr);
	mg_buf_release(&sql);
}

char *mg_test_ns_url(mg_dialect d, const char *base_url, const char *name)
{
	const char *slash, *q;
	mg_buf u = MG_BUF_INIT;

	if (d != MG_DIALECT_MYSQL)
		return strdup(base_url);
	/* The same server and credentials, another database. */
	slash = strrchr(base_url, '/');
	q = strchr(slash, '?');
	mg_buf_add(&u, base_url, (size_t)(slash - base_url) + 1);
	mg_buf_puts(&u, name);
	if (q)
		mg_buf_puts(&u, q);
	return mg_buf_detach(&u);
}

mg_catalog *mg_test_catalog_read(mg_db *db, const char *schema, const char *const *exclude)
{
	mg_catalog_read_options opts = { 0 };
	mg_catalog *cat = NULL;
	mg_error err;

	opts.schema = schema && *schema ? schema : NULL;
	opts.exclude_tables = exclude;
	mg_error_init(&err);
	if (mg_catalog_read_opts(db, &opts, &cat, &err) != MG_OK)
		fail_msg("read: %s", err.msg);
	return cat;
}

char *mg_test_dump(const mg_catalog *cat)
{
	mg_buf b = MG_BUF_INIT;
	mg_catalog_dump(cat, &b);
	return mg_buf_detach(&b);
}

static const char *const version_tables[] = { "migrate_version", "migrate_version_log", NULL };

char *mg_test_schema_dump(mg_db *db, const char *schema, size_t *ntables)
{
	mg_catalog *cat = mg_test_catalog_read(db, schema, version_tables);
	char *text = mg_test_dump(cat);
	if (ntables)
		*ntables = cat->ntables;
	mg_catalog_free(cat);
	return text;
}

size_t mg_test_count_tables(mg_db *db, const char *schema)
{
	mg_catalog *cat = mg_test_catalog_read(db, schema, version_tables);
	size_t n = cat->ntables;
	mg_catalog_free(cat);
	return n;
}

/* The arguments from first up to the NULL that ends ap (heap array). */
static const char **collect_args(const char *first, va_list ap)
{
	size_t n = 0, cap = 8;
	const char **args = malloc(cap * sizeof(*args));
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		if (n + 2 > cap) {
			cap *= 2;
			args = realloc(args, cap * sizeof(*args));
		}
		args[n++] = a;
	}
	args[n] = NULL;
	return args;
}

int mg_test_run_list(const char *dir, char **out, char **err, const char *arg, ...)
{
	va_list ap;
	const char **args;
	int st;

	va_start(ap, arg);
	args = collect_args(arg, ap);
	va_end(ap);
	st = mg_test_run(dir, out, err, args);
	free(args);
	return st;
}

void mg_test_run_ok_list(const char *dir, const char *arg, ...)
{
	va_list ap;
	const char **args;
	char *out, *err;
	int st;

	va_start(ap, arg);
	args = collect_args(arg, ap);
	va_end(ap);
	st = mg_test_run(dir, &out, &err, args);
	if (st != 0) {
		mg_buf cmd = MG_BUF_INIT;
		for (size_t i = 0; args[i]; i++)
			mg_buf_printf(&cmd, " %s", args[i]);
		fail_msg("migrate%s exited %d\nstdout: %s\nstderr: %s", cmd.ptr, st, out, err);
	}
	free(args);
	free(out);
	free(err);
}

void mg_test_project_ini(const mg_test_project *p, const char *extra)
{
	mg_buf ini = MG_BUF_INIT;
	mg_buf_puts(&ini, "[migrate]\nscript_location = %(here)s\nversion_locations = %(here)s/versions\n"
			  "models = %(here)s/models.sql\n");
	if (p->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&ini, "schema = %s\nversion_table_schema = %s\n", p->name, p->name);
	if (extra)
		mg_buf_puts(&ini, extra);
	mg_buf_puts(&ini, "\n[db:test]\nurl = sqlite:///test.db\n");
	mg_test_write(p->dir, "migrate.ini", ini.ptr);
	mg_test_write(p->dir, "versions/.keep", "");
	mg_buf_release(&ini);
}

const char *mg_test_project_schema(const mg_test_project *p)
{
	return p->d == MG_DIALECT_SQLITE ? NULL : p->name;
}

int mg_test_project_setup(void **state, mg_dialect d, const char *prefix, unsigned flags,
			  const char *ini_extra)
{
	static int seq;
	mg_test_project *p = calloc(1, sizeof(*p));
	const char *base;

	p->d = d;
	p->dir = mg_test_tmpdir();
	*state = p;
	if (d == MG_DIALECT_SQLITE) {
		p->db = mg_test_db_open_url("sqlite:///test.db", p->dir);
		unsetenv("MIGRATE_URL");
		mg_test_project_ini(p, ini_extra);
		return 0;
	}
	snprintf(p->name, sizeof(p->name), "%s_%s_%ld_%d", prefix,
		 d == MG_DIALECT_POSTGRESQL ? "pg" : "my", (long)getpid(), ++seq);
	base = mg_test_server_url(mg_test_server_var(d));
	p->db = mg_test_db_open_url(base, NULL);
	p->url_text = mg_test_ns_url(d, base, p->name);
	mg_test_ns_create(p->db, d, p->name, NULL);
	if (flags & MG_TEST_PROJECT_USE) {
		mg_buf sql = MG_BUF_INIT;
		mg_buf_printf(&sql, d == MG_DIALECT_POSTGRESQL ? "SET search_path TO %s" : "USE %s", p->name);
		mg_test_exec1_ok(p->db, sql.ptr);
		mg_buf_release(&sql);
	}
	if (d == MG_DIALECT_MYSQL)
		p->mariadb = strstr(mg_db_server_banner(p->db), "MariaDB") != NULL;
	setenv("MIGRATE_URL", p->url_text, 1);
	mg_test_project_ini(p, ini_extra);
	return 0;
}

int mg_test_project_teardown(void **state)
{
	mg_test_project *p = *state;

	if (p->db)
		mg_test_ns_drop(p->db, p->d, p->name);
	mg_db_close(p->db);
	unsetenv("MIGRATE_URL");
	mg_test_rmtree(p->dir);
	free(p->dir);
	free(p->url_text);
	free(p);
	return 0;
}

/*
 * Declared models with included schemas (mg_models_load_set) on PostgreSQL
 * and MySQL/MariaDB: one catalog per schema named after the real one, the
 * scratch names mapped back everywhere, the cache holding all of them, and
 * every scratch space gone after a failed or interrupted load.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/models.h"
#include "util/buf.h"
#include "dbfixture.h"

typedef struct fixture {
	mg_dialect d;
	char *dir;
	mg_url url;
	mg_db *db;
	char inc[64];   /* the included schema's name (never created for real) */
	char table[64]; /* a table name no other test uses */
} fixture;

static int setup(void **state, mg_dialect d)
{
	static int seq;
	fixture *f = calloc(1, sizeof(*f));
	mg_error err;

	*state = f;
	f->d = d;
	f->dir = mg_test_tmpdir();
	mg_error_init(&err);
	if (mg_url_parse(&f->url, mg_test_server_url(mg_test_server_var(d)), &err) != MG_OK)
		fail_msg("%s", err.msg);
	f->db = mg_test_db_open(d);
	snprintf(f->inc, sizeof(f->inc), "msinc_%ld_%d", (long)getpid(), ++seq);
	snprintf(f->table, sizeof(f->table), "mst_%ld_%d", (long)getpid(), seq);
	return 0;
}

static int setup_pg(void **state)
{
	return setup(state, MG_DIALECT_POSTGRESQL);
}

static int setup_mysql(void **state)
{
	return setup(state, MG_DIALECT_MYSQL);
}

static int teardown(void **state)
{
	fixture *f = *state;

	mg_db_close(f->db);
	mg_url_release(&f->url);
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static int load(fixture *f, const char *cache_dir, const volatile sig_atomic_t *intr, mg_models_set *set,
		int *cache_state, mg_error *err)
{
	const char *schemas[] = { f->inc, NULL };
	mg_models_options o = { 0 };
	mg_buf path = MG_BUF_INIT;
	int rc;

	mg_buf_printf(&path, "%s/models.sql", f->dir);
	o.path = path.ptr;
	o.url = &f->url;
	o.base_dir = f->dir;
	o.schemas = schemas;
	o.home_name = "home_env";
	o.cache_dir = cache_dir;
	o.cache_state = cache_state;
	o.interrupted = intr;
	mg_error_init(err);
	rc = mg_models_load_set(&o, set, err);
	mg_buf_release(&path);
	return rc;
}

/* Tables named f->table in any scratch schema or database. */
static int scratch_copies(fixture *f)
{
	mg_buf sql = MG_BUF_INIT;
	char *v;
	int n;

	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql,
			      "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s"
			      " ON s.oid = c.relnamespace WHERE s.nspname LIKE 'migrate\\_scratch\\_%%'"
			      " AND c.relname = '%s'",
			      f->table);
	else
		mg_buf_printf(&sql,
			      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE"
			      " 'migrate\\_scratch\\_%%' AND TABLE_NAME = '%s'",
			      f->table);
	v = mg_test_query1(f->db, sql.ptr);
	n = atoi(v);
	free(v);
	mg_buf_release(&sql);
	return n;
}

/* One catalog per schema, real names everywhere, placeholders in bodies,
 * and the same from the cache. */
static void test_models_schemas_pg__catalogs(void **state)
{
	fixture *f = *state;
	mg_models_set set = { 0 }, again = { 0 };
	mg_buf models = MG_BUF_INIT, cache = MG_BUF_INIT, want = MG_BUF_INIT;
	const mg_table *t, *u;
	const mg_view *v;
	char *d1, *d2;
	int state1 = -1, state2 = -1;
	mg_error err;

	mg_buf_printf(&models,
		      "CREATE SCHEMA IF NOT EXISTS %s;\n"
		      "CREATE TABLE %s.kinds (id int PRIMARY KEY);\n"
		      "CREATE TABLE users (id int PRIMARY KEY, kind int REFERENCES %s.kinds (id));\n"
		      "CREATE TABLE %s.%s (id int PRIMARY KEY, user_id int REFERENCES ${schema}.users (id));\n"
		      "CREATE VIEW %s.v AS SELECT l.id FROM %s.%s l JOIN users u ON u.id = l.user_id;\n"
		      "CREATE FUNCTION %s.f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN\n"
		      "  RETURN (SELECT count(*) FROM ${schema}.users); END $$;\n",
		      f->inc, f->inc, f->inc, f->inc, f->table, f->inc, f->inc, f->table, f->inc);
	mg_test_write(f->dir, "models.sql", models.ptr);
	mg_buf_printf(&cache, "%s/cache", f->dir);

	if (load(f, cache.ptr, NULL, &set, &state1, &err) != MG_OK)
		fail_msg("load: %s", err.msg);
	assert_int_equal(set.len, 2);
	assert_int_equal(state1, MG_MODELS_CACHE_STORED);
	assert_non_null(strstr(set.items[0]->schema, MG_MODELS_SCRATCH_PREFIX));
	assert_string_equal(set.items[1]->schema, f->inc);
	/* The configured schema's key into the included one, by its name. */
	u = mg_catalog_table(set.items[0], "users");
	assert_non_null(u);
	assert_string_equal(u->foreign_keys[0]->ref_schema, f->inc);
	/* The included one's key into the configured one, by home_name. */
	t = mg_catalog_table(set.items[1], f->table);
	assert_non_null(t);
	assert_string_equal(t->foreign_keys[0]->ref_schema, "home_env");
	assert_null(mg_catalog_table(set.items[0], f->table));
	/* Own names qualified, the configured schema's bare. */
	v = mg_catalog_view(set.items[1], "v");
	assert_non_null(v);
	mg_buf_printf(&want, "FROM %s.%s l", f->inc, f->table);
	assert_non_null(strstr(v->definition, want.ptr));
	assert_non_null(strstr(v->definition, "JOIN users u"));
	assert_int_equal(set.items[1]->nfunctions, 1);
	assert_string_equal(set.items[1]->functions[0]->signature, "f()");
	assert_non_null(strstr(set.items[1]->functions[0]->definition, "FROM ${schema}.users"));
	assert_null(strstr(set.items[1]->functions[0]->definition, MG_MODELS_SCRATCH_PREFIX));

	if (load(f, cache.ptr, NULL, &again, &state2, &err) != MG_OK)
		fail_msg("load from the cache: %s", err.msg);
	assert_int_equal(state2, MG_MODELS_CACHE_HIT);
	assert_int_equal(again.len, 2);
	d1 = mg_test_dump(set.items[1]);
	d2 = mg_test_dump(again.items[1]);
	assert_string_equal(d1, d2);
	assert_string_equal(again.items[1]->schema, f->inc);
	free(d1);
	free(d2);
	assert_int_equal(scratch_copies(f), 0);
	mg_models_set_release(&set);
	mg_models_set_release(&again);
	mg_buf_release(&models);
	mg_buf_release(&cache);
	mg_buf_release(&want);
}

/* A failing statement after the included scratch space got a table: every
 * scratch space is dropped (MySQL databases are not transactional). */
static void test_models_schemas__failure_drops_all(void **state)
{
	fixture *f = *state;
	mg_models_set set = { 0 };
	mg_buf models = MG_BUF_INIT;
	mg_error err;

	mg_buf_printf(&models, "CREATE TABLE %s.%s (id int);\nCREATE TABLE broken (;\n", f->inc, f->table);
	mg_test_write(f->dir, "models.sql", models.ptr);
	assert_int_equal(load(f, NULL, NULL, &set, NULL, &err), MG_EDRIVER);
	assert_non_null(strstr(err.msg, "models.sql:2: "));
	assert_int_equal(set.len, 0);
	assert_int_equal(scratch_copies(f), 0);
	mg_buf_release(&models);
}

static volatile sig_atomic_t stop;

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

/* Interrupted (the flag set by a signal) while a statement runs: the load
 * stops before the next one and drops every scratch space. */
static void test_models_schemas__interrupted(void **state)
{
	fixture *f = *state;
	mg_models_set set = { 0 };
	mg_buf models = MG_BUF_INIT;
	struct sigaction sa, old;
	mg_error err;

	mg_buf_printf(&models, "CREATE TABLE %s.%s (id int);\nSELECT %s(1);\nCREATE TABLE %s.later (id int);\n",
		      f->inc, f->table, f->d == MG_DIALECT_POSTGRESQL ? "pg_sleep" : "SLEEP", f->inc);
	mg_test_write(f->dir, "models.sql", models.ptr);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART; /* the client libraries' reads carry on */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	stop = 0;
	ualarm(300000, 0);
	assert_int_equal(load(f, NULL, &stop, &set, NULL, &err), MG_EIO);
	sigaction(SIGALRM, &old, NULL);
	assert_string_equal(err.msg, "interrupted while applying the models");
	assert_int_equal(scratch_copies(f), 0);
	mg_buf_release(&models);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_models_schemas_pg__catalogs, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_models_schemas__failure_drops_all, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_models_schemas__interrupted, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_models_schemas__failure_drops_all, setup_mysql, teardown),
		cmocka_unit_test_setup_teardown(test_models_schemas__interrupted, setup_mysql, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Declared models normalised by the database (mg_models_load) on SQLite,
 * PostgreSQL and MySQL/MariaDB: files and folders, placeholders, data
 * statements, FILE:LINE errors, and the scratch space gone afterwards on
 * success, on failure and on interruption.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/diff.h"
#include "migrate/models.h"
#include "util/buf.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	mg_url url;
	int have_url;
} fixture;

/* mg_models_options.connections of the next loads (0: the default). */
static unsigned load_connections;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = mg_test_tmpdir();
	load_connections = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_test_rmtree(f->dir);
	free(f->dir);
	if (f->have_url)
		mg_url_release(&f->url);
	free(f);
	return 0;
}

static void use_url(fixture *f, const char *text)
{
	mg_error err;
	mg_error_init(&err);
	if (f->have_url)
		mg_url_release(&f->url);
	if (mg_url_parse(&f->url, text, &err) != MG_OK)
		fail_msg("%s", err.msg);
	f->have_url = 1;
}

static void use_server(fixture *f, const char *var)
{
	use_url(f, mg_test_server_url(var));
}

static char *path_of(fixture *f, const char *rel)
{
	char *p = malloc(strlen(f->dir) + strlen(rel) + 2);
	sprintf(p, "%s/%s", f->dir, rel);
	return p;
}

/* The scratch name of the last load. */
static char last_scratch[64];

static int load(fixture *f, const char *rel, const char *dev_url, const volatile sig_atomic_t *intr,
		mg_catalog **cat, mg_error *err)
{
	static const char *const exclude[] = { "migrate_version", "migrate_version_log", NULL };
	static const char *const keys[] = { "suffix" };
	static const char *const values[] = { "_x" };
	mg_models_options o = { 0 };
	char *path = path_of(f, rel);
	int rc;

	o.path = path;
	o.url = &f->url;
	o.dev_url = dev_url;
	o.base_dir = f->dir;
	o.exclude_tables = exclude;
	o.placeholder_keys = keys;
	o.placeholder_values = values;
	o.nplaceholders = 1;
	o.interrupted = intr;
	o.scratch_name = last_scratch;
	o.scratch_name_size = sizeof(last_scratch);
	o.connections = load_connections;
	last_scratch[0] = '\0';
	mg_error_init(err);
	rc = mg_models_load(&o, cat, err);
	free(path);
	return rc;
}

static mg_catalog *load_ok(fixture *f, const char *rel)
{
	mg_catalog *cat = NULL;
	mg_error err;
	if (load(f, rel, NULL, NULL, &cat, &err) != MG_OK)
		fail_msg("load: %s", err.msg);
	assert_non_null(cat);
	return cat;
}

static mg_db *open_live(fixture *f)
{
	mg_db *db = NULL;
	mg_error err;
	mg_error_init(&err);
	if (mg_db_open(&db, &f->url, NULL, &err) != MG_OK)
		fail_msg("open: %s", err.msg);
	return db;
}

static long scalar_long(mg_db *db, const char *sql)
{
	mg_rows rows;
	mg_error err;
	long v;
	mg_error_init(&err);
	if (mg_db_query(db, sql, 0, NULL, &rows, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
	v = strtol(mg_rows_get(&rows, 0, 0), NULL, 10);
	mg_rows_release(&rows);
	return v;
}

/* 1 when the last load's scratch space is still on the server (PG schema /
 * MySQL database). Names, not counts: other tests create their own. */
static long scratch_left(mg_db *db)
{
	char sql[256];
	assert_non_null(strstr(last_scratch, MG_MODELS_SCRATCH_PREFIX));
	if (mg_db_dialect(db) == MG_DIALECT_POSTGRESQL)
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_namespace WHERE nspname = '%s'", last_scratch);
	else
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '%s'",
			 last_scratch);
	return scalar_long(db, sql);
}

static const char models_sql[] =
	"-- models\n"
	"CREATE TABLE users (\n"
	"    id integer NOT NULL PRIMARY KEY,\n"
	"    name varchar(64) NOT NULL\n"
	");\n"
	"INSERT INTO users (id, name) VALUES (1, 'root');\n"
	"CREATE TABLE ${schema}.accounts${suffix} (\n"
	"    id integer NOT NULL PRIMARY KEY,\n"
	"    user_id integer REFERENCES users (id)\n"
	");\n"
	"CREATE TABLE migrate_version (version_num varchar(255) NOT NULL PRIMARY KEY);\n";

/* ---- SQLite ------------------------------------------------------------ */

static void test_models_sqlite__file(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;

	use_url(f, "sqlite:///live.db");
	mg_test_write(f->dir, "models.sql", models_sql);
	cat = load_ok(f, "models.sql");
	assert_int_equal(cat->dialect, MG_DIALECT_SQLITE);
	assert_int_equal(cat->ntables, 2);
	assert_string_equal(cat->tables[0]->name, "accounts_x");
	assert_string_equal(cat->tables[1]->name, "users");
	assert_null(mg_catalog_table(cat, "migrate_version"));
	assert_int_equal(cat->tables[0]->nforeign_keys, 1);
	mg_catalog_free(cat);
	/* The live database was not touched (not even created). */
	{
		char *live = path_of(f, "live.db");
		assert_int_not_equal(access(live, F_OK), 0);
		free(live);
	}
}

static void test_models_sqlite__folder_in_name_order(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;

	use_url(f, "sqlite:///live.db");
	mg_test_write(f->dir, "models/02_orders.sql",
		      "CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL);\n"
		      "CREATE INDEX ix_orders_customer ON orders (customer_id);\n");
	/* 10_ after 02_: it alters what 02_ created. */
	mg_test_write(f->dir, "models/10_more.sql", "ALTER TABLE orders ADD COLUMN note text;\n");
	mg_test_write(f->dir, "models/01_customers.sql", "CREATE TABLE customers (id integer PRIMARY KEY);\n");
	mg_test_write(f->dir, "models/README.txt", "not sql; ignored\n");
	cat = load_ok(f, "models");
	assert_int_equal(cat->ntables, 2);
	assert_non_null(mg_table_column(mg_catalog_table(cat, "orders"), "note"));
	assert_int_equal(mg_catalog_table(cat, "orders")->nindexes, 1);
	mg_catalog_free(cat);
}

static void test_models_sqlite__failing_statement(void **state)
{
	fixture *f = *state;
	mg_catalog *cat = (mg_catalog *)1;
	mg_error err;
	char expect[512];

	use_url(f, "sqlite:///live.db");
	mg_test_write(f->dir, "models.sql",
		      "CREATE TABLE a (id integer PRIMARY KEY);\n"
		      "\n"
		      "CREATE INDEX ix_b ON nosuch (id)\n"
		      "  WHERE id > 0;\n");
	assert_int_equal(load(f, "models.sql", NULL, NULL, &cat, &err), MG_EDRIVER);
	assert_null(cat);
	snprintf(expect, sizeof(expect), "%s/models.sql:3: ", f->dir);
	assert_non_null(strstr(err.msg, expect));
	assert_non_null(strstr(err.msg, "nosuch"));
	assert_non_null(strstr(err.msg, "\n    in statement: CREATE INDEX ix_b ON nosuch (id) ..."));
}

static void test_models_sqlite__input_errors(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;
	mg_error err;

	use_url(f, "sqlite:///live.db");
	assert_int_equal(load(f, "missing.sql", NULL, NULL, &cat, &err), MG_EINPUT);
	assert_non_null(strstr(err.msg, "missing.sql' do not exist"));

	mg_test_write(f->dir, "empty/notes.txt", "x");
	assert_int_equal(load(f, "empty", NULL, NULL, &cat, &err), MG_EINPUT);
	assert_non_null(strstr(err.msg, "holds no .sql file"));

	mg_test_write(f->dir, "ph.sql", "CREATE TABLE a (id integer);\nCREATE TABLE ${nope} (id integer);\n");
	assert_int_equal(load(f, "ph.sql", NULL, NULL, &cat, &err), MG_EINPUT);
	assert_non_null(strstr(err.msg, "ph.sql: line 2: unknown placeholder '${nope}'"));

	mg_test_write(f->dir, "quote.sql", "CREATE TABLE a (id integer DEFAULT 'x);\n");
	assert_int_equal(load(f, "quote.sql", NULL, NULL, &cat, &err), MG_EINPUT);
	assert_non_null(strstr(err.msg, "quote.sql: line 1: unterminated"));

	use_url(f, "postgresql://nobody@127.0.0.1:1/x");
	mg_test_write(f->dir, "ok.sql", "CREATE TABLE a (id integer);\n");
	assert_int_equal(load(f, "ok.sql", "sqlite:///dev.db", NULL, &cat, &err), MG_EINPUT);
	assert_string_equal(err.msg, "dev_url is a sqlite database but the database is postgresql");
}

static void test_models_sqlite__interrupted(void **state)
{
	fixture *f = *state;
	volatile sig_atomic_t flag = 1;
	mg_catalog *cat;
	mg_error err;

	use_url(f, "sqlite:///live.db");
	mg_test_write(f->dir, "models.sql", models_sql);
	assert_int_equal(load(f, "models.sql", NULL, &flag, &cat, &err), MG_EIO);
	assert_string_equal(err.msg, "interrupted while applying the models");
	assert_null(cat);
}

static void test_models_sqlite__dev_url_rolled_back(void **state)
{
	fixture *f = *state;
	mg_catalog *cat = NULL;
	mg_error err;
	mg_url dev;
	mg_db *db = NULL;
	mg_db_options dbo = { 0 };

	use_url(f, "sqlite:///live.db");
	mg_test_write(f->dir, "models.sql", models_sql);
	if (load(f, "models.sql", "sqlite:///dev.db", NULL, &cat, &err) != MG_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(cat->ntables, 2);
	mg_catalog_free(cat);
	/* Nothing stays in the dev database. */
	mg_error_init(&err);
	dbo.base_dir = f->dir;
	assert_int_equal(mg_url_parse(&dev, "sqlite:///dev.db", &err), MG_OK);
	assert_int_equal(mg_db_open(&db, &dev, &dbo, &err), MG_OK);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM sqlite_master"), 0);
	mg_db_close(db);
	mg_url_release(&dev);
}

/* ---- PostgreSQL -------------------------------------------------------- */

static void test_models_pg__load_and_drop(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;
	mg_db *db;
	char sql[256];

	use_server(f, "MIGRATE_TEST_PG_URL");
	db = open_live(f);
	mg_test_write(f->dir, "models.sql",
		      "CREATE TYPE mood AS ENUM ('sad', 'happy');\n"
		      "CREATE TABLE users (\n"
		      "    id serial PRIMARY KEY,\n"
		      "    name varchar(64) NOT NULL DEFAULT 'x'\n"
		      ");\n"
		      "INSERT INTO users (name) VALUES ('root');\n"
		      "CREATE TABLE ${schema}.accounts${suffix} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
		      " user_id integer REFERENCES users (id) ON DELETE CASCADE);\n"
		      "CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS $$ SELECT 1; $$;\n"
		      "COMMENT ON TABLE users IS 'people';\n");
	cat = load_ok(f, "models.sql");
	assert_int_equal(cat->ntables, 2);
	assert_non_null(strstr(cat->schema, MG_MODELS_SCRATCH_PREFIX));
	assert_string_equal(mg_catalog_table(cat, "users")->comment, "people");
	assert_int_equal(mg_table_column(mg_catalog_table(cat, "users"), "id")->identity, MG_IDENTITY_SERIAL);
	assert_string_equal(mg_catalog_table(cat, "accounts_x")->foreign_keys[0]->ref_schema, cat->schema);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_namespace WHERE nspname = '%s'", cat->schema);
	assert_int_equal(scalar_long(db, sql), 0);
	assert_int_equal(scratch_left(db), 0);
	mg_catalog_free(cat);
	mg_db_close(db);
}

/* The models go to the scratch schema in batches: 1,200 statements in a
 * handful of round trips (libpq's trace), not one each. */
static void test_models_pg__batched(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;
	mg_buf models = MG_BUF_INIT;
	char trace[4096];
	long trips;

	use_server(f, "MIGRATE_TEST_PG_URL");
	for (int i = 0; i < 400; i++)
		mg_buf_printf(&models,
			      "CREATE TABLE t%d (id integer PRIMARY KEY, name text);\n"
			      "CREATE INDEX t%d_name ON t%d (name);\n"
			      "COMMENT ON TABLE t%d IS 'table %d';\n",
			      i, i, i, i, i);
	mg_test_write(f->dir, "models.sql", models.ptr);
	mg_buf_release(&models);
	snprintf(trace, sizeof(trace), "%s/trace.txt", f->dir);
	setenv("MIGRATE_PG_TRACE", trace, 1);
	cat = load_ok(f, "models.sql");
	unsetenv("MIGRATE_PG_TRACE");
	assert_int_equal(cat->ntables, 400);
	assert_string_equal(mg_catalog_table(cat, "t399")->comment, "table 399");
	trips = mg_test_pg_round_trips(trace);
	assert_true(trips > 0);
	assert_true(trips < 100); /* one by one: over 1,200 */
	mg_catalog_free(cat);
}

static void test_models_pg__failure_leaves_nothing(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;
	mg_db *db;
	mg_error err;
	char sql[512], schema[64];

	use_server(f, "MIGRATE_TEST_PG_URL");
	db = open_live(f);
	snprintf(schema, sizeof(schema), "models_pg_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s;", schema, schema);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec_script(db, sql, "t", 1, NULL, &err), MG_OK);
	/* A model that names the live schema by mistake is undone with the rest. */
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE a (id integer PRIMARY KEY);\n"
		 "CREATE TABLE %s.leak (id integer);\n"
		 "CREATE TABLE b (id integer REFERENCES nosuch (id));\n",
		 schema);
	mg_test_write(f->dir, "models.sql", sql);
	assert_int_equal(load(f, "models.sql", NULL, NULL, &cat, &err), MG_EDRIVER);
	assert_non_null(strstr(err.msg, "models.sql:3: "));
	assert_non_null(strstr(err.msg, "\"nosuch\" does not exist"));
	assert_non_null(strstr(err.msg, "in statement: CREATE TABLE b (id integer REFERENCES nosuch (id))"));
	assert_int_equal(scratch_left(db), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_tables WHERE schemaname = '%s'", schema);
	assert_int_equal(scalar_long(db, sql), 0);

	/* Interrupted: stopped before the first statement, nothing left. */
	{
		volatile sig_atomic_t flag = 1;
		mg_test_write(f->dir, "ok.sql", "CREATE TABLE a (id integer PRIMARY KEY);\n");
		assert_int_equal(load(f, "ok.sql", NULL, &flag, &cat, &err), MG_EIO);
		assert_int_equal(scratch_left(db), 0);
	}
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", schema);
	assert_int_equal(mg_db_exec(db, sql, &err), MG_OK);
	mg_db_close(db);
}

static void test_models_pg__outside_a_transaction(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;
	mg_db *db;

	use_server(f, "MIGRATE_TEST_PG_URL");
	db = open_live(f);
	/* CREATE INDEX CONCURRENTLY refuses a transaction: applied again
	 * statement by statement, and still dropped. */
	mg_test_write(f->dir, "models.sql",
		      "CREATE TABLE t (id integer PRIMARY KEY, v text);\n"
		      "CREATE INDEX CONCURRENTLY ix_t_v ON t (v);\n");
	cat = load_ok(f, "models.sql");
	assert_int_equal(mg_catalog_table(cat, "t")->nindexes, 1);
	assert_int_equal(scratch_left(db), 0);
	mg_catalog_free(cat);
	mg_db_close(db);
}

/* ---- MySQL / MariaDB ---------------------------------------------------- */

static void test_models_mysql__load_and_drop(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;
	mg_db *db;
	mg_error err;

	use_server(f, "MIGRATE_TEST_MYSQL_URL");
	db = open_live(f);
	mg_test_write(f->dir, "models.sql", models_sql);
	cat = load_ok(f, "models.sql");
	assert_int_equal(cat->dialect, MG_DIALECT_MYSQL);
	assert_int_equal(cat->ntables, 2);
	assert_non_null(strstr(cat->schema, MG_MODELS_SCRATCH_PREFIX));
	assert_int_equal(scratch_left(db), 0);
	mg_catalog_free(cat);

	mg_test_write(f->dir, "bad.sql",
		      "CREATE TABLE a (id int PRIMARY KEY);\n"
		      "DELIMITER //\n"
		      "CREATE PROCEDURE p() BEGIN SELECT 1; END//\n"
		      "DELIMITER ;\n"
		      "CREATE TABLE b (id int, FOREIGN KEY (id) REFERENCES nosuch (id));\n");
	assert_int_equal(load(f, "bad.sql", NULL, NULL, &cat, &err), MG_EDRIVER);
	assert_non_null(strstr(err.msg, "bad.sql:5: "));
	assert_int_equal(scratch_left(db), 0);
	mg_db_close(db);
}

/* Connections the server has accepted so far (all clients). */
static long connections_so_far(mg_db *db)
{
	mg_rows rows;
	mg_error err;
	long v;
	mg_error_init(&err);
	if (mg_db_query(db, "SHOW GLOBAL STATUS LIKE 'Connections'", 0, NULL, &rows, &err) != MG_OK)
		fail_msg("status: %s", err.msg);
	v = strtol(mg_rows_get(&rows, 0, 1), NULL, 10);
	mg_rows_release(&rows);
	return v;
}

/* Tables t0..t{n-1} referencing t0, each with an index; every tenth also
 * references the one before it through ALTER TABLE. */
static void many_tables(mg_buf *m, int n)
{
	mg_buf_puts(m, "CREATE TABLE t0 (id int PRIMARY KEY, extra int);\n");
	for (int i = 1; i < n; i++) {
		mg_buf_printf(m,
			      "CREATE TABLE t%d (id int PRIMARY KEY, p int, q int, name varchar(20),\n"
			      "  CONSTRAINT fk_t%d_p FOREIGN KEY (p) REFERENCES t0 (id));\n"
			      "CREATE INDEX ix_t%d_name ON t%d (name);\n",
			      i, i, i, i);
		if (i % 10 == 0)
			mg_buf_printf(m, "ALTER TABLE t%d ADD CONSTRAINT fk_t%d_q FOREIGN KEY (q) REFERENCES t%d (id);\n",
				      i, i, i - 1);
	}
}

/* text with its first `from` replaced by `to` (which must be there). Heap. */
static char *replaced(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	mg_buf b = MG_BUF_INIT;

	if (!at)
		fail_msg("no %s in the models", from);
	mg_buf_add(&b, text, (size_t)(at - text));
	mg_buf_puts(&b, to);
	mg_buf_puts(&b, at + strlen(from));
	return mg_buf_detach(&b);
}

static char *replaced_free(char *text, const char *from, const char *to)
{
	char *out = replaced(text, from, to);
	free(text);
	return out;
}

/* The line of the first line of text that starts with prefix. */
static int line_of(const char *text, const char *prefix)
{
	int line = 1;
	for (const char *p = text; *p; p++) {
		if ((p == text || p[-1] == '\n') && strncmp(p, prefix, strlen(prefix)) == 0)
			return line;
		if (*p == '\n')
			line++;
	}
	fail_msg("no line starts with %s", prefix);
	return 0;
}

static void test_models_mysql__lanes_as_one_by_one(void **state)
{
	fixture *f = *state;
	mg_catalog *lanes, *serial;
	mg_diff *d = NULL;
	mg_buf m = MG_BUF_INIT;
	mg_error err;
	mg_db *db;
	long before;

	use_server(f, "MIGRATE_TEST_MYSQL_URL");
	db = open_live(f);
	many_tables(&m, 120);
	/* Changing a table others reference, then what the lanes cannot
	 * read (a view), then more tables after it, one by one. */
	mg_buf_puts(&m, "ALTER TABLE t0 ADD COLUMN later int;\n"
			"CREATE VIEW v AS SELECT id, name FROM t5;\n"
			"CREATE TABLE after_view (id int PRIMARY KEY, t int REFERENCES t7 (id));\n");
	mg_test_write(f->dir, "models.sql", m.ptr);

	before = connections_so_far(db);
	lanes = load_ok(f, "models.sql");
	assert_true(connections_so_far(db) - before >= 4); /* the load's own and three lanes */
	assert_int_equal(scratch_left(db), 0);

	load_connections = 1;
	serial = load_ok(f, "models.sql");
	assert_int_equal(lanes->ntables, 121);
	assert_int_equal(mg_catalog_table(lanes, "t40")->nforeign_keys, 2);
	assert_non_null(mg_table_column(mg_catalog_table(lanes, "t0"), "later"));
	assert_non_null(mg_catalog_view(lanes, "v"));
	mg_error_init(&err);
	if (mg_diff_catalogs(serial, lanes, NULL, &d, &err) != MG_OK)
		fail_msg("diff: %s", err.msg);
	assert_int_equal(mg_diff_count(d), 0);
	mg_diff_free(d);
	mg_catalog_free(serial);
	mg_catalog_free(lanes);
	mg_buf_release(&m);
	mg_db_close(db);
}

/* Loading models.sql holding text fails at the line that starts with
 * prefix, as a run in file order does, and leaves no scratch space. */
static void expect_failure_at(fixture *f, mg_db *db, const char *text, const char *prefix)
{
	mg_catalog *cat = NULL;
	mg_error err;
	char where[64];

	mg_test_write(f->dir, "models.sql", text);
	snprintf(where, sizeof(where), "models.sql:%d: ", line_of(text, prefix));
	assert_int_equal(load(f, "models.sql", NULL, NULL, &cat, &err), MG_EDRIVER);
	if (!strstr(err.msg, where))
		fail_msg("expected %s in: %s", where, err.msg);
	assert_int_equal(scratch_left(db), 0);
}

static void test_models_mysql__lanes_fail_as_one_by_one(void **state)
{
	fixture *f = *state;
	mg_buf m = MG_BUF_INIT;
	mg_db *db;
	char *text;

	use_server(f, "MIGRATE_TEST_MYSQL_URL");
	db = open_live(f);

	/* A foreign key name taken twice (they are per database): in order
	 * the second one fails, whichever lane got there first. */
	many_tables(&m, 150);
	text = replaced(m.ptr, "fk_t20_p ", "fk_dup ");
	text = replaced_free(text, "fk_t100_p ", "fk_dup ");
	expect_failure_at(f, db, text, "CREATE TABLE t100 ");
	free(text);

	/* A reference to a table made later fails in order; the lanes stop
	 * before it. */
	text = replaced(m.ptr, "REFERENCES t0 (id));\nCREATE INDEX ix_t60_name",
			"REFERENCES t140 (id));\nCREATE INDEX ix_t60_name");
	expect_failure_at(f, db, text, "CREATE TABLE t60 ");
	free(text);
	mg_buf_release(&m);
	mg_db_close(db);
}

static void test_models_mysql__lanes_after_a_session_change(void **state)
{
	fixture *f = *state;
	mg_catalog *cat;
	mg_buf m = MG_BUF_INIT;

	/* A SET in an earlier file changes the scratch connection's session;
	 * a new connection would not have it, so the next file goes one by
	 * one on that connection, as in order. */
	use_server(f, "MIGRATE_TEST_MYSQL_URL");
	for (int i = 0; i < 120; i++) /* no foreign keys: MyISAM has none */
		mg_buf_printf(&m, "CREATE TABLE t%d (id int PRIMARY KEY, name varchar(20));\n"
				  "CREATE INDEX ix_t%d ON t%d (name);\n", i, i, i);
	mg_test_write(f->dir, "models/01_session.sql", "SET SESSION default_storage_engine = MyISAM;\n");
	mg_test_write(f->dir, "models/02_tables.sql", m.ptr);
	cat = load_ok(f, "models");
	assert_int_equal(cat->ntables, 120);
	assert_string_equal(mg_catalog_table(cat, "t0")->engine, "MyISAM");
	assert_string_equal(mg_catalog_table(cat, "t77")->engine, "MyISAM");
	mg_catalog_free(cat);
	mg_buf_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_models_sqlite__file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_sqlite__folder_in_name_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_sqlite__failing_statement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_sqlite__input_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_sqlite__interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_sqlite__dev_url_rolled_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_pg__load_and_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_pg__batched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_pg__failure_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_pg__outside_a_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_mysql__load_and_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_mysql__lanes_as_one_by_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_mysql__lanes_fail_as_one_by_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_mysql__lanes_after_a_session_change, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * mg_db_exec_batch: on PostgreSQL (MIGRATE_TEST_PG_URL) one round trip in
 * pipeline mode, counted in libpq's protocol trace (MIGRATE_PG_TRACE); on
 * SQLite the fallback loop. Both stop at the same statement with the error
 * mg_db_exec gives for it, and the connection is usable afterwards. Each
 * PostgreSQL test works in its own schema and drops it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbfixture.h"
#include "migrate/driver.h"

#define COPY_REFUSED "COPY FROM STDIN / TO STDOUT is not supported in migrations; use INSERT or COPY with a server file"

typedef struct bfx {
	const char *url; /* PostgreSQL tests: the server's, borrowed */
	mg_db *db;
	char schema[64];
	char *dir;     /* SQLite database, traces */
	char trace[4200];
} bfx;

static int setup(void **state)
{
	bfx *f = calloc(1, sizeof(*f));
	f->dir = mg_test_tmpdir();
	snprintf(f->trace, sizeof(f->trace), "%s/trace", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	bfx *f = *state;

	if (f->db && f->schema[0]) {
		char sql[128];
		mg_error err;
		mg_error_init(&err);
		mg_db_exec(f->db, "ROLLBACK", &err);
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", f->schema);
		mg_db_exec(f->db, sql, &err);
	}
	mg_db_close(f->db);
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* A PostgreSQL connection in a fresh schema of this test; traced into
 * f->trace when trace is set. */
static void open_pg(bfx *f, const char *topic, int trace)
{
	char sql[256];

	f->url = mg_test_server_url("MIGRATE_TEST_PG_URL");
	if (trace)
		setenv("MIGRATE_PG_TRACE", f->trace, 1);
	f->db = mg_test_db_open_url(f->url, NULL);
	unsetenv("MIGRATE_PG_TRACE");
	snprintf(f->schema, sizeof(f->schema), "mgb_%ld_%s", (long)getpid(), topic);
	mg_test_ns_create(f->db, MG_DIALECT_POSTGRESQL, f->schema, NULL);
	snprintf(sql, sizeof(sql), "SET search_path TO %s", f->schema);
	mg_test_exec1_ok(f->db, sql);
}

static void open_sqlite(bfx *f)
{
	f->db = mg_test_db_open_url("sqlite:///batch.db", f->dir);
}

#define assert_query(db, sql, want)                   \
	do {                                          \
		char *got_ = mg_test_query1(db, sql);      \
		assert_string_equal(got_, want);      \
		free(got_);                           \
	} while (0)

/* Runs the batch expecting a failure; returns its index, err filled. */
static size_t batch_fails(mg_db *db, const char *const *sqls, size_t n, mg_error *err)
{
	size_t failed = (size_t)-1;

	mg_error_init(err);
	assert_int_equal(mg_db_exec_batch(db, sqls, n, &failed, err), MG_EDRIVER);
	assert_true(failed < n);
	return failed;
}

/* The error mg_db_exec gives for sqls[upto] after running the ones before. */
static void exec_error_of(mg_db *db, const char *const *sqls, size_t upto, mg_error *err)
{
	for (size_t i = 0; i < upto; i++)
		mg_test_exec1_ok(db, sqls[i]);
	mg_error_init(err);
	assert_int_equal(mg_db_exec(db, sqls[upto], err), MG_EDRIVER);
}

static long round_trips(const bfx *f)
{
	return mg_test_pg_round_trips(f->trace);
}

/* A statement in a transaction: failed_index, then the very error
 * mg_db_exec gives (message with DETAIL, SQLSTATE); the transaction is left
 * aborted for the caller, and after ROLLBACK nothing of it remains. */
static const char *const dup_key[] = {
	"BEGIN",
	"CREATE TABLE b (id INTEGER PRIMARY KEY)",
	"INSERT INTO b VALUES (1)",
	"INSERT INTO b VALUES (1)",
	"INSERT INTO b VALUES (3)",
	"COMMIT",
};

static void test_driver_batch_pg__failed_index_and_error(void **state)
{
	bfx *f = *state;
	mg_error batch_err, exec_err;

	open_pg(f, "dup", 0);
	assert_int_equal(batch_fails(f->db, dup_key, 6, &batch_err), 3);
	assert_string_equal(batch_err.msg, "duplicate key value violates unique constraint \"b_pkey\"\n"
					   "DETAIL: Key (id)=(1) already exists.");
	assert_string_equal(batch_err.sqlstate, "23505");
	mg_error_init(&exec_err);
	assert_int_equal(mg_db_exec(f->db, "SELECT 1", &exec_err), MG_EDRIVER);
	assert_string_equal(exec_err.sqlstate, "25P02"); /* still in the aborted transaction */
	mg_test_exec1_ok(f->db, "ROLLBACK");
	assert_query(f->db, "SELECT (to_regclass('b') IS NULL)::text", "true");

	exec_error_of(f->db, dup_key, 3, &exec_err);
	assert_string_equal(batch_err.msg, exec_err.msg);
	assert_string_equal(batch_err.sqlstate, exec_err.sqlstate);
	mg_test_exec1_ok(f->db, "ROLLBACK");

	/* A batch that succeeds leaves its work committed. */
	{
		static const char *const ok[] = { "BEGIN", "CREATE TABLE b (id INTEGER PRIMARY KEY)",
						  "INSERT INTO b VALUES (1), (2)", "", "COMMIT" };
		mg_error_init(&batch_err);
		assert_int_equal(mg_db_exec_batch(f->db, ok, 5, NULL, &batch_err), MG_OK);
		assert_query(f->db, "SELECT sum(id)::text FROM b", "3");
	}
	mg_error_init(&batch_err);
	assert_int_equal(mg_db_exec_batch(f->db, dup_key, 0, NULL, &batch_err), MG_OK);
}

/* Without BEGIN the batch is one implicit transaction: a failure undoes
 * what came before it; a success is committed (another session sees it). */
static void test_driver_batch_pg__implicit_transaction(void **state)
{
	bfx *f = *state;
	static const char *const bad[] = { "CREATE TABLE c (id INTEGER)", "SELECT 1/0", "CREATE TABLE d (id INTEGER)" };
	static const char *const good[] = { "CREATE TABLE c (id INTEGER)", "INSERT INTO c VALUES (7)" };
	mg_error err;
	mg_db *other;
	char sql[128];

	open_pg(f, "implicit", 0);
	assert_int_equal(batch_fails(f->db, bad, 3, &err), 1);
	assert_string_equal(err.msg, "division by zero");
	assert_string_equal(err.sqlstate, "22012");
	assert_query(f->db, "SELECT (to_regclass('c') IS NULL AND to_regclass('d') IS NULL)::text", "true");
	assert_query(f->db, "SELECT 'usable'", "usable");

	mg_error_init(&err);
	assert_int_equal(mg_db_exec_batch(f->db, good, 2, NULL, &err), MG_OK);
	other = mg_test_db_open_url(f->url, NULL);
	snprintf(sql, sizeof(sql), "SELECT id::text FROM %s.c", f->schema);
	assert_query(other, sql, "7");
	mg_db_close(other);
}

/* A server message quoting the password is redacted as mg_db_exec does. */
static void test_driver_batch_pg__password_redacted(void **state)
{
	bfx *f = *state;
	char sql[256];
	const char *sqls[2] = { "SELECT 1", sql };
	mg_error batch_err, exec_err;

	mg_url url;
	mg_error err;

	open_pg(f, "redact", 0);
	mg_error_init(&err);
	assert_int_equal(mg_url_parse(&url, f->url, &err), MG_OK);
	if (!url.password || strlen(url.password) < 4) {
		mg_url_release(&url);
		skip();
	}
	snprintf(sql, sizeof(sql), "SELECT '%s'::integer", url.password);
	assert_int_equal(batch_fails(f->db, sqls, 2, &batch_err), 1);
	assert_null(memmem(&batch_err, sizeof(batch_err), url.password, strlen(url.password)));
	mg_url_release(&url);
	assert_non_null(strstr(batch_err.msg, "invalid input syntax for type integer"));
	exec_error_of(f->db, sqls, 1, &exec_err);
	assert_string_equal(batch_err.msg, exec_err.msg);
}

/* COPY never enters a pipeline (the server would drop the connection):
 * refused as mg_db_exec refuses it, even behind comments; the statements
 * before it ran, the ones after did not, and the session goes on. */
static void test_driver_batch_pg__copy_refused(void **state)
{
	bfx *f = *state;
	static const char *const in[] = { "CREATE TABLE cp (id INTEGER)", "INSERT INTO cp VALUES (1)",
					  "/* load /* nested */ */ -- rows\n  copy cp FROM STDIN",
					  "INSERT INTO cp VALUES (2)" };
	static const char *const out[] = { "SELECT 1", "COPY (SELECT 1) TO STDOUT", "SELECT 2" };
	static const char *const named[] = { "CREATE TABLE copy_log (id INTEGER)", "INSERT INTO copy_log VALUES (5)" };
	mg_error err;

	open_pg(f, "copy", 0);
	assert_int_equal(batch_fails(f->db, in, 4, &err), 2);
	assert_string_equal(err.msg, COPY_REFUSED);
	assert_query(f->db, "SELECT string_agg(id::text, ',') FROM cp", "1");
	assert_int_equal(batch_fails(f->db, out, 3, &err), 1);
	assert_string_equal(err.msg, COPY_REFUSED);
	assert_query(f->db, "SELECT 'usable'", "usable");
	/* A name that starts with "copy" is no COPY. */
	mg_error_init(&err);
	assert_int_equal(mg_db_exec_batch(f->db, named, 2, NULL, &err), MG_OK);
	assert_query(f->db, "SELECT id::text FROM copy_log", "5");
}

/* A hundred statements, one round trip; the same through mg_db_exec, a
 * hundred. */
static void test_driver_batch_pg__one_round_trip(void **state)
{
	bfx *f = *state;
	const char *sqls[100];
	char text[100][64];
	long before;
	mg_error err;

	open_pg(f, "trips", 1);
	mg_test_exec1_ok(f->db, "CREATE TABLE r (n INTEGER)");
	for (int i = 0; i < 100; i++) {
		snprintf(text[i], sizeof(text[i]), "INSERT INTO r VALUES (%d)", i + 1);
		sqls[i] = text[i];
	}
	before = round_trips(f);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec_batch(f->db, sqls, 100, NULL, &err), MG_OK);
	assert_int_equal(round_trips(f) - before, 1);
	before = round_trips(f);
	for (int i = 0; i < 100; i++)
		mg_test_exec1_ok(f->db, sqls[i]);
	assert_int_equal(round_trips(f) - before, 100);
	assert_query(f->db, "SELECT count(*) || '/' || sum(n) FROM r", "200/10100");
}

/* Far more than both socket buffers hold, each way: 10,000 statements of
 * ~100 bytes whose results are ~1 kB each. A client that wrote everything
 * before reading would wait on a server blocked writing results: the
 * alarm ends a hang as a failure. */
static void test_driver_batch_pg__large_batch(void **state)
{
	bfx *f = *state;
	enum { N = 10000 };
	char **text = calloc(N, sizeof(char *));
	const char **sqls = calloc(N, sizeof(char *));
	mg_error err;

	open_pg(f, "large", 0);
	mg_test_exec1_ok(f->db, "CREATE TABLE big (n INTEGER, pad TEXT)");
	for (int i = 0; i < N; i++) {
		text[i] = malloc(160);
		if (i % 2)
			snprintf(text[i], 160, "SELECT repeat('x', 1000) AS r%d", i);
		else
			snprintf(text[i], 160, "INSERT INTO big VALUES (%d, '%070d')", i, i);
		sqls[i] = text[i];
	}
	alarm(240);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec_batch(f->db, sqls, N, NULL, &err), MG_OK);
	alarm(0);
	assert_query(f->db, "SELECT count(*) || '/' || sum(n) FROM big", "5000/24995000");
	for (int i = 0; i < N; i++)
		free(text[i]);
	free(text);
	free(sqls);
}

/* The fallback loop stops at the same statement, with mg_db_exec's error;
 * each statement is its own transaction there unless the batch opens one. */
static void test_driver_batch_sqlite__same_failed_index(void **state)
{
	bfx *f = *state;
	static const char *const bad[] = { "CREATE TABLE c (id INTEGER)", "SELECT * FROM nope", "CREATE TABLE d (id INTEGER)" };
	mg_error batch_err, exec_err;

	open_sqlite(f);
	assert_int_equal(batch_fails(f->db, dup_key, 6, &batch_err), 3);
	assert_string_equal(batch_err.msg, "UNIQUE constraint failed: b.id (SQLite error 1555)");
	mg_test_exec1_ok(f->db, "ROLLBACK");
	exec_error_of(f->db, dup_key, 3, &exec_err);
	assert_string_equal(batch_err.msg, exec_err.msg);
	assert_string_equal(batch_err.sqlstate, exec_err.sqlstate);
	mg_test_exec1_ok(f->db, "ROLLBACK");
	assert_query(f->db, "SELECT count(*) FROM sqlite_master WHERE name = 'b'", "0");

	assert_int_equal(batch_fails(f->db, bad, 3, &batch_err), 1);
	assert_query(f->db, "SELECT group_concat(name) FROM sqlite_master WHERE name IN ('c', 'd')", "c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_driver_batch_pg__failed_index_and_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_batch_pg__implicit_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_batch_pg__password_redacted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_batch_pg__copy_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_batch_pg__one_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_batch_pg__large_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_batch_sqlite__same_failed_index, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

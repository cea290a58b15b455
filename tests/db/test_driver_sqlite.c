/*
 * The SQLite backend through the public driver API: opening files and
 * memory databases, exec and query, transactional DDL, error text, and the
 * run lock between connections and processes. Needs no server.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "migrate/driver.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char path[4096];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = mg_test_tmpdir();
	snprintf(f->path, sizeof(f->path), "%s/test.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* A URL as the parser would give it; strings are borrowed from the caller. */
static mg_url sqlite_url(const char *database, mg_url_param *params, size_t nparams)
{
	mg_url url;
	memset(&url, 0, sizeof(url));
	url.dialect = MG_DIALECT_SQLITE;
	url.scheme = (char *)"sqlite";
	url.database = (char *)database;
	url.params = params;
	url.nparams = nparams;
	return url;
}

static mg_db *open_ok(const char *database, const char *base_dir)
{
	mg_db_options opts = { 0, base_dir };
	mg_url url = sqlite_url(database, NULL, 0);
	mg_error err;
	mg_db *db = NULL;

	mg_error_init(&err);
	if (mg_db_open(&db, &url, &opts, &err) != MG_OK)
		fail_msg("open %s: %s", database, err.msg);
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
	assert_int_equal(rows.nrows, 1);
	v = strtol(mg_rows_get(&rows, 0, 0), NULL, 10);
	mg_rows_release(&rows);
	return v;
}

static void exec_ok(mg_db *db, const char *sql)
{
	mg_error err;
	mg_error_init(&err);
	if (mg_db_exec(db, sql, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_driver_sqlite_open__file(void **state)
{
	fixture *f = *state;
	struct stat st;
	mg_db *db = open_ok(f->path, NULL);

	assert_int_equal(mg_db_dialect(db), MG_DIALECT_SQLITE);
	assert_int_equal(mg_db_caps(db), MG_CAP_TRANSACTIONAL_DDL);
	assert_int_equal(mg_db_server_version(db), sqlite3_libversion_number());
	char banner[64];
	snprintf(banner, sizeof(banner), "SQLite %s", sqlite3_libversion());
	assert_string_equal(mg_db_server_banner(db), banner);
	assert_string_equal(mg_db_user(db), getpwuid(geteuid())->pw_name);
	assert_int_equal(stat(f->path, &st), 0);
	/* foreign keys are enforced */
	assert_int_equal(scalar_long(db, "PRAGMA foreign_keys"), 1);
	mg_db_close(db);
}

static void test_driver_sqlite_open__memory(void **state)
{
	(void)state;
	mg_db *db = open_ok(":memory:", "/nonexistent-base");

	exec_ok(db, "CREATE TABLE t (a int)");
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM sqlite_master"), 1);
	mg_db_close(db);
	mg_db_close(NULL);
}

static void test_driver_sqlite_open__relative_to_base_dir(void **state)
{
	fixture *f = *state;
	char expected[4200];
	struct stat st;
	mg_db *db = open_ok("rel.db", f->dir);

	exec_ok(db, "CREATE TABLE t (a int)");
	mg_db_close(db);
	snprintf(expected, sizeof(expected), "%s/rel.db", f->dir);
	assert_int_equal(stat(expected, &st), 0);
	assert_int_not_equal(stat("rel.db", &st), 0);
}

static void test_driver_sqlite_open__missing_folder(void **state)
{
	fixture *f = *state;
	mg_db_options opts = { 0, f->dir };
	mg_url url = sqlite_url("missing/sub.db", NULL, 0);
	char expected[4400];
	mg_error err;
	mg_db *db = (mg_db *)&err;

	mg_error_init(&err);
	assert_int_equal(mg_db_open(&db, &url, &opts, &err), MG_EDRIVER);
	assert_null(db);
	snprintf(expected, sizeof(expected),
		 "cannot open SQLite database '%s/missing/sub.db': unable to open database file", f->dir);
	assert_string_equal(err.msg, expected);
}

static void test_driver_sqlite_open__not_a_database(void **state)
{
	fixture *f = *state;
	mg_url url = sqlite_url(f->path, NULL, 0);
	char expected[4400];
	mg_error err;
	mg_db *db = NULL;

	mg_test_write(f->dir, "test.db", "this is plainly not an SQLite database file, but long enough"
					 " to have a header that SQLite reads and rejects.\n");
	mg_error_init(&err);
	assert_int_equal(mg_db_open(&db, &url, NULL, &err), MG_EDRIVER);
	assert_null(db);
	snprintf(expected, sizeof(expected), "cannot open SQLite database '%s': file is not a database",
		 f->path);
	assert_string_equal(err.msg, expected);
}

static void test_driver_sqlite_open__no_database(void **state)
{
	(void)state;
	mg_url url = sqlite_url("", NULL, 0);
	mg_error err;
	mg_db *db = NULL;

	mg_error_init(&err);
	assert_int_equal(mg_db_open(&db, &url, NULL, &err), MG_EINPUT);
	assert_string_equal(err.msg,
			    "the SQLite URL names no database file: use sqlite:///FILE or sqlite://:memory:");
}

static void test_driver_sqlite_open__bad_busy_timeout(void **state)
{
	fixture *f = *state;
	mg_url_param p = { (char *)"busy_timeout", (char *)"10s" };
	mg_url url = sqlite_url(f->path, &p, 1);
	mg_error err;
	mg_db *db = NULL;

	mg_error_init(&err);
	assert_int_equal(mg_db_open(&db, &url, NULL, &err), MG_EINPUT);
	assert_string_equal(err.msg, "invalid busy_timeout '10s' in the SQLite URL: expected milliseconds");
}

static void test_driver_sqlite_exec__ddl_and_several_statements(void **state)
{
	fixture *f = *state;
	mg_db *db = open_ok(f->path, NULL);

	exec_ok(db, "CREATE TABLE account (id integer PRIMARY KEY, name text NOT NULL)");
	exec_ok(db, "INSERT INTO account (name) VALUES ('a'); -- one\n"
		    "INSERT INTO account (name) VALUES ('b');;\n/* trailing comment */ ");
	exec_ok(db, "  -- only a comment\n");
	exec_ok(db, "");
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM account"), 2);
	mg_db_close(db);

	/* the data is in the file */
	db = open_ok(f->path, NULL);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM account"), 2);
	mg_db_close(db);
}

static void test_driver_sqlite_exec__error_message(void **state)
{
	fixture *f = *state;
	mg_db *db = open_ok(f->path, NULL);
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, "INSERT INTO nope VALUES (1)", &err), MG_EDRIVER);
	assert_string_equal(err.msg, "no such table: nope (SQLite error 1)");
	assert_string_equal(err.sqlstate, "");

	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, "CREATE TABLE t (a int); CREAT TABLE u (b int)", &err),
			 MG_EDRIVER);
	assert_string_equal(err.msg, "near \"CREAT\": syntax error (SQLite error 1)");
	/* the statement before the bad one ran */
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM sqlite_master WHERE name = 't'"), 1);
	mg_db_close(db);
}

static void test_driver_sqlite_exec__constraint_sqlstate(void **state)
{
	fixture *f = *state;
	mg_db *db = open_ok(f->path, NULL);
	mg_error err;

	exec_ok(db, "CREATE TABLE v (version_num varchar(255) NOT NULL PRIMARY KEY)");
	exec_ok(db, "INSERT INTO v VALUES ('abc')");
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, "INSERT INTO v VALUES ('abc')", &err), MG_EDRIVER);
	assert_string_equal(err.msg, "UNIQUE constraint failed: v.version_num (SQLite error 1555)");
	assert_string_equal(err.sqlstate, "23505");

	exec_ok(db, "CREATE TABLE child (v text REFERENCES v (version_num))");
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, "INSERT INTO child VALUES ('zzz')", &err), MG_EDRIVER);
	assert_string_equal(err.msg, "FOREIGN KEY constraint failed (SQLite error 787)");
	assert_string_equal(err.sqlstate, "23503");
	mg_db_close(db);
}

static void test_driver_sqlite_query__params_and_nulls(void **state)
{
	(void)state;
	mg_db *db = open_ok(":memory:", NULL);
	const char *params[] = { "2", NULL };
	mg_rows rows;
	mg_error err;

	exec_ok(db, "CREATE TABLE t (id integer, name text, score real);"
		    "INSERT INTO t VALUES (1, 'one', 1.5), (2, NULL, NULL), (3, 'it''s', 3)");
	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, "SELECT id, name AS label, score FROM t WHERE id >= ? OR name IS ? ORDER BY id",
				     2, params, &rows, &err), MG_OK);
	assert_int_equal(rows.ncols, 3);
	assert_int_equal(rows.nrows, 2);
	assert_string_equal(rows.names[0], "id");
	assert_int_equal(mg_rows_col(&rows, "label"), 1);
	assert_int_equal(mg_rows_col(&rows, "name"), -1);
	assert_string_equal(mg_rows_get(&rows, 0, 0), "2");
	assert_null(mg_rows_get(&rows, 0, 1));
	assert_null(mg_rows_get(&rows, 0, 2));
	assert_string_equal(mg_rows_get(&rows, 1, 0), "3");
	assert_string_equal(mg_rows_get(&rows, 1, 1), "it's");
	assert_string_equal(mg_rows_get(&rows, 1, 2), "3.0");
	mg_rows_release(&rows);

	/* a NULL parameter is SQL NULL, not the text "NULL" */
	const char *null_param[] = { NULL };
	assert_int_equal(mg_db_query(db, "SELECT ? IS NULL", 1, null_param, &rows, &err), MG_OK);
	assert_string_equal(mg_rows_get(&rows, 0, 0), "1");
	mg_rows_release(&rows);

	/* no rows: the columns are still described */
	assert_int_equal(mg_db_query(db, "SELECT id FROM t WHERE 0", 0, NULL, &rows, &err), MG_OK);
	assert_int_equal(rows.nrows, 0);
	assert_int_equal(rows.ncols, 1);
	assert_string_equal(rows.names[0], "id");
	mg_rows_release(&rows);
	mg_db_close(db);
}

static void test_driver_sqlite_query__errors(void **state)
{
	(void)state;
	mg_db *db = open_ok(":memory:", NULL);
	const char *params[] = { "1" };
	mg_rows rows;
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, "SELECT ?, ?", 1, params, &rows, &err), MG_EDRIVER);
	assert_string_equal(err.msg, "the query expects 2 parameters but 1 were given");
	assert_null(rows.cells);

	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, "SELECT 1; SELECT 2", 0, NULL, &rows, &err), MG_EDRIVER);
	assert_string_equal(err.msg, "the query holds more than one SQL statement");

	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, "SELECT x FROM nope", 0, NULL, &rows, &err), MG_EDRIVER);
	assert_string_equal(err.msg, "no such table: nope (SQLite error 1)");

	/* a trailing terminator and comment are fine */
	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, "SELECT 1; -- done\n", 0, NULL, &rows, &err), MG_OK);
	assert_int_equal(rows.nrows, 1);
	mg_rows_release(&rows);
	mg_db_close(db);
}

static void test_driver_sqlite_transaction__ddl_rolls_back(void **state)
{
	fixture *f = *state;
	mg_db *db = open_ok(f->path, NULL);
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	exec_ok(db, "CREATE TABLE gone (a int)");
	exec_ok(db, "INSERT INTO gone VALUES (1)");
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM gone"), 1);
	assert_int_equal(mg_db_rollback(db, &err), MG_OK);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM sqlite_master WHERE name = 'gone'"), 0);

	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	exec_ok(db, "CREATE TABLE kept (a int)");
	assert_int_equal(mg_db_commit(db, &err), MG_OK);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM sqlite_master WHERE name = 'kept'"), 1);

	/* rolling back with no transaction open is harmless */
	assert_int_equal(mg_db_rollback(db, &err), MG_OK);
	mg_db_close(db);
}

static void test_driver_sqlite_transaction__begin_waits_for_writer(void **state)
{
	fixture *f = *state;
	mg_url_param p = { (char *)"busy_timeout", (char *)"150" };
	mg_url url = sqlite_url(f->path, &p, 1);
	mg_db *a = open_ok(f->path, NULL), *b = NULL;
	mg_error err;
	long t0;

	mg_error_init(&err);
	assert_int_equal(mg_db_open(&b, &url, NULL, &err), MG_OK);
	assert_int_equal(mg_db_begin(a, &err), MG_OK);
	t0 = now_ms();
	assert_int_equal(mg_db_begin(b, &err), MG_EDRIVER);
	assert_true(now_ms() - t0 >= 140);
	assert_string_equal(err.msg, "database is locked (SQLite error 5)");
	assert_int_equal(mg_db_commit(a, &err), MG_OK);
	assert_int_equal(mg_db_begin(b, &err), MG_OK);
	assert_int_equal(mg_db_commit(b, &err), MG_OK);
	mg_db_close(a);
	mg_db_close(b);
}

static void test_driver_sqlite_transaction__busy_timeout_from_connect_timeout(void **state)
{
	fixture *f = *state;
	mg_db_options opts = { 1, NULL };
	mg_url url = sqlite_url(f->path, NULL, 0);
	mg_db *a = open_ok(f->path, NULL), *b = NULL;
	mg_error err;
	long t0, waited;

	mg_error_init(&err);
	assert_int_equal(mg_db_open(&b, &url, &opts, &err), MG_OK);
	assert_int_equal(mg_db_begin(a, &err), MG_OK);
	t0 = now_ms();
	assert_int_equal(mg_db_begin(b, &err), MG_EDRIVER);
	waited = now_ms() - t0;
	assert_true(waited >= 950 && waited < 5000);
	assert_int_equal(mg_db_rollback(a, &err), MG_OK);
	mg_db_close(a);
	mg_db_close(b);
}

static void test_driver_sqlite_lock__same_process(void **state)
{
	fixture *f = *state;
	mg_db *a = open_ok(f->path, NULL), *b = open_ok(f->path, NULL);
	char expected[4400], lock_path[4200];
	mg_error err;
	long t0;

	mg_error_init(&err);
	assert_int_equal(mg_db_lock(a, "main.migrate_version", 0, &err), MG_OK);

	/* the lock file sits beside the database and names its holder */
	snprintf(lock_path, sizeof(lock_path), "%s.migrate-lock", f->path);
	char *text = mg_test_read(lock_path), pid_line[64];
	assert_non_null(text);
	snprintf(pid_line, sizeof(pid_line), "%ld\nmain.migrate_version\n", (long)getpid());
	assert_string_equal(text, pid_line);
	free(text);

	t0 = now_ms();
	assert_int_equal(mg_db_lock(b, "main.migrate_version", 120, &err), MG_ELOCK);
	assert_true(now_ms() - t0 >= 120);
	snprintf(expected, sizeof(expected),
		 "could not obtain the migration lock on '%s' within 120 ms: held by process %ld",
		 f->path, (long)getpid());
	assert_string_equal(err.msg, expected);

	assert_int_equal(mg_db_unlock(a, "main.migrate_version", &err), MG_OK);
	assert_int_equal(mg_db_lock(b, "main.migrate_version", 0, &err), MG_OK);
	/* the file stays, emptied of the old holder */
	assert_int_equal(mg_db_unlock(b, "main.migrate_version", &err), MG_OK);
	text = mg_test_read(lock_path);
	assert_non_null(text);
	assert_string_equal(text, "");
	free(text);
	/* unlocking a lock not held is an error */
	mg_error_init(&err);
	assert_int_equal(mg_db_unlock(b, "main.migrate_version", &err), MG_EDRIVER);
	snprintf(expected, sizeof(expected),
		 "cannot release the migration lock on '%s': this connection does not hold it", f->path);
	assert_string_equal(err.msg, expected);
	mg_db_close(a);
	mg_db_close(b);
}

static void test_driver_sqlite_lock__reentrant_and_released_by_close(void **state)
{
	fixture *f = *state;
	mg_db *a = open_ok(f->path, NULL), *b = open_ok(f->path, NULL);
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_db_lock(a, "x", 0, &err), MG_OK);
	assert_int_equal(mg_db_lock(a, "x", 0, &err), MG_OK);
	assert_int_equal(mg_db_unlock(a, "x", &err), MG_OK);
	assert_int_equal(mg_db_lock(b, "x", 0, &err), MG_ELOCK);
	assert_int_equal(mg_db_unlock(a, "x", &err), MG_OK);
	assert_int_equal(mg_db_lock(b, "x", 0, &err), MG_OK);

	/* closing the holder releases the lock */
	mg_db_close(b);
	assert_int_equal(mg_db_lock(a, "x", 0, &err), MG_OK);
	mg_db_close(a);
}

static void test_driver_sqlite_lock__waits_until_released(void **state)
{
	fixture *f = *state;
	int ready[2], go[2];
	mg_db *db;
	mg_error err;
	pid_t child;
	long t0;
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		/* The child holds the lock until told to let go, then lingers
		 * a moment so that the parent's wait is released by unlock. */
		mg_db_options opts = { 0, NULL };
		mg_url url = sqlite_url(f->path, NULL, 0);
		mg_db *held = NULL;
		mg_error cerr;
		int code = 0;

		mg_error_init(&cerr);
		if (mg_db_open(&held, &url, &opts, &cerr) != MG_OK ||
		    mg_db_lock(held, "run", 1000, &cerr) != MG_OK)
			code = 1;
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			code = 2;
		if (held && mg_db_unlock(held, "run", &cerr) != MG_OK)
			code = 3;
		usleep(300 * 1000);
		mg_db_close(held);
		_exit(code);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);

	db = open_ok(f->path, NULL);
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(db, "run", 100, &err), MG_ELOCK);
	char expected[4400];
	snprintf(expected, sizeof(expected),
		 "could not obtain the migration lock on '%s' within 100 ms: held by process %ld",
		 f->path, (long)child);
	assert_string_equal(err.msg, expected);

	/* now wait with no limit while the child lets go after a while */
	assert_int_equal(write(go[1], "g", 1), 1);
	t0 = now_ms();
	assert_int_equal(mg_db_lock(db, "run", -1, &err), MG_OK);
	assert_true(now_ms() - t0 < 2000);
	int status = 0;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(mg_db_unlock(db, "run", &err), MG_OK);
	close(ready[0]);
	close(go[1]);
	mg_db_close(db);
}

static void test_driver_sqlite_lock__refused_inside_transaction(void **state)
{
	fixture *f = *state;
	mg_db *db = open_ok(f->path, NULL);
	char expected[4400];
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	assert_int_equal(mg_db_lock(db, "run", 0, &err), MG_EUSAGE);
	snprintf(expected, sizeof(expected),
		 "cannot wait for the migration lock on '%s' inside an open transaction; take it before BEGIN",
		 f->path);
	assert_string_equal(err.msg, expected);
	assert_int_equal(mg_db_rollback(db, &err), MG_OK);
	/* taken before BEGIN, it survives COMMIT */
	assert_int_equal(mg_db_lock(db, "run", 0, &err), MG_OK);
	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	assert_int_equal(mg_db_commit(db, &err), MG_OK);
	mg_db *other = open_ok(f->path, NULL);
	assert_int_equal(mg_db_lock(other, "run", 0, &err), MG_ELOCK);
	mg_db_close(other);
	mg_db_close(db);
}

static void test_driver_sqlite_lock__memory_is_noop(void **state)
{
	(void)state;
	mg_db *a = open_ok(":memory:", NULL), *b = open_ok(":memory:", NULL);
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_db_lock(a, "run", 0, &err), MG_OK);
	assert_int_equal(mg_db_lock(b, "run", 0, &err), MG_OK);
	assert_int_equal(mg_db_unlock(a, "run", &err), MG_OK);
	assert_int_equal(mg_db_unlock(b, "run", &err), MG_OK);
	mg_db_close(a);
	mg_db_close(b);
}

static void test_driver_sqlite_exec_script__failing_line(void **state)
{
	(void)state;
	mg_db *db = open_ok(":memory:", NULL);
	size_t failed = 99;
	mg_error err;
	const char *script =
		"CREATE TABLE account (id integer PRIMARY KEY, name text);\n"
		"-- a trigger body holds semicolons\n"
		"CREATE TRIGGER account_name AFTER INSERT ON account BEGIN\n"
		"    UPDATE account SET name = upper(name) WHERE id = new.id;\n"
		"END;\n"
		"INSERT INTO account (name) VALUES ('a;b');\n"
		"\n"
		"INSERT INTO missing\n"
		"VALUES (1);\n"
		"INSERT INTO account (name) VALUES ('never');\n";

	mg_error_init(&err);
	assert_int_equal(mg_db_exec_script(db, script, "versions/1975_x.sql", 10, &failed, &err),
			 MG_EDRIVER);
	assert_int_equal(failed, 3);
	assert_string_equal(err.msg, "versions/1975_x.sql:17: no such table: missing (SQLite error 1)\n"
				     "    in statement: INSERT INTO missing ...");
	/* the statements before it ran, the trigger included; the one after did not */
	mg_rows rows;
	assert_int_equal(mg_db_query(db, "SELECT name FROM account", 0, NULL, &rows, &err), MG_OK);
	assert_int_equal(rows.nrows, 1);
	assert_string_equal(mg_rows_get(&rows, 0, 0), "A;B");
	mg_rows_release(&rows);
	mg_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_driver_sqlite_open__file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_open__memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_open__relative_to_base_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_open__missing_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_open__not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_open__no_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_open__bad_busy_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_exec__ddl_and_several_statements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_exec__error_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_exec__constraint_sqlstate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_query__params_and_nulls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_query__errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_transaction__ddl_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_transaction__begin_waits_for_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_transaction__busy_timeout_from_connect_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_lock__same_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_lock__reentrant_and_released_by_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_lock__waits_until_released, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_lock__refused_inside_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_lock__memory_is_noop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sqlite_exec_script__failing_line, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The PostgreSQL backend through the public driver API, against the real
 * server in MIGRATE_TEST_PG_URL: connecting (and keeping passwords out of
 * errors), exec and query, transactional DDL, error text and SQLSTATE,
 * notices, the advisory run lock between connections and processes, and
 * scripts. Every test works in its own schema / role and drops it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "migrate/driver.h"
#include "testutil.h"

/* The parsed server URL; skips the test when the server is not configured. */
static void server_url(mg_url *url)
{
	const char *text = mg_test_server_url("MIGRATE_TEST_PG_URL");
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_url_parse(url, text, &err), MG_OK);
	assert_int_equal(url->dialect, MG_DIALECT_POSTGRESQL);
}

static mg_db *open_ok(const mg_url *url)
{
	mg_db_options opts = { 5, NULL };
	mg_db *db = NULL;
	mg_error err;

	mg_error_init(&err);
	if (mg_db_open(&db, url, &opts, &err) != MG_OK)
		fail_msg("cannot connect: %s", err.msg);
	return db;
}

static mg_db *open_server(void)
{
	mg_url url;
	mg_db *db;

	server_url(&url);
	db = open_ok(&url);
	mg_url_release(&url);
	return db;
}

static void exec_ok(mg_db *db, const char *sql)
{
	mg_error err;

	mg_error_init(&err);
	if (mg_db_exec(db, sql, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
}

/* The single cell of a one-row, one-column query (heap copy, NULL for SQL
 * NULL). */
static char *query_one(mg_db *db, const char *sql)
{
	mg_rows rows;
	mg_error err;
	char *v;

	mg_error_init(&err);
	if (mg_db_query(db, sql, 0, NULL, &rows, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
	assert_int_equal(rows.nrows, 1);
	assert_int_equal(rows.ncols, 1);
	v = mg_rows_get(&rows, 0, 0) ? strdup(mg_rows_get(&rows, 0, 0)) : NULL;
	mg_rows_release(&rows);
	return v;
}

static void assert_query_one(mg_db *db, const char *sql, const char *expected)
{
	char *v = query_one(db, sql);
	if (expected)
		assert_string_equal(v, expected);
	else
		assert_null(v);
	free(v);
}

/* A schema named after the test and this process, created fresh. */
static void make_schema(mg_db *db, const char *topic, char *name, size_t size)
{
	char sql[256];

	snprintf(name, size, "mgt_pg_%ld_%s", (long)getpid(), topic);
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
	exec_ok(db, sql);
}

static void drop_schema(mg_db *db, const char *name)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", name);
	exec_ok(db, sql);
}

/* True when the bytes of secret appear anywhere in the error struct, even
 * past the message's terminator. */
static int error_contains(const mg_error *err, const char *secret)
{
	return memmem(err, sizeof(*err), secret, strlen(secret)) != NULL;
}

static void test_driver_pg_connect__password_url(void **state)
{
	mg_db *db;

	(void)state;
	db = open_server();
	assert_int_equal(mg_db_dialect(db), MG_DIALECT_POSTGRESQL);
	assert_int_equal(mg_db_caps(db),
			 MG_CAP_TRANSACTIONAL_DDL | MG_CAP_SCHEMAS | MG_CAP_ADVISORY_LOCK);
	assert_true(mg_db_server_version(db) >= 150000);
	{
		char expected[64];
		long v = mg_db_server_version(db);
		snprintf(expected, sizeof(expected), "PostgreSQL %ld.%ld", v / 10000, v % 10000);
		assert_string_equal(mg_db_server_banner(db), expected);
	}
	assert_string_equal(mg_db_user(db), "migrate");
	assert_query_one(db, "SELECT current_setting('application_name')", "migrate");
	assert_query_one(db, "SELECT current_user", "migrate");
	mg_db_close(db);
}

static void test_driver_pg_connect__url_params_are_libpq_keywords(void **state)
{
	mg_url url;
	mg_url_param params[2] = {
		{ (char *)"connect_timeout", (char *)"3" },
		{ (char *)"application_name", (char *)"mgtest_app" },
	};
	mg_url_param *saved;
	size_t nsaved;
	mg_db *db;

	(void)state;
	server_url(&url);
	saved = url.params;
	nsaved = url.nparams;
	url.params = params;
	url.nparams = 2;
	db = open_ok(&url);
	/* The URL's application_name wins over the default. */
	assert_query_one(db, "SELECT current_setting('application_name')", "mgtest_app");
	mg_db_close(db);
	url.params = saved;
	url.nparams = nsaved;
	mg_url_release(&url);
}

static void test_driver_pg_connect__wrong_password(void **state)
{
	static const char wrong[] = "not-the-Secret-42";
	mg_url url;
	mg_db *db = NULL;
	mg_db_options opts = { 5, NULL };
	mg_error err;
	char prefix[512];

	(void)state;
	server_url(&url);
	free(url.password);
	url.password = strdup(wrong);
	mg_error_init(&err);
	assert_int_equal(mg_db_open(&db, &url, &opts, &err), MG_EDRIVER);
	assert_null(db);
	assert_int_equal(err.code, MG_EDRIVER);
	snprintf(prefix, sizeof(prefix), "cannot connect to PostgreSQL at postgresql://%s@%s:%d/%s: ",
		 url.user, url.host, url.port, url.database);
	assert_memory_equal(err.msg, prefix, strlen(prefix));
	assert_non_null(strstr(err.msg, "password authentication failed for user \"migrate\""));
	assert_false(error_contains(&err, wrong));
	mg_url_release(&url);
}

/* A role whose password holds '@' and a literal "%40": the URL carries it
 * percent-encoded, the driver gets it decoded, and no form of it (decoded
 * or encoded) reaches an error. */
static void test_driver_pg_connect__unusual_password(void **state)
{
	static const char real[] = "p@ss%40w:rd";
	static const char real_encoded[] = "p%40ss%2540w%3Ard";
	static const char wrong[] = "wr@ng%40Secret";
	static const char wrong_encoded[] = "wr%40ng%2540Secret";
	const char *text = mg_test_server_url("MIGRATE_TEST_PG_URL");
	const char *at = strrchr(text, '@');
	char role[64], sql[256], urltext[1024];
	mg_db *admin, *db = NULL;
	mg_url url;
	mg_db_options opts = { 5, NULL };
	mg_error err;

	(void)state;
	assert_non_null(at);
	admin = open_server();
	snprintf(role, sizeof(role), "mgt_pg_role_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN PASSWORD '%s'", role, role,
		 real);
	exec_ok(admin, sql);

	/* Right password, percent-encoded in the URL. */
	snprintf(urltext, sizeof(urltext), "postgresql://%s:%s%s", role, real_encoded, at);
	mg_error_init(&err);
	assert_int_equal(mg_url_parse(&url, urltext, &err), MG_OK);
	assert_string_equal(url.password, real);
	db = open_ok(&url);
	assert_string_equal(mg_db_user(db), role);
	mg_db_close(db);
	mg_url_release(&url);

	/* Wrong password of the same shape. */
	snprintf(urltext, sizeof(urltext), "postgresql://%s:%s%s", role, wrong_encoded, at);
	mg_error_init(&err);
	assert_int_equal(mg_url_parse(&url, urltext, &err), MG_OK);
	db = NULL;
	assert_int_equal(mg_db_open(&db, &url, &opts, &err), MG_EDRIVER);
	assert_null(db);
	assert_non_null(strstr(err.msg, "password authentication failed"));
	assert_false(error_contains(&err, wrong));
	assert_false(error_contains(&err, wrong_encoded));
	assert_false(error_contains(&err, "wr@ng"));
	assert_false(error_contains(&err, "Secret"));
	mg_url_release(&url);

	snprintf(sql, sizeof(sql), "DROP ROLE %s", role);
	exec_ok(admin, sql);
	mg_db_close(admin);
}

static void test_driver_pg_connect__unknown_param(void **state)
{
	mg_url url;
	mg_url_param params[1] = { { (char *)"no_such_option", (char *)"1" } };
	mg_url_param *saved;
	size_t nsaved;
	mg_db *db = NULL;
	mg_db_options opts = { 5, NULL };
	mg_error err;

	(void)state;
	server_url(&url);
	saved = url.params;
	nsaved = url.nparams;
	url.params = params;
	url.nparams = 1;
	mg_error_init(&err);
	assert_int_equal(mg_db_open(&db, &url, &opts, &err), MG_EDRIVER);
	assert_null(db);
	assert_non_null(strstr(err.msg, "cannot connect to PostgreSQL at postgresql://"));
	assert_non_null(strstr(err.msg, ": invalid connection option \"no_such_option\""));
	assert_true(!url.password || !error_contains(&err, url.password));
	url.params = saved;
	url.nparams = nsaved;
	mg_url_release(&url);
}

static void test_driver_pg_connect__unknown_host(void **state)
{
	mg_url url;
	mg_db *db = NULL;
	mg_db_options opts = { 3, NULL };
	mg_error err;
	char prefix[512];

	(void)state;
	server_url(&url);
	free(url.host);
	url.host = strdup("no-such-host.invalid");
	mg_error_init(&err);
	assert_int_equal(mg_db_open(&db, &url, &opts, &err), MG_EDRIVER);
	assert_null(db);
	snprintf(prefix, sizeof(prefix),
		 "cannot connect to PostgreSQL at postgresql://%s@no-such-host.invalid:%d/%s: ", url.user,
		 url.port, url.database);
	assert_memory_equal(err.msg, prefix, strlen(prefix));
	assert_non_null(strstr(err.msg, "no-such-host.invalid"));
	assert_true(!url.password || !error_contains(&err, url.password));
	mg_url_release(&url);
}

static void test_driver_pg_exec__ddl_and_multi_statement(void **state)
{
	mg_db *db;
	char schema[64], sql[512];

	(void)state;
	db = open_server();
	make_schema(db, "exec", schema, sizeof(schema));
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE %s.t (id int PRIMARY KEY, name text);\n"
		 "INSERT INTO %s.t VALUES (1, 'a'), (2, 'b');\n"
		 "INSERT INTO %s.t VALUES (3, NULL);\n"
		 "SELECT 1;",
		 schema, schema, schema);
	exec_ok(db, sql);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.t", schema);
	assert_query_one(db, sql, "3");
	exec_ok(db, "");
	drop_schema(db, schema);
	mg_db_close(db);
}

static void test_driver_pg_query__params_and_nulls(void **state)
{
	mg_db *db;
	mg_rows rows;
	mg_error err;
	const char *params[3] = { "41", NULL, "it's" };

	(void)state;
	db = open_server();
	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, "SELECT $1::int + 1 AS answer, $2::text AS missing, $3::text AS quoted",
				     3, params, &rows, &err),
			 MG_OK);
	assert_int_equal(rows.nrows, 1);
	assert_int_equal(rows.ncols, 3);
	assert_string_equal(rows.names[0], "answer");
	assert_int_equal(mg_rows_col(&rows, "quoted"), 2);
	assert_string_equal(mg_rows_get(&rows, 0, 0), "42");
	assert_null(mg_rows_get(&rows, 0, 1));
	assert_string_equal(mg_rows_get(&rows, 0, 2), "it's");
	mg_rows_release(&rows);

	assert_int_equal(mg_db_query(db,
				     "SELECT g AS n, CASE WHEN g % 2 = 0 THEN NULL ELSE 'odd' END AS kind"
				     " FROM generate_series(1, 5) g ORDER BY g",
				     0, NULL, &rows, &err),
			 MG_OK);
	assert_int_equal(rows.nrows, 5);
	assert_string_equal(mg_rows_get(&rows, 4, 0), "5");
	assert_string_equal(mg_rows_get(&rows, 2, 1), "odd");
	assert_null(mg_rows_get(&rows, 3, 1));
	mg_rows_release(&rows);

	/* A query that returns no rows still has its columns. */
	assert_int_equal(mg_db_query(db, "SELECT 1 AS x WHERE false", 0, NULL, &rows, &err), MG_OK);
	assert_int_equal(rows.nrows, 0);
	assert_int_equal(rows.ncols, 1);
	assert_string_equal(rows.names[0], "x");
	mg_rows_release(&rows);
	mg_db_close(db);
}

static void test_driver_pg_transaction__ddl_rolls_back(void **state)
{
	mg_db *db;
	mg_error err;
	char schema[64], sql[512];

	(void)state;
	db = open_server();
	make_schema(db, "txn", schema, sizeof(schema));
	mg_error_init(&err);
	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s.gone (id int)", schema);
	exec_ok(db, sql);
	snprintf(sql, sizeof(sql), "SELECT to_regclass('%s.gone')::text", schema);
	{
		char expected[128];
		snprintf(expected, sizeof(expected), "%s.gone", schema);
		assert_query_one(db, sql, expected);
	}
	assert_int_equal(mg_db_rollback(db, &err), MG_OK);
	assert_query_one(db, sql, NULL);

	/* And a committed one stays. */
	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s.kept (id int)", schema);
	exec_ok(db, sql);
	assert_int_equal(mg_db_commit(db, &err), MG_OK);
	snprintf(sql, sizeof(sql), "SELECT to_regclass('%s.kept') IS NOT NULL", schema);
	assert_query_one(db, sql, "t");
	drop_schema(db, schema);
	mg_db_close(db);
}

static void test_driver_pg_exec__error_message_and_sqlstate(void **state)
{
	mg_db *db;
	mg_error err;
	char schema[64], sql[512];

	(void)state;
	db = open_server();
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, "SELECT * FROM mgt_no_such_table", &err), MG_EDRIVER);
	assert_int_equal(err.code, MG_EDRIVER);
	assert_string_equal(err.msg, "relation \"mgt_no_such_table\" does not exist");
	assert_string_equal(err.sqlstate, "42P01");

	/* HINT on its own line. */
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, "SELECT mgt_no_such_function(1)", &err), MG_EDRIVER);
	assert_string_equal(err.msg,
			    "function mgt_no_such_function(integer) does not exist\n"
			    "HINT: No function matches the given name and argument types. "
			    "You might need to add explicit type casts.");
	assert_string_equal(err.sqlstate, "42883");

	/* DETAIL on its own line, from a query too. */
	make_schema(db, "err", schema, sizeof(schema));
	snprintf(sql, sizeof(sql), "CREATE TABLE %s.t (id int PRIMARY KEY); INSERT INTO %s.t VALUES (1)", schema,
		 schema);
	exec_ok(db, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO %s.t VALUES ($1)", schema);
	{
		const char *params[1] = { "1" };
		mg_rows rows;
		mg_error_init(&err);
		assert_int_equal(mg_db_query(db, sql, 1, params, &rows, &err), MG_EDRIVER);
		assert_string_equal(err.msg, "duplicate key value violates unique constraint \"t_pkey\"\n"
					     "DETAIL: Key (id)=(1) already exists.");
		assert_string_equal(err.sqlstate, "23505");
		assert_int_equal(rows.nrows, 0);
	}

	/* A multi-statement string stops at its failing statement. */
	snprintf(sql, sizeof(sql), "INSERT INTO %s.t VALUES (2); SELECT 1/0; INSERT INTO %s.t VALUES (3)", schema,
		 schema);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, sql, &err), MG_EDRIVER);
	assert_string_equal(err.msg, "division by zero");
	assert_string_equal(err.sqlstate, "22012");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.t", schema);
	/* The implicit transaction of the string rolled back row 2 too. */
	assert_query_one(db, sql, "1");
	drop_schema(db, schema);
	mg_db_close(db);
}

/* Notices (DROP ... IF EXISTS on nothing, RAISE NOTICE) never reach stderr. */
static void test_driver_pg_exec__notices_are_silent(void **state)
{
	char path[] = "/tmp/mgt_pg_stderr.XXXXXX";
	int fd = mkstemp(path), saved;
	struct stat st;
	mg_db *db;

	(void)state;
	assert_true(fd >= 0);
	db = open_server();
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	exec_ok(db, "DROP TABLE IF EXISTS mgt_pg_never_there");
	exec_ok(db, "DO $$ BEGIN RAISE NOTICE 'hello from the server'; RAISE WARNING 'careful'; END $$");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	unlink(path);
	assert_int_equal(st.st_size, 0);
	mg_db_close(db);
}

static long backend_pid(mg_db *db)
{
	char *v = query_one(db, "SELECT pg_backend_pid()");
	long pid = strtol(v, NULL, 10);
	free(v);
	return pid;
}

static long long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_driver_pg_lock__contention_names_the_holder(void **state)
{
	mg_db *a, *b;
	mg_error err;
	char name[64], expected[512];
	struct timespec t0;

	(void)state;
	a = open_server();
	b = open_server();
	snprintf(name, sizeof(name), "mgt_pg_lock_%ld", (long)getpid());
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(a, name, 0, &err), MG_OK);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(mg_db_lock(b, name, 300, &err), MG_ELOCK);
	assert_true(elapsed_ms(&t0) >= 300);
	assert_int_equal(err.code, MG_ELOCK);
	snprintf(expected, sizeof(expected),
		 "could not obtain the migration lock '%s' within 300 ms: held by pid %ld (user migrate, "
		 "application migrate, client 127.0.0.1:",
		 name, backend_pid(a));
	assert_memory_equal(err.msg, expected, strlen(expected));
	assert_non_null(strstr(err.msg, ", since 20"));
	assert_int_equal(err.msg[strlen(err.msg) - 1], ')');

	/* A zero timeout tries once. */
	assert_int_equal(mg_db_lock(b, name, 0, &err), MG_ELOCK);

	/* Released: the other connection gets it, and a third cannot. */
	assert_int_equal(mg_db_unlock(a, name, &err), MG_OK);
	assert_int_equal(mg_db_lock(b, name, 1000, &err), MG_OK);
	assert_int_equal(mg_db_lock(a, name, 0, &err), MG_ELOCK);
	assert_int_equal(mg_db_unlock(b, name, &err), MG_OK);

	/* Unlocking what this session does not hold is an error. */
	mg_error_init(&err);
	assert_int_equal(mg_db_unlock(b, name, &err), MG_EDRIVER);
	snprintf(expected, sizeof(expected),
		 "cannot release the migration lock '%s': this session does not hold it", name);
	assert_string_equal(err.msg, expected);
	mg_db_close(a);
	mg_db_close(b);
}

/* The lock survives transactions (it is a session lock) and ends with the
 * connection. */
static void test_driver_pg_lock__session_scoped(void **state)
{
	mg_db *a, *b;
	mg_error err;
	char name[64];

	(void)state;
	a = open_server();
	b = open_server();
	snprintf(name, sizeof(name), "mgt_pg_session_%ld", (long)getpid());
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(a, name, 0, &err), MG_OK);
	assert_int_equal(mg_db_begin(a, &err), MG_OK);
	assert_int_equal(mg_db_rollback(a, &err), MG_OK);
	assert_int_equal(mg_db_lock(b, name, 0, &err), MG_ELOCK);
	mg_db_close(a);
	assert_int_equal(mg_db_lock(b, name, 2000, &err), MG_OK);
	assert_int_equal(mg_db_unlock(b, name, &err), MG_OK);
	mg_db_close(b);
}

static void test_driver_pg_lock__refused_inside_transaction(void **state)
{
	mg_db *db;
	mg_error err;

	(void)state;
	db = open_server();
	mg_error_init(&err);
	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	assert_int_equal(mg_db_lock(db, "mgt_pg_in_txn", 0, &err), MG_EUSAGE);
	assert_string_equal(err.msg, "cannot wait for the migration lock 'mgt_pg_in_txn' inside an open "
				     "transaction; take it before BEGIN");
	assert_int_equal(mg_db_rollback(db, &err), MG_OK);
	mg_db_close(db);
}

/* The key is 64-bit FNV-1a of the name ("foobar" -> 0x85944171f73967e8),
 * visible in pg_locks as classid/objid = high/low halves, objsubid = 1. */
static void test_driver_pg_lock__key_is_stable(void **state)
{
	mg_db *db;
	mg_error err;

	(void)state;
	db = open_server();
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(db, "foobar", 5000, &err), MG_OK);
	assert_query_one(db,
			 "SELECT classid::text || '/' || objid::text || '/' || objsubid::text FROM pg_locks"
			 " WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
			 "2241085809/4147734504/1");
	assert_int_equal(mg_db_unlock(db, "foobar", &err), MG_OK);
	mg_db_close(db);
}

/* A child process waits on the lock (no time limit) and gets it once the
 * parent unlocks. */
static void test_driver_pg_lock__waiting_process_gets_it(void **state)
{
	mg_db *parent;
	mg_error err;
	char name[64], report;
	int ready[2], done[2], status;
	struct pollfd pfd;
	pid_t pid;

	(void)state;
	parent = open_server();
	snprintf(name, sizeof(name), "mgt_pg_fork_%ld", (long)getpid());
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(parent, name, 0, &err), MG_OK);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(done), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child never touches the parent's connection. */
		mg_url url;
		mg_db *child = NULL;
		mg_db_options opts = { 5, NULL };
		mg_error cerr;
		char ok = 'E';

		mg_error_init(&cerr);
		if (mg_url_parse(&url, getenv("MIGRATE_TEST_PG_URL"), &cerr) == MG_OK &&
		    mg_db_open(&child, &url, &opts, &cerr) == MG_OK) {
			ok = 'W';
			(void)!write(ready[1], &ok, 1);
			ok = mg_db_lock(child, name, -1, &cerr) == MG_OK ? 'L' : 'T';
			if (ok == 'L' && mg_db_unlock(child, name, &cerr) != MG_OK)
				ok = 'U';
			mg_db_close(child);
			mg_url_release(&url);
		} else {
			(void)!write(ready[1], &ok, 1);
		}
		(void)!write(done[1], &ok, 1);
		_exit(0);
	}
	close(ready[1]);
	close(done[1]);
	assert_int_equal(read(ready[0], &report, 1), 1);
	assert_int_equal(report, 'W');

	/* Still waiting while the parent holds the lock. */
	pfd.fd = done[0];
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 400), 0);

	assert_int_equal(mg_db_unlock(parent, name, &err), MG_OK);
	pfd.revents = 0;
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	assert_int_equal(read(done[0], &report, 1), 1);
	assert_int_equal(report, 'L');
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	close(ready[0]);
	close(done[0]);
	mg_db_close(parent);
}

static void test_driver_pg_script__reports_failing_line(void **state)
{
	mg_db *db;
	mg_error err;
	char schema[64], script[2048], expected[512];
	size_t failed = 99;

	(void)state;
	db = open_server();
	make_schema(db, "script", schema, sizeof(schema));
	snprintf(script, sizeof(script),
		 "-- a revision body\n"                               /* 1 */
		 "CREATE TABLE %s.a (id int);\n"                      /* 2 */
		 "\n"                                                 /* 3 */
		 "CREATE FUNCTION %s.f() RETURNS int AS $body$\n"     /* 4 */
		 "BEGIN\n"                                            /* 5 */
		 "  RETURN 1; -- a ; inside the body\n"               /* 6 */
		 "END;\n"                                             /* 7 */
		 "$body$ LANGUAGE plpgsql;\n"                         /* 8 */
		 "INSERT INTO %s.a SELECT %s.f();\n"                  /* 9 */
		 "\n"                                                 /* 10 */
		 "INSERT INTO %s.missing\n"                           /* 11 */
		 "  VALUES (1);\n"                                    /* 12 */
		 "INSERT INTO %s.a VALUES (2);\n",                    /* 13 */
		 schema, schema, schema, schema, schema, schema);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec_script(db, script, "versions/abc_rev.sql", 20, &failed, &err), MG_EDRIVER);
	assert_int_equal(failed, 3);
	snprintf(expected, sizeof(expected),
		 "versions/abc_rev.sql:30: relation \"%s.missing\" does not exist\n"
		 "    in statement: INSERT INTO %s.missing ...",
		 schema, schema);
	assert_string_equal(err.msg, expected);
	assert_string_equal(err.sqlstate, "42P01");

	/* The statements before it ran, the dollar-quoted body as one. */
	snprintf(script, sizeof(script), "SELECT string_agg(id::text, ',' ORDER BY id) FROM %s.a", schema);
	assert_query_one(db, script, "1");

	snprintf(script, sizeof(script), "UPDATE %s.a SET id = id + 1;\nSELECT %s.f();\n", schema, schema);
	assert_int_equal(mg_db_exec_script(db, script, "ok.sql", 1, &failed, &err), MG_OK);
	snprintf(script, sizeof(script), "SELECT id FROM %s.a", schema);
	assert_query_one(db, script, "2");
	drop_schema(db, schema);
	mg_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_pg_connect__password_url),
		cmocka_unit_test(test_driver_pg_connect__url_params_are_libpq_keywords),
		cmocka_unit_test(test_driver_pg_connect__wrong_password),
		cmocka_unit_test(test_driver_pg_connect__unusual_password),
		cmocka_unit_test(test_driver_pg_connect__unknown_param),
		cmocka_unit_test(test_driver_pg_connect__unknown_host),
		cmocka_unit_test(test_driver_pg_exec__ddl_and_multi_statement),
		cmocka_unit_test(test_driver_pg_query__params_and_nulls),
		cmocka_unit_test(test_driver_pg_transaction__ddl_rolls_back),
		cmocka_unit_test(test_driver_pg_exec__error_message_and_sqlstate),
		cmocka_unit_test(test_driver_pg_exec__notices_are_silent),
		cmocka_unit_test(test_driver_pg_lock__contention_names_the_holder),
		cmocka_unit_test(test_driver_pg_lock__session_scoped),
		cmocka_unit_test(test_driver_pg_lock__refused_inside_transaction),
		cmocka_unit_test(test_driver_pg_lock__key_is_stable),
		cmocka_unit_test(test_driver_pg_lock__waiting_process_gets_it),
		cmocka_unit_test(test_driver_pg_script__reports_failing_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

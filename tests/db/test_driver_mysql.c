/*
 * The MySQL/MariaDB backend against a real server (MIGRATE_TEST_MYSQL_URL):
 * connecting and password hygiene, URL parameters, exec and multi-statement
 * errors, prepared queries, implicit DDL commits, the GET_LOCK run lock and
 * scripts with DELIMITER. Every test names its objects after the process id
 * and drops them in teardown.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "migrate/driver.h"
#include "testutil.h"

#define MAX_CLEANUP 8

typedef struct fixture {
	mg_url url;        /* the server URL, parsed */
	char tag[32];      /* unique per test run: "mgt_<pid>" */
	char *cleanup[MAX_CLEANUP]; /* statements teardown runs */
	size_t ncleanup;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	mg_error err;

	*state = f;
	mg_error_init(&err);
	if (mg_url_parse(&f->url, mg_test_server_url("MIGRATE_TEST_MYSQL_URL"), &err) != MG_OK)
		fail_msg("%s", err.msg);
	snprintf(f->tag, sizeof(f->tag), "mgt_%ld", (long)getpid());
	return 0;
}

static mg_db *open_url(const mg_url *url)
{
	mg_error err;
	mg_db *db = NULL;

	mg_error_init(&err);
	if (mg_db_open(&db, url, NULL, &err) != MG_OK)
		fail_msg("%s", err.msg);
	return db;
}

static int teardown(void **state)
{
	fixture *f = *state;

	if (f->ncleanup) {
		mg_db *db = open_url(&f->url);
		for (size_t i = 0; i < f->ncleanup; i++) {
			mg_error err;
			mg_error_init(&err);
			mg_db_exec(db, f->cleanup[i], &err);
			free(f->cleanup[i]);
		}
		mg_db_close(db);
	}
	mg_url_release(&f->url);
	free(f);
	return 0;
}

/* Registers a statement for teardown, before the object exists. */
static void on_teardown(fixture *f, const char *fmt, const char *name)
{
	char sql[512];

	assert_true(f->ncleanup < MAX_CLEANUP);
	snprintf(sql, sizeof(sql), fmt, name);
	f->cleanup[f->ncleanup++] = strdup(sql);
}

/* The test server's URL text with other credentials and parameters. */
static void url_text(const fixture *f, const char *user, const char *password_enc,
		     const char *query, char *out, size_t outsize)
{
	snprintf(out, outsize, "mysql://%s:%s@%s:%d/%s%s%s", user, password_enc, f->url.host,
		 f->url.port, f->url.database, query ? "?" : "", query ? query : "");
}

static int open_text(const char *text, mg_db **db, mg_error *err)
{
	mg_url url;
	int rc;

	mg_error_init(err);
	*db = NULL;
	if (mg_url_parse(&url, text, err) != MG_OK)
		fail_msg("%s", err->msg);
	rc = mg_db_open(db, &url, NULL, err);
	mg_url_release(&url);
	return rc;
}

static mg_db *open_text_ok(const char *text)
{
	mg_error err;
	mg_db *db;

	if (open_text(text, &db, &err) != MG_OK)
		fail_msg("%s", err.msg);
	return db;
}

static void exec_ok(mg_db *db, const char *fmt, const char *name)
{
	char sql[2048];
	mg_error err;

	snprintf(sql, sizeof(sql), fmt, name, name, name);
	mg_error_init(&err);
	if (mg_db_exec(db, sql, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
}

/* The one cell of a query without parameters, as a heap string ("NULL"
 * for SQL NULL). */
static char *scalar(mg_db *db, const char *fmt, const char *name)
{
	char sql[2048];
	mg_rows rows;
	mg_error err;
	char *v;

	snprintf(sql, sizeof(sql), fmt, name);
	mg_error_init(&err);
	if (mg_db_query(db, sql, 0, NULL, &rows, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
	assert_int_equal(rows.nrows, 1);
	v = strdup(mg_rows_get(&rows, 0, 0) ? mg_rows_get(&rows, 0, 0) : "NULL");
	mg_rows_release(&rows);
	return v;
}

static long scalar_long(mg_db *db, const char *fmt, const char *name)
{
	char *v = scalar(db, fmt, name);
	long n = strtol(v, NULL, 10);
	free(v);
	return n;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- connecting --------------------------------------------------------- */

static void test_driver_mysql_open__password_url(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	long v = mg_db_server_version(db);
	char banner[64], *info, *charset;

	assert_int_equal(mg_db_dialect(db), MG_DIALECT_MYSQL);
	assert_int_equal(mg_db_caps(db), MG_CAP_SCHEMAS | MG_CAP_ADVISORY_LOCK);
	assert_true(v >= 50500);
	info = scalar(db, "SELECT VERSION()", NULL);
	snprintf(banner, sizeof(banner), "%s %ld.%ld.%ld", strstr(info, "MariaDB") ? "MariaDB" : "MySQL",
		 v / 10000, v / 100 % 100, v % 100);
	assert_string_equal(mg_db_server_banner(db), banner);
	/* VERSION() begins with the same numbers, e.g. "10.11.19-MariaDB-0+deb12u1" */
	assert_int_equal(strncmp(info, banner + strcspn(banner, " ") + 1, strlen(banner) - strcspn(banner, " ") - 1), 0);
	free(info);
	/* CURRENT_USER() is the matched account; the server may name the
	 * host 127.0.0.1 or localhost */
	char expected_user[256];
	snprintf(expected_user, sizeof(expected_user), "%s@", f->url.user);
	assert_int_equal(strncmp(mg_db_user(db), expected_user, strlen(expected_user)), 0);
	charset = scalar(db, "SELECT @@character_set_client", NULL);
	assert_string_equal(charset, "utf8mb4");
	free(charset);
	mg_db_close(db);
}

static void test_driver_mysql_open__params(void **state)
{
	fixture *f = *state;
	char text[1024];
	mg_db *db;
	char *charset;

	url_text(f, f->url.user, f->url.password, "connect_timeout=5&charset=latin1&ssl-mode=PREFERRED",
		 text, sizeof(text));
	db = open_text_ok(text);
	charset = scalar(db, "SELECT @@character_set_client", NULL);
	assert_string_equal(charset, "latin1");
	free(charset);
	mg_db_close(db);

	url_text(f, f->url.user, f->url.password, "ssl_mode=disabled", text, sizeof(text));
	db = open_text_ok(text);
	assert_int_equal(scalar_long(db, "SELECT 6 * 7", NULL), 42);
	mg_db_close(db);
}

static void test_driver_mysql_open__wrong_password(void **state)
{
	fixture *f = *state;
	const char *pw = "Wr0ng-secret-xyzzy";
	char text[1024], expected[1024];
	mg_error err;
	mg_db *db;

	url_text(f, f->url.user, pw, NULL, text, sizeof(text));
	assert_int_equal(open_text(text, &db, &err), MG_EDRIVER);
	assert_null(db);
	snprintf(expected, sizeof(expected), "cannot connect to MySQL at %s:%d/%s: ERROR 1045 (28000): Access denied for user '%s'@'",
		 f->url.host, f->url.port, f->url.database, f->url.user);
	assert_int_equal(strncmp(err.msg, expected, strlen(expected)), 0);
	assert_non_null(strstr(err.msg, "(using password: YES)"));
	assert_null(strstr(err.msg, pw));
	assert_null(strstr(err.msg, f->url.password));
	assert_string_equal(err.sqlstate, "28000");
}

/* A wrong password that happens to appear in the server's text is still
 * redacted: here it equals the user name the server quotes back. */
static void test_driver_mysql_open__password_in_server_text(void **state)
{
	fixture *f = *state;
	char text[1024];
	mg_error err;
	mg_db *db;

	url_text(f, f->url.user, f->url.user, NULL, text, sizeof(text));
	assert_int_equal(open_text(text, &db, &err), MG_EDRIVER);
	assert_null(strstr(err.msg, f->url.user));
	assert_non_null(strstr(err.msg, "Access denied for user '***'@'"));
}

static void test_driver_mysql_open__percent_encoded_password(void **state)
{
	fixture *f = *state;
	char user[64], sql[512], text[1024], expected_user[256];
	mg_db *admin = open_url(&f->url), *db;
	mg_error err;

	snprintf(user, sizeof(user), "%s_at", f->tag);
	snprintf(sql, sizeof(sql), "DROP USER IF EXISTS '%s'@'%s'", user, f->url.host);
	on_teardown(f, "%s", sql);
	snprintf(sql, sizeof(sql), "CREATE USER '%s'@'%s' IDENTIFIED BY 'p@ss:w/rd#1'", user, f->url.host);
	exec_ok(admin, "%s", sql);
	snprintf(sql, sizeof(sql), "GRANT SELECT ON `%s`.* TO '%s'@'%s'", f->url.database, user, f->url.host);
	exec_ok(admin, "%s", sql);
	mg_db_close(admin);

	url_text(f, user, "p%40ss%3Aw%2Frd%231", NULL, text, sizeof(text));
	db = open_text_ok(text);
	snprintf(expected_user, sizeof(expected_user), "%s@%s", user, f->url.host);
	assert_string_equal(mg_db_user(db), expected_user);
	assert_int_equal(scalar_long(db, "SELECT 40 + 2", NULL), 42);
	mg_db_close(db);

	url_text(f, user, "p%40ss%3Aw%2Frd%232", NULL, text, sizeof(text));
	assert_int_equal(open_text(text, &db, &err), MG_EDRIVER);
	assert_non_null(strstr(err.msg, "ERROR 1045 (28000)"));
	assert_null(strstr(err.msg, "p@ss"));
	assert_null(strstr(err.msg, "%40"));
}

static void test_driver_mysql_open__unix_socket(void **state)
{
	fixture *f = *state;
	mg_db *tcp = open_url(&f->url), *db;
	char *sock = scalar(tcp, "SELECT @@socket", NULL), text[1024], query[600], *host;
	const char *where = "SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()";

	/* over TCP the session's host carries a port, over the socket it does not */
	host = scalar(tcp, where, NULL);
	assert_non_null(strchr(host, ':'));
	free(host);
	mg_db_close(tcp);

	snprintf(query, sizeof(query), "unix_socket=%s", sock);
	snprintf(text, sizeof(text), "mysql://%s:%s@localhost/%s?%s", f->url.user, f->url.password,
		 f->url.database, query);
	db = open_text_ok(text);
	host = scalar(db, where, NULL);
	assert_string_equal(host, "localhost");
	free(host);
	mg_db_close(db);
	free(sock);
}

/* Connector/C asks for TLS but would go on in plain text: REQUIRED is
 * checked after connecting. Only meaningful on a server without TLS. */
static void test_driver_mysql_open__ssl_required_without_tls(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	char *have = scalar(db, "SELECT @@have_ssl", NULL), text[1024], expected[1024];
	mg_error err;

	mg_db_close(db);
	if (strcmp(have, "YES") == 0) {
		free(have);
		skip();
	}
	free(have);
	url_text(f, f->url.user, f->url.password, "ssl-mode=REQUIRED", text, sizeof(text));
	assert_int_equal(open_text(text, &db, &err), MG_EDRIVER);
	assert_null(db);
	snprintf(expected, sizeof(expected),
		 "cannot connect to MySQL at %s:%d/%s: ssl-mode requires TLS but the server does not offer it",
		 f->url.host, f->url.port, f->url.database);
	assert_string_equal(err.msg, expected);
}

static void test_driver_mysql_open__unknown_param(void **state)
{
	fixture *f = *state;
	char text[1024];
	mg_error err;
	mg_db *db;

	url_text(f, f->url.user, f->url.password, "charset=utf8mb4&colour=blue", text, sizeof(text));
	assert_int_equal(open_text(text, &db, &err), MG_EINPUT);
	assert_null(db);
	assert_string_equal(err.msg,
			    "unknown parameter 'colour' in the MySQL URL (supported: connect_timeout, charset, unix_socket, ssl-mode, ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, ssl-crl, ssl-crlpath, tls-version)");
}

static void test_driver_mysql_open__bad_param_values(void **state)
{
	fixture *f = *state;
	char text[1024];
	mg_error err;
	mg_db *db;

	url_text(f, f->url.user, f->url.password, "connect_timeout=10s", text, sizeof(text));
	assert_int_equal(open_text(text, &db, &err), MG_EINPUT);
	assert_string_equal(err.msg,
			    "invalid connect_timeout '10s' in the MySQL URL: expected a positive number of seconds");

	url_text(f, f->url.user, f->url.password, "ssl-mode=sometimes", text, sizeof(text));
	assert_int_equal(open_text(text, &db, &err), MG_EINPUT);
	assert_string_equal(err.msg,
			    "invalid ssl-mode 'sometimes' in the MySQL URL: expected DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
}

/* ---- exec and query ----------------------------------------------------- */

static void test_driver_mysql_exec__missing_table(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	char sql[256], expected[512];
	mg_error err;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s_nope", f->tag);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, sql, &err), MG_EDRIVER);
	snprintf(expected, sizeof(expected), "ERROR 1146 (42S02): Table '%s.%s_nope' doesn't exist",
		 f->url.database, f->tag);
	assert_string_equal(err.msg, expected);
	assert_string_equal(err.sqlstate, "42S02");

	/* a syntax error: 1064 / 42000 */
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, "SELEKT 1", &err), MG_EDRIVER);
	assert_int_equal(strncmp(err.msg, "ERROR 1064 (42000): You have an error in your SQL syntax", 56), 0);
	assert_string_equal(err.sqlstate, "42000");
	/* the connection is still usable */
	assert_int_equal(scalar_long(db, "SELECT 1", NULL), 1);
	mg_db_close(db);
}

/* Server text that quotes the statement back never shows the password. */
static void test_driver_mysql_exec__password_redacted(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	char sql[512];
	mg_error err;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM WHERE secret = '%s'", f->url.password);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, sql, &err), MG_EDRIVER);
	assert_null(strstr(err.msg, f->url.password));
	assert_non_null(strstr(err.msg, "secret = '***'"));
	mg_db_close(db);
}

static void test_driver_mysql_exec__multi_statement_error(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	char t[96], sql[1024];
	mg_error err;

	snprintf(t, sizeof(t), "%s_multi", f->tag);
	on_teardown(f, "DROP TABLE IF EXISTS %s", t);
	exec_ok(db, "CREATE TABLE %s (id int PRIMARY KEY)", t);
	exec_ok(db, "INSERT INTO %s VALUES (1); INSERT INTO %s VALUES (2); SELECT * FROM %s", t);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM %s", t), 2);

	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (3);\nINSERT INTO %s_missing VALUES (4);\nINSERT INTO %s VALUES (5)",
		 t, t, t);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, sql, &err), MG_EDRIVER);
	assert_string_equal(err.sqlstate, "42S02");
	assert_non_null(strstr(err.msg, "_missing' doesn't exist"));
	/* the first statement ran, the third did not; the connection is in sync */
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM %s", t), 3);
	assert_int_equal(scalar_long(db, "SELECT max(id) FROM %s", t), 3);

	/* a duplicate key in the middle: 1062 / 23000 */
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (6); INSERT INTO %s VALUES (1)", t, t);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec(db, sql, &err), MG_EDRIVER);
	assert_string_equal(err.msg, "ERROR 1062 (23000): Duplicate entry '1' for key 'PRIMARY'");
	assert_string_equal(err.sqlstate, "23000");
	mg_db_close(db);
}

static void test_driver_mysql_query__params_and_nulls(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	char t[96], sql[512];
	const char *tricky = "it's a \\ back\\slash, a \"quote\", ? and -- not a comment";
	mg_rows rows;
	mg_error err;

	snprintf(t, sizeof(t), "%s_params", f->tag);
	on_teardown(f, "DROP TABLE IF EXISTS %s", t);
	exec_ok(db, "CREATE TABLE %s (id int PRIMARY KEY, a text, b varchar(10), n decimal(10,2))", t);

	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, a, b, n) VALUES (?, ?, ?, ?)", t);
	const char *p1[] = { "1", tricky, NULL, "12.5" };
	const char *p2[] = { "2", NULL, "x'y", NULL };
	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, sql, 4, p1, &rows, &err), MG_OK);
	assert_int_equal(rows.nrows, 0);
	mg_rows_release(&rows);
	assert_int_equal(mg_db_query(db, sql, 4, p2, &rows, &err), MG_OK);
	mg_rows_release(&rows);

	snprintf(sql, sizeof(sql), "SELECT id, a, b, n, ? AS echo FROM %s WHERE id >= ? ORDER BY id", t);
	const char *q[] = { "O'Reilly \\' \"", "1" };
	assert_int_equal(mg_db_query(db, sql, 2, q, &rows, &err), MG_OK);
	assert_int_equal(rows.nrows, 2);
	assert_int_equal(rows.ncols, 5);
	assert_string_equal(rows.names[0], "id");
	assert_int_equal(mg_rows_col(&rows, "echo"), 4);
	assert_string_equal(mg_rows_get(&rows, 0, 0), "1");
	assert_string_equal(mg_rows_get(&rows, 0, 1), tricky);
	assert_null(mg_rows_get(&rows, 0, 2));
	assert_string_equal(mg_rows_get(&rows, 0, 3), "12.50");
	assert_string_equal(mg_rows_get(&rows, 0, 4), "O'Reilly \\' \"");
	assert_string_equal(mg_rows_get(&rows, 1, 0), "2");
	assert_null(mg_rows_get(&rows, 1, 1));
	assert_string_equal(mg_rows_get(&rows, 1, 2), "x'y");
	assert_null(mg_rows_get(&rows, 1, 3));
	mg_rows_release(&rows);

	/* a NULL parameter compares as NULL, not as the string "NULL" */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE b <=> ?", t);
	const char *nullp[] = { NULL };
	assert_int_equal(mg_db_query(db, sql, 1, nullp, &rows, &err), MG_OK);
	assert_string_equal(mg_rows_get(&rows, 0, 0), "1");
	mg_rows_release(&rows);

	/* the same table read without parameters (text protocol) agrees */
	snprintf(sql, sizeof(sql), "SELECT a, b FROM %s ORDER BY id", t);
	assert_int_equal(mg_db_query(db, sql, 0, NULL, &rows, &err), MG_OK);
	assert_int_equal(rows.nrows, 2);
	assert_string_equal(mg_rows_get(&rows, 0, 0), tricky);
	assert_null(mg_rows_get(&rows, 1, 0));
	assert_string_equal(mg_rows_get(&rows, 1, 1), "x'y");
	mg_rows_release(&rows);
	mg_db_close(db);
}

static void test_driver_mysql_query__errors(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	char sql[256], expected[512];
	const char *p[] = { "1", "2" };
	mg_rows rows;
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, "SELECT ?", 2, p, &rows, &err), MG_EDRIVER);
	assert_string_equal(err.msg, "the query has 1 parameter markers but 2 values were given");
	assert_null(rows.cells);

	snprintf(sql, sizeof(sql), "SELECT * FROM %s_nope WHERE id = ?", f->tag);
	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, sql, 1, p, &rows, &err), MG_EDRIVER);
	snprintf(expected, sizeof(expected), "ERROR 1146 (42S02): Table '%s.%s_nope' doesn't exist",
		 f->url.database, f->tag);
	assert_string_equal(err.msg, expected);
	assert_string_equal(err.sqlstate, "42S02");

	snprintf(sql, sizeof(sql), "SELECT * FROM %s_nope", f->tag);
	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, sql, 0, NULL, &rows, &err), MG_EDRIVER);
	assert_string_equal(err.msg, expected);
	assert_int_equal(rows.nrows, 0);
	mg_db_close(db);
}

static void test_driver_mysql_query__long_text(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	const size_t n = 100 * 1024;
	char t[96], sql[512];
	char *big = malloc(n + 1), *bigger = malloc(2 * n + 1);
	mg_rows rows;
	mg_error err;

	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\0';
	for (size_t i = 0; i < 2 * n; i++)
		bigger[i] = (char)('A' + i % 23);
	bigger[2 * n] = '\0';
	snprintf(t, sizeof(t), "%s_long", f->tag);
	on_teardown(f, "DROP TABLE IF EXISTS %s", t);
	exec_ok(db, "CREATE TABLE %s (id int PRIMARY KEY, body longtext)", t);
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (?, ?)", t);
	const char *r1[] = { "1", "short" }, *r2[] = { "2", big }, *r3[] = { "3", bigger },
		   *r4[] = { "4", "tiny again" };
	mg_error_init(&err);
	assert_int_equal(mg_db_query(db, sql, 2, r1, &rows, &err), MG_OK);
	mg_rows_release(&rows);
	assert_int_equal(mg_db_query(db, sql, 2, r2, &rows, &err), MG_OK);
	mg_rows_release(&rows);
	assert_int_equal(mg_db_query(db, sql, 2, r3, &rows, &err), MG_OK);
	mg_rows_release(&rows);
	assert_int_equal(mg_db_query(db, sql, 2, r4, &rows, &err), MG_OK);
	mg_rows_release(&rows);

	/* prepared: a long value after a short one, a longer one, then short */
	snprintf(sql, sizeof(sql), "SELECT body, CHAR_LENGTH(body) FROM %s WHERE id > ? ORDER BY id", t);
	const char *zero[] = { "0" };
	assert_int_equal(mg_db_query(db, sql, 1, zero, &rows, &err), MG_OK);
	assert_int_equal(rows.nrows, 4);
	assert_string_equal(mg_rows_get(&rows, 0, 0), "short");
	assert_string_equal(mg_rows_get(&rows, 1, 0), big);
	assert_string_equal(mg_rows_get(&rows, 1, 1), "102400");
	assert_string_equal(mg_rows_get(&rows, 2, 0), bigger);
	assert_string_equal(mg_rows_get(&rows, 3, 0), "tiny again");
	mg_rows_release(&rows);

	/* text protocol */
	snprintf(sql, sizeof(sql), "SELECT body FROM %s WHERE id = 3", t);
	assert_int_equal(mg_db_query(db, sql, 0, NULL, &rows, &err), MG_OK);
	assert_string_equal(mg_rows_get(&rows, 0, 0), bigger);
	mg_rows_release(&rows);
	free(big);
	free(bigger);
	mg_db_close(db);
}

/* ---- transactions ------------------------------------------------------- */

/* MySQL commits implicitly around DDL: ROLLBACK undoes neither the CREATE
 * TABLE nor the INSERT that came before it in the same transaction. Data
 * statements alone do roll back. */
static void test_driver_mysql_transaction__ddl_commits_implicitly(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	char t[96], t2[96];
	mg_error err;

	snprintf(t, sizeof(t), "%s_tx", f->tag);
	snprintf(t2, sizeof(t2), "%s_tx2", f->tag);
	on_teardown(f, "DROP TABLE IF EXISTS %s", t);
	on_teardown(f, "DROP TABLE IF EXISTS %s", t2);
	exec_ok(db, "CREATE TABLE %s (id int) ENGINE=InnoDB", t);

	mg_error_init(&err);
	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	exec_ok(db, "INSERT INTO %s VALUES (1)", t);
	assert_int_equal(mg_db_rollback(db, &err), MG_OK);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM %s", t), 0);

	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	exec_ok(db, "INSERT INTO %s VALUES (2)", t);
	exec_ok(db, "CREATE TABLE %s (id int)", t2);
	assert_int_equal(mg_db_rollback(db, &err), MG_OK);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s'", t2), 1);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM %s", t), 1);

	assert_int_equal(mg_db_begin(db, &err), MG_OK);
	exec_ok(db, "INSERT INTO %s VALUES (3)", t);
	assert_int_equal(mg_db_commit(db, &err), MG_OK);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM %s", t), 2);
	mg_db_close(db);
}

/* ---- the run lock ------------------------------------------------------- */

static void test_driver_mysql_lock__contention(void **state)
{
	fixture *f = *state;
	mg_db *a = open_url(&f->url), *b = open_url(&f->url);
	char name[96], expected[512], *aid;
	mg_error err;
	long t0, elapsed;

	snprintf(name, sizeof(name), "%s.migrate_version", f->tag);
	aid = scalar(a, "SELECT CONNECTION_ID()", NULL);
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(a, name, 0, &err), MG_OK);

	t0 = now_ms();
	assert_int_equal(mg_db_lock(b, name, 300, &err), MG_ELOCK);
	elapsed = now_ms() - t0;
	assert_true(elapsed >= 250);
	assert_true(elapsed < 5000);
	snprintf(expected, sizeof(expected),
		 "could not obtain the migration lock '%s' within 300 ms: held by connection %s (user %s, host ",
		 name, aid, f->url.user);
	if (strncmp(err.msg, expected, strlen(expected)) != 0)
		fail_msg("unexpected message: %s", err.msg);
	assert_non_null(strstr(err.msg, ", running for "));
	assert_string_equal(err.msg + strlen(err.msg) - 3, " s)");

	/* a zero timeout fails at once */
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(b, name, 0, &err), MG_ELOCK);

	/* released: the other connection gets it; unlocking twice is refused */
	assert_int_equal(mg_db_unlock(a, name, &err), MG_OK);
	assert_int_equal(mg_db_lock(b, name, 1000, &err), MG_OK);
	assert_int_equal(mg_db_lock(a, name, 0, &err), MG_ELOCK);
	assert_int_equal(mg_db_unlock(b, name, &err), MG_OK);
	mg_error_init(&err);
	assert_int_equal(mg_db_unlock(b, name, &err), MG_EDRIVER);
	snprintf(expected, sizeof(expected),
		 "could not release the migration lock '%s': this connection does not hold it", name);
	assert_string_equal(err.msg, expected);

	/* closing a connection releases what it holds */
	assert_int_equal(mg_db_lock(b, name, 0, &err), MG_OK);
	mg_db_close(b);
	assert_int_equal(mg_db_lock(a, name, 2000, &err), MG_OK);
	assert_int_equal(mg_db_unlock(a, name, &err), MG_OK);
	free(aid);
	mg_db_close(a);
}

/* Names over 64 characters become prefix + hash: the same long name
 * collides across connections, two long names sharing 64 characters do not. */
static void test_driver_mysql_lock__long_names(void **state)
{
	fixture *f = *state;
	mg_db *a = open_url(&f->url), *b = open_url(&f->url);
	char n1[160], n2[160], *used;
	mg_error err;

	snprintf(n1, sizeof(n1), "%s.a_very_long_schema_name_for_testing_lock_names.migrate_version_one", f->tag);
	snprintf(n2, sizeof(n2), "%s.a_very_long_schema_name_for_testing_lock_names.migrate_version_two", f->tag);
	assert_true(strlen(n1) > 64);
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(a, n1, 0, &err), MG_OK);
	assert_int_equal(mg_db_lock(b, n1, 0, &err), MG_ELOCK);
	assert_int_equal(mg_db_lock(b, n2, 0, &err), MG_OK);
	/* the truncated name itself is not what is locked */
	char trunc[65];
	snprintf(trunc, sizeof(trunc), "%.64s", n1);
	used = scalar(a, "SELECT IS_USED_LOCK('%s')", trunc);
	assert_string_equal(used, "NULL");
	free(used);
	assert_int_equal(mg_db_unlock(a, n1, &err), MG_OK);
	assert_int_equal(mg_db_unlock(b, n2, &err), MG_OK);
	mg_db_close(a);
	mg_db_close(b);
}

typedef struct lock_waiter {
	mg_db *db;
	const char *name;
	int rc;
	long waited_ms;
} lock_waiter;

static void *wait_for_lock(void *arg)
{
	lock_waiter *w = arg;
	mg_error err;
	long t0 = now_ms();

	mg_error_init(&err);
	w->rc = mg_db_lock(w->db, w->name, -1, &err);
	w->waited_ms = now_ms() - t0;
	return NULL;
}

/* A negative timeout waits as long as it takes. */
static void test_driver_mysql_lock__waits_forever(void **state)
{
	fixture *f = *state;
	mg_db *a = open_url(&f->url);
	char name[96];
	lock_waiter w = { open_url(&f->url), name, -1, 0 };
	pthread_t th;
	mg_error err;

	snprintf(name, sizeof(name), "%s_forever", f->tag);
	mg_error_init(&err);
	assert_int_equal(mg_db_lock(a, name, -1, &err), MG_OK);
	assert_int_equal(pthread_create(&th, NULL, wait_for_lock, &w), 0);
	usleep(400 * 1000);
	assert_int_equal(mg_db_unlock(a, name, &err), MG_OK);
	pthread_join(th, NULL);
	assert_int_equal(w.rc, MG_OK);
	assert_true(w.waited_ms >= 300);
	assert_int_equal(mg_db_unlock(w.db, name, &err), MG_OK);
	mg_db_close(w.db);
	mg_db_close(a);
}

/* ---- scripts ------------------------------------------------------------ */

static void test_driver_mysql_exec_script__delimiter_and_failing_line(void **state)
{
	fixture *f = *state;
	mg_db *db = open_url(&f->url);
	char t[96], p[96], script[2048], expected[1024];
	size_t failed = 99;
	mg_error err;

	snprintf(t, sizeof(t), "%s_script", f->tag);
	snprintf(p, sizeof(p), "%s_proc", f->tag);
	on_teardown(f, "DROP TABLE IF EXISTS %s", t);
	on_teardown(f, "DROP PROCEDURE IF EXISTS %s", p);
	snprintf(script, sizeof(script),
		 "-- a revision body\n"
		 "CREATE TABLE %s (id int, note varchar(20));\n"
		 "\n"
		 "DELIMITER //\n"
		 "CREATE PROCEDURE %s()\n"
		 "BEGIN\n"
		 "  INSERT INTO %s VALUES (1, 'a;b'); -- one\n"
		 "  INSERT INTO %s VALUES (2, NULL);\n"
		 "END //\n"
		 "DELIMITER ;\n"
		 "CALL %s();\n"
		 "INSERT INTO %s VALUES (0, 'x;y');\n"
		 "INSERT INTO %s_missing\n"
		 "  VALUES (3, NULL);\n"
		 "INSERT INTO %s VALUES (4, NULL);\n",
		 t, p, t, t, p, t, t, t);
	mg_error_init(&err);
	assert_int_equal(mg_db_exec_script(db, script, "versions/abc_x.sql", 20, &failed, &err), MG_EDRIVER);
	assert_int_equal(failed, 4);
	snprintf(expected, sizeof(expected),
		 "versions/abc_x.sql:32: ERROR 1146 (42S02): Table '%s.%s_missing' doesn't exist\n"
		 "    in statement: INSERT INTO %s_missing ...",
		 f->url.database, t, t);
	assert_string_equal(err.msg, expected);
	assert_string_equal(err.sqlstate, "42S02");
	/* the procedure ran both inserts, 'x;y' stayed one value, and nothing
	 * after the failing statement ran */
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM %s", t), 3);
	assert_int_equal(scalar_long(db, "SELECT sum(id) FROM %s", t), 3);
	assert_int_equal(scalar_long(db, "SELECT count(*) FROM %s WHERE note IN ('a;b', 'x;y')", t), 2);
	mg_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__password_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__wrong_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__password_in_server_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__percent_encoded_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__unix_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__ssl_required_without_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__unknown_param, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_open__bad_param_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_exec__missing_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_exec__password_redacted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_exec__multi_statement_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_query__params_and_nulls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_query__errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_query__long_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_transaction__ddl_commits_implicitly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_lock__contention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_lock__long_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_lock__waits_forever, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_mysql_exec_script__delimiter_and_failing_line, setup, teardown),
	};
	int rc = cmocka_run_group_tests_name("driver_mysql", tests, NULL, NULL);

	/* The client library's process-wide state, so that LeakSanitizer sees
	 * only what the tests leak; every connection is closed by now. */
	mysql_library_end();
	return rc;
}

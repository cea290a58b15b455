/*
 * The executor against a real database, the same cases for every dialect:
 * test_exec_sqlite.c, test_exec_pg.c and test_exec_mysql.c include this file
 * and list the cases that apply. Each case gets its own temporary folder
 * (revision files, migrate.ini, SQLite file) and its own schema (PostgreSQL)
 * or database (MySQL), dropped afterwards, so the cases run in parallel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "migrate/driver.h"
#include "migrate/exec.h"
#include "migrate/graph.h"
#include "testutil.h"

/* Each dialect's file lists only the cases that apply to it; paths are
 * short temporary folders. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wformat-truncation"

typedef struct xfx {
	mg_dialect d;
	char *dir;           /* temporary folder */
	char name[64];       /* schema (PG) / database (MySQL) of this case */
	const char *url_text;
	char *sqlite_url;
	mg_url url;
	mg_db *db;
	mg_graph *g;
	mg_exec_options o;
	mg_error err;
} xfx;

static int xfx_seq;

static const char *server_var(mg_dialect d)
{
	return d == MG_DIALECT_POSTGRESQL ? "MIGRATE_TEST_PG_URL" : "MIGRATE_TEST_MYSQL_URL";
}

static void x_exec(xfx *f, const char *sql)
{
	mg_error err;
	mg_error_init(&err);
	if (mg_db_exec(f->db, sql, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
}

/* The first cell of a query, heap, "" for no row or NULL. */
static char *x_query(xfx *f, const char *sql)
{
	mg_rows rows;
	mg_error err;
	char *v;

	mg_error_init(&err);
	if (mg_db_query(f->db, sql, 0, NULL, &rows, &err) != MG_OK)
		fail_msg("%s: %s", sql, err.msg);
	v = strdup(rows.nrows && mg_rows_get(&rows, 0, 0) ? mg_rows_get(&rows, 0, 0) : "");
	mg_rows_release(&rows);
	return v;
}

static void x_open(xfx *f)
{
	mg_db_options opts = { 5, f->dir };
	mg_error_init(&f->err);
	if (mg_db_open(&f->db, &f->url, &opts, &f->err) != MG_OK)
		fail_msg("cannot connect: %s", f->err.msg);
}

static int x_setup(void **state)
{
	xfx *f = calloc(1, sizeof(*f));
	mg_dialect d = *(mg_dialect *)*state;

	f->d = d;
	f->dir = mg_test_tmpdir();
	snprintf(f->name, sizeof(f->name), "mgx_%d_%d_%ld", (int)getpid(), ++xfx_seq, (long)time(NULL) % 100000);
	if (d == MG_DIALECT_SQLITE) {
		size_t n = strlen(f->dir) + 32;
		f->sqlite_url = malloc(n);
		snprintf(f->sqlite_url, n, "sqlite:///%s/t.db", f->dir);
		f->url_text = f->sqlite_url;
	} else {
		f->url_text = getenv(server_var(d));
		if (!f->url_text || !*f->url_text) {
			/* mg_test_server_url fails or skips inside the test itself. */
			f->url_text = NULL;
			*state = f;
			return 0;
		}
	}
	mg_error_init(&f->err);
	if (mg_url_parse(&f->url, f->url_text, &f->err) != MG_OK)
		fail_msg("%s", f->err.msg);
	x_open(f);
	if (d != MG_DIALECT_SQLITE) {
		f->o.schema = f->name;
		f->o.version_table_schema = f->name;
		f->o.lock_name = f->url.database;
	}
	f->o.lock_timeout_ms = 20000;
	*state = f;
	return 0;
}

static int x_teardown(void **state)
{
	xfx *f = *state;
	char sql[200];

	if (f->db && f->d != MG_DIALECT_SQLITE) {
		mg_error err;
		mg_db_close(f->db);
		f->db = NULL;
		mg_error_init(&err);
		if (mg_db_open(&f->db, &f->url, NULL, &err) == MG_OK) {
			snprintf(sql, sizeof(sql), f->d == MG_DIALECT_POSTGRESQL ? "DROP SCHEMA IF EXISTS %s CASCADE"
				 : "DROP DATABASE IF EXISTS %s", f->name);
			mg_db_exec(f->db, sql, &err);
		}
	}
	mg_db_close(f->db);
	if (f->url_text)
		mg_url_release(&f->url);
	mg_graph_free(f->g);
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f->sqlite_url);
	free(f);
	return 0;
}

/* Skips (or fails under MIGRATE_TEST_REQUIRE_SERVERS) without a server. */
static xfx *x_get(void **state)
{
	xfx *f = *state;
	if (f->d != MG_DIALECT_SQLITE)
		mg_test_server_url(server_var(f->d));
	return f;
}

/* versions/<id>_r.sql with header lines (each "-- migrate:..." + "\n"). */
static void x_rev(xfx *f, const char *id, const char *header, const char *up, const char *down)
{
	char rel[128], *text;
	size_t n = strlen(header) + strlen(up) + strlen(down) + 256;

	text = malloc(n);
	snprintf(text, n, "-- migrate:revision %s\n%s-- migrate:message rev %s\n\n-- migrate:upgrade\n%s\n"
		 "-- migrate:downgrade\n%s\n", id, header, id, up, down);
	snprintf(rel, sizeof(rel), "versions/%s_r.sql", id);
	mg_test_write(f->dir, rel, text);
	free(text);
}

/* A revision creating table t_<id> (and dropping it on the way down). */
static void x_trev(xfx *f, const char *id, const char *header)
{
	char up[128], down[128];
	snprintf(up, sizeof(up), "CREATE TABLE t_%s (id INTEGER);", id);
	snprintf(down, sizeof(down), "DROP TABLE t_%s;", id);
	x_rev(f, id, header, up, down);
}

static void x_load(xfx *f)
{
	char path[4096];
	const char *dirs[1] = { path };
	mg_error err;

	snprintf(path, sizeof(path), "%s/versions", f->dir);
	mg_graph_free(f->g);
	f->g = NULL;
	mg_error_init(&err);
	if (mg_graph_load(&f->g, dirs, 1, &err) != MG_OK)
		fail_msg("graph: %s", err.msg);
}

/* The qualified name of a table of this case. */
static void x_qual(xfx *f, char *out, size_t n, const char *table)
{
	if (f->d == MG_DIALECT_SQLITE)
		snprintf(out, n, "%s", table);
	else
		snprintf(out, n, "%s.%s", f->name, table);
}

/* The version rows, sorted, comma-separated ("" for none or no table). */
static char *x_rows(xfx *f)
{
	char sql[512], t[128];
	x_qual(f, t, sizeof(t), "migrate_version");
	if (f->d == MG_DIALECT_POSTGRESQL)
		snprintf(sql, sizeof(sql), "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM %s", t);
	else if (f->d == MG_DIALECT_MYSQL)
		snprintf(sql, sizeof(sql), "SELECT GROUP_CONCAT(version_num ORDER BY version_num) FROM %s", t);
	else
		snprintf(sql, sizeof(sql), "SELECT group_concat(version_num, ',') FROM "
			 "(SELECT version_num FROM %s ORDER BY version_num)", t);
	return x_query(f, sql);
}

/* The case's tables named t_*, sorted, comma-separated. */
static char *x_tables(xfx *f)
{
	char sql[512];
	if (f->d == MG_DIALECT_POSTGRESQL)
		snprintf(sql, sizeof(sql), "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
			 "WHERE schemaname = '%s' AND left(tablename, 2) = 't_'", f->name);
	else if (f->d == MG_DIALECT_MYSQL)
		snprintf(sql, sizeof(sql), "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM "
			 "information_schema.TABLES WHERE TABLE_SCHEMA = '%s' AND LEFT(TABLE_NAME, 2) = 't_'", f->name);
	else
		snprintf(sql, sizeof(sql), "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
			 "WHERE type = 'table' AND substr(name, 1, 2) = 't_' ORDER BY name)");
	return x_query(f, sql);
}

#define assert_rows(f, want)                                  \
	do {                                                  \
		char *got_ = x_rows(f);                       \
		assert_string_equal(got_, want);              \
		free(got_);                                   \
	} while (0)
#define assert_tables(f, want)                                \
	do {                                                  \
		char *got_ = x_tables(f);                     \
		assert_string_equal(got_, want);              \
		free(got_);                                   \
	} while (0)

static int x_up(xfx *f, const char *target)
{
	mg_error_init(&f->err);
	return mg_exec_upgrade(f->db, f->g, target, &f->o, &f->err);
}

static int x_down(xfx *f, const char *target)
{
	mg_error_init(&f->err);
	return mg_exec_downgrade(f->db, f->g, target, &f->o, &f->err);
}

static int x_stamp(xfx *f, const char *target, int purge)
{
	mg_error_init(&f->err);
	return mg_exec_stamp(f->db, f->g, target, purge, &f->o, &f->err);
}

#define assert_ok(f, call)                                                    \
	do {                                                                  \
		int rc_ = (call);                                             \
		if (rc_ != MG_OK)                                             \
			fail_msg("%s: %d %s", #call, rc_, (f)->err.msg);      \
	} while (0)

/*
 * The branchy graph:
 *   a (main) -> b -> c -> d1 -> e (merge d1, d2) -> f
 *                     c -> d2 -/
 *   x (other) -> y (depends on d1)
 */
static void x_branchy(xfx *f)
{
	x_trev(f, "a", "-- migrate:branch-labels main\n");
	x_trev(f, "b", "-- migrate:revises a\n");
	x_trev(f, "c", "-- migrate:revises b\n");
	x_trev(f, "d1", "-- migrate:revises c\n");
	x_trev(f, "d2", "-- migrate:revises c\n");
	x_trev(f, "e", "-- migrate:revises d1, d2\n");
	x_trev(f, "f", "-- migrate:revises e\n");
	x_trev(f, "x", "-- migrate:branch-labels other\n");
	x_trev(f, "y", "-- migrate:revises x\n-- migrate:depends-on d1\n");
	x_load(f);
}

static void test_exec_branches__round_trip(void **state)
{
	xfx *f = x_get(state);
	x_branchy(f);

	assert_ok(f, x_up(f, "a"));
	assert_rows(f, "a");
	assert_ok(f, x_up(f, "+2"));
	assert_rows(f, "c");
	assert_tables(f, "t_a,t_b,t_c");
	assert_ok(f, x_up(f, "d1"));
	assert_rows(f, "d1");
	/* y depends on d1: its step replaces both x's row and d1's (Alembic). */
	assert_ok(f, x_up(f, "other@head"));
	assert_rows(f, "y");
	assert_tables(f, "t_a,t_b,t_c,t_d1,t_x,t_y");
	/* d2 branches off c (a row of its own), then the merge takes it. */
	assert_ok(f, x_up(f, "heads"));
	assert_rows(f, "f,y");
	assert_tables(f, "t_a,t_b,t_c,t_d1,t_d2,t_e,t_f,t_x,t_y");
	assert_ok(f, x_up(f, "heads"));
	assert_rows(f, "f,y");

	assert_int_equal(x_down(f, "-1"), MG_EMULTIHEAD);
	assert_string_equal(f->err.msg, "relative revision '-1' is ambiguous: the database has several heads (f, y); "
					 "use LABEL@-1 or REV-1");
	assert_rows(f, "f,y");

	assert_ok(f, x_down(f, "e"));
	assert_rows(f, "e,y");
	/* Undoing the merge restores the parent no other head needs (y
	 * depends on d1, so d1 gets no row of its own). */
	assert_ok(f, x_down(f, "d1"));
	assert_rows(f, "d2,y");
	assert_tables(f, "t_a,t_b,t_c,t_d1,t_d2,t_x,t_y");
	assert_ok(f, x_down(f, "base"));
	assert_rows(f, "");
	assert_tables(f, "");
}

static void test_exec_stamp__branches_and_purge(void **state)
{
	xfx *f = x_get(state);
	char sql[256], t[128];
	x_branchy(f);

	assert_ok(f, x_stamp(f, "f", 0));
	assert_rows(f, "f");
	/* Another line of descent keeps the first one's row. */
	assert_ok(f, x_stamp(f, "x", 0));
	assert_rows(f, "f,x");
	/* On f's line: replaces f, x stays. */
	assert_ok(f, x_stamp(f, "c", 0));
	assert_rows(f, "c,x");
	assert_ok(f, x_stamp(f, "heads", 0));
	assert_rows(f, "f,y");
	assert_ok(f, x_stamp(f, "base", 0));
	assert_rows(f, "");
	assert_tables(f, "");

	x_qual(f, t, sizeof(t), "migrate_version");
	snprintf(sql, sizeof(sql), "INSERT INTO %s (version_num) VALUES ('0bad')", t);
	x_exec(f, sql);
	assert_int_equal(x_stamp(f, "c", 0), MG_EINPUT);
	assert_string_equal(f->err.msg, "the database is at revision '0bad', which no revision file declares "
					 "(restore its file, or 'migrate stamp --purge' to reset the version table)");
	assert_rows(f, "0bad");
	assert_ok(f, x_stamp(f, "c", 1));
	assert_rows(f, "c");
	assert_tables(f, "");
}

static void test_exec_version_table__unknown_revision(void **state)
{
	xfx *f = x_get(state);
	char sql[256], t[128];
	x_branchy(f);

	assert_ok(f, x_up(f, "b"));
	x_qual(f, t, sizeof(t), "migrate_version");
	snprintf(sql, sizeof(sql), "UPDATE %s SET version_num = 'feedbeef'", t);
	x_exec(f, sql);
	assert_int_equal(x_up(f, "heads"), MG_EINPUT);
	assert_string_equal(f->err.msg, "the database is at revision 'feedbeef', which no revision file declares "
					 "(restore its file, or 'migrate stamp --purge' to reset the version table)");
	assert_int_equal(x_down(f, "base"), MG_EINPUT);
	assert_rows(f, "feedbeef");
	assert_tables(f, "t_a,t_b");
	{
		mg_revlist heads = MG_REVLIST_INIT;
		mg_error_init(&f->err);
		assert_int_equal(mg_exec_current(f->db, f->g, &f->o, &heads, NULL, &f->err), MG_EINPUT);
		mg_revlist_release(&heads);
	}
}

/* The version table, its primary key and the log, created in the schema. */
static void test_exec_version_table__layout(void **state)
{
	xfx *f = x_get(state);
	char sql[512], *v;
	x_branchy(f);

	assert_ok(f, x_up(f, "b"));
	if (f->d == MG_DIALECT_POSTGRESQL)
		snprintf(sql, sizeof(sql), "SELECT c.conname || ':' || a.data_type || '(' || a.character_maximum_length || ')' "
			 "FROM pg_constraint c JOIN information_schema.columns a ON a.table_schema = '%s' AND "
			 "a.table_name = 'migrate_version' WHERE c.conrelid = '%s.migrate_version'::regclass AND c.contype = 'p'",
			 f->name, f->name);
	else if (f->d == MG_DIALECT_MYSQL)
		snprintf(sql, sizeof(sql), "SELECT CONCAT(COLUMN_NAME, ':', COLUMN_TYPE, ':', COLUMN_KEY) FROM "
			 "information_schema.COLUMNS WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME = 'migrate_version'", f->name);
	else
		snprintf(sql, sizeof(sql), "SELECT sql FROM sqlite_master WHERE name = 'migrate_version'");
	v = x_query(f, sql);
	if (f->d == MG_DIALECT_POSTGRESQL)
		assert_string_equal(v, "migrate_version_pkc:character varying(255)");
	else if (f->d == MG_DIALECT_MYSQL)
		assert_string_equal(v, "version_num:varchar(255):PRI");
	else
		assert_non_null(strstr(v, "CONSTRAINT migrate_version_pkc PRIMARY KEY (version_num)"));
	free(v);

	{
		char t[128];
		x_qual(f, t, sizeof(t), "migrate_version_log");
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE direction = 'upgrade' AND finished_at IS NOT NULL "
			 "AND started_at IS NOT NULL AND db_user IS NOT NULL AND revision IN ('a', 'b')", t);
	}
	v = x_query(f, sql);
	assert_string_equal(v, "2");
	free(v);
}

/* A failure in the middle of a plan: what ran before stays, the failed
 * revision is rolled back (or recorded, where DDL cannot roll back), and
 * the message says where, what, and what the version table holds. */
static void test_exec_failure__mid_plan(void **state)
{
	xfx *f = x_get(state);
	char want[2048], path[4096];
	const char *server;

	x_trev(f, "p1", "");
	x_trev(f, "p2", "-- migrate:revises p1\n");
	x_rev(f, "p3", "-- migrate:revises p2\n", "CREATE TABLE t_p3 (id INTEGER);\n\nINSERT INTO nope\n  VALUES (1);",
	      "DROP TABLE t_p3;");
	x_load(f);
	snprintf(path, sizeof(path), "%s/versions/p3_r.sql", f->dir);

	assert_int_equal(x_up(f, "head"), MG_EDRIVER);
	server = f->d == MG_DIALECT_POSTGRESQL ? "relation \"nope\" does not exist"
	       : f->d == MG_DIALECT_MYSQL ? "__mysql__" : "no such table: nope (SQLite error 1)";
	if (f->d == MG_DIALECT_MYSQL) {
		char srv[256];
		snprintf(srv, sizeof(srv), "ERROR 1146 (42S02): Table '%s.nope' doesn't exist", f->name);
		/* The log table is quoted with backticks. */
		snprintf(want, sizeof(want),
			 "upgrade of revision 'p3' failed after 1 of 2 statements (recorded in %s.migrate_version_log; "
			 "MySQL cannot roll back DDL); the version table holds p2. Fix the statement and run the same "
			 "command again to resume at statement 2\n%s:8: %s\n    in statement: INSERT INTO nope ...",
			 f->name, path, srv);
	} else {
		snprintf(want, sizeof(want),
			 "upgrade of revision 'p3' failed and was rolled back; the version table holds p2\n"
			 "%s:8: %s\n    in statement: INSERT INTO nope ...", path, server);
	}
	assert_string_equal(f->err.msg, want);
	assert_rows(f, "p2");
	assert_tables(f, f->d == MG_DIALECT_MYSQL ? "t_p1,t_p2,t_p3" : "t_p1,t_p2");
}

/* ${schema} and -x placeholders; an unknown one names FILE:LINE. */
static void test_exec_placeholders__schema_and_x(void **state)
{
	xfx *f = x_get(state);
	const char *keys[] = { "color" }, *values[] = { "blue" };
	char sql[512], path[4096], want[4200], *v;

	x_rev(f, "ph", "", "CREATE TABLE ${schema}.t_ph (c VARCHAR(20) DEFAULT '${color}', n INTEGER);\n"
			   "INSERT INTO t_ph (n) VALUES (1);", "DROP TABLE ${schema}.t_ph;");
	x_load(f);
	assert_int_equal(x_up(f, "head"), MG_EINPUT);
	snprintf(path, sizeof(path), "%s/versions/ph_r.sql", f->dir);
	snprintf(want, sizeof(want), "%s:5: unknown placeholder '${color}' (define it with -x color=VALUE)", path);
	assert_string_equal(f->err.msg, want);
	assert_rows(f, "");

	f->o.placeholder_keys = keys;
	f->o.placeholder_values = values;
	f->o.nplaceholders = 1;
	assert_ok(f, x_up(f, "head"));
	assert_tables(f, "t_ph");
	if (f->d == MG_DIALECT_SQLITE)
		snprintf(sql, sizeof(sql), "SELECT c FROM t_ph");
	else
		snprintf(sql, sizeof(sql), "SELECT c FROM %s.t_ph", f->name);
	v = x_query(f, sql);
	assert_string_equal(v, "blue");
	free(v);
	assert_ok(f, x_down(f, "base"));
	assert_tables(f, "");
}

/* A revision id longer than an adopted Alembic table's varchar(32). */
static void test_exec_version_table__alembic_width(void **state)
{
	xfx *f = x_get(state);
	char sql[512], want[512];
	const char *long_id = "a123456789012345678901234567890123456789";

	if (f->d == MG_DIALECT_SQLITE)
		skip();
	f->o.version_table = "alembic_version";
	snprintf(sql, sizeof(sql), f->d == MG_DIALECT_POSTGRESQL ? "CREATE SCHEMA %s" : "CREATE DATABASE %s", f->name);
	x_exec(f, sql);
	snprintf(sql, sizeof(sql), "CREATE TABLE %s.alembic_version (version_num VARCHAR(32) NOT NULL, "
		 "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))", f->name);
	x_exec(f, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO %s.alembic_version VALUES ('s1')", f->name);
	x_exec(f, sql);
	x_trev(f, "s1", "");
	x_trev(f, "s2", "-- migrate:revises s1\n");
	{
		char hdr[128];
		snprintf(hdr, sizeof(hdr), "-- migrate:revises s2\n");
		x_rev(f, long_id, hdr, "CREATE TABLE t_long (id INTEGER);", "DROP TABLE t_long;");
	}
	x_load(f);
	assert_int_equal(x_up(f, "head"), MG_EINPUT);
	snprintf(want, sizeof(want), "revision id '%s' is 40 characters long but %s.alembic_version.version_num "
		 "holds at most 32; widen the column (ALTER TABLE) before upgrading", long_id, f->name);
	assert_string_equal(f->err.msg, want);
	snprintf(sql, sizeof(sql), "SELECT version_num FROM %s.alembic_version", f->name);
	{
		char *v = x_query(f, sql);
		assert_string_equal(v, "s1");
		free(v);
	}
	assert_tables(f, "");
	assert_ok(f, x_up(f, "s2"));
	{
		char *v = x_query(f, sql);
		assert_string_equal(v, "s2");
		free(v);
	}
	assert_tables(f, "t_s2");
}

/* --transaction all: one failure undoes the whole plan. */
static void test_exec_transaction__all(void **state)
{
	xfx *f = x_get(state);

	x_trev(f, "q1", "");
	x_trev(f, "q2", "-- migrate:revises q1\n");
	x_rev(f, "q3", "-- migrate:revises q2\n", "INSERT INTO nope VALUES (1);", "");
	x_load(f);
	f->o.transaction_all = 1;
	assert_int_equal(x_up(f, "head"), MG_EDRIVER);
	assert_non_null(strstr(f->err.msg, "upgrade of revision 'q3' failed and was rolled back with the whole plan; "
					   "the version table holds nothing (base)\n"));
	assert_rows(f, "");
	assert_tables(f, "");
	assert_ok(f, x_up(f, "q2"));
	assert_rows(f, "q2");
	assert_tables(f, "t_q1,t_q2");
}

/* The CLI in this case's folder: migrate.ini pointing at the case's
 * database and schema. */
static void x_ini(xfx *f, const char *extra)
{
	char text[2048];
	if (f->d == MG_DIALECT_SQLITE)
		snprintf(text, sizeof(text), "[migrate]\nversion_locations = %%(here)s/versions\n%s\n[db:t]\n"
			 "url = sqlite:///t.db\n", extra);
	else
		snprintf(text, sizeof(text), "[migrate]\nversion_locations = %%(here)s/versions\nschema = %s\n"
			 "version_table_schema = %s\n%s\n[db:t]\nurl = ${%s}\n", f->name, f->name, extra,
			 server_var(f->d));
	mg_test_write(f->dir, "migrate.ini", text);
}

/* Eight processes upgrade at once: each revision runs exactly once. */
static void test_exec_lock__concurrent_upgrades(void **state)
{
	xfx *f = x_get(state);
	const char *bin = getenv("MIGRATE_BIN");
	pid_t pids[8];
	char sql[256], *v;

	assert_non_null(bin);
	x_rev(f, "k1", "", "CREATE TABLE t_log (n INTEGER);\nINSERT INTO t_log VALUES (1);", "DROP TABLE t_log;");
	x_rev(f, "k2", "-- migrate:revises k1\n", "INSERT INTO t_log VALUES (2);", "DELETE FROM t_log WHERE n = 2;");
	x_rev(f, "k3", "-- migrate:revises k2\n", "INSERT INTO t_log VALUES (3);", "DELETE FROM t_log WHERE n = 3;");
	x_ini(f, "");
	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			if (chdir(f->dir) != 0)
				_exit(127);
			freopen("/dev/null", "w", stdout);
			execl(bin, bin, "-q", "upgrade", "head", (char *)NULL);
			_exit(127);
		}
	}
	for (int i = 0; i < 8; i++) {
		int status;
		waitpid(pids[i], &status, 0);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) || '/' || SUM(n) FROM %s%st_log",
		 f->d == MG_DIALECT_SQLITE ? "" : f->name, f->d == MG_DIALECT_SQLITE ? "" : ".");
	if (f->d == MG_DIALECT_MYSQL)
		snprintf(sql, sizeof(sql), "SELECT CONCAT(COUNT(*), '/', SUM(n)) FROM %s.t_log", f->name);
	v = x_query(f, sql);
	assert_string_equal(v, "3/6");
	free(v);
	assert_rows(f, "k3");
}

/* The lock name the CLI uses for this case. */
static void x_lock_name(xfx *f, char *out, size_t n)
{
	snprintf(out, n, "migrate:%s:%s:migrate_version", f->d == MG_DIALECT_SQLITE ? "t.db" : f->url.database,
		 f->d == MG_DIALECT_SQLITE ? "" : f->name);
}

/* --lock-timeout bounds the wait, and the waiting run says who holds it. */
static void test_exec_lock__timeout(void **state)
{
	xfx *f = x_get(state);
	char name[256], *out = NULL, *err = NULL;
	const char *args[] = { "upgrade", "head", "--lock-timeout", "1", NULL };
	mg_error e;

	x_trev(f, "w1", "");
	x_ini(f, "");
	x_lock_name(f, name, sizeof(name));
	mg_error_init(&e);
	assert_int_equal(mg_db_lock(f->db, name, 0, &e), MG_OK);
	assert_int_equal(mg_test_run(f->dir, &out, &err, args), 3);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "migrate: waiting for the migration lock: "));
	assert_non_null(strstr(err, "\nmigrate: could not obtain the migration lock"));
	if (f->d == MG_DIALECT_POSTGRESQL)
		assert_non_null(strstr(err, "held by"));
	free(out);
	free(err);
	assert_int_equal(mg_db_unlock(f->db, name, &e), MG_OK);
	assert_int_equal(mg_test_run(f->dir, &out, &err, args), 0);
	free(out);
	free(err);
	assert_rows(f, "w1");
}

/* Runs a CLI command and pipes its stdout (an offline script) into the
 * dialect's own client. */
static void x_offline(xfx *f, const char *const *args)
{
	char *out = NULL, *err = NULL, cmd[8192], path[4096];
	int rc = mg_test_run(f->dir, &out, &err, args);

	if (rc != 0)
		fail_msg("%s %s: exit %d: %s", args[0], args[1], rc, err);
	mg_test_write(f->dir, "offline.sql", out);
	snprintf(path, sizeof(path), "%s/offline.sql", f->dir);
	if (f->d == MG_DIALECT_SQLITE) {
		snprintf(cmd, sizeof(cmd), "sqlite3 -bail '%s/t.db' < '%s' > '%s.out' 2>&1", f->dir, path, path);
	} else if (f->d == MG_DIALECT_POSTGRESQL) {
		snprintf(cmd, sizeof(cmd), "psql -X -q -v ON_ERROR_STOP=1 -d \"$MIGRATE_TEST_PG_URL\" -f '%s' > '%s.out' 2>&1",
			 path, path);
	} else {
		setenv("MYSQL_PWD", f->url.password ? f->url.password : "", 1);
		snprintf(cmd, sizeof(cmd), "mariadb -h '%s' -P %d -u '%s' '%s' < '%s' > '%s.out' 2>&1", f->url.host,
			 f->url.port, f->url.user, f->url.database, path, path);
	}
	if (system(cmd) != 0) {
		char outpath[4200];
		snprintf(outpath, sizeof(outpath), "%s.out", path);
		fail_msg("the client refused the script of '%s %s':\n%s\n---\n%s", args[0], args[1],
			 mg_test_read(outpath), out);
	}
	free(out);
	free(err);
}

/* Offline scripts run by psql / mariadb / sqlite3 give what the online run gives. */
static void test_exec_offline__native_client(void **state)
{
	xfx *f = x_get(state);
	const char *up_head[] = { "upgrade", "head", "--sql", NULL };
	const char *down[] = { "downgrade", "l3:l1", "--sql", NULL };
	const char *up_range[] = { "upgrade", "l1:l2", "--sql", NULL };
	const char *stamp[] = { "stamp", "l2:l3", "--sql", NULL };
	char *rows_off, *tables_off;

	x_rev(f, "l1", "", "CREATE TABLE t_l1 (id INTEGER);\nINSERT INTO t_l1 VALUES (1);", "DROP TABLE t_l1;");
	x_trev(f, "l2", "-- migrate:revises l1\n");
	x_rev(f, "l3", "-- migrate:revises l2\n",
	      f->d == MG_DIALECT_SQLITE ? "CREATE TABLE t_l3 (id INTEGER);\nCREATE TRIGGER tr AFTER INSERT ON t_l3 BEGIN\n"
					  "  INSERT INTO t_l1 VALUES (NEW.id);\nEND;"
	      : f->d == MG_DIALECT_POSTGRESQL ? "CREATE TABLE t_l3 (id INTEGER);\nCREATE FUNCTION ${schema}.f3() RETURNS int "
					      "AS $$ SELECT 1; $$ LANGUAGE sql;"
	      : "CREATE TABLE t_l3 (id INTEGER);\nCREATE PROCEDURE p3() BEGIN SELECT 1; SELECT 2; END;",
	      f->d == MG_DIALECT_POSTGRESQL ? "DROP FUNCTION ${schema}.f3();\nDROP TABLE t_l3;"
	      : f->d == MG_DIALECT_MYSQL ? "DROP PROCEDURE p3;\nDROP TABLE t_l3;" : "DROP TABLE t_l3;");
	x_ini(f, "");
	x_load(f);

	x_offline(f, up_head);
	rows_off = x_rows(f);
	tables_off = x_tables(f);
	assert_string_equal(rows_off, "l3");
	assert_string_equal(tables_off, "t_l1,t_l2,t_l3");
	/* The online run reads the offline run's table, undoes and redoes it. */
	assert_ok(f, x_down(f, "base"));
	assert_rows(f, "");
	assert_tables(f, "");
	assert_ok(f, x_up(f, "head"));
	assert_rows(f, rows_off);
	assert_tables(f, tables_off);
	free(rows_off);
	free(tables_off);

	x_offline(f, down);
	assert_rows(f, "l1");
	assert_tables(f, "t_l1");
	x_offline(f, up_range);
	assert_rows(f, "l2");
	assert_tables(f, "t_l1,t_l2");
	x_offline(f, stamp);
	assert_rows(f, "l3");
	assert_tables(f, "t_l1,t_l2");
}

#define X_TESTS(d)                                                                              \
	cmocka_unit_test_prestate_setup_teardown(test_exec_branches__round_trip, x_setup, x_teardown, &d),        \
	cmocka_unit_test_prestate_setup_teardown(test_exec_stamp__branches_and_purge, x_setup, x_teardown, &d),   \
	cmocka_unit_test_prestate_setup_teardown(test_exec_version_table__unknown_revision, x_setup, x_teardown, &d), \
	cmocka_unit_test_prestate_setup_teardown(test_exec_version_table__layout, x_setup, x_teardown, &d),      \
	cmocka_unit_test_prestate_setup_teardown(test_exec_failure__mid_plan, x_setup, x_teardown, &d),          \
	cmocka_unit_test_prestate_setup_teardown(test_exec_placeholders__schema_and_x, x_setup, x_teardown, &d), \
	cmocka_unit_test_prestate_setup_teardown(test_exec_lock__concurrent_upgrades, x_setup, x_teardown, &d),  \
	cmocka_unit_test_prestate_setup_teardown(test_exec_lock__timeout, x_setup, x_teardown, &d),              \
	cmocka_unit_test_prestate_setup_teardown(test_exec_offline__native_client, x_setup, x_teardown, &d)

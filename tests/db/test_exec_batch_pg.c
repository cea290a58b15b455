/*
 * The executor on PostgreSQL sends a transactional step in one round trip
 * (mg_db_exec_batch): plans both ways, failures reported and rolled back as
 * statement by statement, --transaction all, statements a pipeline could
 * take differently (notices, DO, $1 in bodies, BEGIN ATOMIC, PREPARE),
 * COPY, thousands of statements, and the round trips themselves, counted
 * in libpq's protocol trace (MIGRATE_PG_TRACE).
 */
#include "test_exec_common.h"
#include "util/buf.h"

static mg_dialect dialect = MG_DIALECT_POSTGRESQL;

/* This case's log table, as "rev:direction:finished" rows in order. */
static char *x_log(xfx *f)
{
	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT string_agg(revision || ':' || direction || ':' || "
		 "(finished_at IS NOT NULL AND finished_at >= started_at)::text, ',' ORDER BY id) "
		 "FROM %s.migrate_version_log", f->name);
	return x_query(f, sql);
}

#define assert_query(f, sql, want)                    \
	do {                                          \
		char *got_ = x_query(f, sql);         \
		assert_string_equal(got_, want);      \
		free(got_);                           \
	} while (0)

/* Reopens the case's connection with libpq's trace going to path. */
static void x_trace(xfx *f, char *path, size_t n)
{
	snprintf(path, n, "%s/trace", f->dir);
	setenv("MIGRATE_PG_TRACE", path, 1);
	mg_db_close(f->db);
	x_open(f);
	unsetenv("MIGRATE_PG_TRACE");
}

/* A revision of three statements (table t_<id>, two rows). */
static void x_rev3(xfx *f, const char *id, const char *header)
{
	char up[256], down[128];
	snprintf(up, sizeof(up), "CREATE TABLE t_%s (id INTEGER PRIMARY KEY);\nINSERT INTO t_%s VALUES (1);\n"
		 "INSERT INTO t_%s VALUES (2);", id, id, id);
	snprintf(down, sizeof(down), "DROP TABLE t_%s;", id);
	x_rev(f, id, header, up, down);
}

static void test_exec_batch__three_revisions(void **state)
{
	xfx *f = x_get(state);
	char sql[256];

	x_rev(f, "b1", "", "CREATE TABLE t_b1 (id INTEGER PRIMARY KEY);\nINSERT INTO t_b1 VALUES (1);\n"
		  "INSERT INTO t_b1 VALUES (2);", "DROP TABLE t_b1;");
	x_rev(f, "b2", "-- migrate:revises b1\n", "CREATE TABLE t_b2 (id INTEGER REFERENCES t_b1);\n"
		  "INSERT INTO t_b2 VALUES (1);\nCREATE INDEX ix_b2 ON t_b2 (id);", "DROP INDEX ix_b2;\nDROP TABLE t_b2;");
	x_rev(f, "b3", "-- migrate:revises b2\n", "CREATE TABLE t_b3 (n TEXT);\n"
		  "INSERT INTO t_b3 SELECT 'x' || id FROM t_b2;\nALTER TABLE t_b3 ADD COLUMN m INTEGER DEFAULT 7;",
	      "DROP TABLE t_b3;");
	x_load(f);

	assert_ok(f, x_up(f, "head"));
	assert_rows(f, "b3");
	assert_tables(f, "t_b1,t_b2,t_b3");
	snprintf(sql, sizeof(sql), "SELECT n || ':' || m FROM %s.t_b3", f->name);
	assert_query(f, sql, "x1:7");
	{
		char *log = x_log(f);
		assert_string_equal(log, "b1:upgrade:true,b2:upgrade:true,b3:upgrade:true");
		free(log);
	}
	assert_ok(f, x_down(f, "b1"));
	assert_rows(f, "b1");
	assert_tables(f, "t_b1");
	assert_ok(f, x_down(f, "base"));
	assert_rows(f, "");
	assert_tables(f, "");
	{
		char *log = x_log(f);
		assert_string_equal(log, "b1:upgrade:true,b2:upgrade:true,b3:upgrade:true,"
					 "b3:downgrade:true,b2:downgrade:true,b1:downgrade:true");
		free(log);
	}
	assert_query(f, "SELECT (current_user = session_user)::text", "true");
}

/* The middle statement of a revision fails: exit 3, its file:line and
 * text, nothing of the revision left, the version table at the revision
 * before; once the file is fixed the same command finishes the plan. */
static void test_exec_batch__failing_middle_statement(void **state)
{
	xfx *f = x_get(state);
	const char *args[] = { "-q", "upgrade", "head", NULL };
	char *out = NULL, *err = NULL, want[4400], sql[256];

	x_rev3(f, "m1", "");
	x_rev(f, "m2", "-- migrate:revises m1\n", "CREATE TABLE t_m2 (id INTEGER);\nINSERT INTO t_m2 VALUES (1);\n"
		  "INSERT INTO nope\n  VALUES (1);\nCREATE TABLE t_m2b (id INTEGER);", "DROP TABLE t_m2b;\nDROP TABLE t_m2;");
	x_rev3(f, "m3", "-- migrate:revises m2\n");
	x_ini(f, "");

	assert_int_equal(mg_test_run(f->dir, &out, &err, args), 3);
	snprintf(want, sizeof(want), "migrate: upgrade of revision 'm2' failed and was rolled back; the version table holds m1\n"
		 "%s/versions/m2_r.sql:8: relation \"nope\" does not exist\n    in statement: INSERT INTO nope ...\n", f->dir);
	assert_string_equal(err, want);
	assert_string_equal(out, "");
	free(out);
	free(err);
	assert_rows(f, "m1");
	assert_tables(f, "t_m1");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.migrate_version_log WHERE revision <> 'm1'", f->name);
	assert_query(f, sql, "0");

	x_rev(f, "m2", "-- migrate:revises m1\n", "CREATE TABLE t_m2 (id INTEGER);\nINSERT INTO t_m2 VALUES (1);\n"
		  "INSERT INTO t_m2\n  VALUES (2);\nCREATE TABLE t_m2b (id INTEGER);", "DROP TABLE t_m2b;\nDROP TABLE t_m2;");
	assert_int_equal(mg_test_run(f->dir, &out, &err, args), 0);
	assert_string_equal(err, "");
	free(out);
	free(err);
	assert_rows(f, "m3");
	assert_tables(f, "t_m1,t_m2,t_m2b,t_m3");
	snprintf(sql, sizeof(sql), "SELECT sum(id)::text FROM %s.t_m2", f->name);
	assert_query(f, sql, "3");
}

/* --transaction all: every step a batch inside the one transaction; a
 * failure in the third undoes all three, also one found before its batch
 * is sent. */
static void test_exec_batch__transaction_all(void **state)
{
	xfx *f = x_get(state);
	char want[4400];

	x_rev3(f, "q1", "");
	x_rev3(f, "q2", "-- migrate:revises q1\n");
	x_rev(f, "q3", "-- migrate:revises q2\n", "CREATE TABLE t_q3 (id INTEGER);\nINSERT INTO nope VALUES (1);\n"
		  "INSERT INTO t_q3 VALUES (1);", "DROP TABLE t_q3;");
	x_load(f);
	f->o.transaction_all = 1;
	assert_int_equal(x_up(f, "head"), MG_EDRIVER);
	snprintf(want, sizeof(want), "upgrade of revision 'q3' failed and was rolled back with the whole plan; "
		 "the version table holds nothing (base)\n%s/versions/q3_r.sql:7: relation \"nope\" does not exist\n"
		 "    in statement: INSERT INTO nope VALUES (1)", f->dir);
	assert_string_equal(f->err.msg, want);
	assert_string_equal(f->err.sqlstate, "42P01");
	assert_rows(f, "");
	assert_tables(f, "");

	/* A step refused before its queue goes out still undoes the plan. */
	x_rev3(f, "q3", "-- migrate:revises q2\n-- migrate:role su\n");
	x_load(f);
	assert_int_equal(x_up(f, "head"), MG_EINPUT);
	snprintf(want, sizeof(want), "upgrade of revision 'q3' failed and was rolled back with the whole plan; "
		 "the version table holds nothing (base)\n%s/versions/q3_r.sql: revision 'q3' runs as 'role su' but "
		 "the database has no su_role configured", f->dir);
	assert_string_equal(f->err.msg, want);
	assert_rows(f, "");
	assert_tables(f, "");

	x_rev3(f, "q3", "-- migrate:revises q2\n");
	x_load(f);
	assert_ok(f, x_up(f, "head"));
	assert_rows(f, "q3");
	assert_tables(f, "t_q1,t_q2,t_q3");
	assert_ok(f, x_down(f, "base"));
	assert_rows(f, "");
	assert_tables(f, "");
}

/* What the extended protocol of a pipeline could take otherwise than a
 * simple query: notices, DO blocks, $1 in function bodies (SQL, PL/pgSQL,
 * BEGIN ATOMIC) and in PREPARE, an empty-looking statement. */
static void test_exec_batch__special_statements(void **state)
{
	xfx *f = x_get(state);
	char sql[256];

	x_rev(f, "s1", "",
	      "DO $$ BEGIN RAISE NOTICE 'from a batch'; END $$;\n"
	      "DROP TABLE IF EXISTS t_absent;\n"
	      "CREATE FUNCTION ${schema}.add1(integer) RETURNS integer AS $$ SELECT $1 + 1 $$ LANGUAGE sql;\n"
	      "CREATE FUNCTION ${schema}.add2(integer) RETURNS integer LANGUAGE plpgsql AS $body$\n"
	      "BEGIN\n  RETURN $1 + 2;\nEND\n$body$;\n"
	      "CREATE FUNCTION ${schema}.add3(integer) RETURNS integer LANGUAGE sql\n"
	      "BEGIN ATOMIC\n  SELECT $1 + 3;\nEND;\n"
	      "CREATE TABLE t_sp (n INTEGER, note TEXT DEFAULT 'a;b');\n"
	      "INSERT INTO t_sp (n) VALUES (${schema}.add1(1)), (${schema}.add2(1)), (${schema}.add3(1));\n"
	      "PREPARE p_sp(integer) AS INSERT INTO t_sp (n) VALUES ($1 * 10);\n"
	      "EXECUTE p_sp(1);\n"
	      "DEALLOCATE p_sp;\n"
	      "DO $$\nBEGIN\n  IF (SELECT sum(n) FROM t_sp) <> 19 THEN\n    RAISE EXCEPTION 'sum %', (SELECT sum(n) FROM t_sp);\n"
	      "  END IF;\nEND\n$$;",
	      "DROP TABLE t_sp;\nDROP FUNCTION ${schema}.add3(integer);\nDROP FUNCTION ${schema}.add2(integer);\n"
	      "DROP FUNCTION ${schema}.add1(integer);");
	x_load(f);
	assert_ok(f, x_up(f, "head"));
	assert_rows(f, "s1");
	snprintf(sql, sizeof(sql), "SELECT string_agg(n || note, ',' ORDER BY n) FROM %s.t_sp", f->name);
	assert_query(f, sql, "2a;b,3a;b,4a;b,10a;b");
	snprintf(sql, sizeof(sql), "SELECT %s.add1(10) || ',' || %s.add2(10) || ',' || %s.add3(10)", f->name, f->name,
		 f->name);
	assert_query(f, sql, "11,12,13");
	assert_ok(f, x_down(f, "base"));
	assert_rows(f, "");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
		 "WHERE n.nspname = '%s'", f->name);
	assert_query(f, sql, "0");
}

/* COPY FROM STDIN is refused with the message it always had, the
 * revision is rolled back and the session goes on. */
static void test_exec_batch__copy_refused(void **state)
{
	xfx *f = x_get(state);
	char want[4400];

	x_rev3(f, "c0", "");
	x_rev(f, "c1", "-- migrate:revises c0\n", "CREATE TABLE t_c1 (id INTEGER);\nINSERT INTO t_c1 VALUES (1);\n"
		  "COPY t_c1 FROM STDIN;\nINSERT INTO t_c1 VALUES (2);", "DROP TABLE t_c1;");
	x_load(f);
	assert_int_equal(x_up(f, "head"), MG_EDRIVER);
	snprintf(want, sizeof(want), "upgrade of revision 'c1' failed and was rolled back; the version table holds c0\n"
		 "%s/versions/c1_r.sql:8: COPY FROM STDIN / TO STDOUT is not supported in migrations; "
		 "use INSERT or COPY with a server file\n    in statement: COPY t_c1 FROM STDIN", f->dir);
	assert_string_equal(f->err.msg, want);
	assert_rows(f, "c0");
	assert_tables(f, "t_c0");
	assert_query(f, "SELECT 'usable'", "usable");

	x_rev(f, "c1", "-- migrate:revises c0\n", "CREATE TABLE t_c1 (id INTEGER);\nINSERT INTO t_c1 VALUES (1);\n"
		  "INSERT INTO t_c1 VALUES (2);", "DROP TABLE t_c1;");
	x_load(f);
	assert_ok(f, x_up(f, "head"));
	assert_rows(f, "c1");
	assert_tables(f, "t_c0,t_c1");
}

/* One revision of 7,000 statements (5,000 INSERTs, 2,000 SELECTs of 2 kB
 * results): far more than the socket buffers hold either way. The alarm
 * turns a hang into a failure. */
static void test_exec_batch__thousands_of_statements(void **state)
{
	xfx *f = x_get(state);
	mg_buf up = MG_BUF_INIT;
	char sql[256];

	mg_buf_puts(&up, "CREATE TABLE t_many (n INTEGER, pad TEXT);\n");
	for (int i = 1; i <= 5000; i++) {
		mg_buf_printf(&up, "INSERT INTO t_many VALUES (%d, repeat('y', 100));\n", i);
		if (i % 5 == 0 || i % 5 == 2)
			mg_buf_printf(&up, "SELECT repeat('x', 2000) AS r%d;\n", i);
	}
	x_rev(f, "t1", "", up.ptr, "DROP TABLE t_many;");
	mg_buf_release(&up);
	x_load(f);
	alarm(240);
	assert_ok(f, x_up(f, "head"));
	alarm(0);
	assert_rows(f, "t1");
	snprintf(sql, sizeof(sql), "SELECT count(*) || '/' || sum(n) FROM %s.t_many", f->name);
	assert_query(f, sql, "5000/12502500");
	assert_ok(f, x_down(f, "base"));
	assert_tables(f, "");
}

/*
 * The point of it all: each transactional revision costs one round trip,
 * whatever its number of statements. Plans of one and of four revisions
 * (three statements each) differ by exactly three round trips, up and
 * down, alone and inside --transaction all; statement by statement it
 * would be 3 x 8.
 */
static void test_exec_batch__one_round_trip_per_revision(void **state)
{
	xfx *f = x_get(state);
	char trace[4200];
	long t0, t1, t2;

	x_rev3(f, "r1", "");
	x_rev3(f, "r2", "-- migrate:revises r1\n");
	x_rev3(f, "r3", "-- migrate:revises r2\n");
	x_rev3(f, "r4", "-- migrate:revises r3\n");
	x_rev3(f, "r5", "-- migrate:revises r4\n");
	x_load(f);
	x_trace(f, trace, sizeof(trace));
	/* The first run also creates the schema and the tables. */
	assert_ok(f, x_up(f, "r1"));
	assert_ok(f, x_down(f, "base"));
	for (int all = 0; all <= 1; all++) {
		f->o.transaction_all = all;
		t0 = mg_test_pg_round_trips(trace);
		assert_ok(f, x_up(f, "r1"));
		t1 = mg_test_pg_round_trips(trace);
		assert_ok(f, x_up(f, "head"));
		t2 = mg_test_pg_round_trips(trace);
		assert_int_equal((t2 - t1) - (t1 - t0), 3);
		assert_rows(f, "r5");

		t0 = mg_test_pg_round_trips(trace);
		assert_ok(f, x_down(f, "r4"));
		t1 = mg_test_pg_round_trips(trace);
		assert_ok(f, x_down(f, "base"));
		t2 = mg_test_pg_round_trips(trace);
		assert_int_equal((t2 - t1) - (t1 - t0), 3);
		assert_rows(f, "");
		assert_tables(f, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(test_exec_batch__three_revisions, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_batch__failing_middle_statement, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_batch__transaction_all, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_batch__special_statements, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_batch__copy_refused, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_batch__thousands_of_statements, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_batch__one_round_trip_per_revision, x_setup, x_teardown, &dialect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

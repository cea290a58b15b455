/*
 * The executor on PostgreSQL (MIGRATE_TEST_PG_URL): the shared cases of
 * test_exec_common.h, each in its own schema, plus what only PostgreSQL
 * has: --transaction all, `transactional false` with CREATE INDEX
 * CONCURRENTLY, `role NAME` / `role su`, an adopted varchar(32) table.
 */
#include "test_exec_common.h"

static mg_dialect dialect = MG_DIALECT_POSTGRESQL;

static void test_exec_transactional__false_concurrently(void **state)
{
	xfx *f = x_get(state);
	char sql[256], *v;

	x_trev(f, "n1", "");
	x_rev(f, "n2", "-- migrate:revises n1\n-- migrate:transactional false\n",
	      "CREATE INDEX CONCURRENTLY ix_n1 ON t_n1 (id);", "DROP INDEX CONCURRENTLY ix_n1;");
	x_load(f);
	assert_ok(f, x_up(f, "head"));
	assert_rows(f, "n2");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_indexes WHERE schemaname = '%s' AND indexname = 'ix_n1'",
		 f->name);
	v = x_query(f, sql);
	assert_string_equal(v, "1");
	free(v);
	/* Inside --transaction all it cannot run: refused before anything runs. */
	assert_ok(f, x_down(f, "n1"));
	f->o.transaction_all = 1;
	assert_int_equal(x_up(f, "head"), MG_EUSAGE);
	assert_string_equal(f->err.msg, "--transaction all cannot include revision 'n2': it is marked 'transactional false'");
	assert_rows(f, "n1");
	f->o.transaction_all = 0;
	assert_ok(f, x_down(f, "base"));
	assert_tables(f, "");
}

/* `role NAME` and `role su`: the revision's objects belong to the role,
 * and the session is back to its own user afterwards. */
static void test_exec_role__set_and_reset(void **state)
{
	xfx *f = x_get(state);
	char sql[512], role[80], su[80], hdr[128], *v;

	snprintf(role, sizeof(role), "%s_app", f->name);
	snprintf(su, sizeof(su), "%s_su", f->name);
	snprintf(sql, sizeof(sql), "CREATE ROLE %s NOLOGIN", role);
	x_exec(f, sql);
	snprintf(sql, sizeof(sql), "CREATE ROLE %s NOLOGIN", su);
	x_exec(f, sql);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->name);
	x_exec(f, sql);
	snprintf(sql, sizeof(sql), "GRANT CREATE, USAGE ON SCHEMA %s TO %s, %s", f->name, role, su);
	x_exec(f, sql);

	snprintf(hdr, sizeof(hdr), "-- migrate:role %s\n", role);
	x_trev(f, "r1", hdr);
	x_trev(f, "r2", "-- migrate:revises r1\n-- migrate:role su\n");
	x_load(f);
	assert_int_equal(x_up(f, "head"), MG_EINPUT);
	{
		char want[4200];
		snprintf(want, sizeof(want), "upgrade of revision 'r2' failed and was rolled back; the version table holds r1\n"
			 "%s/versions/r2_r.sql: revision 'r2' runs as 'role su' but the database "
			 "has no su_role configured", f->dir);
		assert_string_equal(f->err.msg, want);
	}
	assert_rows(f, "r1");
	f->o.su_role = su;
	assert_ok(f, x_up(f, "head"));
	assert_rows(f, "r2");
	snprintf(sql, sizeof(sql), "SELECT string_agg(tablename || ':' || tableowner, ',' ORDER BY tablename) "
		 "FROM pg_tables WHERE schemaname = '%s' AND tablename LIKE 't%%'", f->name);
	v = x_query(f, sql);
	{
		char want[256];
		snprintf(want, sizeof(want), "t_r1:%s,t_r2:%s", role, su);
		assert_string_equal(v, want);
	}
	free(v);
	v = x_query(f, "SELECT (current_user = session_user)::text");
	assert_string_equal(v, "true");
	free(v);
	assert_ok(f, x_down(f, "base"));
	assert_tables(f, "");
	v = x_query(f, "SELECT (current_user = session_user)::text");
	assert_string_equal(v, "true");
	free(v);

	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->name);
	x_exec(f, sql);
	snprintf(sql, sizeof(sql), "DROP ROLE %s", role);
	x_exec(f, sql);
	snprintf(sql, sizeof(sql), "DROP ROLE %s", su);
	x_exec(f, sql);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		X_TESTS(dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_transaction__all, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_version_table__alembic_width, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_transactional__false_concurrently, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_role__set_and_reset, x_setup, x_teardown, &dialect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The executor on MySQL/MariaDB (MIGRATE_TEST_MYSQL_URL): the shared cases
 * of test_exec_common.h, each in its own database, plus an adopted
 * varchar(32) table and the statement-level resume that DDL without
 * transactions needs.
 */
#include "test_exec_common.h"

static mg_dialect dialect = MG_DIALECT_MYSQL;

static const char *m2_ok = "CREATE TABLE t_ma (id INTEGER);\nCREATE TABLE t_mb (id INTEGER);\nCREATE TABLE t_mc (id INTEGER);";

/* A failed statement: recorded progress, `current` names the half-applied
 * revision, an edit of a statement that ran is refused, and the fixed file
 * resumes at the failed statement. */
static void test_exec_resume__failed_statement(void **state)
{
	xfx *f = x_get(state);
	const char *cur[] = { "current", NULL };
	char *out = NULL, *err = NULL, want[4200], sql[256], *v;
	mg_revlist heads = MG_REVLIST_INIT;
	mg_exec_partial partial;

	x_trev(f, "m1", "");
	x_rev(f, "m2", "-- migrate:revises m1\n",
	      "CREATE TABLE t_ma (id INTEGER);\nINSERT INTO nope VALUES (1);\nCREATE TABLE t_mc (id INTEGER);",
	      "DROP TABLE t_mc;\nDROP TABLE t_mb;\nDROP TABLE t_ma;");
	x_ini(f, "");
	x_load(f);
	assert_int_equal(x_up(f, "head"), MG_EDRIVER);
	assert_rows(f, "m1");
	assert_tables(f, "t_m1,t_ma");

	mg_error_init(&f->err);
	assert_ok(f, mg_exec_current(f->db, f->g, &f->o, &heads, &partial, &f->err));
	assert_int_equal(heads.len, 1);
	assert_string_equal(heads.items[0]->id, "m1");
	assert_non_null(partial.rev);
	assert_string_equal(partial.rev->id, "m2");
	assert_int_equal(partial.upgrade, 1);
	assert_int_equal(partial.statements_done, 1);
	mg_revlist_release(&heads);

	assert_int_equal(mg_test_run(f->dir, &out, &err, cur), 0);
	assert_string_equal(out, "m1\n"
				 "upgrade of m2 is half-applied: 1 statement ran and is recorded.\n"
				 "  Fix the failing statement and run 'migrate upgrade m2' to finish it, or undo\n"
				 "  what ran by hand and run 'migrate stamp m1' to settle the version table.\n");
	free(out);
	free(err);

	/* Editing the statement that already ran is refused. */
	x_rev(f, "m2", "-- migrate:revises m1\n",
	      "CREATE TABLE t_ma (id BIGINT);\nCREATE TABLE t_mb (id INTEGER);\nCREATE TABLE t_mc (id INTEGER);",
	      "DROP TABLE t_mc;\nDROP TABLE t_mb;\nDROP TABLE t_ma;");
	x_load(f);
	assert_int_equal(x_up(f, "head"), MG_EINPUT);
	snprintf(want, sizeof(want), "%s/versions/m2_r.sql:6: statement 1 of revision 'm2' already ran and has been "
		 "edited since; restore it (only statements that have not run may change)", f->dir);
	assert_string_equal(f->err.msg, want);
	assert_rows(f, "m1");

	/* Fixed: resumes at the failed statement (t_ma is not created twice). */
	x_rev(f, "m2", "-- migrate:revises m1\n", m2_ok, "DROP TABLE t_mc;\nDROP TABLE t_mb;\nDROP TABLE t_ma;");
	x_load(f);
	assert_ok(f, x_up(f, "head"));
	assert_rows(f, "m2");
	assert_tables(f, "t_m1,t_ma,t_mb,t_mc");
	snprintf(sql, sizeof(sql), "SELECT CONCAT(COUNT(*), ':', MAX(statements_done)) FROM %s.migrate_version_log "
		 "WHERE revision = 'm2' AND finished_at IS NOT NULL", f->name);
	v = x_query(f, sql);
	assert_string_equal(v, "1:3");
	free(v);
	mg_error_init(&f->err);
	assert_ok(f, mg_exec_current(f->db, f->g, &f->o, &heads, &partial, &f->err));
	assert_null(partial.rev);
	mg_revlist_release(&heads);
	assert_ok(f, x_down(f, "base"));
	assert_tables(f, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		X_TESTS(dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_version_table__alembic_width, x_setup, x_teardown, &dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_resume__failed_statement, x_setup, x_teardown, &dialect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

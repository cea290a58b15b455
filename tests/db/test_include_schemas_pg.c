/*
 * include_schemas on PostgreSQL: the shared cases (test_include_schemas_common.h),
 * the other object kinds of an included schema, and SQLite's refusal.
 */
#include "test_include_schemas_common.h"

/* An enum, a sequence, a function whose body names ${schema}, a trigger and
 * a comment in the included schema, and a configured-schema view over it:
 * generated against A, applied to B, clean there. */
static void test_include_pg__object_kinds(void **state)
{
	mg_test_project *f = *state;
	inc_names n;
	char *text;

	inc_names_init(f, &n);
	inc_ini(f, n.audit, NULL);
	write_models(f,
		     "CREATE TABLE users (id int PRIMARY KEY, name text);\n"
		     "CREATE TYPE %s.level AS ENUM ('info', 'warn');\n"
		     "CREATE SEQUENCE %s.counter;\n"
		     "CREATE TABLE \"%s\".%s (id bigserial PRIMARY KEY, user_id int REFERENCES users (id),\n"
		     "  lvl %s.level NOT NULL DEFAULT 'info', who text);\n"
		     "COMMENT ON TABLE %s.%s IS 'audit trail';\n"
		     "CREATE INDEX %s_user ON %s.%s (user_id);\n"
		     "CREATE FUNCTION %s.stamp() RETURNS trigger LANGUAGE plpgsql AS $$\n"
		     "BEGIN NEW.who := (SELECT name FROM ${schema}.users WHERE id = NEW.user_id); RETURN NEW; END $$;\n"
		     "CREATE TRIGGER stamp BEFORE INSERT ON %s.%s FOR EACH ROW EXECUTE FUNCTION %s.stamp();\n"
		     "CREATE VIEW user_levels AS SELECT u.id, l.lvl FROM users u JOIN %s.%s l ON l.user_id = u.id;\n",
		     n.audit, n.audit, n.audit, n.log, n.audit, n.audit, n.log, n.log, n.audit, n.log, n.audit, n.audit,
		     n.log, n.audit, n.audit, n.log);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--verify", "-m", "kinds");
	text = newest_revision(f);
	assert_null(strstr(text, n.a));
	assert_null(strstr(text, "migrate_scratch_"));
	/* The body keeps naming the configured schema by placeholder. */
	assert_non_null(strstr(text, "FROM ${schema}.users"));
	free(text);
	mg_test_ns_create(f->db, f->d, n.b, NULL);
	use_schema(f, n.b);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	expect_check_ok(f, "in the other schema");
	{
		mg_buf sql = MG_BUF_INIT;
		char *who;
		mg_buf_printf(&sql, "INSERT INTO %s.users VALUES (7, 'ann');\nINSERT INTO %s.%s (user_id) VALUES (7);\n",
			      n.b, n.audit, n.log);
		mg_test_exec_ok(f->db, sql.ptr);
		mg_buf_clear(&sql);
		mg_buf_printf(&sql, "SELECT who FROM %s.%s", n.audit, n.log);
		who = mg_test_query1(f->db, sql.ptr);
		/* The trigger found the user in B, the schema it ran in. */
		assert_string_equal(who, "ann");
		free(who);
		mg_buf_clear(&sql);
		mg_buf_printf(&sql, "DELETE FROM %s.%s", n.audit, n.log);
		mg_test_exec1_ok(f->db, sql.ptr);
		mg_buf_release(&sql);
	}
	mg_test_migrate_ok(f->dir, "downgrade", "base");
	assert_int_equal(mg_test_count_tables(f->db, n.audit), 0);
	use_schema(f, n.a);
}

static int setup(void **state)
{
	return inc_setup(MG_DIALECT_POSTGRESQL, state);
}

static int sqlite_setup(void **state)
{
	return mg_test_project_setup(state, MG_DIALECT_SQLITE, "incs", 0, "include_schemas = audit\n");
}

/* SQLite has no schemas to include: the comparing commands refuse. */
static void test_include_sqlite__refused(void **state)
{
	mg_test_project *f = *state;
	char *out, *err;
	int st;

	mg_test_write(f->dir, "models.sql", "CREATE TABLE t (id int);\n");
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	assert_int_equal(st, 2);
	assert_string_equal(err, "migrate: include_schemas is not supported on SQLite: a SQLite database has no "
				 "other schemas to compare; remove it from migrate.ini\n");
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		INC_TESTS(setup, inc_teardown),
		cmocka_unit_test_setup_teardown(test_include_pg__object_kinds, setup, inc_teardown),
		cmocka_unit_test_setup_teardown(test_include_sqlite__refused, sqlite_setup, mg_test_project_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * View renames and DS105 on MySQL/MariaDB (cases in
 * test_rename_objects_common.h), each case in its own database. MySQL
 * renames a view with RENAME TABLE but leaves what names it naming the old
 * name: the rename replaces the reading views and recreates the triggers.
 */
#include "test_rename_objects_common.h"

/* A trigger on users whose body reads the view. */
static const char *ro_triggers(const char *v)
{
	static char text[512];
	snprintf(text, sizeof(text),
		 "CREATE TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW\n"
		 "    INSERT INTO log (n) SELECT COUNT(*) FROM %s;\n",
		 v);
	return text;
}

/* The trigger logs how many active users the view shows. */
static void ro_trigger_works(mg_test_project *f, const char *v, int id)
{
	char sql[256], want[256];

	snprintf(sql, sizeof(sql), "INSERT INTO users (id, name, active) VALUES (%d, 'u%d', 1)", id, id);
	mg_test_exec1_ok(f->db, sql);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", v);
	snprintf(want, sizeof(want), "%s", ro_value(f, sql));
	assert_string_equal(ro_value(f, "SELECT MAX(n) FROM log"), want);
}

static int setup(void **state)
{
	ro_rename_sql = "RENAME TABLE current_users TO active_users;";
	return ro_setup(MG_DIALECT_MYSQL, state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RO_TESTS(setup, mg_test_project_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * View renames and DS105 on SQLite (cases in test_rename_objects_common.h).
 * SQLite has no view rename: the rename drops the view and creates it
 * under the new name, and with it the views and triggers naming it and the
 * triggers on those views (DROP VIEW takes a view's triggers along).
 */
#include "test_rename_objects_common.h"

/* An INSTEAD OF trigger on the view, one on user_names (which reads it),
 * and a trigger on users whose body reads the view. */
static const char *ro_triggers(const char *v)
{
	static char text[1024];
	snprintf(text, sizeof(text),
		 "CREATE TRIGGER view_insert INSTEAD OF INSERT ON %s BEGIN\n"
		 "    INSERT INTO users (id, name, active) VALUES (NEW.id, NEW.name, 1);\n"
		 "END;\n"
		 "CREATE TRIGGER names_insert INSTEAD OF INSERT ON user_names BEGIN\n"
		 "    INSERT INTO users (id, name, active) VALUES (100 + (SELECT COUNT(*) FROM users), NEW.name, 1);\n"
		 "END;\n"
		 "CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN\n"
		 "    INSERT INTO log (n) SELECT COUNT(*) FROM %s;\n"
		 "END;\n",
		 v, v);
	return text;
}

/* Rows go in through the view and through user_names, and the trigger on
 * users logs what the view shows. */
static void ro_trigger_works(mg_test_project *f, const char *v, int id)
{
	char sql[256], want[256];

	snprintf(sql, sizeof(sql), "INSERT INTO %s (id, name) VALUES (%d, 'u%d')", v, id, id);
	mg_test_exec1_ok(f->db, sql);
	snprintf(sql, sizeof(sql), "SELECT name FROM users WHERE id = %d", id);
	snprintf(want, sizeof(want), "u%d", id);
	assert_string_equal(ro_value(f, sql), want);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", v);
	snprintf(want, sizeof(want), "%s", ro_value(f, sql));
	assert_string_equal(ro_value(f, "SELECT MAX(n) FROM log"), want);
	mg_test_exec1_ok(f->db, "INSERT INTO user_names (name) VALUES ('through names')");
	assert_string_equal(ro_value(f, "SELECT COUNT(*) FROM users WHERE name = 'through names'"), "1");
	mg_test_exec1_ok(f->db, "DELETE FROM users WHERE name = 'through names'");
}

static int setup(void **state)
{
	ro_rename_sql = "DROP VIEW current_users;\n\nCREATE VIEW active_users AS SELECT id, name FROM users WHERE active = 1;";
	return ro_setup(MG_DIALECT_SQLITE, state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RO_TESTS(setup, mg_test_project_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

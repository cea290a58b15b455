/*
 * Renames, destructive codes, exclude and --verify on SQLite (cases in
 * test_rename_common.h).
 */
#include "test_rename_common.h"

static int setup(void **state)
{
	rn_int = "INTEGER";
	rn_text = "TEXT";
	rn_short = "VARCHAR(40)";
	rn_long = "VARCHAR(400)";
	rn_wide = "TEXT";    /* SQLite narrows by affinity only */
	rn_narrow = "INTEGER";
	return rn_setup(MG_DIALECT_SQLITE, state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rename__hinted_keep_rows, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_rename__unhinted_proposals, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_destructive__codes, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_destructive__narrowing, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_destructive__exclude, setup, mg_test_project_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

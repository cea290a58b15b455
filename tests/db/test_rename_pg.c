/*
 * Renames, destructive codes, exclude and --verify on PostgreSQL (cases in
 * test_rename_common.h), each case in its own schema.
 */
#include "test_rename_common.h"

static int setup(void **state)
{
	rn_int = "integer";
	rn_text = "text";
	rn_short = "varchar(40)";
	rn_long = "varchar(400)";
	rn_wide = "bigint";
	rn_narrow = "integer";
	return rn_setup(MG_DIALECT_POSTGRESQL, state);
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

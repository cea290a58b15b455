/*
 * The executor on SQLite: the shared cases of test_exec_common.h against a
 * file in a temporary folder, and --transaction all.
 */
#include "test_exec_common.h"

static mg_dialect dialect = MG_DIALECT_SQLITE;

int main(void)
{
	const struct CMUnitTest tests[] = {
		X_TESTS(dialect),
		cmocka_unit_test_prestate_setup_teardown(test_exec_transaction__all, x_setup, x_teardown, &dialect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * include_schemas on MySQL/MariaDB, where an included schema is another
 * database: the shared cases (test_include_schemas_common.h).
 */
#include "test_include_schemas_common.h"

static int setup(void **state)
{
	return inc_setup(MG_DIALECT_MYSQL, state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		INC_TESTS(setup, inc_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

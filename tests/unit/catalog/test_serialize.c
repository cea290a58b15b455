/*
 * Catalog deserialisation of untrusted bytes (models cache files):
 * regression inputs found by tests/fuzz/fuzz_catalog.c, each refused with
 * MG_EINPUT, next to the well-formed neighbour that loads. (Round trips of
 * real catalogs are in tests/db/test_models_cache.c.)
 */
#include <string.h>

#include "testutil.h"
#include "migrate/catalog.h"
#include "util/buf.h"

static mg_catalog *load(const char *text, int want_rc, mg_error *err)
{
	mg_catalog *cat = (mg_catalog *)1;

	mg_error_init(err);
	assert_int_equal(mg_catalog_deserialize(text, strlen(text), &cat, err), want_rc);
	if (want_rc != MG_OK)
		assert_null(cat);
	return cat;
}

/* A table whose primary key has one column: "1,~1,1,1:a" is has-pk, no
 * name, one column, the list present, "a". With the list marked absent
 * ("0,") the count said 1 over a NULL array, which the dump, the diff and
 * the renderers then read. */
#define CAT_HEAD "MGCAT 1\n3,0,0,4:main1,1:t~~~0,"
#define CAT_TAIL "0,0,0,0,0,0,0,0,0,0,0,0,0,"

static void test_serialize__absent_list_with_a_count(void **state)
{
	mg_catalog *cat;
	mg_error err;
	mg_buf dump = MG_BUF_INIT;

	(void)state;
	cat = load(CAT_HEAD "1,~1,1,1:a" CAT_TAIL, MG_OK, &err);
	assert_int_equal(cat->tables[0]->primary_key->ncolumns, 1);
	assert_string_equal(cat->tables[0]->primary_key->columns[0], "a");
	mg_catalog_dump(cat, &dump);
	mg_buf_release(&dump);
	mg_catalog_free(cat);

	load(CAT_HEAD "1,~1,0," CAT_TAIL, MG_EINPUT, &err);
	assert_string_equal(err.msg, "a malformed serialised catalog (at byte 37 of 63)");
	/* Absent and empty is fine: no primary-key columns. */
	cat = load(CAT_HEAD "1,~0,0," CAT_TAIL, MG_OK, &err);
	assert_int_equal(cat->tables[0]->primary_key->ncolumns, 0);
	mg_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serialize__absent_list_with_a_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

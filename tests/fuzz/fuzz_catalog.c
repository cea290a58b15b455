/*
 * libFuzzer target for catalog deserialisation (migrate/catalog/serialize.c):
 * models cache files on disk are untrusted, so mg_catalog_deserialize must
 * refuse anything that is not one whole serialisation with MG_EINPUT. A
 * catalog it accepts must serialise to a fixed point, look up every table
 * and view it holds, dump, and diff (against itself: no operation; from
 * empty: rendered for its dialect) without a crash.
 *
 * Seeds: tests/fuzz/catalog_seed.c serialises the demo's models.sql read
 * back from SQLite (run.sh does it).
 *
 * Not part of the CMake build: tests/fuzz/run.sh builds and runs it, or
 * from the repository root (after run.sh has built build-fuzz/libmigrate_fuzz.a):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Imigrate/include -Imigrate tests/fuzz/fuzz_catalog.c build-fuzz/libmigrate_fuzz.a \
 *     $(pkg-config --libs libpq mysqlclient sqlite3 libgit2 inih jansson libcrypto) -ldl -lm -o fuzz_catalog
 *   ./fuzz_catalog -max_total_time=60 -dict=tests/fuzz/catalog.dict
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/catalog.h"
#include "migrate/diff.h"
#include "util/buf.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static void check_diffs(const mg_catalog *a, const mg_catalog *b)
{
	mg_diff *d = NULL;
	mg_error err;
	mg_buf s = MG_BUF_INIT;
	char *sql = NULL, *json;

	mg_error_init(&err);
	CHECK(mg_diff_catalogs(a, b, NULL, &d, &err) == MG_OK);
	CHECK(mg_diff_count(d) == 0);
	mg_diff_free(d);
	d = NULL;

	mg_error_init(&err);
	if (mg_diff_from_empty(a, &d, &err) != MG_OK)
		return;
	mg_diff_summary(d, &s);
	json = mg_diff_json(d);
	free(json);
	for (int up = 0; up <= 1; up++) {
		mg_error_init(&err);
		if (mg_diff_render_sql(d, a->dialect, up, up ? "${schema}" : NULL, &sql, &err) == MG_OK)
			free(sql);
		sql = NULL;
	}
	mg_buf_release(&s);
	mg_diff_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy of exactly size bytes, so reads past it are caught. */
	char *copy = malloc(size ? size : 1);
	mg_catalog *cat = NULL, *back = NULL;
	mg_buf once = MG_BUF_INIT, twice = MG_BUF_INIT, dump = MG_BUF_INIT;
	mg_error err;
	int rc;

	memcpy(copy, data, size);
	mg_error_init(&err);
	rc = mg_catalog_deserialize(copy, size, &cat, &err);
	if (rc != MG_OK) {
		CHECK(rc == MG_EINPUT && cat == NULL && err.msg[0]);
		free(copy);
		return 0;
	}
	for (size_t i = 0; i < cat->ntables; i++)
		CHECK(mg_catalog_table(cat, cat->tables[i]->name) != NULL);
	for (size_t i = 0; i < cat->nviews; i++)
		CHECK(mg_catalog_view(cat, cat->views[i]->name) != NULL);
	mg_catalog_dump(cat, &dump);

	mg_catalog_serialize(cat, &once);
	mg_error_init(&err);
	CHECK(mg_catalog_deserialize(once.ptr, once.len, &back, &err) == MG_OK);
	mg_catalog_serialize(back, &twice);
	CHECK(once.len == twice.len && memcmp(once.ptr, twice.ptr, once.len) == 0);

	check_diffs(cat, back);

	mg_catalog_free(back);
	mg_catalog_free(cat);
	mg_buf_release(&once);
	mg_buf_release(&twice);
	mg_buf_release(&dump);
	free(copy);
	return 0;
}

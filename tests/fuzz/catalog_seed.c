/*
 * Writes seeds for fuzz_catalog: the demo's models.sql (and, when given,
 * more DDL files) applied to an in-memory SQLite database, read back with
 * mg_catalog_read and serialised, one file per input.
 *
 *   catalog_seed OUTDIR FILE.sql...
 *
 * Built and run by tests/fuzz/run.sh (not a fuzz target itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/catalog.h"
#include "migrate/driver.h"
#include "util/buf.h"

int main(int argc, char **argv)
{
	int written = 0;

	for (int i = 2; i < argc; i++) {
		mg_url url;
		mg_db *db = NULL;
		mg_catalog *cat = NULL;
		mg_buf ddl = MG_BUF_INIT, out = MG_BUF_INIT;
		mg_error err;
		char path[4096];
		FILE *f;

		mg_error_init(&err);
		if (mg_buf_read_file(&ddl, argv[i]) != 0 || mg_url_parse(&url, "sqlite://:memory:", &err) != MG_OK ||
		    mg_db_open(&db, &url, NULL, &err) != MG_OK) {
			fprintf(stderr, "catalog_seed: %s: %s\n", argv[i], err.msg);
			return 1;
		}
		mg_url_release(&url);
		if (mg_db_exec_script(db, ddl.ptr, argv[i], 1, NULL, &err) != MG_OK ||
		    mg_catalog_read(db, NULL, &cat, &err) != MG_OK) {
			fprintf(stderr, "catalog_seed: %s: %s (skipped)\n", argv[i], err.msg);
			mg_db_close(db);
			mg_buf_release(&ddl);
			continue;
		}
		mg_catalog_serialize(cat, &out);
		snprintf(path, sizeof(path), "%s/catalog_%d", argv[1], i - 1);
		f = fopen(path, "wb");
		if (!f || fwrite(out.ptr, 1, out.len, f) != out.len || fclose(f) != 0) {
			fprintf(stderr, "catalog_seed: cannot write %s\n", path);
			return 1;
		}
		written++;
		mg_catalog_free(cat);
		mg_db_close(db);
		mg_buf_release(&ddl);
		mg_buf_release(&out);
	}
	return written ? 0 : 1;
}

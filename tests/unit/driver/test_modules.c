/*
 * The on-demand modules (migrate/sys/module.h): a SQLite connection maps
 * none of libpq, libmariadb, libgit2; a PostgreSQL or MySQL URL loads its
 * driver module; a missing, unloadable or foreign module is a clear error.
 * Connections go to 127.0.0.1 port 1, refused at once: no server needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/driver.h"
#include "migrate/url.h"
#include "migrate/vcs.h"
#include "migrate/version.h"
#include "testutil.h"

/* 1 when a mapping of this process has needle in its path (read line by
 * line: /proc files have no size to read up to). */
static int mapped(const char *needle)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	int found = 0;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* Opens url, expecting failure; returns the code, message in err. */
static int open_fails(const char *text, mg_error *err)
{
	mg_url url;
	mg_db *db = NULL;
	mg_db_options opts = { 2, NULL };
	int rc;

	mg_error_init(err);
	assert_int_equal(mg_url_parse(&url, text, err), MG_OK);
	rc = mg_db_open(&db, &url, &opts, err);
	assert_null(db);
	assert_int_not_equal(rc, MG_OK);
	mg_url_release(&url);
	return rc;
}

static void test_modules__sqlite_maps_no_server_library(void **state)
{
	mg_url url;
	mg_db *db = NULL;
	mg_error err;
	(void)state;

	mg_error_init(&err);
	assert_int_equal(mg_url_parse(&url, "sqlite://:memory:", &err), MG_OK);
	assert_int_equal(mg_db_open(&db, &url, NULL, &err), MG_OK);
	assert_int_equal(mg_db_exec(db, "CREATE TABLE t (id int)", &err), MG_OK);
	mg_db_close(db);
	mg_url_release(&url);
	assert_false(mapped("libpq.so"));
	assert_false(mapped("libmariadb.so"));
	assert_false(mapped("libgit2.so"));
	assert_false(mapped("/migrate-"));
}

static void test_modules__missing_folder_names_where_it_looked(void **state)
{
	char *dir = mg_test_tmpdir();
	mg_error err;
	mg_vcs_repo *repo = NULL;
	(void)state;

	setenv("MIGRATE_MODULE_DIR", dir, 1);
	assert_int_equal(open_fails("postgresql://u:secret@127.0.0.1:1/x", &err), MG_ENOTBUILT);
	assert_non_null(strstr(err.msg, "the postgresql driver is not installed"));
	assert_non_null(strstr(err.msg, "migrate-postgresql.so"));
	assert_non_null(strstr(err.msg, dir));
	assert_null(strstr(err.msg, "secret"));
	assert_int_equal(open_fails("mysql://u@127.0.0.1:1/x", &err), MG_ENOTBUILT);
	assert_non_null(strstr(err.msg, "migrate-mysql.so"));

	mg_error_init(&err);
	assert_int_equal(mg_vcs_open(&repo, dir, "history --git", &err), MG_ENOTBUILT);
	assert_null(repo);
	assert_non_null(strstr(err.msg, "git support is not installed"));
	/* Never an error: no module, no author. */
	assert_null(mg_vcs_author(dir));
	unsetenv("MIGRATE_MODULE_DIR");
	mg_test_rmtree(dir);
	free(dir);
}

static void test_modules__unloadable_file(void **state)
{
	char *dir = mg_test_tmpdir();
	mg_error err;
	(void)state;

	mg_test_write(dir, "migrate-mysql.so", "not an ELF object\n");
	setenv("MIGRATE_MODULE_DIR", dir, 1);
	assert_int_equal(open_fails("mysql://u@127.0.0.1:1/x", &err), MG_EIO);
	assert_non_null(strstr(err.msg, "the mysql driver cannot be loaded"));
	unsetenv("MIGRATE_MODULE_DIR");
	mg_test_rmtree(dir);
	free(dir);
}

/* A module of another migrate version: built here from a few lines, since
 * the test suite already needs a C compiler for C revisions. */
static void test_modules__foreign_build_refused(void **state)
{
	char *dir = mg_test_tmpdir();
	char cmd[8192];
	mg_error err;
	(void)state;

	mg_test_write(dir, "foreign.c",
		      "struct header { const char *version; unsigned abi, layout; };\n"
		      "const struct header mg_driver_export = { \"0.0.0-foreign\", 1, 0 };\n");
	snprintf(cmd, sizeof(cmd), "cc -shared -fPIC -o '%s/migrate-postgresql.so' '%s/foreign.c'", dir, dir);
	assert_int_equal(system(cmd), 0);
	setenv("MIGRATE_MODULE_DIR", dir, 1);
	assert_int_equal(open_fails("postgresql://u@127.0.0.1:1/x", &err), MG_EIO);
	assert_non_null(strstr(err.msg, "is from migrate 0.0.0-foreign"));
	assert_non_null(strstr(err.msg, MIGRATE_VERSION_STRING));
	unsetenv("MIGRATE_MODULE_DIR");
	mg_test_rmtree(dir);
	free(dir);
}

/* Last: these load the real modules into this process for good. */
static void test_modules__server_url_loads_its_driver(void **state)
{
	mg_error err;
	(void)state;

	assert_int_equal(open_fails("postgresql://u:secret@127.0.0.1:1/x", &err), MG_EDRIVER);
	assert_null(strstr(err.msg, "secret"));
	assert_true(mapped("/migrate-postgresql.so"));
	assert_true(mapped("libpq.so"));
	assert_false(mapped("libmariadb.so"));

	assert_int_equal(open_fails("mysql://u@127.0.0.1:1/x", &err), MG_EDRIVER);
	assert_true(mapped("/migrate-mysql.so"));
	assert_true(mapped("libmariadb.so"));
	assert_false(mapped("libgit2.so"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modules__sqlite_maps_no_server_library),
		cmocka_unit_test(test_modules__missing_folder_names_where_it_looked),
		cmocka_unit_test(test_modules__unloadable_file),
		cmocka_unit_test(test_modules__foreign_build_refused),
		cmocka_unit_test(test_modules__server_url_loads_its_driver),
	};
	return cmocka_run_group_tests_name("modules", tests, NULL, NULL);
}

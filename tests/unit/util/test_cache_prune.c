/*
 * Pruning cache folders (util/cache_prune.c): cache files unused for the
 * age limit go, recent ones and files that are not migrate's stay, dead
 * writers' temporary files go after a day, and a folder is walked at most
 * once a day.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "util/cache_prune.h"

#define DAY (24L * 3600)

/* Writes dir/name and sets both its access and modification times. */
static void put(const char *dir, const char *name, time_t when)
{
	char path[4096];
	struct timespec t[2] = { { when, 0 }, { when, 0 } };

	mg_test_write(dir, name, "x");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static int exists(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void test_cache_prune__old_cache_files_go_the_rest_stay(void **state)
{
	char *dir = mg_test_tmpdir();
	time_t now = time(NULL);
	(void)state;

	put(dir, "00112233445566778899aabbccddeeff", now - 40 * DAY);  /* models entry */
	put(dir, "00112233445566778899aabbccddeeff.so", now - 31 * DAY); /* C revision */
	put(dir, "0011223344556677", now - 60 * DAY);                   /* graph headers */
	put(dir, "ffeeddccbbaa99887766554433221100", now - 2 * DAY);   /* in use */
	put(dir, "0011223344556677.1234.tmp", now - 2 * DAY);          /* dead writer */
	put(dir, "ffeeddccbbaa9988.4321.tmp", now - 60);                 /* writing now */
	put(dir, "notes.txt", now - 400 * DAY);                          /* not ours */
	put(dir, "0011.so", now - 400 * DAY);                            /* too short */
	put(dir, "00112233445566778899aabbccddeeff.json", now - 400 * DAY);
	mg_test_write(dir, "0123456789abcdef0123/inner", "x");           /* a folder */

	assert_int_equal(mg_cache_prune(dir, now, MG_CACHE_MAX_AGE_S), 4);
	assert_false(exists(dir, "00112233445566778899aabbccddeeff"));
	assert_false(exists(dir, "00112233445566778899aabbccddeeff.so"));
	assert_false(exists(dir, "0011223344556677"));
	assert_false(exists(dir, "0011223344556677.1234.tmp"));
	assert_true(exists(dir, "ffeeddccbbaa99887766554433221100"));
	assert_true(exists(dir, "ffeeddccbbaa9988.4321.tmp"));
	assert_true(exists(dir, "notes.txt"));
	assert_true(exists(dir, "0011.so"));
	assert_true(exists(dir, "00112233445566778899aabbccddeeff.json"));
	assert_true(exists(dir, "0123456789abcdef0123/inner"));
	mg_test_rmtree(dir);
	free(dir);
}

/* A recent access keeps a file whose modification time is old. */
static void test_cache_prune__a_read_keeps_a_file(void **state)
{
	char *dir = mg_test_tmpdir(), path[4096];
	time_t now = time(NULL);
	struct timespec t[2] = { { now - DAY, 0 }, { now - 90 * DAY, 0 } };
	(void)state;

	put(dir, "aaaaaaaaaaaaaaaa", now);
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaaaaaaa", dir);
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
	assert_int_equal(mg_cache_prune(dir, now, MG_CACHE_MAX_AGE_S), 0);
	assert_true(exists(dir, "aaaaaaaaaaaaaaaa"));
	mg_test_rmtree(dir);
	free(dir);
}

/* Once a day per folder: the second pass does nothing, a pass a day
 * later (as the clock says) does its work. */
static void test_cache_prune__at_most_once_a_day(void **state)
{
	char *dir = mg_test_tmpdir();
	time_t now = time(NULL);
	(void)state;

	assert_int_equal(mg_cache_prune(dir, now, MG_CACHE_MAX_AGE_S), 0);
	assert_true(exists(dir, ".pruned"));
	put(dir, "bbbbbbbbbbbbbbbb", now - 90 * DAY);
	assert_int_equal(mg_cache_prune(dir, now, MG_CACHE_MAX_AGE_S), 0);
	assert_true(exists(dir, "bbbbbbbbbbbbbbbb"));
	assert_int_equal(mg_cache_prune(dir, now + DAY + 1, MG_CACHE_MAX_AGE_S), 1);
	assert_false(exists(dir, "bbbbbbbbbbbbbbbb"));
	/* A missing folder is no error. */
	assert_int_equal(mg_cache_prune("/proc/migrate-no-such-folder", now, MG_CACHE_MAX_AGE_S), 0);
	mg_test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_prune__old_cache_files_go_the_rest_stay),
		cmocka_unit_test(test_cache_prune__a_read_keeps_a_file),
		cmocka_unit_test(test_cache_prune__at_most_once_a_day),
	};
	return cmocka_run_group_tests_name("cache_prune", tests, NULL, NULL);
}

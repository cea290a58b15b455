/*
 * Shared test helpers: temporary folders, files, running the migrate binary,
 * and the URLs of the real servers scripts/test.sh starts.
 */
#ifndef MG_TESTUTIL_H
#define MG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh temporary folder (heap path; removed with mg_test_rmtree). */
char *mg_test_tmpdir(void);
void mg_test_rmtree(const char *path);
/* Writes text to dir/rel (creating parent folders). */
void mg_test_write(const char *dir, const char *rel, const char *text);
/* Reads a whole file (heap; NULL when missing). */
char *mg_test_read(const char *path);

/* Round trips in a libpq trace file (MIGRATE_PG_TRACE): one ReadyForQuery
 * each. */
long mg_test_pg_round_trips(const char *trace_path);

/* The server URL from env var `var` (MIGRATE_TEST_PG_URL, MIGRATE_TEST_MYSQL_URL).
 * When unset: fails the test if MIGRATE_TEST_REQUIRE_SERVERS=1, else skips. */
const char *mg_test_server_url(const char *var);

/* Runs the migrate binary ($MIGRATE_BIN) with args in cwd (NULL = current),
 * capturing stdout and stderr (heap strings); returns the exit status. */
int mg_test_run(const char *cwd, char **out, char **err, const char *const *args);

#endif

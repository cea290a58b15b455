/*
 * End to end: a failing connect with a wrong password, through the migrate
 * command itself, on each server. Every byte the command prints is searched
 * for the password, whatever the command and output format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define SECRET "Wr0ng-S3cret%40pw"   /* percent-encoded '@' in the URL */
#define SECRET_DECODED "Wr0ng-S3cret@pw"

/* The server URL with its password replaced by SECRET. */
static char *with_wrong_password(const char *url)
{
	const char *scheme_end = strstr(url, "://");
	const char *at = strchr(scheme_end + 3, '@');
	const char *colon = strchr(scheme_end + 3, ':');
	char *out = malloc(strlen(url) + sizeof(SECRET) + 1);
	assert_non_null(at);
	assert_true(colon && colon < at);
	sprintf(out, "%.*s:%s%s", (int)(colon - url), url, SECRET, at);
	return out;
}

static void assert_no_secret(const char *text)
{
	assert_null(strstr(text, SECRET));
	assert_null(strstr(text, SECRET_DECODED));
	assert_null(strstr(text, "Wr0ng-S3cret"));
}

static void run_commands_with(const char *url)
{
	char *dir = mg_test_tmpdir();
	char *bad = with_wrong_password(url);
	static const char *const cmds[][6] = {
		{ "current", NULL },
		{ "current", "-v", NULL },
		{ "--format", "json", "current", NULL },
		{ "upgrade", "head", NULL },
		{ "check", NULL },
	};

	mg_test_write(dir, "migrate.ini", "[migrate]\n[db:x]\nurl = sqlite:///unused.db\n");
	mg_test_write(dir, "versions/a_x.sql", "-- migrate:revision aaaa1\n-- migrate:upgrade\nSELECT 1;\n");
	setenv("MIGRATE_URL", bad, 1);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *out = NULL, *err = NULL;
		int status = mg_test_run(dir, &out, &err, cmds[i]);
		assert_int_equal(status, 3);
		assert_non_null(strstr(err, "migrate: cannot connect to"));
		assert_no_secret(out);
		assert_no_secret(err);
		free(out);
		free(err);
	}
	unsetenv("MIGRATE_URL");
	free(bad);
	mg_test_rmtree(dir);
	free(dir);
}

static void test_redaction_wrong_password__postgresql(void **state)
{
	(void)state;
	run_commands_with(mg_test_server_url("MIGRATE_TEST_PG_URL"));
}

static void test_redaction_wrong_password__mysql(void **state)
{
	(void)state;
	run_commands_with(mg_test_server_url("MIGRATE_TEST_MYSQL_URL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redaction_wrong_password__postgresql),
		cmocka_unit_test(test_redaction_wrong_password__mysql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Placeholder expansion: ${name} everywhere, the $${ escape, PostgreSQL
 * dollars left alone, unknown names, and lines that do not shift.
 */
#include <string.h>

#include "testutil.h"
#include "sql/placeholder.h"

struct vars {
	const char *const *pairs; /* name, value, ..., NULL */
	int calls;
};

static const char *lookup_pairs(void *ctx, const char *name)
{
	struct vars *v = ctx;
	v->calls++;
	for (size_t i = 0; v->pairs[i]; i += 2)
		if (strcmp(v->pairs[i], name) == 0)
			return v->pairs[i + 1];
	return NULL;
}

static const char *const default_vars[] = {
	"schema", "app", "x.y", "dotted", "_u1", "under", "multi", "a\nb", "empty", "", NULL,
};

/* Expands text with default_vars and checks the output. */
static void check_expand(const char *text, const char *want)
{
	struct vars v = { default_vars, 0 };
	mg_buf out = MG_BUF_INIT;
	mg_error err;

	mg_error_init(&err);
	if (mg_sql_expand(text, strlen(text), lookup_pairs, &v, &out, &err) != MG_OK)
		fail_msg("expand failed: %s", err.msg);
	assert_string_equal(out.ptr, want);
	mg_buf_release(&out);
}

static void test_placeholder_expand__replaces_names(void **state)
{
	(void)state;
	check_expand("CREATE TABLE ${schema}.account (id int);", "CREATE TABLE app.account (id int);");
	check_expand("${schema}${schema}", "appapp");
	check_expand("${x.y} ${_u1}", "dotted under");
	check_expand("a${empty}b", "ab");
	check_expand("${schema}", "app");
}

static void test_placeholder_expand__inside_strings_and_comments(void **state)
{
	(void)state;
	check_expand("SELECT '${schema}' -- ${schema}\n/* ${schema} */ \"${schema}\"",
		     "SELECT 'app' -- app\n/* app */ \"app\"");
}

static void test_placeholder_expand__escape(void **state)
{
	struct vars v = { default_vars, 0 };
	mg_buf out = MG_BUF_INIT;
	mg_error err;

	(void)state;
	check_expand("$${schema}", "${schema}");
	check_expand("$${nope} and ${schema}", "${nope} and app");
	check_expand("$${", "${");
	check_expand("$$${schema}", "$${schema}");
	/* An escaped name is never looked up. */
	assert_int_equal(mg_sql_expand("$${schema}", 10, lookup_pairs, &v, &out, &err), MG_OK);
	assert_int_equal(v.calls, 0);
	mg_buf_release(&out);
}

static void test_placeholder_expand__postgres_dollars_untouched(void **state)
{
	(void)state;
	check_expand("SELECT $1, $2 FROM t", "SELECT $1, $2 FROM t");
	check_expand("DO $$BEGIN NULL; END$$; SELECT $tag$x$tag$", "DO $$BEGIN NULL; END$$; SELECT $tag$x$tag$");
	check_expand("$", "$");
	check_expand("a$", "a$");
	check_expand("$$", "$$");
}

static void test_placeholder_expand__not_a_placeholder(void **state)
{
	(void)state;
	check_expand("${1abc} ${ schema} ${schema ${} ${", "${1abc} ${ schema} ${schema ${} ${");
	check_expand("${schema-x}", "${schema-x}");
}

static void test_placeholder_expand__unknown_name(void **state)
{
	struct vars v = { default_vars, 0 };
	mg_buf out = MG_BUF_INIT;
	mg_error err;
	const char *text = "SELECT 1;\n\nSELECT '${schema}', ${nope.x};";

	(void)state;
	mg_error_init(&err);
	assert_int_equal(mg_sql_expand(text, strlen(text), lookup_pairs, &v, &out, &err), MG_EINPUT);
	assert_int_equal(err.code, MG_EINPUT);
	assert_string_equal(err.msg, "line 3: unknown placeholder '${nope.x}'");
	mg_buf_release(&out);
}

static void test_placeholder_expand__lines_do_not_shift(void **state)
{
	(void)state;
	check_expand("-- h\r\n${schema}\n\n${schema};\n", "-- h\r\napp\n\napp;\n");
	/* Only a value with a newline adds one. */
	check_expand("x ${multi} y\nz", "x a\nb y\nz");
}

static void test_placeholder_expand__appends_and_honours_length(void **state)
{
	struct vars v = { default_vars, 0 };
	mg_buf out = MG_BUF_INIT;
	mg_error err;

	(void)state;
	mg_buf_puts(&out, "pre:");
	/* Only the first 9 bytes count: the rest is not part of the text. */
	assert_int_equal(mg_sql_expand("${schema}${nope}", 9, lookup_pairs, &v, &out, &err), MG_OK);
	assert_string_equal(out.ptr, "pre:app");
	/* A cut-off placeholder is plain text. */
	assert_int_equal(mg_sql_expand("${schema}", 8, lookup_pairs, &v, &out, &err), MG_OK);
	assert_string_equal(out.ptr, "pre:app${schema");
	assert_int_equal(mg_sql_expand("", 0, lookup_pairs, &v, &out, &err), MG_OK);
	assert_string_equal(out.ptr, "pre:app${schema");
	mg_buf_release(&out);
}

static void test_placeholder_expand__large_text(void **state)
{
	struct vars v = { default_vars, 0 };
	mg_buf in = MG_BUF_INIT, out = MG_BUF_INIT;
	mg_error err;

	(void)state;
	for (int i = 0; i < 20000; i++)
		mg_buf_puts(&in, "INSERT INTO ${schema}.t VALUES ($1, '$$');\n");
	assert_int_equal(mg_sql_expand(in.ptr, in.len, lookup_pairs, &v, &out, &err), MG_OK);
	assert_int_equal(v.calls, 20000);
	assert_int_equal(out.len, in.len - 20000 * (strlen("${schema}") - strlen("app")));
	assert_true(strncmp(out.ptr, "INSERT INTO app.t VALUES ($1, '$$');\nINSERT", 43) == 0);
	mg_buf_release(&in);
	mg_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholder_expand__replaces_names),
		cmocka_unit_test(test_placeholder_expand__inside_strings_and_comments),
		cmocka_unit_test(test_placeholder_expand__escape),
		cmocka_unit_test(test_placeholder_expand__postgres_dollars_untouched),
		cmocka_unit_test(test_placeholder_expand__not_a_placeholder),
		cmocka_unit_test(test_placeholder_expand__unknown_name),
		cmocka_unit_test(test_placeholder_expand__lines_do_not_shift),
		cmocka_unit_test(test_placeholder_expand__appends_and_honours_length),
		cmocka_unit_test(test_placeholder_expand__large_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

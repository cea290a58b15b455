/*
 * Revision identifiers as Alembic resolves them: full ids, prefixes
 * (unique, ambiguous, too short), head/heads/base, labels and LABEL@...,
 * relative steps from a revision, from the graph's heads and from the
 * database's current heads, with the exact error texts.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_fixture.h"

/* aaaa1 - bbbb1 - cccc1 ------------- mmmm1 - ffff1
 *             \- dddd1 (side) - eeee1 -/
 * abcd1234 (other) - abcd5678                          */
static const char *specs[] = {
	"aaaa1", "bbbb1 revises=aaaa1", "cccc1 revises=bbbb1", "dddd1 revises=bbbb1 labels=side",
	"eeee1 revises=dddd1", "mmmm1 revises=cccc1,eeee1", "ffff1 revises=mmmm1",
	"abcd1234 labels=other", "abcd5678 revises=abcd1234",
};

typedef struct fx {
	mg_graph *g;
	mg_revlist out, cur;
	mg_error err;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	FIXTURE_LOAD(f->g, specs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	mg_graph_free(f->g);
	mg_revlist_release(&f->out);
	mg_revlist_release(&f->cur);
	free(f);
	return 0;
}

/* Resolves with current = "ids" (NULL: no database). */
static int resolve(fx *f, const char *ident, const char *current)
{
	mg_error_init(&f->err);
	if (current)
		revs_of(f->g, current, &f->cur);
	return mg_graph_resolve(f->g, ident, current ? &f->cur : NULL, &f->out, &f->err);
}

#define EXPECT_IDS(ident, current, expected)                                      \
	do {                                                              \
		int rc__ = resolve(f, ident, current);                    \
		if (rc__ != MG_OK)                                        \
			fail_msg("%s: %s", ident, f->err.msg);            \
		assert_ids(&f->out, expected);                            \
	} while (0)

#define EXPECT_FAIL(ident, current, code, text)                                  \
	do {                                                              \
		assert_int_equal(resolve(f, ident, current), code);       \
		assert_string_equal(f->err.msg, text);                     \
	} while (0)

static void test_revision_resolve__ids_and_prefixes(void **state)
{
	fx *f = *state;
	EXPECT_IDS("cccc1", NULL, "cccc1");
	EXPECT_IDS("ffff", NULL, "ffff1");
	EXPECT_IDS("abcd1", NULL, "abcd1234");
	EXPECT_IDS("abcd5678", NULL, "abcd5678");
	EXPECT_FAIL("abcd", NULL, MG_EAMBIGUOUS, "ambiguous revision prefix 'abcd' matches: abcd1234, abcd5678");
	EXPECT_FAIL("ccc", NULL, MG_ENOTFOUND,
	      "unknown revision or branch label 'ccc' (a revision prefix needs at least 4 characters)");
	EXPECT_FAIL("zzzz", NULL, MG_ENOTFOUND, "unknown revision or branch label 'zzzz'");
	EXPECT_FAIL("", NULL, MG_EUSAGE, "empty revision identifier");
	EXPECT_FAIL("side@", NULL, MG_EUSAGE, "bad revision identifier 'side@'");
	EXPECT_FAIL("aaaa1:ffff1", NULL, MG_EUSAGE, "'aaaa1:ffff1' is a range, not a revision");
}

static void test_revision_resolve__head_heads_base(void **state)
{
	fx *f = *state;
	EXPECT_FAIL("head", NULL, MG_EMULTIHEAD,
	      "multiple heads are present for 'head': ffff1, abcd5678 (use 'heads', or 'LABEL@head' for one branch)");
	EXPECT_IDS("heads", NULL, "ffff1 abcd5678");
	EXPECT_IDS("base", NULL, "");
}

static void test_revision_resolve__labels(void **state)
{
	fx *f = *state;
	EXPECT_IDS("other", NULL, "abcd1234");
	EXPECT_IDS("other@head", NULL, "abcd5678");
	EXPECT_IDS("side@head", NULL, "ffff1");
	EXPECT_IDS("side@heads", NULL, "ffff1");
	EXPECT_IDS("side@base", NULL, "");
	EXPECT_IDS("side@eeee", NULL, "eeee1");
	EXPECT_IDS("dddd1@head", NULL, "ffff1"); /* a revision works as a branch */
	EXPECT_FAIL("side@cccc1", NULL, MG_ENOTFOUND, "revision 'cccc1' is not on branch 'side'");
	EXPECT_FAIL("nope@head", NULL, MG_ENOTFOUND, "unknown branch label or revision 'nope'");
}

static void test_revision_resolve__relative_to_revision(void **state)
{
	fx *f = *state;
	EXPECT_IDS("aaaa1+1", NULL, "bbbb1");
	EXPECT_IDS("side@bbbb1+1", NULL, "dddd1");
	EXPECT_IDS("side@bbbb1+2", NULL, "eeee1");
	}

static void test_revision_resolve__relative_errors(void **state)
{
	fx *f = *state;
	EXPECT_FAIL("bbbb1+1", NULL, MG_EMULTIHEAD,
	      "relative revision 'bbbb1+1' is ambiguous: 'bbbb1' branches into cccc1, dddd1 (use LABEL@bbbb1+1)");
	EXPECT_FAIL("ffff1+1", NULL, MG_ENOTFOUND, "relative revision 'ffff1+1' goes past the heads");
	EXPECT_IDS("ffff1-1", NULL, "mmmm1");
	EXPECT_FAIL("ffff1-2", NULL, MG_EMULTIHEAD, "relative revision 'ffff1-2' is ambiguous: 'mmmm1' is a merge of cccc1, eeee1");
	EXPECT_IDS("other@head-1", NULL, "abcd1234");
	EXPECT_IDS("abcd5678-2", NULL, ""); /* walking down past a base reaches base */
	EXPECT_FAIL("abcd5678-3", NULL, MG_ENOTFOUND, "relative revision 'abcd5678-3' goes below base");
	EXPECT_FAIL("head-1", NULL, MG_EMULTIHEAD,
	      "multiple heads are present for 'head': ffff1, abcd5678 (use 'heads', or 'LABEL@head' for one branch)");
	EXPECT_IDS("other@base+1", NULL, "abcd1234");
}

static void test_revision_resolve__relative_without_database(void **state)
{
	fx *f = *state;
	EXPECT_IDS("-1", NULL, "mmmm1 abcd1234"); /* down from every head */
	EXPECT_IDS("other@-1", NULL, "abcd1234");
	EXPECT_FAIL("+1", NULL, MG_EUSAGE, "relative revision '+1' needs the database's current revision");
}

static void test_revision_resolve__relative_to_current(void **state)
{
	fx *f = *state;
	EXPECT_IDS("+1", "cccc1", "mmmm1");
	EXPECT_IDS("+2", "eeee1", "ffff1");
	EXPECT_IDS("-1", "eeee1", "dddd1");
	EXPECT_IDS("-2", "abcd5678", "");
	EXPECT_IDS("other@+1", "", "abcd1234");
	EXPECT_IDS("other@+1", "ffff1 abcd1234", "abcd5678");
	EXPECT_IDS("side@-1", "ffff1 abcd1234", "mmmm1");
	EXPECT_FAIL("+1", "", MG_EMULTIHEAD, "relative revision '+1' is ambiguous: there are several bases (aaaa1, abcd1234)");
	EXPECT_FAIL("+1", "ffff1 abcd1234", MG_EMULTIHEAD,
	      "relative revision '+1' is ambiguous: the database has several heads (ffff1, abcd1234); use LABEL@+1 or REV+1");
	EXPECT_FAIL("-1", "ffff1 abcd1234", MG_EMULTIHEAD,
	      "relative revision '-1' is ambiguous: the database has several heads (ffff1, abcd1234); use LABEL@-1 or REV-1");
	EXPECT_FAIL("-1", "", MG_ENOTFOUND, "relative revision '-1' goes below base: the database is at base");
	EXPECT_FAIL("+3", "eeee1", MG_ENOTFOUND, "relative revision '+3' goes past the heads");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_revision_resolve__ids_and_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revision_resolve__head_heads_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revision_resolve__labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revision_resolve__relative_to_revision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revision_resolve__relative_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revision_resolve__relative_without_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revision_resolve__relative_to_current, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

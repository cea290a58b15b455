/*
 * The walks, checked against the order Alembic's _topological_sort gives
 * on the same graphs and file order: upgrade and downgrade plans on a
 * branch-and-merge graph and on depends-on across roots, the version-table
 * step (one row per head), and history ranges.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_fixture.h"

/* a - b - c ------- m - f
 *      \- d - e --/        */
static const char *branchy[] = { "a", "b revises=a", "c revises=b", "d revises=b", "e revises=d",
				 "m revises=c,e", "f revises=m" };
/* x1 - x2           (x2 is an effective head)
 * y1 (ybr) - y2, which depends on x2 */
static const char *deps[] = { "x1", "x2 revises=x1", "y1 labels=ybr", "y2 revises=y1 depends=x2" };

typedef struct fx {
	mg_graph *g;
	mg_revlist out, cur, removed, added;
	mg_error err;
} fx;

static fx *fx_new(const char *const *specs, size_t n)
{
	fx *f = calloc(1, sizeof(*f));
	if (fixture_load(&f->g, &f->err, specs, n) != MG_OK)
		fail_msg("load: %s", f->err.msg);
	return f;
}

static int setup_branchy(void **state)
{
	*state = fx_new(branchy, sizeof(branchy) / sizeof(*branchy));
	return 0;
}

static int setup_deps(void **state)
{
	*state = fx_new(deps, sizeof(deps) / sizeof(*deps));
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	mg_graph_free(f->g);
	mg_revlist_release(&f->out);
	mg_revlist_release(&f->cur);
	mg_revlist_release(&f->removed);
	mg_revlist_release(&f->added);
	free(f);
	return 0;
}

static int plan(fx *f, int up, const char *current, const char *target)
{
	revs_of(f->g, current, &f->cur);
	mg_error_init(&f->err);
	return up ? mg_graph_plan_upgrade(f->g, &f->cur, target, &f->out, &f->err)
		  : mg_graph_plan_downgrade(f->g, &f->cur, target, &f->out, &f->err);
}

#define PLAN(up, current, target, expected)                                      \
	do {                                                                     \
		if (plan(f, up, current, target) != MG_OK)                       \
			fail_msg("%s: %s", target, f->err.msg);                  \
		assert_ids(&f->out, expected);                                   \
	} while (0)

#define PLAN_FAILS(up, current, target, code, text)                              \
	do {                                                                     \
		assert_int_equal(plan(f, up, current, target), code);            \
		assert_string_equal(f->err.msg, text);                           \
	} while (0)

static void test_revision_walk__upgrade_branchy(void **state)
{
	fx *f = *state;
	/* Alembic: the walk down from f meets the merge m, takes c's line
	 * first, then e and d, and b only when no pending line needs it. */
	PLAN(1, "", "head", "a b d e c m f");
	PLAN(1, "", "heads", "a b d e c m f");
	PLAN(1, "c e", "heads", "m f");
	PLAN(1, "c", "e", "d e");
	PLAN(1, "c", "+1", "d e m");
	PLAN(1, "f", "head", "");
	PLAN(1, "", "base", "");
	PLAN_FAILS(1, "f", "-1", MG_EUSAGE, "relative revision '-1' cannot be an upgrade target (use 'downgrade -1')");
}

static void test_revision_walk__downgrade_branchy(void **state)
{
	fx *f = *state;
	PLAN(0, "f", "base", "f m c e d b a");
	PLAN(0, "f", "b", "f m c e d");
	PLAN(0, "f", "-1", "f");
	PLAN(0, "f", "f", "");
	PLAN(0, "c e", "b", "c e d");
	PLAN(0, "c e", "base", "c e d b a");
	PLAN_FAILS(0, "f", "-2", MG_EMULTIHEAD, "relative revision '-2' is ambiguous: 'm' is a merge of c, e");
	PLAN_FAILS(0, "c", "e", MG_EINPUT, "revision 'e' is not an ancestor of the current heads (c): nothing to downgrade");
	PLAN_FAILS(0, "c e", "-1", MG_EMULTIHEAD,
		   "relative revision '-1' is ambiguous: the database has several heads (c, e); use LABEL@-1 or REV-1");
	PLAN_FAILS(0, "f", "+1", MG_EUSAGE,
		   "relative revision '+1' cannot be a downgrade target (use '-N', a revision or 'base')");
}

static void test_revision_walk__depends_on(void **state)
{
	fx *f = *state;
	PLAN(1, "", "heads", "x1 x2 y1 y2");
	PLAN(1, "", "y1", "y1");
	PLAN(1, "y1", "y2", "x1 x2 y2");
	PLAN(0, "y2", "base", "y2 y1 x2 x1");
	PLAN(0, "y2", "x1", "y2 x2");
	PLAN(0, "y2", "ybr@base", "y2 y1");
}

/* Runs a plan through mg_graph_step_heads, recording "-removed +added"
 * per step. */
static char *replay(fx *f, int up, const char *current, const char *target)
{
	mg_buf b = MG_BUF_INIT;
	mg_revlist heads = MG_REVLIST_INIT;
	if (plan(f, up, current, target) != MG_OK)
		fail_msg("%s", f->err.msg);
	for (size_t i = 0; i < f->cur.len; i++)
		mg_revlist_push(&heads, f->cur.items[i]);
	for (size_t i = 0; i < f->out.len; i++) {
		mg_graph_step_heads(f->g, &heads, f->out.items[i], up, &f->removed, &f->added);
		mg_buf_printf(&b, "%s%s:", i ? " | " : "", f->out.items[i]->id);
		for (size_t k = 0; k < f->removed.len; k++)
			mg_buf_printf(&b, " -%s", f->removed.items[k]->id);
		for (size_t k = 0; k < f->added.len; k++)
			mg_buf_printf(&b, " +%s", f->added.items[k]->id);
	}
	mg_buf_printf(&b, " => ");
	for (size_t i = 0; i < heads.len; i++)
		mg_buf_printf(&b, "%s%s", i ? " " : "", heads.items[i]->id);
	mg_revlist_release(&heads);
	return mg_buf_detach(&b);
}

#define REPLAY(up, current, target, expected)                    \
	do {                                                     \
		char *got_ = replay(f, up, current, target);     \
		assert_string_equal(got_, expected);             \
		free(got_);                                      \
	} while (0)

static void test_revision_walk__version_rows_branchy(void **state)
{
	fx *f = *state;
	/* A branch point inserts a row, a merge deletes its parents' rows. */
	REPLAY(1, "", "head", "a: +a | b: -a +b | d: -b +d | e: -d +e | c: +c | m: -c -e +m | f: -m +f => f");
	/* Unmerge inserts a row per parent; a branch's last revision deletes
	 * its row when another head still needs the branch point. */
	REPLAY(0, "f", "base",
	       "f: -f +m | m: -m +c +e | c: -c | e: -e +d | d: -d +b | b: -b +a | a: -a => ");
	REPLAY(0, "c e", "b", "c: -c | e: -e +d | d: -d +b => b");
}

static void test_revision_walk__version_rows_depends_on(void **state)
{
	fx *f = *state;
	REPLAY(1, "", "heads", "x1: +x1 | x2: -x1 +x2 | y1: +y1 | y2: -y1 -x2 +y2 => y2");
	REPLAY(0, "y2", "base", "y2: -y2 +y1 +x2 | y1: -y1 | x2: -x2 +x1 | x1: -x1 => ");
}

static void test_revision_walk__history(void **state)
{
	fx *f = *state;
	mg_error_init(&f->err);
#define HIST(range, expected)                                                      \
	do {                                                                       \
		if (mg_graph_history(f->g, range, &f->out, &f->err) != MG_OK)      \
			fail_msg("%s: %s", range ? range : "(all)", f->err.msg);    \
		assert_ids(&f->out, expected);                                     \
	} while (0)
#define HIST_FAILS(range, code, text)                                              \
	do {                                                                       \
		assert_int_equal(mg_graph_history(f->g, range, &f->out, &f->err), code); \
		assert_string_equal(f->err.msg, text);                             \
	} while (0)
	HIST(NULL, "f m c e d b a");
	HIST("b:", "f m c e d b");
	HIST(":c", "c b a");
	HIST("d:m", "m e d");
	HIST("d:+1", "e d");
	HIST("-1:", "f m");
	HIST("base:heads", "f m c e d b a");
	HIST_FAILS("c:e", MG_EINPUT, "revision 'c' is not an ancestor of revision 'e'");
	HIST_FAILS("b:+2", MG_EMULTIHEAD, "relative revision '+2' is ambiguous: 'b' branches into c, d (use LABEL@+2)");
	HIST_FAILS("abc", MG_EUSAGE, "history range 'abc' needs a ':' ([start]:[end], [start]: or :[end])");
}

static void test_revision_walk__history_depends_on(void **state)
{
	fx *f = *state;
	mg_error_init(&f->err);
	HIST(NULL, "y2 y1 x2 x1");
	HIST("ybr@base:", "y2 y1 x2 x1"); /* depends-on pulls x1, x2 in, as in Alembic */
}

static void test_revision_walk__closures(void **state)
{
	fx *f = *state;
	revs_of(f->g, "d", &f->cur);
	mg_graph_ancestors(f->g, &f->cur, &f->out);
	assert_ids(&f->out, "a b d");
	mg_graph_descendants(f->g, &f->cur, &f->out);
	assert_ids(&f->out, "d e m f");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_revision_walk__upgrade_branchy, setup_branchy, teardown),
		cmocka_unit_test_setup_teardown(test_revision_walk__downgrade_branchy, setup_branchy, teardown),
		cmocka_unit_test_setup_teardown(test_revision_walk__depends_on, setup_deps, teardown),
		cmocka_unit_test_setup_teardown(test_revision_walk__version_rows_branchy, setup_branchy, teardown),
		cmocka_unit_test_setup_teardown(test_revision_walk__version_rows_depends_on, setup_deps, teardown),
		cmocka_unit_test_setup_teardown(test_revision_walk__history, setup_branchy, teardown),
		cmocka_unit_test_setup_teardown(test_revision_walk__history_depends_on, setup_deps, teardown),
		cmocka_unit_test_setup_teardown(test_revision_walk__closures, setup_branchy, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

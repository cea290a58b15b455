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

/* ---- Alembic's _topological_sort, written plainly (full ancestor sets
 * recomputed as Alembic does), to check the lazy version against. */

static void ref_ancestors(const mg_graph *g, const mg_revision *r, char *set)
{
	memset(set, 0, mg_graph_count(g));
	const mg_revision **stack = malloc((mg_graph_count(g) + 1) * sizeof(*stack) * 4);
	size_t n = 0;
	stack[n++] = r;
	set[r->order] = 1;
	while (n) {
		const mg_revision *x = stack[--n];
		for (size_t k = 0; k < x->n_parents + x->n_depends_on; k++) {
			const mg_revision *d = k < x->n_parents ? x->parents[k] : x->depends_on[k - x->n_parents];
			if (!set[d->order]) {
				set[d->order] = 1;
				stack[n++] = d;
			}
		}
	}
	free(stack);
}

/* parents + the depends-on no parent-ancestor depends on. */
static size_t ref_down(const mg_graph *g, const mg_revision *r, const mg_revision **out)
{
	size_t n = 0, N = mg_graph_count(g);
	char *anc = calloc(N, 1), *stop = calloc(N, 1);
	for (size_t k = 0; k < r->n_parents; k++)
		out[n++] = r->parents[k];
	if (r->n_depends_on) {
		/* ancestors by parents only */
		const mg_revision **stack = malloc((N + 1) * sizeof(*stack));
		size_t sn = 0;
		stack[sn++] = r;
		while (sn) {
			const mg_revision *x = stack[--sn];
			for (size_t k = 0; k < x->n_parents; k++)
				if (!anc[x->parents[k]->order]) {
					anc[x->parents[k]->order] = 1;
					stack[sn++] = x->parents[k];
				}
		}
		free(stack);
		for (size_t i = 0; i < N; i++)
			if (anc[i])
				for (size_t k = 0; k < mg_graph_at(g, i)->n_depends_on; k++)
					stop[mg_graph_at(g, i)->depends_on[k]->order] = 1;
		for (size_t k = 0; k < r->n_depends_on; k++) {
			int dup = 0;
			for (size_t j = 0; j < n; j++)
				dup |= out[j] == r->depends_on[k];
			if (!stop[r->depends_on[k]->order] && !dup)
				out[n++] = r->depends_on[k];
		}
	}
	free(anc);
	free(stop);
	return n;
}

static void ref_toposort(const mg_graph *g, mg_revlist *out)
{
	size_t N = mg_graph_count(g), ncur = 0, idx = 0;
	char *todo = malloc(N), **anc = calloc(N + 1, sizeof(char *));
	const mg_revision **cur = calloc(N + 1, sizeof(*cur)), **down = calloc(N + 1, sizeof(*down));
	memset(todo, 1, N);
	for (size_t i = 0; i < N; i++)
		if (mg_graph_at(g, i)->is_real_head) {
			cur[ncur] = mg_graph_at(g, i);
			anc[ncur] = malloc(N);
			ref_ancestors(g, cur[ncur], anc[ncur]);
			ncur++;
		}
	while (ncur) {
		const mg_revision *c = cur[idx];
		size_t j, nd, nadd = 0;
		const mg_revision *add[64];
		for (j = 0; j < ncur; j++)
			if (j != idx && anc[j][c->order])
				break;
		if (j < ncur) {
			idx = j;
			continue;
		}
		if (todo[c->order]) {
			mg_revlist_push(out, c);
			todo[c->order] = 0;
		}
		nd = ref_down(g, c, down);
		for (size_t k = 0; k < nd; k++) {
			int pending = 0;
			for (j = 0; j < ncur; j++)
				pending |= cur[j] == down[k];
			if (todo[down[k]->order] && !pending)
				add[nadd++] = down[k];
		}
		if (!nadd) {
			free(anc[idx]);
			memmove(&cur[idx], &cur[idx + 1], (ncur - idx - 1) * sizeof(*cur));
			memmove(&anc[idx], &anc[idx + 1], (ncur - idx - 1) * sizeof(*anc));
			ncur--;
			idx = idx ? idx - 1 : 0;
		} else {
			cur[idx] = add[0];
			ref_ancestors(g, add[0], anc[idx]);
			for (size_t k = 1; k < nadd; k++) {
				cur[ncur] = add[k];
				anc[ncur] = malloc(N);
				ref_ancestors(g, add[k], anc[ncur]);
				ncur++;
			}
		}
	}
	free(todo);
	free(anc);
	free(cur);
	free(down);
}

/* Random graphs with several roots, branches, merges and depends-on: the
 * history order equals the plain rendering of Alembic's algorithm. */
static void test_revision_walk__order_matches_reference(void **state)
{
	unsigned seed = 12345;
	(void)state;
	for (int round = 0; round < 200; round++) {
		enum { N = 40 };
		char *specs[N];
		mg_graph *g;
		mg_error err;
		mg_revlist got = MG_REVLIST_INIT, want = MG_REVLIST_INIT;
		for (int i = 0; i < N; i++) {
			char buf[256];
			int n = snprintf(buf, sizeof(buf), "r%02d", i);
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 8) % 100;
			if (i > 0 && r >= 8) {
				int p1 = i - 1 - (int)((seed >> 16) % (unsigned)(i < 6 ? i : 6));
				n += snprintf(buf + n, sizeof(buf) - (size_t)n, " revises=r%02d", p1);
				if (r >= 80 && i > 2) {
					int p2 = (int)((seed >> 20) % (unsigned)i);
					if (p2 != p1)
						n += snprintf(buf + n, sizeof(buf) - (size_t)n, ",r%02d", p2);
				}
			}
			if (i > 3 && r < 15) {
				int d = (int)((seed >> 12) % (unsigned)i);
				n += snprintf(buf + n, sizeof(buf) - (size_t)n, " depends=r%02d", d);
			}
			specs[i] = strdup(buf);
		}
		if (fixture_load(&g, &err, (const char *const *)specs, N) != MG_OK)
			fail_msg("round %d: %s", round, err.msg);
		assert_int_equal(mg_graph_history(g, NULL, &got, &err), MG_OK);
		ref_toposort(g, &want);
		{
			char *a = ids_of(&got), *b = ids_of(&want);
			if (strcmp(a, b) != 0)
				fail_msg("round %d:\n lazy %s\n ref  %s", round, a, b);
			free(a);
			free(b);
		}
		mg_revlist_release(&got);
		mg_revlist_release(&want);
		mg_graph_free(g);
		for (int i = 0; i < N; i++)
			free(specs[i]);
	}
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
		cmocka_unit_test(test_revision_walk__order_matches_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

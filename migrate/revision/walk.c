/*
 * Walking the graph: ancestor/descendant closures, Alembic's topological
 * order ("newest first", ties by file order), the history range, the
 * upgrade/downgrade plans the executor runs, the version-table step, and
 * reading a revision's sections back from its file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "revision/graph_int.h"
#include "util/buf.h"
#include "util/vec.h"

/* ---- closures ----------------------------------------------------------- */

static void mark_closure(const mg_graph *g, const mg_revision *const *from, size_t n, int up,
			 int with_deps, mg_bits *set)
{
	mg_vec stack = MG_VEC_INIT;

	for (size_t i = 0; i < n; i++) {
		if (!from[i])
			continue;
		mg_bits_set(set, from[i]->order);
		mg_vec_push(&stack, (void *)from[i]);
	}
	while (stack.len) {
		const mg_revision *r = mg_vec_pop(&stack);
		mg_revision *const *a = up ? r->parents : r->children;
		size_t na = up ? r->n_parents : r->n_children;
		mg_revision *const *b = up ? r->depends_on : r->dependents;
		size_t nb = with_deps ? (up ? r->n_depends_on : r->n_dependents) : 0;
		(void)g;
		for (size_t k = 0; k < na + nb; k++) {
			const mg_revision *x = k < na ? a[k] : b[k - na];
			if (!mg_bits_has(set, x->order)) {
				mg_bits_set(set, x->order);
				mg_vec_push(&stack, (void *)x);
			}
		}
	}
	mg_vec_release(&stack);
}

void mg_graph_mark_ancestors(const mg_graph *g, const mg_revision *const *from, size_t n,
			     int with_deps, mg_bits *set)
{
	mark_closure(g, from, n, 1, with_deps, set);
}

void mg_graph_mark_descendants(const mg_graph *g, const mg_revision *const *from, size_t n,
			       int with_deps, mg_bits *set)
{
	mark_closure(g, from, n, 0, with_deps, set);
}

static void collect(const mg_graph *g, const mg_bits *set, mg_revlist *out)
{
	for (size_t i = 0; i < g->n; i++)
		if (mg_bits_has(set, i))
			mg_revlist_push(out, g->revs[i]);
}

void mg_graph_ancestors(const mg_graph *g, const mg_revlist *from, mg_revlist *out)
{
	mg_bits s;
	mg_revlist_clear(out);
	mg_bits_init(&s, g->n);
	mg_graph_mark_ancestors(g, from->items, from->len, 1, &s);
	collect(g, &s, out);
	mg_bits_release(&s);
}

void mg_graph_descendants(const mg_graph *g, const mg_revlist *from, mg_revlist *out)
{
	mg_bits s;
	mg_revlist_clear(out);
	mg_bits_init(&s, g->n);
	mg_graph_mark_descendants(g, from->items, from->len, 1, &s);
	collect(g, &s, out);
	mg_bits_release(&s);
}

/* ---- Alembic's topological order ---------------------------------------- */

/* The ancestors of one pending head, discovered lazily: `set` holds what is
 * known, `heap` the known revisions not yet expanded, highest generation
 * first. Since generations fall strictly along every walk down, expanding
 * every revision above gen(c) decides whether c is an ancestor. */
typedef struct lazy_anc {
	mg_bits set;
	size_t *heap;
	size_t nheap, cap;
} lazy_anc;

static void heap_push(const mg_graph *g, lazy_anc *a, size_t i)
{
	size_t k;
	if (a->nheap == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->heap = mg_xrealloc(a->heap, a->cap * sizeof(*a->heap));
	}
	k = a->nheap++;
	while (k && g->gen[a->heap[(k - 1) / 2]] < g->gen[i]) {
		a->heap[k] = a->heap[(k - 1) / 2];
		k = (k - 1) / 2;
	}
	a->heap[k] = i;
}

static size_t heap_pop(const mg_graph *g, lazy_anc *a)
{
	size_t top = a->heap[0], last = a->heap[--a->nheap], k = 0;
	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= a->nheap)
			break;
		if (c + 1 < a->nheap && g->gen[a->heap[c + 1]] > g->gen[a->heap[c]])
			c++;
		if (g->gen[a->heap[c]] <= g->gen[last])
			break;
		a->heap[k] = a->heap[c];
		k = c;
	}
	if (a->nheap)
		a->heap[k] = last;
	return top;
}

static void lazy_init(const mg_graph *g, lazy_anc *a, const mg_revision *h)
{
	memset(a, 0, sizeof(*a));
	mg_bits_init(&a->set, g->n);
	mg_bits_set(&a->set, h->order);
	heap_push(g, a, h->order);
}

static void lazy_release(lazy_anc *a)
{
	mg_bits_release(&a->set);
	free(a->heap);
}

/* 1 when c is the head or one of its ancestors (parents + depends-on). */
static int lazy_has(const mg_graph *g, lazy_anc *a, const mg_revision *c)
{
	size_t gc = g->gen[c->order];
	while (a->nheap && g->gen[a->heap[0]] > gc) {
		const mg_revision *r = g->revs[heap_pop(g, a)];
		for (size_t k = 0; k < r->n_parents + r->n_depends_on; k++) {
			const mg_revision *d = k < r->n_parents ? r->parents[k] : r->depends_on[k - r->n_parents];
			if (!mg_bits_has(&a->set, d->order)) {
				mg_bits_set(&a->set, d->order);
				heap_push(g, a, d->order);
			}
		}
	}
	return mg_bits_has(&a->set, c->order);
}

/*
 * Inputs: todo (a set over file order), heads (the walk's starting points;
 * those outside todo are ignored). Output: todo's revisions appended to
 * out, each before its parents and dependencies. As Alembic's
 * _topological_sort: pending heads in file order; the current one is
 * followed down as long as no other pending head has the candidate among
 * its ancestors (else the walk switches to the first such head); a
 * candidate is replaced by its normalized down revisions that are in todo
 * and not pending. Alembic recomputes full ancestor sets at each merge;
 * here they grow lazily, so a walk costs about the revisions it emits
 * plus the branches it compares, not O(N) per merge point.
 */
void mg_graph_toposort(const mg_graph *g, const mg_bits *todo_in, const mg_revision *const *heads,
		       size_t nheads, mg_revlist *out)
{
	mg_bits todo, inheads;
	const mg_revision **cur = mg_xmalloc((g->n + 1) * sizeof(*cur));
	lazy_anc *anc = mg_xmalloc((g->n + 1) * sizeof(*anc));
	const mg_revision **add = mg_xmalloc((g->n + 1) * sizeof(*add));
	size_t ncur = 0, idx = 0;

	mg_bits_init(&todo, g->n);
	memcpy(todo.w, todo_in->w, todo.nwords * sizeof(*todo.w));
	mg_bits_init(&inheads, g->n);
	for (size_t i = 0; i < nheads; i++)
		if (mg_bits_has(&todo, heads[i]->order))
			mg_bits_set(&inheads, heads[i]->order);
	for (size_t i = 0; i < g->n; i++)
		if (mg_bits_has(&inheads, i)) {
			cur[ncur] = g->revs[i];
			lazy_init(g, &anc[ncur++], g->revs[i]);
		}
	while (ncur) {
		const mg_revision *cand = cur[idx];
		size_t other = ncur, i = cand->order;
		mg_revision *const *down;
		size_t nadd = 0, ndown;

		for (size_t j = 0; j < ncur; j++)
			if (j != idx && lazy_has(g, &anc[j], cand)) {
				other = j;
				break;
			}
		if (other < ncur) {
			idx = other;
			continue;
		}
		if (mg_bits_has(&todo, i)) {
			mg_revlist_push(out, cand);
			mg_bits_unset(&todo, i);
		}
		down = g->down[i];
		ndown = g->ndown[i];
		for (size_t k = 0; k < ndown; k++) {
			int pending = 0;
			if (!mg_bits_has(&todo, down[k]->order))
				continue;
			for (size_t j = 0; j < ncur && !pending; j++)
				pending = cur[j] == down[k];
			if (!pending)
				add[nadd++] = down[k];
		}
		if (!nadd) {
			lazy_release(&anc[idx]);
			memmove(&cur[idx], &cur[idx + 1], (ncur - idx - 1) * sizeof(*cur));
			memmove(&anc[idx], &anc[idx + 1], (ncur - idx - 1) * sizeof(*anc));
			ncur--;
			idx = idx ? idx - 1 : 0;
		} else if (cand->n_depends_on == 0 && cand->n_parents == 1) {
			/* Plain step down a line: the ancestors of the parent
			 * are those of the candidate minus the candidate. */
			lazy_has(g, &anc[idx], add[0]);
			mg_bits_unset(&anc[idx].set, cand->order);
			cur[idx] = add[0];
		} else {
			cur[idx] = add[0];
			lazy_release(&anc[idx]);
			lazy_init(g, &anc[idx], add[0]);
			for (size_t k = 1; k < nadd; k++) {
				cur[ncur] = add[k];
				lazy_init(g, &anc[ncur++], add[k]);
			}
		}
	}
	free(cur);
	free(anc);
	free(add);
	mg_bits_release(&todo);
	mg_bits_release(&inheads);
}

/* ---- history ------------------------------------------------------------ */

static int resolve_any(const mg_graph *g, const char *ident, const mg_revlist *current,
		       int mode, mg_revlist *out, const mg_revision **branch, mg_error *err)
{
	mg_relative r;
	int rc;

	if (branch)
		*branch = NULL;
	if (!mg_relative_parse(ident, &r))
		return mg_graph_get_revisions(g, ident, out, err);
	rc = mg_graph_resolve_relative(g, ident, &r, current, mode, out, branch, err);
	mg_relative_release(&r);
	return rc;
}

int mg_graph_history(const mg_graph *g, const char *range, mg_revlist *out, mg_error *err)
{
	char *lower = NULL, *upper = NULL;
	mg_revlist targets = MG_REVLIST_INIT, current = MG_REVLIST_INIT;
	mg_bits req, cur, desc;
	mg_relative rel;
	int rc = MG_OK;

	mg_revlist_clear(out);
	if (range) {
		const char *colon = strchr(range, ':');
		if (!colon)
			return mg_error_set(err, MG_EUSAGE,
					    "history range '%s' needs a ':' ([start]:[end], [start]: or :[end])", range);
		lower = mg_xstrndup(range, (size_t)(colon - range));
		upper = mg_xstrdup(colon + 1);
	}
	if (!lower || !*lower) {
		free(lower);
		lower = mg_xstrdup("base");
	}
	if (!upper || !*upper) {
		free(upper);
		upper = mg_xstrdup("heads");
	}
	mg_bits_init(&req, g->n);
	mg_bits_init(&cur, g->n);
	mg_bits_init(&desc, g->n);
	/* Targets: the upper end; a bare "+N" counts from the lower end. */
	if (mg_relative_parse(upper, &rel)) {
		if (!rel.symbol && rel.n > 0) {
			const mg_revision *start, *res;
			mg_revlist one = MG_REVLIST_INIT;
			rc = mg_graph_get_revision(g, lower, &start, err);
			if (rc == MG_OK) {
				if (start)
					mg_revlist_push(&one, start);
				rc = mg_graph_resolve_relative(g, upper, &rel, &one, 'u', &targets, NULL, err);
			}
			(void)res;
			mg_revlist_release(&one);
		} else {
			rc = mg_graph_resolve_relative(g, upper, &rel, NULL, 0, &targets, NULL, err);
		}
		mg_relative_release(&rel);
	} else {
		rc = mg_graph_get_revisions(g, upper, &targets, err);
	}
	if (rc != MG_OK)
		goto done;
	/* "LABEL@..." as the lower end keeps the targets on that branch. */
	if (strchr(lower, '@')) {
		char *label = mg_xstrndup(lower, strcspn(lower, "@"));
		const mg_revision *lr = mg_map_get(&g->by_label, label) ? NULL : mg_graph_get(g, label);
		const char *want = lr && lr->n_labels == 1 ? lr->labels[0] : label;
		size_t n = 0;
		for (size_t i = 0; i < targets.len; i++) {
			int member = 0;
			for (size_t k = 0; k < targets.items[i]->n_labels; k++)
				member |= strcmp(targets.items[i]->labels[k], want) == 0;
			if (member)
				targets.items[n++] = targets.items[i];
		}
		targets.len = n;
		free(label);
	}
	mg_graph_mark_ancestors(g, targets.items, targets.len, 1, &req);
	if ((rc = resolve_any(g, lower, NULL, 0, &current, NULL, err)) != MG_OK)
		goto done;
	for (size_t i = 0; i < current.len; i++)
		if (!mg_bits_has(&req, current.items[i]->order)) {
			rc = mg_error_set(err, MG_EINPUT, "revision '%s' is not an ancestor of revision '%s'", lower,
					  upper);
			goto done;
		}
	mg_graph_mark_ancestors(g, current.items, current.len, 1, &cur);
	for (size_t w = 0; w < req.nwords; w++)
		req.w[w] &= ~cur.w[w];
	for (size_t i = 0; i < current.len; i++)
		mg_bits_set(&req, current.items[i]->order);
	if (current.len) {
		mg_graph_mark_descendants(g, current.items, current.len, 0, &desc);
		for (size_t w = 0; w < req.nwords; w++)
			req.w[w] &= desc.w[w];
	}
	mg_graph_toposort(g, &req, targets.items, targets.len, out);
done:
	mg_bits_release(&req);
	mg_bits_release(&cur);
	mg_bits_release(&desc);
	mg_revlist_release(&targets);
	mg_revlist_release(&current);
	free(lower);
	free(upper);
	return rc;
}

/* ---- plans -------------------------------------------------------------- */

int mg_graph_plan_upgrade(const mg_graph *g, const mg_revlist *current, const char *target,
			  mg_revlist *out, mg_error *err)
{
	mg_revlist targets = MG_REVLIST_INIT;
	mg_bits req, cur;
	int rc;

	mg_revlist_clear(out);
	if (!target || !*target)
		return mg_error_set(err, MG_EUSAGE, "empty revision identifier");
	if ((rc = resolve_any(g, target, current, 'u', &targets, NULL, err)) != MG_OK) {
		mg_revlist_release(&targets);
		return rc;
	}
	mg_bits_init(&req, g->n);
	mg_bits_init(&cur, g->n);
	mg_graph_mark_ancestors(g, targets.items, targets.len, 1, &req);
	mg_graph_mark_ancestors(g, current->items, current->len, 1, &cur);
	for (size_t w = 0; w < req.nwords; w++)
		req.w[w] &= ~cur.w[w];
	mg_graph_toposort(g, &req, targets.items, targets.len, out);
	/* Alembic iterates the upgrade walk reversed: oldest first. */
	for (size_t i = 0, j = out->len; i + 1 < j; i++, j--) {
		const mg_revision *t = out->items[i];
		out->items[i] = out->items[j - 1];
		out->items[j - 1] = t;
	}
	mg_bits_release(&req);
	mg_bits_release(&cur);
	mg_revlist_release(&targets);
	return MG_OK;
}

int mg_graph_plan_downgrade(const mg_graph *g, const mg_revlist *current, const char *target,
			    mg_revlist *out, mg_error *err)
{
	mg_revlist t = MG_REVLIST_INIT, roots = MG_REVLIST_INIT;
	const mg_revision *tgt = NULL, *branch = NULL;
	mg_bits down, act;
	mg_relative rel;
	int rc;

	mg_revlist_clear(out);
	if (!target || !*target)
		return mg_error_set(err, MG_EUSAGE, "empty revision identifier");
	if (mg_relative_parse(target, &rel)) {
		rc = mg_graph_resolve_relative(g, target, &rel, current, 'd', &t, &branch, err);
		mg_relative_release(&rel);
		if (rc == MG_OK && t.len)
			tgt = t.items[0];
	} else {
		const char *at = strrchr(target, '@');
		rc = mg_graph_get_revision(g, target, &tgt, err);
		if (rc == MG_OK && at) {
			char *label = mg_xstrndup(target, (size_t)(at - target));
			rc = mg_graph_resolve_branch(g, label, &branch, err);
			free(label);
		}
	}
	mg_revlist_release(&t);
	if (rc != MG_OK)
		return rc;
	if (!tgt) {
		for (size_t i = 0; i < g->n; i++)
			if (g->revs[i]->n_parents == 0)
				mg_revlist_push(&roots, g->revs[i]);
	} else {
		for (size_t k = 0; k < tgt->n_children; k++)
			mg_revlist_push(&roots, tgt->children[k]);
	}
	if (branch && roots.len > 1) {
		mg_bits anc;
		size_t n = 0;
		mg_bits_init(&anc, g->n);
		mg_graph_mark_ancestors(g, &branch, 1, 0, &anc);
		for (size_t i = 0; i < roots.len; i++)
			if (mg_bits_has(&anc, roots.items[i]->order))
				roots.items[n++] = roots.items[i];
		roots.len = n;
		mg_bits_release(&anc);
		if (!n) {
			mg_revlist_release(&roots);
			return mg_error_set(err, MG_EINPUT, "'%s' is not a valid downgrade target from the current heads",
					    target);
		}
	}
	mg_bits_init(&down, g->n);
	mg_bits_init(&act, g->n);
	mg_graph_mark_descendants(g, roots.items, roots.len, 1, &down);
	mg_graph_mark_ancestors(g, current->items, current->len, 1, &act);
	int empty = 1;
	for (size_t w = 0; w < down.nwords; w++) {
		down.w[w] &= act.w[w];
		empty &= down.w[w] == 0;
	}
	rc = MG_OK;
	if (tgt && empty && !mg_bits_has(&act, tgt->order)) {
		char *names = mg_graph_join_ids(current->items, current->len, 10);
		rc = mg_error_set(err, MG_EINPUT,
				  "revision '%s' is not an ancestor of the current heads (%s): nothing to downgrade",
				  tgt->id, current->len ? names : "base");
		free(names);
	} else {
		mg_graph_toposort(g, &down, current->items, current->len, out);
	}
	mg_bits_release(&down);
	mg_bits_release(&act);
	mg_revlist_release(&roots);
	return rc;
}

/* ---- version table ------------------------------------------------------ */

static int in_list(const mg_revlist *l, const mg_revision *r)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i] == r)
			return 1;
	return 0;
}

static void remove_from(mg_revlist *l, const mg_revision *r)
{
	size_t n = 0;
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i] != r)
			l->items[n++] = l->items[i];
	l->len = n;
}

void mg_graph_step_heads(const mg_graph *g, mg_revlist *heads, const mg_revision *rev, int upgrade,
			 mg_revlist *removed, mg_revlist *added)
{
	mg_revlist_clear(removed);
	mg_revlist_clear(added);
	if (upgrade) {
		for (size_t k = 0; k < rev->n_parents + rev->n_depends_on; k++) {
			const mg_revision *d = k < rev->n_parents ? rev->parents[k] : rev->depends_on[k - rev->n_parents];
			if (in_list(heads, d) && !in_list(removed, d)) {
				mg_revlist_push(removed, d);
				remove_from(heads, d);
			}
		}
		if (!in_list(heads, rev)) {
			mg_revlist_push(added, rev);
			mg_revlist_push(heads, rev);
		}
		return;
	}
	if (!in_list(heads, rev))
		return;
	mg_revlist_push(removed, rev);
	remove_from(heads, rev);
	mg_revision *const *down = g->down[rev->order];
	size_t ndown = g->ndown[rev->order];
	int simple = 1;
	for (size_t k = 0; k < ndown; k++)
		simple &= down[k]->n_children + down[k]->n_dependents == 1;
	if (simple) {
		/* Only rev came after them: nothing else can stand above them. */
		for (size_t k = 0; k < ndown; k++)
			if (!in_list(heads, down[k])) {
				mg_revlist_push(added, down[k]);
				mg_revlist_push(heads, down[k]);
			}
		return;
	}
	/* Keep the parents no other head (or other parent) already implies. */
	mg_bits anc;
	mg_bits_init(&anc, g->n);
	mg_graph_mark_ancestors(g, heads->items, heads->len, 1, &anc);
	for (size_t k = 0; k < ndown; k++) {
		const mg_revision *d = down[k];
		mg_graph_mark_ancestors(g, (const mg_revision *const *)d->parents, d->n_parents, 1, &anc);
		mg_graph_mark_ancestors(g, (const mg_revision *const *)d->depends_on, d->n_depends_on, 1, &anc);
	}
	for (size_t k = 0; k < ndown; k++)
		if (!mg_bits_has(&anc, down[k]->order)) {
			mg_revlist_push(added, down[k]);
			mg_revlist_push(heads, down[k]);
		}
	mg_bits_release(&anc);
}

/* ---- sections ----------------------------------------------------------- */

const mg_rev_section *mg_revision_section(const mg_revision *rev, int upgrade, mg_dialect d,
					  mg_error *err)
{
	const mg_rev_section *generic = NULL;
	const char *what = upgrade ? "upgrade" : "downgrade";

	for (size_t i = 0; i < rev->n_sections; i++) {
		const mg_rev_section *s = &rev->sections[i];
		if (s->upgrade != upgrade)
			continue;
		if (d != MG_DIALECT_NONE && s->dialect == d)
			return s;
		if (s->dialect == MG_DIALECT_NONE)
			generic = s;
	}
	if (generic)
		return generic;
	if (rev->kind == MG_REV_C)
		mg_error_set(err, MG_ENOTFOUND, "revision '%s' is a C revision: it has no SQL sections (%s)", rev->id,
			     rev->path);
	else if (d != MG_DIALECT_NONE)
		mg_error_set(err, MG_ENOTFOUND, "revision '%s' has no %s section for %s (%s)", rev->id, what,
			     d == MG_DIALECT_POSTGRESQL ? "postgresql" : d == MG_DIALECT_MYSQL ? "mysql" : "sqlite",
			     rev->path);
	else
		mg_error_set(err, MG_ENOTFOUND, "revision '%s' has no %s section for every database (%s)", rev->id,
			     what, rev->path);
	return NULL;
}

int mg_revision_read_section(const mg_revision *rev, const mg_rev_section *s, char **out,
			     mg_error *err)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(rev->path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return mg_error_set(err, MG_EIO, "cannot read '%s': %s", rev->path, strerror(errno));
	if (fstat(fd, &st) != 0 || (size_t)st.st_size < s->offset + s->length) {
		close(fd);
		return mg_error_set(err, MG_EINPUT, "'%s' changed since it was loaded", rev->path);
	}
	buf = mg_xmalloc(s->length + 1);
	while (got < s->length) {
		ssize_t n = pread(fd, buf + got, s->length - got, (off_t)(s->offset + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			free(buf);
			close(fd);
			return mg_error_set(err, MG_EIO, "cannot read '%s': %s", rev->path,
					    n < 0 ? strerror(e) : "file shrank");
		}
		got += (size_t)n;
	}
	close(fd);
	buf[s->length] = '\0';
	*out = buf;
	return MG_OK;
}

int mg_revision_section_text(const mg_revision *rev, const mg_rev_section *s, const char *file,
			     size_t len, char **out, mg_error *err)
{
	*out = NULL;
	if (len < s->offset + s->length)
		return mg_error_set(err, MG_EINPUT, "'%s' changed since it was loaded", rev->path);
	*out = mg_xstrndup(file + s->offset, s->length);
	return MG_OK;
}

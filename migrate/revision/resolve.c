/*
 * Revision identifiers, resolved as Alembic's RevisionMap does: ids,
 * unique prefixes, branch labels, head/heads/base, LABEL@..., and relative
 * steps (+N/-N) that walk the graph one unambiguous step at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "revision/graph_int.h"
#include "util/buf.h"

#define PREFIX_MIN 4

/* Where a walk stands: a revision, "below the bases" (NULL, where walking
 * up starts) or "base" (where walking down past a base ends). */
static const mg_revision walk_base;
#define AT_BASE (&walk_base)

static int is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int mg_relative_parse(const char *ident, mg_relative *r)
{
	const char *at = strchr(ident, '@'), *rest = at ? at + 1 : ident, *p = rest, *digits;

	memset(r, 0, sizeof(*r));
	if (at == ident)
		return 0;
	while (is_word(*p))
		p++;
	if (*p != '+' && *p != '-')
		return 0;
	digits = p + 1;
	if (!*digits)
		return 0;
	for (const char *q = digits; *q; q++)
		if (*q < '0' || *q > '9')
			return 0;
	if (strlen(digits) > 9)
		return 0;
	r->label = at ? mg_xstrndup(ident, (size_t)(at - ident)) : NULL;
	r->symbol = p > rest ? mg_xstrndup(rest, (size_t)(p - rest)) : NULL;
	r->n = strtol(digits, NULL, 10) * (*p == '-' ? -1 : 1);
	return 1;
}

void mg_relative_release(mg_relative *r)
{
	free(r->label);
	free(r->symbol);
	r->label = r->symbol = NULL;
}

/* Ancestors and descendants of rev by parents only: Alembic's lineage. */
static void mark_lineage(const mg_graph *g, const mg_revision *rev, mg_bits *set)
{
	mg_graph_mark_ancestors(g, &rev, 1, 0, set);
	mg_graph_mark_descendants(g, &rev, 1, 0, set);
}

static int lookup_exact(const mg_graph *g, const char *id, const mg_revision **out)
{
	const mg_revision *r = mg_map_get(&g->by_id, id);
	if (!r)
		r = mg_map_get(&g->by_label, id);
	*out = r;
	return r != NULL;
}

/* Alembic's _revision_for_ident: exact id or label, else a unique prefix
 * (restricted to the branch's lineage when a branch is given). */
static int revision_for_ident(const mg_graph *g, const char *id, const char *branch,
			      const mg_revision **out, mg_error *err)
{
	const mg_revision *branch_rev = NULL, *rev = NULL;
	mg_bits lin = { 0 };
	int rc;

	*out = NULL;
	if (branch && (rc = mg_graph_resolve_branch(g, branch, &branch_rev, err)) != MG_OK)
		return rc;
	if (branch_rev) {
		mg_bits_init(&lin, g->n);
		mark_lineage(g, branch_rev, &lin);
	}
	if (!lookup_exact(g, id, &rev)) {
		size_t len = strlen(id), lo = 0, hi = g->n;
		mg_revlist found = MG_REVLIST_INIT;

		if (len < PREFIX_MIN) {
			mg_bits_release(&lin);
			return mg_error_set(err, MG_ENOTFOUND,
					    "unknown revision or branch label '%s' (a revision prefix needs at least %d characters)",
					    id, PREFIX_MIN);
		}
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (strcmp(g->sorted_ids[mid], id) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < g->n && strncmp(g->sorted_ids[i], id, len) == 0; i++) {
			const mg_revision *r = mg_map_get(&g->by_id, g->sorted_ids[i]);
			if (!branch_rev || mg_bits_has(&lin, r->order))
				mg_revlist_push(&found, r);
		}
		if (found.len == 0)
			rc = branch_rev ? mg_error_set(err, MG_ENOTFOUND, "no revision '%s' on branch '%s'", id, branch)
					: mg_error_set(err, MG_ENOTFOUND, "unknown revision or branch label '%s'", id);
		else if (found.len > 1) {
			char *names = mg_graph_join_ids(found.items, found.len, 10);
			rc = mg_error_set(err, MG_EAMBIGUOUS, "ambiguous revision prefix '%s' matches: %s", id, names);
			free(names);
		} else {
			rev = found.items[0];
			rc = MG_OK;
		}
		mg_revlist_release(&found);
		if (rc != MG_OK) {
			mg_bits_release(&lin);
			return rc;
		}
	}
	if (branch_rev && !mg_bits_has(&lin, rev->order)) {
		mg_bits_release(&lin);
		return mg_error_set(err, MG_ENOTFOUND, "revision '%s' is not on branch '%s'", rev->id, branch);
	}
	mg_bits_release(&lin);
	*out = rev;
	return MG_OK;
}

int mg_graph_resolve_branch(const mg_graph *g, const char *label, const mg_revision **out,
			    mg_error *err)
{
	const mg_revision *r = mg_map_get(&g->by_label, label);
	int rc;

	if (r) {
		*out = r;
		return MG_OK;
	}
	rc = revision_for_ident(g, label, NULL, out, err);
	if (rc == MG_ENOTFOUND)
		return mg_error_set(err, MG_ENOTFOUND, "unknown branch label or revision '%s'", label);
	return rc;
}

/* Keeps the revisions of list that share lineage with the branch. */
static int filter_lineage(const mg_graph *g, const char *branch, const mg_revision *const *list,
			  size_t n, mg_revlist *out, mg_error *err)
{
	const mg_revision *b;
	mg_bits lin;
	int rc = mg_graph_resolve_branch(g, branch, &b, err);

	if (rc != MG_OK)
		return rc;
	mg_bits_init(&lin, g->n);
	mark_lineage(g, b, &lin);
	for (size_t i = 0; i < n; i++)
		if (mg_bits_has(&lin, list[i]->order))
			mg_revlist_push(out, list[i]);
	mg_bits_release(&lin);
	return MG_OK;
}

static int multihead(mg_error *err, const char *ident, const mg_revision *const *revs, size_t n)
{
	char *names = mg_graph_join_ids(revs, n, 10);
	int rc;
	if (strcmp(ident, "head") == 0)
		rc = mg_error_set(err, MG_EMULTIHEAD,
				  "multiple heads are present for 'head': %s (use 'heads', or 'LABEL@head' for one branch)",
				  names);
	else
		rc = mg_error_set(err, MG_EMULTIHEAD, "'%s' matches several revisions: %s (name one of them)", ident,
				  names);
	free(names);
	return rc;
}

/* One step at a time, as Alembic's _walk. branch (may be NULL) limits the
 * way up to its lineage. */
static int walk(const mg_graph *g, const char *ident, const mg_revision *start, long steps,
		const char *branch, const mg_revision **out, mg_error *err)
{
	const mg_revision *pos = start;
	mg_revlist cand = MG_REVLIST_INIT;
	mg_bits lin = { 0 };
	int rc = MG_OK;

	if (branch && steps > 0) {
		const mg_revision *b;
		if ((rc = mg_graph_resolve_branch(g, branch, &b, err)) != MG_OK)
			return rc;
		mg_bits_init(&lin, g->n);
		mark_lineage(g, b, &lin);
	}
	for (long i = 0; i < labs(steps); i++) {
		mg_revlist_clear(&cand);
		if (steps > 0) {
			const mg_revision *const *next = pos && pos != AT_BASE ? (const mg_revision *const *)pos->children
									   : g->bases;
			size_t nnext = pos && pos != AT_BASE ? pos->n_children : g->nbases;
			for (size_t k = 0; k < nnext; k++)
				if (!lin.w || mg_bits_has(&lin, next[k]->order))
					mg_revlist_push(&cand, next[k]);
		} else if (pos != AT_BASE) {
			for (size_t k = 0; k < pos->n_parents; k++)
				mg_revlist_push(&cand, pos->parents[k]);
			if (!cand.len)
				mg_revlist_push(&cand, AT_BASE);
		}
		if (cand.len == 0) {
			rc = mg_error_set(err, MG_ENOTFOUND, steps > 0 ? "relative revision '%s' goes past the heads"
								       : "relative revision '%s' goes below base",
					  ident);
			break;
		}
		if (cand.len > 1) {
			char *names = mg_graph_join_ids(cand.items, cand.len, 10);
			if (steps < 0)
				rc = mg_error_set(err, MG_EMULTIHEAD,
						  "relative revision '%s' is ambiguous: '%s' is a merge of %s", ident,
						  pos->id, names);
			else if (pos && pos != AT_BASE)
				rc = mg_error_set(err, MG_EMULTIHEAD,
						  "relative revision '%s' is ambiguous: '%s' branches into %s (use LABEL@%s)",
						  ident, pos->id, names, ident);
			else
				rc = mg_error_set(err, MG_EMULTIHEAD,
						  "relative revision '%s' is ambiguous: there are several bases (%s)", ident,
						  names);
			free(names);
			break;
		}
		pos = cand.items[0];
	}
	mg_revlist_release(&cand);
	mg_bits_release(&lin);
	*out = pos;
	return rc;
}

static int push_walked(const mg_revision *r, mg_revlist *out)
{
	if (r && r != AT_BASE)
		mg_revlist_push(out, r);
	return MG_OK;
}

int mg_graph_get_revisions(const mg_graph *g, const char *ident, mg_revlist *out, mg_error *err)
{
	const char *at = strchr(ident, '@');
	char *label = at ? mg_xstrndup(ident, (size_t)(at - ident)) : NULL;
	const char *id = at ? at + 1 : ident;
	int rc = MG_OK;

	if (!*id || (label && !*label)) {
		rc = mg_error_set(err, MG_EUSAGE, "bad revision identifier '%s'", ident);
	} else if (strcmp(id, "heads") == 0) {
		if (label)
			rc = filter_lineage(g, label, g->heads, g->nheads, out, err);
		else
			for (size_t i = 0; i < g->nreal_heads; i++)
				mg_revlist_push(out, g->real_heads[i]);
	} else if (strcmp(id, "head") == 0) {
		mg_revlist h = MG_REVLIST_INIT;
		if (label)
			rc = filter_lineage(g, label, g->heads, g->nheads, &h, err);
		else
			for (size_t i = 0; i < g->nheads; i++)
				mg_revlist_push(&h, g->heads[i]);
		if (rc == MG_OK && h.len > 1) {
			if (label) {
				char *names = mg_graph_join_ids(h.items, h.len, 10);
				rc = mg_error_set(err, MG_EMULTIHEAD,
						  "multiple heads are present for '%s': %s (use '%s@heads' or a revision)",
						  ident, names, label);
				free(names);
			} else {
				rc = multihead(err, "head", h.items, h.len);
			}
		} else if (rc == MG_OK && h.len == 1) {
			mg_revlist_push(out, h.items[0]);
		}
		mg_revlist_release(&h);
	} else if (strcmp(id, "base") == 0) {
		/* base: the empty set */
	} else if (id[0] == '-' && id[1] && strspn(id + 1, "0123456789") == strlen(id + 1)) {
		/* LABEL@-N / -N without a database: down from the real heads. */
		long n = strtol(id, NULL, 10);
		for (size_t i = 0; i < g->nreal_heads && rc == MG_OK; i++) {
			const mg_revision *h = g->real_heads[i], *r;
			int member = !label;
			for (size_t k = 0; label && k < h->n_labels; k++)
				member |= strcmp(h->labels[k], label) == 0;
			if (!member)
				continue;
			if ((rc = walk(g, ident, h, n, NULL, &r, err)) == MG_OK)
				push_walked(r, out);
		}
	} else {
		const mg_revision *r;
		if ((rc = revision_for_ident(g, id, label, &r, err)) == MG_OK)
			mg_revlist_push(out, r);
	}
	free(label);
	return rc;
}

int mg_graph_get_revision(const mg_graph *g, const char *ident, const mg_revision **out,
			  mg_error *err)
{
	mg_revlist l = MG_REVLIST_INIT;
	int rc = mg_graph_get_revisions(g, ident, &l, err);

	*out = NULL;
	if (rc == MG_OK && l.len > 1)
		rc = multihead(err, ident, l.items, l.len);
	else if (rc == MG_OK && l.len == 1)
		*out = l.items[0];
	mg_revlist_release(&l);
	return rc;
}

/* The tips of current's closure that lie on the branch (Alembic's
 * _get_all_current + _filter_into_branch_heads, then filter_for_lineage). */
static void branch_tips(const mg_graph *g, const mg_revlist *current, const mg_bits *lin,
			mg_revlist *out)
{
	mg_bits all;
	mg_bits_init(&all, g->n);
	mg_graph_mark_ancestors(g, current->items, current->len, 1, &all);
	for (size_t i = 0; i < g->n; i++) {
		const mg_revision *r = g->revs[i];
		int tip = 1;
		if (!mg_bits_has(&all, i) || !mg_bits_has(lin, i))
			continue;
		for (size_t k = 0; k < r->n_children && tip; k++)
			tip = !mg_bits_has(&all, r->children[k]->order);
		if (tip)
			mg_revlist_push(out, r);
	}
	mg_bits_release(&all);
}

int mg_graph_resolve_relative(const mg_graph *g, const char *ident, const mg_relative *r,
			      const mg_revlist *current, int mode, mg_revlist *out,
			      const mg_revision **branch, mg_error *err)
{
	const mg_revision *start = NULL, *res = NULL, *b = NULL;
	mg_revlist starts = MG_REVLIST_INIT;
	mg_bits lin = { 0 };
	int rc = MG_OK;

	if (branch)
		*branch = NULL;
	if (r->label && (rc = mg_graph_resolve_branch(g, r->label, &b, err)) != MG_OK)
		return rc;
	if (b) {
		mg_bits_init(&lin, g->n);
		mark_lineage(g, b, &lin);
	}
	if (!r->symbol && r->n >= 0) {
		if (mode == 'd')
			rc = mg_error_set(err, MG_EUSAGE,
					  "relative revision '%s' cannot be a downgrade target (use '-N', a revision or 'base')",
					  ident);
		else if (!current)
			rc = mg_error_set(err, MG_EUSAGE, "relative revision '%s' needs the database's current revision",
					  ident);
		if (rc != MG_OK)
			goto done;
		for (size_t i = 0; i < current->len; i++)
			if (!b || mg_bits_has(&lin, current->items[i]->order))
				mg_revlist_push(&starts, current->items[i]);
		if (b && !starts.len) {
			/* The branch is not a current head: start from its tips
			 * among what is applied, or from base. */
			mg_bits all;
			mg_bits_init(&all, g->n);
			mg_graph_mark_ancestors(g, current->items, current->len, 1, &all);
			for (size_t i = 0; i < g->n; i++) {
				const mg_revision *x = g->revs[i];
				int tip = mg_bits_has(&all, i) && mg_bits_has(&lin, i);
				for (size_t j = 0; tip && j < x->n_children; j++)
					tip = !(mg_bits_has(&all, x->children[j]->order) &&
						mg_bits_has(&lin, x->children[j]->order));
				for (size_t j = 0; tip && j < x->n_dependents; j++)
					tip = !(mg_bits_has(&all, x->dependents[j]->order) &&
						mg_bits_has(&lin, x->dependents[j]->order));
				if (tip)
					mg_revlist_push(&starts, x);
			}
			mg_bits_release(&all);
		}
		if (starts.len > 1) {
			char *names = mg_graph_join_ids(starts.items, starts.len, 10);
			rc = mg_error_set(err, MG_EMULTIHEAD,
					  "relative revision '%s' is ambiguous: the database has several heads (%s); use LABEL@%s or REV%s",
					  ident, names, ident, ident);
			free(names);
			goto done;
		}
		start = starts.len ? starts.items[0] : NULL;
		rc = walk(g, ident, start, r->n, r->label, &res, err);
	} else if (!r->symbol) {
		if (mode == 'u') {
			rc = mg_error_set(err, MG_EUSAGE,
					  "relative revision '%s' cannot be an upgrade target (use 'downgrade %s')", ident,
					  ident);
			goto done;
		}
		if (!current) {
			rc = mg_graph_get_revisions(g, ident, out, err);
			goto done;
		}
		if (b) {
			for (size_t i = 0; i < current->len; i++)
				if (mg_bits_has(&lin, current->items[i]->order))
					mg_revlist_push(&starts, current->items[i]);
			if (!starts.len)
				branch_tips(g, current, &lin, &starts);
			if (starts.len != 1) {
				char *names = mg_graph_join_ids(starts.items, starts.len, 10);
				rc = starts.len ? mg_error_set(err, MG_EMULTIHEAD,
							       "relative revision '%s' is ambiguous: several current revisions are on branch '%s' (%s)",
							       ident, r->label, names)
						: mg_error_set(err, MG_ENOTFOUND,
							       "relative revision '%s': no current revision is on branch '%s'",
							       ident, r->label);
				free(names);
				goto done;
			}
			if (branch)
				*branch = b;
		} else {
			if (!current->len) {
				rc = mg_error_set(err, MG_ENOTFOUND,
						  "relative revision '%s' goes below base: the database is at base", ident);
				goto done;
			}
			if (current->len > 1) {
				char *names = mg_graph_join_ids(current->items, current->len, 10);
				rc = mg_error_set(err, MG_EMULTIHEAD,
						  "relative revision '%s' is ambiguous: the database has several heads (%s); use LABEL@%s or REV%s",
						  ident, names, ident, ident);
				free(names);
				goto done;
			}
			mg_revlist_push(&starts, current->items[0]);
			if (branch)
				*branch = current->items[0];
		}
		rc = walk(g, ident, starts.items[0], r->n, NULL, &res, err);
	} else if (r->n >= 0) {
		if ((rc = mg_graph_get_revision(g, r->symbol, &start, err)) != MG_OK)
			goto done;
		rc = walk(g, ident, start, r->n, r->label, &res, err);
	} else {
		char *sym = r->label ? mg_xstrndup(ident, strlen(r->label) + 1 + strlen(r->symbol)) : NULL;
		rc = mg_graph_get_revision(g, sym ? sym : r->symbol, &start, err);
		free(sym);
		if (rc != MG_OK)
			goto done;
		if (branch)
			*branch = b;
		rc = walk(g, ident, start ? start : AT_BASE, r->n, NULL, &res, err);
	}
	if (rc == MG_OK)
		push_walked(res, out);
done:
	mg_revlist_release(&starts);
	mg_bits_release(&lin);
	return rc;
}

int mg_graph_resolve(const mg_graph *g, const char *ident, const mg_revlist *current,
		     mg_revlist *out, mg_error *err)
{
	mg_relative r;
	int rc;

	mg_revlist_clear(out);
	if (!ident || !*ident)
		return mg_error_set(err, MG_EUSAGE, "empty revision identifier");
	if (strchr(ident, ':'))
		return mg_error_set(err, MG_EUSAGE, "'%s' is a range, not a revision", ident);
	if (!mg_relative_parse(ident, &r))
		return mg_graph_get_revisions(g, ident, out, err);
	rc = mg_graph_resolve_relative(g, ident, &r, current, 0, out, NULL, err);
	mg_relative_release(&r);
	return rc;
}

/*
 * Loading the revision graph: walks the version folders in a fixed order,
 * parses each revision file once, links parents / depends-on / children
 * through hash maps, and validates (duplicates, missing references, cycles,
 * labels) before computing heads, bases and inherited branch labels.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "revision/graph_int.h"
#include "util/buf.h"
#include "util/vec.h"

/* ---- small shared pieces ---------------------------------------------- */

void mg_revlist_push(mg_revlist *l, const mg_revision *rev)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = mg_xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->len++] = rev;
}

void mg_revlist_clear(mg_revlist *l)
{
	l->len = 0;
}

void mg_revlist_release(mg_revlist *l)
{
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

void mg_bits_init(mg_bits *b, size_t n)
{
	b->nwords = (n + 63) / 64;
	b->w = mg_xcalloc(b->nwords ? b->nwords : 1, sizeof(*b->w));
}

void mg_bits_release(mg_bits *b)
{
	free(b->w);
	b->w = NULL;
	b->nwords = 0;
}

char *mg_graph_join_ids(const mg_revision *const *revs, size_t n, size_t max)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < n && i < max; i++)
		mg_buf_printf(&b, "%s%s", i ? ", " : "", revs[i]->id);
	if (n > max)
		mg_buf_printf(&b, " and %zu more", n - max);
	return mg_buf_detach(&b);
}

/* ---- reading the folders ---------------------------------------------- */

typedef struct loader {
	mg_arena *arena;
	mg_vec revs;      /* mg_revision *, file order */
	mg_rev_lines *lines;
	size_t lines_cap;
	mg_buf content;   /* reused for every file */
	mg_hcache *cache; /* NULL: every file is read */
	mg_error *err;
} loader;

static void push_rev(loader *ld, mg_revision *rev, const mg_rev_lines *lines)
{
	if (ld->revs.len == ld->lines_cap) {
		ld->lines_cap = ld->lines_cap ? ld->lines_cap * 2 : 64;
		ld->lines = mg_xrealloc(ld->lines, ld->lines_cap * sizeof(*ld->lines));
	}
	ld->lines[ld->revs.len] = *lines;
	mg_vec_push(&ld->revs, rev);
}

/* Parses one file's text; *rev NULL when it is not a revision file. */
static int parse_file(loader *ld, const char *path, const char *text, size_t len, mg_revision **rev,
		      mg_rev_lines *lines)
{
	size_t plen = strlen(path);

	*rev = NULL;
	memset(lines, 0, sizeof(*lines));
	if (plen > 4 && strcmp(path + plen - 4, ".sql") == 0)
		return mg_rev_parse_sql(ld->arena, path, text, len, rev, lines, ld->err);
	if (plen > 2 && strcmp(path + plen - 2, ".c") == 0)
		return mg_rev_parse_c(ld->arena, path, text, len, rev, lines, ld->err);
	return MG_OK;
}

static int add_file(loader *ld, const char *path, const char *text, size_t len)
{
	mg_revision *rev;
	mg_rev_lines lines;
	int rc = parse_file(ld, path, text, len, &rev, &lines);

	if (rc == MG_OK && rev)
		push_rev(ld, rev, &lines);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_fd(int fd, mg_buf *b)
{
	mg_buf_clear(b);
	return mg_buf_read_fd(b, fd, 1); /* walk_dir reads regular files only */
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* One revision file: from the header cache when its stat is unchanged
 * (one fstatat), else read and parsed (and recorded for the next load). */
static int read_file(loader *ld, int dfd, const char *name, const char *full)
{
	struct stat st;
	mg_revision *rev;
	mg_rev_lines lines;
	int fd, rc, cached = ld->cache && fstatat(dfd, name, &st, 0) == 0;

	if (cached && mg_hcache_lookup(ld->cache, full, &st, ld->arena, &rev, &lines)) {
		if (rev)
			push_rev(ld, rev, &lines);
		return MG_OK;
	}
	/* The stat above was taken before the read: a change after it shows
	 * as another stat on the next load (git's order). */
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_fd(fd, &ld->content) != 0) {
		rc = mg_error_set(ld->err, MG_EIO, "cannot read '%s': %s", full, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	rc = parse_file(ld, full, ld->content.ptr, ld->content.len, &rev, &lines);
	if (rc != MG_OK)
		return rc;
	if (cached)
		mg_hcache_record(ld->cache, full, &st, rev, &lines);
	if (rev)
		push_rev(ld, rev, &lines);
	return MG_OK;
}

/* dir + "/" + name in the arena (once per file on every load: no printf). */
static char *join_path(mg_arena *a, const char *dir, const char *name)
{
	size_t n = strlen(dir), m = strlen(name);
	char *p = mg_arena_alloc(a, n + m + 2);

	memcpy(p, dir, n);
	p[n] = '/';
	memcpy(p + n + 1, name, m + 1);
	return p;
}

/* The revision candidates (*.sql, *.c) and subfolders of a folder, each
 * sorted, names strdup'ed into the vectors; *plain is 0 when an entry is
 * a symbolic link (or of a type getdents does not tell). dfd stays open. */
static int list_dir(loader *ld, int dfd, const char *path, mg_vec *files, mg_vec *dirs, int *plain)
{
	int lfd = dup(dfd);
	DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
	struct dirent *e;

	*plain = 1;
	if (!d) {
		if (lfd >= 0)
			close(lfd);
		return mg_error_set(ld->err, MG_EIO, "cannot read folder '%s': %s", path, strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		int is_dir = e->d_type == DT_DIR, is_reg = e->d_type == DT_REG;
		if (e->d_name[0] == '.')
			continue;
		if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
			struct stat st;
			*plain = 0;
			if (fstatat(dfd, e->d_name, &st, 0) != 0)
				continue;
			is_dir = S_ISDIR(st.st_mode);
			is_reg = S_ISREG(st.st_mode);
		}
		if (is_dir)
			mg_vec_push(dirs, mg_xstrdup(e->d_name));
		else if (is_reg && (ends_with(e->d_name, ".sql") || ends_with(e->d_name, ".c")))
			mg_vec_push(files, mg_xstrdup(e->d_name));
	}
	closedir(d);
	mg_vec_sort(files, cmp_str);
	mg_vec_sort(dirs, cmp_str);
	return MG_OK;
}

/* Files of a folder sorted by name, then its subfolders sorted (as
 * Alembic's os.walk with sorted names). Hidden entries are skipped. The
 * listing comes from the header cache when the folder's stat is unchanged
 * (names then borrowed from it), else from getdents (names owned here).
 * Takes dfd. */
static int walk_dir(loader *ld, int dfd, const char *path)
{
	mg_vec files = MG_VEC_INIT, dirs = MG_VEC_INIT;
	struct stat st;
	int rc = MG_OK, owned = 1, have_stat = ld->cache && fstat(dfd, &st) == 0;

	if (have_stat && mg_hcache_folder(ld->cache, path, &st, &files, &dirs)) {
		owned = 0;
	} else {
		int plain;
		rc = list_dir(ld, dfd, path, &files, &dirs, &plain);
		if (rc == MG_OK && have_stat)
			mg_hcache_record_folder(ld->cache, path, &st, &files, &dirs, plain);
	}
	for (size_t i = 0; i < files.len && rc == MG_OK; i++)
		rc = read_file(ld, dfd, files.items[i], join_path(ld->arena, path, files.items[i]));
	for (size_t i = 0; i < dirs.len && rc == MG_OK; i++) {
		const char *name = dirs.items[i];
		char *full = join_path(ld->arena, path, name);
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0)
			rc = mg_error_set(ld->err, MG_EIO, "cannot read folder '%s': %s", full, strerror(errno));
		else
			rc = walk_dir(ld, sub, full);
	}
	for (size_t i = 0; owned && i < files.len; i++)
		free(files.items[i]);
	for (size_t i = 0; owned && i < dirs.len; i++)
		free(dirs.items[i]);
	mg_vec_release(&files);
	mg_vec_release(&dirs);
	close(dfd);
	return rc;
}

/* ---- building and validating ------------------------------------------ */

static int cmp_rev_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reports a cycle among the revisions Kahn's algorithm could not order:
 * each of them has a parent or dependency among them, so walking down
 * from one must come back to a revision already seen. */
static int report_cycle(mg_graph *g, const size_t *indeg, mg_error *err)
{
	size_t *pos = mg_xmalloc(g->n * sizeof(*pos));
	size_t *path = mg_xmalloc((g->n + 1) * sizeof(*path));
	size_t len = 0, cur = g->n, start, best;
	mg_buf b = MG_BUF_INIT;
	int rc;

	for (size_t i = 0; i < g->n; i++) {
		pos[i] = (size_t)-1;
		if (indeg[i] && cur == g->n)
			cur = i;
	}
	while (pos[cur] == (size_t)-1) {
		mg_revision *r = g->revs[cur];
		size_t next = g->n;
		pos[cur] = len;
		path[len++] = cur;
		for (size_t k = 0; k < r->n_parents && next == g->n; k++)
			if (indeg[r->parents[k]->order])
				next = r->parents[k]->order;
		for (size_t k = 0; k < r->n_depends_on && next == g->n; k++)
			if (indeg[r->depends_on[k]->order])
				next = r->depends_on[k]->order;
		cur = next;
	}
	/* The cycle is path[pos[cur]..len); start it at its first file. */
	start = pos[cur];
	best = start;
	for (size_t i = start; i < len; i++)
		if (path[i] < path[best])
			best = i;
	for (size_t k = 0; k <= len - start; k++) {
		size_t i = start + (best - start + k) % (len - start);
		mg_buf_printf(&b, "%s'%s'", k ? " -> " : "", g->revs[path[i]]->id);
	}
	rc = mg_error_set(err, MG_ECYCLE,
			  "cycle in the revision graph: %s (each revises or depends on the next)", b.ptr);
	mg_buf_release(&b);
	free(pos);
	free(path);
	return rc;
}

/* Kahn's algorithm over parents + depends-on; MG_ECYCLE if some remain. */
static int check_cycles(mg_graph *g, mg_error *err)
{
	size_t *indeg = mg_xcalloc(g->n ? g->n : 1, sizeof(*indeg));
	size_t *queue = mg_xmalloc((g->n ? g->n : 1) * sizeof(*queue));
	size_t qh = 0, qt = 0, done = 0;
	int rc = MG_OK;

	for (size_t i = 0; i < g->n; i++) {
		indeg[i] = g->revs[i]->n_parents + g->revs[i]->n_depends_on;
		if (!indeg[i])
			queue[qt++] = i;
	}
	g->gen = mg_arena_alloc(&g->arena, (g->n + 1) * sizeof(*g->gen));
	while (qh < qt) {
		mg_revision *r = g->revs[queue[qh++]];
		size_t next_gen = g->gen[r->order] + 1;
		done++;
		for (size_t k = 0; k < r->n_children + r->n_dependents; k++) {
			mg_revision *x = k < r->n_children ? r->children[k] : r->dependents[k - r->n_children];
			if (g->gen[x->order] < next_gen)
				g->gen[x->order] = next_gen;
			if (--indeg[x->order] == 0)
				queue[qt++] = x->order;
		}
	}
	if (done < g->n)
		rc = report_cycle(g, indeg, err);
	free(indeg);
	free(queue);
	return rc;
}

static int link_graph(mg_graph *g, mg_error *err)
{
	mg_arena *a = &g->arena;

	/* Ids. */
	for (size_t i = 0; i < g->n; i++) {
		mg_revision *r = g->revs[i], *prev;
		r->order = i;
		prev = mg_map_put(&g->by_id, r->id, r);
		if (prev)
			return mg_error_set(err, MG_EINPUT, "duplicate revision id '%s' in '%s:%d' and '%s:%d'", r->id,
					    prev->path, prev->line, r->path, r->line);
	}
	/* Labels. */
	for (size_t i = 0; i < g->n; i++) {
		mg_revision *r = g->revs[i];
		for (size_t k = 0; k < r->n_branch_labels; k++) {
			const char *l = r->branch_labels[k];
			mg_revision *other = mg_map_get(&g->by_id, l);
			if (other)
				return mg_error_set(err, MG_EINPUT,
						    "%s:%d: branch label '%s' of revision '%s' is also a revision id (%s:%d)",
						    r->path, g->lines[i].branch_labels, l, r->id, other->path,
						    other->line);
			other = mg_map_put(&g->by_label, l, r);
			if (other)
				return mg_error_set(err, MG_EINPUT,
						    "branch label '%s' is used twice: by '%s' (%s:%d) and '%s' (%s:%d)", l,
						    other->id, other->path, g->lines[other->order].branch_labels, r->id,
						    r->path, g->lines[i].branch_labels);
		}
	}
	/* Parents and dependencies. */
	size_t *nchild = mg_xcalloc(g->n ? g->n : 1, sizeof(size_t));
	size_t *ndep = mg_xcalloc(g->n ? g->n : 1, sizeof(size_t));
	int rc = MG_OK;
	for (size_t i = 0; i < g->n && rc == MG_OK; i++) {
		mg_revision *r = g->revs[i];
		r->parents = mg_arena_alloc(a, (r->n_parents + 1) * sizeof(*r->parents));
		for (size_t k = 0; k < r->n_parents; k++) {
			mg_revision *p = mg_map_get(&g->by_id, r->parent_ids[k]);
			if (!p) {
				rc = mg_error_set(err, MG_EINPUT, "%s:%d: revision '%s' revises '%s', which does not exist",
						  r->path, g->lines[i].revises, r->id, r->parent_ids[k]);
				break;
			}
			r->parents[k] = p;
			nchild[p->order]++;
		}
		r->depends_on = mg_arena_alloc(a, (r->n_depends_on + 1) * sizeof(*r->depends_on));
		for (size_t k = 0; k < r->n_depends_on && rc == MG_OK; k++) {
			mg_revision *p = mg_map_get(&g->by_id, r->depends_on_ids[k]);
			if (!p)
				p = mg_map_get(&g->by_label, r->depends_on_ids[k]);
			if (!p) {
				rc = mg_error_set(err, MG_EINPUT,
						  "%s:%d: revision '%s' depends on '%s', which is neither a revision nor a branch label",
						  r->path, g->lines[i].depends_on, r->id, r->depends_on_ids[k]);
				break;
			}
			for (size_t j = 0; j < k; j++)
				if (r->depends_on[j] == p) {
					rc = mg_error_set(err, MG_EINPUT, "%s:%d: revision '%s' depends on '%s' twice",
							  r->path, g->lines[i].depends_on, r->id, p->id);
					break;
				}
			r->depends_on[k] = p;
			ndep[p->order]++;
		}
	}
	if (rc == MG_OK) {
		for (size_t i = 0; i < g->n; i++) {
			g->revs[i]->children = mg_arena_alloc(a, (nchild[i] + 1) * sizeof(mg_revision *));
			g->revs[i]->dependents = mg_arena_alloc(a, (ndep[i] + 1) * sizeof(mg_revision *));
		}
		for (size_t i = 0; i < g->n; i++) {
			mg_revision *r = g->revs[i];
			for (size_t k = 0; k < r->n_parents; k++)
				r->parents[k]->children[r->parents[k]->n_children++] = r;
			for (size_t k = 0; k < r->n_depends_on; k++)
				r->depends_on[k]->dependents[r->depends_on[k]->n_dependents++] = r;
		}
	}
	free(nchild);
	free(ndep);
	return rc;
}

/* Alembic's _normalize_depends_on: drop the depends-on an ancestor (by
 * parents) already depends on; down = parents + what remains. */
static void normalize_down(mg_graph *g)
{
	mg_arena *a = &g->arena;
	mg_bits anc, deps_of_anc;
	int have_bits = 0;

	g->down = mg_arena_alloc(a, (g->n + 1) * sizeof(*g->down));
	g->ndown = mg_arena_alloc(a, (g->n + 1) * sizeof(*g->ndown));
	for (size_t i = 0; i < g->n; i++) {
		mg_revision *r = g->revs[i];
		mg_revision **d = mg_arena_alloc(a, (r->n_parents + r->n_depends_on + 1) * sizeof(*d));
		size_t n = 0;

		for (size_t k = 0; k < r->n_parents; k++)
			d[n++] = r->parents[k];
		if (r->n_depends_on) {
			const mg_revision *self = r;
			if (!have_bits) {
				mg_bits_init(&anc, g->n);
				mg_bits_init(&deps_of_anc, g->n);
				have_bits = 1;
			}
			memset(anc.w, 0, anc.nwords * sizeof(*anc.w));
			memset(deps_of_anc.w, 0, deps_of_anc.nwords * sizeof(*deps_of_anc.w));
			mg_graph_mark_ancestors(g, &self, 1, 0, &anc);
			for (size_t j = 0; j < g->n; j++) {
				if (j == i || !mg_bits_has(&anc, j))
					continue;
				for (size_t k = 0; k < g->revs[j]->n_depends_on; k++)
					mg_bits_set(&deps_of_anc, g->revs[j]->depends_on[k]->order);
			}
			for (size_t k = 0; k < r->n_depends_on; k++) {
				mg_revision *dep = r->depends_on[k];
				int dup = 0;
				if (mg_bits_has(&deps_of_anc, dep->order))
					continue;
				for (size_t j = 0; j < n; j++)
					dup |= d[j] == dep;
				if (!dup)
					d[n++] = dep;
			}
		}
		g->down[i] = d;
		g->ndown[i] = n;
	}
	if (have_bits) {
		mg_bits_release(&anc);
		mg_bits_release(&deps_of_anc);
	}
}

/* Alembic's _add_branches: a label covers the labelled revision, all its
 * descendants (by parents), and its ancestors down to (excluding) the first
 * branch point or merge point. Alembic walks that last part down from an
 * arbitrary descendant; we walk it from the labelled revision itself. */
static void propagate_labels(mg_graph *g)
{
	mg_vec *per = NULL;
	mg_bits seen;
	mg_vec stack = MG_VEC_INIT;
	int any = 0;

	for (size_t i = 0; i < g->n; i++)
		any |= g->revs[i]->n_branch_labels != 0;
	if (!any)
		return;
	per = mg_xcalloc(g->n, sizeof(*per));
	mg_bits_init(&seen, g->n);
	for (size_t i = 0; i < g->n; i++) {
		mg_revision *r = g->revs[i], *p;
		if (!r->n_branch_labels)
			continue;
		memset(seen.w, 0, seen.nwords * sizeof(*seen.w));
		mg_vec_clear(&stack);
		mg_vec_push(&stack, r);
		mg_bits_set(&seen, r->order);
		while (stack.len) {
			mg_revision *x = mg_vec_pop(&stack);
			for (size_t k = 0; k < r->n_branch_labels; k++)
				mg_vec_push(&per[x->order], (void *)r->branch_labels[k]);
			for (size_t k = 0; k < x->n_children; k++)
				if (!mg_bits_has(&seen, x->children[k]->order)) {
					mg_bits_set(&seen, x->children[k]->order);
					mg_vec_push(&stack, x->children[k]);
				}
		}
		for (p = r->n_parents == 1 ? r->parents[0] : NULL; p;
		     p = p->n_parents == 1 ? p->parents[0] : NULL) {
			if (p->n_children + p->n_dependents > 1 || p->n_parents > 1 || mg_bits_has(&seen, p->order))
				break;
			mg_bits_set(&seen, p->order);
			for (size_t k = 0; k < r->n_branch_labels; k++)
				mg_vec_push(&per[p->order], (void *)r->branch_labels[k]);
		}
	}
	for (size_t i = 0; i < g->n; i++) {
		mg_vec *v = &per[i];
		const char **out;
		size_t n = 0;
		if (!v->len)
			continue;
		mg_vec_sort(v, cmp_cstr);
		out = mg_arena_alloc(&g->arena, v->len * sizeof(*out));
		for (size_t k = 0; k < v->len; k++)
			if (!n || strcmp(out[n - 1], v->items[k]) != 0)
				out[n++] = v->items[k];
		g->revs[i]->labels = out;
		g->revs[i]->n_labels = n;
		mg_vec_release(v);
	}
	mg_vec_release(&stack);
	mg_bits_release(&seen);
	free(per);
}

static void finish(mg_graph *g)
{
	mg_arena *a = &g->arena;

	g->heads = mg_arena_alloc(a, (g->n + 1) * sizeof(*g->heads));
	g->real_heads = mg_arena_alloc(a, (g->n + 1) * sizeof(*g->real_heads));
	g->bases = mg_arena_alloc(a, (g->n + 1) * sizeof(*g->bases));
	g->sorted_ids = mg_arena_alloc(a, (g->n + 1) * sizeof(*g->sorted_ids));
	for (size_t i = 0; i < g->n; i++) {
		mg_revision *r = g->revs[i];
		r->is_head = r->n_children == 0;
		r->is_real_head = r->n_children == 0 && r->n_dependents == 0;
		r->is_base = r->n_parents == 0;
		r->is_real_base = r->n_parents == 0 && r->n_depends_on == 0;
		r->is_branch_point = r->n_children > 1;
		r->is_merge_point = r->n_parents > 1;
		if (r->is_head)
			g->heads[g->nheads++] = r;
		if (r->is_real_head)
			g->real_heads[g->nreal_heads++] = r;
		if (r->is_base)
			g->bases[g->nbases++] = r;
		g->sorted_ids[i] = r->id;
	}
	qsort(g->sorted_ids, g->n, sizeof(*g->sorted_ids), cmp_rev_id);
	propagate_labels(g);
}

static mg_graph *graph_new(void)
{
	mg_graph *g = mg_xcalloc(1, sizeof(*g));
	mg_arena_init(&g->arena);
	mg_map_init(&g->by_id);
	mg_map_init(&g->by_label);
	return g;
}

static int build_graph(mg_graph *g, loader *ld, mg_error *err)
{
	int rc;

	g->n = ld->revs.len;
	g->revs = mg_arena_alloc(&g->arena, (g->n + 1) * sizeof(*g->revs));
	g->lines = mg_arena_alloc(&g->arena, (g->n + 1) * sizeof(*g->lines));
	for (size_t i = 0; i < g->n; i++) {
		g->revs[i] = ld->revs.items[i];
		g->lines[i] = ld->lines[i];
	}
	if ((rc = link_graph(g, err)) != MG_OK)
		return rc;
	if ((rc = check_cycles(g, err)) != MG_OK)
		return rc;
	normalize_down(g);
	finish(g);
	return MG_OK;
}

static void loader_release(loader *ld)
{
	mg_vec_release(&ld->revs);
	free(ld->lines);
	mg_buf_release(&ld->content);
}

int mg_graph_load(mg_graph **out, const char *const *dirs, size_t ndirs, mg_error *err)
{
	return mg_graph_load_cached(out, dirs, ndirs, NULL, err);
}

int mg_graph_load_cached(mg_graph **out, const char *const *dirs, size_t ndirs, const char *cache_dir,
			 mg_error *err)
{
	mg_graph *g = graph_new();
	loader ld = { &g->arena, MG_VEC_INIT, NULL, 0, MG_BUF_INIT, NULL, err };
	int rc = MG_OK;

	*out = NULL;
	ld.cache = mg_hcache_open(cache_dir, dirs, ndirs);
	for (size_t i = 0; i < ndirs && rc == MG_OK; i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			rc = mg_error_set(err, MG_EIO, "cannot read version folder '%s': %s", dirs[i], strerror(errno));
			break;
		}
		rc = walk_dir(&ld, fd, dirs[i]);
	}
	if (rc == MG_OK)
		rc = build_graph(g, &ld, err);
	mg_hcache_close(ld.cache, rc == MG_OK);
	loader_release(&ld);
	if (rc != MG_OK) {
		mg_graph_free(g);
		return rc;
	}
	*out = g;
	return MG_OK;
}

int mg_graph_load_texts(mg_graph **out, const char *const *names, const char *const *texts,
			size_t n, mg_error *err)
{
	mg_graph *g = graph_new();
	loader ld = { &g->arena, MG_VEC_INIT, NULL, 0, MG_BUF_INIT, NULL, err };
	int rc = MG_OK;

	*out = NULL;
	for (size_t i = 0; i < n && rc == MG_OK; i++)
		rc = add_file(&ld, mg_arena_strdup(&g->arena, names[i]), texts[i], strlen(texts[i]));
	if (rc == MG_OK)
		rc = build_graph(g, &ld, err);
	loader_release(&ld);
	if (rc != MG_OK) {
		mg_graph_free(g);
		return rc;
	}
	*out = g;
	return MG_OK;
}

void mg_graph_free(mg_graph *g)
{
	if (!g)
		return;
	mg_map_release(&g->by_id);
	mg_map_release(&g->by_label);
	mg_arena_release(&g->arena);
	free(g);
}

void mg_graph_set_checksum(mg_graph *g, const mg_revision *rev, const char *hex)
{
	mg_revision *r = g->revs[rev->order];
	size_t n = strlen(hex);
	if (n >= sizeof(r->checksum))
		n = sizeof(r->checksum) - 1;
	memcpy(r->checksum, hex, n);
	r->checksum[n] = '\0';
}

size_t mg_graph_count(const mg_graph *g)
{
	return g->n;
}

const mg_revision *mg_graph_at(const mg_graph *g, size_t i)
{
	return i < g->n ? g->revs[i] : NULL;
}

const mg_revision *mg_graph_get(const mg_graph *g, const char *id)
{
	return mg_map_get(&g->by_id, id);
}

const mg_revision *const *mg_graph_heads(const mg_graph *g, size_t *n)
{
	*n = g->nheads;
	return g->heads;
}

const mg_revision *const *mg_graph_bases(const mg_graph *g, size_t *n)
{
	*n = g->nbases;
	return g->bases;
}

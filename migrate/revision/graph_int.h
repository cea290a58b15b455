/*
 * Internals of the revision graph shared by the loader (load.c), the file
 * parsers (parse.c), identifier resolution (resolve.c) and the walks
 * (walk.c). Not a public header.
 */
#ifndef MG_REVISION_GRAPH_INT_H
#define MG_REVISION_GRAPH_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "migrate/graph.h"
#include "util/arena.h"
#include "util/map.h"
#include "util/vec.h"

/* Where each directive sat in its file, for messages about the graph. */
typedef struct mg_rev_lines {
	int revises;
	int depends_on;
	int branch_labels;
} mg_rev_lines;

struct mg_graph {
	mg_arena arena;
	mg_revision **revs; /* n, file order; revs[i]->order == i */
	size_t n;
	mg_rev_lines *lines; /* n */
	mg_map by_id;        /* id -> mg_revision */
	mg_map by_label;     /* declared branch label -> mg_revision */
	const char **sorted_ids; /* n ids, strcmp order, for prefix lookup */
	const mg_revision **heads;      /* is_head, file order */
	size_t nheads;
	const mg_revision **real_heads; /* is_real_head, file order */
	size_t nreal_heads;
	const mg_revision **bases;
	size_t nbases;
	/* Alembic's _normalized_down_revisions: parents, then the depends-on
	 * that are not already depends-on of an ancestor. */
	mg_revision ***down;
	size_t *ndown;
	/* Generation: 0 for a real base, else 1 + the largest generation of
	 * its parents and depends-on; strictly decreases along every walk
	 * down, which bounds ancestor searches. */
	size_t *gen;
};

/* Parses one file. *out is NULL (and MG_OK returned) when the file is not a
 * revision file (a .sql without any `-- migrate:` directive, a .c without
 * MIGRATE_REVISION). lines gets the directive lines. */
int mg_rev_parse_sql(mg_arena *a, const char *path, const char *text, size_t len,
		     mg_revision **out, mg_rev_lines *lines, mg_error *err);
int mg_rev_parse_c(mg_arena *a, const char *path, const char *text, size_t len,
		   mg_revision **out, mg_rev_lines *lines, mg_error *err);

/* The revision-header cache (header_cache.c). mg_hcache_open returns NULL
 * when cache_dir is NULL; every function accepts a NULL cache. lookup: 1
 * and *rev (NULL for a file that is not a revision) rebuilt in a, when the
 * cached stat equals st; 0 to read the file. record: what parsing gave for
 * a file read (st taken before reading it). folder: 1 and the folder's
 * sorted file and subfolder names pushed (borrowed until close) when its
 * cached stat equals st; record_folder: what listing it gave (cacheable 0
 * when it holds symbolic links). close writes the new cache when loaded is
 * set and something changed. */
typedef struct mg_hcache mg_hcache;
mg_hcache *mg_hcache_open(const char *cache_dir, const char *const *dirs, size_t ndirs);
int mg_hcache_lookup(mg_hcache *c, const char *path, const struct stat *st, mg_arena *a, mg_revision **rev,
		     mg_rev_lines *lines);
void mg_hcache_record(mg_hcache *c, const char *path, const struct stat *st, const mg_revision *rev,
		      const mg_rev_lines *lines);
int mg_hcache_folder(mg_hcache *c, const char *path, const struct stat *st, mg_vec *files, mg_vec *subdirs);
void mg_hcache_record_folder(mg_hcache *c, const char *path, const struct stat *st, const mg_vec *files,
			     const mg_vec *subdirs, int cacheable);
void mg_hcache_close(mg_hcache *c, int loaded);

/* 1 when s is a valid revision id ([A-Za-z0-9_]+). */
int mg_rev_id_valid(const char *s, size_t len);

/* Bit sets over revision order. */
typedef struct mg_bits {
	uint64_t *w;
	size_t nwords;
} mg_bits;

void mg_bits_init(mg_bits *b, size_t n);
void mg_bits_release(mg_bits *b);
static inline int mg_bits_has(const mg_bits *b, size_t i)
{
	return (int)((b->w[i >> 6] >> (i & 63)) & 1);
}
static inline void mg_bits_set(mg_bits *b, size_t i)
{
	b->w[i >> 6] |= (uint64_t)1 << (i & 63);
}
static inline void mg_bits_unset(mg_bits *b, size_t i)
{
	b->w[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

/* Adds to set the ancestors (parents + depends-on, or parents only) of
 * each revision in from, from included. */
void mg_graph_mark_ancestors(const mg_graph *g, const mg_revision *const *from, size_t n,
			     int with_deps, mg_bits *set);
/* Same for descendants (children + dependents, or children only). */
void mg_graph_mark_descendants(const mg_graph *g, const mg_revision *const *from, size_t n,
			       int with_deps, mg_bits *set);

/*
 * Alembic's _topological_sort: the revisions in todo, starting from the
 * given heads (those in todo) and walking down, a revision always before
 * its parents and dependencies ("newest first"); ties follow file order.
 * Appends to out.
 */
void mg_graph_toposort(const mg_graph *g, const mg_bits *todo, const mg_revision *const *heads,
		       size_t nheads, mg_revlist *out);

/* Resolution helpers shared with walk.c (resolve.c). */
int mg_graph_get_revisions(const mg_graph *g, const char *ident, mg_revlist *out, mg_error *err);
/* One revision or base (*out NULL); MG_EMULTIHEAD when several. */
int mg_graph_get_revision(const mg_graph *g, const char *ident, const mg_revision **out,
			  mg_error *err);
/* A branch label, or else a revision identifier. */
int mg_graph_resolve_branch(const mg_graph *g, const char *label, const mg_revision **out,
			    mg_error *err);

/* "+N"/"-N" parsed as Alembic's _relative_destination (the whole string):
 * returns 1 and fills the parts (label/symbol NULL when absent; heap strings
 * freed by the caller), 0 when ident is not relative. */
typedef struct mg_relative {
	char *label;
	char *symbol;
	long n;
} mg_relative;
int mg_relative_parse(const char *ident, mg_relative *r);
void mg_relative_release(mg_relative *r);

/* Resolves a relative identifier. mode 'u' (upgrade target), 'd'
 * (downgrade target) or 0 (plain lookup, current may be NULL). For 'd',
 * *branch (if not NULL) gets the revision whose lineage limits the
 * downgrade (a label's revision or the current head walked from), or NULL. */
int mg_graph_resolve_relative(const mg_graph *g, const char *ident, const mg_relative *r,
			      const mg_revlist *current, int mode, mg_revlist *out,
			      const mg_revision **branch, mg_error *err);

/* Joins ids as "a, b, c" into a static-free heap string (caller frees). */
char *mg_graph_join_ids(const mg_revision *const *revs, size_t n, size_t max);

#endif

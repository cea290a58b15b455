/*
 * The revision graph: revision files (SQL and C) loaded from the version
 * folders, validated, and queried as Alembic's RevisionMap is: lookup,
 * heads and bases, identifier resolution (prefixes, head/heads/base,
 * LABEL@..., relative +N/-N) and the upgrade/downgrade walks the executor
 * runs. Everything lives in the graph's own arena and is freed by
 * mg_graph_free; revision pointers stay valid until then.
 */
#ifndef MIGRATE_GRAPH_H
#define MIGRATE_GRAPH_H

#include <stddef.h>

#include "migrate/error.h"
#include "migrate/url.h"

typedef struct mg_graph mg_graph;

typedef enum mg_rev_kind { MG_REV_SQL = 0, MG_REV_C } mg_rev_kind;

/* One `-- migrate:upgrade [dialect]` / `-- migrate:downgrade [dialect]`
 * section of a SQL revision. The text is not kept: read it with
 * mg_revision_read_section. */
typedef struct mg_rev_section {
	int upgrade;        /* 1 upgrade, 0 downgrade */
	mg_dialect dialect; /* MG_DIALECT_NONE: for every database */
	size_t offset;      /* byte offset of the body (the line after the marker) */
	size_t length;      /* body length in bytes, up to the next marker or EOF */
	int line;           /* 1-based line of the body's first byte in the file */
	int marker_line;    /* line of the `-- migrate:...` marker itself */
} mg_rev_section;

typedef struct mg_revision mg_revision;

struct mg_revision {
	const char *id;
	const char *path;        /* as found under a version folder (folder + relative name) */
	int line;                /* line of the `revision` directive / MIGRATE_REVISION */
	mg_rev_kind kind;

	/* As written in the file. */
	const char *const *parent_ids;     /* `revises`: n_parents ids */
	size_t n_parents;
	const char *const *depends_on_ids; /* `depends-on`: ids or branch labels */
	size_t n_depends_on;
	const char *const *branch_labels;  /* `branch-labels` declared here */
	size_t n_branch_labels;
	const char *message;     /* "" when absent */
	const char *created;     /* "" when absent */
	const char *author;      /* "" when absent */
	const char *role;        /* NULL when absent; "su" = the db's su_role */
	int transactional;       /* 1 unless `transactional false` */

	/* SQL revisions only: sections in file order. */
	const mg_rev_section *sections;
	size_t n_sections;

	/* Git blob id (40 hex + NUL) of the file, "" until the vcs code fills it. */
	char checksum[41];

	/* Links, resolved by the loader. */
	mg_revision **parents;      /* n_parents, same order as parent_ids */
	mg_revision **depends_on;   /* n_depends_on, resolved (labels too) */
	mg_revision **children;     /* revisions listing this one in `revises` */
	size_t n_children;
	mg_revision **dependents;   /* revisions listing this one in `depends-on` */
	size_t n_dependents;
	/* Labels in effect: declared here, inherited from an ancestor's label
	 * (as Alembic propagates them), sorted. */
	const char *const *labels;
	size_t n_labels;

	size_t order;            /* position in mg_graph_at order (file order) */

	/* Alembic's properties. */
	unsigned is_head : 1;         /* no child (dependents do not count) */
	unsigned is_real_head : 1;    /* no child and no dependent */
	unsigned is_base : 1;         /* no parent */
	unsigned is_real_base : 1;    /* no parent and no depends-on */
	unsigned is_branch_point : 1; /* two or more children */
	unsigned is_merge_point : 1;  /* two or more parents */
};

/* A list of revisions (borrowed pointers into a graph). The caller owns the
 * array and releases it with mg_revlist_release; MG_REVLIST_INIT or zero
 * initialises. */
typedef struct mg_revlist {
	const mg_revision **items;
	size_t len;
	size_t cap;
} mg_revlist;

#define MG_REVLIST_INIT { NULL, 0, 0 }
void mg_revlist_push(mg_revlist *l, const mg_revision *rev);
void mg_revlist_clear(mg_revlist *l);
void mg_revlist_release(mg_revlist *l);

/*
 * Loads every revision file below each folder (recursively; *.sql with a
 * `-- migrate:` header and *.c with MIGRATE_REVISION(...); other files are
 * ignored) and validates the graph. In a C revision the fields are read as
 * text, never compiled: .revision, .message, .created, .author, .role are
 * string literals; .revises, .depends_on, .branch_labels are one string
 * literal holding a comma-separated list ("a1, b2"); .transactional is
 * true or false. Files are read once; only the header
 * data and section offsets are kept.
 *
 * Returns MG_OK with *out set (free with mg_graph_free), or on failure
 * *out = NULL and:
 *   MG_EINPUT  malformed file ("FILE:LINE: ..."), duplicate id, missing
 *              parent / dependency, parent listed twice, label used twice;
 *   MG_ECYCLE  a cycle ("... 'a' -> 'b' -> 'a'");
 *   MG_EIO     a folder or file cannot be read.
 * A folder that does not exist is MG_EIO; an empty folder is an empty graph.
 */
int mg_graph_load(mg_graph **out, const char *const *dirs, size_t ndirs, mg_error *err);
/* The same, reusing what parsing each unchanged file gave last time from a
 * header cache under cache_dir/graph/ (revision/header_cache.c: a file is
 * unchanged while its size, mtime, ctime, inode and device are; files
 * changed in the last 2 seconds are always read). cache_dir NULL: no cache.
 * The cache never makes a load fail. */
int mg_graph_load_cached(mg_graph **out, const char *const *dirs, size_t ndirs, const char *cache_dir,
			 mg_error *err);

/* The same graph built from in-memory files (tests, and `check --against
 * REF` which reads blobs): names[i] is the path used in messages and to
 * choose the kind (.sql / .c, others ignored), texts[i] its NUL-terminated
 * content. mg_revision_read_section still reads names[i] from disk.
 * Same returns as mg_graph_load. */
int mg_graph_load_texts(mg_graph **out, const char *const *names, const char *const *texts,
			size_t n, mg_error *err);

/* Accepts NULL. */
void mg_graph_free(mg_graph *g);

/* Fills rev->checksum (hex, at most 40 characters; the vcs code). */
void mg_graph_set_checksum(mg_graph *g, const mg_revision *rev, const char *hex);

/* Number of revisions, and the i-th in file order: folders in the order
 * given, in each folder its files sorted by name, then its subfolders
 * sorted (Alembic's map order, which breaks ties in every walk below). */
size_t mg_graph_count(const mg_graph *g);
const mg_revision *mg_graph_at(const mg_graph *g, size_t i);

/* The revision with exactly this id, or NULL. */
const mg_revision *mg_graph_get(const mg_graph *g, const char *id);

/* Heads (is_head: no child; a revision that only others depend on is an
 * "effective head") and bases (is_base), in file order. Borrowed arrays,
 * valid until mg_graph_free. Alembic's `heads` identifier resolves to the
 * real heads (is_real_head) instead. */
const mg_revision *const *mg_graph_heads(const mg_graph *g, size_t *n);
const mg_revision *const *mg_graph_bases(const mg_graph *g, size_t *n);

/*
 * Resolves one identifier to a set of revisions (out is cleared first;
 * an empty result means `base`). Forms, as Alembic:
 *   ID, unique prefix of >= 4 characters, `head` (the only head), `heads`,
 *   `base`, `LABEL` (the labelled revision), `LABEL@head`, `LABEL@base`
 *   (the base of that branch), `LABEL@ID`, `REV+N`, `REV-N`, `head-N`,
 *   `LABEL@-N`, `base+N`, and `+N` / `-N` relative to `current` (the
 *   database's heads). With current NULL (no database: show, history),
 *   `-N` walks down from the graph's heads as Alembic's get_revisions does
 *   and `+N` is MG_EUSAGE.
 * Returns MG_OK, or
 *   MG_ENOTFOUND  no such revision / label; relative step beyond base/head;
 *   MG_EAMBIGUOUS prefix matches several ("ambiguous revision prefix 'abcd'
 *                 matches: ...");
 *   MG_EMULTIHEAD `head` with several heads (names them, suggests `heads`
 *                 or `LABEL@head`), or a relative step that meets a branch;
 *   MG_EUSAGE     malformed identifier, or `+N` with current NULL.
 */
int mg_graph_resolve(const mg_graph *g, const char *ident, const mg_revlist *current,
		     mg_revlist *out, mg_error *err);

/*
 * `history -r RANGE`: RANGE is NULL (everything), "A:B", "A:" or ":B" (A
 * defaults to base, B to heads; B may be relative to A, e.g. "abcd:+2").
 * out gets the revisions newest first, in Alembic's history order.
 * MG_EUSAGE for a range without ':', MG_EINPUT when A is not an ancestor
 * of B, otherwise errors as mg_graph_resolve.
 */
int mg_graph_history(const mg_graph *g, const char *range, mg_revlist *out, mg_error *err);

/* Ancestors / descendants (following parents and dependencies) of a set,
 * the set included, in file order. */
void mg_graph_ancestors(const mg_graph *g, const mg_revlist *from, mg_revlist *out);
void mg_graph_descendants(const mg_graph *g, const mg_revlist *from, mg_revlist *out);

/*
 * The walks the executor runs, as Alembic's _collect_upgrade_revisions /
 * _collect_downgrade_revisions followed by its topological ordering.
 *
 * current: the database's heads (the version table rows; empty = base).
 * target:  an identifier for mg_graph_resolve (`head`, `heads`, an id,
 *          `LABEL@head`, `+2`, `-1`, `base`, ...).
 *
 * mg_graph_plan_upgrade: the revisions to apply, in order: every ancestor
 * (parents and depends-on) of the target that is not an ancestor of a
 * current head, each after everything it needs. A target already applied
 * gives an empty list.
 *
 * mg_graph_plan_downgrade: the revisions to undo, in order: every
 * descendant of the target (excluded) that is applied (ancestor of a
 * current head), each before what it depends on. `base` undoes everything
 * (or everything on a branch: `LABEL@base`). Errors with MG_EINPUT when the
 * target is not below the current heads ("... is not an ancestor of ...").
 *
 * out is cleared first and holds borrowed revisions. Errors as
 * mg_graph_resolve.
 */
int mg_graph_plan_upgrade(const mg_graph *g, const mg_revlist *current, const char *target,
			  mg_revlist *out, mg_error *err);
int mg_graph_plan_downgrade(const mg_graph *g, const mg_revlist *current, const char *target,
			    mg_revlist *out, mg_error *err);

/*
 * The version-table update of one step, as Alembic maintains it: heads is
 * the current set of heads (the rows), updated in place. After the call
 * `removed` holds the rows to delete and `added` the rows to insert (both
 * cleared first; a delete + insert pair may be run as one UPDATE).
 *   upgrade R:   R's parents and depends-on that are in heads are removed
 *                (a merge removes several; a branch point's second child
 *                removes none), R is added unless a descendant of R is
 *                already there.
 *   downgrade R: R is removed; each parent of R is added unless it is an
 *                ancestor of another remaining head (unmerge adds several).
 */
void mg_graph_step_heads(const mg_graph *g, mg_revlist *heads, const mg_revision *rev, int upgrade,
			 mg_revlist *removed, mg_revlist *added);

/* The section to run for a dialect: the one for that dialect if the file
 * has it, else the generic one. NULL (and MG_ENOTFOUND in err with a
 * message naming the file) when there is none; C revisions have none. */
const mg_rev_section *mg_revision_section(const mg_revision *rev, int upgrade, mg_dialect d,
					  mg_error *err);

/* Reads a section's text from the revision's file into a heap string (*out,
 * caller frees). MG_EIO when the file cannot be read, MG_EINPUT when it
 * changed size since loading. */
int mg_revision_read_section(const mg_revision *rev, const mg_rev_section *s, char **out,
			     mg_error *err);
/* The same from the file's content already read (file, len: the whole
 * file), so that a run takes the statements and the logged checksum from
 * one read of the same bytes. MG_EINPUT when it changed size since loading. */
int mg_revision_section_text(const mg_revision *rev, const mg_rev_section *s, const char *file,
			     size_t len, char **out, mg_error *err);

#endif

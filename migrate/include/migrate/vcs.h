/*
 * Git integration through libgit2: revision-file checksums (git blob ids),
 * the revision graph as it is at a ref (read from the object database, no
 * checkout), `check` findings (files changed since applied or since a ref,
 * second heads, uncommitted files), the commits that added each revision
 * file, and the author from git config.
 *
 * No global state of ours: every function that uses libgit2 calls
 * git_libgit2_init() on entry and git_libgit2_shutdown() on exit (libgit2
 * counts them), so an mg_vcs_repo keeps one reference of its own until
 * mg_vcs_close.
 */
#ifndef MIGRATE_VCS_H
#define MIGRATE_VCS_H

#include <stddef.h>

#include "migrate/driver.h"
#include "migrate/error.h"
#include "migrate/graph.h"

struct json_t;

/* ---- checksums ---------------------------------------------------------- */

/* The git blob id of data (40 lowercase hex digits + NUL in out), as
 * `git hash-object` gives it; no repository is needed. MG_EIO if hashing
 * fails. */
int mg_vcs_blob_id(const void *data, size_t len, char out[41], mg_error *err);

/* The blob id of a file's bytes; MG_EIO "cannot read 'FILE': ..." when it
 * cannot be read (out is then ""). */
int mg_vcs_file_blob_id(const char *path, char out[41], mg_error *err);

/* Fills rev->checksum of every revision of g from its file's bytes (one read
 * each). MG_EIO "cannot read 'FILE': ..." when a file is gone. */
int mg_vcs_fill_checksums(mg_graph *g, mg_error *err);

/* ---- findings ----------------------------------------------------------- */

typedef enum mg_vcs_finding_kind {
	MG_VCS_APPLIED_CHANGED, /* "applied_changed": file changed since it was applied */
	MG_VCS_APPLIED_MISSING, /* "applied_missing": applied, file gone (file NULL) */
	MG_VCS_CHANGED,         /* "changed": file differs from its version at REF */
	MG_VCS_DELETED,         /* "deleted": revision at REF has no file in the work tree */
	MG_VCS_SECOND_HEAD,     /* "second_head": new revision adds a head REF did not have */
	MG_VCS_UNCOMMITTED,     /* "uncommitted": untracked, ignored, staged or modified */
} mg_vcs_finding_kind;

typedef struct mg_vcs_finding {
	mg_vcs_finding_kind kind;
	char *revision; /* heap */
	char *file;     /* heap; NULL when unknown (applied-missing) */
	char *message;  /* heap; one sentence, without the file */
} mg_vcs_finding;

/* A list of findings the caller owns (zero or MG_VCS_FINDINGS_INIT). */
typedef struct mg_vcs_findings {
	mg_vcs_finding *items;
	size_t len;
	size_t cap;
} mg_vcs_findings;

#define MG_VCS_FINDINGS_INIT { NULL, 0, 0 }
void mg_vcs_findings_release(mg_vcs_findings *f);

/* "applied_changed", "changed", ... (see the enum). */
const char *mg_vcs_finding_kind_name(mg_vcs_finding_kind k);

/* A new JSON array of {"kind", "revision", "file" (or null), "message"}
 * objects, in list order (caller owns it). */
struct json_t *mg_vcs_findings_json(const mg_vcs_findings *f);

/*
 * `check` without git: each revision applied to the database (an ancestor
 * of a version-table row) whose file changed since it was applied (its
 * checksum against the latest `upgrade` row of the log that has one), and
 * each version-table row or revision whose latest log row is an upgrade
 * that has no file in g. Fills g's checksums first. A missing version table
 * or log table means nothing is applied / nothing to compare.
 * vt_schema may be NULL; vt_name NULL means "migrate_version". Findings are
 * appended to out. Returns MG_OK or the driver's error (MG_EDRIVER).
 */
int mg_vcs_check_applied(mg_db *db, mg_graph *g, const char *vt_schema, const char *vt_name,
			 mg_vcs_findings *out, mg_error *err);

/* ---- repositories ------------------------------------------------------- */

typedef struct mg_vcs_repo mg_vcs_repo;

/* Finds the repository holding start (a file or folder; its parents are
 * searched as git does) and opens it. MG_EUSAGE "not in a git repository:
 * NEEDED_BY needs one" when there is none or it has no work tree (needed_by
 * e.g. "check --against"); MG_EIO when it cannot be opened. Free with
 * mg_vcs_close. */
int mg_vcs_open(mg_vcs_repo **out, const char *start, const char *needed_by, mg_error *err);
void mg_vcs_close(mg_vcs_repo *r); /* accepts NULL */

/* The work tree folder (borrowed, ends with '/'). */
const char *mg_vcs_workdir(const mg_vcs_repo *r);

/*
 * The graph as it is at ref (a branch, tag, commit id or any `git
 * rev-parse` expression that names a commit): the .sql/.c blobs below each
 * of dirs (the config's version_locations: work-tree folders, relative to
 * the repository root when looked up in the tree) fed to
 * mg_graph_load_texts under the same names the work-tree graph gives them
 * (dirs[i] + "/" + relative path), so revisions compare by path. Each
 * revision's checksum is its blob id. A folder missing at ref counts as
 * empty. Returns MG_OK with *out set (mg_graph_free), MG_ENOTFOUND "unknown
 * git revision 'REF'", MG_EINPUT when a folder lies outside the repository
 * or the revisions at ref do not load ("the revisions at 'REF' do not
 * load: ..."), MG_EIO.
 */
int mg_vcs_graph_at(mg_vcs_repo *r, const char *ref, const char *const *dirs, size_t ndirs,
		    mg_graph **out, mg_error *err);

/*
 * `check --against REF`: compares the work tree's graph (work, loaded from
 * dirs; its checksums are filled here) with the graph at ref and appends to
 * out, with files relative to the repository root:
 *   changed      a revision of REF whose work-tree file has another blob id;
 *   deleted      a revision of REF missing from the work tree (REF's file);
 *   second-head  a revision new since REF revising one that is not a head
 *                at REF, while the work tree has no revision descending
 *                from both it and the head of REF above that parent (the
 *                change adds a second head; a merge revision resolves it);
 *   uncommitted  a revision file untracked, ignored, staged or modified
 *                (git status against HEAD).
 * Errors as mg_vcs_graph_at.
 */
int mg_vcs_check_against(mg_vcs_repo *r, const char *ref, mg_graph *work, const char *const *dirs,
			 size_t ndirs, mg_vcs_findings *out, mg_error *err);

/*
 * Copies the file or folder at path (a work-tree path; .sql files of a
 * folder, recursively) as it is at ref into dest (an existing folder):
 * a file lands as dest/<its name>, a folder's files below dest keeping
 * their relative paths. *copied (may be NULL) receives the heap path of
 * what stands for path in dest (the file, or dest itself). MG_ENOTFOUND
 * when ref is unknown or path does not exist at ref; MG_EIO.
 */
int mg_vcs_export_at(mg_vcs_repo *r, const char *ref, const char *path, const char *dest,
		     char **copied, mg_error *err);

struct mg_models_options;
struct mg_catalog;

/*
 * `diff --from-ref REF`: the models (o->path, a work-tree file or folder)
 * as they are at ref, exported to a temporary folder (removed afterwards)
 * and loaded with mg_models_load and the rest of o, so they are normalised
 * in a scratch space exactly as the work tree's are; the configured
 * database's schema is not touched. *out: free with mg_catalog_free.
 * Errors as mg_vcs_export_at and mg_models_load.
 */
int mg_vcs_models_at(mg_vcs_repo *r, const char *ref, const struct mg_models_options *o,
		     struct mg_catalog **out, mg_error *err);

/* ---- history ------------------------------------------------------------ */

/* The commit that added a revision's file (the newest commit reachable from
 * HEAD whose tree has the file while none of its parents' trees has it). */
typedef struct mg_vcs_origin {
	int found;         /* 0: not committed (no commit from HEAD adds it) */
	char commit[41];   /* full id */
	char short_id[8];  /* 7 hex digits */
	char *author;      /* heap: name */
	char *email;       /* heap */
	char date[32];     /* author date, ISO-8601 with its offset: 2026-01-02T10:00:00+01:00 */
} mg_vcs_origin;

/*
 * For each revision of g (loaded from dirs), out[i] describes
 * mg_graph_at(g, i): one walk over the history from HEAD, diffing each
 * commit's version folders against its parents (not one walk per file).
 * *out is a heap array of mg_graph_count(g) entries; free with
 * mg_vcs_origins_free. An unborn HEAD leaves every entry not found.
 * MG_EINPUT when a folder lies outside the repository, MG_EIO.
 */
int mg_vcs_origins(mg_vcs_repo *r, const mg_graph *g, const char *const *dirs, size_t ndirs,
		   mg_vcs_origin **out, mg_error *err);
void mg_vcs_origins_free(mg_vcs_origin *o, size_t n);

/* ---- author ------------------------------------------------------------- */

/* "NAME <EMAIL>" (or "NAME") from the git config (user.name, user.email)
 * of the repository holding start (the repository's config, then the
 * global and system ones, as git reads them): a heap string the caller
 * frees, or NULL when there is no repository or no user.name. Never an
 * error: a revision file is written without an author rather than not at
 * all. */
char *mg_vcs_author(const char *start);

#endif

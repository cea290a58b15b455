/*
 * Bundles of C revisions (`migrate compile`): every C revision of a graph
 * compiled ahead of time into one shared object, for deploy hosts that
 * have no C compiler. The executor loads revisions from a bundle when
 * mg_exec_options.crev_bundle names one.
 *
 * How a bundle is built. Each revision is compiled on its own (so `static`
 * names of different revisions never meet) with its entry points renamed
 * by the preprocessor: -Dupgrade=mg_crev_up_N_ID, -Ddowngrade=..._down_...,
 * -Dmigrate_revision=mg_crev_info_N_ID (N: the revision's position by id).
 * A generated table object lists, for each revision, its id, the git blob
 * id of its file (the content hash) and weak references to the three
 * symbols (a missing downgrade() is reported when it is run, as when the
 * file is compiled on the spot). Everything is linked into one shared
 * object, loaded once to check it, and renamed into place. Non-static
 * functions and variables other than upgrade()/downgrade() must have names
 * unique across the revisions: the linker reports a clash.
 *
 * The table inside the shared object is what the executor trusts; the JSON
 * manifest written next to it (NAME.so -> NAME.json) lists the same ids
 * and hashes for people and CI:
 *   {"format": 1, "api_version": 1, "bundle": "migrate-bundle.so",
 *    "revisions": [{"revision": ID, "file": PATH, "content_hash": HASH}, ...]}
 * (PATH relative to the manifest's folder when below it). The same sources
 * give the same bytes: revisions are ordered by id and no time or
 * temporary path is recorded.
 */
#ifndef MIGRATE_BUNDLE_H
#define MIGRATE_BUNDLE_H

#include <stddef.h>

#include "migrate/error.h"
#include "migrate/graph.h"

/* One C revision compiled into a bundle. */
typedef struct mg_bundle_entry {
	const mg_revision *rev;   /* borrowed from the graph */
	char content_hash[41];    /* git blob id of the file */
} mg_bundle_entry;

typedef struct mg_bundle_result {
	char *manifest;           /* heap: the manifest's path */
	mg_bundle_entry *entries; /* heap: the C revisions, ordered by id */
	size_t n;
} mg_bundle_result;

/*
 * Compiles every C revision of g into the shared object at path (replaced
 * atomically) and writes its manifest. Uses $CC (split at blanks) or cc,
 * found on PATH. Fills *out (release with mg_bundle_result_release, also
 * after a failure). Returns MG_OK, or with err set:
 *   MG_EINPUT  a revision does not compile or the link fails (the
 *              compiler's own messages follow);
 *   MG_EIO     no compiler, a file unreadable, the folder not writable.
 */
int mg_bundle_build(const mg_graph *g, const char *path, mg_bundle_result *out, mg_error *err);
void mg_bundle_result_release(mg_bundle_result *r);

/* The manifest's path for a bundle path: "X.so" -> "X.json", otherwise
 * "X.json" appended. Heap string. */
char *mg_bundle_manifest_path(const char *path);

/* The content hash a bundle records for a revision file: its git blob id
 * (as `git hash-object` gives it). MG_EIO when the file is unreadable. */
int mg_bundle_content_hash(const char *path, char out[41], mg_error *err);

#endif

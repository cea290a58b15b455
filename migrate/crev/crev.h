/*
 * C revisions: compiling a revision file into a cached shared object (or
 * finding it in a bundle made by `migrate compile`, <migrate/bundle.h>),
 * loading it, and running its upgrade()/downgrade() against an operation
 * context that renders every operation as statements of the database's
 * dialect. The executor calls mg_crev_statements where it would read a
 * SQL revision's section.
 */
#ifndef MG_CREV_H
#define MG_CREV_H

#include <stddef.h>

#include "migrate/driver.h"
#include "migrate/error.h"
#include "migrate/graph.h"
#include "sql/split.h"
#include "util/buf.h"

typedef struct mg_crev_run {
	mg_db *db;              /* NULL offline; online it is read (never written) */
	mg_dialect dialect;
	const char *schema;     /* value of migrate_schema() and ${schema} */
	const char *const *arg_keys; /* -x pairs (migrate_arg, placeholders) */
	const char *const *arg_values;
	size_t nargs;
	const char *cache_dir;  /* NULL: $XDG_CACHE_HOME/migrate, else $HOME/.cache/migrate */
	const char *bundle;     /* a `migrate compile` bundle to load instead of compiling, or NULL */
} mg_crev_run;

/* Set in *flags by mg_crev_statements. */
enum {
	/* SQLite: the statements rebuild a table; the executor turns
	 * `PRAGMA foreign_keys` off around the revision's transaction (it
	 * cannot change inside one), as SQLite's ALTER TABLE procedure says. */
	MG_CREV_FOREIGN_KEYS_OFF = 1 << 0,
};

/*
 * Before a plan runs: makes sure every C revision among revs loads and has
 * the function to run (upgrade or downgrade), so that one that does not
 * never leaves the plan half-applied. With run->bundle each must be in the
 * bundle with an unchanged file; else each is compiled now (or found in the
 * cache). Returns MG_OK or the error mg_crev_statements would give for the
 * first one that fails.
 */
int mg_crev_prepare(const mg_crev_run *run, const mg_revision *const *revs, size_t n, int upgrade,
		    mg_error *err);

/*
 * Compiles (or finds in the cache) rev's shared object, runs its upgrade()
 * or downgrade() and appends the statements it rendered to script (their
 * text) and stmts (slices into script, each with line 1). Nothing is run.
 * Returns MG_OK, or with err set ("FILE: ..."):
 *   MG_EINPUT  compile error (the compiler's own file:line messages
 *              follow), a failed operation, upgrade() returned non-zero;
 *              with a bundle: the bundle unreadable, rev missing from it,
 *              or rev's file changed since it was compiled into it;
 *   MG_EIO     no compiler (and no bundle), cache not writable, dlopen failed;
 *   MG_EDRIVER reading the current schema failed (online SQLite, MySQL).
 */
int mg_crev_statements(const mg_crev_run *run, const mg_revision *rev, int upgrade, mg_buf *script,
		       mg_stmt_list *stmts, unsigned *flags, mg_error *err);

/*
 * The compiled shared object for the C file at path: compiled when missing
 * from cache_dir (NULL: the default above), else reused. *so_path gets the
 * heap path (caller frees). *hash (33 bytes) gets the content hash.
 */
int mg_crev_compile(const char *path, const char *cache_dir, char **so_path, char hash[33],
		    mg_error *err);

/* The content hash of a C revision file as the cache and bundles key it
 * (the file, the API header, the compiler flags). */
int mg_crev_hash_file(const char *path, char hash[33], mg_error *err);

/* The folder holding migrate/revision.h that revisions are compiled against. */
const char *mg_crev_include_dir(void);

#endif

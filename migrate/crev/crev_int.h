/*
 * Inside the C-revision runner: the operation context behind migrate_op,
 * shared by the operations (ops.c), the SQLite table rebuild (rebuild.c)
 * and the loader (load.c).
 */
#ifndef MG_CREV_INT_H
#define MG_CREV_INT_H

#include <sqlite3.h>

#include "crev/crev.h"
#include "migrate/revision.h"
#include "util/buf.h"
#include "util/vec.h"

typedef struct crev_ctx {
	migrate_op pub;          /* first: what the revision sees */
	const mg_crev_run *run;
	mg_dialect d;
	const char *path;        /* the revision file, for messages */
	mg_error *err;
	int failed;              /* an operation failed: err holds the first error */
	unsigned flags;          /* MG_CREV_* */
	mg_vec stmts;            /* heap strings, in order */
	sqlite3 *shadow;         /* SQLite: the schema as the statements so far leave it */
	int shadow_ready;
} crev_ctx;

/* Fills the function table and context; crev_ctx_release frees it. */
void crev_ctx_init(crev_ctx *c, const mg_crev_run *run, const char *path, mg_error *err);
void crev_ctx_release(crev_ctx *c);

/* Records the first error of an operation: "FILE: operation OP: message". */
int crev_fail(crev_ctx *c, const char *op, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends a statement (copied); on SQLite also applies it to the shadow
 * schema unless shadow is 0. */
void crev_emit(crev_ctx *c, const char *sql, int shadow);

/* SQLite: the shadow schema, loaded from the database online (empty
 * offline). 0 or an error code (reported through crev_fail). */
int crev_shadow_open(crev_ctx *c, const char *op);

/* The pieces of a table rebuild (rebuild.c). One field group is set. */
typedef struct crev_rebuild {
	const char *op;                  /* operation name, for messages */
	const char *column;              /* alter / drop: the column */
	const migrate_alter_def *alter;  /* alter: the change (new_name already applied) */
	const char *alter_type_sql;      /* alter: rendered new type, or NULL */
	int drop_column;
	const char *add_element;         /* column or table constraint to append (rendered) */
	const char *drop_constraint;     /* name of a table constraint to remove */
} crev_rebuild;

int crev_sqlite_rebuild(crev_ctx *c, const char *table, const crev_rebuild *rb);

/* SQLite: whether dropping column needs a rebuild (constraints, indexes);
 * -1 when the table is unknown to the shadow. */
int crev_sqlite_column_constrained(crev_ctx *c, const char *table, const char *column);

/* ---- The compiler (load.c) ---------------------------------------------------- */

/* The compiler command: $CC split at white space, or "cc"; heap words
 * (crev_free_words frees them). */
void crev_compiler_words(mg_vec *out);
void crev_free_words(mg_vec *v);
/* The program to execve: word itself when it has a '/', else found on PATH
 * (heap), or NULL. */
char *crev_find_program(const char *word);
/* Runs argv (fork + execve, no shell) in cwd (NULL: the current folder),
 * stdout and stderr captured into out; *status = exit status. -1 with errno
 * when the process cannot be started. */
int crev_run_program(const char *prog, char *const *argv, const char *cwd, mg_buf *out, int *status);
/* "FILE: no C compiler found (...)" for the run path (no bundle). */
int crev_no_compiler(const char *path, mg_error *err);

/* ---- Bundles (bundle.c) ------------------------------------------------------ */

/*
 * The table a bundle exports as `migrate_bundle`. bundle.c generates its C
 * definition (bundle_table_decl) next to the entries; the two must agree,
 * and CREV_BUNDLE_FORMAT is bumped with any change.
 */
#define CREV_BUNDLE_MAGIC 0x6d676276u /* "mgbv" */
#define CREV_BUNDLE_FORMAT 1

typedef struct crev_bundle_entry {
	const char *revision;
	const char *file;         /* base name of the source, for messages */
	const char *content_hash; /* git blob id of the source */
	const migrate_revision_info *info; /* NULL: no MIGRATE_REVISION(...) */
	int (*upgrade)(migrate_op *);      /* NULL when not defined */
	int (*downgrade)(migrate_op *);
} crev_bundle_entry;

typedef struct crev_bundle_table {
	unsigned magic;
	int format;
	int api_version;
	size_t count;
	const crev_bundle_entry *entries;
} crev_bundle_table;

/* dlopens bundle and finds rev in it, its file unchanged since compiled:
 * *handle (dlclose it) and *entry. MG_EINPUT when the bundle cannot be
 * loaded or is not one, rev is missing or its file differs. */
int crev_bundle_find(const char *bundle, const mg_revision *rev, void **handle,
		     const crev_bundle_entry **entry, mg_error *err);

#endif

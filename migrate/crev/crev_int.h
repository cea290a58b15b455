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

#endif

/*
 * A diff rendered as C op calls (<migrate/revision.h>): the bodies of
 * upgrade() and downgrade() that `revision --autogenerate --c` writes.
 */
#ifndef MIGRATE_DIFF_C_H
#define MIGRATE_DIFF_C_H

#include "migrate/diff.h"
#include "migrate/error.h"

/*
 * Renders the operations of d (upgrade != 0), or their inverses in reverse
 * order (upgrade == 0), in the order of mg_diff_render, as statements for
 * the body of int upgrade(migrate_op *op) / downgrade(): one op call per
 * change, each checked (`if ((rc = migrate_...(op, ...)) != 0) return rc;`),
 * indented by one tab, after a declaration `int rc;` (absent when nothing
 * is called). Each op is preceded by a comment naming it ("+ table users",
 * "undo: ..."), destructive ones by `DESTRUCTIVE: reason` on the upgrade.
 *
 * Types are written as the op API's portable names where the catalog's type
 * is exactly what that name renders to on the diff's dialect, else as
 * "sql:TYPE" in the dialect's spelling (a comment says so). What the op API
 * cannot express (views, functions, identity or collation changes, SQLite
 * changes ALTER TABLE cannot make on unnamed constraints, ...) is the SQL
 * renderer's text for the diff's dialect, run through
 * migrate_execute_for(op, "<dialect>", ...) with a comment.
 *
 * *out is a heap string (free()); "" when the diff is empty. Returns MG_OK,
 * or MG_EINPUT when the SQL renderer refuses an operation.
 */
int mg_diff_render_c(const mg_diff *d, int upgrade, char **out, mg_error *err);

#endif

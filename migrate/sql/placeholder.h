/*
 * Placeholders in SQL revisions: `${name}` is replaced by a value the caller
 * looks up (`${schema}`, `-x key=value` pairs). As in Flyway, placeholders
 * are replaced everywhere in the text, inside strings, quoted identifiers
 * and comments too: the expansion runs before (and knows nothing of) the
 * statement splitter.
 */
#ifndef MG_SQL_PLACEHOLDER_H
#define MG_SQL_PLACEHOLDER_H

#include <stddef.h>

#include "migrate/error.h"
#include "util/buf.h"

/* Returns the value of placeholder `name` (NUL-terminated, valid only during
 * the call), or NULL when there is no such placeholder. The value is
 * borrowed: it must stay valid until the lookup returns and is copied. */
typedef const char *(*mg_sql_lookup)(void *ctx, const char *name);

/*
 * Appends text[0..len) to out with every `${name}` replaced by
 * lookup(ctx, name); name is [A-Za-z_][A-Za-z0-9_.]*.
 *
 * - `$${` is an escape and yields a literal `${` (so `$${name}` gives
 *   `${name}` unexpanded). Matching is leftmost: `$$${a}` gives `$${a}`.
 * - A `$` that does not open `${name}` is copied as it is: PostgreSQL `$1`,
 *   `$$` and `$tag$` are untouched, and so is a `${` that is not followed by
 *   a valid name and `}`.
 * - Lines do not shift: the output holds newlines exactly where the text
 *   does, plus those inside replacement values.
 *
 * The caller owns out (initialised) and text; on error out may hold part of
 * the output. Returns MG_OK, or MG_EINPUT for a name that lookup does not know:
 * "line N: unknown placeholder '${name}'" with the line of the `${`.
 */
int mg_sql_expand(const char *text, size_t len, mg_sql_lookup lookup, void *ctx, mg_buf *out,
		  mg_error *err);

#endif

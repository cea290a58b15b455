/*
 * Inside the models module: model statements that name an included schema
 * (include_schemas) rewritten to name its scratch schema instead, so that
 * normalising never touches the real one (qualify.c).
 */
#ifndef MG_MODELS_QUALIFY_H
#define MG_MODELS_QUALIFY_H

#include <stddef.h>

#include "migrate/url.h"
#include "util/buf.h"

typedef struct mg_models_qualifier {
	mg_dialect dialect;
	const char *const *names;   /* the included schemas, as configured */
	const char *const *scratch; /* their scratch names (plain identifiers), same order */
	size_t n;
} mg_models_qualifier;

/*
 * Appends stmt[0..len) to out with each reference to an included schema
 * replaced by its scratch name. A reference is an identifier naming the
 * schema (bare: folded to lowercase on PostgreSQL, as the server does;
 * "quoted" or `quoted`: exactly) that is followed by '.' (audit.log,
 * "audit"."log") or follows the keyword SCHEMA, on MySQL also DATABASE or
 * USE, with IF [NOT] EXISTS allowed between (COMMENT ON SCHEMA audit,
 * GRANT ... ON SCHEMA audit). String literals, comments and PostgreSQL
 * dollar-quoted bodies are copied untouched: function bodies keep naming
 * the real schema.
 *
 * Returns 1 when the statement must be skipped instead: CREATE SCHEMA (or
 * MySQL DATABASE) [IF NOT EXISTS] of an included schema that creates no
 * objects of its own (options such as AUTHORIZATION or CHARACTER SET are
 * allowed), since its scratch schema exists already; out is then
 * unchanged. Else 0. Never fails: text it cannot read (an unterminated
 * quote) is copied as it is.
 */
int mg_models_qualify(const mg_models_qualifier *q, const char *stmt, size_t len, mg_buf *out);

#endif

/*
 * Quoting identifiers and literals, one helper per dialect: every piece of
 * SQL migrate composes goes through these, never through hand-written quotes.
 */
#ifndef MG_SQL_QUOTE_H
#define MG_SQL_QUOTE_H

#include "migrate/url.h"
#include "util/buf.h"

/* Appends name as an identifier: bare when it is a plain lowercase word
 * that is not reserved, else quoted ("x" / `x`) with the quote doubled. */
void mg_sql_quote_ident(mg_dialect d, mg_buf *out, const char *name);
/* Appends schema.name (or name alone when schema is NULL or empty). */
void mg_sql_quote_qualified(mg_dialect d, mg_buf *out, const char *schema, const char *name);
/* Appends a string literal: '' doubling; on MySQL backslashes doubled too. */
void mg_sql_quote_literal(mg_dialect d, mg_buf *out, const char *value);

#endif

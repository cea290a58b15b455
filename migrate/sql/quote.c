/*
 * Identifier and literal quoting per dialect (see quote.h). Identifiers stay
 * bare only when quoting would change nothing, so generated SQL reads well.
 */
#include <string.h>

#include "sql/quote.h"

/* Words reserved in at least one dialect: quoting them is always safe. */
static const char *const reserved[] = {
	"all", "alter", "and", "any", "as", "asc", "between", "by", "case", "check", "column",
	"constraint", "create", "cross", "current_date", "current_time", "current_timestamp",
	"current_user", "default", "delete", "desc", "distinct", "drop", "else", "end", "except",
	"exists", "false", "for", "foreign", "from", "full", "grant", "group", "having", "in",
	"index", "inner", "insert", "intersect", "into", "is", "join", "key", "left", "like",
	"limit", "natural", "not", "null", "offset", "on", "or", "order", "outer", "primary",
	"references", "right", "select", "session_user", "set", "table", "then", "to", "true",
	"union", "unique", "update", "user", "using", "values", "when", "where", "with", NULL,
};

static int is_plain(const char *name)
{
	if (!name[0] || (name[0] >= '0' && name[0] <= '9'))
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	for (size_t i = 0; reserved[i]; i++)
		if (strcmp(reserved[i], name) == 0)
			return 0;
	return 1;
}

void mg_sql_quote_ident(mg_dialect d, mg_buf *out, const char *name)
{
	char q = d == MG_DIALECT_MYSQL ? '`' : '"';

	if (is_plain(name)) {
		mg_buf_puts(out, name);
		return;
	}
	mg_buf_putc(out, q);
	for (const char *p = name; *p; p++) {
		if (*p == q)
			mg_buf_putc(out, q);
		mg_buf_putc(out, *p);
	}
	mg_buf_putc(out, q);
}

void mg_sql_quote_qualified(mg_dialect d, mg_buf *out, const char *schema, const char *name)
{
	if (schema && *schema) {
		mg_sql_quote_ident(d, out, schema);
		mg_buf_putc(out, '.');
	}
	mg_sql_quote_ident(d, out, name);
}

void mg_sql_quote_literal(mg_dialect d, mg_buf *out, const char *value)
{
	mg_buf_putc(out, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '\'')
			mg_buf_putc(out, '\'');
		else if (*p == '\\' && d == MG_DIALECT_MYSQL)
			mg_buf_putc(out, '\\');
		mg_buf_putc(out, *p);
	}
	mg_buf_putc(out, '\'');
}

/*
 * Type and default normalisation where the server's own spelling is not yet
 * canonical: MySQL display widths and MariaDB's quoted defaults, SQLite
 * affinities. PostgreSQL needs none (format_type and pg_get_expr are).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "util/buf.h"

char *mg_cat_mysql_type(mg_catalog_impl *c, const char *column_type)
{
	static const char *const ints[] = { "tinyint", "smallint", "mediumint", "int", "bigint",
					    "year", NULL };
	mg_buf b = MG_BUF_INIT;
	char quote = 0;
	char *res;

	if (!column_type)
		return NULL;
	/* Lowercase outside quotes: enum and set members keep their case. */
	for (const char *p = column_type; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			mg_buf_putc(&b, *p);
		} else {
			if (*p == '\'' || *p == '"')
				quote = *p;
			mg_buf_putc(&b, (char)tolower((unsigned char)*p));
		}
	}
	for (size_t i = 0; ints[i]; i++) {
		size_t n = strlen(ints[i]);
		char *open = b.ptr + n, *close;
		if (strncmp(b.ptr, ints[i], n) || *open != '(')
			continue;
		close = strchr(open, ')');
		if (!close)
			break;
		/* tinyint(1) is how MySQL spells a boolean: keep it. */
		if (!strcmp(ints[i], "tinyint") && close - open == 2 && open[1] == '1')
			break;
		memmove(open, close + 1, strlen(close + 1) + 1);
		b.len = strlen(b.ptr);
		break;
	}
	res = mg_arena_strdup(&c->arena, b.ptr);
	mg_buf_release(&b);
	return res;
}

static int is_numeric_type(const char *t)
{
	static const char *const numeric[] = { "tinyint", "smallint", "mediumint", "int",
					       "integer", "bigint", "decimal", "numeric",
					       "float", "double", "real", "bit", "year", NULL };
	for (size_t i = 0; numeric[i]; i++) {
		if (!strcasecmp(t, numeric[i]))
			return 1;
	}
	return 0;
}

char *mg_cat_mysql_default(mg_catalog_impl *c, const char *dflt, const char *data_type,
			   const char *extra, int quoted_form)
{
	mg_buf b = MG_BUF_INIT;
	char *res;

	if (!dflt)
		return NULL;
	if (quoted_form)
		return strcmp(dflt, "NULL") ? mg_arena_strdup(&c->arena, dflt) : NULL;
	/* MySQL: expressions are flagged in EXTRA (8.0.13+) or are the
	 * CURRENT_TIMESTAMP of a temporal column; everything else is a literal
	 * given bare, which we quote unless the column is numeric. */
	if ((extra && strcasestr(extra, "DEFAULT_GENERATED")) ||
	    !strncasecmp(dflt, "CURRENT_TIMESTAMP", 17) ||
	    (data_type && is_numeric_type(data_type)) || !strncmp(dflt, "b'", 2))
		return mg_arena_strdup(&c->arena, dflt);
	mg_buf_putc(&b, '\'');
	for (const char *p = dflt; *p; p++) {
		if (*p == '\'')
			mg_buf_putc(&b, '\'');
		mg_buf_putc(&b, *p);
	}
	mg_buf_putc(&b, '\'');
	res = mg_arena_strdup(&c->arena, b.ptr);
	mg_buf_release(&b);
	return res;
}

const char *mg_cat_sqlite_affinity(const char *decl)
{
	if (!decl || !*decl)
		return "BLOB";
	if (strcasestr(decl, "INT"))
		return "INTEGER";
	if (strcasestr(decl, "CHAR") || strcasestr(decl, "CLOB") || strcasestr(decl, "TEXT"))
		return "TEXT";
	if (strcasestr(decl, "BLOB"))
		return "BLOB";
	if (strcasestr(decl, "REAL") || strcasestr(decl, "FLOA") || strcasestr(decl, "DOUB"))
		return "REAL";
	return "NUMERIC";
}

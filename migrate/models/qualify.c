/*
 * Included schemas in the model statements: the statement's tokens
 * (sql/tokens.h: strings, quoted identifiers and comments are whole) show
 * the identifiers that name an included schema as a qualifier, and the
 * statement is copied with the scratch name in their place (qualify.h).
 * The statements come from mg_sql_split, so each is whole.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "models/qualify.h"
#include "sql/tokens.h"

typedef struct lexer {
	const mg_models_qualifier *q;
	mg_tokens t;
} lexer;

static bool is_word(const lexer *x, size_t t, const char *word)
{
	return mg_token_is_word(&x->t, t, word);
}

/* The included schema token t names (its index), or -1. */
static int schema_of(const lexer *x, size_t t)
{
	const mg_token *k = &x->t.items[t];
	const char *p = x->t.text + k->start;
	size_t n = k->end - k->start;

	for (size_t j = 0; j < x->q->n; j++) {
		const char *name = x->q->names[j];
		size_t nl = strlen(name), i = 0, at;
		if (k->kind == MG_TOK_BARE) {
			bool fold = x->q->dialect == MG_DIALECT_POSTGRESQL;
			if (n != nl)
				continue;
			while (i < n && (fold ? tolower((unsigned char)p[i]) : p[i]) == name[i])
				i++;
			if (i == n)
				return (int)j;
			continue;
		}
		if (k->kind != MG_TOK_QUOTED || n < 2)
			continue;
		/* Compare the name inside the quotes, doubled quotes undone. */
		for (at = 1; at + 1 < n && i < nl; at++, i++) {
			if (p[at] != name[i])
				break;
			if (p[at] == p[0])
				at++;
		}
		if (i == nl && at == n - 1)
			return (int)j;
	}
	return -1;
}

/* Token t follows SCHEMA (MySQL: DATABASE, USE), IF [NOT] EXISTS between. */
static bool after_schema_keyword(const lexer *x, size_t t)
{
	bool my = x->q->dialect == MG_DIALECT_MYSQL;

	if (t >= 1 && is_word(x, t - 1, "exists")) {
		t--;
		if (t >= 1 && is_word(x, t - 1, "not"))
			t--;
		if (t < 1 || !is_word(x, t - 1, "if"))
			return false;
		t--;
	}
	return t >= 1 && (is_word(x, t - 1, "schema") || (my && (is_word(x, t - 1, "database") ||
								  is_word(x, t - 1, "use"))));
}

/* CREATE SCHEMA|DATABASE [IF NOT EXISTS] <included> with no CREATE or
 * GRANT (schema elements) after it. */
static bool creates_only_schema(const lexer *x)
{
	size_t t = 2;

	if (x->t.n < 3 || !is_word(x, 0, "create") ||
	    !(is_word(x, 1, "schema") || (x->q->dialect == MG_DIALECT_MYSQL && is_word(x, 1, "database"))))
		return false;
	if (is_word(x, t, "if")) {
		if (x->t.n < 6 || !is_word(x, 3, "not") || !is_word(x, 4, "exists"))
			return false;
		t = 5;
	}
	if (t >= x->t.n || schema_of(x, t) < 0)
		return false;
	for (t++; t < x->t.n; t++)
		if (is_word(x, t, "create") || is_word(x, t, "grant"))
			return false;
	return true;
}

int mg_models_qualify(const mg_models_qualifier *q, const char *stmt, size_t len, mg_buf *out)
{
	lexer x;
	size_t copied = 0;
	int skip = 0;

	if (q->n == 0) {
		mg_buf_add(out, stmt, len);
		return 0;
	}
	x.q = q;
	mg_tokens_scan(&x.t, q->dialect, stmt, len);
	if (creates_only_schema(&x)) {
		skip = 1;
		goto out;
	}
	for (size_t t = 0; t < x.t.n; t++) {
		int j;
		if (x.t.items[t].kind != MG_TOK_BARE && x.t.items[t].kind != MG_TOK_QUOTED)
			continue;
		if ((j = schema_of(&x, t)) < 0)
			continue;
		if (!(t + 1 < x.t.n && x.t.items[t + 1].kind == MG_TOK_DOT) && !after_schema_keyword(&x, t))
			continue;
		mg_buf_add(out, stmt + copied, x.t.items[t].start - copied);
		/* A quoted name stays quoted: MySQL keeps routine bodies as
		 * written, and the name mapped back must read as written. */
		if (x.t.items[t].kind == MG_TOK_QUOTED)
			mg_buf_putc(out, stmt[x.t.items[t].start]);
		mg_buf_puts(out, q->scratch[j]);
		if (x.t.items[t].kind == MG_TOK_QUOTED)
			mg_buf_putc(out, stmt[x.t.items[t].start]);
		copied = x.t.items[t].end;
	}
	mg_buf_add(out, stmt + copied, len - copied);
out:
	mg_tokens_release(&x.t);
	return skip;
}

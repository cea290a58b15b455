/*
 * Included schemas in the model statements: a small tokenizer per dialect
 * (strings, quoted identifiers, comments, PostgreSQL dollar quotes) finds
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

enum { T_BARE, T_QUOTED, T_DOT, T_OTHER };

typedef struct token {
	int kind;
	size_t start, end; /* stmt[start..end), quotes included */
} token;

typedef struct lexer {
	const mg_models_qualifier *q;
	const char *s;
	size_t len;
	token *toks;
	size_t ntoks, cap;
} lexer;

static bool ident_start(char ch)
{
	return isalpha((unsigned char)ch) || ch == '_' || (unsigned char)ch >= 0x80;
}

static bool ident_byte(char ch)
{
	return ident_start(ch) || isdigit((unsigned char)ch) || ch == '$';
}

static void push(lexer *x, int kind, size_t start, size_t end)
{
	if (x->ntoks == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 32;
		x->toks = realloc(x->toks, x->cap * sizeof(*x->toks));
		if (!x->toks)
			abort(); /* out of memory, as buf.h */
	}
	x->toks[x->ntoks].kind = kind;
	x->toks[x->ntoks].start = start;
	x->toks[x->ntoks].end = end;
	x->ntoks++;
}

/* The end of a quoted run opened at i (doubled quotes stay inside; with
 * backslashes, a backslash escapes the next byte). */
static size_t skip_quoted(const lexer *x, size_t i, bool backslashes)
{
	char quote = x->s[i++];

	while (i < x->len) {
		if (backslashes && x->s[i] == '\\' && i + 1 < x->len) {
			i += 2;
		} else if (x->s[i] == quote) {
			if (i + 1 < x->len && x->s[i + 1] == quote)
				i += 2;
			else
				return i + 1;
		} else {
			i++;
		}
	}
	return x->len;
}

/* A PostgreSQL dollar quote opening at i ($$ or $tag$): its end, or 0 when
 * it is not one ($1, a $ inside a name). */
static size_t skip_dollar(const lexer *x, size_t i)
{
	size_t t = i + 1, taglen;
	const char *close;

	if (i > 0 && ident_byte(x->s[i - 1]))
		return 0;
	if (t < x->len && ident_start(x->s[t]))
		while (t < x->len && ident_byte(x->s[t]) && x->s[t] != '$')
			t++;
	if (t >= x->len || x->s[t] != '$')
		return 0;
	taglen = t + 1 - i;
	for (close = x->s + t + 1; close + taglen <= x->s + x->len; close++)
		if (!memcmp(close, x->s + i, taglen))
			return (size_t)(close - x->s) + taglen;
	return x->len;
}

/* The end of a comment opening at i, or 0 when none opens there. */
static size_t skip_comment(const lexer *x, size_t i)
{
	const char *s = x->s;
	bool pg = x->q->dialect == MG_DIALECT_POSTGRESQL;

	if ((s[i] == '-' && i + 1 < x->len && s[i + 1] == '-' &&
	     (pg || i + 2 >= x->len || isspace((unsigned char)s[i + 2]))) ||
	    (!pg && s[i] == '#')) {
		while (i < x->len && s[i] != '\n')
			i++;
		return i;
	}
	if (s[i] == '/' && i + 1 < x->len && s[i + 1] == '*') {
		int depth = 0; /* PostgreSQL nests block comments, MySQL does not */
		while (i < x->len) {
			if (s[i] == '/' && i + 1 < x->len && s[i + 1] == '*') {
				depth++;
				i += 2;
			} else if (s[i] == '*' && i + 1 < x->len && s[i + 1] == '/') {
				i += 2;
				if (--depth == 0 || !pg)
					return i;
			} else {
				i++;
			}
		}
		return x->len;
	}
	return 0;
}

static void tokenize(lexer *x)
{
	const char *s = x->s;
	bool pg = x->q->dialect == MG_DIALECT_POSTGRESQL;

	for (size_t i = 0; i < x->len;) {
		size_t e;
		if (isspace((unsigned char)s[i])) {
			i++;
		} else if ((e = skip_comment(x, i)) != 0) {
			i = e;
		} else if (s[i] == '\'') {
			/* E'...' takes backslash escapes; MySQL strings always do. */
			bool esc = !pg || (i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E') &&
					   (i < 2 || !ident_byte(s[i - 2])));
			e = skip_quoted(x, i, esc);
			push(x, T_OTHER, i, e);
			i = e;
		} else if (s[i] == '"' || (s[i] == '`' && !pg)) {
			/* A MySQL "..." is a string (ANSI_QUOTES aside). */
			bool ident = pg || s[i] == '`';
			e = skip_quoted(x, i, !ident);
			push(x, ident ? T_QUOTED : T_OTHER, i, e);
			i = e;
		} else if (pg && s[i] == '$' && (e = skip_dollar(x, i)) != 0) {
			push(x, T_OTHER, i, e);
			i = e;
		} else if (ident_start(s[i])) {
			for (e = i + 1; e < x->len && ident_byte(s[e]); e++)
				;
			push(x, T_BARE, i, e);
			i = e;
		} else {
			push(x, s[i] == '.' ? T_DOT : T_OTHER, i, i + 1);
			i++;
		}
	}
}

static bool is_word(const lexer *x, size_t t, const char *word)
{
	const token *k = &x->toks[t];
	size_t n = strlen(word);
	return k->kind == T_BARE && k->end - k->start == n && !strncasecmp(x->s + k->start, word, n);
}

/* The included schema token t names (its index), or -1. */
static int schema_of(const lexer *x, size_t t)
{
	const token *k = &x->toks[t];
	const char *p = x->s + k->start;
	size_t n = k->end - k->start;

	for (size_t j = 0; j < x->q->n; j++) {
		const char *name = x->q->names[j];
		size_t nl = strlen(name), i = 0, at;
		if (k->kind == T_BARE) {
			bool fold = x->q->dialect == MG_DIALECT_POSTGRESQL;
			if (n != nl)
				continue;
			while (i < n && (fold ? tolower((unsigned char)p[i]) : p[i]) == name[i])
				i++;
			if (i == n)
				return (int)j;
			continue;
		}
		if (k->kind != T_QUOTED || n < 2)
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

	if (x->ntoks < 3 || !is_word(x, 0, "create") ||
	    !(is_word(x, 1, "schema") || (x->q->dialect == MG_DIALECT_MYSQL && is_word(x, 1, "database"))))
		return false;
	if (is_word(x, t, "if")) {
		if (x->ntoks < 6 || !is_word(x, 3, "not") || !is_word(x, 4, "exists"))
			return false;
		t = 5;
	}
	if (t >= x->ntoks || schema_of(x, t) < 0)
		return false;
	for (t++; t < x->ntoks; t++)
		if (is_word(x, t, "create") || is_word(x, t, "grant"))
			return false;
	return true;
}

int mg_models_qualify(const mg_models_qualifier *q, const char *stmt, size_t len, mg_buf *out)
{
	lexer x = { q, stmt, len, NULL, 0, 0 };
	size_t copied = 0;
	int skip = 0;

	if (q->n == 0) {
		mg_buf_add(out, stmt, len);
		return 0;
	}
	tokenize(&x);
	if (creates_only_schema(&x)) {
		skip = 1;
		goto out;
	}
	for (size_t t = 0; t < x.ntoks; t++) {
		int j;
		if (x.toks[t].kind != T_BARE && x.toks[t].kind != T_QUOTED)
			continue;
		if ((j = schema_of(&x, t)) < 0)
			continue;
		if (!(t + 1 < x.ntoks && x.toks[t + 1].kind == T_DOT) && !after_schema_keyword(&x, t))
			continue;
		mg_buf_add(out, stmt + copied, x.toks[t].start - copied);
		/* A quoted name stays quoted: MySQL keeps routine bodies as
		 * written, and the name mapped back must read as written. */
		if (x.toks[t].kind == T_QUOTED)
			mg_buf_putc(out, stmt[x.toks[t].start]);
		mg_buf_puts(out, q->scratch[j]);
		if (x.toks[t].kind == T_QUOTED)
			mg_buf_putc(out, stmt[x.toks[t].start]);
		copied = x.toks[t].end;
	}
	mg_buf_add(out, stmt + copied, len - copied);
out:
	free(x.toks);
	return skip;
}

/*
 * The tokenizer of tokens.h: one pass, quoting and comment rules per
 * dialect, no keywords (callers compare words themselves).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/tokens.h"

static bool ident_start(char ch)
{
	return isalpha((unsigned char)ch) || ch == '_' || (unsigned char)ch >= 0x80;
}

static bool ident_byte(char ch)
{
	return ident_start(ch) || isdigit((unsigned char)ch) || ch == '$';
}

static void push(mg_tokens *x, int kind, size_t start, size_t end)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 32;
		x->items = realloc(x->items, x->cap * sizeof(*x->items));
		if (!x->items)
			abort(); /* out of memory, as buf.h */
	}
	x->items[x->n].kind = kind;
	x->items[x->n].start = start;
	x->items[x->n].end = end;
	x->n++;
}

/* The end of a quoted run opened at i (doubled quotes stay inside; with
 * backslashes, a backslash escapes the next byte). */
static size_t skip_quoted(const mg_tokens *x, size_t i, bool backslashes)
{
	char quote = x->text[i++];

	while (i < x->len) {
		if (backslashes && x->text[i] == '\\' && i + 1 < x->len) {
			i += 2;
		} else if (x->text[i] == quote) {
			if (i + 1 < x->len && x->text[i + 1] == quote)
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
static size_t skip_dollar(const mg_tokens *x, size_t i)
{
	size_t t = i + 1, taglen;
	const char *close;

	if (i > 0 && ident_byte(x->text[i - 1]))
		return 0;
	if (t < x->len && ident_start(x->text[t]))
		while (t < x->len && ident_byte(x->text[t]) && x->text[t] != '$')
			t++;
	if (t >= x->len || x->text[t] != '$')
		return 0;
	taglen = t + 1 - i;
	for (close = x->text + t + 1; close + taglen <= x->text + x->len; close++)
		if (!memcmp(close, x->text + i, taglen))
			return (size_t)(close - x->text) + taglen;
	return x->len;
}

/* The end of a comment opening at i, or 0 when none opens there. */
static size_t skip_comment(const mg_tokens *x, mg_dialect dialect, size_t i)
{
	const char *s = x->text;
	bool pg = dialect == MG_DIALECT_POSTGRESQL;

	if ((s[i] == '-' && i + 1 < x->len && s[i + 1] == '-' &&
	     (pg || i + 2 >= x->len || isspace((unsigned char)s[i + 2]))) ||
	    (dialect == MG_DIALECT_MYSQL && s[i] == '#')) {
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

void mg_tokens_scan(mg_tokens *x, mg_dialect dialect, const char *text, size_t len)
{
	const char *s = text;
	bool pg = dialect == MG_DIALECT_POSTGRESQL, my = dialect == MG_DIALECT_MYSQL;

	memset(x, 0, sizeof(*x));
	x->text = text;
	x->len = len;
	for (size_t i = 0; i < len;) {
		size_t e;
		if (isspace((unsigned char)s[i])) {
			i++;
		} else if ((e = skip_comment(x, dialect, i)) != 0) {
			i = e;
		} else if (s[i] == '\'') {
			/* E'...' takes backslash escapes; MySQL strings always do. */
			bool esc = my || (i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E') &&
					  (i < 2 || !ident_byte(s[i - 2])));
			e = skip_quoted(x, i, esc);
			push(x, MG_TOK_OTHER, i, e);
			i = e;
		} else if (s[i] == '"' || (s[i] == '`' && !pg)) {
			/* A MySQL "..." is a string (ANSI_QUOTES aside); SQLite
			 * takes `x` for a name as MySQL does. */
			bool ident = !my || s[i] == '`';
			e = skip_quoted(x, i, !ident);
			push(x, ident ? MG_TOK_QUOTED : MG_TOK_OTHER, i, e);
			i = e;
		} else if (pg && s[i] == '$' && (e = skip_dollar(x, i)) != 0) {
			push(x, MG_TOK_OTHER, i, e);
			i = e;
		} else if (ident_start(s[i])) {
			for (e = i + 1; e < len && ident_byte(s[e]); e++)
				;
			push(x, MG_TOK_BARE, i, e);
			i = e;
		} else {
			push(x, s[i] == '.' ? MG_TOK_DOT : MG_TOK_OTHER, i, i + 1);
			i++;
		}
	}
}

void mg_tokens_release(mg_tokens *t)
{
	free(t->items);
	t->items = NULL;
	t->n = t->cap = 0;
}

bool mg_token_is_word(const mg_tokens *x, size_t i, const char *word)
{
	size_t n = strlen(word);
	if (i >= x->n)
		return false;
	return x->items[i].kind == MG_TOK_BARE && x->items[i].end - x->items[i].start == n &&
	       !strncasecmp(x->text + x->items[i].start, word, n);
}

bool mg_token_is_char(const mg_tokens *x, size_t i, char ch)
{
	if (i >= x->n)
		return false;
	return x->items[i].end - x->items[i].start == 1 && x->items[i].kind != MG_TOK_BARE &&
	       x->text[x->items[i].start] == ch;
}

void mg_token_name(const mg_tokens *x, size_t i, mg_buf *out)
{
	const mg_token *k = &x->items[i];
	const char *p = x->text + k->start;
	size_t n = k->end - k->start;

	if (k->kind != MG_TOK_QUOTED || n < 2) {
		mg_buf_add(out, p, n);
		return;
	}
	for (size_t at = 1; at + 1 < n; at++) {
		mg_buf_putc(out, p[at]);
		if (p[at] == p[0])
			at++; /* a doubled quote stands for one */
	}
}

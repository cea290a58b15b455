/*
 * A small SQL tokenizer for the places that must read a statement's words
 * without parsing it: strings, quoted identifiers, comments and
 * PostgreSQL dollar quotes are single tokens, so a word inside one is never
 * taken for a keyword or a name. Statements come whole from mg_sql_split.
 */
#ifndef MG_SQL_TOKENS_H
#define MG_SQL_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include "migrate/url.h"
#include "util/buf.h"

enum {
	MG_TOK_BARE,   /* an unquoted word: keyword or identifier */
	MG_TOK_QUOTED, /* a quoted identifier: "x" (PostgreSQL, SQLite), `x` (MySQL) */
	MG_TOK_DOT,    /* '.' */
	MG_TOK_OTHER,  /* a string, a dollar-quoted body, or any other single byte */
};

typedef struct mg_token {
	int kind;
	size_t start, end; /* text[start..end), quotes included */
} mg_token;

/* Owned by the caller; release with mg_tokens_release. text must outlive it. */
typedef struct mg_tokens {
	const char *text;
	size_t len;
	mg_token *items;
	size_t n, cap;
} mg_tokens;

/* Tokenizes text[0..len) with dialect's quoting and comment rules (MySQL:
 * "..." is a string, backslashes escape, # comments; PostgreSQL: nested
 * block comments, E'' strings, dollar quotes). Never fails: an
 * unterminated quote or comment runs to the end. */
void mg_tokens_scan(mg_tokens *out, mg_dialect dialect, const char *text, size_t len);
void mg_tokens_release(mg_tokens *t);

/* Token i is the bare word `word` (ASCII case-insensitive); false past the end. */
bool mg_token_is_word(const mg_tokens *t, size_t i, const char *word);
/* Token i is the single byte ch (not a word); false past the end. */
bool mg_token_is_char(const mg_tokens *t, size_t i, char ch);

/* Appends the name token i spells to out, unquoted (doubled quotes undone),
 * case kept. Token i must be MG_TOK_BARE or MG_TOK_QUOTED. */
void mg_token_name(const mg_tokens *t, size_t i, mg_buf *out);

#endif

/*
 * The statement splitter: one linear pass over a script that knows each
 * dialect's quotes, comments and compound bodies, and returns slices of the
 * script (no copies). Keywords are only looked at in CREATE statements, so
 * ordinary DML and DDL cost one byte test per character. PostgreSQL strings
 * are read as standard_conforming_strings = on (the default since 9.1).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/split.h"
#include "util/buf.h"

#define NPOS ((size_t)-1)
#define STACK_MAX 64

/* Keywords that steer the block tracking, then the other token kinds the
 * scanner remembers as "the previous token". */
enum {
	KW_NONE = 0,
	KW_CREATE,
	KW_OR,
	KW_REPLACE,
	KW_TEMP,
	KW_TEMPORARY,
	KW_FUNCTION,
	KW_PROCEDURE,
	KW_TRIGGER,
	KW_EVENT,
	KW_BEGIN,
	KW_ATOMIC,
	KW_END,
	KW_CASE,
	KW_IF,
	KW_LOOP,
	KW_WHILE,
	KW_REPEAT,
	KW_THEN,
	KW_ELSE,
	KW_DO,
	KW_ROW,
	KW_STOP, /* CREATE of an object that never has a compound body */
	TOK_START,
	TOK_SEMI,
	TOK_COLON,
	TOK_OTHER,
};

static const struct keyword {
	const char *name;
	unsigned char len;
	unsigned char id;
} keywords[] = {
	{ "create", 6, KW_CREATE },       { "or", 2, KW_OR },
	{ "replace", 7, KW_REPLACE },     { "temp", 4, KW_TEMP },
	{ "temporary", 9, KW_TEMPORARY }, { "function", 8, KW_FUNCTION },
	{ "procedure", 9, KW_PROCEDURE }, { "trigger", 7, KW_TRIGGER },
	{ "event", 5, KW_EVENT },         { "begin", 5, KW_BEGIN },
	{ "atomic", 6, KW_ATOMIC },       { "end", 3, KW_END },
	{ "case", 4, KW_CASE },           { "if", 2, KW_IF },
	{ "loop", 4, KW_LOOP },           { "while", 5, KW_WHILE },
	{ "repeat", 6, KW_REPEAT },       { "then", 4, KW_THEN },
	{ "else", 4, KW_ELSE },           { "do", 2, KW_DO },
	{ "row", 3, KW_ROW },             { "table", 5, KW_STOP },
	{ "view", 4, KW_STOP },           { "index", 5, KW_STOP },
	{ "unique", 6, KW_STOP },         { "fulltext", 8, KW_STOP },
	{ "spatial", 7, KW_STOP },        { "database", 8, KW_STOP },
	{ "schema", 6, KW_STOP },         { "user", 4, KW_STOP },
	{ "role", 4, KW_STOP },           { "server", 6, KW_STOP },
	{ "tablespace", 10, KW_STOP },    { "sequence", 8, KW_STOP },
	{ "algorithm", 9, KW_STOP },      { "logfile", 7, KW_STOP },
};

typedef struct scan {
	mg_dialect dialect;
	const char *s;
	size_t len;
	mg_stmt_list *out;

	/* Line numbers are counted lazily: positions asked for only grow. */
	size_t line_pos;
	int line;

	/* MySQL DELIMITER: a slice of the script; custom when it is not ";". */
	const char *delim;
	size_t delim_len;
	int custom_delim;

	/* The statement under way. */
	int has_stmt;
	size_t start;
	int start_line;
	size_t end;   /* end of its last token: trailing blanks and comments drop */
	int words;    /* bare words seen */
	int kind;     /* 0: CREATE, body kind undecided; 1: may hold a compound body; -1: never */
	int parens;
	int depth;    /* BEGIN ATOMIC / trigger body / MySQL block nesting */
	unsigned char stack[STACK_MAX]; /* MySQL: the kind of each open block */
	int prev;     /* previous token: a KW_* or TOK_* */
	int pending_end; /* MySQL: END seen, waiting to know END IF / END LOOP ... */
} scan;

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_word_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

static int is_word_cont(unsigned char c)
{
	return is_word_start(c) || c == '$';
}

static int is_tag_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int lookup_keyword(const char *w, size_t n)
{
	if (n < 2 || n > 10)
		return KW_NONE;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].len == n && strncasecmp(keywords[i].name, w, n) == 0)
			return keywords[i].id;
	return KW_NONE;
}

static int line_at(scan *st, size_t pos)
{
	const char *p, *end;

	if (pos < st->line_pos) {
		st->line_pos = 0;
		st->line = 1;
	}
	p = st->s + st->line_pos;
	end = st->s + pos;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		st->line++;
		p++;
	}
	st->line_pos = pos;
	return st->line;
}

static void push_stmt(mg_stmt_list *list, const mg_stmt *st)
{
	if (list->len == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 16;
		list->items = mg_xrealloc(list->items, list->cap * sizeof(*list->items));
	}
	list->items[list->len++] = *st;
}

void mg_stmt_list_init(mg_stmt_list *list)
{
	list->items = NULL;
	list->len = 0;
	list->cap = 0;
}

void mg_stmt_list_release(mg_stmt_list *list)
{
	free(list->items);
	mg_stmt_list_init(list);
}

static void reset_stmt(scan *st)
{
	st->has_stmt = 0;
	st->words = 0;
	st->kind = -1;
	st->parens = 0;
	st->depth = 0;
	st->prev = TOK_START;
	st->pending_end = 0;
}

static void finish_stmt(scan *st)
{
	if (st->has_stmt) {
		mg_stmt stmt = { st->s + st->start, st->end - st->start, st->start, st->start_line };
		push_stmt(st->out, &stmt);
	}
	reset_stmt(st);
}

static void begin_token(scan *st, size_t at)
{
	if (!st->has_stmt) {
		st->has_stmt = 1;
		st->start = at;
		st->start_line = line_at(st, at);
	}
}

/* MySQL block stack: pop down to (and including) the innermost block of
 * kind1 or kind2; nothing when there is none, so that a keyword
 * taken for an opener by mistake (the IF() function) heals at the next END. */
static void pop_block(scan *st, int kind1, int kind2)
{
	if (st->depth > STACK_MAX) {
		st->depth--;
		return;
	}
	for (int i = st->depth - 1; i >= 0; i--) {
		if (st->stack[i] == kind1 || st->stack[i] == kind2) {
			st->depth = i;
			return;
		}
	}
}

static void push_block(scan *st, int kind)
{
	if (st->depth < STACK_MAX)
		st->stack[st->depth] = (unsigned char)kind;
	st->depth++;
}

static void resolve_plain_end(scan *st)
{
	if (st->pending_end) {
		st->pending_end = 0;
		pop_block(st, KW_BEGIN, KW_CASE);
	}
}

/* Where a MySQL compound statement (IF, LOOP, WHILE, REPEAT) may begin:
 * after a `;`, a label, or a keyword that introduces a statement list. */
static int at_statement_start(int prev)
{
	switch (prev) {
	case TOK_SEMI:
	case TOK_COLON:
	case KW_BEGIN:
	case KW_THEN:
	case KW_ELSE:
	case KW_DO:
	case KW_LOOP:
	case KW_REPEAT:
	case KW_ROW:
		return 1;
	default:
		return 0;
	}
}

/* Decides from the words after CREATE whether the statement can hold a
 * body whose inner `;` do not end it. */
static void decide_kind(scan *st, int kw)
{
	switch (st->dialect) {
	case MG_DIALECT_POSTGRESQL:
		if (kw == KW_FUNCTION || kw == KW_PROCEDURE)
			st->kind = 1;
		else if (kw != KW_OR && kw != KW_REPLACE)
			st->kind = -1;
		break;
	case MG_DIALECT_SQLITE:
		if (kw == KW_TRIGGER)
			st->kind = 1;
		else if (kw != KW_TEMP && kw != KW_TEMPORARY)
			st->kind = -1;
		break;
	default:
		/* MySQL: CREATE [OR REPLACE] [DEFINER = user] [AGGREGATE] FUNCTION ... */
		if (kw == KW_FUNCTION || kw == KW_PROCEDURE || kw == KW_TRIGGER || kw == KW_EVENT)
			st->kind = 1;
		else if (kw == KW_STOP || kw == KW_TEMPORARY || st->words > 8)
			st->kind = -1;
		break;
	}
}

static void track_block(scan *st, int kw)
{
	switch (st->dialect) {
	case MG_DIALECT_POSTGRESQL:
		if (st->depth == 0) {
			if (kw == KW_ATOMIC && st->prev == KW_BEGIN)
				st->depth = 1;
		} else if (kw == KW_CASE) {
			st->depth++;
		} else if (kw == KW_END) {
			st->depth--;
		}
		break;
	case MG_DIALECT_SQLITE:
		if (kw == KW_BEGIN || kw == KW_CASE)
			st->depth++;
		else if (kw == KW_END && st->depth > 0)
			st->depth--;
		break;
	default:
		if (kw == KW_BEGIN || kw == KW_CASE)
			push_block(st, kw);
		else if ((kw == KW_IF || kw == KW_LOOP || kw == KW_WHILE || kw == KW_REPEAT) &&
			 at_statement_start(st->prev))
			push_block(st, kw);
		else if (kw == KW_END && st->depth > 0)
			st->pending_end = 1;
		break;
	}
}

/* A bare word (keyword, identifier or number) at [b, e). */
static void on_word(scan *st, size_t b, size_t e)
{
	int kw = KW_NONE;

	begin_token(st, b);
	st->end = e;
	if (st->words == 0 || st->kind >= 0)
		kw = lookup_keyword(st->s + b, e - b);
	if (st->pending_end) {
		st->pending_end = 0;
		if (kw == KW_IF || kw == KW_LOOP || kw == KW_WHILE || kw == KW_REPEAT ||
		    kw == KW_CASE) {
			pop_block(st, kw, kw);
			st->words++;
			st->prev = TOK_OTHER;
			return;
		}
		pop_block(st, KW_BEGIN, KW_CASE);
	}
	st->words++;
	if (st->words == 1)
		st->kind = kw == KW_CREATE ? 0 : -1;
	else if (st->kind == 0)
		decide_kind(st, kw);
	else if (st->kind == 1)
		track_block(st, kw);
	st->prev = kw;
}

/* Any other token at [b, e). */
static void on_token(scan *st, size_t b, size_t e, int tok)
{
	begin_token(st, b);
	resolve_plain_end(st);
	st->end = e;
	st->prev = tok;
}

static int unterminated(scan *st, size_t at, const char *what, mg_error *err)
{
	return mg_error_set(err, MG_EINPUT, "line %d: unterminated %s started here",
			    line_at(st, at), what);
}

/* From the opening quote at pos: the position after the closing one, or NPOS. */
static size_t skip_quoted(const char *s, size_t len, size_t pos, char quote, int backslash)
{
	size_t i = pos + 1;

	while (i < len) {
		char c = s[i];
		if (c == quote) {
			if (i + 1 < len && s[i + 1] == quote) {
				i += 2;
				continue;
			}
			return i + 1;
		}
		i += (backslash && c == '\\') ? 2 : 1;
	}
	return NPOS;
}

static size_t skip_block_comment(const char *s, size_t len, size_t pos, int nested)
{
	size_t i = pos + 2;
	int depth = 1;

	while (i + 1 < len) {
		if (s[i] == '*' && s[i + 1] == '/') {
			i += 2;
			if (--depth == 0)
				return i;
		} else if (nested && s[i] == '/' && s[i + 1] == '*') {
			depth++;
			i += 2;
		} else {
			i++;
		}
	}
	return NPOS;
}

/* The position of the end of line (its '\n') or of the script. */
static size_t skip_line(const char *s, size_t len, size_t pos)
{
	const char *nl = memchr(s + pos, '\n', len - pos);
	return nl ? (size_t)(nl - s) : len;
}

/* At a '$' (PostgreSQL): the length of a $tag$ opener, or 0 when this is a
 * parameter ($1) or a lone dollar. */
static size_t dollar_opener(const char *s, size_t len, size_t pos)
{
	size_t i = pos + 1;

	if (i < len && s[i] == '$')
		return 2;
	if (i >= len || !is_tag_start((unsigned char)s[i]))
		return 0;
	while (i < len && (is_tag_start((unsigned char)s[i]) || (s[i] >= '0' && s[i] <= '9')))
		i++;
	return i < len && s[i] == '$' ? i + 1 - pos : 0;
}

static int delim_at(const scan *st, size_t pos)
{
	return st->custom_delim && st->s[pos] == st->delim[0] && st->len - pos >= st->delim_len &&
	       memcmp(st->s + pos, st->delim, st->delim_len) == 0;
}

/* A MySQL client `DELIMITER xx` line starting with the word at [b, e):
 * applies it and returns the position of the end of its line, or NPOS when
 * the word is not such a directive (not first on its line, no argument, or
 * inside an unfinished parenthesis or block). */
static size_t try_delimiter(scan *st, size_t b, size_t e)
{
	const char *s = st->s;
	size_t i = b, a, ae;

	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	if (i > 0 && s[i - 1] != '\n')
		return NPOS;
	if (st->has_stmt && (st->parens > 0 || st->depth > 0))
		return NPOS;
	a = e;
	if (a >= st->len || (s[a] != ' ' && s[a] != '\t'))
		return NPOS;
	while (a < st->len && (s[a] == ' ' || s[a] == '\t'))
		a++;
	ae = a;
	while (ae < st->len && !is_space((unsigned char)s[ae]))
		ae++;
	if (ae == a)
		return NPOS;
	finish_stmt(st);
	st->delim = s + a;
	st->delim_len = ae - a;
	st->custom_delim = !(st->delim_len == 1 && s[a] == ';');
	return skip_line(s, st->len, ae);
}

static int scan_script(scan *st, mg_error *err)
{
	const char *s = st->s;
	size_t len = st->len, pos = 0;
	int pg = st->dialect == MG_DIALECT_POSTGRESQL;
	int my = st->dialect == MG_DIALECT_MYSQL;
	int lite = st->dialect == MG_DIALECT_SQLITE;

	while (pos < len) {
		unsigned char c = (unsigned char)s[pos];
		size_t e;

		if (is_space(c)) {
			pos++;
			continue;
		}
		if (delim_at(st, pos)) {
			resolve_plain_end(st);
			finish_stmt(st);
			pos += st->delim_len;
			continue;
		}
		switch (c) {
		case '-':
			if (pos + 1 < len && s[pos + 1] == '-' &&
			    (!my || pos + 2 >= len || (unsigned char)s[pos + 2] <= ' ')) {
				pos = skip_line(s, len, pos);
				continue;
			}
			break;
		case '#':
			if (my) {
				pos = skip_line(s, len, pos);
				continue;
			}
			break;
		case '/':
			if (pos + 1 < len && s[pos + 1] == '*') {
				int exec = my && pos + 2 < len &&
					   (s[pos + 2] == '!' ||
					    (s[pos + 2] == 'M' && pos + 3 < len && s[pos + 3] == '!'));
				e = skip_block_comment(s, len, pos, pg);
				if (e == NPOS)
					return unterminated(st, pos, "block comment", err);
				if (exec)
					on_token(st, pos, e, TOK_OTHER);
				pos = e;
				continue;
			}
			break;
		case '\'':
			e = skip_quoted(s, len, pos, '\'', my);
			if (e == NPOS)
				return unterminated(st, pos, "string", err);
			on_token(st, pos, e, TOK_OTHER);
			pos = e;
			continue;
		case '"':
			e = skip_quoted(s, len, pos, '"', my);
			if (e == NPOS)
				return unterminated(st, pos, my ? "string" : "quoted identifier", err);
			on_token(st, pos, e, TOK_OTHER);
			pos = e;
			continue;
		case '`':
			if (my || lite) {
				e = skip_quoted(s, len, pos, '`', 0);
				if (e == NPOS)
					return unterminated(st, pos, "quoted identifier", err);
				on_token(st, pos, e, TOK_OTHER);
				pos = e;
				continue;
			}
			break;
		case '[':
			if (lite) {
				const char *close = memchr(s + pos, ']', len - pos);
				if (!close)
					return unterminated(st, pos, "quoted identifier", err);
				e = (size_t)(close - s) + 1;
				on_token(st, pos, e, TOK_OTHER);
				pos = e;
				continue;
			}
			break;
		case '$':
			if (pg) {
				size_t n = dollar_opener(s, len, pos);
				if (n > 0) {
					const char *close = memmem(s + pos + n, len - pos - n, s + pos, n);
					if (!close)
						return unterminated(st, pos, "dollar-quoted string", err);
					e = (size_t)(close - s) + n;
					on_token(st, pos, e, TOK_OTHER);
					pos = e;
					continue;
				}
			}
			break;
		case '(':
			on_token(st, pos, pos + 1, TOK_OTHER);
			st->parens++;
			pos++;
			continue;
		case ')':
			on_token(st, pos, pos + 1, TOK_OTHER);
			if (st->parens > 0)
				st->parens--;
			pos++;
			continue;
		case ';':
			if (!st->custom_delim) {
				resolve_plain_end(st);
				if (st->depth == 0 && (!pg || st->parens == 0)) {
					finish_stmt(st);
					pos++;
					continue;
				}
			}
			on_token(st, pos, pos + 1, TOK_SEMI);
			pos++;
			continue;
		case ':':
			if (pos + 1 < len && s[pos + 1] == '=') {
				on_token(st, pos, pos + 2, TOK_OTHER);
				pos += 2;
			} else {
				on_token(st, pos, pos + 1, TOK_COLON);
				pos++;
			}
			continue;
		default:
			break;
		}
		if (!is_word_start(c)) {
			on_token(st, pos, pos + 1, TOK_OTHER);
			pos++;
			continue;
		}
		e = pos + 1;
		while (e < len && is_word_cont((unsigned char)s[e]) && !delim_at(st, e))
			e++;
		if (pg && e == pos + 1 && (c == 'E' || c == 'e') && e < len && s[e] == '\'') {
			size_t q = skip_quoted(s, len, e, '\'', 1);
			if (q == NPOS)
				return unterminated(st, e, "string", err);
			on_token(st, pos, q, TOK_OTHER);
			pos = q;
			continue;
		}
		if (my && e - pos == 9 && strncasecmp(s + pos, "delimiter", 9) == 0) {
			size_t next = try_delimiter(st, pos, e);
			if (next != NPOS) {
				pos = next;
				continue;
			}
		}
		on_word(st, pos, e);
		pos = e;
	}
	resolve_plain_end(st);
	finish_stmt(st);
	return MG_OK;
}

int mg_sql_split(mg_dialect dialect, const char *script, size_t len, mg_stmt_list *out,
		 mg_error *err)
{
	scan st;
	size_t before = out->len;
	int rc;

	memset(&st, 0, sizeof(st));
	st.dialect = dialect;
	st.s = script;
	st.len = len;
	st.out = out;
	st.line = 1;
	st.delim = ";";
	st.delim_len = 1;
	reset_stmt(&st);
	rc = scan_script(&st, err);
	if (rc != MG_OK)
		out->len = before;
	return rc;
}

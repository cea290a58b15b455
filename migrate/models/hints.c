/*
 * Rename hints in the models' source text: `-- migrate:renamed-from OLD`
 * at the end of a CREATE TABLE line (the table), a column's line inside a
 * CREATE TABLE body (the column), a CREATE INDEX line (the index), a
 * CREATE VIEW line (the view), a CREATE TYPE ... AS ENUM line (the type) or
 * a label's line inside its parentheses (the label). The catalog never
 * sees comments, so the hints are read from the files.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "migrate/models.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/vec.h"

#define HINT "migrate:renamed-from"

enum { T_WORD, T_IDENT, T_STRING, T_DOT, T_OPEN, T_CLOSE, T_SEMI, T_OTHER };

typedef struct token {
	int kind;
	const char *s; /* T_WORD, T_IDENT: the name, T_STRING: the text (quotes
			* removed), in the arena */
} token;

typedef struct scanner {
	mg_arena *arena;
	char quote;          /* inside '...', "..." or `...` spanning lines */
	bool block_comment;  /* inside a slash-star comment spanning lines */
	/* CREATE TABLE or CREATE TYPE ... AS ENUM state: the name once read,
	 * whether it is an enum, and the parenthesis depth inside its body (0:
	 * not in a body). */
	const char *pending_table;
	bool pending_enum;
	bool after_create_table;
	const char *table;
	bool body_enum;
	int depth;
	mg_buf quoted;       /* a quoted name spanning lines */
	token toks[64];      /* the line's first tokens */
	size_t ntoks;
} scanner;

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '{' || c == '}' ||
	       (unsigned char)c >= 0x80;
}

static void push(scanner *s, int kind, const char *text)
{
	if (s->ntoks < sizeof(s->toks) / sizeof(s->toks[0])) {
		s->toks[s->ntoks].kind = kind;
		s->toks[s->ntoks].s = text;
		s->ntoks++;
	}
}

/* The name starting at toks[*i] (a.b."c": the last part); NULL if none. */
static const char *name_at(const scanner *s, size_t *i)
{
	const char *last = NULL;

	while (*i < s->ntoks && (s->toks[*i].kind == T_WORD || s->toks[*i].kind == T_IDENT)) {
		last = s->toks[*i].s;
		(*i)++;
		if (*i < s->ntoks && s->toks[*i].kind == T_DOT)
			(*i)++;
		else
			break;
	}
	return last;
}

static bool kw(const scanner *s, size_t i, const char *word)
{
	return i < s->ntoks && s->toks[i].kind == T_WORD && !strcasecmp(s->toks[i].s, word);
}

/* The quoted text in b with each doubled quote q made single (arena). */
static const char *undouble(mg_arena *a, const mg_buf *b, char q)
{
	char *out = mg_arena_strndup(a, b->ptr, b->len), *w = out;

	for (const char *r = out; *r; r++) {
		*w++ = *r;
		if (*r == q && r[1] == q)
			r++;
	}
	*w = '\0';
	return out;
}

/* Tokenises one line's code (up to a `--` comment, returned in *comment)
 * into s->toks, carrying quotes and block comments over lines. */
static void tokenize(scanner *s, const char *p, const char *end, const char **comment)
{
	s->ntoks = 0;
	*comment = NULL;
	while (p < end) {
		if (s->block_comment) {
			const char *close = NULL;
			for (const char *q = p; q + 1 < end; q++)
				if (q[0] == '*' && q[1] == '/') {
					close = q;
					break;
				}
			if (!close)
				return;
			s->block_comment = false;
			p = close + 2;
			continue;
		}
		if (s->quote) {
			const char *start = p;
			while (p < end && !(*p == s->quote && !(p + 1 < end && p[1] == s->quote)))
				p += *p == s->quote ? 2 : 1;
			mg_buf_add(&s->quoted, start, (size_t)(p - start));
			if (p >= end)
				return;
			push(s, s->quote == '\'' ? T_STRING : T_IDENT, undouble(s->arena, &s->quoted, s->quote));
			s->quote = 0;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (p[0] == '-' && p + 1 < end && p[1] == '-') {
			*comment = p + 2;
			return;
		} else if (p[0] == '/' && p + 1 < end && p[1] == '*') {
			s->block_comment = true;
			p += 2;
		} else if (*p == '\'' || *p == '"' || *p == '`') {
			s->quote = *p++;
			mg_buf_clear(&s->quoted);
		} else if (word_char(*p)) {
			const char *start = p;
			while (p < end && word_char(*p))
				p++;
			push(s, T_WORD, mg_arena_strndup(s->arena, start, (size_t)(p - start)));
		} else {
			push(s, *p == '.' ? T_DOT : *p == '(' ? T_OPEN : *p == ')' ? T_CLOSE : *p == ';' ? T_SEMI : T_OTHER,
			     NULL);
			p++;
		}
	}
}

/* CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE [IF NOT EXISTS] name:
 * the name, else NULL. */
static const char *create_table_name(const scanner *s)
{
	size_t i = 0;

	if (!kw(s, i++, "CREATE"))
		return NULL;
	while (kw(s, i, "GLOBAL") || kw(s, i, "LOCAL") || kw(s, i, "TEMP") || kw(s, i, "TEMPORARY") ||
	       kw(s, i, "UNLOGGED"))
		i++;
	if (!kw(s, i++, "TABLE"))
		return NULL;
	if (kw(s, i, "IF") && kw(s, i + 1, "NOT") && kw(s, i + 2, "EXISTS"))
		i += 3;
	return name_at(s, &i);
}

/* CREATE [OR REPLACE] [options] VIEW [IF NOT EXISTS] name: the name, else
 * NULL. The options are PostgreSQL's TEMP, RECURSIVE, MATERIALIZED and
 * MySQL's ALGORITHM = x, DEFINER = x, SQL SECURITY x: any words and signs
 * up to VIEW, but never another object's keyword or a parenthesis. */
static const char *create_view_name(const scanner *s)
{
	static const char *const others[] = { "TABLE", "INDEX", "TYPE", "FUNCTION", "PROCEDURE", "TRIGGER",
					      "SEQUENCE", "DOMAIN", "EVENT", "SCHEMA", "EXTENSION", NULL };
	size_t i = 0;

	if (!kw(s, i++, "CREATE"))
		return NULL;
	for (; i < s->ntoks && !kw(s, i, "VIEW"); i++) {
		if (s->toks[i].kind == T_OPEN || s->toks[i].kind == T_CLOSE || s->toks[i].kind == T_SEMI)
			return NULL;
		for (size_t k = 0; others[k]; k++)
			if (kw(s, i, others[k]))
				return NULL;
	}
	if (!kw(s, i++, "VIEW"))
		return NULL;
	if (kw(s, i, "IF") && kw(s, i + 1, "NOT") && kw(s, i + 2, "EXISTS"))
		i += 3;
	return name_at(s, &i);
}

/* CREATE TYPE name AS ENUM: the name, else NULL. */
static const char *create_enum_name(const scanner *s)
{
	size_t i = 0;
	const char *name;

	if (!kw(s, i++, "CREATE") || !kw(s, i++, "TYPE") || !(name = name_at(s, &i)))
		return NULL;
	return kw(s, i, "AS") && kw(s, i + 1, "ENUM") ? name : NULL;
}

/* CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX [CONCURRENTLY] [IF NOT EXISTS]
 * name ON [ONLY] table: both names, else false. */
static bool create_index_names(const scanner *s, const char **index, const char **table)
{
	size_t i = 0;

	if (!kw(s, i++, "CREATE"))
		return false;
	while (kw(s, i, "UNIQUE") || kw(s, i, "FULLTEXT") || kw(s, i, "SPATIAL"))
		i++;
	if (!kw(s, i++, "INDEX"))
		return false;
	if (kw(s, i, "CONCURRENTLY"))
		i++;
	if (kw(s, i, "IF") && kw(s, i + 1, "NOT") && kw(s, i + 2, "EXISTS"))
		i += 3;
	if (!(*index = name_at(s, &i)) || !kw(s, i++, "ON"))
		return false;
	if (kw(s, i, "ONLY"))
		i++;
	return (*table = name_at(s, &i)) != NULL;
}

/* Follows CREATE TABLE and enum bodies over the line's tokens; created is
 * the table or (is_enum) type the line creates, or NULL. */
static void track(scanner *s, const char *created, bool is_enum)
{
	if (created) {
		s->pending_table = created;
		s->pending_enum = is_enum;
		s->after_create_table = true;
	}
	for (size_t i = 0; i < s->ntoks; i++) {
		switch (s->toks[i].kind) {
		case T_OPEN:
			if (s->depth)
				s->depth++;
			else if (s->after_create_table) {
				s->table = s->pending_table;
				s->body_enum = s->pending_enum;
				s->depth = 1;
				s->after_create_table = false;
			}
			break;
		case T_CLOSE:
			if (s->depth && --s->depth == 0)
				s->table = NULL;
			break;
		case T_SEMI:
			s->table = s->pending_table = NULL;
			s->depth = 0;
			s->after_create_table = false;
			break;
		default:
			break;
		}
	}
}

/* "OLD" after the hint in a comment, or NULL when the comment holds none. */
static const char *hint_in(mg_arena *a, const char *comment, const char *end, bool *malformed)
{
	const char *p = comment, *start;

	*malformed = false;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if ((size_t)(end - p) < strlen(HINT) || memcmp(p, HINT, strlen(HINT)) != 0)
		return NULL;
	p += strlen(HINT);
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && (*p == '"' || *p == '`' || *p == '\'')) {
		char q = *p++;
		start = p;
		while (p < end && *p != q)
			p++;
		if (p == start || p >= end) {
			*malformed = true;
			return NULL;
		}
		return mg_arena_strndup(a, start, (size_t)(p - start));
	}
	start = p;
	while (p < end && !isspace((unsigned char)*p))
		p++;
	if (p == start) {
		*malformed = true;
		return NULL;
	}
	return mg_arena_strndup(a, start, (size_t)(p - start));
}

static bool constraint_word(const char *w)
{
	static const char *const words[] = { "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "KEY",
					     "INDEX", "EXCLUDE", "LIKE", "FULLTEXT", "SPATIAL", NULL };
	for (size_t i = 0; words[i]; i++)
		if (!strcasecmp(w, words[i]))
			return true;
	return false;
}

/* What the hint on the line of s names, filled into h (h->table NULL when
 * the line is none of the kinds). in_table, in_enum: the body the line
 * starts in (a column's or a label's line), or NULL. */
static void classify(const scanner *s, const char *in_table, const char *in_enum, mg_diff_rename *h)
{
	const char *name, *index, *table;
	size_t i = s->ntoks > 0 && s->toks[0].kind == T_OTHER ? 1 : 0; /* a leading comma */

	if ((name = create_table_name(s))) {
		h->kind = MG_RENAME_TABLE;
		h->table = name;
	} else if (create_index_names(s, &index, &table)) {
		h->kind = MG_RENAME_INDEX;
		h->table = table;
		h->to = index;
	} else if ((name = create_view_name(s))) {
		h->kind = MG_RENAME_VIEW;
		h->table = name;
	} else if ((name = create_enum_name(s))) {
		h->kind = MG_RENAME_ENUM;
		h->table = name;
	} else if (in_enum && i < s->ntoks && s->toks[i].kind == T_STRING) {
		h->kind = MG_RENAME_ENUM_VALUE;
		h->table = in_enum;
		h->to = s->toks[i].s;
	} else if (in_table && i < s->ntoks &&
		   (s->toks[i].kind == T_IDENT || (s->toks[i].kind == T_WORD && !constraint_word(s->toks[i].s)))) {
		h->kind = MG_RENAME_COLUMN;
		h->table = in_table;
		h->to = s->toks[i].s;
	}
}

static int read_file(const char *file, mg_arena *a, mg_vec *hints, mg_error *err)
{
	mg_buf text = MG_BUF_INIT;
	scanner s;
	int line = 0, rc = MG_OK;

	if (mg_buf_read_file(&text, file) != 0)
		return mg_error_set(err, MG_EIO, "cannot read the models file '%s': %s", file, strerror(errno));
	memset(&s, 0, sizeof(s));
	s.arena = a;
	mg_buf_init(&s.quoted);
	for (const char *p = text.ptr, *end = text.ptr + text.len; p < end && rc == MG_OK;) {
		const char *le = memchr(p, '\n', (size_t)(end - p)), *comment, *old, *created;
		const char *in_table = NULL, *in_enum = NULL;
		bool malformed;
		if (!le)
			le = end;
		line++;
		/* The body the line starts in: a column's or a label's line. */
		if (s.depth == 1) {
			in_table = s.body_enum ? NULL : s.table;
			in_enum = s.body_enum ? s.table : NULL;
		}
		tokenize(&s, p, le, &comment);
		old = comment ? hint_in(a, comment, le, &malformed) : NULL;
		if (comment && !old && malformed)
			rc = mg_error_set(err, MG_EINPUT, "%s:%d: '-- " HINT "' needs the old name", file, line);
		if (old) {
			mg_diff_rename *h = mg_arena_alloc(a, sizeof(*h));
			memset(h, 0, sizeof(*h));
			h->from = old;
			classify(&s, in_table, in_enum, h);
			if (!h->table)
				rc = mg_error_set(err, MG_EINPUT,
						  "%s:%d: '-- " HINT " %s' is not on a CREATE TABLE, CREATE INDEX, CREATE VIEW "
						  "or CREATE TYPE ... AS ENUM line, a column's line or an enum label's line",
						  file, line, old);
			else
				mg_vec_push(hints, h);
		}
		if ((created = create_table_name(&s)))
			track(&s, created, false);
		else
			track(&s, create_enum_name(&s), true);
		p = le < end ? le + 1 : end;
	}
	mg_buf_release(&s.quoted);
	mg_buf_release(&text);
	return rc;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int mg_models_hints_read(const char *path, mg_models_hints *out, mg_error *err)
{
	mg_vec files = MG_VEC_INIT, hints = MG_VEC_INIT;
	mg_arena *a = mg_xcalloc(1, sizeof(*a));
	struct stat st;
	int rc = MG_OK;

	memset(out, 0, sizeof(*out));
	mg_arena_init(a);
	out->arena_ = a;
	if (!path || stat(path, &st) != 0) {
		out->items = mg_arena_alloc(a, sizeof(*out->items));
		return MG_OK; /* mg_models_load says what is wrong with the path */
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (e->d_name[0] != '.' && n > 4 && !strcmp(e->d_name + n - 4, ".sql"))
				mg_vec_push(&files, mg_arena_printf(a, "%s/%s", path, e->d_name));
		}
		if (d)
			closedir(d);
		mg_vec_sort(&files, compare_strings);
	} else {
		mg_vec_push(&files, (void *)path);
	}
	for (size_t i = 0; i < files.len && rc == MG_OK; i++)
		rc = read_file(files.items[i], a, &hints, err);
	out->items = mg_arena_alloc(a, (hints.len ? hints.len : 1) * sizeof(*out->items));
	for (size_t i = 0; i < hints.len && rc == MG_OK; i++)
		out->items[out->len++] = *(mg_diff_rename *)hints.items[i];
	mg_vec_release(&files);
	mg_vec_release(&hints);
	if (rc != MG_OK)
		mg_models_hints_release(out);
	return rc;
}

void mg_models_hints_release(mg_models_hints *h)
{
	if (h->arena_) {
		mg_arena_release(h->arena_);
		free(h->arena_);
	}
	memset(h, 0, sizeof(*h));
}

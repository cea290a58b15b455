/*
 * SQLite keeps some facts only in the CREATE statement it stores: CHECK
 * constraints, constraint names, COLLATE, generated-column expressions,
 * AUTOINCREMENT, index expressions and WHERE clauses. A small tokenizer
 * (quotes, comments, nesting) finds them; expressions are kept as written.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "util/buf.h"

typedef enum { TK_WORD, TK_QUOTED, TK_STRING, TK_PUNCT, TK_OTHER } tk_type;

typedef struct token {
	tk_type type;
	const char *s;
	size_t len;
} token;

typedef struct tokens {
	token *items;
	size_t len;
} tokens;

static void tokenize(mg_catalog_impl *c, const char *sql, tokens *out)
{
	size_t n = 0;
	token *items = NULL;
	const char *p = sql;

	while (*p) {
		token t = { TK_OTHER, p, 1 };
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
			continue;
		}
		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;
			const char *q = p + 1;
			for (; *q; q++) {
				if (*q == close) {
					if (close != ']' && q[1] == close) {
						q++;
						continue;
					}
					break;
				}
			}
			t.type = *p == '\'' ? TK_STRING : TK_QUOTED;
			t.len = (size_t)(q - p) + (*q ? 1 : 0);
		} else if (isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
			const char *q = p;
			while (isalnum((unsigned char)*q) || *q == '_' || *q == '$' ||
			       (unsigned char)*q >= 0x80)
				q++;
			t.type = TK_WORD;
			t.len = (size_t)(q - p);
		} else if (strchr("(),;.", *p)) {
			t.type = TK_PUNCT;
		}
		MG_CAT_PUSH(&c->arena, items, n, t);
		p += t.len;
	}
	out->items = items;
	out->len = n;
}

static bool is_kw(const token *t, const char *kw)
{
	return t->type == TK_WORD && strlen(kw) == t->len && !strncasecmp(t->s, kw, t->len);
}

static bool is_punct(const token *t, char ch)
{
	return t->type == TK_PUNCT && t->s[0] == ch;
}

/* An identifier's name: quotes removed, doubled quotes undone. */
static const char *ident(mg_catalog_impl *c, const token *t)
{
	mg_buf b = MG_BUF_INIT;
	const char *res;

	if (t->type != TK_QUOTED && t->type != TK_STRING)
		return mg_arena_strndup(&c->arena, t->s, t->len);
	for (size_t i = 1; i + 1 < t->len; i++) {
		mg_buf_putc(&b, t->s[i]);
		if (t->s[0] != '[' && t->s[i] == t->s[0] && t->s[i + 1] == t->s[0])
			i++;
	}
	res = mg_arena_strdup(&c->arena, b.ptr);
	mg_buf_release(&b);
	return res;
}

/* Index of the ')' matching the '(' at open, or len. */
static size_t match_paren(const tokens *tk, size_t open, size_t end)
{
	int depth = 0;
	for (size_t i = open; i < end; i++) {
		if (is_punct(&tk->items[i], '('))
			depth++;
		else if (is_punct(&tk->items[i], ')') && --depth == 0)
			return i;
	}
	return end;
}

/* Source text from token a to token b inclusive. */
static const char *span(mg_catalog_impl *c, const tokens *tk, size_t a, size_t b)
{
	if (a > b || b >= tk->len)
		return mg_arena_strdup(&c->arena, "");
	const token *x = &tk->items[a], *y = &tk->items[b];
	return mg_arena_strndup(&c->arena, x->s, (size_t)(y->s + y->len - x->s));
}

/* The inside of the parenthesis at open (exclusive), as written. */
static const char *paren_text(mg_catalog_impl *c, const tokens *tk, size_t open, size_t end,
			      size_t *close)
{
	*close = match_paren(tk, open, end);
	return *close > open + 1 ? span(c, tk, open + 1, *close - 1)
				 : mg_arena_strdup(&c->arena, "");
}

/* Names in a parenthesised list: (a, "b" COLLATE x DESC) -> a, b. */
static size_t name_list(mg_catalog_impl *c, const tokens *tk, size_t open, size_t end,
			const char ***out, size_t *close)
{
	const char **names = NULL;
	size_t n = 0;
	bool want = true;

	*close = match_paren(tk, open, end);
	for (size_t i = open + 1; i < *close; i++) {
		const token *t = &tk->items[i];
		if (is_punct(t, ','))
			want = true;
		else if (want && (t->type == TK_WORD || t->type == TK_QUOTED)) {
			MG_CAT_PUSH(&c->arena, names, n, ident(c, t));
			want = false;
		}
	}
	*out = names;
	return n;
}

static void scan_deferrable(const tokens *tk, size_t i, size_t end, mg_sqlite_named *nm)
{
	for (; i < end; i++) {
		if (is_kw(&tk->items[i], "NOT") && i + 1 < end &&
		    is_kw(&tk->items[i + 1], "DEFERRABLE")) {
			i++;
		} else if (is_kw(&tk->items[i], "DEFERRABLE")) {
			nm->deferrable = true;
		} else if (is_kw(&tk->items[i], "DEFERRED") && i > 0 &&
			   is_kw(&tk->items[i - 1], "INITIALLY")) {
			nm->initially_deferred = true;
		}
	}
}

static void add_check(mg_catalog_impl *c, mg_sqlite_tabledef *out, const char *name,
		      const char *expr)
{
	mg_check *ck = mg_arena_alloc(&c->arena, sizeof(*ck));
	ck->name = name;
	ck->expr = expr;
	MG_CAT_PUSH(&c->arena, out->checks, out->nchecks, ck);
}

/* One table constraint: tokens [i, end). */
static void scan_table_constraint(mg_catalog_impl *c, const tokens *tk, size_t i, size_t end,
				  mg_sqlite_tabledef *out)
{
	const char *name = NULL;
	size_t close;

	if (is_kw(&tk->items[i], "CONSTRAINT") && i + 1 < end) {
		name = ident(c, &tk->items[i + 1]);
		i += 2;
	}
	if (i >= end)
		return;
	if (is_kw(&tk->items[i], "PRIMARY")) {
		out->pk_name = name;
	} else if (is_kw(&tk->items[i], "CHECK") && i + 1 < end &&
		   is_punct(&tk->items[i + 1], '(')) {
		add_check(c, out, name, paren_text(c, tk, i + 1, end, &close));
	} else if (is_kw(&tk->items[i], "UNIQUE") && i + 1 < end &&
		   is_punct(&tk->items[i + 1], '(')) {
		mg_sqlite_named *u = mg_arena_alloc(&c->arena, sizeof(*u));
		u->name = name;
		u->ncolumns = name_list(c, tk, i + 1, end, &u->columns, &close);
		MG_CAT_PUSH(&c->arena, out->uniques, out->nuniques, u);
	} else if (is_kw(&tk->items[i], "FOREIGN") && i + 2 < end &&
		   is_punct(&tk->items[i + 2], '(')) {
		mg_sqlite_named *fk = mg_arena_alloc(&c->arena, sizeof(*fk));
		fk->name = name;
		fk->ncolumns = name_list(c, tk, i + 2, end, &fk->columns, &close);
		for (size_t j = close; j + 1 < end; j++) {
			if (is_kw(&tk->items[j], "REFERENCES")) {
				fk->ref_table = ident(c, &tk->items[j + 1]);
				break;
			}
		}
		scan_deferrable(tk, close, end, fk);
		MG_CAT_PUSH(&c->arena, out->fks, out->nfks, fk);
	}
}

/* One column definition: tokens [i, end). */
static void scan_column(mg_catalog_impl *c, const tokens *tk, size_t i, size_t end,
			mg_sqlite_tabledef *out)
{
	mg_sqlite_coldef def = { ident(c, &tk->items[i]), NULL, NULL };
	const char *cname = NULL; /* pending CONSTRAINT name */
	size_t close;

	for (i++; i < end; i++) {
		const token *t = &tk->items[i];
		if (is_kw(t, "CONSTRAINT") && i + 1 < end) {
			cname = ident(c, &tk->items[++i]);
		} else if (is_kw(t, "COLLATE") && i + 1 < end) {
			def.collation = ident(c, &tk->items[++i]);
		} else if (is_kw(t, "AUTOINCREMENT")) {
			out->autoincrement = true;
		} else if (is_kw(t, "CHECK") && i + 1 < end && is_punct(&tk->items[i + 1], '(')) {
			add_check(c, out, cname, paren_text(c, tk, i + 1, end, &close));
			cname = NULL;
			i = close;
		} else if (is_kw(t, "AS") && i + 1 < end && is_punct(&tk->items[i + 1], '(')) {
			def.generated_expr = paren_text(c, tk, i + 1, end, &close);
			i = close;
		} else if (is_kw(t, "DEFAULT") && i + 1 < end && is_punct(&tk->items[i + 1], '(')) {
			i = match_paren(tk, i + 1, end);
		} else if (is_kw(t, "UNIQUE")) {
			mg_sqlite_named *u = mg_arena_alloc(&c->arena, sizeof(*u));
			u->name = cname;
			MG_CAT_PUSH(&c->arena, u->columns, u->ncolumns, def.name);
			MG_CAT_PUSH(&c->arena, out->uniques, out->nuniques, u);
			cname = NULL;
		} else if (is_kw(t, "PRIMARY")) {
			if (cname)
				out->pk_name = cname;
			cname = NULL;
		} else if (is_kw(t, "REFERENCES") && i + 1 < end) {
			mg_sqlite_named *fk = mg_arena_alloc(&c->arena, sizeof(*fk));
			fk->name = cname;
			fk->ref_table = ident(c, &tk->items[i + 1]);
			MG_CAT_PUSH(&c->arena, fk->columns, fk->ncolumns, def.name);
			scan_deferrable(tk, i + 1, end, fk);
			MG_CAT_PUSH(&c->arena, out->fks, out->nfks, fk);
			cname = NULL;
		}
	}
	MG_CAT_PUSH(&c->arena, out->cols, out->ncols, def);
}

static bool starts_constraint(const token *t)
{
	return is_kw(t, "CONSTRAINT") || is_kw(t, "PRIMARY") || is_kw(t, "UNIQUE") ||
	       is_kw(t, "CHECK") || is_kw(t, "FOREIGN");
}

int mg_cat_sqlite_scan_table(mg_catalog_impl *c, const char *sql, mg_sqlite_tabledef *out)
{
	tokens tk;
	size_t open = 0, close, start;
	int depth = 0;

	memset(out, 0, sizeof(*out));
	if (!sql)
		return -1;
	tokenize(c, sql, &tk);
	if (tk.len < 4 || !is_kw(&tk.items[0], "CREATE"))
		return -1;
	while (open < tk.len && !is_punct(&tk.items[open], '('))
		open++;
	if (open == tk.len)
		return -1; /* CREATE TABLE ... AS SELECT */
	close = match_paren(&tk, open, tk.len);
	start = open + 1;
	for (size_t i = start; i <= close && i < tk.len; i++) {
		const token *t = &tk.items[i];
		if (is_punct(t, '('))
			depth++;
		else if (is_punct(t, ')'))
			depth--;
		if (!(i == close || (depth == 0 && is_punct(t, ','))))
			continue;
		if (i > start) {
			if (starts_constraint(&tk.items[start]))
				scan_table_constraint(c, &tk, start, i, out);
			else
				scan_column(c, &tk, start, i, out);
		}
		start = i + 1;
	}
	return 0;
}

int mg_cat_sqlite_scan_index(mg_catalog_impl *c, const char *sql, const char ***elems,
			     size_t *nelems, const char **where)
{
	tokens tk;
	size_t on = 0, open, close, start;
	int depth = 0;

	*elems = NULL;
	*nelems = 0;
	*where = NULL;
	if (!sql)
		return -1;
	tokenize(c, sql, &tk);
	while (on < tk.len && !is_kw(&tk.items[on], "ON"))
		on++;
	open = on;
	while (open < tk.len && !is_punct(&tk.items[open], '('))
		open++;
	if (open >= tk.len)
		return -1;
	close = match_paren(&tk, open, tk.len);
	start = open + 1;
	for (size_t i = start; i <= close && i < tk.len; i++) {
		const token *t = &tk.items[i];
		size_t last;
		if (is_punct(t, '('))
			depth++;
		else if (is_punct(t, ')'))
			depth--;
		if (!(i == close || (depth == 0 && is_punct(t, ','))))
			continue;
		/* Drop trailing ASC/DESC and COLLATE name: the pragma has them. */
		last = i;
		while (last > start) {
			const token *l = &tk.items[last - 1];
			if (is_kw(l, "ASC") || is_kw(l, "DESC"))
				last--;
			else if (last - 1 > start && is_kw(&tk.items[last - 2], "COLLATE"))
				last -= 2;
			else
				break;
		}
		const char *text = last > start ? span(c, &tk, start, last - 1) : "";
		MG_CAT_PUSH(&c->arena, *elems, *nelems, text);
		start = i + 1;
	}
	for (size_t i = close + 1; i < tk.len; i++) {
		if (is_kw(&tk.items[i], "WHERE") && i + 1 < tk.len) {
			size_t last = tk.len - 1;
			if (is_punct(&tk.items[last], ';') && last > i + 1)
				last--;
			*where = span(c, &tk, i + 1, last);
			break;
		}
	}
	return 0;
}

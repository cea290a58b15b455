/*
 * SQLite table rebuilds, as Alembic's batch mode "move and copy" and
 * SQLite's documented ALTER TABLE procedure: the table's CREATE statement
 * (from a shadow copy of the schema that follows the revision's statements)
 * is edited element by element, a new table is created, rows are copied,
 * the old table dropped, the new one renamed, indexes and triggers
 * recreated and foreign keys checked.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crev/crev_int.h"
#include "sql/quote.h"

/* ---- The shadow schema ------------------------------------------------------ */

int crev_shadow_open(crev_ctx *c, const char *op)
{
	mg_rows rows;
	int rc;

	if (c->d != MG_DIALECT_SQLITE || c->shadow_ready)
		return 0;
	if (sqlite3_open(":memory:", &c->shadow) != SQLITE_OK) {
		c->failed = 1;
		return mg_error_set(c->err, MG_ENOMEM, "%s: operation %s: cannot open an in-memory SQLite database",
				    c->path, op);
	}
	c->shadow_ready = 1;
	if (!c->run->db)
		return 0; /* offline: only what this revision creates is known */
	rc = mg_db_query(c->run->db,
			 "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
			 "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid",
			 0, NULL, &rows, c->err);
	if (rc != MG_OK) {
		c->failed = 1;
		return mg_error_prefix(c->err, "%s: operation %s: reading the schema: ", c->path, op);
	}
	for (size_t i = 0; i < rows.nrows; i++)
		sqlite3_exec(c->shadow, mg_rows_get(&rows, i, 0), NULL, NULL, NULL);
	mg_rows_release(&rows);
	return 0;
}

/* ---- Tokens of a CREATE TABLE statement ---------------------------------------- */

enum { T_WORD, T_QUOTED, T_STRING, T_NUMBER, T_LP, T_RP, T_COMMA, T_OTHER };

typedef struct tok {
	const char *s;
	size_t n;
	int kind;
} tok;

typedef struct toks {
	tok *v;
	size_t n, cap;
} toks;

static void tok_push(toks *t, const char *s, size_t n, int kind)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = mg_xrealloc(t->v, t->cap * sizeof(tok));
	}
	t->v[t->n++] = (tok){ s, n, kind };
}

static void tokenize(const char *sql, toks *t)
{
	const char *p = sql;
	while (*p) {
		const char *s = p;
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
			p += 2;
			while (*p && !(p[0] == '*' && p[1] == '/'))
				p++;
			p += *p ? 2 : 0;
			continue;
		}
		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;
			p++;
			while (*p) {
				if (*p == close) {
					if (close != ']' && p[1] == close) {
						p += 2;
						continue;
					}
					p++;
					break;
				}
				p++;
			}
			tok_push(t, s, (size_t)(p - s), *s == '\'' ? T_STRING : T_QUOTED);
			continue;
		}
		if (isalpha((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80)
				p++;
			tok_push(t, s, (size_t)(p - s), T_WORD);
			continue;
		}
		if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
			while (isalnum((unsigned char)*p) || *p == '.')
				p++;
			tok_push(t, s, (size_t)(p - s), T_NUMBER);
			continue;
		}
		p++;
		tok_push(t, s, 1, *s == '(' ? T_LP : *s == ')' ? T_RP : *s == ',' ? T_COMMA : T_OTHER);
	}
}

static int is_kw(const tok *k, const char *word)
{
	return k->kind == T_WORD && strlen(word) == k->n && strncasecmp(k->s, word, k->n) == 0;
}

/* The name a token stands for (quotes removed), heap. */
static char *tok_name(const tok *k)
{
	if (k->kind == T_QUOTED && k->n >= 2) {
		char q = k->s[0] == '[' ? ']' : k->s[0];
		mg_buf b = MG_BUF_INIT;
		for (size_t i = 1; i + 1 < k->n; i++) {
			mg_buf_putc(&b, k->s[i]);
			if (k->s[i] == q && q != ']')
				i++;
		}
		return mg_buf_detach(&b);
	}
	return mg_xstrndup(k->s, k->n);
}

static int tok_is_name(const tok *k, const char *name)
{
	char *n;
	int eq;
	if (k->kind != T_WORD && k->kind != T_QUOTED)
		return 0;
	n = tok_name(k);
	eq = strcasecmp(n, name) == 0;
	free(n);
	return eq;
}

/* A term: a token, or a parenthesised group as one slice. */
typedef struct term {
	const char *s;
	size_t n;
	size_t first; /* index of its first token */
	int removed;
} term;

/* Terms of tokens [a, b). */
static size_t make_terms(const toks *t, size_t a, size_t b, term *out)
{
	size_t n = 0;
	for (size_t i = a; i < b;) {
		size_t j = i + 1;
		if (t->v[i].kind == T_LP) {
			int depth = 1;
			while (j < b && depth) {
				depth += t->v[j].kind == T_LP;
				depth -= t->v[j].kind == T_RP;
				j++;
			}
		}
		out[n++] = (term){ t->v[i].s, (size_t)(t->v[j - 1].s + t->v[j - 1].n - t->v[i].s), i, 0 };
		i = j;
	}
	return n;
}

static int term_kw(const toks *t, const term *m, const char *word)
{
	return m->s == t->v[m->first].s && m->n == t->v[m->first].n && is_kw(&t->v[m->first], word);
}

/* One element of the table body: a column or a table constraint. */
typedef struct element {
	size_t a, b;     /* token range */
	int constraint;
	char *name;      /* column name, constraint name, or NULL */
	char *text;      /* rendered text (heap) */
	int dropped;
} element;

static const char *const column_keywords[] = {
	"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES",
	"GENERATED", "AS", NULL,
};

static int is_column_keyword(const tok *k)
{
	for (size_t i = 0; column_keywords[i]; i++)
		if (is_kw(k, column_keywords[i]))
			return 1;
	return 0;
}

static char *slice(const toks *t, size_t a, size_t b)
{
	if (a >= b)
		return mg_xstrdup("");
	return mg_xstrndup(t->v[a].s, (size_t)(t->v[b - 1].s + t->v[b - 1].n - t->v[a].s));
}

/* ---- The rebuild --------------------------------------------------------------- */

typedef struct parsed {
	toks t;
	element *el;
	size_t nel;
	char *tail; /* after the closing parenthesis: WITHOUT ROWID, STRICT */
} parsed;

static void parsed_release(parsed *p)
{
	for (size_t i = 0; i < p->nel; i++) {
		free(p->el[i].name);
		free(p->el[i].text);
	}
	free(p->el);
	free(p->t.v);
	free(p->tail);
}

static int parse_table(const char *sql, parsed *p)
{
	size_t lp = 0, rp = 0, start;
	int depth = 0;

	memset(p, 0, sizeof(*p));
	tokenize(sql, &p->t);
	while (lp < p->t.n && p->t.v[lp].kind != T_LP)
		lp++;
	if (lp == p->t.n)
		return -1;
	for (rp = lp; rp < p->t.n; rp++) {
		depth += p->t.v[rp].kind == T_LP;
		depth -= p->t.v[rp].kind == T_RP;
		if (!depth)
			break;
	}
	if (rp == p->t.n)
		return -1;
	p->tail = slice(&p->t, rp + 1, p->t.n);
	p->el = mg_xcalloc(rp - lp + 1, sizeof(element));
	start = lp + 1;
	depth = 0;
	for (size_t i = lp + 1; i <= rp; i++) {
		const tok *k = &p->t.v[i];
		if (i < rp && k->kind == T_LP)
			depth++;
		else if (i < rp && k->kind == T_RP)
			depth--;
		else if (i == rp || (k->kind == T_COMMA && depth == 0)) {
			element *e = &p->el[p->nel++];
			const tok *f = &p->t.v[start];
			e->a = start;
			e->b = i;
			e->constraint = is_kw(f, "CONSTRAINT") || is_kw(f, "PRIMARY") || is_kw(f, "UNIQUE") ||
					is_kw(f, "CHECK") || is_kw(f, "FOREIGN");
			if (!e->constraint)
				e->name = tok_name(f);
			else if (is_kw(f, "CONSTRAINT") && start + 1 < i)
				e->name = tok_name(&p->t.v[start + 1]);
			e->text = slice(&p->t, start, i);
			start = i + 1;
		}
	}
	return 0;
}

/* Rewrites a column element for an alter: type, nullability, default. */
static void alter_column_text(crev_ctx *c, const toks *t, element *e, const crev_rebuild *rb)
{
	const migrate_alter_def *a = rb->alter;
	size_t tend = e->a + 1;
	term *terms = mg_xcalloc(e->b - e->a + 1, sizeof(term));
	size_t nt;
	mg_buf b = MG_BUF_INIT;
	char *type;

	while (tend < e->b && !is_column_keyword(&t->v[tend]))
		tend++;
	type = slice(t, e->a + 1, tend);
	nt = make_terms(t, tend, e->b, terms);
	for (size_t i = 0; i < nt; i++) {
		size_t drop = 0;
		if (a->nullable && term_kw(t, &terms[i], "NOT") && i + 1 < nt && term_kw(t, &terms[i + 1], "NULL"))
			drop = 2;
		else if (a->nullable && term_kw(t, &terms[i], "NULL"))
			drop = 1;
		else if ((a->server_default || a->drop_default) && term_kw(t, &terms[i], "DEFAULT") && i + 1 < nt)
			drop = (terms[i + 1].n == 1 && (terms[i + 1].s[0] == '-' || terms[i + 1].s[0] == '+') &&
				i + 2 < nt) ? 3 : 2;
		if (!drop)
			continue;
		if (i >= 2 && term_kw(t, &terms[i - 2], "CONSTRAINT"))
			terms[i - 2].removed = terms[i - 1].removed = 1;
		for (size_t k = 0; k < drop; k++)
			terms[i + k].removed = 1;
		i += drop - 1;
	}
	mg_buf_add(&b, t->v[e->a].s, t->v[e->a].n);
	if (rb->alter_type_sql || *type) {
		mg_buf_putc(&b, ' ');
		mg_buf_puts(&b, rb->alter_type_sql ? rb->alter_type_sql : type);
	}
	for (size_t i = 0; i < nt; i++)
		if (!terms[i].removed) {
			mg_buf_putc(&b, ' ');
			mg_buf_add(&b, terms[i].s, terms[i].n);
		}
	if (a->nullable == MIGRATE_NOT_NULLABLE)
		mg_buf_puts(&b, " NOT NULL");
	if (a->server_default) {
		const char *x = a->server_default;
		int simple = *x == '\'' || *x == '(';
		if (!simple) {
			simple = 1;
			for (const char *p = (*x == '-' || *x == '+') ? x + 1 : x; *p && simple; p++)
				simple = isalnum((unsigned char)*p) || *p == '_' || *p == '.';
		}
		mg_buf_printf(&b, simple ? " DEFAULT %s" : " DEFAULT (%s)", x);
	}
	(void)c;
	free(e->text);
	e->text = mg_buf_detach(&b);
	free(type);
	free(terms);
}

/* Whether tokens [a, b) name the column. */
static int mentions(const toks *t, size_t a, size_t b, const char *column)
{
	for (size_t i = a; i < b; i++)
		if (tok_is_name(&t->v[i], column))
			return 1;
	return 0;
}

static char *shadow_table_sql(crev_ctx *c, const char *table, char **real_name)
{
	sqlite3_stmt *st;
	char *sql = NULL;
	if (sqlite3_prepare_v2(c->shadow, "SELECT sql, name FROM sqlite_master WHERE type = 'table' AND name = ?1 "
				"COLLATE NOCASE", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		sql = mg_xstrdup((const char *)sqlite3_column_text(st, 0));
		if (real_name)
			*real_name = mg_xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return sql;
}

/* Whether an index of the table covers the column. */
static int index_has_column(crev_ctx *c, const char *index, const char *column)
{
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(c->shadow, "SELECT 1 FROM pragma_index_info(?1) WHERE name = ?2 COLLATE NOCASE", -1,
			       &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, index, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int crev_sqlite_column_constrained(crev_ctx *c, const char *table, const char *column)
{
	char *sql = shadow_table_sql(c, table, NULL);
	parsed p;
	int found = 0;
	sqlite3_stmt *st;

	if (!sql)
		return -1;
	if (parse_table(sql, &p) != 0) {
		free(sql);
		return -1;
	}
	for (size_t i = 0; i < p.nel && !found; i++) {
		element *e = &p.el[i];
		if (e->constraint)
			found = mentions(&p.t, e->a, e->b, column);
		else if (strcasecmp(e->name, column) == 0)
			for (size_t k = e->a + 1; k < e->b && !found; k++)
				found = is_kw(&p.t.v[k], "PRIMARY") || is_kw(&p.t.v[k], "UNIQUE") ||
					is_kw(&p.t.v[k], "REFERENCES") || is_kw(&p.t.v[k], "CHECK") ||
					is_kw(&p.t.v[k], "GENERATED");
	}
	if (!found && sqlite3_prepare_v2(c->shadow, "SELECT name FROM pragma_index_list(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
		while (!found && sqlite3_step(st) == SQLITE_ROW)
			found = index_has_column(c, (const char *)sqlite3_column_text(st, 0), column);
		sqlite3_finalize(st);
	}
	parsed_release(&p);
	free(sql);
	return found;
}

/* A guard: a statement that fails with `message` unless condition (a
 * SELECT expression) is true, through a named CHECK constraint. */
static void emit_guard(crev_ctx *c, const char *message, const char *condition)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "CREATE TEMP TABLE _migrate_guard (ok INTEGER CONSTRAINT ");
	mg_sql_quote_ident(c->d, &b, message);
	mg_buf_puts(&b, " CHECK (ok))");
	crev_emit(c, b.ptr, 0);
	mg_buf_clear(&b);
	mg_buf_printf(&b, "INSERT INTO temp._migrate_guard SELECT %s", condition);
	crev_emit(c, b.ptr, 0);
	crev_emit(c, "DROP TABLE temp._migrate_guard", 0);
	mg_buf_release(&b);
}

int crev_sqlite_rebuild(crev_ctx *c, const char *table, const crev_rebuild *rb)
{
	char *sql, *name = NULL, *tmp;
	parsed p;
	mg_buf b = MG_BUF_INIT, cols = MG_BUF_INIT, cond = MG_BUF_INIT;
	mg_vec keep = MG_VEC_INIT, children = MG_VEC_INIT;
	sqlite3_stmt *st;
	int rc = 0, found = 0;

	if ((rc = crev_shadow_open(c, rb->op)))
		return rc;
	sql = shadow_table_sql(c, table, &name);
	if (!sql)
		return c->run->db ? crev_fail(c, rb->op, "no table '%s' in the database", table)
				  : crev_fail(c, rb->op, "table '%s': on SQLite this operation rebuilds the table, which "
					      "needs the table definition: offline (--sql) only tables created earlier in "
					      "the same revision are known", table);
	if (parse_table(sql, &p) != 0) {
		free(sql);
		free(name);
		return crev_fail(c, rb->op, "table '%s': cannot read its definition", table);
	}

	/* Edit the elements. */
	for (size_t i = 0; i < p.nel; i++) {
		element *e = &p.el[i];
		if (rb->column && !e->constraint && strcasecmp(e->name, rb->column) == 0) {
			found = 1;
			if (rb->drop_column)
				e->dropped = 1;
			else
				alter_column_text(c, &p.t, e, rb);
		} else if (rb->drop_column && e->constraint && mentions(&p.t, e->a, e->b, rb->column)) {
			e->dropped = 1;
		} else if (rb->drop_constraint && e->name && e->constraint && strcasecmp(e->name, rb->drop_constraint) == 0) {
			e->dropped = found = 1;
		}
	}
	if (rb->column && !found) {
		rc = crev_fail(c, rb->op, "table '%s' has no column '%s'", table, rb->column);
		goto out;
	}
	if (rb->drop_constraint && !found) {
		rc = crev_fail(c, rb->op, "table '%s' has no constraint named '%s' (SQLite can drop only named "
			       "table constraints)", table, rb->drop_constraint);
		goto out;
	}

	/* Indexes and triggers to recreate; children that reference the table. */
	if (sqlite3_prepare_v2(c->shadow, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?1 COLLATE NOCASE "
				"AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, rowid", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *type = (const char *)sqlite3_column_text(st, 0);
			const char *iname = (const char *)sqlite3_column_text(st, 1);
			if (rb->drop_column && strcmp(type, "index") == 0 && index_has_column(c, iname, rb->column))
				continue; /* goes with its column */
			mg_vec_push(&keep, mg_xstrdup((const char *)sqlite3_column_text(st, 2)));
		}
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(c->shadow, "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
				"WHERE m.type = 'table' AND f.\"table\" = ?1 COLLATE NOCASE AND m.name <> ?1 COLLATE NOCASE",
				-1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW)
			mg_vec_push(&children, mg_xstrdup((const char *)sqlite3_column_text(st, 0)));
		sqlite3_finalize(st);
	}

	/* The steps. */
	c->flags |= MG_CREV_FOREIGN_KEYS_OFF;
	crev_emit(c, "PRAGMA defer_foreign_keys = ON", 0);
	if (children.len) {
		/* Dropping a referenced table with foreign keys on would run the
		 * children's ON DELETE actions: refuse rather than lose rows. */
		mg_buf msg = MG_BUF_INIT;
		mg_buf_printf(&msg, "rebuilding table %s needs PRAGMA foreign_keys off (table %s references it), "
			      "which cannot change inside a transaction", name, (char *)children.items[0]);
		emit_guard(c, msg.ptr, "foreign_keys = 0 FROM pragma_foreign_keys");
		mg_buf_release(&msg);
	}
	tmp = mg_xmalloc(strlen(name) + 14);
	strcpy(tmp, "_migrate_tmp_");
	strcat(tmp, name);
	mg_buf_puts(&b, "CREATE TABLE ");
	mg_sql_quote_ident(c->d, &b, tmp);
	mg_buf_puts(&b, " (");
	{
		int n = 0;
		for (size_t i = 0; i < p.nel; i++) {
			if (p.el[i].dropped)
				continue;
			mg_buf_puts(&b, n++ ? ",\n    " : "\n    ");
			mg_buf_puts(&b, p.el[i].text);
		}
		if (rb->add_element) {
			mg_buf_puts(&b, n ? ",\n    " : "\n    ");
			mg_buf_puts(&b, rb->add_element);
		}
	}
	mg_buf_puts(&b, "\n)");
	if (*p.tail) {
		mg_buf_putc(&b, ' ');
		mg_buf_puts(&b, p.tail);
	}
	crev_emit(c, b.ptr, 1);
	{
		int n = 0;
		for (size_t i = 0; i < p.nel; i++) {
			if (p.el[i].dropped || p.el[i].constraint)
				continue;
			if (n++)
				mg_buf_puts(&cols, ", ");
			mg_sql_quote_ident(c->d, &cols, p.el[i].name);
		}
	}
	mg_buf_clear(&b);
	mg_buf_puts(&b, "INSERT INTO ");
	mg_sql_quote_ident(c->d, &b, tmp);
	mg_buf_printf(&b, " (%s) SELECT %s FROM ", cols.ptr, cols.ptr);
	mg_sql_quote_ident(c->d, &b, name);
	crev_emit(c, b.ptr, 1);
	mg_buf_clear(&b);
	mg_buf_puts(&b, "DROP TABLE ");
	mg_sql_quote_ident(c->d, &b, name);
	crev_emit(c, b.ptr, 1);
	/* Legacy rename: views and triggers elsewhere that name the table are
	 * not re-checked while it is briefly missing, and keep pointing at it. */
	crev_emit(c, "PRAGMA legacy_alter_table = ON", 1);
	mg_buf_clear(&b);
	mg_buf_puts(&b, "ALTER TABLE ");
	mg_sql_quote_ident(c->d, &b, tmp);
	mg_buf_puts(&b, " RENAME TO ");
	mg_sql_quote_ident(c->d, &b, name);
	crev_emit(c, b.ptr, 1);
	crev_emit(c, "PRAGMA legacy_alter_table = OFF", 1);
	for (size_t i = 0; i < keep.len; i++)
		crev_emit(c, keep.items[i], 1);

	/* Foreign keys: the table's own and its children's, as step 10 says. */
	mg_buf_puts(&cond, "(SELECT count(*) FROM pragma_foreign_key_check(");
	mg_sql_quote_literal(c->d, &cond, name);
	mg_buf_puts(&cond, "))");
	for (size_t i = 0; i < children.len; i++) {
		mg_buf_puts(&cond, " + (SELECT count(*) FROM pragma_foreign_key_check(");
		mg_sql_quote_literal(c->d, &cond, children.items[i]);
		mg_buf_puts(&cond, "))");
	}
	mg_buf_puts(&cond, " = 0");
	mg_buf_clear(&b);
	mg_buf_printf(&b, "foreign key violations after rebuilding table %s", name);
	emit_guard(c, b.ptr, cond.ptr);
	free(tmp);
out:
	for (size_t i = 0; i < keep.len; i++)
		free(keep.items[i]);
	for (size_t i = 0; i < children.len; i++)
		free(children.items[i]);
	mg_vec_release(&keep);
	mg_vec_release(&children);
	mg_buf_release(&b);
	mg_buf_release(&cols);
	mg_buf_release(&cond);
	parsed_release(&p);
	free(sql);
	free(name);
	return rc;
}

/*
 * Renames: the `-- migrate:renamed-from` hints turned into rename ops, and
 * the current catalog seen under the new names (so the rest of the diff
 * compares a renamed table, column, index, view, enum type or label with
 * its declaration, not a drop with an add); and, without hints, the likely
 * renames proposed as text.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "diff/diff_int.h"
#include "sql/quote.h"
#include "util/buf.h"
#include "util/vec.h"

typedef struct renames {
	mg_arena *arena;   /* the keys below (the diff's arena) */
	mg_map table_new;  /* old table name -> new name */
	mg_map table_old;  /* new table name -> old name */
	mg_map column_new; /* "old table\x1fold column" -> new column name */
	mg_map index_new;  /* "old table\x1fold index" -> new index name */
	mg_map view_new;   /* old view name -> new name */
	mg_map view_old;   /* new view name -> old name */
	mg_map enum_new;   /* old type name -> new name */
	mg_map enum_old;   /* new type name -> old name */
	mg_map label_new;  /* "old type\x1fold label" -> new label */
	mg_map label_to;   /* "old type\x1fnew label": already some label's new name */
	mg_vec labels;     /* the RENAME_ENUM_VALUE ops, in hint order */
	mg_buf key;
} renames;

/* A lookup key (valid until the next call). */
static const char *pair_key(renames *r, const char *table, const char *name)
{
	mg_buf_clear(&r->key);
	mg_buf_printf(&r->key, "%s\x1f%s", table, name);
	return r->key.ptr;
}

/* The same key, kept: mg_map borrows its keys. */
static const char *kept_key(renames *r, const char *table, const char *name)
{
	return mg_arena_strdup(r->arena, pair_key(r, table, name));
}

static const char *new_table_name(renames *r, const char *old)
{
	const char *n = mg_map_get(&r->table_new, old);
	return n ? n : old;
}

static const char *new_column_name(renames *r, const char *old_table, const char *col)
{
	const char *n;

	if (!col)
		return NULL;
	n = mg_map_get(&r->column_new, pair_key(r, old_table, col));
	return n ? n : col;
}

/* ---- text: the names a definition holds ---- */

/*
 * text with every whole-identifier occurrence of `from` (bare, or inside
 * "..", `..` or [..]) replaced by `to`, as a server does when it prints a
 * definition that reads a renamed object; string literals are left alone
 * (backslash escapes in them on MySQL). Returns text itself when nothing
 * changes, else a copy in a.
 */
static const char *replace_ident(mg_arena *a, mg_dialect dialect, const char *text, const char *from,
				 const char *to)
{
	size_t n = strlen(from);
	mg_buf b = MG_BUF_INIT;
	bool changed = false, in_string = false;
	const char *out;

	if (!text || !n)
		return text;
	for (const char *p = text; *p;) {
		if (in_string) {
			if (*p == '\\' && dialect == MG_DIALECT_MYSQL && p[1]) {
				mg_buf_add(&b, p, 2);
				p += 2;
				continue;
			}
			in_string = *p != '\'';
		} else if (*p == '\'') {
			in_string = true;
		} else if (!strncmp(p, from, n) && (p == text || !mg_diff_ident_char(p[-1])) && !mg_diff_ident_char(p[n])) {
			mg_buf_puts(&b, to);
			p += n;
			changed = true;
			continue;
		}
		mg_buf_putc(&b, *p++);
	}
	out = changed ? mg_arena_strdup(a, b.ptr) : text;
	mg_buf_release(&b);
	return out;
}

static bool names_ident(mg_dialect dialect, const char *text, const char *name)
{
	mg_arena scratch;
	bool found;

	mg_arena_init(&scratch);
	found = replace_ident(&scratch, dialect, text, name, name) != text;
	mg_arena_release(&scratch);
	return found;
}

static const char **map_columns(mg_arena *a, renames *r, const char *old_table, const char **cols,
				size_t n)
{
	const char **out;

	if (!cols)
		return NULL;
	out = mg_arena_alloc(a, (n ? n : 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = new_column_name(r, old_table, cols[i]);
	return out;
}

/* An expression of table old_table (a check, an index's, a generated
 * column's, a default) with the renamed columns' names replaced, as the
 * server shows it after RENAME COLUMN: PostgreSQL and MariaDB follow
 * (SQLite rewrites it quoted, which diff.c compares as the same). Valid
 * text after the rename either way, which is what the ops borrowing it
 * need. text itself when no name changes. */
static const char *column_text(mg_arena *a, renames *r, mg_dialect dialect, const char *old_table,
			       const char *text)
{
	const mg_map_entry *e;
	size_t n = strlen(old_table);

	for (size_t i = 0; text && mg_map_next(&r->column_new, &i, &e);)
		if (!strncmp(e->key, old_table, n) && e->key[n] == '\x1f')
			text = replace_ident(a, dialect, text, e->key + n + 1, e->value);
	return text;
}

static mg_index *copy_index(mg_arena *a, renames *r, mg_dialect dialect, const char *old_table,
			    const mg_index *ix)
{
	mg_index *c = mg_arena_alloc(a, sizeof(*c));
	const char *name = ix->name ? mg_map_get(&r->index_new, pair_key(r, old_table, ix->name)) : NULL;

	*c = *ix;
	c->name = name ? name : ix->name;
	c->elems = mg_arena_alloc(a, (ix->nelems ? ix->nelems : 1) * sizeof(*c->elems));
	for (size_t i = 0; i < ix->nelems; i++) {
		c->elems[i] = ix->elems[i];
		c->elems[i].column = new_column_name(r, old_table, ix->elems[i].column);
		c->elems[i].expr = column_text(a, r, dialect, old_table, ix->elems[i].expr);
	}
	c->include = map_columns(a, r, old_table, ix->include, ix->ninclude);
	c->where = column_text(a, r, dialect, old_table, ix->where);
	return c;
}

/* The table under its new names: its own, its columns', its indexes', and
 * those of the tables and columns its foreign keys reference. */
static mg_table *copy_table(mg_arena *a, renames *r, const mg_catalog *cur, const mg_table *t)
{
	mg_table *c = mg_arena_alloc(a, sizeof(*c));
	const char *old = t->name;

	*c = *t;
	c->name = new_table_name(r, old);
	c->columns = mg_arena_alloc(a, (t->ncolumns ? t->ncolumns : 1) * sizeof(*c->columns));
	for (size_t i = 0; i < t->ncolumns; i++) {
		const mg_column *col = t->columns[i];
		const char *n = new_column_name(r, old, col->name);
		const char *dflt = column_text(a, r, cur->dialect, old, col->default_expr);
		const char *gen = column_text(a, r, cur->dialect, old, col->generated_expr);
		if (n == col->name && dflt == col->default_expr && gen == col->generated_expr) {
			c->columns[i] = t->columns[i];
		} else {
			c->columns[i] = mg_arena_alloc(a, sizeof(mg_column));
			*c->columns[i] = *col;
			c->columns[i]->name = n;
			c->columns[i]->default_expr = dflt;
			c->columns[i]->generated_expr = gen;
		}
	}
	if (t->primary_key) {
		c->primary_key = mg_arena_alloc(a, sizeof(mg_primary_key));
		*c->primary_key = *t->primary_key;
		c->primary_key->columns = map_columns(a, r, old, t->primary_key->columns, t->primary_key->ncolumns);
	}
	c->indexes = mg_arena_alloc(a, (t->nindexes ? t->nindexes : 1) * sizeof(*c->indexes));
	for (size_t i = 0; i < t->nindexes; i++)
		c->indexes[i] = copy_index(a, r, cur->dialect, old, t->indexes[i]);
	c->uniques = mg_arena_alloc(a, (t->nuniques ? t->nuniques : 1) * sizeof(*c->uniques));
	for (size_t i = 0; i < t->nuniques; i++) {
		c->uniques[i] = mg_arena_alloc(a, sizeof(mg_unique));
		*c->uniques[i] = *t->uniques[i];
		c->uniques[i]->columns = map_columns(a, r, old, t->uniques[i]->columns, t->uniques[i]->ncolumns);
	}
	c->foreign_keys = mg_arena_alloc(a, (t->nforeign_keys ? t->nforeign_keys : 1) * sizeof(*c->foreign_keys));
	for (size_t i = 0; i < t->nforeign_keys; i++) {
		const mg_foreign_key *fk = t->foreign_keys[i];
		mg_foreign_key *x = mg_arena_alloc(a, sizeof(*x));
		bool own = !fk->ref_schema || !cur->schema || !strcmp(fk->ref_schema, cur->schema);
		*x = *fk;
		x->columns = map_columns(a, r, old, fk->columns, fk->ncolumns);
		if (own) {
			x->ref_table = new_table_name(r, fk->ref_table);
			x->ref_columns = map_columns(a, r, fk->ref_table, fk->ref_columns, fk->ncolumns);
		}
		c->foreign_keys[i] = x;
	}
	c->checks = mg_arena_alloc(a, (t->nchecks ? t->nchecks : 1) * sizeof(*c->checks));
	for (size_t i = 0; i < t->nchecks; i++) {
		const char *x = column_text(a, r, cur->dialect, old, t->checks[i]->expr);
		c->checks[i] = t->checks[i];
		if (x != t->checks[i]->expr) {
			c->checks[i] = mg_arena_alloc(a, sizeof(mg_check));
			*c->checks[i] = *t->checks[i];
			c->checks[i]->expr = x;
		}
	}
	return c;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(mg_table *const *)a)->name, (*(mg_table *const *)b)->name);
}

static int view_by_name(const void *a, const void *b)
{
	return strcmp((*(mg_view *const *)a)->name, (*(mg_view *const *)b)->name);
}

static int enum_by_name(const void *a, const void *b)
{
	return strcmp((*(mg_enum *const *)a)->name, (*(mg_enum *const *)b)->name);
}

/* The order of compare_objects.c: by table ("" for none), then name. */
static int trigger_order(const void *a, const void *b)
{
	const mg_trigger *x = *(mg_trigger *const *)a, *y = *(mg_trigger *const *)b;
	int d = strcmp(x->table ? x->table : "", y->table ? y->table : "");
	return d ? d : strcmp(x->name, y->name);
}

static mg_index *find_index(const mg_table *t, const char *name)
{
	for (size_t i = 0; i < t->nindexes; i++)
		if (mg_diff_streq(t->indexes[i]->name, name))
			return t->indexes[i];
	return NULL;
}

static mg_enum *find_enum(const mg_catalog *cat, const char *name)
{
	for (size_t i = 0; i < cat->nenums; i++)
		if (!strcmp(cat->enums[i]->name, name))
			return cat->enums[i];
	return NULL;
}

/* name as PostgreSQL prints an identifier: bare when it is lower case
 * letters, digits and underscores (not first a digit), else quoted. */
static void pg_ident(mg_buf *out, const char *name)
{
	bool bare = (*name >= 'a' && *name <= 'z') || *name == '_';

	for (const char *p = name; bare && *p; p++)
		bare = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$';
	if (bare) {
		mg_buf_puts(out, name);
		return;
	}
	mg_buf_putc(out, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			mg_buf_putc(out, '"');
		mg_buf_putc(out, *p);
	}
	mg_buf_putc(out, '"');
}

/* text with each `pattern` not followed by an identifier character
 * replaced by `with`; text itself when there is none. */
static const char *replace_text(mg_arena *a, const char *text, const char *pattern, const char *with)
{
	size_t n = strlen(pattern);
	mg_buf b = MG_BUF_INIT;
	bool changed = false;
	const char *out;

	if (!text)
		return text;
	for (const char *p = text; *p;) {
		if (!strncmp(p, pattern, n) && !mg_diff_ident_char(p[n])) {
			mg_buf_puts(&b, with);
			p += n;
			changed = true;
		} else {
			mg_buf_putc(&b, *p++);
		}
	}
	out = changed ? mg_arena_strdup(a, b.ptr) : text;
	mg_buf_release(&b);
	return out;
}

/* ---- enum renames through the catalog's expressions ---- */

/* What PostgreSQL prints differently once types and labels are renamed:
 * casts "::old" become "::new", literals "'old'::type" "'new'::type". */
typedef struct enum_text {
	mg_arena *arena;
	mg_vec from, to; /* heap strings, pairs of patterns */
	mg_vec type_from, type_to; /* column type spellings: borrowed names */
} enum_text;

static void enum_text_init(enum_text *e, mg_arena *a, const mg_vec *type_ops, const mg_vec *label_ops)
{
	mg_buf x = MG_BUF_INIT, y = MG_BUF_INIT;

	memset(e, 0, sizeof(*e));
	e->arena = a;
	for (size_t i = 0; i < type_ops->len; i++) {
		const mg_diff_op *op = type_ops->items[i];
		const char *from = ((const mg_enum *)op->old_object)->name, *to = op->table;
		mg_buf_clear(&x);
		mg_buf_clear(&y);
		mg_buf_puts(&x, "::");
		pg_ident(&x, from);
		mg_buf_puts(&y, "::");
		pg_ident(&y, to);
		mg_vec_push(&e->from, mg_xstrdup(x.ptr));
		mg_vec_push(&e->to, mg_xstrdup(y.ptr));
		mg_buf_clear(&x);
		mg_buf_clear(&y);
		pg_ident(&x, from);
		pg_ident(&y, to);
		mg_vec_push(&e->type_from, mg_arena_strdup(a, x.ptr));
		mg_vec_push(&e->type_to, mg_arena_strdup(a, y.ptr));
	}
	/* After the type renames: the literals name the type by its new name. */
	for (size_t i = 0; i < label_ops->len; i++) {
		const mg_diff_op *op = label_ops->items[i];
		mg_buf_clear(&x);
		mg_buf_clear(&y);
		mg_sql_quote_literal(MG_DIALECT_POSTGRESQL, &x, op->old_label);
		mg_sql_quote_literal(MG_DIALECT_POSTGRESQL, &y, op->new_label);
		mg_buf_puts(&x, "::");
		mg_buf_puts(&y, "::");
		pg_ident(&x, op->table);
		pg_ident(&y, op->table);
		mg_vec_push(&e->from, mg_xstrdup(x.ptr));
		mg_vec_push(&e->to, mg_xstrdup(y.ptr));
	}
	mg_buf_release(&x);
	mg_buf_release(&y);
}

static void enum_text_release(enum_text *e)
{
	for (size_t i = 0; i < e->from.len; i++) {
		free(e->from.items[i]);
		free(e->to.items[i]);
	}
	mg_vec_release(&e->from);
	mg_vec_release(&e->to);
	mg_vec_release(&e->type_from);
	mg_vec_release(&e->type_to);
}

static const char *enum_expr(enum_text *e, const char *text)
{
	for (size_t i = 0; i < e->from.len; i++)
		text = replace_text(e->arena, text, e->from.items[i], e->to.items[i]);
	return text;
}

/* A column type naming a renamed type (or an array of it), renamed. */
static const char *enum_type(enum_text *e, const char *type)
{
	for (size_t i = 0; type && i < e->type_from.len; i++) {
		const char *from = e->type_from.items[i];
		size_t n = strlen(from);
		if (!strncmp(type, from, n) && (!type[n] || !strcmp(type + n, "[]")))
			return mg_arena_printf(e->arena, "%s%s", (const char *)e->type_to.items[i], type + n);
	}
	return type;
}

static void enum_tables(enum_text *e, mg_catalog *c)
{
	mg_arena *a = e->arena;

	for (size_t i = 0; i < c->ntables; i++) {
		mg_table *t = c->tables[i];
		for (size_t k = 0; k < t->ncolumns; k++) {
			const mg_column *col = t->columns[k];
			const char *type = enum_type(e, col->type), *dflt = enum_expr(e, col->default_expr);
			const char *gen = enum_expr(e, col->generated_expr);
			if (type == col->type && dflt == col->default_expr && gen == col->generated_expr)
				continue;
			t->columns[k] = mg_arena_alloc(a, sizeof(mg_column));
			*t->columns[k] = *col;
			t->columns[k]->type = type;
			t->columns[k]->default_expr = dflt;
			t->columns[k]->generated_expr = gen;
		}
		for (size_t k = 0; k < t->nchecks; k++) {
			const char *x = enum_expr(e, t->checks[k]->expr);
			if (x == t->checks[k]->expr)
				continue;
			mg_check *ck = mg_arena_alloc(a, sizeof(*ck));
			*ck = *t->checks[k];
			ck->expr = x;
			t->checks[k] = ck;
		}
		for (size_t k = 0; k < t->nindexes; k++) {
			mg_index *ix = t->indexes[k]; /* copy_index made it ours */
			ix->where = enum_expr(e, ix->where);
			for (size_t j = 0; j < ix->nelems; j++)
				ix->elems[j].expr = enum_expr(e, ix->elems[j].expr);
		}
	}
}

/* The views, triggers and domains of c (arrays already c's own) as the
 * server prints them once the types and labels are renamed. */
static void enum_objects(enum_text *e, mg_catalog *c)
{
	mg_arena *a = e->arena;

	for (size_t i = 0; i < c->nviews; i++) {
		const mg_view *v = c->views[i];
		mg_view *w = mg_arena_alloc(a, sizeof(*w));
		*w = *v;
		w->definition = enum_expr(e, v->definition);
		w->column_types = v->column_types ? mg_arena_alloc(a, (v->ncolumns ? v->ncolumns : 1) * sizeof(char *))
						  : NULL;
		for (size_t k = 0; v->column_types && k < v->ncolumns; k++)
			w->column_types[k] = enum_type(e, v->column_types[k]);
		c->views[i] = w;
	}
	for (size_t i = 0; i < c->ntriggers; i++) {
		const char *def = enum_expr(e, c->triggers[i]->definition);
		if (def == c->triggers[i]->definition)
			continue;
		mg_trigger *t = mg_arena_alloc(a, sizeof(*t));
		*t = *c->triggers[i];
		t->definition = def;
		c->triggers[i] = t;
	}
	for (size_t i = 0; i < c->ndomains; i++) {
		const mg_domain *d = c->domains[i];
		mg_domain *x = mg_arena_alloc(a, sizeof(*x));
		*x = *d;
		x->type = enum_type(e, d->type);
		x->default_expr = enum_expr(e, d->default_expr);
		x->checks = mg_arena_alloc(a, (d->nchecks ? d->nchecks : 1) * sizeof(*x->checks));
		for (size_t k = 0; k < d->nchecks; k++) {
			x->checks[k] = mg_arena_alloc(a, sizeof(mg_check));
			*x->checks[k] = *d->checks[k];
			x->checks[k]->expr = enum_expr(e, d->checks[k]->expr);
		}
		c->domains[i] = x;
	}
}

/* The enums of c under their new names and labels. */
static void enum_renamed(renames *r, mg_catalog *c)
{
	mg_arena *a = r->arena;

	for (size_t i = 0; i < c->nenums; i++) {
		const mg_enum *o = c->enums[i];
		const char *name = mg_map_get(&r->enum_new, o->name);
		mg_enum *n = mg_arena_alloc(a, sizeof(*n));
		*n = *o;
		n->name = name ? name : o->name;
		n->labels = mg_arena_alloc(a, (o->nlabels ? o->nlabels : 1) * sizeof(*n->labels));
		for (size_t k = 0; k < o->nlabels; k++) {
			const char *l = mg_map_get(&r->label_new, pair_key(r, o->name, o->labels[k]));
			n->labels[k] = l ? l : o->labels[k];
		}
		c->enums[i] = n;
	}
	qsort(c->enums, c->nenums, sizeof(*c->enums), enum_by_name);
}

/* ---- view renames, one after the other ---- */

static size_t view_at(const mg_catalog *c, const char *name)
{
	for (size_t i = 0; i < c->nviews; i++)
		if (!strcmp(c->views[i]->name, name))
			return i;
	return c->nviews;
}

/* Whether the view of dependant x reads one of the other views in deps
 * from k on. */
static bool reads_later(mg_dialect dialect, const mg_vec *deps, size_t k, const mg_diff_dependant *x)
{
	for (size_t j = k; j < deps->len; j++) {
		const mg_diff_dependant *y = deps->items[j];
		if (y != x && y->old_view && names_ident(dialect, x->old_view->definition, y->old_view->name))
			return true;
	}
	return false;
}

/* Views first, each after the views among them it reads (a cycle, which a
 * valid schema cannot have, keeps the given order); then the triggers. */
static void order_dependants(mg_dialect dialect, mg_vec *deps)
{
	size_t done = 0;

	for (size_t k = 0; k < deps->len; k++) {
		mg_diff_dependant *x = deps->items[k];
		if (x->old_view) {
			deps->items[k] = deps->items[done];
			deps->items[done++] = x;
		}
	}
	for (size_t k = 0; k < done; k++) {
		size_t pick = k;
		for (size_t j = k; j < done; j++)
			if (!reads_later(dialect, deps, k, deps->items[j])) {
				pick = j;
				break;
			}
		void *tmp = deps->items[k];
		deps->items[k] = deps->items[pick];
		deps->items[pick] = tmp;
	}
}

static mg_diff_dependant *new_dependant(mg_arena *a, mg_vec *deps)
{
	mg_diff_dependant *x = mg_arena_alloc(a, sizeof(*x));
	memset(x, 0, sizeof(*x));
	mg_vec_push(deps, x);
	return x;
}

/* Whether the SQLite trigger t sits on one of the views deps recreates: a
 * DROP VIEW takes it along. */
static bool on_dependant(const mg_vec *deps, const mg_trigger *t)
{
	for (size_t k = 0; t->table && k < deps->len; k++) {
		const mg_diff_dependant *x = deps->items[k];
		if (x->old_view && !strcmp(x->old_view->name, t->table))
			return true;
	}
	return false;
}

/* Whether the SQLite trigger t reads or sits on a view deps recreates. */
static bool names_dependant(const mg_vec *deps, const mg_trigger *t)
{
	for (size_t k = 0; k < deps->len; k++) {
		const mg_diff_dependant *x = deps->items[k];
		if (x->old_view && names_ident(MG_DIALECT_SQLITE, t->definition, x->old_view->name))
			return true;
	}
	return false;
}

static bool is_dependant(const mg_vec *deps, const mg_view *v)
{
	for (size_t k = 0; k < deps->len; k++)
		if (((const mg_diff_dependant *)deps->items[k])->new_view == v)
			return true;
	return false;
}

/* SQLite's ALTER TABLE ... RENAME checks every view and trigger of the
 * schema: those reading a view the rename drops for a while are dropped
 * and created with it, as they are. */
static void sqlite_readers_of_dependants(mg_catalog *c, mg_arena *a, mg_vec *deps)
{
	bool grew = true;

	while (grew) {
		grew = false;
		for (size_t i = 0; i < c->nviews; i++) {
			const mg_view *w = c->views[i];
			for (size_t k = 0; k < deps->len && !is_dependant(deps, w); k++) {
				const mg_diff_dependant *y = deps->items[k];
				if (y->old_view && names_ident(MG_DIALECT_SQLITE, w->definition, y->old_view->name)) {
					mg_diff_dependant *x = new_dependant(a, deps);
					x->old_view = x->new_view = w;
					grew = true;
				}
			}
		}
	}
}

/* PostgreSQL keeps an SQL-standard body (BEGIN ATOMIC) parsed, following
 * a rename by OID as a view does; other bodies are text it does not read. */
static bool body_follows(mg_dialect dialect, const mg_function *f)
{
	return dialect == MG_DIALECT_POSTGRESQL && f->definition && strstr(f->definition, "BEGIN ATOMIC");
}

/*
 * What reads `from` in c (views, triggers and functions arrays of c's own,
 * as they stand after the renames before this one) rewritten to read `to`,
 * as the server shows it once `from` is renamed: view queries (but the one
 * at `skip`, the view renamed), trigger bodies and the table a trigger is
 * on, PostgreSQL's BEGIN ATOMIC bodies. MySQL and SQLite do not carry the
 * name over: there op gets what the rename recreates (its dependants, in
 * creation order), the views and triggers rewritten and, on SQLite, the
 * triggers on the renamed object or on a view recreated (the rename or a
 * DROP takes them along) and, for a table, what reads the views recreated.
 */
static void rename_readers(mg_diff *d, mg_catalog *c, mg_arena *a, mg_diff_op *op, const char *from,
			   const char *to, size_t skip)
{
	bool recreate = d->dialect != MG_DIALECT_POSTGRESQL, lite = d->dialect == MG_DIALECT_SQLITE;
	mg_vec deps = MG_VEC_INIT;

	for (size_t i = 0; i < c->nviews; i++) {
		const mg_view *w = c->views[i];
		const char *def = i == skip ? w->definition : replace_ident(a, d->dialect, w->definition, from, to);
		mg_view *w2;
		if (def == w->definition)
			continue;
		w2 = mg_arena_alloc(a, sizeof(*w2));
		*w2 = *w;
		w2->definition = def;
		c->views[i] = w2;
		if (recreate) {
			mg_diff_dependant *x = new_dependant(a, &deps);
			x->old_view = w;
			x->new_view = w2;
		}
	}
	if (lite && op->kind == MG_DIFF_RENAME_TABLE)
		sqlite_readers_of_dependants(c, a, &deps);
	for (size_t i = 0; i < c->ntriggers; i++) {
		const mg_trigger *t = c->triggers[i];
		bool on = t->table && !strcmp(t->table, from);
		const char *def = replace_ident(a, d->dialect, t->definition, from, to);
		bool along = lite && (on || on_dependant(&deps, t) ||
				      (op->kind == MG_DIFF_RENAME_TABLE && names_dependant(&deps, t)));
		mg_trigger *t2;
		if (!on && def == t->definition && !along)
			continue;
		t2 = mg_arena_alloc(a, sizeof(*t2));
		*t2 = *t;
		t2->table = on ? to : t->table;
		t2->definition = def;
		c->triggers[i] = t2;
		/* MySQL moves a table's triggers with it: only a body naming
		 * the old name needs making again. */
		if (recreate && (def != t->definition || along)) {
			mg_diff_dependant *x = new_dependant(a, &deps);
			x->old_trigger = t;
			x->new_trigger = t2;
		}
	}
	for (size_t i = 0; i < c->nfunctions; i++) {
		const mg_function *f = c->functions[i];
		const char *def = body_follows(d->dialect, f) ? replace_ident(a, d->dialect, f->definition, from, to)
							      : f->definition;
		mg_function *f2;
		if (def == f->definition)
			continue;
		f2 = mg_arena_alloc(a, sizeof(*f2));
		*f2 = *f;
		f2->definition = def;
		c->functions[i] = f2;
	}
	order_dependants(d->dialect, &deps);
	op->ndependants = deps.len;
	if (deps.len) {
		mg_diff_dependant *arr = mg_arena_alloc(&d->arena, deps.len * sizeof(*arr));
		for (size_t k = 0; k < deps.len; k++)
			arr[k] = *(mg_diff_dependant *)deps.items[k];
		op->dependants = arr;
	}
	mg_vec_release(&deps);
}

/* Renames view `from` to `to` in c: op gets the view before and after,
 * and what reads it follows (rename_readers). */
static void rename_view(mg_diff *d, mg_catalog *c, mg_arena *a, mg_diff_op *op, const char *from,
			const char *to)
{
	size_t at = view_at(c, from);
	mg_view *nv;

	if (at == c->nviews)
		return; /* cannot happen: the hint was checked against cur */
	nv = mg_arena_alloc(a, sizeof(*nv));
	*nv = *c->views[at];
	nv->name = to;
	op->old_object = c->views[at];
	op->new_object = nv;
	c->views[at] = nv;
	rename_readers(d, c, a, op, from, to, at);
}

/* PostgreSQL shows a sequence owned by a renamed table or column under
 * the new names ("table.column"). */
static void rename_owners(renames *r, mg_catalog *c, mg_arena *a)
{
	for (size_t i = 0; i < c->nsequences; i++) {
		const mg_sequence *q = c->sequences[i];
		const char *dot = q->owned_by ? strchr(q->owned_by, '.') : NULL;
		const char *table, *col, *nt, *nc;
		mg_sequence *q2;
		if (!dot)
			continue;
		table = mg_arena_strndup(a, q->owned_by, (size_t)(dot - q->owned_by));
		col = dot + 1;
		nt = new_table_name(r, table);
		nc = new_column_name(r, table, col);
		if (nt == table && nc == col)
			continue;
		q2 = mg_arena_alloc(a, sizeof(*q2));
		*q2 = *q;
		q2->owned_by = mg_arena_printf(a, "%s.%s", nt, nc);
		c->sequences[i] = q2;
	}
}

/* ---- the hints ---- */

static mg_diff_op *new_op(mg_diff *d, mg_vec *ops, mg_diff_kind kind, const mg_table *ot,
			  const mg_table *nt)
{
	mg_diff_op *op = mg_arena_alloc(&d->arena, sizeof(*op));

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->table = nt ? nt->name : NULL;
	op->old_table = ot;
	op->new_table = nt;
	mg_vec_push(ops, op);
	return op;
}

static mg_diff_op *new_object_op(mg_diff *d, mg_vec *ops, mg_diff_kind kind, const char *name,
				 const mg_catalog *cur, const mg_catalog *tgt)
{
	mg_diff_op *op = new_op(d, ops, kind, NULL, NULL);

	op->table = name;
	op->old_catalog = cur;
	op->new_catalog = tgt;
	return op;
}

static bool claimed_name(const mg_catalog *cat, const char *name)
{
	return mg_catalog_view(cat, name) || mg_catalog_table(cat, name);
}

/* A hint renaming a whole object of kind k (a table, view, enum type):
 * it names both names, and they differ. */
static bool object_hint(const mg_diff_rename *h, mg_diff_rename_kind k)
{
	return h->kind == k && h->table && h->from && strcmp(h->table, h->from);
}

/* Records old <-> new in the pair of maps unless another hint claimed
 * either name already; returns whether it did. */
static bool claim(mg_map *to_new, mg_map *to_old, const char *old, const char *new)
{
	if (mg_map_has(to_new, old) || mg_map_has(to_old, new))
		return false;
	mg_map_put(to_new, old, (void *)new);
	mg_map_put(to_old, new, (void *)old);
	return true;
}

static void hint_views(mg_diff *d, renames *r, const mg_catalog *cur, const mg_catalog *tgt,
		       const mg_diff_options *opts, mg_vec *ops, mg_vec *view_ops)
{
	for (size_t i = 0; i < opts->nrenames; i++) {
		const mg_diff_rename *h = &opts->renames[i];
		const mg_view *ov, *nv;
		mg_diff_op *op;
		if (!object_hint(h, MG_RENAME_VIEW))
			continue;
		ov = mg_catalog_view(cur, h->from);
		nv = mg_catalog_view(tgt, h->table);
		if (!ov || !nv || claimed_name(cur, h->table) || claimed_name(tgt, h->from) ||
		    !claim(&r->view_new, &r->view_old, ov->name, nv->name))
			continue;
		op = new_object_op(d, ops, MG_DIFF_RENAME_VIEW, nv->name, cur, tgt);
		op->old_object = ov; /* the objects are set by rename_view */
		mg_vec_push(view_ops, op);
	}
}

static void hint_tables(mg_diff *d, renames *r, const mg_catalog *cur, const mg_catalog *tgt,
			const mg_diff_options *opts, mg_vec *ops, mg_vec *table_ops)
{
	for (size_t i = 0; i < opts->nrenames; i++) {
		const mg_diff_rename *h = &opts->renames[i];
		const mg_table *ot, *nt;
		if (!object_hint(h, MG_RENAME_TABLE))
			continue;
		ot = mg_catalog_table(cur, h->from);
		nt = mg_catalog_table(tgt, h->table);
		if (!ot || !nt || claimed_name(cur, h->table) || claimed_name(tgt, h->from) ||
		    !claim(&r->table_new, &r->table_old, ot->name, nt->name))
			continue;
		mg_vec_push(table_ops, new_op(d, ops, MG_DIFF_RENAME_TABLE, ot, nt));
	}
}

/* Column and index hints name the table by its new name. */
static void hint_columns(mg_diff *d, renames *r, const mg_catalog *cur, const mg_catalog *tgt,
			 const mg_diff_options *opts, mg_vec *ops, mg_vec *index_ops)
{
	for (size_t i = 0; i < opts->nrenames; i++) {
		const mg_diff_rename *h = &opts->renames[i];
		const mg_table *ot, *nt;
		const char *old;
		mg_diff_op *op;
		if ((h->kind != MG_RENAME_COLUMN && h->kind != MG_RENAME_INDEX) || !h->to || !h->table ||
		    !h->from || !strcmp(h->from, h->to))
			continue;
		old = mg_map_get(&r->table_old, h->table);
		if (!(nt = mg_catalog_table(tgt, h->table)) || !(ot = mg_catalog_table(cur, old ? old : h->table)))
			continue;
		if (h->kind == MG_RENAME_COLUMN) {
			const mg_column *oc = mg_table_column(ot, h->from), *nc = mg_table_column(nt, h->to);
			if (!oc || !nc || mg_table_column(ot, h->to) || mg_table_column(nt, h->from) ||
			    mg_map_has(&r->column_new, pair_key(r, ot->name, oc->name)))
				continue;
			mg_map_put(&r->column_new, kept_key(r, ot->name, oc->name), (void *)nc->name);
			op = new_op(d, ops, MG_DIFF_RENAME_COLUMN, ot, nt);
			op->old_column = oc;
			op->new_column = nc;
		} else {
			const mg_index *oi = find_index(ot, h->from), *ni = find_index(nt, h->to);
			if (!oi || !ni || find_index(ot, h->to) || find_index(nt, h->from) ||
			    mg_map_has(&r->index_new, pair_key(r, ot->name, oi->name)))
				continue;
			mg_map_put(&r->index_new, kept_key(r, ot->name, oi->name), (void *)ni->name);
			op = new_op(d, ops, MG_DIFF_RENAME_INDEX, ot, nt);
			op->old_object = oi; /* replaced by the renamed copy's */
			mg_vec_push(index_ops, op);
		}
	}
}

/* A function's signature, arguments, result or body names the type: the
 * server follows a rename there, the text of a body does not, and the
 * diff would drop and create the function by its old signature. */
static bool used_by_functions(const mg_catalog *cur, const char *type)
{
	for (size_t i = 0; i < cur->nfunctions; i++) {
		const mg_function *f = cur->functions[i];
		if (names_ident(cur->dialect, f->signature, type) || names_ident(cur->dialect, f->args, type) ||
		    names_ident(cur->dialect, f->result, type) || names_ident(cur->dialect, f->definition, type))
			return true;
	}
	return false;
}

static void hint_enums(mg_diff *d, renames *r, const mg_catalog *cur, const mg_catalog *tgt,
		       const mg_diff_options *opts, mg_vec *ops, mg_vec *type_ops)
{
	for (size_t i = 0; i < opts->nrenames; i++) {
		const mg_diff_rename *h = &opts->renames[i];
		const mg_enum *oe, *ne;
		mg_diff_op *op;
		if (!object_hint(h, MG_RENAME_ENUM))
			continue;
		oe = find_enum(cur, h->from);
		ne = find_enum(tgt, h->table);
		if (!oe || !ne || find_enum(cur, h->table) || find_enum(tgt, h->from) ||
		    used_by_functions(cur, oe->name) || !claim(&r->enum_new, &r->enum_old, oe->name, ne->name))
			continue;
		op = new_object_op(d, ops, MG_DIFF_RENAME_ENUM, ne->name, cur, tgt);
		op->old_object = oe;
		mg_vec_push(type_ops, op);
	}
}

/* Label hints name the type by its new name. ALTER TYPE ... RENAME VALUE
 * came in PostgreSQL 10. */
static void hint_labels(mg_diff *d, renames *r, const mg_catalog *cur, const mg_catalog *tgt,
			const mg_diff_options *opts, mg_vec *ops)
{
	if (d->server_version && d->server_version < 100000)
		return;
	for (size_t i = 0; i < opts->nrenames; i++) {
		const mg_diff_rename *h = &opts->renames[i];
		const mg_enum *oe, *ne;
		const char *old, *ol, *nl;
		mg_diff_op *op;
		if (h->kind != MG_RENAME_ENUM_VALUE || !h->table || !h->from || !h->to || !strcmp(h->from, h->to))
			continue;
		old = mg_map_get(&r->enum_old, h->table);
		if (!(ne = find_enum(tgt, h->table)) || !(oe = find_enum(cur, old ? old : h->table)))
			continue;
		ol = mg_diff_enum_label(oe, h->from);
		nl = mg_diff_enum_label(ne, h->to);
		if (!ol || !nl || mg_diff_enum_label(oe, h->to) || mg_diff_enum_label(ne, h->from) ||
		    mg_map_has(&r->label_new, pair_key(r, oe->name, ol)) ||
		    mg_map_has(&r->label_to, pair_key(r, oe->name, nl)))
			continue;
		mg_map_put(&r->label_new, kept_key(r, oe->name, ol), (void *)nl);
		mg_map_put(&r->label_to, kept_key(r, oe->name, nl), (void *)1);
		op = new_object_op(d, ops, MG_DIFF_RENAME_ENUM_VALUE, ne->name, cur, tgt);
		op->old_object = oe;
		op->old_label = ol;
		op->new_label = nl;
		mg_vec_push(&r->labels, op);
	}
}

/* ---- the renamed copy ---- */

static void copy_array(mg_arena *a, void *dst_ptr, const void *src, size_t n, size_t size)
{
	void *arr = mg_arena_alloc(a, (n ? n : 1) * size);
	if (n)
		memcpy(arr, src, n * size);
	*(void **)dst_ptr = arr;
}

/* The current catalog under the new names (d->renamed), which the other
 * ops borrow from; the objects the ops of index_ops, view_ops and
 * type_ops refer to are taken from it, what reads the views and tables of
 * view_ops and table_ops is rewritten (and recreated by them where the
 * server does not follow). */
static void build_renamed(mg_diff *d, renames *r, const mg_catalog *cur, mg_vec *index_ops,
			  mg_vec *view_ops, mg_vec *table_ops, mg_vec *type_ops)
{
	mg_catalog_impl *c = mg_xcalloc(1, sizeof(*c));
	mg_arena *a = &c->arena;
	mg_catalog *p = &c->pub;

	mg_arena_init(a);
	mg_map_init(&c->table_map);
	mg_map_init(&c->view_map);
	mg_map_init(&c->excluded);
	*p = *cur;
	/* Extensions and events are shared with cur, which outlives the
	 * diff; the arrays of the other kinds are the copy's own. */
	p->tables = mg_arena_alloc(a, (cur->ntables ? cur->ntables : 1) * sizeof(mg_table *));
	for (size_t i = 0; i < cur->ntables; i++)
		p->tables[i] = copy_table(a, r, cur, cur->tables[i]);
	qsort(p->tables, cur->ntables, sizeof(mg_table *), by_name);
	for (size_t i = 0; i < cur->ntables; i++)
		mg_map_put(&c->table_map, p->tables[i]->name, p->tables[i]);
	copy_array(a, &p->views, cur->views, cur->nviews, sizeof(*p->views));
	copy_array(a, &p->triggers, cur->triggers, cur->ntriggers, sizeof(*p->triggers));
	copy_array(a, &p->enums, cur->enums, cur->nenums, sizeof(*p->enums));
	copy_array(a, &p->domains, cur->domains, cur->ndomains, sizeof(*p->domains));
	copy_array(a, &p->functions, cur->functions, cur->nfunctions, sizeof(*p->functions));
	copy_array(a, &p->sequences, cur->sequences, cur->nsequences, sizeof(*p->sequences));
	d->renamed = p;

	for (size_t i = 0; i < view_ops->len; i++) {
		mg_diff_op *op = view_ops->items[i];
		const char *from = ((const mg_view *)op->old_object)->name;
		rename_view(d, p, a, op, from, op->table);
	}
	for (size_t i = 0; i < table_ops->len; i++) {
		mg_diff_op *op = table_ops->items[i];
		rename_readers(d, p, a, op, op->old_table->name, op->new_table->name, p->nviews);
	}
	rename_owners(r, p, a);
	if (type_ops->len || r->labels.len) {
		enum_text e;
		enum_text_init(&e, a, type_ops, &r->labels);
		enum_tables(&e, p);
		enum_objects(&e, p);
		enum_text_release(&e);
		enum_renamed(r, p);
	}
	qsort(p->views, p->nviews, sizeof(*p->views), view_by_name);
	for (size_t i = 0; i < p->nviews; i++)
		mg_map_put(&c->view_map, p->views[i]->name, p->views[i]);
	qsort(p->triggers, p->ntriggers, sizeof(*p->triggers), trigger_order);

	/* An index rename is between the copy's index (key in the table's
	 * columns as they are by then) under its old and its new name. */
	for (size_t i = 0; i < index_ops->len; i++) {
		mg_diff_op *op = index_ops->items[i];
		const mg_index *oi = op->old_object;
		mg_table *vt = mg_catalog_table(p, op->new_table->name);
		const char *to = mg_map_get(&r->index_new, pair_key(r, op->old_table->name, oi->name));
		mg_index *vi = vt ? find_index(vt, to) : NULL, *vo;
		if (!vi)
			continue; /* cannot happen: the copy has every index */
		vo = mg_arena_alloc(&d->arena, sizeof(*vo));
		*vo = *vi;
		vo->name = oi->name;
		op->old_object = vo;
		op->new_object = vi;
		op->old_table = vt;
	}
	for (size_t i = 0; i < type_ops->len; i++) {
		mg_diff_op *op = type_ops->items[i];
		op->new_object = find_enum(p, op->table);
	}
	for (size_t i = 0; i < r->labels.len; i++) {
		mg_diff_op *op = r->labels.items[i];
		op->new_object = find_enum(p, op->table);
	}
}

const mg_catalog *mg_diff_apply_renames(mg_diff *d, const mg_catalog *cur, const mg_catalog *tgt,
					const mg_diff_options *opts, mg_vec *ops)
{
	renames r;
	mg_vec index_ops = MG_VEC_INIT, view_ops = MG_VEC_INIT, table_ops = MG_VEC_INIT, type_ops = MG_VEC_INIT;
	size_t first = ops->len;
	mg_map *maps[] = { &r.table_new, &r.table_old, &r.column_new, &r.index_new, &r.view_new,
			   &r.view_old,  &r.enum_new,  &r.enum_old,   &r.label_new, &r.label_to };

	if (!opts || !opts->renames || !opts->nrenames)
		return cur;
	memset(&r, 0, sizeof(r));
	r.arena = &d->arena;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		mg_map_init(maps[i]);
	mg_buf_init(&r.key);

	/* The op order: views (on SQLite a view is recreated from its old
	 * definition, which reads the tables by their old names), tables,
	 * columns and indexes, enum types, labels. */
	hint_views(d, &r, cur, tgt, opts, ops, &view_ops);
	hint_tables(d, &r, cur, tgt, opts, ops, &table_ops);
	hint_columns(d, &r, cur, tgt, opts, ops, &index_ops);
	hint_enums(d, &r, cur, tgt, opts, ops, &type_ops);
	hint_labels(d, &r, cur, tgt, opts, ops);
	if (ops->len > first) {
		const mg_map_entry *e;
		build_renamed(d, &r, cur, &index_ops, &view_ops, &table_ops, &type_ops);
		cur = d->renamed;
		for (size_t i = 0; mg_map_next(&r.table_old, &i, &e);)
			mg_map_put(&d->old_names, e->key, e->value);
		for (size_t i = 0; mg_map_next(&r.view_old, &i, &e);)
			mg_map_put(&d->old_names, e->key, e->value);
	}
	mg_vec_release(&index_ops);
	mg_vec_release(&view_ops);
	mg_vec_release(&table_ops);
	mg_vec_release(&type_ops);
	mg_vec_release(&r.labels);
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		mg_map_release(maps[i]);
	mg_buf_release(&r.key);
	return cur;
}

/* ---- proposals ---- */

static bool same_type(mg_dialect dialect, const mg_column *a, const mg_column *b)
{
	if (dialect == MG_DIALECT_SQLITE)
		return !strcasecmp(a->type, b->type);
	return mg_diff_streq(a->type, b->type);
}

static bool same_columns(mg_dialect dialect, const mg_table *a, const mg_table *b)
{
	if (a->ncolumns != b->ncolumns)
		return false;
	for (size_t i = 0; i < a->ncolumns; i++)
		if (strcmp(a->columns[i]->name, b->columns[i]->name) ||
		    !same_type(dialect, a->columns[i], b->columns[i]))
			return false;
	return true;
}

/* A dropped view and a created one of another name with the same query:
 * neither name on the other side. */
static bool view_moved(const mg_diff *d, const mg_diff_op *drop, const mg_diff_op *add)
{
	const mg_view *o = drop->old_object, *n = add->new_object;

	if (!o || !n || !strcmp(o->name, n->name) || o->materialized != n->materialized ||
	    (drop->new_catalog && mg_catalog_view(drop->new_catalog, o->name)) ||
	    (add->old_catalog && mg_catalog_view(add->old_catalog, n->name)))
		return false;
	return mg_diff_views_equal(d->dialect, o->definition, n->definition);
}

static bool same_labels(const mg_enum *a, const mg_enum *b)
{
	if (a->nlabels != b->nlabels)
		return false;
	for (size_t i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i], b->labels[i]))
			return false;
	return true;
}

/* The one label of a that b lacks (its position in *at), or NULL when
 * there is none or more than one. */
static const char *only_missing(const mg_enum *a, const mg_enum *b, size_t *at)
{
	const char *found = NULL;

	for (size_t i = 0; i < a->nlabels; i++) {
		if (mg_diff_enum_label(b, a->labels[i]))
			continue;
		if (found)
			return NULL;
		found = a->labels[i];
		*at = i;
	}
	return found;
}

/* A rebuilt enum losing one label and gaining one at the same place. */
static const char *proposed_label(mg_diff *d, const mg_diff_op *op)
{
	const mg_enum *o = op->old_object, *n = op->new_object;
	size_t io = 0, in = 0;
	const char *gone = only_missing(o, n, &io), *added = only_missing(n, o, &in);

	if (!gone || !added || io != in)
		return NULL;
	return mg_arena_printf(&d->arena,
			       "did you rename value '%s' of enum %s to '%s'? add \"-- migrate:renamed-from '%s'\" to "
			       "its line in the models",
			       gone, n->name, added, gone);
}

/* The proposal for the pair drop, add of one kind; NULL when none. */
static const char *proposal_for(mg_diff *d, const mg_diff_op *drop, const mg_diff_op *add)
{
	if (drop->kind == MG_DIFF_DROP_TABLE && add->kind == MG_DIFF_CREATE_TABLE &&
	    same_columns(d->dialect, drop->old_table, add->new_table))
		return mg_arena_printf(&d->arena,
				       "did you rename table %s to %s? add \"-- migrate:renamed-from %s\" "
				       "to its CREATE TABLE line in the models",
				       drop->old_table->name, add->new_table->name, drop->old_table->name);
	if (drop->kind == MG_DIFF_DROP_COLUMN && add->kind == MG_DIFF_ADD_COLUMN && !strcmp(drop->table, add->table) &&
	    same_type(d->dialect, drop->old_column, add->new_column))
		return mg_arena_printf(&d->arena,
				       "did you rename %s.%s to %s.%s? add \"-- migrate:renamed-from %s\" "
				       "to its line in the models",
				       drop->table, drop->old_column->name, add->table, add->new_column->name,
				       drop->old_column->name);
	if (drop->kind == MG_DIFF_DROP_VIEW && add->kind == MG_DIFF_CREATE_VIEW && view_moved(d, drop, add))
		return mg_arena_printf(&d->arena,
				       "did you rename view %s to %s? add \"-- migrate:renamed-from %s\" "
				       "to its CREATE VIEW line in the models",
				       ((const mg_view *)drop->old_object)->name, ((const mg_view *)add->new_object)->name,
				       ((const mg_view *)drop->old_object)->name);
	if (drop->kind == MG_DIFF_DROP_ENUM && add->kind == MG_DIFF_CREATE_ENUM &&
	    same_labels(drop->old_object, add->new_object))
		return mg_arena_printf(&d->arena,
				       "did you rename enum %s to %s? add \"-- migrate:renamed-from %s\" "
				       "to its CREATE TYPE line in the models",
				       ((const mg_enum *)drop->old_object)->name, ((const mg_enum *)add->new_object)->name,
				       ((const mg_enum *)drop->old_object)->name);
	return NULL;
}

void mg_diff_propose_renames(mg_diff *d)
{
	mg_vec out = MG_VEC_INIT;
	bool *used = mg_xcalloc(d->nops ? d->nops : 1, sizeof(*used));

	for (size_t i = 0; i < d->nops; i++) {
		const mg_diff_op *drop = d->ops[i];
		if (drop->kind == MG_DIFF_REBUILD_ENUM) {
			const char *text = proposed_label(d, drop);
			if (text)
				mg_vec_push(&out, (void *)text);
			continue;
		}
		if (drop->kind != MG_DIFF_DROP_TABLE && drop->kind != MG_DIFF_DROP_COLUMN &&
		    drop->kind != MG_DIFF_DROP_VIEW && drop->kind != MG_DIFF_DROP_ENUM)
			continue;
		for (size_t k = 0; k < d->nops; k++) {
			const char *text;
			if (used[k] || !(text = proposal_for(d, drop, d->ops[k])))
				continue;
			mg_vec_push(&out, (void *)text);
			used[k] = true;
			break;
		}
	}
	d->nproposals = out.len;
	d->proposals = mg_arena_alloc(&d->arena, (out.len ? out.len : 1) * sizeof(*d->proposals));
	for (size_t i = 0; i < out.len; i++)
		d->proposals[i] = out.items[i];
	mg_vec_release(&out);
	free(used);
}

size_t mg_diff_proposal_count(const mg_diff *d)
{
	return d ? d->nproposals : 0;
}

const char *mg_diff_proposal_at(const mg_diff *d, size_t i)
{
	return d->proposals[i];
}

/* ---- from nothing ---- */

int mg_diff_from_empty(const mg_catalog *target, mg_diff **out, mg_error *err)
{
	/* An empty catalog like target, owned by the diff (freed with it,
	 * like a renamed copy). */
	mg_catalog *empty = mg_catalog_new_empty(target, target->schema);
	int rc;

	if ((rc = mg_diff_catalogs(empty, target, NULL, out, err)) != MG_OK) {
		mg_catalog_free(empty);
		return rc;
	}
	(*out)->renamed = empty;
	return MG_OK;
}

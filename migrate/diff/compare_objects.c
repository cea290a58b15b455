/*
 * The diff of the object kinds other than tables: extensions, enums,
 * domains, sequences, functions, views, triggers, events. Each kind is
 * merged by name over the two sorted arrays; its operations go to the slots
 * around the table phases (diff_int.h), so that what reads a table or uses a
 * type is dropped before it changes and created again after.
 */
#include <stdint.h>
#include <string.h>

#include "diff/diff_int.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/vec.h"

/* Local lists, appended to the slots in a fixed order at the end. */
enum {
	L_EARLY_TRIGGER,  /* L_EARLY_*: readers of renamed columns, see find_early */
	L_EARLY_FUNCTION,
	L_EARLY_VIEW,
	L_DROP_TRIGGER,
	L_DROP_FUNCTION_FIRST, /* PG BEGIN ATOMIC bodies reading views */
	L_DROP_VIEW,
	L_DROP_EVENT,
	L_DROP_FUNCTION,
	L_OWNER_OFF,      /* OWNED BY of dropped sequences, before their table goes */
	L_CREATE_EXT,
	L_CREATE_ENUM,
	L_CREATE_DOMAIN,
	L_CREATE_SEQUENCE,
	L_CREATE_FUNCTION_EARLY,
	L_DROP_FUNCTION_LATE,
	L_DROP_SEQUENCE,
	L_DROP_DOMAIN,
	L_DROP_ENUM,
	L_DROP_EXT,
	L_CREATE_FUNCTION,
	L_CREATE_VIEW,
	L_CREATE_FUNCTION_LATE, /* PG BEGIN ATOMIC bodies reading views */
	L_CREATE_TRIGGER,
	L_CREATE_EVENT,
	L_OWNER_ON,       /* OWNED BY of created sequences, after their table */
	L_COUNT
};

static const int list_slot[L_COUNT] = {
	[L_EARLY_TRIGGER] = MG_DIFF_SLOT_DROP_BEFORE_RENAMES,
	[L_EARLY_FUNCTION] = MG_DIFF_SLOT_DROP_BEFORE_RENAMES,
	[L_EARLY_VIEW] = MG_DIFF_SLOT_DROP_BEFORE_RENAMES,
	[L_DROP_TRIGGER] = MG_DIFF_SLOT_DROP_DEPENDANTS,
	[L_DROP_FUNCTION_FIRST] = MG_DIFF_SLOT_DROP_DEPENDANTS,
	[L_DROP_VIEW] = MG_DIFF_SLOT_DROP_DEPENDANTS,
	[L_DROP_EVENT] = MG_DIFF_SLOT_DROP_DEPENDANTS,
	[L_DROP_FUNCTION] = MG_DIFF_SLOT_DROP_DEPENDANTS,
	[L_OWNER_OFF] = MG_DIFF_SLOT_DROP_DEPENDANTS,
	[L_CREATE_EXT] = MG_DIFF_SLOT_CREATE_TYPES,
	[L_CREATE_ENUM] = MG_DIFF_SLOT_CREATE_TYPES,
	[L_CREATE_DOMAIN] = MG_DIFF_SLOT_CREATE_TYPES,
	[L_CREATE_SEQUENCE] = MG_DIFF_SLOT_CREATE_TYPES,
	[L_CREATE_FUNCTION_EARLY] = MG_DIFF_SLOT_CREATE_TYPES,
	[L_DROP_FUNCTION_LATE] = MG_DIFF_SLOT_DROP_TYPES,
	[L_DROP_SEQUENCE] = MG_DIFF_SLOT_DROP_TYPES,
	[L_DROP_DOMAIN] = MG_DIFF_SLOT_DROP_TYPES,
	[L_DROP_ENUM] = MG_DIFF_SLOT_DROP_TYPES,
	[L_DROP_EXT] = MG_DIFF_SLOT_DROP_TYPES,
	[L_CREATE_FUNCTION] = MG_DIFF_SLOT_CREATE_DEPENDANTS,
	[L_CREATE_VIEW] = MG_DIFF_SLOT_CREATE_DEPENDANTS,
	[L_CREATE_FUNCTION_LATE] = MG_DIFF_SLOT_CREATE_DEPENDANTS,
	[L_CREATE_TRIGGER] = MG_DIFF_SLOT_CREATE_DEPENDANTS,
	[L_CREATE_EVENT] = MG_DIFF_SLOT_CREATE_DEPENDANTS,
	[L_OWNER_ON] = MG_DIFF_SLOT_CREATE_DEPENDANTS,
};

typedef struct ctx {
	mg_diff *d;
	const mg_catalog *cur, *tgt;
	mg_vec list[L_COUNT];
	mg_map changed;      /* tables (of the current side) whose columns change */
	mg_map recreated;    /* functions and views dropped and created again, by name */
	mg_map retyped;      /* enum types whose labels change (rebuilt, or back on the downgrade) */
	mg_map functions;    /* signatures of the functions dropped, created or replaced */
	mg_map views_recreated; /* views of both sides dropped and created again, by name */
	mg_map renamed_columns; /* old names of the columns renamed by hints */
	/* Readers of renamed columns dropped before the renames (find_early):
	 * views by name, functions by signature, triggers by "table\x1fname",
	 * all of the current side; values: the objects as they were before
	 * the renames. */
	mg_map early_views, early_functions, early_triggers;
	mg_vec *renames;     /* the rename ops (diff.c), whose dependants lose the early ones */
	mg_map ignore;
} ctx;

static mg_diff_op *emit(ctx *x, int list, mg_diff_kind kind, const char *label, const void *o,
			const void *n)
{
	mg_diff_op *op = mg_arena_alloc(&x->d->arena, sizeof(*op));

	op->kind = kind;
	op->table = label;
	op->old_object = o;
	op->new_object = n;
	op->old_catalog = x->cur;
	op->new_catalog = x->tgt;
	mg_vec_push(&x->list[list], op);
	return op;
}

bool mg_diff_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

bool mg_diff_mentions(const char *text, const char *name)
{
	size_t n = strlen(name);

	if (!text || !n)
		return false;
	for (const char *p = text; (p = strstr(p, name)); p++) {
		if ((p == text || !mg_diff_ident_char(p[-1])) && !mg_diff_ident_char(p[n]))
			return true;
	}
	return false;
}

/* text names one of the keys of m. */
static bool mentions_any(const mg_map *m, const char *text)
{
	const mg_map_entry *e;
	for (size_t i = 0; mg_map_next(m, &i, &e);) {
		if (mg_diff_mentions(text, e->key))
			return true;
	}
	return false;
}

static bool lists_equal(const char **a, size_t na, const char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (!mg_diff_streq(a[i], b[i]))
			return false;
	}
	return true;
}

/* ---- extensions ---- */

static void compare_extensions(ctx *x)
{
	const mg_catalog *c = x->cur, *t = x->tgt;

	for (size_t i = 0, j = 0; i < c->nextensions || j < t->nextensions;) {
		const mg_extension *o = i < c->nextensions ? c->extensions[i] : NULL;
		const mg_extension *n = j < t->nextensions ? t->extensions[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : strcmp(o->name, n->name);
		if (cmp < 0) {
			emit(x, L_DROP_EXT, MG_DIFF_DROP_EXTENSION, o->name, o, NULL);
			i++;
		} else if (cmp > 0) {
			emit(x, L_CREATE_EXT, MG_DIFF_CREATE_EXTENSION, n->name, NULL, n);
			j++;
		} else {
			if (!mg_diff_streq(o->version, n->version) || !mg_diff_streq(o->comment, n->comment))
				emit(x, L_CREATE_EXT, MG_DIFF_ALTER_EXTENSION, n->name, o, n);
			i++, j++;
		}
	}
}

/* ---- enums ---- */

const char *mg_diff_enum_label(const mg_enum *e, const char *label)
{
	for (size_t i = 0; i < e->nlabels; i++)
		if (!strcmp(e->labels[i], label))
			return e->labels[i];
	return NULL;
}

/* Old labels appear in new in the same order (values were only added). */
static bool only_added(const mg_enum *o, const mg_enum *n)
{
	size_t k = 0;
	for (size_t i = 0; i < n->nlabels && k < o->nlabels; i++) {
		if (!strcmp(n->labels[i], o->labels[k]))
			k++;
	}
	return k == o->nlabels;
}

int mg_diff_enum_change(const mg_enum *o, const mg_enum *n)
{
	if (lists_equal(o->labels, o->nlabels, n->labels, n->nlabels))
		return MG_ENUM_SAME;
	return only_added(o, n) ? MG_ENUM_ADDED : MG_ENUM_REBUILT;
}

bool mg_diff_column_of_type(const mg_column *col, const char *type)
{
	size_t n = strlen(type);
	return !strncmp(col->type, type, n) && (!col->type[n] || !strcmp(col->type + n, "[]"));
}

static void mark_tables_using(ctx *x, const char *type)
{
	for (size_t i = 0; i < x->cur->ntables; i++) {
		const mg_table *t = x->cur->tables[i];
		for (size_t k = 0; k < t->ncolumns; k++) {
			if (mg_diff_column_of_type(t->columns[k], type)) {
				mg_map_put(&x->changed, t->name, (void *)t);
				break;
			}
		}
	}
}

static void compare_enums(ctx *x)
{
	const mg_catalog *c = x->cur, *t = x->tgt;
	int change;

	for (size_t i = 0, j = 0; i < c->nenums || j < t->nenums;) {
		const mg_enum *o = i < c->nenums ? c->enums[i] : NULL;
		const mg_enum *n = j < t->nenums ? t->enums[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : strcmp(o->name, n->name);
		if (cmp < 0) {
			emit(x, L_DROP_ENUM, MG_DIFF_DROP_ENUM, o->name, o, NULL);
			i++;
			continue;
		}
		if (cmp > 0) {
			emit(x, L_CREATE_ENUM, MG_DIFF_CREATE_ENUM, n->name, NULL, n);
			j++;
			continue;
		}
		i++, j++;
		change = mg_diff_enum_change(o, n);
		if (change == MG_ENUM_SAME) {
			if (!mg_diff_streq(o->comment, n->comment))
				emit(x, L_CREATE_ENUM, MG_DIFF_ADD_ENUM_VALUES, n->name, o, n);
			continue;
		}
		/* What names the type in its text (a label's literal, a cast)
		 * is dropped before the type changes and made again after. */
		mg_map_put(&x->retyped, n->name, (void *)n);
		if (change == MG_ENUM_ADDED) {
			mg_diff_op *op = emit(x, L_CREATE_ENUM, MG_DIFF_ADD_ENUM_VALUES, n->name, o, n);
			op->non_transactional = true;
			/* The downgrade rebuilds the type: its columns change. */
			mark_tables_using(x, o->name);
		} else {
			mg_diff_op *op = emit(x, L_CREATE_ENUM, MG_DIFF_REBUILD_ENUM, n->name, o, n);
			for (size_t k = 0; k < o->nlabels; k++) {
				if (!mg_diff_enum_label(n, o->labels[k])) {
					op->destructive = true;
					op->reason = "removes enum values";
					break;
				}
			}
			mark_tables_using(x, o->name);
		}
	}
}

/* ---- domains ---- */

static void compare_domains(ctx *x)
{
	const mg_catalog *c = x->cur, *t = x->tgt;

	for (size_t i = 0, j = 0; i < c->ndomains || j < t->ndomains;) {
		const mg_domain *o = i < c->ndomains ? c->domains[i] : NULL;
		const mg_domain *n = j < t->ndomains ? t->domains[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : strcmp(o->name, n->name);
		if (cmp < 0) {
			emit(x, L_DROP_DOMAIN, MG_DIFF_DROP_DOMAIN, o->name, o, NULL);
			i++;
			continue;
		}
		if (cmp > 0) {
			emit(x, L_CREATE_DOMAIN, MG_DIFF_CREATE_DOMAIN, n->name, NULL, n);
			j++;
			continue;
		}
		i++, j++;
		if (!mg_diff_streq(o->type, n->type) || !mg_diff_streq(o->collation, n->collation)) {
			/* No ALTER for these: drop and create (fails while a column uses it). */
			mg_diff_op *op = emit(x, L_CREATE_DOMAIN, MG_DIFF_DROP_DOMAIN, o->name, o, NULL);
			op->destructive = true;
			op->reason = "recreates the domain";
			emit(x, L_CREATE_DOMAIN, MG_DIFF_CREATE_DOMAIN, n->name, NULL, n);
			continue;
		}
		bool same = o->not_null == n->not_null && mg_diff_streq(o->default_expr, n->default_expr) &&
			    mg_diff_streq(o->comment, n->comment) && o->nchecks == n->nchecks;
		for (size_t k = 0; same && k < o->nchecks; k++)
			same = mg_diff_streq(o->checks[k]->name, n->checks[k]->name) &&
			       mg_diff_streq(o->checks[k]->expr, n->checks[k]->expr);
		if (!same)
			emit(x, L_CREATE_DOMAIN, MG_DIFF_ALTER_DOMAIN, n->name, o, n);
	}
}

/* ---- sequences ---- */

static bool sequence_params_equal(const mg_sequence *a, const mg_sequence *b)
{
	return mg_diff_streq(a->type, b->type) && a->start == b->start &&
	       a->increment == b->increment && a->min == b->min && a->max == b->max &&
	       a->cache == b->cache && a->cycle == b->cycle && mg_diff_streq(a->comment, b->comment);
}

static void compare_sequences(ctx *x)
{
	const mg_catalog *c = x->cur, *t = x->tgt;

	for (size_t i = 0, j = 0; i < c->nsequences || j < t->nsequences;) {
		const mg_sequence *o = i < c->nsequences ? c->sequences[i] : NULL;
		const mg_sequence *n = j < t->nsequences ? t->sequences[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : strcmp(o->name, n->name);
		mg_diff_op *op;
		if (cmp < 0) {
			if (o->owned_by) {
				op = emit(x, L_OWNER_OFF, MG_DIFF_ALTER_SEQUENCE, o->name, o, NULL);
				op->changes = 2;
			}
			emit(x, L_DROP_SEQUENCE, MG_DIFF_DROP_SEQUENCE, o->name, o, NULL);
			i++;
			continue;
		}
		if (cmp > 0) {
			emit(x, L_CREATE_SEQUENCE, MG_DIFF_CREATE_SEQUENCE, n->name, NULL, n);
			if (n->owned_by) {
				op = emit(x, L_OWNER_ON, MG_DIFF_ALTER_SEQUENCE, n->name, NULL, n);
				op->changes = 2;
			}
			j++;
			continue;
		}
		i++, j++;
		if (!sequence_params_equal(o, n)) {
			op = emit(x, L_CREATE_SEQUENCE, MG_DIFF_ALTER_SEQUENCE, n->name, o, n);
			op->changes = 1;
		}
		if (!mg_diff_streq(o->owned_by, n->owned_by)) {
			op = emit(x, L_OWNER_ON, MG_DIFF_ALTER_SEQUENCE, n->name, o, n);
			op->changes = 2;
		}
	}
}

/* ---- functions ---- */

/* A column default, generated expression or check of the catalog's tables
 * calls the function: it goes with the types, before the tables. */
static bool used_by_tables(const mg_catalog *cat, const mg_function *f)
{
	for (size_t i = 0; i < cat->ntables; i++) {
		const mg_table *t = cat->tables[i];
		for (size_t k = 0; k < t->ncolumns; k++) {
			if (mg_diff_mentions(t->columns[k]->default_expr, f->name) ||
			    mg_diff_mentions(t->columns[k]->generated_expr, f->name))
				return true;
		}
		for (size_t k = 0; k < t->nchecks; k++) {
			if (mg_diff_mentions(t->checks[k]->expr, f->name))
				return true;
		}
	}
	return false;
}

static int function_cmp(const mg_function *a, const mg_function *b)
{
	int d = strcmp(a->name, b->name);
	if (!d)
		d = strcmp(a->signature, b->signature);
	return d ? d : (int)a->procedure - (int)b->procedure;
}

static bool function_equal(mg_dialect dialect, const mg_function *a, const mg_function *b)
{
	if (!mg_diff_streq(a->definition, b->definition) || !mg_diff_streq(a->comment, b->comment))
		return false;
	if (dialect == MG_DIALECT_POSTGRESQL)
		return true; /* pg_get_functiondef says everything else */
	return mg_diff_streq(a->args, b->args) && mg_diff_streq(a->result, b->result) &&
	       a->volatility == b->volatility && mg_diff_streq(a->data_access, b->data_access) &&
	       a->security_definer == b->security_definer;
}

/* PostgreSQL keeps an SQL-standard body (BEGIN ATOMIC) parsed: like a
 * view, it holds on to the tables, columns and views it reads. */
static bool body_parsed(const ctx *x, const mg_function *f)
{
	return x->d->dialect == MG_DIALECT_POSTGRESQL && f->definition && strstr(f->definition, "BEGIN ATOMIC");
}

/* Such a body reads a view of cat: created after the views, dropped
 * before them. */
static bool reads_views(const ctx *x, const mg_catalog *cat, const mg_function *f)
{
	if (!body_parsed(x, f))
		return false;
	for (size_t i = 0; i < cat->nviews; i++)
		if (mg_diff_mentions(f->definition, cat->views[i]->name))
			return true;
	return false;
}

static void drop_function(ctx *x, const mg_function *o)
{
	int list = reads_views(x, x->cur, o) ? L_DROP_FUNCTION_FIRST
		   : used_by_tables(x->cur, o) ? L_DROP_FUNCTION_LATE
					       : L_DROP_FUNCTION;
	emit(x, list, MG_DIFF_DROP_FUNCTION, o->signature, o, NULL);
	mg_map_put(&x->functions, o->signature, (void *)o);
}

/* Where a function of the target is created or replaced. */
static int create_list(const ctx *x, const mg_function *n)
{
	if (used_by_tables(x->tgt, n))
		return L_CREATE_FUNCTION_EARLY;
	return reads_views(x, x->tgt, n) ? L_CREATE_FUNCTION_LATE : L_CREATE_FUNCTION;
}

static void create_function(ctx *x, const mg_function *n)
{
	emit(x, create_list(x, n), MG_DIFF_CREATE_FUNCTION, n->signature, NULL, n);
	mg_map_put(&x->functions, n->signature, (void *)n);
}

static void compare_functions(ctx *x)
{
	const mg_catalog *c = x->cur, *t = x->tgt;

	for (size_t i = 0, j = 0; i < c->nfunctions || j < t->nfunctions;) {
		const mg_function *o = i < c->nfunctions ? c->functions[i] : NULL;
		const mg_function *n = j < t->nfunctions ? t->functions[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : function_cmp(o, n);
		if (cmp <= 0 && mg_map_has(&x->early_functions, o->signature)) {
			if (cmp == 0) {
				create_function(x, n); /* dropped by emit_early */
				j++;
			}
			i++;
			continue;
		}
		if (cmp < 0) {
			drop_function(x, o);
			i++;
			continue;
		}
		if (cmp > 0) {
			create_function(x, n);
			j++;
			continue;
		}
		i++, j++;
		if (function_equal(x->d->dialect, o, n))
			continue;
		/* CREATE OR REPLACE keeps what depends on the function, but
		 * cannot change its result type or argument names. */
		if (x->d->dialect == MG_DIALECT_POSTGRESQL && mg_diff_streq(o->args, n->args) &&
		    mg_diff_streq(o->result, n->result)) {
			emit(x, create_list(x, n), MG_DIFF_REPLACE_FUNCTION, n->signature, o, n);
			mg_map_put(&x->functions, n->signature, (void *)n);
			continue;
		}
		drop_function(x, o);
		create_function(x, n);
		mg_map_put(&x->recreated, o->name, (void *)o);
	}
}

/* ---- views ---- */

static bool view_reads_changed(ctx *x, const mg_view *v)
{
	const mg_map_entry *e;
	for (size_t i = 0; mg_map_next(&x->changed, &i, &e);) {
		if (mg_diff_mentions(v->definition, e->key))
			return true;
	}
	return false;
}

/* SQLite's view query without comments, blanks made single spaces,
 * outside quotes; a comment counts as a blank. */
static void sqlite_query_form(const char *s, mg_buf *out)
{
	char quote = 0;
	bool blank = false;

	for (const char *p = s; *p; p++) {
		if (quote) {
			mg_buf_putc(out, *p);
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (p[0] == '-' && p[1] == '-') {
			while (p[1] && p[1] != '\n')
				p++;
			blank = true;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			const char *close = strstr(p + 2, "*/");
			p = close ? close + 1 : p + strlen(p) - 1;
			blank = true;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			blank = true;
			continue;
		}
		if (blank && out->len)
			mg_buf_putc(out, ' ');
		blank = false;
		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[')
			quote = *p == '[' ? ']' : *p;
		mg_buf_putc(out, *p);
	}
}

bool mg_diff_views_equal(mg_dialect dialect, const char *a, const char *b)
{
	mg_buf x = MG_BUF_INIT, y = MG_BUF_INIT;
	bool eq;

	if (!a || !b || dialect != MG_DIALECT_SQLITE)
		return mg_diff_streq(a, b);
	sqlite_query_form(a, &x);
	sqlite_query_form(b, &y);
	eq = !strcmp(x.ptr, y.ptr);
	mg_buf_release(&x);
	mg_buf_release(&y);
	return eq;
}

static bool views_alike(mg_dialect dialect, const mg_view *a, const mg_view *b)
{
	return a->materialized == b->materialized && mg_diff_views_equal(dialect, a->definition, b->definition) &&
	       mg_diff_streq(a->check_option, b->check_option) &&
	       mg_diff_streq(a->security, b->security) && mg_diff_streq(a->comment, b->comment);
}

static bool indexes_alike(const mg_view *a, const mg_view *b)
{
	if (a->nindexes != b->nindexes)
		return false;
	for (size_t i = 0; i < a->nindexes; i++) {
		mg_buf x = MG_BUF_INIT, y = MG_BUF_INIT;
		mg_diff_op oa = { .kind = MG_DIFF_CREATE_INDEX, .table = "", .index = a->indexes[i] };
		mg_diff_op ob = { .kind = MG_DIFF_CREATE_INDEX, .table = "", .index = b->indexes[i] };
		bool same;
		mg_diff_op_detail(&oa, &x);
		mg_diff_op_detail(&ob, &y);
		same = mg_diff_streq(a->indexes[i]->name, b->indexes[i]->name) && !strcmp(x.ptr, y.ptr);
		mg_buf_release(&x);
		mg_buf_release(&y);
		if (!same)
			return false;
	}
	return true;
}

/* Same output columns: CREATE OR REPLACE VIEW works both ways. */
static bool columns_alike(const mg_view *a, const mg_view *b)
{
	if (!lists_equal(a->columns, a->ncolumns, b->columns, b->ncolumns))
		return false;
	if (!a->column_types || !b->column_types)
		return a->column_types == b->column_types;
	return lists_equal(a->column_types, a->ncolumns, b->column_types, b->ncolumns);
}

/* Appends the views of set (name -> view) to out so that a view comes after
 * the views of set it mentions (depth first over arr's order; a cycle,
 * impossible in a valid schema, is cut where it closes). */
static void order_views(mg_view **arr, size_t n, const mg_map *set, mg_vec *out)
{
	mg_map state; /* name -> 1 visiting, 2 done */
	mg_vec stack = MG_VEC_INIT;

	mg_map_init(&state);
	for (size_t r = 0; r < n; r++) {
		if (!mg_map_has(set, arr[r]->name) || mg_map_has(&state, arr[r]->name))
			continue;
		mg_vec_push(&stack, arr[r]);
		mg_map_put(&state, arr[r]->name, (void *)1);
		while (stack.len) {
			mg_view *v = stack.items[stack.len - 1];
			bool pushed = false;
			for (size_t k = 0; k < n && !pushed; k++) {
				mg_view *w = arr[k];
				if (w == v || !mg_map_has(set, w->name) || mg_map_has(&state, w->name))
					continue;
				if (mg_diff_mentions(v->definition, w->name)) {
					mg_vec_push(&stack, w);
					mg_map_put(&state, w->name, (void *)1);
					pushed = true;
				}
			}
			if (!pushed) {
				stack.len--;
				mg_map_put(&state, v->name, (void *)2);
				mg_vec_push(out, v);
			}
		}
	}
	mg_vec_release(&stack);
	mg_map_release(&state);
}

static bool mentions_recreated(ctx *x, const char *text)
{
	return mentions_any(&x->recreated, text);
}

static void compare_views(ctx *x)
{
	const mg_catalog *c = x->cur, *t = x->tgt;
	mg_map drop, create, replace; /* name -> view (replace: the current one) */
	mg_map made;                  /* name -> target view: created or replaced */
	mg_vec order = MG_VEC_INIT;
	bool pg = x->d->dialect == MG_DIALECT_POSTGRESQL;
	bool grew = true;

	mg_map_init(&drop);
	mg_map_init(&create);
	mg_map_init(&replace);
	mg_map_init(&made);
	for (size_t i = 0, j = 0; i < c->nviews || j < t->nviews;) {
		mg_view *o = i < c->nviews ? c->views[i] : NULL;
		mg_view *n = j < t->nviews ? t->views[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : strcmp(o->name, n->name);
		if (cmp <= 0 && mg_map_has(&x->early_views, o->name)) {
			if (cmp == 0) {
				mg_map_put(&create, n->name, n); /* dropped by emit_early */
				j++;
			}
			i++;
		} else if (cmp < 0) {
			mg_map_put(&drop, o->name, o);
			i++;
		} else if (cmp > 0) {
			mg_map_put(&create, n->name, n);
			j++;
		} else {
			bool alike = views_alike(x->d->dialect, o, n) && indexes_alike(o, n);
			/* MySQL does not hold views to their tables: only PG and
			 * SQLite need them out of the way of a table change. */
			bool forced = x->d->dialect != MG_DIALECT_MYSQL &&
				      (view_reads_changed(x, o) || mentions_recreated(x, o->definition) ||
				       mentions_any(&x->retyped, o->definition));
			/* CREATE OR REPLACE: MySQL takes any change; PG only
			 * the same columns and options (and both ways). */
			if (!alike && !forced && !o->materialized && !n->materialized &&
			    (x->d->dialect == MG_DIALECT_MYSQL ||
			     (pg && columns_alike(o, n) &&
			      mg_diff_streq(o->check_option, n->check_option) &&
			      mg_diff_streq(o->security, n->security)))) {
				mg_map_put(&replace, o->name, o);
			} else if (!alike || forced) {
				mg_map_put(&drop, o->name, o);
				mg_map_put(&create, n->name, n);
			}
			i++, j++;
		}
	}
	/* A view over a view that is dropped and created again follows it;
	 * on MySQL too, where it would otherwise be replaced: the inverse of
	 * that replace, naming the dropped view, could not run before the
	 * downgrade has created it again. */
	while (grew) {
		grew = false;
		for (size_t i = 0; i < c->nviews; i++) {
			mg_view *o = c->views[i], *n;
			if (mg_map_has(&drop, o->name) || !(n = mg_catalog_view(t, o->name)))
				continue;
			for (size_t k = 0; k < c->nviews && !grew; k++) {
				if (mg_map_has(&drop, c->views[k]->name) &&
				    mg_diff_mentions(o->definition, c->views[k]->name)) {
					mg_map_put(&drop, o->name, o);
					mg_map_put(&create, n->name, n);
					grew = true;
				}
			}
		}
	}
	for (size_t i = 0; i < c->nviews; i++) {
		if (mg_map_has(&drop, c->views[i]->name)) {
			mg_map_put(&x->recreated, c->views[i]->name, c->views[i]);
			mg_map_put(&x->views_recreated, c->views[i]->name, c->views[i]);
		}
	}
	order_views(c->views, c->nviews, &drop, &order);
	for (size_t k = order.len; k-- > 0;) {
		mg_view *v = order.items[k];
		emit(x, L_DROP_VIEW, MG_DIFF_DROP_VIEW, v->name, v, NULL);
	}
	/* Created and replaced views in one order, each after the views it
	 * reads: a replaced view may read a created one. */
	order.len = 0;
	for (size_t i = 0; i < t->nviews; i++) {
		const char *name = t->views[i]->name;
		if (mg_map_has(&create, name) || (mg_map_has(&replace, name) && !mg_map_has(&drop, name)))
			mg_map_put(&made, name, t->views[i]);
	}
	order_views(t->views, t->nviews, &made, &order);
	for (size_t k = 0; k < order.len; k++) {
		mg_view *v = order.items[k];
		if (mg_map_has(&create, v->name))
			emit(x, L_CREATE_VIEW, MG_DIFF_CREATE_VIEW, v->name, NULL, v);
		else
			emit(x, L_CREATE_VIEW, MG_DIFF_REPLACE_VIEW, v->name, mg_map_get(&replace, v->name), v);
	}
	mg_vec_release(&order);
	mg_map_release(&drop);
	mg_map_release(&create);
	mg_map_release(&replace);
	mg_map_release(&made);
}

/* A BEGIN ATOMIC body reading a table whose columns change or a view
 * dropped and created again holds them as a view would (PostgreSQL
 * refuses the change); a function whose arguments, result or text name an
 * enum type that is rebuilt holds the old type (its DROP would fail): the
 * function is dropped before and created after, as it is. */
static bool function_held(ctx *x, const mg_function *f)
{
	if (body_parsed(x, f) &&
	    (mentions_any(&x->changed, f->definition) || mentions_any(&x->views_recreated, f->definition)))
		return true;
	return x->d->dialect == MG_DIALECT_POSTGRESQL &&
	       (mentions_any(&x->retyped, f->signature) || mentions_any(&x->retyped, f->result) ||
		mentions_any(&x->retyped, f->definition));
}

static void force_held_functions(ctx *x)
{
	for (size_t i = 0; i < x->cur->nfunctions; i++) {
		const mg_function *o = x->cur->functions[i], *n;
		if (mg_map_has(&x->functions, o->signature) || !(n = mg_catalog_function(x->tgt, o->signature)) ||
		    !function_held(x, o))
			continue;
		drop_function(x, o);
		create_function(x, n);
	}
}

/* ---- triggers ---- */

static int trigger_cmp(const mg_trigger *a, const mg_trigger *b)
{
	int d = strcmp(a->table ? a->table : "", b->table ? b->table : "");
	return d ? d : strcmp(a->name, b->name);
}

static const char *trigger_label(ctx *x, const mg_trigger *tg)
{
	return mg_arena_printf(&x->d->arena, "%s.%s", tg->table ? tg->table : "?", tg->name);
}

static void compare_triggers(ctx *x)
{
	const mg_catalog *c = x->cur, *t = x->tgt;

	for (size_t i = 0, j = 0; i < c->ntriggers || j < t->ntriggers;) {
		const mg_trigger *o = i < c->ntriggers ? c->triggers[i] : NULL;
		const mg_trigger *n = j < t->ntriggers ? t->triggers[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : trigger_cmp(o, n);
		if (cmp <= 0 && mg_map_has(&x->early_triggers, trigger_label(x, o))) {
			if (cmp == 0) {
				/* dropped by emit_early */
				emit(x, L_CREATE_TRIGGER, MG_DIFF_CREATE_TRIGGER, trigger_label(x, n), NULL, n);
				j++;
			}
			i++;
			continue;
		}
		if (cmp < 0) {
			if (!mg_map_has(&x->ignore, o->table))
				emit(x, L_DROP_TRIGGER, MG_DIFF_DROP_TRIGGER, trigger_label(x, o), o, NULL);
			i++;
			continue;
		}
		if (cmp > 0) {
			if (!mg_map_has(&x->ignore, n->table))
				emit(x, L_CREATE_TRIGGER, MG_DIFF_CREATE_TRIGGER, trigger_label(x, n), NULL, n);
			j++;
			continue;
		}
		i++, j++;
		if (mg_map_has(&x->ignore, o->table))
			continue;
		bool same = mg_diff_streq(o->definition, n->definition) &&
			    mg_diff_streq(o->timing, n->timing) && mg_diff_streq(o->events, n->events) &&
			    mg_diff_streq(o->comment, n->comment);
		/* Its function or view is dropped and created again; its WHEN
		 * names an enum type that changes, or reads a table whose
		 * columns change (PostgreSQL retypes no column a WHEN reads);
		 * on SQLite a rebuilt table loses its triggers. */
		bool forced = (o->function && mg_map_has(&x->recreated, o->function)) ||
			      mg_map_has(&x->recreated, o->table) || mentions_any(&x->retyped, o->definition) ||
			      (x->d->dialect == MG_DIALECT_POSTGRESQL && mg_map_has(&x->changed, o->table) &&
			       o->definition && strstr(o->definition, " WHEN (")) ||
			      (x->d->dialect == MG_DIALECT_SQLITE && mg_map_has(&x->changed, o->table));
		if (same && !forced)
			continue;
		emit(x, L_DROP_TRIGGER, MG_DIFF_DROP_TRIGGER, trigger_label(x, o), o, NULL);
		emit(x, L_CREATE_TRIGGER, MG_DIFF_CREATE_TRIGGER, trigger_label(x, n), NULL, n);
	}
}

/* ---- readers of renamed columns: dropped before the renames ---- */

/*
 * A view, trigger or BEGIN ATOMIC body naming a renamed column keeps the
 * old name in its text where the server does not follow (MySQL), rewrites
 * it its own way (SQLite) or prints it back otherwise (PostgreSQL adds
 * aliases): after the rename it differs from the models, and its replace
 * or drop, which comes after the renames, would on the downgrade put the
 * old text back before the column has its old name again. Such objects
 * are dropped before the renames, as they stood before them (d->original),
 * and created after everything from the models; so are the views reading
 * them, the triggers on or reading those views and the bodies reading
 * them, taken out of the renames' dependants. An object a hint renames
 * keeps the usual path (its rename needs it there).
 */

/* A trigger of the current side as it stood before the renames. */
static const mg_trigger *original_trigger(const ctx *x, const mg_trigger *t)
{
	const char *table = t->table ? mg_map_get(&x->d->old_names, t->table) : NULL;

	if (!table)
		table = t->table;
	for (size_t i = 0; i < x->d->original->ntriggers; i++) {
		const mg_trigger *o = x->d->original->triggers[i];
		if (!strcmp(o->name, t->name) && mg_diff_streq(o->table, table))
			return o;
	}
	return NULL;
}

/* Whether text names a renamed column or an early view. */
static bool reads_early(const ctx *x, const char *text)
{
	return mentions_any(&x->renamed_columns, text) || mentions_any(&x->early_views, text);
}

static void find_early(ctx *x)
{
	const mg_catalog *c = x->cur, *orig = x->d->original;
	bool grew = true;

	if (!x->renamed_columns.count || !orig)
		return;
	while (grew) {
		grew = false;
		for (size_t i = 0; i < c->nviews; i++) {
			const mg_view *v = c->views[i], *o = mg_catalog_view(orig, v->name);
			if (o && !mg_map_has(&x->d->old_names, v->name) && !mg_map_has(&x->early_views, v->name) &&
			    reads_early(x, v->definition)) {
				mg_map_put(&x->early_views, v->name, (void *)o);
				grew = true;
			}
		}
	}
	for (size_t i = 0; i < c->nfunctions; i++) {
		const mg_function *f = c->functions[i], *o = mg_catalog_function(orig, f->signature);
		if (o && body_parsed(x, f) && reads_early(x, f->definition))
			mg_map_put(&x->early_functions, f->signature, (void *)o);
	}
	for (size_t i = 0; i < c->ntriggers; i++) {
		const mg_trigger *t = c->triggers[i], *o = original_trigger(x, t);
		if (o && !mg_map_has(&x->ignore, t->table) &&
		    (reads_early(x, t->definition) || (t->table && mg_map_has(&x->early_views, t->table))))
			mg_map_put(&x->early_triggers, trigger_label(x, t), (void *)o);
	}
}

/* The early drops (triggers, bodies, then views readers first); their
 * creations are made by the comparisons, which skip them otherwise. */
static void emit_early(ctx *x)
{
	const mg_catalog *orig = x->d->original;
	const mg_map_entry *e;
	mg_map set;
	mg_vec order = MG_VEC_INIT;

	for (size_t i = 0; mg_map_next(&x->early_triggers, &i, &e);) {
		const mg_trigger *o = e->value;
		emit(x, L_EARLY_TRIGGER, MG_DIFF_DROP_TRIGGER, trigger_label(x, o), o, NULL);
	}
	for (size_t i = 0; mg_map_next(&x->early_functions, &i, &e);) {
		const mg_function *o = e->value;
		emit(x, L_EARLY_FUNCTION, MG_DIFF_DROP_FUNCTION, o->signature, o, NULL);
		mg_map_put(&x->functions, o->signature, (void *)o);
	}
	/* order_views over the views before the renames, by their names. */
	mg_map_init(&set);
	for (size_t i = 0; mg_map_next(&x->early_views, &i, &e);) {
		const mg_view *o = e->value;
		mg_map_put(&set, o->name, (void *)o);
	}
	order_views(orig->views, orig->nviews, &set, &order);
	for (size_t k = order.len; k-- > 0;) {
		mg_view *v = order.items[k];
		emit(x, L_EARLY_VIEW, MG_DIFF_DROP_VIEW, v->name, v, NULL);
	}
	mg_vec_release(&order);
	mg_map_release(&set);
}

/* The renames do not recreate what is dropped before them. */
static void unhook_early(ctx *x)
{
	for (size_t k = 0; x->renames && k < x->renames->len; k++) {
		mg_diff_op *op = x->renames->items[k];
		mg_diff_dependant *kept;
		size_t n = 0;
		if (!op->ndependants)
			continue;
		kept = mg_arena_alloc(&x->d->arena, op->ndependants * sizeof(*kept));
		for (size_t i = 0; i < op->ndependants; i++) {
			const mg_diff_dependant *y = &op->dependants[i];
			if (y->new_view ? mg_map_has(&x->early_views, y->new_view->name)
					: mg_map_has(&x->early_triggers, trigger_label(x, y->new_trigger)))
				continue;
			kept[n++] = *y;
		}
		op->dependants = kept;
		op->ndependants = n;
	}
}

/* ---- events ---- */

static void compare_events(ctx *x)
{
	const mg_catalog *c = x->cur, *t = x->tgt;

	for (size_t i = 0, j = 0; i < c->nevents || j < t->nevents;) {
		const mg_event *o = i < c->nevents ? c->events[i] : NULL;
		const mg_event *n = j < t->nevents ? t->events[j] : NULL;
		int cmp = !o ? 1 : !n ? -1 : strcmp(o->name, n->name);
		if (cmp <= 0 && o && (cmp < 0 || !mg_diff_streq(o->schedule, n->schedule) ||
				      !mg_diff_streq(o->ends, n->ends) || o->preserve != n->preserve ||
				      !mg_diff_streq(o->status, n->status) ||
				      !mg_diff_streq(o->definition, n->definition) ||
				      !mg_diff_streq(o->comment, n->comment))) {
			emit(x, L_DROP_EVENT, MG_DIFF_DROP_EVENT, o->name, o, NULL);
			if (cmp == 0)
				emit(x, L_CREATE_EVENT, MG_DIFF_CREATE_EVENT, n->name, NULL, n);
		} else if (cmp > 0) {
			emit(x, L_CREATE_EVENT, MG_DIFF_CREATE_EVENT, n->name, NULL, n);
		}
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
}

/* ---- driver ---- */

static void collect_changed_tables(ctx *x, mg_vec *table_ops, size_t n)
{
	for (size_t p = 0; p < n; p++) {
		for (size_t k = 0; k < table_ops[p].len; k++) {
			const mg_diff_op *op = table_ops[p].items[k];
			switch (op->kind) {
			case MG_DIFF_CREATE_INDEX:
			case MG_DIFF_DROP_INDEX:
			case MG_DIFF_TABLE_COMMENT:
				/* SQLite rebuilds a table for anything but these. */
				break;
			case MG_DIFF_DROP_TABLE:
			case MG_DIFF_ADD_COLUMN:
			case MG_DIFF_DROP_COLUMN:
			case MG_DIFF_ALTER_COLUMN:
				mg_map_put(&x->changed, op->table, (void *)op);
				break;
			default:
				if (x->d->dialect == MG_DIALECT_SQLITE && op->old_table && op->new_table)
					mg_map_put(&x->changed, op->table, (void *)op);
				break;
			}
		}
	}
}

void mg_diff_compare_objects(mg_diff *d, const mg_catalog *cur, const mg_catalog *tgt,
			     const mg_diff_options *opts, struct mg_vec *renames, struct mg_vec *table_ops,
			     size_t ntable_ops, struct mg_vec *slots[MG_DIFF_SLOT_COUNT])
{
	ctx x;

	memset(&x, 0, sizeof(x));
	x.d = d;
	x.cur = cur;
	x.tgt = tgt;
	mg_map_init(&x.changed);
	mg_map_init(&x.recreated);
	mg_map_init(&x.retyped);
	mg_map_init(&x.functions);
	mg_map_init(&x.views_recreated);
	mg_map_init(&x.renamed_columns);
	mg_map_init(&x.early_views);
	mg_map_init(&x.early_functions);
	mg_map_init(&x.early_triggers);
	x.renames = renames;
	for (size_t k = 0; renames && k < renames->len; k++) {
		const mg_diff_op *op = renames->items[k];
		if (op->kind == MG_DIFF_RENAME_COLUMN)
			mg_map_put(&x.renamed_columns, op->old_column->name, (void *)op);
	}
	mg_map_init(&x.ignore);
	if (opts && opts->ignore_tables) {
		for (size_t i = 0; opts->ignore_tables[i]; i++)
			mg_map_put(&x.ignore, opts->ignore_tables[i], (void *)1);
	}
	collect_changed_tables(&x, table_ops, ntable_ops);

	compare_extensions(&x);
	compare_enums(&x);
	compare_domains(&x);
	compare_sequences(&x);
	find_early(&x);
	emit_early(&x);
	unhook_early(&x);
	compare_functions(&x);
	compare_views(&x);
	force_held_functions(&x);
	compare_triggers(&x);
	compare_events(&x);

	for (int l = 0; l < L_COUNT; l++) {
		for (size_t k = 0; k < x.list[l].len; k++)
			mg_vec_push(slots[list_slot[l]], x.list[l].items[k]);
		mg_vec_release(&x.list[l]);
	}
	mg_map_release(&x.changed);
	mg_map_release(&x.recreated);
	mg_map_release(&x.retyped);
	mg_map_release(&x.functions);
	mg_map_release(&x.views_recreated);
	mg_map_release(&x.renamed_columns);
	mg_map_release(&x.early_views);
	mg_map_release(&x.early_functions);
	mg_map_release(&x.early_triggers);
	mg_map_release(&x.ignore);
}

bool mg_diff_non_transactional(const mg_diff *d)
{
	for (size_t i = 0; d && i < d->nops; i++) {
		if (d->ops[i]->non_transactional)
			return true;
	}
	return false;
}

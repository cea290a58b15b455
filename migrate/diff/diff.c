/*
 * The diff engine: compares two catalogs object by object (tables by name,
 * then columns, keys, indexes and constraints inside each kept table) and
 * lays the operations out in the order contract of diff.h, with a
 * depth-first sort of created and dropped tables over their foreign keys.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diff/diff_int.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/vec.h"

enum {
	PH_OBJ_EARLY, /* compare_objects.c: readers of renamed columns */
	PH_RENAME, /* diff/rename.c: hinted renames */
	PH_OBJ_DROP, /* PH_OBJ_*: the other object kinds, diff/compare_objects.c */
	PH_DROP_TYPED, /* checks and indexes naming an enum type that changes */
	PH_OBJ_TYPES,
	PH_DROP_FK,
	PH_AUTO_INCREMENT_OFF, /* MySQL: see alter_phase */
	PH_DROP_CONSTRAINT,
	PH_DROP_TABLE,
	PH_CREATE_TABLE,
	PH_COLUMNS,
	PH_ADD_CONSTRAINT,
	PH_AUTO_INCREMENT_ON,
	PH_COMMENT,
	PH_ADD_FK,
	PH_OBJ_DROP_TYPES,
	PH_OBJ_CREATE,
	PH_COUNT
};

typedef struct builder {
	mg_diff *d;
	const mg_catalog *cur, *tgt;
	mg_map ignore;
	/* Enum types whose labels change, by name; value: MG_ENUM_ADDED or
	 * MG_ENUM_REBUILT (as a pointer). */
	mg_map retyped;
	mg_vec phase[PH_COUNT];
} builder;

bool mg_diff_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
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

/* ---- comparisons ---- */

/* SQLite keeps declared types and defaults as written: compare them
 * without regard to case, runs of blanks, or (defaults) one pair of
 * enclosing parentheses, which SQLite itself treats alike. */
static void loose_form(const char *s, bool strip_parens, mg_buf *out)
{
	size_t n = strlen(s);
	char quote = 0;
	bool space = false;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (strip_parens && n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		int depth = 0;
		size_t i;
		for (i = 0; i < n; i++) {
			if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0)
				break;
		}
		if (i == n - 1)
			s++, n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (quote) {
			if (ch == quote)
				quote = 0;
			mg_buf_putc(out, ch);
			continue;
		}
		if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (isspace((unsigned char)ch)) {
			space = true;
			continue;
		}
		if (space && out->len)
			mg_buf_putc(out, ' ');
		space = false;
		mg_buf_putc(out, (char)tolower((unsigned char)ch));
	}
}

static bool loose_equal(const char *a, const char *b, bool strip_parens)
{
	mg_buf x = MG_BUF_INIT, y = MG_BUF_INIT;
	bool eq;

	if (!a || !b)
		return a == b;
	loose_form(a, strip_parens, &x);
	loose_form(b, strip_parens, &y);
	eq = strcmp(x.ptr, y.ptr) == 0;
	mg_buf_release(&x);
	mg_buf_release(&y);
	return eq;
}

static bool type_equal(mg_dialect dialect, const mg_column *a, const mg_column *b)
{
	if (dialect == MG_DIALECT_SQLITE)
		return loose_equal(a->type, b->type, false) &&
		       mg_diff_streq(a->affinity, b->affinity);
	return mg_diff_streq(a->type, b->type);
}

static bool expr_equal(mg_dialect dialect, const char *a, const char *b)
{
	if (dialect == MG_DIALECT_SQLITE)
		return loose_equal(a, b, true);
	return mg_diff_streq(a, b);
}

static unsigned column_changes(mg_dialect dialect, const mg_column *a, const mg_column *b)
{
	unsigned ch = 0;

	if (!type_equal(dialect, a, b))
		ch |= MG_COLCHG_TYPE;
	if (a->nullable != b->nullable)
		ch |= MG_COLCHG_NULLABLE;
	if (!expr_equal(dialect, a->default_expr, b->default_expr))
		ch |= MG_COLCHG_DEFAULT;
	if (a->identity != b->identity)
		ch |= MG_COLCHG_IDENTITY;
	if (a->generated != b->generated ||
	    !expr_equal(dialect, a->generated_expr, b->generated_expr))
		ch |= MG_COLCHG_GENERATED;
	if (dialect == MG_DIALECT_SQLITE ? !loose_equal(a->collation, b->collation, false)
					 : !mg_diff_streq(a->collation, b->collation))
		ch |= MG_COLCHG_COLLATION;
	if (!mg_diff_streq(a->comment, b->comment))
		ch |= MG_COLCHG_COMMENT;
	return ch;
}

static bool pk_equal(const mg_primary_key *a, const mg_primary_key *b)
{
	if (!a || !b)
		return a == b;
	return mg_diff_streq(a->name, b->name) &&
	       lists_equal(a->columns, a->ncolumns, b->columns, b->ncolumns);
}

static bool index_equal(mg_dialect dialect, const mg_index *a, const mg_index *b)
{
	if (a->unique != b->unique || a->nelems != b->nelems ||
	    a->nulls_not_distinct != b->nulls_not_distinct ||
	    !lists_equal(a->include, a->ninclude, b->include, b->ninclude) ||
	    !expr_equal(dialect, a->where, b->where))
		return false;
	if (!a->method || !b->method ? a->method != b->method : strcasecmp(a->method, b->method))
		return false;
	for (size_t i = 0; i < a->nelems; i++) {
		const mg_index_elem *x = &a->elems[i], *y = &b->elems[i];
		if (!mg_diff_streq(x->column, y->column) || !expr_equal(dialect, x->expr, y->expr) ||
		    x->desc != y->desc || x->nulls != y->nulls ||
		    x->prefix_length != y->prefix_length ||
		    !mg_diff_streq(x->collation, y->collation))
			return false;
	}
	return true;
}

static bool unique_equal(const mg_unique *a, const mg_unique *b)
{
	return mg_diff_streq(a->name, b->name) &&
	       lists_equal(a->columns, a->ncolumns, b->columns, b->ncolumns) &&
	       a->deferrable == b->deferrable && a->initially_deferred == b->initially_deferred &&
	       a->nulls_not_distinct == b->nulls_not_distinct;
}

/* The schema a key references, NULL when it is the catalog's own. */
static const char *ref_schema(const mg_catalog *cat, const mg_foreign_key *fk)
{
	if (!fk->ref_schema || !cat->schema || !strcmp(fk->ref_schema, cat->schema))
		return NULL;
	return fk->ref_schema;
}

static bool fk_equal(const builder *b, const mg_foreign_key *x, const mg_foreign_key *y)
{
	return mg_diff_streq(x->name, y->name) &&
	       lists_equal(x->columns, x->ncolumns, y->columns, y->ncolumns) &&
	       mg_diff_streq(ref_schema(b->cur, x), ref_schema(b->tgt, y)) &&
	       mg_diff_streq(x->ref_table, y->ref_table) &&
	       lists_equal(x->ref_columns, x->ncolumns, y->ref_columns, y->ncolumns) &&
	       x->on_update == y->on_update && x->on_delete == y->on_delete &&
	       x->deferrable == y->deferrable && x->initially_deferred == y->initially_deferred;
}

/* ---- destructive changes ---- */

/* Rank in a family of integer types, or -1. */
static int int_rank(const char *t, size_t n)
{
	static const struct {
		const char *name;
		int rank;
	} ints[] = { { "tinyint", 1 },  { "smallint", 2 }, { "int2", 2 },    { "mediumint", 3 },
		     { "integer", 4 },  { "int", 4 },      { "int4", 4 },    { "bigint", 5 },
		     { "int8", 5 },     { NULL, 0 } };
	for (size_t i = 0; ints[i].name; i++) {
		if (strlen(ints[i].name) == n && !strncmp(t, ints[i].name, n))
			return ints[i].rank;
	}
	return -1;
}

static bool is_unbounded_text(const char *t)
{
	return !strcmp(t, "text") || !strcmp(t, "longtext") || !strcmp(t, "character varying");
}

/* Splits "numeric(10,2) unsigned" into the base length and the numbers in
 * parentheses; returns how many numbers. */
static size_t type_params(const char *t, size_t *base_len, long nums[4], const char **rest)
{
	const char *open = strchr(t, '(');
	size_t n = 0;

	*base_len = open ? (size_t)(open - t) : strlen(t);
	*rest = "";
	if (!open)
		return 0;
	for (const char *p = open + 1; *p && n < 4;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			return 0; /* enum('a','b') and the like: not numbers */
		nums[n++] = v;
		p = end;
		if (*p == ',') {
			p++;
		} else if (*p == ')') {
			*rest = p + 1;
			break;
		} else {
			return 0;
		}
	}
	return n;
}

/* NULL when the type change keeps every value, else why it may not. */
static const char *type_change_reason(mg_dialect dialect, const mg_column *from,
				      const mg_column *to)
{
	size_t fb, tb;
	long fn[4], tn[4];
	const char *frest, *trest;
	size_t fk, tk;
	int fr, tr;

	if (dialect == MG_DIALECT_SQLITE)
		return mg_diff_streq(from->affinity, to->affinity) ? NULL : "changes the type affinity";
	if (is_unbounded_text(to->type) && strcmp(to->type, "character varying") &&
	    (!strncmp(from->type, "character varying", 17) || !strncmp(from->type, "varchar", 7) ||
	     !strncmp(from->type, "char", 4) || !strncmp(from->type, "text", 4) ||
	     !strncmp(from->type, "tinytext", 8) || !strncmp(from->type, "mediumtext", 10)))
		return NULL;
	fk = type_params(from->type, &fb, fn, &frest);
	tk = type_params(to->type, &tb, tn, &trest);
	fr = int_rank(from->type, fb);
	tr = int_rank(to->type, tb);
	if (fr >= 0 && tr >= 0) {
		bool fu = strstr(from->type, "unsigned") != NULL;
		bool tu = strstr(to->type, "unsigned") != NULL;
		if (fu == tu && tr >= fr)
			return NULL;
		if (!fu && tu)
			return "changes the type's sign";
		return tr < fr || fu != tu ? "narrows the type" : NULL;
	}
	if (fb == tb && !strncmp(from->type, to->type, fb) && fk == tk && fk > 0 &&
	    !strcmp(frest, trest)) {
		/* numeric(p,s): widening keeps p-s integer digits and s decimals. */
		if (fk == 2 && (tn[1] < fn[1] || tn[0] - tn[1] < fn[0] - fn[1]))
			return "narrows the type";
		if (fk == 1 && tn[0] < fn[0])
			return "narrows the type";
		return NULL;
	}
	/* varchar(n) -> varchar without a limit (PG). */
	if (!strcmp(to->type, "character varying") && !strncmp(from->type, "character varying", 17))
		return NULL;
	return "changes the type";
}

/* ---- building ---- */

static mg_diff_op *add_op(builder *b, int phase, mg_diff_kind kind, const char *table,
			  const mg_table *ot, const mg_table *nt)
{
	mg_diff_op *op = mg_arena_alloc(&b->d->arena, sizeof(*op));

	op->kind = kind;
	op->table = table;
	op->old_table = ot;
	op->new_table = nt;
	mg_vec_push(&b->phase[phase], op);
	return op;
}

static void set_destructive(mg_diff_op *op, const char *reason)
{
	op->destructive = true;
	op->reason = reason;
}

static bool ignored(const builder *b, const char *name)
{
	return mg_map_has(&b->ignore, name);
}

/* The enum types of both catalogs whose labels change (b->retyped). */
static void find_retyped(builder *b)
{
	for (size_t i = 0; i < b->tgt->nenums; i++) {
		const mg_enum *n = b->tgt->enums[i], *o = NULL;
		int change;
		for (size_t k = 0; k < b->cur->nenums && !o; k++)
			if (!strcmp(b->cur->enums[k]->name, n->name))
				o = b->cur->enums[k];
		if (o && (change = mg_diff_enum_change(o, n)) != MG_ENUM_SAME)
			mg_map_put(&b->retyped, n->name, (void *)(uintptr_t)change);
	}
}

/* text names an enum type whose labels change: a label's literal, a
 * cast. The type's rebuild (the upgrade's, or the downgrade's after ADD
 * VALUE) retypes the columns, which PostgreSQL refuses while a check or
 * index still compares them with the old type: such checks and indexes
 * are dropped before the type changes and added again after. */
static bool names_retyped(const builder *b, const char *text)
{
	const mg_map_entry *e;

	for (size_t i = 0; text && mg_map_next(&b->retyped, &i, &e);)
		if (mg_diff_mentions(text, e->key))
			return true;
	return false;
}

static bool index_names_retyped(const builder *b, const mg_index *ix)
{
	if (names_retyped(b, ix->where))
		return true;
	for (size_t i = 0; i < ix->nelems; i++)
		if (names_retyped(b, ix->elems[i].expr))
			return true;
	return false;
}

/* Both columns are of an enum type that is rebuilt: their default, which
 * may name a label only one side's type has, is set by the rebuild,
 * between its retyping of the column and the old type's drop. */
static bool default_by_rebuild(const builder *b, const mg_column *oc, const mg_column *nc)
{
	const mg_map_entry *e;

	for (size_t i = 0; mg_map_next(&b->retyped, &i, &e);)
		if ((uintptr_t)e->value == MG_ENUM_REBUILT && mg_diff_column_of_type(oc, e->key) &&
		    mg_diff_column_of_type(nc, e->key))
			return true;
	return false;
}

/* The column's type changes between the catalogs (both sides have it). */
static bool column_retyped(const builder *b, const char *table, const char *column)
{
	const mg_table *ot = mg_catalog_table(b->cur, table), *nt = mg_catalog_table(b->tgt, table);
	const mg_column *oc, *nc;

	if (!ot || !nt)
		return false;
	oc = mg_table_column(ot, column);
	nc = mg_table_column(nt, column);
	return oc && nc && !type_equal(b->cur->dialect, oc, nc);
}

static bool cols_match(const char **a, size_t na, const char **b, size_t nb)
{
	return lists_equal(a, na, b, nb);
}

/* The key of table t over exactly cols (PK, unique, unique index), or
 * NULL; *kind tells which it is (0 pk, 1 unique, 2 index). */
static const void *find_key(const mg_table *t, const char **cols, size_t n, int *kind)
{
	if (t->primary_key && cols_match(t->primary_key->columns, t->primary_key->ncolumns, cols, n)) {
		*kind = 0;
		return t->primary_key;
	}
	for (size_t i = 0; i < t->nuniques; i++) {
		if (cols_match(t->uniques[i]->columns, t->uniques[i]->ncolumns, cols, n)) {
			*kind = 1;
			return t->uniques[i];
		}
	}
	for (size_t i = 0; i < t->nindexes; i++) {
		const mg_index *ix = t->indexes[i];
		bool all = ix->unique && ix->nelems == n;
		for (size_t k = 0; all && k < n; k++)
			all = mg_diff_streq(ix->elems[k].column, cols[k]);
		if (all) {
			*kind = 2;
			return ix;
		}
	}
	return NULL;
}

/* The key an existing foreign key references is dropped (or changed) by
 * the diff, so the key must be dropped before it and added after. */
static bool ref_key_changes(const builder *b, const mg_foreign_key *fk)
{
	const mg_table *ot, *nt;
	const void *okey, *nkey;
	int ok, nk;

	if (ref_schema(b->cur, fk))
		return false;
	ot = mg_catalog_table(b->cur, fk->ref_table);
	nt = mg_catalog_table(b->tgt, fk->ref_table);
	if (!ot || !nt)
		return false;
	okey = find_key(ot, fk->ref_columns, fk->ncolumns, &ok);
	if (!okey)
		return false;
	nkey = find_key(nt, fk->ref_columns, fk->ncolumns, &nk);
	if (!nkey || ok != nk)
		return true;
	if (ok == 0)
		return !pk_equal(okey, nkey);
	if (ok == 1)
		return !unique_equal(okey, nkey);
	return !mg_diff_streq(((const mg_index *)okey)->name, ((const mg_index *)nkey)->name) ||
	       !index_equal(b->cur->dialect, okey, nkey);
}

static bool fk_touches_retyped(const builder *b, const char *table, const mg_foreign_key *fk)
{
	for (size_t i = 0; i < fk->ncolumns; i++) {
		if (column_retyped(b, table, fk->columns[i]))
			return true;
		if (!ref_schema(b->cur, fk) && column_retyped(b, fk->ref_table, fk->ref_columns[i]))
			return true;
	}
	return false;
}

/* Unnamed objects (SQLite) match by content; named ones by name. */
static const mg_unique *match_unique(const mg_table *t, const mg_unique *u)
{
	for (size_t i = 0; i < t->nuniques; i++) {
		const mg_unique *x = t->uniques[i];
		if (u->name ? mg_diff_streq(x->name, u->name)
			    : !x->name && lists_equal(x->columns, x->ncolumns, u->columns, u->ncolumns))
			return x;
	}
	return NULL;
}

static const mg_check *match_check(mg_dialect dialect, const mg_table *t, const mg_check *c)
{
	for (size_t i = 0; i < t->nchecks; i++) {
		const mg_check *x = t->checks[i];
		if (c->name ? mg_diff_streq(x->name, c->name)
			    : !x->name && expr_equal(dialect, x->expr, c->expr))
			return x;
	}
	return NULL;
}

static const mg_foreign_key *match_fk(const builder *b, const mg_table *t,
				      const mg_foreign_key *fk, bool fk_in_target)
{
	for (size_t i = 0; i < t->nforeign_keys; i++) {
		const mg_foreign_key *x = t->foreign_keys[i];
		if (fk->name ? mg_diff_streq(x->name, fk->name)
			     : !x->name && (fk_in_target ? fk_equal(b, x, fk) : fk_equal(b, fk, x)))
			return x;
	}
	return NULL;
}

static const mg_index *match_index(const mg_table *t, const mg_index *ix)
{
	for (size_t i = 0; i < t->nindexes; i++) {
		if (mg_diff_streq(t->indexes[i]->name, ix->name))
			return t->indexes[i];
	}
	return NULL;
}

/* MySQL holds an AUTO_INCREMENT column to a key: a column losing it does
 * so before its key may be dropped, one gaining it after its key may be
 * added (the downgrade, in reverse, is then valid too). */
static int alter_phase(const builder *b, const mg_column *oc, const mg_column *nc)
{
	if (b->cur->dialect != MG_DIALECT_MYSQL || oc->identity == nc->identity)
		return PH_COLUMNS;
	if (nc->identity == MG_IDENTITY_AUTO_INCREMENT)
		return PH_AUTO_INCREMENT_ON;
	return oc->identity == MG_IDENTITY_AUTO_INCREMENT ? PH_AUTO_INCREMENT_OFF : PH_COLUMNS;
}

static void compare_columns(builder *b, const mg_table *ot, const mg_table *nt)
{
	mg_dialect dialect = b->cur->dialect;

	for (size_t i = 0; i < nt->ncolumns; i++) {
		const mg_column *nc = nt->columns[i], *oc = mg_table_column(ot, nc->name);
		if (!oc) {
			mg_diff_op *op = add_op(b, PH_COLUMNS, MG_DIFF_ADD_COLUMN, nt->name, ot, nt);
			op->new_column = nc;
		}
	}
	for (size_t i = 0; i < nt->ncolumns; i++) {
		const mg_column *nc = nt->columns[i], *oc = mg_table_column(ot, nc->name);
		unsigned ch;
		mg_diff_op *op;
		if (!oc || !(ch = column_changes(dialect, oc, nc)))
			continue;
		op = add_op(b, alter_phase(b, oc, nc), MG_DIFF_ALTER_COLUMN, nt->name, ot, nt);
		op->old_column = oc;
		op->new_column = nc;
		op->changes = ch;
		if (ch & MG_COLCHG_TYPE) {
			const char *why = type_change_reason(dialect, oc, nc);
			if (why)
				set_destructive(op, why);
		}
		if ((ch & MG_COLCHG_DEFAULT) && default_by_rebuild(b, oc, nc))
			op->default_by_rebuild = true;
		if ((ch & MG_COLCHG_NULLABLE) && !nc->nullable && !nc->default_expr &&
		    nc->identity == MG_IDENTITY_NONE && !op->destructive)
			set_destructive(op, "sets NOT NULL without a default");
	}
	for (size_t i = 0; i < ot->ncolumns; i++) {
		const mg_column *oc = ot->columns[i];
		if (!mg_table_column(nt, oc->name)) {
			mg_diff_op *op = add_op(b, PH_COLUMNS, MG_DIFF_DROP_COLUMN, ot->name, ot, nt);
			op->old_column = oc;
			set_destructive(op, "drops the column");
		}
	}
}

static void compare_table(builder *b, const mg_table *ot, const mg_table *nt)
{
	mg_dialect dialect = b->cur->dialect;
	const char *name = nt->name;
	mg_diff_op *op;

	/* Foreign keys: removed, changed, or forced by a retyped column or a
	 * referenced key that changes. */
	for (size_t i = 0; i < ot->nforeign_keys; i++) {
		const mg_foreign_key *ofk = ot->foreign_keys[i], *nfk = match_fk(b, nt, ofk, false);
		if (nfk && fk_equal(b, ofk, nfk) && !fk_touches_retyped(b, name, ofk) &&
		    !ref_key_changes(b, ofk))
			continue;
		op = add_op(b, PH_DROP_FK, MG_DIFF_DROP_FOREIGN_KEY, name, ot, nt);
		op->fk = ofk;
	}
	for (size_t i = 0; i < nt->nforeign_keys; i++) {
		const mg_foreign_key *nfk = nt->foreign_keys[i], *ofk = match_fk(b, ot, nfk, true);
		if (ofk && fk_equal(b, ofk, nfk) && !fk_touches_retyped(b, name, ofk) &&
		    !ref_key_changes(b, ofk))
			continue;
		op = add_op(b, PH_ADD_FK, MG_DIFF_ADD_FOREIGN_KEY, name, ot, nt);
		op->fk = nfk;
	}

	/* Drops of checks, uniques, indexes, primary key. */
	for (size_t i = 0; i < ot->nchecks; i++) {
		const mg_check *oc = ot->checks[i], *nc = match_check(dialect, nt, oc);
		bool typed = names_retyped(b, oc->expr) || (nc && names_retyped(b, nc->expr));
		if (nc && expr_equal(dialect, oc->expr, nc->expr) && !typed)
			continue;
		op = add_op(b, typed ? PH_DROP_TYPED : PH_DROP_CONSTRAINT, MG_DIFF_DROP_CHECK, name, ot, nt);
		op->check = oc;
	}
	for (size_t i = 0; i < ot->nuniques; i++) {
		const mg_unique *ou = ot->uniques[i], *nu = match_unique(nt, ou);
		if (nu && unique_equal(ou, nu))
			continue;
		op = add_op(b, PH_DROP_CONSTRAINT, MG_DIFF_DROP_UNIQUE, name, ot, nt);
		op->unique = ou;
	}
	for (size_t i = 0; i < ot->nindexes; i++) {
		const mg_index *oi = ot->indexes[i], *ni = match_index(nt, oi);
		bool typed = index_names_retyped(b, oi) || (ni && index_names_retyped(b, ni));
		if (ni && index_equal(dialect, oi, ni) && !typed)
			continue;
		op = add_op(b, typed ? PH_DROP_TYPED : PH_DROP_CONSTRAINT, MG_DIFF_DROP_INDEX, name, ot, nt);
		op->index = oi;
	}
	if (!pk_equal(ot->primary_key, nt->primary_key)) {
		if (ot->primary_key) {
			op = add_op(b, PH_DROP_CONSTRAINT, MG_DIFF_DROP_PRIMARY_KEY, name, ot, nt);
			op->pk = ot->primary_key;
		}
		if (nt->primary_key) {
			op = add_op(b, PH_ADD_CONSTRAINT, MG_DIFF_ADD_PRIMARY_KEY, name, ot, nt);
			op->pk = nt->primary_key;
		}
	}

	compare_columns(b, ot, nt);

	/* Adds (after the primary key above). */
	for (size_t i = 0; i < nt->nuniques; i++) {
		const mg_unique *nu = nt->uniques[i], *ou = match_unique(ot, nu);
		if (ou && unique_equal(ou, nu))
			continue;
		op = add_op(b, PH_ADD_CONSTRAINT, MG_DIFF_ADD_UNIQUE, name, ot, nt);
		op->unique = nu;
	}
	for (size_t i = 0; i < nt->nchecks; i++) {
		const mg_check *nc = nt->checks[i], *oc = match_check(dialect, ot, nc);
		if (oc && expr_equal(dialect, oc->expr, nc->expr) && !names_retyped(b, oc->expr) &&
		    !names_retyped(b, nc->expr))
			continue;
		op = add_op(b, PH_ADD_CONSTRAINT, MG_DIFF_ADD_CHECK, name, ot, nt);
		op->check = nc;
	}
	for (size_t i = 0; i < nt->nindexes; i++) {
		const mg_index *ni = nt->indexes[i], *oi = match_index(ot, ni);
		if (oi && index_equal(dialect, oi, ni) && !index_names_retyped(b, oi) &&
		    !index_names_retyped(b, ni))
			continue;
		op = add_op(b, PH_ADD_CONSTRAINT, MG_DIFF_CREATE_INDEX, name, ot, nt);
		op->index = ni;
	}
	if (!mg_diff_streq(ot->comment, nt->comment))
		add_op(b, PH_COMMENT, MG_DIFF_TABLE_COMMENT, name, ot, nt);
}

/*
 * Depth-first sort of the tables in `tables` (n, by name) over the foreign
 * keys among them, in the manner of pg_dump's TopoSort.
 *
 * Input: the tables to create (or drop), all from catalog cat, and a map
 * of their names (values: index + 1). Output: order[] (caller-allocated,
 * n entries) lists every table once, each after the tables it references
 * through keys not in split. A key that reaches back to a table still on
 * the depth-first stack closes a cycle: it is pushed on split (the caller
 * adds or drops it apart from the table) and the edge is ignored, so the
 * sort always succeeds. Self-references are not edges. Deterministic: roots
 * and edges are taken by name.
 */
static void topo_sort(const builder *b, const mg_catalog *cat, mg_table **tables, size_t n,
		      const mg_map *names, size_t *order, mg_vec *split)
{
	unsigned char *state = mg_xcalloc(n ? n : 1, 1); /* 0 new, 1 on stack, 2 done */
	size_t *stack = mg_xmalloc((n ? n : 1) * sizeof(*stack));
	size_t *edge = mg_xcalloc(n ? n : 1, sizeof(*edge)); /* next fk to try */
	size_t norder = 0;

	(void)b;
	for (size_t root = 0; root < n; root++) {
		size_t depth = 0;
		if (state[root])
			continue;
		stack[depth++] = root;
		state[root] = 1;
		while (depth) {
			size_t cur = stack[depth - 1];
			const mg_table *t = tables[cur];
			bool pushed = false;
			while (edge[cur] < t->nforeign_keys) {
				const mg_foreign_key *fk = t->foreign_keys[edge[cur]++];
				size_t to;
				if (ref_schema(cat, fk) || !strcmp(fk->ref_table, t->name))
					continue;
				to = (size_t)(uintptr_t)mg_map_get(names, fk->ref_table);
				if (!to--)
					continue;
				if (state[to] == 1) {
					mg_vec_push(split, (void *)fk);
				} else if (state[to] == 0) {
					state[to] = 1;
					stack[depth++] = to;
					pushed = true;
					break;
				}
			}
			if (!pushed) {
				state[cur] = 2;
				order[norder++] = cur;
				depth--;
			}
		}
	}
	free(state);
	free(stack);
	free(edge);
}

static void sort_created_or_dropped(builder *b, mg_vec *tables, bool create)
{
	const mg_catalog *cat = create ? b->tgt : b->cur;
	mg_map names;
	mg_vec split = MG_VEC_INIT;
	size_t *order = mg_xmalloc((tables->len ? tables->len : 1) * sizeof(*order));

	mg_map_init(&names);
	for (size_t i = 0; i < tables->len; i++)
		mg_map_put(&names, ((mg_table *)tables->items[i])->name, (void *)(uintptr_t)(i + 1));
	topo_sort(b, cat, (mg_table **)tables->items, tables->len, &names, order, &split);

	for (size_t k = 0; k < tables->len; k++) {
		/* Drops go dependants first: the reverse of the creation order. */
		mg_table *t = tables->items[create ? order[k] : order[tables->len - 1 - k]];
		mg_diff_op *op;
		if (create) {
			op = add_op(b, PH_CREATE_TABLE, MG_DIFF_CREATE_TABLE, t->name, NULL, t);
		} else {
			op = add_op(b, PH_DROP_TABLE, MG_DIFF_DROP_TABLE, t->name, t, NULL);
			set_destructive(op, "drops the table");
		}
	}
	/* Split keys, in table then key order. */
	for (size_t i = 0; i < tables->len; i++) {
		mg_table *t = tables->items[i];
		for (size_t k = 0; k < t->nforeign_keys; k++) {
			mg_diff_op *op;
			bool is_split = false;
			for (size_t s = 0; s < split.len && !is_split; s++)
				is_split = split.items[s] == t->foreign_keys[k];
			if (!is_split)
				continue;
			op = create ? add_op(b, PH_ADD_FK, MG_DIFF_ADD_FOREIGN_KEY, t->name, NULL, t)
				    : add_op(b, PH_DROP_FK, MG_DIFF_DROP_FOREIGN_KEY, t->name, t, NULL);
			op->fk = t->foreign_keys[k];
			op->with_table = true;
		}
	}
	mg_vec_release(&split);
	mg_map_release(&names);
	free(order);
}

int mg_diff_catalogs(const mg_catalog *current, const mg_catalog *target,
		     const mg_diff_options *opts, mg_diff **out, mg_error *err)
{
	builder b;
	mg_vec created = MG_VEC_INIT, dropped = MG_VEC_INIT;
	mg_diff *d;
	size_t total = 0;

	*out = NULL;
	if (current->dialect != target->dialect)
		return mg_error_set(err, MG_EINPUT,
				    "cannot compare a %s catalog with a %s catalog",
				    mg_dialect_name(current->dialect),
				    mg_dialect_name(target->dialect));
	d = mg_xcalloc(1, sizeof(*d));
	mg_arena_init(&d->arena);
	d->dialect = current->dialect;
	d->mariadb = current->mariadb || target->mariadb;
	d->server_version = current->server_version;
	d->schema = current->schema;
	d->target_schema = target->schema;
	d->original = current;
	mg_map_init(&d->old_names);

	memset(&b, 0, sizeof(b));
	current = mg_diff_apply_renames(d, current, target, opts, &b.phase[PH_RENAME]);
	b.d = d;
	b.cur = current;
	b.tgt = target;
	mg_map_init(&b.ignore);
	if (opts && opts->ignore_tables) {
		for (size_t i = 0; opts->ignore_tables[i]; i++)
			mg_map_put(&b.ignore, opts->ignore_tables[i], (void *)1);
	}
	mg_map_init(&b.retyped);
	find_retyped(&b);

	/* Both table arrays are sorted by name: merge them. */
	for (size_t i = 0, j = 0; i < current->ntables || j < target->ntables;) {
		mg_table *ot = i < current->ntables ? current->tables[i] : NULL;
		mg_table *nt = j < target->ntables ? target->tables[j] : NULL;
		int c = !ot ? 1 : !nt ? -1 : strcmp(ot->name, nt->name);
		if (c < 0) {
			if (!ignored(&b, ot->name))
				mg_vec_push(&dropped, ot);
			i++;
		} else if (c > 0) {
			if (!ignored(&b, nt->name))
				mg_vec_push(&created, nt);
			j++;
		} else {
			if (!ignored(&b, ot->name))
				compare_table(&b, ot, nt);
			i++, j++;
		}
	}
	sort_created_or_dropped(&b, &dropped, false);
	sort_created_or_dropped(&b, &created, true);
	{
		mg_vec *slots[MG_DIFF_SLOT_COUNT] = { &b.phase[PH_OBJ_EARLY], &b.phase[PH_OBJ_DROP],
						      &b.phase[PH_OBJ_TYPES], &b.phase[PH_OBJ_DROP_TYPES],
						      &b.phase[PH_OBJ_CREATE] };
		mg_diff_compare_objects(d, current, target, opts, &b.phase[PH_RENAME], &b.phase[PH_DROP_FK],
					PH_ADD_FK - PH_DROP_FK + 1, slots);
	}

	for (int p = 0; p < PH_COUNT; p++)
		total += b.phase[p].len;
	d->ops = mg_arena_alloc(&d->arena, (total ? total : 1) * sizeof(*d->ops));
	for (int p = 0; p < PH_COUNT; p++) {
		for (size_t k = 0; k < b.phase[p].len; k++) {
			mg_diff_op *op = b.phase[p].items[k];
			d->ops[d->nops++] = op;
			if (op->destructive)
				d->ndestructive++;
			if (op->with_table)
				d->nsplit_fks++;
		}
		mg_vec_release(&b.phase[p]);
	}
	d->split_fks = mg_arena_alloc(&d->arena, (d->nsplit_fks ? d->nsplit_fks : 1) *
							 sizeof(*d->split_fks));
	d->nsplit_fks = 0;
	for (size_t k = 0; k < d->nops; k++) {
		if (d->ops[k]->with_table)
			d->split_fks[d->nsplit_fks++] = d->ops[k];
	}
	mg_vec_release(&created);
	mg_vec_release(&dropped);
	mg_map_release(&b.ignore);
	mg_map_release(&b.retyped);
	mg_diff_mark_destructive(d, current);
	mg_diff_propose_renames(d);
	*out = d;
	return MG_OK;
}

bool mg_diff_fk_is_split(const mg_diff *d, const mg_foreign_key *fk)
{
	for (size_t i = 0; i < d->nsplit_fks; i++) {
		if (d->split_fks[i]->fk == fk)
			return true;
	}
	return false;
}

void mg_diff_free(mg_diff *d)
{
	if (!d)
		return;
	mg_catalog_free(d->renamed);
	mg_map_release(&d->old_names);
	mg_arena_release(&d->arena);
	free(d);
}

size_t mg_diff_count(const mg_diff *d)
{
	return d ? d->nops : 0;
}

const mg_diff_op *mg_diff_op_at(const mg_diff *d, size_t i)
{
	return d->ops[i];
}

size_t mg_diff_destructive_count(const mg_diff *d)
{
	return d ? d->ndestructive : 0;
}

mg_dialect mg_diff_dialect(const mg_diff *d)
{
	return d->dialect;
}

/*
 * Renames: the `-- migrate:renamed-from` hints turned into rename ops, and
 * the current catalog seen under the new names (so the rest of the diff
 * compares a renamed table or column with its declaration, not a drop
 * with an add); and, without hints, the likely renames proposed as text.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "diff/diff_int.h"
#include "util/buf.h"
#include "util/vec.h"

typedef struct renames {
	mg_map table_new;  /* old table name -> new name */
	mg_map table_old;  /* new table name -> old name */
	mg_map column_new; /* "old table\x1fold column" -> new column name */
	mg_map index_new;  /* "old table\x1fold index" -> new index name */
	mg_buf key;
} renames;

static const char *pair_key(renames *r, const char *table, const char *name)
{
	mg_buf_clear(&r->key);
	mg_buf_printf(&r->key, "%s\x1f%s", table, name);
	return r->key.ptr;
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

static mg_index *copy_index(mg_arena *a, renames *r, const char *old_table, const mg_index *ix)
{
	mg_index *c = mg_arena_alloc(a, sizeof(*c));
	const char *name = ix->name ? mg_map_get(&r->index_new, pair_key(r, old_table, ix->name)) : NULL;

	*c = *ix;
	c->name = name ? name : ix->name;
	c->elems = mg_arena_alloc(a, (ix->nelems ? ix->nelems : 1) * sizeof(*c->elems));
	for (size_t i = 0; i < ix->nelems; i++) {
		c->elems[i] = ix->elems[i];
		c->elems[i].column = new_column_name(r, old_table, ix->elems[i].column);
	}
	c->include = map_columns(a, r, old_table, ix->include, ix->ninclude);
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
		const char *n = new_column_name(r, old, t->columns[i]->name);
		if (n == t->columns[i]->name) {
			c->columns[i] = t->columns[i];
		} else {
			c->columns[i] = mg_arena_alloc(a, sizeof(mg_column));
			*c->columns[i] = *t->columns[i];
			c->columns[i]->name = n;
		}
	}
	if (t->primary_key) {
		c->primary_key = mg_arena_alloc(a, sizeof(mg_primary_key));
		*c->primary_key = *t->primary_key;
		c->primary_key->columns = map_columns(a, r, old, t->primary_key->columns, t->primary_key->ncolumns);
	}
	c->indexes = mg_arena_alloc(a, (t->nindexes ? t->nindexes : 1) * sizeof(*c->indexes));
	for (size_t i = 0; i < t->nindexes; i++)
		c->indexes[i] = copy_index(a, r, old, t->indexes[i]);
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
	return c;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(mg_table *const *)a)->name, (*(mg_table *const *)b)->name);
}

static mg_index *find_index(const mg_table *t, const char *name)
{
	for (size_t i = 0; i < t->nindexes; i++)
		if (mg_diff_streq(t->indexes[i]->name, name))
			return t->indexes[i];
	return NULL;
}

static mg_diff_op *new_op(mg_diff *d, mg_vec *ops, mg_diff_kind kind, const mg_table *ot,
			  const mg_table *nt)
{
	mg_diff_op *op = mg_arena_alloc(&d->arena, sizeof(*op));

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->table = nt->name;
	op->old_table = ot;
	op->new_table = nt;
	mg_vec_push(ops, op);
	return op;
}

const mg_catalog *mg_diff_apply_renames(mg_diff *d, const mg_catalog *cur, const mg_catalog *tgt,
					const mg_diff_options *opts, mg_vec *ops)
{
	renames r;
	mg_vec index_hints = MG_VEC_INIT; /* RENAME_INDEX ops, objects set once copied */
	mg_catalog_impl *c;
	size_t first = ops->len;

	if (!opts || !opts->renames || !opts->nrenames)
		return cur;
	memset(&r, 0, sizeof(r));
	mg_map_init(&r.table_new);
	mg_map_init(&r.table_old);
	mg_map_init(&r.column_new);
	mg_map_init(&r.index_new);
	mg_buf_init(&r.key);

	/* Tables first: column and index hints name the table by its new name. */
	for (size_t i = 0; i < opts->nrenames; i++) {
		const mg_diff_rename *h = &opts->renames[i];
		const mg_table *ot, *nt;
		if (h->to || h->index || !h->table || !h->from || !strcmp(h->table, h->from))
			continue;
		ot = mg_catalog_table(cur, h->from);
		nt = mg_catalog_table(tgt, h->table);
		if (!ot || !nt || mg_catalog_table(cur, h->table) || mg_catalog_table(tgt, h->from) ||
		    mg_map_has(&r.table_new, ot->name) || mg_map_has(&r.table_old, nt->name))
			continue;
		mg_map_put(&r.table_new, ot->name, (void *)nt->name);
		mg_map_put(&r.table_old, nt->name, (void *)ot->name);
		new_op(d, ops, MG_DIFF_RENAME_TABLE, ot, nt);
	}
	for (size_t i = 0; i < opts->nrenames; i++) {
		const mg_diff_rename *h = &opts->renames[i];
		const mg_table *ot, *nt;
		const char *old;
		if (!h->to || !h->table || !h->from || !strcmp(h->from, h->to))
			continue;
		old = mg_map_get(&r.table_old, h->table);
		if (!(nt = mg_catalog_table(tgt, h->table)) || !(ot = mg_catalog_table(cur, old ? old : h->table)))
			continue;
		if (!h->index) {
			const mg_column *oc = mg_table_column(ot, h->from), *nc = mg_table_column(nt, h->to);
			mg_diff_op *op;
			if (!oc || !nc || mg_table_column(ot, h->to) || mg_table_column(nt, h->from) ||
			    mg_map_has(&r.column_new, pair_key(&r, ot->name, oc->name)))
				continue;
			mg_map_put(&r.column_new, pair_key(&r, ot->name, oc->name), (void *)nc->name);
			op = new_op(d, ops, MG_DIFF_RENAME_COLUMN, ot, nt);
			op->old_column = oc;
			op->new_column = nc;
		} else {
			const mg_index *oi = find_index(ot, h->from), *ni = find_index(nt, h->to);
			mg_diff_op *op;
			if (!oi || !ni || find_index(ot, h->to) || find_index(nt, h->from) ||
			    mg_map_has(&r.index_new, pair_key(&r, ot->name, oi->name)))
				continue;
			mg_map_put(&r.index_new, pair_key(&r, ot->name, oi->name), (void *)ni->name);
			op = new_op(d, ops, MG_DIFF_RENAME_INDEX, ot, nt);
			op->old_object = oi; /* replaced below by the renamed copy's */
			mg_vec_push(&index_hints, op);
		}
	}
	if (ops->len == first)
		goto out;

	/* The current catalog under the new names; views and the other kinds
	 * are shared with cur, which outlives the diff. */
	c = mg_xcalloc(1, sizeof(*c));
	mg_arena_init(&c->arena);
	mg_map_init(&c->table_map);
	mg_map_init(&c->view_map);
	mg_map_init(&c->excluded);
	c->pub = *cur;
	c->pub.tables = mg_arena_alloc(&c->arena, (cur->ntables ? cur->ntables : 1) * sizeof(mg_table *));
	for (size_t i = 0; i < cur->ntables; i++)
		c->pub.tables[i] = copy_table(&c->arena, &r, cur, cur->tables[i]);
	qsort(c->pub.tables, cur->ntables, sizeof(mg_table *), by_name);
	for (size_t i = 0; i < cur->ntables; i++)
		mg_map_put(&c->table_map, c->pub.tables[i]->name, c->pub.tables[i]);
	for (size_t i = 0; i < cur->nviews; i++)
		mg_map_put(&c->view_map, cur->views[i]->name, cur->views[i]);
	d->renamed = &c->pub;

	/* An index rename is between the copy's index (key in the table's
	 * columns as they are by then) under its old and its new name. */
	for (size_t i = 0; i < index_hints.len; i++) {
		mg_diff_op *op = index_hints.items[i];
		const mg_index *oi = op->old_object;
		mg_table *vt = mg_catalog_table(d->renamed, op->new_table->name);
		const char *to = mg_map_get(&r.index_new, pair_key(&r, op->old_table->name, oi->name));
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
	cur = d->renamed;
out:
	mg_vec_release(&index_hints);
	mg_map_release(&r.table_new);
	mg_map_release(&r.table_old);
	mg_map_release(&r.column_new);
	mg_map_release(&r.index_new);
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

void mg_diff_propose_renames(mg_diff *d)
{
	mg_vec out = MG_VEC_INIT;
	bool *used = mg_xcalloc(d->nops ? d->nops : 1, sizeof(*used));

	for (size_t i = 0; i < d->nops; i++) {
		const mg_diff_op *drop = d->ops[i];
		if (drop->kind != MG_DIFF_DROP_TABLE && drop->kind != MG_DIFF_DROP_COLUMN)
			continue;
		for (size_t k = 0; k < d->nops; k++) {
			const mg_diff_op *add = d->ops[k];
			if (used[k])
				continue;
			if (drop->kind == MG_DIFF_DROP_TABLE && add->kind == MG_DIFF_CREATE_TABLE &&
			    same_columns(d->dialect, drop->old_table, add->new_table)) {
				mg_vec_push(&out, mg_arena_printf(&d->arena,
								  "did you rename table %s to %s? add \"-- migrate:renamed-from %s\" "
								  "to its CREATE TABLE line in the models",
								  drop->old_table->name, add->new_table->name,
								  drop->old_table->name));
			} else if (drop->kind == MG_DIFF_DROP_COLUMN && add->kind == MG_DIFF_ADD_COLUMN &&
				   !strcmp(drop->table, add->table) &&
				   same_type(d->dialect, drop->old_column, add->new_column)) {
				mg_vec_push(&out, mg_arena_printf(&d->arena,
								  "did you rename %s.%s to %s.%s? add \"-- migrate:renamed-from %s\" "
								  "to its line in the models",
								  drop->table, drop->old_column->name, add->table,
								  add->new_column->name, drop->old_column->name));
			} else {
				continue;
			}
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
	mg_catalog_impl *c = mg_xcalloc(1, sizeof(*c));
	int rc;

	/* An empty catalog of target's dialect and schema, owned by the diff
	 * (freed with it, like a renamed copy). */
	mg_arena_init(&c->arena);
	mg_map_init(&c->table_map);
	mg_map_init(&c->view_map);
	mg_map_init(&c->excluded);
	c->pub.dialect = target->dialect;
	c->pub.server_version = target->server_version;
	c->pub.mariadb = target->mariadb;
	c->pub.schema = target->schema;
	if ((rc = mg_diff_catalogs(&c->pub, target, NULL, out, err)) != MG_OK) {
		mg_catalog_free(&c->pub);
		return rc;
	}
	(*out)->renamed = &c->pub;
	return MG_OK;
}

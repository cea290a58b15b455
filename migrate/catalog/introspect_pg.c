/*
 * PostgreSQL introspection, pg_dump style: one reader per object kind, each
 * one query over pg_catalog for the whole schema, result columns fetched by
 * name, SQL gated on the server version (12..16; omitted, not failed, where
 * an older catalog lacks a column). Seven queries in all, whatever the size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_int.h"
#include "util/buf.h"

/* string_agg separator for name lists: a control character no sane
 * identifier holds, so lists need no quoting. */
#define SEP "E'\\x1f'"
#define SEPC '\x1f'

typedef struct pg_reader {
	mg_catalog_impl *c;
	const char *nspoid; /* the schema's oid, as text: $1 of every query */
	long version;
} pg_reader;

static bool is_true(const char *v)
{
	return v && v[0] == 't';
}

static int read_tables(pg_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT c.relname AS name, pg_catalog.obj_description(c.oid, 'pg_class') AS comment"
		" FROM pg_catalog.pg_class c"
		" WHERE c.relnamespace = $1::pg_catalog.oid AND c.relkind IN ('r', 'p')";
	static const char *const names[] = { "name", "comment" };
	enum { NAME, COMMENT, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "tables", sql, 1, &r->nspoid, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_table *t = mg_cat_add_table(r->c, mg_rows_get(&rows, i, idx[NAME]));
		if (t)
			t->comment = mg_cat_strnz(r->c, mg_rows_get(&rows, i, idx[COMMENT]));
	}
	mg_rows_release(&rows);
	return rc;
}

static int read_columns(pg_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "tbl",      "name",     "type",    "notnull",
					     "dflt",     "identity", "generated", "collation",
					     "comment",  "owned_seq" };
	enum { TBL, NAME, TYPE, NOTNULL, DFLT, IDENTITY, GENERATED, COLLATION, COMMENT, OWNED_SEQ,
	       NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	mg_buf_printf(&sql,
		"SELECT c.relname AS tbl, a.attname AS name,"
		" pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,"
		" pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS dflt,"
		" a.attidentity AS identity, %s AS generated,"
		" CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation"
		"  THEN co.collname END AS collation,"
		" pg_catalog.col_description(a.attrelid, a.attnum) AS comment,"
		" (SELECT s.relname FROM pg_catalog.pg_depend dep"
		"   JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'"
		"  WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
		"   AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
		"   AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum"
		"   AND dep.deptype = 'a' LIMIT 1) AS owned_seq"
		" FROM pg_catalog.pg_attribute a"
		" JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
		" JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
		" LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
		" LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
		" WHERE c.relnamespace = $1::pg_catalog.oid AND c.relkind IN ('r', 'p')"
		"  AND a.attnum > 0 AND NOT a.attisdropped"
		" ORDER BY c.relname, a.attnum",
		r->version >= 120000 ? "a.attgenerated" : "''");
	rc = mg_cat_query(r->c, "columns", sql.ptr, 1, &r->nspoid, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_table *t = mg_cat_find(r->c, mg_rows_get(&rows, i, idx[TBL]));
		const char *identity = mg_rows_get(&rows, i, idx[IDENTITY]);
		const char *generated = mg_rows_get(&rows, i, idx[GENERATED]);
		const char *dflt = mg_rows_get(&rows, i, idx[DFLT]);
		const char *seq = mg_rows_get(&rows, i, idx[OWNED_SEQ]);
		mg_column *col;

		if (!t)
			continue;
		col = mg_arena_alloc(&r->c->arena, sizeof(*col));
		col->name = mg_cat_str(r->c, mg_rows_get(&rows, i, idx[NAME]));
		col->type = mg_cat_str(r->c, mg_rows_get(&rows, i, idx[TYPE]));
		col->nullable = !is_true(mg_rows_get(&rows, i, idx[NOTNULL]));
		col->collation = mg_cat_strnz(r->c, mg_rows_get(&rows, i, idx[COLLATION]));
		col->comment = mg_cat_strnz(r->c, mg_rows_get(&rows, i, idx[COMMENT]));
		if (identity && identity[0] == 'a')
			col->identity = MG_IDENTITY_ALWAYS;
		else if (identity && identity[0] == 'd')
			col->identity = MG_IDENTITY_BY_DEFAULT;
		if (generated && generated[0] == 's') {
			col->generated = MG_GENERATED_STORED;
			col->generated_expr = mg_cat_str(r->c, dflt);
		} else if (seq && dflt && !strncmp(dflt, "nextval(", 8) && strstr(dflt, seq)) {
			/* serial: the nextval() of a sequence the column owns. */
			col->identity = MG_IDENTITY_SERIAL;
			col->serial_sequence = mg_cat_str(r->c, seq);
		} else {
			col->default_expr = mg_cat_str(r->c, dflt);
		}
		col->position = (int)t->ncolumns + 1;
		MG_CAT_PUSH(&r->c->arena, t->columns, t->ncolumns, col);
	}
	mg_rows_release(&rows);
	return rc;
}

static int read_constraints(pg_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "tbl",       "name",      "type",      "cols",
					     "ref_schema", "ref_table", "ref_cols",  "on_update",
					     "on_delete", "deferrable", "deferred", "expr",
					     "nulls_not_distinct" };
	enum { TBL, NAME, TYPE, COLS, REF_SCHEMA, REF_TABLE, REF_COLS, ON_UPDATE, ON_DELETE,
	       DEFERRABLE, DEFERRED, EXPR, NND, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	mg_buf_printf(&sql,
		"SELECT c.relname AS tbl, con.conname AS name, con.contype AS type,"
		" (SELECT pg_catalog.string_agg(a.attname, " SEP " ORDER BY k.i)"
		"   FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY k(n, i)"
		"   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS cols,"
		" fn.nspname AS ref_schema, fc.relname AS ref_table,"
		" (SELECT pg_catalog.string_agg(a.attname, " SEP " ORDER BY k.i)"
		"   FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY k(n, i)"
		"   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS ref_cols,"
		" con.confupdtype AS on_update, con.confdeltype AS on_delete,"
		" con.condeferrable AS deferrable, con.condeferred AS deferred,"
		" CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS expr,"
		" %s AS nulls_not_distinct"
		" FROM pg_catalog.pg_constraint con"
		" JOIN pg_catalog.pg_class c ON c.oid = con.conrelid"
		" LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid"
		" LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace"
		" LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid AND con.contype = 'u'"
		" WHERE c.relnamespace = $1::pg_catalog.oid AND c.relkind IN ('r', 'p')"
		"  AND con.contype IN ('p', 'u', 'c', 'f')",
		r->version >= 150000 ? "COALESCE(i.indnullsnotdistinct, false)" : "false");
	rc = mg_cat_query(r->c, "constraints", sql.ptr, 1, &r->nspoid, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_table *t = mg_cat_find(c, mg_rows_get(&rows, i, idx[TBL]));
		const char *type = mg_rows_get(&rows, i, idx[TYPE]);
		const char *name = mg_rows_get(&rows, i, idx[NAME]);
		const char *cols = mg_rows_get(&rows, i, idx[COLS]);
		bool deferrable = is_true(mg_rows_get(&rows, i, idx[DEFERRABLE]));
		bool deferred = is_true(mg_rows_get(&rows, i, idx[DEFERRED]));

		if (!t || !type)
			continue;
		if (type[0] == 'p') {
			mg_primary_key *pk = mg_arena_alloc(&c->arena, sizeof(*pk));
			pk->name = mg_cat_str(c, name);
			pk->ncolumns = mg_cat_split(c, cols, SEPC, &pk->columns);
			t->primary_key = pk;
		} else if (type[0] == 'u') {
			mg_unique *u = mg_arena_alloc(&c->arena, sizeof(*u));
			u->name = mg_cat_str(c, name);
			u->ncolumns = mg_cat_split(c, cols, SEPC, &u->columns);
			u->deferrable = deferrable;
			u->initially_deferred = deferred;
			u->nulls_not_distinct = is_true(mg_rows_get(&rows, i, idx[NND]));
			MG_CAT_PUSH(&c->arena, t->uniques, t->nuniques, u);
		} else if (type[0] == 'c') {
			mg_check *ck = mg_arena_alloc(&c->arena, sizeof(*ck));
			ck->name = mg_cat_str(c, name);
			ck->expr = mg_cat_str(c, mg_rows_get(&rows, i, idx[EXPR]));
			MG_CAT_PUSH(&c->arena, t->checks, t->nchecks, ck);
		} else if (type[0] == 'f') {
			mg_foreign_key *fk = mg_arena_alloc(&c->arena, sizeof(*fk));
			fk->name = mg_cat_str(c, name);
			fk->ncolumns = mg_cat_split(c, cols, SEPC, &fk->columns);
			fk->ref_schema = mg_cat_str(c, mg_rows_get(&rows, i, idx[REF_SCHEMA]));
			fk->ref_table = mg_cat_str(c, mg_rows_get(&rows, i, idx[REF_TABLE]));
			mg_cat_split(c, mg_rows_get(&rows, i, idx[REF_COLS]), SEPC, &fk->ref_columns);
			fk->on_update = mg_cat_fk_action(mg_rows_get(&rows, i, idx[ON_UPDATE]));
			fk->on_delete = mg_cat_fk_action(mg_rows_get(&rows, i, idx[ON_DELETE]));
			fk->deferrable = deferrable;
			fk->initially_deferred = deferred;
			MG_CAT_PUSH(&c->arena, t->foreign_keys, t->nforeign_keys, fk);
		}
	}
	mg_rows_release(&rows);
	return rc;
}

/* indoption bits per key column (pg_index.h): 1 = DESC, 2 = NULLS FIRST. */
static void set_elem_options(mg_index_elem *e, int opt)
{
	bool nulls_first = (opt & 2) != 0;

	e->desc = (opt & 1) != 0;
	if (nulls_first != e->desc)
		e->nulls = nulls_first ? 1 : 2;
}

static int read_indexes(pg_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "tbl",      "name",     "is_unique", "method",
					     "predicate", "nkeyatts", "indoption", "defs",
					     "cols",     "nulls_not_distinct" };
	enum { TBL, NAME, UNIQUE, METHOD, PREDICATE, NKEYATTS, INDOPTION, DEFS, COLS, NND,
	       NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	/* Indexes that back a primary key, unique or exclusion constraint are
	 * part of that constraint, not indexes of their own. */
	mg_buf_printf(&sql,
		"SELECT c.relname AS tbl, ic.relname AS name, i.indisunique AS is_unique,"
		" am.amname AS method, pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,"
		" %s AS nkeyatts, i.indoption::pg_catalog.text AS indoption,"
		" (SELECT pg_catalog.string_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k, false), "
		SEP " ORDER BY k) FROM pg_catalog.generate_series(1, i.indnatts) k) AS defs,"
		" (SELECT pg_catalog.string_agg(COALESCE(a.attname, ''), " SEP " ORDER BY k)"
		"   FROM pg_catalog.generate_series(1, i.indnatts) k"
		"   LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid"
		"    AND i.indkey[k - 1] <> 0 AND a.attnum = i.indkey[k - 1]) AS cols,"
		" %s AS nulls_not_distinct"
		" FROM pg_catalog.pg_index i"
		" JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
		" JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
		" JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
		" WHERE c.relnamespace = $1::pg_catalog.oid AND c.relkind IN ('r', 'p')"
		"  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con"
		"   WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
		"    AND con.contype IN ('p', 'u', 'x'))",
		r->version >= 110000 ? "i.indnkeyatts" : "i.indnatts",
		r->version >= 150000 ? "i.indnullsnotdistinct" : "false");
	rc = mg_cat_query(r->c, "indexes", sql.ptr, 1, &r->nspoid, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_table *t = mg_cat_find(c, mg_rows_get(&rows, i, idx[TBL]));
		const char *nk = mg_rows_get(&rows, i, idx[NKEYATTS]);
		const char *opts = mg_rows_get(&rows, i, idx[INDOPTION]);
		const char **defs, **cols;
		size_t ndefs, ncols, nkey;
		mg_index *ix;

		if (!t)
			continue;
		ix = mg_arena_alloc(&c->arena, sizeof(*ix));
		ix->name = mg_cat_str(c, mg_rows_get(&rows, i, idx[NAME]));
		ix->unique = is_true(mg_rows_get(&rows, i, idx[UNIQUE]));
		ix->method = mg_cat_str(c, mg_rows_get(&rows, i, idx[METHOD]));
		ix->where = mg_cat_strnz(c, mg_rows_get(&rows, i, idx[PREDICATE]));
		ix->nulls_not_distinct = is_true(mg_rows_get(&rows, i, idx[NND]));
		ndefs = mg_cat_split(c, mg_rows_get(&rows, i, idx[DEFS]), SEPC, &defs);
		/* An empty name stands for an expression; split keeps empties. */
		ncols = mg_cat_split(c, mg_rows_get(&rows, i, idx[COLS]), SEPC, &cols);
		if (ncols == 0 && ndefs == 1) {
			/* One expression: its "" name splits to no items at all. */
			cols = mg_arena_alloc(&c->arena, sizeof(*cols));
			cols[0] = "";
			ncols = 1;
		}
		nkey = nk ? strtoul(nk, NULL, 10) : ndefs;
		if (ncols != ndefs || nkey > ndefs)
			nkey = ncols = ndefs = 0;
		ix->elems = mg_arena_alloc(&c->arena, (nkey ? nkey : 1) * sizeof(*ix->elems));
		for (size_t k = 0; k < ndefs; k++) {
			int opt = 0;
			if (opts) {
				char *end;
				opt = (int)strtol(opts, &end, 10);
				opts = end;
			}
			if (k >= nkey) {
				MG_CAT_PUSH(&c->arena, ix->include, ix->ninclude, cols[k]);
				continue;
			}
			mg_index_elem *e = &ix->elems[ix->nelems++];
			if (*cols[k])
				e->column = cols[k];
			else
				e->expr = defs[k];
			set_elem_options(e, opt);
		}
		MG_CAT_PUSH(&c->arena, t->indexes, t->nindexes, ix);
	}
	mg_rows_release(&rows);
	return rc;
}

/* Sets search_path to the schema alone (pg_catalog stays implicitly first):
 * pg_get_expr and format_type then print our own objects unqualified, so a
 * catalog read from a scratch schema compares equal to the real one. */
static int set_search_path(pg_reader *r, const char *value, bool quote, mg_error *err)
{
	const char *sql = quote
		? "SELECT pg_catalog.set_config('search_path', pg_catalog.quote_ident($1), false)"
		: "SELECT pg_catalog.set_config('search_path', $1, false)";
	mg_rows rows;
	int rc = mg_cat_query(r->c, "search path", sql, 1, &value, &rows, err);
	if (rc == MG_OK)
		mg_rows_release(&rows);
	return rc;
}

int mg_cat_read_pg(mg_catalog_impl *c, const char *schema, mg_error *err)
{
	static const char find_sql[] =
		"SELECT n.oid::pg_catalog.text AS oid, n.nspname AS name,"
		" pg_catalog.current_setting('search_path') AS search_path"
		" FROM pg_catalog.pg_namespace n"
		" WHERE n.nspname = COALESCE($1, pg_catalog.current_schema())";
	pg_reader r = { c, NULL, c->pub.server_version };
	char *saved_path = NULL;
	mg_rows rows;
	int rc;

	rc = mg_cat_query(c, "schema", find_sql, 1, &schema, &rows, err);
	if (rc != MG_OK)
		return rc;
	if (rows.nrows != 1) {
		mg_rows_release(&rows);
		return schema ? mg_error_set(err, MG_ENOTFOUND, "schema \"%s\" does not exist", schema)
			      : mg_error_set(err, MG_ENOTFOUND,
					     "no current schema: search_path names none that exists");
	}
	r.nspoid = mg_cat_str(c, mg_rows_get(&rows, 0, 0));
	c->pub.schema = mg_cat_str(c, mg_rows_get(&rows, 0, 1));
	saved_path = mg_xstrdup(mg_rows_get(&rows, 0, 2) ? mg_rows_get(&rows, 0, 2) : "");
	mg_rows_release(&rows);

	rc = set_search_path(&r, c->pub.schema, true, err);
	if (rc == MG_OK)
		rc = read_tables(&r, err);
	if (rc == MG_OK)
		rc = read_columns(&r, err);
	if (rc == MG_OK)
		rc = read_constraints(&r, err);
	if (rc == MG_OK)
		rc = read_indexes(&r, err);
	/* Restore even after a failure; in an aborted transaction this fails
	 * too, and the first error is the one worth reporting. */
	{
		mg_error ignored;
		mg_error_init(&ignored);
		int rc2 = set_search_path(&r, saved_path, false, rc == MG_OK ? err : &ignored);
		if (rc == MG_OK)
			rc = rc2;
	}
	free(saved_path);
	return rc;
}

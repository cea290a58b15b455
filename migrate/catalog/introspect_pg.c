/*
 * PostgreSQL introspection, pg_dump style: one reader per object kind, each
 * one query over pg_catalog for the whole schema, result columns fetched by
 * name, SQL gated on the server version (12..16; omitted, not failed, where
 * an older catalog lacks a column). Fourteen queries in all, whatever the
 * size: schema, search_path (set and restored), tables, columns,
 * constraints, indexes (of tables and materialised views), views,
 * sequences, enums, domains, functions, triggers, extensions. Objects an
 * extension owns are left out: they belong to the extension.
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
	const char *qname;  /* quote_ident(schema), to strip it from definitions */
	long version;
	bool home;          /* reading another schema than the configured one
			     * (include_schemas): keep the own qualifier */
} pg_reader;

/* "AND NOT <an extension member>" for an object of catalog `cls` aliased `alias`. */
#define NOT_EXT(cls, alias)                                                             \
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e_"                        \
	" WHERE e_.classid = 'pg_catalog." cls "'::pg_catalog.regclass"                 \
	" AND e_.objid = " alias ".oid AND e_.deptype = 'e')"

#define GET(k) mg_rows_get(&rows, i, idx[k])

static bool is_true(const char *v)
{
	return v && v[0] == 't';
}

static int read_tables(pg_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT c.relname AS name, pg_catalog.obj_description(c.oid, 'pg_class') AS comment"
		" FROM pg_catalog.pg_class c"
		" WHERE c.relnamespace = $1::pg_catalog.oid AND c.relkind IN ('r', 'p')"
		/* Extension-owned tables (PostGIS's spatial_ref_sys...) are not the
		 * project's: never read, so never proposed for dropping. */
		NOT_EXT("pg_class", "c");
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
		NOT_EXT("pg_class", "c")
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
		NOT_EXT("pg_class", "c")
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
		" WHERE c.relnamespace = $1::pg_catalog.oid AND c.relkind IN ('r', 'p', 'm')"
		NOT_EXT("pg_class", "c")
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
		mg_view *mv = t ? NULL : mg_cat_find_view(c, mg_rows_get(&rows, i, idx[TBL]));
		const char *nk = mg_rows_get(&rows, i, idx[NKEYATTS]);
		const char *opts = mg_rows_get(&rows, i, idx[INDOPTION]);
		const char **defs, **cols;
		size_t ndefs, ncols, nkey;
		mg_index *ix;

		if (!t && !mv)
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
		if (t)
			MG_CAT_PUSH(&c->arena, t->indexes, t->nindexes, ix);
		else
			MG_CAT_PUSH(&c->arena, mv->indexes, mv->nindexes, ix);
	}
	mg_rows_release(&rows);
	return rc;
}

/* Text without leading blanks and trailing blanks or semicolon. */
static char *trim_def(mg_catalog_impl *c, const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ';' || s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		n--;
	return mg_arena_strndup(&c->arena, s, n);
}

static bool option_true(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1") ||
		     !strcmp(v, "yes"));
}

/* Views and materialised views, before the indexes (which fill in the
 * latter's). */
static int read_views(pg_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "name", "kind", "def", "cols", "types",
					     "check_option", "invoker", "comment" };
	enum { NAME, KIND, DEF, COLS, TYPES, CHECK_OPTION, INVOKER, COMMENT, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	mg_buf_printf(&sql,
		"SELECT c.relname AS name, c.relkind AS kind,"
		" pg_catalog.pg_get_viewdef(c.oid, true) AS def,"
		" (SELECT pg_catalog.string_agg(a.attname, " SEP " ORDER BY a.attnum)"
		"   FROM pg_catalog.pg_attribute a"
		"  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS cols,"
		" (SELECT pg_catalog.string_agg(pg_catalog.format_type(a.atttypid, a.atttypmod), "
		SEP " ORDER BY a.attnum) FROM pg_catalog.pg_attribute a"
		"  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS types,"
		" (SELECT o.option_value FROM pg_catalog.pg_options_to_table(c.reloptions) o"
		"  WHERE o.option_name = 'check_option') AS check_option,"
		" %s AS invoker,"
		" pg_catalog.obj_description(c.oid, 'pg_class') AS comment"
		" FROM pg_catalog.pg_class c"
		" WHERE c.relnamespace = $1::pg_catalog.oid AND c.relkind IN ('v', 'm')"
		NOT_EXT("pg_class", "c"),
		r->version >= 150000
			? "(SELECT o.option_value FROM pg_catalog.pg_options_to_table(c.reloptions) o"
			  " WHERE o.option_name = 'security_invoker')"
			: "NULL");
	rc = mg_cat_query(r->c, "views", sql.ptr, 1, &r->nspoid, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_view *v = mg_cat_add_view(c, GET(NAME));
		size_t ntypes;
		if (!v)
			continue;
		v->materialized = GET(KIND) && GET(KIND)[0] == 'm';
		v->definition = trim_def(c, GET(DEF));
		v->ncolumns = mg_cat_split(c, GET(COLS), SEPC, &v->columns);
		ntypes = mg_cat_split(c, GET(TYPES), SEPC, &v->column_types);
		if (ntypes != v->ncolumns)
			v->column_types = NULL;
		v->check_option = mg_cat_strnz(c, GET(CHECK_OPTION));
		if (option_true(GET(INVOKER)))
			v->security = "INVOKER";
		v->comment = mg_cat_strnz(c, GET(COMMENT));
	}
	mg_rows_release(&rows);
	return rc;
}

/* Sequences of their own: not those of an identity column, nor the owned
 * sequence a serial column's nextval() default draws from. */
static int read_sequences(pg_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT c.relname AS name, pg_catalog.format_type(s.seqtypid, NULL) AS type,"
		" s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min,"
		" s.seqmax AS max, s.seqcache AS cache, s.seqcycle AS cycle,"
		" (SELECT tc.relname OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) a.attname"
		"   FROM pg_catalog.pg_depend d"
		"   JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid"
		"   JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
		"  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid"
		"   AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
		"   AND d.deptype = 'a' LIMIT 1) AS owned_by,"
		" pg_catalog.obj_description(c.oid, 'pg_class') AS comment"
		" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid"
		" WHERE c.relnamespace = $1::pg_catalog.oid AND c.relkind = 'S'"
		"  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
		"   WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid"
		"    AND (d.deptype IN ('i', 'e') OR (d.deptype = 'a' AND EXISTS ("
		"     SELECT 1 FROM pg_catalog.pg_attrdef ad"
		"      WHERE ad.adrelid = d.refobjid AND ad.adnum = d.refobjsubid"
		"       AND pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%'))))";
	static const char *const names[] = { "name", "type",  "start", "increment", "min",
					     "max",  "cache", "cycle", "owned_by",  "comment" };
	enum { NAME, TYPE, START, INCREMENT, MIN, MAX, CACHE, CYCLE, OWNED_BY, COMMENT, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "sequences", sql, 1, &r->nspoid, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_sequence *q = mg_arena_alloc(&c->arena, sizeof(*q));
		q->name = mg_cat_str(c, GET(NAME));
		q->type = mg_cat_str(c, GET(TYPE));
		q->start = mg_cat_ll(GET(START));
		q->increment = mg_cat_ll(GET(INCREMENT));
		q->min = mg_cat_ll(GET(MIN));
		q->max = mg_cat_ll(GET(MAX));
		q->cache = mg_cat_ll(GET(CACHE));
		q->cycle = is_true(GET(CYCLE));
		q->owned_by = mg_cat_strnz(c, GET(OWNED_BY));
		q->comment = mg_cat_strnz(c, GET(COMMENT));
		MG_CAT_PUSH(&c->arena, c->pub.sequences, c->pub.nsequences, q);
	}
	mg_rows_release(&rows);
	return rc;
}

static int read_enums(pg_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT t.typname AS name,"
		" (SELECT pg_catalog.string_agg(e.enumlabel, " SEP " ORDER BY e.enumsortorder)"
		"   FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) AS labels,"
		" pg_catalog.obj_description(t.oid, 'pg_type') AS comment"
		" FROM pg_catalog.pg_type t"
		" WHERE t.typnamespace = $1::pg_catalog.oid AND t.typtype = 'e'"
		NOT_EXT("pg_type", "t");
	static const char *const names[] = { "name", "labels", "comment" };
	enum { NAME, LABELS, COMMENT, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "enum types", sql, 1, &r->nspoid, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_enum *e = mg_arena_alloc(&c->arena, sizeof(*e));
		e->name = mg_cat_str(c, GET(NAME));
		e->nlabels = mg_cat_split(c, GET(LABELS), SEPC, &e->labels);
		e->comment = mg_cat_strnz(c, GET(COMMENT));
		MG_CAT_PUSH(&c->arena, c->pub.enums, c->pub.nenums, e);
	}
	mg_rows_release(&rows);
	return rc;
}

static int read_domains(pg_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT t.typname AS name, pg_catalog.format_type(t.typbasetype, t.typtypmod) AS type,"
		" t.typnotnull AS notnull, pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS dflt,"
		" CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation"
		"  THEN co.collname END AS collation,"
		" (SELECT pg_catalog.string_agg(con.conname, " SEP " ORDER BY con.conname)"
		"   FROM pg_catalog.pg_constraint con"
		"  WHERE con.contypid = t.oid AND con.contype = 'c') AS check_names,"
		" (SELECT pg_catalog.string_agg(pg_catalog.pg_get_expr(con.conbin, 0), " SEP
		"   ORDER BY con.conname) FROM pg_catalog.pg_constraint con"
		"  WHERE con.contypid = t.oid AND con.contype = 'c') AS check_exprs,"
		" pg_catalog.obj_description(t.oid, 'pg_type') AS comment"
		" FROM pg_catalog.pg_type t"
		" JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype"
		" LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation"
		" WHERE t.typnamespace = $1::pg_catalog.oid AND t.typtype = 'd'"
		NOT_EXT("pg_type", "t");
	static const char *const names[] = { "name",        "type",        "notnull", "dflt",
					     "collation",   "check_names", "check_exprs",
					     "comment" };
	enum { NAME, TYPE, NOTNULL, DFLT, COLLATION, CHECK_NAMES, CHECK_EXPRS, COMMENT, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "domains", sql, 1, &r->nspoid, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_domain *d = mg_arena_alloc(&c->arena, sizeof(*d));
		const char **cnames, **exprs;
		size_t n = mg_cat_split(c, GET(CHECK_NAMES), SEPC, &cnames);

		d->name = mg_cat_str(c, GET(NAME));
		d->type = mg_cat_str(c, GET(TYPE));
		d->not_null = is_true(GET(NOTNULL));
		d->default_expr = mg_cat_strnz(c, GET(DFLT));
		d->collation = mg_cat_strnz(c, GET(COLLATION));
		d->comment = mg_cat_strnz(c, GET(COMMENT));
		if (mg_cat_split(c, GET(CHECK_EXPRS), SEPC, &exprs) != n)
			n = 0;
		for (size_t k = 0; k < n; k++) {
			mg_check *ck = mg_arena_alloc(&c->arena, sizeof(*ck));
			ck->name = cnames[k];
			ck->expr = exprs[k];
			MG_CAT_PUSH(&c->arena, d->checks, d->nchecks, ck);
		}
		MG_CAT_PUSH(&c->arena, c->pub.domains, c->pub.ndomains, d);
	}
	mg_rows_release(&rows);
	return rc;
}

/* pg_get_functiondef names the function schema-qualified, always: drop our
 * own schema's qualifier (first line only), so that the same function read
 * from two schemas has the same definition. */
static char *strip_own_qualifier(pg_reader *r, const char *def)
{
	mg_buf b = MG_BUF_INIT;
	const char *eol, *hit = NULL;
	size_t qlen = strlen(r->qname);
	char *out;

	if (!def)
		return NULL;
	/* Included schema: the revision runs with the configured schema
	 * current, so the function must stay named in its own. */
	if (r->home)
		return trim_def(r->c, def);
	eol = strchr(def, '\n');
	for (const char *p = def; *p && (!eol || p < eol); p++) {
		if ((!strncmp(p, "FUNCTION ", 9) || !strncmp(p, "PROCEDURE ", 10))) {
			const char *q = p + (p[0] == 'F' ? 9 : 10);
			if (!strncmp(q, r->qname, qlen) && q[qlen] == '.')
				hit = q;
			break;
		}
	}
	if (!hit)
		return trim_def(r->c, def);
	mg_buf_add(&b, def, (size_t)(hit - def));
	mg_buf_puts(&b, hit + qlen + 1);
	out = trim_def(r->c, b.ptr);
	mg_buf_release(&b);
	return out;
}

/* regprocedure text qualifies a function its search_path does not see:
 * with a home schema that is each of ours. Signatures stay without their
 * schema either way (catalog.h). */
static const char *own_signature(pg_reader *r, const char *sig)
{
	size_t qlen = strlen(r->qname);

	if (r->home && sig && !strncmp(sig, r->qname, qlen) && sig[qlen] == '.')
		sig += qlen + 1;
	return mg_cat_str(r->c, sig);
}

static int read_functions(pg_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT p.proname AS name, p.oid::pg_catalog.regprocedure::pg_catalog.text AS signature,"
		" pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,"
		" CASE WHEN p.prokind = 'p' THEN NULL"
		"  ELSE pg_catalog.pg_get_function_result(p.oid) END AS result,"
		" p.prokind AS kind, l.lanname AS language, p.provolatile AS volatility,"
		" p.prosecdef AS secdef, pg_catalog.pg_get_functiondef(p.oid) AS def,"
		" pg_catalog.obj_description(p.oid, 'pg_proc') AS comment"
		" FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
		" WHERE p.pronamespace = $1::pg_catalog.oid AND p.prokind IN ('f', 'p')"
		NOT_EXT("pg_proc", "p");
	static const char *const names[] = { "name",     "signature",  "args",   "result",
					     "kind",     "language",   "volatility", "secdef",
					     "def",      "comment" };
	enum { NAME, SIGNATURE, ARGS, RESULT, KIND, LANGUAGE, VOLATILITY, SECDEF, DEF, COMMENT,
	       NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "functions", sql, 1, &r->nspoid, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_function *f = mg_arena_alloc(&c->arena, sizeof(*f));
		f->name = mg_cat_str(c, GET(NAME));
		f->signature = own_signature(r, GET(SIGNATURE));
		f->args = mg_cat_str(c, GET(ARGS) ? GET(ARGS) : "");
		f->result = mg_cat_strnz(c, GET(RESULT));
		f->procedure = GET(KIND) && GET(KIND)[0] == 'p';
		f->language = mg_cat_str(c, GET(LANGUAGE));
		f->volatility = GET(VOLATILITY) ? GET(VOLATILITY)[0] : 'v';
		f->security_definer = is_true(GET(SECDEF));
		f->definition = strip_own_qualifier(r, GET(DEF));
		f->comment = mg_cat_strnz(c, GET(COMMENT));
		MG_CAT_PUSH(&c->arena, c->pub.functions, c->pub.nfunctions, f);
	}
	mg_rows_release(&rows);
	return rc;
}

/* User triggers on the schema's tables and views: not internal ones
 * (foreign keys, deferred uniques), nor the clones a partitioned table's
 * trigger puts on each partition. tgtype bits (pg_trigger.h): 1 ROW,
 * 2 BEFORE, 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE, 64 INSTEAD. */
static int read_triggers(pg_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "name",   "tbl", "def",  "timing",
					     "events", "row", "func", "comment" };
	enum { NAME, TBL, DEF, TIMING, EVENTS, ROW, FUNC, COMMENT, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	mg_buf_printf(&sql,
		"SELECT tg.tgname AS name, c.relname AS tbl,"
		" pg_catalog.pg_get_triggerdef(tg.oid, true) AS def,"
		" CASE WHEN tg.tgtype::pg_catalog.int4 & 2 <> 0 THEN 'BEFORE'"
		"  WHEN tg.tgtype::pg_catalog.int4 & 64 <> 0 THEN 'INSTEAD OF' ELSE 'AFTER' END AS timing,"
		" pg_catalog.concat_ws(' OR ',"
		"  CASE WHEN tg.tgtype::pg_catalog.int4 & 4 <> 0 THEN 'INSERT' END,"
		"  CASE WHEN tg.tgtype::pg_catalog.int4 & 16 <> 0 THEN 'UPDATE' END,"
		"  CASE WHEN tg.tgtype::pg_catalog.int4 & 8 <> 0 THEN 'DELETE' END,"
		"  CASE WHEN tg.tgtype::pg_catalog.int4 & 32 <> 0 THEN 'TRUNCATE' END) AS events,"
		" tg.tgtype::pg_catalog.int4 & 1 <> 0 AS row, fp.proname AS func,"
		" pg_catalog.obj_description(tg.oid, 'pg_trigger') AS comment"
		" FROM pg_catalog.pg_trigger tg"
		" JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid"
		" JOIN pg_catalog.pg_proc fp ON fp.oid = tg.tgfoid"
		" WHERE c.relnamespace = $1::pg_catalog.oid AND NOT tg.tgisinternal%s",
		r->version >= 130000 ? " AND tg.tgparentid = 0" : "");
	rc = mg_cat_query(r->c, "triggers", sql.ptr, 1, &r->nspoid, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_trigger *t;
		if (mg_map_has(&c->excluded, GET(TBL)))
			continue;
		t = mg_arena_alloc(&c->arena, sizeof(*t));
		t->name = mg_cat_str(c, GET(NAME));
		t->table = mg_cat_str(c, GET(TBL));
		t->definition = trim_def(c, GET(DEF));
		t->timing = mg_cat_str(c, GET(TIMING));
		t->events = mg_cat_str(c, GET(EVENTS));
		t->for_each_row = is_true(GET(ROW));
		t->function = mg_cat_str(c, GET(FUNC));
		t->comment = mg_cat_strnz(c, GET(COMMENT));
		MG_CAT_PUSH(&c->arena, c->pub.triggers, c->pub.ntriggers, t);
	}
	mg_rows_release(&rows);
	return rc;
}

/* Extensions installed into the schema (their objects are left out of
 * every other kind). */
static int read_extensions(pg_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT e.extname AS name, e.extversion AS version,"
		" pg_catalog.obj_description(e.oid, 'pg_extension') AS comment"
		" FROM pg_catalog.pg_extension e WHERE e.extnamespace = $1::pg_catalog.oid";
	static const char *const names[] = { "name", "version", "comment" };
	enum { NAME, VERSION, COMMENT, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "extensions", sql, 1, &r->nspoid, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_extension *e = mg_arena_alloc(&c->arena, sizeof(*e));
		e->name = mg_cat_str(c, GET(NAME));
		e->version = mg_cat_str(c, GET(VERSION));
		e->comment = mg_cat_strnz(c, GET(COMMENT));
		MG_CAT_PUSH(&c->arena, c->pub.extensions, c->pub.nextensions, e);
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

int mg_cat_read_pg(mg_catalog_impl *c, const char *schema, const char *home, mg_error *err)
{
	static const char find_sql[] =
		"SELECT n.oid::pg_catalog.text AS oid, n.nspname AS name,"
		" pg_catalog.current_setting('search_path') AS search_path,"
		" pg_catalog.quote_ident(n.nspname) AS qname"
		" FROM pg_catalog.pg_namespace n"
		" WHERE n.nspname = COALESCE($1, pg_catalog.current_schema())";
	pg_reader r = { c, NULL, NULL, c->pub.server_version, home != NULL };
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
	r.qname = mg_cat_str(c, mg_rows_get(&rows, 0, 3) ? mg_rows_get(&rows, 0, 3) : "");
	mg_rows_release(&rows);

	/* A home schema that does not exist leaves search_path naming none:
	 * everything then prints qualified, which is still correct. */
	rc = set_search_path(&r, home ? home : c->pub.schema, true, err);
	if (rc == MG_OK)
		rc = read_tables(&r, err);
	if (rc == MG_OK)
		rc = read_columns(&r, err);
	if (rc == MG_OK)
		rc = read_constraints(&r, err);
	if (rc == MG_OK)
		rc = read_views(&r, err);
	if (rc == MG_OK)
		rc = read_indexes(&r, err);
	if (rc == MG_OK)
		rc = read_sequences(&r, err);
	if (rc == MG_OK)
		rc = read_enums(&r, err);
	if (rc == MG_OK)
		rc = read_domains(&r, err);
	if (rc == MG_OK)
		rc = read_functions(&r, err);
	if (rc == MG_OK)
		rc = read_triggers(&r, err);
	if (rc == MG_OK)
		rc = read_extensions(&r, err);
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

/*
 * SQLite introspection: the pragma table-valued functions joined over
 * sqlite_schema, one query per kind (tables, columns, indexes with their
 * columns, foreign keys, views, triggers: six in all), completed from the
 * stored CREATE statements for what no pragma tells (checks, names, COLLATE,
 * expressions, a view's query, a trigger's timing and events).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "sql/quote.h"
#include "util/buf.h"

typedef struct sq_reader {
	mg_catalog_impl *c;
	const char *schema;
	mg_buf master; /* "schema".sqlite_master */
	mg_map defs;   /* table name -> mg_sqlite_tabledef* (scanned CREATE TABLE) */
} sq_reader;

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool same_ci(const char *a, const char *b)
{
	return a && b && !strcasecmp(a, b);
}

static bool same_lists_ci(const char **a, size_t na, const char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (!same_ci(a[i], b[i]))
			return false;
	}
	return true;
}

static int read_tables(sq_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "name", "sql" };
	enum { NAME, SQL, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	mg_buf_printf(&sql,
		"SELECT name AS name, sql AS sql FROM %s"
		" WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%%' ESCAPE '\\'",
		r->master.ptr);
	rc = mg_cat_query(r->c, "tables", sql.ptr, 0, NULL, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_table *t = mg_cat_add_table(r->c, mg_rows_get(&rows, i, idx[NAME]));
		mg_sqlite_tabledef *def;
		if (!t)
			continue;
		def = mg_arena_alloc(&r->c->arena, sizeof(*def));
		mg_cat_sqlite_scan_table(r->c, mg_rows_get(&rows, i, idx[SQL]), def);
		mg_map_put(&r->defs, t->name, def);
	}
	mg_rows_release(&rows);
	return rc;
}

static const mg_sqlite_coldef *find_coldef(const mg_sqlite_tabledef *def, const char *name)
{
	for (size_t i = 0; def && i < def->ncols; i++) {
		if (same_ci(def->cols[i].name, name))
			return &def->cols[i];
	}
	return NULL;
}

static int read_columns(sq_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "tbl", "name", "type", "notnull", "dflt", "pk",
					     "hidden" };
	enum { TBL, NAME, TYPE, NOTNULL, DFLT, PK, HIDDEN, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	/* pk holds the column's 1-based place in the primary key; hidden is 2
	 * for a virtual and 3 for a stored generated column. */
	mg_buf_printf(&sql,
		"SELECT m.name AS tbl, c.name AS name, c.type AS type, c.\"notnull\" AS \"notnull\","
		" c.dflt_value AS dflt, c.pk AS pk, c.hidden AS hidden"
		" FROM %s m JOIN pragma_table_xinfo(m.name, ?1) c"
		" WHERE m.type = 'table' ORDER BY m.name, c.cid",
		r->master.ptr);
	rc = mg_cat_query(r->c, "columns", sql.ptr, 1, &r->schema, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_table *t = mg_cat_find(c, mg_rows_get(&rows, i, idx[TBL]));
		const mg_sqlite_tabledef *def;
		const mg_sqlite_coldef *cd;
		const char *pk = mg_rows_get(&rows, i, idx[PK]);
		const char *hidden = mg_rows_get(&rows, i, idx[HIDDEN]);
		mg_column *col;

		if (!t)
			continue;
		def = mg_map_get(&r->defs, t->name);
		col = mg_arena_alloc(&c->arena, sizeof(*col));
		col->name = mg_cat_str(c, mg_rows_get(&rows, i, idx[NAME]));
		col->type = mg_cat_str(c, mg_rows_get(&rows, i, idx[TYPE]) ? mg_rows_get(&rows, i, idx[TYPE]) : "");
		col->affinity = mg_cat_sqlite_affinity(col->type);
		col->nullable = !same(mg_rows_get(&rows, i, idx[NOTNULL]), "1");
		col->default_expr = mg_cat_str(c, mg_rows_get(&rows, i, idx[DFLT]));
		cd = find_coldef(def, col->name);
		if (cd && cd->collation && strcasecmp(cd->collation, "BINARY"))
			col->collation = cd->collation;
		if (same(hidden, "2") || same(hidden, "3")) {
			col->generated = same(hidden, "3") ? MG_GENERATED_STORED : MG_GENERATED_VIRTUAL;
			col->generated_expr = cd ? cd->generated_expr : NULL;
		}
		col->position = (int)t->ncolumns + 1;
		MG_CAT_PUSH(&c->arena, t->columns, t->ncolumns, col);

		if (pk && atoi(pk) > 0) {
			size_t at = (size_t)atoi(pk) - 1;
			if (!t->primary_key) {
				t->primary_key = mg_arena_alloc(&c->arena, sizeof(*t->primary_key));
				t->primary_key->name = def ? def->pk_name : NULL;
			}
			mg_primary_key *p = t->primary_key;
			/* Grow to `at` with NULLs, then place: pk order need not be cid order. */
			while (p->ncolumns <= at)
				MG_CAT_PUSH(&c->arena, p->columns, p->ncolumns, (const char *)NULL);
			p->columns[at] = col->name;
			/* AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY. */
			if (def && def->autoincrement)
				col->identity = MG_IDENTITY_AUTO_INCREMENT;
		}
	}
	mg_rows_release(&rows);
	return rc;
}

/* Rows: one per index column (key and auxiliary), ordered by table, index
 * and position; consecutive rows of one index build it. */
static int read_indexes(sq_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "tbl",  "name", "is_unique", "origin", "sql",
					     "seqno", "cid", "col",       "is_desc", "coll",
					     "is_key" };
	enum { TBL, NAME, UNIQUE, ORIGIN, SQL, SEQNO, CID, COL, DESC, COLL, KEY, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;
	mg_index *ix = NULL;
	mg_unique *uq = NULL;
	const char **exprs = NULL;
	size_t nexprs = 0;

	mg_buf_printf(&sql,
		"SELECT m.name AS tbl, il.name AS name, il.\"unique\" AS is_unique,"
		" il.origin AS origin, s.sql AS sql, x.seqno AS seqno, x.cid AS cid, x.name AS col,"
		" x.\"desc\" AS is_desc, x.coll AS coll, x.\"key\" AS is_key"
		" FROM %s m JOIN pragma_index_list(m.name, ?1) il"
		" JOIN pragma_index_xinfo(il.name, ?1) x"
		" LEFT JOIN %s s ON s.type = 'index' AND s.name = il.name"
		" WHERE m.type = 'table' ORDER BY m.name, il.name, x.seqno",
		r->master.ptr, r->master.ptr);
	rc = mg_cat_query(r->c, "indexes", sql.ptr, 1, &r->schema, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_table *t = mg_cat_find(c, mg_rows_get(&rows, i, idx[TBL]));
		const char *origin = mg_rows_get(&rows, i, idx[ORIGIN]);
		const char *col = mg_rows_get(&rows, i, idx[COL]);
		const char *coll = mg_rows_get(&rows, i, idx[COLL]);
		size_t seqno = (size_t)atoi(mg_rows_get(&rows, i, idx[SEQNO]) ? mg_rows_get(&rows, i, idx[SEQNO]) : "0");

		if (!t || same(origin, "pk"))
			continue; /* the primary key came with the columns */
		if (seqno == 0) {
			ix = NULL;
			uq = NULL;
			if (same(origin, "u")) {
				uq = mg_arena_alloc(&c->arena, sizeof(*uq));
				MG_CAT_PUSH(&c->arena, t->uniques, t->nuniques, uq);
			} else {
				const char *where = NULL;
				ix = mg_arena_alloc(&c->arena, sizeof(*ix));
				ix->name = mg_cat_str(c, mg_rows_get(&rows, i, idx[NAME]));
				ix->unique = same(mg_rows_get(&rows, i, idx[UNIQUE]), "1");
				mg_cat_sqlite_scan_index(c, mg_rows_get(&rows, i, idx[SQL]), &exprs,
							 &nexprs, &where);
				ix->where = where;
				MG_CAT_PUSH(&c->arena, t->indexes, t->nindexes, ix);
			}
		}
		if (!same(mg_rows_get(&rows, i, idx[KEY]), "1"))
			continue; /* the rowid tail */
		if (uq) {
			MG_CAT_PUSH(&c->arena, uq->columns, uq->ncolumns, mg_cat_str(c, col));
		} else if (ix) {
			mg_index_elem e = { 0 };
			const mg_column *tc = col ? mg_table_column(t, col) : NULL;
			e.column = mg_cat_str(c, col);
			if (!col)
				e.expr = seqno < nexprs ? exprs[seqno] : "?";
			e.desc = same(mg_rows_get(&rows, i, idx[DESC]), "1");
			/* Only a collation the column does not already imply. */
			if (coll && strcasecmp(coll, tc && tc->collation ? tc->collation : "BINARY"))
				e.collation = mg_cat_str(c, coll);
			MG_CAT_PUSH(&c->arena, ix->elems, ix->nelems, e);
		}
	}
	mg_rows_release(&rows);
	return rc;
}

static int read_foreign_keys(sq_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "tbl", "seq", "ref_table", "col", "ref_col",
					     "on_update", "on_delete" };
	enum { TBL, SEQ, REF_TABLE, COL, REF_COL, ON_UPDATE, ON_DELETE, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;
	mg_foreign_key *fk = NULL;
	size_t nref = 0;

	mg_buf_printf(&sql,
		"SELECT m.name AS tbl, f.id AS id, f.seq AS seq, f.\"table\" AS ref_table,"
		" f.\"from\" AS col, f.\"to\" AS ref_col, f.on_update AS on_update,"
		" f.on_delete AS on_delete"
		" FROM %s m JOIN pragma_foreign_key_list(m.name, ?1) f"
		" WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
		r->master.ptr);
	rc = mg_cat_query(r->c, "foreign keys", sql.ptr, 1, &r->schema, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_table *t = mg_cat_find(c, mg_rows_get(&rows, i, idx[TBL]));
		if (!t)
			continue;
		if (same(mg_rows_get(&rows, i, idx[SEQ]), "0")) {
			fk = mg_arena_alloc(&c->arena, sizeof(*fk));
			fk->ref_schema = r->schema;
			fk->ref_table = mg_cat_str(c, mg_rows_get(&rows, i, idx[REF_TABLE]));
			fk->on_update = mg_cat_fk_action(mg_rows_get(&rows, i, idx[ON_UPDATE]));
			fk->on_delete = mg_cat_fk_action(mg_rows_get(&rows, i, idx[ON_DELETE]));
			nref = 0;
			MG_CAT_PUSH(&c->arena, t->foreign_keys, t->nforeign_keys, fk);
		}
		if (!fk)
			continue;
		MG_CAT_PUSH(&c->arena, fk->columns, fk->ncolumns,
			    mg_cat_str(c, mg_rows_get(&rows, i, idx[COL])));
		/* NULL "to": the referenced table's primary key, filled in later. */
		MG_CAT_PUSH(&c->arena, fk->ref_columns, nref,
			    mg_cat_str(c, mg_rows_get(&rows, i, idx[REF_COL])));
	}
	mg_rows_release(&rows);
	return rc;
}

/* Next word of SQL text outside quotes and comments, into word (uppercased
 * when bare); quoted identifiers and strings come back as one word with
 * their quotes. Returns the position after it, or NULL at the end. */
static const char *next_word(const char *p, char *word, size_t cap)
{
	size_t n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			break;
		}
	}
	if (!*p)
		return NULL;
	if (*p == '"' || *p == '`' || *p == '\'' || *p == '[') {
		char close = *p == '[' ? ']' : *p;
		const char *s = p++;
		while (*p && !(*p == close && p[1] != close)) {
			if (*p == close)
				p++;
			p++;
		}
		if (*p)
			p++;
		n = (size_t)(p - s) < cap - 1 ? (size_t)(p - s) : cap - 1;
		memcpy(word, s, n);
	} else if (*p == '(' || *p == ')' || *p == ',' || *p == '.' || *p == ';') {
		word[n++] = *p++;
	} else {
		while (*p && !strchr(" \t\r\n()\"'`[,.;", *p)) {
			if (n < cap - 1)
				word[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
			p++;
		}
	}
	word[n] = '\0';
	return p;
}

/* The query of CREATE VIEW name [(cols)] AS query: the text after the
 * first AS at parenthesis depth 0, without a trailing semicolon. */
static const char *view_query(mg_catalog_impl *c, const char *sql)
{
	char w[64];
	int depth = 0;
	const char *p = sql;

	while (p && (p = next_word(p, w, sizeof(w)))) {
		if (!strcmp(w, "("))
			depth++;
		else if (!strcmp(w, ")"))
			depth--;
		else if (depth == 0 && !strcmp(w, "AS")) {
			size_t n;
			while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
				p++;
			n = strlen(p);
			while (n && strchr(" \t\r\n;", p[n - 1]))
				n--;
			return mg_arena_strndup(&c->arena, p, n);
		}
	}
	return mg_cat_str(c, sql);
}

static int read_views(sq_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "name", "sql" };
	enum { NAME, SQL, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	mg_buf_printf(&sql, "SELECT name AS name, sql AS sql FROM %s WHERE type = 'view'",
		      r->master.ptr);
	rc = mg_cat_query(r->c, "views", sql.ptr, 0, NULL, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_view *v = mg_cat_add_view(r->c, mg_rows_get(&rows, i, idx[NAME]));
		if (v)
			v->definition = view_query(r->c, mg_rows_get(&rows, i, idx[SQL]));
	}
	mg_rows_release(&rows);
	return rc;
}

/* Timing and events of CREATE TRIGGER from the words before ON (SQLite's
 * default timing is BEFORE). */
static void scan_trigger(mg_catalog_impl *c, mg_trigger *t, const char *sql)
{
	char w[64];
	const char *p = sql;
	const char *timing = "BEFORE";
	mg_buf events = MG_BUF_INIT;

	while (p && (p = next_word(p, w, sizeof(w)))) {
		if (!strcmp(w, "ON"))
			break;
		if (!strcmp(w, "BEFORE") || !strcmp(w, "AFTER"))
			timing = !strcmp(w, "AFTER") ? "AFTER" : "BEFORE";
		else if (!strcmp(w, "INSTEAD"))
			timing = "INSTEAD OF";
		else if (!strcmp(w, "INSERT") || !strcmp(w, "UPDATE") || !strcmp(w, "DELETE"))
			mg_buf_puts(&events, w);
	}
	t->timing = timing;
	t->events = mg_cat_str(c, events.ptr);
	mg_buf_release(&events);
}

static int read_triggers(sq_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "name", "tbl", "sql" };
	enum { NAME, TBL, SQL, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	mg_buf_printf(&sql,
		      "SELECT name AS name, tbl_name AS tbl, sql AS sql FROM %s WHERE type = 'trigger'",
		      r->master.ptr);
	rc = mg_cat_query(r->c, "triggers", sql.ptr, 0, NULL, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		const char *def = mg_rows_get(&rows, i, idx[SQL]);
		mg_trigger *t;
		size_t n;

		if (mg_map_has(&c->excluded, mg_rows_get(&rows, i, idx[TBL])))
			continue;
		t = mg_arena_alloc(&c->arena, sizeof(*t));
		t->name = mg_cat_str(c, mg_rows_get(&rows, i, idx[NAME]));
		t->table = mg_cat_str(c, mg_rows_get(&rows, i, idx[TBL]));
		n = def ? strlen(def) : 0;
		while (n && strchr(" \t\r\n;", def[n - 1]))
			n--;
		t->definition = def ? mg_arena_strndup(&c->arena, def, n) : NULL;
		t->for_each_row = true;
		if (def)
			scan_trigger(c, t, def);
		MG_CAT_PUSH(&c->arena, c->pub.triggers, c->pub.ntriggers, t);
	}
	mg_rows_release(&rows);
	return rc;
}

/* Joins what the CREATE statements said to what the pragmas gave. */
static void complete_from_ddl(sq_reader *r)
{
	mg_catalog_impl *c = r->c;

	for (size_t i = 0; i < c->pub.ntables; i++) {
		mg_table *t = c->pub.tables[i];
		const mg_sqlite_tabledef *def = mg_map_get(&r->defs, t->name);

		for (size_t k = 0; k < t->nforeign_keys; k++) {
			mg_foreign_key *fk = t->foreign_keys[k];
			const mg_table *ref = mg_cat_find(c, fk->ref_table);
			for (size_t j = 0; j < fk->ncolumns; j++) {
				if (fk->ref_columns[j])
					continue;
				fk->ref_columns[j] = ref && ref->primary_key &&
								     j < ref->primary_key->ncolumns
							     ? ref->primary_key->columns[j]
							     : "";
			}
			for (size_t j = 0; def && j < def->nfks; j++) {
				const mg_sqlite_named *n = def->fks[j];
				if (same_ci(n->ref_table, fk->ref_table) &&
				    same_lists_ci(n->columns, n->ncolumns, fk->columns, fk->ncolumns)) {
					fk->name = n->name;
					fk->deferrable = n->deferrable;
					fk->initially_deferred = n->initially_deferred;
					break;
				}
			}
		}
		for (size_t k = 0; def && k < t->nuniques; k++) {
			mg_unique *u = t->uniques[k];
			for (size_t j = 0; j < def->nuniques; j++) {
				const mg_sqlite_named *n = def->uniques[j];
				if (same_lists_ci(n->columns, n->ncolumns, u->columns, u->ncolumns)) {
					u->name = n->name;
					break;
				}
			}
		}
		if (def) {
			t->checks = def->checks;
			t->nchecks = def->nchecks;
		}
	}
}

int mg_cat_read_sqlite(mg_catalog_impl *c, const char *schema, mg_error *err)
{
	sq_reader r = { c, NULL, MG_BUF_INIT, { 0 } };
	int rc;

	mg_map_init(&r.defs);
	r.schema = c->pub.schema = mg_cat_str(c, schema ? schema : "main");
	/* sqlite_master: the name every version knows (sqlite_schema is 3.33+). */
	mg_sql_quote_ident(MG_DIALECT_SQLITE, &r.master, r.schema);
	mg_buf_puts(&r.master, ".sqlite_master");

	rc = read_tables(&r, err);
	if (rc == MG_OK)
		rc = read_columns(&r, err);
	if (rc == MG_OK)
		rc = read_indexes(&r, err);
	if (rc == MG_OK)
		rc = read_foreign_keys(&r, err);
	if (rc == MG_OK)
		rc = read_views(&r, err);
	if (rc == MG_OK)
		rc = read_triggers(&r, err);
	if (rc == MG_OK)
		complete_from_ddl(&r);
	if (rc != MG_OK && err && strstr(err->msg, "no such table"))
		rc = mg_error_set(err, MG_ENOTFOUND, "database \"%s\" is not attached", r.schema);
	mg_map_release(&r.defs);
	mg_buf_release(&r.master);
	return rc;
}

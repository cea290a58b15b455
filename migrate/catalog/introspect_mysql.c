/*
 * MySQL and MariaDB introspection through information_schema: one query per
 * object kind for the whole database (ten in all: database, tables, views,
 * columns of both, indexes, foreign keys, checks, routines with their
 * parameters, triggers, events), columns fetched by name,
 * SQL gated on the server (MySQL 8 functional indexes and check constraints
 * from 8.0.16; MariaDB 10.2+ checks and its quoted COLUMN_DEFAULT form).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/map.h"

typedef struct my_reader {
	mg_catalog_impl *c;
	const char *schema;
	const char *db_collation;
	bool mariadb;
	long version;
	/* include_schemas: the configured database when reading another one;
	 * its qualifier is the one views lose (NULL: the own one). */
	const char *home;
} my_reader;

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

#define GET(k) mg_rows_get(&rows, i, idx[k])

/* VIEW_DEFINITION qualifies every name, `db`.`t`.`c`: drop the qualifier
 * of the view's own database (outside string literals), so that the same
 * view read from two databases reads alike. Other databases stay named. */
static char *strip_own_db(mg_catalog_impl *c, const char *def, const char *db)
{
	mg_buf b = MG_BUF_INIT, own = MG_BUF_INIT;
	char *out;

	if (!def)
		return NULL;
	mg_buf_putc(&own, '`');
	for (const char *p = db; *p; p++) {
		if (*p == '`')
			mg_buf_putc(&own, '`');
		mg_buf_putc(&own, *p);
	}
	mg_buf_puts(&own, "`.");
	for (const char *p = def; *p;) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *e = p + 1;
			while (*e && *e != q) {
				if (*e == '\\' && e[1])
					e++;
				e++;
			}
			if (*e)
				e++;
			mg_buf_add(&b, p, (size_t)(e - p));
			p = e;
		} else if (*p == '`') {
			if (!strncmp(p, own.ptr, own.len)) {
				p += own.len;
				continue;
			}
			const char *e = p + 1;
			while (*e && !(*e == '`' && e[1] != '`')) {
				if (*e == '`')
					e++;
				e++;
			}
			if (*e)
				e++;
			mg_buf_add(&b, p, (size_t)(e - p));
			p = e;
		} else {
			mg_buf_putc(&b, *p++);
		}
	}
	out = mg_arena_strdup(&c->arena, b.ptr);
	mg_buf_release(&b);
	mg_buf_release(&own);
	return out;
}

static int read_tables(my_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT TABLE_NAME AS name, ENGINE AS engine, TABLE_COLLATION AS collation,"
		" TABLE_COMMENT AS comment"
		" FROM information_schema.TABLES"
		" WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'";
	static const char *const names[] = { "name", "engine", "collation", "comment" };
	enum { NAME, ENGINE, COLLATION, COMMENT, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "tables", sql, 1, &r->schema, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_table *t = mg_cat_add_table(r->c, mg_rows_get(&rows, i, idx[NAME]));
		if (!t)
			continue;
		t->engine = mg_cat_strnz(r->c, mg_rows_get(&rows, i, idx[ENGINE]));
		t->collation = mg_cat_strnz(r->c, mg_rows_get(&rows, i, idx[COLLATION]));
		t->comment = mg_cat_strnz(r->c, mg_rows_get(&rows, i, idx[COMMENT]));
	}
	mg_rows_release(&rows);
	return rc;
}

static int read_columns(my_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name, COLUMN_TYPE AS type,"
		" DATA_TYPE AS data_type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt,"
		" EXTRA AS extra, GENERATION_EXPRESSION AS gen, COLLATION_NAME AS collation,"
		" COLUMN_COMMENT AS comment"
		" FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?"
		" ORDER BY TABLE_NAME, ORDINAL_POSITION";
	static const char *const names[] = { "tbl",   "name", "type",      "data_type", "nullable",
					     "dflt",  "extra", "gen",      "collation", "comment" };
	enum { TBL, NAME, TYPE, DATA_TYPE, NULLABLE, DFLT, EXTRA, GEN, COLLATION, COMMENT, NCOLS };
	/* MariaDB 10.2.7 began to quote literal defaults and to spell "no
	 * default" as the word NULL. */
	int quoted = r->mariadb && r->version >= 100207;
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "columns", sql, 1, &r->schema, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_table *t = mg_cat_find(c, mg_rows_get(&rows, i, idx[TBL]));
		const char *extra = mg_rows_get(&rows, i, idx[EXTRA]);
		const char *collation = mg_rows_get(&rows, i, idx[COLLATION]);
		mg_column *col;

		if (!t) {
			/* A view's output columns come in the same rows. */
			mg_view *v = mg_cat_find_view(c, mg_rows_get(&rows, i, idx[TBL]));
			size_t n;
			if (!v)
				continue;
			n = v->ncolumns;
			MG_CAT_PUSH(&c->arena, v->columns, v->ncolumns,
				    mg_cat_str(c, mg_rows_get(&rows, i, idx[NAME])));
			MG_CAT_PUSH(&c->arena, v->column_types, n,
				    mg_cat_mysql_type(c, mg_rows_get(&rows, i, idx[TYPE])));
			continue;
		}
		col = mg_arena_alloc(&c->arena, sizeof(*col));
		col->name = mg_cat_str(c, mg_rows_get(&rows, i, idx[NAME]));
		col->type = mg_cat_mysql_type(c, mg_rows_get(&rows, i, idx[TYPE]));
		col->nullable = same(mg_rows_get(&rows, i, idx[NULLABLE]), "YES");
		col->comment = mg_cat_strnz(c, mg_rows_get(&rows, i, idx[COMMENT]));
		if (collation && !same(collation, t->collation))
			col->collation = mg_cat_str(c, collation);
		if (extra && strcasestr(extra, "auto_increment"))
			col->identity = MG_IDENTITY_AUTO_INCREMENT;
		if (extra && (strcasestr(extra, "STORED GENERATED") || strcasestr(extra, "PERSISTENT")))
			col->generated = MG_GENERATED_STORED;
		else if (extra && strcasestr(extra, "VIRTUAL"))
			col->generated = MG_GENERATED_VIRTUAL;
		if (col->generated)
			col->generated_expr = mg_cat_str(c, mg_rows_get(&rows, i, idx[GEN]));
		else
			col->default_expr = mg_cat_mysql_default(
				c, mg_rows_get(&rows, i, idx[DFLT]),
				mg_rows_get(&rows, i, idx[DATA_TYPE]), extra, quoted);
		col->position = (int)t->ncolumns + 1;
		MG_CAT_PUSH(&c->arena, t->columns, t->ncolumns, col);
	}
	mg_rows_release(&rows);
	return rc;
}

/* One row per index column, ordered: consecutive rows of one index build it. */
static int read_indexes(my_reader *r, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	static const char *const names[] = { "tbl",       "name", "non_unique", "seq",
					     "col",       "dir",  "sub_part",   "method",
					     "expr" };
	enum { TBL, NAME, NON_UNIQUE, SEQ, COL, DIR, SUB_PART, METHOD, EXPR, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;
	mg_index *ix = NULL;
	mg_primary_key *pk = NULL;

	mg_buf_printf(&sql,
		"SELECT TABLE_NAME AS tbl, INDEX_NAME AS name, NON_UNIQUE AS non_unique,"
		" SEQ_IN_INDEX AS seq, COLUMN_NAME AS col, COLLATION AS dir, SUB_PART AS sub_part,"
		" INDEX_TYPE AS method, %s AS expr"
		" FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?"
		" ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
		!r->mariadb && r->version >= 80013 ? "EXPRESSION" : "NULL");
	rc = mg_cat_query(r->c, "indexes", sql.ptr, 1, &r->schema, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_table *t = mg_cat_find(c, mg_rows_get(&rows, i, idx[TBL]));
		const char *name = mg_rows_get(&rows, i, idx[NAME]);
		const char *col = mg_rows_get(&rows, i, idx[COL]);
		const char *sub = mg_rows_get(&rows, i, idx[SUB_PART]);
		bool first = same(mg_rows_get(&rows, i, idx[SEQ]), "1");

		if (!t || !name)
			continue;
		if (same(name, "PRIMARY")) {
			if (first) {
				pk = mg_arena_alloc(&c->arena, sizeof(*pk));
				pk->name = mg_cat_str(c, name);
				t->primary_key = pk;
			}
			if (pk && col)
				MG_CAT_PUSH(&c->arena, pk->columns, pk->ncolumns, mg_cat_str(c, col));
			continue;
		}
		if (first) {
			ix = mg_arena_alloc(&c->arena, sizeof(*ix));
			ix->name = mg_cat_str(c, name);
			ix->unique = same(mg_rows_get(&rows, i, idx[NON_UNIQUE]), "0");
			ix->method = mg_cat_strnz(c, mg_rows_get(&rows, i, idx[METHOD]));
			MG_CAT_PUSH(&c->arena, t->indexes, t->nindexes, ix);
		}
		if (!ix)
			continue;
		mg_index_elem e = { 0 };
		e.column = mg_cat_str(c, col);
		if (!col)
			e.expr = mg_cat_str(c, mg_rows_get(&rows, i, idx[EXPR]));
		e.desc = same(mg_rows_get(&rows, i, idx[DIR]), "D");
		e.prefix_length = sub ? atoi(sub) : 0;
		MG_CAT_PUSH(&c->arena, ix->elems, ix->nelems, e);
	}
	mg_rows_release(&rows);
	return rc;
}

/*
 * Foreign keys in two queries joined here: MariaDB evaluates the join of
 * REFERENTIAL_CONSTRAINTS with KEY_COLUMN_USAGE table by table (616 ms at
 * 2,000 tables, most of a warm `check`), while each view alone takes
 * 40-60 ms. The rules are keyed by table and constraint name.
 */
static int read_fk_rules(my_reader *r, mg_map *rules, mg_arena *keys, mg_rows *rows, int *upd, int *del,
			 mg_error *err)
{
	static const char sql[] =
		"SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, UPDATE_RULE AS on_update,"
		" DELETE_RULE AS on_delete"
		" FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?";
	static const char *const names[] = { "tbl", "name", "on_update", "on_delete" };
	int idx[4], rc;

	rc = mg_cat_query(r->c, "foreign key rules", sql, 1, &r->schema, rows, err);
	if (rc != MG_OK || (rc = mg_cat_cols(rows, names, idx, 4, err)) != MG_OK)
		return rc;
	/* The map gives a row's cells; *upd and *del index them. */
	for (size_t i = 0; i < rows->nrows; i++)
		mg_map_put(rules,
			   mg_arena_printf(keys, "%s\x1f%s", mg_rows_get(rows, i, idx[0]), mg_rows_get(rows, i, idx[1])),
			   rows->cells + i * rows->ncols);
	*upd = idx[2];
	*del = idx[3];
	return MG_OK;
}

static int read_foreign_keys(my_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, ORDINAL_POSITION AS seq,"
		" COLUMN_NAME AS col, REFERENCED_TABLE_SCHEMA AS ref_schema,"
		" REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_col"
		" FROM information_schema.KEY_COLUMN_USAGE"
		" WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL"
		" ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";
	static const char *const names[] = { "tbl", "name", "seq", "col", "ref_schema", "ref_table", "ref_col" };
	enum { TBL, NAME, SEQ, COL, REF_SCHEMA, REF_TABLE, REF_COL, NCOLS };
	int idx[NCOLS], rc, upd = 0, del = 0;
	mg_rows rows, rule_rows;
	mg_map rules;
	mg_arena keys; /* the map's keys */
	mg_buf key = MG_BUF_INIT;
	mg_foreign_key *fk = NULL;
	size_t nref = 0;

	mg_map_init(&rules);
	mg_arena_init(&keys);
	memset(&rule_rows, 0, sizeof(rule_rows));
	memset(&rows, 0, sizeof(rows));
	if ((rc = read_fk_rules(r, &rules, &keys, &rule_rows, &upd, &del, err)) != MG_OK ||
	    (rc = mg_cat_query(r->c, "foreign keys", sql, 1, &r->schema, &rows, err)) != MG_OK)
		goto out;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_table *t = mg_cat_find(c, mg_rows_get(&rows, i, idx[TBL]));

		if (!t)
			continue;
		if (same(mg_rows_get(&rows, i, idx[SEQ]), "1")) {
			char **rule;
			mg_buf_clear(&key);
			mg_buf_printf(&key, "%s\x1f%s", mg_rows_get(&rows, i, idx[TBL]), mg_rows_get(&rows, i, idx[NAME]));
			rule = mg_map_get(&rules, key.ptr);
			fk = NULL;
			if (!rule) /* no referential constraint of that name: not a foreign key */
				continue;
			fk = mg_arena_alloc(&c->arena, sizeof(*fk));
			fk->name = mg_cat_str(c, mg_rows_get(&rows, i, idx[NAME]));
			fk->ref_schema = mg_cat_str(c, mg_rows_get(&rows, i, idx[REF_SCHEMA]));
			fk->ref_table = mg_cat_str(c, mg_rows_get(&rows, i, idx[REF_TABLE]));
			fk->on_update = mg_cat_fk_action(rule[upd]);
			fk->on_delete = mg_cat_fk_action(rule[del]);
			nref = 0;
			MG_CAT_PUSH(&c->arena, t->foreign_keys, t->nforeign_keys, fk);
		}
		if (!fk)
			continue;
		MG_CAT_PUSH(&c->arena, fk->columns, fk->ncolumns,
			    mg_cat_str(c, mg_rows_get(&rows, i, idx[COL])));
		MG_CAT_PUSH(&c->arena, fk->ref_columns, nref,
			    mg_cat_str(c, mg_rows_get(&rows, i, idx[REF_COL])));
	}
out:
	mg_rows_release(&rows);
	mg_rows_release(&rule_rows);
	mg_map_release(&rules);
	mg_arena_release(&keys);
	mg_buf_release(&key);
	return rc;
}

static int read_checks(my_reader *r, mg_error *err)
{
	/* MariaDB names the table in CHECK_CONSTRAINTS (names are per table
	 * there); MySQL 8.0.16+ does not (names are per schema), so its table
	 * comes from TABLE_CONSTRAINTS. */
	static const char mariadb_sql[] =
		"SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS expr"
		" FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?";
	static const char mysql_sql[] =
		"SELECT tc.TABLE_NAME AS tbl, cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS expr"
		" FROM information_schema.CHECK_CONSTRAINTS cc"
		" JOIN information_schema.TABLE_CONSTRAINTS tc"
		"  ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA"
		"  AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'"
		" WHERE cc.CONSTRAINT_SCHEMA = ?";
	static const char *const names[] = { "tbl", "name", "expr" };
	enum { TBL, NAME, EXPR, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	if (r->mariadb ? r->version < 100201 : r->version < 80016)
		return MG_OK; /* no CHECK_CONSTRAINTS: checks were parsed and ignored */
	rc = mg_cat_query(r->c, "check constraints", r->mariadb ? mariadb_sql : mysql_sql, 1,
			  &r->schema, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_table *t = mg_cat_find(r->c, mg_rows_get(&rows, i, idx[TBL]));
		mg_check *ck;
		if (!t)
			continue;
		ck = mg_arena_alloc(&r->c->arena, sizeof(*ck));
		ck->name = mg_cat_str(r->c, mg_rows_get(&rows, i, idx[NAME]));
		ck->expr = mg_cat_str(r->c, mg_rows_get(&rows, i, idx[EXPR]));
		MG_CAT_PUSH(&r->c->arena, t->checks, t->nchecks, ck);
	}
	mg_rows_release(&rows);
	return rc;
}

/* Views, before the columns (which fill in theirs). */
static int read_views(my_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT TABLE_NAME AS name, VIEW_DEFINITION AS def, CHECK_OPTION AS check_option,"
		" SECURITY_TYPE AS security"
		" FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?";
	static const char *const names[] = { "name", "def", "check_option", "security" };
	enum { NAME, DEF, CHECK_OPTION, SECURITY, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "views", sql, 1, &r->schema, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_view *v = mg_cat_add_view(r->c, GET(NAME));
		if (!v)
			continue;
		v->definition = strip_own_db(r->c, GET(DEF), r->home ? r->home : r->schema);
		if (GET(CHECK_OPTION) && strcmp(GET(CHECK_OPTION), "NONE"))
			v->check_option = mg_cat_str(r->c, GET(CHECK_OPTION));
		if (GET(SECURITY) && strcmp(GET(SECURITY), "DEFINER"))
			v->security = mg_cat_str(r->c, GET(SECURITY));
	}
	mg_rows_release(&rows);
	return rc;
}

/* Functions and procedures, one row per parameter (ordered): consecutive
 * rows of one routine build its argument list. A function's return value
 * (PARAMETERS position 0) is DTD_IDENTIFIER of ROUTINES instead. */
static int read_routines(my_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT r.ROUTINE_NAME AS name, r.ROUTINE_TYPE AS kind, r.DTD_IDENTIFIER AS result,"
		" r.ROUTINE_BODY AS language, r.ROUTINE_DEFINITION AS def,"
		" r.IS_DETERMINISTIC AS is_det, r.SQL_DATA_ACCESS AS data_access,"
		" r.SECURITY_TYPE AS security, r.ROUTINE_COMMENT AS comment,"
		" p.ORDINAL_POSITION AS pos, p.PARAMETER_MODE AS mode, p.PARAMETER_NAME AS pname,"
		" p.DTD_IDENTIFIER AS ptype"
		" FROM information_schema.ROUTINES r"
		" LEFT JOIN information_schema.PARAMETERS p"
		"  ON p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.SPECIFIC_NAME"
		"  AND p.ROUTINE_TYPE = r.ROUTINE_TYPE AND p.ORDINAL_POSITION > 0"
		" WHERE r.ROUTINE_SCHEMA = ?"
		" ORDER BY r.ROUTINE_TYPE, r.ROUTINE_NAME, p.ORDINAL_POSITION";
	static const char *const names[] = { "name",     "kind",    "result", "language",
					     "def",      "is_det",  "data_access",
					     "security", "comment", "pos",    "mode",
					     "pname",    "ptype" };
	enum { NAME, KIND, RESULT, LANGUAGE, DEF, DETERMINISTIC, DATA_ACCESS, SECURITY, COMMENT,
	       POS, MODE, PNAME, PTYPE, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;
	mg_function *f = NULL;
	mg_buf args = MG_BUF_INIT;

	rc = mg_cat_query(r->c, "routines", sql, 1, &r->schema, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		bool proc = same(GET(KIND), "PROCEDURE");

		if (!f || f->procedure != proc || !same(f->name, GET(NAME))) {
			if (f)
				f->args = mg_cat_str(c, args.ptr);
			mg_buf_clear(&args);
			f = mg_arena_alloc(&c->arena, sizeof(*f));
			f->name = mg_cat_str(c, GET(NAME));
			f->signature = f->name;
			f->procedure = proc;
			f->result = proc ? NULL : mg_cat_mysql_type(c, GET(RESULT));
			f->language = mg_cat_str(c, GET(LANGUAGE));
			f->definition = mg_cat_str(c, GET(DEF));
			f->volatility = same(GET(DETERMINISTIC), "YES") ? 'i' : 'v';
			f->data_access = mg_cat_strnz(c, GET(DATA_ACCESS));
			f->security_definer = !same(GET(SECURITY), "INVOKER");
			f->comment = mg_cat_strnz(c, GET(COMMENT));
			MG_CAT_PUSH(&c->arena, c->pub.functions, c->pub.nfunctions, f);
		}
		if (!GET(POS))
			continue; /* no parameters */
		if (args.len)
			mg_buf_puts(&args, ", ");
		if (proc && GET(MODE))
			mg_buf_printf(&args, "%s ", GET(MODE));
		mg_buf_putc(&args, '`');
		for (const char *p = GET(PNAME) ? GET(PNAME) : ""; *p; p++) {
			if (*p == '`')
				mg_buf_putc(&args, '`');
			mg_buf_putc(&args, *p);
		}
		mg_buf_printf(&args, "` %s", mg_cat_mysql_type(c, GET(PTYPE)));
	}
	if (f)
		f->args = mg_cat_str(r->c, args.ptr);
	mg_buf_release(&args);
	mg_rows_release(&rows);
	return rc;
}

static int read_triggers(my_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, ACTION_TIMING AS timing,"
		" EVENT_MANIPULATION AS event, ACTION_ORDER AS ord, ACTION_STATEMENT AS def"
		" FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?";
	static const char *const names[] = { "name", "tbl", "timing", "event", "ord", "def" };
	enum { NAME, TBL, TIMING, EVENT, ORD, DEF, NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "triggers", sql, 1, &r->schema, &rows, err);
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
		t->timing = mg_cat_str(c, GET(TIMING));
		t->events = mg_cat_str(c, GET(EVENT));
		t->order = (int)mg_cat_ll(GET(ORD));
		t->definition = mg_cat_str(c, GET(DEF));
		t->for_each_row = true;
		MG_CAT_PUSH(&c->arena, c->pub.triggers, c->pub.ntriggers, t);
	}
	mg_rows_release(&rows);
	return rc;
}

static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

static int read_events(my_reader *r, mg_error *err)
{
	static const char sql[] =
		"SELECT EVENT_NAME AS name, EVENT_TYPE AS type, EXECUTE_AT AS at,"
		" INTERVAL_VALUE AS ival, INTERVAL_FIELD AS ifield, STARTS AS starts, ENDS AS ends,"
		" ON_COMPLETION AS completion, STATUS AS status, EVENT_DEFINITION AS def,"
		" EVENT_COMMENT AS comment"
		" FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?";
	static const char *const names[] = { "name",   "type",       "at",     "ival",
					     "ifield", "starts",     "ends",   "completion",
					     "status", "def",        "comment" };
	enum { NAME, TYPE, AT, IVAL, IFIELD, STARTS, ENDS, COMPLETION, STATUS, DEF, COMMENT,
	       NCOLS };
	int idx[NCOLS], rc;
	mg_rows rows;

	rc = mg_cat_query(r->c, "events", sql, 1, &r->schema, &rows, err);
	if (rc != MG_OK)
		return rc;
	rc = mg_cat_cols(&rows, names, idx, NCOLS, err);
	for (size_t i = 0; rc == MG_OK && i < rows.nrows; i++) {
		mg_catalog_impl *c = r->c;
		mg_event *e = mg_arena_alloc(&c->arena, sizeof(*e));
		const char *ival = GET(IVAL) ? GET(IVAL) : "";

		e->name = mg_cat_str(c, GET(NAME));
		if (same(GET(TYPE), "ONE TIME"))
			e->schedule = mg_arena_printf(&c->arena, "AT '%s'", GET(AT) ? GET(AT) : "");
		else
			e->schedule = mg_arena_printf(&c->arena, all_digits(ival) ? "EVERY %s %s"
										  : "EVERY '%s' %s",
						      ival, GET(IFIELD) ? GET(IFIELD) : "");
		e->starts = mg_cat_strnz(c, GET(STARTS));
		e->ends = mg_cat_strnz(c, GET(ENDS));
		e->preserve = same(GET(COMPLETION), "PRESERVE");
		e->status = mg_cat_str(c, GET(STATUS));
		e->definition = mg_cat_str(c, GET(DEF));
		e->comment = mg_cat_strnz(c, GET(COMMENT));
		MG_CAT_PUSH(&c->arena, c->pub.events, c->pub.nevents, e);
	}
	mg_rows_release(&rows);
	return rc;
}

int mg_cat_read_mysql(mg_catalog_impl *c, const char *schema, const char *home, mg_error *err)
{
	static const char find_sql[] =
		"SELECT SCHEMA_NAME AS name, DEFAULT_COLLATION_NAME AS collation"
		" FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = COALESCE(?, DATABASE())";
	my_reader r = { c, NULL, NULL, false, c->pub.server_version, home };
	mg_rows rows;
	int rc;

	r.mariadb = strstr(mg_db_server_banner(c->db), "MariaDB") != NULL;
	c->pub.mariadb = r.mariadb;
	rc = mg_cat_query(c, "database", find_sql, 1, &schema, &rows, err);
	if (rc != MG_OK)
		return rc;
	if (rows.nrows != 1) {
		mg_rows_release(&rows);
		return schema ? mg_error_set(err, MG_ENOTFOUND, "database \"%s\" does not exist", schema)
			      : mg_error_set(err, MG_ENOTFOUND,
					     "no database selected: the URL names none");
	}
	r.schema = c->pub.schema = mg_cat_str(c, mg_rows_get(&rows, 0, 0));
	r.db_collation = mg_cat_str(c, mg_rows_get(&rows, 0, 1));
	mg_rows_release(&rows);

	rc = read_tables(&r, err);
	if (rc == MG_OK)
		rc = read_views(&r, err);
	if (rc == MG_OK)
		rc = read_columns(&r, err);
	if (rc == MG_OK)
		rc = read_indexes(&r, err);
	if (rc == MG_OK)
		rc = read_foreign_keys(&r, err);
	if (rc == MG_OK)
		rc = read_checks(&r, err);
	if (rc == MG_OK)
		rc = read_routines(&r, err);
	if (rc == MG_OK)
		rc = read_triggers(&r, err);
	if (rc == MG_OK)
		rc = read_events(&r, err);
	/* A table collation is worth recording only when it is not the
	 * database's default (columns were compared with the real one above). */
	for (size_t i = 0; rc == MG_OK && i < c->pub.ntables; i++) {
		if (same(c->pub.tables[i]->collation, r.db_collation))
			c->pub.tables[i]->collation = NULL;
	}
	return rc;
}

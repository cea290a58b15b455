/*
 * SQLite CREATE TABLE from a catalog table and the table rebuild (create
 * the new definition, copy the common columns, drop, rename, recreate the
 * indexes) that stands in for every ALTER TABLE SQLite lacks.
 */
#include <string.h>

#include "ddl/ddl_int.h"
#include "ddl/sqlite_rebuild.h"
#include "sql/quote.h"

static void init_ctx(mg_ddl *r, mg_buf *out, const char *qual)
{
	memset(r, 0, sizeof(*r));
	r->dialect = MG_DIALECT_SQLITE;
	r->qual = qual;
	r->out = out;
}

static bool pk_autoincrement(const mg_table *t, const mg_column *c)
{
	return t->primary_key && t->primary_key->ncolumns == 1 &&
	       c->identity == MG_IDENTITY_AUTO_INCREMENT &&
	       !strcmp(t->primary_key->columns[0], c->name);
}

static void column_def(mg_ddl *r, const mg_table *t, const mg_column *c)
{
	mg_buf *o = r->out;

	mg_ddl_ident(r, c->name);
	if (c->type && *c->type)
		mg_buf_printf(o, " %s", c->type);
	if (pk_autoincrement(t, c)) {
		mg_buf_putc(o, ' ');
		mg_ddl_constraint_name(r, t->primary_key->name);
		mg_buf_puts(o, "PRIMARY KEY AUTOINCREMENT");
	}
	if (!c->nullable)
		mg_buf_puts(o, " NOT NULL");
	if (c->default_expr)
		mg_buf_printf(o, " DEFAULT %s", c->default_expr);
	if (c->collation) {
		mg_buf_puts(o, " COLLATE ");
		mg_ddl_ident(r, c->collation);
	}
	if (c->generated != MG_GENERATED_NONE && c->generated_expr) {
		mg_buf_puts(o, " GENERATED ALWAYS AS ");
		mg_ddl_paren(r, c->generated_expr);
		mg_buf_puts(o, c->generated == MG_GENERATED_STORED ? " STORED" : " VIRTUAL");
	}
}

static void create_index(mg_ddl *r, const char *table, const mg_index *ix)
{
	mg_buf *o = r->out;

	mg_buf_puts(o, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	mg_ddl_name(r, ix->name);
	mg_buf_puts(o, " ON ");
	mg_ddl_ident(r, table); /* SQLite: the schema goes on the index */
	mg_buf_puts(o, " (");
	for (size_t i = 0; i < ix->nelems; i++) {
		const mg_index_elem *e = &ix->elems[i];
		if (i)
			mg_buf_puts(o, ", ");
		if (e->column)
			mg_ddl_ident(r, e->column);
		else
			mg_ddl_paren(r, e->expr ? e->expr : "");
		if (e->collation) {
			mg_buf_puts(o, " COLLATE ");
			mg_ddl_ident(r, e->collation);
		}
		if (e->desc)
			mg_buf_puts(o, " DESC");
	}
	mg_buf_putc(o, ')');
	if (ix->where)
		mg_buf_printf(o, " WHERE %s", ix->where);
	mg_ddl_end(r);
}

void mg_ddl_sqlite_index(mg_ddl *r, const char *table, const mg_index *ix)
{
	create_index(r, table, ix);
}

void mg_ddl_sqlite_create_table(mg_buf *out, const char *qual, const mg_table *t,
				const char *name)
{
	mg_ddl r;
	bool first = true;

	init_ctx(&r, out, qual);
#define NEXT() (mg_buf_puts(out, first ? "\n    " : ",\n    "), first = false)
	mg_buf_puts(out, "CREATE TABLE ");
	mg_ddl_name(&r, name ? name : t->name);
	mg_buf_puts(out, " (");
	for (size_t i = 0; i < t->ncolumns; i++) {
		NEXT();
		column_def(&r, t, t->columns[i]);
	}
	if (t->primary_key) {
		bool inline_pk = false;
		for (size_t i = 0; i < t->ncolumns && !inline_pk; i++)
			inline_pk = pk_autoincrement(t, t->columns[i]);
		if (!inline_pk) {
			NEXT();
			mg_ddl_constraint_name(&r, t->primary_key->name);
			mg_buf_puts(out, "PRIMARY KEY ");
			mg_ddl_ident_list(&r, t->primary_key->columns, t->primary_key->ncolumns);
		}
	}
	for (size_t i = 0; i < t->nuniques; i++) {
		NEXT();
		mg_ddl_constraint_name(&r, t->uniques[i]->name);
		mg_buf_puts(out, "UNIQUE ");
		mg_ddl_ident_list(&r, t->uniques[i]->columns, t->uniques[i]->ncolumns);
	}
	for (size_t i = 0; i < t->nchecks; i++) {
		NEXT();
		mg_ddl_constraint_name(&r, t->checks[i]->name);
		mg_buf_puts(out, "CHECK ");
		mg_ddl_paren(&r, t->checks[i]->expr ? t->checks[i]->expr : "1");
	}
	for (size_t i = 0; i < t->nforeign_keys; i++) {
		NEXT();
		mg_ddl_constraint_name(&r, t->foreign_keys[i]->name);
		mg_ddl_fk_clause(&r, t->foreign_keys[i]);
	}
#undef NEXT
	mg_buf_puts(out, "\n)");
	mg_ddl_end(&r);
	if (!name) {
		for (size_t i = 0; i < t->nindexes; i++)
			create_index(&r, t->name, t->indexes[i]);
	}
}

void mg_ddl_sqlite_rebuild(mg_buf *out, const char *qual, const mg_table *from,
			   const mg_table *to)
{
	mg_ddl r;
	mg_buf tmp = MG_BUF_INIT, cols = MG_BUF_INIT;
	mg_buf *saved;

	init_ctx(&r, out, qual);
	mg_buf_printf(&tmp, "_migrate_old_%s", from->name);

	/* Generated columns are computed again; they take no value. */
	saved = r.out;
	r.out = &cols;
	for (size_t i = 0; i < to->ncolumns; i++) {
		const mg_column *nc = to->columns[i], *oc = mg_table_column(from, nc->name);
		if (!oc || nc->generated != MG_GENERATED_NONE || oc->generated != MG_GENERATED_NONE)
			continue;
		if (cols.len)
			mg_buf_puts(&cols, ", ");
		mg_ddl_ident(&r, nc->name);
	}
	r.out = saved;

	/* The rows wait in a plain copy while the table is dropped and created
	 * again under its own name: inserting them back into <t> is what
	 * settles the deferred foreign-key count the DROP raised (a renamed
	 * new table would leave it raised, and COMMIT would fail). */
	mg_buf_puts(out, "CREATE TABLE ");
	mg_ddl_name(&r, tmp.ptr);
	mg_buf_puts(out, " AS SELECT * FROM ");
	mg_ddl_name(&r, from->name);
	mg_ddl_end(&r);
	mg_buf_puts(out, "DROP TABLE ");
	mg_ddl_name(&r, from->name);
	mg_ddl_end(&r);
	mg_ddl_sqlite_create_table(out, qual, to, NULL);
	if (cols.len) {
		mg_buf_puts(out, "INSERT INTO ");
		mg_ddl_name(&r, to->name);
		mg_buf_printf(out, " (%s)\nSELECT %s FROM ", cols.ptr, cols.ptr);
		mg_ddl_name(&r, tmp.ptr);
		mg_ddl_end(&r);
	}
	mg_buf_puts(out, "DROP TABLE ");
	mg_ddl_name(&r, tmp.ptr);
	mg_ddl_end(&r);
	mg_buf_release(&tmp);
	mg_buf_release(&cols);
}

void mg_ddl_sqlite_rebuild_prologue(mg_buf *out)
{
	mg_buf_puts(out, "PRAGMA defer_foreign_keys = ON;\n\n");
}

/*
 * SQLite DDL for the diff operations its ALTER TABLE can make directly
 * (create and drop tables and indexes, add and drop simple columns); the
 * renderer sends everything else through a rebuild (sqlite_rebuild.c).
 */
#include "ddl/ddl_int.h"
#include "ddl/sqlite_rebuild.h"

static void create_table(mg_ddl *r, const mg_table *t)
{
	mg_ddl_sqlite_create_table(r->out, r->qual, t, NULL);
}

static void drop_table(mg_ddl *r, const mg_table *t)
{
	mg_buf_puts(r->out, "DROP TABLE ");
	mg_ddl_name(r, t->name);
	mg_ddl_end(r);
}

static void add_column(mg_ddl *r, const mg_table *t, const mg_column *c)
{
	mg_buf *o = r->out;

	mg_buf_puts(o, "ALTER TABLE ");
	mg_ddl_name(r, t->name);
	mg_buf_puts(o, " ADD COLUMN ");
	mg_ddl_ident(r, c->name);
	if (c->type && *c->type)
		mg_buf_printf(o, " %s", c->type);
	if (!c->nullable)
		mg_buf_puts(o, " NOT NULL");
	if (c->default_expr)
		mg_buf_printf(o, " DEFAULT %s", c->default_expr);
	if (c->generated == MG_GENERATED_VIRTUAL && c->generated_expr) {
		mg_buf_puts(o, " GENERATED ALWAYS AS ");
		mg_ddl_paren(r, c->generated_expr);
		mg_buf_puts(o, " VIRTUAL");
	}
	mg_ddl_end(r);
}

static void drop_column(mg_ddl *r, const mg_table *t, const mg_column *c)
{
	mg_buf_puts(r->out, "ALTER TABLE ");
	mg_ddl_name(r, t->name);
	mg_buf_puts(r->out, " DROP COLUMN ");
	mg_ddl_ident(r, c->name);
	mg_ddl_end(r);
}

static void create_index(mg_ddl *r, const mg_table *t, const mg_index *ix)
{
	mg_ddl_sqlite_index(r, t->name, ix);
}

static void drop_index(mg_ddl *r, const mg_table *t, const mg_index *ix)
{
	(void)t;
	mg_buf_puts(r->out, "DROP INDEX ");
	mg_ddl_name(r, ix->name);
	mg_ddl_end(r);
}

/* SQLite keeps no comments. */
static void table_comment(mg_ddl *r, const mg_table *t, const char *comment)
{
	(void)r;
	(void)t;
	(void)comment;
}

/* The rest is rebuilt; these are never called. */
const mg_ddl_dialect mg_ddl_sqlite = {
	create_table, drop_table, add_column, drop_column, NULL,          NULL,
	NULL,         create_index, drop_index, NULL,       NULL,          NULL,
	NULL,         NULL,         NULL,       table_comment,
};

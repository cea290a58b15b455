/*
 * DDL for hinted renames (diff/rename.c): ALTER TABLE ... RENAME TO,
 * RENAME COLUMN, and for indexes ALTER INDEX ... RENAME (PostgreSQL),
 * RENAME INDEX (MySQL) or a drop and create (SQLite has no index rename).
 * The inverse renames back; the data stays where it is.
 */
#include "ddl/ddl_int.h"

static void rename_table(mg_ddl *r, const char *from, const char *to)
{
	mg_buf_puts(r->out, "ALTER TABLE ");
	mg_ddl_name(r, from);
	mg_buf_puts(r->out, " RENAME TO ");
	/* PostgreSQL and SQLite take a bare new name; MySQL may qualify it
	 * (and moves the table when the schema differs): keep it bare too. */
	mg_ddl_ident(r, to);
	mg_ddl_end(r);
}

static void rename_column(mg_ddl *r, const char *table, const char *from, const char *to)
{
	mg_buf_puts(r->out, "ALTER TABLE ");
	mg_ddl_name(r, table);
	mg_buf_puts(r->out, " RENAME COLUMN ");
	mg_ddl_ident(r, from);
	mg_buf_puts(r->out, " TO ");
	mg_ddl_ident(r, to);
	mg_ddl_end(r);
}

static void rename_index(mg_ddl *r, const char *table, const mg_index *from, const mg_index *to)
{
	switch (r->dialect) {
	case MG_DIALECT_POSTGRESQL:
		mg_buf_puts(r->out, "ALTER INDEX ");
		mg_ddl_name(r, from->name);
		mg_buf_puts(r->out, " RENAME TO ");
		mg_ddl_ident(r, to->name);
		mg_ddl_end(r);
		break;
	case MG_DIALECT_MYSQL:
		mg_buf_puts(r->out, "ALTER TABLE ");
		mg_ddl_name(r, table);
		mg_buf_puts(r->out, " RENAME INDEX ");
		mg_ddl_ident(r, from->name);
		mg_buf_puts(r->out, " TO ");
		mg_ddl_ident(r, to->name);
		mg_ddl_end(r);
		break;
	default: {
		/* The key is the same on both sides (diff/rename.c gives both
		 * the table's current column names): only the name changes. */
		mg_table t = { 0 };
		t.name = table;
		mg_ddl_sqlite.drop_index(r, &t, from);
		mg_ddl_sqlite_index(r, table, to);
		break;
	}
	}
}

void mg_ddl_rename(mg_ddl *r, const mg_diff_op *op, bool up)
{
	switch (op->kind) {
	case MG_DIFF_RENAME_TABLE:
		if (up)
			rename_table(r, op->old_table->name, op->new_table->name);
		else
			rename_table(r, op->new_table->name, op->old_table->name);
		break;
	case MG_DIFF_RENAME_COLUMN:
		if (up)
			rename_column(r, op->table, op->old_column->name, op->new_column->name);
		else
			rename_column(r, op->table, op->new_column->name, op->old_column->name);
		break;
	case MG_DIFF_RENAME_INDEX:
		if (up)
			rename_index(r, op->table, op->old_object, op->new_object);
		else
			rename_index(r, op->table, op->new_object, op->old_object);
		break;
	default:
		break;
	}
}

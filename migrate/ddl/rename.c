/*
 * DDL for hinted renames (diff/rename.c): ALTER TABLE ... RENAME TO,
 * RENAME COLUMN, and for indexes ALTER INDEX ... RENAME (PostgreSQL),
 * RENAME INDEX (MySQL) or a drop and create (SQLite has no index rename);
 * views, enum types and labels likewise. The inverse renames back; the
 * data stays where it is.
 */
#include <string.h>

#include "ddl/ddl_int.h"

/* "ALTER <what> from RENAME TO to": a table, a PostgreSQL index, view or
 * type. The new name is bare: PostgreSQL and SQLite take no other, and
 * MySQL would move the table when its qualifier differs. */
static void alter_rename(mg_ddl *r, const char *what, const char *from, const char *to)
{
	mg_buf_printf(r->out, "ALTER %s ", what);
	mg_ddl_name(r, from);
	mg_buf_puts(r->out, " RENAME TO ");
	mg_ddl_ident(r, to);
	mg_ddl_end(r);
}

/* "ALTER TABLE table RENAME <what> from TO to": a column, a MySQL index. */
static void alter_table_rename(mg_ddl *r, const char *table, const char *what, const char *from, const char *to)
{
	mg_ddl_alter_table(r, table);
	mg_buf_printf(r->out, " RENAME %s ", what);
	mg_ddl_ident(r, from);
	mg_buf_puts(r->out, " TO ");
	mg_ddl_ident(r, to);
	mg_ddl_end(r);
}

static void rename_index(mg_ddl *r, const char *table, const mg_index *from, const mg_index *to)
{
	switch (r->dialect) {
	case MG_DIALECT_POSTGRESQL:
		alter_rename(r, "INDEX", from->name, to->name);
		break;
	case MG_DIALECT_MYSQL:
		alter_table_rename(r, table, "INDEX", from->name, to->name);
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

/* One view or trigger op of render_objects.c, made up for a dependant. */
static void object(mg_ddl *r, mg_diff_kind kind, const void *old_object, const void *new_object)
{
	mg_diff_op op;

	memset(&op, 0, sizeof(op));
	op.kind = kind;
	op.old_object = old_object;
	op.new_object = new_object;
	mg_ddl_object(r, &op, true);
}

/* MySQL: a view keeps naming the old name (it breaks), so each dependant
 * is replaced by its text naming the new one; a trigger, which has no OR
 * REPLACE there, dropped and created. up: old -> new, else new -> old. */
static void my_dependants(mg_ddl *r, const mg_diff_op *op, bool up)
{
	for (size_t i = 0; i < op->ndependants; i++) {
		const mg_diff_dependant *x = &op->dependants[i];
		if (x->old_view) {
			object(r, MG_DIFF_REPLACE_VIEW, NULL, up ? x->new_view : x->old_view);
		} else {
			object(r, MG_DIFF_DROP_TRIGGER, up ? x->old_trigger : x->new_trigger, NULL);
			object(r, MG_DIFF_CREATE_TRIGGER, NULL, up ? x->new_trigger : x->old_trigger);
		}
	}
}

/* SQLite: what names a renamed object (op's dependants) is dropped before
 * the rename (triggers, then views readers first) ... */
static void sqlite_drop_dependants(mg_ddl *r, const mg_diff_op *op, bool up)
{
	for (size_t i = op->ndependants; i-- > 0;) {
		const mg_diff_dependant *x = &op->dependants[i];
		if (x->old_trigger)
			object(r, MG_DIFF_DROP_TRIGGER, up ? x->old_trigger : x->new_trigger, NULL);
		else
			object(r, MG_DIFF_DROP_VIEW, up ? x->old_view : x->new_view, NULL);
	}
}

/* ... and created after it (views in order, then triggers). */
static void sqlite_create_dependants(mg_ddl *r, const mg_diff_op *op, bool up)
{
	for (size_t i = 0; i < op->ndependants; i++) {
		const mg_diff_dependant *x = &op->dependants[i];
		if (x->old_trigger)
			object(r, MG_DIFF_CREATE_TRIGGER, NULL, up ? x->new_trigger : x->old_trigger);
		else
			object(r, MG_DIFF_CREATE_VIEW, NULL, up ? x->new_view : x->old_view);
	}
}

/* SQLite has no view rename: the view is dropped and created under the
 * other name (a view holds no rows), and what names it with it. */
static void sqlite_view(mg_ddl *r, const mg_diff_op *op, bool up)
{
	const mg_view *from = up ? op->old_object : op->new_object, *to = up ? op->new_object : op->old_object;

	sqlite_drop_dependants(r, op, up);
	object(r, MG_DIFF_DROP_VIEW, from, NULL);
	object(r, MG_DIFF_CREATE_VIEW, NULL, to);
	sqlite_create_dependants(r, op, up);
}

/* The table keeps its rows; what reads it follows the name on PostgreSQL
 * (by OID), is replaced after it on MySQL, and is taken out around it on
 * SQLite, whose ALTER TABLE would rewrite it its own way (and refuses
 * while a view reads one of the views taken out). */
static void rename_table_op(mg_ddl *r, const mg_diff_op *op, bool up)
{
	const char *from = up ? op->old_table->name : op->new_table->name;
	const char *to = up ? op->new_table->name : op->old_table->name;

	if (r->dialect == MG_DIALECT_SQLITE)
		sqlite_drop_dependants(r, op, up);
	alter_rename(r, "TABLE", from, to);
	if (r->dialect == MG_DIALECT_SQLITE)
		sqlite_create_dependants(r, op, up);
	else if (r->dialect == MG_DIALECT_MYSQL)
		my_dependants(r, op, up);
}

static void rename_view(mg_ddl *r, const mg_diff_op *op, bool up)
{
	const mg_view *from = up ? op->old_object : op->new_object, *to = up ? op->new_object : op->old_object;

	switch (r->dialect) {
	case MG_DIALECT_POSTGRESQL:
		/* What reads it, its indexes, triggers and comment follow by OID. */
		alter_rename(r, from->materialized ? "MATERIALIZED VIEW" : "VIEW", from->name, to->name);
		break;
	case MG_DIALECT_MYSQL:
		/* RENAME TABLE takes views; qualified on both sides, or the new
		 * name would land in the current database. */
		mg_buf_puts(r->out, "RENAME TABLE ");
		mg_ddl_name(r, from->name);
		mg_buf_puts(r->out, " TO ");
		mg_ddl_name(r, to->name);
		mg_ddl_end(r);
		my_dependants(r, op, up);
		break;
	default:
		sqlite_view(r, op, up);
		break;
	}
}

/* ALTER TYPE name RENAME TO / RENAME VALUE (PostgreSQL 10+); the labels
 * keep their sort order and the rows their values. */
static void rename_enum(mg_ddl *r, const mg_diff_op *op, bool up)
{
	const char *old = ((const mg_enum *)op->old_object)->name;

	if (op->kind == MG_DIFF_RENAME_ENUM) {
		alter_rename(r, "TYPE", up ? old : op->table, up ? op->table : old);
		return;
	}
	/* A label hint names the type by its new name. */
	mg_buf_puts(r->out, "ALTER TYPE ");
	mg_ddl_name(r, op->table);
	mg_buf_puts(r->out, " RENAME VALUE ");
	mg_ddl_literal(r, up ? op->old_label : op->new_label);
	mg_buf_puts(r->out, " TO ");
	mg_ddl_literal(r, up ? op->new_label : op->old_label);
	mg_ddl_end(r);
}

void mg_ddl_rename(mg_ddl *r, const mg_diff_op *op, bool up)
{
	switch (op->kind) {
	case MG_DIFF_RENAME_TABLE:
		rename_table_op(r, op, up);
		break;
	case MG_DIFF_RENAME_COLUMN:
		if (up)
			alter_table_rename(r, op->table, "COLUMN", op->old_column->name, op->new_column->name);
		else
			alter_table_rename(r, op->table, "COLUMN", op->new_column->name, op->old_column->name);
		break;
	case MG_DIFF_RENAME_INDEX:
		if (up)
			rename_index(r, op->table, op->old_object, op->new_object);
		else
			rename_index(r, op->table, op->new_object, op->old_object);
		break;
	case MG_DIFF_RENAME_VIEW:
		rename_view(r, op, up);
		break;
	case MG_DIFF_RENAME_ENUM:
	case MG_DIFF_RENAME_ENUM_VALUE:
		rename_enum(r, op, up);
		break;
	default:
		break;
	}
}

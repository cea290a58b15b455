/*
 * Human and JSON forms of diff operations: one line per operation for
 * `migrate diff` and `check`, and kind/object/detail records for
 * `--format json`.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"
#include "util/buf.h"

static const char *const kind_names[MG_DIFF_KIND_COUNT] = {
	[MG_DIFF_CREATE_TABLE] = "create_table",
	[MG_DIFF_DROP_TABLE] = "drop_table",
	[MG_DIFF_ADD_COLUMN] = "add_column",
	[MG_DIFF_DROP_COLUMN] = "drop_column",
	[MG_DIFF_ALTER_COLUMN] = "alter_column",
	[MG_DIFF_ADD_PRIMARY_KEY] = "add_primary_key",
	[MG_DIFF_DROP_PRIMARY_KEY] = "drop_primary_key",
	[MG_DIFF_CREATE_INDEX] = "create_index",
	[MG_DIFF_DROP_INDEX] = "drop_index",
	[MG_DIFF_ADD_UNIQUE] = "add_unique",
	[MG_DIFF_DROP_UNIQUE] = "drop_unique",
	[MG_DIFF_ADD_CHECK] = "add_check",
	[MG_DIFF_DROP_CHECK] = "drop_check",
	[MG_DIFF_ADD_FOREIGN_KEY] = "add_foreign_key",
	[MG_DIFF_DROP_FOREIGN_KEY] = "drop_foreign_key",
	[MG_DIFF_TABLE_COMMENT] = "table_comment",
	[MG_DIFF_CREATE_VIEW] = "create_view",
	[MG_DIFF_DROP_VIEW] = "drop_view",
	[MG_DIFF_REPLACE_VIEW] = "replace_view",
	[MG_DIFF_CREATE_SEQUENCE] = "create_sequence",
	[MG_DIFF_DROP_SEQUENCE] = "drop_sequence",
	[MG_DIFF_ALTER_SEQUENCE] = "alter_sequence",
	[MG_DIFF_CREATE_ENUM] = "create_enum",
	[MG_DIFF_DROP_ENUM] = "drop_enum",
	[MG_DIFF_ADD_ENUM_VALUES] = "add_enum_values",
	[MG_DIFF_REBUILD_ENUM] = "rebuild_enum",
	[MG_DIFF_CREATE_DOMAIN] = "create_domain",
	[MG_DIFF_DROP_DOMAIN] = "drop_domain",
	[MG_DIFF_ALTER_DOMAIN] = "alter_domain",
	[MG_DIFF_CREATE_FUNCTION] = "create_function",
	[MG_DIFF_DROP_FUNCTION] = "drop_function",
	[MG_DIFF_REPLACE_FUNCTION] = "replace_function",
	[MG_DIFF_CREATE_TRIGGER] = "create_trigger",
	[MG_DIFF_DROP_TRIGGER] = "drop_trigger",
	[MG_DIFF_CREATE_EXTENSION] = "create_extension",
	[MG_DIFF_DROP_EXTENSION] = "drop_extension",
	[MG_DIFF_ALTER_EXTENSION] = "alter_extension",
	[MG_DIFF_CREATE_EVENT] = "create_event",
	[MG_DIFF_DROP_EVENT] = "drop_event",
	[MG_DIFF_RENAME_TABLE] = "rename_table",
	[MG_DIFF_RENAME_COLUMN] = "rename_column",
	[MG_DIFF_RENAME_INDEX] = "rename_index",
	[MG_DIFF_RENAME_VIEW] = "rename_view",
	[MG_DIFF_RENAME_ENUM] = "rename_enum",
	[MG_DIFF_RENAME_ENUM_VALUE] = "rename_enum_value",
};

const char *mg_diff_kind_name(mg_diff_kind k)
{
	return (unsigned)k < MG_DIFF_KIND_COUNT ? kind_names[k] : "unknown";
}

static void put_list(mg_buf *out, const char **items, size_t n)
{
	mg_buf_putc(out, '(');
	for (size_t i = 0; i < n; i++)
		mg_buf_printf(out, "%s%s", i ? ", " : "", items[i]);
	mg_buf_putc(out, ')');
}

static void put_quoted(mg_buf *out, const char *s);

/* The name of obj, an object of the kind a RENAME_INDEX, RENAME_VIEW or
 * RENAME_ENUM op renames (old_object or new_object). */
static const char *renamed_object_name(const mg_diff_op *op, const void *obj)
{
	switch (op->kind) {
	case MG_DIFF_RENAME_INDEX:
		return ((const mg_index *)obj)->name;
	case MG_DIFF_RENAME_VIEW:
		return ((const mg_view *)obj)->name;
	default:
		return ((const mg_enum *)obj)->name;
	}
}

void mg_diff_op_object(const mg_diff_op *op, mg_buf *out)
{
	mg_buf_puts(out, op->table);
	switch (op->kind) {
	case MG_DIFF_ADD_COLUMN:
	case MG_DIFF_ALTER_COLUMN:
		mg_buf_printf(out, ".%s", op->new_column->name);
		break;
	case MG_DIFF_DROP_COLUMN:
		mg_buf_printf(out, ".%s", op->old_column->name);
		break;
	case MG_DIFF_ADD_PRIMARY_KEY:
	case MG_DIFF_DROP_PRIMARY_KEY:
		if (op->pk->name)
			mg_buf_printf(out, ".%s", op->pk->name);
		break;
	case MG_DIFF_CREATE_INDEX:
	case MG_DIFF_DROP_INDEX:
		mg_buf_printf(out, ".%s", op->index->name);
		break;
	case MG_DIFF_ADD_UNIQUE:
	case MG_DIFF_DROP_UNIQUE:
		if (op->unique->name)
			mg_buf_printf(out, ".%s", op->unique->name);
		break;
	case MG_DIFF_ADD_CHECK:
	case MG_DIFF_DROP_CHECK:
		if (op->check->name)
			mg_buf_printf(out, ".%s", op->check->name);
		break;
	case MG_DIFF_ADD_FOREIGN_KEY:
	case MG_DIFF_DROP_FOREIGN_KEY:
		if (op->fk->name)
			mg_buf_printf(out, ".%s", op->fk->name);
		break;
	case MG_DIFF_RENAME_COLUMN:
		mg_buf_printf(out, ".%s", op->new_column->name);
		break;
	case MG_DIFF_RENAME_INDEX:
		mg_buf_printf(out, ".%s", renamed_object_name(op, op->new_object));
		break;
	case MG_DIFF_RENAME_ENUM_VALUE:
		mg_buf_putc(out, '.');
		put_quoted(out, op->new_label);
		break;
	default:
		break;
	}
}

static void put_opt(mg_buf *out, const char *s)
{
	mg_buf_puts(out, s ? s : "none");
}

static void put_quoted(mg_buf *out, const char *s)
{
	if (!s) {
		mg_buf_puts(out, "none");
		return;
	}
	mg_buf_putc(out, '\'');
	mg_buf_puts(out, s);
	mg_buf_putc(out, '\'');
}

static const char *identity_name(mg_identity id)
{
	static const char *const names[] = { "none", "always", "by default", "serial",
					     "auto_increment" };
	return (unsigned)id < 5 ? names[id] : "?";
}

static void column_detail(const mg_column *c, mg_buf *out)
{
	mg_buf_puts(out, c->type && *c->type ? c->type : "(no type)");
	if (!c->nullable)
		mg_buf_puts(out, " not null");
	if (c->default_expr)
		mg_buf_printf(out, " default %s", c->default_expr);
	if (c->identity)
		mg_buf_printf(out, " identity %s", identity_name(c->identity));
}

static void alter_detail(const mg_diff_op *op, mg_buf *out)
{
	const mg_column *a = op->old_column, *b = op->new_column;
	size_t start = out->len;

#define SEP() (out->len > start ? mg_buf_puts(out, ", ") : (void)0)
	if (op->changes & MG_COLCHG_TYPE) {
		SEP();
		mg_buf_printf(out, "type %s -> %s", a->type, b->type);
	}
	if (op->changes & MG_COLCHG_NULLABLE) {
		SEP();
		mg_buf_puts(out, b->nullable ? "null" : "not null");
	}
	if (op->changes & MG_COLCHG_DEFAULT) {
		SEP();
		mg_buf_puts(out, "default ");
		put_opt(out, a->default_expr);
		mg_buf_puts(out, " -> ");
		put_opt(out, b->default_expr);
	}
	if (op->changes & MG_COLCHG_IDENTITY) {
		SEP();
		mg_buf_printf(out, "identity %s -> %s", identity_name(a->identity),
			      identity_name(b->identity));
	}
	if (op->changes & MG_COLCHG_GENERATED) {
		SEP();
		mg_buf_puts(out, "generated ");
		put_opt(out, a->generated_expr);
		mg_buf_puts(out, " -> ");
		put_opt(out, b->generated_expr);
	}
	if (op->changes & MG_COLCHG_COLLATION) {
		SEP();
		mg_buf_puts(out, "collation ");
		put_opt(out, a->collation);
		mg_buf_puts(out, " -> ");
		put_opt(out, b->collation);
	}
	if (op->changes & MG_COLCHG_COMMENT) {
		SEP();
		mg_buf_puts(out, "comment ");
		put_quoted(out, a->comment);
		mg_buf_puts(out, " -> ");
		put_quoted(out, b->comment);
	}
#undef SEP
}

static void index_detail(const mg_index *ix, mg_buf *out)
{
	if (ix->unique)
		mg_buf_puts(out, "unique ");
	mg_buf_putc(out, '(');
	for (size_t i = 0; i < ix->nelems; i++) {
		const mg_index_elem *e = &ix->elems[i];
		mg_buf_printf(out, "%s%s%s", i ? ", " : "", e->column ? e->column : e->expr,
			      e->desc ? " desc" : "");
	}
	mg_buf_putc(out, ')');
	if (ix->where)
		mg_buf_printf(out, " where %s", ix->where);
}

void mg_diff_op_detail(const mg_diff_op *op, mg_buf *out)
{
	switch (op->kind) {
	case MG_DIFF_ADD_COLUMN:
		column_detail(op->new_column, out);
		break;
	case MG_DIFF_DROP_COLUMN:
		column_detail(op->old_column, out);
		break;
	case MG_DIFF_ALTER_COLUMN:
		alter_detail(op, out);
		break;
	case MG_DIFF_ADD_PRIMARY_KEY:
	case MG_DIFF_DROP_PRIMARY_KEY:
		put_list(out, op->pk->columns, op->pk->ncolumns);
		break;
	case MG_DIFF_CREATE_INDEX:
	case MG_DIFF_DROP_INDEX:
		index_detail(op->index, out);
		break;
	case MG_DIFF_ADD_UNIQUE:
	case MG_DIFF_DROP_UNIQUE:
		put_list(out, op->unique->columns, op->unique->ncolumns);
		break;
	case MG_DIFF_ADD_CHECK:
	case MG_DIFF_DROP_CHECK:
		mg_buf_puts(out, op->check->expr ? op->check->expr : "");
		break;
	case MG_DIFF_ADD_FOREIGN_KEY:
	case MG_DIFF_DROP_FOREIGN_KEY:
		put_list(out, op->fk->columns, op->fk->ncolumns);
		mg_buf_printf(out, " -> %s", op->fk->ref_table);
		put_list(out, op->fk->ref_columns, op->fk->ncolumns);
		break;
	case MG_DIFF_TABLE_COMMENT:
		put_quoted(out, op->old_table->comment);
		mg_buf_puts(out, " -> ");
		put_quoted(out, op->new_table->comment);
		break;
	case MG_DIFF_RENAME_TABLE:
		mg_buf_printf(out, "renamed from %s", op->old_table->name);
		break;
	case MG_DIFF_RENAME_COLUMN:
		mg_buf_printf(out, "renamed from %s", op->old_column->name);
		break;
	case MG_DIFF_RENAME_INDEX:
	case MG_DIFF_RENAME_VIEW:
	case MG_DIFF_RENAME_ENUM:
		mg_buf_printf(out, "renamed from %s", renamed_object_name(op, op->old_object));
		break;
	case MG_DIFF_RENAME_ENUM_VALUE:
		mg_buf_puts(out, "renamed from ");
		put_quoted(out, op->old_label);
		break;
	default:
		break;
	}
}

void mg_diff_op_describe(const mg_diff_op *op, mg_buf *out)
{
	static const struct {
		char sign;
		const char *noun;
	} forms[MG_DIFF_KIND_COUNT] = {
		[MG_DIFF_CREATE_TABLE] = { '+', "table" },
		[MG_DIFF_DROP_TABLE] = { '-', "table" },
		[MG_DIFF_ADD_COLUMN] = { '+', "column" },
		[MG_DIFF_DROP_COLUMN] = { '-', "column" },
		[MG_DIFF_ALTER_COLUMN] = { '~', "column" },
		[MG_DIFF_ADD_PRIMARY_KEY] = { '+', "primary key" },
		[MG_DIFF_DROP_PRIMARY_KEY] = { '-', "primary key" },
		[MG_DIFF_CREATE_INDEX] = { '+', "index" },
		[MG_DIFF_DROP_INDEX] = { '-', "index" },
		[MG_DIFF_ADD_UNIQUE] = { '+', "unique" },
		[MG_DIFF_DROP_UNIQUE] = { '-', "unique" },
		[MG_DIFF_ADD_CHECK] = { '+', "check" },
		[MG_DIFF_DROP_CHECK] = { '-', "check" },
		[MG_DIFF_ADD_FOREIGN_KEY] = { '+', "foreign key" },
		[MG_DIFF_DROP_FOREIGN_KEY] = { '-', "foreign key" },
		[MG_DIFF_TABLE_COMMENT] = { '~', "comment on table" },
		[MG_DIFF_CREATE_VIEW] = { '+', "view" },
		[MG_DIFF_DROP_VIEW] = { '-', "view" },
		[MG_DIFF_REPLACE_VIEW] = { '~', "view" },
		[MG_DIFF_CREATE_SEQUENCE] = { '+', "sequence" },
		[MG_DIFF_DROP_SEQUENCE] = { '-', "sequence" },
		[MG_DIFF_ALTER_SEQUENCE] = { '~', "sequence" },
		[MG_DIFF_CREATE_ENUM] = { '+', "enum" },
		[MG_DIFF_DROP_ENUM] = { '-', "enum" },
		[MG_DIFF_ADD_ENUM_VALUES] = { '~', "enum" },
		[MG_DIFF_REBUILD_ENUM] = { '~', "enum" },
		[MG_DIFF_CREATE_DOMAIN] = { '+', "domain" },
		[MG_DIFF_DROP_DOMAIN] = { '-', "domain" },
		[MG_DIFF_ALTER_DOMAIN] = { '~', "domain" },
		[MG_DIFF_CREATE_FUNCTION] = { '+', "function" },
		[MG_DIFF_DROP_FUNCTION] = { '-', "function" },
		[MG_DIFF_REPLACE_FUNCTION] = { '~', "function" },
		[MG_DIFF_CREATE_TRIGGER] = { '+', "trigger" },
		[MG_DIFF_DROP_TRIGGER] = { '-', "trigger" },
		[MG_DIFF_CREATE_EXTENSION] = { '+', "extension" },
		[MG_DIFF_DROP_EXTENSION] = { '-', "extension" },
		[MG_DIFF_ALTER_EXTENSION] = { '~', "extension" },
		[MG_DIFF_CREATE_EVENT] = { '+', "event" },
		[MG_DIFF_DROP_EVENT] = { '-', "event" },
		[MG_DIFF_RENAME_TABLE] = { '~', "table" },
		[MG_DIFF_RENAME_COLUMN] = { '~', "column" },
		[MG_DIFF_RENAME_INDEX] = { '~', "index" },
		[MG_DIFF_RENAME_VIEW] = { '~', "view" },
		[MG_DIFF_RENAME_ENUM] = { '~', "enum" },
		[MG_DIFF_RENAME_ENUM_VALUE] = { '~', "enum value" },
	};
	size_t mark;

	mg_buf_printf(out, "%c %s ", forms[op->kind].sign, forms[op->kind].noun);
	mg_diff_op_object(op, out);
	if (op->kind == MG_DIFF_CREATE_TABLE || op->kind == MG_DIFF_DROP_TABLE ||
	    (op->kind >= MG_DIFF_CREATE_VIEW && !mg_diff_is_rename(op->kind)))
		return;
	mg_buf_puts(out, ": ");
	mark = out->len;
	mg_diff_op_detail(op, out);
	if (out->len == mark)
		mg_buf_truncate(out, mark - 2);
}

void mg_diff_summary(const mg_diff *d, mg_buf *out)
{
	for (size_t i = 0; i < d->nops; i++) {
		mg_diff_op_describe(d->ops[i], out);
		mg_buf_putc(out, '\n');
	}
}

char *mg_diff_json(const mg_diff *d)
{
	json_t *arr = json_array();
	mg_buf b = MG_BUF_INIT;
	char *text;

	for (size_t i = 0; i < d->nops; i++) {
		const mg_diff_op *op = d->ops[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(mg_diff_kind_name(op->kind)));
		mg_buf_clear(&b);
		mg_diff_op_object(op, &b);
		json_object_set_new(o, "object", json_string(b.ptr));
		mg_buf_clear(&b);
		mg_diff_op_detail(op, &b);
		json_object_set_new(o, "detail", json_string(b.ptr));
		json_object_set_new(o, "destructive", json_boolean(op->destructive));
		if (op->reason)
			json_object_set_new(o, "reason", json_string(op->reason));
		if (op->destructive)
			json_object_set_new(o, "code", json_string(mg_diff_destructive_code(op)));
		json_array_append_new(arr, o);
	}
	mg_buf_release(&b);
	text = json_dumps(arr, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(arr);
	if (!text)
		abort(); /* out of memory, as buf.h */
	return text;
}

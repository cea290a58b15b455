/*
 * Rendering a diff as a script: each operation, or its inverse for the
 * downgrade (taken in reverse order), through the dialect's object
 * renderers. SQLite changes that ALTER TABLE cannot make become one table
 * rebuild per table, which subsumes that table's other operations.
 */
#include <stdlib.h>
#include <string.h>

#include "ddl/ddl_int.h"
#include "ddl/sqlite_rebuild.h"
#include "diff/diff_int.h"
#include "sql/quote.h"
#include "util/map.h"

void mg_ddl_name(mg_ddl *r, const char *name)
{
	if (r->qual) {
		mg_buf_puts(r->out, r->qual);
		mg_buf_putc(r->out, '.');
	}
	mg_sql_quote_ident(r->dialect, r->out, name);
}

void mg_ddl_alter_table(mg_ddl *r, const char *table)
{
	mg_buf_puts(r->out, "ALTER TABLE ");
	mg_ddl_name(r, table);
}

void mg_ddl_alter_column(mg_ddl *r, const char *table, const char *column)
{
	mg_ddl_alter_table(r, table);
	mg_buf_puts(r->out, " ALTER COLUMN ");
	mg_ddl_ident(r, column);
	mg_buf_putc(r->out, ' ');
}

void mg_ddl_ident(mg_ddl *r, const char *name)
{
	mg_sql_quote_ident(r->dialect, r->out, name);
}

void mg_ddl_ident_list(mg_ddl *r, const char **names, size_t n)
{
	mg_buf_putc(r->out, '(');
	for (size_t i = 0; i < n; i++) {
		if (i)
			mg_buf_puts(r->out, ", ");
		mg_ddl_ident(r, names[i]);
	}
	mg_buf_putc(r->out, ')');
}

void mg_ddl_literal(mg_ddl *r, const char *value)
{
	mg_sql_quote_literal(r->dialect, r->out, value);
}

void mg_ddl_end(mg_ddl *r)
{
	mg_buf_puts(r->out, ";\n\n");
}

static bool wrapped(const char *s)
{
	size_t n = strlen(s);
	int depth = 0;
	char quote = 0;

	if (n < 2 || s[0] != '(' || s[n - 1] != ')')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '\'' || s[i] == '"' || s[i] == '`') {
			quote = s[i];
		} else if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')' && --depth == 0) {
			return i == n - 1;
		}
	}
	return false;
}

void mg_ddl_paren(mg_ddl *r, const char *expr)
{
	if (wrapped(expr)) {
		mg_buf_puts(r->out, expr);
	} else {
		mg_buf_putc(r->out, '(');
		mg_buf_puts(r->out, expr);
		mg_buf_putc(r->out, ')');
	}
}

void mg_ddl_constraint_name(mg_ddl *r, const char *name)
{
	if (name) {
		mg_buf_puts(r->out, "CONSTRAINT ");
		mg_ddl_ident(r, name);
		mg_buf_putc(r->out, ' ');
	}
}

void mg_ddl_fk_clause(mg_ddl *r, const mg_foreign_key *fk)
{
	bool own = !fk->ref_schema || mg_diff_streq(fk->ref_schema, r->schema) ||
		   mg_diff_streq(fk->ref_schema, r->target_schema);
	bool home = !own && r->home && !strcmp(fk->ref_schema, r->home);

	mg_buf_puts(r->out, "FOREIGN KEY ");
	mg_ddl_ident_list(r, fk->columns, fk->ncolumns);
	mg_buf_puts(r->out, " REFERENCES ");
	if (r->dialect == MG_DIALECT_SQLITE) {
		mg_ddl_ident(r, fk->ref_table); /* SQLite refuses a qualified parent */
	} else if (own) {
		mg_ddl_name(r, fk->ref_table);
	} else if (home) {
		/* The revision's current schema, whatever it is called there. */
		if (r->home_qual)
			mg_buf_printf(r->out, "%s.", r->home_qual);
		mg_ddl_ident(r, fk->ref_table);
	} else {
		mg_sql_quote_qualified(r->dialect, r->out, fk->ref_schema, fk->ref_table);
	}
	if (fk->ncolumns && fk->ref_columns && fk->ref_columns[0]) {
		mg_buf_putc(r->out, ' ');
		mg_ddl_ident_list(r, fk->ref_columns, fk->ncolumns);
	}
	/* MariaDB records an omitted action as RESTRICT: say NO ACTION there. */
	bool say_no_action = r->dialect == MG_DIALECT_MYSQL;
	if (fk->on_update != MG_FK_NO_ACTION || say_no_action)
		mg_buf_printf(r->out, " ON UPDATE %s", mg_fk_action_name(fk->on_update));
	if (fk->on_delete != MG_FK_NO_ACTION || say_no_action)
		mg_buf_printf(r->out, " ON DELETE %s", mg_fk_action_name(fk->on_delete));
	if (fk->deferrable)
		mg_buf_puts(r->out, fk->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
							   : " DEFERRABLE");
}

bool mg_ddl_fk_inline(const mg_ddl *r, const mg_foreign_key *fk)
{
	return !r->diff || r->dialect == MG_DIALECT_SQLITE || !mg_diff_fk_is_split(r->diff, fk);
}

/* ---- the driver ---- */

void mg_ddl_render_op(const mg_ddl_dialect *v, mg_ddl *r, const mg_diff_op *op, bool up)
{
	/* For a drop, old objects are the ones named; for an add, new ones. */
	const mg_table *t = up ? (op->new_table ? op->new_table : op->old_table)
			       : (op->old_table ? op->old_table : op->new_table);

	if (mg_diff_is_rename(op->kind)) {
		mg_ddl_rename(r, op, up);
		return;
	}
	switch (op->kind) {
	case MG_DIFF_CREATE_TABLE:
		(up ? v->create_table : v->drop_table)(r, op->new_table);
		break;
	case MG_DIFF_DROP_TABLE:
		(up ? v->drop_table : v->create_table)(r, op->old_table);
		break;
	case MG_DIFF_ADD_COLUMN:
		(up ? v->add_column : v->drop_column)(r, t, op->new_column);
		break;
	case MG_DIFF_DROP_COLUMN:
		(up ? v->drop_column : v->add_column)(r, t, op->old_column);
		break;
	case MG_DIFF_ALTER_COLUMN: {
		unsigned ch = op->changes & ~(op->default_by_rebuild ? (unsigned)MG_COLCHG_DEFAULT : 0u);
		if (!ch)
			break;
		if (up)
			v->alter_column(r, t, op->old_column, op->new_column, ch);
		else
			v->alter_column(r, t, op->new_column, op->old_column, ch);
		break;
	}
	case MG_DIFF_ADD_PRIMARY_KEY:
		(up ? v->add_pk : v->drop_pk)(r, t, op->pk);
		break;
	case MG_DIFF_DROP_PRIMARY_KEY:
		(up ? v->drop_pk : v->add_pk)(r, t, op->pk);
		break;
	case MG_DIFF_CREATE_INDEX:
		(up ? v->create_index : v->drop_index)(r, t, op->index);
		break;
	case MG_DIFF_DROP_INDEX:
		(up ? v->drop_index : v->create_index)(r, t, op->index);
		break;
	case MG_DIFF_ADD_UNIQUE:
		(up ? v->add_unique : v->drop_unique)(r, t, op->unique);
		break;
	case MG_DIFF_DROP_UNIQUE:
		(up ? v->drop_unique : v->add_unique)(r, t, op->unique);
		break;
	case MG_DIFF_ADD_CHECK:
		(up ? v->add_check : v->drop_check)(r, t, op->check);
		break;
	case MG_DIFF_DROP_CHECK:
		(up ? v->drop_check : v->add_check)(r, t, op->check);
		break;
	case MG_DIFF_ADD_FOREIGN_KEY:
		(up ? v->add_fk : v->drop_fk)(r, t, op->fk);
		break;
	case MG_DIFF_DROP_FOREIGN_KEY:
		(up ? v->drop_fk : v->add_fk)(r, t, op->fk);
		break;
	case MG_DIFF_TABLE_COMMENT:
		v->table_comment(r, t, up ? op->new_table->comment : op->old_table->comment);
		break;
	default:
		mg_ddl_object(r, op, up);
		break;
	}
}

static void annotate(mg_buf *out, const mg_diff_op *op, bool up)
{
	mg_buf_puts(out, up ? "-- " : "-- undo: ");
	mg_diff_op_describe(op, out);
	mg_buf_putc(out, '\n');
	if (op->destructive && up)
		mg_buf_printf(out, "-- DESTRUCTIVE %s: %s\n", mg_diff_destructive_code(op), op->reason);
}

/* Whether SQLite can make op (or its inverse) without rebuilding its table. */
static bool sqlite_direct(const mg_diff *d, const mg_diff_op *op)
{
	const mg_column *c;
	const mg_table *t;

	if (op->kind >= MG_DIFF_CREATE_VIEW && op->kind <= MG_DIFF_DROP_EVENT)
		return true; /* views and triggers: ddl/render_objects.c */
	if (mg_diff_is_rename(op->kind))
		return true; /* ddl/rename.c: ALTER TABLE ... RENAME, views recreated */
	switch (op->kind) {
	case MG_DIFF_CREATE_TABLE:
	case MG_DIFF_DROP_TABLE:
	case MG_DIFF_CREATE_INDEX:
	case MG_DIFF_DROP_INDEX:
		return true;
	case MG_DIFF_TABLE_COMMENT:
		return true; /* SQLite has no comments: nothing to render */
	case MG_DIFF_ADD_FOREIGN_KEY:
	case MG_DIFF_DROP_FOREIGN_KEY:
		return op->with_table;
	case MG_DIFF_ADD_COLUMN:
	case MG_DIFF_DROP_COLUMN:
		break;
	default:
		return false;
	}
	/* One side adds, the other drops: both must be possible. DROP COLUMN
	 * came in 3.35 and refuses a column a key, constraint or generated
	 * column uses; ADD COLUMN refuses keys, a NOT NULL without default,
	 * an expression default, a stored generated column. */
	if (d->server_version && d->server_version < 3035000)
		return false;
	c = op->kind == MG_DIFF_ADD_COLUMN ? op->new_column : op->old_column;
	t = op->kind == MG_DIFF_ADD_COLUMN ? op->new_table : op->old_table;
	if (c->generated == MG_GENERATED_STORED || c->identity != MG_IDENTITY_NONE)
		return false;
	if (!c->nullable && !c->default_expr)
		return false;
	if (c->default_expr && c->default_expr[0] == '(')
		return false;
	if (c->default_expr && strstr(c->default_expr, "CURRENT_"))
		return false;
	if (c->collation)
		return false;
	if (t->primary_key) {
		for (size_t i = 0; i < t->primary_key->ncolumns; i++)
			if (!strcmp(t->primary_key->columns[i], c->name))
				return false;
	}
	for (size_t i = 0; i < t->nuniques; i++)
		for (size_t k = 0; k < t->uniques[i]->ncolumns; k++)
			if (!strcmp(t->uniques[i]->columns[k], c->name))
				return false;
	for (size_t i = 0; i < t->nforeign_keys; i++)
		for (size_t k = 0; k < t->foreign_keys[i]->ncolumns; k++)
			if (!strcmp(t->foreign_keys[i]->columns[k], c->name))
				return false;
	/* Checks and generated columns: a mention of the name is enough to
	 * be careful. Indexes using it are dropped or created apart. */
	for (size_t i = 0; i < t->nchecks; i++)
		if (t->checks[i]->expr && strstr(t->checks[i]->expr, c->name))
			return false;
	for (size_t i = 0; i < t->ncolumns; i++)
		if (t->columns[i]->generated_expr && strstr(t->columns[i]->generated_expr, c->name))
			return false;
	for (size_t i = 0; i < t->nindexes; i++)
		for (size_t k = 0; k < t->indexes[i]->nelems; k++) {
			const mg_index_elem *e = &t->indexes[i]->elems[k];
			if ((e->column && !strcmp(e->column, c->name)) ||
			    (e->expr && strstr(e->expr, c->name)))
				return false;
		}
	return true;
}

static int render_sqlite(const mg_diff *d, mg_ddl *r, const mg_diff_render_options *o)
{
	bool up = o->upgrade != 0;
	mg_map rebuild, done;
	size_t n = d->nops;

	mg_map_init(&rebuild);
	mg_map_init(&done);
	for (size_t i = 0; i < n; i++) {
		if (!sqlite_direct(d, d->ops[i]))
			mg_map_put(&rebuild, d->ops[i]->table, (void *)1);
	}
	if (rebuild.count)
		mg_ddl_sqlite_rebuild_prologue(r->out);
	for (size_t k = 0; k < n; k++) {
		const mg_diff_op *op = d->ops[up ? k : n - 1 - k];
		if (o->annotate)
			annotate(r->out, op, up);
		if (mg_diff_is_rename(op->kind)) {
			/* Before (upgrade) or after (downgrade) any rebuild of the table. */
			mg_ddl_render_op(&mg_ddl_sqlite, r, op, up);
			continue;
		}
		if (mg_map_has(&rebuild, op->table) && op->old_table && op->new_table) {
			/* The whole table at once, at its first operation. */
			if (mg_map_has(&done, op->table))
				continue;
			mg_map_put(&done, op->table, (void *)1);
			if (up)
				mg_ddl_sqlite_rebuild(r->out, r->qual, op->old_table, op->new_table);
			else
				mg_ddl_sqlite_rebuild(r->out, r->qual, op->new_table, op->old_table);
			continue;
		}
		if ((op->kind == MG_DIFF_ADD_FOREIGN_KEY || op->kind == MG_DIFF_DROP_FOREIGN_KEY) &&
		    op->with_table)
			continue; /* written in the CREATE TABLE of its table */
		mg_ddl_render_op(&mg_ddl_sqlite, r, op, up);
	}
	mg_map_release(&rebuild);
	mg_map_release(&done);
	return MG_OK;
}

int mg_diff_render(const mg_diff *d, mg_dialect dialect, const mg_diff_render_options *opts,
		   char **sql_out, mg_error *err)
{
	mg_diff_render_options def = { 1, NULL, 0 };
	const mg_diff_render_options *o = opts ? opts : &def;
	mg_buf out = MG_BUF_INIT;
	mg_ddl r;
	const mg_ddl_dialect *v;
	bool up = o->upgrade != 0;

	*sql_out = NULL;
	if (dialect != d->dialect)
		return mg_error_set(err, MG_EINPUT, "cannot render a %s diff as %s",
				    mg_dialect_name(d->dialect), mg_dialect_name(dialect));
	memset(&r, 0, sizeof(r));
	r.dialect = dialect;
	r.mariadb = d->mariadb;
	r.server_version = d->server_version;
	r.qual = o->schema_placeholder;
	r.schema = d->schema;
	r.target_schema = d->target_schema;
	r.diff = d;
	r.out = &out;

	if (dialect == MG_DIALECT_SQLITE) {
		render_sqlite(d, &r, o);
	} else {
		v = dialect == MG_DIALECT_POSTGRESQL ? &mg_ddl_pg : &mg_ddl_mysql;
		for (size_t k = 0; k < d->nops; k++) {
			const mg_diff_op *op = d->ops[up ? k : d->nops - 1 - k];
			if (o->annotate)
				annotate(&out, op, up);
			mg_ddl_render_op(v, &r, op, up);
		}
	}
	/* The last statement ends ";\n", not ";\n\n". */
	if (out.len >= 2 && out.ptr[out.len - 1] == '\n' && out.ptr[out.len - 2] == '\n')
		mg_buf_truncate(&out, out.len - 1);
	*sql_out = mg_buf_detach(&out);
	return MG_OK;
}

int mg_diff_render_sql(const mg_diff *d, mg_dialect dialect, int upgrade,
		       const char *schema_placeholder, char **sql_out, mg_error *err)
{
	mg_diff_render_options o = { upgrade, schema_placeholder, 0 };
	return mg_diff_render(d, dialect, &o, sql_out, err);
}

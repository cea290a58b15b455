/*
 * MySQL/MariaDB DDL for diff operations: CREATE TABLE with keys, indexes
 * and constraints inline (as SHOW CREATE TABLE writes it), ALTER TABLE ...
 * MODIFY COLUMN with the full definition, DROP INDEX ... ON, DROP FOREIGN
 * KEY, DROP CHECK (MariaDB: DROP CONSTRAINT).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ddl/ddl_int.h"
#include "sql/quote.h"

/* Literals, numbers, NULL and CURRENT_TIMESTAMP are written bare; any
 * other expression needs parentheses (MySQL 8.0.13+; MariaDB takes both). */
static void put_default(mg_ddl *r, const char *d)
{
	const char *p = d;

	if (*p == '-' || *p == '+')
		p++;
	if (d[0] == '\'' || d[0] == '(' || isdigit((unsigned char)*p) ||
	    ((d[0] == 'b' || d[0] == 'x' || d[0] == 'B' || d[0] == 'X') && d[1] == '\'') ||
	    !strcasecmp(d, "NULL") || !strncasecmp(d, "current_timestamp", 17) ||
	    !strncasecmp(d, "now()", 5) || !strncasecmp(d, "localtimestamp", 14))
		mg_buf_puts(r->out, d);
	else
		mg_ddl_paren(r, d);
}

static void column_def(mg_ddl *r, const mg_column *c)
{
	mg_buf *o = r->out;

	mg_ddl_ident(r, c->name);
	mg_buf_printf(o, " %s", c->type);
	if (c->collation) {
		mg_buf_puts(o, " COLLATE ");
		mg_ddl_ident(r, c->collation);
	}
	if (c->generated != MG_GENERATED_NONE && c->generated_expr) {
		mg_buf_puts(o, " GENERATED ALWAYS AS ");
		mg_ddl_paren(r, c->generated_expr);
		mg_buf_puts(o, c->generated == MG_GENERATED_STORED ? " STORED" : " VIRTUAL");
	}
	/* MariaDB refuses NULL after a generated column's AS (...); it is the default anyway. */
	if (!c->nullable)
		mg_buf_puts(o, " NOT NULL");
	else if (c->generated == MG_GENERATED_NONE)
		mg_buf_puts(o, " NULL");
	if (c->default_expr && c->generated == MG_GENERATED_NONE) {
		mg_buf_puts(o, " DEFAULT ");
		put_default(r, c->default_expr);
	}
	if (c->identity == MG_IDENTITY_AUTO_INCREMENT)
		mg_buf_puts(o, " AUTO_INCREMENT");
	if (c->comment) {
		mg_buf_puts(o, " COMMENT ");
		mg_ddl_literal(r, c->comment);
	}
}

static const char *index_kind(const mg_index *ix)
{
	if (ix->method && !strcasecmp(ix->method, "FULLTEXT"))
		return "FULLTEXT ";
	if (ix->method && !strcasecmp(ix->method, "SPATIAL"))
		return "SPATIAL ";
	return ix->unique ? "UNIQUE " : "";
}

static void index_tail(mg_ddl *r, const mg_index *ix)
{
	mg_buf *o = r->out;

	mg_buf_puts(o, "(");
	for (size_t i = 0; i < ix->nelems; i++) {
		const mg_index_elem *e = &ix->elems[i];
		if (i)
			mg_buf_puts(o, ", ");
		if (e->column) {
			mg_ddl_ident(r, e->column);
			if (e->prefix_length)
				mg_buf_printf(o, "(%d)", e->prefix_length);
		} else {
			mg_buf_putc(o, '(');
			mg_buf_puts(o, e->expr ? e->expr : "");
			mg_buf_putc(o, ')');
		}
		if (e->desc)
			mg_buf_puts(o, " DESC");
	}
	mg_buf_putc(o, ')');
}

static void using_method(mg_ddl *r, const mg_index *ix)
{
	if (ix->method && !strcasecmp(ix->method, "HASH"))
		mg_buf_puts(r->out, " USING HASH");
}

static void create_table(mg_ddl *r, const mg_table *t)
{
	mg_buf *o = r->out;
	bool first = true;

#define NEXT() (mg_buf_puts(o, first ? "\n    " : ",\n    "), first = false)
	mg_buf_puts(o, "CREATE TABLE ");
	mg_ddl_name(r, t->name);
	mg_buf_puts(o, " (");
	for (size_t i = 0; i < t->ncolumns; i++) {
		NEXT();
		column_def(r, t->columns[i]);
	}
	if (t->primary_key) {
		NEXT();
		mg_buf_puts(o, "PRIMARY KEY ");
		mg_ddl_ident_list(r, t->primary_key->columns, t->primary_key->ncolumns);
	}
	for (size_t i = 0; i < t->nindexes; i++) {
		const mg_index *ix = t->indexes[i];
		NEXT();
		mg_buf_printf(o, "%sKEY ", index_kind(ix));
		mg_ddl_ident(r, ix->name);
		using_method(r, ix);
		mg_buf_putc(o, ' ');
		index_tail(r, ix);
	}
	for (size_t i = 0; i < t->nuniques; i++) {
		NEXT();
		mg_ddl_constraint_name(r, t->uniques[i]->name);
		mg_buf_puts(o, "UNIQUE ");
		mg_ddl_ident_list(r, t->uniques[i]->columns, t->uniques[i]->ncolumns);
	}
	for (size_t i = 0; i < t->nchecks; i++) {
		NEXT();
		mg_ddl_constraint_name(r, t->checks[i]->name);
		mg_buf_puts(o, "CHECK ");
		mg_ddl_paren(r, t->checks[i]->expr);
	}
	for (size_t i = 0; i < t->nforeign_keys; i++) {
		if (!mg_ddl_fk_inline(r, t->foreign_keys[i]))
			continue;
		NEXT();
		mg_ddl_constraint_name(r, t->foreign_keys[i]->name);
		mg_ddl_fk_clause(r, t->foreign_keys[i]);
	}
#undef NEXT
	mg_buf_puts(o, "\n)");
	if (t->comment) {
		mg_buf_puts(o, " COMMENT = ");
		mg_ddl_literal(r, t->comment);
	}
	mg_ddl_end(r);
}

static void drop_table(mg_ddl *r, const mg_table *t)
{
	mg_buf_puts(r->out, "DROP TABLE ");
	mg_ddl_name(r, t->name);
	mg_ddl_end(r);
}

static void add_column(mg_ddl *r, const mg_table *t, const mg_column *c)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " ADD COLUMN ");
	column_def(r, c);
	mg_ddl_end(r);
}

static void drop_column(mg_ddl *r, const mg_table *t, const mg_column *c)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " DROP COLUMN ");
	mg_ddl_ident(r, c->name);
	mg_ddl_end(r);
}

static void alter_column(mg_ddl *r, const mg_table *t, const mg_column *from, const mg_column *to,
			 unsigned ch)
{
	(void)from;
	(void)ch;
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " MODIFY COLUMN ");
	column_def(r, to);
	mg_ddl_end(r);
}

static void add_pk(mg_ddl *r, const mg_table *t, const mg_primary_key *pk)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " ADD PRIMARY KEY ");
	mg_ddl_ident_list(r, pk->columns, pk->ncolumns);
	mg_ddl_end(r);
}

static void drop_pk(mg_ddl *r, const mg_table *t, const mg_primary_key *pk)
{
	(void)pk;
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " DROP PRIMARY KEY");
	mg_ddl_end(r);
}

static void create_index(mg_ddl *r, const mg_table *t, const mg_index *ix)
{
	mg_buf_printf(r->out, "CREATE %sINDEX ", index_kind(ix));
	mg_ddl_ident(r, ix->name);
	using_method(r, ix);
	mg_buf_puts(r->out, " ON ");
	mg_ddl_name(r, t->name);
	mg_buf_putc(r->out, ' ');
	index_tail(r, ix);
	mg_ddl_end(r);
}

static void drop_index_named(mg_ddl *r, const mg_table *t, const char *name)
{
	mg_buf_puts(r->out, "DROP INDEX ");
	mg_ddl_ident(r, name ? name : "?");
	mg_buf_puts(r->out, " ON ");
	mg_ddl_name(r, t->name);
	mg_ddl_end(r);
}

static void drop_index(mg_ddl *r, const mg_table *t, const mg_index *ix)
{
	drop_index_named(r, t, ix->name);
}

static void add_unique(mg_ddl *r, const mg_table *t, const mg_unique *u)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " ADD ");
	mg_ddl_constraint_name(r, u->name);
	mg_buf_puts(r->out, "UNIQUE ");
	mg_ddl_ident_list(r, u->columns, u->ncolumns);
	mg_ddl_end(r);
}

static void drop_unique(mg_ddl *r, const mg_table *t, const mg_unique *u)
{
	drop_index_named(r, t, u->name);
}

static void add_check(mg_ddl *r, const mg_table *t, const mg_check *c)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " ADD ");
	mg_ddl_constraint_name(r, c->name);
	mg_buf_puts(r->out, "CHECK ");
	mg_ddl_paren(r, c->expr);
	mg_ddl_end(r);
}

static void drop_check(mg_ddl *r, const mg_table *t, const mg_check *c)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, r->mariadb ? " DROP CONSTRAINT " : " DROP CHECK ");
	mg_ddl_ident(r, c->name ? c->name : "?");
	mg_ddl_end(r);
}

static void add_fk(mg_ddl *r, const mg_table *t, const mg_foreign_key *fk)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " ADD ");
	mg_ddl_constraint_name(r, fk->name);
	mg_ddl_fk_clause(r, fk);
	mg_ddl_end(r);
}

static void drop_fk(mg_ddl *r, const mg_table *t, const mg_foreign_key *fk)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " DROP FOREIGN KEY ");
	mg_ddl_ident(r, fk->name ? fk->name : "?");
	mg_ddl_end(r);
}

static void table_comment(mg_ddl *r, const mg_table *t, const char *comment)
{
	mg_ddl_alter_table(r, t->name);
	mg_buf_puts(r->out, " COMMENT = ");
	mg_ddl_literal(r, comment ? comment : "");
	mg_ddl_end(r);
}

const mg_ddl_dialect mg_ddl_mysql = {
	create_table, drop_table, add_column,  drop_column, alter_column, add_pk,
	drop_pk,      create_index, drop_index, add_unique, drop_unique,  add_check,
	drop_check,   add_fk,       drop_fk,    table_comment,
};

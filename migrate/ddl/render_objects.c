/*
 * DDL of the object kinds other than tables, each object's CREATE beside
 * its DROP (and its ALTER beside the inverse ALTER), per dialect: views,
 * materialised views, sequences, enums, domains, functions and procedures,
 * triggers, extensions (PG); views, routines, triggers, events (MySQL, the
 * bodies behind DELIMITER); views and triggers (SQLite).
 *
 * Definitions the server prints whole (PG pg_get_functiondef and
 * pg_get_triggerdef, SQLite's stored CREATE TRIGGER) are written as they
 * are, unqualified: they run with the revision's schema current.
 */
#include <stdio.h>
#include <string.h>

#include "ddl/ddl_int.h"
#include "diff/diff_int.h"

static void put_comment(mg_ddl *r, const char *what, const char *name, const char *comment)
{
	if (r->dialect != MG_DIALECT_POSTGRESQL)
		return;
	mg_buf_printf(r->out, "COMMENT ON %s ", what);
	mg_ddl_name(r, name);
	mg_buf_puts(r->out, " IS ");
	if (comment)
		mg_ddl_literal(r, comment);
	else
		mg_buf_puts(r->out, "NULL");
	mg_ddl_end(r);
}

/* MySQL: a statement whose body holds semicolons goes behind DELIMITER. */
static void my_begin(mg_ddl *r, const char *body)
{
	if (body && strchr(body, ';'))
		mg_buf_puts(r->out, "DELIMITER $$\n");
}

static void my_end(mg_ddl *r, const char *body)
{
	if (body && strchr(body, ';'))
		mg_buf_puts(r->out, "$$\nDELIMITER ;\n\n");
	else
		mg_ddl_end(r);
}

/* ---- views ---- */

static void view_body(mg_ddl *r, const mg_view *v)
{
	mg_buf_puts(r->out, " AS ");
	mg_buf_puts(r->out, v->definition ? v->definition : "");
	if (v->check_option) {
		mg_buf_puts(r->out, "\n WITH ");
		/* PG says "local"/"cascaded", MySQL "LOCAL"/"CASCADED". */
		mg_buf_puts(r->out, !strcmp(v->check_option, "local") ||
					    !strcmp(v->check_option, "LOCAL") ? "LOCAL" : "CASCADED");
		mg_buf_puts(r->out, " CHECK OPTION");
	}
	mg_ddl_end(r);
}

static void create_view(mg_ddl *r, const mg_view *v, bool replace)
{
	mg_buf *o = r->out;

	if (r->dialect == MG_DIALECT_POSTGRESQL) {
		mg_buf_printf(o, "CREATE %s%sVIEW ", replace ? "OR REPLACE " : "",
			      v->materialized ? "MATERIALIZED " : "");
		mg_ddl_name(r, v->name);
		if (v->security)
			mg_buf_puts(o, " WITH (security_invoker = true)");
		view_body(r, v);
		for (size_t i = 0; i < v->nindexes; i++) {
			mg_table t = { .name = v->name };
			mg_ddl_pg.create_index(r, &t, v->indexes[i]);
		}
		if (v->comment || replace)
			put_comment(r, v->materialized ? "MATERIALIZED VIEW" : "VIEW", v->name,
				    v->comment);
	} else if (r->dialect == MG_DIALECT_MYSQL) {
		mg_buf_printf(o, "CREATE %s", replace ? "OR REPLACE " : "");
		if (v->security)
			mg_buf_printf(o, "SQL SECURITY %s ", v->security);
		mg_buf_puts(o, "VIEW ");
		mg_ddl_name(r, v->name);
		view_body(r, v);
	} else {
		mg_buf_puts(o, "CREATE VIEW ");
		mg_ddl_name(r, v->name);
		view_body(r, v);
	}
}

static void drop_view(mg_ddl *r, const mg_view *v)
{
	mg_buf_puts(r->out, v->materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ");
	mg_ddl_name(r, v->name);
	mg_ddl_end(r);
}

/* ---- sequences ---- */

static void sequence_params(mg_ddl *r, const mg_sequence *q)
{
	mg_buf_printf(r->out,
		      " AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld START WITH %lld CACHE %lld%s",
		      q->type ? q->type : "bigint", q->increment, q->min, q->max, q->start, q->cache,
		      q->cycle ? " CYCLE" : " NO CYCLE");
}

static void create_sequence(mg_ddl *r, const mg_sequence *q)
{
	mg_buf_puts(r->out, "CREATE SEQUENCE ");
	mg_ddl_name(r, q->name);
	sequence_params(r, q);
	mg_ddl_end(r);
	if (q->comment)
		put_comment(r, "SEQUENCE", q->name, q->comment);
}

static void drop_sequence(mg_ddl *r, const mg_sequence *q)
{
	mg_buf_puts(r->out, "DROP SEQUENCE ");
	mg_ddl_name(r, q->name);
	mg_ddl_end(r);
}

/* from/to: either may be NULL for an OWNED BY change (changes 2). */
static void alter_sequence(mg_ddl *r, const mg_sequence *from, const mg_sequence *to,
			   unsigned changes)
{
	const mg_sequence *q = to ? to : from;

	mg_buf_puts(r->out, "ALTER SEQUENCE ");
	mg_ddl_name(r, q->name);
	if (changes == 2) {
		const char *owner = to ? to->owned_by : NULL;
		const char *dot = owner ? strchr(owner, '.') : NULL;
		mg_buf_puts(r->out, " OWNED BY ");
		if (dot) {
			char table[256];
			size_t n = (size_t)(dot - owner) < sizeof(table) - 1 ? (size_t)(dot - owner)
									    : sizeof(table) - 1;
			memcpy(table, owner, n);
			table[n] = '\0';
			mg_ddl_name(r, table);
			mg_buf_putc(r->out, '.');
			mg_ddl_ident(r, dot + 1);
		} else {
			mg_buf_puts(r->out, "NONE");
		}
		mg_ddl_end(r);
		return;
	}
	sequence_params(r, to);
	mg_ddl_end(r);
	if (!mg_diff_streq(from->comment, to->comment))
		put_comment(r, "SEQUENCE", to->name, to->comment);
}

/* ---- enums ---- */

static void label_list(mg_ddl *r, const mg_enum *e)
{
	mg_buf_putc(r->out, '(');
	for (size_t i = 0; i < e->nlabels; i++) {
		if (i)
			mg_buf_puts(r->out, ", ");
		mg_ddl_literal(r, e->labels[i]);
	}
	mg_buf_putc(r->out, ')');
}

static void create_enum(mg_ddl *r, const mg_enum *e)
{
	mg_buf_puts(r->out, "CREATE TYPE ");
	mg_ddl_name(r, e->name);
	mg_buf_puts(r->out, " AS ENUM ");
	label_list(r, e);
	mg_ddl_end(r);
	if (e->comment)
		put_comment(r, "TYPE", e->name, e->comment);
}

static void drop_enum(mg_ddl *r, const mg_enum *e)
{
	mg_buf_puts(r->out, "DROP TYPE ");
	mg_ddl_name(r, e->name);
	mg_ddl_end(r);
}

/* ALTER TYPE ... ADD VALUE for each label of to that from lacks, placed
 * before the next label that exists (else after the previous one). */
static void add_enum_values(mg_ddl *r, const mg_enum *from, const mg_enum *to)
{
	for (size_t i = 0; i < to->nlabels; i++) {
		const char *before = NULL;
		if (mg_diff_enum_label(from, to->labels[i]))
			continue;
		for (size_t k = i + 1; k < to->nlabels && !before; k++) {
			if (mg_diff_enum_label(from, to->labels[k]))
				before = to->labels[k];
		}
		mg_buf_puts(r->out, "ALTER TYPE ");
		mg_ddl_name(r, to->name);
		mg_buf_puts(r->out, " ADD VALUE ");
		mg_ddl_literal(r, to->labels[i]);
		if (before) {
			mg_buf_puts(r->out, " BEFORE ");
			mg_ddl_literal(r, before);
		} else if (i > 0) {
			mg_buf_puts(r->out, " AFTER ");
			mg_ddl_literal(r, to->labels[i - 1]);
		}
		mg_ddl_end(r);
	}
}

/* Column `name` of table t in cat, or NULL. */
static const mg_column *column_in(const mg_catalog *cat, const mg_table *t, const char *name)
{
	const mg_table *x = cat ? mg_catalog_table(cat, t->name) : NULL;
	return x ? mg_table_column(x, name) : NULL;
}

/* One column of the type retyped through text. Its default is dropped
 * first when either side has one (the column may hold the other side's by
 * now: ddl/render.c leaves it to this rebuild, diff.h default_by_rebuild),
 * and set after to the one it has in `after`, where it is still of the
 * type; else the column's own op sets it. */
static void rebuild_column(mg_ddl *r, const mg_table *t, const mg_column *c, const mg_enum *to,
			   const mg_catalog *const sides[2], const mg_catalog *after)
{
	mg_buf *o = r->out;
	bool array = strstr(c->type, "[]") != NULL;
	const mg_column *a = column_in(after, t, c->name), *x;
	bool dflt = c->default_expr != NULL;

	for (int i = 0; i < 2; i++)
		if ((x = column_in(sides[i], t, c->name)) && x->default_expr)
			dflt = true;
	if (dflt) {
		mg_ddl_alter_column(r, t->name, c->name);
		mg_buf_puts(o, "DROP DEFAULT");
		mg_ddl_end(r);
	}
	mg_ddl_alter_column(r, t->name, c->name);
	mg_buf_puts(o, "TYPE ");
	mg_ddl_name(r, to->name);
	mg_buf_puts(o, array ? "[] USING " : " USING ");
	mg_ddl_ident(r, c->name);
	mg_buf_puts(o, array ? "::text[]::" : "::text::");
	mg_ddl_name(r, to->name);
	if (array)
		mg_buf_puts(o, "[]");
	mg_ddl_end(r);
	if (a && a->default_expr && mg_diff_column_of_type(a, to->name)) {
		mg_ddl_alter_column(r, t->name, c->name);
		mg_buf_puts(o, "SET DEFAULT ");
		mg_buf_puts(o, a->default_expr);
		mg_ddl_end(r);
	}
}

/*
 * Labels from -> to when values go or move: the old type steps aside, the
 * new one takes its name, every column of the type (in cols, the catalog
 * whose tables stand while this runs) is converted through text, and the
 * old type goes. sides: the op's two catalogs; after: the one whose
 * defaults the columns take. What else names the type in its text
 * (checks, indexes, views, triggers) the diff has dropped before and adds
 * after (diff.h).
 */
static void rebuild_enum(mg_ddl *r, const mg_enum *from, const mg_enum *to, const mg_catalog *cols,
			 const mg_catalog *const sides[2], const mg_catalog *after)
{
	mg_buf *o = r->out;
	char old[300];

	snprintf(old, sizeof(old), "%s__migrate_old", from->name);
	mg_buf_puts(o, "ALTER TYPE ");
	mg_ddl_name(r, from->name);
	mg_buf_puts(o, " RENAME TO ");
	mg_ddl_ident(r, old);
	mg_ddl_end(r);
	mg_buf_puts(o, "CREATE TYPE ");
	mg_ddl_name(r, to->name);
	mg_buf_puts(o, " AS ENUM ");
	label_list(r, to);
	mg_ddl_end(r);
	for (size_t i = 0; cols && i < cols->ntables; i++) {
		const mg_table *t = cols->tables[i];
		for (size_t k = 0; k < t->ncolumns; k++)
			if (mg_diff_column_of_type(t->columns[k], from->name))
				rebuild_column(r, t, t->columns[k], to, sides, after);
	}
	mg_buf_puts(o, "DROP TYPE ");
	mg_ddl_ident(r, old);
	mg_ddl_end(r);
	if (!mg_diff_streq(from->comment, to->comment) || to->comment)
		put_comment(r, "TYPE", to->name, to->comment);
}

/* ---- domains ---- */

static void domain_check(mg_ddl *r, const mg_check *c)
{
	mg_buf_puts(r->out, "CONSTRAINT ");
	mg_ddl_ident(r, c->name);
	mg_buf_puts(r->out, " CHECK ");
	mg_ddl_paren(r, c->expr ? c->expr : "true");
}

static void create_domain(mg_ddl *r, const mg_domain *d)
{
	mg_buf *o = r->out;

	mg_buf_puts(o, "CREATE DOMAIN ");
	mg_ddl_name(r, d->name);
	mg_buf_printf(o, " AS %s", d->type);
	if (d->collation) {
		mg_buf_puts(o, " COLLATE ");
		mg_ddl_ident(r, d->collation);
	}
	if (d->default_expr)
		mg_buf_printf(o, " DEFAULT %s", d->default_expr);
	if (d->not_null)
		mg_buf_puts(o, " NOT NULL");
	for (size_t i = 0; i < d->nchecks; i++) {
		mg_buf_putc(o, ' ');
		domain_check(r, d->checks[i]);
	}
	mg_ddl_end(r);
	if (d->comment)
		put_comment(r, "DOMAIN", d->name, d->comment);
}

static void drop_domain(mg_ddl *r, const mg_domain *d)
{
	mg_buf_puts(r->out, "DROP DOMAIN ");
	mg_ddl_name(r, d->name);
	mg_ddl_end(r);
}

static const mg_check *find_check(const mg_domain *d, const char *name)
{
	for (size_t i = 0; i < d->nchecks; i++) {
		if (mg_diff_streq(d->checks[i]->name, name))
			return d->checks[i];
	}
	return NULL;
}

static void alter_domain_head(mg_ddl *r, const mg_domain *d)
{
	mg_buf_puts(r->out, "ALTER DOMAIN ");
	mg_ddl_name(r, d->name);
}

static void alter_domain(mg_ddl *r, const mg_domain *from, const mg_domain *to)
{
	if (!mg_diff_streq(from->default_expr, to->default_expr)) {
		alter_domain_head(r, to);
		if (to->default_expr)
			mg_buf_printf(r->out, " SET DEFAULT %s", to->default_expr);
		else
			mg_buf_puts(r->out, " DROP DEFAULT");
		mg_ddl_end(r);
	}
	for (size_t i = 0; i < from->nchecks; i++) {
		const mg_check *n = find_check(to, from->checks[i]->name);
		if (n && mg_diff_streq(n->expr, from->checks[i]->expr))
			continue;
		alter_domain_head(r, to);
		mg_buf_puts(r->out, " DROP CONSTRAINT ");
		mg_ddl_ident(r, from->checks[i]->name);
		mg_ddl_end(r);
	}
	if (from->not_null != to->not_null) {
		alter_domain_head(r, to);
		mg_buf_puts(r->out, to->not_null ? " SET NOT NULL" : " DROP NOT NULL");
		mg_ddl_end(r);
	}
	for (size_t i = 0; i < to->nchecks; i++) {
		const mg_check *o = find_check(from, to->checks[i]->name);
		if (o && mg_diff_streq(o->expr, to->checks[i]->expr))
			continue;
		alter_domain_head(r, to);
		mg_buf_puts(r->out, " ADD ");
		domain_check(r, to->checks[i]);
		mg_ddl_end(r);
	}
	if (!mg_diff_streq(from->comment, to->comment))
		put_comment(r, "DOMAIN", to->name, to->comment);
}

/* ---- functions ---- */

static void function_comment(mg_ddl *r, const mg_function *f)
{
	mg_buf_printf(r->out, "COMMENT ON %s ", f->procedure ? "PROCEDURE" : "FUNCTION");
	mg_ddl_name(r, f->name);
	mg_buf_printf(r->out, "(%s) IS ", f->args ? f->args : "");
	if (f->comment)
		mg_ddl_literal(r, f->comment);
	else
		mg_buf_puts(r->out, "NULL");
	mg_ddl_end(r);
}

static void create_function(mg_ddl *r, const mg_function *f, bool replace)
{
	mg_buf *o = r->out;

	if (r->dialect == MG_DIALECT_POSTGRESQL) {
		/* pg_get_functiondef: a whole CREATE OR REPLACE statement. */
		mg_buf_puts(o, f->definition ? f->definition : "");
		mg_ddl_end(r);
		if (f->comment || replace)
			function_comment(r, f);
		return;
	}
	my_begin(r, f->definition);
	mg_buf_printf(o, "CREATE %s ", f->procedure ? "PROCEDURE" : "FUNCTION");
	mg_ddl_name(r, f->name);
	mg_buf_printf(o, "(%s)", f->args ? f->args : "");
	if (!f->procedure && f->result)
		mg_buf_printf(o, " RETURNS %s", f->result);
	mg_buf_printf(o, "\n %sDETERMINISTIC", f->volatility == 'i' ? "" : "NOT ");
	if (f->data_access)
		mg_buf_printf(o, " %s", f->data_access);
	mg_buf_printf(o, " SQL SECURITY %s", f->security_definer ? "DEFINER" : "INVOKER");
	if (f->comment) {
		mg_buf_puts(o, " COMMENT ");
		mg_ddl_literal(r, f->comment);
	}
	mg_buf_putc(o, '\n');
	mg_buf_puts(o, f->definition ? f->definition : "");
	my_end(r, f->definition);
}

static void drop_function(mg_ddl *r, const mg_function *f)
{
	mg_buf_printf(r->out, "DROP %s ", f->procedure ? "PROCEDURE" : "FUNCTION");
	mg_ddl_name(r, f->name);
	if (r->dialect == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(r->out, "(%s)", f->args ? f->args : "");
	mg_ddl_end(r);
}

/* ---- triggers ---- */

static void create_trigger(mg_ddl *r, const mg_trigger *t)
{
	mg_buf *o = r->out;

	if (r->dialect == MG_DIALECT_MYSQL) {
		my_begin(r, t->definition);
		mg_buf_puts(o, "CREATE TRIGGER ");
		mg_ddl_name(r, t->name);
		mg_buf_printf(o, " %s %s ON ", t->timing, t->events);
		mg_ddl_name(r, t->table);
		mg_buf_puts(o, " FOR EACH ROW\n");
		mg_buf_puts(o, t->definition ? t->definition : "");
		my_end(r, t->definition);
		return;
	}
	mg_buf_puts(o, t->definition ? t->definition : "");
	mg_ddl_end(r);
	if (r->dialect == MG_DIALECT_POSTGRESQL && t->comment) {
		mg_buf_puts(o, "COMMENT ON TRIGGER ");
		mg_ddl_ident(r, t->name);
		mg_buf_puts(o, " ON ");
		mg_ddl_name(r, t->table);
		mg_buf_puts(o, " IS ");
		mg_ddl_literal(r, t->comment);
		mg_ddl_end(r);
	}
}

static void drop_trigger(mg_ddl *r, const mg_trigger *t)
{
	mg_buf_puts(r->out, "DROP TRIGGER ");
	if (r->dialect == MG_DIALECT_POSTGRESQL) {
		mg_ddl_ident(r, t->name);
		mg_buf_puts(r->out, " ON ");
		mg_ddl_name(r, t->table);
	} else {
		mg_ddl_name(r, t->name);
	}
	mg_ddl_end(r);
}

/* ---- extensions ---- */

static void create_extension(mg_ddl *r, const mg_extension *e)
{
	mg_buf_puts(r->out, "CREATE EXTENSION ");
	mg_ddl_ident(r, e->name);
	if (r->qual)
		mg_buf_printf(r->out, " SCHEMA %s", r->qual);
	if (e->version) {
		mg_buf_puts(r->out, " VERSION ");
		mg_ddl_literal(r, e->version);
	}
	mg_ddl_end(r);
	if (e->comment) {
		mg_buf_puts(r->out, "COMMENT ON EXTENSION ");
		mg_ddl_ident(r, e->name);
		mg_buf_puts(r->out, " IS ");
		mg_ddl_literal(r, e->comment);
		mg_ddl_end(r);
	}
}

static void drop_extension(mg_ddl *r, const mg_extension *e)
{
	mg_buf_puts(r->out, "DROP EXTENSION ");
	mg_ddl_ident(r, e->name);
	mg_ddl_end(r);
}

static void alter_extension(mg_ddl *r, const mg_extension *from, const mg_extension *to)
{
	if (!mg_diff_streq(from->version, to->version) && to->version) {
		mg_buf_puts(r->out, "ALTER EXTENSION ");
		mg_ddl_ident(r, to->name);
		mg_buf_puts(r->out, " UPDATE TO ");
		mg_ddl_literal(r, to->version);
		mg_ddl_end(r);
	}
	if (!mg_diff_streq(from->comment, to->comment)) {
		mg_buf_puts(r->out, "COMMENT ON EXTENSION ");
		mg_ddl_ident(r, to->name);
		mg_buf_puts(r->out, " IS ");
		if (to->comment)
			mg_ddl_literal(r, to->comment);
		else
			mg_buf_puts(r->out, "NULL");
		mg_ddl_end(r);
	}
}

/* ---- events (MySQL) ---- */

static void create_event(mg_ddl *r, const mg_event *e)
{
	mg_buf *o = r->out;

	my_begin(r, e->definition);
	mg_buf_puts(o, "CREATE EVENT ");
	mg_ddl_name(r, e->name);
	mg_buf_printf(o, " ON SCHEDULE %s", e->schedule ? e->schedule : "EVERY 1 DAY");
	if (e->ends && strncmp(e->schedule ? e->schedule : "", "AT ", 3)) {
		mg_buf_puts(o, " ENDS ");
		mg_ddl_literal(r, e->ends);
	}
	mg_buf_printf(o, " ON COMPLETION %sPRESERVE", e->preserve ? "" : "NOT ");
	if (e->status && !strcmp(e->status, "DISABLED"))
		mg_buf_puts(o, " DISABLE");
	else if (e->status && !strcmp(e->status, "SLAVESIDE_DISABLED"))
		mg_buf_puts(o, " DISABLE ON SLAVE");
	else
		mg_buf_puts(o, " ENABLE");
	if (e->comment) {
		mg_buf_puts(o, " COMMENT ");
		mg_ddl_literal(r, e->comment);
	}
	mg_buf_puts(o, "\nDO ");
	mg_buf_puts(o, e->definition ? e->definition : "");
	my_end(r, e->definition);
}

static void drop_event(mg_ddl *r, const mg_event *e)
{
	mg_buf_puts(r->out, "DROP EVENT ");
	mg_ddl_name(r, e->name);
	mg_ddl_end(r);
}

/* ---- the dispatcher ---- */

void mg_ddl_object(mg_ddl *r, const mg_diff_op *op, bool up)
{
	const void *o = op->old_object, *n = op->new_object;
	const void *from = up ? o : n, *to = up ? n : o;
	const mg_catalog *const sides[2] = { op->old_catalog, op->new_catalog };

	switch (op->kind) {
	case MG_DIFF_CREATE_VIEW:
	case MG_DIFF_DROP_VIEW:
		if ((op->kind == MG_DIFF_CREATE_VIEW) == up)
			create_view(r, op->kind == MG_DIFF_CREATE_VIEW ? n : o, false);
		else
			drop_view(r, op->kind == MG_DIFF_CREATE_VIEW ? n : o);
		break;
	case MG_DIFF_REPLACE_VIEW:
		create_view(r, to, true);
		break;
	case MG_DIFF_CREATE_SEQUENCE:
	case MG_DIFF_DROP_SEQUENCE:
		if ((op->kind == MG_DIFF_CREATE_SEQUENCE) == up)
			create_sequence(r, op->kind == MG_DIFF_CREATE_SEQUENCE ? n : o);
		else
			drop_sequence(r, op->kind == MG_DIFF_CREATE_SEQUENCE ? n : o);
		break;
	case MG_DIFF_ALTER_SEQUENCE:
		alter_sequence(r, from, to, op->changes);
		break;
	case MG_DIFF_CREATE_ENUM:
	case MG_DIFF_DROP_ENUM:
		if ((op->kind == MG_DIFF_CREATE_ENUM) == up)
			create_enum(r, op->kind == MG_DIFF_CREATE_ENUM ? n : o);
		else
			drop_enum(r, op->kind == MG_DIFF_CREATE_ENUM ? n : o);
		break;
	case MG_DIFF_ADD_ENUM_VALUES: {
		const mg_enum *a = from, *b = to;
		bool same = a->nlabels == b->nlabels;
		for (size_t i = 0; same && i < a->nlabels; i++)
			same = !strcmp(a->labels[i], b->labels[i]);
		/* Values cannot be taken out of a type: the way back is a rebuild. */
		if (!same && up)
			add_enum_values(r, a, b);
		else if (!same)
			rebuild_enum(r, a, b, op->old_catalog, sides, op->old_catalog);
		if (same || up) {
			if (!mg_diff_streq(a->comment, b->comment))
				put_comment(r, "TYPE", b->name, b->comment);
		}
		break;
	}
	case MG_DIFF_REBUILD_ENUM:
		/* The tables stand as in the current catalog both ways: the
		 * rebuild runs before the table changes, and its inverse after
		 * theirs; the defaults are the ones of the side it goes to. */
		rebuild_enum(r, from, to, op->old_catalog, sides, up ? op->new_catalog : op->old_catalog);
		break;
	case MG_DIFF_CREATE_DOMAIN:
	case MG_DIFF_DROP_DOMAIN:
		if ((op->kind == MG_DIFF_CREATE_DOMAIN) == up)
			create_domain(r, op->kind == MG_DIFF_CREATE_DOMAIN ? n : o);
		else
			drop_domain(r, op->kind == MG_DIFF_CREATE_DOMAIN ? n : o);
		break;
	case MG_DIFF_ALTER_DOMAIN:
		alter_domain(r, from, to);
		break;
	case MG_DIFF_CREATE_FUNCTION:
	case MG_DIFF_DROP_FUNCTION:
		if ((op->kind == MG_DIFF_CREATE_FUNCTION) == up)
			create_function(r, op->kind == MG_DIFF_CREATE_FUNCTION ? n : o, false);
		else
			drop_function(r, op->kind == MG_DIFF_CREATE_FUNCTION ? n : o);
		break;
	case MG_DIFF_REPLACE_FUNCTION:
		create_function(r, to, true);
		break;
	case MG_DIFF_CREATE_TRIGGER:
	case MG_DIFF_DROP_TRIGGER:
		if ((op->kind == MG_DIFF_CREATE_TRIGGER) == up)
			create_trigger(r, op->kind == MG_DIFF_CREATE_TRIGGER ? n : o);
		else
			drop_trigger(r, op->kind == MG_DIFF_CREATE_TRIGGER ? n : o);
		break;
	case MG_DIFF_CREATE_EXTENSION:
	case MG_DIFF_DROP_EXTENSION:
		if ((op->kind == MG_DIFF_CREATE_EXTENSION) == up)
			create_extension(r, op->kind == MG_DIFF_CREATE_EXTENSION ? n : o);
		else
			drop_extension(r, op->kind == MG_DIFF_CREATE_EXTENSION ? n : o);
		break;
	case MG_DIFF_ALTER_EXTENSION:
		alter_extension(r, from, to);
		break;
	case MG_DIFF_CREATE_EVENT:
	case MG_DIFF_DROP_EVENT:
		if ((op->kind == MG_DIFF_CREATE_EVENT) == up)
			create_event(r, op->kind == MG_DIFF_CREATE_EVENT ? n : o);
		else
			drop_event(r, op->kind == MG_DIFF_CREATE_EVENT ? n : o);
		break;
	default:
		break;
	}
}

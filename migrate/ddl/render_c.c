/*
 * A diff rendered as C op calls for `revision --autogenerate --c`: each
 * operation (or its inverse, for the downgrade) becomes calls of the op API
 * of <migrate/revision.h> where that API says exactly what the catalog
 * holds, and the SQL renderer's statements behind migrate_execute_for()
 * where it cannot.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ddl/ddl_int.h"
#include "ddl/sqlite_rebuild.h"
#include "diff/diff_int.h"
#include "migrate/diff_c.h"
#include "util/map.h"

typedef struct crender {
	const mg_diff *d;
	mg_dialect dialect;
	bool up;
	mg_buf *out;
	size_t ncalls;
	mg_map rebuild; /* SQLite: tables changed by one SQL rebuild */
	mg_map done;
	mg_error *err;
	int rc;
} crender;

/* ---- C text ---- */

/* A C string literal of s; "??" is broken up (trigraphs under -std=c11). */
static void put_lit(mg_buf *b, const char *s)
{
	mg_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': mg_buf_puts(b, "\\\""); break;
		case '\\': mg_buf_puts(b, "\\\\"); break;
		case '\n': mg_buf_puts(b, "\\n"); break;
		case '\t': mg_buf_puts(b, "\\t"); break;
		case '\r': mg_buf_puts(b, "\\r"); break;
		case '?':
			mg_buf_puts(b, p[1] == '?' ? "?\\" : "?");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				mg_buf_printf(b, "\\%03o", *p);
			else
				mg_buf_putc(b, (char)*p);
		}
	}
	mg_buf_putc(b, '"');
}

/* Multi-line text as adjacent literals, one per line, continued at indent. */
static void put_lit_lines(mg_buf *b, const char *s, const char *indent)
{
	const char *p = s;

	if (!*p) {
		put_lit(b, "");
		return;
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		char *line = mg_xstrndup(p, n);
		if (p != s) {
			mg_buf_putc(b, '\n');
			mg_buf_puts(b, indent);
		}
		put_lit(b, line);
		free(line);
		p += n;
	}
}

static void put_comment(crender *r, const char *text)
{
	mg_buf_puts(r->out, "\t/* ");
	for (const char *p = text; *p; p++) {
		mg_buf_putc(r->out, *p == '\n' ? ' ' : *p);
		if (*p == '*' && p[1] == '/')
			mg_buf_putc(r->out, ' '); /* a name holding a comment end */
	}
	mg_buf_puts(r->out, " */\n");
}

static void call_begin(crender *r, const char *fn)
{
	mg_buf_printf(r->out, "\tif ((rc = %s(op, ", fn);
	r->ncalls++;
}

static void call_end(crender *r)
{
	mg_buf_puts(r->out, ")) != 0)\n\t\treturn rc;\n");
}

/* "a, b" */
static void put_names(mg_buf *b, const char **names, size_t n)
{
	mg_buf tmp = MG_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			mg_buf_puts(&tmp, ", ");
		mg_buf_puts(&tmp, names[i]);
	}
	put_lit(b, tmp.ptr);
	mg_buf_release(&tmp);
}

/* ---- fallback: the SQL renderer's text for one operation ---- */

static char *op_sql(crender *r, const mg_diff_op *op, bool up)
{
	mg_diff one = *r->d;
	const mg_diff_op *ops[1] = { op };
	char *sql = NULL;
	size_t n;

	one.ops = (mg_diff_op **)ops;
	one.nops = 1;
	if (mg_diff_render_sql(&one, r->dialect, up, NULL, &sql, r->err) != MG_OK) {
		r->rc = r->err ? r->err->code : MG_EINPUT;
		return NULL;
	}
	n = strlen(sql);
	while (n && isspace((unsigned char)sql[n - 1]))
		sql[--n] = '\0';
	return sql;
}

static void emit_execute(crender *r, const char *sql, const char *why)
{
	mg_buf c = MG_BUF_INIT;

	if (!sql || !*sql)
		return;
	mg_buf_printf(&c, "%s: SQL for %s only", why, mg_dialect_name(r->dialect));
	put_comment(r, c.ptr);
	mg_buf_release(&c);
	call_begin(r, "migrate_execute_for");
	put_lit(r->out, mg_dialect_name(r->dialect));
	mg_buf_puts(r->out, ",\n\t\t\t");
	put_lit_lines(r->out, sql, "\t\t\t");
	call_end(r);
}

static void fallback(crender *r, const mg_diff_op *op, bool up, const char *why)
{
	char *sql = op_sql(r, op, up);
	emit_execute(r, sql, why);
	free(sql);
}

/* One operation made up for a part of a table (up: the add). */
static void fallback_part(crender *r, mg_diff_kind kind, const mg_table *t, const void *part,
			  const char *why)
{
	mg_diff_op op;

	memset(&op, 0, sizeof(op));
	op.kind = kind;
	op.table = t->name;
	op.old_table = op.new_table = t;
	switch (kind) {
	case MG_DIFF_CREATE_INDEX: op.index = part; break;
	case MG_DIFF_ADD_UNIQUE: op.unique = part; break;
	case MG_DIFF_ADD_FOREIGN_KEY: op.fk = part; break;
	case MG_DIFF_ADD_PRIMARY_KEY: op.pk = part; break;
	default: break;
	}
	fallback(r, &op, true, why);
}

/* ---- types ---- */

static bool digits_args(const char *s, int min, int max)
{
	/* "(n)" or "(p,s)" / "(p, s)" exactly; none at all when s is "". */
	int n = 0;
	if (!*s)
		return min == 0;
	if (*s++ != '(')
		return false;
	for (;;) {
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
		n++;
		if (*s == ',') {
			s++;
			if (*s == ' ')
				s++;
			continue;
		}
		break;
	}
	return *s == ')' && !s[1] && n >= min && n <= max;
}

/* "(p, s)" without blanks: "(p,s)". */
static void put_args(mg_buf *b, const char *args)
{
	for (; *args; args++)
		if (*args != ' ')
			mg_buf_putc(b, *args);
}

typedef struct tmap {
	const char *cat, *portable;
	int min, max; /* arguments */
} tmap;

static const tmap pg_types[] = {
	{ "smallint", "smallint", 0, 0 },
	{ "integer", "integer", 0, 0 },
	{ "bigint", "bigint", 0, 0 },
	{ "real", "real", 0, 0 },
	{ "double precision", "double", 0, 0 },
	{ "numeric", "numeric", 0, 2 },
	{ "boolean", "boolean", 0, 0 },
	{ "character varying", "varchar", 1, 1 },
	{ "character", "char", 1, 1 },
	{ "text", "text", 0, 0 },
	{ "date", "date", 0, 0 },
	{ "time without time zone", "time", 0, 0 },
	{ "timestamp without time zone", "timestamp", 0, 0 },
	{ "timestamp with time zone", "timestamptz", 0, 0 },
	{ "bytea", "blob", 0, 0 },
	{ "json", "json", 0, 0 },
	{ "uuid", "uuid", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

static const tmap my_types[] = {
	{ "smallint", "smallint", 0, 0 },
	{ "int", "integer", 0, 0 },
	{ "bigint", "bigint", 0, 0 },
	{ "float", "real", 0, 0 },
	{ "double", "double", 0, 0 },
	{ "decimal", "decimal", 2, 2 },
	{ "tinyint(1)", "boolean", 0, 0 },
	{ "varchar", "varchar", 1, 1 },
	{ "char", "char", 1, 1 },
	{ "text", "text", 0, 0 },
	{ "date", "date", 0, 0 },
	{ "time", "time", 0, 0 },
	{ "datetime", "timestamp", 0, 0 },
	{ "longblob", "blob", 0, 0 },
	{ "json", "json", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

/* SQLite keeps the type as declared, and the op API writes the portable
 * name in capitals: only a declaration spelled that way maps. */
static const tmap lite_types[] = {
	{ "smallint", "smallint", 0, 0 },
	{ "integer", "integer", 0, 0 },
	{ "bigint", "bigint", 0, 0 },
	{ "real", "real", 0, 0 },
	{ "numeric", "numeric", 0, 2 },
	{ "boolean", "boolean", 0, 0 },
	{ "varchar", "varchar", 1, 1 },
	{ "char", "char", 1, 1 },
	{ "text", "text", 0, 0 },
	{ "date", "date", 0, 0 },
	{ "time", "time", 0, 0 },
	{ "timestamp", "timestamp", 0, 0 },
	{ "blob", "blob", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

/* Lowercase, blanks collapsed to one space, none at the ends. */
static char *loose(const char *s)
{
	mg_buf b = MG_BUF_INIT;
	bool space = false;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space && b.len)
			mg_buf_putc(&b, ' ');
		space = false;
		mg_buf_putc(&b, (char)tolower((unsigned char)*s));
	}
	return mg_buf_detach(&b);
}

/* The portable name (or "sql:TYPE") for the column's catalog type. *raw
 * tells a pass-through. */
static void column_type(crender *r, const mg_column *c, mg_buf *out, bool *raw)
{
	const tmap *m = r->dialect == MG_DIALECT_POSTGRESQL ? pg_types
			: r->dialect == MG_DIALECT_MYSQL    ? my_types
							    : lite_types;
	char *t = r->dialect == MG_DIALECT_SQLITE ? loose(c->type) : mg_xstrdup(c->type);

	*raw = false;
	if (r->dialect == MG_DIALECT_POSTGRESQL && c->identity == MG_IDENTITY_SERIAL) {
		/* serial: the type that makes PostgreSQL's owned sequence. */
		mg_buf_puts(out, !strcmp(t, "bigint") ? "sql:bigserial"
				 : !strcmp(t, "smallint") ? "sql:smallserial" : "sql:serial");
		*raw = true;
		free(t);
		return;
	}
	for (; m->cat; m++) {
		size_t n = strlen(m->cat);
		if (strncmp(t, m->cat, n) || (t[n] && t[n] != '('))
			continue;
		if (!digits_args(t + n, m->min, m->max))
			continue;
		/* SQLite: the op API writes "(p, s)"; other spellings stay raw. */
		if (r->dialect == MG_DIALECT_SQLITE && strchr(t + n, ',') && !strstr(t + n, ", "))
			continue;
		mg_buf_puts(out, m->portable);
		put_args(out, t + n);
		free(t);
		return;
	}
	free(t);
	mg_buf_printf(out, "sql:%s", c->type);
	*raw = true;
}

/* MySQL: an expression default other than a literal or CURRENT_TIMESTAMP
 * goes in parentheses (as ddl_mysql.c writes it). */
static void put_default(crender *r, mg_buf *b, const mg_column *c, const char *d)
{
	const char *p = d;
	mg_buf e = MG_BUF_INIT;

	if (r->dialect == MG_DIALECT_POSTGRESQL && d[0] == '\'') {
		/* 'x'::text on a text column: the cast is the column's own type,
		 * which PostgreSQL writes back; without it the default is portable. */
		const char *q = d + 1, *cast;
		size_t tn = strcspn(c->type, "(");
		while (*q && !(*q == '\'' && q[1] != '\''))
			q += *q == '\'' ? 2 : 1;
		cast = *q ? q + 1 : NULL;
		if (cast && !strncmp(cast, "::", 2) &&
		    (!strcmp(cast + 2, c->type) || (strlen(cast + 2) == tn && !strncmp(cast + 2, c->type, tn)))) {
			mg_buf_add(&e, d, (size_t)(cast - d));
			put_lit(b, e.ptr);
			mg_buf_release(&e);
			return;
		}
	}
	if (r->dialect != MG_DIALECT_MYSQL) {
		put_lit(b, d);
		return;
	}
	if (*p == '-' || *p == '+')
		p++;
	if (d[0] == '\'' || d[0] == '(' || isdigit((unsigned char)*p) ||
	    ((d[0] == 'b' || d[0] == 'x' || d[0] == 'B' || d[0] == 'X') && d[1] == '\'') ||
	    !strcasecmp(d, "NULL") || !strncasecmp(d, "current_timestamp", 17) ||
	    !strncasecmp(d, "now()", 5) || !strncasecmp(d, "localtimestamp", 14))
		mg_buf_puts(&e, d);
	else
		mg_buf_printf(&e, "(%s)", d);
	put_lit(b, e.ptr);
	mg_buf_release(&e);
}

/* ---- what the op API can say ---- */

static bool column_ok(crender *r, const mg_column *c)
{
	if (c->generated != MG_GENERATED_NONE || c->collation || !c->type || !*c->type)
		return false;
	switch (c->identity) {
	case MG_IDENTITY_NONE:
		break;
	case MG_IDENTITY_BY_DEFAULT:
	case MG_IDENTITY_SERIAL:
		if (r->dialect != MG_DIALECT_POSTGRESQL)
			return false;
		break;
	case MG_IDENTITY_AUTO_INCREMENT:
		if (r->dialect == MG_DIALECT_POSTGRESQL)
			return false;
		break;
	default:
		return false;
	}
	/* MariaDB may make a bare TIMESTAMP NOT NULL with a default: the op
	 * API writes no explicit NULL. */
	if (r->dialect == MG_DIALECT_MYSQL && !strncmp(c->type, "timestamp", 9))
		return false;
	return true;
}

/* SQLite's ALTER TABLE ADD COLUMN takes it (the op API adds it directly). */
static bool sqlite_addable(const mg_column *c)
{
	if (c->identity != MG_IDENTITY_NONE || (!c->nullable && !c->default_expr))
		return false;
	if (c->default_expr && (c->default_expr[0] == '(' || strstr(c->default_expr, "CURRENT_") ||
				strstr(c->default_expr, "current_")))
		return false;
	return true;
}

static bool own_schema(crender *r, const char *schema)
{
	return !schema || mg_diff_streq(schema, r->d->schema) || mg_diff_streq(schema, r->d->target_schema);
}

static bool fk_ok(crender *r, const mg_foreign_key *fk)
{
	return fk->name && fk->ncolumns && fk->ref_columns && fk->ref_columns[0] && !fk->deferrable &&
	       own_schema(r, fk->ref_schema);
}

static bool index_ok(crender *r, const mg_index *ix)
{
	if (!ix->name || !ix->nelems || ix->ninclude || ix->nulls_not_distinct)
		return false;
	if (ix->where && r->dialect == MG_DIALECT_MYSQL)
		return false;
	if (ix->method && strcasecmp(ix->method, "btree"))
		return false;
	for (size_t i = 0; i < ix->nelems; i++) {
		const mg_index_elem *e = &ix->elems[i];
		if (!e->column || e->desc || e->nulls || e->prefix_length || e->collation ||
		    strchr(e->column, ','))
			return false;
	}
	return true;
}

static bool unique_ok(const mg_unique *u)
{
	return u->name && !u->deferrable && !u->nulls_not_distinct;
}

/* The primary key can be given by column flags: its columns in table
 * order, under the name the server gives such a key. */
static bool pk_by_flags(crender *r, const mg_table *t)
{
	const mg_primary_key *pk = t->primary_key;
	size_t k = 0;

	if (r->dialect == MG_DIALECT_SQLITE && pk->name)
		return false;
	if (r->dialect == MG_DIALECT_POSTGRESQL && pk->name) {
		size_t n = strlen(t->name);
		if (n + 5 >= 64 || strncmp(pk->name, t->name, n) || strcmp(pk->name + n, "_pkey"))
			return false;
	}
	for (size_t i = 0; i < t->ncolumns && k < pk->ncolumns; i++) {
		if (!strcmp(t->columns[i]->name, pk->columns[k]))
			k++;
	}
	return k == pk->ncolumns;
}

static bool in_pk(const mg_table *t, const char *col)
{
	for (size_t i = 0; t->primary_key && i < t->primary_key->ncolumns; i++)
		if (!strcmp(t->primary_key->columns[i], col))
			return true;
	return false;
}

/* SQLite: the unnamed one-column unique (a column flag) or foreign key
 * (.references) of a column; NULL when none. */
static const mg_unique *lite_col_unique(const mg_table *t, const char *col)
{
	for (size_t i = 0; i < t->nuniques; i++) {
		const mg_unique *u = t->uniques[i];
		if (!u->name && u->ncolumns == 1 && !strcmp(u->columns[0], col))
			return u;
	}
	return NULL;
}

static const mg_foreign_key *lite_col_fk(const mg_table *t, const char *col)
{
	for (size_t i = 0; i < t->nforeign_keys; i++) {
		const mg_foreign_key *fk = t->foreign_keys[i];
		if (!fk->name && fk->ncolumns == 1 && !strcmp(fk->columns[0], col))
			return fk;
	}
	return NULL;
}

static bool table_ok(crender *r, const mg_table *t)
{
	for (size_t i = 0; i < t->ncolumns; i++) {
		const mg_column *c = t->columns[i];
		if (!column_ok(r, c))
			return false;
		if (c->identity == MG_IDENTITY_AUTO_INCREMENT && r->dialect == MG_DIALECT_SQLITE &&
		    !(t->primary_key && t->primary_key->ncolumns == 1 && in_pk(t, c->name)))
			return false;
	}
	if (t->primary_key && !pk_by_flags(r, t) && r->dialect != MG_DIALECT_POSTGRESQL)
		return false;
	for (size_t i = 0; i < t->nchecks; i++)
		if (!t->checks[i]->name || !t->checks[i]->expr)
			return false;
	if (r->dialect != MG_DIALECT_SQLITE)
		return true;
	for (size_t i = 0; i < t->nuniques; i++) {
		const mg_unique *u = t->uniques[i];
		if (!u->name && (u->ncolumns != 1 || lite_col_unique(t, u->columns[0]) != u))
			return false;
		if (u->deferrable)
			return false;
	}
	for (size_t i = 0; i < t->nforeign_keys; i++) {
		const mg_foreign_key *fk = t->foreign_keys[i];
		if (!fk->ref_columns || !fk->ref_columns[0] || fk->deferrable)
			return false;
		if (!fk->name && (fk->ncolumns != 1 || lite_col_fk(t, fk->columns[0]) != fk))
			return false;
	}
	return true;
}

/* Whether op (both ways) is op calls; SQLite table changes that are not
 * go into one rebuild of their table. */
static bool op_ok(crender *r, const mg_diff_op *op)
{
	bool lite = r->dialect == MG_DIALECT_SQLITE;

	switch (op->kind) {
	case MG_DIFF_CREATE_TABLE:
	case MG_DIFF_DROP_TABLE:
		return true; /* decided per table by table_ok */
	case MG_DIFF_ADD_COLUMN:
	case MG_DIFF_DROP_COLUMN: {
		const mg_column *c = op->kind == MG_DIFF_ADD_COLUMN ? op->new_column : op->old_column;
		return column_ok(r, c) && (!lite || sqlite_addable(c)) &&
		       c->identity != MG_IDENTITY_AUTO_INCREMENT;
	}
	case MG_DIFF_ALTER_COLUMN:
		if (op->changes & ~(unsigned)(MG_COLCHG_TYPE | MG_COLCHG_NULLABLE | MG_COLCHG_DEFAULT |
					      MG_COLCHG_COMMENT))
			return false;
		if (op->old_column->identity == MG_IDENTITY_SERIAL ||
		    op->new_column->identity == MG_IDENTITY_SERIAL || op->default_by_rebuild)
			return false;
		return column_ok(r, op->old_column) && column_ok(r, op->new_column);
	case MG_DIFF_ADD_PRIMARY_KEY:
	case MG_DIFF_DROP_PRIMARY_KEY:
		return op->pk->name && r->dialect == MG_DIALECT_POSTGRESQL;
	case MG_DIFF_CREATE_INDEX:
	case MG_DIFF_DROP_INDEX:
		return true; /* an index the API cannot say is SQL on its own */
	case MG_DIFF_ADD_UNIQUE:
	case MG_DIFF_DROP_UNIQUE:
		return unique_ok(op->unique) || !lite;
	case MG_DIFF_ADD_CHECK:
	case MG_DIFF_DROP_CHECK:
		return op->check->name != NULL && op->check->expr;
	case MG_DIFF_ADD_FOREIGN_KEY:
	case MG_DIFF_DROP_FOREIGN_KEY:
		return fk_ok(r, op->fk) || !lite || op->with_table;
	case MG_DIFF_TABLE_COMMENT:
		return true;
	default:
		return true; /* other kinds: SQL on their own */
	}
}

/* ---- op calls ---- */

static void put_column(crender *r, const mg_table *t, const mg_column *c, bool pk_flags, bool *raw)
{
	mg_buf *o = r->out;
	mg_buf type = MG_BUF_INIT;
	const char *flags[4];
	size_t nflags = 0;
	bool this_raw;

	column_type(r, c, &type, &this_raw);
	*raw = *raw || this_raw;
	if (!c->nullable)
		flags[nflags++] = "MIGRATE_NOT_NULL";
	if (pk_flags && t && in_pk(t, c->name))
		flags[nflags++] = "MIGRATE_PRIMARY_KEY";
	if (r->dialect == MG_DIALECT_SQLITE && t && lite_col_unique(t, c->name))
		flags[nflags++] = "MIGRATE_UNIQUE";
	if (c->identity == MG_IDENTITY_BY_DEFAULT || c->identity == MG_IDENTITY_AUTO_INCREMENT)
		flags[nflags++] = "MIGRATE_AUTOINCREMENT";
	mg_buf_puts(o, "migrate_column(");
	put_lit(o, c->name);
	mg_buf_puts(o, ", ");
	put_lit(o, type.ptr);
	mg_buf_puts(o, ", ");
	if (!nflags)
		mg_buf_putc(o, '0');
	for (size_t i = 0; i < nflags; i++)
		mg_buf_printf(o, "%s%s", i ? " | " : "", flags[i]);
	if (c->default_expr) {
		mg_buf_puts(o, ", .server_default = ");
		put_default(r, o, c, c->default_expr);
	}
	if (c->comment && r->dialect != MG_DIALECT_SQLITE) {
		mg_buf_puts(o, ", .comment = ");
		put_lit(o, c->comment);
	}
	if (r->dialect == MG_DIALECT_SQLITE && t) {
		const mg_foreign_key *fk = lite_col_fk(t, c->name);
		if (fk) {
			mg_buf ref = MG_BUF_INIT;
			mg_buf_printf(&ref, "%s(%s)", fk->ref_table, fk->ref_columns[0]);
			mg_buf_puts(o, ", .references = ");
			put_lit(o, ref.ptr);
			mg_buf_release(&ref);
			if (fk->on_delete != MG_FK_NO_ACTION)
				mg_buf_printf(o, ", .on_delete = \"%s\"", mg_fk_action_name(fk->on_delete));
			if (fk->on_update != MG_FK_NO_ACTION)
				mg_buf_printf(o, ", .on_update = \"%s\"", mg_fk_action_name(fk->on_update));
		}
	}
	mg_buf_putc(o, ')');
	mg_buf_release(&type);
}

static void raw_note(crender *r, bool raw)
{
	if (raw) {
		mg_buf c = MG_BUF_INIT;
		mg_buf_printf(&c, "\"sql:\" types: as %s spells them, not portable", mg_dialect_name(r->dialect));
		put_comment(r, c.ptr);
		mg_buf_release(&c);
	}
}

static const char *action_name(crender *r, mg_fk_action a)
{
	/* MariaDB records an omitted action as RESTRICT: say NO ACTION there. */
	if (a == MG_FK_NO_ACTION && r->dialect != MG_DIALECT_MYSQL)
		return NULL;
	return mg_fk_action_name(a);
}

static void put_opt_lit(mg_buf *b, const char *s)
{
	if (s)
		put_lit(b, s);
	else
		mg_buf_puts(b, "NULL");
}

static void add_fk_call(crender *r, const char *table, const mg_foreign_key *fk)
{
	mg_buf *o = r->out;

	call_begin(r, "migrate_create_foreign_key");
	put_lit(o, fk->name);
	mg_buf_puts(o, ", ");
	put_lit(o, table);
	mg_buf_puts(o, ", ");
	put_names(o, fk->columns, fk->ncolumns);
	mg_buf_puts(o, ",\n\t\t\t");
	put_lit(o, fk->ref_table);
	mg_buf_puts(o, ", ");
	put_names(o, fk->ref_columns, fk->ncolumns);
	mg_buf_puts(o, ", ");
	put_opt_lit(o, action_name(r, fk->on_delete));
	mg_buf_puts(o, ", ");
	put_opt_lit(o, action_name(r, fk->on_update));
	call_end(r);
}

static void add_index_call(crender *r, const char *table, const mg_index *ix)
{
	mg_buf *o = r->out;
	const char **cols = mg_xcalloc(ix->nelems, sizeof(*cols));

	for (size_t i = 0; i < ix->nelems; i++)
		cols[i] = ix->elems[i].column;
	call_begin(r, "migrate_create_index");
	put_lit(o, ix->name);
	mg_buf_puts(o, ", ");
	put_lit(o, table);
	mg_buf_puts(o, ", ");
	put_names(o, cols, ix->nelems);
	mg_buf_puts(o, ix->unique ? ", MIGRATE_INDEX_UNIQUE, " : ", 0, ");
	put_opt_lit(o, ix->where);
	call_end(r);
	free(cols);
}

/* fn(op, "a"[, "b"]tail) */
static void name_table_call(crender *r, const char *fn, const char *a, const char *b,
			    const char *tail)
{
	call_begin(r, fn);
	put_lit(r->out, a);
	if (b) {
		mg_buf_puts(r->out, ", ");
		put_lit(r->out, b);
	}
	if (tail)
		mg_buf_puts(r->out, tail);
	call_end(r);
}

static void add_unique_call(crender *r, const mg_table *t, const mg_unique *u)
{
	call_begin(r, "migrate_create_unique");
	put_lit(r->out, u->name);
	mg_buf_puts(r->out, ", ");
	put_lit(r->out, t->name);
	mg_buf_puts(r->out, ", ");
	put_names(r->out, u->columns, u->ncolumns);
	call_end(r);
}

static void add_check_call(crender *r, const mg_table *t, const mg_check *c)
{
	call_begin(r, "migrate_create_check");
	put_lit(r->out, c->name);
	mg_buf_puts(r->out, ", ");
	put_lit(r->out, t->name);
	mg_buf_puts(r->out, ",\n\t\t\t");
	put_lit(r->out, c->expr);
	call_end(r);
}

static void add_pk_call(crender *r, const mg_table *t, const mg_primary_key *pk)
{
	call_begin(r, "migrate_create_primary_key");
	put_lit(r->out, pk->name);
	mg_buf_puts(r->out, ", ");
	put_lit(r->out, t->name);
	mg_buf_puts(r->out, ", ");
	put_names(r->out, pk->columns, pk->ncolumns);
	call_end(r);
}

static void drop_constraint_call(crender *r, const char *name, const char *table, const char *kind)
{
	mg_buf tail = MG_BUF_INIT;
	mg_buf_printf(&tail, ", %s", kind);
	name_table_call(r, "migrate_drop_constraint", name, table, tail.ptr);
	mg_buf_release(&tail);
}

/* CREATE TABLE t and what belongs to it, in the SQL renderer's order;
 * op is the operation (or inverse) that creates it. */
static void create_table(crender *r, const mg_diff_op *op, const mg_table *t)
{
	mg_buf *o = r->out;
	bool pk_flags, raw = false;
	size_t mark;

	if (!table_ok(r, t)) {
		fallback(r, op, r->up, "no op call says this table exactly");
		return;
	}
	pk_flags = t->primary_key && pk_by_flags(r, t);
	mark = o->len;
	call_begin(r, "migrate_create_table");
	put_lit(o, t->name);
	for (size_t i = 0; i < t->ncolumns; i++) {
		mg_buf_puts(o, ",\n\t\t\t");
		put_column(r, t, t->columns[i], pk_flags, &raw);
	}
	call_end(r);
	if (raw) {
		/* The note goes before the call. */
		mg_buf note = MG_BUF_INIT;
		mg_buf *saved = r->out;
		char *call = mg_xstrdup(o->ptr + mark);
		r->out = &note;
		raw_note(r, true);
		r->out = saved;
		mg_buf_truncate(o, mark);
		mg_buf_puts(o, note.ptr);
		mg_buf_puts(o, call);
		free(call);
		mg_buf_release(&note);
	}
	if (t->primary_key && !pk_flags)
		add_pk_call(r, t, t->primary_key); /* PostgreSQL: a key of its own name */
	for (size_t i = 0; i < t->nindexes; i++) {
		if (index_ok(r, t->indexes[i]))
			add_index_call(r, t->name, t->indexes[i]);
		else
			fallback_part(r, MG_DIFF_CREATE_INDEX, t, t->indexes[i], "index with no op call");
	}
	for (size_t i = 0; i < t->nuniques; i++) {
		const mg_unique *u = t->uniques[i];
		if (r->dialect == MG_DIALECT_SQLITE && !u->name)
			continue; /* a column flag */
		if (unique_ok(u))
			add_unique_call(r, t, u);
		else
			fallback_part(r, MG_DIFF_ADD_UNIQUE, t, u, "unique constraint with no op call");
	}
	for (size_t i = 0; i < t->nchecks; i++)
		add_check_call(r, t, t->checks[i]);
	for (size_t i = 0; i < t->nforeign_keys; i++) {
		const mg_foreign_key *fk = t->foreign_keys[i];
		if (r->dialect == MG_DIALECT_SQLITE ? !fk->name : mg_diff_fk_is_split(r->d, fk))
			continue; /* .references, or added on its own after the cycle */
		if (fk_ok(r, fk))
			add_fk_call(r, t->name, fk);
		else
			fallback_part(r, MG_DIFF_ADD_FOREIGN_KEY, t, fk, "foreign key with no op call");
	}
	if (t->comment && r->dialect != MG_DIALECT_SQLITE) {
		mg_diff_op c;
		memset(&c, 0, sizeof(c));
		c.kind = MG_DIFF_TABLE_COMMENT;
		c.table = t->name;
		c.old_table = c.new_table = t;
		fallback(r, &c, true, "table comment");
	}
}

static void add_column_call(crender *r, const mg_table *t, const mg_column *c)
{
	bool raw = false;
	mg_buf call = MG_BUF_INIT;
	mg_buf *saved = r->out;

	r->out = &call;
	call_begin(r, "migrate_add_column");
	put_lit(&call, t->name);
	mg_buf_puts(&call, ",\n\t\t\t");
	put_column(r, NULL, c, false, &raw);
	call_end(r);
	r->out = saved;
	raw_note(r, raw);
	mg_buf_puts(r->out, call.ptr);
	mg_buf_release(&call);
}

static void alter_column_call(crender *r, const mg_table *t, const mg_column *from, const mg_column *to,
			      unsigned ch)
{
	mg_buf *o = r->out, type = MG_BUF_INIT, call = MG_BUF_INIT;
	bool raw = false, mysql = r->dialect == MG_DIALECT_MYSQL;

	/* PostgreSQL: the old default goes first, as it may not cast to the new type. */
	if (r->dialect == MG_DIALECT_POSTGRESQL && (ch & MG_COLCHG_TYPE) && (ch & MG_COLCHG_DEFAULT) &&
	    from->default_expr) {
		name_table_call(r, "migrate_alter_column", t->name, from->name, ", .drop_default = true");
	}
	r->out = &call;
	call_begin(r, "migrate_alter_column");
	put_lit(&call, t->name);
	mg_buf_puts(&call, ", ");
	put_lit(&call, from->name);
	if (ch & MG_COLCHG_TYPE) {
		column_type(r, to, &type, &raw);
		mg_buf_puts(&call, ",\n\t\t\t.type = ");
		put_lit(&call, type.ptr);
	}
	if (ch & MG_COLCHG_NULLABLE)
		mg_buf_printf(&call, ",\n\t\t\t.nullable = %s",
			      to->nullable ? "MIGRATE_NULLABLE" : "MIGRATE_NOT_NULLABLE");
	if (ch & MG_COLCHG_DEFAULT) {
		if (to->default_expr) {
			mg_buf_puts(&call, ",\n\t\t\t.server_default = ");
			put_default(r, &call, to, to->default_expr);
		} else if (!(r->dialect == MG_DIALECT_POSTGRESQL && (ch & MG_COLCHG_TYPE))) {
			mg_buf_puts(&call, ",\n\t\t\t.drop_default = true");
		}
	}
	if ((ch & MG_COLCHG_COMMENT) && r->dialect != MG_DIALECT_SQLITE) {
		mg_buf_puts(&call, ",\n\t\t\t.comment = ");
		put_lit(&call, to->comment ? to->comment : "");
	}
	if (mysql) {
		/* MODIFY COLUMN restates the whole column: what stays, for offline runs. */
		bool old_raw = false;
		mg_buf_clear(&type);
		column_type(r, from, &type, &old_raw);
		raw = raw || old_raw;
		mg_buf_puts(&call, ",\n\t\t\t.existing_type = ");
		put_lit(&call, type.ptr);
		mg_buf_printf(&call, ", .existing_nullable = %s",
			      from->nullable ? "MIGRATE_NULLABLE" : "MIGRATE_NOT_NULLABLE");
		if (from->default_expr && !(ch & MG_COLCHG_DEFAULT)) {
			mg_buf_puts(&call, ",\n\t\t\t.existing_server_default = ");
			put_default(r, &call, from, from->default_expr);
		}
		if (from->comment && !(ch & MG_COLCHG_COMMENT)) {
			mg_buf_puts(&call, ",\n\t\t\t.existing_comment = ");
			put_lit(&call, from->comment);
		}
	}
	call_end(r);
	r->out = o;
	raw_note(r, raw);
	mg_buf_puts(o, call.ptr);
	mg_buf_release(&call);
	mg_buf_release(&type);
}

/* ---- the driver ---- */

static void sqlite_rebuild(crender *r, const mg_diff_op *op)
{
	mg_buf sql = MG_BUF_INIT;
	size_t n;

	mg_ddl_sqlite_rebuild_prologue(&sql);
	if (r->up)
		mg_ddl_sqlite_rebuild(&sql, NULL, op->old_table, op->new_table);
	else
		mg_ddl_sqlite_rebuild(&sql, NULL, op->new_table, op->old_table);
	n = sql.len;
	while (n && isspace((unsigned char)sql.ptr[n - 1]))
		n--;
	mg_buf_truncate(&sql, n);
	emit_execute(r, sql.ptr, "table rebuilt whole (ALTER TABLE and the op calls cannot make all its changes)");
	mg_buf_release(&sql);
}

static void render_one(crender *r, const mg_diff_op *op)
{
	bool up = r->up;
	const mg_table *t = up ? (op->new_table ? op->new_table : op->old_table)
			       : (op->old_table ? op->old_table : op->new_table);
	bool lite = r->dialect == MG_DIALECT_SQLITE;
	mg_diff_kind k = op->kind;
	/* For the pairs below: true when this direction adds. */
	bool adds = (k == MG_DIFF_CREATE_TABLE || k == MG_DIFF_ADD_COLUMN || k == MG_DIFF_ADD_PRIMARY_KEY ||
		     k == MG_DIFF_CREATE_INDEX || k == MG_DIFF_ADD_UNIQUE || k == MG_DIFF_ADD_CHECK ||
		     k == MG_DIFF_ADD_FOREIGN_KEY) == up;

	if (lite && op->old_table && op->new_table && mg_map_has(&r->rebuild, op->table)) {
		if (!mg_map_has(&r->done, op->table)) {
			mg_map_put(&r->done, op->table, (void *)1);
			sqlite_rebuild(r, op);
		} else {
			put_comment(r, "made by the rebuild of its table above");
		}
		return;
	}
	if (k >= MG_DIFF_CREATE_VIEW || !op_ok(r, op)) {
		fallback(r, op, up, "no op call for this");
		return;
	}
	switch (k) {
	case MG_DIFF_CREATE_TABLE:
	case MG_DIFF_DROP_TABLE:
		if (adds)
			create_table(r, op, t);
		else
			name_table_call(r, "migrate_drop_table", t->name, NULL, NULL);
		break;
	case MG_DIFF_ADD_COLUMN:
	case MG_DIFF_DROP_COLUMN: {
		const mg_column *c = k == MG_DIFF_ADD_COLUMN ? op->new_column : op->old_column;
		if (adds)
			add_column_call(r, t, c);
		else
			name_table_call(r, "migrate_drop_column", t->name, c->name, NULL);
		break;
	}
	case MG_DIFF_ALTER_COLUMN:
		if (up)
			alter_column_call(r, t, op->old_column, op->new_column, op->changes);
		else
			alter_column_call(r, t, op->new_column, op->old_column, op->changes);
		break;
	case MG_DIFF_ADD_PRIMARY_KEY:
	case MG_DIFF_DROP_PRIMARY_KEY:
		if (adds)
			add_pk_call(r, t, op->pk);
		else
			drop_constraint_call(r, op->pk->name, t->name, "MIGRATE_CONSTRAINT_PRIMARY_KEY");
		break;
	case MG_DIFF_CREATE_INDEX:
	case MG_DIFF_DROP_INDEX:
		if (!index_ok(r, op->index))
			fallback(r, op, up, "index with no op call");
		else if (adds)
			add_index_call(r, t->name, op->index);
		else
			name_table_call(r, "migrate_drop_index", op->index->name, t->name, NULL);
		break;
	case MG_DIFF_ADD_UNIQUE:
	case MG_DIFF_DROP_UNIQUE:
		if (!unique_ok(op->unique))
			fallback(r, op, up, "unique constraint with no op call");
		else if (adds)
			add_unique_call(r, t, op->unique);
		else
			drop_constraint_call(r, op->unique->name, t->name, "MIGRATE_CONSTRAINT_UNIQUE");
		break;
	case MG_DIFF_ADD_CHECK:
	case MG_DIFF_DROP_CHECK:
		if (adds)
			add_check_call(r, t, op->check);
		else
			drop_constraint_call(r, op->check->name, t->name, "MIGRATE_CONSTRAINT_CHECK");
		break;
	case MG_DIFF_ADD_FOREIGN_KEY:
	case MG_DIFF_DROP_FOREIGN_KEY:
		if (lite && op->with_table)
			put_comment(r, "written with its table");
		else if (!fk_ok(r, op->fk))
			fallback(r, op, up, "foreign key with no op call");
		else if (adds)
			add_fk_call(r, t->name, op->fk);
		else
			drop_constraint_call(r, op->fk->name, t->name, "MIGRATE_CONSTRAINT_FOREIGN_KEY");
		break;
	case MG_DIFF_TABLE_COMMENT:
		if (!lite)
			fallback(r, op, up, "table comment");
		break;
	default:
		break;
	}
}

static void annotate(crender *r, const mg_diff_op *op)
{
	mg_buf line = MG_BUF_INIT;

	if (!r->up)
		mg_buf_puts(&line, "undo: ");
	mg_diff_op_describe(op, &line);
	put_comment(r, line.ptr);
	if (op->destructive && r->up) {
		mg_buf_clear(&line);
		mg_buf_printf(&line, "DESTRUCTIVE: %s", op->reason ? op->reason : "may lose data");
		put_comment(r, line.ptr);
	}
	mg_buf_release(&line);
}

int mg_diff_render_c(const mg_diff *d, int upgrade, char **out, mg_error *err)
{
	crender r;
	mg_buf body = MG_BUF_INIT, all = MG_BUF_INIT;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.d = d;
	r.dialect = d->dialect;
	r.up = upgrade != 0;
	r.out = &body;
	r.err = err;
	mg_map_init(&r.rebuild);
	mg_map_init(&r.done);
	if (r.dialect == MG_DIALECT_SQLITE) {
		for (size_t i = 0; i < d->nops; i++) {
			const mg_diff_op *op = d->ops[i];
			if (op->kind < MG_DIFF_CREATE_VIEW && op->old_table && op->new_table && !op_ok(&r, op))
				mg_map_put(&r.rebuild, op->table, (void *)1);
		}
	}
	for (size_t k = 0; k < d->nops && r.rc == MG_OK; k++) {
		const mg_diff_op *op = d->ops[r.up ? k : d->nops - 1 - k];
		if (k)
			mg_buf_putc(&body, '\n');
		annotate(&r, op);
		render_one(&r, op);
	}
	mg_map_release(&r.rebuild);
	mg_map_release(&r.done);
	if (r.rc != MG_OK) {
		mg_buf_release(&body);
		return r.rc;
	}
	if (r.ncalls)
		mg_buf_puts(&all, "\tint rc;\n\n");
	mg_buf_add(&all, body.ptr, body.len);
	mg_buf_release(&body);
	*out = mg_buf_detach(&all);
	return MG_OK;
}

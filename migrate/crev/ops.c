/*
 * The operations of <migrate/revision.h>: each validates its arguments and
 * renders the statements of the context's dialect (types, identifiers and
 * literals through one helper each), appending them to the context's list.
 * What SQLite's ALTER TABLE cannot do goes to the table rebuild.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crev/crev_int.h"
#include "sql/placeholder.h"
#include "sql/quote.h"
#include "sql/split.h"

#define CTX(op) ((crev_ctx *)(op))

int crev_fail(crev_ctx *c, const char *op, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (c->failed)
		return c->err->code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->failed = 1;
	return mg_error_set(c->err, MG_EINPUT, "%s: operation %s: %s", c->path, op, msg);
}

void crev_emit(crev_ctx *c, const char *sql, int shadow)
{
	mg_vec_push(&c->stmts, mg_xstrdup(sql));
	if (shadow && c->d == MG_DIALECT_SQLITE && c->shadow)
		sqlite3_exec(c->shadow, sql, NULL, NULL, NULL); /* best effort: the server has the last word */
}

/* ---- Names, lists, types -------------------------------------------------- */

static int need_name(crev_ctx *c, const char *op, const char *what, const char *name)
{
	if (!name || !*name)
		return crev_fail(c, op, "missing %s", what);
	return 0;
}

static void ident(crev_ctx *c, mg_buf *b, const char *name)
{
	mg_sql_quote_ident(c->d, b, name);
}

/* "a, b" -> quoted "a", "b"; error on an empty item. */
static int ident_list(crev_ctx *c, const char *op, mg_buf *b, const char *list, const char *what)
{
	const char *p = list;
	int n = 0;

	if (!list || !*list)
		return crev_fail(c, op, "missing %s", what);
	while (*p) {
		const char *start, *end;
		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == start)
			return crev_fail(c, op, "empty name in %s '%s'", what, list);
		{
			char *name = mg_xstrndup(start, (size_t)(end - start));
			if (n++)
				mg_buf_puts(b, ", ");
			ident(c, b, name);
			free(name);
		}
		if (*p == ',')
			p++;
	}
	return 0;
}

typedef struct type_map {
	const char *name;
	int args;              /* 0 none, 1 exactly one, 2 one or two, 3 none/one/two */
	const char *pg, *my, *lite;
} type_map;

static const type_map types[] = {
	{ "smallint", 0, "SMALLINT", "SMALLINT", "SMALLINT" },
	{ "integer", 0, "INTEGER", "INT", "INTEGER" },
	{ "int", 0, "INTEGER", "INT", "INTEGER" },
	{ "bigint", 0, "BIGINT", "BIGINT", "BIGINT" },
	{ "real", 0, "REAL", "FLOAT", "REAL" },
	{ "float", 0, "REAL", "FLOAT", "REAL" },
	{ "double", 0, "DOUBLE PRECISION", "DOUBLE", "REAL" },
	{ "numeric", 3, "NUMERIC", "DECIMAL", "NUMERIC" },
	{ "decimal", 3, "NUMERIC", "DECIMAL", "NUMERIC" },
	{ "boolean", 0, "BOOLEAN", "BOOL", "BOOLEAN" },
	{ "bool", 0, "BOOLEAN", "BOOL", "BOOLEAN" },
	{ "varchar", 1, "VARCHAR", "VARCHAR", "VARCHAR" },
	{ "char", 1, "CHAR", "CHAR", "CHAR" },
	{ "text", 0, "TEXT", "TEXT", "TEXT" },
	{ "date", 0, "DATE", "DATE", "DATE" },
	{ "time", 0, "TIME", "TIME", "TIME" },
	{ "timestamp", 0, "TIMESTAMP", "DATETIME", "TIMESTAMP" },
	{ "timestamptz", 0, "TIMESTAMPTZ", "DATETIME", "TIMESTAMP" },
	{ "blob", 0, "BYTEA", "LONGBLOB", "BLOB" },
	{ "bytea", 0, "BYTEA", "LONGBLOB", "BLOB" },
	{ "json", 0, "JSON", "JSON", "TEXT" },
	{ "uuid", 0, "UUID", "CHAR(36)", "TEXT" },
};

/* Renders a portable type name for the dialect; autoinc makes SQLite's
 * integers INTEGER (the only type AUTOINCREMENT accepts). */
static int render_type(crev_ctx *c, const char *op, const char *type, int autoinc, mg_buf *out)
{
	char name[32];
	size_t n = 0;
	const char *p;
	int nargs = 0;
	long args[2] = { 0, 0 };

	if (!type || !*type)
		return crev_fail(c, op, "missing type");
	if (strncmp(type, "sql:", 4) == 0) {
		if (!type[4])
			return crev_fail(c, op, "empty type after 'sql:'");
		mg_buf_puts(out, type + 4);
		return 0;
	}
	p = type;
	while (isspace((unsigned char)*p))
		p++;
	while (isalpha((unsigned char)*p) && n < sizeof(name) - 1)
		name[n++] = (char)tolower((unsigned char)*p++);
	name[n] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '(') {
		p++;
		for (;;) {
			char *end;
			while (isspace((unsigned char)*p))
				p++;
			if (nargs == 2 || !isdigit((unsigned char)*p))
				return crev_fail(c, op, "malformed type '%s'", type);
			args[nargs++] = strtol(p, &end, 10);
			p = end;
			while (isspace((unsigned char)*p))
				p++;
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p != ')')
				return crev_fail(c, op, "malformed type '%s'", type);
			p++;
			break;
		}
		while (isspace((unsigned char)*p))
			p++;
	}
	if (*p)
		return crev_fail(c, op, "malformed type '%s'", type);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const type_map *t = &types[i];
		if (strcmp(t->name, name) != 0)
			continue;
		if ((t->args == 0 && nargs) || (t->args == 1 && nargs != 1) || (t->args == 2 && !nargs))
			return crev_fail(c, op, "type '%s' takes %s", type,
					 t->args == 0 ? "no arguments" : t->args == 1 ? "one argument (a length)"
									   : "a precision and an optional scale");
		if (c->d == MG_DIALECT_SQLITE && autoinc && (strcmp(t->lite, "INTEGER") == 0 ||
							     strcmp(t->name, "bigint") == 0 ||
							     strcmp(t->name, "smallint") == 0)) {
			mg_buf_puts(out, "INTEGER");
			return 0;
		}
		mg_buf_puts(out, c->d == MG_DIALECT_POSTGRESQL ? t->pg : c->d == MG_DIALECT_MYSQL ? t->my : t->lite);
		if (nargs == 1)
			mg_buf_printf(out, "(%ld)", args[0]);
		else if (nargs == 2)
			mg_buf_printf(out, "(%ld, %ld)", args[0], args[1]);
		return 0;
	}
	return crev_fail(c, op, "unknown type '%s' (portable names: integer, bigint, varchar(n), text, "
			 "boolean, timestamp, numeric(p,s), ...; 'sql:TYPE' passes a type through)", type);
}

static int check_action(crev_ctx *c, const char *op, const char *what, const char *action)
{
	static const char *const ok[] = { "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION" };
	if (!action)
		return 0;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(ok[i], action) == 0)
			return 0;
	return crev_fail(c, op, "%s '%s' is not one of CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION",
			 what, action);
}

static void put_upper(mg_buf *b, const char *s)
{
	for (; *s; s++)
		mg_buf_putc(b, (char)toupper((unsigned char)*s));
}

/* FOREIGN KEY (cols) REFERENCES t (rcols) [ON DELETE ..] [ON UPDATE ..] */
static int render_fk(crev_ctx *c, const char *op, mg_buf *b, const char *cols, const char *ref_table,
		     const char *ref_cols, const char *on_delete, const char *on_update)
{
	int rc;
	if ((rc = need_name(c, op, "referenced table", ref_table)) ||
	    (rc = check_action(c, op, "on_delete", on_delete)) || (rc = check_action(c, op, "on_update", on_update)))
		return rc;
	mg_buf_puts(b, "FOREIGN KEY (");
	if ((rc = ident_list(c, op, b, cols, "columns")))
		return rc;
	mg_buf_puts(b, ") REFERENCES ");
	ident(c, b, ref_table);
	mg_buf_puts(b, " (");
	if ((rc = ident_list(c, op, b, ref_cols, "referenced columns")))
		return rc;
	mg_buf_putc(b, ')');
	if (on_delete) {
		mg_buf_puts(b, " ON DELETE ");
		put_upper(b, on_delete);
	}
	if (on_update) {
		mg_buf_puts(b, " ON UPDATE ");
		put_upper(b, on_update);
	}
	return 0;
}

/* "table(col, ...)" of migrate_column's .references. */
static int split_reference(crev_ctx *c, const char *op, const char *ref, char **table, char **cols)
{
	const char *lp = strchr(ref, '('), *rp = strrchr(ref, ')');
	const char *e;
	if (!lp || !rp || rp < lp || rp[1])
		return crev_fail(c, op, "references '%s' is not of the form 'table(column)'", ref);
	e = lp;
	while (e > ref && e[-1] == ' ')
		e--;
	*table = mg_xstrndup(ref, (size_t)(e - ref));
	*cols = mg_xstrndup(lp + 1, (size_t)(rp - lp - 1));
	return 0;
}

/* SQLite wants a non-literal default in parentheses. */
static void put_default(crev_ctx *c, mg_buf *b, const char *expr)
{
	int simple = 1;
	if (c->d == MG_DIALECT_SQLITE) {
		const char *p = expr;
		if (*p == '\'' || *p == '(')
			simple = 1;
		else {
			if (*p == '-' || *p == '+')
				p++;
			for (; *p && simple; p++)
				simple = isalnum((unsigned char)*p) || *p == '_' || *p == '.';
		}
	}
	mg_buf_puts(b, " DEFAULT ");
	if (!simple)
		mg_buf_putc(b, '(');
	mg_buf_puts(b, expr);
	if (!simple)
		mg_buf_putc(b, ')');
}

/* One column definition. inline_pk: the column is the table's only
 * primary-key column (written on the column, as SQLite's AUTOINCREMENT needs). */
static int render_column(crev_ctx *c, const char *op, mg_buf *b, const migrate_column_def *col, int inline_pk)
{
	int autoinc = (col->flags & MIGRATE_AUTOINCREMENT) != 0, rc;

	if ((rc = need_name(c, op, "column name", col->name)))
		return rc;
	ident(c, b, col->name);
	mg_buf_putc(b, ' ');
	if ((rc = render_type(c, op, col->type, autoinc, b)))
		return rc;
	if (autoinc && c->d == MG_DIALECT_POSTGRESQL)
		mg_buf_puts(b, " GENERATED BY DEFAULT AS IDENTITY");
	if ((col->flags & MIGRATE_NOT_NULL) || ((col->flags & MIGRATE_PRIMARY_KEY) && c->d != MG_DIALECT_SQLITE))
		mg_buf_puts(b, " NOT NULL");
	if (autoinc && c->d == MG_DIALECT_MYSQL)
		mg_buf_puts(b, " AUTO_INCREMENT");
	if (col->server_default && *col->server_default)
		put_default(c, b, col->server_default);
	if (inline_pk) {
		mg_buf_puts(b, " PRIMARY KEY");
		if (autoinc && c->d == MG_DIALECT_SQLITE)
			mg_buf_puts(b, " AUTOINCREMENT");
	} else if (autoinc && c->d == MG_DIALECT_SQLITE) {
		return crev_fail(c, op, "column '%s': AUTOINCREMENT on SQLite needs the column to be the only primary key",
				 col->name);
	}
	if (col->flags & MIGRATE_UNIQUE)
		mg_buf_puts(b, " UNIQUE");
	if (col->comment && *col->comment && c->d == MG_DIALECT_MYSQL) {
		mg_buf_puts(b, " COMMENT ");
		mg_sql_quote_literal(c->d, b, col->comment);
	}
	return 0;
}

static void pg_comment(crev_ctx *c, const char *table, const char *column, const char *comment)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, "COMMENT ON COLUMN ");
	ident(c, &b, table);
	mg_buf_putc(&b, '.');
	ident(c, &b, column);
	mg_buf_puts(&b, " IS ");
	if (*comment)
		mg_sql_quote_literal(c->d, &b, comment);
	else
		mg_buf_puts(&b, "NULL");
	crev_emit(c, b.ptr, 1);
	mg_buf_release(&b);
}

static void alter_prefix(crev_ctx *c, mg_buf *b, const char *table)
{
	mg_buf_clear(b);
	mg_buf_puts(b, "ALTER TABLE ");
	ident(c, b, table);
	mg_buf_putc(b, ' ');
}

/* ---- Tables ------------------------------------------------------------- */

static int op_create_table(migrate_op *op, const char *table, const migrate_column_def *cols, size_t n)
{
	crev_ctx *c = CTX(op);
	mg_buf b = MG_BUF_INIT;
	size_t npk = 0;
	int rc;

	if ((rc = need_name(c, "create_table", "table name", table)))
		return rc;
	if (n == 0 || (n == 1 && !cols[0].name && !cols[0].type))
		return crev_fail(c, "create_table", "table '%s' has no columns", table);
	for (size_t i = 0; i < n; i++)
		if (cols[i].flags & MIGRATE_PRIMARY_KEY)
			npk++;
	mg_buf_puts(&b, "CREATE TABLE ");
	ident(c, &b, table);
	mg_buf_puts(&b, " (");
	for (size_t i = 0; i < n && !rc; i++) {
		mg_buf_puts(&b, i ? ",\n    " : "\n    ");
		rc = render_column(c, "create_table", &b, &cols[i], npk == 1 && (cols[i].flags & MIGRATE_PRIMARY_KEY));
	}
	if (!rc && npk > 1) {
		mg_buf_puts(&b, ",\n    PRIMARY KEY (");
		for (size_t i = 0, k = 0; i < n; i++)
			if (cols[i].flags & MIGRATE_PRIMARY_KEY) {
				if (k++)
					mg_buf_puts(&b, ", ");
				ident(c, &b, cols[i].name);
			}
		mg_buf_putc(&b, ')');
	}
	for (size_t i = 0; i < n && !rc; i++) {
		char *rt, *rcols;
		if (!cols[i].references)
			continue;
		if ((rc = split_reference(c, "create_table", cols[i].references, &rt, &rcols)))
			break;
		mg_buf_puts(&b, ",\n    ");
		rc = render_fk(c, "create_table", &b, cols[i].name, rt, rcols, cols[i].on_delete, cols[i].on_update);
		free(rt);
		free(rcols);
	}
	if (!rc) {
		mg_buf_puts(&b, "\n)");
		crev_emit(c, b.ptr, 1);
		for (size_t i = 0; i < n; i++)
			if (c->d == MG_DIALECT_POSTGRESQL && cols[i].comment && *cols[i].comment)
				pg_comment(c, table, cols[i].name, cols[i].comment);
	}
	mg_buf_release(&b);
	return rc;
}

static int op_drop_table(migrate_op *op, const char *table)
{
	crev_ctx *c = CTX(op);
	mg_buf b = MG_BUF_INIT;
	int rc;
	if ((rc = need_name(c, "drop_table", "table name", table)))
		return rc;
	mg_buf_puts(&b, "DROP TABLE ");
	ident(c, &b, table);
	crev_emit(c, b.ptr, 1);
	mg_buf_release(&b);
	return 0;
}

static int op_rename_table(migrate_op *op, const char *table, const char *new_name)
{
	crev_ctx *c = CTX(op);
	mg_buf b = MG_BUF_INIT;
	int rc;
	if ((rc = need_name(c, "rename_table", "table name", table)) ||
	    (rc = need_name(c, "rename_table", "new table name", new_name)))
		return rc;
	if (c->d == MG_DIALECT_MYSQL) {
		mg_buf_puts(&b, "RENAME TABLE ");
		ident(c, &b, table);
		mg_buf_puts(&b, " TO ");
	} else {
		alter_prefix(c, &b, table);
		mg_buf_puts(&b, "RENAME TO ");
	}
	ident(c, &b, new_name);
	crev_emit(c, b.ptr, 1);
	mg_buf_release(&b);
	return 0;
}

/* ---- Columns ------------------------------------------------------------ */

static int op_add_column(migrate_op *op, const char *table, const migrate_column_def *col)
{
	crev_ctx *c = CTX(op);
	mg_buf b = MG_BUF_INIT, def = MG_BUF_INIT;
	char *rt = NULL, *rcols = NULL;
	int rc;

	if ((rc = need_name(c, "add_column", "table name", table)))
		return rc;
	if ((rc = render_column(c, "add_column", &def, col, (col->flags & MIGRATE_PRIMARY_KEY) != 0)))
		goto out;
	if (col->references && (rc = split_reference(c, "add_column", col->references, &rt, &rcols)))
		goto out;
	if (c->d == MG_DIALECT_SQLITE && (col->flags & (MIGRATE_PRIMARY_KEY | MIGRATE_UNIQUE))) {
		/* ALTER TABLE ADD COLUMN takes neither: rebuild with the column. */
		crev_rebuild rb = { .op = "add_column" };
		if (rt) {
			mg_buf_puts(&def, " REFERENCES ");
			ident(c, &def, rt);
			mg_buf_puts(&def, " (");
			if ((rc = ident_list(c, "add_column", &def, rcols, "referenced columns")))
				goto out;
			mg_buf_putc(&def, ')');
		}
		rb.add_element = def.ptr;
		rc = crev_sqlite_rebuild(c, table, &rb);
		goto out;
	}
	alter_prefix(c, &b, table);
	mg_buf_puts(&b, "ADD COLUMN ");
	mg_buf_puts(&b, def.ptr);
	if (rt && c->d != MG_DIALECT_MYSQL) {
		/* PostgreSQL and SQLite take REFERENCES on the new column. */
		mg_buf_puts(&b, " REFERENCES ");
		ident(c, &b, rt);
		mg_buf_puts(&b, " (");
		if ((rc = ident_list(c, "add_column", &b, rcols, "referenced columns")))
			goto out;
		mg_buf_putc(&b, ')');
		if ((rc = check_action(c, "add_column", "on_delete", col->on_delete)) ||
		    (rc = check_action(c, "add_column", "on_update", col->on_update)))
			goto out;
		if (col->on_delete) {
			mg_buf_puts(&b, " ON DELETE ");
			put_upper(&b, col->on_delete);
		}
		if (col->on_update) {
			mg_buf_puts(&b, " ON UPDATE ");
			put_upper(&b, col->on_update);
		}
	}
	crev_emit(c, b.ptr, 1);
	if (rt && c->d == MG_DIALECT_MYSQL) {
		alter_prefix(c, &b, table);
		mg_buf_puts(&b, "ADD ");
		if ((rc = render_fk(c, "add_column", &b, col->name, rt, rcols, col->on_delete, col->on_update)))
			goto out;
		crev_emit(c, b.ptr, 1);
	}
	if (c->d == MG_DIALECT_POSTGRESQL && col->comment && *col->comment)
		pg_comment(c, table, col->name, col->comment);
out:
	free(rt);
	free(rcols);
	mg_buf_release(&b);
	mg_buf_release(&def);
	return rc;
}

static int op_drop_column(migrate_op *op, const char *table, const char *column)
{
	crev_ctx *c = CTX(op);
	mg_buf b = MG_BUF_INIT;
	int rc;

	if ((rc = need_name(c, "drop_column", "table name", table)) ||
	    (rc = need_name(c, "drop_column", "column name", column)))
		return rc;
	if (c->d == MG_DIALECT_SQLITE) {
		if ((rc = crev_shadow_open(c, "drop_column")))
			return rc;
		if (crev_sqlite_column_constrained(c, table, column) > 0) {
			crev_rebuild rb = { .op = "drop_column", .column = column, .drop_column = 1 };
			return crev_sqlite_rebuild(c, table, &rb);
		}
	}
	alter_prefix(c, &b, table);
	mg_buf_puts(&b, "DROP COLUMN ");
	ident(c, &b, column);
	crev_emit(c, b.ptr, 1);
	mg_buf_release(&b);
	return 0;
}

/* MySQL: what the column is now, for MODIFY/CHANGE (online only). */
typedef struct my_existing {
	char *type, *def, *comment, *extra;
	int nullable; /* MIGRATE_NULLABLE / MIGRATE_NOT_NULLABLE, 0 unknown */
	int found;
} my_existing;

static int mysql_existing(crev_ctx *c, const char *table, const char *column, my_existing *e)
{
	static const char q[] =
		"SELECT COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_COMMENT, EXTRA FROM information_schema.COLUMNS "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?";
	const char *params[2] = { table, column };
	mg_rows rows;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!c->run->db)
		return 0;
	if ((rc = mg_db_query(c->run->db, q, 2, params, &rows, c->err)) != MG_OK) {
		c->failed = 1;
		return mg_error_prefix(c->err, "%s: operation alter_column: reading column '%s' of '%s': ", c->path,
				       column, table);
	}
	if (rows.nrows) {
		const char *d = mg_rows_get(&rows, 0, 2);
		int mariadb = mg_db_server_version(c->run->db) >= 100000;
		e->found = 1;
		e->type = mg_xstrdup(mg_rows_get(&rows, 0, 0));
		e->nullable = strcmp(mg_rows_get(&rows, 0, 1), "YES") == 0 ? MIGRATE_NULLABLE : MIGRATE_NOT_NULLABLE;
		e->comment = mg_xstrdup(mg_rows_get(&rows, 0, 3) ? mg_rows_get(&rows, 0, 3) : "");
		e->extra = mg_xstrdup(mg_rows_get(&rows, 0, 4) ? mg_rows_get(&rows, 0, 4) : "");
		if (d && strcmp(d, "NULL") != 0) {
			if (mariadb) {
				e->def = mg_xstrdup(d); /* MariaDB gives the expression */
			} else {
				mg_buf b = MG_BUF_INIT;
				if (strstr(e->extra, "DEFAULT_GENERATED"))
					mg_buf_printf(&b, "(%s)", d);
				else
					mg_sql_quote_literal(c->d, &b, d);
				e->def = mg_buf_detach(&b);
			}
		}
	}
	mg_rows_release(&rows);
	return 0;
}

static void my_existing_release(my_existing *e)
{
	free(e->type);
	free(e->def);
	free(e->comment);
	free(e->extra);
}

static int alter_mysql(crev_ctx *c, const char *table, const char *column, const migrate_alter_def *a)
{
	mg_buf b = MG_BUF_INIT;
	my_existing e;
	const char *type_given, *def, *comment;
	int nullable, rc = 0, full = a->type || a->nullable || a->comment;

	alter_prefix(c, &b, table);
	if (!full && !a->new_name) {
		/* Only the default: ALTER COLUMN needs no existing definition. */
		mg_buf_puts(&b, "ALTER COLUMN ");
		ident(c, &b, column);
		if (a->drop_default) {
			mg_buf_puts(&b, " DROP DEFAULT");
		} else {
			mg_buf_puts(&b, " SET");
			put_default(c, &b, a->server_default);
		}
		crev_emit(c, b.ptr, 1);
		mg_buf_release(&b);
		return 0;
	}
	if (!full && a->new_name && !a->server_default && !a->drop_default) {
		mg_buf_puts(&b, "RENAME COLUMN ");
		ident(c, &b, column);
		mg_buf_puts(&b, " TO ");
		ident(c, &b, a->new_name);
		crev_emit(c, b.ptr, 1);
		mg_buf_release(&b);
		return 0;
	}
	if ((rc = mysql_existing(c, table, column, &e)))
		goto out;
	/* Not in the database (offline, or created earlier in this revision):
	 * what the call says is all there is. */
	type_given = a->type ? a->type : a->existing_type;
	if (!type_given && !e.type) {
		rc = crev_fail(c, "alter_column",
			       "column '%s' of '%s': MySQL rewrites the whole column definition, and its current "
			       "type is unknown (%s): give .existing_type (and .existing_nullable, "
			       ".existing_server_default, .existing_comment)", column, table,
			       c->run->db ? "not in the database yet" : "offline");
		goto out;
	}
	nullable = a->nullable ? a->nullable : a->existing_nullable ? a->existing_nullable : e.nullable;
	def = a->drop_default ? NULL : a->server_default ? a->server_default
		: a->existing_server_default ? a->existing_server_default : e.def;
	comment = a->comment ? a->comment : a->existing_comment ? a->existing_comment : e.comment;
	if (a->new_name) {
		mg_buf_puts(&b, "CHANGE COLUMN ");
		ident(c, &b, column);
		mg_buf_putc(&b, ' ');
		ident(c, &b, a->new_name);
	} else {
		mg_buf_puts(&b, "MODIFY COLUMN ");
		ident(c, &b, column);
	}
	mg_buf_putc(&b, ' ');
	if (type_given) {
		if ((rc = render_type(c, "alter_column", type_given, 0, &b)))
			goto out;
	} else {
		mg_buf_puts(&b, e.type); /* the server's own spelling */
	}
	mg_buf_puts(&b, nullable == MIGRATE_NOT_NULLABLE ? " NOT NULL" : " NULL");
	if (e.extra && strstr(e.extra, "auto_increment"))
		mg_buf_puts(&b, " AUTO_INCREMENT");
	if (def)
		put_default(c, &b, def);
	if (comment && *comment) {
		mg_buf_puts(&b, " COMMENT ");
		mg_sql_quote_literal(c->d, &b, comment);
	}
	crev_emit(c, b.ptr, 1);
out:
	my_existing_release(&e);
	mg_buf_release(&b);
	return rc;
}

static int alter_pg(crev_ctx *c, const char *table, const char *column, const migrate_alter_def *a)
{
	mg_buf b = MG_BUF_INIT, t = MG_BUF_INIT;
	int rc = 0;

	if (a->type) {
		if ((rc = render_type(c, "alter_column", a->type, 0, &t)))
			goto out;
		alter_prefix(c, &b, table);
		mg_buf_puts(&b, "ALTER COLUMN ");
		ident(c, &b, column);
		mg_buf_printf(&b, " TYPE %s USING ", t.ptr);
		ident(c, &b, column);
		mg_buf_printf(&b, "::%s", t.ptr);
		crev_emit(c, b.ptr, 1);
	}
	if (a->nullable) {
		alter_prefix(c, &b, table);
		mg_buf_puts(&b, "ALTER COLUMN ");
		ident(c, &b, column);
		mg_buf_puts(&b, a->nullable == MIGRATE_NOT_NULLABLE ? " SET NOT NULL" : " DROP NOT NULL");
		crev_emit(c, b.ptr, 1);
	}
	if (a->drop_default || a->server_default) {
		alter_prefix(c, &b, table);
		mg_buf_puts(&b, "ALTER COLUMN ");
		ident(c, &b, column);
		if (a->drop_default) {
			mg_buf_puts(&b, " DROP DEFAULT");
		} else {
			mg_buf_puts(&b, " SET");
			put_default(c, &b, a->server_default);
		}
		crev_emit(c, b.ptr, 1);
	}
	if (a->new_name) {
		alter_prefix(c, &b, table);
		mg_buf_puts(&b, "RENAME COLUMN ");
		ident(c, &b, column);
		mg_buf_puts(&b, " TO ");
		ident(c, &b, a->new_name);
		crev_emit(c, b.ptr, 1);
	}
	if (a->comment)
		pg_comment(c, table, a->new_name ? a->new_name : column, a->comment);
out:
	mg_buf_release(&b);
	mg_buf_release(&t);
	return rc;
}

static int alter_sqlite(crev_ctx *c, const char *table, const char *column, const migrate_alter_def *a)
{
	mg_buf b = MG_BUF_INIT, t = MG_BUF_INIT;
	int rc = 0;

	if (a->new_name) {
		/* SQLite renames in place, carrying indexes, triggers and constraints. */
		alter_prefix(c, &b, table);
		mg_buf_puts(&b, "RENAME COLUMN ");
		ident(c, &b, column);
		mg_buf_puts(&b, " TO ");
		ident(c, &b, a->new_name);
		if ((rc = crev_shadow_open(c, "alter_column")) == 0)
			crev_emit(c, b.ptr, 1);
		column = a->new_name;
	}
	if (!rc && (a->type || a->nullable || a->server_default || a->drop_default)) {
		crev_rebuild rb = { .op = "alter_column", .column = column, .alter = a };
		if (a->type && (rc = render_type(c, "alter_column", a->type, 0, &t)))
			goto out;
		rb.alter_type_sql = a->type ? t.ptr : NULL;
		rc = crev_sqlite_rebuild(c, table, &rb);
	}
	/* Comments: SQLite has none; ignored as Alembic does. */
out:
	mg_buf_release(&b);
	mg_buf_release(&t);
	return rc;
}

static int op_alter_column(migrate_op *op, const char *table, const char *column, const migrate_alter_def *a)
{
	crev_ctx *c = CTX(op);
	int rc;

	if ((rc = need_name(c, "alter_column", "table name", table)) ||
	    (rc = need_name(c, "alter_column", "column name", column)))
		return rc;
	if (a->server_default && a->drop_default)
		return crev_fail(c, "alter_column", "column '%s' of '%s': both .server_default and .drop_default given",
				 column, table);
	if (a->new_name && !*a->new_name)
		return crev_fail(c, "alter_column", "column '%s' of '%s': empty .new_name", column, table);
	if (!a->type && !a->nullable && !a->server_default && !a->drop_default && !a->new_name && !a->comment)
		return crev_fail(c, "alter_column", "column '%s' of '%s': nothing to change", column, table);
	if (a->nullable && a->nullable != MIGRATE_NULLABLE && a->nullable != MIGRATE_NOT_NULLABLE)
		return crev_fail(c, "alter_column", "column '%s' of '%s': .nullable must be MIGRATE_NULLABLE or "
				 "MIGRATE_NOT_NULLABLE", column, table);
	switch (c->d) {
	case MG_DIALECT_POSTGRESQL:
		return alter_pg(c, table, column, a);
	case MG_DIALECT_MYSQL:
		return alter_mysql(c, table, column, a);
	default:
		return alter_sqlite(c, table, column, a);
	}
}

/* ---- Indexes and constraints --------------------------------------------- */

static int op_create_index(migrate_op *op, const char *name, const char *table, const char *columns,
			   unsigned flags, const char *where)
{
	crev_ctx *c = CTX(op);
	mg_buf b = MG_BUF_INIT;
	int rc;

	if ((rc = need_name(c, "create_index", "index name", name)) ||
	    (rc = need_name(c, "create_index", "table name", table)))
		return rc;
	if (where && c->d == MG_DIALECT_MYSQL)
		return crev_fail(c, "create_index", "index '%s': MySQL has no partial indexes (WHERE)", name);
	mg_buf_puts(&b, flags & MIGRATE_INDEX_UNIQUE ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	ident(c, &b, name);
	mg_buf_puts(&b, " ON ");
	ident(c, &b, table);
	mg_buf_puts(&b, " (");
	if ((rc = ident_list(c, "create_index", &b, columns, "columns")) == 0) {
		mg_buf_putc(&b, ')');
		if (where)
			mg_buf_printf(&b, " WHERE %s", where);
		crev_emit(c, b.ptr, 1);
	}
	mg_buf_release(&b);
	return rc;
}

static int op_drop_index(migrate_op *op, const char *name, const char *table)
{
	crev_ctx *c = CTX(op);
	mg_buf b = MG_BUF_INIT;
	int rc;

	if ((rc = need_name(c, "drop_index", "index name", name)))
		return rc;
	if (c->d == MG_DIALECT_MYSQL && (!table || !*table))
		return crev_fail(c, "drop_index", "index '%s': MySQL needs the table name", name);
	mg_buf_puts(&b, "DROP INDEX ");
	ident(c, &b, name);
	if (c->d == MG_DIALECT_MYSQL) {
		mg_buf_puts(&b, " ON ");
		ident(c, &b, table);
	}
	crev_emit(c, b.ptr, 1);
	mg_buf_release(&b);
	return 0;
}

/* ADD CONSTRAINT name <body>, or the SQLite rebuild appending it. */
static int add_constraint(crev_ctx *c, const char *op, const char *name, const char *table, const mg_buf *body)
{
	mg_buf b = MG_BUF_INIT;
	int rc = 0;

	mg_buf_puts(&b, "CONSTRAINT ");
	ident(c, &b, name);
	mg_buf_putc(&b, ' ');
	mg_buf_puts(&b, body->ptr);
	if (c->d == MG_DIALECT_SQLITE) {
		crev_rebuild rb = { .op = op, .add_element = b.ptr };
		rc = crev_sqlite_rebuild(c, table, &rb);
	} else {
		mg_buf s = MG_BUF_INIT;
		alter_prefix(c, &s, table);
		mg_buf_puts(&s, "ADD ");
		mg_buf_puts(&s, b.ptr);
		crev_emit(c, s.ptr, 1);
		mg_buf_release(&s);
	}
	mg_buf_release(&b);
	return rc;
}

/* UNIQUE (...) and PRIMARY KEY (...): a named constraint over a column list. */
static int add_column_list_constraint(migrate_op *op, const char *opname, const char *keyword,
				      const char *name, const char *table, const char *columns)
{
	crev_ctx *c = CTX(op);
	mg_buf body = MG_BUF_INIT;
	int rc;
	if (!(rc = need_name(c, opname, "constraint name", name)) &&
	    !(rc = need_name(c, opname, "table name", table))) {
		mg_buf_printf(&body, "%s (", keyword);
		if (!(rc = ident_list(c, opname, &body, columns, "columns"))) {
			mg_buf_putc(&body, ')');
			rc = add_constraint(c, opname, name, table, &body);
		}
	}
	mg_buf_release(&body);
	return rc;
}

static int op_create_unique(migrate_op *op, const char *name, const char *table, const char *columns)
{
	return add_column_list_constraint(op, "create_unique", "UNIQUE", name, table, columns);
}

static int op_create_check(migrate_op *op, const char *name, const char *table, const char *condition)
{
	crev_ctx *c = CTX(op);
	mg_buf body = MG_BUF_INIT;
	int rc;
	if (!(rc = need_name(c, "create_check", "constraint name", name)) &&
	    !(rc = need_name(c, "create_check", "table name", table)) &&
	    !(rc = need_name(c, "create_check", "condition", condition))) {
		mg_buf_printf(&body, "CHECK (%s)", condition);
		rc = add_constraint(c, "create_check", name, table, &body);
	}
	mg_buf_release(&body);
	return rc;
}

static int op_create_primary_key(migrate_op *op, const char *name, const char *table, const char *columns)
{
	return add_column_list_constraint(op, "create_primary_key", "PRIMARY KEY", name, table, columns);
}

static int op_create_foreign_key(migrate_op *op, const char *name, const char *table, const char *columns,
				 const char *ref_table, const char *ref_columns, const char *on_delete,
				 const char *on_update)
{
	crev_ctx *c = CTX(op);
	mg_buf body = MG_BUF_INIT;
	int rc;
	if (!(rc = need_name(c, "create_foreign_key", "constraint name", name)) &&
	    !(rc = need_name(c, "create_foreign_key", "table name", table)) &&
	    !(rc = render_fk(c, "create_foreign_key", &body, columns, ref_table, ref_columns, on_delete, on_update)))
		rc = add_constraint(c, "create_foreign_key", name, table, &body);
	mg_buf_release(&body);
	return rc;
}

static int op_drop_constraint(migrate_op *op, const char *name, const char *table, int kind)
{
	crev_ctx *c = CTX(op);
	mg_buf b = MG_BUF_INIT;
	int rc;

	if ((rc = need_name(c, "drop_constraint", "constraint name", name)) ||
	    (rc = need_name(c, "drop_constraint", "table name", table)))
		return rc;
	if (kind < MIGRATE_CONSTRAINT_UNIQUE || kind > MIGRATE_CONSTRAINT_PRIMARY_KEY)
		return crev_fail(c, "drop_constraint", "constraint '%s': kind must be one of MIGRATE_CONSTRAINT_UNIQUE, "
				 "_CHECK, _FOREIGN_KEY, _PRIMARY_KEY", name);
	if (c->d == MG_DIALECT_SQLITE) {
		crev_rebuild rb = { .op = "drop_constraint", .drop_constraint = name };
		return crev_sqlite_rebuild(c, table, &rb);
	}
	alter_prefix(c, &b, table);
	if (c->d == MG_DIALECT_MYSQL && kind == MIGRATE_CONSTRAINT_PRIMARY_KEY) {
		mg_buf_puts(&b, "DROP PRIMARY KEY");
	} else {
		mg_buf_puts(&b, c->d == MG_DIALECT_POSTGRESQL ? "DROP CONSTRAINT "
				: kind == MIGRATE_CONSTRAINT_UNIQUE ? "DROP INDEX "
				: kind == MIGRATE_CONSTRAINT_FOREIGN_KEY ? "DROP FOREIGN KEY "
				: "DROP CONSTRAINT ");
		ident(c, &b, name);
	}
	crev_emit(c, b.ptr, 1);
	mg_buf_release(&b);
	return 0;
}

/* ---- Data and raw SQL ------------------------------------------------------ */

static const char *lookup_arg(void *ctx, const char *name)
{
	crev_ctx *c = ctx;
	for (size_t i = 0; i < c->run->nargs; i++)
		if (strcmp(c->run->arg_keys[i], name) == 0)
			return c->run->arg_values[i];
	if (strcmp(name, "schema") == 0)
		return c->run->schema ? c->run->schema : "";
	return NULL;
}

static int op_execute(migrate_op *op, const char *dialect, const char *sql)
{
	crev_ctx *c = CTX(op);
	mg_buf text = MG_BUF_INIT, one = MG_BUF_INIT;
	mg_stmt_list list;
	mg_error e;
	int rc;

	if (dialect) {
		mg_dialect want = mg_dialect_from_name(dialect);
		if (want == MG_DIALECT_NONE)
			return crev_fail(c, "execute", "unknown dialect '%s' (postgresql, mysql, sqlite)", dialect);
		if (want != c->d)
			return 0;
	}
	if (!sql || !*sql)
		return crev_fail(c, "execute", "missing SQL");
	mg_error_init(&e);
	mg_stmt_list_init(&list);
	if ((rc = mg_sql_expand(sql, strlen(sql), lookup_arg, c, &text, &e)) != MG_OK ||
	    (rc = mg_sql_split(c->d, text.ptr, text.len, &list, &e)) != MG_OK) {
		rc = crev_fail(c, "execute", "%s", e.msg);
	} else {
		for (size_t i = 0; i < list.len; i++) {
			mg_buf_clear(&one);
			mg_buf_add(&one, list.items[i].text, list.items[i].len);
			crev_emit(c, one.ptr, 1);
		}
	}
	mg_stmt_list_release(&list);
	mg_buf_release(&text);
	mg_buf_release(&one);
	return rc;
}

static int op_bulk_insert(migrate_op *op, const char *table, const char *columns, const char *const *values,
			  size_t nrows)
{
	crev_ctx *c = CTX(op);
	mg_buf head = MG_BUF_INIT, b = MG_BUF_INIT;
	size_t ncols = 1;
	int rc;

	if ((rc = need_name(c, "bulk_insert", "table name", table)))
		return rc;
	mg_buf_puts(&head, "INSERT INTO ");
	ident(c, &head, table);
	mg_buf_puts(&head, " (");
	if ((rc = ident_list(c, "bulk_insert", &head, columns, "columns")))
		goto out;
	mg_buf_puts(&head, ") VALUES ");
	for (const char *p = columns; *p; p++)
		ncols += *p == ',';
	if (nrows && !values) {
		rc = crev_fail(c, "bulk_insert", "table '%s': %zu rows but no values", table, nrows);
		goto out;
	}
	/* Chunks keep each statement well under the servers' packet limits. */
	for (size_t r = 0; r < nrows; r++) {
		if (r % 500 == 0) {
			if (r)
				crev_emit(c, b.ptr, 0);
			mg_buf_clear(&b);
			mg_buf_puts(&b, head.ptr);
		} else {
			mg_buf_puts(&b, ", ");
		}
		mg_buf_putc(&b, '(');
		for (size_t k = 0; k < ncols; k++) {
			const char *v = values[r * ncols + k];
			if (k)
				mg_buf_puts(&b, ", ");
			if (v)
				mg_sql_quote_literal(c->d, &b, v);
			else
				mg_buf_puts(&b, "NULL");
		}
		mg_buf_putc(&b, ')');
	}
	if (nrows)
		crev_emit(c, b.ptr, 0);
out:
	mg_buf_release(&head);
	mg_buf_release(&b);
	return rc;
}

/* ---- Context ------------------------------------------------------------- */

static const char *op_dialect(migrate_op *op)
{
	return mg_dialect_name(CTX(op)->d);
}

static const char *op_schema(migrate_op *op)
{
	crev_ctx *c = CTX(op);
	return c->run->schema ? c->run->schema : c->d == MG_DIALECT_SQLITE ? "main" : "";
}

static const char *op_arg(migrate_op *op, const char *key)
{
	crev_ctx *c = CTX(op);
	if (!key)
		return NULL;
	for (size_t i = 0; i < c->run->nargs; i++)
		if (strcmp(c->run->arg_keys[i], key) == 0)
			return c->run->arg_values[i];
	return NULL;
}

static const struct migrate_op_api api = {
	MIGRATE_API_VERSION,
	op_create_table,
	op_drop_table,
	op_rename_table,
	op_add_column,
	op_drop_column,
	op_alter_column,
	op_create_index,
	op_drop_index,
	op_create_unique,
	op_create_check,
	op_create_primary_key,
	op_create_foreign_key,
	op_drop_constraint,
	op_execute,
	op_bulk_insert,
	op_dialect,
	op_schema,
	op_arg,
};

void crev_ctx_init(crev_ctx *c, const mg_crev_run *run, const char *path, mg_error *err)
{
	memset(c, 0, sizeof(*c));
	c->pub.api_ = &api;
	c->run = run;
	c->d = run->dialect;
	c->path = path;
	c->err = err;
	mg_vec_init(&c->stmts);
}

void crev_ctx_release(crev_ctx *c)
{
	for (size_t i = 0; i < c->stmts.len; i++)
		free(c->stmts.items[i]);
	mg_vec_release(&c->stmts);
	if (c->shadow)
		sqlite3_close(c->shadow);
}

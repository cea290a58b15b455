/*
 * Inside the DDL renderers: the rendering context, the helpers every
 * dialect shares (qualified names, identifier lists, statement ends,
 * foreign-key clauses) and one table of object renderers per dialect, each
 * object's CREATE beside its DROP so the downgrade is the same code.
 */
#ifndef MG_DDL_INT_H
#define MG_DDL_INT_H

#include <stdbool.h>

#include "migrate/catalog.h"
#include "migrate/diff.h"
#include "util/buf.h"

typedef struct mg_ddl {
	mg_dialect dialect;
	bool mariadb;
	long server_version;
	/* Text qualifying objects of the own schema (a placeholder such as
	 * "${schema}", written verbatim), or NULL: unqualified. */
	const char *qual;
	/* Own schema names (current and target catalogs; a foreign key that
	 * references either is a reference into the own schema). May be NULL. */
	const char *schema, *target_schema;
	/* For the foreign keys added apart from CREATE TABLE; may be NULL. */
	const mg_diff *diff;
	mg_buf *out;
	/* Rendering an included schema's diff (include_schemas, ddl/
	 * render_schemas.c): the configured schema's name as these catalogs'
	 * foreign keys reference it, and how to write such a reference:
	 * home_qual (a placeholder) or, when NULL, unqualified. Never by
	 * name, which differs per environment. home NULL: not rendering one. */
	const char *home, *home_qual;
} mg_ddl;

/* Own-schema object name, qualified by r->qual when set. */
void mg_ddl_name(mg_ddl *r, const char *name);
/* "ALTER TABLE t" (the table named as mg_ddl_name does). */
void mg_ddl_alter_table(mg_ddl *r, const char *table);
/* "ALTER TABLE t ALTER COLUMN c " as a statement of its own. */
void mg_ddl_alter_column(mg_ddl *r, const char *table, const char *column);
void mg_ddl_ident(mg_ddl *r, const char *name);
/* "(a, b)" with each name quoted. */
void mg_ddl_ident_list(mg_ddl *r, const char **names, size_t n);
void mg_ddl_literal(mg_ddl *r, const char *value);
/* Ends a statement: ";\n\n". */
void mg_ddl_end(mg_ddl *r);
/* "(expr)" unless expr is already wrapped in one pair of parentheses. */
void mg_ddl_paren(mg_ddl *r, const char *expr);
/* "FOREIGN KEY (a) REFERENCES t (id) ON DELETE CASCADE ..." (no name). */
void mg_ddl_fk_clause(mg_ddl *r, const mg_foreign_key *fk);
/* "CONSTRAINT name " when name is set. */
void mg_ddl_constraint_name(mg_ddl *r, const char *name);
/* True when fk is written in its table's CREATE TABLE. */
bool mg_ddl_fk_inline(const mg_ddl *r, const mg_foreign_key *fk);

typedef struct mg_ddl_dialect {
	void (*create_table)(mg_ddl *r, const mg_table *t);
	void (*drop_table)(mg_ddl *r, const mg_table *t);
	void (*add_column)(mg_ddl *r, const mg_table *t, const mg_column *c);
	void (*drop_column)(mg_ddl *r, const mg_table *t, const mg_column *c);
	/* from -> to; changes: MG_COLCHG_* */
	void (*alter_column)(mg_ddl *r, const mg_table *t, const mg_column *from,
			     const mg_column *to, unsigned changes);
	void (*add_pk)(mg_ddl *r, const mg_table *t, const mg_primary_key *pk);
	void (*drop_pk)(mg_ddl *r, const mg_table *t, const mg_primary_key *pk);
	void (*create_index)(mg_ddl *r, const mg_table *t, const mg_index *ix);
	void (*drop_index)(mg_ddl *r, const mg_table *t, const mg_index *ix);
	void (*add_unique)(mg_ddl *r, const mg_table *t, const mg_unique *u);
	void (*drop_unique)(mg_ddl *r, const mg_table *t, const mg_unique *u);
	void (*add_check)(mg_ddl *r, const mg_table *t, const mg_check *c);
	void (*drop_check)(mg_ddl *r, const mg_table *t, const mg_check *c);
	void (*add_fk)(mg_ddl *r, const mg_table *t, const mg_foreign_key *fk);
	void (*drop_fk)(mg_ddl *r, const mg_table *t, const mg_foreign_key *fk);
	/* comment NULL removes it. */
	void (*table_comment)(mg_ddl *r, const mg_table *t, const char *comment);
} mg_ddl_dialect;

/* The other object kinds (ddl/render_objects.c): op or, up false, its
 * inverse. */
typedef struct mg_diff_op mg_diff_op;
void mg_ddl_object(mg_ddl *r, const mg_diff_op *op, bool up);

/* Renames (ddl/rename.c): op or, up false, its inverse. */
void mg_ddl_rename(mg_ddl *r, const mg_diff_op *op, bool up);

/* One operation of any kind or, up false, its inverse, through v (PG or
 * MySQL; SQLite renders whole diffs only). ddl/render.c. */
void mg_ddl_render_op(const mg_ddl_dialect *v, mg_ddl *r, const mg_diff_op *op, bool up);

extern const mg_ddl_dialect mg_ddl_pg;
extern const mg_ddl_dialect mg_ddl_mysql;
/* SQLite: only what ALTER TABLE can do; the rest is a rebuild. Its
 * CREATE INDEX (schema on the index name) is shared with the rebuild. */
void mg_ddl_sqlite_index(mg_ddl *r, const char *table, const mg_index *ix);
extern const mg_ddl_dialect mg_ddl_sqlite;

#endif

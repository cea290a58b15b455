/*
 * <migrate/revision.h>: what a C revision includes.
 *
 * A C revision is one .c file with a MIGRATE_REVISION(...) header and two
 * functions, upgrade() and downgrade(), that describe schema changes through
 * the operations below (Alembic's `op`):
 *
 *     #include <migrate/revision.h>
 *
 *     MIGRATE_REVISION(
 *         .revision = "ae1027a6acf0",
 *         .revises = "1975ea83b712",
 *         .message = "Add email to account",
 *     );
 *
 *     int upgrade(migrate_op *op)
 *     {
 *         return migrate_add_column(op, "account",
 *                                   migrate_column("email", "varchar(80)", MIGRATE_NOT_NULL));
 *     }
 *
 *     int downgrade(migrate_op *op)
 *     {
 *         return migrate_drop_column(op, "account", "email");
 *     }
 *
 * How it runs. migrate compiles the file with the system C compiler into a
 * shared object (cached by content hash), loads it and calls upgrade() or
 * downgrade(). Operations never touch the database themselves: each one
 * renders the statements of the database's dialect and appends them to the
 * revision's statement list, which the executor then runs inside the
 * revision's transaction (online) or prints (offline, `--sql`). So the same
 * function serves both modes, and nothing is applied unless the whole
 * function succeeds.
 *
 * Errors. Every operation returns 0 on success and a negative code on a bad
 * call (unknown type, missing name, an operation the dialect cannot do).
 * The first error is recorded ("FILE: operation NAME: ...") and fails the
 * revision even if the return value is ignored; a non-zero return from
 * upgrade()/downgrade() fails it too. Returning the operations' result, or
 * chaining them with `if ((rc = ...) != 0) return rc;`, is the usual style.
 *
 * Names. Table, column, index and constraint names are plain names, quoted
 * by migrate for the dialect (never pass them pre-quoted). Tables are
 * unqualified: revisions run in the configured schema (PostgreSQL
 * search_path, MySQL database), which migrate_schema() returns. Lists of
 * columns are one string, comma-separated: "tenant_id, name".
 *
 * Types are portable names, case-insensitive, rendered per dialect:
 *     smallint integer bigint            real double
 *     numeric(p[,s]) decimal(p[,s])      boolean
 *     varchar(n) char(n) text            date time timestamp timestamptz
 *     blob (bytea)  json  uuid
 * and "sql:ANYTHING" passes ANYTHING through unchanged (e.g. "sql:tsvector").
 * An unknown type is an error.
 *
 * Server defaults and CHECK conditions are SQL expressions, written as they
 * are to go into the statement: .server_default = "0", "'draft'",
 * "CURRENT_TIMESTAMP".
 *
 * SQLite. What ALTER TABLE cannot do there (change a column's type,
 * nullability or default; add or drop a constraint; drop a column that has
 * constraints) is done as Alembic's batch mode does: the table is rebuilt
 * (new table, rows copied, old dropped, new renamed, indexes and triggers
 * recreated, foreign keys checked), keeping every row. Online the current
 * definition is read from the database; offline (`--sql`) a rebuild works
 * only on tables created earlier in the same revision, since the table's
 * definition is otherwise unknown.
 *
 * All strings passed in are copied: they need to live only during the call.
 */
#ifndef MIGRATE_REVISION_H
#define MIGRATE_REVISION_H

#include <stdbool.h>
#include <stddef.h>

/* Bumped whenever the layout below changes; part of the compile cache key. */
#define MIGRATE_API_VERSION 1

/* ---- The revision header ----------------------------------------------- */

/*
 * Fields of MIGRATE_REVISION(...). The graph loader reads them as text
 * (listing commands never compile anything), so each must be a string
 * literal (or true/false for .transactional):
 *   .revision       the id (required)
 *   .revises        parents, comma-separated: "a1b2c3d4e5f6, 0f9e8d7c6b5a";
 *                   absent or "" = a root
 *   .message        one line
 *   .created        ISO-8601 creation time
 *   .author         who wrote it
 *   .branch_labels  comma-separated labels
 *   .depends_on     comma-separated ids or labels (not parents)
 *   .role           run under SET ROLE (PostgreSQL); "su" = the db's su_role
 *   .transactional  false: run outside a transaction
 */
typedef struct migrate_revision_info {
	int api_version;
	const char *revision;
	const char *revises;
	const char *message;
	const char *created;
	const char *author;
	const char *branch_labels;
	const char *depends_on;
	const char *role;
	bool transactional;
} migrate_revision_info;

#define MIGRATE_REVISION(...)                                                      \
	__attribute__((visibility("default"))) const migrate_revision_info migrate_revision = { \
		.api_version = MIGRATE_API_VERSION, .transactional = true, __VA_ARGS__ }

/* ---- The operation context --------------------------------------------- */

/* Handed to upgrade()/downgrade(); valid only during the call. Opaque: the
 * only member is migrate's private function table. */
typedef struct migrate_op migrate_op;

int upgrade(migrate_op *op);
int downgrade(migrate_op *op);

/* ---- Columns ------------------------------------------------------------- */

enum {
	MIGRATE_NOT_NULL = 1 << 0,
	MIGRATE_PRIMARY_KEY = 1 << 1, /* several columns: one composite key */
	MIGRATE_UNIQUE = 1 << 2,
	MIGRATE_AUTOINCREMENT = 1 << 3, /* identity / AUTO_INCREMENT / INTEGER PRIMARY KEY AUTOINCREMENT */
};

/* A column: name, type and flags positionally, the rest by designator. */
typedef struct migrate_column_def {
	const char *name;
	const char *type;
	unsigned flags;              /* MIGRATE_NOT_NULL | MIGRATE_PRIMARY_KEY | ... */
	const char *server_default;  /* SQL expression, or NULL */
	const char *comment;         /* column comment (ignored on SQLite), or NULL */
	const char *references;      /* "table(column)": a foreign key, or NULL */
	const char *on_delete;       /* "CASCADE", "SET NULL", "RESTRICT", ... or NULL */
	const char *on_update;
} migrate_column_def;

/*
 * migrate_column("id", "bigint", MIGRATE_PRIMARY_KEY | MIGRATE_AUTOINCREMENT)
 * migrate_column("state", "varchar(10)", MIGRATE_NOT_NULL, .server_default = "'new'")
 * migrate_column("owner_id", "integer", 0, .references = "account(id)", .on_delete = "CASCADE")
 */
#define migrate_column(...) ((migrate_column_def){ __VA_ARGS__ })

/* For migrate_alter_column: what to change. Fields left 0/NULL stay. */
enum { MIGRATE_KEEP = 0, MIGRATE_NULLABLE = 1, MIGRATE_NOT_NULLABLE = 2 };

typedef struct migrate_alter_def {
	const char *type;            /* new type */
	int nullable;                /* MIGRATE_NULLABLE / MIGRATE_NOT_NULLABLE */
	const char *server_default;  /* new default expression */
	bool drop_default;           /* remove the default */
	const char *new_name;        /* rename the column */
	const char *comment;         /* new comment ("" removes it) */
	/* MySQL rewrites the whole column definition (MODIFY/CHANGE): online the
	 * parts not changed are read from the database; offline they must be
	 * given here (existing_type at least), as with Alembic. */
	const char *existing_type;
	int existing_nullable;       /* MIGRATE_NULLABLE / MIGRATE_NOT_NULLABLE */
	const char *existing_server_default;
	const char *existing_comment;
} migrate_alter_def;

/* ---- Constraint kinds, for migrate_drop_constraint -------------------------- */

enum {
	MIGRATE_CONSTRAINT_UNIQUE = 1,
	MIGRATE_CONSTRAINT_CHECK,
	MIGRATE_CONSTRAINT_FOREIGN_KEY,
	MIGRATE_CONSTRAINT_PRIMARY_KEY,
};

/* Index flags. */
enum { MIGRATE_INDEX_UNIQUE = 1 };

/* ---- Private: the function table behind the operations -------------------- */

struct migrate_op_api {
	int version; /* MIGRATE_API_VERSION of the migrate that filled it */
	int (*create_table)(migrate_op *, const char *, const migrate_column_def *, size_t);
	int (*drop_table)(migrate_op *, const char *);
	int (*rename_table)(migrate_op *, const char *, const char *);
	int (*add_column)(migrate_op *, const char *, const migrate_column_def *);
	int (*drop_column)(migrate_op *, const char *, const char *);
	int (*alter_column)(migrate_op *, const char *, const char *, const migrate_alter_def *);
	int (*create_index)(migrate_op *, const char *, const char *, const char *, unsigned, const char *);
	int (*drop_index)(migrate_op *, const char *, const char *);
	int (*create_unique)(migrate_op *, const char *, const char *, const char *);
	int (*create_check)(migrate_op *, const char *, const char *, const char *);
	int (*create_primary_key)(migrate_op *, const char *, const char *, const char *);
	int (*create_foreign_key)(migrate_op *, const char *, const char *, const char *, const char *,
				  const char *, const char *, const char *);
	int (*drop_constraint)(migrate_op *, const char *, const char *, int);
	int (*execute)(migrate_op *, const char *, const char *);
	int (*bulk_insert)(migrate_op *, const char *, const char *, const char *const *, size_t);
	const char *(*dialect)(migrate_op *);
	const char *(*schema)(migrate_op *);
	const char *(*arg)(migrate_op *, const char *);
};

struct migrate_op {
	const struct migrate_op_api *api_; /* private */
};

/* ---- Tables -------------------------------------------------------------- */

/* CREATE TABLE with the columns given (at least one):
 *   migrate_create_table(op, "account",
 *       migrate_column("id", "integer", MIGRATE_PRIMARY_KEY | MIGRATE_AUTOINCREMENT),
 *       migrate_column("name", "varchar(50)", MIGRATE_NOT_NULL));
 * Composite primary keys: flag each of their columns MIGRATE_PRIMARY_KEY. */
#define migrate_create_table(op, table, ...)                                            \
	migrate_create_table_n((op), (table), (const migrate_column_def[]){ __VA_ARGS__ }, \
			       sizeof((const migrate_column_def[]){ __VA_ARGS__ }) / sizeof(migrate_column_def))

static inline int migrate_create_table_n(migrate_op *op, const char *table,
					 const migrate_column_def *columns, size_t ncolumns)
{
	return op->api_->create_table(op, table, columns, ncolumns);
}

static inline int migrate_drop_table(migrate_op *op, const char *table)
{
	return op->api_->drop_table(op, table);
}

static inline int migrate_rename_table(migrate_op *op, const char *table, const char *new_name)
{
	return op->api_->rename_table(op, table, new_name);
}

/* ---- Columns ------------------------------------------------------------- */

/* ADD COLUMN. A NOT NULL column on a table with rows needs a server default. */
static inline int migrate_add_column(migrate_op *op, const char *table, migrate_column_def column)
{
	return op->api_->add_column(op, table, &column);
}

static inline int migrate_drop_column(migrate_op *op, const char *table, const char *column)
{
	return op->api_->drop_column(op, table, column);
}

/* migrate_alter_column(op, "account", "name", .type = "varchar(100)",
 *                      .nullable = MIGRATE_NULLABLE, .new_name = "full_name") */
#define migrate_alter_column(op, table, column, ...) \
	migrate_alter_column_d((op), (table), (column), &(const migrate_alter_def){ __VA_ARGS__ })

static inline int migrate_alter_column_d(migrate_op *op, const char *table, const char *column,
					 const migrate_alter_def *change)
{
	return op->api_->alter_column(op, table, column, change);
}

/* ---- Indexes ------------------------------------------------------------- */

/* CREATE [UNIQUE] INDEX name ON table (columns) [WHERE where]. flags:
 * MIGRATE_INDEX_UNIQUE or 0. where (a partial index) is PostgreSQL and
 * SQLite only: an error on MySQL. */
static inline int migrate_create_index(migrate_op *op, const char *name, const char *table,
				       const char *columns, unsigned flags, const char *where)
{
	return op->api_->create_index(op, name, table, columns, flags, where);
}

/* table is needed by MySQL (DROP INDEX ... ON table). */
static inline int migrate_drop_index(migrate_op *op, const char *name, const char *table)
{
	return op->api_->drop_index(op, name, table);
}

/* ---- Constraints --------------------------------------------------------- */

static inline int migrate_create_unique(migrate_op *op, const char *name, const char *table,
					const char *columns)
{
	return op->api_->create_unique(op, name, table, columns);
}

static inline int migrate_create_check(migrate_op *op, const char *name, const char *table,
				       const char *condition)
{
	return op->api_->create_check(op, name, table, condition);
}

static inline int migrate_create_primary_key(migrate_op *op, const char *name, const char *table,
					     const char *columns)
{
	return op->api_->create_primary_key(op, name, table, columns);
}

/* on_delete / on_update: "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT",
 * "NO ACTION" or NULL. */
static inline int migrate_create_foreign_key(migrate_op *op, const char *name, const char *table,
					     const char *columns, const char *ref_table,
					     const char *ref_columns, const char *on_delete,
					     const char *on_update)
{
	return op->api_->create_foreign_key(op, name, table, columns, ref_table, ref_columns, on_delete,
					    on_update);
}

/* kind: MIGRATE_CONSTRAINT_UNIQUE, _CHECK, _FOREIGN_KEY, _PRIMARY_KEY (MySQL
 * drops each kind differently). */
static inline int migrate_drop_constraint(migrate_op *op, const char *name, const char *table, int kind)
{
	return op->api_->drop_constraint(op, name, table, kind);
}

/* ---- Data and raw SQL ----------------------------------------------------- */

/* Raw SQL, one or more statements (split with the dialect's rules; ${schema}
 * and -x placeholders are expanded as in SQL revisions). */
static inline int migrate_execute(migrate_op *op, const char *sql)
{
	return op->api_->execute(op, NULL, sql);
}

/* The same, only when the database is of dialect ("postgresql", "mysql",
 * "sqlite"); on another dialect it does nothing. */
static inline int migrate_execute_for(migrate_op *op, const char *dialect, const char *sql)
{
	return op->api_->execute(op, dialect, sql);
}

/* INSERT of nrows rows: values is row-major, nrows x (number of columns),
 * text values (NULL = SQL NULL) the database converts to the column types:
 *   static const char *const rows[] = { "1", "admin", "2", "guest" };
 *   migrate_bulk_insert(op, "role", "id, name", rows, 2); */
static inline int migrate_bulk_insert(migrate_op *op, const char *table, const char *columns,
				      const char *const *values, size_t nrows)
{
	return op->api_->bulk_insert(op, table, columns, values, nrows);
}

/* ---- Context ------------------------------------------------------------- */

/* "postgresql", "mysql" or "sqlite". */
static inline const char *migrate_dialect(migrate_op *op)
{
	return op->api_->dialect(op);
}

/* The schema (PostgreSQL) or database (MySQL) the revision runs in; "main"
 * on SQLite. */
static inline const char *migrate_schema(migrate_op *op)
{
	return op->api_->schema(op);
}

/* The value of `-x key=value` on the command line, or NULL. */
static inline const char *migrate_arg(migrate_op *op, const char *key)
{
	return op->api_->arg(op, key);
}

#endif

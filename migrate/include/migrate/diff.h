/*
 * The diff engine: two catalogs of one dialect (the live schema and the
 * declared models read back from a scratch schema) in, an ordered list of
 * operations out, rendered as the dialect's DDL for the upgrade and, from the
 * same operations taken in reverse, the downgrade (pg_dump builds each
 * object's CREATE and DROP side by side; so do we).
 *
 * Lifetimes: an mg_diff owns one arena holding the operations. Operations
 * BORROW tables, columns, indexes and constraints from both catalogs: keep
 * the two catalogs alive until mg_diff_free.
 *
 * Order contract (mg_diff_catalogs; see diff/diff.c for the sort):
 *   1. drop foreign keys: removed or changed ones on kept tables, those whose
 *      columns or referenced key change, and those in a foreign-key cycle
 *      among dropped tables; then (MySQL) alter the columns losing
 *      AUTO_INCREMENT, which MySQL holds to a key;
 *   2. drop checks, uniques, indexes, primary keys that are removed or
 *      changed (a changed one is a drop here and an add in 6);
 *   3. drop tables, a referencing table before the table it references;
 *   4. create tables, a referenced table before the tables referencing it;
 *      a foreign key to a table created earlier (or to itself, or to a kept
 *      table) is part of CREATE TABLE; one closing a cycle among created
 *      tables is a separate add in 8 (op->with_table is false for it);
 *   5. per kept table by name: add columns, alter columns, drop columns;
 *   6. add primary keys, uniques, checks, indexes; then (MySQL) alter the
 *      columns gaining AUTO_INCREMENT, after the key it needs;
 *   7. table comments;
 *   8. add foreign keys.
 * The other object kinds wrap around these (diff/compare_objects.c):
 * before 1, drop the triggers, views, events and functions that are removed
 * or recreated (and views over tables that change, triggers whose function
 * is recreated, PostgreSQL triggers with a WHEN on tables that change),
 * then drop the checks and indexes naming an enum type whose labels change
 * (they are added again in 6, each way: the type's rebuild retypes the
 * columns, which PostgreSQL refuses while they compare them with the old
 * type; views, triggers and PostgreSQL functions naming it are recreated
 * likewise), then create
 * extensions, enums, domains, sequences (and
 * alter them; enum value changes here, before the columns); after 8, drop
 * sequences, domains, enums, extensions, then create functions, views
 * (created or replaced, each after the views it reads; one reading a view
 * that is dropped is dropped and created too), triggers, events. Hinted
 * renames (views, tables, columns, indexes, enum types, labels) come
 * before all of it. A function a column
 * default or check uses is created with the types and dropped with them.
 * A PostgreSQL BEGIN ATOMIC body, which holds what it reads as a view
 * does, is created after the views when it reads one (and dropped before
 * them), and dropped and created around a change of a table it reads or
 * of a view it reads. The views, triggers and BEGIN ATOMIC bodies naming
 * a column a hint renames (and the views, triggers and bodies reading
 * those views) are dropped first of all, before the renames, as they were
 * before them (old_object from the catalog as given), and created with the
 * others from the target; a hinted rename of one of them keeps it on the
 * usual path.
 * Within a phase, by table name then object name. The downgrade runs every
 * operation's inverse in exactly the reverse order, which is again a valid
 * order (drops of dependants before what they depend on).
 */
#ifndef MIGRATE_DIFF_H
#define MIGRATE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "migrate/catalog.h"
#include "migrate/error.h"

typedef struct mg_buf mg_buf; /* util/buf.h */

typedef enum mg_diff_kind {
	MG_DIFF_CREATE_TABLE = 0,
	MG_DIFF_DROP_TABLE,
	MG_DIFF_ADD_COLUMN,
	MG_DIFF_DROP_COLUMN,
	MG_DIFF_ALTER_COLUMN,
	MG_DIFF_ADD_PRIMARY_KEY,
	MG_DIFF_DROP_PRIMARY_KEY,
	MG_DIFF_CREATE_INDEX,
	MG_DIFF_DROP_INDEX,
	MG_DIFF_ADD_UNIQUE,
	MG_DIFF_DROP_UNIQUE,
	MG_DIFF_ADD_CHECK,
	MG_DIFF_DROP_CHECK,
	MG_DIFF_ADD_FOREIGN_KEY,
	MG_DIFF_DROP_FOREIGN_KEY,
	MG_DIFF_TABLE_COMMENT,
	/* The other object kinds (diff/compare_objects.c, ddl/render_objects.c). */
	MG_DIFF_CREATE_VIEW,
	MG_DIFF_DROP_VIEW,
	MG_DIFF_REPLACE_VIEW,
	MG_DIFF_CREATE_SEQUENCE,
	MG_DIFF_DROP_SEQUENCE,
	MG_DIFF_ALTER_SEQUENCE,
	MG_DIFF_CREATE_ENUM,
	MG_DIFF_DROP_ENUM,
	MG_DIFF_ADD_ENUM_VALUES,
	MG_DIFF_REBUILD_ENUM,
	MG_DIFF_CREATE_DOMAIN,
	MG_DIFF_DROP_DOMAIN,
	MG_DIFF_ALTER_DOMAIN,
	MG_DIFF_CREATE_FUNCTION,
	MG_DIFF_DROP_FUNCTION,
	MG_DIFF_REPLACE_FUNCTION,
	MG_DIFF_CREATE_TRIGGER,
	MG_DIFF_DROP_TRIGGER,
	MG_DIFF_CREATE_EXTENSION,
	MG_DIFF_DROP_EXTENSION,
	MG_DIFF_ALTER_EXTENSION,
	MG_DIFF_CREATE_EVENT,
	MG_DIFF_DROP_EVENT,
	/* Renames from `-- migrate:renamed-from` hints (diff/rename.c,
	 * ddl/rename.c); they come first, before every other operation. */
	MG_DIFF_RENAME_TABLE,
	MG_DIFF_RENAME_COLUMN,
	MG_DIFF_RENAME_INDEX,
	/* Hinted renames of the other kinds, in the same first phase: views
	 * before the three above, enum types and their values after them. */
	MG_DIFF_RENAME_VIEW,
	MG_DIFF_RENAME_ENUM,
	MG_DIFF_RENAME_ENUM_VALUE,
	MG_DIFF_KIND_COUNT
} mg_diff_kind;

/* What an MG_DIFF_ALTER_COLUMN changes (op->changes). */
enum {
	MG_COLCHG_TYPE = 1 << 0,
	MG_COLCHG_NULLABLE = 1 << 1,
	MG_COLCHG_DEFAULT = 1 << 2,
	MG_COLCHG_IDENTITY = 1 << 3,
	MG_COLCHG_COLLATION = 1 << 4,
	MG_COLCHG_COMMENT = 1 << 5,
	MG_COLCHG_GENERATED = 1 << 6,
};

/*
 * One operation. `table` names the table it applies to. The objects are
 * borrowed from the catalogs: old_* from current, new_* from target.
 *   CREATE_TABLE  new_table            DROP_TABLE   old_table
 *   ADD_COLUMN    new_column           DROP_COLUMN  old_column
 *   ALTER_COLUMN  old_column, new_column, changes
 *   ADD/DROP_PRIMARY_KEY  pk;  CREATE/DROP_INDEX  index;  ADD/DROP_UNIQUE
 *   unique;  ADD/DROP_CHECK  check;  ADD/DROP_FOREIGN_KEY  fk — from target
 *   for an add, from current for a drop.
 *   TABLE_COMMENT old_table, new_table (their comment fields; NULL = none)
 * old_table and new_table are set whenever the table exists on that side.
 */
typedef struct mg_diff_op {
	mg_diff_kind kind;
	const char *table;
	const mg_table *old_table, *new_table;
	const mg_column *old_column, *new_column;
	unsigned changes; /* MG_COLCHG_* for ALTER_COLUMN */
	/* ALTER_COLUMN of a column whose enum type is rebuilt (both sides):
	 * the default change is made by the REBUILD_ENUM op, both ways (the
	 * default may name a label the other side's type lacks), and is not
	 * rendered here; changes still says MG_COLCHG_DEFAULT. */
	bool default_by_rebuild;
	const mg_primary_key *pk;
	const mg_index *index;
	const mg_unique *unique;
	const mg_check *check;
	const mg_foreign_key *fk;
	/* ADD/DROP_FOREIGN_KEY only: the key belongs to a table created (or
	 * dropped) by this diff and is rendered with it on SQLite, where no
	 * ALTER TABLE adds one. */
	bool with_table;
	/* Data may be lost: drop table or column, a narrowing (or otherwise
	 * not known to be lossless) type change, NOT NULL on an existing
	 * column without a default. reason is a short phrase ("drops the
	 * column", "narrows the type"); NULL when not destructive. */
	bool destructive;
	const char *reason;
	/*
	 * The other object kinds: old_object from current, new_object from
	 * target (NULL on the side where it does not exist), of the type the
	 * kind names: mg_view, mg_sequence, mg_enum, mg_domain, mg_function,
	 * mg_trigger, mg_extension, mg_event. `table` then holds the object's
	 * display name ("v", "add(integer)", "t.trigger_name"). For
	 * ALTER_SEQUENCE, changes is 1 (parameters, comment) or 2 (OWNED BY).
	 * The catalogs are there for the enum rebuild (the columns of the type).
	 */
	const void *old_object, *new_object;
	const mg_catalog *old_catalog, *new_catalog;
	/* The statement cannot run inside a transaction block on every
	 * supported server (PG ALTER TYPE ... ADD VALUE before 12): a revision
	 * holding it should say `-- migrate:transactional false`. */
	bool non_transactional;
	/* RENAME_ENUM_VALUE: the label before and after. */
	const char *old_label, *new_label;
	/* RENAME_VIEW and RENAME_TABLE on MySQL and SQLite, which do not
	 * carry what names a view or table over to its new name: the views
	 * and triggers of the current schema naming it (SQLite: also the
	 * triggers on it and on those views, which the rename or a DROP VIEW
	 * takes along, and for a table what reads those views, which SQLite's
	 * ALTER TABLE checks), recreated by the rename in creation order:
	 * MySQL replaces the views after it, SQLite drops them before and
	 * creates them after; a MySQL trigger is made again only when its
	 * body names the old name (ndependants 0 on PostgreSQL, where views,
	 * triggers and BEGIN ATOMIC bodies follow the OID). */
	const struct mg_diff_dependant *dependants;
	size_t ndependants;
} mg_diff_op;

/* One object a RENAME_VIEW recreates: a view or a trigger, as it stands
 * before the rename (old_*) and after it (new_*, naming the new name). */
typedef struct mg_diff_dependant {
	const mg_view *old_view, *new_view;          /* or both NULL */
	const mg_trigger *old_trigger, *new_trigger; /* or both NULL */
} mg_diff_dependant;

/* What a rename hint names (mg_diff_rename.kind). */
typedef enum mg_diff_rename_kind {
	MG_RENAME_TABLE = 0,
	MG_RENAME_COLUMN,
	MG_RENAME_INDEX,
	MG_RENAME_VIEW,       /* a view or materialised view */
	MG_RENAME_ENUM,       /* a PostgreSQL enum type */
	MG_RENAME_ENUM_VALUE, /* one label of a PostgreSQL enum type */
} mg_diff_rename_kind;

/*
 * A rename hint (`-- migrate:renamed-from OLD` in the models, models.h
 * mg_models_hints). `from` is always the old name (a label for an enum
 * value); the others by kind:
 *   TABLE, VIEW, ENUM  table = the new name; to = NULL
 *   COLUMN, INDEX      table = the table (its new name); to = the new name
 *   ENUM_VALUE         table = the enum type (its new name); to = the new label
 * Renames are ops of their own, placed before all others; the other ops
 * then name the objects by their new names:
 *   RENAME_TABLE       old_table, new_table, dependants
 *   RENAME_COLUMN      old_column, new_column
 *   RENAME_INDEX       old_object, new_object (mg_index)
 *   RENAME_VIEW        old_object, new_object (mg_view: as it stands before
 *                      the rename, and under its new name), dependants
 *   RENAME_ENUM        old_object, new_object (mg_enum; new_object with the
 *                      labels after all value renames)
 *   RENAME_ENUM_VALUE  old_label, new_label of the type `table` (new name);
 *                      old_object, new_object as for RENAME_ENUM
 * A hint that does not apply is ignored: the old name is gone or the new
 * one already there, two hints claim one object, an enum value on a server
 * before PostgreSQL 10 (no RENAME VALUE), an enum type that a function's
 * signature or body names (the diff could not follow it there).
 */
typedef struct mg_diff_rename {
	mg_diff_rename_kind kind;
	const char *table;    /* see above */
	const char *from;     /* old name or label */
	const char *to;       /* new column, index name or label; else NULL */
} mg_diff_rename;

typedef struct mg_diff_options {
	/* NULL-terminated names of tables neither side's differences are
	 * reported for (the version table, ...); may be NULL. */
	const char *const *ignore_tables;
	/* Rename hints (see mg_diff_rename); may be NULL. */
	const mg_diff_rename *renames;
	size_t nrenames;
} mg_diff_options;

typedef struct mg_diff mg_diff;

/*
 * Computes the operations turning current into target (*out, freed with
 * mg_diff_free; an empty diff when they are equal). opts may be NULL.
 * Returns MG_OK, or MG_EINPUT when the catalogs are of different dialects.
 * Both catalogs must outlive *out.
 */
int mg_diff_catalogs(const mg_catalog *current, const mg_catalog *target,
		     const mg_diff_options *opts, mg_diff **out, mg_error *err);
void mg_diff_free(mg_diff *d); /* accepts NULL */
/* The diff that creates every object of target from nothing (rendered: a
 * script that fills an empty scratch space with target's schema). target
 * must outlive *out. Returns as mg_diff_catalogs. */
int mg_diff_from_empty(const mg_catalog *target, mg_diff **out, mg_error *err);

size_t mg_diff_count(const mg_diff *d);
/* Borrowed; i < mg_diff_count. */
const mg_diff_op *mg_diff_op_at(const mg_diff *d, size_t i);
/* Number of destructive operations. */
size_t mg_diff_destructive_count(const mg_diff *d);
/*
 * The stable code of a destructive op (README "Destructive changes"):
 * "DS101" drop table, "DS102" drop column, "DS103" narrowing (or not known
 * to be lossless) type change, "DS104" NOT NULL without a default on an
 * existing column, "DS105" drop of a view others depend on, "DS106" enum
 * value removal, "DS100" any other; NULL when op is not destructive.
 */
const char *mg_diff_destructive_code(const mg_diff_op *op);
/* Likely renames without a hint (a dropped and an added column of one type
 * in one table; a dropped and a created table with the same columns, view
 * with the same query, enum with the same labels; a rebuilt enum losing one
 * label and gaining one at the same place), as sentences for a comment:
 * "did you rename users.name to users.full_name? add \"-- migrate:renamed-from
 * name\" to its line in the models". Borrowed; i < mg_diff_proposal_count. */
size_t mg_diff_proposal_count(const mg_diff *d);
const char *mg_diff_proposal_at(const mg_diff *d, size_t i);
/* True when some operation is non_transactional. */
bool mg_diff_non_transactional(const mg_diff *d);
mg_dialect mg_diff_dialect(const mg_diff *d);

/* "create_table", "drop_column", "alter_column", ... (JSON `kind`). */
const char *mg_diff_kind_name(mg_diff_kind k);
/* Appends the object an op is about: "accounts", "users.email",
 * "users.ix_users_email" (JSON `object`). */
void mg_diff_op_object(const mg_diff_op *op, mg_buf *out);
/* Appends the detail: "type varchar(100) -> varchar(255), not null" for an
 * alter, "(a, b) -> accounts(id)" for a foreign key; may append nothing. */
void mg_diff_op_detail(const mg_diff_op *op, mg_buf *out);
/* Appends one human line without newline:
 *   "+ table accounts", "- column users.age",
 *   "~ column users.email: type varchar(100) -> varchar(255)",
 *   "+ index users.ix_users_email", "- foreign key orders.fk_user" */
void mg_diff_op_describe(const mg_diff_op *op, mg_buf *out);
/* Appends every op's line, each followed by "\n" (nothing when empty). */
void mg_diff_summary(const mg_diff *d, mg_buf *out);
/* A JSON array, one object per op:
 * {"kind":..,"object":..,"detail":..,"destructive":bool[,"reason":..]}.
 * Returns a heap string (caller frees with free()). */
char *mg_diff_json(const mg_diff *d);

typedef struct mg_diff_render_options {
	int upgrade; /* 1: the upgrade script; 0: the downgrade (inverses, reversed) */
	/* NULL: objects of the catalogs' schema are written unqualified (the
	 * script runs with that schema current). Else this text, verbatim
	 * and unquoted, qualifies them: "${schema}" gives ${schema}.accounts,
	 * expanded when the revision runs. Objects of other schemas (a
	 * foreign key's ref_schema) are always qualified by name. */
	const char *schema_placeholder;
	/* Before each op's statements a comment line "-- + table accounts",
	 * and "-- DESTRUCTIVE: drops the column" on destructive ones. */
	int annotate;
} mg_diff_render_options;

/*
 * Renders the diff as a script of the dialect: statements separated by
 * ";\n\n", the last ending in ";\n" ("" when the diff is empty); CREATE TABLE
 * with one column or constraint per line. SQLite changes ALTER TABLE cannot
 * make are rendered as a table rebuild (ddl/sqlite_rebuild.h) behind
 * `PRAGMA defer_foreign_keys = ON`. *sql_out is a heap string (free()).
 * Returns MG_OK, or MG_EINPUT when dialect is not the diff's.
 */
int mg_diff_render(const mg_diff *d, mg_dialect dialect, const mg_diff_render_options *opts,
		   char **sql_out, mg_error *err);
/* mg_diff_render with annotate off. */
int mg_diff_render_sql(const mg_diff *d, mg_dialect dialect, int upgrade,
		       const char *schema_placeholder, char **sql_out, mg_error *err);

#endif

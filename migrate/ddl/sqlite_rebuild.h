/*
 * SQLite table rebuilds, for the changes its ALTER TABLE cannot make
 * (altering a column, adding or dropping a key or constraint). Shared by
 * the diff renderer and the C revisions' operations (crev/).
 */
#ifndef MG_DDL_SQLITE_REBUILD_H
#define MG_DDL_SQLITE_REBUILD_H

#include "migrate/catalog.h"
#include "util/buf.h"

/*
 * Appends CREATE TABLE for t (one column or constraint per line, keys and
 * constraints inline, foreign keys included: SQLite does not check the
 * referenced table when creating), named `name` when not NULL, then CREATE
 * INDEX for each of its indexes (unless name is set: a rebuild creates them
 * after the rename). qual: text qualifying the table and index names (a
 * schema or "${schema}", verbatim), or NULL. Each statement ends ";\n\n".
 */
void mg_ddl_sqlite_create_table(mg_buf *out, const char *qual, const mg_table *t,
				const char *name);

/*
 * Appends the statements turning table `from` into the definition `to`
 * (same name) while keeping its rows:
 *   CREATE TABLE _migrate_old_<t> AS SELECT * FROM <t>;   -- the rows, kept aside
 *   DROP TABLE <t>;
 *   CREATE TABLE <t> (... to's definition ...);  CREATE INDEX ... (to's indexes)
 *   INSERT INTO <t> (common columns) SELECT common columns FROM _migrate_old_<t>;
 *   DROP TABLE _migrate_old_<t>;
 * Common columns: those of `to` that `from` has by name (generated ones
 * excepted). Not SQLite's documented create-new/rename order: with foreign
 * keys on, DROP TABLE <t> counts the rows of other tables that reference
 * it as deferred violations, and only inserting the parent rows back into a
 * table named <t> settles that count; renaming a new table in does not, and
 * COMMIT then fails. The caller runs this inside the revision's
 * transaction after `PRAGMA defer_foreign_keys = ON`
 * (mg_ddl_sqlite_rebuild_prologue). Statements end ";\n\n"; qual as above.
 */
void mg_ddl_sqlite_rebuild(mg_buf *out, const char *qual, const mg_table *from,
			   const mg_table *to);

/* Appends "PRAGMA defer_foreign_keys = ON;\n\n". */
void mg_ddl_sqlite_rebuild_prologue(mg_buf *out);

#endif

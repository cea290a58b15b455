/*
 * Several schemas compared at once (include_schemas): one diff per schema
 * (mg_diff_catalogs of each live and models pair), taken in one order that
 * holds across them, and rendered as one script in which the configured
 * schema's objects stay unqualified (the revision runs with it current,
 * whatever it is called in each environment) and the included schemas'
 * objects are qualified by their names (ddl/render_schemas.c).
 *
 * Lifetimes: the diffs (and their catalogs) are borrowed and must outlive
 * every call; results are heap strings or arrays the caller frees.
 */
#ifndef MIGRATE_SCHEMAS_H
#define MIGRATE_SCHEMAS_H

#include <stdbool.h>
#include <stddef.h>

#include "migrate/diff.h"

typedef struct mg_schema_diff {
	const mg_diff *diff;
	/* NULL for the configured schema (always the first, once); else the
	 * included schema's real name, which qualifies its objects. */
	const char *schema;
	/* The schema does not exist live: a non-empty upgrade starts with
	 * CREATE SCHEMA IF NOT EXISTS. No downgrade drops a schema (it may
	 * hold what the project does not manage). */
	bool create;
} mg_schema_diff;

/* One operation: d[diff]'s op at index op. */
typedef struct mg_schema_step {
	size_t diff, op;
} mg_schema_step;

/*
 * The upgrade order of the operations of d[0..n) (*out: a heap array of
 * *nout steps, every operation once; free() it). Each diff keeps its own
 * order. Across diffs, operations go phase by phase of the order contract
 * in diff.h (renames, drops of dependants, new types, dropped foreign keys,
 * constraints, tables, created tables, columns, constraints, comments,
 * foreign keys, dropped types, created dependants); within a phase, the
 * configured schema comes first where the phase creates and last where it
 * drops, and tables created (dropped) in one phase follow the foreign keys
 * between schemas: a referenced table is created before, and dropped
 * after, the tables of other schemas referencing it. A foreign-key cycle
 * between schemas created in one revision is left in that default order
 * (its revision fails when run; create one side first). The downgrade is
 * the exact reverse.
 */
void mg_schema_diffs_order(const mg_schema_diff *d, size_t n, mg_schema_step **out, size_t *nout);

typedef struct mg_schema_render_options {
	int upgrade;  /* 1: the upgrade; 0: the downgrade (inverses, reversed) */
	int annotate; /* as mg_diff_render_options.annotate, objects qualified */
	/* As mg_diff_render_options.schema_placeholder for the configured
	 * schema; references to it from the included schemas are written the
	 * same way. NULL: unqualified, the revision's current schema, except
	 * a MySQL foreign key's parent, which MySQL looks up in the child's
	 * database: `${schema}.t` there. */
	const char *schema_placeholder;
	/* The configured schema's name as the included schemas' foreign keys
	 * reference it (the live name); such references are never written
	 * with it. NULL when n == 1. */
	const char *home_schema;
} mg_schema_render_options;

/*
 * Renders the diffs as one script of dialect (*sql_out, heap): for the
 * upgrade, CREATE SCHEMA IF NOT EXISTS for each d[i].create with a
 * non-empty diff, then each operation in mg_schema_diffs_order; for the
 * downgrade, the inverses in the reverse order. With one diff and no
 * included schema, exactly mg_diff_render. Returns MG_OK, or MG_EINPUT when
 * a diff is of another dialect or included schemas are rendered for
 * SQLite.
 */
int mg_schema_diffs_render(const mg_schema_diff *d, size_t n, mg_dialect dialect,
			   const mg_schema_render_options *o, char **sql_out, mg_error *err);

/* mg_diff_op_object and mg_diff_op_describe with the object of an included
 * schema qualified by its name ("audit.log", "+ table audit.log"); those
 * of the configured schema as they are. */
void mg_schema_op_object(const mg_schema_diff *d, const mg_diff_op *op, mg_buf *out);
void mg_schema_op_describe(const mg_schema_diff *d, const mg_diff_op *op, mg_buf *out);

#endif

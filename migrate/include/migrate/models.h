/*
 * Declared models: the `models` setting (one .sql file, or a folder whose
 * .sql files are applied in name order) normalised by the database itself.
 * The DDL is applied into a scratch space, read back with mg_catalog_read
 * (the same reader as the live side) and the scratch space is dropped, so
 * both sides of a diff are the same kind of catalog.
 *
 * Scratch space, per dialect (on a second connection, never the caller's):
 *   PostgreSQL  a schema `migrate_scratch_<12 hex>` created on the server of
 *               dev_url, else of the live database; search_path is set to it
 *               alone, so unqualified DDL lands there; DROP SCHEMA ... CASCADE
 *               afterwards.
 *   MySQL       a database `migrate_scratch_<12 hex>` (USE it), dropped after.
 *   SQLite      `:memory:`; with dev_url, that file inside a transaction that
 *               is rolled back.
 * `${schema}` in the models is the scratch schema's name (SQLite "main");
 * other `${key}` placeholders come from the options (-x). Data statements
 * (INSERT ...) run like any other; the catalog ignores data.
 *
 * Included schemas (include_schemas; PostgreSQL and MySQL): the models
 * declare their objects qualified (`CREATE TABLE audit.log ...`). Each
 * gets a scratch schema / database of its own, named like the first; the
 * statements' references to it (an identifier naming it before a '.',
 * or after SCHEMA, see models/qualify.h) are rewritten to the scratch
 * name before they run, and `CREATE SCHEMA [IF NOT EXISTS] audit` alone
 * is skipped. String literals, comments and PostgreSQL dollar-quoted
 * function bodies are not rewritten. Each scratch schema is read back
 * with the configured one's scratch as home schema
 * (mg_catalog_read_options.home_schema) and its catalog is renamed back
 * (mg_catalog_rename_schemas): the scratch names become the real ones
 * everywhere they appear, and in the included schemas' catalogs the
 * configured one's scratch becomes home_name where it is a name (a foreign
 * key's ref_schema) and `${schema}` inside SQL text (a body that names
 * ${schema}.t), so that nothing names the configured schema by a name
 * that differs per environment. All scratch spaces are created and
 * dropped together.
 *
 * What is guaranteed about clean-up: the scratch space is dropped when the
 * load succeeds, when a statement or the read fails, and when *interrupted
 * becomes non-zero (the CLI sets it from SIGINT/SIGTERM); the flag is
 * looked at before each statement and before the read, so an interrupt
 * takes effect once the statement in progress finishes. A process killed
 * outright (SIGKILL, a crash) or a connection lost mid-way leaves the
 * scratch schema/database behind; its name starts with `migrate_scratch_`
 * so it can be found and dropped by hand.
 */
#ifndef MIGRATE_MODELS_H
#define MIGRATE_MODELS_H

#include <signal.h>
#include <stddef.h>

#include "migrate/catalog.h"
#include "migrate/diff.h"
#include "migrate/error.h"
#include "migrate/url.h"

#define MG_MODELS_SCRATCH_PREFIX "migrate_scratch_"

typedef struct mg_models_options {
	const char *path;       /* models file or folder (absolute or relative to cwd) */
	const mg_url *url;      /* the live database: its server hosts the scratch space */
	const char *dev_url;    /* scratch database URL (text), or NULL */
	const char *base_dir;   /* resolves a relative SQLite dev_url; NULL = cwd */
	/* NULL-terminated table names left out of the catalog (the version
	 * table and its log); may be NULL. */
	const char *const *exclude_tables;
	/* -x placeholders other than ${schema}: keys[i] = values[i]. */
	const char *const *placeholder_keys;
	const char *const *placeholder_values;
	size_t nplaceholders;
	/* Non-zero stops the load at the next statement (clean-up still runs). */
	const volatile sig_atomic_t *interrupted;
	/* Optional out: receives the scratch schema / database name (SQLite
	 * "main") as soon as it is chosen, also when the load fails. */
	char *scratch_name;
	size_t scratch_name_size;
	/* The normalised-models cache (models/cache.c): the cache root (the
	 * config's cache_dir), entries under cache_dir/models/<key>; NULL = no
	 * cache. The key hashes the files (paths relative to the models, and
	 * bytes, in application order), the placeholders, the exclusions, the
	 * dialect, the server's version and settings that change how it
	 * normalises, and the format versions. On a hit no scratch space is
	 * created (a connection is still opened to learn the server version).
	 * A corrupt or truncated entry is ignored and replaced; failing to
	 * store one is not an error. */
	const char *cache_dir;
	/* Optional out: what the cache did (mg_models_cache_state). */
	int *cache_state;
	/* include_schemas: the schemas besides the configured one, in order
	 * (NULL-terminated; NULL or empty = none). Not on SQLite (MG_EINPUT).
	 * Part of the cache key. */
	const char *const *schemas;
	/* The configured schema's real name: in the catalogs of the included
	 * schemas, references to the configured schema (a foreign key's
	 * ref_schema) carry it, as they do when the live side is read.
	 * NULL: they keep the scratch name (in SQL text too). Part of the
	 * cache key. */
	const char *home_name;
	/* MySQL: at most this many connections apply the models at once
	 * (models/lanes.h: the outcome is the one of a run in file order);
	 * 0 = 4, 1 = one connection, statement by statement. */
	unsigned connections;
} mg_models_options;

typedef enum mg_models_cache_state {
	MG_MODELS_CACHE_OFF = 0, /* no cache_dir, or this load cannot be cached */
	MG_MODELS_CACHE_HIT,     /* the catalog came from the cache */
	MG_MODELS_CACHE_STORED,  /* normalised, then stored */
	MG_MODELS_CACHE_MISS,    /* normalised; storing failed (not an error) */
} mg_models_cache_state;

/*
 * Applies the models into a scratch space and reads them back into *out
 * (free with mg_catalog_free). The catalog's schema is the scratch one.
 * Returns MG_OK, or *out = NULL and:
 *   MG_EINPUT   no models configured, a folder without .sql files, a
 *               statement that does not split or has an unknown
 *               placeholder, dev_url of another dialect;
 *   MG_EDRIVER  cannot connect, cannot create the scratch space, a model
 *               statement failed ("FILE:LINE: server message" then
 *               "    in statement: FIRST LINE"), the read failed;
 *   MG_EIO      a file cannot be read, or the load was interrupted.
 * When the scratch space cannot be dropped afterwards the message says so
 * (and names it); on success that is MG_EDRIVER too.
 */
int mg_models_load(const mg_models_options *o, mg_catalog **out, mg_error *err);

/* The catalogs of a load with included schemas: items[0] the configured
 * schema's (its schema the scratch one, as mg_models_load gives), then one
 * per o->schemas entry in that order, each named after the real schema. */
typedef struct mg_models_set {
	mg_catalog **items; /* owned; heap array */
	size_t len;
} mg_models_set;

/*
 * mg_models_load for the configured schema and every included schema at
 * once (one scratch connection, one transaction where the dialect allows).
 * Returns as mg_models_load; on failure out is empty. Release with
 * mg_models_set_release (also after a failure).
 */
int mg_models_load_set(const mg_models_options *o, mg_models_set *out, mg_error *err);
void mg_models_set_release(mg_models_set *s);

/* Rename hints read from the models' text (models/hints.c). */
typedef struct mg_models_hints {
	mg_diff_rename *items; /* in file then line order; strings owned here */
	size_t len;
	void *arena_;          /* private */
} mg_models_hints;

/*
 * Reads every `-- migrate:renamed-from OLD` of the models at path (file or
 * folder, as mg_models_load): on a CREATE TABLE line it renames that table,
 * on a line of a CREATE TABLE body the column the line declares (its first
 * identifier), on a CREATE INDEX line that index, on a CREATE [OR REPLACE]
 * [MATERIALIZED] VIEW line that view, on a CREATE TYPE ... AS ENUM line
 * that type, on a line inside its parentheses the label the line starts
 * with (OLD with or without quotes). Returns MG_OK (no hints,
 * or path unusable: mg_models_load reports that), MG_EINPUT ("FILE:LINE:
 * ..." for a hint on another line or without a name), MG_EIO. Release
 * *out with mg_models_hints_release (also after a failure).
 */
int mg_models_hints_read(const char *path, mg_models_hints *out, mg_error *err);
void mg_models_hints_release(mg_models_hints *h);

#endif

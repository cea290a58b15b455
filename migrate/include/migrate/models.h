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
} mg_models_options;

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

#endif

/*
 * migrate.ini: the [migrate] section and one [db:LABEL] section per
 * database, with %(here)s interpolation and ${VAR} / ${VAR:-default}
 * environment expansion. Everything lives in the config's own arena and is
 * freed by mg_config_release.
 */
#ifndef MIGRATE_CONFIG_H
#define MIGRATE_CONFIG_H

#include <stddef.h>

#include "migrate/error.h"

typedef struct mg_config_kv {
	const char *key;
	const char *value;
} mg_config_kv;

typedef struct mg_db_config {
	const char *label;
	const char *url;          /* expanded; may hold a password: print only via mg_url_redact */
	const char *schema;       /* overrides [migrate] schema, or NULL */
	const char *su_role;      /* role used by `role su` revisions, or NULL */
	const char *dev_url;      /* scratch database for model normalisation, or NULL */
	const char *version_table_schema; /* overrides [migrate], or NULL */
} mg_db_config;

typedef struct mg_config {
	void *arena_;                  /* private: owns every string below */
	const char *path;              /* absolute path of the ini file */
	const char *here;              /* its folder */
	const char *script_location;
	const char **version_locations; /* absolute folders, at least one */
	size_t n_version_locations;
	const char *models;            /* file or folder, or NULL */
	const char *version_table;     /* default "migrate_version" */
	const char *version_table_schema; /* NULL = the connection's default */
	const char *schema;            /* NULL = the connection's default */
	const char *default_db;
	const char *dev_url;
	const char *cache_dir;         /* for compiled C revisions; NULL if neither XDG_CACHE_HOME nor HOME is set */
	const char *bundle;            /* C revisions from this `migrate compile` bundle instead of compiling; NULL = compile */
	/* exclude: glob patterns (fnmatch) of table names never compared, in
	 * every schema compared; a pattern with a '.' matches "schema.table".
	 * include_schemas: PostgreSQL schemas (MySQL databases) compared
	 * besides the configured one, by diff, check and autogenerate (see
	 * cli/schema_diff.h); refused there on SQLite. NULL-terminated (NULL
	 * when unset); words split at blanks and commas. */
	const char **exclude;
	size_t nexclude;
	const char **include_schemas;
	size_t ninclude_schemas;
	/* models_connections: on MySQL, at most this many connections apply
	 * the models at once (1-4; models/lanes.h); 0 = unset, migrate's
	 * default (4). */
	unsigned models_connections;
	mg_db_config *dbs;
	size_t ndbs;
	/* -x key=value pairs, in command-line order (db= included). */
	mg_config_kv *xargs;
	size_t nxargs;
	/* The selected database (from -x db=, --db, default_db, or the only
	 * [db:...] section), or NULL when the file declares none. */
	const mg_db_config *db;
	/* Effective URL: MIGRATE_URL if set, else db->url; NULL if neither. */
	const char *url;
	/* Effective schema and version-table schema after db overrides. */
	const char *effective_schema;
	const char *effective_version_table_schema;
} mg_config;

typedef struct mg_config_options {
	const char *path;       /* -c FILE, or NULL to search ./migrate.ini and parents */
	const char *db_label;   /* --db LABEL, or NULL */
	const char *const *x;   /* -x values, each "key=value" */
	size_t nx;
	/* Called for each warning (unknown key...), message includes FILE:LINE. */
	void (*warn)(void *ctx, const char *message);
	void *warn_ctx;
} mg_config_options;

/* Loads and validates. Returns MG_OK, MG_ENOTFOUND (no file found),
 * MG_EINPUT (malformed: message "FILE:LINE: ..."), MG_EUSAGE (bad -x, unknown
 * db label), MG_EIO (file unreadable). On error *cfg is released already.
 * Relative paths in the file (script_location, version_locations, models,
 * cache_dir) are relative to the file's folder, not the current one. With
 * several [db:...] sections and no choice (-x db, --db, default_db), db and
 * url stay NULL (unless MIGRATE_URL is set). */
int mg_config_load(mg_config *cfg, const mg_config_options *opts, mg_error *err);
void mg_config_release(mg_config *cfg);

/* The value of -x key, or NULL. */
const char *mg_config_xarg(const mg_config *cfg, const char *key);

#endif

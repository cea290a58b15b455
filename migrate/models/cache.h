/*
 * Inside the models module: the cache of normalised models catalogs
 * (cache.c), keyed by everything the normalisation depends on, so a warm
 * load skips the scratch space. See models.h mg_models_options.cache_dir.
 */
#ifndef MG_MODELS_CACHE_H
#define MG_MODELS_CACHE_H

#include "migrate/models.h"

/* Bumped when the key's material or the entry's layout changes (3: the
 * included schemas in the key, one catalog per schema in an entry). */
#define MG_MODELS_CACHE_VERSION 3

typedef struct mg_models_cache {
	char key[33]; /* 32 hex digits; "" when this load is not cached */
	char *path;   /* cache_dir/models/<key> (heap), or NULL */
} mg_models_cache;

/*
 * Computes the key of a load of files (in application order) through db
 * (the scratch connection: its version and settings are part of the key).
 * Returns 1 when the cache applies, 0 when it does not (no cache_dir, a
 * SQLite dev_url file, a file or setting that cannot be read: the load
 * then reports what it must). Release mc in both cases.
 */
int mg_models_cache_init(mg_models_cache *mc, const mg_models_options *o, const char *const *files,
			 size_t nfiles, mg_db *db);
/* 1 and n new catalogs in out[0..n) (the configured schema's, then the
 * included ones', as mg_models_set) when a whole, valid entry of n
 * catalogs exists; else 0 and out[] all NULL. */
int mg_models_cache_get(const mg_models_cache *mc, mg_catalog **out, size_t n);
/* Stores cats[0..n) atomically (temporary file + rename): 0, or -1 (not
 * stored). */
int mg_models_cache_put(const mg_models_cache *mc, mg_catalog *const *cats, size_t n);
void mg_models_cache_release(mg_models_cache *mc);

#endif

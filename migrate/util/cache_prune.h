/*
 * Keeping cache_dir from growing forever: every cache there (compiled C
 * revisions, normalised models, revision headers) names its files after a
 * hash and adds one per project, models version or revision, and nothing
 * else ever removes them.
 */
#ifndef MG_UTIL_CACHE_PRUNE_H
#define MG_UTIL_CACHE_PRUNE_H

#include <time.h>

/* A file unused this long is removed: the next run that needs it rebuilds it. */
#define MG_CACHE_MAX_AGE_S (30L * 24 * 3600)
/* Temporary files of writers that died are removed after this long. */
#define MG_CACHE_TMP_AGE_S (24L * 3600)
/* A folder is looked over at most this often (the ".pruned" stamp in it). */
#define MG_CACHE_PRUNE_EVERY_S (24L * 3600)

/*
 * Removes from dir (not below it) the cache files not used for max_age_s
 * seconds before now, "used" being the later of the access and modification
 * times (a read refreshes the access time at least daily under Linux's
 * default relatime). Only migrate's own names are touched: 16 or more hex
 * digits, then nothing, ".so", or a temporary file's suffix (removed after
 * MG_CACHE_TMP_AGE_S). Runs at most once per MG_CACHE_PRUNE_EVERY_S per
 * folder, so callers may call it on every cache write. Errors are ignored:
 * a cache that cannot be pruned still works. Returns the files removed.
 */
int mg_cache_prune(const char *dir, time_t now, time_t max_age_s);

#endif

/*
 * mg_map: string-keyed hash map (open addressing, linear probing).
 *
 * Keys are borrowed: the caller keeps each key alive as long as the map
 * (typically it lives in the same arena as the value). Values are opaque
 * pointers; the map never frees them. Iteration order is unspecified.
 */
#ifndef MG_UTIL_MAP_H
#define MG_UTIL_MAP_H

#include <stddef.h>

typedef struct mg_map_entry {
	const char *key;
	void *value;
	size_t hash;
} mg_map_entry;

typedef struct mg_map {
	mg_map_entry *slots;
	size_t cap; /* power of two, or 0 */
	size_t count;
} mg_map;

void mg_map_init(mg_map *m);
void mg_map_release(mg_map *m);
/* Inserts or replaces; returns the previous value or NULL. */
void *mg_map_put(mg_map *m, const char *key, void *value);
void *mg_map_get(const mg_map *m, const char *key);
/* Same with an explicit key length (key need not be NUL-terminated). */
void *mg_map_getn(const mg_map *m, const char *key, size_t len);
int mg_map_has(const mg_map *m, const char *key);

/* Iteration: for (size_t i = 0; mg_map_next(m, &i, &e);) ... */
int mg_map_next(const mg_map *m, size_t *iter, const mg_map_entry **out);

size_t mg_hash_str(const char *s, size_t len);

#endif

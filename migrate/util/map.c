/*
 * Open-addressing hash map keyed by strings (FNV-1a), grown at 50% load.
 * No deletion: the graph, config and catalog are built once per command.
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/map.h"

size_t mg_hash_str(const char *s, size_t len)
{
	size_t h = (size_t)14695981039346656037ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= (size_t)1099511628211ULL;
	}
	return h;
}

void mg_map_init(mg_map *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void mg_map_release(mg_map *m)
{
	free(m->slots);
	mg_map_init(m);
}

static void map_rehash(mg_map *m, size_t cap)
{
	mg_map_entry *old = m->slots;
	size_t oldcap = m->cap;

	m->slots = mg_xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].key)
			continue;
		size_t j = old[i].hash & (cap - 1);
		while (m->slots[j].key)
			j = (j + 1) & (cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

void *mg_map_put(mg_map *m, const char *key, void *value)
{
	size_t len = strlen(key), h = mg_hash_str(key, len), j;

	if ((m->count + 1) * 2 > m->cap)
		map_rehash(m, m->cap ? m->cap * 2 : 16);
	j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) {
			void *prev = m->slots[j].value;
			m->slots[j].value = value;
			return prev;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->slots[j].key = key;
	m->slots[j].value = value;
	m->slots[j].hash = h;
	m->count++;
	return NULL;
}

void *mg_map_getn(const mg_map *m, const char *key, size_t len)
{
	size_t h, j;

	if (!m->cap)
		return NULL;
	h = mg_hash_str(key, len);
	j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && strncmp(m->slots[j].key, key, len) == 0 &&
		    m->slots[j].key[len] == '\0')
			return m->slots[j].value;
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

void *mg_map_get(const mg_map *m, const char *key)
{
	return mg_map_getn(m, key, strlen(key));
}

int mg_map_has(const mg_map *m, const char *key)
{
	size_t len = strlen(key), h, j;

	if (!m->cap)
		return 0;
	h = mg_hash_str(key, len);
	j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0)
			return 1;
		j = (j + 1) & (m->cap - 1);
	}
	return 0;
}

int mg_map_next(const mg_map *m, size_t *iter, const mg_map_entry **out)
{
	while (*iter < m->cap) {
		const mg_map_entry *e = &m->slots[(*iter)++];
		if (e->key) {
			*out = e;
			return 1;
		}
	}
	return 0;
}

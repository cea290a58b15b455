/*
 * mg_arena: bump allocator for structures that live for the whole command
 * (config, revision graph, catalog, operations). Everything allocated from
 * an arena is freed at once by mg_arena_release; nothing is freed singly.
 * Out-of-memory aborts, as in buf.h.
 */
#ifndef MG_UTIL_ARENA_H
#define MG_UTIL_ARENA_H

#include <stddef.h>

typedef struct mg_arena_block mg_arena_block;

typedef struct mg_arena {
	mg_arena_block *head;
	size_t used; /* bytes used in head */
	size_t total; /* bytes handed out, for memory reports */
} mg_arena;

void mg_arena_init(mg_arena *a);
void mg_arena_release(mg_arena *a);
/* Zeroed, aligned for any type. */
void *mg_arena_alloc(mg_arena *a, size_t size);
char *mg_arena_strdup(mg_arena *a, const char *s);
char *mg_arena_strndup(mg_arena *a, const char *s, size_t n);
char *mg_arena_printf(mg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

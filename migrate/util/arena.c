/*
 * Arena: blocks of 64 KiB (or larger for big requests) chained newest first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

#define ARENA_BLOCK 65536
#define ARENA_ALIGN 16

struct mg_arena_block {
	mg_arena_block *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void mg_arena_init(mg_arena *a)
{
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}

void mg_arena_release(mg_arena *a)
{
	mg_arena_block *b = a->head;
	while (b) {
		mg_arena_block *next = b->next;
		free(b);
		b = next;
	}
	mg_arena_init(a);
}

void *mg_arena_alloc(mg_arena *a, size_t size)
{
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (!need)
		need = ARENA_ALIGN;
	if (!a->head || a->used + need > a->head->size) {
		size_t bsize = need > ARENA_BLOCK ? need : ARENA_BLOCK;
		mg_arena_block *b = mg_xmalloc(sizeof(*b) + bsize);
		b->size = bsize;
		/* A big one-off block goes behind the head so the head's free
		 * space stays usable. */
		if (a->head && need > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
			a->total += need;
			memset(b->data, 0, need);
			return b->data;
		}
		b->next = a->head;
		a->head = b;
		a->used = 0;
	}
	p = a->head->data + a->used;
	a->used += need;
	a->total += need;
	memset(p, 0, need);
	return p;
}

char *mg_arena_strndup(mg_arena *a, const char *s, size_t n)
{
	char *p = mg_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mg_arena_strdup(mg_arena *a, const char *s)
{
	return s ? mg_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mg_arena_printf(mg_arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	int n;
	char *p;

	va_start(ap, fmt);
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	p = mg_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/*
 * Pointer vector, doubling growth.
 */
#include <stdlib.h>

#include "util/buf.h"
#include "util/vec.h"

void mg_vec_init(mg_vec *v)
{
	v->items = NULL;
	v->len = 0;
	v->cap = 0;
}

void mg_vec_release(mg_vec *v)
{
	free(v->items);
	mg_vec_init(v);
}

void mg_vec_push(mg_vec *v, void *item)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->items = mg_xrealloc(v->items, v->cap * sizeof(*v->items));
	}
	v->items[v->len++] = item;
}

void *mg_vec_pop(mg_vec *v)
{
	return v->len ? v->items[--v->len] : NULL;
}

void mg_vec_clear(mg_vec *v)
{
	v->len = 0;
}

void mg_vec_sort(mg_vec *v, int (*cmp)(const void *, const void *))
{
	if (v->len > 1)
		qsort(v->items, v->len, sizeof(*v->items), cmp);
}

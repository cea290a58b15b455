/*
 * mg_vec: growable array of pointers. The vector owns its slot array, not
 * the pointed-to items (those usually live in an arena).
 */
#ifndef MG_UTIL_VEC_H
#define MG_UTIL_VEC_H

#include <stddef.h>

typedef struct mg_vec {
	void **items;
	size_t len;
	size_t cap;
} mg_vec;

#define MG_VEC_INIT { NULL, 0, 0 }

void mg_vec_init(mg_vec *v);
void mg_vec_release(mg_vec *v);
void mg_vec_push(mg_vec *v, void *item);
void *mg_vec_pop(mg_vec *v);
void mg_vec_clear(mg_vec *v);
/* Sorts with a qsort comparator over (void *const *) elements. */
void mg_vec_sort(mg_vec *v, int (*cmp)(const void *, const void *));

#define MG_VEC_AT(v, i) ((v)->items[i])

#endif

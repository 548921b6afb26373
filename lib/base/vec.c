/*
 * vec.c - growable array with an element limit.
 */
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void
vec_init(struct vec *v, size_t esize, size_t max)
{
    v->items = NULL;
    v->len = 0;
    v->cap = 0;
    v->esize = esize;
    v->max = max;
}

void
vec_free(struct vec *v)
{
    if (!v)
        return;
    free(v->items);
    v->items = NULL;
    v->len = 0;
    v->cap = 0;
}

void *
vec_push(struct vec *v)
{
    void *p;

    if (v->len >= v->max)
        return NULL;
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        if (cap > v->max)
            cap = v->max;
        if (cap > SIZE_MAX / v->esize)
            return NULL;
        p = realloc(v->items, cap * v->esize);
        if (!p)
            return NULL;
        v->items = p;
        v->cap = cap;
    }
    p = (char *)v->items + v->len * v->esize;
    memset(p, 0, v->esize);
    v->len++;
    return p;
}

void
vec_sort(struct vec *v, int (*cmp)(const void *, const void *))
{
    if (v->len > 1)
        qsort(v->items, v->len, v->esize, cmp);
}

void *
vec_steal(struct vec *v, size_t *len)
{
    void *p = v->items;

    if (len)
        *len = v->len;
    v->items = NULL;
    v->len = 0;
    v->cap = 0;
    return p;
}

/*
 * vec.c - growable array with an element limit.
 */
#include "vec.h"
#include "spill.h"

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
    v->spill = NULL;
}

void
vec_init_spill(struct vec *v, size_t esize, size_t max, struct spill *sp)
{
    vec_init(v, esize, max);
    v->spill = sp;
}

/* realloc() for the items: a spilled vec moves to fresh file space (the
 * old pages go back to the file). */
static void *
grow(struct vec *v, size_t cap)
{
    void *p;

    if (!v->spill)
        return realloc(v->items, cap * v->esize);
    p = spill_alloc(v->spill, cap * v->esize);
    if (p && v->items) {
        spill_move(v->spill, p, v->items, v->len * v->esize);
        spill_release(v->spill, v->items, v->cap * v->esize);
    }
    return p;
}

void
vec_free(struct vec *v)
{
    if (!v)
        return;
    if (v->spill)
        spill_release(v->spill, v->items, v->cap * v->esize);
    else
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
        p = grow(v, cap);
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
    if (v->spill && p) {
        p = malloc(v->len ? v->len * v->esize : 1);
        if (p)
            memcpy(p, v->items, v->len * v->esize);
        spill_release(v->spill, v->items, v->cap * v->esize);
    }
    v->items = NULL;
    v->len = 0;
    v->cap = 0;
    return p;
}

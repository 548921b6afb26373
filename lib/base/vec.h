/*
 * vec.h - a growable array of fixed-size elements, with an element limit.
 */
#ifndef MOAT_BASE_VEC_H
#define MOAT_BASE_VEC_H

#include <stddef.h>

struct vec {
    void *items;
    size_t len;
    size_t cap;
    size_t esize;
    size_t max;   /* element limit */
    struct spill *spill;   /* items live here (base/spill.h), or NULL: malloc */
};

#define VEC_AT(v, type, i) (&((type *)(v)->items)[i])

void vec_init(struct vec *v, size_t esize, size_t max);
/* The same, keeping the items in a spill file that outlives the vec. */
void vec_init_spill(struct vec *v, size_t esize, size_t max, struct spill *sp);
void vec_free(struct vec *v);                 /* NULL-safe */
/* Appends a zeroed element and returns it, or NULL (OOM or over max). */
void *vec_push(struct vec *v);
void vec_sort(struct vec *v, int (*cmp)(const void *, const void *));
/* Takes the items out (caller frees with free(); a spilled vec's items are
 * copied to the heap first, NULL if that fails); v is emptied. */
void *vec_steal(struct vec *v, size_t *len);

#endif

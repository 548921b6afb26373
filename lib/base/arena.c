/*
 * arena.c - bump allocator. Chunks grow geometrically up to 1 MiB; a request
 * larger than a chunk gets a chunk of its own so nothing is wasted on it.
 */
#include "arena.h"
#include "spill.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;
    size_t off;
    max_align_t data[];
};

#define CHUNK_MIN 4096
#define CHUNK_MAX (1u << 20)

void
arena_init(struct arena *a)
{
    a->head = NULL;
    a->used = 0;
    a->spill = NULL;
}

void
arena_init_spill(struct arena *a, struct spill *sp)
{
    arena_init(a);
    a->spill = sp;
}

void
arena_free(struct arena *a)
{
    struct arena_chunk *c, *n;

    if (!a)
        return;
    for (c = a->head; c; c = n) {
        n = c->next;
        if (a->spill)
            spill_release(a->spill, c, sizeof(*c) + c->size);
        else
            free(c);
    }
    a->head = NULL;
    a->used = 0;
}

/* align: 16 for records, 1 for strings (there are hundreds of thousands of
 * paths; padding each to 16 bytes would cost megabytes). */
static void *
alloc_aligned(struct arena *a, size_t n, size_t align)
{
    struct arena_chunk *c = a->head;
    size_t size, pad;
    void *p;

    if (n == 0)
        n = 1;
    pad = c && align > 1 ? (align - (c->off & (align - 1))) & (align - 1) : 0;
    if (c && c->size - c->off >= pad + n) {
        c->off += pad;
    } else {
        /* a new chunk starts aligned (its data is max_align_t aligned) */
        size = c ? c->size * 2 : CHUNK_MIN;
        if (size > CHUNK_MAX)
            size = CHUNK_MAX;
        if (size < n)
            size = n;
        if (size > SIZE_MAX - sizeof(*c))
            return NULL;
        c = a->spill ? spill_alloc(a->spill, sizeof(*c) + size) : malloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->off = 0;
        if (a->head && n == size && a->head->size - a->head->off >= CHUNK_MIN) {
            /* a big one-off: keep the current chunk in front for small ones */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    p = (char *)c->data + c->off;
    c->off += n;
    a->used += n;
    memset(p, 0, n);
    return p;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    return alloc_aligned(a, n, 16);
}

void *
arena_memdup(struct arena *a, const void *p, size_t n)
{
    void *d = alloc_aligned(a, n + 1, 1);

    if (d && n)
        memcpy(d, p, n);
    return d;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    return arena_memdup(a, s, n);
}

char *
arena_strdup(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    int n;
    char *p;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return NULL;
    p = alloc_aligned(a, (size_t)n + 1, 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

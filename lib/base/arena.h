/*
 * arena.h - bump allocator for the many small strings and records one layer
 * or one result produces. Everything is freed at once with arena_free(); no
 * individual frees. Not thread-safe: each worker owns its arenas.
 */
#ifndef MOAT_BASE_ARENA_H
#define MOAT_BASE_ARENA_H

#include <stddef.h>
#include <stdarg.h>

struct arena_chunk;
struct spill;

struct arena {
    struct arena_chunk *head;
    size_t used;   /* bytes handed out, for accounting */
    struct spill *spill;   /* chunks come from here (base/spill.h), or NULL:
                              malloc */
};

void arena_init(struct arena *a);
/* The same, taking chunks from a spill file that outlives the arena. */
void arena_init_spill(struct arena *a, struct spill *sp);
void arena_free(struct arena *a);                    /* NULL-safe */
void *arena_alloc(struct arena *a, size_t n);         /* zeroed; NULL on OOM */
char *arena_strdup(struct arena *a, const char *s);   /* NULL s -> NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif

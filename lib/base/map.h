/*
 * map.h - open-addressing hash map from NUL-terminated string keys to
 * pointers. Keys are not copied: they must outlive the map (they normally
 * live in the same arena as the values). Keys are placed by a keyed hash
 * (base/hash.h), so keys chosen by an image cannot all land together.
 */
#ifndef MOAT_BASE_MAP_H
#define MOAT_BASE_MAP_H

#include <stddef.h>
#include <stdint.h>

struct map_slot {
    const char *key;
    void *value;
    uint64_t hash;
};

struct map {
    struct map_slot *slots;
    size_t cap;    /* power of two */
    size_t len;
};

void map_init(struct map *m);
void map_free(struct map *m);                      /* NULL-safe; not the keys */
/* An unkeyed 64-bit hash, the same in every process (not what the map uses
 * to place keys). */
uint64_t map_hash(const char *s, size_t n);
void *map_get(const struct map *m, const char *key);
void *map_getn(const struct map *m, const char *key, size_t n);
/* Inserts or replaces. Returns 0 or MOAT_ENOMEM. *old (may be NULL) gets the
 * replaced value or NULL. Replacing keeps the key already stored, so a
 * temporary buffer may be passed to update an existing entry. */
int map_put(struct map *m, const char *key, void *value, void **old);
/* Removes key if present (tombstone-free: backward-shift deletion). */
void map_del(struct map *m, const char *key);
/* Iteration: for (i = 0; map_next(m, &i, &k, &v);) */
int map_next(const struct map *m, size_t *i, const char **key, void **value);

#endif

/*
 * map.c - linear-probing hash map with backward-shift deletion, so there are
 * no tombstones and lookups stay short after many deletes (the merge step
 * deletes whole subtrees on whiteouts).
 */
#include "map.h"
#include "err.h"
#include "hash.h"

#include <stdlib.h>
#include <string.h>

void
map_init(struct map *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->len = 0;
}

void
map_free(struct map *m)
{
    if (!m)
        return;
    free(m->slots);
    map_init(m);
}

/* FNV-1a with a final avalanche (splitmix64 finaliser): the same in every
 * process, for callers that sort or compare by it. The map itself places
 * keys with the keyed hash_keyed() (base/hash.h), which an image cannot
 * aim at. */
uint64_t
map_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

static size_t
find(const struct map *m, const char *key, size_t n, uint64_t h)
{
    size_t mask = m->cap - 1, i = h & mask;

    for (;;) {
        const struct map_slot *s = &m->slots[i];
        if (!s->key)
            return i;
        if (s->hash == h && strncmp(s->key, key, n) == 0 && s->key[n] == '\0')
            return i;
        i = (i + 1) & mask;
    }
}

void *
map_getn(const struct map *m, const char *key, size_t n)
{
    uint64_t h;
    size_t i;

    if (!m->cap)
        return NULL;
    h = hash_keyed(key, n);
    i = find(m, key, n, h);
    return m->slots[i].key ? m->slots[i].value : NULL;
}

void *
map_get(const struct map *m, const char *key)
{
    return map_getn(m, key, strlen(key));
}

static int
resize(struct map *m, size_t cap)
{
    struct map_slot *old = m->slots, *ns;
    size_t oldcap = m->cap, i;

    ns = calloc(cap, sizeof(*ns));
    if (!ns)
        return MOAT_ENOMEM;
    m->slots = ns;
    m->cap = cap;
    for (i = 0; i < oldcap; i++) {
        if (old[i].key) {
            size_t j = old[i].hash & (cap - 1);
            while (ns[j].key)
                j = (j + 1) & (cap - 1);
            ns[j] = old[i];
        }
    }
    free(old);
    return 0;
}

int
map_put(struct map *m, const char *key, void *value, void **old)
{
    size_t n = strlen(key), i;
    uint64_t h = hash_keyed(key, n);
    int rc;

    if (old)
        *old = NULL;
    /* grow at a load of 0.85: linear probing with backward-shift deletion
     * stays short at that load (the hash is compared before the key), and
     * the merged view's table is the scan's biggest single allocation; at
     * 0.7 a benchmark image of 108k paths doubled to 262k slots (6 MiB) */
    if ((m->len + 1) * 20 >= m->cap * 17) {
        rc = resize(m, m->cap ? m->cap * 2 : 64);
        if (rc)
            return rc;
    }
    i = find(m, key, n, h);
    if (m->slots[i].key) {
        if (old)
            *old = m->slots[i].value;
        m->slots[i].value = value;
        return 0;
    }
    m->slots[i].key = key;
    m->slots[i].value = value;
    m->slots[i].hash = h;
    m->len++;
    return 0;
}

void
map_del(struct map *m, const char *key)
{
    size_t n = strlen(key), mask, i, j;
    uint64_t h;

    if (!m->cap)
        return;
    h = hash_keyed(key, n);
    i = find(m, key, n, h);
    if (!m->slots[i].key)
        return;
    mask = m->cap - 1;
    m->slots[i].key = NULL;
    m->len--;
    /* shift back the following run so lookups never hit a false hole */
    j = i;
    for (;;) {
        size_t home;
        j = (j + 1) & mask;
        if (!m->slots[j].key)
            break;
        home = m->slots[j].hash & mask;
        /* move j to i if i lies cyclically in [home, j) */
        if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
            m->slots[i] = m->slots[j];
            m->slots[j].key = NULL;
            i = j;
        }
    }
}

int
map_next(const struct map *m, size_t *i, const char **key, void **value)
{
    while (*i < m->cap) {
        const struct map_slot *s = &m->slots[(*i)++];
        if (s->key) {
            if (key)
                *key = s->key;
            if (value)
                *value = s->value;
            return 1;
        }
    }
    return 0;
}

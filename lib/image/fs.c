/*
 * fs.c - merging layers into one filesystem view and resolving paths in it.
 *
 * The merge walks layers top-down. An entry of layer L is visible unless a
 * higher layer already provides its path, or hides it: a whiteout of the
 * path or of an ancestor, an opaque marker on an ancestor, or a non-directory
 * at an ancestor path. Masks of layer L are added only after L's own entries
 * are placed, because a layer's whiteouts apply to the layers below it, not
 * to itself (OCI image spec, "Whiteouts"). A visible non-directory hides
 * lower descendants through the node index itself; only non-directories that
 * are themselves shadowed need a mask, so the mask map stays small. Each
 * entry costs a few hash lookups (two per ancestor), so 100k-file layers
 * merge in milliseconds.
 */
#include "fs.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/limits.h"
#include "base/spill.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum mask {
    MASK_BELOW = 1,        /* descendants hidden (opaque dir, non-dir entry) */
    MASK_SELF_BELOW = 2,   /* path and descendants hidden (whiteout) */
};

/* Is path hidden by masks of higher layers? */
static int
hidden(const struct map *masks, const char *path)
{
    size_t n = strlen(path), i;
    uintptr_t m;

    if (!masks->len)
        return 0;
    m = (uintptr_t)map_getn(masks, path, n);
    if (m == MASK_SELF_BELOW)
        return 1;
    for (i = n; i > 0; i--) {
        if (path[i - 1] != '/')
            continue;
        if (map_getn(masks, path, i - 1))
            return 1;
    }
    return 0;
}

static int
add_mask(struct map *masks, const char *path, uintptr_t kind)
{
    uintptr_t cur = (uintptr_t)map_get(masks, path);

    if (cur >= kind)
        return 0;
    return map_put(masks, path, (void *)kind, NULL);
}

/* ---- the node array: on the heap, or in the scan's spill file (it is
 * written in order and mostly read in order; the index, read at random, is
 * always on the heap: a spilled page read back maps its neighbours too, and
 * random reads all over the index would map all of it within microseconds) */

static void *
pool_alloc(struct fs *fs, size_t n)
{
    return fs->spill ? spill_alloc(fs->spill, n) : calloc(1, n);
}

static void
pool_free(struct fs *fs, void *p, size_t n)
{
    if (fs->spill)
        spill_release(fs->spill, p, n);
    else
        free(p);
}

/* ---- the index: path -> node ---- */

/* The slot where key (n bytes, hash h) is, or the empty slot where it
 * would go. */
static uint64_t *
slot_find(const struct fs *fs, const char *key, size_t n, uint64_t h)
{
    /* the low half of the hash picks the start (scaled to cap: any size,
     * not only powers of two), the high half is the slot's tag */
    size_t i = (size_t)(((uint64_t)(uint32_t)h * fs->cap) >> 32);
    uint32_t tag = (uint32_t)(h >> 32);

    for (;;) {
        uint64_t s = fs->slots[i];
        if (!s)
            return &fs->slots[i];
        if ((uint32_t)(s >> 32) == tag) {
            const char *p = fs->pool[(uint32_t)s - 1].e->path;
            if (strncmp(p, key, n) == 0 && p[n] == '\0')
                return &fs->slots[i];
        }
        if (++i == fs->cap)
            i = 0;
    }
}

static const struct fs_node *
node_getn(const struct fs *fs, const char *key, size_t n)
{
    uint64_t s;

    if (!fs->cap)
        return NULL;
    s = *slot_find(fs, key, n, hash_keyed(key, n));
    return s ? &fs->pool[(uint32_t)s - 1] : NULL;
}

/* Room for want nodes at a load of at most 0.85 (see base/map.c). Slots
 * keep half the hash only, so a rehash hashes the paths again; fs_merge
 * sizes the index once for all entries (exactly: the table need not be a
 * power of two), so that happens rarely. */
static int
index_reserve(struct fs *fs, size_t want)
{
    size_t cap = fs->cap, oldcap = fs->cap, i;
    uint64_t *ns;

    if (want < 16)
        want = 16;
    if (want > (size_t)UINT32_MAX / 2)
        return MOAT_ENOMEM;
    if (want * 20 < cap * 17)
        return 0;
    cap = want * 20 / 17 + 1;
    if (oldcap && cap < oldcap * 2)
        cap = oldcap * 2;   /* growing one node at a time: double */
    ns = calloc(cap, sizeof(*ns));
    if (!ns)
        return MOAT_ENOMEM;
    free(fs->slots);
    fs->slots = ns;
    fs->cap = cap;
    /* every node is in the index: insert them again in node order, which
     * reads the entries and paths in the order they were written */
    for (i = 0; i < fs->npool; i++) {
        const char *p = fs->pool[i].e->path;
        uint64_t h = hash_keyed(p, strlen(p));
        *slot_find(fs, p, strlen(p), h) = (h & 0xffffffff00000000ULL) | (uint64_t)(i + 1);
    }
    return 0;
}

/* Adds a node for e at slot (from slot_find, for e->path, hash h). */
static int
node_add(struct fs *fs, uint64_t *slot, uint64_t h, const struct layer_entry *e)
{
    if (fs->npool >= UINT32_MAX - 1)
        return MOAT_ENOMEM;
    if (fs->npool == fs->poolcap) {
        size_t cap = fs->poolcap + fs->poolcap / 2 + 16;
        struct fs_node *np;
        if (cap > SIZE_MAX / sizeof(*np))
            return MOAT_ENOMEM;
        np = pool_alloc(fs, cap * sizeof(*np));
        if (!np)
            return MOAT_ENOMEM;
        if (fs->spill)
            spill_move(fs->spill, np, fs->pool, fs->npool * sizeof(*np));
        else
            memcpy(np, fs->pool, fs->npool * sizeof(*np));
        pool_free(fs, fs->pool, fs->poolcap * sizeof(*np));
        fs->pool = np;
        fs->poolcap = cap;
    }
    fs->pool[fs->npool].e = e;
    fs->npool++;
    *slot = (h & 0xffffffff00000000ULL) | (uint64_t)fs->npool;
    return 0;
}

/* Tar archives need not carry entries for parent directories; give every
 * visible entry's ancestors a synthetic directory node so that resolution
 * can walk through them. */
static int
add_implicit_dirs(struct fs *fs)
{
    size_t i, n = fs->npool;

    for (i = 0; i < n; i++) {
        const char *p = fs->pool[i].e->path;
        int layer = fs->pool[i].e->layer;
        size_t k = strlen(p);
        while (k > 0) {
            struct layer_entry *dir;
            uint64_t h, *slot;
            while (k > 0 && p[k - 1] != '/')
                k--;
            if (k == 0)
                break;
            k--; /* p[0..k) is an ancestor */
            if (index_reserve(fs, fs->npool + 1))
                return MOAT_ENOMEM;
            h = hash_keyed(p, k);
            slot = slot_find(fs, p, k, h);
            if (*slot)
                break; /* it and its ancestors are known */
            dir = arena_alloc(&fs->arena, sizeof(*dir));
            if (!dir || !(dir->path = arena_strndup(&fs->arena, p, k)))
                return MOAT_ENOMEM;
            dir->type = ENTRY_DIR;
            dir->mode = 0755;
            dir->layer = (uint16_t)layer;
            if (node_add(fs, slot, h, dir))
                return MOAT_ENOMEM;
        }
    }
    return 0;
}

/* Is path below a non-directory that a higher layer than L made visible? */
static int
under_upper_file(const struct fs *fs, const char *path, int L)
{
    size_t i;

    for (i = strlen(path); i > 0; i--) {
        const struct fs_node *n;
        if (path[i - 1] != '/')
            continue;
        n = node_getn(fs, path, i - 1);
        if (n && n->e->layer > L && n->e->type != ENTRY_DIR)
            return 1;
    }
    return 0;
}

int
fs_merge(struct fs *fs, struct vec *const *layers, size_t n)
{
    return fs_merge_spill(fs, layers, n, NULL);
}

int
fs_merge_spill(struct fs *fs, struct vec *const *layers, size_t n, struct spill *sp)
{
    struct map masks;
    size_t total = 0, L, i;
    int rc = 0;

    memset(fs, 0, sizeof(*fs));
    fs->spill = sp;
    arena_init(&fs->arena);
    map_init(&masks);
    if (n > UINT16_MAX)
        return MOAT_ENOMEM;
    for (L = 0; L < n; L++) {
        const struct vec *v = layers[L];
        total += v->len;
        for (i = 0; i < v->len; i++)
            VEC_AT(v, struct layer_entry, i)->layer = (uint16_t)L;
    }
    if (total > SIZE_MAX / sizeof(*fs->pool))
        return MOAT_ENOMEM;
    fs->pool = pool_alloc(fs, (total ? total : 1) * sizeof(*fs->pool));
    if (!fs->pool)
        return MOAT_ENOMEM;
    fs->poolcap = total ? total : 1;
    /* one index for every entry (shadowed ones too: an overestimate) and
     * some implicit directories */
    rc = index_reserve(fs, total + total / 8);
    if (rc)
        goto out;
    for (L = n; L-- > 0;) {
        const struct vec *v = layers[L];
        /* later entries of one layer replace earlier ones: walk backwards */
        for (i = v->len; i-- > 0;) {
            struct layer_entry *e = VEC_AT(v, struct layer_entry, i);
            size_t len;
            uint64_t h, *slot;

            if (e->whiteout || e->path[0] == '\0')
                continue;
            len = strlen(e->path);
            h = hash_keyed(e->path, len);
            slot = slot_find(fs, e->path, len, h);
            if (*slot) {
                /* shadowed by a higher (or later) entry: if it is not a
                 * directory it still hides what lower layers have below it */
                if (e->type != ENTRY_DIR) {
                    rc = add_mask(&masks, e->path, MASK_BELOW);
                    if (rc)
                        goto out;
                }
                continue;
            }
            if (hidden(&masks, e->path) || under_upper_file(fs, e->path, (int)L))
                continue;
            rc = node_add(fs, slot, h, e);
            if (rc)
                goto out;
            if (e->type != ENTRY_DIR)
                fs->files++;
        }
        /* whiteouts and opaque markers apply to the layers below only */
        for (i = 0; i < v->len; i++) {
            const struct layer_entry *e = VEC_AT(v, struct layer_entry, i);
            if (e->whiteout == WH_FILE)
                rc = add_mask(&masks, e->path, MASK_SELF_BELOW);
            else if (e->whiteout == WH_OPAQUE)
                rc = add_mask(&masks, e->path, MASK_BELOW);
            if (rc)
                goto out;
        }
    }
    rc = add_implicit_dirs(fs);
out:
    map_free(&masks);
    if (rc)
        fs_free(fs);
    return rc;
}

void
fs_free(struct fs *fs)
{
    if (!fs)
        return;
    free(fs->slots);
    fs->slots = NULL;
    fs->cap = 0;
    arena_free(&fs->arena);
    pool_free(fs, fs->pool, fs->poolcap * sizeof(*fs->pool));
    fs->pool = NULL;
    fs->npool = 0;
    fs->poolcap = 0;
}

int
fs_next(const struct fs *fs, size_t *i, const struct fs_node **node)
{
    if (*i >= fs->npool)
        return 0;
    *node = &fs->pool[(*i)++];
    return 1;
}

const struct fs_node *
fs_lookup(const struct fs *fs, const char *path)
{
    return node_getn(fs, path, strlen(path));
}

/* Drops the last component of cur (length *clen). */
static void
parent(char *cur, size_t *clen)
{
    while (*clen > 0 && cur[*clen - 1] != '/')
        (*clen)--;
    if (*clen > 0)
        (*clen)--;
    cur[*clen] = '\0';
}

int
fs_resolve(const struct fs *fs, const char *path, int follow_last, char *out, size_t outlen,
           const struct fs_node **node)
{
    /* rest: components still to walk; cur: resolved prefix */
    char rest[2 * MOAT_LIMIT_PATH + 2], cur[MOAT_LIMIT_PATH + 1];
    size_t rlen = strlen(path), clen = 0, pos = 0;
    int hops = 0;
    const struct fs_node *n = NULL;

    if (rlen >= sizeof(rest))
        return MOAT_ETOOBIG;
    memcpy(rest, path, rlen + 1);
    cur[0] = '\0';
    while (pos < rlen) {
        size_t s = pos, c, e;
        int last;

        while (s < rlen && rest[s] == '/')
            s++;
        e = s;
        while (e < rlen && rest[e] != '/')
            e++;
        pos = e;
        c = e - s;
        if (c == 0)
            break;
        {
            size_t t = e;
            while (t < rlen && rest[t] == '/')
                t++;
            last = t >= rlen;
        }
        if (c == 1 && rest[s] == '.') {
            continue;
        }
        if (c == 2 && rest[s] == '.' && rest[s + 1] == '.') {
            parent(cur, &clen);
            n = clen ? fs_lookup(fs, cur) : NULL;
            continue;
        }
        if (clen + 1 + c >= sizeof(cur))
            return MOAT_ETOOBIG;
        {
            size_t save = clen;
            if (clen)
                cur[clen++] = '/';
            memcpy(cur + clen, rest + s, c);
            clen += c;
            cur[clen] = '\0';
            n = fs_lookup(fs, cur);
            if (!n)
                return MOAT_ENOENT;
            if (n->e->type == ENTRY_SYMLINK && (!last || follow_last)) {
                const char *t = n->e->link ? n->e->link : "";
                size_t tl = strlen(t), remain = rlen - pos;
                char tmp[2 * MOAT_LIMIT_PATH + 2];
                if (++hops > MOAT_LIMIT_SYMLINK_HOPS)
                    return MOAT_ELOOP;
                if (tl + 1 + remain >= sizeof(tmp))
                    return MOAT_ETOOBIG;
                memcpy(tmp, t, tl);
                tmp[tl] = '/';
                memcpy(tmp + tl + 1, rest + pos, remain);
                tmp[tl + 1 + remain] = '\0';
                memcpy(rest, tmp, tl + 2 + remain);
                rlen = tl + 1 + remain;
                pos = 0;
                /* relative targets start from the link's directory */
                clen = save;
                cur[clen] = '\0';
                if (t[0] == '/') {
                    clen = 0;
                    cur[0] = '\0';
                }
                n = clen ? fs_lookup(fs, cur) : NULL;
                continue;
            }
            if (!last && n->e->type != ENTRY_DIR)
                return MOAT_ENOENT; /* ENOTDIR */
        }
    }
    if (clen + 1 > outlen)
        return MOAT_ETOOBIG;
    memcpy(out, cur, clen + 1);
    if (!n && clen == 0) {
        /* the root itself */
        *node = NULL;
        return 0;
    }
    if (!n)
        return MOAT_ENOENT;
    *node = n;
    return 0;
}

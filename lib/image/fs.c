/*
 * fs.c - merging layers into one filesystem view and resolving paths in it.
 *
 * The merge walks layers top-down. An entry of layer L is visible unless a
 * higher layer already provides its path, or hides it: a whiteout of the
 * path or of an ancestor, an opaque marker on an ancestor, or a non-directory
 * at an ancestor path. Masks of layer L are added only after L's own entries
 * are placed, because a layer's whiteouts apply to the layers below it, not
 * to itself (OCI image spec, "Whiteouts"). A visible non-directory hides
 * lower descendants through the node map itself; only non-directories that
 * are themselves shadowed need a mask, so the mask map stays small. Each
 * entry costs a few hash lookups (two per ancestor), so 100k-file layers
 * merge in milliseconds.
 */
#include "fs.h"
#include "base/err.h"
#include "base/limits.h"

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

/* Tar archives need not carry entries for parent directories; give every
 * visible entry's ancestors a synthetic directory node so that resolution
 * can walk through them. */
static int
add_implicit_dirs(struct fs *fs)
{
    static const struct layer_entry implicit_dir = {
        .path = "", .type = ENTRY_DIR, .mode = 0755,
    };
    size_t i, n = fs->npool;

    for (i = 0; i < n; i++) {
        const char *p = fs->pool[i].e->path;
        size_t k = strlen(p);
        while (k > 0) {
            char *key;
            struct fs_node *node;
            while (k > 0 && p[k - 1] != '/')
                k--;
            if (k == 0)
                break;
            k--; /* p[0..k) is an ancestor */
            if (map_getn(&fs->nodes, p, k))
                break; /* it and its ancestors are known */
            key = arena_strndup(&fs->arena, p, k);
            node = arena_alloc(&fs->arena, sizeof(*node));
            if (!key || !node)
                return MOAT_ENOMEM;
            node->e = &implicit_dir;
            node->layer = fs->pool[i].layer;
            if (map_put(&fs->nodes, key, node, NULL))
                return MOAT_ENOMEM;
        }
    }
    return 0;
}

/* Is path below a non-directory that a higher layer than L made visible? */
static int
under_upper_file(const struct map *nodes, const char *path, int L)
{
    size_t i;

    for (i = strlen(path); i > 0; i--) {
        const struct fs_node *n;
        if (path[i - 1] != '/')
            continue;
        n = map_getn(nodes, path, i - 1);
        if (n && n->layer > L && n->e->type != ENTRY_DIR)
            return 1;
    }
    return 0;
}

int
fs_merge(struct fs *fs, struct vec *const *layers, size_t n)
{
    struct map masks;
    size_t total = 0, L, i;
    int rc = 0;

    memset(fs, 0, sizeof(*fs));
    map_init(&fs->nodes);
    arena_init(&fs->arena);
    map_init(&masks);
    for (L = 0; L < n; L++)
        total += layers[L]->len;
    fs->pool = calloc(total ? total : 1, sizeof(*fs->pool));
    if (!fs->pool)
        return MOAT_ENOMEM;
    for (L = n; L-- > 0;) {
        const struct vec *v = layers[L];
        /* later entries of one layer replace earlier ones: walk backwards */
        for (i = v->len; i-- > 0;) {
            struct layer_entry *e = VEC_AT(v, struct layer_entry, i);
            struct fs_node *node;

            if (e->whiteout || e->path[0] == '\0')
                continue;
            if (map_get(&fs->nodes, e->path)) {
                /* shadowed by a higher (or later) entry: if it is not a
                 * directory it still hides what lower layers have below it */
                if (e->type != ENTRY_DIR) {
                    rc = add_mask(&masks, e->path, MASK_BELOW);
                    if (rc)
                        goto out;
                }
                continue;
            }
            if (hidden(&masks, e->path) || under_upper_file(&fs->nodes, e->path, (int)L))
                continue;
            node = &fs->pool[fs->npool++];
            node->e = e;
            node->layer = (int)L;
            rc = map_put(&fs->nodes, e->path, node, NULL);
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
    map_free(&fs->nodes);
    arena_free(&fs->arena);
    free(fs->pool);
    fs->pool = NULL;
    fs->npool = 0;
}

const struct fs_node *
fs_lookup(const struct fs *fs, const char *path)
{
    return map_get(&fs->nodes, path);
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

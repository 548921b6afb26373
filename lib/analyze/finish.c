/*
 * finish.c - the steps between the layer passes and the result: which
 * records survived the merge, which layer introduced each package of a
 * package database, and which OS package owns the files a language package
 * was found in.
 */
#include "finish.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rec *
next_rec(struct finish_ctx *f, const struct analyzer *an, struct rec_iter *it, int any)
{
    while (it->layer < f->nlayers) {
        struct vec *v = &f->layers[it->layer].recs;
        while (it->i < v->len) {
            struct rec *r = *VEC_AT(v, struct rec *, it->i);
            it->i++;
            if ((!an || r->an == an) && (any || r->visible))
                return r;
        }
        it->layer++;
        it->i = 0;
    }
    return NULL;
}

struct rec *
finish_next(struct finish_ctx *f, const struct analyzer *an, struct rec_iter *it)
{
    return next_rec(f, an, it, 0);
}

struct rec *
finish_next_any(struct finish_ctx *f, const struct analyzer *an, struct rec_iter *it)
{
    return next_rec(f, an, it, 1);
}

void
finish_problem(struct finish_ctx *f, enum moat_grade g, int layer, const char *path,
               const char *source, const char *fmt, ...)
{
    struct moat_problem *p;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = arena_vprintf(f->arena, fmt, ap);
    va_end(ap);
    p = vec_push(&f->problems);
    if (!p || !msg)
        return;
    p->grade = g;
    p->layer = layer;
    p->path = path ? arena_printf(f->arena, "/%s", path) : NULL;
    p->source = source;
    p->message = msg;
}

/* A record is visible when the merged filesystem shows, at its path, the
 * very entry of its layer it was read from. */
void
finish_mark_visible(struct finish_ctx *f)
{
    size_t L, i;

    for (L = 0; L < f->nlayers; L++) {
        struct vec *v = &f->layers[L].recs;
        for (i = 0; i < v->len; i++) {
            struct rec *r = *VEC_AT(v, struct rec *, i);
            const struct fs_node *n = fs_lookup(f->fs, r->path);
            r->visible = n && n->e->layer == r->layer && n->e->type == ENTRY_REG;
        }
    }
}

static void
pkg_key(char *out, size_t n, const struct pkg *p)
{
    snprintf(out, n, "%s\x1f%s\x1f%s", p->name ? p->name : "", p->arch ? p->arch : "",
             p->version ? p->version : "");
}

/* The last record of analyzer an for path in layer L, or NULL. */
static struct rec *
rec_in_layer(struct finish_ctx *f, const struct analyzer *an, const char *path, size_t L)
{
    struct vec *v = &f->layers[L].recs;
    struct rec *found = NULL;
    size_t i;

    for (i = 0; i < v->len; i++) {
        struct rec *r = *VEC_AT(v, struct rec *, i);
        if (r->an == an && r->kind == REC_PKGS && strcmp(r->path, path) == 0)
            found = r;
    }
    return found;
}

/* Did layer L delete or replace path without leaving a readable database
 * there (a whiteout of it or of a parent, an opaque parent, or an entry of
 * another kind at the path)? Such a layer breaks the history chain. */
static int
layer_breaks(const struct layer_result *lr, const char *path)
{
    size_t i, n = strlen(path);

    for (i = 0; i < lr->entries.len; i++) {
        const struct layer_entry *e = VEC_AT(&lr->entries, struct layer_entry, i);
        size_t k = strlen(e->path);
        int is_self = k == n && memcmp(e->path, path, n) == 0;
        int is_parent = (k < n && path[k] == '/' && memcmp(e->path, path, k) == 0) || k == 0;
        if (e->whiteout == WH_FILE && (is_self || is_parent))
            return 1;
        if (e->whiteout == WH_OPAQUE && is_parent)
            return 1;
        if (!e->whiteout && is_self)
            return 1;
    }
    return 0;
}

/* For packages of a database file, the layer that introduced them is the
 * lowest layer from which every version of that file up to the visible one
 * lists the same name, arch and version. Layers that did not touch the
 * file do not break the chain; layers that deleted or replaced it do. */
int
finish_db_layers(struct finish_ctx *f, int *layer_of, size_t cap, size_t *count)
{
    struct rec_iter it = {0, 0};
    struct rec *r;
    size_t k = 0;
    char key[1024];

    while ((r = finish_next(f, NULL, &it)) != NULL) {
        size_t i, L;
        struct map *lower;
        unsigned char *has; /* layer L rewrote the database file */
        int any_db = 0;

        if (r->kind != REC_PKGS)
            continue;
        for (i = 0; i < r->npkgs; i++)
            any_db |= r->pkgs[i].db;
        if (!any_db || r->layer == 0) {
            for (i = 0; i < r->npkgs && k < cap; i++)
                layer_of[k++] = r->layer;
            continue;
        }
        /* one key set per lower layer holding the same database file */
        lower = calloc((size_t)r->layer, sizeof(*lower));
        has = calloc((size_t)r->layer, 1);
        if (!lower || !has) {
            free(lower);
            free(has);
            return MOAT_ENOMEM;
        }
        for (L = 0; L < (size_t)r->layer; L++) {
            struct rec *lr = rec_in_layer(f, r->an, r->path, L);
            map_init(&lower[L]);
            if (!lr) {
                has[L] = layer_breaks(&f->layers[L], r->path) ? 2 : 0;
                continue;
            }
            has[L] = 1;
            for (i = 0; i < lr->npkgs; i++) {
                char *kk;
                pkg_key(key, sizeof(key), &lr->pkgs[i]);
                kk = arena_strdup(f->arena, key);
                if (!kk || map_put(&lower[L], kk, (void *)1, NULL))
                    return MOAT_ENOMEM; /* (leaks the maps; the scan fails) */
            }
        }
        for (i = 0; i < r->npkgs && k < cap; i++) {
            int intro = r->layer;
            if (r->pkgs[i].db) {
                pkg_key(key, sizeof(key), &r->pkgs[i]);
                for (L = (size_t)r->layer; L-- > 0;) {
                    if (!has[L])
                        continue;
                    if (has[L] == 2 || !map_get(&lower[L], key))
                        break;
                    intro = (int)L;
                }
            }
            layer_of[k++] = intro;
        }
        for (L = 0; L < (size_t)r->layer; L++)
            map_free(&lower[L]);
        free(lower);
        free(has);
    }
    *count = k;
    return 0;
}

int
finish_canonical(struct finish_ctx *f, const char *path, char *out, size_t outlen)
{
    const struct fs_node *n;
    const char *p = path;

    while (*p == '/')
        p++;
    if (fs_resolve(f->fs, p, 0, out, outlen, &n) == 0)
        return 0;
    if (strlen(p) >= outlen)
        return MOAT_ETOOBIG;
    memcpy(out, p, strlen(p) + 1);
    return 0;
}

int
finish_add_finding(struct finish_ctx *f, const struct layer_finding *lf, int layer, int removed)
{
    struct finish_finding *ff;

    if (!f->findings.esize)
        vec_init(&f->findings, sizeof(struct finish_finding), 1000000);
    ff = vec_push(&f->findings);
    if (!ff)
        return MOAT_ENOMEM;
    ff->f = *lf;
    ff->layer = layer;
    ff->removed = removed;
    return 0;
}

void *
finish_shared(struct finish_ctx *f, const struct analyzer *self)
{
    size_t i;

    if (!f->shared)
        return NULL;
    for (i = 0; i < analyzer_count; i++)
        if (analyzer_table[i] == self)
            return f->shared[i];
    return NULL;
}

static int
is_os_pkg(const struct pkg *p)
{
    return p->type == MOAT_PKG_DEB || p->type == MOAT_PKG_APK || p->type == MOAT_PKG_RPM;
}

struct owner_slot {
    uint64_t hash;              /* map_hash of the canonical path */
    uint32_t pkg;               /* index in f->owner_pkgs */
    uint32_t file;              /* index in that package's files */
};

static int
owner_cmp(const void *a, const void *b)
{
    const struct owner_slot *x = a, *y = b;

    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    if (x->pkg != y->pkg)
        return x->pkg < y->pkg ? -1 : 1;
    return x->file < y->file ? -1 : x->file > y->file;
}

/* The ownership index: a slot per file an OS package lists, holding only
 * the hash of its canonical path and where the path is; a lookup compares
 * the real paths of the (almost always single) slot with that hash, so a
 * hash collision costs a comparison, never a wrong owner. */
static int
build_owners(struct finish_ctx *f)
{
    struct rec_iter it = {0, 0};
    struct rec *r;
    char canon[MOAT_LIMIT_PATH + 1];
    size_t i, j, npkgs = 0, nfiles = 0;

    f->owners_built = 1;
    while ((r = finish_next(f, NULL, &it)) != NULL) {
        if (r->kind != REC_PKGS)
            continue;
        for (i = 0; i < r->npkgs; i++)
            if (is_os_pkg(&r->pkgs[i])) {
                npkgs++;
                nfiles += r->pkgs[i].nfiles;
            }
    }
    if (!npkgs || npkgs > UINT32_MAX)
        return 0;
    f->owner_pkgs = calloc(npkgs, sizeof(*f->owner_pkgs));
    f->owners = calloc(nfiles ? nfiles : 1, sizeof(*f->owners));
    if (!f->owner_pkgs || !f->owners)
        return MOAT_ENOMEM;
    npkgs = 0;
    memset(&it, 0, sizeof(it));
    while ((r = finish_next(f, NULL, &it)) != NULL) {
        if (r->kind != REC_PKGS)
            continue;
        for (i = 0; i < r->npkgs; i++) {
            const struct pkg *p = &r->pkgs[i];
            if (!is_os_pkg(p))
                continue;
            f->owner_pkgs[npkgs] = p;
            for (j = 0; j < p->nfiles && j <= UINT32_MAX; j++) {
                struct owner_slot *s = &f->owners[f->nowners];
                if (finish_canonical(f, p->files[j], canon, sizeof(canon)) != 0)
                    continue;
                s->hash = map_hash(canon, strlen(canon));
                s->pkg = (uint32_t)npkgs;
                s->file = (uint32_t)j;
                f->nowners++;
            }
            npkgs++;
        }
    }
    qsort(f->owners, f->nowners, sizeof(*f->owners), owner_cmp);
    return 0;
}

void
finish_owners_free(struct finish_ctx *f)
{
    free(f->owners);
    free(f->owner_pkgs);
    f->owners = NULL;
    f->owner_pkgs = NULL;
    f->nowners = 0;
    f->owners_built = 0;
}

const struct pkg *
finish_owner(struct finish_ctx *f, const char *path)
{
    char canon[MOAT_LIMIT_PATH + 1], other[MOAT_LIMIT_PATH + 1];
    size_t lo = 0, hi, k;
    uint64_t h;

    if (!f->owners_built && build_owners(f) != 0)
        return NULL;
    if (finish_canonical(f, path, canon, sizeof(canon)) != 0)
        return NULL;
    h = map_hash(canon, strlen(canon));
    hi = f->nowners;
    while (lo < hi) { /* first slot with hash >= h */
        size_t mid = lo + (hi - lo) / 2;
        if (f->owners[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (k = lo; k < f->nowners && f->owners[k].hash == h; k++)
        ;
    /* a path several packages list (a shared directory) belongs to the
     * last of them in record order, as before: walk the run backwards */
    while (k-- > lo) {
        const struct owner_slot *s = &f->owners[k];
        const struct pkg *p = f->owner_pkgs[s->pkg];
        if (finish_canonical(f, p->files[s->file], other, sizeof(other)) == 0 &&
            strcmp(other, canon) == 0)
            return p;
    }
    return NULL;
}

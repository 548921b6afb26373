/*
 * dispatch.c - the entry dispatcher: one read of a file's bytes, fanned out
 * to every analyzer that asked for them, in the form each asked for.
 *
 * A file wanted only by WANT_WHOLE analyzers is accumulated once into a
 * buffer capped at the largest max_size among them. WANT_STREAM analyzers
 * get each chunk as it arrives. A WANT_PULL analyzer (at most one per file)
 * drives the reading through content_read(); the chunks it pulls are fanned
 * out to the others on the way, and whatever it leaves unread is drained
 * afterwards, so every consumer still sees the whole file.
 */
#include "dispatch.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONSUMERS 32

struct consumer {
    const struct analyzer *an;
    void *shared;   /* the analyzer's per-scan state (init()) */
    enum want want;
    void *state;
    int active;
};

/* Makes c the context of consumer k's analyzer before calling it. */
#define USE(c, k)                                                                                  \
    do {                                                                                           \
        (c)->an = (k)->an;                                                                         \
        (c)->an_shared = (k)->shared;                                                              \
    } while (0)

struct content {
    struct producer *prod;
    struct actx *ctx;
    const struct entry *e;
    uint64_t delivered;
    int eof, broken;
    struct consumer cons[MAX_CONSUMERS];
    size_t ncons;
    struct buf whole;
    int whole_active;
};

int
layer_result_init(struct layer_result *lr, int index)
{
    memset(lr, 0, sizeof(*lr));
    lr->index = index;
    arena_init(&lr->arena);
    arena_init(&lr->paths);
    /* the entry limit is the scan's (--limit entries=N), checked by the
     * layer walkers with a clear message; the vec itself is unbounded */
    vec_init(&lr->entries, sizeof(struct layer_entry),
             (size_t)-1 / sizeof(struct layer_entry));
    vec_init(&lr->recs, sizeof(struct rec *), (size_t)-1 / sizeof(struct rec *));
    vec_init(&lr->problems, sizeof(struct moat_problem), 100000);
    return 0;
}

void
layer_result_spill(struct layer_result *lr, struct spill *sp)
{
    lr->paths.spill = sp;
    lr->entries.spill = sp;
}

void
layer_result_free(struct layer_result *lr)
{
    if (!lr)
        return;
    vec_free(&lr->entries);
    vec_free(&lr->recs);
    vec_free(&lr->problems);
    arena_free(&lr->arena);
    arena_free(&lr->paths);
}

void
actx_init(struct actx *c, struct layer_result *lr, const struct moat_limits *lim,
          volatile int *abort)
{
    memset(c, 0, sizeof(*c));
    c->lr = lr;
    c->arena = &lr->arena;
    c->limits = lim;
    c->layer = lr->index;
    c->abort = abort;
}

void
actx_problem(struct actx *c, enum moat_grade g, const char *path, const char *fmt, ...)
{
    struct moat_problem *p;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = arena_vprintf(c->arena, fmt, ap);
    va_end(ap);
    p = vec_push(&c->lr->problems);
    if (!p || !msg)
        return; /* out of memory or over the problem cap: nothing safer to do */
    p->grade = g;
    p->layer = c->layer;
    p->path = path ? arena_printf(c->arena, "/%s", path) : NULL;
    p->source = c->an ? c->an->name : "layer";
    p->message = msg;
}

struct rec *
rec_new(struct actx *c, enum rec_kind kind, const char *path)
{
    struct rec *r = arena_alloc(c->arena, sizeof(*r)), **slot;

    if (!r)
        return NULL;
    r->an = c->an;
    r->kind = kind;
    r->path = arena_strdup(c->arena, path);
    r->layer = c->layer;
    slot = vec_push(&c->lr->recs);
    if (!slot || !r->path)
        return NULL;
    *slot = r;
    return r;
}

struct layer_finding *
rec_add_finding(struct actx *c, struct rec *r)
{
    struct layer_finding *nf;

    if (r->nfindings == r->capfindings) {
        size_t cap = r->capfindings ? r->capfindings * 2 : 4;
        if (cap > 100000)
            return NULL; /* a file with that many findings: enough said */
        nf = arena_alloc(c->arena, cap * sizeof(*nf));
        if (!nf)
            return NULL;
        if (r->nfindings)
            memcpy(nf, r->findings, r->nfindings * sizeof(*nf));
        r->findings = nf;
        r->capfindings = cap;
    }
    nf = &r->findings[r->nfindings++];
    memset(nf, 0, sizeof(*nf));
    nf->offset = UINT64_MAX;
    return nf;
}

struct pkg *
rec_add_pkgs(struct actx *c, struct rec *r, size_t n)
{
    struct pkg *np;
    size_t i;

    if (n == 0 || r->npkgs + n > MOAT_LIMIT_DB_PACKAGES)
        return NULL;
    if (r->npkgs + n > r->cap) {
        /* the arena cannot free: double so the copies cost at most as
         * much again as the array itself */
        size_t cap = r->cap ? r->cap * 2 : 16;
        while (cap < r->npkgs + n)
            cap *= 2;
        np = arena_alloc(c->arena, cap * sizeof(*np));
        if (!np)
            return NULL;
        if (r->npkgs)
            memcpy(np, r->pkgs, r->npkgs * sizeof(*np));
        r->pkgs = np;
        r->cap = cap;
    }
    np = r->pkgs;
    for (i = r->npkgs; i < r->npkgs + n; i++) {
        memset(&np[i], 0, sizeof(np[i]));
        np[i].parent = -1;
    }
    r->npkgs += n;
    return &np[r->npkgs - n];
}

int
pkg_token_ok(const char *s, size_t n)
{
    size_t i;

    if (!s || n == 0 || n > MOAT_LIMIT_PKG_NAME)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return 0;
    return 1;
}

int
pkg_text_ok(const char *s, size_t n)
{
    size_t i;

    if (!s || n == 0 || n > MOAT_LIMIT_PKG_TEXT)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            return 0;
    return 1;
}

int
pkg_token_okz(const char *s)
{
    return s && pkg_token_ok(s, strlen(s));
}

int
pkg_text_okz(const char *s)
{
    return s && pkg_text_ok(s, strlen(s));
}

struct pkg *
rec_new_pkgs(struct actx *c, const char *path, size_t *n, struct rec **out)
{
    struct rec *r;

    *out = NULL;
    if (*n > MOAT_LIMIT_DB_PACKAGES) {
        actx_problem(c, MOAT_FAILED, path,
                     "%zu packages, more than the limit of %d; only the first were read", *n,
                     MOAT_LIMIT_DB_PACKAGES);
        *n = MOAT_LIMIT_DB_PACKAGES;
    }
    r = rec_new(c, REC_PKGS, path);
    if (!r)
        return NULL;
    *out = r;
    return rec_add_pkgs(c, r, *n);
}

int
pkg_prop(struct actx *c, struct pkg *p, const char *name, const char *value)
{
    struct moat_prop *np;

    if (!value)
        return 0;
    np = arena_alloc(c->arena, (p->nprops + 1) * sizeof(*np));
    if (!np)
        return MOAT_ENOMEM;
    if (p->nprops)
        memcpy(np, p->props, p->nprops * sizeof(*np));
    np[p->nprops].name = arena_strdup(c->arena, name);
    np[p->nprops].value = arena_strdup(c->arena, value);
    p->props = np;
    p->nprops++;
    return 0;
}

/* A hard link's bytes are those of its target, an earlier entry of the
 * same layer, which the tar stream has already passed. If the analyzer saw
 * the target under its own name it has the content; if it did not, the
 * content cannot be read again (one pass), so say so rather than miss it
 * silently. */
static void
hardlink_wanted(struct actx *c, const struct analyzer *an, const struct entry *e)
{
    struct layer_entry tle = *e->le;
    struct entry te;
    const struct analyzer *saved = c->an;

    tle.path = e->le->link;
    tle.type = ENTRY_REG;
    te.le = &tle;
    te.path = tle.path;
    te.base = strrchr(tle.path, '/') ? strrchr(tle.path, '/') + 1 : tle.path;
    te.layer = e->layer;
    te.opt = e->opt;
    if (an->wants(&te) != WANT_NO)
        return;
    c->an = an;
    actx_problem(c, MOAT_WARN, e->path,
                 "hard link to /%s, which this analyzer does not read under that name; "
                 "not analysed", e->le->link);
    c->an = saved;
}

uint64_t
content_size(const struct content *ct)
{
    return ct->e->le->size;
}

static void
analyzer_failed(struct content *ct, struct consumer *k, int rc)
{
    struct actx *c = ct->ctx;
    const struct analyzer *saved = c->an;
    void *saved_shared = c->an_shared;

    USE(c, k);
    actx_problem(c, MOAT_FAILED, ct->e->path, "analyzer failed: %s", moat_strerror(rc));
    c->an = saved;
    c->an_shared = saved_shared;
    k->active = 0;
}

/* Fans one chunk out to the push consumers. */
static void
fan_out(struct content *ct, const void *p, size_t n)
{
    size_t i;

    for (i = 0; i < ct->ncons; i++) {
        struct consumer *k = &ct->cons[i];
        int rc;
        if (!k->active || k->want != WANT_STREAM)
            continue;
        USE(ct->ctx, k);
        rc = k->an->stream_chunk(ct->ctx, k->state, p, n);
        if (rc < 0)
            analyzer_failed(ct, k, rc);
        else if (rc > 0)
            k->want = WANT_NO; /* done: still gets stream_end */
    }
    if (ct->whole_active && buf_add(&ct->whole, p, n) != 0) {
        /* defensive: sizes were checked against the header before reading */
        ct->whole_active = 0;
        for (i = 0; i < ct->ncons; i++) {
            if (ct->cons[i].want == WANT_WHOLE && ct->cons[i].active) {
                USE(ct->ctx, &ct->cons[i]);
                actx_problem(ct->ctx, MOAT_FAILED, ct->e->path,
                             "file is larger than its header said; not analysed");
                ct->cons[i].active = 0;
            }
        }
    }
}

int
content_read(struct content *ct, const void **p, size_t *n)
{
    int r;

    if (ct->broken)
        return -1;
    if (ct->eof)
        return 0;
    r = ct->prod->next(ct->prod->ud, p, n);
    if (r < 0) {
        ct->broken = 1;
        return -1;
    }
    if (r == 0) {
        ct->eof = 1;
        return 0;
    }
    ct->delivered += *n;
    fan_out(ct, *p, *n);
    return 1;
}

static size_t
whole_limit(const struct analyzer *an, const struct moat_limits *lim)
{
    size_t m = an->max_size ? an->max_size : MOAT_LIMIT_WHOLE_FILE;
    return m < lim->whole_file ? m : lim->whole_file;
}

int
dispatch_entry(struct actx *c, const struct entry *e, struct producer *prod)
{
    return dispatch_with(analyzer_table, analyzer_count, c, e, prod);
}

int
dispatch_with(const struct analyzer *const *table, size_t count, struct actx *c,
              const struct entry *e, struct producer *prod)
{
    struct content ct;
    const struct analyzer *saved = c->an;
    struct consumer *puller = NULL;
    size_t i, whole_max = 0;
    int rc = 0;

    memset(&ct, 0, sizeof(ct));
    ct.prod = prod;
    ct.ctx = c;
    ct.e = e;
    for (i = 0; i < count && ct.ncons < MAX_CONSUMERS; i++) {
        const struct analyzer *an = table[i];
        enum want w;
        if (an->init && (!c->shared || !c->shared[i]))
            continue; /* switched off for this scan (see analyzer.h, init) */
        w = an->wants(e);
        struct consumer *k;
        if (w == WANT_NO)
            continue;
        if (e->le->type == ENTRY_HARDLINK) {
            hardlink_wanted(c, an, e);
            continue;
        }
        if (e->le->type != ENTRY_REG)
            continue; /* only regular files have content; symlinks resolve later */
        c->an = an;
        c->an_shared = c->shared ? c->shared[i] : NULL;
        if (w == WANT_WHOLE && e->le->size > whole_limit(an, c->limits)) {
            actx_problem(c, MOAT_FAILED, e->path,
                         "file of %llu bytes exceeds this analyzer's limit of %zu; not analysed",
                         (unsigned long long)e->le->size, whole_limit(an, c->limits));
            continue;
        }
        if (w == WANT_PULL && puller) {
            actx_problem(c, MOAT_FAILED, e->path, "a second analyzer asked to drive the read "
                                                  "of this file; not analysed");
            continue;
        }
        k = &ct.cons[ct.ncons++];
        k->an = an;
        k->shared = c->an_shared;
        k->want = w;
        k->active = 1;
        if (w == WANT_WHOLE && whole_limit(an, c->limits) > whole_max)
            whole_max = whole_limit(an, c->limits);
        if (w == WANT_PULL)
            puller = k;
        if (w == WANT_STREAM) {
            k->state = calloc(1, an->state_size ? an->state_size : 1);
            if (!k->state) {
                analyzer_failed(&ct, k, MOAT_ENOMEM);
                continue;
            }
            if (an->stream_begin) {
                int r = an->stream_begin(c, e, k->state);
                if (r < 0)
                    analyzer_failed(&ct, k, r);
                else if (r > 0)
                    k->want = WANT_NO;
            }
        }
    }
    if (ct.ncons == 0) {
        c->an = saved;
        return 0;
    }
    if (whole_max) {
        buf_init(&ct.whole, whole_max);
        ct.whole_active = 1;
    }
    if (puller && puller->active) {
        USE(c, puller);
        int r = puller->an->pull(c, e, &ct);
        if (r < 0 && !ct.broken)
            analyzer_failed(&ct, puller, r);
    }
    /* drain what the puller left (or everything, without one) */
    for (;;) {
        const void *p;
        size_t n;
        int r = content_read(&ct, &p, &n);
        if (r <= 0)
            break;
    }
    if (ct.broken) {
        rc = -1;
        goto out;
    }
    for (i = 0; i < ct.ncons; i++) {
        struct consumer *k = &ct.cons[i];
        int r = 0;
        if (!k->active)
            continue;
        USE(c, k);
        if (k->want == WANT_WHOLE && ct.whole_active) {
            r = k->an->whole(c, e, ct.whole.data ? ct.whole.data : "", ct.whole.len);
        } else if ((k->want == WANT_STREAM || (k->want == WANT_NO && k->state)) &&
                   k->an->stream_end) {
            r = k->an->stream_end(c, e, k->state);
        }
        if (r < 0)
            analyzer_failed(&ct, k, r);
    }
out:
    for (i = 0; i < ct.ncons; i++) {
        if (ct.cons[i].state && ct.cons[i].an->stream_free)
            ct.cons[i].an->stream_free(ct.cons[i].state);
        free(ct.cons[i].state);
    }
    buf_free(&ct.whole);
    c->an = saved;
    return rc;
}

/*
 * scan.c - moat_scan(): the whole pipeline for one image.
 *
 *   image_open()           metadata: manifest, config, expected digests
 *   layer passes           in parallel, one worker per core, each layer once
 *   fs_merge()             whiteouts, replacement, implicit directories
 *   finish                 visibility, database history, analyzer finish()
 *   result                 packages sorted, owners linked, problems listed
 *
 * Output never depends on thread timing: every layer writes only its own
 * layer_result, and everything after the passes runs in layer order.
 */
#include "moat/moat.h"
#include "analyze/dispatch.h"
#include "analyze/finish.h"
#include "analyze/purl.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/spill.h"
#include "base/str.h"
#include "image/fs.h"
#include "image/image.h"
#include "image/layer.h"
#include "result.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct result_impl {
    struct moat_result pub;
    struct arena arena;
};

void
moat_options_init(struct moat_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->limits.layer_bytes = MOAT_LIMIT_LAYER_BYTES;
    opt->limits.image_bytes = MOAT_LIMIT_IMAGE_BYTES;
    opt->limits.ratio = MOAT_LIMIT_RATIO;
    opt->limits.ratio_grace = MOAT_LIMIT_RATIO_GRACE;
    opt->limits.layer_entries = MOAT_LIMIT_LAYER_ENTRIES;
    opt->limits.spill_bytes = MOAT_LIMIT_SPILL_BYTES;
    opt->limits.layers = MOAT_LIMIT_LAYERS;
    opt->limits.whole_file = MOAT_LIMIT_WHOLE_FILE;
    opt->detect.enabled = MOAT_DETECT_ALL;
}

const char *
moat_pkg_type_name(enum moat_pkg_type t)
{
    static const char *const names[MOAT_PKG_TYPE_COUNT] = {
        "deb", "apk", "rpm", "npm", "pypi", "golang", "maven", "gem", "composer", "cargo",
        "nuget", "generic",
    };
    return (unsigned)t < MOAT_PKG_TYPE_COUNT ? names[t] : "generic";
}

const char *
moat_grade_name(enum moat_grade g)
{
    switch (g) {
    case MOAT_OK:
        return "ok";
    case MOAT_WARN:
        return "warning";
    case MOAT_FAILED:
        return "failed";
    default:
        return "fatal";
    }
}

const char *
moat_package_prop(const struct moat_package *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nprops; i++)
        if (strcmp(p->props[i].name, name) == 0)
            return p->props[i].value;
    return NULL;
}

const char *
moat_strerror(int code)
{
    switch (code) {
    case 0:
        return "success";
    case MOAT_ENOMEM:
        return "out of memory";
    case MOAT_ETOOBIG:
        return "a size limit was exceeded";
    case MOAT_EINVAL:
        return "malformed input";
    case MOAT_EIO:
        return "read error";
    case MOAT_ENOENT:
        return "not found";
    case MOAT_EDIGEST:
        return "digest mismatch";
    case MOAT_EUNSUP:
        return "not supported";
    case MOAT_ELOOP:
        return "symlink loop";
    case MOAT_EAUTH:
        return "authentication failed";
    default:
        return "unknown error";
    }
}

/* ---- progress (moat_options.progress) ----
 * Workers count the bytes they read through a blob wrapper and the layers
 * they finish; whichever thread notices that MOAT_PROGRESS_INTERVAL_MS has
 * passed reports, under a mutex it only tries to take, so no worker ever
 * waits for the caller's callback. Off (no wrapper, no clock) when the
 * caller set no callback. */

struct progress {
    void (*fn)(void *arg, const struct moat_progress *p);
    void *arg;
    pthread_mutex_t lock;
    struct timespec t0;
    size_t layers;
    uint64_t total;
    atomic_size_t started, done;
    atomic_uint_fast64_t bytes_in, bytes_out, files;
    atomic_int_fast64_t next_ns; /* do not report before this (ns since t0) */
};

static int64_t
since_ns(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)(t.tv_sec - t0->tv_sec) * 1000000000 + (t.tv_nsec - t0->tv_nsec);
}

/* Reports when the interval has passed, or always when last is set (then
 * the caller is the scan's own thread, after the workers). */
static void
progress_tick(struct progress *pg, int last)
{
    struct moat_progress p;
    int64_t now = since_ns(&pg->t0);

    if (!last && now < atomic_load_explicit(&pg->next_ns, memory_order_relaxed))
        return;
    if (last ? pthread_mutex_lock(&pg->lock) != 0 : pthread_mutex_trylock(&pg->lock) != 0)
        return;
    if (last || now >= atomic_load_explicit(&pg->next_ns, memory_order_relaxed)) {
        atomic_store_explicit(&pg->next_ns, now + (int64_t)MOAT_PROGRESS_INTERVAL_MS * 1000000,
                              memory_order_relaxed);
        memset(&p, 0, sizeof(p));
        p.layers = pg->layers;
        p.layers_started = atomic_load(&pg->started);
        p.layers_done = atomic_load(&pg->done);
        p.bytes_in = atomic_load(&pg->bytes_in);
        p.bytes_total = pg->total;
        p.bytes_out = atomic_load(&pg->bytes_out);
        p.files = atomic_load(&pg->files);
        p.elapsed = (double)now / 1e9;
        p.done = last;
        pg->fn(pg->arg, &p);
    }
    pthread_mutex_unlock(&pg->lock);
}

/* A layer blob that counts what is read from it. */
struct counted_blob {
    struct blob pub;
    struct blob *inner;
    struct progress *pg;
};

static ssize_t
counted_read(struct blob *b, void *buf, size_t n)
{
    struct counted_blob *cb = (struct counted_blob *)b;
    ssize_t r = cb->inner->read(cb->inner, buf, n);

    if (r < 0) {
        memcpy(b->err, cb->inner->err, sizeof(b->err));
        return r;
    }
    atomic_fetch_add(&cb->pg->bytes_in, (uint_fast64_t)r);
    progress_tick(cb->pg, 0);
    return r;
}

static void
counted_close(struct blob *b)
{
    struct counted_blob *cb = (struct counted_blob *)b;

    cb->inner->close(cb->inner);
    free(cb);
}

/* layer_scan() with the blob wrapped. When the blob cannot be opened (or
 * wrapped), layer_scan() itself runs and records the failure as usual. */
static int
layer_scan_counted(struct image_desc *img, size_t i, const struct layer_env *env,
                   struct layer_result *lr, struct progress *pg)
{
    const struct layer_desc *ld = &img->layers[i];
    struct blob *blob = NULL;
    struct counted_blob *cb;
    char err[256];

    if (image_open_layer(img, i, &blob, err, sizeof(err)) != 0)
        return layer_scan(img, i, env, lr);
    cb = calloc(1, sizeof(*cb));
    if (!cb) {
        blob->close(blob);
        return layer_scan(img, i, env, lr);
    }
    cb->pub.read = counted_read;
    cb->pub.close = counted_close;
    cb->inner = blob;
    cb->pg = pg;
    return layer_scan_blob(&cb->pub, ld->compression, ld->digest, ld->diff_id, ld->size, env,
                           lr);
}

static void
progress_layer_done(struct progress *pg, const struct layer_result *lr)
{
    atomic_fetch_add(&pg->bytes_out, (uint_fast64_t)lr->out_bytes);
    atomic_fetch_add(&pg->files, (uint_fast64_t)lr->entries.len);
    atomic_fetch_add(&pg->done, 1);
    progress_tick(pg, 0);
}

/* ---- parallel layer passes ---- */

struct pass {
    struct image_desc *img;
    struct layer_result *layers;
    struct layer_env env;
    struct progress *pg;       /* NULL: nobody asked */
    atomic_size_t next;
    volatile int abort;
};

static void *
worker(void *arg)
{
    struct pass *ps = arg;
    int rc;

    for (;;) {
        size_t i = atomic_fetch_add(&ps->next, 1);
        if (i >= ps->img->nlayers || __atomic_load_n(&ps->abort, __ATOMIC_RELAXED))
            break;
        if (ps->pg) {
            atomic_fetch_add(&ps->pg->started, 1);
            rc = layer_scan_counted(ps->img, i, &ps->env, &ps->layers[i], ps->pg);
            progress_layer_done(ps->pg, &ps->layers[i]);
        } else {
            rc = layer_scan(ps->img, i, &ps->env, &ps->layers[i]);
        }
        if (rc != 0)
            __atomic_store_n(&ps->abort, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static unsigned
thread_count(const struct moat_options *opt, size_t layers)
{
    long n = opt->threads ? (long)opt->threads : sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1)
        n = 1;
    if ((size_t)n > layers)
        n = (long)layers;
    if (n > 64)
        n = 64;
    return (unsigned)(n ? n : 1);
}

static int
run_passes(struct pass *ps, unsigned threads)
{
    pthread_t tid[64];
    unsigned i, started = 0;

    if (threads <= 1) {
        worker(ps);
        return 0;
    }
    for (i = 0; i < threads; i++) {
        if (pthread_create(&tid[i], NULL, worker, ps) != 0)
            break;
        started++;
    }
    if (started == 0)
        worker(ps); /* could not start threads: do it here */
    for (i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
#ifdef __GLIBC__
    /* The workers' inflate rings and file buffers are free now, but glibc
     * keeps freed pages of its thread arenas; hand them back before the
     * merge and the analyzers' finish build their indexes, so they do not
     * count twice in the scan's peak memory. */
    malloc_trim(0);
#endif
    return 0;
}

/* ---- result assembly ---- */

struct collected {
    struct pkg *p;
    struct rec *r;
    int layer;
    size_t base;      /* index of r->pkgs[0] in the collected array */
    long final;       /* index in the sorted result */
    long owner;       /* final index of the owning OS package, or -1 */
};

/* Packages between the two halves of building the result: collected,
 * sorted and linked while the merged view exists, copied after it is gone
 * (the copy then shares peak memory with nothing but the layer records). */
struct pkgset {
    struct collected *cp;
    size_t n;
    size_t *order;    /* (rec, local index) in collection order -> final */
};

static int
cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_collected(const void *x, const void *y)
{
    const struct collected *a = x, *b = y;
    int c;

    if (a->p->type != b->p->type)
        return a->p->type < b->p->type ? -1 : 1;
    if ((c = cmp_str(a->p->ns, b->p->ns)) != 0)
        return c;
    if ((c = cmp_str(a->p->name, b->p->name)) != 0)
        return c;
    if ((c = cmp_str(a->p->version, b->p->version)) != 0)
        return c;
    if ((c = cmp_str(a->p->arch, b->p->arch)) != 0)
        return c;
    if ((c = cmp_str(a->p->path ? a->p->path : a->r->path, b->p->path ? b->p->path : b->r->path)) != 0)
        return c;
    return a->layer - b->layer;
}

static int
is_os_type(enum moat_pkg_type t)
{
    return t == MOAT_PKG_DEB || t == MOAT_PKG_APK || t == MOAT_PKG_RPM;
}

#define DUP(s) arena_strdup(ra, (s))

static void
pkgset_free(struct pkgset *ps)
{
    free(ps->cp);
    free(ps->order);
    memset(ps, 0, sizeof(*ps));
}

/* Phase 1: collect the visible packages, attribute layers, sort, link
 * parents and owners. Needs the merged view. */
static int
collect_packages(struct finish_ctx *f, struct pkgset *ps)
{
    struct rec_iter it = {0, 0};
    struct rec *r;
    struct collected *cp = NULL;
    size_t n = 0, total = 0, i, k, *order = NULL;
    int *layer_of = NULL, rc = MOAT_ENOMEM;
    struct map lang_at; /* canonical path of a language package -> its owner */
    struct collected unowned; /* value of lang_at entries without an owner */
    struct arena tmp;
    int need_owners = 0;

    memset(ps, 0, sizeof(*ps));
    map_init(&lang_at);
    arena_init(&tmp);
    while ((r = finish_next(f, NULL, &it)) != NULL)
        if (r->kind == REC_PKGS)
            total += r->npkgs;
    cp = calloc(total ? total : 1, sizeof(*cp));
    layer_of = calloc(total ? total : 1, sizeof(*layer_of));
    order = calloc(total ? total : 1, sizeof(*order));
    if (!cp || !layer_of || !order)
        goto out;
    rc = finish_db_layers(f, layer_of, total, &k);
    if (rc)
        goto out;
    rc = MOAT_ENOMEM;
    it.layer = it.i = 0;
    while ((r = finish_next(f, NULL, &it)) != NULL) {
        size_t base = n;
        if (r->kind != REC_PKGS)
            continue;
        for (i = 0; i < r->npkgs; i++, n++) {
            cp[n].p = &r->pkgs[i];
            cp[n].r = r;
            cp[n].layer = layer_of[n];
            cp[n].base = base;
            cp[n].owner = -1;
            if (!is_os_type(r->pkgs[i].type))
                need_owners = 1;
        }
    }
    qsort(cp, n, sizeof(*cp), cmp_collected);
    for (i = 0; i < n; i++) {
        order[cp[i].base + (size_t)(cp[i].p - cp[i].r->pkgs)] = i;
        cp[i].final = (long)i;
    }
    /* which OS package owns the file each language package came from:
     * index the (few) language packages by their file's canonical path,
     * then walk the OS packages' file lists once, canonicalising each
     * path on the stack (no copy of the lists). After the sort: the map
     * points into cp. */
    if (need_owners) {
        char canon[MOAT_LIMIT_PATH + 1];
        for (i = 0; i < n; i++) {
            const struct pkg *p = cp[i].p;
            const char *src = p->path ? p->path : cp[i].r->path;
            char *key;
            if (is_os_type(p->type) || finish_canonical(f, src, canon, sizeof(canon)) != 0)
                continue;
            key = arena_strdup(&tmp, canon);
            if (!key || map_put(&lang_at, key, &unowned, NULL))
                goto out;
        }
        for (i = 0; i < n && lang_at.len; i++) {
            const struct pkg *p = cp[i].p;
            size_t j;
            if (!is_os_type(p->type))
                continue;
            for (j = 0; j < p->nfiles; j++) {
                /* the first owner wins; map_put on an existing key keeps the
                 * stored key, so the stack buffer is never kept */
                if (finish_canonical(f, p->files[j], canon, sizeof(canon)) == 0 &&
                    map_get(&lang_at, canon) == &unowned &&
                    map_put(&lang_at, canon, &cp[i], NULL) != 0)
                    goto out;
            }
        }
        for (i = 0; i < n; i++) {
            const struct pkg *p = cp[i].p;
            const char *src = p->path ? p->path : cp[i].r->path;
            struct collected *own;
            if (is_os_type(p->type) || finish_canonical(f, src, canon, sizeof(canon)) != 0)
                continue;
            own = map_get(&lang_at, canon);
            if (own && own != &unowned)
                cp[i].owner = own->final;
        }
    }
    ps->cp = cp;
    ps->n = n;
    ps->order = order;
    cp = NULL;
    order = NULL;
    rc = 0;
out:
    map_free(&lang_at);
    arena_free(&tmp);
    free(order);
    free(cp);
    free(layer_of);
    return rc;
}

/* Phase 2: copy the packages into the result. */
static int
copy_packages(const struct pkgset *ps, const struct moat_distro *distro,
              struct moat_result *res, struct arena *ra)
{
    const struct collected *cp = ps->cp;
    size_t n = ps->n, i, j;

    res->packages = arena_alloc(ra, (n ? n : 1) * sizeof(*res->packages));
    if (!res->packages)
        return MOAT_ENOMEM;
    res->npackages = n;
    for (i = 0; i < n; i++) {
        const struct pkg *p = cp[i].p;
        struct moat_package *o = &res->packages[i];
        const char *src = p->path ? p->path : cp[i].r->path;

        o->type = p->type;
        o->ns = DUP(p->ns);
        o->name = DUP(p->name);
        o->version = DUP(p->version);
        o->arch = DUP(p->arch);
        o->source_name = DUP(p->source_name);
        o->source_version = DUP(p->source_version);
        o->license = DUP(p->license);
        o->supplier = DUP(p->supplier);
        o->purl = purl_build(ra, p, distro);
        o->path = arena_printf(ra, "/%s", src);
        o->found_by = cp[i].r->an->name;
        o->layer = cp[i].layer;
        o->owner = cp[i].owner;
        o->parent = -1;
        if (p->parent >= 0 && (size_t)p->parent < cp[i].r->npkgs)
            o->parent = (long)ps->order[cp[i].base + (size_t)p->parent];
        if (p->nfiles) {
            o->files = arena_alloc(ra, p->nfiles * sizeof(*o->files));
            if (!o->files)
                return MOAT_ENOMEM;
            for (j = 0; j < p->nfiles; j++)
                o->files[j] = DUP(p->files[j]);
            o->nfiles = p->nfiles;
        }
        if (p->nprops) {
            struct moat_prop *pr = arena_alloc(ra, p->nprops * sizeof(*pr));
            if (!pr)
                return MOAT_ENOMEM;
            for (j = 0; j < p->nprops; j++) {
                pr[j].name = DUP(p->props[j].name);
                pr[j].value = DUP(p->props[j].value);
            }
            o->props = pr;
            o->nprops = p->nprops;
        }
        if (!o->name || !o->purl || !o->path)
            return MOAT_ENOMEM;
    }
    return 0;
}

static void
finding_from_layer(struct moat_finding *o, struct arena *ra, const struct layer_finding *lf,
                   const char *path, int layer, int removed)
{
    const char *p = lf->path ? lf->path : path;

    memset(o, 0, sizeof(*o));
    o->kind = DUP(lf->kind);
    o->id = DUP(lf->id);
    o->severity = DUP(lf->severity ? lf->severity : "medium");
    o->title = DUP(lf->title);
    o->evidence = DUP(lf->evidence);
    o->path = p ? (p[0] == '/' ? DUP(p) : arena_printf(ra, "/%s", p)) : NULL;
    o->layer = layer;
    o->package = -1;
    o->score = -1;
    o->removed = removed;
    o->offset = lf->offset == UINT64_MAX ? -1 : (int64_t)lf->offset;
}

/* Findings of the layer passes (every record, visible or not: a file a
 * later layer deleted or replaced still ships in its layer, "removed") and
 * of the analyzers' finish steps, into the result. */
static int
copy_findings(struct finish_ctx *f, struct moat_result *res, const struct pkgset *ps)
{
    struct arena *ra = result_arena(res);
    struct rec_iter it = {0, 0};
    struct rec *r;
    struct vec out;
    size_t i;
    int rc = 0;

    (void)ps;
    vec_init(&out, sizeof(struct moat_finding), (size_t)-1 / sizeof(struct moat_finding));
    while ((r = finish_next_any(f, NULL, &it)) != NULL) {
        for (i = 0; i < r->nfindings; i++) {
            const struct layer_finding *lf = &r->findings[i];
            struct moat_finding *o = vec_push(&out);
            if (!o) {
                rc = MOAT_ENOMEM;
                goto out;
            }
            finding_from_layer(o, ra, lf, r->path, r->layer, !r->visible);
        }
    }
    for (i = 0; i < f->findings.len; i++) {
        const struct finish_finding *ff = VEC_AT(&f->findings, struct finish_finding, i);
        struct moat_finding *o = vec_push(&out);
        if (!o) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        finding_from_layer(o, ra, &ff->f, ff->f.path, ff->layer, ff->removed);
    }
    rc = result_add_findings(res, out.items, out.len);
out:
    vec_free(&out);
    return rc;
}

static int
build_image(struct image_desc *img, struct layer_result *layers, struct moat_result *res,
            struct arena *ra)
{
    struct moat_image *mi = &res->image;
    size_t i;

    mi->transport = DUP(img->transport);
    mi->reference = DUP(img->reference);
    mi->name = DUP(img->name);
    mi->digest = DUP(img->manifest_digest);
    mi->config_digest = DUP(img->config_digest);
    mi->os = DUP(img->os);
    mi->architecture = DUP(img->architecture);
    mi->variant = DUP(img->variant);
    mi->created = DUP(img->created);
    mi->config_json = DUP(img->config_json);
    mi->nlayers = img->nlayers;
    mi->layers = arena_alloc(ra, (img->nlayers ? img->nlayers : 1) * sizeof(*mi->layers));
    if (!mi->layers)
        return MOAT_ENOMEM;
    for (i = 0; i < img->nlayers; i++) {
        const struct layer_desc *ld = &img->layers[i];
        struct moat_layer *l = &mi->layers[i];
        l->index = (unsigned)i;
        l->digest = DUP(ld->digest ? ld->digest : layers[i].digest);
        l->diff_id = DUP(ld->diff_id ? ld->diff_id : layers[i].diff_id);
        l->media_type = DUP(ld->media_type);
        l->compression = layers[i].compression;
        l->size = layers[i].in_bytes;
        l->uncompressed_size = layers[i].out_bytes;
        l->entries = layers[i].entries.len;
        l->created_by = DUP(ld->created_by);
    }
    return 0;
}

static int
add_problems(struct moat_result *res, struct arena *ra, const struct moat_problem *src,
             size_t n, size_t *cap)
{
    size_t i;

    for (i = 0; i < n; i++) {
        struct moat_problem *p;
        if (res->nproblems == *cap) {
            struct moat_problem *np;
            size_t nc = *cap ? *cap * 2 : 16;
            np = arena_alloc(ra, nc * sizeof(*np));
            if (!np)
                return MOAT_ENOMEM;
            if (res->nproblems)
                memcpy(np, res->problems, res->nproblems * sizeof(*np));
            res->problems = np;
            *cap = nc;
        }
        p = &res->problems[res->nproblems++];
        p->grade = src[i].grade;
        p->layer = src[i].layer;
        p->path = DUP(src[i].path);
        p->source = DUP(src[i].source);
        p->message = DUP(src[i].message);
    }
    return 0;
}

static void
fatal_line(char *errbuf, size_t errlen, struct image_desc *img, struct layer_result *lr)
{
    const struct layer_desc *ld = &img->layers[lr->index];
    const char *id = ld->digest ? ld->digest : ld->member ? ld->member : ld->diff_id;

    if (img->rootfs)
        snprintf(errbuf, errlen, "%s: %s", img->rootfs_path, lr->fatal_msg);
    else
        snprintf(errbuf, errlen, "layer %d (%s): %s", lr->index, id ? id : "?", lr->fatal_msg);
}

enum moat_grade
moat_scan(const char *target, const struct moat_options *optin, struct moat_result **out,
          char *errbuf, size_t errlen)
{
    struct moat_options defopt;
    const struct moat_options *opt = optin;
    struct image_desc *img = NULL;
    struct layer_result *layers = NULL;
    struct result_impl *ri = NULL;
    struct moat_result *res;
    struct finish_ctx fc;
    struct fs fs;
    struct vec **entries = NULL;
    struct pass ps;
    struct pkgset pset = {0};
    void **shared = NULL;
    struct progress *pg = NULL;
    struct spill *sp = NULL;
    char sperr[512];
    enum moat_grade grade = MOAT_FATAL;
    size_t i, pcap = 0;
    uint64_t total = 0;
    int rc, merged = 0;
    char err[1024];

    *out = NULL;
    memset(&fc, 0, sizeof(fc));
    vec_init(&fc.problems, sizeof(struct moat_problem), 100000);
    if (!opt) {
        moat_options_init(&defopt);
        opt = &defopt;
    }
    if (analyzer_table_check(errbuf, errlen) != 0)
        return MOAT_FATAL;
    rc = image_open(target, opt, &img, err, sizeof(err));
    if (rc) {
        snprintf(errbuf, errlen, "%s", err);
        return MOAT_FATAL;
    }
    if (img->nlayers > opt->limits.layers) {
        snprintf(errbuf, errlen, "%zu layers, more than the limit of %u", img->nlayers,
                 opt->limits.layers);
        goto out;
    }
    /* what grows with the file count goes to a spill file; without one
     * (no writable temporary directory) it stays on the heap */
    sperr[0] = '\0';
    if (spill_open(&sp, opt->tmp_dir, opt->limits.spill_bytes, MOAT_LIMIT_RESIDENT, sperr,
                   sizeof(sperr)) != 0)
        sp = NULL;
    layers = calloc(img->nlayers ? img->nlayers : 1, sizeof(*layers));
    if (!layers)
        goto oom;
    for (i = 0; i < img->nlayers; i++) {
        layer_result_init(&layers[i], (int)i);
        if (sp)
            layer_result_spill(&layers[i], sp);
    }
    memset(&ps, 0, sizeof(ps));
    ps.img = img;
    ps.layers = layers;
    ps.env.lim = &opt->limits;
    ps.env.opt = opt;
    ps.env.abort = &ps.abort;
    atomic_init(&ps.next, 0);
    /* compile once what every worker shares (rules, pattern databases) */
    shared = calloc(analyzer_count ? analyzer_count : 1, sizeof(*shared));
    if (!shared)
        goto oom;
    for (i = 0; i < analyzer_count; i++) {
        const struct analyzer *an = analyzer_table[i];
        if (an->init && an->init(opt, img, &shared[i], err, sizeof(err)) != 0) {
            snprintf(errbuf, errlen, "%s: %s", an->name, err);
            goto out;
        }
    }
    ps.env.shared = shared;
    fc.shared = shared;
    if (opt->progress) {
        pg = calloc(1, sizeof(*pg));
        if (!pg || pthread_mutex_init(&pg->lock, NULL) != 0) {
            free(pg);
            pg = NULL;
            goto oom;
        }
        pg->fn = opt->progress;
        pg->arg = opt->progress_arg;
        pg->layers = img->rootfs ? 1 : img->nlayers;
        for (i = 0; i < img->nlayers; i++) {
            if (img->layers[i].size < 0) {
                pg->total = 0;
                break;
            }
            pg->total += (uint64_t)img->layers[i].size;
        }
        clock_gettime(CLOCK_MONOTONIC, &pg->t0);
        ps.pg = pg;
    }
    if (img->rootfs) {
        if (pg)
            atomic_fetch_add(&pg->started, 1);
        rootfs_scan(img, &ps.env, &layers[0]);
        if (pg)
            progress_layer_done(pg, &layers[0]);
    } else {
        run_passes(&ps, thread_count(opt, img->nlayers));
    }
    if (pg)
        progress_tick(pg, 1);
    for (i = 0; i < img->nlayers; i++) {
        if (layers[i].fatal) {
            fatal_line(errbuf, errlen, img, &layers[i]);
            goto out;
        }
        total += layers[i].out_bytes;
    }
    if (total > opt->limits.image_bytes) {
        snprintf(errbuf, errlen, "image expands to %llu bytes, more than the limit of %llu",
                 (unsigned long long)total, (unsigned long long)opt->limits.image_bytes);
        goto out;
    }
    entries = calloc(img->nlayers ? img->nlayers : 1, sizeof(*entries));
    if (!entries)
        goto oom;
    for (i = 0; i < img->nlayers; i++)
        entries[i] = &layers[i].entries;
    if (fs_merge_spill(&fs, entries, img->nlayers, sp) != 0)
        goto oom;
    merged = 1;
    ri = calloc(1, sizeof(*ri));
    if (!ri)
        goto oom;
    arena_init(&ri->arena);
    res = &ri->pub;
    fc.img = img;
    fc.layers = layers;
    fc.nlayers = img->nlayers;
    fc.fs = &fs;
    fc.arena = &ri->arena;
    if (!sp)
        finish_problem(&fc, MOAT_WARN, -1, NULL, "scan",
                       "file records kept in memory (%s): memory grows with the file count",
                       sperr);
    finish_mark_visible(&fc);
    for (i = 0; i < analyzer_count; i++) {
        const struct analyzer *an = analyzer_table[i];
        if (an->init && !shared[i])
            continue; /* off for this scan */
        if (an->finish && (rc = an->finish(&fc, an)) != 0)
            finish_problem(&fc, MOAT_FAILED, -1, NULL, an->name, "could not finish: %s",
                           moat_strerror(rc));
    }
    res->target = arena_strdup(&ri->arena, target);
    res->base_layers = -1;
    res->distro = fc.distro;
    res->files = fs.files;
    res->unmanaged = fc.unmanaged; /* lives in the result arena */
    if (build_image(img, layers, res, &ri->arena) || collect_packages(&fc, &pset))
        goto oom;
    /* the merged view, entry tables and paths are no longer needed: free
     * them before the copy so that both never share the peak */
    fs_free(&fs);
    merged = 0;
    for (i = 0; i < img->nlayers; i++) {
        vec_free(&layers[i].entries);
        arena_free(&layers[i].paths);
    }
    if (copy_packages(&pset, &fc.distro, res, &ri->arena) || copy_findings(&fc, res, &pset))
        goto oom;
    if (add_problems(res, &ri->arena, img->warnings, img->nwarnings, &pcap))
        goto oom;
    for (i = 0; i < img->nlayers; i++)
        if (add_problems(res, &ri->arena, layers[i].problems.items, layers[i].problems.len,
                         &pcap))
            goto oom;
    if (add_problems(res, &ri->arena, fc.problems.items, fc.problems.len, &pcap))
        goto oom;
    /* without a policy nothing is denied (policies: issue #5) */
    res->verdict = "allow";
    grade = MOAT_OK;
    for (i = 0; i < res->nproblems; i++)
        if (res->problems[i].grade > grade)
            grade = res->problems[i].grade;
    *out = res;
    ri = NULL;
    goto out;
oom:
    snprintf(errbuf, errlen, "out of memory");
    grade = MOAT_FATAL;
out:
    if (ri)
        moat_result_free(&ri->pub);
    if (merged)
        fs_free(&fs);
    pkgset_free(&pset);
    for (i = 0; shared && i < analyzer_count; i++)
        if (analyzer_table[i]->fini)
            analyzer_table[i]->fini(shared[i]);
    free(shared);
    if (pg) {
        pthread_mutex_destroy(&pg->lock);
        free(pg);
    }
    free(entries);
    vec_free(&fc.problems);
    vec_free(&fc.findings);
    finish_owners_free(&fc);
    if (layers)
        for (i = 0; i < img->nlayers; i++)
            layer_result_free(&layers[i]);
    free(layers);
    spill_close(sp);   /* after everything that lived in it */
    image_desc_free(img);
    return grade;
}

struct arena *
result_arena(struct moat_result *res)
{
    return &((struct result_impl *)res)->arena;
}

int
result_add_findings(struct moat_result *res, const struct moat_finding *f, size_t n)
{
    struct moat_finding *nf;

    if (n == 0)
        return 0;
    nf = arena_alloc(result_arena(res), (res->nfindings + n) * sizeof(*nf));
    if (!nf)
        return MOAT_ENOMEM;
    if (res->nfindings)
        memcpy(nf, res->findings, res->nfindings * sizeof(*nf));
    memcpy(nf + res->nfindings, f, n * sizeof(*nf));
    res->findings = nf;
    res->nfindings += n;
    return 0;
}

int
result_add_problem(struct moat_result *res, enum moat_grade g, int layer, const char *path,
                   const char *source, const char *fmt, ...)
{
    struct arena *a = result_arena(res);
    struct moat_problem *np;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = arena_vprintf(a, fmt, ap);
    va_end(ap);
    np = arena_alloc(a, (res->nproblems + 1) * sizeof(*np));
    if (!msg || !np)
        return MOAT_ENOMEM;
    if (res->nproblems)
        memcpy(np, res->problems, res->nproblems * sizeof(*np));
    np[res->nproblems].grade = g;
    np[res->nproblems].layer = layer;
    np[res->nproblems].path = arena_strdup(a, path);
    np[res->nproblems].source = arena_strdup(a, source);
    np[res->nproblems].message = msg;
    res->problems = np;
    res->nproblems++;
    return 0;
}

int
moat_result_add_problem(struct moat_result *res, enum moat_grade g, const char *source,
                        const char *message)
{
    return result_add_problem(res, g, -1, NULL, source, "%s", message) ? -1 : 0;
}

void
moat_result_free(struct moat_result *res)
{
    struct result_impl *ri = (struct result_impl *)res;

    if (!ri)
        return;
    arena_free(&ri->arena);
    free(ri);
}

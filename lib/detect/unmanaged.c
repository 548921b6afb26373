/*
 * unmanaged.c - software that no package manager knows: the analyzer
 * `unmanaged` (MOAT_DETECT_UNMANAGED). Scanners that trust package-manager
 * metadata miss whatever was copied into an image or built from source;
 * this detector closes that hole in three parts.
 *
 * 1. Classifiers. Every ELF executable and shared library is streamed once
 *    through the classifier patterns (classifiers.c) while the layer passes;
 *    a Java runtime is recognised from its `release` file. What is found is
 *    a package of type generic (pkg:generic/openssl@3.0.11) with the file's
 *    path, layer and the text it was read from, so the advisory matcher can
 *    use it. In the finish step every such package whose file an OS package
 *    owns is dropped: a distro's binary carries the upstream version string
 *    but the distro's backported fixes, so matching it would only produce
 *    false alarms (the OS package is what is matched).
 *
 * 2. The unowned list. After the merge, every executable (a regular file
 *    with an x bit) and every ELF file named like a shared library (*.so,
 *    *.so.N) of the final filesystem is attributed, in this order, to an OS
 *    package that lists it (finish_owner: usrmerge and other directory
 *    symlinks resolved), to dpkg itself (maintainer scripts under
 *    var/lib/dpkg/info/), to a language package (the Go or Rust binary a
 *    package was read from; any file under an npm package's directory, a
 *    gem's directory or a Composer package's directory; the files a pip
 *    install lists in its dist-info RECORD; files directly in the directory
 *    of a .NET deps.json that names NuGet packages) or to a classifier
 *    package (the file itself, the version-less libssl beside an identified
 *    libcrypto, anything under the home of an identified Java runtime).
 *    What is left is listed with its size and layer. Symlinks (Debian's
 *    alternatives) are not files and are not counted.
 *
 * 3. The coverage figure: the share of those files, and of their bytes,
 *    that a package accounts for.
 *
 * The detector makes no findings: its results are packages and the
 * "unmanaged" section of the report (struct moat_unmanaged).
 *
 * Cost: the per-file state is small and fixed; the matcher's stream and
 * look-behind window (about 8 KiB) are allocated only once a file's first
 * bytes say it is ELF, and freed when it ends. Per ELF file the layer pass
 * keeps one record (to tell ELF from non-ELF files later); the finish step
 * holds maps of the executables' attributions and a bounded heap of the
 * unowned paths.
 */
#include "analyze/analyzer.h"
#include "analyze/elf.h"
#include "analyze/finish.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/path.h"
#include "base/str.h"
#include "detect/classifiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Hits kept per file: one per family at most, so at least classifier_count
 * (checked in um_init) and no identification is ever dropped. */
#define MAX_HITS 32

/* What one of this analyzer's records is (rec->data). */
enum um_kind {
    UM_ELF = 1,    /* an ELF file (REC_DATA), or one with classifier packages */
    UM_JAVA,       /* a Java runtime's release file (REC_PKGS) */
    UM_RECORD,     /* a pip install's dist-info/RECORD (REC_DATA) */
};

struct um_data {
    enum um_kind kind;
};

static const struct um_data elf_mark = {UM_ELF};
static const struct um_data java_mark = {UM_JAVA};

/* The executables a pip install put down (RECORD paths, relative to the
 * site-packages directory; only the ones that may be executables). */
struct py_record {
    struct um_data h;
    const char **paths;
    size_t n;
};

struct um_shared {
    struct cl_db *db;
};

static int
um_init(const struct moat_options *opt, const struct image_desc *img, void **state,
        char *err, size_t errlen)
{
    struct um_shared *sh;

    (void)img;
    *state = NULL;
    if (opt && !(opt->detect.enabled & MOAT_DETECT_UNMANAGED))
        return 0;
    if (classifier_count > MAX_HITS) {
        snprintf(err, errlen, "%zu classifier families, more than MAX_HITS", classifier_count);
        return -1;
    }
    sh = calloc(1, sizeof(*sh));
    if (!sh) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (cl_db_new(&sh->db, err, errlen) != 0) {
        free(sh);
        return -1;
    }
    *state = sh;
    return 0;
}

static void
um_fini(void *state)
{
    struct um_shared *sh = state;

    if (!sh)
        return;
    cl_db_free(sh->db);
    free(sh);
}

/* <dir>.dist-info/RECORD */
static int
is_record(const struct entry *e)
{
    size_t dl;

    if (strcmp(e->base, "RECORD") != 0 || e->base == e->path)
        return 0;
    dl = (size_t)(e->base - e->path) - 1; /* the '/' before RECORD */
    return dl > 10 && memcmp(e->path + dl - 10, ".dist-info", 10) == 0;
}

static enum want
um_wants(const struct entry *e)
{
    if (e->le->type == ENTRY_REG && strcmp(e->base, "release") == 0)
        return e->le->size <= MOAT_LIMIT_JAVA_RELEASE ? WANT_WHOLE : WANT_NO;
    if (e->le->type == ENTRY_REG && is_record(e))
        return WANT_WHOLE;
    return exe_candidate(e) ? WANT_STREAM : WANT_NO;
}

/* ---- Java runtimes: the release file ---- */

/* The value of KEY="value" (or KEY=value) in a release file, or NULL. */
static char *
release_value(struct arena *a, const char *buf, size_t len, const char *key)
{
    const char *cur = buf, *end = buf + len, *line;
    size_t n, kl = strlen(key);

    while (str_next_line(&cur, end, &line, &n)) {
        const char *v;
        size_t vn;
        str_trim(&line, &n);
        if (n <= kl || memcmp(line, key, kl) != 0 || line[kl] != '=')
            continue;
        v = line + kl + 1;
        vn = n - kl - 1;
        if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
            v++;
            vn -= 2;
        }
        return vn ? arena_strndup(a, v, vn) : NULL;
    }
    return NULL;
}

static int
java_release(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    char *version, *impl, *runtime;
    struct rec *r;
    struct pkg *p;
    int rc;

    if (memchr(buf, '\0', len))
        return 0; /* not a text file: some other file named release */
    version = release_value(c->arena, buf, len, "JAVA_VERSION");
    if (!version)
        return 0; /* not a Java runtime's release file */
    if (!pkg_token_okz(version) || version[0] < '0' || version[0] > '9') {
        actx_problem(c, MOAT_FAILED, e->path,
                     "Java release file: JAVA_VERSION is not a version; runtime not reported");
        return 0;
    }
    impl = release_value(c->arena, buf, len, "IMPLEMENTOR");
    runtime = release_value(c->arena, buf, len, "JAVA_RUNTIME_VERSION");
    r = rec_new(c, REC_PKGS, e->path);
    if (!r)
        return MOAT_ENOMEM;
    r->data = (void *)&java_mark;
    p = rec_add_pkgs(c, r, 1);
    if (!p)
        return MOAT_ENOMEM;
    p->type = MOAT_PKG_GENERIC;
    p->name = "java"; /* classifier_table's F_JAVA */
    p->version = version;
    rc = pkg_prop(c, p, "unmanaged:evidence",
                  arena_printf(c->arena, "JAVA_VERSION=\"%s\"", version));
    if (!rc && impl && pkg_text_okz(impl))
        rc = pkg_prop(c, p, "java:implementor", impl);
    if (!rc && runtime && pkg_token_okz(runtime))
        rc = pkg_prop(c, p, "java:runtime-version", runtime);
    return rc;
}

/* ---- pip installs: dist-info/RECORD ---- */

static int
lib_named(const char *base)
{
    const char *so;

    if (str_ends(base, ".so"))
        return 1;
    so = strstr(base, ".so.");
    if (!so || !so[4])
        return 0;
    for (so += 4; *so; so++)
        if (!((*so >= '0' && *so <= '9') || *so == '.'))
            return 0;
    return 1;
}

/* RECORD lists every file of a distribution; only these can be executables:
 * shared libraries, files without an extension (bundled programs) and
 * files outside site-packages (console scripts in ../../../bin). */
static int
record_keeps(const char *p, size_t n)
{
    size_t i, b = 0;

    if (n >= 3 && memcmp(p, "../", 3) == 0)
        return 1;
    for (i = 0; i < n; i++)
        if (p[i] == '/')
            b = i + 1;
    if (!memchr(p + b, '.', n - b))
        return 1;
    for (i = b; i + 3 <= n; i++)
        if (memcmp(p + i, ".so", 3) == 0 && (i + 3 == n || p[i + 3] == '.'))
            return 1;
    return 0;
}

/* The first CSV field of a RECORD line (quoted per RFC 4180, as Python's
 * csv module writes it). Returns its length in out (in a), or -1 when the
 * quoting is broken. */
static int
record_path(struct arena *a, const char *line, size_t n, char **out)
{
    size_t i, o = 0;
    char *buf;

    *out = NULL;
    if (n == 0 || line[0] != '"') {
        size_t k = 0;
        while (k < n && line[k] != ',')
            k++;
        if (!record_keeps(line, k))
            return 0;
        *out = arena_strndup(a, line, k);
        return *out ? (int)k : -1;
    }
    buf = arena_alloc(a, n);
    if (!buf)
        return -1;
    for (i = 1; i < n; i++) {
        if (line[i] == '"') {
            if (i + 1 < n && line[i + 1] == '"') {
                buf[o++] = '"';
                i++;
                continue;
            }
            break;
        }
        buf[o++] = line[i];
    }
    if (i >= n || memchr(buf, '\0', o))
        return -1;
    buf[o] = '\0';
    if (record_keeps(buf, o))
        *out = buf;
    return (int)o;
}

static int
pip_record(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len, *line;
    struct py_record *pr;
    size_t n, lines = 0, bad = 0, k = 0, first_bad = 0;
    struct rec *r;

    while (str_next_line(&cur, end, &line, &n))
        lines++;
    if (lines > MOAT_LIMIT_DB_PACKAGES) {
        actx_problem(c, MOAT_FAILED, e->path,
                     "pip RECORD of %zu lines, more than %d; its files are not attributed", lines,
                     MOAT_LIMIT_DB_PACKAGES);
        return 0;
    }
    pr = arena_alloc(c->arena, sizeof(*pr));
    if (!pr)
        return MOAT_ENOMEM;
    pr->h.kind = UM_RECORD;
    pr->paths = arena_alloc(c->arena, (lines ? lines : 1) * sizeof(*pr->paths));
    if (!pr->paths)
        return MOAT_ENOMEM;
    cur = buf;
    while (str_next_line(&cur, end, &line, &n)) {
        char *p;
        if (n == 0)
            continue;
        if (record_path(c->arena, line, n, &p) < 0) {
            if (bad++ == 0)
                first_bad = k + bad;
            continue;
        }
        if (p && p[0])
            pr->paths[k++] = p;
    }
    pr->n = k;
    if (bad)
        actx_problem(c, MOAT_WARN, e->path,
                     "pip RECORD: %zu line(s) with broken quoting (first near entry %zu); "
                     "their files are not attributed",
                     bad, first_bad);
    if (k == 0)
        return 0;
    r = rec_new(c, REC_DATA, e->path);
    if (!r)
        return MOAT_ENOMEM;
    r->data = pr;
    return 0;
}

static int
um_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    if (strcmp(e->base, "release") == 0)
        return java_release(c, e, buf, len);
    return pip_record(c, e, buf, len);
}

/* ---- ELF files: the classifiers ---- */

/* Per-file state; the matcher (cl_scan) is allocated only for ELF files
 * and freed by um_free. */
struct um_file {
    const char *path, *base;   /* the entry's, valid while it is dispatched */
    struct um_shared *sh;
    unsigned char head[EXE_MAGIC_LEN];
    size_t nhead;
    int elf, capped, failed;
    uint64_t fed;
    struct cl_scan *scan;
};

static int
um_begin(struct actx *c, const struct entry *e, void *state)
{
    struct um_file *f = state;

    f->path = e->path;
    f->base = e->base;
    f->sh = c->an_shared;
    return f->sh ? 0 : 1; /* defensive: the dispatcher skips it when off */
}

static int
feed(struct um_file *f, const unsigned char *p, size_t n)
{
    uint64_t room = MOAT_LIMIT_CLASSIFY_BYTES - f->fed;

    if (n > room) {
        n = (size_t)room;
        f->capped = 1;
    }
    if (n && cl_scan_feed(f->scan, p, n) != 0) {
        f->failed = 1;
        return 1;
    }
    f->fed += n;
    return f->capped;
}

static int
um_chunk(struct actx *c, void *state, const unsigned char *p, size_t n)
{
    struct um_file *f = state;
    int rc;

    (void)c;
    if (!f->elf) {
        size_t take = EXE_MAGIC_LEN - f->nhead < n ? EXE_MAGIC_LEN - f->nhead : n;
        memcpy(f->head + f->nhead, p, take);
        f->nhead += take;
        p += take;
        n -= take;
        if (f->nhead < EXE_MAGIC_LEN)
            return 0;
        if (exe_kind(f->head, f->nhead) != EXE_ELF)
            return 1; /* a script, or another format: nothing to read */
        f->elf = 1;
        rc = cl_scan_new(f->sh->db, &f->scan);
        if (rc)
            return rc;
        if (feed(f, f->head, f->nhead))
            return 1;
    }
    return feed(f, p, n);
}

static int
um_end(struct actx *c, const struct entry *e, void *state)
{
    struct um_file *f = state;
    struct cl_hit hits[MAX_HITS];
    size_t k = 0, i;
    struct rec *r;

    (void)e;
    if (!f->elf)
        return 0;
    if (f->failed)
        actx_problem(c, MOAT_FAILED, f->path,
                     "the version-string matcher failed on this file; it was not classified");
    if (f->capped)
        actx_problem(c, MOAT_WARN, f->path,
                     "only the first %u MiB were searched for version strings",
                     (unsigned)(MOAT_LIMIT_CLASSIFY_BYTES >> 20));
    if (f->scan)
        k = cl_scan_result(f->scan, f->base, hits, MAX_HITS, NULL, NULL);
    r = rec_new(c, k ? REC_PKGS : REC_DATA, f->path);
    if (!r)
        return MOAT_ENOMEM;
    r->data = (void *)&elf_mark;
    for (i = 0; i < k; i++) {
        struct pkg *p;
        if (!pkg_token_okz(hits[i].version))
            continue; /* defensive: the parser only keeps [0-9a-z.] */
        p = rec_add_pkgs(c, r, 1);
        if (!p)
            return MOAT_ENOMEM;
        p->type = MOAT_PKG_GENERIC;
        p->name = classifier_table[hits[i].family].name;
        p->version = arena_strdup(c->arena, hits[i].version);
        if (!p->version ||
            pkg_prop(c, p, "unmanaged:evidence", hits[i].evidence) != 0)
            return MOAT_ENOMEM;
    }
    return 0;
}

static void
um_free(void *state)
{
    struct um_file *f = state;

    cl_scan_free(f->scan);
}

/* ---- after the merge: attribution, the unowned list, coverage ---- */

enum tag {
    TAG_LANG = 1,
    TAG_CLASSIFIER,
};

/* A classifier package's file, for its version-less companions. */
struct classified {
    const char *dir;           /* canonical directory */
    size_t family;
};

struct attrib {
    struct arena tmp;          /* keys of the maps below */
    struct map exact;          /* canonical path -> tag */
    struct map below;          /* canonical directory -> tag, for all below it */
    struct map directly;       /* canonical directory -> tag, its own files */
    struct map elf;            /* entry path -> visible ELF record */
    struct vec classified;     /* struct classified */
};


/* One unowned file, while the list is collected (key in the layer paths). */
struct stray {
    const char *key;
    uint64_t size;
    int layer;
    int elf;
};

static int
put_canon(struct finish_ctx *f, struct attrib *a, struct map *m, const char *path, enum tag t)
{
    char canon[MOAT_LIMIT_PATH + 1];
    char *key;

    if (finish_canonical(f, path, canon, sizeof(canon)) != 0 || map_get(m, canon))
        return 0;
    key = arena_strdup(&a->tmp, canon);
    if (!key)
        return MOAT_ENOMEM;
    return map_put(m, key, (void *)(uintptr_t)t, NULL);
}

/* The directory part of path into out ("" for a top-level name). */
static void
dir_of(const char *path, char *out, size_t cap)
{
    size_t n = path_dirlen(path);

    if (n >= cap)
        n = 0;
    memcpy(out, path, n);
    out[n] = '\0';
}

/* What a language package accounts for, by type. */
static int
attribute_lang(struct finish_ctx *f, struct attrib *a, const struct rec *r, const struct pkg *p)
{
    char dir[MOAT_LIMIT_PATH + 1], buf[MOAT_LIMIT_PATH + 1];
    const char *src = p->path ? p->path : r->path;

    while (*src == '/')
        src++;
    switch (p->type) {
    case MOAT_PKG_NPM:
        /* node_modules/<name>/package.json: the package directory */
        dir_of(r->path, dir, sizeof(dir));
        return dir[0] ? put_canon(f, a, &a->below, dir, TAG_LANG) : 0;
    case MOAT_PKG_GEM: {
        /* <root>/specifications/<gem>.gemspec: <root>/gems/<gem>/ (default
         * gems live in the Ruby library itself) */
        const char *b = path_base(r->path);
        size_t bl = strlen(b), dl = path_dirlen(r->path);
        if (bl <= 8 || dl < 14 || strcmp(r->path + dl - 14, "specifications") != 0)
            return 0;
        if (snprintf(buf, sizeof(buf), "%.*sgems/%.*s", (int)(dl - 14), r->path, (int)(bl - 8),
                     b) >= (int)sizeof(buf))
            return 0;
        return put_canon(f, a, &a->below, buf, TAG_LANG);
    }
    case MOAT_PKG_COMPOSER: {
        /* <vendor>/composer/installed.json: <vendor>/<ns>/<name>/ and the
         * proxies Composer writes to <vendor>/bin */
        size_t dl = path_dirlen(r->path), vl;
        int rc;
        if (dl < 8 || strcmp(r->path + dl - 8, "composer") != 0)
            return 0;
        vl = dl - 8; /* "<vendor>/" */
        if (snprintf(buf, sizeof(buf), "%.*sbin", (int)vl, r->path) >= (int)sizeof(buf))
            return 0;
        rc = put_canon(f, a, &a->below, buf, TAG_LANG);
        if (rc || !p->name)
            return rc;
        if (snprintf(buf, sizeof(buf), "%.*s%s%s%s", (int)vl, r->path, p->ns ? p->ns : "",
                     p->ns ? "/" : "", p->name) >= (int)sizeof(buf))
            return 0;
        return put_canon(f, a, &a->below, buf, TAG_LANG);
    }
    case MOAT_PKG_NUGET:
        /* an application's deps.json: the native files beside it */
        dir_of(r->path, dir, sizeof(dir));
        return put_canon(f, a, &a->directly, dir, TAG_LANG);
    case MOAT_PKG_PYPI:
        return 0; /* by the files RECORD lists (pip_record) */
    default:
        /* Go and Rust binaries, jars: the file the package was read from */
        return put_canon(f, a, &a->exact, src, TAG_LANG);
    }
}

/* Records of this analyzer: ELF files, classifier packages, Java homes,
 * pip RECORD lists. */
static int
attribute_own(struct finish_ctx *f, struct attrib *a, struct rec *r)
{
    const struct um_data *d = r->data;
    char dir[MOAT_LIMIT_PATH + 1], canon[MOAT_LIMIT_PATH + 1], buf[MOAT_LIMIT_PATH + 1];
    size_t i;
    int rc = 0;

    if (!d)
        return 0;
    if (d->kind == UM_ELF) {
        if (r->kind != REC_PKGS || r->npkgs == 0)
            return 0;
        rc = put_canon(f, a, &a->exact, r->path, TAG_CLASSIFIER);
        dir_of(r->path, dir, sizeof(dir));
        for (i = 0; !rc && i < r->npkgs; i++) {
            int fam = classifier_find(r->pkgs[i].name);
            struct classified *cl;
            if (fam < 0 || !classifier_table[fam].companions)
                continue;
            if (finish_canonical(f, dir, canon, sizeof(canon)) != 0)
                continue;
            cl = vec_push(&a->classified);
            if (!cl)
                return MOAT_ENOMEM;
            cl->dir = arena_strdup(&a->tmp, canon);
            cl->family = (size_t)fam;
            if (!cl->dir)
                return MOAT_ENOMEM;
        }
        return rc;
    }
    if (d->kind == UM_JAVA) {
        if (r->npkgs == 0)
            return 0;
        dir_of(r->path, dir, sizeof(dir));
        return put_canon(f, a, dir[0] ? &a->below : &a->exact, dir[0] ? dir : r->path,
                         TAG_CLASSIFIER);
    }
    if (d->kind == UM_RECORD) {
        const struct py_record *pr = r->data;
        /* paths are relative to the directory holding the .dist-info */
        dir_of(r->path, dir, sizeof(dir));
        dir[path_dirlen(dir)] = '\0';
        for (i = 0; !rc && i < pr->n; i++) {
            if (path_join_clamped(dir, pr->paths[i], buf, sizeof(buf)) != 0)
                continue;
            rc = put_canon(f, a, &a->exact, buf, TAG_LANG);
        }
    }
    return rc;
}

/* Whether canonical path lies below a directory of m (or, directly, in
 * one of d). */
static uintptr_t
under(const struct attrib *a, const char *canon)
{
    size_t n = strlen(canon), i, last = 1;
    uintptr_t t;

    for (i = n; i > 0; i--) {
        if (canon[i - 1] != '/')
            continue;
        if (last) {
            t = (uintptr_t)map_getn(&a->directly, canon, i - 1);
            if (t)
                return t;
            last = 0;
        }
        t = (uintptr_t)map_getn(&a->below, canon, i - 1);
        if (t)
            return t;
    }
    return 0;
}

static int
companion(const struct attrib *a, const char *canon)
{
    const char *base = path_base(canon);
    size_t dl = path_dirlen(canon), i;

    for (i = 0; i < a->classified.len; i++) {
        const struct classified *cl = VEC_AT(&a->classified, struct classified, i);
        if (strlen(cl->dir) == dl && memcmp(cl->dir, canon, dl) == 0 &&
            cl_name_match(classifier_table[cl->family].companions, base))
            return 1;
    }
    return 0;
}

/* Max-heap of the unowned files by path: the first `cap` paths are kept
 * whatever the number of files. */
static int
stray_cmp(const struct stray *x, const struct stray *y)
{
    return strcmp(x->key, y->key);
}

static void
heap_push(struct stray *h, size_t *n, size_t cap, const struct stray *s)
{
    size_t i;

    if (*n == cap) {
        if (cap == 0 || stray_cmp(s, &h[0]) >= 0)
            return;
        /* replace the largest and sift it down */
        i = 0;
        h[0] = *s;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            struct stray t;
            if (l < *n && stray_cmp(&h[l], &h[m]) > 0)
                m = l;
            if (r < *n && stray_cmp(&h[r], &h[m]) > 0)
                m = r;
            if (m == i)
                return;
            t = h[i];
            h[i] = h[m];
            h[m] = t;
            i = m;
        }
    }
    i = (*n)++;
    h[i] = *s;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        struct stray t;
        if (stray_cmp(&h[p], &h[i]) >= 0)
            break;
        t = h[p];
        h[p] = h[i];
        h[i] = t;
        i = p;
    }
}

static int
stray_sort(const void *x, const void *y)
{
    return stray_cmp(x, y);
}

/* Whether node (at key) is an executable this detector counts: a regular
 * file (or a hard link to one) with an x bit, or an ELF file named like a
 * shared library. *size gets its size, *elf whether it is ELF. */
static int
executable(const struct finish_ctx *f, const struct attrib *a, const char *key,
           const struct fs_node *n, uint64_t *size, int *elf)
{
    const struct fs_node *content = n;
    const char *cpath = key;

    if (n->e->type == ENTRY_HARDLINK) {
        content = n->e->link ? fs_lookup(f->fs, n->e->link) : NULL;
        cpath = n->e->link;
    } else if (n->e->type != ENTRY_REG) {
        return 0;
    }
    if (!content || content->e->type != ENTRY_REG)
        return 0; /* a hard link to nothing visible */
    *elf = map_get(&a->elf, cpath) != NULL;
    *size = content->e->size;
    return (n->e->mode & 0111) || (*elf && lib_named(path_base(key)));
}

static int
is_os_type(enum moat_pkg_type t)
{
    return t == MOAT_PKG_DEB || t == MOAT_PKG_APK || t == MOAT_PKG_RPM;
}

/* Whether an OS package lists the file: the scan's ownership index. */
static int
os_owned(struct finish_ctx *f, const char *key)
{
    return finish_owner(f, key) != NULL;
}

static int
um_finish(struct finish_ctx *f, const struct analyzer *self)
{
    struct attrib a;
    struct rec_iter it = {0, 0};
    struct rec *r;
    struct moat_unmanaged *um;
    struct stray *heap = NULL;
    size_t nheap = 0, i, cap = MOAT_LIMIT_UNOWNED_FILES;
    const struct fs_node *n;
    char canon[MOAT_LIMIT_PATH + 1];
    int rc = 0;

    memset(&a, 0, sizeof(a));
    arena_init(&a.tmp);
    map_init(&a.exact);
    map_init(&a.below);
    map_init(&a.directly);
    map_init(&a.elf);
    vec_init(&a.classified, sizeof(struct classified), (size_t)-1 / sizeof(struct classified));
    um = arena_alloc(f->arena, sizeof(*um));
    heap = malloc((cap ? cap : 1) * sizeof(*heap));
    if (!um || !heap) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    /* 1. which visible files are ELF */
    while (rc == 0 && (r = finish_next(f, self, &it)) != NULL)
        if (r->data && ((const struct um_data *)r->data)->kind == UM_ELF)
            rc = map_put(&a.elf, r->path, r, NULL);
    if (rc)
        goto out;
    /* 2. a binary an OS package owns is that package's, with its fixes */
    it.layer = it.i = 0;
    while ((r = finish_next(f, self, &it)) != NULL) {
        if (r->kind != REC_PKGS || !r->npkgs)
            continue;
        if (os_owned(f, r->path))
            r->npkgs = 0;
    }
    /* 3. what every surviving record accounts for */
    it.layer = it.i = 0;
    while (rc == 0 && (r = finish_next(f, NULL, &it)) != NULL) {
        if (r->an == self) {
            rc = attribute_own(f, &a, r);
            continue;
        }
        for (i = 0; r->kind == REC_PKGS && rc == 0 && i < r->npkgs; i++)
            if (!is_os_type(r->pkgs[i].type))
                rc = attribute_lang(f, &a, r, &r->pkgs[i]);
    }
    if (rc)
        goto out;
    /* 4. every executable of the final filesystem */
    for (i = 0; fs_next(f->fs, &i, &n);) {
        const char *key = n->e->path;
        uint64_t size;
        uintptr_t t;
        int elf;

        if (!executable(f, &a, key, n, &size, &elf))
            continue;
        um->executables++;
        um->bytes += size;
        if (finish_canonical(f, key, canon, sizeof(canon)) != 0)
            snprintf(canon, sizeof(canon), "%s", key);
        if (os_owned(f, key) || strncmp(key, "var/lib/dpkg/info/", 18) == 0) {
            /* dpkg's maintainer scripts are dpkg's */
            um->by_os++;
            um->attributed_bytes += size;
            continue;
        }
        t = (uintptr_t)map_get(&a.exact, canon);
        if (!t)
            t = under(&a, canon);
        if (!t && companion(&a, canon))
            t = TAG_CLASSIFIER;
        if (t) {
            if (t == TAG_LANG)
                um->by_language++;
            else
                um->by_classifier++;
            um->attributed_bytes += size;
            continue;
        }
        um->unowned++;
        heap_push(heap, &nheap, cap, &(struct stray){key, size, n->e->layer, elf});
    }
    um->attributed = um->by_os + um->by_language + um->by_classifier;
    qsort(heap, nheap, sizeof(*heap), stray_sort);
    if (nheap) {
        struct moat_unowned_file *uf = arena_alloc(f->arena, nheap * sizeof(*uf));
        if (!uf) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        for (i = 0; i < nheap; i++) {
            uf[i].path = arena_printf(f->arena, "/%s", heap[i].key);
            uf[i].size = heap[i].size;
            uf[i].layer = heap[i].layer;
            uf[i].kind = heap[i].elf ? "elf" : "other";
            if (!uf[i].path) {
                rc = MOAT_ENOMEM;
                goto out;
            }
        }
        um->files = uf;
        um->nfiles = nheap;
    }
    if (um->unowned > nheap)
        finish_problem(f, MOAT_WARN, -1, NULL, self->name,
                       "%llu executables no package accounts for; only the first %zu by path "
                       "are listed",
                       (unsigned long long)um->unowned, nheap);
    f->unmanaged = um;
out:
    free(heap);
    map_free(&a.exact);
    map_free(&a.below);
    map_free(&a.directly);
    map_free(&a.elf);
    vec_free(&a.classified);
    arena_free(&a.tmp);
    return rc;
}

const struct analyzer analyzer_unmanaged = {
    .name = "unmanaged",
    .version = 1,
    .wants = um_wants,
    .max_size = MOAT_LIMIT_LANG_FILE,
    .whole = um_whole,
    .state_size = sizeof(struct um_file),
    .stream_begin = um_begin,
    .stream_chunk = um_chunk,
    .stream_end = um_end,
    .stream_free = um_free,
    .finish = um_finish,
    .init = um_init,
    .fini = um_fini,
};

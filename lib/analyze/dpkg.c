/*
 * dpkg.c - Debian and Ubuntu packages: /var/lib/dpkg/status (or one file
 * per package in status.d/, as distroless images have), the file list of
 * each package (info/<pkg>[:arch].list) and the license named in
 * /usr/share/doc/<pkg>/copyright (machine-readable DEP-5 License: fields).
 *
 * A package is reported when dpkg has its files on disk: every state except
 * not-installed and config-files. Malformed paragraphs are reported under
 * problems one by one (capped) and the rest of the file is still used.
 *
 * For integrity checks (dpkg.h) it also keeps what `dpkg --verify` reads:
 * the md5sums of each package, the Conffiles: digests of the status file and
 * the diversions. Distroless images have no .list files; there the
 * status.d/<pkg>.md5sums beside each package is its file list.
 */
#include "analyzer.h"
#include "dpkg.h"
#include "finish.h"
#include "fields.h"
#include "license.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARA_PROBLEMS 5

extern const struct analyzer analyzer_dpkg;

struct file_list {
    const char *pkg;     /* "name" or "name:arch" */
    const char **files;
    size_t nfiles;
};

struct copyright {
    const char *license;
};

static int
is_status_d(const char *p)
{
    const char *rest;

    if (strncmp(p, "var/lib/dpkg/status.d/", 22) != 0)
        return 0;
    rest = p + 22;
    return *rest && !strchr(rest, '/') && !str_ends(rest, ".md5sums") && rest[0] != '.';
}

/* var/lib/dpkg/<dir>/<name><suffix>, nothing below */
static int
in_dir_with(const char *p, const char *dir, const char *suffix)
{
    size_t dl = strlen(dir);
    const char *rest;

    if (strncmp(p, dir, dl) != 0)
        return 0;
    rest = p + dl;
    return rest[0] && rest[0] != '.' && !strchr(rest, '/') && str_ends(rest, suffix) &&
           strlen(rest) > strlen(suffix);
}

static enum want
dpkg_wants(const struct entry *e)
{
    const char *p = e->path;

    if (strncmp(p, "var/lib/dpkg/", 13) == 0) {
        if (strcmp(p + 13, "status") == 0 || is_status_d(p) ||
            strcmp(p + 13, "diversions") == 0)
            return WANT_WHOLE;
        if (in_dir_with(p, "var/lib/dpkg/info/", ".list") ||
            in_dir_with(p, "var/lib/dpkg/status.d/", ".md5sums"))
            return WANT_WHOLE;
        /* digests only matter to the integrity detector: unread without it
         * (a package's md5sums can be as big as its file list) */
        if (in_dir_with(p, "var/lib/dpkg/info/", ".md5sums") &&
            (!e->opt || (e->opt->detect.enabled & MOAT_DETECT_INTEGRITY)))
            return WANT_WHOLE;
        return WANT_NO;
    }
    if (strncmp(p, "usr/share/doc/", 14) == 0 && strcmp(e->base, "copyright") == 0) {
        const char *slash = strchr(p + 14, '/');
        if (slash && strcmp(slash + 1, "copyright") == 0)
            return WANT_WHOLE;
    }
    return WANT_NO;
}

/* Integrity data is read only when the detector that uses it is on
 * (tests and fuzz harnesses without options read it too). */
static int
integrity_on(const struct actx *c)
{
    return !c->opt || (c->opt->detect.enabled & MOAT_DETECT_INTEGRITY);
}

static int
hex16(const char *s, unsigned char out[16])
{
    size_t i;

    for (i = 0; i < 16; i++) {
        int hi = str_hexval(s[2 * i]), lo = str_hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

static int
cmp_sum(const void *x, const void *y)
{
    const struct dpkg_sum *a = x, *b = y;

    return a->hash < b->hash ? -1 : a->hash > b->hash;
}

int
dpkg_parse_md5sums(struct arena *a, const char *buf, size_t len, int keep_paths,
                   struct dpkg_sums *out, size_t *bad, size_t *first_bad)
{
    const char *cur = buf, *end = buf + len, *line;
    size_t n, lines = 0, lineno = 0;

    memset(out, 0, sizeof(*out));
    *bad = *first_bad = 0;
    while (str_next_line(&cur, end, &line, &n))
        lines++;
    if (lines == 0)
        return 0;
    out->sums = arena_alloc(a, lines * sizeof(*out->sums));
    if (!out->sums)
        return MOAT_ENOMEM;
    if (keep_paths) {
        out->paths = arena_alloc(a, lines * sizeof(*out->paths));
        if (!out->paths)
            return MOAT_ENOMEM;
    }
    cur = buf;
    while (str_next_line(&cur, end, &line, &n)) {
        const char *name;
        size_t nn;
        struct dpkg_sum *s = &out->sums[out->n];
        unsigned char md5[16];
        lineno++;
        if (n == 0)
            continue;
        /* "<32 hex>  <path>" as md5sum writes it (' *' in binary mode) */
        if (n < 35 || line[32] != ' ' || (line[33] != ' ' && line[33] != '*') ||
            hex16(line, md5) != 0) {
            if ((*bad)++ == 0)
                *first_bad = lineno;
            continue;
        }
        name = line + 34;
        nn = n - 34;
        while (nn >= 2 && name[0] == '.' && name[1] == '/') {
            name += 2;
            nn -= 2;
        }
        while (nn && name[0] == '/') {
            name++;
            nn--;
        }
        while (nn && name[nn - 1] == '/')
            nn--;
        if (nn == 0 || nn > MOAT_LIMIT_PATH || memchr(name, '\0', nn)) {
            if ((*bad)++ == 0)
                *first_bad = lineno;
            continue;
        }
        s->hash = map_hash(name, nn);
        memcpy(s->md5, md5, sizeof(s->md5));
        if (keep_paths) {
            char *pth = arena_alloc(a, nn + 2);
            if (!pth)
                return MOAT_ENOMEM;
            pth[0] = '/';
            memcpy(pth + 1, name, nn);
            out->paths[out->npaths++] = pth;
        }
        out->n++;
    }
    qsort(out->sums, out->n, sizeof(*out->sums), cmp_sum);
    return 0;
}

const unsigned char *
dpkg_sums_find(const struct dpkg_sums *s, const char *path)
{
    uint64_t h;
    size_t lo = 0, hi;

    if (!s)
        return NULL;
    while (*path == '/')
        path++;
    h = map_hash(path, strlen(path));
    hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->sums[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->sums[lo].hash == h ? s->sums[lo].md5 : NULL;
}

/* The last word of [s, *e): its start and length; *e moves before it and
 * the blanks separating it. 0 when there is no word. */
static int
last_word(const char *s, const char **e, const char **w, size_t *wn)
{
    const char *p = *e;

    while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
    *wn = 0;
    while (p > s && p[-1] != ' ' && p[-1] != '\t') {
        p--;
        (*wn)++;
    }
    *w = p;
    while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
    *e = p;
    return *wn > 0;
}

int
dpkg_parse_conffiles(struct arena *a, const char *value, size_t len,
                     struct dpkg_conffile **out, size_t *n, size_t *bad)
{
    const char *cur = value, *end = value + len, *line;
    size_t ln, lines = 0;
    struct dpkg_conffile *cf;

    *out = NULL;
    *n = *bad = 0;
    while (str_next_line(&cur, end, &line, &ln))
        lines++;
    if (lines == 0)
        return 0;
    cf = arena_alloc(a, lines * sizeof(*cf));
    if (!cf)
        return MOAT_ENOMEM;
    cur = value;
    while (str_next_line(&cur, end, &line, &ln)) {
        const char *e = line + ln, *w, *path = line;
        size_t wn, pn;
        int obsolete = 0;
        str_trim(&path, &ln);
        if (ln == 0)
            continue;
        e = path + ln;
        /* "/etc/x <md5> [obsolete|remove-on-upgrade]": the path may hold
         * blanks, so it is read from the right, as dpkg does */
        if (!last_word(path, &e, &w, &wn))
            goto bad;
        if ((wn == 8 && memcmp(w, "obsolete", 8) == 0) ||
            (wn == 17 && memcmp(w, "remove-on-upgrade", 17) == 0)) {
            obsolete = wn == 8;
            if (!last_word(path, &e, &w, &wn))
                goto bad;
        }
        pn = (size_t)(e - path);
        if (pn == 0 || path[0] != '/' || pn > MOAT_LIMIT_PATH)
            goto bad;
        if (wn == 11 && memcmp(w, "newconffile", 11) == 0)
            continue; /* dpkg's placeholder: not installed yet, no digest */
        if (wn != 32 || hex16(w, cf[*n].md5) != 0)
            goto bad;
        cf[*n].path = arena_strndup(a, path, pn);
        if (!cf[*n].path)
            return MOAT_ENOMEM;
        cf[*n].obsolete = obsolete;
        (*n)++;
        continue;
    bad:
        (*bad)++;
    }
    *out = cf;
    return 0;
}

int
dpkg_parse_diversions(struct arena *a, const char *buf, size_t len,
                      struct dpkg_diversions *out, size_t *bad)
{
    const char *cur = buf, *end = buf + len, *l[3];
    size_t n[3], lines = 0;

    memset(out, 0, sizeof(*out));
    *bad = 0;
    while (str_next_line(&cur, end, &l[0], &n[0]))
        lines++;
    if (lines / 3 == 0) {
        *bad = lines ? 1 : 0;
        return 0;
    }
    out->d = arena_alloc(a, (lines / 3) * sizeof(*out->d));
    if (!out->d)
        return MOAT_ENOMEM;
    cur = buf;
    /* triples: diverted path, where it went, the diverting package (":"
     * for a local diversion made by the administrator) */
    while (str_next_line(&cur, end, &l[0], &n[0])) {
        struct dpkg_diversion *d = &out->d[out->n];
        if (!str_next_line(&cur, end, &l[1], &n[1]) || !str_next_line(&cur, end, &l[2], &n[2])) {
            (*bad)++;
            break;
        }
        if (n[0] < 2 || n[1] < 2 || l[0][0] != '/' || l[1][0] != '/' || n[0] > MOAT_LIMIT_PATH ||
            n[1] > MOAT_LIMIT_PATH || !pkg_token_ok(l[2], n[2])) {
            (*bad)++;
            continue;
        }
        d->from = arena_strndup(a, l[0], n[0]);
        d->to = arena_strndup(a, l[1], n[1]);
        d->by = n[2] == 1 && l[2][0] == ':' ? NULL : arena_strndup(a, l[2], n[2]);
        if (!d->from || !d->to || (!d->by && !(n[2] == 1 && l[2][0] == ':')))
            return MOAT_ENOMEM;
        out->n++;
    }
    return 0;
}

/* Status: "want flag state" -> reported unless the files are gone. */
static int
installed(const struct span *st)
{
    const char *s = st->p, *state;
    size_t n = st->n, i, words = 0;

    if (!s)
        return 1; /* status.d entries carry no Status: they are installed */
    for (i = 0, state = NULL; i < n; i++) {
        if (s[i] == ' ' && i + 1 < n && s[i + 1] != ' ') {
            words++;
            if (words == 2)
                state = s + i + 1;
        }
    }
    if (!state)
        return 0;
    n = (size_t)(s + n - state);
    return !((n == 13 && memcmp(state, "not-installed", 13) == 0) ||
             (n == 12 && memcmp(state, "config-files", 12) == 0));
}

/* The whole value of field name in para: the rest of its line and every
 * continuation line after it. 0 when absent. */
static int
field_block(const struct span *para, const char *name, struct span *out)
{
    const char *cur = para->p, *end = para->p + para->n, *line;
    size_t n, nl = strlen(name);

    while (str_next_line(&cur, end, &line, &n)) {
        const char *stop;
        if (n <= nl || line[nl] != ':' || !str_nstarts(line, nl, name))
            continue;
        out->p = line + nl + 1;
        stop = line + n;
        while (str_next_line(&cur, end, &line, &n) && n && (line[0] == ' ' || line[0] == '\t'))
            stop = line + n;
        out->n = (size_t)(stop - out->p);
        return 1;
    }
    return 0;
}

/* Conffiles of the package just added (index i of the record). */
static int
add_conffiles(struct actx *c, const struct entry *e, const struct span *para, struct vec *files,
              size_t i, size_t *bad_total)
{
    struct dpkg_pkg_files *pf;
    struct span v;
    size_t bad;
    int rc;

    while (files->len <= i)
        if (!vec_push(files))
            return MOAT_ENOMEM;
    if (!field_block(para, "Conffiles", &v))
        return 0;
    pf = VEC_AT(files, struct dpkg_pkg_files, i);
    rc = dpkg_parse_conffiles(c->arena, v.p, v.n, (struct dpkg_conffile **)&pf->conffiles,
                              &pf->nconffiles, &bad);
    if (rc)
        return rc;
    if (bad && (*bad_total)++ < MAX_PARA_PROBLEMS)
        actx_problem(c, MOAT_FAILED, e->path,
                     "package %zu: %zu malformed Conffiles lines; those files are not checked",
                     i + 1, bad);
    return 0;
}

static int
parse_status(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    static const char *const names[] = {"Package", "Version", "Architecture", "Source",
                                        "Status",  "Maintainer", "Installed-Size"};
    enum { F_PKG, F_VER, F_ARCH, F_SRC, F_STATUS, F_MAINT, F_SIZE, F_N };
    const char *cur = buf, *end = buf + len;
    struct span para, f[F_N];
    struct rec *r = NULL;
    struct vec files; /* struct dpkg_pkg_files per package (integrity) */
    size_t paras = 0, bad = 0, badconf = 0;
    int rc = 0, integ = integrity_on(c);

    vec_init(&files, sizeof(struct dpkg_pkg_files), MOAT_LIMIT_DB_PACKAGES);
    if (memchr(buf, '\0', len)) {
        actx_problem(c, MOAT_FAILED, e->path, "binary data in a dpkg database; not read");
        goto out;
    }
    r = rec_new(c, REC_PKGS, e->path);
    if (!r) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    while (para_next(&cur, end, &para)) {
        struct pkg *p;
        paras++;
        para_fields(&para, names, f, F_N);
        if (f[F_PKG].n && !installed(&f[F_STATUS]))
            continue; /* dpkg keeps records of removed packages, some without Version */
        if (!f[F_PKG].n || !f[F_VER].n) {
            if (++bad <= MAX_PARA_PROBLEMS)
                actx_problem(c, MOAT_FAILED, e->path,
                             "paragraph %zu has no %s field; that entry was skipped", paras,
                             f[F_PKG].n ? "Version" : "Package");
            continue;
        }
        if (f[F_PKG].n > 256 || f[F_VER].n > 256 || memchr(f[F_PKG].p, ' ', f[F_PKG].n)) {
            if (++bad <= MAX_PARA_PROBLEMS)
                actx_problem(c, MOAT_FAILED, e->path,
                             "paragraph %zu has a malformed Package or Version; skipped", paras);
            continue;
        }
        p = rec_add_pkgs(c, r, 1);
        if (!p) {
            actx_problem(c, MOAT_FAILED, e->path, "more than %d packages; the rest was not read",
                         MOAT_LIMIT_DB_PACKAGES);
            break;
        }
        p->type = MOAT_PKG_DEB;
        p->db = 1;
        p->name = span_dup(c->arena, &f[F_PKG]);
        p->version = span_dup(c->arena, &f[F_VER]);
        p->arch = span_dup(c->arena, &f[F_ARCH]);
        p->supplier = span_dup(c->arena, &f[F_MAINT]);
        if (f[F_SRC].n) {
            /* "Source: name" or "Source: name (version)" */
            const char *s = f[F_SRC].p, *paren = memchr(s, '(', f[F_SRC].n);
            size_t nn = paren ? (size_t)(paren - s) : f[F_SRC].n;
            str_trim(&s, &nn);
            p->source_name = arena_strndup(c->arena, s, nn);
            if (paren) {
                const char *v = paren + 1, *close = memchr(v, ')', (size_t)(s + f[F_SRC].n - v));
                size_t vn = close ? (size_t)(close - v) : 0;
                str_trim(&v, &vn);
                p->source_version = vn ? arena_strndup(c->arena, v, vn) : NULL;
            }
        }
        if (!p->source_name)
            p->source_name = p->name;
        if (!p->source_version)
            p->source_version = p->version;
        if (f[F_STATUS].n && !str_nstarts(f[F_STATUS].p, f[F_STATUS].n, "install ok installed"))
            pkg_prop(c, p, "dpkg:status", span_dup(c->arena, &f[F_STATUS]));
        if (!p->name || !p->version) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        if (integ) {
            rc = add_conffiles(c, e, &para, &files, r->npkgs - 1, &badconf);
            if (rc)
                goto out;
        }
    }
    if (bad > MAX_PARA_PROBLEMS)
        actx_problem(c, MOAT_FAILED, e->path, "%zu malformed paragraphs in all", bad);
    if (len > 0 && r->npkgs == 0 && bad > 0)
        actx_problem(c, MOAT_FAILED, e->path, "not a dpkg status file: no valid package");
    if (badconf > MAX_PARA_PROBLEMS)
        actx_problem(c, MOAT_FAILED, e->path, "%zu packages with malformed Conffiles in all",
                     badconf);
    if (integ && r->npkgs) {
        struct dpkg_db_files *df = arena_alloc(c->arena, sizeof(*df));
        while (files.len < r->npkgs)
            if (!vec_push(&files))
                break;
        if (!df || files.len < r->npkgs) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        df->npkgs = r->npkgs;
        df->files = arena_memdup(c->arena, files.items, r->npkgs * sizeof(*df->files));
        if (!df->files) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        r->data = df;
    }
out:
    vec_free(&files);
    return rc;
}

static int
parse_md5sums(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    int status_d = strncmp(e->path, "var/lib/dpkg/status.d/", 22) == 0;
    struct dpkg_sums *s;
    struct rec *r;
    size_t bad, first;
    int rc;

    /* status.d md5sums are a distroless package's file list: always read */
    if (!status_d && !integrity_on(c))
        return 0;
    if (memchr(buf, '\0', len)) {
        actx_problem(c, MOAT_FAILED, e->path, "binary data in a dpkg md5sums file; not read");
        return 0;
    }
    s = arena_alloc(c->arena, sizeof(*s));
    if (!s)
        return MOAT_ENOMEM;
    rc = dpkg_parse_md5sums(c->arena, buf, len, status_d, s, &bad, &first);
    if (rc)
        return rc;
    if (bad)
        actx_problem(c, MOAT_FAILED, e->path,
                     "%zu malformed lines (the first is line %zu); those files are not checked",
                     bad, first);
    s->pkg = status_d ? arena_strndup(c->arena, e->path, strlen(e->path) - 8)
                      : arena_strndup(c->arena, e->base, strlen(e->base) - 8);
    r = rec_new(c, REC_DATA, e->path);
    if (!s->pkg || !r)
        return MOAT_ENOMEM;
    r->data = s;
    return 0;
}

static int
parse_diversions(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    struct dpkg_diversions *d;
    struct rec *r;
    size_t bad;
    int rc;

    if (!integrity_on(c))
        return 0;
    if (memchr(buf, '\0', len)) {
        actx_problem(c, MOAT_FAILED, e->path, "binary data in the dpkg diversions; not read");
        return 0;
    }
    d = arena_alloc(c->arena, sizeof(*d));
    if (!d)
        return MOAT_ENOMEM;
    rc = dpkg_parse_diversions(c->arena, buf, len, d, &bad);
    if (rc)
        return rc;
    if (bad)
        actx_problem(c, MOAT_FAILED, e->path,
                     "%zu malformed diversions (each is three lines: path, new path, package); "
                     "skipped", bad);
    r = rec_new(c, REC_DATA, e->path);
    if (!r)
        return MOAT_ENOMEM;
    r->data = d;
    return 0;
}

static int
parse_list(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len, *line;
    struct file_list *fl;
    struct rec *r;
    size_t n, count = 0, i = 0;

    if (memchr(buf, '\0', len)) {
        actx_problem(c, MOAT_FAILED, e->path, "binary data in a dpkg file list; not read");
        return 0;
    }
    while (str_next_line(&cur, end, &line, &n))
        count++;
    fl = arena_alloc(c->arena, sizeof(*fl));
    r = rec_new(c, REC_DATA, e->path);
    if (!fl || !r)
        return MOAT_ENOMEM;
    fl->pkg = arena_strndup(c->arena, e->base, strlen(e->base) - 5);
    fl->files = arena_alloc(c->arena, (count + 1) * sizeof(*fl->files));
    if (!fl->pkg || !fl->files)
        return MOAT_ENOMEM;
    cur = buf;
    while (str_next_line(&cur, end, &line, &n)) {
        if (n == 0 || line[0] != '/' || (n == 2 && line[1] == '.'))
            continue;
        fl->files[i] = arena_strndup(c->arena, line, n);
        if (!fl->files[i])
            return MOAT_ENOMEM;
        i++;
    }
    fl->nfiles = i;
    r->data = fl;
    return 0;
}

static int
parse_copyright(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    struct copyright *cr;
    struct rec *r;
    const char *lic;

    lic = license_from_dep5(c->arena, buf, len);
    if (!lic)
        return 0;
    cr = arena_alloc(c->arena, sizeof(*cr));
    r = rec_new(c, REC_DATA, e->path);
    if (!cr || !r)
        return MOAT_ENOMEM;
    cr->license = lic;
    r->data = cr;
    return 0;
}

static int
dpkg_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    if (strncmp(e->path, "usr/share/doc/", 14) == 0)
        return parse_copyright(c, e, buf, len);
    if (str_ends(e->path, ".md5sums"))
        return parse_md5sums(c, e, buf, len);
    if (strncmp(e->path, "var/lib/dpkg/info/", 18) == 0)
        return parse_list(c, e, buf, len);
    if (strcmp(e->path, "var/lib/dpkg/diversions") == 0)
        return parse_diversions(c, e, buf, len);
    return parse_status(c, e, buf, len);
}

const struct dpkg_diversions *
dpkg_diversions(struct finish_ctx *f)
{
    struct rec_iter it = {0, 0};
    struct rec *r;

    while ((r = finish_next(f, &analyzer_dpkg, &it)) != NULL)
        if (r->kind == REC_DATA && strcmp(r->path, "var/lib/dpkg/diversions") == 0)
            return r->data;
    return NULL;
}

/* Attaches file lists, licenses and md5sums to the visible packages. A
 * distroless package (status.d) has no .list: its md5sums list its files. */
static int
dpkg_finish(struct finish_ctx *f, const struct analyzer *self)
{
    struct map lists, rights, sums_pkg, sums_path;
    struct rec_iter it = {0, 0};
    struct rec *r;
    int rc = 0;
    char key[600];

    map_init(&lists);
    map_init(&rights);
    map_init(&sums_pkg);
    map_init(&sums_path);
    while ((r = finish_next(f, self, &it)) != NULL) {
        if (r->kind != REC_DATA)
            continue;
        if (str_ends(r->path, ".md5sums")) {
            struct dpkg_sums *s = r->data;
            if (strncmp(r->path, "var/lib/dpkg/status.d/", 22) == 0)
                rc = map_put(&sums_path, s->pkg, s, NULL);
            else
                rc = map_put(&sums_pkg, s->pkg, s, NULL);
        } else if (strcmp(r->path, "var/lib/dpkg/diversions") == 0) {
            continue;
        } else if (strncmp(r->path, "var/lib/dpkg/info/", 18) == 0) {
            struct file_list *fl = r->data;
            rc = map_put(&lists, fl->pkg, fl, NULL);
        } else {
            rc = map_put(&rights, r->path, r->data, NULL);
        }
        if (rc)
            goto out;
    }
    it.layer = it.i = 0;
    while ((r = finish_next(f, self, &it)) != NULL) {
        struct dpkg_db_files *df = r->data;
        const struct dpkg_sums *dsums = NULL;
        size_t i;
        if (r->kind != REC_PKGS)
            continue;
        if (strncmp(r->path, "var/lib/dpkg/status.d/", 22) == 0)
            dsums = map_get(&sums_path, r->path);
        for (i = 0; i < r->npkgs; i++) {
            struct pkg *p = &r->pkgs[i];
            struct file_list *fl = NULL;
            const struct dpkg_sums *sums = dsums;
            const struct fs_node *node;
            char canon[MOAT_LIMIT_PATH + 1];
            if (p->arch) {
                snprintf(key, sizeof(key), "%s:%s", p->name, p->arch);
                fl = map_get(&lists, key);
                if (!sums)
                    sums = map_get(&sums_pkg, key);
            }
            if (!fl)
                fl = map_get(&lists, p->name);
            if (!sums)
                sums = map_get(&sums_pkg, p->name);
            if (fl) {
                p->files = fl->files;
                p->nfiles = fl->nfiles;
            } else if (sums && sums->paths) {
                p->files = sums->paths;
                p->nfiles = sums->npaths;
            }
            if (df && i < df->npkgs)
                df->files[i].sums = sums;
            /* the doc dir may be a symlink to another package's */
            snprintf(key, sizeof(key), "usr/share/doc/%s/copyright", p->name);
            if (fs_resolve(f->fs, key, 1, canon, sizeof(canon), &node) == 0 && node) {
                struct copyright *cr = map_get(&rights, canon);
                if (cr)
                    p->license = cr->license;
            }
        }
    }
out:
    map_free(&lists);
    map_free(&rights);
    map_free(&sums_pkg);
    map_free(&sums_path);
    return rc;
}

const struct analyzer analyzer_dpkg = {
    .name = "dpkg",
    .version = 2,
    .wants = dpkg_wants,
    .max_size = 64 << 20,
    .whole = dpkg_whole,
    .finish = dpkg_finish,
};

/*
 * dpkg.c - Debian and Ubuntu packages: /var/lib/dpkg/status (or one file
 * per package in status.d/, as distroless images have), the file list of
 * each package (info/<pkg>[:arch].list) and the license named in
 * /usr/share/doc/<pkg>/copyright (machine-readable DEP-5 License: fields).
 *
 * A package is reported when dpkg has its files on disk: every state except
 * not-installed and config-files. Malformed paragraphs are reported under
 * problems one by one (capped) and the rest of the file is still used.
 */
#include "analyzer.h"
#include "finish.h"
#include "fields.h"
#include "license.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

#define MAX_PARA_PROBLEMS 5

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

static enum want
dpkg_wants(const struct entry *e)
{
    const char *p = e->path;

    if (strncmp(p, "var/lib/dpkg/", 13) == 0) {
        if (strcmp(p + 13, "status") == 0 || is_status_d(p))
            return WANT_WHOLE;
        if (strncmp(p + 13, "info/", 5) == 0 && !strchr(p + 18, '/') && str_ends(p, ".list"))
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

static int
parse_status(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    static const char *const names[] = {"Package", "Version", "Architecture", "Source",
                                        "Status",  "Maintainer", "Installed-Size"};
    enum { F_PKG, F_VER, F_ARCH, F_SRC, F_STATUS, F_MAINT, F_SIZE, F_N };
    const char *cur = buf, *end = buf + len;
    struct span para, f[F_N];
    struct rec *r = NULL;
    size_t paras = 0, bad = 0;

    if (memchr(buf, '\0', len)) {
        actx_problem(c, MOAT_FAILED, e->path, "binary data in a dpkg database; not read");
        return 0;
    }
    r = rec_new(c, REC_PKGS, e->path);
    if (!r)
        return MOAT_ENOMEM;
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
        if (!p->name || !p->version)
            return MOAT_ENOMEM;
    }
    if (bad > MAX_PARA_PROBLEMS)
        actx_problem(c, MOAT_FAILED, e->path, "%zu malformed paragraphs in all", bad);
    if (len > 0 && r->npkgs == 0 && bad > 0)
        actx_problem(c, MOAT_FAILED, e->path, "not a dpkg status file: no valid package");
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
    if (strncmp(e->path, "var/lib/dpkg/info/", 18) == 0)
        return parse_list(c, e, buf, len);
    return parse_status(c, e, buf, len);
}

/* Attaches file lists and licenses to the visible packages. */
static int
dpkg_finish(struct finish_ctx *f, const struct analyzer *self)
{
    struct map lists, rights;
    struct rec_iter it = {0, 0};
    struct rec *r;
    int rc = 0;
    char key[600];

    map_init(&lists);
    map_init(&rights);
    while ((r = finish_next(f, self, &it)) != NULL) {
        if (r->kind != REC_DATA)
            continue;
        if (strncmp(r->path, "var/lib/dpkg/info/", 18) == 0) {
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
        size_t i;
        if (r->kind != REC_PKGS)
            continue;
        for (i = 0; i < r->npkgs; i++) {
            struct pkg *p = &r->pkgs[i];
            struct file_list *fl = NULL;
            const struct fs_node *node;
            char canon[MOAT_LIMIT_PATH + 1];
            if (p->arch) {
                snprintf(key, sizeof(key), "%s:%s", p->name, p->arch);
                fl = map_get(&lists, key);
            }
            if (!fl)
                fl = map_get(&lists, p->name);
            if (fl) {
                p->files = fl->files;
                p->nfiles = fl->nfiles;
            }
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
    return rc;
}

const struct analyzer analyzer_dpkg = {
    .name = "dpkg",
    .version = 1,
    .wants = dpkg_wants,
    .max_size = 64 << 20,
    .whole = dpkg_whole,
    .finish = dpkg_finish,
};

/*
 * java.c - Java archives (.jar .war .ear .par .jpi .hpi): which Maven
 * artifacts they are and which archives they carry inside.
 *
 * The archive is read once as it streams past, by libarchive's streaming
 * zip reader over content_read(); archives inside it (WEB-INF/lib/x.jar,
 * BOOT-INF/lib/x.jar, lib/x.jar of an EAR, anything named like a Java
 * archive) are read the same way by a nested reader fed from the outer
 * entry's data, down to MOAT_LIMIT_ARCHIVE_DEPTH levels. Nothing is
 * extracted or held whole: only metadata files (capped at
 * MOAT_LIMIT_ARCHIVE_META) are kept while they are parsed.
 *
 * What an archive is, best evidence first:
 *  1. every META-INF/maven/<group>/<artifact>/pom.properties is a package
 *     (groupId -> namespace, artifactId -> name, version); a shaded jar has
 *     several. The one matching the file name (else the manifest's title,
 *     else the first) is the archive's own package, the others its
 *     children.
 *  2. without pom.properties, META-INF/MANIFEST.MF, when it gives a version
 *     (Implementation-Version, else Bundle-Version). Like Trivy and Syft,
 *     the group comes from Implementation-Vendor-Id, else from
 *     Bundle-SymbolicName up to its last dot (org.foo.bar -> org.foo), else
 *     it is unknown (no namespace). Vendor names (Implementation-Vendor)
 *     are display names, not group ids, so they become the supplier. The
 *     artifact is Implementation-Title when it is one word, else the file
 *     name's artifact part, else the last part of Bundle-SymbolicName, else
 *     the title as written.
 *  3. otherwise the file name: artifact-1.2.3.jar (split at the last '-'
 *     followed by a digit); without a version there, no version.
 * The property java:metadata says which one was used.
 *
 * Packages of a nested archive have the outer archive's own package as
 * parent and a path naming the entry ("app/app.war!/WEB-INF/lib/x.jar").
 * Hostile archives: entry count (MOAT_LIMIT_ARCHIVE_ENTRIES, all levels),
 * nesting depth and inflation ratio (MOAT_LIMIT_ARCHIVE_RATIO against the
 * archive's size) stop the reading with a recorded problem; what was read
 * before is kept. Entries libarchive cannot stream (a stored entry whose
 * size is only in a trailing data descriptor it cannot find, encryption)
 * are reported as problems too.
 */
#include "analyzer.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/path.h"
#include "base/str.h"
#include "base/vec.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NESTED_BUF (64u << 10)
#define MAX_ENTRY_PROBLEMS 10

/* The whole read of one top-level archive. */
struct jar_scan {
    struct actx *c;
    const char *path;          /* the archive in the image */
    struct content *ct;
    uint64_t size;             /* of the top-level file */
    uint64_t in;               /* bytes of it read */
    uint64_t out;              /* bytes produced by all readers together */
    uint64_t entries;
    int stop;                  /* a limit was hit: unwind, reading nothing more */
    int broken;                /* the layer stream failed */
    size_t problems;
    struct vec pkgs;           /* struct pkg; strings in the layer arena */
};

/* One archive being read (the top one or a nested one). */
struct level {
    struct jar_scan *js;
    struct archive *a;
    struct archive *outer;     /* the archive whose entry this one is, or NULL */
    unsigned char *buf;        /* read buffer for a nested archive */
    const char *display;       /* image path, "x.war!/WEB-INF/lib/y.jar" inside */
    const char *fname;         /* last component, for the file-name rule */
    int depth;                 /* 0 for the top-level archive */
    size_t first;              /* first package index of this archive */
    struct manifest {
        char *title, *version, *vendor, *vendor_id, *bsn, *bversion, *bname, *bvendor;
    } mf;
    int has_mf;
};

static int
ends_nocase(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strncasecmp(s + n - k, suffix, k) == 0;
}

static int
java_archive_name(const char *base)
{
    static const char *const ext[] = {".jar", ".war", ".ear", ".par", ".jpi", ".hpi"};
    size_t i;

    for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
        if (ends_nocase(base, ext[i]))
            return 1;
    return 0;
}

static enum want
java_wants(const struct entry *e)
{
    if (e->le->type != ENTRY_REG || e->le->size == 0)
        return WANT_NO;
    return java_archive_name(e->base) ? WANT_PULL : WANT_NO;
}

/* Records a problem of the archive (capped: a broken archive can have one
 * per entry). */
static void
problem(struct jar_scan *js, enum moat_grade g, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
problem(struct jar_scan *js, enum moat_grade g, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (++js->problems > MAX_ENTRY_PROBLEMS) {
        if (js->problems == MAX_ENTRY_PROBLEMS + 1)
            actx_problem(js->c, MOAT_FAILED, js->path,
                         "more than %d problems in this archive; the rest are not listed",
                         MAX_ENTRY_PROBLEMS);
        return;
    }
    va_start(ap, fmt);
    msg = arena_vprintf(js->c->arena, fmt, ap);
    va_end(ap);
    if (msg)
        actx_problem(js->c, g, js->path, "%s", msg);
}

/* ---- reading ---- */

/* Inflation guard over everything read from this archive. */
static int
account(struct jar_scan *js, size_t n)
{
    js->out += n;
    if (js->out > MOAT_LIMIT_ARCHIVE_GRACE &&
        js->out / MOAT_LIMIT_ARCHIVE_RATIO > js->size) {
        if (!js->stop)
            actx_problem(js->c, MOAT_FAILED, js->path,
                         "archive inflates to more than %u times its size (a zip bomb?); "
                         "reading stopped after %llu bytes",
                         (unsigned)MOAT_LIMIT_ARCHIVE_RATIO, (unsigned long long)js->out);
        js->stop = 1;
        return -1;
    }
    return 0;
}

static la_ssize_t
top_read(struct archive *a, void *ud, const void **buf)
{
    struct level *lv = ud;
    struct jar_scan *js = lv->js;
    size_t n = 0;
    int r;

    if (js->stop)
        return -1;
    r = content_read(js->ct, buf, &n);
    if (r < 0) {
        js->broken = 1;
        js->stop = 1;
        archive_set_error(a, EIO, "the layer stream failed");
        return -1;
    }
    if (r == 0)
        return 0;
    js->in += n;
    return (la_ssize_t)n;
}

static la_ssize_t
nested_read(struct archive *a, void *ud, const void **buf)
{
    struct level *lv = ud;
    la_ssize_t n;

    if (lv->js->stop)
        return -1;
    n = archive_read_data(lv->outer, lv->buf, NESTED_BUF);
    if (n < 0) {
        archive_set_error(a, EIO, "%s", archive_error_string(lv->outer)
                                             ? archive_error_string(lv->outer)
                                             : "cannot read the enclosing entry");
        return -1;
    }
    if (n > 0 && account(lv->js, (size_t)n) != 0)
        return -1;
    *buf = lv->buf;
    return n;
}

/* Reads the current entry's data into out (a buffer created with the
 * metadata limit as its maximum; the caller frees it). Returns 0, or -1
 * with *why set; *fatal says the archive cannot be read further. */
static int
read_meta(struct level *lv, struct buf *out, const char **why, int *fatal)
{
    struct jar_scan *js = lv->js;
    char chunk[8192];

    *fatal = 0;
    for (;;) {
        la_ssize_t n = archive_read_data(lv->a, chunk, sizeof(chunk));
        int rc;
        if (n < 0) {
            *why = archive_error_string(lv->a) ? archive_error_string(lv->a) : "read error";
            *fatal = 1;
            return -1;
        }
        if (n == 0)
            break;
        if (account(js, (size_t)n) != 0) {
            *why = "inflation limit";
            *fatal = 1;
            return -1;
        }
        rc = buf_add(out, chunk, (size_t)n);
        if (rc) {
            /* the rest of the entry is skipped by the next header read */
            *why = rc == MOAT_ETOOBIG ? "larger than the metadata limit" : "out of memory";
            return -1;
        }
    }
    if (buf_addc(out, '\0') != 0) {
        *why = "larger than the metadata limit";
        return -1;
    }
    out->len--;
    return 0;
}

/* ---- pom.properties (java.util.Properties text format) ---- */

struct props {
    const char *group, *artifact, *version;
};

/* Decodes one logical key or value: backslash escapes, \uXXXX to UTF-8. */
static char *
prop_unescape(struct arena *a, const char *p, size_t n)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    size_t i;

    if (!out)
        return NULL;
    for (i = 0; i < n; i++) {
        char ch = p[i];
        if (ch != '\\' || i + 1 >= n) {
            *o++ = ch;
            continue;
        }
        ch = p[++i];
        if (ch == 't') {
            *o++ = '\t';
        } else if (ch == 'n') {
            *o++ = '\n';
        } else if (ch == 'r') {
            *o++ = '\r';
        } else if (ch == 'f') {
            *o++ = '\f';
        } else if (ch == 'u' && i + 4 < n) {
            unsigned cp = 0, d;
            for (d = 1; d <= 4; d++) {
                char h = p[i + d];
                cp <<= 4;
                if (h >= '0' && h <= '9')
                    cp |= (unsigned)(h - '0');
                else if (h >= 'a' && h <= 'f')
                    cp |= (unsigned)(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F')
                    cp |= (unsigned)(h - 'A' + 10);
                else
                    break;
            }
            if (d <= 4) {
                *o++ = 'u';
                continue;
            }
            i += 4;
            if (cp < 0x80) {
                *o++ = (char)cp;
            } else if (cp < 0x800) {
                *o++ = (char)(0xc0 | (cp >> 6));
                *o++ = (char)(0x80 | (cp & 0x3f));
            } else {
                *o++ = (char)(0xe0 | (cp >> 12));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
                *o++ = (char)(0x80 | (cp & 0x3f));
            }
        } else {
            *o++ = ch;
        }
    }
    *o = '\0';
    return out;
}

static int
is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\f';
}

/* Whether the line [p, p+n) ends in an odd number of backslashes (it
 * continues on the next line). */
static int
continues(const char *p, size_t n)
{
    size_t k = 0;

    while (k < n && p[n - 1 - k] == '\\')
        k++;
    return k % 2 == 1;
}

static void
parse_properties(struct arena *a, const char *buf, size_t len, struct props *out)
{
    const char *cur = buf, *end = buf + len, *line;
    size_t n;
    char *logical = malloc(len + 1);

    memset(out, 0, sizeof(*out));
    if (!logical)
        return;
    while (str_next_line(&cur, end, &line, &n)) {
        size_t ln = 0, i, k;
        const char **slot;
        char *val;
        while (n && is_ws(*line)) {
            line++;
            n--;
        }
        if (n == 0 || *line == '#' || *line == '!')
            continue;
        /* join continuation lines (leading blanks of the next one dropped) */
        for (;;) {
            int more = continues(line, n);
            memcpy(logical + ln, line, more ? n - 1 : n);
            ln += more ? n - 1 : n;
            if (!more || !str_next_line(&cur, end, &line, &n))
                break;
            while (n && is_ws(*line)) {
                line++;
                n--;
            }
        }
        for (i = 0; i < ln; i++) {
            if (logical[i] == '\\') {
                i++;
                continue;
            }
            if (logical[i] == '=' || logical[i] == ':' || is_ws(logical[i]))
                break;
        }
        if (i > ln)
            i = ln;
        /* the keys wanted have no escapes: compare them raw */
        if (i == 7 && memcmp(logical, "groupId", 7) == 0)
            slot = &out->group;
        else if (i == 10 && memcmp(logical, "artifactId", 10) == 0)
            slot = &out->artifact;
        else if (i == 7 && memcmp(logical, "version", 7) == 0)
            slot = &out->version;
        else
            continue;
        k = i;
        while (k < ln && is_ws(logical[k]))
            k++;
        if (k < ln && (logical[k] == '=' || logical[k] == ':'))
            k++;
        while (k < ln && is_ws(logical[k]))
            k++;
        val = prop_unescape(a, logical + k, ln - k);
        if (!val)
            break;
        /* trailing blanks are part of a value in Java; not in a version */
        for (k = strlen(val); k > 0 && (is_ws(val[k - 1]) || val[k - 1] == '\r'); k--)
            val[k - 1] = '\0';
        *slot = val;
    }
    free(logical);
}

/* ---- MANIFEST.MF (main section) ---- */

static void
mf_attr(struct level *lv, const char *name, size_t nn, const char *val, size_t vn)
{
    static const struct {
        const char *name;
        size_t off;
    } want[] = {
        {"Implementation-Title", offsetof(struct manifest, title)},
        {"Implementation-Version", offsetof(struct manifest, version)},
        {"Implementation-Vendor", offsetof(struct manifest, vendor)},
        {"Implementation-Vendor-Id", offsetof(struct manifest, vendor_id)},
        {"Bundle-SymbolicName", offsetof(struct manifest, bsn)},
        {"Bundle-Version", offsetof(struct manifest, bversion)},
        {"Bundle-Name", offsetof(struct manifest, bname)},
        {"Bundle-Vendor", offsetof(struct manifest, bvendor)},
    };
    size_t i;

    str_trim(&val, &vn);
    if (vn == 0)
        return;
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char **slot = (char **)((char *)&lv->mf + want[i].off);
        if (strlen(want[i].name) != nn || strncasecmp(want[i].name, name, nn) != 0 || *slot)
            continue;
        *slot = arena_strndup(lv->js->c->arena, val, vn);
        return;
    }
}

static void
parse_manifest(struct level *lv, const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len, *line;
    size_t n, ln = 0;
    char *logical = malloc(len + 1);

    if (!logical)
        return;
    lv->has_mf = 1;
    for (;;) {
        int got = str_next_line(&cur, end, &line, &n);
        /* a bare CR also ends a line in the manifest format */
        if (got && memchr(line, '\r', n)) {
            const char *cr = memchr(line, '\r', n);
            cur = cr + 1;
            n = (size_t)(cr - line);
        }
        if (got && n > 0 && line[0] == ' ') {
            memcpy(logical + ln, line + 1, n - 1); /* continuation */
            ln += n - 1;
            continue;
        }
        if (ln > 0) {
            const char *colon = memchr(logical, ':', ln);
            if (colon)
                mf_attr(lv, logical, (size_t)(colon - logical), colon + 1,
                        ln - (size_t)(colon - logical) - 1);
            ln = 0;
        }
        if (!got || n == 0)
            break; /* end of the main section */
        memcpy(logical + ln, line, n);
        ln = n;
    }
    free(logical);
}

/* ---- naming ---- */

/* "commons-io-2.11.0.jar" -> artifact "commons-io", version "2.11.0". */
static void
split_file_name(struct arena *a, const char *fname, char **artifact, char **version)
{
    const char *dot = strrchr(fname, '.');
    size_t n = dot ? (size_t)(dot - fname) : strlen(fname), i, cut = 0;

    for (i = n; i-- > 1;) {
        if (fname[i - 1] == '-' && fname[i] >= '0' && fname[i] <= '9' && i - 1 > 0) {
            cut = i - 1;
            break;
        }
    }
    if (cut) {
        *artifact = arena_strndup(a, fname, cut);
        *version = arena_strndup(a, fname + cut + 1, n - cut - 1);
    } else {
        *artifact = arena_strndup(a, fname, n);
        *version = NULL;
    }
}

static int
one_word(const char *s)
{
    return s && *s && !strpbrk(s, " \t");
}

static struct pkg *
push_pkg(struct level *lv, size_t *index)
{
    struct jar_scan *js = lv->js;
    struct pkg *p;

    if (js->pkgs.len >= MOAT_LIMIT_DB_PACKAGES) {
        if (!js->stop)
            actx_problem(js->c, MOAT_FAILED, js->path,
                         "more than %d packages in this archive; reading stopped",
                         MOAT_LIMIT_DB_PACKAGES);
        js->stop = 1;
        return NULL;
    }
    p = vec_push(&js->pkgs);
    if (!p)
        return NULL;
    p->type = MOAT_PKG_MAVEN;
    p->parent = -1;
    p->path = lv->depth > 0 ? lv->display : NULL;
    *index = js->pkgs.len - 1;
    return p;
}

static int
add_pom(struct level *lv, const char *name, const char *buf, size_t len)
{
    struct jar_scan *js = lv->js;
    struct props pr;
    struct pkg *p;
    size_t idx;

    parse_properties(js->c->arena, buf, len, &pr);
    if (!pr.artifact || !*pr.artifact || !pr.version || !*pr.version) {
        problem(js, MOAT_WARN, "/%s!/%s: pom.properties without artifactId or version; ignored",
                lv->display, name);
        return 0;
    }
    p = push_pkg(lv, &idx);
    if (!p)
        return js->stop ? 0 : MOAT_ENOMEM;
    p->ns = pr.group && *pr.group ? pr.group : NULL;
    p->name = pr.artifact;
    p->version = pr.version;
    p->parent = -2; /* marks "from pom.properties" until the owner is chosen */
    return pkg_prop(js->c, p, "java:metadata", "pom.properties");
}

/* Chooses this archive's own package (adding one from the manifest or
 * the file name when no pom.properties names it) and makes it the parent
 * of every other package found inside. */
static int
finish_level(struct level *lv)
{
    struct jar_scan *js = lv->js;
    struct arena *a = js->c->arena;
    char *fa = NULL, *fv = NULL;
    size_t i, own = (size_t)-1, npom = 0;
    struct pkg *pk;
    int rc = 0;

    split_file_name(a, lv->fname, &fa, &fv);
    pk = js->pkgs.items;
    for (i = lv->first; i < js->pkgs.len; i++) {
        if (pk[i].parent != -2)
            continue;
        npom++;
        if (own == (size_t)-1 && fa && strcmp(pk[i].name, fa) == 0)
            own = i;
    }
    for (i = lv->first; own == (size_t)-1 && npom && i < js->pkgs.len; i++)
        if (pk[i].parent == -2 && lv->mf.title && strcmp(pk[i].name, lv->mf.title) == 0)
            own = i;
    for (i = lv->first; own == (size_t)-1 && npom && i < js->pkgs.len; i++)
        if (pk[i].parent == -2)
            own = i;
    if (own == (size_t)-1) {
        const struct manifest *m = &lv->mf;
        const char *ver = m->version ? m->version : m->bversion;
        char *group = NULL, *bsn_last = NULL;
        struct pkg *p;
        if (m->bsn) {
            const char *b = m->bsn;
            size_t bn = strcspn(b, ";"); /* parameters such as ;singleton:=true */
            char *bsn, *dot;
            str_trim(&b, &bn);
            bsn = arena_strndup(a, b, bn);
            dot = bsn ? strrchr(bsn, '.') : NULL;
            if (dot && dot > bsn) {
                group = arena_strndup(a, bsn, (size_t)(dot - bsn));
                bsn_last = dot + 1;
            } else {
                bsn_last = bsn;
            }
        }
        p = push_pkg(lv, &own);
        if (!p)
            return js->stop ? 0 : MOAT_ENOMEM;
        if (ver) {
            p->version = ver;
            p->ns = m->vendor_id ? m->vendor_id : group;
            if (one_word(m->title))
                p->name = m->title;
            else if (fv && fa && *fa)
                p->name = fa;
            else if (bsn_last && *bsn_last)
                p->name = bsn_last;
            else if (m->title)
                p->name = m->title;
            else if (m->bname)
                p->name = m->bname;
            else
                p->name = fa;
            p->supplier = m->vendor ? m->vendor : m->bvendor;
            rc = pkg_prop(js->c, p, "java:metadata", "MANIFEST.MF");
        } else {
            p->name = fa;
            p->version = fv;
            rc = pkg_prop(js->c, p, "java:metadata", "file name");
        }
        if (!p->name || !*p->name)
            p->name = arena_strdup(a, lv->fname);
        if (rc)
            return rc;
        pk = js->pkgs.items;
    } else if (lv->has_mf) {
        const char *sup = lv->mf.vendor ? lv->mf.vendor : lv->mf.bvendor;
        if (sup && !pk[own].supplier)
            pk[own].supplier = sup;
    }
    for (i = lv->first; i < js->pkgs.len; i++) {
        if (i == own)
            pk[i].parent = -1;
        else if (pk[i].parent < 0)
            pk[i].parent = (long)own;
    }
    return 0;
}

/* ---- archives ---- */

static int read_level(struct level *lv);

static int
is_pom_properties(const char *name)
{
    return strncmp(name, "META-INF/maven/", 15) == 0 && str_ends(name, "/pom.properties");
}

/* Reads the current entry of lv as a nested archive. */
static int
nested(struct level *lv, const char *name)
{
    struct jar_scan *js = lv->js;
    struct level in;
    int rc;

    if (lv->depth + 1 > MOAT_LIMIT_ARCHIVE_DEPTH) {
        problem(js, MOAT_FAILED, "/%s!/%s: archives nested more than %d deep; not read",
                lv->display, name, MOAT_LIMIT_ARCHIVE_DEPTH);
        return 0;
    }
    memset(&in, 0, sizeof(in));
    in.js = js;
    in.outer = lv->a;
    in.depth = lv->depth + 1;
    in.display = arena_printf(js->c->arena, "%s!/%s", lv->display, name);
    in.fname = path_base(name);
    in.first = js->pkgs.len;
    in.buf = malloc(NESTED_BUF);
    if (!in.display || !in.buf) {
        free(in.buf);
        return MOAT_ENOMEM;
    }
    in.a = archive_read_new();
    if (!in.a) {
        free(in.buf);
        return MOAT_ENOMEM;
    }
    archive_read_support_format_zip_streamable(in.a);
    if (archive_read_open(in.a, &in, NULL, nested_read, NULL) != ARCHIVE_OK) {
        if (!js->stop)
            problem(js, MOAT_FAILED, "/%s: not a readable archive: %s", in.display,
                    archive_error_string(in.a));
        rc = 0;
        goto out;
    }
    rc = read_level(&in);
out:
    archive_read_free(in.a);
    free(in.buf);
    return rc;
}

static int
read_level(struct level *lv)
{
    struct jar_scan *js = lv->js;
    struct archive_entry *ae;
    int rc = 0, r;

    for (;;) {
        const char *name;
        if (js->stop)
            break;
        r = archive_read_next_header(lv->a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            if (!js->stop)
                problem(js, MOAT_FAILED, "/%s: unreadable archive: %s; the rest was not read",
                        lv->display, archive_error_string(lv->a));
            break;
        }
        if (++js->entries > MOAT_LIMIT_ARCHIVE_ENTRIES) {
            actx_problem(js->c, MOAT_FAILED, js->path,
                         "more than %d archive entries; reading stopped",
                         MOAT_LIMIT_ARCHIVE_ENTRIES);
            js->stop = 1;
            break;
        }
        name = archive_entry_pathname(ae);
        if (!name || archive_entry_filetype(ae) != AE_IFREG)
            continue;
        if (is_pom_properties(name) || strcasecmp(name, "META-INF/MANIFEST.MF") == 0) {
            const char *why = NULL;
            struct buf meta;
            int fatal = 0;
            buf_init(&meta, MOAT_LIMIT_ARCHIVE_META);
            if (read_meta(lv, &meta, &why, &fatal) != 0) {
                if (!js->stop)
                    problem(js, MOAT_FAILED, "/%s!/%s: not read: %s", lv->display, name,
                            why);
                buf_free(&meta);
                if (fatal)
                    break; /* the archive itself is unreadable from here */
                continue;
            }
            if (is_pom_properties(name))
                rc = add_pom(lv, name, meta.data ? meta.data : "", meta.len);
            else if (!lv->has_mf)
                parse_manifest(lv, meta.data ? meta.data : "", meta.len);
            buf_free(&meta);
            if (rc)
                break;
        } else if (java_archive_name(path_base(name))) {
            rc = nested(lv, name);
            if (rc)
                break;
        }
    }
    if (rc == 0 && !js->broken)
        rc = finish_level(lv);
    return rc;
}

static int
java_pull(struct actx *c, const struct entry *e, struct content *ct)
{
    struct jar_scan js;
    struct level top;
    struct rec *r;
    int rc = 0;

    memset(&js, 0, sizeof(js));
    js.c = c;
    js.path = e->path;
    js.ct = ct;
    js.size = content_size(ct);
    vec_init(&js.pkgs, sizeof(struct pkg), MOAT_LIMIT_DB_PACKAGES);
    memset(&top, 0, sizeof(top));
    top.js = &js;
    top.display = e->path;
    top.fname = e->base;
    top.a = archive_read_new();
    if (!top.a) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    archive_read_support_format_zip_streamable(top.a);
    if (archive_read_open(top.a, &top, NULL, top_read, NULL) != ARCHIVE_OK) {
        if (!js.broken)
            actx_problem(c, MOAT_FAILED, e->path, "not a readable Java archive: %s",
                         archive_error_string(top.a));
        goto out;
    }
    rc = read_level(&top);
    if (rc || js.broken || js.pkgs.len == 0)
        goto out;
    r = rec_new(c, REC_PKGS, e->path);
    if (!r) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    {
        struct pkg *pk = rec_add_pkgs(c, r, js.pkgs.len);
        if (!pk) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        memcpy(pk, js.pkgs.items, js.pkgs.len * sizeof(*pk));
    }
out:
    if (top.a)
        archive_read_free(top.a);
    vec_free(&js.pkgs);
    return rc;
}

const struct analyzer analyzer_java = {
    .name = "java",
    .version = 1,
    .wants = java_wants,
    .pull = java_pull,
};

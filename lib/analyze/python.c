/*
 * python.c - installed Python distributions: the core metadata file of each
 * one, wherever it lies (site-packages, dist-packages, virtualenvs, vendored
 * trees):
 *   <name>-<version>.dist-info/METADATA    wheels, pip (PEP 376/627)
 *   <name>[-<version>...].egg-info/PKG-INFO setuptools eggs, Debian packages
 *   <name>-<version>[-pyX.Y].egg-info      distutils: the same format in a
 *                                          single file instead of a directory
 *
 * The format is RFC 822 headers (core metadata 1.0-2.4) followed by an
 * optional body. Headers are read as Python's email parser reads them,
 * which is what importlib.metadata and pip use: they end at the first empty
 * line or at the first line that is neither "Name: value" nor a
 * continuation (leading space or tab); continuation lines, including ones
 * holding only spaces, belong to the field above. The first occurrence of a
 * field wins.
 *
 * Name is kept as declared (PEP 503 normalisation happens in the PURL).
 * The license is the first of: License-Expression (PEP 639, SPDX); License
 * when it is a one-line name rather than a pasted license text; the
 * "License ::" classifiers, mapped to SPDX ids where the classifier names
 * one version of one license, kept as their text otherwise, joined by AND
 * (classifiers do not say whether several licenses are alternatives).
 */
#include "analyzer.h"
#include "fields.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <string.h>

/* True when the component before the last '/' of path ends with suffix. */
static int
parent_ends(const char *path, const char *base, const char *suffix)
{
    size_t sl = strlen(suffix), end, start;

    if (base == path)
        return 0;
    end = (size_t)(base - path) - 1; /* the '/' before base */
    start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    return end - start > sl && memcmp(path + end - sl, suffix, sl) == 0;
}

static enum want
python_wants(const struct entry *e)
{
    const char *b = e->base;
    size_t bl = strlen(b);

    if (strcmp(b, "METADATA") == 0)
        return parent_ends(e->path, b, ".dist-info") ? WANT_WHOLE : WANT_NO;
    if (strcmp(b, "PKG-INFO") == 0)
        return parent_ends(e->path, b, ".egg-info") ? WANT_WHOLE : WANT_NO;
    if (bl > 9 && strcmp(b + bl - 9, ".egg-info") == 0 && e->le->type == ENTRY_REG)
        return WANT_WHOLE;
    return WANT_NO;
}

/* One header field: its first-line value and whether more lines follow. */
struct field {
    struct span v;
    int continued;
};

enum {
    H_NAME,
    H_VERSION,
    H_LICENSE,
    H_LICENSE_EXPR,
    H_AUTHOR,
    H_AUTHOR_EMAIL,
    H_MAINT,
    H_MAINT_EMAIL,
    H_N
};
static const char *const header_names[H_N] = {
    "Name",   "Version",      "License",    "License-Expression",
    "Author", "Author-email", "Maintainer", "Maintainer-email",
};

#define MAX_CLASSIFIERS 16

struct headers {
    struct field f[H_N];
    struct span lic_classifiers[MAX_CLASSIFIERS];
    size_t nclassifiers;
    size_t lic_classifiers_seen; /* may exceed MAX_CLASSIFIERS */
};

/* A header line as Python's email.feedparser recognises one: printable
 * ASCII other than ':' up to a ':'. Returns the colon's index or -1. */
static long
header_colon(const char *l, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)l[i];
        if (ch == ':')
            return (long)i;
        if (ch < 0x21 || ch > 0x7e)
            return -1;
    }
    return -1;
}

static int
name_eq(const char *l, size_t n, const char *name)
{
    size_t i;

    if (strlen(name) != n)
        return 0;
    for (i = 0; i < n; i++) {
        char a = l[i], b = name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

static void
read_headers(const char *buf, size_t len, struct headers *h)
{
    const char *cur = buf, *end = buf + len, *line;
    struct field *last = NULL;
    size_t n, k;

    memset(h, 0, sizeof(*h));
    while (str_next_line(&cur, end, &line, &n)) {
        long colon;
        const char *v;
        size_t vn;
        if (n == 0)
            break; /* the header/body separator */
        if (line[0] == ' ' || line[0] == '\t') {
            size_t i;
            for (i = 0; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
                ;
            if (last && i < n)
                last->continued = 1;
            continue;
        }
        colon = header_colon(line, n);
        if (colon < 0)
            break; /* not a header: the body started without a blank line */
        last = NULL;
        v = line + colon + 1;
        vn = n - (size_t)colon - 1;
        str_trim(&v, &vn);
        if (name_eq(line, (size_t)colon, "Classifier")) {
            if (vn > 11 && memcmp(v, "License :: ", 11) == 0) {
                h->lic_classifiers_seen++;
                if (h->nclassifiers < MAX_CLASSIFIERS) {
                    h->lic_classifiers[h->nclassifiers].p = v + 11;
                    h->lic_classifiers[h->nclassifiers].n = vn - 11;
                    h->nclassifiers++;
                }
            }
            continue;
        }
        for (k = 0; k < H_N; k++) {
            if (!h->f[k].v.p && name_eq(line, (size_t)colon, header_names[k])) {
                h->f[k].v.p = v;
                h->f[k].v.n = vn;
                last = &h->f[k];
                break;
            }
        }
    }
}

/* Classifiers (after "License :: ") that name exactly one SPDX license.
 * Unversioned ones ("OSI Approved :: BSD License", "... :: Apache Software
 * License") are not here: guessing a version would make a wrong SPDX id. */
static const struct {
    const char *classifier, *spdx;
} classifier_spdx[] = {
    {"OSI Approved :: MIT License", "MIT"},
    {"OSI Approved :: MIT No Attribution License (MIT-0)", "MIT-0"},
    {"OSI Approved :: ISC License (ISCL)", "ISC"},
    {"OSI Approved :: Python Software Foundation License", "PSF-2.0"},
    {"OSI Approved :: zlib/libpng License", "Zlib"},
    {"OSI Approved :: The Unlicense (Unlicense)", "Unlicense"},
    {"OSI Approved :: Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"},
    {"OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1"},
    {"OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"},
    {"OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0"},
    {"OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)", "EUPL-1.2"},
    {"OSI Approved :: Universal Permissive License (UPL)", "UPL-1.0"},
    {"OSI Approved :: GNU General Public License v2 (GPLv2)", "GPL-2.0-only"},
    {"OSI Approved :: GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later"},
    {"OSI Approved :: GNU General Public License v3 (GPLv3)", "GPL-3.0-only"},
    {"OSI Approved :: GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"},
    {"OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only"},
    {"OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)",
     "LGPL-2.0-or-later"},
    {"OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"},
    {"OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)",
     "LGPL-3.0-or-later"},
    {"OSI Approved :: GNU Affero General Public License v3", "AGPL-3.0-only"},
    {"OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)",
     "AGPL-3.0-or-later"},
    {"CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"},
};

/* Text fit for a report: bounded, valid UTF-8, no control characters. */
static int
text_ok(const char *s, size_t n, size_t max)
{
    size_t i;

    if (!s || n == 0 || n > max || !str_valid_utf8(s, n))
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            return 0;
    return 1;
}

static int
unknown(const struct span *s)
{
    return s->n == 7 && memcmp(s->p, "UNKNOWN", 7) == 0;
}

static const char *
classifier_license(struct actx *c, const char *path, const struct headers *h)
{
    struct span seen[MAX_CLASSIFIERS];
    struct buf b;
    const char *res = NULL;
    size_t i, k, nseen = 0;

    if (h->nclassifiers == 0)
        return NULL;
    if (h->lic_classifiers_seen > MAX_CLASSIFIERS)
        actx_problem(c, MOAT_WARN, path,
                     "%zu License classifiers; only the first %d were considered",
                     h->lic_classifiers_seen, MAX_CLASSIFIERS);
    buf_init(&b, MOAT_LIMIT_PKG_TEXT + 1);
    for (i = 0; i < h->nclassifiers; i++) {
        const struct span *s = &h->lic_classifiers[i];
        const char *name = NULL;
        size_t nn;
        for (k = 0; k < sizeof(classifier_spdx) / sizeof(classifier_spdx[0]); k++) {
            if (strlen(classifier_spdx[k].classifier) == s->n &&
                memcmp(classifier_spdx[k].classifier, s->p, s->n) == 0) {
                name = classifier_spdx[k].spdx;
                break;
            }
        }
        if (name) {
            nn = strlen(name);
        } else {
            /* "OSI Approved :: BSD License" -> "BSD License" */
            const char *sep = s->p, *last = s->p;
            while ((sep = mem_find(sep, (size_t)(s->p + s->n - sep), " :: ", 4)) != NULL) {
                sep += 4;
                last = sep;
            }
            name = last;
            nn = (size_t)(s->p + s->n - last);
            if (nn == 0 || (nn == 12 && memcmp(name, "OSI Approved", 12) == 0))
                continue;
        }
        if (!text_ok(name, nn, MOAT_LIMIT_PKG_TEXT))
            continue;
        /* the same license twice ("MIT" and "OSI Approved :: MIT License") once */
        for (k = 0; k < nseen; k++)
            if (seen[k].n == nn && memcmp(seen[k].p, name, nn) == 0)
                break;
        if (k < nseen)
            continue;
        if (buf_printf(&b, "%s%.*s", b.len ? " AND " : "", (int)nn, name) != 0) {
            actx_problem(c, MOAT_WARN, path,
                         "License classifiers longer than %u bytes "
                         "together; not recorded",
                         (unsigned)MOAT_LIMIT_PKG_TEXT);
            buf_reset(&b);
            break;
        }
        seen[nseen].p = name;
        seen[nseen].n = nn;
        nseen++;
    }
    if (b.len)
        res = arena_strndup(c->arena, b.data, b.len);
    buf_free(&b);
    return res;
}

static const char *
license_of(struct actx *c, const char *path, const struct headers *h)
{
    const struct field *ex = &h->f[H_LICENSE_EXPR], *lic = &h->f[H_LICENSE];

    if (text_ok(ex->v.p, ex->v.n, MOAT_LIMIT_PKG_TEXT))
        return span_dup(c->arena, &ex->v);
    /* a license text pasted into License: is no name */
    if (!lic->continued && !unknown(&lic->v) && text_ok(lic->v.p, lic->v.n, 200))
        return span_dup(c->arena, &lic->v);
    return classifier_license(c, path, h);
}

static const char *
supplier_of(struct actx *c, const struct headers *h)
{
    static const int order[] = {H_AUTHOR, H_AUTHOR_EMAIL, H_MAINT, H_MAINT_EMAIL};
    size_t i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const struct span *s = &h->f[order[i]].v;
        if (!unknown(s) && text_ok(s->p, s->n, MOAT_LIMIT_PKG_TEXT))
            return span_dup(c->arena, s);
    }
    return NULL;
}

static int
python_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    struct headers h;
    const struct span *name, *ver;
    struct rec *r;
    struct pkg *p;

    if (memchr(buf, '\0', len)) {
        actx_problem(c, MOAT_FAILED, e->path, "binary data in Python package metadata; not read");
        return 0;
    }
    read_headers(buf, len, &h);
    name = &h.f[H_NAME].v;
    ver = &h.f[H_VERSION].v;
    if (!name->n || !ver->n) {
        actx_problem(c, MOAT_FAILED, e->path,
                     "Python package metadata without a %s field; package not reported",
                     !name->n ? "Name" : "Version");
        return 0;
    }
    if (!text_ok(name->p, name->n, MOAT_LIMIT_PKG_NAME) ||
        !text_ok(ver->p, ver->n, MOAT_LIMIT_PKG_NAME) || memchr(ver->p, ' ', ver->n)) {
        actx_problem(c, MOAT_FAILED, e->path,
                     "Python package metadata with an overlong, non-UTF-8 or malformed %s; "
                     "package not reported",
                     !text_ok(name->p, name->n, MOAT_LIMIT_PKG_NAME) ? "Name" : "Version");
        return 0;
    }
    r = rec_new(c, REC_PKGS, e->path);
    p = r ? rec_add_pkgs(c, r, 1) : NULL;
    if (!p)
        return MOAT_ENOMEM;
    p->type = MOAT_PKG_PYPI;
    p->name = span_dup(c->arena, name);
    p->version = span_dup(c->arena, ver);
    p->license = license_of(c, e->path, &h);
    p->supplier = supplier_of(c, &h);
    if (!p->name || !p->version)
        return MOAT_ENOMEM;
    return 0;
}

const struct analyzer analyzer_python = {
    .name = "python",
    .version = 1,
    .wants = python_wants,
    .max_size = MOAT_LIMIT_LANG_FILE,
    .whole = python_whole,
};

/*
 * npm.c - Node.js packages installed on disk: the package.json at the top
 * of each package directory under node_modules, at any depth (nested
 * node_modules of npm < 3 and of conflicting versions, pnpm's
 * node_modules/.pnpm/<id>/node_modules/<name>), including the global
 * prefixes usr/lib/node_modules and usr/local/lib/node_modules, and the
 * directories where Debian's node-* packages install modules
 * (usr/share/nodejs, usr/lib/nodejs, usr/lib/<triplet>/nodejs).
 *
 * Left out on purpose:
 *  - package.json files deeper inside a package (node_modules/foo/lib/
 *    package.json, test fixtures): they describe no installed package;
 *  - a project's own package.json outside node_modules (/app/package.json):
 *    that is the application being scanned, not software installed into
 *    it, and its "dependencies" are wishes until a node_modules/ holds them;
 *  - lock files (package-lock.json, yarn.lock): what is on disk is what runs.
 *
 * A package.json whose name differs from its directory (npm aliases:
 * `npm i foo@npm:bar` installs bar into node_modules/foo) is reported under
 * the name it declares, with the directory in the "npm:directory" property.
 * A file without a usable name or version is a problem of the scan.
 */
#include "analyzer.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

/* Where the package directory of a wanted package.json ends and starts. */
struct pkg_dir {
    const char *p; /* "name" or "@scope/name" inside the path */
    size_t n;
};

/* Component ending just before path[end] (end points at a '/'), or the
 * first component when end is the start. */
static size_t
comp_start(const char *path, size_t end)
{
    size_t s = end;

    while (s > 0 && path[s - 1] != '/')
        s--;
    return s;
}

static int
comp_is(const char *path, size_t s, size_t e, const char *name)
{
    size_t n = strlen(name);
    return e - s == n && memcmp(path + s, name, n) == 0;
}

/* The directories that hold packages directly: node_modules anywhere, and
 * Debian's module directories (only at their fixed place). [s, e) is the
 * component, path the whole path. */
static int
is_module_root(const char *path, size_t s, size_t e)
{
    if (comp_is(path, s, e, "node_modules"))
        return 1;
    if (!comp_is(path, s, e, "nodejs"))
        return 0;
    if (s == 10 && memcmp(path, "usr/share/", 10) == 0)
        return 1; /* usr/share/nodejs */
    if (s == 8 && memcmp(path, "usr/lib/", 8) == 0)
        return 1; /* usr/lib/nodejs */
    if (s > 8 && memcmp(path, "usr/lib/", 8) == 0 && !memchr(path + 8, '/', s - 9))
        return 1; /* usr/lib/x86_64-linux-gnu/nodejs */
    return 0;
}

/* Decides whether path (".../package.json") is the manifest of an
 * installed package; sets d to its directory name. */
static int
package_dir(const char *path, struct pkg_dir *d)
{
    size_t len = strlen(path), dir_end, s1, s2, s3;

    if (len < 13 || strcmp(path + len - 12, "package.json") != 0 || path[len - 13] != '/')
        return 0;
    dir_end = len - 13; /* the '/' before package.json */
    s1 = comp_start(path, dir_end);
    if (s1 == dir_end || path[s1] == '.')
        return 0; /* .bin, .pnpm, .cache: npm's own */
    if (s1 == 0)
        return 0;
    s2 = comp_start(path, s1 - 1); /* parent of the package dir */
    if (path[s1] != '@' && is_module_root(path, s2, s1 - 1)) {
        d->p = path + s1;
        d->n = dir_end - s1;
        return 1;
    }
    /* @scope/name: the scope dir itself is no package */
    if (path[s1] == '@' || path[s2] != '@' || s1 - 1 - s2 < 2 || s2 == 0)
        return 0;
    s3 = comp_start(path, s2 - 1);
    if (!is_module_root(path, s3, s2 - 1))
        return 0;
    d->p = path + s2;
    d->n = dir_end - s2;
    return 1;
}

static enum want
npm_wants(const struct entry *e)
{
    struct pkg_dir d;

    if (strcmp(e->base, "package.json") != 0)
        return WANT_NO;
    return package_dir(e->path, &d) ? WANT_WHOLE : WANT_NO;
}

static const char *
text(struct actx *c, const char *s)
{
    return pkg_text_okz(s) ? arena_strdup(c->arena, s) : NULL;
}

/* One license entry: "MIT", or {"type": "MIT", "url": ...} (npm < 2). */
static const char *
license_entry(const json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    return json_obj_str(v, "type");
}

/* license (SPDX expression string, or legacy object or array) and the
 * legacy "licenses" array, whose entries are alternatives: joined by OR. */
static const char *
license_of(struct actx *c, const char *path, const json_t *root)
{
    const json_t *lic = json_object_get(root, "license");
    const json_t *list = NULL, *v;
    struct buf b;
    const char *res = NULL;
    size_t i, used = 0;

    if (json_is_string(lic) || json_is_object(lic)) {
        res = text(c, license_entry(lic));
        if (!res && license_entry(lic) && *license_entry(lic))
            actx_problem(c, MOAT_WARN, path,
                         "license is too long or has control characters; "
                         "not recorded");
        return res;
    }
    list = json_is_array(lic) ? lic : json_object_get(root, "licenses");
    if (!json_is_array(list))
        return NULL;
    buf_init(&b, MOAT_LIMIT_PKG_TEXT + 1);
    json_array_foreach(list, i, v)
    {
        const char *name = license_entry(v);
        int rc;
        if (!name || !*name)
            continue;
        if (strchr(name, ' '))
            rc = buf_printf(&b, "%s(%s)", used ? " OR " : "", name);
        else
            rc = buf_printf(&b, "%s%s", used ? " OR " : "", name);
        if (rc) {
            actx_problem(c, MOAT_WARN, path, "licenses list too long; not recorded");
            buf_free(&b);
            return NULL;
        }
        used++;
    }
    /* a single parenthesised entry needs no parentheses */
    if (used == 1 && b.data[0] == '(') {
        b.data[b.len - 1] = '\0';
        res = text(c, b.data + 1);
    } else if (used) {
        res = text(c, b.data);
    }
    buf_free(&b);
    return res;
}

/* author: "Name <mail> (url)" or {"name", "email", "url"}. */
static const char *
author_of(struct actx *c, const json_t *root)
{
    const json_t *a = json_object_get(root, "author");
    const char *name, *mail;
    char *s;

    if (json_is_string(a))
        return text(c, json_string_value(a));
    name = json_obj_str(a, "name");
    mail = json_obj_str(a, "email");
    if (!name || !*name)
        return NULL;
    if (!mail || !*mail)
        return text(c, name);
    s = arena_printf(c->arena, "%s <%s>", name, mail);
    return s ? text(c, s) : NULL;
}

static int
npm_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    struct pkg_dir d;
    json_t *root;
    const char *name, *version, *slash, *author;
    struct rec *r;
    struct pkg *p;
    int dups, rc = 0;
    char err[256];

    if (!package_dir(e->path, &d))
        return 0; /* defensive: wants() said yes */
    root = json_parse_untrusted(buf, len, MOAT_LIMIT_LANG_FILE, MOAT_LIMIT_JSON_DEPTH, &dups, err,
                                sizeof(err));
    if (!root) {
        actx_problem(c, MOAT_FAILED, e->path, "package.json: %s", err);
        return 0;
    }
    if (!json_is_object(root)) {
        actx_problem(c, MOAT_FAILED, e->path, "package.json is not a JSON object");
        goto out;
    }
    if (dups)
        actx_problem(c, MOAT_WARN, e->path,
                     "package.json repeats keys; the last of each was used, as npm does");
    name = json_obj_str(root, "name");
    version = json_obj_str(root, "version");
    if (!name || !version) {
        actx_problem(c, MOAT_FAILED, e->path, "package.json has no %s%s; package not reported",
                     !name ? "name" : "version", !name && !version ? " or version" : "");
        goto out;
    }
    if (!pkg_token_okz(name) || !pkg_token_okz(version)) {
        actx_problem(c, MOAT_FAILED, e->path,
                     "package.json has an empty, overlong or malformed %s; package not reported",
                     !pkg_token_okz(name) ? "name" : "version");
        goto out;
    }
    r = rec_new(c, REC_PKGS, e->path);
    p = r ? rec_add_pkgs(c, r, 1) : NULL;
    if (!p) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    p->type = MOAT_PKG_NPM;
    slash = name[0] == '@' ? strchr(name, '/') : NULL;
    if (slash && slash > name + 1 && slash[1]) {
        p->ns = arena_strndup(c->arena, name + 1, (size_t)(slash - name - 1));
        p->name = arena_strdup(c->arena, slash + 1);
    } else {
        p->name = arena_strdup(c->arena, name);
    }
    p->version = arena_strdup(c->arena, version);
    p->license = license_of(c, e->path, root);
    p->supplier = author_of(c, root);
    author = json_obj_str(root, "author");
    if (!author)
        author = json_obj_str(json_object_get(root, "author"), "name");
    if (!p->supplier && author && *author)
        actx_problem(c, MOAT_WARN, e->path,
                     "author is too long or has control characters; not recorded");
    if (!p->name || !p->version || (slash && !p->ns)) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    if (strlen(name) != d.n || memcmp(name, d.p, d.n) != 0) {
        char *dir = arena_strndup(c->arena, d.p, d.n);
        if (!dir || pkg_prop(c, p, "npm:directory", dir)) {
            rc = MOAT_ENOMEM;
            goto out;
        }
    }
    /* npm < 7 recorded where the tarball came from and its hash */
    if (pkg_text_okz(json_obj_str(root, "_resolved")))
        rc = pkg_prop(c, p, "npm:resolved", json_obj_str(root, "_resolved"));
    if (!rc && pkg_text_okz(json_obj_str(root, "_integrity")))
        rc = pkg_prop(c, p, "npm:integrity", json_obj_str(root, "_integrity"));
out:
    json_decref(root);
    return rc;
}

const struct analyzer analyzer_npm = {
    .name = "npm",
    .version = 1,
    .wants = npm_wants,
    .max_size = MOAT_LIMIT_LANG_FILE,
    .whole = npm_whole,
};

/*
 * composer.c - PHP packages installed by Composer: vendor/composer/
 * installed.json, the list Composer writes of everything it put under
 * vendor/. Composer 1 writes a JSON array of packages, Composer 2 an object
 * {"packages": [...], "dev": bool, "dev-package-names": [...]}.
 *
 * Each package's "name" is "vendor/project": the vendor becomes the
 * namespace. The version is kept as written ("v5.4.1", "dev-main"), not the
 * normalised "version_normalized". Licenses are an array of SPDX ids that
 * Composer documents as alternatives, joined by OR. Packages installed only
 * for development (dev-package-names) get the property composer:dev=true:
 * they are on disk, so they are reported, but a policy may weigh them
 * differently.
 *
 * composer.lock and composer.json are not read: they describe what should
 * be installed, not what is.
 */
#include "analyzer.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"

#include <string.h>

static enum want
composer_wants(const struct entry *e)
{
    static const char tail[] = "vendor/composer/installed.json";
    size_t n = strlen(e->path), tn = sizeof(tail) - 1;

    if (strcmp(e->base, "installed.json") != 0 || n < tn)
        return WANT_NO;
    if (strcmp(e->path + n - tn, tail) != 0)
        return WANT_NO;
    return n == tn || e->path[n - tn - 1] == '/' ? WANT_WHOLE : WANT_NO;
}

/* Strings of an array (or one string) joined by sep; NULL when none. For
 * arrays of objects, key names the member to take ("name" of authors). */
static const char *
join(struct actx *c, const char *path, const json_t *v, const char *key, const char *sep)
{
    struct buf b;
    const json_t *item;
    const char *res = NULL;
    size_t i;

    if (json_is_string(v))
        return pkg_text_okz(json_string_value(v)) ? arena_strdup(c->arena, json_string_value(v))
                                                  : NULL;
    if (!json_is_array(v))
        return NULL;
    buf_init(&b, MOAT_LIMIT_PKG_TEXT);
    json_array_foreach(v, i, item)
    {
        const char *s = key ? json_obj_str(item, key) : json_string_value(item);
        if (!pkg_text_okz(s))
            continue;
        if (buf_printf(&b, "%s%s", b.len ? sep : "", s) != 0) {
            actx_problem(c, MOAT_WARN, path, "a %s list longer than %u bytes; not recorded",
                         key ? "authors" : "license", (unsigned)MOAT_LIMIT_PKG_TEXT);
            buf_reset(&b);
            break;
        }
    }
    if (b.len)
        res = arena_strndup(c->arena, b.data, b.len);
    buf_free(&b);
    return res;
}

/* The dev-package-names as a set (keys borrowed from the JSON document). */
static int
dev_set(struct map *m, const json_t *dev_names)
{
    const json_t *v;
    size_t i;

    json_array_foreach(dev_names, i, v)
    {
        if (json_is_string(v) && map_put(m, json_string_value(v), (void *)1, NULL) != 0)
            return MOAT_ENOMEM;
    }
    return 0;
}

static int
composer_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    json_t *root, *list, *item;
    struct map dev;
    struct rec *r;
    struct pkg *pkgs;
    size_t i, n, used = 0, bad = 0;
    int dups, rc = 0;
    char err[256];

    map_init(&dev);
    root = json_parse_untrusted(buf, len, MOAT_LIMIT_LANG_FILE, MOAT_LIMIT_JSON_DEPTH, &dups, err,
                                sizeof(err));
    if (!root) {
        actx_problem(c, MOAT_FAILED, e->path, "installed.json: %s", err);
        goto out;
    }
    if (dups)
        actx_problem(c, MOAT_WARN, e->path,
                     "installed.json repeats keys; the last of each was used, as PHP does");
    list = json_is_array(root) ? root : json_object_get(root, "packages");
    if (!json_is_array(list)) {
        actx_problem(c, MOAT_FAILED, e->path,
                     "installed.json is neither a list of packages (Composer 1) nor an object "
                     "with a \"packages\" list (Composer 2)");
        goto out;
    }
    if (json_is_object(root) && json_is_array(json_object_get(root, "dev-package-names"))) {
        rc = dev_set(&dev, json_object_get(root, "dev-package-names"));
        if (rc)
            goto out;
    }
    n = json_array_size(list);
    if (n == 0)
        goto out;
    pkgs = rec_new_pkgs(c, e->path, &n, &r);
    if (!pkgs) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    for (i = 0; i < n; i++) {
        const char *name, *version, *slash;
        struct pkg *p = &pkgs[used];
        item = json_array_get(list, i);
        name = json_obj_str(item, "name");
        version = json_obj_str(item, "version");
        slash = name ? strchr(name, '/') : NULL;
        if (!pkg_token_okz(name) || !pkg_token_okz(version) || !slash || slash == name ||
            !slash[1]) {
            if (++bad <= MOAT_LIMIT_FILE_PROBLEMS)
                actx_problem(c, MOAT_FAILED, e->path,
                             "package %zu has no valid \"vendor/name\" name or no version; "
                             "skipped",
                             i);
            continue;
        }
        p->type = MOAT_PKG_COMPOSER;
        p->ns = arena_strndup(c->arena, name, (size_t)(slash - name));
        p->name = arena_strdup(c->arena, slash + 1);
        p->version = arena_strdup(c->arena, version);
        p->license = join(c, e->path, json_object_get(item, "license"), NULL, " OR ");
        p->supplier = join(c, e->path, json_object_get(item, "authors"), "name", ", ");
        if (!p->ns || !p->name || !p->version) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        if (map_get(&dev, name) && pkg_prop(c, p, "composer:dev", "true")) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        used++;
    }
    r->npkgs = used; /* skipped entries leave unused slots at the end */
    if (bad > MOAT_LIMIT_FILE_PROBLEMS)
        actx_problem(c, MOAT_FAILED, e->path, "%zu malformed packages in all", bad);
out:
    map_free(&dev);
    json_decref(root);
    return rc;
}

const struct analyzer analyzer_composer = {
    .name = "composer",
    .version = 1,
    .wants = composer_wants,
    .max_size = MOAT_LIMIT_LANG_FILE,
    .whole = composer_whole,
};

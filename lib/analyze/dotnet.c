/*
 * dotnet.c - NuGet packages of .NET applications: <app>.deps.json, which the
 * .NET SDK writes beside every built application and which the host reads
 * at start-up to resolve assemblies. Its "libraries" object has one member
 * per library, keyed "Name/Version":
 *   "Newtonsoft.Json/13.0.3": {"type": "package", "serviceable": true,
 *                              "sha512": "sha512-...", "path": "..."}
 *   "MyApp/1.0.0": {"type": "project", ...}
 * Libraries of type "package" came from NuGet and are reported; "project"
 * entries are the application's own assemblies and "reference"/"runtimepack"
 * entries are the framework (reported by whatever installed the framework).
 * The package hash is kept in the nuget:sha512 property.
 */
#include "analyzer.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"

#include <string.h>

static enum want
dotnet_wants(const struct entry *e)
{
    size_t n = strlen(e->base);

    return n > 10 && strcmp(e->base + n - 10, ".deps.json") == 0 ? WANT_WHOLE : WANT_NO;
}

static int
dotnet_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    json_t *root, *libs, *lib;
    const char *key;
    struct rec *r;
    struct pkg *pkgs;
    size_t n = 0, used = 0, bad = 0, index = 0;
    int dups, rc = 0;
    char err[256];

    root = json_parse_untrusted(buf, len, MOAT_LIMIT_LANG_FILE, MOAT_LIMIT_JSON_DEPTH, &dups, err,
                                sizeof(err));
    if (!root) {
        actx_problem(c, MOAT_FAILED, e->path, "deps.json: %s", err);
        return 0;
    }
    if (dups)
        actx_problem(c, MOAT_WARN, e->path,
                     "deps.json repeats keys; the last of each was used, as .NET does");
    libs = json_object_get(root, "libraries");
    if (!json_is_object(libs)) {
        actx_problem(c, MOAT_FAILED, e->path, "deps.json has no \"libraries\" object");
        goto out;
    }
    json_object_foreach(libs, key, lib)
    {
        const char *type = json_obj_str(lib, "type");
        if (type && strcmp(type, "package") == 0)
            n++;
    }
    if (n == 0)
        goto out;
    pkgs = rec_new_pkgs(c, e->path, &n, &r);
    if (!pkgs) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    json_object_foreach(libs, key, lib)
    {
        const char *type = json_obj_str(lib, "type"), *slash, *sha;
        struct pkg *p;
        size_t kn;
        if (!type || strcmp(type, "package") != 0)
            continue;
        if (index++ >= n)
            break;
        slash = strchr(key, '/');
        kn = strlen(key);
        if (!slash || !pkg_token_ok(key, (size_t)(slash - key)) ||
            !pkg_token_ok(slash + 1, kn - (size_t)(slash - key) - 1) || strchr(slash + 1, '/')) {
            if (++bad <= MOAT_LIMIT_FILE_PROBLEMS)
                actx_problem(c, MOAT_FAILED, e->path,
                             "library key is not \"Name/Version\"; skipped");
            continue;
        }
        p = &pkgs[used];
        p->type = MOAT_PKG_NUGET;
        p->name = arena_strndup(c->arena, key, (size_t)(slash - key));
        p->version = arena_strdup(c->arena, slash + 1);
        if (!p->name || !p->version) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        sha = json_obj_str(lib, "sha512");
        if (sha && pkg_token_ok(sha, strlen(sha)) && pkg_prop(c, p, "nuget:sha512", sha)) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        used++;
    }
    r->npkgs = used; /* skipped entries leave unused slots at the end */
    if (bad > MOAT_LIMIT_FILE_PROBLEMS)
        actx_problem(c, MOAT_FAILED, e->path, "%zu malformed library keys in all", bad);
out:
    json_decref(root);
    return rc;
}

const struct analyzer analyzer_dotnet = {
    .name = "dotnet",
    .version = 1,
    .wants = dotnet_wants,
    .max_size = MOAT_LIMIT_LANG_FILE,
    .whole = dotnet_whole,
};

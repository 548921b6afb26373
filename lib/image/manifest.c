/*
 * manifest.c - the image metadata every transport shares: parsing of OCI and
 * Docker schema 2 manifests, image indexes / manifest lists (platform
 * selection), image configs (diff_ids, history), and media-type knowledge.
 *
 * All documents are hostile: size and nesting are capped before parsing,
 * duplicate keys are rejected (two parsers reading different values out of
 * one document is a known confusion attack), every digest is validated, and
 * the layer count of manifest and config must agree.
 */
#include "image.h"
#include "source.h"
#include "base/digest.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"

int
media_is_index(const char *mt)
{
    return mt && (strcmp(mt, MT_DOCKER_LIST) == 0 || strcmp(mt, MT_OCI_INDEX) == 0);
}

int
media_is_manifest(const char *mt)
{
    return mt && (strcmp(mt, MT_DOCKER_MANIFEST) == 0 || strcmp(mt, MT_OCI_MANIFEST) == 0);
}

static const struct {
    const char *mt;
    enum compression c;
} layer_types[] = {
    {"application/vnd.docker.image.rootfs.diff.tar.gzip", COMP_GZIP},
    {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", COMP_GZIP},
    {"application/vnd.docker.image.rootfs.diff.tar.zstd", COMP_ZSTD},
    {"application/vnd.docker.image.rootfs.diff.tar", COMP_NONE},
    {"application/vnd.oci.image.layer.v1.tar", COMP_NONE},
    {"application/vnd.oci.image.layer.v1.tar+gzip", COMP_GZIP},
    {"application/vnd.oci.image.layer.v1.tar+zstd", COMP_ZSTD},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar", COMP_NONE},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", COMP_GZIP},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", COMP_ZSTD},
};

int
media_layer_compression(const char *mt, enum compression *c)
{
    size_t i;

    for (i = 0; i < sizeof(layer_types) / sizeof(layer_types[0]); i++) {
        if (strcmp(mt, layer_types[i].mt) == 0) {
            *c = layer_types[i].c;
            return 0;
        }
    }
    return -1;
}

const char *
image_host_arch(void)
{
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__i386__)
    return "386";
#elif defined(__arm__)
    return "arm";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
    return "ppc64le";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#else
    return "amd64";
#endif
}

void
image_warn(struct image_desc *img, int layer, const char *fmt, ...)
{
    struct moat_problem *np;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = arena_vprintf(&img->arena, fmt, ap);
    va_end(ap);
    if (!msg)
        return;
    np = realloc(img->warnings, (img->nwarnings + 1) * sizeof(*np));
    if (!np)
        return;
    img->warnings = np;
    np[img->nwarnings].grade = MOAT_WARN;
    np[img->nwarnings].layer = layer;
    np[img->nwarnings].path = NULL;
    np[img->nwarnings].source = "image";
    np[img->nwarnings].message = msg;
    img->nwarnings++;
}

void *
json_parse_limited(const char *what, const char *p, size_t n, char *err, size_t errlen)
{
    char why[400];
    int dup = 0;
    json_t *j;

    j = json_parse_untrusted(p, n, MOAT_LIMIT_JSON_DOC, MOAT_LIMIT_JSON_DEPTH, &dup, why,
                             sizeof(why));
    if (!j) {
        snprintf(err, errlen, "%s: %s", what, why);
        return NULL;
    }
    if (dup) {
        /* two parsers reading different values out of one document is a
         * known confusion attack: image metadata must be unambiguous */
        json_decref(j);
        snprintf(err, errlen, "%s: duplicate keys in a JSON object", what);
        return NULL;
    }
    return j;
}

static const char *
jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Validates a descriptor ({mediaType, digest, size}); returns digest. */
static const char *
descriptor(json_t *d, const char *what, int64_t *size, char *err, size_t errlen)
{
    const char *dg;
    json_t *sz;
    char algo[8];

    if (!json_is_object(d)) {
        snprintf(err, errlen, "%s: descriptor is not an object", what);
        return NULL;
    }
    dg = jstr(d, "digest");
    if (!dg || digest_parse(dg, algo) != 0) {
        snprintf(err, errlen, "%s: missing or malformed digest%s%s", what, dg ? " " : "",
                 dg ? dg : "");
        return NULL;
    }
    sz = json_object_get(d, "size");
    if (sz && (!json_is_integer(sz) || json_integer_value(sz) < 0)) {
        snprintf(err, errlen, "%s: size is not a non-negative integer", what);
        return NULL;
    }
    if (size)
        *size = sz ? (int64_t)json_integer_value(sz) : -1;
    return dg;
}

int
image_apply_manifest(struct image_desc *img, const void *manifest_json, char *err, size_t errlen)
{
    json_t *m = (json_t *)manifest_json, *cfg, *layers, *sv, *l;
    const char *mt, *cmt, *dg;
    size_t i, n;

    if (!json_is_object(m)) {
        snprintf(err, errlen, "manifest: not a JSON object");
        return MOAT_EINVAL;
    }
    sv = json_object_get(m, "schemaVersion");
    if (!json_is_integer(sv) || json_integer_value(sv) != 2) {
        snprintf(err, errlen, "manifest: schemaVersion is not 2 (Docker schema 1 and unknown "
                              "schemas are not supported)");
        return MOAT_EUNSUP;
    }
    mt = jstr(m, "mediaType");
    if (mt && !media_is_manifest(mt)) {
        snprintf(err, errlen, "manifest: media type %s is not an image manifest", mt);
        return MOAT_EUNSUP;
    }
    cfg = json_object_get(m, "config");
    if (!descriptor(cfg, "manifest config", NULL, err, errlen))
        return MOAT_EINVAL;
    cmt = jstr(cfg, "mediaType");
    if (!cmt || (strcmp(cmt, MT_DOCKER_CONFIG) != 0 && strcmp(cmt, MT_OCI_CONFIG) != 0)) {
        snprintf(err, errlen, "manifest: config media type %s is not a container image config",
                 cmt ? cmt : "(missing)");
        return MOAT_EUNSUP;
    }
    img->config_digest = arena_strdup(&img->arena, jstr(cfg, "digest"));
    layers = json_object_get(m, "layers");
    if (!json_is_array(layers)) {
        snprintf(err, errlen, "manifest: layers is not an array");
        return MOAT_EINVAL;
    }
    n = json_array_size(layers);
    if (n > MOAT_LIMIT_LAYERS) {
        snprintf(err, errlen, "manifest: %zu layers, more than the limit of %d", n,
                 MOAT_LIMIT_LAYERS);
        return MOAT_ETOOBIG;
    }
    img->layers = arena_alloc(&img->arena, (n ? n : 1) * sizeof(*img->layers));
    if (!img->layers)
        return MOAT_ENOMEM;
    img->nlayers = n;
    json_array_foreach(layers, i, l)
    {
        struct layer_desc *ld = &img->layers[i];
        char what[48];
        const char *lmt;

        snprintf(what, sizeof(what), "manifest layer %zu", i);
        dg = descriptor(l, what, &ld->size, err, errlen);
        if (!dg)
            return MOAT_EINVAL;
        lmt = jstr(l, "mediaType");
        if (!lmt || media_layer_compression(lmt, &ld->compression) != 0) {
            snprintf(err, errlen, "layer %zu (%s): unknown layer media type %s", i, dg,
                     lmt ? lmt : "(missing)");
            return MOAT_EUNSUP;
        }
        ld->digest = arena_strdup(&img->arena, dg);
        ld->media_type = arena_strdup(&img->arena, lmt);
    }
    return 0;
}

int
image_apply_config(struct image_desc *img, const char *cfgtext, size_t cfglen, char *err,
                   size_t errlen)
{
    json_t *c, *rootfs, *ids, *hist, *h, *id;
    size_t i, n, li;
    int rc = MOAT_EINVAL;

    c = json_parse_limited("image config", cfgtext, cfglen, err, errlen);
    if (!c)
        return MOAT_EINVAL;
    if (!json_is_object(c)) {
        snprintf(err, errlen, "image config: not a JSON object");
        goto out;
    }
    img->config_json = arena_strndup(&img->arena, cfgtext, cfglen);
    img->config_len = cfglen;
    img->os = arena_strdup(&img->arena, jstr(c, "os"));
    img->architecture = arena_strdup(&img->arena, jstr(c, "architecture"));
    img->variant = arena_strdup(&img->arena, jstr(c, "variant"));
    img->created = arena_strdup(&img->arena, jstr(c, "created"));
    rootfs = json_object_get(c, "rootfs");
    ids = json_is_object(rootfs) ? json_object_get(rootfs, "diff_ids") : NULL;
    if (!json_is_array(ids)) {
        snprintf(err, errlen, "image config: rootfs.diff_ids missing or not an array");
        goto out;
    }
    n = json_array_size(ids);
    if (n != img->nlayers) {
        snprintf(err, errlen,
                 "image config lists %zu diff_ids but the manifest has %zu layers", n,
                 img->nlayers);
        goto out;
    }
    json_array_foreach(ids, i, id)
    {
        char algo[8];
        const char *s = json_is_string(id) ? json_string_value(id) : NULL;
        if (!s || digest_parse(s, algo) != 0) {
            snprintf(err, errlen, "image config: diff_id %zu is not a valid digest", i);
            goto out;
        }
        img->layers[i].diff_id = arena_strdup(&img->arena, s);
    }
    /* history: entries without empty_layer map to layers in order */
    hist = json_object_get(c, "history");
    li = 0;
    if (json_is_array(hist)) {
        json_array_foreach(hist, i, h)
        {
            json_t *empty = json_object_get(h, "empty_layer");
            if (json_is_true(empty))
                continue;
            if (li < img->nlayers)
                img->layers[li].created_by = arena_strdup(&img->arena, jstr(h, "created_by"));
            li++;
        }
        if (li != img->nlayers)
            image_warn(img, -1, "config history has %zu non-empty entries for %zu layers; "
                                "created_by may not line up", li, img->nlayers);
    }
    rc = 0;
out:
    json_decref(c);
    return rc;
}

/* Splits "os/arch[/variant]". */
static void
split_platform(const char *p, char *os, char *arch, char *variant, size_t n)
{
    const char *a = strchr(p, '/'), *v;

    os[0] = arch[0] = variant[0] = '\0';
    if (!a) {
        snprintf(os, n, "%s", p);
        return;
    }
    snprintf(os, n, "%.*s", (int)(a - p), p);
    v = strchr(a + 1, '/');
    if (v) {
        snprintf(arch, n, "%.*s", (int)(v - a - 1), a + 1);
        snprintf(variant, n, "%s", v + 1);
    } else {
        snprintf(arch, n, "%s", a + 1);
    }
}

int
image_select_platform(struct image_desc *img, const void *index_json,
                      const struct moat_options *opt, const char **digest,
                      const char **media_type, char *err, size_t errlen)
{
    json_t *idx = (json_t *)index_json, *ms, *m;
    char os[64], arch[64], variant[64], want[200];
    const char *best = NULL, *best_mt = NULL;
    size_t i;
    int best_score = -1;
    struct buf_list {
        char s[1024];
        size_t n;
    } seen = {{0}, 0};

    if (opt && opt->platform) {
        split_platform(opt->platform, os, arch, variant, sizeof(os));
    } else {
        snprintf(os, sizeof(os), "linux");
        snprintf(arch, sizeof(arch), "%s", image_host_arch());
        variant[0] = '\0';
    }
    snprintf(want, sizeof(want), "%s/%s%s%s", os, arch, variant[0] ? "/" : "", variant);
    ms = json_object_get(idx, "manifests");
    if (!json_is_array(ms)) {
        snprintf(err, errlen, "image index: manifests is not an array");
        return MOAT_EINVAL;
    }
    json_array_foreach(ms, i, m)
    {
        json_t *p = json_object_get(m, "platform");
        const char *pos, *parch, *pvar, *mt, *dg;
        int score;

        dg = descriptor(m, "image index entry", NULL, err, errlen);
        if (!dg)
            return MOAT_EINVAL;
        mt = jstr(m, "mediaType");
        if (!json_is_object(p))
            continue;
        pos = jstr(p, "os");
        parch = jstr(p, "architecture");
        pvar = jstr(p, "variant");
        if (!pos || !parch)
            continue;
        if (seen.n < sizeof(seen.s) - 80)
            seen.n += (size_t)snprintf(seen.s + seen.n, sizeof(seen.s) - seen.n, "%s%s/%s%s%s",
                                       seen.n ? ", " : "", pos, parch, pvar ? "/" : "",
                                       pvar ? pvar : "");
        if (strcmp(pos, os) != 0 || strcmp(parch, arch) != 0)
            continue;
        /* exact variant beats no variant beats another variant */
        if (variant[0])
            score = pvar && strcmp(pvar, variant) == 0 ? 2 : (!pvar ? 1 : 0);
        else
            score = !pvar ? 2 : (strcmp(arch, "arm64") == 0 && strcmp(pvar, "v8") == 0 ? 2 : 1);
        if (score > best_score) {
            best_score = score;
            best = dg;
            best_mt = mt;
        }
    }
    if (!best) {
        snprintf(err, errlen, "image index has no manifest for platform %s (it has: %s)", want,
                 seen.n ? seen.s : "none with a platform");
        return MOAT_ENOENT;
    }
    *digest = arena_strdup(&img->arena, best);
    *media_type = arena_strdup(&img->arena, best_mt);
    return 0;
}

int
verify_digest(const char *what, const char *digest, const void *buf, size_t n, char *err,
              size_t errlen)
{
    struct digest d;
    char algo[8], got[DIGEST_MAX];
    int rc;

    rc = digest_parse(digest, algo);
    if (rc) {
        snprintf(err, errlen, "%s: malformed digest %s", what, digest);
        return rc;
    }
    rc = digest_init(&d, algo);
    if (rc) {
        snprintf(err, errlen, "%s: cannot compute %s", what, algo);
        return rc;
    }
    digest_update(&d, buf, n);
    digest_final(&d, got);
    if (strcmp(got, digest) != 0) {
        snprintf(err, errlen, "%s: digest mismatch: expected %s, content has %s", what, digest,
                 got);
        return MOAT_EDIGEST;
    }
    return 0;
}

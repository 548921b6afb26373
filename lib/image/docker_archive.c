/*
 * docker_archive.c - `docker save` / `podman save` / skopeo docker-archive
 * tarballs: manifest.json names the config and the layer members (layer.tar
 * files, or blobs/sha256/<hex> since Docker 25), usually uncompressed, so the
 * layer digests to verify are the config's diff_ids.
 */
#include "source.h"
#include "base/digest.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct archive_source {
    struct source base;
    struct tar_index ti;
};

static int
archive_open_blob(struct source *s, const struct layer_desc *l, struct blob **out, char *err,
                  size_t errlen)
{
    struct archive_source *as = (struct archive_source *)s;
    const struct tar_member *m = tar_index_find(&as->ti, l->member);

    if (!m || m->is_dir) {
        snprintf(err, errlen, "blob %s is missing from the archive", l->member);
        return MOAT_ENOENT;
    }
    *out = blob_file_range(as->ti.fd, m->offset, m->size);
    return *out ? 0 : MOAT_ENOMEM;
}

static void
archive_free(struct source *s)
{
    struct archive_source *as = (struct archive_source *)s;

    tar_index_free(&as->ti);
    free(as);
}

/* "blobs/sha256/<hex>" or "<hex>.json"/"<hex>/layer.tar" names carry a
 * digest; returns it (arena) when the name is in blobs/ form. */
static const char *
digest_from_member(struct arena *ar, const char *name)
{
    const char *p;
    char algo[8], d[DIGEST_MAX];

    if (strncmp(name, "blobs/", 6) != 0)
        return NULL;
    p = strchr(name + 6, '/');
    if (!p)
        return NULL;
    snprintf(d, sizeof(d), "%.*s:%s", (int)(p - name - 6), name + 6, p + 1);
    if (digest_parse(d, algo) != 0)
        return NULL;
    return arena_strdup(ar, d);
}

static int
read_member(struct archive_source *as, const char *name, size_t max, char **out, size_t *len,
            char *err, size_t errlen)
{
    const struct tar_member *m = tar_index_find(&as->ti, name);

    if (!m || m->is_dir) {
        snprintf(err, errlen, "%s is missing from the archive", name);
        return MOAT_ENOENT;
    }
    return tar_index_read(&as->ti, m, max, out, len, err, errlen);
}

/* Chooses the manifest.json entry: by RepoTag, "@N" index, or the only one. */
static json_t *
choose_entry(json_t *arr, const char *ref, char *err, size_t errlen)
{
    size_t i, n = json_array_size(arr);
    json_t *e;

    if (n == 0) {
        snprintf(err, errlen, "manifest.json lists no images");
        return NULL;
    }
    if (!ref || !*ref) {
        if (n == 1)
            return json_array_get(arr, 0);
        snprintf(err, errlen, "archive holds %zu images; name one as "
                              "docker-archive:PATH:REPO:TAG or :@INDEX", n);
        return NULL;
    }
    if (ref[0] == '@') {
        uint64_t k;
        if (str_to_u64(ref + 1, strlen(ref + 1), &k) == 0 && k < n)
            return json_array_get(arr, (size_t)k);
        snprintf(err, errlen, "archive has no image at index %s", ref + 1);
        return NULL;
    }
    json_array_foreach(arr, i, e)
    {
        json_t *tags = json_object_get(e, "RepoTags"), *t;
        size_t j;
        json_array_foreach(tags, j, t)
        {
            const char *s = json_string_value(t);
            if (s && (strcmp(s, ref) == 0 ||
                      (strchr(ref, ':') == NULL && strncmp(s, ref, strlen(ref)) == 0 &&
                       strcmp(s + strlen(ref), ":latest") == 0)))
                return e;
        }
    }
    snprintf(err, errlen, "archive has no image tagged %s", ref);
    return NULL;
}

int
docker_archive_open(struct image_desc *img, const char *path, const char *ref,
                    const struct moat_options *opt, char *err, size_t errlen)
{
    struct archive_source *as;
    json_t *man = NULL, *ent, *layers, *l, *tags;
    char *text = NULL, *cfg = NULL;
    size_t len, cfglen, i;
    const char *cfgname, *named;
    char cfgdigest[DIGEST_MAX];
    int rc;

    (void)opt;
    as = calloc(1, sizeof(*as));
    if (!as)
        return MOAT_ENOMEM;
    as->base.open_blob = archive_open_blob;
    as->base.free = archive_free;
    as->ti.fd = -1;
    rc = tar_index_build(&as->ti, path, err, errlen);
    if (rc) {
        free(as);
        return rc;
    }
    img->src = &as->base;
    rc = read_member(as, "manifest.json", MOAT_LIMIT_JSON_DOC, &text, &len, err, errlen);
    if (rc) {
        if (rc == MOAT_ENOENT)
            snprintf(err, errlen, "%s: no manifest.json: not a docker-archive", path);
        return rc;
    }
    man = json_parse_limited("manifest.json", text, len, err, errlen);
    free(text);
    if (!man)
        return MOAT_EINVAL;
    rc = MOAT_EINVAL;
    if (!json_is_array(man)) {
        snprintf(err, errlen, "manifest.json: not a JSON array");
        goto out;
    }
    ent = choose_entry(man, ref, err, errlen);
    if (!ent)
        goto out;
    cfgname = json_string_value(json_object_get(ent, "Config"));
    layers = json_object_get(ent, "Layers");
    if (!cfgname || !json_is_array(layers)) {
        snprintf(err, errlen, "manifest.json: entry without Config or Layers");
        goto out;
    }
    tags = json_object_get(ent, "RepoTags");
    if (json_array_size(tags) > 0 && json_is_string(json_array_get(tags, 0)))
        img->name = arena_strdup(&img->arena, json_string_value(json_array_get(tags, 0)));
    img->nlayers = json_array_size(layers);
    if (img->nlayers > MOAT_LIMIT_LAYERS) {
        snprintf(err, errlen, "manifest.json: %zu layers, more than the limit of %d",
                 img->nlayers, MOAT_LIMIT_LAYERS);
        goto out;
    }
    img->layers = arena_alloc(&img->arena, (img->nlayers + 1) * sizeof(*img->layers));
    if (!img->layers) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    json_array_foreach(layers, i, l)
    {
        const char *s = json_string_value(l);
        const struct tar_member *m;
        if (!s) {
            snprintf(err, errlen, "manifest.json: layer %zu is not a string", i);
            goto out;
        }
        img->layers[i].member = arena_strdup(&img->arena, s);
        img->layers[i].digest = (char *)digest_from_member(&img->arena, s);
        img->layers[i].compression = COMP_SNIFF;
        m = tar_index_find(&as->ti, s);
        img->layers[i].size = m ? (int64_t)m->size : -1;
    }
    rc = read_member(as, cfgname, MOAT_LIMIT_JSON_DOC, &cfg, &cfglen, err, errlen);
    if (rc)
        goto out;
    digest_sha256(cfg, cfglen, cfgdigest);
    named = digest_from_member(&img->arena, cfgname);
    if (!named && strlen(cfgname) == 69 && str_ends(cfgname, ".json")) {
        char d[DIGEST_MAX], algo[8];
        snprintf(d, sizeof(d), "sha256:%.64s", cfgname);
        if (digest_parse(d, algo) == 0)
            named = arena_strdup(&img->arena, d);
    }
    if (named && strcmp(named, cfgdigest) != 0) {
        snprintf(err, errlen, "config %s: digest mismatch: content has %s", cfgname, cfgdigest);
        rc = MOAT_EDIGEST;
        goto out;
    }
    img->config_digest = arena_strdup(&img->arena, cfgdigest);
    rc = image_apply_config(img, cfg, cfglen, err, errlen);
out:
    free(cfg);
    json_decref(man);
    return rc;
}

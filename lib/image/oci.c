/*
 * oci.c - OCI image layouts: a directory (oci:PATH[:TAG|@DIGEST]) or a tar
 * of one (oci-archive:PATH). index.json is resolved to one image manifest
 * (by ref.name annotation, by digest, or by platform through nested image
 * indexes); every blob read here is verified against its digest.
 */
#include "source.h"
#include "base/digest.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REF_NAME "org.opencontainers.image.ref.name"
#define MAX_INDEX_DEPTH 4

/* Reads, verifies and parses a small blob. */
static json_t *
fetch_json(read_blob_fn rb, void *ud, const char *what, const char *digest, char *err,
           size_t errlen, char **raw, size_t *rawlen)
{
    char *p = NULL;
    size_t n = 0;
    json_t *j;

    if (rb(ud, digest, MOAT_LIMIT_JSON_DOC, &p, &n, err, errlen) != 0)
        return NULL;
    if (verify_digest(what, digest, p, n, err, errlen) != 0) {
        free(p);
        return NULL;
    }
    j = json_parse_limited(what, p, n, err, errlen);
    if (raw && j) {
        *raw = p;
        *rawlen = n;
    } else {
        free(p);
    }
    return j;
}

static const char *
ref_name(json_t *d)
{
    json_t *an = json_object_get(d, "annotations");
    json_t *v = json_is_object(an) ? json_object_get(an, REF_NAME) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Picks the descriptor of index.json that ref names. */
static json_t *
choose_top(json_t *ms, const char *ref, int *by_platform, char *err, size_t errlen)
{
    size_t i, n = json_array_size(ms);
    json_t *d;
    char names[512];
    size_t nl = 0;

    *by_platform = 0;
    names[0] = '\0';
    if (n == 0) {
        snprintf(err, errlen, "index.json lists no manifests");
        return NULL;
    }
    if (ref && *ref) {
        json_array_foreach(ms, i, d)
        {
            const char *rn = ref_name(d);
            const char *dg = json_string_value(json_object_get(d, "digest"));
            if ((rn && strcmp(rn, ref) == 0) || (dg && strcmp(dg, ref) == 0))
                return d;
        }
        if (strncmp(ref, "sha256:", 7) == 0)
            return NULL; /* maybe nested: caller searches */
        snprintf(err, errlen, "OCI layout has no image named %s", ref);
        return NULL;
    }
    if (n == 1)
        return json_array_get(ms, 0);
    /* several: if they are platforms of one image, choose by platform */
    json_array_foreach(ms, i, d)
    {
        const char *rn = ref_name(d);
        if (rn && nl < sizeof(names) - 80)
            nl += (size_t)snprintf(names + nl, sizeof(names) - nl, "%s%s", nl ? ", " : "", rn);
        if (!json_is_object(json_object_get(d, "platform")))
            break;
    }
    if (i == n) {
        *by_platform = 1;
        return NULL;
    }
    snprintf(err, errlen, "OCI layout holds %zu images; name one as oci:PATH:TAG (%s)", n,
             nl ? names : "none tagged");
    return NULL;
}

/* Depth-first search for a manifest digest inside nested indexes. */
static int
find_nested(read_blob_fn rb, void *ud, json_t *ms, const char *want, int depth, char *err,
            size_t errlen)
{
    size_t i;
    json_t *d;

    if (depth > MAX_INDEX_DEPTH)
        return 0;
    json_array_foreach(ms, i, d)
    {
        const char *mt = json_string_value(json_object_get(d, "mediaType"));
        const char *dg = json_string_value(json_object_get(d, "digest"));
        json_t *sub;
        int found;
        if (!dg)
            continue;
        if (strcmp(dg, want) == 0)
            return 1;
        if (!media_is_index(mt))
            continue;
        sub = fetch_json(rb, ud, "image index", dg, err, errlen, NULL, NULL);
        if (!sub)
            return -1;
        found = find_nested(rb, ud, json_object_get(sub, "manifests"), want, depth + 1, err,
                            errlen);
        json_decref(sub);
        if (found)
            return found;
    }
    return 0;
}

int
oci_layout_resolve(struct image_desc *img, const char *index_json, size_t index_len,
                   const char *ref, const struct moat_options *opt, read_blob_fn rb, void *ud,
                   char *err, size_t errlen)
{
    json_t *idx, *ms, *d, *man = NULL, *cur = NULL;
    const char *digest = NULL, *mt = NULL;
    char *cfg = NULL;
    size_t cfglen = 0;
    int by_platform, depth, rc = MOAT_EINVAL;

    idx = json_parse_limited("index.json", index_json, index_len, err, errlen);
    if (!idx)
        return MOAT_EINVAL;
    ms = json_object_get(idx, "manifests");
    if (!json_is_object(idx) || !json_is_array(ms)) {
        snprintf(err, errlen, "index.json: not an image index (no manifests array)");
        goto out;
    }
    d = choose_top(ms, ref, &by_platform, err, errlen);
    if (d) {
        digest = json_string_value(json_object_get(d, "digest"));
        mt = json_string_value(json_object_get(d, "mediaType"));
        if (!digest) {
            snprintf(err, errlen, "index.json: descriptor without digest");
            goto out;
        }
        if (ref && *ref && strncmp(ref, "sha256:", 7) != 0)
            img->name = arena_strdup(&img->arena, ref);
        else if (ref_name(d))
            img->name = arena_strdup(&img->arena, ref_name(d));
    } else if (by_platform) {
        rc = image_select_platform(img, idx, opt, &digest, &mt, err, errlen);
        if (rc)
            goto out;
        rc = MOAT_EINVAL;
    } else if (ref && strncmp(ref, "sha256:", 7) == 0) {
        int f = find_nested(rb, ud, ms, ref, 0, err, errlen);
        if (f <= 0) {
            if (f == 0)
                snprintf(err, errlen, "OCI layout has no manifest %s", ref);
            goto out;
        }
        digest = arena_strdup(&img->arena, ref);
        mt = NULL;
    } else {
        goto out;
    }
    /* follow nested indexes down to a manifest */
    for (depth = 0;; depth++) {
        const char *got_mt;
        if (depth > MAX_INDEX_DEPTH) {
            snprintf(err, errlen, "image indexes nested deeper than %d", MAX_INDEX_DEPTH);
            goto out;
        }
        json_decref(cur);
        cur = fetch_json(rb, ud, "manifest", digest, err, errlen, NULL, NULL);
        if (!cur)
            goto out;
        got_mt = json_string_value(json_object_get(cur, "mediaType"));
        if (!got_mt)
            got_mt = mt;
        if (!got_mt && json_is_array(json_object_get(cur, "manifests")))
            got_mt = "application/vnd.oci.image.index.v1+json";
        if (mt && got_mt && strcmp(mt, got_mt) != 0) {
            snprintf(err, errlen, "%s: descriptor says %s but the document is %s", digest, mt,
                     got_mt);
            goto out;
        }
        if (media_is_index(got_mt)) {
            rc = image_select_platform(img, cur, opt, &digest, &mt, err, errlen);
            if (rc)
                goto out;
            rc = MOAT_EINVAL;
            continue;
        }
        if (got_mt && !media_is_manifest(got_mt)) {
            snprintf(err, errlen, "%s: media type %s is not an image manifest", digest, got_mt);
            rc = MOAT_EUNSUP;
            goto out;
        }
        break;
    }
    man = cur;
    cur = NULL;
    img->manifest_digest = arena_strdup(&img->arena, digest);
    rc = image_apply_manifest(img, man, err, errlen);
    if (rc)
        goto out;
    rc = MOAT_EINVAL;
    json_decref(fetch_json(rb, ud, "image config", img->config_digest, err, errlen, &cfg,
                           &cfglen));
    if (!cfg)
        goto out;
    rc = image_apply_config(img, cfg, cfglen, err, errlen);
out:
    free(cfg);
    json_decref(cur);
    json_decref(man);
    json_decref(idx);
    return rc;
}

/* ---- oci: a layout directory ---- */

struct dir_source {
    struct source base;
    int dirfd;
};

static int
blob_path(const char *digest, char *out, size_t n)
{
    char algo[8];

    if (digest_parse(digest, algo) != 0)
        return MOAT_EINVAL;
    snprintf(out, n, "blobs/%s/%s", algo, digest + strlen(algo) + 1);
    return 0;
}

static int
dir_open_blob(struct source *s, const struct layer_desc *l, struct blob **out, char *err,
              size_t errlen)
{
    struct dir_source *ds = (struct dir_source *)s;
    char p[200];
    struct stat st;
    int fd;

    if (blob_path(l->digest, p, sizeof(p)) != 0) {
        snprintf(err, errlen, "malformed digest %s", l->digest);
        return MOAT_EINVAL;
    }
    fd = openat(ds->dirfd, p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "blob %s: %s", p, strerror(errno));
        return MOAT_ENOENT;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(err, errlen, "blob %s is not a regular file", p);
        return MOAT_EINVAL;
    }
    *out = blob_file_range(fd, 0, (uint64_t)st.st_size);
    if (!*out) {
        close(fd);
        return MOAT_ENOMEM;
    }
    return blob_own_fd(*out, fd); /* closed with the blob */
}

static void
dir_free(struct source *s)
{
    struct dir_source *ds = (struct dir_source *)s;

    if (ds->dirfd >= 0)
        close(ds->dirfd);
    free(ds);
}

static int
dir_read_blob(void *ud, const char *digest, size_t max, char **out, size_t *len, char *err,
              size_t errlen)
{
    struct dir_source *ds = ud;
    char p[200];

    if (blob_path(digest, p, sizeof(p)) != 0) {
        snprintf(err, errlen, "malformed digest %s", digest);
        return MOAT_EINVAL;
    }
    return file_read_at(ds->dirfd, p, max, out, len, err, errlen);
}

int
oci_layout_open(struct image_desc *img, const char *path, const char *ref,
                const struct moat_options *opt, char *err, size_t errlen)
{
    struct dir_source *ds;
    char *idx = NULL, *lay = NULL;
    size_t n, ln;
    int rc;

    ds = calloc(1, sizeof(*ds));
    if (!ds)
        return MOAT_ENOMEM;
    ds->base.open_blob = dir_open_blob;
    ds->base.free = dir_free;
    ds->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (ds->dirfd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(ds);
        return MOAT_ENOENT;
    }
    img->src = &ds->base;
    rc = file_read_at(ds->dirfd, "oci-layout", 4096, &lay, &ln, err, errlen);
    if (rc) {
        snprintf(err, errlen, "%s: no oci-layout file: not an OCI image layout", path);
        return rc;
    }
    if (!strstr(lay, "\"imageLayoutVersion\"")) {
        free(lay);
        snprintf(err, errlen, "%s/oci-layout: no imageLayoutVersion", path);
        return MOAT_EINVAL;
    }
    free(lay);
    rc = file_read_at(ds->dirfd, "index.json", MOAT_LIMIT_JSON_DOC, &idx, &n, err, errlen);
    if (rc)
        return rc;
    rc = oci_layout_resolve(img, idx, n, ref, opt, dir_read_blob, ds, err, errlen);
    free(idx);
    return rc;
}

/* ---- oci-archive: a tar of a layout ---- */

struct oar_source {
    struct source base;
    struct tar_index ti;
};

static int
oar_open_blob(struct source *s, const struct layer_desc *l, struct blob **out, char *err,
              size_t errlen)
{
    struct oar_source *os = (struct oar_source *)s;
    const struct tar_member *m;
    char p[200];

    if (blob_path(l->digest, p, sizeof(p)) != 0) {
        snprintf(err, errlen, "malformed digest %s", l->digest);
        return MOAT_EINVAL;
    }
    m = tar_index_find(&os->ti, p);
    if (!m || m->is_dir) {
        snprintf(err, errlen, "blob %s is missing from the archive", p);
        return MOAT_ENOENT;
    }
    *out = blob_file_range(os->ti.fd, m->offset, m->size);
    return *out ? 0 : MOAT_ENOMEM;
}

static void
oar_free(struct source *s)
{
    struct oar_source *os = (struct oar_source *)s;

    tar_index_free(&os->ti);
    free(os);
}

static int
oar_read_blob(void *ud, const char *digest, size_t max, char **out, size_t *len, char *err,
              size_t errlen)
{
    struct oar_source *os = ud;
    const struct tar_member *m;
    char p[200];

    if (blob_path(digest, p, sizeof(p)) != 0) {
        snprintf(err, errlen, "malformed digest %s", digest);
        return MOAT_EINVAL;
    }
    m = tar_index_find(&os->ti, p);
    if (!m || m->is_dir) {
        snprintf(err, errlen, "blob %s is missing from the archive", p);
        return MOAT_ENOENT;
    }
    return tar_index_read(&os->ti, m, max, out, len, err, errlen);
}

int
oci_archive_open(struct image_desc *img, const char *path, const char *ref,
                 const struct moat_options *opt, char *err, size_t errlen)
{
    struct oar_source *os;
    const struct tar_member *m;
    char *idx = NULL;
    size_t n;
    int rc;

    os = calloc(1, sizeof(*os));
    if (!os)
        return MOAT_ENOMEM;
    os->base.open_blob = oar_open_blob;
    os->base.free = oar_free;
    os->ti.fd = -1;
    rc = tar_index_build(&os->ti, path, err, errlen);
    if (rc) {
        free(os);
        return rc;
    }
    img->src = &os->base;
    if (!tar_index_find(&os->ti, "oci-layout")) {
        snprintf(err, errlen, "%s: no oci-layout member: not an OCI archive", path);
        return MOAT_EINVAL;
    }
    m = tar_index_find(&os->ti, "index.json");
    if (!m) {
        snprintf(err, errlen, "%s: no index.json member", path);
        return MOAT_EINVAL;
    }
    rc = tar_index_read(&os->ti, m, MOAT_LIMIT_JSON_DOC, &idx, &n, err, errlen);
    if (rc)
        return rc;
    rc = oci_layout_resolve(img, idx, n, ref, opt, oar_read_blob, os, err, errlen);
    free(idx);
    return rc;
}

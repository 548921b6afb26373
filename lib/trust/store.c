/*
 * store.c - where signatures are read from: a registry (docker://, through
 * the registry transport's single-document entry points in
 * lib/image/registry.c) or an OCI image layout (oci:DIR, oci-archive:FILE).
 *
 * A layout holds signatures in the shapes the tools that write layouts
 * produce: `skopeo copy ...:sha256-<hex>.sig oci:DIR:sha256-<hex>.sig`
 * gives an index.json entry whose ref.name is the signature tag, `cosign
 * save` entries annotated kind=dev.cosignproject.cosign/image and
 * .../sigs, and referrers are either the sha256-<hex> fallback tag or
 * plain entries whose manifest names the image as subject.
 *
 * Every manifest and blob read is checked against its digest, whatever the
 * source: the registry or the layout directory is never believed on its
 * word.
 */
#include "trust.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "image/image.h"
#include "image/registry.h"
#include "image/source.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REF_NAME "org.opencontainers.image.ref.name"
#define KIND_IMAGE "dev.cosignproject.cosign/image"
#define KIND_INDEX "dev.cosignproject.cosign/imageIndex"
#define KIND_SIGS "dev.cosignproject.cosign/sigs"
#define KIND_ATTS "dev.cosignproject.cosign/atts"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"

enum store_kind { STORE_REGISTRY, STORE_DIR, STORE_ARCHIVE };

struct store {
    enum store_kind kind;
    char label[600];
    struct registry *reg;
    const char *reg_ref;  /* digest or tag of the target (points into reg) */
    int pinned;           /* reg_ref is a digest */
    int dirfd;
    struct tar_index ti;
    json_t *index;        /* index.json of a layout */
    char *ref;            /* tag or digest given after the layout path */
    const char *sigs;     /* cosign save: digest of the kind=sigs entry */
};

const char *
store_label(const struct store *s)
{
    return s->label;
}

int
store_is_layout(const struct store *s)
{
    return s->kind != STORE_REGISTRY;
}

const char *
store_cosign_sigs(const struct store *s)
{
    return s->sigs;
}

void
store_free(struct store *s)
{
    if (!s)
        return;
    registry_client_free(s->reg);
    if (s->kind == STORE_DIR && s->dirfd >= 0)
        close(s->dirfd);
    if (s->kind == STORE_ARCHIVE)
        tar_index_free(&s->ti);
    json_decref(s->index);
    free(s->ref);
    free(s);
}

/* ---- layouts ---- */

static const char *
annotation(json_t *d, const char *key)
{
    return json_obj_str(json_object_get(d, "annotations"), key);
}

/* Reads a blob of the layout (at most max bytes) and checks its digest. */
static int
layout_read(struct store *s, const char *digest, size_t max, char **out, size_t *n, char *err,
            size_t errlen)
{
    char algo[8], path[200], why[400], what[800];
    int rc;

    *out = NULL;
    if (digest_parse(digest, algo) != 0) {
        snprintf(err, errlen, "%s: malformed digest %.100s", s->label, digest);
        return MOAT_EINVAL;
    }
    snprintf(path, sizeof(path), "blobs/%s/%s", algo, digest + strlen(algo) + 1);
    if (s->kind == STORE_DIR) {
        rc = file_read_at(s->dirfd, path, max, out, n, why, sizeof(why));
    } else {
        const struct tar_member *m = tar_index_find(&s->ti, path);
        if (!m || m->is_dir) {
            snprintf(why, sizeof(why), "%s: no such member", path);
            rc = MOAT_ENOENT;
        } else {
            rc = tar_index_read(&s->ti, m, max, out, n, why, sizeof(why));
        }
    }
    if (rc) {
        snprintf(err, errlen, "%s: blob %s: %s", s->label, digest, why);
        return rc;
    }
    snprintf(what, sizeof(what), "%s: blob %s", s->label, digest);
    rc = verify_digest(what, digest, *out, *n, err, errlen);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

static int
layout_open(struct store *s, const char *path, int archive, char *err, size_t errlen)
{
    char why[400], *text = NULL;
    const struct tar_member *m;
    size_t n;
    json_t *ms, *d;
    int dup = 0, rc;
    size_t i;

    s->kind = archive ? STORE_ARCHIVE : STORE_DIR;
    snprintf(s->label, sizeof(s->label), "%s:%.500s", archive ? "oci-archive" : "oci", path);
    if (!archive) {
        s->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->dirfd < 0) {
            snprintf(err, errlen, "%s: %s", s->label, strerror(errno));
            return MOAT_ENOENT;
        }
        rc = file_read_at(s->dirfd, "oci-layout", 4096, &text, &n, why, sizeof(why));
        free(text);
        text = NULL;
        if (rc) {
            snprintf(err, errlen, "%s: no oci-layout file: not an OCI image layout", s->label);
            return rc;
        }
        rc = file_read_at(s->dirfd, "index.json", MOAT_LIMIT_JSON_DOC, &text, &n, why,
                          sizeof(why));
    } else {
        rc = tar_index_build(&s->ti, path, why, sizeof(why));
        if (rc) {
            s->kind = STORE_REGISTRY; /* nothing to free */
            snprintf(err, errlen, "%s", why);
            return rc;
        }
        m = tar_index_find(&s->ti, "index.json");
        if (!tar_index_find(&s->ti, "oci-layout") || !m) {
            snprintf(err, errlen, "%s: no oci-layout or index.json: not an OCI archive",
                     s->label);
            return MOAT_EINVAL;
        }
        rc = tar_index_read(&s->ti, m, MOAT_LIMIT_JSON_DOC, &text, &n, why, sizeof(why));
    }
    if (rc) {
        snprintf(err, errlen, "%s: %s", s->label, why);
        return rc;
    }
    s->index = json_parse_untrusted(text, n, MOAT_LIMIT_JSON_DOC, MOAT_LIMIT_JSON_DEPTH, &dup, why,
                                    sizeof(why));
    free(text);
    if (!s->index || dup) {
        snprintf(err, errlen, "%s: index.json: %s", s->label,
                 s->index ? "duplicate keys in a JSON object" : why);
        return MOAT_EINVAL;
    }
    ms = json_object_get(s->index, "manifests");
    if (!json_is_array(ms)) {
        snprintf(err, errlen, "%s: index.json has no manifests array", s->label);
        return MOAT_EINVAL;
    }
    json_array_foreach(ms, i, d)
    {
        const char *k = annotation(d, "kind");
        if (k && strcmp(k, KIND_SIGS) == 0 && json_obj_str(d, "digest"))
            s->sigs = json_obj_str(d, "digest");
    }
    return 0;
}

/* Entries of index.json that are signatures or referrers, not images. */
static int
is_signature_entry(json_t *d)
{
    const char *rn = annotation(d, REF_NAME), *k = annotation(d, "kind");
    size_t i;

    if (k && (strcmp(k, KIND_SIGS) == 0 || strcmp(k, KIND_ATTS) == 0))
        return 1;
    if (!rn)
        return 0;
    if (str_ends(rn, ".sig") || str_ends(rn, ".att") || str_ends(rn, ".sbom"))
        return 1;
    if (strncmp(rn, "sha256-", 7) != 0 || strlen(rn) != 7 + 64)
        return 0;
    for (i = 7; rn[i]; i++)
        if (str_hexval(rn[i]) < 0)
            return 0;
    return 1; /* a referrers fallback tag */
}

static json_t *
layout_find_tag(struct store *s, const char *tag)
{
    json_t *ms = json_object_get(s->index, "manifests"), *d;
    size_t i;

    json_array_foreach(ms, i, d)
    {
        const char *rn = annotation(d, REF_NAME);
        if (rn && strcmp(rn, tag) == 0)
            return d;
    }
    return NULL;
}

/* The index.json entry the target names (its digest into *digest). */
static int
layout_choose(struct store *s, const char **digest, char *err, size_t errlen)
{
    json_t *ms = json_object_get(s->index, "manifests"), *d, *only = NULL;
    size_t i, images = 0;

    *digest = NULL;
    if (s->ref && strchr(s->ref, ':') && str_starts(s->ref, "sha")) {
        *digest = s->ref;
        return 0;
    }
    if (s->ref) {
        d = layout_find_tag(s, s->ref);
        if (!d) {
            snprintf(err, errlen, "%s: the layout has no image named %.200s", s->label, s->ref);
            return MOAT_ENOENT;
        }
        only = d;
    } else {
        json_array_foreach(ms, i, d)
        {
            const char *k = annotation(d, "kind");
            if (k && (strcmp(k, KIND_IMAGE) == 0 || strcmp(k, KIND_INDEX) == 0)) {
                only = d; /* cosign save names its image */
                images = 1;
                break;
            }
            if (is_signature_entry(d))
                continue;
            only = d;
            images++;
        }
        if (images != 1) {
            snprintf(err, errlen, "%s: the layout holds %s; name one as oci:DIR:TAG or "
                                  "oci:DIR@sha256:...", s->label,
                     images ? "several images" : "no image");
            return MOAT_EINVAL;
        }
    }
    *digest = json_obj_str(only, "digest");
    if (!*digest) {
        snprintf(err, errlen, "%s: index.json entry without a digest", s->label);
        return MOAT_EINVAL;
    }
    return 0;
}

/* ---- opening ---- */

static int
open_registry(struct store *s, const char *rest, const struct moat_verify_options *o, char *err,
              size_t errlen)
{
    struct moat_options opt;
    const struct reg_ref *r;
    int rc;

    moat_options_init(&opt);
    opt.insecure = o->insecure;
    opt.username = o->username;
    opt.password = o->password;
    opt.docker_config = o->docker_config;
    opt.ca_file = o->ca_file;
    s->kind = STORE_REGISTRY;
    rc = registry_client_open(rest, &opt, &s->reg, err, errlen);
    if (rc)
        return rc;
    r = registry_client_ref(s->reg);
    snprintf(s->label, sizeof(s->label), "%s/%s", r->host, r->repo);
    s->pinned = r->digest[0] != '\0';
    s->reg_ref = s->pinned ? r->digest : r->tag;
    return 0;
}

int
store_open(const char *target, const struct moat_verify_options *o, struct store **out,
           char *err, size_t errlen)
{
    struct store *s;
    char *path = NULL;
    const char *rest;
    struct stat st;
    int rc, archive = 0;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (!s)
        return MOAT_ENOMEM;
    s->dirfd = -1;
    s->ti.fd = -1;
    if (str_starts(target, "docker://")) {
        rc = open_registry(s, target + 9, o, err, errlen);
        goto out;
    }
    if (str_starts(target, "docker:")) {
        snprintf(err, errlen, "%s: registry targets are written docker://HOST/REPO[:TAG]", target);
        rc = MOAT_EINVAL;
        goto out;
    }
    if (str_starts(target, "docker-archive:") || str_starts(target, "rootfs:")) {
        snprintf(err, errlen, "%s: a %s holds no signatures; verify the image in its registry "
                              "(docker://) or in an OCI layout that holds the signature",
                 target, str_starts(target, "rootfs:") ? "root filesystem" : "docker-archive");
        rc = MOAT_EUNSUP;
        goto out;
    }
    if (str_starts(target, "oci:") || str_starts(target, "oci-archive:")) {
        archive = str_starts(target, "oci-archive:");
        rest = strchr(target, ':') + 1;
        rc = image_split_path_ref(rest, &path, &s->ref);
        if (rc)
            goto out;
    } else {
        if (stat(target, &st) != 0) {
            snprintf(err, errlen, "%s: no such file or directory (and no transport prefix such "
                                  "as oci: or docker://)", target);
            rc = MOAT_ENOENT;
            goto out;
        }
        archive = !S_ISDIR(st.st_mode);
        path = strdup(target);
        if (!path) {
            rc = MOAT_ENOMEM;
            goto out;
        }
    }
    rc = layout_open(s, path, archive, err, errlen);
out:
    free(path);
    if (rc) {
        store_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* ---- reading ---- */

int
store_resolve(struct store *s, char **body, size_t *n, char digest[DIGEST_MAX], char *err,
              size_t errlen)
{
    const char *dg;
    int rc;

    *body = NULL;
    if (s->kind == STORE_REGISTRY)
        return registry_get_manifest(s->reg, s->reg_ref, s->pinned ? s->reg_ref : NULL, body, n,
                                     digest, NULL, 0, err, errlen);
    rc = layout_choose(s, &dg, err, errlen);
    if (rc)
        return rc;
    rc = layout_read(s, dg, MOAT_LIMIT_JSON_DOC, body, n, err, errlen);
    if (!rc)
        snprintf(digest, DIGEST_MAX, "%s", dg);
    return rc;
}

int
store_tag(struct store *s, const char *tag, char **body, size_t *n, char digest[DIGEST_MAX],
          char *err, size_t errlen)
{
    json_t *d;
    const char *dg;
    int rc;

    *body = NULL;
    if (s->kind == STORE_REGISTRY)
        return registry_get_manifest(s->reg, tag, NULL, body, n, digest, NULL, 0, err, errlen);
    d = layout_find_tag(s, tag);
    if (!d) {
        snprintf(err, errlen, "%s: no entry named %s", s->label, tag);
        return MOAT_ENOENT;
    }
    dg = json_obj_str(d, "digest");
    if (!dg) {
        snprintf(err, errlen, "%s: index.json entry %s without a digest", s->label, tag);
        return MOAT_EINVAL;
    }
    rc = layout_read(s, dg, MOAT_LIMIT_JSON_DOC, body, n, err, errlen);
    if (!rc)
        snprintf(digest, DIGEST_MAX, "%s", dg);
    return rc;
}

int
store_manifest(struct store *s, const char *digest, char **body, size_t *n, char *err,
               size_t errlen)
{
    *body = NULL;
    if (s->kind == STORE_REGISTRY)
        return registry_get_manifest(s->reg, digest, digest, body, n, NULL, NULL, 0, err, errlen);
    return layout_read(s, digest, MOAT_LIMIT_JSON_DOC, body, n, err, errlen);
}

int
store_blob(struct store *s, const char *digest, size_t max, char **body, size_t *n, char *err,
           size_t errlen)
{
    int rc;

    *body = NULL;
    if (s->kind != STORE_REGISTRY)
        return layout_read(s, digest, max, body, n, err, errlen);
    rc = registry_get_blob(s->reg, digest, body, n, err, errlen);
    if (!rc && *n > max) {
        snprintf(err, errlen, "%s: blob %s: %zu bytes, more than the limit of %zu", s->label,
                 digest, *n, max);
        free(*body);
        *body = NULL;
        return MOAT_ETOOBIG;
    }
    return rc;
}

/* Appends the digests of descriptors that may be Sigstore bundle
 * referrers: image manifests whose artifactType, when the index says, is a
 * bundle type. Stops at MOAT_LIMIT_SIGNATURES. */
static int
candidates(json_t *ms, const char *exclude, char ***list, size_t *count)
{
    json_t *d;
    size_t i;

    json_array_foreach(ms, i, d)
    {
        const char *dg = json_obj_str(d, "digest"), *mt = json_obj_str(d, "mediaType");
        const char *at = json_obj_str(d, "artifactType");
        char algo[8], **nl;
        if (*count >= MOAT_LIMIT_SIGNATURES)
            break;
        if (!dg || digest_parse(dg, algo) != 0 || (exclude && strcmp(dg, exclude) == 0))
            continue;
        if (mt && strcmp(mt, MT_OCI_MANIFEST) != 0)
            continue;
        if (at && !bundle_media_type(at))
            continue;
        nl = realloc(*list, (*count + 1) * sizeof(**list));
        if (!nl)
            return MOAT_ENOMEM;
        *list = nl;
        nl[*count] = strdup(dg);
        if (!nl[*count])
            return MOAT_ENOMEM;
        (*count)++;
    }
    return 0;
}

int
index_candidates(const char *body, size_t n, const char *exclude, char ***list, size_t *count,
                 char *err, size_t errlen)
{
    json_t *j, *ms;
    char why[300];
    int dup = 0, rc;

    j = json_parse_untrusted(body, n, MOAT_LIMIT_JSON_DOC, MOAT_LIMIT_JSON_DEPTH, &dup, why,
                             sizeof(why));
    if (!j || dup) {
        snprintf(err, errlen, "referrers index is %s", j ? "ambiguous (duplicate keys)" : why);
        json_decref(j);
        return MOAT_EINVAL;
    }
    ms = json_object_get(j, "manifests");
    if (!json_is_array(ms)) {
        snprintf(err, errlen, "referrers index has no manifests array");
        json_decref(j);
        return MOAT_EINVAL;
    }
    rc = candidates(ms, exclude, list, count);
    json_decref(j);
    return rc;
}

int
store_referrers(struct store *s, const char *digest, char ***list, size_t *count, char *err,
                size_t errlen)
{
    char *body = NULL;
    size_t n;
    int rc;

    *list = NULL;
    *count = 0;
    if (s->kind != STORE_REGISTRY)
        return candidates(json_object_get(s->index, "manifests"), digest, list, count);
    rc = registry_get_referrers(s->reg, digest, &body, &n, NULL, 0, err, errlen);
    if (rc)
        return rc;
    rc = index_candidates(body, n, digest, list, count, err, errlen);
    free(body);
    return rc;
}

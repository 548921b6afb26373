/*
 * target.c - from a target string to an image description.
 *
 * Syntax follows the containers/image transports used by skopeo and podman:
 *   docker-archive:PATH[:REF]   oci:PATH[:TAG|@DIGEST]   oci-archive:PATH[:TAG]
 *   rootfs:PATH                 docker://HOST/REPO[:TAG|@DIGEST]
 * A bare PATH is recognised by content: a directory with an oci-layout file
 * is an OCI layout, another directory a root filesystem; a tar file with
 * manifest.json is a docker-archive, one with oci-layout an OCI archive.
 * When PATH itself contains ':' the longest prefix that exists is the path.
 */
#include "image.h"
#include "source.h"
#include "base/err.h"
#include "base/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

int
image_split_path_ref(const char *s, char **path, char **ref)
{
    const char *at = strstr(s, "@sha256:");
    size_t n = strlen(s), i;

    *path = *ref = NULL;
    if (!at)
        at = strstr(s, "@sha512:");
    if (at) {
        *path = strndup(s, (size_t)(at - s));
        *ref = strdup(at + 1);
        return *path && *ref ? 0 : MOAT_ENOMEM;
    }
    if (exists(s) || !strchr(s, ':')) {
        *path = strdup(s);
        return *path ? 0 : MOAT_ENOMEM;
    }
    for (i = n; i > 0; i--) {
        if (s[i - 1] != ':')
            continue;
        *path = strndup(s, i - 1);
        if (!*path)
            return MOAT_ENOMEM;
        if (exists(*path)) {
            *ref = strdup(s + i);
            return *ref ? 0 : MOAT_ENOMEM;
        }
        free(*path);
        *path = NULL;
    }
    /* nothing exists: first ':' separates, so the error names the path */
    i = (size_t)(strchr(s, ':') - s);
    *path = strndup(s, i);
    *ref = strdup(s + i + 1);
    return *path && *ref ? 0 : MOAT_ENOMEM;
}

/* Peeks into a tar file for manifest.json / oci-layout. */
static const char *
sniff_archive(const char *path)
{
    struct tar_index ti;
    char err[256];
    const char *kind = NULL;

    if (tar_index_build(&ti, path, err, sizeof(err)) != 0)
        return NULL;
    if (tar_index_find(&ti, "manifest.json"))
        kind = "docker-archive";
    else if (tar_index_find(&ti, "oci-layout"))
        kind = "oci-archive";
    tar_index_free(&ti);
    return kind;
}

int
image_open(const char *target, const struct moat_options *opt, struct image_desc **out,
           char *err, size_t errlen)
{
    static const char *const transports[] = {"docker-archive", "oci-archive", "oci", "rootfs",
                                             "docker"};
    struct image_desc *img;
    const char *transport = NULL, *rest = target;
    char *path = NULL, *ref = NULL;
    size_t i;
    int rc;

    *out = NULL;
    img = calloc(1, sizeof(*img));
    if (!img)
        return MOAT_ENOMEM;
    arena_init(&img->arena);
    img->reference = arena_strdup(&img->arena, target);
    for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
        size_t tl = strlen(transports[i]);
        if (strncmp(target, transports[i], tl) == 0 && target[tl] == ':') {
            transport = transports[i];
            rest = target + tl + 1;
            break;
        }
    }
    if (transport && strcmp(transport, "docker") == 0) {
        if (strncmp(rest, "//", 2) != 0) {
            snprintf(err, errlen, "%s: registry targets are written docker://HOST/REPO[:TAG]",
                     target);
            rc = MOAT_EINVAL;
            goto out;
        }
        img->transport = "docker";
        rc = registry_open(img, rest + 2, opt, err, errlen);
        goto out;
    }
    if (!transport) {
        struct stat st;
        if (stat(target, &st) != 0) {
            snprintf(err, errlen, "%s: no such file or directory (and no transport prefix such "
                                  "as docker-archive:, oci:, rootfs: or docker://)", target);
            rc = MOAT_ENOENT;
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            char p[MOAT_LIMIT_PATH + 32];
            snprintf(p, sizeof(p), "%s/oci-layout", target);
            transport = exists(p) ? "oci" : "rootfs";
        } else {
            transport = sniff_archive(target);
            if (!transport) {
                snprintf(err, errlen, "%s: not a docker-archive or OCI archive (no "
                                      "manifest.json or oci-layout in a tar file)", target);
                rc = MOAT_EINVAL;
                goto out;
            }
        }
        path = strdup(target);
        if (!path) {
            rc = MOAT_ENOMEM;
            goto out;
        }
    } else if (strcmp(transport, "rootfs") == 0) {
        path = strdup(rest);
    } else {
        rc = image_split_path_ref(rest, &path, &ref);
        if (rc)
            goto out;
    }
    img->transport = transport;
    if (strcmp(transport, "docker-archive") == 0)
        rc = docker_archive_open(img, path, ref, opt, err, errlen);
    else if (strcmp(transport, "oci-archive") == 0)
        rc = oci_archive_open(img, path, ref, opt, err, errlen);
    else if (strcmp(transport, "oci") == 0)
        rc = oci_layout_open(img, path, ref, opt, err, errlen);
    else
        rc = rootfs_open(img, path, err, errlen);
out:
    free(path);
    free(ref);
    if (rc) {
        image_desc_free(img);
        return rc;
    }
    *out = img;
    return 0;
}

int
image_open_layer(struct image_desc *img, size_t i, struct blob **out, char *err, size_t errlen)
{
    return img->src->open_blob(img->src, &img->layers[i], out, err, errlen);
}

void
image_desc_free(struct image_desc *img)
{
    if (!img)
        return;
    if (img->src)
        img->src->free(img->src);
    free(img->warnings);
    arena_free(&img->arena);
    free(img);
}

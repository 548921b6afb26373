/*
 * image.h - how libmoat sees an image before reading any layer: a source
 * (where the bytes come from) and an image description (config, ordered
 * layers with their expected digests). Each transport (docker-archive, oci,
 * oci-archive, rootfs, docker registry) fills an image_desc and provides a
 * way to open one blob as a byte stream; everything after that is shared.
 */
#ifndef MOAT_IMAGE_IMAGE_H
#define MOAT_IMAGE_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "moat/moat.h"
#include "base/arena.h"

enum compression {
    COMP_SNIFF = 0, /* not declared: decide from the first bytes */
    COMP_NONE,
    COMP_GZIP,
    COMP_ZSTD,
};

/* A readable byte stream of one blob (compressed layer as stored). */
struct blob {
    /* Reads up to n bytes into buf. Returns bytes read, 0 at end, or a
     * negative MOAT_E* code with blob_error() describing it. */
    ssize_t (*read)(struct blob *b, void *buf, size_t n);
    void (*close)(struct blob *b); /* frees b */
    char err[256];
};

struct source;

struct layer_desc {
    char *digest;        /* blob digest to verify, or NULL if not named */
    char *media_type;    /* or NULL */
    char *diff_id;       /* from the config; verified after inflating */
    int64_t size;        /* declared blob size, -1 unknown */
    enum compression compression;
    char *created_by;
    char *member;        /* archive member / file holding the blob */
    uint64_t offset;     /* where the blob starts in an archive file */
};

struct image_desc {
    struct arena arena;  /* owns every string here */
    const char *transport;
    const char *reference;
    const char *name;
    const char *manifest_digest;
    const char *config_digest;
    const char *config_json;
    size_t config_len;
    const char *os, *architecture, *variant, *created;
    struct layer_desc *layers;
    size_t nlayers;
    int rootfs;          /* no layers: walk a directory (rootfs_path) */
    const char *rootfs_path;
    struct source *src;
    struct moat_problem *warnings; /* notes found while reading metadata */
    size_t nwarnings;
};

/* Opens the blob of layer i. Returns 0 or a MOAT_E* code with err filled. */
int image_open_layer(struct image_desc *img, size_t i, struct blob **out, char *err,
                     size_t errlen);
void image_desc_free(struct image_desc *img); /* NULL-safe, frees img */

/* Parses TARGET and builds the description (reads manifest and config, not
 * layers). Returns 0, or MOAT_E* with one line in err. */
int image_open(const char *target, const struct moat_options *opt, struct image_desc **out,
               char *err, size_t errlen);

/* Splits the "PATH[:REF|@DIGEST]" of an oci:, oci-archive: or docker-archive:
 * target: "@sha256:" separates a digest; otherwise the longest prefix that
 * exists is the path and the rest after ':' the reference. OUT: *path and
 * *ref malloc'd (caller frees; *ref NULL when none). 0 or MOAT_ENOMEM. */
int image_split_path_ref(const char *s, char **path, char **ref);

/* ---- shared by the transports (lib/image/manifest.c) ---- */

/* Parses a JSON document with moat's limits; returns a json_t* (void* to
 * keep jansson out of this header) or NULL with err filled ("what: line
 * L: reason"). */
void *json_parse_limited(const char *what, const char *p, size_t n, char *err, size_t errlen);

/* Fills layers/config fields of img from a parsed image config (diff_ids,
 * history, platform). nlayers must already be set when the manifest named
 * the layers; for configs alone (rootfs) it may be 0. */
int image_apply_config(struct image_desc *img, const char *cfg, size_t n, char *err,
                       size_t errlen);

/* Fills img->layers from an OCI/Docker schema 2 manifest. */
int image_apply_manifest(struct image_desc *img, const void *manifest_json, char *err,
                         size_t errlen);

/* Picks a manifest out of an index/manifest list: by platform (or the
 * option's default). Returns the chosen descriptor's digest in *digest
 * (arena string) and its media type. */
int image_select_platform(struct image_desc *img, const void *index_json,
                          const struct moat_options *opt, const char **digest,
                          const char **media_type, char *err, size_t errlen);

/* Media-type knowledge. */
int media_is_index(const char *mt);
int media_is_manifest(const char *mt);
int media_layer_compression(const char *mt, enum compression *c); /* -1 unknown */

/* Record a warning about metadata on img (not fatal). */
void image_warn(struct image_desc *img, int layer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The default platform: linux/<arch of this build>. */
const char *image_host_arch(void);

#endif

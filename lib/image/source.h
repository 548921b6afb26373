/*
 * source.h - the one operation every transport provides after it has read
 * the metadata: open the stored bytes of one layer.
 */
#ifndef MOAT_IMAGE_SOURCE_H
#define MOAT_IMAGE_SOURCE_H

#include "image.h"

struct source {
    int (*open_blob)(struct source *s, const struct layer_desc *l, struct blob **out, char *err,
                     size_t errlen);
    void (*free)(struct source *s);
};

/* A blob that is bytes [off, off+len) of an open file; pread() makes it safe
 * to read several blobs of one file from several threads. The fd is shared
 * and not closed by the blob. */
struct blob *blob_file_range(int fd, uint64_t off, uint64_t len);
/* Makes a range blob close fd when it is closed. */
int blob_own_fd(struct blob *b, int fd);

/* Transport constructors (each in its own file). */
int docker_archive_open(struct image_desc *img, const char *path, const char *ref,
                        const struct moat_options *opt, char *err, size_t errlen);
int oci_layout_open(struct image_desc *img, const char *path, const char *ref,
                    const struct moat_options *opt, char *err, size_t errlen);
int oci_archive_open(struct image_desc *img, const char *path, const char *ref,
                     const struct moat_options *opt, char *err, size_t errlen);
int rootfs_open(struct image_desc *img, const char *path, char *err, size_t errlen);
int registry_open(struct image_desc *img, const char *ref, const struct moat_options *opt,
                  char *err, size_t errlen);

/* ---- outer tar archives (docker-archive, oci-archive) ---- */

struct tar_member {
    const char *name;     /* cleaned */
    uint64_t offset;      /* of the data */
    uint64_t size;
    const char *link;     /* symlink/hardlink target (cleaned, archive-relative) */
    int is_dir;
};

struct tar_index {
    struct arena arena;
    struct tar_member *members;
    size_t n;
    int fd;
};

/* Reads the headers of the (seekable) tar file at path and records where
 * each member's data lies, skipping over the data. */
int tar_index_build(struct tar_index *ti, const char *path, char *err, size_t errlen);
void tar_index_free(struct tar_index *ti);
/* Finds a member by name, following member symlinks/hardlinks. */
const struct tar_member *tar_index_find(const struct tar_index *ti, const char *name);
/* Reads a whole (small) member into a malloc'd NUL-terminated buffer. */
int tar_index_read(const struct tar_index *ti, const struct tar_member *m, size_t max, char **out,
                   size_t *len, char *err, size_t errlen);

/* Shared by oci-layout and oci-archive: the layout's index.json is read and
 * one image chosen; read_blob fetches small blobs (manifests, config). */
typedef int (*read_blob_fn)(void *ud, const char *digest, size_t max, char **out, size_t *len,
                            char *err, size_t errlen);
int oci_layout_resolve(struct image_desc *img, const char *index_json, size_t index_len,
                       const char *ref, const struct moat_options *opt, read_blob_fn rb, void *ud,
                       char *err, size_t errlen);

/* Verifies that buf has the given digest ("sha256:..."). */
int verify_digest(const char *what, const char *digest, const void *buf, size_t n, char *err,
                  size_t errlen);

#endif

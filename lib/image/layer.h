/*
 * layer.h - reading one layer (or a root filesystem) into a layer_result.
 */
#ifndef MOAT_IMAGE_LAYER_H
#define MOAT_IMAGE_LAYER_H

#include "image.h"
#include "analyze/analyzer.h"

/* What every layer pass shares (read-only). */
struct layer_env {
    const struct moat_limits *lim;
    const struct moat_options *opt;   /* may be NULL (tests, fuzzing) */
    void *const *shared;              /* analyzers' init() states, parallel to
                                         analyzer_table; may be NULL */
    volatile int *abort;              /* polled between entries */
};

/* Reads layer index of img: verifies its digests, records its entries and
 * runs the analyzers. Returns 0, or -1 with lr->fatal_msg set. When another
 * worker sets *env->abort the pass stops. */
int layer_scan(struct image_desc *img, size_t index, const struct layer_env *env,
               struct layer_result *lr);

/* The same for a blob already open (takes ownership of blob): the digests
 * may be NULL (not verified). Used by layer_scan and by the fuzz harness. */
int layer_scan_blob(struct blob *blob, enum compression declared, const char *digest,
                    const char *diff_id, int64_t size_hint, const struct layer_env *env,
                    struct layer_result *lr);

/* Marks the layer failed because its entry table or paths could not grow,
 * saying why (a full spill file's disk, its limit, or memory). */
void layer_fail_oom(struct layer_result *lr, const char *what);

/* The same for an unpacked root filesystem at img->rootfs_path: walked
 * without following any symlink, as one layer. */
int rootfs_scan(struct image_desc *img, const struct layer_env *env, struct layer_result *lr);

#endif

/*
 * finish.h - what analyzers see after the merge: the merged filesystem, the
 * records they made that survived (their file was not deleted or replaced
 * by a higher layer), and a place to put the distro and problems.
 */
#ifndef MOAT_ANALYZE_FINISH_H
#define MOAT_ANALYZE_FINISH_H

#include "analyzer.h"
#include "image/fs.h"
#include "image/image.h"

/* A finding made by an analyzer's finish step (about the merged image or
 * its config, not one file as it streamed past). */
struct finish_finding {
    struct layer_finding f;     /* strings in f->arena */
    int layer;                  /* -1: the image as a whole (its config) */
    int removed;
};

struct owner_slot;

struct finish_ctx {
    struct image_desc *img;
    struct layer_result *layers;
    size_t nlayers;
    struct fs *fs;
    struct arena *arena;        /* lives as long as the result */
    struct moat_distro distro;  /* set by the os analyzer */
    struct vec problems;        /* struct moat_problem */
    struct vec findings;        /* struct finish_finding */
    void *const *shared;        /* analyzers' init() states (analyzer_table order) */
    /* Who owns a path (finish_owner), built on first use: one slot per
     * file an OS package lists, sorted by the hash of its canonical path.
     * 16 bytes a file (a map with its keys cost ~3x that, and the benchmark
     * image lists ~200,000 package files). */
    struct owner_slot *owners;
    size_t nowners;
    const struct pkg **owner_pkgs; /* the packages slots point to */
    int owners_built;
    const struct moat_unmanaged *unmanaged; /* the unmanaged detector's account
                                   (in arena), or NULL */
};

struct rec_iter {
    size_t layer, i;
};

/* Next visible record of analyzer an (any kind), bottom layer first. */
struct rec *finish_next(struct finish_ctx *f, const struct analyzer *an, struct rec_iter *it);
/* Every record of analyzer an, visible or not (for database history). */
struct rec *finish_next_any(struct finish_ctx *f, const struct analyzer *an,
                            struct rec_iter *it);
void finish_problem(struct finish_ctx *f, enum moat_grade g, int layer, const char *path,
                    const char *source, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Adds a finding about the merged image (copy of *lf; strings must live in
 * f->arena or a layer arena). layer -1: the image config. */
int finish_add_finding(struct finish_ctx *f, const struct layer_finding *lf, int layer,
                       int removed);

/* The analyzer's shared state from init(), or NULL. */
void *finish_shared(struct finish_ctx *f, const struct analyzer *self);

/* The OS package (dpkg, apk, rpm) that lists path among its files, or NULL.
 * path: image path with or without a leading '/'; directory symlinks are
 * resolved on both sides (/bin/sh finds usr/bin/sh on merged-/usr). Built
 * on first use from the packages the OS analyzers' finish steps completed,
 * so call it from analyzers listed after them. */
const struct pkg *finish_owner(struct finish_ctx *f, const char *path);
/* Frees the ownership index (NULL-safe parts; the context stays usable). */
void finish_owners_free(struct finish_ctx *f);

/* ---- used by the scan driver (lib/scan.c) ---- */

/* Sets rec->visible on every record. */
void finish_mark_visible(struct finish_ctx *f);
/* For every package of every visible REC_PKGS record, in iteration order,
 * stores the index of the layer that introduced it in layer_of[]. */
int finish_db_layers(struct finish_ctx *f, int *layer_of, size_t cap, size_t *count);
/* Canonical form of a path as a package manager lists it ("/lib/x" on a
 * merged-/usr system -> "usr/lib/x"): directory symlinks resolved inside
 * the image; unresolvable paths are returned cleaned but unchanged. */
int finish_canonical(struct finish_ctx *f, const char *path, char *out, size_t outlen);

#endif

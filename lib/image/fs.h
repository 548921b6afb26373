/*
 * fs.h - layer entries and the merged filesystem view.
 *
 * Each layer pass produces a list of entries (struct layer_entry). The merge
 * applies them bottom to top, as overlayfs would: whiteouts remove lower
 * files and opaque directories hide lower contents; a later entry replaces
 * an earlier one of the same path; a file replacing a directory hides the
 * directory's lower contents. The result answers "which layer's entry is
 * visible at this path" and resolves symlinks inside the image (never on
 * this host), e.g. /etc/os-release -> ../usr/lib/os-release, or /lib ->
 * usr/lib in merged-/usr systems.
 */
#ifndef MOAT_IMAGE_FS_H
#define MOAT_IMAGE_FS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/map.h"
#include "base/vec.h"

enum entry_type {
    ENTRY_REG = 1,
    ENTRY_DIR,
    ENTRY_SYMLINK,
    ENTRY_HARDLINK,
    ENTRY_CHAR,
    ENTRY_BLOCK,
    ENTRY_FIFO,
    ENTRY_SOCK,
};

enum whiteout {
    WH_NONE = 0,
    WH_FILE,     /* .wh.<name>: removes <name> (path) from lower layers */
    WH_OPAQUE,   /* .wh..wh..opq: hides everything below path in lower layers */
};

/* One tar entry (or one file of a root filesystem), as kept for the merge. */
struct layer_entry {
    const char *path;   /* cleaned, relative to the root, no leading '/' */
    const char *link;   /* symlink target as stored, or hard link target
                           (cleaned path) */
    uint64_t size;
    uint32_t mode;      /* permission bits incl. setuid/setgid/sticky */
    uint32_t uid, gid;
    uint8_t type;       /* enum entry_type */
    uint8_t whiteout;   /* enum whiteout; such entries are not files */
    uint16_t layer;     /* index of its layer: set by fs_merge() */
};  /* 40 bytes: there is one per tar entry (no mtime: nothing reads it) */

/* A visible path: its entry (which knows its layer). */
struct fs_node {
    const struct layer_entry *e;
};

/* The view is an array of nodes and an open-addressing index over it of 8
 * bytes a slot: the node's number + 1 and the high half of its path's
 * hash (the path itself is the node's entry's, so no key is stored). A
 * generic string map took 24 bytes a slot plus the nodes; the index is the
 * scan's biggest table (2 million slots for a million-file layer). */
struct fs {
    struct fs_node *pool;     /* every visible node (entries, then implicit
                                 directories) */
    size_t npool, poolcap;
    uint64_t *slots;          /* hash >> 32 << 32 | node number + 1; 0 empty */
    size_t cap;               /* slots (load at most 0.85) */
    uint64_t files;           /* visible non-directory entries */
    struct arena arena;       /* implicit directories (no entry of their own) */
    struct spill *spill;      /* where the pool lives, or NULL: the heap */
};

/* Builds the merged view of layers[0..n-1] (each a vec of layer_entry).
 * Returns 0 or MOAT_ENOMEM. The view points into the layers' entries. */
int fs_merge(struct fs *fs, struct vec *const *layers, size_t n);
/* The same, with the node array in a spill file (base/spill.h) that
 * outlives fs. */
struct spill;
int fs_merge_spill(struct fs *fs, struct vec *const *layers, size_t n, struct spill *sp);
void fs_free(struct fs *fs);   /* NULL-safe */

/* Visits every visible node once (also implicit directories), in no
 * particular but a deterministic order: for (i = 0; fs_next(fs, &i, &n);) */
int fs_next(const struct fs *fs, size_t *i, const struct fs_node **node);

/* The visible entry at path itself (no symlink following), or NULL. */
const struct fs_node *fs_lookup(const struct fs *fs, const char *path);

/* Resolves path inside the image following symlinks in every component
 * (follow_last: also the last one, like stat(); else like lstat()). Hard
 * links resolve to their target. Writes the canonical path to out. Returns
 * 0 with *node set, MOAT_ENOENT, MOAT_ELOOP or MOAT_ETOOBIG. */
int fs_resolve(const struct fs *fs, const char *path, int follow_last, char *out, size_t outlen,
               const struct fs_node **node);

#endif

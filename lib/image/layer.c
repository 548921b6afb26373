/*
 * layer.c - the pass over one layer: blob -> digest-checked inflate ->
 * libarchive tar reader -> entry table + analyzer dispatch.
 *
 * Every tar entry is checked before anything else sees it: its name must
 * clean to a path inside the root within the length limits; hard links must
 * point to an earlier entry of the same layer; whiteouts are recognised and
 * recorded for the merge instead of being treated as files. The layer's
 * digests are verified after its last byte; until then nothing it produced
 * is trusted by the caller (a mismatch makes the whole scan fatal).
 */
#include "layer.h"
#include "source.h"
#include "stream.h"
#include "analyze/dispatch.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/path.h"
#include "base/spill.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define WH_PREFIX ".wh."
#define WH_OPQ ".wh..wh..opq"

static void
fatal(struct layer_result *lr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fatal(struct layer_result *lr, const char *fmt, ...)
{
    va_list ap;

    if (lr->fatal)
        return;
    lr->fatal = 1;
    va_start(ap, fmt);
    vsnprintf(lr->fatal_msg, sizeof(lr->fatal_msg), fmt, ap);
    va_end(ap);
}

void
layer_fail_oom(struct layer_result *lr, const char *what)
{
    char why[320] = "";

    /* entries and paths live in the spill file when there is one: then the
     * disk or the file's limit is the likelier cause */
    if (lr->paths.spill)
        spill_error(lr->paths.spill, why, sizeof(why));
    fatal(lr, "%s: %s", what, why[0] ? why : "out of memory");
}

/* ---- libarchive reads from the layer stream ---- */

static la_ssize_t
tar_read_cb(struct archive *a, void *ud, const void **buf)
{
    ssize_t n = stream_read(ud, buf);

    if (n < 0) {
        archive_set_error(a, -1, "%s", stream_error(ud));
        return -1;
    }
    return n;
}

/* ---- entry content from libarchive, with sparse holes as zeros ---- */

struct tar_content {
    struct archive *a;
    const void *blk;
    size_t blk_len;
    int64_t blk_off;
    int have_blk, done;
    int64_t pos;
};

static const unsigned char zeros[65536];

static int
tar_next(void *ud, const void **p, size_t *n)
{
    struct tar_content *tc = ud;
    int r;

    if (tc->done)
        return 0;
    if (!tc->have_blk) {
        la_int64_t off;
        r = archive_read_data_block(tc->a, &tc->blk, &tc->blk_len, &off);
        if (r == ARCHIVE_EOF) {
            tc->done = 1;
            return 0;
        }
        if (r < ARCHIVE_WARN)
            return -1;
        tc->blk_off = off;
        tc->have_blk = 1;
    }
    if (tc->blk_off > tc->pos) {
        /* sparse hole before this block */
        int64_t hole = tc->blk_off - tc->pos;
        *p = zeros;
        *n = hole > (int64_t)sizeof(zeros) ? sizeof(zeros) : (size_t)hole;
        tc->pos += (int64_t)*n;
        return 1;
    }
    *p = tc->blk;
    *n = tc->blk_len;
    tc->pos = tc->blk_off + (int64_t)tc->blk_len;
    tc->have_blk = 0;
    if (*n == 0)
        return tar_next(ud, p, n);
    return 1;
}

/* Maps a libarchive file type to ours; 0 if unknown. */
static int
entry_type(struct archive_entry *ae)
{
    switch (archive_entry_filetype(ae)) {
    case AE_IFREG:
        return ENTRY_REG;
    case AE_IFDIR:
        return ENTRY_DIR;
    case AE_IFLNK:
        return ENTRY_SYMLINK;
    case AE_IFCHR:
        return ENTRY_CHAR;
    case AE_IFBLK:
        return ENTRY_BLOCK;
    case AE_IFIFO:
        return ENTRY_FIFO;
    case AE_IFSOCK:
        return ENTRY_SOCK;
    default:
        return 0;
    }
}

static const char *
clean_error(int rc)
{
    return rc == MOAT_ETOOBIG ? "name longer than the limits (path 4096, component 255 bytes)"
                              : "name climbs out of the root with '..' or is empty";
}

/* Reads one entry header into le; returns 0, 1 to skip the entry, -1 fatal. */
/* Earlier files of the layer by path, for hard-link targets: built only when
 * a layer has its first hard link (most have none), then kept up to date.
 * Values are entry index + 1 (the entry vec may move; indexes do not). */
struct hardlinks {
    struct map seen;
    int built;
};

static int
remember(struct hardlinks *hl, const struct layer_result *lr, size_t i)
{
    const struct layer_entry *e = VEC_AT(&lr->entries, struct layer_entry, i);

    if (e->whiteout || e->type == ENTRY_DIR)
        return 0;
    return map_put(&hl->seen, e->path, (void *)(uintptr_t)(i + 1), NULL);
}

static int
hardlinks_build(struct hardlinks *hl, const struct layer_result *lr)
{
    size_t i;

    for (i = 0; i < lr->entries.len; i++)
        if (remember(hl, lr, i) != 0)
            return MOAT_ENOMEM;
    hl->built = 1;
    return 0;
}

static int
read_entry(struct actx *c, struct archive_entry *ae, struct layer_entry *le,
           struct hardlinks *hl)
{
    struct layer_result *lr = c->lr;
    char clean[MOAT_LIMIT_PATH + 1];
    const char *name, *base;
    unsigned flags = 0;
    int rc, type;

    name = archive_entry_pathname_utf8(ae);
    if (!name)
        name = archive_entry_pathname(ae);
    if (!name) {
        fatal(lr, "entry without a name");
        return -1;
    }
    rc = path_clean(name, strlen(name), clean, sizeof(clean), &flags);
    if (rc) {
        fatal(lr, "entry '%.200s%s': %s", name, strlen(name) > 200 ? "..." : "",
              clean_error(rc));
        return -1;
    }
    if (flags & PATH_ABSOLUTE)
        actx_problem(c, MOAT_WARN, clean, "entry has an absolute name '%.200s'; read as "
                                          "relative to the root, as container runtimes do", name);
    if (flags & PATH_DOTDOT)
        actx_problem(c, MOAT_WARN, clean, "entry name '%.200s' contains '..'", name);
    type = entry_type(ae);
    le->mode = (uint32_t)archive_entry_perm(ae) | ((uint32_t)archive_entry_mode(ae) & 07000);
    le->uid = (uint32_t)archive_entry_uid(ae);
    le->gid = (uint32_t)archive_entry_gid(ae);
    le->size = archive_entry_size_is_set(ae) ? (uint64_t)archive_entry_size(ae) : 0;
    base = path_base(clean);

    /* whiteouts are instructions for the merge, not files */
    if (strncmp(base, WH_PREFIX, 4) == 0) {
        size_t dl = path_dirlen(clean);
        if (strcmp(base, WH_OPQ) == 0) {
            le->path = arena_strndup(&lr->paths, clean, dl);
            le->whiteout = WH_OPAQUE;
        } else if (strncmp(base, ".wh..wh.", 8) == 0) {
            return 1; /* other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs) */
        } else if (base[4] == '\0') {
            fatal(lr, "whiteout '%s' names nothing", clean);
            return -1;
        } else {
            le->path = arena_printf(&lr->paths, "%.*s%s%s", (int)dl, clean, dl ? "/" : "",
                                    base + 4);
            le->whiteout = WH_FILE;
        }
        le->type = ENTRY_REG;
        if (!le->path) {
            layer_fail_oom(lr, "cannot record the entry");
            return -1;
        }
        return 0;
    }
    le->path = arena_strdup(&lr->paths, clean);
    if (!le->path) {
        layer_fail_oom(lr, "cannot record the entry");
        return -1;
    }
    if (archive_entry_hardlink(ae)) {
        const char *t = archive_entry_hardlink_utf8(ae);
        const struct layer_entry *target;
        char tclean[MOAT_LIMIT_PATH + 1];
        unsigned tf = 0;
        if (!t)
            t = archive_entry_hardlink(ae);
        rc = path_clean(t, strlen(t), tclean, sizeof(tclean), &tf);
        if (rc) {
            fatal(lr, "hard link '%s' -> '%.200s': target %s", clean, t, clean_error(rc));
            return -1;
        }
        if (!hl->built && hardlinks_build(hl, lr) != 0) {
            fatal(lr, "out of memory");
            return -1;
        }
        {
            uintptr_t at = (uintptr_t)map_get(&hl->seen, tclean);
            target = at ? VEC_AT(&lr->entries, struct layer_entry, at - 1) : NULL;
        }
        if (!target || target->type == ENTRY_DIR) {
            fatal(lr, "hard link '%s' points to '%s', which is not an earlier file of the "
                      "layer", clean, tclean);
            return -1;
        }
        le->type = ENTRY_HARDLINK;
        le->link = arena_strdup(&lr->paths, tclean);
        le->size = target->size;
        return 0;
    }
    if (!type) {
        fatal(lr, "entry '%s' has an unknown file type", clean);
        return -1;
    }
    le->type = (uint8_t)type;
    if (type == ENTRY_SYMLINK) {
        const char *t = archive_entry_symlink_utf8(ae);
        if (!t)
            t = archive_entry_symlink(ae);
        if (!t || strlen(t) > MOAT_LIMIT_PATH) {
            fatal(lr, "symlink '%s' has no target or one longer than %d bytes", clean,
                  MOAT_LIMIT_PATH);
            return -1;
        }
        le->link = arena_strdup(&lr->paths, t);
        le->size = 0;
    } else if (type == ENTRY_CHAR || type == ENTRY_BLOCK) {
        actx_problem(c, MOAT_WARN, clean, "%s device %u:%u in the image (not analysed)",
                     type == ENTRY_CHAR ? "character" : "block",
                     (unsigned)archive_entry_rdevmajor(ae), (unsigned)archive_entry_rdevminor(ae));
        le->size = 0;
    } else if (type != ENTRY_REG) {
        le->size = 0;
    }
    return 0;
}

static int
walk_tar(struct actx *c, struct layer_stream *st, const struct moat_limits *lim)
{
    struct layer_result *lr = c->lr;
    struct archive *a;
    struct archive_entry *ae;
    struct hardlinks hl;
    int r, rc = -1;

    map_init(&hl.seen);
    hl.built = 0;
    a = archive_read_new();
    if (!a) {
        fatal(lr, "out of memory");
        return -1;
    }
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    if (archive_read_open(a, st, NULL, tar_read_cb, NULL) != ARCHIVE_OK) {
        if (stream_out_bytes(st) == 0 && !stream_failed(st)) {
            actx_problem(c, MOAT_WARN, NULL, "layer is empty (no tar data at all)");
            rc = 0;
        } else if (stream_failed(st)) {
            fatal(lr, "%s", stream_error(st));
        } else {
            fatal(lr, "not a tar stream: %s", archive_error_string(a));
        }
        goto out;
    }
    for (;;) {
        struct layer_entry le, *slot;
        struct entry e;
        struct tar_content tc;
        struct producer prod;

        if (c->abort && __atomic_load_n(c->abort, __ATOMIC_RELAXED))
            goto out;
        r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r == ARCHIVE_WARN) {
            const char *msg = archive_error_string(a);
            /* Names are read as UTF-8 (read_entry); that one has no form in
             * this process's C locale says nothing about the image. */
            if (!msg || !strstr(msg, "can't be converted") || !archive_entry_pathname_utf8(ae))
                actx_problem(c, MOAT_WARN, NULL, "tar: %s", msg ? msg : "warning");
        } else if (r != ARCHIVE_OK) {
            if (stream_failed(st))
                fatal(lr, "%s", stream_error(st));
            else
                fatal(lr, "tar: %s", archive_error_string(a) ? archive_error_string(a)
                                                             : "corrupt archive");
            goto out;
        }
        if (lr->entries.len >= lim->layer_entries) {
            fatal(lr, "more than %u entries in one layer", lim->layer_entries);
            goto out;
        }
        memset(&le, 0, sizeof(le));
        r = read_entry(c, ae, &le, &hl);
        if (r < 0)
            goto out;
        if (r > 0)
            continue;
        slot = vec_push(&lr->entries);
        if (!slot) {
            layer_fail_oom(lr, "cannot grow the entry table");
            goto out;
        }
        *slot = le;
        if (hl.built && remember(&hl, lr, lr->entries.len - 1) != 0) {
            fatal(lr, "out of memory");
            goto out;
        }
        if (le.whiteout)
            continue;
        e.le = slot;
        e.path = slot->path;
        e.base = path_base(slot->path);
        e.layer = lr->index;
        e.opt = c->opt;
        memset(&tc, 0, sizeof(tc));
        tc.a = a;
        prod.next = tar_next;
        prod.ud = &tc;
        if (dispatch_entry(c, &e, &prod) != 0) {
            const char *why = stream_failed(st) ? stream_error(st) : archive_error_string(a);
            fatal(lr, "%s (while reading /%s)", why ? why : "corrupt archive", slot->path);
            goto out;
        }
    }
    rc = 0;
out:
    archive_read_free(a);
    map_free(&hl.seen);
    return rc;
}

int
layer_scan(struct image_desc *img, size_t index, const struct layer_env *env,
           struct layer_result *lr)
{
    const struct layer_desc *ld = &img->layers[index];
    struct blob *blob = NULL;
    char err[256];
    int rc;

    rc = image_open_layer(img, index, &blob, err, sizeof(err));
    if (rc) {
        fatal(lr, "%s", err);
        return -1;
    }
    return layer_scan_blob(blob, ld->compression, ld->digest, ld->diff_id, ld->size, env, lr);
}

int
layer_scan_blob(struct blob *blob, enum compression declared, const char *digest,
                const char *diff_id, int64_t size_hint, const struct layer_env *env,
                struct layer_result *lr)
{
    const struct moat_limits *lim = env->lim;
    struct layer_stream *st = NULL;
    struct actx c;
    int rc;

    actx_init(&c, lr, lim, env->abort);
    c.opt = env->opt;
    c.shared = env->shared;
    rc = stream_open(blob, declared, digest, diff_id, lim, 1, size_hint, &st);
    if (rc) {
        fatal(lr, "%s", st ? stream_error(st) : "out of memory");
        stream_close(st);
        return -1;
    }
    if (stream_note(st)[0])
        actx_problem(&c, MOAT_WARN, NULL, "%s", stream_note(st));
    if (walk_tar(&c, st, lim) != 0) {
        /* every failure names itself; this only guards against a silent
         * partial layer if one ever does not (not when another layer's
         * failure stopped this one) */
        if (!lr->fatal && !(env->abort && __atomic_load_n(env->abort, __ATOMIC_RELAXED)))
            fatal(lr, "the layer could not be read to its end");
        goto out;
    }
    if (stream_finish(st) != 0) {
        fatal(lr, "%s", stream_error(st));
        goto out;
    }
    lr->digest = arena_strdup(&lr->arena, stream_digest(st));
    lr->diff_id = arena_strdup(&lr->arena, stream_diff_id(st));
    lr->compression = stream_compression(st);
    lr->in_bytes = stream_in_bytes(st);
    lr->out_bytes = stream_out_bytes(st);
out:
    stream_close(st);
    return lr->fatal ? -1 : 0;
}

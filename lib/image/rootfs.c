/*
 * rootfs.c - an unpacked root filesystem (rootfs:PATH) scanned as a single
 * layer. The tree is hostile like any image: no symlink is ever followed on
 * this host (every open is relative to an already-open directory, with
 * O_NOFOLLOW), other filesystems mounted inside are not entered, and
 * entries are visited in sorted order so results do not depend on readdir.
 */
#include "layer.h"
#include "source.h"
#include "analyze/dispatch.h"
#include "base/err.h"
#include "base/limits.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_DEPTH 256

struct walk {
    struct actx *c;
    const struct moat_limits *lim;
    dev_t dev;
    char path[MOAT_LIMIT_PATH + 1];
    unsigned char buf[256 << 10];
};

struct fd_content {
    int fd;
    unsigned char *buf;
    size_t cap;
};

static int
fd_next(void *ud, const void **p, size_t *n)
{
    struct fd_content *fc = ud;
    ssize_t r;

    do {
        r = read(fc->fd, fc->buf, fc->cap);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1;
    if (r == 0)
        return 0;
    *p = fc->buf;
    *n = (size_t)r;
    return 1;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(struct walk *w, int dirfd, size_t plen, int depth);

static int
visit(struct walk *w, int dirfd, const char *name, size_t plen, int depth)
{
    struct actx *c = w->c;
    struct layer_result *lr = c->lr;
    struct layer_entry le, *slot;
    struct stat st;
    struct entry e;
    size_t nlen = strlen(name), np;

    if (plen + (plen ? 1 : 0) + nlen > MOAT_LIMIT_PATH) {
        actx_problem(c, MOAT_FAILED, w->path, "a name below is longer than %d bytes; skipped",
                     MOAT_LIMIT_PATH);
        return 0;
    }
    np = plen;
    if (np)
        w->path[np++] = '/';
    memcpy(w->path + np, name, nlen + 1);
    np += nlen;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        actx_problem(c, MOAT_FAILED, w->path, "cannot stat: %s", strerror(errno));
        goto done;
    }
    if (lr->entries.len >= w->lim->layer_entries) {
        snprintf(lr->fatal_msg, sizeof(lr->fatal_msg), "more than %u files",
                 w->lim->layer_entries);
        lr->fatal = 1;
        return -1;
    }
    memset(&le, 0, sizeof(le));
    le.path = arena_strdup(&lr->paths, w->path);
    le.mode = (uint32_t)st.st_mode & 07777;
    le.uid = st.st_uid;
    le.gid = st.st_gid;
    if (S_ISREG(st.st_mode)) {
        le.type = ENTRY_REG;
        le.size = (uint64_t)st.st_size;
    } else if (S_ISDIR(st.st_mode)) {
        le.type = ENTRY_DIR;
    } else if (S_ISLNK(st.st_mode)) {
        char t[MOAT_LIMIT_PATH + 1];
        ssize_t r = readlinkat(dirfd, name, t, sizeof(t) - 1);
        le.type = ENTRY_SYMLINK;
        if (r < 0) {
            actx_problem(c, MOAT_FAILED, w->path, "cannot read link: %s", strerror(errno));
            goto done;
        }
        t[r] = '\0';
        le.link = arena_strdup(&lr->paths, t);
    } else if (S_ISCHR(st.st_mode)) {
        le.type = ENTRY_CHAR;
    } else if (S_ISBLK(st.st_mode)) {
        le.type = ENTRY_BLOCK;
    } else if (S_ISFIFO(st.st_mode)) {
        le.type = ENTRY_FIFO;
    } else {
        le.type = ENTRY_SOCK;
    }
    if (!le.path) {
        layer_fail_oom(lr, "cannot record the entry");
        return -1;
    }
    slot = vec_push(&lr->entries);
    if (!slot) {
        layer_fail_oom(lr, "cannot grow the entry table");
        return -1;
    }
    *slot = le;
    e.le = slot;
    e.path = slot->path;
    e.base = strrchr(slot->path, '/') ? strrchr(slot->path, '/') + 1 : slot->path;
    e.layer = 0;
    e.opt = c->opt;
    if (le.type == ENTRY_REG) {
        struct fd_content fc;
        struct producer prod;
        fc.fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        fc.buf = w->buf;
        fc.cap = sizeof(w->buf);
        if (fc.fd < 0) {
            actx_problem(c, MOAT_FAILED, w->path, "cannot open: %s", strerror(errno));
            goto done;
        }
        prod.next = fd_next;
        prod.ud = &fc;
        if (dispatch_entry(c, &e, &prod) != 0)
            actx_problem(c, MOAT_FAILED, w->path, "read error: %s", strerror(errno));
        close(fc.fd);
    } else {
        dispatch_entry(c, &e, NULL);
    }
    if (le.type == ENTRY_DIR) {
        int fd;
        if (st.st_dev != w->dev) {
            actx_problem(c, MOAT_WARN, w->path, "another filesystem is mounted here; not entered");
            goto done;
        }
        if (depth >= MAX_DEPTH) {
            actx_problem(c, MOAT_FAILED, w->path, "directories nested deeper than %d; not entered",
                         MAX_DEPTH);
            goto done;
        }
        fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            actx_problem(c, MOAT_FAILED, w->path, "cannot open directory: %s", strerror(errno));
            goto done;
        }
        if (walk_dir(w, fd, np, depth + 1) != 0)
            return -1;
    }
done:
    w->path[plen] = '\0';
    return 0;
}

/* Walks the directory open at dirfd (takes ownership of dirfd). */
static int
walk_dir(struct walk *w, int dirfd, size_t plen, int depth)
{
    DIR *d = fdopendir(dirfd);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;

    if (!d) {
        close(dirfd);
        actx_problem(w->c, MOAT_FAILED, w->path, "cannot list directory: %s", strerror(errno));
        return 0;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **nn;
            cap = cap ? cap * 2 : 64;
            nn = realloc(names, cap * sizeof(*nn));
            if (!nn) {
                rc = -1;
                goto out;
            }
            names = nn;
        }
        names[n] = strdup(de->d_name);
        if (!names[n]) {
            rc = -1;
            goto out;
        }
        n++;
    }
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_names);
    for (i = 0; i < n && rc == 0; i++) {
        if (w->c->abort && __atomic_load_n(w->c->abort, __ATOMIC_RELAXED))
            break;
        rc = visit(w, dirfd, names[i], plen, depth);
        w->path[plen] = '\0';
    }
out:
    if (rc && !w->c->lr->fatal) {
        w->c->lr->fatal = 1;
        snprintf(w->c->lr->fatal_msg, sizeof(w->c->lr->fatal_msg), "out of memory");
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int
rootfs_scan(struct image_desc *img, const struct layer_env *env, struct layer_result *lr)
{
    const struct moat_limits *lim = env->lim;
    struct actx c;
    struct walk *w;
    struct stat st;
    int fd, rc;

    actx_init(&c, lr, lim, env->abort);
    c.opt = env->opt;
    c.shared = env->shared;
    fd = open(img->rootfs_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(lr->fatal_msg, sizeof(lr->fatal_msg), "%s: %s", img->rootfs_path,
                 strerror(errno));
        lr->fatal = 1;
        if (fd >= 0)
            close(fd);
        return -1;
    }
    w = calloc(1, sizeof(*w));
    if (!w) {
        close(fd);
        lr->fatal = 1;
        snprintf(lr->fatal_msg, sizeof(lr->fatal_msg), "out of memory");
        return -1;
    }
    w->c = &c;
    w->lim = lim;
    w->dev = st.st_dev;
    rc = walk_dir(w, fd, 0, 0);
    free(w);
    lr->compression = "none";
    return rc || lr->fatal ? -1 : 0;
}

static int
rootfs_no_blob(struct source *s, const struct layer_desc *l, struct blob **out, char *err,
               size_t errlen)
{
    (void)s;
    (void)l;
    *out = NULL;
    snprintf(err, errlen, "a root filesystem has no layer blobs");
    return MOAT_EUNSUP;
}

static void
rootfs_free(struct source *s)
{
    free(s);
}

int
rootfs_open(struct image_desc *img, const char *path, char *err, size_t errlen)
{
    struct source *s;
    struct stat st;

    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", path);
        return MOAT_ENOENT;
    }
    s = calloc(1, sizeof(*s));
    if (!s)
        return MOAT_ENOMEM;
    s->open_blob = rootfs_no_blob;
    s->free = rootfs_free;
    img->src = s;
    img->rootfs = 1;
    img->rootfs_path = arena_strdup(&img->arena, path);
    img->nlayers = 1;
    img->layers = arena_alloc(&img->arena, sizeof(*img->layers));
    if (!img->layers || !img->rootfs_path)
        return MOAT_ENOMEM;
    img->layers[0].size = -1;
    img->layers[0].compression = COMP_NONE;
    img->layers[0].created_by = NULL;
    return 0;
}

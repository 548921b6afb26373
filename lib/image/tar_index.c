/*
 * tar_index.c - the outer archive of docker-archive and oci-archive images.
 *
 * The manifest of a `docker save` tarball usually comes after the layers, so
 * the archive cannot be processed front to back without buffering layers.
 * Instead its headers are walked once (libarchive, every tar dialect; data is
 * skipped with lseek, not read) and the offset of each member's data is
 * recorded. Layers are then read straight from those ranges with pread(), in
 * parallel, each byte once.
 */
#include "source.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/path.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MEMBERS 100000

int
tar_index_build(struct tar_index *ti, const char *path, char *err, size_t errlen)
{
    struct archive *a = NULL;
    struct archive_entry *e;
    struct stat st;
    size_t cap = 0;
    int rc = MOAT_EINVAL, r;

    memset(ti, 0, sizeof(*ti));
    arena_init(&ti->arena);
    ti->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (ti->fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return MOAT_ENOENT;
    }
    if (fstat(ti->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file (archives must be seekable files)", path);
        goto out;
    }
    a = archive_read_new();
    if (!a) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    archive_read_support_format_tar(a);
    if (archive_read_open_fd(a, ti->fd, 65536) != ARCHIVE_OK) {
        snprintf(err, errlen, "%s: %s", path, archive_error_string(a));
        goto out;
    }
    for (;;) {
        struct tar_member *m;
        const char *name, *link;
        char clean[MOAT_LIMIT_PATH + 1];
        unsigned fl = 0;
        int type;

        r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            snprintf(err, errlen, "%s: not a readable tar archive: %s", path,
                     archive_error_string(a) ? archive_error_string(a) : "corrupt header");
            goto out;
        }
        if (ti->n >= MAX_MEMBERS) {
            snprintf(err, errlen, "%s: more than %d members", path, MAX_MEMBERS);
            rc = MOAT_ETOOBIG;
            goto out;
        }
        name = archive_entry_pathname_utf8(e);
        if (!name)
            name = archive_entry_pathname(e);
        if (!name || path_clean(name, strlen(name), clean, sizeof(clean), &fl) != 0) {
            snprintf(err, errlen, "%s: member with an invalid name", path);
            goto out;
        }
        if (archive_entry_sparse_count(e) > 0) {
            snprintf(err, errlen, "%s: member %s is sparse", path, clean);
            goto out;
        }
        if (ti->n == cap) {
            struct tar_member *nm;
            cap = cap ? cap * 2 : 32;
            nm = realloc(ti->members, cap * sizeof(*nm));
            if (!nm) {
                rc = MOAT_ENOMEM;
                goto out;
            }
            ti->members = nm;
        }
        m = &ti->members[ti->n++];
        memset(m, 0, sizeof(*m));
        m->name = arena_strdup(&ti->arena, clean);
        m->offset = (uint64_t)archive_filter_bytes(a, 0);
        m->size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
        type = archive_entry_filetype(e);
        m->is_dir = type == AE_IFDIR;
        link = archive_entry_hardlink(e);
        if (!link && type == AE_IFLNK) {
            /* symlink: relative to the member's directory */
            char dir[MOAT_LIMIT_PATH + 1];
            const char *t = archive_entry_symlink(e);
            size_t dl = path_dirlen(clean);
            snprintf(dir, sizeof(dir), "%.*s", (int)dl, clean);
            if (t && path_join_clamped(dir, t, clean, sizeof(clean)) == 0)
                m->link = arena_strdup(&ti->arena, clean);
        } else if (link) {
            if (path_clean(link, strlen(link), clean, sizeof(clean), &fl) == 0)
                m->link = arena_strdup(&ti->arena, clean);
            m->size = 0;
        }
        if (!m->name) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        if (type == AE_IFREG && m->offset + m->size > (uint64_t)st.st_size) {
            snprintf(err, errlen, "%s: member %s is truncated (archive ends early)", path,
                     m->name);
            goto out;
        }
        archive_read_data_skip(a);
    }
    rc = 0;
out:
    if (a)
        archive_read_free(a);
    if (rc) {
        tar_index_free(ti);
    }
    return rc;
}

void
tar_index_free(struct tar_index *ti)
{
    if (!ti)
        return;
    free(ti->members);
    ti->members = NULL;
    ti->n = 0;
    arena_free(&ti->arena);
    if (ti->fd >= 0)
        close(ti->fd);
    ti->fd = -1;
}

const struct tar_member *
tar_index_find(const struct tar_index *ti, const char *name)
{
    int hops;

    for (hops = 0; hops < MOAT_LIMIT_SYMLINK_HOPS; hops++) {
        const struct tar_member *m = NULL;
        size_t i;
        /* later members replace earlier ones of the same name, as in tar */
        for (i = ti->n; i > 0; i--) {
            if (strcmp(ti->members[i - 1].name, name) == 0) {
                m = &ti->members[i - 1];
                break;
            }
        }
        if (!m || !m->link)
            return m;
        name = m->link;
    }
    return NULL;
}

int
tar_index_read(const struct tar_index *ti, const struct tar_member *m, size_t max, char **out,
               size_t *len, char *err, size_t errlen)
{
    char *p;
    size_t got = 0;

    if (m->size > max) {
        snprintf(err, errlen, "%s: %llu bytes, more than the limit of %zu", m->name,
                 (unsigned long long)m->size, max);
        return MOAT_ETOOBIG;
    }
    p = malloc((size_t)m->size + 1);
    if (!p)
        return MOAT_ENOMEM;
    while (got < m->size) {
        ssize_t r = pread(ti->fd, p + got, (size_t)m->size - got, (off_t)(m->offset + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            snprintf(err, errlen, "%s: read failed: %s", m->name,
                     r < 0 ? strerror(errno) : "unexpected end of archive");
            free(p);
            return MOAT_EIO;
        }
        got += (size_t)r;
    }
    p[got] = '\0';
    *out = p;
    *len = got;
    return 0;
}

/* ---- a blob that is a byte range of a file ---- */

struct range_blob {
    struct blob b;
    int fd;
    int own_fd;   /* close fd with the blob */
    uint64_t off, len, pos;
};

static ssize_t
range_read(struct blob *b, void *buf, size_t n)
{
    struct range_blob *rb = (struct range_blob *)b;
    ssize_t r;

    if (rb->pos >= rb->len)
        return 0;
    if (n > rb->len - rb->pos)
        n = (size_t)(rb->len - rb->pos);
    do {
        r = pread(rb->fd, buf, n, (off_t)(rb->off + rb->pos));
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        snprintf(b->err, sizeof(b->err), "read failed: %s", strerror(errno));
        return MOAT_EIO;
    }
    if (r == 0) {
        snprintf(b->err, sizeof(b->err), "file ends %llu bytes early",
                 (unsigned long long)(rb->len - rb->pos));
        return MOAT_EIO;
    }
    rb->pos += (uint64_t)r;
    return r;
}

static void
range_close(struct blob *b)
{
    struct range_blob *rb = (struct range_blob *)b;

    if (rb->own_fd)
        close(rb->fd);
    free(b);
}

int
blob_own_fd(struct blob *b, int fd)
{
    struct range_blob *rb = (struct range_blob *)b;

    rb->fd = fd;
    rb->own_fd = 1;
    return 0;
}

struct blob *
blob_file_range(int fd, uint64_t off, uint64_t len)
{
    struct range_blob *rb = calloc(1, sizeof(*rb));

    if (!rb)
        return NULL;
    rb->b.read = range_read;
    rb->b.close = range_close;
    rb->fd = fd;
    rb->off = off;
    rb->len = len;
    return &rb->b;
}

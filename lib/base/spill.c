/*
 * spill.c - bump allocation in an unlinked, memory-mapped temporary file,
 * with a watcher thread that keeps the process's resident set bounded by
 * dropping the file's pages from the address space (see spill.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "spill.h"
#include "limits.h"
#include "str.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ALIGN 64
#define STEP (8u << 20)   /* the file grows in steps of this */

struct spill {
    int fd;
    char *base;
    uint64_t reserve;
    uint64_t top;                 /* next free offset; under lock */
    uint64_t filesz;              /* atomic: read by the watcher */
    uint64_t resident;
    uint64_t shared0;             /* file-backed resident bytes at open
                                     (the program and its libraries) */
    uint64_t trims;               /* atomic */
    size_t page;
    pthread_mutex_t lock;
    char dir[256];                /* for messages */
    char why[320];                /* why the last allocation failed; under lock */
    /* the watcher */
    int statm;
    int watching;
    int stop;                     /* under wlock */
    pthread_t tid;
    pthread_mutex_t wlock;
    pthread_cond_t wcond;
};

static int
open_unnamed(const char *dir)
{
    char tmpl[4096];
    int fd;

#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return -1;
#endif
    /* a filesystem without O_TMPFILE: a named file, unlinked at once */
    if (snprintf(tmpl, sizeof(tmpl), "%s/moat-spill-XXXXXX", dir) >= (int)sizeof(tmpl)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd >= 0)
        unlink(tmpl);
    return fd;
}

/* Resident set size of this process and its file-backed part, in bytes;
 * -1 when unknown. */
static int
rss_now(const struct spill *s, uint64_t *rss, uint64_t *shared)
{
    /* "size resident shared text lib data dt", in pages */
    char b[128];
    const char *f[3], *p;
    uint64_t v[3];
    ssize_t n;
    size_t i;

    n = pread(s->statm, b, sizeof(b) - 1, 0);
    if (n <= 0)
        return -1;
    b[n] = '\0';
    for (p = b, i = 0; i < 3; i++) {
        f[i] = p;
        p += strcspn(p, " \n");
        if (str_to_u64(f[i], (size_t)(p - f[i]), &v[i]) != 0)
            return -1;
        p += *p == ' ';
    }
    *rss = v[1] * s->page;
    *shared = v[2] * s->page;
    return 0;
}

void
spill_trim(struct spill *s)
{
    uint64_t len;

    if (!s || !(len = __atomic_load_n(&s->filesz, __ATOMIC_ACQUIRE)))
        return;
    /* Pages of a shared file mapping keep their contents in the page cache:
     * dropping them only unmaps them, and a later touch (even one racing
     * with this call in another thread) maps the same page back. */
    madvise(s->base, (size_t)len, MADV_DONTNEED);
    __atomic_add_fetch(&s->trims, 1, __ATOMIC_RELAXED);
}

/* Trims when the resident set is over the threshold and spilled pages are
 * a good part of it, 8 MiB or more (trimming cannot make heap memory
 * smaller, and dropping pages that are in use only to map them back costs
 * time). Returns 1 when it is worth looking again soon: the spilled part
 * grew by 1 MiB or more since the last look (*last), or was just dropped
 * (do the pages come straight back?). */
static int
check(struct spill *s, uint64_t *last)
{
    uint64_t rss, shared, mine, before = *last;

    if (!s->resident || rss_now(s, &rss, &shared) != 0)
        return 0;
    mine = shared > s->shared0 ? shared - s->shared0 : 0;
    *last = mine;
    if (rss > s->resident && mine > (8u << 20)) {
        spill_trim(s);
        *last = 0;
        return 1;
    }
    return mine >= before + (1u << 20);
}

static void *
watch(void *arg)
{
    struct spill *s = arg;
    struct timespec ts;
    uint64_t last = 0;
    int near = 0;

    pthread_mutex_lock(&s->wlock);
    while (!s->stop) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        /* reading back spilled pages maps 16 of them a fault (the kernel's
         * fault-around), tens of MB a millisecond: look often when close */
        ts.tv_nsec += near ? MOAT_LIMIT_SPILL_WATCH_NEAR_US * 1000L
                           : MOAT_LIMIT_SPILL_WATCH_US * 1000L;
        while (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->wcond, &s->wlock, &ts);
        if (s->stop)
            break;
        /* only when the spill is what makes the difference: trimming
         * cannot make heap memory smaller */
        near = check(s, &last);
    }
    pthread_mutex_unlock(&s->wlock);
    return NULL;
}

static int
start_watcher(struct spill *s)
{
    pthread_condattr_t ca;
    int rc;

    uint64_t rss;

    s->statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (s->statm < 0 || rss_now(s, &rss, &s->shared0) != 0)
        return -1;
    if (pthread_condattr_init(&ca) != 0)
        return -1;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    rc = pthread_cond_init(&s->wcond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0)
        return -1;
    if (pthread_mutex_init(&s->wlock, NULL) != 0) {
        pthread_cond_destroy(&s->wcond);
        return -1;
    }
    if (pthread_create(&s->tid, NULL, watch, s) != 0) {
        pthread_mutex_destroy(&s->wlock);
        pthread_cond_destroy(&s->wcond);
        return -1;
    }
    s->watching = 1;
    return 0;
}

int
spill_open(struct spill **out, const char *dir, uint64_t reserve, uint64_t resident, char *err,
           size_t errlen)
{
    struct spill *s;
    long pg = sysconf(_SC_PAGESIZE);

    *out = NULL;
    if (!dir || !*dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/var/tmp";
    s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->fd = -1;
    s->statm = -1;
    s->page = pg > 0 ? (size_t)pg : 4096;
    s->reserve = (reserve + s->page - 1) / s->page * s->page;
    s->resident = resident;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(s->dir, sizeof(s->dir), "%s", dir);
    s->fd = open_unnamed(dir);
    if (s->fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        goto fail;
    }
    s->base = mmap(NULL, (size_t)s->reserve, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
                   s->fd, 0);
    if (s->base == MAP_FAILED) {
        s->base = NULL;
        snprintf(err, errlen, "cannot map %llu bytes of a temporary file in %s: %s",
                 (unsigned long long)s->reserve, dir, strerror(errno));
        goto fail;
    }
    if (resident && start_watcher(s) != 0) {
        snprintf(err, errlen, "cannot start the memory watcher: %s", strerror(errno));
        goto fail;
    }
    *out = s;
    return 0;
fail:
    spill_close(s);
    return -1;
}

void
spill_close(struct spill *s)
{
    if (!s)
        return;
    if (s->watching) {
        pthread_mutex_lock(&s->wlock);
        s->stop = 1;
        pthread_cond_signal(&s->wcond);
        pthread_mutex_unlock(&s->wlock);
        pthread_join(s->tid, NULL);
        pthread_mutex_destroy(&s->wlock);
        pthread_cond_destroy(&s->wcond);
    }
    if (s->statm >= 0)
        close(s->statm);
    if (s->base)
        munmap(s->base, (size_t)s->reserve);
    if (s->fd >= 0)
        close(s->fd);   /* unlinked: the blocks go with the last reference */
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Makes the file at least want bytes long; under lock. */
static int
grow(struct spill *s, uint64_t want)
{
    uint64_t to = s->filesz;

    while (to < want)
        to += STEP;
    if (to > s->reserve)
        to = s->reserve;
    if (to < want) {
        snprintf(s->why, sizeof(s->why), "the spill file's limit of %llu bytes is used up",
                 (unsigned long long)s->reserve);
        return -1;
    }
    /* fallocate reserves the blocks, so a full disk fails here rather than
     * as SIGBUS when a page is first written */
    if (fallocate(s->fd, 0, (off_t)s->filesz, (off_t)(to - s->filesz)) != 0) {
        if (errno != EOPNOTSUPP || ftruncate(s->fd, (off_t)to) != 0) {
            snprintf(s->why, sizeof(s->why), "cannot grow the spill file in %s: %s", s->dir,
                     strerror(errno));
            return -1;
        }
    }
    __atomic_store_n(&s->filesz, to, __ATOMIC_RELEASE);
    return 0;
}

void *
spill_alloc(struct spill *s, size_t n)
{
    uint64_t off, end;
    void *p = NULL;

    if (n == 0)
        n = 1;
    pthread_mutex_lock(&s->lock);
    off = (s->top + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
    end = off + n;
    if (end >= off && end <= s->reserve && (end <= s->filesz || grow(s, end) == 0)) {
        s->top = end;
        p = s->base + off;   /* fresh file space reads as zeros */
    } else if (end < off || end > s->reserve) {
        /* (grow() says why it failed itself) */
        snprintf(s->why, sizeof(s->why), "the spill file's limit of %llu bytes is used up",
                 (unsigned long long)s->reserve);
    }
    pthread_mutex_unlock(&s->lock);
    /* a layer pass fills the spill about as fast as memory can be written:
     * look at every allocation (arena chunks are 1 MiB) too, not only when
     * the watcher wakes up */
    if (p && s->statm >= 0) {
        uint64_t last = UINT64_MAX / 2;
        check(s, &last);
    }
    return p;
}

void
spill_move(struct spill *s, void *dst, const void *src, size_t n)
{
    const size_t piece = 1u << 20;
    size_t off;

    /* in pieces, dropping each from the resident set once copied: a table
     * of a million entries moves without being resident twice over */
    for (off = 0; off < n; off += piece) {
        size_t k = n - off < piece ? n - off : piece;
        uintptr_t a, b, pg = s->page;
        memcpy((char *)dst + off, (const char *)src + off, k);
        a = ((uintptr_t)dst + off) & ~(pg - 1);
        b = ((uintptr_t)dst + off + k) & ~(pg - 1);   /* the last page may be
                                                        written again next */
        if (b > a)
            madvise((void *)a, b - a, MADV_DONTNEED);
        a = ((uintptr_t)src + off) & ~(pg - 1);
        b = ((uintptr_t)src + off + k) & ~(pg - 1);
        if (b > a)
            madvise((void *)a, b - a, MADV_DONTNEED);
    }
}

void
spill_release(struct spill *s, void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p, b = a + n, pg = s->page;

    if (!p)
        return;
    a = (a + pg - 1) & ~(pg - 1);
    b &= ~(pg - 1);
    if (b <= a)
        return;
    /* the hole reads as zeros and is never handed out again (bump only) */
    fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
              (off_t)(a - (uintptr_t)s->base), (off_t)(b - a));
}

void
spill_error(struct spill *s, char *out, size_t outlen)
{
    pthread_mutex_lock(&s->lock);
    snprintf(out, outlen, "%s", s->why);
    pthread_mutex_unlock(&s->lock);
}

void
spill_stats(struct spill *s, struct spill_stats *st)
{
    pthread_mutex_lock(&s->lock);
    st->allocated = s->top;
    st->file = s->filesz;
    pthread_mutex_unlock(&s->lock);
    st->trims = __atomic_load_n(&s->trims, __ATOMIC_RELAXED);
}

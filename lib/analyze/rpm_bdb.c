/*
 * rpm_bdb.c - a read-only walker for the Berkeley DB Hash files rpm used
 * for its Packages database (rpm < 4.16: RHEL/CentOS 7-8, Amazon Linux 2).
 * Linking Berkeley DB (AGPL since 6.0, unmaintained 5.3) to read one file
 * is not worth it; the format is small enough to walk directly, as rpm's
 * own bdb_ro backend does.
 *
 * Layout (Berkeley DB 4.x/5.x, byte order of the machine that wrote it,
 * told by the magic number):
 *   page 0        hash meta page: magic 0x061561 at 12, version at 16,
 *                 page size at 20, encryption at 24, flags at 26, last
 *                 page at 32, max_bucket at 72, spares[32] at 96
 *   bucket b      page b + spares[bit length of b], chained by next_pgno
 *   page header   26 bytes: pgno at 8, next at 16, item count at 20,
 *                 high free offset at 22, type at 25 (13 hash, 2 old
 *                 unsorted hash, 7 overflow); the item offsets follow
 *   items         key/value pairs, stored back to front: a pair's length
 *                 is the distance to the previous item's offset; first byte
 *                 1 = data inline, 3 = {pgno, total length} of an overflow
 *                 chain (overflow pages carry their byte count at 22)
 * rpm's keys are 4-byte record numbers in the file's byte order; record 0
 * holds rpm's next-instance counter, every other value is a header blob.
 *
 * Every page is taken at most once (a bitmap of visited pages), so cycles
 * in bucket or overflow chains are reported, never followed, and the
 * whole walk costs at most one pass over the file.
 */
#include "rpm_bdb.h"
#include "base/err.h"
#include "base/limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_MAGIC 0x00061561u
#define BTREE_MAGIC 0x00053162u
#define META_SIZE 512         /* the meta page is read from its first 512 bytes */
#define PAGE_HEADER 26        /* SIZEOF_PAGE */
#define PAGE_HEADER_CHKSUM 32 /* + PG_CHKSUM when pages carry checksums */
#define META_FLAG_CHKSUM 0x01

enum page_type {
    P_HASH_UNSORTED = 2,
    P_OVERFLOW = 7,
    P_HASH = 13,
};

enum item_type {
    H_KEYDATA = 1,
    H_DUPLICATE = 2,
    H_OFFPAGE = 3,
    H_OFFDUP = 4,
};

struct bdb {
    const unsigned char *buf;
    size_t len;
    int big; /* file written big-endian */
    uint32_t pagesize;
    uint32_t npages;     /* whole pages present in the file */
    uint32_t overhead;   /* page header size (26, or 32 with checksums) */
    unsigned char *seen; /* one bit per page */
    unsigned char *val;  /* overflow values are assembled here */
    size_t valcap;
    const struct rpm_db_sink *s;
};

static uint32_t
get32(const struct bdb *b, const unsigned char *p)
{
    if (b->big)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
get16(const struct bdb *b, const unsigned char *p)
{
    return b->big ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]);
}

static uint32_t
le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void problem(const struct bdb *b, enum moat_grade g, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(const struct bdb *b, enum moat_grade g, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    b->s->problem(b->s->ud, g, msg);
}

int
rpm_bdb_detect(const unsigned char *buf, size_t len)
{
    uint32_t m;

    if (len < 16)
        return 0;
    m = le32(buf + 12);
    if (m == HASH_MAGIC || m == BTREE_MAGIC)
        return 1;
    m = be32(buf + 12);
    return m == HASH_MAGIC || m == BTREE_MAGIC;
}

/* Marks page pg as visited. 0, or -1 when it is outside the file or was
 * visited before (a cycle, or two chains sharing a page). */
static int
take(struct bdb *b, uint32_t pg)
{
    if (pg >= b->npages)
        return -1;
    if (b->seen[pg >> 3] & (1u << (pg & 7)))
        return -1;
    b->seen[pg >> 3] |= (unsigned char)(1u << (pg & 7));
    return 0;
}

static const unsigned char *
page(const struct bdb *b, uint32_t pg)
{
    return b->buf + (size_t)pg * b->pagesize;
}

/* Assembles an overflow chain of tlen bytes starting at pg into b->val.
 * 0, 1 (unusable: problem reported) or MOAT_ENOMEM. */
static int
overflow(struct bdb *b, uint32_t key, uint32_t pg, uint32_t tlen)
{
    size_t got = 0, room = b->pagesize - b->overhead;

    if (tlen == 0 || tlen > MOAT_LIMIT_RPM_HEADER) {
        problem(b, MOAT_FAILED, "record %u: value of %u bytes (limit %u); skipped", key, tlen,
                (unsigned)MOAT_LIMIT_RPM_HEADER);
        return 1;
    }
    if (tlen > b->valcap) {
        unsigned char *n = realloc(b->val, tlen);
        if (!n)
            return MOAT_ENOMEM;
        b->val = n;
        b->valcap = tlen;
    }
    while (got < tlen) {
        const unsigned char *p;
        uint32_t n;
        if (pg == 0 || take(b, pg) != 0) {
            problem(b, MOAT_FAILED,
                    "record %u: overflow chain breaks at page %u after %zu of %u bytes (page "
                    "missing, outside the file or reached twice); skipped",
                    key, pg, got, tlen);
            return 1;
        }
        p = page(b, pg);
        if (p[25] != P_OVERFLOW || get32(b, p + 8) != pg) {
            problem(b, MOAT_FAILED, "record %u: page %u is not an overflow page; skipped", key, pg);
            return 1;
        }
        n = get16(b, p + 22);
        if (n > room || n > tlen - got) {
            problem(b, MOAT_FAILED,
                    "record %u: overflow page %u claims %u bytes (room %zu, %zu still due); "
                    "skipped",
                    key, pg, n, room, (size_t)tlen - got);
            return 1;
        }
        memcpy(b->val + got, p + b->overhead, n);
        got += n;
        pg = get32(b, p + 16);
    }
    return 0;
}

/* The key/value pairs of one hash page. */
static int
items(struct bdb *b, const unsigned char *p, uint32_t pg)
{
    uint32_t n = get16(b, p + 20), i, minoff;
    const unsigned char *inp = p + b->overhead;

    if (n > (b->pagesize - b->overhead) / 2) {
        problem(b, MOAT_FAILED, "page %u claims %u items, more than fit; its records skipped", pg,
                n);
        return 0;
    }
    if (n % 2)
        problem(b, MOAT_FAILED, "page %u has an odd number of items (%u); the last skipped", pg, n);
    minoff = b->overhead + 2 * n;
    for (i = 0; i + 1 < n; i += 2) {
        uint32_t ko = get16(b, inp + 2 * i), vo = get16(b, inp + 2 * i + 2);
        uint32_t kend = i == 0 ? b->pagesize : get16(b, inp + 2 * i - 2);
        uint32_t key;
        const unsigned char *v;
        size_t vlen;
        int rc;

        if (kend > b->pagesize || ko < minoff || vo < minoff || ko >= kend || vo >= ko) {
            problem(b, MOAT_FAILED,
                    "page %u: item %u has offsets out of order or outside the "
                    "page; the rest of the page skipped",
                    pg, i);
            return 0;
        }
        if (p[ko] != H_KEYDATA || kend - ko != 5) {
            problem(b, MOAT_FAILED, "page %u: item %u is not a 4-byte record number; skipped", pg,
                    i);
            continue;
        }
        key = get32(b, p + ko + 1);
        if (key == 0)
            continue; /* rpm's next-instance counter, not a package */
        switch (p[vo]) {
        case H_KEYDATA:
            v = p + vo + 1;
            vlen = ko - vo - 1;
            break;
        case H_OFFPAGE:
            if (ko - vo < 12) {
                problem(b, MOAT_FAILED, "record %u: overflow reference is truncated; skipped", key);
                continue;
            }
            vlen = get32(b, p + vo + 8);
            rc = overflow(b, key, get32(b, p + vo + 4), (uint32_t)vlen);
            if (rc == MOAT_ENOMEM)
                return rc;
            if (rc)
                continue;
            v = b->val;
            break;
        case H_DUPLICATE:
        case H_OFFDUP:
            problem(b, MOAT_FAILED,
                    "record %u: duplicate-key values, which rpm never writes; "
                    "skipped",
                    key);
            continue;
        default:
            problem(b, MOAT_FAILED, "record %u: unknown item type %u; skipped", key, p[vo]);
            continue;
        }
        rc = b->s->blob(b->s->ud, key, v, vlen);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Bit length of x: the spares[] slot of bucket x. */
static unsigned
bitlen(uint32_t x)
{
    unsigned n = 0;

    for (; x; x >>= 1)
        n++;
    return n;
}

int
rpm_bdb_read(const unsigned char *buf, size_t len, const struct rpm_db_sink *s)
{
    struct bdb b;
    uint32_t magic, version, last, max_bucket, bucket, spares[33];
    unsigned i;
    int rc = 0;

    memset(&b, 0, sizeof(b));
    b.buf = buf;
    b.len = len;
    b.s = s;
    if (len < META_SIZE) {
        problem(&b, MOAT_FAILED, "%zu bytes is too short for a Berkeley DB meta page", len);
        return MOAT_EINVAL;
    }
    magic = le32(buf + 12);
    if (magic != HASH_MAGIC && magic != BTREE_MAGIC) {
        b.big = 1;
        magic = be32(buf + 12);
    }
    if (magic == BTREE_MAGIC) {
        problem(&b, MOAT_FAILED,
                "a Berkeley DB B-tree; rpm's Packages database is a hash "
                "database, so this is not one");
        return MOAT_EUNSUP;
    }
    if (magic != HASH_MAGIC) {
        problem(&b, MOAT_FAILED, "not a Berkeley DB hash database (bad magic number)");
        return MOAT_EINVAL;
    }
    version = get32(&b, buf + 16);
    b.pagesize = get32(&b, buf + 20);
    if (version < 8 || version > 10) {
        problem(&b, MOAT_FAILED, "Berkeley DB hash version %u is not supported (8 to 10 are)",
                version);
        return MOAT_EUNSUP;
    }
    if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1))) {
        problem(&b, MOAT_FAILED, "page size %u is not a power of two from 512 to 65536",
                b.pagesize);
        return MOAT_EINVAL;
    }
    if (buf[24] != 0) {
        problem(&b, MOAT_FAILED, "the database is encrypted; not read");
        return MOAT_EUNSUP;
    }
    b.overhead = (buf[26] & META_FLAG_CHKSUM) ? PAGE_HEADER_CHKSUM : PAGE_HEADER;
    b.npages = (uint32_t)(len / b.pagesize);
    last = get32(&b, buf + 32);
    if ((uint64_t)last + 1 > b.npages)
        problem(&b, MOAT_FAILED,
                "the file ends at page %u but the database has %llu pages; "
                "records on the missing pages are lost",
                b.npages, (unsigned long long)last + 1);
    else if (len % b.pagesize)
        problem(&b, MOAT_WARN, "the file is not a whole number of %u-byte pages", b.pagesize);
    max_bucket = get32(&b, buf + 72);
    if (max_bucket >= b.npages) {
        problem(&b, MOAT_FAILED, "%u hash buckets cannot fit in %u pages; not read", max_bucket + 1,
                b.npages);
        return MOAT_EINVAL;
    }
    for (i = 0; i < 32; i++)
        spares[i] = get32(&b, buf + 96 + 4 * i);
    spares[32] = 0; /* bitlen() of a 32-bit bucket number is at most 32 */
    b.seen = calloc((size_t)b.npages / 8 + 1, 1);
    if (!b.seen)
        return MOAT_ENOMEM;
    b.seen[0] = 1; /* the meta page */
    for (bucket = 0; bucket <= max_bucket && rc == 0; bucket++) {
        uint64_t pg64 = (uint64_t)bucket + spares[bitlen(bucket)];
        uint32_t pg;
        if (pg64 >= b.npages) {
            problem(&b, MOAT_FAILED, "bucket %u maps to page %llu, outside the file; skipped",
                    bucket, (unsigned long long)pg64);
            continue;
        }
        pg = (uint32_t)pg64;
        while (pg != 0 && rc == 0) {
            const unsigned char *p;
            if (take(&b, pg) != 0) {
                problem(&b, MOAT_FAILED,
                        "bucket %u: page %u is outside the file or reached "
                        "twice (a cycle); the rest of the bucket skipped",
                        bucket, pg);
                break;
            }
            p = page(&b, pg);
            if ((p[25] != P_HASH && p[25] != P_HASH_UNSORTED) || get32(&b, p + 8) != pg) {
                problem(&b, MOAT_FAILED,
                        "bucket %u: page %u is not a hash page (type %u); the "
                        "rest of the bucket skipped",
                        bucket, pg, p[25]);
                break;
            }
            rc = items(&b, p, pg);
            pg = get32(&b, p + 16);
        }
    }
    free(b.seen);
    free(b.val);
    return rc;
}

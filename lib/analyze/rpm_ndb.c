/*
 * rpm_ndb.c - reads rpm's "ndb" Packages.db (rpm's lib/backend/ndb, the
 * default on SUSE Linux Enterprise 15 and openSUSE) from memory.
 *
 * Layout, every number a little-endian u32:
 *   0     header: magic "RpmP", version 0, generation, number of slot
 *         pages, next package index (32 bytes, the first two slots' room)
 *   slots 16 bytes each, filling the slot pages (4096 bytes each):
 *         magic "Slot", package index, block offset, block count; a block
 *         offset of 0 marks a free slot
 *   blobs at block offset * 16, block count * 16 bytes long:
 *         head  magic "BlbS", package index, generation, blob length
 *         blob  the rpm header blob
 *         pad   zeros up to the tail
 *         tail  Adler-32 of head+blob+pad, blob length, magic "BlbE"
 * A slot is used only when it agrees with its blob (index, length, both
 * magics, block count). Slots whose blocks overlap another's are refused,
 * which bounds the work to one pass over the file whatever the slots say.
 */
#include "rpm_ndb.h"
#include "base/err.h"
#include "base/limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDB_MAGIC 0x506d7052u  /* "RpmP" */
#define SLOT_MAGIC 0x746f6c53u /* "Slot" */
#define HEAD_MAGIC 0x53626c42u /* "BlbS" */
#define TAIL_MAGIC 0x45626c42u /* "BlbE" */
#define NDB_VERSION 0
#define NDB_PAGE 4096
#define SLOT_SIZE 16
#define BLK_SIZE 16
#define HEADER_SLOTS 2 /* the 32-byte header takes the first two slots */
#define HEAD_SIZE 16
#define TAIL_SIZE 12

struct slot {
    uint32_t pkgidx, blkoff, blkcnt, slotno;
    int dropped;
};

static uint32_t
le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void problem(const struct rpm_db_sink *s, enum moat_grade g, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(const struct rpm_db_sink *s, enum moat_grade g, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    s->problem(s->ud, g, msg);
}

/* RFC 1950 Adler-32. */
static uint32_t
adler32(const unsigned char *p, size_t n)
{
    uint32_t a = 1, b = 0;

    while (n > 0) {
        size_t k = n < 5552 ? n : 5552; /* largest run without 32-bit overflow */
        n -= k;
        while (k--) {
            a += *p++;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    return b << 16 | a;
}

int
rpm_ndb_detect(const unsigned char *buf, size_t len)
{
    return len >= 4 && le32(buf) == NDB_MAGIC;
}

static int
by_blkoff(const void *x, const void *y)
{
    const struct slot *a = x, *b = y;

    if (a->blkoff != b->blkoff)
        return a->blkoff < b->blkoff ? -1 : 1;
    return a->slotno < b->slotno ? -1 : a->slotno > b->slotno;
}

static int
by_pkgidx(const void *x, const void *y)
{
    const struct slot *a = x, *b = y;

    if (a->pkgidx != b->pkgidx)
        return a->pkgidx < b->pkgidx ? -1 : 1;
    return a->slotno < b->slotno ? -1 : a->slotno > b->slotno;
}

/* One blob; 0 (delivered or skipped with a problem) or the sink's stop. */
static int
blob(const unsigned char *buf, const struct slot *sl, const struct rpm_db_sink *s)
{
    const unsigned char *head = buf + (size_t)sl->blkoff * BLK_SIZE;
    const unsigned char *tail = head + (size_t)sl->blkcnt * BLK_SIZE - TAIL_SIZE;
    uint32_t bloblen;
    uint64_t need;

    if ((uint64_t)sl->blkcnt * BLK_SIZE < HEAD_SIZE + TAIL_SIZE) {
        problem(s, MOAT_FAILED, "package %u: %u blocks cannot hold a blob; skipped", sl->pkgidx,
                sl->blkcnt);
        return 0;
    }
    if (le32(head) != HEAD_MAGIC || le32(head + 4) != sl->pkgidx) {
        problem(s, MOAT_FAILED, "package %u: no blob of that package at block %u; skipped",
                sl->pkgidx, sl->blkoff);
        return 0;
    }
    bloblen = le32(head + 12);
    need = ((uint64_t)HEAD_SIZE + bloblen + TAIL_SIZE + BLK_SIZE - 1) / BLK_SIZE;
    if (need != sl->blkcnt) {
        problem(s, MOAT_FAILED,
                "package %u: blob of %u bytes does not fill its %u blocks; "
                "skipped",
                sl->pkgidx, bloblen, sl->blkcnt);
        return 0;
    }
    if (le32(tail + 4) != bloblen || le32(tail + 8) != TAIL_MAGIC) {
        problem(s, MOAT_FAILED, "package %u: blob tail is damaged; skipped", sl->pkgidx);
        return 0;
    }
    /* rpm itself does not verify the checksum when reading; neither do we
     * refuse the blob, but a mismatch is worth saying */
    if (adler32(head, (size_t)sl->blkcnt * BLK_SIZE - TAIL_SIZE) != le32(tail))
        problem(s, MOAT_WARN, "package %u: blob checksum mismatch; read anyway", sl->pkgidx);
    return s->blob(s->ud, sl->pkgidx, head + HEAD_SIZE, bloblen);
}

int
rpm_ndb_read(const unsigned char *buf, size_t len, const struct rpm_db_sink *s)
{
    uint32_t version, npages, minblk, fileblks, page, o, slotno;
    struct slot *slots = NULL;
    size_t nslots = 0, i;
    uint64_t end = 0;
    uint32_t last = 0; /* package indexes start at 1 */
    int rc = 0;

    if (len < 32 || le32(buf) != NDB_MAGIC) {
        problem(s, MOAT_FAILED, "not an rpm ndb database (no RpmP header)");
        return MOAT_EINVAL;
    }
    version = le32(buf + 4);
    if (version != NDB_VERSION) {
        problem(s, MOAT_FAILED, "ndb version %u is not supported (0 is)", version);
        return MOAT_EUNSUP;
    }
    npages = le32(buf + 12);
    if (npages == 0 || (uint64_t)npages * NDB_PAGE > len) {
        problem(s, MOAT_FAILED, "header claims %u slot pages, the file holds %zu bytes", npages,
                len);
        return MOAT_EINVAL;
    }
    if (len % BLK_SIZE) {
        problem(s, MOAT_FAILED, "file size %zu is not a multiple of %d (truncated?)", len,
                BLK_SIZE);
        return MOAT_EINVAL;
    }
    if (len / BLK_SIZE > UINT32_MAX) {
        problem(s, MOAT_FAILED, "file of %zu bytes is larger than ndb can address", len);
        return MOAT_EINVAL;
    }
    fileblks = (uint32_t)(len / BLK_SIZE);
    minblk = npages * (NDB_PAGE / BLK_SIZE);
    slots = malloc((size_t)npages * (NDB_PAGE / SLOT_SIZE) * sizeof(*slots));
    if (!slots)
        return MOAT_ENOMEM;
    slotno = HEADER_SLOTS;
    for (page = 0; page < npages; page++) {
        for (o = page ? 0 : HEADER_SLOTS * SLOT_SIZE; o < NDB_PAGE; o += SLOT_SIZE, slotno++) {
            const unsigned char *p = buf + (size_t)page * NDB_PAGE + o;
            struct slot *sl;
            if (le32(p) != SLOT_MAGIC) {
                problem(s, MOAT_FAILED,
                        "slot %u is damaged (no slot magic); slots after it "
                        "were not read",
                        slotno);
                goto slots_done;
            }
            if (le32(p + 8) == 0)
                continue; /* free */
            sl = &slots[nslots];
            sl->pkgidx = le32(p + 4);
            sl->blkoff = le32(p + 8);
            sl->blkcnt = le32(p + 12);
            sl->slotno = slotno;
            sl->dropped = 0;
            if (!sl->pkgidx || !sl->blkcnt || sl->blkoff < minblk ||
                (uint64_t)sl->blkoff + sl->blkcnt > fileblks) {
                problem(s, MOAT_FAILED,
                        "slot %u (package %u) points to blocks %u+%u outside "
                        "the data area; skipped",
                        slotno, sl->pkgidx, sl->blkoff, sl->blkcnt);
                continue;
            }
            nslots++;
        }
    }
slots_done:
    qsort(slots, nslots, sizeof(*slots), by_blkoff);
    for (i = 0; i < nslots; i++) {
        if (slots[i].blkoff < end) {
            problem(s, MOAT_FAILED, "package %u: its blocks overlap another package's; skipped",
                    slots[i].pkgidx);
            slots[i].dropped = 1;
            continue;
        }
        end = (uint64_t)slots[i].blkoff + slots[i].blkcnt;
    }
    qsort(slots, nslots, sizeof(*slots), by_pkgidx);
    for (i = 0; i < nslots && rc == 0; i++) {
        if (slots[i].dropped)
            continue;
        if (slots[i].pkgidx == last) {
            problem(s, MOAT_FAILED, "package index %u appears in two slots; the second skipped",
                    slots[i].pkgidx);
            continue;
        }
        last = slots[i].pkgidx;
        rc = blob(buf, &slots[i], s);
    }
    free(slots);
    return rc;
}

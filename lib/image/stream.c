/*
 * stream.c - digest-verified, limit-guarded decompression of one layer blob.
 *
 * The compression is sniffed from the first bytes (gzip 1f 8b, zstd
 * 28 b5 2f fd, else plain tar), as Docker does; a media type that says
 * otherwise is reported, not trusted. gzip members are inflated with ISA-L's
 * isal_inflate (several times zlib's speed) with header parsing and CRC/size
 * trailer checks on; concatenated members are followed (pigz, some
 * builders), and zero padding after the last member is tolerated.
 */
#include "stream.h"
#include "base/digest.h"
#include "base/err.h"

#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define INBUF (256u << 10)
#define OUTBUF (512u << 10)
#define NSLOT 4                /* inflated blocks in flight between threads */
#define PIPELINE_MIN (1u << 20) /* smaller compressed blobs are not worth a thread */

struct slot {
    unsigned char *buf;
    size_t n;
    uint64_t in_at;    /* compressed bytes read when this block was made */
};

struct layer_stream {
    struct blob *blob;
    enum compression comp;
    struct digest dblob, ddiff;
    int hash_blob;
    const char *expect_digest, *expect_diff;
    unsigned char *in, *out;
    size_t in_len, in_pos;
    int in_eof, out_eof, failed;
    struct inflate_state *gz;
    int gz_done;           /* current member finished */
    ZSTD_DStream *zs;
    size_t z_last;         /* last ZSTD_decompressStream result (0: frame end) */
    uint64_t in_total, out_total;
    struct moat_limits lim;
    char digest[DIGEST_MAX], diff_id[DIGEST_MAX];
    char err[512];         /* reader side: what stream_error() returns */
    int dec_failed;        /* decoder side (the producer thread if any) */
    char dec_err[512];
    char note[256];        /* not an error: media type vs content */
    int same_hash;         /* plain tar: blob digest == diff_id, hash once */

    /* Pipeline: a producer thread reads, hashes and inflates into slots;
     * the reader hashes the output and feeds the tar reader. Everything
     * above is touched by one side only (producer: blob, dblob, in_*, gz,
     * zs; reader: ddiff, out_total, lim); the ring by both, under mu. */
    int threaded;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct slot slots[NSLOT];
    unsigned head, tail, count;
    int held, p_done, p_failed, cancel;
    uint64_t in_seen;  /* reader's copy of in_total, from the slots */
    char perr[512];
};

static void
fail(struct layer_stream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pipeline_start(struct layer_stream *s);

/* A failure of reading or inflating: owned by whichever thread decodes. */
static void
dfail(struct layer_stream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
dfail(struct layer_stream *s, const char *fmt, ...)
{
    va_list ap;

    if (s->dec_failed)
        return;
    s->dec_failed = 1;
    va_start(ap, fmt);
    vsnprintf(s->dec_err, sizeof(s->dec_err), fmt, ap);
    va_end(ap);
}

/* A failure seen by the reader (limits, digests, or a decoder failure it
 * has been told about). */
static void
fail(struct layer_stream *s, const char *fmt, ...)
{
    va_list ap;

    if (s->failed)
        return;
    s->failed = 1;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof(s->err), fmt, ap);
    va_end(ap);
}

const char *
stream_error(const struct layer_stream *s)
{
    return s->err;
}

int
stream_failed(const struct layer_stream *s)
{
    return s->failed;
}

const char *
stream_note(const struct layer_stream *s)
{
    return s->note;
}

/* Makes input available; returns bytes available (0 at the end) or -1. */
static ssize_t
fill(struct layer_stream *s)
{
    ssize_t r;

    if (s->in_pos < s->in_len)
        return (ssize_t)(s->in_len - s->in_pos);
    if (s->in_eof)
        return 0;
    r = s->blob->read(s->blob, s->in, INBUF);
    if (r < 0) {
        dfail(s, "%s", s->blob->err[0] ? s->blob->err : "read error");
        return -1;
    }
    if (r == 0) {
        s->in_eof = 1;
        return 0;
    }
    if (s->hash_blob)
        digest_update(&s->dblob, s->in, (size_t)r);
    s->in_total += (uint64_t)r;
    s->in_len = (size_t)r;
    s->in_pos = 0;
    return r;
}

static int
check_limits(struct layer_stream *s)
{
    uint64_t in = s->threaded ? s->in_seen : s->in_total;

    if (s->out_total > s->lim.layer_bytes) {
        fail(s, "uncompressed size exceeds the limit of %llu bytes",
             (unsigned long long)s->lim.layer_bytes);
        return -1;
    }
    if (s->comp != COMP_NONE && s->out_total > s->lim.ratio_grace &&
        s->out_total / (in ? in : 1) > s->lim.ratio) {
        fail(s, "decompression bomb: %llu bytes inflate to more than %u times their size",
             (unsigned long long)in, s->lim.ratio);
        return -1;
    }
    return 0;
}

int
stream_open(struct blob *blob, enum compression declared, const char *expect_digest,
            const char *expect_diff_id, const struct moat_limits *lim, int pipeline,
            int64_t size_hint, struct layer_stream **out)
{
    struct layer_stream *s;
    char algo[8];
    ssize_t r;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (!s) {
        blob->close(blob);
        return MOAT_ENOMEM;
    }
    *out = s;
    s->blob = blob;
    s->lim = *lim;
    s->expect_digest = expect_digest;
    s->expect_diff = expect_diff_id;
    s->in = malloc(INBUF);
    s->out = malloc(OUTBUF);
    if (!s->in || !s->out) {
        fail(s, "out of memory");
        return MOAT_ENOMEM;
    }
    if (expect_digest) {
        if (digest_parse(expect_digest, algo) != 0 || digest_init(&s->dblob, algo) != 0) {
            fail(s, "unsupported digest %s", expect_digest);
            return MOAT_EUNSUP;
        }
        s->hash_blob = 1;
    } else if (digest_init(&s->dblob, "sha256") == 0) {
        s->hash_blob = 1; /* still report what the blob hashes to */
    }
    if (expect_diff_id && digest_parse(expect_diff_id, algo) == 0) {
        if (digest_init(&s->ddiff, algo) != 0)
            return MOAT_ENOMEM;
    } else if (digest_init(&s->ddiff, "sha256") != 0) {
        return MOAT_ENOMEM;
    }
    r = fill(s);
    if (r < 0) {
        fail(s, "%s", s->dec_err);
        return MOAT_EIO;
    }
    if (r >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b)
        s->comp = COMP_GZIP;
    else if (r >= 4 && s->in[0] == 0x28 && s->in[1] == 0xb5 && s->in[2] == 0x2f &&
             s->in[3] == 0xfd)
        s->comp = COMP_ZSTD;
    else
        s->comp = COMP_NONE;
    if (declared != COMP_SNIFF && declared != s->comp) {
        /* Docker decodes by content too; the caller records the mismatch */
        snprintf(s->note, sizeof(s->note), "media type declares %s but the blob is %s",
                 declared == COMP_GZIP ? "gzip" : declared == COMP_ZSTD ? "zstd" : "plain tar",
                 stream_compression(s));
    }
    if (s->comp == COMP_GZIP) {
        s->gz = malloc(sizeof(*s->gz));
        if (!s->gz)
            return MOAT_ENOMEM;
        isal_inflate_init(s->gz);
        s->gz->crc_flag = ISAL_GZIP;
    } else if (s->comp == COMP_ZSTD) {
        s->zs = ZSTD_createDStream();
        if (!s->zs || ZSTD_isError(ZSTD_initDStream(s->zs)))
            return MOAT_ENOMEM;
        s->z_last = 0;
    }
    /* a plain tar's blob digest and diff_id hash the same bytes: once */
    if (s->comp == COMP_NONE && s->hash_blob && strcmp(s->dblob.algo, s->ddiff.algo) == 0)
        s->same_hash = 1;
    if (s->comp != COMP_NONE && pipeline && (s->in_len >= INBUF || size_hint >= PIPELINE_MIN))
        pipeline_start(s);
    return 0;
}

static ssize_t
read_gzip(struct layer_stream *s, unsigned char *out, size_t cap)
{
    for (;;) {
        ssize_t avail = fill(s);
        size_t produced;
        int ret;

        if (avail < 0)
            return -1;
        if (s->gz_done) {
            size_t i;
            if (avail == 0)
                return 0;
            /* after a member: zero padding is tolerated, else a new member */
            for (i = s->in_pos; i < s->in_len && s->in[i] == 0; i++)
                ;
            if (i == s->in_len) {
                s->in_pos = s->in_len;
                continue;
            }
            if (i != s->in_pos) {
                dfail(s, "gzip: garbage after the compressed stream");
                return -1;
            }
            isal_inflate_reset(s->gz);
            s->gz->crc_flag = ISAL_GZIP;
            s->gz_done = 0;
        }
        if (avail == 0) {
            dfail(s, "gzip: truncated stream (ends inside a member)");
            return -1;
        }
        s->gz->next_in = s->in + s->in_pos;
        s->gz->avail_in = (uint32_t)(s->in_len - s->in_pos);
        s->gz->next_out = out;
        s->gz->avail_out = (uint32_t)cap;
        ret = isal_inflate(s->gz);
        s->in_pos = s->in_len - s->gz->avail_in;
        if (ret != ISAL_DECOMP_OK) {
            dfail(s, "gzip: corrupt data (%s)",
                 ret == ISAL_INCORRECT_CHECKSUM ? "CRC mismatch"
                 : ret == ISAL_INVALID_WRAPPER  ? "bad header"
                 : ret == ISAL_UNSUPPORTED_METHOD ? "unsupported method"
                                                  : "invalid deflate stream");
            return -1;
        }
        if (s->gz->block_state == ISAL_BLOCK_FINISH)
            s->gz_done = 1;
        produced = cap - s->gz->avail_out;
        if (produced)
            return (ssize_t)produced;
    }
}

static ssize_t
read_zstd(struct layer_stream *s, unsigned char *outbuf, size_t cap)
{
    for (;;) {
        ssize_t avail = fill(s);
        ZSTD_inBuffer in;
        ZSTD_outBuffer out;
        size_t ret;

        if (avail < 0)
            return -1;
        if (avail == 0) {
            if (s->z_last != 0) {
                dfail(s, "zstd: truncated stream (frame incomplete)");
                return -1;
            }
            return 0;
        }
        in.src = s->in + s->in_pos;
        in.size = s->in_len - s->in_pos;
        in.pos = 0;
        out.dst = outbuf;
        out.size = cap;
        out.pos = 0;
        ret = ZSTD_decompressStream(s->zs, &out, &in);
        s->in_pos += in.pos;
        if (ZSTD_isError(ret)) {
            dfail(s, "zstd: corrupt data (%s)", ZSTD_getErrorName(ret));
            return -1;
        }
        s->z_last = ret;
        if (out.pos)
            return (ssize_t)out.pos;
    }
}

/* Next block of inflated bytes in *p (s->out, or the input buffer for
 * plain tar). Producer side of the pipeline. */
static ssize_t
decode(struct layer_stream *s, unsigned char *out, const void **p)
{
    ssize_t n;

    switch (s->comp) {
    case COMP_GZIP:
        n = read_gzip(s, out, OUTBUF);
        *p = out;
        return n;
    case COMP_ZSTD:
        n = read_zstd(s, out, OUTBUF);
        *p = out;
        return n;
    default:
        n = fill(s);
        if (n > 0) {
            *p = s->in + s->in_pos;
            s->in_pos = s->in_len;
        }
        return n;
    }
}

static void *
producer(void *arg)
{
    struct layer_stream *s = arg;

    for (;;) {
        const void *p;
        unsigned idx;
        ssize_t n;

        pthread_mutex_lock(&s->mu);
        while (s->count == NSLOT && !s->cancel)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->cancel) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        idx = s->head;
        pthread_mutex_unlock(&s->mu);
        n = decode(s, s->slots[idx].buf, &p);
        pthread_mutex_lock(&s->mu);
        if (n <= 0) {
            if (n < 0) {
                s->p_failed = 1;
                memcpy(s->perr, s->dec_err, sizeof(s->perr));
            }
            s->p_done = 1;
            pthread_cond_broadcast(&s->cv);
            pthread_mutex_unlock(&s->mu);
            break;
        }
        s->slots[idx].n = (size_t)n;
        s->slots[idx].in_at = s->in_total;
        s->head = (s->head + 1) % NSLOT;
        s->count++;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

/* Reader side of the pipeline: releases the block handed out last time
 * (libarchive may use it until it asks again) and waits for the next. */
static ssize_t
pipeline_read(struct layer_stream *s, const void **p)
{
    ssize_t n = 0;

    pthread_mutex_lock(&s->mu);
    if (s->held) {
        s->tail = (s->tail + 1) % NSLOT;
        s->count--;
        s->held = 0;
        pthread_cond_broadcast(&s->cv);
    }
    while (s->count == 0 && !s->p_done)
        pthread_cond_wait(&s->cv, &s->mu);
    if (s->p_failed) {
        n = -1;
    } else if (s->count > 0) {
        *p = s->slots[s->tail].buf;
        n = (ssize_t)s->slots[s->tail].n;
        s->in_seen = s->slots[s->tail].in_at;
        s->held = 1;
    }
    pthread_mutex_unlock(&s->mu);
    if (n < 0 && !s->failed) {
        s->failed = 1;
        memcpy(s->err, s->perr, sizeof(s->err));
    }
    return n;
}

static void
pipeline_stop(struct layer_stream *s)
{
    if (!s->threaded)
        return;
    pthread_mutex_lock(&s->mu);
    s->cancel = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->th, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    s->threaded = 0;
}

static void
pipeline_start(struct layer_stream *s)
{
    unsigned i;

    for (i = 0; i < NSLOT; i++) {
        s->slots[i].buf = malloc(OUTBUF);
        if (!s->slots[i].buf)
            return; /* fall back to one thread */
    }
    if (pthread_mutex_init(&s->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&s->cv, NULL) != 0) {
        pthread_mutex_destroy(&s->mu);
        return;
    }
    if (pthread_create(&s->th, NULL, producer, s) != 0) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        return;
    }
    s->threaded = 1;
}

ssize_t
stream_read(struct layer_stream *s, const void **p)
{
    ssize_t n;

    if (s->failed)
        return -1;
    if (s->out_eof)
        return 0;
    n = s->threaded ? pipeline_read(s, p) : decode(s, s->out, p);
    if (n < 0) {
        if (!s->threaded)
            fail(s, "%s", s->dec_err);
        return -1;
    }
    if (n == 0) {
        s->out_eof = 1;
        return 0;
    }
    if (!s->same_hash)
        digest_update(&s->ddiff, *p, (size_t)n);
    s->out_total += (uint64_t)n;
    if (check_limits(s)) {
        pipeline_stop(s);
        return -1;
    }
    return n;
}

int
stream_finish(struct layer_stream *s)
{
    const void *p;
    ssize_t n;

    while ((n = stream_read(s, &p)) > 0)
        ;
    pipeline_stop(s);
    if (n < 0)
        return -1;
    if (s->hash_blob) {
        digest_final(&s->dblob, s->digest);
        s->hash_blob = 0;
    }
    if (s->same_hash)
        memcpy(s->diff_id, s->digest, sizeof(s->diff_id));
    else
        digest_final(&s->ddiff, s->diff_id);
    if (s->expect_digest && strcmp(s->digest, s->expect_digest) != 0) {
        fail(s, "blob digest mismatch: expected %s, content has %s", s->expect_digest,
             s->digest);
        return -1;
    }
    if (s->expect_diff && strcmp(s->diff_id, s->expect_diff) != 0) {
        fail(s, "diff_id mismatch: the config says %s, the uncompressed layer has %s",
             s->expect_diff, s->diff_id);
        return -1;
    }
    return 0;
}

const char *
stream_digest(const struct layer_stream *s)
{
    return s->digest;
}

const char *
stream_diff_id(const struct layer_stream *s)
{
    return s->diff_id;
}

const char *
stream_compression(const struct layer_stream *s)
{
    return s->comp == COMP_GZIP ? "gzip" : s->comp == COMP_ZSTD ? "zstd" : "none";
}

uint64_t
stream_in_bytes(const struct layer_stream *s)
{
    return s->in_total;
}

uint64_t
stream_out_bytes(const struct layer_stream *s)
{
    return s->out_total;
}

void
stream_close(struct layer_stream *s)
{
    if (!s)
        return;
    pipeline_stop(s);
    for (unsigned i = 0; i < NSLOT; i++)
        free(s->slots[i].buf);
    if (s->blob)
        s->blob->close(s->blob);
    digest_free(&s->dblob);
    digest_free(&s->ddiff);
    free(s->gz);
    if (s->zs)
        ZSTD_freeDStream(s->zs);
    free(s->in);
    free(s->out);
    free(s);
}

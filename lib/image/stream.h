/*
 * stream.h - one layer blob as a stream of uncompressed tar bytes.
 *
 * Reading pulls stored bytes from the blob, hashes them (blob digest),
 * inflates them (ISA-L for gzip, libzstd for zstd, or passes them through)
 * and hashes the output (diff_id), all in one pass over each byte. Limits on
 * total size and compression ratio stop decompression bombs.
 * stream_finish() drains whatever the tar reader left unread (end-of-archive
 * padding) so that both digests cover every byte, then compares them.
 */
#ifndef MOAT_IMAGE_STREAM_H
#define MOAT_IMAGE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image.h"

struct layer_stream;

/* Takes ownership of blob. expect_digest / expect_diff_id may be NULL (not
 * verified). declared: compression named by the media type, or COMP_SNIFF.
 * pipeline: inflate compressed blobs of at least 1 MiB (size_hint, or -1
 * when unknown: then the first read decides) in a second thread, so that
 * reading+inflating and hashing+tar parsing overlap on two cores. */
int stream_open(struct blob *blob, enum compression declared, const char *expect_digest,
                const char *expect_diff_id, const struct moat_limits *lim, int pipeline,
                int64_t size_hint, struct layer_stream **out);
/* Next block of uncompressed bytes (valid until the next call). Returns the
 * size, 0 at the end, or -1 with stream_error() set. */
ssize_t stream_read(struct layer_stream *s, const void **p);
/* Drains, finalises and verifies both digests. 0 or -1 (stream_error()). */
int stream_finish(struct layer_stream *s);
const char *stream_error(const struct layer_stream *s);
int stream_failed(const struct layer_stream *s);
/* After a successful open: a note when the declared compression differs
 * from the content (decoded by content, as Docker does), else "". */
const char *stream_note(const struct layer_stream *s);
const char *stream_digest(const struct layer_stream *s);   /* after finish */
const char *stream_diff_id(const struct layer_stream *s);  /* after finish */
const char *stream_compression(const struct layer_stream *s);
uint64_t stream_in_bytes(const struct layer_stream *s);
uint64_t stream_out_bytes(const struct layer_stream *s);
void stream_close(struct layer_stream *s);  /* NULL-safe; closes the blob */

#endif

/*
 * fuzz_common.h - one-line harnesses: feed the input to one analyzer as a
 * file at a path it wants, through the real dispatcher, in small chunks
 * (so chunk-boundary handling is fuzzed too). Inputs are capped at 4 MiB.
 */
#ifndef MOAT_FUZZ_COMMON_H
#define MOAT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "feed.h"

#define FUZZ_MAX_INPUT (4u << 20)

static inline int
fuzz_analyzer(const struct analyzer *an, const char *path, const uint8_t *data, size_t size)
{
    struct feed f;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    feed_init(&f, 0);
    f.chunk = size > 64 ? (size_t)(data[0] % 61) + 3 : 0;
    feed_file(&f, an, path, data, size, 0755);
    feed_free(&f);
    return 0;
}

#endif

/*
 * fuzz_classifiers.c - the unmanaged-software analyzer: the classifier
 * matcher and its version parsing (the input, behind an ELF magic, under
 * file names that open each family's name gate), the Java release file and
 * pip's RECORD parser, all through the real dispatcher in small chunks. The
 * pattern database is compiled once (init) and shared by every input, as
 * the workers of a scan share it.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

extern const struct analyzer analyzer_unmanaged;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *shared;

static void
one(const char *path, const uint8_t *data, size_t size, size_t chunk)
{
    struct feed f;

    feed_init(&f, 0);
    f.chunk = chunk;
    /* the shared state is this harness's, not the feed's: no init or fini */
    f.inited = &analyzer_unmanaged;
    f.state = shared;
    feed_file(&f, &analyzer_unmanaged, path, data, size, 0755);
    f.inited = NULL;
    feed_free(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {
        "usr/lib/libcrypto.so.3", "usr/local/bin/python3.11", "usr/local/lib/libzstd.so.1",
        "usr/local/lib/liblzma.so.5", "opt/app/server",
    };
    uint8_t *elf;
    size_t i, chunk;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    if (!shared) {
        struct moat_options o;
        char err[256];
        moat_options_init(&o);
        if (analyzer_unmanaged.init(&o, NULL, &shared, err, sizeof(err)) != 0 || !shared)
            abort(); /* the patterns must compile */
    }
    chunk = size > 64 ? (size_t)(data[0] % 61) + 3 : 0;
    elf = malloc(size + 4);
    if (!elf)
        return 0;
    memcpy(elf, "\x7f" "ELF", 4);
    if (size)
        memcpy(elf + 4, data, size);
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        one(names[i], elf, size + 4, i == 0 ? 0 : chunk);
    free(elf);
    one("opt/java/openjdk/release", data, size, chunk);
    one("usr/lib/python3/site-packages/x-1.0.dist-info/RECORD", data, size, chunk);
    return 0;
}

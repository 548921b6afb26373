/* fuzz_gobinary.c - the Go build-info search and module-info parser. The
 * input is scanned as it is and behind an ELF magic (so inputs need not
 * find the magic themselves), in small chunks either way. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

extern const struct analyzer analyzer_gobinary;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf;

    fuzz_analyzer(&analyzer_gobinary, "usr/local/bin/app", data, size);
    if (size > FUZZ_MAX_INPUT - 16)
        return 0;
    buf = malloc(size + 16);
    if (!buf)
        return 0;
    memset(buf, 0, 16);
    memcpy(buf, "\x7f" "ELF", 4);
    memcpy(buf + 16, data, size);
    fuzz_analyzer(&analyzer_gobinary, "usr/local/bin/app", buf, size + 16);
    free(buf);
    return 0;
}

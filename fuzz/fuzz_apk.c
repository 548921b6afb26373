/* fuzz_apk.c - the Alpine apk installed-database parser. */
#include "fuzz_common.h"

extern const struct analyzer analyzer_apk;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_analyzer(&analyzer_apk, "lib/apk/db/installed", data, size);
    return 0;
}

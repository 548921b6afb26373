/* fuzz_dpkg.c - the dpkg status / status.d / file-list parsers. */
#include "fuzz_common.h"

extern const struct analyzer analyzer_dpkg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_analyzer(&analyzer_dpkg, "var/lib/dpkg/status", data, size);
    fuzz_analyzer(&analyzer_dpkg, "var/lib/dpkg/info/libc6:amd64.list", data, size);
    fuzz_analyzer(&analyzer_dpkg, "usr/share/doc/bash/copyright", data, size);
    return 0;
}

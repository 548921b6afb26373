/* fuzz_cargo.c - the ELF section walk (header, section table, names) and
 * the cargo-auditable .dep-v0 inflate and JSON reader. */
#include "fuzz_common.h"

extern const struct analyzer analyzer_cargo;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_analyzer(&analyzer_cargo, "usr/local/bin/app", data, size);
    return 0;
}

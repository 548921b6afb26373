/* fuzz_java.c - the Java archive reader: libarchive's streaming zip reader
 * over the chunked content, nested archives, pom.properties and manifest
 * parsing, the limits. */
#include "fuzz_common.h"

extern const struct analyzer analyzer_java;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_analyzer(&analyzer_java, "app/app-1.0.war", data, size);
    return 0;
}

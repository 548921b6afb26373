/*
 * fuzz_cvss.c - the CVSS vector parser and scorer (lib/advisory/cvss.c).
 *
 * Inputs are vectors as found in advisories. Besides memory errors (ASan)
 * and undefined behaviour (UBSan), the harness checks the parser's
 * contract and traps on a violation: scores within 0.0-10.0 with the
 * matching rating, error offsets inside the input, the same answer for the
 * same bytes, and nothing read past the given length (the copy handed to
 * cvss_parse() has no terminator and is exactly `size` bytes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advisory/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

static void
check(const char *s, size_t size)
{
    struct cvss_score a, b;
    int rc = cvss_parse(s, size, &a);

    CHECK(cvss_parse(s, size, &b) == rc);
    CHECK(cvss_strerror(rc) != NULL);
    if (rc != 0) {
        CHECK(rc < 0 && rc >= -CVSS_ETOOLONG);
        CHECK(a.error_at <= size);
        CHECK((rc == -CVSS_EMISSING) == (a.missing != NULL));
        return;
    }
    CHECK(a.version == CVSS_V3_0 || a.version == CVSS_V3_1 || a.version == CVSS_V4_0);
    CHECK(a.base >= 0 && a.base <= 100);
    CHECK(a.vector_score >= 0 && a.vector_score <= 100);
    CHECK(a.severity == cvss_severity_of(a.base));
    CHECK(a.vector_severity == cvss_severity_of(a.vector_score));
    CHECK(a.base == b.base && a.vector_score == b.vector_score);
    CHECK(a.nomenclature >= CVSS_B && a.nomenclature <= CVSS_BTE);
    if (a.version != CVSS_V4_0)
        CHECK(a.vector_score == a.base && a.nomenclature == CVSS_B);
    if (a.nomenclature == CVSS_B)
        CHECK(a.vector_score == a.base);
    CHECK(cvss_severity_name(a.severity) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy;

    /* Far beyond the length limit only the length check runs; keep inputs
     * small so the fuzzer spends its time on the grammar. */
    if (size > 4096)
        return 0;
    copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    check(copy, size);
    free(copy);
    return 0;
}

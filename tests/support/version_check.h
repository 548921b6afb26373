/*
 * version_check.h - the checks every comparator's unit test runs over its
 * table of version pairs and its ordered chain (tests/unit/test_version_*.c):
 * each comparison must hold both ways round and every version must equal
 * itself. cmocka assertions; for unit tests only.
 */
#ifndef MOAT_TEST_VERSION_CHECK_H
#define MOAT_TEST_VERSION_CHECK_H

#include "version/version.h"

#include <stddef.h>

struct vpair {
    const char *a, *b;
    int want; /* cmp(a, b): -1, 0 or 1 */
};

/* cmp(a, b) == want, cmp(b, a) == -want, cmp(a, a) == cmp(b, b) == 0. */
void vcheck_pairs(const struct version_scheme *vs, const struct vpair *p, size_t n);

/* chain[] is strictly ascending: every two of its versions compare by index. */
void vcheck_chain(const struct version_scheme *vs, const char *const *chain, size_t n);

#endif /* MOAT_TEST_VERSION_CHECK_H */

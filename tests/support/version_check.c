/*
 * version_check.c - shared checks of the comparator unit tests (see
 * version_check.h). A comparison that fails names both versions and what
 * was wanted, so one failing pair in a table of hundreds is easy to find.
 */
#include "version_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

static int
cmp(const struct version_scheme *vs, const char *a, const char *b)
{
    int c = 99;

    if (vs->cmp(a, b, &c) != 0)
        fail_msg("%s vs %s: not comparable", a, b);
    return c;
}

void
vcheck_pairs(const struct version_scheme *vs, const struct vpair *p, size_t n)
{
    size_t i;
    int got;

    for (i = 0; i < n; i++) {
        got = cmp(vs, p[i].a, p[i].b);
        if (got != p[i].want)
            fail_msg("%s vs %s: got %d, want %d", p[i].a, p[i].b, got, p[i].want);
        got = cmp(vs, p[i].b, p[i].a);
        if (got != -p[i].want)
            fail_msg("%s vs %s: got %d, want %d", p[i].b, p[i].a, got, -p[i].want);
        assert_int_equal(cmp(vs, p[i].a, p[i].a), 0);
        assert_int_equal(cmp(vs, p[i].b, p[i].b), 0);
    }
}

void
vcheck_chain(const struct version_scheme *vs, const char *const *chain, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            int want = i < j ? -1 : i > j ? 1 : 0;
            if (cmp(vs, chain[i], chain[j]) != want)
                fail_msg("%s vs %s: want %d", chain[i], chain[j], want);
        }
}

/*
 * test_version_maven.c - the Maven scheme: equal spellings (padding,
 * aliases, case, separators), the order ComparableVersion defines (each
 * row both ways and against itself, plus a sorted chain checked pair by
 * pair), that every string is valid, and hostile strings (100 KB, numbers
 * far beyond 64 bits, long runs of separators and zeros, control
 * characters). Expected results are maven-artifact 3.8.7's
 * ComparableVersion (Debian 12's maven), not this code's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"
#include "version_check.h"

extern const struct version_scheme version_maven;

static const struct version_scheme *const vs = &version_maven;

static const struct vpair pairs[] = {
    /* padding, trimming, case, aliases */
    {"1", "1.0", 0},
    {"1", "1.0.0", 0},
    {"1", "1-0", 0},
    {"1", "1.0-0.0", 0},
    {"1.0", "1.0-ga", 0},
    {"1.0", "1.0.final", 0},
    {"1.0", "1.0-RELEASE", 0},
    {"1.0", "1.0-", 0},
    {"1.0-rc1", "1.0-CR1", 0},
    {"1.0-rc1", "1.0rc1", 0},
    {"1.0-rc1", "1.0.rc1", 0},   /* ".rc1": a string before a digit opens a sub-list */
    {"1.0-rc1", "1.0.rc.1", -1}, /* ".rc.1": no sub-list, the 1 stays a number */
    {"1.0-alpha1", "1.0-a1", 0},
    {"1.0-beta1", "1.0-b1", 0},
    {"1.0-milestone1", "1.0-M1", 0},
    {"1.0-SNAPSHOT", "1.0-snapshot", 0},
    {"1.a", "1-a", 0},
    {"1.0.0.X1", "1.0.0-x-1", 0},
    {"01.002", "1.2", 0},
    {"", "0", 0},
    {".", "", 0},
    {"-", "0", 0},
    /* numbers by value, any length */
    {"1.0", "1.1", -1},
    {"1.9", "1.10", -1},
    {"1.0.0.1", "1", 1},
    {"2", "1.99999", 1},
    {"1.2147483648", "1.2147483647", 1},
    {"1.18446744073709551616", "1.18446744073709551615", 1},
    {"1.99999999999999999999999", "1.100000000000000000000000", -1},
    {"1.123456789", "1.1234567890", -1},
    /* qualifier order */
    {"1.0-alpha1", "1.0-beta1", -1},
    {"1.0-beta1", "1.0-milestone1", -1},
    {"1.0-milestone1", "1.0-rc1", -1},
    {"1.0-rc1", "1.0-SNAPSHOT", -1},
    {"1.0-SNAPSHOT", "1.0", -1},
    {"1.0", "1.0-sp1", -1},
    {"1.0-sp1", "1.0-foo", -1},
    {"1.0-foo", "1.0-1", -1},
    {"1.0-1", "1.0.1", -1},
    {"1.0-alpha", "1.0-a", -1}, /* "a" is alpha only before a digit */
    {"1.0-abc", "1.0-abd", -1},
    {"1.0-ABC", "1.0-abd", -1},
    {"1.0-xyz", "1.0-xyz1", -1},
    {"1.0-alpha10", "1.0-alpha9", 1},
    {"1.0-alpha-1", "1.0-alpha", 1},
    {"1.0-alpha.1", "1.0-alpha", 1},
    {"1.0-rc1", "1.0-rc", 1},
    {"1.0-sp", "1.0-sp1", -1},
    /* sub-lists */
    {"1-1", "1.1", -1},
    {"1-1", "1", 1},
    {"1-sp", "1-1", -1},
    {"1-snapshot", "1-0-snapshot", -1},
    {"1.0.0.X1", "1.0.0-X2", -1},
    {"1.0-x", "1.0.x", 0},
    {"2.0-beta-1", "2.0-beta1", 0},
    {"1.0.RC1", "1.0-RC2", -1},
    {"1.0-1-alpha", "1.0-1", -1},
    {"1.0-1-1", "1.0-1", 1},
    {"1.0-1.1", "1.0-1-1", 1},
    /* control characters and other bytes are letters */
    {"1.0\001", "1.0", 1},
    {"1.0-\177", "1.0-\001", 1},
};

static int
cmp(const char *a, const char *b)
{
    int c = 99;

    assert_int_equal(vs->cmp(a, b, &c), 0);
    return c;
}

static void
test_pairs(void **state)
{
    (void)state;
    vcheck_pairs(vs, pairs, sizeof(pairs) / sizeof(pairs[0]));
}

/* ComparableVersion accepts any string. */
static void
test_validity(void **state)
{
    static const char *const any[] = {
        "", " ", "a", "-", "..", "1 0", "\001", "\377\376", "@#$%", "1.0-", "v1.0", "...---...",
    };
    size_t i;

    (void)state;
    assert_ptr_equal(version_scheme_for("Maven"), vs);
    assert_ptr_equal(version_scheme_named("maven"), vs);
    for (i = 0; i < sizeof(any) / sizeof(any[0]); i++) {
        assert_true(vs->valid(any[i]));
        assert_int_equal(cmp(any[i], any[i]), 0);
    }
}

static void
test_chain(void **state)
{
    static const char *const chain[] = {
        "0.9",       "1-alpha",    "1-alpha1", "1-alpha2", "1-beta1",   "1-m1",  "1-rc",
        "1-rc1",     "1-SNAPSHOT", "1",        "1-sp",     "1-sp1",     "1-abc", "1-xyz",
        "1-1-alpha", "1-1",        "1-1-1",    "1-2",      "1.0.1-rc1", "1.0.1", "1.1",
        "1.1.0.1",   "2-SNAPSHOT", "2",        "10",
    };

    (void)state;
    vcheck_chain(vs, chain, sizeof(chain) / sizeof(chain[0]));
}

static void
test_hostile(void **state)
{
    size_t n = 100 * 1024, i;
    char *big = malloc(n + 1), *big2 = malloc(n + 1);

    (void)state;
    assert_non_null(big);
    assert_non_null(big2);

    /* 100 KB of '.', of '-', of "0.": all equal to "0" (empty) */
    memset(big, '.', n);
    big[n] = '\0';
    assert_int_equal(cmp(big, ""), 0);
    memset(big, '-', n);
    assert_int_equal(cmp(big, "0"), 0);
    for (i = 0; i < n; i += 2) {
        big[i] = '0';
        big[i + 1] = i % 4 ? '.' : '-';
    }
    assert_int_equal(cmp(big, "0"), 0);
    /* ... and a 1 at the very end decides, deep in the nested lists */
    big[n - 1] = '1';
    assert_int_equal(cmp(big, "0"), 1);
    big[n - 1] = 'a';
    assert_int_equal(cmp(big, "0"), 1); /* unknown qualifier > release */
    big[n - 1] = '0';

    /* 100 KB numbers */
    memset(big, '9', n);
    memcpy(big2, big, n + 1);
    big2[n - 1] = '8';
    assert_int_equal(cmp(big, big2), 1);
    big2[0] = '0';
    big2[n - 1] = '9';
    assert_int_equal(cmp(big, big2), 1);

    /* 100 KB of alternating letters and digits: 50,000 nested lists */
    for (i = 0; i < n; i++)
        big[i] = i % 2 ? '1' : 'a';
    memcpy(big2, big, n + 1);
    assert_int_equal(cmp(big, big2), 0);
    big2[n - 1] = '2';
    assert_int_equal(cmp(big, big2), -1);
    free(big);
    free(big2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

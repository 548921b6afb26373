/*
 * test_version_nuget.c - the NuGet version scheme (lib/version/nuget.c).
 * No NuGet implementation is packaged for Debian or npm, so the expected
 * values are written from NuGet's rules: docs.microsoft.com "Package
 * versioning" (normalisation, SemVer 2.0 pre-release labels compared
 * case-insensitively, metadata ignored) and the behaviour NuGet.Client's
 * own tests pin down for NuGetVersion.TryParse (1-4 parts, whitespace
 * around parts, leading zeros, int32 limits) and VersionComparer.Default
 * (int.TryParse on labels).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

static const struct version_scheme *nuget;

static int
cmp(const char *a, const char *b)
{
    int c = 99;

    if (nuget->cmp(a, b, &c) != 0)
        return 99; /* invalid */
    return c;
}

static void
test_valid(void **state)
{
    static const char *const good[] = {
        "1", "1.0", "1.0.0", "1.0.0.0", "2.3-alpha", "3.4.0.3-RC-3", "1.0.0-beta.x.y.5.79.0+aa",
        "01.42.0", "1.022", "1.0.0009.01-1.1+A", "   1.022-Beta", "23.2.3-Alpha  ",
        "   19.   19", "19   .19   ", "   19   .   19   .   19   .   19   ",
        "2147483647.1.1.1", "1.1.1.2147483647", "0000000000002147483647.0",
        "1.0.0-0", "1.0.0--", "1.0.0--1", "1.0.0+01", "1.0+A", "1.0-1.1+B.B",
        "\xc2\xa0" "1.0\xe3\x80\x80", "1.0 -beta", "1.2.3-X.yZ.3.234.243.3242342+METADATA",
    };
    static const char *const bad[] = {
        "", "         ", "1beta", "1.2Av^c", "1.2..", "1.2.3.4.5", "1.2.3.Beta", "So.is.this",
        "1.34.2Alpha", "1.34.2Release Candidate", "1.4.7-", "1.4.7-*", "1.4.7+*",
        "1.4.7-AA.01^", "1.4.7-A^A", "1.4.7+AA.01^", "1.2147483648", "1.1.1.2147483648",
        "10000000000000000000", "1..2", "....", "..1", "-1.1.1.1", "1.-1.1.1", "1.",
        "1.1.1.", "1     1.1.1.1", "1. .1.1", "1.1.1 .", "   1 9", "19   .1 9   ",
        "1.0.0-01", "1.0.0-a..b", "1.0.0+a..b", "1.0.0-beta+", "1.0+a+b", "1.0-+a",
        "v1.0.0", "1.0.0-a_b", "-beta", "+meta", ".1", "1.0.0-\xc3\xa9", "1.0.0\x01",
    };
    size_t i;

    (void)state;
    assert_ptr_equal(version_scheme_for("NuGet"), nuget);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!nuget->valid(good[i]))
            fail_msg("should be valid: \"%s\"", good[i]);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (nuget->valid(bad[i]))
            fail_msg("should be invalid: \"%s\"", bad[i]);
}

static void
test_order(void **state)
{
    /* each strictly below the next */
    static const char *const chain[] = {
        "0.0.0-0", "0.0.0", "1.0", "1.0.1", "1.01.0-RC-1", "1.01", "1.2-preview", "1.4.5.6",
        "1.4.5.60", "1.10-beta", "1.10.0-rc-2", "1.23", "1.45.6", "1.231", "2.0.0--5",
        "2.0.0--1", "2.0.0-0", "2.0.0-2", "2.0.0-10", "2.0.0-2147483647", "2.0.0--a",
        "2.0.0-10a", "2.0.0-2147483648", "2.0.0-a", "2.0.0-alpha", "2.0.0-alpha.1",
        "2.0.0-alpha.beta", "2.0.0-B", "2.0.0-beta.2", "2.0.0-beta.11", "2.0.0-RC.1",
        "2.0.0", "2.0.0.1-beta", "2.0.0.1", "2147483647.0",
    };
    static const struct {
        const char *a, *b;
        int c;
    } pairs[] = {
        {"1.0", "1.0.0.0"},
        {"1", "1.0.0"},
        {"1.23.01", "1.23.1"},
        {"1.45.6", "1.45.6.0"},
        {"1.6.2-BeTa", "1.6.02-beta"},
        {"22.3.07     ", "22.3.07"},
        {"1.0", "1.0.0.0+beta"},
        {"1.0.0.0+beta.2", "1.0.0.0+beta.1"},
        {"1.0.0-0", "1.0.0--0"},
        {"1.0.0-A.b", "1.0.0-a.B"},
        {"   19   .   19", "19.19.0.0"},
    };
    size_t i;

    (void)state;
    for (i = 0; i + 1 < sizeof(chain) / sizeof(chain[0]); i++) {
        if (cmp(chain[i], chain[i + 1]) != -1)
            fail_msg("cmp(\"%s\", \"%s\") = %d, want -1", chain[i], chain[i + 1],
                     cmp(chain[i], chain[i + 1]));
        assert_int_equal(cmp(chain[i + 1], chain[i]), 1);
        assert_int_equal(cmp(chain[i], chain[i]), 0);
    }
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        if (cmp(pairs[i].a, pairs[i].b) != 0)
            fail_msg("cmp(\"%s\", \"%s\") = %d, want 0", pairs[i].a, pairs[i].b,
                     cmp(pairs[i].a, pairs[i].b));
        assert_int_equal(cmp(pairs[i].b, pairs[i].a), 0);
    }
    assert_int_equal(cmp("1.0", "x"), 99);
}

/* 100 KB inputs: long labels compare in linear time; a long run of
 * leading zeros is still a small number; a long number is refused. */
static void
test_hostile(void **state)
{
    size_t n = 100 * 1024;
    char *a = malloc(n + 16), *b = malloc(n + 16);

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    memset(a, '0', n);
    memcpy(a + n, "7.1", 4);
    assert_true(nuget->valid(a));
    assert_int_equal(cmp(a, "7.1"), 0);
    memset(a, '1', n);
    a[n] = '\0';
    assert_false(nuget->valid(a));
    memcpy(b, "1.0-", 4);
    memset(b + 4, 'Z', n);
    b[n + 4] = '\0';
    assert_true(nuget->valid(b));
    assert_int_equal(cmp(b, "1.0-zz"), 1);
    assert_int_equal(cmp(b, "1.0"), -1);
    memset(b + 4, ' ', n);
    assert_false(nuget->valid(b));
    free(a);
    free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_hostile),
    };

    nuget = version_scheme_named("nuget");
    if (!nuget)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_version_cargo.c - the crates.io version scheme (lib/version/
 * cargo.c): the Rust semver crate's Version::parse and Ord, including u64
 * limits and the build metadata tie-break, and hostile input. Expected
 * values are what semver 1.0.14 (librust-semver-dev) answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

static const struct version_scheme *cargo;

static int
cmp(const char *a, const char *b)
{
    int c = 99;

    if (cargo->cmp(a, b, &c) != 0)
        return 99; /* invalid */
    return c;
}

static void
test_valid(void **state)
{
    static const char *const good[] = {
        "0.0.0", "1.2.3", "1.2.3-alpha.1", "1.2.3-0", "1.2.3+build.001", "1.2.3-rc.1+b",
        "18446744073709551615.18446744073709551615.18446744073709551615", "1.2.3--",
        "1.2.3-99999999999999999999999999", "1.2.3+00", "1.2.3-0a",
    };
    static const char *const bad[] = {
        "", "1", "1.2", "v1.2.3", "=1.2.3", " 1.2.3", "1.2.3 ", "1.2.3.4", "01.2.3",
        "1.02.3", "1.2.03", "00.1.1", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b",
        "1.2.3+a..b", "1.2.3-a.", "1.2.3+a.", "1.2.3-a_b", "1.2.3+a+b",
        "18446744073709551616.0.0", "0.18446744073709551616.0", "0.0.99999999999999999999",
        "1.2.3\n", "1.2.3-\xc3\xa9", "1.2.3\x01", "x.y.z", "^1.2.3", "1.2.x",
    };
    size_t i;

    (void)state;
    assert_ptr_equal(version_scheme_for("crates.io"), cargo);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!cargo->valid(good[i]))
            fail_msg("should be valid: \"%s\"", good[i]);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (cargo->valid(bad[i]))
            fail_msg("should be invalid: \"%s\"", bad[i]);
}

static void
test_order(void **state)
{
    /* each strictly below the next; build metadata orders last */
    static const char *const chain[] = {
        "0.0.0-0", "0.0.0-0.0", "0.0.0-a", "0.0.0", "0.0.0+0", "0.0.0+00", "0.0.0+1",
        "0.0.0+01", "0.0.0+001", "0.0.0+2", "0.0.0+10", "0.0.0+A", "0.0.0+a", "0.0.0+a.0",
        "0.0.0+a.b", "0.0.1", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
        "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0-rc.1+build",
        "1.0.0", "1.0.0+build", "1.1.0", "1.10.0", "18446744073709551615.0.0",
    };
    static const struct {
        const char *a, *b;
        int c;
    } pairs[] = {
        {"1.2.3", "1.2.3", 0},
        {"1.2.3+a", "1.2.3+a", 0},
        {"1.2.3-99999999999999999999", "1.2.3-100000000000000000000", -1},
        {"1.2.3-1", "1.2.3--", -1},
        {"1.2.3+0.a", "1.2.3+a", -1},
        {"1.2.3+a", "1.2.3+a-b", -1},
        {"1.2.3", "v1.2.3", 99},
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
        if (cmp(pairs[i].a, pairs[i].b) != pairs[i].c)
            fail_msg("cmp(\"%s\", \"%s\") = %d, want %d", pairs[i].a, pairs[i].b,
                     cmp(pairs[i].a, pairs[i].b), pairs[i].c);
        if (pairs[i].c != 99)
            assert_int_equal(cmp(pairs[i].b, pairs[i].a), -pairs[i].c);
    }
}

/* 100 KB pre-release and build strings (the crate has no length limit);
 * huge numeric identifiers compare as digit strings. */
static void
test_hostile(void **state)
{
    size_t n = 100 * 1024;
    char *a = malloc(n + 16), *b = malloc(n + 16);

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    memcpy(a, "1.0.0-", 6);
    memset(a + 6, '7', n);
    a[n + 6] = '\0';
    memcpy(b, a, n + 7);
    b[n + 5] = '8';
    assert_true(cargo->valid(a));
    assert_int_equal(cmp(a, b), -1);
    assert_int_equal(cmp(a, "1.0.0-8"), 1);
    a[6] = '0'; /* leading zero in a numeric pre-release identifier */
    assert_false(cargo->valid(a));
    memcpy(b, "1.0.0+", 6);
    memset(b + 6, '0', n);
    b[n + 6] = '\0';
    assert_true(cargo->valid(b));
    assert_int_equal(cmp(b, "1.0.0+0"), 1);
    assert_int_equal(cmp(b, "1.0.0+1"), -1);
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

    cargo = version_scheme_named("cargo");
    if (!cargo)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

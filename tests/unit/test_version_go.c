/*
 * test_version_go.c - the Go module version scheme (lib/version/go.c):
 * golang.org/x/mod/semver's validity and order (shorthands, pseudo-
 * versions, +incompatible), the "v"-less spelling OSV uses, and hostile
 * input. Expected values are what x/mod/semver answers for the "v" form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

static const struct version_scheme *go;

static int
cmp(const char *a, const char *b)
{
    int c = 99;

    if (go->cmp(a, b, &c) != 0)
        return 99; /* invalid */
    return c;
}

static void
test_valid(void **state)
{
    static const char *const good[] = {
        "v1.2.3", "1.2.3", "v0.0.0", "0", "v1", "v1.2", "1.2", "v1.2.3-pre", "v1.2.3-pre.1",
        "v1.2.3+build", "v1.2.3-0.20210101000000-abcdef123456",
        "v0.0.0-20210101000000-abcdef123456", "v2.0.0+incompatible",
        "v2.1.1-0.20170519163204-f913f5f9c7c6+incompatible", "v1.2.3--", "v1.2.3-0a",
        "v18446744073709551616.99999999999999999999.1",
    };
    static const char *const bad[] = {
        "", "v", "vv1.2.3", "V1.2.3", "=1.2.3", " v1.2.3", "v1.2.3 ", "v01.2.3", "v1.02.3",
        "v1.2.03", "v1.2-pre", "v1-pre", "v1.2+build", "v1.2.3.4", "v1.2.3-", "v1.2.3+",
        "v1.2.3-01", "v1.2.3-a..b", "v1.2.3+a..b", "v1.2.3-a_b", "v1.2.3-a+b+c", "v1.",
        "v1.2.", "1..2", "v1.2.3-\xc3\xa9", "v1.2.3\n", "v1.2.3\x01", "x", "v-1.2.3",
    };
    size_t i;

    (void)state;
    assert_ptr_equal(version_scheme_for("Go"), go);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!go->valid(good[i]))
            fail_msg("should be valid: \"%s\"", good[i]);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (go->valid(bad[i]))
            fail_msg("should be invalid: \"%s\"", bad[i]);
}

static void
test_order(void **state)
{
    /* each strictly below the next */
    static const char *const chain[] = {
        "v0.0.0-20170101000000-aaaaaaaaaaaa", "v0.0.0-20210101000000-abcdef123456", "v0.0.0",
        "v0.0.1-0.20210101000000-abcdef123456", "v0.0.1", "v0.1.0", "v1.0.0-alpha",
        "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2",
        "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v1.2.3-pre.0.20210101000000-abcdef123456",
        "v1.2.3", "v1.2.4-0.20210101000000-abcdef123456", "v1.2.4", "v1.10.0",
        "v2.0.0-A", "v2.0.0-a", "v2.0.0+incompatible", "v18446744073709551615.0.0",
        "v18446744073709551616.0.0", "v99999999999999999999999999.0.0",
    };
    static const struct {
        const char *a, *b;
        int c;
    } pairs[] = {
        {"1.2.3", "v1.2.3", 0},
        {"v1", "v1.0.0", 0},
        {"1", "v1.0.0", 0},
        {"v1.2", "1.2.0", 0},
        {"0", "v0.0.0", 0},
        {"v2.0.0+incompatible", "v2.0.0", 0},
        {"v1.2.3+a", "v1.2.3+b", 0},
        {"v1.2.3-pre+a", "1.2.3-pre", 0},
        {"v1.2.3-9", "v1.2.3-10", -1},
        {"v1.2.3-99999999999999999999", "v1.2.3-100000000000000000000", -1},
        {"v1.2.3-1", "v1.2.3-a", -1},
        {"v1.2.3-a", "v1.2.3-a.0", -1},
        {"v1.2.3", "v1.2-pre", 99},
        {"vv1", "v1", 99},
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

/* 100 KB versions: x/mod/semver has no length limit and neither has moat;
 * a 100,000-digit major compares as a digit string, without overflow. */
static void
test_hostile(void **state)
{
    size_t n = 100 * 1024;
    char *a = malloc(n + 16), *b = malloc(n + 16);

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    a[0] = 'v';
    memset(a + 1, '9', n);
    memcpy(a + n, ".0.0", 5);
    memcpy(b, a, n + 5);
    b[n - 1] = '8';
    assert_true(go->valid(a));
    assert_int_equal(cmp(a, b), 1);
    assert_int_equal(cmp(b, a), -1);
    assert_int_equal(cmp(a, "v1.0.0"), 1);
    memcpy(b, "v1.2.3-", 7);
    memset(b + 7, 'z', n);
    b[n + 7 - 1] = '\0';
    assert_true(go->valid(b));
    assert_int_equal(cmp(b, "v1.2.3-zz"), 1);
    assert_int_equal(cmp(b, "v1.2.3"), -1);
    b[n / 2] = '.';
    b[n / 2 + 1] = '.';
    assert_false(go->valid(b));
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

    go = version_scheme_named("go");
    if (!go)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

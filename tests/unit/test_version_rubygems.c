/*
 * test_version_rubygems.c - the RubyGems scheme: equal spellings, the order
 * Gem::Version defines (each row both ways and against itself, plus a
 * sorted chain checked pair by pair), what Gem::Version.correct? rejects,
 * and hostile strings (100 KB, numbers far beyond 64 bits, long zero runs,
 * control characters). Expected results are RubyGems 3.3's (Debian 12's
 * ruby), not this code's.
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

extern const struct version_scheme version_rubygems;

static const struct version_scheme *const vs = &version_rubygems;

static const struct vpair pairs[] = {
    /* equal: trailing zeros, leading zeros, '-' as ".pre.", whitespace */
    {"1.0", "1", 0},
    {"1.0.0.0", "1", 0},
    {"01.002", "1.2", 0},
    {"1.0.a", "1.a", 0}, /* zeros before the first string are dropped */
    {"1.a.0", "1.a", 0}, /* and trailing ones */
    {"1.0-1", "1.pre.1", 0},
    {"1.0-beta", "1.0.pre.beta", 0},
    {"1.0b1", "1.0.b.1", 0},
    {"1.a1", "1.a.1", 0},
    {" 1.0\n", "1.0", 0},
    {"\v\f1.0\r", "1", 0},
    {"", "0", 0},
    {" ", "0", 0},
    {"0", "0.0.0", 0},
    /* numbers */
    {"1.0", "1.1", -1},
    {"1.9", "1.10", -1},
    {"1.0.0.1", "1", 1},
    {"2", "1.99999", 1},
    {"1.18446744073709551616", "1.18446744073709551615", 1},
    {"1.99999999999999999999999", "1.100000000000000000000000", -1},
    /* pre-releases: strings sort before numbers and before "nothing" */
    {"1.0.a", "1.0", -1},
    {"1.0.a", "0.9", 1},
    {"1.0.rc1", "1.0", -1},
    {"1.0-1", "1.0", -1}, /* 1.0-1 is 1.0.pre.1, a pre-release */
    {"1.0.a", "1.0.b", -1},
    {"1.0.B", "1.0.a", -1}, /* bytewise: capitals first */
    {"1.0.a", "1.0.aa", -1},
    {"1.0.a.1", "1.0.a.2", -1},
    {"1.0.a.1", "1.0.a", 1},
    {"1.0.a.0.b", "1.0.a", -1},
    {"1.0.a.0.1", "1.0.a", 1},
    {"1.0.alpha", "1.0.beta", -1},
    {"1.0.pre", "1.0.rc", -1},
    {"1.0.a10", "1.0.a9", 1},
    {"1.0.0.a", "1.0.1.a", -1},
    {"1.0.0a", "1.0a", 0},
    {"1.1.a", "1.0", 1},
    {"1.0--", "1.0.pre.pre", 0},
    {"1.0-a-b", "1.0.pre.a.pre.b", 0},
};

static const char *const valid[] = {
    "0",     "1", "1.0", "1.a", "1.0.0.rc1", "1.0-1", "1.0-a.b", "1.0-a-b", "1.0--",     "1.0-a.-",
    " 1.0 ", "",  "  ",  "\t",  "1.A.z9",    "1.0\n", "01",      "1.0a",    "1.0-x.y.z",
};

static const char *const invalid[] = {
    "a",           "a1",   ".1",       "1.",    "1..0",  "1.0-",    "1.0-.a",  "1.0-a.", "1 0",
    "1_0",         "1.0+", "v1.0",     "-1",    "1.0.-", "1,0",     "1.0\001", "\0011",  "1.0\034",
    "1.0\303\251", "1a",   "1.0-a..b", "1.0 a", "1.0a_", "1.0-a_b", "1.0.a-",  "1.0@",
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

static void
test_validity(void **state)
{
    size_t i;
    int c = 42;

    (void)state;
    assert_ptr_equal(version_scheme_for("RubyGems"), vs);
    assert_ptr_equal(version_scheme_named("rubygems"), vs);
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        if (!vs->valid(valid[i]))
            fail_msg("should be valid: '%s'", valid[i]);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        if (vs->valid(invalid[i]))
            fail_msg("should be invalid: '%s'", invalid[i]);
        assert_int_equal(vs->cmp(invalid[i], "1.0", &c), -1);
        assert_int_equal(vs->cmp("1.0", invalid[i], &c), -1);
        assert_int_equal(c, 42);
    }
}

static void
test_chain(void **state)
{
    static const char *const chain[] = {
        "0",         "0.1",     "0.9.9", "1.0.A",     "1.0.a.0.b", "1.0.a",
        "1.0.a.0.1", "1.0.a.1", "1.0.b", "1.0.pre.1", "1.0.rc",    "1",
        "1.0.0.1",   "1.1.a",   "1.1",   "10",        "10.0.1",
    };

    (void)state;
    vcheck_chain(vs, chain, sizeof(chain) / sizeof(chain[0]));
}

static void
test_hostile(void **state)
{
    size_t n = 100 * 1024, i;
    char *zeros = malloc(n + 3), *big = malloc(n + 1), *big2 = malloc(n + 1);

    (void)state;
    assert_non_null(zeros);
    assert_non_null(big);
    assert_non_null(big2);

    /* "1.0.0.0....0" equals "1"; with ".a" at the end it is a
     * pre-release of 1; with ".1" it is above. Linear time either way. */
    zeros[0] = '1';
    for (i = 1; i + 1 < n; i += 2) {
        zeros[i] = '.';
        zeros[i + 1] = '0';
    }
    zeros[i] = '\0';
    assert_int_equal(cmp(zeros, "1"), 0);
    memcpy(zeros + i, ".a", 3);
    assert_int_equal(cmp(zeros, "1"), -1);
    assert_int_equal(cmp(zeros, "1.a"), 0);
    memcpy(zeros + i, ".1", 3);
    assert_int_equal(cmp(zeros, "1"), 1);
    assert_int_equal(cmp(zeros, "1.0.1"), -1);

    /* 100 KB numbers compare by value */
    memset(big, '9', n);
    big[n] = '\0';
    memcpy(big2, big, n + 1);
    big2[n - 1] = '8';
    assert_int_equal(cmp(big, big2), 1);
    big2[0] = '0';
    assert_int_equal(cmp(big, big2), 1);

    /* 100 KB of letters, of '-', of '.' */
    big[0] = '1';
    memset(big + 1, '-', n - 1);
    assert_true(vs->valid(big));
    assert_int_equal(cmp(big, "1"), -1);
    memset(big + 1, '.', n - 1);
    assert_false(vs->valid(big));
    memset(big, ' ', n);
    assert_true(vs->valid(big));
    assert_int_equal(cmp(big, "0"), 0);
    free(zeros);
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

/*
 * test_version_pep440.c - the PEP 440 scheme (PyPI): normalised spellings
 * that must compare equal, the order packaging defines (each row checked
 * both ways and against itself), what packaging.version.Version rejects,
 * and hostile strings (100 KB, numbers far beyond 64 bits, Python's 4300
 * digit int limit, control and Unicode characters). Expected results are
 * packaging 23.0's (python3-packaging on Debian 12), not this code's.
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

extern const struct version_scheme version_pep440;

static const struct version_scheme *const vs = &version_pep440;

static const struct vpair pairs[] = {
    /* spellings packaging normalises to the same version */
    {"1.0", "1.0.0", 0},
    {"1.0", "1", 0},
    {"v1.0", "1.0", 0},
    {"V1.0", "1.0", 0},
    {"0!1.0", "1.0", 0},
    {"01.02", "1.2", 0},
    {"1.0a1", "1.0alpha1", 0},
    {"1.0a1", "1.0.a.1", 0},
    {"1.0a1", "1.0-A-1", 0},
    {"1.0a1", "1.0_alpha_1", 0},
    {"1.0a", "1.0a0", 0},
    {"1.0b2", "1.0beta2", 0},
    {"1.0rc1", "1.0c1", 0},
    {"1.0rc1", "1.0pre1", 0},
    {"1.0rc1", "1.0preview1", 0},
    {"1.0rc1", "1.0.RC.1", 0},
    {"1.0.post1", "1.0-1", 0},
    {"1.0.post1", "1.0post1", 0},
    {"1.0.post1", "1.0-r1", 0},
    {"1.0.post1", "1.0.rev1", 0},
    {"1.0.post0", "1.0.post", 0},
    {"1.0.post0", "1.0-post", 0},
    {"1.0.post0", "1.0-0", 0},
    {"1.0.dev0", "1.0dev", 0},
    {"1.0.dev0", "1.0-DEV", 0},
    {"1.0.dev1", "1.0_dev_1", 0},
    {"1.0+abc.5", "1.0+ABC-5", 0},
    {"1.0+abc.5", "1.0+abc_05", 0},
    {" 1.0\t", "1.0", 0},
    {"\n1.0\r\f\v", "1.0", 0},
    {"\0341.0\037", "1.0", 0},             /* str.isspace() */
    {"\302\2401.0\343\200\200", "1.0", 0}, /* U+00A0, U+3000 */
    {"1.0po\305\277t1", "1.0po\305\277t1", 0},
    {"1.0+\342\204\252", "1.0+k", 0}, /* KELVIN SIGN lower-cases to k */
    /* release: numbers by value, trailing zeros ignored */
    {"1.0", "1.1", -1},
    {"1.9", "1.10", -1},
    {"1.0.0.0.1", "1", 1},
    {"2", "1.99999", 1},
    {"1.18446744073709551616", "1.18446744073709551615", 1},
    {"1.99999999999999999999999", "1.100000000000000000000000", -1},
    {"1.000000000000000000000000000001", "1.1", 0},
    /* epochs first */
    {"1!0.1", "2.0", 1},
    {"1!1.0", "2!0.1", -1},
    {"99999999999999999999!1", "99999999999999999998!2", 1},
    /* pre, post, dev */
    {"1.0.dev0", "1.0a0", -1},
    {"1.0a1", "1.0a2", -1},
    {"1.0a9", "1.0b1", -1},
    {"1.0b1", "1.0rc1", -1},
    {"1.0rc1", "1.0", -1},
    {"1.0", "1.0.post0", -1},
    {"1.0.post1", "1.0.post2", -1},
    {"1.0.post1", "1.0.1", -1},
    {"1.0a1.dev1", "1.0a1", -1},
    {"1.0a1.post1", "1.0a1", 1},
    {"1.0a1.post1", "1.0a2.dev0", -1},
    {"1.0.post1.dev1", "1.0.post1", -1},
    {"1.0.post1.dev1", "1.0", 1},
    {"1.0.dev1", "1.0.dev2", -1},
    {"1.0.dev99", "1.0rc1.dev0", -1},
    {"1.1.dev1", "1.0.post99", 1},
    /* local versions sort after their public version */
    {"1.0", "1.0+0", -1},
    {"1.0+1", "1.0+a", 1},
    {"1.0+a", "1.0+b", -1},
    {"1.0+a", "1.0+a.0", -1},
    {"1.0+1.2", "1.0+1.10", -1},
    {"1.0+abc", "1.0+abd", -1},
    {"1.0+Z", "1.0+a", 1},
    {"1.0+1", "1.0.post1", -1},
    {"1.0+ubuntu1", "1.0+ubuntu1.1", -1},
    /* packaging keeps the lower-cased non-ASCII spelling in its key */
    {"1.0prev\304\261ew1", "1.0rc1", -1},             /* "prevıew" < "rc" */
    {"1.0prev\304\261ew1", "1.0b9", 1},               /* "prevıew" > "b" */
    {"1.0prev\304\260ew1", "1.0prev\304\261ew1", -1}, /* "previ̇ew" < "prevıew" */
    {"1.0po\305\277t1", "1.0.post9", 1},              /* "poſt" > "post" */
    {"1.0+\304\260", "1.0+i", 1},                     /* "i\u0307" > "i" */
    {"1.0+\304\261", "1.0+z", 1},                     /* U+0131 > 'z' */
};

static const char *const valid[] = {
    "0",
    "1.0",
    "v1",
    "1!1",
    "1.0a",
    "1.0.post",
    "1.0.post.",
    "1.0a.",
    "1.0.dev.",
    "1.0-1",
    "1.0_dev",
    "1.0+a",
    "1.0+a.b-c_d",
    "1.0+0",
    "1.0a1.post2.dev3+abc.4",
    " 1.0 ",
    "\342\200\2501",
    "1.0+\305\277",
    "1.0prev\304\260ew",
};

static const char *const invalid[] = {
    "",
    " ",
    "a",
    "1.0.",
    ".1",
    "1..0",
    "1.0-",
    "1.0+",
    "1.0+a.",
    "1.0+.a",
    "1.0+a..b",
    "1!",
    "!1",
    "1!!1",
    "1.0a1b1",
    "1.0.post1.post2",
    "1.0dev1a1",
    "1 0",
    "1.0\001",
    "\0011",
    "1,0",
    "1.0-x",
    "1.0+a+b",
    "1.0_",
    "v",
    "vv1",
    "1.0e1",
    "1.0pos",
    "1.0rev.rev",
    "1.0\377",
    "\3031",
    "1.0\305\277a",
    "1.0-\342\204\252",
    "1.0+a b",
    "-1",
    "1.0+-a",
    "1.0\302\205x",
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
    assert_ptr_equal(version_scheme_for("PyPI"), vs);
    assert_ptr_equal(version_scheme_named("pep440"), vs);
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        if (!vs->valid(valid[i]))
            fail_msg("should be valid: '%s'", valid[i]);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        if (vs->valid(invalid[i]))
            fail_msg("should be invalid: '%s'", invalid[i]);
        assert_int_equal(vs->cmp(invalid[i], "1.0", &c), -1);
        assert_int_equal(vs->cmp("1.0", invalid[i], &c), -1);
        assert_int_equal(c, 42); /* untouched */
    }
}

/* A sorted chain: every earlier one is less than every later one. */
static void
test_chain(void **state)
{
    static const char *const chain[] = {
        "0.9",
        "1.0.dev0",
        "1.0a0.dev0",
        "1.0a0",
        "1.0a1.post0",
        "1.0a2",
        "1.0b1.dev5",
        "1.0b1",
        "1.0prev\304\260ew1",
        "1.0prev\304\261ew1",
        "1.0rc1.dev0",
        "1.0rc1",
        "1.0",
        "1.0+a",
        "1.0+a.1",
        "1.0+1",
        "1.0.post0.dev0",
        "1.0.post0",
        "1.0.post0+x",
        "1.0po\305\277t0",
        "1.0.1",
        "1.1.dev0",
        "2",
        "1!0",
    };

    (void)state;
    vcheck_chain(vs, chain, sizeof(chain) / sizeof(chain[0]));
}

/* 100 KB strings are compared in linear time and without allocation; a
 * number of more than 4300 digits is what Python's int() refuses. */
static void
test_hostile(void **state)
{
    size_t n = 100 * 1024, i;
    char *big = malloc(n + 1), *big2 = malloc(n + 1), *dots = malloc(n + 2);
    char digits[4400];

    (void)state;
    assert_non_null(big);
    assert_non_null(big2);
    assert_non_null(dots);
    /* 4300 digits is the most int() accepts, leading zeros included */
    memset(digits, '9', 4300);
    digits[4300] = '\0';
    assert_true(vs->valid(digits));
    digits[4300] = '9';
    digits[4301] = '\0';
    assert_false(vs->valid(digits));
    memset(digits, '0', 4301);
    assert_false(vs->valid(digits));
    memcpy(digits, "1.0+", 4);
    memset(digits + 4, '7', 4301);
    digits[4305] = '\0';
    assert_false(vs->valid(digits)); /* numeric local segment: int() */
    digits[4] = 'a';
    assert_true(vs->valid(digits)); /* alphanumeric: kept as a string */

    /* "1.0.0.0...." 100 KB long equals "1" */
    for (i = 0; i < n; i += 2) {
        dots[i] = i ? '0' : '1';
        dots[i + 1] = '.';
    }
    dots[n - 1] = '0';
    dots[n] = '\0';
    assert_int_equal(cmp(dots, "1"), 0);
    dots[n - 1] = '1';
    assert_int_equal(cmp(dots, "1"), 1);

    /* a 100 KB local version; 100 KB of separators is invalid */
    memcpy(big, "1+", 2);
    memset(big + 2, 'a', n - 2);
    big[n] = '\0';
    memcpy(big2, big, n + 1);
    big2[n - 1] = 'b';
    assert_int_equal(cmp(big, big2), -1);
    memset(big + 2, '.', n - 2);
    assert_false(vs->valid(big));
    memset(big, ' ', n);
    assert_false(vs->valid(big));
    memset(big, 'v', n);
    assert_false(vs->valid(big));
    free(big);
    free(big2);
    free(dots);
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

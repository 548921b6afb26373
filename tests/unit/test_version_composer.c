/*
 * test_version_composer.c - the Composer scheme (Packagist): spellings
 * VersionParser::normalize() makes equal, the order Comparator::compare()
 * gives on normalised versions (each row both ways and against itself,
 * plus a sorted chain checked pair by pair), branches, what normalize()
 * rejects, and hostile strings (100 KB, numbers beyond 64 bits, control
 * characters). Expected results are composer/semver 3.3.2's on PHP 8.2
 * (Debian 12's php-composer-semver), not this code's; where Composer has no
 * opinion (two different branches) the row says what moat decided.
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

extern const struct version_scheme version_composer;

static const struct version_scheme *const vs = &version_composer;

static const struct vpair pairs[] = {
    /* normalisation */
    {"1", "1.0.0.0", 0},
    {"1.0", "1.0.0", 0},
    {"v1.0.0", "1.0.0", 0},
    {"V1.0", "1", 0},
    {" 1.0\t", "1.0", 0},
    {"1.0 as 2.0", "1.0", 0},
    {"1.0@beta", "1.0", 0},
    {"1.0@RC", "1.0", 0},
    {"1.0+build.5", "1.0", 0},
    {"1.0-stable", "1.0", 0},
    {"1.0-stable-dev", "1.0", 0}, /* lower-case "stable" drops the rest */
    {"1.0.0-beta.1", "1.0.0-beta1", 0},
    {"1.0.0-b1", "1.0.0-BETA1", 0},
    {"1.0.0-a1", "1.0.0alpha1", 0},
    {"1.0.0-RC2", "1.0.0.rc2", 0},
    {"1.0.0-p1", "1.0.0-patch1", 0},
    {"1.0.0-pl1", "1.0.0_patch1", 0},
    {"1.0-dev", "1.0.DEV", 0},
    {"1.0-beta.1.2", "1.0-beta1-2", 0},
    {"01.02", "1.2", 0},
    {"2010.01.02", "2010.1.2.0", 0},    /* a 4-digit major is a classic version */
    {"2010-01-02", "2010.01.02.0", -1}, /* with '-' it is a date: 3 numbers */
    {"20100102", "20100102.0", -1},     /* a date: one number, shorter */
    {"1.x-dev", "1.9999999.9999999.9999999-dev", 0},
    {"1.2.*-dev", "1.2.x-dev", 0},
    {"master", "dev-master", 0},
    {"DEV-main", "dev-main", 0},
    /* numbers */
    {"1.0", "1.1", -1},
    {"1.9", "1.10", -1},
    {"1.0.0.1", "1", 1},
    {"2", "1.99999", 1},
    {"1.2147483648", "1.2147483647", 1},
    {"1.9223372036854775807", "1.9223372036854775806", 1},
    /* stability order: dev < alpha < beta < RC < stable < patch */
    {"1.0-dev", "1.0-alpha", -1},
    {"1.0-alpha", "1.0-alpha1", -1},
    {"1.0-alpha2", "1.0-alpha10", -1},
    {"1.0-alpha1", "1.0-beta1", -1},
    {"1.0-beta1", "1.0-RC1", -1},
    {"1.0-RC1", "1.0", -1},
    {"1.0", "1.0-patch1", -1},
    {"1.0-patch1", "1.0.1", -1},
    {"1.0-alpha1-dev", "1.0-alpha1", -1},
    {"1.0-RC1-dev", "1.0-beta2", 1},
    {"1.0.0.0-dev", "0.9", 1},
    {"1.0-STABLE", "1.0-dev", -1}, /* "stable" is unknown to version_compare */
    {"1.0-Stable1", "1.0-STABLE", 1},
    {"1.x-dev", "1.99999", 1},
    {"1.x-dev", "1.10000000", -1},
    {"1.x-dev", "2.0-dev", -1},
    /* dates */
    {"20100102", "2.0", 1},
    {"2010-01-02-1", "2010.01.02.1", 0},
    {"201001021", "20100102", 1},
    /* branches sort below every numbered version; between themselves by
     * name (Composer orders neither) */
    {"dev-main", "0.0.0.1-dev", -1},
    {"dev-main", "dev-main", 0},
    {"dev-feature", "dev-main", -1},
    {"dev-Main", "dev-main", -1},
};

static const char *const valid[] = {
    "1",
    "1.0.0.0",
    "v1",
    "99999",
    "1.0-beta",
    "1.0-b",
    "1.0b",
    "1.0-RC",
    "1.0-patch",
    "1.0p",
    "1.0.0-alpha1-dev",
    "1.0-dev",
    "1.0dev",
    "1.0_dev",
    "1.0--dev",
    "20100102",
    "2010-01-02-1",
    "123456",
    "1.x-dev",
    "v2.3.*-dev",
    "dev-",
    "dev-x y",
    "master",
    "trunk",
    "default",
    "1.0 as 2.0",
    "1.0@dev",
    "1.0+x+y",
    " 1.0 ",
    "1.0\n@dev",
    "1\n2-dev",
    "1 -dev",
    "1.0.",
    "1.0-",
};

static const char *const invalid[] = {
    "",
    " ",
    "a",
    "dev",
    "Master",
    "1.0.0.0.0",
    "1.0..",
    ".1",
    "1..0",
    "1.0-.",
    "1.0-foo",
    "1.0-beta-",
    "1.0+",
    "+1",
    "123456.0.0.0",
    "1.0,0",
    "1.0 0",
    "1.x",
    "1.x.x.x.x-dev",
    "x-dev",
    "1.0\001",
    "\303\2511",
    "1.0-rc.",
    "2010:01:02:",
    "1.0+a b",
    "1.0 as",
    "1.0@foo",
    "1.0-stable1x",
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
    assert_ptr_equal(version_scheme_for("Packagist"), vs);
    assert_ptr_equal(version_scheme_named("composer"), vs);
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
        "dev-a",       "dev-b",      "0.1",          "1.0-STABLE",   "1.0-dev",
        "1.0-alpha",   "1.0-alpha1", "1.0-alpha1.1", "1.0-beta-dev", "1.0-beta",
        "1.0-RC1-dev", "1.0-RC1",    "1.0",          "1.0-patch1",   "1.0.0.1",
        "1.10",        "1.x-dev",    "2.0",          "2010.01.02",   "20100102",
    };

    (void)state;
    vcheck_chain(vs, chain, sizeof(chain) / sizeof(chain[0]));
}

/* Composer reads numbers with strtol(), which saturates at 2^63-1 and
 * makes these equal; moat compares their values (documented difference). */
static void
test_huge_numbers(void **state)
{
    (void)state;
    assert_int_equal(cmp("1.99999999999999999999", "1.99999999999999999998"), 1);
    assert_int_equal(cmp("1.0-beta18446744073709551616", "1.0-beta18446744073709551615"), 1);
    assert_int_equal(cmp("1.0.0.000000000000000000000000001", "1.0.0.1"), 0);
}

static void
test_hostile(void **state)
{
    size_t n = 100 * 1024;
    char *big = malloc(n + 1), *big2 = malloc(n + 1);

    (void)state;
    assert_non_null(big);
    assert_non_null(big2);
    /* a 100 KB branch name */
    memcpy(big, "dev-", 4);
    memset(big + 4, 'x', n - 4);
    big[n] = '\0';
    memcpy(big2, big, n + 1);
    big2[n - 1] = 'y';
    assert_int_equal(cmp(big, big2), -1);
    /* a 100 KB minor version and stability number */
    memcpy(big, "1.", 2);
    memset(big + 2, '7', n - 2);
    memcpy(big2, big, n + 1);
    big2[n - 1] = '6';
    assert_int_equal(cmp(big, big2), 1);
    memcpy(big, "1.0-rc", 6);
    assert_int_equal(cmp(big, "1.0-RC8"), 1);
    /* 100 KB that is no version: digits with dashes, a long "x-dev" */
    memset(big, '-', n);
    assert_false(vs->valid(big));
    memset(big, '1', n);
    assert_false(vs->valid(big));
    memset(big, 'x', n - 4);
    memcpy(big + n - 4, "-dev", 4);
    assert_false(vs->valid(big));
    free(big);
    free(big2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs),   cmocka_unit_test(test_validity),
        cmocka_unit_test(test_chain),   cmocka_unit_test(test_huge_numbers),
        cmocka_unit_test(test_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

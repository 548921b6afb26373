/*
 * test_version_dpkg.c - the dpkg version scheme: equalities and orderings
 * (each row checked both ways and against itself), what dpkg rejects, and
 * hostile strings (100 KB, numbers far beyond 64 bits, control characters).
 * Expected results are dpkg 1.21's (dpkg --compare-versions and
 * dpkg --validate-version), not this code's.
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

extern const struct version_scheme version_dpkg;

static const struct version_scheme *const vs = &version_dpkg;

static const struct vpair pairs[] = {
    /* equal spellings */
    {"1.0", "1.0", 0},
    {"0:1.0", "1.0", 0},
    {"00001:1", "1:1", 0},
    {"+1:2", "1:2", 0},
    {"-0:2", "2", 0},
    {" 1.0\t", "1.0", 0},
    {"1.0", "1.0-0", 0},
    {"1.00", "1.0", 0},
    {"1.000000000000000000000000000001", "1.1", 0},
    /* the ~ rule */
    {"1.0~rc1", "1.0", -1},
    {"1.0~~", "1.0~~a", -1},
    {"1.0~~a", "1.0~", -1},
    {"1.0~", "1.0", -1},
    {"1.0", "1.0a", -1},
    {"1.0-1~", "1.0-1", -1},
    {"3.0.15-1~deb12u1", "3.0.15-1", -1},
    {"3.0.15-1~deb12u1", "3.0.11-1~deb12u2", 1},
    {"2.36-9+deb12u7", "2.36-9+deb12u10", -1},
    /* letters before other characters, ASCII order within */
    {"1.0a", "1.0+", -1},
    {"1.0a", "1.0.1", -1},
    {"1.0+", "1.0.", -1},
    {"1.0-A", "1.0-a", -1},
    {"1.0Z", "1.0a", -1},
    /* numbers by value */
    {"1.2-1", "1.10-1", -1},
    {"2.30-1", "2.3-1", 1},
    {"1.0-1", "1.0-1.1", -1},
    {"1.18446744073709551616", "1.18446744073709551615", 1},
    {"1.99999999999999999999999", "1.99999999999999999999998", 1},
    {"1.100000000000000000000", "1.99999999999999999999", 1},
    /* epoch first */
    {"1:0.1", "2.0", 1},
    {"2147483647:1", "2147483646:9", 1},
    {"1:1.0-1", "1:1.0-1+b1", -1},
    /* ':' and '-' inside upstream */
    {"1:1.0-2-3", "1:1.0-2-2", 1},
    {"1:2:3", "1:2.3", 1},
    {"1:2-3-4", "1:2-3", 1},
};

static const char *const valid[] = {
    "0", "1.0", "1:1.0", "1.0-1", "0:0", "1:2:3", "1.0~rc1+dfsg-1~deb12u1", " 1.0\t", "+1:1",
    "-0:1", "1.0-1.2+3~4", "1A", "1-a", "1-0-0", "2147483647:1", "\v1:0", "\n\r\f1:0", "1:1 ",
};

static const char *const invalid[] = {
    "",         " ",        "\t",        "a",          "a1",         "1_0",        "1.0-",
    ":1",       "-1",       "1:",        "-1:1",       "2147483648:1", "1 0",       "1.0-1_2",
    "1.0-a:b",  "1.0\x01",  "\x01",      "1.0\n",      "1,0",        "\xc3\xa9" "1", "1.0-1-",
    "1.0@",     "a:1",      "1:a",       "1:-1",       "1.0-1:2",    "~1",         "1.0\x7f",
    "1.\x1b" "0", "+:1",    "1+:1",      " :1",        "0x1:1",      "1 :1",
};

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
    int r;

    (void)state;
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        if (!vs->valid(valid[i]))
            fail_msg("'%s' should be valid", valid[i]);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        if (vs->valid(invalid[i]))
            fail_msg("'%s' should be invalid", invalid[i]);
        r = 99;
        assert_int_equal(vs->cmp(invalid[i], "1.0", &r), -1);
        assert_int_equal(vs->cmp("1.0", invalid[i], &r), -1);
        assert_int_equal(r, 99); /* untouched */
    }
}

/* 100 KB strings: digit runs far beyond any integer type, long letter and
 * tilde runs, an epoch with 100,000 leading zeros, many components. */
static void
test_hostile(void **state)
{
    const size_t n = 100000;
    char *a = malloc(n + 8), *b = malloc(n + 8);
    size_t i;
    int r;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);

    memset(a, '9', n);
    a[n] = '\0';
    memcpy(b, a, n + 1);
    b[n - 1] = '8';
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, 1);
    b[0] = '1';
    b[n - 1] = '0';
    b[n] = '0';
    b[n + 1] = '\0'; /* one digit longer */
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, -1);

    memset(a, '0', n);
    memcpy(a + n, "1:1", 4);
    assert_true(vs->valid(a)); /* epoch 1, with leading zeros */
    assert_int_equal(vs->cmp(a, "1:1", &r), 0);
    assert_int_equal(r, 0);
    memset(a, '9', 12);
    assert_false(vs->valid(a)); /* epoch far above INT_MAX */

    a[0] = '1';
    memset(a + 1, '~', n - 1);
    a[n] = '\0';
    memcpy(b, a, n + 1);
    b[n - 1] = '\0'; /* one '~' fewer: sorts later */
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, -1);

    a[0] = '1';
    for (i = 1; i + 1 < n; i += 2) {
        a[i] = '.';
        a[i + 1] = '0';
    }
    a[i] = '\0';
    assert_int_equal(vs->cmp(a, "1", &r), 0);
    assert_int_equal(r, 1); /* "1.0.0..." > "1": '.' beats the end */

    a[0] = '1';
    memset(a + 1, 'z', n - 1);
    a[n] = '\0';
    assert_int_equal(vs->cmp(a, "1z", &r), 0);
    assert_int_equal(r, 1);

    memset(a, '-', n);
    a[0] = '1';
    a[n - 1] = '1';
    a[n] = '\0';
    assert_true(vs->valid(a)); /* upstream "1--...-" (dashes allowed), revision "1" */
    memcpy(b, a, n + 1);
    b[n - 1] = '2';
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, -1);
    a[n - 1] = '\0';
    assert_false(vs->valid(a)); /* ends in '-': empty revision */
    free(a);
    free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_version_apk.c - the apk version scheme: equalities and orderings
 * (each row checked both ways and against itself), the grammar's invalid
 * strings, and hostile strings (100 KB, numbers far beyond 64 bits,
 * control characters). Expected results follow apk-tools 3.x; rows marked
 * "vector" are from apk-tools' test/unit/version.data (all of which the
 * e2e test tests/e2e/test_version_os.py replays).
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

extern const struct version_scheme version_apk;

static const struct version_scheme *const vs = &version_apk;

static const struct vpair pairs[] = {
    {"1.0", "1.0", 0},
    {"006", "6", 0},         /* the first number is always numeric */
    {"1.0_p01", "1.0_p1", 0}, /* so are suffix numbers */
    {"1.0-r01", "1.0-r1", 0}, /* and revisions */
    {"1.0", "1.0-r0", -1},   /* a revision is more than none */
    {"006", "1.0.0", 1},     /* vector */
    {"8.2.0", "8.2.001", -1}, /* vector: leading zero: string order */
    {"8.2.0015", "8.2.002", -1}, /* vector */
    {"1.05", "1.1", -1},
    {"1.10", "1.9", 1},
    {"1.0", "1.0.0", -1},
    {"1.0a", "1.0.1", -1},   /* the kind later in the grammar is the lower */
    {"1.0-r1", "1.0.1", -1},
    {"1.0a", "1.0b", -1},
    {"2.3.0b-r1", "2.3.0b-r2", -1}, /* vector */
    {"1.0_alpha", "1.0_beta", -1},
    {"1.0_beta", "1.0_pre", -1},
    {"1.0_pre", "1.0_rc", -1},
    {"1.0_rc", "1.0", -1},
    {"1.0", "1.0_cvs", -1},
    {"1.0_cvs", "1.0_svn", -1},
    {"1.0_svn", "1.0_git", -1},
    {"1.0_git", "1.0_hg", -1},
    {"1.0_hg", "1.0_p", -1},
    {"1.0_alpha", "1.0_alpha1", -1},
    {"0.1.0_alpha_pre2", "0.1.0_alpha", -1}, /* vector */
    {"1.0_alpha2", "1.0_alpha10", -1},
    {"1.0_p9-r0", "1.0_p10-r0", -1},         /* vector */
    {"1.0_rc1", "1.0-r1", -1},
    {"1.0_p1", "1.0.1", -1}, /* a post-release suffix is lower than .N */
    {"1.0_p1", "1.0a", -1},
    {"1.0~1234", "1.0~2345", -1},      /* vector */
    {"1.0~1234-r1", "1.0~2345-r0", -1}, /* vector */
    {"1.0~abc", "1.0~abcd", -1},
    {"1.0~1234", "1.0", 1},
    {"1.0-r1", "1.0~1234", -1},
    {"1.0~ff", "1.0_p1", -1},
    {"1.18446744073709551616", "1.18446744073709551615", 1},
    {"18446744073709551616", "1", 1}, /* apk-tools wraps this to 0 */
    {"1.0_p18446744073709551617", "1.0_p2", 1},
    {"1.0-r99999999999999999999999", "1.0-r99999999999999999999998", 1},
};

static const char *const valid[] = {
    "1.2", "0.1_pre2", "0.1_pre2~1234abcd", "0.1_p1_pre2", "0.1_alpha1_pre2",
    "0.1_git20240101_pre1", "1", "0", "1a", "1.0z-r0", "1.2.3_rc1_p2~0-r99",
};

static const char *const invalid[] = {
    "",          "0.1bc",        "0.1bc1",       "0.1a1",      "0.1a.1",
    "0.1_pre2~", "0.1_pre2~1234xbcd", "0.1_pre2~1234abcd_pre1", "0.1_pre2-r1~1234xbcd",
    "0.1_foobar", "0.1_foobar1", "0.1-pre1.1",   "0.1-r",      "0.1-r2_pre1",
    "0.1-r2_p3_pre1", "0.1-r2-r3", "0.1-r2.1",   ".1",         "a",
    "_pre1",     "-r1",          "0.1_",         "0.1_-r0",    "0.1__alpha",
    "0.1_1_alpha", "1.0A",       "1.0~ABC",      "1.0 ",       " 1.0",
    "1.0\n",     "1.0\x01",      "1..0",         "1.",         "1.0-R1",
    "v1.0",      "1.0~12g",      "1.0_p1a",      "1.0-r1a",    "1.0\x7f",
    "1.0\xc3\xa9",
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
        assert_int_equal(r, 99);
    }
}

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

    /* a 100,000-digit first number, one unit apart */
    memset(a, '9', n);
    a[n] = '\0';
    memcpy(b, a, n + 1);
    b[n - 1] = '8';
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, 1);

    /* 50,000 components */
    a[0] = '1';
    for (i = 1; i + 1 < n; i += 2) {
        a[i] = '.';
        a[i + 1] = '1';
    }
    a[i] = '\0';
    memcpy(b, a, i + 1);
    b[i - 1] = '2';
    assert_true(vs->valid(a));
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, -1);

    /* 100,000 suffixes */
    a[0] = '1';
    for (i = 1; i + 2 < n; i += 2) {
        a[i] = '_';
        a[i + 1] = 'p';
    }
    a[i] = '\0';
    assert_true(vs->valid(a));
    assert_int_equal(vs->cmp(a, "1_p", &r), 0);
    assert_int_equal(r, 1);

    /* a 100 KB hash */
    memcpy(a, "1~", 2);
    memset(a + 2, 'f', n - 2);
    a[n] = '\0';
    assert_true(vs->valid(a));
    assert_int_equal(vs->cmp(a, "1~f", &r), 0);
    assert_int_equal(r, 1);

    /* a 100 KB suffix name that is no suffix */
    memcpy(a, "1_", 2);
    memset(a + 2, 'a', n - 2);
    assert_false(vs->valid(a));
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

/*
 * test_version_rpm.c - the rpm version scheme: rpmvercmp rules (segments,
 * separators, '~', '^', leading zeros), epoch and release handling, what
 * rpmbuild would not accept, and hostile strings (100 KB, numbers far
 * beyond 64 bits, control characters). Expected results are rpm 4.18's
 * (python3-rpm: rpm.ver() to split, rpm.labelCompare() to order).
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

extern const struct version_scheme version_rpm;

static const struct version_scheme *const vs = &version_rpm;

static const struct vpair pairs[] = {
    /* equal spellings: separators only separate, zeros lead nowhere */
    {"1.0", "1.0", 0},
    {"1.0", "1_0", 0},
    {"1.0", "1+0", 0},
    {"1.0", "1.0.", 0},
    {"1.01", "1.1", 0},
    {"1.0a", "1.0.a", 0},
    {"0:1.0-1", "1.0-1", 0},
    {"000:1.0-1", "1.0-1", 0},
    {"1.000000000000000000000000000001", "1.1", 0},
    /* segments */
    {"1.0", "1.0.1", -1},
    {"1.0", "1.0a", -1},
    {"1.0a", "1.0.1", -1}, /* digits are newer than letters */
    {"1.0a", "1.0b", -1},
    {"1.0B", "1.0a", -1},
    {"1.0ab", "1.0b", -1},
    {"2.10", "2.9", 1},
    {"1.18446744073709551616", "1.18446744073709551615", 1},
    {"1.99999999999999999999999", "1.100000000000000000000000", -1},
    /* tilde and caret */
    {"1.0~rc1", "1.0", -1},
    {"1.0~rc1", "1.0~rc2", -1},
    {"1.0~~", "1.0~", -1},
    {"1.0~rc1", "1.0~", 1},
    {"1.0", "1.0^", -1},
    {"1.0^", "1.0^git1", -1},
    {"1.0^git1", "1.0.1", -1},
    {"1.0^git1", "1.0a", -1},
    {"1.0~rc1^git1", "1.0~rc1", 1},
    {"1.0~rc1^git1", "1.0", -1},
    {"1.0^~", "1.0^", -1},
    /* epoch, version, release */
    {"1:1.0-1", "2.0-1", 1},
    {"10:1.0-1", "9:2.0-1", 1},
    {"4294967295:1", "4294967294:2", 1},
    {"00000000000000000004294967295:1", "4294967295:1", 0},
    {"1.0-1", "1.0-2", -1},
    {"1.0-1.el9", "1.0-1.el9_2", -1},
    {"1.0-10.el9", "1.0-9.el9", 1},
    {"1.0", "1.0-1", -1}, /* no release is older than any release */
    {"1.0", "1.0-0", -1},
    {"1.1", "1.0-99", 1},
    {"2:1.0", "1:1.0-1", 1},
    {"3.0.7-27.el9", "1:3.0.7-24.el9", -1},
    {"5.14.0-427.13.1.el9_4", "5.14.0-427.el9", 1},
    {"1.1.1k-12.el8_9", "1.1.1k-7.el8_6", 1},
    {"1.0-1.module+el8.3.0+1234+abcd", "1.0-1.module+el8.4.0+1+a", -1},
};

static const char *const valid[] = {
    "1", "1.0", "1.0-1", "0:1.0-1", "1:1.0", "2:1.2-3.fc40", "1.0~rc1^git2-0.1%{dist}",
    "1.0_1+2", "A", "a-b", ".", "~", "1.0-^", "1.0-1.module+el8.3.0+1234+abcd", "0001:1",
};

static const char *const invalid[] = {
    "",       ":1.0",    "1:",      "1.0-",   "-1",     "1:-1",   "1..0",   "1.0-1..2",
    "1:2:3",  "a:1-2",   "1.0 ",    " 1.0",   "1.0\n",  "1.0\x01", "1.0\x7f", "1,0",
    "1.0-a:b", "1.0@",   "1.0\xc3\xa9", "1/0", "1.0-1-", "1:1.0-", "1.0#", "1*",
    "1-2-3", /* version "1-2": rpmbuild allows no '-' in Version */
    "4294967296:1", "99999999999999999999:1",
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

    /* 100,000-digit epochs, versions and releases */
    memset(a, '9', n);
    a[n] = '\0';
    memcpy(b, a, n + 1);
    b[n - 1] = '8';
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, 1);
    a[n / 2] = ':';
    assert_false(vs->valid(a)); /* a 50,000-digit epoch */
    memset(a, '0', n / 2 - 1);
    memcpy(b, a, n + 1);
    b[n - 1] = '8';
    assert_int_equal(vs->cmp(a, b, &r), 0); /* epoch 9 with 49,999 zeros */
    assert_int_equal(r, 1);
    a[n / 2] = '-';
    b[n / 2] = '-'; /* now 50,000-digit releases, one unit apart */
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, 1);

    /* 50,000 tildes against 49,999 */
    a[0] = '1';
    for (i = 1; i + 1 < n; i += 2) {
        a[i] = '~';
        a[i + 1] = 'a';
    }
    a[i] = '\0';
    memcpy(b, a, i + 1);
    b[i - 2] = '\0';
    assert_int_equal(vs->cmp(a, b, &r), 0);
    assert_int_equal(r, -1);

    /* 100 KB of separators only after the version */
    a[0] = '1';
    memset(a + 1, '_', n - 1);
    a[n] = '\0';
    assert_true(vs->valid(a));
    assert_int_equal(vs->cmp(a, "1", &r), 0);
    assert_int_equal(r, 0);
    memset(a + 1, '.', n - 1);
    assert_false(vs->valid(a)); /* ".." */
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

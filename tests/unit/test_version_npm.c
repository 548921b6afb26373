/*
 * test_version_npm.c - the npm version scheme and npm ranges (lib/version/
 * npm.c): validity, order, node-semver's number rounding, hostile input,
 * and range satisfaction (carets, tildes, x-ranges, hyphens, ||,
 * pre-release rule, node-semver's rewriting quirks). Expected values are
 * what node-semver 7.8.6 answers (semver.valid/compare/satisfies).
 *
 * Run with --satisfies, the binary instead reads "VERSION<TAB>RANGE" lines
 * from standard input and prints "R V" per line: R is version_npm_satisfies
 * (1, 0 or -1 for invalid), V is version_npm_valid_range. The differential
 * test tests/e2e/test_version_semver.py drives it, since the moat CLI has
 * no range command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/npm.h"
#include "version/version.h"

static const struct version_scheme *npm;

static int
cmp(const char *a, const char *b)
{
    int c = 99;

    if (npm->cmp(a, b, &c) != 0)
        return 99; /* invalid */
    return c;
}

static void
test_valid(void **state)
{
    static const char *const good[] = {
        "1.2.3", "0.0.0", "v1.2.3", " 1.2.3 ", "\t1.2.3\n", "\v1.2.3\f",
        "\xc2\xa0" "1.2.3", "1.2.3\xe3\x80\x80", "\xef\xbb\xbf" "1.2.3",
        "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3-0", "1.2.3-0a", "1.2.3--", "1.2.3-a-",
        "1.2.3+build", "1.2.3+001", "1.2.3-rc.1+build.5", "9007199254740991.0.0",
        "0.9007199254740991.9007199254740991", "1.2.3-99999999999999999999999",
    };
    static const char *const bad[] = {
        "", " ", "1", "1.2", "1.2.3.4", "=1.2.3", "V1.2.3", "vv1.2.3", "v 1.2.3",
        "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b",
        "1.2.3+a..b", "1.2.3-a_b", "1.2.3 -a", "1.2.3beta", "9007199254740992.0.0",
        "1.9007199254740992.0", "1.2.99999999999999999999", "1.2.3\x01", "\x01" "1.2.3",
        "1.2.3-\xc3\xa9", "\xc2\x85" "1.2.3", "1.2.3\x85", "x.1.2", "1.2.x", "^1.2.3",
        "1.2.3-+", "-1.2.3", "+1.2.3", "1.2.3+\xe3\x80\x80",
    };
    size_t i;

    (void)state;
    assert_ptr_equal(version_scheme_for("npm"), npm);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!npm->valid(good[i]))
            fail_msg("should be valid: \"%s\"", good[i]);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (npm->valid(bad[i]))
            fail_msg("should be invalid: \"%s\"", bad[i]);
}

static void
test_order(void **state)
{
    /* each strictly below the next (semver.org's example list and more) */
    static const char *const chain[] = {
        "0.0.0-0", "0.0.0-0.0", "0.0.0-1", "0.0.0-a", "0.0.0", "0.0.1", "0.1.0",
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1-0", "1.0.1", "1.1.0", "1.10.0",
        "2.0.0-A", "2.0.0-Z", "2.0.0-a", "2.0.0", "10.0.0", "9007199254740991.0.0",
    };
    static const struct {
        const char *a, *b;
        int c;
    } pairs[] = {
        {"1.2.3", "v1.2.3", 0},
        {"1.2.3+a", "1.2.3+b", 0},
        {"1.2.3-rc.1+a", "v1.2.3-rc.1", 0},
        {" 1.2.3", "1.2.3\v", 0},
        {"1.2.3-a", "1.2.3-A", 1},
        {"1.2.3-9", "1.2.3-10", -1},
        {"1.2.3-99999999999999999999", "1.2.3-100000000000000000000", 0}, /* doubles */
        {"1.2.3-9007199254740993", "1.2.3-9007199254740992", 0},
        {"1.2.3-9007199254740994", "1.2.3-9007199254740992", 1},
        {"1.2.3-9007199254740991", "1.2.3-9007199254740992", -1},
        {"1.2.3-123456789012345678", "1.2.3-123456789012345679", 0},
        {"1.2.3-123456789012345678", "1.2.3-123456789012345700", -1},
        {"1.2.3-99999999999999999999.b", "1.2.3-100000000000000000000.a", 1},
        {"1.2.3-1", "1.2.3-99999999999999999999999", -1},
        {"1.2.3-a1", "1.2.3-99999999999999999999999", 1},
        {"1.2.3", "=1.2.3", 99},
        {"1.2.3", "", 99},
    };
    size_t i;

    (void)state;
    for (i = 0; i + 1 < sizeof(chain) / sizeof(chain[0]); i++) {
        assert_int_equal(cmp(chain[i], chain[i + 1]), -1);
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

/* Strings far beyond node-semver's 256 characters, numbers far beyond 64
 * bits: rejected or compared without overflow, in linear time. */
static void
test_hostile(void **state)
{
    size_t n = 100 * 1024, i;
    char *big = malloc(n + 16), *pre = malloc(n + 16);

    (void)state;
    assert_non_null(big);
    assert_non_null(pre);
    memset(big, '9', n);
    big[n] = '\0';
    memcpy(big + 1, ".1.1", 4); /* "9.1.1999..." */
    assert_false(npm->valid(big));
    memcpy(pre, "1.2.3-", 6);
    memset(pre + 6, 'a', n);
    pre[n + 6] = '\0';
    assert_false(npm->valid(pre));
    assert_int_equal(cmp(pre, "1.2.3"), 99);
    for (i = 0; i < n; i += 2) {
        pre[6 + i] = '1';
        pre[7 + i] = '.';
    }
    pre[n + 5] = '1';
    assert_false(npm->valid(pre));
    /* 250 characters after "0.0.0-" is the most node-semver takes */
    memset(pre + 6, '7', 250);
    pre[256] = '\0';
    assert_true(npm->valid(pre));
    assert_int_equal(cmp(pre, pre), 0);
    pre[256] = '7';
    pre[257] = '\0';
    assert_false(npm->valid(pre));
    free(big);
    free(pre);
}

static int
sat(const char *v, const char *r)
{
    int m = 99;

    if (version_npm_satisfies(v, r, &m) != 0)
        return -1;
    return m;
}

static void
test_satisfies(void **state)
{
    static const struct {
        const char *v, *r;
        int want; /* 1, 0, -1 invalid */
    } cases[] = {
        {"1.2.3", "^1.2.3", 1},
        {"1.9.9", "^1.2.3", 1},
        {"2.0.0", "^1.2.3", 0},
        {"2.0.0-0", "^1.2.3", 0},
        {"0.2.5", "^0.2.3", 1},
        {"0.3.0", "^0.2.3", 0},
        {"0.0.3", "^0.0.3", 1},
        {"0.0.4", "^0.0.3", 0},
        {"1.2.9", "~1.2.3", 1},
        {"1.3.0", "~1.2.3", 0},
        {"1.3.0", "~>1.2", 0},
        {"1.2.0", "~ 1.2", 1},
        {"1.9.0", "~1", 1},
        {"1.4.0", "1.x", 1},
        {"2.0.0", "1.x", 0},
        {"1.2.7", "1.2.*", 1},
        {"0.0.1", "*", 1},
        {"0.0.1", "", 1},
        {"1.0.0-beta", "*", 0},
        {"1.5.0", "1.2.3 - 2.3.4", 1},
        {"2.3.4", "1.2.3 - 2.3.4", 1},
        {"2.3.5", "1.2.3 - 2.3.4", 0},
        {"2.3.9", "1.2 - 2.3", 1},
        {"2.4.0", "1.2 - 2.3", 0},
        {"1.1.0", ">=1.0.0 <2.0.0", 1},
        {"1.1.0", ">= 1.0.0 < 2.0.0", 1},
        {"3.0.0", "<1.0.0 || >=3", 1},
        {"2.0.0", "<1.0.0 || >=3", 0},
        {"1.2.3-beta.2", "^1.2.3-beta.1", 1},
        {"1.2.4-beta.2", "^1.2.3-beta.1", 0},
        {"1.2.3-beta.2", ">=1.2.3-beta.1 <1.2.4", 1},
        {"1.0.0-beta.2", "* || >=1.0.0-beta", 0}, /* a lone * set wins */
        {"1.0.0-beta.2", ">=1.0.0-beta", 1},
        {"1.2.3", "=1.2.3", 1},
        {"1.2.3", "v1.2.3", 1},
        {"1.2.3", "1.2.3+build", 1},
        {"1.2.3", "1.2.3*", 1},
        {"1.0.0", ">=*1.0.0", 1},
        {"1.2.3", "1.2.3+*a", 1},
        {"1.5.0", "^1.x.3", 1},
        {"1.2.3", ">=0.0.0", 1},
        {"0.0.0", "<0.0.0-0", 0},
        {"1.2.3", "<0.0.0-0 || 1.2.3", 1},
        {"1.2.3", "^", -1},
        {"1.2.3", "~", -1},
        {"1.2.3", ">", -1},
        {"1.2.3", "x.1", -1},
        {"1.2.3", "1.x.2", -1},
        {"1.2.3", "=1.2.3 - 2", -1},
        {"1.2.3", "^9007199254740991.0.0", -1},
        {"1.2.3", "not a range", -1},
        {"1.2.3", "1.2.3 \xc3\xa9", -1},
        {"1.2.3", "\xc2\xa0^1.2.3\xe3\x80\x80", 1},
        {"nope", "*", -1},
        {"1.2.3-0", "1.2.3-0 || 1.2.4", 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (sat(cases[i].v, cases[i].r) != cases[i].want)
            fail_msg("satisfies(\"%s\", \"%s\") = %d, want %d", cases[i].v, cases[i].r,
                     sat(cases[i].v, cases[i].r), cases[i].want);
    assert_true(version_npm_valid_range(">=1.2.3 <2"));
    assert_false(version_npm_valid_range(">=1.2.3 <2 ^"));
}

/* A range over the length limit is refused; one just under works, and a
 * long run of || or of x-ranges is evaluated without overflowing the work
 * buffers (each "1" expands to ">=1.0.0 <2.0.0-0"). */
static void
test_range_hostile(void **state)
{
    char *r = malloc(200 * 1024);
    size_t i, n;

    (void)state;
    assert_non_null(r);
    memset(r, ' ', 100 * 1024);
    memcpy(r + 50 * 1024, "^1.2.3", 6);
    r[100 * 1024] = '\0';
    assert_int_equal(sat("1.2.3", r), -1);
    for (n = 0; n + 5 < 1024; n += 5)
        memcpy(r + n, "1 || ", 5);
    memcpy(r + n, "2", 2);
    assert_int_equal(sat("2.0.0", r), 1);
    for (n = 0; n + 2 < 1024; n += 2)
        memcpy(r + n, "1 ", 2);
    r[n] = '\0';
    assert_int_equal(sat("1.5.0", r), 1);
    for (i = 0; i + 1 < 1024; i++)
        r[i] = "x|"[i % 2];
    r[1023] = '\0';
    assert_int_equal(version_npm_valid_range(r), 0);
    free(r);
}

/* The --satisfies mode (see the file comment). */
static int
satisfies_driver(void)
{
    char *line = NULL, *tab;
    size_t cap = 0;
    ssize_t len;
    int m;

    for (len = getline(&line, &cap, stdin); len >= 0; len = getline(&line, &cap, stdin)) {
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        tab = strchr(line, '\t');
        if (!tab) {
            free(line);
            return 2;
        }
        *tab = '\0';
        if (version_npm_satisfies(line, tab + 1, &m) != 0)
            m = -1;
        printf("%d %d\n", m, version_npm_valid_range(tab + 1));
    }
    free(line);
    return fflush(stdout) == 0 ? 0 : 2;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),         cmocka_unit_test(test_order),
        cmocka_unit_test(test_hostile),       cmocka_unit_test(test_satisfies),
        cmocka_unit_test(test_range_hostile),
    };

    npm = version_scheme_named("npm");
    if (!npm) {
        fprintf(stderr, "no npm version scheme\n");
        return 1;
    }
    if (argc == 2 && strcmp(argv[1], "--satisfies") == 0)
        return satisfies_driver();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

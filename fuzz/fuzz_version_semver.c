/*
 * fuzz_version_semver.c - the npm, Go, Cargo and NuGet version comparators
 * and npm ranges. Every comparator must be a total order on the versions it
 * calls valid, whatever the input: cmp fails exactly when valid() says no
 * and then leaves its result alone, cmp(a,a) == 0, cmp(a,b) == -cmp(b,a),
 * and <= is transitive over every ordering of three versions. npm ranges
 * must agree with the comparator: for plain versions a and b, a satisfies
 * "b", ">=b" and "<b" exactly when cmp says so (with node-semver's
 * pre-release rule), and version_npm_valid_range agrees with
 * version_npm_satisfies. Any violation aborts, so fuzzing finds ordering
 * bugs, not only crashes.
 *
 * The input is read twice. Raw: up to three '\n'-separated strings (the
 * third is also tried as a range). Built: each byte picks a fragment of a
 * SemVer alphabet ("-", "+", ".", "0", huge numbers, "x", "||", " - ")
 * and byte 0xff starts the next string, so most inputs are valid versions
 * with shared prefixes, which is where ordering bugs live.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/npm.h"
#include "version/semver.h"
#include "version/version.h"

extern const struct version_scheme version_npm, version_go, version_cargo, version_nuget;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT (64u << 10)
#define MAX_BUILT 2048 /* bytes per built string */

static const struct version_scheme *const schemes[] = {&version_npm, &version_go, &version_cargo,
                                                       &version_nuget};

static const char *const frags[] = {
    "0", "1", "2", "9", "00", "01", "10", ".", ".", ".", "-", "-", "+", "a", "b", "A", "Z",
    "rc", "alpha", "beta.", "x", "*", "v", "=", "^", "~", ">=", "<", " ", "||", " - ",
    "9007199254740991", "9007199254740992", "9007199254740993", "99999999999999999999",
    "100000000000000000000", "18446744073709551615", "18446744073709551616", "2147483647",
    "2147483648", "\xc2\xa0", "\v", "incompatible", "20210101000000-abcdef123456",
};

static void
violated(const char *scheme, const char *what, const char *a, const char *b, const char *c)
{
    fprintf(stderr, "%s: %s\n  a=\"%s\"\n  b=\"%s\"\n  c=\"%s\"\n", scheme, what, a,
            b ? b : "", c ? c : "");
    abort();
}

static void
check_order(const struct version_scheme *vs, char *const v[3])
{
    int ok[3], c[3][3], i, j, k, r;

    for (i = 0; i < 3; i++) {
        ok[i] = vs->valid(v[i]);
        if (ok[i] != 0 && ok[i] != 1)
            violated(vs->name, "valid() not 0/1", v[i], NULL, NULL);
    }
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            r = 7;
            if (vs->cmp(v[i], v[j], &r) != (ok[i] && ok[j] ? 0 : -1))
                violated(vs->name, "cmp() fails iff an operand is invalid", v[i], v[j], NULL);
            if (!(ok[i] && ok[j])) {
                if (r != 7)
                    violated(vs->name, "failed cmp() wrote its result", v[i], v[j], NULL);
                continue;
            }
            if (r < -1 || r > 1)
                violated(vs->name, "result not -1/0/1", v[i], v[j], NULL);
            if (i == j && r != 0)
                violated(vs->name, "not reflexive", v[i], v[j], NULL);
            c[i][j] = r;
        }
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            if (ok[i] && ok[j] && c[i][j] != -c[j][i])
                violated(vs->name, "not antisymmetric", v[i], v[j], NULL);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            for (k = 0; k < 3; k++) {
                if (!ok[i] || !ok[j] || !ok[k] || c[i][j] > 0 || c[j][k] > 0)
                    continue;
                if (c[i][k] > 0 || ((c[i][j] < 0 || c[j][k] < 0) && c[i][k] >= 0))
                    violated(vs->name, "not transitive (a <= b <= c)", v[i], v[j], v[k]);
            }
}

/* A valid npm version spelled with nothing a range would rewrite: an
 * optional "v", then SemVer characters only. Parsed into *out. */
static int
plain_npm(const char *s, struct semver *out /* OUT */)
{
    const char *p = s + (*s == 'v');
    size_t i, n = strlen(p);

    if (!version_npm.valid(s))
        return 0;
    for (i = 0; i < n; i++)
        if (!semver_ident_char((unsigned char)p[i]) && p[i] != '.' && p[i] != '+')
            return 0;
    return semver_parse(p, n, out) == 0;
}

static int
same_main(const struct semver *a, const struct semver *b)
{
    return a->major.n == b->major.n && memcmp(a->major.p, b->major.p, a->major.n) == 0 &&
           a->minor.n == b->minor.n && memcmp(a->minor.p, b->minor.p, a->minor.n) == 0 &&
           a->patch.n == b->patch.n && memcmp(a->patch.p, b->patch.p, a->patch.n) == 0;
}

static void
check_range(const char *v, const char *range)
{
    int m = 7, r = version_npm_satisfies(v, range, &m), z = 7;

    if (r != 0 && r != -1)
        violated("npm", "satisfies() not 0/-1", v, range, NULL);
    if (r == 0 && m != 0 && m != 1)
        violated("npm", "satisfies() result not 0/1", v, range, NULL);
    if (r != 0 && m != 7)
        violated("npm", "failed satisfies() wrote its result", v, range, NULL);
    if (version_npm_valid_range(range) != (version_npm_satisfies("0.0.0", range, &z) == 0))
        violated("npm", "valid_range() and satisfies() disagree", range, NULL, NULL);
}

/* satisfies(a, OP b) against cmp(a, b) for plain a and b. */
static void
check_ops(const char *a, const char *b)
{
    static const char *const ops[] = {"", ">=", "<"};
    struct semver pa, pb;
    char range[MAX_BUILT + 8];
    int c, m, want, allowed;
    size_t i;

    if (!plain_npm(a, &pa) || !plain_npm(b, &pb) || strlen(b) > MAX_BUILT ||
        version_npm.cmp(a, b, &c) != 0)
        return;
    allowed = pa.pre.n == 0 || (pb.pre.n != 0 && same_main(&pa, &pb));
    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        snprintf(range, sizeof(range), "%s%s", ops[i], b);
        want = (i == 0 ? c == 0 : i == 1 ? c >= 0 : c < 0) && allowed;
        if (version_npm_satisfies(a, range, &m) != 0)
            violated("npm", "plain version is not a valid range", a, range, NULL);
        if (m != want)
            violated("npm", "satisfies() disagrees with cmp()", a, range, NULL);
    }
}

static void
check_all(char *const v[3])
{
    size_t i;
    int j, k;

    for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        check_order(schemes[i], v);
    for (j = 0; j < 3; j++) {
        check_range(v[j], v[(j + 2) % 3]);
        for (k = 0; k < 3; k++)
            check_ops(v[j], v[k]);
    }
}

/* Appends fragment f to the built string dst of *len bytes, if it fits. */
static void
append(char *dst, size_t *len, const char *f)
{
    size_t fl = strlen(f);

    if (*len + fl > MAX_BUILT)
        return;
    memcpy(dst + *len, f, fl + 1);
    *len += fl;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char built[3][MAX_BUILT + 64];
    char *raw, *v[3];
    size_t i, k, len[3] = {0, 0, 0};
    int n = 0;

    if (size > MAX_INPUT)
        return 0;
    /* raw strings */
    raw = malloc(size + 1);
    if (!raw)
        return 0;
    memcpy(raw, data, size);
    raw[size] = '\0';
    v[0] = raw;
    v[1] = v[2] = raw + size;
    for (i = 0; i < size && n < 2; i++)
        if (raw[i] == '\n') {
            raw[i] = '\0';
            v[++n] = raw + i + 1;
        }
    check_all(v);
    free(raw);
    /* built from fragments */
    built[0][0] = built[1][0] = built[2][0] = '\0';
    for (i = 0, k = 0; i < size; i++) {
        if (data[i] == 0xff) {
            if (++k == 3)
                break;
            continue;
        }
        append(built[k], &len[k], frags[data[i] % (sizeof(frags) / sizeof(frags[0]))]);
    }
    v[0] = built[0];
    v[1] = built[1];
    v[2] = built[2];
    check_all(v);
    return 0;
}

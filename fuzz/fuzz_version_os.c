/*
 * fuzz_version_os.c - the dpkg, apk and rpm version comparators must be a
 * total order on the versions they call valid, whatever the input: cmp
 * fails exactly when valid() says no, cmp(a,a) == 0, cmp(a,b) == -cmp(b,a),
 * and <= is transitive over every ordering of three versions. A violation
 * aborts, so fuzzing finds ordering bugs, not only crashes.
 *
 * The input is read twice. Raw: up to three '\n'-separated strings. Built:
 * each byte picks a fragment of one scheme's alphabet ("~", "_rc", "-r",
 * ":" ...) and byte 0xff starts the next string, so most inputs are valid
 * versions with shared prefixes, which is where ordering bugs live.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

extern const struct version_scheme version_dpkg, version_apk, version_rpm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT (256u << 10)
#define MAX_BUILT 4096 /* bytes per built string */

static const struct version_scheme *const schemes[] = {&version_dpkg, &version_apk,
                                                       &version_rpm};

static const char *const dpkg_frags[] = {
    "0", "1", "2", "9", "00", "01", "10", "99999999999999999999", ".", ".", "~", "~~", "+",
    "-", ":", "1:", "a", "b", "z", "A", "Z", " ", "_", "\v",
};
static const char *const apk_frags[] = {
    "0",   "1",    "2",      "9",   "00",  "01",   "10",  "18446744073709551616", ".", ".",
    "a",   "b",    "z",      "_alpha", "_beta", "_pre", "_rc", "_cvs", "_svn", "_git",
    "_hg", "_p",   "_",      "~",   "~ab", "~0",   "-r",  "-r1", "f",   "-",  "A",
};
static const char *const rpm_frags[] = {
    "0", "1", "2", "9", "00", "01", "10", "18446744073709551616", ".", ".", "_", "+", "~",
    "^", "-", ":", "1:", "a", "b", "z", "A", "Z", "%", "{", "}", "git", "rc",
};

static const struct {
    const char *const *frags;
    size_t n;
} alphabets[] = {
    {dpkg_frags, sizeof(dpkg_frags) / sizeof(dpkg_frags[0])},
    {apk_frags, sizeof(apk_frags) / sizeof(apk_frags[0])},
    {rpm_frags, sizeof(rpm_frags) / sizeof(rpm_frags[0])},
};

static void
violated(const struct version_scheme *vs, const char *what, const char *a, const char *b,
         const char *c)
{
    fprintf(stderr, "%s: %s\n  a=\"%s\"\n  b=\"%s\"\n  c=\"%s\"\n", vs->name, what, a,
            b ? b : "", c ? c : "");
    abort();
}

static void
check(const struct version_scheme *vs, char *const v[3])
{
    int ok[3], c[3][3], i, j, k, r;

    for (i = 0; i < 3; i++) {
        ok[i] = vs->valid(v[i]);
        if (ok[i] != 0 && ok[i] != 1)
            violated(vs, "valid() not 0/1", v[i], NULL, NULL);
    }
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 3; j++) {
            r = 7;
            if (vs->cmp(v[i], v[j], &r) != (ok[i] && ok[j] ? 0 : -1))
                violated(vs, "cmp() fails iff an operand is invalid", v[i], v[j], NULL);
            if (!(ok[i] && ok[j])) {
                if (r != 7)
                    violated(vs, "failed cmp() wrote its result", v[i], v[j], NULL);
                continue;
            }
            if (r < -1 || r > 1)
                violated(vs, "result not -1/0/1", v[i], v[j], NULL);
            if (i == j && r != 0)
                violated(vs, "not reflexive", v[i], v[j], NULL);
            c[i][j] = r;
        }
    }
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            if (ok[i] && ok[j] && c[i][j] != -c[j][i])
                violated(vs, "not antisymmetric", v[i], v[j], NULL);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            for (k = 0; k < 3; k++) {
                if (!ok[i] || !ok[j] || !ok[k] || c[i][j] > 0 || c[j][k] > 0)
                    continue;
                if (c[i][k] > 0 || ((c[i][j] < 0 || c[j][k] < 0) && c[i][k] >= 0))
                    violated(vs, "not transitive (a <= b <= c)", v[i], v[j], v[k]);
            }
}

static void
check_all(char *const v[3])
{
    size_t i;

    for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        check(schemes[i], v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char built[3][MAX_BUILT + 32];
    char *raw, *v[3];
    size_t i, a, len[3];
    int n;

    if (size > MAX_INPUT)
        return 0;

    /* raw: up to three lines, as C strings (a NUL ends a string early) */
    raw = malloc(size + 1);
    if (!raw)
        return 0;
    memcpy(raw, data, size);
    raw[size] = '\0';
    v[0] = raw;
    v[1] = v[2] = raw + size;
    for (i = 0, n = 1; i < size && n < 3; i++) {
        if (raw[i] == '\n') {
            raw[i] = '\0';
            v[n++] = raw + i + 1;
        }
    }
    check_all(v);
    free(raw);

    /* built from each scheme's fragments */
    for (a = 0; a < sizeof(alphabets) / sizeof(alphabets[0]); a++) {
        n = 0;
        len[0] = len[1] = len[2] = 0;
        for (i = 0; i < size && n < 3; i++) {
            const char *f;
            size_t fl;

            if (data[i] == 0xff) {
                n++;
                continue;
            }
            f = alphabets[a].frags[data[i] % alphabets[a].n];
            fl = strlen(f);
            if (len[n] + fl > MAX_BUILT)
                continue;
            memcpy(built[n] + len[n], f, fl);
            len[n] += fl;
        }
        for (n = 0; n < 3; n++) {
            built[n][len[n]] = '\0';
            v[n] = built[n];
        }
        check_all(v);
    }
    return 0;
}

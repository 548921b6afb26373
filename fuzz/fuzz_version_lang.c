/*
 * fuzz_version_lang.c - the language-ecosystem version comparators (PEP
 * 440, Maven, RubyGems, Composer) must be total orders on whatever they
 * accept: the fuzzer looks for ordering bugs, not only crashes. The first
 * input byte picks the scheme; the rest is cut at newlines into up to three
 * versions, which are checked against each other and against a few fixed
 * versions of the scheme:
 *   valid(x) agrees with whether cmp() accepts x, and cmp() answers -1/0/1;
 *   reflexive: cmp(x, x) == 0;
 *   antisymmetric: cmp(x, y) == -cmp(y, x);
 *   transitive on every triple, for < and for =.
 * A violation abort()s, so libFuzzer reports it with the input.
 *
 * Maven's own ComparableVersion is not transitive ("1.foo.1" > "1" >
 * "1-SNAPSHOT" > "1.foo.1": a qualifier inside a list sorts below a
 * sub-list but above "nothing"), and moat reproduces Maven. For Maven only
 * equality is checked on triples: equal versions must be interchangeable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

extern const struct version_scheme version_pep440, version_maven, version_rubygems,
    version_composer;

/* Versions are short; a bigger input only slows the search down. */
#define MAX_INPUT (64u << 10)

static const struct {
    const struct version_scheme *vs;
    int transitive; /* 0: only equality is transitive (see above) */
    const char *anchors[6];
} schemes[] = {
    {&version_pep440, 1, {"1.0", "1.0a1", "1.0.post1", "1.0+local", "1!0.dev0", "0"}},
    {&version_maven, 0, {"1.0", "1-SNAPSHOT", "1.0-sp1", "1-1", "1.0.RC1", ""}},
    {&version_rubygems, 1, {"1.0", "1.0.a", "1.0-1", "1.0.b.0.1", "0", "2"}},
    {&version_composer, 1, {"1.0", "1.0-dev", "1.0-patch1", "dev-main", "1.x-dev", "20100102"}},
};

static int transitive;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* cmp() of two versions both known valid; checks the answer's range. */
static int
order(const struct version_scheme *vs, const char *a, const char *b)
{
    int c = 7, rc = vs->cmp(a, b, &c);

    CHECK(rc == 0, "%s: cmp refused valid versions '%s' '%s'", vs->name, a, b);
    CHECK(c == -1 || c == 0 || c == 1, "%s: cmp('%s', '%s') = %d", vs->name, a, b, c);
    return c;
}

static void
check_one(const struct version_scheme *vs, const char *a)
{
    int c = 7, ok = vs->valid(a), rc = vs->cmp(a, a, &c);

    CHECK(ok == 0 || ok == 1, "%s: valid('%s') = %d", vs->name, a, ok);
    CHECK((rc == 0) == ok, "%s: valid('%s') = %d but cmp returns %d", vs->name, a, ok, rc);
    CHECK(ok || c == 7, "%s: cmp wrote a result for invalid '%s'", vs->name, a);
    if (ok)
        CHECK(c == 0, "%s: cmp('%s', itself) = %d", vs->name, a, c);
}

static void
check_pair(const struct version_scheme *vs, const char *a, const char *b)
{
    int ab = order(vs, a, b), ba = order(vs, b, a);

    CHECK(ab == -ba, "%s: cmp('%s', '%s') = %d but the reverse is %d", vs->name, a, b, ab, ba);
}

/* Three answers for x, y, z in this order (xy = cmp(x, y) ...) must fit
 * one order: equal versions are interchangeable, and (if the scheme is
 * transitive) x <= y <= z implies x <= z, strictly if either step is. */
static void
fits(const struct version_scheme *vs, const char *x, const char *y, const char *z, int xy, int yz,
     int xz)
{
    if (xy == 0)
        CHECK(xz == yz, "%s: '%s' = '%s' but they differ against '%s': %d %d", vs->name, x, y, z,
              xz, yz);
    if (!transitive)
        return;
    if (xy <= 0 && yz <= 0)
        CHECK(xz <= 0 && (xz < 0 || (xy == 0 && yz == 0)) && (xz == 0 || xy < 0 || yz < 0),
              "%s: not transitive: '%s' %d '%s' %d '%s' but %d", vs->name, x, xy, y, yz, z, xz);
}

static void
check_triple(const struct version_scheme *vs, const char *a, const char *b, const char *c)
{
    int ab = order(vs, a, b), bc = order(vs, b, c), ac = order(vs, a, c);

    CHECK(order(vs, b, a) == -ab && order(vs, c, b) == -bc && order(vs, c, a) == -ac,
          "%s: not antisymmetric on '%s' '%s' '%s'", vs->name, a, b, c);
    fits(vs, a, b, c, ab, bc, ac);
    fits(vs, a, c, b, ac, -bc, ab);
    fits(vs, b, a, c, -ab, ac, bc);
    fits(vs, b, c, a, bc, -ac, -ab);
    fits(vs, c, a, b, -ac, ab, -bc);
    fits(vs, c, b, a, -bc, -ab, -ac);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct version_scheme *vs;
    const char *const *anchors;
    char *buf, *v[3];
    int n = 0, valid[3];
    size_t i, k, na;

    if (size < 1 || size > MAX_INPUT)
        return 0;
    k = data[0] % (sizeof(schemes) / sizeof(schemes[0]));
    vs = schemes[k].vs;
    transitive = schemes[k].transitive;
    anchors = schemes[k].anchors;
    na = sizeof(schemes[k].anchors) / sizeof(schemes[k].anchors[0]);
    buf = malloc(size);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    v[n++] = buf;
    for (i = 0; i + 1 < size && n < 3; i++)
        if (buf[i] == '\n') {
            buf[i] = '\0';
            v[n++] = buf + i + 1;
        }
    for (i = 0; i < (size_t)n; i++) {
        check_one(vs, v[i]);
        valid[i] = vs->valid(v[i]);
    }
    for (i = 0; i < na; i++)
        CHECK(vs->valid(anchors[i]), "%s: anchor '%s' invalid", vs->name, anchors[i]);
    for (i = 0; i < (size_t)n; i++) {
        size_t j, m;
        if (!valid[i])
            continue;
        for (j = 0; j < na; j++) {
            check_pair(vs, v[i], anchors[j]);
            for (m = j + 1; m < na; m++)
                check_triple(vs, v[i], anchors[j], anchors[m]);
        }
        for (j = i + 1; j < (size_t)n; j++) {
            if (!valid[j])
                continue;
            check_pair(vs, v[i], v[j]);
            for (m = 0; m < na; m++)
                check_triple(vs, v[i], v[j], anchors[m]);
        }
    }
    if (n == 3 && valid[0] && valid[1] && valid[2])
        check_triple(vs, v[0], v[1], v[2]);
    free(buf);
    return 0;
}

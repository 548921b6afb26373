/*
 * go.c - Go module versions, ordered as golang.org/x/mod/semver orders them
 * (the package the go command itself uses).
 *
 * Go versions are SemVer 2.0.0 with a leading "v" and two shorthands: v1
 * means v1.0.0 and v1.2 means v1.2.0 (neither may carry a pre-release or
 * build). Pseudo-versions (v0.0.0-20210101000000-abcdef123456,
 * v1.2.4-0.2021...) are ordinary pre-releases and need no special case;
 * "+incompatible" is build metadata and, like all build metadata, does not
 * affect the order (x/mod/semver.Compare says v2.0.0+incompatible ==
 * v2.0.0). Numbers have no size limit: they compare as digit strings.
 *
 * OSV's Go records write versions without the "v" ("1.2.3", and "0" for
 * "introduced: 0"), so the "v" is optional here: "1.2.3" is the same
 * version as "v1.2.3". Checked against x/mod/semver by
 * tests/e2e/test_version_semver.py (which feeds it the "v" form).
 */
#include "version.h"
#include "semver.h"

#include <string.h>

/* Parses a Go version into out; the shorthands get "0" components. */
static int
parse(const char *s, struct semver *out /* OUT */)
{
    static const char zero[] = "0";
    const char *end = s + strlen(s), *p = s;

    if (*p == 'v')
        p++;
    p = semver_number(p, end, &out->major);
    if (!p)
        return -1;
    out->minor.p = out->patch.p = zero;
    out->minor.n = out->patch.n = 1;
    out->pre.p = out->build.p = end;
    out->pre.n = out->build.n = 0;
    if (p == end)
        return 0;
    if (*p != '.')
        return -1;
    p = semver_number(p + 1, end, &out->minor);
    if (!p)
        return -1;
    if (p == end)
        return 0;
    if (*p != '.')
        return -1;
    p = semver_number(p + 1, end, &out->patch);
    if (!p)
        return -1;
    return semver_parse_tail(p, end, out);
}

static int
go_valid(const char *s)
{
    struct semver v;

    return parse(s, &v) == 0;
}

static int
go_cmp(const char *a, const char *b, int *out)
{
    struct semver x, y;
    int c;

    if (parse(a, &x) != 0 || parse(b, &y) != 0)
        return -1;
    c = semver_cmp_digits(x.major.p, x.major.n, y.major.p, y.major.n);
    if (!c)
        c = semver_cmp_digits(x.minor.p, x.minor.n, y.minor.p, y.minor.n);
    if (!c)
        c = semver_cmp_digits(x.patch.p, x.patch.n, y.patch.p, y.patch.n);
    if (!c)
        c = semver_cmp_pre(x.pre, y.pre, NULL);
    *out = c;
    return 0;
}

const struct version_scheme version_go = {
    .name = "go",
    .valid = go_valid,
    .cmp = go_cmp,
};

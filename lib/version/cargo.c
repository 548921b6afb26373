/*
 * cargo.c - crates.io versions, ordered as the Rust `semver` crate's
 * Version (the crate Cargo itself uses; checked against Debian's
 * librust-semver-dev 1.0.14 by tests/e2e/test_version_semver.py).
 *
 * Syntax is strict SemVer 2.0.0: exactly MAJOR.MINOR.PATCH, no "v", no
 * whitespace, no leading zeros in numbers or numeric pre-release
 * identifiers, each number at most 2^64-1 (the crate parses them into u64
 * and rejects larger ones). The order is SemVer precedence, except that the
 * crate does not ignore build metadata: Version derives Ord over (major,
 * minor, patch, pre, build), so 1.0.0 < 1.0.0+a and two builds are ordered
 * identifier by identifier: numeric before alphanumeric, numeric ones by
 * value then by length (0 < 00 < 1 < 01), alphanumeric ones by bytes, a
 * longer list last. moat follows the crate: a total order with no two
 * distinct strings equal.
 */
#include "version.h"
#include "semver.h"

#include <string.h>

/* 1 if the digit string (no leading zeros) fits in a u64. */
static int
fits_u64(struct semver_span d)
{
    static const char max[] = "18446744073709551615";

    if (d.n != sizeof(max) - 1)
        return d.n < sizeof(max) - 1;
    return memcmp(d.p, max, d.n) <= 0;
}

static int
parse(const char *s, struct semver *out /* OUT */)
{
    if (semver_parse(s, strlen(s), out) != 0)
        return -1;
    if (!fits_u64(out->major) || !fits_u64(out->minor) || !fits_u64(out->patch))
        return -1;
    return 0;
}

/* Splits build metadata the way the crate's str::split('.') does: the
 * empty string is one empty identifier. */
struct ident_iter {
    const char *p, *end;
    int done;
};

/* The next identifier into *id; 0 when the list is exhausted. */
static int
next_ident(struct ident_iter *it, struct semver_span *id /* OUT */)
{
    const char *dot;

    if (it->done)
        return 0;
    dot = memchr(it->p, '.', (size_t)(it->end - it->p));
    id->p = it->p;
    id->n = (size_t)((dot ? dot : it->end) - it->p);
    if (dot)
        it->p = dot + 1;
    else
        it->done = 1;
    return 1;
}

/* The crate's BuildMetadata order (see the file comment). An empty
 * identifier counts as numeric, as `bytes().all(is_ascii_digit)` makes it;
 * numeric ones compare by value, then the shorter spelling first. */
static int
cmp_build(struct semver_span a, struct semver_span b)
{
    struct ident_iter ia = {a.p, a.p + a.n, 0}, ib = {b.p, b.p + b.n, 0};
    struct semver_span x, y;

    while (next_ident(&ia, &x)) {
        int xd, yd, c;

        if (!next_ident(&ib, &y))
            return 1;
        xd = x.n == 0 || semver_all_digits(x.p, x.n);
        yd = y.n == 0 || semver_all_digits(y.p, y.n);
        if (xd != yd)
            return xd ? -1 : 1;
        if (xd) {
            c = semver_cmp_digits(x.p, x.n, y.p, y.n);
            if (!c && x.n != y.n)
                c = x.n < y.n ? -1 : 1;
        } else {
            c = semver_cmp_bytes(x.p, x.n, y.p, y.n);
        }
        if (c)
            return c;
    }
    return next_ident(&ib, &y) ? -1 : 0;
}

static int
cargo_valid(const char *s)
{
    struct semver v;

    return parse(s, &v) == 0;
}

static int
cargo_cmp(const char *a, const char *b, int *out)
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
    if (!c)
        c = cmp_build(x.build, y.build);
    *out = c;
    return 0;
}

const struct version_scheme version_cargo = {
    .name = "cargo",
    .valid = cargo_valid,
    .cmp = cargo_cmp,
};

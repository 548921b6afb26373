/*
 * rpm.c - RPM version order (Red Hat, AlmaLinux, Rocky, Fedora, SUSE, ...):
 * rpm's rpmvercmp() on each part of "[epoch:]version[-release]".
 *
 * The string is split the way rpm's parseEVR() splits it: leading digits
 * followed by ':' are the epoch (none means 0), the last '-' separates the
 * release. Epochs compare as numbers; versions, then releases, with
 * rpmvercmp(): both strings are cut into runs of ASCII digits and runs of
 * ASCII letters, everything else only separating them. Runs compare in
 * turn: a digit run is newer than a letter run, digit runs compare as
 * numbers of any length (leading zeros ignored), letter runs as bytes. '~'
 * sorts before anything, even the end (1.0~rc1 < 1.0); '^' sorts after the
 * end but before any further run (1.0 < 1.0^git1 < 1.0.1). When one string
 * runs out of runs the other, with runs left, is newer. A missing release
 * is older than any release, as rpm.labelCompare() has it (rpm's dependency
 * matching instead treats it as a wildcard, which is no order).
 *
 * rpmvercmp() accepts any string; valid here means what rpmbuild accepts
 * in Version and Release (alphanumerics and "._+%{}~^", no "..", not
 * empty) and in Epoch (digits, at most 4294967295), so junk never silently
 * matches.
 */
#include "version.h"

#include <string.h>

struct evr {
    const char *e, *e_end; /* epoch digits, empty when absent (= 0) */
    const char *v, *v_end;
    const char *r, *r_end; /* NULL when there is no release */
};

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* rpmbuild's rules for a Version or Release field (rpmCharCheck). */
static int
field_ok(const char *s, const char *end)
{
    const char *p;

    if (s == end)
        return 0;
    for (p = s; p < end; p++) {
        if (!is_digit(*p) && !is_alpha(*p) && !strchr("._+%{}~^", *p))
            return 0;
        if (*p == '.' && p + 1 < end && p[1] == '.')
            return 0;
    }
    return 1;
}

/* rpmbuild's Epoch: an unsigned number that fits the header's uint32. */
static int
epoch_ok(const char *s, const char *end)
{
    while (s < end && *s == '0')
        s++;
    return end - s < 10 || (end - s == 10 && memcmp(s, "4294967295", 10) <= 0);
}

static int
parse(const char *s, struct evr *v)
{
    const char *p = s, *end, *hyphen = NULL;

    while (is_digit(*p))
        p++;
    if (*p == ':') {
        v->e = s;
        v->e_end = p;
        if (p == s || !epoch_ok(s, p))
            return -1; /* ":1.0" would be epoch 0 to rpm, but nothing writes it */
        s = p + 1;
    } else {
        v->e = v->e_end = s;
    }
    for (end = s; *end; end++)
        if (*end == '-')
            hyphen = end;
    v->v = s;
    v->v_end = hyphen ? hyphen : end;
    v->r = hyphen ? hyphen + 1 : NULL;
    v->r_end = end;
    if (!field_ok(v->v, v->v_end))
        return -1;
    if (v->r && !field_ok(v->r, v->r_end))
        return -1;
    return 0;
}

/* Byte order of equal-length or letter runs; shorter prefix first. */
static int
bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int r = memcmp(a, b, na < nb ? na : nb);

    if (r)
        return r < 0 ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

/* Digit strings by value, any length. */
static int
number_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    while (na > 0 && *a == '0')
        a++, na--;
    while (nb > 0 && *b == '0')
        b++, nb--;
    if (na != nb)
        return na < nb ? -1 : 1;
    return bytes_cmp(a, na, b, nb);
}

/* rpmvercmp() over [a, ae) and [b, be); -1, 0 or 1. */
static int
vercmp(const char *a, const char *ae, const char *b, const char *be)
{
    for (;;) {
        const char *sa, *sb;
        int r;

        while (a < ae && !is_digit(*a) && !is_alpha(*a) && *a != '~' && *a != '^')
            a++;
        while (b < be && !is_digit(*b) && !is_alpha(*b) && *b != '~' && *b != '^')
            b++;
        if ((a < ae && *a == '~') || (b < be && *b == '~')) {
            if (a == ae || *a != '~')
                return 1;
            if (b == be || *b != '~')
                return -1;
            a++;
            b++;
            continue;
        }
        if ((a < ae && *a == '^') || (b < be && *b == '^')) {
            if (a == ae)
                return -1;
            if (b == be)
                return 1;
            if (*a != '^')
                return 1;
            if (*b != '^')
                return -1;
            a++;
            b++;
            continue;
        }
        if (a == ae || b == be)
            break;
        sa = a;
        sb = b;
        if (is_digit(*a)) {
            while (a < ae && is_digit(*a))
                a++;
            while (b < be && is_digit(*b))
                b++;
            if (b == sb)
                return 1; /* digits against letters: digits are newer */
            r = number_cmp(sa, (size_t)(a - sa), sb, (size_t)(b - sb));
        } else {
            while (a < ae && is_alpha(*a))
                a++;
            while (b < be && is_alpha(*b))
                b++;
            if (b == sb)
                return -1;
            r = bytes_cmp(sa, (size_t)(a - sa), sb, (size_t)(b - sb));
        }
        if (r)
            return r;
    }
    if (a == ae && b == be)
        return 0;
    return a == ae ? -1 : 1;
}

static int
rpm_valid(const char *s)
{
    struct evr v;

    return parse(s, &v) == 0;
}

static int
rpm_cmp(const char *a, const char *b, int *out)
{
    struct evr va, vb;
    int r;

    if (parse(a, &va) != 0 || parse(b, &vb) != 0)
        return -1;
    r = number_cmp(va.e, (size_t)(va.e_end - va.e), vb.e, (size_t)(vb.e_end - vb.e));
    if (r == 0)
        r = vercmp(va.v, va.v_end, vb.v, vb.v_end);
    if (r == 0) {
        if (va.r && vb.r)
            r = vercmp(va.r, va.r_end, vb.r, vb.r_end);
        else if (va.r || vb.r)
            r = va.r ? 1 : -1;
    }
    *out = r;
    return 0;
}

const struct version_scheme version_rpm = {
    .name = "rpm",
    .valid = rpm_valid,
    .cmp = rpm_cmp,
};

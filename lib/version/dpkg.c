/*
 * dpkg.c - Debian and Ubuntu version order, as dpkg itself defines it
 * (deb-version(7); dpkg's lib/dpkg/parsehelp.c parseversion() decides what
 * is valid, lib/dpkg/version.c verrevcmp() the order).
 *
 * A version is [epoch:]upstream[-revision]. The epoch is the number before
 * the first ':'; the revision is what follows the last '-'. Upstream and
 * revision compare left to right in alternating runs of non-digits and
 * digits: in a non-digit run '~' sorts before everything, even the end of
 * the string (1.0~rc1 < 1.0), then the end, then letters (ASCII order), then
 * every other character (ASCII order); digit runs compare as numbers of any
 * length, so leading zeros do not count and nothing can overflow.
 *
 * Valid means dpkg --validate-version accepts the string without an error
 * or a warning: blanks only at either end, an epoch that strtol() reads up
 * to the colon as 0..INT_MAX (so "+1:", "-0:" and leading whitespace
 * characters are accepted, as dpkg accepts them), upstream starting with a
 * digit and made of alphanumerics and ".+-~:", revision of alphanumerics
 * and ".+~". dpkg orders warned-about versions anyway; moat does not match
 * against versions dpkg calls bad.
 */
#include "version.h"

#include <limits.h>
#include <string.h>

struct dpkg_version {
    unsigned long epoch;
    const char *up, *up_end;   /* upstream, never empty */
    const char *rev, *rev_end; /* revision, empty when there is none */
};

/* dpkg uses C-locale character classes whatever the locale is. */
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

static int
is_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* What strtol() skips before a number in the C locale. */
static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* The epoch in [s, colon), read the way dpkg's strtol() call reads it:
 * optional whitespace and sign, at least one digit, nothing else before the
 * colon, value 0..INT_MAX ("-0" is 0). Only the value up to INT_MAX is
 * accumulated, so any number of digits is safe. */
static int
parse_epoch(const char *s, const char *colon, unsigned long *out)
{
    const char *p = s;
    unsigned long v = 0;
    int neg = 0, big = 0;

    while (p < colon && is_space((unsigned char)*p))
        p++;
    if (p < colon && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
    }
    if (p == colon || !is_digit(*p))
        return -1;
    for (; p < colon && is_digit(*p); p++) {
        if (!big) {
            v = v * 10 + (unsigned long)(*p - '0');
            big = v > INT_MAX;
        }
    }
    if (p != colon || big || (neg && v != 0))
        return -1;
    *out = v;
    return 0;
}

/* Splits and checks s as dpkg's parseversion() does; 0, or -1 for
 * anything dpkg reports as an error or a warning. */
static int
parse(const char *s, struct dpkg_version *v)
{
    const char *end, *p, *colon = NULL, *hyphen = NULL;

    while (is_blank(*s))
        s++;
    if (!*s)
        return -1;
    for (end = s; *end && !is_blank(*end); end++)
        ;
    for (p = end; is_blank(*p); p++)
        ;
    if (*p)
        return -1; /* embedded blanks */
    colon = memchr(s, ':', (size_t)(end - s));
    v->epoch = 0;
    if (colon) {
        if (parse_epoch(s, colon, &v->epoch) != 0)
            return -1;
        s = colon + 1;
        if (s == end)
            return -1; /* nothing after the colon */
    }
    for (p = s; p < end; p++)
        if (*p == '-')
            hyphen = p;
    v->up = s;
    v->up_end = hyphen ? hyphen : end;
    v->rev = hyphen ? hyphen + 1 : end;
    v->rev_end = end;
    if (hyphen && v->rev == end)
        return -1; /* empty revision */
    if (v->up == v->up_end || !is_digit(*v->up))
        return -1;
    for (p = v->up + 1; p < v->up_end; p++)
        if (!is_digit(*p) && !is_alpha(*p) && !strchr(".-+~:", *p))
            return -1;
    for (p = v->rev; p < v->rev_end; p++)
        if (!is_digit(*p) && !is_alpha(*p) && !strchr(".+~", *p))
            return -1;
    return 0;
}

/* Weight of one character of a non-digit run; the end of the run (c == 0)
 * weighs as much as a digit, i.e. ends it. */
static int
weight(int c)
{
    if (c == 0 || is_digit(c))
        return 0;
    if (is_alpha(c))
        return c;
    if (c == '~')
        return -1;
    return c + 256;
}

/* dpkg's verrevcmp() over [a, ae) and [b, be); <0, 0, >0. Digit runs are
 * compared digit by digit after their leading zeros, never converted. */
static int
verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
    while (a < ae || b < be) {
        int first_diff = 0;

        while ((a < ae && !is_digit(*a)) || (b < be && !is_digit(*b))) {
            int wa = weight(a < ae ? (unsigned char)*a : 0);
            int wb = weight(b < be ? (unsigned char)*b : 0);

            if (wa != wb)
                return wa - wb;
            /* equal weights here are two equal non-digit characters */
            a++;
            b++;
        }
        while (a < ae && *a == '0')
            a++;
        while (b < be && *b == '0')
            b++;
        while (a < ae && b < be && is_digit(*a) && is_digit(*b)) {
            if (!first_diff)
                first_diff = *a - *b;
            a++;
            b++;
        }
        if (a < ae && is_digit(*a))
            return 1;
        if (b < be && is_digit(*b))
            return -1;
        if (first_diff)
            return first_diff;
    }
    return 0;
}

static int
dpkg_valid(const char *s)
{
    struct dpkg_version v;

    return parse(s, &v) == 0;
}

static int
dpkg_cmp(const char *a, const char *b, int *out)
{
    struct dpkg_version va, vb;
    int r;

    if (parse(a, &va) != 0 || parse(b, &vb) != 0)
        return -1;
    if (va.epoch != vb.epoch)
        r = va.epoch < vb.epoch ? -1 : 1;
    else {
        r = verrevcmp(va.up, va.up_end, vb.up, vb.up_end);
        if (r == 0)
            r = verrevcmp(va.rev, va.rev_end, vb.rev, vb.rev_end);
    }
    *out = r < 0 ? -1 : r > 0;
    return 0;
}

const struct version_scheme version_dpkg = {
    .name = "dpkg",
    .valid = dpkg_valid,
    .cmp = dpkg_cmp,
};

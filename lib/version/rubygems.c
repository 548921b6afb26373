/*
 * rubygems.c - Ruby gem versions, ordered the way Gem::Version orders them
 * (RubyGems 3.3, Debian's ruby; `ruby -e` is the differential test's
 * reference).
 *
 * Valid is Gem::Version.correct?: optional ASCII whitespace, then digits
 * followed by ".alnum" parts, then an optional pre-release part "-x.y"
 * whose parts may also contain '-' (so "1.0--" is valid); a string of only
 * whitespace is valid too and means "0".
 *
 * Order: every '-' reads as ".pre.", then the string is cut into runs of
 * digits (numbers of any size) and runs of letters (strings, case kept);
 * dots and the ends of runs only separate. Trailing zeros are dropped from
 * the leading all-numeric part and from the whole list ("1.0.a" equals
 * "1.a"; "1.a.0" equals "1.a"); the lists are then compared item by item,
 * a missing item counting as 0, a string sorting before any number and
 * strings comparing bytewise. So 1.0.a < 1.0 < 1.0.1 and "B" < "a".
 *
 * Nothing is allocated; numbers compare as digit strings of any length.
 */
#include "version.h"

#include <string.h>

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
is_alnum(int c)
{
    return is_digit(c) || is_alpha(c);
}

/* Ruby's \s and what String#strip removes (NUL cannot occur here). */
static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* The version proper of s without surrounding whitespace, [*b, *e);
 * 0, or -1 when s is not a gem version. */
static int
parse(const char *s, const char **b, const char **e)
{
    const char *p = s, *end = s + strlen(s);

    while (p < end && is_space((unsigned char)*p))
        p++;
    while (end > p && is_space((unsigned char)end[-1]))
        end--;
    *b = p;
    *e = end;
    if (p == end)
        return 0;
    if (!is_digit((unsigned char)*p))
        return -1;
    while (p < end && is_digit((unsigned char)*p))
        p++;
    while (p + 1 < end && *p == '.' && is_alnum((unsigned char)p[1])) {
        p++;
        while (p < end && is_alnum((unsigned char)*p))
            p++;
    }
    if (p + 1 < end && *p == '-' && (is_alnum((unsigned char)p[1]) || p[1] == '-')) {
        p++;
        for (;;) {
            while (p < end && (is_alnum((unsigned char)*p) || *p == '-'))
                p++;
            if (p + 1 < end && *p == '.' && (is_alnum((unsigned char)p[1]) || p[1] == '-'))
                p++;
            else
                break;
        }
    }
    return p == end ? 0 : -1;
}

/* One item of the segment list: a number (digits, possibly with leading
 * zeros) or a string. The implicit "pre" of a '-' is a string. */
struct item {
    int is_num;
    const char *p;
    size_t n;
};

/* Walks a version's canonical segments. Zeros of the leading numeric part
 * are only produced when a non-zero number follows before the first
 * string; keep_until marks the end of a zero run already known to be
 * followed by one, so each run is looked ahead over once. */
struct walk {
    const char *p, *end;
    int in_strings; /* past the first string */
    const char *keep_until;
};

static int
is_zero(const struct item *it)
{
    size_t i;

    if (!it->is_num)
        return 0;
    for (i = 0; i < it->n; i++)
        if (it->p[i] != '0')
            return 0;
    return 1;
}

/* The next raw item at or after *p, or 0 at the end. */
static int
raw_next(const char **p, const char *end, struct item *it)
{
    const char *q = *p;

    while (q < end && *q == '.')
        q++;
    if (q >= end)
        return 0;
    if (*q == '-') {
        it->is_num = 0;
        it->p = "pre";
        it->n = 3;
        *p = q + 1;
        return 1;
    }
    it->p = q;
    it->is_num = is_digit((unsigned char)*q);
    while (q < end && (it->is_num ? is_digit((unsigned char)*q) : is_alpha((unsigned char)*q)))
        q++;
    it->n = (size_t)(q - it->p);
    *p = q;
    return 1;
}

static int
walk_next(struct walk *w, struct item *it)
{
    for (;;) {
        const char *at, *before;
        struct item ahead;
        int found;

        if (!raw_next(&w->p, w->end, it))
            return 0;
        if (!it->is_num)
            w->in_strings = 1;
        if (w->in_strings || !is_zero(it) || w->p <= w->keep_until)
            return 1;
        /* A zero of the leading numeric part: kept only when a non-zero
         * number follows before the first string. */
        at = w->p;
        for (;;) {
            before = at;
            found = raw_next(&at, w->end, &ahead);
            if (!found || !ahead.is_num || !is_zero(&ahead))
                break;
        }
        if (found && ahead.is_num) {
            w->keep_until = before;
            return 1;
        }
        w->p = before; /* trailing zeros: the string or the end comes next */
    }
}

static int
cmp_num(const char *a, size_t an, const char *b, size_t bn)
{
    int c;

    while (an && *a == '0')
        a++, an--;
    while (bn && *b == '0')
        b++, bn--;
    if (an != bn)
        return an < bn ? -1 : 1;
    c = an ? memcmp(a, b, an) : 0;
    return (c > 0) - (c < 0);
}

static int
cmp_item(const struct item *x, const struct item *y)
{
    size_t n = x->n < y->n ? x->n : y->n;
    int c;

    if (x->is_num != y->is_num)
        return x->is_num ? 1 : -1;
    if (x->is_num)
        return cmp_num(x->p, x->n, y->p, y->n);
    c = n ? memcmp(x->p, y->p, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return x->n == y->n ? 0 : x->n < y->n ? -1 : 1;
}

static int
compare(const char *a, const char *ae, const char *b, const char *be)
{
    static const struct item zero = {1, "0", 1};
    struct walk x = {a, ae, 0, a}, y = {b, be, 0, b};

    for (;;) {
        struct item i, j;
        int hi = walk_next(&x, &i), hj = walk_next(&y, &j), c;
        if (!hi && !hj)
            return 0;
        c = cmp_item(hi ? &i : &zero, hj ? &j : &zero);
        if (c)
            return c;
    }
}

static int
valid(const char *s)
{
    const char *b, *e;

    return parse(s, &b, &e) == 0;
}

static int
cmp(const char *a, const char *b, int *out)
{
    const char *ab, *ae, *bb, *be;

    if (parse(a, &ab, &ae) != 0 || parse(b, &bb, &be) != 0)
        return -1;
    *out = compare(ab, ae, bb, be);
    return 0;
}

const struct version_scheme version_rubygems = {
    .name = "rubygems",
    .valid = valid,
    .cmp = cmp,
};

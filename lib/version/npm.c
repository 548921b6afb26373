/*
 * npm.c - npm package versions and ranges, as the npm package `semver`
 * (node-semver 7.x, which npm itself uses) reads and orders them with its
 * default options (loose off, includePrerelease off). Checked against
 * semver 7.8.6 by tests/e2e/test_version_semver.py.
 *
 * Versions: what semver.valid() accepts. SemVer 2.0.0 with node-semver's
 * additions: surrounding JavaScript whitespace is trimmed, one leading "v"
 * is allowed ("=1.2.3" is a range, not a version), the whole string
 * including that whitespace is at most 256 UTF-16 units, and MAJOR, MINOR
 * and PATCH are at most 2^53-1 (Number.MAX_SAFE_INTEGER).
 *
 * Order: semver.compare(). SemVer 2.0.0 precedence with build metadata
 * ignored, except that node-semver compares numeric pre-release
 * identifiers as JavaScript numbers: two identifiers of 16 or more digits
 * that round to the same double are equal (1.0.0-9007199254740993 ==
 * 1.0.0-9007199254740992). moat does the same rounding, exactly (a
 * big-number conversion, no strtod, no allocation). One deliberate
 * difference: when such a rounded tie occurs, node-semver stops and calls
 * the versions equal, ignoring the identifiers after it, which is not
 * transitive (1.0.0-X.a == 1.0.0-Y.b == 1.0.0-X.c, yet 1.0.0-X.a <
 * 1.0.0-X.c); moat goes on to the next identifier, keeping a total order.
 *
 * Ranges: semver.satisfies(). node-semver evaluates a range by rewriting
 * its text step by step (strip build metadata, hyphen ranges, join
 * operators to their versions, ~ and ^, x-ranges, stars, >=0.0.0) and then
 * parsing what is left as comparators; quirks of that rewriting decide
 * what odd ranges mean ("1.2.3*" is 1.2.3, "^1.x.3" is ^1, "=1.2.3 - 2"
 * is invalid). moat repeats the same rewriting on the same text, in fixed
 * buffers, so it agrees on odd ranges too, then applies node-semver's
 * pre-release rule: a version with a pre-release tag only satisfies a
 * comparator set in which some comparator has a pre-release on the same
 * MAJOR.MINOR.PATCH. Ranges longer than MOAT_LIMIT_VERSION_RANGE are
 * invalid here (node-semver has no limit).
 */
#include "version.h"
#include "npm.h"
#include "semver.h"
#include "base/limits.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define NPM_MAX_LENGTH 256
#define NPM_MAX_SAFE "9007199254740991"
/* Any number above 2^53-1: what an x-range bound incremented past it
 * becomes (node-semver then rejects the comparator, and so does moat). */
#define NPM_TOO_BIG "9007199254740993"

/* ---- JavaScript whitespace (String.prototype.trim, \s) ---- */

/* Length in bytes of the JavaScript whitespace character at [p, end) in
 * UTF-8, or 0. */
static size_t
ws_len(const unsigned char *p, const unsigned char *end)
{
    size_t n = (size_t)(end - p);

    if (n == 0)
        return 0;
    if (*p == ' ' || (*p >= 0x09 && *p <= 0x0d))
        return 1;
    if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0) /* U+00A0 */
        return 2;
    if (n < 3)
        return 0;
    if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) /* U+1680 */
        return 3;
    /* U+2000-200A, U+2028, U+2029, U+202F */
    if (p[0] == 0xe2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
        return 3;
    if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) /* U+205F */
        return 3;
    if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) /* U+3000 */
        return 3;
    if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) /* U+FEFF */
        return 3;
    return 0;
}

/* Length of a whitespace character ending exactly at end. */
static size_t
ws_len_before(const unsigned char *begin, const unsigned char *end)
{
    size_t k;

    for (k = 1; k <= 3 && k <= (size_t)(end - begin); k++)
        if (ws_len(end - k, end) == k)
            return k;
    return 0;
}

/* ---- versions ---- */

/* Length of s in UTF-16 code units, as JavaScript's String length. */
static size_t
js_length(const unsigned char *s, size_t n)
{
    size_t i, len = 0;

    for (i = 0; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            len++;
        if (s[i] >= 0xf0) /* outside the BMP: a surrogate pair */
            len++;
    }
    return len;
}

static int
safe_integer(struct semver_span d)
{
    return d.n < sizeof(NPM_MAX_SAFE) - 1 ||
           (d.n == sizeof(NPM_MAX_SAFE) - 1 && memcmp(d.p, NPM_MAX_SAFE, d.n) <= 0);
}

/* new SemVer(s) on [s, s+n): 0 and the parts, or -1 where it throws. */
static int
parse_n(const char *s, size_t n, struct semver *out /* OUT */)
{
    const unsigned char *b = (const unsigned char *)s, *e = b + n;
    size_t w;

    if (js_length(b, n) > NPM_MAX_LENGTH)
        return -1;
    for (w = ws_len(b, e); w; w = ws_len(b, e))
        b += w;
    for (w = ws_len_before(b, e); w; w = ws_len_before(b, e))
        e -= w;
    if (b < e && *b == 'v')
        b++;
    if (semver_parse((const char *)b, (size_t)(e - b), out) != 0)
        return -1;
    if (!safe_integer(out->major) || !safe_integer(out->minor) || !safe_integer(out->patch))
        return -1;
    return 0;
}

static int
parse(const char *s, struct semver *out /* OUT */)
{
    return parse_n(s, strlen(s), out);
}

/* A decimal number rounded to the nearest double (ties to even), as a
 * comparable key: bit length and 53-bit significand. */
struct dkey {
    unsigned bits;
    uint64_t mant;
};

#define DKEY_LIMBS 40 /* 1280 bits: more than 300 digits */

static unsigned
bit_at(const uint32_t *limb, size_t i)
{
    return (limb[i / 32] >> (i % 32)) & 1u;
}

static void
to_dkey(const char *p, size_t n, struct dkey *k /* OUT */)
{
    uint32_t limb[DKEY_LIMBS] = {0};
    size_t used = 1, i, j, top;
    unsigned bits;
    int round, sticky = 0;

    if (n > 300) { /* beyond DBL_MAX: +s is Infinity; versions cannot get here */
        k->bits = UINT_MAX;
        k->mant = 0;
        return;
    }
    for (i = 0; i < n; i++) {
        uint64_t carry = (uint64_t)(p[i] - '0');
        for (j = 0; j < used; j++) {
            uint64_t t = (uint64_t)limb[j] * 10 + carry;
            limb[j] = (uint32_t)t;
            carry = t >> 32;
        }
        if (carry && used < DKEY_LIMBS)
            limb[used++] = (uint32_t)carry;
    }
    while (used > 1 && limb[used - 1] == 0)
        used--;
    if (limb[used - 1] == 0) {
        k->bits = 0;
        k->mant = 0;
        return;
    }
    for (bits = 32; !(limb[used - 1] >> (bits - 1)); bits--)
        ;
    bits += (unsigned)(used - 1) * 32;
    k->mant = 0;
    top = bits - 1;
    for (i = 0; i < 53 && i < bits; i++)
        k->mant = (k->mant << 1) | bit_at(limb, top - i);
    if (bits <= 53) {
        k->mant <<= 53 - bits;
        k->bits = bits;
        return;
    }
    round = (int)bit_at(limb, bits - 54);
    for (i = 0; i + 54 < bits && !sticky; i++)
        sticky = (int)bit_at(limb, i);
    if (round && (sticky || (k->mant & 1))) {
        k->mant++;
        if (k->mant >> 53) {
            k->mant >>= 1;
            bits++;
        }
    }
    k->bits = bits;
}

/* Numeric pre-release identifiers, compared as node-semver does: as
 * JavaScript numbers. Below 16 digits every value is exact. */
static int
cmp_num(const char *a, size_t an, const char *b, size_t bn)
{
    struct dkey x, y;

    if (an < 16 || bn < 16)
        return semver_cmp_digits(a, an, b, bn);
    to_dkey(a, an, &x);
    to_dkey(b, bn, &y);
    if (x.bits != y.bits)
        return x.bits < y.bits ? -1 : 1;
    return x.mant < y.mant ? -1 : x.mant > y.mant;
}

static int
cmp_parsed(const struct semver *x, const struct semver *y)
{
    int c = semver_cmp_digits(x->major.p, x->major.n, y->major.p, y->major.n);

    if (!c)
        c = semver_cmp_digits(x->minor.p, x->minor.n, y->minor.p, y->minor.n);
    if (!c)
        c = semver_cmp_digits(x->patch.p, x->patch.n, y->patch.p, y->patch.n);
    if (!c)
        c = semver_cmp_pre(x->pre, y->pre, cmp_num);
    return c;
}

static int
npm_valid(const char *s)
{
    struct semver v;

    return parse(s, &v) == 0;
}

static int
npm_cmp(const char *a, const char *b, int *out)
{
    struct semver x, y;

    if (parse(a, &x) != 0 || parse(b, &y) != 0)
        return -1;
    *out = cmp_parsed(&x, &y);
    return 0;
}

const struct version_scheme version_npm = {
    .name = "npm",
    .valid = npm_valid,
    .cmp = npm_cmp,
};

/* ---- ranges: text buffers ---- */

/* A text being rewritten. Sized so that no rewriting of a range within
 * MOAT_LIMIT_VERSION_RANGE can fill it; `full` turns an overflow (a bug,
 * not an input property) into "invalid" instead of a truncation. */
#define RBUF (2 * MOAT_LIMIT_VERSION_RANGE + 256)

struct text {
    char s[RBUF];
    size_t n;
    int full;
};

static void
t_reset(struct text *t)
{
    t->n = 0;
    t->full = 0;
    t->s[0] = '\0';
}

static void
t_add(struct text *t, const char *s, size_t n)
{
    if (t->full || n >= RBUF - t->n) {
        t->full = 1;
        return;
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
}

static void
t_str(struct text *t, const char *s)
{
    t_add(t, s, strlen(s));
}

static void
t_span(struct text *t, struct semver_span sp)
{
    t_add(t, sp.p, sp.n);
}

/* Appends the JavaScript value of `+digits + 1`; above 2^53-1 any number
 * that node-semver will refuse as a version component is as good. */
static void
t_inc(struct text *t, struct semver_span d)
{
    char num[24];
    uint64_t v = 0;
    size_t i, k = sizeof(num);

    if (!safe_integer(d)) {
        t_str(t, NPM_TOO_BIG);
        return;
    }
    for (i = 0; i < d.n; i++)
        v = v * 10 + (uint64_t)(d.p[i] - '0');
    v++;
    do {
        num[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    t_add(t, num + k, sizeof(num) - k);
}

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
is_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- ranges: node-semver's XRANGEPLAIN ---- */

/* The pieces of an x-range version ("v1.2.x-pre"); n == 0 for absent. */
struct xr {
    struct semver_span M, m, p, pr;
};

/* One XRANGEIDENTIFIER (0, [1-9][0-9]{0,256}, x, X or *) at i: its end, or
 * i when there is none. */
static size_t
xrid(const char *s, size_t i, size_t n)
{
    size_t j;

    if (i >= n)
        return i;
    if (s[i] == '0' || s[i] == 'x' || s[i] == 'X' || s[i] == '*')
        return i + 1;
    if (s[i] < '1' || s[i] > '9')
        return i;
    for (j = i + 1; j < n && is_digit((unsigned char)s[j]) && j - i < 257; j++)
        ;
    return j;
}

/* A pre-release identifier as the safe regular expression accepts it:
 * numeric without leading zero (at most 257 digits), or at most 256 digits,
 * a letter or '-', and at most 250 more identifier characters. */
static int
pid_ok(const char *s, size_t n)
{
    size_t d = 0;

    while (d < n && is_digit((unsigned char)s[d]))
        d++;
    if (d == n)
        return n == 1 || (s[0] != '0' && n <= 257);
    return d <= 256 && n - d - 1 <= 250;
}

/* A dot-separated identifier list at [i, n): its end, or i on failure.
 * pre: pre-release identifiers (pid_ok), else build ones (1-250 chars). */
static size_t
id_list(const char *s, size_t i, size_t n, int pre)
{
    size_t e;

    for (;;) {
        for (e = i; e < n && semver_ident_char((unsigned char)s[e]); e++)
            ;
        if (e == i || (pre ? !pid_ok(s + i, e - i) : e - i > 250))
            return SIZE_MAX;
        if (e == n || s[e] != '.')
            return e;
        i = e + 1;
    }
}

/* Matches all of [s, s+n) against XRANGEPLAIN: a prefix of 'v', '=' (and
 * spaces when spaces), then M[.m[.p[-pre][+build]]]. 0 or -1. */
static int
xr_parse(const char *s, size_t n, int spaces, struct xr *x /* OUT */)
{
    size_t i = 0, j, k, q;

    memset(x, 0, sizeof(*x));
    while (i < n && (s[i] == 'v' || s[i] == '=' || (spaces && s[i] == ' ')))
        i++;
    j = xrid(s, i, n);
    if (j == i)
        return -1;
    x->M.p = s + i;
    x->M.n = j - i;
    if (j == n)
        return 0;
    if (s[j] != '.')
        return -1;
    k = xrid(s, j + 1, n);
    if (k == j + 1)
        return -1;
    x->m.p = s + j + 1;
    x->m.n = k - j - 1;
    if (k == n)
        return 0;
    if (s[k] != '.')
        return -1;
    q = xrid(s, k + 1, n);
    if (q == k + 1)
        return -1;
    x->p.p = s + k + 1;
    x->p.n = q - k - 1;
    if (q < n && s[q] == '-') {
        size_t e = id_list(s, q + 1, n, 1);
        if (e == SIZE_MAX)
            return -1;
        x->pr.p = s + q + 1;
        x->pr.n = e - q - 1;
        q = e;
    }
    if (q < n && s[q] == '+') {
        q = id_list(s, q + 1, n, 0);
        if (q == SIZE_MAX)
            return -1;
    }
    return q == n ? 0 : -1;
}

/* node-semver's isX: absent, x, X or *. */
static int
is_x(struct semver_span id)
{
    return id.n == 0 || (id.n == 1 && (*id.p == 'x' || *id.p == 'X' || *id.p == '*'));
}

static int
is_zero(struct semver_span id)
{
    return id.n == 1 && *id.p == '0';
}

/* ---- ranges: the rewriting steps of Range.parseRange ---- */

/* Removes every "+build" (the global, unbounded BUILD expression). */
static void
strip_builds(const char *s, size_t n, struct text *out)
{
    size_t i = 0, j;

    t_reset(out);
    while (i < n) {
        if (s[i] == '+' && i + 1 < n && semver_ident_char((unsigned char)s[i + 1])) {
            j = i + 1;
            for (;;) {
                while (j < n && semver_ident_char((unsigned char)s[j]))
                    j++;
                if (j + 1 < n && s[j] == '.' && semver_ident_char((unsigned char)s[j + 1]))
                    j++;
                else
                    break;
            }
            i = j;
            continue;
        }
        t_add(out, s + i, 1);
        i++;
    }
}

static int
prefix_or_space(int c)
{
    return c == 'v' || c == '=' || c == ' ';
}

/* Where "A - B" spans all of [s, s+n) as HYPHENRANGE matches it: A is
 * [*a, *ae), B is [*b, *be), both parsed. 0, or -1 when it does not match.
 * A and B end at a space; the text around " - " is only spaces. */
static int
hyphen_match(const char *s, size_t n, struct xr *f, struct xr *t, size_t *a /* OUT */,
             size_t *ae /* OUT */, size_t *b /* OUT */, size_t *be /* OUT */)
{
    size_t i = (n > 0 && s[0] == ' ') ? 1 : 0, k;

    for (k = i; k < n && prefix_or_space((unsigned char)s[k]); k++)
        ;
    if (k == n)
        return -1;
    for (*ae = k; *ae < n && s[*ae] != ' '; (*ae)++)
        ;
    if (n - *ae < 3 || memcmp(s + *ae, " - ", 3) != 0)
        return -1;
    *a = i;
    *b = *ae + 3;
    for (k = *b; k < n && prefix_or_space((unsigned char)s[k]); k++)
        ;
    if (k == n)
        return -1;
    for (*be = k; *be < n && s[*be] != ' '; (*be)++)
        ;
    if (*be != n && !(*be + 1 == n && s[*be] == ' '))
        return -1;
    if (xr_parse(s + *a, *ae - *a, 1, f) != 0 || xr_parse(s + *b, *be - *b, 1, t) != 0)
        return -1;
    return 0;
}

/* "A - B" becomes ">=A <=B" and friends (hyphenReplace); anything else is
 * copied. */
static void
hyphen(const char *s, size_t n, struct text *out)
{
    struct xr f, t;
    size_t a, ae, b, be;

    t_reset(out);
    if (hyphen_match(s, n, &f, &t, &a, &ae, &b, &be) != 0) {
        t_add(out, s, n);
        return;
    }
    /* from */
    if (is_x(f.M)) {
        ;
    } else if (is_x(f.m)) {
        t_str(out, ">=");
        t_span(out, f.M);
        t_str(out, ".0.0");
    } else if (is_x(f.p)) {
        t_str(out, ">=");
        t_span(out, f.M);
        t_str(out, ".");
        t_span(out, f.m);
        t_str(out, ".0");
    } else {
        t_str(out, ">=");
        t_add(out, s + a, ae - a);
    }
    /* to, after one space; the result is trimmed */
    if (is_x(t.M))
        return;
    if (out->n)
        t_str(out, " ");
    if (is_x(t.m)) {
        t_str(out, "<");
        t_inc(out, t.M);
        t_str(out, ".0.0-0");
    } else if (is_x(t.p)) {
        t_str(out, "<");
        t_span(out, t.M);
        t_str(out, ".");
        t_inc(out, t.m);
        t_str(out, ".0-0");
    } else if (t.pr.n) {
        t_str(out, "<=");
        t_span(out, t.M);
        t_str(out, ".");
        t_span(out, t.m);
        t_str(out, ".");
        t_span(out, t.p);
        t_str(out, "-");
        t_span(out, t.pr);
    } else {
        t_str(out, "<=");
        t_add(out, s + b, be - b);
    }
}

/* ---- trimComparatorWhitespace (node-semver 7.8's scanner) ---- */

static int
ws1(int c)
{
    return c == ' '; /* the only whitespace left after normalisation */
}

static int
version_prefix(int c)
{
    return c == 'v' || c == '=' || ws1(c);
}

static int
version_start(int c)
{
    return is_digit(c) || c == 'x' || c == 'X' || c == '*';
}

/* The text is NUL-terminated, so s[n] is a character that matches
 * nothing, like JavaScript's undefined past the end. */
static size_t
digits_end(const char *s, size_t i, size_t limit)
{
    size_t e = i;

    if (!is_digit((unsigned char)s[i]))
        return i;
    while (is_digit((unsigned char)s[e]))
        e++;
    return e - i > limit ? i + limit : e;
}

static size_t
number_end(const char *s, size_t i, int loose)
{
    if (!loose && s[i] == '0')
        return i + 1;
    return digits_end(s, i, loose ? NPM_MAX_LENGTH : NPM_MAX_LENGTH + 1);
}

static size_t
pre_ident_end(const char *s, size_t i, int loose)
{
    size_t d = digits_end(s, i, NPM_MAX_LENGTH), e, lim;

    if (is_letter((unsigned char)s[d]) || s[d] == '-') {
        e = d + 1;
        lim = e + (NPM_MAX_LENGTH - 6);
        while (e < lim && semver_ident_char((unsigned char)s[e]))
            e++;
        return e;
    }
    return number_end(s, i, loose);
}

static size_t
pre_end(const char *s, size_t i, int loose)
{
    int hy = s[i] == '-';
    size_t start = i + (size_t)hy, e, nx;

    if (!loose && !hy)
        return i;
    e = pre_ident_end(s, start, loose);
    if (e == start) {
        if (!loose || !hy)
            return i;
        e = pre_ident_end(s, i, loose);
    }
    while (s[e] == '.') {
        nx = pre_ident_end(s, e + 1, loose);
        if (nx == e + 1)
            break;
        e = nx;
    }
    return e;
}

static size_t
build_ident_end(const char *s, size_t i)
{
    size_t e = i;

    while (e - i < NPM_MAX_LENGTH - 6 && semver_ident_char((unsigned char)s[e]))
        e++;
    return e;
}

static size_t
build_end(const char *s, size_t i)
{
    size_t e, nx;

    if (s[i] != '+')
        return i;
    e = build_ident_end(s, i + 1);
    if (e == i + 1)
        return i;
    while (s[e] == '.') {
        nx = build_ident_end(s, e + 1);
        if (nx == e + 1)
            break;
        e = nx;
    }
    return e;
}

static size_t
loose_full_end(const char *s, size_t i)
{
    size_t e = i, nx;
    int c;

    for (c = 0; c < 3; c++) {
        nx = number_end(s, e, 1);
        if (nx == e)
            return i;
        e = nx;
        if (c < 2) {
            if (s[e] != '.')
                return i;
            e++;
        }
    }
    return build_end(s, pre_end(s, e, 1));
}

static size_t
partial_component_end(const char *s, size_t i)
{
    if (is_digit((unsigned char)s[i]))
        return number_end(s, i, 0);
    return version_start((unsigned char)s[i]) ? i + 1 : i;
}

static size_t
partial_end(const char *s, size_t i)
{
    size_t e = partial_component_end(s, i), nx;
    int c;

    for (c = 0; c < 2; c++) {
        if (s[e] != '.')
            return e;
        nx = partial_component_end(s, e + 1);
        if (nx == e + 1)
            return e;
        e = nx;
    }
    return build_end(s, pre_end(s, e, 0));
}

static size_t
version_end(const char *s, size_t i)
{
    size_t f = loose_full_end(s, i);

    return f != i ? f : partial_end(s, i);
}

/* Position of the space that "> 1.2.3" loses, or SIZE_MAX. */
static size_t
removable_space(const char *s, size_t i)
{
    if (ws1((unsigned char)s[i]))
        i++;
    if (s[i] == '<' || s[i] == '>')
        i++;
    if (s[i] == '=')
        i++;
    return ws1((unsigned char)s[i]) ? i : SIZE_MAX;
}

static void
trim_comparators(const char *s, size_t n, struct text *out)
{
    size_t cur = 0, from = 0, start, w;

    t_reset(out);
    while (cur < n) {
        start = cur;
        if (s[cur] == '<' || s[cur] == '>') {
            cur++;
        } else if (!version_prefix((unsigned char)s[cur]) &&
                   !version_start((unsigned char)s[cur])) {
            cur++;
            continue;
        }
        while (cur < n && version_prefix((unsigned char)s[cur]))
            cur++;
        if (!version_start((unsigned char)s[cur]))
            continue;
        w = removable_space(s, start);
        if (w != SIZE_MAX) {
            t_add(out, s + from, w - from);
            from = w + 1;
        }
        cur = version_end(s, cur);
    }
    t_add(out, s + from, n - from);
}

/* "~ " and "~> " lose the space (and the '>'): TILDETRIM; "^ " likewise:
 * CARETTRIM. */
static void
trim_op(const char *s, size_t n, char op, struct text *out)
{
    size_t i = 0;

    t_reset(out);
    while (i < n) {
        if (s[i] == op && i + 1 < n && s[i + 1] == ' ') {
            t_add(out, s + i, 1);
            i += 2;
        } else if (op == '~' && s[i] == op && i + 2 < n && s[i + 1] == '>' && s[i + 2] == ' ') {
            t_add(out, s + i, 1);
            i += 3;
        } else {
            t_add(out, s + i, 1);
            i++;
        }
    }
}

/* ---- parseComparator: carets, tildes, x-ranges, stars ---- */

/* The exclusive upper bound of a range that keeps part (0 major, 1 minor,
 * 2 patch) of x and bumps it: "<M+1.0.0-0", "<M.m+1.0-0", "<M.m.p+1-0"
 * without the "<" (the "-0" keeps pre-releases of the bound out). */
static void
t_bump(struct text *out, const struct xr *x, int part)
{
    if (part == 0) {
        t_inc(out, x->M);
        t_str(out, ".0.0-0");
        return;
    }
    t_span(out, x->M);
    t_str(out, ".");
    if (part == 1) {
        t_inc(out, x->m);
        t_str(out, ".0-0");
        return;
    }
    t_span(out, x->m);
    t_str(out, ".");
    t_inc(out, x->p);
    t_str(out, "-0");
}

/* ^M.m.p (replaceCaret) on one token, or the token itself. */
static void
caret(const char *s, size_t n, struct text *out)
{
    struct xr x;

    if (n == 0 || s[0] != '^' || xr_parse(s + 1, n - 1, 0, &x) != 0) {
        t_add(out, s, n);
        return;
    }
    if (is_x(x.M))
        return;
    t_str(out, ">=");
    t_span(out, x.M);
    if (is_x(x.m)) {
        t_str(out, ".0.0 <");
        t_bump(out, &x, 0);
        return;
    }
    t_str(out, ".");
    t_span(out, x.m);
    if (is_x(x.p)) {
        t_str(out, ".0 <");
        t_bump(out, &x, is_zero(x.M) ? 1 : 0);
        return;
    }
    t_str(out, ".");
    t_span(out, x.p);
    if (x.pr.n) {
        t_str(out, "-");
        t_span(out, x.pr);
    }
    t_str(out, " <");
    /* the caret keeps the left-most non-zero part */
    t_bump(out, &x, !is_zero(x.M) ? 0 : !is_zero(x.m) ? 1 : 2);
}

/* ~M.m.p and ~>M.m.p (replaceTilde) on one token, or the token itself. */
static void
tilde(const char *s, size_t n, struct text *out)
{
    struct xr x;
    size_t k = (n > 1 && s[1] == '>') ? 2 : 1;

    if (n == 0 || s[0] != '~' || xr_parse(s + k, n - k, 0, &x) != 0) {
        t_add(out, s, n);
        return;
    }
    if (is_x(x.M))
        return;
    t_str(out, ">=");
    t_span(out, x.M);
    if (is_x(x.m)) {
        t_str(out, ".0.0 <");
        t_bump(out, &x, 0);
        return;
    }
    t_str(out, ".");
    t_span(out, x.m);
    if (is_x(x.p)) {
        t_str(out, ".0");
    } else {
        t_str(out, ".");
        t_span(out, x.p);
        if (x.pr.n) {
            t_str(out, "-");
            t_span(out, x.pr);
        }
    }
    t_str(out, " <");
    t_bump(out, &x, 1);
}

/* [<>]=?M.m.p with x parts (replaceXRange) on one token, or the token. */
static void
xrange(const char *s, size_t n, struct text *out)
{
    struct xr x;
    size_t g = 0;
    char op[3];
    int xM, xm, xp;

    if (g < n && (s[g] == '<' || s[g] == '>'))
        g++;
    if (g < n && s[g] == '=')
        g++;
    if (n == 0 || xr_parse(s + g, n - g, 0, &x) != 0 || (is_x(x.M) && !is_x(x.m)) ||
        (is_x(x.m) && x.p.n && !is_x(x.p))) {
        t_add(out, s, n);
        return;
    }
    memcpy(op, s, g);
    op[g] = '\0';
    xM = is_x(x.M);
    xm = xM || is_x(x.m);
    xp = xm || is_x(x.p);
    if (strcmp(op, "=") == 0 && xp)
        op[0] = '\0';
    if (xM) {
        t_str(out, strcmp(op, ">") == 0 || strcmp(op, "<") == 0 ? "<0.0.0-0" : "*");
    } else if (op[0] && xp) {
        int inc_M = 0, inc_m = 0;

        if (strcmp(op, ">") == 0) {
            memcpy(op, ">=", 3);
            inc_M = xm;
            inc_m = !xm;
        } else if (strcmp(op, "<=") == 0) {
            memcpy(op, "<", 2);
            inc_M = xm;
            inc_m = !xm;
        }
        t_str(out, op);
        if (inc_M)
            t_inc(out, x.M);
        else
            t_span(out, x.M);
        t_str(out, ".");
        if (inc_m)
            t_inc(out, x.m);
        else if (xm)
            t_str(out, "0");
        else
            t_span(out, x.m);
        t_str(out, strcmp(op, "<") == 0 ? ".0-0" : ".0");
    } else if (xm) {
        t_str(out, ">=");
        t_span(out, x.M);
        t_str(out, ".0.0 <");
        t_bump(out, &x, 0);
    } else if (xp) {
        t_str(out, ">=");
        t_span(out, x.M);
        t_str(out, ".");
        t_span(out, x.m);
        t_str(out, ".0 <");
        t_bump(out, &x, 1);
    } else {
        t_add(out, s, n);
    }
}

/* Applies fn to every space-separated token of in (an empty text is one
 * empty token) and joins the results with single spaces. */
static void
each_token(const struct text *in, void (*fn)(const char *, size_t, struct text *), struct text *out)
{
    size_t i = 0, j;

    t_reset(out);
    out->full = in->full;
    for (;;) {
        for (j = i; j < in->n && in->s[j] != ' '; j++)
            ;
        fn(in->s + i, j - i, out);
        if (j >= in->n)
            break;
        t_str(out, " ");
        i = j + 1;
    }
}

/* Removes the first (<|>)?=?\s?\* of the trimmed text (replaceStars). */
static void
stars(const struct text *in, struct text *out)
{
    size_t b = 0, e = in->n, i, j;
    const char *s = in->s;

    t_reset(out);
    out->full = in->full;
    while (b < e && s[b] == ' ')
        b++;
    while (e > b && s[e - 1] == ' ')
        e--;
    for (i = b; i < e; i++) {
        j = i;
        if (s[j] == '<' || s[j] == '>')
            j++;
        if (j < e && s[j] == '=')
            j++;
        if (j < e && s[j] == ' ')
            j++;
        if (j < e && s[j] == '*') {
            t_add(out, s + b, i - b);
            t_add(out, s + j + 1, e - j - 1);
            return;
        }
    }
    t_add(out, s + b, e - b);
}

/* ---- comparators and sets ---- */

/* What one comparator set (one side of ||) says about a version. */
struct set_eval {
    const struct semver *v;
    size_t comparators; /* real ones; 0: the set is just "*" */
    int null_set;       /* contains <0.0.0-0, which nothing satisfies */
    int all_pass;       /* every comparator holds */
    int pre_allowed;    /* a comparator has a pre-release on v's M.m.p */
    int invalid;
};

static int
same_main(const struct semver *a, const struct semver *b)
{
    return semver_cmp_digits(a->major.p, a->major.n, b->major.p, b->major.n) == 0 &&
           semver_cmp_digits(a->minor.p, a->minor.n, b->minor.p, b->minor.n) == 0 &&
           semver_cmp_digits(a->patch.p, a->patch.n, b->patch.p, b->patch.n) == 0;
}

/* One comparator token (new Comparator): an operator and a version. */
static void
comparator(const char *s, size_t n, struct set_eval *ev)
{
    struct semver c;
    size_t g = 0;
    int lt = 0, gt = 0, eq = 0, r;

    if (n == 7 && memcmp(s, ">=0.0.0", 7) == 0) /* replaceGTE0: same as "" */
        return;
    if (g < n && (s[g] == '<' || s[g] == '>')) {
        lt = s[g] == '<';
        gt = s[g] == '>';
        g++;
    }
    if (g < n && s[g] == '=') {
        eq = 1;
        g++;
    }
    if (parse_n(s + g, n - g, &c) != 0) {
        ev->invalid = 1;
        return;
    }
    ev->comparators++;
    if (lt && !eq && c.pre.n == 1 && c.pre.p[0] == '0' && is_zero(c.major) && is_zero(c.minor) &&
        is_zero(c.patch))
        ev->null_set = 1;
    r = cmp_parsed(ev->v, &c);
    if (!((lt && (r < 0 || (eq && r == 0))) || (gt && (r > 0 || (eq && r == 0))) ||
          (!lt && !gt && r == 0)))
        ev->all_pass = 0;
    if (c.pre.n && same_main(&c, ev->v))
        ev->pre_allowed = 1;
}

/* Feeds every non-empty space-separated token of t to comparator(). */
static void
comparators(const struct text *t, struct set_eval *ev)
{
    size_t i = 0, j;

    while (i < t->n) {
        while (i < t->n && t->s[i] == ' ')
            i++;
        for (j = i; j < t->n && t->s[j] != ' '; j++)
            ;
        if (j > i)
            comparator(t->s + i, j - i, ev);
        i = j;
    }
}

/* Work space for one comparator set: the rewriting steps alternate
 * between two texts, a space-separated piece between two more. */
struct work {
    struct text a, b, p1, p2;
};

/* Range.parseRange on one side of "||" (already trimmed), evaluated
 * against ev->v. */
static void
eval_set(const char *s, size_t n, struct work *w, struct set_eval *ev)
{
    size_t i = 0, j;

    strip_builds(s, n, &w->a);
    hyphen(w->a.s, w->a.n, &w->b);
    trim_comparators(w->b.s, w->b.n, &w->a);
    trim_op(w->a.s, w->a.n, '~', &w->b);
    trim_op(w->b.s, w->b.n, '^', &w->a);
    if (w->a.full || w->b.full) {
        ev->invalid = 1;
        return;
    }
    /* split(' '), then each piece through carets, tildes, x-ranges and
     * stars; the results are split again into comparators */
    for (;;) {
        for (j = i; j < w->a.n && w->a.s[j] != ' '; j++)
            ;
        t_reset(&w->p1);
        caret(w->a.s + i, j - i, &w->p1);
        each_token(&w->p1, tilde, &w->p2);
        each_token(&w->p2, xrange, &w->p1);
        stars(&w->p1, &w->p2);
        if (w->p2.full) {
            ev->invalid = 1;
            return;
        }
        comparators(&w->p2, ev);
        if (j >= w->a.n)
            break;
        i = j + 1;
    }
}

/* range.trim().replace(/\s+/g, ' '): into out; -1 if the range holds a
 * character no step can remove and no comparator can contain (non-ASCII). */
static int
normalise(const char *range, struct text *out)
{
    const unsigned char *b = (const unsigned char *)range, *e = b + strlen(range);
    size_t w;
    int space = 0;

    t_reset(out);
    for (w = ws_len(b, e); w; w = ws_len(b, e))
        b += w;
    for (w = ws_len_before(b, e); w; w = ws_len_before(b, e))
        e -= w;
    while (b < e) {
        w = ws_len(b, e);
        if (w) {
            b += w;
            space = 1;
            continue;
        }
        if (*b >= 0x80)
            return -1;
        if (space)
            t_str(out, " ");
        space = 0;
        t_add(out, (const char *)b, 1);
        b++;
    }
    return out->full ? -1 : 0;
}

/* Evaluates range for version v: 0 and *match, or -1 if the range is
 * invalid. */
static int
eval_range(const char *range, const struct semver *v, int *match /* OUT */)
{
    struct {
        struct text raw;
        struct work w;
    } ws;
    size_t i = 0, j, sets = 0, nonnull = 0;
    int first = 0, any_star = 0, any_match = 0;

    if (strlen(range) > MOAT_LIMIT_VERSION_RANGE || normalise(range, &ws.raw) != 0)
        return -1;
    for (;;) {
        struct set_eval ev = {v, 0, 0, 1, 0, 0};
        const char *hit = NULL;
        size_t b, e;

        for (j = i; j + 1 < ws.raw.n; j++)
            if (ws.raw.s[j] == '|' && ws.raw.s[j + 1] == '|') {
                hit = ws.raw.s + j;
                break;
            }
        e = hit ? j : ws.raw.n;
        for (b = i; b < e && ws.raw.s[b] == ' '; b++)
            ;
        while (e > b && ws.raw.s[e - 1] == ' ')
            e--;
        eval_set(ws.raw.s + b, e - b, &ws.w, &ev);
        if (ev.invalid)
            return -1;
        ev.all_pass = ev.all_pass && !ev.null_set && (v->pre.n == 0 || ev.pre_allowed);
        if (sets++ == 0)
            first = ev.all_pass;
        if (!ev.null_set) {
            nonnull++;
            any_star |= ev.comparators == 0;
            any_match |= ev.all_pass;
        }
        if (!hit)
            break;
        i = j + 2;
    }
    /* Range's constructor: null sets go when there are several sets (the
     * first stays if all are null); then a lone "*" set replaces all */
    if (sets == 1)
        *match = first;
    else if (nonnull == 0)
        *match = first;
    else if (nonnull > 1 && any_star)
        *match = v->pre.n == 0;
    else
        *match = any_match;
    return 0;
}

int
version_npm_satisfies(const char *v, const char *range, int *out)
{
    struct semver ver;
    int match;

    if (parse(v, &ver) != 0 || eval_range(range, &ver, &match) != 0)
        return -1;
    *out = match;
    return 0;
}

int
version_npm_valid_range(const char *range)
{
    static const char zero[] = "0.0.0";
    struct semver ver;
    int match;

    if (parse(zero, &ver) != 0)
        return 0; /* cannot happen: "0.0.0" is valid */
    return eval_range(range, &ver, &match) == 0;
}

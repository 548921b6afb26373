/*
 * pep440.c - Python package versions (PyPI), ordered the way pip orders
 * them: PEP 440 as implemented by packaging.version.Version (packaging 23.0,
 * Debian's python3-packaging, is the reference the differential test runs).
 *
 * A version is [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], accepted in
 * every spelling packaging normalises: any case, "alpha"/"beta"/"c"/"pre"/
 * "preview" for a/b/rc, "rev"/"r" and the bare "-N" for post, '-', '_' or
 * '.' (or nothing) around the pre/post/dev parts, implicit 0 numbers,
 * leading and trailing whitespace. The order is packaging's key: epoch,
 * release with trailing zeros ignored, then pre (a dev release of a final
 * version sorts before its pre-releases, a final after them), post (none
 * first), dev (none last), local (none first; segments compare numerically
 * when all digits, else as lower-case strings, and strings sort first).
 *
 * Strings are read the way Python reads str: UTF-8 (anything else cannot
 * reach packaging and is invalid), with Unicode whitespace trimmed and the
 * regex's IGNORECASE rules, under which U+0130 and U+0131 match 'i', U+017F
 * matches 's' and U+212A matches 'k'. packaging keeps the lower-cased
 * spelling in its key, so "1.0prevıew" is a pre-release "prevıew" (between
 * "b" and "rc") rather than "rc"; this file reproduces that exactly. A
 * number longer than Python's int() accepts (MOAT_LIMIT_PEP440_DIGITS
 * digits) makes Version() fail, so the version is invalid here too.
 *
 * Nothing is allocated and numbers are compared as digit strings, so no
 * length of input can overflow anything.
 */
#include "version.h"
#include "base/limits.h"
#include "base/str.h"

#include <string.h>

/* Ranks of the lower-cased pre-release spellings in packaging's key, in
 * the order Python compares the strings: "a" < "b" < "previ\u0307ew" <
 * "prev\u0131ew" < "rc". */
enum { PRE_A, PRE_B, PRE_DOTTED_I, PRE_DOTLESS_I, PRE_RC };

/* Post-release spellings: "post" (also rev, r and the bare -N) and
 * "po\u017Ft", which sorts after it. */
enum { POST_POST, POST_LONG_S };

struct span {
    const char *p;
    size_t n;
};

struct pep440 {
    struct span epoch; /* n == 0: no epoch (0) */
    const char *rel, *rel_end;
    int pre;           /* -1: none, else PRE_* */
    struct span pre_n; /* n == 0: 0 */
    int post;          /* -1: none, else POST_* */
    struct span post_n;
    int dev; /* 0 or 1 */
    struct span dev_n;
    const char *local, *local_end; /* local == NULL: none */
};

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
is_sep(int c)
{
    return c == '-' || c == '_' || c == '.';
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Bytes of the whitespace character str.isspace() accepts at p, or 0. */
static size_t
space_at(const unsigned char *p, const unsigned char *e)
{
    size_t n = (size_t)(e - p);

    if (n >= 1 && ((*p >= 0x09 && *p <= 0x0d) || (*p >= 0x1c && *p <= 0x20)))
        return 1;
    if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
        return 2;
    if (n >= 3 && p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
        return 3;
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
        return 3;
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
        return 3;
    if (n >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
        return 3;
    return 0;
}

/* Bytes of whitespace ending at e (one character), or 0. Only called on
 * valid UTF-8, so the last 1..3 bytes are one character if they decode. */
static size_t
space_before(const unsigned char *b, const unsigned char *e)
{
    size_t k;

    for (k = 1; k <= 3 && k <= (size_t)(e - b); k++)
        if (space_at(e - k, e) == k)
            return k;
    return 0;
}

/* Characters outside ASCII that IGNORECASE lets stand for a letter. */
#define DOTTED_I "\xc4\xb0"   /* U+0130, lower-cases to "i\u0307" */
#define DOTLESS_I "\xc4\xb1"  /* U+0131, its own lower case */
#define LONG_S "\xc5\xbf"     /* U+017F, its own lower case */
#define KELVIN "\xe2\x84\xaa" /* U+212A, lower-cases to 'k' */

/* Matches one pattern letter (lower-case ASCII) at p the way the regex
 * does; returns the bytes used (0: no match) and in *variant 0 for ASCII,
 * 1 for the dotted capital I or the long s, 2 for the dotless i. */
static size_t
letter_at(const char *p, const char *e, char want, int *variant)
{
    size_t n = (size_t)(e - p);

    *variant = 0;
    if (n >= 1 && lower((unsigned char)*p) == want)
        return 1;
    if (want == 'i' && n >= 2 && memcmp(p, DOTTED_I, 2) == 0) {
        *variant = 1;
        return 2;
    }
    if (want == 'i' && n >= 2 && memcmp(p, DOTLESS_I, 2) == 0) {
        *variant = 2;
        return 2;
    }
    if (want == 's' && n >= 2 && memcmp(p, LONG_S, 2) == 0) {
        *variant = 1;
        return 2;
    }
    if (want == 'k' && n >= 3 && memcmp(p, KELVIN, 3) == 0)
        return 3;
    return 0;
}

/* Matches the whole word (lower-case ASCII pattern) at p; returns bytes
 * used or 0. *variant is the non-zero variant of any letter matched (the
 * words concerned have at most one 'i' or 's'). */
static size_t
word_at(const char *p, const char *e, const char *word, int *variant)
{
    const char *q = p;
    int v;

    *variant = 0;
    for (; *word; word++) {
        size_t k = letter_at(q, e, *word, &v);
        if (k == 0)
            return 0;
        if (v)
            *variant = v;
        q += k;
    }
    return (size_t)(q - p);
}

/* Bytes of one character of a local segment ([a-z0-9] under IGNORECASE). */
static size_t
local_char_at(const char *p, const char *e)
{
    size_t n = (size_t)(e - p);
    int c = n ? lower((unsigned char)*p) : 0;

    if (n == 0)
        return 0;
    if (is_digit(c) || (c >= 'a' && c <= 'z'))
        return 1;
    if (n >= 2 &&
        (memcmp(p, DOTTED_I, 2) == 0 || memcmp(p, DOTLESS_I, 2) == 0 || memcmp(p, LONG_S, 2) == 0))
        return 2;
    if (n >= 3 && memcmp(p, KELVIN, 3) == 0)
        return 3;
    return 0;
}

static const char *
digits(const char *p, const char *e)
{
    while (p < e && is_digit((unsigned char)*p))
        p++;
    return p;
}

/* An optional separator, then an optional number: the tail of the pre,
 * post and dev parts. Both are taken greedily; the regex only ever gains by
 * that (what could follow never needs the separator). */
static const char *
number_tail(const char *p, const char *e, struct span *num)
{
    const char *d;

    if (p < e && is_sep((unsigned char)*p))
        p++;
    d = digits(p, e);
    num->p = p;
    num->n = (size_t)(d - p);
    return d;
}

static int
too_long(const struct span *s)
{
    return s->n > MOAT_LIMIT_PEP440_DIGITS;
}

/* Parses s; 0 or -1 (not a version packaging accepts). */
static int
parse(const char *s, struct pep440 *v)
{
    const char *b = s, *e = s + strlen(s), *p, *q;
    size_t k;
    int var;

    if (!str_valid_utf8(s, (size_t)(e - s)))
        return -1;
    for (;;) {
        k = space_at((const unsigned char *)b, (const unsigned char *)e);
        if (k == 0)
            break;
        b += k;
    }
    while (e > b) {
        k = space_before((const unsigned char *)b, (const unsigned char *)e);
        if (k == 0)
            break;
        e -= k;
    }
    memset(v, 0, sizeof(*v));
    v->pre = v->post = -1;
    p = b;
    if (p < e && lower((unsigned char)*p) == 'v')
        p++;

    q = digits(p, e);
    if (q > p && q < e && *q == '!') {
        v->epoch.p = p;
        v->epoch.n = (size_t)(q - p);
        if (too_long(&v->epoch))
            return -1;
        p = q + 1;
    }

    if (p == e || !is_digit((unsigned char)*p))
        return -1;
    v->rel = p;
    for (;;) {
        struct span c;
        q = digits(p, e);
        c.p = p;
        c.n = (size_t)(q - p);
        if (too_long(&c))
            return -1;
        p = q;
        if (p + 1 < e && *p == '.' && is_digit((unsigned char)p[1]))
            p++;
        else
            break;
    }
    v->rel_end = p;

    /* Pre-release: the longest spelling that matches (a shorter one, such
     * as "a" of "alpha", leaves letters nothing else can consume). */
    q = p < e && is_sep((unsigned char)*p) ? p + 1 : p;
    {
        static const struct {
            const char *word;
            int rank;
        } pre[] = {
            {"preview", PRE_RC}, {"alpha", PRE_A}, {"beta", PRE_B}, {"pre", PRE_RC},
            {"rc", PRE_RC},      {"a", PRE_A},     {"b", PRE_B},    {"c", PRE_RC},
        };
        size_t i;
        for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
            k = word_at(q, e, pre[i].word, &var);
            if (k == 0)
                continue;
            v->pre = pre[i].rank;
            if (var == 1)
                v->pre = PRE_DOTTED_I;
            else if (var == 2)
                v->pre = PRE_DOTLESS_I;
            p = number_tail(q + k, e, &v->pre_n);
            if (too_long(&v->pre_n))
                return -1;
            break;
        }
    }

    /* Post-release: "-N" first, then the spelled forms. */
    if (p + 1 < e && *p == '-' && is_digit((unsigned char)p[1])) {
        v->post = POST_POST;
        v->post_n.p = p + 1;
        q = digits(p + 1, e);
        v->post_n.n = (size_t)(q - (p + 1));
        p = q;
    } else {
        q = p < e && is_sep((unsigned char)*p) ? p + 1 : p;
        k = word_at(q, e, "post", &var);
        if (k)
            v->post = var ? POST_LONG_S : POST_POST;
        if (!k)
            k = word_at(q, e, "rev", &var);
        if (!k)
            k = word_at(q, e, "r", &var);
        if (k && v->post < 0)
            v->post = POST_POST;
        if (v->post >= 0)
            p = number_tail(q + k, e, &v->post_n);
    }
    if (v->post >= 0 && too_long(&v->post_n))
        return -1;

    q = p < e && is_sep((unsigned char)*p) ? p + 1 : p;
    k = word_at(q, e, "dev", &var);
    if (k) {
        v->dev = 1;
        p = number_tail(q + k, e, &v->dev_n);
        if (too_long(&v->dev_n))
            return -1;
    }

    if (p < e && *p == '+') {
        p++;
        v->local = p;
        for (;;) {
            const char *seg = p;
            struct span num;
            int all_digits = 1;
            for (;;) {
                k = local_char_at(p, e);
                if (k == 0)
                    break;
                if (k > 1 || !is_digit((unsigned char)*p))
                    all_digits = 0;
                p += k;
            }
            if (p == seg)
                return -1;
            num.p = seg;
            num.n = (size_t)(p - seg);
            if (all_digits && too_long(&num))
                return -1;
            if (p < e && is_sep((unsigned char)*p))
                p++;
            else
                break;
        }
        v->local_end = p;
    }
    return p == e ? 0 : -1;
}

static int
sign(int x)
{
    return (x > 0) - (x < 0);
}

/* Compares two digit strings by value (either may be empty, meaning 0). */
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
    return sign(c);
}

/* The next release component at *p (advancing past it and its dot), or an
 * empty span (0) when the release is exhausted: comparing with zero padding
 * is comparing with trailing zeros removed. */
static struct span
next_component(const char **p, const char *end)
{
    struct span c = {*p, 0};

    if (*p >= end)
        return c;
    c.n = (size_t)(digits(*p, end) - *p);
    *p += c.n;
    if (*p < end && **p == '.')
        (*p)++;
    return c;
}

static int
cmp_release(const struct pep440 *a, const struct pep440 *b)
{
    const char *pa = a->rel, *pb = b->rel;

    while (pa < a->rel_end || pb < b->rel_end) {
        struct span x = next_component(&pa, a->rel_end), y = next_component(&pb, b->rel_end);
        int c = cmp_num(x.p, x.n, y.p, y.n);
        if (c)
            return c;
    }
    return 0;
}

/* One segment of a local version: [p, end) up to the next separator. */
struct local_seg {
    const char *p, *end;
    int numeric;
};

static int
next_local(const char **p, const char *end, struct local_seg *s)
{
    const char *q = *p;

    if (q >= end)
        return 0;
    s->p = q;
    s->numeric = 1;
    while (q < end && !is_sep((unsigned char)*q)) {
        if (!is_digit((unsigned char)*q))
            s->numeric = 0;
        q++;
    }
    s->end = q;
    *p = q < end ? q + 1 : q;
    return 1;
}

/* The lower-cased form of a local segment, byte by byte, as Python's
 * str.lower() spells it in UTF-8: ASCII letters lowered, KELVIN SIGN -> 'k',
 * U+0130 -> "i\u0307"; everything else unchanged. Comparing these bytes is
 * comparing code points, which is how Python orders strings. */
struct lowered {
    const char *p, *end;
    unsigned char pend[2];
    int npend, ipend;
};

static int
lowered_next(struct lowered *l)
{
    if (l->ipend < l->npend)
        return l->pend[l->ipend++];
    if (l->p >= l->end)
        return -1;
    if (l->end - l->p >= 3 && memcmp(l->p, KELVIN, 3) == 0) {
        l->p += 3;
        return 'k';
    }
    if (l->end - l->p >= 2 && memcmp(l->p, DOTTED_I, 2) == 0) {
        l->p += 2;
        l->pend[0] = 0xcc;
        l->pend[1] = 0x87;
        l->npend = 2;
        l->ipend = 0;
        return 'i';
    }
    return lower((unsigned char)*l->p++);
}

static int
cmp_local_str(const struct local_seg *x, const struct local_seg *y)
{
    struct lowered a = {x->p, x->end, {0, 0}, 0, 0}, b = {y->p, y->end, {0, 0}, 0, 0};

    for (;;) {
        int ca = lowered_next(&a), cb = lowered_next(&b);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (ca < 0)
            return 0;
    }
}

static int
cmp_local(const struct pep440 *a, const struct pep440 *b)
{
    const char *pa, *pb;

    if (!a->local || !b->local)
        return a->local ? 1 : b->local ? -1 : 0;
    pa = a->local;
    pb = b->local;
    for (;;) {
        struct local_seg x, y;
        int hx = next_local(&pa, a->local_end, &x), hy = next_local(&pb, b->local_end, &y), c;
        if (!hx || !hy)
            return hx - hy;
        if (x.numeric != y.numeric)
            return x.numeric ? 1 : -1;
        c = x.numeric ? cmp_num(x.p, (size_t)(x.end - x.p), y.p, (size_t)(y.end - y.p))
                      : cmp_local_str(&x, &y);
        if (c)
            return c;
    }
}

/* packaging's pre key: -inf for a dev release of a final version, +inf for
 * none, else (letter, number); as a class 0/1/2 plus the tuple. */
static int
pre_class(const struct pep440 *v)
{
    if (v->pre < 0 && v->post < 0 && v->dev)
        return 0;
    return v->pre < 0 ? 2 : 1;
}

/* Each step of packaging's key in turn: epoch, release, pre, post, dev,
 * local; the first that differs decides. */
static int
compare(const struct pep440 *a, const struct pep440 *b)
{
    int c = cmp_num(a->epoch.p, a->epoch.n, b->epoch.p, b->epoch.n);

    if (c == 0)
        c = cmp_release(a, b);
    if (c == 0)
        c = sign(pre_class(a) - pre_class(b));
    if (c == 0 && pre_class(a) == 1) {
        c = sign(a->pre - b->pre);
        if (c == 0)
            c = cmp_num(a->pre_n.p, a->pre_n.n, b->pre_n.p, b->pre_n.n);
    }
    if (c == 0)
        c = sign(a->post - b->post);
    if (c == 0 && a->post >= 0)
        c = cmp_num(a->post_n.p, a->post_n.n, b->post_n.p, b->post_n.n);
    if (c == 0)
        c = sign(b->dev - a->dev);
    if (c == 0 && a->dev)
        c = cmp_num(a->dev_n.p, a->dev_n.n, b->dev_n.p, b->dev_n.n);
    if (c == 0)
        c = cmp_local(a, b);
    return c;
}

static int
valid(const char *s)
{
    struct pep440 v;

    return parse(s, &v) == 0;
}

static int
cmp(const char *a, const char *b, int *out)
{
    struct pep440 x, y;

    if (parse(a, &x) != 0 || parse(b, &y) != 0)
        return -1;
    *out = compare(&x, &y);
    return 0;
}

const struct version_scheme version_pep440 = {
    .name = "pep440",
    .valid = valid,
    .cmp = cmp,
};

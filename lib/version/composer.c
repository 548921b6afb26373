/*
 * composer.c - PHP package versions (Packagist), ordered the way Composer
 * orders them: composer/semver's VersionParser::normalize() decides what is
 * valid and what a version means, Comparator::compare() (PHP's
 * version_compare() on normalised strings) decides the order. composer/
 * semver 3.3.2 (Debian's php-composer-semver) on PHP 8.2 is the reference
 * the differential test runs.
 *
 * normalize() trims the string, drops an "as ALIAS" part and an
 * "@stability" flag, maps master/trunk/default and "dev-*" to branch names,
 * drops "+build" metadata and then accepts
 *   - classic versions: [v]M[.m[.p[.q]]] (M at most 5 digits, missing parts
 *     0) with an optional stability suffix: stable|beta|b|RC|alpha|a|patch|
 *     pl|p (any case, after an optional '.', '_' or '-') with optional
 *     numbers, and an optional "dev";
 *   - dates: [v]YYYY then 1..6 two-digit groups and an optional 1-3 digit
 *     group, each optionally after '.', ':' or '-', with the same suffixes;
 *   - numeric branches "1.x-dev", "2.3.*-dev": x and missing parts become
 *     9999999.
 * The result is a list of numbers and words (alpha, beta, RC, patch, dev,
 * and "stable" when spelled in capitals, which version_compare() does not
 * know and puts first). version_compare() orders them element by element:
 * stable < dev < alpha < beta < RC < (end of version) < numbers < patch, so
 * 1.0-dev < 1.0-alpha1 < 1.0-RC1 < 1.0 < 1.0.0.1 < 1.0-patch1.
 *
 * Branches ("dev-main") are valid versions that Composer does not order
 * against each other (Comparator answers false to <, == and >, unless the
 * names are identical); version_compare() puts every branch below every
 * numbered version, and moat does the same. Between two branches moat needs
 * a total order and uses the byte order of the names: equal only when
 * identical, which is all Composer says.
 *
 * Deliberate difference: PHP reads each number with strtol(), which
 * saturates at 2^63-1, so Composer calls 1.99999999999999999999 and
 * 1.99999999999999999998 equal (and orders 2.18446744073709551616.7 above
 * 2.99999999999999999999999.0); moat compares digit strings by value. Only
 * numbers above 9223372036854775807 are affected.
 *
 * Nothing is allocated: a normalised version is a handful of pointers into
 * the input string.
 */
#include "version.h"

#include <string.h>

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* PCRE's \s (no UTF mode): the ASCII white space characters. */
static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* What PHP's trim() removes by default (NUL cannot occur here). */
static int
is_trim(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

/* Word classes, in version_compare()'s order; NUM and END are the places
 * of a number and of the end of a version in it. */
enum { W_STABLE, W_DEV, W_ALPHA, W_BETA, W_RC, W_END, W_NUM, W_PATCH };

/* One piece of a normalised version: the numbers in a region of the input
 * (its digit runs), a constant number (0 or 9999999) or a word. */
enum { P_DIGITS, P_ZERO, P_NINES, P_WORD };

struct piece {
    int kind;
    int word;
    const char *p, *end;
};

#define MAX_PIECES 8

struct cversion {
    int branch; /* "dev-" + name */
    const char *name, *name_end;
    struct piece piece[MAX_PIECES];
    int npieces;
};

static int
ci_eq(const char *p, const char *e, const char *word)
{
    size_t n = strlen(word), i;

    if ((size_t)(e - p) < n)
        return 0;
    for (i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != word[i])
            return 0;
    return 1;
}

static void
add(struct cversion *v, int kind, int word, const char *p, const char *end)
{
    struct piece *pc = &v->piece[v->npieces++];

    pc->kind = kind;
    pc->word = word;
    pc->p = p;
    pc->end = end;
}

/* "[.-]?dev" exactly filling [p, e), case-insensitively. */
static int
dev_suffix(const char *p, const char *e)
{
    if (p < e && (*p == '.' || *p == '-'))
        p++;
    return e - p == 3 && ci_eq(p, e, "dev");
}

/* The stability suffix regex [._-]?(?:(word)((?:[.-]?\d+)*+)?)?([.-]?dev)?
 * anchored to [p, e), tried in PCRE's order (separator taken first, words in
 * the order listed, the word group before skipping it). On a match, the
 * normalised suffix is appended to v; returns 0, or -1 if no match. */
static int
modifier(const char *p, const char *e, struct cversion *v)
{
    static const struct {
        const char *text;
        int word;
    } words[] = {
        {"stable", W_STABLE}, {"beta", W_BETA},   {"b", W_BETA},
        {"rc", W_RC},         {"alpha", W_ALPHA}, {"a", W_ALPHA},
        {"patch", W_PATCH},   {"pl", W_PATCH},    {"p", W_PATCH},
    };
    int take_sep;

    for (take_sep = 1; take_sep >= 0; take_sep--) {
        const char *q = p;
        size_t i;
        if (take_sep) {
            if (q < e && (*q == '.' || *q == '_' || *q == '-'))
                q++;
            else
                continue;
        }
        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
            const char *r, *nums;
            size_t n = strlen(words[i].text);
            if (!ci_eq(q, e, words[i].text))
                continue;
            r = nums = q + n;
            for (;;) {
                const char *t = r;
                if (t < e && (*t == '.' || *t == '-'))
                    t++;
                if (t < e && is_digit((unsigned char)*t)) {
                    while (t < e && is_digit((unsigned char)*t))
                        t++;
                    r = t;
                } else {
                    break;
                }
            }
            if (r != e && !dev_suffix(r, e))
                continue;
            /* Only the exact lower-case "stable" is dropped; any other
             * spelling is kept as the word "stable". */
            if (words[i].word == W_STABLE && memcmp(q, "stable", 6) == 0)
                return 0;
            add(v, P_WORD, words[i].word, NULL, NULL);
            if (r > nums)
                add(v, P_DIGITS, 0, nums, r);
            if (r != e)
                add(v, P_WORD, W_DEV, NULL, NULL);
            return 0;
        }
        if (q == e)
            return 0;
        if (dev_suffix(q, e)) {
            add(v, P_WORD, W_DEV, NULL, NULL);
            return 0;
        }
    }
    return -1;
}

/* Classic versions: ^v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)? + suffix. */
static int
classic(const char *p, const char *e, struct cversion *v)
{
    const char *q;
    int i;

    if (p < e && lower((unsigned char)*p) == 'v')
        p++;
    q = p;
    while (q < e && is_digit((unsigned char)*q))
        q++;
    if (q == p || q - p > 5)
        return -1;
    v->npieces = 0;
    add(v, P_DIGITS, 0, p, q);
    for (i = 0; i < 3; i++) {
        if (q + 1 < e && *q == '.' && is_digit((unsigned char)q[1])) {
            p = q + 1;
            q = p;
            while (q < e && is_digit((unsigned char)*q))
                q++;
            add(v, P_DIGITS, 0, p, q);
        } else {
            add(v, P_ZERO, 0, NULL, NULL);
        }
    }
    return modifier(q, e, v);
}

/* The rest of \d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})? after the four
 * digits, reps groups of two done: 1 if some way through matches [p, e). */
static int
date_rest(const char *p, const char *e, int reps)
{
    const char *q;
    size_t n;

    if (reps >= 1) {
        if (p == e)
            return 1;
        q = p < e && (*p == '.' || *p == ':' || *p == '-') ? p + 1 : p;
        n = (size_t)(e - q);
        if (n >= 1 && n <= 3 && is_digit((unsigned char)q[0]) &&
            (n < 2 || is_digit((unsigned char)q[1])) && (n < 3 || is_digit((unsigned char)q[2])))
            return 1;
    }
    if (reps < 6) {
        q = p < e && (*p == '.' || *p == ':' || *p == '-') ? p + 1 : p;
        if (e - q >= 2 && is_digit((unsigned char)q[0]) && is_digit((unsigned char)q[1]) &&
            date_rest(q + 2, e, reps + 1))
            return 1;
    }
    return 0;
}

/* Date versions: ^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?) + suffix.
 * The date part cannot end in a separator and the suffix cannot start with
 * a digit or two separators, so the date part ends where its characters
 * end, or one before if the last is the suffix's '.' or '-'. */
static int
date(const char *p, const char *e, struct cversion *v)
{
    const char *l, *d;
    int i;

    if (p < e && lower((unsigned char)*p) == 'v')
        p++;
    l = p;
    while (l < e && (is_digit((unsigned char)*l) || *l == '.' || *l == ':' || *l == '-'))
        l++;
    if (l == p)
        return -1;
    d = is_digit((unsigned char)l[-1]) ? l : l - 1;
    if (d - p < 4)
        return -1;
    for (i = 0; i < 4; i++)
        if (!is_digit((unsigned char)p[i]))
            return -1;
    if (!date_rest(p + 4, d, 0))
        return -1;
    v->npieces = 0;
    add(v, P_DIGITS, 0, p, d);
    return modifier(d, e, v);
}

/* normalizeBranch() of a numeric branch:
 * ^v?(\d++)(\.(?:\d++|[xX*]))?(\.(?:\d++|[xX*]))?(\.(?:\d++|[xX*]))?$ */
static int
numeric_branch(const char *p, const char *e, struct cversion *v)
{
    const char *q;
    int i;

    while (p < e && is_trim((unsigned char)*p))
        p++;
    while (e > p && is_trim((unsigned char)e[-1]))
        e--;
    if (p < e && lower((unsigned char)*p) == 'v')
        p++;
    q = p;
    while (q < e && is_digit((unsigned char)*q))
        q++;
    if (q == p)
        return -1;
    v->npieces = 0;
    add(v, P_DIGITS, 0, p, q);
    for (i = 0; i < 3; i++) {
        if (q + 1 < e && *q == '.' && is_digit((unsigned char)q[1])) {
            p = ++q;
            while (q < e && is_digit((unsigned char)*q))
                q++;
            add(v, P_DIGITS, 0, p, q);
        } else if (q + 1 < e && *q == '.' && (lower((unsigned char)q[1]) == 'x' || q[1] == '*')) {
            q += 2;
            add(v, P_NINES, 0, NULL, NULL);
        } else {
            add(v, P_NINES, 0, NULL, NULL);
        }
    }
    if (q != e)
        return -1;
    add(v, P_WORD, W_DEV, NULL, NULL);
    return 0;
}

static int
has_space(const char *p, const char *e)
{
    for (; p < e; p++)
        if (is_space((unsigned char)*p))
            return 1;
    return 0;
}

/* VersionParser::normalize(); 0, or -1 where it throws. */
static int
normalize(const char *s, struct cversion *v)
{
    const char *b = s, *e = s + strlen(s), *p, *r, *end;
    static const char *const stabilities[] = {"stable", "rc", "beta", "alpha", "dev"};
    static const char *const default_branches[] = {"master", "trunk", "default"};
    size_t i;

    memset(v, 0, sizeof(*v));
    while (b < e && is_trim((unsigned char)*b))
        b++;
    while (e > b && is_trim((unsigned char)e[-1]))
        e--;

    /* "A as B": ^([^,\s]++) ++as ++([^,\s]++)$ keeps A. */
    p = b;
    while (p < e && *p != ',' && !is_space((unsigned char)*p))
        p++;
    if (p > b && p < e && *p == ' ') {
        r = p;
        while (r < e && *r == ' ')
            r++;
        if (e - r > 2 && r[0] == 'a' && r[1] == 's' && r[2] == ' ') {
            const char *t = r + 2;
            while (t < e && *t == ' ')
                t++;
            end = t;
            while (end < e && *end != ',' && !is_space((unsigned char)*end))
                end++;
            if (end > t && end == e)
                e = p;
        }
    }

    /* "@stability" flag at the end. */
    for (i = 0; i < sizeof(stabilities) / sizeof(stabilities[0]); i++) {
        size_t n = strlen(stabilities[i]);
        if ((size_t)(e - b) > n && e[-(long)n - 1] == '@' && ci_eq(e - n, e, stabilities[i])) {
            e -= n + 1;
            break;
        }
    }

    for (i = 0; i < sizeof(default_branches) / sizeof(default_branches[0]); i++) {
        if ((size_t)(e - b) == strlen(default_branches[i]) &&
            memcmp(b, default_branches[i], (size_t)(e - b)) == 0) {
            v->branch = 1;
            v->name = b;
            v->name_end = e;
            return 0;
        }
    }
    if (e - b >= 4 && ci_eq(b, e, "dev-")) {
        v->branch = 1;
        v->name = b + 4;
        v->name_end = e;
        return 0;
    }

    /* PCRE's '$' also matches before a final newline, which the stability
     * flag's removal can leave ("1.0\n@dev"); none of the patterns below
     * can match a newline, so they all end there. */
    if (e > b && e[-1] == '\n')
        e--;

    /* "+build": ^([^,\s+]++)\+[^\s]++$ keeps what is before the '+'. */
    p = b;
    while (p < e && *p != ',' && *p != '+' && !is_space((unsigned char)*p))
        p++;
    if (p > b && p + 1 < e && *p == '+' && !has_space(p + 1, e))
        e = p;

    if (classic(b, e, v) == 0 || date(b, e, v) == 0)
        return 0;

    /* A numeric branch "1.2.x-dev": (.*?)[.-]?dev$, searched, so from
     * after the last newline ('.' does not match one). */
    p = e;
    while (p > b && p[-1] != '\n')
        p--;
    if (e - p >= 3 && ci_eq(e - 3, e, "dev")) {
        r = e - 3;
        if (r > p && (r[-1] == '.' || r[-1] == '-'))
            r--;
        if (numeric_branch(p, r, v) == 0)
            return 0;
    }
    return -1;
}

/* Walks the numbers and words of a normalised version in order; W_END
 * after the last. */
struct walk {
    const struct cversion *v;
    int i;
    const char *p; /* inside a P_DIGITS piece, NULL before it */
};

struct element {
    int word;      /* W_* */
    const char *p; /* digits of a W_NUM */
    size_t n;
};

static void
walk_next(struct walk *w, struct element *el)
{
    static const char nines[] = "9999999";

    for (;;) {
        const struct piece *pc;
        if (w->i >= w->v->npieces) {
            el->word = W_END;
            return;
        }
        pc = &w->v->piece[w->i];
        if (pc->kind != P_DIGITS) {
            w->i++;
            el->word = pc->kind == P_WORD ? pc->word : W_NUM;
            el->p = pc->kind == P_NINES ? nines : "0";
            el->n = pc->kind == P_NINES ? 7 : 1;
            return;
        }
        if (!w->p)
            w->p = pc->p;
        while (w->p < pc->end && !is_digit((unsigned char)*w->p))
            w->p++;
        if (w->p == pc->end) {
            w->i++;
            w->p = NULL;
            continue;
        }
        el->word = W_NUM;
        el->p = w->p;
        while (w->p < pc->end && is_digit((unsigned char)*w->p))
            w->p++;
        el->n = (size_t)(w->p - el->p);
        return;
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
compare(const struct cversion *a, const struct cversion *b)
{
    struct walk x = {a, 0, NULL}, y = {b, 0, NULL};

    if (a->branch || b->branch) {
        size_t an, bn, n;
        int c;
        if (!a->branch || !b->branch)
            return a->branch ? -1 : 1;
        an = (size_t)(a->name_end - a->name);
        bn = (size_t)(b->name_end - b->name);
        n = an < bn ? an : bn;
        c = n ? memcmp(a->name, b->name, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return an == bn ? 0 : an < bn ? -1 : 1;
    }
    for (;;) {
        struct element p, q;
        int c;
        walk_next(&x, &p);
        walk_next(&y, &q);
        if (p.word != q.word)
            return p.word < q.word ? -1 : 1;
        if (p.word == W_END)
            return 0;
        if (p.word == W_NUM) {
            c = cmp_num(p.p, p.n, q.p, q.n);
            if (c)
                return c;
        }
    }
}

static int
valid(const char *s)
{
    struct cversion v;

    return normalize(s, &v) == 0;
}

static int
cmp(const char *a, const char *b, int *out)
{
    struct cversion x, y;

    if (normalize(a, &x) != 0 || normalize(b, &y) != 0)
        return -1;
    *out = compare(&x, &y);
    return 0;
}

const struct version_scheme version_composer = {
    .name = "composer",
    .valid = valid,
    .cmp = cmp,
};

/*
 * apk.c - Alpine (and Wolfi/Chainguard) version order, as apk-tools 3.x
 * defines it (src/version.c), checked against apk-tools' own test vectors.
 *
 * A version is a sequence of tokens, each allowed only after certain others:
 *
 *   digits {.digits} [letter] {_suffix[digits]} [~hash] [-rdigits]
 *
 * with suffixes alpha beta pre rc (pre-releases, before the plain version)
 * and cvs svn git hg p (after it), and hash a run of lowercase hex digits.
 * Two versions compare token by token while the token kinds agree:
 *   - numbers numerically, except that a '.'-introduced component with a
 *     leading zero on either side compares as a string ("1.05" < "1.1",
 *     Gentoo's rule); the first component and suffix and revision numbers
 *     are always numeric;
 *   - letters and hashes as bytes, suffixes by the list order above.
 * At the first position where the kinds differ (or one version ends), a
 * pre-release suffix makes its version the lower one; otherwise the kind
 * later in the grammar (the end counting as latest) is the lower one, so
 * 1.0_rc1 < 1.0 < 1.0-r1 < 1.0~ab12 < 1.0_p1 < 1.0a < 1.0.1.
 *
 * apk-tools reads numbers into a uint64_t and wraps on overflow; moat
 * compares digit strings, so components longer than 19 digits still order
 * by value (a deliberate difference, see docs/internals/VERSIONS.md).
 * apk-tools also orders strings its own validator rejects; moat reports
 * them as invalid instead.
 */
#include "version.h"

#include <string.h>

/* Token kinds in grammar order: the order is what the end-of-comparison
 * rule and the "may follow" checks are built on. */
enum token {
    TOK_FIRST,     /* the leading number */
    TOK_DIGIT,     /* .number */
    TOK_LETTER,    /* one lowercase letter after a number */
    TOK_SUFFIX,    /* _name */
    TOK_SUFFIX_NO, /* the number after _name */
    TOK_HASH,      /* ~hexdigits */
    TOK_REVISION,  /* -rnumber */
    TOK_END,
    TOK_INVALID,
};

/* Suffixes by rank; SUF_NONE is the plain version, the pivot between
 * pre-release and post-release suffixes. */
enum suffix {
    SUF_INVALID,
    SUF_ALPHA,
    SUF_BETA,
    SUF_PRE,
    SUF_RC,
    SUF_NONE,
    SUF_CVS,
    SUF_SVN,
    SUF_GIT,
    SUF_HG,
    SUF_P,
};

static const struct {
    const char *name;
    enum suffix rank;
} suffixes[] = {
    {"alpha", SUF_ALPHA}, {"beta", SUF_BETA}, {"pre", SUF_PRE}, {"rc", SUF_RC},
    {"cvs", SUF_CVS},     {"svn", SUF_SVN},   {"git", SUF_GIT}, {"hg", SUF_HG},
    {"p", SUF_P},
};

struct token_state {
    enum token kind;
    enum suffix suffix;
    const char *val; /* the token's text: digits, letter, suffix name, hash */
    size_t len;
};

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
is_lower(int c)
{
    return c >= 'a' && c <= 'z';
}

static int
is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

static enum suffix
suffix_rank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
        if (strlen(suffixes[i].name) == n && memcmp(suffixes[i].name, s, n) == 0)
            return suffixes[i].rank;
    return SUF_INVALID;
}

/* Reads a run of digits at *p as the token's value; no digits is invalid. */
static void
take_digits(struct token_state *t, const char **p)
{
    const char *s = *p;

    while (is_digit(**p))
        (*p)++;
    t->val = s;
    t->len = (size_t)(*p - s);
    if (t->len == 0)
        t->kind = TOK_INVALID;
}

static void
token_first(struct token_state *t, const char **p)
{
    t->kind = TOK_FIRST;
    take_digits(t, p);
}

/* Advances to the next token, checking that its kind may follow the
 * current one. */
static void
token_next(struct token_state *t, const char **p)
{
    const char *s = *p;
    int c = (unsigned char)*s;

    if (c == 0) {
        t->kind = TOK_END;
        return;
    }
    if (is_lower(c)) {
        if (t->kind > TOK_DIGIT)
            goto invalid;
        t->val = s;
        t->len = 1;
        t->kind = TOK_LETTER;
        *p = s + 1;
        return;
    }
    if (c == '.' || is_digit(c)) {
        /* a digit directly after a number cannot happen (take_digits ate
         * them all); after a suffix name it is the suffix's number */
        if (c == '.' && t->kind > TOK_DIGIT)
            goto invalid;
        if (t->kind == TOK_FIRST || t->kind == TOK_DIGIT)
            t->kind = TOK_DIGIT;
        else if (t->kind == TOK_SUFFIX && c != '.')
            t->kind = TOK_SUFFIX_NO;
        else
            goto invalid;
        if (c == '.')
            s++;
        *p = s;
        take_digits(t, p);
        return;
    }
    switch (c) {
    case '_':
        if (t->kind > TOK_SUFFIX_NO)
            goto invalid;
        s++;
        t->val = s;
        while (is_lower(*s))
            s++;
        t->len = (size_t)(s - t->val);
        t->suffix = suffix_rank(t->val, t->len);
        if (t->suffix == SUF_INVALID)
            goto invalid;
        t->kind = TOK_SUFFIX;
        *p = s;
        return;
    case '~':
        if (t->kind >= TOK_HASH)
            goto invalid;
        s++;
        t->val = s;
        while (is_hex(*s))
            s++;
        t->len = (size_t)(s - t->val);
        if (t->len == 0)
            goto invalid;
        t->kind = TOK_HASH;
        *p = s;
        return;
    case '-':
        if (t->kind >= TOK_REVISION || s[1] != 'r')
            goto invalid;
        t->kind = TOK_REVISION;
        *p = s + 2;
        take_digits(t, p);
        return;
    default:
        break;
    }
invalid:
    t->kind = TOK_INVALID;
}

/* Byte order, a shorter prefix first (apk_blob_sort). */
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

/* Two tokens of the same kind. */
static int
token_cmp(const struct token_state *ta, const struct token_state *tb)
{
    switch (ta->kind) {
    case TOK_DIGIT:
        if (ta->val[0] == '0' || tb->val[0] == '0')
            return bytes_cmp(ta->val, ta->len, tb->val, tb->len);
        return number_cmp(ta->val, ta->len, tb->val, tb->len);
    case TOK_FIRST:
    case TOK_SUFFIX_NO:
    case TOK_REVISION:
        return number_cmp(ta->val, ta->len, tb->val, tb->len);
    case TOK_SUFFIX:
        return ta->suffix < tb->suffix ? -1 : ta->suffix > tb->suffix;
    default: /* letters and hashes */
        return bytes_cmp(ta->val, ta->len, tb->val, tb->len);
    }
}

static int
apk_valid(const char *s)
{
    struct token_state t;

    for (token_first(&t, &s); t.kind < TOK_END; token_next(&t, &s))
        ;
    return t.kind == TOK_END;
}

static int
apk_cmp(const char *a, const char *b, int *out)
{
    struct token_state ta, tb;
    int r = 0;

    if (!apk_valid(a) || !apk_valid(b))
        return -1;
    token_first(&ta, &a);
    token_first(&tb, &b);
    while (ta.kind == tb.kind && ta.kind < TOK_END) {
        r = token_cmp(&ta, &tb);
        if (r)
            break;
        token_next(&ta, &a);
        token_next(&tb, &b);
    }
    if (r == 0 && ta.kind != tb.kind) {
        if (ta.kind == TOK_SUFFIX && ta.suffix < SUF_NONE)
            r = -1;
        else if (tb.kind == TOK_SUFFIX && tb.suffix < SUF_NONE)
            r = 1;
        else
            r = ta.kind > tb.kind ? -1 : 1;
    }
    *out = r;
    return 0;
}

const struct version_scheme version_apk = {
    .name = "apk",
    .valid = apk_valid,
    .cmp = apk_cmp,
};

/*
 * nuget.c - NuGet package versions, ordered as NuGet.Versioning's
 * NuGetVersion.TryParse and VersionComparer.Default (what nuget.org, dotnet
 * and NuGet.Client use).
 *
 * NuGet is a superset of SemVer 2.0.0 carried over from System.Version:
 *   - 1 to 4 dot-separated numbers, each 0..2147483647, leading zeros
 *     allowed ("01.2" is 1.2.0.0), missing ones are 0, so 1 == 1.0 ==
 *     1.0.0 == 1.0.0.0; whitespace is allowed around each number ("1 .2")
 *     but not inside one ("1 2"); an empty number ("1..2", "1.") is
 *     invalid;
 *   - then "-" and release labels, dot-separated, each non-empty
 *     [0-9A-Za-z-] without a leading zero when all digits;
 *   - then "+" and metadata, dot-separated non-empty [0-9A-Za-z-]
 *     (leading zeros allowed); metadata never affects the order;
 *   - leading and trailing whitespace is ignored (String.Trim).
 * Order: the four numbers, then a version without labels above one with
 * labels, then labels left to right: a label that int.TryParse accepts (an
 * optional '-' and digits within the int32 range, so "-1" is numeric and
 * "2147483648" is not) is numeric and ranks below any other label, two
 * numeric labels by value, others case-insensitively (OrdinalIgnoreCase),
 * more labels last.
 *
 * There is no NuGet implementation packaged for Debian or npm to test
 * against; the rules above come from NuGet's documentation ("Package
 * versioning") and NuGet.Client's sources and tests, and the unit tests
 * use vectors written from them (tests/unit/test_version_nuget.c).
 */
#include "version.h"
#include "semver.h"

#include <stdint.h>
#include <string.h>

#define NUGET_INT_MAX 2147483647u

struct nuget {
    uint32_t num[4];
    struct semver_span labels; /* n == 0: a release */
};

/* Length of the .NET whitespace character (char.IsWhiteSpace) at [p, end),
 * in UTF-8, or 0. */
static size_t
ws_len(const unsigned char *p, const unsigned char *end)
{
    size_t n = (size_t)(end - p);

    if (n == 0)
        return 0;
    if (*p == ' ' || (*p >= 0x09 && *p <= 0x0d))
        return 1;
    if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
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
    return 0;
}

/* Length of a whitespace character ending exactly at end (after begin). */
static size_t
ws_len_before(const unsigned char *begin, const unsigned char *end)
{
    size_t k;

    for (k = 1; k <= 3 && k <= (size_t)(end - begin); k++)
        if (ws_len(end - k, end) == k)
            return k;
    return 0;
}

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* One number of the version part, from *p: optional whitespace, digits,
 * optional whitespace, then '.' (not last) or the end. Missing sections
 * (*p == end) are 0. Follows TryGetNormalizedVersion's section rules. */
static int
section(const unsigned char **p, const unsigned char *end, uint32_t *out /* OUT */)
{
    const unsigned char *q = *p;
    uint64_t v = 0;
    size_t w;
    int digits = 0;

    *out = 0;
    if (q == end)
        return 0;
    while (q < end && !is_digit(*q)) {
        w = ws_len(q, end);
        if (!w)
            return -1;
        q += w;
    }
    while (q < end && is_digit(*q)) {
        v = v * 10 + (uint64_t)(*q - '0');
        if (v > NUGET_INT_MAX)
            return -1;
        digits = 1;
        q++;
    }
    if (!digits)
        return -1;
    while (q < end && *q != '.') {
        w = ws_len(q, end);
        if (!w)
            return -1;
        q += w;
    }
    if (q < end) {
        q++; /* the dot; a version part may not end with one */
        if (q == end)
            return -1;
    }
    *out = (uint32_t)v;
    *p = q;
    return 0;
}

/* A release label or metadata identifier (IsValidPart). */
static int
valid_part(const char *p, size_t n, int leading_zeros)
{
    size_t i;

    if (n == 0)
        return 0;
    if (!leading_zeros && n > 1 && p[0] == '0' && semver_all_digits(p + 1, n - 1))
        return 0;
    for (i = 0; i < n; i++)
        if (!semver_ident_char((unsigned char)p[i]))
            return 0;
    return 1;
}

static int
valid_list(const char *p, size_t n, int leading_zeros)
{
    const char *end = p + n;

    for (;;) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        const char *e = dot ? dot : end;

        if (!valid_part(p, (size_t)(e - p), leading_zeros))
            return 0;
        if (!dot)
            return 1;
        p = dot + 1;
    }
}

static int
parse(const char *s, struct nuget *out /* OUT */)
{
    const unsigned char *b = (const unsigned char *)s, *e = b + strlen(s), *v, *ve;
    const char *lab = NULL, *meta = NULL, *labe = NULL;
    size_t w;
    int k;

    for (w = ws_len(b, e); w; w = ws_len(b, e))
        b += w;
    for (w = ws_len_before(b, e); w; w = ws_len_before(b, e))
        e -= w;
    if (b == e)
        return -1;
    /* sections: version part up to the first '-' or '+', labels after '-'
     * up to the first '+', metadata after that */
    for (ve = b; ve < e && *ve != '-' && *ve != '+'; ve++)
        ;
    if (ve < e && *ve == '-') {
        lab = (const char *)ve + 1;
        labe = memchr(lab, '+', (size_t)((const char *)e - lab));
        if (!labe)
            labe = (const char *)e;
        if (labe < (const char *)e)
            meta = labe + 1;
    } else if (ve < e) {
        meta = (const char *)ve + 1;
    }
    /* the version part: 1-4 sections. It cannot be all whitespace after the
     * trim, but it can be empty ("-beta"), which is invalid. */
    if (ve == b)
        return -1;
    v = b;
    for (k = 0; k < 4; k++)
        if (section(&v, ve, &out->num[k]) != 0)
            return -1;
    if (v != ve)
        return -1;
    out->labels.p = lab ? lab : "";
    out->labels.n = lab ? (size_t)(labe - lab) : 0;
    if (lab && !valid_list(lab, (size_t)(labe - lab), 0))
        return -1;
    if (meta && !valid_list(meta, (size_t)((const char *)e - meta), 1))
        return -1;
    return 0;
}

/* int.TryParse on a label: an optional '-' then digits, within int32. */
static int
label_int(const char *p, size_t n, int64_t *out /* OUT */)
{
    int neg = n > 0 && p[0] == '-';
    int64_t v = 0;
    size_t i;

    if (neg) {
        p++;
        n--;
    }
    if (!semver_all_digits(p, n))
        return 0;
    for (i = 0; i < n; i++) {
        v = v * 10 + (p[i] - '0');
        if (v > (int64_t)NUGET_INT_MAX + neg)
            return 0;
    }
    *out = neg ? -v : v;
    return 1;
}

static int
upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int
cmp_label(const char *a, size_t an, const char *b, size_t bn)
{
    int64_t x, y;
    int xn = label_int(a, an, &x), yn = label_int(b, bn, &y);
    size_t i;

    if (xn && yn)
        return x < y ? -1 : x > y;
    if (xn || yn)
        return xn ? -1 : 1;
    for (i = 0; i < an && i < bn; i++) {
        int c = upper((unsigned char)a[i]) - upper((unsigned char)b[i]);
        if (c)
            return c < 0 ? -1 : 1;
    }
    return an < bn ? -1 : an > bn;
}

static int
cmp_labels(struct semver_span a, struct semver_span b)
{
    const char *pa = a.p, *pb = b.p, *ea = a.p + a.n, *eb = b.p + b.n;

    if (a.n == 0 || b.n == 0)
        return a.n == b.n ? 0 : a.n == 0 ? 1 : -1;
    for (;;) {
        const char *da = memchr(pa, '.', (size_t)(ea - pa));
        const char *db = memchr(pb, '.', (size_t)(eb - pb));
        const char *xa = da ? da : ea, *xb = db ? db : eb;
        int c = cmp_label(pa, (size_t)(xa - pa), pb, (size_t)(xb - pb));

        if (c)
            return c;
        if (!da || !db)
            return da ? 1 : db ? -1 : 0;
        pa = da + 1;
        pb = db + 1;
    }
}

static int
nuget_valid(const char *s)
{
    struct nuget v;

    return parse(s, &v) == 0;
}

static int
nuget_cmp(const char *a, const char *b, int *out)
{
    struct nuget x, y;
    int k;

    if (parse(a, &x) != 0 || parse(b, &y) != 0)
        return -1;
    for (k = 0; k < 4; k++)
        if (x.num[k] != y.num[k]) {
            *out = x.num[k] < y.num[k] ? -1 : 1;
            return 0;
        }
    *out = cmp_labels(x.labels, y.labels);
    return 0;
}

const struct version_scheme version_nuget = {
    .name = "nuget",
    .valid = nuget_valid,
    .cmp = nuget_cmp,
};

/*
 * semver.c - SemVer 2.0.0 parsing and precedence shared by the npm, Go and
 * Cargo schemes (see semver.h). Everything works on spans of the caller's
 * string: nothing is copied, nothing allocated, and every loop is bounded
 * by the input length.
 */
#include "semver.h"

#include <string.h>

int
semver_ident_char(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

int
semver_all_digits(const char *p, size_t n)
{
    size_t i;

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++)
        if (!is_digit((unsigned char)p[i]))
            return 0;
    return 1;
}

const char *
semver_number(const char *p, const char *end, struct semver_span *out)
{
    const char *q = p;

    while (q < end && is_digit((unsigned char)*q))
        q++;
    if (q == p || (*p == '0' && q - p > 1))
        return NULL;
    out->p = p;
    out->n = (size_t)(q - p);
    return q;
}

/* Scans a dot-separated identifier list starting at p up to the first
 * character that is neither an identifier character nor '.'. pre: numeric
 * identifiers must not have leading zeros. Returns the end of the list, or
 * NULL when an identifier is empty or badly numbered. */
static const char *
ident_list(const char *p, const char *end, int pre)
{
    for (;;) {
        const char *id = p;
        while (p < end && semver_ident_char((unsigned char)*p))
            p++;
        if (p == id)
            return NULL;
        if (pre && p - id > 1 && *id == '0' && semver_all_digits(id, (size_t)(p - id)))
            return NULL;
        if (p == end || *p != '.')
            break;
        p++;
    }
    return p;
}

int
semver_parse_tail(const char *p, const char *end, struct semver *out)
{
    const char *q;

    out->pre.p = p;
    out->pre.n = 0;
    out->build.p = end;
    out->build.n = 0;
    if (p < end && *p == '-') {
        q = ident_list(p + 1, end, 1);
        if (!q)
            return -1;
        out->pre.p = p + 1;
        out->pre.n = (size_t)(q - (p + 1));
        p = q;
    }
    if (p < end && *p == '+') {
        q = ident_list(p + 1, end, 0);
        if (!q)
            return -1;
        out->build.p = p + 1;
        out->build.n = (size_t)(q - (p + 1));
        p = q;
    }
    return p == end ? 0 : -1;
}

int
semver_parse(const char *s, size_t n, struct semver *out)
{
    const char *end = s + n, *p;

    p = semver_number(s, end, &out->major);
    if (!p || p == end || *p != '.')
        return -1;
    p = semver_number(p + 1, end, &out->minor);
    if (!p || p == end || *p != '.')
        return -1;
    p = semver_number(p + 1, end, &out->patch);
    if (!p)
        return -1;
    return semver_parse_tail(p, end, out);
}

int
semver_cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);

    if (c)
        return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

int
semver_cmp_digits(const char *a, size_t an, const char *b, size_t bn)
{
    while (an > 1 && *a == '0') {
        a++;
        an--;
    }
    while (bn > 1 && *b == '0') {
        b++;
        bn--;
    }
    if (an != bn)
        return an < bn ? -1 : 1;
    return semver_cmp_bytes(a, an, b, bn);
}

/* Next identifier of a dot-separated list [*p, end): its span; *p moves past
 * the following dot. */
static struct semver_span
next_ident(const char **p, const char *end)
{
    struct semver_span id = {*p, 0};
    const char *dot = memchr(*p, '.', (size_t)(end - *p));

    id.n = (size_t)((dot ? dot : end) - *p);
    *p = dot ? dot + 1 : end;
    return id;
}

int
semver_cmp_pre(struct semver_span a, struct semver_span b, semver_num_cmp num)
{
    const char *pa = a.p, *pb = b.p, *ea = a.p + a.n, *eb = b.p + b.n;

    if (a.n == 0 || b.n == 0)
        return a.n == b.n ? 0 : a.n == 0 ? 1 : -1;
    if (!num)
        num = semver_cmp_digits;
    while (pa < ea && pb < eb) {
        struct semver_span x = next_ident(&pa, ea), y = next_ident(&pb, eb);
        int xn = semver_all_digits(x.p, x.n), yn = semver_all_digits(y.p, y.n), c;

        if (xn != yn)
            return xn ? -1 : 1;
        c = xn ? num(x.p, x.n, y.p, y.n) : semver_cmp_bytes(x.p, x.n, y.p, y.n);
        if (c)
            return c;
    }
    if (pa < ea)
        return 1;
    return pb < eb ? -1 : 0;
}

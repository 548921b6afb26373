/*
 * fields.c - deb822 / RFC 822 paragraph helpers. All scanning is bounded by
 * the span; nothing assumes NUL termination inside the input.
 */
#include "fields.h"
#include "base/arena.h"
#include "base/str.h"

#include <string.h>

static int
blank(const char *l, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (l[i] != ' ' && l[i] != '\t' && l[i] != '\r')
            return 0;
    return 1;
}

int
para_next(const char **cur, const char *end, struct span *para)
{
    const char *line, *start = NULL, *stop = NULL;
    size_t len;

    while (str_next_line(cur, end, &line, &len)) {
        if (blank(line, len)) {
            if (start)
                break;
            continue;
        }
        if (!start)
            start = line;
        stop = line + len;
    }
    if (!start)
        return 0;
    para->p = start;
    para->n = (size_t)(stop - start);
    return 1;
}

static int
name_is(const char *l, size_t colon, const char *name)
{
    size_t i;
    if (strlen(name) != colon)
        return 0;
    for (i = 0; i < colon; i++) {
        char a = l[i], b = name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* Splits a field line; returns colon index or 0 if not a field line. */
static size_t
field_colon(const char *l, size_t n)
{
    const char *c;
    if (n == 0 || l[0] == ' ' || l[0] == '\t' || l[0] == '#')
        return 0;
    c = memchr(l, ':', n);
    return c && c != l ? (size_t)(c - l) : 0;
}

size_t
para_fields(const struct span *para, const char *const names[], struct span out[], size_t count)
{
    const char *cur = para->p, *end = para->p + para->n, *line;
    size_t len, found = 0, i;

    for (i = 0; i < count; i++) {
        out[i].p = NULL;
        out[i].n = 0;
    }
    while (found < count && str_next_line(&cur, end, &line, &len)) {
        size_t c = field_colon(line, len);
        if (!c)
            continue;
        for (i = 0; i < count; i++) {
            if (!out[i].p && name_is(line, c, names[i])) {
                const char *v = line + c + 1;
                size_t vn = len - c - 1;
                str_trim(&v, &vn);
                out[i].p = v;
                out[i].n = vn;
                found++;
                break;
            }
        }
    }
    return found;
}

void
para_each(const struct span *para, const char *name, void (*cb)(void *ud, const char *v, size_t n),
          void *ud)
{
    const char *cur = para->p, *end = para->p + para->n, *line;
    size_t len;

    while (str_next_line(&cur, end, &line, &len)) {
        size_t c = field_colon(line, len);
        if (c && name_is(line, c, name)) {
            const char *v = line + c + 1;
            size_t vn = len - c - 1;
            str_trim(&v, &vn);
            cb(ud, v, vn);
        }
    }
}

char *
span_dup(struct arena *a, const struct span *s)
{
    if (!s->p)
        return NULL;
    return arena_strndup(a, s->p, s->n);
}

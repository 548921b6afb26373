/*
 * buf.c - growable byte buffer with a hard maximum. The maximum is what makes
 * it safe to fill from hostile input: nothing grows without bound.
 */
#include "buf.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
buf_free(struct buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int
grow(struct buf *b, size_t need)
{
    size_t cap;
    char *p;

    if (need > b->max || need + 1 < need)
        return MOAT_ETOOBIG;
    if (need + 1 <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need + 1)
        cap = cap > ((size_t)-1) / 2 ? need + 1 : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    p = realloc(b->data, cap);
    if (!p)
        return MOAT_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
    int rc;

    if (n > b->max || b->len > b->max - n)
        return MOAT_ETOOBIG;
    rc = grow(b, b->len + n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int
buf_addc(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n, rc;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return MOAT_EINVAL;
    if ((size_t)n > b->max || b->len > b->max - (size_t)n)
        return MOAT_ETOOBIG;
    rc = grow(b, b->len + (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *
buf_steal(struct buf *b)
{
    char *p = b->data;

    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

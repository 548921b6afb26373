/*
 * buf.h - growable byte buffer with a hard maximum (like curl's dynbuf).
 *
 * Every buffer that grows from untrusted input is created with the largest
 * size it may ever reach; an append past it fails with MOAT_ETOOBIG and
 * leaves the buffer unchanged. See docs/internals/BUF.md.
 */
#ifndef MOAT_BASE_BUF_H
#define MOAT_BASE_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
    char *data;     /* always NUL-terminated when len > 0 or after append */
    size_t len;
    size_t cap;
    size_t max;     /* appends that would exceed this fail */
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);       /* NULL-safe; leaves b empty and reusable */
void buf_reset(struct buf *b);      /* len = 0, keeps memory */
/* Returns 0, or MOAT_ENOMEM / MOAT_ETOOBIG with b unchanged. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands the memory to the caller (who frees it with free()); b is emptied. */
char *buf_steal(struct buf *b);

#endif

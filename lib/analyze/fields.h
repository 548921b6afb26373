/*
 * fields.h - "Name: value" paragraphs (deb822 / RFC 822 style), shared by
 * the dpkg status, Python METADATA/PKG-INFO and similar formats.
 */
#ifndef MOAT_ANALYZE_FIELDS_H
#define MOAT_ANALYZE_FIELDS_H

#include <stddef.h>

struct span {
    const char *p;
    size_t n;
};

/* Next paragraph of [*cur, end): paragraphs are separated by blank lines.
 * Returns 0 when none is left. */
int para_next(const char **cur, const char *end, struct span *para);

/* One pass over a paragraph: for each names[i] (case-insensitive) stores the
 * trimmed first-line value of its first occurrence in out[i] (n = 0 if the
 * field is absent). Continuation lines (leading space/tab) are skipped.
 * stop_at_blank: treat the first blank line as the end (METADATA headers
 * are followed by the body). Returns the number of fields found. */
size_t para_fields(const struct span *para, const char *const names[], struct span out[],
                   size_t count);

/* Same, but appends every occurrence of names[i] via cb (for repeated
 * fields such as Classifier:). */
void para_each(const struct span *para, const char *name,
               void (*cb)(void *ud, const char *v, size_t n), void *ud);

/* Copies a span into the arena as a NUL-terminated string. */
struct arena;
char *span_dup(struct arena *a, const struct span *s);

#endif

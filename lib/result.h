/*
 * result.h - for code that adds to a moat_result after the scan (matchers,
 * detectors): its arena, and appending findings and problems.
 */
#ifndef MOAT_RESULT_H
#define MOAT_RESULT_H

#include "moat/moat.h"
#include "base/arena.h"

/* The arena that owns the result's strings; allocate what you attach to the
 * result here. */
struct arena *result_arena(struct moat_result *res);
/* Appends n findings (copied shallowly: their strings must already live in
 * the result arena). 0 or MOAT_ENOMEM. */
int result_add_findings(struct moat_result *res, const struct moat_finding *f, size_t n);
/* Appends a problem (strings copied). 0 or MOAT_ENOMEM. */
int result_add_problem(struct moat_result *res, enum moat_grade g, int layer, const char *path,
                       const char *source, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif

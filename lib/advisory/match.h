/*
 * match.h - internals of the advisory matcher shared with `moat db query`
 * (lib/advisory/explain.c): the public entry points are in moat/moat.h.
 */
#ifndef MOAT_ADVISORY_MATCH_H
#define MOAT_ADVISORY_MATCH_H

#include "moat/moat.h"

struct advisory_db;

/* The database handle inside a public moat_advisories. */
struct advisory_db *match_db(struct moat_advisories *a);
/* 0 critical, 1 high, 2 medium, 3 low, 4 unknown (or anything else). */
int match_severity_rank(const char *s);

#endif

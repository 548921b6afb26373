/*
 * semver.h - the Semantic Versioning 2.0.0 core shared by the npm, Go and
 * Cargo version schemes (npm.c, go.c, cargo.c).
 *
 * All three ecosystems use SemVer 2.0.0 syntax and precedence, each with
 * its own additions: npm trims whitespace, accepts a leading "v" and caps
 * versions at 256 characters and components at 2^53-1; Go requires (moat:
 * allows) a "v" and accepts the shorthands v1 and v1.2; Cargo caps
 * components at 2^64-1 and uses build metadata as the last tie-breaker. The
 * common part lives here so that it is written once: a parser that splits a
 * version into spans of the caller's string (no copy, no allocation) and
 * the precedence rules. Numeric identifiers are compared as digit strings
 * (length, then bytes), never through a fixed-width integer, so a 40-digit
 * component cannot overflow anything.
 */
#ifndef MOAT_VERSION_SEMVER_H
#define MOAT_VERSION_SEMVER_H

#include <stddef.h>

/* A piece of the caller's string; n == 0 means absent/empty. */
struct semver_span {
    const char *p;
    size_t n;
};

struct semver {
    struct semver_span major, minor, patch; /* digits, no leading zero but "0" */
    struct semver_span pre;                 /* identifiers after '-', n == 0: none */
    struct semver_span build;               /* identifiers after '+', n == 0: none */
};

/* 1 for the identifier characters [0-9A-Za-z-]. */
int semver_ident_char(int c);

/* 1 if [p, p+n) is non-empty and all ASCII digits. */
int semver_all_digits(const char *p, size_t n);

/* Reads one numeric core component ("0" or a digit string not starting with
 * '0') at p, before end. Returns the position after it, or NULL when there is
 * none or it has a leading zero. */
const char *semver_number(const char *p, const char *end, struct semver_span *out /* OUT */);

/* Parses what follows the patch number: an optional "-PRE" then an optional
 * "+BUILD", which must reach end exactly. Sets out->pre and out->build.
 * Returns 0, or -1 when the tail is not valid SemVer 2.0.0 (empty
 * identifiers, a numeric pre-release identifier with a leading zero, a
 * character outside [0-9A-Za-z-.], anything after the build). */
int semver_parse_tail(const char *p, const char *end, struct semver *out /* OUT */);

/* Parses exactly MAJOR.MINOR.PATCH[-PRE][+BUILD] from [s, s+n) (no prefix,
 * no whitespace). Returns 0 or -1; the spans point into s. */
int semver_parse(const char *s, size_t n, struct semver *out /* OUT */);

/* Compares two digit strings by numeric value (leading zeros ignored):
 * -1, 0 or 1. */
int semver_cmp_digits(const char *a, size_t an, const char *b, size_t bn);

/* Compares two numeric identifiers; lets npm substitute its own rule. */
typedef int (*semver_num_cmp)(const char *a, size_t an, const char *b, size_t bn);

/* SemVer 2.0.0 precedence of two pre-release parts (spans as set by
 * semver_parse_tail): no pre-release ranks above any pre-release;
 * identifiers compare left to right, numeric ones by num (NULL:
 * semver_cmp_digits) and below alphanumeric ones, alphanumeric ones in
 * ASCII order; a longer list wins when all shared identifiers are equal.
 * Returns -1, 0 or 1. */
int semver_cmp_pre(struct semver_span a, struct semver_span b, semver_num_cmp num);

/* Byte-wise comparison of two spans, a shorter prefix first: -1, 0, 1. */
int semver_cmp_bytes(const char *a, size_t an, const char *b, size_t bn);

#endif

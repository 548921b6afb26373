/*
 * cvss.h - CVSS v3.0, v3.1 and v4.0 vector strings: strict validation and
 * base scores computed exactly as the FIRST specifications define them.
 *
 * Advisories (OSV `severity` entries of type CVSS_V3 / CVSS_V4) carry a
 * vector, not a score; moat derives the score and the qualitative severity
 * (None/Low/Medium/High/Critical) itself so that `--severity` filtering and
 * the report do not depend on each source's own arithmetic. The scores must
 * match FIRST's calculators to the tenth, including the rare cases where
 * floating-point rounding differs between v3.0 and v3.1 (docs/internals/
 * CVSS.md says which oracle each test vector comes from).
 *
 * Scores are returned in tenths (0..100) so callers compare integers, never
 * doubles. Nothing here allocates, prints or keeps state; the functions are
 * safe to call from any thread.
 */
#ifndef MOAT_ADVISORY_CVSS_H
#define MOAT_ADVISORY_CVSS_H

#include <stddef.h>

enum cvss_version {
    CVSS_V3_0 = 30,
    CVSS_V3_1 = 31,
    CVSS_V4_0 = 40,
};

/* Qualitative severity rating scale (identical in v3.x and v4.0). */
enum cvss_severity {
    CVSS_SEV_NONE = 0,     /* 0.0 */
    CVSS_SEV_LOW = 1,      /* 0.1 - 3.9 */
    CVSS_SEV_MEDIUM = 2,   /* 4.0 - 6.9 */
    CVSS_SEV_HIGH = 3,     /* 7.0 - 8.9 */
    CVSS_SEV_CRITICAL = 4, /* 9.0 - 10.0 */
};

/* Why a vector was rejected (cvss_parse() returns the negated value). */
enum cvss_error {
    CVSS_OK = 0,
    CVSS_EPREFIX = 1,    /* not "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/" */
    CVSS_ESYNTAX = 2,    /* empty component, missing ':', stray byte, '/' at end */
    CVSS_EMETRIC = 3,    /* metric name unknown to this version */
    CVSS_EVALUE = 4,     /* value not defined for that metric */
    CVSS_EDUPLICATE = 5, /* a metric given twice (even with the same value) */
    CVSS_EMISSING = 6,   /* a mandatory base metric is absent */
    CVSS_ETOOLONG = 7,   /* longer than MOAT_LIMIT_CVSS_VECTOR */
};

/* v4.0 nomenclature of a score: which metric groups contributed to it. */
enum cvss_nomenclature {
    CVSS_B = 0,   /* base metrics only */
    CVSS_BT = 1,  /* base + threat (E) */
    CVSS_BE = 2,  /* base + environmental */
    CVSS_BTE = 3, /* base + threat + environmental */
};

struct cvss_score {
    enum cvss_version version;
    /* The base score in tenths: v3.x BaseScore; v4.0 the CVSS-B score,
     * computed from the base metrics alone as if every threat and
     * environmental metric were Not Defined. */
    int base;
    enum cvss_severity severity; /* rating of `base` */
    /* v4.0 only: the score of the vector as written, with its threat and
     * environmental metrics applied (what the FIRST v4.0 calculator shows),
     * and which of them were present. Equal to `base` / CVSS_B when the
     * vector has none. For v3.x: equal to `base` / CVSS_B (temporal and
     * environmental v3 scores are not computed). Supplemental metrics never
     * change a score. */
    int vector_score;
    enum cvss_severity vector_severity;
    enum cvss_nomenclature nomenclature;
    /* On failure: the byte offset in the input of the component at fault
     * (the prefix is offset 0; for CVSS_EMISSING the end of the input) and
     * for CVSS_EMISSING the name of the first absent mandatory metric. */
    size_t error_at;
    const char *missing;
};

/* Parses and scores the vector s[0..len) (need not be NUL-terminated; a NUL
 * byte inside is an error). Validation is strict: the prefix first, then
 * NAME:VALUE components separated by single '/', names and values spelled
 * exactly as the specification (case-sensitive), every mandatory base metric
 * exactly once, optional metrics at most once, any order. On success fills
 * *out (OUT) and returns 0; otherwise returns -enum cvss_error and fills
 * out->error_at / out->missing. Never allocates. */
int cvss_parse(const char *s, size_t len, struct cvss_score *out);

/* Rating of a score in tenths (0..100). */
enum cvss_severity cvss_severity_of(int tenths);

/* "None", "Low", "Medium", "High", "Critical". */
const char *cvss_severity_name(enum cvss_severity sev);

/* "CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE". */
const char *cvss_nomenclature_name(enum cvss_nomenclature n);

/* Human-readable reason for a cvss_parse() return value (negative or 0). */
const char *cvss_strerror(int rc);

/* The two v3 rounding rules, in tenths, exposed for tests and for callers
 * that compute v3 temporal/environmental scores themselves. v3.0: the
 * smallest one-decimal number >= x (ceil(x * 10)). v3.1: the Roundup of the
 * v3.1 specification Appendix A, which first rounds x to 5 decimals so that
 * binary floating-point noise (4.000000000000001) does not add a tenth.
 * x must be in [0, 10.8]. */
int cvss_roundup_v30(double x);
int cvss_roundup_v31(double x);

#endif

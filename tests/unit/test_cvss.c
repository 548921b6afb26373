/*
 * test_cvss.c - CVSS v3.0/v3.1/v4.0 vectors: scores checked against published
 * oracles, strict validation, hostile input, and every CVSS vector of the
 * shared OSV corpora.
 *
 * Where each expected score comes from (nothing here was produced by the
 * code under test; docs/internals/CVSS.md has the longer story):
 *
 *   [FIRST31]  RedHatProductSecurity/cvss tests/vectors_simple31: all 2,592
 *              CVSS v3.1 base vectors, scored with FIRST's v3.1 calculator
 *              (first.org/cvss/calculator/3.1), first score of each line.
 *   [FIRST30X] FIRST "CVSS v3.0 Examples" document: vectors and base scores
 *              of its worked CVE examples.
 *   [FIRST30C] RedHatProductSecurity/cvss tests/vectors_calculator3: two
 *              vectors hand-scored with FIRST's v3.0 calculator.
 *   [RH4]      RedHatProductSecurity/cvss tests/vectors_simple4: 1,058 CVSS
 *              v4.0 base vectors scored with the v4.0 reference calculator
 *              (RedHatProductSecurity/cvss-v4-calculator, which first.org
 *              hosts), after its 2024-11 rounding fix.
 *   [RH4ENV]   same repository, vectors_security4 / vectors_threat4 and the
 *              explicit cases of tests/test_cvss4.py (scores with threat and
 *              environmental metrics; severities of full vectors).
 *   [FIRST4X]  FIRST "CVSS v4.0 Examples" page: vectors and the scores the
 *              page prints, as transcribed in a public test suite.
 *   [REF4]     scores the same test suite computed with the reference
 *              calculator: the page's vectors it prints no score for, and
 *              one representative vector of each of the 270 MacroVectors.
 *   [SPEC]     rules stated by the specifications themselves (rating scale,
 *              the Roundup examples 4.02 -> 4.1 and 4.00 -> 4.0, v4.0 "no
 *              impact scores 0").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "advisory/cvss.h"
#include "base/limits.h"

/* "9.2" -> 92; the oracles write one decimal. */
static int
tenths(const char *s)
{
    int v = 0;

    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    assert_true(*s == '.');
    s++;
    assert_true(*s >= '0' && *s <= '9');
    return v * 10 + (*s - '0');
}

static struct cvss_score
parse_ok(const char *v)
{
    struct cvss_score s;
    int rc = cvss_parse(v, strlen(v), &s);

    if (rc != 0)
        fail_msg("%s: %s (at %zu)", v, cvss_strerror(rc), s.error_at);
    return s;
}

static void
expect_base(const char *v, int want)
{
    struct cvss_score s = parse_ok(v);

    if (s.base != want)
        fail_msg("%s: base %d.%d, oracle %d.%d", v, s.base / 10, s.base % 10, want / 10, want % 10);
    assert_int_equal(s.severity, cvss_severity_of(want));
}

static void
expect_vector_score(const char *v, int want)
{
    struct cvss_score s = parse_ok(v);

    if (s.vector_score != want)
        fail_msg("%s: score %d.%d, oracle %d.%d", v, s.vector_score / 10, s.vector_score % 10,
                 want / 10, want % 10);
}

/* ---- v3.1: all base vectors [FIRST31] ---- */

/* Each line: the exploitability part of the vector, then the scores of the
 * 27 impact combinations in the order C:H/I:H/A:H, C:H/I:H/A:L, ...,
 * C:N/I:N/A:N (values H, L, N; A varies fastest), as the oracle lists them. */
/* clang-format off */
static const struct {
    const char *prefix;
    const char *scores;
} first31[] = {
    {"AV:N/AC:L/PR:N/UI:N/S:C",
     "10.0 10.0 10.0 10.0 9.9 9.3 10.0 9.3 8.6 10.0 9.9 9.3 9.9 8.3 7.2 9.3 7.2 5.8 10.0 9.3 8.6 9.3 7.2 5.8 8.6 5.8 0.0"},
    {"AV:N/AC:L/PR:N/UI:N/S:U",
     "9.8 9.4 9.1 9.4 8.6 8.2 9.1 8.2 7.5 9.4 8.6 8.2 8.6 7.3 6.5 8.2 6.5 5.3 9.1 8.2 7.5 8.2 6.5 5.3 7.5 5.3 0.0"},
    {"AV:N/AC:L/PR:N/UI:R/S:C",
     "9.6 9.6 9.3 9.6 8.8 8.2 9.3 8.2 7.4 9.6 8.8 8.2 8.8 7.1 6.1 8.2 6.1 4.7 9.3 8.2 7.4 8.2 6.1 4.7 7.4 4.7 0.0"},
    {"AV:N/AC:L/PR:N/UI:R/S:U",
     "8.8 8.3 8.1 8.3 7.6 7.1 8.1 7.1 6.5 8.3 7.6 7.1 7.6 6.3 5.4 7.1 5.4 4.3 8.1 7.1 6.5 7.1 5.4 4.3 6.5 4.3 0.0"},
    {"AV:N/AC:L/PR:L/UI:N/S:C",
     "9.9 9.9 9.6 9.9 9.1 8.5 9.6 8.5 7.7 9.9 9.1 8.5 9.1 7.4 6.4 8.5 6.4 5.0 9.6 8.5 7.7 8.5 6.4 5.0 7.7 5.0 0.0"},
    {"AV:N/AC:L/PR:L/UI:N/S:U",
     "8.8 8.3 8.1 8.3 7.6 7.1 8.1 7.1 6.5 8.3 7.6 7.1 7.6 6.3 5.4 7.1 5.4 4.3 8.1 7.1 6.5 7.1 5.4 4.3 6.5 4.3 0.0"},
    {"AV:N/AC:L/PR:L/UI:R/S:C",
     "9.0 8.9 8.7 8.9 8.2 7.6 8.7 7.6 6.8 8.9 8.2 7.6 8.2 6.5 5.4 7.6 5.4 4.1 8.7 7.6 6.8 7.6 5.4 4.1 6.8 4.1 0.0"},
    {"AV:N/AC:L/PR:L/UI:R/S:U",
     "8.0 7.6 7.3 7.6 6.8 6.3 7.3 6.3 5.7 7.6 6.8 6.3 6.8 5.5 4.6 6.3 4.6 3.5 7.3 6.3 5.7 6.3 4.6 3.5 5.7 3.5 0.0"},
    {"AV:N/AC:L/PR:H/UI:N/S:C",
     "9.1 9.0 8.7 9.0 8.2 7.6 8.7 7.6 6.8 9.0 8.2 7.6 8.2 6.6 5.5 7.6 5.5 4.1 8.7 7.6 6.8 7.6 5.5 4.1 6.8 4.1 0.0"},
    {"AV:N/AC:L/PR:H/UI:N/S:U",
     "7.2 6.7 6.5 6.7 6.0 5.5 6.5 5.5 4.9 6.7 6.0 5.5 6.0 4.7 3.8 5.5 3.8 2.7 6.5 5.5 4.9 5.5 3.8 2.7 4.9 2.7 0.0"},
    {"AV:N/AC:L/PR:H/UI:R/S:C",
     "8.4 8.3 8.1 8.3 7.5 6.9 8.1 6.9 6.2 8.3 7.5 6.9 7.5 5.9 4.8 6.9 4.8 3.4 8.1 6.9 6.2 6.9 4.8 3.4 6.2 3.4 0.0"},
    {"AV:N/AC:L/PR:H/UI:R/S:U",
     "6.8 6.4 6.1 6.4 5.7 5.2 6.1 5.2 4.5 6.4 5.7 5.2 5.7 4.3 3.5 5.2 3.5 2.4 6.1 5.2 4.5 5.2 3.5 2.4 4.5 2.4 0.0"},
    {"AV:N/AC:H/PR:N/UI:N/S:C",
     "9.0 8.9 8.7 8.9 8.1 7.5 8.7 7.5 6.8 8.9 8.1 7.5 8.1 6.5 5.4 7.5 5.4 4.0 8.7 7.5 6.8 7.5 5.4 4.0 6.8 4.0 0.0"},
    {"AV:N/AC:H/PR:N/UI:N/S:U",
     "8.1 7.7 7.4 7.7 7.0 6.5 7.4 6.5 5.9 7.7 7.0 6.5 7.0 5.6 4.8 6.5 4.8 3.7 7.4 6.5 5.9 6.5 4.8 3.7 5.9 3.7 0.0"},
    {"AV:N/AC:H/PR:N/UI:R/S:C",
     "8.3 8.2 8.0 8.2 7.5 6.9 8.0 6.9 6.1 8.2 7.5 6.9 7.5 5.8 4.7 6.9 4.7 3.4 8.0 6.9 6.1 6.9 4.7 3.4 6.1 3.4 0.0"},
    {"AV:N/AC:H/PR:N/UI:R/S:U",
     "7.5 7.1 6.8 7.1 6.4 5.9 6.8 5.9 5.3 7.1 6.4 5.9 6.4 5.0 4.2 5.9 4.2 3.1 6.8 5.9 5.3 5.9 4.2 3.1 5.3 3.1 0.0"},
    {"AV:N/AC:H/PR:L/UI:N/S:C",
     "8.5 8.4 8.2 8.4 7.7 7.1 8.2 7.1 6.3 8.4 7.7 7.1 7.7 6.0 4.9 7.1 4.9 3.5 8.2 7.1 6.3 7.1 4.9 3.5 6.3 3.5 0.0"},
    {"AV:N/AC:H/PR:L/UI:N/S:U",
     "7.5 7.1 6.8 7.1 6.4 5.9 6.8 5.9 5.3 7.1 6.4 5.9 6.4 5.0 4.2 5.9 4.2 3.1 6.8 5.9 5.3 5.9 4.2 3.1 5.3 3.1 0.0"},
    {"AV:N/AC:H/PR:L/UI:R/S:C",
     "8.0 7.9 7.7 7.9 7.1 6.5 7.7 6.5 5.8 7.9 7.1 6.5 7.1 5.5 4.4 6.5 4.4 3.0 7.7 6.5 5.8 6.5 4.4 3.0 5.8 3.0 0.0"},
    {"AV:N/AC:H/PR:L/UI:R/S:U",
     "7.1 6.7 6.4 6.7 5.9 5.4 6.4 5.4 4.8 6.7 5.9 5.4 5.9 4.6 3.7 5.4 3.7 2.6 6.4 5.4 4.8 5.4 3.7 2.6 4.8 2.6 0.0"},
    {"AV:N/AC:H/PR:H/UI:N/S:C",
     "8.0 7.9 7.7 7.9 7.2 6.6 7.7 6.6 5.8 7.9 7.2 6.6 7.2 5.5 4.4 6.6 4.4 3.0 7.7 6.6 5.8 6.6 4.4 3.0 5.8 3.0 0.0"},
    {"AV:N/AC:H/PR:H/UI:N/S:U",
     "6.6 6.2 5.9 6.2 5.5 5.0 5.9 5.0 4.4 6.2 5.5 5.0 5.5 4.1 3.3 5.0 3.3 2.2 5.9 5.0 4.4 5.0 3.3 2.2 4.4 2.2 0.0"},
    {"AV:N/AC:H/PR:H/UI:R/S:C",
     "7.6 7.5 7.3 7.5 6.8 6.2 7.3 6.2 5.4 7.5 6.8 6.2 6.8 5.1 4.0 6.2 4.0 2.6 7.3 6.2 5.4 6.2 4.0 2.6 5.4 2.6 0.0"},
    {"AV:N/AC:H/PR:H/UI:R/S:U",
     "6.4 6.0 5.7 6.0 5.3 4.8 5.7 4.8 4.2 6.0 5.3 4.8 5.3 3.9 3.1 4.8 3.1 2.0 5.7 4.8 4.2 4.8 3.1 2.0 4.2 2.0 0.0"},
    {"AV:A/AC:L/PR:N/UI:N/S:C",
     "9.6 9.6 9.3 9.6 8.8 8.2 9.3 8.2 7.4 9.6 8.8 8.2 8.8 7.1 6.1 8.2 6.1 4.7 9.3 8.2 7.4 8.2 6.1 4.7 7.4 4.7 0.0"},
    {"AV:A/AC:L/PR:N/UI:N/S:U",
     "8.8 8.3 8.1 8.3 7.6 7.1 8.1 7.1 6.5 8.3 7.6 7.1 7.6 6.3 5.4 7.1 5.4 4.3 8.1 7.1 6.5 7.1 5.4 4.3 6.5 4.3 0.0"},
    {"AV:A/AC:L/PR:N/UI:R/S:C",
     "8.8 8.7 8.5 8.7 8.0 7.4 8.5 7.4 6.6 8.7 8.0 7.4 8.0 6.3 5.2 7.4 5.2 3.8 8.5 7.4 6.6 7.4 5.2 3.8 6.6 3.8 0.0"},
    {"AV:A/AC:L/PR:N/UI:R/S:U",
     "8.0 7.6 7.3 7.6 6.8 6.3 7.3 6.3 5.7 7.6 6.8 6.3 6.8 5.5 4.6 6.3 4.6 3.5 7.3 6.3 5.7 6.3 4.6 3.5 5.7 3.5 0.0"},
    {"AV:A/AC:L/PR:L/UI:N/S:C",
     "9.0 8.9 8.7 8.9 8.2 7.6 8.7 7.6 6.8 8.9 8.2 7.6 8.2 6.5 5.4 7.6 5.4 4.1 8.7 7.6 6.8 7.6 5.4 4.1 6.8 4.1 0.0"},
    {"AV:A/AC:L/PR:L/UI:N/S:U",
     "8.0 7.6 7.3 7.6 6.8 6.3 7.3 6.3 5.7 7.6 6.8 6.3 6.8 5.5 4.6 6.3 4.6 3.5 7.3 6.3 5.7 6.3 4.6 3.5 5.7 3.5 0.0"},
    {"AV:A/AC:L/PR:L/UI:R/S:C",
     "8.4 8.3 8.1 8.3 7.5 6.9 8.1 6.9 6.1 8.3 7.5 6.9 7.5 5.9 4.8 6.9 4.8 3.4 8.1 6.9 6.1 6.9 4.8 3.4 6.1 3.4 0.0"},
    {"AV:A/AC:L/PR:L/UI:R/S:U",
     "7.4 7.0 6.7 7.0 6.3 5.8 6.7 5.8 5.2 7.0 6.3 5.8 6.3 4.9 4.1 5.8 4.1 3.0 6.7 5.8 5.2 5.8 4.1 3.0 5.2 3.0 0.0"},
    {"AV:A/AC:L/PR:H/UI:N/S:C",
     "8.4 8.3 8.1 8.3 7.5 6.9 8.1 6.9 6.2 8.3 7.5 6.9 7.5 5.9 4.8 6.9 4.8 3.4 8.1 6.9 6.2 6.9 4.8 3.4 6.2 3.4 0.0"},
    {"AV:A/AC:L/PR:H/UI:N/S:U",
     "6.8 6.4 6.1 6.4 5.7 5.2 6.1 5.2 4.5 6.4 5.7 5.2 5.7 4.3 3.5 5.2 3.5 2.4 6.1 5.2 4.5 5.2 3.5 2.4 4.5 2.4 0.0"},
    {"AV:A/AC:L/PR:H/UI:R/S:C",
     "7.9 7.8 7.6 7.8 7.1 6.5 7.6 6.5 5.7 7.8 7.1 6.5 7.1 5.4 4.3 6.5 4.3 2.9 7.6 6.5 5.7 6.5 4.3 2.9 5.7 2.9 0.0"},
    {"AV:A/AC:L/PR:H/UI:R/S:U",
     "6.6 6.2 5.9 6.2 5.4 4.9 5.9 4.9 4.3 6.2 5.4 4.9 5.4 4.1 3.2 4.9 3.2 2.1 5.9 4.9 4.3 4.9 3.2 2.1 4.3 2.1 0.0"},
    {"AV:A/AC:H/PR:N/UI:N/S:C",
     "8.3 8.2 8.0 8.2 7.5 6.9 8.0 6.9 6.1 8.2 7.5 6.9 7.5 5.8 4.7 6.9 4.7 3.4 8.0 6.9 6.1 6.9 4.7 3.4 6.1 3.4 0.0"},
    {"AV:A/AC:H/PR:N/UI:N/S:U",
     "7.5 7.1 6.8 7.1 6.4 5.9 6.8 5.9 5.3 7.1 6.4 5.9 6.4 5.0 4.2 5.9 4.2 3.1 6.8 5.9 5.3 5.9 4.2 3.1 5.3 3.1 0.0"},
    {"AV:A/AC:H/PR:N/UI:R/S:C",
     "7.9 7.8 7.5 7.8 7.0 6.4 7.5 6.4 5.6 7.8 7.0 6.4 7.0 5.4 4.3 6.4 4.3 2.9 7.5 6.4 5.6 6.4 4.3 2.9 5.6 2.9 0.0"},
    {"AV:A/AC:H/PR:N/UI:R/S:U",
     "7.1 6.7 6.4 6.7 5.9 5.4 6.4 5.4 4.8 6.7 5.9 5.4 5.9 4.6 3.7 5.4 3.7 2.6 6.4 5.4 4.8 5.4 3.7 2.6 4.8 2.6 0.0"},
    {"AV:A/AC:H/PR:L/UI:N/S:C",
     "8.0 7.9 7.7 7.9 7.1 6.5 7.7 6.5 5.8 7.9 7.1 6.5 7.1 5.5 4.4 6.5 4.4 3.0 7.7 6.5 5.8 6.5 4.4 3.0 5.8 3.0 0.0"},
    {"AV:A/AC:H/PR:L/UI:N/S:U",
     "7.1 6.7 6.4 6.7 5.9 5.4 6.4 5.4 4.8 6.7 5.9 5.4 5.9 4.6 3.7 5.4 3.7 2.6 6.4 5.4 4.8 5.4 3.7 2.6 4.8 2.6 0.0"},
    {"AV:A/AC:H/PR:L/UI:R/S:C",
     "7.6 7.5 7.3 7.5 6.8 6.2 7.3 6.2 5.4 7.5 6.8 6.2 6.8 5.1 4.0 6.2 4.0 2.6 7.3 6.2 5.4 6.2 4.0 2.6 5.4 2.6 0.0"},
    {"AV:A/AC:H/PR:L/UI:R/S:U",
     "6.8 6.4 6.1 6.4 5.6 5.1 6.1 5.1 4.5 6.4 5.6 5.1 5.6 4.3 3.4 5.1 3.4 2.3 6.1 5.1 4.5 5.1 3.4 2.3 4.5 2.3 0.0"},
    {"AV:A/AC:H/PR:H/UI:N/S:C",
     "7.6 7.5 7.3 7.5 6.8 6.2 7.3 6.2 5.4 7.5 6.8 6.2 6.8 5.1 4.0 6.2 4.0 2.6 7.3 6.2 5.4 6.2 4.0 2.6 5.4 2.6 0.0"},
    {"AV:A/AC:H/PR:H/UI:N/S:U",
     "6.4 6.0 5.7 6.0 5.3 4.8 5.7 4.8 4.2 6.0 5.3 4.8 5.3 3.9 3.1 4.8 3.1 2.0 5.7 4.8 4.2 4.8 3.1 2.0 4.2 2.0 0.0"},
    {"AV:A/AC:H/PR:H/UI:R/S:C",
     "7.3 7.2 7.0 7.2 6.5 5.9 7.0 5.9 5.1 7.2 6.5 5.9 6.5 4.8 3.7 5.9 3.7 2.4 7.0 5.9 5.1 5.9 3.7 2.4 5.1 2.4 0.0"},
    {"AV:A/AC:H/PR:H/UI:R/S:U",
     "6.3 5.9 5.6 5.9 5.1 4.6 5.6 4.6 4.0 5.9 5.1 4.6 5.1 3.8 2.9 4.6 2.9 1.8 5.6 4.6 4.0 4.6 2.9 1.8 4.0 1.8 0.0"},
    {"AV:L/AC:L/PR:N/UI:N/S:C",
     "9.3 9.2 9.0 9.2 8.5 7.9 9.0 7.9 7.1 9.2 8.5 7.9 8.5 6.8 5.7 7.9 5.7 4.3 9.0 7.9 7.1 7.9 5.7 4.3 7.1 4.3 0.0"},
    {"AV:L/AC:L/PR:N/UI:N/S:U",
     "8.4 8.0 7.7 8.0 7.3 6.8 7.7 6.8 6.2 8.0 7.3 6.8 7.3 5.9 5.1 6.8 5.1 4.0 7.7 6.8 6.2 6.8 5.1 4.0 6.2 4.0 0.0"},
    {"AV:L/AC:L/PR:N/UI:R/S:C",
     "8.6 8.5 8.2 8.5 7.7 7.1 8.2 7.1 6.3 8.5 7.7 7.1 7.7 6.1 5.0 7.1 5.0 3.6 8.2 7.1 6.3 7.1 5.0 3.6 6.3 3.6 0.0"},
    {"AV:L/AC:L/PR:N/UI:R/S:U",
     "7.8 7.3 7.1 7.3 6.6 6.1 7.1 6.1 5.5 7.3 6.6 6.1 6.6 5.3 4.4 6.1 4.4 3.3 7.1 6.1 5.5 6.1 4.4 3.3 5.5 3.3 0.0"},
    {"AV:L/AC:L/PR:L/UI:N/S:C",
     "8.8 8.7 8.4 8.7 7.9 7.3 8.4 7.3 6.5 8.7 7.9 7.3 7.9 6.3 5.2 7.3 5.2 3.8 8.4 7.3 6.5 7.3 5.2 3.8 6.5 3.8 0.0"},
    {"AV:L/AC:L/PR:L/UI:N/S:U",
     "7.8 7.3 7.1 7.3 6.6 6.1 7.1 6.1 5.5 7.3 6.6 6.1 6.6 5.3 4.4 6.1 4.4 3.3 7.1 6.1 5.5 6.1 4.4 3.3 5.5 3.3 0.0"},
    {"AV:L/AC:L/PR:L/UI:R/S:C",
     "8.2 8.1 7.9 8.1 7.3 6.7 7.9 6.7 5.9 8.1 7.3 6.7 7.3 5.7 4.6 6.7 4.6 3.2 7.9 6.7 5.9 6.7 4.6 3.2 5.9 3.2 0.0"},
    {"AV:L/AC:L/PR:L/UI:R/S:U",
     "7.3 6.8 6.6 6.8 6.1 5.6 6.6 5.6 5.0 6.8 6.1 5.6 6.1 4.8 3.9 5.6 3.9 2.8 6.6 5.6 5.0 5.6 3.9 2.8 5.0 2.8 0.0"},
    {"AV:L/AC:L/PR:H/UI:N/S:C",
     "8.2 8.1 7.9 8.1 7.3 6.7 7.9 6.7 6.0 8.1 7.3 6.7 7.3 5.7 4.6 6.7 4.6 3.2 7.9 6.7 6.0 6.7 4.6 3.2 6.0 3.2 0.0"},
    {"AV:L/AC:L/PR:H/UI:N/S:U",
     "6.7 6.3 6.0 6.3 5.6 5.1 6.0 5.1 4.4 6.3 5.6 5.1 5.6 4.2 3.4 5.1 3.4 2.3 6.0 5.1 4.4 5.1 3.4 2.3 4.4 2.3 0.0"},
    {"AV:L/AC:L/PR:H/UI:R/S:C",
     "7.7 7.7 7.4 7.7 6.9 6.3 7.4 6.3 5.5 7.7 6.9 6.3 6.9 5.2 4.2 6.3 4.2 2.8 7.4 6.3 5.5 6.3 4.2 2.8 5.5 2.8 0.0"},
    {"AV:L/AC:L/PR:H/UI:R/S:U",
     "6.5 6.1 5.8 6.1 5.3 4.8 5.8 4.8 4.2 6.1 5.3 4.8 5.3 4.0 3.1 4.8 3.1 2.0 5.8 4.8 4.2 4.8 3.1 2.0 4.2 2.0 0.0"},
    {"AV:L/AC:H/PR:N/UI:N/S:C",
     "8.1 8.1 7.8 8.1 7.3 6.7 7.8 6.7 5.9 8.1 7.3 6.7 7.3 5.6 4.5 6.7 4.5 3.2 7.8 6.7 5.9 6.7 4.5 3.2 5.9 3.2 0.0"},
    {"AV:L/AC:H/PR:N/UI:N/S:U",
     "7.4 6.9 6.7 6.9 6.2 5.7 6.7 5.7 5.1 6.9 6.2 5.7 6.2 4.9 4.0 5.7 4.0 2.9 6.7 5.7 5.1 5.7 4.0 2.9 5.1 2.9 0.0"},
    {"AV:L/AC:H/PR:N/UI:R/S:C",
     "7.7 7.6 7.4 7.6 6.9 6.3 7.4 6.3 5.5 7.6 6.9 6.3 6.9 5.2 4.1 6.3 4.1 2.7 7.4 6.3 5.5 6.3 4.1 2.7 5.5 2.7 0.0"},
    {"AV:L/AC:H/PR:N/UI:R/S:U",
     "7.0 6.5 6.3 6.5 5.8 5.3 6.3 5.3 4.7 6.5 5.8 5.3 5.8 4.5 3.6 5.3 3.6 2.5 6.3 5.3 4.7 5.3 3.6 2.5 4.7 2.5 0.0"},
    {"AV:L/AC:H/PR:L/UI:N/S:C",
     "7.8 7.7 7.5 7.7 7.0 6.4 7.5 6.4 5.6 7.7 7.0 6.4 7.0 5.3 4.2 6.4 4.2 2.8 7.5 6.4 5.6 6.4 4.2 2.8 5.6 2.8 0.0"},
    {"AV:L/AC:H/PR:L/UI:N/S:U",
     "7.0 6.5 6.3 6.5 5.8 5.3 6.3 5.3 4.7 6.5 5.8 5.3 5.8 4.5 3.6 5.3 3.6 2.5 6.3 5.3 4.7 5.3 3.6 2.5 4.7 2.5 0.0"},
    {"AV:L/AC:H/PR:L/UI:R/S:C",
     "7.5 7.4 7.2 7.4 6.6 6.1 7.2 6.1 5.3 7.4 6.6 6.1 6.6 5.0 3.9 6.1 3.9 2.5 7.2 6.1 5.3 6.1 3.9 2.5 5.3 2.5 0.0"},
    {"AV:L/AC:H/PR:L/UI:R/S:U",
     "6.7 6.3 6.0 6.3 5.5 5.0 6.0 5.0 4.4 6.3 5.5 5.0 5.5 4.2 3.3 5.0 3.3 2.2 6.0 5.0 4.4 5.0 3.3 2.2 4.4 2.2 0.0"},
    {"AV:L/AC:H/PR:H/UI:N/S:C",
     "7.5 7.4 7.2 7.4 6.7 6.1 7.2 6.1 5.3 7.4 6.7 6.1 6.7 5.0 3.9 6.1 3.9 2.5 7.2 6.1 5.3 6.1 3.9 2.5 5.3 2.5 0.0"},
    {"AV:L/AC:H/PR:H/UI:N/S:U",
     "6.4 6.0 5.7 6.0 5.2 4.7 5.7 4.7 4.1 6.0 5.2 4.7 5.2 3.9 3.0 4.7 3.0 1.9 5.7 4.7 4.1 4.7 3.0 1.9 4.1 1.9 0.0"},
    {"AV:L/AC:H/PR:H/UI:R/S:C",
     "7.2 7.2 6.9 7.2 6.4 5.8 6.9 5.8 5.0 7.2 6.4 5.8 6.4 4.7 3.7 5.8 3.7 2.3 6.9 5.8 5.0 5.8 3.7 2.3 5.0 2.3 0.0"},
    {"AV:L/AC:H/PR:H/UI:R/S:U",
     "6.3 5.8 5.6 5.8 5.1 4.6 5.6 4.6 4.0 5.8 5.1 4.6 5.1 3.8 2.9 4.6 2.9 1.8 5.6 4.6 4.0 4.6 2.9 1.8 4.0 1.8 0.0"},
    {"AV:P/AC:L/PR:N/UI:N/S:C",
     "7.6 7.5 7.3 7.5 6.7 6.1 7.3 6.1 5.3 7.5 6.7 6.1 6.7 5.1 4.0 6.1 4.0 2.6 7.3 6.1 5.3 6.1 4.0 2.6 5.3 2.6 0.0"},
    {"AV:P/AC:L/PR:N/UI:N/S:U",
     "6.8 6.4 6.1 6.4 5.7 5.2 6.1 5.2 4.6 6.4 5.7 5.2 5.7 4.3 3.5 5.2 3.5 2.4 6.1 5.2 4.6 5.2 3.5 2.4 4.6 2.4 0.0"},
    {"AV:P/AC:L/PR:N/UI:R/S:C",
     "7.3 7.2 7.0 7.2 6.5 5.9 7.0 5.9 5.1 7.2 6.5 5.9 6.5 4.8 3.7 5.9 3.7 2.3 7.0 5.9 5.1 5.9 3.7 2.3 5.1 2.3 0.0"},
    {"AV:P/AC:L/PR:N/UI:R/S:U",
     "6.6 6.2 5.9 6.2 5.4 4.9 5.9 4.9 4.3 6.2 5.4 4.9 5.4 4.1 3.2 4.9 3.2 2.1 5.9 4.9 4.3 4.9 3.2 2.1 4.3 2.1 0.0"},
    {"AV:P/AC:L/PR:L/UI:N/S:C",
     "7.4 7.3 7.1 7.3 6.5 5.9 7.1 5.9 5.2 7.3 6.5 5.9 6.5 4.9 3.8 5.9 3.8 2.4 7.1 5.9 5.2 5.9 3.8 2.4 5.2 2.4 0.0"},
    {"AV:P/AC:L/PR:L/UI:N/S:U",
     "6.6 6.2 5.9 6.2 5.4 4.9 5.9 4.9 4.3 6.2 5.4 4.9 5.4 4.1 3.2 4.9 3.2 2.1 5.9 4.9 4.3 4.9 3.2 2.1 4.3 2.1 0.0"},
    {"AV:P/AC:L/PR:L/UI:R/S:C",
     "7.2 7.1 6.8 7.1 6.3 5.7 6.8 5.7 4.9 7.1 6.3 5.7 6.3 4.7 3.6 5.7 3.6 2.2 6.8 5.7 4.9 5.7 3.6 2.2 4.9 2.2 0.0"},
    {"AV:P/AC:L/PR:L/UI:R/S:U",
     "6.4 6.0 5.7 6.0 5.2 4.8 5.7 4.8 4.1 6.0 5.2 4.8 5.2 3.9 3.1 4.8 3.1 1.9 5.7 4.8 4.1 4.8 3.1 1.9 4.1 1.9 0.0"},
    {"AV:P/AC:L/PR:H/UI:N/S:C",
     "7.2 7.1 6.8 7.1 6.3 5.7 6.8 5.7 4.9 7.1 6.3 5.7 6.3 4.7 3.6 5.7 3.6 2.2 6.8 5.7 4.9 5.7 3.6 2.2 4.9 2.2 0.0"},
    {"AV:P/AC:L/PR:H/UI:N/S:U",
     "6.2 5.8 5.5 5.8 5.0 4.6 5.5 4.6 3.9 5.8 5.0 4.6 5.0 3.7 2.9 4.6 2.9 1.8 5.5 4.6 3.9 4.6 2.9 1.8 3.9 1.8 0.0"},
    {"AV:P/AC:L/PR:H/UI:R/S:C",
     "7.0 6.9 6.7 6.9 6.2 5.6 6.7 5.6 4.8 6.9 6.2 5.6 6.2 4.5 3.4 5.6 3.4 2.0 6.7 5.6 4.8 5.6 3.4 2.0 4.8 2.0 0.0"},
    {"AV:P/AC:L/PR:H/UI:R/S:U",
     "6.1 5.7 5.4 5.7 5.0 4.5 5.4 4.5 3.9 5.7 5.0 4.5 5.0 3.6 2.8 4.5 2.8 1.7 5.4 4.5 3.9 4.5 2.8 1.7 3.9 1.7 0.0"},
    {"AV:P/AC:H/PR:N/UI:N/S:C",
     "7.1 7.1 6.8 7.1 6.3 5.7 6.8 5.7 4.9 7.1 6.3 5.7 6.3 4.6 3.6 5.7 3.6 2.2 6.8 5.7 4.9 5.7 3.6 2.2 4.9 2.2 0.0"},
    {"AV:P/AC:H/PR:N/UI:N/S:U",
     "6.4 6.0 5.7 6.0 5.3 4.8 5.7 4.8 4.2 6.0 5.3 4.8 5.3 3.9 3.1 4.8 3.1 2.0 5.7 4.8 4.2 4.8 3.1 2.0 4.2 2.0 0.0"},
    {"AV:P/AC:H/PR:N/UI:R/S:C",
     "7.0 6.9 6.7 6.9 6.2 5.6 6.7 5.6 4.8 6.9 6.2 5.6 6.2 4.5 3.4 5.6 3.4 2.0 6.7 5.6 4.8 5.6 3.4 2.0 4.8 2.0 0.0"},
    {"AV:P/AC:H/PR:N/UI:R/S:U",
     "6.3 5.9 5.6 5.9 5.1 4.6 5.6 4.6 4.0 5.9 5.1 4.6 5.1 3.8 2.9 4.6 2.9 1.8 5.6 4.6 4.0 4.6 2.9 1.8 4.0 1.8 0.0"},
    {"AV:P/AC:H/PR:L/UI:N/S:C",
     "7.0 7.0 6.7 7.0 6.2 5.6 6.7 5.6 4.8 7.0 6.2 5.6 6.2 4.5 3.4 5.6 3.4 2.1 6.7 5.6 4.8 5.6 3.4 2.1 4.8 2.1 0.0"},
    {"AV:P/AC:H/PR:L/UI:N/S:U",
     "6.3 5.9 5.6 5.9 5.1 4.6 5.6 4.6 4.0 5.9 5.1 4.6 5.1 3.8 2.9 4.6 2.9 1.8 5.6 4.6 4.0 4.6 2.9 1.8 4.0 1.8 0.0"},
    {"AV:P/AC:H/PR:L/UI:R/S:C",
     "6.9 6.8 6.6 6.8 6.1 5.5 6.6 5.5 4.7 6.8 6.1 5.5 6.1 4.4 3.3 5.5 3.3 1.9 6.6 5.5 4.7 5.5 3.3 1.9 4.7 1.9 0.0"},
    {"AV:P/AC:H/PR:L/UI:R/S:U",
     "6.2 5.8 5.5 5.8 5.0 4.5 5.5 4.5 3.9 5.8 5.0 4.5 5.0 3.7 2.8 4.5 2.8 1.7 5.5 4.5 3.9 4.5 2.8 1.7 3.9 1.7 0.0"},
    {"AV:P/AC:H/PR:H/UI:N/S:C",
     "6.9 6.8 6.6 6.8 6.1 5.5 6.6 5.5 4.7 6.8 6.1 5.5 6.1 4.4 3.3 5.5 3.3 1.9 6.6 5.5 4.7 5.5 3.3 1.9 4.7 1.9 0.0"},
    {"AV:P/AC:H/PR:H/UI:N/S:U",
     "6.1 5.7 5.4 5.7 4.9 4.4 5.4 4.4 3.8 5.7 4.9 4.4 4.9 3.6 2.7 4.4 2.7 1.6 5.4 4.4 3.8 4.4 2.7 1.6 3.8 1.6 0.0"},
    {"AV:P/AC:H/PR:H/UI:R/S:C",
     "6.8 6.7 6.5 6.7 6.0 5.4 6.5 5.4 4.6 6.7 6.0 5.4 6.0 4.3 3.2 5.4 3.2 1.8 6.5 5.4 4.6 5.4 3.2 1.8 4.6 1.8 0.0"},
    {"AV:P/AC:H/PR:H/UI:R/S:U",
     "6.0 5.6 5.3 5.6 4.9 4.4 5.3 4.4 3.8 5.6 4.9 4.4 4.9 3.5 2.7 4.4 2.7 1.6 5.3 4.4 3.8 4.4 2.7 1.6 3.8 1.6 0.0"},
};
/* clang-format on */

static const char impact_order[] = "HLN";

/* Calls fn(vector, oracle tenths) for every [FIRST31] entry, with the given
 * prefix ("CVSS:3.1/" or "CVSS:3.0/"); returns how many. */
static size_t
each_first31(const char *prefix, void (*fn)(const char *, int))
{
    size_t i, n = 0;

    for (i = 0; i < sizeof(first31) / sizeof(first31[0]); i++) {
        const char *p = first31[i].scores;
        int c, k, a;

        for (c = 0; c < 3; c++) {
            for (k = 0; k < 3; k++) {
                for (a = 0; a < 3; a++) {
                    char v[128];

                    snprintf(v, sizeof(v), "%s%s/C:%c/I:%c/A:%c", prefix, first31[i].prefix,
                             impact_order[c], impact_order[k], impact_order[a]);
                    while (*p == ' ')
                        p++;
                    fn(v, tenths(p));
                    while (*p && *p != ' ')
                        p++;
                    n++;
                }
            }
        }
        while (*p == ' ')
            p++;
        assert_true(*p == '\0'); /* exactly 27 scores per line */
    }
    return n;
}

static void
test_v31_all_base_vectors(void **state)
{
    (void)state;
    assert_int_equal(each_first31("CVSS:3.1/", expect_base), 2592);
}

/* v3.0 and v3.1 share the base equations; only Roundup differs, and only
 * when floating point puts a result a hair above a tenth. No base vector
 * does (checked with exact rational arithmetic when this was written), so
 * every v3.0 base score equals FIRST's v3.1 one. This is a derived property,
 * not a separate oracle; [FIRST30X] below is the v3.0 oracle. */
static void
test_v30_base_vectors_match_v31(void **state)
{
    (void)state;
    assert_int_equal(each_first31("CVSS:3.0/", expect_base), 2592);
}

static void
test_v30_first_examples(void **state)
{
    /* [FIRST30X]: the CVE each vector scores in FIRST's v3.0 examples. */
    static const struct {
        const char *vector;
        const char *score;
    } cases[] = {
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "6.1"}, /* CVE-2013-1937 */
        {"CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", "6.4"}, /* CVE-2013-0375 */
        {"CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", "3.1"}, /* CVE-2014-3566 */
        {"CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", "9.9"}, /* CVE-2012-1516 */
        {"CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", "4.2"}, /* CVE-2009-0783 */
        {"CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "8.8"}, /* CVE-2012-0384 */
        {"CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "7.8"}, /* CVE-2015-1098 */
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "7.5"}, /* CVE-2014-0160 */
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "9.8"}, /* CVE-2014-6271 */
        {"CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", "6.8"}, /* CVE-2008-1447 */
        {"CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "6.8"}, /* CVE-2014-2005 */
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", "5.8"}, /* CVE-2010-0467 */
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", "5.8"}, /* CVE-2012-1342 */
        {"CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", "9.3"}, /* CVE-2013-6014 */
        {"CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", "5.4"}, /* CVE-2014-9253 */
        {"CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "8.8"}, /* CVE-2011-1265 */
        {"CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", "4.6"}, /* CVE-2014-2019 */
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "8.8"}, /* CVE-2016-1645 */
        {"CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", "7.4"}, /* CVE-2014-0224 */
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", "9.6"}, /* CVE-2012-5376 */
        /* [FIRST30C]: temporal and environmental metrics are validated and
         * leave the base score alone; metric order is free. */
        {"CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", "3.8"},
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/"
         "MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
         "9.3"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cvss_score s = parse_ok(cases[i].vector);

        expect_base(cases[i].vector, tenths(cases[i].score));
        assert_int_equal(s.version, CVSS_V3_0);
        assert_int_equal(s.vector_score, s.base); /* v3: base only */
        assert_int_equal(s.nomenclature, CVSS_B);
    }
}

static void
test_v3_roundup(void **state)
{
    (void)state;
    /* [SPEC] v3.0 section 7.4 / v3.1 section 7.4: "Round up (4.02) is 4.1;
     * and Round up (4.00) is 4.0". */
    assert_int_equal(cvss_roundup_v30(4.02), 41);
    assert_int_equal(cvss_roundup_v31(4.02), 41);
    assert_int_equal(cvss_roundup_v30(4.00), 40);
    assert_int_equal(cvss_roundup_v31(4.00), 40);
    /* The reason v3.1 Appendix A exists: one ulp above 4.0 is 4.0 for the
     * v3.1 Roundup (it rounds to 5 decimals first) but 4.1 for v3.0's. */
    assert_true(4.000000000000001 > 4.0);
    assert_int_equal(cvss_roundup_v30(4.000000000000001), 41);
    assert_int_equal(cvss_roundup_v31(4.000000000000001), 40);
    /* 0.1 * 3 is 0.30000000000000004 in binary floating point. */
    assert_int_equal(cvss_roundup_v30(0.1 * 3), 4);
    assert_int_equal(cvss_roundup_v31(0.1 * 3), 3);
    /* Domain edges stay defined. */
    assert_int_equal(cvss_roundup_v31(0.0), 0);
    assert_int_equal(cvss_roundup_v31(-1.0), 0);
    assert_int_equal(cvss_roundup_v30(10.0), 100);
    assert_int_equal(cvss_roundup_v31(10.0), 100);
}

/* ---- v4.0 base vectors [RH4] ---- */

/* "NLNNNLHLNHL 9.2": the values of AV AC AT PR UI VC VI VA SC SI SA, then
 * the oracle's score. */
/* clang-format off */
static const char *const rh_simple4[] = {
    "NLNNNLHLNHL 9.2", "NLNNNLLLHNL 7.8", "NLNNNLLNNLN 6.9", "NLNNNLNHNHN 9.2",
    "NLNNNNNNHLH 7.9", "NLNNPHNLNHN 8.3", "NLNNPLNLNHN 6.3", "NLNNPLNNLNL 5.3",
    "NLNNPNLNLNN 5.3", "NLNNPNNLLNL 5.3", "NLNNAHHHNNN 8.6", "NLNNAHHLNHN 9.2",
    "NLNNAHHNNLL 8.5", "NLNNAHLLNLH 8.3", "NLNNALLHHHL 8.4", "NLNNALLHLNH 8.3",
    "NLNNALLNNLL 5.1", "NLNNALLNNNN 5.1", "NLNLNHLNHNL 8.4", "NLNLNHNLLNH 8.4",
    "NLNLNHNLNLN 7.1", "NLNLNHNNHNN 8.3", "NLNLNLLNHLL 6.4", "NLNLNLNNNNH 6.3",
    "NLNLNNHHNNL 7.2", "NLNLPHLLLLL 7.0", "NLNLPHLNLHH 8.4", "NLNLPLLNHHH 6.4",
    "NLNLPNNLHLH 6.3", "NLNLAHHHHNH 9.3", "NLNLAHLHNLH 8.3", "NLNLALHHLHL 8.3",
    "NLNLALLHHNN 8.2", "NLNLALLHLHN 8.3", "NLNLALLHNHL 8.3", "NLNLANHHNNL 6.9",
    "NLNLANLLLLH 6.2", "NLNLANLNHHL 6.2", "NLNHNHHLHHH 9.3", "NLNHNHHLLHN 9.3",
    "NLNHNHLNHNN 8.3", "NLNHNHNHHHN 8.4", "NLNHNLLLLLN 5.1", "NLNHNLLLNLH 6.2",
    "NLNHNLLNLNH 6.2", "NLNHNNHHHNL 8.3", "NLNHNNHNHHL 8.4", "NLNHPHNHHLN 8.3",
    "NLNHPLHHHNL 8.3", "NLNHPLHLLLL 6.9", "NLNHPLLNLNN 4.8", "NLNHPNHHHHN 8.3",
    "NLNHPNHNNNH 8.2", "NLNHPNLHHHH 8.4", "NLNHPNNHNHN 8.2", "NLNHPNNLLLH 6.2",
    "NLNHALHNNHN 8.1", "NLNHALNNHNH 6.0", "NLNHALNNLHN 6.0", "NLNHANHLLNH 8.2",
    "NLNHANNNHHH 6.2", "NLPNNHHHHNH 9.5", "NLPNNHLLHLL 9.1", "NLPNNHLLNHH 9.1",
    "NLPNNHLLNLL 8.3", "NLPNNHNHLLL 8.3", "NLPNNHNLLNN 8.3", "NLPNNHNNLLH 9.0",
    "NLPNNHNNLLL 8.2", "NLPNNLHLHLN 9.0", "NLPNNLHLLLL 8.3", "NLPNNNHHNLH 9.0",
    "NLPNNNHNLHN 9.0", "NLPNNNHNLNL 8.2", "NLPNNNHNLNN 8.2", "NLPNNNLHNHN 9.0",
    "NLPNNNLLHLL 7.0", "NLPNPHHNHNL 8.7", "NLPNPLHLLLL 6.1", "NLPNPLHLLLN 6.1",
    "NLPNPLLNHNN 4.9", "NLPNPLNHNLL 6.0", "NLPNPNLHNHN 7.0", "NLPNPNLLHLL 5.3",
    "NLPNPNLNLHN 5.1", "NLPNAHHHHHN 8.8", "NLPNAHLNLNL 5.9", "NLPNAHNHNHH 7.1",
    "NLPNALHLNLN 5.9", "NLPNALLLLHH 5.3", "NLPNALLNNNH 4.6", "NLPNANHNNNH 6.9",
    "NLPNANLHLNN 5.9", "NLPNANNLLNH 4.8", "NLPNANNNLNN 2.1", "NLPLNHHLNNH 8.7",
    "NLPLNHNNNNL 6.0", "NLPLNLHHNLL 6.1", "NLPLNLLHLLH 7.2", "NLPLNLLLLHL 5.3",
    "NLPLNLLNLHH 5.6", "NLPLNLNNHLH 5.6", "NLPLNNHLHHL 7.2", "NLPLNNLLLHL 5.3",
    "NLPLNNNHHLL 7.1", "NLPLNNNNNLN 2.3", "NLPLPHNLNHL 7.0", "NLPLPHNNHNH 7.0",
    "NLPLPLHNHNN 7.0", "NLPLPNHHHHN 7.1", "NLPLPNNHLHL 7.0", "NLPLPNNNHLL 5.1",
    "NLPLAHHHHNH 8.7", "NLPLAHHLLLL 7.3", "NLPLAHNHLLH 7.1", "NLPLALHHLLL 5.9",
    "NLPLALHHNHH 7.1", "NLPLALLNNHL 4.5", "NLPLANNNLNH 4.5", "NLPHNHHNHNL 8.6",
    "NLPHNLHLHLH 7.2", "NLPHNLNHLLH 7.1", "NLPHNNHHLNL 5.9", "NLPHNNHLLLH 7.1",
    "NLPHNNLLHHH 5.5", "NLPHNNLLNHN 4.6", "NLPHNNLNLNN 2.1", "NLPHNNNNNNL 2.1",
    "NLPHPHHHLLH 8.7", "NLPHPHLLLNL 5.8", "NLPHPLHHHHN 7.1", "NLPHPLHHNLN 5.9",
    "NLPHPLHLHNL 7.0", "NLPHPNHLLNH 6.9", "NLPHAHLNHNH 6.9", "NLPHALLLHHL 4.7",
    "NLPHALNLLHN 4.3", "NLPHANHHLLN 5.7", "NLPHANHLHNH 6.9", "NLPHANHLNNL 5.7",
    "NLPHANHNNHL 6.8", "NLPHANLLLNN 1.8", "NLPHANLNNLN 1.8", "NLPHANNHLHL 6.9",
    "NLPHANNHLNL 5.6", "NLPHANNLLNH 4.3", "NHNNNHHNLHL 9.4", "NHNNNHNNLHN 9.0",
    "NHNNNLNHHLH 9.1", "NHNNNNNNLLH 7.0", "NHNNPLLNNHL 5.1", "NHNNPLNNLHL 5.3",
    "NHNNPNHLHLH 7.2", "NHNNPNLHHHL 7.2", "NHNNAHNHNLH 7.1", "NHNNAHNLNHL 7.0",
    "NHNNALLNNNN 2.1", "NHNNALNNHHN 5.1", "NHNNANHHHNH 7.1", "NHNNANHLNLN 5.9",
    "NHNNANNLHLH 5.3", "NHNNANNNHHL 5.3", "NHNLNHLHHHL 7.3", "NHNLNHLLNHN 7.1",
    "NHNLNHNHHNN 7.1", "NHNLNHNLLLH 7.2", "NHNLNHNLLLL 6.0", "NHNLNHNNNHH 7.1",
    "NHNLNLHLLHH 7.3", "NHNLNLHNLNL 6.0", "NHNLNNHLNLH 7.1", "NHNLNNLLLLH 5.3",
    "NHNLPHHHHLH 8.8", "NHNLPHLNNLL 5.9", "NHNLPHNHHNN 7.0", "NHNLPHNLLHH 7.2",
    "NHNLPHNNNLL 5.9", "NHNLPLHLLHL 7.1", "NHNLPLNLNNN 2.1", "NHNLPLNNHHH 5.5",
    "NHNLPNLLNLL 2.1", "NHNLAHHNNLL 7.2", "NHNLALLHLLN 5.8", "NHNLALLLHHH 5.2",
    "NHNLALLNNNH 4.3", "NHNLALNLLHN 4.5", "NHNLANHNHHH 7.1", "NHNLANLLHHL 5.0",
    "NHNLANLLLHN 4.5", "NHNHNHHNNLH 8.6", "NHNHNLNLNLN 2.1", "NHNHNNHNLNH 7.0",
    "NHNHNNNLLLH 5.1", "NHNHNNNNLHN 4.8", "NHNHPHLHHHN 7.1", "NHNHPHLNLLL 5.8",
    "NHNHPHNHLNL 5.8", "NHNHPLLLHNL 4.5", "NHNHPLNLNNH 4.3", "NHNHPNHLNHH 7.0",
    "NHNHPNLHHLN 6.9", "NHNHPNLHLLN 5.8", "NHNHALHHNNH 6.9", "NHNHALHNHLN 6.9",
    "NHNHALLHNLL 5.7", "NHNHANHHNHN 6.8", "NHNHANNNNHN 4.0", "NHPNNHHHHLN 9.5",
    "NHPNNHHNNNL 9.1", "NHPNNHLLNHN 9.0", "NHPNNHLNLLH 9.1", "NHPNNHLNNHN 9.0",
    "NHPNNHNNHLN 9.0", "NHPNNLHHNHL 9.1", "NHPNNLHNNLH 9.0", "NHPNNLLHLNN 8.3",
    "NHPNNNHLLNN 8.3", "NHPNNNLHNHN 9.0", "NHPNNNLNLHL 7.0", "NHPNNNNLNNL 6.3",
    "NHPNPHHLNLH 8.8", "NHPNPHHNNHN 8.6", "NHPNPNLNHLN 5.1", "NHPNAHHNLHN 8.6",
    "NHPNAHNLNLH 7.0", "NHPNALNLLHN 4.8", "NHPNANLLLNL 2.1", "NHPNANLNLLL 2.1",
    "NHPNANNHLHH 7.1", "NHPNANNNHNL 4.8", "NHPLNLLHNHH 7.2", "NHPLNNNHLLL 6.0",
    "NHPLPHLNNNN 5.9", "NHPLPHNHLNH 7.1", "NHPLPLHLLLL 5.9", "NHPLPLNHNLH 7.0",
    "NHPLPLNLLNH 4.8", "NHPLPNHLHNN 7.0", "NHPLPNLLLLL 2.1", "NHPLPNNLHNH 5.1",
    "NHPLAHHLLLN 7.3", "NHPLAHLLHHH 7.2", "NHPLAHNLNLL 5.8", "NHPLALHLNHL 7.0",
    "NHPLALHNHNH 7.0", "NHPLALLHNNH 6.9", "NHPLALLLHHN 4.8", "NHPLALNNNNH 4.3",
    "NHPLANLHNLH 6.9", "NHPLANLLLLH 4.8", "NHPHNHHHHLL 8.8", "NHPHNHHLLHL 8.7",
    "NHPHNHLHHNH 7.2", "NHPHNHNLHLN 7.0", "NHPHNLLHHHN 7.1", "NHPHNLLNNLL 2.1",
    "NHPHNLNLLLL 2.1", "NHPHNNHLHLN 7.0", "NHPHNNHNLLN 5.9", "NHPHNNNLLLN 2.1",
    "NHPHPHHHNNN 7.3", "NHPHPHHNNLN 7.2", "NHPHPHNHHLH 7.1", "NHPHPHNHNLH 7.0",
    "NHPHPHNNNLH 6.9", "NHPHPLHNLLN 5.8", "NHPHPLLNNHL 4.5", "NHPHPNHNLHN 6.9",
    "NHPHPNNHHLL 7.0", "NHPHAHNHNHN 6.8", "NHPHALHHHHL 7.1", "NHPHALHLNLL 5.7",
    "NHPHALHNLNN 5.7", "NHPHALLLLLN 1.8", "ALNNNHNLHLN 8.4", "ALNNNHNLHNH 8.4",
    "ALNNNNHHNNL 7.2", "ALNNNNHNHHL 8.5", "ALNNNNHNNHL 8.4", "ALNNNNNNLHL 6.4",
    "ALNNPLHHHLN 8.4", "ALNNPLHHNLL 7.1", "ALNNPLHLNNL 7.0", "ALNNPLLHNHN 8.3",
    "ALNNPLNHNHL 8.3", "ALNNPNHNLLN 6.9", "ALNNPNLLLLH 6.3", "ALNNPNLNNNH 6.1",
    "ALNNPNNNHHN 6.3", "ALNNPNNNLNN 5.1", "ALNNAHLLHHL 8.4", "ALNNALHHLNL 7.0",
    "ALNNALHHNHN 8.2", "ALNNALHNHLN 8.2", "ALNNANLHLHL 8.3", "ALNNANLLLNN 4.8",
    "ALNNANNNHHH 6.3", "ALNLNHLNHNL 8.3", "ALNLNLLNNLN 5.1", "ALNLNNHHLLL 7.0",
    "ALNLNNLLNHN 6.1", "ALNLNNLNHNL 6.2", "ALNLNNNNHHL 6.3", "ALNLNNNNNLL 5.1",
    "ALNLPHLHLLL 5.3", "ALNLPHLNNNL 5.2", "ALNLPHNNHLN 6.8", "ALNLPHNNNHL 6.8",
    "ALNLPLHNNHN 6.7", "ALNLPLLLHNN 4.1", "ALNLPLLNLHH 4.5", "ALNLPLNLLHH 4.5",
    "ALNLPNHNHLH 7.0", "ALNLPNLHLHH 7.0", "ALNLPNLHLHL 6.9", "ALNLPNNHNHL 6.8",
    "ALNLPNNLHLH 4.5", "ALNLPNNNHLH 4.5", "ALNLAHHNHLL 8.4", "ALNLAHHNNLH 8.3",
    "ALNLAHLNNNH 6.7", "ALNLAHNHHNN 6.8", "ALNLAHNHNHN 6.8", "ALNLAHNNHLH 7.0",
    "ALNLALLLHNL 4.2", "ALNLALLLLHH 4.5", "ALNLALNLNLL 2.4", "ALNLANHLLNH 6.8",
    "ALNLANLLHLN 4.2", "ALNHNLLHLLN 6.9", "ALNHNNNHLNL 6.8", "ALNHNNNLNLL 4.8",
    "ALNHPLLHHHL 7.1", "ALNHPLLLHLH 4.5", "ALNHPLLLLNN 2.4", "ALNHPLNNHNH 4.4",
    "ALNHPLNNLHN 4.2", "ALNHPNHNNLH 6.8", "ALNHPNLHHNN 6.7", "ALNHPNLLHHN 4.4",
    "ALNHPNLNHLH 4.5", "ALNHPNNLHNL 4.2", "ALNHAHHHLNH 8.4", "ALNHAHHHNHN 8.3",
    "ALNHAHHHNNH 8.3", "ALNHALHHLLH 7.0", "ALNHALHHLLL 5.3", "ALNHALHLHLL 7.0",
    "ALNHANNNLHL 4.4", "ALPNNHHHNLN 7.7", "ALPNNHLLNLH 7.2", "ALPNNLLHNNN 6.1",
    "ALPNNLNHNHN 7.0", "ALPNNLNNHHN 5.3", "ALPNNNHLLLN 6.0", "ALPNPHHLLLL 7.5",
    "ALPNPHHLLNH 8.7", "ALPNPHHNLLL 7.4", "ALPNPLLNHNL 4.8", "ALPNPNHLLHL 7.1",
    "ALPNPNHNLNL 5.9", "ALPNPNLHNNN 5.9", "ALPNPNNHNLL 5.9", "ALPNAHHLNLN 7.3",
    "ALPNAHLLNLL 5.8", "ALPNAHLNHHL 7.1", "ALPNAHNHLNH 7.0", "ALPNANHHHHN 7.1",
    "ALPNANNNLHL 4.8", "ALPLNHHLNHH 8.7", "ALPLNHHNLHH 8.7", "ALPLNLHNLLN 5.9",
    "ALPLNNLHHNL 7.0", "ALPLPHHNHNN 6.7", "ALPLPHLLLLH 5.9", "ALPLPHNLHHN 5.8",
    "ALPLPLHLHLL 5.9", "ALPLPLNNNLL 1.0", "ALPLPNHNHLN 5.7", "ALPLPNLNHNN 1.8",
    "ALPLAHLLNHN 5.7", "ALPLAHLNHNN 5.6", "ALPLAHNNLNN 4.1", "ALPLALHNHLH 5.9",
    "ALPLALLNHHL 2.3", "ALPLALNHHHN 5.8", "ALPLALNLLNN 1.0", "ALPLANHHNHN 5.7",
    "ALPLANLHLNH 5.7", "ALPLANNLHHH 2.4", "ALPHNHHNHNN 8.4", "ALPHNHLLLHH 7.1",
    "ALPHNHNNLLH 7.0", "ALPHNLNNNLN 2.0", "ALPHNNHHLLN 5.8", "ALPHNNLHNLN 5.8",
    "ALPHNNNLLLN 2.0", "ALPHPHHNNHN 6.7", "ALPHPHHNNLH 6.8", "ALPHPHLNLHL 5.8",
    "ALPHPNHNHHH 6.0", "ALPHPNHNNLL 4.1", "ALPHPNLNHNN 1.8", "ALPHAHHHHLN 6.9",
    "ALPHALHLNNN 4.4", "ALPHALLLHLN 2.0", "ALPHALLNNNH 1.8", "ALPHANNLHNL 2.0",
    "ALPHANNLNHH 2.1", "ALPHANNNNNH 1.8", "AHNNNHNHHHL 7.3", "AHNNNLHLLHH 7.3",
    "AHNNNLLHLHN 7.2", "AHNNNLLNHLN 5.1", "AHNNNLNHHHN 7.2", "AHNNNNNHHHH 7.3",
    "AHNNNNNNLHH 5.6", "AHNNPLLHNLN 5.9", "AHNNPLLLNLN 2.1", "AHNNPLLNLNH 4.8",
    "AHNNPLLNNNH 4.6", "AHNNPNHLLLN 5.9", "AHNNPNHNLLL 5.9", "AHNNPNHNNNH 6.9",
    "AHNNPNNHHLH 7.1", "AHNNPNNLHHL 5.3", "AHNNAHLHNLH 7.0", "AHNNAHLNLNH 6.9",
    "AHNNAHNNLNH 6.9", "AHNNALHLHNH 7.1", "AHNNALLLLHL 4.8", "AHNNANHHLNL 5.8",
    "AHNNANHLHNN 6.9", "AHNNANLNNNH 4.3", "AHNNANNHLHL 7.0", "AHNLNLLLNLL 2.1",
    "AHNLNLNLLNH 4.8", "AHNLNNNHHLH 7.1", "AHNLPHLHLNH 5.8", "AHNLPHLHNHL 5.8",
    "AHNLPHNHNHN 5.7", "AHNLPHNLLHH 5.9", "AHNLPLLHLNL 4.4", "AHNLPNHLHLN 5.7",
    "AHNLPNLNLHN 2.0", "AHNLAHHHHHN 7.0", "AHNLAHHLHNH 7.0", "AHNLALLNHNN 1.8",
    "AHNHNHLHNHH 7.1", "AHNHNHLLHHL 7.1", "AHNHNHNLNNN 5.8", "AHNHNLHNLNN 5.8",
    "AHNHNLLLNHN 4.3", "AHNHNLNLLHH 5.0", "AHNHNLNLNNL 2.0", "AHNHNNLNNLL 2.0",
    "AHNHNNNLNLN 2.0", "AHNHNNNNHHL 5.0", "AHNHPHLHHNL 5.8", "AHNHPLHHNHL 5.8",
    "AHNHPLLNLHH 2.3", "AHNHPLNLHLL 2.1", "AHNHPLNLNNL 1.0", "AHNHPLNNLHN 2.0",
    "AHNHPNHLNHH 5.8", "AHNHALNHLLL 4.3", "AHNHALNHNHH 5.8", "AHNHANHHNHH 5.9",
    "AHNHANHHNLN 4.4", "AHNHANLHHHH 6.0", "AHNHANLHLNL 4.3", "AHNHANLNNHH 2.1",
    "AHPNNHHHNLL 7.7", "AHPNNHLHLLL 6.1", "AHPNNHLLHNN 7.1", "AHPNNHLNLHN 7.1",
    "AHPNNHNLNLH 7.1", "AHPNNNLNHNN 4.9", "AHPNPHNHLHL 7.1", "AHPNPLHNHLN 7.0",
    "AHPNPLLLHHH 5.5", "AHPNPLNLHHH 5.5", "AHPNPLNNLHL 5.1", "AHPNPNHHNHL 7.1",
    "AHPNPNHNHHN 7.0", "AHPNPNLHHLH 7.2", "AHPNPNLHLNH 7.0", "AHPNAHHHHLN 8.6",
    "AHPNAHNLLHH 7.1", "AHPNALHHHNH 7.1", "AHPNALHLHHN 7.1", "AHPNALNLNLN 2.0",
    "AHPNALNNNNN 2.0", "AHPNANHNNHN 6.8", "AHPNANLHNHN 6.9", "AHPNANLHNNH 6.9",
    "AHPNANNNLLH 4.8", "AHPLNHNNHLN 7.0", "AHPLNLNLNLH 4.8", "AHPLNNHNHHH 7.2",
    "AHPLNNHNNHH 7.0", "AHPLPHHLLLN 5.3", "AHPLPHHNLLN 5.3", "AHPLPHLHNHN 5.7",
    "AHPLPHNLNLH 5.7", "AHPLPLHHHNL 5.8", "AHPLPLHNHLH 5.9", "AHPLPLHNLHH 5.9",
    "AHPLPLLHNLN 4.4", "AHPLPLNHHNL 5.7", "AHPLAHHHLNN 5.4", "AHPLAHLLLNH 5.8",
    "AHPLAHNHNLN 4.4", "AHPLALHHHNL 5.8", "AHPLALLLNNH 1.8", "AHPLALLNLNL 1.0",
    "AHPLANLNLLH 2.1", "AHPLANNHNLL 4.1", "AHPLANNHNNH 5.6", "AHPLANNLNHH 2.1",
    "AHPHNHHNNLL 7.2", "AHPHNHNNLLN 5.7", "AHPHNLLLLLN 2.0", "AHPHNLNHHNH 7.0",
    "AHPHNLNNHLL 4.8", "AHPHNLNNHNH 4.8", "AHPHNNHHNHL 7.0", "AHPHNNLNHLH 5.0",
    "AHPHNNNNNLL 2.0", "AHPHPHHNLNH 6.8", "AHPHAHHHHHN 7.0", "AHPHALLHHLN 5.8",
    "AHPHANHLHNH 5.8", "AHPHANLHLNH 5.7", "AHPHANNLLHL 2.1", "LLNNNHNNLLH 8.3",
    "LLNNNLLNLHL 6.3", "LLNNNLLNNHN 6.1", "LLNNNLNLLHN 6.2", "LLNNNNHHLLH 8.4",
    "LLNNNNHHLLN 7.0", "LLNNNNNHHLH 8.4", "LLNNPHNHLHN 8.3", "LLNNPLHHHNH 8.3",
    "LLNNPLHLHNL 8.3", "LLNNPLNNNLL 4.8", "LLNNPNHHHLN 8.3", "LLNNPNHLLNH 8.2",
    "LLNNPNLHLLN 6.9", "LLNNPNNLHHN 6.2", "LLNNPNNNHLL 6.2", "LLNNAHHLHNN 9.2",
    "LLNNAHHNLNL 8.3", "LLNNAHNLHLL 8.2", "LLNNALHNHLL 8.2", "LLNNALLLLHN 6.0",
    "LLNNANHLHHH 8.3", "LLNNANNHNHL 8.1", "LLNLNHHHNHL 9.2", "LLNLNNLLHLL 6.2",
    "LLNLPHHNLLH 8.4", "LLNLPLLHHHH 7.2", "LLNLPLNNHLH 4.5", "LLNLPNHNLNN 5.1",
    "LLNLALLNLHH 4.5", "LLNLALLNLNL 2.4", "LLNLALNHNNN 5.2", "LLNLALNLNNN 2.4",
    "LLNLALNNLHL 4.4", "LLNHNHLHHNH 8.3", "LLNHNHLLHLN 8.2", "LLNHNHNLNHN 8.1",
    "LLNHNHNNHLL 8.2", "LLNHNLNNLNH 6.0", "LLNHNLNNNHN 5.9", "LLNHNNHNLHL 8.2",
    "LLNHNNLNNNL 4.6", "LLNHPHHNLHL 8.4", "LLNHPHLNHNL 6.8", "LLNHPHNHNNN 5.2",
    "LLNHPLHNLNN 5.2", "LLNHPLNHHNN 6.7", "LLNHPNHHNLH 6.9", "LLNHPNLHLHL 6.9",
    "LLNHPNLNHLH 4.5", "LLNHAHHLHNL 8.3", "LLNHAHLLNHL 6.9", "LLNHAHLLNNH 6.8",
    "LLNHALHHNHN 6.8", "LLNHALLNLHN 4.2", "LLNHANHLHHH 7.1", "LLPNNHHNNNL 7.4",
    "LLPNNLHHHNL 7.1", "LLPNNLHNHHL 7.2", "LLPNNLHNLLL 5.9", "LLPNNLLHHHN 7.1",
    "LLPNNLLHLLH 7.1", "LLPNNLNHHLN 7.0", "LLPNNNHHNNN 5.9", "LLPNNNHNNNL 5.9",
    "LLPNPHLLLNL 5.8", "LLPNPHNNNHH 7.0", "LLPNPLNHNLL 5.8", "LLPNPLNNNNL 2.0",
    "LLPNPNHHHNN 6.9", "LLPNPNHLHNL 6.9", "LLPNPNLNLNL 2.0", "LLPNPNNLHNH 4.8",
    "LLPNAHNLHNL 6.9", "LLPNAHNNLNN 5.6", "LLPNAHNNNLH 6.8", "LLPNALHHNNL 5.7",
    "LLPNALHNNNN 5.7", "LLPNALNNHHN 4.5", "LLPNANHNNLN 5.6", "LLPNANNLHHH 5.0",
    "LLPLNHNLNHH 7.0", "LLPLNLHLLLL 5.8", "LLPLNLNHLLH 7.0", "LLPLNNLLHNL 4.5",
    "LLPLNNLNNLL 2.0", "LLPLPHHLNLL 5.3", "LLPLPLNLHHL 2.3", "LLPLPNHLLHH 5.9",
    "LLPLPNNNHNN 1.8", "LLPLAHHHNLH 6.9", "LLPLAHLNLLN 4.3", "LLPLAHNNNNL 4.1",
    "LLPLALHNHLL 5.8", "LLPLALLHNLH 5.8", "LLPLALLLHLL 2.1", "LLPLALNNNLL 1.0",
    "LLPLANHHLHL 5.9", "LLPLANHLNNN 4.3", "LLPLANLNLHL 2.1", "LLPHNHNHLHL 7.0",
    "LLPHNNLHLLN 5.7", "LLPHNNNHLLL 5.6", "LLPHPLNLNLL 1.0", "LLPHPNHLNHN 5.6",
    "LLPHPNLHHLL 5.8", "LLPHPNLHLHN 5.7", "LLPHPNNHHLH 5.9", "LLPHPNNLNLN 1.0",
    "LLPHALHNNHN 5.6", "LLPHALLHLLH 5.9", "LLPHALLLLHH 2.3", "LLPHANNLHNN 1.8",
    "LHNNNHHNHNL 8.6", "LHNNNLLHHLH 7.2", "LHNNNLLLNHL 4.8", "LHNNNLLNHNH 5.1",
    "LHNNNNLNNNN 2.1", "LHNNNNNNLLL 2.1", "LHNNPHNLLLH 7.0", "LHNNPHNLNLH 6.9",
    "LHNNPLLLNNL 2.0", "LHNNPLLNLNL 2.0", "LHNNPLNLNNH 4.3", "LHNNPLNLNNN 2.0",
    "LHNNPNHHHHL 7.1", "LHNNPNHHHNH 7.1", "LHNNPNHNHNN 6.8", "LHNNPNLHHHH 7.1",
    "LHNNPNLHNNL 5.8", "LHNNPNNLNLL 2.0", "LHNNALHLNNH 6.8", "LHNNALLLLNH 4.3",
    "LHNNALNLHLN 4.3", "LHNNALNNLNN 1.8", "LHNNANHLHNH 6.9", "LHNNANLNNNL 1.8",
    "LHNLNHHLNHL 8.5", "LHNLNHHNHNN 8.4", "LHNLNHHNLNN 7.2", "LHNLNHLHNHN 7.0",
    "LHNLNHNLNHN 6.9", "LHNLNLLNHHL 5.0", "LHNLNNHNLLH 7.0", "LHNLNNNNNLL 2.0",
    "LHNLPLHNLLL 4.3", "LHNLPLLHNHH 5.9", "LHNLPLNNNNN 1.0", "LHNLPNHNHNL 5.7",
    "LHNLAHHNHLN 6.8", "LHNLAHLHLNL 4.6", "LHNLAHLLLNH 5.8", "LHNLALLNHNH 2.1",
    "LHNLALLNLHL 2.1", "LHNLALNLNLL 1.0", "LHNLALNNHLH 2.3", "LHNLANHNHHN 5.8",
    "LHNLANLLHNL 2.0", "LHNHNHHHHLN 8.5", "LHNHNHLHNHN 6.9", "LHNHNHNHNHH 7.0",
    "LHNHNLHHNLL 5.7", "LHNHNLLHNHH 7.0", "LHNHNLNLLNL 1.8", "LHNHNNLHLNH 6.9",
    "LHNHNNLLLNL 1.8", "LHNHNNNNNLL 1.8", "LHNHPHHLLNH 6.9", "LHNHPHLLNHL 5.8",
    "LHNHPHLNNNN 4.3", "LHNHPHNHLLN 4.4", "LHNHPLNHNNL 4.3", "LHNHPLNNHHL 2.3",
    "LHNHPNHHHHL 6.0", "LHNHPNNNHNN 1.8", "LHNHAHHHNHN 6.8", "LHNHAHLNLNL 4.3",
    "LHNHAHNHLLL 4.4", "LHNHALHLLHL 5.9", "LHNHALHLNHL 5.8", "LHNHALNHLNL 4.3",
    "LHNHANNHLNN 4.1", "LHPNNHHLNHN 8.6", "LHPNNHNHLLH 7.1", "LHPNNNHNHNL 7.0",
    "LHPNNNLLLLN 2.1", "LHPNPHHLNLH 8.5", "LHPNPHLLNNN 5.8", "LHPNPHNHHLH 7.1",
    "LHPNPHNNHHH 7.1", "LHPNPHNNHHN 7.0", "LHPNAHHHLLH 8.6", "LHPNAHHHNLH 8.5",
    "LHPNAHNHHHN 7.0", "LHPNALHLNLH 6.9", "LHPNALHNLNL 5.7", "LHPNALLHLLN 5.7",
    "LHPNALLHNNH 6.8", "LHPNALNHNNH 6.8", "LHPNALNLLLH 4.5", "LHPNANHNNLL 5.6",
    "LHPLNHHLHNH 8.6", "LHPLNHLHHLH 7.2", "LHPLNLLHLNN 5.8", "LHPLNLLLHHL 5.0",
    "LHPLNLLLLNH 4.5", "LHPLNLNHNHH 7.0", "LHPLNNHHHLH 7.1", "LHPLNNHLLNH 6.9",
    "LHPLNNNHNHH 7.0", "LHPLPHHNLLN 5.3", "LHPLPHLHHHN 5.9", "LHPLPLHLHHN 5.9",
    "LHPLPLLLLHH 2.3", "LHPLPNHLHNH 5.8", "LHPLPNHNLLH 5.8", "LHPLPNHNLLN 4.1",
    "LHPLAHHNLNH 6.8", "LHPLAHHNNHN 6.7", "LHPLAHLHHLN 5.8", "LHPLAHNHNHN 5.7",
    "LHPLALLLHLL 2.1", "LHPLALLLNNN 1.0", "LHPLALNHNNN 4.3", "LHPLANLHHNN 5.6",
    "LHPHNHNNNHL 6.8", "LHPHNLHNHNN 6.8", "LHPHNLNNHNN 4.0", "LHPHNNHLNHL 6.9",
    "LHPHNNLNLNN 1.8", "LHPHNNNHNLN 5.6", "LHPHNNNLHHL 4.7", "LHPHPHHHLLH 7.0",
    "LHPHPLHHLHL 5.9", "LHPHPLLLLLH 2.1", "LHPHPLLLNHN 1.8", "LHPHPNHHNHN 5.7",
    "LHPHPNLNLLH 2.1", "LHPHPNNHHHH 6.0", "LHPHPNNHNHL 5.7", "LHPHALHHHHL 6.0",
    "LHPHANLHHHH 6.0", "LHPHANLNNHL 2.0", "LHPHANNHLLN 4.1", "PLNNNHHLLLN 6.9",
    "PLNNNHHLNNN 6.9", "PLNNNLHLNLN 5.2", "PLNNNLHNHNN 6.7", "PLNNNLNLLLN 2.4",
    "PLNNNNHHLNN 5.2", "PLNNNNNHLNH 6.8", "PLNNPHHLLHH 8.5", "PLNNPLHNNHL 6.8",
    "PLNNPLNHNLL 5.2", "PLNNPLNNLHN 4.2", "PLNNAHHNHLH 8.4", "PLNNAHLNHNL 6.8",
    "PLNNAHNNNHH 6.9", "PLNNANHNLHH 7.0", "PLNNANLHLHL 6.9", "PLNNANLHNLL 5.2",
    "PLNNANLNLHL 4.4", "PLNLNHHLNHH 8.4", "PLNLNLHHNHN 6.8", "PLNLNLHLLNH 6.9",
    "PLNLNLLLHLH 4.5", "PLNLNLNNNLN 2.4", "PLNLNNHHLHN 6.9", "PLNLNNHNLNN 5.1",
    "PLNLNNLHHLL 6.9", "PLNLNNLLLHH 4.5", "PLNLNNLNNLH 4.2", "PLNLPHHNNLH 8.3",
    "PLNLPHLNLLL 5.2", "PLNLPHNHHHH 7.2", "PLNLPHNHHHN 7.0", "PLNLPLNNHHH 4.7",
    "PLNLPNHNNLH 6.8", "PLNLPNLHLLN 5.2", "PLNLAHNLLLL 5.2", "PLNLALHHHHH 7.2",
    "PLNLALHLNLN 5.2", "PLNLALNHNLN 5.2", "PLNLANHLNNL 5.2", "PLNLANLLLHN 4.2",
    "PLNLANLLLNN 2.4", "PLNLANNLNLN 2.4", "PLNHNHLHNNH 6.8", "PLNHNHNNLHH 7.0",
    "PLNHNLHLLHH 7.1", "PLNHNLLHNHN 6.8", "PLNHNLNHHHL 7.0", "PLNHNNHNNNL 5.1",
    "PLNHNNLHHNN 6.7", "PLNHNNNHNLN 5.1", "PLNHNNNNNHN 4.1", "PLNHPHHHNLL 7.0",
    "PLNHPHNLLHL 6.9", "PLNHPHNNLNL 5.1", "PLNHPLHHHNL 6.9", "PLNHPNHLHNL 6.8",
    "PLNHPNHNLNN 5.1", "PLNHPNNHLHH 7.0", "PLNHPNNHLHL 6.9", "PLNHPNNNNNH 4.1",
    "PLNHALHNHHH 7.1", "PLNHALNHLLH 6.9", "PLNHANHHHLL 7.0", "PLNHANHLLHH 7.0",
    "PLNHANLNHLL 4.4", "PLPNNHHLHNL 6.9", "PLPNNLLLHHL 2.3", "PLPNNLLLLNH 2.0",
    "PLPNNNLHHLH 5.9", "PLPNNNNLHLL 2.1", "PLPNNNNLLHH 2.3", "PLPNNNNNLHN 2.0",
    "PLPNPLNHHNL 5.7", "PLPNPNHLLNH 5.7", "PLPNAHLLNHN 5.7", "PLPNAHLNLLN 4.3",
    "PLPNALLHNNH 5.7", "PLPNALNLHLL 2.1", "PLPNALNLHNN 1.8", "PLPNALNNLHL 2.1",
    "PLPNANLLNHL 2.0", "PLPNANNLHNL 2.0", "PLPLNHHLNNH 6.7", "PLPLNHLNHLL 5.8",
    "PLPLNHNHHNH 5.9", "PLPLNLHNHHH 6.0", "PLPLNLLHNHL 5.8", "PLPLNNHLNLN 4.3",
    "PLPLNNLNHLN 2.0", "PLPLPHHHHNL 6.9", "PLPLPHLLNNL 4.4", "PLPLPHLNLLL 4.3",
    "PLPLPHLNLNN 4.3", "PLPLPHNLNNN 4.3", "PLPLPHNNNNL 4.1", "PLPLPLHNNLH 5.7",
    "PLPLPLNNLHH 2.3", "PLPLPNLNLNH 2.0", "PLPLPNNNLNL 1.0", "PLPLAHHHHHN 7.0",
    "PLPLAHHNNNL 5.3", "PLPLAHLLNLN 4.4", "PLPLAHNLHNN 5.6", "PLPLAHNNLNH 5.7",
    "PLPLALLLNNL 1.0", "PLPLALNHLLH 5.8", "PLPLALNNHHL 2.3", "PLPLALNNHNN 1.8",
    "PLPLANHNLLH 5.8", "PLPHNHHHHLH 7.2", "PLPHNHHLHLL 7.0", "PLPHNHLNLLH 5.8",
    "PLPHNHNHLHL 5.9", "PLPHNHNHLNH 5.8", "PLPHNHNNLLL 4.1", "PLPHNHNNLNH 5.7",
    "PLPHNLHNHHL 5.9", "PLPHNLLHLHL 5.9", "PLPHNLNHNNN 4.3", "PLPHNLNLHHN 2.1",
    "PLPHNNLLLNL 1.0", "PLPHNNNHLLN 4.1", "PLPHPHLLLHH 6.0", "PLPHPHLLLHN 5.8",
    "PLPHPHNHHNL 5.8", "PLPHPLHHNHN 5.7", "PLPHPLHLLLL 4.4", "PLPHPLLLNLN 1.0",
    "PLPHAHHLHNH 7.0", "PLPHAHHLNNH 6.7", "PLPHAHNHNLH 5.8", "PLPHAHNNNLN 4.1",
    "PLPHALLNHNL 2.0", "PLPHALLNNHL 2.0", "PLPHANHHNNH 5.7", "PLPHANHNNLN 4.1",
    "PLPHANHNNNN 4.1", "PLPHANNHLLN 4.1", "PLPHANNNNHH 2.1", "PHNNNHHNHHN 6.9",
    "PHNNNHNLHLN 5.7", "PHNNNLLLLHN 2.0", "PHNNNLNNHNH 2.1", "PHNNNNHHHHL 6.0",
    "PHNNNNHLLHL 5.8", "PHNNPLHHNHL 5.8", "PHNNPLHLHHL 6.0", "PHNNPNNHHHL 5.9",
    "PHNNAHHHLLL 5.4", "PHNNAHHLHLN 6.9", "PHNNAHLHHHL 6.0", "PHNNAHLNLLH 5.8",
    "PHNNAHNHLHL 5.9", "PHNNALHHNHL 5.8", "PHNNALHLLHH 6.0", "PHNNALLHNLN 4.4",
    "PHNNALNHHNN 5.6", "PHNNALNLNNH 1.8", "PHNNANHHHNN 5.7", "PHNNANHLLNN 4.3",
    "PHNNANHNLLN 4.1", "PHNLNHHNLLH 6.9", "PHNLNLHNHHH 6.0", "PHNLNLLHLLL 4.4",
    "PHNLNNHLLLH 5.8", "PHNLNNNHNHL 5.7", "PHNLNNNLLHL 2.1", "PHNLNNNLLNL 1.0",
    "PHNLNNNNLHL 2.1", "PHNLPHLLHLH 6.0", "PHNLPHLNLNN 4.3", "PHNLPLLLLHN 2.0",
    "PHNLPLLNNNN 1.0", "PHNLPLNHHNH 5.8", "PHNLPLNNLNH 2.0", "PHNLPNHNLNH 5.7",
    "PHNLAHHHNHL 6.9", "PHNLAHLLNNL 4.4", "PHNLAHNNHNH 5.8", "PHNLALLHHHN 5.9",
    "PHNLALNNHNN 1.8", "PHNLANLNNNL 1.0", "PHNHNHNHNNH 5.7", "PHNHNLHNHNL 5.7",
    "PHNHNLHNNHL 5.7", "PHNHNLLHHNH 5.9", "PHNHNLLNLHH 2.3", "PHNHNLNLHNL 2.0",
    "PHNHNNNLNNN 1.0", "PHNHPHHNLHN 6.8", "PHNHPHNNHNN 5.6", "PHNHPLHHLHH 6.0",
    "PHNHPLHLLHL 5.9", "PHNHPLLLLNH 2.0", "PHNHPLNLHLL 2.1", "PHNHPLNNHHH 2.4",
    "PHNHPNNHLLH 5.8", "PHNHPNNLLLH 2.1", "PHNHAHLLNHN 5.7", "PHNHAHLLNNL 4.4",
    "PHNHALLHNHH 5.9", "PHNHALLLLLL 1.0", "PHNHANHNNLH 5.7", "PHNHANNNNNN 0.0",
    "PHPNNHHHLNL 5.4", "PHPNNHHNHHH 7.2", "PHPNNLHLHHH 6.1", "PHPNNLLHLHN 5.8",
    "PHPNNLNHHNH 5.8", "PHPNNNHHHLL 5.9", "PHPNNNHLLNL 4.3", "PHPNPHHLHLL 7.0",
    "PHPNPHNLNLH 5.7", "PHPNPLHNLNL 4.3", "PHPNPLLLNHL 2.0", "PHPNPLNNLNN 1.0",
    "PHPNPNHNLLH 5.8", "PHPNPNLLHNH 2.1", "PHPNAHHHLLL 5.4", "PHPNAHLHNLN 4.6",
    "PHPNAHLNNNN 4.3", "PHPNAHNLHHN 5.8", "PHPNAHNLNHN 5.6", "PHPNALLLLHL 2.1",
    "PHPNALNNNLL 1.0", "PHPNANHNLNN 4.1", "PHPNANHNNHH 5.8", "PHPNANLLHHH 2.4",
    "PHPNANLLNLL 1.0", "PHPLNHHLHHL 7.1", "PHPLNHHLLLL 5.3", "PHPLNHLHHNN 5.7",
    "PHPLNLLHLLN 4.4", "PHPLNLLLNLN 1.0", "PHPLNNHHLHH 6.0", "PHPLNNHHLNH 5.8",
    "PHPLNNHNNHN 5.6", "PHPLNNLHNHH 5.8", "PHPLPHNNHNN 5.6", "PHPLPLHHHLH 6.0",
    "PHPLPLLLNHH 2.1", "PHPLPLLNHNH 2.1", "PHPLPNLHLLN 4.3", "PHPLPNLNHLL 2.1",
    "PHPLPNNHHNN 5.6", "PHPLPNNLHHH 2.4", "PHPLALLLNNN 1.0", "PHPLANHLNHH 5.8",
    "PHPLANLNLHN 2.0", "PHPLANNNLHL 2.1", "PHPHNHHHHHL 7.2", "PHPHNHHLHHN 7.0",
    "PHPHNHLLLNL 4.4", "PHPHNHNNLHL 5.8", "PHPHNLHLHHL 6.0", "PHPHNLHNLNL 4.3",
    "PHPHNLLHLHL 5.9", "PHPHNLNHLHL 5.8", "PHPHNLNLLHN 2.0", "PHPHNLNNHNN 1.8",
    "PHPHNNHNHHN 5.8", "PHPHNNLLNNN 1.0", "PHPHPHHLLNL 5.3", "PHPHPLHHLNH 5.8",
    "PHPHPLNNNNH 1.8", "PHPHPNHNNNL 4.1", "PHPHPNNLNLL 1.0", "PHPHPNNNLNL 1.0",
    "PHPHAHNHLHL 5.9", "PHPHAHNHNNN 4.4", "PHPHAHNLNNN 4.3", "PHPHAHNNHLH 5.9",
    "PHPHALHLLHH 6.0", "PHPHALHNNNL 4.3", "PHPHALLLLHH 2.3", "PHPHALNHHLH 5.9",
    "PHPHALNNHHL 2.3", "PHPHANHNHHN 5.8",
};
/* clang-format on */

static const char *const base4_names[11] = {"AV", "AC", "AT", "PR", "UI", "VC",
                                            "VI", "VA", "SC", "SI", "SA"};

/* Expands a [RH4] entry into a vector (canonical order) plus `extra`. */
static int
expand4(const char *entry, const char *extra, char *out, size_t cap)
{
    size_t len = (size_t)snprintf(out, cap, "CVSS:4.0");
    int i;

    for (i = 0; i < 11; i++)
        len += (size_t)snprintf(out + len, cap - len, "/%s:%c", base4_names[i], entry[i]);
    snprintf(out + len, cap - len, "%s", extra);
    assert_true(entry[11] == ' ');
    return tenths(entry + 12);
}

static void
test_v4_base_vectors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rh_simple4) / sizeof(rh_simple4[0]); i++) {
        char v[128];
        int want = expand4(rh_simple4[i], "", v, sizeof(v));
        struct cvss_score s = parse_ok(v);

        expect_base(v, want);
        assert_int_equal(s.version, CVSS_V4_0);
        assert_int_equal(s.vector_score, want);
        assert_int_equal(s.nomenclature, CVSS_B);
    }
    assert_int_equal(i, 1058);
}

/* CVSS-B is the score of the base metrics alone: threat, environmental and
 * supplemental metrics in the vector change the vector's score (and its
 * nomenclature) but never `base`. */
static void
test_v4_base_ignores_other_groups(void **state)
{
    static const struct {
        const char *extra;
        enum cvss_nomenclature nom;
    } extras[] = {
        {"/E:U", CVSS_BT},
        {"/CR:L/IR:L/AR:L", CVSS_BE},
        {"/E:P/MAV:P/MAC:H/MVC:N/MSI:S", CVSS_BTE},
        {"/S:P/AU:Y/R:I/V:C/RE:H/U:Red", CVSS_B},
        {"/E:X/CR:X/MAV:X", CVSS_B},
    };
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(rh_simple4) / sizeof(rh_simple4[0]); i++) {
        for (k = 0; k < sizeof(extras) / sizeof(extras[0]); k++) {
            char v[256];
            int want = expand4(rh_simple4[i], extras[k].extra, v, sizeof(v));
            struct cvss_score s = parse_ok(v);

            expect_base(v, want);
            assert_int_equal(s.nomenclature, extras[k].nom);
            /* Supplemental and Not Defined metrics are no-ops everywhere. */
            if (extras[k].nom == CVSS_B)
                assert_int_equal(s.vector_score, want);
        }
    }
}

static void
test_v4_threat_and_environmental(void **state)
{
    /* [RH4ENV] vectors_security4: one base vector under all 27 CR/IR/AR
     * combinations (H, M, L; AR varies fastest)... */
    static const char security4[] =
        "7.3 7.2 7.2 7.2 7.2 7.1 7.2 7.1 7.1 7.2 7.2 7.1 7.2 5.5 5.5 7.1 5.5 5.5 "
        "7.2 7.1 7.1 7.1 5.5 5.5 7.1 5.5 5.4";
    /* ... and vectors_threat4: the same base vector with E:A, E:P, E:U. */
    static const struct {
        char e;
        const char *score;
    } threat4[] = {{'A', "7.3"}, {'P', "5.9"}, {'U', "4.1"}};
    static const char req[] = "HML";
    const char *base = "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H";
    const char *none = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N";
    const char *p = security4;
    int c, i, a;
    size_t k;

    (void)state;
    for (c = 0; c < 3; c++) {
        for (i = 0; i < 3; i++) {
            for (a = 0; a < 3; a++) {
                char v[160];

                snprintf(v, sizeof(v), "%s/CR:%c/IR:%c/AR:%c", base, req[c], req[i], req[a]);
                expect_vector_score(v, tenths(p));
                expect_base(v, 73); /* CVSS-B: requirements Not Defined = High */
                assert_int_equal(parse_ok(v).nomenclature, CVSS_BE);
                /* [SPEC] no impact at all scores 0 whatever the rest. */
                snprintf(v, sizeof(v), "%s/CR:%c/IR:%c/AR:%c", none, req[c], req[i], req[a]);
                expect_vector_score(v, 0);
                p += 4;
            }
        }
    }
    for (k = 0; k < 3; k++) {
        char v[160];
        struct cvss_score s;

        snprintf(v, sizeof(v), "%s/E:%c", base, threat4[k].e);
        expect_vector_score(v, tenths(threat4[k].score));
        s = parse_ok(v);
        assert_int_equal(s.base, 73);
        assert_int_equal(s.nomenclature, CVSS_BT);
        snprintf(v, sizeof(v), "%s/E:%c", none, threat4[k].e);
        expect_vector_score(v, 0);
    }
}

/* v4.0 vectors with published scores, of the vector as written. */
static const struct {
    const char *vector;
    const char *score;
} v4_examples[] = {
    /* [FIRST4X] */
    {"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "7.7"},
    {"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", "5.2"},
    {"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", "8.3"},
    {"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/"
     "MAV:N/MAC:H/MVC:H/MVI:L/MVA:L",
     "8.1"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L", "8.7"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L/E:U", "6.6"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N", "8.3"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/E:U", "5.6"},
    {"CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/S:P", "8.6"},
    {"CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/MSI:S/S:P", "9.7"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/V:C", "8.7"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H", "6.4"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H/E:U/MAV:A/R:U/V:C", "2.4"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "10.0"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A/CR:H/IR:H/AR:H/"
     "MAV:L/MAT:P",
     "8.9"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "8.5"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/MVC:N/MVI:N/MVA:N",
     "0.0"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", "7.1"},
    /* [REF4] */
    {"CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "7.3"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", "4.6"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", "5.1"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", "6.9"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:H/SI:N/SA:N", "5.9"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "9.4"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:H/SI:H/SA:H", "9.3"},
    {"CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:H/SA:N/S:P/V:D", "8.3"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", "8.7"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A", "9.3"},
    {"CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/MAC:L/MAT:N/MVC:N/"
     "MVI:N/MVA:L",
     "5.5"},
    {"CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H", "6.4"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/R:I", "8.4"},
    {"CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/R:I", "7.1"},
    {"CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "7.0"},
    {"CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P", "8.2"},
    {"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", "8.2"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", "5.1"},
    {"CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "7.7"},
    {"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MUI:A", "5.7"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P/CR:L/IR:H/AR:L/"
     "MAV:L/MAC:H/MAT:N/MPR:N/MUI:N/MVC:N/MVI:H/MVA:L/MSC:N/MSI:S/MSA:L",
     "7.0"},
    /* [RH4ENV] test_cvss4.py and the library's README */
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", "8.7"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L", "7.9"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:H", "7.7"},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:N", "9.9"},
    {"CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", "0.0"},
};

static void
test_v4_examples(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v4_examples) / sizeof(v4_examples[0]); i++)
        expect_vector_score(v4_examples[i].vector, tenths(v4_examples[i].score));
}

/* [REF4] one vector per MacroVector, all 270, so that every entry of the
 * MacroVector table is pinned (the base-only vectors above reach 36 of
 * them). The test suite that published these builds each representative
 * the same way, which is what macro_vector() below reproduces:
 *   EQ1 0 AV:N/PR:N/UI:N, 1 AV:N/PR:N/UI:P, 2 AV:A/PR:L/UI:P;
 *   EQ2 0 AC:L/AT:N, 1 AC:L/AT:P;
 *   EQ3 0 VC:H/VI:H/VA:H, 1 VC:H/VI:L/VA:H, 2 VC:L/VI:L/VA:L;
 *   EQ4 0 SC/SI/SA:H plus MSI:S, 1 SC/SI/SA:H, 2 SC/SI/SA:L;
 *   EQ5 E:A, E:P, E:U;
 *   EQ6 0 CR/IR/AR:H, 1 CR/IR/AR:M (EQ3 2 keeps H: EQ6 is 1 anyway).
 * Each line: EQ1 EQ2 EQ3, then the scores for EQ4, EQ5, EQ6 counting up
 * (EQ6 only 1 when EQ3 is 2). */
/* clang-format off */
static const struct {
    const char *eq123;
    const char *scores;
} macro_representatives[] = {
    {"000", "10.0 9.9 9.8 9.5 9.5 9.2 10.0 9.6 9.3 8.7 9.1 8.1 9.3 9.0 8.9 8.0 8.1 6.8"},
    {"001", "9.8 9.5 9.5 9.1 9.0 8.3 9.3 9.2 8.9 8.1 8.1 6.5 8.8 8.0 7.8 7.0 6.9 4.7"},
    {"002", "9.1 8.1 7.1 7.9 6.9 5.0 6.9 5.5 2.7"},
    {"010", "9.9 9.7 9.5 9.2 9.2 8.4 9.5 9.1 9.0 8.3 8.4 7.1 9.2 8.1 8.2 7.1 7.2 5.3"},
    {"011", "9.5 9.2 9.2 8.4 8.4 7.1 9.2 8.2 8.0 7.1 7.0 5.8 8.4 7.0 7.1 5.1 5.0 2.9"},
    {"012", "8.5 7.4 5.0 7.1 5.2 2.9 6.3 2.9 1.7"},
    {"100", "9.8 9.5 9.4 8.7 9.0 8.0 9.4 8.9 8.6 7.4 7.7 6.4 8.7 7.5 7.4 6.3 6.3 4.9"},
    {"101", "9.4 8.8 8.8 7.6 7.5 6.6 8.6 7.6 7.4 5.8 5.9 4.9 7.2 5.7 5.7 5.1 5.2 2.5"},
    {"102", "8.2 7.0 5.2 6.5 5.8 2.6 5.3 2.1 1.3"},
    {"110", "9.5 8.9 8.7 7.5 7.5 6.9 9.0 7.7 7.5 6.2 6.1 5.3 7.7 6.6 6.8 5.9 5.2 3.0"},
    {"111", "8.8 7.7 7.5 6.6 6.1 5.5 7.4 5.9 5.7 5.6 4.7 2.3 6.1 5.1 5.7 2.8 2.4 1.5"},
    {"112", "7.0 5.7 2.9 5.8 2.6 1.5 2.3 1.3 0.6"},
    {"200", "9.3 8.6 8.6 7.2 7.4 5.7 8.6 7.4 7.4 6.1 5.6 3.4 7.0 5.4 5.2 4.0 4.0 2.2"},
    {"201", "8.4 7.4 7.3 5.4 6.1 4.8 7.2 5.7 5.5 4.0 4.6 1.9 5.3 3.6 3.4 1.9 1.9 0.8"},
    {"202", "6.3 4.9 1.9 4.7 2.1 1.1 2.4 0.9 0.4"},
    {"210", "8.7 7.4 7.2 5.2 5.8 4.8 7.3 5.5 5.9 4.0 4.1 2.0 5.4 4.3 4.5 2.2 2.0 1.1"},
    {"211", "7.4 5.5 5.7 4.3 3.8 2.0 6.1 5.0 4.8 1.8 2.0 0.9 4.6 1.8 1.7 0.7 0.8 0.2"},
    {"212", "5.1 2.3 1.3 2.4 1.2 0.5 1.0 0.3 0.1"},
};
/* clang-format on */

static void
test_v4_every_macrovector(void **state)
{
    size_t i, n = 0;

    (void)state;
    for (i = 0; i < sizeof(macro_representatives) / sizeof(macro_representatives[0]); i++) {
        const char *k = macro_representatives[i].eq123, *p = macro_representatives[i].scores;
        static const char *const eq1[] = {"AV:N/AC:L/AT:%c/PR:N/UI:N", "AV:N/AC:L/AT:%c/PR:N/UI:P",
                                          "AV:A/AC:L/AT:%c/PR:L/UI:P"};
        static const char *const eq3[] = {"VC:H/VI:H/VA:H", "VC:H/VI:L/VA:H", "VC:L/VI:L/VA:L"};
        int e4, e5, e6;

        for (e4 = 0; e4 < 3; e4++) {
            for (e5 = 0; e5 < 3; e5++) {
                for (e6 = k[2] == '2' ? 1 : 0; e6 < 2; e6++) {
                    char v[200], head[64];
                    const char *req = e6 == 0 || k[2] == '2' ? "H" : "M";

                    snprintf(head, sizeof(head), eq1[k[0] - '0'], k[1] == '0' ? 'N' : 'P');
                    snprintf(v, sizeof(v),
                             "CVSS:4.0/%s/%s/SC:%s/SI:%s/SA:%s/E:%c/CR:%s/IR:%s/AR:%s%s", head,
                             eq3[k[2] - '0'], e4 < 2 ? "H" : "L", e4 < 2 ? "H" : "L",
                             e4 < 2 ? "H" : "L", "APU"[e5], req, req, req, e4 == 0 ? "/MSI:S" : "");
                    while (*p == ' ')
                        p++;
                    expect_vector_score(v, tenths(p));
                    while (*p && *p != ' ')
                        p++;
                    n++;
                }
            }
        }
        while (*p == ' ')
            p++;
        assert_true(*p == '\0');
    }
    assert_int_equal(n, 270);
}

static void
test_v4_severity_of_full_vectors(void **state)
{
    /* [RH4ENV] test_cvss4.py test_severity: every metric group present. */
    static const struct {
        const char *vector;
        enum cvss_severity sev;
    } cases[] = {
        {"CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:P/VC:H/VI:N/VA:N/SC:N/SI:N/AU:N/SA:N/S:P/R:A/V:D/RE:L/"
         "U:Red/MAV:L/MAC:L/MAT:N/MPR:L/MUI:A/MVC:L/MVI:N/MVA:H/MSC:H/MSI:L/MSA:N/CR:H/IR:L/AR:L/"
         "E:P",
         CVSS_SEV_LOW},
        {"CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:N/VI:L/VA:L/SC:H/SI:N/AU:Y/SA:N/S:N/R:I/V:C/RE:M/"
         "U:Amber/MAV:L/MAC:H/MAT:P/MPR:N/MUI:P/MVC:L/MVI:N/MVA:H/MSC:H/MSI:H/MSA:S/CR:M/IR:M/AR:M/"
         "E:A",
         CVSS_SEV_HIGH},
        {"CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:L/SI:N/AU:Y/SA:L/S:P/R:U/V:D/RE:M/"
         "U:Red/MAV:N/MAC:H/MAT:P/MPR:H/MUI:P/MVC:L/MVI:H/MVA:L/MSC:N/MSI:H/MSA:H/CR:L/IR:H/AR:M/"
         "E:U",
         CVSS_SEV_LOW},
        {"CVSS:4.0/AV:A/AC:H/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:H/AU:N/SA:L/S:P/R:U/V:D/RE:H/"
         "U:Clear/MAV:A/MAC:L/MAT:N/MPR:N/MUI:P/MVC:N/MVI:L/MVA:L/MSC:H/MSI:N/MSA:L/CR:M/IR:M/AR:L/"
         "E:U",
         CVSS_SEV_LOW},
        {"CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:H/VI:H/VA:N/SC:H/SI:N/AU:Y/SA:N/S:N/R:I/V:C/RE:L/"
         "U:Green/MAV:L/MAC:L/MAT:N/MPR:H/MUI:P/MVC:L/MVI:L/MVA:N/MSC:H/MSI:H/MSA:S/CR:H/IR:H/AR:H/"
         "E:P",
         CVSS_SEV_MEDIUM},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:H/SC:H/SI:L/AU:Y/SA:H/S:N/R:U/V:C/RE:M/"
         "U:Amber/MAV:L/MAC:H/MAT:N/MPR:H/MUI:N/MVC:N/MVI:L/MVA:N/MSC:L/MSI:S/MSA:H/CR:H/IR:M/AR:M/"
         "E:A",
         CVSS_SEV_MEDIUM},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L", CVSS_SEV_MEDIUM},
        {"CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:P/VC:N/VI:L/VA:N/SC:H/SI:H/AU:N/SA:N/S:N/R:A/V:C/RE:M/"
         "U:Green/MAV:L/MAC:L/MAT:P/MPR:L/MUI:A/MVC:N/MVI:L/MVA:H/MSC:L/MSI:N/MSA:S/CR:L/IR:L/AR:M/"
         "E:P",
         CVSS_SEV_LOW},
        {"CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:A/VC:H/VI:N/VA:H/SC:L/SI:N/AU:N/SA:H/S:P/R:I/V:D/RE:M/"
         "U:Red/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/CR:H/IR:H/AR:H/"
         "E:U",
         CVSS_SEV_CRITICAL},
        {"CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:P/VC:L/VI:N/VA:H/SC:L/SI:N/AU:Y/SA:H/S:P/R:I/V:D/RE:H/"
         "U:Green/MAV:A/MAC:L/MAT:N/MPR:N/MUI:A/MVC:L/MVI:H/MVA:H/MSC:N/MSI:H/MSA:L/CR:L/IR:H/AR:L/"
         "E:U",
         CVSS_SEV_MEDIUM},
        {"CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:N/VA:H/SC:L/SI:H/AU:N/SA:H/S:P/R:U/V:C/RE:H/"
         "U:Red/MAV:L/MAC:L/MAT:P/MPR:L/MUI:P/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N/CR:H/IR:H/AR:H/"
         "E:P",
         CVSS_SEV_NONE},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cvss_score s = parse_ok(cases[i].vector);

        if (s.vector_severity != cases[i].sev)
            fail_msg("%s: %s, oracle %s", cases[i].vector, cvss_severity_name(s.vector_severity),
                     cvss_severity_name(cases[i].sev));
        assert_int_equal(s.nomenclature, strstr(cases[i].vector, "/E:") ? CVSS_BTE : CVSS_B);
    }
}

/* ---- qualitative scale and names ---- */

static void
test_severity_scale(void **state)
{
    (void)state;
    /* [SPEC] v3.1 Table 14 / v4.0 section 6: None 0.0, Low 0.1-3.9,
     * Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0. */
    assert_int_equal(cvss_severity_of(0), CVSS_SEV_NONE);
    assert_int_equal(cvss_severity_of(1), CVSS_SEV_LOW);
    assert_int_equal(cvss_severity_of(39), CVSS_SEV_LOW);
    assert_int_equal(cvss_severity_of(40), CVSS_SEV_MEDIUM);
    assert_int_equal(cvss_severity_of(69), CVSS_SEV_MEDIUM);
    assert_int_equal(cvss_severity_of(70), CVSS_SEV_HIGH);
    assert_int_equal(cvss_severity_of(89), CVSS_SEV_HIGH);
    assert_int_equal(cvss_severity_of(90), CVSS_SEV_CRITICAL);
    assert_int_equal(cvss_severity_of(100), CVSS_SEV_CRITICAL);
    assert_string_equal(cvss_severity_name(CVSS_SEV_NONE), "None");
    assert_string_equal(cvss_severity_name(CVSS_SEV_LOW), "Low");
    assert_string_equal(cvss_severity_name(CVSS_SEV_MEDIUM), "Medium");
    assert_string_equal(cvss_severity_name(CVSS_SEV_HIGH), "High");
    assert_string_equal(cvss_severity_name(CVSS_SEV_CRITICAL), "Critical");
    assert_string_equal(cvss_severity_name((enum cvss_severity)42), "Unknown");
    assert_string_equal(cvss_nomenclature_name(CVSS_B), "CVSS-B");
    assert_string_equal(cvss_nomenclature_name(CVSS_BT), "CVSS-BT");
    assert_string_equal(cvss_nomenclature_name(CVSS_BE), "CVSS-BE");
    assert_string_equal(cvss_nomenclature_name(CVSS_BTE), "CVSS-BTE");
}

/* ---- strict validation, hostile input ---- */

static void
expect_error(const char *v, size_t len, int err, size_t at)
{
    struct cvss_score s;
    int rc = cvss_parse(v, len, &s);

    if (rc != -err)
        fail_msg("'%.*s': got %d (%s), want %d (%s)", (int)len, v, rc, cvss_strerror(rc), -err,
                 cvss_strerror(-err));
    if (s.error_at != at)
        fail_msg("'%.*s': error at %zu, want %zu", (int)len, v, s.error_at, at);
}

#define REJECT(str, err, at) expect_error((str), sizeof(str) - 1, (err), (at))

static void
test_rejects_malformed(void **state)
{
    (void)state;
    /* prefix */
    REJECT("", CVSS_EPREFIX, 0);
    REJECT("CVSS:3.1", CVSS_EPREFIX, 0);
    REJECT("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EPREFIX, 0);
    REJECT("CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", CVSS_EPREFIX, 0);
    REJECT("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EPREFIX, 0);
    REJECT("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EPREFIX, 0);
    REJECT(" CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EPREFIX, 0);
    REJECT("CVSS:4.0 /AV:N", CVSS_EPREFIX, 0);
    /* empty or malformed components */
    REJECT("CVSS:3.1/", CVSS_ESYNTAX, 9);
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", CVSS_ESYNTAX, 45);
    REJECT("CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_ESYNTAX, 9);
    REJECT("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_ESYNTAX, 14);
    REJECT("CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_ESYNTAX, 9);
    REJECT("CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_ESYNTAX, 9);
    REJECT("CVSS:3.1/:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_ESYNTAX, 9);
    REJECT("CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_ESYNTAX, 9);
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ", CVSS_ESYNTAX, 41);
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n", CVSS_ESYNTAX, 41);
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\0", CVSS_ESYNTAX, 41);
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:\xff", CVSS_ESYNTAX, 41);
    REJECT("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E :A", CVSS_ESYNTAX,
           64);
    /* unknown metric names, wrong version's metrics, wrong case */
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:N", CVSS_EMETRIC, 45);
    REJECT("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EMETRIC, 19);
    REJECT("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/RL:O", CVSS_EMETRIC,
           64);
    REJECT("CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EMETRIC, 9);
    REJECT("CVSS:3.1/AVN:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EMETRIC, 9);
    /* values not defined for the metric (X is not a base value) */
    REJECT("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EVALUE, 9);
    REJECT("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EVALUE, 9);
    REJECT("CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EVALUE, 9);
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:P/S:U/C:H/I:H/A:H", CVSS_EVALUE, 24);
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:A", CVSS_EVALUE, 45);
    REJECT("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:S", CVSS_EVALUE, 59);
    REJECT("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:clear", CVSS_EVALUE,
           64);
    REJECT("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:U", CVSS_EVALUE, 64);
    REJECT("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S", CVSS_EVALUE,
           64);
    /* duplicates, even with the same value */
    REJECT("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_EDUPLICATE, 14);
    REJECT("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L", CVSS_EDUPLICATE, 45);
    REJECT("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/E:X",
           CVSS_EDUPLICATE, 68);
    /* v3.0 and v3.1 share one metric table */
    REJECT("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MS:X/MS:U", CVSS_EDUPLICATE, 50);
}

/* Every mandatory base metric must be there: drop each in turn. */
static void
test_missing_base_metrics(void **state)
{
    static const struct {
        const char *prefix;
        const char *const metrics[12];
    } versions[] = {
        {"CVSS:3.1", {"AV:N", "AC:L", "PR:N", "UI:N", "S:U", "C:H", "I:H", "A:H"}},
        {"CVSS:3.0", {"AV:N", "AC:L", "PR:N", "UI:N", "S:U", "C:H", "I:H", "A:H"}},
        {"CVSS:4.0",
         {"AV:N", "AC:L", "AT:N", "PR:N", "UI:N", "VC:H", "VI:H", "VA:H", "SC:N", "SI:N", "SA:N"}},
    };
    size_t v, drop, i;

    (void)state;
    for (v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
        for (drop = 0; drop < 12 && versions[v].metrics[drop]; drop++) {
            char buf[160];
            size_t len = (size_t)snprintf(buf, sizeof(buf), "%s", versions[v].prefix);
            struct cvss_score s;
            char name[4];

            for (i = 0; i < 12 && versions[v].metrics[i]; i++)
                if (i != drop)
                    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "/%s",
                                            versions[v].metrics[i]);
            /* E exists in both versions: the vector keeps a last component
             * even when the metric dropped was the last base one. */
            len += (size_t)snprintf(buf + len, sizeof(buf) - len, "/E:X");
            assert_int_equal(cvss_parse(buf, len, &s), -CVSS_EMISSING);
            assert_int_equal(s.error_at, len);
            snprintf(name, sizeof(name), "%.*s",
                     (int)(strchr(versions[v].metrics[drop], ':') - versions[v].metrics[drop]),
                     versions[v].metrics[drop]);
            assert_non_null(s.missing);
            assert_string_equal(s.missing, name);
        }
    }
}

/* Metric order is free; scores do not depend on it. */
static void
test_order_insensitive(void **state)
{
    (void)state;
    /* [FIRST31]: AV:N/AC:H/PR:L/UI:R/S:C/C:H/I:L/A:N is 6.5. */
    expect_base("CVSS:3.1/A:N/I:L/C:H/S:C/UI:R/PR:L/AC:H/AV:N", 65);
    expect_base("CVSS:3.1/S:C/C:H/AV:N/I:L/AC:H/A:N/PR:L/UI:R", 65);
    /* [RH4]: NLPHANHLNNL is 5.7 (a vector that lands one ulp below the
     * 5.65 tie before rounding). */
    expect_base("CVSS:4.0/SA:L/SI:N/SC:N/VA:L/VI:H/VC:N/UI:A/PR:H/AT:P/AC:L/AV:N", 57);
    expect_base("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", 57);
    /* [FIRST4X] with its threat metric first. */
    expect_vector_score("CVSS:4.0/E:U/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 52);
}

static void
test_hostile_lengths(void **state)
{
    /* Longest valid vectors: every metric once, the longest values. */
    static const char longest4[] =
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:X/CR:X/IR:X/AR:X/"
        "MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/"
        "U:Amber";
    static const char longest3[] =
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/RL:X/RC:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/"
        "MPR:X/MUI:X/MS:X/MC:X/MI:X/MA:X";
    size_t big = 1u << 20, n, mandatory_end;
    char *buf = malloc(big);
    struct cvss_score s;

    (void)state;
    assert_non_null(buf);
    assert_true(sizeof(longest4) - 1 <= MOAT_LIMIT_CVSS_VECTOR);
    printf("longest valid v4.0 vector: %zu bytes, v3.1: %zu (limit %u)\n", sizeof(longest4) - 1,
           sizeof(longest3) - 1, (unsigned)MOAT_LIMIT_CVSS_VECTOR);
    expect_base(longest4, 100);
    expect_vector_score(longest4, 100);
    expect_base(longest3, 98); /* [FIRST31] AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H */

    /* 1 MiB of anything: rejected on length alone, nothing read past. */
    memset(buf, 'A', big);
    expect_error(buf, big, CVSS_ETOOLONG, 0);
    memcpy(buf, longest4, sizeof(longest4) - 1);
    expect_error(buf, big, CVSS_ETOOLONG, 0);
    /* The limit itself: valid prefix + padding of a repeated metric. */
    n = 9;
    memcpy(buf, "CVSS:3.1/", 9);
    while (n + 5 <= MOAT_LIMIT_CVSS_VECTOR) {
        memcpy(buf + n, "AV:N/", 5);
        n += 5;
    }
    expect_error(buf, n - 1, CVSS_EDUPLICATE, 14);
    expect_error(buf, MOAT_LIMIT_CVSS_VECTOR + 1, CVSS_ETOOLONG, 0);
    /* Not NUL-terminated: only [0, len) is read. */
    memset(buf, 'Z', big);
    memcpy(buf, longest3, sizeof(longest3) - 1);
    assert_int_equal(cvss_parse(buf, sizeof(longest3) - 1, &s), 0);
    assert_int_equal(s.base, 98);
    /* Truncations of a valid vector at every length: a prefix parses exactly
     * when it ends on a component boundary after the last base metric. */
    mandatory_end = (size_t)(strstr(longest4, "/E:X") - longest4);
    for (n = 0; n <= sizeof(longest4) - 1; n++) {
        int ok = cvss_parse(longest4, n, &s) == 0;
        int boundary = n == sizeof(longest4) - 1 || longest4[n] == '/';

        if (ok != (boundary && n >= mandatory_end))
            fail_msg("truncated at %zu: parse %s", n, ok ? "succeeded" : "failed");
    }
    /* Every single-byte value at every position of a valid vector. */
    for (n = 0; n < sizeof(longest3) - 1; n++) {
        int c;

        for (c = 0; c < 256; c++) {
            memcpy(buf, longest3, sizeof(longest3) - 1);
            buf[n] = (char)c;
            if (cvss_parse(buf, sizeof(longest3) - 1, &s) == 0) {
                assert_true(s.base >= 0 && s.base <= 100);
                assert_int_equal(s.severity, cvss_severity_of(s.base));
            }
        }
    }
    free(buf);
}

static void
test_strerror(void **state)
{
    int e, k;

    (void)state;
    assert_string_equal(cvss_strerror(0), "valid CVSS vector");
    for (e = CVSS_EPREFIX; e <= CVSS_ETOOLONG; e++) {
        assert_string_not_equal(cvss_strerror(-e), "unknown CVSS error");
        for (k = CVSS_EPREFIX; k < e; k++)
            assert_string_not_equal(cvss_strerror(-e), cvss_strerror(-k));
    }
    assert_string_equal(cvss_strerror(-99), "unknown CVSS error");
}

/* ---- the shared OSV corpora ---- */

struct corpus_count {
    size_t entries, v30, v31, v40, failed, with_oracle, oracle_ok;
};

/* Score check for a corpus vector that one of the oracle sets covers (in
 * the canonical metric order the oracles use); other vectors only have to
 * parse. */
static void
corpus_check_oracle(const char *v, const struct cvss_score *s, struct corpus_count *cc)
{
    size_t i;

    if (s->version != CVSS_V4_0) {
        /* [FIRST31] covers every base-only v3.x vector (v3.0 through the
         * property checked in test_v30_base_vectors_match_v31). */
        for (i = 0; i < sizeof(first31) / sizeof(first31[0]); i++) {
            size_t plen = strlen(first31[i].prefix);
            const char *rest = v + 9 + plen;
            int c, k, a, idx;

            if (strncmp(v + 9, first31[i].prefix, plen) != 0 || strlen(rest) != 12)
                continue;
            if (rest[0] != '/' || strncmp(rest + 1, "C:", 2) || strncmp(rest + 4, "/I:", 3) ||
                strncmp(rest + 8, "/A:", 3))
                continue;
            c = (int)(strchr(impact_order, rest[3]) - impact_order);
            k = (int)(strchr(impact_order, rest[7]) - impact_order);
            a = (int)(strchr(impact_order, rest[11]) - impact_order);
            idx = c * 9 + k * 3 + a;
            cc->with_oracle++;
            {
                const char *p = first31[i].scores;
                int j;

                for (j = 0; j < idx; j++) {
                    while (*p == ' ')
                        p++;
                    while (*p && *p != ' ')
                        p++;
                }
                while (*p == ' ')
                    p++;
                if (s->base == tenths(p))
                    cc->oracle_ok++;
                else
                    printf("corpus vector %s: %d, oracle %s\n", v, s->base, p);
            }
            return;
        }
        return;
    }
    for (i = 0; i < sizeof(v4_examples) / sizeof(v4_examples[0]); i++) {
        if (strcmp(v4_examples[i].vector, v) == 0) {
            cc->with_oracle++;
            if (s->vector_score == tenths(v4_examples[i].score))
                cc->oracle_ok++;
            else
                printf("corpus vector %s: %d, oracle %s\n", v, s->vector_score,
                       v4_examples[i].score);
            return;
        }
    }
    for (i = 0; i < sizeof(rh_simple4) / sizeof(rh_simple4[0]); i++) {
        char exp[128];
        int want = expand4(rh_simple4[i], "", exp, sizeof(exp));

        if (strcmp(exp, v) == 0) {
            cc->with_oracle++;
            if (s->base == want)
                cc->oracle_ok++;
            else
                printf("corpus vector %s: %d, oracle %d\n", v, s->base, want);
            return;
        }
    }
}

static void
corpus_vector(const char *id, const char *v, struct corpus_count *cc)
{
    struct cvss_score s;
    int rc = cvss_parse(v, strlen(v), &s);

    cc->entries++;
    if (rc) {
        cc->failed++;
        printf("%s: cannot parse '%s': %s at byte %zu%s%s\n", id, v, cvss_strerror(rc), s.error_at,
               s.missing ? ", missing " : "", s.missing ? s.missing : "");
        return;
    }
    if (s.version == CVSS_V3_0)
        cc->v30++;
    else if (s.version == CVSS_V3_1)
        cc->v31++;
    else
        cc->v40++;
    assert_true(s.base >= 0 && s.base <= 100);
    corpus_check_oracle(v, &s, cc);
}

static void
corpus_severity_array(const char *id, json_t *arr, struct corpus_count *cc)
{
    size_t i;
    json_t *e;

    if (!json_is_array(arr))
        return;
    json_array_foreach(arr, i, e)
    {
        const char *type = json_string_value(json_object_get(e, "type"));
        const char *score = json_string_value(json_object_get(e, "score"));

        if (!type || !score)
            continue;
        if (strcmp(type, "CVSS_V3") == 0 || strcmp(type, "CVSS_V4") == 0)
            corpus_vector(id, score, cc);
    }
}

static int
corpus_read(const char *zip, struct corpus_count *cc)
{
    struct archive *a = archive_read_new();
    struct archive_entry *ent;
    size_t cap = 16u << 20;
    char *buf = malloc(cap);
    int rc = -1;

    assert_non_null(a);
    assert_non_null(buf);
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, zip, 1 << 16) != ARCHIVE_OK)
        goto out;
    while (archive_read_next_header(a, &ent) == ARCHIVE_OK) {
        la_ssize_t n = archive_read_data(a, buf, cap);
        json_error_t jerr;
        json_t *doc, *aff, *x;
        size_t i;
        const char *id;

        assert_true(n >= 0 && (size_t)n < cap);
        doc = json_loadb(buf, (size_t)n, 0, &jerr);
        assert_non_null(doc);
        id = json_string_value(json_object_get(doc, "id"));
        corpus_severity_array(id ? id : "?", json_object_get(doc, "severity"), cc);
        aff = json_object_get(doc, "affected");
        json_array_foreach(aff, i, x)
            corpus_severity_array(id ? id : "?", json_object_get(x, "severity"), cc);
        json_decref(doc);
    }
    rc = 0;
out:
    archive_read_free(a);
    free(buf);
    return rc;
}

static void
test_osv_corpora(void **state)
{
    static const char *const ecosystems[] = {"PyPI", "Go", "crates.io"};
    struct corpus_count all = {0};
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        char path[4096];
        struct corpus_count cc = {0};

        snprintf(path, sizeof(path), "%s/../shared/data/osv/%s/all.zip", MOAT_SOURCE_DIR,
                 ecosystems[i]);
        if (corpus_read(path, &cc) != 0) {
            printf("skipped: %s not readable (the shared OSV corpora are not on this "
                   "machine)\n",
                   path);
            skip();
        }
        printf("%s: %zu CVSS vectors (v3.0 %zu, v3.1 %zu, v4.0 %zu), %zu unparsable, "
               "%zu scored against an oracle\n",
               ecosystems[i], cc.entries, cc.v30, cc.v31, cc.v40, cc.failed, cc.with_oracle);
        all.entries += cc.entries, all.v30 += cc.v30, all.v31 += cc.v31, all.v40 += cc.v40;
        all.failed += cc.failed, all.with_oracle += cc.with_oracle, all.oracle_ok += cc.oracle_ok;
    }
    printf("all corpora: %zu CVSS vectors, %zu parsed, %zu scores checked against an oracle, "
           "%zu agree\n",
           all.entries, all.entries - all.failed, all.with_oracle, all.oracle_ok);
    /* Counted independently (Python zipfile + json over the same zips):
     * 619 severity entries of type CVSS_V3/CVSS_V4 (PyPI 202, crates.io
     * 417, Go none), 164 distinct vectors. */
    assert_int_equal(all.entries, 619);
    assert_int_equal(all.failed, 0);
    assert_int_equal(all.oracle_ok, all.with_oracle);
    assert_true(all.with_oracle > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v31_all_base_vectors),
        cmocka_unit_test(test_v30_base_vectors_match_v31),
        cmocka_unit_test(test_v30_first_examples),
        cmocka_unit_test(test_v3_roundup),
        cmocka_unit_test(test_v4_base_vectors),
        cmocka_unit_test(test_v4_base_ignores_other_groups),
        cmocka_unit_test(test_v4_threat_and_environmental),
        cmocka_unit_test(test_v4_examples),
        cmocka_unit_test(test_v4_every_macrovector),
        cmocka_unit_test(test_v4_severity_of_full_vectors),
        cmocka_unit_test(test_severity_scale),
        cmocka_unit_test(test_rejects_malformed),
        cmocka_unit_test(test_missing_base_metrics),
        cmocka_unit_test(test_order_insensitive),
        cmocka_unit_test(test_hostile_lengths),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_osv_corpora),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

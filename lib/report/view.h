/*
 * view.h - what the reports written for people (table.c, html.c) and the
 * findings formats (sarif_scan.c, cyclonedx.c) need beyond the raw result:
 * severities in one order, counts per severity and kind, a package's
 * vulnerabilities grouped with the upgrade that fixes them, findings other
 * than vulnerabilities grouped by kind, per-layer counts, and the URL of an
 * advisory. Computed once per report in O(findings log findings); every
 * array lives in the view's arena.
 */
#ifndef MOAT_REPORT_VIEW_H
#define MOAT_REPORT_VIEW_H

#include <stddef.h>

#include "base/arena.h"
#include "moat/moat.h"

/* Severity ranks, worst first: 0 critical, 1 high, 2 medium, 3 low, 4 info,
 * 5 unknown (anything else, NULL included). */
#define VIEW_SEVERITIES 6
extern const char *const view_severity_names[VIEW_SEVERITIES];
int view_severity_rank(const char *severity);

/* One package's active (not suppressed) vulnerability findings. */
struct view_group {
    long package;              /* index into res->packages */
    const size_t *findings;    /* indexes into res->findings, worst first */
    size_t n;
    int worst;                 /* rank of findings[0] */
    long remedy;               /* res->remedies index of the upgrade that
                                  covers this package, or -1 (no fix yet) */
};

/* Active findings of one kind other than "vulnerability" ("malware" holds
 * malicious packages and malicious files alike). */
struct view_kind {
    const char *kind;
    const size_t *findings;    /* worst first, then by path */
    size_t n;
    size_t by_severity[VIEW_SEVERITIES];
};

struct view_layer {
    size_t packages;           /* packages it introduced (owned ones included) */
    size_t findings;           /* active findings located in it */
    size_t by_severity[VIEW_SEVERITIES];
};

struct view {
    struct arena arena;
    const struct moat_result *res;
    /* vulnerabilities: active ones per severity, then the others */
    size_t vulns, vulns_by_severity[VIEW_SEVERITIES];
    size_t vulns_fixable, vulns_without_fix, vulns_suppressed;
    const size_t *vulns_sorted;      /* active, worst first, then id, package */
    const size_t *suppressed;        /* every suppressed finding, any kind */
    size_t nsuppressed;
    struct view_group *groups;       /* worst group first */
    size_t ngroups;
    /* other findings */
    size_t others;                   /* active, all kinds but vulnerability */
    struct view_kind *kinds;         /* malware, persistence, integrity,
                                        secret, config, then others by name */
    size_t nkinds;
    struct view_layer *layers;       /* res->image.nlayers entries */
    size_t problems_failed;          /* problems of grade FAILED or worse */
    size_t top_packages;             /* packages no other package owns */
};

/* Builds v from res (which must outlive v). Returns 0, or -1 when memory
 * ran out (then v is freed). */
int view_build(struct view *v, const struct moat_result *res);
void view_free(struct view *v);

/* "name", "ns/name" or "@scope/name" (npm) into buf; returns buf. */
const char *view_package_name(const struct moat_package *p, char *buf, size_t n);

/* Where a person reads about an advisory id: NVD for CVE-, GitHub for
 * GHSA-, OSV for the rest (OSV serves every id it imported). The id is
 * percent-encoded (ids come from the database, i.e. from outside). Writes
 * into buf and returns it; "" when buf is too small. */
const char *view_advisory_url(const char *id, char *buf, size_t n);
/* The name of the database behind an id ("NVD", "GitHub", "OSV"). */
const char *view_advisory_source(const char *id);

/* Is this an active vulnerability finding (kind "vulnerability", not
 * suppressed)? */
int view_is_vuln(const struct moat_finding *f);

#endif

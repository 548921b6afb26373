/*
 * sarif.h - a SARIF 2.1.0 writer over generic rules and results, so that
 * every producer of findings (moat audit, moat scan) writes the same
 * document shape: runs[0].tool.driver.rules from a rule table, results with
 * ruleId, level, message and a physical (file, line) and/or logical (image
 * layer, container) location. Levels come from moat severities: critical
 * and high are "error", medium "warning", low and info "note"; the
 * severity itself also goes into properties.security-severity (the CVSS-
 * like number code-scanning services sort by).
 */
#ifndef MOAT_REPORT_SARIF_H
#define MOAT_REPORT_SARIF_H

#include <stddef.h>
#include <stdio.h>

/* The fields marked "scan" were added for `moat scan --format sarif`
 * (lib/report/sarif_scan.c); left zero, as moat audit leaves them, they
 * write nothing, so the audit document is unchanged. */

/* A name/value pair of a SARIF property bag (scan). */
struct sarif_prop {
    const char *name;
    const char *value;
};

/* A toolExecutionNotification of the run's one invocation (scan). */
struct sarif_note {
    const char *level;       /* "error", "warning" or "note" */
    const char *message;
};

struct sarif_rule {
    const char *id;
    const char *title;       /* shortDescription */
    const char *rationale;   /* fullDescription (or NULL) */
    const char *remediation; /* help (or NULL) */
    const char *severity;    /* defaultConfiguration.level */
    const char *help_uri;    /* helpUri: the advisory (scan), or NULL */
};

struct sarif_result {
    const char *rule_id;  /* must name one of the run's rules */
    const char *severity; /* this result's level (NULL: the rule's) */
    const char *message;
    const char *path;    /* file as named (made a URI here), or NULL */
    unsigned long line;  /* 1-based; 0: no region */
    const char *logical; /* logical location ("layer 3", "container
                            web"), or NULL */
    const struct sarif_prop *props; /* more properties (scan) */
    size_t nprops;
    const char *suppressed; /* why it is suppressed: an external
                               suppression with this justification (scan) */
};

struct sarif_run {
    const char *tool_name; /* "moat" */
    const char *tool_version;
    const char *information_uri; /* or NULL */
    const struct sarif_rule *rules;
    size_t nrules;
    const struct sarif_result *results;
    size_t nresults;
    /* scan: paths are inside an image, not on this machine. Results name
     * them relative to this uriBaseId ("usr/bin/x" from "/usr/bin/x"),
     * which run.originalUriBaseIds defines as file:/// with this
     * description (the image). NULL: paths as above. */
    const char *uri_base_id;
    const char *uri_base_description;
    const struct sarif_prop *props; /* run.properties (scan) */
    size_t nprops;
    const struct sarif_note *notes; /* with nnotes > 0: one invocation
                                       (executionSuccessful) carrying them */
    size_t nnotes;
};

/* Writes one SARIF log with one run. Strings that are not valid UTF-8 are
 * repaired (bad bytes become U+FFFD). Returns 0, or -1 with err filled
 * (out of memory, a result naming no rule, write error). */
int sarif_write(FILE *out, const struct sarif_run *run, char *err, size_t errlen);

/* "error", "warning" or "note" for a moat severity. */
const char *sarif_level(const char *severity);

#endif

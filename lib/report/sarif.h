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

struct sarif_rule {
    const char *id;
    const char *title;       /* shortDescription */
    const char *rationale;   /* fullDescription (or NULL) */
    const char *remediation; /* help (or NULL) */
    const char *severity;    /* defaultConfiguration.level */
};

struct sarif_result {
    const char *rule_id;  /* must name one of the run's rules */
    const char *severity; /* this result's level (NULL: the rule's) */
    const char *message;
    const char *path;    /* file as named (made a URI here), or NULL */
    unsigned long line;  /* 1-based; 0: no region */
    const char *logical; /* logical location ("layer 3", "container
                            web"), or NULL */
};

struct sarif_run {
    const char *tool_name; /* "moat" */
    const char *tool_version;
    const char *information_uri; /* or NULL */
    const struct sarif_rule *rules;
    size_t nrules;
    const struct sarif_result *results;
    size_t nresults;
};

/* Writes one SARIF log with one run. Strings that are not valid UTF-8 are
 * repaired (bad bytes become U+FFFD). Returns 0, or -1 with err filled
 * (out of memory, a result naming no rule, write error). */
int sarif_write(FILE *out, const struct sarif_run *run, char *err, size_t errlen);

/* "error", "warning" or "note" for a moat severity. */
const char *sarif_level(const char *severity);

#endif

/*
 * report.h - output formats, one file each, behind one table (formats.c).
 */
#ifndef MOAT_REPORT_REPORT_H
#define MOAT_REPORT_REPORT_H

#include <stdio.h>

#include "moat/moat.h"

struct report_format {
    const char *name;
    /* Writes the whole document. Returns 0 or -1 with err filled. */
    int (*write)(FILE *out, const struct moat_result *res,
                 const struct moat_report_options *o, char *err, size_t errlen);
};

#define REPORT_SCHEMA_VERSION "1.2"

int report_json(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
                char *err, size_t errlen);
int report_table(FILE *out, const struct moat_result *res,
                 const struct moat_report_options *o, char *err, size_t errlen);
int report_cyclonedx(FILE *out, const struct moat_result *res,
                     const struct moat_report_options *o, char *err, size_t errlen);
int report_spdx(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
                char *err, size_t errlen);
int report_html(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
                char *err, size_t errlen);
int report_sarif(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
                 char *err, size_t errlen);

/* Shared helpers (util.c). */
/* "linux/amd64" or "linux/arm64/v8" into buf. */
const char *report_platform(const struct moat_result *res, char *buf, size_t n);
/* Counts of packages per type that are not owned by another package. */
size_t report_top_level_packages(const struct moat_result *res);

#endif

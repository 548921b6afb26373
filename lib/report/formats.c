/*
 * formats.c - the table of output formats and the public entry point.
 */
#include "report.h"

#include <string.h>

static const struct report_format formats[] = {
    {.name = "table", .write = report_table},
    {.name = "json", .write = report_json},
    {.name = "cyclonedx", .write = report_cyclonedx},
    {.name = "spdx", .write = report_spdx},
    {.name = "sarif", .write = report_sarif},
    {.name = "html", .write = report_html},
};

static const char *const names[] = {"table", "json", "cyclonedx", "spdx", "sarif", "html", NULL};

const char *const *
moat_report_formats(void)
{
    return names;
}

int
moat_report_write(const char *format, const struct moat_result *res,
                  const struct moat_report_options *o, FILE *out, char *err, size_t errlen)
{
    struct moat_report_options def = {0};
    size_t i;

    if (!o)
        o = &def;
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(formats[i].name, format) == 0) {
            if (formats[i].write(out, res, o, err, errlen) != 0)
                return -1;
            if (fflush(out) != 0 || ferror(out)) {
                snprintf(err, errlen, "write error");
                return -1;
            }
            return 0;
        }
    }
    snprintf(err, errlen, "unknown format %s (table, json, cyclonedx, spdx, sarif, html)",
             format);
    return -1;
}

const char *
report_platform(const struct moat_result *res, char *buf, size_t n)
{
    const struct moat_image *im = &res->image;

    if (!im->os && !im->architecture) {
        snprintf(buf, n, "unknown");
        return buf;
    }
    snprintf(buf, n, "%s/%s%s%s", im->os ? im->os : "?", im->architecture ? im->architecture : "?",
             im->variant ? "/" : "", im->variant ? im->variant : "");
    return buf;
}

size_t
report_top_level_packages(const struct moat_result *res)
{
    size_t i, n = 0;

    for (i = 0; i < res->npackages; i++)
        if (res->packages[i].owner < 0)
            n++;
    return n;
}

/*
 * table.c - the human report: what was scanned, the verdict first, then
 * packages grouped by type, then anything that could not be analysed.
 * Column widths adapt to the content (capped) so the table stays readable.
 */
#include "report.h"

#include <string.h>

#define W_NAME 40
#define W_VER 32
#define W_SRC 28

static const char *
c(const struct moat_report_options *o, const char *code)
{
    return o->color ? code : "";
}

static int
width(size_t have, int cap)
{
    return have > (size_t)cap ? cap : (int)have;
}

static void
trunc_print(FILE *out, const char *s, int w)
{
    int n = (int)strlen(s ? s : "-");

    if (n <= w)
        fprintf(out, "%-*s", w, s ? s : "-");
    else
        fprintf(out, "%.*s~", w - 1, s);
}

int
report_table(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
             char *err, size_t errlen)
{
    const struct moat_image *im = &res->image;
    const char *bold = c(o, "\033[1m"), *reset = c(o, "\033[0m"), *green = c(o, "\033[32m");
    const char *yellow = c(o, "\033[33m"), *red = c(o, "\033[31m");
    size_t i, t, wn = 4, wv = 7, ws = 6, failed = 0;
    char plat[64];

    (void)err;
    (void)errlen;
    fprintf(out, "%s%s%s  %s\n", bold, res->target, reset,
            im->name ? im->name : "");
    fprintf(out, "  image    %s  %s  %zu layer%s  %llu files\n",
            im->digest ? im->digest : im->config_digest ? im->config_digest : "(no digest)",
            report_platform(res, plat, sizeof(plat)), im->nlayers, im->nlayers == 1 ? "" : "s",
            (unsigned long long)res->files);
    if (res->distro.id)
        fprintf(out, "  distro   %s%s\n",
                res->distro.pretty_name ? res->distro.pretty_name : res->distro.id,
                res->distro.distroless ? " (distroless)" : "");
    else
        fprintf(out, "  distro   unknown (no os-release)\n");
    for (i = 0; i < res->nproblems; i++)
        if (res->problems[i].grade >= MOAT_FAILED)
            failed++;
    {
        const char *v = res->verdict ? res->verdict : "allow";
        const char *col = strcmp(v, "deny") == 0 ? red : strcmp(v, "warn") == 0 ? yellow : green;
        fprintf(out, "  verdict  %s%s%s%s", bold, col, v, reset);
        if (res->nreasons == 0)
            fprintf(out, " (%zu findings)", res->nfindings);
        fputc('\n', out);
        for (i = 0; i < res->nreasons; i++)
            fprintf(out, "           - %s\n", res->reasons[i]);
    }
    fprintf(out, "  summary  %zu packages, %zu findings, %zu errors%s\n", res->npackages,
            res->nfindings, res->nproblems,
            failed ? " (some parts could not be analysed: see ERRORS)" : "");

    for (i = 0; i < res->npackages; i++) {
        const struct moat_package *p = &res->packages[i];
        size_t n = strlen(p->name) + (p->ns ? strlen(p->ns) + 1 : 0);
        if (n > wn)
            wn = n;
        if (p->version && strlen(p->version) > wv)
            wv = strlen(p->version);
        if (p->source_name && strlen(p->source_name) > ws)
            ws = strlen(p->source_name);
    }
    for (t = 0; t < MOAT_PKG_TYPE_COUNT; t++) {
        size_t count = 0;
        for (i = 0; i < res->npackages; i++)
            count += res->packages[i].type == (enum moat_pkg_type)t;
        if (!count)
            continue;
        fprintf(out, "\n%s%s packages (%zu)%s\n", bold, moat_pkg_type_name((enum moat_pkg_type)t),
                count, reset);
        fprintf(out, "  %-*s  %-*s  %-*s  %-5s  %s\n", width(wn, W_NAME), "NAME",
                width(wv, W_VER), "VERSION", width(ws, W_SRC), "SOURCE", "LAYER", "PATH");
        for (i = 0; i < res->npackages; i++) {
            const struct moat_package *p = &res->packages[i];
            char name[512];
            if (p->type != (enum moat_pkg_type)t)
                continue;
            if (p->ns)
                snprintf(name, sizeof(name), "%s%s/%s", p->type == MOAT_PKG_NPM ? "@" : "",
                         p->ns, p->name);
            else
                snprintf(name, sizeof(name), "%s", p->name);
            fputs("  ", out);
            trunc_print(out, name, width(wn, W_NAME));
            fputs("  ", out);
            trunc_print(out, p->version, width(wv, W_VER));
            fputs("  ", out);
            trunc_print(out, p->source_name && p->type <= MOAT_PKG_RPM ? p->source_name : "-",
                        width(ws, W_SRC));
            fprintf(out, "  %-5d  %s", p->layer, p->path);
            if (p->owner >= 0)
                fprintf(out, "  (in %s %s)", moat_pkg_type_name(res->packages[p->owner].type),
                        res->packages[p->owner].name);
            fputc('\n', out);
        }
    }
    if (res->nproblems) {
        fprintf(out, "\n%sERRORS (%zu)%s\n", bold, res->nproblems, reset);
        for (i = 0; i < res->nproblems; i++) {
            const struct moat_problem *p = &res->problems[i];
            fprintf(out, "  %s%-7s%s ", p->grade >= MOAT_FAILED ? red : yellow,
                    moat_grade_name(p->grade), reset);
            if (p->layer >= 0)
                fprintf(out, "layer %d ", p->layer);
            fprintf(out, "%s%s%s: %s\n", p->path ? p->path : "", p->path ? " " : "",
                    p->source ? p->source : "", p->message);
        }
    }
    return 0;
}

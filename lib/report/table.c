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

static const char *const sevs[] = {"critical", "high", "medium", "low", "unknown"};

static const char *
sev_color(const struct moat_report_options *o, const char *sev)
{
    if (!o->color)
        return "";
    if (strcmp(sev, "critical") == 0)
        return "\033[1;31m";
    if (strcmp(sev, "high") == 0)
        return "\033[31m";
    if (strcmp(sev, "medium") == 0)
        return "\033[33m";
    return "";
}

/* Findings about packages (vulnerabilities, malicious packages) and about
 * files (malware, secrets, tampering, ...), worst first; suppressed ones are
 * counted at the end, not listed. */
static void
table_findings(FILE *out, const struct moat_result *res, const struct moat_report_options *o)
{
    const char *bold = c(o, "\033[1m"), *reset = c(o, "\033[0m");
    size_t i, k, pkg = 0, file = 0, suppressed = 0;

    for (i = 0; i < res->nfindings; i++) {
        if (res->findings[i].suppressed)
            suppressed++;
        else if (res->findings[i].package >= 0)
            pkg++;
        else
            file++;
    }
    if (pkg) {
        fprintf(out, "\n%sVULNERABILITIES (%zu)%s\n", bold, pkg, reset);
        fprintf(out, "  %-8s  %-20s  %-28s  %-16s  %-16s  %s\n", "SEVERITY", "ID", "PACKAGE",
                "INSTALLED", "FIXED", "TITLE");
    }
    for (k = 0; pkg && k < 5; k++) {
        for (i = 0; i < res->nfindings; i++) {
            const struct moat_finding *f = &res->findings[i];
            const struct moat_package *p;
            char name[256];
            if (f->suppressed || f->package < 0 || strcmp(f->severity, sevs[k]) != 0)
                continue;
            p = &res->packages[f->package];
            snprintf(name, sizeof(name), "%s%s%s", p->ns ? p->ns : "", p->ns ? "/" : "",
                     p->name);
            fprintf(out, "  %s%-8s%s  ", sev_color(o, f->severity), f->severity, reset);
            trunc_print(out, f->id, 20);
            fputs("  ", out);
            trunc_print(out, name, 28);
            fputs("  ", out);
            trunc_print(out, f->installed ? f->installed : "-", 16);
            fputs("  ", out);
            trunc_print(out, f->fixed ? f->fixed : (strcmp(f->kind, "malware") == 0
                                                        ? "REMOVE IT"
                                                        : "no fix yet"),
                        16);
            fprintf(out, "  %.70s%s\n", f->title ? f->title : "",
                    strcmp(f->kind, "malware") == 0 ? " [MALWARE]" : "");
        }
    }
    if (file) {
        fprintf(out, "\n%sFILE FINDINGS (%zu)%s\n", bold, file, reset);
        fprintf(out, "  %-8s  %-11s  %-24s  %-5s  %s\n", "SEVERITY", "KIND", "RULE", "LAYER",
                "PATH / EVIDENCE");
    }
    for (k = 0; file && k < 5; k++) {
        static const char *const order[] = {"critical", "high", "medium", "low", "info"};
        for (i = 0; i < res->nfindings; i++) {
            const struct moat_finding *f = &res->findings[i];
            if (f->suppressed || f->package >= 0 || strcmp(f->severity, order[k]) != 0)
                continue;
            fprintf(out, "  %s%-8s%s  ", sev_color(o, f->severity), f->severity, reset);
            trunc_print(out, f->kind, 11);
            fputs("  ", out);
            trunc_print(out, f->id, 24);
            if (f->layer >= 0)
                fprintf(out, "  %-5d", f->layer);
            else
                fprintf(out, "  %-5s", "cfg");
            fprintf(out, "  %s%s\n", f->path ? f->path : "(image config)",
                    f->removed ? "  [deleted later, still in the image]" : "");
            if (f->evidence || f->title)
                fprintf(out, "  %54s%.100s\n", "", f->evidence ? f->evidence : f->title);
        }
    }
    if (suppressed)
        fprintf(out, "  (%zu more suppressed by ignore rules or VEX statements: see --format "
                     "json)\n", suppressed);
}

/* The remediation plan: the image's own upgrades, then the base image's. */
static void
table_remedies(FILE *out, const struct moat_result *res, const struct moat_report_options *o)
{
    const char *bold = c(o, "\033[1m"), *reset = c(o, "\033[0m");
    size_t i, k, base = 0;
    int pass;

    if (!res->nremedies)
        return;
    fprintf(out, "\n%sREMEDIATION%s (%zu upgrade%s fix all fixable findings)\n", bold, reset,
            res->nremedies, res->nremedies == 1 ? "" : "s");
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < res->nremedies; i++) {
            const struct moat_remedy *r = &res->remedies[i];
            int first = 1;
            if (r->base != pass)
                continue;
            if (pass == 1 && base++ == 0)
                fprintf(out, "  base image (layers 0-%d): rebuild on a newer base image, or:\n",
                        res->base_layers - 1);
            fprintf(out, "  %supgrade %s %s to %s%s: fixes %zu", pass ? "  " : "",
                    moat_pkg_type_name(r->type), r->name, r->target, "", r->fixes);
            for (k = 0; k < 4; k++) {
                if (!r->by_severity[k])
                    continue;
                fprintf(out, "%s%zu %s", first ? " (" : ", ", r->by_severity[k], sevs[k]);
                first = 0;
            }
            fprintf(out, "%s\n", first ? "" : ")");
        }
    }
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
    table_findings(out, res, o);
    table_remedies(out, res, o);
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

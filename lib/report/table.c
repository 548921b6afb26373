/*
 * table.c - the human report (`moat scan`, `--format table`, the default).
 * Ordered by what a person must act on: the verdict and its reasons first,
 * then what was scanned and a one-line summary, then the vulnerabilities
 * grouped by package with the upgrade that fixes them, the other findings
 * grouped by kind and worst first, the remediation plan, the
 * unmanaged-software coverage, the package inventory, and last what could
 * not be analysed.
 *
 * On a terminal (moat_report_options.width) every table row is cut to the
 * width with an ellipsis and never wraps, so columns stay aligned; prose
 * (reasons, the summary) wraps at spaces under a hanging indent instead,
 * because cutting it would hide why an image was denied. Written to a file
 * (width 0) nothing is cut. Every string from the image or the advisory
 * database goes through cell(), which replaces control characters and
 * invalid UTF-8 with '?': a package name holding an escape sequence must not
 * drive the terminal. Colours (moat_report_options.color) are written
 * between cells, never inside one, so they take no columns.
 */
#include "report.h"
#include "view.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/* Column caps: wider values are cut (with an ellipsis) even in a file, so
 * that one absurd name does not push every row of its table to the right. */
#define W_NAME 40
#define W_VER 32
#define W_SRC 28
#define W_ID 24
#define W_RULE 30
#define W_FIX 24
/* Unowned executables listed (the JSON report has them all). */
#define TABLE_UNOWNED 50

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"
#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"

struct tab {
    FILE *out;
    const struct moat_result *res;
    const struct moat_report_options *o;
    struct view v;
    size_t width; /* 0: no limit */
    size_t col;   /* columns written on the current line */
};

/* ---- cells and lines ---- */

static void
color(struct tab *t, const char *code)
{
    if (t->o->color)
        fputs(code, t->out);
}

static void
uncolor(struct tab *t)
{
    color(t, RESET);
}

static const char *const sev_colors[VIEW_SEVERITIES] = {
    BOLD RED, RED, YELLOW, CYAN, DIM, DIM,
};

/* Length of the next character of s (at most n bytes): a valid UTF-8
 * sequence that is not a C1 control, else 1 (a byte shown as '?'). *ok
 * says whether it may be written as it is. */
static size_t
next_char(const char *s, size_t n, int *ok)
{
    unsigned char c = (unsigned char)s[0];
    size_t k;

    if (c < 0x80) {
        *ok = c >= 0x20 && c != 0x7f;
        return 1;
    }
    /* the lead byte says how long the sequence is */
    k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (k > n || !str_valid_utf8(s, k) || (k == 2 && c == 0xc2 && (unsigned char)s[1] < 0xa0)) {
        *ok = 0;
        return 1;
    }
    *ok = 1;
    return k;
}

/* Columns s takes: one per character (wide characters are rare in package
 * metadata; counting them as one can only make a row shorter than the
 * terminal, not wrap it... unless it is full of them, which is cut). */
static size_t
columns(const char *s)
{
    size_t n = 0, len = s ? strlen(s) : 0, i = 0;
    int ok;

    while (i < len) {
        i += next_char(s + i, len - i, &ok);
        n++;
    }
    return n;
}

/* Writes s as one cell of w columns (0: as wide as s), cut with an
 * ellipsis to w and to what is left of the line, padded to w when pad is
 * set. NULL or "" writes "-". */
static void
cell(struct tab *t, const char *s, size_t w, int pad)
{
    size_t room = t->width ? (t->col < t->width ? t->width - t->col : 0) : SIZE_MAX;
    size_t len, lim, n, i = 0, shown = 0, slen;
    int ok;

    if (!s || !*s)
        s = "-";
    len = columns(s);
    lim = w ? w : len;
    if (lim > room)
        lim = room;
    if (!lim)
        return;
    n = len <= lim ? len : lim - 1;
    slen = strlen(s);
    while (shown < n && i < slen) {
        size_t k = next_char(s + i, slen - i, &ok);
        if (ok)
            fwrite(s + i, 1, k, t->out);
        else
            fputc('?', t->out);
        i += k;
        shown++;
    }
    if (len > lim) {
        fputs("\xe2\x80\xa6", t->out);
        shown++;
    }
    t->col += shown;
    if (pad && w) {
        size_t want = w < room ? w : room;
        for (; shown < want; shown++, t->col++)
            fputc(' ', t->out);
    }
}

/* A formatted cell (as wide as it is, cut at the line's end). */
static void
cellf(struct tab *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
cellf(struct tab *t, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    cell(t, buf, 0, 0);
}

/* Literal text of ours (no sanitising needed, but it counts columns). */
static void
lit(struct tab *t, const char *s)
{
    cell(t, s, 0, 0);
}

static void
nl(struct tab *t)
{
    fputc('\n', t->out);
    t->col = 0;
}

static void
newline_indent(struct tab *t, size_t hang)
{
    size_t k;

    nl(t);
    for (k = 0; k < hang; k++)
        fputc(' ', t->out);
    t->col = hang;
}

/* Prose: s wrapped at spaces, continuation lines indented by hang columns.
 * A word longer than a whole line is cut across lines. */
static void
prose(struct tab *t, const char *s, size_t hang)
{
    size_t slen = s ? strlen(s) : 0, i = 0, k;
    int ok;

    if (!t->width || hang + 10 > t->width) {
        cell(t, s, 0, 0);
        return;
    }
    while (i < slen) {
        size_t sp = i, wend, wcols = 0;
        while (sp < slen && s[sp] == ' ')
            sp++;
        wend = sp;
        while (wend < slen && s[wend] != ' ') {
            wend += next_char(s + wend, slen - wend, &ok);
            wcols++;
        }
        /* the word (and the spaces before it) would pass the edge: next line */
        if (t->col + (sp - i) + wcols > t->width && t->col > hang) {
            newline_indent(t, hang);
            i = sp;
        }
        while (i < wend) {
            k = next_char(s + i, slen - i, &ok);
            if (t->col >= t->width)
                newline_indent(t, hang);
            if (ok)
                fwrite(s + i, 1, k, t->out);
            else
                fputc('?', t->out);
            t->col++;
            i += k;
        }
    }
}

static void
heading(struct tab *t, const char *title)
{
    nl(t);
    color(t, BOLD);
    lit(t, title);
    uncolor(t);
}

static void
severity(struct tab *t, const char *sev, size_t w)
{
    int r = view_severity_rank(sev);

    color(t, sev_colors[r]);
    cell(t, view_severity_names[r], w, 1);
    uncolor(t);
}

/* "3 critical, 1 high" from counts per severity rank; "" when all zero. */
static const char *
by_severity(const size_t by[VIEW_SEVERITIES], char *buf, size_t n)
{
    size_t len = 0;
    int r;

    buf[0] = '\0';
    for (r = 0; r < VIEW_SEVERITIES; r++) {
        int k;
        if (!by[r] || len >= n)
            continue;
        k = snprintf(buf + len, n - len, "%s%zu %s", len ? ", " : "", by[r],
                     view_severity_names[r]);
        if (k > 0)
            len += (size_t)k;
    }
    return buf;
}

static size_t
max_cols(size_t have, const char *s, size_t cap)
{
    size_t n = columns(s);

    if (n > have)
        have = n;
    return have > cap ? cap : have;
}

/* ---- verdict, image, summary ---- */

static void
verdict(struct tab *t)
{
    const struct moat_result *res = t->res;
    const char *v = res->verdict ? res->verdict : "allow";
    const char *col = strcmp(v, "deny") == 0 ? RED : strcmp(v, "warn") == 0 ? YELLOW : GREEN;
    size_t i;

    lit(t, "verdict  ");
    color(t, BOLD);
    color(t, col);
    cell(t, v, 0, 0);
    uncolor(t);
    if (res->nreasons)
        cellf(t, "  %zu reason%s", res->nreasons, res->nreasons == 1 ? "" : "s");
    else
        cellf(t, "  (%zu findings; no policy rule objected)", res->nfindings);
    nl(t);
    for (i = 0; i < res->nreasons; i++) {
        const char *r = res->reasons[i] ? res->reasons[i] : "";
        const char *tcol = NULL;
        if (strncmp(r, "deny: ", 6) == 0)
            tcol = RED;
        else if (strncmp(r, "warn: ", 6) == 0)
            tcol = YELLOW;
        else if (strncmp(r, "info: ", 6) == 0)
            tcol = DIM;
        lit(t, "  - ");
        if (tcol) {
            char tag[5];
            memcpy(tag, r, 4);
            tag[4] = '\0';
            color(t, tcol);
            lit(t, tag);
            uncolor(t);
            lit(t, ": ");
            r += 6;
        }
        prose(t, r, tcol ? 10 : 4);
        nl(t);
    }
}

static void
image(struct tab *t)
{
    const struct moat_result *res = t->res;
    const struct moat_image *im = &res->image;
    char plat[64];

    nl(t);
    color(t, BOLD);
    cell(t, res->target, 0, 0);
    uncolor(t);
    if (im->name) {
        lit(t, "  ");
        cell(t, im->name, 0, 0);
    }
    nl(t);
    lit(t, "  image    ");
    cell(t, im->digest ? im->digest : im->config_digest ? im->config_digest : "(no digest)", 0,
         0);
    cellf(t, "  %s  %zu layer%s  %llu files", report_platform(res, plat, sizeof(plat)),
          im->nlayers, im->nlayers == 1 ? "" : "s", (unsigned long long)res->files);
    nl(t);
    lit(t, "  distro   ");
    if (res->distro.id) {
        cell(t, res->distro.pretty_name ? res->distro.pretty_name : res->distro.id, 0, 0);
        if (res->distro.distroless)
            lit(t, " (distroless)");
    } else {
        lit(t, "unknown (no os-release)");
    }
    nl(t);
}

static void
summary(struct tab *t)
{
    const struct view *v = &t->v;
    const struct moat_result *res = t->res;
    char s[2048], sev[256];
    size_t len = 0, k;

#define ADD(...)                                                                   \
    do {                                                                           \
        int n_ = len < sizeof(s) ? snprintf(s + len, sizeof(s) - len, __VA_ARGS__) \
                                 : 0;                                              \
        if (n_ > 0)                                                                \
            len += (size_t)n_;                                                     \
    } while (0)
    ADD("%zu packages", res->npackages);
    ADD(" \xc2\xb7 %zu vulnerabilit%s", v->vulns, v->vulns == 1 ? "y" : "ies");
    if (v->vulns)
        ADD(" (%s; %zu without a fix)", by_severity(v->vulns_by_severity, sev, sizeof(sev)),
            v->vulns_without_fix);
    if (v->vulns_suppressed)
        ADD(", %zu suppressed", v->vulns_suppressed);
    ADD(" \xc2\xb7 %zu other finding%s", v->others, v->others == 1 ? "" : "s");
    for (k = 0; k < v->nkinds; k++)
        ADD("%s%zu %s", k ? ", " : " (", v->kinds[k].n, v->kinds[k].kind);
    if (v->nkinds)
        ADD(")");
    if (res->unmanaged && res->unmanaged->executables)
        ADD(" \xc2\xb7 coverage %.1f%%", 100.0 * (double)res->unmanaged->attributed /
                                             (double)res->unmanaged->executables);
    ADD(" \xc2\xb7 %zu error%s", res->nproblems, res->nproblems == 1 ? "" : "s");
    if (v->problems_failed)
        ADD(" (some parts could not be analysed: see ERRORS)");
#undef ADD
    lit(t, "  summary  ");
    prose(t, s, 11);
    nl(t);
}

/* ---- vulnerabilities, by package ---- */

static void
vulnerabilities(struct tab *t)
{
    const struct view *v = &t->v;
    const struct moat_result *res = t->res;
    size_t g, i, wid = 2, wfix = 8; /* "FIXED IN" */
    char sev[256], name[512];

    if (!v->vulns && !v->vulns_suppressed)
        return;
    heading(t, "VULNERABILITIES");
    cellf(t, "  %zu in %zu package%s", v->vulns, v->ngroups, v->ngroups == 1 ? "" : "s");
    if (v->vulns)
        cellf(t, ": %s", by_severity(v->vulns_by_severity, sev, sizeof(sev)));
    nl(t);
    for (i = 0; i < v->vulns; i++) {
        const struct moat_finding *f = &res->findings[v->vulns_sorted[i]];
        wid = max_cols(wid, f->id, W_ID);
        wfix = max_cols(wfix, f->fixed ? f->fixed : "no fix yet", W_FIX);
    }
    if (v->ngroups) {
        lit(t, "    ");
        cell(t, "SEVERITY", 8, 1);
        lit(t, "  ");
        cell(t, "ID", wid, 1);
        lit(t, "  CVSS  ");
        cell(t, "FIXED IN", wfix, 1);
        lit(t, "  TITLE");
        nl(t);
    }
    for (g = 0; g < v->ngroups; g++) {
        const struct view_group *gr = &v->groups[g];
        const struct moat_package *p = &res->packages[gr->package];
        const struct moat_finding *f0 = &res->findings[gr->findings[0]];
        lit(t, "  ");
        color(t, BOLD);
        cell(t, view_package_name(p, name, sizeof(name)), 0, 0);
        lit(t, " ");
        cell(t, p->version, 0, 0);
        uncolor(t);
        if (f0->installed && p->version && strcmp(f0->installed, p->version) != 0) {
            lit(t, " (compared as ");
            cell(t, f0->installed, 0, 0);
            lit(t, ")");
        }
        cellf(t, "  %s, layer %d", moat_pkg_type_name(p->type), p->layer);
        if (gr->remedy >= 0) {
            const struct moat_remedy *r = &res->remedies[gr->remedy];
            lit(t, "  ");
            color(t, GREEN);
            lit(t, "\xe2\x86\x92 upgrade ");
            cell(t, r->name, 0, 0);
            lit(t, " to ");
            cell(t, r->target, 0, 0);
            uncolor(t);
            if (r->base)
                lit(t, " (base image)");
        } else {
            lit(t, "  no fix yet");
        }
        nl(t);
        for (i = 0; i < gr->n; i++) {
            const struct moat_finding *f = &res->findings[gr->findings[i]];
            char score[16] = "";
            lit(t, "    ");
            severity(t, f->severity, 8);
            lit(t, "  ");
            cell(t, f->id, wid, 1);
            if (f->score >= 0)
                snprintf(score, sizeof(score), "%4.1f", f->score);
            lit(t, "  ");
            cell(t, score[0] ? score : "   -", 4, 1);
            lit(t, "  ");
            if (!f->fixed)
                color(t, DIM);
            cell(t, f->fixed ? f->fixed : "no fix yet", wfix, 1);
            if (!f->fixed)
                uncolor(t);
            lit(t, "  ");
            cell(t, f->title, 0, 0);
            nl(t);
        }
    }
}

/* Suppressed findings of any kind: listed with the rule that suppresses
 * them, not counted anywhere else. */
static void
suppressed(struct tab *t)
{
    const struct view *v = &t->v;
    const struct moat_result *res = t->res;
    size_t i;
    char name[512];

    if (!v->nsuppressed)
        return;
    heading(t, "SUPPRESSED");
    cellf(t, "  %zu (by ignore rules or VEX statements; not counted above)", v->nsuppressed);
    nl(t);
    for (i = 0; i < v->nsuppressed; i++) {
        const struct moat_finding *f = &res->findings[v->suppressed[i]];
        lit(t, "  ");
        cell(t, f->id, 0, 0);
        lit(t, " in ");
        if (f->package >= 0 && (size_t)f->package < res->npackages)
            cell(t, view_package_name(&res->packages[f->package], name, sizeof(name)), 0, 0);
        else
            cell(t, f->path, 0, 0);
        lit(t, ": ");
        cell(t, f->suppressed, 0, 0);
        nl(t);
    }
}

/* ---- other findings, by kind ---- */

static void
finding_kinds(struct tab *t)
{
    const struct view *v = &t->v;
    const struct moat_result *res = t->res;
    size_t k, i, wrule = 4;
    char sev[256], title[64], name[512];

    for (i = 0; i < res->nfindings; i++)
        if (!res->findings[i].suppressed && !view_is_vuln(&res->findings[i]))
            wrule = max_cols(wrule, res->findings[i].id, W_RULE);
    for (k = 0; k < v->nkinds; k++) {
        const struct view_kind *vk = &v->kinds[k];
        for (i = 0; vk->kind[i] && i + 1 < sizeof(title); i++)
            title[i] = (char)(vk->kind[i] >= 'a' && vk->kind[i] <= 'z' ? vk->kind[i] - 'a' + 'A'
                                                                       : vk->kind[i]);
        title[i] = '\0';
        heading(t, title);
        cellf(t, "  %zu: %s", vk->n, by_severity(vk->by_severity, sev, sizeof(sev)));
        nl(t);
        lit(t, "  ");
        cell(t, "SEVERITY", 8, 1);
        lit(t, "  ");
        cell(t, "RULE", wrule, 1);
        lit(t, "  LAYER      LOCATION");
        nl(t);
        for (i = 0; i < vk->n; i++) {
            const struct moat_finding *f = &res->findings[vk->findings[i]];
            const char *more = f->evidence ? f->evidence : f->title;
            lit(t, "  ");
            severity(t, f->severity, 8);
            lit(t, "  ");
            cell(t, f->id, wrule, 1);
            lit(t, "  ");
            if (f->layer >= 0)
                cellf(t, "layer %-3d", f->layer);
            else
                cell(t, "config", 9, 1);
            lit(t, "  ");
            if (f->package >= 0 && (size_t)f->package < res->npackages) {
                const struct moat_package *p = &res->packages[f->package];
                cell(t, view_package_name(p, name, sizeof(name)), 0, 0);
                lit(t, " ");
                cell(t, p->version, 0, 0);
                cellf(t, " (%s package)", moat_pkg_type_name(p->type));
                if (f->kind && strcmp(f->kind, "malware") == 0) {
                    lit(t, "  ");
                    color(t, BOLD RED);
                    lit(t, "REMOVE IT");
                    uncolor(t);
                }
            } else {
                cell(t, f->path ? f->path : "(image config)", 0, 0);
            }
            if (f->removed) {
                color(t, YELLOW);
                lit(t, "  [deleted later, still in the image]");
                uncolor(t);
            }
            nl(t);
            if (more || (f->title && f->evidence)) {
                lit(t, "            ");
                color(t, DIM);
                if (f->title && f->evidence && strcmp(f->title, f->evidence) != 0) {
                    cell(t, f->title, 0, 0);
                    lit(t, ": ");
                }
                cell(t, more, 0, 0);
                uncolor(t);
                nl(t);
            }
        }
    }
}

/* ---- remediation, unmanaged, packages, errors ---- */

/* The remediation plan: the image's own upgrades, then the base image's. */
static void
remedies(struct tab *t)
{
    const struct moat_result *res = t->res;
    size_t i, k, base = 0;
    int pass;

    if (!res->nremedies)
        return;
    heading(t, "REMEDIATION");
    cellf(t, " (%zu upgrade%s fix all fixable findings)", res->nremedies,
          res->nremedies == 1 ? "" : "s");
    nl(t);
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < res->nremedies; i++) {
            const struct moat_remedy *r = &res->remedies[i];
            int first = 1;
            if (r->base != pass)
                continue;
            if (pass == 1 && base++ == 0) {
                cellf(t, "  base image (layers 0-%d): rebuild on a newer base image, or:",
                      res->base_layers - 1);
                nl(t);
            }
            cellf(t, "  %supgrade %s ", pass ? "  " : "", moat_pkg_type_name(r->type));
            cell(t, r->name, 0, 0);
            lit(t, " to ");
            color(t, GREEN);
            cell(t, r->target, 0, 0);
            uncolor(t);
            cellf(t, ": fixes %zu", r->fixes);
            /* by the severities that rank (the total above counts all) */
            for (k = 0; k < 4; k++) {
                static const char *const names[] = {"critical", "high", "medium", "low"};
                if (!r->by_severity[k])
                    continue;
                cellf(t, "%s%zu %s", first ? " (" : ", ", r->by_severity[k], names[k]);
                first = 0;
            }
            if (!first)
                lit(t, ")");
            nl(t);
        }
    }
}

/* Executables no package accounts for, and the share that one does. */
static void
unmanaged(struct tab *t)
{
    const struct moat_unmanaged *u = t->res->unmanaged;
    size_t i;

    if (!u)
        return;
    heading(t, "UNMANAGED SOFTWARE");
    nl(t);
    if (!u->executables) {
        lit(t, "  no executables or shared libraries");
        nl(t);
        return;
    }
    cellf(t,
          "  coverage  %.1f%% of %llu executables and libraries (%.1f%% of %.1f MiB) "
          "attributed to a package:",
          100.0 * (double)u->attributed / (double)u->executables,
          (unsigned long long)u->executables,
          u->bytes ? 100.0 * (double)u->attributed_bytes / (double)u->bytes : 100.0,
          (double)u->bytes / (1024.0 * 1024.0));
    nl(t);
    cellf(t, "            %llu OS, %llu language, %llu identified from their bytes",
          (unsigned long long)u->by_os, (unsigned long long)u->by_language,
          (unsigned long long)u->by_classifier);
    nl(t);
    if (!u->unowned)
        return;
    cellf(t, "  no package owns %llu of them:", (unsigned long long)u->unowned);
    nl(t);
    cellf(t, "  %12s  %-5s  %-5s  %s", "SIZE", "LAYER", "KIND", "PATH");
    nl(t);
    for (i = 0; i < u->nfiles && i < TABLE_UNOWNED; i++) {
        cellf(t, "  %12llu  %-5d  ", (unsigned long long)u->files[i].size, u->files[i].layer);
        cell(t, u->files[i].kind, 5, 1);
        lit(t, "  ");
        cell(t, u->files[i].path, 0, 0);
        nl(t);
    }
    if (u->unowned > i) {
        cellf(t, "  (%llu more: see --format json)", (unsigned long long)(u->unowned - i));
        nl(t);
    }
}

static void
packages(struct tab *t)
{
    const struct moat_result *res = t->res;
    size_t i, ty, wn = 4, wv = 7, ws = 6;
    char name[512];

    for (i = 0; i < res->npackages; i++) {
        const struct moat_package *p = &res->packages[i];
        wn = max_cols(wn, view_package_name(p, name, sizeof(name)), W_NAME);
        wv = max_cols(wv, p->version, W_VER);
        if (p->type <= MOAT_PKG_RPM)
            ws = max_cols(ws, p->source_name, W_SRC);
    }
    for (ty = 0; ty < MOAT_PKG_TYPE_COUNT; ty++) {
        size_t count = 0;
        for (i = 0; i < res->npackages; i++)
            count += res->packages[i].type == (enum moat_pkg_type)ty;
        if (!count)
            continue;
        nl(t);
        color(t, BOLD);
        cellf(t, "%s packages", moat_pkg_type_name((enum moat_pkg_type)ty));
        uncolor(t);
        cellf(t, " (%zu)", count);
        nl(t);
        lit(t, "  ");
        cell(t, "NAME", wn, 1);
        lit(t, "  ");
        cell(t, "VERSION", wv, 1);
        lit(t, "  ");
        cell(t, "SOURCE", ws, 1);
        lit(t, "  LAYER  PATH");
        nl(t);
        for (i = 0; i < res->npackages; i++) {
            const struct moat_package *p = &res->packages[i];
            if (p->type != (enum moat_pkg_type)ty)
                continue;
            lit(t, "  ");
            cell(t, view_package_name(p, name, sizeof(name)), wn, 1);
            lit(t, "  ");
            cell(t, p->version, wv, 1);
            lit(t, "  ");
            cell(t, p->type <= MOAT_PKG_RPM ? p->source_name : NULL, ws, 1);
            cellf(t, "  %-5d  ", p->layer);
            cell(t, p->path, 0, 0);
            if (p->owner >= 0 && (size_t)p->owner < res->npackages) {
                cellf(t, "  (in %s ", moat_pkg_type_name(res->packages[p->owner].type));
                cell(t, res->packages[p->owner].name, 0, 0);
                lit(t, ")");
            }
            nl(t);
        }
    }
}

static void
errors(struct tab *t)
{
    const struct moat_result *res = t->res;
    size_t i;

    if (!res->nproblems)
        return;
    heading(t, "ERRORS");
    cellf(t, " (%zu)", res->nproblems);
    nl(t);
    for (i = 0; i < res->nproblems; i++) {
        const struct moat_problem *p = &res->problems[i];
        lit(t, "  ");
        color(t, p->grade >= MOAT_FAILED ? RED : YELLOW);
        cell(t, moat_grade_name(p->grade), 7, 1);
        uncolor(t);
        lit(t, " ");
        if (p->layer >= 0)
            cellf(t, "layer %d ", p->layer);
        if (p->path) {
            cell(t, p->path, 0, 0);
            lit(t, " ");
        }
        cell(t, p->source, 0, 0);
        lit(t, ": ");
        cell(t, p->message, 0, 0);
        nl(t);
    }
}

int
report_table(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
             char *err, size_t errlen)
{
    struct tab t;

    memset(&t, 0, sizeof(t));
    t.out = out;
    t.res = res;
    t.o = o;
    t.width = o->width;
    if (view_build(&t.v, res) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    verdict(&t);
    image(&t);
    summary(&t);
    vulnerabilities(&t);
    finding_kinds(&t);
    suppressed(&t);
    remedies(&t);
    unmanaged(&t);
    packages(&t);
    errors(&t);
    view_free(&t.v);
    return 0;
}

/*
 * sarif_scan.c - `moat scan --format sarif`: a scan's findings through the
 * generic SARIF writer (sarif.h), so that scans and `moat audit` write the
 * same document shape and both pass Microsoft's validator.
 *
 * Rules, one per distinct finding id:
 *   vulnerabilities and malicious packages  the advisory id (the CVE when
 *       there is one), its title, the aliases, helpUri = the advisory page
 *       (view_advisory_url), level from the worst severity seen;
 *   configuration checks  the check's id, title, rationale and remediation
 *       from the check table (moat/checks.h);
 *   detector findings (malware, secrets, integrity, persistence, ...)  the
 *       detector's rule id, with what that kind of finding means and what to
 *       do about it.
 * Results, one per finding: the message says what and where; the location
 * is the path inside the image relative to the uriBaseId IMAGEROOT (which
 * run.originalUriBaseIds names as the image) plus a logical location "layer
 * N"; layer digest, package purl, versions, CVSS and the like go into the
 * result's properties. Findings suppressed by ignore rules or VEX are kept
 * with an external suppression (SARIF's way of saying "judged, not
 * counted"). What could not be analysed goes into the invocation's
 * notifications; the image and the verdict into run.properties.
 */
#include "report.h"
#include "sarif.h"
#include "view.h"
#include "base/arena.h"
#include "base/map.h"
#include "moat/checks.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RESULT_PROPS 14
#define RUN_PROPS 10

struct scan_sarif {
    const struct moat_result *res;
    struct arena a;
    struct map rule_at;          /* rule id -> index + 1 */
    struct sarif_rule *rules;
    size_t nrules;
    struct sarif_result *results;
    struct sarif_prop *props;    /* RESULT_PROPS per result */
    int oom;
};

static const char *
dup(struct scan_sarif *s, const char *v)
{
    char *r = v ? arena_strdup(&s->a, v) : NULL;

    if (v && !r)
        s->oom = 1;
    return r;
}

static const char *
fmt(struct scan_sarif *s, const char *f, ...) __attribute__((format(printf, 2, 3)));

static const char *
fmt(struct scan_sarif *s, const char *f, ...)
{
    va_list ap;
    char *r;

    va_start(ap, f);
    r = arena_vprintf(&s->a, f, ap);
    va_end(ap);
    if (!r)
        s->oom = 1;
    return r;
}

/* What a kind of detector finding means and what to do, for its rules. */
static void
kind_text(const char *kind, const char **why, const char **fix)
{
    static const struct {
        const char *kind, *why, *fix;
    } k[] = {
        {"malware",
         "Known malicious content: a file matching a malware rule or a blocklisted SHA-256, "
         "or a package the advisory databases list as malicious.",
         "Remove the file or package, find out how it got into the image, and rebuild from "
         "trusted sources."},
        {"persistence",
         "A persistence mechanism or backdoor: something that runs code or grants access "
         "without the image's owner intending it.",
         "Remove it and find out which build step added it."},
        {"integrity",
         "A file installed by a package no longer holds what the package installed: it was "
         "modified or replaced after installation.",
         "Reinstall the package or rebuild the image, and find out which layer changed the "
         "file."},
        {"secret",
         "A credential stored in the image: anyone who can pull the image can read it, even "
         "when a later layer deleted the file.",
         "Revoke the credential, remove it from every layer (rebuild without it) and pass "
         "secrets at run time instead."},
    };
    size_t i;

    for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
        if (kind && strcmp(kind, k[i].kind) == 0) {
            *why = k[i].why;
            *fix = k[i].fix;
            return;
        }
    *why = NULL;
    *fix = NULL;
}

static int
is_advisory(const struct moat_result *res, const struct moat_finding *f)
{
    return f->package >= 0 && (size_t)f->package < res->npackages && f->kind &&
           (strcmp(f->kind, "vulnerability") == 0 || strcmp(f->kind, "malware") == 0);
}

/* The rule of finding f, created on first sight. */
static void
add_rule(struct scan_sarif *s, const struct moat_finding *f, const char *id)
{
    struct sarif_rule *r;
    uintptr_t at = (uintptr_t)map_get(&s->rule_at, id);
    char url[1024];
    size_t i;

    if (at) {
        r = &s->rules[at - 1];
        if (view_severity_rank(f->severity) < view_severity_rank(r->severity))
            r->severity = f->severity;
        return;
    }
    r = &s->rules[s->nrules];
    r->id = id;
    r->severity = f->severity;
    if (map_put(&s->rule_at, id, (void *)(uintptr_t)(s->nrules + 1), NULL) != 0) {
        s->oom = 1;
        return;
    }
    s->nrules++;
    if (is_advisory(s->res, f)) {
        const char *aliases = "";
        r->title = f->title ? f->title : id;
        for (i = 0; i < f->naliases && !s->oom; i++)
            aliases = fmt(s, "%s%s%s", aliases, i ? ", " : "", f->aliases[i]);
        if (strcmp(f->kind, "malware") == 0)
            r->rationale = fmt(s, "%s is a known malicious package%s%s.", id,
                               f->naliases ? " (also published as " : "",
                               f->naliases ? fmt(s, "%s)", aliases) : "");
        else
            r->rationale = fmt(s, "%s%s%s%s%s", id, f->naliases ? " (also published as " : "",
                               aliases, f->naliases ? ")" : "",
                               f->published ? fmt(s, ", published %s.", f->published) : ".");
        r->remediation = strcmp(f->kind, "malware") == 0
                             ? "Remove the package and rebuild from trusted sources."
                             : "Upgrade the package to the fixed version each result names; "
                               "results without one have no fix yet.";
        view_advisory_url(id, url, sizeof(url));
        r->help_uri = url[0] ? dup(s, url) : NULL;
    } else if (f->kind && strcmp(f->kind, "config") == 0 && moat_check_find(id)) {
        const struct moat_check *c = moat_check_find(id);
        r->title = c->title;
        r->rationale = c->rationale;
        r->remediation = c->remediation;
    } else {
        kind_text(f->kind, &r->rationale, &r->remediation);
        r->title = fmt(s, "%s: %s", f->kind ? f->kind : "finding", id);
    }
}

static void
prop(struct scan_sarif *s, struct sarif_result *r, const char *name, const char *value)
{
    struct sarif_prop *p = (struct sarif_prop *)r->props;

    if (!value || r->nprops >= RESULT_PROPS)
        return;
    p[r->nprops].name = name;
    p[r->nprops].value = value;
    r->nprops++;
    (void)s;
}

static const char *
message(struct scan_sarif *s, const struct moat_finding *f)
{
    const struct moat_result *res = s->res;
    char name[512];

    if (is_advisory(s->res, f)) {
        const struct moat_package *p = &res->packages[f->package];
        view_package_name(p, name, sizeof(name));
        if (strcmp(f->kind, "malware") == 0)
            return fmt(s, "%s %s is a known malicious package (%s)%s%s. Remove it.", name,
                       p->version ? p->version : "", f->id, f->title ? ": " : "",
                       f->title ? f->title : "");
        return fmt(s, "%s %s is affected by %s (%s%s)%s%s. %s%s%s", name,
                   f->installed ? f->installed : p->version ? p->version : "", f->id,
                   f->severity ? f->severity : "unknown",
                   f->score >= 0 ? fmt(s, ", CVSS %.1f", f->score) : "", f->title ? ": " : "",
                   f->title ? f->title : "", f->fixed ? "Fixed in " : "No fix yet",
                   f->fixed ? f->fixed : "", ".");
    }
    return fmt(s, "%s%s%s%s", f->title ? f->title : f->id ? f->id : "finding",
               f->evidence ? ": " : "", f->evidence ? f->evidence : "",
               f->removed ? fmt(s, " (a later layer deleted the file, but its bytes still ship "
                                   "in layer %d)",
                                f->layer)
                          : "");
}

static void
result(struct scan_sarif *s, size_t i)
{
    const struct moat_result *res = s->res;
    const struct moat_finding *f = &res->findings[i];
    struct sarif_result *r = &s->results[i];
    const char *id = f->id && *f->id ? f->id : f->kind ? f->kind : "finding";
    size_t k;

    add_rule(s, f, id);
    r->rule_id = id;
    r->severity = f->severity;
    r->message = message(s, f);
    r->props = s->props + i * RESULT_PROPS;
    if (is_advisory(s->res, f) && res->packages[f->package].path)
        r->path = res->packages[f->package].path;
    else
        r->path = f->path;
    if (f->layer >= 0 && (size_t)f->layer < res->image.nlayers) {
        const struct moat_layer *l = &res->image.layers[f->layer];
        r->logical = fmt(s, "layer %d", f->layer);
        prop(s, r, "layer", fmt(s, "%d", f->layer));
        prop(s, r, "layer-diff-id", l->diff_id);
        prop(s, r, "layer-digest", l->digest);
    } else if (!r->path) {
        r->logical = "image config";
    }
    prop(s, r, "kind", f->kind);
    if (f->package >= 0 && (size_t)f->package < res->npackages)
        prop(s, r, "package", res->packages[f->package].purl);
    prop(s, r, "installed", f->installed);
    prop(s, r, "fixed", f->fixed);
    prop(s, r, "ecosystem", f->ecosystem);
    if (f->score >= 0)
        prop(s, r, "cvss-score", fmt(s, "%.1f", f->score));
    prop(s, r, "cvss-vector", f->score_vector);
    if (f->naliases) {
        const char *al = "";
        for (k = 0; k < f->naliases && !s->oom; k++)
            al = fmt(s, "%s%s%s", al, k ? " " : "", f->aliases[k]);
        prop(s, r, "aliases", al);
    }
    if (f->removed)
        prop(s, r, "removed", "true");
    if (f->offset >= 0)
        prop(s, r, "offset", fmt(s, "%lld", (long long)f->offset));
    r->suppressed = f->suppressed;
}

int
report_sarif(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
             char *err, size_t errlen)
{
    struct scan_sarif s;
    struct sarif_run run;
    struct sarif_prop rp[RUN_PROPS];
    struct sarif_note *notes = NULL;
    size_t i, nrp = 0;
    char plat[128];
    int rc = -1;

    memset(&s, 0, sizeof(s));
    memset(&run, 0, sizeof(run));
    arena_init(&s.a);
    map_init(&s.rule_at);
    s.res = res;
    s.rules = calloc(res->nfindings ? res->nfindings : 1, sizeof(*s.rules));
    s.results = calloc(res->nfindings ? res->nfindings : 1, sizeof(*s.results));
    s.props = calloc(res->nfindings ? res->nfindings : 1, RESULT_PROPS * sizeof(*s.props));
    notes = calloc(res->nproblems ? res->nproblems : 1, sizeof(*notes));
    if (!s.rules || !s.results || !s.props || !notes)
        goto oom;
    for (i = 0; i < res->nfindings && !s.oom; i++)
        result(&s, i);
    for (i = 0; i < res->nproblems && !s.oom; i++) {
        const struct moat_problem *p = &res->problems[i];
        notes[i].level = p->grade >= MOAT_FAILED ? "error" : "warning";
        notes[i].message =
            fmt(&s, "%s%s%s%s%s%s: %s", p->layer >= 0 ? fmt(&s, "layer %d: ", p->layer) : "",
                p->source ? p->source : "", p->path ? " " : "", p->path ? p->path : "",
                p->grade >= MOAT_FAILED ? " (could not be analysed)" : "", "",
                p->message ? p->message : "");
    }
    rp[nrp++] = (struct sarif_prop){"target", res->target};
    if (res->image.name)
        rp[nrp++] = (struct sarif_prop){"image", res->image.name};
    if (res->image.digest)
        rp[nrp++] = (struct sarif_prop){"image-digest", res->image.digest};
    if (res->image.config_digest)
        rp[nrp++] = (struct sarif_prop){"image-id", res->image.config_digest};
    rp[nrp++] = (struct sarif_prop){"platform", report_platform(res, plat, sizeof(plat))};
    if (res->distro.id)
        rp[nrp++] = (struct sarif_prop){"os", res->distro.pretty_name ? res->distro.pretty_name
                                                                      : res->distro.id};
    rp[nrp++] = (struct sarif_prop){"verdict", res->verdict ? res->verdict : "allow"};
    if (res->nreasons) {
        const char *all = "";
        for (i = 0; i < res->nreasons && !s.oom; i++)
            all = fmt(&s, "%s%s%s", all, i ? "\n" : "", res->reasons[i]);
        rp[nrp++] = (struct sarif_prop){"verdict-reasons", all};
    }
    if (s.oom)
        goto oom;
    run.tool_name = o->tool_name ? o->tool_name : "moat";
    run.tool_version = MOAT_VERSION;
    run.rules = s.rules;
    run.nrules = s.nrules;
    run.results = s.results;
    run.nresults = res->nfindings;
    run.uri_base_id = "IMAGEROOT";
    run.uri_base_description =
        fmt(&s, "the root filesystem of the image %s%s%s", res->image.name ? res->image.name
                                                                           : res->target,
            res->image.digest ? " " : "", res->image.digest ? res->image.digest : "");
    run.props = rp;
    run.nprops = nrp;
    run.notes = notes;
    run.nnotes = res->nproblems;
    if (s.oom)
        goto oom;
    rc = sarif_write(out, &run, err, errlen);
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
    rc = -1;
out:
    free(s.rules);
    free(s.results);
    free(s.props);
    free(notes);
    map_free(&s.rule_at);
    arena_free(&s.a);
    return rc;
}

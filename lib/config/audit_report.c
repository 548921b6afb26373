/*
 * audit_report.c - writes an audit result (moat/audit.h) as a table for
 * people (per file, worst first, severity counts on top), as JSON for
 * programs (schema "moat-audit/1", documented in docs/CHECKS.md) or as
 * SARIF 2.1.0 through the shared writer (lib/report/sarif.c) with the
 * whole check table as the driver's rules.
 */
#include "config.h"
#include "report/sarif.h"
#include "base/err.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_SCHEMA "moat-audit/1"

static const char *const sevs[] = {"critical", "high", "medium", "low", "info"};

static int
sev_rank(const char *s)
{
    int i;

    for (i = 0; i < 5; i++)
        if (s && strcmp(s, sevs[i]) == 0)
            return i;
    return 5;
}

static const char *
sev_color(const struct moat_report_options *o, const char *s)
{
    static const char *const colors[] = {"\033[1;31m", "\033[31m", "\033[33m",
                                         "\033[36m",   "\033[2m",  ""};
    return o && o->color ? colors[sev_rank(s)] : "";
}

static void
counts(const struct moat_audit_result *r, size_t c[6])
{
    size_t i;

    memset(c, 0, 6 * sizeof(*c));
    for (i = 0; i < r->nfindings; i++)
        c[sev_rank(r->findings[i].severity)]++;
}

static int
write_table(FILE *out, const struct moat_audit_result *r, const struct moat_report_options *o)
{
    const char *bold = o && o->color ? "\033[1m" : "", *reset = o && o->color ? "\033[0m" : "";
    size_t c[6], i, t;
    int k;

    counts(r, c);
    fprintf(out, "%sAUDIT%s  %zu target%s, %zu finding%s", bold, reset, r->ntargets,
            r->ntargets == 1 ? "" : "s", r->nfindings, r->nfindings == 1 ? "" : "s");
    for (k = 0; k < 5; k++)
        if (c[k])
            fprintf(out, ", %s%zu %s%s", sev_color(o, sevs[k]), c[k], sevs[k], reset);
    fputc('\n', out);
    for (i = 0; i < r->nnotes; i++)
        fprintf(out, "  note: %s\n", r->notes[i]);
    for (t = 0; t < r->ntargets; t++) {
        const struct moat_audit_target *tg = &r->targets[t];
        fprintf(out, "\n%s%s%s (%s): ", bold, tg->path, reset, tg->kind ? tg->kind : "unknown");
        if (tg->error) {
            fprintf(out, "NOT AUDITED: %s\n", tg->error);
            continue;
        }
        fprintf(out, "%zu finding%s\n", tg->nfindings, tg->nfindings == 1 ? "" : "s");
        if (!tg->nfindings)
            continue;
        fprintf(out, "  %-5s  %-8s  %-13s  %s\n", "LINE", "SEVERITY", "CHECK", "FINDING");
        /* worst first, in line order within a severity */
        for (k = 0; k < 6; k++) {
            for (i = 0; i < r->nfindings; i++) {
                const struct moat_audit_finding *f = &r->findings[i];
                if (f->file != tg->path && !(f->file == NULL && strcmp(tg->path, "host") == 0))
                    continue;
                if (sev_rank(f->severity) != k)
                    continue;
                if (f->line)
                    fprintf(out, "  %-5lu", f->line);
                else
                    fprintf(out, "  %-5s", "-");
                fprintf(out, "  %s%-8s%s  %-13s  %s\n", sev_color(o, f->severity), f->severity,
                        reset, f->check, f->message);
                if (f->evidence && !strstr(f->message, f->evidence))
                    fprintf(out, "  %34s%.160s\n", "", f->evidence);
            }
        }
    }
    return 0;
}

#define SET(obj, key, val)                                                                         \
    do {                                                                                           \
        json_t *v_ = (val);                                                                        \
        if (!v_ || json_object_set_new((obj), (key), v_) != 0)                                     \
            ok = 0;                                                                                \
    } while (0)

static json_t *
jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Strings of a result came from files: repair invalid UTF-8 the way the
 * SARIF writer does, so both formats agree. */
static json_t *
jtext(const char *s)
{
    json_t *j;
    char *copy;
    size_t i;

    if (!s)
        return json_null();
    j = json_string(s);
    if (j)
        return j;
    copy = strdup(s);
    if (!copy)
        return NULL;
    for (i = 0; copy[i]; i++)
        if ((unsigned char)copy[i] >= 0x80)
            copy[i] = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

static int
write_json(FILE *out, const struct moat_audit_result *r)
{
    json_t *root = json_object(), *targets = json_array(), *findings = json_array(),
           *notes = json_array(), *summary = json_object(), *tool = json_object();
    size_t c[6], i;
    int ok = root && targets && findings && notes && summary && tool, k;

    if (!ok) {
        json_decref(root);
        json_decref(targets);
        json_decref(findings);
        json_decref(notes);
        json_decref(summary);
        json_decref(tool);
        return -1;
    }
    SET(root, "schema", json_string(AUDIT_SCHEMA));
    SET(tool, "name", json_string("moat"));
    SET(tool, "version", json_string(MOAT_VERSION));
    SET(root, "tool", tool);
    counts(r, c);
    for (k = 0; k < 5; k++)
        SET(summary, sevs[k], json_integer((json_int_t)c[k]));
    SET(summary, "total", json_integer((json_int_t)r->nfindings));
    SET(root, "summary", summary);
    for (i = 0; i < r->ntargets; i++) {
        const struct moat_audit_target *t = &r->targets[i];
        json_t *o = json_object();
        if (!o) {
            ok = 0;
            break;
        }
        SET(o, "path", jtext(t->path));
        SET(o, "kind", jstr(t->kind));
        SET(o, "error", jtext(t->error));
        SET(o, "findings", json_integer((json_int_t)t->nfindings));
        if (json_array_append_new(targets, o) != 0)
            ok = 0;
    }
    SET(root, "targets", targets);
    for (i = 0; i < r->nfindings; i++) {
        const struct moat_audit_finding *f = &r->findings[i];
        json_t *o = json_object();
        if (!o) {
            ok = 0;
            break;
        }
        SET(o, "check", json_string(f->check));
        SET(o, "severity", json_string(f->severity));
        SET(o, "title", json_string(f->title));
        SET(o, "message", jtext(f->message));
        SET(o, "file", jtext(f->file));
        SET(o, "line", f->line ? json_integer((json_int_t)f->line) : json_null());
        SET(o, "object", jtext(f->object));
        SET(o, "evidence", jtext(f->evidence));
        if (json_array_append_new(findings, o) != 0)
            ok = 0;
    }
    SET(root, "findings", findings);
    for (i = 0; i < r->nnotes; i++)
        if (json_array_append_new(notes, jtext(r->notes[i])) != 0)
            ok = 0;
    SET(root, "notes", notes);
    if (ok && (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
               fputc('\n', out) == EOF))
        ok = 0;
    json_decref(root);
    return ok ? 0 : -1;
}

static int
write_sarif(FILE *out, const struct moat_audit_result *r, char *err, size_t errlen)
{
    const struct moat_check *checks;
    struct sarif_rule *rules;
    struct sarif_result *res;
    struct sarif_run run;
    size_t n, i;
    int rc;

    checks = moat_checks(&n);
    rules = calloc(n ? n : 1, sizeof(*rules));
    res = calloc(r->nfindings ? r->nfindings : 1, sizeof(*res));
    if (!rules || !res) {
        free(rules);
        free(res);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < n; i++) {
        rules[i].id = checks[i].id;
        rules[i].title = checks[i].title;
        rules[i].rationale = checks[i].rationale;
        rules[i].remediation = checks[i].remediation;
        rules[i].severity = checks[i].severity;
    }
    for (i = 0; i < r->nfindings; i++) {
        const struct moat_audit_finding *f = &r->findings[i];
        res[i].rule_id = f->check;
        res[i].severity = f->severity;
        res[i].message = f->message;
        res[i].path = f->file;
        res[i].line = f->line;
        res[i].logical = f->file ? NULL : f->object;
    }
    memset(&run, 0, sizeof(run));
    run.tool_name = "moat";
    run.tool_version = MOAT_VERSION;
    run.rules = rules;
    run.nrules = n;
    run.results = res;
    run.nresults = r->nfindings;
    rc = sarif_write(out, &run, err, errlen);
    free(rules);
    free(res);
    return rc;
}

int
moat_audit_write(const char *format, const struct moat_audit_result *r,
                 const struct moat_report_options *o, FILE *out, char *err, size_t errlen)
{
    int rc;

    if (errlen)
        err[0] = '\0';
    if (strcmp(format, "table") == 0)
        rc = write_table(out, r, o);
    else if (strcmp(format, "json") == 0) {
        rc = write_json(out, r);
        if (rc)
            snprintf(err, errlen, "out of memory or write error");
    } else if (strcmp(format, "sarif") == 0)
        rc = write_sarif(out, r, err, errlen);
    else {
        snprintf(err, errlen, "unknown format %s (table, json, sarif)", format);
        return -1;
    }
    if (rc == 0 && (fflush(out) != 0 || ferror(out))) {
        snprintf(err, errlen, "write error");
        return -1;
    }
    if (rc && !err[0])
        snprintf(err, errlen, "write error");
    return rc;
}

/*
 * sarif.c - SARIF 2.1.0 output (sarif.h), built with jansson so that
 * escaping is jansson's: one log, one run, the driver's rules in table
 * order with ruleIndex pointing into them, and results with physical and
 * logical locations. File paths become URI references: absolute paths
 * file:///..., relative ones percent-encoded relative references (a ':'
 * in the first segment would otherwise read as a scheme).
 */
#include "sarif.h"
#include "base/buf.h"
#include "base/str.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

const char *
sarif_level(const char *severity)
{
    if (!severity)
        return "warning";
    if (strcmp(severity, "critical") == 0 || strcmp(severity, "high") == 0)
        return "error";
    if (strcmp(severity, "medium") == 0)
        return "warning";
    return "note";
}

/* The number GitHub and others rank security results by (CVSS-like). */
static const char *
security_severity(const char *severity)
{
    if (!severity)
        return "5.0";
    if (strcmp(severity, "critical") == 0)
        return "9.5";
    if (strcmp(severity, "high") == 0)
        return "8.0";
    if (strcmp(severity, "medium") == 0)
        return "5.5";
    if (strcmp(severity, "low") == 0)
        return "3.0";
    return "1.0";
}

/* A JSON string of s, repairing invalid UTF-8 (bad bytes -> U+FFFD). */
static json_t *
str(const char *s)
{
    struct buf b;
    json_t *j;
    size_t i, n;

    if (!s)
        s = "";
    n = strlen(s);
    if (str_valid_utf8(s, n))
        return json_string(s);
    buf_init(&b, n * 3 + 1);
    for (i = 0; i < n;) {
        size_t k;
        /* take the longest valid prefix of 1..4 bytes */
        for (k = 4; k >= 1; k--)
            if (i + k <= n && str_valid_utf8(s + i, k))
                break;
        if (k >= 1) {
            if (buf_add(&b, s + i, k) != 0)
                break;
            i += k;
        } else {
            if (buf_adds(&b, "\xef\xbf\xbd") != 0)
                break;
            i++;
        }
    }
    j = json_string(b.data ? b.data : "");
    buf_free(&b);
    return j;
}

/* A URI reference for a local path (OUT: malloc'd, or NULL on OOM). */
static char *
path_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i, n = strlen(path);
    struct buf b;

    buf_init(&b, n * 3 + 16);
    if (path[0] == '/' && buf_adds(&b, "file://") != 0)
        goto oom;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            if (buf_addc(&b, (char)c) != 0)
                goto oom;
        } else if (buf_addc(&b, '%') != 0 || buf_addc(&b, hex[c >> 4]) != 0 ||
                   buf_addc(&b, hex[c & 15]) != 0) {
            goto oom;
        }
    }
    if (b.len == 0 && buf_addc(&b, '.') != 0)
        goto oom;
    return buf_steal(&b);
oom:
    buf_free(&b);
    return NULL;
}

/* json_object_set_new that remembers a failure instead of leaking */
#define SET(obj, key, val)                                                                         \
    do {                                                                                           \
        json_t *v_ = (val);                                                                        \
        if (!v_ || json_object_set_new((obj), (key), v_) != 0)                                     \
            ok = 0;                                                                                \
    } while (0)
#define APPEND(arr, val)                                                                           \
    do {                                                                                           \
        json_t *v_ = (val);                                                                        \
        if (!v_ || json_array_append_new((arr), v_) != 0)                                          \
            ok = 0;                                                                                \
    } while (0)

static json_t *
text(const char *s, int *okp)
{
    json_t *o = json_object();
    int ok = o != NULL;

    if (o)
        SET(o, "text", str(s));
    if (!ok)
        *okp = 0;
    return o;
}

static json_t *
rule_json(const struct sarif_rule *r, int *okp)
{
    json_t *o = json_object(), *cfg = json_object(), *props = json_object(), *tags = json_array();
    int ok = o && cfg && props && tags;

    if (!ok) {
        json_decref(o);
        json_decref(cfg);
        json_decref(props);
        json_decref(tags);
        *okp = 0;
        return NULL;
    }
    /* no "name": SARIF wants it to differ from the opaque id, and the
     * title already is the readable name (shortDescription) */
    SET(o, "id", str(r->id));
    SET(o, "shortDescription", text(r->title, &ok));
    if (r->rationale)
        SET(o, "fullDescription", text(r->rationale, &ok));
    if (r->remediation)
        SET(o, "help", text(r->remediation, &ok));
    if (r->help_uri)
        SET(o, "helpUri", str(r->help_uri));
    SET(cfg, "level", json_string(sarif_level(r->severity)));
    SET(o, "defaultConfiguration", cfg);
    APPEND(tags, json_string("security"));
    SET(props, "tags", tags);
    SET(props, "security-severity", json_string(security_severity(r->severity)));
    if (r->severity)
        SET(props, "moat-severity", str(r->severity));
    SET(o, "properties", props);
    if (!ok)
        *okp = 0;
    return o;
}

static json_t *
result_json(const struct sarif_run *run, const struct sarif_result *res,
            const struct sarif_rule *rule, size_t index, int *okp)
{
    json_t *o = json_object(), *locs = NULL;
    int ok = o != NULL;

    if (!ok) {
        *okp = 0;
        return NULL;
    }
    SET(o, "ruleId", str(res->rule_id));
    SET(o, "ruleIndex", json_integer((json_int_t)index));
    SET(o, "level", json_string(sarif_level(res->severity ? res->severity : rule->severity)));
    SET(o, "message", text(res->message, &ok));
    if (res->path || res->logical) {
        json_t *loc = json_object();
        locs = json_array();
        if (!loc || !locs) {
            json_decref(loc);
            ok = 0;
        } else {
            if (res->path) {
                json_t *phys = json_object(), *art = json_object();
                const char *p = res->path;
                char *uri;
                if (run->uri_base_id)
                    while (*p == '/')
                        p++;
                uri = path_uri(p);
                if (!phys || !art || !uri) {
                    json_decref(phys);
                    json_decref(art);
                    ok = 0;
                } else {
                    SET(art, "uri", str(uri));
                    if (run->uri_base_id)
                        SET(art, "uriBaseId", str(run->uri_base_id));
                    SET(phys, "artifactLocation", art);
                    if (res->line) {
                        json_t *reg = json_object();
                        if (reg)
                            SET(reg, "startLine", json_integer((json_int_t)res->line));
                        SET(phys, "region", reg);
                    }
                    SET(loc, "physicalLocation", phys);
                }
                free(uri);
            }
            if (res->logical) {
                json_t *ll = json_array(), *l = json_object();
                if (!ll || !l) {
                    json_decref(ll);
                    json_decref(l);
                    ok = 0;
                } else {
                    SET(l, "name", str(res->logical));
                    APPEND(ll, l);
                    SET(loc, "logicalLocations", ll);
                }
            }
            APPEND(locs, loc);
        }
        SET(o, "locations", locs);
    }
    if (res->suppressed) {
        json_t *sups = json_array(), *sup = json_object();
        if (!sups || !sup) {
            json_decref(sups);
            json_decref(sup);
            ok = 0;
        } else {
            SET(sup, "kind", json_string("external"));
            SET(sup, "status", json_string("accepted"));
            SET(sup, "justification", str(res->suppressed));
            APPEND(sups, sup);
            SET(o, "suppressions", sups);
        }
    }
    if (res->severity || res->nprops) {
        json_t *props = json_object();
        size_t i;
        if (props && res->severity)
            SET(props, "moat-severity", str(res->severity));
        for (i = 0; props && i < res->nprops; i++)
            SET(props, res->props[i].name, str(res->props[i].value));
        SET(o, "properties", props);
    }
    if (!ok)
        *okp = 0;
    return o;
}

/* The run's one invocation, carrying the notes (what could not be
 * analysed); the tool ran to its end, or there would be no document. */
static json_t *
invocations(const struct sarif_run *run, int *okp)
{
    json_t *arr = json_array(), *inv = json_object(), *notes = json_array();
    size_t i;
    int ok = arr && inv && notes;

    if (!ok) {
        json_decref(arr);
        json_decref(inv);
        json_decref(notes);
        *okp = 0;
        return NULL;
    }
    SET(inv, "executionSuccessful", json_true());
    for (i = 0; i < run->nnotes; i++) {
        json_t *n = json_object();
        if (n) {
            SET(n, "level", json_string(run->notes[i].level ? run->notes[i].level : "warning"));
            SET(n, "message", text(run->notes[i].message, &ok));
        }
        APPEND(notes, n);
    }
    SET(inv, "toolExecutionNotifications", notes);
    APPEND(arr, inv);
    if (!ok)
        *okp = 0;
    return arr;
}

int
sarif_write(FILE *out, const struct sarif_run *run, char *err, size_t errlen)
{
    json_t *log = json_object(), *runs = json_array(), *r = json_object(), *tool = json_object(),
           *driver = json_object(), *rules = json_array(), *results = json_array();
    size_t i, k;
    int ok = log && runs && r && tool && driver && rules && results;

    if (!ok) {
        json_decref(log);
        json_decref(runs);
        json_decref(r);
        json_decref(tool);
        json_decref(driver);
        json_decref(rules);
        json_decref(results);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    SET(log, "version", json_string("2.1.0"));
    SET(log, "$schema", json_string(SARIF_SCHEMA));
    SET(driver, "name", str(run->tool_name ? run->tool_name : "moat"));
    if (run->tool_version) {
        SET(driver, "version", str(run->tool_version));
        SET(driver, "semanticVersion", str(run->tool_version));
    }
    if (run->information_uri)
        SET(driver, "informationUri", str(run->information_uri));
    for (i = 0; i < run->nrules; i++)
        APPEND(rules, rule_json(&run->rules[i], &ok));
    SET(driver, "rules", rules);
    SET(tool, "driver", driver);
    SET(r, "tool", tool);
    for (i = 0; ok && i < run->nresults; i++) {
        const struct sarif_result *res = &run->results[i];
        for (k = 0; k < run->nrules; k++)
            if (res->rule_id && strcmp(run->rules[k].id, res->rule_id) == 0)
                break;
        if (k == run->nrules) {
            snprintf(err, errlen, "result %zu names no rule (%s)", i,
                     res->rule_id ? res->rule_id : "null");
            json_decref(log);
            json_decref(runs);
            json_decref(r);
            json_decref(results);
            return -1;
        }
        APPEND(results, result_json(run, res, &run->rules[k], k, &ok));
    }
    if (ok && run->nnotes)
        SET(r, "invocations", invocations(run, &ok));
    if (ok && run->uri_base_id) {
        json_t *bases = json_object(), *base = json_object();
        if (!bases || !base) {
            json_decref(bases);
            json_decref(base);
            ok = 0;
        } else {
            SET(base, "uri", json_string("file:///"));
            if (run->uri_base_description)
                SET(base, "description", text(run->uri_base_description, &ok));
            SET(bases, run->uri_base_id, base);
            SET(r, "originalUriBaseIds", bases);
        }
    }
    SET(r, "columnKind", json_string("utf16CodeUnits"));
    SET(r, "results", results);
    if (ok && run->nprops) {
        json_t *props = json_object();
        for (i = 0; props && i < run->nprops; i++)
            SET(props, run->props[i].name, str(run->props[i].value));
        SET(r, "properties", props);
    }
    APPEND(runs, r);
    SET(log, "runs", runs);
    if (!ok) {
        json_decref(log);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
        fputc('\n', out) == EOF) {
        json_decref(log);
        snprintf(err, errlen, "write error");
        return -1;
    }
    json_decref(log);
    return 0;
}

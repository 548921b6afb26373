/*
 * daemon.c - Docker daemon checks (MOAT-DMN-*) on daemon.json and on the
 * dockerd command lines of systemd units (ExecStart=, drop-ins included).
 *
 * Above all: a TCP socket for the Engine API without tlsverify. dockerd
 * serves the API without authentication; "tls" alone encrypts but lets any
 * client in, so only tlsverify (client certificates checked against
 * tlscacert) protects a TCP socket. Bound to loopback the finding is graded
 * high instead of critical: only local users and SSRF reach it.
 *
 * daemon.json is checked whole (settings that are absent count, as
 * dockerd's defaults apply). A unit carries only the flags it passes, and
 * the rest may be in a daemon.json moat does not see, so only the flags
 * present are judged there.
 */
#include "config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the Engine API address ---- */

static int
loopback_host(const char *h, size_t n)
{
    return (n >= 4 && memcmp(h, "127.", 4) == 0) || (n == 9 && memcmp(h, "localhost", 9) == 0) ||
           (n == 5 && memcmp(h, "[::1]", 5) == 0) || (n == 3 && memcmp(h, "::1", 3) == 0);
}

int
audit_daemon_host(struct audit_file *af, unsigned long line, const char *host, size_t n,
                  int tls_verify, int tls)
{
    const char *h, *end = host + n, *colon;
    char ev[256];
    size_t hn;

    if (tls_verify)
        return 0;
    /* tcp://HOST:PORT, tcp://:PORT, tcp:// (dockerd's default 2375/2376) */
    if (n < 6 || strncmp(host, "tcp://", 6) != 0)
        return 0;
    snprintf(ev, sizeof(ev), "%.*s", (int)(n > 200 ? 200 : n), host);
    h = host + 6;
    colon = NULL;
    if (h < end && *h == '[') {
        const char *rb = memchr(h, ']', (size_t)(end - h));
        colon = rb ? rb + 1 : NULL;
    } else {
        colon = memchr(h, ':', (size_t)(end - h));
    }
    hn = colon && colon <= end ? (size_t)(colon - h) : (size_t)(end - h);
    if (hn && loopback_host(h, hn))
        return audit_add(af, "MOAT-DMN-001", "high", line, NULL, ev,
                         "the Engine API listens on %s (loopback) without tlsverify%s: every "
                         "local user and any request forgery reaches it",
                         ev, tls ? " (tls alone does not check clients)" : "");
    return audit_add(af, "MOAT-DMN-001", NULL, line, NULL, ev,
                     "the Engine API listens on %s without tlsverify%s: whoever reaches the "
                     "port controls the host",
                     ev, tls ? " (tls alone does not check clients)" : "");
}

/* ---- daemon.json ---- */

#define MAX_KEYS 256

struct key_line {
    char key[64];
    unsigned long line;
};

/* Lines of the top-level keys of a JSON object already known to be valid
 * (jansson has no positions). */
static size_t
top_level_lines(const char *buf, size_t len, struct key_line *out, size_t cap)
{
    size_t i, k = 0;
    unsigned long line = 1;
    int depth = 0;

    for (i = 0; i < len; i++) {
        char ch = buf[i];
        if (ch == '\n')
            line++;
        else if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']')
            depth--;
        else if (ch == '"') {
            size_t start = ++i, j;
            while (i < len && buf[i] != '"') {
                if (buf[i] == '\\')
                    i++;
                i++;
            }
            if (i >= len)
                break;
            if (depth != 1 || k == cap)
                continue;
            /* a key is a string followed by ':' */
            for (j = i + 1;
                 j < len && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r' || buf[j] == '\n');
                 j++)
                ;
            if (j < len && buf[j] == ':' && i - start < sizeof(out[k].key)) {
                memcpy(out[k].key, buf + start, i - start);
                out[k].key[i - start] = '\0';
                out[k].line = line;
                k++;
            }
        }
    }
    return k;
}

static unsigned long
line_of(const struct key_line *kl, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(kl[i].key, key) == 0)
            return kl[i].line;
    return 0;
}

static int
is_true(json_t *v)
{
    return json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "true") == 0);
}

int
audit_daemon_json(struct audit_file *af, const char *buf, size_t len, char *err, size_t errlen)
{
    struct key_line *kl;
    size_t nkl, i;
    json_t *root, *v;
    char jerr[256];
    int rc = 0, verify, tls;

    root = json_parse_untrusted(buf, len, MOAT_LIMIT_AUDIT_FILE, MOAT_LIMIT_JSON_DEPTH, NULL, jerr,
                                sizeof(jerr));
    if (!root) {
        /* jansson says "line L column C: ..."; keep the file:line shape */
        const char *l = strstr(jerr, "line ");
        uint64_t ln;
        size_t dn = l ? strspn(l + 5, "0123456789") : 0;
        if (l && dn && str_to_u64(l + 5, dn, &ln) == 0)
            snprintf(err, errlen, "%s:%llu: %s", af->name, (unsigned long long)ln, jerr);
        else
            snprintf(err, errlen, "%s:1: %s", af->name, jerr);
        return MOAT_EINVAL;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s:1: daemon.json must be a JSON object", af->name);
        json_decref(root);
        return MOAT_EINVAL;
    }
    kl = calloc(MAX_KEYS, sizeof(*kl));
    if (!kl) {
        json_decref(root);
        return MOAT_ENOMEM;
    }
    nkl = top_level_lines(buf, len, kl, MAX_KEYS);
    verify = is_true(json_object_get(root, "tlsverify"));
    tls = is_true(json_object_get(root, "tls"));
    v = json_object_get(root, "hosts");
    if (json_is_string(v)) {
        rc = audit_daemon_host(af, line_of(kl, nkl, "hosts"), json_string_value(v),
                               strlen(json_string_value(v)), verify, tls);
    } else if (json_is_array(v)) {
        for (i = 0; rc == 0 && i < json_array_size(v); i++) {
            const char *h = json_string_value(json_array_get(v, i));
            if (h)
                rc = audit_daemon_host(af, line_of(kl, nkl, "hosts"), h, strlen(h), verify, tls);
        }
    }
    v = json_object_get(root, "insecure-registries");
    if (rc == 0 && json_is_array(v) && json_array_size(v)) {
        const char *first = json_string_value(json_array_get(v, 0));
        rc = audit_add(af, "MOAT-DMN-002", NULL, line_of(kl, nkl, "insecure-registries"), NULL,
                       first, "%zu insecure registr%s configured (first: %.100s)",
                       json_array_size(v), json_array_size(v) == 1 ? "y" : "ies",
                       first ? first : "?");
    }
    v = json_object_get(root, "userns-remap");
    if (rc == 0 && !(json_is_string(v) && json_string_value(v)[0]))
        rc = audit_add(af, "MOAT-DMN-003", NULL, line_of(kl, nkl, "userns-remap"), NULL, NULL, "%s",
                       v ? "userns-remap is empty: container root is host root"
                         : "no userns-remap: container root is host root");
    v = json_object_get(root, "icc");
    if (rc == 0 && !json_is_false(v))
        rc = audit_add(af, "MOAT-DMN-004", NULL, line_of(kl, nkl, "icc"), NULL, NULL, "%s",
                       v ? "icc is true: containers on the default bridge reach each other"
                         : "icc is not set to false: containers on the default bridge reach "
                           "each other");
    v = json_object_get(root, "no-new-privileges");
    if (rc == 0 && !is_true(v))
        rc = audit_add(af, "MOAT-DMN-005", NULL, line_of(kl, nkl, "no-new-privileges"), NULL, NULL,
                       "%s", "no-new-privileges is not true");
    v = json_object_get(root, "live-restore");
    if (rc == 0 && !is_true(v))
        rc = audit_add(af, "MOAT-DMN-006", NULL, line_of(kl, nkl, "live-restore"), NULL, NULL, "%s",
                       "live-restore is not true");
    if (rc == 0) {
        const char *driver = json_string_value(json_object_get(root, "log-driver"));
        json_t *opts = json_object_get(root, "log-opts");
        if ((!driver || strcmp(driver, "json-file") == 0) &&
            !json_string_value(json_object_get(opts, "max-size")))
            rc = audit_add(af, "MOAT-DMN-007", NULL,
                           opts ? line_of(kl, nkl, "log-opts") : line_of(kl, nkl, "log-driver"),
                           NULL, NULL, "%s",
                           "json-file logs without log-opts max-size grow without bound");
    }
    free(kl);
    json_decref(root);
    return rc;
}

/* ---- systemd units ---- */

/* Judges one ExecStart command line that runs dockerd. */
static int
dockerd_flags(struct audit_file *af, const char *cmd, size_t n, unsigned long line)
{
    struct {
        const char *p;
        size_t n;
    } hosts[32];
    size_t nh = 0, i = 0, k;
    int verify = 0, tls = 0, rc = 0;

    while (i < n) {
        const char *w;
        size_t wn;
        while (i < n && (cmd[i] == ' ' || cmd[i] == '\t'))
            i++;
        w = cmd + i;
        while (i < n && cmd[i] != ' ' && cmd[i] != '\t')
            i++;
        wn = (size_t)(cmd + i - w);
        if (wn == 0)
            break;
#define FLAG(f) (wn == strlen(f) && memcmp(w, f, wn) == 0)
#define FLAG_EQ(f) (wn > strlen(f) && memcmp(w, f, strlen(f)) == 0)
        if (FLAG("--tlsverify") || FLAG("--tlsverify=true"))
            verify = 1;
        else if (FLAG("--tls") || FLAG("--tls=true"))
            tls = 1;
        else if (FLAG("-H") || FLAG("--host") || FLAG("--insecure-registry")) {
            const char *v;
            size_t vn;
            int insecure = FLAG("--insecure-registry");
            while (i < n && (cmd[i] == ' ' || cmd[i] == '\t'))
                i++;
            v = cmd + i;
            while (i < n && cmd[i] != ' ' && cmd[i] != '\t')
                i++;
            vn = (size_t)(cmd + i - v);
            if (insecure && vn && rc == 0)
                rc = audit_add(af, "MOAT-DMN-002", NULL, line, NULL, NULL,
                               "dockerd --insecure-registry %.*s", (int)(vn > 100 ? 100 : vn), v);
            else if (!insecure && nh < 32) {
                hosts[nh].p = v;
                hosts[nh++].n = vn;
            }
        } else if ((FLAG_EQ("-H=") || FLAG_EQ("--host=") || FLAG_EQ("-Htcp://")) && nh < 32) {
            size_t skip = w[1] == 'H' ? (w[2] == '=' ? 3 : 2) : 7;
            hosts[nh].p = w + skip;
            hosts[nh++].n = wn - skip;
        } else if (FLAG_EQ("--insecure-registry=") && rc == 0) {
            rc = audit_add(af, "MOAT-DMN-002", NULL, line, NULL, NULL, "dockerd %.*s",
                           (int)(wn > 120 ? 120 : wn), w);
        }
#undef FLAG
#undef FLAG_EQ
    }
    for (k = 0; rc == 0 && k < nh; k++)
        rc = audit_daemon_host(af, line, hosts[k].p, hosts[k].n, verify, tls);
    return rc;
}

int
audit_systemd(struct audit_file *af, const char *buf, size_t len, char *err, size_t errlen)
{
    const char *cur = buf, *end = buf + len, *line;
    unsigned long lineno = 0;
    int in_service = 0, found = 0, rc = 0;
    size_t n;

    while (rc == 0 && str_next_line(&cur, end, &line, &n)) {
        const char *v;
        size_t vn;
        unsigned long start;
        char cmd[8192];
        size_t cn = 0;
        lineno++;
        str_trim(&line, &n);
        if (n && line[0] == '[') {
            in_service = n == 9 && memcmp(line, "[Service]", 9) == 0;
            continue;
        }
        if (!in_service || n < 10 || memcmp(line, "ExecStart", 9) != 0)
            continue;
        v = line + 9;
        vn = n - 9;
        str_trim(&v, &vn);
        if (!vn || v[0] != '=')
            continue;
        v++;
        vn--;
        start = lineno;
        /* continuation lines end in a backslash */
        for (;;) {
            int more = vn && v[vn - 1] == '\\';
            size_t take = more ? vn - 1 : vn;
            if (cn + take + 1 < sizeof(cmd)) {
                memcpy(cmd + cn, v, take);
                cn += take;
                cmd[cn++] = ' ';
            }
            if (!more || !str_next_line(&cur, end, &line, &n))
                break;
            lineno++;
            v = line;
            vn = n;
            str_trim(&v, &vn);
        }
        /* "-/usr/bin/dockerd", "@dockerd", "+dockerd": systemd prefixes */
        if (!mem_find(cmd, cn, "dockerd", 7))
            continue;
        found = 1;
        rc = dockerd_flags(af, cmd, cn, start);
    }
    if (rc == 0 && !found) {
        snprintf(err, errlen,
                 "%s:1: no ExecStart= in [Service] runs dockerd; not a Docker "
                 "daemon unit",
                 af->name);
        return MOAT_EINVAL;
    }
    return rc;
}

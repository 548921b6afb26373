/*
 * audit.c - `moat audit` entry points (moat/audit.h): reads each file under
 * MOAT_LIMIT_AUDIT_FILE, tells its kind from its name and content, hands it
 * to the checker of that kind and collects the findings in one result.
 *
 * Telling kinds apart: a Dockerfile by name (Dockerfile, Containerfile,
 * *.Dockerfile, Dockerfile.*) or by a first instruction of FROM/ARG; a
 * daemon.json by name or as a JSON object that is neither a manifest nor a
 * compose file; a systemd unit by a [Service] section whose ExecStart runs
 * dockerd; everything else is read as YAML, and a document with services:
 * makes a compose file, one with apiVersion and kind a Kubernetes manifest.
 */
#include "config.h"
#include "rules.h"
#include "yaml.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
audit_new(struct audit **out)
{
    struct audit *au = calloc(1, sizeof(*au));

    *out = NULL;
    if (!au)
        return MOAT_ENOMEM;
    arena_init(&au->arena);
    vec_init(&au->findings, sizeof(struct moat_audit_finding), (size_t)-1 / 256);
    vec_init(&au->targets, sizeof(struct moat_audit_target), (size_t)-1 / 256);
    vec_init(&au->notes, sizeof(const char *), 4096);
    *out = au;
    return 0;
}

void
moat_audit_result_free(struct moat_audit_result *r)
{
    struct audit *au = (struct audit *)r;

    if (!au)
        return;
    vec_free(&au->findings);
    vec_free(&au->targets);
    vec_free(&au->notes);
    arena_free(&au->arena);
    free(au);
}

int
audit_begin(struct audit *au, const char *name, const char *kind, struct audit_file *af)
{
    struct moat_audit_target *t;

    memset(af, 0, sizeof(*af));
    af->au = au;
    af->name = arena_strdup(&au->arena, name);
    t = vec_push(&au->targets);
    if (!af->name || !t)
        return MOAT_ENOMEM;
    t->path = af->name;
    t->kind = kind;
    af->target = au->targets.len - 1;
    return 0;
}

void
audit_set_kind(struct audit_file *af, const char *kind)
{
    VEC_AT(&af->au->targets, struct moat_audit_target, af->target)->kind = kind;
}

int
audit_fail(struct audit_file *af, const char *fmt, ...)
{
    struct moat_audit_target *t = VEC_AT(&af->au->targets, struct moat_audit_target, af->target);
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = arena_vprintf(&af->au->arena, fmt, ap);
    va_end(ap);
    if (!msg)
        return MOAT_ENOMEM;
    /* the first reason is the one that matters */
    if (!t->error)
        t->error = msg;
    return 0;
}

int
audit_note(struct audit *au, const char *fmt, ...)
{
    const char **slot;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = arena_vprintf(&au->arena, fmt, ap);
    va_end(ap);
    slot = vec_push(&au->notes);
    if (!msg || !slot)
        return MOAT_ENOMEM;
    *slot = msg;
    return 0;
}

int
audit_add(struct audit_file *af, const char *check, const char *severity, unsigned long line,
          const char *object, const char *evidence, const char *fmt, ...)
{
    struct audit *au = af->au;
    const struct moat_check *ck = moat_check_find(check), *all;
    struct moat_audit_finding *f;
    struct moat_audit_target *t;
    size_t n, slot;
    char ev[240];
    va_list ap;

    if (!ck)
        return MOAT_EINVAL; /* a programming error: the unit test covers every id */
    all = moat_checks(&n);
    slot = (size_t)(ck - all);
    if (slot >= sizeof(af->per_check) / sizeof(af->per_check[0]))
        return MOAT_EINVAL;
    af->per_check[slot]++;
    if (af->per_check[slot] > MOAT_LIMIT_CHECK_FINDINGS + 1)
        return 0;
    f = vec_push(&au->findings);
    if (!f)
        return MOAT_ENOMEM;
    f->check = ck->id;
    f->severity = severity ? severity : ck->severity;
    f->title = ck->title;
    f->file = af->no_file ? NULL : af->name;
    f->line = line;
    if (af->per_check[slot] == MOAT_LIMIT_CHECK_FINDINGS + 1) {
        /* the cap: one finding stands for the rest */
        f->message =
            arena_printf(&au->arena, "more findings of this check left out (limit %u per file)",
                         (unsigned)MOAT_LIMIT_CHECK_FINDINGS);
        f->line = 0;
    } else {
        va_start(ap, fmt);
        f->message = arena_vprintf(&au->arena, fmt, ap);
        va_end(ap);
        f->object = object ? arena_strdup(&au->arena, object) : NULL;
        if (evidence) {
            rule_snippet(evidence, strlen(evidence), ev, sizeof(ev));
            f->evidence = arena_strdup(&au->arena, ev);
            if (!f->evidence)
                return MOAT_ENOMEM;
        }
        if ((object && !f->object))
            return MOAT_ENOMEM;
    }
    if (!f->message)
        return MOAT_ENOMEM;
    t = VEC_AT(&au->targets, struct moat_audit_target, af->target);
    t->nfindings++;
    return 0;
}

static int
finding_cmp(const void *x, const void *y)
{
    const struct moat_audit_finding *a = x, *b = y;
    int c;

    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    c = strcmp(a->check, b->check);
    if (c)
        return c;
    return strcmp(a->message, b->message);
}

int
audit_done(struct audit *au)
{
    size_t i, start = 0;

    /* findings arrive target by target: sort each target's run by line */
    for (i = 1; i <= au->findings.len; i++) {
        struct moat_audit_finding *f = au->findings.items;
        if (i == au->findings.len || f[i].file != f[start].file) {
            qsort(f + start, i - start, sizeof(*f), finding_cmp);
            start = i;
        }
    }
    au->pub.findings = au->findings.items;
    au->pub.nfindings = au->findings.len;
    au->pub.targets = au->targets.items;
    au->pub.ntargets = au->targets.len;
    au->pub.notes = au->notes.items;
    au->pub.nnotes = au->notes.len;
    return 0;
}

/* ---- telling kinds apart ---- */

static int
name_is_dockerfile(const char *base)
{
    char low[256];
    size_t n = strlen(base);

    if (n == 0 || n >= sizeof(low))
        return 0;
    memcpy(low, base, n + 1);
    str_lower(low);
    return strcmp(low, "dockerfile") == 0 || strcmp(low, "containerfile") == 0 ||
           str_starts(low, "dockerfile.") || str_starts(low, "containerfile.") ||
           str_ends(low, ".dockerfile") || str_ends(low, ".containerfile");
}

static int
name_is_compose(const char *base)
{
    return str_starts(base, "docker-compose") || str_starts(base, "compose.") ||
           strcmp(base, "compose.yaml") == 0 || strcmp(base, "compose.yml") == 0;
}

static int
looks_systemd(const char *buf, size_t len)
{
    return mem_find(buf, len, "[Service]", 9) && mem_find(buf, len, "ExecStart", 9) &&
           mem_find(buf, len, "dockerd", 7);
}

static int
first_char(const char *buf, size_t len)
{
    size_t i = 0;

    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    return i < len ? (unsigned char)buf[i] : -1;
}

static const char *
yaml_kind(const struct ydoc *docs, size_t ndocs)
{
    size_t i;

    for (i = 0; i < ndocs; i++) {
        const struct ynode *r = docs[i].root;
        if (ymap_get(r, "apiVersion") && ymap_get(r, "kind"))
            return "kubernetes";
    }
    for (i = 0; i < ndocs; i++) {
        const struct ynode *s = ymap_get(docs[i].root, "services");
        if (s && s->kind == YN_MAP)
            return "compose";
    }
    return NULL;
}

static const char *const kinds[] = {"dockerfile", "compose", "kubernetes",
                                    "daemon",     "systemd", NULL};

static int
audit_one(struct audit *au, const char *name, const char *buf, size_t len,
          const struct moat_audit_options *o)
{
    struct audit_file af;
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    const char *kind = NULL;
    char err[512];
    int rc, fc;
    size_t i;

    rc = audit_begin(au, name, NULL, &af);
    if (rc)
        return rc;
    err[0] = '\0';
    if (o && o->kind) {
        for (i = 0; kinds[i]; i++)
            if (strcmp(kinds[i], o->kind) == 0)
                kind = kinds[i];
        if (!kind)
            return audit_fail(&af,
                              "unknown kind '%s' (dockerfile, compose, kubernetes, daemon, "
                              "systemd)",
                              o->kind)
                       ? MOAT_ENOMEM
                       : 1;
    }
    if (memchr(buf, '\0', len))
        return audit_fail(&af, "%s: binary data (a NUL byte); not a configuration file", name)
                   ? MOAT_ENOMEM
                   : 1;
    fc = first_char(buf, len);
    if (!kind) {
        if (name_is_dockerfile(base))
            kind = "dockerfile";
        else if (strcmp(base, "daemon.json") == 0)
            kind = "daemon";
        else if (str_ends(base, ".service") || (str_ends(base, ".conf") && looks_systemd(buf, len)))
            kind = "systemd";
        else if (name_is_compose(base))
            kind = "compose";
        else if (dockerfile_sniff(buf, len))
            kind = "dockerfile";
        else if (looks_systemd(buf, len) && fc == '[')
            kind = "systemd";
        else if (fc == '{' && !mem_find(buf, len, "\"apiVersion\"", 12) &&
                 !mem_find(buf, len, "\"services\"", 10))
            kind = "daemon";
    }
    if (kind && strcmp(kind, "dockerfile") == 0) {
        audit_set_kind(&af, kind);
        rc = audit_dockerfile(&af, buf, len, err, sizeof(err));
    } else if (kind && strcmp(kind, "daemon") == 0) {
        audit_set_kind(&af, kind);
        rc = audit_daemon_json(&af, buf, len, err, sizeof(err));
    } else if (kind && strcmp(kind, "systemd") == 0) {
        audit_set_kind(&af, kind);
        rc = audit_systemd(&af, buf, len, err, sizeof(err));
    } else {
        struct ydoc *docs;
        size_t ndocs;
        rc = yaml_load(&au->arena, name, buf, len, &docs, &ndocs, err, sizeof(err));
        if (rc == 0) {
            const char *yk = yaml_kind(docs, ndocs);
            if (!kind)
                kind = yk;
            if (!kind) {
                snprintf(err, sizeof(err),
                         "%s: cannot tell what this file is (not a Dockerfile, compose file, "
                         "Kubernetes manifest, daemon.json or systemd unit); name it with "
                         "--kind",
                         name);
                rc = MOAT_EINVAL;
            } else if (strcmp(kind, "compose") == 0) {
                audit_set_kind(&af, kind);
                rc = audit_compose(&af, docs, ndocs);
                if (rc == MOAT_EINVAL)
                    snprintf(err, sizeof(err), "%s: no services: mapping; not a compose file",
                             name);
            } else {
                audit_set_kind(&af, kind);
                rc = audit_kubernetes(&af, docs, ndocs);
            }
        }
    }
    if (rc == MOAT_ENOMEM)
        return rc;
    if (rc)
        return audit_fail(&af, "%s", err[0] ? err : "could not be audited") ? MOAT_ENOMEM : 1;
    return 0;
}

int
moat_audit_buffer(const char *name, const char *buf, size_t len, const struct moat_audit_options *o,
                  struct moat_audit_result **out, char *err, size_t errlen)
{
    struct audit *au;
    char *copy;
    int rc;

    *out = NULL;
    if (audit_new(&au) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* checkers rely on a NUL after the text */
    copy = malloc(len + 1);
    if (!copy) {
        moat_audit_result_free(&au->pub);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(copy, buf, len);
    copy[len] = '\0';
    if (len > MOAT_LIMIT_AUDIT_FILE) {
        struct audit_file af;
        rc = audit_begin(au, name, NULL, &af);
        if (rc == 0)
            rc = audit_fail(&af, "%s: %zu bytes, more than the %u-byte limit", name, len,
                            (unsigned)MOAT_LIMIT_AUDIT_FILE)
                     ? MOAT_ENOMEM
                     : 1;
    } else {
        rc = audit_one(au, name, copy, len, o);
    }
    free(copy);
    if (rc < 0 || audit_done(au) != 0) {
        moat_audit_result_free(&au->pub);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = &au->pub;
    return rc ? 1 : 0;
}

int
moat_audit_files(const char *const *paths, size_t npaths, const struct moat_audit_options *o,
                 struct moat_audit_result **out, char *err, size_t errlen)
{
    struct audit *au;
    size_t i;
    int rc = 0, any = 0;

    *out = NULL;
    if (audit_new(&au) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < npaths; i++) {
        char *buf = NULL;
        size_t len = 0;
        char ferr[512];
        rc =
            file_read_at(AT_FDCWD, paths[i], MOAT_LIMIT_AUDIT_FILE, &buf, &len, ferr, sizeof(ferr));
        if (rc) {
            struct audit_file af;
            rc = audit_begin(au, paths[i], NULL, &af);
            if (rc == 0)
                rc = audit_fail(&af, "%s", ferr);
            if (rc)
                break;
            any = 1;
            continue;
        }
        rc = audit_one(au, paths[i], buf, len, o);
        free(buf);
        if (rc < 0)
            break;
        if (rc > 0)
            any = 1;
        rc = 0;
    }
    if (rc < 0 || audit_done(au) != 0) {
        moat_audit_result_free(&au->pub);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = &au->pub;
    return any;
}

int
moat_audit_host(const struct moat_audit_host_options *o, struct moat_audit_result **out, char *err,
                size_t errlen)
{
    struct audit *au;
    int rc;

    *out = NULL;
    if (audit_new(&au) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = audit_host(au, o);
    if (rc < 0 || audit_done(au) != 0) {
        moat_audit_result_free(&au->pub);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = &au->pub;
    return rc ? 1 : 0;
}

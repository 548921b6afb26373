/*
 * compose.c - docker-compose checks (MOAT-CMP-*), per service of every
 * document's services: mapping (the Compose Specification; version 2/3
 * files have the same keys). Values are read in the forms Compose accepts:
 * short and long volume syntax, security_opt with ':' or '=', limits as
 * mem_limit/pids_limit or deploy.resources.limits. Merge keys and anchors
 * (x-defaults: &d ... <<: *d) are followed by the YAML reader.
 *
 * A finding about a key points at the key's line; one about a missing key
 * points at the service's name.
 */
#include "config.h"
#include "yaml.h"
#include "base/err.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

struct svc {
    struct audit_file *af;
    const char *name;
    char object[160];
    unsigned long line; /* the service's key */
    const struct ynode *m;
};

static int
add(struct svc *s, const char *check, unsigned long line, const char *evidence, const char *msg)
{
    return audit_add(s->af, check, NULL, line ? line : s->line, s->object, evidence,
                     "service %s: %s", s->name, msg);
}

static int
is_dangerous_cap(const char *c)
{
    static const char *const caps[] = {"ALL",        "SYS_ADMIN", "NET_ADMIN",       "SYS_PTRACE",
                                       "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF",
                                       NULL};
    size_t i;

    if (str_starts(c, "CAP_") || str_starts(c, "cap_"))
        c += 4;
    for (i = 0; caps[i]; i++)
        if (str_eq_nocase(c, caps[i]))
            return 1;
    return 0;
}

static int
is_socket_path(const char *p)
{
    return str_ends(p, "/docker.sock") || strcmp(p, "docker.sock") == 0 ||
           str_ends(p, "/containerd.sock") || str_ends(p, "/podman.sock");
}

/* "/", "//", "/." all name the host's root */
static int
is_root_path(const char *p)
{
    if (*p != '/')
        return 0;
    while (*p == '/' || (*p == '.' && (p[1] == '/' || p[1] == '\0')))
        p++;
    return *p == '\0';
}

static int
check_caps(struct svc *s)
{
    const struct ynode *add_caps, *drop;
    unsigned long line = 0;
    size_t i;
    int rc, dropped_all = 0;

    add_caps = ymap_entry(s->m, "cap_add", &line);
    if (add_caps && add_caps->kind == YN_SEQ) {
        for (i = 0; i < add_caps->nkids; i++) {
            const char *c = ystr(add_caps->kids[i]);
            char msg[160];
            if (!c || !is_dangerous_cap(c))
                continue;
            snprintf(msg, sizeof(msg), "adds capability %.64s", c);
            rc = add(s, "MOAT-CMP-002", add_caps->kids[i]->line, c, msg);
            if (rc)
                return rc;
        }
    }
    drop = ymap_get(s->m, "cap_drop");
    if (drop && drop->kind == YN_SEQ)
        for (i = 0; i < drop->nkids; i++) {
            const char *c = ystr(drop->kids[i]);
            if (c && (str_eq_nocase(c, "ALL") || str_eq_nocase(c, "CAP_ALL")))
                dropped_all = 1;
        }
    if (!dropped_all)
        return add(s, "MOAT-CMP-003", 0, NULL, "does not drop all capabilities (cap_drop: [ALL])");
    return 0;
}

static int
check_volume_source(struct svc *s, const char *src, unsigned long line)
{
    char msg[160];

    if (is_socket_path(src)) {
        snprintf(msg, sizeof(msg), "mounts the container runtime socket %.96s", src);
        return add(s, "MOAT-CMP-004", line, src, msg);
    }
    if (is_root_path(src))
        return add(s, "MOAT-CMP-005", line, src, "mounts the host's root filesystem");
    return 0;
}

static int
check_volumes(struct svc *s)
{
    const struct ynode *v = ymap_get(s->m, "volumes");
    size_t i;
    int rc;

    if (!v || v->kind != YN_SEQ)
        return 0;
    for (i = 0; i < v->nkids; i++) {
        const struct ynode *it = v->kids[i];
        if (it->kind == YN_SCALAR) {
            /* SRC:DST[:MODE]; a lone path is an anonymous volume */
            char src[4096];
            size_t n = strcspn(it->value, ":");
            if (it->value[n] != ':' || n >= sizeof(src))
                continue;
            memcpy(src, it->value, n);
            src[n] = '\0';
            rc = check_volume_source(s, src, it->line);
        } else if (it->kind == YN_MAP) {
            const char *type = ystr(ymap_get(it, "type"));
            const char *src = ystr(ymap_get(it, "source"));
            if (!src || (type && strcmp(type, "bind") != 0))
                continue;
            rc = check_volume_source(s, src, it->line);
        } else {
            continue;
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* "host" for network_mode, pid, ipc */
static int
check_namespace(struct svc *s, const char *key, const char *check, const char *msg)
{
    unsigned long line = 0;
    const struct ynode *v = ymap_entry(s->m, key, &line);

    if (yis(v, "host"))
        return add(s, check, line, v->value, msg);
    return 0;
}

static int
check_security_opt(struct svc *s)
{
    const struct ynode *v = ymap_get(s->m, "security_opt");
    size_t i;
    int rc, nnp = 0;

    if (v && v->kind == YN_SEQ) {
        for (i = 0; i < v->nkids; i++) {
            const char *o = ystr(v->kids[i]);
            char key[32];
            const char *val;
            size_t kn;
            if (!o)
                continue;
            kn = strcspn(o, ":=");
            if (kn >= sizeof(key))
                continue;
            memcpy(key, o, kn);
            key[kn] = '\0';
            val = o[kn] ? o + kn + 1 : "";
            if (strcmp(key, "seccomp") == 0 && strcmp(val, "unconfined") == 0) {
                rc = add(s, "MOAT-CMP-009", v->kids[i]->line, o, "runs without seccomp");
                if (rc)
                    return rc;
            } else if (strcmp(key, "apparmor") == 0 && strcmp(val, "unconfined") == 0) {
                rc = add(s, "MOAT-CMP-010", v->kids[i]->line, o, "runs without AppArmor");
                if (rc)
                    return rc;
            } else if (strcmp(key, "no-new-privileges") == 0 &&
                       (!*val || strcmp(val, "true") == 0)) {
                nnp = 1;
            }
        }
    }
    if (!nnp)
        return add(s, "MOAT-CMP-012", 0, NULL, "does not set no-new-privileges (security_opt)");
    return 0;
}

static const struct ynode *
limit(const struct svc *s, const char *flat, const char *deploy_key)
{
    const struct ynode *v = ymap_get(s->m, flat);

    if (v && !(v->kind == YN_SCALAR && (yis(v, "0") || yis(v, "-1") || v->len == 0)))
        return v;
    v = ymap_get(ymap_get(ymap_get(ymap_get(s->m, "deploy"), "resources"), "limits"), deploy_key);
    if (v && !(v->kind == YN_SCALAR && (yis(v, "0") || yis(v, "-1") || v->len == 0)))
        return v;
    return NULL;
}

static int
check_service(struct svc *s)
{
    unsigned long line = 0;
    const struct ynode *v;
    int rc;

    v = ymap_entry(s->m, "privileged", &line);
    if (ybool(v) == 1) {
        rc = add(s, "MOAT-CMP-001", line, "privileged: true", "runs privileged");
        if (rc)
            return rc;
    }
    rc = check_caps(s);
    if (!rc)
        rc = check_volumes(s);
    if (!rc)
        rc = check_namespace(s, "network_mode", "MOAT-CMP-006",
                             "shares the host's network namespace (network_mode: host)");
    if (!rc)
        rc = check_namespace(s, "pid", "MOAT-CMP-007",
                             "shares the host's PID namespace (pid: host)");
    if (!rc)
        rc = check_namespace(s, "ipc", "MOAT-CMP-008",
                             "shares the host's IPC namespace (ipc: host)");
    if (!rc)
        rc = check_security_opt(s);
    if (rc)
        return rc;
    v = ymap_entry(s->m, "read_only", &line);
    if (ybool(v) != 1) {
        rc = add(s, "MOAT-CMP-011", v ? line : 0, NULL,
                 "root filesystem is writable (read_only is not true)");
        if (rc)
            return rc;
    }
    line = 0;
    v = ymap_entry(s->m, "user", &line);
    if (!v || !ystr(v) || !v->len) {
        rc = add(s, "MOAT-CMP-013", 0, NULL,
                 "sets no user: runs as the image's user, root for most images");
    } else {
        size_t n = strcspn(v->value, ":");
        if ((n == 4 && strncmp(v->value, "root", 4) == 0) || (n == 1 && v->value[0] == '0'))
            rc = add(s, "MOAT-CMP-013", line, v->value, "runs as root (user: root/0)");
    }
    if (rc)
        return rc;
    if (!limit(s, "mem_limit", "memory")) {
        rc = add(s, "MOAT-CMP-014", 0, NULL, "has no memory limit");
        if (rc)
            return rc;
    }
    if (!limit(s, "pids_limit", "pids"))
        rc = add(s, "MOAT-CMP-015", 0, NULL, "has no PIDs limit");
    return rc;
}

int
audit_compose(struct audit_file *af, const struct ydoc *docs, size_t ndocs)
{
    size_t d, i;
    int rc, found = 0;

    for (d = 0; d < ndocs; d++) {
        const struct ynode *services = ymap_get(docs[d].root, "services");
        if (!services || services->kind != YN_MAP)
            continue;
        found = 1;
        for (i = 0; i + 1 < services->nkids; i += 2) {
            struct svc s;
            const struct ynode *key = services->kids[i];
            if (key->kind != YN_SCALAR || services->kids[i + 1]->kind != YN_MAP)
                continue;
            memset(&s, 0, sizeof(s));
            s.af = af;
            s.name = key->value;
            s.line = key->line;
            s.m = services->kids[i + 1];
            snprintf(s.object, sizeof(s.object), "service %.140s", key->value);
            rc = check_service(&s);
            if (rc)
                return rc;
        }
    }
    return found ? 0 : MOAT_EINVAL;
}

/*
 * kubernetes.c - Kubernetes manifest checks (MOAT-K8S-*) on every document
 * of a multi-document YAML file (and the items of a kind: List): Pod,
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
 * Job and CronJob. Each pod template is judged at the pod level (host
 * namespaces, hostPath volumes, service-account token) and per container
 * (containers, initContainers, ephemeralContainers), with the pod's
 * securityContext as the default for runAsNonRoot, runAsUser and
 * seccompProfile, as the kubelet applies it.
 *
 * A ServiceAccount in the same file with automountServiceAccountToken:
 * false counts for the pods that use it. Other kinds are skipped.
 */
#include "config.h"
#include "yaml.h"
#include "base/err.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pod {
    struct audit_file *af;
    char object[200];         /* "Deployment prod/api" */
    const struct ynode *spec; /* the pod spec */
    unsigned long spec_line;  /* the line of its "spec:" key */
    const struct ynode *psc;  /* pod securityContext */
    const struct sa_list *sas;
};

/* ServiceAccounts of the file that turn the token off (the first MAX_SA). */
#define MAX_SA 256
struct sa_list {
    const char *names[MAX_SA];
    size_t n;
};

static int
add(struct pod *p, const char *check, unsigned long line, const char *object, const char *evidence,
    const char *fmt, const char *arg)
{
    char msg[256];

    snprintf(msg, sizeof(msg), fmt, arg);
    return audit_add(p->af, check, NULL, line ? line : p->spec_line, object, evidence, "%s: %s",
                     object, msg);
}

static int
is_dangerous_cap(const char *c)
{
    static const char *const caps[] = {"ALL",        "SYS_ADMIN", "NET_ADMIN",       "SYS_PTRACE",
                                       "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF",
                                       "PERFMON",    "SYS_BOOT",  "MAC_ADMIN",       "MAC_OVERRIDE",
                                       NULL};
    size_t i;

    if (str_starts(c, "CAP_"))
        c += 4;
    for (i = 0; caps[i]; i++)
        if (str_eq_nocase(c, caps[i]))
            return 1;
    return 0;
}

static int
sa_without_token(const struct pod *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->sas->n; i++)
        if (strcmp(p->sas->names[i], name) == 0)
            return 1;
    return 0;
}

static int
check_pod_level(struct pod *p)
{
    static const struct {
        const char *key, *check, *msg;
    } ns[] = {
        {"hostNetwork", "MOAT-K8S-009", "uses the node's network namespace (hostNetwork)"},
        {"hostPID", "MOAT-K8S-010", "uses the node's PID namespace (hostPID)"},
        {"hostIPC", "MOAT-K8S-011", "uses the node's IPC namespace (hostIPC)"},
    };
    const struct ynode *v, *vols;
    unsigned long line;
    size_t i;
    int rc;

    for (i = 0; i < 3; i++) {
        line = 0;
        v = ymap_entry(p->spec, ns[i].key, &line);
        if (ybool(v) == 1) {
            rc = add(p, ns[i].check, line, p->object, NULL, "%s", ns[i].msg);
            if (rc)
                return rc;
        }
    }
    vols = ymap_get(p->spec, "volumes");
    for (i = 0; vols && vols->kind == YN_SEQ && i < vols->nkids; i++) {
        const struct ynode *hp = ymap_entry(vols->kids[i], "hostPath", &line);
        const char *path = ystr(ymap_get(hp, "path"));
        if (!path)
            continue;
        if (str_ends(path, "/docker.sock") || str_ends(path, "/containerd.sock") ||
            str_ends(path, "/crio.sock") || str_ends(path, "/cri-dockerd.sock") ||
            strcmp(path, "/var/run") == 0 || strcmp(path, "/run") == 0 ||
            strcmp(path, "/run/containerd") == 0 || strcmp(path, "/var/run/docker") == 0) {
            rc = add(p, "MOAT-K8S-007", line, p->object, path,
                     "mounts the container runtime socket (hostPath %s)", path);
        } else {
            const char *q = path;
            while (*q == '/')
                q++;
            rc = path[0] == '/' && *q == '\0'
                     ? add(p, "MOAT-K8S-008", line, p->object, path,
                           "mounts the node's root filesystem (hostPath %s)", path)
                     : 0;
        }
        if (rc)
            return rc;
    }
    line = 0;
    v = ymap_entry(p->spec, "automountServiceAccountToken", &line);
    if (ybool(v) != 0) {
        const char *sa = ystr(ymap_get(p->spec, "serviceAccountName"));
        if (v || !sa || !sa_without_token(p, sa)) {
            rc = add(p, "MOAT-K8S-013", v ? line : 0, p->object, NULL, "%s",
                     v ? "mounts the service account token (automountServiceAccountToken: true)"
                       : "mounts the service account token (automountServiceAccountToken "
                         "is not false)");
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* The container's securityContext value for key, else the pod's. */
static const struct ynode *
effective(const struct pod *p, const struct ynode *csc, const char *key, unsigned long *line)
{
    const struct ynode *v = ymap_entry(csc, key, line);

    return v ? v : ymap_entry(p->psc, key, line);
}

static int
check_container(struct pod *p, const struct ynode *c, const char *what)
{
    const struct ynode *csc, *v, *caps, *lim;
    char object[300];
    const char *name = ystr(ymap_get(c, "name"));
    const char *image;
    unsigned long cline = c->line, line;
    size_t i;
    int rc, priv = 0, dropped_all = 0;

    ymap_entry(c, "name", &cline);
    snprintf(object, sizeof(object), "%s, %s %.80s", p->object, what, name ? name : "?");
    csc = ymap_get(c, "securityContext");
    line = 0;
    v = ymap_entry(csc, "privileged", &line);
    if (ybool(v) == 1) {
        priv = 1;
        rc = add(p, "MOAT-K8S-001", line, object, NULL, "%s", "runs privileged");
        if (rc)
            return rc;
    }
    line = 0;
    v = ymap_entry(csc, "allowPrivilegeEscalation", &line);
    if (ybool(v) != 0) {
        rc = add(p, "MOAT-K8S-002", v ? line : cline, object, NULL, "%s",
                 v ? "allows privilege escalation (allowPrivilegeEscalation: true)"
                   : "allows privilege escalation (allowPrivilegeEscalation is not false)");
        if (rc)
            return rc;
    }
    /* runAsNonRoot true, or a non-zero runAsUser, keeps root out */
    {
        unsigned long nl = 0, ul = 0;
        const struct ynode *nonroot = effective(p, csc, "runAsNonRoot", &nl);
        const struct ynode *uid = effective(p, csc, "runAsUser", &ul);
        if (uid && yis(uid, "0")) {
            rc = add(p, "MOAT-K8S-003", ul, object, "runAsUser: 0", "%s",
                     "runs as root (runAsUser: 0)");
        } else if (ybool(nonroot) != 1 && !(uid && uid->kind == YN_SCALAR && uid->len &&
                                            strspn(uid->value, "0123456789") == uid->len)) {
            rc = add(p, "MOAT-K8S-003", nonroot ? nl : cline, object, NULL, "%s",
                     nonroot ? "may run as root (runAsNonRoot: false)"
                             : "may run as root (no runAsNonRoot: true, no non-zero runAsUser)");
        } else {
            rc = 0;
        }
        if (rc)
            return rc;
    }
    line = 0;
    v = ymap_entry(csc, "readOnlyRootFilesystem", &line);
    if (ybool(v) != 1) {
        rc = add(p, "MOAT-K8S-004", v ? line : cline, object, NULL, "%s",
                 "root filesystem is writable (readOnlyRootFilesystem is not true)");
        if (rc)
            return rc;
    }
    caps = ymap_get(csc, "capabilities");
    v = ymap_get(caps, "add");
    for (i = 0; v && v->kind == YN_SEQ && i < v->nkids; i++) {
        const char *cap = ystr(v->kids[i]);
        if (cap && is_dangerous_cap(cap)) {
            rc = add(p, "MOAT-K8S-005", v->kids[i]->line, object, cap, "adds capability %s", cap);
            if (rc)
                return rc;
        }
    }
    v = ymap_get(caps, "drop");
    for (i = 0; v && v->kind == YN_SEQ && i < v->nkids; i++)
        if (yis_nocase(v->kids[i], "ALL"))
            dropped_all = 1;
    if (!dropped_all && !priv) {
        rc = add(p, "MOAT-K8S-006", cline, object, NULL, "%s",
                 "does not drop all capabilities (capabilities.drop: [ALL])");
        if (rc)
            return rc;
    }
    {
        unsigned long sl = 0;
        const struct ynode *prof = effective(p, csc, "seccompProfile", &sl);
        unsigned long tl = sl;
        const struct ynode *type = ymap_entry(prof, "type", &tl);
        if (!prof || !type)
            rc = add(p, "MOAT-K8S-012", cline, object, NULL, "%s",
                     "runs without a seccomp profile (seccompProfile unset)");
        else if (yis(type, "Unconfined"))
            rc = add(p, "MOAT-K8S-012", tl, object, NULL, "%s",
                     "runs without a seccomp profile (seccompProfile: Unconfined)");
        else
            rc = 0;
        if (rc)
            return rc;
    }
    line = 0;
    v = ymap_entry(c, "image", &line);
    image = ystr(v);
    if (image && !strstr(image, "@sha256:")) {
        rc = add(p, "MOAT-K8S-014", line, object, image, "image %s is not pinned by digest", image);
        if (rc)
            return rc;
    }
    lim = ymap_get(ymap_get(c, "resources"), "limits");
    if (!ymap_get(lim, "cpu") || !ymap_get(lim, "memory")) {
        const char *missing = !ymap_get(lim, "cpu") && !ymap_get(lim, "memory")
                                  ? "no CPU or memory limit"
                              : !ymap_get(lim, "cpu") ? "no CPU limit"
                                                      : "no memory limit";
        rc = add(p, "MOAT-K8S-015", cline, object, NULL, "%s", missing);
        if (rc)
            return rc;
    }
    return 0;
}

static int
check_pod(struct pod *p)
{
    static const struct {
        const char *key, *what;
    } lists[] = {
        {"initContainers", "initContainer"},
        {"containers", "container"},
        {"ephemeralContainers", "ephemeralContainer"},
    };
    size_t k, i;
    int rc;

    p->psc = ymap_get(p->spec, "securityContext");
    rc = check_pod_level(p);
    for (k = 0; !rc && k < 3; k++) {
        const struct ynode *list = ymap_get(p->spec, lists[k].key);
        for (i = 0; !rc && list && list->kind == YN_SEQ && i < list->nkids; i++)
            if (list->kids[i]->kind == YN_MAP)
                rc = check_container(p, list->kids[i], lists[k].what);
    }
    return rc;
}

/* The pod spec of a workload, or NULL for kinds without one. */
static const struct ynode *
pod_spec(const struct ynode *obj, unsigned long *line)
{
    const struct ynode *kind = ymap_get(obj, "kind"), *spec, *tmpl;
    static const char *const templated[] = {"Deployment", "StatefulSet",           "DaemonSet",
                                            "ReplicaSet", "ReplicationController", "Job",
                                            NULL};
    size_t i;

    spec = ymap_entry(obj, "spec", line);
    if (yis(kind, "Pod"))
        return spec;
    if (yis(kind, "CronJob"))
        spec = ymap_get(ymap_entry(spec, "jobTemplate", line), "spec");
    else {
        for (i = 0; templated[i]; i++)
            if (yis(kind, templated[i]))
                break;
        if (!templated[i])
            return NULL;
    }
    tmpl = ymap_entry(spec, "template", line);
    return ymap_entry(tmpl, "spec", line);
}

static int
check_object(struct audit_file *af, const struct ynode *obj, const struct sa_list *sas, int depth)
{
    struct pod p;
    const struct ynode *md, *items;
    const char *kind, *name, *ns;
    size_t i;
    int rc;

    if (!obj || obj->kind != YN_MAP)
        return 0;
    kind = ystr(ymap_get(obj, "kind"));
    if (!kind)
        return 0;
    items = ymap_get(obj, "items");
    if (str_ends(kind, "List") && items && items->kind == YN_SEQ && depth < 4) {
        for (i = 0; i < items->nkids; i++) {
            rc = check_object(af, items->kids[i], sas, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    memset(&p, 0, sizeof(p));
    p.af = af;
    p.sas = sas;
    p.spec_line = obj->line;
    p.spec = pod_spec(obj, &p.spec_line);
    if (!p.spec || p.spec->kind != YN_MAP)
        return 0;
    md = ymap_get(obj, "metadata");
    name = ystr(ymap_get(md, "name"));
    ns = ystr(ymap_get(md, "namespace"));
    snprintf(p.object, sizeof(p.object), "%.40s %.60s%s%.80s", kind, ns ? ns : "", ns ? "/" : "",
             name ? name : "(unnamed)");
    return check_pod(&p);
}

int
audit_kubernetes(struct audit_file *af, const struct ydoc *docs, size_t ndocs)
{
    struct sa_list sas;
    size_t i;
    int rc;

    sas.n = 0;
    for (i = 0; i < ndocs && sas.n < MAX_SA; i++) {
        const struct ynode *r = docs[i].root;
        const char *name = ystr(ymap_get(ymap_get(r, "metadata"), "name"));
        if (name && yis(ymap_get(r, "kind"), "ServiceAccount") &&
            ybool(ymap_get(r, "automountServiceAccountToken")) == 0)
            sas.names[sas.n++] = name;
    }
    for (i = 0; i < ndocs; i++) {
        rc = check_object(af, docs[i].root, &sas, 0);
        if (rc)
            return rc;
    }
    return 0;
}

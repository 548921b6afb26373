/*
 * image.c - the `config` analyzer: configuration checks of a scanned image
 * (MOAT-IMG-*), run in its finish step over
 *   - the image config: User (names resolved through the image's own
 *     /etc/passwd, the one file this analyzer reads), ExposedPorts, Env,
 *     Labels, Healthcheck, Volumes;
 *   - the history: every created_by line, classic builder ("/bin/sh -c
 *     #(nop) ADD ...", "|2 A=b /bin/sh -c ...") and BuildKit ("RUN /bin/sh
 *     -c ... # buildkit") forms, for ADD <url>, curl|sh, update without
 *     install and build arguments with credential-like names;
 *   - the reference it was scanned under (latest or no tag);
 *   - the merged filesystem: setuid/setgid files, world-writable
 *     directories without the sticky bit, package-manager caches;
 *   - the OS packages: sudo.
 * Findings have kind "config" and the check id as id; config-level ones
 * have layer -1 and no path. Images without a config (rootfs targets) get
 * only the filesystem and package checks.
 *
 * Secrets: this analyzer judges variable NAMES (MOAT-IMG-004: a credential
 * passed through ENV/ARG/LABEL is a configuration smell whatever its value)
 * and never quotes values; recognising credential values is the secret
 * detector's job (kind "secret"). The two may both fire on one variable;
 * they say different things and a policy can name either.
 */
#include "analyze/analyzer.h"
#include "analyze/finish.h"
#include "image/image.h"
#include "rules.h"
#include "moat/checks.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct analyzer analyzer_dpkg, analyzer_apk, analyzer_rpm;

#define PASSWD_MAX (4u << 20) /* /etc/passwd of a large LDAP-less system is < 1 MiB */

struct passwd_entry {
    const char *name;
    uint64_t uid;
};

struct passwd {
    struct passwd_entry *e;
    size_t n;
};

static enum want
config_wants(const struct entry *e)
{
    return strcmp(e->path, "etc/passwd") == 0 ? WANT_WHOLE : WANT_NO;
}

static int
config_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len, *line;
    struct passwd *pw;
    struct rec *r;
    size_t n, lines = 0;

    while (str_next_line(&cur, end, &line, &n))
        lines++;
    pw = arena_alloc(c->arena, sizeof(*pw));
    r = rec_new(c, REC_DATA, e->path);
    if (!pw || !r)
        return MOAT_ENOMEM;
    pw->e = arena_alloc(c->arena, (lines ? lines : 1) * sizeof(*pw->e));
    if (!pw->e)
        return MOAT_ENOMEM;
    r->data = pw;
    cur = buf;
    while (str_next_line(&cur, end, &line, &n)) {
        /* name:password:UID:GID:gecos:home:shell */
        const char *c1 = memchr(line, ':', n), *c2, *c3;
        uint64_t uid;
        if (!c1 || c1 == line)
            continue;
        c2 = memchr(c1 + 1, ':', (size_t)(line + n - c1 - 1));
        if (!c2)
            continue;
        c3 = memchr(c2 + 1, ':', (size_t)(line + n - c2 - 1));
        if (!c3 || str_to_u64(c2 + 1, (size_t)(c3 - c2 - 1), &uid) != 0)
            continue;
        pw->e[pw->n].name = arena_strndup(c->arena, line, (size_t)(c1 - line));
        pw->e[pw->n].uid = uid;
        if (!pw->e[pw->n].name)
            return MOAT_ENOMEM;
        pw->n++;
    }
    return 0;
}

/* ---- findings ---- */

struct ictx {
    struct finish_ctx *f;
    const struct analyzer *self;
    size_t counts[128]; /* findings per check (table index), for the cap */
    int rc;
};

static int add(struct ictx *x, const char *id, const char *severity, int layer, const char *path,
               const char *evidence, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int
add(struct ictx *x, const char *id, const char *severity, int layer, const char *path,
    const char *evidence, const char *fmt, ...)
{
    const struct moat_check *ck = moat_check_find(id), *all;
    struct layer_finding lf;
    size_t n, slot;
    va_list ap;
    char ev[240];

    if (x->rc || !ck)
        return x->rc ? x->rc : MOAT_EINVAL;
    all = moat_checks(&n);
    slot = (size_t)(ck - all);
    if (slot >= sizeof(x->counts) / sizeof(x->counts[0]))
        return MOAT_EINVAL;
    if (++x->counts[slot] > MOAT_LIMIT_CHECK_FINDINGS + 1)
        return 0;
    memset(&lf, 0, sizeof(lf));
    lf.kind = "config";
    lf.id = ck->id;
    lf.severity = severity ? severity : ck->severity;
    lf.offset = UINT64_MAX;
    if (x->counts[slot] == MOAT_LIMIT_CHECK_FINDINGS + 1) {
        lf.title = arena_printf(x->f->arena, "%s: more findings left out (limit %u)", ck->title,
                                (unsigned)MOAT_LIMIT_CHECK_FINDINGS);
        layer = -1;
    } else {
        va_start(ap, fmt);
        lf.title = arena_vprintf(x->f->arena, fmt, ap);
        va_end(ap);
        lf.path = path ? arena_strdup(x->f->arena, path) : NULL;
        if (evidence) {
            rule_snippet(evidence, strlen(evidence), ev, sizeof(ev));
            lf.evidence = arena_strdup(x->f->arena, ev);
        }
        if ((path && !lf.path) || (evidence && !lf.evidence))
            return x->rc = MOAT_ENOMEM;
    }
    if (!lf.title || finish_add_finding(x->f, &lf, layer, 0) != 0)
        return x->rc = MOAT_ENOMEM;
    return 0;
}

/* ---- config ---- */

static const struct passwd *
image_passwd(struct ictx *x)
{
    struct rec_iter it = {0, 0};
    struct rec *r;

    while ((r = finish_next(x->f, x->self, &it)) != NULL)
        if (strcmp(r->path, "etc/passwd") == 0)
            return r->data;
    return NULL;
}

static void
check_user(struct ictx *x, json_t *cfg)
{
    const char *user = json_obj_str(cfg, "User");
    const struct passwd *pw;
    size_t n, i;

    if (!user || !user[0]) {
        add(x, "MOAT-IMG-001", NULL, -1, NULL, NULL, "runs as root: the image config sets no User");
        return;
    }
    n = strcspn(user, ":");
    if ((n == 4 && strncmp(user, "root", 4) == 0) || (n == 1 && user[0] == '0')) {
        add(x, "MOAT-IMG-001", NULL, -1, NULL, user, "runs as root: User is %s", user);
        return;
    }
    if (strspn(user, "0123456789") == n)
        return; /* a numeric non-zero UID */
    pw = image_passwd(x);
    for (i = 0; pw && i < pw->n; i++)
        if (strlen(pw->e[i].name) == n && strncmp(pw->e[i].name, user, n) == 0 &&
            pw->e[i].uid == 0) {
            add(x, "MOAT-IMG-001", NULL, -1, NULL, user,
                "runs as root: User %.*s has UID 0 in /etc/passwd", (int)n, user);
            return;
        }
}

static void
check_config(struct ictx *x, json_t *cfg)
{
    const char *key;
    json_t *v, *ports, *env, *labels, *hc, *vols;
    size_t i;

    check_user(x, cfg);
    ports = json_object_get(cfg, "ExposedPorts");
    json_object_foreach(ports, key, v)
    {
        unsigned what = rule_port(key, strlen(key));
        if (what & PORT_DOCKER_API)
            add(x, "MOAT-IMG-002", NULL, -1, NULL, key, "exposes %s: the Docker Engine API port",
                key);
        if (what & PORT_SSH)
            add(x, "MOAT-IMG-003", NULL, -1, NULL, key, "exposes %s: SSH", key);
    }
    env = json_object_get(cfg, "Env");
    for (i = 0; i < json_array_size(env); i++) {
        const char *kv = json_string_value(json_array_get(env, i));
        size_t kn;
        if (!kv)
            continue;
        kn = strcspn(kv, "=");
        if (kv[kn] == '=' && kv[kn + 1] && rule_secret_name(kv, kn))
            add(x, "MOAT-IMG-004", NULL, -1, NULL, NULL,
                "ENV %.*s: a credential-like variable is set in the image config", (int)kn, kv);
    }
    labels = json_object_get(cfg, "Labels");
    json_object_foreach(labels, key, v)
    {
        const char *s = json_string_value(v);
        if (s && s[0] && rule_secret_name(key, strlen(key)))
            add(x, "MOAT-IMG-004", NULL, -1, NULL, NULL,
                "LABEL %.100s: a credential-like label is set in the image config", key);
    }
    hc = json_object_get(cfg, "Healthcheck");
    v = json_array_get(json_object_get(hc, "Test"), 0);
    if (!hc || !json_is_string(v))
        add(x, "MOAT-IMG-007", NULL, -1, NULL, NULL, "no HEALTHCHECK in the image config");
    else if (strcmp(json_string_value(v), "NONE") == 0)
        add(x, "MOAT-IMG-007", NULL, -1, NULL, NULL, "HEALTHCHECK NONE turns the check off");
    vols = json_object_get(cfg, "Volumes");
    json_object_foreach(vols, key, v)
    {
        if (rule_kernel_volume(key, strlen(key)))
            add(x, "MOAT-IMG-014", NULL, -1, NULL, key, "VOLUME %.100s covers a kernel filesystem",
                key);
    }
}

/* ---- history ---- */

static int
skip_prefix(const char **s, const char *prefix)
{
    size_t n = strlen(prefix);

    if (strncmp(*s, prefix, n) != 0)
        return 0;
    *s += n;
    return 1;
}

/* "|2 A=b C=d rest": judges the build arguments' names and moves *s to
 * rest. */
static void
build_args(struct ictx *x, const char **s, int layer)
{
    const char *p = *s + 1, *end;
    uint64_t count, k;
    size_t dn = strspn(p, "0123456789");

    if (dn == 0 || dn > 4 || str_to_u64(p, dn, &count) != 0 || p[dn] != ' ')
        return;
    p += dn + 1;
    for (k = 0; k < count && *p; k++) {
        size_t wn = strcspn(p, " "), kn = strcspn(p, "=");
        if (kn < wn && rule_secret_name(p, kn))
            add(x, "MOAT-IMG-004", NULL, layer, NULL, NULL,
                "build argument %.*s (recorded in the history of layer %d)", (int)kn, p, layer);
        p += wn;
        while (*p == ' ')
            p++;
    }
    end = p;
    *s = end;
}

static void
check_run(struct ictx *x, const char *cmd, size_t n, int layer)
{
    struct shell_facts sf;

    rule_shell(cmd, n, &sf);
    if (sf.flags & SH_PIPE_TO_SHELL)
        add(x, "MOAT-IMG-013", NULL, layer, NULL, sf.pipe,
            "layer %d was built by piping a download into a shell", layer);
    if (sf.flags & SH_UPDATE_ONLY)
        add(x, "MOAT-IMG-012", NULL, layer, NULL, sf.update,
            "layer %d updated the package index without installing in the same step", layer);
}

static void
check_add(struct ictx *x, const char *args, int layer)
{
    const char *p = args;

    /* "ADD [--flags] <src>... <dest>": a remote source, not the dest */
    while (*p) {
        size_t wn;
        while (*p == ' ')
            p++;
        wn = strcspn(p, " ");
        if (wn == 0)
            break;
        if ((str_nstarts(p, wn, "http://") || str_nstarts(p, wn, "https://") ||
             str_nstarts(p, wn, "git@") || str_nstarts(p, wn, "git://")) &&
            p[wn] != '\0') {
            char url[200];
            snprintf(url, sizeof(url), "%.*s", (int)(wn > 190 ? 190 : wn), p);
            add(x, "MOAT-IMG-005", NULL, layer, NULL, url, "layer %d was added from %s", layer,
                url);
            return;
        }
        if (str_nstarts(p, wn, "--checksum="))
            return; /* verified by the builder */
        p += wn;
    }
}

static void
check_history(struct ictx *x, json_t *root)
{
    json_t *hist = json_object_get(root, "history");
    size_t i;
    int layer = 0;

    for (i = 0; i < json_array_size(hist); i++) {
        json_t *h = json_array_get(hist, i);
        const char *cb = json_obj_str(h, "created_by");
        int empty = json_is_true(json_object_get(h, "empty_layer"));
        int at = empty ? -1 : layer;
        const char *s = cb;
        size_t n;
        if (!empty)
            layer++;
        if (!cb)
            continue;
        n = strlen(s);
        /* BuildKit marks its lines; the marker is no part of the command */
        if (n >= 11 && strcmp(s + n - 11, " # buildkit") == 0)
            n -= 11;
        if (skip_prefix(&s, "/bin/sh -c #(nop) ") || skip_prefix(&s, "/bin/sh -c #(nop)")) {
            while (*s == ' ')
                s++;
            if (skip_prefix(&s, "ADD "))
                check_add(x, s, at);
            continue;
        }
        if (skip_prefix(&s, "ADD ")) {
            char args[4096];
            snprintf(args, sizeof(args), "%.*s", (int)(n - (size_t)(s - cb)), s);
            check_add(x, args, at);
            continue;
        }
        skip_prefix(&s, "RUN ");
        if (*s == '|')
            build_args(x, &s, at);
        if (skip_prefix(&s, "/bin/sh -c ") || skip_prefix(&s, "/bin/bash -c ") ||
            skip_prefix(&s, "/bin/ash -c ") || skip_prefix(&s, "cmd /S /C "))
            check_run(x, s, n - (size_t)(s - cb), at);
    }
}

/* ---- the reference ---- */

static void
check_tag(struct ictx *x)
{
    const struct image_desc *img = x->f->img;
    const char *t = img->transport, *name = img->name;
    enum ref_pin pin;

    if (!t || !name || strcmp(t, "rootfs") == 0)
        return;
    if (img->reference && strchr(img->reference, '@'))
        return;
    if (strcmp(t, "oci") == 0 || strcmp(t, "oci-archive") == 0) {
        /* an OCI layout's ref name is the tag itself */
        pin = strcmp(name, "latest") == 0 ? REF_LATEST : REF_TAGGED;
    } else {
        pin = rule_ref_pin(name, strlen(name));
    }
    if (pin == REF_LATEST)
        add(x, "MOAT-IMG-006", NULL, -1, NULL, name, "scanned as %s: latest is not a version",
            name);
    else if (pin == REF_NO_TAG)
        add(x, "MOAT-IMG-006", NULL, -1, NULL, name,
            "scanned as %s without a tag: that means latest", name);
}

/* ---- filesystem ---- */

struct cache {
    const char *label, *dir; /* dir "~/...": found under a home directory */
    uint64_t files, bytes;
    int layer;
    char where[256]; /* the first home cache directory seen */
};

enum {
    C_APT_DEBS,
    C_APT_BIN,
    C_APT_LISTS,
    C_APK,
    C_YUM,
    C_DNF,
    C_ZYPP,
    C_PIP,
    C_NPM,
    C_YARN,
    C_COUNT
};

static int
home_cache(const char *p, const char *sub)
{
    const char *rest;

    if (str_starts(p, "root/"))
        rest = p + 5;
    else if (str_starts(p, "home/") && strchr(p + 5, '/'))
        rest = strchr(p + 5, '/') + 1;
    else
        return 0;
    return str_starts(rest, sub);
}

static int
cache_of(const char *p)
{
    if (str_starts(p, "var/cache/apt/archives/") && str_ends(p, ".deb"))
        return C_APT_DEBS;
    if (str_starts(p, "var/cache/apt/") && str_ends(p, ".bin") && !strchr(p + 14, '/'))
        return C_APT_BIN;
    if (str_starts(p, "var/lib/apt/lists/") && !str_starts(p + 18, "partial/") &&
        strcmp(p + 18, "lock") != 0 && !str_starts(p + 18, "auxfiles/"))
        return C_APT_LISTS;
    if (str_starts(p, "var/cache/apk/"))
        return C_APK;
    if (str_starts(p, "var/cache/yum/"))
        return C_YUM;
    if (str_starts(p, "var/cache/dnf/"))
        return C_DNF;
    if (str_starts(p, "var/cache/zypp/packages/"))
        return C_ZYPP;
    if (home_cache(p, ".cache/pip/"))
        return C_PIP;
    if (home_cache(p, ".npm/_cacache/"))
        return C_NPM;
    if (home_cache(p, ".cache/yarn/") || str_starts(p, "usr/local/share/.cache/yarn/"))
        return C_YARN;
    return -1;
}

struct fs_hit {
    const char *path;
    const struct fs_node *node;
};

static int
hit_cmp(const void *a, const void *b)
{
    return strcmp(((const struct fs_hit *)a)->path, ((const struct fs_hit *)b)->path);
}

static void
check_fs(struct ictx *x)
{
    struct cache caches[C_COUNT] = {
        {"downloaded .deb packages", "/var/cache/apt/archives", 0, 0, -1},
        {"apt package caches", "/var/cache/apt", 0, 0, -1},
        {"apt package lists", "/var/lib/apt/lists", 0, 0, -1},
        {"apk cache", "/var/cache/apk", 0, 0, -1},
        {"yum cache", "/var/cache/yum", 0, 0, -1},
        {"dnf cache", "/var/cache/dnf", 0, 0, -1},
        {"zypper packages", "/var/cache/zypp/packages", 0, 0, -1},
        {"pip cache", "~/.cache/pip", 0, 0, -1, ""},
        {"npm cache", "~/.npm/_cacache", 0, 0, -1, ""},
        {"yarn cache", "~/.cache/yarn", 0, 0, -1, ""},
    };
    struct vec suid, ww;
    struct fs_hit *h;
    const struct fs_node *nd;
    size_t i = 0, k;

    vec_init(&suid, sizeof(struct fs_hit), (size_t)-1 / sizeof(struct fs_hit));
    vec_init(&ww, sizeof(struct fs_hit), (size_t)-1 / sizeof(struct fs_hit));
    while (fs_next(x->f->fs, &i, &nd)) {
        const struct layer_entry *e = nd->e;
        const char *key = e->path;
        int c;
        if (e->whiteout)
            continue;
        if (e->type == ENTRY_DIR) {
            if ((e->mode & 0002) && !(e->mode & 01000)) {
                h = vec_push(&ww);
                if (!h)
                    goto oom;
                h->path = key;
                h->node = nd;
            }
            continue;
        }
        if (e->type != ENTRY_REG && e->type != ENTRY_HARDLINK)
            continue;
        if (e->mode & 06000) {
            h = vec_push(&suid);
            if (!h)
                goto oom;
            h->path = key;
            h->node = nd;
        }
        c = cache_of(key);
        if (c >= 0) {
            if (caches[c].dir[0] == '~' && !caches[c].where[0]) {
                /* "root/.cache/pip/http/..." -> "/root/.cache/pip" */
                const char *sub = strstr(key, caches[c].dir + 1);
                if (sub)
                    snprintf(caches[c].where, sizeof(caches[c].where), "/%.*s",
                             (int)(sub - key + (int)strlen(caches[c].dir + 1)), key);
            }
            caches[c].files++;
            caches[c].bytes += e->size;
            if (nd->e->layer > caches[c].layer)
                caches[c].layer = nd->e->layer;
        }
    }
    vec_sort(&suid, hit_cmp);
    vec_sort(&ww, hit_cmp);
    for (k = 0; k < suid.len; k++) {
        const struct fs_hit *s = VEC_AT(&suid, struct fs_hit, k);
        const struct pkg *owner = finish_owner(x->f, s->path);
        const char *bits = (s->node->e->mode & 06000) == 06000 ? "setuid and setgid"
                           : (s->node->e->mode & 04000)        ? "setuid"
                                                               : "setgid";
        char ev[64];
        snprintf(ev, sizeof(ev), "mode %04o, owner %u", (unsigned)(s->node->e->mode & 07777),
                 (unsigned)s->node->e->uid);
        if (owner)
            add(x, "MOAT-IMG-009", NULL, s->node->e->layer, s->path, ev, "%s file of package %s", bits,
                owner->name);
        else
            add(x, "MOAT-IMG-009", "high", s->node->e->layer, s->path, ev,
                "%s file that no package installed", bits);
    }
    for (k = 0; k < ww.len; k++) {
        const struct fs_hit *w = VEC_AT(&ww, struct fs_hit, k);
        char ev[32];
        snprintf(ev, sizeof(ev), "mode %04o", (unsigned)(w->node->e->mode & 07777));
        add(x, "MOAT-IMG-010", NULL, w->node->e->layer, w->path, ev,
            "world-writable directory without the sticky bit");
    }
    for (k = 0; k < C_COUNT; k++) {
        char ev[96];
        if (!caches[k].files)
            continue;
        snprintf(ev, sizeof(ev), "%llu files, %llu bytes", (unsigned long long)caches[k].files,
                 (unsigned long long)caches[k].bytes);
        add(x, "MOAT-IMG-011", NULL, caches[k].layer,
            caches[k].where[0] ? caches[k].where : caches[k].dir, ev, "%s left in the image (%s)",
            caches[k].label, caches[k].where[0] ? caches[k].where : caches[k].dir);
    }
    vec_free(&suid);
    vec_free(&ww);
    return;
oom:
    x->rc = MOAT_ENOMEM;
    vec_free(&suid);
    vec_free(&ww);
}

/* ---- packages ---- */

static void
check_sudo(struct ictx *x)
{
    const struct analyzer *os[] = {&analyzer_dpkg, &analyzer_apk, &analyzer_rpm};
    size_t k, i;

    for (k = 0; k < 3; k++) {
        struct rec_iter it = {0, 0};
        struct rec *r;
        while ((r = finish_next(x->f, os[k], &it)) != NULL) {
            if (r->kind != REC_PKGS)
                continue;
            for (i = 0; i < r->npkgs; i++) {
                const struct pkg *p = &r->pkgs[i];
                if (p->name &&
                    (strcmp(p->name, "sudo") == 0 || strcmp(p->name, "sudo-ldap") == 0)) {
                    add(x, "MOAT-IMG-008", NULL, r->layer, r->path, p->version ? p->version : NULL,
                        "package %s %s is installed", p->name, p->version ? p->version : "");
                    return;
                }
            }
        }
    }
}

static int
config_finish(struct finish_ctx *f, const struct analyzer *self)
{
    struct ictx x;

    memset(&x, 0, sizeof(x));
    x.f = f;
    x.self = self;
    if (f->img && f->img->config_json) {
        char err[256];
        json_t *root =
            json_parse_untrusted(f->img->config_json, f->img->config_len, MOAT_LIMIT_JSON_DOC,
                                 MOAT_LIMIT_JSON_DEPTH, NULL, err, sizeof(err));
        if (!root) {
            finish_problem(f, MOAT_FAILED, -1, NULL, self->name, "image config not checked: %s",
                           err);
        } else {
            check_config(&x, json_object_get(root, "config"));
            check_history(&x, root);
            json_decref(root);
        }
    }
    if (f->img)
        check_tag(&x);
    if (f->fs)
        check_fs(&x);
    check_sudo(&x);
    return x.rc;
}

/* On unless the scan switched configuration checks off (moat sbom does):
 * the checks keep no shared state, so any non-NULL pointer says "on". */
static int config_on;

static int
config_init(const struct moat_options *opt, const struct image_desc *img, void **state,
            char *err, size_t errlen)
{
    (void)img;
    (void)err;
    (void)errlen;
    *state = !opt || (opt->detect.enabled & MOAT_DETECT_CONFIG) ? (void *)&config_on : NULL;
    return 0;
}

const struct analyzer analyzer_config = {
    .name = "config",
    .version = 1,
    .wants = config_wants,
    .max_size = PASSWD_MAX,
    .whole = config_whole,
    .finish = config_finish,
    .init = config_init,
};

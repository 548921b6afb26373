/*
 * os_release.c - which distribution the image is: /etc/os-release (usually
 * a symlink to /usr/lib/os-release, resolved inside the image) and, when it
 * is missing, the older release files (alpine-release, debian_version,
 * redhat-release, centos-release, system-release, lsb-release).
 */
#include "analyzer.h"
#include "finish.h"
#include "fields.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

struct os_info {
    const char *id, *version_id, *codename, *name, *pretty;
};

static const char *const files[] = {
    "etc/os-release",     "usr/lib/os-release",  "etc/alpine-release", "etc/debian_version",
    "etc/redhat-release", "etc/centos-release",  "etc/fedora-release", "etc/system-release",
    "etc/lsb-release",    "etc/rocky-release",   "etc/almalinux-release",
};

static enum want
os_wants(const struct entry *e)
{
    size_t i;

    if (strncmp(e->path, "etc/", 4) != 0 && strncmp(e->path, "usr/lib/", 8) != 0)
        return WANT_NO;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if (strcmp(e->path, files[i]) == 0)
            return WANT_WHOLE;
    return WANT_NO;
}

/* KEY=value or KEY="value" (shell-like quoting, no expansion). */
static char *
kv(struct arena *a, const char *buf, size_t len, const char *key)
{
    const char *cur = buf, *end = buf + len, *line;
    size_t n, kl = strlen(key);

    while (str_next_line(&cur, end, &line, &n)) {
        const char *v;
        size_t vn;
        str_trim(&line, &n);
        if (n <= kl || memcmp(line, key, kl) != 0 || line[kl] != '=')
            continue;
        v = line + kl + 1;
        vn = n - kl - 1;
        if (vn >= 2 && (v[0] == '"' || v[0] == '\'') && v[vn - 1] == v[0]) {
            v++;
            vn -= 2;
        }
        return arena_strndup(a, v, vn);
    }
    return NULL;
}

static char *
first_line(struct arena *a, const char *buf, size_t len)
{
    const char *cur = buf, *line;
    size_t n;

    if (!str_next_line(&cur, buf + len, &line, &n))
        return NULL;
    str_trim(&line, &n);
    return n ? arena_strndup(a, line, n) : NULL;
}

/* "Red Hat Enterprise Linux release 8.9 (Ootpa)" -> id, version */
static void
release_line(struct arena *a, struct os_info *o, const char *line)
{
    static const struct {
        const char *prefix, *id;
    } map[] = {
        {"Red Hat Enterprise Linux", "rhel"}, {"CentOS Stream", "centos"},
        {"CentOS Linux", "centos"},           {"CentOS", "centos"},
        {"Fedora", "fedora"},                 {"Rocky Linux", "rocky"},
        {"AlmaLinux", "almalinux"},           {"Amazon Linux", "amzn"},
        {"Oracle Linux", "ol"},
    };
    const char *r;
    size_t i, n;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (str_starts(line, map[i].prefix))
            break;
    if (i == sizeof(map) / sizeof(map[0]))
        return;
    o->id = map[i].id;
    o->pretty = line;
    r = strstr(line, "release ");
    if (!r)
        return;
    r += 8;
    for (n = 0; r[n] && r[n] != ' '; n++)
        ;
    o->version_id = arena_strndup(a, r, n);
}

static int
os_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    struct os_info *o;
    struct rec *r;
    const char *b = e->base;

    if (memchr(buf, '\0', len)) {
        actx_problem(c, MOAT_FAILED, e->path, "binary data in a release file; ignored");
        return 0;
    }
    o = arena_alloc(c->arena, sizeof(*o));
    r = rec_new(c, REC_DATA, e->path);
    if (!o || !r)
        return MOAT_ENOMEM;
    r->data = o;
    if (strcmp(b, "os-release") == 0) {
        o->id = kv(c->arena, buf, len, "ID");
        o->version_id = kv(c->arena, buf, len, "VERSION_ID");
        o->codename = kv(c->arena, buf, len, "VERSION_CODENAME");
        o->name = kv(c->arena, buf, len, "NAME");
        o->pretty = kv(c->arena, buf, len, "PRETTY_NAME");
        if (o->id)
            str_lower((char *)o->id);
    } else if (strcmp(b, "alpine-release") == 0) {
        o->id = "alpine";
        o->version_id = first_line(c->arena, buf, len);
        o->name = "Alpine Linux";
    } else if (strcmp(b, "debian_version") == 0) {
        const char *v = first_line(c->arena, buf, len);
        o->id = "debian";
        o->name = "Debian GNU/Linux";
        if (v && v[0] >= '0' && v[0] <= '9') {
            size_t n = strcspn(v, ".");
            o->version_id = arena_strndup(c->arena, v, n);
        } else if (v) {
            /* "trixie/sid": testing has no number */
            o->codename = arena_strndup(c->arena, v, strcspn(v, "/"));
        }
    } else if (strcmp(b, "lsb-release") == 0) {
        o->id = kv(c->arena, buf, len, "DISTRIB_ID");
        o->version_id = kv(c->arena, buf, len, "DISTRIB_RELEASE");
        o->codename = kv(c->arena, buf, len, "DISTRIB_CODENAME");
        o->pretty = kv(c->arena, buf, len, "DISTRIB_DESCRIPTION");
        if (o->id)
            str_lower((char *)o->id);
    } else {
        const char *l = first_line(c->arena, buf, len);
        if (l)
            release_line(c->arena, o, l);
    }
    return 0;
}

/* The visible record for a path, resolving symlinks inside the image. */
static const struct os_info *
lookup(struct finish_ctx *f, const struct analyzer *self, const char *path, const char **where)
{
    char canon[MOAT_LIMIT_PATH + 1];
    const struct fs_node *node;
    struct rec_iter it = {0, 0};
    struct rec *r;
    int rc;

    rc = fs_resolve(f->fs, path, 1, canon, sizeof(canon), &node);
    if (rc == MOAT_ELOOP) {
        finish_problem(f, MOAT_FAILED, -1, path, self->name, "symlink loop; not read");
        return NULL;
    }
    if (rc == MOAT_ETOOBIG) {
        finish_problem(f, MOAT_FAILED, -1, path, self->name, "symlink chain too long; not read");
        return NULL;
    }
    if (rc || !node)
        return NULL;
    while ((r = finish_next(f, self, &it)) != NULL) {
        if (strcmp(r->path, canon) == 0) {
            *where = r->path;
            return r->data;
        }
    }
    if (strcmp(canon, path) != 0)
        finish_problem(f, MOAT_FAILED, -1, path, self->name,
                       "links to /%s, which is not a release file moat reads", canon);
    return NULL;
}

static int
os_finish(struct finish_ctx *f, const struct analyzer *self)
{
    static const char *const order[] = {
        "etc/os-release",        "usr/lib/os-release", "etc/alpine-release",
        "etc/redhat-release",    "etc/centos-release", "etc/rocky-release",
        "etc/almalinux-release", "etc/fedora-release", "etc/system-release",
        "etc/lsb-release",       "etc/debian_version",
    };
    const struct os_info *o = NULL;
    const char *where = NULL;
    size_t i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]) && !(o && o->id); i++)
        o = lookup(f, self, order[i], &where);
    if (!o || !o->id)
        return 0;
    f->distro.id = arena_strdup(f->arena, o->id);
    f->distro.version_id = arena_strdup(f->arena, o->version_id);
    f->distro.codename = arena_strdup(f->arena, o->codename);
    f->distro.name = arena_strdup(f->arena, o->name);
    f->distro.pretty_name = arena_strdup(f->arena, o->pretty);
    f->distro.path = arena_printf(f->arena, "/%s", where);
    /* distroless: Google's images say so; any image with dpkg's status.d
     * and no status file is built the same way */
    if ((o->pretty && strstr(o->pretty, "Distroless")) ||
        (fs_lookup(f->fs, "var/lib/dpkg/status.d") && !fs_lookup(f->fs, "var/lib/dpkg/status")))
        f->distro.distroless = 1;
    /* Debian testing/sid has no VERSION_ID: complete from debian_version */
    if (!f->distro.version_id && strcmp(o->id, "debian") == 0) {
        const struct os_info *dv = lookup(f, self, "etc/debian_version", &where);
        if (dv && dv->version_id)
            f->distro.version_id = arena_strdup(f->arena, dv->version_id);
    }
    return 0;
}

const struct analyzer analyzer_os = {
    .name = "os-release",
    .version = 1,
    .wants = os_wants,
    .max_size = 64 << 10,
    .whole = os_whole,
    .finish = os_finish,
};

/*
 * view.c - the derived figures the human and findings reports share
 * (view.h). Sorting is by index arrays so that the result stays untouched;
 * every order is total (ties broken by index) so reports are reproducible.
 */
#include "view.h"

#include <stdlib.h>
#include <string.h>

const char *const view_severity_names[VIEW_SEVERITIES] = {
    "critical", "high", "medium", "low", "info", "unknown",
};

int
view_severity_rank(const char *severity)
{
    int i;

    if (!severity)
        return VIEW_SEVERITIES - 1;
    for (i = 0; i < VIEW_SEVERITIES - 1; i++)
        if (strcmp(severity, view_severity_names[i]) == 0)
            return i;
    return VIEW_SEVERITIES - 1;
}

int
view_is_vuln(const struct moat_finding *f)
{
    return f->kind && strcmp(f->kind, "vulnerability") == 0 && !f->suppressed;
}

const char *
view_package_name(const struct moat_package *p, char *buf, size_t n)
{
    if (p->ns && *p->ns)
        snprintf(buf, n, "%s%s/%s", p->type == MOAT_PKG_NPM ? "@" : "", p->ns,
                 p->name ? p->name : "");
    else
        snprintf(buf, n, "%s", p->name ? p->name : "");
    return buf;
}

const char *
view_advisory_source(const char *id)
{
    if (id && strncmp(id, "CVE-", 4) == 0)
        return "NVD";
    if (id && strncmp(id, "GHSA-", 5) == 0)
        return "GitHub";
    return "OSV";
}

const char *
view_advisory_url(const char *id, char *buf, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *src = view_advisory_source(id);
    const char *base = strcmp(src, "NVD") == 0      ? "https://nvd.nist.gov/vuln/detail/"
                       : strcmp(src, "GitHub") == 0 ? "https://github.com/advisories/"
                                                    : "https://osv.dev/vulnerability/";
    size_t len = strlen(base), i;

    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (len + 1 > n)
        return buf;
    memcpy(buf, base, len);
    for (i = 0; id && id[i]; i++) {
        unsigned char c = (unsigned char)id[i];
        int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == ':';
        if (len + (keep ? 1 : 3) + 1 > n) {
            buf[0] = '\0';
            return buf;
        }
        if (keep) {
            buf[len++] = (char)c;
        } else {
            buf[len++] = '%';
            buf[len++] = hex[c >> 4];
            buf[len++] = hex[c & 15];
        }
    }
    buf[len] = '\0';
    return buf;
}

static int
cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_size(size_t a, size_t b)
{
    return a < b ? -1 : a > b;
}

/* Vulnerabilities: severity, then score (higher first), id, package. */
static int
cmp_vuln(const void *x, const void *y, void *arg)
{
    const struct moat_result *res = arg;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    const struct moat_finding *a = &res->findings[i], *b = &res->findings[j];
    int c = view_severity_rank(a->severity) - view_severity_rank(b->severity);

    if (c)
        return c;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    c = cmp_str(a->id, b->id);
    if (c)
        return c;
    return cmp_size(i, j);
}

/* Other findings: severity, then path, id. */
static int
cmp_other(const void *x, const void *y, void *arg)
{
    const struct moat_result *res = arg;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    const struct moat_finding *a = &res->findings[i], *b = &res->findings[j];
    int c = view_severity_rank(a->severity) - view_severity_rank(b->severity);

    if (c)
        return c;
    c = cmp_str(a->path, b->path);
    if (c)
        return c;
    c = cmp_str(a->id, b->id);
    if (c)
        return c;
    return cmp_size(i, j);
}

static int
cmp_group(const void *x, const void *y, void *arg)
{
    const struct view_group *a = x, *b = y;
    const struct moat_result *res = arg;
    int c = a->worst - b->worst;

    if (c)
        return c;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    c = cmp_str(res->packages[a->package].name, res->packages[b->package].name);
    if (c)
        return c;
    return a->package < b->package ? -1 : a->package > b->package;
}

static const char *const kind_order[] = {"malware", "persistence", "integrity", "secret",
                                         "config"};
#define NKIND_ORDER (sizeof(kind_order) / sizeof(kind_order[0]))

static size_t
kind_rank(const char *k)
{
    size_t i;

    for (i = 0; i < NKIND_ORDER; i++)
        if (k && strcmp(k, kind_order[i]) == 0)
            return i;
    return NKIND_ORDER;
}

static int
cmp_kind(const void *x, const void *y)
{
    const struct view_kind *a = x, *b = y;
    size_t ra = kind_rank(a->kind), rb = kind_rank(b->kind);

    if (ra != rb)
        return ra < rb ? -1 : 1;
    return cmp_str(a->kind, b->kind);
}

void
view_free(struct view *v)
{
    if (v)
        arena_free(&v->arena);
}

static void *
alloc(struct view *v, size_t count, size_t size)
{
    if (count && size > (size_t)-1 / count)
        return NULL;
    return arena_alloc(&v->arena, (count ? count : 1) * size);
}

static int
build_groups(struct view *v, size_t *vulns)
{
    const struct moat_result *res = v->res;
    size_t i, k, *byp, *first, *cnt;
    long *remedy_of;

    /* bucket the vulnerabilities by package (counting sort: stable) */
    cnt = alloc(v, res->npackages + 1, sizeof(*cnt));
    first = alloc(v, res->npackages + 1, sizeof(*first));
    byp = alloc(v, v->vulns, sizeof(*byp));
    remedy_of = alloc(v, res->npackages, sizeof(*remedy_of));
    if (!cnt || !first || !byp || !remedy_of)
        return -1;
    for (i = 0; i < v->vulns; i++)
        cnt[res->findings[vulns[i]].package]++;
    for (i = 0, k = 0; i < res->npackages; i++) {
        first[i] = k;
        k += cnt[i];
        if (cnt[i])
            v->ngroups++;
    }
    first[res->npackages] = k;
    memset(cnt, 0, (res->npackages + 1) * sizeof(*cnt));
    for (i = 0; i < v->vulns; i++) {
        long p = res->findings[vulns[i]].package;
        byp[first[p] + cnt[p]++] = vulns[i];
    }
    for (i = 0; i < res->npackages; i++)
        remedy_of[i] = -1;
    for (i = 0; i < res->nremedies; i++)
        for (k = 0; k < res->remedies[i].npackages; k++) {
            long p = res->remedies[i].packages[k];
            if (p >= 0 && (size_t)p < res->npackages && remedy_of[p] < 0)
                remedy_of[p] = (long)i;
        }
    v->groups = alloc(v, v->ngroups, sizeof(*v->groups));
    if (!v->groups)
        return -1;
    for (i = 0, k = 0; i < res->npackages; i++) {
        struct view_group *g;
        size_t n = first[i + 1] - first[i];
        if (!n)
            continue;
        g = &v->groups[k++];
        g->package = (long)i;
        g->findings = byp + first[i];
        g->n = n;
        qsort_r(byp + first[i], n, sizeof(*byp), cmp_vuln, (void *)res);
        g->worst = view_severity_rank(res->findings[g->findings[0]].severity);
        g->remedy = remedy_of[i];
    }
    qsort_r(v->groups, v->ngroups, sizeof(*v->groups), cmp_group, (void *)res);
    return 0;
}

static int
build_kinds(struct view *v, const size_t *others)
{
    const struct moat_result *res = v->res;
    size_t i, k, *sorted;

    /* distinct kinds: few, a linear search is fine */
    v->kinds = alloc(v, v->others, sizeof(*v->kinds));
    sorted = alloc(v, v->others, sizeof(*sorted));
    if (!v->kinds || !sorted)
        return -1;
    for (i = 0; i < v->others; i++) {
        const struct moat_finding *f = &res->findings[others[i]];
        for (k = 0; k < v->nkinds; k++)
            if (cmp_str(v->kinds[k].kind, f->kind) == 0)
                break;
        if (k == v->nkinds)
            v->kinds[v->nkinds++].kind = f->kind ? f->kind : "";
        v->kinds[k].n++;
        v->kinds[k].by_severity[view_severity_rank(f->severity)]++;
    }
    qsort(v->kinds, v->nkinds, sizeof(*v->kinds), cmp_kind);
    for (k = 0, i = 0; k < v->nkinds; k++) {
        v->kinds[k].findings = sorted + i;
        i += v->kinds[k].n;
        v->kinds[k].n = 0;
    }
    for (i = 0; i < v->others; i++) {
        const struct moat_finding *f = &res->findings[others[i]];
        for (k = 0; k < v->nkinds; k++)
            if (cmp_str(v->kinds[k].kind, f->kind ? f->kind : "") == 0)
                break;
        ((size_t *)v->kinds[k].findings)[v->kinds[k].n++] = others[i];
    }
    for (k = 0; k < v->nkinds; k++)
        qsort_r((size_t *)v->kinds[k].findings, v->kinds[k].n, sizeof(size_t), cmp_other,
                (void *)res);
    return 0;
}

int
view_build(struct view *v, const struct moat_result *res)
{
    size_t i, *vulns, *others, *sup, nv = 0, no = 0, ns = 0;

    memset(v, 0, sizeof(*v));
    arena_init(&v->arena);
    v->res = res;
    vulns = alloc(v, res->nfindings, sizeof(*vulns));
    others = alloc(v, res->nfindings, sizeof(*others));
    sup = alloc(v, res->nfindings, sizeof(*sup));
    v->layers = alloc(v, res->image.nlayers, sizeof(*v->layers));
    if (!vulns || !others || !sup || !v->layers)
        goto oom;
    for (i = 0; i < res->nfindings; i++) {
        const struct moat_finding *f = &res->findings[i];
        int rank = view_severity_rank(f->severity);
        if (f->suppressed) {
            sup[ns++] = i;
            if (f->kind && strcmp(f->kind, "vulnerability") == 0)
                v->vulns_suppressed++;
            continue;
        }
        if (f->layer >= 0 && (size_t)f->layer < res->image.nlayers) {
            v->layers[f->layer].findings++;
            v->layers[f->layer].by_severity[rank]++;
        }
        if (view_is_vuln(f) && f->package >= 0 && (size_t)f->package < res->npackages) {
            vulns[nv++] = i;
            v->vulns_by_severity[rank]++;
            if (f->fixed)
                v->vulns_fixable++;
            else
                v->vulns_without_fix++;
        } else {
            others[no++] = i;
        }
    }
    v->vulns = nv;
    v->others = no;
    v->suppressed = sup;
    v->nsuppressed = ns;
    qsort_r(vulns, nv, sizeof(*vulns), cmp_vuln, (void *)res);
    v->vulns_sorted = vulns;
    /* build_groups sorts its own copy */
    {
        size_t *copy = alloc(v, nv, sizeof(*copy));
        if (!copy)
            goto oom;
        if (nv)
            memcpy(copy, vulns, nv * sizeof(*copy));
        if (build_groups(v, copy) != 0)
            goto oom;
    }
    if (build_kinds(v, others) != 0)
        goto oom;
    for (i = 0; i < res->npackages; i++) {
        int l = res->packages[i].layer;
        if (l >= 0 && (size_t)l < res->image.nlayers)
            v->layers[l].packages++;
        if (res->packages[i].owner < 0)
            v->top_packages++;
    }
    for (i = 0; i < res->nproblems; i++)
        if (res->problems[i].grade >= MOAT_FAILED)
            v->problems_failed++;
    return 0;
oom:
    view_free(v);
    return -1;
}

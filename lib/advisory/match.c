/*
 * match.c - packages against advisories: which are affected, by what, how
 * bad it is, what fixes it, and the few upgrades that fix the most.
 *
 * Each package is looked up under the names its ecosystem's advisories use:
 * Debian/Ubuntu advisories name source packages (and source versions: a
 * binNMU "+b1" binary is built from the same source), Alpine's name the
 * origin, RPM distributions the binary or source package. A language
 * package that an OS package owns (Debian's python3-urllib3 owns urllib3)
 * is not matched on its own: the distribution patches it and its advisories
 * cover it, so the upstream advisories would only raise false alarms.
 *
 * An affected entry is evaluated as the OSV schema says: the installed
 * version is affected when it is one of the listed versions, or when a
 * range (events sorted by the ecosystem's own version order, since records
 * publish them in any order) puts it between an introduced and a fixed
 * version (or at/below last_affected, below limit). Withdrawn records are
 * skipped. Records describing one problem under several ids (CVE, GHSA,
 * PYSEC, distro ids) are merged per package through their aliases so each
 * problem is reported once with every id.
 */
#include "match.h"
#include "cvss.h"
#include "db.h"
#include "suppress.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/map.h"
#include "base/str.h"
#include "version/version.h"
#include "detect/classifiers.h"
#include "result.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct moat_advisories {
    struct advisory_db *db;
};

int
moat_advisories_open(const char *path, struct moat_advisories **out, char *err, size_t errlen)
{
    struct moat_advisories *a;
    char def[4096];
    int rc;

    *out = NULL;
    if (!path) {
        if (moat_db_default_path(def, sizeof(def)) != 0) {
            snprintf(err, errlen, "no advisory database named and no default location "
                                  "(set MOAT_DB or use --db)");
            return -1;
        }
        path = def;
    }
    a = calloc(1, sizeof(*a));
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = advisory_db_open(path, &a->db, err, errlen);
    if (rc) {
        if (rc == MOAT_ENOENT)
            snprintf(err, errlen, "no advisory database at %s (run 'moat db update', or "
                                  "'moat db import' in an air-gapped network)", path);
        free(a);
        return -1;
    }
    *out = a;
    return 0;
}

void
moat_advisories_close(struct moat_advisories *a)
{
    if (!a)
        return;
    advisory_db_close(a->db);
    free(a);
}

int64_t
moat_advisories_age(const struct moat_advisories *a, int64_t now)
{
    return advisory_db_age(a->db, now);
}

struct advisory_db *
match_db(struct moat_advisories *a)
{
    return a->db;
}

void
moat_match_options_init(struct moat_match_options *o)
{
    memset(o, 0, sizeof(*o));
    o->base_layers = -1;
}

/* ---- severity ---- */

static const char *const sev_names[] = {"critical", "high", "medium", "low", "unknown"};

int
match_severity_rank(const char *s)
{
    size_t i;

    for (i = 0; i < 5; i++)
        if (s && str_eq_nocase(s, sev_names[i]))
            return (int)i;
    return 4;
}

/* A qualitative value from a database's own field. */
static int
hint_rank(const char *v)
{
    static const struct {
        const char *word;
        int rank;
    } words[] = {
        {"critical", 0}, {"high", 1},       {"important", 1}, {"moderate", 2},
        {"medium", 2},   {"low", 3},        {"negligible", 3}, {"unimportant", 3},
    };
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (str_eq_nocase(v, words[i].word))
            return words[i].rank;
    return 4;
}

struct severity {
    int rank;             /* 0 critical .. 4 unknown */
    int tenths;           /* best CVSS score, -1 none */
    const char *vector;
};

static void
consider(struct severity *sv, const struct advisory_severity *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strncmp(s[i].type, "CVSS_V", 6) == 0) {
            struct cvss_score cs;
            if (cvss_parse(s[i].score, strlen(s[i].score), &cs) == 0 && cs.base > sv->tenths) {
                sv->tenths = cs.base;
                sv->vector = s[i].score;
            }
        } else if (sv->tenths < 0) {
            /* only without a score: "database_specific.severity" HIGH ... */
            int r = hint_rank(s[i].score);
            if (r < sv->rank)
                sv->rank = r;
        }
    }
}

static void
severity_final(struct severity *sv)
{
    if (sv->tenths >= 0) {
        static const int by_cvss[] = {4, 3, 2, 1, 0}; /* none low medium high critical */
        sv->rank = by_cvss[cvss_severity_of(sv->tenths)];
        if (sv->tenths == 0)
            sv->rank = 4;
    }
}

/* ---- evaluation ---- */

struct sorted_event {
    const struct advisory_event *e;
    int zero; /* introduced "0": before everything */
};

struct eval_ctx {
    const struct version_scheme *vs;
    const char *version;
    int version_valid;
    const char *bad_version; /* first range version that could not be compared */
    size_t bad_ranges;
};

static int
event_cmp(const struct version_scheme *vs, const struct sorted_event *a,
          const struct sorted_event *b, int *out)
{
    if (a->zero || b->zero) {
        *out = a->zero == b->zero ? 0 : a->zero ? -1 : 1;
        return 0;
    }
    return vs->cmp(a->e->version, b->e->version, out);
}

/* Insertion sort (ranges have a handful of events); -1 when a version does
 * not compare. Stable: equal versions keep record order. */
static int
sort_events(const struct version_scheme *vs, struct sorted_event *ev, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        struct sorted_event x = ev[i];
        for (j = i; j > 0; j--) {
            int c;
            if (event_cmp(vs, &ev[j - 1], &x, &c) != 0)
                return -1;
            if (c <= 0)
                break;
            ev[j] = ev[j - 1];
        }
        ev[j] = x;
    }
    return 0;
}

/* One range: affected? and the lowest fix above the version (or NULL).
 * why (may be NULL) gets the event that decided, or NULL when the version
 * is below every introduced event. */
static int
eval_range_why(struct eval_ctx *c, const struct advisory_range *r, const char **fix,
               const struct advisory_event **why);

static int
eval_range(struct eval_ctx *c, const struct advisory_range *r, const char **fix)
{
    return eval_range_why(c, r, fix, NULL);
}

static int
eval_range_why(struct eval_ctx *c, const struct advisory_range *r, const char **fix,
               const struct advisory_event **why)
{
    struct sorted_event stack_ev[16], *ev = stack_ev;
    size_t i, n = r->nevents;
    int affected = 0, rc = 0;

    *fix = NULL;
    if (why)
        *why = NULL;
    if (n == 0)
        return 0;
    if (n > sizeof(stack_ev) / sizeof(stack_ev[0])) {
        ev = malloc(n * sizeof(*ev));
        if (!ev)
            return 0;
    }
    for (i = 0; i < n; i++) {
        ev[i].e = &r->events[i];
        ev[i].zero = r->events[i].kind == ADVISORY_INTRODUCED &&
                     strcmp(r->events[i].version, "0") == 0;
        if (!ev[i].zero && !c->vs->valid(r->events[i].version)) {
            if (!c->bad_version)
                c->bad_version = r->events[i].version;
            c->bad_ranges++;
            goto out;
        }
    }
    if (sort_events(c->vs, ev, n) != 0) {
        c->bad_ranges++;
        goto out;
    }
    for (i = 0; i < n; i++) {
        int cmp = 0;
        if (!ev[i].zero)
            c->vs->cmp(c->version, ev[i].e->version, &cmp);
        int hit = 0;
        switch (ev[i].e->kind) {
        case ADVISORY_INTRODUCED:
            if ((hit = ev[i].zero || cmp >= 0))
                affected = 1;
            break;
        case ADVISORY_FIXED:
            if ((hit = cmp >= 0))
                affected = 0;
            break;
        case ADVISORY_LAST_AFFECTED:
            if ((hit = cmp > 0))
                affected = 0;
            break;
        case ADVISORY_LIMIT:
            if ((hit = cmp >= 0))
                affected = 0;
            break;
        }
        if (hit && why)
            *why = ev[i].e;
    }
    if (affected) {
        for (i = 0; i < n; i++) {
            int cmp;
            if (ev[i].e->kind == ADVISORY_FIXED &&
                c->vs->cmp(ev[i].e->version, c->version, &cmp) == 0 && cmp > 0) {
                *fix = ev[i].e->version;
                break;
            }
        }
    }
    rc = affected;
out:
    if (ev != stack_ev)
        free(ev);
    return rc;
}

/* A whole affected entry: 1 when affected, with the fix (NULL: none known). */
static int
eval_affected(struct eval_ctx *c, const struct advisory_affected *af, const char **fix)
{
    int affected = advisory_versions_has(af, c->version), nofix = 0;
    size_t i;

    *fix = NULL;
    if (!c->version_valid)
        return affected; /* only the explicit list can speak for it */
    for (i = 0; i < af->nranges; i++) {
        const char *f;
        if (!eval_range(c, &af->ranges[i], &f))
            continue;
        affected = 1;
        if (!f) {
            nofix = 1;
        } else if (!*fix) {
            *fix = f;
        } else {
            int cmp;
            /* several ranges affect it: it needs the highest of their fixes */
            if (c->vs->cmp(f, *fix, &cmp) == 0 && cmp > 0)
                *fix = f;
        }
    }
    if (nofix)
        *fix = NULL;
    return affected;
}

/* ---- which names a package is looked up under ---- */

struct lookup {
    char ecosystem[96];
    const char *name;
    const char *version;
};

/* "12.5" -> "12"; "3.20.3" -> "3.20" (parts = 2). */
static void
release_prefix(const char *v, int parts, char *out, size_t n)
{
    size_t i = 0;
    int dots = 0;

    while (v[i] && i + 1 < n) {
        if (v[i] == '.' && ++dots == parts)
            break;
        out[i] = v[i];
        i++;
    }
    out[i] = '\0';
}

/* A version as SemVer: "15.5" -> "15.5.0", "3.13.0rc1" -> "3.13.0-rc1",
 * "17.0.9.1" -> "17.0.9+1" (a fourth number does not order in SemVer); NULL
 * when v does not start with a number. go adds Go's "v" and its pre-release
 * form ("1.21rc2" -> "v1.21.0-rc.2"). */
static char *
semver_of(struct arena *a, const char *v, int go)
{
    char nums[4][16];
    size_t k = 0, i;
    const char *p = v, *suffix;

    while (k < 4 && *p >= '0' && *p <= '9') {
        i = 0;
        while (*p >= '0' && *p <= '9' && i + 1 < sizeof(nums[k]))
            nums[k][i++] = *p++;
        nums[k][i] = '\0';
        k++;
        if (*p != '.' || !(p[1] >= '0' && p[1] <= '9'))
            break;
        p++;
    }
    if (k == 0)
        return NULL;
    for (; k < 3; k++)
        snprintf(nums[k], sizeof(nums[k]), "0");
    suffix = p;
    if (go && *suffix)
        return arena_printf(a, "v%s.%s.%s-%.*s.%s", nums[0], nums[1], nums[2],
                            (int)strcspn(suffix, "0123456789"), suffix,
                            suffix + strcspn(suffix, "0123456789"));
    return arena_printf(a, "%s%s.%s.%s%s%s%s%s", go ? "v" : "", nums[0], nums[1], nums[2],
                        k == 4 ? "+" : "", k == 4 ? nums[3] : "", *suffix ? "-" : "", suffix);
}

/* Software a classifier identified in a binary (type generic): the OSV
 * "Bitnami" ecosystem names most server software (nginx, redis, apache,
 * postgresql...) with SemVer ranges; the Go toolchain is the "toolchain"
 * module of the Go ecosystem (cmd/go's own advisories; the standard
 * library's come through the stdlib package the gobinary analyzer reports
 * for the same binary). Software no ecosystem lists is not matched. */
static size_t
lookups_generic(const struct moat_package *p, struct arena *a, struct lookup *out)
{
    int fam = classifier_find(p->name);
    const struct classifier *c;
    size_t n = 0;

    if (fam < 0 || !p->version)
        return 0;
    c = &classifier_table[fam];
    if (c->bitnami) {
        snprintf(out[n].ecosystem, sizeof(out[n].ecosystem), "Bitnami");
        out[n].name = c->bitnami;
        out[n].version = semver_of(a, p->version, 0);
        if (out[n].version)
            n++;
    }
    if (c->go_module) {
        snprintf(out[n].ecosystem, sizeof(out[n].ecosystem), "Go");
        out[n].name = c->go_module;
        out[n].version = semver_of(a, p->version, 1);
        if (out[n].version)
            n++;
    }
    return n;
}

static size_t
lookups_for(const struct moat_result *res, const struct moat_package *p, struct arena *a,
            struct lookup *out)
{
    const struct moat_distro *d = &res->distro;
    char rel[64];
    size_t n = 0;

    switch (p->type) {
    case MOAT_PKG_DEB:
        if (!d->id)
            return 0;
        if (strcmp(d->id, "ubuntu") == 0 && d->version_id) {
            snprintf(out[n].ecosystem, sizeof(out[n].ecosystem), "Ubuntu:%s:LTS", d->version_id);
            out[n].name = p->source_name ? p->source_name : p->name;
            out[n].version = p->source_version ? p->source_version : p->version;
            n++;
            snprintf(out[n].ecosystem, sizeof(out[n].ecosystem), "Ubuntu:%s", d->version_id);
        } else if (strcmp(d->id, "debian") == 0) {
            if (d->version_id) {
                release_prefix(d->version_id, 1, rel, sizeof(rel));
                snprintf(out[n].ecosystem, sizeof(out[n].ecosystem), "Debian:%s", rel);
            } else {
                snprintf(out[n].ecosystem, sizeof(out[n].ecosystem), "Debian");
            }
        } else {
            return 0;
        }
        out[n].name = p->source_name ? p->source_name : p->name;
        out[n].version = p->source_version ? p->source_version : p->version;
        return n + 1;
    case MOAT_PKG_APK:
        if (!d->id || !d->version_id)
            return 0;
        release_prefix(d->version_id, 2, rel, sizeof(rel));
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "%s:v%s",
                 strcmp(d->id, "wolfi") == 0 ? "Wolfi" : "Alpine", rel);
        out[0].name = p->source_name ? p->source_name : p->name;
        out[0].version = p->version;
        return 1;
    case MOAT_PKG_RPM: {
        const char *eco = NULL;
        if (!d->id)
            return 0;
        if (strcmp(d->id, "almalinux") == 0)
            eco = "AlmaLinux";
        else if (strcmp(d->id, "rocky") == 0)
            eco = "Rocky Linux";
        else if (strcmp(d->id, "rhel") == 0)
            eco = "Red Hat";
        else if (strncmp(d->id, "opensuse", 8) == 0)
            eco = "openSUSE";
        else if (strcmp(d->id, "sles") == 0)
            eco = "SUSE";
        else if (strcmp(d->id, "amzn") == 0)
            eco = "Amazon Linux";
        if (!eco)
            return 0;
        if (d->version_id) {
            release_prefix(d->version_id, 1, rel, sizeof(rel));
            snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "%s:%s", eco, rel);
        } else {
            snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "%s", eco);
        }
        out[0].name = p->name;
        out[0].version = p->version;
        n = 1;
        if (p->source_name && strcmp(p->source_name, p->name) != 0) {
            out[1] = out[0];
            out[1].name = p->source_name;
            n = 2;
        }
        return n;
    }
    case MOAT_PKG_NPM:
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "npm");
        out[0].name = p->ns ? arena_printf(a, "@%s/%s", p->ns, p->name) : p->name;
        break;
    case MOAT_PKG_PYPI:
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "PyPI");
        out[0].name = p->name;
        break;
    case MOAT_PKG_GOLANG:
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "Go");
        out[0].name = p->name;
        break;
    case MOAT_PKG_MAVEN:
        if (!p->ns)
            return 0;
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "Maven");
        out[0].name = arena_printf(a, "%s:%s", p->ns, p->name);
        break;
    case MOAT_PKG_GEM:
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "RubyGems");
        out[0].name = p->name;
        break;
    case MOAT_PKG_COMPOSER:
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "Packagist");
        out[0].name = p->ns ? arena_printf(a, "%s/%s", p->ns, p->name) : p->name;
        break;
    case MOAT_PKG_CARGO:
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "crates.io");
        out[0].name = p->name;
        break;
    case MOAT_PKG_NUGET:
        snprintf(out[0].ecosystem, sizeof(out[0].ecosystem), "NuGet");
        out[0].name = p->name;
        break;
    case MOAT_PKG_GENERIC:
        return lookups_generic(p, a, out);
    default:
        return 0;
    }
    out[0].version = p->version;
    return out[0].name && out[0].version ? 1 : 0;
}

/* ---- per package: hits, alias groups, findings ---- */

struct hit {
    const struct advisory_affected *af;
    const struct advisory_record *rec;
    const char *fix;
    const char *ecosystem;
    size_t group;
};

static int
same_problem(const struct hit *a, const struct hit *b)
{
    size_t i, j;

    if (strcmp(a->af->id, b->af->id) == 0)
        return 1;
    for (i = 0; i < a->rec->naliases; i++) {
        if (strcmp(a->rec->aliases[i], b->af->id) == 0)
            return 1;
        for (j = 0; j < b->rec->naliases; j++)
            if (strcmp(a->rec->aliases[i], b->rec->aliases[j]) == 0)
                return 1;
    }
    for (j = 0; j < b->rec->naliases; j++)
        if (strcmp(b->rec->aliases[j], a->af->id) == 0)
            return 1;
    return 0;
}

static size_t
find_root(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/* CVE first, then GHSA, then anything else; alphabetical within. */
static int
id_preference(const char *id)
{
    return str_starts(id, "CVE-") ? 0 : str_starts(id, "GHSA-") ? 1 : 2;
}

static int
id_better(const char *a, const char *b)
{
    int pa = id_preference(a), pb = id_preference(b);
    return pa != pb ? pa < pb : strcmp(a, b) < 0;
}

/* A title for records without a summary (PyPA's have only details): the
 * first sentence or line of the details, at most 120 bytes. */
static const char *
first_sentence(struct arena *a, const char *d)
{
    size_t n = 0, cut;

    if (!d)
        return NULL;
    while (d[n] && d[n] != '\n' && n < 120) {
        /* a sentence end, unless the first sentence says too little
         * ("Requests is a HTTP library.") */
        if (d[n] == '.' && (d[n + 1] == ' ' || d[n + 1] == '\0' || d[n + 1] == '\n') &&
            n >= 40) {
            n++;
            break;
        }
        n++;
    }
    cut = n;
    if (n == 120 && d[n]) {
        while (cut > 60 && d[cut] != ' ')
            cut--;
        return arena_printf(a, "%.*s...", (int)cut, d);
    }
    return arena_strndup(a, d, cut);
}

static int
add_unique(struct arena *a, const char ***arr, size_t *n, size_t *cap, const char *s)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (strcmp((*arr)[i], s) == 0)
            return 0;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        const char **na = arena_alloc(a, nc * sizeof(*na));
        if (!na)
            return MOAT_ENOMEM;
        if (*n)
            memcpy(na, *arr, *n * sizeof(*na));
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = arena_strdup(a, s);
    return (*arr)[*n - 1] ? 0 : MOAT_ENOMEM;
}

struct matcher {
    struct moat_result *res;
    struct advisory_db *db;
    const struct moat_match_options *o;
    struct suppress *sup;
    struct arena *ra;         /* result arena */
    struct arena scratch;     /* per package */
    struct map records;       /* record row (as text) -> struct advisory_record* */
    struct arena rec_arena;   /* records fetched, shared across packages */
    int min_rank;             /* drop findings ranked below (higher number) */
    time_t now;
    struct moat_finding *found;
    size_t nfound, capfound;
    char *err;
    size_t errlen;
};

static const struct advisory_record *
record(struct matcher *m, int64_t row)
{
    char key[32];
    struct advisory_record *r;
    char *k;

    snprintf(key, sizeof(key), "%lld", (long long)row);
    r = map_get(&m->records, key);
    if (r)
        return r;
    if (advisory_db_record_at(m->db, row, &m->rec_arena, &r, m->err, m->errlen) != 0)
        return NULL;
    k = arena_strdup(&m->rec_arena, key);
    if (!k || map_put(&m->records, k, r, NULL) != 0)
        return NULL;
    return r;
}

static int
emit(struct matcher *m, const struct moat_finding *f)
{
    if (m->nfound == m->capfound) {
        size_t cap = m->capfound ? m->capfound * 2 : 64;
        struct moat_finding *nf = realloc(m->found, cap * sizeof(*nf));
        if (!nf)
            return MOAT_ENOMEM;
        m->found = nf;
        m->capfound = cap;
    }
    m->found[m->nfound++] = *f;
    return 0;
}

/* Builds the finding of one alias group of package pi's hits. */
static int
group_finding(struct matcher *m, long pi, const struct lookup *lk, struct hit *hits, size_t nh,
              size_t g, const struct version_scheme *vs)
{
    const struct moat_package *p = &m->res->packages[pi];
    struct moat_finding f;
    struct severity sv = {4, -1, NULL};
    const char **ids = NULL, *primary = NULL, *fix = NULL, *title = NULL, *published = NULL;
    const char *details = NULL;
    size_t nids = 0, capids = 0, i, j;
    int malware = 0, rc;
    const char *const *checks;

    memset(&f, 0, sizeof(f));
    f.offset = -1;
    for (i = 0; i < nh; i++) {
        const struct hit *h = &hits[i];
        if (h->group != g)
            continue;
        rc = add_unique(m->ra, &ids, &nids, &capids, h->af->id);
        for (j = 0; !rc && j < h->rec->naliases; j++)
            rc = add_unique(m->ra, &ids, &nids, &capids, h->rec->aliases[j]);
        if (rc)
            return rc;
        if (!primary || id_better(h->af->id, primary)) {
            primary = h->af->id;
            title = h->rec->summary;
        }
        if (!details && h->rec->details)
            details = h->rec->details;
        for (j = 0; j < h->rec->naliases; j++)
            if (id_better(h->rec->aliases[j], primary))
                primary = h->rec->aliases[j];
        if (!title)
            title = h->rec->summary;
        consider(&sv, h->rec->severity, h->rec->nseverity);
        consider(&sv, h->af->severity, h->af->nseverity);
        malware |= (h->af->flags & OSV_MALWARE) != 0;
        if (h->fix) {
            int cmp;
            if (!fix || (vs->cmp(h->fix, fix, &cmp) == 0 && cmp > 0))
                fix = h->fix;
        }
        if (h->rec->published && (!published || strcmp(h->rec->published, published) < 0))
            published = h->rec->published;
    }
    severity_final(&sv);
    if (malware)
        sv.rank = 0;
    /* the primary id first, the others as aliases */
    for (i = 0; i < nids; i++) {
        if (strcmp(ids[i], primary) == 0) {
            const char *t = ids[0];
            ids[0] = ids[i];
            ids[i] = t;
            break;
        }
    }
    if (!malware && sv.rank > m->min_rank)
        return 0;
    if (!malware && m->o->ignore_unfixed && !fix)
        return 0;
    f.kind = malware ? "malware" : "vulnerability";
    f.id = arena_strdup(m->ra, ids[0]);
    f.aliases = nids > 1 ? ids + 1 : NULL;
    f.naliases = nids - 1;
    f.severity = sev_names[sv.rank];
    f.score = sv.tenths >= 0 ? sv.tenths / 10.0 : -1;
    f.score_vector = arena_strdup(m->ra, sv.vector);
    f.title = title ? arena_strdup(m->ra, title) : first_sentence(m->ra, details);
    f.path = p->path;
    f.layer = p->layer;
    f.package = pi;
    f.installed = arena_strdup(m->ra, lk->version);
    f.fixed = arena_strdup(m->ra, fix);
    f.ecosystem = arena_strdup(m->ra, lk->ecosystem);
    f.published = arena_strdup(m->ra, published);
    f.evidence = malware ? arena_printf(m->ra, "%s %s is a known malicious package (%s)",
                                        p->name, lk->version, ids[0])
                         : arena_printf(m->ra, "%s %s is affected%s%s", lk->name, lk->version,
                                        fix ? "; fixed in " : "; no fix yet",
                                        fix ? fix : "");
    checks = ids;
    f.suppressed = m->sup ? suppress_check(m->sup, checks, nids, p->purl, p->path,
                                           m->res->image.digest, m->now)
                          : NULL;
    if (f.suppressed) /* the rule set is freed with the matcher */
        f.suppressed = arena_strdup(m->ra, f.suppressed);
    return emit(m, &f);
}

static int
match_package(struct matcher *m, long pi)
{
    const struct moat_package *p = &m->res->packages[pi];
    struct lookup lk[3];
    struct hit *hits = NULL;
    size_t nlk, li, nh = 0, caph = 0, i, j, *parent = NULL;
    const struct version_scheme *vs;
    int rc = 0;

    if (p->owner >= 0)
        return 0;
    arena_free(&m->scratch);
    arena_init(&m->scratch);
    nlk = lookups_for(m->res, p, &m->scratch, lk);
    for (li = 0; li < nlk; li++) {
        struct advisory_affected *afs;
        struct eval_ctx ec;
        size_t n, k;

        vs = version_scheme_for(lk[li].ecosystem);
        if (!vs)
            continue;
        memset(&ec, 0, sizeof(ec));
        ec.vs = vs;
        ec.version = lk[li].version;
        ec.version_valid = vs->valid(lk[li].version);
        rc = advisory_db_lookup(m->db, lk[li].ecosystem, lk[li].name, &m->scratch, &afs, &n,
                                m->err, m->errlen);
        if (rc)
            goto out;
        if (n && !ec.version_valid)
            result_add_problem(m->res, MOAT_WARN, p->layer, p->path, "advisories",
                               "%s %s is not a valid %s version: only advisories listing it "
                               "exactly were checked", lk[li].name, lk[li].version, vs->name);
        for (k = 0; k < n; k++) {
            const struct advisory_affected *af = &afs[k];
            const char *fix;
            struct hit *h;
            if (af->flags & OSV_WITHDRAWN)
                continue;
            if (!eval_affected(&ec, af, &fix))
                continue;
            for (j = 0; j < nh; j++)
                if (hits[j].af->record == af->record)
                    break;
            if (j < nh)
                continue; /* found through another name of the same package */
            if (nh == caph) {
                size_t nc = caph ? caph * 2 : 8;
                struct hit *nhits = realloc(hits, nc * sizeof(*nhits));
                if (!nhits) {
                    rc = MOAT_ENOMEM;
                    goto out;
                }
                hits = nhits;
                caph = nc;
            }
            h = &hits[nh];
            h->af = af;
            h->rec = record(m, af->record);
            if (!h->rec) {
                rc = MOAT_EIO;
                goto out;
            }
            h->fix = fix;
            h->ecosystem = lk[li].ecosystem;
            nh++;
        }
        if (ec.bad_ranges)
            result_add_problem(m->res, MOAT_WARN, p->layer, p->path, "advisories",
                               "%zu advisory range(s) for %s could not be evaluated: "
                               "version '%s' is not a valid %s version",
                               ec.bad_ranges, lk[li].name,
                               ec.bad_version ? ec.bad_version : "?", vs->name);
    }
    if (nh == 0)
        goto out;
    /* alias groups (union-find; a package has a handful of hits) */
    parent = malloc(nh * sizeof(*parent));
    if (!parent) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    for (i = 0; i < nh; i++)
        parent[i] = i;
    for (i = 0; i < nh; i++)
        for (j = i + 1; j < nh; j++)
            if (same_problem(&hits[i], &hits[j]))
                parent[find_root(parent, j)] = find_root(parent, i);
    for (i = 0; i < nh; i++)
        hits[i].group = find_root(parent, i);
    for (i = 0; i < nh && rc == 0; i++) {
        if (hits[i].group != i)
            continue;
        for (li = 0; li < nlk; li++)
            if (strcmp(lk[li].ecosystem, hits[i].ecosystem) == 0)
                break;
        vs = version_scheme_for(hits[i].ecosystem);
        rc = group_finding(m, pi, &lk[li < nlk ? li : 0], hits, nh, i, vs);
    }
out:
    free(parent);
    free(hits);
    return rc;
}

/* ---- base image and remediation ---- */

/* The base image ends at the last CMD/ENTRYPOINT of the history that is
 * followed by a layer of the image's own (base images end with one; a
 * Dockerfile's FROM then adds layers). -1 when the history does not tell. */
static int
infer_base_layers(const struct moat_result *res)
{
    json_t *cfg, *hist, *h;
    size_t i;
    int layers = 0, base = -1, last_cmd_at = -1;

    if (!res->image.config_json)
        return -1;
    cfg = json_loads(res->image.config_json, 0, NULL);
    hist = json_object_get(cfg, "history");
    json_array_foreach(hist, i, h)
    {
        const char *by = json_string_value(json_object_get(h, "created_by"));
        int empty = json_is_true(json_object_get(h, "empty_layer"));
        if (empty && by && (strstr(by, "CMD") || strstr(by, "ENTRYPOINT"))) {
            last_cmd_at = layers;
            continue;
        }
        if (!empty) {
            if (last_cmd_at >= 0 && last_cmd_at == layers)
                base = layers; /* a CMD directly followed by a new layer */
            layers++;
        }
    }
    json_decref(cfg);
    return base > 0 && (size_t)base < res->image.nlayers ? base : -1;
}

struct unit {
    const char *key;
    struct moat_remedy r;
    long *pk;
    size_t npk, cappk;
    const struct version_scheme *vs;
    int all_base;
};

static int
unit_cmp(const void *a, const void *b)
{
    const struct unit *x = a, *y = b;
    size_t i;

    if (x->r.base != y->r.base)
        return x->r.base ? 1 : -1; /* the image's own first: it can act now */
    for (i = 0; i < 4; i++)
        if (x->r.by_severity[i] != y->r.by_severity[i])
            return x->r.by_severity[i] > y->r.by_severity[i] ? -1 : 1;
    if (x->r.fixes != y->r.fixes)
        return x->r.fixes > y->r.fixes ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int
plan(struct matcher *m)
{
    struct moat_result *res = m->res;
    struct map units;
    struct unit *u = NULL;
    size_t nu = 0, capu = 0, i, j;
    int rc = 0;

    map_init(&units);
    for (i = 0; i < res->nfindings; i++) {
        const struct moat_finding *f = &res->findings[i];
        const struct moat_package *p;
        const struct version_scheme *vs;
        struct unit *x;
        char *key;
        uintptr_t at;
        if (strcmp(f->kind, "vulnerability") != 0 || f->suppressed || !f->fixed ||
            f->package < 0)
            continue;
        p = &res->packages[f->package];
        vs = version_scheme_for(f->ecosystem);
        if (!vs)
            continue;
        /* OS packages upgrade by source package; others by name + version */
        key = p->type <= MOAT_PKG_RPM && p->source_name
                  ? arena_printf(&m->scratch, "%d|%s|%s", (int)p->type, p->source_name,
                                 f->installed)
                  : arena_printf(&m->scratch, "%d|%s/%s|%s", (int)p->type, p->ns ? p->ns : "",
                                 p->name, f->installed);
        if (!key) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        at = (uintptr_t)map_get(&units, key);
        if (!at) {
            if (nu == capu) {
                size_t nc = capu ? capu * 2 : 16;
                struct unit *nuv = realloc(u, nc * sizeof(*nuv));
                if (!nuv) {
                    rc = MOAT_ENOMEM;
                    goto out;
                }
                u = nuv;
                capu = nc;
            }
            memset(&u[nu], 0, sizeof(u[nu]));
            u[nu].key = key;
            u[nu].vs = vs;
            u[nu].all_base = 1;
            u[nu].r.type = p->type;
            u[nu].r.name = p->type <= MOAT_PKG_RPM && p->source_name
                               ? p->source_name
                               : p->ns ? arena_printf(m->ra, "%s%s/%s",
                                                      p->type == MOAT_PKG_NPM ? "@" : "",
                                                      p->ns, p->name)
                                       : p->name;
            u[nu].r.installed = f->installed;
            nu++;
            at = nu;
            if (map_put(&units, key, (void *)at, NULL)) {
                rc = MOAT_ENOMEM;
                goto out;
            }
        }
        x = &u[at - 1];
        x->r.fixes++;
        x->r.by_severity[match_severity_rank(f->severity)]++;
        if (!x->r.target) {
            x->r.target = f->fixed;
        } else {
            int cmp;
            if (x->vs->cmp(f->fixed, x->r.target, &cmp) == 0 && cmp > 0)
                x->r.target = f->fixed;
        }
        for (j = 0; j < x->npk; j++)
            if (x->pk[j] == f->package)
                break;
        if (j == x->npk) {
            if (x->npk == x->cappk) {
                size_t nc = x->cappk ? x->cappk * 2 : 4;
                long *np = realloc(x->pk, nc * sizeof(*np));
                if (!np) {
                    rc = MOAT_ENOMEM;
                    goto out;
                }
                x->pk = np;
                x->cappk = nc;
            }
            x->pk[x->npk++] = f->package;
            if (res->base_layers < 0 || p->layer >= res->base_layers)
                x->all_base = 0;
        }
    }
    for (i = 0; i < nu; i++)
        u[i].r.base = u[i].all_base && res->base_layers > 0;
    qsort(u, nu, sizeof(*u), unit_cmp);
    res->remedies = arena_alloc(m->ra, (nu ? nu : 1) * sizeof(*res->remedies));
    if (!res->remedies) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    for (i = 0; i < nu; i++) {
        long *pk = arena_alloc(m->ra, u[i].npk * sizeof(*pk));
        if (!pk) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        memcpy(pk, u[i].pk, u[i].npk * sizeof(*pk));
        res->remedies[i] = u[i].r;
        res->remedies[i].packages = pk;
        res->remedies[i].npackages = u[i].npk;
    }
    res->nremedies = nu;
out:
    for (i = 0; i < nu; i++)
        free(u[i].pk);
    free(u);
    map_free(&units);
    return rc;
}

int
moat_match(struct moat_result *res, struct moat_advisories *db,
           const struct moat_match_options *opt, char *err, size_t errlen)
{
    struct moat_match_options defo;
    struct matcher m;
    size_t i;
    int rc = 0;

    if (!opt) {
        moat_match_options_init(&defo);
        opt = &defo;
    }
    memset(&m, 0, sizeof(m));
    m.res = res;
    m.db = db->db;
    m.o = opt;
    m.ra = result_arena(res);
    m.err = err;
    m.errlen = errlen;
    m.now = opt->now ? (time_t)opt->now : time(NULL);
    m.min_rank = opt->min_severity ? match_severity_rank(opt->min_severity) : 4;
    if (opt->min_severity && m.min_rank == 4 && !str_eq_nocase(opt->min_severity, "unknown")) {
        snprintf(err, errlen, "unknown severity '%s' (low, medium, high, critical)",
                 opt->min_severity);
        return -1;
    }
    arena_init(&m.scratch);
    arena_init(&m.rec_arena);
    map_init(&m.records);
    if (opt->nignore_files || opt->nvex_files) {
        const char *what[32];
        size_t n;
        if (suppress_new(&m.sup) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            goto out;
        }
        for (i = 0; i < opt->nignore_files; i++)
            if (suppress_load_ignore(m.sup, opt->ignore_files[i], err, errlen) != 0) {
                rc = -1;
                goto out;
            }
        for (i = 0; i < opt->nvex_files; i++)
            if (suppress_load_vex(m.sup, opt->vex_files[i], err, errlen) != 0) {
                rc = -1;
                goto out;
            }
        n = suppress_expired(m.sup, m.now, what, 32);
        for (i = 0; i < n && i < 32; i++)
            result_add_problem(res, MOAT_WARN, -1, NULL, "ignore",
                               "expired, so it no longer suppresses anything: %s", what[i]);
    }
    res->base_layers = opt->base_layers >= 0 ? opt->base_layers : infer_base_layers(res);
    for (i = 0; i < res->npackages; i++) {
        if (match_package(&m, (long)i) != 0) {
            if (!err[0])
                snprintf(err, errlen, "advisory matching failed: %s", "out of memory");
            rc = -1;
            goto out;
        }
    }
    if (result_add_findings(res, m.found, m.nfound) != 0 || plan(&m) != 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
out:
    free(m.found);
    suppress_free(m.sup);
    map_free(&m.records);
    arena_free(&m.rec_arena);
    arena_free(&m.scratch);
    return rc;
}

/* ---- explaining one version (`moat db query`) ---- */

static const char *
event_name(enum advisory_event_kind k)
{
    switch (k) {
    case ADVISORY_INTRODUCED:
        return "introduced";
    case ADVISORY_FIXED:
        return "fixed";
    case ADVISORY_LAST_AFFECTED:
        return "last_affected";
    default:
        return "limit";
    }
}

int
moat_advisories_explain(struct moat_advisories *db, const char *ecosystem, const char *name,
                        const char *version, char **out, size_t *naffected, char *err,
                        size_t errlen)
{
    const struct version_scheme *vs = version_scheme_for(ecosystem);
    struct advisory_affected *afs;
    struct arena a;
    struct buf b;
    struct eval_ctx ec;
    size_t n, i, j, k, affected = 0;
    int rc = -1;

    *out = NULL;
    if (naffected)
        *naffected = 0;
    if (!vs) {
        snprintf(err, errlen, "unknown ecosystem '%s'", ecosystem);
        return -1;
    }
    arena_init(&a);
    buf_init(&b, 16u << 20);
    if (advisory_db_lookup(db->db, ecosystem, name, &a, &afs, &n, err, errlen) != 0)
        goto out;
    memset(&ec, 0, sizeof(ec));
    ec.vs = vs;
    ec.version = version;
    ec.version_valid = vs->valid(version);
    buf_printf(&b, "%s %s %s: %zu advisory entr%s", ecosystem, name, version, n,
               n == 1 ? "y" : "ies");
    if (!ec.version_valid)
        buf_printf(&b, " (%s is not a valid %s version: only explicit version lists can "
                       "match it)", version, vs->name);
    buf_adds(&b, "\n");
    for (i = 0; i < n; i++) {
        const struct advisory_affected *af = &afs[i];
        const struct advisory_record *rec = NULL;
        const char *fix;
        int aff;

        advisory_db_record_at(db->db, af->record, &a, (struct advisory_record **)&rec, err,
                              errlen);
        buf_printf(&b, "\n%s", af->id);
        if (rec && rec->naliases) {
            buf_adds(&b, " (");
            for (j = 0; j < rec->naliases; j++)
                buf_printf(&b, "%s%s", j ? ", " : "", rec->aliases[j]);
            buf_adds(&b, ")");
        }
        buf_printf(&b, " [%s%s%s]\n", af->ecosystem, af->release[0] ? ":" : "", af->release);
        if (rec && rec->summary)
            buf_printf(&b, "  %s\n", rec->summary);
        if (af->flags & OSV_WITHDRAWN) {
            buf_adds(&b, "  withdrawn: never matched\n");
            continue;
        }
        if (af->nversions)
            buf_printf(&b, "  versions list: %zu versions, %s\n", af->nversions,
                       advisory_versions_has(af, version) ? "lists it" : "does not list it");
        for (j = 0; j < af->nranges; j++) {
            const struct advisory_range *r = &af->ranges[j];
            const struct advisory_event *why;
            size_t bad_before = ec.bad_ranges;
            int ra;
            buf_printf(&b, "  range %s:", r->type == ADVISORY_SEMVER ? "SEMVER" : "ECOSYSTEM");
            for (k = 0; k < r->nevents; k++)
                buf_printf(&b, "%s %s %s", k ? "," : "", event_name(r->events[k].kind),
                           r->events[k].version);
            buf_adds(&b, "\n");
            if (!ec.version_valid)
                continue;
            ra = eval_range_why(&ec, r, &fix, &why);
            if (ec.bad_ranges != bad_before)
                buf_printf(&b, "    cannot evaluate: '%s' is not a valid %s version\n",
                           ec.bad_version ? ec.bad_version : "?", vs->name);
            else if (ra)
                buf_printf(&b, "    affected: at or above %s %s%s%s\n",
                           why ? event_name(why->kind) : "introduced",
                           why ? why->version : "0", fix ? "; fixed in " : "; no fix",
                           fix ? fix : "");
            else if (!why)
                buf_adds(&b, "    not affected: below the first introduced version\n");
            else
                buf_printf(&b, "    not affected: %s %s %s\n",
                           why->kind == ADVISORY_LAST_AFFECTED ? "above" : "at or above",
                           event_name(why->kind), why->version);
        }
        if (af->git_ranges)
            buf_printf(&b, "  %u GIT range(s): counted, not evaluated\n", af->git_ranges);
        aff = eval_affected(&ec, af, &fix);
        if (aff)
            affected++;
        buf_printf(&b, "  => %s%s%s\n", aff ? "AFFECTED" : "not affected",
                   aff && fix ? ", fixed in " : aff ? ", no fixed version" : "",
                   aff && fix ? fix : "");
    }
    buf_printf(&b, "\n%s %s is affected by %zu of %zu entr%s\n", name, version, affected, n,
               n == 1 ? "y" : "ies");
    if (!b.data) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    *out = buf_steal(&b);
    if (naffected)
        *naffected = affected;
    rc = 0;
out:
    buf_free(&b);
    arena_free(&a);
    return rc;
}

int
moat_advisories_affecting(struct moat_advisories *db, const char *ecosystem, const char *name,
                          const char *version, unsigned flags, char **ids, char *err,
                          size_t errlen)
{
    const struct version_scheme *vs = version_scheme_for(ecosystem);
    struct advisory_affected *afs;
    struct arena a;
    struct buf b;
    struct eval_ctx ec;
    size_t n, i;
    int rc = -1;

    *ids = NULL;
    if (!vs) {
        snprintf(err, errlen, "unknown ecosystem '%s'", ecosystem);
        return -1;
    }
    arena_init(&a);
    buf_init(&b, 16u << 20);
    if (advisory_db_lookup(db->db, ecosystem, name, &a, &afs, &n, err, errlen) != 0)
        goto out;
    memset(&ec, 0, sizeof(ec));
    ec.vs = vs;
    ec.version = version;
    ec.version_valid = vs->valid(version);
    for (i = 0; i < n; i++) {
        const char *fix;
        int aff;
        if (afs[i].flags & OSV_WITHDRAWN)
            continue;
        if (flags & MOAT_RANGES_ONLY) {
            size_t j;
            for (aff = 0, j = 0; j < afs[i].nranges && !aff && ec.version_valid; j++)
                aff = eval_range(&ec, &afs[i].ranges[j], &fix);
        } else {
            aff = eval_affected(&ec, &afs[i], &fix);
        }
        if (aff)
            buf_printf(&b, "%s%s", b.len ? "," : "", afs[i].id);
    }
    *ids = buf_steal(&b);
    rc = *ids ? 0 : -1;
out:
    buf_free(&b);
    arena_free(&a);
    return rc;
}

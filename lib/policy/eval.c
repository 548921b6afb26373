/*
 * eval.c - evaluating an admission policy against a scan result: the
 * verdict and the reasons behind it.
 *
 * Rules over findings run deny rules first, then warn rules, each in the
 * order the policy defines them; a finding is reported under the first
 * rule that takes it, so that a critical vulnerability denied by one rule
 * is not repeated as a warning by a broader one. A reason names its rule
 * and lists the findings behind it (MOAT_LIMIT_POLICY_LISTED of them, the
 * rest counted).
 *
 * A rule whose findings the scan could not have found (no advisory
 * database, a detector turned off, no image config to read the user from)
 * is reported "not evaluated" with its own action: a gate must not pass an
 * image because nobody looked.
 *
 * Exceptions waive findings (by id, package, path or check) or whole rules
 * until they expire; a waiver that applied is listed as an info reason so
 * the audit trail shows it, and an expired one is a warning.
 */
#include "policy/policy.h"
#include "advisory/suppress.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/vec.h"
#include "image/registry.h"
#include "result.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Longest text of one reason; items are cut to fit. */
#define REASON_MAX 8192
/* What became of a finding (struct eval.taken). */
#define TAKEN 1                /* reported under a rule */
#define WAIVED 2               /* waived by an exception for some rule */

/* Longest text kept of one listed finding. */
#define ITEM_MAX 300

struct pol_reasons {
    struct arena *a;           /* the result's */
    struct vec level[3];       /* deny, warn, info: char * each */
};

/* What one exception waived during this evaluation. */
struct waiver {
    size_t count;
    struct buf items;
    size_t listed;
};

struct eval {
    const struct moat_policy *p;
    struct moat_result *res;
    const struct moat_policy_context *ctx;
    int64_t now;
    struct pol_reasons rs;
    unsigned char *taken;      /* per finding: TAKEN, WAIVED or 0 */
    struct waiver *waivers;    /* per exception */
};

int
severity_rank(const char *s)
{
    if (!s)
        return 0;
    if (strcmp(s, "critical") == 0)
        return 4;
    if (strcmp(s, "high") == 0)
        return 3;
    if (strcmp(s, "medium") == 0)
        return 2;
    if (strcmp(s, "low") == 0)
        return 1;
    return 0;
}

int
glob_match(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;

    /* on a mismatch, let the last '*' swallow one more byte: each '*'
     * only ever moves forward, so this never backtracks further */
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == '?' || *p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

int
reasons_add(struct pol_reasons *r, enum pol_action level, const char *fmt, ...)
{
    static const char *const prefix[] = {"", "warn: ", "deny: ", "info: "};
    struct vec *v = &r->level[level == POL_DENY ? 0 : level == POL_WARN ? 1 : 2];
    char body[REASON_MAX];
    const char **slot;
    va_list ap;

    if (level == POL_OFF)
        return 0;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    slot = vec_push(v);
    if (!slot)
        return MOAT_ENOMEM;
    *slot = arena_printf(r->a, "%s%s", prefix[level], body);
    return *slot ? 0 : MOAT_ENOMEM;
}

const char *
policy_day(int64_t t, char out[16])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || strftime(out, 16, "%Y-%m-%d", &tm) == 0)
        snprintf(out, 16, "?");
    return out;
}

/* ---- findings ---- */

static const char *const kind_of[PK_COUNT] = {
    "vulnerability", "malware", "persistence", "integrity", "secret", "config", NULL,
};

static const struct moat_package *
package_of(const struct moat_result *res, const struct moat_finding *f)
{
    if (f->package < 0 || (size_t)f->package >= res->npackages)
        return NULL;
    return &res->packages[f->package];
}

static int
any_id_glob(const struct pol_list *globs, const struct moat_finding *f)
{
    size_t i, j;

    for (i = 0; i < globs->n; i++) {
        if (f->id && glob_match(globs->v[i], f->id))
            return 1;
        for (j = 0; j < f->naliases; j++)
            if (f->aliases[j] && glob_match(globs->v[i], f->aliases[j]))
                return 1;
    }
    return 0;
}

static int
any_path_glob(const struct pol_list *globs, const struct moat_finding *f,
              const struct moat_package *pkg)
{
    size_t i;

    for (i = 0; i < globs->n; i++) {
        if (f->path && glob_match(globs->v[i], f->path))
            return 1;
        if (pkg && pkg->path && glob_match(globs->v[i], pkg->path))
            return 1;
    }
    return 0;
}

static int
in_list(const struct pol_list *l, const char *s)
{
    size_t i;

    for (i = 0; s && i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

static int
rule_matches(const struct eval *ev, const struct pol_rule *r, const struct moat_finding *f)
{
    size_t j;

    if (!f->kind || strcmp(f->kind, kind_of[r->kind]) != 0 || f->suppressed)
        return 0;
    if (r->min_severity >= 0 && severity_rank(f->severity) < r->min_severity)
        return 0;
    if (r->fixable && !(f->fixed && f->fixed[0]))
        return 0;
    if (r->older_than_days >= 0) {
        int64_t t;
        /* no publication date: the age cannot be shown, so the rule does
         * not apply (docs/POLICY.md) */
        if (!f->published || policy_parse_time(f->published, 0, &t) != 0 ||
            ev->now - t < r->older_than_days * 86400)
            return 0;
    }
    if (r->kev) {
        int listed = f->id && map_get(&r->kev->ids, f->id);
        for (j = 0; !listed && j < f->naliases; j++)
            listed = f->aliases[j] && map_get(&r->kev->ids, f->aliases[j]);
        if (!listed)
            return 0;
    }
    if (r->ids.n && !any_id_glob(&r->ids, f))
        return 0;
    if (r->paths.n && !any_path_glob(&r->paths, f, package_of(ev->res, f)))
        return 0;
    if (r->checks.n && !in_list(&r->checks, f->id))
        return 0;
    if (!r->removed && f->removed)
        return 0;
    return 1;
}

/* One line about a finding: "CVE-2023-5678 in libssl3 3.0.11-1 (fixed in
 * 3.0.13-1)", "private-key at /root/.ssh/id_rsa (layer 1, removed later)". */
static void
describe(struct buf *b, const struct moat_result *res, const struct moat_finding *f)
{
    const struct moat_package *pkg = package_of(res, f);
    int vuln = f->kind && strcmp(f->kind, "vulnerability") == 0;
    size_t start = b->len;

    buf_printf(b, "%.128s", f->id ? f->id : "(no id)");
    if (f->kind && strcmp(f->kind, "config") == 0 && f->title)
        buf_printf(b, " (%.100s)", f->title);
    if (pkg)
        buf_printf(b, " in %.100s %.60s", pkg->name ? pkg->name : "?",
                   pkg->version ? pkg->version : "");
    else if (f->path)
        buf_printf(b, " at %.200s", f->path);
    if (vuln)
        buf_printf(b, f->fixed && f->fixed[0] ? " (fixed in %.60s)" : " (no fix)%.0s",
                   f->fixed ? f->fixed : "");
    if (f->removed)
        buf_printf(b, " (layer %d, removed by a later layer but still shipped)", f->layer);
    if (b->len - start > ITEM_MAX && b->data) {
        b->len = start + ITEM_MAX;
        b->data[b->len] = '\0';
    }
}

/* "; and 41 more" when a list was cut, else "". */
static const char *
more(size_t count, size_t listed, char out[40])
{
    out[0] = '\0';
    if (count > listed)
        snprintf(out, 40, "; and %zu more", count - listed);
    return out;
}

/* Adds an item to a list reason being built: "a; b; c". */
static void
list_item(struct buf *b, size_t *listed, const struct moat_result *res,
          const struct moat_finding *f)
{
    if (*listed >= MOAT_LIMIT_POLICY_LISTED)
        return;
    if (*listed)
        buf_adds(b, "; ");
    describe(b, res, f);
    (*listed)++;
}

/* ---- exceptions ---- */

static int
exception_active(const struct eval *ev, const struct pol_exception *e)
{
    return ev->now < e->expires;
}

static int
covers_rule(const struct pol_exception *e, const char *rule)
{
    size_t i;

    if (!e->rules.n)
        return 1;
    for (i = 0; i < e->rules.n; i++) {
        size_t n = strlen(e->rules.v[i]);
        if (strncmp(rule, e->rules.v[i], n) == 0 && (rule[n] == '\0' || rule[n] == '.'))
            return 1;
    }
    return 0;
}

static int
has_selectors(const struct pol_exception *e)
{
    return e->ids.n || e->purls.n || e->paths.n || e->checks.n;
}

static int
exception_matches(const struct eval *ev, const struct pol_exception *e,
                  const struct moat_finding *f)
{
    const struct moat_package *pkg = package_of(ev->res, f);
    size_t i;
    int ok;

    if (e->ids.n && !any_id_glob(&e->ids, f))
        return 0;
    if (e->checks.n && (!f->kind || strcmp(f->kind, "config") != 0 || !in_list(&e->checks, f->id)))
        return 0;
    if (e->purls.n) {
        ok = 0;
        for (i = 0; !ok && pkg && pkg->purl && i < e->purls.n; i++)
            ok = purl_matches(e->purls.v[i], pkg->purl);
        if (!ok)
            return 0;
    }
    if (e->paths.n && !any_path_glob(&e->paths, f, pkg))
        return 0;
    return 1;
}

static void
note_waiver(struct eval *ev, size_t i, const char *rule, const struct moat_finding *f)
{
    struct waiver *w = &ev->waivers[i];

    w->count++;
    if (w->listed >= MOAT_LIMIT_POLICY_LISTED)
        return;
    if (w->listed)
        buf_adds(&w->items, "; ");
    if (f)
        describe(&w->items, ev->res, f);
    else
        buf_printf(&w->items, "the rule %s", rule);
    if (f)
        buf_printf(&w->items, " [%s]", rule);
    w->listed++;
}

/* The first live exception that waives finding f for rule, or -1. */
static long
finding_waiver(struct eval *ev, const char *rule, const struct moat_finding *f)
{
    size_t i;

    for (i = 0; i < ev->p->nexceptions; i++) {
        const struct pol_exception *e = &ev->p->exceptions[i];
        if (exception_active(ev, e) && covers_rule(e, rule) && exception_matches(ev, e, f))
            return (long)i;
    }
    return -1;
}

/* Does a live exception waive the whole rule? Notes it if so. */
static int
rule_waived(void *ud, const char *rule)
{
    struct eval *ev = ud;
    size_t i;

    for (i = 0; i < ev->p->nexceptions; i++) {
        const struct pol_exception *e = &ev->p->exceptions[i];
        if (exception_active(ev, e) && !has_selectors(e) && covers_rule(e, rule)) {
            note_waiver(ev, i, rule, NULL);
            return 1;
        }
    }
    return 0;
}

/* ---- rules over findings ---- */

/* Why a rule's findings may be missing, or NULL when they were looked for. */
static const char *
unchecked(const struct eval *ev, enum pol_kind k)
{
    unsigned u = ev->ctx ? ev->ctx->unchecked : 0;

    switch (k) {
    case PK_VULN:
        return u & MOAT_POLICY_NO_VULNS ? "vulnerabilities were not checked (no advisory "
                                          "database)" : NULL;
    case PK_MALWARE:
        return u & MOAT_DETECT_MALWARE ? "the malware detector did not run" : NULL;
    case PK_PERSIST:
        return u & MOAT_DETECT_PERSISTENCE ? "the persistence detector did not run" : NULL;
    case PK_INTEGRITY:
        return u & MOAT_DETECT_INTEGRITY ? "the integrity detector did not run" : NULL;
    case PK_SECRET:
        return u & MOAT_DETECT_SECRETS ? "the secret detector did not run" : NULL;
    case PK_CONFIG:
        return u & MOAT_DETECT_CONFIG ? "the configuration checks did not run" : NULL;
    case PK_UNMANAGED:
        return (u & MOAT_DETECT_UNMANAGED) || !ev->res->unmanaged
                   ? "the unmanaged-software detector did not run" : NULL;
    default:
        return NULL;
    }
}

static int
eval_unmanaged(struct eval *ev, const struct pol_rule *r)
{
    const struct moat_unmanaged *u = ev->res->unmanaged;
    double share;
    char limit[64];
    struct buf b;
    size_t i;
    int rc;

    share = u->executables ? 100.0 * (double)u->unowned / (double)u->executables : 0;
    if (!((r->max_percent >= 0 && share > r->max_percent) ||
          (r->max_files >= 0 && u->unowned > (uint64_t)r->max_files)))
        return 0;
    if (rule_waived(ev, r->name))
        return 0;
    buf_init(&b, REASON_MAX);
    for (i = 0; i < u->nfiles && i < MOAT_LIMIT_POLICY_LISTED; i++)
        buf_printf(&b, "%s%.200s", i ? ", " : "", u->files[i].path);
    if (u->unowned > i)
        buf_printf(&b, "%sand %llu more", i ? ", " : "", (unsigned long long)(u->unowned - i));
    if (r->max_percent >= 0 && r->max_files >= 0)
        snprintf(limit, sizeof(limit), "%g%% and %lld files", r->max_percent,
                 (long long)r->max_files);
    else if (r->max_percent >= 0)
        snprintf(limit, sizeof(limit), "%g%%", r->max_percent);
    else
        snprintf(limit, sizeof(limit), "%lld files", (long long)r->max_files);
    rc = reasons_add(&ev->rs, r->action,
                     "%s: %llu of %llu executables (%.1f%%) belong to no package (at most %s "
                     "allowed): %s",
                     r->name, (unsigned long long)u->unowned,
                     (unsigned long long)u->executables, share, limit, b.data ? b.data : "");
    buf_free(&b);
    return rc;
}

static int
eval_rule(struct eval *ev, const struct pol_rule *r)
{
    const char *why = unchecked(ev, r->kind);
    struct buf items;
    size_t i, count = 0, listed = 0;
    char m[40];
    int rc = 0;

    if (why && !rule_waived(ev, r->name)) {
        rc = reasons_add(&ev->rs, r->action, "%s: not evaluated: %s", r->name, why);
        if (rc)
            return rc;
    }
    if (r->kind == PK_UNMANAGED)
        return ev->res->unmanaged ? eval_unmanaged(ev, r) : 0;
    buf_init(&items, REASON_MAX);
    for (i = 0; i < ev->res->nfindings; i++) {
        const struct moat_finding *f = &ev->res->findings[i];
        long w;
        if (ev->taken[i] == TAKEN || !rule_matches(ev, r, f))
            continue;
        w = finding_waiver(ev, r->name, f);
        if (w >= 0) {
            /* listed once in the audit trail, though several rules match */
            if (ev->taken[i] != WAIVED)
                note_waiver(ev, (size_t)w, r->name, f);
            ev->taken[i] = WAIVED;
            continue;
        }
        ev->taken[i] = TAKEN;
        count++;
        list_item(&items, &listed, ev->res, f);
    }
    if (count == 1)
        rc = reasons_add(&ev->rs, r->action, "%s: %s", r->name, items.data ? items.data : "");
    else if (count > 1)
        rc = reasons_add(&ev->rs, r->action, "%s: %zu findings: %s%s", r->name, count,
                         items.data ? items.data : "", more(count, listed, m));
    buf_free(&items);
    return rc;
}

/* ---- image rules ---- */

static int
eval_non_root(struct eval *ev)
{
    const struct pol_simple *s = &ev->p->image.non_root;
    const char *cfg = ev->res->image.config_json, *user = NULL;
    char jerr[128], who[160];
    json_t *doc = NULL;
    size_t n;
    int rc;

    if (s->action == POL_OFF || rule_waived(ev, "image.non_root"))
        return 0;
    if (!cfg)
        return reasons_add(&ev->rs, s->action, "image.non_root: not evaluated: the target has "
                                               "no image config to read the user from");
    doc = json_parse_untrusted(cfg, strlen(cfg), MOAT_LIMIT_JSON_DOC, MOAT_LIMIT_JSON_DEPTH,
                               NULL, jerr, sizeof(jerr));
    if (!doc)
        return reasons_add(&ev->rs, s->action, "image.non_root: not evaluated: the image "
                                               "config cannot be read (%s)", jerr);
    user = json_obj_str(json_object_get(doc, "config"), "User");
    n = user ? strcspn(user, ":") : 0;
    rc = 0;
    if (!user || n == 0)
        rc = reasons_add(&ev->rs, s->action, "image.non_root: the image runs as root (no USER "
                                             "in the image config)");
    else if ((n == 4 && strncmp(user, "root", 4) == 0) || (n == 1 && user[0] == '0')) {
        snprintf(who, sizeof(who), "%.100s", user);
        rc = reasons_add(&ev->rs, s->action, "image.non_root: the image runs as root (USER %s)",
                         who);
    }
    json_decref(doc);
    return rc;
}

static const char *
target_of(const struct eval *ev)
{
    if (ev->ctx && ev->ctx->target)
        return ev->ctx->target;
    return ev->res->target ? ev->res->target : "";
}

static int
eval_pinned(struct eval *ev)
{
    const struct pol_simple *s = &ev->p->image.pinned;
    const char *t = target_of(ev);

    if (s->action == POL_OFF || rule_waived(ev, "image.pinned"))
        return 0;
    if (strstr(t, "@sha256:") || strstr(t, "@sha512:"))
        return 0;
    if (ev->res->image.digest)
        return reasons_add(&ev->rs, s->action, "image.pinned: %.300s is not pinned by digest "
                                               "(it resolved to %s)", t, ev->res->image.digest);
    return reasons_add(&ev->rs, s->action, "image.pinned: %.300s is not pinned by digest", t);
}

/* The registry and repository the image comes from: the target for
 * docker://, else the name the image carries (a docker-archive's RepoTags,
 * an OCI ref.name written as a full reference). 0, or -1 when unknown. */
static int
origin(const struct eval *ev, struct reg_ref *r)
{
    const char *t = target_of(ev), *name = ev->res->image.name;
    char err[256];

    if (strncmp(t, "docker://", 9) == 0)
        return registry_parse_ref(t + 9, r, err, sizeof(err)) == 0 ? 0 : -1;
    if (name && (strchr(name, '/') || strchr(name, ':')))
        return registry_parse_ref(name, r, err, sizeof(err)) == 0 ? 0 : -1;
    return -1;
}

static int
eval_registries(struct eval *ev)
{
    const struct moat_policy *p = ev->p;
    const struct pol_simple *s = &p->image.registries;
    struct reg_ref r;
    char full[600];
    size_t i;

    if (s->action == POL_OFF || !p->image.allow.n || rule_waived(ev, "image.registries"))
        return 0;
    if (origin(ev, &r) != 0)
        return reasons_add(&ev->rs, s->action, "image.registries: not evaluated: %.300s names "
                                               "no registry (scan docker://HOST/REPO)",
                           target_of(ev));
    snprintf(full, sizeof(full), "%s/%s", r.host, r.repo);
    str_lower(full);
    for (i = 0; i < p->image.allow.n; i++) {
        const char *a = p->image.allow.v[i];
        size_t n = strlen(a);
        if (!strchr(a, '/')) {
            if (strncmp(full, a, n) == 0 && full[n] == '/')
                return 0;
        } else if (glob_match(a, full) || (strncmp(full, a, n) == 0 && full[n] == '/')) {
            return 0;
        }
    }
    return reasons_add(&ev->rs, s->action, "image.registries: %s is not from an allowed "
                                           "registry or repository", full);
}

/* Whether the verified signature vouches for digest: it names it, or it
 * names an image index that lists it (cosign signs the index of a
 * multi-platform tag; the scan reads one platform's manifest of it). */
static int
signed_digest(const struct moat_verification *v, const char *digest)
{
    size_t i;

    if (strcmp(v->image_digest, digest) == 0)
        return 1;
    for (i = 0; i < v->nindex_manifests; i++)
        if (v->index_manifests[i] && strcmp(v->index_manifests[i], digest) == 0)
            return 1;
    return 0;
}

static int
eval_signature(struct eval *ev)
{
    const struct pol_simple *s = &ev->p->image.signature;
    const struct moat_verification *v = ev->ctx ? ev->ctx->verification : NULL;
    struct buf b;
    size_t i;
    int rc;

    if (s->action == POL_OFF || !ev->p->image.keys.n)
        return 0;
    /* the signature check resolved the target on its own: a tag moved
     * between it and the scan would vouch for another image */
    if (v && v->verified && v->image_digest && ev->res->image.digest &&
        !signed_digest(v, ev->res->image.digest)) {
        if (rule_waived(ev, "image.signature"))
            return 0;
        return reasons_add(&ev->rs, s->action, "image.signature: the verified signature is for "
                                               "%s, but the scanned image is %s",
                           v->image_digest, ev->res->image.digest);
    }
    if (v && v->verified) {
        for (i = 0; i < v->nsigs; i++)
            if (v->sigs[i].verified)
                return reasons_add(&ev->rs, POL_INFO, "image.signature: %s signature verified "
                                                      "with %s", v->sigs[i].kind ? v->sigs[i].kind : "a",
                                   v->sigs[i].key ? v->sigs[i].key : "a trusted key");
        return reasons_add(&ev->rs, POL_INFO, "image.signature: verified");
    }
    if (rule_waived(ev, "image.signature"))
        return 0;
    if (!v)
        return reasons_add(&ev->rs, s->action, "image.signature: not evaluated: no signature "
                                               "check was run");
    buf_init(&b, REASON_MAX);
    for (i = 0; i < v->nsigs && i < MOAT_LIMIT_POLICY_LISTED; i++)
        buf_printf(&b, "; %s%s%.100s: %.200s", v->sigs[i].kind ? v->sigs[i].kind : "signature",
                   v->sigs[i].source ? " " : "", v->sigs[i].source ? v->sigs[i].source : "",
                   v->sigs[i].reason ? v->sigs[i].reason : "not verified");
    rc = reasons_add(&ev->rs, s->action, "image.signature: no valid signature by a trusted key "
                                         "(%zu key%s): %.1000s%s",
                     ev->p->image.keys.n, ev->p->image.keys.n == 1 ? "" : "s",
                     v->reason ? v->reason : "no signature verified", b.data ? b.data : "");
    buf_free(&b);
    return rc;
}

/* ---- exceptions' own reasons ---- */

static int
eval_exceptions(struct eval *ev)
{
    size_t i;
    char d[16], m[40];
    int rc = 0;

    for (i = 0; rc == 0 && i < ev->p->nexceptions; i++) {
        const struct pol_exception *e = &ev->p->exceptions[i];
        const struct waiver *w = &ev->waivers[i];
        if (!exception_active(ev, e))
            rc = reasons_add(&ev->rs, POL_WARN, "exceptions: the exception at %s (owner %.100s: "
                                                "%.200s) expired on %s and no longer applies",
                             e->where, e->owner, e->reason, e->expires_text);
        else if (w->count)
            rc = reasons_add(&ev->rs, POL_INFO, "exception at %s (owner %.100s, until %s: "
                                                "%.200s) waived %s%s",
                             e->where, e->owner, policy_day(e->expires - 1, d), e->reason,
                             w->items.data ? w->items.data : "", more(w->count, w->listed, m));
    }
    return rc;
}

int
moat_policy_evaluate(const struct moat_policy *p, struct moat_result *res,
                     const struct moat_policy_context *ctx, char *err, size_t errlen)
{
    struct eval ev;
    const char **all;
    size_t i, total;
    int pass, rc = 0;

    memset(&ev, 0, sizeof(ev));
    ev.p = p;
    ev.res = res;
    ev.ctx = ctx;
    ev.now = ctx && ctx->now ? ctx->now : (int64_t)time(NULL);
    ev.rs.a = result_arena(res);
    for (i = 0; i < 3; i++)
        vec_init(&ev.rs.level[i], sizeof(char *), (size_t)-1 / sizeof(char *));
    ev.taken = calloc(res->nfindings + 1, 1);
    ev.waivers = calloc(p->nexceptions + 1, sizeof(*ev.waivers));
    if (!ev.taken || !ev.waivers) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    for (i = 0; i < p->nexceptions; i++)
        buf_init(&ev.waivers[i].items, REASON_MAX);
    for (pass = 0; pass < 2 && rc == 0; pass++)
        for (i = 0; i < p->nrules && rc == 0; i++)
            if (p->rules[i].action == (pass == 0 ? POL_DENY : POL_WARN))
                rc = eval_rule(&ev, &p->rules[i]);
    if (rc == 0)
        rc = eval_non_root(&ev);
    if (rc == 0)
        rc = eval_pinned(&ev);
    if (rc == 0)
        rc = eval_registries(&ev);
    if (rc == 0)
        rc = eval_signature(&ev);
    if (rc == 0 && p->base.n && p->base.rule.action != POL_OFF)
        rc = golden_evaluate(p, res, ctx, ev.now, rule_waived, &ev, &ev.rs);
    if (rc == 0)
        rc = eval_exceptions(&ev);
    if (rc)
        goto out;
    total = ev.rs.level[0].len + ev.rs.level[1].len + ev.rs.level[2].len;
    all = arena_alloc(ev.rs.a, (total + 1) * sizeof(*all));
    if (!all) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    total = 0;
    for (i = 0; i < 3; i++) {
        if (ev.rs.level[i].len)
            memcpy(all + total, ev.rs.level[i].items, ev.rs.level[i].len * sizeof(*all));
        total += ev.rs.level[i].len;
    }
    res->reasons = all;
    res->nreasons = total;
    res->verdict = ev.rs.level[0].len ? "deny" : ev.rs.level[1].len ? "warn" : "allow";
out:
    if (rc)
        snprintf(err, errlen, "policy %s: %s", p->source, moat_strerror(rc));
    for (i = 0; ev.waivers && i < p->nexceptions; i++)
        buf_free(&ev.waivers[i].items);
    for (i = 0; i < 3; i++)
        vec_free(&ev.rs.level[i]);
    free(ev.taken);
    free(ev.waivers);
    return rc ? -1 : 0;
}

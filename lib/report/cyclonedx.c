/*
 * cyclonedx.c - the CycloneDX 1.5 JSON SBOM (`moat sbom --format cyclonedx`).
 *
 * Layout (docs/REPORT.md has the field-by-field mapping):
 *   metadata.component   the image, type "container", version = digest,
 *                        purl pkg:oci/... when the manifest digest is known
 *   components           the distro as an "operating-system" component, then
 *                        every package not owned by another one, type
 *                        "library"; language packages whose files an OS
 *                        package owns are nested in that package's
 *                        "components", so each package appears exactly once
 *   dependencies         image -> distro and top-level packages, and
 *                        package -> packages embedded in it (moat_package.parent)
 *   compositions         "incomplete" when part of the image could not be
 *                        analysed; the reasons are metadata properties
 *   vulnerabilities      (moat scan; not with moat_report_options.sbom_only,
 *                        which moat sbom sets) the advisory findings: one
 *                        entry per id, severity, vector, ecosystem and
 *                        suppression, affecting every component it was
 *                        found in, with ratings, references (aliases),
 *                        advisories, the fix as recommendation and, for
 *                        findings an ignore rule or VEX statement
 *                        suppressed, an analysis (state, justification)
 * bom-refs are the purl, with "#2", "#3"... for later packages that share
 * it. The serial number is a UUID v5 of the document itself and the
 * timestamp the image's creation time, so the output is reproducible.
 */
#include "report.h"
#include "sbom.h"
#include "view.h"
#include "analyze/license.h"
#include "base/map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct cdx {
    struct sbom s;
    const struct moat_result *res;
    struct sbom_tree tree;
    struct map refs;            /* bom-ref -> (void *)1: every ref handed out */
    struct map next_suffix;     /* base ref -> next "#n" to try */
    const char **ref;           /* bom-ref of each package */
    const char *image_ref, *os_ref;
};

/* A bom-ref not used yet: base itself, else base#2, base#3, ... */
static const char *
unique_ref(struct cdx *c, const char *base)
{
    uintptr_t k;
    char *r;

    if (!map_get(&c->refs, base)) {
        r = arena_strdup(&c->s.arena, base);
        if (!r || map_put(&c->refs, r, (void *)1, NULL) != 0)
            goto oom;
        return r;
    }
    k = (uintptr_t)map_get(&c->next_suffix, base);
    if (k < 2)
        k = 2;
    for (;; k++) {
        r = arena_printf(&c->s.arena, "%s#%lu", base, (unsigned long)k);
        if (!r)
            goto oom;
        if (!map_get(&c->refs, r))
            break;
    }
    if (map_put(&c->refs, r, (void *)1, NULL) != 0)
        goto oom;
    base = arena_strdup(&c->s.arena, base);
    if (!base || map_put(&c->next_suffix, base, (void *)(k + 1), NULL) != 0)
        goto oom;
    return r;
oom:
    c->s.oom = 1;
    return NULL;
}

static void
prop(struct cdx *c, json_t *props, const char *name, const char *value)
{
    json_t *p;

    if (!value)
        return;
    p = sbom_object(&c->s);
    sbom_set_str(&c->s, p, "name", name);
    sbom_set_str(&c->s, p, "value", value);
    sbom_append(&c->s, props, p);
}

static void
prop_u(struct cdx *c, json_t *props, const char *name, unsigned long long v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%llu", v);
    prop(c, props, name, buf);
}

/* Sets o.properties unless props is empty. */
static void
set_props(struct cdx *c, json_t *o, json_t *props)
{
    if (props && json_array_size(props) == 0)
        json_decref(props);
    else
        sbom_set(&c->s, o, "properties", props);
}

static json_t *
licenses(struct cdx *c, const char *declared)
{
    const char *l = sbom_license(&c->s, declared);
    json_t *a, *e, *lic;

    if (!l)
        return NULL;
    a = sbom_array(&c->s);
    e = sbom_object(&c->s);
    if (license_is_listed(l)) {
        lic = sbom_object(&c->s);
        sbom_set_str(&c->s, lic, "id", l);
        sbom_set(&c->s, e, "license", lic);
    } else if (license_is_spdx_expression(l)) {
        sbom_set_str(&c->s, e, "expression", l);
    } else {
        lic = sbom_object(&c->s);
        sbom_set_str(&c->s, lic, "name", l);
        sbom_set(&c->s, e, "license", lic);
    }
    sbom_append(&c->s, a, e);
    return a;
}

static json_t *
supplier(struct cdx *c, const char *declared)
{
    struct sbom_party party;
    json_t *o, *contacts, *ct;

    if (sbom_party(&c->s, declared, &party) != 0 || !party.name)
        return NULL;
    o = sbom_object(&c->s);
    sbom_set_str(&c->s, o, "name", party.name);
    if (party.email) {
        contacts = sbom_array(&c->s);
        ct = sbom_object(&c->s);
        if (!party.org)
            sbom_set_str(&c->s, ct, "name", party.name);
        sbom_set_str(&c->s, ct, "email", party.email);
        sbom_append(&c->s, contacts, ct);
        sbom_set(&c->s, o, "contact", contacts);
    }
    return o;
}

static void
layer_props(struct cdx *c, json_t *props, int layer)
{
    const struct moat_image *im = &c->res->image;

    if (layer < 0 || (size_t)layer >= im->nlayers)
        return;
    prop_u(c, props, "moat:layer:index", (unsigned long long)layer);
    prop(c, props, "moat:layer:digest", im->layers[layer].digest);
    prop(c, props, "moat:layer:diff_id", im->layers[layer].diff_id);
}

static json_t *
component(struct cdx *c, size_t i)
{
    const struct moat_package *p = &c->res->packages[i];
    json_t *o = sbom_object(&c->s), *props = sbom_array(&c->s), *v;
    long j;
    size_t k;

    sbom_set_str(&c->s, o, "type", "library");
    sbom_set_str(&c->s, o, "bom-ref", c->ref[i]);
    v = supplier(c, p->supplier);
    if (v)
        sbom_set(&c->s, o, "supplier", v);
    if (p->ns && *p->ns) {
        /* npm groups carry the "@" of the scope, as npm tooling writes them */
        const char *g = p->type == MOAT_PKG_NPM ? arena_printf(&c->s.arena, "@%s", p->ns) : p->ns;
        if (!g)
            c->s.oom = 1;
        sbom_set_str(&c->s, o, "group", g);
    }
    sbom_set_str(&c->s, o, "name", p->name ? p->name : "");
    sbom_set_str(&c->s, o, "version", p->version);
    v = licenses(c, p->license);
    if (v)
        sbom_set(&c->s, o, "licenses", v);
    sbom_set_str(&c->s, o, "purl", p->purl);
    prop(c, props, "moat:package:type", moat_pkg_type_name(p->type));
    prop(c, props, "moat:found_by", p->found_by);
    prop(c, props, "moat:path", p->path);
    layer_props(c, props, p->layer);
    prop(c, props, "moat:arch", p->arch);
    prop(c, props, "moat:source:name", p->source_name);
    prop(c, props, "moat:source:version", p->source_version);
    if (p->nfiles)
        prop_u(c, props, "moat:files", (unsigned long long)p->nfiles);
    for (k = 0; k < p->nprops; k++) {
        const char *name;
        if (!p->props[k].name || !p->props[k].value)
            continue;
        name = arena_printf(&c->s.arena, "moat:%s", p->props[k].name);
        if (!name)
            c->s.oom = 1;
        else
            prop(c, props, name, p->props[k].value);
    }
    set_props(c, o, props);
    if (c->tree.first_owned[i] >= 0) {
        json_t *nested = sbom_array(&c->s);
        for (j = c->tree.first_owned[i]; j >= 0; j = c->tree.next_owned[j])
            sbom_append(&c->s, nested, component(c, (size_t)j));
        sbom_set(&c->s, o, "components", nested);
    }
    return o;
}

static json_t *
os_component(struct cdx *c)
{
    const struct moat_distro *d = &c->res->distro;
    json_t *o = sbom_object(&c->s), *props = sbom_array(&c->s);

    sbom_set_str(&c->s, o, "type", "operating-system");
    sbom_set_str(&c->s, o, "bom-ref", c->os_ref);
    sbom_set_str(&c->s, o, "name", d->id);
    sbom_set_str(&c->s, o, "version", d->version_id);
    sbom_set_str(&c->s, o, "description", d->pretty_name ? d->pretty_name : d->name);
    prop(c, props, "moat:distro:codename", d->codename);
    prop(c, props, "moat:path", d->path);
    prop(c, props, "moat:distro:distroless", d->distroless ? "true" : "false");
    set_props(c, o, props);
    return o;
}

static json_t *
image_component(struct cdx *c, const struct sbom_image *img)
{
    const struct moat_image *im = &c->res->image;
    json_t *o = sbom_object(&c->s), *props = sbom_array(&c->s);
    char platform[128];
    size_t i;

    sbom_set_str(&c->s, o, "type", "container");
    sbom_set_str(&c->s, o, "bom-ref", c->image_ref);
    sbom_set_str(&c->s, o, "name", img->repository ? img->repository : img->display);
    sbom_set_str(&c->s, o, "version", img->version);
    sbom_set_str(&c->s, o, "purl", img->purl);
    prop(c, props, "moat:image:transport", im->transport);
    prop(c, props, "moat:image:reference", im->reference);
    prop(c, props, "moat:image:tag", img->tag);
    prop(c, props, "moat:image:digest", im->digest);
    prop(c, props, "moat:image:config_digest", im->config_digest);
    prop(c, props, "moat:image:platform", report_platform(c->res, platform, sizeof(platform)));
    prop(c, props, "moat:image:created", im->created);
    for (i = 0; i < im->nlayers; i++) {
        char *name = arena_printf(&c->s.arena, "moat:image:layer:%zu", i);
        if (!name)
            c->s.oom = 1;
        else
            prop(c, props, name, im->layers[i].diff_id);
    }
    set_props(c, o, props);
    return o;
}

static void
assign_refs(struct cdx *c, const struct sbom_image *img)
{
    const struct moat_result *res = c->res;
    size_t i;

    c->image_ref = unique_ref(c, img->purl ? img->purl : "moat:image");
    if (res->distro.id) {
        char *base = arena_printf(&c->s.arena, "moat:os:%s@%s", res->distro.id,
                                  res->distro.version_id ? res->distro.version_id : "unknown");
        c->os_ref = base ? unique_ref(c, base) : NULL;
        if (!c->os_ref)
            c->s.oom = 1;
    }
    c->ref = arena_alloc(&c->s.arena, (res->npackages ? res->npackages : 1) * sizeof(*c->ref));
    if (!c->ref) {
        c->s.oom = 1;
        return;
    }
    for (i = 0; i < res->npackages && !c->s.oom; i++) {
        const char *purl = res->packages[i].purl;
        c->ref[i] = unique_ref(c, purl && *purl ? purl : "moat:package");
    }
}

static json_t *
dependencies(struct cdx *c)
{
    const struct moat_result *res = c->res;
    json_t *deps = sbom_array(&c->s), *d, *on;
    size_t i;
    long j;

    d = sbom_object(&c->s);
    on = sbom_array(&c->s);
    sbom_set_str(&c->s, d, "ref", c->image_ref);
    if (c->os_ref)
        sbom_append(&c->s, on, sbom_str(&c->s, c->os_ref));
    for (i = 0; i < res->npackages; i++)
        if (!c->tree.nested[i])
            sbom_append(&c->s, on, sbom_str(&c->s, c->ref[i]));
    sbom_set(&c->s, d, "dependsOn", on);
    sbom_append(&c->s, deps, d);
    for (i = 0; i < res->npackages && !c->s.oom; i++) {
        if (c->tree.first_child[i] < 0)
            continue;
        d = sbom_object(&c->s);
        on = sbom_array(&c->s);
        sbom_set_str(&c->s, d, "ref", c->ref[i]);
        for (j = c->tree.first_child[i]; j >= 0; j = c->tree.next_child[j])
            sbom_append(&c->s, on, sbom_str(&c->s, c->ref[j]));
        sbom_set(&c->s, d, "dependsOn", on);
        sbom_append(&c->s, deps, d);
    }
    return deps;
}

/* ---- vulnerabilities ---- */

static int
is_advisory_finding(const struct moat_result *res, const struct moat_finding *f)
{
    return f->kind && f->package >= 0 && (size_t)f->package < res->npackages &&
           (strcmp(f->kind, "vulnerability") == 0 || strcmp(f->kind, "malware") == 0);
}

/* Worst first, then by id, then package (the document's order). */
static int
cmp_advisory(const void *x, const void *y, void *arg)
{
    const struct moat_result *res = arg;
    const struct moat_finding *a = &res->findings[*(const size_t *)x];
    const struct moat_finding *b = &res->findings[*(const size_t *)y];
    int c = view_severity_rank(a->severity) - view_severity_rank(b->severity);

    if (c)
        return c;
    c = strcmp(a->id ? a->id : "", b->id ? b->id : "");
    if (c)
        return c;
    if (a->package != b->package)
        return a->package < b->package ? -1 : 1;
    return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static json_t *
source_of(struct cdx *c, const char *id)
{
    json_t *src = sbom_object(&c->s);
    char url[1024];

    sbom_set_str(&c->s, src, "name", view_advisory_source(id));
    view_advisory_url(id, url, sizeof(url));
    if (url[0])
        sbom_set_str(&c->s, src, "url", url);
    return src;
}

/* The CVSS method of a vector, by its prefix (v2 vectors have none). */
static const char *
cvss_method(const char *vector)
{
    if (!vector)
        return NULL;
    if (strncmp(vector, "CVSS:3.1/", 9) == 0)
        return "CVSSv31";
    if (strncmp(vector, "CVSS:3.0/", 9) == 0)
        return "CVSSv3";
    if (strncmp(vector, "CVSS:4.0/", 9) == 0)
        return "CVSSv4";
    if (strncmp(vector, "AV:", 3) == 0)
        return "CVSSv2";
    return "other";
}

/* OpenVEX justifications as CycloneDX names them (the CISA VEX mapping). */
static const char *
vex_justification(const char *j, size_t n)
{
    static const struct {
        const char *vex, *cdx;
    } map[] = {
        {"component_not_present", "code_not_present"},
        {"vulnerable_code_not_present", "code_not_present"},
        {"vulnerable_code_not_in_execute_path", "code_not_reachable"},
        {"vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment"},
        {"inline_mitigations_already_exist", "protected_by_mitigating_control"},
    };
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strlen(map[i].vex) == n && strncmp(j, map[i].vex, n) == 0)
            return map[i].cdx;
    return NULL;
}

/* analysis of a suppressed finding. The suppression says where it came
 * from (lib/advisory/suppress.c): "VEX <file>: not_affected
 * (<justification>)", "VEX <file>: fixed", or "ignore file <file>:<line>:
 * <reason>". An ignore rule is a team's judgement that the finding does not
 * apply to this image: CycloneDX's nearest state is not_affected, without a
 * justification (the reason is free text, in detail). */
static json_t *
analysis(struct cdx *c, const char *why)
{
    json_t *a = sbom_object(&c->s);
    const char *na = NULL, *fx = NULL, *p;

    if (strncmp(why, "VEX ", 4) == 0) {
        for (p = why; (p = strstr(p, ": not_affected")) != NULL; p++)
            na = p;
        for (p = why; (p = strstr(p, ": fixed")) != NULL; p++)
            fx = p;
    }
    if (fx && (!na || fx > na)) {
        sbom_set_str(&c->s, a, "state", "resolved");
    } else {
        sbom_set_str(&c->s, a, "state", "not_affected");
        if (na && na[14] == ' ' && na[15] == '(') {
            const char *j = na + 16, *e = strchr(j, ')');
            const char *cj = e ? vex_justification(j, (size_t)(e - j)) : NULL;
            if (cj)
                sbom_set_str(&c->s, a, "justification", cj);
        }
    }
    sbom_set_str(&c->s, a, "detail", why);
    return a;
}

static json_t *
affects_entry(struct cdx *c, const struct moat_finding *f)
{
    json_t *af = sbom_object(&c->s), *vs = sbom_array(&c->s), *v;

    sbom_set_str(&c->s, af, "ref", c->ref[f->package]);
    if (f->installed) {
        v = sbom_object(&c->s);
        sbom_set_str(&c->s, v, "version", f->installed);
        sbom_set_str(&c->s, v, "status", "affected");
        sbom_append(&c->s, vs, v);
    }
    if (f->fixed) {
        v = sbom_object(&c->s);
        sbom_set_str(&c->s, v, "version", f->fixed);
        sbom_set_str(&c->s, v, "status", "unaffected");
        sbom_append(&c->s, vs, v);
    }
    if (json_array_size(vs))
        sbom_set(&c->s, af, "versions", vs);
    else
        json_decref(vs);
    return af;
}

/* A new vulnerabilities[] entry for f (its first component goes in later). */
static json_t *
vulnerability(struct cdx *c, const struct moat_finding *f)
{
    const struct moat_package *p = &c->res->packages[f->package];
    json_t *v = sbom_object(&c->s), *refs, *ratings, *r, *advs, *adv, *props;
    char url[1024];
    const char *ref, *method;
    size_t i;

    ref = arena_printf(&c->s.arena, "moat:vulnerability:%s", f->id ? f->id : "");
    ref = ref ? unique_ref(c, ref) : NULL;
    if (!ref)
        c->s.oom = 1;
    sbom_set_str(&c->s, v, "bom-ref", ref);
    sbom_set_str(&c->s, v, "id", f->id ? f->id : "");
    sbom_set(&c->s, v, "source", source_of(c, f->id));
    if (f->naliases) {
        refs = sbom_array(&c->s);
        for (i = 0; i < f->naliases; i++) {
            json_t *e = sbom_object(&c->s);
            sbom_set_str(&c->s, e, "id", f->aliases[i]);
            sbom_set(&c->s, e, "source", source_of(c, f->aliases[i]));
            sbom_append(&c->s, refs, e);
        }
        sbom_set(&c->s, v, "references", refs);
    }
    ratings = sbom_array(&c->s);
    r = sbom_object(&c->s);
    if (f->score >= 0 && f->score <= 10)
        sbom_set(&c->s, r, "score", json_real(f->score));
    sbom_set_str(&c->s, r, "severity", view_severity_names[view_severity_rank(f->severity)]);
    method = cvss_method(f->score_vector);
    sbom_set_str(&c->s, r, "method", method);
    sbom_set_str(&c->s, r, "vector", f->score_vector);
    sbom_append(&c->s, ratings, r);
    sbom_set(&c->s, v, "ratings", ratings);
    sbom_set_str(&c->s, v, "description", f->title);
    if (strcmp(f->kind, "malware") == 0)
        sbom_set_str(&c->s, v, "recommendation",
                     "A known malicious package: remove it and rebuild from trusted sources.");
    else if (f->fixed)
        sbom_set_str(&c->s, v, "recommendation",
                     arena_printf(&c->s.arena, "Upgrade %s to %s or later.",
                                  p->name ? p->name : "the package", f->fixed));
    advs = sbom_array(&c->s);
    for (i = 0; i <= f->naliases; i++) {
        const char *id = i ? f->aliases[i - 1] : f->id;
        view_advisory_url(id, url, sizeof(url));
        if (!url[0])
            continue;
        adv = sbom_object(&c->s);
        sbom_set_str(&c->s, adv, "title", id);
        sbom_set_str(&c->s, adv, "url", url);
        sbom_append(&c->s, advs, adv);
    }
    sbom_set(&c->s, v, "advisories", advs);
    {
        char date[21];
        if (f->published && sbom_parse_date(f->published, date) == 0)
            sbom_set_str(&c->s, v, "published", date);
    }
    sbom_set(&c->s, v, "affects", sbom_array(&c->s));
    if (f->suppressed)
        sbom_set(&c->s, v, "analysis", analysis(c, f->suppressed));
    props = sbom_array(&c->s);
    prop(c, props, "moat:kind", f->kind);
    prop(c, props, "moat:ecosystem", f->ecosystem);
    set_props(c, v, props);
    return v;
}

static json_t *
vulnerabilities(struct cdx *c)
{
    const struct moat_result *res = c->res;
    json_t *arr = sbom_array(&c->s);
    struct map at;                /* grouping key -> entry (json_t *) */
    size_t *idx, n = 0, i;

    map_init(&at);
    idx = calloc(res->nfindings ? res->nfindings : 1, sizeof(*idx));
    if (!idx) {
        c->s.oom = 1;
        return arr;
    }
    for (i = 0; i < res->nfindings; i++)
        if (is_advisory_finding(res, &res->findings[i]))
            idx[n++] = i;
    qsort_r(idx, n, sizeof(*idx), cmp_advisory, (void *)res);
    for (i = 0; i < n && !c->s.oom; i++) {
        const struct moat_finding *f = &res->findings[idx[i]];
        char *key = arena_printf(&c->s.arena, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%.1f",
                                 f->id ? f->id : "", f->kind, f->severity ? f->severity : "",
                                 f->score_vector ? f->score_vector : "",
                                 f->suppressed ? f->suppressed : "",
                                 f->ecosystem ? 0.0 : f->score);
        json_t *v;
        if (key && f->ecosystem)
            key = arena_printf(&c->s.arena, "%s\x1f%s", key, f->ecosystem);
        if (!key) {
            c->s.oom = 1;
            break;
        }
        v = map_get(&at, key);
        if (!v) {
            v = vulnerability(c, f);
            if (!v || map_put(&at, key, v, NULL) != 0) {
                json_decref(v);
                c->s.oom = 1;
                break;
            }
            sbom_append(&c->s, arr, v);
        }
        sbom_append(&c->s, json_object_get(v, "affects"), affects_entry(c, f));
        /* one fix for several components: the versions are per component,
         * in affects[].versions; the recommendation names none */
        if (f->fixed && strcmp(f->kind, "vulnerability") == 0 &&
            json_array_size(json_object_get(v, "affects")) == 2)
            sbom_set_str(&c->s, v, "recommendation",
                         "Upgrade each affected component to the version that affects[].versions "
                         "lists as unaffected.");
    }
    free(idx);
    map_free(&at);
    return arr;
}

int
report_cyclonedx(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
                 char *err, size_t errlen)
{
    struct cdx c;
    struct sbom_image img;
    json_t *doc = NULL, *meta, *tools, *tcomps, *tool, *comps, *mprops;
    char date[21];
    size_t i;
    int rc = -1;

    memset(&c, 0, sizeof(c));
    sbom_init(&c.s);
    map_init(&c.refs);
    map_init(&c.next_suffix);
    c.res = res;
    if (sbom_image(&c.s, res, &img) != 0 || sbom_tree(&c.s, res, &c.tree) != 0)
        goto oom;
    assign_refs(&c, &img);
    if (c.s.oom)
        goto oom;

    doc = sbom_object(&c.s);
    sbom_set_str(&c.s, doc, "bomFormat", "CycloneDX");
    sbom_set_str(&c.s, doc, "specVersion", "1.5");
    sbom_set_str(&c.s, doc, "serialNumber", ""); /* keeps its place; set at the end */
    sbom_set(&c.s, doc, "version", json_integer(1));

    meta = sbom_object(&c.s);
    sbom_date(res, date);
    sbom_set_str(&c.s, meta, "timestamp", date);
    tools = sbom_object(&c.s);
    tcomps = sbom_array(&c.s);
    tool = sbom_object(&c.s);
    sbom_set_str(&c.s, tool, "type", "application");
    sbom_set_str(&c.s, tool, "name", o->tool_name ? o->tool_name : "moat");
    sbom_set_str(&c.s, tool, "version", MOAT_VERSION);
    sbom_append(&c.s, tcomps, tool);
    sbom_set(&c.s, tools, "components", tcomps);
    sbom_set(&c.s, meta, "tools", tools);
    sbom_set(&c.s, meta, "component", image_component(&c, &img));
    mprops = sbom_array(&c.s);
    for (i = 0; i < res->nproblems; i++)
        if (res->problems[i].grade >= MOAT_FAILED)
            prop(&c, mprops, "moat:problem", sbom_problem_line(&c.s, &res->problems[i]));
    set_props(&c, meta, mprops);
    sbom_set(&c.s, doc, "metadata", meta);

    comps = sbom_array(&c.s);
    if (c.os_ref)
        sbom_append(&c.s, comps, os_component(&c));
    for (i = 0; i < res->npackages && !c.s.oom; i++)
        if (!c.tree.nested[i])
            sbom_append(&c.s, comps, component(&c, i));
    sbom_set(&c.s, doc, "components", comps);
    sbom_set(&c.s, doc, "dependencies", dependencies(&c));
    if (!o->sbom_only)
        sbom_set(&c.s, doc, "vulnerabilities", vulnerabilities(&c));
    if (sbom_failed_problems(res)) {
        json_t *cs = sbom_array(&c.s), *cm = sbom_object(&c.s), *as = sbom_array(&c.s);
        sbom_set_str(&c.s, cm, "aggregate", "incomplete");
        sbom_append(&c.s, as, sbom_str(&c.s, c.image_ref));
        sbom_set(&c.s, cm, "assemblies", as);
        sbom_append(&c.s, cs, cm);
        sbom_set(&c.s, doc, "compositions", cs);
    }
    if (c.s.oom)
        goto oom;
    rc = sbom_dump_identified(&c.s, doc, "serialNumber", "urn:uuid:", out, err, errlen);
    goto out;
oom:
    snprintf(err, errlen, "out of memory while building the CycloneDX SBOM");
    rc = -1;
out:
    json_decref(doc);
    map_free(&c.refs);
    map_free(&c.next_suffix);
    sbom_free(&c.s);
    return rc;
}

/*
 * json.c - moat's own JSON report, schema version REPORT_SCHEMA_VERSION,
 * documented in docs/REPORT.md and machine-checked against
 * docs/report.schema.json by the test suite. Keys never disappear: a value
 * that is unknown is null, an empty list is [].
 */
#include "report.h"
#include "sbom.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <string.h>

/* Strings from an image are untrusted: bytes that are not UTF-8 become
 * U+FFFD (jansson would refuse the string and the key would turn null). */
static json_t *
str_or_null(struct sbom *sb, const char *s)
{
    return s ? sbom_str(sb, s) : json_null();
}

static void
set(json_t *o, const char *k, json_t *v)
{
    json_object_set_new(o, k, v ? v : json_null());
}

static json_t *
layer_ref(struct sbom *sb, const struct moat_result *res, int index)
{
    json_t *o = json_object();
    const struct moat_layer *l;

    if (index < 0 || (size_t)index >= res->image.nlayers) {
        json_decref(o);
        return json_null();
    }
    l = &res->image.layers[index];
    set(o, "index", json_integer(index));
    set(o, "digest", str_or_null(sb, l->digest));
    set(o, "diff_id", str_or_null(sb, l->diff_id));
    set(o, "created_by", str_or_null(sb, l->created_by));
    return o;
}

/* Packages grouped by owner: owned[first[i] .. first[i+1]) are the
 * packages package i contains (one pass, not one scan per package). */
struct owned_index {
    size_t *first;
    size_t *owned;
};

static int
owned_index_build(const struct moat_result *res, struct owned_index *ix)
{
    size_t n = res->npackages, i;

    ix->first = calloc(n + 2, sizeof(*ix->first));
    ix->owned = calloc(n ? n : 1, sizeof(*ix->owned));
    if (!ix->first || !ix->owned)
        return -1;
    for (i = 0; i < n; i++)
        if (res->packages[i].owner >= 0)
            ix->first[res->packages[i].owner + 2]++;
    for (i = 2; i < n + 2; i++)
        ix->first[i] += ix->first[i - 1];
    for (i = 0; i < n; i++)
        if (res->packages[i].owner >= 0)
            ix->owned[ix->first[res->packages[i].owner + 1]++] = i;
    return 0;
}

static json_t *
package_json(struct sbom *sb, const struct moat_result *res, const struct owned_index *ix,
             size_t i)
{
    const struct moat_package *p = &res->packages[i];
    json_t *o = json_object(), *src = json_object(), *props = json_object(), *contains;
    size_t j;

    set(o, "type", json_string(moat_pkg_type_name(p->type)));
    set(o, "namespace", str_or_null(sb, p->ns));
    set(o, "name", sbom_str(sb, p->name));
    set(o, "version", str_or_null(sb, p->version));
    set(o, "arch", str_or_null(sb, p->arch));
    if (p->source_name || p->source_version) {
        set(src, "name", str_or_null(sb, p->source_name));
        set(src, "version", str_or_null(sb, p->source_version));
        set(o, "source", src);
    } else {
        json_decref(src);
        set(o, "source", json_null());
    }
    set(o, "license", str_or_null(sb, p->license));
    set(o, "supplier", str_or_null(sb, p->supplier));
    set(o, "purl", sbom_str(sb, p->purl));
    set(o, "path", sbom_str(sb, p->path));
    set(o, "layer", layer_ref(sb, res, p->layer));
    set(o, "found_by", sbom_str(sb, p->found_by));
    set(o, "files", json_integer((json_int_t)p->nfiles));
    set(o, "parent", p->parent >= 0 ? sbom_str(sb, res->packages[p->parent].purl) : json_null());
    for (j = 0; j < p->nprops; j++)
        set(props, p->props[j].name, sbom_str(sb, p->props[j].value));
    set(o, "properties", props);
    contains = json_array();
    for (j = ix->first[i]; j < ix->first[i + 1]; j++)
        json_array_append_new(contains, package_json(sb, res, ix, ix->owned[j]));
    set(o, "contains", contains);
    return o;
}

/* The unmanaged-software account (null when that detector was off). */
static json_t *
unmanaged_json(struct sbom *sb, const struct moat_result *res)
{
    const struct moat_unmanaged *u = res->unmanaged;
    json_t *o, *files;
    size_t i;

    if (!u)
        return json_null();
    o = json_object();
    files = json_array();
    set(o, "executables", json_integer((json_int_t)u->executables));
    set(o, "bytes", json_integer((json_int_t)u->bytes));
    set(o, "attributed", json_integer((json_int_t)u->attributed));
    set(o, "attributed_bytes", json_integer((json_int_t)u->attributed_bytes));
    set(o, "by_os", json_integer((json_int_t)u->by_os));
    set(o, "by_language", json_integer((json_int_t)u->by_language));
    set(o, "by_classifier", json_integer((json_int_t)u->by_classifier));
    set(o, "coverage_files", u->executables ? json_real((double)u->attributed /
                                                        (double)u->executables)
                                            : json_null());
    set(o, "coverage_bytes", u->bytes ? json_real((double)u->attributed_bytes / (double)u->bytes)
                                      : json_null());
    set(o, "unowned", json_integer((json_int_t)u->unowned));
    for (i = 0; i < u->nfiles; i++) {
        const struct moat_unowned_file *f = &u->files[i];
        json_t *fo = json_object();
        set(fo, "path", sbom_str(sb, f->path));
        set(fo, "size", json_integer((json_int_t)f->size));
        set(fo, "layer", layer_ref(sb, res, f->layer));
        set(fo, "kind", json_string(f->kind));
        json_array_append_new(files, fo);
    }
    set(o, "files", files);
    set(o, "truncated", json_boolean(u->nfiles < u->unowned));
    return o;
}

int
report_json(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
            char *err, size_t errlen)
{
    json_t *doc = json_object(), *img = json_object(), *layers = json_array();
    json_t *pk = json_array(), *errs = json_array(), *sum = json_object();
    json_t *bytype = json_object(), *verdict = json_object(), *reasons = json_array();
    const struct moat_image *im = &res->image;
    struct owned_index ix;
    struct sbom sbs, *sb = &sbs;
    size_t i;
    int rc;

    sbom_init(sb);
    if (owned_index_build(res, &ix) != 0) {
        free(ix.first);
        free(ix.owned);
        json_decref(doc);
        json_decref(img);
        json_decref(layers);
        json_decref(pk);
        json_decref(errs);
        json_decref(sum);
        json_decref(bytype);
        json_decref(verdict);
        json_decref(reasons);
        sbom_free(sb);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    set(doc, "schema_version", json_string(REPORT_SCHEMA_VERSION));
    set(doc, "tool", json_pack("{s:s, s:s}", "name", o->tool_name ? o->tool_name : "moat",
                               "version", MOAT_VERSION));
    set(doc, "target", sbom_str(sb, res->target));
    set(img, "transport", str_or_null(sb, im->transport));
    set(img, "reference", str_or_null(sb, im->reference));
    set(img, "name", str_or_null(sb, im->name));
    set(img, "digest", str_or_null(sb, im->digest));
    set(img, "config_digest", str_or_null(sb, im->config_digest));
    set(img, "os", str_or_null(sb, im->os));
    set(img, "architecture", str_or_null(sb, im->architecture));
    set(img, "variant", str_or_null(sb, im->variant));
    set(img, "created", str_or_null(sb, im->created));
    for (i = 0; i < im->nlayers; i++) {
        const struct moat_layer *l = &im->layers[i];
        json_t *lo = json_object();
        set(lo, "index", json_integer(l->index));
        set(lo, "digest", str_or_null(sb, l->digest));
        set(lo, "diff_id", str_or_null(sb, l->diff_id));
        set(lo, "media_type", str_or_null(sb, l->media_type));
        set(lo, "compression", str_or_null(sb, l->compression));
        set(lo, "size", json_integer((json_int_t)l->size));
        set(lo, "uncompressed_size", json_integer((json_int_t)l->uncompressed_size));
        set(lo, "entries", json_integer((json_int_t)l->entries));
        set(lo, "created_by", str_or_null(sb, l->created_by));
        json_array_append_new(layers, lo);
    }
    set(img, "layers", layers);
    set(img, "files", json_integer((json_int_t)res->files));
    set(doc, "image", img);
    if (res->distro.id) {
        json_t *d = json_object();
        set(d, "id", sbom_str(sb, res->distro.id));
        set(d, "version_id", str_or_null(sb, res->distro.version_id));
        set(d, "codename", str_or_null(sb, res->distro.codename));
        set(d, "name", str_or_null(sb, res->distro.name));
        set(d, "pretty_name", str_or_null(sb, res->distro.pretty_name));
        set(d, "path", str_or_null(sb, res->distro.path));
        set(d, "distroless", json_boolean(res->distro.distroless));
        set(doc, "distro", d);
    } else {
        set(doc, "distro", json_null());
    }
    for (i = 0; i < res->npackages; i++) {
        const char *t = moat_pkg_type_name(res->packages[i].type);
        json_int_t n = json_integer_value(json_object_get(bytype, t));
        set(bytype, t, json_integer(n + 1));
        if (res->packages[i].owner < 0)
            json_array_append_new(pk, package_json(sb, res, &ix, i));
    }
    set(sum, "packages", json_integer((json_int_t)res->npackages));
    set(sum, "packages_by_type", bytype);
    set(sum, "findings", json_integer((json_int_t)res->nfindings));
    set(sum, "errors", json_integer((json_int_t)res->nproblems));
    set(doc, "summary", sum);
    set(doc, "packages", pk);
    {
        json_t *fa = json_array();
        for (i = 0; i < res->nfindings; i++) {
            const struct moat_finding *f = &res->findings[i];
            json_t *fo = json_object(), *al = json_array();
            size_t j;
            set(fo, "kind", sbom_str(sb, f->kind));
            set(fo, "id", sbom_str(sb, f->id));
            set(fo, "severity", sbom_str(sb, f->severity));
            set(fo, "title", str_or_null(sb, f->title));
            set(fo, "path", str_or_null(sb, f->path));
            set(fo, "layer", layer_ref(sb, res, f->layer));
            set(fo, "package", f->package >= 0 ? sbom_str(sb, res->packages[f->package].purl)
                                               : json_null());
            set(fo, "evidence", str_or_null(sb, f->evidence));
            for (j = 0; j < f->naliases; j++)
                json_array_append_new(al, sbom_str(sb, f->aliases[j]));
            set(fo, "aliases", al);
            set(fo, "score", f->score >= 0 ? json_real(f->score) : json_null());
            set(fo, "score_vector", str_or_null(sb, f->score_vector));
            set(fo, "installed", str_or_null(sb, f->installed));
            set(fo, "fixed", str_or_null(sb, f->fixed));
            set(fo, "ecosystem", str_or_null(sb, f->ecosystem));
            set(fo, "published", str_or_null(sb, f->published));
            set(fo, "suppressed", str_or_null(sb, f->suppressed));
            set(fo, "removed", json_boolean(f->removed));
            set(fo, "offset", f->offset >= 0 ? json_integer((json_int_t)f->offset) : json_null());
            json_array_append_new(fa, fo);
        }
        set(doc, "findings", fa);
    }
    {
        static const char *const sev[] = {"critical", "high", "medium", "low", "unknown"};
        json_t *rem = json_object(), *ups = json_array(), *vs = json_object();
        size_t counts[5] = {0}, suppressed = 0, unfixed = 0, k;
        for (i = 0; i < res->nfindings; i++) {
            const struct moat_finding *f = &res->findings[i];
            if (strcmp(f->kind, "vulnerability") != 0)
                continue;
            if (f->suppressed) {
                suppressed++;
                continue;
            }
            for (k = 0; k < 4 && strcmp(f->severity, sev[k]) != 0; k++)
                ;
            counts[k]++;
            unfixed += f->fixed == NULL;
        }
        for (k = 0; k < 5; k++)
            set(vs, sev[k], json_integer((json_int_t)counts[k]));
        set(vs, "suppressed", json_integer((json_int_t)suppressed));
        set(vs, "without_fix", json_integer((json_int_t)unfixed));
        set(sum, "vulnerabilities", vs);
        for (i = 0; i < res->nremedies; i++) {
            const struct moat_remedy *r = &res->remedies[i];
            json_t *u = json_object(), *ul = json_array();
            set(u, "name", sbom_str(sb, r->name));
            set(u, "type", json_string(moat_pkg_type_name(r->type)));
            set(u, "installed", str_or_null(sb, r->installed));
            set(u, "target", str_or_null(sb, r->target));
            set(u, "fixes", json_integer((json_int_t)r->fixes));
            for (k = 0; k < 5; k++)
                set(u, sev[k], json_integer((json_int_t)r->by_severity[k]));
            set(u, "base_image", json_boolean(r->base));
            for (k = 0; k < r->npackages; k++)
                json_array_append_new(ul, sbom_str(sb, res->packages[r->packages[k]].purl));
            set(u, "packages", ul);
            json_array_append_new(ups, u);
        }
        set(rem, "base_layers", res->base_layers >= 0 ? json_integer(res->base_layers)
                                                      : json_null());
        set(rem, "upgrades", ups);
        set(rem, "without_fix", json_integer((json_int_t)unfixed));
        set(doc, "remediation", rem);
    }
    for (i = 0; i < res->nproblems; i++) {
        const struct moat_problem *p = &res->problems[i];
        json_t *eo = json_object();
        set(eo, "severity", json_string(moat_grade_name(p->grade)));
        set(eo, "layer", p->layer >= 0 ? json_integer(p->layer) : json_null());
        set(eo, "path", str_or_null(sb, p->path));
        set(eo, "source", str_or_null(sb, p->source));
        set(eo, "message", sbom_str(sb, p->message));
        json_array_append_new(errs, eo);
    }
    set(doc, "errors", errs);
    set(doc, "unmanaged", unmanaged_json(sb, res));
    set(verdict, "decision", json_string(res->verdict ? res->verdict : "allow"));
    for (i = 0; i < res->nreasons; i++)
        json_array_append_new(reasons, json_string(res->reasons[i]));
    set(verdict, "reasons", reasons);
    set(doc, "verdict", verdict);
    rc = sb->oom ? -1 : json_dumpf(doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(doc);
    free(ix.first);
    free(ix.owned);
    sbom_free(sb);
    if (rc != 0 || fputc('\n', out) == EOF) {
        snprintf(err, errlen, "write error");
        return -1;
    }
    return 0;
}

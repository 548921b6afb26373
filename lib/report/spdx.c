/*
 * spdx.c - the SPDX 2.3 JSON SBOM (`moat sbom --format spdx`).
 *
 * Layout (docs/REPORT.md has the field-by-field mapping):
 *   packages       the image (primaryPackagePurpose CONTAINER), the distro
 *                  (OPERATING_SYSTEM, as the 2.3 JSON schema spells it), then every package (LIBRARY) with its
 *                  purl as a PACKAGE-MANAGER external reference
 *   relationships  DOCUMENT DESCRIBES image; image CONTAINS distro and every
 *                  package not owned by another; owner CONTAINS owned;
 *                  parent DEPENDS_ON embedded child
 *   hasExtractedLicensingInfos
 *                  every LicenseRef- the document uses, with the text the
 *                  package declared
 * licenseDeclared is the declared license when it is a valid SPDX
 * expression, else LicenseRef-<sanitised text> (declared above), else
 * NOASSERTION. SPDXIDs are "SPDXRef-" + [A-Za-z0-9.-], made unique with
 * "-2", "-3"... The namespace is a UUID v5 of the document itself and the
 * creation date the image's, so the output is reproducible.
 */
#include "report.h"
#include "sbom.h"
#include "analyze/license.h"
#include "base/buf.h"
#include "base/digest.h"
#include "base/map.h"

#include <stdint.h>
#include <string.h>

/* Longest sanitised name part of an SPDXID or LicenseRef: ids stay readable
 * and the document small when a package declares a page-long name. */
#define ID_PART_MAX 64

struct spdx {
    struct sbom s;
    const struct moat_result *res;
    struct sbom_tree tree;
    struct map ids;            /* SPDXID -> (void *)1 */
    struct map next_suffix;    /* base id -> next suffix to try */
    struct map refs;           /* LicenseRef id -> declared text */
    json_t *extracted;         /* hasExtractedLicensingInfos */
    const char **id;           /* SPDXID of each package */
    const char *image_id, *os_id;
};

/* Appends s to b keeping [A-Za-z0-9.-] and turning runs of anything else
 * into one "-"; at most max bytes. */
static int
add_sanitised(struct buf *b, const char *s, size_t max)
{
    size_t n = 0;
    int dash = 0, rc = 0;

    for (; *s && n < max && rc == 0; s++) {
        char ch = *s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '.' || ch == '-') {
            rc = buf_addc(b, ch);
            dash = ch == '-';
            n++;
        } else if (!dash) {
            rc = buf_addc(b, '-');
            dash = 1;
            n++;
        }
    }
    return rc;
}

/* An SPDXID not used yet: base, else base-2, base-3, ... */
static const char *
unique_id(struct spdx *x, const char *base)
{
    uintptr_t k;
    char *r;

    if (!map_get(&x->ids, base)) {
        r = arena_strdup(&x->s.arena, base);
        if (!r || map_put(&x->ids, r, (void *)1, NULL) != 0)
            goto oom;
        return r;
    }
    k = (uintptr_t)map_get(&x->next_suffix, base);
    if (k < 2)
        k = 2;
    for (;; k++) {
        r = arena_printf(&x->s.arena, "%s-%lu", base, (unsigned long)k);
        if (!r)
            goto oom;
        if (!map_get(&x->ids, r))
            break;
    }
    if (map_put(&x->ids, r, (void *)1, NULL) != 0)
        goto oom;
    base = arena_strdup(&x->s.arena, base);
    if (!base || map_put(&x->next_suffix, base, (void *)(k + 1), NULL) != 0)
        goto oom;
    return r;
oom:
    x->s.oom = 1;
    return NULL;
}

/* "SPDXRef-" + sanitised parts joined by "-". */
static const char *
make_id(struct spdx *x, const char *const *parts, size_t nparts)
{
    struct buf b;
    const char *r = NULL;
    size_t i;
    int rc;

    buf_init(&b, 8 + nparts * (ID_PART_MAX + 1) + 1);
    rc = buf_adds(&b, "SPDXRef");
    for (i = 0; i < nparts && rc == 0; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        rc = buf_addc(&b, '-');
        if (rc == 0)
            rc = add_sanitised(&b, parts[i], ID_PART_MAX);
    }
    if (rc == 0)
        r = unique_id(x, b.data);
    else
        x->s.oom = 1;
    buf_free(&b);
    return r;
}

static void
relationship(struct spdx *x, json_t *rels, const char *from, const char *type, const char *to)
{
    json_t *r = sbom_object(&x->s);

    sbom_set_str(&x->s, r, "spdxElementId", from);
    sbom_set_str(&x->s, r, "relationshipType", type);
    sbom_set_str(&x->s, r, "relatedSpdxElement", to);
    sbom_append(&x->s, rels, r);
}

/* Declares LicenseRef id (once) with the text the package gave. */
static void
declare_ref(struct spdx *x, const char *id, const char *text)
{
    json_t *e;
    char *key;

    if (map_get(&x->refs, id))
        return;
    key = arena_strdup(&x->s.arena, id);
    if (!key || map_put(&x->refs, key, (void *)text, NULL) != 0) {
        x->s.oom = 1;
        return;
    }
    e = sbom_object(&x->s);
    sbom_set_str(&x->s, e, "licenseId", id);
    sbom_set_str(&x->s, e, "extractedText", text);
    sbom_set_str(&x->s, e, "name", id + strlen("LicenseRef-"));
    sbom_set_str(&x->s, e, "comment",
                 "The license as the package declares it; moat did not extract a license text.");
    sbom_append(&x->s, x->extracted, e);
}

/* Declares every LicenseRef- of a valid expression. */
static void
declare_refs_in(struct spdx *x, const char *expr)
{
    const char *p = strstr(expr, "LicenseRef-");

    for (; p; p = strstr(p, "LicenseRef-")) {
        size_t n = strlen("LicenseRef-");
        char *id;
        while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r' &&
               p[n] != '(' && p[n] != ')')
            n++;
        id = arena_strndup(&x->s.arena, p, n);
        if (!id) {
            x->s.oom = 1;
            return;
        }
        declare_ref(x, id, expr);
        p += n;
    }
}

static const char *
license_declared(struct spdx *x, const char *declared)
{
    const char *l = sbom_license(&x->s, declared);
    const char *known;
    struct buf b;
    char *id;
    int rc;

    if (!l)
        return "NOASSERTION";
    /* a DocumentRef would need an externalDocumentRefs entry we cannot give */
    if (license_is_spdx_expression(l) && !strstr(l, "DocumentRef-")) {
        declare_refs_in(x, l);
        return l;
    }
    buf_init(&b, 16 + ID_PART_MAX + 2 + DIGEST_MAX);
    rc = buf_adds(&b, "LicenseRef-");
    if (rc == 0)
        rc = add_sanitised(&b, l, ID_PART_MAX);
    known = rc == 0 ? map_get(&x->refs, b.data) : NULL;
    if (rc == 0 && known && strcmp(known, l) != 0) {
        /* two texts sanitise alike: tell them apart by their digest */
        char d[DIGEST_MAX];
        digest_sha256(l, strlen(l), d);
        rc = buf_printf(&b, "-%.12s", d + 7);
    }
    id = rc == 0 ? arena_strdup(&x->s.arena, b.data) : NULL;
    buf_free(&b);
    if (!id) {
        x->s.oom = 1;
        return "NOASSERTION";
    }
    declare_ref(x, id, l);
    return id;
}

static const char *
supplier(struct spdx *x, const char *declared)
{
    struct sbom_party p;
    const char *r;

    if (sbom_party(&x->s, declared, &p) != 0 || !p.name)
        return "NOASSERTION";
    if (p.org)
        r = arena_printf(&x->s.arena, "Organization: %s%s%s%s", p.name, p.email ? " (" : "",
                         p.email ? p.email : "", p.email ? ")" : "");
    else
        r = arena_printf(&x->s.arena, "Person: %s%s%s%s", p.name, p.email ? " (" : "",
                         p.email ? p.email : "", p.email ? ")" : "");
    if (!r) {
        x->s.oom = 1;
        return "NOASSERTION";
    }
    return r;
}

static void
purl_ref(struct spdx *x, json_t *o, const char *purl)
{
    json_t *refs, *r;

    if (!purl || !*purl)
        return;
    refs = sbom_array(&x->s);
    r = sbom_object(&x->s);
    sbom_set_str(&x->s, r, "referenceCategory", "PACKAGE-MANAGER");
    sbom_set_str(&x->s, r, "referenceType", "purl");
    sbom_set_str(&x->s, r, "referenceLocator", purl);
    sbom_append(&x->s, refs, r);
    sbom_set(&x->s, o, "externalRefs", refs);
}

/* The fields every package without better knowledge gets. */
static void
no_assertions(struct spdx *x, json_t *o)
{
    sbom_set_str(&x->s, o, "downloadLocation", "NOASSERTION");
    sbom_set(&x->s, o, "filesAnalyzed", json_false());
}

static json_t *
package(struct spdx *x, size_t i)
{
    const struct moat_package *p = &x->res->packages[i];
    const struct moat_image *im = &x->res->image;
    json_t *o = sbom_object(&x->s);
    const char *comment, *layer = "";

    sbom_set_str(&x->s, o, "name", p->name ? p->name : "");
    sbom_set_str(&x->s, o, "SPDXID", x->id[i]);
    sbom_set_str(&x->s, o, "versionInfo", p->version);
    sbom_set_str(&x->s, o, "supplier", supplier(x, p->supplier));
    no_assertions(x, o);
    if (p->source_name) {
        const char *si = arena_printf(&x->s.arena, "built from source package %s%s%s",
                                      p->source_name, p->source_version ? " " : "",
                                      p->source_version ? p->source_version : "");
        if (!si)
            x->s.oom = 1;
        sbom_set_str(&x->s, o, "sourceInfo", si);
    }
    sbom_set_str(&x->s, o, "licenseConcluded", "NOASSERTION");
    sbom_set_str(&x->s, o, "licenseDeclared", license_declared(x, p->license));
    sbom_set_str(&x->s, o, "copyrightText", "NOASSERTION");
    if (p->layer >= 0 && (size_t)p->layer < im->nlayers) {
        const struct moat_layer *l = &im->layers[p->layer];
        layer = arena_printf(&x->s.arena, ", layer %d (digest %s, diff_id %s)", p->layer,
                             l->digest ? l->digest : "unknown",
                             l->diff_id ? l->diff_id : "unknown");
        if (!layer) {
            x->s.oom = 1;
            layer = "";
        }
    }
    comment = arena_printf(&x->s.arena, "%s package found by %s in %s%s",
                           moat_pkg_type_name(p->type), p->found_by ? p->found_by : "moat",
                           p->path ? p->path : "an unknown file", layer);
    if (!comment)
        x->s.oom = 1;
    sbom_set_str(&x->s, o, "comment", comment);
    purl_ref(x, o, p->purl);
    sbom_set_str(&x->s, o, "primaryPackagePurpose", "LIBRARY");
    return o;
}

static json_t *
image_package(struct spdx *x, const struct sbom_image *img)
{
    const struct moat_image *im = &x->res->image;
    json_t *o = sbom_object(&x->s);
    char platform[128];
    const char *comment;

    sbom_set_str(&x->s, o, "name", img->repository ? img->repository : img->display);
    sbom_set_str(&x->s, o, "SPDXID", x->image_id);
    sbom_set_str(&x->s, o, "versionInfo", img->version);
    sbom_set_str(&x->s, o, "supplier", "NOASSERTION");
    no_assertions(x, o);
    sbom_set_str(&x->s, o, "licenseConcluded", "NOASSERTION");
    sbom_set_str(&x->s, o, "licenseDeclared", "NOASSERTION");
    sbom_set_str(&x->s, o, "copyrightText", "NOASSERTION");
    comment = arena_printf(&x->s.arena,
                           "container image %s (transport %s, platform %s, config %s, "
                           "created %s, layers: %zu)",
                           img->display, im->transport ? im->transport : "unknown",
                           report_platform(x->res, platform, sizeof(platform)),
                           im->config_digest ? im->config_digest : "unknown",
                           im->created ? im->created : "unknown", im->nlayers);
    if (!comment)
        x->s.oom = 1;
    sbom_set_str(&x->s, o, "comment", comment);
    purl_ref(x, o, img->purl);
    sbom_set_str(&x->s, o, "primaryPackagePurpose", "CONTAINER");
    return o;
}

static json_t *
os_package(struct spdx *x)
{
    const struct moat_distro *d = &x->res->distro;
    json_t *o = sbom_object(&x->s);
    const char *comment;

    sbom_set_str(&x->s, o, "name", d->id);
    sbom_set_str(&x->s, o, "SPDXID", x->os_id);
    sbom_set_str(&x->s, o, "versionInfo", d->version_id);
    sbom_set_str(&x->s, o, "supplier", "NOASSERTION");
    no_assertions(x, o);
    sbom_set_str(&x->s, o, "licenseConcluded", "NOASSERTION");
    sbom_set_str(&x->s, o, "licenseDeclared", "NOASSERTION");
    sbom_set_str(&x->s, o, "copyrightText", "NOASSERTION");
    sbom_set_str(&x->s, o, "description", d->pretty_name ? d->pretty_name : d->name);
    comment = arena_printf(&x->s.arena, "operating system identified from %s%s",
                           d->path ? d->path : "an unknown file",
                           d->distroless ? " (distroless)" : "");
    if (!comment)
        x->s.oom = 1;
    sbom_set_str(&x->s, o, "comment", comment);
    sbom_set_str(&x->s, o, "primaryPackagePurpose", "OPERATING_SYSTEM");
    return o;
}

static void
assign_ids(struct spdx *x)
{
    const struct moat_result *res = x->res;
    size_t i;

    /* reserved first, so no package can take them */
    unique_id(x, "SPDXRef-DOCUMENT");
    x->image_id = unique_id(x, "SPDXRef-Image");
    if (res->distro.id) {
        const char *parts[] = {"OperatingSystem", res->distro.id, res->distro.version_id};
        x->os_id = make_id(x, parts, 3);
    }
    x->id = arena_alloc(&x->s.arena, (res->npackages ? res->npackages : 1) * sizeof(*x->id));
    if (!x->id) {
        x->s.oom = 1;
        return;
    }
    for (i = 0; i < res->npackages && !x->s.oom; i++) {
        const struct moat_package *p = &res->packages[i];
        const char *parts[] = {"Package", moat_pkg_type_name(p->type), p->ns, p->name,
                               p->version};
        x->id[i] = make_id(x, parts, 5);
    }
}

int
report_spdx(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
            char *err, size_t errlen)
{
    struct spdx x;
    struct sbom_image img;
    json_t *doc = NULL, *ci, *creators, *pkgs, *rels;
    struct buf ns;
    char date[21];
    const char *tool, *prefix = NULL;
    size_t i, nfailed;
    long j;
    int rc = -1;

    memset(&x, 0, sizeof(x));
    sbom_init(&x.s);
    map_init(&x.ids);
    map_init(&x.next_suffix);
    map_init(&x.refs);
    x.res = res;
    if (sbom_image(&x.s, res, &img) != 0 || sbom_tree(&x.s, res, &x.tree) != 0)
        goto oom;
    assign_ids(&x);
    x.extracted = sbom_array(&x.s);
    if (x.s.oom)
        goto oom;

    doc = sbom_object(&x.s);
    sbom_set_str(&x.s, doc, "spdxVersion", "SPDX-2.3");
    sbom_set_str(&x.s, doc, "dataLicense", "CC0-1.0");
    sbom_set_str(&x.s, doc, "SPDXID", "SPDXRef-DOCUMENT");
    sbom_set_str(&x.s, doc, "name", img.display);
    sbom_set_str(&x.s, doc, "documentNamespace", ""); /* keeps its place; set at the end */
    ci = sbom_object(&x.s);
    creators = sbom_array(&x.s);
    tool = arena_printf(&x.s.arena, "Tool: %s-%s", o->tool_name ? o->tool_name : "moat",
                        MOAT_VERSION);
    if (!tool)
        goto oom;
    sbom_append(&x.s, creators, sbom_str(&x.s, tool));
    sbom_set(&x.s, ci, "creators", creators);
    sbom_date(res, date);
    sbom_set_str(&x.s, ci, "created", date);
    sbom_set(&x.s, doc, "creationInfo", ci);
    nfailed = sbom_failed_problems(res);
    if (nfailed) {
        struct buf cm;
        buf_init(&cm, 1u << 20);
        buf_printf(&cm, "moat could not analyse everything in this image, so this inventory "
                        "may be incomplete (%zu problem%s):",
                   nfailed, nfailed == 1 ? "" : "s");
        for (i = 0; i < res->nproblems; i++)
            if (res->problems[i].grade >= MOAT_FAILED) {
                const char *line = sbom_problem_line(&x.s, &res->problems[i]);
                if (line && buf_printf(&cm, "\n%s", line) != 0)
                    break; /* the first MiB of reasons is enough */
            }
        sbom_set_str(&x.s, doc, "comment", cm.data ? cm.data : "");
        buf_free(&cm);
    }

    pkgs = sbom_array(&x.s);
    rels = sbom_array(&x.s);
    relationship(&x, rels, "SPDXRef-DOCUMENT", "DESCRIBES", x.image_id);
    sbom_append(&x.s, pkgs, image_package(&x, &img));
    if (x.os_id) {
        sbom_append(&x.s, pkgs, os_package(&x));
        relationship(&x, rels, x.image_id, "CONTAINS", x.os_id);
    }
    for (i = 0; i < res->npackages && !x.s.oom; i++) {
        sbom_append(&x.s, pkgs, package(&x, i));
        if (!x.tree.nested[i])
            relationship(&x, rels, x.image_id, "CONTAINS", x.id[i]);
        for (j = x.tree.first_owned[i]; j >= 0; j = x.tree.next_owned[j])
            relationship(&x, rels, x.id[i], "CONTAINS", x.id[j]);
        for (j = x.tree.first_child[i]; j >= 0; j = x.tree.next_child[j])
            relationship(&x, rels, x.id[i], "DEPENDS_ON", x.id[j]);
    }
    sbom_set(&x.s, doc, "packages", pkgs);
    if (json_array_size(x.extracted))
        sbom_set(&x.s, doc, "hasExtractedLicensingInfos", json_incref(x.extracted));
    sbom_set(&x.s, doc, "relationships", rels);
    if (x.s.oom)
        goto oom;

    /* https://moat.invalid/spdx/<name>-<uuid>: .invalid (RFC 2606) because the
     * URI names the document and is not meant to be fetched */
    buf_init(&ns, 64 + ID_PART_MAX);
    if (buf_adds(&ns, "https://moat.invalid/spdx/") == 0 &&
        add_sanitised(&ns, img.repository ? img.repository : img.display, ID_PART_MAX) == 0 &&
        buf_addc(&ns, '-') == 0)
        prefix = arena_strdup(&x.s.arena, ns.data);
    buf_free(&ns);
    if (!prefix)
        goto oom;
    rc = sbom_dump_identified(&x.s, doc, "documentNamespace", prefix, out, err, errlen);
    goto out;
oom:
    snprintf(err, errlen, "out of memory while building the SPDX SBOM");
    rc = -1;
out:
    json_decref(doc);
    json_decref(x.extracted);
    map_free(&x.ids);
    map_free(&x.next_suffix);
    map_free(&x.refs);
    sbom_free(&x.s);
    return rc;
}

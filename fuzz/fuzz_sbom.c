/*
 * fuzz_sbom.c - the SBOM writers and the SPDX license checks on hostile
 * scan results. Image metadata and package fields come from untrusted
 * images, so the input becomes a moat_result: lines are taken in turn as
 * the image name, creation date, then per package name, version, license,
 * supplier, namespace and purl (bytes are kept as they are, invalid UTF-8
 * included); the first bytes of each package line pick owner and parent
 * indices, valid or not. Both documents must come out as JSON that jansson
 * parses back, with the id field filled in; every line also goes through
 * the license checks.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/license.h"
#include "report/report.h"

#define MAX_INPUT (256u << 10)
#define MAX_PKGS 64
#define FIELDS 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_document(const char *fmt, const struct moat_result *res, const char *key)
{
    char *out = NULL, err[256];
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    json_t *doc;
    json_error_t je;

    if (!fp)
        return;
    if (moat_report_write(fmt, res, NULL, fp, err, sizeof(err)) != 0) {
        fclose(fp);
        free(out);
        return; /* out of memory is a legitimate answer */
    }
    fclose(fp);
    doc = json_loadb(out, len, 0, &je);
    if (!doc || !json_string_value(json_object_get(doc, key)) ||
        strlen(json_string_value(json_object_get(doc, key))) < 36) {
        fprintf(stderr, "%s output is not a valid document: %s\n%.*s\n", fmt,
                doc ? "no id" : je.text, (int)(len > 2000 ? 2000 : len), out);
        abort();
    }
    json_decref(doc);
    free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy, *lines[2 + MAX_PKGS * FIELDS];
    size_t nlines = 0, i, npk;
    struct moat_package pk[MAX_PKGS];
    struct moat_layer layer = {0};
    struct moat_result res;
    struct moat_prop prop = {"fuzz", "prop"};
    struct moat_problem prob = {MOAT_FAILED, 0, "x", "fuzz", "problem"};

    if (size > MAX_INPUT)
        return 0;
    copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    lines[nlines++] = copy;
    for (i = 0; i < size && nlines < sizeof(lines) / sizeof(lines[0]); i++) {
        if (copy[i] == '\n' || copy[i] == '\0') {
            copy[i] = '\0';
            lines[nlines++] = copy + i + 1;
        }
    }
    for (i = 0; i < nlines; i++) {
        license_is_spdx_expression(lines[i]);
        license_is_spdx_id(lines[i]);
        license_is_listed(lines[i]);
    }

    memset(&res, 0, sizeof(res));
    layer.digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    layer.diff_id = layer.digest;
    res.target = "fuzz";
    res.image.transport = "oci";
    res.image.name = nlines > 0 ? lines[0] : NULL;
    res.image.created = nlines > 1 ? lines[1] : NULL;
    res.image.digest = size % 2 ? layer.digest : NULL;
    res.image.config_digest = layer.digest;
    res.image.architecture = "amd64";
    res.image.layers = &layer;
    res.image.nlayers = 1;
    if (size % 3 == 0) {
        res.distro.id = "debian";
        res.distro.version_id = size % 5 ? "12" : NULL;
    }
    npk = nlines > 2 ? (nlines - 2) / FIELDS : 0;
    memset(pk, 0, sizeof(pk));
    for (i = 0; i < npk; i++) {
        char **f = &lines[2 + i * FIELDS];
        const unsigned char *u = (const unsigned char *)f[0];
        pk[i].type = (enum moat_pkg_type)(u[0] % (MOAT_PKG_TYPE_COUNT + 1));
        pk[i].name = f[0];
        pk[i].version = *f[1] ? f[1] : NULL;
        pk[i].license = *f[2] ? f[2] : NULL;
        pk[i].supplier = *f[3] ? f[3] : NULL;
        pk[i].ns = *f[4] ? f[4] : NULL;
        pk[i].purl = f[5];
        pk[i].path = "/fuzz";
        pk[i].found_by = "fuzz";
        pk[i].layer = u[0] ? (int)(u[1] % 3) - 1 : 0;
        /* indices: mostly valid, sometimes self, out of range or cyclic */
        pk[i].owner = u[0] && u[1] ? (long)(u[2] % (npk + 2)) - 1 : -1;
        pk[i].parent = u[0] && u[1] && u[2] ? (long)(u[3] % (npk + 2)) - 1 : -1;
        pk[i].props = &prop;
        pk[i].nprops = u[0] & 1;
        pk[i].source_name = u[0] & 2 ? f[1] : NULL;
    }
    res.packages = pk;
    res.npackages = npk;
    res.problems = &prob;
    res.nproblems = size % 7 == 0;

    check_document("cyclonedx", &res, "serialNumber");
    check_document("spdx", &res, "documentNamespace");
    free(copy);
    return 0;
}

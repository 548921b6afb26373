/*
 * fuzz_reports.c - the report writers (table, HTML, SARIF, CycloneDX with
 * vulnerabilities, JSON) on hostile scan results. Every string of a result
 * comes from an image or an advisory database, so the input becomes a
 * moat_result: the first lines are the image name, a layer's created_by
 * line and a verdict reason; then each group of FIELDS lines is one package
 * and one finding (name, version, finding id, severity, title, path,
 * evidence, fixed version), bytes kept as they are (invalid UTF-8, control
 * characters, markup). The first bytes of a group pick the finding's kind,
 * whether it names its package, its layer, score and suppression; indices
 * stay within the result, as the library guarantees.
 *
 * Checked: the JSON formats parse back; the table writes no control
 * character but newline (and colour sequences when asked for them) and,
 * given a width, no line wider than it; the HTML page has exactly its own
 * one script element and no raw control character.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define MAX_INPUT (256u << 10)
#define MAX_GROUPS 48
#define HEAD 3
#define FIELDS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
render(const char *fmt, const struct moat_result *res, const struct moat_report_options *o,
       size_t *len)
{
    char *out = NULL, err[256];
    FILE *fp = open_memstream(&out, len);

    if (!fp)
        return NULL;
    if (moat_report_write(fmt, res, o, fp, err, sizeof(err)) != 0) {
        fclose(fp);
        free(out);
        return NULL; /* out of memory is a legitimate answer */
    }
    fclose(fp);
    return out;
}

static void
fail(const char *what, const char *out, size_t len)
{
    fprintf(stderr, "%s\n%.*s\n", what, (int)(len > 4000 ? 4000 : len), out);
    abort();
}

static void
check_json(const char *fmt, const struct moat_result *res, const struct moat_report_options *o)
{
    size_t len = 0;
    char *out = render(fmt, res, o, &len);
    json_error_t je;
    json_t *doc;

    if (!out)
        return;
    doc = json_loadb(out, len, 0, &je);
    if (!doc)
        fail(je.text, out, len);
    json_decref(doc);
    free(out);
}

static void
check_table(const struct moat_result *res, unsigned width, int color)
{
    struct moat_report_options o = {0};
    size_t len = 0, i, cols = 0;
    char *out;

    o.width = width;
    o.color = color;
    out = render("table", res, &o, &len);
    if (!out)
        return;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c == '\n') {
            cols = 0;
            continue;
        }
        if (c == 0x1b && color) {
            /* a colour sequence of ours: ESC [ digits/; m */
            size_t k = i + 1;
            if (k >= len || out[k] != '[')
                fail("table: escape that is not a colour", out, len);
            for (k++; k < len && ((out[k] >= '0' && out[k] <= '9') || out[k] == ';'); k++)
                ;
            if (k >= len || out[k] != 'm')
                fail("table: escape that is not a colour", out, len);
            i = k;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            fail("table: control character", out, len);
        if ((c & 0xc0) != 0x80)
            cols++;
        if (width && cols > width)
            fail("table: line wider than the terminal", out, len);
    }
    free(out);
}

static void
check_html(const struct moat_result *res)
{
    struct moat_report_options o = {0};
    size_t len = 0, i, scripts = 0;
    char *out = render("html", res, &o, &len);
    const char *p;

    if (!out)
        return;
    for (p = out; (p = strstr(p, "<script")) != NULL; p++)
        scripts++;
    if (scripts != 1)
        fail("html: script elements other than its own", out, len);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            fail("html: control character", out, len);
    }
    free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[] = {"vulnerability", "malware", "secret", "config",
                                        "integrity", "persistence", "other"};
    static const char *const sevs[] = {"critical", "high", "medium", "low", "info", "unknown"};
    char *copy, *lines[HEAD + MAX_GROUPS * FIELDS];
    size_t nlines = 0, i, ng;
    struct moat_package pk[MAX_GROUPS];
    struct moat_finding fi[MAX_GROUPS];
    struct moat_unowned_file uf[MAX_GROUPS];
    struct moat_unmanaged um;
    struct moat_layer layers[2];
    struct moat_remedy rem;
    long rem_pkgs[1] = {0};
    const char *reasons[2], *aliases[1];
    struct moat_result res;
    struct moat_problem prob;
    struct moat_report_options o = {0};
    unsigned width;

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
    while (nlines < HEAD)
        lines[nlines++] = copy + size;

    memset(&res, 0, sizeof(res));
    memset(layers, 0, sizeof(layers));
    memset(pk, 0, sizeof(pk));
    memset(fi, 0, sizeof(fi));
    memset(&um, 0, sizeof(um));
    memset(&rem, 0, sizeof(rem));
    for (i = 0; i < 2; i++) {
        layers[i].index = (unsigned)i;
        layers[i].digest = "sha256:00000000000000000000000000000000000000000000000000000000000000"
                           "00";
        layers[i].diff_id = layers[i].digest;
        layers[i].size = 1000 * (i + 1);
        layers[i].uncompressed_size = size;
        layers[i].created_by = i ? lines[1] : NULL;
    }
    res.target = lines[0];
    res.image.transport = "oci";
    res.image.name = *lines[0] ? lines[0] : NULL;
    res.image.digest = size % 2 ? layers[0].digest : NULL;
    res.image.config_digest = layers[0].digest;
    res.image.os = "linux";
    res.image.architecture = "amd64";
    res.image.layers = layers;
    res.image.nlayers = 2;
    res.base_layers = size % 3 ? 1 : -1;
    if (size % 5) {
        res.distro.id = "debian";
        res.distro.pretty_name = lines[1];
    }
    ng = (nlines - HEAD) / FIELDS;
    for (i = 0; i < ng; i++) {
        char **f = &lines[HEAD + i * FIELDS];
        const unsigned char *u = (const unsigned char *)f[0];
        unsigned b0 = u[0], b1 = b0 ? u[1] : 0, b2 = b1 ? u[2] : 0;
        pk[i].type = (enum moat_pkg_type)(b0 % MOAT_PKG_TYPE_COUNT);
        pk[i].name = f[0];
        pk[i].version = *f[1] ? f[1] : NULL;
        pk[i].ns = b1 & 1 ? f[6] : NULL;
        pk[i].purl = f[5];
        pk[i].path = f[5];
        pk[i].source_name = b1 & 2 ? f[2] : NULL;
        pk[i].found_by = "fuzz";
        pk[i].layer = (int)(b0 % 2);
        pk[i].owner = b1 & 4 && i ? 0 : -1;
        pk[i].parent = -1;
        fi[i].kind = kinds[b1 % (sizeof(kinds) / sizeof(kinds[0]))];
        fi[i].id = f[2];
        fi[i].severity = b2 & 8 ? f[3] : sevs[b2 % 6];
        fi[i].title = *f[4] ? f[4] : NULL;
        fi[i].path = b2 & 16 ? NULL : f[5];
        fi[i].layer = (int)(b2 % 3) - 1;
        fi[i].package = b1 % 7 < 2 ? (long)i : -1;
        fi[i].evidence = *f[6] ? f[6] : NULL;
        fi[i].score = b2 & 32 ? (double)(b0 % 101) / 10.0 : -1;
        fi[i].score_vector = b2 & 32 ? f[3] : NULL;
        fi[i].installed = pk[i].version;
        fi[i].fixed = *f[7] ? f[7] : NULL;
        fi[i].ecosystem = b2 & 64 ? f[1] : NULL;
        fi[i].published = f[4];
        fi[i].suppressed = b2 & 128 ? f[7] : NULL;
        aliases[0] = f[7];
        fi[i].aliases = aliases;
        fi[i].naliases = b0 & 1;
        fi[i].removed = (int)(b0 & 2);
        fi[i].offset = b0 & 4 ? (int64_t)b1 : -1;
        uf[i].path = f[5];
        uf[i].size = b0;
        uf[i].layer = (int)(b0 % 2);
        uf[i].kind = b1 & 1 ? "elf" : "other";
    }
    res.packages = pk;
    res.npackages = ng;
    res.findings = fi;
    res.nfindings = ng;
    if (ng) {
        rem.name = pk[0].name;
        rem.type = pk[0].type;
        rem.installed = pk[0].version;
        rem.target = lines[2];
        rem.fixes = 1;
        rem.by_severity[0] = 1;
        rem.base = (int)(size % 2);
        rem.packages = rem_pkgs;
        rem.npackages = 1;
        res.remedies = &rem;
        res.nremedies = 1;
    }
    um.executables = ng + 1;
    um.bytes = size;
    um.attributed = 1;
    um.unowned = ng;
    um.files = uf;
    um.nfiles = ng;
    res.unmanaged = size % 4 ? &um : NULL;
    reasons[0] = lines[2];
    reasons[1] = "deny: fuzz";
    res.verdict = size % 3 == 0 ? "deny" : size % 3 == 1 ? "warn" : "allow";
    res.reasons = reasons;
    res.nreasons = size % 3;
    memset(&prob, 0, sizeof(prob));
    prob.grade = (enum moat_grade)(size % 3);
    prob.layer = (int)(size % 2);
    prob.path = lines[1];
    prob.source = "fuzz";
    prob.message = lines[2];
    res.problems = &prob;
    res.nproblems = size % 2;

    width = size > 2 && data[0] % 3 ? 20u + data[1] % 100u : 0;
    check_table(&res, width, size ? data[size - 1] & 1 : 0);
    check_html(&res);
    check_json("sarif", &res, &o);
    check_json("cyclonedx", &res, &o);
    check_json("json", &res, &o);
    free(copy);
    return 0;
}

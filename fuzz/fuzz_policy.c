/*
 * fuzz_policy.c - the admission policy loader (lib/policy/load.c) and, for
 * every policy it accepts, the evaluator (lib/policy/eval.c) against a
 * small real scan result carrying one finding of each kind.
 *
 * Besides memory errors (ASan) and undefined behaviour (UBSan) it traps on
 * a broken contract: a refused policy must come with an error naming the
 * policy ("fuzz.yaml..."), an accepted one must evaluate to allow, warn or
 * deny with every reason starting with its level, and loading the same
 * bytes twice must give the same answer. Policies whose approved base
 * images are read from a reference are not evaluated: that would reach
 * for registries and files the input names.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "policy/policy.h"
#include "result.h"

#define FUZZ_MAX_INPUT (1u << 20)
/* evaluations appended to one result's arena before it is made anew */
#define RESULT_USES 2000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

static char root[64];
static struct moat_result *res;
static unsigned uses;

static void
put(const char *rel, const char *text)
{
    char path[128];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    fp = fopen(path, "w");
    CHECK(fp != NULL);
    fputs(text, fp);
    fclose(fp);
}

static void
remove_root(void)
{
    static const char *const paths[] = {"var/lib/dpkg/status", "etc/os-release", "var/lib/dpkg",
                                        "var/lib", "var", "etc", ""};
    char path[128];
    size_t i;

    moat_result_free(res);
    res = NULL;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", root, paths[i]);
        if (remove(path) != 0)
            break;
    }
}

static void
make_root(void)
{
    static const char *const dirs[] = {"etc", "var", "var/lib", "var/lib/dpkg"};
    char path[128];
    size_t i;

    snprintf(root, sizeof(root), "/tmp/moat-fuzz-policy-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
        CHECK(mkdir(path, 0755) == 0);
    }
    put("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    put("var/lib/dpkg/status", "Package: libssl3\nStatus: install ok installed\n"
                               "Architecture: amd64\nSource: openssl\nVersion: 3.0.11-1\n");
    atexit(remove_root);
}

static void
new_result(void)
{
    static const char *const kinds[] = {"vulnerability", "malware", "persistence", "integrity",
                                        "secret",        "config"};
    static const char *const alias[] = {"CVE-2021-44228"};
    struct moat_options opt;
    struct moat_finding f;
    char target[96], err[256];
    size_t i;

    moat_result_free(res);
    res = NULL;
    moat_options_init(&opt);
    opt.detect.enabled = 0;
    snprintf(target, sizeof(target), "rootfs:%s", root);
    CHECK(moat_scan(target, &opt, &res, err, sizeof(err)) != MOAT_FATAL);
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        memset(&f, 0, sizeof(f));
        f.kind = kinds[i];
        f.id = i == 5 ? "MOAT-IMG-001" : "CVE-2023-5678";
        f.severity = i % 2 ? "high" : "critical";
        f.path = "/usr/lib/x.so";
        f.package = i == 0 && res->npackages ? 0 : -1;
        f.fixed = i == 0 ? "3.0.13-1" : NULL;
        f.published = "2023-11-06T16:15:00Z";
        f.aliases = alias;
        f.naliases = 1;
        f.removed = (int)(i % 2);
        f.score = -1;
        f.offset = -1;
        CHECK(result_add_findings(res, &f, 1) == 0);
    }
    res->image.config_json = "{\"config\":{\"User\":\"root\"}}";
    uses = 0;
}

static int
reads_images(const struct moat_policy *p)
{
    size_t i;

    for (i = 0; i < p->base.n; i++)
        if (p->base.v[i].ref)
            return 1;
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct moat_policy *p = NULL, *q = NULL;
    struct moat_policy_context ctx;
    char err[1024], err2[1024];
    size_t i;
    int rc, rc2;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    if (!root[0])
        make_root();
    err[0] = '\0';
    /* relative file names resolve under a directory that does not exist */
    rc = policy_load_mem("fuzz.yaml", "/nonexistent-moat-fuzz", (const char *)data, size, &p, err,
                         sizeof(err));
    rc2 = policy_load_mem("fuzz.yaml", "/nonexistent-moat-fuzz", (const char *)data, size, &q,
                          err2, sizeof(err2));
    CHECK(rc == rc2);
    if (rc) {
        CHECK(p == NULL && q == NULL);
        CHECK(strncmp(err, "fuzz.yaml", 9) == 0 || strncmp(err, "preset ", 7) == 0 ||
              rc == MOAT_ENOMEM);
        CHECK(strcmp(err, err2) == 0);
        return 0;
    }
    CHECK(p != NULL && p->nrules == q->nrules && p->nexceptions == q->nexceptions);
    moat_policy_free(q);
    if (!reads_images(p)) {
        if (!res || uses >= RESULT_USES)
            new_result();
        uses++;
        memset(&ctx, 0, sizeof(ctx));
        ctx.target = "docker://registry.example/app:1";
        ctx.now = 1767225600;
        ctx.unchecked = data[0] & 1 ? MOAT_POLICY_NO_VULNS : 0;
        CHECK(moat_policy_evaluate(p, res, &ctx, err, sizeof(err)) == 0);
        CHECK(strcmp(res->verdict, "allow") == 0 || strcmp(res->verdict, "warn") == 0 ||
              strcmp(res->verdict, "deny") == 0);
        for (i = 0; i < res->nreasons; i++)
            CHECK(strncmp(res->reasons[i], "deny: ", 6) == 0 ||
                  strncmp(res->reasons[i], "warn: ", 6) == 0 ||
                  strncmp(res->reasons[i], "info: ", 6) == 0);
        if (strcmp(res->verdict, "deny") == 0)
            CHECK(res->nreasons > 0 && strncmp(res->reasons[0], "deny: ", 6) == 0);
    }
    moat_policy_free(p);
    return 0;
}

/*
 * test_policy.c - the admission policy (lib/policy/): malformed policies
 * refused with the file and line named, the presets, and evaluation of
 * every rule kind against a real scan result (a small root filesystem
 * scanned by moat_scan, findings added the way the detectors add them):
 * the verdict, the exact reasons, deny-before-warn de-duplication,
 * suppressed findings, exceptions and their expiry, rules that could not
 * be evaluated, golden base images by diff_ids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "moat/moat.h"
#include "base/err.h"
#include "policy/policy.h"
#include "result.h"

static const int64_t now = 1767225600; /* 2026-01-01T00:00:00Z */
static char tmpdir[64];

/* ---- helpers ---- */

static void
write_file(const char *rel, const char *text)
{
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int
load(const char *yaml, struct moat_policy **p, char *err, size_t errlen)
{
    return policy_load_mem("t.yaml", tmpdir, yaml, strlen(yaml), p, err, errlen);
}

static struct moat_policy *
load_ok(const char *yaml)
{
    struct moat_policy *p = NULL;
    char err[1024] = "";
    int rc = load(yaml, &p, err, sizeof(err));

    if (rc)
        fail_msg("policy refused: %s", err);
    return p;
}

/* A real result: a root filesystem with a Debian os-release and two dpkg
 * packages, scanned without detectors. */
static struct moat_result *
scan_rootfs(void)
{
    struct moat_options opt;
    struct moat_result *res = NULL;
    char target[128], err[512];
    enum moat_grade g;

    moat_options_init(&opt);
    opt.detect.enabled = 0;
    snprintf(target, sizeof(target), "rootfs:%s/fs", tmpdir);
    g = moat_scan(target, &opt, &res, err, sizeof(err));
    if (g == MOAT_FATAL)
        fail_msg("scan failed: %s", err);
    assert_int_equal(res->npackages, 2);
    return res;
}

static long
package_index(const struct moat_result *res, const char *name)
{
    size_t i;

    for (i = 0; i < res->npackages; i++)
        if (strcmp(res->packages[i].name, name) == 0)
            return (long)i;
    fail_msg("no package %s", name);
    return -1;
}

static struct moat_finding
vuln(const struct moat_result *res, const char *id, const char *sev, const char *fixed,
     const char *published)
{
    struct moat_finding f;

    memset(&f, 0, sizeof(f));
    f.kind = "vulnerability";
    f.id = id;
    f.severity = sev;
    f.package = package_index(res, "libssl3");
    f.installed = "3.0.11-1";
    f.fixed = fixed;
    f.published = published;
    f.score = -1;
    f.offset = -1;
    return f;
}

static struct moat_finding
file_finding(const char *kind, const char *id, const char *sev, const char *path, int removed)
{
    struct moat_finding f;

    memset(&f, 0, sizeof(f));
    f.kind = kind;
    f.id = id;
    f.severity = sev;
    f.path = path;
    f.layer = 1;
    f.package = -1;
    f.removed = removed;
    f.score = -1;
    f.offset = -1;
    return f;
}

static void
add(struct moat_result *res, struct moat_finding f)
{
    assert_int_equal(result_add_findings(res, &f, 1), 0);
}

static void
evaluate(const struct moat_policy *p, struct moat_result *res,
         const struct moat_policy_context *given)
{
    struct moat_policy_context ctx;
    char err[256];

    memset(&ctx, 0, sizeof(ctx));
    if (given)
        ctx = *given;
    if (!ctx.now)
        ctx.now = now;
    if (moat_policy_evaluate(p, res, &ctx, err, sizeof(err)) != 0)
        fail_msg("evaluate: %s", err);
}

/* The reasons must be exactly these, in this order. */
static void
expect(const struct moat_result *res, const char *verdict, const char *const *want)
{
    size_t i, n = 0;

    while (want[n])
        n++;
    for (i = 0; i < res->nreasons; i++)
        print_message("  reason: %s\n", res->reasons[i]);
    assert_string_equal(res->verdict, verdict);
    assert_int_equal(res->nreasons, n);
    for (i = 0; i < n; i++)
        assert_string_equal(res->reasons[i], want[i]);
}

/* ---- loading ---- */

static void
test_glob(void **state)
{
    char s[20001];
    clock_t t0;

    (void)state;
    assert_true(glob_match("CVE-*", "CVE-2023-5678"));
    assert_true(glob_match("aws-*", "aws-secret-access-key"));
    assert_false(glob_match("aws-*", "gcp-api-key"));
    assert_true(glob_match("/opt/*/bin/?", "/opt/app/x/bin/z"));
    assert_false(glob_match("/opt/*/bin/?", "/opt/app/bin/zz"));
    assert_true(glob_match("*", ""));
    assert_false(glob_match("", "a"));
    assert_true(glob_match("a*b*c", "axxbyyc"));
    assert_false(glob_match("a*b*c", "axxbyy"));
    /* no exponential backtracking: many stars against a long near-miss */
    memset(s, 'a', sizeof(s) - 1);
    s[sizeof(s) - 1] = '\0';
    t0 = clock();
    assert_false(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", s));
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}

static void
test_presets(void **state)
{
    const char *const *names = moat_policy_presets();
    struct moat_policy *p = NULL;
    char err[512];
    size_t n;

    (void)state;
    assert_string_equal(names[0], "baseline");
    assert_string_equal(names[1], "strict");
    assert_null(names[2]);
    assert_int_equal(moat_policy_load("baseline", &p, err, sizeof(err)), 0);
    assert_null(moat_policy_signature_keys(p, &n));
    assert_int_equal(n, 0);
    moat_policy_free(p);
    assert_int_equal(moat_policy_load("strict", &p, err, sizeof(err)), 0);
    moat_policy_free(p);
    p = (struct moat_policy *)1;
    assert_int_equal(moat_policy_load("baselin", &p, err, sizeof(err)), -1);
    assert_null(p);
    assert_string_equal(err, "baselin: no such policy file, and not a preset (baseline, strict)");
    assert_int_equal(moat_policy_load("/nonexistent/p.yaml", &p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/p.yaml"));
}

static void
test_bad_policies(void **state)
{
    static const struct {
        const char *yaml;
        const char *err; /* the whole message, or a prefix when it ends in '*' */
    } cases[] = {
        {"", "t.yaml: an empty policy (see docs/POLICY.md)"},
        {"- a\n", "t.yaml:1: policy: expected a mapping, found a list"},
        {"version: 1\nvulnerabilities:\n  x: {action: deny\n",
         "t.yaml:4: YAML: did not find expected ',' or '}' while parsing a flow mapping"},
        {"versoin: 1\n", "t.yaml:1: policy: unknown key 'versoin' (known: *"},
        {"version: 2\n", "t.yaml:1: version: this moat reads policy version 1"},
        {"malware:\n  any: {action: block}\n",
         "t.yaml:2: malware.any: the action is deny, warn or off"},
        {"malware:\n  any: {severity: high}\n",
         "t.yaml:2: malware.any: no action (deny, warn or off)"},
        {"vulnerabilities:\n  crit:\n    action: deny\n    severty: critical\n",
         "t.yaml:4: vulnerabilities.crit: unknown key 'severty' (known: action, severity, "
         "fixable, older_than_days, kev, ids)"},
        {"vulnerabilities:\n  crit: {action: deny, severity: severe}\n",
         "t.yaml:2: vulnerabilities.crit: the severity is low, medium, high or critical*"},
        {"vulnerabilities:\n  crit: {action: deny, fixable: yes}\n",
         "t.yaml:2: fixable: expected true or false"},
        {"vulnerabilities:\n  crit: {action: deny, older_than_days: -3}\n",
         "t.yaml:2: older_than_days: expected a whole number from 0 to 36500"},
        {"malware:\n  any: {action: deny}\n  any: {action: warn}\n",
         "t.yaml:3: key 'any' given twice (first on line 2)"},
        {"malware:\n  bad name: {action: deny}\n",
         "t.yaml:2: malware: a rule name is 1-64 letters, digits, '_' or '-'"},
        {"malware:\n", "t.yaml:1: malware: expected a mapping, found nothing"},
        {"config:\n  c: {action: deny, checks: [MOAT-IMG-001, MOAT-IMG-999]}\n",
         "t.yaml:2: config.c: unknown check id 'MOAT-IMG-999' (see docs/CHECKS.md)"},
        {"unmanaged:\n  u: {action: warn}\n", "t.yaml:2: unmanaged.u: give max_percent or max_files"},
        {"unmanaged:\n  u: {action: warn, max_percent: 101}\n",
         "t.yaml:2: max_percent: expected a percentage from 0 to 100 (e.g. 5 or 2.5)"},
        {"extends: paranoid\n", "t.yaml:1: extends: unknown preset 'paranoid' (baseline, strict)"},
        {"a: &x 1\nb: *x\n", "t.yaml:1: anchors (&name) are not allowed in a policy"},
        {"malware: {}\n---\nmalware: {}\n",
         "t.yaml:2: a policy is one YAML document; a second one starts here"},
        {"image:\n  non_root: maybe\n", "t.yaml:2: image.non_root: the action is deny, warn or off"},
        {"image:\n  registries: {action: deny, allow: ['https://r.io']}\n",
         "t.yaml:2: image.registries.allow: 'https://r.io' is not HOST or HOST/REPOSITORY*"},
        {"image:\n  signature: {action: deny, keys: [missing.pub]}\n",
         "t.yaml:2: image.signature.keys: */missing.pub: cannot be read"},
        {"image:\n  base:\n    approved:\n      - {ref: 'oci:x:1', diff_ids: ['sha256:"
         "0000000000000000000000000000000000000000000000000000000000000000']}\n",
         "t.yaml:4: image.base.approved[]: give ref (an image moat reads) or diff_ids (its "
         "layers), not both"},
        {"image:\n  base:\n    approved:\n      - {ref: 'oci:x:1', digest: 'sha256:abc'}\n",
         "t.yaml:4: digest: not a sha256:<64 hex> or sha512:<128 hex> digest"},
        {"image:\n  base: {approved: []}\n", "t.yaml:2: image.base.approved: an empty list"},
        {"vulnerabilities:\n  k: {action: deny, kev: nope.json}\n", "t.yaml:2: kev: */nope.json: *"},
        {"vulnerabilities:\n  k: {action: deny, kev: kev-bad.json}\n",
         "t.yaml: KEV file */kev-bad.json: vulnerabilities[1] has no valid \"cveID\""},
        {"vulnerabilities:\n  k: {action: deny, kev: kev-bad.txt}\n",
         "t.yaml: KEV file */kev-bad.txt:2: not a vulnerability id"},
        {"exceptions:\n  - {ids: [CVE-1], reason: r, expires: 2030-01-01}\n",
         "t.yaml:2: exception: no owner (who answers for it)"},
        {"exceptions:\n  - {ids: [CVE-1], owner: o, reason: r}\n",
         "t.yaml:2: exception: no expires date (YYYY-MM-DD)"},
        {"exceptions:\n  - {ids: [CVE-1], owner: o, reason: r, expires: 2030-13-01}\n",
         "t.yaml:2: expires: not a date (2025-06-30) or RFC 3339 time"},
        {"exceptions:\n  - {owner: o, reason: r, expires: 2030-01-01}\n",
         "t.yaml:2: exception: says nothing it applies to (give rules, ids, purls, paths or "
         "checks)"},
        {"malware:\n  any: {action: deny}\nexceptions:\n  - {rules: [malware.all], owner: o, "
         "reason: r, expires: 2030-01-01}\n",
         "t.yaml:4: exception names rule 'malware.all', which this policy does not have"},
        {"exceptions:\n  - {rules: [image.pinned], owner: o, reason: r, expires: 2030-01-01}\n",
         "t.yaml:2: exception names rule 'image.pinned', which this policy does not have"},
        {"exceptions:\n  - {checks: [MOAT-XYZ-1], owner: o, reason: r, expires: 2030-01-01}\n",
         "t.yaml:2: exceptions[].checks: unknown check id 'MOAT-XYZ-1' (see docs/CHECKS.md)"},
        {"malware:\n  any: {action: \"de\\0ny\"}\n", "t.yaml:2: a NUL byte in a string"},
    };
    char deep[200], err[1024];
    struct moat_policy *p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        p = NULL;
        err[0] = '\0';
        print_message("case %zu: %s", i, cases[i].yaml);
        assert_int_equal(load(cases[i].yaml, &p, err, sizeof(err)), MOAT_EINVAL);
        assert_null(p);
        /* '*' in an expected message stands for any text (temporary
         * directory names, libyaml's exact wording of a list) */
        if (strchr(cases[i].err, '*') ? !glob_match(cases[i].err, err)
                                      : strcmp(err, cases[i].err) != 0)
            fail_msg("got:  %s\nwant: %s", err, cases[i].err);
    }
    /* nesting past the limit */
    memset(deep, '[', sizeof(deep) - 1);
    deep[sizeof(deep) - 1] = '\0';
    assert_int_equal(load(deep, &p, err, sizeof(err)), MOAT_EINVAL);
    assert_string_equal(err, "t.yaml:1: nested more than 32 levels deep");
}

static void
test_extends_and_replace(void **state)
{
    static const char yaml[] =
        "version: 1\n"
        "extends: baseline\n"
        "vulnerabilities:\n"
        "  high_fixable: {action: off}\n"
        "  kev:\n"
        "    action: deny\n"
        "    kev: kev.json\n"
        "image:\n"
        "  signature: {action: deny, keys: [cosign.pub]}\n";
    struct moat_policy *p;
    const char *const *keys;
    size_t i, n, found = 0;

    (void)state;
    p = load_ok(yaml);
    keys = moat_policy_signature_keys(p, &n);
    assert_int_equal(n, 1);
    assert_non_null(strstr(keys[0], "/cosign.pub"));
    for (i = 0; i < p->nrules; i++) {
        if (strcmp(p->rules[i].name, "vulnerabilities.high_fixable") == 0) {
            assert_int_equal(p->rules[i].action, POL_OFF);
            found++;
        }
        if (strcmp(p->rules[i].name, "vulnerabilities.critical_fixable") == 0) {
            assert_int_equal(p->rules[i].action, POL_DENY);
            found++;
        }
    }
    assert_int_equal(found, 2);
    moat_policy_free(p);
}

/* ---- evaluation ---- */

static void
test_vulnerabilities(void **state)
{
    static const char yaml[] =
        "vulnerabilities:\n"
        "  critical_fixable: {action: deny, severity: critical, fixable: true}\n"
        "  kev: {action: deny, kev: kev.json}\n"
        "  old_high: {action: deny, severity: high, older_than_days: 30}\n"
        "  high: {action: warn, severity: high}\n";
    struct moat_result *res = scan_rootfs();
    struct moat_policy *p = load_ok(yaml);
    struct moat_finding f;
    static const char *alias[] = {"CVE-2021-0004"};
    static const char *const want[] = {
        "deny: vulnerabilities.critical_fixable: CVE-2023-5678 in libssl3 3.0.11-1 (fixed in "
        "3.0.13-1)",
        "deny: vulnerabilities.kev: GHSA-kev1 in libssl3 3.0.11-1 (no fix)",
        "deny: vulnerabilities.old_high: CVE-2023-0003 in libssl3 3.0.11-1 (no fix)",
        "warn: vulnerabilities.high: 2 findings: CVE-2023-0002 in libssl3 3.0.11-1 (no fix); "
        "CVE-2025-0001 in libssl3 3.0.11-1 (fixed in 3.0.20-1)",
        NULL};

    (void)state;
    add(res, vuln(res, "CVE-2023-5678", "critical", "3.0.13-1", "2023-11-06T16:15:00Z"));
    /* critical without a fix: not the deny rule, but a warning */
    add(res, vuln(res, "CVE-2023-0002", "critical", NULL, "2025-12-30T00:00:00Z"));
    /* high, published long ago */
    add(res, vuln(res, "CVE-2023-0003", "high", NULL, "2023-01-01T00:00:00Z"));
    /* high, published 10 days before now */
    add(res, vuln(res, "CVE-2025-0001", "high", "3.0.20-1", "2025-12-22T00:00:00Z"));
    /* low, but listed in the KEV catalog by an alias */
    f = vuln(res, "GHSA-kev1", "low", NULL, NULL);
    f.aliases = alias;
    f.naliases = 1;
    add(res, f);
    /* suppressed by an ignore file: does not count */
    f = vuln(res, "CVE-2023-9999", "critical", "3.0.13-1", "2023-01-01T00:00:00Z");
    f.suppressed = "ignore file x.yaml:3: not reachable";
    add(res, f);
    evaluate(p, res, NULL);
    expect(res, "deny", want);
    moat_policy_free(p);
    moat_result_free(res);
}

static void
test_unchecked(void **state)
{
    struct moat_result *res = scan_rootfs();
    struct moat_policy *p = NULL;
    struct moat_policy_context ctx;
    char err[256];
    static const char *const want[] = {
        "deny: vulnerabilities.critical_fixable: not evaluated: vulnerabilities were not checked "
        "(no advisory database)",
        "deny: malware.any: not evaluated: the malware detector did not run",
        "deny: persistence.any: not evaluated: the persistence detector did not run",
        "deny: integrity.high: not evaluated: the integrity detector did not run",
        "deny: secrets.keys: not evaluated: the secret detector did not run",
        "warn: vulnerabilities.high_fixable: not evaluated: vulnerabilities were not checked (no "
        "advisory database)",
        "warn: secrets.other: not evaluated: the secret detector did not run",
        "warn: config.high_risk: not evaluated: the configuration checks did not run",
        "warn: image.non_root: not evaluated: the target has no image config to read the user "
        "from",
        NULL};

    (void)state;
    assert_int_equal(moat_policy_load("baseline", &p, err, sizeof(err)), 0);
    memset(&ctx, 0, sizeof(ctx));
    ctx.unchecked = MOAT_DETECT_ALL | MOAT_POLICY_NO_VULNS;
    evaluate(p, res, &ctx);
    expect(res, "deny", want);
    moat_policy_free(p);
    moat_result_free(res);
}

static void
test_files_and_exceptions(void **state)
{
    static const char yaml[] =
        "extends: baseline\n"
        "exceptions:\n"
        "  - rules: [secrets]\n"
        "    paths: ['/srv/test/*']\n"
        "    owner: alice@example.com\n"
        "    reason: test fixtures\n"
        "    expires: 2026-01-01\n"
        "  - ids: [webshell-php]\n"
        "    owner: bob\n"
        "    reason: old waiver\n"
        "    expires: 2025-12-31\n"
        "  - rules: [integrity.high]\n"
        "    owner: carol\n"
        "    reason: rebuilt binaries, OPS-12\n"
        "    expires: 2026-03-01T00:00:00Z\n"
        "  - checks: [MOAT-IMG-002]\n"
        "    owner: dave\n"
        "    reason: docker-in-docker runner\n"
        "    expires: 2026-02-01\n";
    struct moat_result *res = scan_rootfs();
    struct moat_policy *p = load_ok(yaml);
    struct moat_finding f;
    static const char *const want[] = {
        "deny: malware.any: webshell-php at /var/www/x.php",
        "deny: persistence.any: ld-preload at /etc/ld.so.preload",
        "deny: secrets.keys: 2 findings: private-key at /root/.ssh/id_rsa (layer 1, removed by a "
        "later layer but still shipped); aws-secret-access-key at /app/.env",
        "warn: secrets.other: generic-password at /app/config.ini",
        "warn: config.high_risk: MOAT-IMG-013 (Image history shows a script downloaded and "
        "piped into a shell)",
        "warn: exceptions: the exception at t.yaml:8 (owner bob: old waiver) expired on "
        "2025-12-31 and no longer applies",
        "info: exception at t.yaml:3 (owner alice@example.com, until 2026-01-01: test fixtures) "
        "waived aws-secret-access-key at /srv/test/.env [secrets.keys]",
        "info: exception at t.yaml:12 (owner carol, until 2026-02-28: rebuilt binaries, OPS-12) "
        "waived pkg-file-replaced at /usr/bin/ls [integrity.high]",
        "info: exception at t.yaml:16 (owner dave, until 2026-02-01: docker-in-docker runner) "
        "waived MOAT-IMG-002 (Image exposes the Docker API port (2375/2376)) [config.high_risk]",
        NULL};

    (void)state;
    add(res, file_finding("malware", "webshell-php", "high", "/var/www/x.php", 0));
    add(res, file_finding("persistence", "ld-preload", "high", "/etc/ld.so.preload", 0));
    add(res, file_finding("secret", "private-key", "critical", "/root/.ssh/id_rsa", 1));
    add(res, file_finding("secret", "aws-secret-access-key", "critical", "/app/.env", 0));
    add(res, file_finding("secret", "aws-secret-access-key", "critical", "/srv/test/.env", 0));
    add(res, file_finding("secret", "generic-password", "medium", "/app/config.ini", 0));
    add(res, file_finding("integrity", "pkg-file-replaced", "high", "/usr/bin/ls", 0));
    /* info: below the integrity rule's threshold */
    add(res, file_finding("integrity", "pkg-config-changed", "info", "/etc/ssh/sshd_config", 0));
    f = file_finding("config", "MOAT-IMG-013", "high", NULL, 0);
    f.title = "Image history shows a script downloaded and piped into a shell";
    add(res, f);
    f = file_finding("config", "MOAT-IMG-002", "high", NULL, 0);
    f.title = "Image exposes the Docker API port (2375/2376)";
    add(res, f);
    res->image.config_json = "{\"config\":{\"User\":\"app:app\"}}";
    evaluate(p, res, NULL);
    expect(res, "deny", want);
    /* a day later alice's exception has expired as well */
    {
        struct moat_policy_context ctx;
        size_t i;
        int seen = 0;
        memset(&ctx, 0, sizeof(ctx));
        ctx.now = now + 86400;
        evaluate(p, res, &ctx);
        for (i = 0; i < res->nreasons; i++) {
            if (strstr(res->reasons[i], "deny: secrets.keys: 3 findings:"))
                seen |= 1;
            if (strstr(res->reasons[i], "exception at t.yaml:3 (owner alice@example.com: test "
                                        "fixtures) expired on 2026-01-01"))
                seen |= 2;
        }
        assert_int_equal(seen, 3);
    }
    moat_policy_free(p);
    moat_result_free(res);
}

static void
test_removed_and_purls(void **state)
{
    static const char yaml[] =
        "secrets:\n"
        "  live: {action: deny, removed: false}\n"
        "vulnerabilities:\n"
        "  any: {action: warn}\n"
        "exceptions:\n"
        "  - purls: ['pkg:deb/debian/libssl3']\n"
        "    ids: ['CVE-2024-*']\n"
        "    owner: sec-team\n"
        "    reason: not reachable\n"
        "    expires: 2027-01-01\n";
    struct moat_result *res = scan_rootfs();
    struct moat_policy *p = load_ok(yaml);
    static const char *const want[] = {
        "warn: vulnerabilities.any: CVE-2023-0001 in libssl3 3.0.11-1 (no fix)",
        "info: exception at t.yaml:6 (owner sec-team, until 2027-01-01: not reachable) waived "
        "CVE-2024-0001 in libssl3 3.0.11-1 (no fix) [vulnerabilities.any]",
        NULL};

    (void)state;
    add(res, file_finding("secret", "private-key", "critical", "/root/.ssh/id_rsa", 1));
    add(res, vuln(res, "CVE-2024-0001", "low", NULL, NULL));
    add(res, vuln(res, "CVE-2023-0001", "low", NULL, NULL));
    evaluate(p, res, NULL);
    expect(res, "warn", want);
    moat_policy_free(p);
    moat_result_free(res);
}

static void
test_image_rules(void **state)
{
    static const char yaml[] =
        "image:\n"
        "  non_root: deny\n"
        "  pinned: {action: warn}\n"
        "  registries: {action: deny, allow: [registry.acme.io, 'docker.io/library/*', "
        "ghcr.io/acme]}\n";
    struct moat_policy *p = load_ok(yaml);
    struct moat_result *res = scan_rootfs();
    struct moat_policy_context ctx;
    static const char *const root[] = {
        "deny: image.non_root: the image runs as root (USER 0:0)",
        "deny: image.registries: quay.io/evil/app is not from an allowed registry or "
        "repository",
        "warn: image.pinned: docker://quay.io/evil/app:1 is not pinned by digest", NULL};
    static const char *const ok[] = {NULL};
    static const char *const targets_ok[] = {
        "docker://registry.acme.io/team/app@sha256:"
        "0000000000000000000000000000000000000000000000000000000000000000",
        "docker://alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "docker://ghcr.io/acme/api/server@sha256:"
        "0000000000000000000000000000000000000000000000000000000000000000",
    };
    size_t i;

    (void)state;
    memset(&ctx, 0, sizeof(ctx));
    ctx.target = "docker://quay.io/evil/app:1";
    res->image.config_json = "{\"config\":{\"User\":\"0:0\"}}";
    evaluate(p, res, &ctx);
    expect(res, "deny", root);
    res->image.config_json = "{\"config\":{\"User\":\"1000\"}}";
    for (i = 0; i < sizeof(targets_ok) / sizeof(targets_ok[0]); i++) {
        print_message("target %s\n", targets_ok[i]);
        ctx.target = targets_ok[i];
        evaluate(p, res, &ctx);
        expect(res, "allow", ok);
    }
    /* ghcr.io/acme covers its sub-repositories, not ghcr.io/acme-evil */
    ctx.target = "docker://ghcr.io/acme-evil/x@sha256:"
                 "0000000000000000000000000000000000000000000000000000000000000000";
    evaluate(p, res, &ctx);
    assert_string_equal(res->verdict, "deny");
    /* a local target with no registry name cannot prove where it came from */
    ctx.target = "oci:/tmp/x@sha256:0000000000000000000000000000000000000000000000000000000000000000";
    evaluate(p, res, &ctx);
    assert_string_equal(res->reasons[0], "deny: image.registries: not evaluated: oci:/tmp/x@sha256:"
                                         "0000000000000000000000000000000000000000000000000000000000000000"
                                         " names no registry (scan docker://HOST/REPO)");
    moat_policy_free(p);
    moat_result_free(res);
}

static void
test_signature(void **state)
{
    static const char yaml[] = "image:\n  signature: {action: deny, keys: [cosign.pub]}\n";
    struct moat_policy *p = load_ok(yaml);
    struct moat_result *res = scan_rootfs();
    struct moat_policy_context ctx;
    struct moat_signature sigs[2];
    struct moat_verification v;
    static const char *const none[] = {
        "deny: image.signature: not evaluated: no signature check was run", NULL};
    static const char *const bad[] = {
        "deny: image.signature: no valid signature by a trusted key (1 key): no signature "
        "verified; cosign sha256-ab.sig layer 0: signature does not verify with any key",
        NULL};
    char info[256];
    const char *good[2];

    (void)state;
    memset(&ctx, 0, sizeof(ctx));
    evaluate(p, res, &ctx);
    expect(res, "deny", none);
    memset(&v, 0, sizeof(v));
    memset(sigs, 0, sizeof(sigs));
    sigs[0].kind = "cosign";
    sigs[0].source = "sha256-ab.sig layer 0";
    sigs[0].reason = "signature does not verify with any key";
    v.sigs = sigs;
    v.nsigs = 1;
    ctx.verification = &v;
    evaluate(p, res, &ctx);
    expect(res, "deny", bad);
    sigs[1].kind = "sigstore-bundle";
    sigs[1].key = "/keys/cosign.pub";
    sigs[1].verified = 1;
    v.nsigs = 2;
    v.verified = 1;
    snprintf(info, sizeof(info), "info: image.signature: sigstore-bundle signature verified "
                                 "with /keys/cosign.pub");
    good[0] = info;
    good[1] = NULL;
    evaluate(p, res, &ctx);
    expect(res, "allow", good);
    /* verified, but for another image than the one scanned */
    v.image_digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    res->image.digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    evaluate(p, res, &ctx);
    assert_string_equal(res->verdict, "deny");
    assert_non_null(strstr(res->reasons[0], "the verified signature is for sha256:1111"));
    moat_policy_free(p);
    moat_result_free(res);
}

static void
test_unmanaged(void **state)
{
    static const char yaml[] =
        "unmanaged:\n"
        "  share: {action: warn, max_percent: 10}\n"
        "  count: {action: deny, max_files: 3}\n";
    struct moat_policy *p = load_ok(yaml);
    struct moat_result *res = scan_rootfs();
    struct moat_unmanaged u;
    struct moat_unowned_file files[2];
    static const char *const want[] = {
        "warn: unmanaged.share: 2 of 10 executables (20.0%) belong to no package (at most 10% "
        "allowed): /opt/x/bin/a, /opt/x/bin/b",
        NULL};

    (void)state;
    memset(&u, 0, sizeof(u));
    memset(files, 0, sizeof(files));
    files[0].path = "/opt/x/bin/a";
    files[1].path = "/opt/x/bin/b";
    u.executables = 10;
    u.attributed = 8;
    u.unowned = 2;
    u.files = files;
    u.nfiles = 2;
    res->unmanaged = &u;
    evaluate(p, res, NULL);
    expect(res, "warn", want);
    u.executables = 100;
    u.attributed = 95;
    u.unowned = 5;
    evaluate(p, res, NULL);
    assert_string_equal(res->verdict, "deny");
    assert_string_equal(res->reasons[0], "deny: unmanaged.count: 5 of 100 executables (5.0%) "
                                         "belong to no package (at most 3 files allowed): "
                                         "/opt/x/bin/a, /opt/x/bin/b, and 3 more");
    res->unmanaged = NULL;
    moat_policy_free(p);
    moat_result_free(res);
}

#define D(c) "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

static void
test_golden_diff_ids(void **state)
{
    static const char yaml[] =
        "image:\n"
        "  base:\n"
        "    action: deny\n"
        "    outdated: warn\n"
        "    too_old: deny\n"
        "    max_age_days: 365\n"
        "    approved:\n"
        "      - {name: 'debian:12-old', repository: debian, created: 2024-01-01,\n"
        "         diff_ids: ['" D("a") "']}\n"
        "      - {name: 'debian:12-new', repository: debian, created: '2025-11-01T00:00:00Z',\n"
        "         diff_ids: ['" D("b") "']}\n"
        "      - {name: 'python:3.12', created: 2025-12-01,\n"
        "         diff_ids: ['" D("b") "', '" D("c") "']}\n";
    struct moat_policy *p = load_ok(yaml);
    struct moat_result *res = scan_rootfs();
    struct moat_layer layers[3];
    static const char *const old_base[] = {
        "deny: image.base.too_old: base debian:12-old was created on 2024-01-01, 731 days ago "
        "(at most 365 allowed)",
        "warn: image.base.outdated: base debian:12-old (created 2024-01-01) is not the newest "
        "approved version of debian: rebuild on debian:12-new (created 2025-11-01)",
        "info: image.base: built on approved base debian:12-old (" D("a") "), layers 0-0 of 3",
        NULL};
    static const char *const python[] = {
        "info: image.base: built on approved base python:3.12 (" D("c") "), layers 0-1 of 3",
        NULL};
    static const char *const none[] = {
        "deny: image.base: no approved base image matches the bottom layers of this image "
        "(approved: debian:12-old, debian:12-new, python:3.12)",
        NULL};

    (void)state;
    memset(layers, 0, sizeof(layers));
    layers[0].diff_id = D("a");
    layers[1].diff_id = D("d");
    layers[2].diff_id = D("e");
    res->image.layers = layers;
    res->image.nlayers = 3;
    evaluate(p, res, NULL);
    expect(res, "deny", old_base);
    /* the longest approved prefix wins: python on debian:12-new */
    layers[0].diff_id = D("b");
    layers[1].diff_id = D("c");
    evaluate(p, res, NULL);
    expect(res, "allow", python);
    layers[0].diff_id = D("e");
    evaluate(p, res, NULL);
    expect(res, "deny", none);
    res->image.layers = NULL;
    res->image.nlayers = 0;
    moat_policy_free(p);
    moat_result_free(res);
}

static int
setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/moat-test-policy-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    {
        char p[128];
        snprintf(p, sizeof(p), "%s/fs", tmpdir);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/fs/etc", tmpdir);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/fs/var", tmpdir);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/fs/var/lib", tmpdir);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/fs/var/lib/dpkg", tmpdir);
        mkdir(p, 0755);
    }
    write_file("fs/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
    write_file("fs/var/lib/dpkg/status",
               "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n"
               "Source: openssl\nVersion: 3.0.11-1\n\n"
               "Package: openssl\nStatus: install ok installed\nArchitecture: amd64\n"
               "Version: 3.0.11-1\n");
    write_file("kev.json", "{\"title\": \"CISA Catalog of Known Exploited Vulnerabilities\",\n"
                           " \"vulnerabilities\": [{\"cveID\": \"CVE-2021-0004\"},\n"
                           "   {\"cveID\": \"CVE-2021-44228\"}]}\n");
    write_file("kev-bad.json", "{\"vulnerabilities\": [{\"cveID\": \"CVE-1\"}, {\"id\": 1}]}\n");
    write_file("kev-bad.txt", "# ids\nCVE-2021-1 and more\n");
    write_file("cosign.pub", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n");
    return 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob),
        cmocka_unit_test(test_presets),
        cmocka_unit_test(test_bad_policies),
        cmocka_unit_test(test_extends_and_replace),
        cmocka_unit_test(test_vulnerabilities),
        cmocka_unit_test(test_unchecked),
        cmocka_unit_test(test_files_and_exceptions),
        cmocka_unit_test(test_removed_and_purls),
        cmocka_unit_test(test_image_rules),
        cmocka_unit_test(test_signature),
        cmocka_unit_test(test_unmanaged),
        cmocka_unit_test(test_golden_diff_ids),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

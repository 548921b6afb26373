/*
 * test_suppress.c - ignore files and OpenVEX statements: which findings
 * they suppress, expiry, purl matching, and malformed documents that must
 * be refused with the file and line named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "advisory/suppress.h"

static const time_t now = 1767225600; /* 2026-01-01T00:00:00Z */

static void
test_purl_matching(void **state)
{
    (void)state;
    assert_true(purl_matches("pkg:deb/debian/openssl",
                             "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12"));
    assert_true(purl_matches("pkg:deb/debian/openssl@3.0.15-1~deb12u1",
                             "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64"));
    assert_false(purl_matches("pkg:deb/debian/openssl@3.0.11", "pkg:deb/debian/openssl@3.0.15"));
    assert_false(purl_matches("pkg:deb/debian/openssl", "pkg:deb/debian/openssl-dev@1"));
    assert_true(purl_matches("pkg:deb/debian/openssl?arch=amd64",
                             "pkg:deb/debian/openssl@1?arch=amd64&distro=debian-12"));
    assert_false(purl_matches("pkg:deb/debian/openssl?arch=arm64",
                              "pkg:deb/debian/openssl@1?arch=amd64"));
    assert_true(purl_matches("pkg:npm/%40babel/core", "pkg:npm/%40babel/core@7.0.0"));
    assert_false(purl_matches("not a purl", "pkg:npm/x@1"));
}

static void
test_ignore_file(void **state)
{
    static const char yaml[] =
        "vulnerabilities:\n"
        "  - id: CVE-2023-0001\n"
        "    reason: not reachable\n"
        "  - id: CVE-2023-0002\n"
        "    purls: [pkg:deb/debian/openssl]\n"
        "    expires: 2027-01-01\n"
        "  - id: CVE-2023-0003\n"
        "    statement: old exception\n"
        "    expired_at: 2025-06-30\n"
        "  - id: GHSA-aaaa-bbbb-cccc\n"
        "    paths: [/app/node_modules/x/package.json]\n";
    struct suppress *s;
    char err[256];
    const char *ids1[] = {"CVE-2023-0001"}, *ids2[] = {"GHSA-x", "CVE-2023-0002"};
    const char *ids3[] = {"CVE-2023-0003"}, *ids4[] = {"GHSA-aaaa-bbbb-cccc"};
    const char *what[4];
    const char *r;

    (void)state;
    assert_int_equal(suppress_new(&s), 0);
    assert_int_equal(suppress_load_ignore_mem(s, "x.yaml", yaml, strlen(yaml), err, sizeof(err)), 0);
    r = suppress_check(s, ids1, 1, "pkg:npm/a@1", NULL, NULL, now);
    assert_non_null(r);
    assert_non_null(strstr(r, "x.yaml:2: not reachable"));
    /* purl-limited: only openssl, matched through an alias */
    assert_non_null(suppress_check(s, ids2, 2, "pkg:deb/debian/openssl@1", NULL, NULL, now));
    assert_null(suppress_check(s, ids2, 2, "pkg:deb/debian/curl@1", NULL, NULL, now));
    /* expired: no longer suppresses, and is reported */
    assert_null(suppress_check(s, ids3, 1, "pkg:npm/a@1", NULL, NULL, now));
    assert_non_null(suppress_check(s, ids3, 1, "pkg:npm/a@1", NULL, NULL, now - 365 * 86400));
    assert_int_equal(suppress_expired(s, now, what, 4), 1);
    assert_non_null(strstr(what[0], "old exception"));
    /* path-limited */
    assert_non_null(suppress_check(s, ids4, 1, "pkg:npm/x@1", "/app/node_modules/x/package.json",
                                   NULL, now));
    assert_null(suppress_check(s, ids4, 1, "pkg:npm/x@1", "/other/package.json", NULL, now));
    suppress_free(s);
}

static void
test_bad_ignore_files(void **state)
{
    static const char *const bad[] = {
        "vulnerabilities:\n  - reason: no id\n",
        "vulnerabilities:\n  - id: X\n    expires: soon\n",
        "vulnerabilities:\n  - id: X\n    colour: red\n",
        "vulnerabilities: [unclosed\n",
        "a: &x [1]\nb: *x\n",
        "vulnerabilities:\n  - id: X\n    purls: [not-a-purl]\n",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    };
    char err[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct suppress *s;
        assert_int_equal(suppress_new(&s), 0);
        err[0] = '\0';
        assert_int_not_equal(suppress_load_ignore_mem(s, "bad.yaml", bad[i], strlen(bad[i]), err,
                                                      sizeof(err)), 0);
        assert_non_null(strstr(err, "bad.yaml"));
        suppress_free(s);
    }
}

static void
test_vex(void **state)
{
    static const char vex[] =
        "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": ["
        " {\"vulnerability\": {\"name\": \"CVE-2024-1\", \"aliases\": [\"GHSA-1\"]},"
        "  \"products\": [{\"@id\": \"pkg:pypi/requests@2.31.0\"}],"
        "  \"status\": \"not_affected\", \"justification\": \"vulnerable_code_not_in_execute_path\"},"
        " {\"vulnerability\": {\"name\": \"CVE-2024-2\"},"
        "  \"products\": [{\"@id\": \"pkg:oci/app@sha256:abcd\","
        "                  \"subcomponents\": [{\"@id\": \"pkg:deb/debian/zlib1g\"}]}],"
        "  \"status\": \"fixed\"},"
        " {\"vulnerability\": {\"name\": \"CVE-2024-3\"},"
        "  \"products\": [{\"@id\": \"pkg:npm/a\"}], \"status\": \"not_affected\"},"
        " {\"vulnerability\": {\"name\": \"CVE-2024-3\"},"
        "  \"products\": [{\"@id\": \"pkg:npm/a\"}], \"status\": \"affected\"},"
        " {\"vulnerability\": \"CVE-2024-4\", \"products\": [\"pkg:oci/app@sha256:abcd\"],"
        "  \"status\": \"not_affected\"}]}";
    struct suppress *s;
    char err[256];
    const char *g1[] = {"GHSA-1"}, *c2[] = {"CVE-2024-2"}, *c3[] = {"CVE-2024-3"};
    const char *c4[] = {"CVE-2024-4"};
    const char *r;

    (void)state;
    assert_int_equal(suppress_new(&s), 0);
    assert_int_equal(suppress_load_vex_mem(s, "v.json", vex, strlen(vex), err, sizeof(err)), 0);
    r = suppress_check(s, g1, 1, "pkg:pypi/requests@2.31.0", NULL, NULL, now);
    assert_non_null(r);
    assert_non_null(strstr(r, "not_affected (vulnerable_code_not_in_execute_path)"));
    assert_null(suppress_check(s, g1, 1, "pkg:pypi/requests@2.32.0", NULL, NULL, now));
    /* image product + subcomponent */
    assert_non_null(suppress_check(s, c2, 1, "pkg:deb/debian/zlib1g@1", NULL, "sha256:abcd", now));
    assert_null(suppress_check(s, c2, 1, "pkg:deb/debian/zlib1g@1", NULL, "sha256:ffff", now));
    assert_null(suppress_check(s, c2, 1, "pkg:deb/debian/curl@1", NULL, "sha256:abcd", now));
    /* a later statement overrides an earlier one */
    assert_null(suppress_check(s, c3, 1, "pkg:npm/a@1", NULL, NULL, now));
    /* the whole image */
    assert_non_null(suppress_check(s, c4, 1, "pkg:npm/zz@1", NULL, "sha256:abcd", now));
    suppress_free(s);
}

static void
test_bad_vex(void **state)
{
    static const char *const bad[] = {
        "not json",
        "{\"statements\": 3}",
        "{\"statements\": [{\"status\": \"not_affected\"}]}",
        "{\"statements\": [{\"vulnerability\": \"X\", \"status\": \"maybe\", \"products\": [\"pkg:npm/a\"]}]}",
        "{\"statements\": [{\"vulnerability\": \"X\", \"status\": \"fixed\", \"products\": []}]}",
    };
    char err[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct suppress *s;
        assert_int_equal(suppress_new(&s), 0);
        assert_int_not_equal(suppress_load_vex_mem(s, "bad.json", bad[i], strlen(bad[i]), err,
                                                   sizeof(err)), 0);
        assert_non_null(strstr(err, "bad.json"));
        suppress_free(s);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_purl_matching), cmocka_unit_test(test_ignore_file),
        cmocka_unit_test(test_bad_ignore_files), cmocka_unit_test(test_vex),
        cmocka_unit_test(test_bad_vex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

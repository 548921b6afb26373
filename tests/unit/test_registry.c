/*
 * test_registry.c - the offline half of the registry transport: docker://
 * references, WWW-Authenticate challenges, token answers, docker config
 * credentials and base64, each table-driven with the malformed inputs that
 * must be refused next to the ones that must be read. (The HTTP half runs
 * against a real registry in tests/e2e/test_registry.py.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/b64.h"
#include "base/err.h"
#include "base/limits.h"
#include "image/registry.h"

static void
test_references(void **state)
{
    static const struct {
        const char *in;
        const char *host, *api_host, *repo, *tag, *digest;
    } ok[] = {
        {"127.0.0.1:5000/moat/debian", "127.0.0.1:5000", "127.0.0.1:5000", "moat/debian", "latest",
         ""},
        {"127.0.0.1:5000/moat/debian:1.0", "127.0.0.1:5000", "127.0.0.1:5000", "moat/debian", "1.0",
         ""},
        {"localhost/x:v_1-2.3", "localhost", "localhost", "x", "v_1-2.3", ""},
        {"ghcr.io/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "ghcr.io", "ghcr.io", "a/b/c", "",
         "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
        {"quay.io/x:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "quay.io", "quay.io", "x", "t",
         "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
        {"alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", ""},
        {"alpine:3.20", "docker.io", "registry-1.docker.io", "library/alpine", "3.20", ""},
        {"docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest", ""},
        {"index.docker.io/bitnami/redis:7", "docker.io", "registry-1.docker.io", "bitnami/redis",
         "7", ""},
        {"user/repo", "docker.io", "registry-1.docker.io", "user/repo", "latest", ""},
        {"my-host.example:443/a.b_c-d/e__f", "my-host.example:443", "my-host.example:443",
         "a.b_c-d/e__f", "latest", ""},
    };
    static const struct {
        const char *in, *needle;
    } bad[] = {
        {"", "no repository"},
        {"127.0.0.1:5000/", "no repository"},
        {"127.0.0.1:5000/Upper", "lower-case"},
        {"127.0.0.1:5000/a//b", "component"},
        {"127.0.0.1:5000/-a", "component"},
        {"127.0.0.1:5000/a-", "component"},
        {"127.0.0.1:5000/a b", "not allowed"},
        {"127.0.0.1:5000/a:", "tag"},
        {"127.0.0.1:5000/a:.x", "tag"},
        {"127.0.0.1:5000/a:has space", "tag"},
        {"127.0.0.1:5000/a@sha256:short", "digest"},
        {"127.0.0.1:5000/a@md5:0123", "digest"},
        {"127.0.0.1:0/a", "port"},
        {"127.0.0.1:65536/a", "port"},
        {"127.0.0.1:x/a", "port"},
        {"[::1]:5000/a", "IPv6"},
        {"bad_host.example/a", "not allowed"},
        {":5000/a", "empty"},
    };
    struct reg_ref r;
    char err[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        err[0] = '\0';
        if (registry_parse_ref(ok[i].in, &r, err, sizeof(err)) != 0)
            fail_msg("%s: %s", ok[i].in, err);
        assert_string_equal(r.host, ok[i].host);
        assert_string_equal(r.api_host, ok[i].api_host);
        assert_string_equal(r.repo, ok[i].repo);
        assert_string_equal(r.tag, ok[i].tag);
        assert_string_equal(r.digest, ok[i].digest);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        if (registry_parse_ref(bad[i].in, &r, err, sizeof(err)) != MOAT_EINVAL)
            fail_msg("%s: accepted", bad[i].in);
        if (!strstr(err, bad[i].needle))
            fail_msg("%s: error \"%s\" does not say \"%s\"", bad[i].in, err, bad[i].needle);
    }
}

static void
test_long_reference(void **state)
{
    char s[700], err[256];
    struct reg_ref r;

    (void)state;
    memset(s, 'a', sizeof(s) - 1);
    s[sizeof(s) - 1] = '\0';
    memcpy(s, "h.io/", 5);
    assert_int_equal(registry_parse_ref(s, &r, err, sizeof(err)), MOAT_EINVAL);
    assert_non_null(strstr(err, "255"));
    /* a Docker Hub name that only becomes too long with library/ */
    memset(s, 'b', 250);
    s[250] = '\0';
    assert_int_equal(registry_parse_ref(s, &r, err, sizeof(err)), MOAT_EINVAL);
}

static void
test_challenges(void **state)
{
    struct reg_challenge c;
    static const char bearer[] =
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
        "scope=\"repository:library/alpine:pull\"";
    static const char *const bad[] = {
        "",
        "   ",
        "Bearer realm=\"unterminated",
        "Bearer realm=",
        "Bearer =x",
        "Bearer realm=\"a\\",
        "Bearer realm=\"ctl\x01\"",
        "Bearer service=\"" /* service too long: filled below */,
    };
    char longsvc[400];
    size_t i;

    (void)state;
    assert_int_equal(registry_parse_challenge(bearer, strlen(bearer), &c), 0);
    assert_string_equal(c.scheme, "bearer");
    assert_string_equal(c.realm, "https://auth.docker.io/token");
    assert_string_equal(c.service, "registry.docker.io");
    assert_string_equal(c.scope, "repository:library/alpine:pull");

    /* case, spaces, token values, escapes, unknown parameters, error= */
    {
        static const char v[] = "  BASIC  Realm = \"moat \\\"basic\\\"\" , charset=UTF-8 ,"
                                " error=invalid_token";
        assert_int_equal(registry_parse_challenge(v, strlen(v), &c), 0);
        assert_string_equal(c.scheme, "basic");
        assert_string_equal(c.realm, "moat \"basic\"");
        assert_string_equal(c.error, "invalid_token");
    }
    /* a second challenge in the same value ends the first */
    {
        static const char v[] = "Basic realm=\"a\", Bearer realm=\"b\"";
        assert_int_equal(registry_parse_challenge(v, strlen(v), &c), 0);
        assert_string_equal(c.scheme, "basic");
        assert_string_equal(c.realm, "a");
    }
    /* the length given is respected: no read past n */
    assert_int_equal(registry_parse_challenge(bearer, 6, &c), 0);
    assert_string_equal(c.scheme, "bearer");
    assert_string_equal(c.realm, "");

    for (i = 0; i + 1 < sizeof(bad) / sizeof(bad[0]); i++)
        if (registry_parse_challenge(bad[i], strlen(bad[i]), &c) == 0 && c.realm[0])
            fail_msg("accepted: %s", bad[i]);
    snprintf(longsvc, sizeof(longsvc), "Bearer realm=\"r\",service=\"%0300d\"", 0);
    assert_int_equal(registry_parse_challenge(longsvc, strlen(longsvc), &c), MOAT_EINVAL);
}

static void
test_header_lines(void **state)
{
    static const char *const lines[] = {
        "HTTP/1.1 100 Continue\r\n",
        "\r\n",
        "HTTP/1.1 401 Unauthorized\r\n",
        "Www-Authenticate: Basic realm=\"x\"\r\n",
        "WWW-Authenticate: Bearer realm=\"https://t/token\"\r\n",
        "WWW-Authenticate: Basic realm=\"y\"\r\n",
        "Content-Type:application/vnd.oci.image.manifest.v1+json ; charset=utf-8\r\n",
        "content-length: 1234\r\n",
        "Docker-Content-Digest:   sha256:abc  \r\n",
        "no colon here\r\n",
        "\r\n",
    };
    struct reg_head h;
    char longv[400];
    size_t i;

    (void)state;
    registry_head_reset(&h);
    assert_int_equal(registry_header_line(&h, lines[0], strlen(lines[0])), 1);
    assert_int_equal(h.status, 100);
    registry_header_line(&h, lines[1], strlen(lines[1]));
    assert_false(h.headers_done); /* an interim answer is not the response */
    for (i = 2; i < sizeof(lines) / sizeof(lines[0]); i++)
        registry_header_line(&h, lines[i], strlen(lines[i]));
    assert_int_equal(h.status, 401);
    assert_true(h.headers_done);
    assert_string_equal(h.challenge, "Bearer realm=\"https://t/token\"");
    assert_string_equal(h.ctype, "application/vnd.oci.image.manifest.v1+json");
    assert_int_equal(h.clen, 1234);
    assert_string_equal(h.dcd, "sha256:abc");
    /* a new status line forgets the previous response */
    assert_int_equal(registry_header_line(&h, "HTTP/2 200 \r\n", 13), 1);
    assert_int_equal(h.status, 200);
    assert_int_equal(h.clen, -1);
    assert_string_equal(h.challenge, "");
    /* malformed and oversize values are dropped, not truncated */
    registry_header_line(&h, "Content-Length: -5\r\n", 20);
    registry_header_line(&h, "Content-Length: 99999999999999999999999\r\n", 41);
    assert_int_equal(h.clen, -1);
    snprintf(longv, sizeof(longv), "Docker-Content-Digest: sha256:%0300d\r\n", 0);
    registry_header_line(&h, longv, strlen(longv));
    assert_string_equal(h.dcd, "?");
    registry_header_line(&h, "HTTP/1.1 2x\r\n", 12);
    assert_int_equal(h.status, 0);
    registry_header_line(&h, "HTTP/", 5);
    assert_int_equal(h.status, 0);
}

static void
test_tokens(void **state)
{
    static const struct {
        const char *json;
        const char *token; /* NULL: must fail */
    } cases[] = {
        {"{\"token\":\"abc.def.ghi\",\"expires_in\":300}", "abc.def.ghi"},
        {"{\"access_token\":\"xyz\"}", "xyz"},
        {"{\"token\":\"\",\"access_token\":\"fallback\"}", "fallback"},
        {"{\"token\":\"t1\",\"access_token\":\"t2\"}", "t1"},
        {"{}", NULL},
        {"[]", NULL},
        {"{\"token\":42}", NULL},
        {"{\"token\":\"has space\"}", NULL},
        {"{\"token\":\"crlf\\r\\nX-Injected: 1\"}", NULL},
        {"{\"token\":\"nul\\u0000byte\"}", NULL},
        {"{\"token\":\"a\",\"token\":\"b\"}", NULL}, /* duplicate keys */
        {"not json", NULL},
    };
    char err[256], *tok, *big;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = registry_parse_token(cases[i].json, strlen(cases[i].json), &tok, err, sizeof(err));
        if (cases[i].token) {
            if (rc != 0)
                fail_msg("%s: %s", cases[i].json, err);
            assert_string_equal(tok, cases[i].token);
            free(tok);
        } else {
            if (rc == 0)
                fail_msg("%s: accepted as %s", cases[i].json, tok);
            assert_null(tok);
            assert_true(err[0] != '\0');
        }
    }
    /* longer than MOAT_LIMIT_HTTP_TOKEN */
    big = malloc(MOAT_LIMIT_HTTP_TOKEN + 64);
    assert_non_null(big);
    memcpy(big, "{\"token\":\"", 10);
    memset(big + 10, 'x', MOAT_LIMIT_HTTP_TOKEN + 1);
    memcpy(big + 10 + MOAT_LIMIT_HTTP_TOKEN + 1, "\"}", 3);
    assert_int_equal(registry_parse_token(big, strlen(big), &tok, err, sizeof(err)), MOAT_ETOOBIG);
    free(big);
}

static void
test_base64(void **state)
{
    static const struct {
        const char *plain, *enc;
    } vec[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
        {"user:p@ss:word", "dXNlcjpwQHNzOndvcmQ="},
    };
    static const char *const bad[] = {"Z", "Zg=", "Z===", "Zm9v!", "Zg==Zg==", "=Zg="};
    char enc[64];
    unsigned char dec[64];
    long n;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
        assert_int_equal(registry_base64_encode(vec[i].plain, strlen(vec[i].plain), enc),
                         strlen(vec[i].enc));
        assert_string_equal(enc, vec[i].enc);
        n = b64_decode(vec[i].enc, strlen(vec[i].enc), 0, dec, sizeof(dec));
        assert_int_equal(n, (long)strlen(vec[i].plain));
        assert_memory_equal(dec, vec[i].plain, (size_t)n);
    }
    /* padding is optional */
    assert_int_equal(b64_decode("Zm8", 3, 0, dec, sizeof(dec)), 2);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (b64_decode(bad[i], strlen(bad[i]), 0, dec, sizeof(dec)) >= 0)
            fail_msg("decoded: %s", bad[i]);
    /* output that does not fit */
    assert_int_equal(b64_decode("Zm9vYmFy", 8, 0, dec, 5), -1);
}

static void
test_config_credentials(void **state)
{
    /* "moat:pw" = bW9hdDpwdw==, "hub:hubpw" = aHViOmh1YnB3 */
    static const char cfg[] =
        "{\"auths\":{"
        "\"127.0.0.1:5000\":{\"auth\":\"bW9hdDpwdw==\"},"
        "\"https://index.docker.io/v1/\":{\"auth\":\"aHViOmh1YnB3\"},"
        "\"http://plain.example:8080/v2/\":{\"username\":\"u2\",\"password\":\"p:2\"},"
        "\"token.example\":{\"identitytoken\":\"xyz\"},"
        "\"helped.example\":{}"
        "},"
        "\"credHelpers\":{\"helped.example\":\"ecr-login\"}}";
    static const struct {
        const char *host, *user, *pass, *note;
    } cases[] = {
        {"127.0.0.1:5000", "moat", "pw", NULL},
        {"docker.io", "hub", "hubpw", NULL},
        {"registry-1.docker.io", "hub", "hubpw", NULL},
        {"PLAIN.example:8080", "u2", "p:2", NULL},
        {"127.0.0.1:5001", NULL, NULL, ""},
        {"token.example", NULL, NULL, "identity token"},
        {"helped.example", NULL, NULL, "docker-credential-ecr-login"},
    };
    static const char *const bad[] = {
        "[]",
        "{\"auths\":[]}",
        "{\"auths\":{\"h\":{\"auth\":\"%%%\"}}}",
        "{\"auths\":{\"h\":{\"auth\":\"bm9jb2xvbg==\"}}}", /* "nocolon" */
        "{\"auths\":{\"h\":{\"auth\":\"OnB3\"}}}",         /* ":pw", no user */
        "{\"auths\":{\"h\":{\"auth\":\"dTpwDQp4\"}}}",     /* "u:p\r\nx" */
        "{\"auths\":{\"h\":{\"username\":\"u\",\"password\":\"a\\nb\"}}}",
        "{\"auths\":{\"h\":{\"username\":\"u\\u0000x\",\"password\":\"p\"}}}",
    };
    char *user, *pass, note[256], err[256];
    size_t i;
    int rc;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rc = registry_config_credentials(cfg, strlen(cfg), cases[i].host, &user, &pass, note,
                                         sizeof(note), err, sizeof(err));
        if (cases[i].user) {
            if (rc != 0)
                fail_msg("%s: rc %d %s", cases[i].host, rc, err);
            assert_string_equal(user, cases[i].user);
            assert_string_equal(pass, cases[i].pass);
            free(user);
            free(pass);
        } else {
            assert_int_equal(rc, MOAT_ENOENT);
            assert_null(user);
            if (!strstr(note, cases[i].note))
                fail_msg("%s: note \"%s\" lacks \"%s\"", cases[i].host, note, cases[i].note);
        }
    }
    /* a credential store for everything */
    rc = registry_config_credentials("{\"credsStore\":\"desktop\"}", 24, "h", &user, &pass, note,
                                     sizeof(note), err, sizeof(err));
    assert_int_equal(rc, MOAT_ENOENT);
    assert_non_null(strstr(note, "docker-credential-desktop"));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        rc = registry_config_credentials(bad[i], strlen(bad[i]), "h", &user, &pass, note,
                                         sizeof(note), err, sizeof(err));
        if (rc != MOAT_EINVAL)
            fail_msg("%s: rc %d", bad[i], rc);
        assert_null(user);
        assert_true(err[0] != '\0');
    }
}

static void
test_load_credentials(void **state)
{
    char dir[] = "/tmp/moat-test-registry-XXXXXX", path[256], *user, *pass, *used;
    char note[256], err[256];
    FILE *f;
    int rc;

    (void)state;
    assert_non_null(mkdtemp(dir));
    /* no file: not an error, the note names the file */
    rc = registry_load_credentials(dir, "h", &user, &pass, &used, note, sizeof(note), err,
                                   sizeof(err));
    assert_int_equal(rc, MOAT_ENOENT);
    assert_non_null(strstr(note, "config.json"));
    free(used);
    /* a directory means its config.json */
    snprintf(path, sizeof(path), "%s/config.json", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"auths\":{\"h\":{\"auth\":\"bW9hdDpwdw==\"}}}", f);
    fclose(f);
    rc = registry_load_credentials(dir, "h", &user, &pass, &used, note, sizeof(note), err,
                                   sizeof(err));
    assert_int_equal(rc, 0);
    assert_string_equal(user, "moat");
    assert_string_equal(pass, "pw");
    assert_string_equal(used, path);
    free(user);
    free(pass);
    free(used);
    /* a malformed file is an error that names it */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"auths\":", f);
    fclose(f);
    rc = registry_load_credentials(path, "h", &user, &pass, NULL, note, sizeof(note), err,
                                   sizeof(err));
    assert_int_equal(rc, MOAT_EINVAL);
    assert_non_null(strstr(err, path));
    unlink(path);
    rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_long_reference),
        cmocka_unit_test(test_challenges),
        cmocka_unit_test(test_header_lines),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_config_credentials),
        cmocka_unit_test(test_load_credentials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

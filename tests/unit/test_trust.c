/*
 * test_trust.c - signature trust (lib/trust/): keys of every supported kind
 * and the ones refused, each signature scheme cosign uses (signed here with
 * OpenSSL's own signing calls, not with anything of moat's), simplesigning
 * claims, signature manifests, DSSE's pre-authentication encoding, bundles
 * (DSSE and message signatures) and referrer manifests, and moat_verify's
 * "could not check" errors. The end-to-end cases with signatures made by
 * the openssl tool and pushed to a registry are tests/e2e/test_verify.py.
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

#include <openssl/bio.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "base/digest.h"
#include "base/b64.h"
#include "base/err.h"
#include "trust/trust.h"

#define IMAGE "sha256:0483002dc3586bf8ca8190022f8cc82fc5b7804aac90ca4e6a7b8e400e845c0d"
#define OTHER "sha256:1111111111111111111111111111111111111111111111111111111111111111"

/* ---- helpers: keys and signatures made with OpenSSL directly ---- */

static EVP_PKEY *
keygen(const char *type, const char *param, size_t bits)
{
    EVP_PKEY *k;

    if (strcmp(type, "EC") == 0) {
        k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", param);
    } else if (strcmp(type, "RSA-PSS") == 0) {
        EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL);
        k = NULL;
        assert_non_null(c);
        assert_int_equal(EVP_PKEY_keygen_init(c), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(c, (int)bits), 1);
        assert_int_equal(EVP_PKEY_generate(c, &k), 1);
        EVP_PKEY_CTX_free(c);
    } else if (bits)
        k = EVP_PKEY_Q_keygen(NULL, NULL, type, bits);
    else
        k = EVP_PKEY_Q_keygen(NULL, NULL, type);
    assert_non_null(k);
    return k;
}

/* PEM text of k: public SubjectPublicKeyInfo, private PKCS#8, or PKCS#1. */
enum pem_kind { PEM_PUBLIC, PEM_PRIVATE, PEM_PKCS1 };

static char *
pem_of(EVP_PKEY *k, enum pem_kind kind)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *out;
    long n;

    assert_non_null(b);
    if (kind == PEM_PUBLIC) {
        assert_int_equal(PEM_write_bio_PUBKEY(b, k), 1);
    } else if (kind == PEM_PRIVATE) {
        assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
    } else {
        OSSL_ENCODER_CTX *e = OSSL_ENCODER_CTX_new_for_pkey(k, EVP_PKEY_PUBLIC_KEY, "PEM",
                                                            "type-specific", NULL);
        assert_non_null(e);
        assert_int_equal(OSSL_ENCODER_to_bio(e, b), 1);
        OSSL_ENCODER_CTX_free(e);
    }
    n = BIO_get_mem_data(b, &data);
    out = strndup(data, (size_t)n);
    assert_non_null(out);
    BIO_free(b);
    return out;
}

/* Signs msg with k (md NULL: Ed25519; pss: RSA-PSS). Returns the length. */
static size_t
sign(EVP_PKEY *k, const EVP_MD *md, int pss, const void *msg, size_t n, unsigned char *sig,
     size_t cap)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    size_t len = cap;

    assert_non_null(ctx);
    assert_int_equal(EVP_DigestSignInit(ctx, &pctx, md, NULL, k), 1);
    if (pss) {
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), 1);
    }
    assert_int_equal(EVP_DigestSign(ctx, sig, &len, msg, n), 1);
    EVP_MD_CTX_free(ctx);
    return len;
}

static void
b64(const unsigned char *p, size_t n, char *out, size_t cap)
{
    int w = EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    assert_true(w >= 0 && (size_t)w < cap);
}

static struct trust_key
parsed(EVP_PKEY *k, const char *path)
{
    struct trust_key t;
    char err[256], *pem = pem_of(k, PEM_PUBLIC);

    assert_int_equal(trust_key_parse(pem, strlen(pem), &t, err, sizeof(err)), 0);
    free(pem);
    t.path = path;
    return t;
}

/* ---- base64 ---- */

static void
test_base64(void **state)
{
    unsigned char out[64];

    (void)state;
    assert_int_equal(b64_decode("aGVsbG8=", 8, B64_PAD_REQUIRED, out, sizeof(out)), 5);
    assert_memory_equal(out, "hello", 5);
    assert_int_equal(b64_decode("aGVsbG8", 7, B64_PAD_REQUIRED, out, sizeof(out)), -1); /* strict: pad */
    assert_int_equal(b64_decode("aGVsbG8", 7, B64_BOTH, out, sizeof(out)), 5);
    assert_int_equal(b64_decode("-_8=", 4, B64_PAD_REQUIRED, out, sizeof(out)), -1);
    assert_int_equal(b64_decode("-_8=", 4, B64_BOTH, out, sizeof(out)), 2);
    assert_int_equal(out[0], 0xfb);
    assert_int_equal(out[1], 0xff);
    assert_int_equal(b64_decode("+/8=", 4, B64_PAD_REQUIRED, out, sizeof(out)), 2);
    assert_int_equal(b64_decode("a", 1, B64_BOTH, out, sizeof(out)), -1);     /* 6 bits */
    assert_int_equal(b64_decode("a=b=", 4, B64_BOTH, out, sizeof(out)), -1);  /* '=' inside */
    assert_int_equal(b64_decode("aGVs\nbG8=", 9, B64_BOTH, out, sizeof(out)), -1);
    assert_int_equal(b64_decode("aGVsbG8=", 8, B64_PAD_REQUIRED, out, 4), -1);          /* no room */
    assert_int_equal(b64_decode("", 0, B64_PAD_REQUIRED, out, sizeof(out)), 0);
}

/* ---- keys ---- */

static void
test_keys_accepted(void **state)
{
    static const struct {
        const char *type, *param;
        size_t bits;
        const char *desc;
    } cases[] = {
        {"EC", "P-256", 0, "ECDSA P-256"},   {"EC", "P-384", 0, "ECDSA P-384"},
        {"EC", "P-521", 0, "ECDSA P-521"},   {"ED25519", NULL, 0, "Ed25519"},
        {"RSA", NULL, 2048, "RSA 2048"},     {"RSA-PSS", NULL, 2048, "RSA-PSS 2048"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        EVP_PKEY *k = keygen(cases[i].type, cases[i].param, cases[i].bits);
        struct trust_key t = parsed(k, "k.pub");
        assert_string_equal(t.desc, cases[i].desc);
        trust_key_free(&t);
        EVP_PKEY_free(k);
    }
}

static void
test_keys_refused(void **state)
{
    struct trust_key t;
    char err[256], *pem;
    EVP_PKEY *k;
    static const char cert[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    static const char junk[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG moat@test\n";
    static const char bad[] = "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n";
    static const char open_block[] = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQ\n";

    (void)state;
    /* a private key given by mistake: say so */
    k = keygen("EC", "P-256", 0);
    pem = pem_of(k, PEM_PRIVATE);
    assert_int_not_equal(trust_key_parse(pem, strlen(pem), &t, err, sizeof(err)), 0);
    assert_non_null(strstr(err, "private key"));
    free(pem);
    /* two keys in one file */
    pem = pem_of(k, PEM_PUBLIC);
    {
        char *two = malloc(2 * strlen(pem) + 1);
        assert_non_null(two);
        snprintf(two, 2 * strlen(pem) + 1, "%s%s", pem, pem);
        assert_int_not_equal(trust_key_parse(two, strlen(two), &t, err, sizeof(err)), 0);
        assert_non_null(strstr(err, "2 PEM blocks"));
        free(two);
    }
    free(pem);
    EVP_PKEY_free(k);
    /* curves and algorithms cosign does not sign with */
    k = keygen("EC", "secp256k1", 0);
    pem = pem_of(k, PEM_PUBLIC);
    assert_int_equal(trust_key_parse(pem, strlen(pem), &t, err, sizeof(err)), MOAT_EUNSUP);
    assert_non_null(strstr(err, "secp256k1"));
    free(pem);
    EVP_PKEY_free(k);
    k = keygen("ED448", NULL, 0);
    pem = pem_of(k, PEM_PUBLIC);
    assert_int_equal(trust_key_parse(pem, strlen(pem), &t, err, sizeof(err)), MOAT_EUNSUP);
    free(pem);
    EVP_PKEY_free(k);
    k = keygen("RSA", NULL, 1024);
    pem = pem_of(k, PEM_PUBLIC);
    assert_int_equal(trust_key_parse(pem, strlen(pem), &t, err, sizeof(err)), MOAT_EUNSUP);
    assert_non_null(strstr(err, "1024 bits"));
    free(pem);
    EVP_PKEY_free(k);
    /* not keys */
    assert_int_equal(trust_key_parse(cert, strlen(cert), &t, err, sizeof(err)), MOAT_EUNSUP);
    assert_non_null(strstr(err, "certificate"));
    assert_int_equal(trust_key_parse(junk, strlen(junk), &t, err, sizeof(err)), MOAT_EINVAL);
    assert_non_null(strstr(err, "no PEM block"));
    assert_int_equal(trust_key_parse(bad, strlen(bad), &t, err, sizeof(err)), MOAT_EINVAL);
    assert_int_equal(trust_key_parse(open_block, strlen(open_block), &t, err, sizeof(err)),
                     MOAT_EINVAL);
    assert_int_equal(trust_key_parse("", 0, &t, err, sizeof(err)), MOAT_EINVAL);
}

static void
test_key_pkcs1(void **state)
{
    EVP_PKEY *k = keygen("RSA", NULL, 2048);
    char err[256], *pem = pem_of(k, PEM_PKCS1);
    struct trust_key t;

    (void)state;
    assert_non_null(strstr(pem, "BEGIN RSA PUBLIC KEY"));
    assert_int_equal(trust_key_parse(pem, strlen(pem), &t, err, sizeof(err)), 0);
    assert_string_equal(t.desc, "RSA 2048");
    trust_key_free(&t);
    free(pem);
    EVP_PKEY_free(k);
}

static void
test_key_load_errors(void **state)
{
    struct trust_key t;
    char err[512], path[] = "/tmp/moat-test-trust-XXXXXX";
    int fd;

    (void)state;
    assert_int_equal(trust_key_load("/nonexistent/cosign.pub", &t, err, sizeof(err)),
                     MOAT_ENOENT);
    assert_non_null(strstr(err, "/nonexistent/cosign.pub"));
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not a key\n", 10), 10);
    close(fd);
    assert_int_equal(trust_key_load(path, &t, err, sizeof(err)), MOAT_EINVAL);
    assert_non_null(strstr(err, path));
    unlink(path);
}

/* Every scheme moat accepts, and near misses it must not. */
static void
test_schemes(void **state)
{
    static const char msg[] = "{\"critical\":{}}";
    unsigned char sig[1024];
    size_t n;
    EVP_PKEY *p256 = keygen("EC", "P-256", 0), *p384 = keygen("EC", "P-384", 0);
    EVP_PKEY *p521 = keygen("EC", "P-521", 0), *ed = keygen("ED25519", NULL, 0);
    EVP_PKEY *rsa = keygen("RSA", NULL, 2048), *pss = keygen("RSA-PSS", NULL, 2048);
    struct trust_key k256 = parsed(p256, "a"), k384 = parsed(p384, "b"), k521 = parsed(p521, "c");
    struct trust_key ked = parsed(ed, "d"), krsa = parsed(rsa, "e"), kpss = parsed(pss, "f");

    (void)state;
    n = sign(p256, EVP_sha256(), 0, msg, strlen(msg), sig, sizeof(sig));
    assert_true(trust_key_verify(&k256, msg, strlen(msg), sig, n));
    assert_false(trust_key_verify(&k256, msg, strlen(msg) - 1, sig, n)); /* other message */
    assert_false(trust_key_verify(&k384, msg, strlen(msg), sig, n));     /* other key */
    sig[n / 2] ^= 1;
    assert_false(trust_key_verify(&k256, msg, strlen(msg), sig, n));
    n = sign(p256, EVP_sha384(), 0, msg, strlen(msg), sig, sizeof(sig));
    assert_false(trust_key_verify(&k256, msg, strlen(msg), sig, n)); /* P-256 is SHA-256 only */

    n = sign(p384, EVP_sha256(), 0, msg, strlen(msg), sig, sizeof(sig));
    assert_true(trust_key_verify(&k384, msg, strlen(msg), sig, n));
    n = sign(p384, EVP_sha384(), 0, msg, strlen(msg), sig, sizeof(sig));
    assert_true(trust_key_verify(&k384, msg, strlen(msg), sig, n));
    n = sign(p384, EVP_sha1(), 0, msg, strlen(msg), sig, sizeof(sig));
    assert_false(trust_key_verify(&k384, msg, strlen(msg), sig, n));

    n = sign(p521, EVP_sha512(), 0, msg, strlen(msg), sig, sizeof(sig));
    assert_true(trust_key_verify(&k521, msg, strlen(msg), sig, n));

    n = sign(ed, NULL, 0, msg, strlen(msg), sig, sizeof(sig));
    assert_int_equal(n, 64);
    assert_true(trust_key_verify(&ked, msg, strlen(msg), sig, n));
    assert_false(trust_key_verify(&ked, msg, strlen(msg) - 1, sig, n));

    n = sign(rsa, EVP_sha256(), 0, msg, strlen(msg), sig, sizeof(sig));
    assert_true(trust_key_verify(&krsa, msg, strlen(msg), sig, n));
    n = sign(rsa, EVP_sha256(), 1, msg, strlen(msg), sig, sizeof(sig));
    assert_true(trust_key_verify(&krsa, msg, strlen(msg), sig, n));
    n = sign(rsa, EVP_sha512(), 0, msg, strlen(msg), sig, sizeof(sig));
    assert_false(trust_key_verify(&krsa, msg, strlen(msg), sig, n));
    n = sign(pss, EVP_sha256(), 1, msg, strlen(msg), sig, sizeof(sig));
    assert_true(trust_key_verify(&kpss, msg, strlen(msg), sig, n));

    /* garbage and empty signatures are simply "no" */
    assert_false(trust_key_verify(&k256, msg, strlen(msg), (const unsigned char *)"\x30\x00", 2));
    assert_false(trust_key_verify(&ked, msg, strlen(msg), sig, 0));

    trust_key_free(&k256);
    trust_key_free(&k384);
    trust_key_free(&k521);
    trust_key_free(&ked);
    trust_key_free(&krsa);
    trust_key_free(&kpss);
    EVP_PKEY_free(p256);
    EVP_PKEY_free(p384);
    EVP_PKEY_free(p521);
    EVP_PKEY_free(ed);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(pss);
}

/* ---- simplesigning ---- */

static void
test_claims(void **state)
{
    static const struct {
        const char *payload;
        int rc;
        const char *needle;
    } cases[] = {
        {"{\"critical\":{\"identity\":{\"docker-reference\":\"r/x\"},\"image\":{\"docker-manifest-"
         "digest\":\"" IMAGE "\"},\"type\":\"cosign container image signature\"},\"optional\":null}",
         0, NULL},
        /* the spec's own example capitalises the key; Go's json matches it */
        {"{\"critical\":{\"image\":{\"Docker-manifest-digest\":\"" IMAGE
         "\"},\"Type\":\"cosign container image signature\"}}",
         0, NULL},
        /* U+212A KELVIN SIGN folds to 'k' in Go's matching */
        {"{\"critical\":{\"image\":{\"doc\xe2\x84\xaa" "er-manifest-digest\":\"" IMAGE
         "\"},\"type\":\"cosign container image signature\"}}",
         0, NULL},
        {"{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" OTHER
         "\"},\"type\":\"cosign container image signature\"}}",
         MOAT_EDIGEST, OTHER},
        {"{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" IMAGE
         "\"},\"type\":\"atomic container signature\"}}",
         MOAT_EUNSUP, "wrong payload type"},
        {"{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" IMAGE "\",\"Docker-Manifest-"
         "Digest\":\"" OTHER "\"},\"type\":\"cosign container image signature\"}}",
         MOAT_EINVAL, "ambiguous"},
        {"{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" OTHER "\",\"docker-manifest-"
         "digest\":\"" IMAGE "\"},\"type\":\"cosign container image signature\"}}",
         MOAT_EINVAL, "duplicate"},
        {"{\"critical\":{\"type\":\"cosign container image signature\"}}", MOAT_EINVAL,
         "docker-manifest-digest"},
        {"{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" IMAGE "\"}}}", MOAT_EINVAL,
         "critical.type"},
        {"{\"optional\":{}}", MOAT_EINVAL, "critical"},
        {"[]", MOAT_EINVAL, "not a JSON object"},
        {"{\"critical\":", MOAT_EINVAL, "not JSON"},
        {"{\"critical\":{\"image\":{\"docker-manifest-digest\":7},\"type\":\"cosign container "
         "image signature\"}}",
         MOAT_EINVAL, "not a string"},
    };
    char reason[512];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = cosign_check_claims(cases[i].payload, strlen(cases[i].payload), IMAGE, reason,
                                     sizeof(reason));
        if (rc != cases[i].rc)
            fail_msg("case %zu: rc %d, want %d (%s)", i, rc, cases[i].rc, reason);
        if (cases[i].needle && !strstr(reason, cases[i].needle))
            fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, reason, cases[i].needle);
    }
}

static void
test_cosign_evaluate(void **state)
{
    char good[256], other[256], sigb64[256];
    unsigned char sig[256];
    size_t n;
    EVP_PKEY *pk = keygen("EC", "P-256", 0), *wrong = keygen("ED25519", NULL, 0);
    struct trust_key keys[2];
    struct sig_outcome o;

    (void)state;
    keys[0] = parsed(wrong, "wrong.pub");
    keys[1] = parsed(pk, "signer.pub");
    snprintf(good, sizeof(good), "{\"critical\":{\"identity\":{\"docker-reference\":\"x\"},"
                                 "\"image\":{\"docker-manifest-digest\":\"%s\"},\"type\":\"%s\"},"
                                 "\"optional\":null}", IMAGE, COSIGN_PAYLOAD_TYPE);
    n = sign(pk, EVP_sha256(), 0, good, strlen(good), sig, sizeof(sig));
    b64(sig, n, sigb64, sizeof(sigb64));

    cosign_evaluate(good, strlen(good), sigb64, IMAGE, keys, 2, &o);
    assert_true(o.verified);
    assert_ptr_equal(o.key, &keys[1]);
    assert_non_null(strstr(o.reason, "signer.pub (ECDSA P-256)"));

    /* the same signature over a changed payload */
    snprintf(other, sizeof(other), "%s", good);
    other[strlen(other) - 2] = 'X';
    cosign_evaluate(other, strlen(other), sigb64, IMAGE, keys, 2, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "does not verify"));
    assert_non_null(strstr(o.reason, "wrong.pub (Ed25519), signer.pub (ECDSA P-256)"));

    /* only the wrong key */
    cosign_evaluate(good, strlen(good), sigb64, IMAGE, keys, 1, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "tried wrong.pub (Ed25519)"));

    /* a valid signature for another image */
    cosign_evaluate(good, strlen(good), sigb64, OTHER, keys, 2, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "signed by signer.pub"));
    assert_non_null(strstr(o.reason, IMAGE));
    assert_non_null(strstr(o.reason, OTHER));

    cosign_evaluate(good, strlen(good), NULL, IMAGE, keys, 2, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, ANN_COSIGN_SIGNATURE));
    cosign_evaluate(good, strlen(good), "not base64!", IMAGE, keys, 2, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "not base64"));

    trust_key_free(&keys[0]);
    trust_key_free(&keys[1]);
    EVP_PKEY_free(pk);
    EVP_PKEY_free(wrong);
}

static void
test_sig_manifest(void **state)
{
    static const char good[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":2,"
        "\"digest\":\"" OTHER "\"},\"layers\":["
        "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":237,"
        "\"digest\":\"" IMAGE "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"QQ==\","
        "\"dev.sigstore.cosign/certificate\":\"-----BEGIN\"}},"
        "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\"sha256:"
        "12\"},"
        "{\"mediaType\":\"x\",\"digest\":\"" OTHER "\"}]}";
    static const char *const bad[] = {
        "{\"schemaVersion\":1,\"layers\":[]}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
        "\"layers\":[]}",
        "{\"schemaVersion\":2}",
        "{\"schemaVersion\":2,\"layers\":[],\"layers\":[]}",
        "not json",
    };
    struct sig_manifest m;
    char err[256];
    size_t i;

    (void)state;
    assert_int_equal(sig_manifest_parse(good, strlen(good), &m, err, sizeof(err)), 0);
    assert_int_equal(m.nlayers, 3);
    assert_string_equal(m.layers[0].digest, IMAGE);
    assert_int_equal(m.layers[0].size, 237);
    assert_string_equal(m.layers[0].signature, "QQ==");
    assert_true(m.layers[0].certificate);
    assert_string_equal(m.layers[0].problem, "");
    assert_null(m.layers[1].digest);
    assert_non_null(strstr(m.layers[1].problem, "malformed"));
    assert_null(m.layers[2].signature);
    assert_string_equal(m.layers[2].media_type, "x");
    sig_manifest_free(&m);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (sig_manifest_parse(bad[i], strlen(bad[i]), &m, err, sizeof(err)) != MOAT_EINVAL)
            fail_msg("bad manifest %zu accepted", i);
        assert_true(err[0] != '\0');
    }
}

/* ---- DSSE and bundles ---- */

static void
test_pae(void **state)
{
    /* the DSSE specification's example */
    static const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
    unsigned char *p;
    size_t n;

    (void)state;
    assert_int_equal(dsse_pae("http://example.com/HelloWorld",
                              (const unsigned char *)"hello world", 11, &p, &n), 0);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(p, want, n);
    free(p);
    assert_int_equal(dsse_pae("t", NULL, 0, &p, &n), 0);
    assert_int_equal(n, strlen("DSSEv1 1 t 0 "));
    assert_memory_equal(p, "DSSEv1 1 t 0 ", n);
    free(p);
}

struct bundle_fixture {
    EVP_PKEY *pk, *other;
    struct trust_key keys[1], wrong[1];
};

static void
fixture_init(struct bundle_fixture *f)
{
    f->pk = keygen("EC", "P-256", 0);
    f->other = keygen("EC", "P-256", 0);
    f->keys[0] = parsed(f->pk, "signer.pub");
    f->wrong[0] = parsed(f->other, "other.pub");
}

static void
fixture_free(struct bundle_fixture *f)
{
    trust_key_free(&f->keys[0]);
    trust_key_free(&f->wrong[0]);
    EVP_PKEY_free(f->pk);
    EVP_PKEY_free(f->other);
}

/* A DSSE bundle around statement, signed by k (snake: proto field names). */
static char *
dsse_bundle(EVP_PKEY *k, const char *ptype, const char *statement, int snake, int cert)
{
    unsigned char *pae, sig[256];
    size_t paelen, n;
    char pb64[2048], sb64[512], *out;

    assert_int_equal(dsse_pae(ptype, (const unsigned char *)statement, strlen(statement), &pae,
                              &paelen), 0);
    n = sign(k, EVP_sha256(), 0, pae, paelen, sig, sizeof(sig));
    free(pae);
    b64((const unsigned char *)statement, strlen(statement), pb64, sizeof(pb64));
    b64(sig, n, sb64, sizeof(sb64));
    out = malloc(8192);
    assert_non_null(out);
    snprintf(out, 8192,
             "{\"%s\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"%s\":{%s},"
             "\"%s\":{\"payload\":\"%s\",\"%s\":\"%s\",\"signatures\":[{\"sig\":\"%s\"}]}}",
             snake ? "media_type" : "mediaType",
             snake ? "verification_material" : "verificationMaterial",
             cert ? "\"certificate\":{\"rawBytes\":\"MIIB\"}" : "\"publicKey\":{\"hint\":\"h\"}",
             snake ? "dsse_envelope" : "dsseEnvelope", pb64,
             snake ? "payload_type" : "payloadType", ptype, sb64);
    return out;
}

static char *
statement(const char *pred, const char *digest)
{
    char *s = malloc(1024);

    assert_non_null(s);
    snprintf(s, 1024,
             "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"x\","
             "\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":\"%s\",\"predicate\":{}}",
             digest + 7, pred);
    return s;
}

static void
test_bundle_dsse(void **state)
{
    struct bundle_fixture f;
    struct sig_outcome o;
    char *st, *b;

    (void)state;
    fixture_init(&f);
    st = statement(SIGN_PREDICATE_TYPE, IMAGE);
    b = dsse_bundle(f.pk, "application/vnd.in-toto+json", st, 0, 0);
    bundle_evaluate(b, strlen(b), IMAGE, "{}", 2, f.keys, 1, &o);
    assert_true(o.verified);
    assert_non_null(strstr(o.reason, "signer.pub"));
    /* the same bundle, another image */
    bundle_evaluate(b, strlen(b), OTHER, "{}", 2, f.keys, 1, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "mismatch"));
    assert_non_null(strstr(o.reason, OTHER));
    /* the wrong key */
    bundle_evaluate(b, strlen(b), IMAGE, "{}", 2, f.wrong, 1, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "other.pub"));
    free(b);
    /* protobuf's original field names are JSON too */
    b = dsse_bundle(f.pk, "application/vnd.in-toto+json", st, 1, 0);
    bundle_evaluate(b, strlen(b), IMAGE, "{}", 2, f.keys, 1, &o);
    assert_true(o.verified);
    free(b);
    /* a payload type that is not in-toto */
    b = dsse_bundle(f.pk, "text/plain", st, 0, 0);
    bundle_evaluate(b, strlen(b), IMAGE, "{}", 2, f.keys, 1, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "wrong payload type"));
    free(b);
    free(st);
    /* an attestation is not a signature */
    st = statement("https://slsa.dev/provenance/v1", IMAGE);
    b = dsse_bundle(f.pk, "application/vnd.in-toto+json", st, 0, 0);
    bundle_evaluate(b, strlen(b), IMAGE, "{}", 2, f.keys, 1, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "attestation"));
    free(b);
    free(st);
    /* keyless bundles: the certificate is named when no key verifies */
    st = statement(SIGN_PREDICATE_TYPE, IMAGE);
    b = dsse_bundle(f.pk, "application/vnd.in-toto+json", st, 0, 1);
    bundle_evaluate(b, strlen(b), IMAGE, "{}", 2, f.wrong, 1, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "keyless"));
    free(b);
    free(st);
    fixture_free(&f);
}

static void
test_bundle_message(void **state)
{
    static const char manifest[] = "{\"schemaVersion\":2,\"layers\":[]}";
    struct bundle_fixture f;
    struct sig_outcome o;
    unsigned char sig[256], md[32];
    char dg[DIGEST_MAX], sb64[512], db64[64], b[2048];
    size_t n;
    unsigned int mdlen = 0;

    (void)state;
    fixture_init(&f);
    digest_sha256(manifest, strlen(manifest), dg);
    assert_int_equal(EVP_Digest(manifest, strlen(manifest), md, &mdlen, EVP_sha256(), NULL), 1);
    b64(md, mdlen, db64, sizeof(db64));
    n = sign(f.pk, EVP_sha256(), 0, manifest, strlen(manifest), sig, sizeof(sig));
    b64(sig, n, sb64, sizeof(sb64));
    snprintf(b, sizeof(b),
             "{\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;version=0.2\","
             "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"x\"}},\"messageSignature\":{"
             "\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":\"%s\"},"
             "\"signature\":\"%s\"}}", db64, sb64);
    bundle_evaluate(b, strlen(b), dg, manifest, strlen(manifest), f.keys, 1, &o);
    assert_true(o.verified);
    assert_non_null(strstr(o.reason, "message signature"));
    bundle_evaluate(b, strlen(b), dg, manifest, strlen(manifest), f.wrong, 1, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "does not verify"));
    /* a signature over the manifest, but the bundle is for another image */
    bundle_evaluate(b, strlen(b), OTHER, manifest, strlen(manifest), f.keys, 1, &o);
    assert_false(o.verified);
    assert_non_null(strstr(o.reason, "mismatch"));
    fixture_free(&f);
}

static void
test_bundle_malformed(void **state)
{
    static const char *const cases[][2] = {
        {"{", "not JSON"},
        {"{\"mediaType\":\"application/json\",\"dsseEnvelope\":{}}", "media type"},
        {"{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}", "exactly one"},
        {"{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"dsseEnvelope\":{},"
         "\"messageSignature\":{}}",
         "exactly one"},
        {"{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"media_type\":\"x\","
         "\"dsseEnvelope\":{}}",
         "two ways"},
        {"{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"dsseEnvelope\":{"
         "\"payloadType\":\"t\",\"payload\":\"!!\",\"signatures\":[]}}",
         "not base64"},
        {"{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"dsseEnvelope\":{"
         "\"payloadType\":\"t\",\"payload\":\"e30=\",\"signatures\":[]}}",
         "no signatures"},
        {"{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"messageSignature\":{"
         "\"messageDigest\":{\"algorithm\":\"SHA2_512\",\"digest\":\"AAAA\"},\"signature\":"
         "\"AAAA\"}}",
         "SHA2_512"},
    };
    struct bundle_fixture f;
    struct sig_outcome o;
    size_t i;

    (void)state;
    fixture_init(&f);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bundle_evaluate(cases[i][0], strlen(cases[i][0]), IMAGE, "{}", 2, f.keys, 1, &o);
        assert_false(o.verified);
        if (!strstr(o.reason, cases[i][1]))
            fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, o.reason, cases[i][1]);
    }
    fixture_free(&f);
}

static void
test_statement(void **state)
{
    char reason[512], *st;

    (void)state;
    st = statement(SIGN_PREDICATE_TYPE, IMAGE);
    assert_int_equal(intoto_check_statement((unsigned char *)st, strlen(st), IMAGE, reason,
                                            sizeof(reason)), 0);
    assert_int_equal(intoto_check_statement((unsigned char *)st, strlen(st), OTHER, reason,
                                            sizeof(reason)), MOAT_EDIGEST);
    assert_non_null(strstr(reason, IMAGE));
    free(st);
    st = strdup("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"" SIGN_PREDICATE_TYPE
                "\",\"subject\":[{\"digest\":{\"sha512\":\"00\"}},{\"digest\":{\"sha256\":\"" IMAGE
                "\"}}]}");
    /* the subject's digest is hex without the algorithm prefix */
    assert_int_equal(intoto_check_statement((unsigned char *)st, strlen(st), IMAGE, reason,
                                            sizeof(reason)), MOAT_EDIGEST);
    free(st);
    st = strdup("{\"_type\":\"https://example.com/Other\"}");
    assert_int_equal(intoto_check_statement((unsigned char *)st, strlen(st), IMAGE, reason,
                                            sizeof(reason)), MOAT_EINVAL);
    assert_non_null(strstr(reason, "not an in-toto statement"));
    free(st);
}

static void
test_referrer(void **state)
{
    static const char bundle[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"config\":{"
        "\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" OTHER "\",\"size\":2},"
        "\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"digest\":\"" OTHER "\",\"size\":61}],\"subject\":{\"mediaType\":\"application/vnd.oci."
        "image.manifest.v1+json\",\"digest\":\"" IMAGE "\",\"size\":100}}";
    static const char sbom[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"artifactType\":\"application/spdx+json\",\"config\":{\"mediaType\":\"application/vnd."
        "oci.empty.v1+json\",\"digest\":\"" OTHER "\",\"size\":2},\"layers\":[{\"mediaType\":"
        "\"application/spdx+json\",\"digest\":\"" OTHER "\",\"size\":5}]}";
    static const char empty[] =
        "{\"schemaVersion\":2,\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        "\"layers\":[]}";
    static const char index[] =
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest."
        "v1+json\",\"digest\":\"" OTHER "\"},{\"mediaType\":\"application/vnd.oci.image.manifest."
        "v1+json\",\"digest\":\"" IMAGE "\"},{\"mediaType\":\"application/vnd.oci.image.manifest."
        "v1+json\",\"artifactType\":\"application/spdx+json\",\"digest\":\"sha256:2222222222222222"
        "222222222222222222222222222222222222222222222222\"},{\"digest\":\"bad\"}]}";
    struct referrer r;
    char err[256], **list = NULL;
    size_t count = 0;

    (void)state;
    assert_int_equal(referrer_parse(bundle, strlen(bundle), &r, err, sizeof(err)), 1);
    assert_string_equal(r.subject, IMAGE);
    assert_string_equal(r.bundle, OTHER);
    assert_int_equal(r.bundle_size, 61);
    referrer_free(&r);
    assert_int_equal(referrer_parse(sbom, strlen(sbom), &r, err, sizeof(err)), 0);
    assert_string_equal(r.artifact_type, "application/spdx+json");
    referrer_free(&r);
    assert_int_equal(referrer_parse(empty, strlen(empty), &r, err, sizeof(err)), MOAT_EINVAL);
    assert_non_null(strstr(err, "without a bundle layer"));
    /* candidates: the image itself, other artifact types and junk are left out */
    assert_int_equal(index_candidates(index, strlen(index), IMAGE, &list, &count, err,
                                      sizeof(err)), 0);
    assert_int_equal(count, 1);
    assert_string_equal(list[0], OTHER);
    free(list[0]);
    free(list);
}

/* ---- moat_verify: what makes the check impossible ---- */

static void
test_verify_errors(void **state)
{
    struct moat_verify_options o;
    struct moat_verification *v = (struct moat_verification *)1;
    const char *keys[1];
    char err[512], path[] = "/tmp/moat-test-trust-XXXXXX", *pem;
    EVP_PKEY *k = keygen("EC", "P-256", 0);
    FILE *f;
    int fd;

    (void)state;
    memset(&o, 0, sizeof(o));
    assert_int_equal(moat_verify("oci:/nonexistent", &o, &v, err, sizeof(err)), -1);
    assert_null(v);
    assert_non_null(strstr(err, "no key given"));

    keys[0] = "/nonexistent.pub";
    o.keys = keys;
    o.nkeys = 1;
    assert_int_equal(moat_verify("oci:/nonexistent", &o, &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent.pub"));

    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    pem = pem_of(k, PEM_PUBLIC);
    fputs(pem, f);
    fclose(f);
    free(pem);
    keys[0] = path;
    assert_int_equal(moat_verify("docker-archive:/tmp/x.tar", &o, &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "holds no signatures"));
    assert_int_equal(moat_verify("oci:/nonexistent-layout:tag", &o, &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent-layout"));
    assert_int_equal(moat_verify("docker:registry/x", &o, &v, err, sizeof(err)), -1);
    assert_null(v);
    moat_verification_free(NULL);
    unlink(path);
    EVP_PKEY_free(k);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64),          cmocka_unit_test(test_keys_accepted),
        cmocka_unit_test(test_keys_refused),    cmocka_unit_test(test_key_pkcs1),
        cmocka_unit_test(test_key_load_errors), cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_claims),          cmocka_unit_test(test_cosign_evaluate),
        cmocka_unit_test(test_sig_manifest),    cmocka_unit_test(test_pae),
        cmocka_unit_test(test_bundle_dsse),     cmocka_unit_test(test_bundle_message),
        cmocka_unit_test(test_bundle_malformed), cmocka_unit_test(test_statement),
        cmocka_unit_test(test_referrer),        cmocka_unit_test(test_verify_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

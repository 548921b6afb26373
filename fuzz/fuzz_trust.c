/*
 * fuzz_trust.c - everything signature verification (lib/trust/) parses
 * before a trusted key has vouched for it: PEM public keys, cosign
 * signature manifests and simplesigning payloads, Sigstore bundles (DSSE
 * envelopes, in-toto statements, message signatures), referrer manifests
 * and referrers indexes, base64 and DSSE's pre-authentication encoding.
 *
 * The first byte picks the parser; the rest is its input. Two public keys
 * are built in (their private halves signed the corpus seeds, so the seeds
 * reach the checks made after a signature verified; mutations mostly do
 * not). Invariants that must hold whatever the input are checked with
 * abort(): nothing verifies without a key that verified it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "base/b64.h"
#include "trust/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IMAGE "sha256:0483002dc3586bf8ca8190022f8cc82fc5b7804aac90ca4e6a7b8e400e845c0d"

static const char p256_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEG9zgbdKfn+4ntnLtzSpCbA8RlsIC\n"
                               "0I6kut1CJTZW65BARZFz1NVqQlcfFMylsZCjywzFmao/TnNU49gHRBX1wQ==\n"
                               "-----END PUBLIC KEY-----\n";
static const char ed25519_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                                  "MCowBQYDK2VwAyEAZczMyXOjtbeJwu4pE4AFbfXEMRWM7fxAiK6IrdUQW5U=\n"
                                  "-----END PUBLIC KEY-----\n";

static struct trust_key keys[2];
static int have_keys;

static void
load_keys(void)
{
    char err[256];

    if (have_keys)
        return;
    if (trust_key_parse(p256_pem, strlen(p256_pem), &keys[0], err, sizeof(err)) != 0 ||
        trust_key_parse(ed25519_pem, strlen(ed25519_pem), &keys[1], err, sizeof(err)) != 0)
        abort();
    keys[0].path = "p256.pub";
    keys[1].path = "ed25519.pub";
    have_keys = 1;
}

static void
check(const struct sig_outcome *o)
{
    if (o->verified && !o->key)
        abort(); /* verified by nobody */
    if (!memchr(o->reason, '\0', sizeof(o->reason)) || !o->reason[0])
        abort(); /* every outcome says why */
}

/* "<payload>\0<signature manifest>": each signed layer judged over payload. */
static void
fuzz_sig_manifest(const char *s, size_t n)
{
    const char *nul = memchr(s, '\0', n);
    const char *man = nul ? nul + 1 : s;
    size_t plen = nul ? (size_t)(nul - s) : 0, mlen = n - (size_t)(man - s), i;
    struct sig_manifest m;
    struct sig_outcome o;
    char err[256];

    if (sig_manifest_parse(man, mlen, &m, err, sizeof(err)) != 0)
        return;
    if (m.nlayers > m.listed)
        abort();
    for (i = 0; i < m.nlayers; i++) {
        cosign_evaluate(s, plen, m.layers[i].signature, IMAGE, keys, 2, &o);
        check(&o);
    }
    sig_manifest_free(&m);
}

static void
fuzz_referrer(const char *s, size_t n)
{
    struct referrer r;
    char err[256], **list = NULL;
    size_t count = 0, i;
    int rc;

    rc = referrer_parse(s, n, &r, err, sizeof(err));
    if (rc == 1 && !r.bundle)
        abort();
    if (rc >= 0)
        referrer_free(&r);
    if (index_candidates(s, n, IMAGE, &list, &count, err, sizeof(err)) == 0) {
        for (i = 0; i < count; i++) {
            if (strcmp(list[i], IMAGE) == 0)
                abort(); /* the image is never its own referrer */
            free(list[i]);
        }
        free(list);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct trust_key k;
    struct sig_outcome o;
    char err[512], *s;
    unsigned char *out;
    size_t n;
    long dn;

    if (size < 1 || size > FUZZ_MAX_INPUT)
        return 0;
    load_keys();
    n = size - 1;
    s = malloc(n + 1);
    if (!s)
        return 0;
    memcpy(s, data + 1, n);
    s[n] = '\0';
    switch (data[0] % 8) {
    case 0:
        if (trust_key_parse(s, n, &k, err, sizeof(err)) == 0) {
            trust_key_verify(&k, s, n, (const unsigned char *)s, n < 512 ? n : 512);
            trust_key_free(&k);
        }
        break;
    case 1:
        fuzz_sig_manifest(s, n);
        break;
    case 2:
        cosign_check_claims(s, n, IMAGE, err, sizeof(err));
        cosign_evaluate(s, n, "MEUCIQDXmXWj59naoPFlLnCADIPLKgLG3LyFtKrbjpnkYiGNGgIhAJ/eNx5zr/"
                              "l1MJKSFpFMjPKKr4fjh5RHEtT2DhMamZuT", IMAGE, keys, 2, &o);
        check(&o);
        break;
    case 3:
        bundle_evaluate(s, n, IMAGE, s, n, keys, 2, &o);
        check(&o);
        break;
    case 4:
        intoto_check_statement((const unsigned char *)s, n, IMAGE, err, sizeof(err));
        break;
    case 5:
        fuzz_referrer(s, n);
        break;
    case 6:
        out = malloc(n + 4);
        if (out) {
            dn = b64_decode(s, n, B64_PAD_REQUIRED, out, n + 4);
            if (dn > (long)(n / 4 * 3 + 3))
                abort();
            dn = b64_decode(s, n, B64_BOTH, out, n + 4);
            if (dn > (long)(n / 4 * 3 + 3))
                abort();
            free(out);
        }
        break;
    default: {
        const char *nul = memchr(s, '\0', n);
        unsigned char *pae = NULL;
        size_t plen = 0, tl = nul ? (size_t)(nul - s) : n;
        const unsigned char *body = nul ? (const unsigned char *)nul + 1 : NULL;
        size_t bl = nul ? n - tl - 1 : 0;
        if (dsse_pae(s, body, bl, &pae, &plen) == 0) {
            if (plen < 6 + tl + bl || memcmp(pae, "DSSEv1 ", 7) != 0)
                abort();
            if (bl && memcmp(pae + plen - bl, body, bl) != 0)
                abort();
            free(pae);
        }
        break;
    }
    }
    free(s);
    return 0;
}

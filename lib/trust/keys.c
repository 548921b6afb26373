/*
 * keys.c - the public keys a signature may be verified with, and the
 * signature schemes moat accepts for each (OpenSSL EVP).
 *
 * cosign writes no algorithm next to a signature: the verifier decides from
 * the key. moat accepts what cosign and sigstore produce for each key type:
 *   ECDSA P-256   SHA-256                       (cosign's default key)
 *   ECDSA P-384   SHA-256 (cosign's default hash for every key),
 *                 SHA-384 (sigstore's algorithm registry for P-384)
 *   ECDSA P-521   SHA-256, SHA-512 (likewise)
 *   Ed25519       pure Ed25519 over the message
 *   RSA           PKCS#1 v1.5 with SHA-256 (sigstore's RSA verifier),
 *                 PSS with SHA-256, MGF1-SHA-256, any salt length (the
 *                 rsa-sign-pss-*-sha256 algorithms)
 * ECDSA signatures are ASN.1 DER, as Go's ecdsa.SignASN1 writes them.
 * Ed25519ph is not accepted (OpenSSL 3.0 cannot verify it).
 */
#include "trust.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/str.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One PEM block found in a file: its label and where it lies. */
struct pem_block {
    char label[64];
    const char *start; /* "-----BEGIN" */
    const char *end;   /* past "-----END <label>-----" */
};

/* Finds the PEM blocks of [p, p+n); returns how many (up to max). */
static size_t
pem_blocks(const char *p, size_t n, struct pem_block *out, size_t max)
{
    static const char begin[] = "-----BEGIN ";
    const char *cur = p, *end = p + n;
    size_t count = 0;

    for (;;) {
        const char *b, *lab, *close, *e;
        char endline[96];
        size_t ll;

        b = mem_find(cur, (size_t)(end - cur), begin, sizeof(begin) - 1);
        if (!b)
            return count;
        lab = b + sizeof(begin) - 1;
        close = mem_find(lab, (size_t)(end - lab), "-----", 5);
        if (!close)
            return count;
        ll = (size_t)(close - lab);
        if (ll == 0 || ll >= sizeof(out[0].label) || memchr(lab, '\n', ll)) {
            cur = lab;
            continue;
        }
        snprintf(endline, sizeof(endline), "-----END %.*s-----", (int)ll, lab);
        e = mem_find(close + 5, (size_t)(end - close - 5), endline, strlen(endline));
        if (count < max) {
            memcpy(out[count].label, lab, ll);
            out[count].label[ll] = '\0';
            out[count].start = b;
            out[count].end = e ? e + strlen(endline) : NULL;
        }
        count++;
        if (!e)
            return count;
        cur = e + strlen(endline);
    }
}

static int
is_private_label(const char *label)
{
    return strstr(label, "PRIVATE KEY") != NULL;
}

/* Fills kind, bits and desc from the decoded key; refuses what cosign would
 * not verify with. */
static int
classify(struct trust_key *k, char *err, size_t errlen)
{
    EVP_PKEY *pk = k->pkey;
    char group[64];
    size_t glen = 0;

    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_EC:
        if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                            &glen)) {
            snprintf(err, errlen, "an EC key on an explicitly described curve, which moat does "
                                  "not accept (use a named curve: P-256, P-384 or P-521)");
            return MOAT_EUNSUP;
        }
        k->kind = KEY_ECDSA;
        if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
            k->bits = 256;
        else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
            k->bits = 384;
        else if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
            k->bits = 521;
        else {
            snprintf(err, errlen, "an EC key on curve %.40s; cosign signatures use P-256, P-384 "
                                  "or P-521", group);
            return MOAT_EUNSUP;
        }
        snprintf(k->desc, sizeof(k->desc), "ECDSA P-%d", k->bits);
        return 0;
    case EVP_PKEY_ED25519:
        k->kind = KEY_ED25519;
        k->bits = 256;
        snprintf(k->desc, sizeof(k->desc), "Ed25519");
        return 0;
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        k->kind = EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA ? KEY_RSA : KEY_RSA_PSS;
        k->bits = EVP_PKEY_get_bits(pk);
        if (k->bits < MOAT_LIMIT_RSA_MIN_BITS || k->bits > MOAT_LIMIT_RSA_MAX_BITS) {
            snprintf(err, errlen, "an RSA key of %d bits; moat accepts %d to %d", k->bits,
                     MOAT_LIMIT_RSA_MIN_BITS, MOAT_LIMIT_RSA_MAX_BITS);
            return MOAT_EUNSUP;
        }
        snprintf(k->desc, sizeof(k->desc), "RSA%s %d", k->kind == KEY_RSA_PSS ? "-PSS" : "",
                 k->bits);
        return 0;
    default:
        snprintf(err, errlen, "a %.40s key; cosign signatures are verified with ECDSA, Ed25519 "
                              "or RSA keys", OBJ_nid2sn(EVP_PKEY_get_base_id(pk)));
        return MOAT_EUNSUP;
    }
}

int
trust_key_parse(const char *pem, size_t n, struct trust_key *k, char *err, size_t errlen)
{
    struct pem_block blocks[4];
    OSSL_DECODER_CTX *dctx = NULL;
    EVP_PKEY *pk = NULL;
    const unsigned char *data;
    size_t nb, i, dlen;
    int rc = MOAT_EINVAL;

    memset(k, 0, sizeof(*k));
    nb = pem_blocks(pem, n, blocks, 4);
    if (nb == 0) {
        snprintf(err, errlen, "no PEM block (-----BEGIN PUBLIC KEY-----): not a PEM public key");
        return MOAT_EINVAL;
    }
    for (i = 0; i < nb && i < 4; i++) {
        if (is_private_label(blocks[i].label)) {
            snprintf(err, errlen, "holds a private key (%s); give the public key (for cosign "
                                  "keys, cosign.pub)", blocks[i].label);
            return MOAT_EINVAL;
        }
    }
    if (nb > 1) {
        snprintf(err, errlen, "holds %zu PEM blocks; give one public key per --key", nb);
        return MOAT_EINVAL;
    }
    if (strcmp(blocks[0].label, "CERTIFICATE") == 0) {
        snprintf(err, errlen, "is a certificate: certificate (keyless) verification is not "
                              "supported; give the public key (openssl x509 -pubkey -noout)");
        return MOAT_EUNSUP;
    }
    if (strcmp(blocks[0].label, "PUBLIC KEY") != 0 &&
        strcmp(blocks[0].label, "RSA PUBLIC KEY") != 0) {
        snprintf(err, errlen, "holds a PEM %s, not a PUBLIC KEY", blocks[0].label);
        return MOAT_EINVAL;
    }
    if (!blocks[0].end) {
        snprintf(err, errlen, "PEM block %s has no END line", blocks[0].label);
        return MOAT_EINVAL;
    }
    dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, "PEM", NULL, NULL, EVP_PKEY_PUBLIC_KEY, NULL, NULL);
    if (!dctx) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    data = (const unsigned char *)blocks[0].start;
    dlen = (size_t)(blocks[0].end - blocks[0].start);
    if (OSSL_DECODER_from_data(dctx, &data, &dlen) != 1 || !pk) {
        snprintf(err, errlen, "the PEM %s block does not decode as a public key",
                 blocks[0].label);
        goto out;
    }
    k->pkey = pk;
    pk = NULL;
    rc = classify(k, err, errlen);
    if (rc) {
        EVP_PKEY_free(k->pkey);
        k->pkey = NULL;
    }
out:
    EVP_PKEY_free(pk);
    OSSL_DECODER_CTX_free(dctx);
    ERR_clear_error();
    return rc;
}

int
trust_key_load(const char *path, struct trust_key *k, char *err, size_t errlen)
{
    char why[300];
    char *text = NULL;
    size_t n;
    int rc;

    memset(k, 0, sizeof(*k));
    rc = file_read_at(AT_FDCWD, path, MOAT_LIMIT_KEY_FILE, &text, &n, why, sizeof(why));
    if (rc) {
        if (rc == MOAT_ETOOBIG)
            snprintf(err, errlen, "key %s: larger than %u bytes: not a public key file", path,
                     (unsigned)MOAT_LIMIT_KEY_FILE);
        else
            snprintf(err, errlen, "key %s: cannot read it: %s", path, why);
        return rc;
    }
    rc = trust_key_parse(text, n, k, why, sizeof(why));
    free(text);
    if (rc) {
        snprintf(err, errlen, "key %s: %s", path, why);
        return rc;
    }
    k->path = path;
    return 0;
}

void
trust_key_free(struct trust_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    k->pkey = NULL;
}

/* One scheme: digest md (NULL for Ed25519), PSS or not. */
static int
verify_with(EVP_PKEY *pk, const EVP_MD *md, int pss, const void *msg, size_t n,
            const unsigned char *sig, size_t siglen)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = 0;

    if (!ctx)
        return 0;
    if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pk) != 1)
        goto out;
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1))
        goto out;
    ok = EVP_DigestVerify(ctx, sig, siglen, msg, n) == 1;
out:
    EVP_MD_CTX_free(ctx);
    ERR_clear_error(); /* a failed check leaves errors queued; none matter */
    return ok;
}

int
trust_key_verify(const struct trust_key *k, const void *msg, size_t n, const unsigned char *sig,
                 size_t siglen)
{
    EVP_PKEY *pk = k->pkey;

    if (!pk || siglen == 0 || siglen > MOAT_LIMIT_SIG_BYTES)
        return 0;
    if (!msg)
        msg = "";
    switch (k->kind) {
    case KEY_ECDSA:
        if (verify_with(pk, EVP_sha256(), 0, msg, n, sig, siglen))
            return 1;
        if (k->bits == 384)
            return verify_with(pk, EVP_sha384(), 0, msg, n, sig, siglen);
        if (k->bits == 521)
            return verify_with(pk, EVP_sha512(), 0, msg, n, sig, siglen);
        return 0;
    case KEY_ED25519:
        return verify_with(pk, NULL, 0, msg, n, sig, siglen);
    case KEY_RSA:
        return verify_with(pk, EVP_sha256(), 0, msg, n, sig, siglen) ||
               verify_with(pk, EVP_sha256(), 1, msg, n, sig, siglen);
    case KEY_RSA_PSS:
        return verify_with(pk, EVP_sha256(), 1, msg, n, sig, siglen);
    }
    return 0;
}

void
trust_keys_describe(const struct trust_key *keys, size_t nkeys, char *out, size_t outlen)
{
    size_t i, len = 0;

    if (outlen == 0)
        return;
    out[0] = '\0';
    for (i = 0; i < nkeys && len + 1 < outlen; i++) {
        int w = snprintf(out + len, outlen - len, "%s%s (%s)", i ? ", " : "",
                         keys[i].path ? keys[i].path : "key", keys[i].desc);
        if (w < 0 || (size_t)w >= outlen - len) {
            /* cut: say so rather than end mid-name */
            if (outlen > 4)
                snprintf(out + outlen - 4, 4, "...");
            return;
        }
        len += (size_t)w;
    }
}


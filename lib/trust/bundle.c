/*
 * bundle.c - Sigstore bundles attached to an image as OCI 1.1 referrers
 * (sigstore/cosign specs/BUNDLE_SPEC.md): an image manifest with
 * artifactType application/vnd.dev.sigstore.bundle.v0.3+json, an empty
 * config, one layer holding the bundle JSON, and subject = the image.
 *
 * The bundle (protobuf-specs sigstore_bundle.proto, in protobuf's JSON
 * form) carries either
 *   - dsseEnvelope: {payload, payloadType, signatures[{sig, keyid}]}, the
 *     signatures over the DSSE pre-authentication encoding of the payload.
 *     cosign 3 signs an image this way: the payload is an in-toto
 *     statement (payloadType application/vnd.in-toto+json) with
 *     predicateType https://sigstore.dev/cosign/sign/v1 and the image as
 *     subject (digest.sha256 = the manifest digest's hex);
 *   - messageSignature: {messageDigest{algorithm, digest}, signature}: a
 *     signature over an artifact's bytes. For an image the artifact is its
 *     manifest, so the digest must be the image digest and the signature
 *     must verify over the manifest bytes.
 * A DSSE statement with another predicate (SLSA provenance, an SBOM) is an
 * attestation, not a signature of the image, and does not count, as
 * `cosign verify` does not count it.
 *
 * The verification material is not trusted: a certificate (keyless,
 * Fulcio) or a key hint in the bundle says nothing about who signed; only
 * the caller's keys do. Transparency-log entries and timestamps are not
 * checked (docs/SIGNATURES.md). protobuf's JSON form accepts both the
 * lowerCamelCase and the original snake_case field names, so moat does,
 * and refuses a bundle that spells one field both ways.
 */
#include "trust.h"
#include "base/b64.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define INTOTO_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define KEYLESS_NOTE                                                                               \
    "; the bundle carries a certificate (keyless signing), which moat does not verify: give "     \
    "the signer's public key"

int
bundle_media_type(const char *mt)
{
    static const char *const known[] = {
        "application/vnd.dev.sigstore.bundle.v0.3+json",
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
    };
    size_t i;

    if (!mt)
        return 0;
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(mt, known[i]) == 0)
            return 1;
    return 0;
}

/* ---- referrer manifests ---- */

int
referrer_parse(const char *body, size_t n, struct referrer *r, char *err, size_t errlen)
{
    json_t *j, *sv, *cfg, *subj, *layers, *l;
    const char *mt;
    char why[300], algo[8];
    int dup = 0;
    size_t i;

    memset(r, 0, sizeof(*r));
    r->bundle_size = -1;
    j = json_parse_untrusted(body, n, MOAT_LIMIT_JSON_DOC, MOAT_LIMIT_JSON_DEPTH, &dup, why,
                             sizeof(why));
    if (!j) {
        snprintf(err, errlen, "referrer manifest is not valid JSON: %s", why);
        return MOAT_EINVAL;
    }
    r->json = j;
    if (dup || !json_is_object(j)) {
        snprintf(err, errlen, "referrer manifest is %s",
                 dup ? "ambiguous (duplicate keys)" : "not a JSON object");
        goto bad;
    }
    sv = json_object_get(j, "schemaVersion");
    mt = json_obj_str(j, "mediaType");
    if (!json_is_integer(sv) || json_integer_value(sv) != 2 ||
        (mt && strcmp(mt, MT_OCI_MANIFEST) != 0))
        return 0; /* an index or something else: not a bundle artifact */
    cfg = json_object_get(j, "config");
    r->artifact_type = json_obj_str(j, "artifactType");
    if (!r->artifact_type)
        r->artifact_type = json_obj_str(cfg, "mediaType");
    subj = json_object_get(j, "subject");
    if (subj) {
        r->subject = json_obj_str(subj, "digest");
        if (!r->subject || digest_parse(r->subject, algo) != 0) {
            snprintf(err, errlen, "referrer manifest has a malformed subject");
            goto bad;
        }
    }
    layers = json_object_get(j, "layers");
    json_array_foreach(layers, i, l)
    {
        const char *dg = json_obj_str(l, "digest");
        json_t *sz = json_object_get(l, "size");
        if (!bundle_media_type(json_obj_str(l, "mediaType")))
            continue;
        if (!dg || digest_parse(dg, algo) != 0 ||
            (sz && (!json_is_integer(sz) || json_integer_value(sz) < 0))) {
            snprintf(err, errlen, "referrer manifest has a malformed bundle layer descriptor");
            goto bad;
        }
        r->bundle = dg;
        r->bundle_size = sz ? (int64_t)json_integer_value(sz) : -1;
        break;
    }
    if (!r->bundle && bundle_media_type(r->artifact_type)) {
        snprintf(err, errlen, "Sigstore bundle artifact without a bundle layer");
        goto bad;
    }
    return r->bundle ? 1 : 0;
bad:
    referrer_free(r);
    return MOAT_EINVAL;
}

void
referrer_free(struct referrer *r)
{
    if (!r)
        return;
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

/* ---- DSSE ---- */

int
dsse_pae(const char *type, const unsigned char *payload, size_t n, unsigned char **out,
         size_t *outlen)
{
    char head[128];
    size_t tl = strlen(type), hl, total;
    unsigned char *p;
    int w;

    *out = NULL;
    *outlen = 0;
    w = snprintf(head, sizeof(head), "DSSEv1 %zu ", tl);
    if (w < 0)
        return MOAT_EINVAL;
    hl = (size_t)w;
    total = hl + tl + 1 + 24 + n;
    p = malloc(total);
    if (!p)
        return MOAT_ENOMEM;
    memcpy(p, head, hl);
    memcpy(p + hl, type, tl);
    hl += tl;
    w = snprintf((char *)p + hl, total - hl, " %zu ", n);
    if (w < 0 || (size_t)w >= total - hl) {
        free(p);
        return MOAT_EINVAL; /* defensive: 24 bytes hold any size_t */
    }
    hl += (size_t)w;
    if (n)
        memcpy(p + hl, payload, n);
    *out = p;
    *outlen = hl + n;
    return 0;
}

/* ---- bundles ---- */

/* A protobuf JSON field by either of its names; *dup when both appear. */
static json_t *
pb_get(json_t *o, const char *camel, const char *snake, int *dup)
{
    json_t *a = json_object_get(o, camel), *b = snake ? json_object_get(o, snake) : NULL;

    if (a && b)
        *dup = 1;
    return a ? a : b;
}

/* Decodes a base64 protobuf bytes field (malloc'd into *out). */
static int
pb_bytes(json_t *v, size_t max, unsigned char **out, size_t *n)
{
    const char *s = json_string_value(v);
    size_t len;
    long dn;

    *out = NULL;
    *n = 0;
    if (!s)
        return MOAT_EINVAL;
    len = strlen(s);
    if (len / 4 * 3 > max + 3)
        return MOAT_ETOOBIG;
    *out = malloc(len / 4 * 3 + 4);
    if (!*out)
        return MOAT_ENOMEM;
    /* protobuf JSON and DSSE accept either alphabet, padding optional */
    dn = b64_decode(s, len, B64_BOTH, *out, len / 4 * 3 + 4);
    if (dn < 0 || (size_t)dn > max) {
        free(*out);
        *out = NULL;
        return dn < 0 ? MOAT_EINVAL : MOAT_ETOOBIG;
    }
    *n = (size_t)dn;
    return 0;
}

static const char *
key_name(const struct trust_key *k)
{
    return k->path ? k->path : "key";
}

/* The statement's subjects: does one carry the image digest? The first
 * digest named goes to other (for the message) when none does. */
static int
subject_names(json_t *subjects, const char *image_digest, char *other, size_t olen)
{
    char algo[8];
    json_t *s;
    size_t i;

    other[0] = '\0';
    if (digest_parse(image_digest, algo) != 0)
        return 0;
    json_array_foreach(subjects, i, s)
    {
        json_t *dg = json_object_get(s, "digest");
        const char *hex = json_obj_str(dg, algo);
        if (hex && strcmp(hex, image_digest + strlen(algo) + 1) == 0)
            return 1;
        if (!other[0]) {
            const char *a;
            json_t *v;
            json_object_foreach(dg, a, v)
            {
                if (json_is_string(v)) {
                    snprintf(other, olen, "%.16s:%.128s", a, json_string_value(v));
                    break;
                }
            }
        }
    }
    return 0;
}

int
intoto_check_statement(const unsigned char *payload, size_t n, const char *image_digest,
                       char *reason, size_t rlen)
{
    json_t *j, *subjects;
    const char *type, *pred;
    char why[300], other[200];
    int dup = 0, rc = MOAT_EINVAL;

    j = json_parse_untrusted((const char *)payload, n, MOAT_LIMIT_SIG_BLOB, MOAT_LIMIT_JSON_DEPTH,
                             &dup, why, sizeof(why));
    if (!j) {
        snprintf(reason, rlen, "the in-toto statement is not valid JSON (%s)", why);
        return MOAT_EINVAL;
    }
    type = json_obj_str(j, "_type");
    pred = json_obj_str(j, "predicateType");
    subjects = json_object_get(j, "subject");
    if (dup) {
        snprintf(reason, rlen, "the in-toto statement has duplicate keys (ambiguous)");
    } else if (!type || (strcmp(type, "https://in-toto.io/Statement/v1") != 0 &&
                         strcmp(type, "https://in-toto.io/Statement/v0.1") != 0)) {
        snprintf(reason, rlen, "the payload is not an in-toto statement (_type %.100s)",
                 type ? type : "missing");
    } else if (!pred || strcmp(pred, SIGN_PREDICATE_TYPE) != 0) {
        snprintf(reason, rlen, "wrong payload type: an attestation with predicate type %.120s, "
                               "not an image signature (%s)",
                 pred ? pred : "(none)", SIGN_PREDICATE_TYPE);
        rc = MOAT_EUNSUP;
    } else if (!json_is_array(subjects)) {
        snprintf(reason, rlen, "the statement has no subject list");
    } else if (!subject_names(subjects, image_digest, other, sizeof(other))) {
        snprintf(reason, rlen, "payload digest mismatch: the statement's subject is %s, the "
                               "image is %s",
                 other[0] ? other : "(no digest)", image_digest);
        rc = MOAT_EDIGEST;
    } else {
        rc = 0;
    }
    json_decref(j);
    return rc;
}

static void
evaluate_statement(const unsigned char *payload, size_t n, const char *image_digest,
                   struct sig_outcome *o)
{
    char why[512];

    if (intoto_check_statement(payload, n, image_digest, why, sizeof(why)) != 0) {
        snprintf(o->reason, sizeof(o->reason), "signed by %s, but %s", key_name(o->key), why);
        return;
    }
    o->verified = 1;
    snprintf(o->reason, sizeof(o->reason), "DSSE envelope signed by %s (%s); the statement's "
                                           "subject is this image", key_name(o->key), o->key->desc);
}

static void
evaluate_dsse(json_t *env, int keyless, const char *image_digest, const struct trust_key *keys,
              size_t nkeys, struct sig_outcome *o)
{
    json_t *sigs, *s;
    const char *ptype;
    unsigned char *payload = NULL, *pae = NULL;
    size_t plen = 0, paelen = 0, i, k;
    char tried[400];
    int dup = 0, rc;

    ptype = json_string_value(pb_get(env, "payloadType", "payload_type", &dup));
    sigs = json_object_get(env, "signatures");
    if (dup) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: a DSSE field is spelled two ways");
        return;
    }
    if (!ptype) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: the DSSE envelope has no "
                                               "payloadType");
        return;
    }
    rc = pb_bytes(json_object_get(env, "payload"), MOAT_LIMIT_SIG_BLOB, &payload, &plen);
    if (rc) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: the DSSE payload is %s",
                 rc == MOAT_ETOOBIG ? "too large" : "missing or not base64");
        goto out;
    }
    if (!json_is_array(sigs) || json_array_size(sigs) == 0) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: the DSSE envelope has no "
                                               "signatures");
        goto out;
    }
    rc = dsse_pae(ptype, payload, plen, &pae, &paelen);
    if (rc) {
        snprintf(o->reason, sizeof(o->reason), "cannot check the DSSE envelope: out of memory");
        goto out;
    }
    json_array_foreach(sigs, i, s)
    {
        unsigned char *sig;
        size_t slen;
        if (i >= MOAT_LIMIT_SIGNATURES)
            break;
        if (pb_bytes(json_object_get(s, "sig"), MOAT_LIMIT_SIG_BYTES, &sig, &slen) != 0)
            continue; /* malformed: does not verify, like a wrong one */
        for (k = 0; k < nkeys && !o->key; k++)
            if (trust_key_verify(&keys[k], pae, paelen, sig, slen))
                o->key = &keys[k];
        free(sig);
        if (o->key)
            break;
    }
    if (!o->key) {
        trust_keys_describe(keys, nkeys, tried, sizeof(tried));
        snprintf(o->reason, sizeof(o->reason), "DSSE signature does not verify with any key given "
                                               "(tried %s)%s", tried, keyless ? KEYLESS_NOTE : "");
        goto out;
    }
    if (strcmp(ptype, INTOTO_PAYLOAD_TYPE) != 0) {
        snprintf(o->reason, sizeof(o->reason), "wrong payload type: signed by %s, but the DSSE "
                                               "payload is %.100s, not an in-toto statement (%s)",
                 key_name(o->key), ptype, INTOTO_PAYLOAD_TYPE);
        goto out;
    }
    evaluate_statement(payload, plen, image_digest, o);
out:
    free(payload);
    free(pae);
}

static void
evaluate_message(json_t *ms, int keyless, const char *image_digest, const char *manifest,
                 size_t mlen, const struct trust_key *keys, size_t nkeys, struct sig_outcome *o)
{
    json_t *md, *alg;
    unsigned char *sig = NULL, *dg = NULL;
    size_t slen = 0, dlen = 0, k, i;
    char named[DIGEST_MAX], tried[400];
    int dup = 0, sha256 = 0;

    md = pb_get(ms, "messageDigest", "message_digest", &dup);
    alg = json_object_get(md, "algorithm");
    if (dup) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: a field is spelled two ways");
        return;
    }
    if (!json_is_object(md) || pb_bytes(json_object_get(md, "digest"), 64, &dg, &dlen) != 0) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: the message signature has no "
                                               "usable messageDigest");
        goto out;
    }
    /* protobuf JSON writes enums by name, and accepts their numbers */
    sha256 = (json_is_string(alg) && strcmp(json_string_value(alg), "SHA2_256") == 0) ||
             (json_is_integer(alg) && json_integer_value(alg) == 1);
    if (!sha256 || dlen != 32) {
        snprintf(o->reason, sizeof(o->reason), "unsupported message signature: digest algorithm "
                                               "%.32s (an image manifest is named by SHA2_256)",
                 json_is_string(alg) ? json_string_value(alg) : "?");
        goto out;
    }
    memcpy(named, "sha256:", 7);
    for (i = 0; i < 32; i++)
        snprintf(named + 7 + 2 * i, 3, "%02x", dg[i]);
    if (pb_bytes(json_object_get(ms, "signature"), MOAT_LIMIT_SIG_BYTES, &sig, &slen) != 0) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: the message signature is missing "
                                               "or not base64");
        goto out;
    }
    for (k = 0; k < nkeys && !o->key; k++)
        if (trust_key_verify(&keys[k], manifest, mlen, sig, slen))
            o->key = &keys[k];
    if (strcmp(named, image_digest) != 0) {
        snprintf(o->reason, sizeof(o->reason), "payload digest mismatch: the message signature is "
                                               "for %s, the image is %s", named, image_digest);
        goto out;
    }
    if (!o->key) {
        trust_keys_describe(keys, nkeys, tried, sizeof(tried));
        snprintf(o->reason, sizeof(o->reason), "message signature does not verify over the image "
                                               "manifest with any key given (tried %s)%s", tried,
                 keyless ? KEYLESS_NOTE : "");
        goto out;
    }
    o->verified = 1;
    snprintf(o->reason, sizeof(o->reason), "message signature over the image manifest by %s (%s)",
             key_name(o->key), o->key->desc);
out:
    free(sig);
    free(dg);
}

void
bundle_evaluate(const char *bundle, size_t n, const char *image_digest, const char *manifest,
                size_t mlen, const struct trust_key *keys, size_t nkeys, struct sig_outcome *o)
{
    json_t *j, *vm, *dsse, *ms;
    const char *mt;
    char why[300];
    int dup = 0, keyless;

    memset(o, 0, sizeof(*o));
    j = json_parse_untrusted(bundle, n, MOAT_LIMIT_SIG_BLOB, MOAT_LIMIT_JSON_DEPTH, &dup, why,
                             sizeof(why));
    if (!j) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: not JSON (%s)", why);
        return;
    }
    if (dup || !json_is_object(j)) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: %s",
                 dup ? "duplicate keys in a JSON object" : "not a JSON object");
        goto out;
    }
    mt = json_string_value(pb_get(j, "mediaType", "media_type", &dup));
    vm = pb_get(j, "verificationMaterial", "verification_material", &dup);
    dsse = pb_get(j, "dsseEnvelope", "dsse_envelope", &dup);
    ms = pb_get(j, "messageSignature", "message_signature", &dup);
    if (dup) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: a field is spelled two ways");
        goto out;
    }
    if (!bundle_media_type(mt)) {
        snprintf(o->reason, sizeof(o->reason), "not a Sigstore bundle this moat knows: media type "
                                               "%.120s", mt ? mt : "(none)");
        goto out;
    }
    keyless = json_is_object(vm) &&
              (pb_get(vm, "x509CertificateChain", "x509_certificate_chain", &dup) ||
               json_object_get(vm, "certificate"));
    if ((dsse != NULL) == (ms != NULL) || (dsse && !json_is_object(dsse)) ||
        (ms && !json_is_object(ms))) {
        snprintf(o->reason, sizeof(o->reason), "malformed bundle: it must hold exactly one of "
                                               "dsseEnvelope and messageSignature");
        goto out;
    }
    if (dsse)
        evaluate_dsse(dsse, keyless, image_digest, keys, nkeys, o);
    else
        evaluate_message(ms, keyless, image_digest, manifest, mlen, keys, nkeys, o);
out:
    json_decref(j);
}

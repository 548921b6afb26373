/*
 * cosign.c - cosign's own signature format (sigstore/cosign
 * specs/SIGNATURE_SPEC.md): an image manifest stored under the tag
 * sha256-<hex>.sig whose layers are simplesigning payloads
 * (application/vnd.dev.cosign.simplesigning.v1+json), each signed, the
 * base64 signature in the layer annotation dev.cosignproject.cosign/signature:
 *
 *   {"critical": {"identity": {"docker-reference": "..."},
 *                 "image": {"docker-manifest-digest": "sha256:..."},
 *                 "type": "cosign container image signature"},
 *    "optional": {...}}
 *
 * The signature covers the payload bytes; the payload binds the image by
 * its manifest digest. So a signature verifies only when a trusted key
 * signed the payload AND the payload names exactly the digest the target
 * resolved to AND its type is the cosign one. docker-reference is not
 * checked (the spec says it is ignored: an image keeps its signature when
 * copied to another repository).
 *
 * cosign reads the payload with Go's encoding/json, which matches keys
 * without regard to case (and folds U+017F to 's', U+212A to 'k'). moat
 * matches the same way, so that every payload cosign accepts is read the
 * same, but refuses a payload where two keys fold to the same field: Go
 * would take the last, another reader the first, and a signature must not
 * mean two things.
 */
#include "trust.h"
#include "base/b64.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANN_COSIGN_CERTIFICATE "dev.sigstore.cosign/certificate"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

/* ---- signature manifests ---- */

static void
layer_from(json_t *d, struct sig_layer *l)
{
    json_t *sz, *an, *v;
    char algo[8];

    l->size = -1;
    if (!json_is_object(d)) {
        snprintf(l->problem, sizeof(l->problem), "layer descriptor is not an object");
        return;
    }
    l->media_type = json_obj_str(d, "mediaType");
    l->digest = json_obj_str(d, "digest");
    if (!l->digest || digest_parse(l->digest, algo) != 0) {
        snprintf(l->problem, sizeof(l->problem), "layer descriptor has %s digest",
                 l->digest ? "a malformed" : "no");
        l->digest = NULL;
        return;
    }
    sz = json_object_get(d, "size");
    if (sz) {
        if (!json_is_integer(sz) || json_integer_value(sz) < 0) {
            snprintf(l->problem, sizeof(l->problem), "layer size is not a non-negative integer");
            return;
        }
        l->size = (int64_t)json_integer_value(sz);
    }
    an = json_object_get(d, "annotations");
    if (an && !json_is_object(an)) {
        snprintf(l->problem, sizeof(l->problem), "layer annotations are not an object");
        return;
    }
    v = an ? json_object_get(an, ANN_COSIGN_SIGNATURE) : NULL;
    if (v && !json_is_string(v)) {
        snprintf(l->problem, sizeof(l->problem), "annotation %s is not a string",
                 ANN_COSIGN_SIGNATURE);
        return;
    }
    l->signature = v ? json_string_value(v) : NULL;
    l->certificate = an && json_object_get(an, ANN_COSIGN_CERTIFICATE) != NULL;
}

int
sig_manifest_parse(const char *body, size_t n, struct sig_manifest *m, char *err, size_t errlen)
{
    json_t *j, *sv, *layers, *d;
    const char *mt;
    char why[300];
    int dup = 0;
    size_t i;

    memset(m, 0, sizeof(*m));
    j = json_parse_untrusted(body, n, MOAT_LIMIT_JSON_DOC, MOAT_LIMIT_JSON_DEPTH, &dup, why,
                             sizeof(why));
    if (!j) {
        snprintf(err, errlen, "signature manifest is not valid JSON: %s", why);
        return MOAT_EINVAL;
    }
    m->json = j;
    if (dup) {
        snprintf(err, errlen, "signature manifest has duplicate keys in a JSON object");
        goto bad;
    }
    if (!json_is_object(j)) {
        snprintf(err, errlen, "signature manifest is not a JSON object");
        goto bad;
    }
    sv = json_object_get(j, "schemaVersion");
    if (!json_is_integer(sv) || json_integer_value(sv) != 2) {
        snprintf(err, errlen, "signature manifest: schemaVersion is not 2");
        goto bad;
    }
    mt = json_obj_str(j, "mediaType");
    if (mt && strcmp(mt, MT_OCI_MANIFEST) != 0 && strcmp(mt, MT_DOCKER_MANIFEST) != 0) {
        snprintf(err, errlen, "signature manifest: media type %.100s is not an image manifest",
                 mt);
        goto bad;
    }
    layers = json_object_get(j, "layers");
    if (!json_is_array(layers)) {
        snprintf(err, errlen, "signature manifest has no layers array");
        goto bad;
    }
    m->listed = json_array_size(layers);
    m->nlayers = m->listed < MOAT_LIMIT_SIGNATURES ? m->listed : MOAT_LIMIT_SIGNATURES;
    if (m->nlayers) {
        m->layers = calloc(m->nlayers, sizeof(*m->layers));
        if (!m->layers) {
            sig_manifest_free(m);
            return MOAT_ENOMEM;
        }
    }
    json_array_foreach(layers, i, d)
    {
        if (i >= m->nlayers)
            break;
        layer_from(d, &m->layers[i]);
    }
    return 0;
bad:
    sig_manifest_free(m);
    return MOAT_EINVAL;
}

void
sig_manifest_free(struct sig_manifest *m)
{
    if (!m)
        return;
    json_decref(m->json);
    free(m->layers);
    memset(m, 0, sizeof(*m));
}

/* ---- payload claims ---- */

/* Does key equal name (ASCII lower-case letters and '-') under Go's
 * encoding/json matching: ASCII case folded, U+017F as 's', U+212A as 'k'? */
static int
go_fold_eq(const char *key, const char *name)
{
    const unsigned char *k = (const unsigned char *)key;

    for (; *name; name++) {
        unsigned char c = *k;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c == *name) {
            k++;
            continue;
        }
        if (*name == 's' && k[0] == 0xc5 && k[1] == 0xbf) {
            k += 2;
            continue;
        }
        if (*name == 'k' && k[0] == 0xe2 && k[1] == 0x84 && k[2] == 0xaa) {
            k += 3;
            continue;
        }
        return 0;
    }
    return *k == '\0';
}

/* o[name] as Go would find it; *ambiguous when two keys match. */
static json_t *
go_get(json_t *o, const char *name, int *ambiguous)
{
    const char *key;
    json_t *v, *found = NULL;

    if (!json_is_object(o))
        return NULL;
    json_object_foreach(o, key, v)
    {
        if (!go_fold_eq(key, name))
            continue;
        if (found)
            *ambiguous = 1;
        found = v;
    }
    return found;
}

int
cosign_check_claims(const char *payload, size_t n, const char *image_digest, char *reason,
                    size_t rlen)
{
    json_t *j, *crit, *img, *type, *dg;
    char why[300];
    int dup = 0, amb = 0, rc = MOAT_EINVAL;

    j = json_parse_untrusted(payload, n, MOAT_LIMIT_SIG_BLOB, MOAT_LIMIT_JSON_DEPTH, &dup, why,
                             sizeof(why));
    if (!j) {
        snprintf(reason, rlen, "malformed payload: not JSON (%s)", why);
        return MOAT_EINVAL;
    }
    if (dup) {
        snprintf(reason, rlen, "malformed payload: duplicate keys in a JSON object");
        goto out;
    }
    if (!json_is_object(j)) {
        snprintf(reason, rlen, "malformed payload: not a JSON object");
        goto out;
    }
    crit = go_get(j, "critical", &amb);
    img = go_get(crit, "image", &amb);
    type = go_get(crit, "type", &amb);
    dg = go_get(img, "docker-manifest-digest", &amb);
    if (amb) {
        snprintf(reason, rlen, "malformed payload: keys that differ only in case name the same "
                               "field (ambiguous)");
        goto out;
    }
    if (!json_is_object(crit)) {
        snprintf(reason, rlen, "malformed payload: no \"critical\" object");
        goto out;
    }
    if (!json_is_string(type)) {
        snprintf(reason, rlen, "malformed payload: critical.type is missing or not a string");
        goto out;
    }
    if (!json_is_object(img) || !json_is_string(dg)) {
        snprintf(reason, rlen, "malformed payload: critical.image.docker-manifest-digest is "
                               "missing or not a string");
        goto out;
    }
    if (strcmp(json_string_value(type), COSIGN_PAYLOAD_TYPE) != 0) {
        snprintf(reason, rlen, "wrong payload type \"%.100s\" (a cosign image signature has "
                               "\"%s\")", json_string_value(type), COSIGN_PAYLOAD_TYPE);
        rc = MOAT_EUNSUP;
        goto out;
    }
    if (strcmp(json_string_value(dg), image_digest) != 0) {
        snprintf(reason, rlen, "payload digest mismatch: the payload names %.140s but the image "
                               "is %s", json_string_value(dg), image_digest);
        rc = MOAT_EDIGEST;
        goto out;
    }
    rc = 0;
out:
    json_decref(j);
    return rc;
}

void
cosign_evaluate(const char *payload, size_t n, const char *sig_b64, const char *image_digest,
                const struct trust_key *keys, size_t nkeys, struct sig_outcome *o)
{
    unsigned char sig[MOAT_LIMIT_SIG_BYTES];
    char claims[512], tried[400];
    size_t i, slen;
    long dn;

    memset(o, 0, sizeof(*o));
    if (!sig_b64) {
        snprintf(o->reason, sizeof(o->reason), "no signature: the layer has no %s annotation",
                 ANN_COSIGN_SIGNATURE);
        return;
    }
    slen = strlen(sig_b64);
    if (slen > 4 * (MOAT_LIMIT_SIG_BYTES / 3) + 4) {
        snprintf(o->reason, sizeof(o->reason), "malformed signature: %zu characters of base64, "
                                               "longer than any signature", slen);
        return;
    }
    /* cosign decodes with Go's base64.StdEncoding: standard, padded */
    dn = b64_decode(sig_b64, slen, B64_PAD_REQUIRED, sig, sizeof(sig));
    if (dn <= 0) {
        snprintf(o->reason, sizeof(o->reason), "malformed signature: the %s annotation is not "
                                               "base64", ANN_COSIGN_SIGNATURE);
        return;
    }
    for (i = 0; i < nkeys; i++) {
        if (trust_key_verify(&keys[i], payload, n, sig, (size_t)dn)) {
            o->key = &keys[i];
            break;
        }
    }
    if (!o->key) {
        trust_keys_describe(keys, nkeys, tried, sizeof(tried));
        snprintf(o->reason, sizeof(o->reason), "signature does not verify with any key given "
                                               "(tried %s)", tried);
        return;
    }
    if (cosign_check_claims(payload, n, image_digest, claims, sizeof(claims)) != 0) {
        snprintf(o->reason, sizeof(o->reason), "signed by %s, but %s",
                 o->key->path ? o->key->path : "key", claims);
        return;
    }
    o->verified = 1;
    snprintf(o->reason, sizeof(o->reason), "signed by %s (%s); the payload names this image",
             o->key->path ? o->key->path : "key", o->key->desc);
}

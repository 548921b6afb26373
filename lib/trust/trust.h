/*
 * trust.h - the parts of signature verification (include/moat/trust.h)
 * shared by lib/trust/: public keys and the checks made with them
 * (keys.c), cosign simplesigning signatures (cosign.c), Sigstore bundles
 * (bundle.c), where signatures are read from (store.c) and the walk over
 * all of them (verify.c).
 *
 * Every parser here reads what a registry or an image layout holds, which
 * anyone who can push to the repository controls: all of it is hostile
 * until a trusted key has verified it, and even then only the claims the
 * signature covers are believed. The evaluation functions never fail: any
 * malformed input is an outcome with a reason, so that one bad signature
 * never hides a good one next to it.
 */
#ifndef MOAT_TRUST_TRUST_H
#define MOAT_TRUST_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "moat/moat.h"
#include "base/digest.h"

/* ---- keys (keys.c) ---- */

enum trust_key_kind {
    KEY_ECDSA,
    KEY_ED25519,
    KEY_RSA,
    KEY_RSA_PSS, /* an RSASSA-PSS-only key (id-RSASSA-PSS) */
};

struct trust_key {
    const char *path;   /* as the caller named it (borrowed) */
    void *pkey;         /* EVP_PKEY */
    enum trust_key_kind kind;
    int bits;           /* curve or modulus size */
    char desc[32];      /* "ECDSA P-256", "Ed25519", "RSA 3072" */
};

/* Reads one PEM public key (SubjectPublicKeyInfo "PUBLIC KEY", or PKCS#1
 * "RSA PUBLIC KEY") from [pem, pem+n). Private keys, certificates and
 * unsupported algorithms or sizes are refused with a reason in err.
 * Returns 0 (OUT: k, free with trust_key_free), MOAT_EINVAL or
 * MOAT_EUNSUP. k->path is left NULL. */
int trust_key_parse(const char *pem, size_t n, struct trust_key *k, char *err, size_t errlen);
/* Reads the key file at path (at most MOAT_LIMIT_KEY_FILE bytes). Returns
 * as trust_key_parse, or MOAT_ENOENT / MOAT_EIO; err names the file. */
int trust_key_load(const char *path, struct trust_key *k, char *err, size_t errlen);
void trust_key_free(struct trust_key *k); /* NULL-safe */

/* 1 when sig is a signature of [msg, msg+n) by k under one of the schemes
 * cosign uses for its kind (docs/SIGNATURES.md), else 0. Malformed
 * signatures are simply 0. */
int trust_key_verify(const struct trust_key *k, const void *msg, size_t n, const unsigned char *sig,
                     size_t siglen);

/* "a.pub (ECDSA P-256), b.pub (Ed25519)" into out. */
void trust_keys_describe(const struct trust_key *keys, size_t nkeys, char *out, size_t outlen);

/* ---- the outcome of one signature ---- */

struct sig_outcome {
    int verified;               /* signed by key AND bound to the image */
    const struct trust_key *key; /* whose signature checked out, or NULL */
    char reason[768];
};

/* ---- cosign simplesigning (cosign.c) ---- */

#define MT_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define ANN_COSIGN_SIGNATURE "dev.cosignproject.cosign/signature"
#define COSIGN_PAYLOAD_TYPE "cosign container image signature"

/* One layer of a signature manifest. Strings borrow from the manifest. */
struct sig_layer {
    const char *digest;      /* NULL when the descriptor is malformed */
    int64_t size;            /* -1 when not given */
    const char *media_type;  /* or NULL */
    const char *signature;   /* base64 annotation, or NULL */
    int certificate;         /* carries a dev.sigstore.cosign/certificate */
    char problem[160];       /* why the descriptor is unusable, or "" */
};

struct sig_manifest {
    void *json;              /* json_t that the layers borrow from */
    struct sig_layer *layers;
    size_t nlayers;          /* at most MOAT_LIMIT_SIGNATURES ... */
    size_t listed;           /* ... of this many */
};

/* Parses a signature manifest (OCI or Docker schema 2 image manifest).
 * Returns 0 (OUT: m, free with sig_manifest_free) or MOAT_EINVAL /
 * MOAT_ENOMEM with err saying what is malformed. */
int sig_manifest_parse(const char *body, size_t n, struct sig_manifest *m, char *err,
                       size_t errlen);
void sig_manifest_free(struct sig_manifest *m);

/* Checks the claims of a simplesigning payload: the type and that
 * critical.image.docker-manifest-digest is image_digest. 0, or MOAT_EINVAL
 * (malformed), MOAT_EUNSUP (another type) or MOAT_EDIGEST (another image)
 * with reason filled. */
int cosign_check_claims(const char *payload, size_t n, const char *image_digest, char *reason,
                        size_t rlen);
/* The whole check of one cosign signature: sig_b64 (the annotation) over
 * payload by one of keys, then the claims. */
void cosign_evaluate(const char *payload, size_t n, const char *sig_b64, const char *image_digest,
                     const struct trust_key *keys, size_t nkeys, struct sig_outcome *o);

/* ---- Sigstore bundles (bundle.c) ---- */

#define SIGN_PREDICATE_TYPE "https://sigstore.dev/cosign/sign/v1"

/* 1 when mt is a Sigstore bundle media type (v0.1, v0.2, v0.3). */
int bundle_media_type(const char *mt);

/* What a referrer manifest says. Strings borrow from json. */
struct referrer {
    void *json;
    const char *artifact_type; /* artifactType, else config.mediaType */
    const char *subject;       /* subject.digest, or NULL */
    const char *bundle;        /* digest of the layer holding the bundle */
    int64_t bundle_size;
};

/* Parses a manifest found among the referrers. Returns 1 when it is a
 * Sigstore bundle artifact, 0 when it is some other artifact (an SBOM, a
 * notation signature: not ours), or MOAT_EINVAL with err filled. On 1 and 0
 * free r with referrer_free. */
int referrer_parse(const char *body, size_t n, struct referrer *r, char *err, size_t errlen);
void referrer_free(struct referrer *r);

/* The DSSE pre-authentication encoding of (type, payload):
 * "DSSEv1 <len> <type> <len> <payload>". OUT: *out malloc'd, *outlen. */
int dsse_pae(const char *type, const unsigned char *payload, size_t n, unsigned char **out,
             size_t *outlen);

/* Checks an in-toto statement (a DSSE payload): _type Statement v1 or
 * v0.1, predicateType SIGN_PREDICATE_TYPE, a subject whose digest is
 * image_digest. 0, or MOAT_EINVAL / MOAT_EUNSUP (an attestation of another
 * predicate) / MOAT_EDIGEST (another subject) with reason filled. */
int intoto_check_statement(const unsigned char *payload, size_t n, const char *image_digest,
                           char *reason, size_t rlen);
/* The whole check of one bundle against the image (digest and manifest
 * bytes): a DSSE envelope holding an in-toto statement with predicate
 * SIGN_PREDICATE_TYPE whose subject is the image, or a message signature
 * over the manifest. */
void bundle_evaluate(const char *bundle, size_t n, const char *image_digest, const char *manifest,
                     size_t mlen, const struct trust_key *keys, size_t nkeys,
                     struct sig_outcome *o);

/* ---- where signatures are stored (store.c) ---- */

struct store;

/* Opens target for reading signatures: a registry (docker://) or an OCI
 * layout (oci:DIR, oci-archive:FILE, a bare path to either). Returns 0
 * (OUT: *out, free with store_free) or MOAT_E* with err filled. */
int store_open(const char *target, const struct moat_verify_options *o, struct store **out,
               char *err, size_t errlen);
void store_free(struct store *s); /* NULL-safe */
/* "127.0.0.1:5000/app", "oci:/path": for messages. */
const char *store_label(const struct store *s);
/* 1 for an OCI layout (oci:, oci-archive:), 0 for a registry. */
int store_is_layout(const struct store *s);
/* The manifest (or index) the target names, as stored. OUT: *body
 * malloc'd, *n, digest. */
int store_resolve(struct store *s, char **body, size_t *n, char digest[DIGEST_MAX], char *err,
                  size_t errlen);
/* The manifest tagged tag. MOAT_ENOENT when there is none. */
int store_tag(struct store *s, const char *tag, char **body, size_t *n, char digest[DIGEST_MAX],
              char *err, size_t errlen);
/* A manifest, or a blob of at most max bytes, by digest, verified. */
int store_manifest(struct store *s, const char *digest, char **body, size_t *n, char *err,
                   size_t errlen);
int store_blob(struct store *s, const char *digest, size_t max, char **body, size_t *n, char *err,
               size_t errlen);
/* Manifests that may refer to digest, as a malloc'd array of digests
 * (OUT: *list, *count; free each and the array). A registry answers from
 * its referrers API: MOAT_ENOENT when it has none. A layout lists every
 * image manifest of its index.json (the caller checks each subject). */
int store_referrers(struct store *s, const char *digest, char ***list, size_t *count, char *err,
                    size_t errlen);
/* The digests of the image manifests an image index lists (a referrers
 * answer or a sha256-<hex> fallback tag), appended to *list / *count as
 * store_referrers does; exclude is left out. 0 or MOAT_EINVAL / ENOMEM. */
int index_candidates(const char *body, size_t n, const char *exclude, char ***list, size_t *count,
                     char *err, size_t errlen);
/* An OCI layout written by `cosign save`: the digest of the entry annotated
 * kind=dev.cosignproject.cosign/sigs, or NULL. */
const char *store_cosign_sigs(const struct store *s);

#endif

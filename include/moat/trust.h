/*
 * trust.h - signature trust: does a key the caller trusts vouch for this
 * image? moat verifies cosign signatures as cosign writes them, so that an
 * image signed in a pipeline with `cosign sign --key` can be admitted by
 * `moat verify` or by a policy's signature rule (include/moat/policy.h):
 *
 *   - the signature manifest under the tag sha256-<hex>.sig of the image's
 *     repository: each layer a simplesigning payload naming the image's
 *     manifest digest, its signature in the layer annotation
 *     dev.cosignproject.cosign/signature;
 *   - Sigstore bundles attached as OCI 1.1 referrers of the image (the
 *     referrers API, or the sha256-<hex> fallback tag index): a DSSE
 *     envelope around an in-toto statement whose subject is the image, or a
 *     message signature over the image manifest.
 *
 * Only signatures made with a key are verified: keyless signatures (Fulcio
 * certificates) and transparency-log entries (Rekor) are not checked, and
 * a signature that only a certificate could vouch for does not verify.
 * See docs/SIGNATURES.md for the exact rules.
 *
 * Included by moat/moat.h; not meant to be included on its own.
 */
#ifndef MOAT_TRUST_H
#define MOAT_TRUST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct moat_verify_options {
    const char *const *keys;   /* PEM public key files: ECDSA P-256/P-384/
                                  P-521, Ed25519, RSA (2048 bits or more) */
    size_t nkeys;
    int insecure;              /* registries: allow http://, skip TLS verify */
    const char *username;      /* registry credentials; NULL = look them up */
    const char *password;      /*   in the docker config file */
    const char *docker_config; /* NULL = the default docker config file */
    const char *ca_file;       /* extra CA bundle for registries, or NULL */
};

/* One signature found for the image, verified or not. */
struct moat_signature {
    const char *kind;          /* "cosign" (a .sig tag layer) or
                                  "sigstore-bundle" (an OCI referrer) */
    const char *key;           /* path of the key that verified it, or NULL */
    int verified;              /* signed by key and bound to this image */
    const char *reason;        /* one line: why it verified or why not */
    const char *source;        /* where it was found: "sha256-<hex>.sig layer 1",
                                  "referrer sha256:..." */
};

struct moat_verification {
    int verified;              /* at least one signature verified by one of
                                  the keys */
    const char *image_digest;  /* the digest the target resolves to: what
                                  the signatures must name ("sha256:...") */
    struct moat_signature *sigs;
    size_t nsigs;
    const char *reason;        /* when not verified, one line saying why
                                  ("no signature found: ..."); else NULL */
    const char *target;        /* the target, as given */
    /* When image_digest names an image index (a multi-platform image, which
     * is what cosign signs when the tag names one): the digests of the
     * manifests it lists. The index names them by digest, so a signature of
     * the index vouches for each of them, e.g. for the platform manifest a
     * scan of the same target reads. Empty for a plain manifest. */
    const char *const *index_manifests;
    size_t nindex_manifests;
};

/* Looks up every signature of target (docker://HOST/REPO[:TAG|@DIGEST],
 * oci:DIR[:TAG|@DIGEST], oci-archive:FILE[:TAG], or a bare path to one of
 * those) and checks each against the keys. Returns 0 when the check ran,
 * verified or not (OUT: *out, free with moat_verification_free; see
 * (*out)->verified and each signature's reason); -1 with err filled when
 * it could not run: a key file unreadable or of an unsupported type, the
 * target unreadable, a registry that refused or failed. */
int moat_verify(const char *target, const struct moat_verify_options *o,
                struct moat_verification **out, char *err, size_t errlen);
void moat_verification_free(struct moat_verification *v); /* NULL-safe */

#ifdef __cplusplus
}
#endif

#endif /* MOAT_TRUST_H */

/*
 * digest.h - content digests ("sha256:<hex>") computed with OpenSSL while
 * bytes stream past, and validation of digest strings read from manifests.
 */
#ifndef MOAT_BASE_DIGEST_H
#define MOAT_BASE_DIGEST_H

#include <stddef.h>

#define DIGEST_MAX 136   /* "sha512:" + 128 hex + NUL, rounded */

struct digest {
    void *ctx;           /* EVP_MD_CTX */
    char algo[8];        /* "sha256" or "sha512" */
};

/* algo: "sha256" or "sha512". Returns 0, MOAT_EUNSUP or MOAT_ENOMEM. */
int digest_init(struct digest *d, const char *algo);
void digest_update(struct digest *d, const void *p, size_t n);
/* Writes "algo:hex" into out (DIGEST_MAX bytes) and frees the context. */
void digest_final(struct digest *d, char out[DIGEST_MAX]);
void digest_free(struct digest *d);   /* NULL-safe, after or instead of final */

/* Checks that s is "sha256:<64 lower hex>" or "sha512:<128 lower hex>".
 * On success copies the algorithm into algo (8 bytes) and returns 0. */
int digest_parse(const char *s, char algo[8]);
/* One-shot sha256 of a buffer, as "sha256:<hex>". */
void digest_sha256(const void *p, size_t n, char out[DIGEST_MAX]);

#endif

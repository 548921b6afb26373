/*
 * digest.c - streaming digests over OpenSSL's EVP interface, which picks the
 * SHA-NI / AVX2 implementation of the CPU at run time.
 */
#include "digest.h"
#include "err.h"

#include <openssl/evp.h>
#include <string.h>

int
digest_init(struct digest *d, const char *algo)
{
    const EVP_MD *md;

    d->ctx = NULL;
    if (strcmp(algo, "sha256") == 0)
        md = EVP_sha256();
    else if (strcmp(algo, "sha512") == 0)
        md = EVP_sha512();
    else
        return MOAT_EUNSUP;
    d->ctx = EVP_MD_CTX_new();
    if (!d->ctx)
        return MOAT_ENOMEM;
    if (EVP_DigestInit_ex(d->ctx, md, NULL) != 1) {
        EVP_MD_CTX_free(d->ctx);
        d->ctx = NULL;
        return MOAT_ENOMEM;
    }
    snprintf(d->algo, sizeof(d->algo), "%s", algo);
    return 0;
}

void
digest_update(struct digest *d, const void *p, size_t n)
{
    if (n)
        EVP_DigestUpdate(d->ctx, p, n);
}

void
digest_final(struct digest *d, char out[DIGEST_MAX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    static const char hex[] = "0123456789abcdef";
    size_t o;

    EVP_DigestFinal_ex(d->ctx, md, &n);
    o = (size_t)snprintf(out, DIGEST_MAX, "%s:", d->algo);
    for (i = 0; i < n && o + 2 < DIGEST_MAX; i++) {
        out[o++] = hex[md[i] >> 4];
        out[o++] = hex[md[i] & 15];
    }
    out[o] = '\0';
    digest_free(d);
}

void
digest_free(struct digest *d)
{
    if (d && d->ctx) {
        EVP_MD_CTX_free(d->ctx);
        d->ctx = NULL;
    }
}

int
digest_parse(const char *s, char algo[8])
{
    size_t want, i;
    const char *h;

    if (strncmp(s, "sha256:", 7) == 0) {
        want = 64;
        h = s + 7;
        memcpy(algo, "sha256", 7);
    } else if (strncmp(s, "sha512:", 7) == 0) {
        want = 128;
        h = s + 7;
        memcpy(algo, "sha512", 7);
    } else {
        return MOAT_EUNSUP;
    }
    for (i = 0; i < want; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return MOAT_EINVAL;
    return h[want] == '\0' ? 0 : MOAT_EINVAL;
}

void
digest_sha256(const void *p, size_t n, char out[DIGEST_MAX])
{
    struct digest d;

    if (digest_init(&d, "sha256")) {
        out[0] = '\0';
        return;
    }
    digest_update(&d, p, n);
    digest_final(&d, out);
}

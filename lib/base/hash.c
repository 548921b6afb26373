/*
 * hash.c - SipHash-c-d and the process's table key (see hash.h).
 */
#include "hash.h"
#include "str.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                               \
    do {                                                                       \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);              \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                 \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                 \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);              \
    } while (0)

static uint64_t
load64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static uint64_t
sip(uint64_t k0, uint64_t k1, const void *data, size_t n, int c, int d)
{
    const unsigned char *p = data, *end = p + (n & ~(size_t)7);
    /* "somepseudorandomlygeneratedbytes" */
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    uint64_t m;
    int i;

    for (; p != end; p += 8) {
        m = load64(p);
        v3 ^= m;
        for (i = 0; i < c; i++)
            SIPROUND;
        v0 ^= m;
    }
    /* the last 0-7 bytes, the length's low byte on top */
    m = (uint64_t)n << 56;
    switch (n & 7) {
    case 7: m |= (uint64_t)p[6] << 48; /* fall through */
    case 6: m |= (uint64_t)p[5] << 40; /* fall through */
    case 5: m |= (uint64_t)p[4] << 32; /* fall through */
    case 4: m |= (uint64_t)p[3] << 24; /* fall through */
    case 3: m |= (uint64_t)p[2] << 16; /* fall through */
    case 2: m |= (uint64_t)p[1] << 8;  /* fall through */
    case 1: m |= (uint64_t)p[0];       /* fall through */
    default: break;
    }
    v3 ^= m;
    for (i = 0; i < c; i++)
        SIPROUND;
    v0 ^= m;
    v2 ^= 0xff;
    for (i = 0; i < d; i++)
        SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
hash_sip13(uint64_t k0, uint64_t k1, const void *p, size_t n)
{
    return sip(k0, k1, p, n, 1, 3);
}

uint64_t
hash_sip24(uint64_t k0, uint64_t k1, const void *p, size_t n)
{
    return sip(k0, k1, p, n, 2, 4);
}

static uint64_t key[2];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void
key_init(void)
{
    const char *seed = getenv("MOAT_HASH_SEED");
    uint64_t v;
    struct timespec ts;

    if (seed && str_to_u64(seed, strlen(seed), &v) == 0) {
        key[0] = v;
        key[1] = ~v;
        return;
    }
    if (getrandom(key, sizeof(key), 0) == (ssize_t)sizeof(key))
        return;
    /* no entropy source (a very old kernel or a seccomp filter): still
     * nothing an image author can predict ahead of the scan */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    key[0] = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 16;
    key[1] = (uint64_t)(uintptr_t)&ts ^ (uint64_t)(uintptr_t)key_init;
}

uint64_t
hash_keyed(const void *p, size_t n)
{
    pthread_once(&key_once, key_init);
    return hash_sip13(key[0], key[1], p, n);
}

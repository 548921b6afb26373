/*
 * b64.h - base64 decoding (RFC 4648), one function for every reader in
 * moat: registry tokens, signatures and keys, apk checksums, SSH keys in
 * authorized_keys, and secrets that hide in base64.
 */
#ifndef MOAT_BASE_B64_H
#define MOAT_BASE_B64_H

#include <stddef.h>

enum {
    B64_URL = 1,          /* the URL alphabet ('-', '_') instead of '+', '/' */
    B64_BOTH = 2,         /* either alphabet */
    B64_PAD_REQUIRED = 4, /* the input must be whole quanta, padded with '=' */
    B64_LOOSE_PAD = 8,    /* drop every '=' at the end and check no quanta */
    B64_PREFIX = 16,      /* decode up to the first byte outside the alphabet
                             (or '='); never fails, stops filling at outlen */
};

/* Decodes in[0..n) into out (outlen bytes of room). Without B64_LOOSE_PAD,
 * at most two '=' may end the input and only to complete its last quantum,
 * and a lone sixth bit group is an error. Returns the decoded length, or -1
 * (a byte outside the alphabet, bad padding, or no room). */
long b64_decode(const char *in, size_t n, unsigned flags, unsigned char *out, size_t outlen);

#endif

/*
 * b64.c - base64 decoding (see b64.h).
 */
#include "b64.h"

static int
value(unsigned char c, unsigned flags)
{
    int std = !(flags & B64_URL) || (flags & B64_BOTH);
    int url = (flags & (B64_URL | B64_BOTH)) != 0;

    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if ((std && c == '+') || (url && c == '-'))
        return 62;
    if ((std && c == '/') || (url && c == '_'))
        return 63;
    return -1;
}

long
b64_decode(const char *in, size_t n, unsigned flags, unsigned char *out, size_t outlen)
{
    unsigned long acc = 0;
    size_t i, o = 0, pad = 0;
    int bits = 0;

    if (!(flags & B64_PREFIX)) {
        while (n > 0 && in[n - 1] == '=' && ((flags & B64_LOOSE_PAD) || pad < 2)) {
            n--;
            pad++;
        }
        if (!(flags & B64_LOOSE_PAD)) {
            if (n % 4 == 1)
                return -1; /* a lone 6 bits cannot end a quantum */
            if ((pad || (flags & B64_PAD_REQUIRED)) && (n + pad) % 4 != 0)
                return -1;
        }
    }
    for (i = 0; i < n; i++) {
        int v = value((unsigned char)in[i], flags);
        if (v < 0) {
            if (flags & B64_PREFIX)
                break;
            return -1;
        }
        acc = (acc << 6) | (unsigned long)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o < outlen)
                out[o++] = (unsigned char)(acc >> bits);
            else if (!(flags & B64_PREFIX))
                return -1;
            acc &= (1ul << bits) - 1;
        }
    }
    return (long)o;
}

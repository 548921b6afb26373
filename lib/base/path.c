/*
 * path.c - cleaning and joining image paths. The clean step is the gate
 * through which every tar entry name passes, so it is strict: a name that
 * would escape the root is an error, never silently clamped.
 */
#include "path.h"
#include "err.h"
#include "limits.h"

#include <string.h>

/* Core of both functions: appends the components of [s, s+n) to out (which
 * already holds olen bytes). clamp: '..' at root is dropped instead of an
 * error. */
static int
append(char *out, size_t outlen, size_t *olen, const char *s, size_t n, int clamp,
       unsigned *flags)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i, clen;
        while (j < n && s[j] != '/')
            j++;
        clen = j - i;
        if (clen == 0 || (clen == 1 && s[i] == '.')) {
            /* empty or "." component */
        } else if (clen == 2 && s[i] == '.' && s[i + 1] == '.') {
            if (*olen == 0) {
                if (!clamp)
                    return MOAT_EINVAL;
            } else {
                size_t k = *olen;
                while (k > 0 && out[k - 1] != '/')
                    k--;
                *olen = k ? k - 1 : 0;
                if (flags)
                    *flags |= PATH_DOTDOT;
            }
        } else {
            if (clen > MOAT_LIMIT_NAME)
                return MOAT_ETOOBIG;
            if (*olen + (*olen ? 1 : 0) + clen + 1 > outlen || *olen + clen + 1 > MOAT_LIMIT_PATH)
                return MOAT_ETOOBIG;
            if (*olen)
                out[(*olen)++] = '/';
            memcpy(out + *olen, s + i, clen);
            *olen += clen;
        }
        i = j + 1;
    }
    out[*olen] = '\0';
    return 0;
}

int
path_clean(const char *in, size_t inlen, char *out, size_t outlen, unsigned *flags)
{
    size_t olen = 0;

    if (outlen == 0)
        return MOAT_ETOOBIG;
    out[0] = '\0';
    if (inlen == 0 || memchr(in, '\0', inlen))
        return MOAT_EINVAL;
    if (inlen > MOAT_LIMIT_PATH)
        return MOAT_ETOOBIG;
    if (in[0] == '/' && flags) {
        /* "/" alone or "./" are the root, not an absolute name */
        size_t k = 0;
        while (k < inlen && in[k] == '/')
            k++;
        if (k < inlen)
            *flags |= PATH_ABSOLUTE;
    }
    return append(out, outlen, &olen, in, inlen, 0, flags);
}

int
path_join_clamped(const char *dir, const char *rel, char *out, size_t outlen)
{
    size_t olen = 0;
    int rc;

    if (outlen == 0)
        return MOAT_ETOOBIG;
    out[0] = '\0';
    if (rel[0] != '/') {
        rc = append(out, outlen, &olen, dir, strlen(dir), 1, NULL);
        if (rc)
            return rc;
    }
    return append(out, outlen, &olen, rel, strlen(rel), 1, NULL);
}

size_t
path_dirlen(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? (size_t)(s - p) : 0;
}

const char *
path_base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

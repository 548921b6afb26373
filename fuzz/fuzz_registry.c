/*
 * fuzz_registry.c - everything the registry transport parses from a server
 * or a user file before any digest can vouch for it: docker:// references,
 * response header lines, WWW-Authenticate challenges, token answers, docker
 * config credentials and base64. Each input goes to every parser; the
 * config lookup runs for a plain host, a Docker Hub alias and a host taken
 * from the input itself so that key matching is reached too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "base/b64.h"
#include "image/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
config_lookup(const char *s, size_t n, const char *host)
{
    char *user = NULL, *pass = NULL, note[256], err[256];

    if (registry_config_credentials(s, n, host, &user, &pass, note, sizeof(note), err,
                                    sizeof(err)) == 0) {
        /* found credentials must be usable in a header */
        if (!user || !pass || strpbrk(user, "\r\n") || strpbrk(pass, "\r\n"))
            abort();
    }
    free(user);
    free(pass);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reg_ref ref;
    struct reg_challenge ch;
    struct reg_head head;
    char err[256], *s, *tok = NULL, host[64];
    unsigned char *dec;
    const char *p, *end, *nl;
    long dn;
    size_t i;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    s = malloc(size + 1);
    dec = malloc(size + 1);
    if (!s || !dec) {
        free(s);
        free(dec);
        return 0;
    }
    memcpy(s, data, size);
    s[size] = '\0';

    registry_parse_ref(s, &ref, err, sizeof(err));
    registry_parse_challenge(s, size, &ch);
    if (registry_parse_token(s, size, &tok, err, sizeof(err)) == 0) {
        for (i = 0; tok[i]; i++)
            if ((unsigned char)tok[i] <= 0x20 || (unsigned char)tok[i] > 0x7e)
                abort(); /* would break the Authorization header */
    }
    free(tok);

    /* header lines, as curl hands them over: one per '\n' */
    registry_head_reset(&head);
    for (p = s, end = s + size; p < end; p = nl) {
        nl = memchr(p, '\n', (size_t)(end - p));
        nl = nl ? nl + 1 : end;
        registry_header_line(&head, p, (size_t)(nl - p));
        if (head.challenge[0])
            registry_parse_challenge(head.challenge, strlen(head.challenge), &ch);
    }

    config_lookup(s, size, "127.0.0.1:5000");
    config_lookup(s, size, "docker.io");
    /* a host from the input: its first line, cut to fit */
    nl = memchr(s, '\n', size);
    i = nl ? (size_t)(nl - s) : size;
    if (i >= sizeof(host))
        i = sizeof(host) - 1;
    memcpy(host, s, i);
    host[i] = '\0';
    config_lookup(s, size, host);

    dn = b64_decode(s, size, 0, dec, size + 1);
    if (dn > (long)size)
        abort();
    free(dec);
    free(s);
    return 0;
}

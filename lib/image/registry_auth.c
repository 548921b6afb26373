/*
 * registry_auth.c - the text the registry transport has to understand
 * before and around its HTTP requests: docker:// references, WWW-Authenticate
 * challenges, token-server answers and the credentials of the docker config
 * file. None of it does I/O except registry_load_credentials(), which reads
 * one small file; the HTTP client is registry.c.
 *
 * Everything here parses input that a remote server or a user-edited file
 * controls, so each value has a fixed maximum size and is checked for the
 * characters that could break a request header (CR, LF, spaces in tokens)
 * before it is handed on.
 */
#include "registry.h"
#include "image.h"
#include "base/b64.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/str.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define HUB_HOST "docker.io"
#define HUB_API_HOST "registry-1.docker.io"

/* ---- references ---- */

static int
is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Host as docker reads it: letters, digits, '.', '-', then an optional
 * ":port". IPv6 literals are not supported. */
static int
valid_host(const char *h, size_t n, char *err, size_t errlen)
{
    size_t i, colon = n;

    if (n == 0 || n >= sizeof(((struct reg_ref *)0)->host)) {
        snprintf(err, errlen, "registry host is empty or longer than 255 bytes");
        return MOAT_EINVAL;
    }
    if (h[0] == '[') {
        snprintf(err, errlen, "IPv6 registry addresses are not supported");
        return MOAT_EINVAL;
    }
    for (i = 0; i < n; i++) {
        char c = h[i];
        if (c == ':') {
            colon = i;
            break;
        }
        if (!isalnum((unsigned char)c) && c != '.' && c != '-') {
            snprintf(err, errlen, "registry host %.*s has a character that is not allowed", (int)n,
                     h);
            return MOAT_EINVAL;
        }
    }
    if (colon == 0) {
        snprintf(err, errlen, "registry host is empty");
        return MOAT_EINVAL;
    }
    if (colon < n) {
        uint64_t port;
        if (str_to_u64(h + colon + 1, n - colon - 1, &port) != 0 || port == 0 || port > 65535) {
            snprintf(err, errlen, "registry port in %.*s is not a number from 1 to 65535", (int)n,
                     h);
            return MOAT_EINVAL;
        }
    }
    return 0;
}

/* Repository path components: lower-case letters and digits, separated
 * inside a component by '.', '_' or '-' (distribution's reference grammar,
 * slightly more lenient about runs of separators). */
static int
valid_repo(const char *r, size_t n, char *err, size_t errlen)
{
    size_t i, start = 0;

    if (n == 0) {
        snprintf(err, errlen, "no repository named (docker://HOST/REPO[:TAG])");
        return MOAT_EINVAL;
    }
    if (n >= sizeof(((struct reg_ref *)0)->repo)) {
        snprintf(err, errlen, "repository name longer than 255 bytes");
        return MOAT_EINVAL;
    }
    for (i = 0; i <= n; i++) {
        char c = i < n ? r[i] : '/';
        if (c == '/') {
            if (i == start || !is_lower_alnum(r[start]) || !is_lower_alnum(r[i - 1])) {
                snprintf(err, errlen,
                         "repository %.*s: each path component must start and "
                         "end with a lower-case letter or digit",
                         (int)n, r);
                return MOAT_EINVAL;
            }
            start = i + 1;
            continue;
        }
        if (c >= 'A' && c <= 'Z') {
            snprintf(err, errlen, "repository %.*s: names must be lower-case", (int)n, r);
            return MOAT_EINVAL;
        }
        if (!is_lower_alnum(c) && c != '.' && c != '_' && c != '-') {
            snprintf(err, errlen, "repository %.*s has a character that is not allowed", (int)n, r);
            return MOAT_EINVAL;
        }
    }
    return 0;
}

static int
valid_tag(const char *t, size_t n, char *err, size_t errlen)
{
    size_t i;

    if (n == 0 || n > 128) {
        snprintf(err, errlen, "tag must be 1 to 128 characters");
        return MOAT_EINVAL;
    }
    for (i = 0; i < n; i++) {
        char c = t[i];
        if (!isalnum((unsigned char)c) && c != '_' && (i == 0 || (c != '.' && c != '-'))) {
            snprintf(err, errlen,
                     "tag %.*s: only letters, digits, '_', '.' and '-' are "
                     "allowed (not first)",
                     (int)n, t);
            return MOAT_EINVAL;
        }
    }
    return 0;
}

int
registry_parse_ref(const char *s, struct reg_ref *r, char *err, size_t errlen)
{
    const char *at, *slash, *name_end, *repo, *colon;
    size_t hn, rn;
    int rc;

    memset(r, 0, sizeof(*r));
    at = strchr(s, '@');
    name_end = at ? at : s + strlen(s);
    if (at) {
        char algo[8];
        if (strlen(at + 1) >= sizeof(r->digest) || digest_parse(at + 1, algo) != 0) {
            snprintf(err, errlen, "%s: the part after '@' is not a sha256:/sha512: digest", s);
            return MOAT_EINVAL;
        }
        memcpy(r->digest, at + 1, strlen(at + 1) + 1);
    }
    /* the first component is a host only if it looks like one */
    slash = memchr(s, '/', (size_t)(name_end - s));
    if (slash && (memchr(s, '.', (size_t)(slash - s)) || memchr(s, ':', (size_t)(slash - s)) ||
                  (slash - s == 9 && memcmp(s, "localhost", 9) == 0))) {
        hn = (size_t)(slash - s);
        rc = valid_host(s, hn, err, errlen);
        if (rc)
            return rc;
        memcpy(r->host, s, hn);
        r->host[hn] = '\0';
        repo = slash + 1;
    } else {
        snprintf(r->host, sizeof(r->host), "%s", HUB_HOST);
        repo = s;
    }
    /* a ':' after the last '/' starts the tag */
    colon = NULL;
    {
        const char *p;
        for (p = name_end; p > repo; p--) {
            if (p[-1] == '/')
                break;
            if (p[-1] == ':') {
                colon = p - 1;
                break;
            }
        }
    }
    rn = (size_t)((colon ? colon : name_end) - repo);
    if (colon) {
        rc = valid_tag(colon + 1, (size_t)(name_end - colon - 1), err, errlen);
        if (rc)
            return rc;
        memcpy(r->tag, colon + 1, (size_t)(name_end - colon - 1));
    } else if (!at) {
        snprintf(r->tag, sizeof(r->tag), "latest");
    }
    if (str_eq_nocase(r->host, HUB_HOST) || str_eq_nocase(r->host, "index.docker.io") ||
        str_eq_nocase(r->host, HUB_API_HOST)) {
        snprintf(r->host, sizeof(r->host), "%s", HUB_HOST);
        snprintf(r->api_host, sizeof(r->api_host), "%s", HUB_API_HOST);
        if (rn && !memchr(repo, '/', rn)) {
            rc = valid_repo(repo, rn, err, errlen);
            if (rc)
                return rc;
            if (rn + 8 >= sizeof(r->repo)) {
                snprintf(err, errlen, "repository name longer than 255 bytes");
                return MOAT_EINVAL;
            }
            snprintf(r->repo, sizeof(r->repo), "library/%.*s", (int)rn, repo);
            return 0;
        }
    } else {
        snprintf(r->api_host, sizeof(r->api_host), "%s", r->host);
    }
    rc = valid_repo(repo, rn, err, errlen);
    if (rc)
        return rc;
    memcpy(r->repo, repo, rn);
    r->repo[rn] = '\0';
    return 0;
}

/* ---- WWW-Authenticate ---- */

static int
is_tchar(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void
skip_ows(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
}

/* Reads a token or quoted-string value into out; -1 if malformed or too
 * long for out. */
static int
read_value(const char **pp, const char *end, char *out, size_t outlen)
{
    const char *p = *pp;
    size_t k = 0;

    if (p < end && *p == '"') {
        p++;
        for (;;) {
            char c;
            if (p >= end)
                return -1; /* unterminated */
            c = *p++;
            if (c == '"')
                break;
            if (c == '\\') {
                if (p >= end)
                    return -1;
                c = *p++;
            }
            if ((unsigned char)c < 0x20 || c == 0x7f)
                return -1;
            if (k + 1 >= outlen)
                return -1;
            out[k++] = c;
        }
    } else {
        /* token68 values may end in '=' padding */
        while (p < end && (is_tchar(*p) || *p == '/' || *p == '=' || *p == ':')) {
            if (k + 1 >= outlen)
                return -1;
            out[k++] = *p++;
        }
        if (k == 0)
            return -1;
    }
    out[k] = '\0';
    *pp = p;
    return 0;
}

/* Copies a parameter value; -1 (and nothing copied) if it does not fit. */
static int
set_param(char *dst, size_t dstlen, const char *v, size_t vl)
{
    if (vl >= dstlen)
        return -1;
    memcpy(dst, v, vl + 1);
    return 0;
}

int
registry_parse_challenge(const char *v, size_t n, struct reg_challenge *c)
{
    const char *p = v, *end = v + n, *s;
    size_t k, vl;
    int rc = 0;

    memset(c, 0, sizeof(*c));
    skip_ows(&p, end);
    s = p;
    while (p < end && is_tchar(*p))
        p++;
    k = (size_t)(p - s);
    if (k == 0 || k >= sizeof(c->scheme))
        return MOAT_EINVAL;
    memcpy(c->scheme, s, k);
    c->scheme[k] = '\0';
    str_lower(c->scheme);
    for (;;) {
        char name[32], value[1024];
        const char *ns;
        size_t nl;

        skip_ows(&p, end);
        while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
            p++;
        if (p >= end)
            break;
        ns = p;
        while (p < end && is_tchar(*p))
            p++;
        nl = (size_t)(p - ns);
        skip_ows(&p, end);
        if (nl == 0 || p >= end || *p != '=') {
            /* a second challenge (or garbage) starts: the first is done */
            if (nl > 0)
                break;
            return MOAT_EINVAL;
        }
        p++;
        skip_ows(&p, end);
        if (read_value(&p, end, value, sizeof(value)) != 0)
            return MOAT_EINVAL;
        if (nl >= sizeof(name))
            continue; /* unknown long parameter name: skip */
        memcpy(name, ns, nl);
        name[nl] = '\0';
        str_lower(name);
        vl = strlen(value);
        if (strcmp(name, "realm") == 0)
            rc = set_param(c->realm, sizeof(c->realm), value, vl);
        else if (strcmp(name, "service") == 0)
            rc = set_param(c->service, sizeof(c->service), value, vl);
        else if (strcmp(name, "scope") == 0)
            rc = set_param(c->scope, sizeof(c->scope), value, vl);
        else if (strcmp(name, "error") == 0)
            set_param(c->error, sizeof(c->error), value, vl); /* only for messages */
        if (rc)
            return MOAT_EINVAL; /* too long to use, and too important to drop */
    }
    return 0;
}

/* ---- response header lines ---- */

void
registry_head_reset(struct reg_head *h)
{
    h->status = 0;
    h->headers_done = 0;
    h->clen = -1;
    h->ctype[0] = h->dcd[0] = h->challenge[0] = '\0';
}

int
registry_header_line(struct reg_head *h, const char *p, size_t n)
{
    const char *colon, *v;
    size_t len = n, nl;

    while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        const char *sp = memchr(p, ' ', len);
        uint64_t code = 0;
        registry_head_reset(h);
        if (sp && (size_t)(p + len - sp) >= 4 && str_to_u64(sp + 1, 3, &code) == 0)
            h->status = (long)code;
        return 1;
    }
    if (len == 0) {
        if (h->status >= 200)
            h->headers_done = 1;
        return 0;
    }
    colon = memchr(p, ':', len);
    if (!colon)
        return 0;
    nl = (size_t)(colon - p);
    v = colon + 1;
    len = (size_t)(p + len - v);
    str_trim(&v, &len);
    if (nl == 12 && strncasecmp(p, "content-type", 12) == 0) {
        const char *semi = memchr(v, ';', len);
        size_t k = semi ? (size_t)(semi - v) : len;
        while (k && (v[k - 1] == ' ' || v[k - 1] == '\t'))
            k--;
        if (k < sizeof(h->ctype)) {
            memcpy(h->ctype, v, k);
            h->ctype[k] = '\0';
        }
    } else if (nl == 14 && strncasecmp(p, "content-length", 14) == 0) {
        uint64_t cl;
        if (str_to_u64(v, len, &cl) == 0 && cl <= INT64_MAX)
            h->clen = (int64_t)cl;
    } else if (nl == 21 && strncasecmp(p, "docker-content-digest", 21) == 0) {
        if (len < sizeof(h->dcd)) {
            memcpy(h->dcd, v, len);
            h->dcd[len] = '\0';
        } else {
            snprintf(h->dcd, sizeof(h->dcd), "?"); /* fails validation later */
        }
    } else if (nl == 16 && strncasecmp(p, "www-authenticate", 16) == 0) {
        int bearer = len >= 6 && strncasecmp(v, "bearer", 6) == 0;
        int have_bearer = strncasecmp(h->challenge, "bearer", 6) == 0;
        if (len < sizeof(h->challenge) && (!h->challenge[0] || (bearer && !have_bearer))) {
            memcpy(h->challenge, v, len);
            h->challenge[len] = '\0';
        }
    }
    return 0;
}

/* ---- token server answers ---- */

int
registry_parse_token(const char *body, size_t n, char **token, char *err, size_t errlen)
{
    json_t *j, *t;
    const char *s = NULL;
    size_t i, len;
    int rc = MOAT_EINVAL;

    *token = NULL;
    j = json_parse_limited("token server answer", body, n, err, errlen);
    if (!j)
        return MOAT_EINVAL;
    if (!json_is_object(j)) {
        snprintf(err, errlen, "token server answer is not a JSON object");
        goto out;
    }
    t = json_object_get(j, "token");
    if (json_is_string(t) && json_string_length(t) > 0)
        s = json_string_value(t);
    if (!s) {
        t = json_object_get(j, "access_token");
        if (json_is_string(t) && json_string_length(t) > 0)
            s = json_string_value(t);
    }
    if (!s) {
        snprintf(err, errlen, "token server answer has no \"token\" or \"access_token\"");
        goto out;
    }
    len = json_string_length(t);
    if (len > MOAT_LIMIT_HTTP_TOKEN) {
        snprintf(err, errlen, "token server sent a %zu-byte token, more than the limit of %u", len,
                 (unsigned)MOAT_LIMIT_HTTP_TOKEN);
        rc = MOAT_ETOOBIG;
        goto out;
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
            snprintf(err, errlen,
                     "token server sent a token with a character that cannot go "
                     "into a request header");
            goto out;
        }
    }
    *token = strndup(s, len);
    rc = *token ? 0 : MOAT_ENOMEM;
out:
    json_decref(j);
    return rc;
}

/* ---- base64 ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
registry_base64_encode(const void *in, size_t n, char *out)
{
    const unsigned char *p = in;
    size_t i, k = 0;

    for (i = 0; i + 2 < n; i += 3) {
        out[k++] = b64[p[i] >> 2];
        out[k++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
        out[k++] = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
        out[k++] = b64[p[i + 2] & 63];
    }
    if (i < n) {
        out[k++] = b64[p[i] >> 2];
        if (i + 1 < n) {
            out[k++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
            out[k++] = b64[(p[i + 1] & 15) << 2];
        } else {
            out[k++] = b64[(p[i] & 3) << 4];
            out[k++] = '=';
        }
        out[k++] = '=';
    }
    out[k] = '\0';
    return k;
}

/* ---- docker config file ---- */

/* The host part of an auths key: "https://index.docker.io/v1/" ->
 * "index.docker.io". */
static void
key_host(const char *key, char *out, size_t outlen)
{
    const char *p = key, *slash;

    if (strncmp(p, "https://", 8) == 0)
        p += 8;
    else if (strncmp(p, "http://", 7) == 0)
        p += 7;
    slash = strchr(p, '/');
    snprintf(out, outlen, "%.*s", (int)(slash ? (size_t)(slash - p) : strlen(p)), p);
}

static int
is_hub(const char *h)
{
    return str_eq_nocase(h, HUB_HOST) || str_eq_nocase(h, "index.docker.io") ||
           str_eq_nocase(h, HUB_API_HOST);
}

static int
host_matches(const char *key, const char *host)
{
    char kh[256];

    key_host(key, kh, sizeof(kh));
    if (str_eq_nocase(kh, host))
        return 1;
    return is_hub(kh) && is_hub(host);
}

/* Decodes an "auth" value into user and password. */
static int
split_auth(const char *a, size_t n, const char *key, char **user, char **pass, char *err,
           size_t errlen)
{
    unsigned char dec[1024];
    const unsigned char *colon;
    long dn;
    size_t i;

    dn = n < 1300 ? b64_decode(a, n, 0, dec, sizeof(dec) - 1) : -1;
    colon = dn > 0 ? memchr(dec, ':', (size_t)dn) : NULL;
    if (!colon || colon == dec) {
        snprintf(err, errlen,
                 "docker config: auths entry %s: \"auth\" is not base64 of "
                 "user:password",
                 key);
        return MOAT_EINVAL;
    }
    for (i = 0; i < (size_t)dn; i++) {
        if (dec[i] == '\0' || dec[i] == '\r' || dec[i] == '\n') {
            snprintf(err, errlen,
                     "docker config: auths entry %s: credentials contain a "
                     "control character",
                     key);
            return MOAT_EINVAL;
        }
    }
    *user = strndup((const char *)dec, (size_t)(colon - dec));
    *pass = strndup((const char *)colon + 1, (size_t)(dec + dn - colon - 1));
    memset(dec, 0, sizeof(dec));
    if (!*user || !*pass) {
        free(*user);
        free(*pass);
        *user = *pass = NULL;
        return MOAT_ENOMEM;
    }
    return 0;
}

int
registry_config_credentials(const char *text, size_t n, const char *host, char **user, char **pass,
                            char *note, size_t notelen, char *err, size_t errlen)
{
    json_t *j, *auths, *helpers, *entry;
    const char *key, *store;
    int rc = MOAT_ENOENT;

    *user = *pass = NULL;
    note[0] = '\0';
    j = json_parse_limited("docker config", text, n, err, errlen);
    if (!j)
        return MOAT_EINVAL;
    if (!json_is_object(j)) {
        snprintf(err, errlen, "docker config: not a JSON object");
        rc = MOAT_EINVAL;
        goto out;
    }
    auths = json_object_get(j, "auths");
    if (auths && !json_is_object(auths)) {
        snprintf(err, errlen, "docker config: \"auths\" is not an object");
        rc = MOAT_EINVAL;
        goto out;
    }
    json_object_foreach(auths, key, entry)
    {
        json_t *a, *u, *p;
        if (!host_matches(key, host))
            continue;
        if (!json_is_object(entry))
            continue;
        a = json_object_get(entry, "auth");
        u = json_object_get(entry, "username");
        p = json_object_get(entry, "password");
        if (json_is_string(a) && json_string_length(a) > 0) {
            rc = split_auth(json_string_value(a), json_string_length(a), key, user, pass, err,
                            errlen);
            goto out;
        }
        if (json_is_string(u) && json_is_string(p) && json_string_length(u) > 0) {
            if (strpbrk(json_string_value(u), "\r\n") || strpbrk(json_string_value(p), "\r\n") ||
                strlen(json_string_value(u)) != json_string_length(u) ||
                strlen(json_string_value(p)) != json_string_length(p)) {
                snprintf(err, errlen,
                         "docker config: auths entry %s: credentials contain a "
                         "control character",
                         key);
                rc = MOAT_EINVAL;
                goto out;
            }
            *user = strdup(json_string_value(u));
            *pass = strdup(json_string_value(p));
            rc = *user && *pass ? 0 : MOAT_ENOMEM;
            if (rc) {
                free(*user);
                free(*pass);
                *user = *pass = NULL;
            }
            goto out;
        }
        if (json_is_string(json_object_get(entry, "identitytoken")))
            snprintf(note, notelen,
                     "the docker config holds an identity token for %s, which "
                     "moat does not support",
                     key);
    }
    helpers = json_object_get(j, "credHelpers");
    if (json_is_object(helpers)) {
        json_object_foreach(helpers, key, entry)
        {
            if (host_matches(key, host) && json_is_string(entry)) {
                snprintf(note, notelen,
                         "the docker config names credential helper "
                         "docker-credential-%.64s for %s, which moat does not "
                         "run",
                         json_string_value(entry), host);
                goto out;
            }
        }
    }
    store = json_string_value(json_object_get(j, "credsStore"));
    if (store && !note[0])
        snprintf(note, notelen,
                 "the docker config uses credential store "
                 "docker-credential-%.64s, which moat does not run",
                 store);
out:
    json_decref(j);
    return rc;
}

int
registry_load_credentials(const char *path, const char *host, char **user, char **pass,
                          char **used_path, char *note, size_t notelen, char *err, size_t errlen)
{
    char file[MOAT_LIMIT_PATH + 32];
    const char *env;
    struct stat st;
    char *text = NULL;
    size_t n = 0;
    int rc;

    *user = *pass = NULL;
    if (used_path)
        *used_path = NULL;
    note[0] = '\0';
    if (path) {
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            snprintf(file, sizeof(file), "%s/config.json", path);
        else
            snprintf(file, sizeof(file), "%s", path);
    } else if ((env = getenv("DOCKER_CONFIG")) != NULL && env[0]) {
        snprintf(file, sizeof(file), "%s/config.json", env);
    } else if ((env = getenv("HOME")) != NULL && env[0]) {
        snprintf(file, sizeof(file), "%s/.docker/config.json", env);
    } else {
        snprintf(note, notelen, "no docker config file (HOME is not set)");
        return MOAT_ENOENT;
    }
    if (used_path) {
        *used_path = strdup(file);
        if (!*used_path)
            return MOAT_ENOMEM;
    }
    rc = file_read_at(AT_FDCWD, file, MOAT_LIMIT_JSON_DOC, &text, &n, err, errlen);
    if (rc == MOAT_ENOENT) {
        snprintf(note, notelen, "no docker config file at %s", file);
        return rc;
    }
    if (rc) {
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "docker config %s", tmp);
        return rc;
    }
    rc = registry_config_credentials(text, n, host, user, pass, note, notelen, err, errlen);
    if (rc == MOAT_EINVAL) {
        /* name the file: the user has to find and fix it */
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "%s (%s)", tmp, file);
    } else if (rc == MOAT_ENOENT && !note[0]) {
        snprintf(note, notelen, "no credentials for %s in %s", host, file);
    }
    memset(text, 0, n);
    free(text);
    return rc;
}

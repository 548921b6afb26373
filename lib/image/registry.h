/*
 * registry.h - the parts of the registry transport (docker://) that do not
 * touch the network: reading a reference, a WWW-Authenticate challenge, a
 * token-server answer and the docker config file's credentials. They live
 * apart from the HTTP client (registry.c) so that unit tests and the fuzz
 * harness can drive them with hostile strings directly; every one of them
 * parses text that a remote server or a user file controls.
 */
#ifndef MOAT_IMAGE_REGISTRY_H
#define MOAT_IMAGE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "base/digest.h"

/* A parsed docker://HOST/REPO[:TAG][@DIGEST]. */
struct reg_ref {
    char host[256];          /* as the user named it, port included ("docker.io") */
    char api_host[256];      /* where requests go ("registry-1.docker.io") */
    char repo[256];          /* "library/alpine" */
    char tag[129];           /* "" when only a digest was given */
    char digest[DIGEST_MAX]; /* "" when not pinned */
};

/* Parses s (without "docker://"). A first component without '.' or ':' that
 * is not "localhost" names a Docker Hub repository, as docker and skopeo
 * read it; Docker Hub repositories without '/' get "library/". The tag
 * defaults to "latest" when no digest is given. Returns 0, or MOAT_EINVAL
 * with one line in err. */
int registry_parse_ref(const char *s, struct reg_ref *r, char *err, size_t errlen);

/* One challenge of a WWW-Authenticate header. */
struct reg_challenge {
    char scheme[16]; /* "basic" or "bearer", lower-cased; "" none */
    char realm[1024];
    char service[256];
    char scope[512];
    char error[64]; /* error= parameter of a refused bearer token */
};

/* Parses the challenge of a WWW-Authenticate value (RFC 7235 auth-params,
 * quoted strings with backslash escapes). Unknown parameters are skipped;
 * over-long values are an error. Returns 0 or MOAT_EINVAL. */
int registry_parse_challenge(const char *v, size_t n, struct reg_challenge *c);

/* Picks the bearer token out of a token server's JSON answer ("token", or
 * OAuth2's "access_token"). The token must be printable ASCII without
 * spaces (it goes into a request header) and at most MOAT_LIMIT_HTTP_TOKEN
 * bytes. Returns 0 with *token malloc'd (OUT: caller frees), or MOAT_E*
 * with err filled. */
int registry_parse_token(const char *body, size_t n, char **token, char *err, size_t errlen);

/* Credentials for one registry host from a docker config.json document:
 * "auths" entries keyed by host (or by URL, "https://index.docker.io/v1/"
 * for Docker Hub) with "auth" = base64(user:password) or separate
 * "username"/"password". Returns 0 with *user and *pass malloc'd (OUT:
 * caller frees both) when found; MOAT_ENOENT when the file has nothing
 * usable for host, with note saying why when it is more than absence (a
 * credential helper or an identity token, which moat does not run);
 * MOAT_EINVAL with err filled for a malformed document or entry. */
int registry_config_credentials(const char *json, size_t n, const char *host, char **user,
                                char **pass, char *note, size_t notelen, char *err, size_t errlen);

/* Reads the docker config file (path, or when NULL $DOCKER_CONFIG/config.json
 * then ~/.docker/config.json; a directory means its config.json) and looks
 * host up in it. A file that does not exist is not an error (MOAT_ENOENT,
 * note names it). *used_path gets the file consulted (OUT: caller frees, may
 * be NULL). Other returns as registry_config_credentials. */
int registry_load_credentials(const char *path, const char *host, char **user, char **pass,
                              char **used_path, char *note, size_t notelen, char *err,
                              size_t errlen);

/* What the transport keeps of a response's header lines. */
struct reg_head {
    long status;          /* 0 until the status line */
    int headers_done;     /* the blank line after a final (>= 200) status */
    int64_t clen;         /* Content-Length, -1 unknown */
    char ctype[128];      /* Content-Type without parameters */
    char dcd[DIGEST_MAX]; /* Docker-Content-Digest ("?" if too long) */
    char challenge[2048]; /* WWW-Authenticate; a Bearer one if offered */
};

void registry_head_reset(struct reg_head *h);
/* Takes one header line as libcurl delivers it (CRLF included, not
 * NUL-terminated). A status line resets h and returns 1: a new response
 * starts (after 100 Continue); otherwise returns 0. Values too long for
 * their field are dropped. */
int registry_header_line(struct reg_head *h, const char *p, size_t n);

/* Standard base64 (RFC 4648 with padding): out must hold 4*ceil(n/3)+1
 * bytes; returns the length written. (Decoding: base/b64.h.) */
size_t registry_base64_encode(const void *in, size_t n, char *out);

/* ---- single documents (lib/trust/ reads signatures with these) ----
 * A registry transport that fetches what its caller names, with the same
 * authentication, TLS and redirect rules as an image scan. Every answer is
 * capped at MOAT_LIMIT_JSON_DOC bytes. */
struct moat_options;
struct registry;

/* Parses refstr (without "docker://") and prepares a transport; nothing is
 * sent yet. Returns 0 (OUT: *out, free with registry_client_free), or
 * MOAT_E* with err filled. */
int registry_client_open(const char *refstr, const struct moat_options *opt, struct registry **out,
                         char *err, size_t errlen);
const struct reg_ref *registry_client_ref(const struct registry *reg);
void registry_client_free(struct registry *reg); /* NULL-safe */

/* GET /v2/<repo>/manifests/<ref> (a tag or a digest), accepting OCI and
 * Docker manifests and indexes. The body is checked against want when
 * given, and against the Docker-Content-Digest header when the registry
 * sends one. OUT: *body (malloc'd, NUL-terminated, caller frees) of *n
 * bytes; digest (may be NULL) gets its digest; ctype (may be NULL) the
 * Content-Type. Returns 0, MOAT_ENOENT for 404, or another MOAT_E*. */
int registry_get_manifest(struct registry *reg, const char *ref, const char *want, char **body,
                          size_t *n, char digest[DIGEST_MAX], char *ctype, size_t ctlen, char *err,
                          size_t errlen);
/* GET /v2/<repo>/blobs/<digest>, verified against digest. As above. */
int registry_get_blob(struct registry *reg, const char *digest, char **body, size_t *n, char *err,
                      size_t errlen);
/* GET /v2/<repo>/referrers/<digest> (OCI distribution 1.1): an image index
 * listing the manifests whose subject is digest. MOAT_ENOENT for 404 (a
 * registry without the referrers API answers so). As above. */
int registry_get_referrers(struct registry *reg, const char *digest, char **body, size_t *n,
                           char *ctype, size_t ctlen, char *err, size_t errlen);

#endif

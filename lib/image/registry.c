/*
 * registry.c - the docker:// transport: an image read straight from a
 * registry over the OCI distribution API (GET /v2/<repo>/manifests/<ref>,
 * GET /v2/<repo>/blobs/<digest>) with libcurl.
 *
 * What it trusts and how:
 *   - The manifest is checked against the Docker-Content-Digest header when
 *     the registry sends one and against the digest in the reference for
 *     @DIGEST targets, both computed over the exact bytes received. A
 *     manifest chosen from an index is checked against the index's digest,
 *     the config against the manifest's, and the layers (stream.c) against
 *     the manifest and config. The registry is never believed on its word.
 *   - TLS is verified by default (with opt->ca_file added when given).
 *     Plain HTTP is used only with --insecure, and then as Docker does for
 *     its "insecure registries": https is tried first without verification,
 *     and http only when that fails at the transport level. There is no
 *     exception for localhost: without --insecure every request is https.
 *   - Redirects (blob downloads from a CDN or S3) are followed by hand, at
 *     most MOAT_LIMIT_HTTP_REDIRECTS, never to a non-https URL without
 *     --insecure, and the registry's Authorization header goes only to the
 *     registry's own origin (scheme, host and port), never to the place a
 *     redirect points to.
 *   - Authentication answers the registry's WWW-Authenticate challenge:
 *     Basic sends the credentials; Bearer fetches a token from the realm
 *     (scope repository:<repo>:pull, the credentials sent to the realm as
 *     Basic when there are any) and the token is then shared by every
 *     request, layer downloads on all worker threads included, and fetched
 *     again once if the registry stops accepting it. Credentials come from
 *     --username/--password-stdin, else from the docker config file;
 *     credential helpers are named in the error but not run.
 *   - Documents (manifests, configs, token answers) are capped at
 *     MOAT_LIMIT_JSON_DOC; layer blobs are streamed through a buffer of
 *     MOAT_LIMIT_HTTP_BLOB_BUFFER bytes per download (the transfer pauses
 *     while it is full) and cut off past the size the manifest declares.
 *
 * Threads: open_blob() may be called from several worker threads at once.
 * Each blob has its own curl handles; the only shared mutable state is the
 * authorization, behind reg->mu.
 */
#include "registry.h"
#include "source.h"
#include "base/buf.h"
#include "base/digest.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCEPT_MANIFESTS                                                                           \
    "Accept: application/vnd.oci.image.manifest.v1+json, "                                         \
    "application/vnd.oci.image.index.v1+json, "                                                    \
    "application/vnd.docker.distribution.manifest.v2+json, "                                       \
    "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"

/* Start of an error response kept for the message; the rest is dropped. */
#define ERRBODY_MAX 4096
/* Image indexes pointing at image indexes, as deep as oci.c allows. */
#define MAX_INDEX_DEPTH 4

enum auth_kind { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct registry {
    struct source base;
    struct reg_ref ref;
    char origin[300]; /* "https://host[:port]"; http after a fallback */
    char label[600];  /* "host/repo", for messages */
    int insecure;
    int scheme_fixed; /* origin decided: written before threads start */
    char *ca_file;
    char *opt_user, *opt_pass, *docker_config;

    pthread_mutex_t mu; /* guards everything below */
    int creds_loaded;
    char *user, *pass;   /* NULL: none found */
    char *cred_file;     /* docker config consulted, or NULL */
    char cred_note[320]; /* why there are no credentials */
    char *auth;          /* "Authorization: ..." header, or NULL */
    enum auth_kind kind;
    char realm[1024]; /* of the current bearer token */
    unsigned gen;     /* bumped whenever auth changes */
};

/* One HTTP exchange, reused across redirects and authentication retries. */
struct xfer {
    const struct registry *reg;
    CURLM *multi;
    CURL *easy;
    int in_multi;
    struct curl_slist *hdrs;
    char errbuf[CURL_ERROR_SIZE];
    /* the response being received */
    struct reg_head head;
    struct buf errbody;
    int cut; /* an error body was cut off on purpose */
    /* a 2xx body: collected (documents) or buffered for the reader (blobs) */
    int stream;
    struct buf doc;
    int doc_rc; /* why a document stopped growing */
    unsigned char *ring;
    size_t cap, len, pos;
    int paused;
    uint64_t received;
    int64_t expect; /* declared blob size, -1 unknown */
    int over_size;
    /* completion */
    int done;
    CURLcode result;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT; /* set once, then read-only */

/* curl_global_init() must run once per process before any handle exists;
 * this is the one global the transport needs. */
static void
curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int
is_2xx(long s)
{
    return s >= 200 && s < 300;
}

/* Replaces control characters so that a server's text fits on one line. */
static void
one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

/* ---- transfers ---- */

static void
xfer_reset_body(struct xfer *x)
{
    buf_reset(&x->errbody);
    x->cut = 0;
    buf_reset(&x->doc);
    x->doc_rc = 0;
    x->len = x->pos = 0;
    x->paused = 0;
    x->received = 0;
    x->over_size = 0;
    x->done = 0;
    x->result = CURLE_OK;
}

static void
xfer_reset_response(struct xfer *x)
{
    registry_head_reset(&x->head);
    xfer_reset_body(x);
}

static size_t
on_header(char *p, size_t size, size_t nitems, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nitems;

    if (registry_header_line(&x->head, p, n))
        xfer_reset_body(x); /* a new response starts (after a 100 Continue, say) */
    return n;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;

    if (!is_2xx(x->head.status)) {
        size_t room = ERRBODY_MAX - x->errbody.len;
        if (n > room) {
            buf_add(&x->errbody, p, room);
            x->cut = 1;
            return 0; /* enough for a message: stop the transfer */
        }
        if (buf_add(&x->errbody, p, n) != 0) {
            x->cut = 1;
            return 0;
        }
        return n;
    }
    if (!x->stream) {
        x->doc_rc = buf_add(&x->doc, p, n);
        return x->doc_rc ? 0 : n;
    }
    if (x->expect >= 0 && x->received + n > (uint64_t)x->expect) {
        x->over_size = 1;
        return 0;
    }
    if (x->cap - x->len < n && x->pos > 0) {
        memmove(x->ring, x->ring + x->pos, x->len - x->pos);
        x->len -= x->pos;
        x->pos = 0;
    }
    if (x->cap - x->len < n) {
        unsigned char *nr;
        if (x->len > 0) {
            x->paused = 1;
            return CURL_WRITEFUNC_PAUSE; /* delivered again after the reader drained */
        }
        /* a chunk larger than the whole buffer: libcurl hands out at most
         * CURL_MAX_WRITE_SIZE, so this is defensive and still bounded */
        if (n > 4 * (size_t)MOAT_LIMIT_HTTP_BLOB_BUFFER)
            return 0;
        nr = realloc(x->ring, n);
        if (!nr)
            return 0;
        x->ring = nr;
        x->cap = n;
    }
    memcpy(x->ring + x->len, p, n);
    x->len += n;
    x->received += n;
    return n;
}

static int
xfer_init(struct xfer *x, const struct registry *reg, int stream)
{
    memset(x, 0, sizeof(*x));
    x->reg = reg;
    x->stream = stream;
    x->expect = -1;
    buf_init(&x->errbody, ERRBODY_MAX);
    buf_init(&x->doc, MOAT_LIMIT_JSON_DOC);
    x->multi = curl_multi_init();
    x->easy = curl_easy_init();
    if (stream) {
        x->cap = MOAT_LIMIT_HTTP_BLOB_BUFFER;
        x->ring = malloc(x->cap);
    }
    if (!x->multi || !x->easy || (stream && !x->ring))
        return MOAT_ENOMEM;
    return 0;
}

static void
xfer_free(struct xfer *x)
{
    if (x->in_multi)
        curl_multi_remove_handle(x->multi, x->easy);
    if (x->easy)
        curl_easy_cleanup(x->easy);
    if (x->multi)
        curl_multi_cleanup(x->multi);
    curl_slist_free_all(x->hdrs);
    buf_free(&x->errbody);
    buf_free(&x->doc);
    free(x->ring);
    memset(x, 0, sizeof(*x));
}

/* Appends a header line; 0 or MOAT_ENOMEM. */
static int
add_header(struct xfer *x, const char *h)
{
    struct curl_slist *n = curl_slist_append(x->hdrs, h);

    if (!n)
        return MOAT_ENOMEM;
    x->hdrs = n;
    return 0;
}

/* Sets up one GET of url and adds it to the multi handle. */
static int
xfer_begin(struct xfer *x, const char *url, const char *accept, const char *auth)
{
    const struct registry *reg = x->reg;
    CURL *e = x->easy;
    int rc;

    if (x->in_multi) {
        curl_multi_remove_handle(x->multi, e);
        x->in_multi = 0;
    }
    xfer_reset_response(x);
    x->errbuf[0] = '\0';
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
    if (accept) {
        rc = add_header(x, accept);
        if (rc)
            return rc;
    }
    if (auth) {
        rc = add_header(x, auth);
        if (rc)
            return rc;
    }
    curl_easy_reset(e);
    if (curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK)
        return MOAT_EINVAL;
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L); /* worker threads */
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, reg->insecure ? "http,https" : "https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* followed by hand */
    /* a proxy's "200 Connection established" is not the registry's answer */
    curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)MOAT_LIMIT_HTTP_CONNECT_SECONDS);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)MOAT_LIMIT_HTTP_STALL_SECONDS);
    if (!x->stream)
        curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)MOAT_LIMIT_HTTP_DOC_SECONDS);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, reg->insecure ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, reg->insecure ? 0L : 2L);
    if (reg->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, reg->ca_file);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "moat/" MOAT_VERSION);
    if (curl_multi_add_handle(x->multi, e) != CURLM_OK)
        return MOAT_ENOMEM;
    x->in_multi = 1;
    return 0;
}

enum until { UNTIL_HEADERS, UNTIL_DATA, UNTIL_DONE };

static int
reached(const struct xfer *x, enum until u)
{
    if (x->done)
        return 1;
    if (u == UNTIL_HEADERS)
        return x->head.headers_done && is_2xx(x->head.status);
    if (u == UNTIL_DATA)
        return x->pos < x->len;
    return 0;
}

/* Runs the transfer until u holds or it ends. The curl timeouts set in
 * xfer_begin() bound how long this can take. */
static int
xfer_drive(struct xfer *x, enum until u, char *err, size_t errlen)
{
    for (;;) {
        CURLMcode mc;
        CURLMsg *m;
        int running, left;

        if (reached(x, u))
            return 0;
        mc = curl_multi_perform(x->multi, &running);
        if (mc != CURLM_OK) {
            snprintf(err, errlen, "%s", curl_multi_strerror(mc));
            return MOAT_EIO;
        }
        for (;;) {
            m = curl_multi_info_read(x->multi, &left);
            if (!m)
                break;
            if (m->msg == CURLMSG_DONE && m->easy_handle == x->easy) {
                x->done = 1;
                x->result = m->data.result;
            }
        }
        if (reached(x, u))
            return 0;
        mc = curl_multi_poll(x->multi, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK) {
            snprintf(err, errlen, "%s", curl_multi_strerror(mc));
            return MOAT_EIO;
        }
    }
}

/* "scheme://host:port" of url, lower-cased, default port filled in. */
static int
origin_of(const char *url, char *out, size_t outlen)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    int rc = -1;

    if (!u)
        return -1;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        if ((size_t)snprintf(out, outlen, "%s://%s:%s", scheme, host, port) < outlen) {
            str_lower(out);
            rc = 0;
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return rc;
}

static int
same_origin(const char *a, const char *b)
{
    char oa[600], ob[600];

    return origin_of(a, oa, sizeof(oa)) == 0 && origin_of(b, ob, sizeof(ob)) == 0 &&
           strcmp(oa, ob) == 0;
}

/* "CODE: message" of a registry's JSON error body, or "". */
static void
registry_error_text(const struct xfer *x, char *out, size_t outlen)
{
    char jerr[128];
    json_t *j, *e0;
    const char *code, *msg;

    out[0] = '\0';
    if (x->errbody.len == 0 || x->cut)
        return;
    j = json_parse_limited("error", x->errbody.data, x->errbody.len, jerr, sizeof(jerr));
    if (!j)
        return;
    e0 = json_array_get(json_object_get(j, "errors"), 0);
    code = json_string_value(json_object_get(e0, "code"));
    msg = json_string_value(json_object_get(e0, "message"));
    if (code || msg)
        snprintf(out, outlen, "%.40s%s%.160s", code ? code : "", code && msg ? ": " : "",
                 msg ? msg : "");
    one_line(out);
    json_decref(j);
}

/* ---- authorization ---- */

/* Loads credentials once (caller holds reg->mu). */
static int
load_credentials(struct registry *reg, char *err, size_t errlen)
{
    int rc;

    if (reg->creds_loaded)
        return 0;
    if (reg->opt_user) {
        if (!reg->opt_pass) {
            snprintf(err, errlen,
                     "%s: --username %s was given without a password "
                     "(--password-stdin)",
                     reg->label, reg->opt_user);
            return MOAT_EAUTH;
        }
        reg->user = strdup(reg->opt_user);
        reg->pass = strdup(reg->opt_pass);
        if (!reg->user || !reg->pass)
            return MOAT_ENOMEM;
        reg->creds_loaded = 1;
        return 0;
    }
    rc = registry_load_credentials(reg->docker_config, reg->ref.host, &reg->user, &reg->pass,
                                   &reg->cred_file, reg->cred_note, sizeof(reg->cred_note), err,
                                   errlen);
    if (rc && rc != MOAT_ENOENT)
        return rc;
    reg->creds_loaded = 1;
    return 0;
}

/* "user:pass" as a Basic Authorization header (malloc'd). */
static char *
basic_header(const char *user, const char *pass)
{
    size_t ul = strlen(user), pl = strlen(pass), n = ul + 1 + pl;
    char *raw, *h;

    raw = malloc(n + 1);
    h = malloc(sizeof("Authorization: Basic ") + 4 * (n / 3 + 1) + 1);
    if (!raw || !h) {
        free(raw);
        free(h);
        return NULL;
    }
    memcpy(raw, user, ul);
    raw[ul] = ':';
    memcpy(raw + ul + 1, pass, pl);
    memcpy(h, "Authorization: Basic ", sizeof("Authorization: Basic ") - 1);
    registry_base64_encode(raw, n, h + sizeof("Authorization: Basic ") - 1);
    memset(raw, 0, n);
    free(raw);
    return h;
}

static void
set_auth(struct registry *reg, char *header, enum auth_kind kind)
{
    if (reg->auth) {
        memset(reg->auth, 0, strlen(reg->auth));
        free(reg->auth);
    }
    reg->auth = header;
    reg->kind = kind;
    reg->gen++;
}

/* Why there are no credentials, for "requires authentication" errors. */
static const char *
no_creds_reason(const struct registry *reg)
{
    return reg->cred_note[0] ? reg->cred_note : "no credentials found";
}

struct req {
    const char *what;       /* names the request in messages */
    const char *accept;     /* Accept header line, or NULL */
    const char *fixed_auth; /* token requests: Authorization for auth_origin */
    const char *auth_origin;
    int any_dcd;            /* Docker-Content-Digest may name something else
                               (referrers lists): not checked against the body */
};

static int request(struct registry *reg, struct xfer *x, const char *url, const struct req *rq,
                   char *err, size_t errlen);

/* Fetches a bearer token from the challenge's realm (caller holds mu). */
static int
fetch_token(struct registry *reg, const struct reg_challenge *c, char **token, char *err,
            size_t errlen)
{
    struct xfer x;
    struct buf url;
    struct req rq = {0};
    char scope[600], *esc, *basic = NULL;
    int rc;

    *token = NULL;
    if (strncmp(c->realm, "https://", 8) != 0 &&
        !(reg->insecure && strncmp(c->realm, "http://", 7) == 0)) {
        snprintf(err, errlen, "%s: token realm \"%.200s\" is not an https URL%s", reg->label,
                 c->realm, reg->insecure ? "" : " (--insecure allows http)");
        return MOAT_EAUTH;
    }
    buf_init(&url, 8192);
    rc = buf_adds(&url, c->realm);
    if (!rc && c->service[0]) {
        esc = curl_easy_escape(NULL, c->service, 0);
        rc = esc ? buf_printf(&url, "%sservice=%s", strchr(c->realm, '?') ? "&" : "?", esc)
                 : MOAT_ENOMEM;
        curl_free(esc);
    }
    if (!rc) {
        snprintf(scope, sizeof(scope), "repository:%s:pull", reg->ref.repo);
        esc = curl_easy_escape(NULL, scope, 0);
        rc = esc ? buf_printf(&url, "%sscope=%s", strchr(url.data, '?') ? "&" : "?", esc)
                 : MOAT_ENOMEM;
        curl_free(esc);
    }
    if (!rc && reg->user) {
        esc = curl_easy_escape(NULL, reg->user, 0);
        rc = esc ? buf_printf(&url, "&account=%s", esc) : MOAT_ENOMEM;
        curl_free(esc);
        basic = rc ? NULL : basic_header(reg->user, reg->pass);
        if (!rc && !basic)
            rc = MOAT_ENOMEM;
    }
    if (rc) {
        buf_free(&url);
        if (rc == MOAT_ETOOBIG)
            snprintf(err, errlen, "%s: token realm URL too long", reg->label);
        return rc;
    }
    rc = xfer_init(&x, reg, 0);
    if (!rc) {
        rq.what = "token";
        rq.fixed_auth = basic;
        rq.auth_origin = c->realm;
        rc = request(reg, &x, url.data, &rq, err, errlen);
    }
    if (rc == MOAT_EAUTH) {
        if (reg->user)
            snprintf(err, errlen,
                     "%s: token server %.200s refused the credentials of %.64s "
                     "(HTTP %ld)",
                     reg->label, c->realm, reg->user, x.head.status);
        else
            snprintf(err, errlen,
                     "%s: token server %.200s requires credentials (HTTP %ld); "
                     "%s",
                     reg->label, c->realm, x.head.status, no_creds_reason(reg));
    }
    if (!rc)
        rc = registry_parse_token(x.doc.data ? x.doc.data : "", x.doc.len, token, err, errlen);
    xfer_free(&x);
    if (basic) {
        memset(basic, 0, strlen(basic));
        free(basic);
    }
    buf_free(&url);
    return rc;
}

/* The registry answered 401 to a request sent with auth generation gen
 * (tries: refreshes this request already made). Gets new authorization
 * unless another thread already did, or fails when fresh credentials were
 * refused. */
static int
auth_refresh(struct registry *reg, struct xfer *x, unsigned gen, unsigned tries, char *err,
             size_t errlen)
{
    struct reg_challenge c;
    char detail[256];
    char *token = NULL, *h;
    int rc = 0;

    registry_error_text(x, detail, sizeof(detail));
    pthread_mutex_lock(&reg->mu);
    if (reg->gen != gen)
        goto out; /* refreshed meanwhile: retry with the new one */
    if (tries > 0) {
        /* the authorization obtained for this very request was refused */
        if (reg->kind == AUTH_BEARER && !reg->user)
            snprintf(err, errlen,
                     "%s: authentication required (anonymous token from %.200s "
                     "refused%s%s); %s",
                     reg->label, reg->realm, detail[0] ? ": " : "", detail, no_creds_reason(reg));
        else if (reg->kind == AUTH_BEARER)
            snprintf(err, errlen,
                     "%s: authentication failed: token from %.200s for %.64s "
                     "refused (HTTP 401%s%s)",
                     reg->label, reg->realm, reg->user, detail[0] ? ", " : "", detail);
        else
            snprintf(err, errlen,
                     "%s: authentication failed: %s refused the credentials of "
                     "%.64s (HTTP 401%s%s)",
                     reg->label, reg->ref.host, reg->user ? reg->user : "?", detail[0] ? ", " : "",
                     detail);
        rc = MOAT_EAUTH;
        goto out;
    }
    if (!x->head.challenge[0] ||
        registry_parse_challenge(x->head.challenge, strlen(x->head.challenge), &c) != 0) {
        snprintf(err, errlen,
                 "%s: registry answered HTTP 401 without a usable "
                 "WWW-Authenticate challenge",
                 reg->label);
        rc = MOAT_EAUTH;
        goto out;
    }
    rc = load_credentials(reg, err, errlen);
    if (rc)
        goto out;
    if (strcmp(c.scheme, "basic") == 0) {
        if (!reg->user) {
            snprintf(err, errlen,
                     "%s: registry requires authentication (Basic realm "
                     "\"%.100s\"); %s; use --username and --password-stdin",
                     reg->label, c.realm, no_creds_reason(reg));
            rc = MOAT_EAUTH;
            goto out;
        }
        h = basic_header(reg->user, reg->pass);
        if (!h) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        set_auth(reg, h, AUTH_BASIC);
    } else if (strcmp(c.scheme, "bearer") == 0) {
        if (!c.realm[0]) {
            snprintf(err, errlen, "%s: Bearer challenge without a realm", reg->label);
            rc = MOAT_EAUTH;
            goto out;
        }
        rc = fetch_token(reg, &c, &token, err, errlen);
        if (rc)
            goto out;
        h = malloc(strlen(token) + sizeof("Authorization: Bearer "));
        if (!h) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        snprintf(h, strlen(token) + sizeof("Authorization: Bearer "), "Authorization: Bearer %s",
                 token);
        set_auth(reg, h, AUTH_BEARER);
        snprintf(reg->realm, sizeof(reg->realm), "%s", c.realm);
    } else {
        snprintf(err, errlen,
                 "%s: registry asks for %.15s authentication, which moat does "
                 "not support",
                 reg->label, c.scheme);
        rc = MOAT_EUNSUP;
    }
out:
    pthread_mutex_unlock(&reg->mu);
    if (token) {
        memset(token, 0, strlen(token));
        free(token);
    }
    return rc;
}

/* ---- requests ---- */

static int
tls_failure(CURLcode c)
{
    return c == CURLE_SSL_CONNECT_ERROR || c == CURLE_PEER_FAILED_VERIFICATION ||
           c == CURLE_SSL_CERTPROBLEM || c == CURLE_SSL_CACERT_BADFILE;
}

static int
is_redirect(long s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

/* A non-2xx final answer as one line. */
static int
http_error(struct registry *reg, struct xfer *x, const struct req *rq, const char *url, char *err,
           size_t errlen)
{
    char detail[256], org[300];
    long s = x->head.status;

    registry_error_text(x, detail, sizeof(detail));
    if (origin_of(url, org, sizeof(org)) != 0)
        snprintf(org, sizeof(org), "?");
    if (rq->fixed_auth || rq->auth_origin) {
        /* token server: the caller words it */
        snprintf(err, errlen, "%s: token server answered HTTP %ld", reg->label, s);
        return s == 401 || s == 403 ? MOAT_EAUTH : MOAT_EIO;
    }
    if (s == 404) {
        snprintf(err, errlen, "%s: %s: not found (HTTP 404 from %s%s%s)", reg->label, rq->what, org,
                 detail[0] ? ": " : "", detail);
        return MOAT_ENOENT;
    }
    if (s == 401 || s == 403) {
        snprintf(err, errlen, "%s: %s: access denied (HTTP %ld from %s%s%s)", reg->label, rq->what,
                 s, org, detail[0] ? ": " : "", detail);
        return MOAT_EAUTH;
    }
    snprintf(err, errlen, "%s: %s: HTTP %ld from %s%s%s", reg->label, rq->what, s, org,
             detail[0] ? ": " : "", detail);
    return MOAT_EIO;
}

/* GET url until a 2xx answer: redirects followed, registry authorization
 * obtained and refreshed, the http fallback of --insecure taken. On 0 the
 * response headers are in x and, for documents, the body in x->doc; a
 * stream is left running for the reader. */
static int
request(struct registry *reg, struct xfer *x, const char *first_url, const struct req *rq,
        char *err, size_t errlen)
{
    unsigned redirects = 0, tries = 0;
    char *url, *auth = NULL;
    int rc;

    url = strdup(first_url);
    if (!url)
        return MOAT_ENOMEM;
    for (;;) {
        unsigned gen = 0;
        int same;

        if (auth) {
            memset(auth, 0, strlen(auth));
            free(auth);
            auth = NULL;
        }
        if (rq->auth_origin) {
            same = same_origin(url, rq->auth_origin);
            if (same && rq->fixed_auth) {
                auth = strdup(rq->fixed_auth);
                if (!auth) {
                    rc = MOAT_ENOMEM;
                    goto out;
                }
            }
        } else {
            same = same_origin(url, reg->origin);
            if (same) {
                pthread_mutex_lock(&reg->mu);
                gen = reg->gen;
                auth = reg->auth ? strdup(reg->auth) : NULL;
                rc = reg->auth && !auth ? MOAT_ENOMEM : 0;
                pthread_mutex_unlock(&reg->mu);
                if (rc)
                    goto out;
            }
        }
        rc = xfer_begin(x, url, rq->accept, auth);
        if (rc) {
            if (rc == MOAT_EINVAL)
                snprintf(err, errlen, "%s: %s: bad URL %.200s", reg->label, rq->what, url);
            goto out;
        }
        rc = xfer_drive(x, x->stream ? UNTIL_HEADERS : UNTIL_DONE, err, errlen);
        if (rc)
            goto out;
        if (x->done && x->result != CURLE_OK && x->stream && is_2xx(x->head.status)) {
            rc = 0; /* the blob reader reports what went wrong, after the data */
            goto out;
        }
        if (x->done && x->result != CURLE_OK && !(x->cut && !is_2xx(x->head.status))) {
            if (!x->stream && x->doc_rc == MOAT_ETOOBIG) {
                snprintf(err, errlen, "%s: %s: more than the %u-byte limit for JSON documents",
                         reg->label, rq->what, (unsigned)MOAT_LIMIT_JSON_DOC);
                rc = MOAT_ETOOBIG;
                goto out;
            }
            if (!x->stream && x->doc_rc) {
                rc = x->doc_rc;
                goto out;
            }
            if (reg->insecure && !reg->scheme_fixed && !rq->auth_origin && same &&
                strncmp(reg->origin, "https://", 8) == 0) {
                /* --insecure: https failed at the transport, try plain http */
                char *nu;
                snprintf(reg->origin, sizeof(reg->origin), "http://%s", reg->ref.api_host);
                reg->scheme_fixed = 1;
                nu = malloc(strlen(url) + 1);
                if (!nu) {
                    rc = MOAT_ENOMEM;
                    goto out;
                }
                snprintf(nu, strlen(url) + 1, "http://%s", url + 8);
                free(url);
                url = nu;
                continue;
            }
            snprintf(err, errlen, "%s: %s: %s%s", reg->label, rq->what,
                     x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result),
                     tls_failure(x->result) && !reg->insecure
                         ? " (TLS failed: a plain-HTTP registry or one with a certificate "
                           "moat cannot verify needs --insecure)"
                         : "");
            one_line(err);
            rc = MOAT_EIO;
            goto out;
        }
        if (!reg->scheme_fixed && !rq->auth_origin && same)
            reg->scheme_fixed = 1; /* only ever written before threads start */
        if (is_redirect(x->head.status)) {
            char *loc = NULL;
            curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc);
            if (!loc) {
                snprintf(err, errlen, "%s: %s: HTTP %ld redirect without a usable Location",
                         reg->label, rq->what, x->head.status);
                rc = MOAT_EIO;
                goto out;
            }
            if (++redirects > MOAT_LIMIT_HTTP_REDIRECTS) {
                snprintf(err, errlen, "%s: %s: more than %d redirects", reg->label, rq->what,
                         MOAT_LIMIT_HTTP_REDIRECTS);
                rc = MOAT_EIO;
                goto out;
            }
            if (strncmp(loc, "https://", 8) != 0 &&
                !(reg->insecure && strncmp(loc, "http://", 7) == 0)) {
                snprintf(err, errlen, "%s: %s: redirect to %.200s refused (not https%s)",
                         reg->label, rq->what, loc, reg->insecure ? "" : "; see --insecure");
                one_line(err);
                rc = MOAT_EIO;
                goto out;
            }
            free(url);
            url = strdup(loc);
            if (!url) {
                rc = MOAT_ENOMEM;
                goto out;
            }
            continue;
        }
        if (x->head.status == 401 && same && !rq->auth_origin && tries < 3) {
            rc = auth_refresh(reg, x, gen, tries, err, errlen);
            if (rc)
                goto out;
            tries++;
            continue;
        }
        if (is_2xx(x->head.status)) {
            rc = 0;
            goto out;
        }
        rc = http_error(reg, x, rq, url, err, errlen);
        goto out;
    }
out:
    if (auth) {
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    free(url);
    return rc;
}

/* ---- layer blobs ---- */

struct reg_blob {
    struct blob base;
    struct xfer x;
    char digest[DIGEST_MAX];
};

static ssize_t
blob_read(struct blob *b, void *out, size_t n)
{
    struct reg_blob *rb = (struct reg_blob *)b;
    struct xfer *x = &rb->x;
    char err[200];
    size_t k;
    int rc;

    if (x->pos == x->len) {
        x->pos = x->len = 0;
        if (x->paused && !x->done) {
            x->paused = 0;
            curl_easy_pause(x->easy, CURLPAUSE_CONT); /* may refill at once */
        }
        if (!x->done) {
            rc = xfer_drive(x, UNTIL_DATA, err, sizeof(err));
            if (rc) {
                snprintf(b->err, sizeof(b->err), "download: %s", err);
                return rc;
            }
        }
    }
    if (x->pos < x->len) {
        k = x->len - x->pos < n ? x->len - x->pos : n;
        memcpy(out, x->ring + x->pos, k);
        x->pos += k;
        return (ssize_t)k;
    }
    if (x->over_size) {
        snprintf(b->err, sizeof(b->err),
                 "registry sent more than the %lld bytes the manifest "
                 "declares",
                 (long long)x->expect);
        return MOAT_EINVAL;
    }
    if (x->result != CURLE_OK) {
        snprintf(b->err, sizeof(b->err), "download failed after %llu bytes: %.180s",
                 (unsigned long long)x->received,
                 x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result));
        one_line(b->err);
        return MOAT_EIO;
    }
    if (x->expect >= 0 && x->received != (uint64_t)x->expect) {
        snprintf(b->err, sizeof(b->err),
                 "download ended after %llu of the %lld bytes the "
                 "manifest declares",
                 (unsigned long long)x->received, (long long)x->expect);
        return MOAT_EIO;
    }
    return 0;
}

static void
blob_close(struct blob *b)
{
    struct reg_blob *rb = (struct reg_blob *)b;

    xfer_free(&rb->x);
    free(rb);
}

static int
reg_open_blob(struct source *s, const struct layer_desc *l, struct blob **out, char *err,
              size_t errlen)
{
    struct registry *reg = (struct registry *)s;
    struct reg_blob *rb;
    struct req rq = {0};
    char url[1024];
    int rc;

    *out = NULL;
    rb = calloc(1, sizeof(*rb));
    if (!rb)
        return MOAT_ENOMEM;
    rc = xfer_init(&rb->x, reg, 1);
    if (rc)
        goto fail;
    rb->x.expect = l->size;
    snprintf(rb->digest, sizeof(rb->digest), "%s", l->digest);
    snprintf(url, sizeof(url), "%s/v2/%s/blobs/%s", reg->origin, reg->ref.repo, l->digest);
    rq.what = "blob";
    rc = request(reg, &rb->x, url, &rq, err, errlen);
    if (rc)
        goto fail;
    if (l->size >= 0 && rb->x.head.clen >= 0 && rb->x.head.clen != l->size) {
        snprintf(err, errlen, "registry sends %lld bytes but the manifest declares %lld",
                 (long long)rb->x.head.clen, (long long)l->size);
        rc = MOAT_EINVAL;
        goto fail;
    }
    rb->base.read = blob_read;
    rb->base.close = blob_close;
    *out = &rb->base;
    return 0;
fail:
    xfer_free(&rb->x);
    free(rb);
    return rc;
}

static void
reg_free(struct source *s)
{
    struct registry *reg = (struct registry *)s;

    if (!reg)
        return;
    set_auth(reg, NULL, AUTH_NONE);
    if (reg->pass)
        memset(reg->pass, 0, strlen(reg->pass));
    if (reg->opt_pass)
        memset(reg->opt_pass, 0, strlen(reg->opt_pass));
    free(reg->user);
    free(reg->pass);
    free(reg->opt_user);
    free(reg->opt_pass);
    free(reg->docker_config);
    free(reg->cred_file);
    free(reg->ca_file);
    pthread_mutex_destroy(&reg->mu);
    free(reg);
}

/* ---- manifests ---- */

static const char *
jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Fetches and verifies a small document. want: digest it must have, or
 * NULL. On 0, *body is malloc'd (OUT: caller frees) and *digest names it
 * (header digest, else computed). */
static int
fetch_doc(struct registry *reg, struct xfer *x, const char *url, const struct req *rq,
          const char *want, char **body, size_t *n, char digest[DIGEST_MAX], char *err,
          size_t errlen)
{
    char what[800], algo[8];
    int rc;

    *body = NULL;
    rc = request(reg, x, url, rq, err, errlen);
    if (rc)
        return rc;
    snprintf(what, sizeof(what), "%s: %s", reg->label, rq->what);
    *n = x->doc.len;
    if (x->head.dcd[0] && !rq->any_dcd) {
        if (digest_parse(x->head.dcd, algo) != 0) {
            snprintf(err, errlen, "%s: malformed Docker-Content-Digest header", what);
            return MOAT_EINVAL;
        }
        rc = verify_digest(what, x->head.dcd, x->doc.data ? x->doc.data : "", *n, err, errlen);
        if (rc)
            return rc;
    }
    if (want) {
        rc = verify_digest(what, want, x->doc.data ? x->doc.data : "", *n, err, errlen);
        if (rc)
            return rc;
    }
    if (want)
        snprintf(digest, DIGEST_MAX, "%s", want);
    else if (x->head.dcd[0] && !rq->any_dcd)
        snprintf(digest, DIGEST_MAX, "%s", x->head.dcd);
    else
        digest_sha256(x->doc.data ? x->doc.data : "", *n, digest);
    *body = x->doc.data ? buf_steal(&x->doc) : strdup("");
    return *body ? 0 : MOAT_ENOMEM;
}

/* The media type of a fetched manifest document: its own mediaType field,
 * else the Content-Type, else what its shape says. */
static const char *
document_type(json_t *j, const char *ctype)
{
    const char *mt = jstr(j, "mediaType");

    if (mt)
        return mt;
    if (media_is_index(ctype) || media_is_manifest(ctype) || strcmp(ctype, MT_SCHEMA1) == 0 ||
        strcmp(ctype, MT_SCHEMA1_SIGNED) == 0)
        return ctype;
    if (json_is_array(json_object_get(j, "manifests")))
        return MT_OCI_INDEX;
    if (json_is_array(json_object_get(j, "layers")))
        return MT_OCI_MANIFEST;
    return ctype[0] ? ctype : "(none)";
}

/* Resolves the reference to one image manifest and reads its config. */
static int
resolve(struct registry *reg, struct image_desc *img, const struct moat_options *opt, char *err,
        size_t errlen)
{
    struct xfer x;
    json_t *j = NULL;
    char *body = NULL, *cfg = NULL, url[1024], what[800], digest[DIGEST_MAX];
    const char *ref = reg->ref.digest[0] ? reg->ref.digest : reg->ref.tag;
    const char *want = reg->ref.digest[0] ? reg->ref.digest : NULL, *expect_mt = NULL;
    struct req rq = {0};
    size_t n, cfglen;
    int depth, rc;

    rc = xfer_init(&x, reg, 0);
    if (rc)
        goto out;
    rq.accept = ACCEPT_MANIFESTS;
    for (depth = 0;; depth++) {
        const char *mt, *next = NULL, *next_mt = NULL;
        json_t *sv;

        if (depth > MAX_INDEX_DEPTH) {
            snprintf(err, errlen, "%s: image indexes nested deeper than %d", reg->label,
                     MAX_INDEX_DEPTH);
            rc = MOAT_EINVAL;
            goto out;
        }
        snprintf(what, sizeof(what), "manifest %s", ref);
        rq.what = what;
        snprintf(url, sizeof(url), "%s/v2/%s/manifests/%s", reg->origin, reg->ref.repo, ref);
        free(body);
        body = NULL;
        rc = fetch_doc(reg, &x, url, &rq, want, &body, &n, digest, err, errlen);
        if (rc)
            goto out;
        json_decref(j);
        snprintf(what, sizeof(what), "%s: manifest %s", reg->label, ref);
        j = json_parse_limited(what, body, n, err, errlen);
        if (!j) {
            rc = MOAT_EINVAL;
            goto out;
        }
        if (!json_is_object(j)) {
            snprintf(err, errlen, "%s: not a JSON object", what);
            rc = MOAT_EINVAL;
            goto out;
        }
        mt = document_type(j, x.head.ctype);
        sv = json_object_get(j, "schemaVersion");
        if (strcmp(mt, MT_SCHEMA1) == 0 || strcmp(mt, MT_SCHEMA1_SIGNED) == 0 ||
            (json_is_integer(sv) && json_integer_value(sv) == 1)) {
            snprintf(err, errlen,
                     "%s: Docker schema 1 manifest, which moat does not support "
                     "(push the image again with a current docker or skopeo)",
                     what);
            rc = MOAT_EUNSUP;
            goto out;
        }
        if (expect_mt && strcmp(expect_mt, mt) != 0) {
            snprintf(err, errlen, "%s: the index says %.100s but the document is %.100s", what,
                     expect_mt, mt);
            rc = MOAT_EINVAL;
            goto out;
        }
        if (media_is_manifest(mt))
            break;
        if (!media_is_index(mt)) {
            snprintf(err, errlen, "%s: media type %.100s is not an image manifest or index", what,
                     mt);
            rc = MOAT_EUNSUP;
            goto out;
        }
        rc = image_select_platform(img, j, opt, &next, &next_mt, err, errlen);
        if (rc) {
            char tmp[512];
            snprintf(tmp, sizeof(tmp), "%s", err);
            snprintf(err, errlen, "%s: %s", reg->label, tmp);
            goto out;
        }
        if (!next) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        ref = want = next; /* arena strings: outlive the loop */
        expect_mt = next_mt;
    }
    img->manifest_digest = arena_strdup(&img->arena, digest);
    rc = image_apply_manifest(img, j, err, errlen);
    if (rc) {
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "%s: %s", what, tmp);
        goto out;
    }
    snprintf(what, sizeof(what), "config blob %s", img->config_digest);
    rq.what = what;
    rq.accept = NULL;
    snprintf(url, sizeof(url), "%s/v2/%s/blobs/%s", reg->origin, reg->ref.repo, img->config_digest);
    rc = fetch_doc(reg, &x, url, &rq, img->config_digest, &cfg, &cfglen, digest, err, errlen);
    if (rc)
        goto out;
    rc = image_apply_config(img, cfg, cfglen, err, errlen);
out:
    xfer_free(&x);
    json_decref(j);
    free(body);
    free(cfg);
    return rc;
}

static char *
dup_opt(const char *s, int *oom)
{
    char *d;

    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

/* A transport for refstr (without "docker://"), not yet connected. On 0,
 * *out is the caller's (free with reg_free); on an error it is NULL. */
static int
registry_new(const char *refstr, const struct moat_options *opt, struct registry **out, char *err,
             size_t errlen)
{
    struct registry *reg;
    int oom = 0, rc;

    *out = NULL;
    pthread_once(&curl_once, curl_init_once);
    if (curl_init_rc != CURLE_OK) {
        snprintf(err, errlen, "docker://%s: cannot initialise libcurl: %s", refstr,
                 curl_easy_strerror(curl_init_rc));
        return MOAT_EIO;
    }
    reg = calloc(1, sizeof(*reg));
    if (!reg)
        return MOAT_ENOMEM;
    if (pthread_mutex_init(&reg->mu, NULL) != 0) {
        free(reg);
        return MOAT_ENOMEM;
    }
    reg->base.open_blob = reg_open_blob;
    reg->base.free = reg_free;
    rc = registry_parse_ref(refstr, &reg->ref, err, errlen);
    if (rc) {
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "docker://%s: %s", refstr, tmp);
        reg_free(&reg->base);
        return rc;
    }
    if (opt) {
        reg->insecure = opt->insecure;
        reg->ca_file = dup_opt(opt->ca_file, &oom);
        reg->opt_user = dup_opt(opt->username, &oom);
        reg->opt_pass = dup_opt(opt->password, &oom);
        reg->docker_config = dup_opt(opt->docker_config, &oom);
    }
    if (oom) {
        reg_free(&reg->base);
        return MOAT_ENOMEM;
    }
    snprintf(reg->origin, sizeof(reg->origin), "https://%s", reg->ref.api_host);
    snprintf(reg->label, sizeof(reg->label), "%s/%s", reg->ref.host, reg->ref.repo);
    *out = reg;
    return 0;
}

int
registry_open(struct image_desc *img, const char *refstr, const struct moat_options *opt, char *err,
              size_t errlen)
{
    struct registry *reg;
    int rc;

    rc = registry_new(refstr, opt, &reg, err, errlen);
    if (rc)
        return rc;
    img->src = &reg->base; /* freed with img from here on */
    if (reg->ref.tag[0])
        img->name =
            arena_printf(&img->arena, "%s/%s:%s", reg->ref.host, reg->ref.repo, reg->ref.tag);
    else
        img->name = arena_printf(&img->arena, "%s/%s", reg->ref.host, reg->ref.repo);
    if (!img->name)
        return MOAT_ENOMEM;
    return resolve(reg, img, opt, err, errlen);
}

/* ---- single documents, for signature verification (lib/trust/) ---- */

int
registry_client_open(const char *refstr, const struct moat_options *opt, struct registry **out,
                     char *err, size_t errlen)
{
    return registry_new(refstr, opt, out, err, errlen);
}

const struct reg_ref *
registry_client_ref(const struct registry *reg)
{
    return &reg->ref;
}

void
registry_client_free(struct registry *reg)
{
    if (reg)
        reg_free(&reg->base);
}

/* GET /v2/<repo>/<kind>/<ref> as a document of at most MOAT_LIMIT_JSON_DOC
 * bytes. */
static int
get_doc(struct registry *reg, const char *kind, const char *ref, const char *accept,
        const char *want, int any_dcd, char **body, size_t *n, char digest[DIGEST_MAX],
        char *ctype, size_t ctlen, char *err, size_t errlen)
{
    struct xfer x;
    struct req rq = {0};
    char url[1024], what[400], dg[DIGEST_MAX];
    int rc;

    *body = NULL;
    *n = 0;
    if ((size_t)snprintf(url, sizeof(url), "%s/v2/%s/%s/%s", reg->origin, reg->ref.repo, kind,
                         ref) >= sizeof(url)) {
        snprintf(err, errlen, "%s: reference too long", reg->label);
        return MOAT_EINVAL;
    }
    snprintf(what, sizeof(what), "%.*s %.200s", (int)strlen(kind) - 1, kind, ref);
    rq.what = what;
    rq.accept = accept;
    rq.any_dcd = any_dcd;
    rc = xfer_init(&x, reg, 0);
    if (!rc)
        rc = fetch_doc(reg, &x, url, &rq, want, body, n, dg, err, errlen);
    if (!rc && digest)
        snprintf(digest, DIGEST_MAX, "%s", dg);
    if (!rc && ctype)
        snprintf(ctype, ctlen, "%s", x.head.ctype);
    xfer_free(&x);
    return rc;
}

int
registry_get_manifest(struct registry *reg, const char *ref, const char *want, char **body,
                      size_t *n, char digest[DIGEST_MAX], char *ctype, size_t ctlen, char *err,
                      size_t errlen)
{
    static const char accept[] = ACCEPT_MANIFESTS;

    return get_doc(reg, "manifests", ref, accept, want, 0, body, n, digest, ctype, ctlen, err,
                   errlen);
}

int
registry_get_blob(struct registry *reg, const char *digest, char **body, size_t *n, char *err,
                  size_t errlen)
{
    return get_doc(reg, "blobs", digest, NULL, digest, 0, body, n, NULL, NULL, 0, err, errlen);
}

int
registry_get_referrers(struct registry *reg, const char *digest, char **body, size_t *n,
                       char *ctype, size_t ctlen, char *err, size_t errlen)
{
    return get_doc(reg, "referrers", digest, "Accept: " MT_OCI_INDEX, NULL, 1, body, n, NULL,
                   ctype, ctlen, err, errlen);
}

/*
 * update.c - `moat db update`: fetches <mirror>/<Ecosystem>/all.zip for each
 * ecosystem with libcurl and imports what changed in one atomic build.
 *
 * Requests are conditional (If-None-Match with the ETag, If-Modified-Since
 * with the Last-Modified of the previous download, both kept in the
 * database's source table), so an unchanged ecosystem costs one 304. A
 * download goes to an anonymous file in the database's directory (created
 * and unlinked at once: a killed update leaves nothing behind) and is
 * checked before anything is written: the byte count against
 * Content-Length, the zip readable to its last member with every CRC
 * right, at least one well-formed record. One bad download fails the whole
 * update and the database stays as it was: a half-updated database would
 * mix advisories of different days without saying so.
 */
#include "import.h"
#include "db.h"
#include "base/err.h"
#include "base/limits.h"
#include "osv.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HEADER_MAX 512

static const char *const default_ecosystems[] = {
    "Debian", "Ubuntu", "Alpine",    "Red Hat",  "AlmaLinux", "Rocky Linux", "npm", "PyPI",
    "Maven",  "Go",     "crates.io", "RubyGems", "Packagist", "NuGet",       NULL,
};

const char *const *
moat_db_default_ecosystems(void)
{
    return default_ecosystems;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT; /* set once, then read-only */

static void
curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct fetch {
    const char *ecosystem; /* canonical */
    char url[1024];
    const char *old_etag; /* from the database, or NULL */
    const char *old_modified;
    int fd; /* anonymous download file */
    uint64_t bytes;
    int too_big;
    int write_error;
    long status;
    char etag[HEADER_MAX];
    char last_modified[HEADER_MAX];
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
    struct fetch *f = arg;
    size_t len = size * n, off = 0;

    if (f->bytes + len > MOAT_LIMIT_OSV_DOWNLOAD) {
        f->too_big = 1;
        return 0;
    }
    while (off < len) {
        ssize_t w = write(f->fd, p + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->write_error = errno ? errno : EIO;
            return 0;
        }
        off += (size_t)w;
    }
    f->bytes += len;
    return len;
}

/* Keeps ETag and Last-Modified (of the final response: a redirect's own
 * headers come first and are overwritten). */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
    struct fetch *f = arg;
    size_t len = size * n, i;
    char *dst = NULL;
    const char *v;

    if (len > 14 && strncasecmp(p, "ETag:", 5) == 0) {
        dst = f->etag;
        v = p + 5;
    } else if (len > 14 && strncasecmp(p, "Last-Modified:", 14) == 0) {
        dst = f->last_modified;
        v = p + 14;
    } else {
        return len;
    }
    while (v < p + len && (*v == ' ' || *v == '\t'))
        v++;
    len -= (size_t)(v - p);
    while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
        len--;
    dst[0] = '\0';
    if (len == 0 || len >= HEADER_MAX)
        return size * n; /* an absurd validator is not kept, not fatal */
    for (i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return size * n;
    memcpy(dst, v, len);
    dst[len] = '\0';
    return size * n;
}

/* Percent-encodes an ecosystem name for a URL path ("Red Hat" ->
 * "Red%20Hat"). */
static void
path_escape(char *out, size_t outlen, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    for (; *s && o + 4 < outlen; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '_' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

/* An anonymous file next to the database (same filesystem, usually more
 * room than /tmp). */
static int
anon_file(const char *db, char *err, size_t errlen)
{
    char tmpl[PATH_MAX];
    const char *slash = strrchr(db, '/');
    int fd, n;

    if (slash)
        n = snprintf(tmpl, sizeof(tmpl), "%.*s/.moat-download-XXXXXX", (int)(slash - db), db);
    else
        n = snprintf(tmpl, sizeof(tmpl), ".moat-download-XXXXXX");
    if (n < 0 || (size_t)n >= sizeof(tmpl)) {
        snprintf(err, errlen, "%s: path too long", db);
        return -1;
    }
    fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a download file next to %s: %s", db, strerror(errno));
        return -1;
    }
    unlink(tmpl);
    return fd;
}

static int
download(struct fetch *f, const char *ca_file, char *err, size_t errlen)
{
    char cerr[CURL_ERROR_SIZE] = "", hdr[HEADER_MAX + 32];
    struct curl_slist *hdrs = NULL, *t;
    curl_off_t clen = -1;
    CURLcode c;
    CURL *e;
    int rc = 0;

    pthread_once(&curl_once, curl_init_once);
    if (curl_init_rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl cannot start: %s", curl_easy_strerror(curl_init_rc));
        return MOAT_EIO;
    }
    e = curl_easy_init();
    if (!e)
        return MOAT_ENOMEM;
    if (f->old_etag) {
        snprintf(hdr, sizeof(hdr), "If-None-Match: %s", f->old_etag);
        t = curl_slist_append(hdrs, hdr);
        if (!t)
            goto oom;
        hdrs = t;
    }
    if (f->old_modified) {
        snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s", f->old_modified);
        t = curl_slist_append(hdrs, hdr);
        if (!t)
            goto oom;
        hdrs = t;
    }
    curl_easy_setopt(e, CURLOPT_URL, f->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)MOAT_LIMIT_HTTP_REDIRECTS);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)MOAT_LIMIT_OSV_STALL_SECONDS);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)MOAT_LIMIT_OSV_STALL_SECONDS);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MOAT_LIMIT_OSV_DOWNLOAD);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, f);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "moat/" MOAT_VERSION);
    if (ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, ca_file);
    c = curl_easy_perform(e);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &f->status);
    curl_easy_getinfo(e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen);
    if (f->too_big || c == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, errlen, "%s: more than %llu bytes", f->url,
                 (unsigned long long)MOAT_LIMIT_OSV_DOWNLOAD);
        rc = MOAT_ETOOBIG;
    } else if (f->write_error) {
        snprintf(err, errlen, "%s: writing the download: %s", f->url, strerror(f->write_error));
        rc = MOAT_EIO;
    } else if (c == CURLE_PARTIAL_FILE) {
        snprintf(err, errlen, "%s: download truncated: got %llu of %lld bytes", f->url,
                 (unsigned long long)f->bytes, (long long)clen);
        rc = MOAT_EIO;
    } else if (c != CURLE_OK) {
        snprintf(err, errlen, "%s: %s", f->url, cerr[0] ? cerr : curl_easy_strerror(c));
        rc = MOAT_EIO;
    } else if (f->status != 200 && f->status != 304) {
        snprintf(err, errlen, "%s: HTTP status %ld", f->url, f->status);
        rc = MOAT_EIO;
    } else if (f->status == 200 && clen >= 0 && (uint64_t)clen != f->bytes) {
        /* defensive: curl reports a short body as CURLE_PARTIAL_FILE */
        snprintf(err, errlen, "%s: got %llu bytes, Content-Length said %lld", f->url,
                 (unsigned long long)f->bytes, (long long)clen);
        rc = MOAT_EIO;
    }
    curl_easy_cleanup(e);
    curl_slist_free_all(hdrs);
    return rc;
oom:
    curl_easy_cleanup(e);
    curl_slist_free_all(hdrs);
    return MOAT_ENOMEM;
}

/* What the database says about its sources (none when there is no
 * database yet). */
struct known {
    struct moat_db_source *sources;
    size_t nsources;
};

/* The mirror source recorded for an ecosystem by an earlier update. */
static const struct moat_db_source *
find_source(const struct known *k, const char *name)
{
    size_t i;

    for (i = 0; i < k->nsources; i++)
        if (strcmp(k->sources[i].name, name) == 0)
            return &k->sources[i];
    return NULL;
}

static int
plan(const struct moat_db_update_options *o, const struct known *info, const char **ecos, size_t *n,
     char *err, size_t errlen)
{
    size_t i, j, k = 0;

    if (o && o->necosystems) {
        if (o->necosystems > MOAT_DB_MAX_FETCHES) {
            snprintf(err, errlen, "at most %d ecosystems per update", MOAT_DB_MAX_FETCHES);
            return -1;
        }
        for (i = 0; i < o->necosystems; i++) {
            const char *c = osv_ecosystem_canonical(o->ecosystems[i], strlen(o->ecosystems[i]));
            if (!c) {
                snprintf(err, errlen, "unknown ecosystem '%s' (OSV names: PyPI, npm, Debian, ...)",
                         o->ecosystems[i]);
                return -1;
            }
            for (j = 0; j < k && strcmp(ecos[j], c) != 0; j++)
                ;
            if (j == k)
                ecos[k++] = c;
        }
    } else {
        /* the ecosystems of earlier updates, else the default set */
        for (i = 0; i < info->nsources && k < MOAT_DB_MAX_FETCHES; i++) {
            const char *c;
            if (strcmp(info->sources[i].kind, "mirror") != 0 ||
                strncmp(info->sources[i].name, "osv:", 4) != 0)
                continue;
            c = osv_ecosystem_canonical(info->sources[i].name + 4,
                                        strlen(info->sources[i].name + 4));
            if (c)
                ecos[k++] = c;
        }
        if (k == 0)
            for (; default_ecosystems[k]; k++)
                ecos[k] = default_ecosystems[k];
    }
    *n = k;
    return 0;
}

int
moat_db_update(const char *db, const struct moat_db_update_options *o,
               struct moat_db_update_report *rep, char *err, size_t errlen)
{
    const char *ecos[MOAT_DB_MAX_FETCHES];
    const char *mirror = o && o->mirror ? o->mirror : MOAT_DB_DEFAULT_MIRROR;
    struct known known = {0};
    struct advisory_db *cur = NULL;
    struct advisory_build *b = NULL;
    struct arena a;
    struct fetch *f = NULL;
    char name[80], esc[200], why[600];
    size_t n = 0, i, mlen;
    int rc = -1, changed = 0, r;

    memset(rep, 0, sizeof(*rep));
    err[0] = '\0';
    arena_init(&a);
    r = advisory_db_open(db, &cur, why, sizeof(why));
    if (r == 0)
        r = advisory_db_sources(cur, &a, &known.sources, &known.nsources, why, sizeof(why));
    advisory_db_close(cur);
    if (r && r != MOAT_ENOENT) {
        snprintf(err, errlen, "%s", why);
        goto out;
    }
    if (plan(o, &known, ecos, &n, err, errlen))
        goto out;
    /* downloads go next to the database, whose directory may be new */
    if (advisory_make_parents(db, err, errlen))
        goto out;
    mlen = strlen(mirror);
    while (mlen && mirror[mlen - 1] == '/')
        mlen--;
    f = calloc(n ? n : 1, sizeof(*f));
    if (!f) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++)
        f[i].fd = -1;
    for (i = 0; i < n; i++) {
        const struct moat_db_source *s;
        struct moat_db_fetch *rf = &rep->fetch[rep->nfetch++];
        f[i].ecosystem = ecos[i];
        path_escape(esc, sizeof(esc), ecos[i]);
        if ((size_t)snprintf(f[i].url, sizeof(f[i].url), "%.*s/%s/all.zip", (int)mlen, mirror,
                             esc) >= sizeof(f[i].url)) {
            snprintf(err, errlen, "mirror URL too long");
            goto out;
        }
        snprintf(name, sizeof(name), "osv:%s", ecos[i]);
        s = find_source(&known, name);
        /* validators of another server mean nothing here */
        if (s && strcmp(s->location, f[i].url) == 0) {
            f[i].old_etag = s->etag;
            f[i].old_modified = s->last_modified;
        }
        f[i].fd = anon_file(db, err, errlen);
        if (f[i].fd < 0)
            goto out;
        snprintf(rf->ecosystem, sizeof(rf->ecosystem), "%s", ecos[i]);
        snprintf(rf->url, sizeof(rf->url), "%s", f[i].url);
        if (download(&f[i], o ? o->ca_file : NULL, why, sizeof(why))) {
            snprintf(err, errlen, "%s: %s; the database was not changed", ecos[i], why);
            goto out;
        }
        rf->http_status = f[i].status;
        rf->bytes = f[i].bytes;
        changed += f[i].status == 200;
    }
    if (!changed) {
        rc = 0;
        goto out;
    }
    if (advisory_build_begin(db, &b, err, errlen))
        goto out;
    for (i = 0; i < n; i++) {
        struct import_source src;
        uint64_t valid = 0;
        char label[sizeof(f[i].url)];
        if (f[i].status != 200)
            continue;
        snprintf(name, sizeof(name), "osv:%s", f[i].ecosystem);
        memcpy(label, f[i].url, sizeof(label));
        src = (struct import_source){
            .name = name,
            .kind = "mirror",
            .location = f[i].url,
            .etag = f[i].etag[0] ? f[i].etag : NULL,
            .last_modified = f[i].last_modified[0] ? f[i].last_modified : NULL,
            .label = label,
        };
        r = import_zip_fd(b, f[i].fd, &src, &rep->import, &valid, why, sizeof(why));
        if (r == 0 && valid == 0) {
            snprintf(why, sizeof(why), "no valid OSV record in it");
            r = MOAT_EINVAL;
        }
        if (r) {
            snprintf(err, errlen,
                     "%s: the download is not a usable OSV zip (%s); the database "
                     "was not changed",
                     f[i].ecosystem, why);
            goto out;
        }
    }
    if (advisory_build_commit(b, err, errlen)) {
        b = NULL;
        goto out;
    }
    b = NULL;
    rep->changed = 1;
    rc = 0;
out:
    advisory_build_abort(b);
    for (i = 0; f && i < n; i++)
        if (f[i].fd >= 0)
            close(f[i].fd);
    free(f);
    arena_free(&a);
    return rc;
}

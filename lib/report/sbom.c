/*
 * sbom.c - helpers shared by the CycloneDX and SPDX writers (see sbom.h):
 * OOM-tracking JSON building, UTF-8 repair, dates, content-derived UUIDs,
 * the image as SBOM subject, the package tree and supplier parsing.
 */
#include "sbom.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <openssl/evp.h>
#include <string.h>
#include <time.h>

void
sbom_init(struct sbom *s)
{
    arena_init(&s->arena);
    s->oom = 0;
}

void
sbom_free(struct sbom *s)
{
    if (s)
        arena_free(&s->arena);
}

/* Length of the well-formed UTF-8 sequence at p (Unicode 15, table 3-7:
 * no overlongs, no surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_seq(const unsigned char *p, size_t left)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    size_t n, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (left < n)
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

json_t *
sbom_str(struct sbom *s, const char *v)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t len = strlen(v), i = 0;
    struct buf b;
    json_t *j;

    while (i < len) {
        size_t k = utf8_seq(p + i, len - i);
        if (k == 0)
            break;
        i += k;
    }
    if (i == len) {
        j = json_stringn(v, len);
    } else {
        /* worst case three bytes (U+FFFD) per input byte */
        buf_init(&b, len * 3 + 1);
        if (buf_add(&b, v, i) != 0)
            goto oom;
        while (i < len) {
            size_t k = utf8_seq(p + i, len - i);
            int rc = k ? buf_add(&b, v + i, k) : buf_add(&b, "\xEF\xBF\xBD", 3);
            if (rc != 0)
                goto oom;
            i += k ? k : 1;
        }
        j = json_stringn(b.data, b.len);
        buf_free(&b);
    }
    if (!j)
        s->oom = 1;
    return j;
oom:
    buf_free(&b);
    s->oom = 1;
    return NULL;
}

void
sbom_set(struct sbom *s, json_t *o, const char *key, json_t *v)
{
    if (!o || !v || json_object_set_new(o, key, v) != 0)
        s->oom = 1;
}

void
sbom_set_str(struct sbom *s, json_t *o, const char *key, const char *v)
{
    if (v)
        sbom_set(s, o, key, sbom_str(s, v));
}

void
sbom_append(struct sbom *s, json_t *a, json_t *v)
{
    if (!a || !v || json_array_append_new(a, v) != 0)
        s->oom = 1;
}

json_t *
sbom_object(struct sbom *s)
{
    json_t *o = json_object();

    if (!o)
        s->oom = 1;
    return o;
}

json_t *
sbom_array(struct sbom *s)
{
    json_t *a = json_array();

    if (!a)
        s->oom = 1;
    return a;
}

/* ---- dates ---- */

static int
digits(const char *s, size_t n, int *out)
{
    size_t i;
    int v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil algorithm). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static int
days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int
sbom_parse_date(const char *s, char out[21])
{
    int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
    const char *p;
    long long t;
    time_t tt;
    struct tm tm;

    if (!s || strlen(s) < 20)
        return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60)
        return -1;
    p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
            om > 59)
            return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p != '\0')
        return -1;
    t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600LL + mi * 60LL + se -
        sign * (oh * 3600LL + om * 60LL);
    tt = (time_t)t;
    if ((long long)tt != t || !gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 0 ||
        tm.tm_year + 1900 > 9999)
        return -1;
    if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
        return -1;
    return 0;
}

void
sbom_date(const struct moat_result *res, char out[21])
{
    time_t now;
    struct tm tm;

    if (sbom_parse_date(res->image.created, out) == 0)
        return;
    now = time(NULL);
    if (gmtime_r(&now, &tm) && strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 20)
        return;
    memcpy(out, "1970-01-01T00:00:00Z", 21); /* defensive: clock unreadable */
}

/* ---- identity ---- */

int
sbom_uuid5(const unsigned char ns[16], const void *name, size_t n, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok, i, k = 0;

    if (!ctx)
        return -1;
    ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 && EVP_DigestUpdate(ctx, ns, 16) == 1 &&
         EVP_DigestUpdate(ctx, name, n) == 1 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
         mdlen >= 16;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    md[6] = (unsigned char)((md[6] & 0x0F) | 0x50); /* version 5 */
    md[8] = (unsigned char)((md[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        out[k++] = hex[md[i] >> 4];
        out[k++] = hex[md[i] & 15];
    }
    out[k] = '\0';
    return 0;
}

/* moat's UUID namespace: uuid5(NAMESPACE_URL, "https://moat.invalid/sbom"). */
static const unsigned char moat_ns[16] = {0x1c, 0xc4, 0x14, 0x03, 0x9b, 0xdd, 0x57, 0x1a,
                                          0xa1, 0x2e, 0x93, 0x97, 0x57, 0x58, 0x66, 0xb8};

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_ENSURE_ASCII)

int
sbom_dump_identified(struct sbom *s, json_t *doc, const char *key, const char *prefix,
                     FILE *out, char *err, size_t errlen)
{
    char uuid[37], *body = NULL, *id;
    int rc;

    if (s->oom)
        goto oom;
    sbom_set(s, doc, key, json_string(""));
    if (s->oom)
        goto oom;
    body = json_dumps(doc, DUMP_FLAGS);
    if (!body)
        goto oom;
    rc = sbom_uuid5(moat_ns, body, strlen(body), uuid);
    free(body);
    if (rc != 0) {
        snprintf(err, errlen, "cannot compute the document id (SHA-1 unavailable)");
        return -1;
    }
    id = arena_printf(&s->arena, "%s%s", prefix, uuid);
    if (!id)
        goto oom;
    sbom_set(s, doc, key, sbom_str(s, id));
    if (s->oom)
        goto oom;
    if (json_dumpf(doc, out, DUMP_FLAGS) != 0 || fputc('\n', out) == EOF) {
        snprintf(err, errlen, "write error");
        return -1;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory while building the SBOM");
    return -1;
}

/* ---- the image ---- */

static int
purl_safe(unsigned char c, int keep_slash)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_' || c == '~' || (keep_slash && (c == '/' || c == ':'));
}

static int
purl_enc(struct buf *b, const char *v, int keep_slash, int lower)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = 0;

    for (; *v && rc == 0; v++) {
        unsigned char c = (unsigned char)*v;
        if (lower && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (purl_safe(c, keep_slash)) {
            rc = buf_addc(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = buf_add(b, e, 3);
        }
    }
    return rc;
}

int
sbom_image(struct sbom *s, const struct moat_result *res, struct sbom_image *o)
{
    const struct moat_image *im = &res->image;
    const char *at, *slash, *colon, *last;
    char *repo;
    struct buf b;
    char sep;
    int rc;

    memset(o, 0, sizeof(*o));
    o->version = im->digest ? im->digest : im->config_digest;
    o->display = im->name ? im->name : im->reference ? im->reference
                                     : res->target    ? res->target
                                                      : "image";
    if (!im->name || !*im->name)
        return 0;
    repo = arena_strdup(&s->arena, im->name);
    if (!repo)
        goto oom;
    at = strchr(repo, '@');
    if (at)
        repo[at - repo] = '\0';
    slash = strrchr(repo, '/');
    colon = strrchr(repo, ':');
    if (colon && (!slash || colon > slash)) {
        o->tag = colon + 1;
        repo[colon - repo] = '\0';
        if (!*o->tag)
            o->tag = NULL;
    }
    if (!*repo)
        return 0;
    o->repository = repo;
    if (!im->digest || strncmp(im->digest, "sha256:", 7) != 0)
        return 0;
    slash = strrchr(repo, '/');
    last = slash ? slash + 1 : repo;
    if (!*last)
        return 0;
    buf_init(&b, MOAT_LIMIT_PATH * 4);
    rc = buf_adds(&b, "pkg:oci/");
    rc = rc ? rc : purl_enc(&b, last, 0, 1);
    rc = rc ? rc : buf_adds(&b, "@sha256%3A");
    rc = rc ? rc : purl_enc(&b, im->digest + 7, 0, 0);
    /* qualifiers in key order */
    sep = '?';
    if (im->architecture) {
        rc = rc ? rc : buf_printf(&b, "%carch=", sep);
        rc = rc ? rc : purl_enc(&b, im->architecture, 0, 0);
        sep = '&';
    }
    if (slash) {
        rc = rc ? rc : buf_printf(&b, "%crepository_url=", sep);
        rc = rc ? rc : purl_enc(&b, repo, 1, 0);
        sep = '&';
    }
    if (o->tag) {
        rc = rc ? rc : buf_printf(&b, "%ctag=", sep);
        rc = rc ? rc : purl_enc(&b, o->tag, 0, 0);
    }
    if (rc == 0)
        o->purl = arena_strdup(&s->arena, b.data);
    buf_free(&b);
    if (rc == MOAT_ETOOBIG) /* absurdly long name: no purl rather than a cut one */
        return 0;
    if (rc != 0 || !o->purl)
        goto oom;
    return 0;
oom:
    s->oom = 1;
    return -1;
}

/* ---- the package tree ---- */

static int
raw_owned(const struct moat_result *res, size_t i)
{
    long o = res->packages[i].owner;

    return o >= 0 && (size_t)o < res->npackages && (size_t)o != i;
}

int
sbom_tree(struct sbom *s, const struct moat_result *res, struct sbom_tree *t)
{
    size_t n = res->npackages, i;
    size_t bytes = (n ? n : 1) * sizeof(long);

    t->first_owned = arena_alloc(&s->arena, bytes);
    t->next_owned = arena_alloc(&s->arena, bytes);
    t->first_child = arena_alloc(&s->arena, bytes);
    t->next_child = arena_alloc(&s->arena, bytes);
    t->nested = arena_alloc(&s->arena, n ? n : 1);
    if (!t->first_owned || !t->next_owned || !t->first_child || !t->next_child || !t->nested) {
        s->oom = 1;
        return -1;
    }
    for (i = 0; i < n; i++) {
        t->first_owned[i] = t->next_owned[i] = -1;
        t->first_child[i] = t->next_child[i] = -1;
        t->nested[i] = raw_owned(res, i) && !raw_owned(res, (size_t)res->packages[i].owner);
    }
    /* pushing to the front from the end keeps each list in index order */
    for (i = n; i-- > 0;) {
        const struct moat_package *p = &res->packages[i];
        if (t->nested[i]) {
            t->next_owned[i] = t->first_owned[p->owner];
            t->first_owned[p->owner] = (long)i;
        }
        if (p->parent >= 0 && (size_t)p->parent < n && (size_t)p->parent != i) {
            t->next_child[i] = t->first_child[p->parent];
            t->first_child[p->parent] = (long)i;
        }
    }
    return 0;
}

/* ---- suppliers ---- */

static int
email_plain(const char *s, size_t n)
{
    size_t i, at = n, labels = 0, label_len = 0;

    for (i = 0; i < n; i++)
        if (s[i] == '@') {
            if (at != n)
                return 0;
            at = i;
        }
    if (at == 0 || at == n || at + 1 == n || s[0] == '.' || s[at - 1] == '.')
        return 0;
    for (i = 0; i < at; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr("._%+-", c)) ||
            (c == '.' && s[i + 1] == '.'))
            return 0;
    }
    for (i = at + 1; i <= n; i++) {
        char c = i < n ? s[i] : '.';
        if (c == '.') {
            if (label_len == 0 || s[i - 1] == '-')
                return 0;
            labels++;
            label_len = 0;
        } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   (c == '-' && label_len > 0)) {
            label_len++;
        } else {
            return 0;
        }
    }
    return labels >= 2;
}

static int
org_like(const char *name)
{
    static const char *const words[] = {
        "team", "maintainers", "maintainer", "group", "project", "developers", "foundation",
        "community", "inc", "inc.", "ltd", "ltd.", "llc", "gmbh", "corp", "corp.",
        "corporation", "organization", "organisation", "packagers", "team,", "contributors",
        "authors", "consortium", "association", "company", "co.", "limited", "s.a.", "ag",
    };
    const char *p = name;

    while (*p) {
        char w[32];
        size_t n = 0, k;
        while (*p == ' ' || *p == '\t')
            p++;
        while (*p && *p != ' ' && *p != '\t') {
            if (n + 1 < sizeof(w))
                w[n++] = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
            p++;
        }
        w[n] = '\0';
        for (k = 0; n && k < sizeof(words) / sizeof(words[0]); k++)
            if (strcmp(w, words[k]) == 0)
                return 1;
    }
    return 0;
}

int
sbom_party(struct sbom *s, const char *supplier, struct sbom_party *o)
{
    const char *lt, *gt, *name = supplier;
    size_t nn;

    memset(o, 0, sizeof(*o));
    if (!supplier)
        return 0;
    lt = strrchr(supplier, '<');
    gt = lt ? strchr(lt, '>') : NULL;
    nn = lt && gt ? (size_t)(lt - supplier) : strlen(supplier);
    str_trim(&name, &nn);
    if (lt && gt && email_plain(lt + 1, (size_t)(gt - lt - 1))) {
        o->email = arena_strndup(&s->arena, lt + 1, (size_t)(gt - lt - 1));
        if (!o->email)
            goto oom;
    }
    if (nn == 0 && o->email) {
        o->name = o->email;
    } else if (nn == 0) {
        return 0;
    } else {
        o->name = arena_strndup(&s->arena, name, nn);
        if (!o->name)
            goto oom;
    }
    o->org = org_like(o->name);
    return 0;
oom:
    s->oom = 1;
    return -1;
}

const char *
sbom_license(struct sbom *s, const char *license)
{
    const char *p = license;
    size_t n;
    char *r;

    if (!license)
        return NULL;
    n = strlen(license);
    str_trim(&p, &n);
    if (n == 0)
        return NULL;
    if (n == strlen(license))
        return license;
    r = arena_strndup(&s->arena, p, n);
    if (!r)
        s->oom = 1;
    return r;
}

size_t
sbom_failed_problems(const struct moat_result *res)
{
    size_t i, n = 0;

    for (i = 0; i < res->nproblems; i++)
        if (res->problems[i].grade >= MOAT_FAILED)
            n++;
    return n;
}

const char *
sbom_problem_line(struct sbom *s, const struct moat_problem *p)
{
    char layer[32] = "";
    char *r;

    if (p->layer >= 0)
        snprintf(layer, sizeof(layer), "layer %d: ", p->layer);
    r = arena_printf(&s->arena, "%s%s: %s%s%s", layer, p->source ? p->source : "scan",
                     p->path ? p->path : "", p->path ? ": " : "",
                     p->message ? p->message : "(no message)");
    if (!r)
        s->oom = 1;
    return r;
}

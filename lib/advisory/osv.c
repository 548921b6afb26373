/*
 * osv.c - see osv.h. The rules applied to each field, and why, are listed
 * in docs/internals/ADVISORY_DB.md ("What the loader accepts"); this file
 * follows that list in order: the document, the record's identity and
 * dates, its texts and lists, then each affected entry.
 */
#include "osv.h"
#include "analyze/purl.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The OSV-defined ecosystems (ossf/osv-schema ecosystems.json), plus the
 * rpm distributions lib/version knows that OSV feeds name. */
static const char *const ecosystems[] = {
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Amazon Linux",
    "Android",
    "BellSoft",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "CentOS",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "Fedora",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "Oracle Linux",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "Ubuntu",
    "VSCode",
    "Wolfi",
};

/* Keys of database_specific / ecosystem_specific objects whose string
 * values are kept as severity hints: GHSA's "severity": "HIGH", Debian's
 * urgency, Ubuntu's priority, RustSec's "cvss" and "informational"
 * ("unmaintained", "unsound"). */
static const char *const severity_keys[] = {
    "severity", "urgency", "priority", "cvss", "informational",
};

struct ctx {
    struct arena *a;
    struct osv_error *e;
    struct buf b; /* scratch for encodings */
    int oom;
};

static int fail(struct ctx *c, enum moat_db_skip why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ctx *c, enum moat_db_skip why, const char *fmt, ...)
{
    va_list ap;

    c->e->reason = why;
    va_start(ap, fmt);
    vsnprintf(c->e->msg, sizeof(c->e->msg), fmt, ap);
    va_end(ap);
    return -1;
}

const char *
osv_ecosystem_canonical(const char *base, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++)
        if (strlen(ecosystems[i]) == n && strncasecmp(ecosystems[i], base, n) == 0)
            return ecosystems[i];
    return NULL;
}

const char *
osv_name_key(struct arena *a, const char *ecosystem, const char *name)
{
    char *k;

    if (strcmp(ecosystem, "PyPI") == 0)
        return pypi_normalize(a, name);
    if (strcmp(ecosystem, "NuGet") == 0 || strcmp(ecosystem, "Packagist") == 0) {
        k = arena_strdup(a, name);
        if (k)
            str_lower(k);
        return k;
    }
    return name;
}

/* ---- time ---- */

static int
digits(const char *s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int
osv_parse_time(const char *s, int64_t *out)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec, usec = 0, off = 0, dim, i;
    const char *p;

    /* YYYY-MM-DDTHH:MM:SS is 19 bytes; the checks below stop at the first
     * byte that does not fit, so a short string never reads past its NUL */
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
        return -1;
    dim = mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d > dim)
        return -1;
    p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        for (i = 0; *p >= '0' && *p <= '9'; p++, i++) {
            if (i >= 9)
                return -1; /* more than nanoseconds: not a time anyone wrote */
            if (i < 6)
                usec = usec * 10 + (*p - '0');
        }
        for (; i < 6; i++)
            usec *= 10;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    }
    /* no zone at all: read as UTC (RFC 3339 requires one; some converters
     * drop it, and the hour is all that is at stake) */
    if (*p)
        return -1;
    *out = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off) * 1000000) + usec;
    return 0;
}

/* ---- strings ---- */

/* 1 when s[0..n) has a control character (the storage separators among
 * them). */
static int
has_control(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

/* A string field that must be an identifier-like token (id, alias, severity
 * type): printable ASCII without spaces. Returns the string, or NULL after
 * recording why. */
static const char *
get_id(struct ctx *c, const json_t *v, const char *where)
{
    const char *s;
    size_t n, i;

    if (!json_is_string(v)) {
        fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: not a string", where);
        return NULL;
    }
    s = json_string_value(v);
    n = json_string_length(v);
    if (n == 0 || strlen(s) != n) {
        fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: empty", where);
        return NULL;
    }
    if (n > MOAT_LIMIT_OSV_ID) {
        fail(c, MOAT_DB_SKIP_HUGE_STRING, "%s: %zu bytes, more than %d", where, n,
             MOAT_LIMIT_OSV_ID);
        return NULL;
    }
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f) {
            fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: byte 0x%02x in an identifier", where,
                 (unsigned char)s[i]);
            return NULL;
        }
    return s;
}

/* A name, version or purl: non-empty UTF-8 (jansson checked that) without
 * control characters, at most max bytes. */
static const char *
get_token(struct ctx *c, const json_t *v, size_t max, const char *where)
{
    const char *s;
    size_t n;

    if (!json_is_string(v)) {
        fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: not a string", where);
        return NULL;
    }
    s = json_string_value(v);
    n = json_string_length(v);
    if (n == 0) {
        fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: empty", where);
        return NULL;
    }
    if (n > max) {
        fail(c, MOAT_DB_SKIP_HUGE_STRING, "%s: %zu bytes, more than %zu", where, n, max);
        return NULL;
    }
    if (strlen(s) != n || has_control(s, n)) {
        fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: control character", where);
        return NULL;
    }
    return s;
}

/* Free text cut at max bytes on a UTF-8 character boundary. */
static const char *
get_text(struct ctx *c, const json_t *v, size_t max, unsigned *flags, const char *where)
{
    const char *s;
    size_t n;
    char *t;

    if (!json_is_string(v)) {
        fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: not a string", where);
        return NULL;
    }
    s = json_string_value(v);
    n = strlen(s);
    if (n <= max)
        return s;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    *flags |= OSV_TRUNCATED;
    t = arena_strndup(c->a, s, n);
    if (!t)
        c->oom = 1;
    return t;
}

/* Copies the scratch buffer into the arena ("" when empty). */
static const char *
take(struct ctx *c)
{
    char *s;

    if (c->b.len == 0)
        return "";
    s = arena_memdup(c->a, c->b.data, c->b.len + 1);
    if (!s)
        c->oom = 1;
    buf_reset(&c->b);
    return s;
}

/* Appends a line to the scratch buffer ('\n' between lines). */
static int
add_line(struct ctx *c, const char *s)
{
    int rc = 0;

    if (c->b.len)
        rc = buf_addc(&c->b, '\n');
    if (!rc)
        rc = buf_adds(&c->b, s);
    if (rc == MOAT_ENOMEM)
        c->oom = 1;
    return rc;
}

/* ---- lists ---- */

/* aliases / related / upstream: absent, null, or an array of ids (related
 * may also hold {"type", "id"} objects, schema 1.7). */
static int
id_list(struct ctx *c, const json_t *root, const char *key, const char **out)
{
    const json_t *arr = json_object_get(root, key), *v;
    char where[64];
    size_t i;

    *out = "";
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: not an array", key);
    json_array_foreach(arr, i, v)
    {
        const char *id;
        snprintf(where, sizeof(where), "%s[%zu]", key, i);
        if (json_is_object(v))
            v = json_object_get(v, "id");
        id = get_id(c, v, where);
        if (!id || add_line(c, id))
            return -1;
    }
    *out = take(c);
    return 0;
}

/* A severity array (record- or entry-level) into "TYPE\tSCORE" lines. */
static int
severity_list(struct ctx *c, const json_t *arr, const char *where)
{
    const json_t *v;
    char w[256];
    size_t i;

    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: not an array", where);
    json_array_foreach(arr, i, v)
    {
        const char *type, *score;
        if (!json_is_object(v))
            return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s[%zu]: not an object", where, i);
        snprintf(w, sizeof(w), "%s[%zu].type", where, i);
        type = get_id(c, json_object_get(v, "type"), w);
        if (!type)
            return -1;
        snprintf(w, sizeof(w), "%s[%zu].score", where, i);
        score = get_token(c, json_object_get(v, "score"), MOAT_LIMIT_OSV_ID, w);
        if (!score)
            return -1;
        if (add_line(c, type) || buf_addc(&c->b, '\t') || buf_adds(&c->b, score)) {
            c->oom = 1;
            return -1;
        }
    }
    return 0;
}

/* Severity hints from a database_specific / ecosystem_specific object:
 * "<label>.<key>\tVALUE" for string values of the keys above. The objects
 * are free-form, so anything else in them is ignored, never an error. */
static int
severity_hints(struct ctx *c, const json_t *obj, const char *label)
{
    size_t i;

    if (!json_is_object(obj))
        return 0;
    for (i = 0; i < sizeof(severity_keys) / sizeof(severity_keys[0]); i++) {
        const json_t *v = json_object_get(obj, severity_keys[i]);
        const char *s;
        size_t n;
        if (!json_is_string(v))
            continue;
        s = json_string_value(v);
        n = json_string_length(v);
        if (n == 0 || n > MOAT_LIMIT_OSV_ID || strlen(s) != n || has_control(s, n))
            continue;
        if (add_line(c, label) || buf_addc(&c->b, '.') || buf_adds(&c->b, severity_keys[i]) ||
            buf_addc(&c->b, '\t') || buf_adds(&c->b, s)) {
            c->oom = 1;
            return -1;
        }
    }
    return 0;
}

/* references: the first MOAT_LIMIT_OSV_REFS usable URLs. */
static int
ref_list(struct ctx *c, const json_t *root, const char **out)
{
    const json_t *arr = json_object_get(root, "references"), *v;
    size_t i, kept = 0;

    *out = "";
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "references: not an array");
    json_array_foreach(arr, i, v)
    {
        const json_t *u;
        const char *s;
        size_t n, j;
        int ok = 1;
        if (!json_is_object(v))
            return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "references[%zu]: not an object", i);
        u = json_object_get(v, "url");
        if (!json_is_string(u))
            return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "references[%zu].url: not a string", i);
        if (kept >= MOAT_LIMIT_OSV_REFS)
            continue;
        s = json_string_value(u);
        n = json_string_length(u);
        /* a URL with spaces or controls is not one; dropped, not fatal */
        for (j = 0; j < n && ok; j++)
            ok = (unsigned char)s[j] > 0x20 && s[j] != 0x7f;
        if (!ok || n == 0 || n > MOAT_LIMIT_OSV_URL || strlen(s) != n)
            continue;
        if (add_line(c, s))
            return -1;
        kept++;
    }
    *out = take(c);
    return 0;
}

/* ---- affected ---- */

static const struct {
    const char *key;
    char code;
} event_kinds[] = {
    {"introduced", 'i'},
    {"fixed", 'f'},
    {"last_affected", 'l'},
    {"limit", 'm'},
};

/* One range: GIT ranges are validated and counted; ECOSYSTEM and SEMVER
 * ranges are appended to the scratch buffer as TYPE then \t-separated
 * events, each a kind letter followed by the version. */
static int
one_range(struct ctx *c, const json_t *r, const char *where, struct osv_affected *af)
{
    const json_t *type = json_object_get(r, "type"), *events, *ev;
    const char *t;
    char code, w[256];
    int introduced = 0, fixed = 0, last = 0;
    size_t i, k;

    if (!json_is_object(r))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: not an object", where);
    if (!type)
        return fail(c, MOAT_DB_SKIP_MISSING_FIELD, "%s.type: missing", where);
    if (!json_is_string(type))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s.type: not a string", where);
    t = json_string_value(type);
    if (strcmp(t, "ECOSYSTEM") == 0)
        code = 'E';
    else if (strcmp(t, "SEMVER") == 0)
        code = 'S';
    else if (strcmp(t, "GIT") == 0)
        code = 'G';
    else
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD,
                    "%s.type: '%.40s' is not GIT, SEMVER or ECOSYSTEM", where, t);
    events = json_object_get(r, "events");
    if (!events)
        return fail(c, MOAT_DB_SKIP_MISSING_FIELD, "%s.events: missing", where);
    if (!json_is_array(events) || json_array_size(events) == 0)
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s.events: not a non-empty array", where);
    if (code != 'G') {
        if (c->b.len && buf_addc(&c->b, '\n'))
            goto oom;
        if (buf_addc(&c->b, code))
            goto oom;
    }
    json_array_foreach(events, i, ev)
    {
        const char *version = NULL, *kind = NULL;
        char kcode = 0;
        if (!json_is_object(ev))
            return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s.events[%zu]: not an object", where, i);
        /* exactly one of the four event keys (others are ignored: the
         * schema does not forbid extra keys, only two events in one) */
        for (k = 0; k < sizeof(event_kinds) / sizeof(event_kinds[0]); k++) {
            const json_t *v = json_object_get(ev, event_kinds[k].key);
            if (!v)
                continue;
            if (kind)
                return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s.events[%zu]: both %s and %s", where,
                            i, kind, event_kinds[k].key);
            kind = event_kinds[k].key;
            kcode = event_kinds[k].code;
            snprintf(w, sizeof(w), "%s.events[%zu].%s", where, i, kind);
            version = get_token(c, v, MOAT_LIMIT_PKG_NAME, w);
            if (!version)
                return -1;
        }
        if (!kind)
            return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s.events[%zu]: no event", where, i);
        introduced += kcode == 'i';
        fixed += kcode == 'f';
        last += kcode == 'l';
        if (code != 'G' &&
            (buf_addc(&c->b, '\t') || buf_addc(&c->b, kcode) || buf_adds(&c->b, version)))
            goto oom;
    }
    if (!introduced)
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s.events: no introduced event", where);
    if (fixed && last)
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD,
                    "%s.events: both fixed and last_affected (the schema allows one)", where);
    if (code == 'G')
        af->git_ranges++;
    else
        af->nranges++;
    return 0;
oom:
    c->oom = 1;
    return -1;
}

/* Returns 0 (entry filled), 1 (entry of an unknown ecosystem or without a
 * package to match: left out), or -1 (record rejected). */
static int
one_affected(struct ctx *c, const json_t *v, size_t idx, struct osv_affected *af)
{
    const json_t *pkg, *eco, *name, *purl, *ranges, *versions, *x;
    const char *es, *colon, *canon;
    char where[128];
    size_t n, i;

    if (!json_is_object(v))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "affected[%zu]: not an object", idx);
    pkg = json_object_get(v, "package");
    ranges = json_object_get(v, "ranges");
    versions = json_object_get(v, "versions");
    if (ranges && !json_is_null(ranges) && !json_is_array(ranges))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "affected[%zu].ranges: not an array", idx);
    if (versions && !json_is_null(versions) && !json_is_array(versions))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "affected[%zu].versions: not an array", idx);
    if (!pkg || json_is_null(pkg)) {
        /* schema 1.7 lets a GIT-only entry (a C library known by its
         * repository) go without a package: nothing moat can look up */
        json_array_foreach(ranges, i, x)
        {
            const char *t = json_obj_str(x, "type");
            if (t && strcmp(t, "GIT") == 0)
                return 1;
        }
        return fail(c, MOAT_DB_SKIP_MISSING_FIELD, "affected[%zu].package: missing", idx);
    }
    if (!json_is_object(pkg))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "affected[%zu].package: not an object", idx);
    eco = json_object_get(pkg, "ecosystem");
    name = json_object_get(pkg, "name");
    purl = json_object_get(pkg, "purl");
    if (!eco)
        return fail(c, MOAT_DB_SKIP_MISSING_FIELD, "affected[%zu].package.ecosystem: missing", idx);
    if (!name)
        return fail(c, MOAT_DB_SKIP_MISSING_FIELD, "affected[%zu].package.name: missing", idx);
    snprintf(where, sizeof(where), "affected[%zu].package.ecosystem", idx);
    es = get_token(c, eco, MOAT_LIMIT_OSV_ID, where);
    if (!es)
        return -1;
    snprintf(where, sizeof(where), "affected[%zu].package.name", idx);
    af->name = get_token(c, name, MOAT_LIMIT_PKG_NAME, where);
    if (!af->name)
        return -1;
    if (purl && !json_is_null(purl)) {
        snprintf(where, sizeof(where), "affected[%zu].package.purl", idx);
        af->purl = get_token(c, purl, MOAT_LIMIT_PKG_NAME, where);
        if (!af->purl)
            return -1;
    }
    colon = strchr(es, ':');
    n = colon ? (size_t)(colon - es) : strlen(es);
    canon = osv_ecosystem_canonical(es, n);
    if (!canon)
        return 1;
    af->ecosystem = canon;
    af->release = colon ? colon + 1 : "";
    af->key = osv_name_key(c->a, canon, af->name);
    if (!af->key) {
        c->oom = 1;
        return -1;
    }
    json_array_foreach(ranges, i, x)
    {
        snprintf(where, sizeof(where), "affected[%zu].ranges[%zu]", idx, i);
        if (one_range(c, x, where, af))
            return -1;
    }
    af->ranges = take(c);
    json_array_foreach(versions, i, x)
    {
        const char *ver;
        snprintf(where, sizeof(where), "affected[%zu].versions[%zu]", idx, i);
        ver = get_token(c, x, MOAT_LIMIT_PKG_NAME, where);
        if (!ver || add_line(c, ver))
            return -1;
    }
    af->nversions = json_is_array(versions) ? json_array_size(versions) : 0;
    af->versions = take(c);
    snprintf(where, sizeof(where), "affected[%zu].severity", idx);
    if (severity_list(c, json_object_get(v, "severity"), where))
        return -1;
    x = json_object_get(v, "ecosystem_specific");
    if (x && !json_is_null(x) && !json_is_object(x))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD,
                    "affected[%zu].ecosystem_specific: not an object", idx);
    if (severity_hints(c, x, "ecosystem_specific"))
        return -1;
    x = json_object_get(v, "database_specific");
    if (x && !json_is_null(x) && !json_is_object(x))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "affected[%zu].database_specific: not an object",
                    idx);
    if (severity_hints(c, x, "database_specific"))
        return -1;
    af->severity = take(c);
    return 0;
}

/* ---- the record ---- */

static int
time_field(struct ctx *c, const json_t *root, const char *key, int required, const char **text,
           int64_t *t)
{
    const json_t *v = json_object_get(root, key);
    int64_t dummy;

    *text = NULL;
    if (!v || (json_is_null(v) && !required)) {
        if (required)
            return fail(c, MOAT_DB_SKIP_MISSING_FIELD, "%s: missing", key);
        return 0;
    }
    if (!json_is_string(v))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: not a string", key);
    if (json_string_length(v) > 64 || osv_parse_time(json_string_value(v), t ? t : &dummy) != 0)
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "%s: '%.40s' is not an RFC 3339 time", key,
                    json_string_value(v));
    *text = json_string_value(v);
    return 0;
}

static int
record(struct ctx *c, const json_t *root, struct osv_record *r)
{
    const json_t *v, *aff;
    size_t i, kept = 0;
    int rc;

    if (!json_is_object(root))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "not a JSON object");
    v = json_object_get(root, "id");
    if (!v)
        return fail(c, MOAT_DB_SKIP_MISSING_FIELD, "id: missing");
    r->id = get_id(c, v, "id");
    if (!r->id)
        return -1;
    if (time_field(c, root, "modified", 1, &r->modified_text, &r->modified) ||
        time_field(c, root, "published", 0, &r->published, NULL) ||
        time_field(c, root, "withdrawn", 0, &r->withdrawn, NULL))
        return -1;
    if (r->withdrawn)
        r->flags |= OSV_WITHDRAWN;
    if (strncmp(r->id, "MAL-", 4) == 0)
        r->flags |= OSV_MALWARE;
    v = json_object_get(root, "schema_version");
    if (v && !json_is_null(v)) {
        r->schema_version = get_id(c, v, "schema_version");
        if (!r->schema_version)
            return -1;
    }
    v = json_object_get(root, "summary");
    if (v && !json_is_null(v)) {
        r->summary = get_text(c, v, MOAT_LIMIT_OSV_SUMMARY, &r->flags, "summary");
        if (!r->summary)
            return -1;
    }
    v = json_object_get(root, "details");
    if (v && !json_is_null(v)) {
        r->details = get_text(c, v, MOAT_LIMIT_OSV_DETAILS, &r->flags, "details");
        if (!r->details)
            return -1;
    }
    if (id_list(c, root, "aliases", &r->aliases) || id_list(c, root, "related", &r->related) ||
        id_list(c, root, "upstream", &r->upstream) || ref_list(c, root, &r->refs))
        return -1;
    if (severity_list(c, json_object_get(root, "severity"), "severity"))
        return -1;
    v = json_object_get(root, "database_specific");
    if (v && !json_is_null(v) && !json_is_object(v))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "database_specific: not an object");
    if (severity_hints(c, v, "database_specific"))
        return -1;
    r->severity = take(c);

    aff = json_object_get(root, "affected");
    if (!aff || json_is_null(aff) || (json_is_array(aff) && json_array_size(aff) == 0))
        return fail(c, MOAT_DB_SKIP_MISSING_FIELD, "affected: missing or empty");
    if (!json_is_array(aff))
        return fail(c, MOAT_DB_SKIP_INVALID_FIELD, "affected: not an array");
    r->affected = arena_alloc(c->a, json_array_size(aff) * sizeof(*r->affected));
    if (!r->affected) {
        c->oom = 1;
        return -1;
    }
    json_array_foreach(aff, i, v)
    {
        struct osv_affected *af = &r->affected[kept];
        rc = one_affected(c, v, i, af);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            memset(af, 0, sizeof(*af));
            r->dropped++;
            continue;
        }
        kept++;
    }
    r->naffected = kept;
    if (kept == 0)
        return fail(c, MOAT_DB_SKIP_UNKNOWN_ECOSYSTEM,
                    "affected: no package in an ecosystem moat knows");
    return 0;
}

/* Strings of a validated record still point into the JSON tree, which is
 * freed: copy them into the arena. */
static int
dup_into(struct arena *a, const char **s)
{
    char *d;

    if (!*s)
        return 0;
    d = arena_strdup(a, *s);
    if (!d)
        return MOAT_ENOMEM;
    *s = d;
    return 0;
}

static int
copy_out(struct arena *a, struct osv_record *r)
{
    const char **f[] = {&r->id,        &r->schema_version, &r->modified_text, &r->published,
                        &r->withdrawn, &r->summary,        &r->details};
    size_t i, j;

    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (dup_into(a, f[i]))
            return MOAT_ENOMEM;
    for (i = 0; i < r->naffected; i++) {
        struct osv_affected *af = &r->affected[i];
        const char **g[] = {&af->release, &af->name, &af->purl};
        int same = af->key == af->name;
        for (j = 0; j < sizeof(g) / sizeof(g[0]); j++)
            if (dup_into(a, g[j]))
                return MOAT_ENOMEM;
        if (same)
            af->key = af->name;
    }
    return 0;
}

int
osv_parse(const char *p, size_t n, struct arena *a, struct osv_record **out, struct osv_error *e)
{
    struct ctx c = {.a = a, .e = e};
    struct osv_record *r;
    char jerr[200];
    int dup = 0, rc;
    json_t *root;

    *out = NULL;
    e->reason = MOAT_DB_SKIP_INVALID_FIELD;
    e->msg[0] = '\0';
    if (n > MOAT_LIMIT_OSV_RECORD) {
        fail(&c, MOAT_DB_SKIP_TOO_LARGE, "%zu bytes, more than the %u-byte limit", n,
             (unsigned)MOAT_LIMIT_OSV_RECORD);
        return 1;
    }
    root = json_parse_untrusted(p, n, MOAT_LIMIT_OSV_RECORD, MOAT_LIMIT_JSON_DEPTH, &dup, jerr,
                                sizeof(jerr));
    if (!root) {
        /* json_parse_untrusted words its depth refusal "nested deeper" */
        fail(&c, strstr(jerr, "nested deeper") ? MOAT_DB_SKIP_TOO_DEEP : MOAT_DB_SKIP_BAD_JSON,
             "%s", jerr);
        return 1;
    }
    if (dup) {
        /* two values for one key: readers disagree on which counts */
        json_decref(root);
        fail(&c, MOAT_DB_SKIP_BAD_JSON, "duplicate keys in an object");
        return 1;
    }
    r = arena_alloc(a, sizeof(*r));
    buf_init(&c.b, MOAT_LIMIT_OSV_RECORD);
    if (!r) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    rc = record(&c, root, r) ? 1 : 0;
    if (c.oom) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    if (rc == 0) {
        rc = copy_out(a, r);
        if (rc == 0)
            *out = r;
    }
out:
    buf_free(&c.b);
    json_decref(root);
    return rc;
}

/*
 * secrets.c - the secret detector: credentials, tokens and private keys in
 * the image's text files and in its config (ENV, labels, history).
 *
 * All rules (secret_rules.c, plus the user's) are compiled once per scan
 * into one Hyperscan streaming database shared read-only by every worker.
 * Each text file is searched as a stream while the layer flows past: no
 * second read, no temporary file, no whole-file buffer. A match gives the
 * start (leftmost SOM) and end of a rule's shortest convincing shape; the
 * value is then extended and judged (entropy, placeholders, boundaries) from
 * a look-behind ring of the last bytes of the stream plus the current chunk.
 * The judgement waits until the line of the match has ended (or enough bytes
 * followed it), so chunk boundaries never cut a value.
 *
 * Hyperscan scratch space is not thread-safe: each file in flight borrows a
 * search context (scratch, stream, ring) from a pool in the shared state and
 * returns it when the file ends, so a worker costs one context and a file
 * costs no allocation. Only text files are searched: a file whose first KiB
 * holds a NUL byte or starts with a binary magic number is skipped.
 *
 * Secrets are never kept: a finding carries the rule, the line, and a
 * redacted form of the value (secret_redact). Files owned by distro
 * packages are only known after the merge, so their findings are dropped in
 * finish (unless secrets_in_packages), consistently for every layer.
 */
#include "analyze/analyzer.h"
#include "analyze/finish.h"
#include "base/b64.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/map.h"
#include "base/str.h"
#include "secret_rules.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hs/hs.h>

/* Bytes before a match the judgement may look at: a key name walked back
 * from its keyword, a token walked back from its middle, a URL scheme. */
#define BACK 512
/* Bytes kept behind the current chunk: a pending match may start this far
 * back (its value can need MOAT_LIMIT_SECRET_VALUE bytes after its end, and
 * the match itself is at most MOAT_LIMIT_SECRET_MATCH long). Power of two. */
#define RING 8192
_Static_assert(RING >= BACK + MOAT_LIMIT_SECRET_MATCH + MOAT_LIMIT_SECRET_VALUE + 2,
               "the ring must hold a match, what precedes it and its value");
/* Bytes looked at to tell text from binary. */
#define SNIFF 1024
/* Matches waiting for the rest of their line. */
#define MAX_PENDING 64
/* Longest key name and host shown in evidence. */
#define SHOW_KEY 48
#define SHOW_HOST 64
#define DETAIL 192

/* Rule ids of findings in the image config (not in the rule table). */
#define ID_ENV "config-env-secret"
#define ID_LABEL "config-label-secret"
#define ID_ARG "config-build-arg"

struct pending {
    uint32_t rule;
    uint64_t from, to;
};

/* An accepted secret of the file (or config string) being searched. */
struct hit {
    uint32_t rule;
    uint64_t hash;             /* of the value: one finding per value */
    uint64_t offset, line;     /* of the value */
    size_t len;                /* of the value */
    char detail[DETAIL];       /* redacted; never the secret */
};

/* A search context: borrowed from the pool for one file. */
struct scan {
    struct secrets_db *db;
    hs_stream_t *stream;       /* of the general database */
    hs_stream_t *pstream;      /* of the path rules' database, or NULL */
    int use_path;              /* the file is one the path rules are for */
    hs_scratch_t *scratch;
    const char *path;          /* image path of the file, NULL for config text */
    const char *base;
    int test_path;
    uint64_t pos;              /* bytes of the stream before the current chunk */
    uint64_t lines;            /* line breaks in them */
    const unsigned char *chunk;
    size_t chunk_len;
    /* The line of chunk offset memo_at, once line_of has counted up to it:
     * matches come in order, so the next count starts there (a line of
     * 100 MiB holding thousands of candidates is counted once, not once
     * per candidate). Valid while memo_ok, for the current chunk only. */
    int memo_ok;
    size_t memo_at;
    uint64_t memo_line;
    uint64_t raw;              /* matches reported by Hyperscan */
    int halted;                /* raw exceeded MOAT_LIMIT_SECRET_HITS */
    size_t dropped;            /* secrets beyond MOAT_LIMIT_SECRET_FINDINGS */
    struct pending pend[MAX_PENDING];
    size_t npend;
    struct hit *hits;
    size_t nhits, caphits;
    unsigned char ring[RING];  /* the last RING bytes before pos */
    unsigned char win[RING + 2];
    unsigned char sniff[SNIFF];
    struct scan *next_free;
};

/* The rules are compiled into two databases: the general one searched in
 * every text file, and the rules tied to file names (.pgpass, .netrc,
 * kubeconfig...), searched only in those files: their patterns start with
 * character classes, which would slow every other file down. Hyperscan ids
 * are indexes into rules[] in both. */
struct secrets_db {
    hs_database_t *db;
    hs_database_t *pdb;               /* NULL when no rule is tied to a path */
    const struct secret_rule **rules; /* Hyperscan id -> rule */
    size_t nrules;
    struct secret_rule *custom;       /* the user's rules (strings in cfg) */
    size_t ncustom;
    struct secret_config cfg;
    int in_packages;
    hs_scratch_t *proto;
    pthread_mutex_t lock;
    struct scan *free_list;
    unsigned *line;                   /* Hyperscan id -> line of a user rule, or 0 */
    unsigned char *off;               /* Hyperscan id -> allowed everywhere */
};

/* The fixed per-file state (calloc'd by the dispatcher for every file we
 * want, so it stays small: the search context is borrowed only for text). */
struct file_state {
    struct secrets_db *db;
    struct scan *s;
    const char *path;
    uint64_t size, seen, searched;
    size_t nsniff;
    int decided, skip, capped;
};

/* ---- the context pool ---- */

static struct scan *
scan_get(struct secrets_db *db)
{
    struct scan *s;

    pthread_mutex_lock(&db->lock);
    s = db->free_list;
    if (s)
        db->free_list = s->next_free;
    pthread_mutex_unlock(&db->lock);
    if (s)
        return s;
    s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->db = db;
    pthread_mutex_lock(&db->lock); /* the prototype is shared: clone one at a time */
    if (hs_clone_scratch(db->proto, &s->scratch) != HS_SUCCESS)
        s->scratch = NULL;
    pthread_mutex_unlock(&db->lock);
    if (!s->scratch || hs_open_stream(db->db, 0, &s->stream) != HS_SUCCESS ||
        (db->pdb && hs_open_stream(db->pdb, 0, &s->pstream) != HS_SUCCESS)) {
        if (s->stream)
            hs_close_stream(s->stream, NULL, NULL, NULL);
        if (s->scratch)
            hs_free_scratch(s->scratch);
        free(s);
        return NULL;
    }
    return s;
}

/* Is path (or its base name) one that a path rule is for? */
static int
path_rules_apply(const struct secrets_db *db, const char *path, const char *base)
{
    size_t i;

    if (!db->pdb || !path)
        return 0;
    for (i = 0; i < db->nrules; i++) {
        const struct secret_rule *r = db->rules[i];
        if ((r->path_base && strcmp(base, r->path_base) == 0) ||
            (r->path_has && strstr(path, r->path_has)))
            return 1;
    }
    return 0;
}

/* Resets s for a new stream (without reporting what the old one left). */
static void
scan_reset(struct scan *s, const char *path)
{
    hs_reset_stream(s->stream, 0, NULL, NULL, NULL);
    if (s->pstream)
        hs_reset_stream(s->pstream, 0, NULL, NULL, NULL);
    s->path = path;
    s->base = path ? (strrchr(path, '/') ? strrchr(path, '/') + 1 : path) : NULL;
    s->use_path = path_rules_apply(s->db, path, s->base);
    s->test_path = path ? secret_test_path(path) : 0;
    s->pos = s->lines = s->raw = 0;
    s->halted = 0;
    s->dropped = 0;
    s->chunk = NULL;
    s->chunk_len = 0;
    s->memo_ok = 0;
    s->npend = 0;
    s->nhits = 0;
}

static void
scan_put(struct scan *s)
{
    struct secrets_db *db;

    if (!s)
        return;
    db = s->db;
    if (s->caphits > 256) { /* a file full of secrets: do not keep its list */
        free(s->hits);
        s->hits = NULL;
        s->caphits = 0;
    }
    pthread_mutex_lock(&db->lock);
    s->next_free = db->free_list;
    db->free_list = s;
    pthread_mutex_unlock(&db->lock);
}

static void
scan_destroy(struct scan *s)
{
    hs_close_stream(s->stream, NULL, NULL, NULL);
    if (s->pstream)
        hs_close_stream(s->pstream, NULL, NULL, NULL);
    hs_free_scratch(s->scratch);
    free(s->hits);
    free(s);
}

/* ---- reading back the bytes around a match ---- */

/* Line breaks in [p, p+n), eight bytes at a time. Every byte of every text
 * file passes here, so no popcount (a libgcc call without -mpopcnt): each
 * byte lane of acc counts the breaks seen in it, and is summed before it
 * can overflow (255 rounds). */
static uint64_t
count_lines(const unsigned char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, nl = ones * '\n', low7 = ones * 0x7f;
    const uint64_t even = 0x00ff00ff00ff00ffULL;
    uint64_t c = 0;
    size_t i = 0;

    while (i + 8 <= n) {
        uint64_t acc = 0;
        unsigned r;
        for (r = 0; r < 255 && i + 8 <= n; r++, i += 8) {
            uint64_t w, x;
            memcpy(&w, p + i, 8);
            x = w ^ nl;
            /* the high bit of each byte is set exactly for the zero bytes of x */
            acc += (~(((x & low7) + low7) | x | low7)) >> 7;
        }
        /* four 16-bit sums of two lanes each (<= 510), then their sum */
        acc = (acc & even) + ((acc >> 8) & even);
        c += (acc * 0x0001000100010001ULL) >> 48;
    }
    for (; i < n; i++)
        c += p[i] == '\n';
    return c;
}

/* Bytes available now: the ring holds [avail_lo, pos), the chunk [pos, hi). */
static uint64_t
avail_lo(const struct scan *s)
{
    return s->pos > RING ? s->pos - RING : 0;
}

static uint64_t
avail_hi(const struct scan *s)
{
    return s->pos + s->chunk_len;
}

/* Copies stream bytes [lo, hi) (within the available range) to out. */
static void
copy_range(const struct scan *s, uint64_t lo, uint64_t hi, unsigned char *out)
{
    while (lo < hi && lo < s->pos) {
        size_t at = (size_t)(lo & (RING - 1)), n = RING - at;
        if (n > s->pos - lo)
            n = (size_t)(s->pos - lo);
        if (n > hi - lo)
            n = (size_t)(hi - lo);
        memcpy(out, s->ring + at, n);
        out += n;
        lo += n;
    }
    if (lo < hi)
        memcpy(out, s->chunk + (lo - s->pos), (size_t)(hi - lo));
}

/* 1-based line number of stream offset off (which must be available). */
static uint64_t
line_of(struct scan *s, uint64_t off)
{
    uint64_t lo = avail_lo(s), n;
    unsigned char tmp[512];

    if (off >= s->pos) {
        size_t at = (size_t)(off - s->pos);
        if (!s->memo_ok || at < s->memo_at) {
            s->memo_at = 0;
            s->memo_line = s->lines + 1;
            s->memo_ok = 1;
        }
        s->memo_line += count_lines(s->chunk + s->memo_at, at - s->memo_at);
        s->memo_at = at;
        return s->memo_line;
    }
    if (off < lo)
        off = lo;
    n = 0;
    while (off < s->pos) {
        uint64_t k = s->pos - off < sizeof(tmp) ? s->pos - off : sizeof(tmp);
        copy_range(s, off, off + k, tmp);
        n += count_lines(tmp, (size_t)k);
        off += k;
    }
    return s->lines - n + 1;
}

/* ---- judging a match ---- */

static int
is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int
is_keyc(unsigned char c)
{
    return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

static void
show(char *out, size_t outlen, const unsigned char *p, size_t n)
{
    size_t i;

    if (outlen == 0)
        return;
    if (n >= outlen)
        n = outlen - 1;
    for (i = 0; i < n; i++)
        out[i] = (p[i] >= ' ' && p[i] < 0x7f) ? (char)p[i] : '?';
    out[n] = '\0';
}

/* base64 of "user:password" with printable bytes and a non-empty password */
static int
userpass_ok(const unsigned char *p, size_t n)
{
    unsigned char dec[512];
    /* what decodes up to the first byte outside the alphabet */
    size_t k = (size_t)b64_decode((const char *)p, n, B64_PREFIX, dec, sizeof(dec)), i, colon = 0;

    if (k < 3)
        return 0;
    for (i = 0; i < k; i++) {
        if (dec[i] < ' ' || dec[i] >= 0x7f)
            return 0;
        if (dec[i] == ':' && !colon)
            colon = i + 1;
    }
    return colon > 1 && colon < k;
}

/* three base64url parts, the first a JSON header naming "alg" */
static int
jwt_ok(const unsigned char *p, size_t n)
{
    unsigned char dec[512];
    const unsigned char *d1 = memchr(p, '.', n), *d2;
    size_t k;

    if (!d1)
        return 0;
    d2 = memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - p));
    if (!d2 || d2 + 1 >= p + n)
        return 0;
    k = (size_t)b64_decode((const char *)p, (size_t)(d1 - p), B64_PREFIX | B64_URL, dec,
                           sizeof(dec) - 1);
    dec[k] = '\0';
    return k > 2 && dec[0] == '{' && mem_find(dec, k, "\"alg\"", 5) != NULL;
}

static int
url_password_word(const unsigned char *p, size_t n)
{
    static const char *const words[] = {"password", "passwd", "pass", "pwd", "pw", "secret",
                                        "token", "user", "username", "xxx", "***", "changeme"};
    char low[16];
    size_t i;

    if (n >= sizeof(low))
        return 0;
    for (i = 0; i < n; i++)
        low[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
    low[n] = '\0';
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(low, words[i]) == 0)
            return 1;
    return p[0] == '{' || p[0] == '[' || p[0] == '%';
}

/* Where the secret is, inside the window. */
struct extracted {
    size_t v0, v1;             /* value */
    size_t k0, k1;             /* key name, if any */
    size_t u0, u1, h0, h1;     /* URL user and host */
    int quoted, unterminated;
    int comparison;            /* "==", "!=", "<=": code comparing, not assigning */
};

/* key <sep> value around w[m0..m1), value extended over cs up to max bytes.
 * The regex may start at a keyword inside the key ("password" of
 * "DB_PASSWORD"): the key is walked back first. */
static int
extract_assign(const unsigned char *w, size_t m0, size_t m1, size_t wend, int cs, size_t max,
               struct extracted *x)
{
    size_t i = m0;
    unsigned char q = 0;

    while (i > 0 && m0 - i < 64 && is_keyc(w[i - 1]))
        i--;
    while (i < wend && (w[i] == ' ' || w[i] == '\t' || w[i] == '-'))
        i++;
    if (i < wend && (w[i] == '"' || w[i] == '\'' || w[i] == '`' || w[i] == '<'))
        i++;
    x->k0 = i;
    while (i < wend && is_keyc(w[i]))
        i++;
    x->k1 = i;
    if (i < wend && (w[i] == '"' || w[i] == '\'' || w[i] == '`'))
        i++;
    while (i < wend && (w[i] == ' ' || w[i] == '\t'))
        i++;
    if (i < wend && (w[i] == '!' || w[i] == '<'))
        x->comparison = 1;
    {
        size_t eq = 0;
        while (i < wend && (w[i] == '=' || w[i] == ':' || w[i] == '>'))
            eq += w[i++] == '=';
        if (eq > 1)
            x->comparison = 1;
    }
    while (i < wend && (w[i] == ' ' || w[i] == '\t' || w[i] == '|' || w[i] == '>'))
        i++;
    if (i < wend && (w[i] == '"' || w[i] == '\'' || w[i] == '`')) {
        q = w[i];
        i++;
        x->quoted = 1;
    }
    x->v0 = i;
    if (cs == CS_NONE) {
        i = m1 > i ? m1 : i; /* the regex spelled the whole value */
    } else if (q && cs == CS_VALUE) {
        /* a quoted generic value runs to its closing quote */
        while (i < wend && w[i] != q && w[i] != '\n' && w[i] != '\r' && i - x->v0 <= max)
            i++;
        x->unterminated = !(i < wend && w[i] == q);
    } else {
        while (i < wend && secret_in_charset(cs, w[i]) && i - x->v0 <= max)
            i++;
    }
    x->v1 = i;
    return x->v1 > x->v0;
}

/* Is the line holding w[m0] a comment (#, //, slash-star, *, ;, --, <!--, %)?
 * clipped: the window starts mid-stream, so a line start not found in it
 * is unknown (then: not a comment). */
static int
comment_line(const unsigned char *w, size_t m0, int clipped)
{
    size_t i = m0;

    while (i > 0 && w[i - 1] != '\n')
        i--;
    if (i == 0 && clipped)
        return 0;
    while (i < m0 && (w[i] == ' ' || w[i] == '\t'))
        i++;
    if (i == m0)
        return 0;
    switch (w[i]) {
    case '#':
    case '*':
    case ';':
    case '%':
        return 1;
    case '/':
        return w[i + 1] == '/' || w[i + 1] == '*';
    case '-':
        return w[i + 1] == '-';
    case '<':
        return w[i + 1] == '!';
    default:
        return 0;
    }
}

/* Last occurrence of needle in [p, p+n), or NULL. */
static const unsigned char *
mem_rfind(const unsigned char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle), i;

    for (i = n >= k ? n - k + 1 : 0; i-- > 0;)
        if (memcmp(p + i, needle, k) == 0)
            return p + i;
    return NULL;
}

/* Judges pending match p. Returns 1 and fills *h when it is a secret. */
static int
judge(struct scan *s, const struct pending *p, struct hit *h)
{
    const struct secret_rule *r = s->db->rules[p->rule];
    uint64_t lo_av = avail_lo(s), hi_av = avail_hi(s), lo, hi, from = p->from;
    size_t max = r->max_len ? r->max_len : MOAT_LIMIT_SECRET_VALUE, m0, m1, wend, vlen;
    const unsigned char *w = s->win;
    struct extracted x;
    char red[64], key[SHOW_KEY + 1];
    int cs = r->charset;

    if (r->path_base && (!s->base || strcmp(s->base, r->path_base) != 0))
        return 0;
    if (r->path_has && (!s->path || !strstr(s->path, r->path_has)))
        return 0;
    if (from < lo_av)
        from = lo_av; /* defensive: matches are bounded by MOAT_LIMIT_SECRET_MATCH */
    lo = from - lo_av > BACK ? from - BACK : lo_av;
    hi = p->to + MOAT_LIMIT_SECRET_VALUE + 1;
    if (hi > hi_av)
        hi = hi_av;
    if (p->to > hi || hi - lo > sizeof(s->win))
        return 0; /* defensive */
    copy_range(s, lo, hi, s->win);
    m0 = (size_t)(from - lo);
    m1 = (size_t)(p->to - lo);
    wend = (size_t)(hi - lo);
    memset(&x, 0, sizeof(x));
    if (r->extract == SX_BLOCK) {
        /* the match end is known; the block starts at the last anchor */
        const unsigned char *a = mem_rfind(w + m0, m1 - m0, r->prefix ? r->prefix : "-----BEGIN");
        if (!a)
            return 0;
        m0 = (size_t)(a - w);
        from = lo + m0;
    } else if (r->extract == SX_TOKEN && r->prefix) {
        /* the match is the token's middle: its start is back there */
        size_t t = m0, pl = strlen(r->prefix);
        while (t > 0 && m0 - t < max && secret_in_charset(CS_B64URL, w[t - 1]))
            t--;
        if (m1 - t < pl || memcmp(w + t, r->prefix, pl) != 0)
            return 0;
        m0 = t;
        from = lo + m0;
    }
    /* a token preceded by a letter, a digit or '_' is the tail of a longer
     * word; a key name only needs its keyword not to be glued to letters */
    if ((r->checks & SC_BOUND_BEFORE) && m0 > 0 &&
        (is_alnum(w[m0 - 1]) || (r->extract == SX_TOKEN && w[m0 - 1] == '_')))
        return 0;
    switch (r->extract) {
    case SX_TOKEN:
        x.v0 = m0;
        x.v1 = m1;
        if (cs != CS_NONE)
            while (x.v1 < wend && x.v1 - x.v0 <= max && secret_in_charset(cs, w[x.v1]))
                x.v1++;
        break;
    case SX_TAIL:
        if (m1 - m0 < r->min_len)
            return 0;
        x.v0 = m1 - r->min_len;
        x.v1 = m1;
        while (x.v1 < wend && x.v1 - x.v0 <= max && secret_in_charset(cs, w[x.v1]))
            x.v1++;
        break;
    case SX_ASSIGN:
        if (!extract_assign(w, m0, m1, wend, cs, max, &x))
            return 0;
        if (x.v0 > m1 || x.v1 < m1)
            return 0; /* the separator was not where the regex put it */
        break;
    case SX_XML: {
        const unsigned char *gt = memchr(w + m0, '>', m1 - m0);
        if (!gt)
            return 0;
        x.k0 = m0 + 1;
        x.k1 = (size_t)(gt - w);
        x.v0 = x.k1 + 1;
        x.v1 = x.v0;
        while (x.v1 < wend && w[x.v1] != '<' && w[x.v1] != '\n' && x.v1 - x.v0 <= max)
            x.v1++;
        if (x.v1 >= wend || w[x.v1] != '<')
            x.unterminated = 1;
        break;
    }
    case SX_URL: {
        const unsigned char *colon;
        size_t sch = m0;
        if (m1 - m0 < 4 || memcmp(w + m0, "://", 3) != 0 || w[m1 - 1] != '@')
            return 0;
        while (sch > 0 && m0 - sch < 24 &&
               (is_alnum(w[sch - 1]) || w[sch - 1] == '+' || w[sch - 1] == '.' ||
                w[sch - 1] == '-'))
            sch--;
        while (sch < m0 && !((w[sch] >= 'a' && w[sch] <= 'z') || (w[sch] >= 'A' && w[sch] <= 'Z')))
            sch++;
        if (sch == m0)
            return 0; /* "://" without a scheme */
        x.k0 = sch;
        x.k1 = m0;
        x.u0 = m0 + 3;
        colon = memchr(w + x.u0, ':', m1 - x.u0);
        if (!colon)
            return 0;
        x.u1 = (size_t)(colon - w);
        x.v0 = x.u1 + 1;
        x.v1 = m1 - 1;
        x.h0 = x.h1 = m1;
        while (x.h1 < wend && x.h1 - x.h0 < SHOW_HOST &&
               (is_keyc(w[x.h1]) || w[x.h1] == ':' || w[x.h1] == '[' || w[x.h1] == ']'))
            x.h1++;
        if (x.h1 == x.h0 || mem_find(w + x.h0, x.h1 - x.h0, "example", 7) ||
            url_password_word(w + x.v0, x.v1 - x.v0))
            return 0;
        break;
    }
    case SX_FIELD5: {
        /* a line of the file: it starts after the last line break */
        const unsigned char *nl = mem_rfind(w + m0, m1 - m0, "\n");
        size_t i = nl ? (size_t)(nl - w) + 1 : m0;
        int colons = 0;
        if (!nl && m0 > 0 && w[m0 - 1] != '\n')
            return 0; /* defensive: the line is longer than a match can be */
        m0 = i;
        from = lo + m0;
        while (i < m1 && colons < 4)
            colons += w[i++] == ':';
        if (colons < 4)
            return 0;
        x.v0 = i;
        x.v1 = i;
        while (x.v1 < wend && secret_in_charset(CS_VALUE, w[x.v1]) && x.v1 - x.v0 <= max)
            x.v1++;
        break;
    }
    case SX_BLOCK:
        x.v0 = m0;
        x.v1 = m1;
        break;
    default:
        return 0;
    }
    vlen = x.v1 - x.v0;
    if (vlen < r->min_len)
        return 0;
    if (vlen > max) {
        if (r->checks & SC_BOUND_AFTER)
            return 0; /* longer than the format allows: something else */
        x.v1 = x.v0 + max;
        vlen = max;
    }
    if ((r->checks & SC_BOUND_AFTER) && x.v1 < wend &&
        (is_alnum(w[x.v1]) || secret_in_charset(cs, w[x.v1])))
        return 0;
    if ((x.unterminated || x.comparison) && (r->checks & SC_GENERIC))
        return 0;
    if ((r->checks & SC_GENERIC) && comment_line(w, m0, lo == lo_av && lo > 0))
        return 0; /* generic rules leave documentation alone */
    if ((r->checks & SC_KEY_START) && m0 > 0 && w[m0 - 1] != ':' && w[m0 - 1] != ' ' &&
        w[m0 - 1] != '\t' && w[m0 - 1] != '\n')
        return 0;
    if (r->extract != SX_BLOCK) {
        if (!(r->checks & SC_NO_PLACEHOLDER) &&
            secret_is_placeholder((const char *)w + x.v0, vlen))
            return 0;
        if (r->min_entropy10 && secret_entropy10((const char *)w + x.v0, vlen) < r->min_entropy10)
            return 0;
        if ((r->checks & SC_GENERIC) &&
            !secret_generic_ok(x.k1 > x.k0 ? (const char *)w + x.k0 : NULL, x.k1 - x.k0,
                               (const char *)w + x.v0, vlen))
            return 0;
        if ((r->checks & SC_USERPASS) && !userpass_ok(w + x.v0, vlen))
            return 0;
        if ((r->checks & SC_JWT) && !jwt_ok(w + x.v0, vlen))
            return 0;
    }
    memset(h, 0, sizeof(*h));
    h->rule = p->rule;
    /* a key block is known by the start of its body, whichever rule saw it */
    if (r->extract == SX_BLOCK && vlen > 32)
        h->hash = map_hash((const char *)w + x.v1 - 32, 32);
    else
        h->hash = map_hash((const char *)w + x.v0, vlen);
    h->offset = lo + x.v0;
    h->len = vlen;
    h->line = line_of(s, from);
    if (r->extract == SX_BLOCK) {
        size_t n = 0;
        while (m0 + n < m1 && n < 60 && w[m0 + n] != '\n' && w[m0 + n] != '\r' &&
               w[m0 + n] != '\\')
            n++;
        show(key, sizeof(key), w + m0, n);
        snprintf(h->detail, sizeof(h->detail), "%s (key material not shown)", key);
        h->offset = from;
        return 1;
    }
    secret_redact((const char *)w + x.v0, vlen, red, sizeof(red));
    if (r->extract == SX_URL) {
        char user[33], host[SHOW_HOST + 1], scheme[26];
        show(scheme, sizeof(scheme), w + x.k0, x.k1 - x.k0);
        show(user, sizeof(user), w + x.u0, x.u1 - x.u0);
        show(host, sizeof(host), w + x.h0, x.h1 - x.h0);
        snprintf(h->detail, sizeof(h->detail), "%s://%s:%s@%s", scheme, user, red, host);
    } else if (x.k1 > x.k0) {
        show(key, sizeof(key), w + x.k0, x.k1 - x.k0);
        snprintf(h->detail, sizeof(h->detail), "key %s: %s", key, red);
    } else {
        snprintf(h->detail, sizeof(h->detail), "%s", red);
    }
    return 1;
}

/* Keeps h, once per value; the earlier rule wins a value found twice. */
static void
keep(struct scan *s, const struct hit *h)
{
    size_t i;

    for (i = 0; i < s->nhits; i++) {
        if (s->hits[i].hash == h->hash) {
            if (h->rule < s->hits[i].rule)
                s->hits[i] = *h;
            return;
        }
    }
    if (s->nhits >= MOAT_LIMIT_SECRET_FINDINGS) {
        s->dropped++;
        return;
    }
    if (s->nhits == s->caphits) {
        size_t cap = s->caphits ? s->caphits * 2 : 4;
        struct hit *nh = realloc(s->hits, cap * sizeof(*nh));
        if (!nh) {
            s->dropped++;
            return;
        }
        s->hits = nh;
        s->caphits = cap;
    }
    s->hits[s->nhits++] = *h;
}

static void
settle(struct scan *s, size_t i)
{
    struct pending p = s->pend[i];
    struct hit h;

    memmove(&s->pend[i], &s->pend[i + 1], (s->npend - i - 1) * sizeof(s->pend[0]));
    s->npend--;
    if (judge(s, &p, &h))
        keep(s, &h);
}

static int
on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
         void *ctx)
{
    struct scan *s = ctx;
    const struct secret_rule *r = s->db->rules[id];
    size_t i;

    (void)flags;
    if (s->db->off[id])
        return 0;
    if (++s->raw > MOAT_LIMIT_SECRET_HITS) {
        s->halted = 1;
        return 1; /* stop: a flood of pattern prefixes */
    }
    if (!secret_tracks_start(r)) {
        /* no SOM: the start is found when judging, within the longest match */
        uint64_t back = r->extract == SX_TAIL ? r->min_len : MOAT_LIMIT_SECRET_MATCH;
        from = to > back ? to - back : 0;
    }
    for (i = 0; i < s->npend; i++) {
        if (s->pend[i].rule == id && s->pend[i].from == from) {
            if (to > s->pend[i].to)
                s->pend[i].to = to;
            return 0;
        }
    }
    if (s->npend == MAX_PENDING)
        settle(s, 0);
    s->pend[s->npend].rule = id;
    s->pend[s->npend].from = from;
    s->pend[s->npend].to = to;
    s->npend++;
    return 0;
}

/* After a chunk: judge the matches whose line has ended or whose value has
 * had all the bytes it may need. */
static void
settle_ready(struct scan *s, int all)
{
    size_t i = 0;
    uint64_t hi = avail_hi(s);

    while (i < s->npend) {
        const struct pending *p = &s->pend[i];
        int ready = all || hi - p->to > MOAT_LIMIT_SECRET_VALUE;
        if (!ready && p->to >= s->pos) {
            size_t at = (size_t)(p->to - s->pos);
            ready = memchr(s->chunk + at, '\n', s->chunk_len - at) != NULL;
        }
        if (ready)
            settle(s, i);
        else
            i++;
    }
}

/* Searches the next bytes of the stream. Returns 0, or 1 when the search
 * stopped (a flood of matches). */
static int
scan_feed(struct scan *s, const unsigned char *p, size_t n)
{
    hs_error_t e;

    if (s->halted)
        return 1;
    if (n > (1u << 30)) {
        /* Hyperscan takes an unsigned length: feed huge buffers in parts */
        size_t half = n / 2;
        return scan_feed(s, p, half) || scan_feed(s, p + half, n - half);
    }
    s->chunk = p;
    s->chunk_len = n;
    s->memo_ok = 0;
    e = hs_scan_stream(s->stream, (const char *)p, (unsigned)n, 0, s->scratch, on_match, s);
    if (e == HS_SUCCESS && s->use_path)
        e = hs_scan_stream(s->pstream, (const char *)p, (unsigned)n, 0, s->scratch, on_match, s);
    if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED)
        s->halted = 1; /* defensive: the database and scratch are ours */
    settle_ready(s, 0);
    /* the chunk becomes history: its last bytes go to the ring */
    {
        size_t k = n > RING ? RING : n;
        uint64_t off = s->pos + n - k;
        const unsigned char *src = p + n - k;
        while (k > 0) {
            size_t at = (size_t)(off & (RING - 1)), m = RING - at;
            if (m > k)
                m = k;
            memcpy(s->ring + at, src, m);
            src += m;
            off += m;
            k -= m;
        }
    }
    s->lines += count_lines(p, n);
    s->pos += n;
    s->chunk = NULL;
    s->chunk_len = 0;
    s->memo_ok = 0;
    return s->halted;
}

/* The end of the stream: matches at the end of data, then every pending
 * match. The stream is reset for the next user. */
static void
scan_finish(struct scan *s)
{
    if (!s->halted)
        hs_reset_stream(s->stream, 0, s->scratch, on_match, s);
    if (!s->halted && s->use_path)
        hs_reset_stream(s->pstream, 0, s->scratch, on_match, s);
    settle_ready(s, 1);
}

/* Searches one string (config text) from scratch. */
static void
scan_string(struct scan *s, const char *str, size_t n)
{
    scan_reset(s, NULL);
    if (n > MOAT_LIMIT_JSON_DOC)
        n = MOAT_LIMIT_JSON_DOC;
    scan_feed(s, (const unsigned char *)str, n);
    scan_finish(s);
}

/* ---- allow rules ---- */

static int
allowed(const struct secrets_db *db, const char *rule, const char *path)
{
    size_t i;

    for (i = 0; i < db->cfg.nallow; i++) {
        const struct secret_allow *a = &db->cfg.allow[i];
        if (a->rule && strcmp(a->rule, rule) != 0)
            continue;
        if (a->path && (!path || !secret_path_match(a->path, path)))
            continue;
        return 1;
    }
    return 0;
}

/* ---- the analyzer ---- */

static int
binary_magic(const unsigned char *p, size_t n)
{
    static const struct {
        const char *m;
        size_t n;
    } magic[] = {
        {"\x1f\x8b", 2},       {"BZh", 3},          {"\x28\xb5\x2f\xfd", 4},
        {"\xfd" "7zXZ", 5},    {"PK\x03\x04", 4},   {"7z\xbc\xaf", 4},
        {"Rar!", 4},           {"\x7f" "ELF", 4},   {"\x89PNG", 4},
        {"\xff\xd8\xff", 3},   {"GIF8", 4},         {"%PDF-", 5},
        {"\xca\xfe\xba\xbe", 4}, {"SQLite format 3", 15}, {"\xfe\xed\xfe\xed", 4},
        {"wOFF", 4},           {"wOF2", 4},         {"\x04\x22\x4d\x18", 4},
        {"OggS", 4},           {"ID3", 3},          {"\x89HDF", 4},
        {"!<arch>", 7},        {"MZ", 2},           {"\xed\xab\xee\xdb", 4},
    };
    size_t i;

    if (memchr(p, '\0', n))
        return 1;
    for (i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
        if (n >= magic[i].n && memcmp(p, magic[i].m, magic[i].n) == 0)
            return 1;
    return 0;
}

/* Files that are never text worth searching, by name. */
static int
skip_name(const char *base)
{
    static const char *const ext[] = {
        ".png",  ".jpg",  ".jpeg", ".gif",  ".ico",  ".bmp",   ".tif",  ".tiff", ".webp",
        ".svgz", ".gz",   ".tgz",  ".bz2",  ".xz",   ".zst",   ".lz4",  ".lzma", ".zip",
        ".jar",  ".war",  ".ear",  ".whl",  ".egg",  ".7z",    ".rar",  ".deb",  ".rpm",
        ".apk",  ".so",   ".a",    ".o",    ".ko",   ".pyc",   ".pyo",  ".class", ".mo",
        ".gmo",  ".ttf",  ".otf",  ".woff", ".woff2", ".eot",  ".pfb",  ".pdf",  ".mp3",
        ".mp4",  ".ogg",  ".wav",  ".flac", ".avi",  ".mkv",   ".webm", ".node", ".wasm",
        ".db",   ".sqlite", ".dat", ".bin", ".cache", ".pack", ".idx",  ".icns", ".dll",
        ".exe",  ".lib",  ".dylib",
    };
    const char *dot = strrchr(base, '.');
    size_t i;

    if (!dot)
        return 0;
    for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
        if (strcasecmp(dot, ext[i]) == 0)
            return 1;
    return str_ends(base, ".so.0") || strstr(base, ".so.") != NULL;
}

static enum want
secrets_wants(const struct entry *e)
{
    if (e->le->type != ENTRY_REG || e->le->size == 0)
        return WANT_NO;
    if (skip_name(e->base))
        return WANT_NO;
    return WANT_STREAM;
}

static int
secrets_begin(struct actx *c, const struct entry *e, void *state)
{
    struct file_state *fs = state;
    struct secrets_db *db = c->an_shared;
    size_t i;

    fs->db = db;
    fs->path = e->path;
    fs->size = e->le->size;
    if (!db)
        return 1;
    for (i = 0; i < db->cfg.nallow; i++) {
        const struct secret_allow *a = &db->cfg.allow[i];
        if (a->path && !a->rule && secret_path_match(a->path, e->path))
            return 1; /* allowed whatever it holds */
    }
    return 0;
}

/* Feeds bytes, stopping at the size cap. 0: continue, 1: done. */
static int
feed_capped(struct file_state *fs, const unsigned char *p, size_t n)
{
    int done = 0;

    if (fs->searched + n > MOAT_LIMIT_SECRET_FILE) {
        n = (size_t)(MOAT_LIMIT_SECRET_FILE - fs->searched);
        fs->capped = 1;
        done = 1;
    }
    fs->searched += n;
    if (n && scan_feed(fs->s, p, n))
        done = 1;
    return done;
}

static int
secrets_chunk(struct actx *c, void *state, const unsigned char *p, size_t n)
{
    struct file_state *fs = state;
    size_t need, take;

    (void)c;
    fs->seen += n;
    if (fs->skip)
        return 1;
    if (fs->decided)
        return feed_capped(fs, p, n);
    need = fs->size < SNIFF ? (size_t)fs->size : SNIFF;
    if (need == 0)
        need = 1;
    if (fs->nsniff == 0 && n >= need) {
        if (binary_magic(p, need)) {
            fs->skip = 1;
            return 1;
        }
        fs->s = scan_get(fs->db);
        if (!fs->s)
            return MOAT_ENOMEM;
        scan_reset(fs->s, fs->path);
        fs->decided = 1;
        return feed_capped(fs, p, n);
    }
    /* a first chunk shorter than the sniff window: collect it */
    if (!fs->s) {
        fs->s = scan_get(fs->db);
        if (!fs->s)
            return MOAT_ENOMEM;
        scan_reset(fs->s, fs->path);
    }
    take = need - fs->nsniff < n ? need - fs->nsniff : n;
    memcpy(fs->s->sniff + fs->nsniff, p, take);
    fs->nsniff += take;
    if (fs->nsniff < need)
        return 0;
    if (binary_magic(fs->s->sniff, fs->nsniff)) {
        fs->skip = 1;
        scan_put(fs->s);
        fs->s = NULL;
        return 1;
    }
    fs->decided = 1;
    if (feed_capped(fs, fs->s->sniff, fs->nsniff))
        return 1;
    return feed_capped(fs, p + take, n - take);
}

static int
secrets_end(struct actx *c, const struct entry *e, void *state)
{
    struct file_state *fs = state;
    struct scan *s = fs->s;
    struct rec *r = NULL;
    size_t i;

    if (!s)
        return 0;
    if (!fs->decided) {
        /* the file was shorter than its header said: judge what came */
        if (fs->nsniff == 0 || binary_magic(s->sniff, fs->nsniff))
            goto out;
        feed_capped(fs, s->sniff, fs->nsniff);
    }
    scan_finish(s);
    for (i = 0; i < s->nhits; i++) {
        const struct hit *h = &s->hits[i];
        const struct secret_rule *rule = fs->db->rules[h->rule];
        struct layer_finding *lf;
        if (allowed(fs->db, rule->id, e->path))
            continue;
        if (!r)
            r = rec_new(c, REC_DATA, e->path);
        lf = r ? rec_add_finding(c, r) : NULL;
        if (!lf)
            return MOAT_ENOMEM;
        lf->kind = "secret";
        lf->id = rule->id;
        lf->severity = s->test_path ? "low" : rule->severity;
        lf->title = rule->title;
        lf->evidence = arena_printf(c->arena, "line %llu: %s", (unsigned long long)h->line,
                                    h->detail);
        lf->offset = h->offset;
        if (!lf->evidence)
            return MOAT_ENOMEM;
    }
    if (s->dropped)
        actx_problem(c, MOAT_WARN, e->path,
                     "secrets: %zu more secrets in this file than the %d reported", s->dropped,
                     MOAT_LIMIT_SECRET_FINDINGS);
    if (s->halted)
        actx_problem(c, MOAT_WARN, e->path,
                     "secrets: more than %d candidate matches; the file was searched only up "
                     "to byte %llu", MOAT_LIMIT_SECRET_HITS, (unsigned long long)s->pos);
    else if (fs->capped)
        actx_problem(c, MOAT_WARN, e->path,
                     "secrets: only the first %llu of %llu bytes were searched",
                     (unsigned long long)MOAT_LIMIT_SECRET_FILE, (unsigned long long)fs->size);
out:
    scan_put(s);
    fs->s = NULL;
    return 0;
}

static void
secrets_free(void *state)
{
    struct file_state *fs = state;

    if (fs->s) {
        scan_put(fs->s); /* the next user resets it */
        fs->s = NULL;
    }
}

/* ---- the image config ---- */

/* Does an ENV name or label key (any case, '.' and '-' as '_') name a
 * secret? */
static int
secret_name(const char *name, size_t n)
{
    static const char *const parts[] = {
        "PASSWORD", "PASSWD",  "PASSPHRASE",   "SECRET",     "TOKEN",       "APIKEY",
        "API_KEY",  "PRIVATE_KEY", "PRIVATEKEY", "ACCESS_KEY", "ACCESSKEY", "CREDENTIAL",
        "AUTH_KEY", "ENCRYPTION_KEY", "SIGNING_KEY", "MASTER_KEY", "CLIENT_KEY",
    };
    static const char *const meta[] = {
        "FILE", "PATH", "DIR", "LOCATION", "LENGTH", "LEN", "MIN", "MAX", "EXPIRY", "EXPIRES",
        "TTL", "TIMEOUT", "ENABLED", "REQUIRED", "HOST", "PORT", "USER", "USERNAME", "NAME",
        "TYPE", "HEADER", "ALGORITHM", "VERSION", "ID", "URL", "URI", "ENDPOINT", "REGION",
        "POLICY", "MODE", "FORMAT", "PREFIX", "SUFFIX", "COUNT", "SIZE", "LIMIT", "ISSUER",
        "AUDIENCE", "SCOPE", "SCOPES", "HASH", "DIGEST", "FILES", "DIRS", "PARALLELISM",
        "LIFETIME", "INTERVAL", "REFRESH",
    };
    char up[256];
    const char *last;
    size_t i;
    int hit = 0;

    if (n == 0 || n >= sizeof(up))
        return 0;
    for (i = 0; i < n; i++) {
        char ch = name[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 32);
        if (ch == '.' || ch == '-')
            ch = '_';
        up[i] = ch;
    }
    up[n] = '\0';
    if (strcmp(up, "PWD") == 0 || strcmp(up, "OLDPWD") == 0)
        return 0;
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        if (strstr(up, parts[i]))
            hit = 1;
    /* PASS and PWD only as whole components: DB_PASS, MYSQL_PWD (not PASSENGER) */
    for (last = up; !hit && *last;) {
        size_t k = strcspn(last, "_");
        if ((k == 4 && memcmp(last, "PASS", 4) == 0) || (k == 3 && memcmp(last, "PWD", 3) == 0))
            hit = 1;
        last += k;
        if (*last == '_')
            last++;
    }
    if (!hit)
        return 0;
    last = strrchr(up, '_') ? strrchr(up, '_') + 1 : up;
    for (i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
        if (strcmp(last, meta[i]) == 0)
            return 0;
    return 1;
}

/* Is a value assigned to a secret-named variable worth reporting? */
static int
secret_value(const char *v, size_t n)
{
    static const char *const nots[] = {"true", "false", "yes", "no", "on", "off", "none",
                                       "null", "nil", "0", "1", "disabled", "enabled"};
    size_t i, digits = 0;

    while (n > 0 && (v[0] == ' ' || v[0] == '\t')) {
        v++;
        n--;
    }
    if (n == 0 || secret_is_placeholder(v, n))
        return 0;
    if (v[0] == '/' || (n > 1 && v[0] == '.' && v[1] == '/') || (n > 1 && v[0] == '~' &&
        v[1] == '/') || str_nstarts(v, n, "file:"))
        return 0; /* a reference to a file (Docker secrets: /run/secrets/x) */
    for (i = 0; i < sizeof(nots) / sizeof(nots[0]); i++)
        if (strlen(nots[i]) == n && strncasecmp(v, nots[i], n) == 0)
            return 0;
    for (i = 0; i < n; i++)
        digits += v[i] >= '0' && v[i] <= '9';
    return !(digits == n && n < 8); /* a port, a timeout, a count */
}

#define MAX_SPANS 64

struct cfg_ctx {
    struct finish_ctx *f;
    struct secrets_db *db;
    struct scan *s;
    struct map seen;          /* value hashes reported, as keys "%016llx" */
    struct arena tmp;
    const char *line;         /* the history line being searched, or NULL */
    size_t span[MAX_SPANS][2]; /* secrets in it: offset, length */
    size_t nspans;
};

/* Remembers that [p, p+n) of the history line is a secret. */
static void
cfg_span(struct cfg_ctx *cc, const char *p, size_t n)
{
    if (!cc->line || cc->nspans == MAX_SPANS || n == 0)
        return;
    cc->span[cc->nspans][0] = (size_t)(p - cc->line);
    cc->span[cc->nspans][1] = n;
    cc->nspans++;
}

static int
span_cmp(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Reports show each layer's history line (created_by): where the history
 * line holds a secret, they get a copy with the secret redacted, as every
 * other output of moat does. */
static int
cfg_redact_history(struct cfg_ctx *cc, const char *line)
{
    struct image_desc *img = cc->f->img;
    struct buf out;
    size_t i, at = 0, n = strlen(line);
    char *red = NULL;
    int rc = 0;

    if (cc->nspans == 0)
        return 0;
    qsort(cc->span, cc->nspans, sizeof(cc->span[0]), span_cmp);
    buf_init(&out, n + 16 * cc->nspans + 1);
    for (i = 0; i < cc->nspans && !rc; i++) {
        size_t off = cc->span[i][0], len = cc->span[i][1], shown = len / 4 > 4 ? 4 : len / 4;
        if (off + len > n)
            continue; /* defensive */
        if (off + len <= at)
            continue; /* inside one already redacted */
        if (off < at) {
            len -= at - off;
            off = at;
            shown = 0;
        }
        rc = buf_add(&out, line + at, off - at);
        if (!rc)
            rc = buf_add(&out, line + off, shown);
        if (!rc)
            rc = buf_adds(&out, "****");
        at = off + len;
    }
    if (!rc)
        rc = buf_add(&out, line + at, n - at);
    if (!rc)
        red = arena_strdup(cc->f->arena, out.data ? out.data : "");
    buf_free(&out);
    if (rc || !red)
        return MOAT_ENOMEM;
    for (i = 0; i < img->nlayers; i++)
        if (img->layers[i].created_by && strcmp(img->layers[i].created_by, line) == 0)
            img->layers[i].created_by = red;
    return 0;
}

static int
cfg_report(struct cfg_ctx *cc, const char *id, const char *severity, const char *title,
           uint64_t hash, const char *where, const char *detail)
{
    struct layer_finding lf;
    char key[24];
    char *k;

    if (allowed(cc->db, id, NULL))
        return 0;
    snprintf(key, sizeof(key), "%016llx", (unsigned long long)hash);
    if (map_get(&cc->seen, key))
        return 0;
    k = arena_strdup(&cc->tmp, key);
    if (!k || map_put(&cc->seen, k, (void *)1, NULL))
        return MOAT_ENOMEM;
    memset(&lf, 0, sizeof(lf));
    lf.kind = "secret";
    lf.id = id;
    lf.severity = severity;
    lf.title = title;
    lf.offset = UINT64_MAX;
    lf.evidence = arena_printf(cc->f->arena, "%s: %s", where, detail);
    if (!lf.evidence)
        return MOAT_ENOMEM;
    return finish_add_finding(cc->f, &lf, -1, 0);
}

/* One config string "NAME=value" (ENV, label, build arg) or a history
 * line: the content rules, and (name != NULL) the name rule. Specific
 * rules come first, then the name rule, then generic assignments. */
static int
cfg_item(struct cfg_ctx *cc, const char *where, const char *text, size_t len, const char *name,
         size_t namelen, const char *value, size_t vlen, const char *id, const char *title)
{
    struct scan *s = cc->s;
    size_t i;
    int pass, rc;

    scan_string(s, text, len);
    for (pass = 0; pass < 3; pass++) {
        if (pass == 1) {
            if (name && secret_name(name, namelen) && secret_value(value, vlen)) {
                char red[64], detail[DETAIL];
                while (vlen > 0 && (*value == ' ' || *value == '\t')) {
                    value++;
                    vlen--;
                }
                secret_redact(value, vlen, red, sizeof(red));
                snprintf(detail, sizeof(detail), "%s", red);
                cfg_span(cc, value, vlen);
                rc = cfg_report(cc, id, "high", title, map_hash(value, vlen), where, detail);
                if (rc)
                    return rc;
            }
            continue;
        }
        for (i = 0; i < s->nhits; i++) {
            const struct secret_rule *r = cc->db->rules[s->hits[i].rule];
            int generic = str_starts(r->id, "generic-");
            if (generic != (pass == 2))
                continue;
            cfg_span(cc, text + s->hits[i].offset, s->hits[i].len);
            rc = cfg_report(cc, r->id, r->severity, r->title, s->hits[i].hash, where,
                            s->hits[i].detail);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* "NAME=value": ENV entries, BuildKit build args, history ENV lines. */
static int
cfg_assignment(struct cfg_ctx *cc, const char *kind, const char *nv, size_t n, const char *id,
               const char *title)
{
    const char *eq = memchr(nv, '=', n);
    char *where;
    size_t nl;

    if (!eq)
        return 0;
    nl = (size_t)(eq - nv);
    if (nl == 0 || nl > 128)
        return 0;
    {
        char name[129];
        show(name, sizeof(name), (const unsigned char *)nv, nl); /* hostile: no escapes */
        where = arena_printf(&cc->tmp, "%s %s", kind, name);
    }
    if (!where)
        return MOAT_ENOMEM;
    return cfg_item(cc, where, nv, n, nv, nl, eq + 1, n - nl - 1, id, title);
}

/* History line: its text, and the assignments it records. BuildKit writes
 * build args as "RUN |2 A=x B=y /bin/sh -c ..."; the classic builder
 * "|2 A=x B=y /bin/sh -c ..."; ENV steps "ENV A=x" or "/bin/sh -c #(nop)
 * ENV A=x". */
static int cfg_assignments(struct cfg_ctx *cc, const char *line, const char *p,
                           const char *end);

static int
cfg_history(struct cfg_ctx *cc, size_t idx, const char *line)
{
    size_t n = strlen(line);
    const char *p = line, *end = line + n;
    char *where = arena_printf(&cc->tmp, "history %zu", idx);
    int rc;

    if (!where)
        return MOAT_ENOMEM;
    if (n > MOAT_LIMIT_JSON_DOC)
        return 0;
    cc->line = line;
    cc->nspans = 0;
    rc = cfg_assignments(cc, line, p, end);
    if (!rc)
        rc = cfg_item(cc, where, line, n, NULL, 0, NULL, 0, ID_ARG, NULL);
    if (!rc)
        rc = cfg_redact_history(cc, line);
    cc->line = NULL;
    return rc;
}

/* The assignments a history line records (see cfg_history). */
static int
cfg_assignments(struct cfg_ctx *cc, const char *line, const char *p, const char *end)
{
    size_t i;
    int rc;

    if (str_starts(p, "RUN "))
        p += 4;
    while (p < end && *p == ' ')
        p++;
    if (p < end && *p == '|') {
        uint64_t count = 0;
        const char *q = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (str_to_u64(q, (size_t)(p - q), &count) != 0 || count > 1000)
            return 0;
        for (i = 0; i < count && p < end; i++) {
            const char *a;
            while (p < end && *p == ' ')
                p++;
            a = p;
            while (p < end && *p != ' ')
                p++;
            rc = cfg_assignment(cc, "build arg", a, (size_t)(p - a), ID_ARG,
                                "Secret build argument recorded in the image history");
            if (rc)
                return rc;
        }
        return 0;
    }
    {
        const char *env = strstr(line, "ENV ");
        if (env && (env == line || env[-1] == ' ')) {
            const char *a = env + 4;
            while (a < end && *a == ' ')
                a++;
            return cfg_assignment(cc, "history ENV", a, (size_t)(end - a), ID_ARG,
                                  "Secret ENV value recorded in the image history");
        }
    }
    return 0;
}

static int
scan_config(struct finish_ctx *f, struct secrets_db *db)
{
    struct cfg_ctx cc;
    json_t *root, *cfg, *v;
    char err[256];
    size_t i;
    int rc = 0;

    if (!f->img || !f->img->config_json)
        return 0;
    root = json_parse_untrusted(f->img->config_json, f->img->config_len, MOAT_LIMIT_JSON_DOC,
                                MOAT_LIMIT_JSON_DEPTH, NULL, err, sizeof(err));
    if (!root) {
        finish_problem(f, MOAT_FAILED, -1, NULL, "secrets",
                       "the image config could not be searched for secrets: %s", err);
        return 0;
    }
    memset(&cc, 0, sizeof(cc));
    cc.f = f;
    cc.db = db;
    cc.s = scan_get(db);
    map_init(&cc.seen);
    arena_init(&cc.tmp);
    if (!cc.s) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    cfg = json_object_get(root, "config");
    v = cfg ? json_object_get(cfg, "Env") : NULL;
    for (i = 0; v && json_is_array(v) && i < json_array_size(v) && !rc; i++) {
        json_t *e = json_array_get(v, i);
        if (json_is_string(e))
            rc = cfg_assignment(&cc, "ENV", json_string_value(e), json_string_length(e), ID_ENV,
                                "Secret in an ENV variable of the image config");
    }
    v = cfg ? json_object_get(cfg, "Labels") : NULL;
    if (v && json_is_object(v) && !rc) {
        const char *k;
        json_t *lv;
        json_object_foreach(v, k, lv) {
            char *nv;
            if (!json_is_string(lv))
                continue;
            nv = arena_printf(&cc.tmp, "%s=%s", k, json_string_value(lv));
            if (!nv) {
                rc = MOAT_ENOMEM;
                break;
            }
            rc = cfg_assignment(&cc, "label", nv, strlen(nv), ID_LABEL,
                                "Secret in a label of the image config");
            if (rc)
                break;
        }
    }
    v = json_object_get(root, "history");
    for (i = 0; v && json_is_array(v) && i < json_array_size(v) && !rc; i++) {
        const char *cb = json_obj_str(json_array_get(v, i), "created_by");
        if (cb)
            rc = cfg_history(&cc, i, cb);
    }
out:
    scan_put(cc.s);
    map_free(&cc.seen);
    arena_free(&cc.tmp);
    json_decref(root);
    return rc;
}

static int
secrets_finish(struct finish_ctx *f, const struct analyzer *self)
{
    struct secrets_db *db = finish_shared(f, self);
    struct rec_iter it = {0, 0};
    struct rec *r;

    if (!db)
        return 0;
    /* ownership is known now: drop what distro packages ship (every layer
     * alike, so a package's file deleted later is not reported either) */
    while (!db->in_packages && (r = finish_next_any(f, self, &it)) != NULL)
        if (r->nfindings && finish_owner(f, r->path))
            r->nfindings = 0;
    return scan_config(f, db);
}

/* ---- compile once per scan ---- */

static void
secrets_fini(void *state)
{
    struct secrets_db *db = state;
    struct scan *s;

    if (!db)
        return;
    while ((s = db->free_list) != NULL) {
        db->free_list = s->next_free;
        scan_destroy(s);
    }
    hs_free_scratch(db->proto);
    hs_free_database(db->db);
    hs_free_database(db->pdb);
    free(db->rules);
    free(db->line);
    free(db->off);
    free(db->custom);
    secret_config_free(&db->cfg);
    pthread_mutex_destroy(&db->lock);
    free(db);
}

static int
known_id(const struct secrets_db *db, const char *id)
{
    size_t i;

    if (strcmp(id, ID_ENV) == 0 || strcmp(id, ID_LABEL) == 0 || strcmp(id, ID_ARG) == 0)
        return 1;
    for (i = 0; i < secret_nbuiltin; i++)
        if (strcmp(secret_builtin_rules[i].id, id) == 0)
            return 1;
    for (i = 0; i < db->cfg.nrules; i++)
        if (strcmp(db->cfg.rules[i].id, id) == 0)
            return 1;
    return 0;
}

/* A rule allowed everywhere: its matches are ignored. */
static int
disabled(const struct secrets_db *db, const char *id)
{
    size_t i;

    for (i = 0; i < db->cfg.nallow; i++)
        if (!db->cfg.allow[i].path && strcmp(db->cfg.allow[i].rule, id) == 0)
            return 1;
    return 0;
}

static int
load_config(struct secrets_db *db, const char *path, char *err, size_t errlen)
{
    char *buf = NULL, ferr[512];
    size_t len, i, j;
    int rc;

    rc = file_read_at(AT_FDCWD, path, MOAT_LIMIT_SECRET_CONFIG, &buf, &len, ferr, sizeof(ferr));
    if (rc) {
        snprintf(err, errlen, "--secret-config: %s", ferr);
        return -1;
    }
    rc = secret_config_parse(buf, len, path, &db->cfg, err, errlen);
    free(buf);
    if (rc)
        return -1;
    for (i = 0; i < db->cfg.nrules; i++) {
        const struct secret_custom *c = &db->cfg.rules[i];
        for (j = 0; j < secret_nbuiltin; j++)
            if (strcmp(secret_builtin_rules[j].id, c->id) == 0)
                break;
        if (j < secret_nbuiltin || strcmp(c->id, ID_ENV) == 0 || strcmp(c->id, ID_LABEL) == 0 ||
            strcmp(c->id, ID_ARG) == 0) {
            snprintf(err, errlen, "%s:%u: rule id %s is a built-in rule", path, c->line, c->id);
            return -1;
        }
        for (j = 0; j < i; j++)
            if (strcmp(db->cfg.rules[j].id, c->id) == 0) {
                snprintf(err, errlen, "%s:%u: rule id %s is defined twice", path, c->line,
                         c->id);
                return -1;
            }
    }
    for (i = 0; i < db->cfg.nallow; i++) {
        const struct secret_allow *a = &db->cfg.allow[i];
        if (a->rule && !known_id(db, a->rule)) {
            snprintf(err, errlen, "%s:%u: unknown rule id %s", path, a->line, a->rule);
            return -1;
        }
    }
    return 0;
}

/* The user's rules after the built-in ones, checked one by one first so
 * that an error names the rule and its line. */
static int
add_custom_rules(struct secrets_db *db, const char *cfgname, char *err, size_t errlen)
{
    hs_compile_error_t *cerr = NULL;
    size_t i;

    for (i = 0; i < db->cfg.nrules; i++) {
        const struct secret_custom *c = &db->cfg.rules[i];
        struct secret_rule *r = &db->custom[i];
        hs_expr_info_t *info = NULL;
        if (hs_expression_info(c->regex, HS_FLAG_SOM_LEFTMOST, &info, &cerr) != HS_SUCCESS) {
            snprintf(err, errlen, "%s:%u: rule %s: regex: %s", cfgname, c->line, c->id,
                     cerr ? cerr->message : "invalid");
            if (cerr)
                hs_free_compile_error(cerr);
            return -1;
        }
        if (info->max_width > MOAT_LIMIT_SECRET_MATCH || info->min_width == 0) {
            snprintf(err, errlen,
                     "%s:%u: rule %s: the regex can match %s; bound every repetition so that "
                     "a match is 1 to %d bytes", cfgname, c->line, c->id,
                     info->min_width == 0 ? "nothing" : "more than the limit",
                     MOAT_LIMIT_SECRET_MATCH);
            free(info);
            return -1;
        }
        free(info);
        r->id = c->id;
        r->title = c->title ? c->title : c->id;
        r->severity = c->severity ? c->severity : "medium";
        r->regex = c->regex;
        r->extract = SX_TOKEN;
        r->charset = CS_NONE;
        r->checks = SC_NO_PLACEHOLDER;
        db->line[db->nrules] = c->line;
        db->rules[db->nrules++] = r;
    }
    return 0;
}

/* The built-in rules as compiled at build time; 0 when they load here. */
static int
load_embedded(struct secrets_db *db)
{
    if (db->cfg.nrules || secret_db_general_len == 0 ||
        hs_deserialize_database((const char *)secret_db_general, secret_db_general_len,
                                &db->db) != HS_SUCCESS)
        return -1;
    if (secret_db_paths_len &&
        hs_deserialize_database((const char *)secret_db_paths, secret_db_paths_len, &db->pdb) !=
            HS_SUCCESS) {
        hs_free_database(db->db);
        db->db = NULL;
        return -1;
    }
    return 0;
}

static int
compile_rules(struct secrets_db *db, const char *cfgname, char *err, size_t errlen)
{
    char why[512];
    long bad;
    int paths;

    for (paths = 0; paths <= 1; paths++) {
        if (secret_compile(db->rules, db->nrules, paths, paths ? &db->pdb : &db->db, &bad, why,
                           sizeof(why)) == 0)
            continue;
        if (bad >= 0 && db->line[bad])
            snprintf(err, errlen, "%s:%u: rule %s: regex: %s", cfgname, db->line[bad],
                     db->rules[bad]->id, why);
        else
            snprintf(err, errlen, "built-in rule %s does not compile: %s",
                     bad >= 0 ? db->rules[bad]->id : "?", why);
        return -1;
    }
    return 0;
}

static int
secrets_init(const struct moat_options *opt, const struct image_desc *img, void **state,
             char *err, size_t errlen)
{
    struct secrets_db *db;
    const char *cfgname = opt ? opt->detect.secret_config : NULL;
    size_t i, total;
    int rc = -1;

    (void)img;
    *state = NULL;
    if (opt && !(opt->detect.enabled & MOAT_DETECT_SECRETS))
        return 0; /* off: costs nothing */
    db = calloc(1, sizeof(*db));
    if (!db) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&db->lock, NULL);
    db->in_packages = opt ? opt->detect.secrets_in_packages : 0;
    if (cfgname && load_config(db, cfgname, err, errlen))
        goto out;
    total = secret_nbuiltin + db->cfg.nrules;
    db->rules = calloc(total, sizeof(*db->rules));
    db->custom = calloc(db->cfg.nrules ? db->cfg.nrules : 1, sizeof(*db->custom));
    db->line = calloc(total, sizeof(*db->line));
    db->off = calloc(total, 1);
    if (!db->rules || !db->custom || !db->line || !db->off) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    /* every built-in rule, in table order: Hyperscan ids are these indexes
     * in the embedded database too */
    for (i = 0; i < secret_nbuiltin; i++)
        db->rules[db->nrules++] = &secret_builtin_rules[i];
    if (add_custom_rules(db, cfgname, err, errlen))
        goto out;
    for (i = 0; i < db->nrules; i++)
        db->off[i] = (unsigned char)disabled(db, db->rules[i]->id);
    if (load_embedded(db) != 0 && compile_rules(db, cfgname, err, errlen) != 0)
        goto out;
    if (hs_alloc_scratch(db->db, &db->proto) != HS_SUCCESS ||
        (db->pdb && hs_alloc_scratch(db->pdb, &db->proto) != HS_SUCCESS)) {
        snprintf(err, errlen, "out of memory (Hyperscan scratch)");
        goto out;
    }
    *state = db;
    db = NULL;
    rc = 0;
out:
    secrets_fini(db);
    return rc;
}

const struct analyzer analyzer_secrets = {
    .name = "secrets",
    .version = 1,
    .wants = secrets_wants,
    .state_size = sizeof(struct file_state),
    .stream_begin = secrets_begin,
    .stream_chunk = secrets_chunk,
    .stream_end = secrets_end,
    .stream_free = secrets_free,
    .finish = secrets_finish,
    .init = secrets_init,
    .fini = secrets_fini,
};

/*
 * gobinary.c - Go programs: the module list the Go linker embeds in every
 * binary built in module mode (what `go version -m` prints).
 *
 * The build information sits at the start of the .go.buildinfo section (ELF;
 * the same data is in __go_buildinfo on Mach-O and .data on PE): a 32-byte
 * header starting with the magic "\xff Go buildinf:" on a 16-byte boundary,
 * pointer size and flags. Since Go 1.18 (flag 0x2) two varint-length strings
 * follow inline: the runtime version ("go1.21.3") and the module info, text
 * between two 16-byte sentinels with one tab-separated line per fact:
 *   path  <main package>         mod  <module> <version> [<sum>]
 *   dep   <module> <version> [<sum>]
 *   =>    <replacement> <version> [<sum>]   (replaces the line above)
 *   build <key>=<value>          (quoted like Go strings when needed)
 * Older binaries store two pointers instead, which cannot be followed
 * without random access to the file; they are reported as a warning, and
 * nothing is guessed.
 *
 * The file is streamed, never held: the header is searched at aligned
 * offsets in each chunk as it passes, with a small carry buffer for a
 * header or string that straddles two chunks, and only the module info
 * (capped at MOAT_LIMIT_GO_MODINFO) is kept. Packages: the main module, each
 * dependency (parent: the main module; a replaced one is reported as its
 * replacement, the original kept as a property) and the standard library as
 * "stdlib" with the runtime version in semver form (go1.21.3 -> v1.21.3).
 * Build settings become properties of the main module ("go:build:GOOS").
 */
#include "analyzer.h"
#include "elf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "\xff Go buildinf:"
#define MAGIC_LEN 14
#define ALIGN 16
#define HDR_LEN 32
#define FLAG_INLINE 0x2
#define VARINT_MAX 10
/* A runtime version is short ("devel go1.22-ab12cd Tue Jan 2 15:04:05 2024
 * +0000 X:boringcrypto" is the longest form); anything longer is not one. */
#define VERSION_MAX 256
/* Bytes a header candidate may need before it can be judged. */
#define CAND_MAX (HDR_LEN + VARINT_MAX + VERSION_MAX + VARINT_MAX)
#define CARRY_LEN (2 * CAND_MAX)
#define MAX_LINE_PROBLEMS 5

static const unsigned char sentinel_start[16] = {0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
                                                 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6};
static const unsigned char sentinel_end[16] = {0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
                                               0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2};

enum phase {
    PH_HEAD = 0,   /* collecting the first bytes to see if it is a program */
    PH_SEARCH,     /* looking for the header */
    PH_MODINFO,    /* collecting the module info string */
    PH_DONE,
};

enum cand {
    CAND_NEED,     /* more bytes are needed to judge */
    CAND_REJECT,   /* not a header */
    CAND_OK,
};

/* What the search has seen of one file (inside struct go_file). */
struct go_state {
    enum phase phase;
    uint64_t pos;             /* file offset of the next byte to arrive */
    unsigned char head[EXE_MAGIC_LEN];
    size_t nhead;
    uint64_t spos;            /* next aligned offset to examine */
    uint64_t cbase;           /* file offset of carry[0] */
    size_t clen;
    unsigned char carry[CARRY_LEN];
    int old_format;           /* a pre-1.18 header was seen */
    uint64_t old_at;
    const char *bad;          /* why the first well-formed-looking header failed */
    uint64_t bad_at;
    uint64_t hdr_at;          /* offset of the header in use */
    char version[VERSION_MAX + 1];
    size_t mod_len, mod_have;
    char *modinfo;            /* mod_len bytes, allocated once the header says */
};

static enum want
go_wants(const struct entry *e)
{
    return exe_candidate(e) ? WANT_STREAM : WANT_NO;
}

/* Unsigned LEB128 as Go's encoding/binary writes it. Returns bytes used,
 * 0 when p[0..n) ends inside it, -1 when it overflows 64 bits. */
static int
uvarint(const unsigned char *p, size_t n, uint64_t *out)
{
    uint64_t x = 0;
    unsigned shift = 0;
    size_t i;

    for (i = 0; i < n && i < VARINT_MAX; i++) {
        if (i == VARINT_MAX - 1 && p[i] > 1)
            return -1;
        x |= (uint64_t)(p[i] & 0x7f) << shift;
        if (p[i] < 0x80) {
            *out = x;
            return (int)i + 1;
        }
        shift += 7;
    }
    return i == VARINT_MAX ? -1 : 0;
}

static void
mark_bad(struct go_state *s, uint64_t at, const char *why)
{
    if (!s->bad) {
        s->bad = why;
        s->bad_at = at;
    }
}

static int
version_ok(const unsigned char *v, size_t n)
{
    size_t i;

    if (!(n >= 3 && memcmp(v, "go", 2) == 0) && !(n >= 6 && memcmp(v, "devel ", 6) == 0))
        return 0;
    for (i = 0; i < n; i++)
        if (v[i] < 0x20 || v[i] > 0x7e)
            return 0;
    return 1;
}

/* Judges a header candidate at b[0..n) (file offset at). On CAND_OK the
 * version is stored, the module info length set and *used is the number
 * of bytes up to the module info. */
static enum cand
candidate(struct go_state *s, const unsigned char *b, size_t n, uint64_t at, size_t *used)
{
    uint64_t vlen, mlen;
    size_t i;
    int k;

    if (memcmp(b, MAGIC, n < MAGIC_LEN ? n : MAGIC_LEN) != 0)
        return CAND_REJECT;
    if (n < 16)
        return CAND_NEED;
    if ((b[14] != 4 && b[14] != 8) || (b[15] & ~3u))
        return CAND_REJECT; /* the magic alone, e.g. the string in cmd/go */
    if (!(b[15] & FLAG_INLINE)) {
        if (!s->old_format) {
            s->old_format = 1;
            s->old_at = at;
        }
        return CAND_REJECT;
    }
    if (n < HDR_LEN + 1)
        return CAND_NEED;
    i = HDR_LEN;
    k = uvarint(b + i, n - i, &vlen);
    if (k == 0)
        return CAND_NEED;
    if (k < 0) {
        mark_bad(s, at, "the runtime version length overflows");
        return CAND_REJECT;
    }
    if (vlen == 0 || vlen > VERSION_MAX) {
        mark_bad(s, at, "the runtime version length is out of range");
        return CAND_REJECT;
    }
    i += (size_t)k;
    if (n - i < vlen)
        return CAND_NEED;
    if (!version_ok(b + i, (size_t)vlen)) {
        mark_bad(s, at, "the runtime version is not a Go version");
        return CAND_REJECT;
    }
    memcpy(s->version, b + i, (size_t)vlen);
    s->version[vlen] = '\0';
    i += (size_t)vlen;
    k = uvarint(b + i, n - i, &mlen);
    if (k == 0)
        return CAND_NEED;
    if (k < 0) {
        mark_bad(s, at, "the module information length overflows");
        return CAND_REJECT;
    }
    i += (size_t)k;
    /* the length is checked against MOAT_LIMIT_GO_MODINFO by the caller,
     * which reports it: the header itself is genuine */
    s->mod_len = mlen > SIZE_MAX ? SIZE_MAX : (size_t)mlen;
    s->hdr_at = at;
    *used = i;
    return CAND_OK;
}

/* ---- module info ---- */

struct line {
    const char *f[4];
    size_t n[4];
    size_t nf;
};

/* Splits a line at tabs (at most 4 fields; extra tabs stay in the last). */
static void
split(const char *p, size_t n, struct line *l)
{
    size_t i, start = 0;

    l->nf = 0;
    for (i = 0; i <= n && l->nf < 4; i++) {
        if (i == n || (p[i] == '\t' && l->nf < 3)) {
            l->f[l->nf] = p + start;
            l->n[l->nf] = i - start;
            l->nf++;
            start = i + 1;
        }
    }
}


/* Reads one build-setting token from [*p, end): a Go-quoted string
 * ("...", strconv.Quote escapes) or raw text up to stop (0: to the end).
 * The result goes to the arena; NULL on OOM or a malformed quote. */
static char *
token(struct arena *a, const char **pp, const char *end, char stop)
{
    const char *p = *pp;
    char *out, *o;

    if (p < end && *p == '"') {
        /* the unquoted form is never longer than the quoted one */
        out = o = arena_alloc(a, (size_t)(end - p) + 4);
        if (!out)
            return NULL;
        for (p++; p < end && *p != '"'; p++) {
            if (*p != '\\') {
                *o++ = *p;
                continue;
            }
            if (++p >= end)
                return NULL;
            switch (*p) {
            case 'n': *o++ = '\n'; break;
            case 't': *o++ = '\t'; break;
            case 'r': *o++ = '\r'; break;
            case 'a': *o++ = '\a'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'v': *o++ = '\v'; break;
            case 'x':
            case 'u':
            case 'U': {
                int digits = *p == 'x' ? 2 : *p == 'u' ? 4 : 8, d;
                unsigned long cp = 0;
                for (d = 0; d < digits; d++) {
                    int h = p + 1 < end ? str_hexval(p[1]) : -1;
                    if (h < 0)
                        return NULL;
                    cp = cp << 4 | (unsigned long)h;
                    p++;
                }
                if (digits == 2)
                    *o++ = (char)cp;
                else if (cp <= 0x10ffff)
                    o += str_put_utf8(o, cp);
                else
                    return NULL;
                break;
            }
            default:
                *o++ = *p; /* \\ \" \' */
                break;
            }
        }
        if (p >= end)
            return NULL;
        *o = '\0';
        *pp = p + 1;
        return out;
    }
    while (p < end && *p != stop)
        p++;
    out = arena_strndup(a, *pp, (size_t)(p - *pp));
    *pp = p;
    return out;
}

/* "go1.21.3" -> "v1.21.3"; "go1.21.3 X:boringcrypto" -> "v1.21.3"; NULL
 * for development builds, which have no release version. */
static char *
stdlib_version(struct arena *a, const char *rt)
{
    size_t n;

    if (strncmp(rt, "go", 2) != 0 || rt[2] < '0' || rt[2] > '9')
        return NULL;
    n = strcspn(rt + 2, " \t");
    return arena_printf(a, "v%.*s", (int)n, rt + 2);
}

static int
set_module(struct actx *c, struct pkg *p, const struct line *l)
{
    p->type = MOAT_PKG_GOLANG;
    p->name = arena_strndup(c->arena, l->f[1], l->n[1]);
    p->version = l->nf > 2 && l->n[2] ? arena_strndup(c->arena, l->f[2], l->n[2]) : NULL;
    if (!p->name || (l->nf > 2 && l->n[2] && !p->version))
        return MOAT_ENOMEM;
    if (l->nf > 3 && l->n[3]) {
        char *sum = arena_strndup(c->arena, l->f[3], l->n[3]);
        if (!sum)
            return MOAT_ENOMEM;
        return pkg_prop(c, p, "go:sum", sum);
    }
    return 0;
}

/* Go treats a replacement that starts with ./ ../ or / as a directory. */
static int
local_path(const char *p, size_t n)
{
    return (n >= 1 && p[0] == '/') || (n >= 2 && p[0] == '.' && p[1] == '/') ||
           (n >= 3 && p[0] == '.' && p[1] == '.' && p[2] == '/') || (n == 1 && p[0] == '.') ||
           (n == 2 && p[0] == '.' && p[1] == '.');
}

static int
valid_module_line(const struct line *l)
{
    return l->nf >= 2 && l->n[1] > 0 && !memchr(l->f[1], ' ', l->n[1]) &&
           !(l->nf > 2 && memchr(l->f[2], ' ', l->n[2]));
}

static int
is_kind(const struct line *l, const char *kind)
{
    size_t n = strlen(kind);
    return l->n[0] == n && memcmp(l->f[0], kind, n) == 0;
}

/* Turns the collected build info into one record. The main module, when
 * there is one, is package 0; the standard library comes last. */
static int
record(struct actx *c, const char *path, struct go_state *s)
{
    const char *mi = s->modinfo, *cur, *end, *ln;
    size_t len = s->mod_len, n, ndeps = 0, total, k, bad = 0, lineno = 0;
    long main_idx = -1, last = -1;
    int has_mod = 0, rc;
    struct pkg *pk, facts;
    struct rec *r;
    char *sv;

    memset(&facts, 0, sizeof(facts));
    /* the text between the sentinels; Go itself ignores anything else */
    if (len >= 33 && memcmp(mi, sentinel_start, 16) == 0 &&
        memcmp(mi + len - 16, sentinel_end, 16) == 0 && mi[len - 17] == '\n') {
        mi += 16;
        len -= 32;
    } else if (len > 0) {
        actx_problem(c, MOAT_FAILED, path,
                     "Go build info (%s) has module information without its markers; "
                     "modules not reported",
                     s->version);
        len = 0;
    }
    end = mi + len;
    cur = mi;
    while (str_next_line(&cur, end, &ln, &n)) {
        struct line l;
        split(ln, n, &l);
        if (is_kind(&l, "dep") && valid_module_line(&l))
            ndeps++;
        else if (is_kind(&l, "mod") && valid_module_line(&l))
            has_mod = 1;
    }
    sv = stdlib_version(c->arena, s->version);
    total = (size_t)has_mod + ndeps + (sv ? 1 : 0);
    if (total == 0) {
        /* a development toolchain and no module: nothing to name */
        actx_problem(c, MOAT_WARN, path,
                     "Go binary built by %s outside module mode: no version to report",
                     s->version);
        return 0;
    }
    r = rec_new(c, REC_PKGS, path);
    if (!r)
        return MOAT_ENOMEM;
    pk = rec_add_pkgs(c, r, total);
    if (!pk) {
        actx_problem(c, MOAT_FAILED, path, "more than %d Go modules; not reported",
                     MOAT_LIMIT_DB_PACKAGES);
        return 0;
    }
    k = (size_t)has_mod; /* deps start after the main module */
    cur = mi;
    while (str_next_line(&cur, end, &ln, &n)) {
        struct line l;
        lineno++;
        if (n == 0)
            continue; /* Go 1.19 writes an empty line after a replacement */
        split(ln, n, &l);
        if (is_kind(&l, "path") && l.nf == 2) {
            rc = pkg_prop(c, &facts, "go:path", arena_strndup(c->arena, l.f[1], l.n[1]));
            if (rc)
                return rc;
        } else if (is_kind(&l, "mod") && valid_module_line(&l) && main_idx < 0) {
            main_idx = 0;
            rc = set_module(c, &pk[0], &l);
            if (rc)
                return rc;
            last = 0;
        } else if (is_kind(&l, "dep") && valid_module_line(&l) && k < total) {
            rc = set_module(c, &pk[k], &l);
            if (rc)
                return rc;
            last = (long)k++;
        } else if (is_kind(&l, "=>") && valid_module_line(&l) && last >= 0) {
            struct pkg *p = &pk[last];
            const char *orig = p->version ? arena_printf(c->arena, "%s@%s", p->name, p->version)
                                          : p->name;
            size_t j;
            /* the sum of the original does not describe the replacement */
            for (j = 0; j < p->nprops; j++)
                if (strcmp(p->props[j].name, "go:sum") == 0)
                    p->props[j].name = "go:replaced-sum";
            if (local_path(l.f[1], l.n[1])) {
                /* replaced by a directory: the code is the builder's own,
                 * under the original module's name; no registry version
                 * describes it (as `go version -m` shows, "(devel)") */
                rc = pkg_prop(c, p, "go:replaced-by",
                              arena_strndup(c->arena, l.f[1], l.n[1]));
                if (!rc) {
                    rc = pkg_prop(c, p, "go:replaces", orig);
                    p->version = "(devel)";
                }
            } else {
                rc = pkg_prop(c, p, "go:replaces", orig);
                if (!rc)
                    rc = set_module(c, p, &l);
            }
            if (rc)
                return rc;
            last = -1; /* a replacement is not replaced again */
        } else if (is_kind(&l, "build") && l.nf >= 2) {
            const char *p = l.f[1], *lend = ln + n;
            char *key = token(c->arena, &p, lend, '='), *val = NULL;
            if (key && p < lend && *p == '=') {
                p++;
                val = token(c->arena, &p, lend, '\0');
            }
            if (!key || !val || !*key || p != lend) {
                if (++bad <= MAX_LINE_PROBLEMS)
                    actx_problem(c, MOAT_WARN, path,
                                 "Go build info line %zu: malformed build setting; ignored",
                                 lineno);
                continue;
            }
            rc = pkg_prop(c, &facts, arena_printf(c->arena, "go:build:%s", key), val);
            if (rc)
                return rc;
        } else {
            if (++bad <= MAX_LINE_PROBLEMS)
                actx_problem(c, MOAT_WARN, path,
                             "Go build info line %zu is not a module line; ignored", lineno);
        }
    }
    if (bad > MAX_LINE_PROBLEMS)
        actx_problem(c, MOAT_WARN, path, "%zu unreadable Go build info lines in all", bad);
    if (sv) {
        struct pkg *std = &pk[k++];
        std->type = MOAT_PKG_GOLANG;
        std->name = "stdlib";
        std->version = sv;
        std->purl = arena_printf(c->arena, "pkg:golang/stdlib@%s", sv);
        if (!std->purl)
            return MOAT_ENOMEM;
    }
    r->npkgs = k;
    /* facts about the build belong to the main module, or without one
     * (GOPATH mode, `go build file.go`) to the standard library */
    {
        struct pkg *owner = main_idx >= 0 ? &pk[main_idx] : sv ? &pk[k - 1] : NULL;
        size_t j;
        if (owner) {
            rc = pkg_prop(c, owner, "go:runtime", s->version);
            for (j = 0; !rc && j < facts.nprops; j++)
                rc = pkg_prop(c, owner, facts.props[j].name, facts.props[j].value);
            if (rc)
                return rc;
        }
    }
    for (n = 0; n < k; n++)
        pk[n].parent = main_idx >= 0 && (long)n != main_idx ? main_idx : -1;
    return 0;
}

/* ---- streaming ---- */

/* Per-file state: the dispatcher allocates it zeroed and frees it, so it
 * owns no other memory (nothing leaks when a stream breaks off). */
struct go_file {
    const char *path;         /* the entry's, valid while it is dispatched */
    struct go_state s;
};

static int
modinfo_feed(struct actx *c, struct go_file *f, const unsigned char *p, size_t n)
{
    struct go_state *s = &f->s;
    size_t want = s->mod_len - s->mod_have;

    if (n > want)
        n = want;
    memcpy(s->modinfo + s->mod_have, p, n);
    s->mod_have += n;
    if (s->mod_have < s->mod_len)
        return 0;
    s->phase = PH_DONE;
    return record(c, f->path, s);
}

/* Runs the header search over b[0..n) at file offset base. Sets *keep to
 * the file offset from which bytes must be carried to the next chunk (a
 * pending candidate), or base + n when nothing is pending. */
static int
search(struct actx *c, struct go_file *f, const unsigned char *b, uint64_t base, size_t n,
       uint64_t *keep)
{
    struct go_state *s = &f->s;

    *keep = base + n;
    while (s->phase == PH_SEARCH && s->spos < base + n) {
        size_t off = (size_t)(s->spos - base), used = 0;
        enum cand r;
        if (b[off] != 0xff) {
            s->spos += ALIGN;
            continue;
        }
        r = candidate(s, b + off, n - off, s->spos, &used);
        if (r == CAND_NEED) {
            *keep = s->spos;
            return 0;
        }
        if (r == CAND_REJECT) {
            s->spos += ALIGN;
            continue;
        }
        if (s->mod_len > MOAT_LIMIT_GO_MODINFO) {
            actx_problem(c, MOAT_FAILED, f->path,
                         "Go build info (%s) declares %zu bytes of module information, more "
                         "than the %u-byte limit; modules not reported",
                         s->version, s->mod_len, (unsigned)MOAT_LIMIT_GO_MODINFO);
            s->phase = PH_DONE;
            return 0;
        }
        s->modinfo = malloc(s->mod_len ? s->mod_len : 1);
        if (!s->modinfo)
            return MOAT_ENOMEM;
        s->phase = PH_MODINFO;
        return modinfo_feed(c, f, b + off + used, n - off - used);
    }
    return 0;
}

/* Feeds file bytes in order, once the first bytes said it is a program. */
static int
feed(struct actx *c, struct go_file *f, const unsigned char *p, size_t n)
{
    struct go_state *s = &f->s;
    uint64_t keep;
    int rc = 0;

    while (n > 0 && s->phase == PH_SEARCH) {
        if (s->clen > 0) {
            /* a candidate straddles chunks: judge it in the carry buffer */
            size_t take = CARRY_LEN - s->clen < n ? CARRY_LEN - s->clen : n;
            memcpy(s->carry + s->clen, p, take);
            s->clen += take;
            p += take;
            n -= take;
            s->pos += take;
            rc = search(c, f, s->carry, s->cbase, s->clen, &keep);
            if (rc || s->phase != PH_SEARCH) {
                s->clen = 0;
                break;
            }
            if (keep >= s->cbase + s->clen) {
                s->clen = 0;
            } else if (keep == s->cbase && s->clen == CARRY_LEN) {
                /* defensive: a candidate is judged within CAND_MAX bytes */
                s->spos += ALIGN;
            } else {
                size_t drop = (size_t)(keep - s->cbase);
                memmove(s->carry, s->carry + drop, s->clen - drop);
                s->clen -= drop;
                s->cbase = keep;
            }
            continue;
        }
        rc = search(c, f, p, s->pos, n, &keep);
        if (rc || s->phase != PH_SEARCH) {
            s->pos += n;
            return rc;
        }
        if (keep < s->pos + n) {
            size_t tail = (size_t)(s->pos + n - keep);
            memcpy(s->carry, p + (n - tail), tail); /* tail < CAND_MAX */
            s->clen = tail;
            s->cbase = keep;
        }
        s->pos += n;
        n = 0;
    }
    if (rc == 0 && n > 0 && s->phase == PH_MODINFO) {
        s->pos += n;
        rc = modinfo_feed(c, f, p, n);
    }
    return rc;
}

static int
go_begin(struct actx *c, const struct entry *e, void *state)
{
    struct go_file *f = state;

    (void)c;
    f->path = e->path;
    return 0;
}

static int
go_chunk(struct actx *c, void *state, const unsigned char *p, size_t n)
{
    struct go_file *f = state;
    struct go_state *s = &f->s;
    int rc;

    if (s->phase == PH_HEAD) {
        size_t take = EXE_MAGIC_LEN - s->nhead < n ? EXE_MAGIC_LEN - s->nhead : n;
        memcpy(s->head + s->nhead, p, take);
        s->nhead += take;
        p += take;
        n -= take;
        if (s->nhead < EXE_MAGIC_LEN)
            return 0;
        if (exe_kind(s->head, s->nhead) == EXE_NONE)
            return 1; /* not a program: stop here */
        s->phase = PH_SEARCH;
        /* offset 0 holds the format magic, never the Go one */
        s->spos = ALIGN;
        s->pos = s->nhead;
    }
    rc = feed(c, f, p, n);
    if (rc < 0) {
        actx_problem(c, MOAT_FAILED, f->path, "Go build info not read: %s", moat_strerror(rc));
        s->phase = PH_DONE;
    }
    return s->phase == PH_DONE ? 1 : 0;
}

static int
go_end(struct actx *c, const struct entry *e, void *state)
{
    struct go_file *f = state;
    struct go_state *s = &f->s;

    (void)e;
    if (s->phase == PH_MODINFO) {
        actx_problem(c, MOAT_FAILED, f->path,
                     "Go build info (%s) is truncated: %zu of %zu bytes of module information "
                     "before the end of the file; modules not reported",
                     s->version, s->mod_have, s->mod_len);
    } else if (s->phase == PH_SEARCH && s->clen > 0 && s->clen >= MAGIC_LEN + 2 &&
               memcmp(s->carry, MAGIC, MAGIC_LEN) == 0 && (s->carry[15] & FLAG_INLINE)) {
        actx_problem(c, MOAT_FAILED, f->path,
                     "Go build info at offset %llu is truncated by the end of the file",
                     (unsigned long long)s->cbase);
    } else if (s->phase == PH_SEARCH && s->bad) {
        actx_problem(c, MOAT_FAILED, f->path,
                     "Go build info at offset %llu is malformed: %s; modules not reported",
                     (unsigned long long)s->bad_at, s->bad);
    } else if (s->phase == PH_SEARCH && s->old_format) {
        actx_problem(c, MOAT_WARN, f->path,
                     "Go binary built before Go 1.18: its build info (offset %llu) points into "
                     "the data segment and cannot be read while streaming; modules not "
                     "reported",
                     (unsigned long long)s->old_at);
    }
    return 0;
}

static void
go_free(void *state)
{
    struct go_file *f = state;

    free(f->s.modinfo);
}

const struct analyzer analyzer_gobinary = {
    .name = "gobinary",
    .version = 1,
    .wants = go_wants,
    .state_size = sizeof(struct go_file),
    .stream_free = go_free,
    .stream_begin = go_begin,
    .stream_chunk = go_chunk,
    .stream_end = go_end,
};

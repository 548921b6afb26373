/*
 * integrity.c - package-owned files checked against the digests the package
 * manager recorded when it installed them (the `integrity` detector):
 * dpkg's md5sums and conffile digests, apk's Q1 (SHA-1) / Q2 (SHA-256)
 * checksums, rpm's file digests. Findings: a file whose content differs
 * ("pkg-file-modified", high for executables, ELF files and scripts, medium
 * otherwise), a regular file replaced by a symlink, directory or device
 * ("pkg-file-replaced", high), a changed configuration file (dpkg conffile,
 * rpm %config, apk protected path: "pkg-config-changed", info, because the
 * package manager itself treats those as the administrator's).
 *
 * Everything happens in the one layer pass: the expected digests come from
 * package databases that may sit in any layer, and file contents stream past
 * before the database naming them is known. So every regular file is hashed
 * as it streams (WANT_STREAM) and its digests are kept compactly in records
 * of its layer ("chunks": distance to the previous entry, flags and 8 bytes
 * of each digest, 10 bytes per file for MD5 alone); the comparison happens
 * in finish, for each file of
 * each visible package database, against the digest of the bytes visible
 * at that path in the merged image.
 *
 * Which digests: MD5 ~0.7 GB/s, SHA-1 ~1.9, SHA-256 ~1.8 (SHA-NI). Hashing
 * every file three times would triple the cost, so each file gets the
 * digests of the image's "package families" as far as they are known when
 * it streams: dpkg MD5, apk SHA-1, rpm (and apk-tools 3) SHA-256. Layers
 * are read in parallel and the report must not depend on thread timing,
 * so what is known for a file is a function of the image alone:
 *   - the families the image's history names before any pass starts (init:
 *     a created_by line with the command word apt-get, apt, aptitude,
 *     dpkg, debootstrap or mmdebstrap -> dpkg; apk -> apk; yum, dnf,
 *     microdnf, tdnf, rpm or zypper -> rpm);
 *   - plus those told earlier in the file's own layer, by that layer's own
 *     pass (one slot per layer in the shared state, written only by the
 *     worker reading that layer): a regular file at a telling path
 *     (var/lib/dpkg/, etc/apt/, etc/dpkg/ -> dpkg; lib/apk/, etc/apk/ ->
 *     apk, and usr/lib/apk/ -> apk-tools 3, which may record SHA-256 too;
 *     var/lib/rpm/, usr/lib/sysimage/rpm/, etc/yum.repos.d/, etc/dnf/,
 *     etc/zypp/, etc/yum.conf -> rpm), or the ID and ID_LIKE of an
 *     os-release file (distroless images have no package manager, but an
 *     etc/os-release ahead of their files);
 *   - and while neither says anything, all three.
 * What another layer's pass has seen never counts: it may or may not have
 * run yet. A base layer tells its family within its first few hundred
 * entries (etc/ sorts early), a layer added by "RUN apt-get install" is
 * told by its history line, and a layer of neither kind (COPY of an
 * application onto an imported base) pays for all three digests. A digest
 * that is needed but was not computed (a family neither the history nor
 * the layer told before the file; an rpm database with MD5 or SHA-1 file
 * digests) is reported as a problem counting the files left unchecked,
 * never silently skipped.
 *
 * Files under the few trees that distribution packages leave to the
 * administrator and to applications (FHS and Debian Policy: usr/local/,
 * home/, tmp/, var/tmp/; and the mount points run/, proc/, sys/, dev/,
 * mnt/, media/) are not hashed: on application images they hold much of
 * the data (official python and node images build into usr/local/), and no
 * package database lists them. Should one list a file there anyway, finish
 * reports it as not checked, so nothing is skipped silently. Empty files
 * need no hashing either.
 *
 * How dpkg --verify is followed (docs/DETECTORS.md, "Integrity"): a file
 * is checked when its package's .list names it and its md5sums give a
 * digest; conffiles use the Conffiles: digest of the status file (obsolete
 * ones are not checked); a diverted file is checked at the path it was
 * diverted to, except for the diverting package's own file; paths are
 * canonicalised through directory symlinks (merged /usr); a file listed by
 * several packages (Multi-Arch: same, rpm multilib) is fine when it matches
 * any of them; files that are missing are not reported (slim images delete
 * documentation on purpose, and dpkg path-exclude never installs it).
 */
#include "analyze/analyzer.h"
#include "analyze/dpkg.h"
#include "analyze/finish.h"
#include "analyze/rpm_header.h"
#include "base/b64.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/map.h"
#include "base/str.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct analyzer analyzer_integrity;
extern const struct analyzer analyzer_dpkg;
extern const struct analyzer analyzer_apk;
extern const struct analyzer analyzer_rpm;

/* Digest algorithms, by index; ALG bits are 1 << index. */
enum { A_MD5, A_SHA1, A_SHA256, NALGS };
#define ALG_ALL ((1u << NALGS) - 1)
static const unsigned alg_len[NALGS] = {16, 20, 32};
static const char *const alg_name[NALGS] = {"MD5", "SHA-1", "SHA-256"};

/* Package families told by paths. */
enum {
    FAM_DPKG = 1,
    FAM_APK = 2,
    FAM_APK3 = 4,
    FAM_RPM = 8,
};

/* Bytes kept of each digest: a 64-bit prefix. A random change survives
 * the comparison with probability 2^-64, and forging a file whose digest
 * starts like the original's costs a 2^64 second-preimage search, while
 * anyone able to change the image can simply rewrite the package
 * database instead; half of MD5 (a quarter of SHA-256) keeps the per-file
 * record at 10 bytes, which matters at 100,000 files in a 64 MiB budget. */
#define KEEP 8
_Static_assert(KEEP <= DPKG_SUM_KEEP && KEEP <= 16, "a prefix every database digest has");

/* Item flags, from the first bytes of the file. */
#define F_ELF 0x1
#define F_SCRIPT 0x2

/* Records looked at (newest first) to find the layer's current chunk; the
 * few records other analyzers make per file are far fewer. Chunks grow
 * from CHUNK_FIRST to CHUNK_MAX items: small enough that the unused tail
 * of a layer's last chunk costs little, large enough to be few. */
#define CHUNK_LOOKBACK 64
#define CHUNK_FIRST 32
#define CHUNK_MAX 1024

/* Read-only during the passes except told[L], which only layer L's own
 * pass writes (one worker per layer: distinct objects, no data race). */
struct shared {
    unsigned prior;                   /* FAM_* the image's history names */
    unsigned *told;                   /* [layer]: FAM_* told in that layer so far */
    size_t nlayers;                   /* entries of told */
    EVP_MD *md[NALGS];
    unsigned char empty[NALGS][32];   /* digests of the empty file */
};

/* Per file, while it streams. */
struct file_state {
    EVP_MD_CTX *ctx[NALGS];
    unsigned algos;
    unsigned char head[4];
    unsigned nhead;
    char *osrel;                /* os-release files only: their first bytes */
    size_t nosrel;
};

/* Bytes of an os-release file looked at for ID= and ID_LIKE= (real ones
 * are under 1 KiB; the keys come first). */
#define OSREL_MAX 2048

/* Digests of a run of regular files of one layer (rec->data of a REC_DATA
 * record). Items, in entry order: u8 distance in entries from the previous
 * item (0 for the first, whose entry index is `first`), u8 flags, then
 * KEEP bytes of the digest of every algorithm in `algos`, in index order. */
struct chunk {
    unsigned algos;
    uint32_t first, last;       /* entry indexes of the first and last item */
    uint32_t n, cap;
    uint32_t isz;
    unsigned char *items;
};

static unsigned
family_of(const char *p)
{
    static const struct {
        const char *prefix;
        unsigned fam;
    } tell[] = {
        {"var/lib/dpkg/", FAM_DPKG},         {"etc/apt/", FAM_DPKG},
        {"etc/dpkg/", FAM_DPKG},             {"lib/apk/", FAM_APK},
        {"etc/apk/", FAM_APK},               {"usr/lib/apk/", FAM_APK | FAM_APK3},
        {"var/lib/rpm/", FAM_RPM},           {"usr/lib/sysimage/rpm/", FAM_RPM},
        {"etc/yum.repos.d/", FAM_RPM},       {"etc/dnf/", FAM_RPM},
        {"etc/zypp/", FAM_RPM},              {"etc/yum.conf", FAM_RPM},
    };
    size_t i;

    if (p[0] != 'v' && p[0] != 'e' && p[0] != 'l' && p[0] != 'u')
        return 0;
    for (i = 0; i < sizeof(tell) / sizeof(tell[0]); i++)
        if (str_starts(p, tell[i].prefix))
            return tell[i].fam;
    return 0;
}

/* The family an os-release's ID / ID_LIKE names, or 0. */
static unsigned
family_of_osrel(const char *s, size_t n)
{
    static const struct {
        const char *id;
        unsigned fam;
    } ids[] = {
        {"debian", FAM_DPKG},    {"ubuntu", FAM_DPKG},   {"alpine", FAM_APK},
        {"wolfi", FAM_APK},      {"chainguard", FAM_APK}, {"postmarketos", FAM_APK},
        {"fedora", FAM_RPM},     {"rhel", FAM_RPM},      {"centos", FAM_RPM},
        {"rocky", FAM_RPM},      {"almalinux", FAM_RPM}, {"amzn", FAM_RPM},
        {"ol", FAM_RPM},         {"suse", FAM_RPM},      {"sles", FAM_RPM},
        {"opensuse", FAM_RPM},   {"mariner", FAM_RPM},   {"azurelinux", FAM_RPM},
        {"photon", FAM_RPM},
    };
    const char *cur = s, *end = s + n, *line;
    size_t ln, i;
    unsigned fam = 0;

    while (str_next_line(&cur, end, &line, &ln)) {
        const char *v;
        size_t vn;
        if (str_nstarts(line, ln, "ID=")) {
            v = line + 3;
            vn = ln - 3;
        } else if (str_nstarts(line, ln, "ID_LIKE=")) {
            v = line + 8;
            vn = ln - 8;
        } else {
            continue;
        }
        /* a space-separated list, maybe quoted: ID_LIKE="rhel centos fedora" */
        while (vn) {
            size_t w = 0;
            while (vn && (*v == '"' || *v == '\'' || *v == ' ')) {
                v++;
                vn--;
            }
            while (w < vn && v[w] != ' ' && v[w] != '"' && v[w] != '\'')
                w++;
            for (i = 0; w && i < sizeof(ids) / sizeof(ids[0]); i++)
                if (strlen(ids[i].id) == w && memcmp(v, ids[i].id, w) == 0)
                    fam |= ids[i].fam;
            v += w;
            vn -= w;
        }
    }
    return fam;
}

/* The families a history line's commands name ("RUN apt-get install ...",
 * "/bin/sh -c dnf -y install ..."): whole words only, so "rpm" does not
 * match "rpmdb" nor "apt" "adapter". */
static unsigned
family_of_history(const char *s)
{
    static const struct {
        const char *word;
        unsigned fam;
    } cmds[] = {
        {"apt-get", FAM_DPKG}, {"apt", FAM_DPKG},         {"aptitude", FAM_DPKG},
        {"dpkg", FAM_DPKG},    {"debootstrap", FAM_DPKG}, {"mmdebstrap", FAM_DPKG},
        {"apk", FAM_APK},      {"yum", FAM_RPM},          {"dnf", FAM_RPM},
        {"microdnf", FAM_RPM}, {"tdnf", FAM_RPM},         {"rpm", FAM_RPM},
        {"zypper", FAM_RPM},
    };
    unsigned fam = 0;
    size_t w, i;

    while (*s) {
        w = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
        for (i = 0; w && i < sizeof(cmds) / sizeof(cmds[0]); i++)
            if (strlen(cmds[i].word) == w && memcmp(s, cmds[i].word, w) == 0)
                fam |= cmds[i].fam;
        s += w ? w : 1;
    }
    return fam;
}

static int
is_osrel(const char *p)
{
    return strcmp(p, "etc/os-release") == 0 || strcmp(p, "usr/lib/os-release") == 0;
}

static unsigned
algos_for(unsigned seen)
{
    unsigned a = 0;

    if (!seen)
        return ALG_ALL;
    if (seen & FAM_DPKG)
        a |= 1u << A_MD5;
    if (seen & FAM_APK)
        a |= 1u << A_SHA1;
    if (seen & (FAM_APK3 | FAM_RPM))
        a |= 1u << A_SHA256;
    return a;
}

static unsigned
item_size(unsigned algos)
{
    unsigned k, n = 2;

    for (k = 0; k < NALGS; k++)
        if (algos & (1u << k))
            n += KEEP;
    return n;
}

/* Offset of algorithm k's digest in an item, or 0 when absent. */
static unsigned
digest_off(unsigned algos, unsigned k)
{
    unsigned j, off = 2;

    if (!(algos & (1u << k)))
        return 0;
    for (j = 0; j < k; j++)
        if (algos & (1u << j))
            off += KEEP;
    return off;
}

/* ---- init ---- */

static void
integ_fini(void *state)
{
    struct shared *sh = state;
    unsigned k;

    if (!sh)
        return;
    for (k = 0; k < NALGS; k++)
        EVP_MD_free(sh->md[k]);
    free(sh->told);
    free(sh);
}

static int
integ_init(const struct moat_options *opt, const struct image_desc *img, void **state,
           char *err, size_t errlen)
{
    static const char *const names[NALGS] = {"MD5", "SHA1", "SHA256"};
    struct shared *sh;
    unsigned k;

    *state = NULL;
    if (opt && !(opt->detect.enabled & MOAT_DETECT_INTEGRITY))
        return 0;
    sh = calloc(1, sizeof(*sh));
    if (!sh) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* the scan driver rejects images with more layers than the limit, and
     * tests without an image number their layers below it */
    if (img && img->nlayers)
        sh->nlayers = img->nlayers;
    else
        sh->nlayers = opt ? opt->limits.layers : MOAT_LIMIT_LAYERS;
    sh->told = calloc(sh->nlayers ? sh->nlayers : 1, sizeof(*sh->told));
    if (!sh->told) {
        snprintf(err, errlen, "out of memory");
        integ_fini(sh);
        return -1;
    }
    for (k = 0; img && k < img->nlayers; k++)
        if (img->layers[k].created_by)
            sh->prior |= family_of_history(img->layers[k].created_by);
    for (k = 0; k < NALGS; k++) {
        unsigned int len = 0;
        /* fetched once: per-file inits then skip the provider lookup */
        sh->md[k] = EVP_MD_fetch(NULL, names[k], NULL);
        if (!sh->md[k] || !EVP_Digest("", 0, sh->empty[k], &len, sh->md[k], NULL) ||
            len != alg_len[k]) {
            snprintf(err, errlen, "OpenSSL has no usable %s (FIPS mode without the default "
                                  "provider?)", alg_name[k]);
            integ_fini(sh);
            return -1;
        }
    }
    *state = sh;
    return 0;
}

/* ---- the layer pass ---- */

/* Trees no distribution package installs to (see the top of the file). */
static int
unpackaged_tree(const char *p)
{
    static const char *const trees[] = {"usr/local/", "home/", "tmp/", "var/tmp/", "run/",
                                        "proc/",      "sys/",  "dev/", "mnt/",     "media/"};
    size_t i;

    for (i = 0; i < sizeof(trees) / sizeof(trees[0]); i++)
        if (p[0] == trees[i][0] && str_starts(p, trees[i]))
            return 1;
    return 0;
}

static enum want
integ_wants(const struct entry *e)
{
    /* the empty file's digests are known; hard links are their target */
    if (e->le->type != ENTRY_REG || e->le->size == 0 || unpackaged_tree(e->path))
        return WANT_NO;
    return WANT_STREAM;
}

/* This layer's told families (written by this pass only), or NULL for a
 * layer number beyond what init sized (defensive: the scan driver and the
 * tests stay below it). */
static unsigned *
layer_told(struct actx *c)
{
    struct shared *sh = c->an_shared;

    if (c->layer < 0 || (size_t)c->layer >= sh->nlayers)
        return NULL;
    return &sh->told[c->layer];
}

static int
integ_begin(struct actx *c, const struct entry *e, void *state)
{
    struct shared *sh = c->an_shared;
    struct file_state *st = state;
    unsigned *told = layer_told(c);
    unsigned fam = family_of(e->path), k;

    if (fam && told)
        *told |= fam;
    st->algos = algos_for(sh->prior | (told ? *told : 0));
    if (is_osrel(e->path)) {
        st->osrel = malloc(OSREL_MAX);
        if (!st->osrel)
            return MOAT_ENOMEM;
    }
    for (k = 0; k < NALGS; k++) {
        if (!(st->algos & (1u << k)))
            continue;
        st->ctx[k] = EVP_MD_CTX_new();
        if (!st->ctx[k] || !EVP_DigestInit_ex(st->ctx[k], sh->md[k], NULL))
            return MOAT_ENOMEM;
    }
    return 0;
}

static int
integ_chunk(struct actx *c, void *state, const unsigned char *p, size_t n)
{
    struct file_state *st = state;
    unsigned k;

    (void)c;
    if (st->nhead < sizeof(st->head)) {
        size_t take = sizeof(st->head) - st->nhead;
        if (take > n)
            take = n;
        memcpy(st->head + st->nhead, p, take);
        st->nhead += (unsigned)take;
    }
    if (st->osrel && st->nosrel < OSREL_MAX) {
        size_t take = OSREL_MAX - st->nosrel;
        if (take > n)
            take = n;
        memcpy(st->osrel + st->nosrel, p, take);
        st->nosrel += take;
    }
    for (k = 0; k < NALGS; k++)
        if (st->ctx[k] && !EVP_DigestUpdate(st->ctx[k], p, n))
            return MOAT_ENOMEM;
    return 0;
}

static void
integ_free(void *state)
{
    struct file_state *st = state;
    unsigned k;

    for (k = 0; k < NALGS; k++)
        EVP_MD_CTX_free(st->ctx[k]);
    free(st->osrel);
}

/* The layer's chunk to append to: the newest chunk record of this analyzer
 * among the last few records, when it has room and the same algorithms;
 * else a new one (twice as large as a full predecessor, up to CHUNK_MAX). */
static struct chunk *
current_chunk(struct actx *c, const struct entry *e, unsigned algos, uint32_t idx)
{
    struct vec *v = &c->lr->recs;
    size_t i, stop = v->len > CHUNK_LOOKBACK ? v->len - CHUNK_LOOKBACK : 0;
    struct chunk *prev = NULL, *ch;
    uint32_t cap = CHUNK_FIRST;
    struct rec *r;

    for (i = v->len; i-- > stop;) {
        r = *VEC_AT(v, struct rec *, i);
        if (r->an == c->an && r->kind == REC_DATA) {
            prev = r->data;
            break;
        }
    }
    if (prev && prev->algos == algos && prev->n < prev->cap && idx > prev->last &&
        idx - prev->last <= 255)
        return prev;
    if (prev && prev->n == prev->cap)
        cap = prev->cap * 2 > CHUNK_MAX ? CHUNK_MAX : prev->cap * 2;
    r = rec_new(c, REC_DATA, e->path);
    ch = arena_alloc(c->arena, sizeof(*ch));
    if (!r || !ch)
        return NULL;
    ch->algos = algos;
    ch->first = ch->last = idx;
    ch->isz = item_size(algos);
    ch->cap = cap;
    ch->items = arena_alloc(c->arena, (size_t)cap * ch->isz);
    if (!ch->items)
        return NULL;
    r->data = ch;
    return ch;
}

static int
integ_end(struct actx *c, const struct entry *e, void *state)
{
    struct file_state *st = state;
    const struct layer_entry *base = c->lr->entries.items;
    struct chunk *ch;
    unsigned char *it;
    size_t idx;
    uint32_t idx32;
    unsigned k;

    if (!base || e->le < base || e->le >= base + c->lr->entries.len) {
        /* defensive: every pass stores the entry in its layer's table */
        actx_problem(c, MOAT_FAILED, e->path, "entry outside the layer table; not checked");
        return 0;
    }
    idx = (size_t)(e->le - base);
    if (idx > UINT32_MAX) {
        actx_problem(c, MOAT_FAILED, e->path, "entry number above 2^32; not checked");
        return 0;
    }
    idx32 = (uint32_t)idx;
    if (st->osrel) {
        unsigned *told = layer_told(c);
        if (told)
            *told |= family_of_osrel(st->osrel, st->nosrel);
    }
    ch = current_chunk(c, e, st->algos, idx32);
    if (!ch)
        return MOAT_ENOMEM;
    it = ch->items + (size_t)ch->n * ch->isz;
    it[0] = ch->n ? (unsigned char)(idx32 - ch->last) : 0;
    it[1] = 0;
    if (st->nhead >= 4 && memcmp(st->head, "\x7f" "ELF", 4) == 0)
        it[1] |= F_ELF;
    if (st->nhead >= 2 && st->head[0] == '#' && st->head[1] == '!')
        it[1] |= F_SCRIPT;
    for (k = 0; k < NALGS; k++) {
        unsigned char d[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        if (!(st->algos & (1u << k)))
            continue;
        if (!EVP_DigestFinal_ex(st->ctx[k], d, &len) || len != alg_len[k])
            return MOAT_ENOMEM;
        memcpy(it + digest_off(st->algos, k), d, KEEP);
    }
    ch->last = idx32;
    ch->n++;
    return 0;
}

/* ---- finish ---- */

/* Why a listed file could not be checked; counted and reported once each. */
enum skip {
    SKIP_UNCOMPUTED, /* its digest algorithm was not computed in the pass */
    SKIP_UNHASHED,   /* no digest record for the visible entry */
    SKIP_TREE,       /* under a tree that is not hashed (unpackaged_tree) */
    SKIP_LINK,       /* hard link whose target entry was not found */
    SKIP_ALGO,       /* the database uses an algorithm moat does not compute */
    SKIP_DIGEST,     /* a digest string of the database is malformed */
    SKIP_N
};

/* One expectation: a package says path holds content with this digest. */
struct expect {
    const char *family;         /* "dpkg", "apk", "rpm" */
    const struct pkg *pkg;
    const char *at;             /* where to look (after diversions) */
    unsigned alg;               /* A_* */
    const unsigned char *digest;
    int config;                 /* the package manager's configuration file */
    int link_digest;            /* apk: a symlink's digest is its target's */
    unsigned exec_mode;         /* expected mode bits (rpm), for severity */
};

/* A mismatch waiting for the other owners of the same path (pass 2). */
struct candidate {
    const char *canon;
    struct layer_finding lf;
    int layer;
    int cleared;                /* another owner's digest matches */
};

struct check {
    struct finish_ctx *f;
    const struct shared *sh;
    struct chunk **chunks;      /* every chunk, by layer */
    size_t *lstart;             /* layer L's chunks: [lstart[L], lstart[L+1]) */
    struct vec cands;           /* struct candidate */
    struct map candmap;         /* canonical path -> candidate index + 1 */
    int pass2;
    uint64_t link_budget;
    size_t skipped[SKIP_N];
    const char *skip_example[SKIP_N];
    unsigned skip_algo[SKIP_N]; /* ALG bits involved (SKIP_UNCOMPUTED) */
    size_t checked, matched;
};

static void
skip(struct check *ck, enum skip why, const char *path, unsigned alg)
{
    if (ck->pass2)
        return;
    if (ck->skipped[why]++ == 0)
        ck->skip_example[why] = path;
    ck->skip_algo[why] |= 1u << alg;
}

static int
index_chunks(struct check *ck)
{
    struct finish_ctx *f = ck->f;
    struct rec_iter it = {0, 0};
    struct rec *r;
    size_t n = 0, L, k = 0;

    while ((r = finish_next_any(f, &analyzer_integrity, &it)) != NULL)
        n++;
    ck->chunks = calloc(n ? n : 1, sizeof(*ck->chunks));
    ck->lstart = calloc(f->nlayers + 1, sizeof(*ck->lstart));
    if (!ck->chunks || !ck->lstart)
        return MOAT_ENOMEM;
    it.layer = it.i = 0;
    L = 0;
    while ((r = finish_next_any(f, &analyzer_integrity, &it)) != NULL) {
        while (L < (size_t)r->layer && L < f->nlayers)
            ck->lstart[++L] = k;
        if (r->kind == REC_DATA && r->data)
            ck->chunks[k++] = r->data;
    }
    while (L < f->nlayers)
        ck->lstart[++L] = k;
    return 0;
}

/* The item of entry idx of layer L, or NULL; *algos gets its chunk's. */
static const unsigned char *
find_item(const struct check *ck, int L, size_t idx, unsigned *algos)
{
    size_t lo = ck->lstart[L], hi = ck->lstart[L + 1], i, at;
    const struct chunk *ch;

    /* the last chunk whose first index is <= idx */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ck->chunks[mid]->first <= idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == ck->lstart[L])
        return NULL;
    ch = ck->chunks[lo - 1];
    if (idx > ch->last)
        return NULL;
    for (i = 0, at = ch->first; i < ch->n; i++) {
        const unsigned char *it = ch->items + i * ch->isz;
        at += it[0];
        if (at == idx) {
            *algos = ch->algos;
            return it;
        }
        if (at > idx)
            break;
    }
    return NULL;
}

/* The regular-file entry a hard link of layer L stands for (tar hard
 * links name an earlier entry of the same layer). */
static const struct layer_entry *
link_target(struct check *ck, int L, const struct layer_entry *le)
{
    const struct layer_result *lr = &ck->f->layers[L];
    const struct layer_entry *base = lr->entries.items;
    int hops;

    for (hops = 0; hops < 8 && le->type == ENTRY_HARDLINK && le->link; hops++) {
        const struct fs_node *n = fs_lookup(ck->f->fs, le->link);
        const struct layer_entry *t = NULL;
        size_t i;
        if (n && n->e->layer == L && n->e >= base && n->e < le && n->e->type != ENTRY_DIR)
            t = n->e; /* the usual case: the target is still visible */
        for (i = (size_t)(le - base); !t && i-- > 0;) {
            const struct layer_entry *x = &base[i];
            if (ck->link_budget == 0)
                return NULL;
            ck->link_budget--;
            if (!x->whiteout && x->type != ENTRY_DIR && strcmp(x->path, le->link) == 0)
                t = x;
        }
        if (!t)
            return NULL;
        le = t;
    }
    return le->type == ENTRY_REG ? le : NULL;
}

static const char *
type_name(uint8_t t)
{
    switch (t) {
    case ENTRY_SYMLINK:
        return "a symbolic link";
    case ENTRY_DIR:
        return "a directory";
    case ENTRY_CHAR:
        return "a character device";
    case ENTRY_BLOCK:
        return "a block device";
    case ENTRY_FIFO:
        return "a named pipe";
    case ENTRY_SOCK:
        return "a socket";
    default:
        return "something else";
    }
}

static void
hex(char *out, const unsigned char *d, unsigned n)
{
    static const char digits[] = "0123456789abcdef";
    unsigned i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

/* A symlink target fit for a report line: bounded, printable. */
static const char *
safe_text(struct arena *a, const char *s)
{
    char buf[204];
    size_t i;

    for (i = 0; s[i] && i < 200; i++)
        buf[i] = (unsigned char)s[i] < ' ' || s[i] == 0x7f ? '?' : s[i];
    if (s[i])
        buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
    buf[i] = '\0';
    return arena_strdup(a, buf);
}

enum outcome { OK_MATCH, BAD_MODIFIED, BAD_REPLACED, NOT_CHECKED };

/* Compares one expectation with the visible image. */
static enum outcome
compare(struct check *ck, const struct expect *ex, const struct fs_node *node,
        unsigned char buf[32], const unsigned char **got, unsigned *flags)
{
    const struct layer_entry *le = node->e;
    const unsigned char *item;
    unsigned algos = 0;
    size_t idx;

    *got = NULL;
    *flags = 0;
    if (le->type == ENTRY_SYMLINK && ex->link_digest) {
        unsigned int len = 0;
        const char *t = le->link ? le->link : "";
        /* apk records the digest of a symlink's target string */
        if (!EVP_Digest(t, strlen(t), buf, &len, ck->sh->md[ex->alg], NULL))
            return NOT_CHECKED;
        *got = buf;
        return memcmp(buf, ex->digest, KEEP) == 0 ? OK_MATCH : BAD_REPLACED;
    }
    if (le->type == ENTRY_HARDLINK) {
        le = link_target(ck, node->e->layer, le);
        if (!le) {
            skip(ck, SKIP_LINK, ex->at, ex->alg);
            return NOT_CHECKED;
        }
    } else if (le->type != ENTRY_REG) {
        return BAD_REPLACED;
    }
    if (le->size == 0) {
        *got = ck->sh->empty[ex->alg];
    } else {
        idx = (size_t)(le - (const struct layer_entry *)ck->f->layers[node->e->layer].entries.items);
        item = find_item(ck, node->e->layer, idx, &algos);
        if (!item) {
            skip(ck, unpackaged_tree(le->path) ? SKIP_TREE : SKIP_UNHASHED, ex->at, ex->alg);
            return NOT_CHECKED;
        }
        if (!(algos & (1u << ex->alg))) {
            skip(ck, SKIP_UNCOMPUTED, ex->at, ex->alg);
            return NOT_CHECKED;
        }
        *flags = item[1];
        *got = item + digest_off(algos, ex->alg);
    }
    return memcmp(*got, ex->digest, KEEP) == 0 ? OK_MATCH : BAD_MODIFIED;
}

static int
add_candidate(struct check *ck, const struct expect *ex, const char *canon,
              const struct fs_node *node, enum outcome o, const unsigned char *got,
              unsigned flags)
{
    struct arena *a = ck->f->arena;
    const struct pkg *p = ex->pkg;
    struct candidate *cd;
    const char *key;
    char want[2 * KEEP + 1], have[2 * KEEP + 1];

    if (map_get(&ck->candmap, canon))
        return 0; /* one finding per path; another owner already disagreed */
    key = arena_strdup(a, canon);
    cd = vec_push(&ck->cands);
    if (!key || !cd)
        return MOAT_ENOMEM;
    if (map_put(&ck->candmap, key, (void *)(uintptr_t)ck->cands.len, NULL))
        return MOAT_ENOMEM;
    cd->canon = key;
    cd->layer = node->e->layer;
    cd->lf.kind = "integrity";
    cd->lf.path = key;
    cd->lf.offset = UINT64_MAX;
    hex(want, ex->digest, KEEP);
    if (ex->config) {
        cd->lf.id = "pkg-config-changed";
        cd->lf.severity = "info";
        cd->lf.title = arena_printf(a, "Configuration file of package %s %s changed", p->name,
                                    p->version);
    } else if (o == BAD_REPLACED) {
        cd->lf.id = "pkg-file-replaced";
        cd->lf.severity = "high";
        cd->lf.title = arena_printf(a, "File of package %s %s replaced by %s", p->name,
                                    p->version, type_name(node->e->type));
    } else {
        int exec = (node->e->mode & 0111) || (ex->exec_mode & 0111) ||
                   (flags & (F_ELF | F_SCRIPT));
        cd->lf.id = "pkg-file-modified";
        cd->lf.severity = exec ? "high" : "medium";
        cd->lf.title = arena_printf(a, "%s of package %s %s modified",
                                    flags & F_ELF      ? "Binary"
                                    : flags & F_SCRIPT ? "Script"
                                    : exec             ? "Executable"
                                                       : "File",
                                    p->name, p->version);
    }
    if (o == BAD_REPLACED && node->e->type == ENTRY_SYMLINK) {
        cd->lf.evidence = arena_printf(
            a, "%s lists a file with %s %s...; the image has a symbolic link to %s",
            ex->family, alg_name[ex->alg], want, safe_text(a, node->e->link ? node->e->link : ""));
    } else if (o == BAD_REPLACED) {
        cd->lf.evidence = arena_printf(a,
                                       "%s lists a regular file with %s %s...; the image has %s",
                                       ex->family, alg_name[ex->alg], want,
                                       type_name(node->e->type));
    } else {
        hex(have, got, KEEP);
        cd->lf.evidence = arena_printf(a, "%s recorded %s %s..., the file has %s...",
                                       ex->family, alg_name[ex->alg], want, have);
    }
    if (!cd->lf.title || !cd->lf.evidence)
        return MOAT_ENOMEM;
    return 0;
}

/* Checks one expectation. Pass 1 collects mismatches; pass 2 (run only
 * when there are some) clears those another owner's digest explains. */
static int
check_one(struct check *ck, const struct expect *ex)
{
    char canon[MOAT_LIMIT_PATH + 1];
    const struct fs_node *node = NULL;
    const unsigned char *got;
    unsigned char buf[32];
    unsigned flags;
    enum outcome o;

    /* lstat-like: directory symlinks (merged /usr) followed, the file not */
    if (fs_resolve(ck->f->fs, ex->at, 0, canon, sizeof(canon), &node) != 0 || !node)
        return 0; /* missing: not reported (see the top of the file) */
    if (ck->pass2) {
        uintptr_t k = (uintptr_t)map_get(&ck->candmap, canon);
        struct candidate *cd;
        if (!k)
            return 0;
        cd = VEC_AT(&ck->cands, struct candidate, k - 1);
        if (!cd->cleared && compare(ck, ex, node, buf, &got, &flags) == OK_MATCH)
            cd->cleared = 1;
        return 0;
    }
    ck->checked++;
    o = compare(ck, ex, node, buf, &got, &flags);
    if (o == OK_MATCH)
        ck->matched++;
    if (o != BAD_MODIFIED && o != BAD_REPLACED)
        return 0;
    return add_candidate(ck, ex, canon, node, o, got, flags);
}

/* -- dpkg -- */

static const char *
diverted(const struct map *divs, const char *path, const struct pkg *p)
{
    const struct dpkg_diversion *d;
    size_t n;

    if (!divs->len)
        return path;
    d = map_get(divs, path);
    if (!d)
        return path;
    /* the diverting package's own file stays where it is */
    if (d->by) {
        n = strcspn(d->by, ":");
        if (strlen(p->name) == n && strncmp(p->name, d->by, n) == 0)
            return path;
    }
    return d->to;
}

static int
check_dpkg(struct check *ck)
{
    struct finish_ctx *f = ck->f;
    const struct dpkg_diversions *dv = dpkg_diversions(f);
    struct map divs, conf;
    struct rec_iter it = {0, 0};
    struct rec *r;
    size_t i, j;
    int rc = 0;

    map_init(&divs);
    map_init(&conf);
    for (i = 0; dv && i < dv->n; i++) {
        rc = map_put(&divs, dv->d[i].from, &dv->d[i], NULL);
        if (rc)
            goto out;
    }
    /* every conffile path: such a file is the administrator's (info) even
     * when it is also in md5sums */
    while ((r = finish_next(f, &analyzer_dpkg, &it)) != NULL) {
        const struct dpkg_db_files *df = r->data;
        if (r->kind != REC_PKGS || !df)
            continue;
        for (i = 0; i < df->npkgs && i < r->npkgs; i++)
            for (j = 0; j < df->files[i].nconffiles; j++) {
                rc = map_put(&conf, df->files[i].conffiles[j].path, (void *)1, NULL);
                if (rc)
                    goto out;
            }
    }
    it.layer = it.i = 0;
    while ((r = finish_next(f, &analyzer_dpkg, &it)) != NULL) {
        const struct dpkg_db_files *df = r->data;
        if (r->kind != REC_PKGS || !df)
            continue;
        for (i = 0; i < df->npkgs && i < r->npkgs; i++) {
            const struct pkg *p = &r->pkgs[i];
            const struct dpkg_pkg_files *pf = &df->files[i];
            struct expect ex = {"dpkg", p, NULL, A_MD5, NULL, 0, 0, 0};
            /* like dpkg --verify: the files of its .list with an md5sum */
            for (j = 0; pf->sums && j < p->nfiles; j++) {
                ex.digest = dpkg_sums_find(pf->sums, p->files[j]);
                if (!ex.digest)
                    continue;
                ex.at = diverted(&divs, p->files[j], p);
                ex.config = map_get(&conf, p->files[j]) != NULL;
                rc = check_one(ck, &ex);
                if (rc)
                    goto out;
            }
            /* conffiles (normally not in md5sums) with the status digest */
            for (j = 0; j < pf->nconffiles; j++) {
                const struct dpkg_conffile *cf = &pf->conffiles[j];
                if (cf->obsolete || dpkg_sums_find(pf->sums, cf->path))
                    continue;
                ex.digest = cf->md5;
                ex.at = diverted(&divs, cf->path, p);
                ex.config = 1;
                rc = check_one(ck, &ex);
                if (rc)
                    goto out;
            }
        }
    }
out:
    map_free(&divs);
    map_free(&conf);
    return rc;
}

/* -- apk -- */

/* An apk Z: value: "Q1"+base64 SHA-1, "Q2"+base64 SHA-256, or 32 hex
 * digits of MD5 (apk-tools before 2.0). */
static int
apk_digest(const char *z, unsigned *alg, unsigned char *out)
{
    size_t n = strlen(z), i;

    if (n > 2 && z[0] == 'Q' && z[1] == '1' &&
        b64_decode(z + 2, n - 2, B64_LOOSE_PAD, out, 20) == 20) {
        *alg = A_SHA1;
        return 0;
    }
    if (n > 2 && z[0] == 'Q' && z[1] == '2' &&
        b64_decode(z + 2, n - 2, B64_LOOSE_PAD, out, 32) == 32) {
        *alg = A_SHA256;
        return 0;
    }
    if (n == 32) {
        for (i = 0; i < 16; i++) {
            int hi = str_hexval(z[2 * i]), lo = str_hexval(z[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return -1;
            out[i] = (unsigned char)(hi << 4 | lo);
        }
        *alg = A_MD5;
        return 0;
    }
    return -1;
}

/* apk's default protected paths ("+etc", "@etc/init.d", "!etc/apk"):
 * files apk treats as configuration. */
static int
apk_config(const char *path)
{
    while (*path == '/')
        path++;
    return str_starts(path, "etc/") && !str_starts(path, "etc/init.d/") &&
           !str_starts(path, "etc/apk/");
}

static int
check_apk(struct check *ck)
{
    struct finish_ctx *f = ck->f;
    struct rec_iter it = {0, 0}, it2;
    struct rec *r, *s;
    size_t i, j;
    int rc;

    while ((r = finish_next(f, &analyzer_apk, &it)) != NULL) {
        const char *const *const *sums = NULL;
        if (r->kind != REC_PKGS)
            continue;
        /* the checksums: the REC_DATA record of the same file and layer */
        it2.layer = it2.i = 0;
        while ((s = finish_next(f, &analyzer_apk, &it2)) != NULL)
            if (s->kind == REC_DATA && s->layer == r->layer && strcmp(s->path, r->path) == 0)
                sums = s->data;
        if (!sums)
            continue;
        for (i = 0; i < r->npkgs; i++) {
            const struct pkg *p = &r->pkgs[i];
            for (j = 0; sums[i] && j < p->nfiles; j++) {
                unsigned char d[32];
                struct expect ex = {"apk", p, p->files[j], 0, d, 0, 1, 0};
                if (!sums[i][j])
                    continue;
                if (apk_digest(sums[i][j], &ex.alg, d) != 0) {
                    skip(ck, SKIP_DIGEST, p->files[j], A_SHA1);
                    continue;
                }
                ex.config = apk_config(p->files[j]);
                rc = check_one(ck, &ex);
                if (rc)
                    return rc;
            }
        }
    }
    return 0;
}

/* -- rpm -- */

static int
check_rpm(struct check *ck)
{
    struct finish_ctx *f = ck->f;
    struct rec_iter it = {0, 0};
    struct rec *r;
    size_t i, j;
    int rc;

    while ((r = finish_next(f, &analyzer_rpm, &it)) != NULL) {
        const struct rpm_db_files *dbf = r->data;
        if (r->kind != REC_PKGS || !dbf || dbf->npkgs != r->npkgs || !dbf->attrs)
            continue;
        for (i = 0; i < r->npkgs; i++) {
            const struct pkg *p = &r->pkgs[i];
            const struct rpm_file_attrs *a = &dbf->attrs[i];
            struct expect ex = {"rpm", p, NULL, 0, NULL, 0, 0, 0};
            static const unsigned char zero[64];
            if (!a->digests || a->digest_len == 0 || a->nfiles != p->nfiles)
                continue;
            switch (a->digest_algo) {
            case 1:
                ex.alg = A_MD5;
                break;
            case 2:
                ex.alg = A_SHA1;
                break;
            case 8:
                ex.alg = A_SHA256;
                break;
            default:
                skip(ck, SKIP_ALGO, p->nfiles ? p->files[0] : r->path, A_SHA256);
                continue;
            }
            if (a->digest_len != alg_len[ex.alg] || a->digest_len > sizeof(zero))
                continue;
            for (j = 0; j < p->nfiles; j++) {
                const unsigned char *d = a->digests + j * a->digest_len;
                uint32_t fl = a->flags ? a->flags[j] : 0;
                if (fl & 64)
                    continue; /* %ghost: rpm never installed content */
                if (a->modes && (a->modes[j] & 0170000) != 0100000)
                    continue; /* only regular files carry content digests */
                if (memcmp(d, zero, a->digest_len) == 0)
                    continue;
                ex.at = p->files[j];
                ex.digest = d;
                ex.config = (fl & 1) != 0; /* %config */
                ex.exec_mode = a->modes ? a->modes[j] : 0;
                rc = check_one(ck, &ex);
                if (rc)
                    return rc;
            }
        }
    }
    return 0;
}

static int
run_checks(struct check *ck)
{
    int rc;

    rc = check_dpkg(ck);
    if (!rc)
        rc = check_apk(ck);
    if (!rc)
        rc = check_rpm(ck);
    return rc;
}

static void
report_skips(struct check *ck)
{
    static const char *const why[SKIP_N] = {
        [SKIP_UNCOMPUTED] = "their %s digest was not computed in the layer pass (files are "
                            "hashed with every algorithm only until the image's history or "
                            "their own layer tells the package manager, then with its usual "
                            "one: dpkg MD5, apk SHA-1, rpm SHA-256; see the Integrity section "
                            "of docs/DETECTORS.md)",
        [SKIP_UNHASHED] = "no digest was recorded for the visible file (%s)",
        [SKIP_TREE] = "they lie where distribution packages do not install files (usr/local/, "
                      "home/, tmp/, var/tmp/ or a mount point), which is not hashed (%s)",
        [SKIP_LINK] = "they are hard links whose target could not be found in their layer (%s)",
        [SKIP_ALGO] = "the package database uses a file digest algorithm moat does not "
                      "compute (%s expected: MD5, SHA-1 or SHA-256)",
        [SKIP_DIGEST] = "the package database holds a malformed digest for them (%s)",
    };
    unsigned k, w;

    for (w = 0; w < SKIP_N; w++) {
        char algs[32] = "";
        if (!ck->skipped[w])
            continue;
        for (k = 0; k < NALGS; k++)
            if (ck->skip_algo[w] & (1u << k))
                snprintf(algs + strlen(algs), sizeof(algs) - strlen(algs), "%s%s",
                         algs[0] ? "/" : "", alg_name[k]);
        {
            char reason[400];
            snprintf(reason, sizeof(reason), why[w], algs);
            finish_problem(ck->f, MOAT_FAILED, -1, NULL, analyzer_integrity.name,
                           "%zu package files were not checked: %s; e.g. %s", ck->skipped[w],
                           reason, ck->skip_example[w]);
        }
    }
}

static int
integ_finish(struct finish_ctx *f, const struct analyzer *self)
{
    struct check ck;
    size_t i, reported = 0, over = 0;
    int rc;

    memset(&ck, 0, sizeof(ck));
    ck.f = f;
    ck.sh = finish_shared(f, self);
    if (!ck.sh)
        return 0;
    ck.link_budget = MOAT_LIMIT_INTEGRITY_LINK_SCAN;
    vec_init(&ck.cands, sizeof(struct candidate), (size_t)-1 / sizeof(struct candidate));
    map_init(&ck.candmap);
    rc = index_chunks(&ck);
    if (!rc)
        rc = run_checks(&ck);
    if (!rc && ck.cands.len) {
        ck.pass2 = 1;
        rc = run_checks(&ck);
    }
    if (rc)
        goto out;
    for (i = 0; i < ck.cands.len; i++) {
        const struct candidate *cd = VEC_AT(&ck.cands, struct candidate, i);
        if (cd->cleared)
            continue;
        if (reported == MOAT_LIMIT_INTEGRITY_FINDINGS) {
            over++;
            continue;
        }
        rc = finish_add_finding(f, &cd->lf, cd->layer, 0);
        if (rc)
            goto out;
        reported++;
    }
    if (over)
        finish_problem(f, MOAT_WARN, -1, NULL, self->name,
                       "%zu more package files differ from their digests; only the first %d "
                       "are listed as findings",
                       over, MOAT_LIMIT_INTEGRITY_FINDINGS);
    report_skips(&ck);
out:
    free(ck.chunks);
    free(ck.lstart);
    vec_free(&ck.cands);
    map_free(&ck.candmap);
    return rc;
}

const struct analyzer analyzer_integrity = {
    .name = "integrity",
    .version = 2, /* 2: digests chosen from the history and the file's own layer */
    .wants = integ_wants,
    .state_size = sizeof(struct file_state),
    .stream_begin = integ_begin,
    .stream_chunk = integ_chunk,
    .stream_end = integ_end,
    .stream_free = integ_free,
    .finish = integ_finish,
    .init = integ_init,
    .fini = integ_fini,
};

/*
 * apk.c - Alpine packages: the apk database lib/apk/db/installed (and
 * usr/lib/apk/db/installed, where apk-tools 3 keeps it on merged-/usr
 * systems).
 *
 * The database is a text file of blocks separated by blank lines, one per
 * installed package, each line "X:value" with a one-letter, case-sensitive
 * key (apk-tools' "installed database" format):
 *   P name   V version   A arch   o origin (source package)   L license
 *   m maintainer   C package checksum ("Q1" + base64 SHA-1 of the control
 *   data)   c commit of aports   t build time
 *   F directory (relative to /), then the files of that directory:
 *   R file name, optionally followed by a:acl and Z:checksum of that file
 *   ("Q1" + base64 SHA-1 of its content, "Q2" + base64 SHA-256 in newer
 *   apk). Lowercase p, r, a, M, ... are other keys (provides, replaces, acls)
 *   and are ignored here.
 *
 * Owned files are reported as "/dir/file". The per-file checksums (Z:) are
 * kept for integrity checking in a second record of this analyzer for the
 * same path and layer, of kind REC_DATA, whose data is a
 * `const char *const *const *sums` with sums[i][j] the Z: value of
 * files[j] of pkgs[i] of the REC_PKGS record (NULL where apk recorded
 * none). A checker finds both with finish_next(f, &analyzer_apk, ...):
 * records with equal path and layer belong together.
 *
 * Malformed blocks are reported one by one (capped) and skipped; the rest
 * of the database is still used.
 */
#include "analyzer.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <string.h>

static enum want
apk_wants(const struct entry *e)
{
    if (strcmp(e->path, "lib/apk/db/installed") == 0 ||
        strcmp(e->path, "usr/lib/apk/db/installed") == 0)
        return WANT_WHOLE;
    return WANT_NO;
}

/* The keys kept from a block; the first occurrence of each wins. */
enum { K_P, K_V, K_A, K_O, K_L, K_M, K_C, K_COMMIT, K_N };
static const char key_chars[K_N] = {'P', 'V', 'A', 'o', 'L', 'm', 'C', 'c'};

struct block {
    const char *p; /* first line of the block */
    const char *end;
    size_t nlines;
    size_t nfiles; /* R: lines */
};

struct parse {
    struct actx *c;
    const char *path;
    size_t bad; /* malformed blocks or lines, reported up to a cap */
};

static void
bad(struct parse *ps, const char *fmt, size_t block, const char *what)
{
    if (++ps->bad <= MOAT_LIMIT_FILE_PROBLEMS)
        actx_problem(ps->c, MOAT_FAILED, ps->path, fmt, block, what);
}

/* Next block of [*cur, end): blank lines separate blocks. */
static int
next_block(const char **cur, const char *end, struct block *b)
{
    const char *line, *first = NULL, *last = NULL;
    size_t n;

    b->nlines = b->nfiles = 0;
    while (str_next_line(cur, end, &line, &n)) {
        if (n == 0) {
            if (first)
                break;
            continue;
        }
        if (!first)
            first = line;
        last = line + n;
        b->nlines++;
        if (n >= 2 && line[0] == 'R' && line[1] == ':')
            b->nfiles++;
    }
    if (!first)
        return 0;
    b->p = first;
    b->end = last;
    return 1;
}

/* Free text (license, maintainer) fit for a report: bounded, UTF-8, no
 * control characters; anything else is dropped with a warning. */
static const char *
dup_text(struct parse *ps, size_t index, const char *what, const char *s, size_t n)
{
    size_t i;

    if (!s || n == 0)
        return NULL;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            break;
    if (i < n || n > MOAT_LIMIT_PKG_TEXT || !str_valid_utf8(s, n)) {
        actx_problem(ps->c, MOAT_WARN, ps->path,
                     "block %zu: the %s is overlong, not UTF-8 or has control characters; "
                     "not recorded",
                     index, what);
        return NULL;
    }
    return arena_strndup(ps->c->arena, s, n);
}

/* Fills p (and its checksum list) from block b. Returns 1 when the block
 * was a usable package, 0 when it was skipped (reported), or <0 (OOM). */
static int
parse_block(struct parse *ps, const struct block *b, size_t index, struct pkg *p,
            const char ***sums_out)
{
    struct actx *c = ps->c;
    const char *cur = b->p, *line, *dir = NULL;
    const char *val[K_N] = {0};
    size_t vlen[K_N] = {0};
    size_t n, dirlen = 0, nf = 0, k;
    const char **files = NULL, **sums = NULL;
    int have_dir = 0, after_file = 0;
    size_t orphan = 0;

    if (b->nfiles) {
        files = arena_alloc(c->arena, b->nfiles * sizeof(*files));
        sums = arena_alloc(c->arena, b->nfiles * sizeof(*sums));
        if (!files || !sums)
            return MOAT_ENOMEM;
    }
    while (str_next_line(&cur, b->end, &line, &n)) {
        const char *v = line + 2;
        size_t vn = n >= 2 ? n - 2 : 0;
        if (n < 2 || line[1] != ':') {
            bad(ps, "block %zu has a line that is not \"X:value\" (%s); block skipped", index,
                "malformed line");
            return 0;
        }
        if (line[0] != 'a' && line[0] != 'Z')
            after_file = 0; /* only a file's acl may stand between it and its Z: */
        switch (line[0]) {
        case 'F':
            dir = v;
            dirlen = vn;
            have_dir = 1;
            continue;
        case 'R':
            if (!have_dir) {
                orphan++;
                continue;
            }
            if (vn == 0 || memchr(v, '/', vn) || nf >= b->nfiles) {
                orphan++; /* a file name apk cannot have written */
                continue;
            }
            after_file = 1;
            files[nf] = dirlen ? arena_printf(c->arena, "/%.*s/%.*s", (int)dirlen, dir, (int)vn, v)
                               : arena_printf(c->arena, "/%.*s", (int)vn, v);
            if (!files[nf])
                return MOAT_ENOMEM;
            nf++;
            continue;
        case 'Z':
            /* belongs to the R: line just before it */
            if (after_file && !sums[nf - 1] && vn) {
                sums[nf - 1] = arena_strndup(c->arena, v, vn);
                if (!sums[nf - 1])
                    return MOAT_ENOMEM;
            }
            continue;
        default:
            break;
        }
        for (k = 0; k < K_N; k++) {
            if (line[0] == key_chars[k] && !val[k]) {
                val[k] = v;
                vlen[k] = vn;
            }
        }
    }
    if (!val[K_P] || !val[K_V]) {
        bad(ps, "block %zu has no %s line; block skipped", index,
            !val[K_P] ? "P: (name)" : "V: (version)");
        return 0;
    }
    if (!pkg_token_ok(val[K_P], vlen[K_P]) || !pkg_token_ok(val[K_V], vlen[K_V])) {
        bad(ps, "block %zu has an empty, overlong or malformed %s; block skipped", index,
            !pkg_token_ok(val[K_P], vlen[K_P]) ? "name" : "version");
        return 0;
    }
    if (orphan)
        bad(ps, "block %zu has malformed file lines (%s); those files were skipped", index,
            "R: before F:, empty or with '/'");
    p->type = MOAT_PKG_APK;
    p->db = 1;
    p->name = arena_strndup(c->arena, val[K_P], vlen[K_P]);
    p->version = arena_strndup(c->arena, val[K_V], vlen[K_V]);
    if (val[K_A] && pkg_token_ok(val[K_A], vlen[K_A]))
        p->arch = arena_strndup(c->arena, val[K_A], vlen[K_A]);
    /* the origin is the aports directory the package was built from; its
     * version is the package's own (subpackages share their origin's) */
    if (val[K_O] && pkg_token_ok(val[K_O], vlen[K_O]))
        p->source_name = arena_strndup(c->arena, val[K_O], vlen[K_O]);
    else
        p->source_name = p->name;
    p->source_version = p->version;
    p->license = dup_text(ps, index, "license", val[K_L], vlen[K_L]);
    p->supplier = dup_text(ps, index, "maintainer", val[K_M], vlen[K_M]);
    p->files = files;
    p->nfiles = nf;
    if (!p->name || !p->version || !p->source_name)
        return MOAT_ENOMEM;
    if (val[K_C] && pkg_token_ok(val[K_C], vlen[K_C]) &&
        pkg_prop(c, p, "apk:checksum", arena_strndup(c->arena, val[K_C], vlen[K_C])))
        return MOAT_ENOMEM;
    if (val[K_COMMIT] && pkg_token_ok(val[K_COMMIT], vlen[K_COMMIT]) &&
        pkg_prop(c, p, "apk:commit", arena_strndup(c->arena, val[K_COMMIT], vlen[K_COMMIT])))
        return MOAT_ENOMEM;
    *sums_out = sums;
    return 1;
}

static int
apk_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len;
    struct parse ps = {c, e->path, 0};
    struct block b;
    struct rec *r, *sr;
    struct pkg *pkgs;
    const char ***sums;
    size_t blocks = 0, used = 0, index = 0;

    if (memchr(buf, '\0', len)) {
        actx_problem(c, MOAT_FAILED, e->path, "binary data in the apk database; not read");
        return 0;
    }
    while (next_block(&cur, end, &b))
        blocks++;
    if (blocks == 0)
        return 0; /* an empty database: nothing installed */
    if (blocks > MOAT_LIMIT_DB_PACKAGES) {
        actx_problem(c, MOAT_FAILED, e->path,
                     "%zu blocks, more than the limit of %d packages; only the first were read",
                     blocks, MOAT_LIMIT_DB_PACKAGES);
        blocks = MOAT_LIMIT_DB_PACKAGES;
    }
    /* all at once: growing a record one package at a time copies it */
    r = rec_new(c, REC_PKGS, e->path);
    pkgs = r ? rec_add_pkgs(c, r, blocks) : NULL;
    sums = arena_alloc(c->arena, blocks * sizeof(*sums));
    if (!pkgs || !sums)
        return MOAT_ENOMEM;
    cur = buf;
    while (index < blocks && next_block(&cur, end, &b)) {
        int rc;
        index++;
        if (b.nfiles > MOAT_LIMIT_DB_PACKAGES) {
            bad(&ps, "block %zu lists more files than the limit (%s); block skipped", index,
                "MOAT_LIMIT_DB_PACKAGES");
            continue;
        }
        rc = parse_block(&ps, &b, index, &pkgs[used], &sums[used]);
        if (rc < 0)
            return rc;
        if (rc == 1)
            used++; /* a skipped block wrote nothing: the slot stays zeroed */
    }
    r->npkgs = used; /* skipped blocks leave unused slots at the end */
    if (ps.bad > MOAT_LIMIT_FILE_PROBLEMS)
        actx_problem(c, MOAT_FAILED, e->path, "%zu malformed blocks or lines in all", ps.bad);
    if (used == 0) {
        actx_problem(c, MOAT_FAILED, e->path, "not an apk database: no valid package block");
        return 0;
    }
    sr = rec_new(c, REC_DATA, e->path);
    if (!sr)
        return MOAT_ENOMEM;
    sr->data = sums;
    return 0;
}

const struct analyzer analyzer_apk = {
    .name = "apk",
    .version = 1,
    .wants = apk_wants,
    .max_size = 64 << 20,
    .whole = apk_whole,
};

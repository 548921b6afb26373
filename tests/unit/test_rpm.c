/*
 * test_rpm.c - the rpm analyzer: the header parser on a real header and on
 * hostile variants of it; each backend (SQLite, Berkeley DB Hash in both
 * byte orders and with page checksums, ndb) on real fixtures checked
 * against rpm's own answer (tests/data/rpm/expected.txt, written by rpm
 * reading the Berkeley DB fixture; see tests/data/rpm/mkrpmdb.py); and
 * each backend on damaged files (truncation, page cycles, overlapping
 * slots, huge counts) that must give problems, not crashes or hangs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "analyze/rpm_header.h"
#include "base/arena.h"
#include "base/digest.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

extern const struct analyzer analyzer_rpm;

#define DATA MOAT_TEST_DATA "/rpm/"

static unsigned char *
load(const char *name, size_t *len)
{
    char path[512];
    unsigned char *p;

    snprintf(path, sizeof(path), DATA "%s", name);
    p = (unsigned char *)feed_read_path(path, len);
    if (!p)
        fail_msg("cannot read %s (regenerate with tests/data/rpm/mkrpmdb.py fixtures)", path);
    return p;
}

static uint32_t
rd_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
wr_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t
rd_le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void
wr_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* The index entry of tag in a header blob, or NULL. */
static unsigned char *
entry_of(unsigned char *blob, uint32_t tag)
{
    uint32_t il = rd_be32(blob), i;

    for (i = 0; i < il; i++)
        if (rd_be32(blob + 8 + 16 * i) == tag)
            return blob + 8 + 16 * i;
    return NULL;
}

static const struct moat_problem *
problem_at(const struct feed *f, size_t i)
{
    return VEC_AT(&f->lr.problems, struct moat_problem, i);
}

static int
has_problem(const struct feed *f, const char *needle)
{
    size_t i;

    for (i = 0; i < f->lr.problems.len; i++)
        if (strstr(problem_at(f, i)->message, needle))
            return 1;
    return 0;
}

static const struct rpm_db_files *
db_files(const struct feed *f)
{
    size_t i;

    for (i = 0; i < f->lr.recs.len; i++) {
        const struct rec *r = *VEC_AT(&f->lr.recs, struct rec *, i);
        if (r->kind == REC_PKGS)
            return r->data;
    }
    return NULL;
}

/* ---- the header parser on a real header ---- */

static void
test_header_real(void **state)
{
    struct arena a;
    struct rpm_pkg_info info;
    unsigned char *blob;
    size_t len, budget = MOAT_LIMIT_RPM_FILE_BYTES, i;
    char err[200];
    int seen_conf = 0, seen_ghost = 0, seen_bin = 0;

    (void)state;
    arena_init(&a);
    blob = load("hello.hdr", &len);
    assert_int_equal(rpm_header_parse(&a, blob, len, &budget, &info, err, sizeof(err)), 0);
    assert_string_equal(info.name, "hello");
    assert_string_equal(info.version, "1.2");
    assert_string_equal(info.release, "3.fc40");
    assert_true(info.has_epoch);
    assert_int_equal(info.epoch, 2);
    assert_string_equal(info.arch, "x86_64");
    assert_string_equal(info.license, "MIT AND (GPL-2.0-or-later OR BSD-3-Clause)");
    assert_string_equal(info.vendor, "Moat Test Vendor");
    assert_string_equal(info.sourcerpm, "hello-1.2-3.fc40.src.rpm");
    assert_null(info.warning);
    assert_int_equal(info.nfiles, 6);
    assert_int_equal(budget + 6 +
                         strlen("/etc/hello.conf/usr/bin/hello/usr/bin/hi/usr/share/hello"
                                "/usr/share/hello/data.txt/var/log/hello.log"),
                     MOAT_LIMIT_RPM_FILE_BYTES);
    /* rpm 4.18 defaults to SHA-256 file digests */
    assert_int_equal(info.attrs.digest_algo, 8);
    assert_string_equal(info.attrs.digest_name, "sha256");
    assert_int_equal(info.attrs.digest_len, 32);
    assert_non_null(info.attrs.digests);
    assert_non_null(info.attrs.modes);
    assert_non_null(info.attrs.sizes);
    assert_non_null(info.attrs.flags);
    for (i = 0; i < info.nfiles; i++) {
        const unsigned char *d = info.attrs.digests + 32 * i;
        if (strcmp(info.files[i], "/etc/hello.conf") == 0) {
            seen_conf = 1;
            assert_true(info.attrs.flags[i] & 1); /* RPMFILE_CONFIG */
            assert_int_equal(info.attrs.sizes[i], strlen("greeting=hi\n"));
            /* the digest rpm recorded is the file's SHA-256 (computed here
             * with OpenSSL, independently of the parser) */
            {
                char want[DIGEST_MAX], got[2 * 32 + 1];
                size_t k;
                digest_sha256("greeting=hi\n", 12, want);
                for (k = 0; k < 32; k++)
                    snprintf(got + 2 * k, 3, "%02x", d[k]);
                assert_string_equal(got, want + 7);
            }
        } else if (strcmp(info.files[i], "/var/log/hello.log") == 0) {
            seen_ghost = 1;
            assert_true(info.attrs.flags[i] & 64); /* RPMFILE_GHOST */
        } else if (strcmp(info.files[i], "/usr/bin/hello") == 0) {
            seen_bin = 1;
            assert_int_equal(info.attrs.modes[i], 0100755);
        } else if (strcmp(info.files[i], "/usr/share/hello") == 0) {
            static const unsigned char zero[32];
            assert_int_equal(info.attrs.modes[i] & 0170000, 0040000);
            assert_memory_equal(d, zero, 32); /* directories have no digest */
        }
    }
    assert_true(seen_conf && seen_ghost && seen_bin);
    free(blob);
    arena_free(&a);
}

/* ---- a small header writer for synthetic and hostile headers ---- */

struct hb {
    unsigned char *idx, *data;
    size_t nidx, dl, cap;
};

static void
hb_init(struct hb *h)
{
    h->idx = calloc(64, 16);
    h->cap = 2 << 20;
    h->data = calloc(1, h->cap);
    h->nidx = h->dl = 0;
    assert_non_null(h->idx);
    assert_non_null(h->data);
}

static uint32_t
hb_put(struct hb *h, uint32_t tag, uint32_t type, uint32_t count, const void *p, size_t n,
       size_t align)
{
    uint32_t off;

    while (h->dl % align)
        h->data[h->dl++] = 0;
    assert_true(h->dl + n <= h->cap && h->nidx < 64);
    off = (uint32_t)h->dl;
    memcpy(h->data + h->dl, p, n);
    h->dl += n;
    wr_be32(h->idx + 16 * h->nidx, tag);
    wr_be32(h->idx + 16 * h->nidx + 4, type);
    wr_be32(h->idx + 16 * h->nidx + 8, off);
    wr_be32(h->idx + 16 * h->nidx + 12, count);
    h->nidx++;
    return off;
}

static void
hb_str(struct hb *h, uint32_t tag, const char *s)
{
    hb_put(h, tag, 6, 1, s, strlen(s) + 1, 1);
}

static void
hb_i32(struct hb *h, uint32_t tag, uint32_t v)
{
    unsigned char b[4];

    wr_be32(b, v);
    hb_put(h, tag, 4, 1, b, 4, 4);
}

/* The blob: with region (tag 63 first, trailer at the end of the data). */
static unsigned char *
hb_blob(struct hb *h, size_t *len)
{
    size_t il = h->nidx + 1, dl = h->dl + 16;
    unsigned char *b = calloc(1, 8 + 16 * il + dl), *t;

    assert_non_null(b);
    wr_be32(b, (uint32_t)il);
    wr_be32(b + 4, (uint32_t)dl);
    wr_be32(b + 8, 63);
    wr_be32(b + 12, 7);
    wr_be32(b + 16, (uint32_t)h->dl);
    wr_be32(b + 20, 16);
    memcpy(b + 24, h->idx, 16 * h->nidx);
    memcpy(b + 8 + 16 * il, h->data, h->dl);
    t = b + 8 + 16 * il + h->dl;
    wr_be32(t, 63);
    wr_be32(t + 4, 7);
    wr_be32(t + 8, (uint32_t) - (int32_t)(16 * il));
    wr_be32(t + 12, 16);
    *len = 8 + 16 * il + dl;
    free(h->idx);
    free(h->data);
    return b;
}

static unsigned char *
minimal(const char *name, size_t *len)
{
    struct hb h;

    hb_init(&h);
    hb_str(&h, 1000, name);
    hb_str(&h, 1001, "1.0");
    hb_str(&h, 1002, "1");
    return hb_blob(&h, len);
}

static void
test_header_synthetic(void **state)
{
    struct arena a;
    struct rpm_pkg_info info;
    unsigned char *blob;
    size_t len, budget = 1000;
    char err[200];

    (void)state;
    arena_init(&a);
    blob = minimal("tiny", &len);
    assert_int_equal(rpm_header_parse(&a, blob, len, &budget, &info, err, sizeof(err)), 0);
    assert_string_equal(info.name, "tiny");
    assert_false(info.has_epoch);
    assert_null(info.arch);
    assert_int_equal(info.nfiles, 0);
    assert_int_equal(budget, 1000);
    free(blob);
    /* an explicit epoch 0 is an epoch (rpm -q --qf '%{EPOCH}' prints 0) */
    {
        struct hb h;
        hb_init(&h);
        hb_str(&h, 1000, "zero");
        hb_str(&h, 1001, "1.0");
        hb_str(&h, 1002, "1");
        hb_i32(&h, 1003, 0);
        blob = hb_blob(&h, &len);
    }
    assert_int_equal(rpm_header_parse(&a, blob, len, &budget, &info, err, sizeof(err)), 0);
    assert_true(info.has_epoch);
    assert_int_equal(info.epoch, 0);
    free(blob);
    arena_free(&a);
}

/* One mutation of the real header and what it must produce. */
struct mutation {
    const char *what;
    void (*apply)(unsigned char *b, size_t *len);
    int fatal;          /* rpm_header_parse must refuse the header */
    const char *needle; /* in err (fatal) or in info.warning */
};

static void
m_trunc(unsigned char *b, size_t *len)
{
    (void)b;
    *len -= 1;
}
static void
m_short(unsigned char *b, size_t *len)
{
    (void)b;
    *len = 7;
}
static void
m_il0(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(b, 0);
}
static void
m_il_huge(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(b, 0x10000);
}
static void
m_dl_huge(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(b + 4, 0xfffffff0u);
}
static void
m_extra(unsigned char *b, size_t *len)
{
    (void)b;
    *len += 1;
}
static void
m_region_type(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(b + 12, 6);
}
static void
m_region_off(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(b + 16, rd_be32(b + 4) - 8);
}
static void
m_region_trailer(unsigned char *b, size_t *len)
{
    uint32_t il = rd_be32(b);
    (void)len;
    /* trailer offset claiming more entries than the header has */
    wr_be32(b + 8 + 16 * il + rd_be32(b + 16) + 8, (uint32_t) - (int32_t)(16 * (il + 1)));
}
static void
m_name_off(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1000) + 8, rd_be32(b + 4) + 1);
}
static void
m_name_unterminated(unsigned char *b, size_t *len)
{
    /* NAME points at the last data byte, which is not a NUL (the region
     * trailer ends in 0x10) */
    (void)len;
    wr_be32(entry_of(b, 1000) + 8, rd_be32(b + 4) - 1);
}
static void
m_name_type(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1000) + 4, 4);
}
static void
m_no_version(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1001), 999999);
}
static void
m_type_unknown(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1004) + 4, 42); /* SUMMARY */
}
static void
m_epoch_misaligned(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1003) + 8, rd_be32(entry_of(b, 1003) + 8) + 1);
}
static void
m_basenames_count(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1117) + 12, 0x7fffffff);
}
static void
m_dirindex_range(unsigned char *b, size_t *len)
{
    unsigned char *e = entry_of(b, 1116);
    (void)len;
    wr_be32(b + 8 + 16 * rd_be32(b) + rd_be32(e + 8), 1000);
}
static void
m_dirindex_count(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1116) + 12, 3);
}
static void
m_digest_algo(unsigned char *b, size_t *len)
{
    unsigned char *e = entry_of(b, 5011);
    (void)len;
    wr_be32(b + 8 + 16 * rd_be32(b) + rd_be32(e + 8), 77);
}
static void
m_digest_hex(unsigned char *b, size_t *len)
{
    unsigned char *e = entry_of(b, 1035);
    unsigned char *d = b + 8 + 16 * rd_be32(b) + rd_be32(e + 8);
    (void)len;
    /* the first non-empty digest gets a non-hex character */
    while (*d == '\0')
        d++;
    d[3] = 'z';
}
static void
m_modes_count(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1030) + 12, 2);
}
static void
m_license_type(unsigned char *b, size_t *len)
{
    (void)len;
    wr_be32(entry_of(b, 1014) + 4, 7); /* BIN is not a string */
}

static const struct mutation mutations[] = {
    {"truncated by one byte", m_trunc, 1, "need"},
    {"shorter than the preamble", m_short, 1, "preamble"},
    {"no index entries", m_il0, 1, "index entries"},
    {"too many index entries", m_il_huge, 1, "index entries"},
    {"huge data size", m_dl_huge, 1, "data bytes"},
    {"trailing byte", m_extra, 1, "need"},
    {"region tag of the wrong type", m_region_type, 1, "region tag"},
    {"region trailer past the data", m_region_off, 1, "region trailer"},
    {"region larger than the index", m_region_trailer, 1, "region claims"},
    {"NAME offset past the data", m_name_off, 1, "past the"},
    {"NAME not NUL-terminated", m_name_unterminated, 1, "NAME"},
    {"NAME of a numeric type", m_name_type, 1, "NAME"},
    {"no VERSION", m_no_version, 1, "no VERSION"},
    {"unknown type", m_type_unknown, 1, "unknown type"},
    {"EPOCH misaligned", m_epoch_misaligned, 1, "EPOCH"},
    {"BASENAMES count huge", m_basenames_count, 0, "file list left out"},
    {"DIRINDEXES past DIRNAMES", m_dirindex_range, 0, "DIRINDEXES"},
    {"DIRINDEXES count differs", m_dirindex_count, 0, "do not agree"},
    {"unknown digest algorithm", m_digest_algo, 0, "algorithm 77"},
    {"digest not hex", m_digest_hex, 0, "hex digits"},
    {"FILEMODES count differs", m_modes_count, 0, "FILEMODES"},
    {"LICENSE of type BIN", m_license_type, 0, "LICENSE"},
};

static void
test_header_hostile(void **state)
{
    unsigned char *orig, *b;
    size_t olen, i;

    (void)state;
    orig = load("hello.hdr", &olen);
    for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
        const struct mutation *m = &mutations[i];
        struct arena a;
        struct rpm_pkg_info info;
        size_t len = olen, budget = MOAT_LIMIT_RPM_FILE_BYTES;
        char err[200] = "";
        int rc;

        b = calloc(1, olen + 16); /* room for m_extra; the parser sees only len */
        assert_non_null(b);
        memcpy(b, orig, olen);
        m->apply(b, &len);
        arena_init(&a);
        rc = rpm_header_parse(&a, b, len, &budget, &info, err, sizeof(err));
        if (m->fatal) {
            if (rc != MOAT_EINVAL || !strstr(err, m->needle))
                fail_msg("%s: rc %d, err \"%s\" (wanted EINVAL and \"%s\")", m->what, rc, err,
                         m->needle);
        } else {
            if (rc != 0 || !info.warning || !strstr(info.warning, m->needle))
                fail_msg("%s: rc %d, warning \"%s\" (wanted \"%s\")", m->what, rc,
                         info.warning ? info.warning : "(none)", m->needle);
            assert_string_equal(info.name, "hello"); /* the package itself survives */
        }
        arena_free(&a);
        free(b);
    }
    free(orig);
}

/* One directory name of ~4 KiB shared by 100,000 one-byte base names: 600
 * KiB of header that would expand to 400 MiB of paths. */
static void
test_header_path_bomb(void **state)
{
    struct arena a;
    struct rpm_pkg_info info;
    struct hb h;
    unsigned char *blob, *v;
    size_t len, budget = MOAT_LIMIT_RPM_FILE_BYTES, i, n = 100000;
    char err[200], *dir;

    (void)state;
    hb_init(&h);
    hb_str(&h, 1000, "bomb");
    hb_str(&h, 1001, "1");
    hb_str(&h, 1002, "1");
    dir = malloc(4001);
    memset(dir, 'd', 3999);
    dir[0] = '/';
    dir[3999] = '/';
    dir[4000] = '\0';
    hb_put(&h, 1118, 8, 1, dir, 4001, 1);
    v = malloc(2 * n);
    for (i = 0; i < n; i++) {
        v[2 * i] = 'a';
        v[2 * i + 1] = '\0';
    }
    hb_put(&h, 1117, 8, (uint32_t)n, v, 2 * n, 1);
    free(v);
    v = calloc(n, 4); /* DIRINDEXES: every file in directory 0 */
    hb_put(&h, 1116, 4, (uint32_t)n, v, 4 * n, 4);
    free(v);
    free(dir);
    blob = hb_blob(&h, &len);
    arena_init(&a);
    assert_int_equal(rpm_header_parse(&a, blob, len, &budget, &info, err, sizeof(err)), 0);
    assert_int_equal(info.nfiles, 0);
    assert_non_null(info.warning);
    assert_non_null(strstr(info.warning, "MOAT_LIMIT_RPM_FILE_BYTES"));
    assert_int_equal(budget, MOAT_LIMIT_RPM_FILE_BYTES);
    assert_true(a.used < (16u << 20));
    arena_free(&a);
    free(blob);
}

/* ---- backends against rpm's answer ---- */

struct expect {
    char name[64], epoch[16], version[64], release[64], arch[32], srpm[128];
    char *files[16];
    size_t nfiles;
};

/* Splits line at tabs into at most max fields (NUL-terminating them). */
static size_t
split_tabs(char *line, char **f, size_t max)
{
    size_t k = 0;

    while (k < max) {
        char *tab = strchr(line, '\t');
        f[k++] = line;
        if (!tab)
            break;
        *tab = '\0';
        line = tab + 1;
    }
    return k;
}

static size_t
load_expected(struct expect *ex, size_t max)
{
    size_t len, n = 0, ln;
    char *text = (char *)load("expected.txt", &len), line[1024];
    const char *cur = text, *l;

    while (str_next_line(&cur, text + len, &l, &ln)) {
        char *f[7];
        if (ln == 0 || l[0] == '#')
            continue;
        assert_true(ln < sizeof(line));
        memcpy(line, l, ln);
        line[ln] = '\0';
        if (line[0] == '\t') {
            assert_true(n > 0 && ex[n - 1].nfiles < 16);
            ex[n - 1].files[ex[n - 1].nfiles++] = strdup(line + 1);
            continue;
        }
        assert_true(n < max);
        memset(&ex[n], 0, sizeof(ex[n]));
        assert_int_equal(split_tabs(line, f, 7), 7);
        snprintf(ex[n].name, sizeof(ex[n].name), "%s", f[0]);
        snprintf(ex[n].epoch, sizeof(ex[n].epoch), "%s", f[1]);
        snprintf(ex[n].version, sizeof(ex[n].version), "%s", f[2]);
        snprintf(ex[n].release, sizeof(ex[n].release), "%s", f[3]);
        snprintf(ex[n].arch, sizeof(ex[n].arch), "%s", f[4]);
        snprintf(ex[n].srpm, sizeof(ex[n].srpm), "%s", f[5]);
        n++;
    }
    free(text);
    return n;
}

static void
check_against_rpm(const struct feed *f, const char *what)
{
    struct expect ex[8];
    size_t n = load_expected(ex, 8), i, j;
    const struct rpm_db_files *dbf = db_files(f);

    if (feed_npkgs(f) != n)
        fail_msg("%s: %zu packages, rpm lists %zu", what, feed_npkgs(f), n);
    assert_non_null(dbf);
    assert_int_equal(dbf->npkgs, n);
    for (i = 0; i < n; i++) {
        const struct pkg *p = feed_find(f, ex[i].name);
        char version[160], srcver[160];
        if (!p)
            fail_msg("%s: rpm lists %s, moat does not", what, ex[i].name);
        if (strcmp(ex[i].epoch, "-") != 0) {
            snprintf(version, sizeof(version), "%s:%s-%s", ex[i].epoch, ex[i].version,
                     ex[i].release);
        } else {
            snprintf(version, sizeof(version), "%s-%s", ex[i].version, ex[i].release);
        }
        assert_string_equal(p->version, version);
        assert_string_equal(p->arch, ex[i].arch);
        assert_int_equal(p->type, MOAT_PKG_RPM);
        assert_true(p->db);
        /* name-VERSION-RELEASE.src.rpm of the source */
        assert_non_null(p->source_name);
        snprintf(srcver, sizeof(srcver), "%s-%s%s", p->source_name,
                 strchr(p->source_version, ':') ? strchr(p->source_version, ':') + 1
                                                : p->source_version,
                 ".src.rpm");
        assert_string_equal(srcver, ex[i].srpm);
        if (p->nfiles != ex[i].nfiles)
            fail_msg("%s: %s has %zu files, rpm -ql lists %zu", what, p->name, p->nfiles,
                     ex[i].nfiles);
        for (j = 0; j < p->nfiles; j++)
            assert_string_equal(p->files[j], ex[i].files[j]);
        for (j = 0; j < ex[i].nfiles; j++)
            free(ex[i].files[j]);
    }
    /* the source of a sub-package is the spec it was built from */
    assert_string_equal(feed_find(f, "libmulti")->source_name, "multi");
}

static const struct prop_check {
    const char *pkg, *name, *value;
} props[] = {
    {"libmulti", "rpm:modularitylabel", "perl:5.30:8030020200923135914:466e8a5d"},
    {"libmulti", "rpm:filedigestalgo", "sha1"},
    {"hello", "rpm:filedigestalgo", "sha256"},
};

static const char *
prop(const struct pkg *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nprops; i++)
        if (strcmp(p->props[i].name, name) == 0)
            return p->props[i].value;
    return NULL;
}

static void
run_backend(const char *file, const char *path, const char *backend, size_t chunk)
{
    struct feed f;
    unsigned char *buf;
    size_t len, i;

    buf = load(file, &len);
    feed_init(&f, 0);
    f.chunk = chunk;
    assert_int_equal(feed_file(&f, &analyzer_rpm, path, buf, len, 0), 0);
    if (feed_nproblems(&f, MOAT_WARN) != 0)
        fail_msg("%s: unexpected problem: %s", file, problem_at(&f, 0)->message);
    check_against_rpm(&f, file);
    assert_string_equal(db_files(&f)->backend, backend);
    for (i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
        const char *v = prop(feed_find(&f, props[i].pkg), props[i].name);
        if (!v || strcmp(v, props[i].value) != 0)
            fail_msg("%s: %s %s = %s, want %s", file, props[i].pkg, props[i].name, v ? v : "(none)",
                     props[i].value);
    }
    assert_null(prop(feed_find(&f, "hello"), "rpm:modularitylabel"));
    assert_string_equal(feed_find(&f, "hello")->license,
                        "MIT AND (GPL-2.0-or-later OR BSD-3-Clause)");
    assert_string_equal(feed_find(&f, "hello")->supplier, "Moat Test Vendor");
    assert_string_equal(feed_find(&f, "hello")->source_version, "2:1.2-3.fc40");
    assert_string_equal(feed_find(&f, "zero-epoch-meta")->version, "0:0.1-1.el9");
    feed_free(&f);
    free(buf);
}

static void
test_bdb_le(void **state)
{
    (void)state;
    run_backend("Packages-le-4096", "var/lib/rpm/Packages", "bdb", 0);
    run_backend("Packages-le-4096", "var/lib/rpm/Packages", "bdb", 7);
}

static void
test_bdb_be(void **state)
{
    (void)state;
    run_backend("Packages-be-512", "var/lib/rpm/Packages", "bdb", 0);
}

static void
test_bdb_chksum(void **state)
{
    (void)state;
    run_backend("Packages-chksum-512", "var/lib/rpm/Packages", "bdb", 0);
}

static void
test_ndb(void **state)
{
    (void)state;
    run_backend("Packages.db", "var/lib/rpm/Packages.db", "ndb", 0);
    run_backend("Packages.db", "usr/lib/sysimage/rpm/Packages.db", "ndb", 0);
}

/* ---- SQLite: databases made with libsqlite3 around the real blobs ---- */

/* Serialises an SQLite database built by sql plus one Packages row per
 * blob; wal: mark it as WAL mode as rpm leaves it. */
static unsigned char *
sqlite_db(const char *sql, const unsigned char *const *blobs, const size_t *lens, size_t n, int wal,
          size_t *len)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    sqlite3_int64 sz;
    unsigned char *ser, *out;
    size_t i;

    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    if (n) {
        assert_int_equal(
            sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, NULL),
            SQLITE_OK);
        for (i = 0; i < n; i++) {
            sqlite3_bind_blob(st, 1, blobs[i], (int)lens[i], SQLITE_STATIC);
            assert_int_equal(sqlite3_step(st), SQLITE_DONE);
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
    }
    ser = sqlite3_serialize(db, "main", &sz, 0);
    assert_non_null(ser);
    out = malloc((size_t)sz);
    memcpy(out, ser, (size_t)sz);
    sqlite3_free(ser);
    sqlite3_close(db);
    if (wal) {
        out[18] = 2;
        out[19] = 2;
    }
    *len = (size_t)sz;
    return out;
}

static const char rpm_schema[] =
    "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL);"
    "CREATE TABLE 'Name' (key 'TEXT' NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL);";

static void
test_sqlite(void **state)
{
    const unsigned char *blobs[3];
    size_t lens[3], len;
    unsigned char *hello, *key, *db;
    struct feed f;
    const struct pkg *p;

    (void)state;
    hello = load("hello.hdr", &lens[0]);
    key = minimal("gpg-pubkey", &lens[2]);
    blobs[0] = hello;
    blobs[1] = (const unsigned char *)"garbage, not a header";
    lens[1] = 21;
    blobs[2] = key;
    db = sqlite_db(rpm_schema, blobs, lens, 3, 1, &len);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_rpm, "usr/lib/sysimage/rpm/rpmdb.sqlite", db, len, 0);
    /* the WAL-mode flag did not stop it; gpg-pubkey is not a package */
    assert_int_equal(feed_npkgs(&f), 1);
    p = feed_find(&f, "hello");
    assert_non_null(p);
    assert_string_equal(p->version, "2:1.2-3.fc40");
    assert_int_equal(p->nfiles, 6);
    assert_string_equal(db_files(&f)->backend, "sqlite");
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    assert_true(has_problem(&f, "record 2 is not a valid rpm header"));
    feed_free(&f);
    free(db);
    /* the dispatcher's buffer is shared with other analyzers: untouched */
    db = sqlite_db(rpm_schema, blobs, lens, 1, 1, &len);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_rpm, "var/lib/rpm/rpmdb.sqlite", db, len, 0);
    assert_int_equal(db[18], 2);
    assert_int_equal(feed_npkgs(&f), 1);
    feed_free(&f);
    free(db);
    free(hello);
    free(key);
}

static void
test_sqlite_hostile(void **state)
{
    static const char *const schemas[] = {
        /* no Packages table */
        "CREATE TABLE other (x);",
        /* Packages as a never-ending view: views are disabled, and the
         * step limit would end it anyway */
        "CREATE VIEW Packages AS WITH RECURSIVE c(hnum, blob) AS (SELECT 1, x'00' UNION ALL "
        "SELECT hnum + 1, blob FROM c) SELECT * FROM c;",
        /* a blob column holding text and NULL-able values */
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob); INSERT INTO Packages VALUES "
        "(1, 'text'), (2, NULL), (3, 42);",
    };
    unsigned char *db;
    size_t len, i;
    struct feed f;

    (void)state;
    for (i = 0; i < sizeof(schemas) / sizeof(schemas[0]); i++) {
        db = sqlite_db(schemas[i], NULL, NULL, 0, 0, &len);
        feed_init(&f, 0);
        feed_file(&f, &analyzer_rpm, "var/lib/rpm/rpmdb.sqlite", db, len, 0);
        assert_int_equal(feed_npkgs(&f), 0);
        if (feed_nproblems(&f, MOAT_FAILED) < 1)
            fail_msg("schema %zu: no problem recorded", i);
        feed_free(&f);
        /* truncated to its first page and a half: corrupt, not a crash */
        feed_init(&f, 0);
        feed_file(&f, &analyzer_rpm, "var/lib/rpm/rpmdb.sqlite", db, len > 6000 ? 6000 : len / 2,
                  0);
        assert_int_equal(feed_npkgs(&f), 0);
        feed_free(&f);
        free(db);
    }
}

/* ---- Berkeley DB: damaged versions of the real big-endian 512-byte file ---- */

static uint32_t
rd_be16(const unsigned char *p)
{
    return (uint32_t)(p[0] << 8 | p[1]);
}

/* First page of type t, or 0. */
static uint32_t
find_page(const unsigned char *db, size_t len, int t, uint32_t after)
{
    uint32_t pg;

    for (pg = after + 1; (size_t)(pg + 1) * 512 <= len; pg++)
        if (db[(size_t)pg * 512 + 25] == t)
            return pg;
    return 0;
}

/* The fixture holds 4 packages; damage must lose between 4 - min and
 * 4 - max of them, never all silently. */
static void
bdb_case(const char *what, unsigned char *db, size_t len, size_t min_pkgs, size_t max_pkgs,
         const char *needle)
{
    struct feed f;

    feed_init(&f, 0);
    feed_file(&f, &analyzer_rpm, "var/lib/rpm/Packages", db, len, 0);
    if (feed_npkgs(&f) > max_pkgs || feed_npkgs(&f) < min_pkgs)
        fail_msg("%s: %zu packages, %zu to %zu expected", what, feed_npkgs(&f), min_pkgs, max_pkgs);
    if (!has_problem(&f, needle))
        fail_msg("%s: no problem mentioning \"%s\" (%zu problems%s%s)", what, needle,
                 f.lr.problems.len, f.lr.problems.len ? ": " : "",
                 f.lr.problems.len ? problem_at(&f, 0)->message : "");
    /* damage is the database's problem, never the analyzer's */
    if (has_problem(&f, "analyzer failed"))
        fail_msg("%s: the analyzer gave up instead of skipping the damage", what);
    feed_free(&f);
}

static void
test_bdb_hostile(void **state)
{
    unsigned char *orig, *db;
    size_t len;
    uint32_t pg, next;

    (void)state;
    orig = load("Packages-be-512", &len);
    db = malloc(len);

    /* an overflow page pointing back to itself */
    memcpy(db, orig, len);
    pg = find_page(db, len, 7, 0);
    assert_true(pg != 0);
    while (rd_be32(db + (size_t)pg * 512 + 16) == 0)
        pg = find_page(db, len, 7, pg); /* one that is not the last of its chain */
    wr_be32(db + (size_t)pg * 512 + 16, pg);
    bdb_case("overflow cycle", db, len, 3, 3, "overflow chain breaks");

    /* an overflow page claiming more bytes than a page holds */
    memcpy(db, orig, len);
    pg = find_page(db, len, 7, 0);
    db[(size_t)pg * 512 + 22] = 0xff;
    db[(size_t)pg * 512 + 23] = 0xff;
    bdb_case("overflow length", db, len, 3, 3, "claims");

    /* a hash page chained to itself */
    memcpy(db, orig, len);
    pg = find_page(db, len, 13, 0);
    assert_true(pg != 0);
    next = rd_be32(db + (size_t)pg * 512 + 16);
    (void)next;
    wr_be32(db + (size_t)pg * 512 + 16, pg);
    bdb_case("bucket cycle", db, len, 1, 4, "reached twice");

    /* a hash page whose item count cannot fit */
    memcpy(db, orig, len);
    db[(size_t)pg * 512 + 20] = 0x7f;
    db[(size_t)pg * 512 + 21] = 0xff;
    bdb_case("item count", db, len, 0, 3, "more than fit");

    /* item offsets pointing outside the page */
    memcpy(db, orig, len);
    assert_true(rd_be16(db + (size_t)pg * 512 + 20) >= 2);
    db[(size_t)pg * 512 + 26] = 0xff;
    db[(size_t)pg * 512 + 27] = 0xf0;
    bdb_case("item offset", db, len, 0, 3, "offsets");

    /* more buckets than pages */
    memcpy(db, orig, len);
    wr_be32(db + 72, 0x00ffffff);
    bdb_case("max_bucket", db, len, 0, 0, "hash buckets");

    /* bucket spares sending buckets past the end of the file */
    memcpy(db, orig, len);
    wr_be32(db + 96, 0xfffffff0u);
    bdb_case("spares", db, len, 0, 3, "outside the file");

    /* bad page size, encryption, B-tree, other versions */
    memcpy(db, orig, len);
    wr_be32(db + 20, 1000);
    bdb_case("page size", db, len, 0, 0, "page size");
    memcpy(db, orig, len);
    db[24] = 1;
    bdb_case("encrypted", db, len, 0, 0, "encrypted");
    memcpy(db, orig, len);
    wr_be32(db + 12, 0x00053162);
    bdb_case("btree", db, len, 0, 0, "B-tree");
    memcpy(db, orig, len);
    wr_be32(db + 16, 7);
    bdb_case("version", db, len, 0, 0, "version 7");

    /* truncated: half the pages */
    memcpy(db, orig, len);
    bdb_case("truncated", db, (len / 1024) * 512, 0, 3, "file ends");
    bdb_case("meta only", db, 600, 0, 0, "file ends");
    bdb_case("short", db, 100, 0, 0, "too short");

    free(db);
    free(orig);
}

/* ---- ndb: damaged versions of the constructed Packages.db ---- */

static void
ndb_case(const char *what, unsigned char *db, size_t len, size_t want_pkgs, const char *needle)
{
    struct feed f;

    feed_init(&f, 0);
    feed_file(&f, &analyzer_rpm, "var/lib/rpm/Packages.db", db, len, 0);
    if (feed_npkgs(&f) != want_pkgs)
        fail_msg("%s: %zu packages, %zu expected", what, feed_npkgs(&f), want_pkgs);
    if (!has_problem(&f, needle))
        fail_msg("%s: no problem mentioning \"%s\" (%zu problems%s%s)", what, needle,
                 f.lr.problems.len, f.lr.problems.len ? ": " : "",
                 f.lr.problems.len ? problem_at(&f, 0)->message : "");
    /* damage is the database's problem, never the analyzer's */
    if (has_problem(&f, "analyzer failed"))
        fail_msg("%s: the analyzer gave up instead of skipping the damage", what);
    feed_free(&f);
}

static void
test_ndb_hostile(void **state)
{
    unsigned char *orig, *db, *slot0, *slot1;
    size_t len;
    uint32_t blkoff, blkcnt;

    (void)state;
    orig = load("Packages.db", &len);
    db = malloc(len);
    slot0 = db + 32; /* the first slot follows the 32-byte header */
    slot1 = db + 48;

    memcpy(db, orig, len);
    wr_le32(slot0 + 12, 0x10000000); /* block count past the file */
    ndb_case("slot past the end", db, len, 3, "outside the data area");

    memcpy(db, orig, len);
    memcpy(slot1 + 8, slot0 + 8, 4); /* both at the first blob's blocks */
    ndb_case("overlapping slots", db, len, 3, "overlap");

    memcpy(db, orig, len);
    memcpy(slot1 + 4, slot0 + 4, 4); /* the same package index twice */
    ndb_case("duplicate index", db, len, 3, "two slots");

    memcpy(db, orig, len);
    memcpy(slot1, "Slop", 4);
    ndb_case("slot magic", db, len, 1, "slot magic");

    memcpy(db, orig, len);
    blkoff = rd_le32(slot0 + 8);
    blkcnt = rd_le32(slot0 + 12);
    db[(size_t)(blkoff + blkcnt) * 16 - 12] ^= 1; /* the stored Adler-32 */
    ndb_case("checksum", db, len, 4, "checksum mismatch");

    memcpy(db, orig, len);
    wr_le32(db + (size_t)blkoff * 16 + 12, 5); /* blob length vs block count */
    ndb_case("blob length", db, len, 3, "does not fill");

    memcpy(db, orig, len);
    wr_le32(db + 12, 0x00100000); /* slot pages past the end */
    ndb_case("slot pages", db, len, 0, "slot pages");

    memcpy(db, orig, len);
    wr_le32(db + 4, 1);
    ndb_case("version", db, len, 0, "version 1");

    ndb_case("not a multiple of 16", orig, len - 3, 0, "not a multiple");
    ndb_case("truncated", orig, 4096 + 16, 0, "outside the data area");

    free(db);
    free(orig);
}

/* ---- dispatch ---- */

static void
test_not_wanted(void **state)
{
    static const char *const paths[] = {
        "var/lib/rpm/Packages.old",     "backup/var/lib/rpm/Packages",   "var/lib/rpm/Name",
        "var/lib/rpm/rpmdb.sqlite-wal", "usr/lib/sysimage/rpm/Index.db", "var/lib/rpm/__db.001",
    };
    unsigned char *db;
    size_t len, i;
    struct feed f;

    (void)state;
    db = load("Packages-le-4096", &len);
    feed_init(&f, 0);
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        feed_file(&f, &analyzer_rpm, paths[i], db, len, 0);
    assert_int_equal(f.lr.recs.len, 0);
    assert_int_equal(f.lr.problems.len, 0);
    feed_free(&f);
    free(db);
}

static void
test_not_a_database(void **state)
{
    static const char text[] = "this is not a database at all, but it is long enough";
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_rpm, "var/lib/rpm/Packages", text, sizeof(text) - 1, 0);
    feed_file(&f, &analyzer_rpm, "var/lib/rpm/rpmdb.sqlite", "", 0, 0);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    assert_true(has_problem(&f, "not an rpm database"));
    assert_true(has_problem(&f, "empty rpm database"));
    feed_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_real),    cmocka_unit_test(test_header_synthetic),
        cmocka_unit_test(test_header_hostile), cmocka_unit_test(test_header_path_bomb),
        cmocka_unit_test(test_bdb_le),         cmocka_unit_test(test_bdb_be),
        cmocka_unit_test(test_bdb_chksum),     cmocka_unit_test(test_ndb),
        cmocka_unit_test(test_sqlite),         cmocka_unit_test(test_sqlite_hostile),
        cmocka_unit_test(test_bdb_hostile),    cmocka_unit_test(test_ndb_hostile),
        cmocka_unit_test(test_not_wanted),     cmocka_unit_test(test_not_a_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

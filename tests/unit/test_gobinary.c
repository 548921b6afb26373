/*
 * test_gobinary.c - the Go build-info reader on synthetic binaries: the
 * Go 1.18+ inline format with module, dependencies, replacements (module
 * and local directory) and quoted build settings, read in one block and in
 * chunks of every small size (so the header and strings straddle chunk
 * boundaries); then hostile and odd inputs: truncation at every point,
 * varint overflow, lengths past the end, an oversized module list, missing
 * sentinels, the pre-1.18 pointer format, unaligned and fake magic, and
 * files that are not programs. Real binaries built by the Go toolchain are
 * compared with `go version -m` in tests/e2e/test_binaries.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "base/limits.h"

extern const struct analyzer analyzer_gobinary;

static const unsigned char sent_start[16] = {0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
                                             0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6};
static const unsigned char sent_end[16] = {0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
                                           0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2};

static const char modinfo_text[] =
    "path\texample.com/app/cmd/app\n"
    "mod\texample.com/app\t(devel)\t\n"
    "dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\n"
    "dep\texample.com/old\tv1.0.0\th1:AAAA=\n"
    "=>\texample.com/new\tv1.1.0\th1:BBBB=\n"
    "dep\texample.com/local\tv0.0.0-00010101000000-000000000000\n"
    "=>\t../local\t(devel)\t\n"
    "\n"
    "build\t-compiler=gc\n"
    "build\t-ldflags=\"-s -w -X \\\"main.v=1\\\"\"\n"
    "build\tGOARCH=amd64\n"
    "build\tGOOS=linux\n"
    "build\tvcs.revision=0123456789abcdef\n";

struct bin {
    unsigned char *p;
    size_t len, cap;
};

static void
put(struct bin *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void
put_varint(struct bin *b, uint64_t v)
{
    unsigned char c;

    while (v >= 0x80) {
        c = (unsigned char)(v | 0x80);
        put(b, &c, 1);
        v >>= 7;
    }
    c = (unsigned char)v;
    put(b, &c, 1);
}

static void
pad_to(struct bin *b, size_t align, unsigned char fill)
{
    while (b->len % align)
        put(b, &fill, 1);
}

/* An ELF-looking file: "\x7fELF", filler, the build info header at an
 * aligned offset after `before` bytes, version and module info. */
static struct bin
make(size_t before, const char *version, const char *mod, int sentinels, unsigned char flags)
{
    struct bin b = {0};
    unsigned char hdr[32] = "\xff Go buildinf:";
    size_t i;

    put(&b, "\x7f" "ELF\x02\x01\x01", 7);
    for (i = 7; i < before; i++) {
        unsigned char c = (unsigned char)(i * 7); /* never a whole magic */
        put(&b, &c, 1);
    }
    pad_to(&b, 16, 0);
    hdr[14] = 8;
    hdr[15] = flags;
    put(&b, hdr, 32);
    put_varint(&b, strlen(version));
    put(&b, version, strlen(version));
    if (sentinels) {
        put_varint(&b, strlen(mod) + 32);
        put(&b, sent_start, 16);
        put(&b, mod, strlen(mod));
        put(&b, sent_end, 16);
    } else {
        put_varint(&b, strlen(mod));
        put(&b, mod, strlen(mod));
    }
    for (i = 0; i < 100; i++)
        put(&b, "\0", 1);
    return b;
}

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
check_full(struct feed *f)
{
    const struct pkg *m, *p;
    long main_idx = -1;
    size_t i;

    assert_int_equal(feed_npkgs(f), 5);
    for (i = 0; i < feed_npkgs(f); i++)
        if (strcmp(feed_pkg(f, i)->name, "example.com/app") == 0)
            main_idx = (long)i;
    assert_true(main_idx >= 0);
    m = feed_pkg(f, (size_t)main_idx);
    assert_int_equal(m->type, MOAT_PKG_GOLANG);
    assert_string_equal(m->version, "(devel)");
    assert_int_equal(m->parent, -1);
    assert_string_equal(prop(m, "go:path"), "example.com/app/cmd/app");
    assert_string_equal(prop(m, "go:runtime"), "go1.21.3");
    assert_string_equal(prop(m, "go:build:GOOS"), "linux");
    assert_string_equal(prop(m, "go:build:GOARCH"), "amd64");
    assert_string_equal(prop(m, "go:build:vcs.revision"), "0123456789abcdef");
    assert_string_equal(prop(m, "go:build:-ldflags"), "-s -w -X \"main.v=1\"");

    p = feed_find(f, "github.com/pkg/errors");
    assert_non_null(p);
    assert_string_equal(p->version, "v0.9.1");
    assert_int_equal(p->parent, main_idx);
    assert_string_equal(prop(p, "go:sum"), "h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=");

    /* a replaced module is reported as its replacement */
    assert_null(feed_find(f, "example.com/old"));
    p = feed_find(f, "example.com/new");
    assert_non_null(p);
    assert_string_equal(p->version, "v1.1.0");
    assert_string_equal(prop(p, "go:replaces"), "example.com/old@v1.0.0");
    assert_string_equal(prop(p, "go:sum"), "h1:BBBB=");
    assert_int_equal(p->parent, main_idx);

    /* a directory replacement keeps the module's name (a PURL cannot be
     * "../local"); the directory is a property */
    assert_null(feed_find(f, "../local"));
    p = feed_find(f, "example.com/local");
    assert_non_null(p);
    assert_string_equal(p->version, "(devel)");
    assert_string_equal(prop(p, "go:replaced-by"), "../local");
    assert_string_equal(prop(p, "go:replaces"),
                        "example.com/local@v0.0.0-00010101000000-000000000000");

    p = feed_find(f, "stdlib");
    assert_non_null(p);
    assert_string_equal(p->version, "v1.21.3");
    assert_string_equal(p->purl, "pkg:golang/stdlib@v1.21.3");
    assert_int_equal(p->parent, main_idx);
    assert_int_equal(feed_nproblems(f, MOAT_WARN), 0);
}

static void
test_inline_format(void **state)
{
    static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 13, 16, 17, 31, 64, 4096};
    struct bin b = make(5000, "go1.21.3", modinfo_text, 1, 2);
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct feed f;
        feed_init(&f, 0);
        f.chunk = chunks[i];
        feed_file(&f, &analyzer_gobinary, "usr/local/bin/app", b.p, b.len, 0755);
        check_full(&f);
        feed_free(&f);
    }
    free(b.p);
}

/* The header at every offset relative to a fixed chunk size. */
static void
test_header_straddles(void **state)
{
    size_t before;

    (void)state;
    for (before = 16; before < 16 + 64 * 16; before += 16) {
        struct bin b = make(before, "go1.21.3", modinfo_text, 1, 2);
        struct feed f;
        feed_init(&f, 0);
        f.chunk = 61;
        feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
        check_full(&f);
        feed_free(&f);
        free(b.p);
    }
}

/* A false magic (wrong pointer size) just before the real header, and the
 * magic at an unaligned offset: only the aligned, well-formed one counts. */
static void
test_fake_and_unaligned(void **state)
{
    struct bin b = {0};
    struct bin real = make(64, "go1.20", "mod\tx.org/m\tv1.0.0\t\n", 1, 2);
    unsigned char fake[32] = "\xff Go buildinf:";
    struct feed f;

    (void)state;
    put(&b, real.p, 32);
    fake[14] = 'Z';
    put(&b, fake, 32);
    put(&b, "\x01\x02\x03", 3);
    put(&b, "\xff Go buildinf:\x08\x02", 16); /* unaligned: ignored */
    pad_to(&b, 16, 0);
    put(&b, real.p + 64, real.len - 64);
    feed_init(&f, 0);
    f.chunk = 5;
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 2);
    assert_string_equal(feed_find(&f, "x.org/m")->version, "v1.0.0");
    assert_string_equal(feed_find(&f, "stdlib")->version, "v1.20");
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_free(&f);
    free(b.p);
    free(real.p);
}

/* Cut the file at every byte of the build info: never a crash or a made-up
 * package; a cut inside it is reported. */
static void
test_truncated(void **state)
{
    struct bin b = make(256, "go1.21.3", modinfo_text, 1, 2);
    size_t start = 256, cut;

    (void)state;
    for (cut = start + 1; cut < b.len - 100; cut++) {
        struct feed f;
        feed_init(&f, 0);
        f.chunk = cut % 7 + 1;
        feed_file(&f, &analyzer_gobinary, "app", b.p, cut, 0755);
        if (cut >= start + 16) {
            assert_int_equal(feed_npkgs(&f), 0);
            assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
        }
        feed_free(&f);
    }
    free(b.p);
}

static void
test_hostile_lengths(void **state)
{
    struct bin b = {0};
    unsigned char hdr[32] = "\xff Go buildinf:";
    struct feed f;
    size_t i;

    (void)state;
    /* varint overflow in the version length */
    put(&b, "\x7f" "ELF", 4);
    pad_to(&b, 16, 0);
    hdr[14] = 8;
    hdr[15] = 2;
    put(&b, hdr, 32);
    for (i = 0; i < 12; i++)
        put(&b, "\xff", 1);
    for (i = 0; i < 64; i++)
        put(&b, "\0", 1);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);

    /* module info length past the end of the file */
    b.len = 16;
    put(&b, hdr, 32);
    put_varint(&b, 6);
    put(&b, "go1.22", 6);
    put_varint(&b, 100000);
    put(&b, "mod\tx\tv1\n", 9);
    for (i = 0; i < 64; i++)
        put(&b, "\0", 1);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);

    /* module info larger than the limit: reported, not allocated */
    b.len = 16;
    put(&b, hdr, 32);
    put_varint(&b, 6);
    put(&b, "go1.22", 6);
    put_varint(&b, (uint64_t)MOAT_LIMIT_GO_MODINFO + 1);
    for (i = 0; i < 64; i++)
        put(&b, "\0", 1);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);

    /* a version that is not one */
    b.len = 16;
    put(&b, hdr, 32);
    put_varint(&b, 6);
    put(&b, "xx1.22", 6);
    put_varint(&b, 0);
    for (i = 0; i < 64; i++)
        put(&b, "\0", 1);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    free(b.p);
}

static void
test_odd_modinfo(void **state)
{
    struct bin b;
    struct feed f;

    (void)state;
    /* no sentinels: reported, only the standard library is known */
    b = make(32, "go1.21.3", "mod\tx.org/m\tv1.0.0\t\n", 0, 2);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_non_null(feed_find(&f, "stdlib"));
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    free(b.p);

    /* GOPATH mode (no "mod" line): stdlib alone, with the build facts */
    b = make(32, "go1.19.8", "path\tgithub.com/x/tool\nbuild\tGOOS=linux\n", 1, 2);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_string_equal(prop(feed_find(&f, "stdlib"), "go:build:GOOS"), "linux");
    assert_string_equal(prop(feed_find(&f, "stdlib"), "go:path"), "github.com/x/tool");
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_free(&f);
    free(b.p);

    /* a development toolchain has no stdlib version; junk lines are
     * reported as warnings and the rest is used */
    b = make(32, "devel go1.22-abcdef Tue Jan 2 15:04:05 2024 +0000",
             "mod\tx.org/m\tv1.0.0\t\nbogus line\ndep\tonly-path\nbuild\t\"unterminated=1\n", 1, 2);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 2);
    assert_null(feed_find(&f, "stdlib"));
    assert_null(feed_find(&f, "only-path")->version);
    assert_int_equal(feed_find(&f, "only-path")->parent, 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 2);
    feed_free(&f);
    free(b.p);

    /* go1.21.3 with an experiment: the stdlib version drops it */
    b = make(32, "go1.21.3 X:boringcrypto", "mod\tx.org/m\tv1.0.0\t\n", 1, 2);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_string_equal(feed_find(&f, "stdlib")->version, "v1.21.3");
    feed_free(&f);
    free(b.p);
}

static void
test_old_format(void **state)
{
    struct bin b = make(64, "go1.16", "", 0, 0);
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "app", b.p, b.len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 0);
    feed_free(&f);
    free(b.p);
}

static void
test_not_a_program(void **state)
{
    struct bin b = make(64, "go1.21.3", modinfo_text, 1, 2);
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    /* not executable and not named like a library: not even read */
    feed_file(&f, &analyzer_gobinary, "data/app.bin", b.p, b.len, 0644);
    /* a shell script with the magic in it: the first bytes say no */
    memcpy(b.p, "#!/bi", 5);
    feed_file(&f, &analyzer_gobinary, "usr/bin/script", b.p, b.len, 0755);
    /* too small to be a program */
    feed_file(&f, &analyzer_gobinary, "usr/bin/tiny", "\x7f" "ELF", 4, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_free(&f);
    /* a shared library without x bits is read */
    memcpy(b.p, "\x7f" "ELF\x02", 5);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gobinary, "usr/lib/libgo.so.1", b.p, b.len, 0644);
    assert_int_equal(feed_npkgs(&f), 5);
    feed_free(&f);
    free(b.p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline_format),   cmocka_unit_test(test_header_straddles),
        cmocka_unit_test(test_fake_and_unaligned), cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_hostile_lengths), cmocka_unit_test(test_odd_modinfo),
        cmocka_unit_test(test_old_format),      cmocka_unit_test(test_not_a_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

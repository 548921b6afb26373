/*
 * test_cargo.c - the cargo-auditable reader on synthetic ELF files built
 * here (zlib-compressed JSON in a .dep-v0 section, as cargo-auditable
 * writes it): 64- and 32-bit, little and big endian, the usual layout
 * (sections, names, table last), the table before the sections, extended
 * section numbering, every chunk size; then a section too far before the
 * table for the window, corrupt zlib, a decompression bomb, bad JSON,
 * entries without names, and header fields pointing outside the file.
 * A real Rust binary with an objcopy'd section is scanned end to end in
 * tests/e2e/test_binaries.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "feed.h"
#include "base/limits.h"

extern const struct analyzer analyzer_cargo;

static const char deps_json[] =
    "{\"packages\":["
    "{\"name\":\"adler\",\"version\":\"1.0.2\",\"source\":\"crates.io\"},"
    "{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":\"crates.io\",\"kind\":\"build\"},"
    "{\"name\":\"myapp\",\"version\":\"0.1.0\",\"source\":\"local\","
    "\"dependencies\":[0,1],\"root\":true}]}";

struct elf_opts {
    int is32, big;
    int table_first;      /* section header table right after the header */
    int ext_numbering;    /* e_shnum = 0, count in section 0 */
    size_t filler;        /* bytes of .text before .dep-v0 */
    size_t gap;           /* bytes between .dep-v0 and .shstrtab */
    const void *dep;      /* section contents (already compressed) */
    size_t ndep;
    uint64_t shoff_override;
};

static void
wr(unsigned char *p, uint64_t v, int n, int big)
{
    int i;

    for (i = 0; i < n; i++)
        p[big ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static const char shstrtab[] = "\0.text\0.dep-v0\0.shstrtab\0";

/* Builds the file into *len bytes (malloc'd). */
static unsigned char *
make_elf(const struct elf_opts *o, size_t *len)
{
    size_t eh = o->is32 ? 52 : 64, es = o->is32 ? 40 : 64, nsec = 4;
    size_t text_off, dep_off, str_off, sht_off, total, i;
    unsigned char *b;
    struct {
        uint32_t name, type;
        uint64_t off, size;
        uint32_t link;
    } sec[4] = {{0, 0, 0, 0, 0}, {1, 1, 0, 0, 0}, {7, 1, 0, 0, 0}, {15, 3, 0, 0, 0}};

    if (o->table_first) {
        sht_off = 64;
        text_off = sht_off + nsec * es;
    } else {
        text_off = 64;
    }
    dep_off = text_off + o->filler;
    str_off = dep_off + o->ndep + o->gap;
    if (!o->table_first)
        sht_off = (str_off + sizeof(shstrtab) + 7) & ~(size_t)7;
    total = o->table_first ? str_off + sizeof(shstrtab) : sht_off + nsec * es;
    b = calloc(1, total);
    assert_non_null(b);
    sec[1].off = text_off;
    sec[1].size = o->filler;
    sec[2].off = dep_off;
    sec[2].size = o->ndep;
    sec[3].off = str_off;
    sec[3].size = sizeof(shstrtab);
    if (o->ext_numbering) {
        sec[0].size = nsec;
        sec[0].link = 3;
    }
    memcpy(b, "\x7f" "ELF", 4);
    b[4] = o->is32 ? 1 : 2;
    b[5] = o->big ? 2 : 1;
    b[6] = 1;
    wr(b + 16, 2, 2, o->big);
    wr(b + 18, 62, 2, o->big);
    wr(b + 20, 1, 4, o->big);
    if (o->is32) {
        wr(b + 32, o->shoff_override ? o->shoff_override : sht_off, 4, o->big);
        wr(b + 40, eh, 2, o->big);
        wr(b + 46, es, 2, o->big);
        wr(b + 48, o->ext_numbering ? 0 : nsec, 2, o->big);
        wr(b + 50, o->ext_numbering ? 0xffff : 3, 2, o->big);
    } else {
        wr(b + 40, o->shoff_override ? o->shoff_override : sht_off, 8, o->big);
        wr(b + 52, eh, 2, o->big);
        wr(b + 58, es, 2, o->big);
        wr(b + 60, o->ext_numbering ? 0 : nsec, 2, o->big);
        wr(b + 62, o->ext_numbering ? 0xffff : 3, 2, o->big);
    }
    for (i = 0; i < o->filler; i++)
        b[text_off + i] = (unsigned char)(i * 31 + 7);
    memcpy(b + dep_off, o->dep, o->ndep);
    memcpy(b + str_off, shstrtab, sizeof(shstrtab));
    for (i = 0; i < nsec; i++) {
        unsigned char *s = b + sht_off + i * es;
        wr(s, sec[i].name, 4, o->big);
        wr(s + 4, sec[i].type, 4, o->big);
        if (o->is32) {
            wr(s + 16, sec[i].off, 4, o->big);
            wr(s + 20, sec[i].size, 4, o->big);
            wr(s + 24, sec[i].link, 4, o->big);
        } else {
            wr(s + 24, sec[i].off, 8, o->big);
            wr(s + 32, sec[i].size, 8, o->big);
            wr(s + 40, sec[i].link, 4, o->big);
        }
    }
    *len = total;
    return b;
}

static unsigned char *
deflate_text(const void *text, size_t n, size_t *out_len)
{
    uLongf cap = compressBound((uLong)n);
    unsigned char *out = malloc(cap);

    assert_non_null(out);
    assert_int_equal(compress2(out, &cap, text, (uLong)n, 9), Z_OK);
    *out_len = cap;
    return out;
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
check_packages(struct feed *f)
{
    const struct pkg *root, *p;
    long root_idx = -1;
    size_t i;

    assert_int_equal(feed_npkgs(f), 3);
    for (i = 0; i < 3; i++)
        if (strcmp(feed_pkg(f, i)->name, "myapp") == 0)
            root_idx = (long)i;
    assert_true(root_idx >= 0);
    root = feed_pkg(f, (size_t)root_idx);
    assert_int_equal(root->type, MOAT_PKG_CARGO);
    assert_string_equal(root->version, "0.1.0");
    assert_int_equal(root->parent, -1);
    p = feed_find(f, "adler");
    assert_string_equal(p->version, "1.0.2");
    assert_int_equal(p->parent, root_idx);
    assert_string_equal(prop(p, "cargo:source"), "crates.io");
    assert_null(prop(p, "cargo:kind"));
    p = feed_find(f, "cc");
    assert_string_equal(prop(p, "cargo:kind"), "build");
    assert_int_equal(p->parent, root_idx);
    assert_int_equal(feed_nproblems(f, MOAT_WARN), 0);
}

static void
run(const struct elf_opts *o, size_t chunk, struct feed *f)
{
    size_t len;
    unsigned char *b = make_elf(o, &len);

    feed_init(f, 0);
    f->chunk = chunk;
    feed_file(f, &analyzer_cargo, "usr/bin/myapp", b, len, 0755);
    free(b);
}

static void
test_layouts(void **state)
{
    static const size_t chunks[] = {0, 1, 3, 7, 64, 100, 4096};
    size_t nz, i, v;
    unsigned char *z = deflate_text(deps_json, strlen(deps_json), &nz);

    (void)state;
    for (v = 0; v < 5; v++) {
        struct elf_opts o = {0};
        o.dep = z;
        o.ndep = nz;
        o.filler = 3000;
        o.is32 = v == 1 || v == 2;
        o.big = v == 2;
        o.table_first = v == 3;
        o.ext_numbering = v == 4;
        for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
            struct feed f;
            run(&o, chunks[i], &f);
            check_packages(&f);
            feed_free(&f);
        }
    }
    free(z);
}

/* The section is kept only while it is within the look-behind window. */
static void
test_window(void **state)
{
    size_t nz;
    unsigned char *z = deflate_text(deps_json, strlen(deps_json), &nz);
    struct elf_opts o = {0};
    struct feed f;

    (void)state;
    o.dep = z;
    o.ndep = nz;
    o.filler = 100;
    o.gap = MOAT_LIMIT_ELF_WINDOW - 4096; /* still inside */
    run(&o, 65536, &f);
    check_packages(&f);
    feed_free(&f);
    o.gap = MOAT_LIMIT_ELF_WINDOW + 1; /* fell out: reported */
    run(&o, 65536, &f);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    free(z);
}

static void
expect_failure(const void *section, size_t n, size_t want_pkgs)
{
    struct elf_opts o = {0};
    struct feed f;

    o.dep = section;
    o.ndep = n;
    o.filler = 200;
    run(&o, 13, &f);
    assert_int_equal(feed_npkgs(&f), want_pkgs);
    assert_true(feed_nproblems(&f, MOAT_FAILED) >= 1);
    feed_free(&f);
}

static void
test_bad_contents(void **state)
{
    static const char bad_json[] = "{\"packages\":[{\"name\":\"a\",\"version\":";
    static const char no_array[] = "{\"pkgs\":[]}";
    static const char partly[] =
        "{\"packages\":[{\"name\":\"ok\",\"version\":\"1.0.0\"},{\"name\":\"\"},7]}";
    size_t nz, n;
    unsigned char *z, *bomb;
    char *deep;

    (void)state;
    /* not zlib at all */
    expect_failure("plain text, not compressed", 26, 0);
    /* a truncated zlib stream */
    z = deflate_text(deps_json, strlen(deps_json), &nz);
    expect_failure(z, nz / 2, 0);
    free(z);
    /* not JSON once inflated */
    z = deflate_text(bad_json, strlen(bad_json), &nz);
    expect_failure(z, nz, 0);
    free(z);
    z = deflate_text(no_array, strlen(no_array), &nz);
    expect_failure(z, nz, 0);
    free(z);
    /* entries without a name are skipped and reported, the rest kept */
    z = deflate_text(partly, strlen(partly), &nz);
    expect_failure(z, nz, 1);
    free(z);
    /* nesting deeper than the JSON limit */
    n = 100000;
    deep = malloc(n);
    assert_non_null(deep);
    memset(deep, '[', n);
    z = deflate_text(deep, n, &nz);
    expect_failure(z, nz, 0);
    free(z);
    free(deep);
    /* a bomb: 64 MiB of zeros is cut at the inflate limit */
    n = 64u << 20;
    bomb = calloc(1, n);
    assert_non_null(bomb);
    z = deflate_text(bomb, n, &nz);
    free(bomb);
    assert_true(nz < MOAT_LIMIT_ELF_WINDOW);
    expect_failure(z, nz, 0);
    free(z);
}

static void
test_hostile_headers(void **state)
{
    size_t nz, len;
    unsigned char *z = deflate_text(deps_json, strlen(deps_json), &nz), *b;
    struct elf_opts o = {0};
    struct feed f;

    (void)state;
    o.dep = z;
    o.ndep = nz;
    o.filler = 100;
    /* e_shoff past the end, and in the middle of nowhere */
    o.shoff_override = (uint64_t)1 << 40;
    run(&o, 0, &f);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1);
    feed_free(&f);
    o.shoff_override = 70;
    run(&o, 7, &f);
    assert_int_equal(feed_npkgs(&f), 0);
    feed_free(&f);
    o.shoff_override = 0;

    /* section offsets past the end: the .dep-v0 entry points outside */
    b = make_elf(&o, &len);
    {
        size_t sht = len - 4 * 64;
        wr(b + sht + 2 * 64 + 24, (uint64_t)1 << 62, 8, 0);
    }
    feed_init(&f, 0);
    feed_file(&f, &analyzer_cargo, "usr/bin/x", b, len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    free(b);
    /* a name offset past the string table: no such section, no crash */
    b = make_elf(&o, &len);
    wr(b + (len - 4 * 64) + 2 * 64, 0xfffffff0u, 4, 0);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_cargo, "usr/bin/x", b, len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    feed_free(&f);
    free(b);
    /* a garbage ELF header */
    b = make_elf(&o, &len);
    b[4] = 9;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_cargo, "usr/bin/x", b, len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1);
    feed_free(&f);
    /* truncated before the table: the file is shorter than its header */
    feed_init(&f, 0);
    b[4] = 2;
    feed_file(&f, &analyzer_cargo, "usr/bin/x", b, len / 2, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    feed_free(&f);
    free(b);
    free(z);
}

static void
test_not_auditable(void **state)
{
    struct elf_opts o = {0};
    struct feed f;
    size_t len;
    unsigned char *b;

    (void)state;
    o.dep = "x";
    o.ndep = 1;
    o.filler = 500;
    b = make_elf(&o, &len);
    /* rename .dep-v0 to .dep-v1: an ordinary binary, nothing to say */
    b[64 + 500 + 1 + 7 + 6] = '1';
    feed_init(&f, 0);
    feed_file(&f, &analyzer_cargo, "usr/bin/x", b, len, 0755);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    /* not ELF */
    memcpy(b, "MZ\x90\x00", 4);
    feed_file(&f, &analyzer_cargo, "usr/bin/y", b, len, 0755);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    assert_int_equal(f.lr.recs.len, 0);
    feed_free(&f);
    free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),        cmocka_unit_test(test_window),
        cmocka_unit_test(test_bad_contents),   cmocka_unit_test(test_hostile_headers),
        cmocka_unit_test(test_not_auditable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

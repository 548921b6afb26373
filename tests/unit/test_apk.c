/*
 * test_apk.c - the apk analyzer on lib/apk/db/installed: every field of a
 * block, owned files built from F:/R: lines, per-file Z: checksums kept in
 * the companion record, blocks without the fields a package needs,
 * malformed lines, binary data, and paths that are not the database.
 *
 * The database below is written by hand in the layout apk-tools writes
 * (P/V/A/S/I/T/U/L/o/m/t/c/D/p/r/F/M/R/a/Z lines); apk itself cannot run
 * here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"

extern const struct analyzer analyzer_apk;

static const char installed[] = "C:Q1Fk2SkFqIYbYvZsDP5jwH5EkLnFs=\n"
                                "P:musl\n"
                                "V:1.2.5-r0\n"
                                "A:x86_64\n"
                                "S:411323\n"
                                "I:663552\n"
                                "T:the musl c library (libc) implementation\n"
                                "U:https://musl.libc.org/\n"
                                "L:MIT\n"
                                "o:musl\n"
                                "m:Timo Ter\xc3\xa4s <timo.teras@iki.fi>\n"
                                "t:1712610203\n"
                                "c:c4f0f0b4d6b9ed3c3e6ac6e5a9bca7b7e6e5c1a0\n"
                                "p:so:libc.musl-x86_64.so.1=1\n"
                                "F:lib\n"
                                "R:ld-musl-x86_64.so.1\n"
                                "a:0:0:755\n"
                                "Z:Q1pzUB8rSaOSF2e8DRRqeRm4uQaQM=\n"
                                "R:libc.musl-x86_64.so.1\n"
                                "a:0:0:777\n"
                                "Z:Q1vJ4ZOp8FoO6cdgWgK8fGqwZcMl4=\n"
                                "\n"
                                "C:Q1tWcf5anrGdXd56gL9MW0a3EE7ok=\n"
                                "P:busybox-binsh\n"
                                "V:1.36.1-r29\n"
                                "A:x86_64\n"
                                "S:1541\n"
                                "I:1\n"
                                "T:busybox ash /bin/sh\n"
                                "U:https://busybox.net/\n"
                                "L:GPL-2.0-only\n"
                                "o:busybox\n"
                                "m:S\xc3\xb6ren Tempel <soeren+alpine@soeren-tempel.net>\n"
                                "t:1716982036\n"
                                "c:3d0c0a7a3e0e7a9a3c5a36f0d1b1a2e4f5a6b7c8\n"
                                "D:busybox=1.36.1-r29\n"
                                "p:/bin/sh cmd:sh=1.36.1-r29\n"
                                "r:busybox-initscripts\n"
                                "F:bin\n"
                                "R:sh\n"
                                "a:0:0:777\n"
                                "Z:Q1pcfTfDNEbNKQc2s1tia7da05M8Q=\n"
                                "\n"
                                "C:Q1H3ws0Dw6k3bL2eQq3lGu4sQp0+8=\n"
                                "P:ca-certificates-bundle\n"
                                "V:20240226-r0\n"
                                "A:x86_64\n"
                                "L:MPL-2.0 AND MIT\n"
                                "o:ca-certificates\n"
                                "m:Natanael Copa <ncopa@alpinelinux.org>\n"
                                "F:etc\n"
                                "F:etc/ssl\n"
                                "F:etc/ssl/certs\n"
                                "R:ca-certificates.crt\n"
                                "Z:Q1aN9ObTUCtb4ZjgTz7vGmB4dbEfA=\n"
                                "F:etc/ssl1.1\n"
                                "R:cert.pem\n"
                                "R:certs\n"
                                "\n";

static const char *const *const *
checksums(const struct feed *f)
{
    size_t i;

    for (i = 0; i < f->lr.recs.len; i++) {
        const struct rec *r = *VEC_AT(&f->lr.recs, struct rec *, i);
        if (r->kind == REC_DATA && strcmp(r->path, "lib/apk/db/installed") == 0)
            return r->data;
    }
    return NULL;
}

static size_t
index_of(const struct feed *f, const char *name)
{
    size_t i;

    for (i = 0; i < feed_npkgs(f); i++)
        if (strcmp(feed_pkg(f, i)->name, name) == 0)
            return i;
    fail_msg("no package %s", name);
    return 0;
}

static void
test_fields(void **state)
{
    struct feed f;
    const struct pkg *p;
    const char *const *const *sums;
    size_t chunk;

    (void)state;
    for (chunk = 0; chunk <= 13; chunk += 13) {
        feed_init(&f, 0);
        f.chunk = chunk;
        assert_int_equal(
            feed_file(&f, &analyzer_apk, "lib/apk/db/installed", installed, strlen(installed), 0),
            0);
        assert_int_equal(feed_npkgs(&f), 3);
        assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);

        p = feed_find(&f, "musl");
        assert_non_null(p);
        assert_int_equal(p->type, MOAT_PKG_APK);
        assert_string_equal(p->version, "1.2.5-r0");
        assert_string_equal(p->arch, "x86_64");
        assert_string_equal(p->source_name, "musl");
        assert_string_equal(p->source_version, "1.2.5-r0");
        assert_string_equal(p->license, "MIT");
        assert_string_equal(p->supplier, "Timo Ter\xc3\xa4s <timo.teras@iki.fi>");
        assert_true(p->db);
        assert_int_equal(p->nfiles, 2);
        assert_string_equal(p->files[0], "/lib/ld-musl-x86_64.so.1");
        assert_string_equal(p->files[1], "/lib/libc.musl-x86_64.so.1");
        assert_int_equal(p->nprops, 2);
        assert_string_equal(p->props[0].name, "apk:checksum");
        assert_string_equal(p->props[0].value, "Q1Fk2SkFqIYbYvZsDP5jwH5EkLnFs=");
        assert_string_equal(p->props[1].name, "apk:commit");
        assert_string_equal(p->props[1].value, "c4f0f0b4d6b9ed3c3e6ac6e5a9bca7b7e6e5c1a0");

        /* a subpackage: origin differs from the name, source version is V */
        p = feed_find(&f, "busybox-binsh");
        assert_string_equal(p->source_name, "busybox");
        assert_string_equal(p->source_version, "1.36.1-r29");
        assert_string_equal(p->license, "GPL-2.0-only");
        assert_int_equal(p->nfiles, 1);
        assert_string_equal(p->files[0], "/bin/sh");

        /* several directories; files without Z: */
        p = feed_find(&f, "ca-certificates-bundle");
        assert_string_equal(p->license, "MPL-2.0 AND MIT");
        assert_int_equal(p->nfiles, 3);
        assert_string_equal(p->files[0], "/etc/ssl/certs/ca-certificates.crt");
        assert_string_equal(p->files[1], "/etc/ssl1.1/cert.pem");
        assert_string_equal(p->files[2], "/etc/ssl1.1/certs");

        /* per-file checksums, parallel to files[] */
        sums = checksums(&f);
        assert_non_null(sums);
        assert_string_equal(sums[index_of(&f, "musl")][0], "Q1pzUB8rSaOSF2e8DRRqeRm4uQaQM=");
        assert_string_equal(sums[index_of(&f, "musl")][1], "Q1vJ4ZOp8FoO6cdgWgK8fGqwZcMl4=");
        assert_string_equal(sums[index_of(&f, "busybox-binsh")][0],
                            "Q1pcfTfDNEbNKQc2s1tia7da05M8Q=");
        assert_string_equal(sums[index_of(&f, "ca-certificates-bundle")][0],
                            "Q1aN9ObTUCtb4ZjgTz7vGmB4dbEfA=");
        assert_null(sums[index_of(&f, "ca-certificates-bundle")][1]);
        assert_null(sums[index_of(&f, "ca-certificates-bundle")][2]);
        feed_free(&f);
    }
}

static void
test_usr_lib_path(void **state)
{
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "usr/lib/apk/db/installed", installed, strlen(installed), 0);
    assert_int_equal(feed_npkgs(&f), 3);
    feed_free(&f);
}

static void
test_bad_blocks(void **state)
{
    static const char db[] = "P:good\nV:1.0-r0\nA:aarch64\n\n"
                             "V:2.0-r0\nA:x86_64\n\n" /* no P: */
                             "P:nover\n\n"            /* no V: */
                             "P:has space\nV:1\n\n"   /* malformed name */
                             "P:badline\nV:1\nthis is not a field\n\n"
                             "P:orphan\nV:3\nR:file-before-dir\nF:usr\nR:ok\nR:a/b\nR:\n\n"
                             "P:also-good\nV:0.1\r\n\r\n";
    struct feed f;
    const struct pkg *p;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/installed", db, strlen(db), 0);
    assert_int_equal(feed_npkgs(&f), 3);
    assert_non_null(feed_find(&f, "good"));
    assert_string_equal(feed_find(&f, "good")->arch, "aarch64");
    assert_non_null(feed_find(&f, "also-good"));
    assert_string_equal(feed_find(&f, "also-good")->version, "0.1");
    p = feed_find(&f, "orphan");
    assert_non_null(p);
    assert_int_equal(p->nfiles, 1);
    assert_string_equal(p->files[0], "/usr/ok");
    assert_null(feed_find(&f, "nover"));
    assert_null(feed_find(&f, "badline"));
    /* five reported: no P, no V, bad name, bad line, bad R: lines */
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 5);
    feed_free(&f);
}

static void
test_many_bad_blocks_capped(void **state)
{
    char db[4096];
    size_t i, n = 0;
    struct feed f;

    (void)state;
    for (i = 0; i < 40; i++)
        n += (size_t)snprintf(db + n, sizeof(db) - n, "V:%zu\n\n", i);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/installed", db, n, 0);
    assert_int_equal(feed_npkgs(&f), 0);
    /* capped one-by-one reports, a total, and "no valid package" */
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 5 + 2);
    feed_free(&f);
}

static void
test_hostile(void **state)
{
    static const char bin[] = "P:x\nV:1\n\0\xff\xfe";
    static const char notutf8[] = "P:x\nV:1\nL:\xff\xfe\nm:ok\n";
    struct feed f;
    char *big;
    size_t i;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/installed", bin, sizeof(bin) - 1, 0);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);

    /* a license that is not UTF-8 is dropped, the package kept */
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/installed", notutf8, sizeof(notutf8) - 1, 0);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_null(feed_pkg(&f, 0)->license);
    assert_string_equal(feed_pkg(&f, 0)->supplier, "ok");
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1);
    feed_free(&f);

    /* empty database, only blank lines */
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/installed", "\n\n\n", 3, 0);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_free(&f);

    /* 100000 files in one package, and an overlong name */
    big = malloc(2000000);
    assert_non_null(big);
    i = (size_t)snprintf(big, 2000000, "P:big\nV:1\nF:d\n");
    while (i < 1000000)
        i += (size_t)snprintf(big + i, 2000000 - i, "R:%zu\n", i);
    i += (size_t)snprintf(big + i, 2000000 - i, "\nP:");
    memset(big + i, 'n', 600);
    i += 600;
    i += (size_t)snprintf(big + i, 2000000 - i, "\nV:1\n");
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/installed", big, i, 0);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_true(feed_pkg(&f, 0)->nfiles > 100000);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    free(big);
}

/* A Z: line counts only right after its R: (and that file's a: line). */
static void
test_checksum_placement(void **state)
{
    static const char db[] = "P:z\nV:1\nF:d\nZ:Q1before=\nR:one\na:0:0:644\nZ:Q1one=\n"
                             "Z:Q1again=\nR:two\nF:e\nZ:Q1afterdir=\nR:three\nZ:Q1three=\n";
    const char *const *const *sums;
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/installed", db, sizeof(db) - 1, 0);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_int_equal(feed_pkg(&f, 0)->nfiles, 3);
    sums = checksums(&f);
    assert_non_null(sums);
    assert_string_equal(sums[0][0], "Q1one=");
    assert_null(sums[0][1]);
    assert_string_equal(sums[0][2], "Q1three=");
    feed_free(&f);
}

static void
test_not_wanted(void **state)
{
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/installed.old", installed, strlen(installed), 0);
    feed_file(&f, &analyzer_apk, "lib/apk/db/scripts.tar", installed, strlen(installed), 0);
    feed_file(&f, &analyzer_apk, "backup/lib/apk/db/installed", installed, strlen(installed), 0);
    assert_int_equal(f.lr.recs.len, 0);
    feed_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),     cmocka_unit_test(test_usr_lib_path),
        cmocka_unit_test(test_bad_blocks), cmocka_unit_test(test_many_bad_blocks_capped),
        cmocka_unit_test(test_hostile),    cmocka_unit_test(test_checksum_placement),
        cmocka_unit_test(test_not_wanted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

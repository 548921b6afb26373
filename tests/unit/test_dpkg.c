/*
 * test_dpkg.c - the dpkg analyzer on status files: fields, Source with and
 * without a version, states that are and are not reported, status.d, file
 * lists, and malformed input that must be reported, not silently dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "feed.h"

extern const struct analyzer analyzer_dpkg;

static const char status[] =
    "Package: bash\n"
    "Status: install ok installed\n"
    "Priority: required\n"
    "Architecture: amd64\n"
    "Multi-Arch: foreign\n"
    "Maintainer: Matthias Klose <doko@debian.org>\n"
    "Version: 5.2.15-2+b7\n"
    "Source: bash (5.2.15-2)\n"
    "Description: GNU Bourne Again SHell\n"
    " Bash is an sh-compatible command language interpreter.\n"
    " Source: this continuation line is not a field\n"
    "\n"
    "Package: libssl3\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Source: openssl\n"
    "Version: 3.0.15-1~deb12u1\n"
    "\n"
    "Package: removed-pkg\n"
    "Status: deinstall ok config-files\n"
    "Version: 1.0\n"
    "\n"
    "Package: never\n"
    "Status: purge ok not-installed\n"
    "\n"
    "Package: halfway\n"
    "Status: install reinstreq half-configured\n"
    "Architecture: all\n"
    "Version: 1:2.0-1\n";

static void
test_status(void **state)
{
    struct feed f;
    const struct pkg *p;
    size_t chunk;

    (void)state;
    for (chunk = 0; chunk <= 7; chunk += 7) {
        feed_init(&f, 0);
        f.chunk = chunk;
        assert_int_equal(feed_file(&f, &analyzer_dpkg, "var/lib/dpkg/status", status,
                                   strlen(status), 0), 0);
        assert_int_equal(feed_npkgs(&f), 3);
        p = feed_find(&f, "bash");
        assert_non_null(p);
        assert_string_equal(p->version, "5.2.15-2+b7");
        assert_string_equal(p->arch, "amd64");
        assert_string_equal(p->source_name, "bash");
        assert_string_equal(p->source_version, "5.2.15-2");
        assert_true(p->db);
        p = feed_find(&f, "libssl3");
        assert_string_equal(p->source_name, "openssl");
        assert_string_equal(p->source_version, "3.0.15-1~deb12u1");
        p = feed_find(&f, "halfway");
        assert_non_null(p);
        assert_string_equal(p->version, "1:2.0-1");
        assert_null(feed_find(&f, "removed-pkg"));
        assert_null(feed_find(&f, "never"));
        assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 0);
        feed_free(&f);
    }
}

static void
test_status_d(void **state)
{
    static const char one[] = "Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n"
                              "Source: glibc\n";
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_dpkg, "var/lib/dpkg/status.d/libc6", one, strlen(one), 0);
    /* md5sums beside it are not package records */
    feed_file(&f, &analyzer_dpkg, "var/lib/dpkg/status.d/libc6.md5sums", "x", 1, 0);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_string_equal(feed_find(&f, "libc6")->source_name, "glibc");
    feed_free(&f);
}

static void
test_garbage(void **state)
{
    static const char bad[] = "Package: ok\nVersion: 1\n\nthis is not\na status file\n\n"
                              "Version: 2\n\nPackage: has space\nVersion: 1\n";
    static const char bin[] = "Package: x\nVersion: 1\n\0\1\2";
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_dpkg, "var/lib/dpkg/status", bad, strlen(bad), 0);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_true(feed_nproblems(&f, MOAT_FAILED) >= 3);
    feed_free(&f);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_dpkg, "var/lib/dpkg/status", bin, sizeof(bin) - 1, 0);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
}

static void
test_not_wanted(void **state)
{
    struct feed f;

    (void)state;
    feed_init(&f, 0);
    /* similar but different paths are ignored */
    feed_file(&f, &analyzer_dpkg, "var/lib/dpkg/status-old", status, strlen(status), 0);
    feed_file(&f, &analyzer_dpkg, "backup/var/lib/dpkg/status", status, strlen(status), 0);
    feed_file(&f, &analyzer_dpkg, "var/lib/dpkg/status.d/sub/x", status, strlen(status), 0);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(f.lr.recs.len, 0);
    feed_free(&f);
}

/* info/<pkg>.md5sums are read only for the integrity detector (an SBOM has
 * no use for them); status.d md5sums are a distroless file list: always. */
static void
test_md5sums_wanted(void **state)
{
    struct layer_entry le = {.path = "var/lib/dpkg/info/bash.md5sums", .type = ENTRY_REG};
    struct layer_entry ld = {.path = "var/lib/dpkg/status.d/base.md5sums", .type = ENTRY_REG};
    struct moat_options on, off;
    struct entry e = {.le = &le, .path = le.path, .base = "bash.md5sums"};
    struct entry d = {.le = &ld, .path = ld.path, .base = "base.md5sums"};

    (void)state;
    moat_options_init(&on);
    moat_options_init(&off);
    off.detect.enabled &= ~(unsigned)MOAT_DETECT_INTEGRITY;
    assert_int_equal(analyzer_dpkg.wants(&e), WANT_WHOLE); /* no options: all on */
    e.opt = &on;
    assert_int_equal(analyzer_dpkg.wants(&e), WANT_WHOLE);
    e.opt = &off;
    assert_int_equal(analyzer_dpkg.wants(&e), WANT_NO);
    d.opt = &off;
    assert_int_equal(analyzer_dpkg.wants(&d), WANT_WHOLE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_status_d),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_not_wanted),
        cmocka_unit_test(test_md5sums_wanted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

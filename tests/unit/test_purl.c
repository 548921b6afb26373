/*
 * test_purl.c - Package URLs per type, as the purl-spec types document and
 * its encoding rules say: namespaces, qualifiers in key order, percent-
 * encoding ('+' -> %2B, '@' in a scope -> %40, ':' kept), rpm epochs as a
 * qualifier, PEP 503 names, Go module paths split at the last '/'.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "analyze/purl.h"

static const struct moat_distro debian = {.id = "debian", .version_id = "12"};
static const struct moat_distro alpine = {.id = "alpine", .version_id = "3.20.3"};
static const struct moat_distro rhel = {.id = "rhel", .version_id = "9.4"};
static const struct moat_distro sid = {.id = "debian", .codename = "trixie"};

static void
check(const struct pkg *p, const struct moat_distro *d, const char *want)
{
    struct arena a;
    char *got;

    arena_init(&a);
    got = purl_build(&a, p, d);
    assert_non_null(got);
    assert_string_equal(got, want);
    arena_free(&a);
}

static void
test_os(void **state)
{
    struct pkg p = {0};

    (void)state;
    p.type = MOAT_PKG_DEB;
    p.name = "openssl";
    p.version = "3.0.15-1~deb12u1";
    p.arch = "amd64";
    check(&p, &debian, "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12");
    p.name = "libstdc++6";
    p.version = "1:12.2.0-14+deb12u1";
    check(&p, &debian,
          "pkg:deb/debian/libstdc%2B%2B6@1:12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12");
    p.name = "bash";
    p.version = "5.2.37-1";
    check(&p, &sid, "pkg:deb/debian/bash@5.2.37-1?arch=amd64&distro=debian-trixie");
    check(&p, NULL, "pkg:deb/debian/bash@5.2.37-1?arch=amd64");

    p.type = MOAT_PKG_APK;
    p.name = "musl";
    p.version = "1.2.5-r0";
    p.arch = "x86_64";
    check(&p, &alpine, "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.3");

    p.type = MOAT_PKG_RPM;
    p.name = "openssl-libs";
    p.version = "1:3.0.7-27.el9";
    check(&p, &rhel, "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.4&epoch=1");
    p.version = "0:1.0-1";
    check(&p, &rhel, "pkg:rpm/rhel/openssl-libs@1.0-1?arch=x86_64&distro=rhel-9.4");
}

static void
test_languages(void **state)
{
    struct pkg p = {0};

    (void)state;
    p.type = MOAT_PKG_NPM;
    p.ns = "babel";
    p.name = "core";
    p.version = "7.24.0";
    check(&p, NULL, "pkg:npm/%40babel/core@7.24.0");
    p.ns = NULL;
    p.name = "lodash";
    p.version = "4.17.21";
    check(&p, NULL, "pkg:npm/lodash@4.17.21");

    p.type = MOAT_PKG_PYPI;
    p.name = "Zope.Interface_Extras";
    p.version = "6.0";
    check(&p, NULL, "pkg:pypi/zope-interface-extras@6.0");

    p.type = MOAT_PKG_GOLANG;
    p.name = "github.com/BurntSushi/toml";
    p.version = "v1.3.2";
    check(&p, NULL, "pkg:golang/github.com/BurntSushi/toml@v1.3.2");
    p.name = "stdlib";
    p.version = "v1.21.3";
    check(&p, NULL, "pkg:golang/stdlib@v1.21.3");

    p.type = MOAT_PKG_MAVEN;
    p.ns = "org.apache.logging.log4j";
    p.name = "log4j-core";
    p.version = "2.14.1";
    check(&p, NULL, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");

    p.type = MOAT_PKG_COMPOSER;
    p.ns = "symfony";
    p.name = "http-kernel";
    p.version = "v5.4.1";
    check(&p, NULL, "pkg:composer/symfony/http-kernel@v5.4.1");

    p.type = MOAT_PKG_GEM;
    p.ns = NULL;
    p.name = "rails";
    p.version = "7.0.8";
    check(&p, NULL, "pkg:gem/rails@7.0.8");

    p.type = MOAT_PKG_CARGO;
    p.name = "serde";
    p.version = "1.0.197+build.1";
    check(&p, NULL, "pkg:cargo/serde@1.0.197%2Bbuild.1");

    p.type = MOAT_PKG_NUGET;
    p.name = "Newtonsoft.Json";
    p.version = "13.0.3";
    check(&p, NULL, "pkg:nuget/Newtonsoft.Json@13.0.3");
}

static void
test_encoding(void **state)
{
    struct pkg p = {0};

    (void)state;
    p.type = MOAT_PKG_GEM;
    p.name = "we ird/na#me?";
    p.version = "1.0 beta";
    check(&p, NULL, "pkg:gem/we%20ird%2Fna%23me%3F@1.0%20beta");
    p.purl = "pkg:generic/given@1";
    check(&p, NULL, "pkg:generic/given@1");
}

static void
test_pep503(void **state)
{
    struct arena a;

    (void)state;
    arena_init(&a);
    assert_string_equal(pypi_normalize(&a, "Foo__Bar..baz-_-Q"), "foo-bar-baz-q");
    assert_string_equal(pypi_normalize(&a, "requests"), "requests");
    arena_free(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_os),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_pep503),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_unmanaged.c - the unmanaged-software analyzer's layer pass: every
 * classifier on a synthetic ELF file that holds the exact bytes the real
 * binary holds (quoted from Debian 12's packages; the real binaries
 * themselves are scanned in tests/e2e/test_unmanaged.py), fed whole and in
 * chunks of many sizes so that every string straddles a chunk boundary;
 * the negative cases beside each (a program that only mentions OpenSSL, an
 * Apache module, a file without the family's evidence, disagreeing version
 * strings, a script); the Java release file and pip's RECORD; and the
 * version parser and name patterns on their own. Attribution, the unowned
 * list and coverage need the merged filesystem: the e2e test covers them.
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
#include "detect/classifiers.h"

#include <hs.h>

extern const struct analyzer analyzer_unmanaged;

/* The compiled patterns, shared by every feed as a scan's workers share
 * them (compiling once per feed would dominate the run time). */
static void *shared;

static void
feed_setup(struct feed *f)
{
    feed_init(f, 0);
    if (!shared) {
        char err[256];
        assert_int_equal(analyzer_unmanaged.init(&f->opt, NULL, &shared, err, sizeof(err)), 0);
        assert_non_null(shared);
    }
    f->inited = &analyzer_unmanaged;
    f->state = shared;
}

static void
feed_done(struct feed *f)
{
    f->inited = NULL; /* the shared state outlives the feed */
    feed_free(f);
}

/* A fake ELF file: the magic, filler, then each piece with filler between
 * (len of each piece given, as pieces hold NUL bytes). */
struct piece {
    const char *p;
    size_t n;
};

#define S(lit) {lit, sizeof(lit) - 1}

static unsigned char *
elf_with(const struct piece *ps, size_t np, size_t lead, size_t *len)
{
    size_t cap = 64 + lead, i, o = 0;
    unsigned char *b;

    for (i = 0; i < np; i++)
        cap += ps[i].n + 37;
    b = malloc(cap);
    assert_non_null(b);
    memcpy(b, "\x7f" "ELF\x02\x01\x01", 7);
    o = 7;
    memset(b + o, 0xcc, 57 + lead); /* code-like filler, no strings */
    o += 57 + lead;
    for (i = 0; i < np; i++) {
        memcpy(b + o, ps[i].p, ps[i].n);
        o += ps[i].n;
        memset(b + o, 0xcc, 37);
        o += 37;
    }
    *len = o;
    return b;
}

struct expect {
    const char *name, *version; /* NULL name: nothing identified */
};

/* Runs the analyzer over the file in chunks of several sizes and at
 * several offsets; every run must find exactly the expected packages. */
static void
check(const char *path, const struct piece *ps, size_t np, const struct expect *ex, size_t nex)
{
    static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 13, 64, 255, 256, 257, 4096};
    static const size_t leads[] = {0, 100, 250, 251, 4000};
    size_t ci, li, i;

    for (li = 0; li < sizeof(leads) / sizeof(leads[0]); li++) {
        size_t len;
        unsigned char *b = elf_with(ps, np, leads[li], &len);
        for (ci = 0; ci < sizeof(chunks) / sizeof(chunks[0]); ci++) {
            struct feed f;
            feed_setup(&f);
            f.chunk = chunks[ci];
            assert_int_equal(feed_file(&f, &analyzer_unmanaged, path, b, len, 0755), 0);
            if (feed_npkgs(&f) != nex)
                fail_msg("%s (chunk %zu, lead %zu): %zu packages, expected %zu", path,
                         chunks[ci], leads[li], feed_npkgs(&f), nex);
            for (i = 0; i < nex; i++) {
                const struct pkg *p = feed_find(&f, ex[i].name);
                if (!p)
                    fail_msg("%s (chunk %zu): %s not found", path, chunks[ci], ex[i].name);
                assert_int_equal(p->type, MOAT_PKG_GENERIC);
                assert_string_equal(p->version, ex[i].version);
                assert_non_null(p->props);
                assert_string_equal(p->props[0].name, "unmanaged:evidence");
            }
            /* one record per ELF file, whatever was found */
            assert_int_equal(f.lr.recs.len, 1);
            assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
            feed_done(&f);
        }
        free(b);
    }
}

#define CHECK1(path, pieces, n, v)                                                                 \
    do {                                                                                           \
        const struct expect ex_[] = {{n, v}};                                                      \
        check(path, pieces, sizeof(pieces) / sizeof(pieces[0]), ex_, 1);                           \
    } while (0)
#define CHECK0(path, pieces) check(path, pieces, sizeof(pieces) / sizeof(pieces[0]), NULL, 0)

static void
test_openssl(void **st)
{
    /* libcrypto.so.3 of openssl 3.0.22-1~deb12u2 */
    const struct piece lib[] = {S("\0OpenSSL 3.0.22 25 Aug 2026\0" "3.0.22\0not available\0"),
                                S("\0OPENSSLDIR: \"/usr/lib/ssl\"\0")};
    /* nginx built against it: the headers' version, no libcrypto code */
    const struct piece nginx[] = {S("nginx version: nginx/1.22.1\n\0OpenSSL 3.0.22 25 Aug 2026\0")};
    /* the openssl command: the headers it was built with */
    const struct piece cli[] = {S("N/A\0OpenSSL 3.0.22 25 Aug 2026\0%s (Library: %s)\n\0")};
    /* OpenSSL 1.1.1 (two spaces) linked statically into some program */
    const struct piece stat[] = {S("\0OpenSSL 1.1.1w  11 Sep 2023\0"),
                                 S("OPENSSLDIR: \"/usr/local/ssl\"\0")};
    const struct expect both[] = {{"nginx", "1.22.1"}};

    (void)st;
    CHECK1("usr/lib/x86_64-linux-gnu/libcrypto.so.3", lib, "openssl", "3.0.22");
    CHECK1("usr/local/bin/openssl", cli, "openssl", "3.0.22"); /* the command, by name */
    check("usr/sbin/nginx", nginx, 1, both, 1);
    CHECK1("opt/app/server", stat, "openssl", "1.1.1w");
}

static void
test_python(void **st)
{
    /* python3.11 of python3.11-minimal 3.11.2-6: PY_VERSION, the Unicode
     * database versions and zlib's beside it */
    const struct piece py[] = {S("PYTHONINSPECT\0"), S("\0pymalloc_debug\0" "3.11.2\0strict\0"),
                               S("\0" "14.0.0\0"), S("\0" "3.2.0\0"), S("\0" "1.2.13\0")};
    const struct piece noev[] = {S("\0" "3.11.2\0")};
    /* a libpython 3.12 with SQLite and OpenSSL linked in */
    const struct piece bundle[] = {S("PYTHONINSPECT\0"),
                                   S("\0" "3.12.10\0"),
                                   S("\0" "3.2.0\0"),
                                   S("\0" "3.0.16\0"),
                                   S("\xff" "3.47.1\0"),
                                   S("database disk image is malformed\0"),
                                   S("\0OpenSSL 3.0.16 11 Feb 2025\0OPENSSLDIR: \"x\"\0")};
    const struct expect three[] = {
        {"python", "3.12.10"}, {"sqlite", "3.47.1"}, {"openssl", "3.0.16"}};

    (void)st;
    CHECK1("usr/local/bin/python3.11", py, "python", "3.11.2");
    CHECK1("usr/local/bin/python3", py, "python", "3.11.2"); /* no hint: 3.2.0 excluded */
    CHECK1("usr/local/lib/libpython3.11.so.1.0", py, "python", "3.11.2");
    CHECK0("usr/local/bin/python3.11", noev);                /* no evidence */
    CHECK0("usr/local/bin/notpython", py);                   /* not its name */
    check("opt/sdk/lib/libpython3.12.so.1.0", bundle, sizeof(bundle) / sizeof(bundle[0]), three,
          3);
}

static void
test_servers(void **st)
{
    const struct piece node[] = {S("\0/json\0node.js/v18.20.4\0(delegate_) != nullptr\0")};
    const struct piece node2[] = {
        S("https://nodejs.org/download/release/v20.20.2/node-v20.20.2.tar.gz\0")};
    /* redis-server 7.0.15 (Debian): the build id runs into the version */
    const struct piece redis[] = {
        S("Redis server v=%s sha=%s:%d malloc=%s bits=%d build=%llx\0"),
        S("\0standalone\0systemd\0upstart\0err\0" "7.0.15\0c11-builtin\0"),
        S("\0O(N)\0" "2.6.0\0bitfield\0" "3.2.0\0" "7.0.0\0" "7.0.1\0migrate\0"),
        S("\xdf" "A7.0.151790282056000000000\0%llx\0networking.c\0")};
    /* upstream build: hostname-epoch after the version */
    const struct piece redis2[] = {S("Redis server v=%s sha=%s:%d malloc=%s\0"),
                                   S("\0" "7.2.4\0"), S("\0" "7.2.0\0"),
                                   S("\0" "7.2.4buildkitsandbox-1706000000000000000\0%llx\0")};
    const struct piece redis_cli[] = {S("\0" "7.0.15\0"),
                                      S("\0" "7.0.151790282056000000000\0%llx\0")};
    const struct piece httpd[] = {
        S("mailto:\0Apache/2.4.71\0 Server at <a href=\"mailto:\0<address>\0")};
    const struct piece module[] = {S("\0Apache/2.4.71\0")};
    const struct piece pg[] = {
        S("\0postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n\0")};
    const struct piece maria[] = {S("\0Unknown\0-0+deb12u1\0" "10.11.19-MariaDB\0x86_64\0")};
    const struct piece memc[] = {S("\0listen\0memcached 1.6.18\0udp-port\0")};
    const struct piece hap[] = {S(" version 2.6.12-1+deb12u4, released 2026/10/17\0\0")};
    const struct piece nginx[] = {S("\0Server: nginx/1.25.3\r\n\0")};

    (void)st;
    CHECK1("usr/lib/x86_64-linux-gnu/libnode.so.108", node, "node", "18.20.4");
    CHECK1("usr/local/bin/node", node2, "node", "20.20.2");
    CHECK1("usr/local/bin/redis-server", redis, "redis", "7.0.15");
    CHECK1("opt/redis/bin/srv", redis2, "redis", "7.2.4");
    CHECK0("usr/local/bin/redis-cli", redis_cli); /* no server evidence */
    CHECK1("usr/local/apache2/bin/httpd", httpd, "httpd", "2.4.71");
    CHECK1("opt/web/bin/server", httpd, "httpd", "2.4.71"); /* its signature lifts the name */
    CHECK0("usr/local/apache2/modules/mod_proxy.so", module);
    CHECK1("usr/lib/postgresql/15/bin/postgres", pg, "postgresql", "15.20");
    CHECK1("usr/sbin/mariadbd", maria, "mariadb", "10.11.19");
    CHECK1("usr/bin/memcached", memc, "memcached", "1.6.18");
    CHECK1("usr/sbin/haproxy", hap, "haproxy", "2.6.12");
    CHECK1("usr/sbin/nginx", nginx, "nginx", "1.25.3");
}

static void
test_tools(void **st)
{
    const struct piece bb[] = {S("out of memory\0BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1)\0")};
    const struct piece bb2[] = {S("\0BusyBox v1.36.1 (2023-07-27 17:12:24 UTC)\0")};
    const struct piece curl[] = {S("\0\0\0curl 7.88.1 (x86_64-pc-linux-gnu) %s\n\0")};
    const struct piece libcurl[] = {S("\0/\0libcurl/7.88.1\0zlib/%s\0")};
    const struct piece dict[] = {S("\0CLIENT libcurl 8.5.0\r\nMATCH %s %s %s\r\nQUIT\r\n\0")};
    const struct piece bash[] = {S("\0@(#)Bash version 5.2.15(1) release GNU\0")};
    const struct piece php[] = {S("%s,%s\0X-Powered-By: PHP/8.2.36\0ZEND_MM_MAX_ALLOCS\0")};
    const struct piece ruby[] = {
        S("\0ruby 3.1.2p20 (2022-04-12 revision 4491bb740a) [x86_64-linux-gnu]\0")};
    const struct piece perl[] = {S("\0PERL_INTERNAL_RAND_SEED\0v5.36.0\0panic: sysconf\0")};
    const struct piece sqlite[] = {S("database disk image is malformed\0"),
                                   S("\x08\0\0\0" "3.40.1\0\0\x01")};
    const struct piece sqlite2[] = {S("database disk image is malformed\0"), S("\0" "3.40.1\0"),
                                    S("\0" "3.39.0\0")};
    const struct piece zstd[] = {S("Disabled\0Enabled\0v1.5.4\0Zstandard CLI\0")};
    const struct piece libzstd[] = {S("ZSTD_versionString\0"), S("\x85" "1.5.4\0\0\0")};
    const struct piece xz[] = {S("%s: Filter chain: %s\n\0xz (XZ Utils) 5.4.1\0liblzma %s\n\0")};
    const struct piece lzma[] = {S("lzma_version_string\0"), S("\0\0" "5.6.1\0\0\0")};
    const struct piece gz[] = {S("%s: %s: file size changed while zipping\n\0" "1.12\0\0")};
    const struct piece jq[] = {S("Error: writing output failed: %s\n\0" "1.6\0DEBUG:\0"),
                               S("jq: error (at %s): %s\n\0")};
    const struct piece libc[] = {
        S("\0GNU C Library (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36.\n"
          "Copyright (C) 2022\0")};
    const struct piece ld[] = {S("\0ld.so (GNU libc) stable release version 2.39.\n\0")};
    /* cmd/go: the build info header and the start of its module info */
    const struct piece go[] = {S("\xff Go buildinf:\x08\x02" "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
                                 "\x08go1.19.8\xd5\x01"
                                 "\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6"
                                 "path\tcmd/go\nbuild\t-compiler=gc\n")};
    const struct piece goapp[] = {S("\xff Go buildinf:\x08\x02" "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
                                    "\x08go1.21.3\xd5\x01"
                                    "\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18"
                                    "\xe6path\tgithub.com/traefik/traefik/v2/cmd/traefik\n")};

    (void)st;
    CHECK1("bin/busybox", bb, "busybox", "1.35.0");
    CHECK1("bin/busybox", bb2, "busybox", "1.36.1");
    CHECK1("opt/app/bin/curl", curl, "curl", "7.88.1");
    CHECK1("opt/lib/libcurl.so.4", libcurl, "curl", "7.88.1");
    CHECK1("opt/lib/libcurl.so.4", dict, "curl", "8.5.0");
    CHECK1("usr/local/bin/bash", bash, "bash", "5.2.15");
    CHECK1("usr/local/bin/php", php, "php", "8.2.36");
    CHECK1("usr/local/lib/libruby.so.3.1", ruby, "ruby", "3.1.2");
    CHECK1("usr/local/bin/perl", perl, "perl", "5.36.0");
    CHECK1("usr/local/lib/libsqlite3.so.0", sqlite, "sqlite", "3.40.1");
    CHECK0("usr/local/lib/libsqlite3.so.0", sqlite2); /* two versions: not reported */
    CHECK1("usr/local/bin/zstd", zstd, "zstd", "1.5.4");
    CHECK1("usr/local/lib/libzstd.so.1", libzstd, "zstd", "1.5.4");
    CHECK0("usr/local/lib/libother.so.1", libzstd); /* bare version: only under its name */
    CHECK1("usr/local/bin/xz", xz, "xz", "5.4.1");
    CHECK1("usr/local/lib/liblzma.so.5", lzma, "xz", "5.6.1");
    CHECK1("usr/local/bin/gzip", gz, "gzip", "1.12");
    CHECK1("usr/local/bin/jq", jq, "jq", "1.6");
    CHECK1("opt/glibc/lib/libc.so.6", libc, "glibc", "2.36");
    CHECK1("opt/glibc/lib/ld-linux-x86-64.so.2", ld, "glibc", "2.39");
    CHECK1("usr/local/go/bin/go", go, "go", "1.19.8");
    CHECK0("usr/local/bin/traefik", goapp); /* a Go program: gobinary's */
}

/* Files that are not ELF are not read past their first bytes and leave no
 * record; an ELF file without any known string leaves one (it is counted
 * as ELF after the merge). */
static void
test_not_elf(void **st)
{
    static const char script[] = "#!/bin/sh\necho 'nginx version: nginx/1.2.3\n'\n"
                                 "# padding padding padding padding padding padding\n";
    static const char plain[] = "\x7f" "ELF\x02\x01\x01 nothing to see here, only filler text "
                                "that no classifier knows about...";
    struct feed f;

    (void)st;
    feed_setup(&f);
    f.chunk = 3;
    assert_int_equal(feed_file(&f, &analyzer_unmanaged, "usr/local/bin/x", script,
                               sizeof(script) - 1, 0755), 0);
    assert_int_equal(f.lr.recs.len, 0);
    assert_int_equal(feed_file(&f, &analyzer_unmanaged, "usr/local/bin/y", plain,
                               sizeof(plain) - 1, 0755), 0);
    assert_int_equal(f.lr.recs.len, 1);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_done(&f);
}

/* Switched off by the options: init leaves no state and the dispatcher
 * never calls the analyzer. */
static void
test_off(void **st)
{
    const struct piece bash[] = {S("\0@(#)Bash version 5.2.15(1) release GNU\0")};
    size_t len;
    unsigned char *b = elf_with(bash, 1, 0, &len);
    struct feed f;

    (void)st;
    feed_init(&f, 0);
    f.opt.detect.enabled = MOAT_DETECT_SECRETS;
    assert_int_equal(feed_file(&f, &analyzer_unmanaged, "usr/local/bin/bash", b, len, 0755), 0);
    assert_null(f.state);
    assert_int_equal(f.lr.recs.len, 0);
    feed_free(&f);
    free(b);
}

static void
test_java_release(void **st)
{
    static const char debian[] =
        "IMPLEMENTOR=\"Debian\"\n"
        "JAVA_RUNTIME_VERSION=\"17.0.21.1+2-1-deb12u1-Debian\"\n"
        "JAVA_VERSION=\"17.0.21.1\"\n"
        "JAVA_VERSION_DATE=\"2026-11-17\"\n"
        "MODULES=\"java.base java.compiler\"\n";
    static const char temurin[] = "IMPLEMENTOR=\"Eclipse Adoptium\"\r\n"
                                  "JAVA_VERSION=\"21.0.1\"\r\n";
    static const char other[] = "VERSION=3\nNAME=something else\n";
    static const char binary[] = "JAVA_VERSION=\"1\0\"\n";
    static const char bad[] = "JAVA_VERSION=\"not a version\"\n";
    const struct pkg *p;
    struct feed f;

    (void)st;
    feed_setup(&f);
    f.chunk = 5;
    feed_file(&f, &analyzer_unmanaged, "usr/lib/jvm/java-17-openjdk-amd64/release", debian,
              sizeof(debian) - 1, 0);
    assert_int_equal(feed_npkgs(&f), 1);
    p = feed_find(&f, "java");
    assert_non_null(p);
    assert_int_equal(p->type, MOAT_PKG_GENERIC);
    assert_string_equal(p->version, "17.0.21.1");
    assert_int_equal(p->nprops, 3);
    assert_string_equal(p->props[1].name, "java:implementor");
    assert_string_equal(p->props[1].value, "Debian");
    assert_string_equal(p->props[2].value, "17.0.21.1+2-1-deb12u1-Debian");
    feed_file(&f, &analyzer_unmanaged, "opt/java/openjdk/release", temurin, sizeof(temurin) - 1,
              0);
    assert_int_equal(feed_npkgs(&f), 2);
    assert_string_equal(feed_pkg(&f, 1)->version, "21.0.1");
    feed_file(&f, &analyzer_unmanaged, "etc/release", other, sizeof(other) - 1, 0);
    feed_file(&f, &analyzer_unmanaged, "opt/x/release", binary, sizeof(binary) - 1, 0);
    assert_int_equal(feed_npkgs(&f), 2);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_file(&f, &analyzer_unmanaged, "opt/y/release", bad, sizeof(bad) - 1, 0);
    assert_int_equal(feed_npkgs(&f), 2);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_done(&f);
}

static void
test_pip_record(void **st)
{
    static const char record[] =
        "numpy/__init__.py,sha256=abc,1234\n"
        "numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so,sha256=def,999\n"
        "numpy.libs/libopenblas64_p-r0-15028c96.3.21.so,sha256=x,1\n"
        "\"numpy/with,comma.so\",sha256=y,2\n"
        "../../../bin/f2py,sha256=z,3\n"
        "numpy-1.26.0.dist-info/RECORD,,\n";
    static const char pyonly[] = "pkg/__init__.py,sha256=a,1\npkg/mod.py,sha256=b,2\n";
    static const char broken[] = "\"never closed,sha256=a,1\nok/lib.so,,\n";
    struct feed f;

    (void)st;
    feed_setup(&f);
    f.chunk = 11;
    feed_file(&f, &analyzer_unmanaged,
              "usr/local/lib/python3.11/site-packages/numpy-1.26.0.dist-info/RECORD", record,
              sizeof(record) - 1, 0);
    assert_int_equal(f.lr.recs.len, 1);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    /* nothing that could be an executable: no record */
    feed_file(&f, &analyzer_unmanaged, "x/site-packages/pkg-1.0.dist-info/RECORD", pyonly,
              sizeof(pyonly) - 1, 0);
    assert_int_equal(f.lr.recs.len, 1);
    feed_file(&f, &analyzer_unmanaged, "x/site-packages/bad-1.0.dist-info/RECORD", broken,
              sizeof(broken) - 1, 0);
    assert_int_equal(f.lr.recs.len, 2);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1);
    /* RECORD outside a .dist-info is not pip's */
    feed_file(&f, &analyzer_unmanaged, "x/site-packages/RECORD", record, sizeof(record) - 1, 0);
    assert_int_equal(f.lr.recs.len, 2);
    feed_done(&f);
}

static void
test_parse_version(void **st)
{
    static const struct {
        const char *in;
        unsigned flags;
        const char *out;  /* NULL: not a version */
        size_t used;
    } cases[] = {
        {"1.22.1\n", 0, "1.22.1", 6},
        {"15.20 (Debian", 0, "15.20", 5},
        {"2.36.\n", 0, "2.36", 4},
        {"1.1.1w  11", CL_V_LETTER, "1.1.1w", 6},
        {"0.9.8zh ", CL_V_LETTER, "0.9.8zh", 7},
        {"1.1.1wxy ", CL_V_LETTER, NULL, 0},
        {"3.0.22 25", CL_V_LETTER, "3.0.22", 6},
        {"3.13.0rc1\0", CL_V_PRE, "3.13.0rc1", 9},
        {"1.21rc2 ", CL_V_PRE, "1.21rc2", 7},
        {"3.1.2p20 (", CL_V_PATCHLEVEL, "3.1.2", 8},
        {"1.2.3.4.5", 0, "1.2.3.4", 7},
        {"7", 0, NULL, 0},
        {"x1.2", 0, NULL, 0},
        {"1234567890.1", 0, NULL, 0},
        {"1.", 0, NULL, 0},
    };
    char out[CL_VERSION_MAX];
    size_t i;

    (void)st;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t used = cl_parse_version(cases[i].in, strlen(cases[i].in), cases[i].flags, out);
        if (!cases[i].out) {
            assert_int_equal(used, 0);
            continue;
        }
        assert_int_equal(used, cases[i].used);
        assert_string_equal(out, cases[i].out);
    }
}

static void
test_names(void **st)
{
    (void)st;
    assert_true(cl_name_match("libcrypto.so*|openssl", "libcrypto.so.3"));
    assert_true(cl_name_match("libcrypto.so*|openssl", "openssl"));
    assert_false(cl_name_match("libcrypto.so*|openssl", "openssl.cnf.so"));
    assert_false(cl_name_match("libcrypto.so*|openssl", "nginx"));
    assert_true(cl_name_match("python*|libpython*", "python3.11"));
    assert_true(cl_name_match("a*b*c", "axxbyyc"));
    assert_false(cl_name_match("a*b*c", "axxbyy"));
    assert_true(cl_name_match("*", ""));
    assert_int_equal(classifier_find("openssl"), 0);
    assert_true(classifier_find("java") > 0);
    assert_int_equal(classifier_find("nonesuch"), -1);
}

/* The database embedded at build time must be the one of the current
 * patterns and must load here (the generator ran with this Hyperscan). */
static void
test_embedded_db(void **st)
{
    struct cl_db *db = NULL;
    char *bytes = NULL, err[256];
    size_t len = 0;
    uint64_t hash = 0;

    (void)st;
    assert_int_equal(cl_db_serialize(&bytes, &len, &hash, err, sizeof(err)), 0);
    assert_true(len > 1000);
    free(bytes);
    assert_true(cl_db_embedded_current());
    assert_string_equal(cl_db_embedded_version(), hs_version());
    assert_int_equal(cl_db_new(&db, err, sizeof(err)), 0);
    assert_true(cl_db_embedded(db));
    cl_db_free(db);
}

static int
teardown(void **st)
{
    (void)st;
    analyzer_unmanaged.fini(shared);
    shared = NULL;
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openssl),       cmocka_unit_test(test_python),
        cmocka_unit_test(test_servers),       cmocka_unit_test(test_tools),
        cmocka_unit_test(test_not_elf),       cmocka_unit_test(test_off),
        cmocka_unit_test(test_java_release),  cmocka_unit_test(test_pip_record),
        cmocka_unit_test(test_parse_version), cmocka_unit_test(test_names),
        cmocka_unit_test(test_embedded_db),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}

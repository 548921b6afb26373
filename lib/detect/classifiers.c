/*
 * classifiers.c - the software families moat recognises in executables and
 * shared libraries, and the streaming matcher that finds them (see
 * classifiers.h for the model, docs/DETECTORS.md for the list).
 *
 * Every string below was read from the real binaries of Debian 12 packages
 * (apt-get download, dpkg -x) or of the upstream builds installed on the
 * development machine; the comment above each family quotes what the file
 * holds and where it comes from in the project's sources, so that a pattern
 * can be checked against a new release. Patterns are regular expressions in
 * Hyperscan's PCRE subset, bounded in length (checked at compile time) and
 * anchored on text specific to one project; version numbers are limited to
 * the digits real releases use, so a long run of digits or dots never
 * matches. A version pattern ends with the byte that terminates the string
 * in the binary (NUL, newline, space), so a match always covers the whole
 * version: the text is then re-read from the look-behind window and parsed
 * here, never trusted from the regex alone.
 *
 * Isolated version strings ("\0" "3.11.2" "\0") are collected for the
 * families whose binaries carry nothing better, up to a budget per file,
 * and are only used together with the family's evidence string and file
 * name: a file full of such strings costs bounded memory and is not
 * identified as anything.
 */
#include "classifiers.h"
#include "base/err.h"
#include "base/str.h"

#include <hs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Look-behind window: every pattern's longest match must fit in it. */
#define CL_WINDOW 256
/* Isolated version strings kept per file (distinct), the matches of them
 * examined per file, and the longest kept. Real binaries hold a few to a
 * few dozen (redis-server: 45, mostly command "since" versions). */
#define CAND_MAX 128
#define CAND_CALLS 8192
#define CAND_LEN 24
/* Redis build id kept (version + build id + git dirty flag + sha1). */
#define RAW_MAX 128
/* Scratch spaces kept for reuse (at most one per worker thread is busy). */
#define POOL_MAX 64

enum family {
    F_OPENSSL,
    F_PYTHON,
    F_NODE,
    F_REDIS,
    F_NGINX,
    F_HTTPD,
    F_BUSYBOX,
    F_CURL,
    F_BASH,
    F_POSTGRES,
    F_MARIADB,
    F_MEMCACHED,
    F_HAPROXY,
    F_GO,
    F_PHP,
    F_RUBY,
    F_PERL,
    F_SQLITE,
    F_ZSTD_CLI,
    F_ZSTD_LIB,
    F_XZ_CLI,
    F_XZ_LIB,
    F_GZIP,
    F_JQ,
    F_GLIBC,
    F_JAVA,
    F_COUNT
};

/* Designated by family so that the table cannot drift from the enum. */
const struct classifier classifier_table[F_COUNT] = {
    /* libcrypto: OpenSSL_version(OPENSSL_VERSION) is OPENSSL_VERSION_TEXT,
     * "OpenSSL 3.0.11 19 Sep 2023" ("OpenSSL 1.1.1w  11 Sep 2023" before
     * 3.0, two spaces). The openssl command holds the same text (the
     * headers it was built with). Programs linked against libcrypto hold it
     * too (nginx prints it for -V), so the family is limited to libcrypto
     * and the openssl command, unless the file also holds "OPENSSLDIR: ",
     * which only libcrypto's own OpenSSL_version() code carries (a static
     * copy of OpenSSL). libssl 3.x holds no version string at all: it is
     * attributed to the libcrypto of the same directory. */
    [F_OPENSSL] = {.name = "openssl", .files = "libcrypto.so*|libcrypto-*.so*|openssl",
        .companions = "libssl.so*|libssl-*.so*", .pick = CL_PICK_PATTERN},
    /* CPython: PY_VERSION ("3.11.2") stands alone in libpython and in a
     * statically linked python; the other isolated X.Y.Z strings beside it
     * are the Unicode database versions ("14.0.0" and "3.2.0", the one IDNA
     * uses) and zlib's. "PYTHONINSPECT" (the -i option's variable) is in
     * every CPython main since 2.x. */
    [F_PYTHON] = {.name = "python", .bitnami = "python", .files = "python*|libpython*",
        .flags = CL_NEED_EVIDENCE | CL_NAME_HINT, .pick = CL_PICK_CANDIDATE, .cand_prefix = "3.",
        .cand_exclude = "3.2.0", .cand_parts = 3},
    /* Node.js: the inspector's "Browser" field "node.js/v18.19.0" and
     * process.release's "https://nodejs.org/download/release/v18.19.0/...".
     * Debian's /usr/bin/node is a 26 KB stub: they are in libnode.so. */
    [F_NODE] = {.name = "node", .bitnami = "node", .pick = CL_PICK_PATTERN},
    /* redis-server (and redis-check-rdb/-aof, the same binary): "Redis server
     * v=%s sha=%s:%d malloc=%s" (--version). REDIS_VERSION ("7.0.15") stands
     * alone, among the "since" versions of every command; release.c's build
     * id is REDIS_VERSION REDIS_BUILD_ID REDIS_GIT_DIRTY REDIS_GIT_SHA1
     * ("7.0.15" "1790282056" "0" "00000000" on Debian, upstream
     * "7.2.4" "buildkitsandbox-1706000000" "0" "00000000"), next to the
     * "%llx" that formats its CRC. The version is the longest isolated
     * version string the build id starts with. */
    [F_REDIS] = {.name = "redis", .bitnami = "redis", .flags = CL_NEED_EVIDENCE,
        .pick = CL_PICK_REDIS, .cand_parts = 3},
    /* nginx: NGINX_VER "nginx/1.22.1" in "nginx version: nginx/1.22.1\n"
     * (nginx -v) and "Server: nginx/1.22.1\r\n". */
    [F_NGINX] = {.name = "nginx", .bitnami = "nginx", .pick = CL_PICK_PATTERN},
    /* Apache httpd: AP_SERVER_BASEVERSION "Apache/2.4.57", beside the
     * signature " Server at <a href=\"mailto:" that only the server binary
     * holds (modules such as mod_proxy also hold "Apache/2.4.57"). */
    [F_HTTPD] = {.name = "httpd", .bitnami = "apache", .files = "httpd|apache2|apache",
        .pick = CL_PICK_PATTERN},
    /* BusyBox: BB_BANNER "BusyBox v1.36.1 (2023-07-27 ...)" or, built by
     * Debian, "BusyBox v1.35.0 (Debian 1:1.35.0-4+b3)". */
    [F_BUSYBOX] = {.name = "busybox", .pick = CL_PICK_PATTERN},
    /* curl: the tool's "curl 7.88.1 (x86_64-pc-linux-gnu) %s\n" (curl -V);
     * libcurl's curl_version() "libcurl/7.88.1" and its DICT client line
     * "CLIENT libcurl 7.88.1\r\n". Both are reported as curl (curl's
     * advisories name the project, the tool and the library alike). */
    [F_CURL] = {.name = "curl", .pick = CL_PICK_PATTERN},
    /* bash: version.c's sccsid "@(#)Bash version 5.2.15(1) release GNU". */
    [F_BASH] = {.name = "bash", .pick = CL_PICK_PATTERN},
    /* PostgreSQL: PG_BACKEND_VERSIONSTR "postgres (PostgreSQL) 15.5\n" in the
     * server and in pg_ctl, and "<tool> (PostgreSQL) 15.5" in every client
     * program (psql, pg_dump...). */
    [F_POSTGRES] = {.name = "postgresql", .bitnami = "postgresql", .pick = CL_PICK_PATTERN},
    /* MariaDB server: MYSQL_SERVER_VERSION "10.11.6-MariaDB" (mariadbd,
     * installed as mysqld too). Oracle MySQL's mysqld is not recognised:
     * no real binary was available to write a rule against. */
    [F_MARIADB] = {.name = "mariadb", .bitnami = "mariadb", .pick = CL_PICK_PATTERN},
    /* memcached: "memcached 1.6.18" (-V) and "VERSION 1.6.18" (protocol). */
    [F_MEMCACHED] = {.name = "memcached", .bitnami = "memcached", .pick = CL_PICK_PATTERN},
    /* HAProxy: STATS_VERSION_STRING " version 2.6.12-1+deb12u1, released
     * 2023/12/13" (the version runs to the first '-': Debian and git builds
     * append a revision). */
    [F_HAPROXY] = {.name = "haproxy", .bitnami = "haproxy", .pick = CL_PICK_PATTERN},
    /* The Go toolchain: the cmd/go binary's build info, "\xff Go buildinf:"
     * header, the runtime version "go1.19.8" (varint length first) and the
     * module info "path\tcmd/go\n" between 16-byte sentinels. Programs built
     * with Go are the gobinary analyzer's: it reports their modules and
     * stdlib (the cmd/go binary's stdlib is the toolchain's own version). */
    [F_GO] = {.name = "go", .bitnami = "golang", .go_module = "toolchain",
        .pick = CL_PICK_PATTERN},
    /* PHP: "X-Powered-By: PHP/8.2.7" (the header the SAPI sends), in the
     * CLI, php-fpm, php-cgi and libphp (mod_php). */
    [F_PHP] = {.name = "php", .bitnami = "php", .pick = CL_PICK_PATTERN},
    /* Ruby: ruby_description "ruby 3.1.2p20 (2022-04-12 revision
     * 4491bb740a) [x86_64-linux-gnu]" in libruby (or a static ruby); the
     * "p20" patch level is not part of the release version. */
    [F_RUBY] = {.name = "ruby", .bitnami = "ruby", .pick = CL_PICK_PATTERN},
    /* Perl 5: $^V's "v5.36.0" stands alone in perl and libperl, beside
     * "PERL_INTERNAL_RAND_SEED" (perl.c's hash-seed variable). */
    [F_PERL] = {.name = "perl", .flags = CL_NEED_EVIDENCE, .pick = CL_PICK_CANDIDATE,
        .cand_prefix = "v5.", .cand_parts = 3},
    /* SQLite: sqlite3_version[] "3.40.1" stands alone; the error text
     * "database disk image is malformed" (sqlite3ErrStr) proves the library
     * is in the file (libsqlite3 or a program that embeds the amalgamation;
     * the header magic "SQLite format 3" is not enough: libmagic has it). */
    [F_SQLITE] = {.name = "sqlite", .bitnami = "sqlite", .flags = CL_NEED_EVIDENCE,
        .pick = CL_PICK_CANDIDATE, .cand_prefix = "3.", .cand_parts = 3},
    /* zstd command: "v1.5.4" stands alone beside "Zstandard CLI". */
    [F_ZSTD_CLI] = {.name = "zstd", .flags = CL_NEED_EVIDENCE, .pick = CL_PICK_CANDIDATE,
        .cand_prefix = "v1.", .cand_parts = 3},
    /* libzstd: ZSTD_VERSION_STRING "1.5.4" stands alone; the library
     * exports ZSTD_versionString. */
    [F_ZSTD_LIB] = {.name = "zstd", .files = "libzstd.so*", .flags = CL_NEED_EVIDENCE,
        .pick = CL_PICK_CANDIDATE, .cand_prefix = "1.", .cand_parts = 3},
    /* xz command: "xz (XZ Utils) 5.4.1" (--version). */
    [F_XZ_CLI] = {.name = "xz", .pick = CL_PICK_PATTERN},
    /* liblzma: LZMA_VERSION_STRING "5.4.1" stands alone (5.6.0 and 5.6.1
     * are the releases with the CVE-2024-3094 backdoor); the library
     * exports lzma_version_string. */
    [F_XZ_LIB] = {.name = "xz", .files = "liblzma.so*", .flags = CL_NEED_EVIDENCE,
        .pick = CL_PICK_CANDIDATE, .cand_prefix = "5.", .cand_parts = 3},
    /* gzip: Version "1.12" stands alone beside its "file size changed while
     * zipping" message. */
    [F_GZIP] = {.name = "gzip", .flags = CL_NEED_EVIDENCE, .pick = CL_PICK_CANDIDATE,
        .cand_prefix = "1.", .cand_parts = 2},
    /* jq: JQ_VERSION "1.6" stands alone beside "jq: error (at %s): %s". */
    [F_JQ] = {.name = "jq", .flags = CL_NEED_EVIDENCE, .pick = CL_PICK_CANDIDATE,
        .cand_prefix = "1.", .cand_parts = 2},
    /* glibc: the banner libc.so.6 prints when run, "GNU C Library (Debian
     * GLIBC 2.36-9+deb12u4) stable release version 2.36.", and the dynamic
     * loader's "ld.so (...) stable release version 2.36.". */
    [F_GLIBC] = {.name = "glibc", .pick = CL_PICK_PATTERN},
    /* A Java runtime: JAVA_VERSION="17.0.9" in the `release` file at the top
     * of every JDK/JRE since 9 (read by unmanaged.c, not from ELF bytes). */
    [F_JAVA] = {.name = "java", .bitnami = "java", .pick = CL_PICK_NONE},
};

const size_t classifier_count = F_COUNT;

enum role {
    R_VERSION,    /* the version follows `prefix` in the match */
    R_EVIDENCE,   /* the family's own text */
    R_UNGATE,     /* evidence that also lifts the file-name limit */
    R_CANDIDATE,  /* an isolated version string (any family) */
    R_RAW,        /* redis build id */
};

struct pattern {
    int family;          /* -1 for candidates */
    enum role role;
    const char *regex;
    const char *prefix;  /* R_VERSION: the text the version follows */
    size_t prefix_len;   /* (may contain NUL) */
    unsigned vflags;     /* CL_V_* */
};

#define V(f, re, pre, fl) {f, R_VERSION, re, pre, sizeof(pre) - 1, fl}
#define E(f, re) {f, R_EVIDENCE, re, NULL, 0, 0}
#define U(f, re) {f, R_UNGATE, re, NULL, 0, 0}

/* Shared pieces: a version number of 2 or 3 parts of the sizes releases
 * use. */
#define N2 "[0-9]{1,2}\\.[0-9]{1,3}"
#define N3 "[0-9]{1,2}\\.[0-9]{1,3}\\.[0-9]{1,3}"
#define N23 N2 "(\\.[0-9]{1,3})?"

static const struct pattern patterns[] = {
    V(F_OPENSSL,
      "OpenSSL " N3 "[a-z]{0,2}(-[0-9A-Za-z]{1,16})? {1,2}[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}\\x00",
      "OpenSSL ", CL_V_LETTER),
    U(F_OPENSSL, "OPENSSLDIR: \""),
    E(F_PYTHON, "PYTHONINSPECT"),
    V(F_NODE, "node\\.js/v[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\x00", "node.js/v", 0),
    V(F_NODE, "nodejs\\.org/download/release/v[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}/", "release/v",
      0),
    E(F_REDIS, "Redis server v=%s sha=%s"),
    {F_REDIS, R_RAW, "[0-9]\\.[0-9]{1,3}\\.[0-9]{1,3}[!-~]{1,100}\\x00%llx\\x00", NULL, 0, 0},
    V(F_NGINX, "nginx version: nginx/" N3 "\\n", "nginx/", 0),
    V(F_NGINX, "Server: nginx/" N3 "\\r\\n", "nginx/", 0),
    V(F_HTTPD, "Apache/" N3 "[ \\x00]", "Apache/", 0),
    U(F_HTTPD, " Server at <a href=\\\"mailto:"),
    V(F_BUSYBOX, "BusyBox v" N3 "(\\.git)?[ (\\x00-]", "BusyBox v", 0),
    V(F_CURL, "curl " N3 "(-DEV)? \\([-0-9A-Za-z_.]{1,64}\\) ", "curl ", 0),
    V(F_CURL, "libcurl/" N3 "(-DEV)?\\x00", "libcurl/", 0),
    V(F_CURL, "CLIENT libcurl " N3 "(-DEV)?\\r\\n", "libcurl ", 0),
    V(F_BASH, "@\\(#\\)Bash version " N3 "\\([0-9]{1,3}\\) ", "Bash version ", 0),
    V(F_POSTGRES, "[a-z_]{2,20} \\(PostgreSQL\\) " N23 "[ \\n\\x00]", "(PostgreSQL) ", 0),
    V(F_MARIADB, "\\x00" N3 "-MariaDB", "\0", 0),
    V(F_MEMCACHED, "memcached " N3 "\\x00", "memcached ", 0),
    V(F_HAPROXY, " version " N3 "[-+.~0-9A-Za-z]{0,40}, released [0-9]{4}/[0-9]{2}/[0-9]{2}\\x00",
      " version ", 0),
    V(F_GO,
      "[\\x01-\\x7f]go1\\.[0-9]{1,3}(\\.[0-9]{1,3})?[ -~]{0,80}[\\x80-\\xff]{0,2}[\\x01-\\x7f]"
      "\\x30\\x77\\xaf\\x0c\\x92\\x74\\x08\\x02\\x41\\xe1\\xc1\\x07\\xe6\\xd6\\x18\\xe6"
      "path\\tcmd/go\\n",
      "go", CL_V_PRE),
    V(F_PHP, "X-Powered-By: PHP/" N3 "\\x00", "PHP/", 0),
    V(F_RUBY,
      "ruby " N3 "(p[0-9]{1,4})? \\([0-9]{4}-[0-9]{2}-[0-9]{2} revision [0-9a-f]{6,40}\\)",
      "ruby ", CL_V_PATCHLEVEL),
    E(F_PERL, "PERL_INTERNAL_RAND_SEED"),
    E(F_SQLITE, "database disk image is malformed"),
    E(F_ZSTD_CLI, "Zstandard CLI"),
    E(F_ZSTD_LIB, "ZSTD_versionString"),
    V(F_XZ_CLI, "xz \\(XZ Utils\\) " N3 "(alpha|beta)?\\x00", "(XZ Utils) ", CL_V_PRE),
    E(F_XZ_LIB, "lzma_version_string"),
    E(F_GZIP, "file size changed while zipping"),
    E(F_JQ, "jq: error \\(at %s\\): %s"),
    V(F_GLIBC,
      "GNU C Library \\([ -~]{1,80}\\) (stable |development )?release version " N23 "[.,\\n ]",
      "release version ", 0),
    V(F_GLIBC, "ld\\.so \\([ -~]{1,80}\\) (stable |development )?release version " N23 "[.,\\n ]",
      "release version ", 0),
    /* isolated version strings: 3 or 4 parts (pre-release suffix allowed),
     * and 2 parts; not after a letter, digit, '.', '_' (GLIBC_2.2.5) or, for
     * 2 parts, '/' (HTTP/1.1) */
    {-1, R_CANDIDATE,
     "[^0-9A-Za-z._]v?[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,4}(\\.[0-9]{1,4})?"
     "([a-z]{1,5}[0-9]{0,3})?\\x00",
     NULL, 0, CL_V_PRE},
    {-1, R_CANDIDATE, "[^0-9A-Za-z._/]v?[0-9]{1,2}\\.[0-9]{1,3}\\x00", NULL, 0, 0},
};

#define NPATTERNS (sizeof(patterns) / sizeof(patterns[0]))

int
classifier_find(const char *name)
{
    size_t i;

    for (i = 0; i < classifier_count; i++)
        if (strcmp(classifier_table[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- names ---- */

/* '*' matches any run (also empty); everything else itself. */
static int
glob(const char *pat, size_t plen, const char *s)
{
    size_t p = 0, star = (size_t)-1, mark = 0, i = 0, n = strlen(s);

    while (i < n) {
        if (p < plen && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (p < plen && pat[p] == s[i]) {
            p++;
            i++;
        } else if (star != (size_t)-1) {
            p = star + 1;
            i = ++mark;
        } else {
            return 0;
        }
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
}

int
cl_name_match(const char *patterns_list, const char *base)
{
    const char *p = patterns_list;

    while (*p) {
        size_t n = strcspn(p, "|");
        if (glob(p, n, base))
            return 1;
        p += n;
        if (*p == '|')
            p++;
    }
    return 0;
}

/* ---- versions ---- */

static int
digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
lower(int c)
{
    return c >= 'a' && c <= 'z';
}

size_t
cl_parse_version(const char *p, size_t n, unsigned flags, char out[CL_VERSION_MAX])
{
    size_t i = 0, keep, parts = 0, k;

    for (;;) {
        size_t start = i;
        while (i < n && digit(p[i]) && i - start < 9)
            i++;
        if (i == start || (i < n && digit(p[i])))
            return 0; /* no digits, or a number too long to be a version */
        parts++;
        if (parts < 4 && i + 1 < n && p[i] == '.' && digit(p[i + 1])) {
            i++;
            continue;
        }
        break;
    }
    if (parts < 2)
        return 0;
    keep = i;
    if ((flags & CL_V_LETTER) && i < n && lower(p[i])) {
        for (k = 0; k < 2 && i < n && lower(p[i]); k++)
            i++;
        if (i < n && (lower(p[i]) || digit(p[i])))
            return 0;
        keep = i;
    } else if ((flags & CL_V_PRE) && i < n && lower(p[i])) {
        for (k = 0; k < 5 && i < n && lower(p[i]); k++)
            i++;
        for (k = 0; k < 3 && i < n && digit(p[i]); k++)
            i++;
        keep = i;
    } else if ((flags & CL_V_PATCHLEVEL) && i + 1 < n && p[i] == 'p' && digit(p[i + 1])) {
        for (i++; i < n && digit(p[i]); i++)
            ;
    }
    if (keep >= CL_VERSION_MAX)
        return 0;
    memcpy(out, p, keep);
    out[keep] = '\0';
    return i;
}

/* ---- the compiled database ---- */

/* cl_db_blob[] and cl_db_blob_hash: the patterns compiled and serialized
 * (cl_db_serialize) at build time by this file's own generator (below,
 * MOAT_CLASSIFIERS_GEN; CMakeLists.txt writes generated/classifiers_db.c). */
#ifdef MOAT_CLASSIFIERS_GEN
static const char cl_db_blob_hs_version[] = "";
static const uint64_t cl_db_blob_hash = 0;
static const size_t cl_db_blob_len = 0;
static const unsigned char cl_db_blob[1];
#else
extern const char cl_db_blob_hs_version[];
extern const uint64_t cl_db_blob_hash;
extern const size_t cl_db_blob_len;
extern const unsigned char cl_db_blob[];
#endif

struct cl_db {
    hs_database_t *db;
    hs_scratch_t *proto;
    pthread_mutex_t lock;
    hs_scratch_t *pool[POOL_MAX];
    size_t npool;
    int embedded;          /* loaded from the build-time database */
};

/* What the embedded database was built from: every pattern, its flags and
 * the window bound they were checked against. A database whose hash differs
 * is stale (patterns changed since it was generated) and is not used. */
static uint64_t
patterns_hash(void)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
    size_t i;
    const char *p;

#define FNV_BYTE(b) (h = (h ^ (unsigned char)(b)) * 0x100000001b3ULL)
    for (i = 0; i < NPATTERNS; i++) {
        unsigned fl = patterns[i].role == R_CANDIDATE ? 0 : HS_FLAG_SINGLEMATCH;
        for (p = patterns[i].regex; *p; p++)
            FNV_BYTE(*p);
        FNV_BYTE(0);
        FNV_BYTE(fl);
        FNV_BYTE(fl >> 8);
    }
    FNV_BYTE(NPATTERNS);
    FNV_BYTE(CL_WINDOW);
    FNV_BYTE(CL_WINDOW >> 8);
#undef FNV_BYTE
    return h;
}

/* Checks every pattern (bounded, fits the window) and compiles them for
 * plat (NULL: this machine). */
static int
compile_db(hs_database_t **db, const hs_platform_info_t *plat, char *err, size_t errlen)
{
    const char *exprs[NPATTERNS];
    unsigned flags[NPATTERNS], ids[NPATTERNS];
    hs_compile_error_t *ce = NULL;
    size_t i;

    for (i = 0; i < NPATTERNS; i++) {
        hs_expr_info_t *info = NULL;
        exprs[i] = patterns[i].regex;
        ids[i] = (unsigned)i;
        flags[i] = patterns[i].role == R_CANDIDATE ? 0 : HS_FLAG_SINGLEMATCH;
        if (hs_expression_info(exprs[i], flags[i], &info, &ce) != HS_SUCCESS) {
            snprintf(err, errlen, "classifier pattern %zu: %s", i,
                     ce && ce->message ? ce->message : "does not compile");
            hs_free_compile_error(ce);
            return -1;
        }
        if (info->max_width > CL_WINDOW || info->min_width == 0) {
            snprintf(err, errlen, "classifier pattern %zu matches %u to %u bytes; at most %d",
                     i, info->min_width, info->max_width, CL_WINDOW);
            free(info);
            return -1;
        }
        free(info);
    }
    if (hs_compile_multi(exprs, flags, ids, (unsigned)NPATTERNS, HS_MODE_STREAM, plat, db, &ce) !=
        HS_SUCCESS) {
        snprintf(err, errlen, "classifier patterns: %s (pattern %d)",
                 ce && ce->message ? ce->message : "do not compile", ce ? ce->expression : -1);
        hs_free_compile_error(ce);
        return -1;
    }
    return 0;
}

int
cl_db_new(struct cl_db **out, char *err, size_t errlen)
{
    struct cl_db *d;

    *out = NULL;
    d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* The embedded database, when it is current and this Hyperscan loads it
     * (same version; built for no particular CPU, so any x86-64 runs it).
     * Otherwise the patterns are compiled here, which works as well but
     * touches Hyperscan's compiler: ~4 MiB more peak memory and ~20 ms. */
    if (cl_db_embedded_current() &&
        hs_deserialize_database((const char *)cl_db_blob, cl_db_blob_len, &d->db) ==
            HS_SUCCESS) {
        d->embedded = 1;
    } else {
        d->db = NULL;
        if (compile_db(&d->db, NULL, err, errlen) != 0) {
            free(d);
            return -1;
        }
    }
    if (hs_alloc_scratch(d->db, &d->proto) != HS_SUCCESS) {
        hs_free_database(d->db);
        free(d);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&d->lock, NULL);
    *out = d;
    return 0;
}

int
cl_db_embedded(const struct cl_db *d)
{
    return d && d->embedded;
}

int
cl_db_embedded_current(void)
{
    return cl_db_blob_len > 0 && cl_db_blob_hash == patterns_hash();
}

const char *
cl_db_embedded_version(void)
{
    return cl_db_blob_hs_version;
}

int
cl_db_serialize(char **bytes, size_t *len, uint64_t *hash, char *err, size_t errlen)
{
    hs_platform_info_t plat;
    hs_database_t *db = NULL;
    int rc;

    *bytes = NULL;
    *len = 0;
    /* no CPU features, generic tuning: loadable on every x86-64 */
    memset(&plat, 0, sizeof(plat));
    plat.tune = HS_TUNE_FAMILY_GENERIC;
    if (compile_db(&db, &plat, err, errlen) != 0)
        return -1;
    rc = hs_serialize_database(db, bytes, len) == HS_SUCCESS ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "hs_serialize_database failed");
    hs_free_database(db);
    *hash = patterns_hash();
    return rc;
}

void
cl_db_free(struct cl_db *d)
{
    size_t i;

    if (!d)
        return;
    for (i = 0; i < d->npool; i++)
        hs_free_scratch(d->pool[i]);
    hs_free_scratch(d->proto);
    hs_free_database(d->db);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static hs_scratch_t *
scratch_get(struct cl_db *d)
{
    hs_scratch_t *s = NULL;

    pthread_mutex_lock(&d->lock);
    if (d->npool)
        s = d->pool[--d->npool];
    pthread_mutex_unlock(&d->lock);
    if (!s && hs_clone_scratch(d->proto, &s) != HS_SUCCESS)
        return NULL;
    return s;
}

static void
scratch_put(struct cl_db *d, hs_scratch_t *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&d->lock);
    if (d->npool < POOL_MAX) {
        d->pool[d->npool++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&d->lock);
    if (s)
        hs_free_scratch(s); /* defensive: more files at once than workers */
}

/* ---- one file ---- */

struct found {
    char version[CL_VERSION_MAX];
    char evidence[CL_EVIDENCE_MAX];
};

struct cl_scan {
    struct cl_db *db;
    hs_stream_t *stream;
    hs_scratch_t *scratch;
    int failed;
    uint64_t base;                  /* file offset of chunk[0] */
    const unsigned char *chunk;     /* during cl_scan_feed */
    size_t nchunk;
    unsigned char tail[CL_WINDOW];  /* the bytes just before base */
    size_t ntail;
    unsigned char seen[F_COUNT];    /* evidence matched */
    unsigned char ungated[F_COUNT];
    unsigned char have[F_COUNT];    /* found[] is set */
    struct found found[F_COUNT];
    char raw[RAW_MAX];              /* redis build id, or "" */
    char cand[CAND_MAX][CAND_LEN];  /* distinct isolated version strings */
    size_t ncand, cand_calls;
    int capped;
};

int
cl_scan_new(struct cl_db *db, struct cl_scan **out)
{
    struct cl_scan *s = calloc(1, sizeof(*s));

    *out = NULL;
    if (!s)
        return MOAT_ENOMEM;
    s->db = db;
    s->scratch = scratch_get(db);
    if (!s->scratch || hs_open_stream(db->db, 0, &s->stream) != HS_SUCCESS) {
        cl_scan_free(s);
        return MOAT_ENOMEM;
    }
    *out = s;
    return 0;
}

void
cl_scan_free(struct cl_scan *s)
{
    if (!s)
        return;
    if (s->stream)
        hs_close_stream(s->stream, s->scratch, NULL, NULL); /* no EOD patterns */
    scratch_put(s->db, s->scratch);
    free(s);
}

/* Copies the W bytes of the file that end at offset `to` (fewer at the
 * start of the file) into w; returns their number. */
static size_t
window(const struct cl_scan *s, uint64_t to, unsigned char *w)
{
    uint64_t start = to > CL_WINDOW ? to - CL_WINDOW : 0, oldest = s->base - s->ntail;
    size_t n = 0;

    if (start < oldest)
        start = oldest; /* defensive: the tail always reaches back W bytes */
    if (start < s->base) {
        size_t k = (size_t)(s->base - start);
        memcpy(w, s->tail + (s->ntail - k), k);
        n = k;
        start = s->base;
    }
    if (to > start) {
        memcpy(w + n, s->chunk + (size_t)(start - s->base), (size_t)(to - start));
        n += (size_t)(to - start);
    }
    return n;
}

static int
printable(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

/* The printable text around w[at] (at most CL_EVIDENCE_MAX - 1 bytes,
 * mostly before at: the window ends with the match). */
static void
evidence(const unsigned char *w, size_t n, size_t at, char *out)
{
    size_t a = at, b = at, len;

    while (a > 0 && printable(w[a - 1]) && at - a < CL_EVIDENCE_MAX / 2)
        a--;
    while (b < n && printable(w[b]) && b - a < CL_EVIDENCE_MAX - 1)
        b++;
    len = b - a;
    memcpy(out, w + a, len);
    out[len] = '\0';
}

static void
on_version(struct cl_scan *s, const struct pattern *pt, const unsigned char *w, size_t n)
{
    struct found *fd = &s->found[pt->family];
    size_t j;

    if (s->have[pt->family] || n < pt->prefix_len)
        return;
    /* the last occurrence of the prefix that a version follows */
    for (j = n - pt->prefix_len + 1; j-- > 0;) {
        const char *v = (const char *)w + j + pt->prefix_len;
        if (memcmp(w + j, pt->prefix, pt->prefix_len) != 0)
            continue;
        if (cl_parse_version(v, n - j - pt->prefix_len, pt->vflags, fd->version)) {
            evidence(w, n, j + pt->prefix_len, fd->evidence);
            s->have[pt->family] = 1;
            return;
        }
    }
}

static void
on_candidate(struct cl_scan *s, const unsigned char *w, size_t n)
{
    size_t end = n - 1, a = end, i; /* w[n - 1] is the NUL */

    if (++s->cand_calls > CAND_CALLS) {
        s->capped = 1;
        return;
    }
    while (a > 0 && end - a < CAND_LEN - 1 &&
           (digit(w[a - 1]) || lower(w[a - 1]) || w[a - 1] == '.'))
        a--;
    /* the regex guarantees the shape; only a 'v' may lead */
    if (a == end || !(digit(w[a]) || w[a] == 'v'))
        return;
    for (i = 0; i < s->ncand; i++)
        if (strlen(s->cand[i]) == end - a && memcmp(s->cand[i], w + a, end - a) == 0)
            return;
    if (s->ncand == CAND_MAX) {
        s->capped = 1;
        return;
    }
    memcpy(s->cand[s->ncand], w + a, end - a);
    s->cand[s->ncand][end - a] = '\0';
    s->ncand++;
}

static void
on_raw(struct cl_scan *s, const unsigned char *w, size_t n)
{
    size_t end, a;

    if (s->raw[0] || n < 7)
        return;
    end = n - 6; /* "\0%llx\0" */
    a = end;
    while (a > 0 && end - a < RAW_MAX - 1 && w[a - 1] > 0x20 && w[a - 1] < 0x7f)
        a--;
    memcpy(s->raw, w + a, end - a);
    s->raw[end - a] = '\0';
}

static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    struct cl_scan *s = ctx;
    const struct pattern *pt;
    unsigned char w[CL_WINDOW];
    size_t n;

    (void)from;
    (void)flags;
    if (id >= NPATTERNS)
        return 0; /* defensive */
    pt = &patterns[id];
    switch (pt->role) {
    case R_EVIDENCE:
        s->seen[pt->family] = 1;
        return 0;
    case R_UNGATE:
        s->seen[pt->family] = 1;
        s->ungated[pt->family] = 1;
        return 0;
    case R_CANDIDATE:
        if (s->cand_calls >= CAND_CALLS) {
            s->capped = 1;
            return 0; /* cheap: a file made of version strings */
        }
        break;
    default:
        break;
    }
    n = window(s, to, w);
    if (n == 0)
        return 0; /* defensive: patterns match at least one byte */
    if (pt->role == R_VERSION)
        on_version(s, pt, w, n);
    else if (pt->role == R_CANDIDATE)
        on_candidate(s, w, n);
    else
        on_raw(s, w, n);
    return 0;
}

int
cl_scan_feed(struct cl_scan *s, const void *p, size_t n)
{
    const unsigned char *b = p;

    if (s->failed)
        return MOAT_EINVAL;
    if (n == 0)
        return 0;
    if (n > 0x7fffffffu) {
        /* defensive: the dispatcher's chunks are far smaller */
        s->failed = 1;
        return MOAT_EINVAL;
    }
    s->chunk = b;
    s->nchunk = n;
    if (hs_scan_stream(s->stream, p, (unsigned)n, 0, s->scratch, on_match, s) != HS_SUCCESS) {
        s->failed = 1;
        return MOAT_EINVAL;
    }
    /* keep the last W bytes for the next chunk's look-behind */
    if (n >= CL_WINDOW) {
        memcpy(s->tail, b + n - CL_WINDOW, CL_WINDOW);
        s->ntail = CL_WINDOW;
    } else {
        size_t keep = s->ntail + n > CL_WINDOW ? CL_WINDOW - n : s->ntail;
        memmove(s->tail, s->tail + (s->ntail - keep), keep);
        memcpy(s->tail + keep, b, n);
        s->ntail = keep + n;
    }
    s->base += n;
    s->chunk = NULL;
    s->nchunk = 0;
    return 0;
}

/* ---- deciding ---- */

/* "X.Y" of a file name such as python3.11 or libpython3.11.so.1.0 into
 * hint ("3.11."), or "" when the name has none. */
static void
name_hint(const char *base, char *hint, size_t cap)
{
    const char *p = base;
    size_t n;

    hint[0] = '\0';
    while (*p && !digit(*p))
        p++;
    n = 0;
    while (digit(p[n]))
        n++;
    if (n == 0 || p[n] != '.' || !digit(p[n + 1]))
        return;
    n++;
    while (digit(p[n]))
        n++;
    if (n + 2 > cap)
        return;
    memcpy(hint, p, n);
    hint[n] = '.';
    hint[n + 1] = '\0';
}

static const char *
strip_v(const char *c)
{
    return c[0] == 'v' ? c + 1 : c;
}

static unsigned
parts(const char *v)
{
    unsigned n = 1;

    for (; *v; v++)
        n += *v == '.';
    return n;
}

/* Marks the isolated strings equal to v as another family's. */
static void
claim(const struct cl_scan *s, const char *v, unsigned char *claimed)
{
    size_t j;

    for (j = 0; v && j < s->ncand; j++)
        if (strcmp(strip_v(s->cand[j]), strip_v(v)) == 0)
            claimed[j] = 1;
}

/* The one isolated version string of the family's shape, not claimed by
 * a family decided before (a libpython that embeds SQLite holds both
 * "3.12.10" and "3.45.1"): 1 with *out set, 0 when there is none, -1 when
 * several disagree. */
static int
pick_candidate(const struct cl_scan *s, const struct classifier *c, const char *base,
               const unsigned char *claimed, const char **out)
{
    char hint[32] = "";
    const char *one = NULL;
    size_t i;

    if (c->flags & CL_NAME_HINT)
        name_hint(base, hint, sizeof(hint));
    for (i = 0; i < s->ncand; i++) {
        const char *cand = s->cand[i];
        if (claimed[i])
            continue;
        if (c->cand_prefix && !str_starts(cand, c->cand_prefix))
            continue;
        if (c->cand_exclude && strcmp(cand, c->cand_exclude) == 0)
            continue;
        if (parts(strip_v(cand)) < c->cand_parts)
            continue;
        if (hint[0] && !str_starts(strip_v(cand), hint))
            continue;
        if (one && strcmp(strip_v(one), strip_v(cand)) != 0)
            return -1;
        one = cand;
    }
    *out = one;
    return one ? 1 : 0;
}

/* Whether the build id starts with version v. The printable run kept
 * before "\0%llx\0" may begin with bytes of the data before the string
 * (on Debian an 'A' ends the float constant laid out before it), so the
 * version starts at the first digit. */
static int
raw_starts_with(const char *raw, const char *v)
{
    size_t n = strlen(v), k = strcspn(raw, "0123456789.");

    return strncmp(raw + k, v, n) == 0 && raw[k + n] != '.';
}

/* Redis: the longest isolated version the build id starts with. */
static const char *
pick_redis(const struct cl_scan *s)
{
    const char *best = NULL;
    size_t i, bl = 0;

    if (!s->raw[0])
        return NULL;
    for (i = 0; i < s->ncand; i++) {
        const char *cand = s->cand[i];
        size_t n = strlen(cand);
        if (cand[0] == 'v' || n <= bl || !raw_starts_with(s->raw, cand))
            continue;
        /* three parts: the "since" versions of commands are X.Y.Z too */
        if (!strchr(cand, '.') || !strchr(strchr(cand, '.') + 1, '.'))
            continue;
        best = cand;
        bl = n;
    }
    return best;
}

size_t
cl_scan_result(const struct cl_scan *s, const char *base, struct cl_hit *out, size_t max,
               unsigned *notes, size_t *ambiguous_family)
{
    size_t f, k = 0, j;
    unsigned nt = s->capped ? CL_CAPPED : 0;
    unsigned char claimed[CAND_MAX] = {0};
    int pass;

    /* families with their own version strings first: what they found is
     * not a candidate for the others (libcrypto's "3.0.16" beside an
     * embedded SQLite's "3.47.1") */
    for (pass = 0; pass < 2; pass++) {
        for (f = 0; f < F_COUNT && k < max; f++) {
            const struct classifier *c = &classifier_table[f];
            const char *v = NULL, *ev = NULL;
            char evbuf[CL_EVIDENCE_MAX];

            if (c->pick == CL_PICK_NONE || (c->pick == CL_PICK_PATTERN) != (pass == 0))
                continue;
            if (c->files && !cl_name_match(c->files, base) && !s->ungated[f])
                continue;
            if ((c->flags & CL_NEED_EVIDENCE) && !s->seen[f])
                continue;
            if (c->pick == CL_PICK_PATTERN) {
                if (!s->have[f])
                    continue;
                v = s->found[f].version;
                ev = s->found[f].evidence;
            } else if (c->pick == CL_PICK_CANDIDATE) {
                const char *cand = NULL;
                int r = pick_candidate(s, c, base, claimed, &cand);
                if (r < 0) {
                    if (!(nt & CL_AMBIGUOUS) && ambiguous_family)
                        *ambiguous_family = f;
                    nt |= CL_AMBIGUOUS;
                    continue;
                }
                if (r == 0)
                    continue;
                v = strip_v(cand);
                snprintf(evbuf, sizeof(evbuf), "\"%s\" alone, with the evidence of %s", cand,
                         c->name);
                ev = evbuf;
                claim(s, c->cand_exclude, claimed);
            } else {
                v = pick_redis(s);
                if (!v)
                    continue;
                snprintf(evbuf, sizeof(evbuf), "build id %.80s",
                         s->raw + strcspn(s->raw, "0123456789"));
                ev = evbuf;
            }
            claim(s, v, claimed);
            /* one package per name and version (a static curl holds both
             * the tool's and the library's strings) */
            for (j = 0; j < k; j++)
                if (strcmp(classifier_table[out[j].family].name, c->name) == 0 &&
                    strcmp(out[j].version, v) == 0)
                    break;
            if (j < k)
                continue;
            out[k].family = f;
            snprintf(out[k].version, sizeof(out[k].version), "%s", v);
            snprintf(out[k].evidence, sizeof(out[k].evidence), "%s", ev);
            k++;
        }
    }
    if (notes)
        *notes = nt;
    return k;
}

#ifdef MOAT_CLASSIFIERS_GEN
/* The build-time generator: compiles the patterns for a generic x86-64 and
 * writes them serialized, with the hash of the patterns they came from and
 * the Hyperscan version, as C definitions into argv[1]. */
int
main(int argc, char **argv)
{
    char *bytes = NULL, err[256];
    size_t len = 0, i;
    uint64_t hash = 0;
    FILE *f;

    if (argc != 2)
        return 2;
    if (cl_db_serialize(&bytes, &len, &hash, err, sizeof(err)) != 0) {
        fprintf(stderr, "moat_classifiers_gen: %s\n", err);
        return 1;
    }
    f = fopen(argv[1], "w");
    if (!f) {
        free(bytes);
        return 1;
    }
    fprintf(f, "/* generated by moat_classifiers_gen (lib/detect/classifiers.c) */\n"
               "#include <stddef.h>\n#include <stdint.h>\n"
               "const char cl_db_blob_hs_version[] = \"%s\";\n"
               "const uint64_t cl_db_blob_hash = 0x%016llxULL;\n"
               "const size_t cl_db_blob_len = %zu;\n"
               "_Alignas(16) const unsigned char cl_db_blob[] = {",
            hs_version(), (unsigned long long)hash, len);
    for (i = 0; i < len; i++)
        fprintf(f, "%s%u,", i % 24 ? "" : "\n", (unsigned char)bytes[i]);
    fprintf(f, "\n0};\n");
    free(bytes);
    return fclose(f) == 0 ? 0 : 1;
}
#endif

/*
 * test_osv.c - the OSV record loader and the advisory database.
 *
 * Loader: hand-written records using every field shape of the OSV schema
 * (ossf/osv-schema 1.6/1.7: related as ids or objects, upstream, CVSS v3/v4
 * and Ubuntu severities, affected-level severity, GIT ranges without a
 * package, limit and last_affected events, database/ecosystem-specific
 * severity hints) and a table of hostile records, each with the reason it
 * must be skipped for. Database: lookups by ecosystem, release and
 * normalised name; re-import and modified-date precedence; a reader opened
 * before a swap keeps its data; a failed import changes nothing; truncated,
 * bit-flipped, foreign and other-schema files are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advisory/db.h"
#include "advisory/osv.h"
#include "base/err.h"
#include "base/limits.h"

/* ---- helpers ---- */

static struct osv_record *
parse_ok(struct arena *a, const char *json)
{
    struct osv_record *r = NULL;
    struct osv_error e;
    int rc = osv_parse(json, strlen(json), a, &r, &e);

    if (rc != 0)
        fail_msg("rejected (%s): %s\n%s", moat_db_skip_name(e.reason), e.msg, json);
    return r;
}

static char tmpdir[64];

static void
make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/moat-test-osv-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
}

static void
rm_rf(const char *dir)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static char *
tmp_path(const char *name)
{
    static char p[8][256];
    static int i;

    i = (i + 1) % 8;
    snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, name);
    return p[i];
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static char *
read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long len;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* A zip of (name, content) pairs, written with libarchive. */
static void
write_zip(const char *path, const char *const *members, size_t n)
{
    struct archive *ar = archive_write_new();
    size_t i;

    assert_int_equal(archive_write_set_format_zip(ar), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(ar, path), ARCHIVE_OK);
    for (i = 0; i + 1 < n; i += 2) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, members[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)strlen(members[i + 1]));
        assert_int_equal(archive_write_header(ar, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(ar, members[i + 1], strlen(members[i + 1])),
                         (la_ssize_t)strlen(members[i + 1]));
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(ar), ARCHIVE_OK);
    archive_write_free(ar);
}

static int
import(const char *db, const char *input, struct moat_db_import_report *rep)
{
    char err[512];
    const char *in[1] = {input};
    int rc = moat_db_import(db, in, 1, rep, err, sizeof(err));

    if (rc)
        print_message("import: %s\n", err);
    return rc;
}

/* ---- the loader ---- */

static const char full_record[] =
    "{\n"
    "  \"schema_version\": \"1.6.0\",\n"
    "  \"id\": \"DSA-5000-1\",\n"
    "  \"modified\": \"2024-10-01T21:22:35.777428+00:00\",\n"
    "  \"published\": \"2021-11-10T00:00:00Z\",\n"
    "  \"aliases\": [\"CVE-2021-35550\", \"CVE-2021-35556\"],\n"
    "  \"related\": [\"CVE-2021-1\", {\"type\": \"SIMILAR_TO\", \"id\": "
    "\"GHSA-aaaa-bbbb-cccc\"}],\n"
    "  \"upstream\": [\"CVE-2021-35550\"],\n"
    "  \"summary\": \"openjdk-11 - security update\",\n"
    "  \"details\": \"Several vulnerabilities\\nwere found.\",\n"
    "  \"severity\": [\n"
    "    {\"type\": \"CVSS_V3\", \"score\": \"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N\"},\n"
    "    {\"type\": \"CVSS_V4\", \"score\": "
    "\"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N\"},\n"
    "    {\"type\": \"Ubuntu\", \"score\": \"medium\"}\n"
    "  ],\n"
    "  \"affected\": [\n"
    "    {\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"openjdk-11\",\n"
    "                 \"purl\": \"pkg:deb/debian/openjdk-11?arch=source\"},\n"
    "     \"severity\": [{\"type\": \"CVSS_V3\", \"score\": "
    "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],\n"
    "     \"ranges\": [\n"
    "       {\"type\": \"ECOSYSTEM\", \"events\": [{\"fixed\": \"11.0.13+8-1~deb11u1\"},\n"
    "                                         {\"introduced\": \"0\"},\n"
    "                                         {\"introduced\": \"11.0.20-1\"},\n"
    "                                         {\"limit\": \"12.0\"}]},\n"
    "       {\"type\": \"GIT\", \"repo\": \"https://github.com/openjdk/jdk11u\",\n"
    "        \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"a1b2c3\"}]},\n"
    "       {\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"1.0.0\"},\n"
    "                                      {\"last_affected\": \"1.2.3\"}],\n"
    "        \"database_specific\": {\"x\": 1}}\n"
    "     ],\n"
    "     \"versions\": [\"11.0.12+7-2\", \"11.0.11+9-1\"],\n"
    "     \"ecosystem_specific\": {\"urgency\": \"low\", \"binaries\": [\"x\"]},\n"
    "     \"database_specific\": {\"source\": \"https://x\", \"severity\": 5}},\n"
    "    {\"package\": {\"ecosystem\": \"Ubuntu:22.04:LTS\", \"name\": \"openjdk-lts\"},\n"
    "     \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}]}],\n"
    "     \"ecosystem_specific\": {\"priority\": \"medium\"}},\n"
    "    {\"package\": {\"ecosystem\": \"Haiku\", \"name\": \"x\"}},\n"
    "    {\"ranges\": [{\"type\": \"GIT\", \"repo\": \"https://g\", \"events\": "
    "[{\"introduced\": \"0\"}]}]}\n"
    "  ],\n"
    "  \"references\": [{\"type\": \"ADVISORY\", \"url\": "
    "\"https://www.debian.org/security/2021/dsa-5000\"},\n"
    "                 {\"type\": \"WEB\", \"url\": \"not a url with spaces\"}],\n"
    "  \"credits\": [{\"name\": \"someone\", \"contact\": [\"a@b\"], \"type\": \"FINDER\"}],\n"
    "  \"database_specific\": {\"severity\": \"HIGH\", \"github_reviewed\": true}\n"
    "}\n";

static void
test_full_record(void **state)
{
    struct osv_record *r;
    struct osv_affected *af;
    struct advisory_range *ranges;
    const struct advisory_severity *sev;
    const char *const *lines;
    struct arena a;
    size_t n;

    (void)state;
    arena_init(&a);
    r = parse_ok(&a, full_record);
    assert_string_equal(r->id, "DSA-5000-1");
    assert_string_equal(r->schema_version, "1.6.0");
    assert_string_equal(r->modified_text, "2024-10-01T21:22:35.777428+00:00");
    assert_true(r->modified == 1727817755777428LL);
    assert_string_equal(r->published, "2021-11-10T00:00:00Z");
    assert_null(r->withdrawn);
    assert_int_equal(r->flags, 0);
    assert_string_equal(r->summary, "openjdk-11 - security update");
    assert_string_equal(r->details, "Several vulnerabilities\nwere found.");
    assert_string_equal(r->aliases, "CVE-2021-35550\nCVE-2021-35556");
    assert_string_equal(r->related, "CVE-2021-1\nGHSA-aaaa-bbbb-cccc");
    assert_string_equal(r->upstream, "CVE-2021-35550");
    /* the URL with spaces is dropped, not fatal */
    assert_string_equal(r->refs, "https://www.debian.org/security/2021/dsa-5000");
    assert_string_equal(r->severity,
                        "CVSS_V3\tCVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N\n"
                        "CVSS_V4\tCVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N\n"
                        "Ubuntu\tmedium\n"
                        "database_specific.severity\tHIGH");
    /* Haiku (unknown) and the package-less GIT entry are left out */
    assert_int_equal(r->naffected, 2);
    assert_int_equal(r->dropped, 2);

    af = &r->affected[0];
    assert_string_equal(af->ecosystem, "Debian");
    assert_string_equal(af->release, "12");
    assert_string_equal(af->name, "openjdk-11");
    assert_string_equal(af->key, "openjdk-11");
    assert_string_equal(af->purl, "pkg:deb/debian/openjdk-11?arch=source");
    assert_int_equal(af->nranges, 2);
    assert_int_equal(af->git_ranges, 1);
    /* events kept in record order (sorting is the matcher's job) */
    assert_string_equal(af->ranges, "E\tf11.0.13+8-1~deb11u1\ti0\ti11.0.20-1\tm12.0\n"
                                    "S\ti1.0.0\tl1.2.3");
    assert_int_equal(af->nversions, 2);
    assert_string_equal(af->versions, "11.0.12+7-2\n11.0.11+9-1");
    /* a non-string database_specific.severity is not a hint */
    assert_string_equal(af->severity, "CVSS_V3\tCVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
                                      "ecosystem_specific.urgency\tlow");

    assert_int_equal(advisory_decode_ranges(&a, af->ranges, &ranges, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ranges[0].type, ADVISORY_ECOSYSTEM);
    assert_int_equal(ranges[0].nevents, 4);
    assert_int_equal(ranges[0].events[0].kind, ADVISORY_FIXED);
    assert_string_equal(ranges[0].events[0].version, "11.0.13+8-1~deb11u1");
    assert_int_equal(ranges[0].events[3].kind, ADVISORY_LIMIT);
    assert_int_equal(ranges[1].type, ADVISORY_SEMVER);
    assert_int_equal(ranges[1].events[1].kind, ADVISORY_LAST_AFFECTED);
    assert_int_equal(advisory_decode_lines(&a, af->versions, &lines, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(lines[1], "11.0.11+9-1");
    assert_int_equal(advisory_decode_severity(&a, af->severity, &sev, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(sev[1].type, "ecosystem_specific.urgency");
    assert_string_equal(sev[1].score, "low");

    af = &r->affected[1];
    assert_string_equal(af->ecosystem, "Ubuntu");
    assert_string_equal(af->release, "22.04:LTS");
    assert_null(af->purl);
    assert_string_equal(af->versions, "");
    assert_string_equal(af->severity, "ecosystem_specific.priority\tmedium");
    arena_free(&a);
}

static void
test_ecosystems_and_names(void **state)
{
    static const struct {
        const char *eco, *name, *base, *release, *key;
    } cases[] = {
        {"PyPI", "Django_REST.framework", "PyPI", "", "django-rest-framework"},
        {"pypi", "Pillow", "PyPI", "", "pillow"},
        {"npm", "@angular/core", "npm", "", "@angular/core"},
        {"npm", "JSONStream", "npm", "", "JSONStream"},
        {"Maven", "org.apache.logging.log4j:log4j-core", "Maven", "",
         "org.apache.logging.log4j:log4j-core"},
        {"Maven:https://maven.google.com", "androidx.core:core", "Maven",
         "https://maven.google.com", "androidx.core:core"},
        {"Go", "github.com/BurntSushi/toml", "Go", "", "github.com/BurntSushi/toml"},
        {"crates.io", "tokio", "crates.io", "", "tokio"},
        {"NuGet", "Newtonsoft.Json", "NuGet", "", "newtonsoft.json"},
        {"Packagist", "Symfony/HTTP-Kernel", "Packagist", "", "symfony/http-kernel"},
        {"RubyGems", "Rails", "RubyGems", "", "Rails"},
        {"Alpine:v3.20", "openssl", "Alpine", "v3.20", "openssl"},
        {"Red Hat:enterprise_linux:9::appstream", "httpd", "Red Hat",
         "enterprise_linux:9::appstream", "httpd"},
        {"Rocky Linux:9", "kernel", "Rocky Linux", "9", "kernel"},
        {"Ubuntu:Pro:18.04:LTS", "curl", "Ubuntu", "Pro:18.04:LTS", "curl"},
    };
    char json[1024];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct osv_record *r;
        struct arena a;
        arena_init(&a);
        snprintf(json, sizeof(json),
                 "{\"id\":\"X-%zu\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{"
                 "\"package\":{\"ecosystem\":\"%s\",\"name\":\"%s\"},\"versions\":[\"1\"]}]}",
                 i, cases[i].eco, cases[i].name);
        r = parse_ok(&a, json);
        assert_int_equal(r->naffected, 1);
        assert_string_equal(r->affected[0].ecosystem, cases[i].base);
        assert_string_equal(r->affected[0].release, cases[i].release);
        assert_string_equal(r->affected[0].name, cases[i].name);
        assert_string_equal(r->affected[0].key, cases[i].key);
        arena_free(&a);
    }
}

static void
test_flags(void **state)
{
    struct osv_record *r;
    struct arena a;
    char *big, *json;
    size_t n = MOAT_LIMIT_OSV_DETAILS + 100, i, len;

    (void)state;
    arena_init(&a);
    r = parse_ok(&a, "{\"id\":\"MAL-2024-1\",\"modified\":\"2024-01-01T00:00:00Z\","
                     "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"evil\"},"
                     "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]}]}");
    assert_int_equal(r->flags, OSV_MALWARE);
    r = parse_ok(&a, "{\"id\":\"GHSA-1\",\"modified\":\"2024-01-01T00:00:00Z\","
                     "\"withdrawn\":\"2024-02-01T00:00:00Z\",\"aliases\":null,\"severity\":null,"
                     "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"x\"},"
                     "\"versions\":null,\"ranges\":null}]}");
    assert_int_equal(r->flags, OSV_WITHDRAWN);
    assert_string_equal(r->withdrawn, "2024-02-01T00:00:00Z");
    assert_string_equal(r->affected[0].ranges, "");

    /* huge details: cut at the limit on a character boundary, flagged */
    big = malloc(n + 1);
    json = malloc(n + 256);
    assert_non_null(big);
    assert_non_null(json);
    for (i = 0; i + 2 <= n; i += 2)
        memcpy(big + i, "\xc3\xa9", 2); /* é */
    big[i] = '\0';
    snprintf(json, n + 256,
             "{\"id\":\"A-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"%s\","
             "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"x\"}}]}",
             big);
    r = parse_ok(&a, json);
    assert_int_equal(r->flags, OSV_TRUNCATED);
    len = strlen(r->details);
    assert_true(len <= MOAT_LIMIT_OSV_DETAILS && len >= MOAT_LIMIT_OSV_DETAILS - 1);
    assert_int_equal(len % 2, 0);
    free(big);
    free(json);
    arena_free(&a);
}

static void
test_time(void **state)
{
    static const struct {
        const char *s;
        int ok;
        long long us;
    } cases[] = {
        {"1970-01-01T00:00:00Z", 1, 0},
        {"2024-10-01T21:22:35.777428+00:00", 1, 1727817755777428LL},
        {"2024-10-01T23:22:35.777428+02:00", 1, 1727817755777428LL},
        {"2024-10-01t21:22:35.7774281z", 1, 1727817755777428LL},
        {"2024-02-29T00:00:00Z", 1, 1709164800000000LL},
        {"2000-02-29T00:00:00Z", 1, 951782400000000LL},
        {"0001-01-01T00:00:00Z", 1, -62135596800000000LL},
        {"2024-10-01T21:22:35", 1, 1727817720000000LL + 35000000LL},
        {"2023-02-29T00:00:00Z", 0, 0},
        {"1900-02-29T00:00:00Z", 0, 0},
        {"2024-13-01T00:00:00Z", 0, 0},
        {"2024-10-01T24:00:00Z", 0, 0},
        {"2024-10-01 21:22:35Z", 0, 0},
        {"2024-10-01", 0, 0},
        {"2024-10-01T21:22:35.Z", 0, 0},
        {"2024-10-01T21:22:35.1234567890Z", 0, 0},
        {"2024-10-01T21:22:35+0200", 0, 0},
        {"2024-10-01T21:22:35Z ", 0, 0},
        {"", 0, 0},
        {"yesterday", 0, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = 0;
        int rc = osv_parse_time(cases[i].s, &t);
        if ((rc == 0) != cases[i].ok)
            fail_msg("%s: expected %s", cases[i].s, cases[i].ok ? "valid" : "invalid");
        if (cases[i].ok && t != cases[i].us)
            fail_msg("%s: got %lld, expected %lld", cases[i].s, (long long)t, cases[i].us);
    }
}

#define PKG "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"x\"}"
#define HEAD "\"id\":\"PYSEC-1\",\"modified\":\"2024-01-01T00:00:00Z\""

static void
test_hostile(void **state)
{
    static const struct {
        const char *json;
        enum moat_db_skip why;
    } cases[] = {
        {"", MOAT_DB_SKIP_BAD_JSON},
        {"not json", MOAT_DB_SKIP_BAD_JSON},
        {"{\"id\": \"A\",", MOAT_DB_SKIP_BAD_JSON},
        {"{" HEAD ",\"affected\":[" PKG "}]} trailing", MOAT_DB_SKIP_BAD_JSON},
        {"{" HEAD ",\"summary\":\"\xff\xfe\",\"affected\":[" PKG "}]}", MOAT_DB_SKIP_BAD_JSON},
        {"{" HEAD ",\"summary\":\"a\\u0000b\",\"affected\":[" PKG "}]}", MOAT_DB_SKIP_BAD_JSON},
        {"{" HEAD ",\"id\":\"B\",\"affected\":[" PKG "}]}", MOAT_DB_SKIP_BAD_JSON},
        {"[]", MOAT_DB_SKIP_INVALID_FIELD},
        {"\"a string\"", MOAT_DB_SKIP_BAD_JSON}, /* jansson wants an object or array */
        {"{\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_MISSING_FIELD},
        {"{\"id\":7,\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{\"id\":\"\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{\"id\":\"A B\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{\"id\":\"A\\nB\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{\"id\":\"A\",\"affected\":[" PKG "}]}", MOAT_DB_SKIP_MISSING_FIELD},
        {"{\"id\":\"A\",\"modified\":null,\"affected\":[" PKG "}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{\"id\":\"A\",\"modified\":\"yesterday\",\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{\"id\":\"A\",\"modified\":\"2023-02-29T00:00:00Z\",\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"withdrawn\":17,\"affected\":[" PKG "}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD "}", MOAT_DB_SKIP_MISSING_FIELD},
        {"{" HEAD ",\"affected\":null}", MOAT_DB_SKIP_MISSING_FIELD},
        {"{" HEAD ",\"affected\":[]}", MOAT_DB_SKIP_MISSING_FIELD},
        {"{" HEAD ",\"affected\":{}}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[7]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[{\"versions\":[\"1\"]}]}", MOAT_DB_SKIP_MISSING_FIELD},
        {"{" HEAD ",\"affected\":[{\"package\":{\"name\":\"x\"}}]}", MOAT_DB_SKIP_MISSING_FIELD},
        {"{" HEAD ",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\"}}]}",
         MOAT_DB_SKIP_MISSING_FIELD},
        {"{" HEAD ",\"affected\":[{\"package\":\"x\"}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[{\"package\":{\"ecosystem\":\"Plan9\",\"name\":\"x\"}}]}",
         MOAT_DB_SKIP_UNKNOWN_ECOSYSTEM},
        {"{" HEAD ",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"\"}}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"a\\tb\"}}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":[\"x\"]}}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"versions\":[\"1.0\\n2.0\"]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"versions\":[1]}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"versions\":\"1.0\"}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"ranges\":{}}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"ranges\":[{\"events\":[{\"introduced\":\"0\"}]}]}]}",
         MOAT_DB_SKIP_MISSING_FIELD},
        {"{" HEAD ",\"affected\":[" PKG
         ",\"ranges\":[{\"type\":\"RANGE\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"ranges\":[{\"type\":\"SEMVER\"}]}]}",
         MOAT_DB_SKIP_MISSING_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[]}]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{"
         "\"introduced\":\"0\",\"fixed\":\"1\"}]}]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG
         ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"fixed\":\"1\"}]}]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG
         ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1\"},"
         "{\"last_affected\":\"2\"}]}]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG
         ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"\"}]}]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG
         ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":0}]}]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG
         ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"bogus\":\"1\"}]}]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"affected\":[" PKG ",\"ecosystem_specific\":[]}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"aliases\":\"CVE-1\",\"affected\":[" PKG "}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"aliases\":[1],\"affected\":[" PKG "}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"related\":[{\"type\":\"X\"}],\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"severity\":{},\"affected\":[" PKG "}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"severity\":[{\"type\":\"CVSS_V3\"}],\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"summary\":7,\"affected\":[" PKG "}]}", MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"references\":[{\"url\":7}],\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
        {"{" HEAD ",\"database_specific\":\"x\",\"affected\":[" PKG "}]}",
         MOAT_DB_SKIP_INVALID_FIELD},
    };
    struct osv_record *r;
    struct osv_error e;
    struct arena a;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        arena_init(&a);
        if (osv_parse(cases[i].json, strlen(cases[i].json), &a, &r, &e) != 1)
            fail_msg("case %zu accepted: %s", i, cases[i].json);
        if (e.reason != cases[i].why)
            fail_msg("case %zu: expected '%s', got '%s' (%s): %s", i,
                     moat_db_skip_name(cases[i].why), moat_db_skip_name(e.reason), e.msg,
                     cases[i].json);
        assert_true(e.msg[0] != '\0');
        assert_null(r);
        arena_free(&a);
    }
}

/* Records built at run time: huge strings, deep nesting, oversize input. */
static void
test_hostile_sizes(void **state)
{
    size_t big = MOAT_LIMIT_OSV_RECORD + 10, i;
    char *p = malloc(big + 1);
    struct osv_record *r;
    struct osv_error e;
    struct arena a;
    char name[MOAT_LIMIT_PKG_NAME + 2], id[MOAT_LIMIT_OSV_ID + 2], json[4096];

    (void)state;
    assert_non_null(p);
    arena_init(&a);
    memset(p, ' ', big);
    p[big] = '\0';
    assert_int_equal(osv_parse(p, big, &a, &r, &e), 1);
    assert_int_equal(e.reason, MOAT_DB_SKIP_TOO_LARGE);

    for (i = 0; i < 1000; i++)
        p[i] = '[';
    for (; i < 2000; i++)
        p[i] = ']';
    assert_int_equal(osv_parse(p, 2000, &a, &r, &e), 1);
    assert_int_equal(e.reason, MOAT_DB_SKIP_TOO_DEEP);

    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    snprintf(json, sizeof(json),
             "{" HEAD ",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"%s\"}}]}",
             name);
    assert_int_equal(osv_parse(json, strlen(json), &a, &r, &e), 1);
    assert_int_equal(e.reason, MOAT_DB_SKIP_HUGE_STRING);
    snprintf(json, sizeof(json), "{" HEAD ",\"affected\":[" PKG ",\"versions\":[\"%s\"]}]}", name);
    assert_int_equal(osv_parse(json, strlen(json), &a, &r, &e), 1);
    assert_int_equal(e.reason, MOAT_DB_SKIP_HUGE_STRING);

    memset(id, 'I', sizeof(id) - 1);
    id[sizeof(id) - 1] = '\0';
    snprintf(json, sizeof(json),
             "{\"id\":\"%s\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[" PKG "}]}", id);
    assert_int_equal(osv_parse(json, strlen(json), &a, &r, &e), 1);
    assert_int_equal(e.reason, MOAT_DB_SKIP_HUGE_STRING);
    /* one byte shorter is fine */
    id[sizeof(id) - 2] = '\0';
    snprintf(json, sizeof(json),
             "{\"id\":\"%s\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[" PKG "}]}", id);
    assert_int_equal(osv_parse(json, strlen(json), &a, &r, &e), 0);
    free(p);
    arena_free(&a);
}

/* ---- the database ---- */

#define REC(id, mod, eco, name, extra)                                                             \
    "{\"id\":\"" id "\",\"modified\":\"" mod "\",\"affected\":[{\"package\":{\"ecosystem\":\"" eco \
    "\",\"name\":\"" name "\"}" extra "}]}"

static const char rec_deb12[] =
    "{\"id\":\"DSA-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2024-1\"],"
    "\"summary\":\"openssl bug\",\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/"
    "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],\"references\":[{\"type\":\"WEB\",\"url\":"
    "\"https://example.org/1\"}],\"affected\":["
    "{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"openssl\"},\"ranges\":[{\"type\":"
    "\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"3.0.15-1~deb12u1\"}]}]},"
    "{\"package\":{\"ecosystem\":\"Debian:11\",\"name\":\"openssl\"},\"ranges\":[{\"type\":"
    "\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.1.1w-0+deb11u2\"}]}]},"
    "{\"package\":{\"ecosystem\":\"Debian\",\"name\":\"openssl\"},\"versions\":[\"0.9\"]}]}";

static void
build_sample(const char *dir)
{
    char p[256];

    snprintf(p, sizeof(p), "%s/in", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/in/sub", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    write_file(tmp_path("in/DSA-1.json"), rec_deb12);
    write_file(tmp_path("in/sub/PYSEC-1.json"),
               REC("PYSEC-1", "2024-01-01T00:00:00Z", "PyPI", "Django_Rest.Framework",
                   ",\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
                   "{\"fixed\":\"3.15.2\"}]}],\"versions\":[\"3.15.1\",\"3.0\"]"));
    write_file(tmp_path("in/MAL-1.json"), REC("MAL-2024-1", "2024-01-01T00:00:00Z", "npm",
                                              "evil-pkg", ",\"versions\":[\"1.0.0\"]"));
    write_file(tmp_path("in/W-1.json"),
               "{\"id\":\"GHSA-w\",\"modified\":\"2024-01-01T00:00:00Z\",\"withdrawn\":"
               "\"2024-01-02T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
               "\"name\":\"evil-pkg\"},\"versions\":[\"0.1\"]}]}");
    write_file(tmp_path("in/bad.json"), "{\"id\": ");
    write_file(tmp_path("in/README.md"), "not a record");
    write_file(tmp_path("in/.hidden.json"), "{\"id\": ");
}

static void
test_db_lookup(void **state)
{
    struct moat_db_import_report rep;
    struct advisory_db *db = NULL;
    struct advisory_affected *v;
    struct advisory_record *rec;
    struct arena a;
    char err[512];
    size_t n;

    (void)state;
    make_tmpdir();
    build_sample(tmpdir);
    assert_int_equal(import(tmp_path("osv.db"), tmp_path("in"), &rep), 0);
    assert_int_equal(rep.read, 5);
    assert_int_equal(rep.imported, 4);
    assert_int_equal(rep.skipped, 1);
    assert_int_equal(rep.skip[MOAT_DB_SKIP_BAD_JSON], 1);
    assert_int_equal(rep.malware, 1);
    assert_int_equal(rep.withdrawn, 1);
    assert_int_equal(rep.nexamples, 1);
    assert_non_null(strstr(rep.examples[0], "bad.json: bad JSON"));

    assert_int_equal(advisory_db_open(tmp_path("osv.db"), &db, err, sizeof(err)), 0);
    arena_init(&a);
    /* a release selects its own entries and the release-less ones */
    assert_int_equal(advisory_db_lookup(db, "Debian:12", "openssl", &a, &v, &n, err, sizeof(err)),
                     0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].id, "DSA-1");
    assert_string_equal(v[0].release, "12");
    assert_int_equal(v[0].nranges, 1);
    assert_int_equal(v[0].ranges[0].nevents, 2);
    assert_string_equal(v[0].ranges[0].events[1].version, "3.0.15-1~deb12u1");
    assert_string_equal(v[1].release, "");
    assert_int_equal(v[1].nversions, 1);
    assert_string_equal(v[1].versions, "0.9");
    assert_true(advisory_versions_has(&v[1], "0.9"));
    assert_false(advisory_versions_has(&v[1], "0"));
    assert_false(advisory_versions_has(&v[0], "0.9"));
    /* without a release: every release */
    assert_int_equal(advisory_db_lookup(db, "Debian", "openssl", &a, &v, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 3);
    assert_int_equal(advisory_db_lookup(db, "Debian:10", "openssl", &a, &v, &n, err, sizeof(err)),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(
        advisory_db_lookup(db, "Ubuntu:22.04:LTS", "openssl", &a, &v, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 0);
    /* PyPI names are looked up normalised, whatever the spelling */
    assert_int_equal(
        advisory_db_lookup(db, "PyPI", "djangorestframework", &a, &v, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 0);
    assert_int_equal(
        advisory_db_lookup(db, "PyPI", "django-rest_framework", &a, &v, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "Django_Rest.Framework");
    assert_int_equal(v[0].nversions, 2);
    /* exact matches only: 3.15 is a prefix of 3.15.1, 3.0 a suffix-free
     * substring of nothing listed, 15.1 a suffix of 3.15.1 */
    assert_true(advisory_versions_has(&v[0], "3.15.1"));
    assert_true(advisory_versions_has(&v[0], "3.0"));
    assert_false(advisory_versions_has(&v[0], "3.15"));
    assert_false(advisory_versions_has(&v[0], "15.1"));
    assert_false(advisory_versions_has(&v[0], ""));
    /* withdrawn and malware flags travel with the entries */
    assert_int_equal(advisory_db_lookup(db, "npm", "evil-pkg", &a, &v, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 2);
    assert_true((v[0].flags | v[1].flags) == (OSV_MALWARE | OSV_WITHDRAWN));
    assert_int_equal(advisory_db_lookup(db, "NoSuchEco", "x", &a, &v, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 0);

    assert_int_equal(advisory_db_record(db, "DSA-1", &a, &rec, err, sizeof(err)), 0);
    assert_string_equal(rec->summary, "openssl bug");
    assert_int_equal(rec->naliases, 1);
    assert_string_equal(rec->aliases[0], "CVE-2024-1");
    assert_int_equal(rec->nrefs, 1);
    assert_int_equal(rec->nseverity, 1);
    assert_string_equal(rec->severity[0].type, "CVSS_V3");
    assert_non_null(strstr(rec->source, "/in"));
    assert_int_equal(advisory_db_record(db, "NOPE", &a, &rec, err, sizeof(err)), MOAT_ENOENT);
    assert_true(advisory_db_age(db, advisory_db_updated(db) + 100) == 100);
    assert_int_equal(advisory_db_verify(db, NULL, err, sizeof(err)), 0);
    arena_free(&a);
    advisory_db_close(db);
    rm_rf(tmpdir);
}

static int
count(struct advisory_db *db, const char *eco, const char *name, const char *fixed)
{
    struct advisory_affected *v;
    struct arena a;
    char err[256];
    size_t n, i;
    int c = 0;

    arena_init(&a);
    assert_int_equal(advisory_db_lookup(db, eco, name, &a, &v, &n, err, sizeof(err)), 0);
    for (i = 0; i < n; i++)
        if (!fixed || (v[i].nranges && v[i].ranges[0].nevents > 1 &&
                       strcmp(v[i].ranges[0].events[1].version, fixed) == 0))
            c++;
    arena_free(&a);
    return c;
}

#define FIXED(v)                                                                                   \
    ",\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"" v "\"}]}" \
    "]"

/* Re-importing replaces by id, the later `modified` wins across sources, a
 * source's vanished records go, and a reader opened before a swap keeps
 * reading what it opened. */
static void
test_db_reimport_and_readers(void **state)
{
    struct moat_db_import_report rep;
    struct advisory_db *old = NULL, *fresh = NULL;
    char err[512];
    const char *db;
    struct stat st1, st2;

    (void)state;
    make_tmpdir();
    db = strdup(tmp_path("osv.db"));
    write_file(tmp_path("a.json"),
               REC("GO-1", "2024-01-02T00:00:00Z", "Go", "example.com/m", FIXED("1.2.0")));
    assert_int_equal(import(db, tmp_path("a.json"), &rep), 0);
    assert_int_equal(rep.imported, 1);
    assert_int_equal(advisory_db_open(db, &old, err, sizeof(err)), 0);
    assert_int_equal(count(old, "Go", "example.com/m", "1.2.0"), 1);

    /* another source with an older copy: kept out */
    write_file(tmp_path("b.json"),
               REC("GO-1", "2024-01-01T00:00:00Z", "Go", "example.com/m", FIXED("1.1.0")));
    assert_int_equal(import(db, tmp_path("b.json"), &rep), 0);
    assert_int_equal(rep.imported, 0);
    assert_int_equal(rep.kept_newer, 1);
    /* a newer copy from that source wins */
    write_file(tmp_path("b.json"),
               REC("GO-1", "2024-01-03T00:00:00Z", "Go", "example.com/m", FIXED("1.3.0")));
    assert_int_equal(stat(db, &st1), 0);
    assert_int_equal(import(db, tmp_path("b.json"), &rep), 0);
    assert_int_equal(rep.imported, 1);
    assert_int_equal(stat(db, &st2), 0);
    assert_true(st1.st_ino != st2.st_ino); /* a new file was renamed in */

    /* the reader opened first still sees its file; a new one sees the update */
    assert_int_equal(count(old, "Go", "example.com/m", "1.2.0"), 1);
    assert_int_equal(count(old, "Go", "example.com/m", "1.3.0"), 0);
    assert_int_equal(advisory_db_open(db, &fresh, err, sizeof(err)), 0);
    assert_int_equal(count(fresh, "Go", "example.com/m", "1.3.0"), 1);
    assert_int_equal(count(fresh, "Go", "example.com/m", NULL), 1);
    advisory_db_close(fresh);
    advisory_db_close(old);

    /* the same source again without the record: removed */
    write_file(tmp_path("b.json"),
               REC("GO-2", "2024-01-03T00:00:00Z", "Go", "example.com/n", FIXED("2.0.0")));
    assert_int_equal(import(db, tmp_path("b.json"), &rep), 0);
    assert_int_equal(rep.removed, 1);
    assert_int_equal(advisory_db_open(db, &fresh, err, sizeof(err)), 0);
    assert_int_equal(count(fresh, "Go", "example.com/m", NULL), 0);
    assert_int_equal(count(fresh, "Go", "example.com/n", "2.0.0"), 1);
    advisory_db_close(fresh);
    free((char *)db);
    rm_rf(tmpdir);
}

static int
dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    for (;;) {
        e = readdir(d);
        if (!e)
            break;
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    }
    closedir(d);
    return n;
}

/* A zip that cannot be read fails the import, leaves the database
 * byte-identical and leaves no temporary file; a stale temporary file of a
 * killed writer is removed by the next write. */
static void
test_db_failed_import(void **state)
{
    static const char *const members[] = {
        "GHSA-1.json", REC("GHSA-1", "2024-01-01T00:00:00Z", "npm", "a", ""),
        "GHSA-2.json", REC("GHSA-2", "2024-01-01T00:00:00Z", "npm", "b", ""),
        "notes.txt",   "ignored",
    };
    struct moat_db_import_report rep;
    char *before, *after, *zip;
    size_t n1, n2, zn;
    int fd, entries;

    (void)state;
    make_tmpdir();
    write_zip(tmp_path("all.zip"), members, sizeof(members) / sizeof(members[0]));
    assert_int_equal(import(tmp_path("osv.db"), tmp_path("all.zip"), &rep), 0);
    assert_int_equal(rep.imported, 2);
    assert_int_equal(rep.read, 2);
    before = read_all(tmp_path("osv.db"), &n1);
    entries = dir_entries(tmpdir);

    /* truncated zip */
    zip = read_all(tmp_path("all.zip"), &zn);
    fd = open(tmp_path("cut.zip"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, zip, zn - 40), (ssize_t)(zn - 40));
    close(fd);
    assert_int_equal(import(tmp_path("osv.db"), tmp_path("cut.zip"), &rep), -1);
    /* a byte of the first member's data flipped (past its local header:
     * 30 bytes, the name, the extra field): a CRC or inflate error */
    zip[30 + ((unsigned char)zip[26] | (unsigned char)zip[27] << 8) +
        ((unsigned char)zip[28] | (unsigned char)zip[29] << 8) + 3] ^= 1;
    fd = open(tmp_path("crc.zip"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(write(fd, zip, zn), (ssize_t)zn);
    close(fd);
    assert_int_equal(import(tmp_path("osv.db"), tmp_path("crc.zip"), &rep), -1);
    /* a missing input */
    assert_int_equal(import(tmp_path("osv.db"), tmp_path("nope.zip"), &rep), -1);

    after = read_all(tmp_path("osv.db"), &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    assert_int_equal(dir_entries(tmpdir), entries + 2); /* cut.zip, crc.zip only */

    write_file(tmp_path(".osv.db.tmp-stale1"), "left by a killed writer");
    assert_int_equal(import(tmp_path("osv.db"), tmp_path("all.zip"), &rep), 0);
    assert_int_equal(access(tmp_path(".osv.db.tmp-stale1"), F_OK), -1);
    free(before);
    free(after);
    free(zip);
    rm_rf(tmpdir);
}

/* Truncated, bit-flipped, foreign and other-schema files are refused. */
static void
test_db_corrupt(void **state)
{
    struct moat_db_import_report rep;
    struct advisory_db *db = NULL;
    struct advisory_affected *v;
    struct arena a;
    char err[512], *p, *hit;
    size_t n, len;
    int fd;
    const char *path;

    (void)state;
    make_tmpdir();
    write_file(tmp_path("r.json"), REC("GO-9", "2024-01-01T00:00:00Z", "Go",
                                       "example.com/corrupt-me", FIXED("9.9.9-uniquemarker")));
    path = strdup(tmp_path("osv.db"));
    assert_int_equal(import(path, tmp_path("r.json"), &rep), 0);
    p = read_all(path, &len);

    /* truncated copy: refused at open */
    fd = open(tmp_path("cut.db"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(write(fd, p, len - 4096), (ssize_t)(len - 4096));
    close(fd);
    assert_int_equal(advisory_db_open(tmp_path("cut.db"), &db, err, sizeof(err)), MOAT_EINVAL);
    assert_non_null(strstr(err, "truncated"));

    /* one bit flipped where the lookup reads: the lookup fails, not "nothing" */
    hit = memmem(p, len, "uniquemarker", 12);
    assert_non_null(hit);
    hit[3] ^= 0x10;
    fd = open(tmp_path("flip.db"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(write(fd, p, len), (ssize_t)len);
    close(fd);
    hit[3] ^= 0x10;
    arena_init(&a);
    assert_int_equal(advisory_db_open(tmp_path("flip.db"), &db, err, sizeof(err)), 0);
    assert_int_equal(
        advisory_db_lookup(db, "Go", "example.com/corrupt-me", &a, &v, &n, err, sizeof(err)),
        MOAT_EIO);
    assert_non_null(strstr(err, "corrupt"));
    assert_int_equal(advisory_db_verify(db, NULL, err, sizeof(err)), MOAT_EINVAL);
    assert_non_null(strstr(err, "checksum"));
    advisory_db_close(db);
    /* building on it is refused too: the damage would get fresh checksums */
    assert_int_equal(import(tmp_path("flip.db"), tmp_path("r.json"), &rep), -1);

    /* flipped in the header page: refused at open */
    p[200] ^= 1;
    fd = open(tmp_path("head.db"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(write(fd, p, len), (ssize_t)len);
    close(fd);
    p[200] ^= 1;
    assert_int_equal(advisory_db_open(tmp_path("head.db"), &db, err, sizeof(err)), MOAT_EINVAL);

    /* another schema version (re-stamped, so only the version differs) */
    p[63] = ADVISORY_DB_SCHEMA + 1;
    fd = open(tmp_path("v2.db"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(write(fd, p, len), (ssize_t)len);
    assert_int_equal(advisory_db_stamp(fd, err, sizeof(err)), 0);
    close(fd);
    assert_int_equal(advisory_db_open(tmp_path("v2.db"), &db, err, sizeof(err)), MOAT_EUNSUP);
    assert_non_null(strstr(err, "schema version"));

    /* not an SQLite file, and an SQLite file that is not ours */
    write_file(tmp_path("text.db"), "hello");
    assert_int_equal(advisory_db_open(tmp_path("text.db"), &db, err, sizeof(err)), MOAT_EINVAL);
    assert_int_equal(system("python3 -c \"import sqlite3,sys; "
                            "c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); "
                            "c.commit()\" /tmp/moat-test-osv-foreign.db"),
                     0);
    assert_int_equal(advisory_db_open("/tmp/moat-test-osv-foreign.db", &db, err, sizeof(err)),
                     MOAT_EINVAL);
    assert_non_null(strstr(err, "not a moat"));
    unlink("/tmp/moat-test-osv-foreign.db");
    assert_int_equal(advisory_db_open(tmp_path("none.db"), &db, err, sizeof(err)), MOAT_ENOENT);
    arena_free(&a);
    free(p);
    free((char *)path);
    rm_rf(tmpdir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_record),
        cmocka_unit_test(test_ecosystems_and_names),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_hostile_sizes),
        cmocka_unit_test(test_db_lookup),
        cmocka_unit_test(test_db_reimport_and_readers),
        cmocka_unit_test(test_db_failed_import),
        cmocka_unit_test(test_db_corrupt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

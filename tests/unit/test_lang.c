/*
 * test_lang.c - the gem, Composer and .NET analyzers: paths, the shapes
 * each tool writes (RubyGems' to_ruby output old and new, Composer 1 and 2
 * installed.json, deps.json with package/project/runtimepack libraries),
 * fallbacks, files that must be reported as problems, hostile input, and -
 * as a real oracle - every gem specification of the Ruby installation on
 * this machine compared with what RubyGems itself loads from it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"

extern const struct analyzer analyzer_gem;
extern const struct analyzer analyzer_composer;
extern const struct analyzer analyzer_dotnet;

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
feed_str(struct feed *f, const struct analyzer *an, const char *path, const char *doc)
{
    feed_init(f, 0);
    assert_int_equal(feed_file(f, an, path, doc, strlen(doc), 0), 0);
}

static void
check_wants(const struct analyzer *an, const char *path, int wanted)
{
    struct layer_entry le = {0};
    struct entry e;
    const char *slash = strrchr(path, '/');

    le.type = ENTRY_REG;
    e.le = &le;
    e.opt = NULL;
    e.path = path;
    e.base = slash ? slash + 1 : path;
    if ((an->wants(&e) != WANT_NO) != wanted)
        fail_msg("%s %s: wanted %d", an->name, path, !wanted);
}

static void
test_paths(void **state)
{
    (void)state;
    check_wants(&analyzer_gem, "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec", 1);
    check_wants(&analyzer_gem, "usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
                1);
    check_wants(&analyzer_gem,
                "usr/local/bundle/specifications/nokogiri-1.16.5-x86_64-linux.gemspec", 1);
    check_wants(&analyzer_gem, "var/lib/gems/3.1.0/specifications/rack-3.0.0.gemspec", 1);
    check_wants(&analyzer_gem, "app/rake.gemspec", 0);
    check_wants(&analyzer_gem, "usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/rake.gemspec", 0);
    check_wants(&analyzer_gem, "usr/lib/ruby/gems/3.1.0/specifications/.gemspec", 0);
    check_wants(&analyzer_gem, "usr/lib/ruby/gems/3.1.0/specifications/x/y.gemspec", 0);
    check_wants(&analyzer_gem, "usr/lib/ruby/gems/3.1.0/specifications/rake.gemspec.bak", 0);
    check_wants(&analyzer_gem, "default/x-1.gemspec", 0);
    check_wants(&analyzer_gem, "my-specifications/x-1.gemspec", 0);

    check_wants(&analyzer_composer, "var/www/html/vendor/composer/installed.json", 1);
    check_wants(&analyzer_composer, "vendor/composer/installed.json", 1);
    check_wants(&analyzer_composer, "root/.config/composer/vendor/composer/installed.json", 1);
    check_wants(&analyzer_composer, "var/www/html/composer.lock", 0);
    check_wants(&analyzer_composer, "var/www/html/vendor/composer/installed.php", 0);
    check_wants(&analyzer_composer, "var/www/myvendor/composer/installed.json", 0);
    check_wants(&analyzer_composer, "var/www/composer/installed.json", 0);

    check_wants(&analyzer_dotnet, "app/MyApp.deps.json", 1);
    check_wants(
        &analyzer_dotnet,
        "usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.5/Microsoft.NETCore.App.deps.json", 1);
    check_wants(&analyzer_dotnet, "app/.deps.json", 0);
    check_wants(&analyzer_dotnet, "app/MyApp.runtimeconfig.json", 0);
    check_wants(&analyzer_dotnet, "app/MyApp.deps.json.bak", 0);
}

/* ---- gems ---- */

/* As RubyGems 3 writes it (Gem::Specification#to_ruby). */
static const char rake_spec[] =
    "# -*- encoding: utf-8 -*-\n"
    "# stub: rake 13.0.6 ruby lib\n"
    "\n"
    "Gem::Specification.new do |s|\n"
    "  s.name = \"rake\".freeze\n"
    "  s.version = \"13.0.6\"\n"
    "\n"
    "  s.required_rubygems_version = Gem::Requirement.new(\">= 1.3.2\".freeze) if "
    "s.respond_to? :required_rubygems_version=\n"
    "  s.metadata = { \"bug_tracker_uri\" => \"https://github.com/ruby/rake/issues\" } if "
    "s.respond_to? :metadata=\n"
    "  s.require_paths = [\"lib\".freeze]\n"
    "  s.authors = [\"Hiroshi SHIBATA\".freeze, \"Eric Hodel\".freeze, \"Jim Weirich\".freeze]\n"
    "  s.bindir = \"exe\".freeze\n"
    "  s.date = \"2021-07-09\"\n"
    "  s.description = \"Rake is a Make-like program implemented in Ruby.\".freeze\n"
    "  s.email = [\"hsbt@ruby-lang.org\".freeze]\n"
    "  s.executables = [\"rake\".freeze]\n"
    "  s.files = [\"exe/rake\".freeze]\n"
    "  s.homepage = \"https://github.com/ruby/rake\".freeze\n"
    "  s.licenses = [\"MIT\".freeze]\n"
    "  s.required_ruby_version = Gem::Requirement.new(\">= 2.2\".freeze)\n"
    "  s.rubygems_version = \"3.3.15\".freeze\n"
    "  s.summary = \"Rake is a Make-like program implemented in Ruby\".freeze\n"
    "\n"
    "  s.installed_by_version = \"3.3.15\" if s.respond_to? :installed_by_version\n"
    "end\n";

static void
test_gem_spec(void **state)
{
    struct feed f;
    const struct pkg *p;

    (void)state;
    feed_str(&f, &analyzer_gem, "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec",
             rake_spec);
    assert_int_equal(feed_npkgs(&f), 1);
    p = feed_pkg(&f, 0);
    assert_int_equal(p->type, MOAT_PKG_GEM);
    assert_string_equal(p->name, "rake");
    assert_string_equal(p->version, "13.0.6");
    assert_string_equal(p->license, "MIT");
    assert_string_equal(p->supplier, "Hiroshi SHIBATA, Eric Hodel, Jim Weirich");
    assert_null(p->arch);
    assert_null(prop(p, "gem:default"));
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_free(&f);
}

static void
test_gem_forms(void **state)
{
    static const struct {
        const char *file, *doc, *name, *version, *license, *arch;
        size_t warnings;
    } cases[] = {
        /* RubyGems 1.x: %q{} strings, Gem::Version.new, license singular */
        {"specifications/json_pure-1.5.1.gemspec",
         "Gem::Specification.new do |s|\n  s.name = %q{json_pure}\n"
         "  s.version = Gem::Version.new(\"1.5.1\")\n  s.license = %q{Ruby}\n"
         "  s.authors = [%q{Florian Frank}]\nend\n",
         "json_pure", "1.5.1", "Ruby", NULL, 0},
        /* another block variable, single quotes, %w licenses, a platform */
        {"specifications/nokogiri-1.16.5-x86_64-linux.gemspec",
         "Gem::Specification.new do |spec|\n  spec.name = 'nokogiri'\n"
         "  spec.version = Gem::Version.new \"1.16.5\"\n"
         "  spec.platform = \"x86_64-linux\".freeze\n  spec.licenses = %w[MIT Apache-2.0]\n"
         "  s.name = \"not-the-block-var\"\nend\n",
         "nokogiri", "1.16.5", "MIT OR Apache-2.0", "x86_64-linux", 0},
        /* escapes, and several licenses */
        {"specifications/default/x-1.gemspec",
         "Gem::Specification.new do |s|\n  s.name = \"x\\u00e9\\u{1F600}\".freeze\n"
         "  s.version = \"1\"\n  s.licenses = [\"Ruby\".freeze, \"BSD-2-Clause\".freeze]\n"
         "  s.authors = [\"Yukihiro \\\"Matz\\\" Matsumoto\".freeze]\nend\n",
         "x\xc3\xa9\xf0\x9f\x98\x80", "1", "Ruby OR BSD-2-Clause", NULL, 0},
        /* interpolation and constants are never evaluated: stub line instead */
        {"specifications/y-2.0.gemspec",
         "# stub: y 2.0 ruby lib\nGem::Specification.new do |s|\n"
         "  s.name = \"#{`id`}\"\n  s.version = Y::VERSION\nend\n",
         "y", "2.0", NULL, NULL, 0},
        /* nothing usable inside: the file name, with a warning */
        {"specifications/net-http-0.4.1.gemspec", "garbage\n", "net-http", "0.4.1", NULL, NULL, 1},
        {"specifications/z-1.0.gemspec",
         "Gem::Specification.new do |s|\n  s.name = \"z\"\n  s.name == \"no\"\n"
         "  s.license = \"unterminated\n  s.version = \"1.0\" if true\nend\n",
         "z", "1.0", NULL, NULL, 0},
    };
    struct feed f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[256];
        const struct pkg *p;
        snprintf(path, sizeof(path), "usr/lib/ruby/gems/3.1.0/%s", cases[i].file);
        feed_str(&f, &analyzer_gem, path, cases[i].doc);
        if (feed_npkgs(&f) != 1)
            fail_msg("case %zu: %zu packages", i, feed_npkgs(&f));
        p = feed_pkg(&f, 0);
        assert_string_equal(p->name, cases[i].name);
        assert_string_equal(p->version, cases[i].version);
        if (cases[i].license)
            assert_string_equal(p->license, cases[i].license);
        else
            assert_null(p->license);
        if (cases[i].arch)
            assert_string_equal(p->arch, cases[i].arch);
        else
            assert_null(p->arch);
        assert_int_equal(feed_nproblems(&f, MOAT_WARN), cases[i].warnings);
        if (strstr(cases[i].file, "default/"))
            assert_string_equal(prop(p, "gem:default"), "true");
        feed_free(&f);
    }
}

static void
test_gem_problems(void **state)
{
    static const char bin[] = "Gem::Specification.new do |s|\n s.name = \"x\0y\"\n\0\1\2";
    struct feed f;
    char *big;
    size_t i;

    (void)state;
    /* no spec fields and a file name without a version */
    feed_str(&f, &analyzer_gem, "specifications/noversion.gemspec", "puts 1\n");
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    /* binary data: nothing literal inside, so the file name with a warning */
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gem, "specifications/a-1.gemspec", bin, sizeof(bin) - 1, 0);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_string_equal(feed_pkg(&f, 0)->name, "a");
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1);
    feed_free(&f);
    /* a 1 MiB one-line string and unterminated %q */
    big = malloc((1u << 20) + 128);
    assert_non_null(big);
    i = (size_t)snprintf(big, 128, "Gem::Specification.new do |s|\n  s.name = \"");
    memset(big + i, 'a', 1u << 20);
    i += 1u << 20;
    i += (size_t)snprintf(big + i, 128, "\"\n  s.version = %%q{1.0\n");
    feed_init(&f, 0);
    feed_file(&f, &analyzer_gem, "specifications/b-2.gemspec", big, i, 0);
    assert_int_equal(feed_npkgs(&f), 1);
    assert_string_equal(feed_pkg(&f, 0)->name, "b"); /* from the file name */
    assert_string_equal(feed_pkg(&f, 0)->version, "2");
    /* the overlong name and the file-name fallback are both told */
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 2);
    feed_free(&f);
    free(big);
}

/* The real oracle: RubyGems loading this machine's specifications. */
static void
test_gem_real(void **state)
{
    static const char script[] =
        "ruby -e 'Dir.glob([\"/usr/lib/ruby/gems/*/specifications/**/*.gemspec\","
        " \"/var/lib/gems/*/specifications/**/*.gemspec\","
        " \"/usr/share/rubygems-integration/*/specifications/*.gemspec\"]).each { |f|"
        " s = Gem::Specification.load(f) or next;"
        " puts [f, s.name, s.version.to_s, s.licenses.join(\" OR \"), "
        "s.platform.to_s].join(\"\\t\") }'"
        " 2>/dev/null";
    char line[8192];
    FILE *out;
    size_t checked = 0;

    (void)state;
    if (system("ruby -e 'require \"rubygems\"' >/dev/null 2>&1") != 0) {
        printf("SKIP test_gem_real: ruby is not installed (Debian package ruby)\n");
        return;
    }
    out = popen(script, "r");
    assert_non_null(out);
    while (fgets(line, sizeof(line), out)) {
        char *field[5], *nl, *buf;
        struct feed f;
        size_t len, k;
        const struct pkg *p;

        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        field[0] = line;
        for (k = 1; k < 5; k++) {
            field[k] = strchr(field[k - 1], '\t');
            assert_non_null(field[k]);
            *field[k]++ = '\0';
        }
        buf = feed_read_path(line, &len);
        assert_non_null(buf);
        feed_init(&f, 0);
        feed_file(&f, &analyzer_gem, line + 1, buf, len, 0);
        if (feed_npkgs(&f) != 1)
            fail_msg("%s: RubyGems loads %s %s, moat reported %zu packages", line, field[1],
                     field[2], feed_npkgs(&f));
        p = feed_pkg(&f, 0);
        if (strcmp(p->name, field[1]) != 0 || strcmp(p->version, field[2]) != 0 ||
            strcmp(p->license ? p->license : "", field[3]) != 0 ||
            strcmp(p->arch ? p->arch : "ruby", field[4]) != 0)
            fail_msg("%s: moat read %s %s [%s] %s, RubyGems %s %s [%s] %s", line, p->name,
                     p->version, p->license ? p->license : "", p->arch ? p->arch : "ruby", field[1],
                     field[2], field[3], field[4]);
        assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
        checked++;
        feed_free(&f);
        free(buf);
    }
    pclose(out);
    printf("real gem specifications: %zu match RubyGems\n", checked);
    assert_true(checked > 0);
}

/* ---- Composer ---- */

static const char composer2[] =
    "{\n"
    "    \"packages\": [\n"
    "        {\n"
    "            \"name\": \"symfony/console\",\n"
    "            \"version\": \"v5.4.1\",\n"
    "            \"version_normalized\": \"5.4.1.0\",\n"
    "            \"source\": {\"type\": \"git\", \"url\": "
    "\"https://github.com/symfony/console.git\","
    " \"reference\": \"9130e1a0fc93cb0faadca4ee917171bd2ca9e5f4\"},\n"
    "            \"require\": {\"php\": \">=7.2.5\"},\n"
    "            \"type\": \"library\",\n"
    "            \"installation-source\": \"dist\",\n"
    "            \"license\": [\"MIT\"],\n"
    "            \"authors\": [{\"name\": \"Fabien Potencier\", \"email\": \"fabien@symfony.com\"},"
    " {\"name\": \"Symfony Community\", \"homepage\": \"https://symfony.com/contributors\"}],\n"
    "            \"install-path\": \"../symfony/console\"\n"
    "        },\n"
    "        {\n"
    "            \"name\": \"phpunit/phpunit\",\n"
    "            \"version\": \"9.6.19\",\n"
    "            \"license\": [\"BSD-3-Clause\"],\n"
    "            \"install-path\": \"../phpunit/phpunit\"\n"
    "        },\n"
    "        {\n"
    "            \"name\": \"monolog/monolog\",\n"
    "            \"version\": \"dev-main\",\n"
    "            \"license\": [\"LGPL-2.1-only\", \"GPL-3.0-or-later\"]\n"
    "        }\n"
    "    ],\n"
    "    \"dev\": true,\n"
    "    \"dev-package-names\": [\"phpunit/phpunit\"]\n"
    "}\n";

static void
test_composer(void **state)
{
    static const char composer1[] =
        "[{\"name\":\"guzzlehttp/guzzle\",\"version\":\"6.5.5\",\"license\":[\"MIT\"]},"
        "{\"name\":\"psr/log\",\"version\":\"1.1.4\",\"license\":\"MIT\"}]";
    struct feed f;
    const struct pkg *p;

    (void)state;
    feed_str(&f, &analyzer_composer, "var/www/vendor/composer/installed.json", composer2);
    assert_int_equal(feed_npkgs(&f), 3);
    p = feed_find(&f, "console");
    assert_non_null(p);
    assert_int_equal(p->type, MOAT_PKG_COMPOSER);
    assert_string_equal(p->ns, "symfony");
    assert_string_equal(p->version, "v5.4.1");
    assert_string_equal(p->license, "MIT");
    assert_string_equal(p->supplier, "Fabien Potencier, Symfony Community");
    assert_null(prop(p, "composer:dev"));
    p = feed_find(&f, "phpunit");
    assert_string_equal(prop(p, "composer:dev"), "true");
    p = feed_find(&f, "monolog");
    assert_string_equal(p->version, "dev-main");
    assert_string_equal(p->license, "LGPL-2.1-only OR GPL-3.0-or-later");
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_free(&f);

    feed_str(&f, &analyzer_composer, "vendor/composer/installed.json", composer1);
    assert_int_equal(feed_npkgs(&f), 2);
    assert_string_equal(feed_find(&f, "guzzle")->ns, "guzzlehttp");
    assert_string_equal(feed_find(&f, "log")->license, "MIT");
    feed_free(&f);
}

static void
test_composer_problems(void **state)
{
    static const struct {
        const char *doc;
        size_t pkgs, failed;
    } cases[] = {
        {"{\"packages\": {}}", 0, 1},
        {"{\"other\": []}", 0, 1},
        {"42", 0, 1},
        {"[", 0, 1},
        {"[]", 0, 0},
        {"{\"packages\": []}", 0, 0},
        /* no vendor, no version, non-string name, empty parts: skipped one by one */
        {"[{\"name\":\"novendor\",\"version\":\"1\"},{\"name\":\"a/b\"},{\"name\":5,"
         "\"version\":\"1\"},{\"name\":\"/b\",\"version\":\"1\"},{\"name\":\"a/\","
         "\"version\":\"1\"},\"str\",{\"name\":\"ok/ok\",\"version\":\"1\"}]",
         1, 5 + 1}, /* six bad: five told one by one, then the count */
    };
    struct feed f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        feed_str(&f, &analyzer_composer, "vendor/composer/installed.json", cases[i].doc);
        if (feed_npkgs(&f) != cases[i].pkgs || feed_nproblems(&f, MOAT_FAILED) != cases[i].failed)
            fail_msg("case %zu: %zu packages, %zu problems", i, feed_npkgs(&f),
                     feed_nproblems(&f, MOAT_FAILED));
        feed_free(&f);
    }
}

/* ---- .NET ---- */

static const char deps[] =
    "{\n"
    "  \"runtimeTarget\": {\"name\": \".NETCoreApp,Version=v8.0/linux-x64\", \"signature\": "
    "\"\"},\n"
    "  \"compilationOptions\": {},\n"
    "  \"targets\": {\n"
    "    \".NETCoreApp,Version=v8.0\": {},\n"
    "    \".NETCoreApp,Version=v8.0/linux-x64\": {\n"
    "      \"MyApp/1.0.0\": {\"dependencies\": {\"Newtonsoft.Json\": \"13.0.3\"},"
    " \"runtime\": {\"MyApp.dll\": {}}},\n"
    "      \"Newtonsoft.Json/13.0.3\": {\"runtime\": {\"lib/net6.0/Newtonsoft.Json.dll\":"
    " {\"assemblyVersion\": \"13.0.0.0\", \"fileVersion\": \"13.0.3.27908\"}}}\n"
    "    }\n"
    "  },\n"
    "  \"libraries\": {\n"
    "    \"MyApp/1.0.0\": {\"type\": \"project\", \"serviceable\": false, \"sha512\": \"\"},\n"
    "    \"Newtonsoft.Json/13.0.3\": {\n"
    "      \"type\": \"package\",\n"
    "      \"serviceable\": true,\n"
    "      \"sha512\": "
    "\"sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/"
    "tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==\",\n"
    "      \"path\": \"newtonsoft.json/13.0.3\",\n"
    "      \"hashPath\": \"newtonsoft.json.13.0.3.nupkg.sha512\"\n"
    "    },\n"
    "    \"System.Text.Json/8.0.4\": {\"type\": \"package\", \"serviceable\": true},\n"
    "    \"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.5\": {\"type\": "
    "\"runtimepack\"}\n"
    "  }\n"
    "}\n";

static void
test_dotnet(void **state)
{
    struct feed f;
    const struct pkg *p;

    (void)state;
    feed_str(&f, &analyzer_dotnet, "app/MyApp.deps.json", deps);
    assert_int_equal(feed_npkgs(&f), 2);
    p = feed_find(&f, "Newtonsoft.Json");
    assert_non_null(p);
    assert_int_equal(p->type, MOAT_PKG_NUGET);
    assert_string_equal(p->version, "13.0.3");
    assert_string_equal(prop(p, "nuget:sha512"),
                        "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+"
                        "UvDNPv4a2d18lOReHMOagPa+zQ==");
    p = feed_find(&f, "System.Text.Json");
    assert_string_equal(p->version, "8.0.4");
    assert_null(feed_find(&f, "MyApp"));
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_free(&f);
}

static void
test_dotnet_problems(void **state)
{
    static const struct {
        const char *doc;
        size_t pkgs, failed;
    } cases[] = {
        {"{}", 0, 1},
        {"{\"libraries\": []}", 0, 1},
        {"{\"libraries\": {}}", 0, 0},
        {"{\"libraries\": {\"OnlyProject/1.0\": {\"type\": \"project\"}}}", 0, 0},
        {"{\"libraries\": {\"NoVersion\": {\"type\": \"package\"}, \"/1.0\": {\"type\":"
         " \"package\"}, \"A/\": {\"type\": \"package\"}, \"A/1/2\": {\"type\": \"package\"},"
         " \"Sp ace/1\": {\"type\": \"package\"}, \"Ok/1\": {\"type\": \"package\"},"
         " \"NotObj/1\": \"package\"}}",
         1, 5},
        {"[1,2,3]", 0, 1},
        /* a UTF-8 byte order mark is skipped, as .NET and npm do */
        {"\xef\xbb\xbf{\"libraries\": {\"A/1\": {\"type\": \"package\"}}}", 1, 0},
    };
    struct feed f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        feed_str(&f, &analyzer_dotnet, "app/x.deps.json", cases[i].doc);
        if (feed_npkgs(&f) != cases[i].pkgs || feed_nproblems(&f, MOAT_FAILED) != cases[i].failed)
            fail_msg("case %zu: %zu packages, %zu problems", i, feed_npkgs(&f),
                     feed_nproblems(&f, MOAT_FAILED));
        feed_free(&f);
    }
}

/* Thousands of entries: the record is allocated once, and a 10000-name
 * dev list is a set lookup, not a scan per package. */
static void
test_large(void **state)
{
    size_t n = 20000, i, len = 0, cap = n * 120 + 256;
    char *doc = malloc(cap);
    struct feed f;

    (void)state;
    assert_non_null(doc);
    len += (size_t)snprintf(doc + len, cap - len, "{\"packages\":[");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(doc + len, cap - len,
                                "%s{\"name\":\"v%zu/p%zu\",\"version\":\"1.%zu\"}", i ? "," : "", i,
                                i, i);
    len += (size_t)snprintf(doc + len, cap - len, "],\"dev-package-names\":[");
    for (i = 0; i < n / 2; i++)
        len += (size_t)snprintf(doc + len, cap - len, "%s\"v%zu/p%zu\"", i ? "," : "", i, i);
    len += (size_t)snprintf(doc + len, cap - len, "]}");
    feed_init(&f, 0);
    feed_file(&f, &analyzer_composer, "vendor/composer/installed.json", doc, len, 0);
    assert_int_equal(feed_npkgs(&f), n);
    assert_string_equal(prop(feed_pkg(&f, 0), "composer:dev"), "true");
    assert_null(prop(feed_pkg(&f, n - 1), "composer:dev"));
    feed_free(&f);
    free(doc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_gem_spec),
        cmocka_unit_test(test_gem_forms),
        cmocka_unit_test(test_gem_problems),
        cmocka_unit_test(test_gem_real),
        cmocka_unit_test(test_composer),
        cmocka_unit_test(test_composer_problems),
        cmocka_unit_test(test_dotnet),
        cmocka_unit_test(test_dotnet_problems),
        cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

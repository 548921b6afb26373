/*
 * test_npm.c - the npm analyzer: which package.json paths are installed
 * packages (table of similar-but-different paths), the fields npm writes in
 * their current and legacy shapes, scoped and aliased packages, files that
 * must be reported as problems, hostile JSON, and - as a real oracle - every
 * package.json of the Node.js installation on this machine compared with
 * what node's own JSON.parse reads from it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"

extern const struct analyzer analyzer_npm;

static const char *
prop(const struct pkg *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nprops; i++)
        if (strcmp(p->props[i].name, name) == 0)
            return p->props[i].value;
    return NULL;
}

/* Feeds doc at path; returns the one package or NULL. */
static const struct pkg *
one(struct feed *f, const char *path, const char *doc)
{
    feed_init(f, 0);
    assert_int_equal(feed_file(f, &analyzer_npm, path, doc, strlen(doc), 0), 0);
    assert_true(feed_npkgs(f) <= 1);
    return feed_npkgs(f) ? feed_pkg(f, 0) : NULL;
}

static void
test_paths(void **state)
{
    static const struct {
        const char *path;
        int wanted;
    } cases[] = {
        {"app/node_modules/lodash/package.json", 1},
        {"node_modules/lodash/package.json", 1},
        {"usr/lib/node_modules/npm/package.json", 1},
        {"usr/local/lib/node_modules/corepack/package.json", 1},
        {"app/node_modules/@babel/core/package.json", 1},
        {"app/node_modules/a/node_modules/b/package.json", 1},
        {"app/node_modules/a/node_modules/@s/b/package.json", 1},
        {"app/node_modules/.pnpm/b@1.0.0/node_modules/b/package.json", 1},
        {"usr/share/nodejs/lodash/package.json", 1},
        {"usr/share/nodejs/@types/node/package.json", 1},
        {"usr/lib/nodejs/ws/package.json", 1},
        {"usr/lib/x86_64-linux-gnu/nodejs/bufferutil/package.json", 1},
        /* not installed packages */
        {"app/package.json", 0},
        {"package.json", 0},
        {"node_modules/package.json", 0},
        {"app/node_modules/lodash/lib/package.json", 0},
        {"app/node_modules/@babel/package.json", 0},
        {"app/node_modules/@babel/core/lib/package.json", 0},
        {"app/node_modules/.bin/package.json", 0},
        {"app/node_modules/.pnpm/package.json", 0},
        {"app/node_modules/@/x/package.json", 0},
        {"app/my_node_modules/x/package.json", 0},
        {"app/node_modules_old/x/package.json", 0},
        {"app/node_modules/x/package.json.bak", 0},
        {"app/node_modules/x/old-package.json", 0},
        {"usr/share/nodejs/package.json", 0},
        {"opt/usr/share/nodejs/x/package.json", 0},
        {"usr/lib/a/b/nodejs/x/package.json", 0},
        {"srv/nodejs/x/package.json", 0},
    };
    struct layer_entry le = {0};
    struct entry e;
    size_t i;

    (void)state;
    le.type = ENTRY_REG;
    e.le = &le;
    e.opt = NULL;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *slash = strrchr(cases[i].path, '/');
        e.path = cases[i].path;
        e.base = slash ? slash + 1 : e.path;
        if ((analyzer_npm.wants(&e) != WANT_NO) != cases[i].wanted)
            fail_msg("%s: wanted %d", cases[i].path, !cases[i].wanted);
    }
}

static void
test_fields(void **state)
{
    static const char doc[] =
        "{\n"
        "  \"name\": \"@babel/core\",\n"
        "  \"version\": \"7.24.5\",\n"
        "  \"description\": \"Babel compiler core.\",\n"
        "  \"main\": \"./lib/index.js\",\n"
        "  \"author\": \"The Babel Team (https://babel.dev/team)\",\n"
        "  \"license\": \"MIT\",\n"
        "  \"publishConfig\": {\"access\": \"public\"},\n"
        "  \"repository\": {\"type\": \"git\", \"url\": \"https://github.com/babel/babel.git\"},\n"
        "  \"dependencies\": {\"@babel/code-frame\": \"^7.24.2\", \"semver\": \"^6.3.1\"},\n"
        "  \"engines\": {\"node\": \">=6.9.0\"}\n"
        "}\n";
    struct feed f;
    const struct pkg *p;

    (void)state;
    p = one(&f, "app/node_modules/@babel/core/package.json", doc);
    assert_non_null(p);
    assert_int_equal(p->type, MOAT_PKG_NPM);
    assert_string_equal(p->ns, "babel");
    assert_string_equal(p->name, "core");
    assert_string_equal(p->version, "7.24.5");
    assert_string_equal(p->license, "MIT");
    assert_string_equal(p->supplier, "The Babel Team (https://babel.dev/team)");
    assert_null(prop(p, "npm:directory"));
    assert_false(p->db);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
    feed_free(&f);
}

static void
test_legacy_shapes(void **state)
{
    static const struct {
        const char *doc, *license, *author;
    } cases[] = {
        /* npm < 7 with _resolved and the README embedded */
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":{\"type\":\"BSD-3-Clause\","
         "\"url\":\"http://x\"},\"author\":{\"name\":\"Jane Doe\",\"email\":\"j@d.org\","
         "\"url\":\"http://d.org\"},\"_resolved\":\"https://registry.npmjs.org/x/-/x-1.0.0.tgz\","
         "\"_integrity\":\"sha512-AAAA\",\"readme\":\"# x\\n\\nlong text\"}",
         "BSD-3-Clause", "Jane Doe <j@d.org>"},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"licenses\":[{\"type\":\"MIT\",\"url\":\"u\"},"
         "{\"type\":\"Apache-2.0\"}],\"author\":{\"name\":\"Jane\"}}",
         "MIT OR Apache-2.0", "Jane"},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"licenses\":[\"GPL-2.0-only\"]}", "GPL-2.0-only",
         NULL},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":[\"MIT\",\"ISC\"]}", "MIT OR ISC",
         NULL},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"licenses\":[{\"type\":\"MIT AND ISC\"},"
         "{\"type\":\"0BSD\"}]}",
         "(MIT AND ISC) OR 0BSD", NULL},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"licenses\":[{\"type\":\"MIT AND ISC\"}]}",
         "MIT AND ISC", NULL},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":\"(MIT OR Apache-2.0)\"}",
         "(MIT OR Apache-2.0)", NULL},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":42,\"author\":[\"a\"]}", NULL, NULL},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"license\":\"\",\"author\":\"\"}", NULL, NULL},
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"author\":\"a\\nb\"}", NULL, NULL},
    };
    struct feed f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct pkg *p = one(&f, "node_modules/x/package.json", cases[i].doc);
        assert_non_null(p);
        if (cases[i].license)
            assert_string_equal(p->license, cases[i].license);
        else
            assert_null(p->license);
        if (cases[i].author)
            assert_string_equal(p->supplier, cases[i].author);
        else
            assert_null(p->supplier);
        /* only the author with a newline is worth a warning */
        assert_int_equal(feed_nproblems(&f, MOAT_WARN), i == 9);
        if (i == 0) {
            assert_string_equal(prop(p, "npm:resolved"),
                                "https://registry.npmjs.org/x/-/x-1.0.0.tgz");
            assert_string_equal(prop(p, "npm:integrity"), "sha512-AAAA");
        }
        feed_free(&f);
    }
}

static void
test_alias_and_mismatch(void **state)
{
    struct feed f;
    const struct pkg *p;

    (void)state;
    /* npm i string-width-cjs@npm:string-width@4.2.3 */
    p = one(&f, "app/node_modules/string-width-cjs/package.json",
            "{\"name\":\"string-width\",\"version\":\"4.2.3\",\"license\":\"MIT\"}");
    assert_non_null(p);
    assert_string_equal(p->name, "string-width");
    assert_null(p->ns);
    assert_string_equal(prop(p, "npm:directory"), "string-width-cjs");
    feed_free(&f);

    p = one(&f, "app/node_modules/@scope/real/package.json",
            "{\"name\":\"@other/real\",\"version\":\"1.0.0\"}");
    assert_string_equal(p->ns, "other");
    assert_string_equal(prop(p, "npm:directory"), "@scope/real");
    feed_free(&f);

    /* an unscoped name in a scope directory, and "@x" without a slash */
    p = one(&f, "app/node_modules/@scope/real/package.json",
            "{\"name\":\"real\",\"version\":\"1.0.0\"}");
    assert_null(p->ns);
    assert_string_equal(p->name, "real");
    assert_string_equal(prop(p, "npm:directory"), "@scope/real");
    feed_free(&f);
    p = one(&f, "app/node_modules/@x/package.json", "{\"name\":\"@x\",\"version\":\"1\"}");
    assert_null(p); /* the scope directory is not wanted at all */
    feed_free(&f);
}

static void
test_problems(void **state)
{
    static const struct {
        const char *doc;
        size_t pkgs;
        enum moat_grade grade;
    } cases[] = {
        {"{\"version\":\"1.0.0\"}", 0, MOAT_FAILED},
        {"{\"name\":\"x\"}", 0, MOAT_FAILED},
        {"{}", 0, MOAT_FAILED},
        {"{\"name\":1,\"version\":\"1.0.0\"}", 0, MOAT_FAILED},
        {"{\"name\":\"x\",\"version\":[\"1\"]}", 0, MOAT_FAILED},
        {"{\"name\":\"\",\"version\":\"1.0.0\"}", 0, MOAT_FAILED},
        {"{\"name\":\"a b\",\"version\":\"1.0.0\"}", 0, MOAT_FAILED},
        {"{\"name\":\"x\",\"version\":\"1.0.0\\n\"}", 0, MOAT_FAILED},
        {"[\"name\",\"version\"]", 0, MOAT_FAILED},
        {"\"just a string\"", 0, MOAT_FAILED},
        {"", 0, MOAT_FAILED},
        {"{\"name\":\"x\",\"version\":\"1.0.0\"", 0, MOAT_FAILED},
        {"{\"name\":\"x\",\"version\":\"1.0.0\"} trailing", 0, MOAT_FAILED},
        {"{\"name\":\"x\\u0000y\",\"version\":\"1.0.0\"}", 0, MOAT_FAILED},
        {"{\"name\":\"\xff\xfe\",\"version\":\"1.0.0\"}", 0, MOAT_FAILED},
        /* duplicate keys: the last wins as in JSON.parse, and it is noted */
        {"{\"name\":\"x\",\"version\":\"1.0.0\",\"version\":\"6.6.6\"}", 1, MOAT_WARN},
    };
    struct feed f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        feed_init(&f, 0);
        feed_file(&f, &analyzer_npm, "node_modules/x/package.json", cases[i].doc,
                  strlen(cases[i].doc), 0);
        if (feed_npkgs(&f) != cases[i].pkgs || feed_nproblems(&f, MOAT_WARN) != 1 ||
            feed_nproblems(&f, cases[i].grade) != 1)
            fail_msg("case %zu: %zu packages, %zu problems", i, feed_npkgs(&f),
                     feed_nproblems(&f, MOAT_WARN));
        if (cases[i].pkgs)
            assert_string_equal(feed_pkg(&f, 0)->version, "6.6.6");
        feed_free(&f);
    }
}

static void
test_hostile(void **state)
{
    struct feed f;
    char *deep, *longname;
    size_t i, n = 200000;

    (void)state;
    /* nesting far beyond the depth limit: rejected before jansson recurses */
    deep = malloc(2 * n + 64);
    assert_non_null(deep);
    i = (size_t)snprintf(deep, 64, "{\"name\":\"x\",\"version\":\"1\",\"a\":");
    memset(deep + i, '[', n);
    memset(deep + i + n, ']', n);
    deep[i + 2 * n] = '}';
    feed_init(&f, 0);
    feed_file(&f, &analyzer_npm, "node_modules/x/package.json", deep, i + 2 * n + 1, 0);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    free(deep);

    /* a 600-byte name */
    longname = malloc(700);
    assert_non_null(longname);
    memcpy(longname, "{\"name\":\"", 9);
    memset(longname + 9, 'a', 600);
    memcpy(longname + 609, "\",\"version\":\"1\"}", 17);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_npm, "node_modules/x/package.json", longname, 625, 0);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    free(longname);

    /* binary garbage */
    feed_init(&f, 0);
    feed_file(&f, &analyzer_npm, "node_modules/x/package.json",
              "\x7f"
              "ELF\0\1\2\3",
              8, 0);
    assert_int_equal(feed_npkgs(&f), 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
}

/* ---- the real oracle: node reading the same files ---- */

static struct {
    char **paths;
    size_t n, cap;
} found;

static int
collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_F && strcmp(path + strlen(path) - 12, "package.json") == 0 &&
        strlen(path) > 12) {
        if (found.n == found.cap) {
            found.cap = found.cap ? found.cap * 2 : 256;
            found.paths = realloc(found.paths, found.cap * sizeof(*found.paths));
            assert_non_null(found.paths);
        }
        found.paths[found.n++] = strdup(path);
    }
    return 0;
}

static void
test_real_node_modules(void **state)
{
    static const char *const roots[] = {"/usr/lib/node_modules", "/usr/local/lib/node_modules",
                                        "/usr/share/nodejs"};
    char listfile[] = "/tmp/moat-npm-oracle-XXXXXX";
    char cmd[512], line[8192];
    FILE *fp, *out;
    size_t i, wanted = 0, checked = 0;
    int fd;

    (void)state;
    for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
        nftw(roots[i], collect, 32, FTW_PHYS);
    if (found.n == 0 || system("node --version >/dev/null 2>&1") != 0) {
        printf("SKIP test_real_node_modules: %s\n",
               found.n ? "node is not installed" : "no global node_modules on this machine");
        return;
    }
    fd = mkstemp(listfile);
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    for (i = 0; i < found.n; i++)
        fprintf(fp, "%s\n", found.paths[i]);
    fclose(fp);
    snprintf(cmd, sizeof(cmd),
             "node -e 'const fs=require(\"fs\");"
             "for (const p of fs.readFileSync(process.argv[1],\"utf8\").split(\"\\n\")) {"
             " if (!p) continue; let j; try { j = JSON.parse(fs.readFileSync(p,\"utf8\")); }"
             " catch (e) { console.log(p + \"\\t!\\t!\"); continue; }"
             " console.log(p + \"\\t\" + j.name + \"\\t\" + j.version); }' %s",
             listfile);
    out = popen(cmd, "r");
    assert_non_null(out);
    while (fgets(line, sizeof(line), out)) {
        char *name, *version, *nl;
        struct feed f;
        char *buf;
        size_t len;
        const struct pkg *p;
        char full[1024];

        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        name = strchr(line, '\t');
        assert_non_null(name);
        *name++ = '\0';
        version = strchr(name, '\t');
        assert_non_null(version);
        *version++ = '\0';
        buf = feed_read_path(line, &len);
        assert_non_null(buf);
        feed_init(&f, 0);
        feed_file(&f, &analyzer_npm, line + 1, buf, len, 0);
        if (f.lr.recs.len || f.lr.problems.len)
            wanted++;
        if (feed_npkgs(&f) == 1) {
            p = feed_pkg(&f, 0);
            snprintf(full, sizeof(full), "%s%s%s%s", p->ns ? "@" : "", p->ns ? p->ns : "",
                     p->ns ? "/" : "", p->name);
            if (strcmp(full, name) != 0 || strcmp(p->version, version) != 0)
                fail_msg("%s: moat read %s@%s, node %s@%s", line, full, p->version, name, version);
            checked++;
        } else if (f.lr.recs.len || f.lr.problems.len) {
            /* a wanted file without a package must be one node cannot use either */
            if (strcmp(name, "undefined") != 0 && strcmp(version, "undefined") != 0 &&
                strcmp(name, "!") != 0)
                fail_msg("%s: node reads %s@%s, moat reported no package", line, name, version);
        }
        feed_free(&f);
        free(buf);
    }
    assert_int_equal(pclose(out), 0);
    unlink(listfile);
    printf("real package.json files: %zu found, %zu installed packages, %zu match node\n", found.n,
           wanted, checked);
    assert_true(checked > 0);
    for (i = 0; i < found.n; i++)
        free(found.paths[i]);
    free(found.paths);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_legacy_shapes),
        cmocka_unit_test(test_alias_and_mismatch),
        cmocka_unit_test(test_problems),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_real_node_modules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_python.c - the Python analyzer: which paths hold core metadata,
 * the header rules of Python's email parser (continuations, whitespace-only
 * continuation lines, first occurrence wins, body ignored), license
 * precedence (License-Expression, a one-line License, classifiers), files
 * that must be reported as problems, hostile input, and - as a real oracle -
 * every distribution installed on this machine compared with what
 * importlib.metadata reports for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "feed.h"

extern const struct analyzer analyzer_python;

static const struct pkg *
one(struct feed *f, const char *path, const char *doc)
{
    feed_init(f, 0);
    assert_int_equal(feed_file(f, &analyzer_python, path, doc, strlen(doc), 0), 0);
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
        {"usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/METADATA", 1},
        {"usr/local/lib/python3.12/site-packages/requests-2.32.3.dist-info/METADATA", 1},
        {"opt/venv/lib/python3.11/site-packages/pip-24.0.dist-info/METADATA", 1},
        {"usr/lib/python3/dist-packages/PyGObject-3.42.2.egg-info/PKG-INFO", 1},
        {"usr/lib/python3/dist-packages/cryptography.egg-info/PKG-INFO", 1},
        {"usr/lib/python2.7/dist-packages/six-1.16.0.egg-info", 1},
        {"x.dist-info/METADATA", 1},
        {"usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/RECORD", 0},
        {"usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/METADATA.bak", 0},
        {"usr/lib/python3/dist-packages/.dist-info/METADATA", 0},
        {"usr/lib/python3/dist-packages/foo.dist-info-old/METADATA", 0},
        {"usr/lib/python3/dist-packages/foo-1.0.egg-info/METADATA", 0},
        {"usr/lib/python3/dist-packages/foo-1.0.dist-info/PKG-INFO", 0},
        {"src/foo-1.0/PKG-INFO", 0},
        {"METADATA", 0},
        {"usr/lib/python3/dist-packages/.egg-info", 0},
        {"usr/lib/python3/dist-packages/foo.egg-info.txt", 0},
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
        if ((analyzer_python.wants(&e) != WANT_NO) != cases[i].wanted)
            fail_msg("%s: wanted %d", cases[i].path, !cases[i].wanted);
    }
}

/* As setuptools writes it: a pasted license text with whitespace-only
 * continuation lines, classifiers after it, a body that repeats fields. */
static const char metadata[] = "Metadata-Version: 2.1\n"
                               "Name: Foo.Bar_baz\n"
                               "Version: 2.0.0rc1\n"
                               "Summary: A demo\n"
                               "Home-page: https://example.org\n"
                               "Author: Jane Doe\n"
                               "Author-email: jane@example.org\n"
                               "License: BSD 3-Clause License\n"
                               "        \n"
                               "        Copyright (c) 2001-, The Team\n"
                               "        \n"
                               "        Redistribution and use in source and binary forms...\n"
                               "Classifier: Development Status :: 5 - Production/Stable\n"
                               "Classifier: License :: OSI Approved :: BSD License\n"
                               "Classifier: License :: OSI Approved :: MIT License\n"
                               "Classifier: Programming Language :: Python :: 3\n"
                               "Requires-Python: >=3.8\n"
                               "Description-Content-Type: text/markdown\n"
                               "License-File: LICENSE\n"
                               "\n"
                               "Name: not-the-name\n"
                               "Version: 0\n"
                               "License: not the license\n";

static void
test_metadata(void **state)
{
    struct feed f;
    const struct pkg *p;
    size_t chunk;

    (void)state;
    for (chunk = 0; chunk <= 5; chunk += 5) {
        feed_init(&f, 0);
        f.chunk = chunk;
        feed_file(&f, &analyzer_python,
                  "usr/lib/python3/dist-packages/Foo.Bar_baz-2.0.0rc1.dist-info/METADATA", metadata,
                  strlen(metadata), 0);
        assert_int_equal(feed_npkgs(&f), 1);
        p = feed_pkg(&f, 0);
        assert_int_equal(p->type, MOAT_PKG_PYPI);
        assert_string_equal(p->name, "Foo.Bar_baz"); /* as declared */
        assert_string_equal(p->version, "2.0.0rc1");
        /* the pasted text is no name: classifiers instead */
        assert_string_equal(p->license, "BSD License AND MIT");
        assert_string_equal(p->supplier, "Jane Doe");
        assert_int_equal(feed_nproblems(&f, MOAT_WARN), 0);
        feed_free(&f);
    }
}

static void
test_license_precedence(void **state)
{
    static const struct {
        const char *doc, *license, *supplier;
    } cases[] = {
        {"Name: a\nVersion: 1\nLicense-Expression: Apache-2.0 OR BSD-3-Clause\nLicense: MIT\n"
         "Classifier: License :: OSI Approved :: MIT License\n",
         "Apache-2.0 OR BSD-3-Clause", NULL},
        {"Name: a\nVersion: 1\nLicense: BSD-3-Clause OR Apache-2.0\n"
         "Classifier: License :: OSI Approved :: Apache Software License\n",
         "BSD-3-Clause OR Apache-2.0", NULL},
        {"Name: a\nVersion: 1\nLicense: UNKNOWN\nAuthor: UNKNOWN\nAuthor-email: a@b.c\n"
         "Classifier: License :: OSI Approved :: GNU General Public License v2 or later "
         "(GPLv2+)\n",
         "GPL-2.0-or-later", "a@b.c"},
        {"Name: a\nVersion: 1\nClassifier: License :: OSI Approved :: Apache Software License\n"
         "Classifier: License :: OSI Approved :: Apache Software License\n"
         "Classifier: License :: Public Domain\nMaintainer: M\n",
         "Apache Software License AND Public Domain", "M"},
        {"Name: a\nVersion: 1\nClassifier: License :: OSI Approved\n"
         "Classifier: License :: OSI Approved :: Python Software Foundation License\n",
         "PSF-2.0", NULL},
        {"Name: a\nVersion: 1\nLicense: GNU LGPL\n", "GNU LGPL", NULL},
        {"Name: a\nVersion: 1\n", NULL, NULL},
        /* folded continuation of a License name: treated as text */
        {"Name: a\nVersion: 1\nLicense: MIT\n  and more\n", NULL, NULL},
        /* PKG-INFO 1.0 of distutils, CRLF line ends */
        {"Metadata-Version: 1.0\r\nName: six\r\nVersion: 1.16.0\r\nAuthor: Benjamin Peterson\r\n"
         "License: MIT\r\nDescription: UNKNOWN\r\n\r\n",
         "MIT", "Benjamin Peterson"},
    };
    struct feed f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct pkg *p = one(&f, "x/a-1.dist-info/METADATA", cases[i].doc);
        assert_non_null(p);
        if (cases[i].license) {
            if (!p->license || strcmp(p->license, cases[i].license) != 0)
                fail_msg("case %zu: license %s", i, p->license ? p->license : "(null)");
        } else if (p->license) {
            fail_msg("case %zu: license %s", i, p->license);
        }
        if (cases[i].supplier)
            assert_string_equal(p->supplier, cases[i].supplier);
        else
            assert_null(p->supplier);
        feed_free(&f);
    }
}

static void
test_header_rules(void **state)
{
    struct feed f;
    const struct pkg *p;

    (void)state;
    /* the first occurrence wins; names are case-insensitive */
    p = one(&f, "x/a.egg-info/PKG-INFO", "name: first\nNAME: second\nversion: 1.0\n");
    assert_string_equal(p->name, "first");
    feed_free(&f);
    /* a body starting without a blank line ends the headers */
    p = one(&f, "x/a.egg-info/PKG-INFO", "Name: a\nthis is the body\nVersion: 9\n");
    assert_null(p);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    /* a continuation line before any header is ignored */
    p = one(&f, "x/a.egg-info", "  stray\nName: a\nVersion: 1\n");
    assert_non_null(p);
    assert_string_equal(p->version, "1");
    feed_free(&f);
}

static void
test_problems(void **state)
{
    static const char *const bad[] = {
        "Version: 1\n",
        "Name: a\n",
        "Name:\nVersion: 1\n",
        "",
        "\n\nName: a\nVersion: 1\n", /* headers end at the first empty line */
        "Name: a\nVersion: 1 0\n",
        "Name: \xff\xfe\nVersion: 1\n",
        "Name: a\nVersion: 1\n\0binary",
    };
    struct feed f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t len = i == 7 ? 26 : strlen(bad[i]);
        feed_init(&f, 0);
        feed_file(&f, &analyzer_python, "x/a-1.dist-info/METADATA", bad[i], len, 0);
        if (feed_npkgs(&f) != 0 || feed_nproblems(&f, MOAT_FAILED) != 1)
            fail_msg("case %zu: %zu packages, %zu problems", i, feed_npkgs(&f),
                     feed_nproblems(&f, MOAT_FAILED));
        feed_free(&f);
    }
}

static void
test_hostile(void **state)
{
    struct feed f;
    char *big;
    size_t i, n = 4u << 20;
    const struct pkg *p;

    (void)state;
    /* 4 MiB of continuation lines and 10000 classifiers */
    big = malloc(n + 1);
    assert_non_null(big);
    i = (size_t)snprintf(big, n, "Name: a\nVersion: 1\nLicense: x\n");
    while (i + 64 < n / 2)
        i += (size_t)snprintf(big + i, n - i, "  \n  more text\n");
    while (i + 64 < n)
        i += (size_t)snprintf(big + i, n - i, "Classifier: License :: OSI Approved :: L%zu\n",
                              i % 97);
    big[i] = '\0';
    p = one(&f, "x/a-1.dist-info/METADATA", big);
    assert_non_null(p);
    assert_non_null(p->license);
    assert_true(strlen(p->license) <= 1024);
    feed_free(&f);
    free(big);

    /* an overlong license name is not copied */
    big = malloc(3000);
    assert_non_null(big);
    i = (size_t)snprintf(big, 3000, "Name: a\nVersion: 1\nLicense: ");
    memset(big + i, 'L', 2000);
    big[i + 2000] = '\0';
    p = one(&f, "x/a-1.dist-info/METADATA", big);
    assert_null(p->license);
    feed_free(&f);
    free(big);
}

/* ---- the real oracle: importlib.metadata on this machine's packages ---- */

static void
test_real_site_packages(void **state)
{
    static const char script[] =
        "python3 -c '\n"
        "import importlib.metadata as m, sys, os\n"
        "dirs = [\"/usr/lib/python3/dist-packages\"] + [p for p in sys.path if "
        "p.endswith(\"-packages\")]\n"
        "for d in dict.fromkeys(dirs):\n"
        "    if not os.path.isdir(d): continue\n"
        "    for dist in m.distributions(path=[d]):\n"
        "        p = str(dist._path)\n"
        "        if os.path.isdir(p):\n"
        "            p = os.path.join(p, \"METADATA\" if p.endswith(\".dist-info\") else "
        "\"PKG-INFO\")\n"
        "        print(\"%s\\t%s\\t%s\" % (p, dist.metadata[\"Name\"], dist.version))\n"
        "' 2>/dev/null";
    char line[8192];
    FILE *out;
    size_t seen = 0, checked = 0;

    (void)state;
    if (system("python3 -c 'import importlib.metadata' >/dev/null 2>&1") != 0) {
        printf("SKIP test_real_site_packages: python3 with importlib.metadata not installed\n");
        return;
    }
    out = popen(script, "r");
    assert_non_null(out);
    while (fgets(line, sizeof(line), out)) {
        char *name, *version, *nl, *buf;
        struct feed f;
        size_t len;
        struct stat st;

        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        name = strchr(line, '\t');
        assert_non_null(name);
        *name++ = '\0';
        version = strchr(name, '\t');
        assert_non_null(version);
        *version++ = '\0';
        if (stat(line, &st) != 0 || !S_ISREG(st.st_mode))
            continue; /* a distribution without a metadata file */
        seen++;
        buf = feed_read_path(line, &len);
        assert_non_null(buf);
        feed_init(&f, 0);
        feed_file(&f, &analyzer_python, line + 1, buf, len, 0);
        if (feed_npkgs(&f) == 1) {
            const struct pkg *p = feed_pkg(&f, 0);
            if (strcmp(p->name, name) != 0 || strcmp(p->version, version) != 0)
                fail_msg("%s: moat read %s %s, importlib %s %s", line, p->name, p->version, name,
                         version);
            checked++;
        } else if (strcmp(name, "None") != 0 && strcmp(version, "None") != 0) {
            fail_msg("%s: importlib reads %s %s, moat reported %zu packages", line, name, version,
                     feed_npkgs(&f));
        }
        feed_free(&f);
        free(buf);
    }
    pclose(out);
    printf("real distributions: %zu metadata files, %zu match importlib.metadata\n", seen, checked);
    assert_true(checked > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_license_precedence),
        cmocka_unit_test(test_header_rules),
        cmocka_unit_test(test_problems),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_real_site_packages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

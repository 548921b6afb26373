/*
 * test_license.c - the license module: SPDX id lookup in the generated
 * tables (current, deprecated, exceptions, refs, near misses), the SPDX
 * expression checker (valid and invalid expressions, pathological input),
 * Debian short-name normalisation and DEP-5 copyright parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/license.h"
#include "base/arena.h"

static void
test_ids(void **state)
{
    static const struct {
        const char *id;
        int spdx, listed;
    } cases[] = {
        {"MIT", 1, 1},
        {"Apache-2.0", 1, 1},
        {"GPL-2.0-or-later", 1, 1},
        {"0BSD", 1, 1},                    /* first in byte order */
        {"zlib-acknowledgement", 1, 1},    /* last in byte order */
        {"GPL-2.0", 1, 1},                 /* deprecated, still valid */
        {"wxWindows", 1, 1},               /* deprecated */
        {"Classpath-exception-2.0", 1, 0}, /* exception, not a license */
        {"Nokia-Qt-exception-1.1", 1, 0},  /* deprecated exception */
        {"LicenseRef-public-domain", 1, 0},
        {"LicenseRef-a.b-1", 1, 0},
        {"DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", 1, 0},
        {"mit", 0, 0},                     /* case matters */
        {"MIT ", 0, 0},
        {"MIT-", 0, 0},
        {"MI", 0, 0},                      /* prefix of an id */
        {"GPL-2.0+", 0, 0},                /* an expression, not an id */
        {"GPL-2+", 0, 0},                  /* Debian's name */
        {"Expat", 0, 0},
        {"LicenseRef-", 0, 0},
        {"LicenseRef-a b", 0, 0},
        {"LicenseRef-a+", 0, 0},
        {"LicenseRef-a_b", 0, 0},
        {"DocumentRef-:LicenseRef-x", 0, 0},
        {"DocumentRef-x:", 0, 0},
        {"DocumentRef-x:DocumentRef-y", 0, 0},
        {"", 0, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (license_is_spdx_id(cases[i].id) != cases[i].spdx ||
            license_is_listed(cases[i].id) != cases[i].listed)
            fail_msg("%s: expected spdx=%d listed=%d", cases[i].id, cases[i].spdx,
                     cases[i].listed);
    }
    assert_false(license_is_spdx_id(NULL));
    assert_false(license_is_listed(NULL));
    assert_non_null(strstr(license_list_source(), "spdx-license-ids"));
}

static void
test_expressions(void **state)
{
    static const char *const valid[] = {
        "MIT",
        "GPL-2.0+",
        "GPL-2.0-or-later WITH Classpath-exception-2.0",
        "GPL-2.0+ WITH Classpath-exception-2.0",
        "MIT OR Apache-2.0",
        "MIT AND (LGPL-2.1-or-later OR BSD-3-Clause)",
        "(MIT)",
        "((MIT OR 0BSD))",
        "(GPL-3.0-only WITH GCC-exception-3.1) AND MIT",
        "LicenseRef-public-domain",
        "LicenseRef-x WITH Classpath-exception-2.0",
        "DocumentRef-d:LicenseRef-x OR MIT",
        "GPL-2.0-or-later AND Artistic-1.0-Perl",
        " MIT\tOR\nISC ",
        "MIT AND(ISC)",
        "(MIT)AND ISC",
    };
    static const char *const invalid[] = {
        "",
        "   ",
        "GPL-2+ or Artistic",         /* Debian style */
        "MIT or Apache-2.0",          /* lower-case operator */
        "MIT OR",
        "OR MIT",
        "MIT Apache-2.0",
        "MIT AND AND ISC",
        "(MIT",
        "MIT)",
        "()",
        "(MIT OR ISC) WITH Classpath-exception-2.0", /* WITH needs a simple expr */
        "MIT WITH",
        "MIT WITH ISC",               /* not an exception */
        "MIT WITH Classpath-exception-2.0 WITH GCC-exception-3.1",
        "Classpath-exception-2.0",    /* exception alone */
        "LicenseRef-x+",
        "MIT++",
        "+",
        "Unknown",
        "GPL",
        "BSD",
        "Public Domain",
        "MIT, Apache-2.0",
        "MIT/X11",
        "LicenseRef-",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        if (!license_is_spdx_expression(valid[i]))
            fail_msg("should be valid: \"%s\"", valid[i]);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
        if (license_is_spdx_expression(invalid[i]))
            fail_msg("should be invalid: \"%s\"", invalid[i]);
    assert_false(license_is_spdx_expression(NULL));
}

/* Deep nesting and long inputs must be answered in linear time without
 * recursion: 200000 parentheses each way. */
static void
test_expression_pathological(void **state)
{
    size_t depth = 200000, n = depth * 2 + 4, i;
    char *s = malloc(n);

    (void)state;
    assert_non_null(s);
    for (i = 0; i < depth; i++)
        s[i] = '(';
    memcpy(s + depth, "MIT", 3);
    for (i = 0; i < depth; i++)
        s[depth + 3 + i] = ')';
    s[depth * 2 + 3] = '\0';
    assert_true(license_is_spdx_expression(s));
    s[depth * 2 + 2] = '\0'; /* one ")" short */
    assert_false(license_is_spdx_expression(s));
    for (i = 0; i + 1 < n; i++)
        s[i] = 'A';
    s[n - 1] = '\0';
    assert_false(license_is_spdx_expression(s));
    free(s);
}

/* Every SPDX name license_normalize produces must be a real SPDX id: a
 * mapping to a misspelt id would put a wrong license into every SBOM. */
static void
test_normalize(void **state)
{
    static const struct {
        const char *from, *to;
    } cases[] = {
        {"GPL-2+", "GPL-2.0-or-later"}, {"GPL-2", "GPL-2.0-only"},
        {"LGPL-2.1+", "LGPL-2.1-or-later"}, {"Expat", "MIT"},
        {"BSD-3-clause", "BSD-3-Clause"}, {"Artistic", "Artistic-1.0-Perl"},
        {"public-domain", "LicenseRef-public-domain"}, {"zlib", "Zlib"},
        {"Something-Else", "Something-Else"},
    };
    static const char *const debian_names[] = {
        "GPL-1", "GPL-1+", "GPL-2", "GPL-2+", "GPL-3", "GPL-3+", "LGPL-2", "LGPL-2+",
        "LGPL-2.1", "LGPL-2.1+", "LGPL-3", "LGPL-3+", "AGPL-3", "AGPL-3+", "GFDL-1.2",
        "GFDL-1.2+", "GFDL-1.3", "GFDL-1.3+", "Expat", "BSD-2-clause", "BSD-3-clause",
        "BSD-4-clause", "Apache-2", "Apache-2.0", "MPL-1.1", "MPL-2.0", "Artistic",
        "Artistic-2.0", "Zlib", "zlib", "ISC", "MIT", "public-domain", "PSF-2",
        "Python-2.0", "OpenSSL", "CC0-1.0", "CC0", "BSL-1.0", "X11", "curl", "FSFAP",
        "FSFUL", "FSFULLR", "Unicode-DFS-2016", "WTFPL", "0BSD",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(license_normalize(cases[i].from), cases[i].to);
    for (i = 0; i < sizeof(debian_names) / sizeof(debian_names[0]); i++) {
        const char *to = license_normalize(debian_names[i]);
        if (!license_is_spdx_id(to) || !license_is_spdx_expression(to))
            fail_msg("%s maps to %s, which is not an SPDX id", debian_names[i], to);
    }
}

static void
test_dep5(void **state)
{
    static const char dep5[] =
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: perl\n"
        "\n"
        "Files: *\n"
        "Copyright: 1987-2023 Larry Wall\n"
        "License: GPL-1+ or Artistic\n"
        "\n"
        "Files: cpan/Foo/*\n"
        "License: Expat\n"
        " Permission is hereby granted ...\n"
        "\n"
        "License: GPL-1+\n"
        " This program is free software ...\n";
    static const char not_dep5[] = "This is the Debian prepackaged version of bash.\n";
    struct arena a;
    const char *lic;

    (void)state;
    arena_init(&a);
    lic = license_from_dep5(&a, dep5, strlen(dep5));
    assert_non_null(lic);
    assert_string_equal(lic, "GPL-1.0-or-later AND Artistic-1.0-Perl AND MIT");
    assert_true(license_is_spdx_expression(lic));
    assert_null(license_from_dep5(&a, not_dep5, strlen(not_dep5)));
    assert_null(license_from_dep5(&a, "Format: x\n\nFiles: *\n", 20));
    /* an embedded NUL is not a text file */
    assert_null(license_from_dep5(&a, "Format: x\n\0License: MIT\n", 25));
    arena_free(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_expression_pathological),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_dep5),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

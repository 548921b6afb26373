/*
 * license.c - license name normalisation. Debian's DEP-5 short names use
 * "+" for "or later" and a few names of their own (Expat); those map to SPDX
 * ids with a table. Names not in the table are kept as declared.
 */
#include "license.h"
#include "fields.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"

#include <string.h>

static const struct {
    const char *from, *to;
} names[] = {
    {"GPL-1", "GPL-1.0-only"},         {"GPL-1+", "GPL-1.0-or-later"},
    {"GPL-2", "GPL-2.0-only"},         {"GPL-2+", "GPL-2.0-or-later"},
    {"GPL-3", "GPL-3.0-only"},         {"GPL-3+", "GPL-3.0-or-later"},
    {"LGPL-2", "LGPL-2.0-only"},       {"LGPL-2+", "LGPL-2.0-or-later"},
    {"LGPL-2.1", "LGPL-2.1-only"},     {"LGPL-2.1+", "LGPL-2.1-or-later"},
    {"LGPL-3", "LGPL-3.0-only"},       {"LGPL-3+", "LGPL-3.0-or-later"},
    {"AGPL-3", "AGPL-3.0-only"},       {"AGPL-3+", "AGPL-3.0-or-later"},
    {"GFDL-1.2", "GFDL-1.2-only"},     {"GFDL-1.2+", "GFDL-1.2-or-later"},
    {"GFDL-1.3", "GFDL-1.3-only"},     {"GFDL-1.3+", "GFDL-1.3-or-later"},
    {"Expat", "MIT"},                  {"BSD-2-clause", "BSD-2-Clause"},
    {"BSD-3-clause", "BSD-3-Clause"},  {"BSD-4-clause", "BSD-4-Clause"},
    {"Apache-2", "Apache-2.0"},        {"Apache-2.0", "Apache-2.0"},
    {"MPL-1.1", "MPL-1.1"},            {"MPL-2.0", "MPL-2.0"},
    {"Artistic", "Artistic-1.0-Perl"}, {"Artistic-2.0", "Artistic-2.0"},
    {"Zlib", "Zlib"},                  {"zlib", "Zlib"},
    {"ISC", "ISC"},                    {"MIT", "MIT"},
    {"public-domain", "LicenseRef-public-domain"},
    {"PSF-2", "PSF-2.0"},              {"Python-2.0", "Python-2.0"},
    {"OpenSSL", "OpenSSL"},            {"CC0-1.0", "CC0-1.0"},
    {"CC0", "CC0-1.0"},                {"BSL-1.0", "BSL-1.0"},
    {"X11", "X11"},                    {"curl", "curl"},
    {"FSFAP", "FSFAP"},                {"FSFUL", "FSFUL"},
    {"FSFULLR", "FSFULLR"},            {"Unicode-DFS-2016", "Unicode-DFS-2016"},
    {"WTFPL", "WTFPL"},                {"0BSD", "0BSD"},
};

const char *
license_normalize(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i].from, name) == 0)
            return names[i].to;
    return name;
}

struct collect {
    struct arena *a;
    const char *seen[32];
    size_t n;
};

/* Splits "GPL-2+ or Artistic" into names; keeps distinct ones. */
static void
add_names(void *ud, const char *v, size_t n)
{
    struct collect *c = ud;
    size_t i = 0;

    while (i < n) {
        size_t s, e, k;
        char word[96];
        const char *norm;
        while (i < n && (v[i] == ' ' || v[i] == ',' || v[i] == '(' || v[i] == ')'))
            i++;
        s = i;
        while (i < n && v[i] != ' ' && v[i] != ',' && v[i] != '(' && v[i] != ')')
            i++;
        e = i;
        if (e == s || e - s >= sizeof(word))
            continue;
        memcpy(word, v + s, e - s);
        word[e - s] = '\0';
        if (str_eq_nocase(word, "or") || str_eq_nocase(word, "and") ||
            str_eq_nocase(word, "with") || str_eq_nocase(word, "exception"))
            continue;
        norm = license_normalize(word);
        for (k = 0; k < c->n; k++)
            if (strcmp(c->seen[k], norm) == 0)
                break;
        if (k == c->n && c->n < sizeof(c->seen) / sizeof(c->seen[0])) {
            c->seen[c->n] = arena_strdup(c->a, norm);
            if (c->seen[c->n])
                c->n++;
        }
    }
}

const char *
license_from_dep5(struct arena *a, const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len;
    struct span para;
    struct collect c;
    struct buf out;
    size_t i;
    const char *res;

    if (!str_nstarts(buf, len, "Format:") || memchr(buf, '\0', len))
        return NULL;
    c.a = a;
    c.n = 0;
    while (para_next(&cur, end, &para))
        para_each(&para, "License", add_names, &c);
    if (c.n == 0)
        return NULL;
    buf_init(&out, 4096);
    for (i = 0; i < c.n; i++)
        if (buf_printf(&out, "%s%s", i ? " AND " : "", c.seen[i]) != 0)
            break;
    res = arena_strdup(a, out.data);
    buf_free(&out);
    return res;
}

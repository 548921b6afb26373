/*
 * schemes.c - the table of version schemes and the map from OSV ecosystem
 * names to them. OSV writes distro ecosystems with a release suffix
 * ("Debian:12", "Alpine:v3.20", "Ubuntu:22.04:LTS", "Red Hat:enterprise_linux:9");
 * only the part before the first ':' selects the scheme.
 */
#include "version.h"
#include "moat/moat.h"

#include <string.h>

#define SCHEME(n) extern const struct version_scheme version_##n;
#include "list.h"
#undef SCHEME

static const struct version_scheme *const schemes[] = {
#define SCHEME(n) &version_##n,
#include "list.h"
#undef SCHEME
    NULL,
};

static const struct {
    const char *ecosystem, *scheme;
} ecosystems[] = {
    {"Debian", "dpkg"},        {"Ubuntu", "dpkg"},     {"Alpine", "apk"},
    {"Wolfi", "apk"},          {"Chainguard", "apk"},  {"Red Hat", "rpm"},
    {"AlmaLinux", "rpm"},      {"Rocky Linux", "rpm"}, {"openSUSE", "rpm"},
    {"SUSE", "rpm"},           {"Mageia", "rpm"},      {"openEuler", "rpm"},
    {"Amazon Linux", "rpm"},   {"Fedora", "rpm"},      {"CentOS", "rpm"},
    {"Oracle Linux", "rpm"},   {"npm", "npm"},         {"PyPI", "pep440"},
    {"Maven", "maven"},        {"Go", "go"},           {"crates.io", "cargo"},
    {"RubyGems", "rubygems"},  {"Packagist", "composer"}, {"NuGet", "nuget"},
    {"Bitnami", "npm"},        /* SemVer ranges (lib/detect: classifier packages) */
};

static const char *const names[] = {
    "Debian", "Ubuntu", "Alpine", "Red Hat", "AlmaLinux", "Rocky Linux", "npm", "PyPI",
    "Maven",  "Go",     "crates.io", "RubyGems", "Packagist", "NuGet", NULL,
};

const struct version_scheme *
version_scheme_named(const char *name)
{
    size_t i;

    for (i = 0; schemes[i]; i++)
        if (strcmp(schemes[i]->name, name) == 0)
            return schemes[i];
    return NULL;
}

const struct version_scheme *
version_scheme_for(const char *ecosystem)
{
    const char *colon = strchr(ecosystem, ':');
    size_t n = colon ? (size_t)(colon - ecosystem) : strlen(ecosystem), i;

    for (i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++)
        if (strlen(ecosystems[i].ecosystem) == n &&
            strncmp(ecosystems[i].ecosystem, ecosystem, n) == 0)
            return version_scheme_named(ecosystems[i].scheme);
    return NULL;
}

const char *const *
version_ecosystems(void)
{
    return names;
}

int
moat_version_cmp(const char *ecosystem, const char *a, const char *b, int *out)
{
    const struct version_scheme *vs = version_scheme_for(ecosystem);

    if (!vs)
        return -2;
    return vs->cmp(a, b, out) == 0 ? 0 : -1;
}

const char *const *
moat_version_ecosystems(void)
{
    return version_ecosystems();
}

/*
 * version.h - one version comparator per ecosystem behind one interface.
 *
 * Vulnerability matching is only as good as its version order: a comparator
 * that puts 1.0~rc1 after 1.0 (dpkg), 1.0.0-alpha after 1.0.0 (semver) or
 * 1.0.post1 before 1.0 (PEP 440) turns into false alarms or missed ones.
 * Each scheme implements its ecosystem's own rules exactly and is checked
 * against the ecosystem's reference implementation by differential tests
 * (tests/e2e/test_version_*.py).
 *
 * Schemes are entries of one table (schemes.c), one file each
 * (lib/version/<scheme>.c). OSV ecosystem names map to schemes through
 * version_scheme_for(): "Debian:12" and "Ubuntu:22.04:LTS" -> dpkg,
 * "Alpine:v3.20" -> apk, "Red Hat", "AlmaLinux", "Rocky Linux", "openSUSE"
 * ... -> rpm, "npm" -> npm semver, "PyPI" -> PEP 440, "Maven" -> Maven
 * ComparableVersion, "Go" -> Go module semver, "crates.io" -> Cargo semver,
 * "RubyGems" -> Gem::Version, "Packagist" -> Composer, "NuGet" -> NuGet.
 */
#ifndef MOAT_VERSION_VERSION_H
#define MOAT_VERSION_VERSION_H

#include <stddef.h>

struct version_scheme {
    const char *name;          /* "dpkg", "apk", "rpm", "npm", "pep440", "maven",
                                  "go", "cargo", "rubygems", "composer", "nuget" */
    /* 1 if s is a valid version of this scheme (what the ecosystem's own
     * tool would accept), else 0. Must not allocate. */
    int (*valid)(const char *s);
    /* Compares a and b: *out = -1, 0 or 1. Returns 0, or -1 when either is
     * not a valid version (then *out is untouched). Must be a total order on
     * valid versions, consistent with the reference implementation, and must
     * not allocate (it runs millions of times in matching). */
    int (*cmp)(const char *a, const char *b, int *out);
};

/* The scheme for an OSV ecosystem name (case as OSV writes it; a suffix
 * after ':' such as a release is ignored), or NULL if unknown. */
const struct version_scheme *version_scheme_for(const char *ecosystem);

/* The scheme by its own name ("dpkg"), or NULL. */
const struct version_scheme *version_scheme_named(const char *name);

/* NULL-terminated list of the OSV ecosystem names version_scheme_for
 * knows, for help texts and tests. */
const char *const *version_ecosystems(void);

/* Each scheme is `const struct version_scheme version_<name>` in
 * lib/version/<name>.c, listed in lib/version/list.h. */

#endif

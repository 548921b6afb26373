/*
 * list.h - every version scheme, one line each (see version.h). To add one:
 * write lib/version/<name>.c defining `const struct version_scheme
 * version_<name>` and add SCHEME(<name>) here.
 */
SCHEME(dpkg)
SCHEME(apk)
SCHEME(rpm)
SCHEME(pep440)
SCHEME(maven)
SCHEME(rubygems)
SCHEME(composer)
SCHEME(npm)
SCHEME(go)
SCHEME(cargo)
SCHEME(nuget)

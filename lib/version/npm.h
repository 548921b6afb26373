/*
 * npm.h - npm version ranges ("^1.2.3", "~1.2", "1.x || >=2.1.0 <3",
 * "1.2.3 - 2.0"), evaluated the way the npm package `semver` (node-semver
 * 7.x, the library npm itself uses) evaluates them with its default options
 * (loose off, includePrerelease off). The version order behind them is the
 * "npm" scheme of version.h; see npm.c for the rules and the few
 * deliberate differences.
 */
#ifndef MOAT_VERSION_NPM_H
#define MOAT_VERSION_NPM_H

/* Whether version v satisfies range, as semver.satisfies(v, range) decides:
 * *out = 1 or 0 and returns 0; returns -1 (and leaves *out alone) when v is
 * not a valid npm version or range is not a valid range (where
 * semver.satisfies says false without telling why). Ranges longer than
 * MOAT_LIMIT_VERSION_RANGE bytes are invalid. Does not allocate. */
int version_npm_satisfies(const char *v, const char *range, int *out /* OUT */);

/* 1 if range is a valid npm range (semver.validRange(range) !== null). */
int version_npm_valid_range(const char *range);

#endif

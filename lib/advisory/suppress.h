/*
 * suppress.h - deciding which vulnerability findings a team has already
 * judged: ignore files (YAML, written by people, with reasons and expiry
 * dates) and OpenVEX documents (machine-readable statements that a product
 * is not affected by, or fixed for, a vulnerability).
 *
 * A suppressed finding is not dropped: it stays in the report marked with
 * the rule that suppressed it, and does not count toward the verdict. An
 * ignore rule past its expiry date suppresses nothing and is itself
 * reported, so that forgotten exceptions come back to people's attention.
 */
#ifndef MOAT_ADVISORY_SUPPRESS_H
#define MOAT_ADVISORY_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct suppress;

/* A new, empty rule set (OUT: *out, free with suppress_free). */
int suppress_new(struct suppress **out);
void suppress_free(struct suppress *s); /* NULL-safe */

/* Adds the rules of an ignore file (YAML; format in docs/NOISE.md):
 *   vulnerabilities:
 *     - id: CVE-2023-0464        # or GHSA-..., any id or alias
 *       purls: [pkg:deb/debian/openssl]   # optional; a purl without a
 *                                          # version matches every version
 *       paths: [/usr/lib/x]      # optional: the package's path
 *       reason: "not reachable"  # ("statement" is accepted too)
 *       expires: 2025-06-30      # optional ("expired_at" accepted too)
 * A top-level list of such entries is accepted as well. Returns 0, or
 * MOAT_EINVAL with err naming the file, line and problem. */
int suppress_load_ignore(struct suppress *s, const char *path, char *err, size_t errlen);
int suppress_load_ignore_mem(struct suppress *s, const char *name, const char *buf, size_t len,
                             char *err, size_t errlen);

/* Adds the statements of an OpenVEX document (JSON; v0.0.x string forms and
 * v0.2.0 object forms). Returns 0 or MOAT_EINVAL with err filled. */
int suppress_load_vex(struct suppress *s, const char *path, char *err, size_t errlen);
int suppress_load_vex_mem(struct suppress *s, const char *name, const char *buf, size_t len,
                          char *err, size_t errlen);

/* Is a finding suppressed? ids: the finding's id and aliases; purl: the
 * package's; path: the package's path (may be NULL); image_purl/
 * image_digest identify the image for VEX products naming it (may be
 * NULL). now: the time expiry is judged at. Returns a description of the
 * rule ("ignore file x.yaml:12: not reachable", "VEX y.json: not_affected
 * (vulnerable_code_not_in_execute_path)") that stays valid while s lives,
 * or NULL. */
const char *suppress_check(const struct suppress *s, const char *const *ids, size_t nids,
                           const char *purl, const char *path, const char *image_digest,
                           time_t now);

/* Expired ignore rules, for reporting (valid while s lives). */
size_t suppress_expired(const struct suppress *s, time_t now, const char **what, size_t max);

/* 1 if purl a (the rule's) matches purl b (the package's): same type,
 * namespace and name; a's version, if given, equal to b's; a's qualifiers,
 * if given, present in b with equal values. */
int purl_matches(const char *rule, const char *pkg);

#endif

/*
 * policy.h - admission policy: turns a scan's findings into a decision a
 * pipeline or an admission gateway can act on. A policy (YAML, the language
 * is documented in docs/POLICY.md, or a built-in preset: "baseline",
 * "strict") is a set of named rules, each with an action (warn or deny):
 * vulnerability thresholds, malware, persistence, integrity, secrets,
 * configuration checks, unmanaged software, a non-root user, allowed
 * registries, digest pinning, a signature by a trusted key and approved
 * ("golden") base images, plus exceptions with an owner, a reason and an
 * expiry date.
 *
 * Evaluating a policy sets the result's verdict ("allow", "warn", "deny")
 * and its reasons: each reason starts with its level ("deny: ", "warn: ",
 * "info: "), names the rule and the findings behind it:
 *   "deny: vulnerabilities.critical_fixable: CVE-2023-5678 in libssl3
 *    3.0.11-1 (fixed in 3.0.13-1)"
 * Info reasons (the base image proved, an exception that waived findings)
 * do not change the verdict.
 *
 * A loaded policy is immutable: one may be evaluated against many results,
 * from several threads at once.
 *
 * Included by moat/moat.h; not meant to be included on its own.
 */
#ifndef MOAT_POLICY_H
#define MOAT_POLICY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct moat_result;
struct moat_options;
struct moat_verification;

struct moat_policy;

/* Loads a policy file, or a preset when path_or_preset is a preset's name
 * (a file of that name is read as "./baseline"). Files it names (KEV
 * catalogs, signature keys, approved images in local layouts) are relative
 * to the policy file's directory. Returns 0 (OUT: *out, free with
 * moat_policy_free), or -1 with one line in err, "FILE:LINE: what is
 * wrong" when a line is known: malformed YAML, an unknown key, rule,
 * preset or check id, a KEV file or key that cannot be read. */
int moat_policy_load(const char *path_or_preset, struct moat_policy **out, char *err,
                     size_t errlen);
void moat_policy_free(struct moat_policy *p); /* NULL-safe */

/* NULL-terminated list of the preset names. */
const char *const *moat_policy_presets(void);

/* The keys of the policy's signature rule (paths, as resolved), or NULL
 * with *n = 0 when the policy requires no signature. Valid while p lives.
 * A caller that gets keys runs moat_verify() with them and hands the
 * verification to moat_policy_evaluate(). */
const char *const *moat_policy_signature_keys(const struct moat_policy *p, size_t *n);

/* Bits of moat_policy_context.unchecked: what the scan did not look at.
 * The MOAT_DETECT_* bits (moat.h) name detectors that did not run. A rule
 * whose findings could not have been found is not silently passed: it
 * reports "not evaluated" with its own action. */
#define MOAT_POLICY_NO_VULNS 0x100 /* no advisory database was used */

struct moat_policy_context {
    const char *target;        /* the reference scanned, as given */
    const struct moat_verification *verification; /* or NULL when not checked */
    int64_t now;               /* unix time rules are judged at; 0: now */
    const struct moat_options *options; /* for reading approved base images
                                  (registry credentials, TLS); NULL: defaults */
    unsigned unchecked;        /* MOAT_DETECT_* | MOAT_POLICY_NO_VULNS */
};

/* Evaluates p against res: sets res->verdict and res->reasons (strings in
 * the result). Findings suppressed by ignore files or VEX do not count.
 * Returns 0, or -1 with err filled (out of memory). An approved base image
 * that cannot be read does not fail the evaluation: a warning reason says
 * so and that image is not used. */
int moat_policy_evaluate(const struct moat_policy *p, struct moat_result *res,
                         const struct moat_policy_context *ctx, char *err, size_t errlen);

/* ---- image metadata without the layers ---- */

/* What an image is made of, read from its manifest and config only (no
 * layer is downloaded or read): enough to tell whether another image was
 * built on it. */
struct moat_image_info {
    const char *reference;     /* the target, as given */
    const char *transport;     /* "oci", "docker-archive", "docker", ... */
    const char *name;          /* repository[:tag] if known, else NULL */
    const char *digest;        /* manifest digest, NULL if none exists */
    const char *config_digest; /* image ID */
    const char *created;       /* the config's creation time, or NULL */
    const char *const *diff_ids; /* bottom layer first */
    size_t ndiff_ids;
};

/* Reads target's manifest and config (see docs/TARGETS.md for targets;
 * opt may be NULL). Returns 0 (OUT: *out, free with moat_image_info_free),
 * or -1 with one line in err: unreadable, not an image, a root filesystem
 * (it has no layers). */
int moat_image_inspect(const char *target, const struct moat_options *opt,
                       struct moat_image_info **out, char *err, size_t errlen);
void moat_image_info_free(struct moat_image_info *info); /* NULL-safe */

#ifdef __cplusplus
}
#endif

#endif /* MOAT_POLICY_H */

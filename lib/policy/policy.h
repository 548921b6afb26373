/*
 * policy.h (internal) - a loaded admission policy, shared by the loader
 * (load.c), the presets (presets.c), the evaluator (eval.c) and the base
 * image check (golden.c). Everything hangs off the policy's arena and is
 * read-only once moat_policy_load() returns.
 */
#ifndef MOAT_POLICY_POLICY_H
#define MOAT_POLICY_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "moat/moat.h"
#include "base/arena.h"
#include "base/map.h"

enum pol_action { POL_OFF = 0, POL_WARN, POL_DENY };

/* The sections of rules over findings, in the order reasons are built. */
enum pol_kind {
    PK_VULN,
    PK_MALWARE,
    PK_PERSIST,
    PK_INTEGRITY,
    PK_SECRET,
    PK_CONFIG,
    PK_UNMANAGED,
    PK_COUNT
};

struct pol_list {
    const char **v;
    size_t n;
};

/* A KEV catalog: the ids it lists. */
struct pol_kev {
    const char *path;
    struct map ids;      /* id -> (void *)1; keys in the policy arena */
};

struct pol_rule {
    enum pol_kind kind;
    const char *name;          /* "vulnerabilities.critical_fixable" */
    const char *where;         /* "policy.yaml:12", for messages */
    enum pol_action action;
    int min_severity;          /* severity_rank(); -1: any */
    int fixable;               /* vulnerabilities: only with a fixed version */
    int64_t older_than_days;   /* vulnerabilities: published at least this
                                  long ago; -1: any age */
    const struct pol_kev *kev; /* vulnerabilities: only ids listed, or NULL */
    struct pol_list ids;       /* globs on the finding's id and aliases */
    struct pol_list paths;     /* globs on the finding's path */
    struct pol_list checks;    /* config: check ids */
    int removed;               /* also findings in files a later layer
                                  removed (their bytes still ship) */
    double max_percent;        /* unmanaged: -1 none */
    int64_t max_files;         /* unmanaged: -1 none */
};

/* A rule of the image section: an action and where it was set. */
struct pol_simple {
    enum pol_action action;
    const char *where;
};

struct pol_exception {
    const char *where;         /* "policy.yaml:40" */
    struct pol_list rules;     /* rule names or prefixes ("vulnerabilities") */
    struct pol_list ids, purls, paths, checks;
    const char *owner, *reason;
    const char *expires_text;  /* as written */
    int64_t expires;           /* unix time it stops applying */
};

/* An approved base image. */
struct pol_golden {
    const char *where;
    const char *ref;           /* target to inspect, or NULL (diff_ids given) */
    const char *digest;        /* manifest digest ref must resolve to, or NULL */
    const char *name;          /* shown in reasons */
    const char *repository;    /* versions of one image share it */
    int64_t max_age_days;      /* -1: the section's */
    struct pol_list diff_ids;  /* given in the policy instead of ref */
    const char *created;       /* with diff_ids: the image's creation time */
};

struct moat_policy {
    struct arena arena;
    const char *source;        /* file name or "preset NAME" */
    struct pol_rule *rules;    /* order of first definition */
    size_t nrules, caprules;
    struct {
        struct pol_simple non_root, pinned, registries, signature;
        struct pol_list allow; /* registries: "HOST" or "HOST/REPO-GLOB" */
        struct pol_list keys;  /* signature: key files */
    } image;
    struct {
        struct pol_simple rule; /* no approved base matches */
        enum pol_action outdated, too_old;
        int64_t max_age_days;  /* -1 none */
        struct pol_golden *v;
        size_t n;
    } base;
    struct pol_exception *exceptions;
    size_t nexceptions;
    struct pol_kev **kevs;
    size_t nkevs;
};

/* "critical" 4, "high" 3, "medium" 2, "low" 1, anything else 0. */
int severity_rank(const char *s);
/* Glob match with '*' (any run, '/' included) and '?' (one byte); time
 * O(len(pattern) * len(s)) whatever the pattern. */
int glob_match(const char *pattern, const char *s);
/* "2025-06-30" (the end of that day, UTC) or an RFC 3339 time. 0 or -1. */
int policy_parse_time(const char *s, int end_of_day, int64_t *out);

/* "2025-06-30" (UTC) of unix time t, into out; returns out. */
const char *policy_day(int64_t t, char out[16]);

/* Built-in presets (presets.c): the YAML text of name, or NULL. */
const char *policy_preset_text(const char *name);

/* Parses the YAML policy text [buf, buf+len) (name: for messages; dir:
 * where relative file names are read from, or NULL for the current
 * directory). Returns 0 (OUT: *out) or MOAT_E* with err filled. */
int policy_load_mem(const char *name, const char *dir, const char *buf, size_t len,
                    struct moat_policy **out, char *err, size_t errlen);

/* Reasons under construction (eval.c). */
struct pol_reasons;
int reasons_add(struct pol_reasons *r, enum pol_action level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define POL_INFO ((enum pol_action)3)

/* The golden base image rule (golden.c): adds its reasons. 0 or
 * MOAT_ENOMEM. waived(rule name) says whether an exception covers it. */
int golden_evaluate(const struct moat_policy *p, const struct moat_result *res,
                    const struct moat_policy_context *ctx, int64_t now,
                    int (*waived)(void *ud, const char *rule), void *ud,
                    struct pol_reasons *out);

#endif

/*
 * checks.h - the configuration checks moat knows, in one table: every check
 * has a stable id, a severity, a one-line title, why it matters (rationale)
 * and how to fix it (remediation). Findings of kind "config" (from `moat
 * scan`) and the findings of `moat audit` carry the check id as their id,
 * and policies name checks by id.
 *
 * Check ids are "MOAT-<AREA>-<NNN>" and never change meaning; a retired
 * check keeps its number reserved. AREA says what the check looks at, and
 * applies_to says the same in words:
 *   IMG   an image's config, history and merged filesystem ("image")
 *   DF    a Dockerfile ("dockerfile"); MOAT-DF-<NNN> is the same rule as
 *         MOAT-IMG-<NNN>, found at the Dockerfile line that causes it
 *   CMP   a docker-compose file ("compose")
 *   K8S   a Kubernetes manifest ("kubernetes")
 *   DMN   Docker daemon configuration: daemon.json, dockerd flags in a
 *         systemd unit ("daemon")
 *   HOST  the live Docker installation of the machine moat runs on ("host")
 * Severities are "critical", "high", "medium", "low" or "info". The table,
 * with examples, is documented in docs/CHECKS.md.
 */
#ifndef MOAT_CHECKS_H
#define MOAT_CHECKS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct moat_check {
    const char *id;          /* "MOAT-IMG-001" */
    const char *severity;    /* "critical" .. "info"; a finding may be graded
                                differently when the instance says more (a
                                daemon TCP socket bound to loopback only) */
    const char *title;       /* one line: what is wrong */
    const char *rationale;   /* why it matters */
    const char *remediation; /* what to do instead */
    const char *applies_to;  /* "image", "dockerfile", "compose",
                                "kubernetes", "daemon" or "host" */
};

/* The check with this id, or NULL. Static storage: never freed. */
const struct moat_check *moat_check_find(const char *id);
/* The whole table (OUT: *n entries), ordered by id. Static storage. */
const struct moat_check *moat_checks(size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* MOAT_CHECKS_H */

/*
 * config.h - what the audit checkers of lib/config/ share: the result being
 * built and one entry point per kind of file. audit.c tells a file's kind
 * and calls the matching checker; each checker parses its format, walks it
 * and adds findings with audit_add(). Parse errors come back as MOAT_EINVAL
 * with "FILE:LINE: reason" in err.
 */
#ifndef MOAT_CONFIG_CONFIG_H
#define MOAT_CONFIG_CONFIG_H

#include <stddef.h>

#include "moat/moat.h"
#include "moat/audit.h"
#include "moat/checks.h"
#include "base/arena.h"
#include "base/vec.h"

/* A result under construction. pub comes first: the public pointer is the
 * struct audit. */
struct audit {
    struct moat_audit_result pub;
    struct arena arena;  /* every string of the result */
    struct vec findings; /* struct moat_audit_finding */
    struct vec targets;  /* struct moat_audit_target */
    struct vec notes;    /* const char * */
};

/* The file (or host) being audited now. */
struct audit_file {
    struct audit *au;
    const char *name;      /* as named (arena) */
    size_t target;         /* index in au->targets */
    int no_file;           /* host checks: findings have no file */
    size_t per_check[128]; /* findings so far per check, for the cap; the
                              slot is the check's index in the table */
};

int audit_new(struct audit **out);
/* Starts a target (OUT: *af). kind may be NULL until known. */
int audit_begin(struct audit *au, const char *name, const char *kind, struct audit_file *af);
void audit_set_kind(struct audit_file *af, const char *kind);
/* Records why the target could not be (fully) audited. */
int audit_fail(struct audit_file *af, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int audit_note(struct audit *au, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds a finding of check id (which must be in the table) at line (0: the
 * file). severity NULL: the check's. object and evidence may be NULL;
 * evidence is cut to one printable line. The message is formatted. Past
 * MOAT_LIMIT_CHECK_FINDINGS findings of one check in one target, one more
 * says how many were left out. Returns 0 or MOAT_ENOMEM. */
int audit_add(struct audit_file *af, const char *check, const char *severity, unsigned long line,
              const char *object, const char *evidence, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Sorts the findings, sets the public arrays. */
int audit_done(struct audit *au);

/* The checkers. buf is NUL-terminated at buf[len]. */
int audit_dockerfile(struct audit_file *af, const char *buf, size_t len, char *err, size_t errlen);
struct ydoc;
int audit_compose(struct audit_file *af, const struct ydoc *docs, size_t ndocs);
int audit_kubernetes(struct audit_file *af, const struct ydoc *docs, size_t ndocs);
int audit_daemon_json(struct audit_file *af, const char *buf, size_t len, char *err, size_t errlen);
int audit_systemd(struct audit_file *af, const char *buf, size_t len, char *err, size_t errlen);
/* dockerd's -H/--host values and flags, shared by daemon.json and units:
 * judges one host address ("tcp://0.0.0.0:2375"); tls_verify says whether
 * client certificates are verified. */
int audit_daemon_host(struct audit_file *af, unsigned long line, const char *host, size_t n,
                      int tls_verify, int tls);
int audit_host(struct audit *au, const struct moat_audit_host_options *o);

/* Would this Dockerfile text parse as a Dockerfile (its first instruction
 * is FROM, or ARG before a FROM)? Used to tell files apart. */
int dockerfile_sniff(const char *buf, size_t len);

#endif

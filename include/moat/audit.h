/*
 * audit.h - `moat audit`: configuration checks on the files that say how
 * containers are built and run - Dockerfiles, docker-compose files,
 * Kubernetes manifests, Docker daemon configuration (daemon.json, dockerd
 * flags in systemd units) - and on the live Docker installation of the
 * machine moat runs on. Every finding names a check of moat/checks.h and,
 * for files, the line that causes it.
 *
 * Ownership: a struct moat_audit_result and everything reachable from it
 * belong to the result; release it with moat_audit_result_free().
 */
#ifndef MOAT_AUDIT_H
#define MOAT_AUDIT_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct moat_report_options;

struct moat_audit_finding {
    const char *check;    /* check id, "MOAT-K8S-001" (moat_check_find) */
    const char *severity; /* the check's, or graded for this instance */
    const char *title;    /* the check's title */
    const char *message;  /* this instance, one line */
    const char *file;     /* the file as named, or NULL (host checks) */
    unsigned long line;   /* 1-based; 0: the file as a whole */
    const char *object;   /* what it is about: "service web",
                             "Deployment prod/api, container app",
                             "/var/run/docker.sock", or NULL */
    const char *evidence; /* the text at fault (never a secret's value),
                             or NULL */
};

struct moat_audit_target {
    const char *path;  /* file as named, or "host" */
    const char *kind;  /* "dockerfile", "compose", "kubernetes",
                          "daemon" (daemon.json), "systemd" (a unit
                          running dockerd) or "host"; NULL when it
                          could not be told */
    const char *error; /* NULL, or why it could not be audited:
                          "FILE:LINE: reason" when a line is known */
    size_t nfindings;
};

struct moat_audit_result {
    struct moat_audit_target *targets;
    size_t ntargets;
    struct moat_audit_finding *findings; /* file order, then line order */
    size_t nfindings;
    const char **notes; /* facts that are not findings ("no Docker
                           daemon found") */
    size_t nnotes;
    /* opaque internals follow in the allocation; do not copy this struct */
};

struct moat_audit_options {
    const char *kind; /* treat every file as this kind; NULL: tell
                         each file's kind from its name and content */
};

struct moat_audit_host_options {
    const char *proc_root;     /* NULL: "/proc" (tests point it at a copy) */
    const char *docker_socket; /* NULL: "/var/run/docker.sock" */
    const char *group_file;    /* NULL: "/etc/group" (socket group names) */
};

/* Audits each file (OUT: *out, free with moat_audit_result_free). A file
 * that cannot be read, whose kind cannot be told or that is malformed gets
 * its error in its target; the others are still audited. Returns 0 when
 * every file was audited, 1 when some could not be (see targets[].error),
 * -1 with err filled when nothing could be produced (out of memory). */
int moat_audit_files(const char *const *paths, size_t npaths, const struct moat_audit_options *o,
                     struct moat_audit_result **out, char *err, size_t errlen);

/* The same for one file already in memory (name is used in findings). */
int moat_audit_buffer(const char *name, const char *buf, size_t len,
                      const struct moat_audit_options *o, struct moat_audit_result **out, char *err,
                      size_t errlen);

/* Checks the Docker installation of this machine: the socket's owner and
 * mode, TCP listeners on 2375/2376 (/proc/net/tcp, tcp6) and, through the
 * Engine API on the socket, running containers that are privileged or
 * mount the socket. No Docker is a note, not an error. Returns 0, 1 when a
 * part could not be checked (targets[0].error, e.g. the daemon did not
 * answer), -1 with err filled when nothing could be produced. */
int moat_audit_host(const struct moat_audit_host_options *o, struct moat_audit_result **out,
                    char *err, size_t errlen);

void moat_audit_result_free(struct moat_audit_result *r); /* NULL-safe */

/* Writes r as "table", "json" or "sarif" (SARIF 2.1.0). Returns 0, or -1
 * with err filled (unknown format, write error). */
int moat_audit_write(const char *format, const struct moat_audit_result *r,
                     const struct moat_report_options *o, FILE *out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* MOAT_AUDIT_H */

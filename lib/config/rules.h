/*
 * rules.h - the judgements that image checks (image.c) and Dockerfile
 * checks (dockerfile.c) share: what a shell command in a RUN step does
 * (pipes a download into a shell, refreshes a package index without
 * installing, installs sudo), whether a variable name looks like a
 * credential, whether an exposed port is SSH or the Docker API, whether a
 * volume covers a kernel filesystem and whether an image reference is
 * pinned. One implementation, so that a Dockerfile and the image built from
 * it get the same verdict.
 */
#ifndef MOAT_CONFIG_RULES_H
#define MOAT_CONFIG_RULES_H

#include <stddef.h>

/* What rule_shell() found in one RUN step. */
#define SH_PIPE_TO_SHELL 0x1 /* curl/wget ... | sh, sh -c "$(curl ...)" */
#define SH_UPDATE_ONLY 0x2   /* apt-get/apk update and no install */
#define SH_INSTALLS_SUDO 0x4 /* apt-get install sudo, apk add sudo, ... */

struct shell_facts {
    unsigned flags;
    /* the simple command behind each flag, cut to fit (never NULL) */
    char pipe[160], update[160], sudo[160];
};

/* Judges the shell text of one RUN step ([s, s+n), any bytes). The scan is
 * linear in n and keeps at most MOAT_LIMIT_SHELL_WORDS words per simple
 * command. */
void rule_shell(const char *s, size_t n, struct shell_facts *out);

/* True when a variable name (ENV, ARG, LABEL key) reads as a credential:
 * PASSWORD, DB_PASSWD, API_KEY, awsSecretAccessKey, GITHUB_TOKEN, ... and
 * not a pointer to one (PASSWORD_FILE, TOKEN_URL) nor PWD. */
int rule_secret_name(const char *name, size_t n);

/* What an EXPOSE spec ("22", "2375/tcp", "2370-2380/tcp") covers. */
#define PORT_SSH 0x1
#define PORT_DOCKER_API 0x2
unsigned rule_port(const char *spec, size_t n);

/* True when a container path is /dev, /proc or /sys or below them. */
int rule_kernel_volume(const char *path, size_t n);

/* How an image reference names its version. */
enum ref_pin {
    REF_TAGGED = 0, /* a tag other than latest */
    REF_DIGEST,     /* @sha256:... */
    REF_NO_TAG,     /* "debian": latest by default */
    REF_LATEST,     /* "debian:latest" */
};
enum ref_pin rule_ref_pin(const char *ref, size_t n);

/* Copies [s, s+n) into out (outlen > 0) as one printable line: control
 * characters become spaces, runs of blanks collapse, and a cut is marked
 * with "...". */
void rule_snippet(const char *s, size_t n, char *out, size_t outlen);

#endif

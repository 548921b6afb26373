/*
 * cli.h - what the subcommands of the moat program share.
 */
#ifndef MOAT_SRC_CLI_H
#define MOAT_SRC_CLI_H

#include "moat/moat.h"

/* Exit codes: 0 done (allow/warn), 1 deny, 2 could not scan / usage. */
#define EXIT_ALLOW 0
#define EXIT_DENY 1
#define EXIT_ERROR 2

struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

int cmd_scan(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* Prints "moat: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

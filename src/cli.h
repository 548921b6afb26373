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

/* Where a report goes (-o PATH, or stdout). A regular file, or a name that
 * does not exist yet, is written to a temporary file beside it and renamed
 * into place once complete, so nobody reads half a report; anything else
 * (a device such as /dev/null, a FIFO, a symlink) is written through in
 * place and never replaced: renaming over /dev/null as root would turn it
 * into a regular file for the whole machine. */
struct cli_out {
    FILE *f;
    const char *path;   /* NULL: stdout */
    int atomic;
    char tmp[4096];
};
int cli_out_open(struct cli_out *o, const char *path);   /* -1 after cli_error */
/* Closes (renames into place when ok and atomic; removes the temporary
 * file otherwise). Returns 0, or -1 with err set. */
int cli_out_close(struct cli_out *o, int ok, char *err, size_t errlen);

#endif

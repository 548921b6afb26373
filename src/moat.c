/*
 * moat.c - the moat program: a table of subcommands. Each lives in its own
 * cmd_*.c file and owns its options; this file only dispatches.
 */
#include "cli.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
    {"scan", "scan an image: packages, findings, verdict", cmd_scan},
    {"sbom", "inventory an image as CycloneDX or SPDX", cmd_sbom},
    {"version", "print moat's version; 'version cmp' compares versions", cmd_version},
    {"db", "the advisory database: import, update, info", cmd_db},
    {"verify", "verify an image's cosign signatures with public keys", cmd_verify},
    {"audit", "check Dockerfiles, compose, Kubernetes, daemon config or --host", cmd_audit},
    {"help", "this list", cmd_help},
};

void
cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("moat: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int
cli_out_open(struct cli_out *o, const char *path)
{
    struct stat st;

    memset(o, 0, sizeof(*o));
    o->f = stdout;
    o->path = path;
    if (!path)
        return 0;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        o->f = fopen(path, "w");
        if (!o->f) {
            cli_error("%s: %s", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    o->atomic = 1;
    if ((size_t)snprintf(o->tmp, sizeof(o->tmp), "%s.tmp.%ld", path, (long)getpid()) >=
        sizeof(o->tmp)) {
        cli_error("%s: name too long", path);
        return -1;
    }
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        cli_error("%s: %s", o->tmp, strerror(errno));
        return -1;
    }
    return 0;
}

int
cli_out_close(struct cli_out *o, int ok, char *err, size_t errlen)
{
    int rc = ok ? 0 : -1;

    if (!o->path) {
        if (rc == 0 && fflush(stdout) != 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            rc = -1;
        }
        return rc;
    }
    if (fclose(o->f) != 0 && rc == 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        rc = -1;
    }
    if (o->atomic && rc == 0 && rename(o->tmp, o->path) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        rc = -1;
    }
    if (o->atomic && rc != 0)
        unlink(o->tmp);
    return rc;
}


static int
cmd_help(int argc, char **argv)
{
    size_t i;

    (void)argc;
    (void)argv;
    printf("usage: moat COMMAND [OPTIONS] ...\n\ncommands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        printf("  %-9s %s\n", commands[i].name, commands[i].summary);
    printf("\nTargets: docker-archive:PATH, oci:PATH[:TAG|@DIGEST], oci-archive:PATH,\n"
           "rootfs:PATH, docker://HOST/REPO[:TAG|@DIGEST], or a bare path.\n"
           "Run 'moat COMMAND --help' for a command's options.\n"
           "Exit status: 0 allow/warn, 1 deny, 2 could not scan.\n");
    return 0;
}

int
main(int argc, char **argv)
{
    size_t i;

    /* Layer workers and their inflate threads would each get a glibc malloc
     * arena of their own; the memory parked in idle arenas costs more peak
     * RSS than the lock contention two shared arenas cause. */
    mallopt(M_ARENA_MAX, 2);
    if (argc < 2) {
        cmd_help(0, NULL);
        return EXIT_ERROR;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(0, NULL);
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see 'moat help')", argv[1]);
    return EXIT_ERROR;
}

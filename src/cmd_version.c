/*
 * cmd_version.c - `moat version` prints moat's version; `moat version cmp
 * ECOSYSTEM A B` compares two versions the way ECOSYSTEM orders them and
 * prints -1, 0 or 1. Without A and B it reads "A B" lines from standard
 * input and prints one result per line ("invalid" for a line whose versions
 * the ecosystem does not accept), for bulk use and differential testing.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
usage(void)
{
    const char *const *e;

    fprintf(stderr, "usage: moat version\n"
                    "       moat version cmp ECOSYSTEM A B\n"
                    "       moat version cmp ECOSYSTEM < pairs   (one \"A B\" per line)\n"
                    "ECOSYSTEM is an OSV ecosystem name:");
    for (e = moat_version_ecosystems(); *e; e++)
        fprintf(stderr, " '%s'", *e);
    fputc('\n', stderr);
}

static const char *
result(const char *eco, const char *a, const char *b)
{
    int c;

    if (moat_version_cmp(eco, a, b, &c) != 0)
        return "invalid";
    return c < 0 ? "-1" : c > 0 ? "1" : "0";
}

/* Splits "A B" (separated by blanks) in place; 0 or -1. */
static int
split(char *line, char **a, char **b)
{
    char *p = line, *e;

    e = line + strlen(line);
    while (e > line && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    *a = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    if (!*p)
        return -1;
    *p++ = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    *b = p;
    if (!**a || !**b || strpbrk(*b, " \t"))
        return -1;
    return 0;
}

int
cmd_version(int argc, char **argv)
{
    const char *eco;
    char *line = NULL, *a, *b;
    size_t cap = 0;

    if (argc == 1 || (argc == 2 && strcmp(argv[1], "--version") == 0)) {
        printf("moat %s\n", MOAT_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "cmp") != 0 || (argc != 3 && argc != 5)) {
        usage();
        return EXIT_ERROR;
    }
    eco = argv[2];
    if (moat_version_cmp(eco, "", "", &(int){0}) == -2) {
        cli_error("unknown ecosystem '%s'", argv[2]);
        usage();
        return EXIT_ERROR;
    }
    if (argc == 5) {
        const char *r = result(eco, argv[3], argv[4]);
        puts(r);
        return strcmp(r, "invalid") == 0 ? EXIT_ERROR : 0;
    }
    while (getline(&line, &cap, stdin) != -1) {
        if (split(line, &a, &b) != 0)
            fputs("invalid\n", stdout);
        else {
            fputs(result(eco, a, b), stdout);
            fputc('\n', stdout);
        }
    }
    free(line);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("write error");
        return EXIT_ERROR;
    }
    return 0;
}

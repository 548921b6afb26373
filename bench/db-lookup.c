/*
 * db-lookup.c - times advisory database lookups the way matching will do
 * them: one advisory_db_lookup() per package, every affected entry decoded
 * (ranges, events, versions, severities) into an arena. Reads
 * "ECOSYSTEM NAME" lines from standard input, looks each up once untimed
 * (page cache and SQLite cache warm, as in a scan after the first package),
 * then times RUNS passes over all of them and prints the median.
 *
 * Built and run by bench/db-import.sh against the build's libmoat.a; not
 * part of the test suite.
 *
 * usage: db-lookup DB [RUNS] < names
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advisory/db.h"

#define MAX_NAMES 100000

static double
now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One pass: returns entries found, -1 on error. */
static long
pass(struct advisory_db *db, char **eco, char **name, size_t n)
{
    char err[512];
    long found = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        struct advisory_affected *v;
        struct arena a;
        size_t k;
        arena_init(&a);
        if (advisory_db_lookup(db, eco[i], name[i], &a, &v, &k, err, sizeof(err)) != 0) {
            fprintf(stderr, "db-lookup: %s\n", err);
            arena_free(&a);
            return -1;
        }
        found += (long)k;
        arena_free(&a);
    }
    return found;
}

int
main(int argc, char **argv)
{
    static char *eco[MAX_NAMES], *name[MAX_NAMES];
    struct advisory_db *db = NULL;
    double times[32];
    char line[4096], err[512];
    size_t n = 0, i;
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5, r;
    long found;

    if (argc < 2) {
        fprintf(stderr, "usage: db-lookup DB [RUNS] < names\n");
        return 2;
    }
    if (runs < 1 || runs > 32)
        runs = 5;
    while (n < MAX_NAMES && fgets(line, sizeof(line), stdin)) {
        char *sp = strchr(line, ' ');
        line[strcspn(line, "\n")] = '\0';
        if (!sp)
            continue;
        *sp = '\0';
        eco[n] = strdup(line);
        name[n] = strdup(sp + 1);
        n++;
    }
    if (advisory_db_open(argv[1], &db, err, sizeof(err)) != 0) {
        fprintf(stderr, "db-lookup: %s\n", err);
        return 2;
    }
    found = pass(db, eco, name, n);
    if (found < 0)
        return 2;
    for (r = 0; r < runs; r++) {
        double t0 = now_ms();
        if (pass(db, eco, name, n) != found)
            return 2;
        times[r] = now_ms() - t0;
    }
    qsort(times, (size_t)runs, sizeof(double), cmp_double);
    printf("lookups %zu entries %ld median_ms %.2f min_ms %.2f\n", n, found, times[runs / 2],
           times[0]);
    advisory_db_close(db);
    for (i = 0; i < n; i++) {
        free(eco[i]);
        free(name[i]);
    }
    return 0;
}

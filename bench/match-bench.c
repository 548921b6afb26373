/*
 * match-bench.c - times moat_match() alone: the image is scanned (untimed)
 * before each run, then its packages are matched against the database.
 * Prints the median and minimum over RUNS runs, the package and finding
 * counts. Used by bench/match.sh.
 *
 *   match-bench IMAGE DB RUNS
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "moat/moat.h"

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    struct moat_advisories *db;
    struct moat_match_options mo;
    char err[1024];
    double *t;
    int runs, i;
    size_t npk = 0, nf = 0;

    if (argc != 4 || (runs = atoi(argv[3])) < 1) {
        fprintf(stderr, "usage: match-bench IMAGE DB RUNS\n");
        return 2;
    }
    if (moat_advisories_open(argv[2], &db, err, sizeof(err)) != 0) {
        fprintf(stderr, "match-bench: %s\n", err);
        return 2;
    }
    moat_match_options_init(&mo);
    t = calloc((size_t)runs, sizeof(*t));
    for (i = 0; i < runs; i++) {
        struct moat_result *res;
        double t0;
        if (moat_scan(argv[1], NULL, &res, err, sizeof(err)) == MOAT_FATAL) {
            fprintf(stderr, "match-bench: %s\n", err);
            return 2;
        }
        t0 = now();
        if (moat_match(res, db, &mo, err, sizeof(err)) != 0) {
            fprintf(stderr, "match-bench: %s\n", err);
            return 2;
        }
        t[i] = now() - t0;
        npk = res->npackages;
        nf = res->nfindings;
        moat_result_free(res);
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    printf("packages %zu findings %zu median_ms %.2f min_ms %.2f\n", npk, nf,
           t[runs / 2] * 1e3, t[0] * 1e3);
    moat_advisories_close(db);
    free(t);
    return 0;
}

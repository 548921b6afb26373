/*
 * replay.c - runs a libFuzzer harness over files without libFuzzer: every
 * file of the corpus directories given (or files named) is passed to
 * LLVMFuzzerTestOneInput once. Built into the normal test suite so that
 * crashers found by fuzzing stay fixed; under ASan/UBSan any memory error in
 * a replayed input fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path, unsigned *count)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *buf;
    long n;

    if (!fp) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || (n > 0 && fread(buf, 1, (size_t)n, fp) != (size_t)n)) {
        fclose(fp);
        free(buf);
        return -1;
    }
    fclose(fp);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    (*count)++;
    return 0;
}

static int
cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    unsigned count = 0;
    int i, rc = 0;

    for (i = 1; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *de;
        char **names = NULL;
        size_t n = 0, k;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: no such corpus\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            rc |= run_file(argv[i], &count);
            continue;
        }
        d = opendir(argv[i]);
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            names = realloc(names, (n + 1) * sizeof(*names));
            names[n] = malloc(strlen(argv[i]) + strlen(de->d_name) + 2);
            snprintf(names[n], strlen(argv[i]) + strlen(de->d_name) + 2, "%s/%s", argv[i],
                     de->d_name);
            n++;
        }
        if (d)
            closedir(d);
        qsort(names, n, sizeof(*names), cmp);
        for (k = 0; k < n; k++) {
            rc |= run_file(names[k], &count);
            free(names[k]);
        }
        free(names);
    }
    printf("replay: %u passed, 0 failed\n", count);
    if (count == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    return rc ? 1 : 0;
}

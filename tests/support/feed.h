/*
 * feed.h - runs one analyzer over an in-memory file through the real
 * dispatcher, as the layer pass would. Used by unit tests and fuzz
 * harnesses so both exercise exactly the production code path (including
 * chunk boundaries: chunk sets the producer's block size).
 */
#ifndef MOAT_TESTS_FEED_H
#define MOAT_TESTS_FEED_H

#include "analyze/analyzer.h"
#include "analyze/dispatch.h"

struct feed {
    struct layer_result lr;
    struct actx c;
    struct moat_limits lim;
    struct moat_options opt;   /* given to analyzers' init(); edit before the
                                  first feed_file() of an analyzer */
    volatile int abort;
    size_t chunk;      /* 0: deliver the file in one block */
    const struct analyzer *inited; /* the analyzer whose init() state ... */
    void *state;                   /* ... this is (fini() at feed_free) */
    char init_err[256];            /* why init() failed, if it did */
};

/* A producer (analyze/dispatch.h) over bytes in memory, delivered in
 * blocks of chunk bytes (0: one block). */
struct feed_mem {
    const unsigned char *p;
    size_t len, pos, chunk;
};
int feed_mem_next(void *ud, const void **p, size_t *n);

void feed_init(struct feed *f, int layer);
void feed_free(struct feed *f);
/* Feeds a regular file (mode 0644 unless given) to analyzer an (running its
 * init() with f->opt first, once). Returns the dispatcher's result (0
 * unless the producer failed), or -2 when init() failed (f->init_err). */
int feed_file(struct feed *f, const struct analyzer *an, const char *path, const void *buf,
              size_t len, uint32_t mode);
size_t feed_npkgs(const struct feed *f);
const struct pkg *feed_pkg(const struct feed *f, size_t i);
const struct pkg *feed_find(const struct feed *f, const char *name);
size_t feed_nproblems(const struct feed *f, enum moat_grade min);
/* Reads a whole file (test data) into a malloc'd buffer; NULL on error. */
char *feed_read_path(const char *path, size_t *len);



/* A struct blob over a memory buffer (not copied; must outlive the blob). */
struct blob;
struct blob *feed_blob(const void *p, size_t n);
#endif

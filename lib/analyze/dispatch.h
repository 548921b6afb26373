/*
 * dispatch.h - hands each entry of a layer to the analyzers that want it,
 * reading its content at most once (see analyzer.h for the contract).
 */
#ifndef MOAT_ANALYZE_DISPATCH_H
#define MOAT_ANALYZE_DISPATCH_H

#include "analyzer.h"

/* Where an entry's bytes come from (the tar reader, a local file). next()
 * returns 1 with a chunk, 0 at the end, -1 on a broken stream. */
struct producer {
    int (*next)(void *ud, const void **p, size_t *n);
    void *ud;
};

/* Offers e to every analyzer. If any wants its content (regular files
 * only), reads it through prod exactly once. Returns 0, or -1 if the
 * producer failed (the caller treats the layer as fatal). Analyzer failures
 * are recorded as problems of the layer, never returned. */
int dispatch_entry(struct actx *c, const struct entry *e, struct producer *prod);
/* The same over another table (tests and fuzz harnesses run one analyzer
 * through the real dispatcher this way). */
int dispatch_with(const struct analyzer *const *table, size_t count, struct actx *c,
                  const struct entry *e, struct producer *prod);

/* Initialises the layer result and an analysis context for it. */
int layer_result_init(struct layer_result *lr, int index);
struct spill;
/* Right after layer_result_init(): keep the entry table and the paths in a
 * spill file (base/spill.h) that outlives lr. */
void layer_result_spill(struct layer_result *lr, struct spill *sp);
void layer_result_free(struct layer_result *lr); /* NULL-safe */
void actx_init(struct actx *c, struct layer_result *lr, const struct moat_limits *lim,
               volatile int *abort);

#endif

/*
 * analyzer.h - the analyzer table and what an analyzer may use.
 *
 * An analyzer is one entry of a const table (list.h). During the layer pass
 * the dispatcher asks every analyzer whether it wants an entry (wants():
 * cheap, path and metadata only, never content). If any does, the entry's
 * bytes are read once and handed to each interested analyzer in the form it
 * asked for:
 *   WANT_WHOLE  the whole file as one NUL-terminated buffer (up to max_size);
 *   WANT_STREAM chunks pushed to stream_chunk() as they come;
 *   WANT_PULL   the analyzer drives the read itself (content_read()), e.g. to
 *               run a nested archive reader; other consumers still see every
 *               chunk it pulls.
 * Analyzers record what they found as records of the layer (rec_new()); they
 * keep no state between calls and touch nothing global, so layers can be
 * analysed in parallel. After the merge each analyzer's finish() sees the
 * merged filesystem and its own visible records (see docs/internals/ANALYZERS.md).
 */
#ifndef MOAT_ANALYZE_ANALYZER_H
#define MOAT_ANALYZE_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "moat/moat.h"
#include "base/arena.h"
#include "base/map.h"
#include "base/vec.h"
#include "image/fs.h"

/* What wants() sees: the entry plus the layer it is in. */
struct entry {
    const struct layer_entry *le;
    const char *path;   /* == le->path */
    const char *base;   /* last component of path */
    int layer;
    const struct moat_options *opt;   /* the scan's, or NULL (tests: all on) */
};

enum want {
    WANT_NO = 0,
    WANT_WHOLE,
    WANT_STREAM,
    WANT_PULL,
};

/* A package as an analyzer reports it (strings in the layer arena). */
struct pkg {
    enum moat_pkg_type type;
    const char *ns, *name, *version, *arch;
    const char *source_name, *source_version;
    const char *license, *supplier;
    const char *purl;          /* set only when the analyzer knows better */
    const char *path;          /* file it was found in (defaults to rec path) */
    const char **files;        /* owned files, as the package manager lists them */
    size_t nfiles;
    struct moat_prop *props;
    size_t nprops;
    long parent;               /* index in the same record's pkgs, or -1 */
    int db;                    /* from a package database: the layer is the one
                                  whose database first listed this version */
};

enum rec_kind {
    REC_PKGS = 1,    /* pkgs/npkgs */
    REC_DATA,        /* analyzer-defined data */
};

struct rec {
    const struct analyzer *an;
    enum rec_kind kind;
    const char *path;          /* file the record came from */
    int layer;
    int visible;               /* set after the merge: the file survived */
    struct pkg *pkgs;
    size_t npkgs;
    size_t cap;                /* allocated pkgs (grows geometrically) */
    void *data;
    struct layer_finding *findings; /* any record kind may carry findings */
    size_t nfindings, capfindings;
};

/* Everything one layer produced. */
struct layer_result {
    int index;
    struct arena arena;        /* records, packages, problems: adopted by the
                                  result, so nothing in it is copied again */
    struct arena paths;        /* entry paths and link targets: freed with the
                                  entry table once the result is built */
    struct vec entries;        /* struct layer_entry */
    struct vec recs;           /* pointers to struct rec */
    struct vec problems;       /* struct moat_problem */
    uint64_t in_bytes, out_bytes;
    const char *digest;        /* computed blob digest */
    const char *diff_id;       /* computed */
    const char *compression;
    int fatal;
    char fatal_msg[512];
};

/* Per-layer analysis context handed to analyzers. */
struct actx {
    struct layer_result *lr;
    struct arena *arena;       /* == &lr->arena */
    const struct moat_limits *limits;
    const struct moat_options *opt; /* the scan's options (may be NULL in tests) */
    const struct analyzer *an; /* the analyzer being called */
    void *an_shared;           /* its per-scan shared state (init()), or NULL */
    void *const *shared;       /* shared states, parallel to the dispatch table */
    int layer;
    volatile int *abort;       /* set when another layer failed fatally (read it
                                  with __atomic_load_n) */
};

/* Something wrong found in a file while the layer streams past (malware,
 * a secret, ...). Strings in the layer arena. Findings of files that a
 * later layer deleted or replaced are still reported (the bytes ship in
 * this layer), marked removed. */
struct layer_finding {
    const char *kind;          /* "malware", "secret", "persistence", ... */
    const char *id;            /* rule id */
    const char *severity;      /* "critical", "high", "medium", "low", "info" */
    const char *title;
    const char *evidence;      /* never a whole secret */
    const char *path;          /* the record's path when NULL */
    uint64_t offset;           /* byte offset in the file, UINT64_MAX if none */
};

/* Content of the current entry, for WANT_PULL analyzers. */
struct content;
/* Next chunk of the file: 1 with p and n set, 0 at the end, <0 on a broken
 * stream (the layer is then fatal; the analyzer just returns). */
int content_read(struct content *c, const void **p, size_t *n);
uint64_t content_size(const struct content *c);

/* Records and problems. Strings are copied into the layer arena. */
struct rec *rec_new(struct actx *c, enum rec_kind kind, const char *path);
struct pkg *rec_add_pkgs(struct actx *c, struct rec *r, size_t n); /* zeroed, parent=-1 */
void actx_problem(struct actx *c, enum moat_grade g, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Checks on strings read from package metadata before they go into a
 * report. A token (name, version, arch) is 1..MOAT_LIMIT_PKG_NAME printable
 * bytes without spaces; text (license, author) is 1..MOAT_LIMIT_PKG_TEXT
 * bytes without control characters. n is the length (strlen if s is a
 * C string). NULL is never ok. */
int pkg_token_ok(const char *s, size_t n);
int pkg_text_ok(const char *s, size_t n);
/* The same for C strings (NULL is not ok). */
int pkg_token_okz(const char *s);
int pkg_text_okz(const char *s);
/* A new REC_PKGS record for path with room for n packages, clipped to
 * MOAT_LIMIT_DB_PACKAGES with a problem saying so (*n is updated). NULL on
 * out of memory; *out gets the record. */
struct pkg *rec_new_pkgs(struct actx *c, const char *path, size_t *n, struct rec **out);
/* A new finding on record r (zeroed, offset UINT64_MAX), or NULL (OOM). */
struct layer_finding *rec_add_finding(struct actx *c, struct rec *r);
/* Adds a name/value property to p (copies both). */
int pkg_prop(struct actx *c, struct pkg *p, const char *name, const char *value);

struct finish_ctx;
struct image_desc;

struct analyzer {
    const char *name;
    unsigned version;          /* bump when output changes: part of cache keys */
    enum want (*wants)(const struct entry *e);
    size_t max_size;           /* WANT_WHOLE: larger files become a problem */
    int (*whole)(struct actx *c, const struct entry *e, const char *buf, size_t len);
    size_t state_size;         /* WANT_STREAM: bytes of zeroed per-file state */
    int (*stream_begin)(struct actx *c, const struct entry *e, void *state);
    int (*stream_chunk)(struct actx *c, void *state, const unsigned char *p, size_t n);
    int (*stream_end)(struct actx *c, const struct entry *e, void *state);
    /* Optional: releases what the analyzer allocated into its state. Called
     * for every file whose stream began, after stream_end or instead of it
     * when the stream broke; the state itself is freed by the dispatcher. */
    void (*stream_free)(void *state);
    int (*pull)(struct actx *c, const struct entry *e, struct content *ct);
    /* After the merge, in table order (OS analyzers first). */
    int (*finish)(struct finish_ctx *f, const struct analyzer *self);
    /* Optional, once per scan before any layer: builds the analyzer's
     * immutable shared state (compiled rules, pattern databases) that every
     * worker then reads through actx.an_shared / finish_shared(). img is the
     * image about to be scanned (its config and history are read; NULL in
     * unit tests and fuzzing): what the state derives from it is known
     * before any layer pass starts, so it cannot depend on which worker
     * runs first. Returns 0,
     * or -1 with err filled: the scan then stops (exit 2), e.g. a user rule
     * file that does not compile. An analyzer with an init hook that leaves
     * *state NULL is OFF for this scan: the dispatcher never calls it, not
     * even wants(), and its finish is skipped (detectors switched off by
     * moat_detect_options cost nothing). */
    int (*init)(const struct moat_options *opt, const struct image_desc *img, void **state,
                char *err, size_t errlen);
    void (*fini)(void *state); /* NULL-safe */
};

/* The table (list.h expanded in registry.c). */
extern const struct analyzer *const analyzer_table[];
extern const size_t analyzer_count;
/* Checks the table once (unique names, consistent hooks). 0 or -1. */
int analyzer_table_check(char *err, size_t errlen);

#endif

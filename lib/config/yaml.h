/*
 * yaml.h - YAML documents as small trees with line numbers, for the
 * compose and Kubernetes checks: every node knows the line it starts on so
 * that a finding can point at it.
 *
 * Anchors and aliases are kept as shared nodes (an alias points at the
 * anchored node; nothing is copied), so "billion laughs" documents cost one
 * node per alias; merge keys (<<: *x) are honoured by ymap_get(). Mappings
 * with a key twice are rejected, as docker compose and kubectl do: the
 * second value would otherwise silently hide the first from one reader and
 * not from another.
 */
#ifndef MOAT_CONFIG_YAML_H
#define MOAT_CONFIG_YAML_H

#include <stddef.h>

#include "base/arena.h"

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
    enum ynode_kind kind;
    const char *value; /* scalars: NUL-terminated (may hold NULs
                          before len only if the file did) */
    size_t len;
    int plain;           /* scalar was unquoted (true/null only then) */
    unsigned long line;  /* 1-based */
    struct ynode **kids; /* sequences: items; maps: key, value, ... */
    size_t nkids;
    size_t cap;
    size_t *sorted; /* maps with many keys: pair indexes sorted
                       by key, for bisection (or NULL) */
    size_t nsorted;
};

struct ydoc {
    struct ynode *root; /* NULL for an empty document */
    unsigned long line; /* where the document starts */
};

/* Parses every document of [buf, buf+len) into trees in arena a (OUT:
 * *docs, *ndocs, arena-owned). name is used in messages. Returns 0, or
 * MOAT_EINVAL with "name:LINE: why" in err (syntax error, duplicate key,
 * undefined alias, too deep, too many nodes), or MOAT_ENOMEM. */
int yaml_load(struct arena *a, const char *name, const char *buf, size_t len, struct ydoc **docs,
              size_t *ndocs, char *err, size_t errlen);

/* The value of key in mapping m (merge keys followed), or NULL. */
const struct ynode *ymap_get(const struct ynode *m, const char *key);
/* The same, also giving the line of the key (*line untouched when absent). */
const struct ynode *ymap_entry(const struct ynode *m, const char *key, unsigned long *line);
/* True when n is a scalar equal to s. */
int yis(const struct ynode *n, const char *s);
/* True when n is a scalar equal to s ignoring ASCII case. */
int yis_nocase(const struct ynode *n, const char *s);
/* A boolean scalar: 1 true, 0 false, -1 neither (or n NULL). Accepts the
 * YAML 1.1 forms Kubernetes still reads (yes/no/on/off) as well as 1.2's. */
int ybool(const struct ynode *n);
/* The scalar's text, or NULL. */
const char *ystr(const struct ynode *n);

#endif

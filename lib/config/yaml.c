/*
 * yaml.c - YAML documents as trees with line numbers (yaml.h), built from
 * libyaml's event parser under moat's limits: nesting depth
 * (MOAT_LIMIT_JSON_DEPTH), node count (MOAT_LIMIT_YAML_NODES) and, through
 * the caller, file size. libyaml's own document loader is not used: it
 * would copy nothing for aliases either, but it gives no way to bound the
 * work, and its node stack grows without a limit.
 */
#include "yaml.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/map.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Maps with more keys than this get a sorted index (lookups and the
 * duplicate check stay O(n log n) on hostile mappings). */
#define INDEX_FROM 16
/* Mappings visited through merge keys by one lookup. */
#define MERGE_BUDGET 256

struct loader {
    struct arena *a;
    const char *name;
    char *err;
    size_t errlen;
    struct map anchors; /* anchor name -> completed node */
    size_t nodes;
};

static int
add_kid(struct arena *a, struct ynode *parent, struct ynode *kid)
{
    if (parent->nkids == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        struct ynode **k = arena_alloc(a, cap * sizeof(*k));
        if (!k)
            return MOAT_ENOMEM;
        if (parent->nkids)
            memcpy(k, parent->kids, parent->nkids * sizeof(*k));
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->nkids++] = kid;
    return 0;
}

static int
scalar_cmp(const struct ynode *x, const struct ynode *y)
{
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->value, y->value, n);

    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

struct keyref {
    const struct ynode *key;
    size_t pair;
};

static int
keyref_cmp(const void *x, const void *y)
{
    const struct keyref *a = x, *b = y;
    int c = scalar_cmp(a->key, b->key);

    if (c)
        return c;
    return a->pair < b->pair ? -1 : a->pair > b->pair;
}

/* Checks a completed mapping for duplicate scalar keys and indexes it when
 * large. 0, MOAT_EINVAL (err filled) or MOAT_ENOMEM. */
static int
finish_map(struct loader *ld, struct ynode *m)
{
    size_t npairs = m->nkids / 2, i, j, k = 0;
    struct keyref *refs;

    if (npairs <= INDEX_FROM) {
        for (i = 0; i < npairs; i++) {
            const struct ynode *ki = m->kids[2 * i];
            if (ki->kind != YN_SCALAR)
                continue;
            for (j = 0; j < i; j++) {
                const struct ynode *kj = m->kids[2 * j];
                if (kj->kind == YN_SCALAR && scalar_cmp(ki, kj) == 0) {
                    snprintf(ld->err, ld->errlen,
                             "%s:%lu: key '%.64s' appears twice in one mapping (first at "
                             "line %lu)",
                             ld->name, ki->line, ki->value, kj->line);
                    return MOAT_EINVAL;
                }
            }
        }
        return 0;
    }
    refs = malloc(npairs * sizeof(*refs));
    if (!refs)
        return MOAT_ENOMEM;
    for (i = 0; i < npairs; i++)
        if (m->kids[2 * i]->kind == YN_SCALAR) {
            refs[k].key = m->kids[2 * i];
            refs[k].pair = i;
            k++;
        }
    qsort(refs, k, sizeof(*refs), keyref_cmp);
    for (i = 1; i < k; i++) {
        if (scalar_cmp(refs[i - 1].key, refs[i].key) == 0) {
            snprintf(ld->err, ld->errlen,
                     "%s:%lu: key '%.64s' appears twice in one mapping (first at line %lu)",
                     ld->name, refs[i].key->line, refs[i].key->value, refs[i - 1].key->line);
            free(refs);
            return MOAT_EINVAL;
        }
    }
    m->sorted = arena_alloc(ld->a, (k + 1) * sizeof(*m->sorted));
    if (!m->sorted) {
        free(refs);
        return MOAT_ENOMEM;
    }
    for (i = 0; i < k; i++)
        m->sorted[i] = refs[i].pair;
    m->nsorted = k;
    free(refs);
    return 0;
}

static int
remember(struct loader *ld, const yaml_char_t *anchor, struct ynode *n)
{
    char *name;

    if (!anchor)
        return 0;
    name = arena_strdup(ld->a, (const char *)anchor);
    if (!name)
        return MOAT_ENOMEM;
    return map_put(&ld->anchors, name, n, NULL);
}

static struct ynode *
new_node(struct loader *ld, enum ynode_kind kind, const yaml_mark_t *mark, int *rc)
{
    struct ynode *n;

    if (++ld->nodes > MOAT_LIMIT_YAML_NODES) {
        snprintf(ld->err, ld->errlen, "%s:%lu: more than %u YAML nodes", ld->name,
                 (unsigned long)mark->line + 1, (unsigned)MOAT_LIMIT_YAML_NODES);
        *rc = MOAT_EINVAL;
        return NULL;
    }
    n = arena_alloc(ld->a, sizeof(*n));
    if (!n) {
        *rc = MOAT_ENOMEM;
        return NULL;
    }
    n->kind = kind;
    n->line = (unsigned long)mark->line + 1;
    return n;
}

int
yaml_load(struct arena *a, const char *name, const char *buf, size_t len, struct ydoc **docs,
          size_t *ndocs, char *err, size_t errlen)
{
    struct loader ld;
    yaml_parser_t parser;
    yaml_event_t ev;
    struct ynode *stack[MOAT_LIMIT_JSON_DEPTH];
    const yaml_char_t *stack_anchor[MOAT_LIMIT_JSON_DEPTH]; /* arena copies */
    struct ydoc *dv = NULL;
    size_t depth = 0, nd = 0, capd = 0, i;
    int rc = 0, done = 0, in_doc = 0;

    *docs = NULL;
    *ndocs = 0;
    memset(&ld, 0, sizeof(ld));
    ld.a = a;
    ld.name = name;
    ld.err = err;
    ld.errlen = errlen;
    map_init(&ld.anchors);
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: out of memory", name);
        map_free(&ld.anchors);
        return MOAT_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    while (!done && rc == 0) {
        struct ynode *n = NULL;
        if (!yaml_parser_parse(&parser, &ev)) {
            if (parser.error == YAML_MEMORY_ERROR) {
                snprintf(err, errlen, "%s: out of memory", name);
                rc = MOAT_ENOMEM;
            } else {
                snprintf(err, errlen, "%s:%lu: not valid YAML: %s%s%s", name,
                         (unsigned long)parser.problem_mark.line + 1,
                         parser.problem ? parser.problem : "syntax error",
                         parser.context ? " " : "", parser.context ? parser.context : "");
                rc = MOAT_EINVAL;
            }
            break;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (nd == capd) {
                size_t cap = capd ? capd * 2 : 4;
                struct ydoc *d = arena_alloc(a, cap * sizeof(*d));
                if (!d) {
                    rc = MOAT_ENOMEM;
                    break;
                }
                if (nd)
                    memcpy(d, dv, nd * sizeof(*d));
                dv = d;
                capd = cap;
            }
            dv[nd].root = NULL;
            dv[nd].line = (unsigned long)ev.start_mark.line + 1;
            nd++;
            in_doc = 1;
            break;
        case YAML_DOCUMENT_END_EVENT:
            /* anchors belong to their document */
            map_free(&ld.anchors);
            map_init(&ld.anchors);
            in_doc = 0;
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
        case YAML_ALIAS_EVENT:
            if (!in_doc || nd == 0)
                break; /* defensive: libyaml always opens a document first */
            if (ev.type == YAML_ALIAS_EVENT) {
                n = map_get(&ld.anchors, (const char *)ev.data.alias.anchor);
                if (!n) {
                    snprintf(err, errlen,
                             "%s:%lu: alias *%.64s names no anchor defined "
                             "before it",
                             name, (unsigned long)ev.start_mark.line + 1,
                             (const char *)ev.data.alias.anchor);
                    rc = MOAT_EINVAL;
                    break;
                }
                if (++ld.nodes > MOAT_LIMIT_YAML_NODES) {
                    snprintf(err, errlen, "%s:%lu: more than %u YAML nodes", name,
                             (unsigned long)ev.start_mark.line + 1,
                             (unsigned)MOAT_LIMIT_YAML_NODES);
                    rc = MOAT_EINVAL;
                    break;
                }
            } else if (ev.type == YAML_SCALAR_EVENT) {
                n = new_node(&ld, YN_SCALAR, &ev.start_mark, &rc);
                if (!n)
                    break;
                n->value =
                    arena_strndup(a, (const char *)ev.data.scalar.value, ev.data.scalar.length);
                n->len = ev.data.scalar.length;
                n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                if (!n->value) {
                    rc = MOAT_ENOMEM;
                    break;
                }
                rc = remember(&ld, ev.data.scalar.anchor, n);
                if (rc)
                    break;
            } else {
                n = new_node(&ld, ev.type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP,
                             &ev.start_mark, &rc);
                if (!n)
                    break;
            }
            if (depth == 0) {
                if (!dv[nd - 1].root)
                    dv[nd - 1].root = n;
            } else {
                rc = add_kid(a, stack[depth - 1], n);
                if (rc)
                    break;
            }
            if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
                const yaml_char_t *anc = ev.type == YAML_SEQUENCE_START_EVENT
                                             ? ev.data.sequence_start.anchor
                                             : ev.data.mapping_start.anchor;
                if (depth >= MOAT_LIMIT_JSON_DEPTH) {
                    snprintf(err, errlen, "%s:%lu: YAML nested deeper than %d levels", name,
                             n->line, MOAT_LIMIT_JSON_DEPTH);
                    rc = MOAT_EINVAL;
                    break;
                }
                /* the anchor is registered when the node is complete, so an
                 * alias inside it cannot make a cycle */
                stack_anchor[depth] = NULL;
                if (anc) {
                    stack_anchor[depth] = (const yaml_char_t *)arena_strdup(a, (const char *)anc);
                    if (!stack_anchor[depth]) {
                        rc = MOAT_ENOMEM;
                        break;
                    }
                }
                stack[depth++] = n;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth == 0)
                break; /* defensive: libyaml balances its events */
            depth--;
            if (stack[depth]->kind == YN_MAP) {
                rc = finish_map(&ld, stack[depth]);
                if (rc)
                    break;
            }
            rc = remember(&ld, stack_anchor[depth], stack[depth]);
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    map_free(&ld.anchors);
    if (rc == MOAT_ENOMEM)
        snprintf(err, errlen, "%s: out of memory", name);
    if (rc)
        return rc;
    /* documents that hold nothing ("---" alone) are dropped */
    for (i = 0; i < nd;) {
        if (!dv[i].root) {
            memmove(&dv[i], &dv[i + 1], (nd - i - 1) * sizeof(*dv));
            nd--;
        } else {
            i++;
        }
    }
    *docs = dv;
    *ndocs = nd;
    return 0;
}

/* Index of the pair whose key is [key, key+kl) in m, or -1. */
static long
direct(const struct ynode *m, const char *key, size_t kl)
{
    struct ynode probe;
    size_t i, lo = 0, hi;

    if (!m->sorted) {
        for (i = 0; i + 1 < m->nkids; i += 2) {
            const struct ynode *k = m->kids[i];
            if (k->kind == YN_SCALAR && k->len == kl && memcmp(k->value, key, kl) == 0)
                return (long)(i / 2);
        }
        return -1;
    }
    memset(&probe, 0, sizeof(probe));
    probe.value = key;
    probe.len = kl;
    hi = m->nsorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = scalar_cmp(&probe, m->kids[2 * m->sorted[mid]]);
        if (c == 0)
            return (long)m->sorted[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

static const struct ynode *
get(const struct ynode *m, const char *key, size_t kl, int depth, int *budget,
    const struct ynode **keynode)
{
    const struct ynode *v, *merge;
    long pair;
    size_t i;

    if (!m || m->kind != YN_MAP || depth > 8 || --*budget < 0)
        return NULL;
    pair = direct(m, key, kl);
    if (pair >= 0) {
        if (keynode)
            *keynode = m->kids[2 * pair];
        return m->kids[2 * pair + 1];
    }
    pair = direct(m, "<<", 2);
    if (pair < 0)
        return NULL;
    merge = m->kids[2 * pair + 1];
    if (merge->kind == YN_MAP)
        return get(merge, key, kl, depth + 1, budget, keynode);
    if (merge->kind == YN_SEQ)
        for (i = 0; i<merge->nkids && * budget> 0; i++) {
            v = get(merge->kids[i], key, kl, depth + 1, budget, keynode);
            if (v)
                return v;
        }
    return NULL;
}

const struct ynode *
ymap_get(const struct ynode *m, const char *key)
{
    int budget = MERGE_BUDGET;

    return get(m, key, strlen(key), 0, &budget, NULL);
}

const struct ynode *
ymap_entry(const struct ynode *m, const char *key, unsigned long *line)
{
    const struct ynode *k = NULL, *v;
    int budget = MERGE_BUDGET;

    v = get(m, key, strlen(key), 0, &budget, &k);
    if (v && line)
        *line = k ? k->line : v->line;
    return v;
}

int
yis(const struct ynode *n, const char *s)
{
    return n && n->kind == YN_SCALAR && n->len == strlen(s) && memcmp(n->value, s, n->len) == 0;
}

int
yis_nocase(const struct ynode *n, const char *s)
{
    return n && n->kind == YN_SCALAR && n->len == strlen(s) && str_eq_nocase(n->value, s);
}

int
ybool(const struct ynode *n)
{
    static const char *const yes[] = {"true", "yes", "on", "y"};
    static const char *const no[] = {"false", "no", "off", "n"};
    size_t i;

    if (!n || n->kind != YN_SCALAR)
        return -1;
    for (i = 0; i < 4; i++) {
        if (yis_nocase(n, yes[i]))
            return 1;
        if (yis_nocase(n, no[i]))
            return 0;
    }
    return -1;
}

const char *
ystr(const struct ynode *n)
{
    return n && n->kind == YN_SCALAR ? n->value : NULL;
}

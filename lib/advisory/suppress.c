/*
 * suppress.c - ignore files and OpenVEX documents (see suppress.h).
 *
 * YAML is read with libyaml's event parser into a small tree of our own,
 * built with an explicit stack (no recursion) under a depth and node limit,
 * so a hostile file cannot exhaust the stack or memory. JSON goes through
 * json_parse_untrusted (lib/base/json.h).
 */
#include "suppress.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_RULES 100000
#define MAX_IDS 64
#define MAX_PRODUCTS 4096

enum rule_kind { RULE_IGNORE, RULE_VEX };

struct rule {
    enum rule_kind kind;
    const char **ids;        /* any of these ids (a VEX vulnerability + aliases) */
    size_t nids;
    const char **purls;      /* package purls it is limited to (none: all) */
    size_t npurls;
    const char **paths;      /* package paths it is limited to */
    size_t npaths;
    const char **images;     /* VEX: products naming the image (digest) */
    size_t nimages;
    time_t expires;          /* 0: never */
    int suppresses;          /* VEX: status not_affected/fixed */
    const char *describe;    /* what suppress_check returns */
};

struct suppress {
    struct arena arena;
    struct rule *rules;
    size_t n, cap;
};

int
suppress_new(struct suppress **out)
{
    struct suppress *s = calloc(1, sizeof(*s));

    *out = s;
    if (!s)
        return MOAT_ENOMEM;
    arena_init(&s->arena);
    return 0;
}

void
suppress_free(struct suppress *s)
{
    if (!s)
        return;
    arena_free(&s->arena);
    free(s->rules);
    free(s);
}

static struct rule *
new_rule(struct suppress *s)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct rule *r;
        if (cap > MAX_RULES)
            return NULL;
        r = realloc(s->rules, cap * sizeof(*r));
        if (!r)
            return NULL;
        s->rules = r;
        s->cap = cap;
    }
    memset(&s->rules[s->n], 0, sizeof(s->rules[0]));
    return &s->rules[s->n++];
}

/* ---- purls ---- */

struct purl_parts {
    const char *base;     /* "pkg:type/ns/name" */
    size_t nbase;
    const char *version;  /* after '@', up to '?' or '#' */
    size_t nversion;
    const char *quals;    /* after '?', up to '#' */
    size_t nquals;
};

static int
purl_split(const char *p, struct purl_parts *o)
{
    const char *q, *h, *end, *at, *slash;

    if (strncmp(p, "pkg:", 4) != 0)
        return -1;
    end = p + strlen(p);
    h = strchr(p, '#');
    if (h)
        end = h;
    q = memchr(p, '?', (size_t)(end - p));
    o->quals = q ? q + 1 : NULL;
    o->nquals = q ? (size_t)(end - q - 1) : 0;
    if (q)
        end = q;
    /* the version '@' is the last one after the last '/' */
    slash = p;
    for (const char *c = p; c < end; c++)
        if (*c == '/')
            slash = c;
    at = memchr(slash, '@', (size_t)(end - slash));
    o->base = p;
    o->nbase = (size_t)((at ? at : end) - p);
    o->version = at ? at + 1 : NULL;
    o->nversion = at ? (size_t)(end - at - 1) : 0;
    return 0;
}

/* Is qualifier "k=v" (of length n) present in the list [q, q+nq)? */
static int
has_qualifier(const char *q, size_t nq, const char *kv, size_t n)
{
    size_t i = 0;

    while (i < nq) {
        size_t j = i;
        while (j < nq && q[j] != '&')
            j++;
        if (j - i == n && memcmp(q + i, kv, n) == 0)
            return 1;
        i = j + 1;
    }
    return 0;
}

int
purl_matches(const char *rule, const char *pkg)
{
    struct purl_parts r, p;
    size_t i;

    if (!rule || !pkg || purl_split(rule, &r) != 0 || purl_split(pkg, &p) != 0)
        return 0;
    if (r.nbase != p.nbase || strncmp(r.base, p.base, r.nbase) != 0)
        return 0;
    if (r.version && (r.nversion != p.nversion || strncmp(r.version, p.version, r.nversion) != 0))
        return 0;
    for (i = 0; r.quals && i < r.nquals;) {
        size_t j = i;
        while (j < r.nquals && r.quals[j] != '&')
            j++;
        if (j > i && !has_qualifier(p.quals, p.quals ? p.nquals : 0, r.quals + i, j - i))
            return 0;
        i = j + 1;
    }
    return 1;
}

/* ---- checking ---- */

static int
any_id(const struct rule *r, const char *const *ids, size_t nids)
{
    size_t i, j;

    for (i = 0; i < r->nids; i++)
        for (j = 0; j < nids; j++)
            if (ids[j] && strcmp(r->ids[i], ids[j]) == 0)
                return 1;
    return 0;
}

static int
applies(const struct rule *r, const char *purl, const char *path, const char *image_digest)
{
    size_t i;
    int ok;

    if (r->npaths) {
        for (ok = 0, i = 0; i < r->npaths && !ok; i++)
            ok = path && strcmp(r->paths[i], path) == 0;
        if (!ok)
            return 0;
    }
    if (r->nimages) {
        /* a statement about the image: it names the image, and its
         * subcomponents (if any) name the package */
        for (ok = 0, i = 0; i < r->nimages && !ok; i++)
            ok = image_digest && strstr(r->images[i], image_digest) != NULL;
        if (!ok)
            return 0;
        if (!r->npurls)
            return 1;
    }
    if (r->npurls) {
        for (ok = 0, i = 0; i < r->npurls && !ok; i++)
            ok = purl_matches(r->purls[i], purl);
        if (!ok)
            return 0;
    }
    return 1;
}

const char *
suppress_check(const struct suppress *s, const char *const *ids, size_t nids, const char *purl,
               const char *path, const char *image_digest, time_t now)
{
    const char *verdict = NULL;
    size_t i;

    if (!s)
        return NULL;
    for (i = 0; i < s->n; i++) {
        const struct rule *r = &s->rules[i];
        if (!any_id(r, ids, nids) || !applies(r, purl, path, image_digest))
            continue;
        if (r->kind == RULE_IGNORE) {
            if (r->expires && now >= r->expires)
                continue;
            return r->describe;
        }
        /* VEX: the last statement about this product and vulnerability
         * wins (documents are loaded in the order given) */
        verdict = r->suppresses ? r->describe : NULL;
    }
    return verdict;
}

size_t
suppress_expired(const struct suppress *s, time_t now, const char **what, size_t max)
{
    size_t i, n = 0;

    for (i = 0; s && i < s->n; i++) {
        const struct rule *r = &s->rules[i];
        if (r->kind == RULE_IGNORE && r->expires && now >= r->expires) {
            if (n < max)
                what[n] = r->describe;
            n++;
        }
    }
    return n;
}

/* ---- a small YAML tree ---- */

enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
    enum ynode_kind kind;
    const char *value;       /* scalars */
    size_t line;
    struct ynode **kids;     /* maps: key, value, key, value ... */
    size_t nkids, cap;
};

#define YAML_MAX_DEPTH 16
#define YAML_MAX_NODES 200000

static int
ynode_add(struct arena *a, struct ynode *parent, struct ynode *kid)
{
    if (parent->nkids == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 8;
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

/* Parses buf into a tree (first document only). */
static struct ynode *
yaml_tree(struct arena *a, const char *name, const char *buf, size_t len, char *err,
          size_t errlen)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    struct ynode *stack[YAML_MAX_DEPTH + 1], *root = NULL;
    size_t depth = 0, nodes = 0;
    int done = 0, ok = 1;

    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    while (!done) {
        struct ynode *n = NULL;
        if (!yaml_parser_parse(&parser, &ev)) {
            snprintf(err, errlen, "%s:%zu: not valid YAML: %s", name,
                     (size_t)parser.problem_mark.line + 1,
                     parser.problem ? parser.problem : "syntax error");
            ok = 0;
            break;
        }
        switch (ev.type) {
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++nodes > YAML_MAX_NODES) {
                snprintf(err, errlen, "%s: more than %d YAML nodes", name, YAML_MAX_NODES);
                ok = 0;
                break;
            }
            n = arena_alloc(a, sizeof(*n));
            if (!n) {
                snprintf(err, errlen, "%s: out of memory", name);
                ok = 0;
                break;
            }
            n->line = (size_t)ev.start_mark.line + 1;
            if (ev.type == YAML_SCALAR_EVENT) {
                n->kind = Y_SCALAR;
                n->value = arena_strndup(a, (const char *)ev.data.scalar.value,
                                         ev.data.scalar.length);
            } else {
                n->kind = ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP;
            }
            if (depth == 0) {
                if (!root)
                    root = n;
            } else if (ynode_add(a, stack[depth - 1], n) != 0) {
                ok = 0;
            }
            if (n->kind != Y_SCALAR) {
                if (depth >= YAML_MAX_DEPTH) {
                    snprintf(err, errlen, "%s:%zu: YAML nested deeper than %d levels", name,
                             n->line, YAML_MAX_DEPTH);
                    ok = 0;
                    break;
                }
                stack[depth++] = n;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth)
                depth--;
            break;
        case YAML_ALIAS_EVENT:
            /* aliases are how "billion laughs" documents blow up: refuse */
            snprintf(err, errlen, "%s:%zu: YAML aliases are not accepted here", name,
                     (size_t)ev.start_mark.line + 1);
            ok = 0;
            break;
        case YAML_DOCUMENT_END_EVENT:
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (!ok)
            break;
    }
    yaml_parser_delete(&parser);
    if (!ok)
        return NULL;
    if (!root) {
        /* an empty file is an empty rule set */
        root = arena_alloc(a, sizeof(*root));
        if (root)
            root->kind = Y_SEQ;
    }
    return root;
}

static struct ynode *
ymap_get(const struct ynode *m, const char *key)
{
    size_t i;

    if (!m || m->kind != Y_MAP)
        return NULL;
    for (i = 0; i + 1 < m->nkids; i += 2)
        if (m->kids[i]->kind == Y_SCALAR && strcmp(m->kids[i]->value, key) == 0)
            return m->kids[i + 1];
    return NULL;
}

/* A scalar or a sequence of scalars into an arena array. */
static int
ystrings(struct arena *a, const struct ynode *n, const char ***out, size_t *count)
{
    size_t i;

    *out = NULL;
    *count = 0;
    if (!n)
        return 0;
    if (n->kind == Y_SCALAR) {
        *out = arena_alloc(a, sizeof(**out));
        if (!*out)
            return MOAT_ENOMEM;
        (*out)[0] = n->value;
        *count = 1;
        return 0;
    }
    if (n->kind != Y_SEQ)
        return MOAT_EINVAL;
    *out = arena_alloc(a, (n->nkids ? n->nkids : 1) * sizeof(**out));
    if (!*out)
        return MOAT_ENOMEM;
    for (i = 0; i < n->nkids; i++) {
        if (n->kids[i]->kind != Y_SCALAR)
            return MOAT_EINVAL;
        (*out)[i] = n->kids[i]->value;
    }
    *count = n->nkids;
    return 0;
}

/* "2025-06-30" or "2025-06-30T12:00:00Z" -> time_t (UTC). */
static int
parse_date(const char *s, time_t *out)
{
    struct tm tm;
    uint64_t y, mo, d, hh = 0, mm = 0, ss = 0;

    memset(&tm, 0, sizeof(tm));
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-' || str_to_u64(s, 4, &y) ||
        str_to_u64(s + 5, 2, &mo) || str_to_u64(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
        d > 31)
        return -1;
    if (s[10]) {
        if ((s[10] != 'T' && s[10] != ' ') || strlen(s) < 19 || s[13] != ':' || s[16] != ':' ||
            str_to_u64(s + 11, 2, &hh) || str_to_u64(s + 14, 2, &mm) ||
            str_to_u64(s + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
            return -1;
    }
    tm.tm_year = (int)y - 1900;
    tm.tm_mon = (int)mo - 1;
    tm.tm_mday = (int)d;
    tm.tm_hour = (int)hh;
    tm.tm_min = (int)mm;
    tm.tm_sec = (int)ss;
    *out = timegm(&tm);
    return *out == (time_t)-1 ? -1 : 0;
}

int
suppress_load_ignore_mem(struct suppress *s, const char *name, const char *buf, size_t len,
                         char *err, size_t errlen)
{
    struct ynode *root, *list;
    size_t i;

    root = yaml_tree(&s->arena, name, buf, len, err, errlen);
    if (!root)
        return MOAT_EINVAL;
    list = root->kind == Y_MAP ? ymap_get(root, "vulnerabilities") : root;
    if (root->kind == Y_MAP && !list) {
        snprintf(err, errlen, "%s:%zu: expected a 'vulnerabilities:' list", name, root->line);
        return MOAT_EINVAL;
    }
    if (list->kind != Y_SEQ) {
        snprintf(err, errlen, "%s:%zu: expected a list of rules", name, list->line);
        return MOAT_EINVAL;
    }
    for (i = 0; i < list->nkids; i++) {
        const struct ynode *e = list->kids[i], *id, *why, *exp;
        struct rule *r;
        if (e->kind != Y_MAP) {
            snprintf(err, errlen, "%s:%zu: a rule must be a mapping (id, reason, ...)", name,
                     e->line);
            return MOAT_EINVAL;
        }
        id = ymap_get(e, "id");
        if (!id || id->kind != Y_SCALAR || !id->value[0]) {
            snprintf(err, errlen, "%s:%zu: rule without an id", name, e->line);
            return MOAT_EINVAL;
        }
        for (size_t k = 0; k + 1 < e->nkids; k += 2) {
            const char *key = e->kids[k]->value;
            if (!key || (strcmp(key, "id") && strcmp(key, "purls") && strcmp(key, "paths") &&
                         strcmp(key, "reason") && strcmp(key, "statement") &&
                         strcmp(key, "expires") && strcmp(key, "expired_at"))) {
                snprintf(err, errlen, "%s:%zu: unknown key '%s' (id, purls, paths, reason, "
                                      "expires)", name, e->kids[k]->line, key ? key : "?");
                return MOAT_EINVAL;
            }
        }
        r = new_rule(s);
        if (!r) {
            snprintf(err, errlen, "%s: too many rules", name);
            return MOAT_ETOOBIG;
        }
        r->kind = RULE_IGNORE;
        if (ystrings(&s->arena, id, &r->ids, &r->nids) ||
            ystrings(&s->arena, ymap_get(e, "purls"), &r->purls, &r->npurls) ||
            ystrings(&s->arena, ymap_get(e, "paths"), &r->paths, &r->npaths)) {
            snprintf(err, errlen, "%s:%zu: purls and paths are strings or lists of strings",
                     name, e->line);
            return MOAT_EINVAL;
        }
        for (size_t k = 0; k < r->npurls; k++) {
            struct purl_parts pp;
            if (purl_split(r->purls[k], &pp) != 0) {
                snprintf(err, errlen, "%s:%zu: '%s' is not a package URL", name, e->line,
                         r->purls[k]);
                return MOAT_EINVAL;
            }
        }
        exp = ymap_get(e, "expires");
        if (!exp)
            exp = ymap_get(e, "expired_at");
        if (exp && (exp->kind != Y_SCALAR || parse_date(exp->value, &r->expires) != 0)) {
            snprintf(err, errlen, "%s:%zu: expires must be a date (YYYY-MM-DD)", name,
                     exp->line);
            return MOAT_EINVAL;
        }
        why = ymap_get(e, "reason");
        if (!why)
            why = ymap_get(e, "statement");
        r->describe = arena_printf(&s->arena, "ignore file %s:%zu%s%s%s%s", name, e->line,
                                   why && why->value ? ": " : "",
                                   why && why->value ? why->value : "",
                                   exp ? " (expires " : "", exp ? exp->value : "");
        if (r->describe && exp)
            r->describe = arena_printf(&s->arena, "%s)", r->describe);
        if (!r->describe || !r->ids)
            return MOAT_ENOMEM;
    }
    return 0;
}

int
suppress_load_ignore(struct suppress *s, const char *path, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = file_read_at(AT_FDCWD, path, 1u << 20, &buf, &len, err, errlen);

    if (rc)
        return rc;
    rc = suppress_load_ignore_mem(s, path, buf, len, err, errlen);
    free(buf);
    return rc;
}

/* ---- OpenVEX ---- */

/* The id of a product/subcomponent: a string, or {"@id": ..., "identifiers":
 * {"purl": ...}}. */
static const char *
product_id(json_t *p)
{
    const char *s;
    json_t *ids;

    if (json_is_string(p))
        return json_string_value(p);
    ids = json_object_get(p, "identifiers");
    s = json_obj_str(ids, "purl");
    return s ? s : json_obj_str(p, "@id");
}

static int
add_strings(struct arena *a, const char ***arr, size_t *n, const char *v)
{
    const char **na;

    if (!v)
        return 0;
    na = arena_alloc(a, (*n + 1) * sizeof(*na));
    if (!na)
        return MOAT_ENOMEM;
    if (*n)
        memcpy(na, *arr, *n * sizeof(*na));
    na[*n] = arena_strdup(a, v);
    if (!na[*n])
        return MOAT_ENOMEM;
    *arr = na;
    (*n)++;
    return 0;
}

/* Adds a product (and its subcomponents) to rule r: purls go to r->purls,
 * anything else names the image (r->images). */
static int
add_product(struct arena *a, struct rule *r, json_t *p)
{
    const char *id = product_id(p);
    json_t *subs = json_object_get(p, "subcomponents"), *sub;
    size_t i;
    int rc;

    if (!id)
        return 0;
    if (strncmp(id, "pkg:", 4) == 0 && strncmp(id, "pkg:oci/", 8) != 0)
        rc = add_strings(a, &r->purls, &r->npurls, id);
    else
        rc = add_strings(a, &r->images, &r->nimages, id);
    json_array_foreach(subs, i, sub)
    {
        if (rc)
            break;
        rc = add_strings(a, &r->purls, &r->npurls, product_id(sub));
    }
    return rc;
}

int
suppress_load_vex_mem(struct suppress *s, const char *name, const char *buf, size_t len,
                      char *err, size_t errlen)
{
    json_t *doc, *stmts, *st;
    char why[300];
    size_t i;
    int dup, rc = MOAT_EINVAL;

    doc = json_parse_untrusted(buf, len, 16u << 20, MOAT_LIMIT_JSON_DEPTH, &dup, why,
                               sizeof(why));
    if (!doc) {
        snprintf(err, errlen, "%s: %s", name, why);
        return MOAT_EINVAL;
    }
    stmts = json_object_get(doc, "statements");
    if (!json_is_object(doc) || !json_is_array(stmts)) {
        snprintf(err, errlen, "%s: not an OpenVEX document (no statements array)", name);
        goto out;
    }
    json_array_foreach(stmts, i, st)
    {
        json_t *vuln = json_object_get(st, "vulnerability"), *prods, *p, *al, *subs;
        const char *status = json_obj_str(st, "status"), *just, *vname;
        struct rule *r;
        size_t j;

        vname = json_is_string(vuln) ? json_string_value(vuln) : json_obj_str(vuln, "name");
        if (!vname || !status) {
            snprintf(err, errlen, "%s: statement %zu lacks a vulnerability or status", name, i);
            goto out;
        }
        if (strcmp(status, "not_affected") && strcmp(status, "fixed") &&
            strcmp(status, "affected") && strcmp(status, "under_investigation")) {
            snprintf(err, errlen, "%s: statement %zu has an unknown status '%s'", name, i,
                     status);
            goto out;
        }
        r = new_rule(s);
        if (!r) {
            rc = MOAT_ETOOBIG;
            snprintf(err, errlen, "%s: too many statements", name);
            goto out;
        }
        r->kind = RULE_VEX;
        r->suppresses = strcmp(status, "not_affected") == 0 || strcmp(status, "fixed") == 0;
        rc = add_strings(&s->arena, &r->ids, &r->nids, vname);
        al = json_object_get(vuln, "aliases");
        json_array_foreach(al, j, p)
        {
            if (!rc && r->nids < MAX_IDS)
                rc = add_strings(&s->arena, &r->ids, &r->nids, json_string_value(p));
        }
        prods = json_object_get(st, "products");
        if (json_array_size(prods) > MAX_PRODUCTS) {
            rc = MOAT_ETOOBIG;
            snprintf(err, errlen, "%s: statement %zu lists too many products", name, i);
            goto out;
        }
        json_array_foreach(prods, j, p)
        {
            if (!rc)
                rc = add_product(&s->arena, r, p);
        }
        /* v0.0.x: subcomponents at statement level */
        subs = json_object_get(st, "subcomponents");
        json_array_foreach(subs, j, p)
        {
            if (!rc)
                rc = add_strings(&s->arena, &r->purls, &r->npurls, product_id(p));
        }
        if (rc) {
            snprintf(err, errlen, "%s: out of memory", name);
            goto out;
        }
        if (!r->npurls && !r->nimages) {
            snprintf(err, errlen, "%s: statement %zu names no product", name, i);
            rc = MOAT_EINVAL;
            goto out;
        }
        just = json_obj_str(st, "justification");
        r->describe = arena_printf(&s->arena, "VEX %s: %s%s%s%s", name, status,
                                   just ? " (" : "", just ? just : "", just ? ")" : "");
        if (!r->describe) {
            rc = MOAT_ENOMEM;
            goto out;
        }
    }
    rc = 0;
out:
    json_decref(doc);
    return rc;
}

int
suppress_load_vex(struct suppress *s, const char *path, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = file_read_at(AT_FDCWD, path, 16u << 20, &buf, &len, err, errlen);

    if (rc)
        return rc;
    rc = suppress_load_vex_mem(s, path, buf, len, err, errlen);
    free(buf);
    return rc;
}

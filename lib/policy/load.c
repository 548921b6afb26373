/*
 * load.c - reading an admission policy (docs/POLICY.md) from YAML into a
 * struct moat_policy.
 *
 * A policy decides what may run, so a mistake in one must stop the scan
 * before any work (exit 2), never be read as "no rule": every key is
 * known or an error, check ids are looked up in the check table, rule
 * names an exception waives must exist, and the files a policy names (KEV
 * lists, signature keys) are read or checked here. Every error names the
 * file and line.
 *
 * libyaml's event parser builds a small tree of our own with an explicit
 * stack (no recursion) under node and depth limits. Anchors and aliases
 * are refused: a policy is short, and an alias would let one line stand
 * for a thousand. Duplicate keys are refused too: the second value would
 * silently win over the first a reviewer read.
 */
#include "policy/policy.h"
#include "advisory/osv.h"
#include "base/digest.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/path.h"
#include "base/str.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

/* ---- the YAML tree ---- */

enum pn_kind { PN_SCALAR, PN_SEQ, PN_MAP };

struct pnode {
    enum pn_kind kind;
    const char *s;             /* scalar text, NUL-terminated */
    size_t len;
    int plain;                 /* written without quotes */
    unsigned long line;        /* 1-based */
    struct pnode **kids;       /* sequence items; map: key, value, ... */
    size_t n, cap;
    struct pnode *up;
};

struct loader {
    struct moat_policy *p;
    struct arena tree;         /* the YAML tree; freed after loading */
    const char *name;          /* for messages */
    const char *dir;           /* relative file names are read from here */
    size_t nodes;
    char *err;
    size_t errlen;
};

static int
fail(struct loader *l, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct loader *l, unsigned long line, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line)
        snprintf(l->err, l->errlen, "%s:%lu: %s", l->name, line, msg);
    else
        snprintf(l->err, l->errlen, "%s: %s", l->name, msg);
    return MOAT_EINVAL;
}

static int
add_kid(struct loader *l, struct pnode *parent, struct pnode *kid)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        struct pnode **k = arena_alloc(&l->tree, cap * sizeof(*k));
        if (!k)
            return MOAT_ENOMEM;
        if (parent->n)
            memcpy(k, parent->kids, parent->n * sizeof(*k));
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->n++] = kid;
    kid->up = parent;
    return 0;
}

static int
key_cmp(const void *a, const void *b)
{
    const struct pnode *x = *(struct pnode *const *)a, *y = *(struct pnode *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);

    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Refuses a mapping that has a key twice. Sorting keeps this O(n log n)
 * for a hostile map of 100,000 keys. */
static int
check_duplicates(struct loader *l, const struct pnode *m)
{
    size_t npairs = m->n / 2, i;
    struct pnode **keys;
    int rc = 0;

    if (npairs < 2)
        return 0;
    keys = malloc(npairs * sizeof(*keys));
    if (!keys)
        return MOAT_ENOMEM;
    for (i = 0; i < npairs; i++)
        keys[i] = m->kids[2 * i];
    qsort(keys, npairs, sizeof(*keys), key_cmp);
    for (i = 1; i < npairs; i++) {
        if (keys[i]->len == keys[i - 1]->len &&
            memcmp(keys[i]->s, keys[i - 1]->s, keys[i]->len) == 0) {
            rc = fail(l, keys[i]->line, "key '%.100s' given twice (first on line %lu)",
                      keys[i]->s, keys[i - 1]->line);
            break;
        }
    }
    free(keys);
    return rc;
}

static int
new_node(struct loader *l, enum pn_kind kind, unsigned long line, struct pnode **out)
{
    struct pnode *n;

    if (++l->nodes > MOAT_LIMIT_POLICY_NODES)
        return fail(l, line, "more than %u YAML nodes", (unsigned)MOAT_LIMIT_POLICY_NODES);
    n = arena_alloc(&l->tree, sizeof(*n));
    if (!n)
        return MOAT_ENOMEM;
    n->kind = kind;
    n->line = line;
    *out = n;
    return 0;
}

/* Attaches a new node under cur (or makes it the root). */
static int
attach(struct loader *l, struct pnode *cur, struct pnode **root, struct pnode *n)
{
    if (!cur) {
        *root = n;
        return 0;
    }
    if (cur->kind == PN_MAP && cur->n % 2 == 0 && n->kind != PN_SCALAR)
        return fail(l, n->line, "a mapping key must be a plain string");
    return add_kid(l, cur, n);
}

static int
parse_tree(struct loader *l, const char *buf, size_t len, struct pnode **root)
{
    yaml_parser_t yp;
    yaml_event_t ev;
    struct pnode *cur = NULL, *n = NULL;
    unsigned depth = 0, docs = 0;
    int done = 0, rc = 0;

    *root = NULL;
    if (!yaml_parser_initialize(&yp))
        return MOAT_ENOMEM;
    yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
    while (!done && rc == 0) {
        unsigned long line;
        if (!yaml_parser_parse(&yp, &ev)) {
            if (yp.error == YAML_MEMORY_ERROR) {
                rc = MOAT_ENOMEM;
                break;
            }
            rc = fail(l, (unsigned long)yp.problem_mark.line + 1, "YAML: %s%s%s",
                      yp.problem ? yp.problem : "syntax error", yp.context ? " " : "",
                      yp.context ? yp.context : "");
            break;
        }
        line = (unsigned long)ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                rc = fail(l, line, "a policy is one YAML document; a second one starts here");
            break;
        case YAML_ALIAS_EVENT:
            rc = fail(l, line, "aliases (*name) are not allowed in a policy");
            break;
        case YAML_SCALAR_EVENT:
            if (ev.data.scalar.anchor) {
                rc = fail(l, line, "anchors (&name) are not allowed in a policy");
                break;
            }
            if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length)) {
                rc = fail(l, line, "a NUL byte in a string");
                break;
            }
            rc = new_node(l, PN_SCALAR, line, &n);
            if (rc)
                break;
            n->s = arena_strndup(&l->tree, (const char *)ev.data.scalar.value,
                                 ev.data.scalar.length);
            if (!n->s) {
                rc = MOAT_ENOMEM;
                break;
            }
            n->len = ev.data.scalar.length;
            n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            rc = attach(l, cur, root, n);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            int map = ev.type == YAML_MAPPING_START_EVENT;
            const yaml_char_t *anchor = map ? ev.data.mapping_start.anchor
                                            : ev.data.sequence_start.anchor;
            if (anchor) {
                rc = fail(l, line, "anchors (&name) are not allowed in a policy");
                break;
            }
            if (++depth > MOAT_LIMIT_POLICY_DEPTH) {
                rc = fail(l, line, "nested more than %u levels deep",
                          (unsigned)MOAT_LIMIT_POLICY_DEPTH);
                break;
            }
            rc = new_node(l, map ? PN_MAP : PN_SEQ, line, &n);
            if (rc == 0)
                rc = attach(l, cur, root, n);
            if (rc == 0)
                cur = n;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            /* libyaml pairs start and end events, so cur is set here */
            if (cur->kind == PN_MAP)
                rc = check_duplicates(l, cur);
            cur = cur->up;
            depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&yp);
    return rc;
}

/* ---- reading values ---- */

static const struct pnode *
map_value(const struct pnode *m, const char *key)
{
    size_t i, kl = strlen(key);

    for (i = 0; m && m->kind == PN_MAP && i + 1 < m->n; i += 2)
        if (m->kids[i]->len == kl && memcmp(m->kids[i]->s, key, kl) == 0)
            return m->kids[i + 1];
    return NULL;
}

static const char *
kind_name(const struct pnode *n)
{
    if (n->kind == PN_SCALAR)
        return n->len == 0 && n->plain ? "nothing" : "a string";
    return n->kind == PN_MAP ? "a mapping" : "a list";
}

static int
want(struct loader *l, const struct pnode *n, enum pn_kind kind, const char *what)
{
    static const char *const names[] = {"a string", "a list", "a mapping"};

    if (n->kind == kind)
        return 0;
    return fail(l, n->line, "%s: expected %s, found %s", what, names[kind], kind_name(n));
}

/* Every key of map m must be one of known (NULL-terminated). */
static int
known_keys(struct loader *l, const struct pnode *m, const char *what,
           const char *const *known)
{
    char list[512];
    size_t i, k, off;

    for (i = 0; i + 1 < m->n; i += 2) {
        for (k = 0; known[k]; k++)
            if (strcmp(m->kids[i]->s, known[k]) == 0)
                break;
        if (known[k])
            continue;
        off = 0;
        list[0] = '\0';
        for (k = 0; known[k] && off < sizeof(list); k++) {
            int w = snprintf(list + off, sizeof(list) - off, "%s%s", k ? ", " : "", known[k]);
            if (w < 0)
                break;
            off += (size_t)w;
        }
        return fail(l, m->kids[i]->line, "%s: unknown key '%.100s' (known: %s)", what,
                    m->kids[i]->s, list);
    }
    return 0;
}

static int
get_string(struct loader *l, const struct pnode *n, const char *what, const char **out)
{
    int rc = want(l, n, PN_SCALAR, what);

    if (rc)
        return rc;
    if (n->len == 0)
        return fail(l, n->line, "%s: empty", what);
    *out = arena_strndup(&l->p->arena, n->s, n->len);
    return *out ? 0 : MOAT_ENOMEM;
}

static int
get_bool(struct loader *l, const struct pnode *n, const char *what, int *out)
{
    if (n->kind == PN_SCALAR && n->plain && strcmp(n->s, "true") == 0)
        *out = 1;
    else if (n->kind == PN_SCALAR && n->plain && strcmp(n->s, "false") == 0)
        *out = 0;
    else
        return fail(l, n->line, "%s: expected true or false", what);
    return 0;
}

static int
get_uint(struct loader *l, const struct pnode *n, const char *what, uint64_t max, int64_t *out)
{
    uint64_t v;

    if (n->kind != PN_SCALAR || str_to_u64(n->s, n->len, &v) != 0 || v > max)
        return fail(l, n->line, "%s: expected a whole number from 0 to %llu", what,
                    (unsigned long long)max);
    *out = (int64_t)v;
    return 0;
}

/* A percentage: digits with at most one '.', 0 to 100. */
static int
get_percent(struct loader *l, const struct pnode *n, const char *what, double *out)
{
    double v = 0, scale = 0;
    size_t i;

    if (n->kind != PN_SCALAR || n->len == 0 || n->len > 12)
        goto bad;
    for (i = 0; i < n->len; i++) {
        char c = n->s[i];
        if (c == '.' && scale == 0 && i > 0 && i + 1 < n->len) {
            scale = 1;
        } else if (c >= '0' && c <= '9') {
            if (scale > 0) {
                scale /= 10;
                v += (c - '0') * scale;
            } else {
                v = v * 10 + (c - '0');
            }
        } else {
            goto bad;
        }
    }
    if (v > 100)
        goto bad;
    *out = v;
    return 0;
bad:
    return fail(l, n->line, "%s: expected a percentage from 0 to 100 (e.g. 5 or 2.5)", what);
}

/* A list of strings; one string alone is a list of one. */
static int
get_list(struct loader *l, const struct pnode *n, const char *what, struct pol_list *out)
{
    size_t i;
    int rc;

    if (n->kind == PN_SCALAR) {
        out->v = arena_alloc(&l->p->arena, sizeof(*out->v));
        if (!out->v)
            return MOAT_ENOMEM;
        out->n = 1;
        return get_string(l, n, what, &out->v[0]);
    }
    rc = want(l, n, PN_SEQ, what);
    if (rc)
        return rc;
    if (n->n == 0)
        return fail(l, n->line, "%s: an empty list (leave the key out instead)", what);
    out->v = arena_alloc(&l->p->arena, n->n * sizeof(*out->v));
    if (!out->v)
        return MOAT_ENOMEM;
    out->n = n->n;
    for (i = 0; i < n->n; i++) {
        rc = get_string(l, n->kids[i], what, &out->v[i]);
        if (rc)
            return rc;
    }
    return 0;
}

static int
get_action(struct loader *l, const struct pnode *n, const char *what, enum pol_action *out)
{
    if (n->kind == PN_SCALAR && strcmp(n->s, "deny") == 0)
        *out = POL_DENY;
    else if (n->kind == PN_SCALAR && strcmp(n->s, "warn") == 0)
        *out = POL_WARN;
    else if (n->kind == PN_SCALAR && strcmp(n->s, "off") == 0)
        *out = POL_OFF;
    else
        return fail(l, n->line, "%s: the action is deny, warn or off", what);
    return 0;
}

static int
get_severity(struct loader *l, const struct pnode *n, const char *what, int *out)
{
    static const char *const names[] = {"low", "medium", "high", "critical"};
    int i;

    for (i = 0; i < 4 && n->kind == PN_SCALAR; i++) {
        if (strcmp(n->s, names[i]) == 0) {
            *out = i + 1;
            return 0;
        }
    }
    return fail(l, n->line, "%s: the severity is low, medium, high or critical (this one "
                            "or higher; leave it out for any)", what);
}

static const char *
where(struct loader *l, const struct pnode *n)
{
    return arena_printf(&l->p->arena, "%s:%lu", l->name, n->line);
}

/* A file the policy names, relative to the policy's directory. */
static const char *
resolve(struct loader *l, const char *path)
{
    if (path[0] == '/' || !l->dir || !l->dir[0])
        return path;
    return arena_printf(&l->p->arena, "%s/%s", l->dir, path);
}

static int
valid_name(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n > 64)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* ---- KEV lists ---- */

static int
valid_id(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 128)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

static int
kev_add(struct loader *l, struct pol_kev *k, const char *id, size_t n)
{
    char *key = arena_strndup(&l->p->arena, id, n);

    if (!key)
        return MOAT_ENOMEM;
    return map_put(&k->ids, key, (void *)1, NULL) ? MOAT_ENOMEM : 0;
}

/* CISA's catalog: {"vulnerabilities": [{"cveID": "CVE-..."}, ...]}. */
static int
kev_json(struct loader *l, struct pol_kev *k, const char *buf, size_t len)
{
    char jerr[256];
    json_t *doc, *vulns, *v;
    size_t i;
    int rc = 0;

    doc = json_parse_untrusted(buf, len, MOAT_LIMIT_KEV_FILE, 16, NULL, jerr, sizeof(jerr));
    if (!doc)
        return fail(l, 0, "KEV file %s: %s", k->path, jerr);
    vulns = json_object_get(doc, "vulnerabilities");
    if (!json_is_array(vulns)) {
        json_decref(doc);
        return fail(l, 0, "KEV file %s: not a KEV catalog (no \"vulnerabilities\" list)",
                    k->path);
    }
    json_array_foreach(vulns, i, v) {
        const char *id = json_obj_str(v, "cveID");
        if (!id || !valid_id(id, strlen(id))) {
            rc = fail(l, 0, "KEV file %s: vulnerabilities[%zu] has no valid \"cveID\"",
                      k->path, i);
            break;
        }
        rc = kev_add(l, k, id, strlen(id));
        if (rc)
            break;
    }
    json_decref(doc);
    return rc;
}

/* A plain list: one id a line; blank lines and '#' comments skipped. */
static int
kev_text(struct loader *l, struct pol_kev *k, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len, *line;
    size_t n;
    unsigned long lineno = 0;
    int rc;

    while (str_next_line(&p, end, &line, &n)) {
        lineno++;
        str_trim(&line, &n);
        if (n == 0 || line[0] == '#')
            continue;
        if (!valid_id(line, n))
            return fail(l, 0, "KEV file %s:%lu: not a vulnerability id", k->path, lineno);
        rc = kev_add(l, k, line, n);
        if (rc)
            return rc;
    }
    return 0;
}

static int
load_kev(struct loader *l, const struct pnode *n, const struct pol_kev **out)
{
    struct moat_policy *p = l->p;
    struct pol_kev *k, **grown;
    const char *path;
    char ferr[512], *buf = NULL;
    size_t len = 0, i;
    int rc;

    rc = get_string(l, n, "kev", &path);
    if (rc)
        return rc;
    path = resolve(l, path);
    if (!path)
        return MOAT_ENOMEM;
    for (i = 0; i < p->nkevs; i++) {
        if (strcmp(p->kevs[i]->path, path) == 0) {
            *out = p->kevs[i];
            return 0;
        }
    }
    rc = file_read_at(AT_FDCWD, path, MOAT_LIMIT_KEV_FILE, &buf, &len, ferr, sizeof(ferr));
    if (rc)
        return rc == MOAT_ENOMEM ? rc : fail(l, n->line, "kev: %s", ferr);
    k = arena_alloc(&p->arena, sizeof(*k));
    grown = realloc(p->kevs, (p->nkevs + 1) * sizeof(*grown));
    if (!k || !grown) {
        free(buf);
        return MOAT_ENOMEM;
    }
    p->kevs = grown;
    k->path = path;
    map_init(&k->ids);
    p->kevs[p->nkevs++] = k;
    i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i < len && buf[i] == '{')
        rc = kev_json(l, k, buf, len);
    else
        rc = kev_text(l, k, buf, len);
    free(buf);
    if (rc == 0 && k->ids.len == 0)
        rc = fail(l, n->line, "kev: %s lists no vulnerability", path);
    if (rc == 0)
        *out = k;
    return rc;
}

/* ---- sections ---- */

static const char *const section_names[PK_COUNT] = {
    "vulnerabilities", "malware", "persistence", "integrity", "secrets", "config", "unmanaged",
};

static const char *const vuln_keys[] = {"action", "severity", "fixable", "older_than_days",
                                        "kev", "ids", NULL};
static const char *const file_keys[] = {"action", "severity", "ids", "paths", "removed", NULL};
static const char *const config_keys[] = {"action", "severity", "checks", "paths", NULL};
static const char *const unmanaged_keys[] = {"action", "max_percent", "max_files", NULL};

static struct pol_rule *
rule_slot(struct moat_policy *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].name, name) == 0)
            return &p->rules[i];
    if (p->nrules == p->caprules) {
        size_t cap = p->caprules ? p->caprules * 2 : 16;
        struct pol_rule *r = realloc(p->rules, cap * sizeof(*r));
        if (!r)
            return NULL;
        p->rules = r;
        p->caprules = cap;
    }
    return &p->rules[p->nrules++];
}

static int
check_ids(struct loader *l, const struct pnode *n, const char *what, const struct pol_list *ids)
{
    size_t i;

    for (i = 0; i < ids->n; i++)
        if (!moat_check_find(ids->v[i]))
            return fail(l, n->kind == PN_SEQ && i < n->n ? n->kids[i]->line : n->line,
                        "%s: unknown check id '%.100s' (see docs/CHECKS.md)", what, ids->v[i]);
    return 0;
}

static int
load_rule(struct loader *l, enum pol_kind kind, const struct pnode *key, const struct pnode *v)
{
    const char *const *known = kind == PK_VULN ? vuln_keys
                               : kind == PK_CONFIG ? config_keys
                               : kind == PK_UNMANAGED ? unmanaged_keys
                                                       : file_keys;
    struct pol_rule r, *slot;
    const struct pnode *x;
    char what[128];
    int rc;

    snprintf(what, sizeof(what), "%s.%.64s", section_names[kind], key->s);
    if (!valid_name(key->s))
        return fail(l, key->line, "%s: a rule name is 1-64 letters, digits, '_' or '-'",
                    section_names[kind]);
    rc = want(l, v, PN_MAP, what);
    if (rc == 0)
        rc = known_keys(l, v, what, known);
    if (rc)
        return rc;
    memset(&r, 0, sizeof(r));
    r.kind = kind;
    r.min_severity = -1;
    r.older_than_days = -1;
    r.removed = 1;
    r.max_percent = -1;
    r.max_files = -1;
    r.name = arena_strdup(&l->p->arena, what);
    r.where = where(l, key);
    if (!r.name || !r.where)
        return MOAT_ENOMEM;
    x = map_value(v, "action");
    if (!x)
        return fail(l, v->line, "%s: no action (deny, warn or off)", what);
    rc = get_action(l, x, what, &r.action);
    if (rc == 0 && (x = map_value(v, "severity")))
        rc = get_severity(l, x, what, &r.min_severity);
    if (rc == 0 && (x = map_value(v, "fixable")))
        rc = get_bool(l, x, "fixable", &r.fixable);
    if (rc == 0 && (x = map_value(v, "older_than_days")))
        rc = get_uint(l, x, "older_than_days", 36500, &r.older_than_days);
    if (rc == 0 && (x = map_value(v, "kev")))
        rc = load_kev(l, x, &r.kev);
    if (rc == 0 && (x = map_value(v, "ids")))
        rc = get_list(l, x, "ids", &r.ids);
    if (rc == 0 && (x = map_value(v, "paths")))
        rc = get_list(l, x, "paths", &r.paths);
    if (rc == 0 && (x = map_value(v, "removed")))
        rc = get_bool(l, x, "removed", &r.removed);
    if (rc == 0 && (x = map_value(v, "checks"))) {
        rc = get_list(l, x, "checks", &r.checks);
        if (rc == 0)
            rc = check_ids(l, x, what, &r.checks);
    }
    if (rc == 0 && (x = map_value(v, "max_percent")))
        rc = get_percent(l, x, "max_percent", &r.max_percent);
    if (rc == 0 && (x = map_value(v, "max_files")))
        rc = get_uint(l, x, "max_files", UINT32_MAX, &r.max_files);
    if (rc)
        return rc;
    if (kind == PK_UNMANAGED && r.max_percent < 0 && r.max_files < 0)
        return fail(l, v->line, "%s: give max_percent or max_files", what);
    slot = rule_slot(l->p, r.name);
    if (!slot)
        return MOAT_ENOMEM;
    *slot = r;
    return 0;
}

static int
load_section(struct loader *l, enum pol_kind kind, const struct pnode *v)
{
    size_t i;
    int rc = want(l, v, PN_MAP, section_names[kind]);

    if (rc == 0 && v->n == 0)
        rc = fail(l, v->line, "%s: no rules (each rule is NAME: {action: ..., ...})",
                  section_names[kind]);
    for (i = 0; rc == 0 && i + 1 < v->n; i += 2)
        rc = load_rule(l, kind, v->kids[i], v->kids[i + 1]);
    return rc;
}

/* image.non_root / image.pinned: "deny" or {action: deny}. */
static int
load_simple(struct loader *l, const struct pnode *key, const struct pnode *v, const char *what,
            struct pol_simple *out)
{
    static const char *const keys[] = {"action", NULL};
    const struct pnode *x = v;
    int rc;

    if (v->kind == PN_MAP) {
        rc = known_keys(l, v, what, keys);
        if (rc)
            return rc;
        x = map_value(v, "action");
        if (!x)
            return fail(l, v->line, "%s: no action (deny, warn or off)", what);
    }
    rc = get_action(l, x, what, &out->action);
    if (rc)
        return rc;
    out->where = where(l, key);
    return out->where ? 0 : MOAT_ENOMEM;
}

/* "HOST", "HOST/REPO" or "HOST/REPO-GLOB": lower-case host and path. */
static int
valid_registry(const char *s)
{
    size_t i;

    if (!s[0] || s[0] == '/' || strstr(s, "://"))
        return 0;
    for (i = 0; s[i]; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f || s[i] == '@')
            return 0;
    return 1;
}

/* A rule of the form {action: ..., <name>: [list]} at what (both keys
 * required; missing says what the list should hold). *x gets the list's
 * node, for the lines of its items. */
static int
action_and_list(struct loader *l, const struct pnode *v, const char *what, const char *name,
                const char *missing, enum pol_action *action, struct pol_list *list,
                const struct pnode **x)
{
    const char *const keys[] = {"action", name, NULL};
    char lwhat[64];
    int rc = want(l, v, PN_MAP, what);

    if (rc == 0)
        rc = known_keys(l, v, what, keys);
    if (rc)
        return rc;
    *x = map_value(v, "action");
    if (!*x)
        return fail(l, v->line, "%s: no action (deny, warn or off)", what);
    rc = get_action(l, *x, what, action);
    if (rc)
        return rc;
    *x = map_value(v, name);
    if (!*x)
        return fail(l, v->line, "%s: no %s", what, missing);
    snprintf(lwhat, sizeof(lwhat), "%s.%s", what, name);
    return get_list(l, *x, lwhat, list);
}

static int
load_registries(struct loader *l, const struct pnode *key, const struct pnode *v)
{
    struct moat_policy *p = l->p;
    const struct pnode *x;
    size_t i;
    int rc = action_and_list(l, v, "image.registries", "allow", "allow list",
                             &p->image.registries.action, &p->image.allow, &x);

    for (i = 0; rc == 0 && i < p->image.allow.n; i++) {
        if (!valid_registry(p->image.allow.v[i]))
            return fail(l, x->kind == PN_SEQ ? x->kids[i]->line : x->line,
                        "image.registries.allow: '%.100s' is not HOST or HOST/REPOSITORY "
                        "(no scheme, no tag or digest)", p->image.allow.v[i]);
        str_lower((char *)p->image.allow.v[i]);
    }
    if (rc)
        return rc;
    p->image.registries.where = where(l, key);
    return p->image.registries.where ? 0 : MOAT_ENOMEM;
}

static int
load_signature(struct loader *l, const struct pnode *key, const struct pnode *v)
{
    struct moat_policy *p = l->p;
    const struct pnode *x;
    size_t i;
    int rc = action_and_list(l, v, "image.signature", "keys", "keys (PEM public key files)",
                             &p->image.signature.action, &p->image.keys, &x);

    if (rc)
        return rc;
    if (p->image.keys.n > MOAT_LIMIT_VERIFY_KEYS)
        return fail(l, x->line, "image.signature.keys: more than %u keys",
                    (unsigned)MOAT_LIMIT_VERIFY_KEYS);
    for (i = 0; i < p->image.keys.n; i++) {
        unsigned long line = x->kind == PN_SEQ ? x->kids[i]->line : x->line;
        p->image.keys.v[i] = resolve(l, p->image.keys.v[i]);
        if (!p->image.keys.v[i])
            return MOAT_ENOMEM;
        /* a key that cannot be read must stop the scan here, not make
         * every signature look invalid later */
        if (access(p->image.keys.v[i], R_OK) != 0)
            return fail(l, line, "image.signature.keys: %s: cannot be read",
                        p->image.keys.v[i]);
    }
    p->image.signature.where = where(l, key);
    return p->image.signature.where ? 0 : MOAT_ENOMEM;
}

/* Where a golden image's versions are grouped: the repository of a
 * registry reference, the layout or archive of a local one. */
static const char *
ref_repository(struct loader *l, const char *ref)
{
    const char *s = ref, *at, *colon, *slash;
    size_t n;

    if (strncmp(s, "docker://", 9) == 0) {
        s += 9;
        at = strchr(s, '@');
        n = at ? (size_t)(at - s) : strlen(s);
        slash = memrchr(s, '/', n);
        colon = memrchr(s, ':', n);
        if (colon && (!slash || colon > slash))
            n = (size_t)(colon - s);
        return arena_strndup(&l->p->arena, s, n);
    }
    if (strncmp(s, "oci:", 4) == 0)
        s += 4;
    else if (strncmp(s, "oci-archive:", 12) == 0)
        s += 12;
    else if (strncmp(s, "docker-archive:", 15) == 0)
        s += 15;
    /* the layout or archive path: cut a ":tag" or "@digest" after the last '/' */
    n = strlen(s);
    slash = strrchr(s, '/');
    at = strchr(slash ? slash : s, '@');
    if (at)
        n = (size_t)(at - s);
    colon = memrchr(s, ':', n);
    if (colon && (!slash || colon > slash))
        n = (size_t)(colon - s);
    return arena_strndup(&l->p->arena, s, n);
}

/* A local image reference relative to the policy file. */
static const char *
resolve_ref(struct loader *l, const char *ref)
{
    static const char *const local[] = {"oci:", "oci-archive:", "docker-archive:"};
    size_t i;

    if (strncmp(ref, "docker://", 9) == 0)
        return ref;
    for (i = 0; i < 3; i++) {
        size_t n = strlen(local[i]);
        if (strncmp(ref, local[i], n) == 0) {
            if (ref[n] == '/' || !l->dir || !l->dir[0])
                return ref;
            return arena_printf(&l->p->arena, "%s%s/%s", local[i], l->dir, ref + n);
        }
    }
    return resolve(l, ref);
}

static int
load_golden(struct loader *l, const struct pnode *v, struct pol_golden *g)
{
    static const char *const keys[] = {"ref",      "digest",  "name",       "repository",
                                       "diff_ids", "created", "max_age_days", NULL};
    const struct pnode *x;
    char algo[8];
    size_t i;
    int rc = want(l, v, PN_MAP, "image.base.approved[]");

    if (rc == 0)
        rc = known_keys(l, v, "image.base.approved[]", keys);
    if (rc)
        return rc;
    g->max_age_days = -1;
    g->where = where(l, v);
    if (!g->where)
        return MOAT_ENOMEM;
    if ((x = map_value(v, "ref"))) {
        rc = get_string(l, x, "ref", &g->ref);
        if (rc)
            return rc;
        if (strncmp(g->ref, "rootfs:", 7) == 0)
            return fail(l, x->line, "ref: a root filesystem has no layers to build on");
        g->repository = ref_repository(l, g->ref);
        g->ref = resolve_ref(l, g->ref);
        if (!g->ref || !g->repository)
            return MOAT_ENOMEM;
    }
    if ((x = map_value(v, "digest"))) {
        rc = get_string(l, x, "digest", &g->digest);
        if (rc)
            return rc;
        if (digest_parse(g->digest, algo) != 0)
            return fail(l, x->line, "digest: not a sha256:<64 hex> or sha512:<128 hex> digest");
    }
    if ((x = map_value(v, "diff_ids"))) {
        rc = get_list(l, x, "diff_ids", &g->diff_ids);
        for (i = 0; rc == 0 && i < g->diff_ids.n; i++)
            if (digest_parse(g->diff_ids.v[i], algo) != 0)
                return fail(l, x->kind == PN_SEQ ? x->kids[i]->line : x->line,
                            "diff_ids: '%.100s' is not a sha256: digest", g->diff_ids.v[i]);
        if (rc)
            return rc;
    }
    if ((x = map_value(v, "created"))) {
        int64_t t;
        rc = get_string(l, x, "created", &g->created);
        if (rc)
            return rc;
        if (policy_parse_time(g->created, 0, &t) != 0)
            return fail(l, x->line, "created: not a date (2024-06-30) or RFC 3339 time");
    }
    if ((x = map_value(v, "name"))) {
        rc = get_string(l, x, "name", &g->name);
        if (rc)
            return rc;
    }
    if ((x = map_value(v, "repository"))) {
        rc = get_string(l, x, "repository", &g->repository);
        if (rc)
            return rc;
    }
    if ((x = map_value(v, "max_age_days"))) {
        rc = get_uint(l, x, "max_age_days", 36500, &g->max_age_days);
        if (rc)
            return rc;
    }
    if (!g->ref == !g->diff_ids.n)
        return fail(l, v->line, "image.base.approved[]: give ref (an image moat reads) or "
                                "diff_ids (its layers), not both");
    if (g->digest && !g->ref)
        return fail(l, v->line, "image.base.approved[]: digest pins a ref; there is none");
    if (g->created && !g->diff_ids.n)
        return fail(l, v->line, "image.base.approved[]: created goes with diff_ids (a ref's "
                                "creation time is read from its config)");
    if (!g->ref && !g->name)
        return fail(l, v->line, "image.base.approved[]: an image given by diff_ids needs a "
                                "name");
    if (!g->name)
        g->name = g->ref;
    if (!g->repository)
        g->repository = g->name;
    return 0;
}

static int
load_base(struct loader *l, const struct pnode *key, const struct pnode *v)
{
    static const char *const keys[] = {"action", "outdated", "too_old", "max_age_days",
                                       "approved", NULL};
    struct moat_policy *p = l->p;
    const struct pnode *x;
    size_t i;
    int rc = want(l, v, PN_MAP, "image.base");

    if (rc == 0)
        rc = known_keys(l, v, "image.base", keys);
    if (rc)
        return rc;
    /* the whole section replaces a preset's */
    p->base.rule.action = POL_DENY;
    p->base.outdated = POL_WARN;
    p->base.too_old = POL_WARN;
    p->base.max_age_days = -1;
    p->base.v = NULL;
    p->base.n = 0;
    if ((x = map_value(v, "action")) && (rc = get_action(l, x, "image.base", &p->base.rule.action)))
        return rc;
    if ((x = map_value(v, "outdated")) &&
        (rc = get_action(l, x, "image.base.outdated", &p->base.outdated)))
        return rc;
    if ((x = map_value(v, "too_old")) &&
        (rc = get_action(l, x, "image.base.too_old", &p->base.too_old)))
        return rc;
    if ((x = map_value(v, "max_age_days")) &&
        (rc = get_uint(l, x, "image.base.max_age_days", 36500, &p->base.max_age_days)))
        return rc;
    x = map_value(v, "approved");
    if (!x)
        return fail(l, v->line, "image.base: no approved images");
    rc = want(l, x, PN_SEQ, "image.base.approved");
    if (rc)
        return rc;
    if (x->n == 0)
        return fail(l, x->line, "image.base.approved: an empty list");
    if (x->n > MOAT_LIMIT_GOLDEN_IMAGES)
        return fail(l, x->line, "image.base.approved: more than %u images",
                    (unsigned)MOAT_LIMIT_GOLDEN_IMAGES);
    p->base.v = arena_alloc(&p->arena, x->n * sizeof(*p->base.v));
    if (!p->base.v)
        return MOAT_ENOMEM;
    for (i = 0; i < x->n; i++) {
        rc = load_golden(l, x->kids[i], &p->base.v[i]);
        if (rc)
            return rc;
    }
    p->base.n = x->n;
    p->base.rule.where = where(l, key);
    return p->base.rule.where ? 0 : MOAT_ENOMEM;
}

static int
load_image(struct loader *l, const struct pnode *v)
{
    static const char *const keys[] = {"non_root", "pinned", "registries", "signature", "base",
                                       NULL};
    size_t i;
    int rc = want(l, v, PN_MAP, "image");

    if (rc == 0)
        rc = known_keys(l, v, "image", keys);
    for (i = 0; rc == 0 && i + 1 < v->n; i += 2) {
        const struct pnode *k = v->kids[i], *x = v->kids[i + 1];
        if (strcmp(k->s, "non_root") == 0)
            rc = load_simple(l, k, x, "image.non_root", &l->p->image.non_root);
        else if (strcmp(k->s, "pinned") == 0)
            rc = load_simple(l, k, x, "image.pinned", &l->p->image.pinned);
        else if (strcmp(k->s, "registries") == 0)
            rc = load_registries(l, k, x);
        else if (strcmp(k->s, "signature") == 0)
            rc = load_signature(l, k, x);
        else
            rc = load_base(l, k, x);
    }
    return rc;
}

static int
load_exception(struct loader *l, const struct pnode *v, struct pol_exception *e)
{
    static const char *const keys[] = {"rules", "ids", "purls", "paths", "checks", "owner",
                                       "reason", "expires", NULL};
    const struct pnode *x;
    int rc = want(l, v, PN_MAP, "exceptions[]");

    if (rc == 0)
        rc = known_keys(l, v, "exceptions[]", keys);
    if (rc)
        return rc;
    e->where = where(l, v);
    if (!e->where)
        return MOAT_ENOMEM;
    if ((x = map_value(v, "rules")) && (rc = get_list(l, x, "rules", &e->rules)))
        return rc;
    if ((x = map_value(v, "ids")) && (rc = get_list(l, x, "ids", &e->ids)))
        return rc;
    if ((x = map_value(v, "purls")) && (rc = get_list(l, x, "purls", &e->purls)))
        return rc;
    if ((x = map_value(v, "paths")) && (rc = get_list(l, x, "paths", &e->paths)))
        return rc;
    if ((x = map_value(v, "checks"))) {
        rc = get_list(l, x, "checks", &e->checks);
        if (rc == 0)
            rc = check_ids(l, x, "exceptions[].checks", &e->checks);
        if (rc)
            return rc;
    }
    x = map_value(v, "owner");
    if (!x)
        return fail(l, v->line, "exception: no owner (who answers for it)");
    if ((rc = get_string(l, x, "owner", &e->owner)))
        return rc;
    x = map_value(v, "reason");
    if (!x)
        return fail(l, v->line, "exception: no reason (why it is acceptable)");
    if ((rc = get_string(l, x, "reason", &e->reason)))
        return rc;
    x = map_value(v, "expires");
    if (!x)
        return fail(l, v->line, "exception: no expires date (YYYY-MM-DD)");
    if ((rc = get_string(l, x, "expires", &e->expires_text)))
        return rc;
    if (policy_parse_time(e->expires_text, 1, &e->expires) != 0)
        return fail(l, x->line, "expires: not a date (2025-06-30) or RFC 3339 time");
    if (!e->rules.n && !e->ids.n && !e->purls.n && !e->paths.n && !e->checks.n)
        return fail(l, v->line, "exception: says nothing it applies to (give rules, ids, "
                                "purls, paths or checks)");
    return 0;
}

static int
load_exceptions(struct loader *l, const struct pnode *v)
{
    struct moat_policy *p = l->p;
    struct pol_exception *e;
    size_t i;
    int rc = want(l, v, PN_SEQ, "exceptions");

    if (rc)
        return rc;
    if (v->n == 0)
        return 0;
    /* appended to a preset's (which has none today) */
    e = arena_alloc(&p->arena, (p->nexceptions + v->n) * sizeof(*e));
    if (!e)
        return MOAT_ENOMEM;
    if (p->nexceptions)
        memcpy(e, p->exceptions, p->nexceptions * sizeof(*e));
    for (i = 0; i < v->n; i++) {
        rc = load_exception(l, v->kids[i], &e[p->nexceptions + i]);
        if (rc)
            return rc;
    }
    p->exceptions = e;
    p->nexceptions += v->n;
    return 0;
}

static int
name_covers(const char *rule, const char *name, size_t n)
{
    return strncmp(rule, name, n) == 0 && (rule[n] == '\0' || rule[n] == '.');
}

/* Is name a rule p has (set, even if off), or a prefix of one
 * ("vulnerabilities", "image.base")? */
static int
known_rule(const struct moat_policy *p, const char *name)
{
    const struct {
        const char *rule;
        int set;
    } image[] = {
        {"image.non_root", p->image.non_root.where != NULL},
        {"image.pinned", p->image.pinned.where != NULL},
        {"image.registries", p->image.registries.where != NULL},
        {"image.signature", p->image.signature.where != NULL},
        {"image.base", p->base.n > 0},
        {"image.base.outdated", p->base.n > 0},
        {"image.base.too_old", p->base.n > 0},
    };
    size_t i, n = strlen(name);

    for (i = 0; i < sizeof(image) / sizeof(image[0]); i++)
        if (image[i].set && name_covers(image[i].rule, name, n))
            return 1;
    for (i = 0; i < p->nrules; i++)
        if (name_covers(p->rules[i].name, name, n))
            return 1;
    return 0;
}

static int load_text(struct loader *l, const char *buf, size_t len, int preset);

static int
load_extends(struct loader *l, const struct pnode *v)
{
    struct loader sub;
    const char *text;
    char name[64];
    int rc = want(l, v, PN_SCALAR, "extends");

    if (rc)
        return rc;
    text = policy_preset_text(v->s);
    if (!text)
        return fail(l, v->line, "extends: unknown preset '%.64s' (baseline, strict)", v->s);
    snprintf(name, sizeof(name), "preset %s", v->s);
    memset(&sub, 0, sizeof(sub));
    sub.p = l->p;
    sub.name = name;
    sub.err = l->err;
    sub.errlen = l->errlen;
    arena_init(&sub.tree);
    rc = load_text(&sub, text, strlen(text), 1);
    arena_free(&sub.tree);
    return rc;
}

static int
load_text(struct loader *l, const char *buf, size_t len, int preset)
{
    static const char *const keys[] = {"version",  "name",        "description", "extends",
                                       "vulnerabilities", "malware", "persistence",
                                       "integrity", "secrets",    "config",      "unmanaged",
                                       "image",    "exceptions",  NULL};
    struct pnode *root;
    const struct pnode *x;
    size_t i, k;
    int rc;

    rc = parse_tree(l, buf, len, &root);
    if (rc)
        return rc;
    if (!root || (root->kind == PN_SCALAR && root->len == 0))
        return fail(l, 0, "an empty policy (see docs/POLICY.md)");
    rc = want(l, root, PN_MAP, "policy");
    if (rc == 0)
        rc = known_keys(l, root, "policy", keys);
    if (rc)
        return rc;
    if ((x = map_value(root, "version")) &&
        (x->kind != PN_SCALAR || strcmp(x->s, "1") != 0))
        return fail(l, x->line, "version: this moat reads policy version 1");
    for (k = 0; k < 3; k++) {
        static const char *const text_keys[] = {"name", "description", "extends"};
        if ((x = map_value(root, text_keys[k])) && x->kind != PN_SCALAR)
            return fail(l, x->line, "%s: expected a string", text_keys[k]);
    }
    if ((x = map_value(root, "extends"))) {
        if (preset)
            return fail(l, x->line, "extends: a preset cannot extend another");
        rc = load_extends(l, x);
        if (rc)
            return rc;
    }
    /* sections in file order, so that rules keep the order written */
    for (i = 0; rc == 0 && i + 1 < root->n; i += 2) {
        const char *key = root->kids[i]->s;
        x = root->kids[i + 1];
        for (k = 0; k < PK_COUNT; k++)
            if (strcmp(key, section_names[k]) == 0)
                break;
        if (k < PK_COUNT)
            rc = load_section(l, (enum pol_kind)k, x);
        else if (strcmp(key, "image") == 0)
            rc = load_image(l, x);
        else if (strcmp(key, "exceptions") == 0)
            rc = load_exceptions(l, x);
    }
    return rc;
}

/* Exceptions are checked once the whole policy (preset included) is read:
 * a waiver of a rule that does not exist is a typo that waives nothing. */
static int
check_exceptions(struct loader *l)
{
    const struct moat_policy *p = l->p;
    size_t i, j;

    for (i = 0; i < p->nexceptions; i++)
        for (j = 0; j < p->exceptions[i].rules.n; j++)
            if (!known_rule(p, p->exceptions[i].rules.v[j])) {
                snprintf(l->err, l->errlen, "%s: exception names rule '%.100s', which this "
                                            "policy does not have",
                         p->exceptions[i].where, p->exceptions[i].rules.v[j]);
                return MOAT_EINVAL;
            }
    return 0;
}

int
policy_load_mem(const char *name, const char *dir, const char *buf, size_t len,
                struct moat_policy **out, char *err, size_t errlen)
{
    struct loader l;
    struct moat_policy *p;
    int rc;

    *out = NULL;
    if (len > MOAT_LIMIT_POLICY_FILE) {
        snprintf(err, errlen, "%s: %zu bytes, more than the limit of %u", name, len,
                 (unsigned)MOAT_LIMIT_POLICY_FILE);
        return MOAT_ETOOBIG;
    }
    p = calloc(1, sizeof(*p));
    if (!p)
        return MOAT_ENOMEM;
    arena_init(&p->arena);
    memset(&l, 0, sizeof(l));
    l.p = p;
    l.err = err;
    l.errlen = errlen;
    arena_init(&l.tree);
    p->base.max_age_days = -1;
    l.name = arena_strdup(&p->arena, name);
    l.dir = dir ? arena_strdup(&p->arena, dir) : NULL;
    p->source = l.name;
    if (!l.name || (dir && !l.dir)) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    rc = load_text(&l, buf, len, strncmp(name, "preset ", 7) == 0);
    if (rc == 0)
        rc = check_exceptions(&l);
out:
    arena_free(&l.tree);
    if (rc == MOAT_ENOMEM)
        snprintf(err, errlen, "%s: out of memory", name);
    if (rc) {
        moat_policy_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int
moat_policy_load(const char *path_or_preset, struct moat_policy **out, char *err,
                 size_t errlen)
{
    const char *text = policy_preset_text(path_or_preset);
    char name[80], ferr[512], *buf = NULL, *dir = NULL;
    size_t len = 0, dl;
    int rc;

    *out = NULL;
    if (text) {
        snprintf(name, sizeof(name), "preset %s", path_or_preset);
        return policy_load_mem(name, NULL, text, strlen(text), out, err, errlen) ? -1 : 0;
    }
    rc = file_read_at(AT_FDCWD, path_or_preset, MOAT_LIMIT_POLICY_FILE, &buf, &len, ferr,
                      sizeof(ferr));
    if (rc == MOAT_ENOENT && !strchr(path_or_preset, '/') && !strchr(path_or_preset, '.')) {
        snprintf(err, errlen, "%s: no such policy file, and not a preset (baseline, strict)",
                 path_or_preset);
        return -1;
    }
    if (rc) {
        snprintf(err, errlen, "policy %s", ferr);
        return -1;
    }
    dl = path_dirlen(path_or_preset);
    if (dl) {
        dir = strndup(path_or_preset, dl);
        if (!dir) {
            free(buf);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    rc = policy_load_mem(path_or_preset, dir, buf, len, out, err, errlen);
    free(buf);
    free(dir);
    return rc ? -1 : 0;
}

void
moat_policy_free(struct moat_policy *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->nkevs; i++)
        map_free(&p->kevs[i]->ids);
    free(p->kevs);
    free(p->rules);
    arena_free(&p->arena);
    free(p);
}

const char *const *
moat_policy_signature_keys(const struct moat_policy *p, size_t *n)
{
    if (!p || p->image.signature.action == POL_OFF || !p->image.keys.n) {
        *n = 0;
        return NULL;
    }
    *n = p->image.keys.n;
    return p->image.keys.v;
}

int
policy_parse_time(const char *s, int end_of_day, int64_t *out)
{
    char full[40];
    int64_t us;
    size_t n = strlen(s);

    if (n == 10) {
        snprintf(full, sizeof(full), "%sT00:00:00Z", s);
        if (osv_parse_time(full, &us) != 0)
            return -1;
        *out = us / 1000000 + (end_of_day ? 86400 : 0);
        return 0;
    }
    if (n > 35 || osv_parse_time(s, &us) != 0)
        return -1;
    *out = us / 1000000;
    return 0;
}

/*
 * maven.c - Maven artifact versions, ordered the way Maven orders them:
 * org.apache.maven.artifact.versioning.ComparableVersion of maven-artifact
 * 3.8.7 (Debian's maven; the differential test runs that jar).
 *
 * ComparableVersion accepts every string, so every string is a valid Maven
 * version. It lower-cases the string and cuts it into items: '.' ends an
 * item, '-' ends one and opens a sub-list, and so does every switch between
 * digits and non-digits ("1.0alpha1" is 1.0-alpha-1); an empty item is 0.
 * A string directly followed by digits opens a sub-list of its own if the
 * current list already has items ("1.0.RC1" is 1.0-rc-1). So a version is a
 * chain: each list holds items and at most one sub-list, as its last
 * element. Each list then drops its trailing "null" items (0, the release
 * qualifiers "", "ga", "final", "release") and empty sub-lists.
 *
 * Items compare: numbers by value (any length); qualifiers in the order
 * alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release
 * < sp < any other string (those lexically); "a", "b", "m" mean alpha,
 * beta, milestone only when directly followed by a digit. A number is
 * greater than a qualifier and than a sub-list; a sub-list is greater than
 * a qualifier. A missing item compares as "nothing": a number is greater
 * unless 0, a qualifier by its order against "" (1-rc < 1 < 1-sp), a
 * sub-list by its first item that is not equal to nothing.
 *
 * ComparableVersion is not transitive, and this reproduction is not
 * either: a qualifier inside a list sorts below a sub-list but can sort
 * above "nothing", so 1-SNAPSHOT < 1 < 1.foo.1 < 1-SNAPSHOT. Whoever sorts
 * Maven versions must use a sort that tolerates that.
 *
 * Differences, deliberate: Java lower-cases and classifies digits with
 * Unicode rules and compares UTF-16 units; moat lower-cases ASCII only,
 * treats every other byte as a letter and compares bytes. For ASCII
 * versions (all real ones) the order is identical.
 *
 * Nothing is allocated: the chain is walked in place, twice at most (once
 * to find where each list's non-null items end), so a comparison is linear
 * in the length of the strings.
 */
#include "version.h"

#include <string.h>

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

enum { EV_END, EV_ITEM, EV_OPEN };
enum { IT_NUM, IT_STR };

/* One event of the parse: an item (a number or a string, with whether a
 * digit directly follows the string) or the opening of a sub-list. */
struct event {
    int kind;
    int type;
    const char *p;
    size_t n;
    int before_digit;
};

/* The parser of ComparableVersion.parseVersion as a resumable state
 * machine: each character may produce up to three events, queued. */
struct lexer {
    const char *s, *end;
    const char *i, *start;
    int is_digit;
    int list_nonempty;
    int finished;
    struct event q[3];
    int qn, qi;
};

static void
lex_init(struct lexer *l, const char *s, const char *end)
{
    memset(l, 0, sizeof(*l));
    l->s = l->i = l->start = s;
    l->end = end;
}

static void
push_item(struct lexer *l, int type, const char *p, size_t n, int before_digit)
{
    struct event *e = &l->q[l->qn++];

    e->kind = EV_ITEM;
    e->type = type;
    e->p = p;
    e->n = n;
    e->before_digit = before_digit;
    l->list_nonempty = 1;
}

static void
push_open(struct lexer *l)
{
    l->q[l->qn++].kind = EV_OPEN;
    l->list_nonempty = 0;
}

/* Adds the item [start, i) the way parseItem() would, or 0 when empty. */
static void
push_pending(struct lexer *l)
{
    if (l->i == l->start)
        push_item(l, IT_NUM, "0", 1, 0);
    else
        push_item(l, l->is_digit ? IT_NUM : IT_STR, l->start, (size_t)(l->i - l->start), 0);
}

static void
lex_step(struct lexer *l)
{
    int c;

    if (l->i >= l->end) {
        if (l->end > l->start) {
            if (!l->is_digit && l->list_nonempty)
                push_open(l);
            push_item(l, l->is_digit ? IT_NUM : IT_STR, l->start, (size_t)(l->end - l->start), 0);
        }
        l->finished = 1;
        return;
    }
    c = (unsigned char)*l->i;
    if (c == '.' || c == '-') {
        push_pending(l);
        l->start = l->i + 1;
        if (c == '-')
            push_open(l);
    } else if (is_digit(c)) {
        if (!l->is_digit && l->i > l->start) {
            if (l->list_nonempty)
                push_open(l);
            push_item(l, IT_STR, l->start, (size_t)(l->i - l->start), 1);
            l->start = l->i;
            push_open(l);
        }
        l->is_digit = 1;
    } else {
        if (l->is_digit && l->i > l->start) {
            push_item(l, IT_NUM, l->start, (size_t)(l->i - l->start), 0);
            l->start = l->i;
            push_open(l);
        }
        l->is_digit = 0;
    }
    l->i++;
}

/* The next event; EV_END once the string is done. */
static struct event
lex_next(struct lexer *l)
{
    struct event end = {EV_END, 0, NULL, 0, 0};

    while (l->qi == l->qn) {
        if (l->finished)
            return end;
        l->qn = l->qi = 0;
        lex_step(l);
    }
    return l->q[l->qi++];
}

/* Qualifier order: the index in QUALIFIERS, or 7 for any other string. */
enum { Q_ALPHA, Q_BETA, Q_MILESTONE, Q_RC, Q_SNAPSHOT, Q_RELEASE, Q_SP, Q_OTHER };

static int
str_is(const struct event *e, const char *word)
{
    size_t i, n = strlen(word);

    if (e->n != n)
        return 0;
    for (i = 0; i < n; i++)
        if (lower((unsigned char)e->p[i]) != word[i])
            return 0;
    return 1;
}

static int
qualifier(const struct event *e)
{
    static const struct {
        const char *word;
        int q;
    } known[] = {
        {"alpha", Q_ALPHA}, {"beta", Q_BETA},     {"milestone", Q_MILESTONE},
        {"rc", Q_RC},       {"cr", Q_RC},         {"snapshot", Q_SNAPSHOT},
        {"ga", Q_RELEASE},  {"final", Q_RELEASE}, {"release", Q_RELEASE},
        {"sp", Q_SP},
    };
    size_t i;

    if (e->before_digit && e->n == 1) {
        int c = lower((unsigned char)e->p[0]);
        if (c == 'a')
            return Q_ALPHA;
        if (c == 'b')
            return Q_BETA;
        if (c == 'm')
            return Q_MILESTONE;
    }
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (str_is(e, known[i].word))
            return known[i].q;
    return Q_OTHER;
}

static int
is_null(const struct event *e)
{
    size_t i;

    if (e->type == IT_STR)
        return qualifier(e) == Q_RELEASE;
    for (i = 0; i < e->n; i++)
        if (e->p[i] != '0')
            return 0;
    return 1;
}

/* Walks the normalised chain: the items of each list that survive
 * normalisation, then EL_SUB where the next list begins (if it survives),
 * then EL_END. */
enum { EL_END, EL_ITEM, EL_SUB };

struct walk {
    struct lexer lx;
    long group;      /* index of the current list in the chain */
    long last_group; /* last list with a non-null item; -1: none */
    long item;       /* items of the current list seen so far */
    long keep;       /* items of the current list up to the last non-null */
};

/* Counts the items of the list the lexer is in, from here to the next
 * sub-list or the end: *keep is one past the last non-null one. */
static void
scan_group(const struct lexer *from, long *keep)
{
    struct lexer l = *from;
    long n = 0;

    *keep = 0;
    for (;;) {
        struct event e = lex_next(&l);
        if (e.kind != EV_ITEM)
            return;
        n++;
        if (!is_null(&e))
            *keep = n;
    }
}

static void
walk_init(struct walk *w, const char *s)
{
    struct lexer l;
    long group = 0;

    lex_init(&l, s, s + strlen(s));
    w->last_group = -1;
    for (;;) {
        struct event e = lex_next(&l);
        if (e.kind == EV_END)
            break;
        if (e.kind == EV_OPEN)
            group++;
        else if (!is_null(&e))
            w->last_group = group;
    }
    lex_init(&w->lx, s, s + strlen(s));
    w->group = 0;
    w->item = 0;
    scan_group(&w->lx, &w->keep);
}

static int
walk_next(struct walk *w, struct event *out)
{
    for (;;) {
        struct event e;
        if (w->group > w->last_group)
            return EL_END;
        if (w->item >= w->keep) {
            /* Rest of this list is null: skip to the next list. */
            if (w->group == w->last_group) {
                w->group++;
                return EL_END;
            }
            do
                e = lex_next(&w->lx);
            while (e.kind == EV_ITEM);
            w->group++;
            w->item = 0;
            scan_group(&w->lx, &w->keep);
            return EL_SUB;
        }
        e = lex_next(&w->lx);
        if (e.kind != EV_ITEM)
            continue; /* defensive: scan_group counted these items */
        w->item++;
        *out = e;
        return EL_ITEM;
    }
}

static int
cmp_num(const char *a, size_t an, const char *b, size_t bn)
{
    int c;

    while (an && *a == '0')
        a++, an--;
    while (bn && *b == '0')
        b++, bn--;
    if (an != bn)
        return an < bn ? -1 : 1;
    c = an ? memcmp(a, b, an) : 0;
    return (c > 0) - (c < 0);
}

/* Lexical order of two unknown qualifiers, lower-cased. */
static int
cmp_text(const struct event *x, const struct event *y)
{
    size_t i, n = x->n < y->n ? x->n : y->n;

    for (i = 0; i < n; i++) {
        int a = lower((unsigned char)x->p[i]), b = lower((unsigned char)y->p[i]);
        if (a != b)
            return a < b ? -1 : 1;
    }
    return x->n == y->n ? 0 : x->n < y->n ? -1 : 1;
}

static int
cmp_items(const struct event *x, const struct event *y)
{
    int qx, qy;

    if (x->type != y->type)
        return x->type == IT_NUM ? 1 : -1;
    if (x->type == IT_NUM)
        return cmp_num(x->p, x->n, y->p, y->n);
    qx = qualifier(x);
    qy = qualifier(y);
    if (qx != qy)
        return qx < qy ? -1 : 1;
    return qx == Q_OTHER ? cmp_text(x, y) : 0;
}

/* An item against a missing one. */
static int
cmp_nothing(const struct event *x)
{
    int q;

    if (x->type == IT_NUM)
        return is_null(x) ? 0 : 1;
    q = qualifier(x);
    return q < Q_RELEASE ? -1 : q > Q_RELEASE ? 1 : 0;
}

/* The rest of a chain against nothing: its first element that differs. */
static int
rest_vs_nothing(struct walk *w, int el, struct event *e)
{
    for (;;) {
        if (el == EL_END)
            return 0;
        if (el == EL_ITEM) {
            int c = cmp_nothing(e);
            if (c)
                return c;
        }
        el = walk_next(w, e);
    }
}

static int
compare(const char *a, const char *b)
{
    struct walk x, y;

    walk_init(&x, a);
    walk_init(&y, b);
    for (;;) {
        struct event ex, ey;
        int kx = walk_next(&x, &ex), ky = walk_next(&y, &ey), c;

        if (kx == EL_END && ky == EL_END)
            return 0;
        if (kx == EL_END)
            return -rest_vs_nothing(&y, ky, &ey);
        if (ky == EL_END)
            return rest_vs_nothing(&x, kx, &ex);
        if (kx == EL_SUB && ky == EL_SUB)
            continue;
        if (kx == EL_SUB) /* a list against an item */
            return ey.type == IT_NUM ? -1 : 1;
        if (ky == EL_SUB)
            return ex.type == IT_NUM ? 1 : -1;
        c = cmp_items(&ex, &ey);
        if (c)
            return c;
    }
}

static int
valid(const char *s)
{
    (void)s;
    return 1;
}

static int
cmp(const char *a, const char *b, int *out)
{
    *out = compare(a, b);
    return 0;
}

const struct version_scheme version_maven = {
    .name = "maven",
    .valid = valid,
    .cmp = cmp,
};

/*
 * feed.c - see feed.h.
 */
#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
feed_mem_next(void *ud, const void **p, size_t *n)
{
    struct feed_mem *m = ud;
    size_t k;

    if (m->pos >= m->len)
        return 0;
    k = m->len - m->pos;
    if (m->chunk && k > m->chunk)
        k = m->chunk;
    *p = m->p + m->pos;
    *n = k;
    m->pos += k;
    return 1;
}

void
feed_init(struct feed *f, int layer)
{
    memset(f, 0, sizeof(*f));
    moat_options_init(&(struct moat_options){0}); /* keeps the symbol linked */
    moat_options_init(&f->opt);
    f->lim = f->opt.limits;
    layer_result_init(&f->lr, layer);
    actx_init(&f->c, &f->lr, &f->lim, &f->abort);
}

void
feed_free(struct feed *f)
{
    if (f->inited && f->inited->fini)
        f->inited->fini(f->state);
    layer_result_free(&f->lr);
}

int
feed_file(struct feed *f, const struct analyzer *an, const char *path, const void *buf,
          size_t len, uint32_t mode)
{
    const struct analyzer *table[1] = {an};
    struct layer_entry *le = vec_push(&f->lr.entries);
    struct entry e;
    struct feed_mem m = {buf, len, 0, f->chunk};
    struct producer prod = {feed_mem_next, &m};

    if (!le)
        return -1;
    if (an->init && f->inited != an) {
        if (f->inited && f->inited->fini)
            f->inited->fini(f->state);
        f->state = NULL;
        f->inited = an;
        if (an->init(&f->opt, NULL, &f->state, f->init_err, sizeof(f->init_err)) != 0)
            return -2;
    }
    f->c.opt = &f->opt;
    f->c.shared = an->init ? (void *const *)&f->state : NULL;
    le->path = arena_strdup(&f->lr.arena, path);
    le->type = ENTRY_REG;
    le->size = len;
    le->mode = mode ? mode : 0644;
    e.le = le;
    e.path = le->path;
    e.base = strrchr(le->path, '/') ? strrchr(le->path, '/') + 1 : le->path;
    e.layer = f->lr.index;
    e.opt = &f->opt;
    return dispatch_with(table, 1, &f->c, &e, &prod);
}

size_t
feed_npkgs(const struct feed *f)
{
    size_t i, n = 0;

    for (i = 0; i < f->lr.recs.len; i++) {
        const struct rec *r = *VEC_AT(&f->lr.recs, struct rec *, i);
        if (r->kind == REC_PKGS)
            n += r->npkgs;
    }
    return n;
}

const struct pkg *
feed_pkg(const struct feed *f, size_t k)
{
    size_t i;

    for (i = 0; i < f->lr.recs.len; i++) {
        const struct rec *r = *VEC_AT(&f->lr.recs, struct rec *, i);
        if (r->kind != REC_PKGS)
            continue;
        if (k < r->npkgs)
            return &r->pkgs[k];
        k -= r->npkgs;
    }
    return NULL;
}

const struct pkg *
feed_find(const struct feed *f, const char *name)
{
    size_t i, n = feed_npkgs(f);

    for (i = 0; i < n; i++) {
        const struct pkg *p = feed_pkg(f, i);
        if (p->name && strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

size_t
feed_nproblems(const struct feed *f, enum moat_grade min)
{
    size_t i, n = 0;

    for (i = 0; i < f->lr.problems.len; i++)
        if (VEC_AT(&f->lr.problems, struct moat_problem, i)->grade >= min)
            n++;
    return n;
}

char *
feed_read_path(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else if (buf) {
            buf[n] = '\0';
            *len = (size_t)n;
        }
    }
    fclose(fp);
    return buf;
}

#include "image/image.h"

struct mem_blob {
    struct blob b;
    const unsigned char *p;
    size_t n, pos;
};

static ssize_t
mem_blob_read(struct blob *b, void *buf, size_t n)
{
    struct mem_blob *m = (struct mem_blob *)b;

    if (n > m->n - m->pos)
        n = m->n - m->pos;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static void
mem_blob_close(struct blob *b)
{
    free(b);
}

struct blob *
feed_blob(const void *p, size_t n)
{
    struct mem_blob *m = calloc(1, sizeof(*m));

    if (!m)
        return NULL;
    m->b.read = mem_blob_read;
    m->b.close = mem_blob_close;
    m->p = p;
    m->n = n;
    return &m->b;
}

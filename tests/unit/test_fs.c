/*
 * test_fs.c - the merged view: whiteouts, opaque directories, replacement,
 * files replacing directories, implicit parents, symlink resolution inside
 * the image (relative, absolute, chained, through directories, loops).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/err.h"
#include "base/limits.h"
#include "image/fs.h"

/* Layers are written as "type path [link]" strings:
 * f=file d=dir l=symlink w=whiteout o=opaque */
static void
layer(struct vec *v, const char *const *spec)
{
    vec_init(v, sizeof(struct layer_entry), 1000);
    for (; *spec; spec++) {
        struct layer_entry *e = vec_push(v);
        const char *s = *spec;
        const char *sp = strchr(s + 2, ' ');
        static char paths[200][128];
        static int np;
        char *p = paths[np++];
        snprintf(p, 128, "%.*s", sp ? (int)(sp - s - 2) : (int)strlen(s + 2), s + 2);
        e->path = p;
        switch (s[0]) {
        case 'f': e->type = ENTRY_REG; break;
        case 'd': e->type = ENTRY_DIR; break;
        case 'l': e->type = ENTRY_SYMLINK; e->link = sp + 1; break;
        case 'w': e->type = ENTRY_REG; e->whiteout = WH_FILE; break;
        case 'o': e->type = ENTRY_REG; e->whiteout = WH_OPAQUE; break;
        }
    }
}

static int
visible_layer(const struct fs *fs, const char *p)
{
    const struct fs_node *n = fs_lookup(fs, p);
    return n ? n->e->layer : -1;
}

static void
test_whiteouts(void **state)
{
    static const char *const l0[] = {"d etc", "f etc/a", "f etc/b", "d opt", "f opt/x",
                                     "f opt/sub/y", "d var", "f var/keep", "f gone/deep/z",
                                     "d swap", "f swap/inner", NULL};
    static const char *const l1[] = {"w etc/a", "o opt", "f opt/new", "f etc/b",
                                     "w gone", "f swap", NULL};
    static const char *const l2[] = {"f etc/a", NULL};
    struct vec v[3], *vs[3] = {&v[0], &v[1], &v[2]};
    struct fs fs;

    (void)state;
    layer(&v[0], l0);
    layer(&v[1], l1);
    layer(&v[2], l2);
    assert_int_equal(fs_merge(&fs, vs, 3), 0);
    assert_int_equal(visible_layer(&fs, "etc/a"), 2);    /* deleted in 1, re-added in 2 */
    assert_int_equal(visible_layer(&fs, "etc/b"), 1);    /* replaced */
    assert_int_equal(visible_layer(&fs, "opt/x"), -1);   /* opaque dir */
    assert_int_equal(visible_layer(&fs, "opt/sub/y"), -1);
    assert_int_equal(visible_layer(&fs, "opt/new"), 1);  /* same layer as the opaque marker */
    assert_int_equal(visible_layer(&fs, "opt"), 0);      /* the dir itself stays */
    assert_int_equal(visible_layer(&fs, "var/keep"), 0);
    assert_int_equal(visible_layer(&fs, "gone/deep/z"), -1);
    assert_int_equal(visible_layer(&fs, "swap"), 1);     /* file replaced the dir */
    assert_int_equal(visible_layer(&fs, "swap/inner"), -1);
    fs_free(&fs);
    vec_free(&v[0]);
    vec_free(&v[1]);
    vec_free(&v[2]);
}

static void
test_resolve(void **state)
{
    static const char *const l0[] = {
        "d etc", "l etc/os-release ../usr/lib/os-release", "f usr/lib/os-release",
        "l lib usr/lib", "f usr/lib/x86_64-linux-gnu/libc.so.6", "l abs /usr/lib",
        "l loop1 loop2", "l loop2 loop1", "l chain1 chain2", "l chain2 etc/os-release",
        "l dangling nothing/here", "l up ../../../../usr", "f plain", NULL};
    struct vec v, *vs[1] = {&v};
    struct fs fs;
    const struct fs_node *n;
    char out[MOAT_LIMIT_PATH + 1];

    (void)state;
    layer(&v, l0);
    assert_int_equal(fs_merge(&fs, vs, 1), 0);
    assert_int_equal(fs_resolve(&fs, "etc/os-release", 1, out, sizeof(out), &n), 0);
    assert_string_equal(out, "usr/lib/os-release");
    assert_int_equal(fs_resolve(&fs, "etc/os-release", 0, out, sizeof(out), &n), 0);
    assert_string_equal(out, "etc/os-release");
    assert_int_equal(n->e->type, ENTRY_SYMLINK);
    assert_int_equal(fs_resolve(&fs, "lib/x86_64-linux-gnu/libc.so.6", 0, out, sizeof(out), &n), 0);
    assert_string_equal(out, "usr/lib/x86_64-linux-gnu/libc.so.6");
    assert_int_equal(fs_resolve(&fs, "abs/os-release", 1, out, sizeof(out), &n), 0);
    assert_string_equal(out, "usr/lib/os-release");
    assert_int_equal(fs_resolve(&fs, "chain1", 1, out, sizeof(out), &n), 0);
    assert_string_equal(out, "usr/lib/os-release");
    assert_int_equal(fs_resolve(&fs, "up/lib/os-release", 1, out, sizeof(out), &n), 0);
    assert_string_equal(out, "usr/lib/os-release");
    assert_int_equal(fs_resolve(&fs, "loop1", 1, out, sizeof(out), &n), MOAT_ELOOP);
    assert_int_equal(fs_resolve(&fs, "dangling", 1, out, sizeof(out), &n), MOAT_ENOENT);
    assert_int_equal(fs_resolve(&fs, "plain/x", 1, out, sizeof(out), &n), MOAT_ENOENT);
    /* implicit parent directories exist */
    assert_non_null(fs_lookup(&fs, "usr/lib/x86_64-linux-gnu"));
    fs_free(&fs);
    vec_free(&v);
}

/* Many files under directories no entry names: the index grows past the
 * size fs_merge gave it (implicit directories come on top), every path
 * stays findable, and fs_next() visits each visible node exactly once. */
static void
test_many_implicit(void **state)
{
    enum { N = 3000 };
    static char names[N][32];
    struct vec v, *vs[1] = {&v};
    struct fs fs;
    const struct fs_node *n;
    size_t i, seen = 0, dirs = 0;
    char p[32];

    (void)state;
    vec_init(&v, sizeof(struct layer_entry), N);
    for (i = 0; i < N; i++) {
        struct layer_entry *e = vec_push(&v);
        assert_non_null(e);
        /* every file in a directory of its own: N implicit directories */
        snprintf(names[i], sizeof(names[i]), "d%zu/f", i);
        e->path = names[i];
        e->type = ENTRY_REG;
    }
    assert_int_equal(fs_merge(&fs, vs, 1), 0);
    assert_int_equal(fs.files, N);
    for (i = 0; i < N; i++) {
        snprintf(p, sizeof(p), "d%zu", i);
        n = fs_lookup(&fs, p);
        assert_non_null(n);
        assert_int_equal(n->e->type, ENTRY_DIR);
        assert_string_equal(n->e->path, p);
        n = fs_lookup(&fs, names[i]);
        assert_non_null(n);
        assert_ptr_equal(n->e, VEC_AT(&v, struct layer_entry, i));
    }
    assert_null(fs_lookup(&fs, "d3000"));
    assert_null(fs_lookup(&fs, "d1/f/x"));
    for (i = 0; fs_next(&fs, &i, &n);) {
        assert_ptr_equal(fs_lookup(&fs, n->e->path), n);
        seen++;
        dirs += n->e->type == ENTRY_DIR;
    }
    assert_int_equal(seen, 2 * N);
    assert_int_equal(dirs, N);
    fs_free(&fs);
    vec_free(&v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whiteouts),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_many_implicit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_spill.c - the spill file (base/spill.h) and the containers that use
 * it: contents survive being dropped from memory, allocations are zeroed
 * and aligned, the reserve is a hard limit, a vec keeps its items across
 * growth (spill_move) and hands out a heap copy, an arena frees back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/spill.h"
#include "base/vec.h"

static struct spill *
open_spill(uint64_t reserve, uint64_t resident)
{
    struct spill *s = NULL;
    char err[256];

    assert_int_equal(spill_open(&s, NULL, reserve, resident, err, sizeof(err)), 0);
    assert_non_null(s);
    return s;
}

static void
test_alloc_and_trim(void **state)
{
    struct spill *s = open_spill(64u << 20, 0);
    struct spill_stats st;
    unsigned char *p[40];
    size_t i, j;

    (void)state;
    for (i = 0; i < 40; i++) {
        p[i] = spill_alloc(s, 100000 + i);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 64, 0);
        for (j = 0; j < 100000 + i; j++)
            assert_int_equal(p[i][j], 0);
        memset(p[i], (int)(i + 1), 100000 + i);
    }
    spill_trim(s);
    spill_trim(s);
    for (i = 0; i < 40; i++)
        for (j = 0; j < 100000 + i; j += 997)
            assert_int_equal(p[i][j], i + 1);
    spill_stats(s, &st);
    assert_int_equal(st.trims, 2);
    assert_true(st.allocated >= 40 * 100000);
    assert_true(st.file >= st.allocated);
    /* released pages read as zeros and are never handed out again */
    spill_release(s, p[3], 100003);
    assert_int_equal(p[3][50000], 0);
    assert_int_equal(p[4][0], 5);
    spill_close(s);
}

static void
test_reserve_is_a_limit(void **state)
{
    struct spill *s = open_spill(1u << 20, 0);

    (void)state;
    assert_non_null(spill_alloc(s, 600000));
    assert_null(spill_alloc(s, 600000));
    assert_non_null(spill_alloc(s, 1000));
    assert_null(spill_alloc(s, SIZE_MAX));
    spill_close(s);
}

static void
test_bad_directory(void **state)
{
    struct spill *s = (struct spill *)1;
    char err[256];

    (void)state;
    assert_int_not_equal(spill_open(&s, "/nonexistent/moat", 1u << 20, 0, err, sizeof(err)), 0);
    assert_null(s);
    assert_non_null(strstr(err, "/nonexistent/moat"));
}

/* File-backed resident bytes of this process (statm's third field). */
static uint64_t
file_resident(void)
{
    unsigned long long size, res, shared;
    FILE *f = fopen("/proc/self/statm", "r");

    assert_non_null(f);
    assert_int_equal(fscanf(f, "%llu %llu %llu", &size, &res, &shared), 3);
    fclose(f);
    return (uint64_t)shared * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* A resident threshold of one byte: once 16 MiB of spilled pages are
 * resident (more than the 8 MiB worth dropping), the next allocation drops
 * them, and their contents stay. Under memory pressure (a cgroup near its
 * limit) the kernel may reclaim the pages first; then nothing is left to
 * drop, and that is checked instead. */
static void
test_over_threshold_trims(void **state)
{
    const size_t n = 16u << 20;
    struct spill *s = open_spill(64u << 20, 1);
    struct spill_stats st;
    char *a = spill_alloc(s, n), *b;
    uint64_t base = file_resident(), left;

    (void)state;
    assert_non_null(a);
    spill_stats(s, &st);
    assert_int_equal(st.trims, 0); /* nothing of it was resident yet */
    memset(a, 'x', n);
    b = spill_alloc(s, 4096);
    assert_non_null(b);
    spill_stats(s, &st);
    if (st.trims == 0) {
        left = file_resident();
        left = left > base ? left - base : 0;
        printf("note: no trim: the kernel had already reclaimed all but %llu KiB of the "
               "16 MiB written (memory pressure)\n", (unsigned long long)(left >> 10));
        assert_true(left <= (9u << 20));
    }
    assert_int_equal(a[0], 'x');
    assert_int_equal(a[n - 1], 'x');
    spill_close(s);
}

static void
test_vec_and_arena(void **state)
{
    struct spill *s = open_spill(256u << 20, 0);
    struct vec v;
    struct arena a;
    uint64_t *x, *copy;
    char *str[1000];
    size_t i, n;

    (void)state;
    vec_init_spill(&v, sizeof(uint64_t), 1000000, s);
    for (i = 0; i < 300000; i++) {
        x = vec_push(&v);
        assert_non_null(x);
        *x = (uint64_t)i * 2654435761u;
    }
    for (i = 0; i < 300000; i++)
        assert_int_equal(*VEC_AT(&v, uint64_t, i), (uint64_t)i * 2654435761u);
    copy = vec_steal(&v, &n);
    assert_int_equal(n, 300000);
    assert_int_equal(copy[299999], (uint64_t)299999 * 2654435761u);
    free(copy); /* a heap copy: free() is right */
    vec_free(&v);

    arena_init_spill(&a, s);
    for (i = 0; i < 1000; i++) {
        str[i] = arena_printf(&a, "path/%zu/%0*d", i, (int)(i % 300), 0);
        assert_non_null(str[i]);
    }
    for (i = 0; i < 1000; i++) {
        char want[400];
        snprintf(want, sizeof(want), "path/%zu/%0*d", i, (int)(i % 300), 0);
        assert_string_equal(str[i], want);
    }
    arena_free(&a);
    spill_close(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_and_trim),
        cmocka_unit_test(test_reserve_is_a_limit),
        cmocka_unit_test(test_bad_directory),
        cmocka_unit_test(test_over_threshold_trims),
        cmocka_unit_test(test_vec_and_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

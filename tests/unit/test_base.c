/*
 * test_base.c - lib/base: path cleaning (the gate every tar name passes),
 * bounded buffers, the hash map under deletion, strict number parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/digest.h"
#include "base/err.h"
#include "base/map.h"
#include "base/path.h"
#include "base/str.h"

static void
test_path_clean(void **state)
{
    static const struct {
        const char *in, *out;
        int rc;
        unsigned flags;
    } cases[] = {
        {"etc/passwd", "etc/passwd", 0, 0},
        {"./etc/passwd", "etc/passwd", 0, 0},
        {"/etc/passwd", "etc/passwd", 0, PATH_ABSOLUTE},
        {"etc//x/./y/", "etc/x/y", 0, 0},
        {"a/b/../c", "a/c", 0, PATH_DOTDOT},
        {"./", "", 0, 0},
        {"/", "", 0, 0},
        {"../etc/passwd", NULL, MOAT_EINVAL, 0},
        {"a/../../b", NULL, MOAT_EINVAL, 0},
        {"", NULL, MOAT_EINVAL, 0},
    };
    char out[5000];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned fl = 0;
        int rc = path_clean(cases[i].in, strlen(cases[i].in), out, sizeof(out), &fl);
        assert_int_equal(rc, cases[i].rc);
        if (rc == 0) {
            assert_string_equal(out, cases[i].out);
            assert_int_equal(fl, cases[i].flags);
        }
    }
}

static void
test_path_limits(void **state)
{
    char in[6000], out[5000];
    unsigned fl = 0;

    (void)state;
    memset(in, 'a', 300);
    in[300] = '\0';
    assert_int_equal(path_clean(in, strlen(in), out, sizeof(out), &fl), MOAT_ETOOBIG);
    for (int i = 0; i < 1000; i++)
        memcpy(in + 5 * i, "abcd/", 5);
    in[5000] = '\0';
    assert_int_equal(path_clean(in, strlen(in), out, sizeof(out), &fl), MOAT_ETOOBIG);
    assert_int_equal(path_clean("a\0b", 3, out, sizeof(out), &fl), MOAT_EINVAL);
}

static void
test_path_join(void **state)
{
    char out[512];

    (void)state;
    assert_int_equal(path_join_clamped("etc", "../usr/lib/os-release", out, sizeof(out)), 0);
    assert_string_equal(out, "usr/lib/os-release");
    assert_int_equal(path_join_clamped("etc", "../../../../x", out, sizeof(out)), 0);
    assert_string_equal(out, "x");
    assert_int_equal(path_join_clamped("etc", "/abs/y", out, sizeof(out)), 0);
    assert_string_equal(out, "abs/y");
}

static void
test_buf_max(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_adds(&b, "12345678"), 0);
    assert_int_equal(buf_addc(&b, '9'), MOAT_ETOOBIG);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "12345678");
    buf_reset(&b);
    assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_string_equal(b.data, "42-x");
    assert_int_equal(buf_printf(&b, "%s", "toolong!"), MOAT_ETOOBIG);
    buf_free(&b);
}

static void
test_map_delete(void **state)
{
    static char keys[3000][16];
    struct map m;
    int i;

    (void)state;
    map_init(&m);
    for (i = 0; i < 3000; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%d", i);
        assert_int_equal(map_put(&m, keys[i], &keys[i], NULL), 0);
    }
    for (i = 0; i < 3000; i += 2)
        map_del(&m, keys[i]);
    assert_int_equal(m.len, 1500);
    for (i = 0; i < 3000; i++) {
        void *v = map_get(&m, keys[i]);
        if (i % 2)
            assert_ptr_equal(v, &keys[i]);
        else
            assert_null(v);
    }
    map_free(&m);
}

static void
test_numbers(void **state)
{
    uint64_t v;

    (void)state;
    assert_int_equal(str_to_u64("123", 3, &v), 0);
    assert_true(v == 123);
    assert_int_equal(str_to_u64("18446744073709551615", 20, &v), 0);
    assert_int_equal(str_to_u64("18446744073709551616", 20, &v), -1);
    assert_int_equal(str_to_u64("-1", 2, &v), -1);
    assert_int_equal(str_to_u64(" 1", 2, &v), -1);
    assert_int_equal(str_to_u64("", 0, &v), -1);
}

static void
test_digest(void **state)
{
    char out[DIGEST_MAX], algo[8];

    (void)state;
    digest_sha256("abc", 3, out);
    assert_string_equal(out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(digest_parse(out, algo), 0);
    assert_string_equal(algo, "sha256");
    assert_int_not_equal(digest_parse("sha256:BA7816", algo), 0);
    assert_int_not_equal(digest_parse("md5:abc", algo), 0);
    assert_int_not_equal(digest_parse("sha256:../../etc/passwd", algo), 0);
}

/* Records are 16-byte aligned whatever strings came before them, also when
 * a chunk has room for the record but not for its padding. */
static void
test_arena_alignment(void **state)
{
    struct arena a;
    size_t i;

    (void)state;
    arena_init(&a);
    {
        /* the first chunk is 4096 bytes: leave 9 of them, room for an 8-byte
         * record but not for its 9 bytes of padding */
        static char big[4087];
        memset(big, 'x', sizeof(big) - 1);
        assert_non_null(arena_strndup(&a, big, sizeof(big) - 1));
        assert_int_equal((uintptr_t)arena_alloc(&a, 8) % 16, 0);
    }
    for (i = 0; i < 20000; i++) {
        char *s = arena_strndup(&a, "abcdefghijklmnopqrstuvwxyz", i % 23);
        void *p = arena_alloc(&a, 8 + i % 40);
        assert_non_null(s);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_int_equal(strlen(s), i % 23);
    }
    arena_free(&a);
}

static void
test_utf8(void **state)
{
    (void)state;
    assert_true(str_valid_utf8("h\xc3\xa9llo", 6));
    assert_false(str_valid_utf8("\xc3", 1));
    assert_false(str_valid_utf8("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(str_valid_utf8("\xc0\xaf", 2));     /* overlong */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_clean), cmocka_unit_test(test_path_limits),
        cmocka_unit_test(test_path_join),  cmocka_unit_test(test_buf_max),
        cmocka_unit_test(test_map_delete), cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_digest),     cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_arena_alignment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

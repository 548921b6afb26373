/*
 * test_b64.c - the one base64 decoder: RFC 4648 section 10 vectors, the
 * URL alphabet, and the modes its readers use (loose padding for apk and
 * SSH keys, prefix decoding for secrets). Strict padding and the either-
 * alphabet mode are checked in test_registry.c and test_trust.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/b64.h"

static long
dec(const char *in, unsigned flags, char *out, size_t room)
{
    long n = b64_decode(in, strlen(in), flags, (unsigned char *)out, room);
    if (n >= 0 && (size_t)n < room)
        out[n] = '\0';
    return n;
}

static void
test_rfc4648(void **state)
{
    static const char *const v[][2] = {
        {"", ""}, {"Zg==", "f"}, {"Zm8=", "fo"}, {"Zm9v", "foo"},
        {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"},
    };
    char out[16];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        assert_int_equal(dec(v[i][0], B64_PAD_REQUIRED, out, sizeof(out)), strlen(v[i][1]));
        assert_string_equal(out, v[i][1]);
    }
}

static void
test_alphabets(void **state)
{
    char out[16];

    (void)state;
    assert_int_equal(dec("-_8", B64_URL, out, sizeof(out)), 2);
    assert_int_equal(dec("+/8", B64_URL, out, sizeof(out)), -1);
    assert_int_equal(dec("-_8", 0, out, sizeof(out)), -1);
    assert_int_equal(dec("+/8", 0, out, sizeof(out)), 2);
}

static void
test_loose_padding(void **state)
{
    char out[16];

    (void)state;
    /* any number of '=' dropped, no quantum check */
    assert_int_equal(dec("Zm9v===", B64_LOOSE_PAD, out, sizeof(out)), 3);
    assert_int_equal(dec("Zm9v===", 0, out, sizeof(out)), -1);
    assert_int_equal(dec("Zm9vY", B64_LOOSE_PAD, out, sizeof(out)), 3);
    assert_int_equal(dec("Zm9vY", 0, out, sizeof(out)), -1);
    assert_int_equal(dec("Zm9v!", B64_LOOSE_PAD, out, sizeof(out)), -1);
}

static void
test_prefix(void **state)
{
    char out[16];

    (void)state;
    /* up to the first byte outside the alphabet; never an error */
    assert_int_equal(dec("Zm9vYmFy.rest", B64_PREFIX, out, sizeof(out)), 6);
    assert_string_equal(out, "foobar");
    assert_int_equal(dec("Zm8=tail", B64_PREFIX, out, sizeof(out)), 2);
    assert_int_equal(dec("!!", B64_PREFIX, out, sizeof(out)), 0);
    /* and stops filling at the room it has */
    assert_int_equal(dec("Zm9vYmFy", B64_PREFIX, out, 4), 4);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648),
        cmocka_unit_test(test_alphabets),
        cmocka_unit_test(test_loose_padding),
        cmocka_unit_test(test_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

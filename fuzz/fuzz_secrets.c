/*
 * fuzz_secrets.c - the secret detector on arbitrary bytes: as the content
 * of a file (a plain one and ones the path rules apply to, in small chunks,
 * so the look-behind ring and chunk-spanning matches are exercised), as an
 * image config (ENV, labels, history lines and their build arguments), and
 * as a --secret-config YAML file. The rules are loaded once per process, as
 * a scan loads them once for all its workers.
 */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/finish.h"
#include "detect/secret_rules.h"

extern const struct analyzer analyzer_secrets;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *rules; /* the analyzer's shared state, loaded once */

static void
as_file(const char *path, const uint8_t *data, size_t size, size_t chunk)
{
    struct feed f;

    feed_init(&f, 0);
    f.chunk = chunk;
    f.inited = &analyzer_secrets; /* reuse the loaded rules: no init() per input */
    f.state = rules;
    feed_file(&f, &analyzer_secrets, path, data, size, 0644);
    f.inited = NULL; /* and no fini() either */
    feed_free(&f);
}

static void
as_config(const uint8_t *data, size_t size)
{
    void **shared = calloc(analyzer_count, sizeof(*shared));
    struct image_desc img;
    struct finish_ctx fc;
    struct arena a;
    size_t i;

    if (!shared)
        return;
    for (i = 0; i < analyzer_count; i++)
        if (analyzer_table[i] == &analyzer_secrets)
            shared[i] = rules;
    memset(&img, 0, sizeof(img));
    memset(&fc, 0, sizeof(fc));
    arena_init(&a);
    img.config_json = (const char *)data;
    img.config_len = size;
    fc.img = &img;
    fc.arena = &a;
    fc.shared = shared;
    vec_init(&fc.problems, sizeof(struct moat_problem), 100000);
    analyzer_secrets.finish(&fc, &analyzer_secrets);
    vec_free(&fc.problems);
    vec_free(&fc.findings);
    arena_free(&a);
    free(shared);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"app/.env", "root/.pgpass", "home/u/.kube/config",
                                        "root/.netrc"};
    struct secret_config c;
    char err[512];

    if (size > FUZZ_MAX_INPUT)
        return 0;
    if (!rules) {
        struct moat_options opt;
        moat_options_init(&opt);
        if (analyzer_secrets.init(&opt, NULL, &rules, err, sizeof(err)) != 0)
            abort(); /* the built-in rules must load */
    }
    as_file(paths[size ? data[0] % 4 : 0], data, size, size > 64 ? (size_t)(data[0] % 61) + 3 : 0);
    as_file("app/settings.yaml", data, size, 0);
    as_config(data, size);
    if (secret_config_parse((const char *)data, size, "fuzz", &c, err, sizeof(err)) == 0)
        secret_config_free(&c);
    return 0;
}

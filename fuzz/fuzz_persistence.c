/* fuzz_persistence.c - the persistence detector's parsers: the shell lexer
 * (scripts, cron commands, systemd Exec= lines), crontab and anacrontab
 * fields, passwd, shadow, authorized_keys, ld.so.preload, sshd_config, and
 * its finish step on a merged filesystem (sshd Include/Match walk, the
 * image config's environment). */
#include "fuzz_common.h"

#include "analyze/finish.h"
#include "image/image.h"

#include <stdlib.h>
#include <string.h>

extern const struct analyzer analyzer_persistence;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
    "etc/crontab",
    "var/spool/cron/crontabs/root",
    "etc/anacrontab",
    "etc/cron.daily/x",
    "usr/lib/systemd/system/x.service",
    "etc/profile",
    "etc/environment",
    "etc/passwd",
    "etc/shadow",
    "root/.ssh/authorized_keys",
    "etc/ld.so.preload",
};

/* The input as sshd_config, a drop-in it may include, ld.so.preload and
 * the image config, then the finish step. */
static void
finish_round(const uint8_t *data, size_t size)
{
    struct feed f;
    struct fs fs;
    struct finish_ctx fc;
    struct image_desc img;
    struct arena a;
    struct vec *layers[1];
    char *cfg;

    feed_init(&f, 0);
    f.chunk = size > 64 ? (size_t)(data[size - 1] % 61) + 3 : 0;
    feed_file(&f, &analyzer_persistence, "etc/ssh/sshd_config", data, size, 0644);
    feed_file(&f, &analyzer_persistence, "etc/ssh/sshd_config.d/a.conf", data, size, 0644);
    feed_file(&f, &analyzer_persistence, "etc/ld.so.preload", data, size, 0644);
    feed_file(&f, &analyzer_persistence, "tmp/.x/y", data, size, 04755);
    feed_file(&f, &analyzer_persistence, "usr/local/bin/s", data, size, 04755);
    feed_file(&f, &analyzer_persistence, "var/tmp/e", data, size, 0755);
    layers[0] = &f.lr.entries;
    if (fs_merge(&fs, layers, 1) != 0) {
        feed_free(&f);
        return;
    }
    cfg = malloc(size + 1);
    memset(&fc, 0, sizeof(fc));
    memset(&img, 0, sizeof(img));
    arena_init(&a);
    if (cfg) {
        memcpy(cfg, data, size);
        cfg[size] = '\0';
        img.config_json = cfg;
        img.config_len = size;
    }
    fc.img = &img;
    fc.layers = &f.lr;
    fc.nlayers = 1;
    fc.fs = &fs;
    fc.arena = &a;
    vec_init(&fc.problems, sizeof(struct moat_problem), 100000);
    finish_mark_visible(&fc);
    analyzer_persistence.finish(&fc, &analyzer_persistence);
    vec_free(&fc.findings);
    vec_free(&fc.problems);
    finish_owners_free(&fc);
    arena_free(&a);
    free(cfg);
    fs_free(&fs);
    feed_free(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t i;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        fuzz_analyzer(&analyzer_persistence, paths[i], data, size);
    finish_round(data, size);
    return 0;
}

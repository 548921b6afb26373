/*
 * fuzz_tar.c - a whole layer pass on hostile bytes: sniffing, gzip/zstd
 * inflation, the tar reader (every dialect libarchive knows), entry name
 * checks, whiteouts, hard-link checks, and every analyzer in the table on
 * whatever files the tar contains; then the merge of the resulting entries
 * with itself as two layers.
 */
#include <stdint.h>
#include <string.h>

#include "feed.h"
#include "image/fs.h"
#include "image/layer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct layer_result lr;
    struct moat_options o;
    struct blob *b;
    struct layer_env env;
    volatile int abort_flag = 0;

    if (size > (8u << 20))
        return 0;
    moat_options_init(&o);
    o.limits.layer_bytes = 64u << 20; /* keep bombs cheap */
    o.limits.ratio_grace = 1u << 20;
    b = feed_blob(data, size);
    if (!b)
        return 0;
    layer_result_init(&lr, 0);
    env.lim = &o.limits;
    env.opt = NULL;
    env.shared = NULL;
    env.abort = &abort_flag;
    if (layer_scan_blob(b, COMP_SNIFF, NULL, NULL, (int64_t)size, &env, &lr) == 0) {
        struct vec *layers[2] = {&lr.entries, &lr.entries};
        struct fs fs;
        if (fs_merge(&fs, layers, 2) == 0) {
            char out[4200];
            const struct fs_node *n;
            size_t i;
            for (i = 0; i < lr.entries.len && i < 64; i++)
                fs_resolve(&fs, VEC_AT(&lr.entries, struct layer_entry, i)->path, 1, out,
                           sizeof(out), &n);
            fs_free(&fs);
        }
    }
    layer_result_free(&lr);
    return 0;
}

/*
 * fuzz_integrity.c - the integrity detector's inputs: the dpkg md5sums,
 * Conffiles and diversions parsers directly, then a one-layer image whose
 * package databases come from the input, checked end to end (dispatcher,
 * merge, dpkg/apk finish, integrity finish). The input is split at 0xff
 * bytes into: dpkg status, info/a.list, info/a.md5sums, diversions, apk
 * installed db, and the content of usr/bin/a (hard-linked as usr/bin/b,
 * reachable as /bin/a through a merged-/usr symlink). Inputs are capped
 * at 4 MiB and fed in small chunks, as in every harness.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "analyze/dispatch.h"
#include "analyze/dpkg.h"
#include "analyze/finish.h"
#include "image/fs.h"

extern const struct analyzer analyzer_dpkg;
extern const struct analyzer analyzer_apk;
extern const struct analyzer analyzer_integrity;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct analyzer *const table[] = {&analyzer_dpkg, &analyzer_apk,
                                               &analyzer_integrity};

static void
add(struct actx *c, const char *path, uint8_t type, const char *link, const void *p, size_t n,
    size_t chunk)
{
    struct layer_entry *le = vec_push(&c->lr->entries);
    struct feed_mem m = {p, n, 0, chunk};
    struct producer prod = {feed_mem_next, &m};
    struct entry e;

    if (!le)
        return;
    le->path = arena_strdup(&c->lr->paths, path);
    le->link = link ? arena_strdup(&c->lr->paths, link) : NULL;
    le->type = type;
    le->mode = 0755;
    le->size = type == ENTRY_REG ? n : 0;
    if (!le->path)
        return;
    e.le = le;
    e.opt = NULL;
    e.path = le->path;
    e.base = strrchr(le->path, '/') ? strrchr(le->path, '/') + 1 : le->path;
    e.layer = 0;
    dispatch_with(table, sizeof(table) / sizeof(table[0]), c, &e, &prod);
}

static void
parsers(const uint8_t *data, size_t size)
{
    struct arena a;
    struct dpkg_sums s;
    struct dpkg_conffile *cf;
    struct dpkg_diversions d;
    size_t bad, first, n;

    arena_init(&a);
    if (dpkg_parse_md5sums(&a, (const char *)data, size, 1, &s, &bad, &first) == 0) {
        dpkg_sums_find(&s, "/usr/bin/a");
        if (s.npaths)
            dpkg_sums_find(&s, s.paths[0]);
    }
    dpkg_parse_conffiles(&a, (const char *)data, size, &cf, &n, &bad);
    dpkg_parse_diversions(&a, (const char *)data, size, &d, &bad);
    arena_free(&a);
}

static void
image(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"var/lib/dpkg/status", "var/lib/dpkg/info/a.list",
                                        "var/lib/dpkg/info/a.md5sums", "var/lib/dpkg/diversions",
                                        "lib/apk/db/installed", "usr/bin/a"};
    const uint8_t *part[6] = {0};
    size_t plen[6] = {0}, i, k = 0, start = 0, chunk;
    struct layer_result lr;
    struct actx c;
    struct moat_options opt;
    struct moat_limits lim;
    void *state = NULL, *tshared[3] = {NULL, NULL, NULL}, **fshared = NULL;
    volatile int abort_flag = 0;
    struct finish_ctx fc;
    struct vec *ents[1];
    struct fs fs;
    struct arena fa;
    char err[128];

    for (i = 0; i <= size && k < 6; i++) {
        if (i == size || data[i] == 0xff) {
            part[k] = data + start;
            plen[k++] = i - start;
            start = i + 1;
        }
    }
    chunk = size > 64 ? (size_t)(data[0] % 61) + 3 : 0;
    moat_options_init(&opt);
    lim = opt.limits;
    if (analyzer_integrity.init(&opt, NULL, &state, err, sizeof(err)) != 0)
        return;
    tshared[2] = state;
    layer_result_init(&lr, 0);
    actx_init(&c, &lr, &lim, &abort_flag);
    c.opt = &opt;
    c.shared = tshared;
    add(&c, "usr", ENTRY_DIR, NULL, "", 0, 0);
    add(&c, "usr/bin", ENTRY_DIR, NULL, "", 0, 0);
    add(&c, "bin", ENTRY_SYMLINK, "usr/bin", "", 0, 0);
    for (i = 0; i < 6; i++)
        if (part[i])
            add(&c, paths[i], ENTRY_REG, NULL, part[i], plen[i], chunk);
    add(&c, "usr/bin/b", ENTRY_HARDLINK, "usr/bin/a", "", 0, 0);
    add(&c, "usr/bin/c", ENTRY_SYMLINK, "a", "", 0, 0);

    ents[0] = &lr.entries;
    memset(&fc, 0, sizeof(fc));
    arena_init(&fa);
    vec_init(&fc.problems, sizeof(struct moat_problem), 100000);
    fshared = calloc(analyzer_count, sizeof(*fshared));
    if (fshared && fs_merge(&fs, ents, 1) == 0) {
        for (i = 0; i < analyzer_count; i++)
            if (analyzer_table[i] == &analyzer_integrity)
                fshared[i] = state;
        fc.layers = &lr;
        fc.nlayers = 1;
        fc.fs = &fs;
        fc.arena = &fa;
        fc.shared = fshared;
        finish_mark_visible(&fc);
        analyzer_dpkg.finish(&fc, &analyzer_dpkg);
        analyzer_integrity.finish(&fc, &analyzer_integrity);
        fs_free(&fs);
    }
    free(fshared);
    vec_free(&fc.problems);
    vec_free(&fc.findings);
    arena_free(&fa);
    layer_result_free(&lr);
    analyzer_integrity.fini(state);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    parsers(data, size);
    fuzz_analyzer(&analyzer_dpkg, "var/lib/dpkg/info/a.md5sums", data, size);
    fuzz_analyzer(&analyzer_dpkg, "var/lib/dpkg/status.d/a.md5sums", data, size);
    fuzz_analyzer(&analyzer_dpkg, "var/lib/dpkg/diversions", data, size);
    image(data, size);
    return 0;
}

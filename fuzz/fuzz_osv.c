/*
 * fuzz_osv.c - the OSV record loader (lib/advisory/osv.c) and the storage
 * encodings: every record the loader accepts must decode back (db.c's
 * decoders) into exactly the ranges, versions and severities it encoded,
 * because that is what the database hands the matcher. A mismatch traps.
 */
#include <stdint.h>
#include <string.h>

#include "advisory/db.h"
#include "advisory/osv.h"
#include "base/err.h"

#define FUZZ_MAX_INPUT (4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_entry(struct arena *a, const struct osv_affected *af)
{
    struct advisory_range *ranges;
    const struct advisory_severity *sev;
    const char *const *versions;
    size_t n, i, j;

    if (!af->ecosystem || !af->release || !af->name || !af->key || !af->ranges || !af->versions ||
        !af->severity)
        __builtin_trap();
    if (advisory_decode_ranges(a, af->ranges, &ranges, &n) != 0 || n != af->nranges)
        __builtin_trap();
    for (i = 0; i < n; i++) {
        if (ranges[i].nevents == 0)
            __builtin_trap();
        for (j = 0; j < ranges[i].nevents; j++)
            if (!ranges[i].events[j].version[0])
                __builtin_trap();
    }
    if (advisory_decode_lines(a, af->versions, &versions, &n) != 0 || n != af->nversions)
        __builtin_trap();
    if (advisory_decode_severity(a, af->severity, &sev, &n) != 0)
        __builtin_trap();
    if (osv_ecosystem_canonical(af->ecosystem, strlen(af->ecosystem)) != af->ecosystem)
        __builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct osv_record *r;
    struct osv_error e;
    struct arena a;
    size_t i, n;
    const char *const *lines;
    const struct advisory_severity *sev;
    int rc;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    arena_init(&a);
    rc = osv_parse((const char *)data, size, &a, &r, &e);
    if (rc == 0) {
        if (!r || !r->id || !r->modified_text || r->naffected == 0)
            __builtin_trap();
        if (advisory_decode_lines(&a, r->aliases, &lines, &n) != 0 ||
            advisory_decode_lines(&a, r->refs, &lines, &n) != 0 ||
            advisory_decode_severity(&a, r->severity, &sev, &n) != 0)
            __builtin_trap();
        for (i = 0; i < r->naffected; i++)
            check_entry(&a, &r->affected[i]);
    } else if (rc == 1) {
        if ((unsigned)e.reason >= MOAT_DB_SKIP_COUNT || !e.msg[0])
            __builtin_trap();
    } else if (rc != MOAT_ENOMEM) {
        __builtin_trap();
    }
    arena_free(&a);
    return 0;
}

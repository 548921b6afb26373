/*
 * cargo.c - Rust programs built with cargo-auditable: the crate list it
 * embeds as zlib-compressed JSON in the ELF section .dep-v0,
 *   {"packages":[{"name","version","source","kind","dependencies":[i..],
 *                 "root":true}, ...]}
 * (kind "build" marks build-time dependencies; the root is the program).
 *
 * Finding a section needs the section header table, which linkers write at
 * the end of the file, after the non-loaded sections (.dep-v0, .symtab,
 * .shstrtab) it describes. The file is streamed once, so the analyzer keeps
 * the last MOAT_LIMIT_ELF_WINDOW bytes in a ring buffer: when the stream has
 * passed the table, the table is decoded from the ring, then the section
 * names (.shstrtab) and .dep-v0, each taken from the ring if it is behind
 * the stream or when the stream reaches it if it is ahead. A section that
 * fell out of the window is reported, never silently missed; so are an
 * inflated document over MOAT_LIMIT_CARGO_JSON, JSON that does not parse and
 * header fields pointing outside the file.
 *
 * Only ELF is read (cargo-auditable also writes Mach-O and PE sections).
 */
#include "analyzer.h"
#include "elf.h"
#include "base/err.h"
#include "base/limits.h"
#include "image/image.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SECTION_NAME ".dep-v0"
#define MAX_ENTRY_PROBLEMS 5

enum phase {
    PH_HEAD = 0,   /* collecting the ELF file header */
    PH_STREAM,     /* waiting for the table, the names or the section */
    PH_DONE,
};

/* A stretch of the file the analyzer waits for. */
struct region {
    uint64_t off, size;
    int pending;
};

/* Per-file state: the dispatcher allocates it zeroed and frees it, so it
 * owns no other memory (nothing leaks when a stream breaks off). */
struct cargo_file {
    const char *path;          /* the entry's, valid while it is dispatched */
    uint64_t size;             /* file size from the entry header */
    uint64_t pos;              /* bytes seen */
    enum phase phase;
    unsigned char head[ELF_HEADER_LEN];
    size_t nhead;
    struct elf_header eh;
    struct region sht;         /* the section header table */
    int sht_counted;           /* the section count is known */
    struct region names;       /* .shstrtab */
    struct region dep;         /* .dep-v0 */
    uint32_t nsec;
    struct elf_section *secs;  /* nsec entries, allocated when the table passes */
    unsigned char *ring;       /* look-behind window, allocated once the file is
                                  known to be ELF: min(file size, the limit) */
    size_t ring_cap;
};

static enum want
cargo_wants(const struct entry *e)
{
    return exe_candidate(e) ? WANT_STREAM : WANT_NO;
}

/* Bytes of the file still held in the ring. */
static uint64_t
retained(const struct cargo_file *f)
{
    return f->pos < f->ring_cap ? f->pos : f->ring_cap;
}

/* Whether [off, off+size) has fully passed and is still in the ring. */
static int
in_ring(const struct cargo_file *f, uint64_t off, uint64_t size)
{
    return off + size <= f->pos && off >= f->pos - retained(f);
}

/* Copies [off, off+n) out of the ring (the caller checked in_ring). */
static void
ring_copy(const struct cargo_file *f, uint64_t off, void *out, size_t n)
{
    size_t cap = f->ring_cap, at = (size_t)(off % cap), first = cap - at;

    if (first >= n) {
        memcpy(out, f->ring + at, n);
    } else {
        memcpy(out, f->ring + at, first);
        memcpy((unsigned char *)out + first, f->ring, n - first);
    }
}

static void
ring_put(struct cargo_file *f, const unsigned char *p, size_t n)
{
    size_t cap = f->ring_cap, at = (size_t)(f->pos % cap), first = cap - at;

    /* callers never put more than the ring holds at once */
    if (first >= n) {
        memcpy(f->ring + at, p, n);
    } else {
        memcpy(f->ring + at, p, first);
        memcpy(f->ring, p + first, n - first);
    }
    f->pos += n;
}

/* A region the file header or table names must lie inside the file. */
static int
inside(const struct cargo_file *f, uint64_t off, uint64_t size)
{
    return off <= f->size && size <= f->size - off;
}

/* ---- the JSON document ---- */

static int
add_packages(struct actx *c, struct cargo_file *f, json_t *doc)
{
    json_t *arr = json_object_get(doc, "packages"), *it;
    size_t n, i, k = 0, bad = 0;
    long root = -1;
    struct pkg *pk;
    struct rec *r;

    if (!json_is_array(arr)) {
        actx_problem(c, MOAT_FAILED, f->path,
                     "cargo-auditable data has no \"packages\" array; crates not reported");
        return 0;
    }
    n = json_array_size(arr);
    if (n == 0)
        return 0;
    if (n > MOAT_LIMIT_DB_PACKAGES) {
        actx_problem(c, MOAT_FAILED, f->path, "more than %d crates; not reported",
                     MOAT_LIMIT_DB_PACKAGES);
        return 0;
    }
    r = rec_new(c, REC_PKGS, f->path);
    if (!r)
        return MOAT_ENOMEM;
    pk = rec_add_pkgs(c, r, n);
    if (!pk)
        return MOAT_ENOMEM;
    json_array_foreach(arr, i, it) {
        const char *name = NULL, *version = NULL, *source = NULL, *kind = NULL;
        json_t *v;
        struct pkg *p = &pk[k];
        int rc;
        if (json_is_object(it)) {
            v = json_object_get(it, "name");
            name = json_is_string(v) ? json_string_value(v) : NULL;
            v = json_object_get(it, "version");
            version = json_is_string(v) ? json_string_value(v) : NULL;
            v = json_object_get(it, "source");
            source = json_is_string(v) ? json_string_value(v) : NULL;
            v = json_object_get(it, "kind");
            kind = json_is_string(v) ? json_string_value(v) : NULL;
        }
        if (!name || !*name || !version || !*version) {
            if (++bad <= MAX_ENTRY_PROBLEMS)
                actx_problem(c, MOAT_FAILED, f->path,
                             "cargo-auditable package %zu has no name or version; skipped", i);
            continue;
        }
        p->type = MOAT_PKG_CARGO;
        p->name = arena_strdup(c->arena, name);
        p->version = arena_strdup(c->arena, version);
        if (!p->name || !p->version)
            return MOAT_ENOMEM;
        rc = pkg_prop(c, p, "cargo:source", source);
        if (!rc && kind && strcmp(kind, "runtime") != 0)
            rc = pkg_prop(c, p, "cargo:kind", kind);
        if (rc)
            return rc;
        if (json_is_true(json_object_get(it, "root")) && root < 0)
            root = (long)k;
        k++;
    }
    if (bad > MAX_ENTRY_PROBLEMS)
        actx_problem(c, MOAT_FAILED, f->path, "%zu cargo-auditable packages skipped in all",
                     bad);
    r->npkgs = k;
    for (i = 0; i < k; i++)
        pk[i].parent = (long)i == root ? -1 : root;
    return 0;
}

/* Inflates the section (zlib stream) from the ring and records its crates. */
static int
read_dep(struct actx *c, struct cargo_file *f)
{
    size_t cap = f->ring_cap, at = (size_t)(f->dep.off % cap), n = (size_t)f->dep.size;
    size_t seg[2], outcap = MOAT_LIMIT_CARGO_JSON, outlen;
    const unsigned char *src[2];
    unsigned char *out = NULL;
    z_stream z;
    json_t *doc = NULL;
    char err[256];
    int zr = Z_OK, rc = 0, s;

    src[0] = f->ring + at;
    seg[0] = cap - at >= n ? n : cap - at;
    src[1] = f->ring;
    seg[1] = n - seg[0];
    out = malloc(outcap);
    if (!out)
        return MOAT_ENOMEM;
    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK) {
        free(out);
        return MOAT_ENOMEM;
    }
    z.next_out = out;
    z.avail_out = (uInt)outcap;
    for (s = 0; s < 2 && zr == Z_OK; s++) {
        z.next_in = (Bytef *)src[s];
        z.avail_in = (uInt)seg[s];
        while (z.avail_in > 0 && zr == Z_OK && z.avail_out > 0)
            zr = inflate(&z, Z_NO_FLUSH);
    }
    outlen = outcap - z.avail_out;
    inflateEnd(&z);
    if (zr != Z_STREAM_END) {
        if (z.avail_out == 0 && zr == Z_OK)
            actx_problem(c, MOAT_FAILED, f->path,
                         "section %s inflates to more than %u bytes; crates not reported",
                         SECTION_NAME, (unsigned)MOAT_LIMIT_CARGO_JSON);
        else
            actx_problem(c, MOAT_FAILED, f->path,
                         "section %s is not a complete zlib stream (%s); crates not reported",
                         SECTION_NAME, zr == Z_OK || zr == Z_BUF_ERROR ? "truncated" : "corrupt");
        goto out;
    }
    doc = json_parse_limited("section " SECTION_NAME, (const char *)out, outlen, err,
                             sizeof(err));
    if (!doc) {
        actx_problem(c, MOAT_FAILED, f->path, "%s; crates not reported", err);
        goto out;
    }
    rc = add_packages(c, f, doc);
out:
    json_decref(doc);
    free(out);
    return rc;
}

/* ---- the section header table and names ---- */

/* The section table has fully passed: decode it from the ring. */
static void
read_table(struct actx *c, struct cargo_file *f)
{
    const struct elf_header *h = &f->eh;
    unsigned char ent[64];
    uint32_t i, strndx = h->shstrndx;
    struct elf_section *ns;

    f->sht.pending = 0;
    if (!in_ring(f, f->sht.off, f->sht.size)) {
        actx_problem(c, MOAT_FAILED, f->path,
                     "ELF section header table (%llu bytes) is larger than the %u-byte window; "
                     "sections not read",
                     (unsigned long long)f->sht.size, (unsigned)MOAT_LIMIT_ELF_WINDOW);
        f->phase = PH_DONE;
        return;
    }
    f->secs = malloc(f->nsec * sizeof(*f->secs));
    if (!f->secs) {
        actx_problem(c, MOAT_FAILED, f->path, "out of memory for the ELF section table");
        f->phase = PH_DONE;
        return;
    }
    for (i = 0; i < f->nsec; i++) {
        ring_copy(f, f->sht.off + (uint64_t)i * h->shentsize, ent, h->shentsize);
        elf_section_parse(h, ent, h->shentsize, &f->secs[i]);
    }
    if (strndx == ELF_SHN_XINDEX)
        strndx = f->secs[0].link;
    if (strndx == 0 || strndx >= f->nsec) {
        /* no names at all: nothing can be called .dep-v0 */
        f->phase = PH_DONE;
        return;
    }
    ns = &f->secs[strndx];
    if (ns->type == ELF_SHT_NOBITS || !inside(f, ns->offset, ns->size) ||
        ns->size > f->ring_cap) {
        actx_problem(c, MOAT_WARN, f->path,
                     "ELF section names (section %u) lie outside the file or exceed the "
                     "window; sections not read",
                     strndx);
        f->phase = PH_DONE;
        return;
    }
    f->names.off = ns->offset;
    f->names.size = ns->size;
    f->names.pending = 1;
}

/* The first section header claims the real count when e_shnum is 0. */
static void
count_sections(struct actx *c, struct cargo_file *f)
{
    const struct elf_header *h = &f->eh;
    uint64_t count = h->shnum;

    if (!f->sht_counted) {
        unsigned char ent[64];
        struct elf_section s0;
        ring_copy(f, h->shoff, ent, h->shentsize);
        elf_section_parse(h, ent, h->shentsize, &s0);
        count = s0.size;
        f->sht_counted = 1;
    }
    if (count == 0 || count > MOAT_LIMIT_ELF_SECTIONS ||
        !inside(f, h->shoff, count * h->shentsize)) {
        actx_problem(c, MOAT_WARN, f->path,
                     "ELF header claims %llu sections at offset %llu of a %llu-byte file; "
                     "sections not read",
                     (unsigned long long)count, (unsigned long long)h->shoff,
                     (unsigned long long)f->size);
        f->phase = PH_DONE;
        return;
    }
    f->nsec = (uint32_t)count;
    f->sht.size = count * h->shentsize;
}

static void
find_section(struct actx *c, struct cargo_file *f)
{
    static const char want[] = SECTION_NAME;
    char name[sizeof(want)];
    uint32_t i;

    f->names.pending = 0;
    if (!in_ring(f, f->names.off, f->names.size)) {
        actx_problem(c, MOAT_FAILED, f->path,
                     "ELF section names at offset %llu lie more than %u bytes before the "
                     "section table; cannot tell whether %s is present",
                     (unsigned long long)f->names.off, (unsigned)MOAT_LIMIT_ELF_WINDOW,
                     SECTION_NAME);
        f->phase = PH_DONE;
        return;
    }
    for (i = 0; i < f->nsec; i++) {
        const struct elf_section *s = &f->secs[i];
        if (s->name >= f->names.size || f->names.size - s->name < sizeof(want))
            continue;
        ring_copy(f, f->names.off + s->name, name, sizeof(want));
        if (memcmp(name, want, sizeof(want)) != 0)
            continue;
        if (s->type == ELF_SHT_NOBITS || s->size == 0 || !inside(f, s->offset, s->size)) {
            actx_problem(c, MOAT_FAILED, f->path,
                         "section %s lies outside the file or is empty; crates not reported",
                         SECTION_NAME);
            f->phase = PH_DONE;
            return;
        }
        if (s->size > f->ring_cap) {
            actx_problem(c, MOAT_FAILED, f->path,
                         "section %s has %llu bytes, more than the %u-byte window; crates "
                         "not reported",
                         SECTION_NAME, (unsigned long long)s->size,
                         (unsigned)MOAT_LIMIT_ELF_WINDOW);
            f->phase = PH_DONE;
            return;
        }
        f->dep.off = s->offset;
        f->dep.size = s->size;
        f->dep.pending = 1;
        return;
    }
    f->phase = PH_DONE; /* not built with cargo-auditable */
}

static int
take_dep(struct actx *c, struct cargo_file *f)
{
    f->dep.pending = 0;
    f->phase = PH_DONE;
    if (!in_ring(f, f->dep.off, f->dep.size)) {
        actx_problem(c, MOAT_FAILED, f->path,
                     "section %s at offset %llu lies more than %u bytes before the section "
                     "table and was not kept; crates not reported",
                     SECTION_NAME, (unsigned long long)f->dep.off,
                     (unsigned)MOAT_LIMIT_ELF_WINDOW);
        return 0;
    }
    return read_dep(c, f);
}

/* Acts on every region the stream has now passed. */
static int
advance(struct actx *c, struct cargo_file *f)
{
    int progress = 1, rc = 0;

    while (progress && f->phase == PH_STREAM && rc == 0) {
        progress = 0;
        if (f->sht.pending && f->pos >= f->sht.off + f->sht.size) {
            if (!f->sht_counted || f->nsec == 0) {
                uint64_t before = f->sht.size;
                count_sections(c, f);
                progress = 1;
                if (f->phase != PH_STREAM || f->sht.size != before)
                    continue; /* wait for the rest of the table */
            }
            read_table(c, f);
            progress = 1;
        } else if (!f->sht.pending && f->names.pending &&
                   f->pos >= f->names.off + f->names.size) {
            find_section(c, f);
            progress = 1;
        } else if (f->dep.pending && f->pos >= f->dep.off + f->dep.size) {
            rc = take_dep(c, f);
            progress = 1;
        }
    }
    return rc;
}

/* The next file offset at which advance() has work. */
static uint64_t
next_event(const struct cargo_file *f)
{
    if (f->sht.pending)
        return f->sht.off + f->sht.size;
    if (f->names.pending)
        return f->names.off + f->names.size;
    if (f->dep.pending)
        return f->dep.off + f->dep.size;
    return UINT64_MAX;
}

static int
start(struct actx *c, struct cargo_file *f)
{
    struct elf_header *h = &f->eh;

    if (exe_kind(f->head, f->nhead) != EXE_ELF)
        return 1;
    if (elf_header_parse(f->head, f->nhead, h) != 0) {
        actx_problem(c, MOAT_WARN, f->path, "malformed ELF header; sections not read");
        return 1;
    }
    if (h->shoff == 0)
        return 1; /* no section table (sstrip): no sections to find */
    f->sht.off = h->shoff;
    f->sht.pending = 1;
    if (h->shnum == 0) {
        /* extended numbering: section 0 holds the count */
        f->sht.size = h->shentsize;
    } else {
        f->sht_counted = 1;
        f->sht.size = 0;
        count_sections(c, f);
        if (f->phase == PH_DONE)
            return 1;
    }
    if (!inside(f, f->sht.off, f->sht.size)) {
        actx_problem(c, MOAT_WARN, f->path,
                     "ELF section header table at offset %llu lies outside the %llu-byte file; "
                     "sections not read",
                     (unsigned long long)h->shoff, (unsigned long long)f->size);
        return 1;
    }
    f->phase = PH_STREAM;
    return 0;
}

static int
cargo_begin(struct actx *c, const struct entry *e, void *state)
{
    struct cargo_file *f = state;

    (void)c;
    f->path = e->path;
    f->size = e->le->size;
    return 0;
}

static int
cargo_chunk(struct actx *c, void *state, const unsigned char *p, size_t n)
{
    struct cargo_file *f = state;
    int rc = 0;

    if (f->phase == PH_HEAD) {
        size_t take = ELF_HEADER_LEN - f->nhead < n ? ELF_HEADER_LEN - f->nhead : n;
        memcpy(f->head + f->nhead, p, take);
        f->nhead += take;
        if (f->nhead >= EXE_MAGIC_LEN && exe_kind(f->head, f->nhead) != EXE_ELF)
            return 1;
        if (!f->ring) {
            /* only ELF files pay for the window, and never more than the
             * file itself needs */
            f->ring_cap = f->size < MOAT_LIMIT_ELF_WINDOW ? (size_t)f->size : MOAT_LIMIT_ELF_WINDOW;
            if (f->ring_cap < ELF_HEADER_LEN)
                f->ring_cap = ELF_HEADER_LEN;
            f->ring = malloc(f->ring_cap);
            if (!f->ring)
                return MOAT_ENOMEM;
        }
        ring_put(f, p, take);
        p += take;
        n -= take;
        if (f->nhead < ELF_HEADER_LEN)
            return 0;
        if (start(c, f) != 0) {
            f->phase = PH_DONE;
            return 1;
        }
        rc = advance(c, f);
    }
    while (rc == 0 && n > 0 && f->phase == PH_STREAM) {
        uint64_t ev = next_event(f);
        size_t step = n;
        if (step > f->ring_cap)
            step = f->ring_cap;
        if (ev > f->pos && ev - f->pos < step)
            step = (size_t)(ev - f->pos);
        ring_put(f, p, step);
        p += step;
        n -= step;
        rc = advance(c, f);
    }
    if (rc < 0) {
        actx_problem(c, MOAT_FAILED, f->path, "cargo-auditable data not read: %s",
                     moat_strerror(rc));
        f->phase = PH_DONE;
    }
    return f->phase == PH_DONE ? 1 : 0;
}

static int
cargo_end(struct actx *c, const struct entry *e, void *state)
{
    struct cargo_file *f = state;

    (void)e;
    if (f->phase == PH_STREAM)
        actx_problem(c, MOAT_FAILED, f->path,
                     "the file ended at %llu bytes before the ELF section %s it describes",
                     (unsigned long long)f->pos,
                     f->sht.pending ? "header table" : f->names.pending ? "names" : SECTION_NAME);
    return 0;
}

static void
cargo_free(void *state)
{
    struct cargo_file *f = state;

    free(f->ring);
    free(f->secs);
}

const struct analyzer analyzer_cargo = {
    .name = "cargo-auditable",
    .version = 1,
    .wants = cargo_wants,
    .state_size = sizeof(struct cargo_file),
    .stream_begin = cargo_begin,
    .stream_chunk = cargo_chunk,
    .stream_end = cargo_end,
    .stream_free = cargo_free,
};

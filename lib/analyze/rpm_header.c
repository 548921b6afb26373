/*
 * rpm_header.c - parses an rpm header blob (layout in rpm_header.h) into
 * the fields moat reports: name, epoch, version, release, arch, license,
 * vendor, source rpm, modularity label, the file list and the per-file
 * attributes kept for integrity checks.
 *
 * The checks follow what rpm itself demands of a header before using it
 * (hdrblobVerifyInfo/hdrblobVerifyRegion in rpm's lib/header.c): the size
 * must be exactly 8 + 16*il + dl, types known, offsets inside the data
 * area, numbers aligned, strings NUL-terminated inside the data area, and
 * a region tag, when present, well-formed. Only the entries moat uses are
 * walked, each at most a few times, so a header with 65,535 overlapping
 * entries costs no more than a well-formed one.
 */
#include "rpm_header.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum rpm_type {
    T_NULL = 0,
    T_CHAR,
    T_INT8,
    T_INT16,
    T_INT32,
    T_INT64,
    T_STRING,
    T_BIN,
    T_STRING_ARRAY,
    T_I18NSTRING,
    T_MAX = T_I18NSTRING,
};

#define ENTRY_SIZE 16

/* The tags looked up; the position in this list is the slot in struct hdr. */
static const uint32_t wanted[] = {
    RPMTAG_NAME,
    RPMTAG_VERSION,
    RPMTAG_RELEASE,
    RPMTAG_EPOCH,
    RPMTAG_VENDOR,
    RPMTAG_LICENSE,
    RPMTAG_ARCH,
    RPMTAG_OLDFILENAMES,
    RPMTAG_FILESIZES,
    RPMTAG_FILEMODES,
    RPMTAG_FILEDIGESTS,
    RPMTAG_FILEFLAGS,
    RPMTAG_SOURCERPM,
    RPMTAG_DIRINDEXES,
    RPMTAG_BASENAMES,
    RPMTAG_DIRNAMES,
    RPMTAG_FILEDIGESTALGO,
    RPMTAG_LONGFILESIZES,
    RPMTAG_MODULARITYLABEL,
};
#define NWANTED (sizeof(wanted) / sizeof(wanted[0]))

struct ent {
    int found;
    uint32_t type, off, count;
};

struct hdr {
    const unsigned char *data; /* the data area, dl bytes */
    uint32_t il, dl;
    struct ent e[NWANTED];
};

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const struct ent *
ent(const struct hdr *h, uint32_t tag)
{
    size_t i;

    for (i = 0; i < NWANTED; i++)
        if (wanted[i] == tag)
            return h->e[i].found ? &h->e[i] : NULL;
    return NULL; /* defensive: only wanted tags are asked for */
}

/* The first string of a STRING, I18NSTRING or STRING_ARRAY entry, as
 * rpm's headerGetString() returns it. 0, or -1 when malformed. */
static int
string_at(const struct hdr *h, const struct ent *e, const char **s, size_t *n)
{
    const unsigned char *p, *nul;

    if (e->type != T_STRING && e->type != T_I18NSTRING && e->type != T_STRING_ARRAY)
        return -1;
    if (e->count == 0 || e->off >= h->dl)
        return -1;
    p = h->data + e->off;
    nul = memchr(p, '\0', h->dl - e->off);
    if (!nul || (size_t)(nul - p) > MOAT_LIMIT_FIELD)
        return -1;
    *s = (const char *)p;
    *n = (size_t)(nul - p);
    return 0;
}

/* All strings of a STRING_ARRAY entry: *out (malloc'd, caller frees) gets
 * count pointers into the data area. 0, 1 when malformed, MOAT_ENOMEM. */
static int
strings_at(const struct hdr *h, const struct ent *e, const char ***out)
{
    const char **v;
    uint32_t off = e->off, i;

    *out = NULL;
    if (e->type != T_STRING_ARRAY)
        return 1;
    /* each string takes at least its NUL: a count above the bytes left is
     * a lie, caught before allocating for it */
    if (off > h->dl || e->count > h->dl - off)
        return 1;
    v = malloc((e->count ? e->count : 1) * sizeof(*v));
    if (!v)
        return MOAT_ENOMEM;
    for (i = 0; i < e->count; i++) {
        const unsigned char *p = h->data + off, *nul;
        if (off >= h->dl) {
            free(v);
            return 1;
        }
        nul = memchr(p, '\0', h->dl - off);
        if (!nul) {
            free(v);
            return 1;
        }
        v[i] = (const char *)p;
        off += (uint32_t)(nul - p) + 1;
    }
    *out = v;
    return 0;
}

/* The data of a numeric entry of the given type, checked for alignment and
 * size like rpm does. NULL when malformed. */
static const unsigned char *
numbers_at(const struct hdr *h, const struct ent *e, uint32_t type, size_t size)
{
    if (e->type != type || e->off % size != 0)
        return NULL;
    if (e->off > h->dl || (uint64_t)e->count * size > h->dl - e->off)
        return NULL;
    return h->data + e->off;
}

/* Optional string tag into the arena: NULL when absent; *bad set when
 * present but unusable (malformed or not UTF-8). */
static int
opt_string(struct arena *a, const struct hdr *h, uint32_t tag, const char **out, int *bad)
{
    const struct ent *e = ent(h, tag);
    const char *s;
    size_t n;

    *out = NULL;
    if (!e)
        return 0;
    if (string_at(h, e, &s, &n) != 0 || !str_valid_utf8(s, n)) {
        *bad = 1;
        return 0;
    }
    *out = arena_strndup(a, s, n);
    return *out ? 0 : MOAT_ENOMEM;
}

/* Checks the region tag of the first entry, as rpm's hdrblobVerifyRegion.
 * Headers without one (very old packages) are accepted, as rpm does. */
static int
check_region(const struct hdr *h, const unsigned char *index, char *err, size_t errlen)
{
    uint32_t tag = be32(index), type = be32(index + 4), count = be32(index + 12);
    int32_t off = (int32_t)be32(index + 8), toff;
    const unsigned char *t;
    uint32_t ttag, ril;

    if (tag != RPMTAG_HEADERIMMUTABLE && tag != RPMTAG_HEADERSIGNATURES &&
        tag != RPMTAG_HEADERIMAGE)
        return 0;
    if (type != T_BIN || count != ENTRY_SIZE) {
        snprintf(err, errlen, "region tag %u has type %u and count %u (want %u and %u)", tag, type,
                 count, T_BIN, ENTRY_SIZE);
        return MOAT_EINVAL;
    }
    if (off < 0 || (uint64_t)off + ENTRY_SIZE > h->dl) {
        snprintf(err, errlen, "region trailer at %d lies outside the %u-byte data area", off,
                 h->dl);
        return MOAT_EINVAL;
    }
    t = h->data + off;
    ttag = be32(t);
    toff = (int32_t)be32(t + 8);
    /* rpm: some old packages carry HEADERIMAGE in a signature trailer */
    if (tag == RPMTAG_HEADERSIGNATURES && ttag == RPMTAG_HEADERIMAGE)
        ttag = RPMTAG_HEADERSIGNATURES;
    if (ttag != tag || be32(t + 4) != T_BIN || be32(t + 12) != ENTRY_SIZE) {
        snprintf(err, errlen, "region trailer does not match region tag %u", tag);
        return MOAT_EINVAL;
    }
    /* the trailer's offset is minus the size of the region's index */
    if (toff >= 0 || toff == INT32_MIN || (-toff) % ENTRY_SIZE != 0) {
        snprintf(err, errlen, "region trailer offset %d is not a negative multiple of %d", toff,
                 ENTRY_SIZE);
        return MOAT_EINVAL;
    }
    ril = (uint32_t)(-toff) / ENTRY_SIZE;
    if (ril > h->il) {
        snprintf(err, errlen, "region claims %u index entries of %u", ril, h->il);
        return MOAT_EINVAL;
    }
    return 0;
}

/* OpenPGP hash algorithm ids as rpm uses them for FILEDIGESTALGO. */
static size_t
digest_size(unsigned algo, const char **name)
{
    switch (algo) {
    case 1:
        *name = "md5";
        return 16;
    case 2:
        *name = "sha1";
        return 20;
    case 3:
        *name = "ripemd160";
        return 20;
    case 8:
        *name = "sha256";
        return 32;
    case 9:
        *name = "sha384";
        return 48;
    case 10:
        *name = "sha512";
        return 64;
    case 11:
        *name = "sha224";
        return 28;
    default:
        *name = NULL;
        return 0;
    }
}

static void
warn(struct arena *a, struct rpm_pkg_info *out, const char *msg)
{
    if (!out->warning)
        out->warning = arena_strdup(a, msg);
}

/* File digests into binary form. */
static int
file_digests(struct arena *a, const struct hdr *h, struct rpm_pkg_info *out)
{
    const struct ent *e = ent(h, RPMTAG_FILEDIGESTS), *ae = ent(h, RPMTAG_FILEDIGESTALGO);
    struct rpm_file_attrs *fa = &out->attrs;
    const char **hex = NULL;
    unsigned char *bin;
    size_t i, j, dlen;
    int rc;

    fa->digest_algo = 1; /* rpm: no FILEDIGESTALGO means MD5 */
    if (ae) {
        const unsigned char *p = numbers_at(h, ae, T_INT32, 4);
        if (!p || ae->count < 1) {
            warn(a, out, "FILEDIGESTALGO is malformed; file digests left out");
            return 0;
        }
        fa->digest_algo = be32(p);
    }
    dlen = digest_size(fa->digest_algo, &fa->digest_name);
    if (!e)
        return 0;
    if (!dlen) {
        char msg[96];
        snprintf(msg, sizeof(msg), "unknown file digest algorithm %u; file digests left out",
                 fa->digest_algo);
        warn(a, out, msg);
        return 0;
    }
    rc = strings_at(h, e, &hex);
    if (rc == MOAT_ENOMEM)
        return rc;
    if (rc != 0 || e->count != out->nfiles) {
        free(hex);
        warn(a, out, "FILEDIGESTS does not match the file list; file digests left out");
        return 0;
    }
    bin = arena_alloc(a, out->nfiles * dlen);
    if (!bin && out->nfiles) {
        free(hex);
        return MOAT_ENOMEM;
    }
    for (i = 0; i < out->nfiles; i++) {
        size_t n = strlen(hex[i]);
        if (n == 0)
            continue; /* no digest recorded: stays all-zero */
        if (n != 2 * dlen)
            break;
        for (j = 0; j < dlen; j++) {
            int hi = str_hexval(hex[i][2 * j]), lo = str_hexval(hex[i][2 * j + 1]);
            if (hi < 0 || lo < 0)
                break;
            bin[i * dlen + j] = (unsigned char)(hi << 4 | lo);
        }
        if (j < dlen)
            break;
    }
    free(hex);
    if (i < out->nfiles) {
        char msg[96];
        snprintf(msg, sizeof(msg), "file digest %zu is not %zu hex digits; file digests left out",
                 i, 2 * dlen);
        warn(a, out, msg);
        return 0;
    }
    fa->digests = bin;
    fa->digest_len = dlen;
    return 0;
}

/* Modes, sizes and flags: each kept only when its count matches. */
static int
file_numbers(struct arena *a, const struct hdr *h, struct rpm_pkg_info *out)
{
    struct rpm_file_attrs *fa = &out->attrs;
    const struct ent *e;
    const unsigned char *p;
    size_t i, n = out->nfiles;

    e = ent(h, RPMTAG_FILEMODES);
    if (e) {
        p = numbers_at(h, e, T_INT16, 2);
        if (p && e->count == n) {
            uint16_t *m = arena_alloc(a, n * sizeof(*m));
            if (!m)
                return MOAT_ENOMEM;
            for (i = 0; i < n; i++)
                m[i] = (uint16_t)(p[2 * i] << 8 | p[2 * i + 1]);
            fa->modes = m;
        } else {
            warn(a, out, "FILEMODES does not match the file list; modes left out");
        }
    }
    e = ent(h, RPMTAG_LONGFILESIZES);
    if (e) {
        p = numbers_at(h, e, T_INT64, 8);
        if (p && e->count == n) {
            uint64_t *s = arena_alloc(a, n * sizeof(*s));
            if (!s)
                return MOAT_ENOMEM;
            for (i = 0; i < n; i++)
                s[i] = (uint64_t)be32(p + 8 * i) << 32 | be32(p + 8 * i + 4);
            fa->sizes = s;
        } else {
            warn(a, out, "LONGFILESIZES does not match the file list; sizes left out");
        }
    } else if ((e = ent(h, RPMTAG_FILESIZES)) != NULL) {
        p = numbers_at(h, e, T_INT32, 4);
        if (p && e->count == n) {
            uint64_t *s = arena_alloc(a, n * sizeof(*s));
            if (!s)
                return MOAT_ENOMEM;
            for (i = 0; i < n; i++)
                s[i] = be32(p + 4 * i);
            fa->sizes = s;
        } else {
            warn(a, out, "FILESIZES does not match the file list; sizes left out");
        }
    }
    e = ent(h, RPMTAG_FILEFLAGS);
    if (e) {
        p = numbers_at(h, e, T_INT32, 4);
        if (p && e->count == n) {
            uint32_t *f = arena_alloc(a, n * sizeof(*f));
            if (!f)
                return MOAT_ENOMEM;
            for (i = 0; i < n; i++)
                f[i] = be32(p + 4 * i);
            fa->flags = f;
        } else {
            warn(a, out, "FILEFLAGS does not match the file list; flags left out");
        }
    }
    return 0;
}

/* The file list: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (rpm >= 4), or
 * OLDFILENAMES (older packages). On any inconsistency the package is kept
 * without files and out->warning says why. */
static int
file_list(struct arena *a, const struct hdr *h, size_t *budget, struct rpm_pkg_info *out)
{
    const struct ent *be = ent(h, RPMTAG_BASENAMES), *de = ent(h, RPMTAG_DIRNAMES);
    const struct ent *ie = ent(h, RPMTAG_DIRINDEXES), *oe = ent(h, RPMTAG_OLDFILENAMES);
    const char **base = NULL, **dirs = NULL, **paths;
    size_t *dlen = NULL;
    const unsigned char *idx = NULL;
    uint64_t total = 0;
    size_t i, n = 0;
    char *mem;
    int rc = 0;
    const char *why = NULL;

    if (!be && !oe)
        return 0; /* a package without files (meta packages, gpg-pubkey) */
    if (be) {
        if (!de || !ie) {
            why = "BASENAMES without DIRNAMES or DIRINDEXES; file list left out";
            goto bad;
        }
        rc = strings_at(h, be, &base);
        if (rc == 0)
            rc = strings_at(h, de, &dirs);
        if (rc == MOAT_ENOMEM)
            goto out;
        idx = numbers_at(h, ie, T_INT32, 4);
        if (rc != 0 || !idx || ie->count != be->count) {
            rc = 0;
            why = "BASENAMES, DIRNAMES and DIRINDEXES do not agree; file list left out";
            goto bad;
        }
        n = be->count;
        dlen = malloc((de->count ? de->count : 1) * sizeof(*dlen));
        if (!dlen) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        for (i = 0; i < de->count; i++)
            dlen[i] = strlen(dirs[i]);
        for (i = 0; i < n; i++) {
            uint32_t d = be32(idx + 4 * i);
            size_t plen;
            if (d >= de->count) {
                why = "a DIRINDEXES entry points past DIRNAMES; file list left out";
                goto bad;
            }
            plen = dlen[d] + strlen(base[i]);
            if (plen > MOAT_LIMIT_PATH) {
                why = "a file path is longer than PATH_MAX; file list left out";
                goto bad;
            }
            total += plen + 1;
        }
    } else {
        rc = strings_at(h, oe, &base);
        if (rc == MOAT_ENOMEM)
            goto out;
        if (rc != 0) {
            rc = 0;
            why = "OLDFILENAMES is malformed; file list left out";
            goto bad;
        }
        n = oe->count;
        for (i = 0; i < n; i++) {
            size_t plen = strlen(base[i]);
            if (plen > MOAT_LIMIT_PATH) {
                why = "a file path is longer than PATH_MAX; file list left out";
                goto bad;
            }
            total += plen + 1;
        }
    }
    if (total > *budget) {
        why = "file lists of this database exceed MOAT_LIMIT_RPM_FILE_BYTES; this package's "
              "file list left out";
        goto bad;
    }
    paths = arena_alloc(a, (n ? n : 1) * sizeof(*paths));
    mem = arena_alloc(a, (size_t)total ? (size_t)total : 1);
    if (!paths || !mem) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    *budget -= (size_t)total;
    for (i = 0; i < n; i++) {
        size_t bl = strlen(base[i]);
        paths[i] = mem;
        if (be) {
            uint32_t d = be32(idx + 4 * i);
            memcpy(mem, dirs[d], dlen[d]);
            mem += dlen[d];
        }
        memcpy(mem, base[i], bl);
        mem += bl;
        *mem++ = '\0';
    }
    out->files = paths;
    out->nfiles = n;
    out->attrs.nfiles = n;
    rc = file_digests(a, h, out);
    if (rc == 0)
        rc = file_numbers(a, h, out);
    goto out;
bad:
    warn(a, out, why);
out:
    free(base);
    free(dirs);
    free(dlen);
    return rc;
}

int
rpm_header_parse(struct arena *a, const unsigned char *blob, size_t len, size_t *path_budget,
                 struct rpm_pkg_info *out, char *err, size_t errlen)
{
    struct hdr h;
    const unsigned char *index;
    const struct ent *e;
    uint64_t need;
    uint32_t i;
    size_t j, n;
    const char *s;
    int rc, bad = 0;

    memset(out, 0, sizeof(*out));
    memset(&h, 0, sizeof(h));
    if (len < 8) {
        snprintf(err, errlen, "header of %zu bytes is shorter than its 8-byte preamble", len);
        return MOAT_EINVAL;
    }
    h.il = be32(blob);
    h.dl = be32(blob + 4);
    if (h.il == 0 || h.il > MOAT_LIMIT_RPM_TAGS) {
        snprintf(err, errlen, "header claims %u index entries (1 to %u allowed)", h.il,
                 (unsigned)MOAT_LIMIT_RPM_TAGS);
        return MOAT_EINVAL;
    }
    if (h.dl > MOAT_LIMIT_RPM_HEADER) {
        snprintf(err, errlen, "header claims %u data bytes (limit %u)", h.dl,
                 (unsigned)MOAT_LIMIT_RPM_HEADER);
        return MOAT_EINVAL;
    }
    need = 8 + (uint64_t)h.il * ENTRY_SIZE + h.dl;
    if (need != len) {
        snprintf(err, errlen, "header is %zu bytes but its index and data need %llu", len,
                 (unsigned long long)need);
        return MOAT_EINVAL;
    }
    index = blob + 8;
    h.data = index + (size_t)h.il * ENTRY_SIZE;
    rc = check_region(&h, index, err, errlen);
    if (rc)
        return rc;
    for (i = 0; i < h.il; i++) {
        const unsigned char *p = index + (size_t)i * ENTRY_SIZE;
        uint32_t tag = be32(p), type = be32(p + 4), off = be32(p + 8);
        if (type > T_MAX) {
            snprintf(err, errlen, "entry %u (tag %u) has unknown type %u", i, tag, type);
            return MOAT_EINVAL;
        }
        if (i == 0 && (tag == RPMTAG_HEADERIMMUTABLE || tag == RPMTAG_HEADERSIGNATURES ||
                       tag == RPMTAG_HEADERIMAGE))
            continue; /* checked above */
        if (off > h.dl) {
            snprintf(err, errlen, "entry %u (tag %u) points to offset %u past the %u-byte data", i,
                     tag, off, h.dl);
            return MOAT_EINVAL;
        }
        /* later entries win: install-time dribbles replace region entries */
        for (j = 0; j < NWANTED; j++) {
            if (wanted[j] == tag) {
                h.e[j].found = 1;
                h.e[j].type = type;
                h.e[j].off = off;
                h.e[j].count = be32(p + 12);
                break;
            }
        }
    }
    /* the identity of a package: without it the header is useless */
    {
        static const uint32_t req[] = {RPMTAG_NAME, RPMTAG_VERSION, RPMTAG_RELEASE};
        static const char *const names[] = {"NAME", "VERSION", "RELEASE"};
        const char **dst[] = {&out->name, &out->version, &out->release};
        for (j = 0; j < 3; j++) {
            e = ent(&h, req[j]);
            if (!e) {
                snprintf(err, errlen, "header has no %s tag", names[j]);
                return MOAT_EINVAL;
            }
            if (string_at(&h, e, &s, &n) != 0 || n == 0 || !str_valid_utf8(s, n)) {
                snprintf(err, errlen,
                         "%s tag is malformed (not a NUL-terminated UTF-8 string "
                         "inside the header)",
                         names[j]);
                return MOAT_EINVAL;
            }
            *dst[j] = arena_strndup(a, s, n);
            if (!*dst[j])
                return MOAT_ENOMEM;
        }
    }
    e = ent(&h, RPMTAG_EPOCH);
    if (e) {
        const unsigned char *p = numbers_at(&h, e, T_INT32, 4);
        if (!p || e->count < 1) {
            snprintf(err, errlen, "EPOCH tag is malformed");
            return MOAT_EINVAL;
        }
        out->epoch = be32(p);
        out->has_epoch = 1;
    }
    rc = opt_string(a, &h, RPMTAG_ARCH, &out->arch, &bad);
    if (rc == 0)
        rc = opt_string(a, &h, RPMTAG_LICENSE, &out->license, &bad);
    if (rc == 0)
        rc = opt_string(a, &h, RPMTAG_VENDOR, &out->vendor, &bad);
    if (rc == 0)
        rc = opt_string(a, &h, RPMTAG_SOURCERPM, &out->sourcerpm, &bad);
    if (rc == 0)
        rc = opt_string(a, &h, RPMTAG_MODULARITYLABEL, &out->modularitylabel, &bad);
    if (rc)
        return rc;
    if (bad)
        warn(a, out,
             "a malformed or non-UTF-8 ARCH, LICENSE, VENDOR, SOURCERPM or "
             "MODULARITYLABEL was left out");
    return file_list(a, &h, path_budget, out);
}

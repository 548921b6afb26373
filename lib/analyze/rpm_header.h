/*
 * rpm_header.h - the rpm header blob (what every rpm database backend
 * stores per installed package) and the interface shared by the backend
 * readers (rpm_bdb.c, rpm_ndb.c; SQLite is read in rpm.c).
 *
 * A header blob is, all numbers big-endian:
 *   il (u32)  number of index entries
 *   dl (u32)  bytes of the data area
 *   il x { tag, type, offset, count } (4 x u32) index entries
 *   dl bytes  data: strings NUL-terminated, numbers aligned to their size
 * The first entry is normally the immutable region tag (63), whose data is
 * a 16-byte trailer entry with a negative offset giving the region's size;
 * entries after the region ("dribbles") were added at install time and
 * replace region entries of the same tag. The blob is hostile input: every
 * count, offset and string is checked against the data area before use.
 *
 * File attributes (digests, modes, sizes, flags) are kept beside the file
 * list for integrity checks ("does /usr/bin/x still match what rpm
 * installed?"): digests in binary (half the size of rpm's hex), one array
 * per attribute, parallel to the package's file list. See struct
 * rpm_db_files for how a later check finds them.
 */
#ifndef MOAT_ANALYZE_RPM_HEADER_H
#define MOAT_ANALYZE_RPM_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "moat/moat.h"

struct arena;

/* Tags moat reads (rpm's lib/rpmtag.h numbers; they are part of the format). */
enum rpm_tag {
    RPMTAG_HEADERIMAGE = 61,
    RPMTAG_HEADERSIGNATURES = 62,
    RPMTAG_HEADERIMMUTABLE = 63,
    RPMTAG_NAME = 1000,
    RPMTAG_VERSION = 1001,
    RPMTAG_RELEASE = 1002,
    RPMTAG_EPOCH = 1003,
    RPMTAG_VENDOR = 1011,
    RPMTAG_LICENSE = 1014,
    RPMTAG_ARCH = 1022,
    RPMTAG_OLDFILENAMES = 1027,
    RPMTAG_FILESIZES = 1028,
    RPMTAG_FILEMODES = 1030,
    RPMTAG_FILEDIGESTS = 1035,
    RPMTAG_FILEFLAGS = 1037,
    RPMTAG_SOURCERPM = 1044,
    RPMTAG_DIRINDEXES = 1116,
    RPMTAG_BASENAMES = 1117,
    RPMTAG_DIRNAMES = 1118,
    RPMTAG_FILEDIGESTALGO = 5011,
    RPMTAG_LONGFILESIZES = 5008,
    RPMTAG_MODULARITYLABEL = 5096,
};

/* Per-file attributes of one installed package, in the header's file
 * order (parallel to pkg->files). Any array may be NULL when the header
 * lacks that tag or its count does not match the file list (the analyzer
 * then records a problem). Everything lives in the layer arena. */
struct rpm_file_attrs {
    size_t nfiles;
    unsigned digest_algo;         /* FILEDIGESTALGO (OpenPGP hash id): 1 md5
                                     (rpm's default when absent), 2 sha1,
                                     8 sha256, 9 sha384, 10 sha512, 11 sha224 */
    const char *digest_name;      /* "md5", "sha256", ...; NULL if unknown */
    size_t digest_len;            /* bytes per digest; 0 = no digests kept */
    const unsigned char *digests; /* nfiles * digest_len bytes; an all-zero
                                     digest means rpm recorded none (directories,
                                     symlinks, ghosts) */
    const uint16_t *modes;        /* st_mode as installed */
    const uint64_t *sizes;        /* bytes (LONGFILESIZES when present) */
    const uint32_t *flags;        /* RPMFILE_*: 1 config, 2 doc, 64 ghost, ... */
};

/* What an integrity check finds in rec->data of an rpm REC_PKGS record:
 * attrs[i] belongs to rec->pkgs[i]. */
struct rpm_db_files {
    const char *backend; /* "sqlite", "bdb" or "ndb": what was read */
    size_t npkgs;
    const struct rpm_file_attrs *attrs;
};

/* One package as parsed from a header; strings in the arena. */
struct rpm_pkg_info {
    const char *name, *version, *release, *arch;
    const char *license, *vendor, *sourcerpm, *modularitylabel;
    uint32_t epoch;
    int has_epoch;
    const char **files; /* absolute paths ("/usr/bin/x") */
    size_t nfiles;
    struct rpm_file_attrs attrs;
    const char *warning; /* a secondary part (file list, digests)
                            was unusable and left out; NULL if all
                            was read */
};

/* Parses one header blob of len bytes. Strings, the file list and the file
 * attributes are copied into a (nothing points into blob afterwards).
 * *path_budget is the number of file-path bytes the caller may still keep
 * (MOAT_LIMIT_RPM_FILE_BYTES per database); the file list is charged to it
 * and left out, with out->warning set, when it does not fit.
 * Returns 0 (out filled; out->warning may be set), MOAT_EINVAL when the
 * blob is not a usable header (err says why, in words), or MOAT_ENOMEM. */
int rpm_header_parse(struct arena *a, const unsigned char *blob, size_t len, size_t *path_budget,
                     struct rpm_pkg_info *out, char *err, size_t errlen);

/* Where a backend reader delivers what it finds. */
struct rpm_db_sink {
    /* One header blob, valid only during the call. key: the record number
     * the database stores it under. Return 0 to go on, <0 to stop reading
     * (the reader then returns that value). */
    int (*blob)(void *ud, uint32_t key, const unsigned char *p, size_t n);
    /* Something of the database could not be read; msg names what. */
    void (*problem)(void *ud, enum moat_grade g, const char *msg);
    void *ud;
};

#endif

/*
 * dpkg.h - what the dpkg analyzer keeps beside the packages for integrity
 * checks (lib/detect/integrity.c): the MD5 digest of every file a package
 * installed (info/<pkg>[:arch].md5sums, or status.d/<pkg>.md5sums in
 * distroless images), the digests of its conffiles (the Conffiles: field of
 * its status paragraph) and the diversions (var/lib/dpkg/diversions), i.e.
 * everything `dpkg --verify` reads.
 *
 * md5sums are kept compactly: a 64-bit hash of the path and a prefix of the
 * digest per file, sorted by the hash, because the paths themselves are
 * already in memory once (the package's .list file list). Only status.d
 * md5sums keep their paths: distroless images have no .list files, so the
 * md5sums are the package's file list (dpkg's finish uses them as such).
 * The info/ md5sums, the conffiles and the diversions are read only when
 * the integrity detector is on; status.d md5sums always (file ownership).
 */
#ifndef MOAT_ANALYZE_DPKG_H
#define MOAT_ANALYZE_DPKG_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

struct finish_ctx;

/* Bytes kept of each md5sums digest: a 64-bit prefix, all the integrity
 * detector compares (see KEEP in lib/detect/integrity.c for why that is
 * enough); 16 bytes per file instead of 24 at ~100,000 files. */
#define DPKG_SUM_KEEP 8

/* One line of an md5sums file. */
struct dpkg_sum {
    uint64_t hash;             /* map_hash() of the path, no leading '/' */
    unsigned char md5[DPKG_SUM_KEEP];
};

/* One md5sums file (rec->data of a REC_DATA record at its path). */
struct dpkg_sums {
    const char *pkg;           /* "name" or "name:arch" (info/), or the
                                  status.d file it belongs to */
    struct dpkg_sum *sums;     /* sorted by hash */
    size_t n;
    const char **paths;        /* status.d only: "/path" in file order */
    size_t npaths;
};

/* One line of a Conffiles: field. */
struct dpkg_conffile {
    const char *path;          /* as listed, "/etc/x" */
    unsigned char md5[16];
    int obsolete;              /* flagged obsolete: no longer shipped */
};

/* Integrity facts of one package of a status record. */
struct dpkg_pkg_files {
    const struct dpkg_sums *sums;   /* its md5sums, or NULL (set by finish) */
    const struct dpkg_conffile *conffiles;
    size_t nconffiles;
};

/* rec->data of a dpkg REC_PKGS record when integrity data was read:
 * files[i] belongs to rec->pkgs[i]. NULL otherwise. */
struct dpkg_db_files {
    size_t npkgs;
    struct dpkg_pkg_files *files;
};

/* One diversion: `from` of every package but `by` is found at `to`. */
struct dpkg_diversion {
    const char *from, *to;     /* absolute, as dpkg-divert wrote them */
    const char *by;            /* the diverting package; NULL: local (admin) */
};

struct dpkg_diversions {
    struct dpkg_diversion *d;
    size_t n;
};

/* The visible var/lib/dpkg/diversions, or NULL when there is none. */
const struct dpkg_diversions *dpkg_diversions(struct finish_ctx *f);

/* The md5sums lookup: the digest prefix (DPKG_SUM_KEEP bytes) recorded for
 * path (with or without a leading '/'), or NULL. */
const unsigned char *dpkg_sums_find(const struct dpkg_sums *s, const char *path);

/* Parsers, shared with the unit tests and the fuzz harness. Strings and
 * arrays go to arena a (OUT: *out). Malformed lines are skipped and counted
 * in *bad (md5sums: the first one's 1-based number in *first_bad). Return
 * 0 or MOAT_ENOMEM. */
int dpkg_parse_md5sums(struct arena *a, const char *buf, size_t len, int keep_paths,
                       struct dpkg_sums *out, size_t *bad, size_t *first_bad);
/* value: the whole Conffiles: field after the colon, continuation lines
 * included. "newconffile" placeholders are skipped, not counted. */
int dpkg_parse_conffiles(struct arena *a, const char *value, size_t len,
                         struct dpkg_conffile **out, size_t *n, size_t *bad);
int dpkg_parse_diversions(struct arena *a, const char *buf, size_t len,
                          struct dpkg_diversions *out, size_t *bad);

#endif

/*
 * classifiers.h - which software an executable or shared library is, and
 * its version, from the bytes of the file: the table of software families
 * moat recognises and the streaming matcher the unmanaged-software detector
 * (unmanaged.c) runs over every ELF file as it passes.
 *
 * A family is recognised by version strings its build embeds ("OpenSSL
 * 3.0.11 19 Sep 2023", "nginx version: nginx/1.22.1"), by evidence strings
 * that only it contains (CPython's "PYTHONINSPECT") and, where the version
 * stands alone in the file ("3.11.2" in libpython), by isolated version
 * strings picked with the evidence and the file name. All patterns form
 * one Hyperscan streaming database, precompiled and embedded
 * at build time (MOAT_CLASSIFIERS_GEN; compiled at the start of the scan only when this
 * Hyperscan cannot load it) and shared by every worker; each file
 * then costs one pass over its bytes, a stream state of a few hundred bytes
 * and a 256-byte look-behind window from which the text of each match is
 * parsed (every pattern is bounded to fit in it). The patterns, where each
 * string comes from and the reasoning are in classifiers.c and
 * docs/DETECTORS.md ("Unmanaged software").
 */
#ifndef MOAT_DETECT_CLASSIFIERS_H
#define MOAT_DETECT_CLASSIFIERS_H

#include <stddef.h>
#include <stdint.h>

/* Longest version and evidence text kept for one family. */
#define CL_VERSION_MAX 40
#define CL_EVIDENCE_MAX 100

/* How a family's version is chosen once the file has been read. */
enum cl_pick {
    CL_PICK_NONE = 0,    /* not from ELF bytes (the Java release file) */
    CL_PICK_PATTERN,     /* the first match of one of its version patterns */
    CL_PICK_CANDIDATE,   /* the one isolated version string of its shape */
    CL_PICK_REDIS,       /* the isolated version the build id starts with */
};

#define CL_NEED_EVIDENCE 0x1 /* an evidence pattern must match too */
#define CL_NAME_HINT 0x2     /* "X.Y" in the file name narrows candidates
                                (python3.11, libpython3.11.so.1.0) */

struct classifier {
    const char *name;        /* package name ("openssl"); the PURL is
                                pkg:generic/<name>@<version> */
    const char *bitnami;     /* its name in OSV's "Bitnami" ecosystem, or NULL */
    const char *go_module;   /* its module in OSV's "Go" ecosystem, or NULL */
    const char *files;       /* '|'-separated base-name patterns ('*' matches
                                any run) the family is limited to, or NULL:
                                any file; an "ungate" pattern lifts the limit */
    const char *companions;  /* base-name patterns of version-less files in the
                                same directory that belong to the same software
                                (libssl beside libcrypto), or NULL */
    unsigned flags;          /* CL_NEED_EVIDENCE, CL_NAME_HINT */
    enum cl_pick pick;
    const char *cand_prefix; /* CL_PICK_CANDIDATE/REDIS: what the version
                                starts with ("3.", "v5."), or NULL */
    const char *cand_exclude; /* an isolated string of that shape that is
                                never the version (CPython's "3.2.0", the
                                Unicode database version it also embeds) */
    unsigned cand_parts;     /* the fewest numbers such a version has
                                (gzip's "1.12": 2; "3.40.1": 3) */
};

extern const struct classifier classifier_table[];
extern const size_t classifier_count;
/* Index of the family named name (its first entry), or -1. */
int classifier_find(const char *name);

/* Whether base matches one of the '|'-separated patterns ('*' wildcard). */
int cl_name_match(const char *patterns, const char *base);

/* The compiled patterns, shared read-only by every worker, with a pool of
 * Hyperscan scratch spaces (one per concurrent file, reused). */
struct cl_db;

/* Compiles the patterns (OUT: *out, free with cl_db_free). 0, or -1 with
 * err filled (a pattern that does not compile or is unbounded: a
 * programming error caught at the start of every scan). */
int cl_db_new(struct cl_db **out, char *err, size_t errlen);
void cl_db_free(struct cl_db *db); /* NULL-safe */
/* Whether db was loaded from the embedded, precompiled database
 * at build time rather than compiled at the start of the scan. */
int cl_db_embedded(const struct cl_db *db);
/* Whether the embedded database was built from the current patterns, and
 * the Hyperscan version that built it (only that version loads it). */
int cl_db_embedded_current(void);
const char *cl_db_embedded_version(void);
/* Compiles the patterns for a generic x86-64 and serializes them, for
 * the build-time generator: OUT *bytes (free() it) and *len, *hash the hash of
 * the patterns it was built from. 0, or -1 with err filled. */
int cl_db_serialize(char **bytes, size_t *len, uint64_t *hash, char *err, size_t errlen);

/* One file being read. */
struct cl_scan;

/* OUT: *out, free with cl_scan_free. 0 or MOAT_ENOMEM. */
int cl_scan_new(struct cl_db *db, struct cl_scan **out);
/* The next n bytes of the file. 0, or MOAT_EINVAL when the matcher failed
 * (then the scan has stopped; what was found before still counts). */
int cl_scan_feed(struct cl_scan *s, const void *p, size_t n);
void cl_scan_free(struct cl_scan *s); /* NULL-safe */

/* One family identified in a file. */
struct cl_hit {
    size_t family;                 /* index in classifier_table */
    char version[CL_VERSION_MAX];
    char evidence[CL_EVIDENCE_MAX]; /* the text the version was read from,
                                       printable ASCII */
};

#define CL_AMBIGUOUS 0x1 /* a family's evidence matched but its version
                            strings disagree: not reported */
#define CL_CAPPED 0x2    /* more isolated version strings than are kept */

/* Decides which families the file (base name base) is, after its last
 * byte. Writes up to max hits to out; returns their number. *notes
 * (may be NULL) gets CL_* flags; *ambiguous_family the first family that
 * was ambiguous. */
size_t cl_scan_result(const struct cl_scan *s, const char *base, struct cl_hit *out, size_t max,
                      unsigned *notes, size_t *ambiguous_family);

/* Reads a version of the shape classifiers use from p[0..n): "X.Y[.Z[.W]]"
 * plus the suffix flags allow (CL_V_*). Writes it NUL-terminated to out;
 * returns the number of bytes of p used, 0 when p does not start with one. */
#define CL_V_LETTER 0x1    /* OpenSSL's "1.1.1w", "0.9.8zh" */
#define CL_V_PRE 0x2       /* "3.13.0rc1", "5.6.0alpha", "1.21rc2" */
#define CL_V_PATCHLEVEL 0x4 /* Ruby's "3.1.2p20": the "p20" is read, not kept */
size_t cl_parse_version(const char *p, size_t n, unsigned flags, char out[CL_VERSION_MAX]);

#endif

/*
 * db.h - the advisory database: read API.
 *
 * One SQLite file (schema in docs/internals/ADVISORY_DB.md) holding OSV
 * records in a pre-digested form: one row per affected entry, clustered by
 * (ecosystem, name key) in record order, carrying the record's id and
 * flags, the release, ranges and explicit versions in a compact text
 * encoding decoded here. Matching N packages is N b-tree searches and no
 * JSON at all.
 *
 * The file is written once and never modified in place (writers build a new
 * file and rename it over the old one, see build.h), so a reader opens it
 * immutable: no locks, no journal, and a reader that opened the old file
 * keeps reading it after a swap. Every page carries a CRC in SQLite's
 * per-page reserved bytes; the reader verifies each page as SQLite reads it,
 * so a bit flip in anything a lookup touches is an error, never a silently
 * wrong answer, and opening checks the file length against the header, so a
 * truncated copy is refused at once.
 *
 * A handle may be shared by threads: lookups are serialised by a mutex (one
 * lookup is a few microseconds).
 */
#ifndef MOAT_ADVISORY_DB_H
#define MOAT_ADVISORY_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "osv.h"

#define ADVISORY_DB_SCHEMA 1          /* PRAGMA user_version */
#define ADVISORY_DB_APP_ID 0x4d4f4154 /* PRAGMA application_id: "MOAT" */
#define ADVISORY_DB_RESERVE 8         /* reserved bytes per page: page number + CRC */

/* Event kinds as encoded (the letters are the storage format). */
enum advisory_event_kind {
    ADVISORY_INTRODUCED = 'i',
    ADVISORY_FIXED = 'f',
    ADVISORY_LAST_AFFECTED = 'l',
    ADVISORY_LIMIT = 'm',
};

enum advisory_range_type {
    ADVISORY_ECOSYSTEM = 'E',
    ADVISORY_SEMVER = 'S',
};

struct advisory_event {
    enum advisory_event_kind kind;
    const char *version; /* as published ("0" for introduced = all) */
};

/* Events are in record order: sorting them by the ecosystem's version order
 * is the matcher's job (lib/version). */
struct advisory_range {
    enum advisory_range_type type;
    const struct advisory_event *events;
    size_t nevents;
};

struct advisory_severity {
    const char *type;  /* "CVSS_V3", "CVSS_V4", "Ubuntu", or the field
                          it came from: "database_specific.severity",
                          "ecosystem_specific.urgency", ... */
    const char *score; /* vector or value as published */
};

/* One affected entry of one record. */
struct advisory_affected {
    int64_t record; /* row of the record (advisory_db_record_at) */
    const char *id;
    unsigned flags;        /* OSV_WITHDRAWN | OSV_MALWARE | OSV_TRUNCATED */
    const char *ecosystem; /* canonical base: "Debian" */
    const char *release;   /* "12", "22.04:LTS", "" */
    const char *name;      /* as published */
    const char *purl;      /* or NULL */
    const struct advisory_range *ranges;
    size_t nranges;
    /* The explicit versions, '\n'-separated ("" when none): most lookups
     * only ask whether one version is listed (advisory_versions_has), so
     * the list is not split; advisory_decode_lines() splits it. */
    const char *versions;
    size_t nversions;
    unsigned git_ranges;                      /* GIT ranges of the entry (not evaluated) */
    const struct advisory_severity *severity; /* entry-level, often none */
    size_t nseverity;
};

struct advisory_record {
    int64_t row;
    const char *id;
    unsigned flags;
    const char *modified, *published, *withdrawn; /* as published; NULL if absent */
    const char *summary, *details;                /* NULL if absent */
    const char *const *aliases;
    size_t naliases;
    const char *const *related;
    size_t nrelated;
    const char *const *upstream;
    size_t nupstream;
    const char *const *refs;
    size_t nrefs;
    const struct advisory_severity *severity; /* record-level */
    size_t nseverity;
    const char *source; /* source name it came from */
};

struct advisory_db;

/* Opens the database at path read-only (OUT: *out, close with
 * advisory_db_close). Checks that it is a moat advisory database of this
 * schema version, that its length matches its header (truncation) and that
 * the pages read while opening carry valid checksums. Returns 0; MOAT_ENOENT
 * when there is no file; MOAT_EUNSUP for another schema version;
 * MOAT_EINVAL when it is not a moat database, truncated or corrupt;
 * MOAT_EIO / MOAT_ENOMEM. err names the file and the fault. */
int advisory_db_open(const char *path, struct advisory_db **out, char *err, size_t errlen);
void advisory_db_close(struct advisory_db *db); /* NULL-safe */

/* All affected entries for a package (OUT: *out, an array of *n entries
 * allocated in a, as is every string they point to). ecosystem is an OSV
 * ecosystem: "PyPI", or with a release, "Debian:12", which selects entries
 * of that release and entries without one. name is as the package manager
 * spells it; it is turned into the lookup key (osv_name_key) here.
 * Withdrawn entries are returned too (flags say so): the caller decides.
 * Returns 0 (n may be 0), MOAT_ENOMEM, or MOAT_EIO with err filled when the
 * database cannot be read (a page failed its checksum: corrupt). */
int advisory_db_lookup(struct advisory_db *db, const char *ecosystem, const char *name,
                       struct arena *a, struct advisory_affected **out, size_t *n, char *err,
                       size_t errlen);

/* 1 when version is one of af's explicit versions (exact string match, as
 * the OSV evaluation pseudocode compares them), else 0. */
int advisory_versions_has(const struct advisory_affected *af, const char *version);

/* The record with this id (OUT: *out in a). Returns 0, MOAT_ENOENT when
 * there is none, MOAT_ENOMEM or MOAT_EIO (err). */
int advisory_db_record(struct advisory_db *db, const char *id, struct arena *a,
                       struct advisory_record **out, char *err, size_t errlen);
/* The same by row (advisory_affected.record). */
int advisory_db_record_at(struct advisory_db *db, int64_t row, struct arena *a,
                          struct advisory_record **out, char *err, size_t errlen);

/* Unix time of the last write (import or update with new data). */
int64_t advisory_db_updated(const struct advisory_db *db);
/* Seconds between the last write and now (a unix time): what a scan
 * compares with its maximum age before warning or refusing. */
int64_t advisory_db_age(const struct advisory_db *db, int64_t now);
const char *advisory_db_path(const struct advisory_db *db);

/* The sources the database was built from (OUT: *out, an array of *n in
 * a): what `moat db update` needs without counting every record. */
int advisory_db_sources(struct advisory_db *db, struct arena *a, struct moat_db_source **out,
                        size_t *n, char *err, size_t errlen);

/* Reads every page and checks its checksum, then runs SQLite's
 * quick_check. 0, or MOAT_EINVAL with err naming the first bad page. */
int advisory_db_verify(struct advisory_db *db, uint64_t *pages, char *err, size_t errlen);

/* ---- shared with the writer (build.c) ---- */

/* The SQL that creates an empty database of ADVISORY_DB_SCHEMA. */
extern const char advisory_db_schema_sql[];

/* Stamps every page of the closed database file fd with its checksum. */
int advisory_db_stamp(int fd, char *err, size_t errlen);

/* Checks every page checksum of the file fd (pages: OUT, may be NULL).
 * 0 or MOAT_EINVAL with err naming the page. */
int advisory_db_check_pages(int fd, uint64_t *pages, char *err, size_t errlen);

/* Decoders of the storage encodings (into a). 0 or MOAT_ENOMEM /
 * MOAT_EINVAL (malformed encoding). */
int advisory_decode_ranges(struct arena *a, const char *s, struct advisory_range **out, size_t *n);
int advisory_decode_lines(struct arena *a, const char *s, const char *const **out, size_t *n);
int advisory_decode_severity(struct arena *a, const char *s, const struct advisory_severity **out,
                             size_t *n);

#endif

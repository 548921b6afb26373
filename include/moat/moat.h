/*
 * moat.h - the public interface of libmoat, the container-image scanning
 * engine behind the moat command.
 *
 * The library reads an image (docker-archive, OCI layout, OCI archive, root
 * filesystem or registry) in one streaming pass, inventories its packages
 * and returns a result that report writers turn into JSON, tables, CycloneDX
 * or SPDX. It never prints, never exits and keeps no global state: every
 * function reports through return codes and the structures below.
 *
 * Ownership: a struct moat_result and every string and array reachable from
 * it belong to the result and are released by moat_result_free(). Callers
 * treat them as read-only.
 */
#ifndef MOAT_MOAT_H
#define MOAT_MOAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MOAT_VERSION "0.1.0"

/* Grades of a result, as libarchive grades ARCHIVE_OK..ARCHIVE_FATAL:
 * WARN   something was noted but everything was analysed;
 * FAILED one part could not be analysed (listed in moat_result.problems),
 *        the rest of the scan is complete;
 * FATAL  the image could not be scanned at all (bad digest, corrupt layer,
 *        unreadable manifest); no result is produced. */
enum moat_grade {
    MOAT_OK = 0,
    MOAT_WARN = 1,
    MOAT_FAILED = 2,
    MOAT_FATAL = 3,
};

/* Run-time limits; moat_options_init() fills them from lib/base/limits.h. */
struct moat_limits {
    uint64_t layer_bytes;   /* uncompressed bytes per layer */
    uint64_t image_bytes;   /* uncompressed bytes of all layers */
    uint32_t ratio;         /* max inflated/compressed ratio ... */
    uint64_t ratio_grace;   /* ... checked once this many bytes came out */
    uint32_t layer_entries; /* tar entries per layer */
    uint32_t layers;        /* layers per image */
    size_t whole_file;      /* largest file handed to an analyzer whole */
    uint64_t spill_bytes;   /* the most the per-file spill file may hold */
};

/* Detectors that run inside the layer pass (malware, secrets, ...). */
#define MOAT_DETECT_MALWARE 0x01     /* YARA rules, SHA-256 blocklist */
#define MOAT_DETECT_SECRETS 0x02     /* credentials in files and the config */
#define MOAT_DETECT_INTEGRITY 0x04   /* package files against their digests */
#define MOAT_DETECT_PERSISTENCE 0x08 /* backdoors: cron, ld.so.preload, ... */
#define MOAT_DETECT_UNMANAGED 0x10   /* software no package manager knows */
#define MOAT_DETECT_CONFIG 0x20      /* image configuration checks (lib/config) */
#define MOAT_DETECT_ALL 0x3f

struct moat_detect_options {
    unsigned enabled;                 /* MOAT_DETECT_* bits (default: all) */
    const char *const *malware_rules; /* extra YARA rule files or directories */
    size_t nmalware_rules;
    const char *blocklist;            /* file of SHA-256 hashes of known-bad
                                         files (one per line), or NULL */
    uint64_t malware_max_file;        /* bytes scanned as one piece; larger
                                         files in overlapping windows (0: default) */
    const char *secret_config;        /* YAML: allow rules, extra rules; or NULL */
    int secrets_in_packages;          /* also scan files owned by distro packages */
};

/* Where a scan stands, for a caller that shows progress (a CLI on a
 * terminal). Counts are totals since the scan began. */
struct moat_progress {
    size_t layers;             /* layers of the image (1 for a root filesystem) */
    size_t layers_started;     /* layer passes begun (workers run several at once) */
    size_t layers_done;        /* layer passes finished */
    uint64_t bytes_in;         /* layer bytes read as stored (compressed) */
    uint64_t bytes_total;      /* stored bytes of all layers as the manifest
                                  declares them; 0 when unknown */
    uint64_t bytes_out;        /* uncompressed bytes of the finished layers */
    uint64_t files;            /* tar entries of the finished layers */
    double elapsed;            /* seconds since the layer pass began */
    int done;                  /* 1 on the last call: the layer pass is over
                                  (merging and analysis follow, quickly) */
};

struct moat_options {
    unsigned threads;          /* worker threads; 0 = one per online CPU */
    const char *platform;      /* "os/arch[/variant]" for image indexes;
                                  NULL = linux/<host arch> */
    int insecure;              /* registries: allow http://, skip TLS verify */
    const char *username;      /* registry credentials; NULL = look them up */
    const char *password;      /*   in the docker config file */
    const char *docker_config; /* NULL = $DOCKER_CONFIG/config.json or
                                  ~/.docker/config.json */
    const char *ca_file;       /* extra CA bundle for registries, or NULL */
    const char *tmp_dir;       /* where the scan's per-file records spill to
                                  (an unlinked file; never image contents);
                                  NULL = $TMPDIR, else /var/tmp */
    struct moat_limits limits;
    struct moat_detect_options detect;
    /* Called during the layer pass, at most every MOAT_PROGRESS_INTERVAL_MS
     * and once more at its end (done = 1), from the scan's worker threads
     * but never two calls at once; p is valid during the call only. It must
     * return quickly and must not call into libmoat. NULL: no progress. */
    void (*progress)(void *arg, const struct moat_progress *p);
    void *progress_arg;
};

#define MOAT_PROGRESS_INTERVAL_MS 100

/* Fills *opt with defaults. */
void moat_options_init(struct moat_options *opt);

struct moat_layer {
    unsigned index;           /* 0 = bottom layer */
    const char *digest;       /* blob digest as stored ("sha256:..."), or NULL
                                 when the source does not name one */
    const char *diff_id;      /* digest of the uncompressed tar, verified */
    const char *media_type;   /* as declared, or NULL (docker-archive) */
    const char *compression;  /* "gzip", "zstd" or "none" */
    uint64_t size;            /* bytes of the blob */
    uint64_t uncompressed_size;
    uint64_t entries;         /* tar entries */
    const char *created_by;   /* history line of the config, or NULL */
};

struct moat_image {
    const char *transport;     /* "docker-archive", "oci", "oci-archive",
                                  "rootfs", "docker" */
    const char *reference;     /* what was scanned, as given */
    const char *name;          /* repository[:tag] if known, else NULL */
    const char *digest;        /* manifest digest, NULL if none exists */
    const char *config_digest; /* image ID */
    const char *os;
    const char *architecture;
    const char *variant;
    const char *created;
    const char *config_json;   /* the image config, verbatim, or NULL */
    struct moat_layer *layers;
    size_t nlayers;
};

struct moat_distro {
    const char *id;            /* os-release ID: "debian", "alpine", ... */
    const char *version_id;    /* "12", "3.20.3" */
    const char *codename;      /* "bookworm" */
    const char *name;          /* NAME */
    const char *pretty_name;   /* PRETTY_NAME */
    const char *path;          /* the file it came from */
    int distroless;            /* no shell/package manager, status.d dpkg */
};

enum moat_pkg_type {
    MOAT_PKG_DEB,
    MOAT_PKG_APK,
    MOAT_PKG_RPM,
    MOAT_PKG_NPM,
    MOAT_PKG_PYPI,
    MOAT_PKG_GOLANG,
    MOAT_PKG_MAVEN,
    MOAT_PKG_GEM,
    MOAT_PKG_COMPOSER,
    MOAT_PKG_CARGO,
    MOAT_PKG_NUGET,
    MOAT_PKG_GENERIC,      /* software identified from a binary's bytes, not
                              from a package manager (pkg:generic PURL) */
    MOAT_PKG_TYPE_COUNT
};

/* One name/value pair of extra facts about a package. */
struct moat_prop {
    const char *name;
    const char *value;
};

struct moat_package {
    enum moat_pkg_type type;
    const char *ns;            /* namespace: maven group, npm scope (no @),
                                  composer vendor, or NULL */
    const char *name;
    const char *version;       /* as the package manager writes it, epoch
                                  included ("1:2.38.1-5+b1", "1:3.0.7-27.el9") */
    const char *arch;
    const char *source_name;   /* Debian Source:, apk origin, rpm SOURCERPM */
    const char *source_version;
    const char *license;       /* as declared; SPDX expression where known */
    const char *supplier;      /* maintainer / vendor / author */
    const char *purl;
    const char *path;          /* file it was read from, absolute in image */
    const char *found_by;      /* analyzer name */
    int layer;                 /* index of the layer that introduced it */
    const char **files;        /* files it owns (OS packages), as listed */
    size_t nfiles;
    long owner;                /* index of the OS package owning its files,
                                  or -1 */
    long parent;               /* index of the package it is embedded in (a
                                  Go binary's main module, an outer jar), -1 */
    const struct moat_prop *props;
    size_t nprops;
};

/* Something that could not be analysed, or an anomaly of the input that
 * did not stop the scan. */
struct moat_problem {
    enum moat_grade grade;
    int layer;                 /* -1: the image as a whole */
    const char *path;          /* file inside the image, or NULL */
    const char *source;        /* analyzer or stage ("tar", "dpkg") */
    const char *message;
};

/* A finding: something wrong with the image. Each detector adds its kinds:
 * "vulnerability" and "malware" (known-malicious package) come from the
 * advisory matcher (moat_match). */
struct moat_finding {
    const char *kind;          /* "vulnerability", "malware", "secret", ... */
    const char *id;            /* primary id: the CVE when there is one */
    const char *severity;      /* "critical", "high", "medium", "low", "unknown" */
    const char *title;
    const char *path;
    int layer;
    long package;              /* index into packages, or -1 */
    const char *evidence;
    /* vulnerabilities */
    const char *const *aliases; /* every other id of the same problem */
    size_t naliases;
    double score;              /* CVSS base score, -1 when none */
    const char *score_vector;  /* the vector scored ("CVSS:3.1/..."), or NULL */
    const char *installed;     /* version compared */
    const char *fixed;         /* lowest fixed version above it, or NULL */
    const char *ecosystem;     /* OSV ecosystem matched ("Debian:12", "PyPI") */
    const char *published;
    const char *suppressed;    /* NULL, or the ignore rule / VEX statement that
                                  suppresses it (kept, but not counted) */
    /* file findings */
    int removed;               /* the file is not in the final filesystem (a
                                  later layer deleted or replaced it), but its
                                  bytes still ship in `layer` */
    int64_t offset;            /* byte offset in the file, -1 when none */
};

/* One package upgrade of the remediation plan. */
struct moat_remedy {
    const char *name;          /* what to upgrade: the source package for OS
                                  packages ("openssl" for libssl3) */
    enum moat_pkg_type type;
    const char *installed;     /* version in the image */
    const char *target;        /* version that fixes all it can fix */
    size_t fixes;              /* findings the upgrade fixes */
    size_t by_severity[5];     /* critical, high, medium, low, unknown */
    int base;                  /* introduced by a base-image layer: rebuild on
                                  a newer base instead */
    const long *packages;      /* indexes of the image's packages it upgrades */
    size_t npackages;
};

/* An executable or shared library that no package accounts for. */
struct moat_unowned_file {
    const char *path;          /* absolute path in the image */
    uint64_t size;
    int layer;                 /* layer whose entry is visible there */
    const char *kind;          /* "elf", or "other" (a script, or data with
                                  an x bit) */
};

/* The unmanaged-software detector's account of the image's executables
 * (MOAT_DETECT_UNMANAGED): what share a known package accounts for. Files
 * are the regular files with an x bit and the ELF files named like shared
 * libraries (*.so, *.so.N); symlinks are not files. */
struct moat_unmanaged {
    uint64_t executables;      /* such files */
    uint64_t bytes;            /* their bytes */
    uint64_t attributed;       /* of those, accounted for by a package */
    uint64_t attributed_bytes;
    uint64_t by_os;            /* attributed to an OS package (dpkg, apk, rpm) */
    uint64_t by_language;      /* to a language package (a Go or Rust binary,
                                  a file of an npm/pip/gem package) */
    uint64_t by_classifier;    /* to software identified from its bytes */
    uint64_t unowned;          /* executables - attributed */
    const struct moat_unowned_file *files; /* the first ones by path, at most
                                  MOAT_LIMIT_UNOWNED_FILES */
    size_t nfiles;             /* < unowned when the list was cut */
};

struct moat_result {
    const char *target;
    struct moat_image image;
    struct moat_distro distro; /* id == NULL when unknown */
    struct moat_package *packages;
    size_t npackages;
    struct moat_finding *findings;
    size_t nfindings;
    struct moat_problem *problems;
    size_t nproblems;
    uint64_t files;            /* entries visible in the merged filesystem */
    struct moat_remedy *remedies; /* most useful upgrade first */
    size_t nremedies;
    int base_layers;           /* layers 0..base_layers-1 are the base image
                                  (from history or set), -1 unknown */
    const char *verdict;       /* "allow", "warn" or "deny" */
    const char **reasons;      /* why: for warn and deny, and "info:" notes
                                  that did not change an allow */
    size_t nreasons;
    const struct moat_unmanaged *unmanaged; /* NULL when that detector was off */
    /* opaque internals follow in the allocation; do not copy this struct */
};

/* Scans target (see docs/TARGETS.md for the syntax). On success returns
 * MOAT_OK, MOAT_WARN or MOAT_FAILED and stores a result in *out (OUT: free
 * with moat_result_free). On MOAT_FATAL, *out is NULL and errbuf holds one
 * line naming the layer or file at fault. opt may be NULL for defaults. */
enum moat_grade moat_scan(const char *target, const struct moat_options *opt,
                          struct moat_result **out, char *errbuf, size_t errlen);

void moat_result_free(struct moat_result *res); /* NULL-safe */

/* Adds a problem of the image as a whole to res (what the caller could not
 * check, e.g. vulnerabilities without a database). 0 or -1 (out of memory). */
int moat_result_add_problem(struct moat_result *res, enum moat_grade g, const char *source,
                            const char *message);

/* ---- reports ---- */

struct moat_report_options {
    int color;                 /* table: ANSI colours */
    const char *tool_name;     /* defaults to "moat" */
    unsigned width;            /* table: columns of the terminal; rows are cut
                                  to fit, never wrapped. 0: no limit */
    int sbom_only;             /* cyclonedx: the inventory alone, without the
                                  vulnerabilities (moat sbom) */
    int64_t scan_time;         /* html: when the scan ran (unix time), 0: not
                                  shown */
    double scan_seconds;       /* html: how long it took, 0: not shown */
};

/* Writes res in format ("table", "json", "cyclonedx", "spdx", "sarif",
 * "html"; docs/REPORT.md) to out. Returns 0, or -1 with err filled (unknown
 * format, out of memory, write error). */
int moat_report_write(const char *format, const struct moat_result *res,
                      const struct moat_report_options *o, FILE *out, char *err,
                      size_t errlen);
/* NULL-terminated list of format names. */
const char *const *moat_report_formats(void);

/* ---- versions ---- */

/* Compares versions a and b as OSV ecosystem `ecosystem` orders them
 * ("Debian:12", "PyPI", "npm", ...): *out = -1, 0 or 1. Returns 0, -1 when
 * a or b is not a valid version there, -2 when the ecosystem is unknown. */
int moat_version_cmp(const char *ecosystem, const char *a, const char *b, int *out);
/* NULL-terminated list of the ecosystem names moat_version_cmp knows. */
const char *const *moat_version_ecosystems(void);

/* Names used in reports and PURLs. */
const char *moat_pkg_type_name(enum moat_pkg_type t);  /* "deb", "npm", ... */
const char *moat_grade_name(enum moat_grade g);        /* "ok", "warning", ... */

/* A property of a package by name, or NULL. */
const char *moat_package_prop(const struct moat_package *p, const char *name);

/* ---- vulnerability matching ---- */

struct moat_advisories;        /* an open advisory database; one handle may be
                                  shared by threads (lookups are serialised) */

/* Opens the database at path (NULL: moat_db_default_path) read-only.
 * Returns 0, or -1 with err filled: missing, not a moat database, another
 * schema, truncated or corrupt. */
int moat_advisories_open(const char *path, struct moat_advisories **out, char *err,
                         size_t errlen);
void moat_advisories_close(struct moat_advisories *db); /* NULL-safe */
/* Seconds since the database was last written, as of now (unix time). */
int64_t moat_advisories_age(const struct moat_advisories *db, int64_t now);

struct moat_match_options {
    const char *min_severity;   /* NULL or "low" "medium" "high" "critical":
                                   drop vulnerabilities below it */
    int ignore_unfixed;         /* drop vulnerabilities without a fix */
    const char *const *ignore_files; /* YAML ignore files */
    size_t nignore_files;
    const char *const *vex_files;    /* OpenVEX documents */
    size_t nvex_files;
    int base_layers;            /* -1: infer from the image history */
    int64_t now;                /* 0: the current time (ignore-rule expiry) */
};

void moat_match_options_init(struct moat_match_options *o);

/* Matches every package of res against the advisories and adds the
 * findings (vulnerabilities, malicious packages) and the remediation plan
 * to res. Problems (an ignore rule that expired, a version that cannot be
 * compared) go to res->problems. Returns 0, or -1 with err filled when the
 * database cannot be read (then nothing may be concluded: exit 2) or an
 * ignore file / VEX document is malformed. */
int moat_match(struct moat_result *res, struct moat_advisories *db,
               const struct moat_match_options *o, char *err, size_t errlen);

/* Explains how the database judges one version: each advisory entry for
 * (ecosystem, name), its ranges and explicit versions, which event decides
 * and the fix. OUT: *out, text to free(); *naffected (may be NULL): entries
 * that affect it. Returns 0 or -1 with err filled. */
int moat_advisories_explain(struct moat_advisories *db, const char *ecosystem, const char *name,
                            const char *version, char **out, size_t *naffected, char *err,
                            size_t errlen);
/* The ids of the (not withdrawn) entries affecting a version, comma-
 * separated (OUT: *ids, free(); "" when none). With MOAT_RANGES_ONLY the
 * explicit version lists are ignored (a diagnostic: do the ranges alone say
 * the same?). 0 or -1 with err filled. */
#define MOAT_RANGES_ONLY 0x1
int moat_advisories_affecting(struct moat_advisories *db, const char *ecosystem,
                              const char *name, const char *version, unsigned flags,
                              char **ids, char *err, size_t errlen);

/* ---- advisory database ----
 * One SQLite file of OSV advisories (docs/internals/ADVISORY_DB.md). Every
 * write builds a new file next to the database and renames it into place:
 * readers keep the file they opened, and a failed write leaves the old
 * database as it was. */

#define MOAT_DB_DEFAULT_MIRROR "https://osv-vulnerabilities.storage.googleapis.com"

/* The database used when none is named: $MOAT_DB, else
 * $XDG_DATA_HOME/moat/osv.db, else $HOME/.local/share/moat/osv.db. Writes
 * the path into out; returns 0, or -1 when out is too small or no home
 * directory is known. */
int moat_db_default_path(char *out, size_t outlen);

/* Why an import skipped a record. */
enum moat_db_skip {
    MOAT_DB_SKIP_BAD_JSON,          /* not JSON, invalid UTF-8, duplicate keys */
    MOAT_DB_SKIP_TOO_LARGE,         /* larger than MOAT_LIMIT_OSV_RECORD */
    MOAT_DB_SKIP_TOO_DEEP,          /* nested deeper than MOAT_LIMIT_JSON_DEPTH */
    MOAT_DB_SKIP_MISSING_FIELD,     /* no id, modified, affected, package name... */
    MOAT_DB_SKIP_INVALID_FIELD,     /* a field of the wrong type or value */
    MOAT_DB_SKIP_HUGE_STRING,       /* an identifier, name or version over its limit */
    MOAT_DB_SKIP_UNKNOWN_ECOSYSTEM, /* no affected package in a known ecosystem */
    MOAT_DB_SKIP_COUNT
};
/* "bad JSON", "too large", ... */
const char *moat_db_skip_name(enum moat_db_skip why);

#define MOAT_DB_EXAMPLES 8

struct moat_db_import_report {
    uint64_t read;            /* records read */
    uint64_t imported;        /* stored (new, or newer than the stored copy) */
    uint64_t kept_newer;      /* not stored: the database has a newer copy */
    uint64_t skipped;         /* malformed, the sum of skip[] */
    uint64_t skip[MOAT_DB_SKIP_COUNT];
    uint64_t withdrawn;       /* of those stored: withdrawn records */
    uint64_t malware;         /* of those stored: MAL- records */
    uint64_t truncated;       /* of those stored: summary or details cut */
    uint64_t dropped_entries; /* affected entries of unknown ecosystems left out
                                 of stored records */
    uint64_t removed;         /* records gone from a re-imported source */
    char examples[MOAT_DB_EXAMPLES][320]; /* first skipped ones: "where: why" */
    unsigned nexamples;
};

/* Imports OSV records into the database at db (created if missing) from
 * each input: an OSV zip (<Ecosystem>/all.zip), a directory (searched for
 * *.json) or one JSON record. Each input is a source: records it held
 * before and no longer holds are removed; a record also held by another
 * source is replaced only by a copy with a newer or equal `modified`.
 * Malformed records are skipped and counted in *rep (OUT). Returns 0; or
 * -1 with err filled when an input or the database cannot be read or
 * written (an unreadable zip, a full disk, a corrupt database), and then
 * the database is unchanged. */
int moat_db_import(const char *db, const char *const *inputs, size_t ninputs,
                   struct moat_db_import_report *rep, char *err, size_t errlen);

#define MOAT_DB_MAX_FETCHES 64

struct moat_db_update_options {
    const char *mirror;             /* NULL: MOAT_DB_DEFAULT_MIRROR */
    const char *const *ecosystems;  /* NULL/0: the ecosystems the database was
                                       updated with before, else
                                       moat_db_default_ecosystems() */
    size_t necosystems;             /* at most MOAT_DB_MAX_FETCHES */
    const char *ca_file;            /* extra CA bundle, or NULL */
};

struct moat_db_fetch {
    char ecosystem[64];
    char url[1024];
    long http_status;  /* 200 (new data) or 304 (not modified) */
    uint64_t bytes;    /* downloaded */
};

struct moat_db_update_report {
    struct moat_db_fetch fetch[MOAT_DB_MAX_FETCHES];
    size_t nfetch;
    int changed;                        /* the database was rewritten */
    struct moat_db_import_report import; /* of the downloads with new data */
};

/* Downloads <mirror>/<Ecosystem>/all.zip for each ecosystem, conditionally
 * (ETag / Last-Modified of the previous download), checks each (length,
 * readable zip, at least one valid record) and imports them as one atomic
 * write. Returns 0 (rep->changed says whether anything was new), or -1 with
 * err naming the ecosystem and the fault; then the database is unchanged. */
int moat_db_update(const char *db, const struct moat_db_update_options *o,
                   struct moat_db_update_report *rep, char *err, size_t errlen);
/* NULL-terminated: the ecosystems fetched when none is named and the
 * database has none yet (those moat matches). */
const char *const *moat_db_default_ecosystems(void);

struct moat_db_source {
    const char *name;          /* "osv:PyPI" for a mirror, the path for a file */
    const char *kind;          /* "mirror" or "file" */
    const char *location;      /* URL or absolute path */
    const char *etag;          /* of the last download, or NULL */
    const char *last_modified; /* of the last download, or NULL */
    int64_t fetched;           /* unix time it was imported */
    uint64_t records;          /* records stored from it */
};

struct moat_db_ecosystem {
    const char *name;          /* "PyPI", "Debian" (releases counted together) */
    uint64_t records, withdrawn, malware;
};

struct moat_db_info {
    const char *path;
    int schema;                /* PRAGMA user_version */
    const char *writer;        /* moat version that wrote the file */
    uint64_t file_bytes;
    int64_t created, updated;  /* unix times */
    int64_t age;               /* seconds since updated */
    uint64_t records, withdrawn, malware, affected;
    struct moat_db_source *sources;
    size_t nsources;
    struct moat_db_ecosystem *ecosystems;
    size_t necosystems;
    int verified;              /* 1: every page checksum and SQLite's
                                  quick_check passed (verify requested) */
    uint64_t pages;
};

/* Describes the database at db (OUT: *out, free with moat_db_info_free).
 * With verify, also reads every page and checks it (slower: the whole
 * file). Returns 0, or -1 with err filled: missing, not a moat database,
 * another schema version, truncated or corrupt. */
int moat_db_info(const char *db, int verify, struct moat_db_info **out, char *err,
                 size_t errlen);
void moat_db_info_free(struct moat_db_info *info); /* NULL-safe */

#ifdef __cplusplus
}
#endif

#include "moat/checks.h"
#include "moat/trust.h"
#include "moat/policy.h"

#endif /* MOAT_MOAT_H */

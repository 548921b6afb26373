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
    struct moat_limits limits;
};

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

/* A finding: something wrong with the image. Issue-specific detectors add
 * kinds; the scanner core itself produces none. */
struct moat_finding {
    const char *kind;          /* "vulnerability", "malware", "secret", ... */
    const char *id;
    const char *severity;      /* "critical", "high", "medium", "low", "info" */
    const char *title;
    const char *path;
    int layer;
    long package;              /* index into packages, or -1 */
    const char *evidence;
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
    const char *verdict;       /* "allow", "warn" or "deny" */
    const char **reasons;      /* why, for warn and deny */
    size_t nreasons;
    /* opaque internals follow in the allocation; do not copy this struct */
};

/* Scans target (see docs/TARGETS.md for the syntax). On success returns
 * MOAT_OK, MOAT_WARN or MOAT_FAILED and stores a result in *out (OUT: free
 * with moat_result_free). On MOAT_FATAL, *out is NULL and errbuf holds one
 * line naming the layer or file at fault. opt may be NULL for defaults. */
enum moat_grade moat_scan(const char *target, const struct moat_options *opt,
                          struct moat_result **out, char *errbuf, size_t errlen);

void moat_result_free(struct moat_result *res); /* NULL-safe */

/* ---- reports ---- */

struct moat_report_options {
    int color;                 /* table: ANSI colours */
    const char *tool_name;     /* defaults to "moat" */
};

/* Writes res in format ("json", "table", "cyclonedx", "spdx") to out.
 * Returns 0, or -1 with err filled (unknown format, write error). */
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

#ifdef __cplusplus
}
#endif

#endif /* MOAT_MOAT_H */

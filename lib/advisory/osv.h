/*
 * osv.h - the OSV record loader: one JSON document in, one validated record
 * out, in the compact form the advisory database stores (strings and the
 * text encodings of docs/internals/ADVISORY_DB.md), or the reason it was
 * rejected.
 *
 * Records come from the network and from files anyone can write, so the
 * loader trusts nothing: the document is size- and depth-checked before
 * jansson sees it, every field's type is checked against the OSV schema
 * (ossf/osv-schema), identifiers, names and versions are bounded and free
 * of control characters (the storage encoding separates with \t and \n),
 * and free text is cut at a limit. A record that breaks a rule is rejected
 * whole: a half-understood advisory must not turn into a wrong answer.
 * Affected entries in ecosystems moat does not know are left out (the rest
 * of the record is kept); a record with none left is rejected.
 *
 * Nothing here touches the database; it is what the fuzz harness drives.
 */
#ifndef MOAT_ADVISORY_OSV_H
#define MOAT_ADVISORY_OSV_H

#include <stddef.h>
#include <stdint.h>

#include "moat/moat.h"
#include "base/arena.h"

/* Record flags, stored in record.flags. */
#define OSV_WITHDRAWN 0x1 /* has "withdrawn": matching must ignore it */
#define OSV_MALWARE 0x2   /* a MAL- record: a malicious package, not a bug */
#define OSV_TRUNCATED 0x4 /* summary or details were cut */

struct osv_affected {
    const char *ecosystem; /* canonical base name: "Debian", "PyPI" */
    const char *release;   /* what followed the first ':' ("12", "22.04:LTS"),
                              "" when none */
    const char *name;      /* package name as published */
    const char *key;       /* osv_name_key(): the form lookups use */
    const char *purl;      /* NULL when none */
    const char *ranges;    /* encoded ECOSYSTEM/SEMVER ranges ("" if none) */
    const char *versions;  /* encoded explicit versions ("" if none) */
    const char *severity;  /* encoded entry-level severity ("" if none) */
    unsigned nranges;      /* ECOSYSTEM and SEMVER ranges encoded */
    unsigned git_ranges;   /* GIT ranges: counted, not stored */
    size_t nversions;
};

struct osv_record {
    const char *id;
    const char *schema_version; /* NULL when absent */
    const char *modified_text;  /* as published */
    int64_t modified;           /* microseconds since 1970, UTC */
    const char *published;      /* as published, NULL when absent */
    const char *withdrawn;      /* as published, NULL when absent */
    unsigned flags;             /* OSV_* */
    const char *summary;        /* NULL when absent; cut at the limit */
    const char *details;        /* NULL when absent; cut at the limit */
    const char *aliases;        /* '\n'-separated ids ("" if none) */
    const char *related;
    const char *upstream;
    const char *refs;     /* '\n'-separated URLs, the first few */
    const char *severity; /* encoded record-level severity */
    struct osv_affected *affected;
    size_t naffected;
    size_t dropped; /* affected entries of unknown ecosystems */
};

struct osv_error {
    enum moat_db_skip reason;
    char msg[256]; /* names the field: "affected[1].ranges[0].type: ..." */
};

/* Parses and validates the OSV record p[0..n). On success stores the record,
 * allocated in a (OUT: *out, lives as long as the arena), and returns 0.
 * Returns 1 with *e filled when the record is rejected, MOAT_ENOMEM when
 * memory ran out. */
int osv_parse(const char *p, size_t n, struct arena *a, struct osv_record **out,
              struct osv_error *e);

/* The canonical spelling of a known OSV ecosystem base name (the part before
 * any ':'), matched without regard to case; NULL when unknown. */
const char *osv_ecosystem_canonical(const char *base, size_t n);

/* The name as lookups use it (arena string, NULL on OOM): PyPI names PEP 503
 * normalised, NuGet and Packagist names lower case (their registries ignore
 * case), every other ecosystem's name unchanged. `ecosystem` is a canonical
 * base name. */
const char *osv_name_key(struct arena *a, const char *ecosystem, const char *name);

/* Parses an RFC 3339 time ("2024-10-01T21:22:35.777428+00:00", "...Z") into
 * microseconds since 1970 UTC. 0 or -1. */
int osv_parse_time(const char *s, int64_t *out);

#endif

/*
 * import.h - feeding OSV records from zips, directories and single files
 * into a database build (build.h). Shared by `moat db import` (import.c)
 * and `moat db update` (update.c), which imports the zips it downloaded.
 */
#ifndef MOAT_ADVISORY_IMPORT_H
#define MOAT_ADVISORY_IMPORT_H

#include <stdint.h>

#include "build.h"
#include "moat/moat.h"

struct import_source {
    const char *name;          /* source name: "osv:PyPI", or the input's path */
    const char *kind;          /* "mirror" or "file" */
    const char *location;      /* URL or path */
    const char *etag;          /* or NULL */
    const char *last_modified; /* or NULL */
    const char *label;         /* how messages name the input */
};

/* Imports every *.json member of the zip open on fd as source src. Counts
 * go to *rep (added to what it holds); *valid (OUT) is the number of
 * members that were well-formed records. Returns 0, or a MOAT_E* code with
 * err filled when the zip itself cannot be read (not a zip, truncated, bad
 * CRC, too many members): then nothing of it may be kept. */
int import_zip_fd(struct advisory_build *b, int fd, const struct import_source *src,
                  struct moat_db_import_report *rep, uint64_t *valid, char *err, size_t errlen);

#endif

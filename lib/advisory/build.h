/*
 * build.h - writing the advisory database, atomically.
 *
 * A write never touches the database file itself. It takes a lock (flock on
 * the database's directory, so two writers cannot lose each other's work),
 * copies the current database - checking every page on the way - into a
 * temporary file in the same directory, applies the changes there in one
 * transaction, stamps the page checksums, fsyncs, and renames the temporary
 * file over the database. rename(2) is atomic: a reader sees the old file or
 * the new one, never a mix, and keeps the one it opened. If anything fails
 * (or the process dies) the temporary file is dropped and the database is
 * exactly as it was; a stale temporary file left by a killed writer is
 * removed by the next one.
 */
#ifndef MOAT_ADVISORY_BUILD_H
#define MOAT_ADVISORY_BUILD_H

#include <stdint.h>

#include "osv.h"

struct advisory_build;

/* Starts a write of the database at path (its directory is created if
 * missing). OUT: *out, finished by advisory_build_commit or _abort.
 * Returns 0, or a MOAT_E* code with err filled (locked by another writer,
 * existing file corrupt or of another schema, no space...). */
int advisory_build_begin(const char *path, struct advisory_build **out, char *err, size_t errlen);

/* Starts (re)importing a source. Its records from earlier imports are set
 * aside: a record the source provides again replaces its old copy, the rest
 * are removed by advisory_build_source_end. kind is "mirror" or "file";
 * etag and last_modified may be NULL. OUT: *sid. */
int advisory_build_source(struct advisory_build *b, const char *name, const char *kind,
                          const char *location, const char *etag, const char *last_modified,
                          int64_t *sid, char *err, size_t errlen);

/* Stores r as a record of source sid, unless another source holds a copy
 * with a later `modified`. Returns 1 (stored), 0 (kept the newer copy), or
 * a MOAT_E* code with err filled. */
int advisory_build_put(struct advisory_build *b, int64_t sid, const struct osv_record *r, char *err,
                       size_t errlen);

/* Ends a source: removes its records it no longer provides (OUT: *removed,
 * may be NULL) and records how many of its records were skipped. */
int advisory_build_source_end(struct advisory_build *b, int64_t sid, uint64_t skipped,
                              uint64_t *removed, char *err, size_t errlen);

/* Commits, stamps, syncs and renames into place; frees b. 0, or a MOAT_E*
 * code with err filled and the database unchanged. */
int advisory_build_commit(struct advisory_build *b, char *err, size_t errlen);

/* Creates the missing directories above the file path (mkdir -p of its
 * directory part). 0 or MOAT_EIO / MOAT_EINVAL with err filled. */
int advisory_make_parents(const char *path, char *err, size_t errlen);

/* Drops the temporary file; frees b. NULL-safe. */
void advisory_build_abort(struct advisory_build *b);

#endif

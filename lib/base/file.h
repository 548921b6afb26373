/*
 * file.h - reading a small local file (an OCI layout's index.json, a docker
 * config) whole, with a size cap checked before anything is allocated.
 */
#ifndef MOAT_BASE_FILE_H
#define MOAT_BASE_FILE_H

#include <stddef.h>

/* Reads name (relative to dirfd, or AT_FDCWD) into a malloc'd buffer with a
 * NUL after the last byte (OUT: *out, freed by the caller; *len bytes).
 * Only regular files of at most max bytes. Returns 0; MOAT_ENOENT when the
 * file does not exist (err says so); MOAT_EINVAL, MOAT_ETOOBIG, MOAT_EIO or
 * MOAT_ENOMEM with err naming the file. */
int file_read_at(int dirfd, const char *name, size_t max, char **out, size_t *len, char *err,
                 size_t errlen);

#endif

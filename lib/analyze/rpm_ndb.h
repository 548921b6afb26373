/*
 * rpm_ndb.h - reads rpm's own "ndb" package database (Packages.db on SUSE
 * and openSUSE), a slot table followed by checksummed blobs, directly from
 * the in-memory copy of the file.
 */
#ifndef MOAT_ANALYZE_RPM_NDB_H
#define MOAT_ANALYZE_RPM_NDB_H

#include <stddef.h>

#include "rpm_header.h"

/* True if buf starts with the NDB magic ("RpmP"). */
int rpm_ndb_detect(const unsigned char *buf, size_t len);

/* Hands every package blob to s->blob (key: rpm's package index) and
 * every unreadable part to s->problem. Returns 0 when the file was read
 * (problems may have been reported), MOAT_EINVAL/MOAT_EUNSUP when not at
 * all (also reported), MOAT_ENOMEM, or what s->blob returned to stop.
 * Overlapping blobs are refused, so work is bounded by the file size. */
int rpm_ndb_read(const unsigned char *buf, size_t len, const struct rpm_db_sink *s);

#endif

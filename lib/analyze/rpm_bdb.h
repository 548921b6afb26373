/*
 * rpm_bdb.h - reads the Berkeley DB Hash file rpm kept its packages in
 * until rpm 4.16 (/var/lib/rpm/Packages on RHEL/CentOS 7 and 8, Amazon
 * Linux 2, older SUSE), without Berkeley DB: the on-disk format is walked
 * directly from the in-memory copy of the file.
 */
#ifndef MOAT_ANALYZE_RPM_BDB_H
#define MOAT_ANALYZE_RPM_BDB_H

#include <stddef.h>

#include "rpm_header.h"

/* True if buf starts like a Berkeley DB file (hash or B-tree meta page). */
int rpm_bdb_detect(const unsigned char *buf, size_t len);

/* Hands every record of the Packages database to s->blob (record 0,
 * rpm's instance counter, is skipped) and every unreadable part to
 * s->problem. Returns 0 when the file was walked (problems may have been
 * reported), MOAT_EINVAL/MOAT_EUNSUP when it could not be read at all (also
 * reported through s->problem), MOAT_ENOMEM, or what s->blob returned to
 * stop. Work is bounded by the file size: every page is visited once. */
int rpm_bdb_read(const unsigned char *buf, size_t len, const struct rpm_db_sink *s);

#endif

/*
 * license.h - turning the license names packages declare into SPDX license
 * expressions where the mapping is certain, and leaving them as found where
 * it is not (a wrong SPDX id is worse than a free-text name).
 */
#ifndef MOAT_ANALYZE_LICENSE_H
#define MOAT_ANALYZE_LICENSE_H

#include <stddef.h>

struct arena;

/* Licenses of a Debian machine-readable copyright file (DEP-5): the
 * distinct License: short names, mapped to SPDX ids where Debian's names
 * differ ("GPL-2+" -> "GPL-2.0-or-later"), joined with " AND ". NULL when
 * the file is not machine-readable or names none. */
const char *license_from_dep5(struct arena *a, const char *buf, size_t len);

/* Maps one license name to its SPDX id when known, else returns name. */
const char *license_normalize(const char *name);

/* True if id is on the SPDX license list (or a LicenseRef-/exception). */
int license_is_spdx_id(const char *id);

/* True if id is on the SPDX license list itself (current or deprecated
 * license ids; not exceptions, not LicenseRef-): what CycloneDX accepts as
 * license.id. Case-sensitive, as the schemas' enumerations are. */
int license_is_listed(const char *id);

/* True if expr is a valid SPDX license expression (SPDX 2.3 Annex D): listed
 * ids (optionally "+"), LicenseRef-/DocumentRef- refs, WITH <exception>,
 * AND, OR and parentheses; operators upper case. Linear time, no recursion. */
int license_is_spdx_expression(const char *expr);

/* Which list versions the id tables were generated from (spdx_ids.c). */
const char *license_list_source(void);

#endif

/*
 * err.h - result codes used inside libmoat. The public grades (OK, WARN,
 * FAILED, FATAL) live in include/moat/moat.h; these are the specific causes
 * internal functions return, mapped to a grade by the caller.
 */
#ifndef MOAT_BASE_ERR_H
#define MOAT_BASE_ERR_H

#include "moat/moat.h"

#define MOAT_ENOMEM   (-1)   /* allocation failed */
#define MOAT_ETOOBIG  (-2)   /* a limit from limits.h was exceeded */
#define MOAT_EINVAL   (-3)   /* malformed input */
#define MOAT_EIO      (-4)   /* read/write failure of a local file or network */
#define MOAT_ENOENT   (-5)   /* something named does not exist */
#define MOAT_EDIGEST  (-6)   /* content does not match its digest */
#define MOAT_EUNSUP   (-7)   /* well-formed but not supported */
#define MOAT_ELOOP    (-8)   /* symlink loop while resolving */
#define MOAT_EAUTH    (-9)   /* registry refused our credentials */

const char *moat_strerror(int code);

#endif

/*
 * path.h - paths inside images. They are data, never paths of this machine:
 * nothing here touches the local filesystem. Internally a path is stored
 * relative to the image root without a leading slash ("etc/os-release"; the
 * root itself is ""); reports show it absolute.
 */
#ifndef MOAT_BASE_PATH_H
#define MOAT_BASE_PATH_H

#include <stddef.h>

/* What path_clean() found besides the cleaned path. */
#define PATH_ABSOLUTE 0x1   /* had a leading '/' (stripped, as tar does) */
#define PATH_DOTDOT   0x2   /* had '..' components that stayed inside */

/* Cleans a tar entry name into out (size outlen): strips leading "/" and
 * "./", folds "//", ".", and "a/.." components, drops a trailing '/'.
 * Returns 0 and ORs PATH_* facts into *flags, or MOAT_EINVAL when '..'
 * climbs above the root or the name is empty/has NUL, MOAT_ETOOBIG when it
 * exceeds MOAT_LIMIT_PATH or a component exceeds MOAT_LIMIT_NAME. */
int path_clean(const char *in, size_t inlen, char *out, size_t outlen, unsigned *flags);

/* Joins dir and a relative link target and cleans the result; '..' above
 * the root stays at the root (as the kernel resolves it in a chroot). */
int path_join_clamped(const char *dir, const char *rel, char *out, size_t outlen);

/* Length of the directory part ("a/b/c" -> 3, "c" -> 0). */
size_t path_dirlen(const char *p);
const char *path_base(const char *p);

#endif

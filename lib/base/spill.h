/*
 * spill.h - memory for what grows with the number of files in an image (tar
 * entries, their paths, the merged view), kept in an unlinked temporary file
 * mapped into the process instead of anonymous memory.
 *
 * Why: a scan has to remember every path of every layer until the layers
 * are merged and the analyzers have finished, so anonymous memory grows with
 * the file count (~160 bytes a file: a million-file layer needed 160 MiB).
 * Pages of a shared file mapping can leave the process at any time without
 * losing their contents: a watcher thread drops them from the address space
 * (madvise MADV_DONTNEED) whenever the resident set passes a threshold, and
 * the next touch maps them back from the page cache. The kernel may keep the
 * file in its page cache or write it out and reclaim it under memory
 * pressure (a cgroup limit, say), which anonymous memory on a machine
 * without swap cannot do. Nothing of a file's *content* is ever written here:
 * only moat's own records about the image.
 *
 * Allocation is a bump pointer in one address range reserved up front, so
 * a pointer stays valid until spill_close(); the file grows in steps with
 * fallocate() (no SIGBUS on a full disk: allocation fails instead).
 * spill_release() punches whole pages out of the file. Thread-safe.
 */
#ifndef MOAT_BASE_SPILL_H
#define MOAT_BASE_SPILL_H

#include <stddef.h>
#include <stdint.h>

struct spill;

/* Creates the file in dir (NULL: $TMPDIR, else /var/tmp) and unlinks it at
 * once. reserve: the most it may ever hold (address space only). resident:
 * the process's resident set size (bytes) above which spilled pages are
 * dropped from memory; 0 never drops them. Returns 0, or -1 with err set. */
int spill_open(struct spill **out, const char *dir, uint64_t reserve, uint64_t resident,
               char *err, size_t errlen);
void spill_close(struct spill *s);   /* NULL-safe; every pointer dies */

/* n zeroed bytes, 64-byte aligned, or NULL when the reserve or the disk is
 * full. */
void *spill_alloc(struct spill *s, size_t n);
/* memcpy() between spilled blocks that keeps the copy out of the resident
 * set (both sides are dropped as they are done). */
void spill_move(struct spill *s, void *dst, const void *src, size_t n);
/* Gives back the whole pages of [p, p+n) (memory and disk). */
void spill_release(struct spill *s, void *p, size_t n);
/* Why the last allocation failed ("" if none did): the disk is full, or
 * the reserve is used up. */
void spill_error(struct spill *s, char *out, size_t outlen);
/* Drops every spilled page from the resident set now (contents are kept). */
void spill_trim(struct spill *s);

struct spill_stats {
    uint64_t allocated;   /* bytes handed out (not less the released ones) */
    uint64_t file;        /* bytes the file was grown to */
    uint64_t trims;       /* times the watcher dropped the pages */
};
void spill_stats(struct spill *s, struct spill_stats *st);

#endif

/*
 * limits.h - every sanity limit moat applies to untrusted input, in one place.
 *
 * An image is hostile input: a layer can claim a 2^63-byte file, nest JSON
 * ten thousand levels deep, or inflate 1 KiB into 1 TiB. Each limit below
 * exists to turn such an input into a clear "could not scan" error instead of
 * a crash, an out-of-memory kill or a scan that never ends. Each can be
 * overridden at build time (-DMOAT_LIMIT_X=...) and most at run time through
 * struct moat_limits (include/moat/moat.h), whose defaults come from here.
 *
 * The values are chosen to be far above anything a legitimate image needs,
 * while keeping peak memory of a scan bounded (see docs/PERFORMANCE.md).
 */
#ifndef MOAT_BASE_LIMITS_H
#define MOAT_BASE_LIMITS_H

/* Longest path inside an image, in bytes. Linux PATH_MAX is 4096: no runtime
 * can create a longer one, so a longer tar name is an attack or corruption. */
#ifndef MOAT_LIMIT_PATH
#define MOAT_LIMIT_PATH 4096
#endif

/* Longest single path component (NAME_MAX on Linux). */
#ifndef MOAT_LIMIT_NAME
#define MOAT_LIMIT_NAME 255
#endif

/* Entries (files, dirs, links) per layer. Real layers hold up to a few
 * hundred thousand; each entry costs ~100 bytes of bookkeeping. */
#ifndef MOAT_LIMIT_LAYER_ENTRIES
#define MOAT_LIMIT_LAYER_ENTRIES 2000000
#endif

/* Layers per image. Docker's own limit is 127 (overlayfs lower dirs). */
#ifndef MOAT_LIMIT_LAYERS
#define MOAT_LIMIT_LAYERS 256
#endif

/* Uncompressed bytes per layer (decompression-bomb guard, absolute). */
#ifndef MOAT_LIMIT_LAYER_BYTES
#define MOAT_LIMIT_LAYER_BYTES (64ULL << 30)
#endif

/* Uncompressed bytes of all layers together. */
#ifndef MOAT_LIMIT_IMAGE_BYTES
#define MOAT_LIMIT_IMAGE_BYTES (256ULL << 30)
#endif

/* Inflated/compressed ratio above which a layer is treated as a bomb. gzip
 * cannot exceed ~1032:1; zstd can reach far more, which is the attack. The
 * ratio is only checked once MOAT_LIMIT_RATIO_GRACE bytes were produced, so
 * small highly compressible layers (a tar of empty files) are fine. */
#ifndef MOAT_LIMIT_RATIO
#define MOAT_LIMIT_RATIO 1100
#endif
#ifndef MOAT_LIMIT_RATIO_GRACE
#define MOAT_LIMIT_RATIO_GRACE (64ULL << 20)
#endif

/* Manifests, indexes and configs are small documents; 8 MiB is 100 times
 * the largest seen in the wild (configs with long history). */
#ifndef MOAT_LIMIT_JSON_DOC
#define MOAT_LIMIT_JSON_DOC (8u << 20)
#endif

/* Nesting depth accepted in any JSON or YAML document moat parses. jansson
 * stops at 2048 itself; moat rejects deeper documents before parsing. */
#ifndef MOAT_LIMIT_JSON_DEPTH
#define MOAT_LIMIT_JSON_DEPTH 64
#endif

/* Largest file an analyzer may ask to receive whole (as one buffer). Package
 * databases are the big ones: dpkg status ~4 MiB on a large system, an
 * rpmdb.sqlite of a full Fedora ~100 MiB. Larger files are reported under
 * errors, never silently truncated. Streaming analyzers have no such cap. */
#ifndef MOAT_LIMIT_WHOLE_FILE
#define MOAT_LIMIT_WHOLE_FILE (128u << 20)
#endif

/* Symlink hops while resolving a path inside an image (Linux: 40). */
#ifndef MOAT_LIMIT_SYMLINK_HOPS
#define MOAT_LIMIT_SYMLINK_HOPS 40
#endif

/* Nesting of archives inside archives (jar in war in ear...). */
#ifndef MOAT_LIMIT_ARCHIVE_DEPTH
#define MOAT_LIMIT_ARCHIVE_DEPTH 4
#endif

/* Entries read from one (possibly nested) Java archive. */
#ifndef MOAT_LIMIT_ARCHIVE_ENTRIES
#define MOAT_LIMIT_ARCHIVE_ENTRIES 200000
#endif

/* Packages in one package database, and text lines per record. */
#ifndef MOAT_LIMIT_DB_PACKAGES
#define MOAT_LIMIT_DB_PACKAGES 200000
#endif

/* One field or line of a package-database record (dpkg Description, apk
 * line, rpm header string). */
#ifndef MOAT_LIMIT_FIELD
#define MOAT_LIMIT_FIELD (1u << 20)
#endif

/* Size of one rpm header blob (rpm itself caps headers at 256 MiB; real
 * ones are below 2 MiB). */
#ifndef MOAT_LIMIT_RPM_HEADER
#define MOAT_LIMIT_RPM_HEADER (32u << 20)
#endif

/* Index entries in one rpm header (rpm's own limit is 0xffff). */
#ifndef MOAT_LIMIT_RPM_TAGS
#define MOAT_LIMIT_RPM_TAGS 0xffff
#endif

/* Bytes of an ELF binary kept in the look-behind window used to find
 * non-loaded sections (cargo-auditable .dep-v0) while streaming. */
#ifndef MOAT_LIMIT_ELF_WINDOW
#define MOAT_LIMIT_ELF_WINDOW (4u << 20)
#endif

/* Registry: manifest/token responses and redirects. */
#ifndef MOAT_LIMIT_HTTP_REDIRECTS
#define MOAT_LIMIT_HTTP_REDIRECTS 8
#endif

#endif /* MOAT_BASE_LIMITS_H */

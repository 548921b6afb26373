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
 * hundred thousand; each entry costs ~150 bytes of bookkeeping (spilled to
 * a file, see MOAT_LIMIT_SPILL_BYTES, not held in memory). */
#ifndef MOAT_LIMIT_LAYER_ENTRIES
#define MOAT_LIMIT_LAYER_ENTRIES 2000000
#endif

/* Per-file metadata (entries, paths, the merged view's nodes) lives in a
 * spill file (base/spill.h). SPILL_BYTES is the most it may hold (--limit
 * spill=N): address space reserved up front, disk used only as it fills
 * (~100 bytes a file, so this is ~150 million files). */
#ifndef MOAT_LIMIT_SPILL_BYTES
#define MOAT_LIMIT_SPILL_BYTES (16ULL << 30)
#endif

/* Resident set size (bytes) above which the spilled pages are dropped from
 * the process (their contents stay in the file), and how often (us) a
 * watcher thread compares. The scan's peak memory goal is 64 MiB whatever
 * the image size; this leaves room for what is not spilled (stream buffers,
 * analyzers' records) plus what can be touched between two looks. */
#ifndef MOAT_LIMIT_RESIDENT
#define MOAT_LIMIT_RESIDENT (40ULL << 20)
#endif
#ifndef MOAT_LIMIT_SPILL_WATCH_US
#define MOAT_LIMIT_SPILL_WATCH_US 2000
#endif
/* ...and how often once the resident set is at 3/4 of the threshold. */
#ifndef MOAT_LIMIT_SPILL_WATCH_NEAR_US
#define MOAT_LIMIT_SPILL_WATCH_NEAR_US 200
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

/* An rpm package database handed whole to the rpm analyzer (rpmdb.sqlite,
 * BerkeleyDB Packages, NDB Packages.db). Container images hold 2-40 MiB
 * (ubi9 ~8 MiB, a fat RHEL 8 image ~60 MiB), a full Fedora desktop ~100
 * MiB. The SQLite path keeps a private copy while reading (the format's
 * WAL flag bytes must be patched), so peak memory is twice this. */
#ifndef MOAT_LIMIT_RPM_DB
#define MOAT_LIMIT_RPM_DB (128u << 20)
#endif

/* Bytes of file paths kept from one rpm database (every package's file
 * list, as "/dir/base" strings). A full Fedora lists ~400k paths in ~30
 * MiB; the cap stops a header whose 4 KiB directory name is shared by
 * millions of one-byte base names from expanding 32 MiB into gigabytes. */
#ifndef MOAT_LIMIT_RPM_FILE_BYTES
#define MOAT_LIMIT_RPM_FILE_BYTES (128u << 20)
#endif

/* SQLite virtual-machine steps spent reading one rpmdb.sqlite. Listing
 * 10,000 packages takes a few million; the cap ends a crafted database
 * (recursive view, looping b-tree) that would otherwise run forever. */
#ifndef MOAT_LIMIT_SQLITE_STEPS
#define MOAT_LIMIT_SQLITE_STEPS 500000000ULL
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

/* Language package metadata (package.json, METADATA, *.gemspec, Composer's
 * installed.json, *.deps.json). package.json files of npm < 7 embed the
 * README, so single files reach a few hundred KiB; installed.json of a
 * large PHP application and deps.json of a large .NET one stay under 4 MiB.
 * JSON costs jansson ~10 times its size in memory, hence a cap well below
 * MOAT_LIMIT_WHOLE_FILE. */
#ifndef MOAT_LIMIT_LANG_FILE
#define MOAT_LIMIT_LANG_FILE (16u << 20)
#endif

/* Longest package name or version accepted from package metadata. Real
 * ones stay below 100 bytes (npm caps names at 214); a longer one is
 * garbage or an attempt to bloat the report, and the entry is rejected. */
#ifndef MOAT_LIMIT_PKG_NAME
#define MOAT_LIMIT_PKG_NAME 512
#endif

/* Longest free-text value (license, author) kept from package metadata.
 * Some Python packages put the whole license text in License:; that is
 * not a license name, and is not copied into reports. */
#ifndef MOAT_LIMIT_PKG_TEXT
#define MOAT_LIMIT_PKG_TEXT 1024
#endif

/* Malformed entries reported one by one per file before the rest are only
 * counted: enough to diagnose, without one bad file flooding the report. */
#ifndef MOAT_LIMIT_FILE_PROBLEMS
#define MOAT_LIMIT_FILE_PROBLEMS 5
#endif

/* Registry transport (docker://). A bearer token is sent in a header of
 * every request; real ones are JWTs of 1-8 KiB, and curl refuses headers
 * past 100 KiB anyway, so a longer one is a broken or hostile token server. */
#ifndef MOAT_LIMIT_HTTP_TOKEN
#define MOAT_LIMIT_HTTP_TOKEN (64u << 10)
#endif

/* Seconds to establish a registry connection (TCP + TLS). A registry that
 * has not answered by then is down or filtered; waiting longer only delays
 * the error. */
#ifndef MOAT_LIMIT_HTTP_CONNECT_SECONDS
#define MOAT_LIMIT_HTTP_CONNECT_SECONDS 30
#endif

/* Seconds a registry transfer may go without receiving a byte before it is
 * abandoned: a server that stops sending must not hang a scan forever. Blob
 * transfers have no total time limit (a 5 GiB layer on a slow link is
 * legitimate), only this one. */
#ifndef MOAT_LIMIT_HTTP_STALL_SECONDS
#define MOAT_LIMIT_HTTP_STALL_SECONDS 60
#endif

/* Seconds for a whole small request (manifest, config, token): these are at
 * most MOAT_LIMIT_JSON_DOC bytes, so a slow drip of them is an attack. */
#ifndef MOAT_LIMIT_HTTP_DOC_SECONDS
#define MOAT_LIMIT_HTTP_DOC_SECONDS 120
#endif

/* Bytes of one layer blob buffered between the network and the layer
 * reader. The transfer is paused when it is full, so memory per parallel
 * download stays at this size whatever the blob size. */
#ifndef MOAT_LIMIT_HTTP_BLOB_BUFFER
#define MOAT_LIMIT_HTTP_BLOB_BUFFER (512u << 10)
#endif

/* Module information embedded in one Go binary (runtime/debug.BuildInfo as
 * text). The largest real binaries (Kubernetes, Grafana: ~600 modules) carry
 * under 100 KiB; the buffer is per binary being streamed, so it stays small. */
#ifndef MOAT_LIMIT_GO_MODINFO
#define MOAT_LIMIT_GO_MODINFO (512u << 10)
#endif

/* Section headers moat remembers from one ELF binary when the section names
 * (.shstrtab) come after the header table in the stream (an unusual layout;
 * linkers put the table last). Real executables have 30-60 sections. */
#ifndef MOAT_LIMIT_ELF_SECTIONS
#define MOAT_LIMIT_ELF_SECTIONS 4096
#endif

/* Inflated size of one embedded dependency list (cargo-auditable .dep-v0
 * JSON). cargo-auditable itself refuses more than 8 MiB; a binary with 1000
 * crates produces about 150 KiB. */
#ifndef MOAT_LIMIT_CARGO_JSON
#define MOAT_LIMIT_CARGO_JSON (8u << 20)
#endif

/* Java archives: bytes inflated from all entries read (pom.properties,
 * manifests, nested archives) per byte of the archive file. Real jars
 * compress 3-10:1; a nested zip bomb inflates 1000:1 per level. The check
 * starts once MOAT_LIMIT_ARCHIVE_GRACE bytes were produced. */
#ifndef MOAT_LIMIT_ARCHIVE_RATIO
#define MOAT_LIMIT_ARCHIVE_RATIO 200
#endif
#ifndef MOAT_LIMIT_ARCHIVE_GRACE
#define MOAT_LIMIT_ARCHIVE_GRACE (16ULL << 20)
#endif

/* One metadata file read from inside a Java archive (pom.properties,
 * META-INF/MANIFEST.MF). Real ones are a few KiB; OSGi manifests listing
 * every package reach a few hundred KiB. */
#ifndef MOAT_LIMIT_ARCHIVE_META
#define MOAT_LIMIT_ARCHIVE_META (1u << 20)
#endif

/* Longest CVSS vector string scored. The longest valid one (CVSS v4.0 with
 * every base, threat, environmental and supplemental metric, each at most
 * once, U:Amber) is 178 bytes; a longer string cannot be valid and is
 * rejected before it is scanned. */
#ifndef MOAT_LIMIT_CVSS_VECTOR
#define MOAT_LIMIT_CVSS_VECTOR 512
#endif

/* OSV advisory database (lib/advisory/, docs/internals/ADVISORY_DB.md).
 * One OSV record (a JSON file or one member of an all.zip). Published
 * records stay below 100 KiB; the largest (npm advisories enumerating every
 * version, kernel CVEs listing every distro release) reach ~2 MiB. jansson
 * needs ~10 times the size in memory, so this also caps a record's memory. */
#ifndef MOAT_LIMIT_OSV_RECORD
#define MOAT_LIMIT_OSV_RECORD (16u << 20)
#endif

/* Records read from one source (zip members, files under a directory).
 * The largest ecosystem zip (npm, with its malicious-package records) holds
 * about 250,000; the cap ends a zip of millions of empty members. */
#ifndef MOAT_LIMIT_OSV_RECORDS
#define MOAT_LIMIT_OSV_RECORDS 4000000
#endif

/* Uncompressed bytes read from one all.zip (zip-bomb guard). The whole of
 * OSV, every ecosystem, is about 10 GiB of JSON. */
#ifndef MOAT_LIMIT_OSV_ZIP_BYTES
#define MOAT_LIMIT_OSV_ZIP_BYTES (64ULL << 30)
#endif

/* Bytes of one all.zip downloaded by `moat db update`: the largest
 * ecosystem zips are a few hundred MiB; a server that sends more is broken
 * or hostile and must not fill the disk. */
#ifndef MOAT_LIMIT_OSV_DOWNLOAD
#define MOAT_LIMIT_OSV_DOWNLOAD (4ULL << 30)
#endif

/* Seconds without a byte before a database download is abandoned, and for
 * the connection: the same reasoning as the registry's stall limit. */
#ifndef MOAT_LIMIT_OSV_STALL_SECONDS
#define MOAT_LIMIT_OSV_STALL_SECONDS 60
#endif

/* Identifiers in a record: id, aliases, related ids, ecosystem, severity
 * type. Real ones are below 64 bytes ("GHSA-xxxx-xxxx-xxxx",
 * "Red Hat:enterprise_linux:9::appstream"); a longer one is garbage and the
 * record is skipped as a "huge string". Package names and versions use
 * MOAT_LIMIT_PKG_NAME. */
#ifndef MOAT_LIMIT_OSV_ID
#define MOAT_LIMIT_OSV_ID 256
#endif

/* Free text kept per record. The summary is one line by the schema ("no more
 * than 120 characters" recommended); details are Markdown that reports quote
 * but never need in full. Longer text is cut at a UTF-8 boundary and the
 * record is flagged truncated, not skipped. */
#ifndef MOAT_LIMIT_OSV_SUMMARY
#define MOAT_LIMIT_OSV_SUMMARY 1024
#endif
#ifndef MOAT_LIMIT_OSV_DETAILS
#define MOAT_LIMIT_OSV_DETAILS (64u << 10)
#endif

/* Reference URLs kept per record (reports link a few; records list up to
 * hundreds) and the longest URL kept (longer ones are dropped). */
#ifndef MOAT_LIMIT_OSV_REFS
#define MOAT_LIMIT_OSV_REFS 16
#endif
#ifndef MOAT_LIMIT_OSV_URL
#define MOAT_LIMIT_OSV_URL 2048
#endif

/* Directory levels walked by `moat db import DIR` (advisory repositories
 * nest two or three levels: vulns/<package>/<id>.json). */
#ifndef MOAT_LIMIT_OSV_DIR_DEPTH
#define MOAT_LIMIT_OSV_DIR_DEPTH 16
#endif

/* Digits in one number of a Python (PEP 440) version. packaging converts
 * each number with int(), and Python 3.11+ refuses to convert more than
 * 4300 digits (a guard against quadratic-time conversion); such a version
 * cannot be constructed, so moat calls it invalid rather than order it. */
#ifndef MOAT_LIMIT_PEP440_DIGITS
#define MOAT_LIMIT_PEP440_DIGITS 4300
#endif

/* Longest npm version range moat evaluates (version_npm_satisfies). Real
 * ranges in package.json files and advisories stay below 200 bytes; node-
 * semver has no limit, but a range expands while it is rewritten (each
 * "^1" becomes ">=1.0.0 <2.0.0-0"), and the rewriting works in fixed stack
 * buffers sized from this, so a longer range is reported invalid instead. */
#ifndef MOAT_LIMIT_VERSION_RANGE
#define MOAT_LIMIT_VERSION_RANGE 1024
#endif

/* Signature verification (lib/trust/, `moat verify`). Bytes of one
 * signature payload or Sigstore bundle read from a registry or layout. A
 * cosign simplesigning payload is ~250 bytes and a bundle with certificate
 * chain and transparency-log proof ~10 KiB, but a DSSE envelope carries its
 * whole in-toto statement, which for an SBOM attestation reaches a few MiB. */
#ifndef MOAT_LIMIT_SIG_BLOB
#define MOAT_LIMIT_SIG_BLOB (4u << 20)
#endif

/* Signatures examined per image: layers of the sha256-<hex>.sig manifest
 * plus referrers (and OCI layout entries searched for referrers). cosign
 * adds a layer per `cosign sign`, so an image re-signed by every pipeline
 * run has dozens; each costs a download, so a registry listing millions is
 * cut off here and the rest is reported as not examined. */
#ifndef MOAT_LIMIT_SIGNATURES
#define MOAT_LIMIT_SIGNATURES 512
#endif

/* Longest signature, decoded: RSA-16384 gives 2048 bytes, ECDSA P-521 in
 * DER at most 139. A longer annotation is not a signature. */
#ifndef MOAT_LIMIT_SIG_BYTES
#define MOAT_LIMIT_SIG_BYTES 4096
#endif

/* A public key file (--key): an RSA-16384 key in PEM is ~3 KiB. */
#ifndef MOAT_LIMIT_KEY_FILE
#define MOAT_LIMIT_KEY_FILE (64u << 10)
#endif

/* RSA key sizes accepted for signatures: below 2048 bits a key can be
 * factored (sigstore refuses them as well); above 16384 bits no tool
 * generates one and each check costs milliseconds per signature. */
#ifndef MOAT_LIMIT_RSA_MIN_BITS
#define MOAT_LIMIT_RSA_MIN_BITS 2048
#endif
#ifndef MOAT_LIMIT_RSA_MAX_BITS
#define MOAT_LIMIT_RSA_MAX_BITS 16384
#endif

/* Keys given to one verification: every signature is tried with each. */
#ifndef MOAT_LIMIT_VERIFY_KEYS
#define MOAT_LIMIT_VERIFY_KEYS 64
#endif

/* Configuration checks (lib/config/, `moat audit`). Largest file `moat
 * audit` reads: Dockerfiles and daemon.json are a few KiB; Kubernetes
 * manifests bundling every CRD of an operator reach a few MiB. A YAML tree
 * costs ~60 bytes per node, so the file cap also bounds the tree. */
#ifndef MOAT_LIMIT_AUDIT_FILE
#define MOAT_LIMIT_AUDIT_FILE (16u << 20)
#endif

/* YAML nodes (scalars, sequences, mappings, aliases) in one audited file.
 * A 16 MiB manifest bundle holds about a million; more is an attempt to
 * exhaust memory with tiny nodes. */
#ifndef MOAT_LIMIT_YAML_NODES
#define MOAT_LIMIT_YAML_NODES 2000000
#endif

/* Words kept per simple shell command when judging a RUN step. The longest
 * real ones are package lists of a few hundred names; words past the cap
 * are skipped (the command is still judged on the first ones). */
#ifndef MOAT_LIMIT_SHELL_WORDS
#define MOAT_LIMIT_SHELL_WORDS 1024
#endif

/* Findings of one configuration check per image or file (setuid files,
 * containers of a manifest bundle): past it, one more finding says how many
 * were left out, so a pathological image cannot flood the report. */
#ifndef MOAT_LIMIT_CHECK_FINDINGS
#define MOAT_LIMIT_CHECK_FINDINGS 200
#endif

/* `moat audit --host`: containers inspected through the Engine API (one
 * request each), and the seconds allowed for each request. A daemon that
 * does not answer in time is reported, not waited for. */
#ifndef MOAT_LIMIT_HOST_CONTAINERS
#define MOAT_LIMIT_HOST_CONTAINERS 4096
#endif
#ifndef MOAT_LIMIT_ENGINE_SECONDS
#define MOAT_LIMIT_ENGINE_SECONDS 10
#endif

/* Bytes read from /proc/net/tcp or tcp6: ~150 bytes per socket, so this is
 * room for 400,000 sockets, beyond any real host. */
#ifndef MOAT_LIMIT_PROC_NET
#define MOAT_LIMIT_PROC_NET (64u << 20)
#endif

/* Integrity detector (lib/detect/integrity.c). Findings listed per image:
 * an image whose every package file differs (a layer that re-copied the
 * whole /usr, a strip run) would otherwise list 100,000 findings that say
 * one thing; the rest are counted in one problem. */
#ifndef MOAT_LIMIT_INTEGRITY_FINDINGS
#define MOAT_LIMIT_INTEGRITY_FINDINGS 10000
#endif

/* Layer entries the integrity check may walk back, in all, to find the
 * target of hard links whose target a later entry or layer shadowed (the
 * usual target is found by one lookup). A crafted layer of a million hard
 * links to a shadowed file would otherwise cost a million walks of the
 * layer; past the budget such links are reported as not checked. */
#ifndef MOAT_LIMIT_INTEGRITY_LINK_SCAN
#define MOAT_LIMIT_INTEGRITY_LINK_SCAN 20000000ULL
#endif

/* Persistence detector (lib/detect/persistence.c). The text files it reads
 * whole: crontabs, systemd units, login and boot scripts, passwd, shadow,
 * sshd_config, authorized_keys, ld.so.preload. Real ones stay below 100 KiB
 * (an /etc/passwd of a few thousand accounts is ~300 KiB); a larger one is
 * reported as not checked rather than held in memory. */
#ifndef MOAT_LIMIT_PERSIST_FILE
#define MOAT_LIMIT_PERSIST_FILE (1u << 20)
#endif

/* Findings listed per file (suspicious lines of one script) and per rule
 * over the merged filesystem (setuid files, executables in /tmp); the rest
 * are counted in a warning, so that a script of a million bad lines or a
 * million planted files do not become a million findings. */
#ifndef MOAT_LIMIT_PERSIST_FINDINGS
#define MOAT_LIMIT_PERSIST_FINDINGS 16
#endif
#ifndef MOAT_LIMIT_PERSIST_FS_FINDINGS
#define MOAT_LIMIT_PERSIST_FS_FINDINGS 100
#endif

/* Nesting the shell-code reader follows: $( ) in ( ) in sh -c '...' in a
 * here-document, and sshd_config Include levels. Real scripts nest three or
 * four levels; each level costs a stack frame of ~2 KiB, and deeper text is
 * skipped as data. */
#ifndef MOAT_LIMIT_PERSIST_NEST
#define MOAT_LIMIT_PERSIST_NEST 8
#endif

/* Items kept from one file until the finish step (sshd_config directives
 * that matter, ld.so.preload entries, LD_PRELOAD entries of the config).
 * Real files hold a handful. */
#ifndef MOAT_LIMIT_PERSIST_ITEMS
#define MOAT_LIMIT_PERSIST_ITEMS 4096
#endif

/* Decoded bytes of one public key in authorized_keys: an 8192-bit RSA key
 * is ~1 KiB, an OpenSSH certificate a few KiB. */
#ifndef MOAT_LIMIT_PERSIST_KEY_BLOB
#define MOAT_LIMIT_PERSIST_KEY_BLOB (16u << 10)
#endif

/* Malware detector (lib/detect/malware.c). Bytes of a file handed to YARA
 * as one piece (the default of moat_options.detect.malware_max_file);
 * larger files are scanned in windows of this size. Every layer worker
 * holds at most one such buffer, and only while a file streams past: 4 MiB
 * covers whole scripts, configs and most executables; a statically linked
 * miner (2-8 MiB) may take two windows, which its rules allow (their
 * strings lie together in .rodata). 8 MiB windows cost two workers 16 MiB
 * of transient memory and took a scan with every detector to 68 MiB, over
 * the 64 MiB budget; 4 MiB keeps it at 63-64 MiB (docs/PERFORMANCE.md). */
#ifndef MOAT_LIMIT_MALWARE_WINDOW
#define MOAT_LIMIT_MALWARE_WINDOW (4u << 20)
#endif

/* Bounds of a window size chosen at run time: at least four overlaps, so
 * that each window brings mostly new bytes; at most 1 GiB, because a
 * window is memory and Hyperscan scans at most 4 GiB in one call. */
#ifndef MOAT_LIMIT_MALWARE_WINDOW_MIN
#define MOAT_LIMIT_MALWARE_WINDOW_MIN (1u << 20)
#endif
#ifndef MOAT_LIMIT_MALWARE_WINDOW_MAX
#define MOAT_LIMIT_MALWARE_WINDOW_MAX (1u << 30)
#endif

/* Bytes each window repeats from the end of the previous one: a match of
 * up to this length that crosses a window boundary is still seen whole.
 * The built-in rules' longest matches are below 1 KiB (a command line);
 * YARA itself gives up on a regular expression after 4 KiB. */
#ifndef MOAT_LIMIT_MALWARE_OVERLAP
#define MOAT_LIMIT_MALWARE_OVERLAP (64u << 10)
#endif

/* Seconds YARA may spend on one window. The built-in rules need
 * milliseconds; a user rule with a pathological regular expression on a
 * crafted file could need hours. Past the limit the rest of the file is
 * not scanned and a problem says so. */
#ifndef MOAT_LIMIT_MALWARE_SCAN_SECONDS
#define MOAT_LIMIT_MALWARE_SCAN_SECONDS 60
#endif

/* Pre-filter key matches (strings the built-in rules need, such as
 * "/dev/tcp/" or "$_POST") in one file before the rest of it is given up,
 * with a warning. Real files hold a few, a large PHP bundle some hundreds;
 * a file made of keys would make YARA evaluate every rule at every one of
 * them (~5 us each: 25 s and 90 MiB for 100 MB of keys). */
#ifndef MOAT_LIMIT_MALWARE_KEY_HITS
#define MOAT_LIMIT_MALWARE_KEY_HITS 10000
#endif

/* User YARA rules (--malware-rules): bytes of one rule file, of all rule
 * files together, number of files and directory depth. The largest public
 * rule collections are ~30 MiB in ~5,000 files two or three levels deep;
 * the caps stop a mistaken --malware-rules / from reading the disk. */
#ifndef MOAT_LIMIT_RULE_FILE
#define MOAT_LIMIT_RULE_FILE (16u << 20)
#endif
#ifndef MOAT_LIMIT_RULE_BYTES
#define MOAT_LIMIT_RULE_BYTES (128u << 20)
#endif
#ifndef MOAT_LIMIT_RULE_FILES
#define MOAT_LIMIT_RULE_FILES 20000
#endif
#ifndef MOAT_LIMIT_RULE_DEPTH
#define MOAT_LIMIT_RULE_DEPTH 8
#endif

/* SHA-256 blocklist (--blocklist): bytes of the file and hashes in it. A
 * full export of a public malware-hash feed has ~1 million SHA-256 lines
 * (65 bytes each); each kept hash costs 36 bytes of memory. */
#ifndef MOAT_LIMIT_BLOCKLIST_BYTES
#define MOAT_LIMIT_BLOCKLIST_BYTES (256u << 20)
#endif
#ifndef MOAT_LIMIT_BLOCKLIST_ENTRIES
#define MOAT_LIMIT_BLOCKLIST_ENTRIES 4000000
#endif

/* Unmanaged software (lib/detect/unmanaged.c): bytes of one executable or
 * shared library searched for version strings. The largest programs that
 * carry them (node, electron, libLLVM) are 100-250 MiB and hold them in
 * their first half; beyond this a file is not searched further (a warning
 * says so), which bounds the time a huge or crafted file costs. */
#ifndef MOAT_LIMIT_CLASSIFY_BYTES
#define MOAT_LIMIT_CLASSIFY_BYTES (256u << 20)
#endif

/* Executables and shared libraries no package accounts for, listed one by
 * one in the report (the first ones by path; all are counted). A real image
 * has tens to hundreds; an image of a million stray binaries must not make
 * a report of a million lines, nor hold them all in memory. */
#ifndef MOAT_LIMIT_UNOWNED_FILES
#define MOAT_LIMIT_UNOWNED_FILES 10000
#endif

/* A Java runtime's `release` file (unmanaged.c): a few KiB of KEY="value"
 * lines in every JDK/JRE; a larger file of that name is something else and
 * is not read. */
#ifndef MOAT_LIMIT_JAVA_RELEASE
#define MOAT_LIMIT_JAVA_RELEASE (64u << 10)
#endif

/* Secret detector (lib/detect/secrets.c). Bytes of one text file searched
 * for secrets. Real configuration files and scripts are far below this; a
 * larger text file (a database dump, a log, a 2 GiB file of one byte) is
 * searched up to here and the rest is reported as not searched. Hyperscan
 * streams at over 1 GB/s, so this also bounds the time spent on one file. */
#ifndef MOAT_LIMIT_SECRET_FILE
#define MOAT_LIMIT_SECRET_FILE (256ULL << 20)
#endif

/* Longest match of one secret rule, in bytes. The detector keeps this much
 * of a stream behind the current chunk so that a match spanning chunks can
 * be read back; user rules whose regex can match more are refused. */
#ifndef MOAT_LIMIT_SECRET_MATCH
#define MOAT_LIMIT_SECRET_MATCH 2048
#endif

/* Longest secret value read after a match (JWTs and cloud session tokens
 * reach 2 KiB). Values are never kept whole: only a redacted form is. */
#ifndef MOAT_LIMIT_SECRET_VALUE
#define MOAT_LIMIT_SECRET_VALUE 4096
#endif

/* Raw pattern matches examined in one file before the rest of the file is
 * given up (and reported as such): a file made of pattern prefixes
 * ("AKIAAKIA...") would otherwise cost a check every few bytes. Real files
 * produce a handful. */
#ifndef MOAT_LIMIT_SECRET_HITS
#define MOAT_LIMIT_SECRET_HITS 100000
#endif

/* Secrets reported per file; a file holding more is reported with a
 * problem saying how many more there were. */
#ifndef MOAT_LIMIT_SECRET_FINDINGS
#define MOAT_LIMIT_SECRET_FINDINGS 100
#endif

/* The --secret-config YAML file: its size, its custom rules and allow rules,
 * and the length of one custom regex. A hand-written policy is a few KiB. */
#ifndef MOAT_LIMIT_SECRET_CONFIG
#define MOAT_LIMIT_SECRET_CONFIG (1u << 20)
#endif
#ifndef MOAT_LIMIT_SECRET_RULES
#define MOAT_LIMIT_SECRET_RULES 1000
#endif
#ifndef MOAT_LIMIT_SECRET_ALLOW
#define MOAT_LIMIT_SECRET_ALLOW 10000
#endif
#ifndef MOAT_LIMIT_SECRET_REGEX
#define MOAT_LIMIT_SECRET_REGEX 4096
#endif

/* Admission policy (lib/policy/). Bytes of a policy file: hand-written
 * policies are a few KiB; one listing thousands of exceptions stays below
 * 1 MiB. Its YAML tree costs ~80 bytes a node, so the node cap (a million
 * one-character list items would need 2 MiB of text) bounds memory, and
 * the nesting cap bounds the work of a "[[[[..." file. The policy language
 * itself nests five levels. */
#ifndef MOAT_LIMIT_POLICY_FILE
#define MOAT_LIMIT_POLICY_FILE (1u << 20)
#endif
#ifndef MOAT_LIMIT_POLICY_NODES
#define MOAT_LIMIT_POLICY_NODES 200000
#endif
#ifndef MOAT_LIMIT_POLICY_DEPTH
#define MOAT_LIMIT_POLICY_DEPTH 32
#endif

/* A KEV list named by a policy: CISA's Known Exploited Vulnerabilities
 * catalog is ~1.3 MiB of JSON for ~1,400 CVEs; 32 MiB leaves room for
 * decades of growth or a merged list of several feeds. */
#ifndef MOAT_LIMIT_KEV_FILE
#define MOAT_LIMIT_KEV_FILE (32u << 20)
#endif

/* Findings named in one policy reason; the rest are counted ("and 41
 * more"). A reason is read by a person in a pipeline log: ten examples say
 * what is wrong, a thousand hide it. */
#ifndef MOAT_LIMIT_POLICY_LISTED
#define MOAT_LIMIT_POLICY_LISTED 10
#endif

/* Approved base images in one policy. Each costs a manifest and config
 * read (a registry round trip) per evaluation; real golden-image lists
 * hold a few versions of a few bases. */
#ifndef MOAT_LIMIT_GOLDEN_IMAGES
#define MOAT_LIMIT_GOLDEN_IMAGES 256
#endif

#endif /* MOAT_BASE_LIMITS_H */

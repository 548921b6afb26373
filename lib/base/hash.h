/*
 * hash.h - SipHash (Aumasson and Bernstein), for hash tables whose keys come
 * from an image.
 *
 * An image is hostile input, and its paths are keys of the scan's biggest
 * tables (the merged view's index, the whiteout masks, hard links, every
 * string map). An unkeyed hash (map_hash: FNV-1a + a finaliser) can be
 * inverted offline: a layer of two million paths chosen to share one home
 * slot turns every insert into a walk of the whole table, a scan that never
 * ends. With a secret key per process nobody can choose such paths.
 * Placement in a table never reaches the output (nothing iterates a table
 * in slot order), so scans stay deterministic.
 */
#ifndef MOAT_BASE_HASH_H
#define MOAT_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-c-d of p[0..n) under the key (k0, k1). 1-3 is the table hash
 * (as in Python and Rust), 2-4 the one with the published test vectors. */
uint64_t hash_sip13(uint64_t k0, uint64_t k1, const void *p, size_t n);
uint64_t hash_sip24(uint64_t k0, uint64_t k1, const void *p, size_t n);

/* SipHash-1-3 under this process's key: random (getrandom) at first use,
 * or fixed by MOAT_HASH_SEED=<decimal> in the environment, to replay a run
 * exactly. Thread-safe. */
uint64_t hash_keyed(const void *p, size_t n);

#endif

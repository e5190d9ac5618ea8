/* Non-cryptographic 64-bit hashing for cache keys, file names and checksums.
 *
 * Contract: results are deterministic across platforms, compilers and
 * endianness (input bytes are read little-endian explicitly), so a value
 * computed on one machine names the same cache file on another. Not suitable
 * against adversarial inputs (no secret seed); use only for content
 * addressing and corruption detection. Thread-safe (no state). */
#ifndef NDA_KERNELS_HASH_H
#define NDA_KERNELS_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit hash of len bytes at data (data may be NULL when len == 0). The
 * algorithm is xxHash64 (same output as the reference XXH64 for the same
 * seed); different seeds give independent-looking hash functions. */
uint64_t nda_hash64(const void *data, size_t len, uint64_t seed);

/* Writes 32 lowercase hex characters plus a terminating NUL into out: two
 * 64-bit hashes of the data under two fixed, distinct seeds (first hash's
 * hex first, most significant nibble first). Used to name cache files. */
void nda_hash_hex128(const void *data, size_t len, char out[33]);

#endif

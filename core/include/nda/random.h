/* Device random numbers: Philox4x32-10 streams (kernels/gen_random.h has
 * the exact bit-level definition, identical on every backend). */
#ifndef NDA_RANDOM_H
#define NDA_RANDOM_H

#include <stdint.h>

#include "nda/array.h"

/* Overwrites `out` (C-contiguous, not lazy-pending: e.g. fresh from
 * nda_array_empty) with element j of the stream (key, stream) for each
 * flat index j. dist is a nda_random_dist character: 'U' uniform [0, 1),
 * 'N' standard normal, 'E' standard exponential (float32/float64);
 * 'I' integers low + [0, range) (range 0: 2^64; bool or integer dtypes,
 * values wrap to the dtype); 'B' raw uint64 words.
 * NDA_ETYPE for a dtype the distribution has no form for; NDA_EVALUE for a
 * non-contiguous out or an unknown dist. Asynchronous. */
int nda_random_fill(nda_array *out, int dist, const uint32_t key[2], uint64_t stream,
                    int64_t low, uint64_t range);

#endif

/* numpy.nonzero of a C-contiguous array in host memory, on the helper
 * threads (nda/host_threads.h); no Python here. */
#ifndef NDAPY_HOST_NONZERO_LOOPS_H
#define NDAPY_HOST_NONZERO_LOOPS_H

#include <stdint.h>

#include "nda/array.h"

typedef struct ndapy_nonzero ndapy_nonzero;

/* The nonzero elements of a C-contiguous array of dtype t (bool, integers,
 * float32, float64; floats by value) and shape[ndim], whose first element
 * is at data: counted at once, per piece, on `threads` threads. NULL when
 * out of memory. */
ndapy_nonzero *ndapy_nonzero_count(nda_dtype t, int ndim, const int64_t *shape,
                                   const void *data, int threads);
/* Points z at the same elements mapped at another address (after an unmap
 * and a new map between counting and filling). */
void ndapy_nonzero_rebase(ndapy_nonzero *z, const void *data);
/* How many there are. */
int64_t ndapy_nonzero_total(const ndapy_nonzero *z);
/* Writes their coordinates in C order: out[d][k] is axis d's coordinate of
 * the k-th (out[d] holds ndapy_nonzero_total elements). */
void ndapy_nonzero_fill(ndapy_nonzero *z, int64_t *const *out);
void ndapy_nonzero_free(ndapy_nonzero *z);

#endif

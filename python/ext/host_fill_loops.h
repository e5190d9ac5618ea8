/* Constant fills of host memory on the helper threads (nda/host_threads.h); no
 * Python here. */
#ifndef NDAPY_HOST_FILL_LOOPS_H
#define NDAPY_HOST_FILL_LOOPS_H

#include <stddef.h>
#include <stdint.h>

/* Writes the `size`-byte pattern (size 1, 2, 4, 8 or 16) into each of the n
 * elements at dst, split over up to `threads` threads when there are at
 * least FILL_PARALLEL_BYTES. */
void ndapy_fill_pattern(void *dst, int64_t n, size_t size, const void *pattern, int threads);

#endif

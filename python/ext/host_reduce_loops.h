/* Whole-array reductions over host memory with NumPy's values to the last bit
 * (the loops of _core.host_reduce, host_reduce.h; no Python here). */
#ifndef NDAPY_HOST_REDUCE_LOOPS_H
#define NDAPY_HOST_REDUCE_LOOPS_H

#include <stdint.h>

#include "nda/dtype.h"

typedef enum {
    NDAPY_SUM, NDAPY_MEAN, NDAPY_MAX, NDAPY_MIN, NDAPY_ARGMAX, NDAPY_ARGMIN, NDAPY_COUNT_NONZERO
} ndapy_reduce_op;

typedef struct ndapy_reduction ndapy_reduction;

/* Whether the loops take op over dtype t: bool, integers, float32, float64. */
int ndapy_reduction_handles(ndapy_reduce_op op, nda_dtype t);

/* A reduction of n > 0 contiguous elements of dtype t (handled), split into
 * pieces for `threads` threads; mean of bool and integers sums NumPy's buffers
 * of bufsize > 0 elements (one result kept per buffer). NULL when out of
 * memory. */
ndapy_reduction *ndapy_reduction_new(ndapy_reduce_op op, nda_dtype t, int64_t n, int threads,
                                     int64_t bufsize);

/* Reads the n elements from base (the array's first element), on the threads
 * given to new (nda/host_threads.h; one below PARALLEL_MIN elements). Calls
 * nothing in Python. */
void ndapy_reduction_run(ndapy_reduction *r, const void *base);

/* After run: 1 and the value in *type, its bytes at value (16 bytes, aligned
 * for any dtype); 0 when NumPy's own loop must decide (a float extreme that
 * meets a NaN or is a zero, whose sign NumPy's SIMD order picks). */
int ndapy_reduction_result(const ndapy_reduction *r, nda_dtype *type, void *value);

void ndapy_reduction_free(ndapy_reduction *r);

/* op (MAX, MIN, ARGMAX, ARGMIN) along each of `rows` contiguous rows of n > 0
 * elements of dtype t (handled) at base, into out: `rows` values of dtype t,
 * or int64 first indices for the arg ops; rows split over `threads` threads
 * (one below PARALLEL_MIN elements). NumPy's values bit for bit. 0, with out
 * partly written, where NumPy's own loop must decide for some row (a float
 * extreme that meets a NaN or is a zero, as ndapy_reduction_result). */
int ndapy_rows_extreme(ndapy_reduce_op op, nda_dtype t, const void *base, int64_t rows,
                       int64_t n, int threads, void *out);

/* Nonzero elements among the n at p, of dtype t (handled; floats by value,
 * -0.0 is zero), on the calling thread. */
uint64_t ndapy_count_nonzero(nda_dtype t, const void *p, int64_t n);

#endif

/* Sorting rows on the device: a stable merge sort (kernels/gen_sort.h). */
#ifndef NDA_SORT_H
#define NDA_SORT_H

#include "nda/array.h"

/* Sorts each row of the 2-D array a (M rows of K, any layout) in NumPy's
 * order (NaN last; complex lexicographic, NaNs last), stably: *keys = a new
 * (M, K) C-contiguous array of the sorted values; when index is not NULL,
 * *index = a new (M, K) int64 array of each sorted value's position in its
 * row (argsort). Every dtype. NDA_EVALUE when a is not 2-D. The caller
 * owns the results; nothing is written on failure. */
int nda_sort_rows(const nda_array *a, nda_array **keys, nda_array **index);

#endif

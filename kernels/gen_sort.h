/* Sorting kernels: a stable merge sort of M rows of K contiguous keys, with
 * NumPy's order (NaN last; complex lexicographic with NaNs last, as
 * npysort's LT), optionally carrying each key's int64 index (argsort).
 *
 * RUNS:  work-item g < M * ceil(K / R) copies run g (R keys of one row, the
 *        last run of a row shorter) from `in` to okey (and its in-row
 *        indices to oidx) and insertion-sorts it in place, stably.
 *        Arguments: (okey, oidx, in, in_off, M, K, R).
 * MERGE: runs of width W (sorted, from the previous pass) are merged in
 *        pairs: work-item g < M * ceil(K / T) writes output positions
 *        [t*T, t*T + T) of its row (T divides 2W, so a tile lies within
 *        one pair): a binary search on the merge path finds how many of
 *        them come from the left run, then a sequential stable merge (ties
 *        from the left run first). Arguments: (okey, oidx, ikey, iidx, M,
 *        K, W, T).
 * Keys move as stored (float16 bits, complex pairs); without indices the
 * index arguments are unread buffers. Index arithmetic is int (idx64:
 * long); the key holds mode, dtype, indices and index width. */
#ifndef NDA_GEN_SORT_H
#define NDA_GEN_SORT_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/strbuf.h"
#include "nda/backend.h"
#include "nda/dtype.h"

#define NDA_SORT_KERNEL_NAME "nda_sort"

typedef enum nda_sort_mode { NDA_SORT_RUNS = 'R', NDA_SORT_MERGE = 'M' } nda_sort_mode;

typedef struct nda_sort_spec {
    nda_sort_mode mode;
    nda_dtype key;
    bool with_index;
    bool idx64;
} nda_sort_spec;

void nda_sort_key(const nda_sort_spec *s, char *buf, size_t len);
int nda_sort_source(const nda_sort_spec *s, nda_dialect dialect, nda_strbuf *src);

#endif

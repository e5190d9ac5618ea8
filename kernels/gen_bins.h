/* Binning kernels: counting integer bin indices (bincount, histogram) and
 * binary search of sorted edges (searchsorted, digitize).
 *
 * COUNT: partial histograms without atomics. Work-item g < P owns row g of
 *   part (P rows of nbins accumulators) and folds its share of the n
 *   indices into it: a contiguous chunk [g*C, g*C + C) (CPU devices: one
 *   sequential pass per work-item), or q = g, g + P, ... (strided: adjacent
 *   work-items read adjacent elements, for GPUs). Indices outside
 *   [0, nbins) are skipped. The caller sums part over its rows, so the
 *   result is deterministic (no atomics, a fixed order).
 *   Arguments: (part, idx, idx_off, w, w_off, n, nbins, C, P): idx int64,
 *   w float64 (unweighted: declared int64, any buffer, unread), offsets and sizes in
 *   elements. part is int64 (counts) or float64 (weighted).
 *   Launch P work-items (rounded up).
 *
 * SEARCH: out[j] = the insertion point of v[j] in the sorted a[0..n):
 *   side left: the first i with !(a[i] < v[j]); right: the first i with
 *   v[j] < a[i], with NumPy's order for floats (NaN after everything).
 *   Arguments: (out, a, a_off, v, v_off, n, m): out int64; a and v of the
 *   key dtype. Launch m work-items (rounded up).
 *
 * Index arithmetic is int (idx64: long); the key holds mode, dtypes, side,
 * layout and index width. */
#ifndef NDA_GEN_BINS_H
#define NDA_GEN_BINS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/strbuf.h"
#include "nda/backend.h"
#include "nda/dtype.h"

#define NDA_BINS_KERNEL_NAME "nda_bins"

typedef enum nda_bins_mode { NDA_BINS_COUNT = 'C', NDA_BINS_SEARCH = 'S' } nda_bins_mode;

typedef struct nda_bins_spec {
    nda_bins_mode mode;
    bool weighted; /* COUNT: float64 weights, float64 accumulators */
    bool strided;  /* COUNT: interleaved elements per work-item (GPUs) */
    nda_dtype key; /* SEARCH: dtype of a and v (not bool or complex) */
    bool right;    /* SEARCH: side='right' */
    bool idx64;
} nda_bins_spec;

void nda_bins_key(const nda_bins_spec *s, char *buf, size_t len);
/* NDA_ETYPE for a SEARCH key dtype it does not handle (bool, complex). */
int nda_bins_source(const nda_bins_spec *s, nda_dialect dialect, nda_strbuf *src);

#endif

/* Binning: counting integer bin indices and searching sorted edges, the
 * device halves of bincount, histogram, searchsorted and digitize. */
#ifndef NDA_BINNING_H
#define NDA_BINNING_H

#include <stdint.h>

#include "nda/array.h"

/* *out = a new 1-D array of nbins elements: element b counts the elements
 * of `idx` equal to b (int64), or sums their `weights` (float64) when
 * weights is not NULL. idx: 1-D int64; weights: 1-D float64 of idx's
 * length; both on one device. Elements outside [0, nbins) are skipped
 * (callers that must reject them check first). Per-work-item partial
 * histograms summed in a fixed order: no atomics, the same result every
 * run. NDA_EVALUE for nbins < 0, nbins * workers beyond the scratch limit
 * (the caller takes another method: see nda_bincount_max_bins), or
 * mismatched devices or lengths; NDA_ETYPE for other dtypes. The caller
 * owns *out. */
int nda_bincount(const nda_array *idx, const nda_array *weights, int64_t nbins, nda_array **out);

/* The largest nbins nda_bincount takes on device d. */
int64_t nda_bincount_max_bins(const nda_device *d);

/* *out = int64 array shaped like v: for each element of v its insertion
 * point in the sorted 1-D array a (right != 0: after equal elements), in
 * NumPy's order (NaN last). a and v must have the same dtype, an integer
 * or float one (NDA_ETYPE otherwise) and the same device. The caller owns
 * *out. */
int nda_searchsorted(const nda_array *a, const nda_array *v, int right, nda_array **out);

#endif

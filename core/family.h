/* Helpers of the hand-written kernel families (binning, sorting): computed,
 * C-contiguous operands addressed by buffer + element offset, and 1-D
 * launches whose scalar arguments are indices of one width. */
#ifndef NDA_CORE_FAMILY_H
#define NDA_CORE_FAMILY_H

#include <stdbool.h>
#include <stdint.h>

#include "nda/array.h"

/* *in = a computed, C-contiguous form of a whose byte offset is a whole
 * number of elements: a itself (borrowed) when it already is one, else a
 * new copy that the caller frees through *owned (NULL when none). Pending
 * work on a is computed first. */
int nda_contiguous_input(const nda_array *a, const nda_array **in, nda_array **owned);

/* a's offset in elements of its dtype. */
int64_t nda_element_offset(const nda_array *a);

/* Launches `kernel` on d over `items` work-items (rounded up to the
 * work-group size; nothing when items is 0) with arguments: each buffer of
 * bufs, followed by its element offset offs[i] unless offs[i] < 0; then the
 * sizes. Offsets and sizes are passed as int64 (idx64) or int32 (then
 * NDA_EVALUE for a value outside int32: the caller chose the index width
 * from the sizes and offsets). At most 16 arguments. */
int nda_family_launch(nda_device *d, void *kernel, bool idx64, int nbufs, void *const *bufs,
                      const int64_t *offs, int nsizes, const int64_t *sizes, int64_t items);

/* The same in work-groups of `local` work-items: kernels whose few
 * work-items each do much work (partial histograms, arg-extreme parts) on
 * CPU devices, where a work-group runs on one thread, take 1 so that
 * every core gets some (16 work-items in one group of 256: one core). */
int nda_family_launch_local(nda_device *d, void *kernel, bool idx64, int nbufs, void *const *bufs,
                            const int64_t *offs, int nsizes, const int64_t *sizes, int64_t items,
                            size_t local);

#endif

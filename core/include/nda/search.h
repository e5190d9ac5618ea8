/* Searching rows on the device: the index of the first maximum or minimum
 * (argmax, argmin) in one pass (kernels/gen_argext.h). */
#ifndef NDA_SEARCH_H
#define NDA_SEARCH_H

#include "nda/array.h"

/* *out = a new int64 array of a's shape without its last axis: for each
 * row along the last axis, the index of its first maximum (max != 0) or
 * minimum, a NaN counting as the extreme (the first NaN wins), as
 * numpy.argmax/argmin. a: any layout (pending work is computed, a
 * non-contiguous array copied), at least one dimension, a non-empty last
 * axis; bool, integer and real float dtypes (NDA_ETYPE for complex). The
 * caller owns *out; nothing is written on failure. */
int nda_arg_extreme(const nda_array *a, int max, nda_array **out);

#endif

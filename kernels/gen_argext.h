/* Arg-extreme kernels: the index of the first maximum or minimum along
 * rows, in one pass over the data (argmax, argmin and their nan forms).
 *
 * PARTS: the input is M rows of K contiguous elements; each row is cut in
 *   S parts of Kc elements. Work-item g (part g % S of rows R * (g / S) ..
 *   R * (g / S) + R - 1: R > 1 for short rows) scans its part of each row
 *   and writes the extreme to pval[row * S + part] (in the compute type)
 *   and that element's index in the row to pidx[row * S + part] (int64).
 *   NaN is the extreme (NumPy's argmax/argmin): the first NaN wins. Ties
 *   keep the first index. Arguments: (pval, pidx, in, in_off, M, K, S,
 *   Kc, R); launch ceil(M / R) * S work-items.
 *   vec (CPU OpenCL, float or 32/64-bit int keys): eight lanes per step,
 *   each keeping its own first extreme, folded by value then index.
 * COMBINE: out[r] = pidx of the first extreme among row r's S parts (the
 *   parts are in index order, so the earliest wins ties). Arguments:
 *   (out, pval, pidx, M, S).
 *
 * Index arithmetic is int (idx64: long). The key holds mode, dtype,
 * max/min, vec and index width. */
#ifndef NDA_GEN_ARGEXT_H
#define NDA_GEN_ARGEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/strbuf.h"
#include "nda/backend.h"
#include "nda/dtype.h"

#define NDA_ARGEXT_KERNEL_NAME "nda_argext"

typedef enum nda_argext_mode { NDA_ARGEXT_PARTS = 'P', NDA_ARGEXT_COMBINE = 'C' } nda_argext_mode;

typedef struct nda_argext_spec {
    nda_argext_mode mode;
    nda_dtype key; /* the data's dtype: bool, integers, float16/32/64 */
    bool max;      /* argmax (else argmin) */
    bool vec;      /* PARTS: the eight-lane form (nda_argext_vectorizable) */
    bool idx64;
} nda_argext_spec;

/* The dtype pval holds for key (its compute type: float32 for float16). */
nda_dtype nda_argext_value_dtype(nda_dtype key);
/* Whether the eight-lane form exists for key (OpenCL vector types). */
bool nda_argext_vectorizable(nda_dtype key);
void nda_argext_key(const nda_argext_spec *s, char *buf, size_t len);
/* NDA_ETYPE for a key it does not handle (complex). */
int nda_argext_source(const nda_argext_spec *s, nda_dialect dialect, nda_strbuf *src);

#endif

/* Elementwise operations (ufuncs) and whole-array reductions. */
#ifndef NDA_UFUNC_H
#define NDA_UFUNC_H

#include "nda/array.h"

/* One ufunc operand: an array, or a Python scalar (array == NULL) taking
 * part in promotion as a NEP 50 weak operand. */
typedef struct nda_operand {
    const nda_array *array;
    nda_scalar scalar;
} nda_operand;

typedef struct nda_loop {
    nda_dtype in[3];
    nda_dtype out;
    nda_dtype operand[3]; /* dtype each operand takes (weak scalars resolved) */
} nda_loop;

/* Chooses NumPy's loop for ufunc `name` (numpy's name: "add", "divide",
 * ...). dtype: requested loop output dtype or -1. NDA_ETYPE (NumPy's
 * message) when no loop fits; NDA_EOVERFLOW when a Python int does not fit
 * the dtype it must take. */
int nda_ufunc_resolve(const char *name, int nin, const nda_operand *ops, int dtype,
                      nda_casting casting, nda_loop *loop);

/* Applies ufunc `name`. out == NULL: a new C-contiguous result on the
 * operands' device (or `device` when every operand is a scalar). out given:
 * written in place (it must have the broadcast shape, and the loop's output
 * must cast to it under `casting`); *result is then a new view of out.
 * Inputs that overlap out (other than the identical view) are copied first,
 * so the result is as if every input were read before any write. */
int nda_ufunc_apply(const char *name, int nin, const nda_operand *ops, nda_array *out, int dtype,
                    nda_casting casting, nda_device *device, nda_array **result);

/* Whole-array reductions to a 0-d array: "sum", "prod", "max", "min".
 * Result dtypes as NumPy (sum of small ints -> int64/uint64). */
int nda_reduce_all(const char *name, const nda_array *a, nda_array **result);

/* Reduction along the axes where reduced[i] is true (sum, prod, max, min);
 * dtype: the requested result/accumulator dtype for sum/prod, or -1. The
 * result has a's shape without the reduced axes. */
int nda_reduce_axes(const char *name, const nda_array *a, const bool *reduced, int dtype,
                    nda_array **result);

/* Cumulative "cumsum" / "cumprod" along axis (-1: the flattened array),
 * NumPy's result dtypes (small ints accumulate in int64), or dtype. */
int nda_scan(const char *name, const nda_array *a, int axis, int dtype, nda_array **result);

/* ufunc.accumulate for a binary ufunc along axis, in the ufunc's loop
 * dtype for `a` (dtype: requested, or -1), as NumPy (a left fold). */
int nda_accumulate(const char *ufunc, const nda_array *a, int axis, int dtype, nda_array **result);

#endif

/* Gather and scatter by flat element offsets: the device half of fancy
 * indexing (a[idx], a[idx] = v, take, put, ufunc.at).
 *
 * An offset is a signed count of elements (units of the array's itemsize)
 * from the array's element 0 (its byte offset in the buffer), so the
 * array's strides play no part: a caller that starts from indices turns
 * them into offsets with the strides (sum of i_k * strides[k] / itemsize).
 * Offsets are int64 arrays on the same device, and are NOT range-checked
 * here: each must address an element inside the buffer (callers check,
 * e.g. the Python package against the array's shape); an offset outside it
 * reads or writes memory the array does not own. */
#ifndef NDA_INDEXING_H
#define NDA_INDEXING_H

#include "nda/array.h"
#include "nda/ufunc.h"

/* *out = a new array shaped like `offsets` (C-contiguous, src's dtype)
 * whose element j is src's element at offsets[j]. The result is pending
 * (lazy): it fuses with the operations that consume it and is computed
 * when values are needed, reading src's buffer as it is then (writes to
 * src through this API compute it first). src and offsets may be pending;
 * a pending src is computed now. The caller owns *out (nda_array_free).
 * NDA_ETYPE "gather offsets must be int64" when offsets is not int64;
 * NDA_EVALUE when the arrays are on different devices. *out is untouched
 * on failure. */
int nda_array_gather(const nda_array *src, const nda_array *offsets, nda_array **out);

/* A new pending array of src's dtype and shape whose element c is src's
 * element (c[i] - shift[i]) mod shape[i] along every axis i (numpy.roll,
 * shift[i] any integer; one shift per axis of src). It fuses into the
 * elementwise expressions that read it (each element's wrapped index is
 * computed where it is loaded, no copy and no offset table), reading src's
 * buffer as it is then, like nda_array_gather; with every shift a multiple
 * of its axis' extent, a pending copy. A pending src is computed now.
 * NDA_EVALUE when src has no elements. The caller owns *out; *out is
 * untouched on failure. */
int nda_array_roll(const nda_array *src, const int64_t *shift, nda_array **out);

/* Writes `value` into dst's elements at `offsets` (as in nda_array_gather),
 * one value per offset: value is an array (any dtype, broadcast to the
 * shape of offsets) or a scalar (value->array NULL), cast to dst's dtype
 * as NumPy's unsafe cast. Every input is read before any write: pending
 * arrays that read dst's buffer are computed first, and a value or
 * offsets expression that reads dst's buffer is computed into a temporary
 * first, so `a[idx] = a[::-1]`-like calls see the old values. With
 * duplicate offsets one of the values is kept (which is unspecified).
 * A pending dst is computed first. Borrows every argument; asynchronous
 * (the device runs the kernel in order with later work). NDA_ETYPE
 * "scatter offsets must be int64"; NDA_EVALUE when the arrays are on
 * different devices. dst's values are unchanged when it fails. */
int nda_array_scatter(nda_array *dst, const nda_array *offsets, const nda_operand *value);

#endif

/* Launching one generated elementwise kernel over arrays (internal). */
#ifndef NDA_ELEMENTWISE_H
#define NDA_ELEMENTWISE_H

#include "kernels/ops.h"
#include "nda/array.h"

/* One input: an array already broadcast-compatible with out, or a scalar
 * value already converted to the compute type of its loop type. */
typedef struct nda_ew_input {
    const nda_array *array;
    unsigned char value[16];
    size_t value_size;
} nda_ew_input;

/* out = op(inputs) elementwise over out's shape; inputs broadcast to it.
 * No overlap handling here: callers copy overlapping inputs first. */
int nda_ew_execute(nda_op op, int nin, const nda_dtype *loop_in, nda_dtype loop_out,
                   const nda_ew_input *in, nda_array *out);

/* Converts a scalar into kernel-argument bytes of loop type t's compute
 * type, after first rounding it to dtype `as` (its NEP 50 dtype). */
void nda_scalar_to_arg(const nda_scalar *s, nda_dtype as, nda_dtype t, nda_ew_input *in);

#endif

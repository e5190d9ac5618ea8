/* Whole-array reduction kernel: each work-group folds a grid-strided share
 * of the input into local memory, then a tree combines the group's values
 * into out[group]. A second launch of the same generator folds the group
 * partials. Input layout, offsets and sizes are arguments, as for
 * elementwise kernels. */
#ifndef NDA_GEN_REDUCE_H
#define NDA_GEN_REDUCE_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/gen_elementwise.h"

#define NDA_REDUCE_KERNEL_NAME "nda_reduce"

typedef struct nda_reduce_spec {
    nda_op op;           /* ADD, MULTIPLY, MAXIMUM, MINIMUM */
    nda_dtype in_dtype;
    nda_dtype acc;       /* accumulator (loop) type */
    nda_dtype out_dtype;
    int rank;            /* of the input's coalesced space */
    char layout;         /* input layout class */
    bool idx64;
    int local_size;      /* power of two */
} nda_reduce_spec;

void nda_reduce_spec_key(const nda_reduce_spec *s, char *buf, size_t len);
/* Signature: (out, in, in_off, n, total_threads, [shape[rank]], [strides]) */
int nda_reduce_source(const nda_reduce_spec *s, nda_dialect dialect, nda_strbuf *src);

#endif

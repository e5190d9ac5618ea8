/* Elementwise kernel generator: out[i] = op(in0[i], in1[i]) over a
 * coalesced iteration space of rank 1..NDA_KERNEL_MAXRANK.
 *
 * One binary serves every shape of the same rank and layout class:
 * offsets, sizes, shapes and strides (in elements) and scalar operands are
 * kernel arguments, never part of the source. The key (nda_ew_spec_key)
 * names everything that changes the source. */
#ifndef NDA_GEN_ELEMENTWISE_H
#define NDA_GEN_ELEMENTWISE_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/ops.h"
#include "kernels/strbuf.h"
#include "nda/backend.h"

#define NDA_KERNEL_MAXRANK 8
#define NDA_EW_KERNEL_NAME "nda_ew"

/* Layout class of one operand in the coalesced space. */
enum {
    NDA_LAYOUT_CONTIG = 'C',  /* rank 1, unit element stride */
    NDA_LAYOUT_STRIDED = 'S', /* general strides */
    NDA_LAYOUT_ZERO = 'Z',    /* all strides 0 (one element broadcast) */
};

typedef struct nda_ew_spec {
    nda_op op;
    int nin;                     /* operands besides the output: 1 or 2 */
    nda_dtype loop_in[2];        /* loop input types (what op computes on) */
    nda_dtype loop_out;
    nda_dtype in_dtype[2];       /* dtype of each input array */
    bool in_scalar[2];           /* input is a kernel argument in loop_in type */
    nda_dtype out_dtype;
    int rank;                    /* 1..NDA_KERNEL_MAXRANK */
    char layout[3];              /* [0] output, [1..] inputs */
    bool idx64;                  /* 64-bit index arithmetic */
} nda_ew_spec;

/* Short unique text for the spec (the memory cache key). */
void nda_ew_spec_key(const nda_ew_spec *s, char *buf, size_t len);

/* Appends the complete source (prelude included). Kernel signature:
 *   out, out_off, then per input: (buffer, off) or (scalar value),
 *   n, shape[rank] (when rank > 1), then per array operand with layout
 *   'S': strides[rank]. Index arguments are int (idx64: long). */
int nda_ew_source(const nda_ew_spec *s, nda_dialect dialect, nda_strbuf *src);

/* Whether a kernel touching these dtypes needs double support. */
bool nda_ew_needs_fp64(const nda_ew_spec *s);

#endif

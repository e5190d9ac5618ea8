/* Whole-array folds of host evaluation (core/host_eval.c): sum, product,
 * maximum and minimum of a stream of value blocks in an accumulator type,
 * with the kernels' semantics: maximum/minimum propagate NaN (numpy.max),
 * integer sums and products wrap at the accumulator's width, bool
 * maximum/minimum are or/and. Float sums are pairwise: 8 lanes within a
 * block, block partials combined as a binary counter, so the rounding
 * error grows with log(n) as NumPy's and the kernels' tree sums do (the
 * order, and so the last bits, differ from both). */
#ifndef NDA_CORE_HOST_FOLD_H
#define NDA_CORE_HOST_FOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/op_catalogue.h"
#include "nda/dtype.h"

typedef struct nda_host_fold {
    nda_op op;      /* ADD, MULTIPLY, MAXIMUM, MINIMUM */
    nda_dtype acc;  /* bool, integers, float32, float64 */
    bool started;
    union {
        double f64;
        float f32;
        uint64_t u;   /* integer sums and products (wrapping) */
        int64_t i;
        unsigned char bytes[8];
    } v;
    double part[64]; /* float sums: the partial of 2^level blocks (float32 kept rounded) */
    uint64_t blocks;
} nda_host_fold;

/* Whether op folds in accumulator type acc here. */
bool nda_host_fold_supports(nda_op op, nda_dtype acc);
void nda_host_fold_init(nda_host_fold *f, nda_op op, nda_dtype acc);
/* Folds m >= 1 values of type acc at x. */
void nda_host_fold_block(nda_host_fold *f, const void *x, int64_t m);
/* The folded value (type acc) into out; the identity when nothing was folded. */
void nda_host_fold_result(const nda_host_fold *f, void *out);

#endif

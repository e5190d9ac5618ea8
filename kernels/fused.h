/* Fused elementwise kernels: a DAG of operations over leaves (arrays) and
 * scalars, evaluated per element of a coalesced iteration space, ending in
 * one of two sinks:
 *   store  - out[i] = value (out may be any strided view);
 *   reduce - each work-group folds its grid-strided share of the values
 *            into out[group] (a second launch folds the partials).
 * The spec holds the expression's structure only: sizes, shapes, strides,
 * offsets and scalar values are kernel arguments, so one binary serves
 * every shape of a rank and layout class and every iteration of a loop.
 *
 * Kernel arguments, in order:
 *   store:  out, out_off            reduce: out (partials)
 *   per leaf: buffer, off
 *   per scalar: value (compute type of its dtype)
 *   n, [shape[0..rank) if rank > 1], [reduce: total threads]
 *   (chunked store: n is the element count; the grid covers
 *   rows * ceil(shape[rank-1] / chunk) work-items)
 *   strides[0..rank) of each operand with layout 'S', 'R' or 'W' (store
 *   out first, then leaves in order), then wraps[0..rank) of each 'W' leaf.
 * axes sink: out, off_o, leaves, scalars, M (outputs), K (reduced size),
 *   S (splits), Kc (reduced elements per split), shape[0..rank) (all),
 *   then strides: out over the kept axes (when 'S'/'R'), each leaf's over
 *   all axes (when 'S'/'R').
 * Index arguments are int (idx64: long). */
#ifndef NDA_FUSED_H
#define NDA_FUSED_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/ops.h"
#include "kernels/strbuf.h"
#include "nda/backend.h"

#define NDA_FUSED_MAX_LEAVES 16
#define NDA_FUSED_MAX_SCALARS 32
#define NDA_FUSED_MAX_NODES 96
#define NDA_FUSED_MAXRANK 8
#define NDA_FUSED_KERNEL_NAME "nda_fused"

enum { NDA_REF_LEAF = 'L', NDA_REF_SCALAR = 'S', NDA_REF_NODE = 'N' };

/* Layout class of one operand in the coalesced space. */
enum {
    NDA_LAYOUT_CONTIG = 'C',  /* rank 1, unit element stride */
    NDA_LAYOUT_STRIDED = 'S', /* general strides */
    NDA_LAYOUT_ZERO = 'Z',    /* all strides 0 (one element broadcast) */
    NDA_LAYOUT_ROWS = 'R',    /* rank > 1, unit innermost stride */
    NDA_LAYOUT_GATHER = 'G',  /* read by gather nodes / written at computed
                                 offsets (store: out_offset) */
    NDA_LAYOUT_WRAP = 'W',    /* general strides, coordinates wrapped: along
                                 axis d, c reads (c + wrap_d) mod shape_d (a
                                 rolled leaf; plain stores only) */
};

typedef struct nda_fused_ref {
    char kind;   /* NDA_REF_* */
    short index;
} nda_fused_ref;

typedef struct nda_fused_node {
    nda_op op;
    int nin;
    /* NDA_OP_GATHER: the leaf read at (its offset argument + arg[0]); that
     * leaf has layout 'G' and is not loaded per element otherwise. */
    int gather_leaf;
    nda_dtype loop_in[3];
    nda_dtype loop_out;
    nda_fused_ref arg[3];
} nda_fused_node;

typedef struct nda_fused_spec {
    int nleaves;
    nda_dtype leaf_dtype[NDA_FUSED_MAX_LEAVES];
    char leaf_layout[NDA_FUSED_MAX_LEAVES];
    int nscalars;
    nda_dtype scalar_dtype[NDA_FUSED_MAX_SCALARS]; /* passed in its compute type */
    int nnodes;                                    /* topologically ordered */
    nda_fused_node node[NDA_FUSED_MAX_NODES];
    nda_fused_ref result;
    /* store with out_layout 'G': the element offset (int64, relative to
     * off_o) each value is written to (scatter). */
    nda_fused_ref out_offset;
    bool reduce;
    /* reduce along axes: the space is rank_keep kept axes (outermost)
     * followed by rank - rank_keep reduced axes; each work-item folds the
     * reduced sub-space of one output (or one of `splits` contiguous parts
     * of it) and stores into out (layout out_layout over the kept axes, or
     * contiguous partials [output][split] when splitting). reduce must be
     * false; reduce_op/acc/out_dtype as for reduce; chunk > 0: each
     * work-item computes `chunk` consecutive outputs (or parts). */
    bool axes;
    int rank_keep;
    /* axes, 1..8: the reduced size K (with one part per output) is this
     * constant and the fold is unrolled in element order: straight-line
     * code that devices vectorise across work-items, for short axes. With
     * chunk > 0 (CPU devices) a work-item computes `chunk` outputs. */
    int unroll_k;
    /* axes with vec: vectors along the one reduced axis (unit stride in
     * every strided leaf: row folds) instead of across kept outputs */
    bool vec_rows;
    /* vec_rows: bit k set when leaf k has stride 0 along the reduced axis
     * (one value per row, e.g. a keepdims result broadcast back) */
    unsigned row_const;
    nda_dtype out_dtype;   /* store: out array dtype; reduce: partial dtype */
    char out_layout;       /* store only */
    nda_op reduce_op;      /* ADD, MULTIPLY, MAXIMUM, MINIMUM */
    nda_dtype acc;         /* reduce: accumulator type */
    int local_size;        /* reduce: power of two */
    int rank;              /* 1..NDA_FUSED_MAXRANK */
    bool idx64;
    /* store, rank > 1: each work-item computes up to `chunk` consecutive
     * elements of one row (innermost axis); 0: one element per work-item.
     * reduce, non-zero: each work-item folds a contiguous range of the
     * flattened space into 4 accumulators instead of a grid-strided share.
     * Chunking suits CPU devices (one index division per chunk, unit-stride
     * inner loops); GPUs use 0 (coalesced accesses). */
    int chunk;
    /* OpenCL CPU devices (nda_fused_vectorizable), 0, 8, or 16 (float32
     * stores; folds take 8). Store, rank 1:
     * each work-item computes `vec` consecutive elements with OpenCL vector
     * types (vloadN, the math builtins' vector forms, vstoreN), the grid
     * covering ceil(n / vec) work-items; the last one finishes a partial
     * block element by element. Store, rank > 1 (chunk): vectors along
     * each work-item's chunk of a row. Reduce: vector accumulators over
     * each work-item's run. Axes (one kept axis, unit stride in every
     * strided leaf, no unroll_k): `vec` consecutive outputs per work-item,
     * the last partial group output by output. */
    int vec;
} nda_fused_spec;

/* Dtype of the value a ref denotes. */
nda_dtype nda_fused_ref_dtype(const nda_fused_spec *s, nda_fused_ref r);
/* Writes the structural key (unique per source) into b. */
int nda_fused_key(const nda_fused_spec *s, nda_strbuf *b);
int nda_fused_source(const nda_fused_spec *s, nda_dialect dialect, nda_strbuf *src);

/* Whether a spec can take the vector form (`vec`): every value of one
 * float type (float32 or float64) and only operations with a vector form
 * (arithmetic, the C math functions of one argument, comparisons, where,
 * maximum/minimum, power: float32's only when fp64, the device computes in
 * float64). Stores: rank 1 with contiguous or broadcast leaves, or the
 * chunked rows of rank > 1. Reductions (sum, prod, max, min accumulated in
 * that type): whole-array folds of rank 1; axes folds with one kept axis,
 * whose unit stride the caller checks. */
bool nda_fused_vectorizable(const nda_fused_spec *s, bool fp64);

/* Outputs per work-item of the axes sink's vector form: launch
 * ceil(M / this) * S work-items. */
int nda_axes_tile_outputs(int vec);

#endif

/* Lazy elementwise expressions (internal).
 *
 * A ufunc result without out= is not computed at once: the result array
 * holds an expression DAG (nda_expr) and no buffer. Values are computed
 * ("materialised") by one fused kernel when something needs them: a host
 * transfer, a view, a non-elementwise operation, a write into a buffer the
 * expression reads, an expression grown past the size limits, or an
 * explicit synchronise. A lazy operand of a ufunc is inlined into the new
 * expression, so chains of elementwise operations become one kernel.
 *
 * Invariants: an array has either a buffer or an expression (lazy), never
 * both. Leaves hold their own reference to a materialised array view, so a
 * pending expression keeps its inputs' buffers alive. Every lazy array is
 * on the pending registry (for write-after-read flushes) until it is
 * materialised or freed. */
#ifndef NDA_EXPR_H
#define NDA_EXPR_H

#include "kernels/fused.h"
#include "nda/array.h"

enum { NDA_EX_LEAF = NDA_REF_LEAF, NDA_EX_SCALAR = NDA_REF_SCALAR, NDA_EX_NODE = NDA_REF_NODE };


typedef struct nda_expr {
    long refcount;
    int kind;              /* NDA_EX_* */
    nda_dtype dtype;       /* dtype of the value (node: loop_out) */
    int ndim;
    int64_t shape[NDA_MAXDIMS];
    nda_array *leaf;       /* LEAF: owned view, never lazy */
    /* LEAF of a roll (nda_expr_rolled_leaf), else NULL: element c of the
     * value is the leaf's element (c[a] + start[a]) mod shape[a] along every
     * axis a (0 <= start[a] < shape[a]). Owned; ndim entries. */
    int64_t *start;
    unsigned char value[16];
    size_t value_size;     /* SCALAR: value in dtype's compute type */
    nda_op op;             /* NODE */
    int nin;
    nda_dtype loop_in[3];
    struct nda_expr *arg[3];
    int nodes, leaves, scalars; /* upper bounds over the subtree */
    int cost;              /* rough work per element over the subtree (shared
                            * nodes counted per use; see nda_expr_operand) */
} nda_expr;

void nda_expr_incref(nda_expr *e);
void nda_expr_decref(nda_expr *e);
/* New LEAF holding a view of a (a must not be lazy). */
int nda_expr_leaf(const nda_array *a, nda_expr **out);
/* New LEAF reading a cyclically shifted (numpy.roll): element c of its value is
 * a's element (c[i] + start[i]) mod shape[i] along each axis i (a not lazy;
 * start[i] in [0, shape[i]), not all 0). Fused stores compute the wrapped
 * index per element (layout 'W'); folds store the values first. */
int nda_expr_rolled_leaf(const nda_array *a, const int64_t *start, nda_expr **out);
int nda_expr_scalar(nda_dtype t, const void *value, size_t size, nda_expr **out);
/* New NODE; takes no ownership of args (increfs them). */
int nda_expr_node(nda_op op, int nin, const nda_dtype *loop_in, nda_dtype loop_out,
                  nda_expr *const *args, int ndim, const int64_t *shape, nda_expr **out);

/* The expression an operand contributes: a lazy array's DAG (new ref) or a
 * leaf of a materialised array. */
int nda_expr_of_array(const nda_array *a, nda_expr **out);

/* The expression an operand contributes to a new node, materialising a
 * lazy operand first when
 * - its expression uses more than half of any of the kernel limits (nodes,
 *   leaves, scalars): the node built from two operands then always fits
 *   one kernel, and a loop like `b = b + 0.02` flushes at the same depth
 *   every time (one kernel, whatever the iteration count); or
 * - its expression is already held by another live expression (a pending
 *   array computes it too) and is worth storing: see lazy.c's
 *   shared_worth_storing. Materialising turns the shared node into a leaf
 *   of the stored values (nda_lazy_materialize), so every holder reads
 *   them instead of computing them again.
 * A caller passing the same array as several operands of one node asks
 * once and shares the reference. */
int nda_expr_operand(const nda_array *a, nda_expr **out);

/* Executes e over dst's shape, writing into dst (a materialised view);
 * e's value broadcasts to dst's shape. The caller has ensured that no leaf
 * overlaps dst except as the identical view. */
int nda_expr_store(nda_expr *e, nda_array *dst);
/* Writes values (broadcast to offsets' shape) into dst's buffer at
 * element dst->offset/itemsize + offsets (int64, element units). Offsets
 * must be in range (checked by the caller); with duplicate offsets one of
 * the values is kept. */
int nda_expr_scatter(nda_expr *values, nda_expr *offsets, nda_array *dst);
/* A gather node: the element of src at src->offset/itemsize + offsets
 * (int64, element units), shaped like offsets. */
int nda_expr_gather(const nda_array *src, nda_expr *offsets, nda_expr **out);

/* Folds e's values with op (ADD, MULTIPLY, MAXIMUM, MINIMUM) in
 * accumulator type acc into `groups` partial values written to out[0..). */
int nda_expr_reduce(nda_expr *e, nda_op op, nda_dtype acc, nda_array *out, int groups);
/* As nda_expr_reduce into `groups` > 1 partials `part`, except where the
 * host evaluator takes the whole fold (nda/host_eval.h): then the folded
 * value goes straight into the 0-d `whole` (of part's dtype) and
 * *on_host is set; part is not written. */
int nda_expr_reduce_parts(nda_expr *e, nda_op op, nda_dtype acc, nda_array *part, int groups,
                          nda_array *whole, bool *on_host);

/* Folds e's values along the axes where reduced[axis] is true into out,
 * whose shape is e's shape without those axes (at least one axis is
 * reduced, at least one element is reduced per output). `splits` > 1
 * folds each output's reduced elements in that many contiguous parts; out
 * is then the contiguous partials array [outputs][splits]. */
int nda_expr_reduce_axes(nda_expr *e, nda_op op, nda_dtype acc, const bool *reduced, nda_array *out,
                         int64_t splits);

/* Bracket code that keeps raw pointers into expressions (a linearised DAG)
 * across calls that may materialise other arrays: while any bracket is
 * open, materialising leaves shared nodes as they are (nodes, not leaves).
 * Nests; the library lock serialises callers (nda/device.h). */
void nda_expr_hold_begin(void);
void nda_expr_hold_end(void);

/* Whether any leaf of e may overlap dst without being the identical view. */
bool nda_expr_conflicts(const nda_expr *e, const nda_array *dst);
/* Whether any leaf of e lives in buffer b. */
bool nda_expr_reads(const nda_expr *e, const nda_buffer *b);

/* Makes a lazy array a normal one (allocates and computes). No-op for a
 * materialised array. Logically const: a's value does not change. When
 * other expressions still hold a's expression node, the node becomes a
 * leaf viewing a's new buffer (their values are unchanged: writes into
 * that buffer flush its readers first, as for every leaf). */
int nda_lazy_materialize(const nda_array *a);
/* New lazy array of the given dtype/shape holding e (new reference). */
int nda_lazy_array(nda_device *d, nda_expr *e, nda_array **out);
/* Materialises every pending array whose expression reads buffer b
 * (before b is written). */
int nda_lazy_flush_readers(const nda_buffer *b);
/* Materialises every pending array that reads an element dst may overlap
 * (before dst's elements are written): pending readers of other elements
 * of the same buffer keep their values and stay pending, so a store into
 * x[:, i] that reads x[:, i + 1] fuses into one kernel. */
int nda_lazy_flush_overlapping(const nda_array *dst);
/* Materialises every pending array on device d (all when d is NULL). */
int nda_lazy_flush_all(nda_device *d);
/* Unregisters a lazy array being freed (drops its expression). */
void nda_lazy_forget(nda_array *a);

#endif

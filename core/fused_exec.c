/* Executes an expression DAG as one fused kernel: linearise the DAG
 * (dedupe nodes by identity, leaves by identical view), broadcast every
 * leaf to the iteration space, coalesce axes across all operands, pick
 * layout classes and index width, fetch the kernel, launch. */
#include <stdlib.h>
#include <string.h>

#include "core/device_internal.h"
#include "core/expr.h"
#include "core/host_eval.h"
#include "core/launch.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"

#define MAXOPS NDA_SPACE_MAXOPS

typedef struct lin {
    nda_fused_spec spec;
    const nda_expr *nodes[NDA_FUSED_MAX_NODES];
    const nda_array *leaves[NDA_FUSED_MAX_LEAVES];
    const int64_t *leaf_start[NDA_FUSED_MAX_LEAVES]; /* a rolled leaf's start, else NULL */
    const nda_expr *scalars[NDA_FUSED_MAX_SCALARS];
} lin;

static bool same_start(const int64_t *a, const int64_t *b, int ndim)
{
    if (!a || !b) return a == b;
    return memcmp(a, b, sizeof(int64_t) * (size_t)ndim) == 0;
}

static bool any_rolled(const lin *L)
{
    for (int k = 0; k < L->spec.nleaves; k++)
        if (L->leaf_start[k]) return true;
    return false;
}

static int visit(lin *L, const nda_expr *e, nda_fused_ref *ref)
{
    nda_fused_spec *s = &L->spec;
    if (e->kind == NDA_EX_LEAF) {
        for (int i = 0; i < s->nleaves; i++)
            if (s->leaf_layout[i] != NDA_LAYOUT_GATHER && nda_array_same_view(L->leaves[i], e->leaf) &&
                same_start(L->leaf_start[i], e->start, e->leaf->ndim)) {
                *ref = (nda_fused_ref){NDA_REF_LEAF, (short)i};
                return NDA_OK;
            }
        if (s->nleaves == NDA_FUSED_MAX_LEAVES)
            return nda_error_set(NDA_ENOTIMPL, "fused expression has too many inputs");
        L->leaves[s->nleaves] = e->leaf;
        L->leaf_start[s->nleaves] = e->start;
        s->leaf_dtype[s->nleaves] = e->leaf->dtype;
        *ref = (nda_fused_ref){NDA_REF_LEAF, (short)s->nleaves++};
        return NDA_OK;
    }
    if (e->kind == NDA_EX_SCALAR) {
        for (int i = 0; i < s->nscalars; i++)
            if (L->scalars[i] == e) {
                *ref = (nda_fused_ref){NDA_REF_SCALAR, (short)i};
                return NDA_OK;
            }
        if (s->nscalars == NDA_FUSED_MAX_SCALARS)
            return nda_error_set(NDA_ENOTIMPL, "fused expression has too many scalars");
        L->scalars[s->nscalars] = e;
        s->scalar_dtype[s->nscalars] = e->dtype;
        *ref = (nda_fused_ref){NDA_REF_SCALAR, (short)s->nscalars++};
        return NDA_OK;
    }
    for (int i = 0; i < s->nnodes; i++)
        if (L->nodes[i] == e) {
            *ref = (nda_fused_ref){NDA_REF_NODE, (short)i};
            return NDA_OK;
        }
    nda_fused_node n;
    memset(&n, 0, sizeof n);
    n.op = e->op;
    n.nin = e->nin;
    n.loop_out = e->dtype;
    if (e->op == NDA_OP_GATHER) {
        /* The source gets its own leaf slot, read only at computed offsets. */
        if (s->nleaves == NDA_FUSED_MAX_LEAVES)
            return nda_error_set(NDA_ENOTIMPL, "fused expression has too many inputs");
        n.gather_leaf = s->nleaves;
        L->leaves[s->nleaves] = e->leaf;
        L->leaf_start[s->nleaves] = NULL;
        s->leaf_dtype[s->nleaves] = e->leaf->dtype;
        s->leaf_layout[s->nleaves] = NDA_LAYOUT_GATHER;
        s->nleaves++;
    }
    for (int k = 0; k < e->nin; k++) {
        n.loop_in[k] = e->loop_in[k];
        int rc = visit(L, e->arg[k], &n.arg[k]);
        if (rc != NDA_OK) return rc;
    }
    if (s->nnodes == NDA_FUSED_MAX_NODES)
        return nda_error_set(NDA_ENOTIMPL, "fused expression has too many operations");
    L->nodes[s->nnodes] = e;
    s->node[s->nnodes] = n;
    *ref = (nda_fused_ref){NDA_REF_NODE, (short)s->nnodes++};
    return NDA_OK;
}

/* Iteration space (core/host_eval.h): operand 0 is the store destination,
 * or unused for reductions. */
typedef nda_space space;

/* Drops axes of extent 1 and merges an axis into the one outside it when
 * every operand's strides allow it and no operand wraps along the inner
 * one: coordinate (c, d) of a wrapped outer axis reads ((c + w) mod n, d),
 * which is merged coordinate c * m + d + w * m modulo n * m. */
static void coalesce(space *s, int nops)
{
    int r = 0;
    for (int d = 0; d < s->rank; d++) {
        if (s->shape[d] == 1) continue;
        s->shape[r] = s->shape[d];
        for (int k = 0; k < nops; k++) {
            s->st[k][r] = s->st[k][d];
            s->wrap[k][r] = s->wrap[k][d];
        }
        r++;
    }
    s->rank = r;
    if (r == 0) return;
    int w = 0;
    for (int d = 1; d < s->rank; d++) {
        bool merge = true;
        for (int k = 0; k < nops && merge; k++)
            merge = s->st[k][w] == s->st[k][d] * s->shape[d] && s->wrap[k][d] == 0;
        if (merge) {
            for (int k = 0; k < nops; k++) {
                s->st[k][w] = s->st[k][d];
                s->wrap[k][w] *= s->shape[d];
            }
            s->shape[w] *= s->shape[d];
        } else {
            w++;
            s->shape[w] = s->shape[d];
            for (int k = 0; k < nops; k++) {
                s->st[k][w] = s->st[k][d];
                s->wrap[k][w] = s->wrap[k][d];
            }
        }
    }
    s->rank = w + 1;
}

static int operand_strides(const nda_array *a, int ndim, const int64_t *shape, int64_t *st,
                           int64_t *base)
{
    int64_t bst[NDA_MAXDIMS];
    int rc = nda_broadcast_strides(a, ndim, shape, bst);
    if (rc != NDA_OK) return rc;
    int64_t isz = (int64_t)nda_dtype_itemsize(a->dtype);
    if (a->offset % (size_t)isz) return nda_error_set(NDA_EVALUE, "misaligned array offset");
    *base = (int64_t)a->offset / isz;
    for (int d = 0; d < ndim; d++) {
        if (bst[d] % isz) return nda_error_set(NDA_EVALUE, "misaligned array strides");
        st[d] = bst[d] / isz;
    }
    return NDA_OK;
}

static int check_fp64(nda_device *d, const nda_fused_spec *s)
{
    if (d->info.has_fp64) return NDA_OK;
    bool dbl = s->out_dtype == NDA_FLOAT64 || s->out_dtype == NDA_COMPLEX128;
    for (int i = 0; i < s->nleaves; i++)
        dbl = dbl || s->leaf_dtype[i] == NDA_FLOAT64 || s->leaf_dtype[i] == NDA_COMPLEX128;
    for (int i = 0; i < s->nnodes; i++)
        dbl = dbl || s->node[i].loop_out == NDA_FLOAT64 || s->node[i].loop_out == NDA_COMPLEX128 ||
              s->node[i].loop_in[0] == NDA_FLOAT64 || s->node[i].loop_in[0] == NDA_COMPLEX128;
    if (!dbl) return NDA_OK;
    return nda_error_set(NDA_ETYPE, "device %s (%s) does not support float64", d->id, d->info.name);
}

/* The most arguments a fused kernel takes (kernels/fused.h's order): out
 * and its offset; a buffer and an offset per leaf; the scalars; n, the
 * shape, and total (reduce); strides of out and of every leaf; wraps of
 * every leaf ('W'). */
#define ARGS_MAX (2 + 2 * NDA_FUSED_MAX_LEAVES + NDA_FUSED_MAX_SCALARS + 2 + 2 * NDA_FUSED_MAXRANK + \
                  2 * NDA_FUSED_MAX_LEAVES * NDA_FUSED_MAXRANK)

typedef struct argpack {
    nda_kernel_arg a[ARGS_MAX];
    int64_t v64[ARGS_MAX];
    int32_t v32[ARGS_MAX];
    int n;
    bool idx64;
} argpack;

static void arg_buffer(argpack *p, void *h) { p->a[p->n++] = (nda_kernel_arg){NDA_ARG_BUFFER, sizeof(void *), h}; }
static void arg_bytes(argpack *p, const void *v, size_t n) { p->a[p->n++] = (nda_kernel_arg){NDA_ARG_SCALAR, n, v}; }
static void arg_index(argpack *p, int64_t v)
{
    if (p->idx64) {
        p->v64[p->n] = v;
        p->a[p->n] = (nda_kernel_arg){NDA_ARG_SCALAR, 8, &p->v64[p->n]};
    } else {
        p->v32[p->n] = (int32_t)v;
        p->a[p->n] = (nda_kernel_arg){NDA_ARG_SCALAR, 4, &p->v32[p->n]};
    }
    p->n++;
}

static int fused_source(const void *ctx, nda_dialect dialect, nda_strbuf *src)
{
    return nda_fused_source((const nda_fused_spec *)ctx, dialect, src);
}

static char layout_of(const space *s, int k)
{
    bool zero = true, wraps = false;
    for (int d = 0; d < s->rank; d++) {
        zero = zero && s->st[k][d] == 0;
        wraps = wraps || s->wrap[k][d] != 0;
    }
    if (zero) return NDA_LAYOUT_ZERO;
    if (wraps) return NDA_LAYOUT_WRAP;
    if (s->rank == 1 && s->st[k][0] == 1) return NDA_LAYOUT_CONTIG;
    if (s->rank > 1 && s->st[k][s->rank - 1] == 1) return NDA_LAYOUT_ROWS;
    return NDA_LAYOUT_STRIDED;
}

static bool needs_idx64(const space *s, int k, int64_t n)
{
    int64_t lo = s->base[k], hi = s->base[k];
    for (int d = 0; d < s->rank; d++) {
        int64_t span = (s->shape[d] - 1) * s->st[k][d];
        if (span < 0) lo += span; else hi += span;
    }
    return n >= INT32_MAX / 2 || lo < INT32_MIN / 2 || hi >= INT32_MAX / 2;
}

/* A gathered leaf may be read anywhere in its buffer. */
static bool gather_needs_idx64(const nda_array *g)
{
    return g->buffer->capacity / nda_dtype_itemsize(g->dtype) >= (size_t)INT32_MAX / 2;
}

/* Builds the space over (ndim, shape) for the leaves (+ dst when given). */
static int build_space(lin *L, const nda_array *dst, int ndim, const int64_t *shape, space *sp)
{
    sp->rank = ndim;
    memcpy(sp->shape, shape, sizeof(int64_t) * (size_t)ndim);
    memset(sp->wrap, 0, sizeof sp->wrap);
    int rc = NDA_OK;
    if (dst) rc = operand_strides(dst, ndim, shape, sp->st[0], &sp->base[0]);
    else {
        for (int d = 0; d < ndim; d++) sp->st[0][d] = 0;
        sp->base[0] = 0;
    }
    for (int k = 0; k < L->spec.nleaves && rc == NDA_OK; k++) {
        if (L->spec.leaf_layout[k] == NDA_LAYOUT_GATHER) {
            const nda_array *g = L->leaves[k];
            for (int d = 0; d < ndim; d++) sp->st[k + 1][d] = 0;
            sp->base[k + 1] = (int64_t)(g->offset / nda_dtype_itemsize(g->dtype));
            continue;
        }
        rc = operand_strides(L->leaves[k], ndim, shape, sp->st[k + 1], &sp->base[k + 1]);
        const nda_array *a = L->leaves[k];
        if (L->leaf_start[k]) /* its axes are the space's last; broadcast axes have extent 1 */
            for (int i = 0; i < a->ndim; i++)
                if (a->shape[i] == shape[ndim - a->ndim + i])
                    sp->wrap[k + 1][ndim - a->ndim + i] = L->leaf_start[k][i];
    }
    if (rc != NDA_OK) return rc;
    coalesce(sp, L->spec.nleaves + 1);
    if (sp->rank == 0) {
        sp->rank = 1;
        sp->shape[0] = 1;
        for (int k = 0; k <= L->spec.nleaves; k++) sp->st[k][0] = sp->wrap[k][0] = 0;
    }
    return NDA_OK;
}

static int launch(nda_device *d, lin *L, const space *sp, int outer, void *out_handle,
                  int64_t total, size_t global, size_t local)
{
    nda_fused_spec *s = &L->spec;
    int inner_rank = sp->rank - outer;
    int64_t inner_n = 1;
    for (int dd = outer; dd < sp->rank; dd++) inner_n *= sp->shape[dd];
    nda_strbuf key;
    nda_strbuf_init(&key);
    int rc = nda_fused_key(s, &key);
    void *kernel = NULL;
    if (rc == NDA_OK)
        rc = nda_kernel_get(d, key.data, fused_source, s, NDA_FUSED_KERNEL_NAME, &kernel);
    nda_strbuf_free(&key);
    if (rc != NDA_OK) return rc;
    int64_t ocount = 1;
    for (int dd = 0; dd < outer; dd++) ocount *= sp->shape[dd];
    argpack *p = malloc(sizeof *p);
    if (!p) return nda_error_set(NDA_ENOMEM, "out of host memory");
    for (int64_t oi = 0; oi < ocount && rc == NDA_OK; oi++) {
        int64_t off[MAXOPS];
        for (int k = 0; k <= s->nleaves; k++) off[k] = sp->base[k];
        int64_t r = oi;
        for (int dd = outer - 1; dd >= 0; dd--) {
            int64_t c = r % sp->shape[dd];
            r /= sp->shape[dd];
            for (int k = 0; k <= s->nleaves; k++) {
                int64_t cw = c + sp->wrap[k][dd];
                off[k] += (cw >= sp->shape[dd] ? cw - sp->shape[dd] : cw) * sp->st[k][dd];
            }
        }
        p->n = 0;
        p->idx64 = s->idx64;
        arg_buffer(p, out_handle);
        if (!s->reduce) arg_index(p, off[0]);
        for (int k = 0; k < s->nleaves; k++) {
            arg_buffer(p, L->leaves[k]->buffer->handle);
            arg_index(p, off[k + 1]);
        }
        for (int k = 0; k < s->nscalars; k++) arg_bytes(p, L->scalars[k]->value, L->scalars[k]->value_size);
        arg_index(p, inner_n);
        if (inner_rank > 1)
            for (int dd = outer; dd < sp->rank; dd++) arg_index(p, sp->shape[dd]);
        if (s->reduce) arg_index(p, total);
        if (!s->reduce && (s->out_layout == NDA_LAYOUT_STRIDED || s->out_layout == NDA_LAYOUT_ROWS))
            for (int dd = outer; dd < sp->rank; dd++) arg_index(p, sp->st[0][dd]);
        for (int k = 0; k < s->nleaves; k++)
            if (s->leaf_layout[k] == NDA_LAYOUT_STRIDED || s->leaf_layout[k] == NDA_LAYOUT_ROWS ||
                s->leaf_layout[k] == NDA_LAYOUT_WRAP)
                for (int dd = outer; dd < sp->rank; dd++) arg_index(p, sp->st[k + 1][dd]);
        for (int k = 0; k < s->nleaves; k++)
            if (s->leaf_layout[k] == NDA_LAYOUT_WRAP)
                for (int dd = outer; dd < sp->rank; dd++) arg_index(p, sp->wrap[k + 1][dd]);
        rc = d->ops->launch(d->local_index, kernel, global, local, p->n, p->a);
        nda_device_enqueued(d, s->reduce ? total : inner_n);
    }
    free(p);
    return rc;
}

/* The linearised expression on the host (core/host_eval.h): a store into
 * dst, or (L->spec.reduce) a fold into dst's first element. */
static int host_eval(nda_device *d, const lin *L, const space *sp, nda_array *dst)
{
    const void *values[NDA_FUSED_MAX_SCALARS];
    for (int k = 0; k < L->spec.nscalars; k++) values[k] = L->scalars[k]->value;
    return nda_host_eval_run(d, &L->spec, L->leaves, values, sp, dst);
}

static int linearise(const nda_expr *e, lin *L)
{
    memset(&L->spec, 0, sizeof L->spec);
    return visit(L, e, &L->spec.result);
}

/* The linearised DAG and space of a store, kept for the next one (~8 KB
 * that malloc would otherwise clear and free per store: a tenth of an
 * eager op on the host). The library lock serialises stores; a store
 * nested in another (an allocation's reclaim hook materialising) uses
 * its own. Allocated by nda_expr_store's first call, never freed. */
typedef struct store_scratch {
    lin L;
    space sp;
} store_scratch;
static store_scratch *g_store_scratch;
static bool g_store_scratch_busy;

/* Store of e over (ndim, shape): into dst elementwise, or (offsets given)
 * scattered into dst's buffer at dst's offset + offsets. */
static int store(nda_expr *e, nda_array *dst, nda_expr *offsets, int ndim, const int64_t *shape)
{
    nda_device *d = dst->device;
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    if (n == 0) return NDA_OK;
    /* linearise zeroes the spec; the rest is filled as used */
    bool own = g_store_scratch_busy || !g_store_scratch;
    lin *L = own ? malloc(sizeof *L) : &g_store_scratch->L;
    space *sp = own ? malloc(sizeof *sp) : &g_store_scratch->sp;
    if (!own) g_store_scratch_busy = true;
    int rc = (L && sp) ? NDA_OK : nda_error_set(NDA_ENOMEM, "out of host memory");
    if (rc == NDA_OK) rc = linearise(e, L);
    if (rc == NDA_OK && offsets) rc = visit(L, offsets, &L->spec.out_offset);
    if (rc == NDA_OK) rc = build_space(L, offsets ? NULL : dst, ndim, shape, sp);
    if (rc != NDA_OK) goto out;
    nda_fused_spec *s = &L->spec;
    if (offsets) sp->base[0] = (int64_t)(dst->offset / nda_dtype_itemsize(dst->dtype));
    int outer = sp->rank > NDA_FUSED_MAXRANK ? sp->rank - NDA_FUSED_MAXRANK : 0;
    space inner = *sp;
    inner.rank = sp->rank - outer;
    for (int k = 0; k <= s->nleaves; k++) {
        memmove(inner.st[k], sp->st[k] + outer, sizeof(int64_t) * (size_t)inner.rank);
        memmove(inner.wrap[k], sp->wrap[k] + outer, sizeof(int64_t) * (size_t)inner.rank);
    }
    memmove(inner.shape, sp->shape + outer, sizeof(int64_t) * (size_t)inner.rank);
    int64_t inner_n = 1;
    for (int dd = 0; dd < inner.rank; dd++) inner_n *= inner.shape[dd];
    s->rank = inner.rank;
    s->reduce = false;
    s->out_dtype = dst->dtype;
    s->out_layout = offsets ? NDA_LAYOUT_GATHER : layout_of(&inner, 0);
    s->idx64 = offsets ? gather_needs_idx64(dst) : needs_idx64(sp, 0, inner_n);
    for (int k = 0; k < s->nleaves; k++) {
        if (s->leaf_layout[k] == NDA_LAYOUT_GATHER) {
            s->idx64 = s->idx64 || gather_needs_idx64(L->leaves[k]);
            continue;
        }
        s->leaf_layout[k] = layout_of(&inner, k + 1);
        s->idx64 = s->idx64 || needs_idx64(sp, k + 1, inner_n);
    }
    rc = check_fp64(d, s);
    if (rc != NDA_OK) goto out;
    /* Host loops read leaves in place (no wraps; a wrap along an outer axis
     * leaves its leaf's inner layout unwrapped). */
    if (!offsets && !any_rolled(L) && nda_host_eval_accepts(d, s, sp, n)) {
        rc = host_eval(d, L, sp, dst);
        goto out;
    }
    size_t ls = nda_launch_local_size(d);
    size_t items = (size_t)inner_n;
    s->chunk = 0;
    if (!d->info.is_gpu && inner.rank > 1 && s->out_layout != NDA_LAYOUT_GATHER) {
        /* CPU: a work-item walks up to `chunk` elements of one row. */
        s->chunk = nda_row_chunk(d);
        int64_t row = inner.shape[inner.rank - 1];
        items = (size_t)(inner_n / row) * (size_t)((row + s->chunk - 1) / s->chunk);
    }
    s->vec = 0;
    int64_t run = s->chunk > 0 ? inner.shape[inner.rank - 1] : inner_n;
    if (!d->info.is_gpu && d->ops->dialect == NDA_DIALECT_OPENCL && run >= 8 &&
        (s->idx64 || inner_n < ((int64_t)1 << 30)) && nda_fused_vectorizable(s, d->info.has_fp64)) {
        /* CPU OpenCL: vectors of 8 or 16 reach the vector forms of the math
         * builtins (PoCL, 1M float64: exp 3.4 -> 1.0 ms, log 11.4 -> 1.4,
         * sin 16.2 -> 2.9, tanh 7.9 -> 3.5), which scalar kernels never do.
         * Chunked stores keep their work-items and take vectors along each
         * chunk of a row. */
        s->vec = 8;
        /* float32: 16 lanes, which PoCL's builtins take in AVX-512
         * registers (1M float32: log 0.55 -> 0.31 ms, exp 0.27 -> 0.20,
         * sin 1.25 -> 0.84, tanh 0.66 -> 0.46). */
        if (s->out_dtype == NDA_FLOAT32 && run >= 16) s->vec = 16;
        if (s->chunk == 0) items = (size_t)((inner_n + s->vec - 1) / s->vec);
    }
    size_t global = (items + ls - 1) / ls * ls;
    rc = launch(d, L, sp, outer, dst->buffer->handle, 0, global, ls);
out:
    if (own) {
        free(L);
        free(sp);
    } else {
        g_store_scratch_busy = false;
    }
    return rc;
}

/* The entry points bracket their work with nda_expr_hold_begin/end: the
 * linearised DAG keeps raw pointers into e, and an allocation may
 * materialise other pending arrays (the pool's reclaim hook). */
int nda_expr_store(nda_expr *e, nda_array *dst)
{
    if (!g_store_scratch) g_store_scratch = malloc(sizeof *g_store_scratch); /* NULL: store mallocs */
    nda_expr_hold_begin();
    int rc = store(e, dst, NULL, dst->ndim, dst->shape);
    nda_expr_hold_end();
    return rc;
}

int nda_expr_scatter(nda_expr *values, nda_expr *offsets, nda_array *dst)
{
    nda_expr_hold_begin();
    int rc = store(values, dst, offsets, offsets->ndim, offsets->shape);
    nda_expr_hold_end();
    return rc;
}

/* Folds e into `groups` values out[0..); with groups > 1 and `whole`, the
 * host evaluator may take the whole fold into whole instead (*on_host). */
static int reduce_all(nda_expr *e, nda_op op, nda_dtype acc, nda_array *out, int groups,
                      nda_array *whole, bool *on_host)
{
    nda_device *d = out->device;
    int64_t n = 1;
    for (int i = 0; i < e->ndim; i++) n *= e->shape[i];
    lin *L = calloc(1, sizeof *L);
    space *sp = malloc(sizeof *sp);
    int rc = (L && sp) ? NDA_OK : nda_error_set(NDA_ENOMEM, "out of host memory");
    if (rc == NDA_OK) rc = linearise(e, L);
    if (rc == NDA_OK) rc = build_space(L, NULL, e->ndim, e->shape, sp);
    if (rc != NDA_OK) goto out;
    if (sp->rank > NDA_FUSED_MAXRANK || any_rolled(L)) {
        /* Too many axes for one kernel, or rolled leaves (the fold forms
         * read leaves in place): compute the values, then fold them. */
        nda_array *tmp = NULL;
        nda_expr *leaf = NULL;
        rc = nda_array_empty(d, e->dtype, e->ndim, e->shape, &tmp);
        if (rc == NDA_OK) rc = nda_expr_store(e, tmp);
        if (rc == NDA_OK) rc = nda_expr_leaf(tmp, &leaf);
        if (rc == NDA_OK) rc = reduce_all(leaf, op, acc, out, groups, whole, on_host);
        nda_expr_decref(leaf);
        nda_array_free(tmp);
        goto out;
    }
    nda_fused_spec *s = &L->spec;
    s->rank = sp->rank;
    s->reduce = true;
    s->reduce_op = op;
    s->acc = acc;
    s->out_dtype = out->dtype;
    s->local_size = (int)nda_reduce_local_size(d);
    s->chunk = d->info.is_gpu ? 0 : 4;
    s->vec = 0;
    s->idx64 = false;
    for (int k = 0; k < s->nleaves; k++) {
        if (s->leaf_layout[k] == NDA_LAYOUT_GATHER) {
            s->idx64 = s->idx64 || gather_needs_idx64(L->leaves[k]);
            continue;
        }
        s->leaf_layout[k] = layout_of(sp, k + 1);
        s->idx64 = s->idx64 || needs_idx64(sp, k + 1, n);
    }
    rc = check_fp64(d, s);
    if (rc != NDA_OK) goto out;
    /* CPU OpenCL: runs of 8-element vectors (PoCL, 10M float64: max 8.5 -> 4.3 ms,
     * sum 5.0 -> 3.4 ms; NumPy 5.3 and 5.0). */
    if (!d->info.is_gpu && d->ops->dialect == NDA_DIALECT_OPENCL && nda_fused_vectorizable(s, d->info.has_fp64))
        s->vec = 8;
    if (out->offset != 0) {
        rc = nda_error_set(NDA_EVALUE, "reduction output must start at offset 0");
        goto out;
    }
    /* The host loops fold everything at once (their own threads), so the
     * partials' kernel and its second pass go. */
    nda_array *host_dst = groups == 1 ? out : whole;
    if (host_dst && host_dst->dtype == out->dtype && host_dst->offset == 0 &&
        nda_host_eval_accepts(d, s, sp, n)) {
        rc = host_eval(d, L, sp, host_dst);
        if (rc == NDA_OK && host_dst == whole) *on_host = true;
        goto out;
    }
    int64_t total = (int64_t)groups * s->local_size;
    rc = launch(d, L, sp, 0, out->buffer->handle, total, (size_t)total, (size_t)s->local_size);
out:
    free(L);
    free(sp);
    return rc;
}

/* Coalesces axes [lo, hi) of the space among themselves only. */
static void coalesce_range(space *s, int nops, int lo, int hi, int *new_hi)
{
    int w = lo;
    for (int d = lo; d < hi; d++) {
        if (s->shape[d] == 1 && hi - lo > 1) continue;
        if (w > lo) {
            bool merge = true;
            for (int k = 0; k < nops && merge; k++) merge = s->st[k][w - 1] == s->st[k][d] * s->shape[d];
            if (merge) {
                s->shape[w - 1] *= s->shape[d];
                for (int k = 0; k < nops; k++) s->st[k][w - 1] = s->st[k][d];
                continue;
            }
        }
        s->shape[w] = s->shape[d];
        for (int k = 0; k < nops; k++) s->st[k][w] = s->st[k][d];
        w++;
    }
    if (w == lo) { /* every axis was 1: keep one */
        s->shape[w] = 1;
        for (int k = 0; k < nops; k++) s->st[k][w] = 0;
        w++;
    }
    /* close the gap after the group */
    int gap = hi - w;
    if (gap > 0) {
        for (int d = hi; d < s->rank; d++) {
            s->shape[d - gap] = s->shape[d];
            for (int k = 0; k < nops; k++) s->st[k][d - gap] = s->st[k][d];
        }
        s->rank -= gap;
    }
    *new_hi = w;
}

static int reduce_axes(nda_expr *e, nda_op op, nda_dtype acc, const bool *reduced, nda_array *out,
                       int64_t splits)
{
    nda_device *d = out->device;
    int nd = e->ndim;
    lin *L = calloc(1, sizeof *L);
    space *sp = malloc(sizeof *sp);
    int rc = (L && sp) ? NDA_OK : nda_error_set(NDA_ENOMEM, "out of host memory");
    if (rc == NDA_OK) rc = linearise(e, L);
    if (rc != NDA_OK) goto out;
    nda_fused_spec *s = &L->spec;
    /* Permute: kept axes first, then reduced axes. */
    int perm[NDA_MAXDIMS], nkeep = 0, n = 0;
    for (int i = 0; i < nd; i++) if (!reduced[i]) perm[n++] = i;
    nkeep = n;
    for (int i = 0; i < nd; i++) if (reduced[i]) perm[n++] = i;
    sp->rank = nd;
    for (int i = 0; i < nd; i++) sp->shape[i] = e->shape[perm[i]];
    int64_t tmp[NDA_MAXDIMS];
    /* out: strides over kept axes, 0 over reduced ones. */
    if (splits > 1) {
        for (int i = 0; i < nd; i++) sp->st[0][i] = 0;
        sp->base[0] = 0;
    } else {
        int64_t isz = (int64_t)nda_dtype_itemsize(out->dtype);
        for (int i = 0; i < nkeep; i++) sp->st[0][i] = out->strides[i] / isz;
        for (int i = nkeep; i < nd; i++) sp->st[0][i] = 0;
        sp->base[0] = (int64_t)out->offset / isz;
    }
    for (int k = 0; k < s->nleaves && rc == NDA_OK; k++) {
        if (s->leaf_layout[k] == NDA_LAYOUT_GATHER) {
            const nda_array *g = L->leaves[k];
            for (int i = 0; i < nd; i++) sp->st[k + 1][i] = 0;
            sp->base[k + 1] = (int64_t)(g->offset / nda_dtype_itemsize(g->dtype));
            continue;
        }
        rc = operand_strides(L->leaves[k], nd, e->shape, tmp, &sp->base[k + 1]);
        for (int i = 0; i < nd; i++) sp->st[k + 1][i] = tmp[perm[i]];
    }
    if (rc != NDA_OK) goto out;
    int keep_hi = nkeep;
    if (nkeep > 0) coalesce_range(sp, s->nleaves + 1, 0, nkeep, &keep_hi);
    int red_hi;
    coalesce_range(sp, s->nleaves + 1, keep_hi, sp->rank, &red_hi);
    if (sp->rank > NDA_FUSED_MAXRANK || any_rolled(L)) {
        /* Too many axes, or rolled leaves (the fold forms read leaves in
         * place): reduce a contiguous copy ordered kept-then-reduced (two
         * axes after coalescing). */
        int64_t pshape[NDA_MAXDIMS];
        nda_array *src = NULL, *view = NULL, *copy = NULL;
        nda_expr *leaf = NULL;
        for (int i = 0; i < nd; i++) pshape[i] = e->shape[perm[i]];
        rc = nda_array_empty(d, e->dtype, nd, e->shape, &src);
        if (rc == NDA_OK) rc = nda_expr_store(e, src);
        int64_t pst[NDA_MAXDIMS];
        for (int i = 0; i < nd && rc == NDA_OK; i++) pst[i] = src->strides[perm[i]];
        if (rc == NDA_OK) rc = nda_array_view(src, src->offset, nd, pshape, pst, &view);
        if (rc == NDA_OK) rc = nda_array_astype(view, e->dtype, &copy);
        if (rc == NDA_OK) rc = nda_lazy_materialize(copy);
        if (rc == NDA_OK) rc = nda_expr_leaf(copy, &leaf);
        bool red2[NDA_MAXDIMS];
        for (int i = 0; i < nd; i++) red2[i] = i >= nkeep;
        if (rc == NDA_OK) rc = nda_expr_reduce_axes(leaf, op, acc, red2, out, splits);
        nda_expr_decref(leaf);
        nda_array_free(copy);
        nda_array_free(view);
        nda_array_free(src);
        goto out;
    }
    int64_t M = 1, K = 1;
    for (int i = 0; i < keep_hi; i++) M *= sp->shape[i];
    for (int i = keep_hi; i < sp->rank; i++) K *= sp->shape[i];
    int64_t Kc = (K + splits - 1) / splits;
    s->axes = true;
    s->reduce = false;
    s->rank = sp->rank;
    s->rank_keep = nkeep > 0 ? keep_hi : 0;
    if (nkeep == 0) {
        /* no kept axis: drop the placeholder group coalesce_range kept */
        s->rank_keep = 0;
    }
    s->reduce_op = op;
    s->acc = acc;
    s->out_dtype = out->dtype;
    bool out_contig = splits > 1;
    if (!out_contig && nkeep > 0) {
        int64_t expect = 1;
        out_contig = true;
        for (int i = keep_hi - 1; i >= 0; i--) {
            if (sp->shape[i] != 1 && sp->st[0][i] != expect) out_contig = false;
            expect *= sp->shape[i];
        }
    }
    if (nkeep == 0) out_contig = true;
    s->out_layout = out_contig ? NDA_LAYOUT_CONTIG : NDA_LAYOUT_STRIDED;
    s->idx64 = M * splits >= INT32_MAX / 2 || needs_idx64(sp, 0, M);
    for (int k = 0; k < s->nleaves; k++) {
        if (s->leaf_layout[k] == NDA_LAYOUT_GATHER) {
            s->idx64 = s->idx64 || gather_needs_idx64(L->leaves[k]);
            continue;
        }
        bool zero = true;
        for (int i = 0; i < sp->rank; i++) zero = zero && sp->st[k + 1][i] == 0;
        s->leaf_layout[k] = zero ? NDA_LAYOUT_ZERO : NDA_LAYOUT_STRIDED;
        s->idx64 = s->idx64 || needs_idx64(sp, k + 1, M * K);
    }
    /* Short reduced axes: K compiled in and unrolled (one kernel per K). */
    s->unroll_k = splits == 1 && K <= 8 ? (int)K : 0;
    s->chunk = s->unroll_k > 0 && !d->info.is_gpu ? nda_row_chunk(d) : 0;
    rc = check_fp64(d, s);
    if (rc != NDA_OK) goto out;
    /* CPU OpenCL, one kept axis of unit stride in every strided leaf (a
     * column reduction of a C-ordered array): 8 neighbouring outputs per
     * work-item as vectors. */
    s->vec = 0;
    s->vec_rows = false;
    if (!d->info.is_gpu && d->ops->dialect == NDA_DIALECT_OPENCL) {
        /* Or, one reduced axis of unit stride (row folds): each work-item's
         * run of the row as vectors. */
        int last = sp->rank - 1;
        bool kept_unit = s->rank_keep == 1 && M >= 8,
             rows_unit = last == s->rank_keep && (Kc >= 16 || s->unroll_k == 8);
        s->row_const = 0;
        for (int k = 0; k < s->nleaves; k++) {
            bool zero = s->leaf_layout[k] == NDA_LAYOUT_ZERO, strided = s->leaf_layout[k] == NDA_LAYOUT_STRIDED;
            kept_unit = kept_unit && (zero || (strided && sp->st[k + 1][0] == 1));
            /* rows: unit stride, or one value per row (stride 0) */
            rows_unit = rows_unit && (zero || (strided && (sp->st[k + 1][last] == 1 || sp->st[k + 1][last] == 0)));
            if (strided && sp->st[k + 1][last] == 0) s->row_const |= 1u << k;
        }
        s->vec_rows = !kept_unit && rows_unit;
        if ((kept_unit || rows_unit) && nda_fused_vectorizable(s, d->info.has_fp64)) {
            s->vec = 8;
        } else {
            s->vec_rows = false;
        }
        if (!s->vec_rows) s->row_const = 0;
    }
    nda_strbuf key;
    nda_strbuf_init(&key);
    rc = nda_fused_key(s, &key);
    void *kernel = NULL;
    if (rc == NDA_OK) rc = nda_kernel_get(d, key.data, fused_source, s, NDA_FUSED_KERNEL_NAME, &kernel);
    nda_strbuf_free(&key);
    if (rc != NDA_OK) goto out;
    argpack *p = malloc(sizeof *p);
    if (!p) {
        rc = nda_error_set(NDA_ENOMEM, "out of host memory");
        goto out;
    }
    p->n = 0;
    p->idx64 = s->idx64;
    arg_buffer(p, out->buffer->handle);
    arg_index(p, sp->base[0]);
    for (int k = 0; k < s->nleaves; k++) {
        arg_buffer(p, L->leaves[k]->buffer->handle);
        arg_index(p, sp->base[k + 1]);
    }
    for (int k = 0; k < s->nscalars; k++) arg_bytes(p, L->scalars[k]->value, L->scalars[k]->value_size);
    arg_index(p, M);
    arg_index(p, K);
    arg_index(p, splits);
    arg_index(p, Kc);
    for (int i = 0; i < sp->rank; i++) arg_index(p, sp->shape[i]);
    if (s->out_layout == NDA_LAYOUT_STRIDED)
        for (int i = 0; i < s->rank_keep; i++) arg_index(p, sp->st[0][i]);
    for (int k = 0; k < s->nleaves; k++)
        if (s->leaf_layout[k] == NDA_LAYOUT_STRIDED)
            for (int i = 0; i < sp->rank; i++) arg_index(p, sp->st[k + 1][i]);
    size_t ls = nda_launch_local_size(d);
    size_t items = (size_t)(M * splits);
    if (s->chunk > 0) items = (items + (size_t)s->chunk - 1) / (size_t)s->chunk;
    if (s->vec > 0 && !s->vec_rows) {
        /* Tiles of nda_axes_tile_outputs(vec) outputs; small work-groups, so
         * that a few tiles still reach every core (PoCL runs a work-group
         * on one thread). */
        int64_t T = nda_axes_tile_outputs(s->vec);
        items = (size_t)(((M + T - 1) / T) * splits);
        ls = 8;
    }
    size_t global = (items + ls - 1) / ls * ls;
    rc = d->ops->launch(d->local_index, kernel, global, ls, p->n, p->a);
    nda_device_enqueued(d, M * K);
    free(p);
out:
    free(L);
    free(sp);
    return rc;
}

int nda_expr_reduce(nda_expr *e, nda_op op, nda_dtype acc, nda_array *out, int groups)
{
    nda_expr_hold_begin();
    int rc = reduce_all(e, op, acc, out, groups, NULL, NULL);
    nda_expr_hold_end();
    return rc;
}

int nda_expr_reduce_parts(nda_expr *e, nda_op op, nda_dtype acc, nda_array *part, int groups,
                          nda_array *whole, bool *on_host)
{
    *on_host = false;
    nda_expr_hold_begin();
    int rc = reduce_all(e, op, acc, part, groups, whole, on_host);
    nda_expr_hold_end();
    return rc;
}

int nda_expr_reduce_axes(nda_expr *e, nda_op op, nda_dtype acc, const bool *reduced, nda_array *out,
                         int64_t splits)
{
    nda_expr_hold_begin();
    int rc = reduce_axes(e, op, acc, reduced, out, splits);
    nda_expr_hold_end();
    return rc;
}

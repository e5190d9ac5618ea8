/* Lazy expressions: node lifetime, the pending registry, materialisation. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/device_internal.h"
#include "core/expr.h"
#include "core/pool.h"
#include "nda/error.h"

/* The registry is touched from any thread holding an array; one lock. */
static pthread_mutex_t g_pending_lock = PTHREAD_MUTEX_INITIALIZER;
static nda_array *g_pending;      /* newest; a doubly linked list */
static nda_array *g_pending_tail; /* oldest */
static long g_npending;

/* Every write scans the registry, so it is kept short: past this many
 * pending arrays the oldest is materialised. */
#define NDA_PENDING_MAX 1024

void nda_expr_incref(nda_expr *e)
{
    atomic_fetch_add_explicit((_Atomic long *)&e->refcount, 1, memory_order_relaxed);
}

void nda_expr_decref(nda_expr *e)
{
    while (e && atomic_fetch_sub_explicit((_Atomic long *)&e->refcount, 1, memory_order_acq_rel) == 1) {
        nda_expr *next = NULL;
        if (e->kind == NDA_EX_LEAF || (e->kind == NDA_EX_NODE && e->leaf)) nda_array_free(e->leaf);
        free(e->start);
        if (e->kind == NDA_EX_NODE) {
            for (int k = 1; k < e->nin; k++) nda_expr_decref(e->arg[k]);
            next = e->arg[0]; /* iterate on the first child: long chains don't recurse */
        }
        free(e);
        e = next;
    }
}

/* Open nda_expr_hold_begin brackets (library lock held: no atomics). */
static int g_holds;

void nda_expr_hold_begin(void) { g_holds++; }
void nda_expr_hold_end(void) { g_holds--; }

/* Rough work per element of op, in units of an addition: what computing a
 * shared node again costs against storing it once (shared_worth_storing).
 * Libm-style functions ~16 (PoCL's vector forms run ~10-30 additions'
 * time), divisions and square roots ~4, complex values 4x. */
static int op_cost(nda_op op, nda_dtype t)
{
    int c;
    switch (op) {
    case NDA_OP_TRUE_DIVIDE: case NDA_OP_FLOOR_DIVIDE: case NDA_OP_REMAINDER: case NDA_OP_FMOD:
    case NDA_OP_SQRT: case NDA_OP_RECIPROCAL: case NDA_OP_GATHER:
        c = 4;
        break;
    case NDA_OP_POWER: case NDA_OP_FLOAT_POWER: case NDA_OP_EXP: case NDA_OP_LOG: case NDA_OP_EXP2:
    case NDA_OP_EXPM1: case NDA_OP_LOG2: case NDA_OP_LOG10: case NDA_OP_LOG1P: case NDA_OP_LOGADDEXP:
    case NDA_OP_LOGADDEXP2: case NDA_OP_SIN: case NDA_OP_COS: case NDA_OP_TAN: case NDA_OP_ARCSIN:
    case NDA_OP_ARCCOS: case NDA_OP_ARCTAN: case NDA_OP_SINH: case NDA_OP_COSH: case NDA_OP_TANH:
    case NDA_OP_ARCSINH: case NDA_OP_ARCCOSH: case NDA_OP_ARCTANH: case NDA_OP_ARCTAN2:
    case NDA_OP_HYPOT: case NDA_OP_CBRT:
        c = 16;
        break;
    default:
        c = 1;
    }
    return nda_dtype_kind(t) == NDA_KIND_COMPLEX ? 4 * c : c;
}

/* Sums of subtree costs are upper bounds; keep them from overflowing. */
static int cost_add(int a, int b) { return a > (1 << 24) - b ? 1 << 24 : a + b; }

static nda_expr *expr_new(int kind, nda_dtype t)
{
    nda_expr *e = calloc(1, sizeof *e);
    if (!e) {
        nda_error_set(NDA_ENOMEM, "out of host memory");
        return NULL;
    }
    e->refcount = 1;
    e->kind = kind;
    e->dtype = t;
    return e;
}

int nda_expr_leaf(const nda_array *a, nda_expr **out)
{
    nda_expr *e = expr_new(NDA_EX_LEAF, a->dtype);
    if (!e) return NDA_ENOMEM;
    int rc = nda_array_view(a, a->offset, a->ndim, a->shape, a->strides, &e->leaf);
    if (rc != NDA_OK) {
        free(e);
        return rc;
    }
    e->ndim = a->ndim;
    memcpy(e->shape, a->shape, sizeof(int64_t) * (size_t)a->ndim);
    e->leaves = 1;
    *out = e;
    return NDA_OK;
}

int nda_expr_rolled_leaf(const nda_array *a, const int64_t *start, nda_expr **out)
{
    int64_t *st = malloc(sizeof(int64_t) * (size_t)(a->ndim > 0 ? a->ndim : 1));
    if (!st) return nda_error_set(NDA_ENOMEM, "out of host memory");
    memcpy(st, start, sizeof(int64_t) * (size_t)a->ndim);
    int rc = nda_expr_leaf(a, out);
    if (rc != NDA_OK) {
        free(st);
        return rc;
    }
    (*out)->start = st;
    return NDA_OK;
}

int nda_expr_scalar(nda_dtype t, const void *value, size_t size, nda_expr **out)
{
    nda_expr *e = expr_new(NDA_EX_SCALAR, t);
    if (!e) return NDA_ENOMEM;
    memcpy(e->value, value, size < sizeof e->value ? size : sizeof e->value);
    e->value_size = size;
    e->scalars = 1;
    *out = e;
    return NDA_OK;
}

int nda_expr_node(nda_op op, int nin, const nda_dtype *loop_in, nda_dtype loop_out,
                  nda_expr *const *args, int ndim, const int64_t *shape, nda_expr **out)
{
    nda_expr *e = expr_new(NDA_EX_NODE, loop_out);
    if (!e) return NDA_ENOMEM;
    e->op = op;
    e->nin = nin;
    e->nodes = 1;
    e->cost = op_cost(op, loop_out);
    for (int k = 0; k < nin; k++) {
        e->loop_in[k] = loop_in[k];
        e->arg[k] = args[k];
        nda_expr_incref(args[k]);
        e->nodes += args[k]->nodes;
        e->leaves += args[k]->leaves;
        e->scalars += args[k]->scalars;
        e->cost = cost_add(e->cost, args[k]->cost);
    }
    e->ndim = ndim;
    memcpy(e->shape, shape, sizeof(int64_t) * (size_t)ndim);
    *out = e;
    return NDA_OK;
}

int nda_expr_of_array(const nda_array *a, nda_expr **out)
{
    if (a->lazy) {
        nda_expr_incref(a->lazy);
        *out = a->lazy;
        return NDA_OK;
    }
    return nda_expr_leaf(a, out);
}

/* Below this many elements one more launch (~20-100 us on PoCL) costs
 * more than computing a shared node again saves. */
#define NDA_SHARED_MIN_ELEMENTS 32768

/* Whether pending array a, whose expression another live expression holds
 * too (a pending array that will compute it), is better stored once than
 * computed by each holder. Storing costs a write per element, a read per
 * holder and a launch; computing again costs the subtree's work (its
 * leaves are often read by the holder anyway). So: a subtree worth 8
 * additions or more (one libm function, two divisions). */
static bool shared_worth_storing(const nda_array *a)
{
    const nda_expr *e = a->lazy;
    if (e->kind != NDA_EX_NODE || e->leaves < 1 ||
        atomic_load_explicit((_Atomic long *)&e->refcount, memory_order_relaxed) < 2)
        return false;
    if (nda_array_size(a) < NDA_SHARED_MIN_ELEMENTS) return false;
    return e->cost >= 8;
}

int nda_expr_operand(const nda_array *a, nda_expr **out)
{
    const nda_expr *e = a->lazy;
    if (e && (e->nodes > NDA_FUSED_MAX_NODES / 2 - 1 || e->leaves > NDA_FUSED_MAX_LEAVES / 2 ||
              e->scalars > NDA_FUSED_MAX_SCALARS / 2 || shared_worth_storing(a))) {
        int rc = nda_lazy_materialize(a);
        if (rc != NDA_OK) return rc;
    }
    return nda_expr_of_array(a, out);
}

int nda_expr_gather(const nda_array *src, nda_expr *offsets, nda_expr **out)
{
    int rc = nda_lazy_materialize(src);
    if (rc != NDA_OK) return rc;
    nda_expr *e = expr_new(NDA_EX_NODE, src->dtype);
    if (!e) return NDA_ENOMEM;
    rc = nda_array_view(src, src->offset, src->ndim, src->shape, src->strides, &e->leaf);
    if (rc != NDA_OK) {
        free(e);
        return rc;
    }
    e->op = NDA_OP_GATHER;
    e->nin = 1;
    e->loop_in[0] = NDA_INT64;
    e->arg[0] = offsets;
    nda_expr_incref(offsets);
    e->ndim = offsets->ndim;
    memcpy(e->shape, offsets->shape, sizeof(int64_t) * (size_t)offsets->ndim);
    e->nodes = offsets->nodes + 1;
    e->leaves = offsets->leaves + 1;
    e->scalars = offsets->scalars;
    e->cost = cost_add(offsets->cost, op_cost(NDA_OP_GATHER, src->dtype));
    *out = e;
    return NDA_OK;
}

/* Visits leaves; stops early when fn returns true. `shifted`: element i of
 * the value is not the view's element i (a roll, a gather's source). */
static bool any_leaf(const nda_expr *e, bool (*fn)(const nda_array *, bool shifted, const void *),
                     const void *ctx)
{
    while (e) {
        if (e->kind == NDA_EX_LEAF) return fn(e->leaf, e->start != NULL, ctx);
        if (e->kind != NDA_EX_NODE) return false;
        if (e->leaf && fn(e->leaf, true, ctx)) return true; /* a gather's source */
        for (int k = 1; k < e->nin; k++)
            if (any_leaf(e->arg[k], fn, ctx)) return true;
        e = e->arg[0];
    }
    return false;
}

/* A store into dst may read the identical view element by element (each
 * element is read before it is written), never shifted. */
static bool leaf_conflicts(const nda_array *leaf, bool shifted, const void *ctx)
{
    const nda_array *dst = ctx;
    return nda_array_may_overlap(leaf, dst) && (shifted || !nda_array_same_view(leaf, dst));
}

static bool leaf_reads(const nda_array *leaf, bool shifted, const void *ctx)
{
    (void)shifted;
    return leaf->buffer == (const nda_buffer *)ctx;
}

bool nda_expr_conflicts(const nda_expr *e, const nda_array *dst)
{
    return any_leaf(e, leaf_conflicts, dst);
}

bool nda_expr_reads(const nda_expr *e, const nda_buffer *b) { return any_leaf(e, leaf_reads, b); }

/* ---- registry ---- */

/* Adds a; returns the oldest pending array when the registry is over its
 * bound (the caller materialises it outside the lock), else NULL. */
static void pending_insert_locked(nda_array *a)
{
    a->pend_prev = NULL;
    a->pend_next = g_pending;
    if (g_pending) g_pending->pend_prev = a;
    else g_pending_tail = a;
    g_pending = a;
    g_npending++;
}

static nda_array *pending_add(nda_array *a)
{
    pthread_mutex_lock(&g_pending_lock);
    pending_insert_locked(a);
    nda_array *oldest = g_npending > NDA_PENDING_MAX ? g_pending_tail : NULL;
    pthread_mutex_unlock(&g_pending_lock);
    return oldest;
}

static void pending_remove_locked(nda_array *a)
{
    bool listed = a->pend_prev || a->pend_next || g_pending == a;
    if (!listed) return;
    if (a->pend_prev) a->pend_prev->pend_next = a->pend_next;
    else g_pending = a->pend_next;
    if (a->pend_next) a->pend_next->pend_prev = a->pend_prev;
    else g_pending_tail = a->pend_prev;
    a->pend_prev = a->pend_next = NULL;
    g_npending--;
}

void nda_lazy_forget(nda_array *a)
{
    if (!a->lazy) return;
    pthread_mutex_lock(&g_pending_lock);
    pending_remove_locked(a);
    pthread_mutex_unlock(&g_pending_lock);
    nda_expr_decref(a->lazy);
    a->lazy = NULL;
}

static int flush_for_memory(nda_device *d);
static pthread_once_t g_reclaim_once = PTHREAD_ONCE_INIT;

static void install_reclaim_hook(void) { nda_pool_reclaim_set(flush_for_memory); }

int nda_lazy_array(nda_device *d, nda_expr *e, nda_array **out)
{
    int64_t n;
    int rc = nda_shape_size(e->ndim, e->shape, nda_dtype_itemsize(e->dtype), &n);
    /* No allocation check here: a pending result too big to allocate may
     * still be consumed without ever existing (a fused reduction, e.g. the
     * (n, k, m) product of an integer matmul); it fails when it is computed. */
    if (rc != NDA_OK) return rc;
    nda_array *a = calloc(1, sizeof *a);
    if (!a) return nda_error_set(NDA_ENOMEM, "out of host memory");
    a->device = d;
    a->dtype = e->dtype;
    a->ndim = e->ndim;
    int64_t st = (int64_t)nda_dtype_itemsize(e->dtype);
    for (int i = e->ndim - 1; i >= 0; i--) {
        a->shape[i] = e->shape[i];
        a->strides[i] = st;
        st *= e->shape[i] ? e->shape[i] : 1;
    }
    /* Pending arrays exist from here on: out of memory, the pool computes
     * them (their inputs may be what is holding the memory). */
    pthread_once(&g_reclaim_once, install_reclaim_hook);
    nda_expr_incref(e);
    a->lazy = e;
    nda_array *oldest = pending_add(a);
    *out = a;
    /* Failing to compute the oldest early is not this call's error: it
     * stays pending and reports its error when its values are needed. */
    if (oldest && oldest != a && nda_lazy_materialize(oldest) != NDA_OK) nda_error_clear();
    return NDA_OK;
}

/* Node e, just computed into a, is held by other expressions too: make it
 * a leaf viewing a's values, so that they read them instead of computing
 * them again. Its ancestors' bounds (nodes, leaves, scalars, cost) stay
 * upper bounds: a subtree with at least one leaf becomes one leaf. Not
 * while an expression is held by raw pointers (nda_expr_hold_begin): the
 * subtree's nodes and leaf views are freed here. Best effort: on failure
 * the node stays a node (same values, computed again). */
static void expr_become_leaf(nda_expr *e, const nda_array *a)
{
    if (g_holds > 0 || e->kind != NDA_EX_NODE || e->leaves < 1) return;
    nda_array *view;
    if (nda_array_view(a, a->offset, a->ndim, a->shape, a->strides, &view) != NDA_OK) {
        nda_error_clear();
        return;
    }
    nda_array *gather_src = e->leaf;
    nda_expr *args[3] = {e->arg[0], e->arg[1], e->arg[2]};
    int nin = e->nin;
    e->kind = NDA_EX_LEAF;
    e->leaf = view;
    e->nin = 0;
    memset(e->arg, 0, sizeof e->arg);
    e->nodes = 0;
    e->leaves = 1;
    e->scalars = 0;
    e->cost = 0;
    nda_array_free(gather_src);
    for (int k = 0; k < nin; k++) nda_expr_decref(args[k]);
}

int nda_lazy_materialize(const nda_array *ca)
{
    nda_array *a = (nda_array *)ca; /* logically const: the value is unchanged */
    if (!a->lazy) return NDA_OK;
    int frc = nda_fork_check(); /* before the registry lock (fork.c) */
    if (frc != NDA_OK) return frc;
    /* Off the registry while it is being computed: a flush started by an
     * allocation below (out-of-memory recovery: the pool's reclaim hook,
     * flush_for_memory) must not compute it a second time. Back on it when
     * computing fails. */
    pthread_mutex_lock(&g_pending_lock);
    pending_remove_locked(a);
    pthread_mutex_unlock(&g_pending_lock);
    nda_array *tmp;
    int rc = nda_array_empty(a->device, a->dtype, a->ndim, a->shape, &tmp);
    if (rc == NDA_OK) {
        rc = nda_expr_store(a->lazy, tmp);
        if (rc != NDA_OK) nda_array_free(tmp);
    }
    if (rc != NDA_OK) {
        pthread_mutex_lock(&g_pending_lock);
        pending_insert_locked(a);
        pthread_mutex_unlock(&g_pending_lock);
        return rc;
    }
    nda_expr *e = a->lazy;
    nda_expr_incref(e);
    nda_lazy_forget(a);
    a->buffer = tmp->buffer; /* take tmp's buffer reference */
    a->offset = tmp->offset;
    memcpy(a->strides, tmp->strides, sizeof(int64_t) * (size_t)a->ndim);
    tmp->buffer = NULL;
    free(tmp);
    /* Held by others besides this function's reference? */
    if (atomic_load_explicit((_Atomic long *)&e->refcount, memory_order_relaxed) > 1)
        expr_become_leaf(e, a);
    nda_expr_decref(e);
    return NDA_OK;
}

int nda_array_materialize(const nda_array *a) { return nda_lazy_materialize(a); }

/* Materialises pending arrays matching pred, one at a time (the list
 * changes while materialising, so restart the scan after each). */
static int flush_matching(bool (*pred)(const nda_array *, const void *), const void *ctx)
{
    for (;;) {
        nda_array *hit = NULL;
        pthread_mutex_lock(&g_pending_lock);
        for (nda_array *a = g_pending; a; a = a->pend_next)
            if (pred(a, ctx)) { hit = a; break; }
        pthread_mutex_unlock(&g_pending_lock);
        if (!hit) return NDA_OK;
        int rc = nda_lazy_materialize(hit);
        if (rc != NDA_OK) return rc;
    }
}

/* The pool's reclaim hook (core/pool.h): computes the pending arrays on d,
 * so that buffers only their expressions keep alive can be freed. Best
 * effort: an array that fails to compute stays pending and reports its
 * error when its values are needed. Returns how many arrays were computed. */
static int flush_for_memory(nda_device *d)
{
    enum { MAX_FAILED = 16 };
    const nda_array *failed[MAX_FAILED];
    int nfailed = 0, done = 0;
    for (;;) {
        nda_array *hit = NULL;
        pthread_mutex_lock(&g_pending_lock);
        for (nda_array *a = g_pending; a && !hit; a = a->pend_next) {
            if (a->device != d) continue;
            bool seen = false;
            for (int i = 0; i < nfailed; i++) seen = seen || failed[i] == a;
            if (!seen) hit = a;
        }
        pthread_mutex_unlock(&g_pending_lock);
        if (!hit) break;
        if (nda_lazy_materialize(hit) == NDA_OK) {
            done++;
            continue;
        }
        nda_error_clear(); /* it stays pending; its error comes when needed */
        if (nfailed == MAX_FAILED) break;
        failed[nfailed++] = hit;
    }
    return done;
}

static bool pred_reads(const nda_array *a, const void *b) { return nda_expr_reads(a->lazy, b); }

/* Whether e reads an element that may overlap dst: a leaf by
 * nda_array_may_overlap (extents, then the strides' lattice), a gather's
 * source anywhere in its buffer. */
static bool reads_overlapping(const nda_expr *e, const nda_array *dst)
{
    while (e) {
        if (e->kind == NDA_EX_LEAF) return nda_array_may_overlap(e->leaf, dst);
        if (e->kind != NDA_EX_NODE) return false;
        if (e->leaf && e->leaf->buffer == dst->buffer) return true; /* a gather's source */
        for (int k = 1; k < e->nin; k++)
            if (reads_overlapping(e->arg[k], dst)) return true;
        e = e->arg[0];
    }
    return false;
}

static bool pred_reads_view(const nda_array *a, const void *dst) { return reads_overlapping(a->lazy, dst); }
static bool pred_device(const nda_array *a, const void *d) { return !d || a->device == d; }

int nda_lazy_flush_readers(const nda_buffer *b) { return flush_matching(pred_reads, b); }
int nda_lazy_flush_overlapping(const nda_array *dst) { return flush_matching(pred_reads_view, dst); }
int nda_lazy_flush_all(nda_device *d) { return flush_matching(pred_device, d); }
int nda_array_flush(nda_device *d) { return nda_lazy_flush_all(d); }
int nda_array_flush_readers(const nda_array *a)
{
    return a->buffer ? nda_lazy_flush_readers(a->buffer) : NDA_OK;
}

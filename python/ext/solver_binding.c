/* _core.solver: the backend's dense solver library (cuSOLVER) on ndaccel
 * arrays, for python/ndaccel/linalg/_cusolver.py.
 *
 *   solver(op, a, m, n, k, batch, flag, lda, a_stride, *,
 *          b=None, ldb=0, b_stride=0, c=None, ldc=0, c_stride=0,
 *          w=None, w_stride=0, ipiv=None, ipiv_stride=0, info)
 *
 * LAPACK (column-major) semantics of nda_solver_desc (nda/backend.h). op is
 * "getrf", "getrs", "potrf", "syevd", "geqrf", "orgqr" or "gesvd"; flag an
 * int (getrs: 0 N, 1 T, 2 H; syevd: 0 values, 1 vectors; gesvd: ord('A'),
 * ord('S'), ord('N'); else 0). Square ops (getrs, potrf, syevd) take
 * m == n; k is getrs's right-hand sides and orgqr's reflectors, else 0.
 * For i in range(batch), operand X of matrix i starts at element 0 of the
 * array x plus i * x_stride elements; ld_x and x_stride count elements;
 * only each array's buffer, offset and dtype are used (not its shape or
 * strides). info is `batch` int32 values, stride 1.
 *
 * Operands per op (others must be None): getrf ipiv; getrs b, ipiv; potrf
 * none; syevd w; geqrf w; orgqr w; gesvd w, and b (U) and c (V^H) unless
 * flag is 'N'. Dtypes: a float32/float64/complex64/complex128; b, c a's;
 * w a's for geqrf/orgqr (tau), the real type of a's precision for syevd/
 * gesvd; ipiv and info int32. All on a's device.
 *
 * Returns None when the call was queued, or a str saying why the device
 * has no solver for it (NDA_ENODEV: no library, e.g. every OpenCL device
 * and CUDA without libcusolver; NDA_ENOTIMPL: not supported there), so the
 * caller can use its own kernels instead. Arguments are checked first on
 * every device: TypeError for a wrong dtype or a missing / unexpected
 * operand, ValueError for sizes, flags, an operand reaching past its
 * buffer and a written operand overlapping another one. Library failures
 * raise as module.c maps them. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#include "array_object.h"
#include "convert.h"
#include "nda/device.h"
#include "nda/error.h"

static const char *const k_ops[] = {NULL,    "getrf", "getrs", "potrf",
                                    "syevd", "geqrf", "orgqr", "gesvd"};

/* One operand: the array (NULL when not given) and the blocks it must hold. */
typedef struct solver_operand {
    const char *name;
    nda_array *x;
    int64_t rows, cols, ld, stride, blocks;
    int written;
    uint64_t lo, hi; /* byte range in x's buffer; lo == hi when empty */
} solver_operand;

static int solver_lib_type(const char *op, nda_dtype t, nda_lib_type *out)
{
    switch (t) {
    case NDA_FLOAT32: *out = NDA_LIB_F32; return 0;
    case NDA_FLOAT64: *out = NDA_LIB_F64; return 0;
    case NDA_COMPLEX64: *out = NDA_LIB_C64; return 0;
    case NDA_COMPLEX128: *out = NDA_LIB_C128; return 0;
    default: break;
    }
    PyErr_Format(PyExc_TypeError, "solver: %s: a has dtype %s; float32, float64, complex64 or "
                 "complex128 needed", op, nda_dtype_name(t));
    return -1;
}

static nda_dtype solver_real_dtype(nda_dtype t)
{
    return (t == NDA_FLOAT64 || t == NDA_COMPLEX128) ? NDA_FLOAT64 : NDA_FLOAT32;
}

/* Resolves a Python operand: NULL for None/absent, else an ndaccel array
 * of dtype `want` on device d. -1 with TypeError/ValueError. */
static int solver_array(const char *op, const char *name, PyObject *o, nda_dtype want,
                        nda_device *d, nda_array **out)
{
    *out = NULL;
    if (o == NULL || o == Py_None) return 0;
    nda_array *x = ndapy_array_get(o);
    if (!x) return -1;
    if (x->dtype != want) {
        PyErr_Format(PyExc_TypeError, "solver: %s: %s has dtype %s, %s needed", op, name,
                     nda_dtype_name(x->dtype), nda_dtype_name(want));
        return -1;
    }
    if (x->device != d) {
        PyErr_Format(PyExc_ValueError, "solver: %s: %s is on another device than a", op, name);
        return -1;
    }
    *out = x;
    return 0;
}

/* Checks the operand's layout and sets its byte range (after the array
 * was materialised): ld >= max(1, rows), stride >= 0, an offset that is a
 * multiple of the itemsize, the last element inside the buffer, and for a
 * written operand batches that do not overlap. */
static int solver_extent(const char *op, solver_operand *s)
{
    nda_array *x = s->x;
    size_t es = nda_dtype_itemsize(x->dtype);
    uint64_t span, last, bytes;

    s->lo = s->hi = x->offset;
    if (s->ld < (s->rows > 1 ? s->rows : 1) || s->stride < 0) {
        PyErr_Format(PyExc_ValueError, "solver: %s: %s has leading dimension %lld < %lld rows or "
                     "a negative batch stride %lld", op, s->name, (long long)s->ld,
                     (long long)s->rows, (long long)s->stride);
        return -1;
    }
    if (x->offset % es != 0) {
        PyErr_Format(PyExc_ValueError, "solver: %s: %s starts at byte %zu, not a multiple of "
                     "its itemsize %zu", op, s->name, x->offset, es);
        return -1;
    }
    if (s->rows == 0 || s->cols == 0 || s->blocks == 0) return 0;
    if (x->buffer == NULL) {
        PyErr_Format(PyExc_ValueError, "solver: %s: %s has no buffer", op, s->name);
        return -1;
    }
    if (__builtin_mul_overflow((uint64_t)(s->cols - 1), (uint64_t)s->ld, &span) ||
        __builtin_add_overflow(span, (uint64_t)s->rows, &span) ||
        __builtin_mul_overflow((uint64_t)(s->blocks - 1), (uint64_t)s->stride, &last) ||
        __builtin_add_overflow(last, span, &last) ||
        __builtin_mul_overflow(last, (uint64_t)es, &bytes) ||
        __builtin_add_overflow(bytes, (uint64_t)x->offset, &s->hi) ||
        s->hi > x->buffer->capacity) {
        PyErr_Format(PyExc_ValueError, "solver: %s: %s (%lld x %lld, ld %lld, %lld batches %lld "
                     "apart) from byte %zu reaches past its %zu-byte buffer", op, s->name,
                     (long long)s->rows, (long long)s->cols, (long long)s->ld,
                     (long long)s->blocks, (long long)s->stride, x->offset,
                     x->buffer->capacity);
        return -1;
    }
    if (s->written && s->blocks > 1 && (uint64_t)s->stride < span) {
        PyErr_Format(PyExc_ValueError, "solver: %s: batches of %s overlap (stride %lld < %llu "
                     "elements)", op, s->name, (long long)s->stride, (unsigned long long)span);
        return -1;
    }
    return 0;
}

static int solver_bad_size(const char *op, const char *what)
{
    PyErr_Format(PyExc_ValueError, "solver: %s: %s", op, what);
    return -1;
}

/* Sizes and flag of the op; the operand list (arrays filled in later). */
static int solver_plan(const char *op, const nda_solver_desc *s, solver_operand *o, int *n)
{
    int64_t m = s->m, nn = s->n, k = s->k, mn = m < nn ? m : nn, B = s->batch;
    int f = s->flag, c = 0;
#define LD1(x) ((x) > 1 ? (x) : 1)
#define OPND(nm, r, cl, l, st, wr) o[c++] = (solver_operand){(nm), NULL, (r), (cl), (l), (st), B, (wr), 0, 0}
    if (m < 0 || nn < 0 || k < 0 || B < 0) {
        PyErr_Format(PyExc_ValueError, "solver: %s: negative size (m=%lld n=%lld k=%lld "
                     "batch=%lld)", op, (long long)m, (long long)nn, (long long)k, (long long)B);
        return -1;
    }
    switch (s->op) {
    case NDA_SOLVER_GETRF:
        if (k != 0 || f != 0) return solver_bad_size(op, "k and flag must be 0");
        OPND("a", m, nn, s->lda, s->a_stride, 1);
        OPND("ipiv", mn, 1, LD1(mn), s->ipiv_stride, 1);
        break;
    case NDA_SOLVER_GETRS:
        if (m != nn) return solver_bad_size(op, "a must be square (m == n)");
        if (f < 0 || f > 2) return solver_bad_size(op, "flag must be 0 (N), 1 (T) or 2 (H)");
        OPND("a", nn, nn, s->lda, s->a_stride, 0);
        OPND("ipiv", nn, 1, LD1(nn), s->ipiv_stride, 0);
        OPND("b", nn, k, s->ldb, s->b_stride, 1);
        break;
    case NDA_SOLVER_POTRF:
    case NDA_SOLVER_SYEVD:
        if (m != nn) return solver_bad_size(op, "a must be square (m == n)");
        if (k != 0) return solver_bad_size(op, "k must be 0");
        if (s->op == NDA_SOLVER_POTRF && f != 0) return solver_bad_size(op, "flag must be 0");
        if (s->op == NDA_SOLVER_SYEVD && f != 0 && f != 1)
            return solver_bad_size(op, "flag must be 0 (values) or 1 (vectors)");
        OPND("a", nn, nn, s->lda, s->a_stride, 1);
        if (s->op == NDA_SOLVER_SYEVD) OPND("w", nn, 1, LD1(nn), s->w_stride, 1);
        break;
    case NDA_SOLVER_GEQRF:
        if (k != 0 || f != 0) return solver_bad_size(op, "k and flag must be 0");
        OPND("a", m, nn, s->lda, s->a_stride, 1);
        OPND("w", mn, 1, LD1(mn), s->w_stride, 1);
        break;
    case NDA_SOLVER_ORGQR:
        if (!(m >= nn && nn >= k)) return solver_bad_size(op, "needs m >= n >= k");
        if (f != 0) return solver_bad_size(op, "flag must be 0");
        OPND("a", m, nn, s->lda, s->a_stride, 1);
        OPND("w", k, 1, LD1(k), s->w_stride, 0);
        break;
    case NDA_SOLVER_GESVD:
        if (m < nn) return solver_bad_size(op, "needs m >= n");
        if (k != 0) return solver_bad_size(op, "k must be 0");
        if (f != 'A' && f != 'S' && f != 'N')
            return solver_bad_size(op, "flag must be ord('A'), ord('S') or ord('N')");
        OPND("a", m, nn, s->lda, s->a_stride, 1);
        OPND("w", nn, 1, LD1(nn), s->w_stride, 1);
        if (f != 'N') {
            OPND("b", m, f == 'A' ? m : nn, s->ldb, s->b_stride, 1);
            OPND("c", nn, nn, s->ldc, s->c_stride, 1);
        }
        break;
    default:
        return solver_bad_size(op, "unknown op");
    }
    OPND("info", B, 1, LD1(B), 0, 1);
    o[c - 1].blocks = 1;
#undef OPND
#undef LD1
    *n = c;
    return 0;
}

PyObject *ndapy_solver(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *kwlist[] = {"op", "a", "m", "n", "k", "batch", "flag", "lda", "a_stride",
                             "b", "ldb", "b_stride", "c", "ldc", "c_stride", "w", "w_stride",
                             "ipiv", "ipiv_stride", "info", NULL};
    const char *op;
    PyObject *ao, *bo = NULL, *co = NULL, *wo = NULL, *po = NULL, *io = NULL;
    long long m, n, k, batch, lda, sa, ldb = 0, sb = 0, ldc = 0, sc = 0, sw = 0, sp = 0;
    int flag;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sOLLLLiLL|$OLLOLLOLOLO", kwlist, &op, &ao,
                                     &m, &n, &k, &batch, &flag, &lda, &sa, &bo, &ldb, &sb, &co,
                                     &ldc, &sc, &wo, &sw, &po, &sp, &io))
        return NULL;
    nda_solver_desc s;
    memset(&s, 0, sizeof s);
    for (int i = NDA_SOLVER_GETRF; i <= NDA_SOLVER_GESVD; i++)
        if (strcmp(op, k_ops[i]) == 0) s.op = (nda_solver_op)i;
    if (s.op == 0) {
        PyErr_Format(PyExc_ValueError, "solver: unknown op '%s' (getrf, getrs, potrf, syevd, "
                     "geqrf, orgqr or gesvd)", op);
        return NULL;
    }
    if (io == NULL || io == Py_None) {
        PyErr_Format(PyExc_TypeError, "solver: %s: the info array (keyword 'info') is required",
                     op);
        return NULL;
    }
    nda_array *a = ndapy_array_get(ao);
    if (!a) return NULL;
    if (solver_lib_type(op, a->dtype, &s.type) < 0) return NULL;
    s.m = m;
    s.n = n;
    s.k = k;
    s.batch = batch;
    s.flag = flag;
    s.lda = lda;
    s.a_stride = sa;
    s.ldb = ldb;
    s.b_stride = sb;
    s.ldc = ldc;
    s.c_stride = sc;
    s.w_stride = sw;
    s.ipiv_stride = sp;

    solver_operand o[6];
    int no = 0;
    if (solver_plan(op, &s, o, &no) < 0) return NULL;
    /* The arrays: each named operand must be given, the others not. */
    nda_device *dev = a->device;
    nda_dtype wt = (s.op == NDA_SOLVER_SYEVD || s.op == NDA_SOLVER_GESVD)
                       ? solver_real_dtype(a->dtype) : a->dtype;
    struct {
        const char *name;
        PyObject *obj;
        nda_dtype dtype;
    } given[] = {{"b", bo, a->dtype},      {"c", co, a->dtype},     {"w", wo, wt},
                 {"ipiv", po, NDA_INT32}, {"info", io, NDA_INT32}};
    for (size_t g = 0; g < sizeof given / sizeof given[0]; g++) {
        int used = -1;
        for (int i = 0; i < no; i++)
            if (strcmp(o[i].name, given[g].name) == 0) used = i;
        nda_array *x;
        if (solver_array(op, given[g].name, given[g].obj, given[g].dtype, dev, &x) < 0)
            return NULL;
        if (used < 0 && x != NULL) {
            PyErr_Format(PyExc_TypeError, "solver: %s%s takes no %s", op,
                         s.op == NDA_SOLVER_GESVD ? " with flag 'N'" : "", given[g].name);
            return NULL;
        }
        if (used >= 0 && x == NULL) {
            PyErr_Format(PyExc_TypeError, "solver: %s needs the %s array", op, given[g].name);
            return NULL;
        }
        if (used >= 0) o[used].x = x;
    }
    o[0].x = a;
    /* Buffers exist and hold their values; then layouts and overlaps. */
    for (int i = 0; i < no; i++) {
        int rc = nda_array_materialize(o[i].x);
        if (rc != NDA_OK) return ndapy_raise(rc);
    }
    for (int i = 0; i < no; i++)
        if (solver_extent(op, &o[i]) < 0) return NULL;
    for (int i = 0; i < no; i++)
        for (int j = i + 1; j < no; j++) {
            if (!o[i].written && !o[j].written) continue;
            if (o[i].x->buffer != o[j].x->buffer || o[i].lo == o[i].hi || o[j].lo == o[j].hi)
                continue;
            if (o[i].lo < o[j].hi && o[j].lo < o[i].hi) {
                PyErr_Format(PyExc_ValueError, "solver: %s: %s overlaps %s", op, o[i].name,
                             o[j].name);
                return NULL;
            }
        }
    /* Pending work that reads what the call overwrites runs first. */
    for (int i = 0; i < no; i++) {
        if (!o[i].written) continue;
        int rc = nda_array_flush_readers(o[i].x);
        if (rc != NDA_OK) return ndapy_raise(rc);
    }
    for (int i = 0; i < no; i++) {
        nda_array *x = o[i].x;
        void *h = x->buffer ? x->buffer->handle : NULL; /* NULL only when empty */
        const char *nm = o[i].name;
        if (strcmp(nm, "a") == 0) { s.a = h; s.a_off = x->offset; }
        else if (strcmp(nm, "b") == 0) { s.b = h; s.b_off = x->offset; }
        else if (strcmp(nm, "c") == 0) { s.c = h; s.c_off = x->offset; }
        else if (strcmp(nm, "w") == 0) { s.w = h; s.w_off = x->offset; }
        else if (strcmp(nm, "ipiv") == 0) { s.ipiv = h; s.ipiv_off = x->offset; }
        else { s.info = h; s.info_off = x->offset; }
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = nda_device_solver(dev, &s);
    Py_END_ALLOW_THREADS
    if (rc == NDA_ENODEV || rc == NDA_ENOTIMPL) {
        const char *msg = nda_error_message();
        return PyUnicode_FromString(msg[0] ? msg : "no dense solver library");
    }
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

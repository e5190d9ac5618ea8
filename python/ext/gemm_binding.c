/* _core.gemm: the backend's library GEMM (cuBLAS, CLBlast) on ndaccel
 * arrays, for python/ndaccel/linalg/_matmul.py.
 *
 *   gemm(a, b, c, trans_a, trans_b, m, n, k, batch,
 *        lda, a_stride, ldb, b_stride, ldc, c_stride, alpha, beta)
 *
 * BLAS (column-major) convention of nda_gemm_desc (nda/backend.h): for
 * b in range(batch), C_b = alpha * op(A_b) op(B_b) + beta * C_b. Matrix X_b
 * starts at element 0 of the array x plus b * x_stride elements; ld_x and
 * x_stride count elements; a, b, c are arrays of one dtype on one device
 * (only their buffer, offset and dtype are used: their shapes and strides
 * are not). alpha and beta are Python numbers.
 *
 * Returns None when the product was queued, or a str saying why the device
 * has no library for it (NDA_ENODEV: no library; NDA_ENOTIMPL: the type
 * is not supported there), so the caller can use the generated kernels
 * instead. Bad arguments raise ValueError/TypeError; library failures
 * raise as module.c maps them. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

#include "array_object.h"
#include "convert.h"
#include "nda/device.h"
#include "nda/error.h"

static int gemm_lib_type(nda_dtype t, nda_lib_type *out)
{
    switch (t) {
    case NDA_FLOAT16: *out = NDA_LIB_F16; return 0;
    case NDA_FLOAT32: *out = NDA_LIB_F32; return 0;
    case NDA_FLOAT64: *out = NDA_LIB_F64; return 0;
    case NDA_COMPLEX64: *out = NDA_LIB_C64; return 0;
    case NDA_COMPLEX128: *out = NDA_LIB_C128; return 0;
    default: break;
    }
    PyErr_Format(PyExc_TypeError, "gemm: no BLAS type for dtype %s", nda_dtype_name(t));
    return -1;
}

/* Byte range [*lo, *hi) of `batch` rows x cols matrices (ld, stride in
 * elements of es bytes) starting at byte off; -1 with ValueError when an
 * argument is negative or the range overflows. rows, cols, batch >= 1. */
static int gemm_extent(const char *what, size_t off, int64_t rows, int64_t cols, int64_t ld,
                       int64_t stride, int64_t batch, size_t es, uint64_t *lo, uint64_t *hi)
{
    if (ld < rows || stride < 0) {
        PyErr_Format(PyExc_ValueError, "gemm: %s has leading dimension %lld < %lld rows or a "
                     "negative batch stride %lld", what, (long long)ld, (long long)rows,
                     (long long)stride);
        return -1;
    }
    double last = (double)(batch - 1) * (double)stride + (double)(cols - 1) * (double)ld +
                  (double)rows;
    if (last * (double)es + (double)off > 9.0e18) {
        PyErr_Format(PyExc_ValueError, "gemm: %s reaches past 2**63 bytes", what);
        return -1;
    }
    *lo = off;
    *hi = off + (uint64_t)((batch - 1) * stride + (cols - 1) * ld + rows) * es;
    return 0;
}

static int gemm_operand(const char *what, nda_array *x, int64_t rows, int64_t cols, int64_t ld,
                        int64_t stride, int64_t batch, uint64_t *lo, uint64_t *hi)
{
    int rc = nda_array_materialize(x);
    if (rc != NDA_OK) {
        ndapy_raise(rc);
        return -1;
    }
    size_t es = nda_dtype_itemsize(x->dtype);
    if (gemm_extent(what, x->offset, rows, cols, ld, stride, batch, es, lo, hi) < 0) return -1;
    if (*hi > x->buffer->capacity) {
        PyErr_Format(PyExc_ValueError, "gemm: %s (%lld x %lld, ld %lld, %lld batches %lld apart) "
                     "reaches byte %llu of a %llu-byte buffer", what, (long long)rows,
                     (long long)cols, (long long)ld, (long long)batch, (long long)stride,
                     (unsigned long long)*hi, (unsigned long long)x->buffer->capacity);
        return -1;
    }
    return 0;
}

static int gemm_scalar(PyObject *o, double v[2])
{
    Py_complex z = PyComplex_AsCComplex(o);
    if (z.real == -1.0 && PyErr_Occurred()) return -1;
    v[0] = z.real;
    v[1] = z.imag;
    return 0;
}

PyObject *ndapy_gemm(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *ao, *bo, *co, *alpha_o, *beta_o;
    int ta, tb;
    long long m, n, k, batch, lda, sa, ldb, sb, ldc, sc;
    if (!PyArg_ParseTuple(args, "OOOppLLLLLLLLLLOO", &ao, &bo, &co, &ta, &tb, &m, &n, &k,
                          &batch, &lda, &sa, &ldb, &sb, &ldc, &sc, &alpha_o, &beta_o))
        return NULL;
    nda_array *a = ndapy_array_get(ao), *b = a ? ndapy_array_get(bo) : NULL;
    nda_array *c = b ? ndapy_array_get(co) : NULL;
    if (!c || ndapy_array_require_writeable(co, "output array is read-only") < 0) return NULL;
    if (a->device != c->device || b->device != c->device) {
        PyErr_SetString(PyExc_ValueError, "gemm: operands are on different devices");
        return NULL;
    }
    if (a->dtype != c->dtype || b->dtype != c->dtype) {
        PyErr_Format(PyExc_TypeError, "gemm: operand dtypes differ (%s, %s -> %s)",
                     nda_dtype_name(a->dtype), nda_dtype_name(b->dtype), nda_dtype_name(c->dtype));
        return NULL;
    }
    if (m < 0 || n < 0 || k < 0 || batch < 0) {
        PyErr_Format(PyExc_ValueError, "gemm: negative size (m=%lld n=%lld k=%lld batch=%lld)", m,
                     n, k, batch);
        return NULL;
    }
    nda_gemm_desc g = {0};
    if (gemm_lib_type(c->dtype, &g.type) < 0) return NULL;
    if (gemm_scalar(alpha_o, g.alpha) < 0 || gemm_scalar(beta_o, g.beta) < 0) return NULL;
    if (m == 0 || n == 0 || batch == 0) Py_RETURN_NONE;
    if (batch > 1 && sc < (n - 1) * ldc + m) {
        PyErr_Format(PyExc_ValueError, "gemm: batches of C overlap (stride %lld < %lld)", sc,
                     (n - 1) * ldc + m);
        return NULL;
    }
    uint64_t alo = 0, ahi = 0, blo = 0, bhi = 0, clo, chi;
    if (gemm_operand("C", c, m, n, ldc, sc, batch, &clo, &chi) < 0) return NULL;
    if (k > 0 && (gemm_operand("A", a, ta ? k : m, ta ? m : k, lda, sa, batch, &alo, &ahi) < 0 ||
                  gemm_operand("B", b, tb ? n : k, tb ? k : n, ldb, sb, batch, &blo, &bhi) < 0))
        return NULL;
    if (k > 0 && ((a->buffer == c->buffer && alo < chi && clo < ahi) ||
                  (b->buffer == c->buffer && blo < chi && clo < bhi))) {
        PyErr_SetString(PyExc_ValueError, "gemm: C overlaps an input");
        return NULL;
    }
    /* Pending work that reads C's bytes runs before the product overwrites
     * them (A and B were materialised above). */
    int rc = nda_array_flush_readers(c);
    if (rc != NDA_OK) return ndapy_raise(rc);
    g.trans_a = ta;
    g.trans_b = tb;
    g.m = m;
    g.n = n;
    g.k = k;
    g.batch = batch;
    g.a = a->buffer ? a->buffer->handle : NULL; /* lazy only when k == 0 (unread) */
    g.a_off = a->offset;
    g.lda = lda;
    g.a_stride = sa;
    g.b = b->buffer ? b->buffer->handle : NULL;
    g.b_off = b->offset;
    g.ldb = ldb;
    g.b_stride = sb;
    g.c = c->buffer->handle;
    g.c_off = c->offset;
    g.ldc = ldc;
    g.c_stride = sc;
    nda_device *dev = c->device;
    Py_BEGIN_ALLOW_THREADS
    rc = nda_device_gemm(dev, &g);
    Py_END_ALLOW_THREADS
    if (rc == NDA_ENODEV || rc == NDA_ENOTIMPL) {
        const char *msg = nda_error_message();
        return PyUnicode_FromString(msg[0] ? msg : "no BLAS library");
    }
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

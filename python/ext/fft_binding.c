/* _core.fft_c2c: the backend's library FFT (cuFFT, VkFFT) on ndaccel
 * arrays, for python/ndaccel/fft/.
 *
 *   fft_c2c(src, dst, n, batch, inverse)
 *
 * `batch` complex-to-complex transforms of n points (nda_fft_desc in
 * nda/backend.h): src and dst are C-contiguous arrays of one complex dtype
 * (complex64 or complex128) on one device, each holding n * batch elements;
 * dst may be src itself (in place) but may not otherwise overlap it. The
 * inverse is unnormalised (no 1/n). Queued like a launch; returns None.
 *
 * Errors: TypeError for non-arrays or wrong dtypes, ValueError for layout
 * and size problems, NotImplementedError (the library's message, e.g.
 * "fft on opencl:0 needs VkFFT (Debian libvkfft-dev) ...") when the device
 * has no FFT library or none for this dtype; other failures raise as
 * convert.c's ndapy_raise maps them. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

#include "array_object.h"
#include "convert.h"
#include "nda/device.h"
#include "nda/error.h"

/* Materialises a and checks it is a C-contiguous complex array of
 * `count` elements. Returns 0 or -1 with an exception. */
static int fft_operand(const char *what, nda_array *a, int64_t count)
{
    int rc = nda_array_materialize(a);
    if (rc != NDA_OK) {
        ndapy_raise(rc);
        return -1;
    }
    if (a->dtype != NDA_COMPLEX64 && a->dtype != NDA_COMPLEX128) {
        PyErr_Format(PyExc_TypeError, "fft_c2c: %s has dtype %s, not complex64/complex128",
                     what, nda_dtype_name(a->dtype));
        return -1;
    }
    if (!nda_array_is_c_contiguous(a)) {
        PyErr_Format(PyExc_ValueError, "fft_c2c: %s is not C-contiguous", what);
        return -1;
    }
    if (nda_array_size(a) != count) {
        PyErr_Format(PyExc_ValueError, "fft_c2c: %s has %lld elements, not n * batch = %lld",
                     what, (long long)nda_array_size(a), (long long)count);
        return -1;
    }
    return 0;
}

PyObject *ndapy_fft_c2c(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *src_obj, *dst_obj;
    long long n, batch;
    int inverse;
    if (!PyArg_ParseTuple(args, "OOLLp", &src_obj, &dst_obj, &n, &batch, &inverse))
        return NULL;
    nda_array *src = ndapy_array_get(src_obj);
    nda_array *dst = src ? ndapy_array_get(dst_obj) : NULL;
    if (!dst || ndapy_array_require_writeable(dst_obj, "output array is read-only") < 0) return NULL;
    if (n < 1 || batch < 0 || (batch > 0 && n > INT64_MAX / batch)) {
        PyErr_Format(PyExc_ValueError, "fft_c2c: invalid n = %lld, batch = %lld", n, batch);
        return NULL;
    }
    if (fft_operand("source", src, n * batch) < 0 || fft_operand("destination", dst, n * batch) < 0)
        return NULL;
    if (src->dtype != dst->dtype) {
        PyErr_Format(PyExc_TypeError, "fft_c2c: source %s and destination %s differ",
                     nda_dtype_name(src->dtype), nda_dtype_name(dst->dtype));
        return NULL;
    }
    if (src->device != dst->device) {
        PyErr_Format(PyExc_ValueError, "fft_c2c: source on %s, destination on %s",
                     nda_device_id(src->device), nda_device_id(dst->device));
        return NULL;
    }
    bool same = src->buffer == dst->buffer && src->offset == dst->offset;
    if (!same && nda_array_may_overlap(src, dst)) {
        PyErr_SetString(PyExc_ValueError, "fft_c2c: source and destination overlap");
        return NULL;
    }
    if (n * batch == 0) Py_RETURN_NONE;
    /* Pending expressions that read dst must see its old values. */
    int rc = nda_array_flush_readers(dst);
    if (rc != NDA_OK) return ndapy_raise(rc);
    nda_fft_desc f = {
        .type = src->dtype == NDA_COMPLEX64 ? NDA_LIB_C64 : NDA_LIB_C128,
        .inverse = inverse,
        .n = n,
        .batch = batch,
        .in = src->buffer->handle,
        .in_off = src->offset,
        .out = dst->buffer->handle,
        .out_off = dst->offset,
    };
    nda_device *d = src->device;
    Py_BEGIN_ALLOW_THREADS
    rc = nda_device_fft(d, &f);
    Py_END_ALLOW_THREADS
    if (rc == NDA_ENODEV || rc == NDA_ENOTIMPL) {
        PyErr_SetString(PyExc_NotImplementedError, nda_error_message());
        return NULL;
    }
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

#include "host_fill.h"

#include "nda/error.h"

#include "array_object.h"
#include "convert.h"
#include "host_access.h"
#include "host_fill_loops.h"

#include <stdint.h>

/* One loop per element width, compiled for AVX-512, AVX2 and the baseline and
 * picked at load time (target_clones); the compiler vectorises each. Integer
 * values are computed in uint64_t, whose wrap-around is defined, and keep
 * their low bytes. Both go by blocks of 16 elements, each the block's first
 * value plus per-lane offsets, so the loops need no 64-bit vector multiply or
 * conversion: integers add j * delta; float indices add j to the block's
 * first index converted once (every index below 2**53 is exact in a double,
 * so the sum is (double)k; float rounds (double)k once). */
enum { BLOCK = 16 };

#define FILL_INT(T)                                                              \
    do {                                                                         \
        T *p = (T *)buf;                                                         \
        Py_ssize_t k = 0;                                                        \
        for (; k + BLOCK <= n; k += BLOCK) {                                     \
            uint64_t base = first + (uint64_t)k * delta;                         \
            for (int j = 0; j < BLOCK; ++j) p[k + j] = (T)(base + offset[j]);    \
        }                                                                        \
        for (; k < n; ++k) p[k] = (T)(first + (uint64_t)k * delta);              \
    } while (0)

#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

CLONES static void fill_int(void *buf, Py_ssize_t n, Py_ssize_t size, uint64_t first, uint64_t delta)
{
    uint64_t offset[BLOCK];
    for (int j = 0; j < BLOCK; ++j) offset[j] = (uint64_t)j * delta;
    switch (size) {
    case 1: FILL_INT(uint8_t); break;
    case 2: FILL_INT(uint16_t); break;
    case 4: FILL_INT(uint32_t); break;
    default: FILL_INT(uint64_t); break;
    }
}

CLONES static void fill_double(double *p, Py_ssize_t n, double first, double delta)
{
    Py_ssize_t k = 0;
    for (; k + BLOCK <= n; k += BLOCK) {
        double base = (double)k;
        for (int j = 0; j < BLOCK; ++j) p[k + j] = first + (base + (double)j) * delta;
    }
    for (; k < n; ++k) p[k] = first + (double)k * delta;
}

CLONES static void fill_float(float *p, Py_ssize_t n, float first, float delta)
{
    Py_ssize_t k = 0;
    for (; k + BLOCK <= n; k += BLOCK) {
        double base = (double)k;
        for (int j = 0; j < BLOCK; ++j) p[k + j] = first + (float)(base + (double)j) * delta;
    }
    for (; k < n; ++k) p[k] = first + (float)k * delta;
}

PyObject *ndapy_host_fill_affine(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *buf_obj, *first_obj, *delta_obj;
    const char *kind;
    if (!PyArg_ParseTuple(args, "OsOO", &buf_obj, &kind, &first_obj, &delta_obj)) return NULL;
    int is_int = kind[0] == 'i' || kind[0] == 'u';
    if ((!is_int && kind[0] != 'f') || kind[1] != '\0') {
        PyErr_Format(PyExc_ValueError, "host_fill_affine: kind must be 'i', 'u' or 'f', not '%s'", kind);
        return NULL;
    }
    uint64_t ifirst = 0, idelta = 0;
    double ffirst = 0.0, fdelta = 0.0;
    if (is_int) {
        ifirst = PyLong_AsUnsignedLongLongMask(first_obj);
        if (PyErr_Occurred()) return NULL;
        idelta = PyLong_AsUnsignedLongLongMask(delta_obj);
        if (PyErr_Occurred()) return NULL;
    } else {
        ffirst = PyFloat_AsDouble(first_obj);
        if (ffirst == -1.0 && PyErr_Occurred()) return NULL;
        fdelta = PyFloat_AsDouble(delta_obj);
        if (fdelta == -1.0 && PyErr_Occurred()) return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(buf_obj, &view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) return NULL;
    Py_ssize_t size = view.itemsize;
    if (is_int ? !(size == 1 || size == 2 || size == 4 || size == 8) : !(size == 4 || size == 8)) {
        PyErr_Format(PyExc_ValueError, "host_fill_affine: no '%s' elements of %zd bytes", kind, size);
        PyBuffer_Release(&view);
        return NULL;
    }
    Py_ssize_t n = view.len / size;
    Py_BEGIN_ALLOW_THREADS
    if (is_int)
        fill_int(view.buf, n, size, ifirst, idelta);
    else if (size == 4)
        fill_float(view.buf, n, (float)ffirst, (float)fdelta);
    else
        fill_double(view.buf, n, ffirst, fdelta);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

PyObject *ndapy_host_fill(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj;
    const char *pattern;
    Py_ssize_t size;
    int threads, rc = NDA_OK;
    if (!PyArg_ParseTuple(args, "Oy#i", &obj, &pattern, &size, &threads)) return NULL;
    nda_array *a = ndapy_array_get(obj);
    if (a == NULL) return NULL;
    if ((size_t)size != nda_dtype_itemsize(a->dtype)) {
        PyErr_Format(PyExc_ValueError, "host_fill: a %zd-byte value for %s elements", size,
                     nda_dtype_name(a->dtype));
        return NULL;
    }
    if (ndapy_array_require_writeable(obj, "assignment destination is read-only") < 0)
        return NULL;
    if (!ndapy_host_accessible(a, &rc)) {
        if (rc != NDA_OK) return ndapy_raise(rc);
        Py_RETURN_FALSE;
    }
    /* pending expressions that read a run first: they must not see the fill */
    if ((rc = nda_array_flush_readers(a)) != NDA_OK) return ndapy_raise(rc);
    void *mapped = NULL;
    char *first = NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = ndapy_host_map(a, &mapped, &first);
    if (rc == NDA_OK) {
        ndapy_fill_pattern(first, nda_array_size(a), (size_t)size, pattern, threads);
        rc = ndapy_host_unmap(a, mapped);
    }
    Py_END_ALLOW_THREADS
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_TRUE;
}

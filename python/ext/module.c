/* ndaccel._core: the extension module. Functions here parse Python
 * arguments, call the C core, and turn status codes into exceptions. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL ndaccel_ARRAY_API
#include <numpy/arrayobject.h>

#include <string.h>

#include "array_object.h"
#include "convert.h"
#include "host_fill.h"
#include "host_nonzero.h"
#include "host_reduce.h"
#include "lock.h"
#include "numpy_loops.h"
#include "random_binding.h"
#include "nda/binning.h"
#include "nda/cache.h"
#include "nda/error.h"
#include "nda/host_eval.h"
#include "nda/indexing.h"
#include "nda/search.h"
#include "nda/sort.h"
#include "nda/ufunc.h"
#include "nda/version.h"

static int device_from_id(PyObject *id, nda_device **out)
{
    if (id == NULL || id == Py_None) {
        int rc = nda_device_default(out);
        if (rc != NDA_OK) ndapy_raise(rc);
        return rc == NDA_OK ? 0 : -1;
    }
    const char *s = PyUnicode_AsUTF8(id);
    if (!s) return -1;
    int rc = nda_device_find(s, out);
    if (rc != NDA_OK) {
        ndapy_raise(rc);
        return -1;
    }
    return 0;
}

static int dtype_arg(PyObject *obj, int *code)
{
    long v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v != -1 && !nda_dtype_valid((int)v)) {
        PyErr_SetString(PyExc_TypeError, "invalid dtype code");
        return -1;
    }
    *code = (int)v;
    return 0;
}

static PyObject *py_devices(PyObject *self, PyObject *noargs)
{
    (void)self; (void)noargs;
    int n = nda_device_count();
    PyObject *list = PyList_New(0);
    if (!list) return NULL;
    for (int i = 0; i < n; i++) {
        nda_device *d = nda_device_at(i);
        const nda_device_info *info = nda_device_info_of(d);
        PyObject *t = Py_BuildValue("{s:s,s:s,s:s,s:s,s:s,s:O,s:O,s:K,s:K,s:i}", "id", nda_device_id(d),
                                    "name", info->name, "vendor", info->vendor, "driver",
                                    info->driver_version, "platform", info->platform, "is_gpu",
                                    info->is_gpu ? Py_True : Py_False, "has_fp64",
                                    info->has_fp64 ? Py_True : Py_False, "global_mem",
                                    (unsigned long long)info->global_mem_bytes, "max_alloc",
                                    (unsigned long long)info->max_alloc_bytes, "compute_units",
                                    info->compute_units);
        if (!t || PyList_Append(list, t) < 0) {
            Py_XDECREF(t);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(t);
    }
    return list;
}

static PyObject *py_backends(PyObject *self, PyObject *noargs)
{
    (void)self; (void)noargs;
    int n = nda_backend_count();
    PyObject *list = PyList_New(n);
    if (!list) return NULL;
    for (int i = 0; i < n; i++) {
        const char *why = nda_backend_unavailable_reason(i);
        PyObject *t = Py_BuildValue("(sz)", nda_backend_name(i), why);
        if (!t) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, t);
    }
    return list;
}

static PyObject *py_default_device(PyObject *self, PyObject *noargs)
{
    (void)self; (void)noargs;
    nda_device *d;
    int rc = nda_device_default(&d);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return PyUnicode_FromString(nda_device_id(d));
}

/* empty(shape, dtype_code, device_id) */
static PyObject *py_empty(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *shape_obj, *dev_obj;
    int code, ndim;
    int64_t shape[NDA_MAXDIMS];
    if (!PyArg_ParseTuple(args, "OiO", &shape_obj, &code, &dev_obj)) return NULL;
    if (ndapy_shape_from_object(shape_obj, &ndim, shape) < 0) return NULL;
    nda_device *d;
    if (device_from_id(dev_obj, &d) < 0) return NULL;
    nda_array *a;
    int rc = nda_array_empty(d, (nda_dtype)code, ndim, shape, &a);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(a);
}

/* from_numpy(ndarray, device_id): obj must be a C-contiguous, aligned,
 * native-byte-order numpy array of a supported dtype. */
static PyObject *py_from_numpy(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj, *dev_obj;
    if (!PyArg_ParseTuple(args, "OO", &obj, &dev_obj)) return NULL;
    if (!PyArray_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "from_numpy expects a numpy.ndarray");
        return NULL;
    }
    PyArrayObject *h = (PyArrayObject *)obj;
    int code = ndapy_dtype_from_typenum(PyArray_TYPE(h));
    if (code < 0) {
        PyErr_Format(PyExc_TypeError, "unsupported dtype for ndaccel: %R", (PyObject *)PyArray_DESCR(h));
        return NULL;
    }
    if (!PyArray_IS_C_CONTIGUOUS(h) || !PyArray_ISALIGNED(h) || !PyArray_ISNOTSWAPPED(h)) {
        PyErr_SetString(PyExc_ValueError, "from_numpy expects a C-contiguous, aligned, native array");
        return NULL;
    }
    nda_device *d;
    if (device_from_id(dev_obj, &d) < 0) return NULL;
    int ndim = PyArray_NDIM(h);
    int64_t shape[NDA_MAXDIMS];
    for (int i = 0; i < ndim; i++) shape[i] = PyArray_DIM(h, i);
    nda_array *a;
    int rc;
    const void *data = PyArray_DATA(h);
    Py_BEGIN_ALLOW_THREADS
    rc = nda_array_from_host(d, (nda_dtype)code, ndim, shape, data, &a);
    Py_END_ALLOW_THREADS
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(a);
}

static PyObject *py_to_numpy(PyObject *self, PyObject *arg)
{
    (void)self;
    nda_array *a = ndapy_array_get(arg);
    if (!a) return NULL;
    npy_intp dims[NDA_MAXDIMS];
    for (int i = 0; i < a->ndim; i++) dims[i] = (npy_intp)a->shape[i];
    PyObject *h = PyArray_SimpleNew(a->ndim, dims, ndapy_typenum_from_dtype(a->dtype));
    if (!h) return NULL;
    int rc;
    void *data = PyArray_DATA((PyArrayObject *)h);
    Py_BEGIN_ALLOW_THREADS
    rc = nda_array_to_host(a, data);
    Py_END_ALLOW_THREADS
    if (rc != NDA_OK) {
        Py_DECREF(h);
        return ndapy_raise(rc);
    }
    return h;
}

/* view(arr, offset_bytes, shape, strides): caller (Python indexing code)
 * guarantees the view stays inside the buffer; checked here too. */
static PyObject *py_view(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *arr_obj, *shape_obj, *strides_obj;
    long long offset;
    int dtype = -1;
    if (!PyArg_ParseTuple(args, "OLOO|i", &arr_obj, &offset, &shape_obj, &strides_obj, &dtype))
        return NULL;
    if (dtype != -1 && !nda_dtype_valid(dtype)) {
        PyErr_SetString(PyExc_TypeError, "invalid dtype code");
        return NULL;
    }
    nda_array *a = ndapy_array_get(arr_obj);
    if (!a) return NULL;
    int mrc = nda_array_materialize(a);
    if (mrc != NDA_OK) return ndapy_raise(mrc);
    int ndim, nst;
    int64_t shape[NDA_MAXDIMS], strides[NDA_MAXDIMS];
    if (ndapy_shape_from_object(shape_obj, &ndim, shape) < 0) return NULL;
    PyObject *seq = PySequence_Fast(strides_obj, "strides must be a sequence");
    if (!seq) return NULL;
    nst = (int)PySequence_Fast_GET_SIZE(seq);
    for (int i = 0; i < nst && i < NDA_MAXDIMS; i++) {
        strides[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i));
        if (strides[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return NULL;
        }
    }
    Py_DECREF(seq);
    if (nst != ndim) {
        PyErr_SetString(PyExc_ValueError, "shape and strides must have the same length");
        return NULL;
    }
    nda_array probe = *a;
    if (dtype != -1) {
        /* A view reinterpreting the elements (complex -> its real parts):
         * offset and strides must stay aligned to the new item size. */
        int64_t isz = (int64_t)nda_dtype_itemsize((nda_dtype)dtype);
        bool aligned = offset % isz == 0;
        for (int i = 0; i < ndim; i++) aligned = aligned && strides[i] % isz == 0;
        if (!aligned) {
            PyErr_SetString(PyExc_ValueError, "view offset and strides must be multiples of the itemsize");
            return NULL;
        }
        probe.dtype = (nda_dtype)dtype;
    }
    probe.offset = (size_t)offset;
    probe.ndim = ndim;
    memcpy(probe.shape, shape, sizeof(int64_t) * (size_t)ndim);
    memcpy(probe.strides, strides, sizeof(int64_t) * (size_t)ndim);
    int64_t lo, hi;
    nda_array_extent(&probe, &lo, &hi);
    if (offset < 0 || (lo < hi && (lo < 0 || (uint64_t)hi > a->buffer->capacity))) {
        PyErr_SetString(PyExc_ValueError, "view would reach outside its buffer");
        return NULL;
    }
    nda_array *v;
    int rc = nda_array_view(a, (size_t)offset, ndim, shape, strides, &v);
    if (rc != NDA_OK) return ndapy_raise(rc);
    v->dtype = probe.dtype;
    PyObject *view = ndapy_array_wrap(v);
    if (view) ndapy_array_set_view_of(view, arr_obj);
    return view;
}

/* slices_view(arr, key): arr[key] for a tuple of slices, at most one per
 * axis (stencils' u[1:-1, 2:]), without the general parsing of
 * _indexing/_views.py; None for any other key. */
static PyObject *py_slices_view(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *arr_obj, *key;
    if (!PyArg_ParseTuple(args, "OO", &arr_obj, &key)) return NULL;
    nda_array *a = ndapy_array_get(arr_obj);
    if (!a) return NULL;
    if (!PyTuple_Check(key) || PyTuple_GET_SIZE(key) > a->ndim) Py_RETURN_NONE;
    int nk = (int)PyTuple_GET_SIZE(key);
    for (int i = 0; i < nk; i++)
        if (!PySlice_Check(PyTuple_GET_ITEM(key, i))) Py_RETURN_NONE;
    int rc = nda_array_materialize(a);
    if (rc != NDA_OK) return ndapy_raise(rc);
    int64_t shape[NDA_MAXDIMS], strides[NDA_MAXDIMS];
    memcpy(shape, a->shape, sizeof(int64_t) * (size_t)a->ndim);
    memcpy(strides, a->strides, sizeof(int64_t) * (size_t)a->ndim);
    int64_t offset = 0;
    for (int i = 0; i < nk; i++) {
        Py_ssize_t start, stop, step;
        if (PySlice_Unpack(PyTuple_GET_ITEM(key, i), &start, &stop, &step) < 0) return NULL;
        Py_ssize_t len = PySlice_AdjustIndices((Py_ssize_t)shape[i], &start, &stop, step);
        if (len > 0) offset += (int64_t)start * strides[i];
        shape[i] = len;
        strides[i] *= step;
    }
    nda_array *v;
    rc = nda_array_view(a, (size_t)((int64_t)a->offset + offset), a->ndim, shape, strides, &v);
    if (rc != NDA_OK) return ndapy_raise(rc);
    PyObject *view = ndapy_array_wrap(v);
    if (view) ndapy_array_set_view_of(view, arr_obj);
    return view;
}

static int casting_from_str(const char *s, nda_casting *out)
{
    static const char *const names[] = {"no", "equiv", "safe", "same_kind", "unsafe"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (nda_casting)i;
            return 0;
        }
    PyErr_Format(PyExc_ValueError, "casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe' (got '%s')", s);
    return -1;
}

/* ufunc(name, operands tuple, out or None, dtype_code (-1 none), casting,
 * device_id or None) */
static PyObject *py_ufunc(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name, *casting_s;
    PyObject *operands, *out_obj, *dev_obj;
    int dtype;
    if (!PyArg_ParseTuple(args, "sO!OisO", &name, &PyTuple_Type, &operands, &out_obj, &dtype,
                          &casting_s, &dev_obj))
        return NULL;
    nda_casting casting;
    if (casting_from_str(casting_s, &casting) < 0) return NULL;
    Py_ssize_t nin = PyTuple_GET_SIZE(operands);
    if (nin < 1 || nin > 3) {
        PyErr_SetString(PyExc_TypeError, "elementwise operations take one to three operands");
        return NULL;
    }
    nda_operand ops[3];
    memset(ops, 0, sizeof ops);
    for (Py_ssize_t i = 0; i < nin; i++) {
        PyObject *o = PyTuple_GET_ITEM(operands, i);
        if (ndapy_array_check(o)) {
            ops[i].array = ((ndapy_array *)o)->arr;
            continue;
        }
        int r = ndapy_scalar_from_object(o, &ops[i].scalar);
        if (r < 0) return NULL;
        if (r == 0) {
            PyErr_Format(PyExc_TypeError, "unsupported operand type for %s: '%s'", name, Py_TYPE(o)->tp_name);
            return NULL;
        }
    }
    nda_array *out = NULL;
    if (out_obj != Py_None) {
        out = ndapy_array_get(out_obj);
        if (!out || ndapy_array_require_writeable(out_obj, "output array is read-only") < 0) return NULL;
    }
    nda_device *dev = NULL;
    if (dev_obj != Py_None && device_from_id(dev_obj, &dev) < 0) return NULL;
    nda_array *res;
    int rc = nda_ufunc_apply(name, (int)nin, ops, out, dtype, casting, dev, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

static PyObject *py_reduce_all(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    PyObject *arr_obj;
    if (!PyArg_ParseTuple(args, "sO", &name, &arr_obj)) return NULL;
    nda_array *a = ndapy_array_get(arr_obj);
    if (!a) return NULL;
    nda_array *res;
    int rc = nda_reduce_all(name, a, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

/* reduce_axes(name, arr, axes (normalised ints), dtype_code or -1) */
static PyObject *py_reduce_axes(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    PyObject *arr_obj, *axes_obj;
    int dtype;
    if (!PyArg_ParseTuple(args, "sOOi", &name, &arr_obj, &axes_obj, &dtype)) return NULL;
    nda_array *a = ndapy_array_get(arr_obj);
    if (!a) return NULL;
    if (dtype != -1 && !nda_dtype_valid(dtype)) {
        PyErr_SetString(PyExc_TypeError, "invalid dtype code");
        return NULL;
    }
    bool reduced[NDA_MAXDIMS] = {false};
    PyObject *seq = PySequence_Fast(axes_obj, "axes must be a sequence");
    if (!seq) return NULL;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        long ax = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (ax < 0 || ax >= a->ndim) {
            Py_DECREF(seq);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "axis out of range");
            return NULL;
        }
        reduced[ax] = true;
    }
    Py_DECREF(seq);
    nda_array *res;
    int rc = nda_reduce_axes(name, a, reduced, dtype, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

/* gather(src, offsets): lazy array shaped like offsets (int64, element
 * units relative to src's first element) holding src's elements there. */
static PyObject *py_gather(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *src_obj, *off_obj;
    if (!PyArg_ParseTuple(args, "OO", &src_obj, &off_obj)) return NULL;
    nda_array *src = ndapy_array_get(src_obj), *off = src ? ndapy_array_get(off_obj) : NULL;
    if (!off) return NULL;
    nda_array *res = NULL;
    int rc = nda_array_gather(src, off, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

/* roll(src, shifts): numpy.roll's pending result (nda_array_roll); shifts is
 * a sequence of one int per axis of src. */
static PyObject *py_roll(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *src_obj, *shifts_obj;
    if (!PyArg_ParseTuple(args, "OO", &src_obj, &shifts_obj)) return NULL;
    nda_array *src = ndapy_array_get(src_obj);
    if (!src) return NULL;
    PyObject *seq = PySequence_Fast(shifts_obj, "roll: shifts must be a sequence of ints");
    if (!seq) return NULL;
    if (PySequence_Fast_GET_SIZE(seq) != src->ndim) {
        Py_DECREF(seq);
        PyErr_Format(PyExc_ValueError, "roll: %d shifts for an array of %d dimensions",
                     (int)PySequence_Fast_GET_SIZE(seq), src->ndim);
        return NULL;
    }
    int64_t shift[NDA_MAXDIMS];
    for (int i = 0; i < src->ndim; i++) {
        shift[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i));
        if (shift[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return NULL;
        }
    }
    Py_DECREF(seq);
    nda_array *res = NULL;
    int rc = nda_array_roll(src, shift, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

/* scatter(dst, offsets, value): dst's elements at offsets (as gather) get
 * value (an array broadcast to offsets' shape, or a Python scalar), cast
 * to dst's dtype. */
static PyObject *py_scatter(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *dst_obj, *off_obj, *val_obj;
    if (!PyArg_ParseTuple(args, "OOO", &dst_obj, &off_obj, &val_obj)) return NULL;
    nda_array *dst = ndapy_array_get(dst_obj), *off = dst ? ndapy_array_get(off_obj) : NULL;
    if (!off || ndapy_array_require_writeable(dst_obj, "assignment destination is read-only") < 0) return NULL;
    nda_operand value;
    memset(&value, 0, sizeof value);
    if (ndapy_array_check(val_obj)) {
        value.array = ((ndapy_array *)val_obj)->arr;
    } else {
        int r = ndapy_scalar_from_object(val_obj, &value.scalar);
        if (r <= 0) {
            if (r == 0) PyErr_Format(PyExc_TypeError, "cannot assign a '%s'", Py_TYPE(val_obj)->tp_name);
            return NULL;
        }
    }
    int rc = nda_array_scatter(dst, off, &value);
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

/* scan(name, arr, axis (-1: flattened), dtype_code or -1) */
static PyObject *py_scan(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    PyObject *arr_obj;
    int axis, dtype;
    if (!PyArg_ParseTuple(args, "sOii", &name, &arr_obj, &axis, &dtype)) return NULL;
    nda_array *a = ndapy_array_get(arr_obj);
    if (!a) return NULL;
    if (dtype != -1 && !nda_dtype_valid(dtype)) {
        PyErr_SetString(PyExc_TypeError, "invalid dtype code");
        return NULL;
    }
    nda_array *res;
    int rc = strncmp(name, "cum", 3) == 0 ? nda_scan(name, a, axis, dtype, &res)
                                           : nda_accumulate(name, a, axis, dtype, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

/* bincount(idx, weights or None, nbins): partial-histogram counts (int64) or
 * weight sums (float64); see nda/binning.h. */
static PyObject *py_bincount(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *idx_obj, *w_obj;
    long long nbins;
    if (!PyArg_ParseTuple(args, "OOL", &idx_obj, &w_obj, &nbins)) return NULL;
    nda_array *idx = ndapy_array_get(idx_obj), *w = NULL;
    if (!idx) return NULL;
    if (w_obj != Py_None && !(w = ndapy_array_get(w_obj))) return NULL;
    nda_array *res;
    int rc = nda_bincount(idx, w, (int64_t)nbins, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

/* bincount_max_bins(arr): the most bins bincount() takes on arr's device. */
static PyObject *py_bincount_max_bins(PyObject *self, PyObject *arg)
{
    (void)self;
    nda_array *a = ndapy_array_get(arg);
    if (!a) return NULL;
    return PyLong_FromLongLong((long long)nda_bincount_max_bins(a->device));
}

/* arg_extreme(arr, is_max): int64 index of each last-axis row's first
 * maximum/minimum (NaN first); see nda/search.h. */
static PyObject *py_arg_extreme(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *a_obj;
    int is_max;
    if (!PyArg_ParseTuple(args, "Op", &a_obj, &is_max)) return NULL;
    nda_array *a = ndapy_array_get(a_obj);
    if (!a) return NULL;
    nda_array *res;
    int rc = nda_arg_extreme(a, is_max, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

/* searchsorted(a, v, right): insertion points of v in sorted a, int64. */
static PyObject *py_searchsorted(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *a_obj, *v_obj;
    int right;
    if (!PyArg_ParseTuple(args, "OOp", &a_obj, &v_obj, &right)) return NULL;
    nda_array *a = ndapy_array_get(a_obj), *v = a ? ndapy_array_get(v_obj) : NULL;
    if (!v) return NULL;
    nda_array *res;
    int rc = nda_searchsorted(a, v, right, &res);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(res);
}

/* sort_rows(a2d, with_index): (sorted keys, int64 positions or None). */
static PyObject *py_sort_rows(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *a_obj;
    int with_index;
    if (!PyArg_ParseTuple(args, "Op", &a_obj, &with_index)) return NULL;
    nda_array *a = ndapy_array_get(a_obj);
    if (!a) return NULL;
    nda_array *keys = NULL, *index = NULL;
    int rc = nda_sort_rows(a, &keys, with_index ? &index : NULL);
    if (rc != NDA_OK) return ndapy_raise(rc);
    PyObject *k = ndapy_array_wrap(keys);
    if (!k) {
        nda_array_free(index);
        return NULL;
    }
    if (!index) return Py_BuildValue("(NO)", k, Py_None);
    PyObject *x = ndapy_array_wrap(index);
    if (!x) {
        Py_DECREF(k);
        return NULL;
    }
    return Py_BuildValue("(NN)", k, x);
}

static PyObject *py_assign(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *dst_obj, *src_obj;
    if (!PyArg_ParseTuple(args, "OO", &dst_obj, &src_obj)) return NULL;
    nda_array *dst = ndapy_array_get(dst_obj), *src = dst ? ndapy_array_get(src_obj) : NULL;
    if (!src || ndapy_array_require_writeable(dst_obj, "assignment destination is read-only") < 0) return NULL;
    int rc = nda_array_assign(dst, src);
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

/* fill(dst, python_scalar, check_range): NumPy 2 raises OverflowError when
 * a Python int does not fit an integer array. */
static PyObject *py_fill(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *dst_obj, *value;
    if (!PyArg_ParseTuple(args, "OO", &dst_obj, &value)) return NULL;
    nda_array *dst = ndapy_array_get(dst_obj);
    if (!dst || ndapy_array_require_writeable(dst_obj, "assignment destination is read-only") < 0) return NULL;
    nda_scalar s;
    int r = ndapy_scalar_from_object(value, &s);
    if (r < 0) return NULL;
    if (r == 0) {
        PyErr_Format(PyExc_TypeError, "cannot fill an array with a '%s'", Py_TYPE(value)->tp_name);
        return NULL;
    }
    if (s.kind == NDA_SCALAR_INT && !nda_scalar_fits(&s, dst->dtype)) {
        if (s.int_is_unsigned)
            PyErr_Format(PyExc_OverflowError, "Python integer %llu out of bounds for %s", (unsigned long long)s.u, nda_dtype_name(dst->dtype));
        else if (s.int_overflows)
            PyErr_Format(PyExc_OverflowError, "Python integer %R out of bounds for %s", value, nda_dtype_name(dst->dtype));
        else
            PyErr_Format(PyExc_OverflowError, "Python integer %lld out of bounds for %s", (long long)s.i, nda_dtype_name(dst->dtype));
        return NULL;
    }
    if (s.kind == NDA_SCALAR_COMPLEX && nda_dtype_kind(dst->dtype) != NDA_KIND_COMPLEX) {
        PyErr_SetString(PyExc_TypeError, "can't convert complex to float");
        return NULL;
    }
    int rc = nda_array_fill(dst, &s);
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *py_astype(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *arr_obj, *code_obj;
    if (!PyArg_ParseTuple(args, "OO", &arr_obj, &code_obj)) return NULL;
    nda_array *a = ndapy_array_get(arr_obj);
    int code;
    if (!a || dtype_arg(code_obj, &code) < 0) return NULL;
    nda_array *r;
    int rc = nda_array_astype(a, (nda_dtype)code, &r);
    if (rc != NDA_OK) return ndapy_raise(rc);
    return ndapy_array_wrap(r);
}

static PyObject *py_can_cast(PyObject *self, PyObject *args)
{
    (void)self;
    int from, to;
    const char *casting_s;
    if (!PyArg_ParseTuple(args, "iis", &from, &to, &casting_s)) return NULL;
    nda_casting c;
    if (casting_from_str(casting_s, &c) < 0) return NULL;
    return PyBool_FromLong(nda_dtype_can_cast((nda_dtype)from, (nda_dtype)to, c));
}

static PyObject *py_synchronize(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *dev_obj = Py_None;
    if (!PyArg_ParseTuple(args, "|O", &dev_obj)) return NULL;
    nda_device *d;
    if (device_from_id(dev_obj, &d) < 0) return NULL;
    int rc;
    /* The library lock stays held (lock.h); other Python threads run. */
    Py_BEGIN_ALLOW_THREADS
    rc = nda_array_flush(d);
    if (rc == NDA_OK) rc = nda_device_synchronize(d);
    Py_END_ALLOW_THREADS
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *py_cache_info(PyObject *self, PyObject *noargs)
{
    (void)self; (void)noargs;
    nda_cache_info s;
    nda_cache_info_get(&s);
    return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K,s:z,s:K,s:K}", "memory_hits",
                         (unsigned long long)s.memory_hits, "disk_hits",
                         (unsigned long long)s.disk_hits, "compiles", (unsigned long long)s.compiles,
                         "disk_writes", (unsigned long long)s.disk_writes, "disk_errors",
                         (unsigned long long)s.disk_errors, "dir", s.dir[0] ? s.dir : NULL,
                         "disk_entries", (unsigned long long)s.disk_entries, "disk_bytes",
                         (unsigned long long)s.disk_bytes);
}

static PyObject *py_cache_clear(PyObject *self, PyObject *args)
{
    (void)self;
    int disk = 1;
    if (!PyArg_ParseTuple(args, "|p", &disk)) return NULL;
    int rc = nda_cache_clear(disk != 0);
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *py_pool_info(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *dev_obj = Py_None;
    if (!PyArg_ParseTuple(args, "|O", &dev_obj)) return NULL;
    nda_device *d;
    if (device_from_id(dev_obj, &d) < 0) return NULL;
    nda_pool_stats s;
    nda_pool_stats_get(d, &s);
    return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K}", "live_bytes", (unsigned long long)s.live_bytes,
                         "cached_bytes", (unsigned long long)s.cached_bytes, "allocs",
                         (unsigned long long)s.allocs, "reuses", (unsigned long long)s.reuses,
                         "device_allocs", (unsigned long long)s.device_allocs);
}

static PyObject *py_pool_release(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *dev_obj = Py_None;
    if (!PyArg_ParseTuple(args, "|O", &dev_obj)) return NULL;
    nda_device *d;
    if (device_from_id(dev_obj, &d) < 0) return NULL;
    nda_pool_release(d);
    Py_RETURN_NONE;
}

/* host_eval_limit([limit]): the host-evaluation limit (nda/host_eval.h);
 * with an argument, sets it and returns the previous one. */
static PyObject *py_host_eval_limit(PyObject *self, PyObject *args)
{
    (void)self;
    long long limit = -1;
    if (!PyArg_ParseTuple(args, "|L", &limit)) return NULL;
    if (limit < 0) return PyLong_FromLongLong(nda_host_eval_limit());
    int locked = ndapy_lock_acquire();
    if (locked < 0) return NULL;
    long long old = nda_host_eval_set_limit(limit);
    if (locked) ndapy_lock_release();
    return PyLong_FromLongLong(old);
}

/* host_eval_idle_factor([device]): the limit's factor for folds and for
 * stores while nothing is queued on the device (nda/host_eval.h). */
static PyObject *py_host_eval_idle_factor(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *dev_obj = Py_None;
    if (!PyArg_ParseTuple(args, "|O", &dev_obj)) return NULL;
    nda_device *d;
    if (device_from_id(dev_obj, &d) < 0) return NULL;
    return PyLong_FromLongLong(nda_host_eval_idle_factor(d));
}

/* host_eval_loop_weight(name, dtype) -> (weight of the registered loop, 0 if
 * none; the any-size bound) (nda/host_eval.h). */
static PyObject *py_host_eval_loop_weight(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    int dtype;
    if (!PyArg_ParseTuple(args, "si", &name, &dtype)) return NULL;
    if (dtype < 0 || dtype >= NDA_NTYPES) {
        PyErr_SetString(PyExc_ValueError, "unknown dtype number");
        return NULL;
    }
    return Py_BuildValue("ii", nda_host_eval_loop_weight(name, (nda_dtype)dtype),
                         nda_host_eval_any_size_weight());
}

static PyObject *py_host_eval_count(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyLong_FromUnsignedLongLong(nda_host_eval_count());
}

static PyObject *py_set_array_type(PyObject *self, PyObject *arg)
{
    (void)self;
    if (!PyType_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "expected a type");
        return NULL;
    }
    if (ndapy_set_array_type((PyTypeObject *)arg) < 0) return NULL;
    Py_RETURN_NONE;
}

PyObject *ndapy_gemm(PyObject *self, PyObject *args); /* gemm_binding.c */

PyObject *ndapy_fft_c2c(PyObject *self, PyObject *args); /* fft_binding.c */

PyObject *ndapy_solver(PyObject *self, PyObject *args, PyObject *kwargs); /* solver_binding.c */

/* The comm_* functions and the Comm type (comm_binding.c). */
int ndapy_comm_register(PyObject *module);
/* Zero-copy exchange: device_address, DLPack capsules, foreign memory (exchange_binding.c). */
int ndapy_exchange_register(PyObject *module);

static PyMethodDef methods[] = {
    {"devices", py_devices, METH_NOARGS, "Devices of every available backend."},
    {"backends", py_backends, METH_NOARGS, "(name, reason unavailable or None) per backend."},
    {"default_device", py_default_device, METH_NOARGS, "Id of the default device."},
    {"empty", py_empty, METH_VARARGS, NULL},
    {"from_numpy", py_from_numpy, METH_VARARGS, NULL},
    {"to_numpy", py_to_numpy, METH_O, NULL},
    {"view", py_view, METH_VARARGS, NULL},
    {"slices_view", py_slices_view, METH_VARARGS, NULL},
    {"ufunc", py_ufunc, METH_VARARGS, NULL},
    {"reduce_all", py_reduce_all, METH_VARARGS, NULL},
    {"reduce_axes", py_reduce_axes, METH_VARARGS, NULL},
    {"gather", py_gather, METH_VARARGS, NULL},
    {"roll", py_roll, METH_VARARGS, NULL},
    {"scan", py_scan, METH_VARARGS, NULL},
    {"bincount", py_bincount, METH_VARARGS, NULL},
    {"bincount_max_bins", py_bincount_max_bins, METH_O, NULL},
    {"searchsorted", py_searchsorted, METH_VARARGS, NULL},
    {"arg_extreme", py_arg_extreme, METH_VARARGS, NULL},
    {"sort_rows", py_sort_rows, METH_VARARGS, NULL},
    {"scatter", py_scatter, METH_VARARGS, NULL},
    {"assign", py_assign, METH_VARARGS, NULL},
    {"fill", py_fill, METH_VARARGS, NULL},
    {"host_fill_affine", ndapy_host_fill_affine, METH_VARARGS,
     "host_fill_affine(buffer, kind, first, delta): arange's values on the host (host_fill.h)."},
    {"host_fill", ndapy_host_fill, METH_VARARGS,
     "host_fill(a, value, threads): a constant written into a new array on the host, or False "
     "(host_fill.h)."},
    {"host_nonzero", ndapy_host_nonzero, METH_VARARGS,
     "host_nonzero(a, threads): numpy.nonzero(a) computed on the host, or NotImplemented "
     "(host_nonzero.h)."},
    {"host_reduce_rows", ndapy_host_reduce_rows, METH_VARARGS,
     "host_reduce_rows(kind, a, threads): numpy.<kind>(a, axis=-1) for max/min/argmax/argmin, "
     "read in place on the host, or NotImplemented (host_reduce.h)."},
    {"host_reduce", ndapy_host_reduce, METH_VARARGS,
     "host_reduce(kind, a, threads, bufsize): numpy.<kind>(a) read in place on the host, or "
     "NotImplemented (host_reduce.h)."},
    {"astype", py_astype, METH_VARARGS, NULL},
    {"random_fill", ndapy_random_fill, METH_VARARGS, NULL},
    {"can_cast", py_can_cast, METH_VARARGS, NULL},
    {"synchronize", py_synchronize, METH_VARARGS, NULL},
    {"forked_after_init", ndapy_forked_after_init, METH_NOARGS,
     "Whether this process was forked after the devices were initialised (lock.c)."},
    {"cache_info", py_cache_info, METH_NOARGS, NULL},
    {"cache_clear", py_cache_clear, METH_VARARGS, NULL},
    {"pool_info", py_pool_info, METH_VARARGS, NULL},
    {"pool_release", py_pool_release, METH_VARARGS, NULL},
    {"_set_array_type", py_set_array_type, METH_O, NULL},
    {"_set_operators", ndapy_set_operators, METH_VARARGS,
     "_set_operators(binary, compare, unary, scalar_hook): the Python halves of the "
     "ndarray operators (python/ext/operators.c)."},
    {"host_eval_limit", py_host_eval_limit, METH_VARARGS,
     "host_eval_limit([limit]): work units up to which small fused stores run on the host "
     "on host-memory CPU devices (0: off); with limit, sets it and returns the old one."},
    {"host_eval_idle_factor", py_host_eval_idle_factor, METH_VARARGS,
     "host_eval_idle_factor([device]): the limit's factor for folds and for stores while "
     "nothing is queued on the device."},
    {"host_eval_loop_weight", py_host_eval_loop_weight, METH_VARARGS,
     "host_eval_loop_weight(ufunc name, dtype number): (the registered loop's work weight, 0 if "
     "none; the weight up to which math runs on the host at any size)."},
    {"host_eval_count", py_host_eval_count, METH_NOARGS, "Fused stores evaluated on the host so far."},
    {"fft_c2c", ndapy_fft_c2c, METH_VARARGS, "Library FFT (cuFFT/VkFFT); see fft_binding.c."},
    {"gemm", ndapy_gemm, METH_VARARGS, "Library GEMM (cuBLAS/CLBlast); see gemm_binding.c."},
    {"solver", (PyCFunction)(void (*)(void))ndapy_solver, METH_VARARGS | METH_KEYWORDS,
     "Dense solver library (cuSOLVER); see solver_binding.c."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    /* The functions are added by PyInit__core, each holding the library
     * lock (lock.h). */
    PyModuleDef_HEAD_INIT, "ndaccel._core", "ndaccel's C core.", -1, NULL,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    if (PyType_Ready(&ndapy_array_base_type) < 0) return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m) return NULL;
    if (ndapy_add_locked_functions(m, methods) < 0 || ndapy_comm_register(m) < 0 ||
        ndapy_exchange_register(m) < 0 || ndapy_numpy_loops_register() < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&ndapy_array_base_type);
    if (PyModule_AddObject(m, "ndarray_base", (PyObject *)&ndapy_array_base_type) < 0 ||
        PyModule_AddStringConstant(m, "__version__", NDA_VERSION) < 0 ||
        PyModule_AddIntConstant(m, "MAXDIMS", NDA_MAXDIMS) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    /* The queues drain at the end of Py_FinalizeEx, before exit() destroys
     * the drivers' thread_local state (nda_devices_drain). If Python's table
     * of such hooks is full, the core's own atexit drain still runs. */
    (void)Py_AtExit(nda_devices_drain);
    return m;
}

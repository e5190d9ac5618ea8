/* ndaccel._core.ndarray_base: the C half of ndaccel.ndarray. Attributes
 * that read the nda_array live here; NumPy-level behaviour (indexing,
 * operators, printing) is in python/ndaccel/_ndarray.py and _array_methods.py. */
#include "array_object.h"

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL ndaccel_ARRAY_API
#define NO_IMPORT_ARRAY
#include <numpy/arrayobject.h>

#include <string.h>

#include "convert.h"
#include "lock.h"
#include "nda/error.h"

static PyTypeObject *g_array_type = &ndapy_array_base_type;

int ndapy_set_array_type(PyTypeObject *type)
{
    if (!PyType_IsSubtype(type, &ndapy_array_base_type)) {
        PyErr_SetString(PyExc_TypeError, "array type must subclass ndarray_base");
        return -1;
    }
    Py_INCREF(type);
    g_array_type = type;
    return 0;
}

PyObject *ndapy_array_wrap(nda_array *arr)
{
    ndapy_array *self = (ndapy_array *)g_array_type->tp_alloc(g_array_type, 0);
    if (!self) {
        nda_array_free(arr);
        return NULL;
    }
    self->arr = arr;
    return (PyObject *)self;
}

int ndapy_array_check(PyObject *obj) { return PyObject_TypeCheck(obj, &ndapy_array_base_type); }

int ndapy_array_require_writeable(PyObject *obj, const char *message)
{
    if (!(((ndapy_array *)obj)->flags & NDAPY_READONLY)) return 0;
    PyErr_SetString(PyExc_ValueError, message);
    return -1;
}

void ndapy_array_set_view_of(PyObject *view, PyObject *src)
{
    ndapy_array *v = (ndapy_array *)view, *s = (ndapy_array *)src;
    PyObject *owner = s->base ? s->base : src;
    Py_INCREF(owner);
    Py_XSETREF(v->base, owner);
    v->flags = s->flags & NDAPY_READONLY;
}

nda_array *ndapy_array_get(PyObject *obj)
{
    if (!ndapy_array_check(obj) || !((ndapy_array *)obj)->arr) {
        PyErr_Format(PyExc_TypeError, "expected an ndaccel.ndarray, got %s", Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return ((ndapy_array *)obj)->arr;
}

static void array_dealloc(ndapy_array *self)
{
    int held = ndapy_lock_acquire(); /* lock.h */
    nda_array_free(self->arr);
    if (held) ndapy_lock_release();
    Py_CLEAR(self->base); /* after the lock: the base's own dealloc takes it */
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *array_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)type; (void)args; (void)kwds;
    PyErr_SetString(PyExc_TypeError,
                    "ndaccel.ndarray cannot be constructed directly; use ndaccel.empty, "
                    "ndaccel.zeros or ndaccel.asarray");
    return NULL;
}

static PyObject *get_shape(ndapy_array *s, void *c) { (void)c; return ndapy_tuple_from_i64(s->arr->ndim, s->arr->shape); }
/* s adopts the layout (offset, ndim, shape, strides) of v, a view of the
 * same buffer. 0, or -1 with an exception. */
static int adopt_layout(ndapy_array *s, PyObject *v)
{
    nda_array *va = ndapy_array_get(v);
    if (!va || va->buffer != s->arr->buffer || va->dtype != s->arr->dtype) {
        if (va) PyErr_SetString(PyExc_RuntimeError, "adopt layout: the view has another buffer or dtype");
        return -1;
    }
    /* Another thread may be reading the array in a _core function. */
    if (!ndapy_lock_acquire()) {
        PyErr_SetString(PyExc_RuntimeError, "ndaccel: shutting down");
        return -1;
    }
    s->arr->offset = va->offset;
    s->arr->ndim = va->ndim;
    memcpy(s->arr->shape, va->shape, sizeof(int64_t) * (size_t)va->ndim);
    memcpy(s->arr->strides, va->strides, sizeof(int64_t) * (size_t)va->ndim);
    ndapy_lock_release();
    return 0;
}

/* a.shape = shape: a no-copy view of the array with the new shape (Python
 * `_shape_view`: NumPy's errors) whose layout the array then adopts. */
static int set_shape(ndapy_array *s, PyObject *value, void *c)
{
    (void)c;
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "Cannot delete array shape");
        return -1;
    }
    PyObject *v = PyObject_CallMethod((PyObject *)s, "_shape_view", "(O)", value);
    if (!v) return -1;
    int r = adopt_layout(s, v);
    Py_DECREF(v);
    return r;
}

/* a._adopt_layout(view): the array takes the offset, shape and strides of
 * a view of its own buffer (e.g. its transpose), staying the owner: how a
 * copy keeps a Fortran or other axis order (ndaccel/_pickling.py). */
static PyObject *adopt_layout_method(ndapy_array *s, PyObject *view)
{
    if (adopt_layout(s, view) < 0) return NULL;
    Py_RETURN_NONE;
}

/* a._swap_storage(b): a and b exchange their storage (buffer, offset, shape,
 * strides), after both are computed and every pending reader of either
 * buffer too; same dtype and device, and neither may be a view (a .base).
 * How ndarray.resize grows an array past its buffer: b, fresh, holds the
 * new storage and takes the old one away (views of a keep the old buffer
 * alive and see its old values, NumPy's refcheck=False case made safe). */
static PyObject *swap_storage_method(ndapy_array *s, PyObject *o_obj)
{
    nda_array *oa = ndapy_array_get(o_obj);
    if (!oa) return NULL;
    ndapy_array *o = (ndapy_array *)o_obj;
    if (s->base || o->base) {
        PyErr_SetString(PyExc_ValueError, "swap storage: views do not own their storage");
        return NULL;
    }
    if (oa->dtype != s->arr->dtype || oa->device != s->arr->device) {
        PyErr_SetString(PyExc_ValueError, "swap storage: the arrays differ in dtype or device");
        return NULL;
    }
    if (!ndapy_lock_acquire()) return PyErr_Format(PyExc_RuntimeError, "ndaccel: shutting down");
    int rc = nda_array_materialize(s->arr);
    if (rc == NDA_OK) rc = nda_array_materialize(oa);
    if (rc == NDA_OK) rc = nda_array_flush_readers(s->arr);
    if (rc == NDA_OK) rc = nda_array_flush_readers(oa);
    if (rc == NDA_OK) {
        o->arr = s->arr;
        s->arr = oa;
    }
    ndapy_lock_release();
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *get_strides(ndapy_array *s, void *c) { (void)c; return ndapy_tuple_from_i64(s->arr->ndim, s->arr->strides); }
static PyObject *get_ndim(ndapy_array *s, void *c) { (void)c; return PyLong_FromLong(s->arr->ndim); }
static PyObject *get_size(ndapy_array *s, void *c) { (void)c; return PyLong_FromLongLong(nda_array_size(s->arr)); }
static PyObject *get_itemsize(ndapy_array *s, void *c) { (void)c; return PyLong_FromSize_t(nda_dtype_itemsize(s->arr->dtype)); }
static PyObject *get_nbytes(ndapy_array *s, void *c)
{
    (void)c;
    return PyLong_FromLongLong(nda_array_size(s->arr) * (long long)nda_dtype_itemsize(s->arr->dtype));
}
static PyObject *get_dtype(ndapy_array *s, void *c)
{
    (void)c;
    return (PyObject *)PyArray_DescrFromType(ndapy_typenum_from_dtype(s->arr->dtype));
}
static PyObject *get_dtype_code(ndapy_array *s, void *c) { (void)c; return PyLong_FromLong(s->arr->dtype); }
static PyObject *get_offset(ndapy_array *s, void *c) { (void)c; return PyLong_FromSize_t(s->arr->offset); }
static PyObject *get_device_id(ndapy_array *s, void *c) { (void)c; return PyUnicode_FromString(nda_device_id(s->arr->device)); }
static PyObject *get_buffer_id(ndapy_array *s, void *c)
{
    (void)c;
    if (!ndapy_lock_acquire()) return PyErr_Format(PyExc_RuntimeError, "ndaccel: shutting down");
    int rc = nda_array_materialize(s->arr);
    ndapy_lock_release();
    if (rc != NDA_OK) return ndapy_raise(rc);
    return PyLong_FromVoidPtr(s->arr->buffer);
}
static PyObject *get_buffer_bytes(ndapy_array *s, void *c)
{
    (void)c;
    if (!ndapy_lock_acquire()) return PyErr_Format(PyExc_RuntimeError, "ndaccel: shutting down");
    int rc = nda_array_materialize(s->arr);
    ndapy_lock_release();
    if (rc != NDA_OK) return ndapy_raise(rc);
    return PyLong_FromSize_t(s->arr->buffer->capacity);
}
static PyObject *get_is_lazy(ndapy_array *s, void *c) { (void)c; return PyBool_FromLong(s->arr->lazy != NULL); }
/* NumPy's .base: the owning array of a view, None for an owner. */
static PyObject *get_base(ndapy_array *s, void *c)
{
    (void)c;
    PyObject *b = s->base ? s->base : Py_None;
    Py_INCREF(b);
    return b;
}
static PyObject *get_flag(ndapy_array *s, void *bit) { return PyBool_FromLong(!(s->flags & (int)(intptr_t)bit)); }
/* Raw flag bits (no policy: NumPy's setflags rules are in ndaccel/_flags.py). */
static int set_flag(ndapy_array *s, PyObject *value, void *bit)
{
    int on = value ? PyObject_IsTrue(value) : -1;
    if (on < 0) {
        if (!value) PyErr_SetString(PyExc_AttributeError, "cannot delete a flag");
        return -1;
    }
    s->flags = on ? s->flags & ~(int)(intptr_t)bit : s->flags | (int)(intptr_t)bit;
    return 0;
}
static PyObject *get_c_contig(ndapy_array *s, void *c) { (void)c; return PyBool_FromLong(nda_array_is_c_contiguous(s->arr)); }
static PyObject *get_f_contig(ndapy_array *s, void *c) { (void)c; return PyBool_FromLong(nda_array_is_f_contiguous(s->arr)); }

static PyGetSetDef array_getset[] = {
    {"shape", (getter)get_shape, (setter)set_shape, "Tuple of array dimensions.", NULL},
    {"strides", (getter)get_strides, NULL, "Tuple of bytes to step in each dimension.", NULL},
    {"ndim", (getter)get_ndim, NULL, "Number of array dimensions.", NULL},
    {"size", (getter)get_size, NULL, "Number of elements.", NULL},
    {"itemsize", (getter)get_itemsize, NULL, "Bytes per element.", NULL},
    {"nbytes", (getter)get_nbytes, NULL, "Bytes of the elements.", NULL},
    {"dtype", (getter)get_dtype, NULL, "NumPy dtype of the elements.", NULL},
    {"_dtype_code", (getter)get_dtype_code, NULL, NULL, NULL},
    {"_offset", (getter)get_offset, NULL, "Byte offset of element 0 in the buffer.", NULL},
    {"_device_id", (getter)get_device_id, NULL, NULL, NULL},
    {"_buffer_id", (getter)get_buffer_id, NULL, NULL, NULL},
    {"_buffer_bytes", (getter)get_buffer_bytes, NULL, NULL, NULL},
    {"_is_lazy", (getter)get_is_lazy, NULL, "Whether the values are still pending (fusion).", NULL},
    {"_c_contiguous", (getter)get_c_contig, NULL, NULL, NULL},
    {"_f_contiguous", (getter)get_f_contig, NULL, NULL, NULL},
    {"base", (getter)get_base, NULL, "Base object if memory is from some other object.", NULL},
    {"_writeable", (getter)get_flag, (setter)set_flag, NULL, (void *)(intptr_t)NDAPY_READONLY},
    {"_aligned", (getter)get_flag, (setter)set_flag, NULL, (void *)(intptr_t)NDAPY_UNALIGNED},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef array_methods[] = {
    {"_adopt_layout", (PyCFunction)adopt_layout_method, METH_O, NULL},
    {"_swap_storage", (PyCFunction)swap_storage_method, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

PyTypeObject ndapy_array_base_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ndaccel._core.ndarray_base",
    .tp_basicsize = sizeof(ndapy_array),
    .tp_dealloc = (destructor)array_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Device array storage (base of ndaccel.ndarray).",
    .tp_getset = array_getset,
    .tp_as_number = &ndapy_array_number,
    .tp_richcompare = ndapy_array_richcompare,
    .tp_methods = array_methods,
    .tp_new = array_new,
};

/* Zero-copy exchange of device memory with other libraries.
 *
 * Export (the array is the producer):
 *   device_address(arr, written)  element 0's device address (CUDA), for
 *                                 __cuda_array_interface__;
 *   dlpack_export(arr, written, versioned)  a DLPack capsule over the
 *                                 array's own memory: CUDA device memory
 *                                 (kDLCUDA), or on a device whose memory is
 *                                 host memory (backend memory_kind
 *                                 NDA_MEMORY_HOST: PoCL's CPU device) a
 *                                 mapped host pointer (kDLCPU).
 * Contract of both: the array's pending values are computed first; when
 * `written` (the consumer may write), pending expressions that read the
 * buffer run first too, so they never see the consumer's writes; the
 * device is then synchronised, so the memory holds the values when it is
 * handed out (no stream is left for the consumer to wait on). The memory
 * stays valid while the consumer holds the address's array (CAI) or the
 * DLPack tensor, whose deleter unmaps and drops the buffer reference.
 * ndaccel's later writes reach the consumer's view once they have run
 * (lazy expressions run when read or synchronised).
 *
 * Import (the array is the consumer):
 *   dlpack_describe(capsule)      the fields of a DLPack tensor;
 *   foreign_array(device, owner, address, typenum, shape, strides)
 *                                 an ndaccel array over another library's
 *                                 device memory (backend buffer_wrap),
 *                                 which keeps `owner` alive until the last
 *                                 array over the memory is gone;
 *   memory_kind(device), device_stream(device),
 *   foreign_stream_wait(device, stream)  what the Python side needs to
 *                                 choose and order an exchange. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "nda/array.h"
#include "nda/backend.h"
#include "nda/device.h"
#include "nda/dtype.h"
#include "nda/error.h"

#include <stdlib.h>
#include <string.h>

#include "array_object.h"
#include "convert.h"
#include "lock.h"

/* [lo, hi): the bytes the elements of a occupy, relative to the buffer
 * start (strides may be negative). Only for a non-empty array. */
static void byte_span(const nda_array *a, size_t *lo, size_t *hi)
{
    int64_t min = 0, max = 0;
    for (int i = 0; i < a->ndim; i++) {
        int64_t reach = (a->shape[i] - 1) * a->strides[i];
        if (reach < 0)
            min += reach;
        else
            max += reach;
    }
    *lo = (size_t)((int64_t)a->offset + min);
    *hi = (size_t)((int64_t)a->offset + max) + nda_dtype_itemsize(a->dtype);
}

static PyObject *py_device_address(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj;
    int written = 0, rc;
    if (!PyArg_ParseTuple(args, "O|p", &obj, &written))
        return NULL;
    nda_array *a = ndapy_array_get(obj);
    if (a == NULL)
        return NULL;
    const nda_backend_ops *ops = nda_device_ops(a->device);
    if (ops->abi_version < 4 || ops->buffer_address == NULL) {
        PyErr_Format(PyExc_BufferError, "%s: %s buffers have no device address another "
                     "library could use", nda_device_id(a->device), ops->name);
        return NULL;
    }
    if ((rc = nda_array_materialize(a)) != NDA_OK)
        return ndapy_raise(rc);
    if (written && (rc = nda_array_flush_readers(a)) != NDA_OK)
        return ndapy_raise(rc);
    if (nda_array_size(a) == 0 || a->buffer == NULL)
        return PyLong_FromLong(0);
    size_t lo, hi;
    uint64_t addr = 0;
    byte_span(a, &lo, &hi);
    rc = ops->buffer_address(nda_device_local_index(a->device), a->buffer->handle, lo, hi - lo,
                             &addr);
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_BEGIN_ALLOW_THREADS
    rc = nda_device_synchronize(a->device);
    Py_END_ALLOW_THREADS
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    return PyLong_FromUnsignedLongLong(addr + (a->offset - lo));
}

/* ---- DLPack (dlpack.h, version 1.1; only the ABI this file uses) ---- */

enum { KDL_CPU = 1, KDL_CUDA = 2 };
enum { KDL_INT = 0, KDL_UINT = 1, KDL_FLOAT = 2, KDL_COMPLEX = 5, KDL_BOOL = 6 };
#define DLPACK_FLAG_READ_ONLY 1ULL

typedef struct { int32_t device_type, device_id; } dl_device;
typedef struct { uint8_t code, bits; uint16_t lanes; } dl_dtype;
typedef struct {
    void *data;
    dl_device device;
    int32_t ndim;
    dl_dtype dtype;
    int64_t *shape, *strides; /* strides in elements; NULL: C-contiguous */
    uint64_t byte_offset;
} dl_tensor;
typedef struct dl_managed {
    dl_tensor t;
    void *ctx;
    void (*deleter)(struct dl_managed *);
} dl_managed;
typedef struct dl_managed_v {
    struct { uint32_t major, minor; } version;
    void *ctx;
    void (*deleter)(struct dl_managed_v *);
    uint64_t flags;
    dl_tensor t;
} dl_managed_v;

static const char CAPSULE_V[] = "dltensor_versioned", CAPSULE_0[] = "dltensor";

/* What an exported tensor holds on to (its manager context). */
typedef struct export_ctx {
    PyObject *owner;     /* the array object (keeps the library and device up) */
    nda_buffer *buffer;  /* one reference (nda_buffer_retain) */
    void *mapped;        /* buffer_map's pointer, or NULL (CUDA address) */
    int64_t shape[NDA_MAXDIMS], strides[NDA_MAXDIMS];
    union { dl_managed m0; dl_managed_v m1; } managed;
    int versioned;
} export_ctx;

/* The tensor's deleter: any thread, GIL held or not (DLPack's contract). */
static void export_ctx_free(export_ctx *c)
{
    PyGILState_STATE g = PyGILState_Ensure();
    int locked = ndapy_lock_acquire();
    nda_device *d = c->buffer->device;
    const nda_backend_ops *ops = nda_device_ops(d);
    if (c->mapped != NULL && ops->abi_version >= 5 && ops->buffer_unmap != NULL &&
        !nda_forked_after_init())
        ops->buffer_unmap(nda_device_local_index(d), c->buffer->handle, c->mapped);
    nda_buffer_release(c->buffer);
    if (locked)
        ndapy_lock_release();
    Py_DECREF(c->owner);
    free(c);
    PyGILState_Release(g);
}

static void export_deleter_v(dl_managed_v *m) { export_ctx_free(m->ctx); }
static void export_deleter_0(dl_managed *m) { export_ctx_free(m->ctx); }

/* A capsule nobody consumed (still under its first name) deletes its tensor. */
static void export_capsule_destructor(PyObject *cap)
{
    if (PyCapsule_IsValid(cap, CAPSULE_V)) {
        dl_managed_v *m = PyCapsule_GetPointer(cap, CAPSULE_V);
        m->deleter(m);
    } else if (PyCapsule_IsValid(cap, CAPSULE_0)) {
        dl_managed *m = PyCapsule_GetPointer(cap, CAPSULE_0);
        m->deleter(m);
    }
}

static void dl_dtype_of(nda_dtype t, dl_dtype *out)
{
    static const uint8_t codes[] = {[NDA_KIND_BOOL] = KDL_BOOL, [NDA_KIND_UINT] = KDL_UINT,
                                    [NDA_KIND_INT] = KDL_INT, [NDA_KIND_FLOAT] = KDL_FLOAT,
                                    [NDA_KIND_COMPLEX] = KDL_COMPLEX};
    *out = (dl_dtype){codes[nda_dtype_kind(t)], (uint8_t)(8 * nda_dtype_itemsize(t)), 1};
}

static PyObject *py_dlpack_export(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj;
    int written = 0, versioned = 1, rc, kind = NDA_MEMORY_DEVICE;
    if (!PyArg_ParseTuple(args, "Opp", &obj, &written, &versioned))
        return NULL;
    nda_array *a = ndapy_array_get(obj);
    if (a == NULL)
        return NULL;
    nda_device *d = a->device;
    const nda_backend_ops *ops = nda_device_ops(d);
    int dev = nda_device_local_index(d);
    int has_address = ops->abi_version >= 4 && ops->buffer_address != NULL;
    if (ops->abi_version >= 5 && ops->memory_kind != NULL &&
        (rc = ops->memory_kind(dev, &kind)) != NDA_OK)
        return ndapy_raise(rc);
    int mappable = kind == NDA_MEMORY_HOST && ops->buffer_map != NULL &&
                   ops->buffer_unmap != NULL;
    if (!has_address && !mappable) {
        PyErr_Format(PyExc_BufferError, "%s: %s buffers are neither addresses nor host memory: "
                     "no zero-copy DLPack export", nda_device_id(d), ops->name);
        return NULL;
    }
    dl_dtype dt;
    dl_dtype_of(a->dtype, &dt);
    if ((rc = nda_array_materialize(a)) != NDA_OK)
        return ndapy_raise(rc);
    if (written && (rc = nda_array_flush_readers(a)) != NDA_OK)
        return ndapy_raise(rc);
    Py_BEGIN_ALLOW_THREADS
    rc = nda_device_synchronize(d);
    Py_END_ALLOW_THREADS
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    export_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return PyErr_NoMemory();
    dl_tensor t = {.ndim = a->ndim, .dtype = dt, .shape = c->shape, .strides = c->strides,
                   .byte_offset = a->offset};
    size_t isz = nda_dtype_itemsize(a->dtype);
    for (int i = 0; i < a->ndim; i++) {
        c->shape[i] = a->shape[i];
        c->strides[i] = a->strides[i] / (int64_t)isz;
    }
    nda_buffer *b = a->buffer;
    if (b != NULL && has_address) {
        uint64_t addr = 0;
        if ((rc = ops->buffer_address(dev, b->handle, 0, b->capacity, &addr)) != NDA_OK) {
            free(c);
            return ndapy_raise(rc);
        }
        t.data = (void *)(uintptr_t)addr;
        t.device = (dl_device){KDL_CUDA, dev};
    } else if (b != NULL) {
        void *host = NULL;
        Py_BEGIN_ALLOW_THREADS
        rc = ops->buffer_map(dev, b->handle, 0, b->capacity, &host);
        Py_END_ALLOW_THREADS
        if (rc != NDA_OK) {
            free(c);
            return ndapy_raise(rc);
        }
        c->mapped = t.data = host;
        t.device = (dl_device){KDL_CPU, 0};
    } else {
        t.device = has_address ? (dl_device){KDL_CUDA, dev} : (dl_device){KDL_CPU, 0};
        t.byte_offset = 0; /* an empty array without storage */
    }
    c->owner = obj;
    Py_INCREF(obj);
    c->buffer = b;
    if (b != NULL)
        nda_buffer_retain(b);
    c->versioned = versioned;
    void *ptr;
    if (versioned) {
        c->managed.m1 = (dl_managed_v){.version = {1, 1}, .ctx = c, .deleter = export_deleter_v,
                                       .t = t};
        ndapy_array *pa = (ndapy_array *)obj;
        if (pa->flags & NDAPY_READONLY)
            c->managed.m1.flags |= DLPACK_FLAG_READ_ONLY;
        ptr = &c->managed.m1;
    } else {
        c->managed.m0 = (dl_managed){.t = t, .ctx = c, .deleter = export_deleter_0};
        ptr = &c->managed.m0;
    }
    PyObject *cap = PyCapsule_New(ptr, versioned ? CAPSULE_V : CAPSULE_0,
                                  export_capsule_destructor);
    if (cap == NULL) {
        if (c->buffer == NULL) {
            Py_DECREF(obj);
            free(c);
        } else {
            export_ctx_free(c);
        }
    }
    return cap;
}

/* dlpack_describe(capsule): (device_type, device_id, address of element 0,
 * (code, bits, lanes), shape, strides in elements or None, read_only). The
 * capsule is left as it is: whoever keeps it keeps the tensor alive, and
 * its producer's destructor deletes the tensor when it goes. */
static PyObject *py_dlpack_describe(PyObject *self, PyObject *cap)
{
    (void)self;
    const dl_tensor *t;
    int readonly = 0;
    if (PyCapsule_IsValid(cap, CAPSULE_V)) {
        const dl_managed_v *m = PyCapsule_GetPointer(cap, CAPSULE_V);
        if (m->version.major != 1) {
            PyErr_Format(PyExc_BufferError, "DLPack tensor of version %u.%u: only 1.x is read",
                         m->version.major, m->version.minor);
            return NULL;
        }
        t = &m->t;
        readonly = (m->flags & DLPACK_FLAG_READ_ONLY) != 0;
    } else if (PyCapsule_IsValid(cap, CAPSULE_0)) {
        t = &((const dl_managed *)PyCapsule_GetPointer(cap, CAPSULE_0))->t;
    } else {
        PyErr_SetString(PyExc_BufferError, "not a DLPack capsule (or one already consumed)");
        return NULL;
    }
    if (t->ndim < 0 || t->ndim > NDA_MAXDIMS || (t->ndim > 0 && t->shape == NULL)) {
        PyErr_Format(PyExc_BufferError, "DLPack tensor with %d dimensions", (int)t->ndim);
        return NULL;
    }
    PyObject *shape = ndapy_tuple_from_i64(t->ndim, t->shape);
    PyObject *strides = t->strides != NULL ? ndapy_tuple_from_i64(t->ndim, t->strides)
                                           : Py_NewRef(Py_None);
    if (shape == NULL || strides == NULL) {
        Py_XDECREF(shape);
        Py_XDECREF(strides);
        return NULL;
    }
    return Py_BuildValue("iiK(iii)NNO", (int)t->device.device_type, (int)t->device.device_id,
                         (unsigned long long)((uintptr_t)t->data + t->byte_offset),
                         (int)t->dtype.code, (int)t->dtype.bits, (int)t->dtype.lanes, shape,
                         strides, readonly ? Py_True : Py_False);
}

static int device_arg(const char *id, nda_device **d, const nda_backend_ops **ops)
{
    int rc = nda_device_find(id, d);
    if (rc != NDA_OK) {
        ndapy_raise(rc);
        return -1;
    }
    *ops = nda_device_ops(*d);
    return 0;
}

/* Lets go of a foreign array's owner (nda_buffer.release): any thread. */
static void owner_release(void *owner)
{
    PyGILState_STATE g = PyGILState_Ensure();
    Py_DECREF((PyObject *)owner);
    PyGILState_Release(g);
}

static PyObject *py_foreign_array(PyObject *self, PyObject *args)
{
    (void)self;
    const char *id;
    PyObject *owner, *shape_obj, *strides_obj;
    unsigned long long address;
    int typenum, ndim, rc;
    int64_t shape[NDA_MAXDIMS], strides[NDA_MAXDIMS];
    nda_device *d;
    const nda_backend_ops *ops;
    if (!PyArg_ParseTuple(args, "sOKiOO", &id, &owner, &address, &typenum, &shape_obj,
                          &strides_obj) ||
        device_arg(id, &d, &ops) < 0 || ndapy_shape_from_object(shape_obj, &ndim, shape) < 0)
        return NULL;
    int t = ndapy_dtype_from_typenum(typenum);
    if (t < 0) {
        PyErr_SetString(PyExc_BufferError, "foreign memory of a dtype ndaccel does not have");
        return NULL;
    }
    size_t isz = nda_dtype_itemsize((nda_dtype)t);
    if (strides_obj == Py_None) {
        int64_t st = (int64_t)isz;
        for (int i = ndim - 1; i >= 0; i--) {
            strides[i] = st;
            st *= shape[i] ? shape[i] : 1;
        }
    } else {
        PyObject *seq = PySequence_Fast(strides_obj, "foreign memory: strides must be a sequence");
        if (seq == NULL)
            return NULL;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        for (Py_ssize_t i = 0; i < n && i < ndim; i++)
            strides[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i)); /* may be < 0 */
        Py_DECREF(seq);
        if (PyErr_Occurred())
            return NULL;
        if (n != ndim) {
            PyErr_SetString(PyExc_BufferError, "foreign memory: strides and shape differ in length");
            return NULL;
        }
    }
    if (ops->abi_version < 5 || ops->buffer_wrap == NULL) {
        PyErr_Format(PyExc_BufferError, "%s: the %s backend cannot use another library's "
                     "memory", id, ops->name);
        return NULL;
    }
    /* The wrapped span starts at the lowest element (strides may be negative). */
    int64_t lo = 0, hi = 0, n = 1;
    for (int i = 0; i < ndim; i++) {
        n *= shape[i];
        int64_t reach = (shape[i] - 1) * strides[i];
        if (reach < 0) lo += reach; else hi += reach;
    }
    if (n == 0)
        lo = hi = 0;
    if (n > 0 && address == 0) {
        PyErr_SetString(PyExc_BufferError, "foreign memory: NULL address");
        return NULL;
    }
    void *handle = NULL;
    size_t nbytes = n == 0 ? 0 : (size_t)(hi - lo) + isz;
    if (n > 0 && (rc = ops->buffer_wrap(nda_device_local_index(d), address + (uint64_t)lo,
                                        nbytes, &handle)) != NDA_OK)
        return ndapy_raise(rc);
    if (n == 0) {
        nda_array *e;
        if ((rc = nda_array_empty(d, (nda_dtype)t, ndim, shape, &e)) != NDA_OK)
            return ndapy_raise(rc);
        return ndapy_array_wrap(e);
    }
    nda_array *a;
    Py_INCREF(owner);
    rc = nda_array_from_foreign(d, handle, nbytes, owner_release, owner, (nda_dtype)t, ndim,
                                shape, strides, (size_t)(-lo), &a);
    if (rc != NDA_OK)
        return ndapy_raise(rc); /* the handle is freed and owner released */
    return ndapy_array_wrap(a);
}

static PyObject *py_memory_kind(PyObject *self, PyObject *args)
{
    (void)self;
    const char *id;
    nda_device *d;
    const nda_backend_ops *ops;
    int kind = NDA_MEMORY_DEVICE, rc;
    if (!PyArg_ParseTuple(args, "s", &id) || device_arg(id, &d, &ops) < 0)
        return NULL;
    if (ops->abi_version >= 5 && ops->memory_kind != NULL &&
        (rc = ops->memory_kind(nda_device_local_index(d), &kind)) != NDA_OK)
        return ndapy_raise(rc);
    return PyUnicode_FromString(kind == NDA_MEMORY_HOST ? "host" : "device");
}

/* The device's one CUDA stream as an integer (what a DLPack producer is
 * asked to order its work before); BufferError off CUDA. */
static PyObject *py_device_stream(PyObject *self, PyObject *args)
{
    (void)self;
    const char *id;
    nda_device *d;
    const nda_backend_ops *ops;
    nda_native_queue q;
    int rc;
    if (!PyArg_ParseTuple(args, "s", &id) || device_arg(id, &d, &ops) < 0)
        return NULL;
    if (ops->abi_version < 4 || ops->native_enter == NULL) {
        PyErr_Format(PyExc_BufferError, "%s has no stream another library could use", id);
        return NULL;
    }
    if ((rc = ops->native_enter(nda_device_local_index(d), &q)) != NDA_OK)
        return ndapy_raise(rc);
    ops->native_leave(nda_device_local_index(d));
    return PyLong_FromVoidPtr(q.queue);
}

static PyObject *py_foreign_stream_wait(PyObject *self, PyObject *args)
{
    (void)self;
    const char *id;
    unsigned long long stream;
    nda_device *d;
    const nda_backend_ops *ops;
    int rc;
    if (!PyArg_ParseTuple(args, "sK", &id, &stream) || device_arg(id, &d, &ops) < 0)
        return NULL;
    if (ops->abi_version < 5 || ops->foreign_stream_wait == NULL) {
        PyErr_Format(PyExc_BufferError, "%s cannot wait for another library's stream", id);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = ops->foreign_stream_wait(nda_device_local_index(d), stream);
    Py_END_ALLOW_THREADS
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyMethodDef exchange_methods[] = {
    {"device_address", py_device_address, METH_VARARGS,
     "device_address(arr, written=False): the device address of element 0 (CUDA)."},
    {"dlpack_export", py_dlpack_export, METH_VARARGS,
     "dlpack_export(arr, written, versioned): a DLPack capsule over the array's memory."},
    {"dlpack_describe", py_dlpack_describe, METH_O,
     "dlpack_describe(capsule): the fields of a DLPack tensor."},
    {"foreign_array", py_foreign_array, METH_VARARGS,
     "foreign_array(device, owner, address, typenum, shape, strides): an array over another "
     "library's device memory."},
    {"memory_kind", py_memory_kind, METH_VARARGS, "memory_kind(device): 'host' or 'device'."},
    {"device_stream", py_device_stream, METH_VARARGS, "device_stream(device): the CUDA stream."},
    {"foreign_stream_wait", py_foreign_stream_wait, METH_VARARGS,
     "foreign_stream_wait(device, stream): waits for another library's stream."},
    {NULL, NULL, 0, NULL},
};

int ndapy_exchange_register(PyObject *module)
{
    return ndapy_add_locked_functions(module, exchange_methods);
}

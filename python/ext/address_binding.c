/* _core.device_address(arr, written): the device address of an array's
 * element 0, for zero-copy exchange with other libraries
 * (__cuda_array_interface__). Only backends whose buffers are addresses
 * (CUDA; backend ABI >= 4, buffer_address) have one: elsewhere BufferError.
 *
 * Contract: the array's pending values are computed first; when `written`
 * (the consumer may write), pending expressions that read the buffer run
 * first too, so they never see the consumer's writes; the device is then
 * synchronised, so the memory holds the values when the address is handed
 * out (the interface's stream is None). The address stays valid while the
 * array object lives (the consumer keeps a reference to it). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "nda/array.h"
#include "nda/backend.h"
#include "nda/device.h"
#include "nda/dtype.h"
#include "nda/error.h"

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

static PyMethodDef address_methods[] = {
    {"device_address", py_device_address, METH_VARARGS,
     "device_address(arr, written=False): the device address of element 0 (CUDA); see "
     "address_binding.c."},
    {NULL, NULL, 0, NULL},
};

int ndapy_address_register(PyObject *module)
{
    return ndapy_add_locked_functions(module, address_methods);
}

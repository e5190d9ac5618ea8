#include "random_binding.h"

#include "nda/error.h"
#include "nda/random.h"
#include "array_object.h"
#include "convert.h"

PyObject *ndapy_random_fill(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *out_obj;
    int dist;
    unsigned long k0, k1;
    unsigned long long stream, range;
    long long low;
    if (!PyArg_ParseTuple(args, "OCkkKLK", &out_obj, &dist, &k0, &k1, &stream, &low, &range))
        return NULL;
    nda_array *out = ndapy_array_get(out_obj);
    if (!out || ndapy_array_require_writeable(out_obj, "output array is read-only") < 0) return NULL;
    if (k0 > 0xffffffffUL || k1 > 0xffffffffUL) {
        PyErr_SetString(PyExc_ValueError, "random_fill: key words must be uint32");
        return NULL;
    }
    uint32_t key[2] = {(uint32_t)k0, (uint32_t)k1};
    int rc = nda_random_fill(out, dist, key, (uint64_t)stream, (int64_t)low, (uint64_t)range);
    if (rc != NDA_OK) return ndapy_raise(rc);
    Py_RETURN_NONE;
}

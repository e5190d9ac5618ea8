/* NumPy's own inner loops for the core's host evaluator (nda/host_eval.h):
 * the float32 and float64 loops of NumPy's math ufuncs, registered at import
 * in place of the C library's. The host loops then give NumPy's bits at
 * NumPy's (SIMD) speed on CPU devices whose memory is host memory: exp over
 * 64k float64 took 73 us as a kernel waited for, NumPy 55, and the host
 * evaluator with glibc's exp (scalar) would take ~200 us. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define PY_ARRAY_UNIQUE_SYMBOL ndaccel_ARRAY_API
#define NO_IMPORT_ARRAY
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>

#include "nda/dtype.h"
#include "nda/host_eval.h"
#include "numpy_loops.h"

/* The ufuncs whose loops the host evaluator takes (its math functions). */
static const char *const NAMES[] = {
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "cbrt", "power", "arctan2", "hypot",
};

/* Registers uf's loop whose every argument has NumPy type number `num`, if
 * it has one. */
static void use_loop(const char *name, PyUFuncObject *uf, int num, nda_dtype t)
{
    int nargs = uf->nin + uf->nout;
    if (uf->nout != 1 || !uf->types || !uf->functions) return;
    for (int i = 0; i < uf->ntypes; i++) {
        int k = 0;
        while (k < nargs && uf->types[i * nargs + k] == num) k++;
        if (k == nargs && uf->functions[i]) {
            (void)nda_host_eval_use_loop(name, t, (nda_host_strided_loop)uf->functions[i],
                                         uf->data ? uf->data[i] : NULL);
            return;
        }
    }
}

int ndapy_numpy_loops_register(void)
{
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np) return -1;
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        PyObject *uf = PyObject_GetAttrString(np, NAMES[i]);
        if (!uf) {
            PyErr_Clear();
            continue;
        }
        /* numpy.ufunc's own instances only (no subclass or wrapper) */
        if (strcmp(Py_TYPE(uf)->tp_name, "numpy.ufunc") == 0) {
            use_loop(NAMES[i], (PyUFuncObject *)uf, NPY_FLOAT, NDA_FLOAT32);
            use_loop(NAMES[i], (PyUFuncObject *)uf, NPY_DOUBLE, NDA_FLOAT64);
        }
        Py_DECREF(uf); /* numpy keeps the ufunc, and so its loops, alive */
    }
    Py_DECREF(np);
    return 0;
}

/* The library lock from Python (see lock.h for the discipline). */
#include "lock.h"

#include <string.h>

#include "convert.h"
#include "nda/device.h"

/* The thread holding the library lock and how many levels it holds. Both
 * are read and written only with the GIL held (every acquire and release
 * happens with it), so the GIL orders them: no thread-local storage, no
 * atomics on the fast path. */
static PyThreadState *g_owner;
static int g_depth;

static int interpreter_finalizing(void)
{
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsFinalizing();
#else
    return _Py_IsFinalizing();
#endif
}

/* 1 when held; 0 only while the interpreter shuts down and another (daemon)
 * thread holds the lock: that thread may never run again, so waiting could
 * hang the exit. */
static int lock_acquire(void)
{
    PyThreadState *me = PyThreadState_Get();
    if (g_owner == me) {
        g_depth++;
        return 1;
    }
    if (!nda_library_trylock()) {
        if (interpreter_finalizing()) return 0;
        /* Wait without the GIL: the holder may need it to finish. */
        Py_BEGIN_ALLOW_THREADS
        nda_library_lock();
        Py_END_ALLOW_THREADS
    }
    g_owner = me;
    g_depth = 1;
    return 1;
}

int ndapy_lock_acquire(void) { return lock_acquire(); }

void ndapy_lock_release(void)
{
    if (--g_depth == 0) {
        g_owner = NULL;
        nda_library_unlock();
    }
}

PyObject *ndapy_forked_after_init(PyObject *self, PyObject *noargs)
{
    (void)self; (void)noargs;
    return PyBool_FromLong(nda_forked_after_init());
}

/* ---- locked module functions ---- */

/* One wrapped function: the PyMethodDef Python calls (def) and the one it
 * forwards to. Owned by the capsule that is the function's `self`. */
typedef struct locked_fn {
    PyMethodDef def;
    PyMethodDef *inner;
    PyObject *module; /* borrowed: an extension module lives until exit */
} locked_fn;

/* The functions a process forked after the devices were initialised may
 * still call (nda/device.h, fork safety): they read only what init left
 * and take no lock but the library's. Every other one raises there, before
 * it can reach core state a vanished parent thread may have been changing. */
static int usable_after_fork(const char *name)
{
    static const char *const names[] = {"devices", "backends", "can_cast", "forked_after_init"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return 1;
    return 0;
}

static int enter(PyObject *cap, locked_fn **f)
{
    *f = PyCapsule_GetPointer(cap, NULL);
    if (!*f) return -1;
    if (nda_forked_after_init() && !usable_after_fork((*f)->inner->ml_name)) {
        ndapy_raise(nda_fork_check());
        return -1;
    }
    if (!lock_acquire()) {
        PyErr_SetString(PyExc_RuntimeError,
                        "ndaccel: the interpreter is shutting down while another thread uses the library");
        return -1;
    }
    return 0;
}

static PyObject *leave(PyObject *result)
{
    ndapy_lock_release();
    return result;
}

static PyObject *call_noargs_or_o(PyObject *cap, PyObject *arg)
{
    locked_fn *f;
    if (enter(cap, &f) < 0) return NULL;
    return leave(((PyCFunction)(void (*)(void))f->inner->ml_meth)(f->module, arg));
}

static PyObject *call_keywords(PyObject *cap, PyObject *args, PyObject *kwargs)
{
    locked_fn *f;
    if (enter(cap, &f) < 0) return NULL;
    return leave(((PyCFunctionWithKeywords)(void (*)(void))f->inner->ml_meth)(f->module, args, kwargs));
}

static PyObject *call_fast(PyObject *cap, PyObject *const *args, Py_ssize_t nargs)
{
    locked_fn *f;
    if (enter(cap, &f) < 0) return NULL;
    return leave(((_PyCFunctionFast)(void (*)(void))f->inner->ml_meth)(f->module, args, nargs));
}

static PyObject *call_fast_keywords(PyObject *cap, PyObject *const *args, Py_ssize_t nargs,
                                    PyObject *kwnames)
{
    locked_fn *f;
    if (enter(cap, &f) < 0) return NULL;
    return leave(((_PyCFunctionFastWithKeywords)(void (*)(void))f->inner->ml_meth)(f->module, args,
                                                                                 nargs, kwnames));
}

static void capsule_free(PyObject *cap) { PyMem_Free(PyCapsule_GetPointer(cap, NULL)); }

static PyObject *locked_function(PyObject *module, PyObject *modname, PyMethodDef *inner)
{
    int conv = inner->ml_flags & ~(METH_COEXIST);
    PyCFunction meth;
    switch (conv) {
    case METH_NOARGS:
    case METH_O:
    case METH_VARARGS: meth = call_noargs_or_o; break;
    case METH_VARARGS | METH_KEYWORDS: meth = (PyCFunction)(void (*)(void))call_keywords; break;
    case METH_FASTCALL: meth = (PyCFunction)(void (*)(void))call_fast; break;
    case METH_FASTCALL | METH_KEYWORDS: meth = (PyCFunction)(void (*)(void))call_fast_keywords; break;
    default:
        return PyErr_Format(PyExc_SystemError, "_core.%s: unsupported calling convention 0x%x",
                            inner->ml_name, inner->ml_flags);
    }
    locked_fn *f = PyMem_Malloc(sizeof *f);
    if (!f) return PyErr_NoMemory();
    f->def = (PyMethodDef){inner->ml_name, meth, inner->ml_flags, inner->ml_doc};
    f->inner = inner;
    f->module = module;
    PyObject *cap = PyCapsule_New(f, NULL, capsule_free);
    if (!cap) {
        PyMem_Free(f);
        return NULL;
    }
    PyObject *fn = PyCFunction_NewEx(&f->def, cap, modname);
    Py_DECREF(cap);
    return fn;
}

int ndapy_add_locked_functions(PyObject *module, PyMethodDef *defs)
{
    PyObject *modname = PyModule_GetNameObject(module);
    if (!modname) return -1;
    int rc = 0;
    for (PyMethodDef *d = defs; d->ml_name && rc == 0; d++) {
        PyObject *fn = locked_function(module, modname, d);
        if (!fn || PyModule_AddObject(module, d->ml_name, fn) < 0) {
            Py_XDECREF(fn);
            rc = -1;
        }
    }
    Py_DECREF(modname);
    return rc;
}

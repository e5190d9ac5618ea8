/* Thread safety of the extension: the library lock (nda_library_lock,
 * nda/device.h) taken from Python without deadlocking against the GIL.
 *
 * Discipline:
 *   - every _core module function runs holding the library lock (the
 *     functions are registered through ndapy_add_locked_functions, so a
 *     new entry in module.c's method table is covered without more code);
 *   - array deallocation and the array attributes that compute pending
 *     values take it with ndapy_lock_acquire / ndapy_lock_release;
 *   - the lock is only ever waited for with the GIL released, and a thread
 *     holding it may release the GIL (Py_BEGIN_ALLOW_THREADS) around device
 *     waits: other Python threads then run, and their library calls queue
 *     on the lock;
 *   - nesting on one thread (a deallocation inside a _core function, a
 *     Python callback re-entering _core) only counts depth. */
#ifndef NDAPY_LOCK_H
#define NDAPY_LOCK_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Takes one level of the library lock (the GIL held on entry and on
 * return): 1. Returns 0, taking nothing, only while the interpreter shuts
 * down and another (daemon) thread holds the lock: that thread may never
 * run again, so waiting could hang the exit; callers then go on without
 * the lock (deallocation) or raise. */
int ndapy_lock_acquire(void);
/* Releases one level taken by ndapy_lock_acquire (when it returned 1). */
void ndapy_lock_release(void);
/* Adds every function of defs (NULL-terminated) to module, each wrapped so
 * it runs holding the library lock. defs must outlive the module. 0 or -1
 * with an exception set. */
int ndapy_add_locked_functions(PyObject *module, PyMethodDef *defs);

/* _core.forked_after_init(): True in a process forked after the devices
 * were initialised, where every _core function but a few listings raises
 * RuntimeError (nda/device.h, fork safety). */
PyObject *ndapy_forked_after_init(PyObject *self, PyObject *noargs);

#endif

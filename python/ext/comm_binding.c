/* _core's communication functions: the comm plugins of nda/comm.h ("mpi",
 * "nccl") on ndaccel arrays, for the ndaccel.distributed package.
 *
 *   comm_backends()                      [(name, None or why unavailable,
 *                                          description or None)]
 *   comm_init(name, comm=None, device=None)   a Comm over the ranks of an MPI
 *                                         communicator: None (the world), a
 *                                         Fortran handle (int), or an object
 *                                         with py2f() (an mpi4py Comm);
 *                                         device: an id ("cuda:0") or None
 *                                         (the default device). Collective.
 *   comm_free(c)                         releases it (also done by GC)
 *   comm_describe(c)                     the plugin's one-line description
 *   comm_barrier(c)
 *   comm_send(c, a, peer, tag=0), comm_recv(c, a, peer, tag=0)
 *   comm_sendrecv(c, send, dest, recv, source, tag=0)   dest/source None:
 *                                         no transfer that way
 *   comm_allreduce(c, send, recv, op)    op: "sum", "prod", "max", "min",
 *                                         "logical_and", "logical_or"; recv
 *                                         may be send itself (in place)
 *   comm_allgather(c, send, recv)        recv: size * send.size elements
 *   comm_allgatherv(c, send, recv, counts)   rank r's counts[r] elements,
 *                                         packed in rank order
 *   comm_alltoall(c, send, recv)         size equal blocks each way
 *   comm_alltoallv(c, send, scounts, recv, rcounts)   packed blocks
 *   comm_ialltoallv(c, send, scounts, recv, rcounts)  the same, started: a
 *                                         CommRequest; work queued before
 *                                         comm_wait may overlap the transfer
 *                                         (it must not read recv nor write
 *                                         send). Blocking with plugins of
 *                                         comm ABI 1.
 *   comm_wait(request)                   completes it: recv holds the data
 *                                         (also done when the request is
 *                                         collected unwaited)
 *   comm_bcast(c, a, root)
 *   comm_agree(c, error=None)            every rank passes None or the
 *                                         exception it hit; all raise the
 *                                         lowest failed rank's (same class)
 *   comm_abort(c, message)               ends the job (MPI_Abort)
 *
 * Comm attributes: rank, size, plugin, device (read-only).
 *
 * Arrays must be C-contiguous ndaccel arrays on one device (received ones
 * writeable); a call's arrays share a dtype. Counts are elements. Pending
 * values are computed first, and pending expressions reading a received
 * array run before it is overwritten. Transfers are ordered on the
 * device's queue (nda/comm.h): later work sees the data.
 *
 * Errors agree across ranks in collectives: the checks here run on every
 * rank and the outcome is agreed (comm_agree) before the plugin is called
 * (which agrees on counts, dtypes, ops and roots itself), so bad input on
 * one rank raises on every rank ("rank R of N: ..."), with the exception
 * class the failing rank had, instead of leaving the others waiting.
 * Point-to-point calls raise locally: a rank that fails there leaves its
 * peer waiting, so callers abort (comm_abort) on errors they cannot
 * recover from. The GIL is released while a call waits for other ranks. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdint.h>
#include <string.h>

#include "array_object.h"
#include "convert.h"
#include "lock.h"
#include "nda/comm.h"
#include "nda/comm_registry.h"
#include "nda/device.h"
#include "nda/error.h"

typedef struct {
    PyObject_HEAD
    const nda_comm_ops *ops;
    void *handle;         /* NULL once freed */
    nda_device *device;   /* the device given at init */
    int rank, size;
    int in_flight;        /* started exchanges not waited for yet */
    char plugin[32];
} ndapy_comm;

static PyTypeObject ndapy_comm_type;

/* ---- helpers ---- */

static ndapy_comm *comm_get(PyObject *o)
{
    ndapy_comm *c;
    if (!PyObject_TypeCheck(o, &ndapy_comm_type)) {
        PyErr_Format(PyExc_TypeError, "expected a Comm (from comm_init), got %s",
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    c = (ndapy_comm *)o;
    if (c->handle == NULL) {
        PyErr_SetString(PyExc_ValueError, "the communicator was freed");
        return NULL;
    }
    return c;
}

/* The NDA code for a Python exception (the inverse of ndapy_raise). */
static int comm_code_of(PyObject *exc)
{
    PyObject *t = PyExceptionInstance_Check(exc) ? (PyObject *)Py_TYPE(exc) : exc;
    if (PyType_Check(t) && strcmp(((PyTypeObject *)t)->tp_name, "AxisError") == 0 &&
        PyErr_GivenExceptionMatches(t, PyExc_ValueError))
        return NDA_EAXIS;
    if (PyErr_GivenExceptionMatches(t, PyExc_MemoryError)) return NDA_ENOMEM;
    if (PyErr_GivenExceptionMatches(t, PyExc_TypeError)) return NDA_ETYPE;
    if (PyErr_GivenExceptionMatches(t, PyExc_IndexError)) return NDA_EINDEX;
    if (PyErr_GivenExceptionMatches(t, PyExc_OverflowError)) return NDA_EOVERFLOW;
    if (PyErr_GivenExceptionMatches(t, PyExc_ZeroDivisionError)) return NDA_EZERODIV;
    if (PyErr_GivenExceptionMatches(t, PyExc_ValueError)) return NDA_EVALUE;
    if (PyErr_GivenExceptionMatches(t, PyExc_NotImplementedError)) return NDA_ENOTIMPL;
    if (PyErr_GivenExceptionMatches(t, PyExc_OSError)) return NDA_EIO;
    return NDA_EBACKEND;
}

/* The agreement of a collective's local checks. ok: 1 when this rank's
 * checks passed, 0 with a Python exception set. Returns 0 when every rank
 * passed; else -1 with the lowest failed rank's error raised here. */
static int comm_agree_local(ndapy_comm *c, int ok)
{
    int code = NDA_OK, rc;
    PyObject *msg = NULL;
    const char *text = NULL;

    if (!ok) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        code = comm_code_of(value ? value : type);
        msg = value ? PyObject_Str(value) : NULL;
        text = msg ? PyUnicode_AsUTF8(msg) : NULL;
        if (text == NULL) {
            PyErr_Clear();
            text = "invalid arguments";
        }
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
    }
    Py_BEGIN_ALLOW_THREADS
    rc = c->ops->agree(c->handle, code, text);
    Py_END_ALLOW_THREADS
    Py_XDECREF(msg);
    if (rc != NDA_OK) {
        ndapy_raise(rc);
        return -1;
    }
    return 0;
}

/* One array operand: its buffer range and device queue. */
typedef struct comm_operand {
    nda_array *a;
    void *buf;
    size_t off, nbytes;
    nda_comm_queue q;
} comm_operand;

/* Checks and prepares an operand: an ndaccel array, C-contiguous, with
 * its values computed; written ones writeable, with pending readers run.
 * 0, or -1 with an exception. */
static int comm_operand_get(const char *what, const char *name, PyObject *o, int written,
                            comm_operand *out)
{
    nda_array *a = ndapy_array_get(o);
    int64_t size;
    int rc;

    memset(out, 0, sizeof *out);
    if (a == NULL)
        return -1;
    if (written) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s: %s is read-only", what, name);
        if (ndapy_array_require_writeable(o, msg) < 0)
            return -1;
    }
    if ((rc = nda_array_materialize(a)) != NDA_OK) {
        ndapy_raise(rc);
        return -1;
    }
    if (!nda_array_is_c_contiguous(a)) {
        PyErr_Format(PyExc_ValueError, "%s: %s must be C-contiguous (use "
                     "ndaccel.ascontiguousarray)", what, name);
        return -1;
    }
    if (written && (rc = nda_array_flush_readers(a)) != NDA_OK) {
        ndapy_raise(rc);
        return -1;
    }
    size = nda_array_size(a);
    out->a = a;
    out->nbytes = (size_t)size * nda_dtype_itemsize(a->dtype);
    out->buf = a->buffer ? a->buffer->handle : NULL;
    out->off = a->offset;
    if (out->nbytes > 0 && (a->buffer == NULL || out->off > a->buffer->capacity ||
                            out->nbytes > a->buffer->capacity - out->off)) {
        PyErr_Format(PyExc_ValueError, "%s: %s does not lie inside its buffer", what, name);
        return -1;
    }
    out->q.ops = nda_device_ops(a->device);
    out->q.dev = nda_device_local_index(a->device);
    return 0;
}

/* Two operands on one device with one dtype. */
static int comm_same(const char *what, const comm_operand *x, const comm_operand *y)
{
    if (x->a->device != y->a->device) {
        PyErr_Format(PyExc_ValueError, "%s: the arrays are on different devices (%s, %s)", what,
                     nda_device_id(x->a->device), nda_device_id(y->a->device));
        return -1;
    }
    if (x->a->dtype != y->a->dtype) {
        PyErr_Format(PyExc_TypeError, "%s: the arrays have different dtypes (%s, %s)", what,
                     nda_dtype_name(x->a->dtype), nda_dtype_name(y->a->dtype));
        return -1;
    }
    return 0;
}

/* Runs a plugin member with the GIL released; raises its error. */
#define COMM_CALL(rc, expr)        \
    do {                           \
        Py_BEGIN_ALLOW_THREADS     \
        (rc) = (expr);             \
        Py_END_ALLOW_THREADS       \
    } while (0)

static int comm_member(ndapy_comm *c, const void *member, const char *name)
{
    if (member == NULL) {
        PyErr_Format(PyExc_NotImplementedError, "the %s comm plugin has no %s", c->plugin, name);
        return -1;
    }
    return 0;
}

/* A list of size element counts -> byte sizes and packed displacements
 * (size_t[2 * size], PyMem); *total: the elements in all. */
static size_t *comm_counts(const char *what, const char *name, PyObject *seq, int size,
                           size_t itemsize, size_t *total)
{
    PyObject *fast = PySequence_Fast(seq, "counts must be a sequence of ints");
    size_t *v, at = 0;
    Py_ssize_t n;

    *total = 0;
    if (fast == NULL)
        return NULL;
    n = PySequence_Fast_GET_SIZE(fast);
    if (n != size) {
        PyErr_Format(PyExc_ValueError, "%s: %s has %zd entries for %d ranks", what, name, n, size);
        Py_DECREF(fast);
        return NULL;
    }
    v = PyMem_Malloc(sizeof *v * 2 * (size_t)(size > 0 ? size : 1));
    if (v == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    for (int i = 0; i < size; i++) {
        long long k = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(fast, i));
        if (k == -1 && PyErr_Occurred()) {
            PyMem_Free(v);
            Py_DECREF(fast);
            return NULL;
        }
        if (k < 0) {
            PyErr_Format(PyExc_ValueError, "%s: %s[%d] is negative (%lld)", what, name, i, k);
            PyMem_Free(v);
            Py_DECREF(fast);
            return NULL;
        }
        v[i] = (size_t)k * itemsize;
        v[size + i] = at;
        at += v[i];
        *total += (size_t)k;
    }
    Py_DECREF(fast);
    return v;
}

/* ---- the Comm type ---- */

static void comm_dealloc(PyObject *self)
{
    ndapy_comm *c = (ndapy_comm *)self;
    if (c->handle != NULL) {
        int locked = ndapy_lock_acquire();
        if (locked) {
            c->ops->free(c->handle);
            ndapy_lock_release();
        }
        c->handle = NULL;
    }
    Py_TYPE(self)->tp_free(self);
}

static PyObject *comm_repr(PyObject *self)
{
    ndapy_comm *c = (ndapy_comm *)self;
    return PyUnicode_FromFormat("<ndaccel Comm %s rank %d of %d on %s%s>", c->plugin, c->rank,
                                c->size, nda_device_id(c->device), c->handle ? "" : ", freed");
}

static PyObject *comm_get_plugin(PyObject *self, void *closure)
{
    (void)closure;
    return PyUnicode_FromString(((ndapy_comm *)self)->plugin);
}

static PyObject *comm_get_device(PyObject *self, void *closure)
{
    (void)closure;
    return PyUnicode_FromString(nda_device_id(((ndapy_comm *)self)->device));
}

static PyMemberDef comm_members[] = {
    {"rank", T_INT, offsetof(ndapy_comm, rank), READONLY, "This process's rank."},
    {"size", T_INT, offsetof(ndapy_comm, size), READONLY, "The number of ranks."},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef comm_getset[] = {
    {"plugin", comm_get_plugin, NULL, "The comm plugin: 'mpi' or 'nccl'.", NULL},
    {"device", comm_get_device, NULL, "The device id given at comm_init.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject ndapy_comm_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "ndaccel._core.Comm",
    .tp_basicsize = sizeof(ndapy_comm),
    .tp_dealloc = comm_dealloc,
    .tp_repr = comm_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A communicator of a comm plugin over the ranks of an MPI communicator "
              "(see _core.comm_init).",
    .tp_members = comm_members,
    .tp_getset = comm_getset,
};

/* ---- module functions ---- */

static PyObject *py_comm_backends(PyObject *self, PyObject *noargs)
{
    PyObject *list = PyList_New(0);
    (void)self;
    (void)noargs;
    if (list == NULL)
        return NULL;
    nda_comm_plugins_init();
    for (int i = 0; i < nda_comm_plugin_count(); i++) {
        const nda_comm_ops *ops = nda_comm_plugin_ops(i);
        const char *why = nda_comm_plugin_unavailable_reason(i);
        char desc[512] = "";
        PyObject *item;
        if (ops != NULL && ops->describe != NULL)
            ops->describe(NULL, desc, sizeof desc);
        item = Py_BuildValue("(szz)", nda_comm_plugin_name(i), why, desc[0] ? desc : NULL);
        if (item == NULL || PyList_Append(list, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(item);
    }
    return list;
}

static PyObject *py_comm_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"name", "comm", "device", NULL};
    const char *name;
    PyObject *handle_obj = Py_None, *dev_obj = Py_None;
    const nda_comm_ops *ops;
    int64_t handle = NDA_COMM_WORLD;
    nda_device *d;
    nda_comm_queue q;
    ndapy_comm *c;
    void *h = NULL;
    int rc;

    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|OO", kwlist, &name, &handle_obj, &dev_obj))
        return NULL;
    if (handle_obj != Py_None) {
        PyObject *f = handle_obj;
        long long v;
        if (!PyLong_Check(handle_obj)) {
            f = PyObject_CallMethod(handle_obj, "py2f", NULL);
            if (f == NULL) {
                PyErr_Clear();
                PyErr_Format(PyExc_TypeError, "comm_init: comm must be None, a Fortran handle "
                             "(int) or an object with py2f() (mpi4py), not %s",
                             Py_TYPE(handle_obj)->tp_name);
                return NULL;
            }
        }
        v = PyLong_AsLongLong(f);
        if (f != handle_obj)
            Py_DECREF(f);
        if (v == -1 && PyErr_Occurred())
            return NULL;
        handle = (int64_t)v;
    }
    if (dev_obj == Py_None) {
        rc = nda_device_default(&d);
    } else {
        const char *id = PyUnicode_AsUTF8(dev_obj);
        if (id == NULL)
            return NULL;
        rc = nda_device_find(id, &d);
    }
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    if ((rc = nda_comm_plugin_find(name, &ops)) != NDA_OK)
        return ndapy_raise(rc);
    q.ops = nda_device_ops(d);
    q.dev = nda_device_local_index(d);
    COMM_CALL(rc, ops->init(handle, &q, &h));
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    c = PyObject_New(ndapy_comm, &ndapy_comm_type);
    if (c == NULL) {
        ops->free(h);
        return NULL;
    }
    c->ops = ops;
    c->handle = h;
    c->in_flight = 0;
    c->device = d;
    snprintf(c->plugin, sizeof c->plugin, "%s", name);
    ops->rank(h, &c->rank);
    ops->size(h, &c->size);
    return (PyObject *)c;
}

static PyObject *py_comm_free(PyObject *self, PyObject *arg)
{
    ndapy_comm *c;
    (void)self;
    if (!PyObject_TypeCheck(arg, &ndapy_comm_type)) {
        comm_get(arg); /* raises the TypeError */
        return NULL;
    }
    c = (ndapy_comm *)arg;
    if (c->in_flight > 0) {
        PyErr_Format(PyExc_ValueError, "comm_free: %d exchange(s) still in flight; "
                     "comm_wait for them first", c->in_flight);
        return NULL;
    }
    if (c->handle != NULL)
        c->ops->free(c->handle);
    c->handle = NULL;
    Py_RETURN_NONE;
}

static PyObject *py_comm_describe(PyObject *self, PyObject *arg)
{
    ndapy_comm *c = comm_get(arg);
    char buf[512];
    int rc;
    (void)self;
    if (c == NULL || comm_member(c, (const void *)c->ops->describe, "describe") < 0)
        return NULL;
    if ((rc = c->ops->describe(c->handle, buf, sizeof buf)) != NDA_OK)
        return ndapy_raise(rc);
    return PyUnicode_FromString(buf);
}

static PyObject *py_comm_barrier(PyObject *self, PyObject *arg)
{
    ndapy_comm *c = comm_get(arg);
    int rc;
    (void)self;
    if (c == NULL || comm_member(c, (const void *)c->ops->barrier, "barrier") < 0)
        return NULL;
    COMM_CALL(rc, c->ops->barrier(c->handle));
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

/* Peer argument: an int, or None (-1) where allowed. */
static int comm_peer(PyObject *o, int allow_none, int *out)
{
    long v;
    if (o == Py_None && allow_none) {
        *out = -1;
        return 0;
    }
    v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < 0 || v > 0x7fffffff) {
        PyErr_Format(PyExc_ValueError, "rank %ld is negative or too large", v);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static PyObject *py_comm_send(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"comm", "a", "peer", "tag", NULL};
    PyObject *co, *ao, *po;
    comm_operand x;
    ndapy_comm *c;
    int tag = 0, peer, rc;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|i", kwlist, &co, &ao, &po, &tag) ||
        (c = comm_get(co)) == NULL || comm_member(c, (const void *)c->ops->send, "send") < 0 ||
        comm_peer(po, 0, &peer) < 0 || comm_operand_get("comm_send", "a", ao, 0, &x) < 0)
        return NULL;
    COMM_CALL(rc, c->ops->send(c->handle, &x.q, x.buf, x.off, x.nbytes, peer, tag));
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *py_comm_recv(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"comm", "a", "peer", "tag", NULL};
    PyObject *co, *ao, *po;
    comm_operand x;
    ndapy_comm *c;
    int tag = 0, peer, rc;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|i", kwlist, &co, &ao, &po, &tag) ||
        (c = comm_get(co)) == NULL || comm_member(c, (const void *)c->ops->recv, "recv") < 0 ||
        comm_peer(po, 0, &peer) < 0 || comm_operand_get("comm_recv", "a", ao, 1, &x) < 0)
        return NULL;
    COMM_CALL(rc, c->ops->recv(c->handle, &x.q, x.buf, x.off, x.nbytes, peer, tag));
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *py_comm_sendrecv(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"comm", "send", "dest", "recv", "source", "tag", NULL};
    PyObject *co, *so, *dobj, *ro, *sobj;
    comm_operand s, r;
    ndapy_comm *c;
    int tag = 0, dest, source, rc;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOO|i", kwlist, &co, &so, &dobj, &ro, &sobj,
                                     &tag) ||
        (c = comm_get(co)) == NULL ||
        comm_member(c, (const void *)c->ops->sendrecv, "sendrecv") < 0 ||
        comm_peer(dobj, 1, &dest) < 0 || comm_peer(sobj, 1, &source) < 0 ||
        comm_operand_get("comm_sendrecv", "send", so, 0, &s) < 0 ||
        comm_operand_get("comm_sendrecv", "recv", ro, 1, &r) < 0 ||
        comm_same("comm_sendrecv", &s, &r) < 0)
        return NULL;
    if (nda_array_may_overlap(s.a, r.a) && dest >= 0 && source >= 0 && s.nbytes && r.nbytes) {
        PyErr_SetString(PyExc_ValueError, "comm_sendrecv: send and recv overlap");
        return NULL;
    }
    COMM_CALL(rc, c->ops->sendrecv(c->handle, &s.q, s.buf, s.off, s.nbytes, dest, r.buf, r.off,
                                   r.nbytes, source, tag));
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static int comm_op_parse(PyObject *o, nda_comm_op *op)
{
    static const char *const names[] = {NULL, "sum", "prod", "max", "min", "logical_and",
                                        "logical_or"};
    const char *s = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : NULL;
    if (s != NULL)
        for (int i = NDA_COMM_SUM; i <= NDA_COMM_LOR; i++)
            if (strcmp(s, names[i]) == 0) {
                *op = (nda_comm_op)i;
                return 0;
            }
    if (!PyErr_Occurred())
        PyErr_Format(PyExc_ValueError, "comm_allreduce: op must be 'sum', 'prod', 'max', "
                     "'min', 'logical_and' or 'logical_or', not %R", o);
    return -1;
}

static PyObject *py_comm_allreduce(PyObject *self, PyObject *args)
{
    const char *what = "comm_allreduce";
    PyObject *co, *so, *ro, *opo;
    comm_operand s, r;
    nda_comm_op op = NDA_COMM_SUM;
    ndapy_comm *c;
    int ok, rc;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOO", &co, &so, &ro, &opo) || (c = comm_get(co)) == NULL ||
        comm_member(c, (const void *)c->ops->allreduce, "allreduce") < 0)
        return NULL;
    ok = comm_op_parse(opo, &op) == 0 && comm_operand_get(what, "send", so, 0, &s) == 0 &&
         comm_operand_get(what, "recv", ro, 1, &r) == 0 && comm_same(what, &s, &r) == 0;
    if (ok && s.nbytes != r.nbytes) {
        PyErr_Format(PyExc_ValueError, "%s: send has %zu elements, recv %zu", what,
                     (size_t)nda_array_size(s.a), (size_t)nda_array_size(r.a));
        ok = 0;
    }
    if (ok && nda_array_may_overlap(s.a, r.a) && !(s.buf == r.buf && s.off == r.off)) {
        PyErr_Format(PyExc_ValueError, "%s: send and recv overlap without being the same "
                     "array (pass the same array for in place)", what);
        ok = 0;
    }
    if (comm_agree_local(c, ok) < 0)
        return NULL;
    COMM_CALL(rc, c->ops->allreduce(c->handle, &s.q, s.buf, s.off, r.buf, r.off,
                                    (size_t)nda_array_size(s.a), s.a->dtype, op));
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

/* allgather / alltoall: sizes in whole blocks. */
static PyObject *comm_blocks(PyObject *args, int gather)
{
    const char *what = gather ? "comm_allgather" : "comm_alltoall";
    PyObject *co, *so, *ro;
    comm_operand s, r;
    ndapy_comm *c;
    size_t block = 0;
    int ok, rc;
    if (!PyArg_ParseTuple(args, "OOO", &co, &so, &ro) || (c = comm_get(co)) == NULL ||
        comm_member(c, gather ? (const void *)c->ops->allgather : (const void *)c->ops->alltoall,
                    gather ? "allgather" : "alltoall") < 0)
        return NULL;
    ok = comm_operand_get(what, "send", so, 0, &s) == 0 &&
         comm_operand_get(what, "recv", ro, 1, &r) == 0 && comm_same(what, &s, &r) == 0;
    if (ok && nda_array_may_overlap(s.a, r.a)) {
        PyErr_Format(PyExc_ValueError, "%s: send and recv overlap", what);
        ok = 0;
    }
    if (ok) {
        size_t want = gather ? s.nbytes * (size_t)c->size : s.nbytes;
        block = gather ? s.nbytes : s.nbytes / (size_t)c->size;
        if (r.nbytes != want || (!gather && s.nbytes % (size_t)c->size != 0)) {
            PyErr_Format(PyExc_ValueError, gather ? "%s: recv must have %d times send's %zu "
                         "elements" : "%s: send and recv must have the same number of elements, "
                         "a multiple of %d (send has %zu)", what, c->size,
                         (size_t)nda_array_size(s.a));
            ok = 0;
        }
    }
    if (comm_agree_local(c, ok) < 0)
        return NULL;
    if (gather)
        COMM_CALL(rc, c->ops->allgather(c->handle, &s.q, s.buf, s.off, block, r.buf, r.off));
    else
        COMM_CALL(rc, c->ops->alltoall(c->handle, &s.q, s.buf, s.off, block, r.buf, r.off));
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *py_comm_allgather(PyObject *self, PyObject *args)
{
    (void)self;
    return comm_blocks(args, 1);
}

static PyObject *py_comm_alltoall(PyObject *self, PyObject *args)
{
    (void)self;
    return comm_blocks(args, 0);
}

static PyObject *py_comm_allgatherv(PyObject *self, PyObject *args)
{
    const char *what = "comm_allgatherv";
    PyObject *co, *so, *ro, *counts;
    comm_operand s, r;
    ndapy_comm *c;
    size_t *v = NULL, total = 0;
    int ok, rc;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOO", &co, &so, &ro, &counts) || (c = comm_get(co)) == NULL ||
        comm_member(c, (const void *)c->ops->allgatherv, "allgatherv") < 0)
        return NULL;
    ok = comm_operand_get(what, "send", so, 0, &s) == 0 &&
         comm_operand_get(what, "recv", ro, 1, &r) == 0 && comm_same(what, &s, &r) == 0 &&
         (v = comm_counts(what, "counts", counts, c->size, nda_dtype_itemsize(s.a->dtype),
                          &total)) != NULL;
    if (ok && nda_array_may_overlap(s.a, r.a)) {
        PyErr_Format(PyExc_ValueError, "%s: send and recv overlap", what);
        ok = 0;
    }
    if (ok && (total != (size_t)nda_array_size(r.a) || v[c->rank] != s.nbytes)) {
        PyErr_Format(PyExc_ValueError, "%s: recv has %zu elements and send %zu, but the counts "
                     "add up to %zu with %zu for this rank (%d)", what,
                     (size_t)nda_array_size(r.a), (size_t)nda_array_size(s.a), total,
                     v[c->rank] / nda_dtype_itemsize(s.a->dtype), c->rank);
        ok = 0;
    }
    if (comm_agree_local(c, ok) < 0) {
        PyMem_Free(v);
        return NULL;
    }
    COMM_CALL(rc, c->ops->allgatherv(c->handle, &s.q, s.buf, s.off, s.nbytes, r.buf, r.off, v,
                                     v + c->size));
    PyMem_Free(v);
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

/* An alltoallv's arguments (c, send, scounts, recv, rcounts). */
typedef struct a2av_args {
    ndapy_comm *c;
    PyObject *so, *ro; /* borrowed */
    comm_operand s, r;
    size_t *sv, *rv;   /* bytes, then packed displacements (PyMem) */
} a2av_args;

/* Parses and checks the arguments, and agrees the outcome across ranks. 0,
 * or -1 with an exception (on every rank when the checks ran). ok == 0: the
 * caller already failed locally (its exception set), which is agreed too.
 * The caller frees k->sv and k->rv either way. */
static int a2av_prepare(const char *what, PyObject *args, int ok, a2av_args *k)
{
    PyObject *sc, *rcs, *co;
    size_t stotal = 0, rtotal = 0;
    memset(k, 0, sizeof *k);
    if (!PyArg_ParseTuple(args, "OOOOO", &co, &k->so, &sc, &k->ro, &rcs) ||
        (k->c = comm_get(co)) == NULL ||
        comm_member(k->c, (const void *)k->c->ops->alltoallv, "alltoallv") < 0)
        return -1;
    ok = ok && comm_operand_get(what, "send", k->so, 0, &k->s) == 0 &&
         comm_operand_get(what, "recv", k->ro, 1, &k->r) == 0 &&
         comm_same(what, &k->s, &k->r) == 0 &&
         (k->sv = comm_counts(what, "scounts", sc, k->c->size,
                              nda_dtype_itemsize(k->s.a->dtype), &stotal)) != NULL &&
         (k->rv = comm_counts(what, "rcounts", rcs, k->c->size,
                              nda_dtype_itemsize(k->s.a->dtype), &rtotal)) != NULL;
    if (ok && nda_array_may_overlap(k->s.a, k->r.a)) {
        PyErr_Format(PyExc_ValueError, "%s: send and recv overlap", what);
        ok = 0;
    }
    if (ok && (stotal != (size_t)nda_array_size(k->s.a) ||
               rtotal != (size_t)nda_array_size(k->r.a))) {
        PyErr_Format(PyExc_ValueError, "%s: scounts add up to %zu and rcounts to %zu, but send "
                     "has %zu elements and recv %zu", what, stotal, rtotal,
                     (size_t)nda_array_size(k->s.a), (size_t)nda_array_size(k->r.a));
        ok = 0;
    }
    return comm_agree_local(k->c, ok);
}

static void a2av_release(a2av_args *k)
{
    PyMem_Free(k->sv);
    PyMem_Free(k->rv);
    k->sv = k->rv = NULL;
}

/* The plugin's alltoallv on prepared arguments (GIL released). */
static int a2av_run(a2av_args *k)
{
    ndapy_comm *c = k->c;
    int rc;
    COMM_CALL(rc, c->ops->alltoallv(c->handle, &k->s.q, k->s.buf, k->s.off, k->sv,
                                    k->sv + c->size, k->r.buf, k->r.off, k->rv,
                                    k->rv + c->size));
    return rc;
}

static PyObject *py_comm_alltoallv(PyObject *self, PyObject *args)
{
    a2av_args k;
    int rc;
    (void)self;
    if (a2av_prepare("comm_alltoallv", args, 1, &k) < 0) {
        a2av_release(&k);
        return NULL;
    }
    rc = a2av_run(&k);
    a2av_release(&k);
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

/* ---- exchanges in flight (comm ABI 2) ---- */

/* A started ialltoallv. It keeps its Comm and both arrays alive (their
 * buffers are in use until the wait); handle is the plugin's request,
 * NULL once waited or when the exchange already completed (a plugin
 * without ialltoallv). */
typedef struct {
    PyObject_HEAD
    ndapy_comm *comm;
    PyObject *send, *recv;
    void *handle;
} ndapy_comm_request;

static PyTypeObject ndapy_comm_request_type;

/* Completes r (the caller holds the library lock). The plugin ends the job
 * on a failure after data moved, so an error here is an argument error. */
static int comm_request_finish(ndapy_comm_request *r)
{
    int rc = NDA_OK;
    if (r->handle != NULL) {
        void *h = r->handle;
        r->handle = NULL;
        COMM_CALL(rc, r->comm->ops->wait(r->comm->handle, h));
        r->comm->in_flight--;
    }
    Py_CLEAR(r->send);
    Py_CLEAR(r->recv);
    return rc;
}

static void comm_request_dealloc(PyObject *self)
{
    ndapy_comm_request *r = (ndapy_comm_request *)self;
    if (r->handle != NULL) {
        /* Collected unwaited (an exception between start and wait): the
         * transfer still has to complete before its buffers are reused.
         * An exception being propagated meanwhile is kept. */
        PyObject *type, *value, *tb;
        int locked = ndapy_lock_acquire();
        if (!locked) {
            /* Interpreter shutdown with the lock held elsewhere: the
             * transfer may still write the buffers, so they are leaked
             * rather than released. */
            Py_TYPE(self)->tp_free(self);
            return;
        }
        PyErr_Fetch(&type, &value, &tb);
        comm_request_finish(r);
        PyErr_Restore(type, value, tb);
        ndapy_lock_release();
    }
    Py_CLEAR(r->send);
    Py_CLEAR(r->recv);
    Py_CLEAR(r->comm);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *comm_request_repr(PyObject *self)
{
    ndapy_comm_request *r = (ndapy_comm_request *)self;
    return PyUnicode_FromFormat("<ndaccel CommRequest %s>",
                                r->handle != NULL ? "in flight" : "done");
}

static PyTypeObject ndapy_comm_request_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "ndaccel._core.CommRequest",
    .tp_basicsize = sizeof(ndapy_comm_request),
    .tp_dealloc = comm_request_dealloc,
    .tp_repr = comm_request_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An exchange started by _core.comm_ialltoallv; complete it with comm_wait.",
};

static PyObject *py_comm_ialltoallv(PyObject *self, PyObject *args)
{
    ndapy_comm_request *req;
    ndapy_comm *c;
    a2av_args k;
    void *handle = NULL;
    int rc;
    (void)self;
    req = PyObject_New(ndapy_comm_request, &ndapy_comm_request_type);
    if (req != NULL) {
        req->comm = NULL;
        req->send = req->recv = NULL;
        req->handle = NULL;
    }
    /* An allocation failure here is agreed with the other ranks' checks. */
    if (a2av_prepare("comm_ialltoallv", args, req != NULL, &k) < 0) {
        a2av_release(&k);
        Py_XDECREF(req);
        return NULL;
    }
    c = k.c;
    if (c->ops->abi_version >= 2 && c->ops->ialltoallv != NULL && c->ops->wait != NULL)
        COMM_CALL(rc, c->ops->ialltoallv(c->handle, &k.s.q, k.s.buf, k.s.off, k.sv,
                                         k.sv + c->size, k.r.buf, k.r.off, k.rv,
                                         k.rv + c->size, &handle));
    else /* comm ABI 1: done now, and the request is complete */
        rc = a2av_run(&k);
    a2av_release(&k);
    if (rc != NDA_OK) {
        Py_DECREF(req);
        return ndapy_raise(rc);
    }
    Py_INCREF(c);
    req->comm = c;
    req->handle = handle;
    if (handle != NULL) {
        c->in_flight++;
        Py_INCREF(k.so);
        Py_INCREF(k.ro);
        req->send = k.so;
        req->recv = k.ro;
    }
    return (PyObject *)req;
}

static PyObject *py_comm_wait(PyObject *self, PyObject *arg)
{
    ndapy_comm_request *r;
    int rc;
    (void)self;
    if (!PyObject_TypeCheck(arg, &ndapy_comm_request_type)) {
        PyErr_Format(PyExc_TypeError, "comm_wait: expected a CommRequest (from comm_ialltoallv), "
                     "got %s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    r = (ndapy_comm_request *)arg;
    if ((rc = comm_request_finish(r)) != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *py_comm_bcast(PyObject *self, PyObject *args)
{
    PyObject *co, *ao, *rooto;
    comm_operand x;
    ndapy_comm *c;
    int root = 0, ok, rc;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOO", &co, &ao, &rooto) || (c = comm_get(co)) == NULL ||
        comm_member(c, (const void *)c->ops->bcast, "bcast") < 0)
        return NULL;
    ok = comm_peer(rooto, 0, &root) == 0;
    /* The root only reads its array; the others write theirs. */
    ok = ok && comm_operand_get("comm_bcast", "a", ao, root != c->rank, &x) == 0;
    if (comm_agree_local(c, ok) < 0)
        return NULL;
    COMM_CALL(rc, c->ops->bcast(c->handle, &x.q, x.buf, x.off, x.nbytes, root));
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    Py_RETURN_NONE;
}

static PyObject *py_comm_agree(PyObject *self, PyObject *args)
{
    PyObject *co, *err = Py_None;
    ndapy_comm *c;
    (void)self;
    if (!PyArg_ParseTuple(args, "O|O", &co, &err) || (c = comm_get(co)) == NULL ||
        comm_member(c, (const void *)c->ops->agree, "agree") < 0)
        return NULL;
    if (err != Py_None) {
        if (PyExceptionInstance_Check(err)) {
            PyErr_SetObject((PyObject *)Py_TYPE(err), err);
        } else {
            PyObject *s = PyObject_Str(err);
            if (s == NULL)
                return NULL;
            PyErr_SetObject(PyExc_RuntimeError, s);
            Py_DECREF(s);
        }
    }
    if (comm_agree_local(c, err == Py_None) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_comm_abort(PyObject *self, PyObject *args)
{
    PyObject *co;
    const char *message = "aborted";
    ndapy_comm *c;
    (void)self;
    if (!PyArg_ParseTuple(args, "O|s", &co, &message) || (c = comm_get(co)) == NULL ||
        comm_member(c, (const void *)c->ops->abort, "abort") < 0)
        return NULL;
    fflush(stdout);
    c->ops->abort(c->handle, message);
    Py_RETURN_NONE; /* not reached */
}

#define KW (METH_VARARGS | METH_KEYWORDS)
#define KWFN(f) ((PyCFunction)(void (*)(void))(f))

static PyMethodDef comm_methods[] = {
    {"comm_backends", py_comm_backends, METH_NOARGS,
     "(name, None or why unavailable, description) per comm plugin (comm_binding.c)."},
    {"comm_init", KWFN(py_comm_init), KW, "Comm over an MPI communicator's ranks (collective)."},
    {"comm_free", py_comm_free, METH_O, "Releases a Comm."},
    {"comm_describe", py_comm_describe, METH_O, "The Comm's plugin, library and transfer mode."},
    {"comm_barrier", py_comm_barrier, METH_O, "Waits for every rank (host side)."},
    {"comm_send", KWFN(py_comm_send), KW, "Sends an array to a rank."},
    {"comm_recv", KWFN(py_comm_recv), KW, "Receives into an array from a rank."},
    {"comm_sendrecv", KWFN(py_comm_sendrecv), KW, "Sends one array and receives another."},
    {"comm_allreduce", py_comm_allreduce, METH_VARARGS, "Elementwise reduction over ranks."},
    {"comm_allgather", py_comm_allgather, METH_VARARGS, "Every rank's block, on every rank."},
    {"comm_allgatherv", py_comm_allgatherv, METH_VARARGS, "allgather with per-rank counts."},
    {"comm_alltoall", py_comm_alltoall, METH_VARARGS, "Block j to rank j, from every rank."},
    {"comm_alltoallv", py_comm_alltoallv, METH_VARARGS, "alltoall with per-rank counts."},
    {"comm_ialltoallv", py_comm_ialltoallv, METH_VARARGS,
     "comm_alltoallv, started: returns a CommRequest for comm_wait."},
    {"comm_wait", py_comm_wait, METH_O, "Completes a CommRequest: recv holds the data."},
    {"comm_bcast", py_comm_bcast, METH_VARARGS, "The root's array to every rank."},
    {"comm_agree", py_comm_agree, METH_VARARGS, "Every rank raises the lowest failed rank's error."},
    {"comm_abort", py_comm_abort, METH_VARARGS, "Ends the MPI job with a message."},
    {NULL, NULL, 0, NULL},
};

int ndapy_comm_register(PyObject *module)
{
    if (PyType_Ready(&ndapy_comm_type) < 0 || PyType_Ready(&ndapy_comm_request_type) < 0)
        return -1;
    if (ndapy_add_locked_functions(module, comm_methods) < 0)
        return -1;
    Py_INCREF(&ndapy_comm_type);
    if (PyModule_AddObject(module, "Comm", (PyObject *)&ndapy_comm_type) < 0) {
        Py_DECREF(&ndapy_comm_type);
        return -1;
    }
    return 0;
}

/* The arithmetic, bitwise and comparison operators of ndarray_base as C
 * slots (number methods and tp_richcompare).
 *
 * A Python-level __add__ costs a frame and an argument tuple per operator
 * (~0.3 us of the ~1 us an operator takes on a small array). Here the
 * common case, an operand that is another device array or a Python
 * bool/int/float/complex, goes straight to nda_ufunc_apply; every other
 * operand (NumPy arrays and scalars, lists, foreign types) goes to the
 * Python functions registered by _ndarray.py, which keep NumPy's rules
 * (NotImplemented, conversion, deferral). A 0-d result goes through the
 * registered scalar hook, which returns a NumPy scalar when the operator
 * was written in user code (as NumPy's operators do).
 *
 * Contract of the registration (_core._set_operators): every slot named in
 * the tables below is given; the functions are kept for the process. */
#include "array_object.h"

#include <string.h>

#include "convert.h"
#include "lock.h"
#include "nda/device.h"
#include "nda/error.h"
#include "nda/ufunc.h"

/* A binary slot: the ufunc and the Python functions of its slow path
 * (self op other, other op self, self op= other). */
typedef struct binary_slot {
    const char *name; /* the registration key: _ndarray.py's operator name */
    char ufunc[32];   /* the core ufunc's name */
    PyObject *fwd, *ref, *inp;
} binary_slot;

enum { B_ADD, B_SUB, B_MUL, B_DIV, B_FLOORDIV, B_MOD, B_AND, B_OR, B_XOR, B_LSHIFT, B_RSHIFT, B_POW,
       N_BINARY };

static binary_slot g_binary[N_BINARY] = {
    [B_ADD] = {"add"},        [B_SUB] = {"subtract"},      [B_MUL] = {"multiply"},
    [B_DIV] = {"true_divide"}, [B_FLOORDIV] = {"floor_divide"}, [B_MOD] = {"remainder"},
    [B_AND] = {"bitwise_and"}, [B_OR] = {"bitwise_or"},     [B_XOR] = {"bitwise_xor"},
    [B_LSHIFT] = {"left_shift"}, [B_RSHIFT] = {"right_shift"}, [B_POW] = {"power"},
};

/* Comparisons, indexed by Py_LT .. Py_GE: ufunc and slow path. */
static struct {
    const char *name;
    char ufunc[32];
    PyObject *fn;
} g_compare[6] = {
    [Py_LT] = {"less"},  [Py_LE] = {"less_equal"}, [Py_EQ] = {"equal"},
    [Py_NE] = {"not_equal"}, [Py_GT] = {"greater"}, [Py_GE] = {"greater_equal"},
};

enum { U_NEG, U_POS, U_ABS, U_INVERT, N_UNARY };
static struct {
    const char *name;
    char ufunc[32];
} g_unary[N_UNARY] = {
    [U_NEG] = {"negative"}, [U_POS] = {"positive"}, [U_ABS] = {"absolute"}, [U_INVERT] = {"invert"},
};

static PyObject *g_scalar_hook; /* r -> r, or a NumPy scalar for a 0-d r in user code */
static int g_ready;

/* Whether o takes the fast path: a device array or an exact Python scalar
 * (a subclass, or a NumPy scalar, keeps the Python rules). */
static int fast_operand(PyObject *o)
{
    return ndapy_array_check(o) || PyBool_Check(o) || PyLong_CheckExact(o) || PyFloat_CheckExact(o) ||
           PyComplex_CheckExact(o);
}

/* ufunc(operands...) into a new array, or into out_obj (then returns
 * out_obj itself); a new reference, or NULL with an exception. */
static PyObject *apply(const char *ufunc, int nin, PyObject *const *operands, PyObject *out_obj)
{
    nda_operand ops[2];
    memset(ops, 0, sizeof ops);
    for (int i = 0; i < nin; i++) {
        if (ndapy_array_check(operands[i])) {
            ops[i].array = ((ndapy_array *)operands[i])->arr;
        } else if (ndapy_scalar_from_object(operands[i], &ops[i].scalar) <= 0) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_TypeError, "unsupported operand type for %s: '%s'", ufunc,
                             Py_TYPE(operands[i])->tp_name);
            return NULL;
        }
    }
    nda_array *out = NULL;
    if (out_obj) {
        out = ((ndapy_array *)out_obj)->arr;
        if (ndapy_array_require_writeable(out_obj, "output array is read-only") < 0) return NULL;
    }
    if (nda_forked_after_init()) return ndapy_raise(nda_fork_check());
    if (!ndapy_lock_acquire()) {
        PyErr_SetString(PyExc_RuntimeError,
                        "ndaccel: the interpreter is shutting down while another thread uses the library");
        return NULL;
    }
    nda_array *res = NULL;
    int rc = nda_ufunc_apply(ufunc, nin, ops, out, -1, NDA_CAST_SAME_KIND, NULL, &res);
    PyObject *r = NULL;
    if (rc != NDA_OK) {
        r = ndapy_raise(rc);
    } else if (out_obj) {
        nda_array_free(res); /* a view of out */
        Py_INCREF(out_obj);
        r = out_obj;
    } else {
        r = ndapy_array_wrap(res);
    }
    ndapy_lock_release();
    if (!r || out_obj || res->ndim != 0) return r;
    PyObject *s = PyObject_CallOneArg(g_scalar_hook, r);
    Py_DECREF(r);
    return s;
}

static PyObject *not_ready(void)
{
    PyErr_SetString(PyExc_RuntimeError, "ndaccel: operators used before _set_operators");
    return NULL;
}

/* nb_<op>(a, b): Python calls it with the operands in the expression's
 * order and at least one of them a device array. */
static PyObject *binary(int k, PyObject *a, PyObject *b)
{
    if (!g_ready) return not_ready();
    int aa = ndapy_array_check(a), ba = ndapy_array_check(b);
    if ((aa && fast_operand(b)) || (ba && fast_operand(a))) {
        PyObject *operands[2] = {a, b};
        return apply(g_binary[k].ufunc, 2, operands, NULL);
    }
    if (aa) {
        PyObject *r = PyObject_CallFunctionObjArgs(g_binary[k].fwd, a, b, NULL);
        if (r != Py_NotImplemented) return r;
        Py_DECREF(r);
        if (!ba) Py_RETURN_NOTIMPLEMENTED;
    }
    return PyObject_CallFunctionObjArgs(g_binary[k].ref, b, a, NULL);
}

/* nb_inplace_<op>(a, b): a is the device array. */
static PyObject *inplace(int k, PyObject *a, PyObject *b)
{
    if (!g_ready) return not_ready();
    if (ndapy_array_check(a) && fast_operand(b)) {
        PyObject *operands[2] = {a, b};
        return apply(g_binary[k].ufunc, 2, operands, a);
    }
    return PyObject_CallFunctionObjArgs(g_binary[k].inp, a, b, NULL);
}

#define SLOTS(K, fn)                                                                        \
    static PyObject *fn(PyObject *a, PyObject *b) { return binary(K, a, b); }               \
    static PyObject *fn##_inplace(PyObject *a, PyObject *b) { return inplace(K, a, b); }
SLOTS(B_ADD, nb_add)
SLOTS(B_SUB, nb_sub)
SLOTS(B_MUL, nb_mul)
SLOTS(B_DIV, nb_div)
SLOTS(B_FLOORDIV, nb_floordiv)
SLOTS(B_MOD, nb_mod)
SLOTS(B_AND, nb_and)
SLOTS(B_OR, nb_or)
SLOTS(B_XOR, nb_xor)
SLOTS(B_LSHIFT, nb_lshift)
SLOTS(B_RSHIFT, nb_rshift)
#undef SLOTS

/* nb_power(a, b, mod). Fast: a float32/float64 device array to a Python
 * int or float exponent of 2, -1, 0.5 or 1, NumPy's fast paths (square,
 * reciprocal, sqrt; the array itself for 1), as _ufunc._scalar_power
 * takes them for these operands (a weak scalar keeps the base's dtype).
 * Everything else (integer bases and their negative-power check, float16,
 * NumPy scalars, 3 and -2, reflected and three-argument forms) is the
 * Python __pow__'s. */
static PyObject *nb_pow(PyObject *a, PyObject *b, PyObject *mod)
{
    if (!g_ready) return not_ready();
    if (mod == Py_None && ndapy_array_check(a) && (PyLong_CheckExact(b) || PyFloat_CheckExact(b))) {
        nda_dtype t = ((ndapy_array *)a)->arr->dtype;
        double v = 0;
        int ok = t == NDA_FLOAT32 || t == NDA_FLOAT64;
        if (ok && PyFloat_CheckExact(b)) {
            v = PyFloat_AS_DOUBLE(b);
        } else if (ok) {
            int overflow = 0;
            long long l = PyLong_AsLongLongAndOverflow(b, &overflow);
            if (l == -1 && PyErr_Occurred()) return NULL;
            ok = !overflow && l >= -2 && l <= 3;
            v = (double)l;
        }
        const char *path = !ok ? NULL
                           : v == 2 ? "square" : v == -1 ? "reciprocal" : v == 0.5 ? "sqrt"
                           : v == 1 ? "positive" : NULL;
        if (path) return apply(path, 1, &a, NULL);
    }
    if (mod != Py_None) Py_RETURN_NOTIMPLEMENTED;
    if (ndapy_array_check(a)) {
        PyObject *r = PyObject_CallFunctionObjArgs(g_binary[B_POW].fwd, a, b, NULL);
        if (r != Py_NotImplemented || !ndapy_array_check(b)) return r;
        Py_DECREF(r);
    }
    return PyObject_CallFunctionObjArgs(g_binary[B_POW].ref, b, a, NULL);
}

static PyObject *nb_pow_inplace(PyObject *a, PyObject *b, PyObject *mod)
{
    if (!g_ready) return not_ready();
    if (mod != Py_None) Py_RETURN_NOTIMPLEMENTED;
    return PyObject_CallFunctionObjArgs(g_binary[B_POW].inp, a, b, NULL);
}

static PyObject *unary(int k, PyObject *a)
{
    if (!g_ready) return not_ready();
    return apply(g_unary[k].ufunc, 1, &a, NULL);
}

static PyObject *nb_neg(PyObject *a) { return unary(U_NEG, a); }
static PyObject *nb_pos(PyObject *a) { return unary(U_POS, a); }
static PyObject *nb_abs(PyObject *a) { return unary(U_ABS, a); }
static PyObject *nb_invert(PyObject *a) { return unary(U_INVERT, a); }

PyNumberMethods ndapy_array_number = {
    .nb_add = nb_add,
    .nb_subtract = nb_sub,
    .nb_multiply = nb_mul,
    .nb_true_divide = nb_div,
    .nb_floor_divide = nb_floordiv,
    .nb_remainder = nb_mod,
    .nb_and = nb_and,
    .nb_or = nb_or,
    .nb_xor = nb_xor,
    .nb_lshift = nb_lshift,
    .nb_rshift = nb_rshift,
    .nb_power = nb_pow,
    .nb_inplace_add = nb_add_inplace,
    .nb_inplace_subtract = nb_sub_inplace,
    .nb_inplace_multiply = nb_mul_inplace,
    .nb_inplace_true_divide = nb_div_inplace,
    .nb_inplace_floor_divide = nb_floordiv_inplace,
    .nb_inplace_remainder = nb_mod_inplace,
    .nb_inplace_and = nb_and_inplace,
    .nb_inplace_or = nb_or_inplace,
    .nb_inplace_xor = nb_xor_inplace,
    .nb_inplace_lshift = nb_lshift_inplace,
    .nb_inplace_rshift = nb_rshift_inplace,
    .nb_inplace_power = nb_pow_inplace,
    .nb_negative = nb_neg,
    .nb_positive = nb_pos,
    .nb_absolute = nb_abs,
    .nb_invert = nb_invert,
};

/* tp_richcompare: self is the device array (Python swaps the operands and
 * the comparison before calling the right operand's slot). */
PyObject *ndapy_array_richcompare(PyObject *self, PyObject *other, int op)
{
    if (!g_ready) return not_ready();
    if (fast_operand(other)) {
        PyObject *operands[2] = {self, other};
        return apply(g_compare[op].ufunc, 2, operands, NULL);
    }
    return PyObject_CallFunctionObjArgs(g_compare[op].fn, self, other, NULL);
}

/* table[key], a tuple of `size` whose first item (the core ufunc's name)
 * is copied into ufunc (len bytes); borrowed, or NULL with TypeError. */
static PyObject *entry(PyObject *table, const char *key, Py_ssize_t size, char *ufunc, size_t len)
{
    PyObject *t = PyDict_GetItemString(table, key); /* borrowed */
    const char *s = NULL;
    if (t && PyTuple_Check(t) && PyTuple_GET_SIZE(t) == size && PyUnicode_Check(PyTuple_GET_ITEM(t, 0)))
        s = PyUnicode_AsUTF8(PyTuple_GET_ITEM(t, 0));
    if (!s || strlen(s) >= len) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError,
                         "_set_operators: entry %s missing or not a %zd-tuple (ufunc name, ...)", key,
                         size);
        return NULL;
    }
    strcpy(ufunc, s);
    return t;
}

/* _set_operators(binary, compare, unary, scalar_hook):
 * binary[name] = (ufunc, fwd, ref, inp), compare[name] = (ufunc, fn),
 * unary[name] = (ufunc,). */
PyObject *ndapy_set_operators(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *bin, *cmp, *un, *hook;
    if (!PyArg_ParseTuple(args, "O!O!O!O", &PyDict_Type, &bin, &PyDict_Type, &cmp, &PyDict_Type, &un,
                          &hook))
        return NULL;
    for (int k = 0; k < N_BINARY; k++)
        if (!entry(bin, g_binary[k].name, 4, g_binary[k].ufunc, sizeof g_binary[k].ufunc)) return NULL;
    for (int k = 0; k < 6; k++)
        if (!entry(cmp, g_compare[k].name, 2, g_compare[k].ufunc, sizeof g_compare[k].ufunc)) return NULL;
    for (int k = 0; k < N_UNARY; k++)
        if (!entry(un, g_unary[k].name, 1, g_unary[k].ufunc, sizeof g_unary[k].ufunc)) return NULL;
    /* Validated: take the functions (kept for the process). */
    for (int k = 0; k < N_BINARY; k++) {
        PyObject *t = PyDict_GetItemString(bin, g_binary[k].name);
        Py_XSETREF(g_binary[k].fwd, Py_NewRef(PyTuple_GET_ITEM(t, 1)));
        Py_XSETREF(g_binary[k].ref, Py_NewRef(PyTuple_GET_ITEM(t, 2)));
        Py_XSETREF(g_binary[k].inp, Py_NewRef(PyTuple_GET_ITEM(t, 3)));
    }
    for (int k = 0; k < 6; k++)
        Py_XSETREF(g_compare[k].fn, Py_NewRef(PyTuple_GET_ITEM(PyDict_GetItemString(cmp, g_compare[k].name), 1)));
    Py_XSETREF(g_scalar_hook, Py_NewRef(hook));
    g_ready = 1;
    Py_RETURN_NONE;
}

/* NumPy's ufunc type resolution: weak Python scalars (NEP 50), then a
 * linear search of the ufunc's loops for the first one every input casts
 * to safely (numpy's legacy resolver), with true_divide's int -> float64
 * rule. */
#include <stdio.h>
#include <string.h>

#include "core/op_catalogue.h"
#include "nda/error.h"
#include "nda/ufunc.h"

static bool is_comparison(nda_op op)
{
    return op >= NDA_OP_EQUAL && op <= NDA_OP_GREATER_EQUAL;
}

static const char *casting_name(nda_casting c)
{
    static const char *const n[] = {"no", "equiv", "safe", "same_kind", "unsafe"};
    return n[c];
}

/* The loop search's results (a linear scan of the catalogue's signature
 * strings, ~0.3 us for float64 add), per thread: a direct-mapped table
 * keyed by everything the search reads. Found loops only. */
typedef struct memo_key {
    int op, nin, dtype, casting;
    int types[3];
} memo_key;

typedef struct memo_entry {
    memo_key key;
    bool valid;
    nda_dtype in[3], out;
} memo_entry;

#define MEMO_SLOTS 256
static _Thread_local memo_entry g_memo[MEMO_SLOTS];

static memo_key memo_key_of(nda_op op, int nin, const nda_dtype *types, int dtype, nda_casting casting)
{
    memo_key k;
    memset(&k, 0, sizeof k);
    k.op = (int)op;
    k.nin = nin;
    /* the search only tells unsafe from the rest, and only with dtype= */
    k.dtype = dtype;
    k.casting = dtype >= 0 && casting == NDA_CAST_UNSAFE;
    for (int i = 0; i < nin; i++) k.types[i] = (int)types[i];
    return k;
}

static unsigned memo_slot(const memo_key *k)
{
    unsigned h = (unsigned)k->op * 2654435761u;
    for (int i = 0; i < 3; i++) h = (h ^ (unsigned)k->types[i]) * 16777619u;
    h ^= (unsigned)(k->dtype + 1) * 40503u + (unsigned)k->casting;
    return (h >> 8) % MEMO_SLOTS;
}

/* Common dtype of the array operands, -1 when there are none. */
static int strong_dtype(int nin, const nda_operand *ops, int *out)
{
    int t = -1;
    for (int i = 0; i < nin; i++) {
        if (!ops[i].array) continue;
        if (t < 0) {
            t = ops[i].array->dtype;
        } else {
            nda_dtype p;
            int rc = nda_dtype_promote((nda_dtype)t, ops[i].array->dtype, &p);
            if (rc != NDA_OK) return rc;
            t = p;
        }
    }
    *out = t;
    return NDA_OK;
}

static int operand_dtypes(nda_op op, int nin, const nda_operand *ops, nda_dtype *types)
{
    int strong;
    int rc = strong_dtype(nin, ops, &strong);
    if (rc != NDA_OK) return rc;
    for (int i = 0; i < nin; i++) {
        if (ops[i].array) {
            types[i] = ops[i].array->dtype;
            continue;
        }
        const nda_scalar *s = &ops[i].scalar;
        nda_dtype t = nda_scalar_weak_dtype(s, strong);
        if (!nda_scalar_fits(s, t)) {
            if (is_comparison(op)) {
                /* NumPy 2 compares out-of-range Python ints exactly. */
                t = nda_scalar_weak_dtype(s, -1);
            } else if (s->int_overflows) {
                return nda_error_set(NDA_EOVERFLOW, "Python integer out of bounds for %s",
                                     nda_dtype_name(t));
            } else if (s->int_is_unsigned) {
                return nda_error_set(NDA_EOVERFLOW, "Python integer %llu out of bounds for %s",
                                     (unsigned long long)s->u, nda_dtype_name(t));
            } else {
                return nda_error_set(NDA_EOVERFLOW, "Python integer %lld out of bounds for %s",
                                     (long long)s->i, nda_dtype_name(t));
            }
        }
        types[i] = t;
    }
    return NDA_OK;
}

/* Ufuncs whose NumPy type resolvers refuse bool inputs although bool
 * casts safely to int8. */
static bool refuses_bool(nda_op op, int nin, const nda_dtype *types)
{
    bool all_bool = true;
    for (int i = 0; i < nin; i++) all_bool = all_bool && types[i] == NDA_BOOL;
    if (!all_bool) return false;
    switch (op) {
    case NDA_OP_SUBTRACT: case NDA_OP_NEGATIVE: case NDA_OP_POSITIVE: case NDA_OP_SIGN:
    case NDA_OP_GCD: case NDA_OP_LCM:
        return true;
    default:
        return false;
    }
}

static int no_loop_error(nda_op op, int nin, const nda_dtype *types)
{
    const char *name = nda_op_describe(op)->name;
    if (op == NDA_OP_SUBTRACT && types[0] == NDA_BOOL && types[1] == NDA_BOOL)
        return nda_error_set(NDA_ETYPE, "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.");
    if (op == NDA_OP_NEGATIVE && types[0] == NDA_BOOL)
        return nda_error_set(NDA_ETYPE, "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.");
    if (nin == 1)
        return nda_error_set(NDA_ETYPE, "ufunc '%s' not supported for the input types (%s), and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
                             name, nda_dtype_name(types[0]));
    return nda_error_set(NDA_ETYPE, "ufunc '%s' not supported for the input types (%s, %s), and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
                         name, nda_dtype_name(types[0]), nda_dtype_name(types[1]));
}

/* Whether every operand is a bool/int array or a Python bool/int. */
static bool all_integral(int nin, const nda_operand *ops)
{
    for (int i = 0; i < nin; i++) {
        if (ops[i].array) {
            nda_kind k = nda_dtype_kind(ops[i].array->dtype);
            if (k == NDA_KIND_FLOAT || k == NDA_KIND_COMPLEX) return false;
        } else if (ops[i].scalar.kind != NDA_SCALAR_INT && ops[i].scalar.kind != NDA_SCALAR_BOOL) {
            return false;
        }
    }
    return true;
}

/* where(cond, x, y): cond becomes bool; the result is the NEP 50 common
 * dtype of x and y (Python scalars weak), as numpy.where. */
static int resolve_where(const nda_operand *ops, int dtype, nda_loop *loop)
{
    nda_dtype types[2];
    int strong;
    int rc = strong_dtype(2, ops + 1, &strong);
    if (rc != NDA_OK) return rc;
    /* Unlike arithmetic, numpy.where casts an out-of-range Python int
     * unsafely (where(c, int8_array, 300) is int8). */
    for (int i = 0; i < 2; i++)
        types[i] = ops[1 + i].array ? ops[1 + i].array->dtype
                                    : nda_scalar_weak_dtype(&ops[1 + i].scalar, strong);
    nda_dtype t;
    rc = nda_dtype_promote(types[0], types[1], &t);
    if (rc != NDA_OK) return rc;
    if (dtype >= 0) t = (nda_dtype)dtype;
    loop->in[0] = NDA_BOOL;
    loop->in[1] = loop->in[2] = loop->out = t;
    loop->operand[0] = ops[0].array ? ops[0].array->dtype : NDA_BOOL;
    loop->operand[1] = types[0];
    loop->operand[2] = types[1];
    return NDA_OK;
}

int nda_ufunc_resolve(const char *name, int nin, const nda_operand *ops, int dtype,
                      nda_casting casting, nda_loop *loop)
{
    int opi = nda_op_from_name(name);
    if (opi < 0 || opi == NDA_OP_COPY)
        return nda_error_set(NDA_ENOTIMPL, "ufunc '%s' is not implemented", name);
    nda_op op = (nda_op)opi;
    const nda_op_desc *desc = nda_op_describe(op);
    if (nin != desc->nin)
        return nda_error_set(NDA_ETYPE, "%s() takes %d positional argument%s but %d were given",
                             name, desc->nin, desc->nin == 1 ? "" : "s", nin);
    nda_dtype types[3];
    if (op == NDA_OP_WHERE) return resolve_where(ops, dtype, loop);
    if (op == NDA_OP_TRUE_DIVIDE && dtype < 0 && all_integral(nin, ops)) {
        /* Integer division runs in float64 and NumPy converts a Python int
         * straight to it (uint8_array / 300 is fine). */
        for (int i = 0; i < nin; i++) {
            loop->operand[i] = ops[i].array ? ops[i].array->dtype : NDA_FLOAT64;
            loop->in[i] = NDA_FLOAT64;
        }
        loop->out = NDA_FLOAT64;
        return NDA_OK;
    }
    int rc = operand_dtypes(op, nin, ops, types);
    if (rc != NDA_OK) return rc;
    for (int i = 0; i < nin; i++) loop->operand[i] = types[i];

    /* true_divide: integer and bool inputs use the float64 loop. */
    if (op == NDA_OP_TRUE_DIVIDE && dtype < 0) {
        bool all_int = true;
        for (int i = 0; i < nin; i++)
            if (nda_dtype_kind(types[i]) == NDA_KIND_FLOAT ||
                nda_dtype_kind(types[i]) == NDA_KIND_COMPLEX)
                all_int = false;
        if (all_int) {
            loop->in[0] = loop->in[1] = loop->out = NDA_FLOAT64;
            return NDA_OK;
        }
    }
    /* NumPy refuses these before any loop search (bool would otherwise
     * cast safely to int8). An explicit dtype= still selects a loop. */
    if (dtype < 0 && refuses_bool(op, nin, types)) return no_loop_error(op, nin, types);
    memo_key key = memo_key_of(op, nin, types, dtype, casting);
    memo_entry *m = &g_memo[memo_slot(&key)];
    if (m->valid && memcmp(&m->key, &key, sizeof key) == 0) {
        for (int i = 0; i < nin; i++) loop->in[i] = m->in[i];
        loop->out = m->out;
        return NDA_OK;
    }
    nda_dtype li[3], lo;
    for (int k = 0; nda_op_loop(op, k, li, &lo); k++) {
        bool ok = true;
        for (int i = 0; i < nin && ok; i++) {
            if (dtype >= 0)
                ok = nda_dtype_can_cast(types[i], li[i], casting == NDA_CAST_UNSAFE ? NDA_CAST_UNSAFE : NDA_CAST_SAME_KIND);
            else
                ok = nda_dtype_can_cast(types[i], li[i], NDA_CAST_SAFE);
        }
        if (ok && dtype >= 0) ok = lo == (nda_dtype)dtype;
        if (ok) {
            for (int i = 0; i < nin; i++) loop->in[i] = m->in[i] = li[i];
            loop->out = m->out = lo;
            m->key = key;
            m->valid = true;
            return NDA_OK;
        }
    }
    if (dtype >= 0)
        return nda_error_set(NDA_ETYPE, "Cannot cast ufunc '%s' input from %s to %s with casting rule '%s'",
                             name, nda_dtype_name(types[0]), nda_dtype_name((nda_dtype)dtype),
                             casting_name(casting == NDA_CAST_UNSAFE ? casting : NDA_CAST_SAME_KIND));
    return no_loop_error(op, nin, types);
}

const char *nda_casting_name(nda_casting c) { return casting_name(c); }

/* Elementwise operations known to the generators, with NumPy's loop
 * signatures (numpy.<ufunc>.types, object/time/longdouble loops dropped). */
#ifndef NDA_OPS_H
#define NDA_OPS_H

#include <stdbool.h>

#include "kernels/strbuf.h"
#include "nda/dtype.h"

typedef enum nda_op {
    NDA_OP_COPY = 0, /* identity; loop type = output dtype (casts) */
    NDA_OP_ADD, NDA_OP_SUBTRACT, NDA_OP_MULTIPLY, NDA_OP_TRUE_DIVIDE, NDA_OP_FLOOR_DIVIDE,
    NDA_OP_REMAINDER, NDA_OP_POWER, NDA_OP_MAXIMUM, NDA_OP_MINIMUM,
    NDA_OP_EQUAL, NDA_OP_NOT_EQUAL, NDA_OP_LESS, NDA_OP_LESS_EQUAL, NDA_OP_GREATER,
    NDA_OP_GREATER_EQUAL,
    NDA_OP_BITWISE_AND, NDA_OP_BITWISE_OR, NDA_OP_BITWISE_XOR, NDA_OP_LEFT_SHIFT,
    NDA_OP_RIGHT_SHIFT, NDA_OP_LOGICAL_AND, NDA_OP_LOGICAL_OR,
    NDA_OP_NEGATIVE, NDA_OP_POSITIVE, NDA_OP_INVERT, NDA_OP_ABSOLUTE, NDA_OP_SQRT, NDA_OP_EXP,
    NDA_OP_LOG, NDA_OP_LOGICAL_NOT,
    NDA_OP_WHERE, /* where(cond, x, y): loop types (bool, T, T) -> T */
    NDA_OP_GATHER, /* value = source leaf at (its base + arg0), arg0 an int64 offset */
    /* math ufuncs (kernels/ops_math.c); frexp and modf are two ops each */
    NDA_OP_FMOD, NDA_OP_FLOAT_POWER, NDA_OP_RECIPROCAL, NDA_OP_EXP2,
    NDA_OP_EXPM1, NDA_OP_LOG2, NDA_OP_LOG10, NDA_OP_LOG1P,
    NDA_OP_LOGADDEXP, NDA_OP_LOGADDEXP2, NDA_OP_SIN, NDA_OP_COS,
    NDA_OP_TAN, NDA_OP_ARCSIN, NDA_OP_ARCCOS, NDA_OP_ARCTAN,
    NDA_OP_SINH, NDA_OP_COSH, NDA_OP_TANH, NDA_OP_ARCSINH,
    NDA_OP_ARCCOSH, NDA_OP_ARCTANH, NDA_OP_ARCTAN2, NDA_OP_HYPOT,
    NDA_OP_DEG2RAD, NDA_OP_RAD2DEG, NDA_OP_FLOOR, NDA_OP_CEIL,
    NDA_OP_TRUNC, NDA_OP_RINT, NDA_OP_SIGN, NDA_OP_SIGNBIT,
    NDA_OP_COPYSIGN, NDA_OP_NEXTAFTER, NDA_OP_SPACING, NDA_OP_LDEXP,
    NDA_OP_HEAVISIDE, NDA_OP_GCD, NDA_OP_LCM, NDA_OP_CBRT,
    NDA_OP_SQUARE, NDA_OP_FABS, NDA_OP_ISNAN, NDA_OP_ISINF,
    NDA_OP_ISFINITE, NDA_OP_LOGICAL_XOR, NDA_OP_CONJUGATE, NDA_OP_FMAX,
    NDA_OP_FMIN, NDA_OP_FREXP_MANTISSA, NDA_OP_FREXP_EXPONENT, NDA_OP_MODF_FRACTIONAL,
    NDA_OP_MODF_INTEGRAL,
    NDA_NOPS
} nda_op;

typedef struct nda_op_desc {
    const char *name;  /* NumPy ufunc name */
    int nin;           /* 1, 2 or 3 */
    const char *loops; /* space-separated "ab->c" signatures, NumPy's order */
} nda_op_desc;

const nda_op_desc *nda_op_describe(nda_op op);
/* -1 if the name is not an operation we generate. */
int nda_op_from_name(const char *name);

/* Code emission for one operation in its loop types. `args` are C
 * expressions already in the loop input compute types. Helper functions the
 * expression needs are appended to `helpers` once per kernel (tracked in
 * `seen`, a '\n'-separated list of emitted helper names). NDA_ETYPE if the
 * op has no implementation for these types. */
int nda_op_emit(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out, const char *const *args,
                nda_strbuf *expr, nda_strbuf *helpers, nda_strbuf *seen);

/* Dialect type names: storage (what a buffer holds) and compute (what the
 * expression works in: float16 computes in float, bool in nda_bool). */
const char *nda_type_storage(nda_dtype t);
const char *nda_type_compute(nda_dtype t);
/* Appends expression `x` (compute type of `from`) converted to the compute
 * type of `to`, with NumPy's cast semantics. */
void nda_emit_convert(nda_strbuf *b, nda_dtype from, nda_dtype to, const char *x);
/* Appends the storage value for compute value `x` of loop type `from`
 * stored into dtype `to`. */
void nda_emit_store_value(nda_strbuf *b, nda_dtype from, nda_dtype to, const char *x);
/* Appends the compute value of storage lvalue `x` of dtype t. */
void nda_emit_load_value(nda_strbuf *b, nda_dtype t, const char *x);

#endif

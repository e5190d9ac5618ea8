/* The op catalogue: every elementwise operation the core knows, by id, with
 * its NumPy ufunc name, its number of inputs and NumPy's loop signatures
 * (numpy.<ufunc>.types without the object, datetime/timedelta and long
 * double loops). Type semantics only: the core's ufunc resolution reads
 * it; kernels/ emits code for these ids (kernels/ops.h) and emits nothing
 * the catalogue does not list. Base layer: no device, no allocation.
 *
 * Contracts:
 * - Op ids are dense, 0 .. NDA_NOPS - 1; an id's meaning never depends on
 *   the kernel dialect.
 * - Ids NDA_OP_EQUAL .. NDA_OP_GREATER_EQUAL are the six comparisons, in
 *   that order (the resolver treats them as a range).
 * - Loop lists are in NumPy's order: ufunc resolution takes the first loop
 *   every input casts to safely, as NumPy's legacy resolver does. Each
 *   signature is nin input characters, "->" and one output character,
 *   signatures one space apart, every character one nda_dtype_from_char
 *   accepts.
 * - Three ops have no loop list: copy (the loop type is the output dtype:
 *   a cast), where (typed by nda_ufunc_resolve as (bool, T, T) -> T) and
 *   gather (typed by its source; emitted by kernels/fused.c). */
#ifndef NDA_OP_CATALOGUE_H
#define NDA_OP_CATALOGUE_H

#include <stdbool.h>

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
    /* math ufuncs; frexp and modf are two single-output ops each */
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
    const char *name;  /* NumPy ufunc name (frexp/modf: name_part) */
    int nin;           /* 1, 2 or 3 */
    const char *loops; /* space-separated "ab->c" signatures in NumPy's
                        * type characters, NumPy's order; "" for copy,
                        * where and gather */
} nda_op_desc;

/* The entry for op; NULL when op is not an id (outside 0 .. NDA_NOPS - 1).
 * The entry is static: valid for the life of the process. */
const nda_op_desc *nda_op_describe(nda_op op);

/* The op id for NumPy ufunc name `name` ("divide" is true_divide, as in
 * NumPy); -1 when the catalogue has no such op. Also finds the internal
 * ops (copy, where, gather, frexp_mantissa ...): callers that take user
 * names refuse those they do not expose. */
int nda_op_from_name(const char *name);

/* Loop `index` (0-based, NumPy's order) of op: its input types in in[0 ..
 * nin - 1] and its output type in *out. False (nothing written) when op
 * has fewer loops or is not an id. Constant time. */
bool nda_op_loop(nda_op op, int index, nda_dtype *in, nda_dtype *out);

/* Number of loops in op's loop list (0 for copy, where and gather, and
 * for a non-id). */
int nda_op_loop_count(nda_op op);

#endif

/* Shared by the op emitters in kernels/ops*.c (not a public header). */
#ifndef NDA_OPS_INTERNAL_H
#define NDA_OPS_INTERNAL_H

#include "kernels/ops.h"

/* Appends helper template `tmpl` for type t once per kernel (tracked under
 * `key` in `seen`). Template variables: $T compute type, $U wide unsigned
 * type, $W bits, $N type char, $R complex component type, $M complex
 * constructor. */
void nda_op_helper(nda_strbuf *helpers, nda_strbuf *seen, const char *key, const char *tmpl,
                   nda_dtype t);
/* Whether helper `key` for type t was appended already. */
bool nda_op_helper_seen(const nda_strbuf *seen, const char *key, nda_dtype t);

/* Complex arithmetic (nda_cadd_N ... nda_cmin_N). */
extern const char NDA_T_C_ARITH[];
extern const char NDA_T_D_LOG[];
extern const char NDA_T_D_POW[];

/* Helpers of nda_pow_f(x, y), float32 power: through nda_pow_d where the
 * kernel enables float64 on OpenCL, else the device's pow. */
void nda_op_emit_pow_f(nda_strbuf *h, nda_strbuf *seen);

/* Complex elementary functions (kernels/ops_complex.c): exp, log, sqrt,
 * power, float_power, the trigonometric and hyperbolic functions and their
 * inverses, expm1, log1p, exp2, log2, log10. Emits the call for op on
 * complex type t with its helpers and returns true; false for other ops. */
bool nda_op_emit_complex_fn(nda_op op, nda_dtype t, const char *a, const char *b, nda_strbuf *e,
                            nda_strbuf *h, nda_strbuf *seen);

/* The emitters nda_op_emit dispatches to by op id (kernels/ops_dispatch.c),
 * with nda_op_emit's contract. Basic: arithmetic, comparisons, bitwise and
 * logical ops, copy, where (kernels/ops.c). */
int nda_op_emit_basic(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out,
                      const char *const *args, nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen);

/* The math ufuncs, fmod .. modf (kernels/ops_math.c). */
int nda_op_emit_math(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out,
                     const char *const *args, nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen);

#endif

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

/* Complex arithmetic (nda_cadd_N ... nda_cmin_N) and exp/log/sqrt/pow. */
extern const char NDA_T_C_ARITH[];
extern const char NDA_T_C_MATH[];

/* The math ufuncs (NDA_OP_FMOD and later). */
int nda_op_emit_math(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out,
                     const char *const *args, nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen);

#endif

/* Code emission for the op catalogue's operations (core/op_catalogue.h):
 * per-op C expressions in the backend-neutral dialect, keyed by the
 * catalogue's op ids. The catalogue owns names and loop signatures; this
 * header only emits code for them. */
#ifndef NDA_OPS_H
#define NDA_OPS_H

#include <stdbool.h>

#include "core/op_catalogue.h"
#include "kernels/strbuf.h"
#include "nda/dtype.h"

/* Code emission for one operation in its loop types. `args` are C
 * expressions already in the loop input compute types. Helper functions the
 * expression needs are appended to `helpers` once per kernel (tracked in
 * `seen`, a '\n'-separated list of emitted helper names). NDA_ETYPE if the
 * op has no implementation for these types. Gather is not an expression:
 * kernels/fused.c emits it (NDA_EVALUE here). */
int nda_op_emit(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out, const char *const *args,
                nda_strbuf *expr, nda_strbuf *helpers, nda_strbuf *seen);

/* The vector form's float64 power (kernels/ops_pow_vector.c, OpenCL only):
 * appends the call nda_pow_d8(a, b) on double8 values (a scalar operand is
 * broadcast) to e and its helpers to h once. */
int nda_op_emit_pow_d8(const char *a, const char *b, nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen);

/* The vector form's float32 power on w-lane values (kernels/
 * ops_pow_vector_f32.c, OpenCL devices with float64; the kernel must
 * enable it): appends the call nda_pow_f<w>(a, b) (a scalar operand is
 * broadcast) to e and its helpers to h once. */
int nda_op_emit_pow_fv(int w, const char *a, const char *b, nda_strbuf *e, nda_strbuf *h,
                       nda_strbuf *seen);

/* The vector form's float32 sin, cos and tanh on w-lane values (kernels/
 * ops_math_vector_f32.c): appends the call nda_<op>_f<w>(a) to e and its
 * helper to h once (failures show in e's and h's status) and returns true;
 * false, appending nothing, for other ops. */
bool nda_op_emit_math_fv(nda_op op, int w, const char *a, nda_strbuf *e, nda_strbuf *h,
                         nda_strbuf *seen);

/* Cross-check of the catalogue against the emitters (for tests): every op
 * id has an emitter, and nda_op_emit succeeds for every loop the catalogue
 * lists; copy for every dtype (its loop type is the output dtype), where
 * as (bool, T, T) -> T for every T, gather only as registered to
 * kernels/fused.c. NDA_OK, else NDA_ETYPE with a message naming the first
 * op and loop without an emitter. */
int nda_op_check_emitters(void);

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

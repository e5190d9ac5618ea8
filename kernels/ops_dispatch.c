/* nda_op_emit: the emitter of each catalogue op, keyed by op id, and the
 * cross-check that every catalogue loop has one. */
#include <stdio.h>

#include "kernels/ops.h"
#include "kernels/ops_internal.h"
#include "nda/error.h"

typedef int (*op_emitter)(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out,
                          const char *const *args, nda_strbuf *e, nda_strbuf *h,
                          nda_strbuf *seen);

/* Gather reads a leaf at an index: kernels/fused.c writes it with the
 * leaf's layout, it has no expression of its own. */
static int emit_gather(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out,
                       const char *const *args, nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen)
{
    (void)op, (void)loop_in, (void)loop_out, (void)args, (void)e, (void)h, (void)seen;
    return nda_error_set(NDA_EVALUE, "gather is emitted by the fused kernel generator, not as an "
                                     "expression");
}

/* NULL: a catalogue op kernels/ cannot emit (nda_op_check_emitters fails). */
static const op_emitter EMITTERS[NDA_NOPS] = {
    [NDA_OP_COPY] = nda_op_emit_basic,
    [NDA_OP_ADD] = nda_op_emit_basic,
    [NDA_OP_SUBTRACT] = nda_op_emit_basic,
    [NDA_OP_MULTIPLY] = nda_op_emit_basic,
    [NDA_OP_TRUE_DIVIDE] = nda_op_emit_basic,
    [NDA_OP_FLOOR_DIVIDE] = nda_op_emit_basic,
    [NDA_OP_REMAINDER] = nda_op_emit_basic,
    [NDA_OP_POWER] = nda_op_emit_basic,
    [NDA_OP_MAXIMUM] = nda_op_emit_basic,
    [NDA_OP_MINIMUM] = nda_op_emit_basic,
    [NDA_OP_EQUAL] = nda_op_emit_basic,
    [NDA_OP_NOT_EQUAL] = nda_op_emit_basic,
    [NDA_OP_LESS] = nda_op_emit_basic,
    [NDA_OP_LESS_EQUAL] = nda_op_emit_basic,
    [NDA_OP_GREATER] = nda_op_emit_basic,
    [NDA_OP_GREATER_EQUAL] = nda_op_emit_basic,
    [NDA_OP_BITWISE_AND] = nda_op_emit_basic,
    [NDA_OP_BITWISE_OR] = nda_op_emit_basic,
    [NDA_OP_BITWISE_XOR] = nda_op_emit_basic,
    [NDA_OP_LEFT_SHIFT] = nda_op_emit_basic,
    [NDA_OP_RIGHT_SHIFT] = nda_op_emit_basic,
    [NDA_OP_LOGICAL_AND] = nda_op_emit_basic,
    [NDA_OP_LOGICAL_OR] = nda_op_emit_basic,
    [NDA_OP_NEGATIVE] = nda_op_emit_basic,
    [NDA_OP_POSITIVE] = nda_op_emit_basic,
    [NDA_OP_INVERT] = nda_op_emit_basic,
    [NDA_OP_ABSOLUTE] = nda_op_emit_basic,
    [NDA_OP_SQRT] = nda_op_emit_basic,
    [NDA_OP_EXP] = nda_op_emit_basic,
    [NDA_OP_LOG] = nda_op_emit_basic,
    [NDA_OP_LOGICAL_NOT] = nda_op_emit_basic,
    [NDA_OP_WHERE] = nda_op_emit_basic,
    [NDA_OP_GATHER] = emit_gather,
    [NDA_OP_FMOD] = nda_op_emit_math,
    [NDA_OP_FLOAT_POWER] = nda_op_emit_math,
    [NDA_OP_RECIPROCAL] = nda_op_emit_math,
    [NDA_OP_EXP2] = nda_op_emit_math,
    [NDA_OP_EXPM1] = nda_op_emit_math,
    [NDA_OP_LOG2] = nda_op_emit_math,
    [NDA_OP_LOG10] = nda_op_emit_math,
    [NDA_OP_LOG1P] = nda_op_emit_math,
    [NDA_OP_LOGADDEXP] = nda_op_emit_math,
    [NDA_OP_LOGADDEXP2] = nda_op_emit_math,
    [NDA_OP_SIN] = nda_op_emit_math,
    [NDA_OP_COS] = nda_op_emit_math,
    [NDA_OP_TAN] = nda_op_emit_math,
    [NDA_OP_ARCSIN] = nda_op_emit_math,
    [NDA_OP_ARCCOS] = nda_op_emit_math,
    [NDA_OP_ARCTAN] = nda_op_emit_math,
    [NDA_OP_SINH] = nda_op_emit_math,
    [NDA_OP_COSH] = nda_op_emit_math,
    [NDA_OP_TANH] = nda_op_emit_math,
    [NDA_OP_ARCSINH] = nda_op_emit_math,
    [NDA_OP_ARCCOSH] = nda_op_emit_math,
    [NDA_OP_ARCTANH] = nda_op_emit_math,
    [NDA_OP_ARCTAN2] = nda_op_emit_math,
    [NDA_OP_HYPOT] = nda_op_emit_math,
    [NDA_OP_DEG2RAD] = nda_op_emit_math,
    [NDA_OP_RAD2DEG] = nda_op_emit_math,
    [NDA_OP_FLOOR] = nda_op_emit_math,
    [NDA_OP_CEIL] = nda_op_emit_math,
    [NDA_OP_TRUNC] = nda_op_emit_math,
    [NDA_OP_RINT] = nda_op_emit_math,
    [NDA_OP_SIGN] = nda_op_emit_math,
    [NDA_OP_SIGNBIT] = nda_op_emit_math,
    [NDA_OP_COPYSIGN] = nda_op_emit_math,
    [NDA_OP_NEXTAFTER] = nda_op_emit_math,
    [NDA_OP_SPACING] = nda_op_emit_math,
    [NDA_OP_LDEXP] = nda_op_emit_math,
    [NDA_OP_HEAVISIDE] = nda_op_emit_math,
    [NDA_OP_GCD] = nda_op_emit_math,
    [NDA_OP_LCM] = nda_op_emit_math,
    [NDA_OP_CBRT] = nda_op_emit_math,
    [NDA_OP_SQUARE] = nda_op_emit_math,
    [NDA_OP_FABS] = nda_op_emit_math,
    [NDA_OP_ISNAN] = nda_op_emit_math,
    [NDA_OP_ISINF] = nda_op_emit_math,
    [NDA_OP_ISFINITE] = nda_op_emit_math,
    [NDA_OP_LOGICAL_XOR] = nda_op_emit_math,
    [NDA_OP_CONJUGATE] = nda_op_emit_math,
    [NDA_OP_FMAX] = nda_op_emit_math,
    [NDA_OP_FMIN] = nda_op_emit_math,
    [NDA_OP_FREXP_MANTISSA] = nda_op_emit_math,
    [NDA_OP_FREXP_EXPONENT] = nda_op_emit_math,
    [NDA_OP_MODF_FRACTIONAL] = nda_op_emit_math,
    [NDA_OP_MODF_INTEGRAL] = nda_op_emit_math,
};

int nda_op_emit(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out, const char *const *args,
                nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen)
{
    if ((int)op < 0 || op >= NDA_NOPS || !EMITTERS[op])
        return nda_error_set(NDA_ETYPE, "operation %d has no code emitter", (int)op);
    return EMITTERS[op](op, loop_in, loop_out, args, e, h, seen);
}

/* Emits op for one loop into scratch buffers; on failure rewrites the
 * error to name the catalogue op and the loop. */
static int check_loop(nda_op op, int nin, const nda_dtype *in, nda_dtype out)
{
    static const char *const args[3] = {"a0", "a1", "a2"};
    nda_strbuf e, h, seen;
    nda_strbuf_init(&e);
    nda_strbuf_init(&h);
    nda_strbuf_init(&seen);
    int rc = nda_op_emit(op, in, out, args, &e, &h, &seen);
    if (rc == NDA_OK) rc = nda_strbuf_status(&e);
    if (rc == NDA_OK) rc = nda_strbuf_status(&h);
    if (rc == NDA_OK && e.len == 0)
        rc = nda_error_set(NDA_ETYPE, "empty expression");
    nda_strbuf_free(&e);
    nda_strbuf_free(&h);
    nda_strbuf_free(&seen);
    if (rc == NDA_OK) return NDA_OK;
    char why[256], sig[8] = {0};
    snprintf(why, sizeof why, "%s", nda_error_message());
    for (int i = 0; i < nin; i++) sig[i] = nda_dtype_char(in[i]);
    snprintf(sig + nin, sizeof sig - (size_t)nin, "->%c", nda_dtype_char(out));
    return nda_error_set(NDA_ETYPE, "catalogue op '%s' loop %s has no emitter: %s",
                         nda_op_describe(op)->name, sig, why);
}

int nda_op_check_emitters(void)
{
    for (int i = 0; i < NDA_NOPS; i++) {
        nda_op op = (nda_op)i;
        const nda_op_desc *d = nda_op_describe(op);
        if (!EMITTERS[op])
            return nda_error_set(NDA_ETYPE, "catalogue op '%s' has no emitter", d->name);
        if (op == NDA_OP_GATHER) {
            if (EMITTERS[op] != emit_gather)
                return nda_error_set(NDA_ETYPE, "gather must be left to kernels/fused.c");
            continue;
        }
        int rc = NDA_OK;
        if (op == NDA_OP_COPY || op == NDA_OP_WHERE) {
            for (int t = 0; t < NDA_NTYPES && rc == NDA_OK; t++) {
                nda_dtype in[3] = {(nda_dtype)t, (nda_dtype)t, (nda_dtype)t};
                if (op == NDA_OP_WHERE) in[0] = NDA_BOOL;
                rc = check_loop(op, d->nin, in, (nda_dtype)t);
            }
        } else if (nda_op_loop_count(op) == 0) {
            rc = nda_error_set(NDA_ETYPE, "catalogue op '%s' lists no loops", d->name);
        }
        nda_dtype in[3], out;
        for (int k = 0; rc == NDA_OK && nda_op_loop(op, k, in, &out); k++)
            rc = check_loop(op, d->nin, in, out);
        if (rc != NDA_OK) return rc;
    }
    return NDA_OK;
}

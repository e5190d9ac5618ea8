#include "kernels/gen_elementwise.h"

#include <stdio.h>
#include <string.h>

#include "kernels/dialect.h"
#include "nda/error.h"

static bool uses_double(nda_dtype t) { return t == NDA_FLOAT64 || t == NDA_COMPLEX128; }

bool nda_ew_needs_fp64(const nda_ew_spec *s)
{
    if (uses_double(s->loop_out) || uses_double(s->out_dtype)) return true;
    for (int i = 0; i < s->nin; i++)
        if (uses_double(s->loop_in[i]) || uses_double(s->in_dtype[i])) return true;
    return false;
}

void nda_ew_spec_key(const nda_ew_spec *s, char *buf, size_t len)
{
    char ins[16] = {0};
    int at = 0;
    for (int i = 0; i < s->nin; i++) {
        ins[at++] = s->in_scalar[i] ? 's' : nda_dtype_char(s->in_dtype[i]);
        ins[at++] = nda_dtype_char(s->loop_in[i]);
        ins[at++] = s->layout[1 + i];
    }
    snprintf(buf, len, "ew:%s:%s:%c%c%c:r%d:%c:%s", nda_op_describe(s->op)->name, ins,
             nda_dtype_char(s->out_dtype), nda_dtype_char(s->loop_out), s->layout[0], s->rank,
             s->idx64 ? 'L' : 'I', "v1");
}

/* Offset expression accumulation for an operand named `p` with layout. */
static void emit_offset(nda_strbuf *b, const nda_ew_spec *s, int operand, const char *p)
{
    char lay = s->layout[operand];
    if (lay == NDA_LAYOUT_ZERO) return;
    if (s->rank == 1) {
        if (lay == NDA_LAYOUT_CONTIG) nda_strbuf_printf(b, "  %s += i;\n", p);
        else nda_strbuf_printf(b, "  %s += i * st%d_0;\n", p, operand);
        return;
    }
    for (int d = s->rank - 1; d >= 0; d--)
        nda_strbuf_printf(b, "  %s += c%d * st%d_%d;\n", p, d, operand, d);
}

int nda_ew_source(const nda_ew_spec *s, nda_dialect dialect, nda_strbuf *src)
{
    if (s->rank < 1 || s->rank > NDA_KERNEL_MAXRANK || s->nin < 1 || s->nin > 2)
        return nda_error_set(NDA_EVALUE, "invalid elementwise kernel spec");
    const char *I = s->idx64 ? "nda_i64" : "nda_i32";
    nda_strbuf helpers, seen, expr, body;
    nda_strbuf_init(&helpers);
    nda_strbuf_init(&seen);
    nda_strbuf_init(&expr);
    nda_strbuf_init(&body);
    int rc;

    /* Input values in loop compute types. */
    char argnames[2][128];
    const char *args[2];
    for (int k = 0; k < s->nin; k++) {
        nda_strbuf raw, conv;
        nda_strbuf_init(&raw);
        nda_strbuf_init(&conv);
        if (s->in_scalar[k]) {
            snprintf(argnames[k], sizeof argnames[k], "s%d", k);
        } else {
            char lv[32];
            snprintf(lv, sizeof lv, "in%d[p%d]", k, k + 1);
            nda_emit_load_value(&raw, s->in_dtype[k], lv);
            nda_dtype from = s->in_dtype[k];
            nda_emit_convert(&conv, from == NDA_FLOAT16 ? NDA_FLOAT16 : from, s->loop_in[k],
                             raw.data ? raw.data : "");
            nda_strbuf_printf(&body, "  %s v%d = %s;\n", nda_type_compute(s->loop_in[k]), k,
                              conv.data ? conv.data : "");
            snprintf(argnames[k], sizeof argnames[k], "v%d", k);
        }
        nda_strbuf_free(&raw);
        nda_strbuf_free(&conv);
        args[k] = argnames[k];
    }
    rc = nda_op_emit(s->op, s->loop_in, s->loop_out, args, &expr, &helpers, &seen);
    if (rc != NDA_OK) goto out;

    nda_dialect_prelude(src, dialect, nda_ew_needs_fp64(s));
    if (helpers.data) nda_strbuf_puts(src, helpers.data);

    /* Signature. */
    nda_strbuf_printf(src, "NDA_KERNEL void " NDA_EW_KERNEL_NAME "(NDA_GLOBAL %s *out, %s off0",
                      nda_type_storage(s->out_dtype), I);
    for (int k = 0; k < s->nin; k++) {
        if (s->in_scalar[k])
            nda_strbuf_printf(src, ", %s s%d", nda_type_compute(s->loop_in[k]), k);
        else
            nda_strbuf_printf(src, ", NDA_GLOBAL const %s *in%d, %s off%d",
                              nda_type_storage(s->in_dtype[k]), k, I, k + 1);
    }
    nda_strbuf_printf(src, ", %s n", I);
    if (s->rank > 1)
        for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s sh%d", I, d);
    for (int op = 0; op <= s->nin; op++) {
        if (op > 0 && s->in_scalar[op - 1]) continue;
        if (s->layout[op] != NDA_LAYOUT_STRIDED) continue;
        for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s st%d_%d", I, op, d);
    }
    nda_strbuf_puts(src, ")\n{\n");
    nda_strbuf_printf(src, "  %s i = (%s)NDA_GLOBAL_ID;\n  if (i >= n) return;\n", I, I);
    if (s->rank > 1) {
        nda_strbuf_printf(src, "  %s r = i;\n", I);
        for (int d = s->rank - 1; d >= 1; d--)
            nda_strbuf_printf(src, "  %s c%d = r %% sh%d; r /= sh%d;\n", I, d, d, d);
        nda_strbuf_printf(src, "  %s c0 = r;\n", I);
    }
    nda_strbuf_printf(src, "  %s p0 = off0;\n", I);
    emit_offset(src, s, 0, "p0");
    for (int k = 0; k < s->nin; k++) {
        if (s->in_scalar[k]) continue;
        char p[8];
        snprintf(p, sizeof p, "p%d", k + 1);
        nda_strbuf_printf(src, "  %s %s = off%d;\n", I, p, k + 1);
        emit_offset(src, s, k + 1, p);
    }
    if (body.data) nda_strbuf_puts(src, body.data);
    nda_strbuf_printf(src, "  %s res = %s;\n", nda_type_compute(s->loop_out), expr.data ? expr.data : "");
    nda_strbuf_puts(src, "  out[p0] = ");
    nda_emit_store_value(src, s->loop_out, s->out_dtype, "res");
    nda_strbuf_puts(src, ";\n}\n");
    rc = nda_strbuf_status(src);
    if (rc == NDA_OK) rc = nda_strbuf_status(&helpers);
    if (rc == NDA_OK) rc = nda_strbuf_status(&expr);
    if (rc == NDA_OK) rc = nda_strbuf_status(&body);
out:
    nda_strbuf_free(&helpers);
    nda_strbuf_free(&seen);
    nda_strbuf_free(&expr);
    nda_strbuf_free(&body);
    return rc;
}

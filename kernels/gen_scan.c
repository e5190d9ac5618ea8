#include "kernels/gen_scan.h"

#include <stdio.h>

#include "kernels/dialect.h"
#include "nda/error.h"

void nda_scan_key(const nda_scan_spec *s, char *buf, size_t len)
{
    snprintf(buf, len, "scan:v1:%c:%s:%c%c%c:%d%d:%c", s->mode, nda_op_describe(s->op)->name,
             nda_dtype_char(s->in_dtype), nda_dtype_char(s->acc), nda_dtype_char(s->out_dtype),
             s->has_offsets, s->seed_first, s->idx64 ? 'L' : 'I');
}

static bool dbl(nda_dtype t) { return t == NDA_FLOAT64 || t == NDA_COMPLEX128; }

int nda_scan_source(const nda_scan_spec *s, nda_dialect dialect, nda_strbuf *src)
{
    const char *I = s->idx64 ? "nda_i64" : "nda_i32";
    const char *A = nda_type_compute(s->acc);
    nda_strbuf helpers, seen, fold, load, conv, ident;
    nda_strbuf_init(&helpers);
    nda_strbuf_init(&seen);
    nda_strbuf_init(&fold);
    nda_strbuf_init(&load);
    nda_strbuf_init(&conv);
    nda_strbuf_init(&ident);
    nda_dtype lt[2] = {s->acc, s->acc};
    nda_emit_load_value(&load, s->in_dtype, "in[q]");
    nda_emit_convert(&conv, s->in_dtype, s->acc, load.data ? load.data : "");
    const char *args[2] = {"acc", "v"};
    int rc = nda_op_emit(s->op, lt, s->acc, args, &fold, &helpers, &seen);
    if (rc != NDA_OK) goto out;
    if (s->acc == NDA_FLOAT16) {
        /* NumPy accumulates float16 in float16: round every step. */
        nda_strbuf r;
        nda_strbuf_init(&r);
        nda_strbuf_printf(&r, "nda_h2f(nda_f2h(%s))", fold.data ? fold.data : "");
        nda_strbuf_free(&fold);
        fold = r;
    }
    if (nda_dtype_kind(s->acc) == NDA_KIND_COMPLEX)
        nda_strbuf_printf(&ident, "%s(%d, 0)", s->acc == NDA_COMPLEX64 ? "NDA_C64" : "NDA_C128",
                          s->op == NDA_OP_MULTIPLY);
    else
        nda_strbuf_printf(&ident, "(%s)%d", A, s->op == NDA_OP_MULTIPLY);
    nda_dialect_prelude(src, dialect, dbl(s->in_dtype) || dbl(s->acc) || dbl(s->out_dtype));
    if (helpers.data) nda_strbuf_puts(src, helpers.data);
    switch (s->mode) {
    case NDA_SCAN_FOLD:
        nda_strbuf_printf(src,
                          "NDA_KERNEL void " NDA_SCAN_KERNEL_NAME "(NDA_GLOBAL %s *part, NDA_GLOBAL const %s *in, "
                          "%s M, %s K, %s C, %s P)\n{\n",
                          nda_type_storage(s->acc), nda_type_storage(s->in_dtype), I, I, I, I);
        nda_strbuf_printf(src, "  %s g = (%s)NDA_GLOBAL_ID;\n  if (g >= M * P) return;\n", I, I);
        nda_strbuf_printf(src, "  %s m = g / P, p = g - m * P;\n", I);
        nda_strbuf_printf(src, "  %s q = m * K + p * C, e = q + C;\n  if (e > m * K + K) e = m * K + K;\n", I);
        nda_strbuf_printf(src, "  %s acc = %s;\n", A, ident.data);
        nda_strbuf_printf(src, "  for (; q < e; q++) { %s v = %s; acc = %s; }\n", A, conv.data ? conv.data : "",
                          fold.data ? fold.data : "");
        nda_strbuf_puts(src, "  part[g] = acc;\n}\n");
        break;
    case NDA_SCAN_ROWS:
        nda_strbuf_printf(src,
                          "NDA_KERNEL void " NDA_SCAN_KERNEL_NAME "(NDA_GLOBAL %s *part, %s M, %s P)\n{\n",
                          nda_type_storage(s->acc), I, I);
        nda_strbuf_printf(src, "  %s m = (%s)NDA_GLOBAL_ID;\n  if (m >= M) return;\n", I, I);
        nda_strbuf_printf(src, "  %s acc = %s;\n", A, ident.data);
        nda_strbuf_printf(src, "  for (%s q = m * P; q < m * P + P; q++) { %s v = part[q]; part[q] = acc; acc = %s; }\n",
                          I, A, fold.data ? fold.data : "");
        nda_strbuf_puts(src, "}\n");
        break;
    case NDA_SCAN_CHUNKS: {
        nda_strbuf st;
        nda_strbuf_init(&st);
        nda_emit_store_value(&st, s->acc, s->out_dtype, "acc");
        nda_strbuf_printf(src,
                          "NDA_KERNEL void " NDA_SCAN_KERNEL_NAME "(NDA_GLOBAL %s *out, NDA_GLOBAL const %s *in, "
                          "NDA_GLOBAL const %s *part, %s M, %s K, %s C, %s P)\n{\n",
                          nda_type_storage(s->out_dtype), nda_type_storage(s->in_dtype),
                          nda_type_storage(s->acc), I, I, I, I);
        nda_strbuf_printf(src, "  %s g = (%s)NDA_GLOBAL_ID;\n  if (g >= M * P) return;\n", I, I);
        nda_strbuf_printf(src, "  %s m = g / P, p = g - m * P;\n", I);
        nda_strbuf_printf(src, "  %s q = m * K + p * C, e = q + C;\n  if (e > m * K + K) e = m * K + K;\n", I);
        if (s->has_offsets) {
            nda_strbuf_printf(src, "  %s acc = part[g];\n", A);
        } else if (s->seed_first) {
            nda_strbuf_printf(src, "  if (q >= e) return;\n  %s acc;\n", A);
            nda_strbuf_printf(src, "  { %s v = %s; acc = v; out[q] = %s; q++; }\n", A,
                              conv.data ? conv.data : "", st.data ? st.data : "");
        } else {
            nda_strbuf_printf(src, "  %s acc = %s;\n", A, ident.data);
        }
        nda_strbuf_printf(src, "  for (; q < e; q++) { %s v = %s; acc = %s; out[q] = %s; }\n}\n", A,
                          conv.data ? conv.data : "", fold.data ? fold.data : "", st.data ? st.data : "");
        nda_strbuf_free(&st);
        break;
    }
    }
    rc = nda_strbuf_status(src);
out:
    nda_strbuf_free(&helpers);
    nda_strbuf_free(&seen);
    nda_strbuf_free(&fold);
    nda_strbuf_free(&load);
    nda_strbuf_free(&conv);
    nda_strbuf_free(&ident);
    return rc;
}

#include "kernels/gen_reduce.h"

#include <stdio.h>

#include "kernels/dialect.h"
#include "nda/error.h"

void nda_reduce_spec_key(const nda_reduce_spec *s, char *buf, size_t len)
{
    snprintf(buf, len, "red:%s:%c%c%c:%c:r%d:%c:l%d:v1", nda_op_describe(s->op)->name,
             nda_dtype_char(s->in_dtype), nda_dtype_char(s->acc), nda_dtype_char(s->out_dtype),
             s->layout, s->rank, s->idx64 ? 'L' : 'I', s->local_size);
}

/* The fold's identity in the accumulator's compute type. */
static void emit_identity(nda_strbuf *b, nda_op op, nda_dtype t)
{
    nda_kind k = nda_dtype_kind(t);
    const char *T = nda_type_compute(t);
    bool mx = op == NDA_OP_MAXIMUM, mn = op == NDA_OP_MINIMUM;
    if (k == NDA_KIND_COMPLEX) {
        const char *mk = t == NDA_COMPLEX64 ? "NDA_C64" : "NDA_C128";
        if (mx) nda_strbuf_printf(b, "%s(-INFINITY, -INFINITY)", mk);
        else if (mn) nda_strbuf_printf(b, "%s(INFINITY, INFINITY)", mk);
        else nda_strbuf_printf(b, "%s(%d, 0)", mk, op == NDA_OP_MULTIPLY);
        return;
    }
    if (mx || mn) {
        if (k == NDA_KIND_FLOAT) { nda_strbuf_printf(b, "(%s)(%sINFINITY)", T, mx ? "-" : ""); return; }
        if (k == NDA_KIND_BOOL) { nda_strbuf_printf(b, "(nda_bool)%d", mn); return; }
        int bits = (int)nda_dtype_itemsize(t) * 8;
        if (k == NDA_KIND_UINT) {
            if (mx) nda_strbuf_printf(b, "(%s)0", T);
            else nda_strbuf_printf(b, "(%s)~(%s)0", T, T);
        } else {
            /* signed min / max built from the unsigned pattern */
            if (mx) nda_strbuf_printf(b, "(%s)((nda_u64)1 << %d)", T, bits - 1);
            else nda_strbuf_printf(b, "(%s)(((nda_u64)1 << %d) - 1)", T, bits - 1);
        }
        return;
    }
    nda_strbuf_printf(b, "(%s)%d", T, op == NDA_OP_MULTIPLY);
}

int nda_reduce_source(const nda_reduce_spec *s, nda_dialect dialect, nda_strbuf *src)
{
    const char *I = s->idx64 ? "nda_i64" : "nda_i32";
    const char *A = nda_type_compute(s->acc);
    nda_strbuf helpers, seen, comb, comb2, load, conv;
    nda_strbuf_init(&helpers);
    nda_strbuf_init(&seen);
    nda_strbuf_init(&comb);
    nda_strbuf_init(&comb2);
    nda_strbuf_init(&load);
    nda_strbuf_init(&conv);
    nda_dtype lt[2] = {s->acc, s->acc};
    const char *args[2] = {"acc", "v"};
    const char *args2[2] = {"sdata[lid]", "sdata[lid + w]"};
    int rc = nda_op_emit(s->op, lt, s->acc, args, &comb, &helpers, &seen);
    if (rc == NDA_OK) rc = nda_op_emit(s->op, lt, s->acc, args2, &comb2, &helpers, &seen);
    if (rc != NDA_OK) goto out;
    bool fp64 = s->in_dtype == NDA_FLOAT64 || s->in_dtype == NDA_COMPLEX128 ||
                s->acc == NDA_FLOAT64 || s->acc == NDA_COMPLEX128 ||
                s->out_dtype == NDA_FLOAT64 || s->out_dtype == NDA_COMPLEX128;
    nda_dialect_prelude(src, dialect, fp64);
    if (helpers.data) nda_strbuf_puts(src, helpers.data);
    nda_strbuf_printf(src,
                      "NDA_KERNEL void " NDA_REDUCE_KERNEL_NAME
                      "(NDA_GLOBAL %s *out, NDA_GLOBAL const %s *in, %s off, %s n, %s total",
                      nda_type_storage(s->out_dtype), nda_type_storage(s->in_dtype), I, I, I);
    if (s->rank > 1)
        for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s sh%d", I, d);
    if (s->layout == NDA_LAYOUT_STRIDED)
        for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s st%d", I, d);
    nda_strbuf_puts(src, ")\n{\n");
    nda_strbuf_printf(src, "  NDA_LOCAL_ARRAY(%s, sdata, %d);\n", A, s->local_size);
    nda_strbuf_printf(src, "  %s lid = (%s)NDA_LOCAL_ID;\n", I, I);
    nda_strbuf_printf(src, "  %s acc = ", A);
    emit_identity(src, s->op, s->acc);
    nda_strbuf_puts(src, ";\n");
    nda_strbuf_printf(src, "  for (%s i = (%s)NDA_GROUP_ID * %d + lid; i < n; i += total) {\n", I, I,
                      s->local_size);
    nda_strbuf_printf(src, "    %s p = off;\n", I);
    if (s->layout == NDA_LAYOUT_CONTIG) {
        nda_strbuf_puts(src, "    p += i;\n");
    } else if (s->layout == NDA_LAYOUT_STRIDED) {
        if (s->rank == 1) {
            nda_strbuf_puts(src, "    p += i * st0;\n");
        } else {
            nda_strbuf_printf(src, "    %s r = i;\n", I);
            for (int d = s->rank - 1; d >= 1; d--)
                nda_strbuf_printf(src, "    p += (r %% sh%d) * st%d; r /= sh%d;\n", d, d, d);
            nda_strbuf_puts(src, "    p += r * st0;\n");
        }
    }
    nda_emit_load_value(&load, s->in_dtype, "in[p]");
    nda_emit_convert(&conv, s->in_dtype, s->acc, load.data ? load.data : "");
    nda_strbuf_printf(src, "    %s v = %s;\n", A, conv.data ? conv.data : "");
    nda_strbuf_printf(src, "    acc = %s;\n  }\n", comb.data ? comb.data : "");
    nda_strbuf_puts(src, "  sdata[lid] = acc;\n  NDA_BARRIER;\n");
    nda_strbuf_printf(src, "  for (%s w = %d; w > 0; w >>= 1) {\n", I, s->local_size / 2);
    nda_strbuf_printf(src, "    if (lid < w) sdata[lid] = %s;\n    NDA_BARRIER;\n  }\n",
                      comb2.data ? comb2.data : "");
    nda_strbuf_puts(src, "  if (lid == 0) out[NDA_GROUP_ID] = ");
    nda_emit_store_value(src, s->acc, s->out_dtype, "sdata[0]");
    nda_strbuf_puts(src, ";\n}\n");
    rc = nda_strbuf_status(src);
out:
    nda_strbuf_free(&helpers);
    nda_strbuf_free(&seen);
    nda_strbuf_free(&comb);
    nda_strbuf_free(&comb2);
    nda_strbuf_free(&load);
    nda_strbuf_free(&conv);
    return rc;
}

#include "kernels/gen_argext.h"

#include <stdio.h>

#include "kernels/dialect.h"
#include "kernels/ops.h"
#include "nda/error.h"

nda_dtype nda_argext_value_dtype(nda_dtype key) { return key == NDA_FLOAT16 ? NDA_FLOAT32 : key; }

bool nda_argext_vectorizable(nda_dtype key)
{
    return key == NDA_FLOAT32 || key == NDA_FLOAT64 || key == NDA_INT32 || key == NDA_INT64 ||
           key == NDA_UINT32 || key == NDA_UINT64;
}

void nda_argext_key(const nda_argext_spec *s, char *buf, size_t len)
{
    snprintf(buf, len, "argext:v1:%c:%c:%s:%d:%c", (char)s->mode, nda_dtype_char(s->key),
             s->max ? "max" : "min", s->vec, s->idx64 ? 'L' : 'I');
}

/* NDA_BETTER(v, b): v replaces the extreme b found so far (strictly: ties
 * keep the earlier index). Floats: a NaN is the extreme and the first one
 * stays. NDA_SAME(v, b): equal for the lane fold (NaNs alike). */
static void emit_better(nda_strbuf *src, const nda_argext_spec *s)
{
    char cmp = s->max ? '>' : '<';
    if (nda_dtype_kind(s->key) == NDA_KIND_FLOAT) {
        nda_strbuf_printf(src, "#define NDA_BETTER(v, b) (!isnan(b) && ((v) %c (b) || isnan(v)))\n", cmp);
        nda_strbuf_puts(src, "#define NDA_SAME(v, b) ((v) == (b) || (isnan(v) && isnan(b)))\n");
    } else {
        nda_strbuf_printf(src, "#define NDA_BETTER(v, b) ((v) %c (b))\n", cmp);
        nda_strbuf_puts(src, "#define NDA_SAME(v, b) ((v) == (b))\n");
    }
}

/* The eight-lane scan of [j, e) when it holds 16 elements or more: lanes
 * keep their first extreme (bv, bi), folded by value, then index, into
 * (best, bidx); j moves to the first element left for the scalar loop
 * (past p[j], which best holds, when there are no lanes). */
static void emit_lanes(nda_strbuf *src, const nda_argext_spec *s)
{
    const char *T = nda_type_compute(s->key);
    bool fl = nda_dtype_kind(s->key) == NDA_KIND_FLOAT;
    const char *V = s->key == NDA_FLOAT64 ? "double8" : s->key == NDA_FLOAT32 ? "float8"
                    : s->key == NDA_INT64 ? "long8" : s->key == NDA_UINT64 ? "ulong8"
                    : s->key == NDA_INT32 ? "int8" : "uint8";
    /* masks of V's comparisons, widened to the index lanes (long8) */
    const char *widen = nda_dtype_itemsize(s->key) == 8 ? "" : "convert_long8";
    char cmp = s->max ? '>' : '<';
    nda_strbuf_printf(src, "  if (e - j >= 16) {\n    %s bv = vload8(0, p + j);\n", V);
    nda_strbuf_puts(src, "    long8 lane = (long8)(0, 1, 2, 3, 4, 5, 6, 7), bi = (long8)(j) + lane;\n");
    nda_strbuf_printf(src, "    for (j += 8; j + 8 <= e; j += 8) {\n      %s v = vload8(0, p + j);\n", V);
    if (fl)
        nda_strbuf_printf(src, "      long8 up = %s(~isnan(bv) & ((v %c bv) | isnan(v)));\n", widen, cmp);
    else
        nda_strbuf_printf(src, "      long8 up = %s(v %c bv);\n", widen, cmp);
    nda_strbuf_printf(src, "      bv = select(bv, v, %s(up));\n", nda_dtype_itemsize(s->key) == 8 ? "" : "convert_int8");
    nda_strbuf_puts(src, "      bi = select(bi, (long8)(j) + lane, up);\n    }\n");
    nda_strbuf_printf(src, "    %s lv[8] = {bv.s0, bv.s1, bv.s2, bv.s3, bv.s4, bv.s5, bv.s6, bv.s7};\n", T);
    nda_strbuf_puts(src, "    long li[8] = {bi.s0, bi.s1, bi.s2, bi.s3, bi.s4, bi.s5, bi.s6, bi.s7};\n");
    nda_strbuf_puts(src, "    best = lv[0];\n    bidx = li[0];\n");
    nda_strbuf_puts(src, "    for (int k = 1; k < 8; k++)\n");
    nda_strbuf_puts(src, "      if (NDA_BETTER(lv[k], best) || (NDA_SAME(lv[k], best) && li[k] < bidx)) {\n");
    nda_strbuf_puts(src, "        best = lv[k];\n        bidx = li[k];\n      }\n  } else {\n    j++;\n  }\n");
}

static void parts_source(const nda_argext_spec *s, const char *I, nda_strbuf *src)
{
    const char *T = nda_type_compute(s->key);
    nda_strbuf_printf(src,
                      "NDA_KERNEL void " NDA_ARGEXT_KERNEL_NAME "(NDA_GLOBAL %s *pval, NDA_GLOBAL nda_i64 *pidx, "
                      "NDA_GLOBAL const %s *in, %s in_off, %s M, %s K, %s S, %s Kc, %s R)\n{\n",
                      nda_type_storage(nda_argext_value_dtype(s->key)), nda_type_storage(s->key), I, I, I, I, I, I);
    nda_strbuf_printf(src, "  %s g = (%s)NDA_GLOBAL_ID, part = g %% S, r0 = g / S * R, r1 = r0 + R;\n", I, I);
    nda_strbuf_puts(src, "  if (r1 > M) r1 = M;\n");
    nda_strbuf_printf(src, "  for (%s row = r0; row < r1; row++) {\n", I);
    nda_strbuf_printf(src, "  %s j = part * Kc, e = j + Kc;\n  if (e > K) e = K;\n", I);
    nda_strbuf_printf(src, "  NDA_GLOBAL const %s *p = in + in_off + row * K;\n", nda_type_storage(s->key));
    nda_strbuf_printf(src, "  %s best = ", T);
    nda_emit_load_value(src, s->key, "p[j]");
    nda_strbuf_puts(src, ";\n  nda_i64 bidx = j;\n");
    if (s->vec) emit_lanes(src, s);
    else nda_strbuf_puts(src, "  j++;\n");
    nda_strbuf_printf(src, "  for (; j < e; j++) {\n    %s v = ", T);
    nda_emit_load_value(src, s->key, "p[j]");
    nda_strbuf_puts(src, ";\n    if (NDA_BETTER(v, best)) {\n      best = v;\n      bidx = j;\n    }\n  }\n");
    nda_strbuf_puts(src, "  pval[row * S + part] = best;\n  pidx[row * S + part] = bidx;\n  }\n}\n");
}

static void combine_source(const nda_argext_spec *s, const char *I, nda_strbuf *src)
{
    const char *T = nda_type_compute(nda_argext_value_dtype(s->key));
    nda_strbuf_printf(src,
                      "NDA_KERNEL void " NDA_ARGEXT_KERNEL_NAME "(NDA_GLOBAL nda_i64 *out, NDA_GLOBAL const %s *pval, "
                      "NDA_GLOBAL const nda_i64 *pidx, %s M, %s S)\n{\n",
                      T, I, I);
    nda_strbuf_printf(src, "  %s r = (%s)NDA_GLOBAL_ID;\n  if (r >= M) return;\n", I, I);
    nda_strbuf_printf(src, "  %s best = pval[r * S];\n  nda_i64 bidx = pidx[r * S];\n", T);
    nda_strbuf_printf(src, "  for (%s t = 1; t < S; t++) {\n    %s v = pval[r * S + t];\n", I, T);
    nda_strbuf_puts(src, "    if (NDA_BETTER(v, best)) {\n      best = v;\n      bidx = pidx[r * S + t];\n    }\n  }\n");
    nda_strbuf_puts(src, "  out[r] = bidx;\n}\n");
}

int nda_argext_source(const nda_argext_spec *s, nda_dialect dialect, nda_strbuf *src)
{
    nda_kind k = nda_dtype_kind(s->key);
    if (k == NDA_KIND_COMPLEX)
        return nda_error_set(NDA_ETYPE, "arg-extreme kernel: no key of dtype %s", nda_dtype_name(s->key));
    if (s->vec && (dialect != NDA_DIALECT_OPENCL || !nda_argext_vectorizable(s->key)))
        return nda_error_set(NDA_EVALUE, "arg-extreme kernel: no vector form for %s", nda_dtype_name(s->key));
    const char *I = s->idx64 ? "nda_i64" : "nda_i32";
    nda_dialect_prelude(src, dialect, s->key == NDA_FLOAT64);
    emit_better(src, s);
    if (s->mode == NDA_ARGEXT_PARTS) parts_source(s, I, src);
    else combine_source(s, I, src);
    return nda_strbuf_status(src);
}

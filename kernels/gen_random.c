#include "kernels/gen_random.h"

#include <stdio.h>

#include "kernels/dialect.h"
#include "kernels/fdlibm.h"
#include "kernels/ops.h"
#include "nda/error.h"

/* Philox4x32-10, then the double-precision helpers. Only +, -, *, /, sqrt
 * and integer operations: bit-identical wherever IEEE double is and FMA
 * contraction is off (OpenCL: the pragma below; CUDA: --fmad=false). */
static const char RANDOM_FUNCS[] =
    "NDA_FUNC void nda_philox(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint *o) {\n"
    "  for (int r = 0; r < 10; r++) {\n"
    "    nda_u64 p0 = (nda_u64)0xD2511F53u * c0, p1 = (nda_u64)0xCD9E8D57u * c2;\n"
    "    uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0, n2 = (uint)(p0 >> 32) ^ c3 ^ k1;\n"
    "    c1 = (uint)p1; c3 = (uint)p0; c0 = n0; c2 = n2;\n"
    "    k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;\n"
    "  }\n"
    "  o[0] = c0; o[1] = c1; o[2] = c2; o[3] = c3;\n"
    "}\n"
    NDA_FDLIBM_LOG_SRC
    /* sin and cos of 2 pi t, t = k * 2^-53 for a 53-bit k: exact reduction
     * to |x| <= pi/4 by quadrant and complement, then fdlibm's kernels. */
    "NDA_FUNC void nda_rsincos(nda_u64 k, double *sn, double *cs) {\n"
    "  uint q = (uint)(k >> 51);\n"
    "  nda_u64 r = k & 0x7FFFFFFFFFFFFUL;\n"
    "  int swap = r > 0x4000000000000UL;\n"
    "  if (swap) r = 0x8000000000000UL - r;\n"
    "  double x = (double)r * 6.975736996017264e-16;\n" /* 2 pi 2^-53 */
    "  double z = x * x, v = z * x;\n"
    "  double rs = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 +\n"
    "              z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 +\n"
    "              z * 1.58969099521155010221e-10)));\n"
    "  double s = x + v * (-1.66666666666666324348e-01 + z * rs);\n"
    "  double rc = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 +\n"
    "              z * (2.48015872894767294178e-05 + z * (-2.75573143513906633035e-07 +\n"
    "              z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));\n"
    "  double hz = 0.5 * z, w = 1.0 - hz;\n"
    "  double c = w + (((1.0 - w) - hz) + z * rc);\n"
    "  if (swap) { double t = s; s = c; c = t; }\n"
    "  if (q == 0u) { *sn = s; *cs = c; }\n"
    "  else if (q == 1u) { *sn = c; *cs = -s; }\n"
    "  else if (q == 2u) { *sn = -s; *cs = -c; }\n"
    "  else { *sn = -c; *cs = s; }\n"
    "}\n";

/* Philox4x32-10 on eight counters at once (the vector form): the same
 * rounds as nda_philox, on 64-bit products (PoCL's mul_hi of uint8 made
 * the kernel ~3x slower). */
static const char RANDOM_FUNCS8[] =
    "NDA_FUNC void nda_philox8(uint8 c0, uint8 c1, uint8 c2, uint8 c3, uint k0, uint k1,\n"
    "                          uint8 *o) {\n"
    "  for (int r = 0; r < 10; r++) {\n"
    "    ulong8 p0 = convert_ulong8(c0) * 0xD2511F53UL, p1 = convert_ulong8(c2) * 0xCD9E8D57UL;\n"
    "    c0 = convert_uint8(p1 >> 32) ^ c1 ^ k0; c2 = convert_uint8(p0 >> 32) ^ c3 ^ k1;\n"
    "    c1 = convert_uint8(p1); c3 = convert_uint8(p0);\n"
    "    k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;\n"
    "  }\n"
    "  o[0] = c0; o[1] = c1; o[2] = c2; o[3] = c3;\n"
    "}\n";

/* OpenCL's vector element type for an integer or bool dtype, and the
 * unsigned one of its width (shuffle masks). */
static const char *lane_type(nda_dtype t, bool mask)
{
    switch (t) {
    case NDA_BOOL: case NDA_UINT8: return "uchar";
    case NDA_INT8: return mask ? "uchar" : "char";
    case NDA_UINT16: return "ushort";
    case NDA_INT16: return mask ? "ushort" : "short";
    case NDA_UINT32: return "uint";
    case NDA_INT32: return mask ? "uint" : "int";
    case NDA_UINT64: return "ulong";
    default: return mask ? "ulong" : "long";
    }
}

bool nda_random_vector(const nda_random_spec *s)
{
    return s->dist == NDA_RANDOM_UNIFORM || s->dist == NDA_RANDOM_BITS ||
           s->dist == NDA_RANDOM_INTEGERS;
}

int nda_random_check(const nda_random_spec *s)
{
    nda_dtype t = s->out_dtype;
    switch (s->dist) {
    case NDA_RANDOM_UNIFORM:
    case NDA_RANDOM_NORMAL:
    case NDA_RANDOM_EXPONENTIAL:
        if (t == NDA_FLOAT32 || t == NDA_FLOAT64) return NDA_OK;
        return nda_error_set(NDA_ETYPE, "random: unsupported dtype %s for %s (float32 or float64)",
                             nda_dtype_name(t), s->dist == NDA_RANDOM_UNIFORM ? "uniform"
                             : s->dist == NDA_RANDOM_NORMAL ? "normal" : "exponential");
    case NDA_RANDOM_INTEGERS:
        if (t == NDA_BOOL || nda_dtype_kind(t) == NDA_KIND_INT || nda_dtype_kind(t) == NDA_KIND_UINT)
            return NDA_OK;
        return nda_error_set(NDA_ETYPE, "random: unsupported dtype %s for integers",
                             nda_dtype_name(t));
    case NDA_RANDOM_BITS:
        if (t == NDA_UINT64) return NDA_OK;
        return nda_error_set(NDA_ETYPE, "random: raw bits are uint64, not %s", nda_dtype_name(t));
    }
    return nda_error_set(NDA_EVALUE, "random: unknown distribution '%c'", (int)s->dist);
}

static int per_block(const nda_random_spec *s)
{
    return s->dist == NDA_RANDOM_UNIFORM && s->out_dtype == NDA_FLOAT32 ? 4 : 2;
}

int nda_random_per_item(const nda_random_spec *s)
{
    return per_block(s) * (s->lanes > 0 ? s->lanes : 1);
}

void nda_random_key(const nda_random_spec *s, char *buf, size_t len)
{
    snprintf(buf, len, "random:v1:philox4x32-10:%c:%c%s", (int)s->dist, nda_dtype_char(s->out_dtype),
             s->lanes > 0 ? ":v8" : "");
}

/* The vector form's stores: the 8 blocks' outputs, in block order, at o
 * (xv[0..3] the blocks' words as uint8). */
static void emit_vector_body(nda_strbuf *b, const nda_random_spec *s)
{
    static const char *const pairs = "(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15)";
    if (s->dist == NDA_RANDOM_UNIFORM && s->out_dtype == NDA_FLOAT32) {
        /* block l's floats x0..x3 land at 4l .. 4l + 3 */
        nda_strbuf_puts(b, "    float8 f0 = convert_float8(xv[0] >> 8) * 5.9604644775390625e-08f,"
                           " f1 = convert_float8(xv[1] >> 8) * 5.9604644775390625e-08f,\n"
                           "           f2 = convert_float8(xv[2] >> 8) * 5.9604644775390625e-08f,"
                           " f3 = convert_float8(xv[3] >> 8) * 5.9604644775390625e-08f;\n");
        nda_strbuf_printf(b, "    float16 a = shuffle2(f0, f1, (uint16)%s), c = shuffle2(f2, f3, (uint16)%s);\n",
                          pairs, pairs);
        nda_strbuf_puts(b, "    vstore16(shuffle2(a, c, (uint16)(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23)),"
                           " 0, out + o);\n"
                           "    vstore16(shuffle2(a, c, (uint16)(8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31)),"
                           " 0, out + o + 16);\n");
        return;
    }
    nda_strbuf_puts(b, "    ulong8 w0 = (convert_ulong8(xv[1]) << 32) | convert_ulong8(xv[0]);\n"
                       "    ulong8 w1 = (convert_ulong8(xv[3]) << 32) | convert_ulong8(xv[2]);\n");
    if (s->dist == NDA_RANDOM_INTEGERS) {
        /* low + mulhi64(u64, range), converted as the scalar form's cast */
        const char *L = lane_type(s->out_dtype, false), *M = lane_type(s->out_dtype, true);
        nda_strbuf_puts(b, "    ulong8 r0 = range ? mul_hi(w0, (ulong8)range) : w0;\n"
                           "    ulong8 r1 = range ? mul_hi(w1, (ulong8)range) : w1;\n");
        nda_strbuf_printf(b, "    vstore16(shuffle2(convert_%s8((ulong8)(ulong)low + r0),\n"
                             "                      convert_%s8((ulong8)(ulong)low + r1),\n"
                             "                      (%s16)%s), 0, (NDA_GLOBAL %s *)out + o);\n",
                          L, L, M, pairs, L);
    } else if (s->dist == NDA_RANDOM_UNIFORM)
        nda_strbuf_printf(b, "    vstore16(shuffle2(convert_double8(w0 >> 11) * 1.1102230246251565e-16,\n"
                             "                      convert_double8(w1 >> 11) * 1.1102230246251565e-16,\n"
                             "                      (ulong16)%s), 0, out + o);\n", pairs);
    else
        nda_strbuf_printf(b, "    vstore16(shuffle2(w0, w1, (ulong16)%s), 0, out + o);\n", pairs);
}

/* Body statements writing outputs j = 0..PER-1 as `out[o + j]` guarded by
 * j < m; x[0..3] are the block's words. */
static void emit_body(nda_strbuf *b, const nda_random_spec *s, const char *T)
{
    nda_strbuf_puts(b, "  nda_u64 w0 = ((nda_u64)x[1] << 32) | x[0], w1 = ((nda_u64)x[3] << 32) | x[2];\n");
    switch (s->dist) {
    case NDA_RANDOM_UNIFORM:
        if (s->out_dtype == NDA_FLOAT32) {
            nda_strbuf_puts(b, "  for (int j = 0; j < 4; j++)\n"
                               "    if (j < m) out[o + j] = (float)(x[j] >> 8) * 5.9604644775390625e-08f;\n");
        } else {
            nda_strbuf_puts(b, "  out[o] = (double)(w0 >> 11) * 1.1102230246251565e-16;\n"
                               "  if (m > 1) out[o + 1] = (double)(w1 >> 11) * 1.1102230246251565e-16;\n");
        }
        break;
    case NDA_RANDOM_NORMAL:
        nda_strbuf_printf(b,
            "  double u1 = 1.0 - (double)(w0 >> 11) * 1.1102230246251565e-16;\n"
            "  double r = sqrt(-2.0 * nda_fdlibm_log(u1, 0)), sn, cs;\n"
            "  nda_rsincos(w1 >> 11, &sn, &cs);\n"
            "  out[o] = (%s)(r * cs);\n"
            "  if (m > 1) out[o + 1] = (%s)(r * sn);\n", T, T);
        break;
    case NDA_RANDOM_EXPONENTIAL:
        nda_strbuf_printf(b,
            "  out[o] = (%s)(0.0 - nda_fdlibm_log(1.0 - (double)(w0 >> 11) * 1.1102230246251565e-16, 0));\n"
            "  if (m > 1) out[o + 1] = (%s)(0.0 - nda_fdlibm_log(1.0 - (double)(w1 >> 11) * "
            "1.1102230246251565e-16, 0));\n", T, T);
        break;
    case NDA_RANDOM_INTEGERS:
        nda_strbuf_printf(b,
            "  nda_u64 r0 = range ? NDA_R_MULHI64(w0, range) : w0;\n"
            "  nda_u64 r1 = range ? NDA_R_MULHI64(w1, range) : w1;\n"
            "  out[o] = (%s)((nda_u64)low + r0);\n"
            "  if (m > 1) out[o + 1] = (%s)((nda_u64)low + r1);\n", T, T);
        break;
    case NDA_RANDOM_BITS:
        nda_strbuf_puts(b, "  out[o] = w0;\n  if (m > 1) out[o + 1] = w1;\n");
        break;
    }
}

int nda_random_source(const nda_random_spec *s, nda_dialect dialect, nda_strbuf *src)
{
    int rc = nda_random_check(s);
    if (rc != NDA_OK) return rc;
    nda_dialect_prelude(src, dialect, true);
    if (dialect == NDA_DIALECT_CUDA) {
        nda_strbuf_puts(src, "#define NDA_R_MULHI64(a, b) __umul64hi((a), (b))\n");
    } else {
        nda_strbuf_puts(src, "#pragma OPENCL FP_CONTRACT OFF\n"
                             "#define NDA_R_MULHI64(a, b) mul_hi((ulong)(a), (ulong)(b))\n");
    }
    if (s->lanes > 0 && (s->lanes != 8 || dialect != NDA_DIALECT_OPENCL || !nda_random_vector(s)))
        return nda_error_set(NDA_EVALUE, "random: no vector form of %d lanes here", s->lanes);
    nda_strbuf_puts(src, RANDOM_FUNCS);
    if (s->lanes > 0) nda_strbuf_puts(src, RANDOM_FUNCS8);
    const char *T = s->out_dtype == NDA_BOOL ? "nda_bool" : nda_type_storage(s->out_dtype);
    int per = per_block(s);
    nda_strbuf_printf(src,
        "NDA_KERNEL void " NDA_RANDOM_KERNEL_NAME "(NDA_GLOBAL %s *out, nda_i64 out_off, nda_i64 n,\n"
        "    uint k0, uint k1, nda_u64 stream, nda_i64 low, nda_u64 range) {\n", T);
    if (s->lanes > 0) {
        /* Whole groups of 8 blocks as vectors; the last work-item's blocks
         * one by one (the scalar form's body). */
        nda_strbuf_printf(src,
            "  nda_u64 g = (nda_u64)NDA_GLOBAL_ID;\n"
            "  if ((nda_i64)g * %d < n && (nda_i64)g * %d + %d <= n) {\n"
            "    ulong8 b8 = (ulong8)(g * 8) + (ulong8)(0, 1, 2, 3, 4, 5, 6, 7);\n"
            "    uint8 xv[4];\n"
            "    nda_philox8(convert_uint8(b8), convert_uint8(b8 >> 32), (uint8)(uint)stream,\n"
            "                (uint8)(uint)(stream >> 32), k0, k1, xv);\n"
            "    nda_i64 o = out_off + (nda_i64)g * %d;\n",
            8 * per, 8 * per, 8 * per, 8 * per);
        emit_vector_body(src, s);
        nda_strbuf_puts(src, "    return;\n  }\n"
                             "  for (nda_u64 b = g * 8; b < g * 8 + 8; b++) {\n");
    } else {
        nda_strbuf_puts(src, "  {\n  nda_u64 b = (nda_u64)NDA_GLOBAL_ID;\n");
    }
    nda_strbuf_printf(src,
        "  nda_i64 i = (nda_i64)b * %d;\n"
        "  if (i >= n) return;\n"
        "  int m = n - i < %d ? (int)(n - i) : %d;\n"
        "  nda_i64 o = out_off + i;\n"
        "  uint x[4];\n"
        "  nda_philox((uint)b, (uint)(b >> 32), (uint)stream, (uint)(stream >> 32), k0, k1, x);\n",
        per, per, per);
    emit_body(src, s, T);
    nda_strbuf_puts(src, "  }\n}\n");
    return nda_strbuf_status(src);
}

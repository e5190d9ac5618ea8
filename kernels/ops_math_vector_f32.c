/* float32 sin, cos and tanh for the vector form of fused kernels (CPU
 * OpenCL devices): w lanes of float arithmetic that PoCL keeps in AVX-512
 * registers, in place of the device's vector builtins. PoCL, 1M elements
 * on 2 threads: its sinf/cosf ~0.9 ms and tanhf ~0.5 ms, where NumPy's
 * SIMD loops take ~0.55 and ~0.38 ms on one core. Both helpers stay within
 * 1 ulp of the correctly rounded result over their fast range (measured:
 * tests/python/test_transcendentals.py), as NumPy's loops do. */
#include <stdio.h>

#include "kernels/ops.h"
#include "kernels/ops_internal.h"

/* sin and cos. Reduction: q = rint(x 2/pi), r = x - q pi/2 with
 * pi/2 = c1 + c2 + c3 and one fma per part. c1 is the float nearest pi/2,
 * so x - q c1 is a multiple of 2^-24 below 1 in magnitude and the first
 * fma is exact for |x| <= 65536 (q <= 41722); the next two round relative
 * to r itself. The polynomials are Taylor's: sin to degree 9 and cos to
 * degree 10 leave < 3e-9 relative on |r| <= pi/4, far below half an ulp.
 * sin(-0.0) is -0.0. Lanes with |x| > 65536, infinities and NaNs are
 * recomputed one by one with the device's sin/cos (within 2 ulp there). */
static void emit_trig(nda_strbuf *h, int w, bool cosine)
{
    const char *fn = cosine ? "cos" : "sin";
    nda_strbuf_printf(h,
        "NDA_FUNC float%d nda_%s_f%d(float%d x) {\n"
        "  float%d q = rint(x * 0x1.45f306p-1f);\n"
        "  float%d r = fma(-q, 0x1.921fb6p+0f, x);\n"
        "  r = fma(-q, -0x1.777a5cp-25f, r);\n"
        "  r = fma(-q, -0x1.ee59dap-50f, r);\n"
        "  float%d r2 = r * r;\n"
        "  float%d s = fma(r2, fma(r2, fma(r2, 0x1.71de3ap-19f, -0x1.a01a02p-13f),\n"
        "                  0x1.111112p-7f), -0x1.555556p-3f);\n"
        "  s = fma(r * r2, s, r);\n"
        "  float%d c = fma(r2, fma(r2, fma(r2, fma(r2, -0x1.27e4fcp-22f, 0x1.a01a02p-16f),\n"
        "                  -0x1.6c16c2p-10f), 0x1.555556p-5f), -0.5f);\n"
        "  c = fma(r2, c, 1.0f);\n"
        "  int%d n = convert_int%d(q)%s;\n"
        "  float%d res = select(s, c, (n & 1) != 0);\n"
        "  res = select(res, -res, (n & 2) != 0);\n",
        w, fn, w, w, w, w, w, w, w, w, w, cosine ? " + 1" : "", w);
    if (!cosine) nda_strbuf_puts(h, "  res = select(res, x, x == 0.0f);\n");
    nda_strbuf_printf(h, "  int%d other = ~(fabs(x) <= 65536.0f);\n  if (any(other)) {\n", w);
    for (int u = 0; u < w; u++)
        nda_strbuf_printf(h, "    if (other.s%x) res.s%x = %s(x.s%x);\n", u, u, fn, u);
    nda_strbuf_puts(h, "  }\n  return res;\n}\n");
}

/* tanh. |x| < 0.625: x + x^3 P(x^2), P of degree 4 fitted for relative
 * error (< 5e-9 before rounding); |x| < 2^-12 returns x itself (keeps
 * -0.0). Beyond: 1 - 2 / (e^(2|x|) + 1) with the sign of x, which is
 * 1 from |x| ~ 9 on, and NaN for NaN. */
static void emit_tanh(nda_strbuf *h, int w)
{
    nda_strbuf_printf(h,
        "NDA_FUNC float%d nda_tanh_f%d(float%d x) {\n"
        "  float%d ax = fabs(x), u = x * x;\n"
        "  float%d p = fma(u, fma(u, fma(u, fma(u, -0x1.75e1a8p-8f, 0x1.522692p-6f),\n"
        "                  -0x1.b83c58p-5f), 0x1.110726p-3f), -0x1.555532p-2f);\n"
        "  float%d small = select(fma(x * u, p, x), x, ax < 0x1p-12f);\n"
        "  float%d big = copysign(1.0f - 2.0f / (exp(2.0f * ax) + 1.0f), x);\n"
        "  return select(big, small, ax < 0.625f);\n"
        "}\n",
        w, w, w, w, w, w, w);
}

bool nda_op_emit_math_fv(nda_op op, int w, const char *a, nda_strbuf *e, nda_strbuf *h,
                         nda_strbuf *seen)
{
    const char *fn = op == NDA_OP_SIN ? "sin" : op == NDA_OP_COS ? "cos"
                     : op == NDA_OP_TANH ? "tanh" : NULL;
    if (!fn) return false;
    char key[16];
    snprintf(key, sizeof key, "f%sv%d", fn, w);
    if (!nda_op_helper_seen(seen, key, NDA_FLOAT32)) {
        nda_op_helper(h, seen, key, "", NDA_FLOAT32);
        if (op == NDA_OP_TANH) emit_tanh(h, w);
        else emit_trig(h, w, op == NDA_OP_COS);
    }
    nda_strbuf_printf(e, "nda_%s_f%d((float%d)(%s))", fn, w, w, a);
    return true;
}

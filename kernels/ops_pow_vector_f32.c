/* float32 power for the vector form of fused kernels (CPU OpenCL devices
 * with float64): e^(y ln x) in float64 with the device's vector log and
 * exp, rounded once. y ln x then carries < 1e-13 of error, far below
 * float32's half ulp, so the result is the correctly rounded one but for
 * values within ~1e-13 of a rounding boundary (NumPy's powf is within
 * 1 ulp too). PoCL, 1M elements on 2 threads: its float pow 66 ms, eight
 * lanes of nda_pow_d8 4.3 ms, this 1.6-1.8 ms (NumPy 0.7-1.2 ms with
 * AVX-512 on one core).
 *
 * The form covers x > 0 with x and y finite. y ln x past 90 is +inf in
 * float32 and below -111 is +0, so it is clamped there. Other lanes
 * (zeros, negatives, infinities, NaNs) and the exact answers of y = 2, 1,
 * 0.5 and -1 are recomputed one by one with the scalar nda_pow_f (through
 * nda_pow_d, whose results round once to float32), so special values stay
 * those of one implementation. */
#include <stdio.h>

#include "kernels/ops.h"
#include "kernels/ops_internal.h"

int nda_op_emit_pow_fv(int w, const char *a, const char *b, nda_strbuf *e, nda_strbuf *h,
                       nda_strbuf *seen)
{
    char key[16];
    snprintf(key, sizeof key, "fpowv%d", w);
    nda_op_emit_pow_f(h, seen);
    if (!nda_op_helper_seen(seen, key, NDA_FLOAT32)) {
        nda_op_helper(h, seen, key, "", NDA_FLOAT32);
        nda_strbuf_printf(h,
            "NDA_FUNC float%d nda_pow_f%d(float%d x, float%d y) {\n"
            "  double%d xd = convert_double%d(x), yd = convert_double%d(y);\n"
            "  float%d res = convert_float%d(exp(clamp(yd * log(xd), -111.0, 90.0)));\n"
            "  int%d other = ~((x > 0.0f) & (x < INFINITY) & (fabs(y) < INFINITY) & (y != 2.0f) &\n"
            "                (y != 1.0f) & (y != 0.5f) & (y != -1.0f));\n"
            "  if (any(other)) {\n",
            w, w, w, w, w, w, w, w, w, w);
        for (int u = 0; u < w; u++)
            nda_strbuf_printf(h, "    if (other.s%x) res.s%x = nda_pow_f(x.s%x, y.s%x);\n", u, u, u, u);
        nda_strbuf_puts(h, "  }\n  return res;\n}\n");
    }
    nda_strbuf_printf(e, "nda_pow_f%d((float%d)(%s), (float%d)(%s))", w, w, a, w, b);
    return nda_strbuf_status(e);
}

/* float64 power for the vector form of fused kernels (CPU OpenCL devices):
 * eight lanes of nda_pow_d's arithmetic (kernels/ops.c, fdlibm's e_pow.c)
 * with its branches turned into selects, so the lanes it computes are
 * bit-identical to the scalar helper's results, and through it within
 * 1 ulp of NumPy.
 *
 * The select form covers the common case: x finite and non-zero
 * (subnormals included; x < 0 takes |x| and the sign or NaN that y's
 * parity gives), y finite with |y| <= 2^31, a normal result, and the
 * scalar helper's exact answers for y = 0, +-1, 2, 0.5 and x = 1. Any
 * other lane (x = 0 or -1, infinities, NaNs, huge |y|, overflow,
 * underflow to a subnormal or zero) is recomputed by nda_pow_d itself, so
 * the special values stay those of one implementation. PoCL's scalar pow costs ~120 ns
 * per element and nda_pow_d ~55 ns per work-item (branches stop PoCL's
 * work-group vectorizer); the select form runs at a few ns per element. */
#include "kernels/ops.h"
#include "kernels/ops_internal.h"

#define CLEAR_LO(v) "as_double8(as_long8(" v ") & (long8)0xffffffff00000000L)"

static const char T_D_POW8[] =
    "NDA_FUNC double8 nda_pow_d8(double8 x, double8 y) {\n"
    "  long8 bx = as_long8(x), by = as_long8(y);\n"
    "  long8 ix = (bx >> 32) & 0x7fffffffL, hy = by >> 32, iy = hy & 0x7fffffffL;\n"
    "  long8 ok = (x != 0.0) & (fabs(x) < (double8)INFINITY) & (iy <= 0x41e00000L) & (x != -1.0);\n"
    /* log2(|x|) in extra precision: t1 + t2 */
    "  double8 ax = fabs(x);\n"
    "  long8 sub = ix < 0x00100000L;\n"
    "  ax = select(ax, ax * 9007199254740992.0, sub);\n"
    "  long8 m = select((long8)0, (long8)-53, sub);\n"
    "  ix = select(ix, as_long8(ax) >> 32, sub);\n"
    "  m += (ix >> 20) - 0x3ffL;\n"
    "  long8 j = ix & 0x000fffffL;\n"
    "  ix = j | 0x3ff00000L;\n"
    "  long8 k1 = (j > 0x3988EL) & (j < 0xBB67AL), up = j >= 0xBB67AL;\n"
    "  m = select(m, m + 1, up);\n"
    "  ix = select(ix, ix - 0x00100000L, up);\n"
    "  ax = as_double8((ix << 32) | (as_long8(ax) & 0xffffffffL));\n"
    "  double8 bp = select((double8)1.0, (double8)1.5, k1);\n"
    "  double8 dp_h = select((double8)0.0, (double8)5.84962487220764160156e-01, k1);\n"
    "  double8 dp_l = select((double8)0.0, (double8)1.35003920212974897128e-08, k1);\n"
    "  double8 u = ax - bp, v = 1.0 / (ax + bp), ss = u * v;\n"
    "  double8 s_h = " CLEAR_LO("ss") ";\n"
    "  double8 t_h = as_double8((((ix >> 1) | 0x20000000L) + 0x00080000L + ((-k1) << 18)) << 32);\n"
    "  double8 t_l = ax - (t_h - bp);\n"
    "  double8 s_l = v * ((u - s_h * t_h) - s_h * t_l);\n"
    "  double8 s2 = ss * ss;\n"
    "  double8 r = s2 * s2 * (5.99999999999994648725e-01 + s2 * (4.28571428578550184252e-01 +\n"
    "              s2 * (3.33333329818377432918e-01 + s2 * (2.72728123808534006489e-01 +\n"
    "              s2 * (2.30660745775561754067e-01 + s2 * 2.06975017800338417784e-01)))));\n"
    "  r += s_l * (s_h + ss);\n"
    "  s2 = s_h * s_h;\n"
    "  double8 t3 = 3.0 + s2 + r;\n"
    "  t_h = " CLEAR_LO("t3") ";\n"
    "  t_l = r - ((t_h - 3.0) - s2);\n"
    "  u = s_h * t_h;\n"
    "  v = s_l * t_h + t_l * ss;\n"
    "  double8 uv = u + v;\n"
    "  double8 p_h = " CLEAR_LO("uv") ";\n"
    "  double8 p_l = v - (p_h - u);\n"
    "  double8 z_h = 9.61796700954437255859e-01 * p_h;\n"
    "  double8 z_l = -7.02846165095275826516e-09 * p_h + p_l * 9.61796693925975554329e-01 + dp_l;\n"
    "  double8 t = convert_double8(m);\n"
    "  double8 t1s = ((z_h + z_l) + dp_h) + t;\n"
    "  double8 t1 = " CLEAR_LO("t1s") ";\n"
    "  double8 t2 = z_l - (((t1 - t) - dp_h) - z_h);\n"
    /* y * log2(x) = p_h + p_l, y split in two */
    "  double8 y1 = " CLEAR_LO("y") ";\n"
    "  p_l = (y - y1) * t1 + y * t2;\n"
    "  p_h = y1 * t1;\n"
    "  double8 z = p_l + p_h;\n"
    "  j = as_long8(z) >> 32;\n"
    "  ok &= (j < 0x40900000L) & ((j & 0x7fffffffL) < 0x4090cc00L);\n"
    /* 2^(p_h + p_l) */
    "  long8 i = j & 0x7fffffffL;\n"
    "  long8 k = (i >> 20) - 0x3ffL;\n"
    "  long8 mid = i > 0x3fe00000L;\n"
    "  long8 e = j + ((long8)0x00100000L >> (k + 1));\n"
    "  k = ((e & 0x7fffffffL) >> 20) - 0x3ffL;\n"
    "  double8 tt = as_double8(((e & ~((long8)0x000fffffL >> k)) & 0xffffffffL) << 32);\n"
    "  e = ((e & 0x000fffffL) | 0x00100000L) >> (20 - k);\n"
    "  e = select(e, -e, j < 0L);\n"
    "  e = select((long8)0, e, mid);\n"
    "  p_h = select(p_h, p_h - tt, mid);\n"
    "  double8 ts = p_l + p_h;\n"
    "  t = " CLEAR_LO("ts") ";\n"
    "  u = t * 6.93147182464599609375e-01;\n"
    "  v = (p_l - (t - p_h)) * 6.93147180559945286227e-01 + t * -1.90465429995776804525e-09;\n"
    "  z = u + v;\n"
    "  double8 w = v - (z - u);\n"
    "  t = z * z;\n"
    "  t1 = z - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 +\n"
    "       t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 +\n"
    "       t * 4.13813679705723846039e-08))));\n"
    "  r = (z * t1) / (t1 - 2.0) - (w + z * w);\n"
    "  z = 1.0 - (r - z);\n"
    "  j = (as_long8(z) >> 32) + (e << 20);\n"
    "  ok &= (j >> 20) > 0L;\n"
    "  double8 res = as_double8((j << 32) | (as_long8(z) & 0xffffffffL));\n"
    /* x < 0: y odd negates, y not an integer gives NaN (|y| < 2^32 here,
     * so trunc and the conversion are exact) */
    "  long8 neg = x < 0.0, yint = trunc(y) == y;\n"
    "  res = select(res, -res, neg & yint & ((convert_long8(y) & 1L) != 0L));\n"
    "  res = select(res, (double8)NAN, neg & ~yint);\n"
    /* nda_pow_d's exact answers (its early returns) */
    "  res = select(res, sqrt(x), (y == 0.5) & (x > 0.0));\n"
    "  res = select(res, x * x, y == 2.0);\n"
    "  res = select(res, 1.0 / x, y == -1.0);\n"
    "  res = select(res, x, y == 1.0);\n"
    "  res = select(res, (double8)1.0, (y == 0.0) | (x == 1.0));\n"
    "  if (any(~ok)) {\n"
    "    if (!ok.s0) res.s0 = nda_pow_d(x.s0, y.s0);\n"
    "    if (!ok.s1) res.s1 = nda_pow_d(x.s1, y.s1);\n"
    "    if (!ok.s2) res.s2 = nda_pow_d(x.s2, y.s2);\n"
    "    if (!ok.s3) res.s3 = nda_pow_d(x.s3, y.s3);\n"
    "    if (!ok.s4) res.s4 = nda_pow_d(x.s4, y.s4);\n"
    "    if (!ok.s5) res.s5 = nda_pow_d(x.s5, y.s5);\n"
    "    if (!ok.s6) res.s6 = nda_pow_d(x.s6, y.s6);\n"
    "    if (!ok.s7) res.s7 = nda_pow_d(x.s7, y.s7);\n"
    "  }\n"
    "  return res;\n"
    "}\n";

int nda_op_emit_pow_d8(const char *a, const char *b, nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen)
{
    nda_op_helper(h, seen, "dpow", NDA_T_D_POW, NDA_FLOAT64);
    nda_op_helper(h, seen, "dpow8", T_D_POW8, NDA_FLOAT64);
    nda_strbuf_printf(e, "nda_pow_d8((double8)(%s), (double8)(%s))", a, b);
    return nda_strbuf_status(e);
}

/* fdlibm's double log (Sun Microsystems, 1993: "Permission to use, copy,
 * modify, and distribute this software is freely granted, provided that
 * this notice is preserved"), as kernel dialect source shared by the
 * generators that need it: the random kernels (Box-Muller, exponentials:
 * bit-identical on every backend) and float64 log on OpenCL devices.
 *
 * nda_fdlibm_log(x, k) = log(x * 2^k) for finite, normal x > 0 (callers
 * deal with zeros, negatives, infinities, NaN, and scale subnormals by
 * 2^54 with k = -54), error < 1 ulp, using only +, -, *, / and bit
 * operations (NDA_AS_U64 / NDA_AS_F64 of the fp64 prelude). */
#ifndef NDA_FDLIBM_H
#define NDA_FDLIBM_H

#define NDA_FDLIBM_LOG_SRC                                                                          \
    "NDA_FUNC double nda_fdlibm_log(double x, int k) {\n"                                          \
    "  nda_u64 bits = NDA_AS_U64(x);\n"                                                            \
    "  int hx = (int)(uint)(bits >> 32); uint lx = (uint)bits;\n"                                 \
    "  k += (hx >> 20) - 1023; hx &= 0x000fffff;\n"                                                \
    "  int i = (hx + 0x95f64) & 0x100000;\n"                                                       \
    "  x = NDA_AS_F64(((nda_u64)(uint)(hx | (i ^ 0x3ff00000)) << 32) | (nda_u64)lx);\n"            \
    "  k += i >> 20;\n"                                                                            \
    "  double f = x - 1.0, dk = (double)k;\n"                                                      \
    "  if ((0x000fffff & (2 + hx)) < 3) {\n"                                                       \
    "    if (f == 0.0) return dk * 6.93147180369123816490e-01 + dk * 1.90821492927058770002e-10;\n" \
    "    double R = f * f * (0.5 - 0.33333333333333333 * f);\n"                                    \
    "    return dk * 6.93147180369123816490e-01 - ((R - dk * 1.90821492927058770002e-10) - f);\n"   \
    "  }\n"                                                                                        \
    "  double s = f / (2.0 + f), z = s * s, w = z * z;\n"                                          \
    "  int i2 = (hx - 0x6147a) | (0x6b851 - hx);\n"                                                \
    "  double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 +\n"              \
    "              w * 1.531383769920937332e-01));\n"                                              \
    "  double t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 +\n"              \
    "              w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));\n"             \
    "  double R = t2 + t1;\n"                                                                      \
    "  if (i2 > 0) {\n"                                                                            \
    "    double hfsq = 0.5 * f * f;\n"                                                             \
    "    return dk * 6.93147180369123816490e-01 -\n"                                               \
    "           ((hfsq - (s * (hfsq + R) + dk * 1.90821492927058770002e-10)) - f);\n"              \
    "  }\n"                                                                                        \
    "  return dk * 6.93147180369123816490e-01 - ((s * (f - R) - dk * 1.90821492927058770002e-10) - f);\n" \
    "}\n"

#endif

/* Complex elementary functions of the kernel dialect, with NumPy's results
 * including the special values of C99 Annex G: infinities, NaNs, signed
 * zeros and the side of a branch cut given by the sign of a zero part.
 *
 * NumPy's complex ufuncs call the C library (npymath only fills in what it
 * lacks), so on Linux NumPy gives glibc's values; where Annex G leaves a
 * sign unspecified, the helpers make glibc's choice. Finite arguments:
 * exp, log, sqrt and the (hyperbolic) sine, cosine and tangent as glibc
 * computes them, scaling where exp would overflow; the inverse functions
 * as npymath (FreeBSD msun catrig.c: Hull, Fairgrieve and Tang), which
 * never overflow in between. Where NumPy has its own formula (power with
 * an integer exponent in (-100, 100), expm1, log1p, exp2, log2, log10) the
 * helpers use it. */
#include <stdbool.h>

#include "kernels/ops_internal.h"

/* Constants per component type (macros named by type char: a kernel can
 * hold both types). EXPT = (int)((MAX_EXP - 1) * ln 2), beyond which exp
 * overflows; TANHT = EXPT / 2. */
static const char T_LIMITS_F[] =
    "#define NDA_CX_EPS_$N 1.1920928955078125e-07f\n"
    "#define NDA_CX_MAX_$N 3.4028234663852886e+38f\n"
    "#define NDA_CX_MIN_$N 1.1754943508222875e-38f\n"
    "#define NDA_CX_MANT_$N 24\n"
    "#define NDA_CX_EXPT_$N 88\n"
    "#define NDA_CX_TANHT_$N 44\n"
    "#define NDA_CX_FOUR_SQRT_MIN_$N 4.3368086899420177e-19f\n"
    "#define NDA_CX_SQRT_MIN_$N 1.0842021724855044e-19f\n"
    "#define NDA_CX_QUARTER_SQRT_MAX_$N 4.611685743549481e+18f\n"
    "#define NDA_CX_SQRT_6_EPS_$N 8.4572793338e-4f\n"
    "#define NDA_CX_SQRT_3_EPS_$N 5.9801995673e-4f\n"
    "#define NDA_CX_PI_$N 3.14159265358979323846f\n"
    "#define NDA_CX_PI_2_$N 1.57079632679489661923f\n"
    "#define NDA_CX_PI_4_$N 0.785398163397448309616f\n"
    "#define NDA_CX_PIO2_LO_$N 7.5497899549e-9f\n"
    "#define NDA_CX_LN2_$N 0.693147180559945309417f\n"
    "#define NDA_CX_E_$N 2.71828182845904523536f\n";

static const char T_LIMITS_D[] =
    "#define NDA_CX_EPS_$N 2.220446049250313e-16\n"
    "#define NDA_CX_MAX_$N 1.7976931348623157e+308\n"
    "#define NDA_CX_MIN_$N 2.2250738585072014e-308\n"
    "#define NDA_CX_MANT_$N 53\n"
    "#define NDA_CX_EXPT_$N 709\n"
    "#define NDA_CX_TANHT_$N 354\n"
    "#define NDA_CX_FOUR_SQRT_MIN_$N 5.9666725849601654e-154\n"
    "#define NDA_CX_SQRT_MIN_$N 1.4916681462400413e-154\n"
    "#define NDA_CX_QUARTER_SQRT_MAX_$N 3.3519519824856489e+153\n"
    "#define NDA_CX_SQRT_6_EPS_$N 3.65002414998885671e-08\n"
    "#define NDA_CX_SQRT_3_EPS_$N 2.5809568279517849e-8\n"
    "#define NDA_CX_PI_$N 3.14159265358979323846\n"
    "#define NDA_CX_PI_2_$N 1.57079632679489661923\n"
    "#define NDA_CX_PI_4_$N 0.785398163397448309616\n"
    "#define NDA_CX_PIO2_LO_$N 6.1232339957367659e-17\n"
    "#define NDA_CX_LN2_$N 0.693147180559945309417\n"
    "#define NDA_CX_E_$N 2.71828182845904523536\n";

/* exp(x) * (cos y, sin y) for finite x, y, scaled past exp's overflow
 * (s, c: sin y, cos y, or y, 1 for |y| <= MIN as glibc). */
static const char T_EXP[] =
    "NDA_FUNC $T nda_cexp_scaled_$N($R x, $R s, $R c) {\n"
    "  if (x > NDA_CX_EXPT_$N) {\n"
    "    $R et = exp(($R)NDA_CX_EXPT_$N);\n"
    "    x -= NDA_CX_EXPT_$N; s *= et; c *= et;\n"
    "    if (x > NDA_CX_EXPT_$N) { x -= NDA_CX_EXPT_$N; s *= et; c *= et; }\n"
    "  }\n"
    "  if (x > NDA_CX_EXPT_$N) return $M(NDA_CX_MAX_$N * c, NDA_CX_MAX_$N * s);\n"
    "  $R e = exp(x);\n"
    "  return $M(e * c, e * s);\n}\n"
    "NDA_FUNC $T nda_cexp_$N($T z) {\n"
    "  $R x = z.x, y = z.y, s = y, c = ($R)1;\n"
    "  if (isfinite(y) && fabs(y) > NDA_CX_MIN_$N) { s = sin(y); c = cos(y); }\n"
    "  if (isfinite(x)) {\n"
    "    if (isfinite(y)) return nda_cexp_scaled_$N(x, s, c);\n"
    "    return $M(($R)NAN, ($R)NAN);\n"
    "  }\n"
    "  if (isinf(x)) {\n"
    "    if (isfinite(y)) {\n"
    "      $R v = signbit(x) ? ($R)0 : ($R)INFINITY;\n"
    "      if (y == 0) return $M(v, y);\n"
    "      return $M(copysign(v, c), copysign(v, s));\n"
    "    }\n"
    "    if (!signbit(x)) return $M(($R)INFINITY, y - y);\n"
    "    return $M(($R)0, copysign(($R)0, y));\n"
    "  }\n"
    "  return $M(($R)NAN, y == 0 ? y : ($R)NAN);\n}\n";

/* log: glibc's cases; x*x + y*y - 1 from exact products (fma) and
 * two-sums where |z| is near 1. */
static const char T_LOG[] =
    "NDA_FUNC $R nda_cx2y2m1_$N($R x, $R y) {\n"
    "  $R px = x * x, ex = fma(x, x, -px), py = y * y, ey = fma(y, y, -py);\n"
    "  $R s1 = px - ($R)1, b1 = s1 - px, e1 = (px - (s1 - b1)) + (($R)-1 - b1);\n"
    "  $R s2 = s1 + py, b2 = s2 - s1, e2 = (s1 - (s2 - b2)) + (py - b2);\n"
    "  return s2 + (((e1 + e2) + ex) + ey);\n}\n"
    "NDA_FUNC $T nda_clog_$N($T z) {\n"
    "  $R x = z.x, y = z.y;\n"
    "  if (x == 0 && y == 0)\n"
    "    return $M(($R)-1 / fabs(x), copysign(signbit(x) ? ($R)NDA_CX_PI_$N : ($R)0, y));\n"
    "  if (isnan(x) || isnan(y)) return $M((isinf(x) || isinf(y)) ? ($R)INFINITY : ($R)NAN, ($R)NAN);\n"
    "  $R ax = fabs(x), ay = fabs(y), r;\n"
    "  if (ax < ay) { $R t = ax; ax = ay; ay = t; }\n"
    "  int scale = 0;\n"
    "  if (ax > NDA_CX_MAX_$N / 2) {\n"
    "    scale = -1; ax = ldexp(ax, -1); ay = ay >= NDA_CX_MIN_$N * 2 ? ldexp(ay, -1) : ($R)0;\n"
    "  } else if (ax < NDA_CX_MIN_$N && ay < NDA_CX_MIN_$N) {\n"
    "    scale = NDA_CX_MANT_$N; ax = ldexp(ax, scale); ay = ldexp(ay, scale);\n"
    "  }\n"
    "  if (ax == 1 && scale == 0) r = log1p(ay * ay) / 2;\n"
    "  else if (ax > 1 && ax < 2 && ay < 1 && scale == 0) {\n"
    "    $R d = (ax - 1) * (ax + 1);\n"
    "    if (ay >= NDA_CX_EPS_$N) d += ay * ay;\n"
    "    r = log1p(d) / 2;\n"
    "  } else if (ax < 1 && ax >= ($R)0.5 && ay < NDA_CX_EPS_$N / 2 && scale == 0) {\n"
    "    r = log1p((ax - 1) * (ax + 1)) / 2;\n"
    "  } else if (ax < 1 && ax >= ($R)0.5 && scale == 0 && ax * ax + ay * ay >= ($R)0.5) {\n"
    "    r = log1p(nda_cx2y2m1_$N(ax, ay)) / 2;\n"
    "  } else {\n"
    "    r = log(hypot(ax, ay)) - ($R)scale * ($R)NDA_CX_LN2_$N;\n"
    "  }\n"
    "  return $M(r, atan2(y, x));\n}\n"
    /* clog(z) * k (log2, log10: NumPy scales the natural logarithm). */
    "NDA_FUNC $T nda_clogk_$N($T z, $R k) { $T l = nda_clog_$N(z); return $M(l.x * k, l.y * k); }\n";

static const char T_SQRT[] =
    "NDA_FUNC $T nda_csqrt_$N($T z) {\n"
    "  $R x = z.x, y = z.y;\n"
    "  if (!isfinite(x) || !isfinite(y)) {\n"
    "    if (isinf(y)) return $M(($R)INFINITY, y);\n"
    "    if (isinf(x)) {\n"
    "      if (x < 0) return $M(isnan(y) ? ($R)NAN : ($R)0, copysign(($R)INFINITY, y));\n"
    "      return $M(x, isnan(y) ? ($R)NAN : copysign(($R)0, y));\n"
    "    }\n"
    "    return $M(($R)NAN, ($R)NAN);\n"
    "  }\n"
    "  if (y == 0) {\n"
    "    if (x < 0) return $M(($R)0, copysign(sqrt(-x), y));\n"
    "    return $M(fabs(sqrt(x)), copysign(($R)0, y));\n"
    "  }\n"
    "  if (x == 0) {\n"
    "    $R r = fabs(y) >= 2 * NDA_CX_MIN_$N ? sqrt(($R)0.5 * fabs(y)) : ($R)0.5 * sqrt(2 * fabs(y));\n"
    "    return $M(r, copysign(r, y));\n"
    "  }\n"
    "  int scale = 0;\n"
    "  if (fabs(x) > NDA_CX_MAX_$N / 4) {\n"
    "    scale = 1; x = ldexp(x, -2); y = ldexp(y, -2);\n"
    "  } else if (fabs(y) > NDA_CX_MAX_$N / 4) {\n"
    "    scale = 1; x = fabs(x) >= 4 * NDA_CX_MIN_$N ? ldexp(x, -2) : ($R)0; y = ldexp(y, -2);\n"
    "  } else if (fabs(x) < 2 * NDA_CX_MIN_$N && fabs(y) < 2 * NDA_CX_MIN_$N) {\n"
    "    scale = -((NDA_CX_MANT_$N + 1) / 2); x = ldexp(x, -2 * scale); y = ldexp(y, -2 * scale);\n"
    "  }\n"
    "  $R d = hypot(x, y), r, s;\n"
    "  if (x > 0) {\n"
    "    r = sqrt(($R)0.5 * (d + x));\n"
    "    if (scale == 1 && fabs(y) < 1) { s = y / r; r = ldexp(r, scale); scale = 0; }\n"
    "    else s = ($R)0.5 * (y / r);\n"
    "  } else {\n"
    "    s = sqrt(($R)0.5 * (d - x));\n"
    "    if (scale == 1 && fabs(y) < 1) { r = fabs(y / s); s = ldexp(s, scale); scale = 0; }\n"
    "    else r = fabs(($R)0.5 * (y / s));\n"
    "  }\n"
    "  if (scale) { r = ldexp(r, scale); s = ldexp(s, scale); }\n"
    "  return $M(r, copysign(s, y));\n}\n";

/* NumPy's npy_cpow: 1 for a zero exponent, 0 or NaN for a zero base,
 * repeated multiplication for integer exponents in (-100, 100), else the
 * C library's cpow, cexp(b * clog(a)) with C99's complex product (Annex
 * G: an infinite factor gives an infinite product, not NaN). */
static const char T_POW[] =
    "NDA_FUNC $T nda_cmul_annexg_$N($T z, $T w) {\n"
    "  $R a = z.x, b = z.y, c = w.x, d = w.y;\n"
    "  $R ac = a * c, bd = b * d, ad = a * d, bc = b * c, x = ac - bd, y = ad + bc;\n"
    "  if (isnan(x) && isnan(y)) {\n"
    "    bool again = false;\n"
    "    if (isinf(a) || isinf(b)) {\n"
    "      a = copysign(isinf(a) ? ($R)1 : ($R)0, a); b = copysign(isinf(b) ? ($R)1 : ($R)0, b);\n"
    "      if (isnan(c)) c = copysign(($R)0, c);\n"
    "      if (isnan(d)) d = copysign(($R)0, d);\n"
    "      again = true;\n"
    "    }\n"
    "    if (isinf(c) || isinf(d)) {\n"
    "      c = copysign(isinf(c) ? ($R)1 : ($R)0, c); d = copysign(isinf(d) ? ($R)1 : ($R)0, d);\n"
    "      if (isnan(a)) a = copysign(($R)0, a);\n"
    "      if (isnan(b)) b = copysign(($R)0, b);\n"
    "      again = true;\n"
    "    }\n"
    "    if (!again && (isinf(ac) || isinf(bd) || isinf(ad) || isinf(bc))) {\n"
    "      if (isnan(a)) a = copysign(($R)0, a);\n"
    "      if (isnan(b)) b = copysign(($R)0, b);\n"
    "      if (isnan(c)) c = copysign(($R)0, c);\n"
    "      if (isnan(d)) d = copysign(($R)0, d);\n"
    "      again = true;\n"
    "    }\n"
    "    if (again) { x = ($R)INFINITY * (a * c - b * d); y = ($R)INFINITY * (a * d + b * c); }\n"
    "  }\n"
    "  return $M(x, y);\n}\n"
    "NDA_FUNC $T nda_cpow_$N($T a, $T b) {\n"
    "  if (b.x == 0 && b.y == 0) return $M(($R)1, ($R)0);\n"
    "  if (a.x == 0 && a.y == 0) {\n"
    "    if (b.x > 0) return $M(($R)0, ($R)0);\n"
    "    return $M(($R)NAN, ($R)NAN);\n"
    "  }\n"
    "  if (b.y == 0 && b.x > -100 && b.x < 100 && b.x == floor(b.x)) {\n"
    "    int n = (int)b.x, e = n < 0 ? -n : n;\n"
    "    if (n == 1) return a;\n"
    "    if (n == 2) return nda_cmul_$N(a, a);\n"
    "    if (n == 3) return nda_cmul_$N(a, nda_cmul_$N(a, a));\n"
    "    $T r = $M(($R)1, ($R)0), p = a;\n"
    "    for (;;) {\n"
    "      if (e & 1) r = nda_cmul_$N(r, p);\n"
    "      e >>= 1;\n"
    "      if (!e) break;\n"
    "      p = nda_cmul_$N(p, p);\n"
    "    }\n"
    "    return n < 0 ? nda_cdiv_$N($M(($R)1, ($R)0), r) : r;\n"
    "  }\n"
    "  return nda_cexp_$N(nda_cmul_annexg_$N(b, nda_clog_$N(a)));\n}\n";

/* cosh, sinh, tanh and cos = cosh(iz), sin, tan = -i tanh(iz), as glibc.
 * s, c: sin and cos of a finite argument (itself and 1 when tiny). */
static const char T_HYP[] =
    "NDA_FUNC $R nda_csin_arg_$N($R v) { return fabs(v) > NDA_CX_MIN_$N ? sin(v) : v; }\n"
    "NDA_FUNC $R nda_ccos_arg_$N($R v) { return fabs(v) > NDA_CX_MIN_$N ? cos(v) : ($R)1; }\n"
    /* exp(a) / 2 * (c, s) for a = |x| > EXPT. */
    "NDA_FUNC $T nda_chalf_exp_$N($R a, $R s, $R c) {\n"
    "  $R et = exp(($R)NDA_CX_EXPT_$N);\n"
    "  a -= NDA_CX_EXPT_$N; s *= et / 2; c *= et / 2;\n"
    "  if (a > NDA_CX_EXPT_$N) { a -= NDA_CX_EXPT_$N; s *= et; c *= et; }\n"
    "  if (a > NDA_CX_EXPT_$N) return $M(NDA_CX_MAX_$N * c, NDA_CX_MAX_$N * s);\n"
    "  $R e = exp(a);\n"
    "  return $M(e * c, e * s);\n}\n"
    "NDA_FUNC $T nda_ccosh_$N($T z) {\n"
    "  $R x = z.x, y = z.y;\n"
    "  if (isfinite(x)) {\n"
    "    if (!isfinite(y)) return $M(y - y, x == 0 ? ($R)0 : ($R)NAN);\n"
    "    $R s = nda_csin_arg_$N(y), c = nda_ccos_arg_$N(y);\n"
    "    if (fabs(x) > NDA_CX_EXPT_$N) return nda_chalf_exp_$N(fabs(x), signbit(x) ? -s : s, c);\n"
    "    return $M(cosh(x) * c, sinh(x) * s);\n"
    "  }\n"
    "  if (isinf(x)) {\n"
    "    if (y == 0) return $M(($R)INFINITY, y * copysign(($R)1, x));\n"
    "    if (!isfinite(y)) return $M(($R)INFINITY, y - y);\n"
    "    return $M(copysign(($R)INFINITY, nda_ccos_arg_$N(y)),\n"
    "              copysign(($R)INFINITY, nda_csin_arg_$N(y)) * copysign(($R)1, x));\n"
    "  }\n"
    "  return $M(($R)NAN, y == 0 ? y : ($R)NAN);\n}\n"
    "NDA_FUNC $T nda_csinh_$N($T z) {\n"
    "  $R x = fabs(z.x), y = z.y;\n"
    "  bool neg = signbit(z.x) != 0;\n"
    "  if (isfinite(x)) {\n"
    "    if (!isfinite(y)) {\n"
    "      if (x == 0) return $M(neg ? -($R)0 : ($R)0, y - y);\n"
    "      return $M(($R)NAN, ($R)NAN);\n"
    "    }\n"
    "    $R s = nda_csin_arg_$N(y), c = nda_ccos_arg_$N(y);\n"
    "    if (neg) c = -c;\n"
    "    if (x > NDA_CX_EXPT_$N) return nda_chalf_exp_$N(x, s, c);\n"
    "    return $M(sinh(x) * c, cosh(x) * s);\n"
    "  }\n"
    "  if (isinf(x)) {\n"
    "    if (y == 0) return $M(neg ? ($R)-INFINITY : ($R)INFINITY, y);\n"
    "    if (!isfinite(y)) return $M(($R)INFINITY, y - y);\n"
    "    $R r = copysign(($R)INFINITY, nda_ccos_arg_$N(y));\n"
    "    return $M(neg ? -r : r, copysign(($R)INFINITY, nda_csin_arg_$N(y)));\n"
    "  }\n"
    "  return $M(($R)NAN, y == 0 ? y : ($R)NAN);\n}\n"
    "NDA_FUNC $T nda_ccos_$N($T z) { return nda_ccosh_$N($M(-z.y, z.x)); }\n"
    /* sin(z) = -i sinh(iz), except sin(NaN or inf +- i inf) = NaN + i inf
     * (glibc's choice of the unspecified sign). */
    "NDA_FUNC $T nda_csin_$N($T z) {\n"
    "  if (!isfinite(z.x) && isinf(z.y)) return $M(z.x - z.x, ($R)INFINITY);\n"
    "  $T w = nda_csinh_$N($M(-z.y, z.x));\n"
    "  return $M(w.y, -w.x);\n}\n"
    "NDA_FUNC $T nda_ctanh_$N($T z) {\n"
    "  $R x = z.x, y = z.y;\n"
    "  if (!isfinite(x) || !isfinite(y)) {\n"
    "    if (isinf(x)) {\n"
    "      if (isfinite(y) && fabs(y) > 1) return $M(copysign(($R)1, x), copysign(($R)0, sin(y) * cos(y)));\n"
    "      return $M(copysign(($R)1, x), copysign(($R)0, y));\n"
    "    }\n"
    "    if (y == 0) return z;\n"
    "    return $M(x == 0 ? x : ($R)NAN, ($R)NAN);\n"
    "  }\n"
    "  $R s = nda_csin_arg_$N(y), c = nda_ccos_arg_$N(y);\n"
    "  if (fabs(x) > NDA_CX_TANHT_$N) {\n"
    "    $R e2t = exp(($R)(2 * NDA_CX_TANHT_$N)), im = 4 * s * c, ax = fabs(x) - NDA_CX_TANHT_$N;\n"
    "    im /= e2t;\n"
    "    im = ax > NDA_CX_TANHT_$N ? im / e2t : im / exp(2 * ax);\n"
    "    return $M(copysign(($R)1, x), im);\n"
    "  }\n"
    "  $R sh = x, ch = ($R)1, den;\n"
    "  if (fabs(x) > NDA_CX_MIN_$N) { sh = sinh(x); ch = cosh(x); }\n"
    "  if (fabs(sh) > fabs(c) * NDA_CX_EPS_$N) den = sh * sh + c * c;\n"
    "  else den = c * c;\n"
    "  return $M(sh * ch / den, s * c / den);\n}\n"
    "NDA_FUNC $T nda_ctan_$N($T z) { $T w = nda_ctanh_$N($M(-z.y, z.x)); return $M(w.y, -w.x); }\n";

/* asinh, asin, acos, acosh: glibc's special values; finite arguments by
 * Hull, Fairgrieve and Tang as npymath (FreeBSD catrig.c). */
static const char T_ASINH[] =
    /* (hypot(a, b) - b) / 2 without cancellation, h = hypot(a, b). */
    "NDA_FUNC $R nda_catrig_f_$N($R a, $R b, $R h) {\n"
    "  if (b < 0) return (h - b) / 2;\n"
    "  if (b == 0) return a / 2;\n"
    "  return a * a / (h + b) / 2;\n}\n"
    /* For 0 <= x, y < 1/EPS: returns Re casinh(x + iy); *usable says
     * whether *B = y / A gives Im = asin(B); else Im = atan2(*ny, *s). */
    "NDA_FUNC $R nda_catrig_$N($R x, $R y, int *usable, $R *B, $R *s, $R *ny) {\n"
    "  $R R = hypot(x, y + 1), S = hypot(x, y - 1), A = (R + S) / 2, rx;\n"
    "  if (A < 1) A = 1;\n"
    "  if (A < 10) {\n"
    "    if (y == 1 && x < NDA_CX_EPS_$N * NDA_CX_EPS_$N / 128) rx = sqrt(x);\n"
    "    else if (x >= NDA_CX_EPS_$N * fabs(y - 1)) {\n"
    "      $R am1 = nda_catrig_f_$N(x, 1 + y, R) + nda_catrig_f_$N(x, 1 - y, S);\n"
    "      rx = log1p(am1 + sqrt(am1 * (A + 1)));\n"
    "    } else if (y < 1) rx = x / sqrt((1 - y) * (1 + y));\n"
    "    else rx = log1p((y - 1) + sqrt((y - 1) * (y + 1)));\n"
    "  } else {\n"
    "    rx = log(A + sqrt(A * A - 1));\n"
    "  }\n"
    "  *ny = y;\n"
    "  if (y < NDA_CX_FOUR_SQRT_MIN_$N) {\n"
    "    *usable = 0; *s = A * (2 / NDA_CX_EPS_$N); *ny = y * (2 / NDA_CX_EPS_$N);\n"
    "    return rx;\n"
    "  }\n"
    "  *B = y / A; *usable = 1;\n"
    "  if (*B > ($R)0.6417) {\n"
    "    *usable = 0;\n"
    "    if (y == 1 && x < NDA_CX_EPS_$N / 128) *s = sqrt(x) * sqrt((A + y) / 2);\n"
    "    else if (x >= NDA_CX_EPS_$N * fabs(y - 1)) {\n"
    "      $R amy = nda_catrig_f_$N(x, y + 1, R) + nda_catrig_f_$N(x, y - 1, S);\n"
    "      *s = sqrt(amy * (A + y));\n"
    "    } else if (y > 1) {\n"
    "      *s = x * (4 / NDA_CX_EPS_$N / NDA_CX_EPS_$N) * y / sqrt((y + 1) * (y - 1));\n"
    "      *ny = y * (4 / NDA_CX_EPS_$N / NDA_CX_EPS_$N);\n"
    "    } else *s = sqrt((1 - y) * (1 + y));\n"
    "  }\n"
    "  return rx;\n}\n"
    /* clog(x + iy) for finite |z| > 1/EPS without overflow. */
    "NDA_FUNC $T nda_clog_large_$N($R x, $R y) {\n"
    "  $R ax = fabs(x), ay = fabs(y), r;\n"
    "  if (ax < ay) { $R t = ax; ax = ay; ay = t; }\n"
    "  if (ax > NDA_CX_MAX_$N / 2) r = log(hypot(x / NDA_CX_E_$N, y / NDA_CX_E_$N)) + 1;\n"
    "  else if (ax > NDA_CX_QUARTER_SQRT_MAX_$N || ay < NDA_CX_SQRT_MIN_$N) r = log(hypot(x, y));\n"
    "  else r = log(ax * ax + ay * ay) / 2;\n"
    "  return $M(r, atan2(y, x));\n}\n"
    "NDA_FUNC $T nda_casinh_$N($T z) {\n"
    "  $R x = z.x, y = z.y, ax = fabs(x), ay = fabs(y), B = 0, s = 0, ny = 0;\n"
    "  int usable = 0;\n"
    "  if (!isfinite(x) || !isfinite(y)) {\n"
    "    if (isinf(y))\n"
    "      return $M(copysign(($R)INFINITY, x), isnan(x) ? ($R)NAN\n"
    "                : copysign(isfinite(x) ? ($R)NDA_CX_PI_2_$N : ($R)NDA_CX_PI_4_$N, y));\n"
    "    if (!isfinite(x))\n"
    "      return $M(x, ((isinf(x) && !isnan(y)) || y == 0) ? copysign(($R)0, y) : ($R)NAN);\n"
    "    return $M(($R)NAN, ($R)NAN);\n"
    "  }\n"
    "  if (x == 0 && y == 0) return z;\n"
    "  if (ax > 1 / NDA_CX_EPS_$N || ay > 1 / NDA_CX_EPS_$N) {\n"
    "    $T w = signbit(x) ? nda_clog_large_$N(-x, -y) : nda_clog_large_$N(x, y);\n"
    "    return $M(copysign(w.x + ($R)NDA_CX_LN2_$N, x), copysign(w.y, y));\n"
    "  }\n"
    "  if (ax < NDA_CX_SQRT_6_EPS_$N / 4 && ay < NDA_CX_SQRT_6_EPS_$N / 4) return z;\n"
    "  $R rx = nda_catrig_$N(ax, ay, &usable, &B, &s, &ny);\n"
    "  $R ry = usable ? asin(B) : atan2(ny, s);\n"
    "  return $M(copysign(rx, x), copysign(ry, y));\n}\n"
    /* asin(z) = i conj(asinh(i conj(z))) */
    "NDA_FUNC $T nda_casin_$N($T z) {\n"
    "  if (isnan(z.x) || isnan(z.y)) {\n"
    "    if (z.x == 0) return z;\n"
    "    if (isinf(z.x) || isinf(z.y)) return $M(($R)NAN, copysign(($R)INFINITY, z.y));\n"
    "    return $M(($R)NAN, ($R)NAN);\n"
    "  }\n"
    "  $T w = nda_casinh_$N($M(z.y, z.x));\n"
    "  return $M(w.y, w.x);\n}\n"
    "NDA_FUNC $T nda_cacos_$N($T z) {\n"
    "  $R x = z.x, y = z.y, ax = fabs(x), ay = fabs(y), B = 0, s = 0, nx = 0;\n"
    "  int usable = 0;\n"
    "  bool sx = signbit(x) != 0, sy = signbit(y) != 0;\n"
    "  if (!isfinite(x) || !isfinite(y) || (x == 0 && y == 0)) {\n"
    "    $T w = nda_casin_$N(z);\n"
    "    $R r = ($R)NDA_CX_PI_2_$N - w.x;\n"
    "    return $M(r == 0 ? ($R)0 : r, -w.y);\n"
    "  }\n"
    "  if (ax > 1 / NDA_CX_EPS_$N || ay > 1 / NDA_CX_EPS_$N) {\n"
    "    $T w = nda_clog_large_$N(x, y);\n"
    "    $R ry = w.x + ($R)NDA_CX_LN2_$N;\n"
    "    return $M(fabs(w.y), sy ? ry : -ry);\n"
    "  }\n"
    "  if (x == 1 && y == 0) return $M(($R)0, -y);\n"
    "  if (ax < NDA_CX_SQRT_6_EPS_$N / 4 && ay < NDA_CX_SQRT_6_EPS_$N / 4)\n"
    "    return $M(($R)NDA_CX_PI_2_$N - (x - ($R)NDA_CX_PIO2_LO_$N), -y);\n"
    "  $R ry = nda_catrig_$N(ay, ax, &usable, &B, &s, &nx), rx;\n"
    "  if (usable) rx = acos(sx ? -B : B);\n"
    "  else rx = atan2(s, sx ? -nx : nx);\n"
    "  return $M(rx, sy ? ry : -ry);\n}\n"
    "NDA_FUNC $T nda_cacosh_$N($T z) {\n"
    "  $R x = z.x, y = z.y;\n"
    "  if (!isfinite(x) || !isfinite(y)) {\n"
    "    if (isinf(y)) {\n"
    "      $R im = isinf(x) ? (x < 0 ? ($R)(3 * NDA_CX_PI_4_$N) : ($R)NDA_CX_PI_4_$N) : ($R)NDA_CX_PI_2_$N;\n"
    "      return $M(($R)INFINITY, isnan(x) ? ($R)NAN : copysign(im, y));\n"
    "    }\n"
    "    if (isinf(x))\n"
    "      return $M(($R)INFINITY, isnan(y) ? ($R)NAN : copysign(signbit(x) ? ($R)NDA_CX_PI_$N : ($R)0, y));\n"
    "    return $M(($R)NAN, x == 0 ? ($R)NDA_CX_PI_2_$N : ($R)NAN);\n"
    "  }\n"
    "  if (x == 0 && y == 0) return $M(($R)0, copysign(($R)NDA_CX_PI_2_$N, y));\n"
    "  $T w = nda_cacos_$N(z);\n"
    "  return $M(fabs(w.y), copysign(w.x, y));\n}\n";

/* atanh, atan = i conj(atanh(i conj(z))): glibc's special values; finite
 * arguments as npymath (FreeBSD catrig.c). */
static const char T_ATANH[] =
    /* Re(1 / (x + iy)) for |z| > 1/EPS, without spurious over/underflow. */
    "NDA_FUNC $R nda_crecip_re_$N($R x, $R y) {\n"
    "  if (fabs(y) <= 1) return 1 / x;\n"
    "  if (fabs(x) <= 1) return x / y / y;\n"
    "  $R h = hypot(x / 2, y / 2);\n"
    "  return x / h / h / 4;\n}\n"
    "NDA_FUNC $T nda_catanh_$N($T z) {\n"
    "  $R x = z.x, y = z.y, ax = fabs(x), ay = fabs(y), rx, ry;\n"
    "  if (!isfinite(x) || !isfinite(y)) {\n"
    "    if (isinf(y)) return $M(copysign(($R)0, x), copysign(($R)NDA_CX_PI_2_$N, y));\n"
    "    if (isinf(x) || x == 0)\n"
    "      return $M(copysign(($R)0, x), isnan(y) ? ($R)NAN : copysign(($R)NDA_CX_PI_2_$N, y));\n"
    "    return $M(($R)NAN, ($R)NAN);\n"
    "  }\n"
    "  if (y == 0 && ax <= 1) return $M(atanh(x), y);\n"
    "  if (x == 0) return $M(x, atan(y));\n"
    "  if (ax > 1 / NDA_CX_EPS_$N || ay > 1 / NDA_CX_EPS_$N)\n"
    "    return $M(nda_crecip_re_$N(x, y), copysign(($R)NDA_CX_PI_2_$N, y));\n"
    "  if (ax < NDA_CX_SQRT_3_EPS_$N / 2 && ay < NDA_CX_SQRT_3_EPS_$N / 2) return z;\n"
    "  if (ax == 1 && ay < NDA_CX_EPS_$N) rx = (($R)NDA_CX_LN2_$N - log(ay)) / 2;\n"
    "  else {\n"
    "    $R d = ax - 1, ss = ay < NDA_CX_SQRT_MIN_$N ? d * d : d * d + ay * ay;\n"
    "    rx = log1p(4 * ax / ss) / 4;\n"
    "  }\n"
    "  if (ax == 1) ry = atan2(($R)2, -ay) / 2;\n"
    "  else if (ay < NDA_CX_EPS_$N) ry = atan2(2 * ay, (1 - ax) * (1 + ax)) / 2;\n"
    "  else ry = atan2(2 * ay, (1 - ax) * (1 + ax) - ay * ay) / 2;\n"
    "  return $M(copysign(rx, x), copysign(ry, y));\n}\n"
    "NDA_FUNC $T nda_catan_$N($T z) { $T w = nda_catanh_$N($M(z.y, z.x)); return $M(w.y, w.x); }\n";

/* NumPy's own formulas (umath funcs.inc.src nc_expm1, nc_log1p). */
static const char T_EXPM1[] =
    "NDA_FUNC $T nda_cexpm1_$N($T z) {\n"
    "  $R a = sin(z.y / 2);\n"
    "  return $M(expm1(z.x) * cos(z.y) - 2 * a * a, exp(z.x) * sin(z.y));\n}\n";
static const char T_LOG1P[] =
    "NDA_FUNC $T nda_clog1p_$N($T z) {\n"
    "  return $M(log(hypot(z.x + 1, z.y)), atan2(z.y, z.x + 1));\n}\n";

static void need(nda_strbuf *h, nda_strbuf *seen, const char *key, const char *tmpl, nda_dtype t)
{
    nda_op_helper(h, seen, "climits", t == NDA_COMPLEX64 ? T_LIMITS_F : T_LIMITS_D, t);
    nda_op_helper(h, seen, key, tmpl, t);
}

bool nda_op_emit_complex_fn(nda_op op, nda_dtype t, const char *a, const char *b, nda_strbuf *e,
                            nda_strbuf *h, nda_strbuf *seen)
{
    char n = nda_dtype_char(t);
    const char *R = t == NDA_COMPLEX64 ? "float" : "double";
    const char *mk = t == NDA_COMPLEX64 ? "NDA_C64" : "NDA_C128";
    const char *f = NULL;
    switch (op) {
    case NDA_OP_EXP: need(h, seen, "cexp", T_EXP, t); f = "cexp"; break;
    case NDA_OP_LOG: need(h, seen, "clog", T_LOG, t); f = "clog"; break;
    case NDA_OP_SQRT: need(h, seen, "csqrt", T_SQRT, t); f = "csqrt"; break;
    case NDA_OP_EXPM1: need(h, seen, "cexpm1", T_EXPM1, t); f = "cexpm1"; break;
    case NDA_OP_LOG1P: need(h, seen, "clog1p", T_LOG1P, t); f = "clog1p"; break;
    case NDA_OP_SIN: case NDA_OP_COS: case NDA_OP_TAN: case NDA_OP_SINH: case NDA_OP_COSH:
    case NDA_OP_TANH:
        need(h, seen, "chyp", T_HYP, t);
        f = op == NDA_OP_SIN ? "csin" : op == NDA_OP_COS ? "ccos" : op == NDA_OP_TAN ? "ctan"
            : op == NDA_OP_SINH ? "csinh" : op == NDA_OP_COSH ? "ccosh" : "ctanh";
        break;
    case NDA_OP_ARCSIN: case NDA_OP_ARCCOS: case NDA_OP_ARCSINH: case NDA_OP_ARCCOSH:
        need(h, seen, "casinh", T_ASINH, t);
        f = op == NDA_OP_ARCSIN ? "casin" : op == NDA_OP_ARCCOS ? "cacos"
            : op == NDA_OP_ARCSINH ? "casinh" : "cacosh";
        break;
    case NDA_OP_ARCTAN: case NDA_OP_ARCTANH:
        need(h, seen, "catanh", T_ATANH, t);
        f = op == NDA_OP_ARCTAN ? "catan" : "catanh";
        break;
    case NDA_OP_EXP2:
        need(h, seen, "cexp", T_EXP, t);
        nda_strbuf_printf(e, "nda_cexp_%c(%s((%s).x * (%s)0.6931471805599453, "
                          "(%s).y * (%s)0.6931471805599453))", n, mk, a, R, a, R);
        return true;
    case NDA_OP_LOG2: case NDA_OP_LOG10:
        need(h, seen, "clog", T_LOG, t);
        nda_strbuf_printf(e, "nda_clogk_%c(%s, (%s)%s)", n, a, R,
                          op == NDA_OP_LOG2 ? "1.4426950408889634" : "0.4342944819032518");
        return true;
    case NDA_OP_POWER: case NDA_OP_FLOAT_POWER:
        nda_op_helper(h, seen, "carith", NDA_T_C_ARITH, t);
        need(h, seen, "cexp", T_EXP, t);
        need(h, seen, "clog", T_LOG, t);
        need(h, seen, "cpow", T_POW, t);
        nda_strbuf_printf(e, "nda_cpow_%c(%s, %s)", n, a, b);
        return true;
    default: return false;
    }
    nda_strbuf_printf(e, "nda_%s_%c(%s)", f, n, a);
    return true;
}

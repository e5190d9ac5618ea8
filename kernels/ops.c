/* Dialect types and casts, and the expressions of the arithmetic,
 * comparison, bitwise and logical ops (COPY .. WHERE). Semantics follow
 * NumPy's loops (numpy/_core/src/umath, npymath): integer division and
 * remainder by zero give 0, shifts past the width give 0 (or -1 for a
 * negative right-shifted value), float floor_divide/remainder use
 * npy_divmod's rules, maximum/minimum propagate NaN. Signed integer
 * arithmetic is done in unsigned types so overflow wraps without UB. */
#include "kernels/ops.h"

#include "kernels/fdlibm.h"
#include "kernels/ops_internal.h"

#include <stdio.h>
#include <string.h>

#include "nda/error.h"

/* ---- types ---- */

static const char *const STORAGE[NDA_NTYPES] = {
    "nda_bool", "nda_i8", "nda_u8", "nda_i16", "nda_u16", "nda_i32", "nda_u32",
    "nda_i64", "nda_u64", "nda_f16s", "float", "double", "nda_c64", "nda_c128",
};
static const char *const COMPUTE[NDA_NTYPES] = {
    "nda_bool", "nda_i8", "nda_u8", "nda_i16", "nda_u16", "nda_i32", "nda_u32",
    "nda_i64", "nda_u64", "float", "float", "double", "nda_c64", "nda_c128",
};
/* Unsigned type of at least 32 bits holding the integer's bit pattern. */
static const char *const WIDE_UNSIGNED[NDA_NTYPES] = {
    "nda_u32", "nda_u32", "nda_u32", "nda_u32", "nda_u32", "nda_u32", "nda_u32",
    "nda_u64", "nda_u64", NULL, NULL, NULL, NULL, NULL,
};

const char *nda_type_storage(nda_dtype t) { return STORAGE[t]; }
const char *nda_type_compute(nda_dtype t) { return COMPUTE[t]; }

static bool is_int(nda_dtype t)
{
    nda_kind k = nda_dtype_kind(t);
    return k == NDA_KIND_INT || k == NDA_KIND_UINT;
}
static bool is_signed(nda_dtype t) { return nda_dtype_kind(t) == NDA_KIND_INT; }
static bool is_float(nda_dtype t) { return nda_dtype_kind(t) == NDA_KIND_FLOAT; }
static bool is_complex(nda_dtype t) { return nda_dtype_kind(t) == NDA_KIND_COMPLEX; }
static const char *complex_real(nda_dtype t) { return t == NDA_COMPLEX64 ? "float" : "double"; }
static const char *complex_make(nda_dtype t) { return t == NDA_COMPLEX64 ? "NDA_C64" : "NDA_C128"; }

void nda_emit_load_value(nda_strbuf *b, nda_dtype t, const char *x)
{
    if (t == NDA_FLOAT16) nda_strbuf_printf(b, "nda_h2f(%s)", x);
    else nda_strbuf_puts(b, x);
}

void nda_emit_convert(nda_strbuf *b, nda_dtype from, nda_dtype to, const char *x)
{
    if (from == to) {
        nda_strbuf_puts(b, x);
        return;
    }
    if (to == NDA_BOOL) {
        if (is_complex(from)) nda_strbuf_printf(b, "(nda_bool)((%s).x != 0 || (%s).y != 0)", x, x);
        else nda_strbuf_printf(b, "(nda_bool)((%s) != 0)", x);
        return;
    }
    if (is_complex(to)) {
        if (is_complex(from))
            nda_strbuf_printf(b, "%s((%s)(%s).x, (%s)(%s).y)", complex_make(to), complex_real(to), x,
                              complex_real(to), x);
        else
            nda_strbuf_printf(b, "%s((%s)(%s), (%s)0)", complex_make(to), complex_real(to), x,
                              complex_real(to));
        return;
    }
    char tmp[512];
    if (is_complex(from)) { /* real part, as NumPy's complex -> real cast */
        snprintf(tmp, sizeof tmp, "(%s).x", x);
        nda_emit_convert(b, from == NDA_COMPLEX64 ? NDA_FLOAT32 : NDA_FLOAT64, to, tmp);
        return;
    }
    if (to == NDA_FLOAT16) { /* round to binary16, compute in float */
        /* Integers: (float)x is exact up to 2**24 and every larger value
         * rounds to inf in binary16 either way, so one rounding results. */
        if (from == NDA_FLOAT64)
            nda_strbuf_printf(b, "nda_h2f(nda_d2h(%s))", x);
        else if (from == NDA_FLOAT32)
            nda_strbuf_printf(b, "nda_h2f(nda_f2h(%s))", x);
        else /* bool and 8/16-bit integers are exact in float; round for 16-bit */
            nda_strbuf_printf(b, "nda_h2f(nda_f2h((float)(%s)))", x);
        return;
    }
    nda_strbuf_printf(b, "(%s)(%s)", COMPUTE[to], x);
}

void nda_emit_store_value(nda_strbuf *b, nda_dtype from, nda_dtype to, const char *x)
{
    if (to != NDA_FLOAT16) {
        nda_emit_convert(b, from, to, x);
        return;
    }
    if (from == NDA_FLOAT16 || from == NDA_FLOAT32) {
        nda_strbuf_printf(b, "nda_f2h(%s)", x);
    } else if (is_complex(from)) {
        if (from == NDA_COMPLEX64) nda_strbuf_printf(b, "nda_f2h((%s).x)", x);
        else nda_strbuf_printf(b, "nda_d2h((%s).x)", x);
    } else if (from == NDA_FLOAT64) {
        nda_strbuf_printf(b, "nda_d2h(%s)", x);
    } else { /* integers and bool: see nda_emit_convert */
        nda_strbuf_printf(b, "nda_f2h((float)(%s))", x);
    }
}

/* ---- helper templates ($T compute type, $U wide unsigned, $W bits,
 * $N type char, $R complex component type, $M complex constructor) ---- */

static const char T_INT_FLOORDIV_S[] =
    "NDA_FUNC $T nda_floordiv_$N($T a, $T b) {\n"
    "  if (b == 0) return 0;\n"
    "  if (b == -1) return ($T)(($U)0 - ($U)a);\n"
    "  $T q = a / b;\n"
    "  if ((a % b) != 0 && ((a < 0) != (b < 0))) q--;\n"
    "  return q;\n}\n";
static const char T_INT_FLOORDIV_U[] =
    "NDA_FUNC $T nda_floordiv_$N($T a, $T b) { return b == 0 ? ($T)0 : ($T)(a / b); }\n";
static const char T_INT_REM_S[] =
    "NDA_FUNC $T nda_remainder_$N($T a, $T b) {\n"
    "  if (b == 0 || b == -1) return 0;\n"
    "  $T r = a % b;\n"
    "  if (r != 0 && ((r < 0) != (b < 0))) r += b;\n"
    "  return r;\n}\n";
static const char T_INT_REM_U[] =
    "NDA_FUNC $T nda_remainder_$N($T a, $T b) { return b == 0 ? ($T)0 : ($T)(a % b); }\n";
static const char T_INT_POW[] =
    "NDA_FUNC $T nda_power_$N($T a, $T b) {\n"
    "  if (b <= 0) return b == 0 ? ($T)1 : ($T)0;\n"
    "  $U r = 1, x = ($U)a, e = ($U)b;\n"
    "  while (e) { if (e & 1u) r = r * x; x = x * x; e >>= 1; }\n"
    "  return ($T)r;\n}\n";
static const char T_INT_LSHIFT[] =
    "NDA_FUNC $T nda_lshift_$N($T a, $T b) {\n"
    "  return (b >= 0 && ($U)b < $Wu) ? ($T)(($U)a << ($U)b) : ($T)0;\n}\n";
static const char T_INT_RSHIFT_S[] =
    "NDA_FUNC $T nda_rshift_$N($T a, $T b) {\n"
    "  if (b >= 0 && ($U)b < $Wu) return ($T)(a >> b);\n"
    "  return a < 0 ? ($T)-1 : ($T)0;\n}\n";
static const char T_INT_RSHIFT_U[] =
    "NDA_FUNC $T nda_rshift_$N($T a, $T b) { return (($U)b < $Wu) ? ($T)(a >> b) : ($T)0; }\n";
static const char T_FLOAT_FLOORDIV[] =
    "NDA_FUNC $T nda_floordiv_$N($T a, $T b) {\n"
    "  if (b == 0) return a / b;\n"
    "  $T mod = fmod(a, b), div = (a - mod) / b, fd;\n"
    "  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;\n"
    "  if (div != 0) { fd = floor(div); if (div - fd > ($T)0.5) fd += 1; }\n"
    "  else { fd = copysign(($T)0, a / b); }\n"
    "  return fd;\n}\n";
static const char T_FLOAT_REM[] =
    "NDA_FUNC $T nda_remainder_$N($T a, $T b) {\n"
    "  $T mod = fmod(a, b);\n"
    "  if (b == 0) return mod;\n"
    "  if (mod != 0) { if ((b < 0) != (mod < 0)) mod += b; }\n"
    "  else { mod = copysign(($T)0, b); }\n"
    "  return mod;\n}\n";
/* float64 log on OpenCL devices: fdlibm's (kernels/fdlibm.h, error < 1 ulp)
 * with C99's special values; PoCL's double log takes ~20 ns per element on
 * x86, this ~3. On CUDA the device's log is kept. */
const char NDA_T_D_LOG[] =
    "#ifdef __OPENCL_VERSION__\n"
    NDA_FDLIBM_LOG_SRC
    "#endif\n"
    "NDA_FUNC double nda_log_d(double x) {\n"
    "#ifdef __OPENCL_VERSION__\n"
    "  if (x != x || x == INFINITY) return x + x;\n"
    "  if (x == 0.0) return -INFINITY;\n"
    "  if (x < 0.0) return NAN;\n"
    "  if (x < 2.2250738585072014e-308) return nda_fdlibm_log(x * 18014398509481984.0, -54);\n"
    "  return nda_fdlibm_log(x, 0);\n"
    "#else\n"
    "  return log(x);\n"
    "#endif\n"
    "}\n";

/* float64 pow as fdlibm's e_pow.c (error <= 1 ulp against glibc, exact
 * integer results when representable; special values as C99, not fdlibm's
 * 1**NaN = NaN): log2(x) in extra precision, times y split in two, then 2^z. PoCL's double pow takes ~120 ns per
 * element on x86, this ~10; on CUDA the device's pow is kept. */
const char NDA_T_D_POW[] =
    "#ifdef __OPENCL_VERSION__\n"
    "#define NDA_HI(d) ((int)(uint)(NDA_AS_U64(d) >> 32))\n"
    "#define NDA_LO(d) ((uint)NDA_AS_U64(d))\n"
    "#define NDA_CLEAR_LO(d) NDA_AS_F64(NDA_AS_U64(d) & 0xffffffff00000000UL)\n"
    "#define NDA_WITH_HI(d, h) NDA_AS_F64(((nda_u64)(uint)(h) << 32) | (NDA_AS_U64(d) & 0xffffffffUL))\n"
    "#endif\n"
    "NDA_FUNC double nda_pow_d(double x, double y) {\n"
    "#ifdef __OPENCL_VERSION__\n"
    "  const double huge = 1.0e300, tiny = 1.0e-300;\n"
    "  int hx = NDA_HI(x), hy = NDA_HI(y); uint lx = NDA_LO(x), ly = NDA_LO(y);\n"
    "  int ix = hx & 0x7fffffff, iy = hy & 0x7fffffff;\n"
    "  if ((iy | (int)ly) == 0) return 1.0;\n"
    "  if (hx == 0x3ff00000 && lx == 0) return 1.0;\n" /* C99: 1**y = 1, even for NaN y */
    "  if (ix > 0x7ff00000 || (ix == 0x7ff00000 && lx != 0) || iy > 0x7ff00000 ||\n"
    "      (iy == 0x7ff00000 && ly != 0)) return x + y;\n"
    "  int yisint = 0, k, j;\n"
    "  if (hx < 0) {\n"
    "    if (iy >= 0x43400000) yisint = 2;\n"
    "    else if (iy >= 0x3ff00000) {\n"
    "      k = (iy >> 20) - 0x3ff;\n"
    "      if (k > 20) { uint jj = ly >> (52 - k); if ((jj << (52 - k)) == ly) yisint = 2 - (int)(jj & 1u); }\n"
    "      else if (ly == 0) { j = iy >> (20 - k); if ((j << (20 - k)) == iy) yisint = 2 - (j & 1); }\n"
    "    }\n"
    "  }\n"
    "  if (ly == 0) {\n"
    "    if (iy == 0x7ff00000) {\n"
    "      if (((ix - 0x3ff00000) | (int)lx) == 0) return 1.0;\n" /* C99: (-1)**+-inf = 1 */
    "      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0.0;\n"
    "      return hy < 0 ? -y : 0.0;\n"
    "    }\n"
    "    if (iy == 0x3ff00000) return hy < 0 ? 1.0 / x : x;\n"
    "    if (hy == 0x40000000) return x * x;\n"
    "    if (hy == 0x3fe00000 && hx >= 0) return sqrt(x);\n"
    "  }\n"
    "  double ax = fabs(x), z;\n"
    "  if (lx == 0 && (ix == 0x7ff00000 || ix == 0 || ix == 0x3ff00000)) {\n"
    "    z = ax;\n"
    "    if (hy < 0) z = 1.0 / z;\n"
    "    if (hx < 0) {\n"
    "      if (((ix - 0x3ff00000) | yisint) == 0) z = NAN;\n"
    "      else if (yisint == 1) z = -z;\n"
    "    }\n"
    "    return z;\n"
    "  }\n"
    "  int n = (int)((uint)hx >> 31) ^ 1;\n" /* 1 for x >= 0, 0 for x < 0 */
    "  if ((n | yisint) == 0) return NAN;\n"
    "  double sgn = ((n | (yisint - 1)) == 0) ? -1.0 : 1.0;\n"
    "  double t1, t2;\n"
    "  if (iy > 0x41e00000) {\n"
    "    if (iy > 0x43f00000) {\n"
    "      if (ix <= 0x3fefffff) return hy < 0 ? huge * huge : tiny * tiny;\n"
    "      return hy > 0 ? huge * huge : tiny * tiny;\n"
    "    }\n"
    "    if (ix < 0x3fefffff) return hy < 0 ? sgn * huge * huge : sgn * tiny * tiny;\n"
    "    if (ix > 0x3ff00000) return hy > 0 ? sgn * huge * huge : sgn * tiny * tiny;\n"
    "  }\n"
    /* fdlibm takes a short series for log(x) here (|y| > 2^31, |1 - x| <=
     * 2^-20); its product with 1/ln2 is not exact and costs up to ~500 ulp
     * against glibc, so the general double-double log below serves every x. */
    "  {\n"
    "    int m = 0;\n"
    "    if (ix < 0x00100000) { ax *= 9007199254740992.0; m -= 53; ix = NDA_HI(ax); }\n"
    "    m += (ix >> 20) - 0x3ff;\n"
    "    j = ix & 0x000fffff;\n"
    "    ix = j | 0x3ff00000;\n"
    "    if (j <= 0x3988E) k = 0;\n"
    "    else if (j < 0xBB67A) k = 1;\n"
    "    else { k = 0; m += 1; ix -= 0x00100000; }\n"
    "    ax = NDA_WITH_HI(ax, ix);\n"
    "    double bp = k ? 1.5 : 1.0;\n"
    "    double dp_h = k ? 5.84962487220764160156e-01 : 0.0;\n"
    "    double dp_l = k ? 1.35003920212974897128e-08 : 0.0;\n"
    "    double u = ax - bp, v = 1.0 / (ax + bp), ss = u * v;\n"
    "    double s_h = NDA_CLEAR_LO(ss);\n"
    "    double t_h = NDA_AS_F64((nda_u64)(uint)(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18)) << 32);\n"
    "    double t_l = ax - (t_h - bp);\n"
    "    double s_l = v * ((u - s_h * t_h) - s_h * t_l);\n"
    "    double s2 = ss * ss;\n"
    "    double r = s2 * s2 * (5.99999999999994648725e-01 + s2 * (4.28571428578550184252e-01 +\n"
    "               s2 * (3.33333329818377432918e-01 + s2 * (2.72728123808534006489e-01 +\n"
    "               s2 * (2.30660745775561754067e-01 + s2 * 2.06975017800338417784e-01)))));\n"
    "    r += s_l * (s_h + ss);\n"
    "    s2 = s_h * s_h;\n"
    "    t_h = NDA_CLEAR_LO(3.0 + s2 + r);\n"
    "    t_l = r - ((t_h - 3.0) - s2);\n"
    "    u = s_h * t_h;\n"
    "    v = s_l * t_h + t_l * ss;\n"
    "    double p_h = NDA_CLEAR_LO(u + v);\n"
    "    double p_l = v - (p_h - u);\n"
    "    double z_h = 9.61796700954437255859e-01 * p_h;\n"
    "    double z_l = -7.02846165095275826516e-09 * p_h + p_l * 9.61796693925975554329e-01 + dp_l;\n"
    "    double t = (double)m;\n"
    "    t1 = NDA_CLEAR_LO(((z_h + z_l) + dp_h) + t);\n"
    "    t2 = z_l - (((t1 - t) - dp_h) - z_h);\n"
    "  }\n"
    "  double y1 = NDA_CLEAR_LO(y);\n"
    "  double p_l = (y - y1) * t1 + y * t2;\n"
    "  double p_h = y1 * t1;\n"
    "  z = p_l + p_h;\n"
    "  j = NDA_HI(z); int i = (int)NDA_LO(z);\n"
    "  if (j >= 0x40900000) {\n"
    "    if (((j - 0x40900000) | i) != 0) return sgn * huge * huge;\n"
    "    if (p_l + 8.0085662595372944372e-17 > z - p_h) return sgn * huge * huge;\n"
    "  } else if ((j & 0x7fffffff) >= 0x4090cc00) {\n"
    "    if (((j - (int)0xc090cc00) | i) != 0) return sgn * tiny * tiny;\n"
    "    if (p_l <= z - p_h) return sgn * tiny * tiny;\n"
    "  }\n"
    "  i = j & 0x7fffffff;\n"
    "  k = (i >> 20) - 0x3ff;\n"
    "  int e = 0;\n"
    "  if (i > 0x3fe00000) {\n"
    "    e = j + (0x00100000 >> (k + 1));\n"
    "    k = ((e & 0x7fffffff) >> 20) - 0x3ff;\n"
    "    double t = NDA_AS_F64((nda_u64)(uint)(e & ~(0x000fffff >> k)) << 32);\n"
    "    e = ((e & 0x000fffff) | 0x00100000) >> (20 - k);\n"
    "    if (j < 0) e = -e;\n"
    "    p_h -= t;\n"
    "  }\n"
    "  double t = NDA_CLEAR_LO(p_l + p_h);\n"
    "  double u = t * 6.93147182464599609375e-01;\n"
    "  double v = (p_l - (t - p_h)) * 6.93147180559945286227e-01 + t * -1.90465429995776804525e-09;\n"
    "  z = u + v;\n"
    "  double w = v - (z - u);\n"
    "  t = z * z;\n"
    "  t1 = z - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 +\n"
    "       t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 +\n"
    "       t * 4.13813679705723846039e-08))));\n"
    "  double r = (z * t1) / (t1 - 2.0) - (w + z * w);\n"
    "  z = 1.0 - (r - z);\n"
    "  j = NDA_HI(z) + (int)((uint)e << 20);\n"
    "  if ((j >> 20) <= 0) z = ldexp(z, e);\n"
    "  else z = NDA_WITH_HI(z, j);\n"
    "  return sgn * z;\n"
    "#else\n"
    "  return pow(x, y);\n"
    "#endif\n"
    "}\n";

const char NDA_T_C_ARITH[] =
    "NDA_FUNC $T nda_cadd_$N($T a, $T b) { return $M(a.x + b.x, a.y + b.y); }\n"
    "NDA_FUNC $T nda_csub_$N($T a, $T b) { return $M(a.x - b.x, a.y - b.y); }\n"
    "NDA_FUNC $T nda_cmul_$N($T a, $T b) { return $M(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }\n"
    "NDA_FUNC $T nda_cdiv_$N($T a, $T b) {\n"
    "  $R ar = fabs(b.x), ai = fabs(b.y);\n"
    "  if (ar >= ai) {\n"
    "    if (ar == 0 && ai == 0) return $M(a.x / ar, a.y / ar);\n"
    "    $R rat = b.y / b.x, scl = ($R)1.0 / (b.x + b.y * rat);\n"
    "    return $M((a.x + a.y * rat) * scl, (a.y - a.x * rat) * scl);\n"
    "  }\n"
    "  $R rat = b.x / b.y, scl = ($R)1.0 / (b.y + b.x * rat);\n"
    "  return $M((a.x * rat + a.y) * scl, (a.y * rat - a.x) * scl);\n}\n"
    "NDA_FUNC nda_bool nda_cisnan_$N($T a) { return isnan(a.x) || isnan(a.y); }\n"
    /* NumPy's CLT/CLE: a NaN imaginary part makes the real-part branch false. */
    "NDA_FUNC nda_bool nda_clt_$N($T a, $T b) {\n"
    "  return (a.x < b.x && !isnan(a.y) && !isnan(b.y)) || (a.x == b.x && a.y < b.y); }\n"
    "NDA_FUNC nda_bool nda_cle_$N($T a, $T b) {\n"
    "  return (a.x < b.x && !isnan(a.y) && !isnan(b.y)) || (a.x == b.x && a.y <= b.y); }\n"
    "NDA_FUNC $T nda_cmax_$N($T a, $T b) {\n"
    "  if (nda_cisnan_$N(a)) return a;\n"
    "  if (nda_cisnan_$N(b)) return b;\n"
    "  return nda_cle_$N(b, a) ? a : b;\n}\n"
    "NDA_FUNC $T nda_cmin_$N($T a, $T b) {\n"
    "  if (nda_cisnan_$N(a)) return a;\n"
    "  if (nda_cisnan_$N(b)) return b;\n"
    "  return nda_cle_$N(a, b) ? a : b;\n}\n";

/* The entry "\n<key>:<type char>\n" that `seen` lists an emitted helper by. */
static void helper_entry(const char *key, nda_dtype t, char *buf, size_t len)
{
    snprintf(buf, len, "\n%s:%c\n", key, nda_dtype_char(t));
}

bool nda_op_helper_seen(const nda_strbuf *seen, const char *key, nda_dtype t)
{
    char needle[96];
    helper_entry(key, t, needle, sizeof needle);
    return seen->data && strstr(seen->data, needle);
}

void nda_op_helper(nda_strbuf *helpers, nda_strbuf *seen, const char *key, const char *tmpl,
                   nda_dtype t)
{
    if (nda_op_helper_seen(seen, key, t)) return;
    char needle[96];
    helper_entry(key, t, needle, sizeof needle);
    if (!seen->len) nda_strbuf_puts(seen, "\n");
    nda_strbuf_puts(seen, needle + 1);
    char n[2] = {nda_dtype_char(t), 0};
    char w[8];
    snprintf(w, sizeof w, "%d", (int)nda_dtype_itemsize(t) * 8);
    const char *vars[26] = {0};
    vars['T' - 'A'] = COMPUTE[t];
    vars['U' - 'A'] = WIDE_UNSIGNED[t];
    vars['W' - 'A'] = w;
    vars['N' - 'A'] = n;
    if (is_complex(t)) {
        vars['R' - 'A'] = complex_real(t);
        vars['M' - 'A'] = complex_make(t);
    }
    nda_strbuf_template(helpers, tmpl, vars);
}

/* float32 power: in float64 through nda_pow_d on OpenCL devices whose
 * kernel enables it (NDA_AS_F64 defined: the kernel has float64 values, or
 * the vector form's float32 power, kernels/fused.c), rounded once; PoCL's
 * float pow takes ~130 ns per element. Elsewhere the device's powf. */
static const char T_F_POW[] =
    "#if defined(__OPENCL_VERSION__) && defined(NDA_AS_F64)\n"
    "NDA_FUNC float nda_pow_f(float x, float y) { return (float)nda_pow_d((double)x, (double)y); }\n"
    "#else\n"
    "NDA_FUNC float nda_pow_f(float x, float y) { return pow(x, y); }\n"
    "#endif\n";

void nda_op_emit_pow_f(nda_strbuf *h, nda_strbuf *seen)
{
    if (nda_op_helper_seen(seen, "fpow", NDA_FLOAT32)) return;
    nda_strbuf_puts(h, "#ifdef NDA_AS_F64\n");
    nda_op_helper(h, seen, "dpow", NDA_T_D_POW, NDA_FLOAT64);
    nda_strbuf_puts(h, "#endif\n");
    nda_op_helper(h, seen, "fpow", T_F_POW, NDA_FLOAT32);
}

static const char *cmp_c_op(nda_op op)
{
    switch (op) {
    case NDA_OP_EQUAL: return "==";
    case NDA_OP_NOT_EQUAL: return "!=";
    case NDA_OP_LESS: return "<";
    case NDA_OP_LESS_EQUAL: return "<=";
    case NDA_OP_GREATER: return ">";
    case NDA_OP_GREATER_EQUAL: return ">=";
    default: return NULL;
    }
}

/* int64 vs uint64 comparisons (NumPy's qQ->? and Qq->? loops). */
static void emit_mixed_compare(nda_strbuf *e, nda_op op, bool a_signed, const char *a,
                               const char *b)
{
    const char *s = a_signed ? a : b;   /* the signed operand */
    const char *c = cmp_c_op(op);
    bool neg_true; /* result when the signed operand is negative */
    switch (op) {
    case NDA_OP_EQUAL: neg_true = false; break;
    case NDA_OP_NOT_EQUAL: neg_true = true; break;
    case NDA_OP_LESS: case NDA_OP_LESS_EQUAL: neg_true = a_signed; break;
    default: neg_true = !a_signed; break;
    }
    nda_strbuf_printf(e, "(nda_bool)((%s) < 0 ? %d : ((nda_u64)(%s) %s (nda_u64)(%s)))", s,
                      neg_true ? 1 : 0, a, c, b);
}

static void emit_nonzero(nda_strbuf *e, nda_dtype t, const char *x)
{
    if (is_complex(t)) nda_strbuf_printf(e, "((%s).x != 0 || (%s).y != 0)", x, x);
    else nda_strbuf_printf(e, "((%s) != 0)", x);
}

static int emit_complex(nda_op op, nda_dtype t, const char *a, const char *b, nda_strbuf *e,
                        nda_strbuf *h, nda_strbuf *seen)
{
    char n = nda_dtype_char(t);
    nda_op_helper(h, seen, "carith", NDA_T_C_ARITH, t);
    switch (op) {
    case NDA_OP_ADD: nda_strbuf_printf(e, "nda_cadd_%c(%s, %s)", n, a, b); return NDA_OK;
    case NDA_OP_SUBTRACT: nda_strbuf_printf(e, "nda_csub_%c(%s, %s)", n, a, b); return NDA_OK;
    case NDA_OP_MULTIPLY: nda_strbuf_printf(e, "nda_cmul_%c(%s, %s)", n, a, b); return NDA_OK;
    case NDA_OP_TRUE_DIVIDE: nda_strbuf_printf(e, "nda_cdiv_%c(%s, %s)", n, a, b); return NDA_OK;
    case NDA_OP_MAXIMUM: nda_strbuf_printf(e, "nda_cmax_%c(%s, %s)", n, a, b); return NDA_OK;
    case NDA_OP_MINIMUM: nda_strbuf_printf(e, "nda_cmin_%c(%s, %s)", n, a, b); return NDA_OK;
    case NDA_OP_EQUAL:
        nda_strbuf_printf(e, "(nda_bool)((%s).x == (%s).x && (%s).y == (%s).y)", a, b, a, b);
        return NDA_OK;
    case NDA_OP_NOT_EQUAL:
        nda_strbuf_printf(e, "(nda_bool)((%s).x != (%s).x || (%s).y != (%s).y)", a, b, a, b);
        return NDA_OK;
    case NDA_OP_LESS: nda_strbuf_printf(e, "nda_clt_%c(%s, %s)", n, a, b); return NDA_OK;
    case NDA_OP_LESS_EQUAL: nda_strbuf_printf(e, "nda_cle_%c(%s, %s)", n, a, b); return NDA_OK;
    case NDA_OP_GREATER: nda_strbuf_printf(e, "nda_clt_%c(%s, %s)", n, b, a); return NDA_OK;
    case NDA_OP_GREATER_EQUAL: nda_strbuf_printf(e, "nda_cle_%c(%s, %s)", n, b, a); return NDA_OK;
    case NDA_OP_NEGATIVE:
        nda_strbuf_printf(e, "%s(-(%s).x, -(%s).y)", complex_make(t), a, a);
        return NDA_OK;
    case NDA_OP_POSITIVE: case NDA_OP_COPY: nda_strbuf_puts(e, a); return NDA_OK;
    case NDA_OP_ABSOLUTE: nda_strbuf_printf(e, "hypot((%s).x, (%s).y)", a, a); return NDA_OK;
    default: break;
    }
    if (nda_op_emit_complex_fn(op, t, a, b, e, h, seen)) return NDA_OK;
    return nda_error_set(NDA_ETYPE, "operation '%s' is not supported for %s",
                         nda_op_describe(op)->name, nda_dtype_name(t));
}

int nda_op_emit_basic(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out,
                      const char *const *args, nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen)
{
    nda_dtype t = loop_in[0];
    const char *a = args[0], *b = nda_op_describe(op)->nin > 1 ? args[1] : NULL;
    const char *T = COMPUTE[t];
    char n = nda_dtype_char(t);
    const char *cmp = cmp_c_op(op);

    if (op == NDA_OP_LOGICAL_AND || op == NDA_OP_LOGICAL_OR) {
        nda_strbuf_puts(e, "(nda_bool)(");
        emit_nonzero(e, loop_in[0], a);
        nda_strbuf_puts(e, op == NDA_OP_LOGICAL_AND ? " && " : " || ");
        emit_nonzero(e, loop_in[1], b);
        nda_strbuf_puts(e, ")");
        return NDA_OK;
    }
    if (op == NDA_OP_WHERE) {
        nda_strbuf_printf(e, "((%s) ? (%s) : (%s))", a, b, args[2]);
        return NDA_OK;
    }
    if (op == NDA_OP_LOGICAL_NOT) {
        nda_strbuf_puts(e, "(nda_bool)!");
        emit_nonzero(e, t, a);
        return NDA_OK;
    }
    if (cmp && nda_op_describe(op)->nin == 2 && loop_in[0] != loop_in[1]) {
        emit_mixed_compare(e, op, is_signed(loop_in[0]), a, b);
        return NDA_OK;
    }
    if (is_complex(t)) return emit_complex(op, t, a, b, e, h, seen);
    if (cmp) {
        nda_strbuf_printf(e, "(nda_bool)((%s) %s (%s))", a, cmp, b);
        return NDA_OK;
    }
    (void)loop_out;
    bool in = is_int(t), fl = is_float(t), bo = t == NDA_BOOL;
    const char *U = WIDE_UNSIGNED[t];
    switch (op) {
    case NDA_OP_COPY: case NDA_OP_POSITIVE: nda_strbuf_puts(e, a); return NDA_OK;
    case NDA_OP_ADD: case NDA_OP_SUBTRACT: case NDA_OP_MULTIPLY: {
        char c = op == NDA_OP_ADD ? '+' : op == NDA_OP_SUBTRACT ? '-' : '*';
        if (bo) nda_strbuf_printf(e, "(nda_bool)((%s) %c (%s))", a, op == NDA_OP_ADD ? '|' : '&', b);
        else if (in) nda_strbuf_printf(e, "(%s)((%s)(%s) %c (%s)(%s))", T, U, a, c, U, b);
        else nda_strbuf_printf(e, "((%s) %c (%s))", a, c, b);
        return NDA_OK;
    }
    case NDA_OP_TRUE_DIVIDE:
        if (!fl) break;
        nda_strbuf_printf(e, "((%s) / (%s))", a, b);
        return NDA_OK;
    case NDA_OP_FLOOR_DIVIDE:
        if (in) nda_op_helper(h, seen, "floordiv", is_signed(t) ? T_INT_FLOORDIV_S : T_INT_FLOORDIV_U, t);
        else if (fl) nda_op_helper(h, seen, "floordiv", T_FLOAT_FLOORDIV, t);
        else break;
        nda_strbuf_printf(e, "nda_floordiv_%c(%s, %s)", n, a, b);
        return NDA_OK;
    case NDA_OP_REMAINDER:
        if (in) nda_op_helper(h, seen, "remainder", is_signed(t) ? T_INT_REM_S : T_INT_REM_U, t);
        else if (fl) nda_op_helper(h, seen, "remainder", T_FLOAT_REM, t);
        else break;
        nda_strbuf_printf(e, "nda_remainder_%c(%s, %s)", n, a, b);
        return NDA_OK;
    case NDA_OP_POWER:
        if (t == NDA_FLOAT64) {
            nda_op_helper(h, seen, "dpow", NDA_T_D_POW, t);
            nda_strbuf_printf(e, "nda_pow_d(%s, %s)", a, b);
            return NDA_OK;
        }
        if (t == NDA_FLOAT32) {
            nda_op_emit_pow_f(h, seen);
            nda_strbuf_printf(e, "nda_pow_f(%s, %s)", a, b);
            return NDA_OK;
        }
        if (fl) { nda_strbuf_printf(e, "pow(%s, %s)", a, b); return NDA_OK; }
        if (!in) break;
        nda_op_helper(h, seen, "power", T_INT_POW, t);
        nda_strbuf_printf(e, "nda_power_%c(%s, %s)", n, a, b);
        return NDA_OK;
    case NDA_OP_MAXIMUM: case NDA_OP_MINIMUM: {
        bool mx = op == NDA_OP_MAXIMUM;
        if (bo) nda_strbuf_printf(e, "(nda_bool)((%s) %c (%s))", a, mx ? '|' : '&', b);
        else if (in) nda_strbuf_printf(e, "((%s) %s (%s) ? (%s) : (%s))", a, mx ? ">" : "<", b, a, b);
        else nda_strbuf_printf(e, "(((%s) %s (%s) || isnan(%s)) ? (%s) : (%s))", a, mx ? ">=" : "<=",
                               b, a, a, b);
        return NDA_OK;
    }
    case NDA_OP_BITWISE_AND: case NDA_OP_BITWISE_OR: case NDA_OP_BITWISE_XOR: {
        if (!in && !bo) break;
        char c = op == NDA_OP_BITWISE_AND ? '&' : op == NDA_OP_BITWISE_OR ? '|' : '^';
        nda_strbuf_printf(e, "(%s)((%s) %c (%s))", T, a, c, b);
        return NDA_OK;
    }
    case NDA_OP_LEFT_SHIFT:
        if (!in) break;
        nda_op_helper(h, seen, "lshift", T_INT_LSHIFT, t);
        nda_strbuf_printf(e, "nda_lshift_%c(%s, %s)", n, a, b);
        return NDA_OK;
    case NDA_OP_RIGHT_SHIFT:
        if (!in) break;
        nda_op_helper(h, seen, "rshift", is_signed(t) ? T_INT_RSHIFT_S : T_INT_RSHIFT_U, t);
        nda_strbuf_printf(e, "nda_rshift_%c(%s, %s)", n, a, b);
        return NDA_OK;
    case NDA_OP_NEGATIVE:
        if (in) nda_strbuf_printf(e, "(%s)((%s)0 - (%s)(%s))", T, U, U, a);
        else if (fl) nda_strbuf_printf(e, "(-(%s))", a);
        else break;
        return NDA_OK;
    case NDA_OP_INVERT:
        if (bo) nda_strbuf_printf(e, "(nda_bool)!(%s)", a);
        else if (in) nda_strbuf_printf(e, "(%s)~(%s)", T, a);
        else break;
        return NDA_OK;
    case NDA_OP_ABSOLUTE:
        if (bo || (in && !is_signed(t))) nda_strbuf_puts(e, a);
        else if (in) nda_strbuf_printf(e, "((%s) < 0 ? (%s)((%s)0 - (%s)(%s)) : (%s))", a, T, U, U, a, a);
        else nda_strbuf_printf(e, "fabs(%s)", a);
        return NDA_OK;
    case NDA_OP_SQRT: case NDA_OP_EXP: case NDA_OP_LOG:
        if (!fl) break;
        if (op == NDA_OP_LOG && t == NDA_FLOAT64) {
            nda_op_helper(h, seen, "dlog", NDA_T_D_LOG, t);
            nda_strbuf_printf(e, "nda_log_d(%s)", a);
            return NDA_OK;
        }
        nda_strbuf_printf(e, "%s(%s)", op == NDA_OP_SQRT ? "sqrt" : op == NDA_OP_EXP ? "exp" : "log", a);
        return NDA_OK;
    default: break;
    }
    return nda_error_set(NDA_ETYPE, "operation '%s' is not supported for %s", nda_op_describe(op)->name,
                         nda_dtype_name(t));
}

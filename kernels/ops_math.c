/* The math ufuncs: NumPy's semantics per loop type. Real types call the C
 * math functions both dialects provide; complex types use helpers (the
 * elementary functions in kernels/ops_complex.c); float16 computes in
 * float, except where the answer depends on binary16 itself (nextafter,
 * spacing). */
#include <stdio.h>

#include "kernels/ops_internal.h"
#include "nda/error.h"

/* Complex sign (NumPy 2: z / |z|, 0 for 0), fmax and fmin. */
static const char T_C_MISC[] =
    "NDA_FUNC $T nda_csign_$N($T a) {\n"
    "  $R m = hypot(a.x, a.y);\n"
    "  if (m == 0) return $M(($R)0, ($R)0);\n"
    "  return $M(a.x / m, a.y / m);\n}\n"
    "NDA_FUNC $T nda_cfmax_$N($T a, $T b) {\n"
    "  if (nda_cisnan_$N(b) || nda_cle_$N(b, a)) return a;\n"
    "  return b;\n}\n"
    "NDA_FUNC $T nda_cfmin_$N($T a, $T b) {\n"
    "  if (nda_cisnan_$N(b) || nda_cle_$N(a, b)) return a;\n"
    "  return b;\n}\n";

/* NumPy's complex reciprocal (its own loop, not 1 / z: 1 / 0j is nan+nanj). */
static const char T_C_RECIPROCAL[] =
    "NDA_FUNC $T nda_crecip_$N($T a) {\n"
    "  if (fabs(a.y) <= fabs(a.x)) {\n"
    "    $R r = a.y / a.x, d = a.x + a.y * r;\n"
    "    return $M(1 / d, -r / d);\n"
    "  }\n"
    "  $R r = a.x / a.y, d = a.y + a.x * r;\n"
    "  return $M(r / d, -1 / d);\n}\n";

static const char T_F_LOGADDEXP[] =
    "NDA_FUNC $T nda_logaddexp_$N($T x, $T y) {\n"
    "  if (x == y) return x + ($T)0.6931471805599453;\n"
    "  $T d = x - y;\n"
    "  if (d > 0) return x + log1p(exp(-d));\n"
    "  if (d <= 0) return y + log1p(exp(d));\n"
    "  return d;\n}\n"
    "NDA_FUNC $T nda_logaddexp2_$N($T x, $T y) {\n"
    "  if (x == y) return x + 1;\n"
    "  $T d = x - y;\n"
    "  if (d > 0) return x + ($T)1.4426950408889634 * log1p(exp2(-d));\n"
    "  if (d <= 0) return y + ($T)1.4426950408889634 * log1p(exp2(d));\n"
    "  return d;\n}\n";

static const char T_F_PARTS[] =
    "NDA_FUNC $T nda_frexp_m_$N($T x) { int e; return frexp(x, &e); }\n"
    "NDA_FUNC nda_i32 nda_frexp_e_$N($T x) { int e; frexp(x, &e); return (isnan(x) || isinf(x)) ? 0 : e; }\n"
    "NDA_FUNC $T nda_modf_f_$N($T x) { $T i; return modf(x, &i); }\n"
    "NDA_FUNC $T nda_modf_i_$N($T x) { $T i; modf(x, &i); return i; }\n";

/* float16 values computed in float: step in binary16 itself. */
static const char T_H_STEP[] =
    "NDA_FUNC float nda_nextafter_h(float a, float b) {\n"
    "  if (isnan(a) || isnan(b)) return a + b;\n"
    "  if (a == b) return b;\n"
    "  uint h = (uint)nda_f2h(a);\n"
    "  if (a == 0) h = (b > 0 ? 0u : 0x8000u) | 1u;\n"
    "  else if ((a < b) == (a > 0)) h = h + 1u;\n"
    "  else h = h - 1u;\n"
    "  return nda_h2f((nda_f16s)h);\n}\n"
    /* NumPy's float16 spacing (npy_half_spacing): for a negative value the
     * positive distance to the next half towards zero, else the distance
     * up (inf past the largest finite value); both zeros: +2**-24. */
    "NDA_FUNC float nda_spacing_h(float a) {\n"
    "  if (isinf(a) || isnan(a)) return NAN;\n"
    "  if (a == 0) return 5.960464477539063e-08f;\n"
    "  if (a < 0) return fabs(nda_nextafter_h(a, 0.0f) - a);\n"
    "  if (a == 65504.0f) return INFINITY;\n"
    "  return nda_nextafter_h(a, INFINITY) - a;\n}\n";

static const char T_I_GCD[] =
    "NDA_FUNC $T nda_gcd_$N($T a, $T b) {\n"
    "  $U x = a < 0 ? ($U)0 - ($U)a : ($U)a, y = b < 0 ? ($U)0 - ($U)b : ($U)b;\n"
    "  while (y) { $U t = x % y; x = y; y = t; }\n"
    "  return ($T)x;\n}\n"
    "NDA_FUNC $T nda_lcm_$N($T a, $T b) {\n"
    "  $T g = nda_gcd_$N(a, b);\n"
    "  if (g == 0) return 0;\n"
    "  $U x = a < 0 ? ($U)0 - ($U)a : ($U)a, y = b < 0 ? ($U)0 - ($U)b : ($U)b;\n"
    "  return ($T)((x / ($U)g) * y);\n}\n";

static const char T_I_UGCD[] =
    "NDA_FUNC $T nda_gcd_$N($T a, $T b) {\n"
    "  $U x = a, y = b;\n"
    "  while (y) { $U t = x % y; x = y; y = t; }\n"
    "  return ($T)x;\n}\n"
    "NDA_FUNC $T nda_lcm_$N($T a, $T b) {\n"
    "  $T g = nda_gcd_$N(a, b);\n"
    "  return g == 0 ? ($T)0 : ($T)((($U)a / ($U)g) * ($U)b);\n}\n";

static bool is_int(nda_dtype t)
{
    nda_kind k = nda_dtype_kind(t);
    return k == NDA_KIND_INT || k == NDA_KIND_UINT;
}
static bool is_float(nda_dtype t) { return nda_dtype_kind(t) == NDA_KIND_FLOAT; }
static bool is_complex(nda_dtype t) { return nda_dtype_kind(t) == NDA_KIND_COMPLEX; }

/* Real unary functions that map to one C math function of the same name. */
static const char *real_unary(nda_op op)
{
    switch (op) {
    case NDA_OP_EXP2: return "exp2";
    case NDA_OP_EXPM1: return "expm1";
    case NDA_OP_LOG2: return "log2";
    case NDA_OP_LOG10: return "log10";
    case NDA_OP_LOG1P: return "log1p";
    case NDA_OP_SIN: return "sin";
    case NDA_OP_COS: return "cos";
    case NDA_OP_TAN: return "tan";
    case NDA_OP_ARCSIN: return "asin";
    case NDA_OP_ARCCOS: return "acos";
    case NDA_OP_ARCTAN: return "atan";
    case NDA_OP_SINH: return "sinh";
    case NDA_OP_COSH: return "cosh";
    case NDA_OP_TANH: return "tanh";
    case NDA_OP_ARCSINH: return "asinh";
    case NDA_OP_ARCCOSH: return "acosh";
    case NDA_OP_ARCTANH: return "atanh";
    case NDA_OP_FLOOR: return "floor";
    case NDA_OP_CEIL: return "ceil";
    case NDA_OP_TRUNC: return "trunc";
    case NDA_OP_RINT: return "rint";
    case NDA_OP_CBRT: return "cbrt";
    case NDA_OP_FABS: return "fabs";
    default: return NULL;
    }
}

static int emit_complex(nda_op op, nda_dtype t, const char *a, const char *b, nda_strbuf *e,
                        nda_strbuf *h, nda_strbuf *seen)
{
    char n = nda_dtype_char(t);
    const char *mk = t == NDA_COMPLEX64 ? "NDA_C64" : "NDA_C128";
    if (nda_op_emit_complex_fn(op, t, a, b, e, h, seen)) return NDA_OK;
    nda_op_helper(h, seen, "carith", NDA_T_C_ARITH, t);
    switch (op) {
    case NDA_OP_SIGN:
        nda_op_helper(h, seen, "cmisc", T_C_MISC, t);
        nda_strbuf_printf(e, "nda_csign_%c(%s)", n, a);
        return NDA_OK;
    case NDA_OP_RECIPROCAL:
        nda_op_helper(h, seen, "crecip", T_C_RECIPROCAL, t);
        nda_strbuf_printf(e, "nda_crecip_%c(%s)", n, a);
        return NDA_OK;
    case NDA_OP_SQUARE:
        nda_strbuf_printf(e, "nda_cmul_%c(%s, %s)", n, a, a);
        return NDA_OK;
    case NDA_OP_CONJUGATE:
        nda_strbuf_printf(e, "%s((%s).x, -(%s).y)", mk, a, a);
        return NDA_OK;
    case NDA_OP_RINT:
        nda_strbuf_printf(e, "%s(rint((%s).x), rint((%s).y))", mk, a, a);
        return NDA_OK;
    case NDA_OP_ISNAN:
        nda_strbuf_printf(e, "(nda_bool)(isnan((%s).x) || isnan((%s).y))", a, a);
        return NDA_OK;
    case NDA_OP_ISINF:
        nda_strbuf_printf(e, "(nda_bool)(isinf((%s).x) || isinf((%s).y))", a, a);
        return NDA_OK;
    case NDA_OP_ISFINITE:
        nda_strbuf_printf(e, "(nda_bool)(isfinite((%s).x) && isfinite((%s).y))", a, a);
        return NDA_OK;
    case NDA_OP_FMAX: case NDA_OP_FMIN:
        nda_op_helper(h, seen, "cmisc", T_C_MISC, t);
        nda_strbuf_printf(e, "nda_cf%s_%c(%s, %s)", op == NDA_OP_FMAX ? "max" : "min", n, a, b);
        return NDA_OK;
    case NDA_OP_LOGICAL_XOR:
        nda_strbuf_printf(e, "(nda_bool)(((%s).x != 0 || (%s).y != 0) != ((%s).x != 0 || (%s).y != 0))",
                          a, a, b, b);
        return NDA_OK;
    default: break;
    }
    return nda_error_set(NDA_ETYPE, "ufunc '%s' is not supported for %s", nda_op_describe(op)->name,
                         nda_dtype_name(t));
}

/* Integer and bool loop types. */
static int emit_integer(nda_op op, nda_dtype t, const char *a, const char *b, nda_strbuf *e,
                        nda_strbuf *h, nda_strbuf *seen)
{
    const char *T = nda_type_compute(t);
    bool sgn = nda_dtype_kind(t) == NDA_KIND_INT, bo = t == NDA_BOOL;
    const char *P = nda_dtype_itemsize(t) == 8 ? "nda_u64" : "nda_u32";
    char n = nda_dtype_char(t);
    switch (op) {
    case NDA_OP_FMOD:
        if (sgn) nda_strbuf_printf(e, "(%s)(((%s) == 0 || (%s) == -1) ? 0 : (%s) %% (%s))", T, b, b, a, b);
        else nda_strbuf_printf(e, "(%s)((%s) == 0 ? 0 : (%s) %% (%s))", T, b, a, b);
        return NDA_OK;
    case NDA_OP_RECIPROCAL:
        /* NumPy computes 1.0 / x and casts: 0 for |x| > 1; for 0 the
         * infinity converts (x86) to INT32_MIN / INT64_MIN, so int32 and
         * int64 give their minimum and narrower types its low bits (0). */
        if (sgn && nda_dtype_itemsize(t) >= 4)
            nda_strbuf_printf(e, "(%s)((%s) == 0 ? (%s)((%s)1 << %d) : ((%s) == 1 || (%s) == -1) ? (%s) : 0)",
                              T, a, T, P, (int)nda_dtype_itemsize(t) * 8 - 1, a, a, a);
        else if (sgn)
            nda_strbuf_printf(e, "(%s)(((%s) == 1 || (%s) == -1) ? (%s) : 0)", T, a, a, a);
        else
            nda_strbuf_printf(e, "(%s)((%s) == 1 ? 1 : 0)", T, a);
        return NDA_OK;
    case NDA_OP_SIGN:
        if (sgn) nda_strbuf_printf(e, "(%s)(((%s) > 0) - ((%s) < 0))", T, a, a);
        else nda_strbuf_printf(e, "(%s)((%s) > 0)", T, a);
        return NDA_OK;
    case NDA_OP_FLOOR: case NDA_OP_CEIL: case NDA_OP_TRUNC: case NDA_OP_CONJUGATE:
        nda_strbuf_puts(e, a);
        return NDA_OK;
    case NDA_OP_SQUARE:
        nda_strbuf_printf(e, "(%s)((%s)(%s) * (%s)(%s))", T, P, a, P, a);
        return NDA_OK;
    case NDA_OP_GCD: case NDA_OP_LCM:
        nda_op_helper(h, seen, "gcd", sgn ? T_I_GCD : T_I_UGCD, t);
        nda_strbuf_printf(e, "nda_%s_%c(%s, %s)", op == NDA_OP_GCD ? "gcd" : "lcm", n, a, b);
        return NDA_OK;
    case NDA_OP_ISNAN: case NDA_OP_ISINF: nda_strbuf_puts(e, "(nda_bool)0"); return NDA_OK;
    case NDA_OP_ISFINITE: nda_strbuf_puts(e, "(nda_bool)1"); return NDA_OK;
    case NDA_OP_FMAX: case NDA_OP_FMIN: {
        bool mx = op == NDA_OP_FMAX;
        if (bo) nda_strbuf_printf(e, "(nda_bool)((%s) %c (%s))", a, mx ? '|' : '&', b);
        else nda_strbuf_printf(e, "((%s) %s (%s) ? (%s) : (%s))", a, mx ? ">" : "<", b, a, b);
        return NDA_OK;
    }
    case NDA_OP_LOGICAL_XOR:
        nda_strbuf_printf(e, "(nda_bool)(((%s) != 0) != ((%s) != 0))", a, b);
        return NDA_OK;
    default: break;
    }
    return nda_error_set(NDA_ETYPE, "ufunc '%s' is not supported for %s", nda_op_describe(op)->name,
                         nda_dtype_name(t));
}

int nda_op_emit_math(nda_op op, const nda_dtype *loop_in, nda_dtype loop_out,
                     const char *const *args, nda_strbuf *e, nda_strbuf *h, nda_strbuf *seen)
{
    (void)loop_out;
    nda_dtype t = loop_in[0];
    const char *a = args[0], *b = nda_op_describe(op)->nin > 1 ? args[1] : NULL;
    if (is_complex(t)) return emit_complex(op, t, a, b, e, h, seen);
    if (is_int(t) || t == NDA_BOOL) return emit_integer(op, t, a, b, e, h, seen);
    if (!is_float(t))
        return nda_error_set(NDA_ETYPE, "ufunc '%s' is not supported for %s",
                             nda_op_describe(op)->name, nda_dtype_name(t));
    const char *T = nda_type_compute(t);
    char n = nda_dtype_char(t);
    bool half = t == NDA_FLOAT16;
    const char *f = real_unary(op);
    if (f) {
        nda_strbuf_printf(e, "%s(%s)", f, a);
        return NDA_OK;
    }
    switch (op) {
    case NDA_OP_FMOD: nda_strbuf_printf(e, "fmod(%s, %s)", a, b); return NDA_OK;
    case NDA_OP_FLOAT_POWER: nda_strbuf_printf(e, "pow(%s, %s)", a, b); return NDA_OK;
    case NDA_OP_RECIPROCAL: nda_strbuf_printf(e, "((%s)1 / (%s))", T, a); return NDA_OK;
    case NDA_OP_LOGADDEXP: case NDA_OP_LOGADDEXP2:
        nda_op_helper(h, seen, "logaddexp", T_F_LOGADDEXP, t);
        nda_strbuf_printf(e, "nda_logaddexp%s_%c(%s, %s)", op == NDA_OP_LOGADDEXP2 ? "2" : "", n, a, b);
        return NDA_OK;
    case NDA_OP_ARCTAN2: nda_strbuf_printf(e, "atan2(%s, %s)", a, b); return NDA_OK;
    case NDA_OP_HYPOT: nda_strbuf_printf(e, "hypot(%s, %s)", a, b); return NDA_OK;
    case NDA_OP_DEG2RAD: nda_strbuf_printf(e, "((%s) * (%s)0.017453292519943295)", a, T); return NDA_OK;
    case NDA_OP_RAD2DEG: nda_strbuf_printf(e, "((%s) * (%s)57.29577951308232)", a, T); return NDA_OK;
    case NDA_OP_SIGN:
        nda_strbuf_printf(e, "((%s) > 0 ? (%s)1 : ((%s) < 0 ? (%s)-1 : ((%s) == 0 ? (%s)0 : (%s))))", a,
                          T, a, T, a, T, a);
        return NDA_OK;
    case NDA_OP_SIGNBIT: nda_strbuf_printf(e, "(nda_bool)(signbit(%s) != 0)", a); return NDA_OK;
    case NDA_OP_COPYSIGN: nda_strbuf_printf(e, "copysign(%s, %s)", a, b); return NDA_OK;
    case NDA_OP_NEXTAFTER:
        if (half) {
            nda_op_helper(h, seen, "hstep", T_H_STEP, t);
            nda_strbuf_printf(e, "nda_nextafter_h(%s, %s)", a, b);
        } else {
            nda_strbuf_printf(e, "nextafter(%s, %s)", a, b);
        }
        return NDA_OK;
    case NDA_OP_SPACING:
        if (half) {
            nda_op_helper(h, seen, "hstep", T_H_STEP, t);
            nda_strbuf_printf(e, "nda_spacing_h(%s)", a);
        } else {
            nda_strbuf_printf(e, "((isinf(%s) || isnan(%s)) ? (%s)NAN : nextafter(%s, copysign((%s)INFINITY, %s)) - (%s))",
                              a, a, T, a, T, a, a);
        }
        return NDA_OK;
    case NDA_OP_LDEXP: {
        nda_dtype it = loop_in[1];
        if (it == NDA_INT64)
            nda_strbuf_printf(e, "ldexp(%s, (int)((%s) > 2147483647 ? 2147483647 : ((%s) < -2147483647 - 1 ? -2147483647 - 1 : (%s))))",
                              a, b, b, b);
        else
            nda_strbuf_printf(e, "ldexp(%s, (int)(%s))", a, b);
        return NDA_OK;
    }
    case NDA_OP_HEAVISIDE:
        nda_strbuf_printf(e, "(isnan(%s) ? (%s) : ((%s) == 0 ? (%s) : ((%s) > 0 ? (%s)1 : (%s)0)))", a,
                          a, a, b, a, T, T);
        return NDA_OK;
    case NDA_OP_SQUARE: nda_strbuf_printf(e, "((%s) * (%s))", a, a); return NDA_OK;
    case NDA_OP_ISNAN: nda_strbuf_printf(e, "(nda_bool)(isnan(%s) != 0)", a); return NDA_OK;
    case NDA_OP_ISINF: nda_strbuf_printf(e, "(nda_bool)(isinf(%s) != 0)", a); return NDA_OK;
    case NDA_OP_ISFINITE: nda_strbuf_printf(e, "(nda_bool)(isfinite(%s) != 0)", a); return NDA_OK;
    case NDA_OP_LOGICAL_XOR:
        nda_strbuf_printf(e, "(nda_bool)(((%s) != 0) != ((%s) != 0))", a, b);
        return NDA_OK;
    case NDA_OP_CONJUGATE: nda_strbuf_puts(e, a); return NDA_OK;
    case NDA_OP_FMAX: nda_strbuf_printf(e, "fmax(%s, %s)", a, b); return NDA_OK;
    case NDA_OP_FMIN: nda_strbuf_printf(e, "fmin(%s, %s)", a, b); return NDA_OK;
    case NDA_OP_FREXP_MANTISSA: case NDA_OP_FREXP_EXPONENT: case NDA_OP_MODF_FRACTIONAL:
    case NDA_OP_MODF_INTEGRAL: {
        nda_op_helper(h, seen, "parts", T_F_PARTS, t);
        const char *fn = op == NDA_OP_FREXP_MANTISSA ? "frexp_m" : op == NDA_OP_FREXP_EXPONENT ? "frexp_e"
                         : op == NDA_OP_MODF_FRACTIONAL ? "modf_f" : "modf_i";
        nda_strbuf_printf(e, "nda_%s_%c(%s)", fn, n, a);
        return NDA_OK;
    }
    default: break;
    }
    return nda_error_set(NDA_ETYPE, "ufunc '%s' is not supported for %s", nda_op_describe(op)->name,
                         nda_dtype_name(t));
}

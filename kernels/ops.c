/* Dialect types and casts, and the expressions of the arithmetic,
 * comparison, bitwise and logical ops (COPY .. WHERE). Semantics follow
 * NumPy's loops (numpy/_core/src/umath, npymath): integer division and
 * remainder by zero give 0, shifts past the width give 0 (or -1 for a
 * negative right-shifted value), float floor_divide/remainder use
 * npy_divmod's rules, maximum/minimum propagate NaN. Signed integer
 * arithmetic is done in unsigned types so overflow wraps without UB. */
#include "kernels/ops.h"
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

void nda_op_helper(nda_strbuf *helpers, nda_strbuf *seen, const char *key, const char *tmpl,
                   nda_dtype t)
{
    char needle[96];
    snprintf(needle, sizeof needle, "\n%s:%c\n", key, nda_dtype_char(t));
    if (seen->data && strstr(seen->data, needle)) return;
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
        nda_strbuf_printf(e, "%s(%s)", op == NDA_OP_SQRT ? "sqrt" : op == NDA_OP_EXP ? "exp" : "log", a);
        return NDA_OK;
    default: break;
    }
    return nda_error_set(NDA_ETYPE, "operation '%s' is not supported for %s", nda_op_describe(op)->name,
                         nda_dtype_name(t));
}

/* Dtype table, casting and NumPy 2 promotion. The safe / same_kind tables
 * are NumPy 2's numpy.can_cast, checked against NumPy in tests. */
#include "nda/dtype.h"
#include "nda/error.h"

#include <math.h>
#include <string.h>

typedef struct dtype_desc {
    const char *name;
    char chr;
    size_t itemsize;
    nda_kind kind;
    const char *safe_to;      /* type chars this type casts to safely */
} dtype_desc;

/* safe_to strings are numpy.can_cast(a, b, "safe") over '?bBhHiIqQefdFD'. */
static const dtype_desc DESC[NDA_NTYPES] = {
    [NDA_BOOL] = {"bool", '?', 1, NDA_KIND_BOOL, "?bBhHiIqQefdFD"},
    [NDA_INT8] = {"int8", 'b', 1, NDA_KIND_INT, "bhiqefdFD"},
    [NDA_UINT8] = {"uint8", 'B', 1, NDA_KIND_UINT, "BhHiIqQefdFD"},
    [NDA_INT16] = {"int16", 'h', 2, NDA_KIND_INT, "hiqfdFD"},
    [NDA_UINT16] = {"uint16", 'H', 2, NDA_KIND_UINT, "HiIqQfdFD"},
    [NDA_INT32] = {"int32", 'i', 4, NDA_KIND_INT, "iqdD"},
    [NDA_UINT32] = {"uint32", 'I', 4, NDA_KIND_UINT, "IqQdD"},
    [NDA_INT64] = {"int64", 'q', 8, NDA_KIND_INT, "qdD"},
    [NDA_UINT64] = {"uint64", 'Q', 8, NDA_KIND_UINT, "QdD"},
    [NDA_FLOAT16] = {"float16", 'e', 2, NDA_KIND_FLOAT, "efdFD"},
    [NDA_FLOAT32] = {"float32", 'f', 4, NDA_KIND_FLOAT, "fdFD"},
    [NDA_FLOAT64] = {"float64", 'd', 8, NDA_KIND_FLOAT, "dD"},
    [NDA_COMPLEX64] = {"complex64", 'F', 8, NDA_KIND_COMPLEX, "FD"},
    [NDA_COMPLEX128] = {"complex128", 'D', 16, NDA_KIND_COMPLEX, "D"},
};

bool nda_dtype_valid(int t) { return t >= 0 && t < NDA_NTYPES; }

size_t nda_dtype_itemsize(nda_dtype t) { return nda_dtype_valid(t) ? DESC[t].itemsize : 0; }

nda_kind nda_dtype_kind(nda_dtype t) { return nda_dtype_valid(t) ? DESC[t].kind : NDA_KIND_BOOL; }

const char *nda_dtype_name(nda_dtype t) { return nda_dtype_valid(t) ? DESC[t].name : NULL; }

char nda_dtype_char(nda_dtype t) { return nda_dtype_valid(t) ? DESC[t].chr : 0; }

int nda_dtype_from_char(char c)
{
    if (c == 'l') return NDA_INT64;   /* C long is 64-bit on LP64 */
    if (c == 'L') return NDA_UINT64;
    for (int t = 0; t < NDA_NTYPES; t++)
        if (DESC[t].chr == c) return t;
    return -1;
}

static bool safe_cast(nda_dtype from, nda_dtype to)
{
    return strchr(DESC[from].safe_to, DESC[to].chr) != NULL;
}

/* NumPy's kind order for same_kind: b < u < i < f < c, except that an
 * unsigned type may go to any signed or unsigned integer and int->uint is
 * not same_kind. Matches numpy.can_cast(..., "same_kind"). */
static bool same_kind_cast(nda_dtype from, nda_dtype to)
{
    nda_kind a = DESC[from].kind, b = DESC[to].kind;
    if (safe_cast(from, to)) return true;
    switch (a) {
    case NDA_KIND_BOOL: return true;
    case NDA_KIND_UINT: return b != NDA_KIND_BOOL;
    case NDA_KIND_INT: return b == NDA_KIND_INT || b == NDA_KIND_FLOAT || b == NDA_KIND_COMPLEX;
    case NDA_KIND_FLOAT: return b == NDA_KIND_FLOAT || b == NDA_KIND_COMPLEX;
    case NDA_KIND_COMPLEX: return b == NDA_KIND_COMPLEX;
    }
    return false;
}

bool nda_dtype_can_cast(nda_dtype from, nda_dtype to, nda_casting casting)
{
    if (!nda_dtype_valid(from) || !nda_dtype_valid(to)) return false;
    switch (casting) {
    case NDA_CAST_NO:
    case NDA_CAST_EQUIV: return from == to;
    case NDA_CAST_SAFE: return safe_cast(from, to);
    case NDA_CAST_SAME_KIND: return same_kind_cast(from, to);
    case NDA_CAST_UNSAFE: return true;
    }
    return false;
}

int nda_dtype_promote(nda_dtype a, nda_dtype b, nda_dtype *out)
{
    /* The smallest type (in table order, which is size-then-kind order
     * within the lattice) both cast to safely. */
    static const nda_dtype order[] = {
        NDA_BOOL, NDA_INT8, NDA_UINT8, NDA_INT16, NDA_UINT16, NDA_FLOAT16, NDA_INT32,
        NDA_UINT32, NDA_FLOAT32, NDA_INT64, NDA_UINT64, NDA_FLOAT64, NDA_COMPLEX64,
        NDA_COMPLEX128,
    };
    if (!nda_dtype_valid(a) || !nda_dtype_valid(b))
        return nda_error_set(NDA_ETYPE, "invalid dtype in promotion");
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (safe_cast(a, order[i]) && safe_cast(b, order[i])) {
            *out = order[i];
            return NDA_OK;
        }
    }
    return nda_error_set(NDA_ETYPE, "no common dtype for %s and %s", DESC[a].name, DESC[b].name);
}

nda_dtype nda_scalar_weak_dtype(const nda_scalar *s, int strong)
{
    if (strong < 0) {
        switch (s->kind) {
        case NDA_SCALAR_BOOL: return NDA_BOOL;
        case NDA_SCALAR_INT:
            if (s->int_overflows) return NDA_FLOAT64;
            return s->int_is_unsigned ? NDA_UINT64 : NDA_INT64;
        case NDA_SCALAR_FLOAT: return NDA_FLOAT64;
        case NDA_SCALAR_COMPLEX: return NDA_COMPLEX128;
        }
    }
    nda_kind k = DESC[strong].kind;
    switch (s->kind) {
    case NDA_SCALAR_BOOL: return (nda_dtype)strong;
    case NDA_SCALAR_INT: return k == NDA_KIND_BOOL ? NDA_INT64 : (nda_dtype)strong;
    case NDA_SCALAR_FLOAT:
        return (k == NDA_KIND_FLOAT || k == NDA_KIND_COMPLEX) ? (nda_dtype)strong : NDA_FLOAT64;
    case NDA_SCALAR_COMPLEX:
        if (k == NDA_KIND_COMPLEX) return (nda_dtype)strong;
        if (strong == NDA_FLOAT16 || strong == NDA_FLOAT32) return NDA_COMPLEX64;
        return NDA_COMPLEX128;
    }
    return (nda_dtype)strong;
}

bool nda_scalar_fits(const nda_scalar *s, nda_dtype t)
{
    if (s->kind != NDA_SCALAR_INT) return true;
    nda_kind k = DESC[t].kind;
    if (k != NDA_KIND_INT && k != NDA_KIND_UINT) return true;
    if (s->int_overflows) return false;
    int bits = (int)DESC[t].itemsize * 8;
    if (s->int_is_unsigned) {
        if (k == NDA_KIND_INT) return false; /* >= 2**63 never fits a signed type */
        return bits == 64 || s->u < (UINT64_C(1) << bits);
    }
    if (k == NDA_KIND_UINT)
        return s->i >= 0 && (bits == 64 || (uint64_t)s->i < (UINT64_C(1) << bits));
    if (bits == 64) return true;
    int64_t lim = INT64_C(1) << (bits - 1);
    return s->i >= -lim && s->i < lim;
}

/* ---- IEEE binary16 (round to nearest even, as NumPy's npy_half) ---- */

uint16_t nda_half_from_double(double d)
{
    uint64_t x;
    memcpy(&x, &d, 8);
    uint16_t sign = (uint16_t)((x >> 48) & 0x8000u);
    uint64_t dexp = (x >> 52) & 0x7ffu;
    uint64_t mant = x & UINT64_C(0xfffffffffffff);
    if (dexp == 0x7ff) { /* inf or nan */
        if (mant == 0) return sign | 0x7c00u;
        uint16_t m = (uint16_t)(mant >> 42);
        return sign | 0x7c00u | (m ? m : 0x200u);
    }
    int64_t e = (int64_t)dexp - 1023 + 15;
    if (e >= 31) return sign | 0x7c00u; /* overflow to inf */
    if (e <= 0) {                        /* subnormal half or zero */
        if (e < -10) return sign;
        mant |= UINT64_C(1) << 52;
        int shift = (int)(1 - e) + 42;   /* bits dropped */
        uint64_t h = mant >> shift;
        uint64_t rem = mant & ((UINT64_C(1) << shift) - 1);
        uint64_t half = UINT64_C(1) << (shift - 1);
        if (rem > half || (rem == half && (h & 1))) h++;
        return sign | (uint16_t)h;
    }
    uint64_t h = ((uint64_t)e << 10) | (mant >> 42);
    uint64_t rem = mant & ((UINT64_C(1) << 42) - 1);
    uint64_t half = UINT64_C(1) << 41;
    if (rem > half || (rem == half && (h & 1))) h++; /* may carry into inf: correct */
    return sign | (uint16_t)h;
}

uint16_t nda_half_from_float(float f)
{
    /* float -> double is exact, and a single rounding double -> half equals
     * the direct float -> half rounding. */
    return nda_half_from_double((double)f);
}

float nda_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu;
    uint32_t m = h & 0x3ffu;
    uint32_t bits;
    if (e == 0) {
        if (m == 0) {
            bits = sign;
        } else { /* subnormal: normalise */
            int shift = 0;
            while (!(m & 0x400u)) { m <<= 1; shift++; }
            m &= 0x3ffu;
            bits = sign | ((uint32_t)(127 - 15 + 1 - shift) << 23) | (m << 13);
        }
    } else if (e == 31) {
        bits = sign | 0x7f800000u | (m << 13);
    } else {
        bits = sign | ((e - 15 + 127) << 23) | (m << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/* ---- scalar conversion ---- */

static double scalar_real(const nda_scalar *s)
{
    switch (s->kind) {
    case NDA_SCALAR_BOOL: return s->i ? 1.0 : 0.0;
    case NDA_SCALAR_INT:
        if (s->int_overflows) return s->f;
        return s->int_is_unsigned ? (double)s->u : (double)s->i;
    default: return s->f;
    }
}

/* Integer bits of the scalar, two's complement (wraps like a C cast). */
static uint64_t scalar_bits(const nda_scalar *s)
{
    switch (s->kind) {
    case NDA_SCALAR_BOOL: return s->i ? 1u : 0u;
    case NDA_SCALAR_INT:
        if (s->int_overflows) return 0;
        return s->int_is_unsigned ? s->u : (uint64_t)s->i;
    default: {
        double d = s->f;
        if (isnan(d) || isinf(d)) return (uint64_t)INT64_MIN;
        if (d >= 9223372036854775808.0) return d < 18446744073709551616.0 ? (uint64_t)d : 0;
        if (d < -9223372036854775808.0) return (uint64_t)INT64_MIN;
        return (uint64_t)(int64_t)d;
    }
    }
}

void nda_scalar_store(const nda_scalar *s, nda_dtype t, void *dst)
{
    double re = scalar_real(s);
    double im = s->kind == NDA_SCALAR_COMPLEX ? s->imag : 0.0;
    uint64_t bits = scalar_bits(s);
    switch (t) {
    case NDA_BOOL: {
        uint8_t v = (re != 0.0 || im != 0.0) ? 1 : 0;
        if (s->kind == NDA_SCALAR_INT && !s->int_overflows) v = bits != 0;
        memcpy(dst, &v, 1);
        break;
    }
    case NDA_INT8: case NDA_UINT8: { uint8_t v = (uint8_t)bits; memcpy(dst, &v, 1); break; }
    case NDA_INT16: case NDA_UINT16: { uint16_t v = (uint16_t)bits; memcpy(dst, &v, 2); break; }
    case NDA_INT32: case NDA_UINT32: { uint32_t v = (uint32_t)bits; memcpy(dst, &v, 4); break; }
    case NDA_INT64: case NDA_UINT64: memcpy(dst, &bits, 8); break;
    case NDA_FLOAT16: { uint16_t v = nda_half_from_double(re); memcpy(dst, &v, 2); break; }
    case NDA_FLOAT32: { float v = (float)re; memcpy(dst, &v, 4); break; }
    case NDA_FLOAT64: memcpy(dst, &re, 8); break;
    case NDA_COMPLEX64: {
        float v[2] = {(float)re, (float)im};
        memcpy(dst, v, 8);
        break;
    }
    case NDA_COMPLEX128: {
        double v[2] = {re, im};
        memcpy(dst, v, 16);
        break;
    }
    default: break;
    }
}

void nda_scalar_load(nda_dtype t, const void *src, nda_scalar *out)
{
    memset(out, 0, sizeof *out);
    switch (t) {
    case NDA_BOOL: { uint8_t v; memcpy(&v, src, 1); out->kind = NDA_SCALAR_BOOL; out->i = v != 0; return; }
    case NDA_INT8: { int8_t v; memcpy(&v, src, 1); out->i = v; break; }
    case NDA_UINT8: { uint8_t v; memcpy(&v, src, 1); out->i = v; break; }
    case NDA_INT16: { int16_t v; memcpy(&v, src, 2); out->i = v; break; }
    case NDA_UINT16: { uint16_t v; memcpy(&v, src, 2); out->i = v; break; }
    case NDA_INT32: { int32_t v; memcpy(&v, src, 4); out->i = v; break; }
    case NDA_UINT32: { uint32_t v; memcpy(&v, src, 4); out->i = v; break; }
    case NDA_INT64: { int64_t v; memcpy(&v, src, 8); out->i = v; break; }
    case NDA_UINT64: {
        uint64_t v;
        memcpy(&v, src, 8);
        out->kind = NDA_SCALAR_INT;
        if (v > (uint64_t)INT64_MAX) { out->int_is_unsigned = true; out->u = v; }
        else out->i = (int64_t)v;
        return;
    }
    case NDA_FLOAT16: { uint16_t v; memcpy(&v, src, 2); out->kind = NDA_SCALAR_FLOAT; out->f = nda_half_to_float(v); return; }
    case NDA_FLOAT32: { float v; memcpy(&v, src, 4); out->kind = NDA_SCALAR_FLOAT; out->f = v; return; }
    case NDA_FLOAT64: { memcpy(&out->f, src, 8); out->kind = NDA_SCALAR_FLOAT; return; }
    case NDA_COMPLEX64: { float v[2]; memcpy(v, src, 8); out->kind = NDA_SCALAR_COMPLEX; out->f = v[0]; out->imag = v[1]; return; }
    case NDA_COMPLEX128: { double v[2]; memcpy(v, src, 16); out->kind = NDA_SCALAR_COMPLEX; out->f = v[0]; out->imag = v[1]; return; }
    default: return;
    }
    out->kind = NDA_SCALAR_INT;
}

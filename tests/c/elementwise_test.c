/* End-to-end tests of ufuncs, assignment, fill, astype and reductions on the
 * default device (PoCL under Bazel). Expected values are NumPy 2's results,
 * written out in C (comments show the NumPy expression). */
#define _XOPEN_SOURCE 700

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/array.h"
#include "nda/device.h"
#include "nda/dtype.h"
#include "nda/error.h"
#include "nda/ufunc.h"
#include "tests/c/test_util.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static nda_device *g_dev;
static bool g_fp64;

/* ---- helpers ----------------------------------------------------------- */

static nda_array *host(nda_dtype t, int nd, const int64_t *shape, const void *data)
{
    nda_array *a = NULL;
    int rc = nda_array_from_host(g_dev, t, nd, shape, data, &a);
    CHECK_OK(rc);
    return rc == NDA_OK ? a : NULL;
}

static nda_array *host1(nda_dtype t, int64_t n, const void *data)
{
    return host(t, 1, &n, data);
}

/* View with element offset and element strides. */
static nda_array *view(const nda_array *base, int64_t off, int nd, const int64_t *shape,
                       const int64_t *estrides)
{
    int64_t st[NDA_MAXDIMS];
    int64_t isz = (int64_t)nda_dtype_itemsize(base->dtype);
    for (int i = 0; i < nd; i++) st[i] = estrides[i] * isz;
    nda_array *v = NULL;
    CHECK_OK(nda_array_view(base, (size_t)(off * isz), nd, shape, st, &v));
    return v;
}

static nda_operand A(const nda_array *a)
{
    nda_operand o;
    memset(&o, 0, sizeof o);
    o.array = a;
    return o;
}

static nda_operand I(int64_t v)
{
    nda_operand o;
    memset(&o, 0, sizeof o);
    o.scalar.kind = NDA_SCALAR_INT;
    o.scalar.i = v;
    return o;
}

static nda_operand F(double v)
{
    nda_operand o;
    memset(&o, 0, sizeof o);
    o.scalar.kind = NDA_SCALAR_FLOAT;
    o.scalar.f = v;
    return o;
}

/* NumPy's default: casting='same_kind', no dtype, no out. */
static int apply2(const char *name, nda_operand a, nda_operand b, nda_array **r)
{
    nda_operand ops[2] = {a, b};
    *r = NULL;
    return nda_ufunc_apply(name, 2, ops, NULL, -1, NDA_CAST_SAME_KIND, NULL, r);
}

/* Applies, checks success and result dtype/size, copies the result to buf. */
static bool run2(const char *name, nda_operand a, nda_operand b, nda_dtype want_dtype,
                 int64_t want_size, void *buf)
{
    nda_array *r = NULL;
    int rc = apply2(name, a, b, &r);
    CHECKF(rc == NDA_OK, "%s: rc %d: %s", name, rc, nda_error_message());
    if (rc != NDA_OK) return false;
    CHECKF(r->dtype == want_dtype, "%s: result dtype %s, want %s", name, nda_dtype_name(r->dtype),
           nda_dtype_name(want_dtype));
    CHECKF(nda_array_size(r) == want_size, "%s: size %lld", name, (long long)nda_array_size(r));
    CHECK(nda_array_is_c_contiguous(r));
    bool ok = r->dtype == want_dtype && nda_array_size(r) == want_size;
    if (ok) {
        rc = nda_array_to_host(r, buf);
        CHECK_OK(rc);
        ok = rc == NDA_OK;
    }
    nda_array_free(r);
    return ok;
}

static bool fetch(const nda_array *a, void *buf)
{
    int rc = nda_array_to_host(a, buf);
    CHECK_OK(rc);
    return rc == NDA_OK;
}

#define CHECK_INTS(got, want, n)                                                         \
    do {                                                                                 \
        int bad_ = 0;                                                                    \
        for (size_t i_ = 0; i_ < (size_t)(n); i_++) {                                    \
            if ((long long)(got)[i_] != (long long)(want)[i_] && bad_++ < 4)             \
                fprintf(stderr, "%s:%d: [%zu] = %lld, want %lld\n", __FILE__, __LINE__,  \
                        i_, (long long)(got)[i_], (long long)(want)[i_]);                \
        }                                                                                \
        CHECKF(bad_ == 0, "%s vs %s: %d element(s) differ", #got, #want, bad_);          \
    } while (0)

/* Exact float compare: NaN == NaN, and the sign of zero matters. */
static bool same_double(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return a == b && !signbit(a) == !signbit(b);
}

#define CHECK_FLOATS(got, want, n)                                                       \
    do {                                                                                 \
        int bad_ = 0;                                                                    \
        for (size_t i_ = 0; i_ < (size_t)(n); i_++) {                                    \
            if (!same_double((double)(got)[i_], (double)(want)[i_]) && bad_++ < 4)       \
                fprintf(stderr, "%s:%d: [%zu] = %.17g, want %.17g\n", __FILE__, __LINE__,\
                        i_, (double)(got)[i_], (double)(want)[i_]);                      \
        }                                                                                \
        CHECKF(bad_ == 0, "%s vs %s: %d element(s) differ", #got, #want, bad_);          \
    } while (0)

/* ---- arithmetic -------------------------------------------------------- */

static void test_integer_ops(void)
{
    /* uint8: 250 + 10 wraps to 4. */
    uint8_t ua[] = {250, 255, 0, 128, 7}, ub[] = {10, 1, 0, 128, 9}, ur[5];
    uint8_t uadd[] = {4, 0, 0, 0, 16};
    nda_array *a = host1(NDA_UINT8, 5, ua), *b = host1(NDA_UINT8, 5, ub);
    if (a && b && run2("add", A(a), A(b), NDA_UINT8, 5, ur)) CHECK_INTS(ur, uadd, 5);
    /* Weak Python int keeps uint8: np.array([250,...], uint8) + 3. */
    uint8_t uadd3[] = {253, 2, 3, 131, 10};
    if (a && run2("add", A(a), I(3), NDA_UINT8, 5, ur)) CHECK_INTS(ur, uadd3, 5);
    /* 3 - a: scalar first. */
    uint8_t usub[] = {9, 4, 3, 131, 252};
    if (a && run2("subtract", I(3), A(a), NDA_UINT8, 5, ur)) CHECK_INTS(ur, usub, 5);
    nda_array_free(a);
    nda_array_free(b);

    /* int8 floor_divide: floor rounding, division by zero -> 0,
     * -128 // -1 -> -128 (wraps, as NumPy). */
    int8_t ia[] = {-7, 7, -7, 7, -128, 5, -5, 0, 127, -1};
    int8_t ib[] = {2, -2, -2, 2, -1, 0, 0, 0, -128, 3};
    int8_t ifd[] = {-4, -4, 3, 3, -128, 0, 0, 0, -1, -1};
    int8_t irm[] = {1, -1, -1, 1, 0, 0, 0, 0, -1, 2};
    int8_t ir[10];
    a = host1(NDA_INT8, 10, ia);
    b = host1(NDA_INT8, 10, ib);
    if (a && b && run2("floor_divide", A(a), A(b), NDA_INT8, 10, ir)) CHECK_INTS(ir, ifd, 10);
    if (a && b && run2("remainder", A(a), A(b), NDA_INT8, 10, ir)) CHECK_INTS(ir, irm, 10);
    nda_array_free(a);
    nda_array_free(b);

    /* int32 remainder: sign follows the divisor; x % 0 == 0; INT_MIN % -1 == 0. */
    int32_t ra[] = {7, -7, 7, -7, 5, INT32_MIN, 0, 6};
    int32_t rb[] = {3, 3, -3, -3, 0, -1, 5, -3};
    int32_t rrm[] = {1, 2, -2, -1, 0, 0, 0, 0};
    int32_t rfd[] = {2, -3, -3, 2, 0, INT32_MIN, 0, -2};
    int32_t rr[8];
    a = host1(NDA_INT32, 8, ra);
    b = host1(NDA_INT32, 8, rb);
    if (a && b && run2("remainder", A(a), A(b), NDA_INT32, 8, rr)) CHECK_INTS(rr, rrm, 8);
    if (a && b && run2("floor_divide", A(a), A(b), NDA_INT32, 8, rr)) CHECK_INTS(rr, rfd, 8);
    /* true_divide of ints -> float64: 7/2, -7/2, 1/0 -> inf, 0/0 -> nan. */
    if (g_fp64 && a && b) {
        double td[8], want[8];
        for (int i = 0; i < 8; i++) want[i] = (double)ra[i] / (double)rb[i];
        if (run2("true_divide", A(a), A(b), NDA_FLOAT64, 8, td)) CHECK_FLOATS(td, want, 8);
        if (run2("divide", A(a), A(b), NDA_FLOAT64, 8, td)) CHECK_FLOATS(td, want, 8);
    }
    nda_array_free(a);
    nda_array_free(b);

    /* int32 multiply wraps: 65536*65536 -> 0, 46341**2 -> -2147479015. */
    int32_t ma[] = {65536, 46341, -3}, mr[3], mw[] = {0, -2147479015, 9};
    a = host1(NDA_INT32, 3, ma);
    if (a && run2("multiply", A(a), A(a), NDA_INT32, 3, mr)) CHECK_INTS(mr, mw, 3);
    nda_array_free(a);

    /* maximum with mixed int8/int16 promotes to int16. */
    int8_t xa[] = {-100, 5, 127};
    int16_t xb[] = {-200, 6, 1000}, xr[3], xw[] = {-100, 6, 1000};
    a = host1(NDA_INT8, 3, xa);
    b = host1(NDA_INT16, 3, xb);
    if (a && b && run2("maximum", A(a), A(b), NDA_INT16, 3, xr)) CHECK_INTS(xr, xw, 3);
    nda_array_free(a);
    nda_array_free(b);

    /* left_shift: past the width -> 0, negative shift -> 0. */
    int8_t la[] = {1, 1, 1, -1, 3}, lb[] = {7, 8, -1, 1, 2}, lr[5], lw[] = {-128, 0, 0, -2, 12};
    a = host1(NDA_INT8, 5, la);
    b = host1(NDA_INT8, 5, lb);
    if (a && b && run2("left_shift", A(a), A(b), NDA_INT8, 5, lr)) CHECK_INTS(lr, lw, 5);
    nda_array_free(a);
    nda_array_free(b);
    int64_t qa[] = {1, 1, 1, 5}, qb[] = {63, 64, -1, 2}, qr[4], qw[] = {INT64_MIN, 0, 0, 20};
    a = host1(NDA_INT64, 4, qa);
    b = host1(NDA_INT64, 4, qb);
    if (a && b && run2("left_shift", A(a), A(b), NDA_INT64, 4, qr)) CHECK_INTS(qr, qw, 4);
    nda_array_free(a);
    nda_array_free(b);

    /* less on int64 vs uint64 uses NumPy's exact mixed loop (not float64):
     * -1 < 2**64-1, 2**62 < 2**63, and 2**63-1 vs 2**63-1 as uint64. */
    int64_t sa[] = {-1, 5, INT64_C(1) << 62, INT64_MAX, 0};
    uint64_t sb[] = {UINT64_MAX, 5, UINT64_C(1) << 63, (uint64_t)INT64_MAX, 0};
    uint8_t sr[5], sw[] = {1, 0, 1, 0, 0};
    a = host1(NDA_INT64, 5, sa);
    b = host1(NDA_UINT64, 5, sb);
    if (a && b && run2("less", A(a), A(b), NDA_BOOL, 5, sr)) CHECK_INTS(sr, sw, 5);
    uint8_t sw2[] = {0, 0, 0, 0, 0};
    if (a && b && run2("less", A(b), A(a), NDA_BOOL, 5, sr)) CHECK_INTS(sr, sw2, 5);
    /* uint64 max vs uint64 max - 1 (would compare equal in float64). */
    uint64_t ta[] = {UINT64_MAX - 1}, tb[] = {UINT64_MAX};
    nda_array *c = host1(NDA_UINT64, 1, ta), *d = host1(NDA_UINT64, 1, tb);
    uint8_t tr[1], tw[] = {1};
    if (c && d && run2("less", A(c), A(d), NDA_BOOL, 1, tr)) CHECK_INTS(tr, tw, 1);
    nda_array_free(c);
    nda_array_free(d);
    nda_array_free(a);
    nda_array_free(b);

    /* Comparison with an out-of-range Python int is exact (NumPy 2):
     * np.array([0, 255], uint8) < 300 -> [True, True]. */
    uint8_t ca[] = {0, 255}, cr[2], cw[] = {1, 1};
    a = host1(NDA_UINT8, 2, ca);
    if (a && run2("less", A(a), I(300), NDA_BOOL, 2, cr)) CHECK_INTS(cr, cw, 2);
    /* np.array([0, 255], uint8) > -1 -> [True, True]; same for uint64. */
    if (a && run2("greater", A(a), I(-1), NDA_BOOL, 2, cr)) CHECK_INTS(cr, cw, 2);
    nda_array_free(a);
    uint64_t c64[] = {0, UINT64_MAX};
    a = host1(NDA_UINT64, 2, c64);
    if (a && run2("greater", A(a), I(-1), NDA_BOOL, 2, cr)) CHECK_INTS(cr, cw, 2);
    nda_array_free(a);
}

static void test_float_ops(void)
{
    if (g_fp64) {
        /* npy_divmod rules: floor_divide(-7., 2.) == -4, x // 0 -> +-inf / nan. */
        double fa[] = {-7.0, 7.0, 1.0, -1.0, 0.0, -0.5, 7.5, -0.0};
        double fb[] = {2.0, -2.0, 0.0, 0.0, 0.0, 3.0, 2.0, 3.0};
        double fd[] = {-4.0, -4.0, INFINITY, -INFINITY, NAN, -1.0, 3.0, -0.0};
        double fm[] = {1.0, -1.0, NAN, NAN, NAN, 2.5, 1.5, 0.0};
        double fr[8];
        nda_array *a = host1(NDA_FLOAT64, 8, fa), *b = host1(NDA_FLOAT64, 8, fb);
        if (a && b && run2("floor_divide", A(a), A(b), NDA_FLOAT64, 8, fr)) CHECK_FLOATS(fr, fd, 8);
        if (a && b && run2("remainder", A(a), A(b), NDA_FLOAT64, 8, fr)) CHECK_FLOATS(fr, fm, 8);
        double tdw[8];
        for (int i = 0; i < 8; i++) tdw[i] = fa[i] / fb[i];
        if (a && b && run2("true_divide", A(a), A(b), NDA_FLOAT64, 8, fr)) CHECK_FLOATS(fr, tdw, 8);
        nda_array_free(a);
        nda_array_free(b);

        /* int8 array + Python float -> float64 (NEP 50). */
        int8_t ia[] = {1, -2};
        double ir[2], iw[] = {2.5, -0.5};
        a = host1(NDA_INT8, 2, ia);
        if (a && run2("add", A(a), F(1.5), NDA_FLOAT64, 2, ir)) CHECK_FLOATS(ir, iw, 2);
        nda_array_free(a);
    }

    /* float32 maximum propagates NaN from either side. */
    float ma[] = {1.0f, NAN, 3.0f, 5.0f}, mb[] = {2.0f, 1.0f, NAN, 4.0f}, mr[4];
    float mw[] = {2.0f, NAN, NAN, 5.0f};
    nda_array *a = host1(NDA_FLOAT32, 4, ma), *b = host1(NDA_FLOAT32, 4, mb);
    if (a && b && run2("maximum", A(a), A(b), NDA_FLOAT32, 4, mr)) CHECK_FLOATS(mr, mw, 4);
    /* float32 + Python float stays float32; 0.1 is rounded to float32 first. */
    float pr[4], pw[4];
    for (int i = 0; i < 4; i++) pw[i] = ma[i] + 0.1f;
    if (a && run2("add", A(a), F(0.1), NDA_FLOAT32, 4, pr)) CHECK_FLOATS(pr, pw, 4);
    nda_array_free(a);
    nda_array_free(b);

    /* float16: np.float16(0.1) + np.float16(0.2) == 0x34cc; 300*300 -> inf;
     * 2049 is not representable (ties to 2048): 2048 + 1 == 2048. */
    uint16_t ha[] = {0x2e66, 0x5cb0, 0x6800, 0x3c00}, hb[] = {0x3266, 0x5cb0, 0x3c00, 0x1400};
    uint16_t hadd[] = {0x34cc, 0x60b0, 0x6800, 0x3c01}, hmul[] = {0x251e, 0x7c00, 0x6800, 0x1400};
    uint16_t hr[4];
    a = host1(NDA_FLOAT16, 4, ha);
    b = host1(NDA_FLOAT16, 4, hb);
    if (a && b && run2("add", A(a), A(b), NDA_FLOAT16, 4, hr)) CHECK_INTS(hr, hadd, 4);
    if (a && b && run2("multiply", A(a), A(b), NDA_FLOAT16, 4, hr)) CHECK_INTS(hr, hmul, 4);
    nda_array_free(a);
    nda_array_free(b);
}

/* ---- layouts ----------------------------------------------------------- */

static void test_views_and_broadcast(void)
{
    /* x = arange(6, float32); x[::-1] + x == 5 everywhere; x[::-1] * 2. */
    float x[6] = {0, 1, 2, 3, 4, 5}, r[6];
    float w5[6] = {5, 5, 5, 5, 5, 5}, wrev2[6] = {10, 8, 6, 4, 2, 0};
    nda_array *a = host1(NDA_FLOAT32, 6, x);
    int64_t sh6[] = {6}, m1[] = {-1};
    nda_array *rev = a ? view(a, 5, 1, sh6, m1) : NULL;
    if (rev && run2("add", A(rev), A(a), NDA_FLOAT32, 6, r)) CHECK_FLOATS(r, w5, 6);
    if (rev && run2("multiply", A(rev), F(2.0), NDA_FLOAT32, 6, r)) CHECK_FLOATS(r, wrev2, 6);
    /* to_host of a non-contiguous view. */
    float rv[6], wrv[6] = {5, 4, 3, 2, 1, 0};
    if (rev && fetch(rev, rv)) CHECK_FLOATS(rv, wrv, 6);
    /* x[4::-2] (3 elements: 4, 2, 0) - x[1::2] (1, 3, 5). */
    int64_t sh3[] = {3}, m2[] = {-2}, p2[] = {2};
    nda_array *v1 = a ? view(a, 4, 1, sh3, m2) : NULL, *v2 = a ? view(a, 1, 1, sh3, p2) : NULL;
    float r3[3], w3[3] = {3, -1, -5};
    if (v1 && v2 && run2("subtract", A(v1), A(v2), NDA_FLOAT32, 3, r3)) CHECK_FLOATS(r3, w3, 3);
    nda_array_free(v1);
    nda_array_free(v2);
    nda_array_free(rev);
    nda_array_free(a);

    /* (3,1) + (1,4) -> (3,4). */
    int32_t ca[] = {0, 10, 20}, cb[] = {1, 2, 3, 4}, cr[12], cw[12];
    int64_t s31[] = {3, 1}, s14[] = {1, 4};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) cw[i * 4 + j] = ca[i] + cb[j];
    a = host(NDA_INT32, 2, s31, ca);
    nda_array *b = host(NDA_INT32, 2, s14, cb);
    nda_array *res = NULL;
    if (a && b) {
        CHECK_OK(apply2("add", A(a), A(b), &res));
        if (res) {
            CHECK(res->ndim == 2 && res->shape[0] == 3 && res->shape[1] == 4);
            if (fetch(res, cr)) CHECK_INTS(cr, cw, 12);
            nda_array_free(res);
        }
        /* (3,1) + (4,) -> (3,4) too. */
        nda_array *b1 = view(b, 0, 1, &s14[1], &(int64_t){1});
        if (b1 && run2("add", A(a), A(b1), NDA_INT32, 12, cr)) CHECK_INTS(cr, cw, 12);
        nda_array_free(b1);
        /* (3,1) + (4,3): error with NumPy's message. */
        int32_t z[12] = {0};
        int64_t s43[] = {4, 3};
        nda_array *c = host(NDA_INT32, 2, s43, z);
        CHECK_RC(apply2("add", A(a), A(c), &res), NDA_EVALUE);
        CHECKF(strstr(nda_error_message(), "operands could not be broadcast together with shapes (3,1) (4,3)") != NULL,
               "message: %s", nda_error_message());
        nda_array_free(c);
    }
    nda_array_free(a);
    nda_array_free(b);

    /* Transposed (F-order) views: t = arange(12).reshape(3,4).T; t + t and
     * t + c for a C-contiguous (4,3) c. */
    int32_t t12[12], c12[12], tr[12], tw[12], tw2[12];
    for (int i = 0; i < 12; i++) { t12[i] = i; c12[i] = 100 * i; }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) {
            tw[i * 3 + j] = 2 * t12[j * 4 + i];
            tw2[i * 3 + j] = t12[j * 4 + i] + c12[i * 3 + j];
        }
    int64_t s43b[] = {4, 3}, tst[] = {1, 4};
    a = host1(NDA_INT32, 12, t12);
    b = host(NDA_INT32, 2, s43b, c12);
    nda_array *tv = a ? view(a, 0, 2, s43b, tst) : NULL;
    if (tv && run2("add", A(tv), A(tv), NDA_INT32, 12, tr)) CHECK_INTS(tr, tw, 12);
    if (tv && b && run2("add", A(tv), A(b), NDA_INT32, 12, tr)) CHECK_INTS(tr, tw2, 12);
    nda_array_free(tv);
    nda_array_free(a);
    nda_array_free(b);

    /* 0-d arrays: () + () -> (), () + (3,) -> (3,). */
    int32_t s7 = 7, s5 = 5, v3[] = {1, 2, 3};
    a = host(NDA_INT32, 0, NULL, &s7);
    b = host(NDA_INT32, 0, NULL, &s5);
    nda_array *c = host1(NDA_INT32, 3, v3);
    if (a && b && c) {
        CHECK_OK(apply2("add", A(a), A(b), &res));
        if (res) {
            int32_t got = 0;
            CHECK(res->ndim == 0);
            if (fetch(res, &got)) CHECK(got == 12);
            nda_array_free(res);
        }
        int32_t g3[3], w3b[] = {8, 9, 10};
        if (run2("add", A(a), A(c), NDA_INT32, 3, g3)) CHECK_INTS(g3, w3b, 3);
    }
    nda_array_free(a);
    nda_array_free(b);
    nda_array_free(c);

    /* Only scalars: a new 0-d array on the default device (int64). */
    res = NULL;
    CHECK_OK(apply2("add", I(2), I(3), &res));
    if (res) {
        int64_t got = 0;
        CHECK(res->ndim == 0 && res->dtype == NDA_INT64);
        if (fetch(res, &got)) CHECK(got == 5);
        nda_array_free(res);
    }

    /* Empty: (0,3) + (1,3) -> (0,3); (0,) + (3,) -> error. */
    int64_t s03[] = {0, 3}, s13[] = {1, 3}, s0[] = {0};
    float f3[] = {1, 2, 3};
    a = host(NDA_FLOAT32, 2, s03, NULL);
    b = host(NDA_FLOAT32, 2, s13, f3);
    if (a && b) {
        res = NULL;
        CHECK_OK(apply2("add", A(a), A(b), &res));
        if (res) {
            CHECK(res->ndim == 2 && res->shape[0] == 0 && res->shape[1] == 3);
            CHECK(nda_array_size(res) == 0);
            float dummy[1];
            CHECK_OK(nda_array_to_host(res, dummy));
            nda_array_free(res);
        }
    }
    nda_array_free(a);
    nda_array_free(b);
    a = host(NDA_FLOAT32, 1, s0, NULL);
    b = host1(NDA_FLOAT32, 3, f3);
    if (a && b) CHECK_RC(apply2("add", A(a), A(b), &res), NDA_EVALUE);
    nda_array_free(a);
    nda_array_free(b);
}

/* A 10-D view with shape (2,)*10 whose axes cannot coalesce: strides 3**(9-d)
 * elements into a buffer of 3**10 int32 holding 0, 1, 2, ... so the element
 * at index bits (b0..b9) holds off = sum b_d * 3**(9-d). */
#define TEN 10
#define P3_10 59049
static int64_t ten_off(int flat)
{
    int64_t off = 0, p = 1;
    for (int d = TEN - 1; d >= 0; d--) {
        if (flat & (1 << (TEN - 1 - d))) off += p;
        p *= 3;
    }
    return off;
}

static void test_high_rank(void)
{
    int32_t *data = malloc(sizeof(int32_t) * P3_10);
    int32_t *back = malloc(sizeof(int32_t) * P3_10);
    int32_t got[1024], want[1024];
    if (!data || !back) {
        free(data);
        free(back);
        CHECK(!"out of memory");
        return;
    }
    for (int i = 0; i < P3_10; i++) data[i] = i;
    nda_array *buf = host1(NDA_INT32, P3_10, data);
    int64_t shape[TEN], st[TEN], nst[TEN], p = 1;
    for (int d = TEN - 1; d >= 0; d--) {
        shape[d] = 2;
        st[d] = p;
        nst[d] = -p;
        p *= 3;
    }
    const int64_t top = (P3_10 - 1) / 2; /* sum of 3**k, k < 10 */
    nda_array *v = buf ? view(buf, 0, TEN, shape, st) : NULL;
    if (v) {
        CHECK(!nda_array_is_c_contiguous(v));
        for (int i = 0; i < 1024; i++) want[i] = (int32_t)ten_off(i);
        if (fetch(v, got)) CHECK_INTS(got, want, 1024);       /* to_host via a copy kernel */
        for (int i = 0; i < 1024; i++) want[i] = (int32_t)ten_off(i) + 1;
        if (run2("add", A(v), I(1), NDA_INT32, 1024, got)) CHECK_INTS(got, want, 1024);

        /* Output a 10-D view with negative strides into a zeroed buffer:
         * out[top - off] = 2 * off; everything else stays 0. */
        nda_array *ob = NULL;
        CHECK_OK(nda_array_empty(g_dev, NDA_INT32, 1, &(int64_t){P3_10}, &ob));
        nda_scalar zero = {.kind = NDA_SCALAR_INT, .i = 0};
        if (ob) CHECK_OK(nda_array_fill(ob, &zero));
        nda_array *ov = ob ? view(ob, top, TEN, shape, nst) : NULL;
        if (ov) {
            nda_operand ops[2] = {A(v), A(v)};
            nda_array *res = NULL;
            CHECK_OK(nda_ufunc_apply("add", 2, ops, ov, -1, NDA_CAST_SAME_KIND, NULL, &res));
            nda_array_free(res);
            if (fetch(ob, back)) {
                int bad = 0;
                static unsigned char hit[P3_10];
                memset(hit, 0, sizeof hit);
                for (int i = 0; i < 1024; i++) {
                    int64_t off = ten_off(i);
                    hit[top - off] = 1;
                    if (back[top - off] != 2 * off) bad++;
                }
                for (int i = 0; i < P3_10; i++)
                    if (!hit[i] && back[i] != 0) bad++;
                CHECKF(bad == 0, "10-D strided output: %d wrong elements", bad);
            }
            /* Assign into the strided view (copy kernel, rank 10 both sides). */
            CHECK_OK(nda_array_assign(ov, v));
            if (fetch(ov, got)) {
                for (int i = 0; i < 1024; i++) want[i] = (int32_t)ten_off(i);
                CHECK_INTS(got, want, 1024);
            }
        }
        nda_array_free(ov);
        nda_array_free(ob);

        /* Reduction over the 10-D view: sum of offsets = 512 * top, int64. */
        nda_array *s = NULL;
        CHECK_OK(nda_reduce_all("sum", v, &s));
        if (s) {
            int64_t sum = 0;
            CHECK(s->dtype == NDA_INT64 && s->ndim == 0);
            if (fetch(s, &sum)) CHECKF(sum == 512 * top, "sum %lld", (long long)sum);
            nda_array_free(s);
        }
        nda_array *mx = NULL;
        CHECK_OK(nda_reduce_all("max", v, &mx));
        if (mx) {
            int32_t m = 0;
            if (fetch(mx, &m)) CHECK(m == top);
            nda_array_free(mx);
        }
    }
    nda_array_free(v);
    nda_array_free(buf);
    free(data);
    free(back);
}

/* ---- assignment, fill, astype ------------------------------------------ */

static nda_array *arange_i32(int n)
{
    int32_t v[64];
    for (int i = 0; i < n; i++) v[i] = i;
    return host1(NDA_INT32, n, v);
}

static void test_assign(void)
{
    int64_t sh9[] = {9}, sh10[] = {10}, one[] = {1}, m1[] = {-1};
    int32_t got[10];

    /* u[1:] = u[:-1] -> [0 0 1 2 3 4 5 6 7 8] */
    nda_array *u = arange_i32(10);
    if (u) {
        nda_array *dst = view(u, 1, 1, sh9, one), *src = view(u, 0, 1, sh9, one);
        CHECK_OK(nda_array_assign(dst, src));
        int32_t w[] = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
        if (fetch(u, got)) CHECK_INTS(got, w, 10);
        nda_array_free(dst);
        nda_array_free(src);
    }
    nda_array_free(u);

    /* u[:-1] = u[1:] -> [1 2 3 4 5 6 7 8 9 9] */
    u = arange_i32(10);
    if (u) {
        nda_array *dst = view(u, 0, 1, sh9, one), *src = view(u, 1, 1, sh9, one);
        CHECK_OK(nda_array_assign(dst, src));
        int32_t w[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 9};
        if (fetch(u, got)) CHECK_INTS(got, w, 10);
        nda_array_free(dst);
        nda_array_free(src);
    }
    nda_array_free(u);

    /* u[::-1] = u -> reversed. */
    u = arange_i32(10);
    if (u) {
        nda_array *dst = view(u, 9, 1, sh10, m1);
        CHECK_OK(nda_array_assign(dst, u));
        int32_t w[] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        if (fetch(u, got)) CHECK_INTS(got, w, 10);
        /* u = u (the same view): no-op. */
        CHECK_OK(nda_array_assign(u, u));
        if (fetch(u, got)) CHECK_INTS(got, w, 10);
        nda_array_free(dst);
    }
    nda_array_free(u);

    /* Broadcast + unsafe cast: int32 (3,4) = float64 (4,) [2.7, -2.7, 0.5, 1e3]. */
    if (g_fp64) {
        double src[] = {2.7, -2.7, 0.5, 1e3};
        nda_array *s = host1(NDA_FLOAT64, 4, src), *d = NULL;
        int64_t s34[] = {3, 4};
        CHECK_OK(nda_array_empty(g_dev, NDA_INT32, 2, s34, &d));
        if (s && d) {
            CHECK_OK(nda_array_assign(d, s));
            int32_t g[12], w[12];
            for (int i = 0; i < 12; i++) w[i] = (int32_t)src[i % 4];
            if (fetch(d, g)) CHECK_INTS(g, w, 12);
            /* (4,) cannot take (3,4). */
            CHECK_RC(nda_array_assign(s, d), NDA_EVALUE);
        }
        nda_array_free(s);
        nda_array_free(d);
    }

    /* ufunc with out overlapping an input: np.add(a, a[::-1], out=a). */
    float fa[] = {0, 1, 2, 3, 4, 5}, fr[6], fw[] = {5, 5, 5, 5, 5, 5};
    nda_array *a = host1(NDA_FLOAT32, 6, fa);
    int64_t sh6[] = {6};
    nda_array *rev = a ? view(a, 5, 1, sh6, m1) : NULL;
    if (rev) {
        nda_operand ops[2] = {A(a), A(rev)};
        nda_array *res = NULL;
        CHECK_OK(nda_ufunc_apply("add", 2, ops, a, -1, NDA_CAST_SAME_KIND, NULL, &res));
        if (res) CHECK(res->buffer == a->buffer);
        nda_array_free(res);
        if (fetch(a, fr)) CHECK_FLOATS(fr, fw, 6);
        /* out dtype must be castable: float32 result into int8 under 'same_kind' fails. */
        int8_t z[6] = {0};
        nda_array *o8 = host1(NDA_INT8, 6, z);
        res = NULL;
        CHECK_RC(nda_ufunc_apply("add", 2, ops, o8, -1, NDA_CAST_SAME_KIND, NULL, &res), NDA_ETYPE);
        CHECK(res == NULL);
        /* Wrong out shape. */
        int64_t s3[] = {3};
        nda_array *o3 = NULL;
        CHECK_OK(nda_array_empty(g_dev, NDA_FLOAT32, 1, s3, &o3));
        if (o3)
            CHECK_RC(nda_ufunc_apply("add", 2, ops, o3, -1, NDA_CAST_SAME_KIND, NULL, &res), NDA_EVALUE);
        nda_array_free(o3);
        nda_array_free(o8);
    }
    nda_array_free(rev);
    nda_array_free(a);
}

static void test_fill_astype(void)
{
    nda_array *a = NULL;
    int64_t s5[] = {5};
    nda_scalar f25 = {.kind = NDA_SCALAR_FLOAT, .f = 2.5};
    CHECK_OK(nda_array_empty(g_dev, NDA_FLOAT32, 1, s5, &a));
    if (a) {
        float g[5], w[] = {2.5f, 2.5f, 2.5f, 2.5f, 2.5f};
        CHECK_OK(nda_array_fill(a, &f25));
        if (fetch(a, g)) CHECK_FLOATS(g, w, 5);
        /* Fill every other element: a[::2] = -1. */
        int64_t s3[] = {3}, two[] = {2};
        nda_array *ev = view(a, 0, 1, s3, two);
        nda_scalar m1 = {.kind = NDA_SCALAR_INT, .i = -1};
        if (ev) CHECK_OK(nda_array_fill(ev, &m1));
        float w2[] = {-1, 2.5f, -1, 2.5f, -1};
        if (fetch(a, g)) CHECK_FLOATS(g, w2, 5);
        nda_array_free(ev);
    }
    nda_array_free(a);

    /* int8 fill with -3; float16 fill with 0.1 -> 0x2e66; bool fill with 5 -> 1. */
    nda_scalar m3 = {.kind = NDA_SCALAR_INT, .i = -3};
    a = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_INT8, 1, s5, &a));
    if (a) {
        int8_t g[5], w[] = {-3, -3, -3, -3, -3};
        CHECK_OK(nda_array_fill(a, &m3));
        if (fetch(a, g)) CHECK_INTS(g, w, 5);
        nda_array_free(a);
    }
    nda_scalar f01 = {.kind = NDA_SCALAR_FLOAT, .f = 0.1};
    a = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_FLOAT16, 1, s5, &a));
    if (a) {
        uint16_t g[5], w[] = {0x2e66, 0x2e66, 0x2e66, 0x2e66, 0x2e66};
        CHECK_OK(nda_array_fill(a, &f01));
        if (fetch(a, g)) CHECK_INTS(g, w, 5);
        nda_array_free(a);
    }
    nda_scalar i5 = {.kind = NDA_SCALAR_INT, .i = 5};
    a = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_BOOL, 1, s5, &a));
    if (a) {
        uint8_t g[5], w[] = {1, 1, 1, 1, 1};
        CHECK_OK(nda_array_fill(a, &i5));
        if (fetch(a, g)) CHECK_INTS(g, w, 5);
        nda_array_free(a);
    }

    /* astype float64 -> int32 -> float16 (C truncation toward zero). */
    if (g_fp64) {
        double d[] = {1.5, -2.7, 3.99, -0.5, 65504.4, 100000.0};
        nda_array *x = host1(NDA_FLOAT64, 6, d), *y = NULL, *z = NULL, *h = NULL;
        if (x) CHECK_OK(nda_array_astype(x, NDA_INT32, &y));
        if (y) {
            int32_t g[6], w[] = {1, -2, 3, 0, 65504, 100000};
            CHECK(y->dtype == NDA_INT32 && nda_array_is_c_contiguous(y));
            if (fetch(y, g)) CHECK_INTS(g, w, 6);
            /* int32 -> float16 used nda_d2h() without the fp64 prelude
             * (NDA_ECOMPILE) before commit 34a861b. */
            CHECK_OK(nda_array_astype(y, NDA_FLOAT16, &z));
        }
        if (z) {
            /* np.array([1,-2,3,0,65504,100000]).astype(np.float16) */
            uint16_t g[6], w[] = {0x3c00, 0xc000, 0x4200, 0x0000, 0x7bff, 0x7c00};
            if (fetch(z, g)) CHECK_INTS(g, w, 6);
        }
        /* float64 -> float16 directly (round to nearest even):
         * np.array([1.5,-2.7,3.99,-0.5,65504.4,1e5]).astype(np.float16). */
        if (x) CHECK_OK(nda_array_astype(x, NDA_FLOAT16, &h));
        if (h) {
            uint16_t g[6], w[] = {15872, 49510, 17403, 47104, 31743, 31744};
            if (fetch(h, g)) CHECK_INTS(g, w, 6);
        }
        /* int64 -> float16 around the overflow edge:
         * np.array([65504, 65519, 65520, -65520, 2**40, 2049]).astype(np.float16) */
        int64_t q[] = {65504, 65519, 65520, -65520, INT64_C(1) << 40, 2049};
        nda_array *qa = host1(NDA_INT64, 6, q), *qh = NULL;
        if (qa) CHECK_OK(nda_array_astype(qa, NDA_FLOAT16, &qh));
        if (qh) {
            uint16_t g[6], w[] = {0x7bff, 0x7bff, 0x7c00, 0xfc00, 0x7c00, 0x6800};
            if (fetch(qh, g)) CHECK_INTS(g, w, 6);
        }
        nda_array_free(qh);
        nda_array_free(qa);
        nda_array_free(h);
        nda_array_free(z);
        nda_array_free(y);
        nda_array_free(x);
    }
}

/* ---- reductions -------------------------------------------------------- */

static void test_reduce(void)
{
    /* sum of 10**6 float32 ones == 1e6 exactly. */
    int64_t n = 1000000;
    nda_array *ones = NULL, *r = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_FLOAT32, 1, &n, &ones));
    nda_scalar one = {.kind = NDA_SCALAR_FLOAT, .f = 1.0};
    if (ones) {
        CHECK_OK(nda_array_fill(ones, &one));
        CHECK_OK(nda_reduce_all("sum", ones, &r));
        if (r) {
            float s = 0;
            CHECK(r->dtype == NDA_FLOAT32 && r->ndim == 0);
            if (fetch(r, &s)) CHECKF(s == 1e6f, "sum = %.9g", s);
            nda_array_free(r);
            r = NULL;
        }
    }
    nda_array_free(ones);

    /* int8 sum -> int64 (no int8 wraparound): 1000 * 100. */
    int8_t i8[1000];
    for (int i = 0; i < 1000; i++) i8[i] = 100;
    nda_array *a = host1(NDA_INT8, 1000, i8);
    if (a) {
        CHECK_OK(nda_reduce_all("sum", a, &r));
        if (r) {
            int64_t s = 0;
            CHECK(r->dtype == NDA_INT64);
            if (fetch(r, &s)) CHECK(s == 100000);
            nda_array_free(r);
            r = NULL;
        }
        CHECK_OK(nda_reduce_all("max", a, &r));
        if (r) {
            CHECK(r->dtype == NDA_INT8);
            nda_array_free(r);
            r = NULL;
        }
    }
    nda_array_free(a);

    /* uint8 sum -> uint64; prod of int32 1..10 -> int64 3628800. */
    uint8_t u8[] = {200, 200, 200};
    a = host1(NDA_UINT8, 3, u8);
    if (a) {
        CHECK_OK(nda_reduce_all("sum", a, &r));
        if (r) {
            uint64_t s = 0;
            CHECK(r->dtype == NDA_UINT64);
            if (fetch(r, &s)) CHECK(s == 600);
            nda_array_free(r);
            r = NULL;
        }
    }
    nda_array_free(a);
    int32_t p10[10];
    for (int i = 0; i < 10; i++) p10[i] = i + 1;
    a = host1(NDA_INT32, 10, p10);
    if (a) {
        CHECK_OK(nda_reduce_all("prod", a, &r));
        if (r) {
            int64_t s = 0;
            CHECK(r->dtype == NDA_INT64);
            if (fetch(r, &s)) CHECK(s == 3628800);
            nda_array_free(r);
            r = NULL;
        }
        /* min over a reversed view */
        int64_t sh[] = {10}, m1[] = {-1};
        nda_array *rv = view(a, 9, 1, sh, m1);
        if (rv) {
            CHECK_OK(nda_reduce_all("min", rv, &r));
            if (r) {
                int32_t m = 0;
                if (fetch(r, &m)) CHECK(m == 1);
                nda_array_free(r);
                r = NULL;
            }
        }
        nda_array_free(rv);
    }
    nda_array_free(a);

    /* 0-d input; bool sum -> int64; float16 sum of 3000 x 0.1 -> 300 (float32
     * accumulator; np.full(3000, 0.1, np.float16).sum() == 300.0). */
    int32_t seven = 7;
    a = host(NDA_INT32, 0, NULL, &seven);
    if (a) {
        CHECK_OK(nda_reduce_all("sum", a, &r));
        if (r) {
            int64_t s = 0;
            if (fetch(r, &s)) CHECK(s == 7);
            nda_array_free(r);
            r = NULL;
        }
    }
    nda_array_free(a);
    uint8_t bl[] = {1, 1, 0};
    a = host1(NDA_BOOL, 3, bl);
    if (a) {
        CHECK_OK(nda_reduce_all("sum", a, &r));
        if (r) {
            int64_t s = 0;
            CHECK(r->dtype == NDA_INT64);
            if (fetch(r, &s)) CHECK(s == 2);
            nda_array_free(r);
            r = NULL;
        }
        CHECK_OK(nda_reduce_all("max", a, &r));
        if (r) {
            uint8_t m = 9;
            CHECK(r->dtype == NDA_BOOL);
            if (fetch(r, &m)) CHECK(m == 1);
            nda_array_free(r);
            r = NULL;
        }
    }
    nda_array_free(a);
    static uint16_t h01[3000];
    for (int i = 0; i < 3000; i++) h01[i] = 0x2e66;
    a = host1(NDA_FLOAT16, 3000, h01);
    if (a) {
        CHECK_OK(nda_reduce_all("sum", a, &r));
        if (r) {
            uint16_t s = 0;
            CHECK(r->dtype == NDA_FLOAT16);
            if (fetch(r, &s)) CHECKF(s == 0x5cb0, "float16 sum bits 0x%04x", s);
            nda_array_free(r);
            r = NULL;
        }
    }
    nda_array_free(a);

    /* Multi-group sums over a reversed view and a zero-stride view. */
    static int32_t seq[10000];
    for (int i = 0; i < 10000; i++) seq[i] = i;
    a = host1(NDA_INT32, 10000, seq);
    if (a) {
        int64_t sh[] = {10000}, m1[] = {-1}, z0[] = {0};
        nda_array *rv = view(a, 9999, 1, sh, m1), *bc = view(a, 3, 1, sh, z0);
        if (rv) {
            CHECK_OK(nda_reduce_all("sum", rv, &r));
            if (r) {
                int64_t s = 0;
                if (fetch(r, &s)) CHECKF(s == 49995000, "sum %lld", (long long)s);
                nda_array_free(r);
                r = NULL;
            }
        }
        if (bc) {
            CHECK_OK(nda_reduce_all("sum", bc, &r));
            if (r) {
                int64_t s = 0;
                if (fetch(r, &s)) CHECKF(s == 30000, "sum %lld", (long long)s);
                nda_array_free(r);
                r = NULL;
            }
        }
        nda_array_free(rv);
        nda_array_free(bc);
    }
    nda_array_free(a);

    /* max with a NaN (in a multi-group array) -> NaN; min too. */
    int64_t big = 5000;
    float *fv = malloc(sizeof(float) * (size_t)big);
    if (fv) {
        for (int i = 0; i < big; i++) fv[i] = (float)(i % 97);
        fv[3333] = NAN;
        a = host1(NDA_FLOAT32, big, fv);
        if (a) {
            CHECK_OK(nda_reduce_all("max", a, &r));
            if (r) {
                float m = 0;
                if (fetch(r, &m)) CHECKF(isnan(m), "max = %g", m);
                nda_array_free(r);
                r = NULL;
            }
            CHECK_OK(nda_reduce_all("min", a, &r));
            if (r) {
                float m = 0;
                if (fetch(r, &m)) CHECKF(isnan(m), "min = %g", m);
                nda_array_free(r);
                r = NULL;
            }
        }
        nda_array_free(a);
        free(fv);
    }

    /* float16 max/min (multi-group, NaN-free) and complex64 sum. */
    static uint16_t hv[3000];
    for (int i = 0; i < 3000; i++) hv[i] = (uint16_t)(i % 2 ? 0x3c00 + i : 0xbc00 + i); /* +-values */
    a = host1(NDA_FLOAT16, 3000, hv);
    if (a) {
        uint16_t hmax = 0x3c00 + 2999, hmin = 0xbc00 + 2998; /* largest positive, most negative */
        CHECK_OK(nda_reduce_all("max", a, &r));
        if (r) {
            uint16_t m = 0;
            CHECK(r->dtype == NDA_FLOAT16);
            if (fetch(r, &m)) CHECKF(m == hmax, "float16 max 0x%04x", m);
            nda_array_free(r);
            r = NULL;
        }
        CHECK_OK(nda_reduce_all("min", a, &r));
        if (r) {
            uint16_t m = 0;
            if (fetch(r, &m)) CHECKF(m == hmin, "float16 min 0x%04x", m);
            nda_array_free(r);
            r = NULL;
        }
    }
    nda_array_free(a);
    static float cv[2 * 1000];
    for (int i = 0; i < 1000; i++) { cv[2 * i] = 1.0f; cv[2 * i + 1] = 2.0f; }
    a = host1(NDA_COMPLEX64, 1000, cv);
    if (a) {
        CHECK_OK(nda_reduce_all("sum", a, &r));
        if (r) {
            float c[2] = {0, 0};
            CHECK(r->dtype == NDA_COMPLEX64);
            if (fetch(r, c)) CHECKF(c[0] == 1000.0f && c[1] == 2000.0f, "complex sum %g%+gj", c[0], c[1]);
            nda_array_free(r);
            r = NULL;
        }
    }
    nda_array_free(a);

    /* Empty: max -> NDA_EVALUE (NumPy's message); sum -> 0; prod -> 1. */
    int64_t z = 0;
    a = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_FLOAT32, 1, &z, &a));
    if (a) {
        r = NULL;
        CHECK_RC(nda_reduce_all("max", a, &r), NDA_EVALUE);
        CHECK(r == NULL);
        CHECK(strstr(nda_error_message(), "zero-size array to reduction operation maximum which has no identity") != NULL);
        CHECK_OK(nda_reduce_all("sum", a, &r));
        if (r) {
            float s = -1;
            if (fetch(r, &s)) CHECK(s == 0.0f);
            nda_array_free(r);
            r = NULL;
        }
        CHECK_OK(nda_reduce_all("prod", a, &r));
        if (r) {
            float s = -1;
            if (fetch(r, &s)) CHECK(s == 1.0f);
            nda_array_free(r);
            r = NULL;
        }
        CHECK_RC(nda_reduce_all("mean", a, &r), NDA_ENOTIMPL);
    }
    nda_array_free(a);
}

/* ---- errors ------------------------------------------------------------ */

static void test_errors(void)
{
    uint8_t bv[] = {1, 0};
    nda_array *b = host1(NDA_BOOL, 2, bv), *r = NULL;
    if (b) {
        /* NumPy refuses bool subtract/negative although bool casts safely to
         * int8 (a loop search alone would pick "bb->b"). */
        int rc = apply2("subtract", A(b), A(b), &r);
        CHECK(rc == NDA_ETYPE && strstr(nda_error_message(), "numpy boolean subtract") != NULL);
        nda_array_free(r);
        r = NULL;
        nda_operand wt = I(1);
        wt.scalar.kind = NDA_SCALAR_BOOL;
        rc = apply2("subtract", A(b), wt, &r); /* b - True */
        CHECK(rc == NDA_ETYPE);
        nda_array_free(r);
        r = NULL;
        nda_operand neg[1] = {A(b)};
        rc = nda_ufunc_apply("negative", 1, neg, NULL, -1, NDA_CAST_SAME_KIND, NULL, &r);
        CHECK(rc == NDA_ETYPE && strstr(nda_error_message(), "boolean negative") != NULL);
        nda_array_free(r);
        r = NULL;
        /* With an explicit dtype NumPy allows it: np.subtract(b, b, dtype=int8). */
        nda_operand bb[2] = {A(b), A(b)};
        CHECK_OK(nda_ufunc_apply("subtract", 2, bb, NULL, NDA_INT8, NDA_CAST_SAME_KIND, NULL, &r));
        if (r) {
            int8_t g8[2], w8[] = {0, 0};
            CHECK(r->dtype == NDA_INT8);
            if (fetch(r, g8)) CHECK_INTS(g8, w8, 2);
            nda_array_free(r);
            r = NULL;
        }
        /* bool + bool is logical or. */
        uint8_t g[2], w[] = {1, 0};
        if (run2("add", A(b), A(b), NDA_BOOL, 2, g)) CHECK_INTS(g, w, 2);
        /* bool - Python int: int64 (weak int next to bool). */
        int64_t gi[2], wi[] = {0, -1};
        if (run2("subtract", A(b), I(1), NDA_INT64, 2, gi)) CHECK_INTS(gi, wi, 2);
    }
    nda_array_free(b);

    uint8_t uv[] = {1, 2};
    nda_array *u = host1(NDA_UINT8, 2, uv);
    if (u) {
        /* np.array([1,2], np.uint8) + 300 -> OverflowError. */
        CHECK_RC(apply2("add", A(u), I(300), &r), NDA_EOVERFLOW);
        CHECKF(strstr(nda_error_message(), "Python integer 300 out of bounds for uint8") != NULL,
               "message: %s", nda_error_message());
        CHECK_RC(apply2("add", I(-1), A(u), &r), NDA_EOVERFLOW);
        nda_operand big = I(0);
        big.scalar.int_is_unsigned = true;
        big.scalar.u = UINT64_MAX;
        CHECK_RC(apply2("multiply", A(u), big, &r), NDA_EOVERFLOW);
        /* 255 fits. */
        uint8_t g[2], w[] = {0, 1};
        if (run2("add", A(u), I(255), NDA_UINT8, 2, g)) CHECK_INTS(g, w, 2);
        /* Unknown ufunc, wrong arity. */
        CHECK_RC(apply2("frobnicate", A(u), A(u), &r), NDA_ENOTIMPL);
        nda_operand one[1] = {A(u)};
        CHECK_RC(nda_ufunc_apply("add", 1, one, NULL, -1, NDA_CAST_SAME_KIND, NULL, &r), NDA_ETYPE);
        /* No loop for bit shifts on floats. */
        float fv[] = {1, 2};
        nda_array *f = host1(NDA_FLOAT32, 2, fv);
        if (f) CHECK_RC(apply2("left_shift", A(f), A(u), &r), NDA_ETYPE);
        nda_array_free(f);
    }
    nda_array_free(u);
    CHECK(r == NULL);
}

int main(void)
{
    test_env_setup("ndcache");
    int rc = nda_device_default(&g_dev);
    CHECK_OK(rc);
    if (rc != NDA_OK) return test_summary();
    g_fp64 = nda_device_info_of(g_dev)->has_fp64 != 0;
    fprintf(stderr, "device %s (%s), fp64 %d\n", nda_device_id(g_dev),
            nda_device_info_of(g_dev)->name, g_fp64);

    test_integer_ops();
    test_float_ops();
    test_views_and_broadcast();
    test_high_rank();
    test_assign();
    test_fill_astype();
    test_reduce();
    test_errors();
    return test_summary();
}

/* allreduce of every dtype with every op, in place and not, against the
 * same reduction computed on the host: integer wrap-around, NaN
 * propagation of max/min, complex lexicographic max/min, bools, empty
 * and multi-pass (3000 float64 over 4096-byte passes) reductions; dtype
 * and op combinations that do not exist fail with NDA_ETYPE on every
 * rank. On the fake NCCL, which combinations run on NCCL. */
#define _XOPEN_SOURCE 700
#include "tests/comm/comm_test.h"

#include <math.h>

#include "nda/dtype.h"

#define COUNT 37

static const char *const op_names[] = {"?", "sum", "prod", "max", "min", "land", "lor"};

static int is_float(nda_dtype t) { return t >= NDA_FLOAT16 && t <= NDA_FLOAT64; }
static int is_complex(nda_dtype t) { return t == NDA_COMPLEX64 || t == NDA_COMPLEX128; }
static int is_unsigned(nda_dtype t)
{
    return t == NDA_UINT8 || t == NDA_UINT16 || t == NDA_UINT32 || t == NDA_UINT64;
}

/* Rank r's element i (exact in every dtype): small integers, ranges that
 * make sums of int8/uint8 wrap; NaNs for max/min at i == 5 on the last
 * rank; equal real parts (i % 4 == 0) so the imaginary part decides. */
static void value(nda_dtype t, nda_comm_op op, int r, int n, int i, double *re, double *im)
{
    int prod = op == NDA_COMM_PROD;
    long a = (r * 31 + i * 17) % 101, b = (r * 13 + i * 29 + 5) % 101;

    *im = 0;
    if (t == NDA_BOOL) {
        *re = i % 11 == 0 ? 1 : i % 13 == 0 ? 0 : ((r * 7 + i * 3) % 5) < 2;
        return;
    }
    if (is_unsigned(t)) {
        *re = prod ? (double)((r + i) % 4) : (double)a;
        return;
    }
    *re = prod ? (double)((r + i) % 7 - 3) : (double)(a - 50);
    if (is_complex(t)) {
        *im = prod ? (double)((r * 3 + i) % 5 - 2) : (double)(b - 50);
        if (!prod && i % 4 == 0)
            *re = 7;
    }
    if ((is_float(t) || is_complex(t)) && (op == NDA_COMM_MAX || op == NDA_COMM_MIN) &&
        i == 5 && r == n - 1) {
        if (is_complex(t))
            *im = NAN;
        else
            *re = NAN;
    }
}

/* a op= b with NumPy's semantics, on exact values. */
static void combine(nda_dtype t, nda_comm_op op, double *ar, double *ai, double br, double bi)
{
    if (t == NDA_BOOL) {
        int x = *ar != 0, y = br != 0;
        int or_ = op == NDA_COMM_SUM || op == NDA_COMM_MAX || op == NDA_COMM_LOR;
        *ar = or_ ? (x || y) : (x && y);
        return;
    }
    if (op == NDA_COMM_SUM) {
        *ar += br;
        *ai += bi;
    } else if (op == NDA_COMM_PROD) {
        double r = *ar * br - *ai * bi, i = *ar * bi + *ai * br;
        *ar = r;
        *ai = i;
    } else {
        int a_nan = isnan(*ar) || isnan(*ai), b_nan = isnan(br) || isnan(bi);
        int take_b;
        if (a_nan)
            take_b = 0;
        else if (b_nan)
            take_b = 1;
        else if (op == NDA_COMM_MAX)
            take_b = br > *ar || (br == *ar && bi > *ai);
        else
            take_b = br < *ar || (br == *ar && bi < *ai);
        if (take_b) {
            *ar = br;
            *ai = bi;
        }
    }
}

/* Stores an exact value as dtype t (integers wrap as C's conversions of
 * the low bytes do). */
static void store(nda_dtype t, unsigned char *p, double re, double im)
{
    int64_t v = (int64_t)re;
    float f[2] = {(float)re, (float)im};
    double d[2] = {re, im};
    uint16_t h;

    switch (t) {
    case NDA_BOOL: p[0] = re != 0; break;
    case NDA_FLOAT16: h = nda_half_from_double(re); memcpy(p, &h, 2); break;
    case NDA_FLOAT32: memcpy(p, f, 4); break;
    case NDA_FLOAT64: memcpy(p, d, 8); break;
    case NDA_COMPLEX64: memcpy(p, f, 8); break;
    case NDA_COMPLEX128: memcpy(p, d, 16); break;
    default: memcpy(p, &v, nda_dtype_itemsize(t)); break; /* little-endian low bytes */
    }
}

/* Element equality: bits, except that any NaN equals any NaN. */
static int same_elem(nda_dtype t, const unsigned char *a, const unsigned char *b)
{
    size_t es = nda_dtype_itemsize(t);
    if (t == NDA_FLOAT16) {
        uint16_t x, y;
        memcpy(&x, a, 2);
        memcpy(&y, b, 2);
        if (isnan(nda_half_to_float(x)) && isnan(nda_half_to_float(y)))
            return 1;
    } else if (t == NDA_FLOAT32 || t == NDA_COMPLEX64) {
        for (size_t k = 0; k < es / 4; k++) {
            float x, y;
            memcpy(&x, a + 4 * k, 4);
            memcpy(&y, b + 4 * k, 4);
            if (!(isnan(x) && isnan(y)) && memcmp(&x, &y, 4) != 0)
                return 0;
        }
        return 1;
    } else if (t == NDA_FLOAT64 || t == NDA_COMPLEX128) {
        for (size_t k = 0; k < es / 8; k++) {
            double x, y;
            memcpy(&x, a + 8 * k, 8);
            memcpy(&y, b + 8 * k, 8);
            if (!(isnan(x) && isnan(y)) && memcmp(&x, &y, 8) != 0)
                return 0;
        }
        return 1;
    }
    return memcmp(a, b, es) == 0;
}

static void one(tctx *t, nda_dtype dt, nda_comm_op op, int in_place)
{
    size_t es = nda_dtype_itemsize(dt), bytes = COUNT * es;
    size_t soff = 3 * es, roff = in_place ? soff : 5 * es, cap = roff + bytes + 4 * es;
    unsigned char *send = malloc(bytes), *want = malloc(bytes), *got = malloc(cap);
    void *sb = dev_alloc(t, cap), *rb = in_place ? sb : dev_alloc(t, cap);
    int bad = -1;

    for (int i = 0; i < COUNT; i++) {
        double re, im, ar, ai;
        value(dt, op, t->rank, t->size, i, &re, &im);
        store(dt, send + (size_t)i * es, re, im);
        value(dt, op, 0, t->size, i, &ar, &ai);
        for (int r = 1; r < t->size; r++) {
            value(dt, op, r, t->size, i, &re, &im);
            combine(dt, op, &ar, &ai, re, im);
        }
        store(dt, want + (size_t)i * es, ar, ai);
    }
    dev_put(t, sb, soff, send, bytes);
    CHECKF(t->ops->allreduce(t->comm, &t->q, sb, soff, rb, roff, COUNT, dt, op) == NDA_OK,
           "allreduce %s %s%s: %s", nda_dtype_name(dt), op_names[op], in_place ? " in place" : "",
           nda_error_message());
    dev_get(t, rb, 0, got, cap);
    for (int i = 0; i < COUNT && bad < 0; i++)
        if (!same_elem(dt, got + roff + (size_t)i * es, want + (size_t)i * es))
            bad = i;
    CHECKF(bad < 0, "allreduce %s %s%s: element %d differs (first bytes: got %02x, want %02x)",
           nda_dtype_name(dt), op_names[op], in_place ? " in place" : "", bad,
           bad < 0 ? 0 : got[roff + (size_t)bad * es], bad < 0 ? 0 : want[(size_t)bad * es]);
    CHECK(all_guard("allreduce: before", got, roff));
    CHECK(all_guard("allreduce: after", got + roff + bytes, 4 * es));
    if (!in_place) {
        dev_get(t, sb, soff, got, bytes);
        CHECK(memcmp(got, send, bytes) == 0);
    }
    dev_free(t, sb);
    if (!in_place)
        dev_free(t, rb);
    free(send);
    free(want);
    free(got);
}

/* 3000 float64 in 4096-byte passes, out of place; then nothing at all. */
static void sizes(tctx *t)
{
    const size_t n = 3000;
    double *h = malloc(n * sizeof *h);
    void *sb = dev_alloc(t, n * 8), *rb = dev_alloc(t, n * 8);
    int ok = 1;

    for (size_t i = 0; i < n; i++)
        h[i] = (double)(i % 97) + t->rank * 1000.0;
    dev_put(t, sb, 0, h, n * 8);
    CHECK_OK(t->ops->allreduce(t->comm, &t->q, sb, 0, rb, 0, n, NDA_FLOAT64, NDA_COMM_SUM));
    dev_get(t, rb, 0, h, n * 8);
    for (size_t i = 0; i < n && ok; i++)
        ok = h[i] == (double)(i % 97) * t->size + 1000.0 * t->size * (t->size - 1) / 2;
    CHECK(ok);
    CHECK_OK(t->ops->allreduce(t->comm, &t->q, NULL, 0, NULL, 0, 0, NDA_FLOAT64, NDA_COMM_SUM));
    dev_free(t, sb);
    dev_free(t, rb);
    free(h);
}

/* Values at the ends of the integer ranges (wrapping sums and products,
 * min/max of uint64 past 2^63), which small values never reach. */
static void extremes(tctx *t)
{
    uint64_t u[3], uw[3] = {UINT64_MAX, 0, 0};
    int16_t s[2], sw[2] = {0, 1};
    void *b = dev_alloc(t, 64);

    for (int r = 0; r < t->size; r++) {
        uint64_t v = UINT64_MAX - (uint64_t)r * 3;
        uw[0] = v < uw[0] ? v : uw[0];
        uw[1] = v > uw[1] ? v : uw[1];
        uw[2] += v;
        sw[0] = (int16_t)(uint16_t)((uint16_t)sw[0] + 20000u);
        sw[1] = (int16_t)(uint16_t)((uint32_t)(uint16_t)sw[1] * 300u);
    }
    u[0] = u[1] = u[2] = UINT64_MAX - (uint64_t)t->rank * 3;
    dev_put(t, b, 0, u, sizeof u);
    CHECK_OK(t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, 1, NDA_UINT64, NDA_COMM_MIN));
    CHECK_OK(t->ops->allreduce(t->comm, &t->q, b, 8, b, 8, 1, NDA_UINT64, NDA_COMM_MAX));
    CHECK_OK(t->ops->allreduce(t->comm, &t->q, b, 16, b, 16, 1, NDA_UINT64, NDA_COMM_SUM));
    dev_get(t, b, 0, u, sizeof u);
    CHECKF(u[0] == uw[0] && u[1] == uw[1] && u[2] == uw[2], "uint64 min/max/sum: %llu %llu %llu",
           (unsigned long long)u[0], (unsigned long long)u[1], (unsigned long long)u[2]);
    {
        int16_t v[32]; /* long enough for vectorised reductions */
        for (int k = 0; k < 32; k++)
            v[k] = k % 2 ? 300 : 20000;
        dev_put(t, b, 0, v, sizeof v);
        CHECK_OK(t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, 32, NDA_INT16, NDA_COMM_SUM));
        dev_get(t, b, 0, v, sizeof v);
        s[0] = v[0];
        s[1] = v[1];
        CHECKF(s[0] == sw[0] && s[1] == (int16_t)(300 * t->size),
               "int16 sums of 20000 and 300 per rank: %d %d, want %d", s[0], s[1], sw[0]);
        for (int k = 0; k < 32; k++)
            v[k] = 300;
        dev_put(t, b, 0, v, sizeof v);
        CHECK_OK(t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, 32, NDA_INT16, NDA_COMM_PROD));
        dev_get(t, b, 0, v, sizeof v);
        CHECKF(v[31] == sw[1], "int16 product of 300 per rank: %d, want %d", v[31], sw[1]);
    }
    dev_free(t, b);
}

/* Which reductions run on NCCL itself (counted by the fake) and which
 * through the host-staged fallback (NaN-propagating max/min, types NCCL
 * lacks). */
static void nccl_paths(tctx *t)
{
    static const struct {
        nda_dtype dt;
        nda_comm_op op;
        int native;
    } cases[] = {
        {NDA_FLOAT64, NDA_COMM_SUM, 1},    {NDA_COMPLEX128, NDA_COMM_SUM, 1},
        {NDA_BOOL, NDA_COMM_LOR, 1},       {NDA_INT64, NDA_COMM_MAX, 1},
        {NDA_FLOAT16, NDA_COMM_PROD, 1},   {NDA_FLOAT64, NDA_COMM_MAX, 0},
        {NDA_INT16, NDA_COMM_SUM, 0},      {NDA_COMPLEX64, NDA_COMM_PROD, 0},
    };
    void *b;

    if (fake_nccl_calls(t) < 0)
        return;
    b = dev_alloc(t, 64);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        long before = fake_nccl_calls(t);
        CHECK_OK(t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, 2, cases[k].dt, cases[k].op));
        CHECKF((fake_nccl_calls(t) > before) == cases[k].native, "%s %s: NCCL %s",
               nda_dtype_name(cases[k].dt), op_names[cases[k].op],
               cases[k].native ? "not used" : "used");
    }
    dev_free(t, b);
}

void test_allreduce(tctx *t)
{
    void *b = dev_alloc(t, 64);

    for (int dt = 0; dt < NDA_NTYPES; dt++)
        for (int op = NDA_COMM_SUM; op <= NDA_COMM_LOR; op++) {
            if (dt != NDA_BOOL && op >= NDA_COMM_LAND) {
                CHECK_RC(t->ops->allreduce(t->comm, &t->q, b, 0, b, 0, 2, (nda_dtype)dt,
                                           (nda_comm_op)op),
                         NDA_ETYPE);
                continue;
            }
            one(t, (nda_dtype)dt, (nda_comm_op)op, (dt + op) % 2);
        }
    one(t, NDA_FLOAT64, NDA_COMM_SUM, 0);
    one(t, NDA_FLOAT64, NDA_COMM_SUM, 1);
    dev_free(t, b);
    sizes(t);
    extremes(t);
    nccl_paths(t);
}

/* Whole-array folds of host evaluation (core/host_fold.h). */
#include "core/host_fold.h"

#include <string.h>

static bool is_float(nda_dtype t) { return t == NDA_FLOAT32 || t == NDA_FLOAT64; }
static bool is_int(nda_dtype t) { return t >= NDA_INT8 && t <= NDA_UINT64; }

bool nda_host_fold_supports(nda_op op, nda_dtype acc)
{
    if (op != NDA_OP_ADD && op != NDA_OP_MULTIPLY && op != NDA_OP_MAXIMUM && op != NDA_OP_MINIMUM)
        return false;
    if (acc == NDA_BOOL) return op == NDA_OP_MAXIMUM || op == NDA_OP_MINIMUM;
    return is_float(acc) || is_int(acc);
}

void nda_host_fold_init(nda_host_fold *f, nda_op op, nda_dtype acc)
{
    memset(f, 0, sizeof *f);
    f->op = op;
    f->acc = acc;
}

/* Float maximum (CMP >=) or minimum (<=), NaN-propagating, in 8 lanes
 * (vectorised compare and blend) folded into a at the end. */
#define LANE_FOLD(NAME, T, CMP)                                                       \
    static T NAME(const T *x, int64_t m, T a)                                         \
    {                                                                                 \
        T l[8] = {a, a, a, a, a, a, a, a};                                            \
        int64_t i = 0;                                                                \
        for (; i + 8 <= m; i += 8)                                                    \
            for (int j = 0; j < 8; j++) {                                             \
                T v = x[i + j];                                                       \
                l[j] = (l[j] CMP v || l[j] != l[j]) ? l[j] : v;                       \
            }                                                                         \
        for (; i < m; i++) a = (a CMP x[i] || a != a) ? a : x[i];                     \
        for (int j = 0; j < 8; j++) a = (a CMP l[j] || a != a) ? a : l[j];            \
        return a;                                                                     \
    }

/* Float blocks: 8 independent lanes (vectorised), then the lanes pairwise. */
#define FLOAT_FOLDS(N, T)                                                             \
    static T sum_##N(const T *x, int64_t m)                                           \
    {                                                                                 \
        T l[8] = {0, 0, 0, 0, 0, 0, 0, 0}, t = 0;                                     \
        int64_t i = 0;                                                                \
        for (; i + 8 <= m; i += 8)                                                    \
            for (int j = 0; j < 8; j++) l[j] += x[i + j];                             \
        for (; i < m; i++) t += x[i];                                                 \
        return (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) + t; \
    }                                                                                 \
    static T prod_##N(const T *x, int64_t m, T a)                                     \
    {                                                                                 \
        for (int64_t i = 0; i < m; i++) a *= x[i];                                    \
        return a;                                                                     \
    }                                                                                 \
    LANE_FOLD(max_##N, T, >=)                                                         \
    LANE_FOLD(min_##N, T, <=)

FLOAT_FOLDS(f32, float)
FLOAT_FOLDS(f64, double)

/* Integer blocks: sums and products modulo 2^64 (the accumulator's width
 * is a truncation of it), maximum and minimum in the type. */
#define INT_FOLDS(N, T)                                                               \
    static uint64_t sum_##N(const T *x, int64_t m, uint64_t a)                        \
    {                                                                                 \
        for (int64_t i = 0; i < m; i++) a += (uint64_t)x[i];                          \
        return a;                                                                     \
    }                                                                                 \
    static uint64_t prod_##N(const T *x, int64_t m, uint64_t a)                       \
    {                                                                                 \
        for (int64_t i = 0; i < m; i++) a *= (uint64_t)x[i];                          \
        return a;                                                                     \
    }                                                                                 \
    static T max_##N(const T *x, int64_t m, T a)                                      \
    {                                                                                 \
        for (int64_t i = 0; i < m; i++) a = x[i] > a ? x[i] : a;                      \
        return a;                                                                     \
    }                                                                                 \
    static T min_##N(const T *x, int64_t m, T a)                                      \
    {                                                                                 \
        for (int64_t i = 0; i < m; i++) a = x[i] < a ? x[i] : a;                      \
        return a;                                                                     \
    }

INT_FOLDS(b, uint8_t)
INT_FOLDS(i8, int8_t)
INT_FOLDS(u8, uint8_t)
INT_FOLDS(i16, int16_t)
INT_FOLDS(u16, uint16_t)
INT_FOLDS(i32, int32_t)
INT_FOLDS(u32, uint32_t)
INT_FOLDS(i64, int64_t)
INT_FOLDS(u64, uint64_t)

/* Adds one block partial to the binary counter of pairwise partials. */
static void push_partial(nda_host_fold *f, double p)
{
    int level = 0;
    uint64_t c = f->blocks;
    while (c & 1u) {
        p = f->acc == NDA_FLOAT32 ? (double)((float)f->part[level] + (float)p) : f->part[level] + p;
        c >>= 1;
        level++;
    }
    f->part[level] = p;
    f->blocks++;
}

#define FOLD_FLOAT(N, T, FIELD)                                                       \
    do {                                                                              \
        const T *x = xv;                                                              \
        if (f->op == NDA_OP_ADD) {                                                    \
            push_partial(f, (double)sum_##N(x, m));                                   \
        } else {                                                                      \
            T a = f->started ? f->v.FIELD : (f->op == NDA_OP_MULTIPLY ? (T)1 : x[0]); \
            if (f->op == NDA_OP_MULTIPLY) a = prod_##N(x, m, a);                      \
            else if (f->op == NDA_OP_MAXIMUM) a = max_##N(x, m, a);                   \
            else a = min_##N(x, m, a);                                                \
            f->v.FIELD = a;                                                           \
        }                                                                             \
    } while (0)

#define FOLD_INT(N, T)                                                                \
    do {                                                                              \
        const T *x = xv;                                                              \
        if (f->op == NDA_OP_ADD) {                                                    \
            f->v.u = sum_##N(x, m, f->v.u);                                           \
        } else if (f->op == NDA_OP_MULTIPLY) {                                        \
            f->v.u = prod_##N(x, m, f->started ? f->v.u : 1u);                        \
        } else {                                                                      \
            T a;                                                                      \
            if (f->started) memcpy(&a, f->v.bytes, sizeof a);                         \
            else a = x[0];                                                            \
            a = f->op == NDA_OP_MAXIMUM ? max_##N(x, m, a) : min_##N(x, m, a);        \
            memcpy(f->v.bytes, &a, sizeof a);                                         \
        }                                                                             \
    } while (0)

void nda_host_fold_block(nda_host_fold *f, const void *xv, int64_t m)
{
    if (m <= 0) return;
    switch (f->acc) {
    case NDA_BOOL: FOLD_INT(b, uint8_t); break; /* max/min of 0/1: or/and */
    case NDA_INT8: FOLD_INT(i8, int8_t); break;
    case NDA_UINT8: FOLD_INT(u8, uint8_t); break;
    case NDA_INT16: FOLD_INT(i16, int16_t); break;
    case NDA_UINT16: FOLD_INT(u16, uint16_t); break;
    case NDA_INT32: FOLD_INT(i32, int32_t); break;
    case NDA_UINT32: FOLD_INT(u32, uint32_t); break;
    case NDA_INT64: FOLD_INT(i64, int64_t); break;
    case NDA_UINT64: FOLD_INT(u64, uint64_t); break;
    case NDA_FLOAT32: FOLD_FLOAT(f32, float, f32); break;
    case NDA_FLOAT64: FOLD_FLOAT(f64, double, f64); break;
    default: return;
    }
    f->started = true;
}

void nda_host_fold_result(const nda_host_fold *f, void *out)
{
    size_t isz = nda_dtype_itemsize(f->acc);
    if (is_float(f->acc) && f->op == NDA_OP_ADD) {
        /* the partials from the smallest up: each level holds twice the blocks of the one below */
        double t = 0;
        bool first = true;
        for (int level = 0; level < 64; level++) {
            if (!(f->blocks >> level & 1u)) continue;
            if (first) t = f->part[level];
            else t = f->acc == NDA_FLOAT32 ? (double)((float)f->part[level] + (float)t) : f->part[level] + t;
            first = false;
        }
        if (f->acc == NDA_FLOAT32) {
            float v = (float)t;
            memcpy(out, &v, sizeof v);
        } else {
            memcpy(out, &t, sizeof t);
        }
        return;
    }
    if (!f->started) {
        /* nothing folded: sums 0, products 1 (maximum/minimum have no identity) */
        uint64_t one = f->op == NDA_OP_MULTIPLY;
        if (f->acc == NDA_FLOAT32) {
            float v = (float)one;
            memcpy(out, &v, sizeof v);
        } else if (f->acc == NDA_FLOAT64) {
            double v = (double)one;
            memcpy(out, &v, sizeof v);
        } else {
            memcpy(out, &one, isz); /* little-endian: the low bytes */
        }
        return;
    }
    if ((f->op == NDA_OP_ADD || f->op == NDA_OP_MULTIPLY) && is_int(f->acc)) {
        memcpy(out, &f->v.u, isz); /* the low bytes: the sum modulo 2^width (little-endian) */
        return;
    }
    memcpy(out, f->v.bytes, isz);
}

#include "host_reduce_loops.h"

#include <stdlib.h>
#include <string.h>

#include "nda/host_threads.h"

/* Below this many elements one thread does all: waking a helper (~10 us on
 * a 2-core VM) costs more than it saves. */
enum { PARALLEL_MIN = 262144, PIECE_MIN = 16384, MAX_PIECES = 64, PAIRWISE_BLOCK = 128 };

#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

/* ---- NumPy's pairwise summation (numpy/_core/src/umath/loops_utils.h.src) ----
 * A run of at most PAIRWISE_BLOCK elements goes into 8 accumulators, which are
 * added as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the last
 * n % 8 elements one by one; a longer run is the sum of its two halves, the
 * first n / 2 rounded down to a multiple of 8 elements long. ACC is the sum's
 * type (float32 sums stay in float32); each element is converted to ACC
 * first. The block loops are the only ones the compiler vectorises: lanes
 * are the 8 independent accumulators, so the order of additions is kept. */
#define PAIRWISE(NAME, T, ACC)                                                           \
    CLONES static ACC NAME##_block(const T *a, int64_t n)                                \
    {                                                                                    \
        if (n < 8) {                                                                     \
            ACC res = (ACC)0;                                                            \
            for (int64_t i = 0; i < n; i++) res += (ACC)a[i];                            \
            return res;                                                                  \
        }                                                                                \
        ACC r[8];                                                                        \
        for (int j = 0; j < 8; j++) r[j] = (ACC)a[j];                                    \
        int64_t i = 8;                                                                   \
        for (; i < n - (n % 8); i += 8)                                                  \
            for (int j = 0; j < 8; j++) r[j] += (ACC)a[i + j];                           \
        ACC res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));     \
        for (; i < n; i++) res += (ACC)a[i];                                             \
        return res;                                                                      \
    }                                                                                    \
    static ACC NAME(const T *a, int64_t n)                                               \
    {                                                                                    \
        if (n <= PAIRWISE_BLOCK) return NAME##_block(a, n);                              \
        int64_t n2 = n / 2;                                                              \
        n2 -= n2 % 8;                                                                    \
        return NAME(a, n2) + NAME(a + n2, n - n2);                                       \
    }

PAIRWISE(pairwise_f64, double, double)
PAIRWISE(pairwise_f32, float, float)
/* mean of bool and integers: float64 conversions (bool is stored as 0 or 1) */
PAIRWISE(pairwise_b_f64, uint8_t, double)
PAIRWISE(pairwise_i8_f64, int8_t, double)
PAIRWISE(pairwise_u8_f64, uint8_t, double)
PAIRWISE(pairwise_i16_f64, int16_t, double)
PAIRWISE(pairwise_u16_f64, uint16_t, double)
PAIRWISE(pairwise_i32_f64, int32_t, double)
PAIRWISE(pairwise_u32_f64, uint32_t, double)
PAIRWISE(pairwise_i64_f64, int64_t, double)
PAIRWISE(pairwise_u64_f64, uint64_t, double)

/* Pairwise sum in float64 of n elements of dtype t (float32: exact in float64,
 * being a float32 sum). */
static double pairwise(nda_dtype t, const void *p, int64_t n)
{
    switch (t) {
    case NDA_FLOAT64: return pairwise_f64(p, n);
    case NDA_FLOAT32: return pairwise_f32(p, n);
    case NDA_BOOL: return pairwise_b_f64(p, n);
    case NDA_INT8: return pairwise_i8_f64(p, n);
    case NDA_UINT8: return pairwise_u8_f64(p, n);
    case NDA_INT16: return pairwise_i16_f64(p, n);
    case NDA_UINT16: return pairwise_u16_f64(p, n);
    case NDA_INT32: return pairwise_i32_f64(p, n);
    case NDA_UINT32: return pairwise_u32_f64(p, n);
    case NDA_INT64: return pairwise_i64_f64(p, n);
    default: return pairwise_u64_f64(p, n);
    }
}

/* ---- order-free folds of one piece ---- */

/* What a piece of the array contributes. */
typedef struct {
    double f;     /* float sums and extremes (float32 values exactly) */
    uint64_t u;   /* integer sums modulo 2**64, unsigned extremes, counts */
    int64_t i;    /* signed extremes */
    int64_t at;   /* argmax/argmin: the piece's first extreme, array index */
    int nan;      /* a float NaN was met: NumPy's own loop decides */
} partial;

/* Integer sums in uint64 (wrap-around defined; int64 results reinterpret).
 * Narrow dtypes first sum blocks in an accumulator ACC wide enough for a
 * block (int8: 256 values in int16), which the compiler keeps in vector
 * lanes as wide as the data's, then add each block's sum, sign-extended. */
#define SUM_INT(NAME, T, ACC, BLOCK)                                                     \
    CLONES static uint64_t NAME(const T *a, int64_t n)                                   \
    {                                                                                    \
        uint64_t s = 0;                                                                  \
        int64_t i = 0;                                                                   \
        for (; i + BLOCK <= n; i += BLOCK) {                                             \
            ACC b = 0;                                                                   \
            for (int j = 0; j < BLOCK; j++) b += (ACC)a[i + j];                          \
            s += (uint64_t)(int64_t)b;                                                   \
        }                                                                                \
        for (; i < n; i++) s += (uint64_t)(int64_t)a[i];                                 \
        return s;                                                                        \
    }
SUM_INT(sum_i8, int8_t, int16_t, 256)
SUM_INT(sum_u8, uint8_t, uint16_t, 256)
SUM_INT(sum_i16, int16_t, int32_t, 65536)
SUM_INT(sum_u16, uint16_t, uint32_t, 65536)
SUM_INT(sum_i32, int32_t, int64_t, 4096)
SUM_INT(sum_u32, uint32_t, uint64_t, 4096)
SUM_INT(sum_u64, uint64_t, uint64_t, 4096)

/* Nonzero elements: bool and integers compare their bits, floats their values
 * (-0.0 is zero, NaN is not); counted per block of 4096 in an accumulator as
 * wide as the data (uint16 for bytes), as SUM_INT does. */
#define COUNT(NAME, T, ACC)                                                              \
    CLONES static uint64_t NAME(const T *a, int64_t n)                                   \
    {                                                                                    \
        uint64_t c = 0;                                                                  \
        int64_t i = 0;                                                                   \
        for (; i + 4096 <= n; i += 4096) {                                               \
            ACC b = 0;                                                                   \
            for (int j = 0; j < 4096; j++) b += (ACC)(a[i + j] != 0);                    \
            c += b;                                                                      \
        }                                                                                \
        for (; i < n; i++) c += a[i] != 0;                                               \
        return c;                                                                        \
    }
COUNT(count_u8, uint8_t, uint16_t)
COUNT(count_u16, uint16_t, uint16_t)
COUNT(count_u32, uint32_t, uint32_t)
COUNT(count_u64, uint64_t, uint64_t)
COUNT(count_f32, float, uint32_t)
COUNT(count_f64, double, uint64_t)

/* Extremes: `better(x, m)` is x > m (max) or x < m (min); integers. */
#define EXTREME_INT(NAME, T, CMP)                                                        \
    CLONES static T NAME(const T *a, int64_t n)                                          \
    {                                                                                    \
        T m = a[0];                                                                      \
        for (int64_t i = 1; i < n; i++) m = a[i] CMP m ? a[i] : m;                       \
        return m;                                                                        \
    }
/* Floats: the extreme of the non-NaN values and whether a NaN was met (the
 * caller then leaves the value to NumPy). Runs in 64-byte GCC vectors of
 * independent running extremes and NaN flags (the compiler does not
 * vectorise the scalar form); x > m selects per lane through a mask. Which
 * lane holds a value does not matter: equal non-zero floats are the same
 * value, and a zero extreme is left to NumPy too. */
typedef double vec_f64 __attribute__((vector_size(64)));
typedef int64_t mask_f64 __attribute__((vector_size(64)));
typedef float vec_f32 __attribute__((vector_size(64)));
typedef int32_t mask_f32 __attribute__((vector_size(64)));
#define EXTREME_FLOAT(NAME, T, V, M, CMP)                                                \
    CLONES static T NAME(const T *a, int64_t n, int *nan)                                \
    {                                                                                    \
        enum { W = sizeof(V) / sizeof(T), U = 4 };                                       \
        T m = a[0];                                                                      \
        int seen = 0;                                                                    \
        int64_t i = 0;                                                                   \
        if (n >= U * W) {                                                                \
            V lane[U], x;                                                                \
            M odd[U];                                                                    \
            for (int u = 0; u < U; u++) {                                                \
                memcpy(&lane[u], a + u * W, sizeof x);                                   \
                odd[u] = lane[u] != lane[u];                                             \
            }                                                                            \
            for (i = 0; i + U * W <= n; i += U * W)                                      \
                for (int u = 0; u < U; u++) {                                            \
                    memcpy(&x, a + i + u * W, sizeof x);                                 \
                    M take = x CMP lane[u];                                              \
                    lane[u] = (V)((take & (M)x) | (~take & (M)lane[u]));                 \
                    odd[u] |= x != x;                                                    \
                }                                                                        \
            m = lane[0][0];                                                              \
            for (int u = 0; u < U; u++)                                                  \
                for (int j = 0; j < W; j++) m = lane[u][j] CMP m ? lane[u][j] : m;       \
            for (int u = 0; u < U; u++)                                                  \
                for (int j = 0; j < W; j++) seen |= odd[u][j] != 0;                      \
        }                                                                                \
        for (; i < n; i++) {                                                             \
            m = a[i] CMP m ? a[i] : m;                                                   \
            seen |= a[i] != a[i];                                                        \
        }                                                                                \
        *nan = seen | (m != m);                                                          \
        return m;                                                                        \
    }
#define EXTREMES(SUF, T)                                                                 \
    EXTREME_INT(max_##SUF, T, >)                                                         \
    EXTREME_INT(min_##SUF, T, <)
EXTREMES(i8, int8_t)
EXTREMES(u8, uint8_t)
EXTREMES(i16, int16_t)
EXTREMES(u16, uint16_t)
EXTREMES(i32, int32_t)
EXTREMES(u32, uint32_t)
EXTREMES(i64, int64_t)
EXTREMES(u64, uint64_t)
EXTREME_FLOAT(max_f32, float, vec_f32, mask_f32, >)
EXTREME_FLOAT(min_f32, float, vec_f32, mask_f32, <)
EXTREME_FLOAT(max_f64, double, vec_f64, mask_f64, >)
EXTREME_FLOAT(min_f64, double, vec_f64, mask_f64, <)

/* Floats' argmax/argmin in one pass (two, max then find, cost 30% more on
 * data in the cache): per lane of GCC vectors, U sets of them, the running
 * extreme and the index where it first appeared (strict comparisons keep
 * the first). Every element belongs to one (set, lane) stream, so the
 * first index of the overall extreme is the smallest among the streams
 * that reach it. The extreme and whether a NaN was met go to *m and *nan;
 * indices are relative to a, which holds fewer than 2**30 elements (the
 * float32 lanes' indices are int32). */
#define ARG_EXTREME_FLOAT(NAME, T, V, M, I, CMP)                                         \
    CLONES static int64_t NAME(const T *a, int64_t n, T *m, int *nan)                    \
    {                                                                                    \
        enum { W = sizeof(V) / sizeof(T), U = 4 };                                       \
        T best = a[0];                                                                   \
        int64_t at = 0, i = 0;                                                           \
        int seen = 0;                                                                    \
        if (n >= U * W) {                                                                \
            V lane[U], x;                                                                \
            M first[U], odd[U], iota;                                                    \
            for (int j = 0; j < W; j++) iota[j] = j;                                     \
            for (int u = 0; u < U; u++) {                                                \
                memcpy(&lane[u], a + u * W, sizeof x);                                   \
                first[u] = iota + (I)(u * W);                                            \
                odd[u] = lane[u] != lane[u];                                             \
            }                                                                            \
            for (i = U * W; i + U * W <= n; i += U * W)                                  \
                for (int u = 0; u < U; u++) {                                            \
                    memcpy(&x, a + i + u * W, sizeof x);                                 \
                    M take = x CMP lane[u];                                              \
                    lane[u] = (V)((take & (M)x) | (~take & (M)lane[u]));                 \
                    first[u] = (take & (iota + (I)(i + u * W))) | (~take & first[u]);    \
                    odd[u] |= x != x;                                                    \
                }                                                                        \
            best = lane[0][0];                                                           \
            at = first[0][0];                                                            \
            for (int u = 0; u < U; u++)                                                  \
                for (int j = 0; j < W; j++) {                                            \
                    T v = lane[u][j];                                                    \
                    int64_t k = first[u][j];                                             \
                    if (v CMP best || (v == best && k < at)) {                           \
                        best = v;                                                        \
                        at = k;                                                          \
                    }                                                                    \
                    seen |= odd[u][j] != 0;                                              \
                }                                                                        \
        }                                                                                \
        for (; i < n; i++) {                                                             \
            if (a[i] CMP best) {                                                         \
                best = a[i];                                                             \
                at = i;                                                                  \
            }                                                                            \
            seen |= a[i] != a[i];                                                        \
        }                                                                                \
        *m = best;                                                                       \
        *nan = seen | (best != best);                                                    \
        return at;                                                                       \
    }
ARG_EXTREME_FLOAT(argmax_f32, float, vec_f32, mask_f32, int32_t, >)
ARG_EXTREME_FLOAT(argmin_f32, float, vec_f32, mask_f32, int32_t, <)
ARG_EXTREME_FLOAT(argmax_f64, double, vec_f64, mask_f64, int64_t, >)
ARG_EXTREME_FLOAT(argmin_f64, double, vec_f64, mask_f64, int64_t, <)

/* A float piece's first extreme into r, in runs of fewer than 2**30
 * elements (an earlier run wins ties). */
static void arg_extreme_float(nda_dtype t, int is_max, const char *p, int64_t n, partial *r)
{
    enum { RUN = (1 << 30) - 64 };
    int have = 0;
    for (int64_t lo = 0; lo < n; lo += RUN) {
        int64_t len = n - lo < RUN ? n - lo : RUN;
        double v;
        int64_t at;
        int nan = 0;
        if (t == NDA_FLOAT32) {
            const float *a = (const float *)p + lo;
            float m;
            at = is_max ? argmax_f32(a, len, &m, &nan) : argmin_f32(a, len, &m, &nan);
            v = m;
        } else {
            const double *a = (const double *)p + lo;
            at = is_max ? argmax_f64(a, len, &v, &nan) : argmin_f64(a, len, &v, &nan);
        }
        r->nan |= nan;
        if (!have || (is_max ? v > r->f : v < r->f)) {
            r->f = v;
            r->at = lo + at;
            have = 1;
        }
    }
}

/* Index of the first element whose bits equal v's (v is present), for each
 * element width: blocks of FIND_BLOCK elements are tested whole (a count of
 * matches, which the compiler vectorises), then the block that holds v
 * element by element. Floats search their bits: the extremes searched are
 * neither zeros nor NaNs, so equal bits and equal values are the same. */
enum { FIND_BLOCK = 64 };
#define FIND(NAME, T)                                                                    \
    CLONES static int64_t NAME(const T *a, int64_t n, T v)                               \
    {                                                                                    \
        int64_t i = 0;                                                                   \
        for (; i + FIND_BLOCK <= n; i += FIND_BLOCK) {                                   \
            T hits = 0;                                                                  \
            for (int j = 0; j < FIND_BLOCK; j++) hits += a[i + j] == v;                  \
            if (hits) break;                                                             \
        }                                                                                \
        for (; i < n; i++)                                                               \
            if (a[i] == v) return i;                                                     \
        return n;                                                                        \
    }
FIND(find_b8, uint8_t)
FIND(find_b16, uint16_t)
FIND(find_b32, uint32_t)
FIND(find_b64, uint64_t)

/* find_bN of the bits of v, an integer or bool value of dtype t. */
static int64_t find_value(nda_dtype t, const char *p, int64_t n, const partial *r)
{
    uint64_t v = nda_dtype_kind(t) == NDA_KIND_INT ? (uint64_t)r->i : r->u;
    switch (nda_dtype_itemsize(t)) {
    case 1: return find_b8((const uint8_t *)p, n, (uint8_t)v);
    case 2: return find_b16((const uint16_t *)p, n, (uint16_t)v);
    case 4: return find_b32((const uint32_t *)p, n, (uint32_t)v);
    default: return find_b64((const uint64_t *)p, n, v);
    }
}

/* The extreme of piece [p, p + n) into r (r->i signed, r->u unsigned and bool,
 * r->f floats; r->nan), and for arg ops its first index (relative to p). */
static void extreme_piece(nda_dtype t, int is_max, int want_at, const char *p, int64_t n,
                          partial *r)
{
    if (want_at && (t == NDA_FLOAT32 || t == NDA_FLOAT64)) {
        arg_extreme_float(t, is_max, p, n, r);
        return;
    }
#define INT_CASE(DT, SUF, T, FIELD)                                                      \
    case DT: {                                                                           \
        T m = is_max ? max_##SUF((const T *)p, n) : min_##SUF((const T *)p, n);          \
        r->FIELD = m;                                                                    \
        break;                                                                           \
    }
    switch (t) {
    INT_CASE(NDA_BOOL, u8, uint8_t, u)
    INT_CASE(NDA_INT8, i8, int8_t, i)
    INT_CASE(NDA_UINT8, u8, uint8_t, u)
    INT_CASE(NDA_INT16, i16, int16_t, i)
    INT_CASE(NDA_UINT16, u16, uint16_t, u)
    INT_CASE(NDA_INT32, i32, int32_t, i)
    INT_CASE(NDA_UINT32, u32, uint32_t, u)
    INT_CASE(NDA_INT64, i64, int64_t, i)
    INT_CASE(NDA_UINT64, u64, uint64_t, u)
    case NDA_FLOAT32: {
        float m = is_max ? max_f32((const float *)p, n, &r->nan)
                         : min_f32((const float *)p, n, &r->nan);
        r->f = m;
        break;
    }
    default: {
        double m = is_max ? max_f64((const double *)p, n, &r->nan)
                          : min_f64((const double *)p, n, &r->nan);
        r->f = m;
        break;
    }
    }
#undef INT_CASE
    if (want_at && !r->nan)
        r->at = find_value(t, p, n, r);
}

static uint64_t sum_piece(nda_dtype t, const char *p, int64_t n)
{
    switch (t) {
    case NDA_BOOL:
    case NDA_UINT8: return sum_u8((const uint8_t *)p, n);
    case NDA_INT8: return sum_i8((const int8_t *)p, n);
    case NDA_INT16: return sum_i16((const int16_t *)p, n);
    case NDA_UINT16: return sum_u16((const uint16_t *)p, n);
    case NDA_INT32: return sum_i32((const int32_t *)p, n);
    case NDA_UINT32: return sum_u32((const uint32_t *)p, n);
    default: return sum_u64((const uint64_t *)p, n);
    }
}

uint64_t ndapy_count_nonzero(nda_dtype t, const void *p, int64_t n)
{
    switch (t) {
    case NDA_FLOAT32: return count_f32((const float *)p, n);
    case NDA_FLOAT64: return count_f64((const double *)p, n);
    default:
        switch (nda_dtype_itemsize(t)) {
        case 1: return count_u8((const uint8_t *)p, n);
        case 2: return count_u16((const uint16_t *)p, n);
        case 4: return count_u32((const uint32_t *)p, n);
        default: return count_u64((const uint64_t *)p, n);
        }
    }
}

/* ---- the pieces of one call ---- */

struct ndapy_reduction {
    ndapy_reduce_op op;
    nda_dtype t;
    const char *base;
    size_t itemsize;
    int64_t npieces;
    int64_t lo[MAX_PIECES];    /* first element of each piece (fixed pieces) */
    int64_t len[MAX_PIECES];
    int64_t chunk;             /* > 0: piece k is the k-th buffer of this many elements */
    int threads;               /* threads to run the pieces on (1 below PARALLEL_MIN) */
    int64_t n;
    partial *out;              /* npieces results */
    int depth;                 /* pairwise sums: levels of the recursion split */
};
typedef struct ndapy_reduction job;

static void run_piece(void *ctx, int64_t k)
{
    job *j = ctx;
    int64_t lo = j->chunk > 0 ? k * j->chunk : j->lo[k];
    int64_t n = j->chunk > 0 ? (j->n - lo < j->chunk ? j->n - lo : j->chunk) : j->len[k];
    const char *p = j->base + (size_t)lo * j->itemsize;
    partial *r = &j->out[k];
    switch (j->op) {
    case NDAPY_SUM:
    case NDAPY_MEAN:
        if (j->t == NDA_FLOAT64 || j->t == NDA_FLOAT32 || j->op == NDAPY_MEAN)
            r->f = pairwise(j->t, p, n);
        else
            r->u = sum_piece(j->t, p, n);
        break;
    case NDAPY_COUNT_NONZERO:
        r->u = ndapy_count_nonzero(j->t, p, n);
        break;
    default:
        extreme_piece(j->t, j->op == NDAPY_MAX || j->op == NDAPY_ARGMAX,
                      j->op == NDAPY_ARGMAX || j->op == NDAPY_ARGMIN, p, n, r);
        r->at += lo;
        break;
    }
}

/* The leaves of NumPy's pairwise recursion over [lo, lo + n), `depth` levels
 * down (runs of PAIRWISE_BLOCK or fewer are not split), appended in order. */
static void pairwise_leaves(job *j, int64_t lo, int64_t n, int depth)
{
    if (depth == 0 || n <= PAIRWISE_BLOCK) {
        j->lo[j->npieces] = lo;
        j->len[j->npieces] = n;
        j->npieces++;
        return;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    pairwise_leaves(j, lo, n2, depth - 1);
    pairwise_leaves(j, lo + n2, n - n2, depth - 1);
}

/* The sum of the leaves from *k on, combined as the recursion that made them
 * (consumes them in order). */
static double pairwise_combine(const job *j, int64_t *k, int64_t n, int depth, int is_f32)
{
    if (depth == 0 || n <= PAIRWISE_BLOCK)
        return j->out[(*k)++].f;
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    double a = pairwise_combine(j, k, n2, depth - 1, is_f32);
    double b = pairwise_combine(j, k, n - n2, depth - 1, is_f32);
    return is_f32 ? (double)((float)a + (float)b) : a + b;
}

/* Splits the job into pieces for `threads` threads. Pairwise sums: the
 * recursion's leaves down to PIECE_MIN elements (at most 16); buffered means:
 * one piece per buffer; the rest: equal runs of whole 64-byte lines. */
static void split(job *j, int threads, int64_t bufsize)
{
    int64_t n = j->n;
    int pairwise_sum = (j->op == NDAPY_SUM || j->op == NDAPY_MEAN) &&
                       (j->t == NDA_FLOAT64 || j->t == NDA_FLOAT32);
    int *depth = &j->depth;
    *depth = 0;
    j->npieces = 0;
    j->chunk = 0;
    j->threads = n < PARALLEL_MIN ? 1 : threads;
    if (j->op == NDAPY_MEAN && !pairwise_sum) {
        j->chunk = bufsize;
        j->npieces = n / bufsize + (n % bufsize != 0);
        return;
    }
    if (j->threads <= 1) {
        j->lo[0] = 0;
        j->len[0] = n;
        j->npieces = 1;
        return;
    }
    if (pairwise_sum) {
        while (*depth < 4 && (n >> (*depth + 1)) >= PIECE_MIN)
            ++*depth;
        pairwise_leaves(j, 0, n, *depth);
        return;
    }
    int64_t pieces = (int64_t)threads * 4;
    if (pieces > MAX_PIECES)
        pieces = MAX_PIECES;
    if (pieces > n / PIECE_MIN)
        pieces = n / PIECE_MIN > 0 ? n / PIECE_MIN : 1;
    /* ceil(n / pieces) rounded up to whole lines: at most `pieces` pieces */
    int64_t line = 64 / (int64_t)j->itemsize;
    int64_t step = ((n + pieces - 1) / pieces + line - 1) / line * line;
    for (int64_t lo = 0; lo < n; lo += step) {
        j->lo[j->npieces] = lo;
        j->len[j->npieces] = n - lo < step ? n - lo : step;
        j->npieces++;
    }
}


int ndapy_reduction_handles(ndapy_reduce_op op, nda_dtype t)
{
    (void)op;
    return t != NDA_FLOAT16 && t != NDA_COMPLEX64 && t != NDA_COMPLEX128 && nda_dtype_valid(t);
}

ndapy_reduction *ndapy_reduction_new(ndapy_reduce_op op, nda_dtype t, int64_t n, int threads,
                                     int64_t bufsize)
{
    job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return NULL;
    j->op = op;
    j->t = t;
    j->n = n;
    j->itemsize = nda_dtype_itemsize(t);
    split(j, threads, bufsize);
    j->out = calloc((size_t)j->npieces, sizeof *j->out);
    if (j->out == NULL) {
        free(j);
        return NULL;
    }
    return j;
}

void ndapy_reduction_run(ndapy_reduction *j, const void *base)
{
    j->base = base;
    nda_host_parallel_for(run_piece, j, j->npieces, j->threads);
}

void ndapy_reduction_free(ndapy_reduction *j)
{
    if (j != NULL) {
        free(j->out);
        free(j);
    }
}

#define SET(T, V) (memcpy(value, &(T){(T)(V)}, sizeof(T)))

int ndapy_reduction_result(const ndapy_reduction *j, nda_dtype *type, void *value)
{
    ndapy_reduce_op op = j->op;
    nda_dtype t = j->t;
    nda_kind kind = nda_dtype_kind(t);
    int is_float = kind == NDA_KIND_FLOAT;
    if (op == NDAPY_COUNT_NONZERO) {
        uint64_t c = 0;
        for (int64_t k = 0; k < j->npieces; k++) c += j->out[k].u;
        *type = NDA_INT64;
        SET(int64_t, c);
        return 1;
    }
    if (op == NDAPY_SUM && !is_float) {
        uint64_t s = 0;
        for (int64_t k = 0; k < j->npieces; k++) s += j->out[k].u;
        *type = kind == NDA_KIND_UINT ? NDA_UINT64 : NDA_INT64;
        SET(uint64_t, s);
        return 1;
    }
    if (op == NDAPY_MEAN && !is_float) {
        /* NumPy's buffered reduction: the initial 0.0, plus each buffer's sum */
        double s = 0.0;
        for (int64_t k = 0; k < j->npieces; k++) s += j->out[k].f;
        *type = NDA_FLOAT64;
        SET(double, s / (double)j->n);
        return 1;
    }
    if (op == NDAPY_SUM || op == NDAPY_MEAN) {
        int64_t k = 0;
        double s = pairwise_combine(j, &k, j->n, j->depth, t == NDA_FLOAT32);
        *type = t;
        if (t == NDA_FLOAT32) {
            float f = 0.0f + (float)s; /* the reduction's initial value, then the sum */
            /* NumPy's mean: float32 sum / intp count, in float64 (NEP 50), rounded
             * to float32 (once more rounding than float32 division, but the same
             * value: 53 >= 2 * 24 + 2 bits); n need not be a float32 */
            SET(float, op == NDAPY_MEAN ? (float)((double)f / (double)j->n) : f);
        } else {
            double d = 0.0 + s;
            SET(double, op == NDAPY_MEAN ? d / (double)j->n : d);
        }
        return 1;
    }
    /* extremes: the first piece holding the best value wins ties */
    int is_max = op == NDAPY_MAX || op == NDAPY_ARGMAX;
    int64_t best = 0;
    for (int64_t k = 0; k < j->npieces; k++) {
        const partial *r = &j->out[k];
        if (r->nan)
            return 0;
        const partial *b = &j->out[best];
        int better = is_float ? (is_max ? r->f > b->f : r->f < b->f)
                     : kind == NDA_KIND_INT ? (is_max ? r->i > b->i : r->i < b->i)
                                            : (is_max ? r->u > b->u : r->u < b->u);
        if (better)
            best = k;
    }
    const partial *b = &j->out[best];
    if (is_float && b->f == 0.0)
        return 0;
    if (op == NDAPY_ARGMAX || op == NDAPY_ARGMIN) {
        *type = NDA_INT64;
        SET(int64_t, b->at);
        return 1;
    }
    *type = t;
    switch (t) {
    case NDA_FLOAT64: SET(double, b->f); break;
    case NDA_FLOAT32: SET(float, b->f); break;
    case NDA_BOOL: SET(uint8_t, b->u != 0); break;
    case NDA_INT8: SET(int8_t, b->i); break;
    case NDA_UINT8: SET(uint8_t, b->u); break;
    case NDA_INT16: SET(int16_t, b->i); break;
    case NDA_UINT16: SET(uint16_t, b->u); break;
    case NDA_INT32: SET(int32_t, b->i); break;
    case NDA_UINT32: SET(uint32_t, b->u); break;
    case NDA_INT64: SET(int64_t, b->i); break;
    default: SET(uint64_t, b->u); break;
    }
    return 1;
}

/* ---- extremes along rows ---- */

typedef struct {
    ndapy_reduce_op op;
    nda_dtype t;
    const char *base;
    size_t itemsize;
    int64_t rows, n, per_task;
    char *out;
    int declined; /* some row's float extreme met a NaN or is a zero */
} rows_job;

static void store_extreme(nda_dtype t, const partial *r, char *dst)
{
    switch (t) {
    case NDA_FLOAT64: memcpy(dst, &r->f, 8); break;
    case NDA_FLOAT32: { float f = (float)r->f; memcpy(dst, &f, 4); break; }
    case NDA_BOOL: *(uint8_t *)dst = r->u != 0; break;
    case NDA_INT8: case NDA_UINT8: *(uint8_t *)dst = (uint8_t)(nda_dtype_kind(t) == NDA_KIND_INT ? (uint64_t)r->i : r->u); break;
    case NDA_INT16: case NDA_UINT16: { uint16_t v = (uint16_t)(nda_dtype_kind(t) == NDA_KIND_INT ? (uint64_t)r->i : r->u); memcpy(dst, &v, 2); break; }
    case NDA_INT32: case NDA_UINT32: { uint32_t v = (uint32_t)(nda_dtype_kind(t) == NDA_KIND_INT ? (uint64_t)r->i : r->u); memcpy(dst, &v, 4); break; }
    default: { uint64_t v = nda_dtype_kind(t) == NDA_KIND_INT ? (uint64_t)r->i : r->u; memcpy(dst, &v, 8); break; }
    }
}

static void run_rows(void *ctx, int64_t k)
{
    rows_job *j = ctx;
    int is_max = j->op == NDAPY_MAX || j->op == NDAPY_ARGMAX;
    int want_at = j->op == NDAPY_ARGMAX || j->op == NDAPY_ARGMIN;
    int is_float = nda_dtype_kind(j->t) == NDA_KIND_FLOAT;
    int64_t first = k * j->per_task, last = first + j->per_task;
    if (last > j->rows)
        last = j->rows;
    for (int64_t m = first; m < last; m++) {
        if (__atomic_load_n(&j->declined, __ATOMIC_RELAXED))
            return;
        partial r = {0};
        extreme_piece(j->t, is_max, want_at, j->base + (size_t)(m * j->n) * j->itemsize, j->n, &r);
        if (is_float && (r.nan || r.f == 0.0)) {
            __atomic_store_n(&j->declined, 1, __ATOMIC_RELAXED);
            return;
        }
        if (want_at)
            memcpy(j->out + (size_t)m * 8, &r.at, 8);
        else
            store_extreme(j->t, &r, j->out + (size_t)m * j->itemsize);
    }
}

int ndapy_rows_extreme(ndapy_reduce_op op, nda_dtype t, const void *base, int64_t rows,
                       int64_t n, int threads, void *out)
{
    rows_job j = {op, t, base, nda_dtype_itemsize(t), rows, n, 0, out, 0};
    if (rows * n < PARALLEL_MIN || threads < 1)
        threads = 1;
    int64_t tasks = (int64_t)threads * 4;
    if (tasks > rows)
        tasks = rows;
    j.per_task = (rows + tasks - 1) / tasks;
    tasks = (rows + j.per_task - 1) / j.per_task;
    nda_host_parallel_for(run_rows, &j, tasks, threads);
    return !j.declined;
}


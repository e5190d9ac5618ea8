#define _POSIX_C_SOURCE 200809L /* clock_gettime */

/* Host evaluation of fused stores: an interpreter of the linearised DAG
 * (kernels/fused.h) over blocks of up to BLOCK elements along the space's
 * innermost axis. Each node runs one typed loop over the block (compiled
 * with -O3 -ffp-contract=off: vectorised, no fused multiply-add, so IEEE
 * arithmetic gives the kernels' and NumPy's bits). Leaves with unit or
 * zero inner stride are read in place; others are gathered into a block.
 * Semantics mirror kernels/ops.c, the kernels' emitter: signed integers
 * wrap (computed in unsigned types), integer division by zero gives 0,
 * maximum/minimum propagate NaN, bool add/multiply are or/and. */
#include "core/host_eval.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/device_internal.h"
#include "core/host_fold.h"
#include "nda/error.h"
#include "nda/host_eval.h"
#include "nda/host_threads.h"

#define BLOCK 512
/* The limit's factor for folds and for stores with an idle queue
 * (nda_host_eval_accepts). */
#define IDLE_FACTOR 4
/* A queued command, in multiples of the limit, past which stores stay
 * kernels. */
#define BUSY_FACTOR 4
/* Work units of an operand strided along the innermost axis, its elements
 * 128 bytes or more apart (a cache line each: nda_host_eval_accepts) ... */
#define STRIDED_WEIGHT 32
/* ... but an operand whose elements lie closer shares each cache line
 * between neighbours: ~1 unit per 4 bytes of stride, at least this. a * b
 * + 1 over two 65536-element columns of n x 2 or n x 4 float64 takes 87
 * us on the host against 19 contiguous, ~9 units per operand; n x 8 (64
 * bytes apart), 171 us, ~20 units. */
#define MIN_STRIDED_WEIGHT 8
/* host_weight of the C library's math functions */
#define LIBM_WEIGHT 96
/* Stores and folds of at least this much work (elements x work per
 * element) are split over the device's threads (walk_tasks), each taking >= half of
 * it: a polling helper joins within ~1 us (a sleeping one in 5-20), a + b
 * over 64k float64 takes ~13 us on one thread. */
#define PARALLEL_WORK ((int64_t)1 << 16)
#define MAX_TASKS 16
/* threads_factor's factor per thread */
#define THREADS_FACTOR 4

/* ---- policy ---- */

static atomic_llong g_limit = -1; /* -1: not read from the environment yet */
static atomic_ullong g_count;

static int64_t limit_from_env(void)
{
    const char *lib = getenv("NDACCEL_HOST_LIBRARIES");
    if (lib && strcmp(lib, "0") == 0) return 0;
    const char *v = getenv("NDACCEL_HOST_EVAL");
    if (!v || !*v) return NDA_HOST_EVAL_DEFAULT_LIMIT;
    char *end = NULL;
    long long x = strtoll(v, &end, 10);
    return (end && *end == '\0' && x > 0) ? (int64_t)x : 0;
}

int64_t nda_host_eval_limit(void)
{
    long long v = atomic_load(&g_limit);
    if (v < 0) {
        v = limit_from_env();
        atomic_store(&g_limit, v);
    }
    return v;
}

int64_t nda_host_eval_set_limit(int64_t limit)
{
    int64_t old = nda_host_eval_limit();
    atomic_store(&g_limit, limit > 0 ? limit : 0);
    return old;
}

uint64_t nda_host_eval_count(void) { return atomic_load(&g_count); }

/* ---- typed loops ----
 * A loop computes m values into o from arguments a[k] whose step st[k] is
 * 1 (a block) or 0 (one value broadcast). */
typedef void (*loop_fn)(void *o, const void *const *a, const int *st, int64_t m);

typedef uint8_t b_t;

/* Each loop is compiled for AVX-512 (with and without x86-64-v4's byte and
 * word instructions), AVX2 and the baseline and picked by the CPU at load
 * time (ifunc): NumPy's loops dispatch the same way, and in-cache blocks
 * are bound by the vector width (a + b on 4096 float64: SSE2 ~2x slower;
 * a > 0 into bools over 256k float64: 36 us with AVX-512F alone, 26 with
 * x86-64-v4's mask-to-byte moves, NumPy 27). Only exact operations differ
 * in speed; contraction stays off (-ffp-contract=off), so every clone
 * gives the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define LOOP_CLONES __attribute__((target_clones("default", "avx2", "avx512f", "arch=x86-64-v4")))
#else
#define LOOP_CLONES
#endif

#define UNARY(name, T, R, EXPR)                                                       \
    LOOP_CLONES static void name(void *o_, const void *const *a_, const int *st, int64_t m) \
    {                                                                                 \
        R *o = o_;                                                           \
        const T *x = a_[0];                                                           \
        if (!st[0]) m = 1;                                                            \
        for (int64_t i = 0; i < m; i++) {                                             \
            T a = x[i];                                                               \
            o[i] = (R)(EXPR);                                                         \
        }                                                                             \
    }

#define BINARY(name, T, R, EXPR)                                                      \
    LOOP_CLONES static void name(void *o_, const void *const *a_, const int *st, int64_t m) \
    {                                                                                 \
        R *o = o_;                                                           \
        const T *x = a_[0], *y = a_[1];                                               \
        if (st[0] && st[1]) {                                                         \
            for (int64_t i = 0; i < m; i++) {                                         \
                T a = x[i], b = y[i];                                                 \
                o[i] = (R)(EXPR);                                                     \
            }                                                                         \
        } else if (st[0]) {                                                           \
            T b = y[0];                                                               \
            for (int64_t i = 0; i < m; i++) {                                         \
                T a = x[i];                                                           \
                o[i] = (R)(EXPR);                                                     \
            }                                                                         \
        } else if (st[1]) {                                                           \
            T a = x[0];                                                               \
            for (int64_t i = 0; i < m; i++) {                                         \
                T b = y[i];                                                           \
                o[i] = (R)(EXPR);                                                     \
            }                                                                         \
        } else {                                                                      \
            T a = x[0], b = y[0];                                                     \
            o[0] = (R)(EXPR);                                                         \
        }                                                                             \
    }

/* where(c, x, y): a select over whole blocks where the condition is a
 * block (vectorised: both values are read, one kept), else the one
 * condition's choice. m values are written even when every argument is
 * one value (the caller then reads the first only). */
#define WHERE(name, T)                                                                \
    LOOP_CLONES static void name(void *o_, const void *const *a_, const int *st, int64_t m) \
    {                                                                                 \
        T *o = o_;                                                           \
        const b_t *c = a_[0];                                                         \
        const T *x = a_[1], *y = a_[2];                                               \
        int sx = st[1], sy = st[2];                                                   \
        if (!st[0]) {                                                                 \
            const T *v = c[0] ? x : y;                                                \
            if (c[0] ? sx : sy) {                                                     \
                for (int64_t i = 0; i < m; i++) o[i] = v[i];                          \
            } else {                                                                  \
                T one = v[0];                                                         \
                for (int64_t i = 0; i < m; i++) o[i] = one;                           \
            }                                                                         \
        } else if (sx && sy) {                                                        \
            for (int64_t i = 0; i < m; i++) o[i] = c[i] ? x[i] : y[i];                \
        } else if (sx) {                                                              \
            T b = y[0];                                                               \
            for (int64_t i = 0; i < m; i++) o[i] = c[i] ? x[i] : b;                   \
        } else if (sy) {                                                              \
            T a = x[0];                                                               \
            for (int64_t i = 0; i < m; i++) o[i] = c[i] ? a : y[i];                   \
        } else {                                                                      \
            T a = x[0], b = y[0];                                                     \
            for (int64_t i = 0; i < m; i++) o[i] = c[i] ? a : b;                      \
        }                                                                             \
    }

/* Integer helpers, as the kernels' templates (kernels/ops.c). */
#define INT_HELPERS(N, T, U, SIGNED)                                                  \
    static inline T floordiv_##N(T a, T b)                                            \
    {                                                                                 \
        if (b == 0) return 0;                                                         \
        if (SIGNED) {                                                                 \
            if (b == (T)-1) return (T)((U)0 - (U)a);                                  \
            T q = (T)(a / b);                                                         \
            if ((a % b) != 0 && ((a < 0) != (b < 0))) q--;                            \
            return q;                                                                 \
        }                                                                             \
        return (T)(a / b);                                                            \
    }                                                                                 \
    static inline T remainder_##N(T a, T b)                                           \
    {                                                                                 \
        if (b == 0) return 0;                                                         \
        if (SIGNED) {                                                                 \
            if (b == (T)-1) return 0;                                                 \
            T r = (T)(a % b);                                                         \
            if (r != 0 && ((r < 0) != (b < 0))) r = (T)(r + b);                       \
            return r;                                                                 \
        }                                                                             \
        return (T)(a % b);                                                            \
    }                                                                                 \
    static inline T power_##N(T a, T b)                                               \
    {                                                                                 \
        if (b <= 0) return b == 0 ? (T)1 : (T)0;                                      \
        U r = 1, x = (U)a, e = (U)b;                                                  \
        while (e) {                                                                   \
            if (e & 1u) r = r * x;                                                    \
            x = x * x;                                                                \
            e >>= 1;                                                                  \
        }                                                                             \
        return (T)r;                                                                  \
    }                                                                                 \
    static inline T lshift_##N(T a, T b)                                              \
    {                                                                                 \
        return (b >= 0 && (U)b < (U)(sizeof(T) * 8)) ? (T)((U)a << (U)b) : (T)0;     \
    }                                                                                 \
    static inline T rshift_##N(T a, T b)                                              \
    {                                                                                 \
        if (b >= 0 && (U)b < (U)(sizeof(T) * 8)) return (T)(a >> b);                  \
        return (SIGNED && a < 0) ? (T)-1 : (T)0;                                      \
    }

/* N name, T type, U wide unsigned, S signed */
#define INT_TYPES(X)                                                                  \
    X(i8, int8_t, uint32_t, 1)                                                        \
    X(u8, uint8_t, uint32_t, 0)                                                       \
    X(i16, int16_t, uint32_t, 1)                                                      \
    X(u16, uint16_t, uint32_t, 0)                                                     \
    X(i32, int32_t, uint32_t, 1)                                                      \
    X(u32, uint32_t, uint32_t, 0)                                                     \
    X(i64, int64_t, uint64_t, 1)                                                      \
    X(u64, uint64_t, uint64_t, 0)

#define INT_LOOPS(N, T, U, S)                                                         \
    INT_HELPERS(N, T, U, S)                                                           \
    BINARY(add_##N, T, T, (U)a + (U)b)                                                \
    BINARY(sub_##N, T, T, (U)a - (U)b)                                                \
    BINARY(mul_##N, T, T, (U)a * (U)b)                                                \
    BINARY(floordiv_l_##N, T, T, floordiv_##N(a, b))                                  \
    BINARY(remainder_l_##N, T, T, remainder_##N(a, b))                                \
    BINARY(fmod_##N, T, T, (b == 0 || (S && b == (T)-1)) ? 0 : a % b)                 \
    BINARY(power_l_##N, T, T, power_##N(a, b))                                        \
    BINARY(max_##N, T, T, a > b ? a : b)                                              \
    BINARY(min_##N, T, T, a < b ? a : b)                                              \
    BINARY(and_##N, T, T, a & b)                                                      \
    BINARY(or_##N, T, T, a | b)                                                       \
    BINARY(xor_##N, T, T, a ^ b)                                                      \
    BINARY(lshift_l_##N, T, T, lshift_##N(a, b))                                      \
    BINARY(rshift_l_##N, T, T, rshift_##N(a, b))                                      \
    UNARY(neg_##N, T, T, (U)0 - (U)a)                                                 \
    UNARY(inv_##N, T, T, ~a)                                                          \
    UNARY(abs_##N, T, T, (S && a < 0) ? (T)((U)0 - (U)a) : a)                         \
    UNARY(square_##N, T, T, (U)a * (U)a)                                              \
    UNARY(sign_##N, T, T, S ? (T)((a > 0) - (a < 0)) : (T)(a > 0))                    \
    UNARY(ident_##N, T, T, a)

INT_TYPES(INT_LOOPS)

/* Float helpers, as kernels/ops.c's templates. */
#define FLOAT_HELPERS(N, T, F)                                                        \
    static inline T floordiv_##N(T a, T b)                                            \
    {                                                                                 \
        if (b == 0) return a / b;                                                     \
        T mod = fmod##F(a, b), div = (a - mod) / b, fd;                               \
        if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;                             \
        if (div != 0) {                                                               \
            fd = floor##F(div);                                                       \
            if (div - fd > (T)0.5) fd += 1;                                           \
        } else {                                                                      \
            fd = copysign##F((T)0, a / b);                                            \
        }                                                                             \
        return fd;                                                                    \
    }                                                                                 \
    static inline T remainder_##N(T a, T b)                                           \
    {                                                                                 \
        T mod = fmod##F(a, b);                                                        \
        if (b == 0) return mod;                                                       \
        if (mod != 0) {                                                               \
            if ((b < 0) != (mod < 0)) mod += b;                                       \
        } else {                                                                      \
            mod = copysign##F((T)0, b);                                               \
        }                                                                             \
        return mod;                                                                   \
    }

/* N name, T type, F libm suffix ("" or f) */
#define FLOAT_TYPES(X)                                                                \
    X(f32, float, f)                                                                  \
    X(f64, double, )

#define FLOAT_LOOPS(N, T, F)                                                          \
    FLOAT_HELPERS(N, T, F)                                                            \
    BINARY(add_##N, T, T, a + b)                                                      \
    BINARY(sub_##N, T, T, a - b)                                                      \
    BINARY(mul_##N, T, T, a * b)                                                      \
    BINARY(div_##N, T, T, a / b)                                                      \
    BINARY(floordiv_l_##N, T, T, floordiv_##N(a, b))                                  \
    BINARY(remainder_l_##N, T, T, remainder_##N(a, b))                                \
    BINARY(fmod_##N, T, T, fmod##F(a, b))                                             \
    BINARY(power_l_##N, T, T, pow##F(a, b))                                           \
    BINARY(max_##N, T, T, (a >= b || a != a) ? a : b)                                 \
    BINARY(min_##N, T, T, (a <= b || a != a) ? a : b)                                 \
    BINARY(fmax_##N, T, T, fmax##F(a, b))                                             \
    BINARY(fmin_##N, T, T, fmin##F(a, b))                                             \
    BINARY(copysign_##N, T, T, copysign##F(a, b))                                     \
    BINARY(atan2_##N, T, T, atan2##F(a, b))                                           \
    BINARY(hypot_##N, T, T, hypot##F(a, b))                                           \
    UNARY(neg_##N, T, T, -a)                                                          \
    UNARY(abs_##N, T, T, fabs##F(a))                                                  \
    UNARY(square_##N, T, T, a * a)                                                    \
    UNARY(recip_##N, T, T, (T)1 / a)                                                  \
    UNARY(sqrt_##N, T, T, sqrt##F(a))                                                 \
    UNARY(floor_##N, T, T, floor##F(a))                                               \
    UNARY(ceil_##N, T, T, ceil##F(a))                                                 \
    UNARY(trunc_##N, T, T, trunc##F(a))                                               \
    UNARY(rint_##N, T, T, rint##F(a))                                                 \
    UNARY(sign_##N, T, T, a > 0 ? (T)1 : (a < 0 ? (T)-1 : (a == 0 ? (T)0 : a)))       \
    UNARY(ident_##N, T, T, a)                                                         \
    UNARY(isnan_##N, T, b_t, a != a)                                                  \
    UNARY(isinf_##N, T, b_t, isinf(a) != 0)                                           \
    UNARY(isfinite_##N, T, b_t, isfinite(a) != 0)                                     \
    UNARY(signbit_##N, T, b_t, signbit(a) != 0)                                       \
    UNARY(exp_##N, T, T, exp##F(a))                                                   \
    UNARY(exp2_##N, T, T, exp2##F(a))                                                 \
    UNARY(expm1_##N, T, T, expm1##F(a))                                               \
    UNARY(log_##N, T, T, log##F(a))                                                   \
    UNARY(log2_##N, T, T, log2##F(a))                                                 \
    UNARY(log10_##N, T, T, log10##F(a))                                               \
    UNARY(log1p_##N, T, T, log1p##F(a))                                               \
    UNARY(sin_##N, T, T, sin##F(a))                                                   \
    UNARY(cos_##N, T, T, cos##F(a))                                                   \
    UNARY(tan_##N, T, T, tan##F(a))                                                   \
    UNARY(asin_##N, T, T, asin##F(a))                                                 \
    UNARY(acos_##N, T, T, acos##F(a))                                                 \
    UNARY(atan_##N, T, T, atan##F(a))                                                 \
    UNARY(sinh_##N, T, T, sinh##F(a))                                                 \
    UNARY(cosh_##N, T, T, cosh##F(a))                                                 \
    UNARY(tanh_##N, T, T, tanh##F(a))                                                 \
    UNARY(asinh_##N, T, T, asinh##F(a))                                               \
    UNARY(acosh_##N, T, T, acosh##F(a))                                               \
    UNARY(atanh_##N, T, T, atanh##F(a))                                               \
    UNARY(cbrt_##N, T, T, cbrt##F(a))

FLOAT_TYPES(FLOAT_LOOPS)

BINARY(or_b, b_t, b_t, a | b)
BINARY(and_b, b_t, b_t, a & b)
BINARY(xor_b, b_t, b_t, a ^ b)
UNARY(not_b, b_t, b_t, !a)
UNARY(ident_b, b_t, b_t, a)

/* Comparisons and logical ops of every type: bool results. */
#define ALL_TYPES(X)                                                                  \
    X(b, b_t) X(i8, int8_t) X(u8, uint8_t) X(i16, int16_t) X(u16, uint16_t)           \
    X(i32, int32_t) X(u32, uint32_t) X(i64, int64_t) X(u64, uint64_t) X(f32, float)   \
    X(f64, double)

#define BOOL_LOOPS(N, T)                                                              \
    BINARY(eq_##N, T, b_t, a == b)                                                    \
    BINARY(ne_##N, T, b_t, a != b)                                                    \
    BINARY(lt_##N, T, b_t, a < b)                                                     \
    BINARY(le_##N, T, b_t, a <= b)                                                    \
    BINARY(gt_##N, T, b_t, a > b)                                                     \
    BINARY(ge_##N, T, b_t, a >= b)                                                    \
    BINARY(land_##N, T, b_t, a != 0 && b != 0)                                        \
    BINARY(lor_##N, T, b_t, a != 0 || b != 0)                                         \
    BINARY(lxor_##N, T, b_t, (a != 0) != (b != 0))                                    \
    UNARY(lnot_##N, T, b_t, a == 0)                                                   \
    WHERE(where_##N, T)

ALL_TYPES(BOOL_LOOPS)

/* ---- the loop table: per op and loop input type, the loop and its
 * output type (NDA_NTYPES: none) ---- */
typedef struct entry {
    loop_fn fn;
    nda_dtype out;
} entry;

static entry g_table[NDA_NOPS][NDA_NTYPES];
static atomic_int g_table_ready;

static void put(nda_op op, nda_dtype t, loop_fn fn, nda_dtype out) { g_table[op][t] = (entry){fn, out}; }

#define PUT_BOOL_RESULT(N, T, DT)                                                     \
    put(NDA_OP_EQUAL, DT, eq_##N, NDA_BOOL);                                          \
    put(NDA_OP_NOT_EQUAL, DT, ne_##N, NDA_BOOL);                                      \
    put(NDA_OP_LESS, DT, lt_##N, NDA_BOOL);                                           \
    put(NDA_OP_LESS_EQUAL, DT, le_##N, NDA_BOOL);                                     \
    put(NDA_OP_GREATER, DT, gt_##N, NDA_BOOL);                                        \
    put(NDA_OP_GREATER_EQUAL, DT, ge_##N, NDA_BOOL);                                  \
    put(NDA_OP_LOGICAL_AND, DT, land_##N, NDA_BOOL);                                  \
    put(NDA_OP_LOGICAL_OR, DT, lor_##N, NDA_BOOL);                                    \
    put(NDA_OP_LOGICAL_XOR, DT, lxor_##N, NDA_BOOL);                                  \
    put(NDA_OP_LOGICAL_NOT, DT, lnot_##N, NDA_BOOL);                                  \
    put(NDA_OP_WHERE, DT, where_##N, DT);

/* Loops every integer and float type has, under the same names. */
#define PUT_NUMERIC(N, DT)                                                            \
    put(NDA_OP_COPY, DT, ident_##N, DT);                                              \
    put(NDA_OP_POSITIVE, DT, ident_##N, DT);                                          \
    put(NDA_OP_CONJUGATE, DT, ident_##N, DT);                                         \
    put(NDA_OP_ADD, DT, add_##N, DT);                                                 \
    put(NDA_OP_SUBTRACT, DT, sub_##N, DT);                                            \
    put(NDA_OP_MULTIPLY, DT, mul_##N, DT);                                            \
    put(NDA_OP_FLOOR_DIVIDE, DT, floordiv_l_##N, DT);                                 \
    put(NDA_OP_REMAINDER, DT, remainder_l_##N, DT);                                   \
    put(NDA_OP_FMOD, DT, fmod_##N, DT);                                               \
    put(NDA_OP_POWER, DT, power_l_##N, DT);                                           \
    put(NDA_OP_MAXIMUM, DT, max_##N, DT);                                             \
    put(NDA_OP_MINIMUM, DT, min_##N, DT);                                             \
    put(NDA_OP_NEGATIVE, DT, neg_##N, DT);                                            \
    put(NDA_OP_ABSOLUTE, DT, abs_##N, DT);                                            \
    put(NDA_OP_SQUARE, DT, square_##N, DT);                                           \
    put(NDA_OP_SIGN, DT, sign_##N, DT);

#define PUT_INT(N, DT)                                                                \
    PUT_NUMERIC(N, DT)                                                                \
    put(NDA_OP_FMAX, DT, max_##N, DT);                                                \
    put(NDA_OP_FMIN, DT, min_##N, DT);                                                \
    put(NDA_OP_BITWISE_AND, DT, and_##N, DT);                                         \
    put(NDA_OP_BITWISE_OR, DT, or_##N, DT);                                           \
    put(NDA_OP_BITWISE_XOR, DT, xor_##N, DT);                                         \
    put(NDA_OP_LEFT_SHIFT, DT, lshift_l_##N, DT);                                     \
    put(NDA_OP_RIGHT_SHIFT, DT, rshift_l_##N, DT);                                    \
    put(NDA_OP_INVERT, DT, inv_##N, DT);                                              \
    put(NDA_OP_FLOOR, DT, ident_##N, DT);                                             \
    put(NDA_OP_CEIL, DT, ident_##N, DT);                                              \
    put(NDA_OP_TRUNC, DT, ident_##N, DT);

#define PUT_FLOAT(N, DT)                                                              \
    PUT_NUMERIC(N, DT)                                                                \
    put(NDA_OP_TRUE_DIVIDE, DT, div_##N, DT);                                         \
    put(NDA_OP_FLOAT_POWER, DT, power_l_##N, DT);                                     \
    put(NDA_OP_FMAX, DT, fmax_##N, DT);                                               \
    put(NDA_OP_FMIN, DT, fmin_##N, DT);                                               \
    put(NDA_OP_COPYSIGN, DT, copysign_##N, DT);                                       \
    put(NDA_OP_ARCTAN2, DT, atan2_##N, DT);                                           \
    put(NDA_OP_HYPOT, DT, hypot_##N, DT);                                             \
    put(NDA_OP_FABS, DT, abs_##N, DT);                                                \
    put(NDA_OP_RECIPROCAL, DT, recip_##N, DT);                                        \
    put(NDA_OP_SQRT, DT, sqrt_##N, DT);                                               \
    put(NDA_OP_FLOOR, DT, floor_##N, DT);                                             \
    put(NDA_OP_CEIL, DT, ceil_##N, DT);                                               \
    put(NDA_OP_TRUNC, DT, trunc_##N, DT);                                             \
    put(NDA_OP_RINT, DT, rint_##N, DT);                                               \
    put(NDA_OP_ISNAN, DT, isnan_##N, NDA_BOOL);                                       \
    put(NDA_OP_ISINF, DT, isinf_##N, NDA_BOOL);                                       \
    put(NDA_OP_ISFINITE, DT, isfinite_##N, NDA_BOOL);                                 \
    put(NDA_OP_SIGNBIT, DT, signbit_##N, NDA_BOOL);                                   \
    put(NDA_OP_EXP, DT, exp_##N, DT);                                                 \
    put(NDA_OP_EXP2, DT, exp2_##N, DT);                                               \
    put(NDA_OP_EXPM1, DT, expm1_##N, DT);                                             \
    put(NDA_OP_LOG, DT, log_##N, DT);                                                 \
    put(NDA_OP_LOG2, DT, log2_##N, DT);                                               \
    put(NDA_OP_LOG10, DT, log10_##N, DT);                                             \
    put(NDA_OP_LOG1P, DT, log1p_##N, DT);                                             \
    put(NDA_OP_SIN, DT, sin_##N, DT);                                                 \
    put(NDA_OP_COS, DT, cos_##N, DT);                                                 \
    put(NDA_OP_TAN, DT, tan_##N, DT);                                                 \
    put(NDA_OP_ARCSIN, DT, asin_##N, DT);                                             \
    put(NDA_OP_ARCCOS, DT, acos_##N, DT);                                             \
    put(NDA_OP_ARCTAN, DT, atan_##N, DT);                                             \
    put(NDA_OP_SINH, DT, sinh_##N, DT);                                               \
    put(NDA_OP_COSH, DT, cosh_##N, DT);                                               \
    put(NDA_OP_TANH, DT, tanh_##N, DT);                                               \
    put(NDA_OP_ARCSINH, DT, asinh_##N, DT);                                           \
    put(NDA_OP_ARCCOSH, DT, acosh_##N, DT);                                           \
    put(NDA_OP_ARCTANH, DT, atanh_##N, DT);                                           \
    put(NDA_OP_CBRT, DT, cbrt_##N, DT);

static void table_init(void)
{
    if (atomic_load(&g_table_ready)) return;
    PUT_BOOL_RESULT(b, b_t, NDA_BOOL)
    PUT_BOOL_RESULT(i8, int8_t, NDA_INT8)
    PUT_BOOL_RESULT(u8, uint8_t, NDA_UINT8)
    PUT_BOOL_RESULT(i16, int16_t, NDA_INT16)
    PUT_BOOL_RESULT(u16, uint16_t, NDA_UINT16)
    PUT_BOOL_RESULT(i32, int32_t, NDA_INT32)
    PUT_BOOL_RESULT(u32, uint32_t, NDA_UINT32)
    PUT_BOOL_RESULT(i64, int64_t, NDA_INT64)
    PUT_BOOL_RESULT(u64, uint64_t, NDA_UINT64)
    PUT_BOOL_RESULT(f32, float, NDA_FLOAT32)
    PUT_BOOL_RESULT(f64, double, NDA_FLOAT64)
    PUT_INT(i8, NDA_INT8)
    PUT_INT(u8, NDA_UINT8)
    PUT_INT(i16, NDA_INT16)
    PUT_INT(u16, NDA_UINT16)
    PUT_INT(i32, NDA_INT32)
    PUT_INT(u32, NDA_UINT32)
    PUT_INT(i64, NDA_INT64)
    PUT_INT(u64, NDA_UINT64)
    PUT_FLOAT(f32, NDA_FLOAT32)
    PUT_FLOAT(f64, NDA_FLOAT64)
    /* glibc's float64 cbrt, sinh and tanh are 2-3 ulp from NumPy's (SIMD)
     * loops here; the kernels' are within 1 (test_transcendentals.py). */
    put(NDA_OP_CBRT, NDA_FLOAT64, NULL, NDA_NTYPES);
    put(NDA_OP_SINH, NDA_FLOAT64, NULL, NDA_NTYPES);
    put(NDA_OP_TANH, NDA_FLOAT64, NULL, NDA_NTYPES);
    put(NDA_OP_COPY, NDA_BOOL, ident_b, NDA_BOOL);
    put(NDA_OP_POSITIVE, NDA_BOOL, ident_b, NDA_BOOL);
    put(NDA_OP_ABSOLUTE, NDA_BOOL, ident_b, NDA_BOOL);
    put(NDA_OP_ADD, NDA_BOOL, or_b, NDA_BOOL);
    put(NDA_OP_MULTIPLY, NDA_BOOL, and_b, NDA_BOOL);
    put(NDA_OP_MAXIMUM, NDA_BOOL, or_b, NDA_BOOL);
    put(NDA_OP_MINIMUM, NDA_BOOL, and_b, NDA_BOOL);
    put(NDA_OP_FMAX, NDA_BOOL, or_b, NDA_BOOL);
    put(NDA_OP_FMIN, NDA_BOOL, and_b, NDA_BOOL);
    put(NDA_OP_BITWISE_AND, NDA_BOOL, and_b, NDA_BOOL);
    put(NDA_OP_BITWISE_OR, NDA_BOOL, or_b, NDA_BOOL);
    put(NDA_OP_BITWISE_XOR, NDA_BOOL, xor_b, NDA_BOOL);
    put(NDA_OP_INVERT, NDA_BOOL, not_b, NDA_BOOL);
    atomic_store(&g_table_ready, 1);
}

/* ---- casts (NumPy's C casts; to bool: != 0) ---- */

#define CAST_TO(NF, TF)                                                               \
    static void cast_from_##NF(const void *s_, int step, nda_dtype to, void *d_, int64_t m) \
    {                                                                                 \
        const TF *s = s_;                                                             \
        if (!step) m = 1;                                                             \
        switch (to) {                                                                 \
        case NDA_BOOL: { b_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = s[i] != 0; break; } \
        case NDA_INT8: { int8_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (int8_t)s[i]; break; } \
        case NDA_UINT8: { uint8_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (uint8_t)s[i]; break; } \
        case NDA_INT16: { int16_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (int16_t)s[i]; break; } \
        case NDA_UINT16: { uint16_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (uint16_t)s[i]; break; } \
        case NDA_INT32: { int32_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (int32_t)s[i]; break; } \
        case NDA_UINT32: { uint32_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (uint32_t)s[i]; break; } \
        case NDA_INT64: { int64_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (int64_t)s[i]; break; } \
        case NDA_UINT64: { uint64_t *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (uint64_t)s[i]; break; } \
        case NDA_FLOAT32: { float *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (float)s[i]; break; } \
        case NDA_FLOAT64: { double *d = d_; for (int64_t i = 0; i < m; i++) d[i] = (double)s[i]; break; } \
        default: break;                                                               \
        }                                                                             \
    }

ALL_TYPES(CAST_TO)

/* Writes m values (one when step is 0) of type `from` at s into d as `to`. */
static void cast(nda_dtype from, const void *s, int step, nda_dtype to, void *d, int64_t m)
{
    switch (from) {
    case NDA_BOOL: cast_from_b(s, step, to, d, m); break;
    case NDA_INT8: cast_from_i8(s, step, to, d, m); break;
    case NDA_UINT8: cast_from_u8(s, step, to, d, m); break;
    case NDA_INT16: cast_from_i16(s, step, to, d, m); break;
    case NDA_UINT16: cast_from_u16(s, step, to, d, m); break;
    case NDA_INT32: cast_from_i32(s, step, to, d, m); break;
    case NDA_UINT32: cast_from_u32(s, step, to, d, m); break;
    case NDA_INT64: cast_from_i64(s, step, to, d, m); break;
    case NDA_UINT64: cast_from_u64(s, step, to, d, m); break;
    case NDA_FLOAT32: cast_from_f32(s, step, to, d, m); break;
    case NDA_FLOAT64: cast_from_f64(s, step, to, d, m); break;
    default: break;
    }
}

static bool host_type(nda_dtype t) { return t != NDA_FLOAT16 && t < NDA_COMPLEX64; }

/* ---- acceptance ---- */

/* Work per element of op relative to an addition, calibrated on PoCL
 * (2 threads) against the host loops (one thread, SSE2): the kernels catch
 * up sooner on divisions and on libm calls, whose vector forms they have
 * (exp(x) * y, pipelined: host 5 ns per element, kernels 0.75 + ~10 us per
 * launch; x * 0.5 + y * y - 1 + x / y breaks even at ~9k elements). */
static int host_weight(nda_op op)
{
    switch (op) {
    case NDA_OP_TRUE_DIVIDE: case NDA_OP_FLOOR_DIVIDE: case NDA_OP_REMAINDER: case NDA_OP_FMOD:
    case NDA_OP_SQRT: case NDA_OP_RECIPROCAL:
        return 8;
    case NDA_OP_POWER: case NDA_OP_FLOAT_POWER: case NDA_OP_EXP: case NDA_OP_EXP2: case NDA_OP_EXPM1:
    case NDA_OP_LOG: case NDA_OP_LOG2: case NDA_OP_LOG10: case NDA_OP_LOG1P: case NDA_OP_SIN:
    case NDA_OP_COS: case NDA_OP_TAN: case NDA_OP_ARCSIN: case NDA_OP_ARCCOS: case NDA_OP_ARCTAN:
    case NDA_OP_SINH: case NDA_OP_COSH: case NDA_OP_TANH: case NDA_OP_ARCSINH: case NDA_OP_ARCCOSH:
    case NDA_OP_ARCTANH: case NDA_OP_ARCTAN2: case NDA_OP_HYPOT: case NDA_OP_CBRT:
        return LIBM_WEIGHT;
    default:
        return 1;
    }
}

/* ---- registered loops (nda_host_eval_use_loop: NumPy's own) ----
 * g_ext[op][t] replaces the C library's loop for op on t. Its weight is
 * LIBM_WEIGHT (calibrated on the C library's functions) scaled by its
 * speed against the C library's exp on t and divided by EXT_DISCOUNT,
 * measured at its first use. Here (AVX-512): NumPy's float64 exp, log and
 * cbrt 5, tan 8, power 12, float32 functions 3-7; float64 sin and cos 45
 * (NumPy's loop is scalar, the kernels' vector forms 5x faster) and hypot
 * 32-38. Registered before any evaluation; read and measured under the
 * library lock. */
typedef struct ext_loop {
    nda_host_strided_loop fn;
    void *data;
    int nin;
    int weight; /* 0: not measured yet */
} ext_loop;

static ext_loop g_ext[NDA_NOPS][NDA_NTYPES];

int nda_host_eval_use_loop(const char *name, nda_dtype t, nda_host_strided_loop fn, void *data)
{
    int op = nda_op_from_name(name);
    if (op < 0 || (t != NDA_FLOAT32 && t != NDA_FLOAT64) || host_weight((nda_op)op) != LIBM_WEIGHT)
        return nda_error_set(NDA_EVALUE, "host evaluation takes no loop for %s on %s", name,
                             t >= 0 && t < NDA_NTYPES ? nda_dtype_name(t) : "?");
    const nda_op_desc *desc = nda_op_describe((nda_op)op);
    g_ext[op][t] = (ext_loop){fn, data, desc->nin, 0};
    return NDA_OK;
}

static void call_ext(const ext_loop *x, void *o, const void *const *a, const int *st, int64_t m,
                     size_t isz)
{
    char *args[3];
    intptr_t steps[3], dim = (intptr_t)m;
    for (int k = 0; k < x->nin; k++) {
        args[k] = (char *)a[k];
        steps[k] = st[k] ? (intptr_t)isz : 0;
    }
    args[x->nin] = o;
    steps[x->nin] = (intptr_t)isz;
    x->fn(args, &dim, steps, x->data);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Calibration: CAL_RUNS runs of each loop over CAL_N values. */
#define CAL_N 4096
#define CAL_RUNS 9
/* What a registered loop as fast as the C library's exp weighs, as a
 * fraction of LIBM_WEIGHT: the kernels' vector math beats the C library's
 * scalar loops by ~8x per element on the same cores (LIBM_WEIGHT's
 * calibration), NumPy's SIMD loops by ~2x at most. */
#define EXT_DISCOUNT 4
/* numpy_math_dominates' bound on a loop's weight: at least 1.5x the speed
 * of the C library's scalar exp, i.e. a SIMD loop (NumPy's scalar
 * fallbacks, on CPUs without its SIMD paths, weigh ~24) */
#define EXT_ANY_SIZE 16

/* One run of a loop (x's, else fn) over the CAL_N values at buf, in s. */
static double time_loop(const ext_loop *x, loop_fn fn, nda_dtype t, unsigned char *buf)
{
    const void *a[2] = {buf, buf};
    int st[2] = {1, 1};
    double t0 = now_s();
    if (x) call_ext(x, buf + 2 * CAL_N * 8, a, st, CAL_N, nda_dtype_itemsize(t));
    else fn(buf + 2 * CAL_N * 8, a, st, CAL_N);
    return now_s() - t0;
}

/* Measures x's weight (op's loop on t), on values in op's domain: (1, 2)
 * for arccosh, else (0.25, 0.75). The two loops alternate, best of
 * CAL_RUNS each, so that a busy spell of the machine falls on both. */
static void measure_ext(ext_loop *x, nda_op op, nda_dtype t)
{
    x->weight = LIBM_WEIGHT;
    loop_fn libm = g_table[NDA_OP_EXP][t].fn;
    unsigned char *buf = malloc(3 * CAL_N * 8);
    if (!libm || !buf) {
        free(buf);
        return;
    }
    bool acosh = op == NDA_OP_ARCCOSH;
    for (int i = 0; i < CAL_N; i++) {
        double v = (acosh ? 1.0 : 0.25) + (i + 0.5) / CAL_N * (acosh ? 1.0 : 0.5);
        if (t == NDA_FLOAT32) ((float *)buf)[i] = (float)v;
        else ((double *)buf)[i] = v;
    }
    double te = 1e30, tl = 1e30;
    for (int rep = 0; rep < CAL_RUNS; rep++) {
        double e = time_loop(x, NULL, t, buf), l = time_loop(NULL, libm, t, buf);
        te = e < te ? e : te;
        tl = l < tl ? l : tl;
    }
    free(buf);
    if (tl > 0) {
        double w = LIBM_WEIGHT * te / tl / EXT_DISCOUNT;
        x->weight = w < 2 ? 2 : w > LIBM_WEIGHT ? LIBM_WEIGHT : (int)(w + 0.999);
    }
}

/* The registered loop for node n, or NULL. */
static ext_loop *node_ext(const nda_fused_node *n)
{
    if (n->op < 0 || n->op >= NDA_NOPS || n->loop_out < 0 || n->loop_out >= NDA_NTYPES) return NULL;
    ext_loop *x = &g_ext[n->op][n->loop_out];
    if (!x->fn || x->nin != n->nin) return NULL;
    for (int k = 0; k < n->nin; k++)
        if (n->loop_in[k] != n->loop_out) return NULL;
    return x;
}

/* The node's weight (host_weight, or a registered loop's, measured now
 * if not yet). */
static int node_weight(const nda_fused_node *n)
{
    ext_loop *x = node_ext(n);
    if (!x) return host_weight(n->op);
    if (!x->weight) measure_ext(x, n->op, n->loop_out);
    return x->weight;
}

/* The loop for node n, or NULL when the host loops do not cover it. */
static loop_fn node_loop(const nda_fused_node *n)
{
    if (n->op < 0 || n->op >= NDA_NOPS || n->nin < 1 || n->nin > 3) return NULL;
    nda_dtype t = n->op == NDA_OP_WHERE ? n->loop_in[1] : n->loop_in[0];
    if (!host_type(t) || !host_type(n->loop_out)) return NULL;
    if (n->op == NDA_OP_WHERE) {
        if (n->nin != 3 || n->loop_in[0] != NDA_BOOL || n->loop_in[2] != t) return NULL;
    } else {
        for (int k = 1; k < n->nin; k++)
            if (n->loop_in[k] != t) return NULL; /* mixed loops: ldexp, mixed comparisons */
    }
    const entry *e = &g_table[n->op][t];
    if (!e->fn || e->out != n->loop_out) return NULL;
    return e->fn;
}

/* Whether d's buffers are host memory that the host loops can map. */
static bool host_memory(const nda_device *d)
{
    const nda_backend_ops *ops = d->ops;
    if (d->info.is_gpu || ops->abi_version < 5 || !ops->memory_kind || !ops->buffer_map ||
        !ops->buffer_unmap)
        return false;
    int kind = NDA_MEMORY_DEVICE;
    return ops->memory_kind(d->local_index, &kind) == NDA_OK && kind == NDA_MEMORY_HOST;
}

bool nda_host_eval_small_copy(const nda_device *d, int64_t n)
{
    int64_t limit = nda_host_eval_limit();
    return limit > 0 && n <= limit / 2 && d->queued_largest == 0 && host_memory(d);
}

int nda_host_eval_loop_weight(const char *name, nda_dtype t)
{
    int op = nda_op_from_name(name);
    if (op < 0 || t < 0 || t >= NDA_NTYPES || !g_ext[op][t].fn) return 0;
    ext_loop *x = &g_ext[op][t];
    if (!x->weight) measure_ext(x, (nda_op)op, t);
    return x->weight;
}

int nda_host_eval_any_size_weight(void) { return EXT_ANY_SIZE; }

/* The idle limit's factor for the device's threads: host loops split over
 * T of them (walk_tasks) go T times as fast, and a kernel on the same
 * cores gains nothing over them but its vector math: with 2 threads, a
 * store of 4M units (a * 2 over 1.4M float64 elements, 0.45 ms) is still
 * ~1.5x faster on the host than as a kernel waited for. */
static int64_t threads_factor(const nda_device *d)
{
    int64_t t = d->info.compute_units < MAX_TASKS ? d->info.compute_units : MAX_TASKS;
    return t > 1 ? THREADS_FACTOR * t : 1;
}

int64_t nda_host_eval_idle_factor(const nda_device *d) { return IDLE_FACTOR * threads_factor(d); }

/* Work units of reading or writing one element of operand k of sp (0:
 * the destination, k + 1: leaf k) of layout `layout` and item size isz:
 * 1 in a block, more when strided along the innermost axis. */
static int64_t operand_work(const nda_space *sp, int k, char layout, size_t isz)
{
    if (layout != NDA_LAYOUT_STRIDED) return 1;
    int64_t st = sp->st[k][sp->rank - 1];
    int64_t w = (st < 0 ? -st : st) * (int64_t)isz / 4;
    return w < MIN_STRIDED_WEIGHT ? MIN_STRIDED_WEIGHT : w > STRIDED_WEIGHT ? STRIDED_WEIGHT : w;
}

/* Work units per element of a spec the host loops cover over space sp
 * (the header's measure). */
static int64_t spec_work(const nda_fused_spec *s, const nda_space *sp)
{
    int64_t work = s->reduce ? 1 : operand_work(sp, 0, s->out_layout, nda_dtype_itemsize(s->out_dtype));
    for (int k = 0; k < s->nleaves; k++)
        work += operand_work(sp, k + 1, s->leaf_layout[k], nda_dtype_itemsize(s->leaf_dtype[k]));
    for (int i = 0; i < s->nnodes; i++) work += node_weight(&s->node[i]);
    return work;
}

/* Whether registered loops of at most EXT_ANY_SIZE weight (NumPy's SIMD
 * math) make up at least half of the spec's work on a device with several
 * threads: those run on the host at any size (the limit would keep them
 * to ~1M elements). On PoCL (2 threads, AVX-512),
 * 1M elements, the kernels against NumPy's loop on one core, in ms:
 * float64 exp 0.6-1.1 / 0.9, log 0.7 / 0.9, tan 8.9 / 1.5, arcsinh 6.1 /
 * 2.2, cbrt 3.0 / 1.0, power 4.7 / 2.5, arctan2 27 / 2.3; float32 exp 0.22 /
 * 0.45, sin 0.46 / 0.54, log2 0.92 / 0.25, power 1.8 / 0.73: the host's
 * threads running NumPy's loop match the kernels at worst. float64 sin and
 * cos (NumPy's loop ~8 ns an element, the kernels' vector forms 1.7) weigh
 * more and keep the limit. */
static bool numpy_math_dominates(const nda_device *d, const nda_fused_spec *s, int64_t work)
{
    if (d->info.compute_units < 2) return false;
    int64_t math = 0;
    for (int i = 0; i < s->nnodes; i++) {
        const ext_loop *x = node_ext(&s->node[i]);
        if (x && x->weight <= EXT_ANY_SIZE) math += x->weight;
    }
    return 2 * math >= work;
}

bool nda_host_eval_accepts(const nda_device *d, const nda_fused_spec *s, const nda_space *sp,
                           int64_t n)
{
    int64_t limit = nda_host_eval_limit();
    if (limit <= 0 || !host_memory(d)) return false;
    if (s->axes || !host_type(s->out_dtype)) return false;
    if (s->reduce ? !nda_host_fold_supports(s->reduce_op, s->acc) : s->out_layout == NDA_LAYOUT_GATHER)
        return false;
    table_init();
    /* An operand strided along the innermost axis costs a cache line per
     * element, which one host thread waits for where the device's threads
     * wait in parallel: a column store of a 15625 x 64 array takes 29 us on
     * the host, 21 on PoCL (pipelined), and breaks even at ~5000 rows. */
    for (int k = 0; k < s->nleaves; k++)
        if (s->leaf_layout[k] == NDA_LAYOUT_GATHER || !host_type(s->leaf_dtype[k])) return false;
    for (int k = 0; k < s->nscalars; k++)
        if (!host_type(s->scalar_dtype[k])) return false;
    for (int i = 0; i < s->nnodes; i++)
        if (!node_loop(&s->node[i]) && !node_ext(&s->node[i])) return false;
    int64_t work = spec_work(s, sp);
    /* Folds and stores with nothing queued take the idle factor's share
     * (4x, times 4 per thread: nda_host_eval_idle_factor). A whole-array
     * fold of up to 65536 elements is one work-group on the device, one
     * core either way: the host wins up to 4x the work on one thread
     * (float(max(a - b)) of 256 x 256: 35 us here, 64 us with the kernel).
     * With nothing queued, a kernel's result costs a whole queue round
     * trip (launch, PoCL's threads waking, the wait: ~35-50 us, against
     * ~10 us when launches pipeline behind queued work), and the host
     * wins up to 4x the work too: a 94 x 94 sum of 8 shifted views
     * (141k units) takes 21 us here, 72 us as a kernel waited for. A
     * store behind a command of more than BUSY_FACTOR x the limit stays a
     * kernel: on the host it would wait for that command (the border rows
     * of a distributed stencil behind its 2048 x 4096 interior: 10 ms of
     * the host's time per sweep), where the kernel pipelines. Behind many
     * small commands (a 256^2 stencil loop) the host still wins. */
    if (s->reduce || d->queued_largest == 0) {
        int64_t f = nda_host_eval_idle_factor(d);
        limit = limit > INT64_MAX / f ? INT64_MAX : limit * f;
    }
    else if (d->queued_largest / BUSY_FACTOR > limit)
        return false;
    return n <= limit / work || numpy_math_dominates(d, s, work);
}

/* ---- evaluation ---- */

/* A value over the current block: m elements at p (step 1) or one (step 0). */
typedef struct val {
    const void *p;
    int step;
    nda_dtype t;
} val;

/* Scratch blocks: one per node, one per leaf (strided gathers), one per
 * argument conversion, one for the store's conversion. Kept between calls
 * (the library lock serialises callers). */
static unsigned char *g_scratch;
static size_t g_scratch_size;

static int scratch(size_t blocks, unsigned char **out)
{
    size_t need = blocks * BLOCK * 8;
    if (need > g_scratch_size) {
        unsigned char *p = realloc(g_scratch, need);
        if (!p) return nda_error_set(NDA_ENOMEM, "out of host memory");
        g_scratch = p;
        g_scratch_size = need;
    }
    *out = g_scratch;
    return NDA_OK;
}

static void gather(const unsigned char *src, size_t isz, int64_t stride, int64_t m, void *dst)
{
    switch (isz) {
    case 1: for (int64_t i = 0; i < m; i++) ((uint8_t *)dst)[i] = ((const uint8_t *)src)[i * stride]; break;
    case 2: for (int64_t i = 0; i < m; i++) ((uint16_t *)dst)[i] = ((const uint16_t *)src)[i * stride]; break;
    case 4: for (int64_t i = 0; i < m; i++) ((uint32_t *)dst)[i] = ((const uint32_t *)src)[i * stride]; break;
    default: for (int64_t i = 0; i < m; i++) ((uint64_t *)dst)[i] = ((const uint64_t *)src)[i * stride]; break;
    }
}

static void scatter(const void *src, int step, size_t isz, int64_t stride, int64_t m, unsigned char *dst)
{
    switch (isz) {
    case 1: for (int64_t i = 0; i < m; i++) ((uint8_t *)dst)[i * stride] = ((const uint8_t *)src)[i * step]; break;
    case 2: for (int64_t i = 0; i < m; i++) ((uint16_t *)dst)[i * stride] = ((const uint16_t *)src)[i * step]; break;
    case 4: for (int64_t i = 0; i < m; i++) ((uint32_t *)dst)[i * stride] = ((const uint32_t *)src)[i * step]; break;
    default: for (int64_t i = 0; i < m; i++) ((uint64_t *)dst)[i * stride] = ((const uint64_t *)src)[i * step]; break;
    }
}

typedef struct run {
    const nda_fused_spec *s;
    const void *const *scalars;
    unsigned char *base[NDA_SPACE_MAXOPS]; /* host storage per operand */
    size_t isz[NDA_SPACE_MAXOPS];
    loop_fn fn[NDA_FUSED_MAX_NODES];
    const ext_loop *ext[NDA_FUSED_MAX_NODES]; /* a registered loop, used instead of fn */
    val leaf[NDA_FUSED_MAX_LEAVES], node[NDA_FUSED_MAX_NODES];
    unsigned char *node_blk, *leaf_blk, *arg_blk, *out_blk;
    bool reduce;       /* fold the values (s->reduce_op in s->acc) instead of storing them */
    nda_host_fold fold;
} run;

static val ref_value(const run *r, nda_fused_ref ref)
{
    if (ref.kind == NDA_REF_LEAF) return r->leaf[ref.index];
    if (ref.kind == NDA_REF_NODE) return r->node[ref.index];
    return (val){r->scalars[ref.index], 0, r->s->scalar_dtype[ref.index]};
}

/* The values of one block: m elements; off[k] is operand k's element
 * offset of the block's first element, inner[k] its stride along the
 * block. direct: the store's destination when the result node may write
 * straight into it (contiguous, of the result's type), else NULL. */
static val compute(run *r, const int64_t *off, const int64_t *inner, int64_t m, unsigned char *direct)
{
    const nda_fused_spec *s = r->s;
    for (int k = 0; k < s->nleaves; k++) {
        const unsigned char *p = r->base[k + 1] + (size_t)off[k + 1] * r->isz[k + 1];
        int64_t st = inner[k + 1];
        if (st == 0 || st == 1) {
            r->leaf[k] = (val){p, (int)st, s->leaf_dtype[k]};
        } else {
            unsigned char *b = r->leaf_blk + (size_t)k * BLOCK * 8;
            gather(p, r->isz[k + 1], st, m, b);
            r->leaf[k] = (val){b, 1, s->leaf_dtype[k]};
        }
    }
    for (int i = 0; i < s->nnodes; i++) {
        const nda_fused_node *n = &s->node[i];
        const void *a[3] = {NULL, NULL, NULL};
        int st[3] = {0, 0, 0};
        bool any = false, converted = false;
        for (int k = 0; k < n->nin; k++) {
            val v = ref_value(r, n->arg[k]);
            if (v.t != n->loop_in[k]) {
                converted = true;
                unsigned char *b = r->arg_blk + (size_t)k * BLOCK * 8;
                cast(v.t, v.p, v.step, n->loop_in[k], b, m);
                v.p = b;
            }
            a[k] = v.p;
            st[k] = v.step;
            any = any || v.step;
        }
        if ((n->op == NDA_OP_COPY || n->op == NDA_OP_POSITIVE) && n->loop_in[0] == n->loop_out &&
            !converted) {
            /* the argument itself (not a conversion block: the next node reuses those) */
            r->node[i] = (val){a[0], st[0], n->loop_out};
            continue;
        }
        unsigned char *o = r->node_blk + (size_t)i * BLOCK * 8;
        if (direct && i == s->result.index && any) o = direct;
        if (r->ext[i]) call_ext(r->ext[i], o, a, st, any ? m : 1, nda_dtype_itemsize(n->loop_out));
        else r->fn[i](o, a, st, m);
        r->node[i] = (val){o, any ? 1 : 0, n->loop_out};
    }
    val v = ref_value(r, s->result);
    nda_dtype t = r->reduce ? s->acc : s->out_dtype;
    if (v.p != direct && v.t != t) {
        cast(v.t, v.p, v.step, t, r->out_blk, m);
        v = (val){r->out_blk, v.step, t};
    }
    return v;
}

/* Stores m values v (of the destination's type) at dst, stride `stride`. */
static void put_values(const run *r, val v, unsigned char *dst, int64_t stride, int64_t m)
{
    if (v.p == dst) return;
    if (stride == 1 && v.step == 1)
        memcpy(dst, v.p, (size_t)m * r->isz[0]);
    else
        scatter(v.p, v.step, r->isz[0], stride, m, dst);
}

/* One block along the innermost axis: stored into the destination, or
 * folded. */
static void block(run *r, const int64_t *off, const int64_t *inner, int64_t m)
{
    const nda_fused_spec *s = r->s;
    if (r->reduce) {
        val v = compute(r, off, inner, m, NULL);
        if (!v.step) { /* one value standing for m equal ones */
            scatter(v.p, 0, nda_dtype_itemsize(s->acc), 1, m, r->out_blk);
            v.p = r->out_blk;
        }
        nda_host_fold_block(&r->fold, v.p, m);
        return;
    }
    unsigned char *dst = r->base[0] + (size_t)off[0] * r->isz[0];
    /* The result node writes straight into a contiguous destination of its
     * type (a leaf may be the identical view: each loop reads element i
     * before it writes element i, never another element). */
    bool direct = inner[0] == 1 && s->result.kind == NDA_REF_NODE &&
                  s->node[s->result.index].loop_out == s->out_dtype;
    put_values(r, compute(r, off, inner, m, direct ? dst : NULL), dst, inner[0], m);
}

/* Rows of one pitch. When every leaf steps 1 along the last axis and the
 * same pitch P along the one before (or is one value), rows of C <= P
 * elements and the gaps between them are one run of (R - 1) * P + C
 * elements of each leaf: the loops run over the gaps too (elements of the
 * same arrays, read, never written; at most as many as the rows hold) and
 * only the rows are stored. A 62-wide stencil over 64-wide arrays takes 8
 * blocks instead of 62, each node's loop called once per 512 elements
 * instead of once per row. Returns P, or 0 when the space is not such. */
static int64_t rows_pitch(const run *r, const nda_space *sp)
{
    int rank = sp->rank;
    if (r->reduce || rank < 2 || sp->shape[rank - 2] < 2) return 0;
    int64_t pitch = 0, cols = sp->shape[rank - 1];
    for (int k = 1; k <= r->s->nleaves; k++) {
        int64_t inner = sp->st[k][rank - 1], outer = sp->st[k][rank - 2];
        if (inner == 0 && outer == 0) continue;
        if (inner != 1 || outer <= 0 || (pitch && outer != pitch)) return 0;
        pitch = outer;
    }
    return pitch >= cols && pitch - cols <= cols ? pitch : 0;
}

/* Stores the values of run elements [j, j + m) that lie in rows (C
 * columns per pitch) into the destination, whose block of rows starts at
 * element dst0 with strides (row, col). */
static void put_rows(run *r, val v, int64_t dst0, int64_t row, int64_t col, int64_t pitch,
                     int64_t cols, int64_t j, int64_t m)
{
    for (int64_t i = j / pitch; i * pitch < j + m; i++) {
        int64_t c0 = j > i * pitch ? j - i * pitch : 0;
        int64_t c1 = j + m - i * pitch < cols ? j + m - i * pitch : cols;
        if (c0 >= c1) continue;
        val part = v;
        if (v.step) part.p = (const unsigned char *)v.p + (size_t)(i * pitch + c0 - j) * r->isz[0];
        put_values(r, part, r->base[0] + (size_t)(dst0 + i * row + c0 * col) * r->isz[0], col, c1 - c0);
    }
}

/* The walk of a space: outer indices one at a time, each over a run of
 * `len` elements (one row, or `pitch`-spaced rows, rows_pitch) in blocks of
 * BLOCK. Units are (outer index, block) pairs in walk order. */
typedef struct walk_plan {
    int64_t pitch, cols, len, nblocks, units;
    int outer_rank;
} walk_plan;

static void plan_walk(const run *r, const nda_space *sp, walk_plan *w)
{
    int rank = sp->rank;
    w->pitch = rows_pitch(r, sp);
    w->outer_rank = w->pitch ? rank - 2 : rank - 1;
    w->cols = sp->shape[rank - 1];
    w->len = w->pitch ? (sp->shape[rank - 2] - 1) * w->pitch + w->cols : w->cols;
    w->nblocks = (w->len + BLOCK - 1) / BLOCK;
    w->units = w->nblocks;
    for (int d = 0; d < w->outer_rank; d++) w->units *= sp->shape[d];
}

/* Units [u0, u1) of the walk. */
static void walk_units(run *r, const nda_space *sp, const walk_plan *w, int64_t u0, int64_t u1)
{
    int rank = sp->rank, nops = r->s->nleaves + 1;
    int64_t idx[NDA_MAXDIMS] = {0};
    int64_t off[NDA_SPACE_MAXOPS], inner[NDA_SPACE_MAXOPS];
    for (int k = 0; k < nops; k++) inner[k] = sp->st[k][rank - 1];
    int64_t outer = u0 / w->nblocks;
    for (int d = w->outer_rank - 1; d >= 0; d--) {
        idx[d] = outer % sp->shape[d];
        outer /= sp->shape[d];
    }
    int64_t u = u0;
    while (u < u1) {
        for (int k = 0; k < nops; k++) {
            off[k] = sp->base[k];
            for (int d = 0; d < w->outer_rank; d++) off[k] += idx[d] * sp->st[k][d];
        }
        for (int64_t b = u % w->nblocks; b < w->nblocks && u < u1; b++, u++) {
            int64_t j = b * BLOCK;
            int64_t m = w->len - j < BLOCK ? w->len - j : BLOCK;
            int64_t o[NDA_SPACE_MAXOPS];
            for (int k = 0; k < nops; k++) o[k] = off[k] + j * inner[k];
            if (w->pitch)
                put_rows(r, compute(r, o, inner, m, NULL), off[0], sp->st[0][rank - 2], inner[0], w->pitch,
                         w->cols, j, m);
            else
                block(r, o, inner, m);
        }
        int d = w->outer_rank - 1;
        while (d >= 0 && ++idx[d] == sp->shape[d]) idx[d--] = 0;
    }
}

/* A walk split over the host threads: task k walks its share of the units
 * with its own run (its own scratch blocks and fold). A store's units are
 * disjoint sets of destination elements, and a leaf that overlaps the
 * destination is the identical view (as for the kernels' work-items), so
 * shares never race. */
typedef struct split {
    run *runs;
    const nda_space *sp;
    const walk_plan *w;
    int64_t ntasks;
} split;

static void split_task(void *ctx, int64_t k)
{
    const split *p = ctx;
    int64_t u0 = p->w->units * k / p->ntasks, u1 = p->w->units * (k + 1) / p->ntasks;
    walk_units(&p->runs[k], p->sp, p->w, u0, u1);
}

/* Tasks (one per thread) for the walk of the space: the device's compute
 * units (its threads are host cores: host_memory) from PARALLEL_WORK work
 * units on, so that each thread has at least half of that; else 1. */
static int64_t walk_tasks(const nda_device *d, const nda_fused_spec *s, const nda_space *sp,
                           const walk_plan *w)
{
    int64_t n = 1;
    for (int k = 0; k < sp->rank; k++) n *= sp->shape[k];
    int64_t work = n * spec_work(s, sp);
    int64_t t = d->info.compute_units;
    if (t > work / (PARALLEL_WORK / 2)) t = work / (PARALLEL_WORK / 2);
    if (t > w->units) t = w->units;
    if (t > MAX_TASKS) t = MAX_TASKS;
    return t > 1 && work >= PARALLEL_WORK ? t : 1;
}

int nda_host_eval_run(nda_device *d, const nda_fused_spec *s, const nda_array *const *leaves,
                      const void *const *scalars, const nda_space *sp, nda_array *dst)
{
    const nda_backend_ops *ops = d->ops;
    int dev = d->local_index;
    run *r = malloc(sizeof *r); /* every field is set before it is read */
    if (!r) return nda_error_set(NDA_ENOMEM, "out of host memory");
    r->s = s;
    r->scalars = scalars;
    r->reduce = s->reduce;
    if (r->reduce) nda_host_fold_init(&r->fold, s->reduce_op, s->acc);
    /* Each distinct buffer is mapped once; buffer_map returns after all
     * queued work (backend.h), so no separate synchronize. */
    nda_buffer *buf[NDA_SPACE_MAXOPS];
    void *host[NDA_SPACE_MAXOPS];
    int nbuf = 0, rc = NDA_OK;
    for (int k = 0; k <= s->nleaves && rc == NDA_OK; k++) {
        const nda_array *a = k == 0 ? dst : leaves[k - 1];
        r->isz[k] = nda_dtype_itemsize(a->dtype);
        int j = 0;
        while (j < nbuf && buf[j] != a->buffer) j++;
        if (j == nbuf) {
            rc = ops->buffer_map(dev, a->buffer->handle, 0, a->buffer->capacity, &host[j]);
            if (rc != NDA_OK) break;
            buf[nbuf++] = a->buffer;
        }
        r->base[k] = host[j];
    }
    if (rc == NDA_OK) nda_device_waited(d); /* the maps waited for every queued command */
    for (int i = 0; i < s->nnodes && rc == NDA_OK; i++) {
        r->ext[i] = node_ext(&s->node[i]);
        r->fn[i] = node_loop(&s->node[i]);
    }
    walk_plan w;
    plan_walk(r, sp, &w);
    int64_t ntasks = walk_tasks(d, s, sp, &w);
    size_t per_run = (size_t)s->nnodes + (size_t)s->nleaves + 4; /* scratch blocks */
    run *runs = ntasks > 1 ? malloc((size_t)ntasks * sizeof *runs) : NULL;
    if (ntasks > 1 && !runs) ntasks = 1;
    unsigned char *blk = NULL;
    if (rc == NDA_OK) rc = scratch(per_run * (size_t)ntasks, &blk);
    if (rc == NDA_OK) {
        for (int64_t k = 0; k < ntasks; k++) {
            run *rk = ntasks > 1 ? &runs[k] : r;
            if (rk != r) *rk = *r;
            rk->node_blk = blk + (size_t)k * per_run * BLOCK * 8;
            rk->leaf_blk = rk->node_blk + (size_t)s->nnodes * BLOCK * 8;
            rk->arg_blk = rk->leaf_blk + (size_t)s->nleaves * BLOCK * 8;
            rk->out_blk = rk->arg_blk + (size_t)3 * BLOCK * 8;
        }
        if (ntasks > 1) {
            split p = {runs, sp, &w, ntasks};
            nda_host_parallel_for(split_task, &p, ntasks, (int)ntasks);
        } else if (w.units > 0) { /* an empty space has no units (callers skip those) */
            walk_units(r, sp, &w, 0, w.units);
        }
        if (r->reduce && ntasks > 1) {
            /* the tasks' folds, folded in task order: the same value
             * whichever thread ran which task */
            for (int64_t k = 0; k < ntasks; k++) {
                unsigned char part[8];
                nda_host_fold_result(&runs[k].fold, part);
                nda_host_fold_block(&r->fold, part, 1);
            }
        }
        if (r->reduce) {
            unsigned char value[8];
            nda_host_fold_result(&r->fold, value);
            cast(s->acc, value, 0, s->out_dtype, r->base[0] + dst->offset, 1);
        }
        atomic_fetch_add(&g_count, 1);
    }
    free(runs);
    for (int j = 0; j < nbuf; j++) {
        int urc = ops->buffer_unmap(dev, buf[j]->handle, host[j]);
        if (rc == NDA_OK) rc = urc;
    }
    free(r);
    return rc;
}

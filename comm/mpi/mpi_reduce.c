/* allreduce's MPI datatypes and ops (mpi_engine.h), with NumPy's
 * semantics where MPI's built-in ops differ or are missing:
 *   - integers: our own ops, wrapping as NumPy does. Open MPI 4.1's
 *     vectorised op component saturates 8- and 16-bit sums
 *     (open-mpi/ompi#8045, closed as "wontfix": signed overflow is
 *     undefined in C), and has had unsigned min/max bugs (#10648);
 *   - float16: no MPI type;
 *   - maximum/minimum of floats propagate NaN (MPI_MAX is free to drop
 *     one), complex ones compare lexicographically (MPI has none).
 * Float and complex sums and products stay MPI's built-in ops. */
#include "comm/mpi/mpi_engine.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

/* ---- IEEE binary16 (round to nearest even, as NumPy's npy_half) ---- */

static uint16_t half_from_double(double d)
{
    uint64_t x, mant, dexp, h, rem, half;
    uint16_t sign;
    int64_t e;

    memcpy(&x, &d, 8);
    sign = (uint16_t)((x >> 48) & 0x8000u);
    dexp = (x >> 52) & 0x7ffu;
    mant = x & UINT64_C(0xfffffffffffff);
    if (dexp == 0x7ff) { /* inf, nan (payload kept, quiet bit set if lost) */
        if (mant == 0)
            return sign | 0x7c00u;
        h = mant >> 42;
        return sign | 0x7c00u | (uint16_t)(h ? h : 0x200u);
    }
    e = (int64_t)dexp - 1023 + 15;
    if (e >= 31)
        return sign | 0x7c00u;
    if (e <= 0) { /* subnormal or zero */
        int shift;
        if (e < -10)
            return sign;
        mant |= UINT64_C(1) << 52;
        shift = (int)(1 - e) + 42;
        h = mant >> shift;
        rem = mant & ((UINT64_C(1) << shift) - 1);
        half = UINT64_C(1) << (shift - 1);
        if (rem > half || (rem == half && (h & 1)))
            h++;
        return sign | (uint16_t)h;
    }
    h = ((uint64_t)e << 10) | (mant >> 42);
    rem = mant & ((UINT64_C(1) << 42) - 1);
    half = UINT64_C(1) << 41;
    if (rem > half || (rem == half && (h & 1)))
        h++; /* a carry into the exponent rounds up to inf correctly */
    return sign | (uint16_t)h;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, bits;
    float f;

    if (e == 0) {
        if (m == 0) {
            bits = sign;
        } else {
            int shift = 0;
            while (!(m & 0x400u)) {
                m <<= 1;
                shift++;
            }
            m &= 0x3ffu;
            bits = sign | ((uint32_t)(127 - 15 + 1 - shift) << 23) | (m << 13);
        }
    } else if (e == 31) {
        bits = sign | 0x7f800000u | (m << 13);
    } else {
        bits = sign | ((e - 15 + 127) << 23) | (m << 13);
    }
    memcpy(&f, &bits, 4);
    return f;
}

/* ---- user ops: inout[i] = in[i] (op) inout[i] ---- */

/* numpy.maximum / minimum: a NaN operand wins, else the larger/smaller. */
#define NDA_FMAX(a, b) ((isnan(a) || (a) >= (b)) ? (a) : (b))
#define NDA_FMIN(a, b) ((isnan(a) || (a) <= (b)) ? (a) : (b))

static void f16_sum(void *in, void *io, int *n, MPI_Datatype *t)
{
    const uint16_t *a = in;
    uint16_t *b = io;
    (void)t;
    for (int i = 0; i < *n; i++)
        b[i] = half_from_double((double)(half_to_float(a[i]) + half_to_float(b[i])));
}

static void f16_prod(void *in, void *io, int *n, MPI_Datatype *t)
{
    const uint16_t *a = in;
    uint16_t *b = io;
    (void)t;
    for (int i = 0; i < *n; i++)
        b[i] = half_from_double((double)(half_to_float(a[i]) * half_to_float(b[i])));
}

static void f16_max(void *in, void *io, int *n, MPI_Datatype *t)
{
    const uint16_t *a = in;
    uint16_t *b = io;
    (void)t;
    for (int i = 0; i < *n; i++) {
        float x = half_to_float(a[i]), y = half_to_float(b[i]);
        if (isnan(x) || x >= y)
            b[i] = a[i];
    }
}

static void f16_min(void *in, void *io, int *n, MPI_Datatype *t)
{
    const uint16_t *a = in;
    uint16_t *b = io;
    (void)t;
    for (int i = 0; i < *n; i++) {
        float x = half_to_float(a[i]), y = half_to_float(b[i]);
        if (isnan(x) || x <= y)
            b[i] = a[i];
    }
}

#define NDA_REAL_MINMAX(name, type, pick)                          \
    static void name(void *in, void *io, int *n, MPI_Datatype *t)  \
    {                                                              \
        const type *a = in;                                        \
        type *b = io;                                              \
        (void)t;                                                   \
        for (int i = 0; i < *n; i++)                               \
            b[i] = pick(a[i], b[i]);                               \
    }
NDA_REAL_MINMAX(f32_max, float, NDA_FMAX)
NDA_REAL_MINMAX(f32_min, float, NDA_FMIN)
NDA_REAL_MINMAX(f64_max, double, NDA_FMAX)
NDA_REAL_MINMAX(f64_min, double, NDA_FMIN)

/* Complex maximum/minimum as numpy.maximum/minimum: a value with a NaN
 * part wins, else the lexicographic order (real part, then imaginary). */
#define NDA_CPLX_MINMAX(name, type, beats, beats_or_ties)                             \
    static void name(void *in, void *io, int *n, MPI_Datatype *t)                     \
    {                                                                                 \
        const type *a = in;                                                           \
        type *b = io;                                                                 \
        (void)t;                                                                      \
        for (int i = 0; i < *n; i++) {                                                \
            type ar = a[2 * i], ai = a[2 * i + 1], br = b[2 * i], bi = b[2 * i + 1];  \
            int a_nan = isnan(ar) || isnan(ai), b_nan = isnan(br) || isnan(bi);       \
            if (a_nan || (!b_nan && (beats(ar, br) || (ar == br && beats_or_ties(ai, bi))))) { \
                b[2 * i] = ar;                                                        \
                b[2 * i + 1] = ai;                                                    \
            }                                                                         \
        }                                                                             \
    }
#define NDA_GT(x, y) ((x) > (y))
#define NDA_GE(x, y) ((x) >= (y))
#define NDA_LT(x, y) ((x) < (y))
#define NDA_LE(x, y) ((x) <= (y))
NDA_CPLX_MINMAX(c64_max, float, NDA_GT, NDA_GE)
NDA_CPLX_MINMAX(c64_min, float, NDA_LT, NDA_LE)
NDA_CPLX_MINMAX(c128_max, double, NDA_GT, NDA_GE)
NDA_CPLX_MINMAX(c128_min, double, NDA_LT, NDA_LE)

/* Integer ops of type T, computed on the unsigned type U of its width
 * (no signed overflow), so sums and products wrap. */
#define NDA_INT_OPS(tag, T, U)                                                           \
    static void tag##_sum(void *in, void *io, int *n, MPI_Datatype *t)                   \
    {                                                                                    \
        const T *a = in;                                                                 \
        T *b = io;                                                                       \
        (void)t;                                                                         \
        for (int i = 0; i < *n; i++)                                                     \
            b[i] = (T)(U)((U)a[i] + (U)b[i]);                                            \
    }                                                                                    \
    static void tag##_prod(void *in, void *io, int *n, MPI_Datatype *t)                  \
    {                                                                                    \
        const T *a = in;                                                                 \
        T *b = io;                                                                       \
        (void)t;                                                                         \
        for (int i = 0; i < *n; i++)                                                     \
            b[i] = (T)(U)((uint64_t)(U)a[i] * (uint64_t)(U)b[i]);                        \
    }                                                                                    \
    static void tag##_max(void *in, void *io, int *n, MPI_Datatype *t)                   \
    {                                                                                    \
        const T *a = in;                                                                 \
        T *b = io;                                                                       \
        (void)t;                                                                         \
        for (int i = 0; i < *n; i++)                                                     \
            if (a[i] > b[i])                                                             \
                b[i] = a[i];                                                             \
    }                                                                                    \
    static void tag##_min(void *in, void *io, int *n, MPI_Datatype *t)                   \
    {                                                                                    \
        const T *a = in;                                                                 \
        T *b = io;                                                                       \
        (void)t;                                                                         \
        for (int i = 0; i < *n; i++)                                                     \
            if (a[i] < b[i])                                                             \
                b[i] = a[i];                                                             \
    }
NDA_INT_OPS(i8, int8_t, uint8_t)
NDA_INT_OPS(u8, uint8_t, uint8_t)
NDA_INT_OPS(i16, int16_t, uint16_t)
NDA_INT_OPS(u16, uint16_t, uint16_t)
NDA_INT_OPS(i32, int32_t, uint32_t)
NDA_INT_OPS(u32, uint32_t, uint32_t)
NDA_INT_OPS(i64, int64_t, uint64_t)
NDA_INT_OPS(u64, uint64_t, uint64_t)

/* The user ops, four per type (sum, prod, max, min; -1 where MPI's
 * built-in op is used), in nda_dtype order from NDA_INT8. */
#define NDA_USER4(tag) tag##_sum, tag##_prod, tag##_max, tag##_min
static MPI_User_function *const nda_mpi_user_fns[][4] = {
    {NDA_USER4(i8)},  {NDA_USER4(u8)},  {NDA_USER4(i16)}, {NDA_USER4(u16)},
    {NDA_USER4(i32)}, {NDA_USER4(u32)}, {NDA_USER4(i64)}, {NDA_USER4(u64)},
    {NDA_USER4(f16)},
    {NULL, NULL, f32_max, f32_min},
    {NULL, NULL, f64_max, f64_min},
    {NULL, NULL, c64_max, c64_min},
    {NULL, NULL, c128_max, c128_min},
};
#define U_TYPES ((int)(sizeof nda_mpi_user_fns / sizeof nda_mpi_user_fns[0]))
#define U_COUNT (U_TYPES * 4)

static MPI_Op nda_mpi_user_ops[U_COUNT];
static int nda_mpi_user_ready; /* guarded by the lock */
static pthread_mutex_t nda_mpi_user_lock = PTHREAD_MUTEX_INITIALIZER;

/* Creates the user ops once per MPI session (they are freed with it). */
static int nda_mpi_user_ops_create(void)
{
    int rc = NDA_OK;

    pthread_mutex_lock(&nda_mpi_user_lock);
    for (int i = 0; !nda_mpi_user_ready && i < U_COUNT; i++) {
        MPI_User_function *fn = nda_mpi_user_fns[i / 4][i % 4];
        int r;
        nda_mpi_user_ops[i] = MPI_OP_NULL;
        if (fn != NULL && (r = MPI_Op_create(fn, 1, &nda_mpi_user_ops[i])) != MPI_SUCCESS) {
            rc = nda_mpi_fail_call(r, "allreduce: MPI_Op_create");
            for (int j = 0; j < i; j++)
                if (nda_mpi_user_ops[j] != MPI_OP_NULL)
                    MPI_Op_free(&nda_mpi_user_ops[j]);
            break;
        }
        if (i == U_COUNT - 1)
            nda_mpi_user_ready = 1;
    }
    pthread_mutex_unlock(&nda_mpi_user_lock);
    return rc;
}

size_t nda_mpi_itemsize(nda_dtype dtype)
{
    static const size_t sizes[NDA_NTYPES] = {
        [NDA_BOOL] = 1,    [NDA_INT8] = 1,    [NDA_UINT8] = 1,     [NDA_INT16] = 2,
        [NDA_UINT16] = 2,  [NDA_INT32] = 4,   [NDA_UINT32] = 4,    [NDA_INT64] = 8,
        [NDA_UINT64] = 8,  [NDA_FLOAT16] = 2, [NDA_FLOAT32] = 4,   [NDA_FLOAT64] = 8,
        [NDA_COMPLEX64] = 8, [NDA_COMPLEX128] = 16,
    };
    return ((int)dtype >= 0 && dtype < NDA_NTYPES) ? sizes[dtype] : 0;
}

static const char *const nda_mpi_op_names[] = {NULL, "sum", "prod", "max", "min", "logical and",
                                               "logical or"};

int nda_mpi_reduction(nda_dtype dtype, nda_comm_op op, MPI_Datatype *type, MPI_Op *mop,
                      size_t *itemsize)
{
    MPI_Datatype t;
    MPI_User_function *fn;
    int rc;

    if (nda_mpi_itemsize(dtype) == 0)
        return nda_mpi_fail(NDA_ETYPE, "allreduce: invalid dtype %d", (int)dtype);
    if ((int)op < NDA_COMM_SUM || (int)op > NDA_COMM_LOR)
        return nda_mpi_fail(NDA_EVALUE, "allreduce: invalid op %d (sum, prod, max, min, "
                            "logical and, logical or)", (int)op);
    *itemsize = nda_mpi_itemsize(dtype);
    if (dtype == NDA_BOOL) {
        /* numpy: add/maximum/logical_or and multiply/minimum/logical_and
         * agree on bools. */
        *type = MPI_C_BOOL;
        *mop = (op == NDA_COMM_SUM || op == NDA_COMM_MAX || op == NDA_COMM_LOR) ? MPI_LOR
                                                                                : MPI_LAND;
        return NDA_OK;
    }
    if (op == NDA_COMM_LAND || op == NDA_COMM_LOR)
        return nda_mpi_fail(NDA_ETYPE, "allreduce: %s takes bool buffers only",
                            nda_mpi_op_names[op]);
    switch (dtype) {
    case NDA_INT8: t = MPI_INT8_T; break;
    case NDA_UINT8: t = MPI_UINT8_T; break;
    case NDA_INT16: t = MPI_INT16_T; break;
    case NDA_UINT16: t = MPI_UINT16_T; break;
    case NDA_INT32: t = MPI_INT32_T; break;
    case NDA_UINT32: t = MPI_UINT32_T; break;
    case NDA_INT64: t = MPI_INT64_T; break;
    case NDA_UINT64: t = MPI_UINT64_T; break;
    case NDA_FLOAT16: t = MPI_UINT16_T; break; /* bits, reduced by our ops */
    case NDA_FLOAT32: t = MPI_FLOAT; break;
    case NDA_FLOAT64: t = MPI_DOUBLE; break;
    case NDA_COMPLEX64: t = MPI_C_FLOAT_COMPLEX; break;
    default: t = MPI_C_DOUBLE_COMPLEX; break;
    }
    *type = t;
    fn = nda_mpi_user_fns[dtype - NDA_INT8][op - 1];
    if (fn == NULL) {
        *mop = op == NDA_COMM_SUM ? MPI_SUM : MPI_PROD;
        return NDA_OK;
    }
    if ((rc = nda_mpi_user_ops_create()) != NDA_OK)
        return rc;
    *mop = nda_mpi_user_ops[(dtype - NDA_INT8) * 4 + (op - 1)];
    return NDA_OK;
}

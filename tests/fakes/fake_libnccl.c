/* A fake NCCL (test double) for the "nccl" comm plugin on machines
 * without GPUs: exactly the nccl* entry points the plugin resolves
 * (comm/nccl/nccl_loader.c), compiled against the toolkit's nccl.h so
 * every signature is NCCL's own, computing with MPI on the host memory
 * that the fake CUDA driver (fake_libcuda.c) hands out as device memory.
 * Work runs synchronously; streams are checked, not used.
 *
 * It keeps NCCL's semantics where the plugin depends on them:
 *   - communicators from ncclGetUniqueId + ncclCommInitRank(nranks, id,
 *     rank); ranks and sizes must match the id's group (MPI_Comm_split of
 *     MPI_COMM_WORLD keyed by the id, so every world rank calls
 *     ncclCommInitRank at the same time, as the plugin's tests do);
 *   - reductions fold the ranks' values in rank order; max/min of floats
 *     use fmax/fmin, which drop a NaN, as NCCL's kernels do (the plugin
 *     must not send NumPy's NaN-propagating max/min here); float16 is
 *     computed in float and rounded; bfloat16 and fp8 are refused;
 *   - ncclSend/ncclRecv between ncclGroupStart/End are posted together
 *     at GroupEnd (so exchanges in both directions cannot deadlock) and
 *     match in issue order per pair; outside a group each runs alone;
 *     collectives inside a group are refused (ncclInvalidUsage).
 * Once nda_fake_nccl_attach() has been given the fake driver's
 * nda_fake_cuda_range and nda_fake_cuda_state, every buffer must lie inside
 * a live fake-driver allocation and a context must be current on the
 * calling thread, else the call fails (ncclInvalidArgument /
 * ncclInvalidUsage, the reason on stderr and from ncclGetLastError).
 * nda_fake_nccl_state() reports the data calls made (AllReduce,
 * Broadcast, AllGather, Send, Recv) and the live communicators. */
#define _GNU_SOURCE
#include <nccl.h>

#include <mpi.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define FAKE_MAGIC 0x4e43434cu /* "NCCL" */

struct ncclComm {
    unsigned magic;
    MPI_Comm comm;
    int rank, size;
};

/* One queued ncclSend/ncclRecv of a group. */
typedef struct fake_p2p {
    int send;
    void *buf;
    size_t bytes;
    int peer;
    ncclComm_t comm;
} fake_p2p;

static long fake_calls, fake_comms, fake_ids;
static int fake_group_depth;
static fake_p2p *fake_pending;
static size_t fake_npending, fake_cap;
static char fake_last[512];
static int (*fake_range_fn)(unsigned long long p, size_t n);
static void (*fake_state_fn)(long *allocs, long *modules, int *depth);

EXPORT void nda_fake_nccl_attach(int (*range)(unsigned long long, size_t),
                                 void (*state)(long *, long *, int *))
{
    fake_range_fn = range;
    fake_state_fn = state;
}

EXPORT void nda_fake_nccl_state(long *calls, long *comms)
{
    *calls = fake_calls;
    *comms = fake_comms;
}

static ncclResult_t fake_fail(ncclResult_t r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_last, sizeof fake_last, fmt, ap);
    va_end(ap);
    fprintf(stderr, "fake libnccl: %s\n", fake_last);
    return r;
}

/* ---- checks ---- */

static ncclResult_t fake_check_comm(ncclComm_t c, const char *call)
{
    if (c == NULL || c->magic != FAKE_MAGIC)
        return fake_fail(ncclInvalidArgument, "%s: not a communicator", call);
    return ncclSuccess;
}

/* A device range the fake driver handed out, a current context, a stream. */
static ncclResult_t fake_check_mem(const char *call, const void *p, size_t n, cudaStream_t s)
{
    long allocs, modules;
    int depth = 0;

    if (s == NULL)
        return fake_fail(ncclInvalidArgument, "%s: NULL stream (the plugin uses the device's)",
                         call);
    if (n > 0 && p == NULL)
        return fake_fail(ncclInvalidArgument, "%s: NULL buffer for %zu bytes", call, n);
    if (fake_state_fn != NULL) {
        fake_state_fn(&allocs, &modules, &depth);
        if (depth <= 0)
            return fake_fail(ncclInvalidUsage, "%s: no CUDA context is current", call);
    }
    if (n > 0 && fake_range_fn != NULL && !fake_range_fn((unsigned long long)(uintptr_t)p, n))
        return fake_fail(ncclInvalidArgument, "%s: [%p, +%zu) is not inside a device allocation",
                         call, p, n);
    return ncclSuccess;
}

static size_t fake_size(ncclDataType_t t)
{
    switch (t) {
    case ncclInt8: case ncclUint8: return 1;
    case ncclFloat16: return 2;
    case ncclInt32: case ncclUint32: case ncclFloat32: return 4;
    case ncclInt64: case ncclUint64: case ncclFloat64: return 8;
    default: return 0; /* bfloat16, fp8: not faked */
    }
}

/* ---- float16 ---- */

static float fake_h2f(uint16_t h)
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
            bits = sign | ((uint32_t)(113 - shift) << 23) | ((m & 0x3ffu) << 13);
        }
    } else if (e == 31) {
        bits = sign | 0x7f800000u | (m << 13);
    } else {
        bits = sign | ((e + 112) << 23) | (m << 13);
    }
    memcpy(&f, &bits, 4);
    return f;
}

static uint16_t fake_f2h(float f)
{
    uint32_t x, mant;
    uint16_t sign;
    int e;
    memcpy(&x, &f, 4);
    sign = (uint16_t)((x >> 16) & 0x8000u);
    mant = x & 0x7fffffu;
    e = (int)((x >> 23) & 0xffu);
    if (e == 0xff)
        return sign | 0x7c00u | (mant ? 0x200u : 0);
    e = e - 127 + 15;
    if (e >= 31)
        return sign | 0x7c00u;
    if (e <= 0) {
        uint32_t h, rem, half;
        int shift;
        if (e < -10)
            return sign;
        mant |= 0x800000u;
        shift = 14 - e;
        h = mant >> shift;
        rem = mant & ((1u << shift) - 1);
        half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1)))
            h++;
        return sign | (uint16_t)h;
    }
    {
        uint32_t h = ((uint32_t)e << 10) | (mant >> 13), rem = mant & 0x1fffu;
        if (rem > 0x1000u || (rem == 0x1000u && (h & 1)))
            h++;
        return sign | (uint16_t)h;
    }
}

/* ---- reductions: acc[i] = acc[i] op x[i] ---- */

#define FAKE_FOLD(T, acc, x, n, op)                                                 \
    do {                                                                            \
        T *a_ = (T *)(acc);                                                         \
        const T *b_ = (const T *)(x);                                               \
        for (size_t i_ = 0; i_ < (n); i_++) {                                       \
            switch (op) {                                                           \
            case ncclSum: case ncclAvg: a_[i_] = (T)(a_[i_] + b_[i_]); break;      \
            case ncclProd: a_[i_] = (T)(a_[i_] * b_[i_]); break;                    \
            case ncclMax: a_[i_] = b_[i_] > a_[i_] ? b_[i_] : a_[i_]; break;        \
            default: a_[i_] = b_[i_] < a_[i_] ? b_[i_] : a_[i_]; break;             \
            }                                                                       \
        }                                                                           \
    } while (0)

/* Integer sums and products wrap: computed on the unsigned type. */
static void fake_fold(ncclDataType_t t, ncclRedOp_t op, void *acc, const void *x, size_t n)
{
    switch (t) {
    case ncclInt8:
        if (op == ncclMax || op == ncclMin) FAKE_FOLD(int8_t, acc, x, n, op);
        else FAKE_FOLD(uint8_t, acc, x, n, op);
        break;
    case ncclUint8: FAKE_FOLD(uint8_t, acc, x, n, op); break;
    case ncclInt32:
        if (op == ncclMax || op == ncclMin) FAKE_FOLD(int32_t, acc, x, n, op);
        else FAKE_FOLD(uint32_t, acc, x, n, op);
        break;
    case ncclUint32: FAKE_FOLD(uint32_t, acc, x, n, op); break;
    case ncclInt64:
        if (op == ncclMax || op == ncclMin) FAKE_FOLD(int64_t, acc, x, n, op);
        else FAKE_FOLD(uint64_t, acc, x, n, op);
        break;
    case ncclUint64: FAKE_FOLD(uint64_t, acc, x, n, op); break;
    case ncclFloat32:
        if (op == ncclMax || op == ncclMin)
            for (size_t i = 0; i < n; i++)
                ((float *)acc)[i] = op == ncclMax ? fmaxf(((float *)acc)[i], ((const float *)x)[i])
                                                  : fminf(((float *)acc)[i], ((const float *)x)[i]);
        else
            FAKE_FOLD(float, acc, x, n, op);
        break;
    case ncclFloat64:
        if (op == ncclMax || op == ncclMin)
            for (size_t i = 0; i < n; i++)
                ((double *)acc)[i] = op == ncclMax ? fmax(((double *)acc)[i], ((const double *)x)[i])
                                                   : fmin(((double *)acc)[i], ((const double *)x)[i]);
        else
            FAKE_FOLD(double, acc, x, n, op);
        break;
    default: /* float16 */
        for (size_t i = 0; i < n; i++) {
            float a = fake_h2f(((uint16_t *)acc)[i]), b = fake_h2f(((const uint16_t *)x)[i]);
            float v = op == ncclProd ? a * b : op == ncclMax ? fmaxf(a, b)
                      : op == ncclMin ? fminf(a, b) : a + b;
            ((uint16_t *)acc)[i] = fake_f2h(v);
        }
        break;
    }
}

/* ---- the API ---- */

EXPORT ncclResult_t ncclGetVersion(int *version)
{
    *version = NCCL_VERSION_CODE;
    return ncclSuccess;
}

EXPORT const char *ncclGetErrorString(ncclResult_t r)
{
    static const char *const names[] = {"no error", "unhandled cuda error", "unhandled system error",
                                        "internal error", "invalid argument", "invalid usage",
                                        "remote process exited or there was a network error",
                                        "NCCL operation in progress"};
    return (r >= 0 && (size_t)r < sizeof names / sizeof names[0]) ? names[r] : "unknown result";
}

EXPORT const char *ncclGetLastError(ncclComm_t comm)
{
    (void)comm;
    return fake_last;
}

EXPORT ncclResult_t ncclGetUniqueId(ncclUniqueId *id)
{
    int world = -1, init = 0;

    MPI_Initialized(&init);
    if (init)
        MPI_Comm_rank(MPI_COMM_WORLD, &world);
    memset(id, 0, sizeof *id);
    snprintf(id->internal, sizeof id->internal, "fake-nccl %ld %d %ld", (long)getpid(), world,
             ++fake_ids);
    return ncclSuccess;
}

EXPORT ncclResult_t ncclCommInitRank(ncclComm_t *out, int nranks, ncclUniqueId id, int rank)
{
    uint32_t h = 2166136261u;
    ncclComm_t c;
    int init = 0;
    long allocs, modules;
    int depth = 1;

    *out = NULL;
    MPI_Initialized(&init);
    if (!init)
        return fake_fail(ncclSystemError, "ncclCommInitRank: MPI is not initialised");
    if (fake_state_fn != NULL) {
        fake_state_fn(&allocs, &modules, &depth);
        if (depth <= 0)
            return fake_fail(ncclInvalidUsage, "ncclCommInitRank: no CUDA context is current");
    }
    for (size_t i = 0; i < sizeof id.internal; i++) {
        h ^= (unsigned char)id.internal[i];
        h *= 16777619u;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return fake_fail(ncclSystemError, "ncclCommInitRank: out of memory");
    if (MPI_Comm_split(MPI_COMM_WORLD, (int)(h & 0x7fffffffu), rank, &c->comm) != MPI_SUCCESS) {
        free(c);
        return fake_fail(ncclSystemError, "ncclCommInitRank: MPI_Comm_split failed");
    }
    MPI_Comm_rank(c->comm, &c->rank);
    MPI_Comm_size(c->comm, &c->size);
    if (c->size != nranks || c->rank != rank) {
        int size = c->size;
        MPI_Comm_free(&c->comm);
        free(c);
        return fake_fail(ncclInvalidArgument, "ncclCommInitRank: rank %d of %d, but the id's "
                         "group has %d ranks", rank, nranks, size);
    }
    c->magic = FAKE_MAGIC;
    fake_comms++;
    *out = c;
    return ncclSuccess;
}

static void fake_release(ncclComm_t c)
{
    int fin = 0;
    MPI_Finalized(&fin);
    if (!fin)
        MPI_Comm_free(&c->comm);
    c->magic = 0;
    free(c);
    fake_comms--;
}

EXPORT ncclResult_t ncclCommDestroy(ncclComm_t c)
{
    ncclResult_t r = fake_check_comm(c, "ncclCommDestroy");
    if (r == ncclSuccess)
        fake_release(c);
    return r;
}

EXPORT ncclResult_t ncclCommAbort(ncclComm_t c)
{
    return fake_check_comm(c, "ncclCommAbort");
}

EXPORT ncclResult_t ncclAllReduce(const void *sendbuff, void *recvbuff, size_t count,
                                  ncclDataType_t datatype, ncclRedOp_t op, ncclComm_t comm,
                                  cudaStream_t stream)
{
    size_t es = fake_size(datatype), bytes = es * count;
    unsigned char *all;
    ncclResult_t r;

    if ((r = fake_check_comm(comm, "ncclAllReduce")) != ncclSuccess)
        return r;
    if (fake_group_depth > 0)
        return fake_fail(ncclInvalidUsage, "ncclAllReduce inside a group (the fake groups "
                         "send/recv only)");
    if (es == 0 || op < ncclSum || op > ncclAvg)
        return fake_fail(ncclInvalidArgument, "ncclAllReduce: type %d / op %d not faked",
                         (int)datatype, (int)op);
    if ((r = fake_check_mem("ncclAllReduce", sendbuff, bytes, stream)) != ncclSuccess ||
        (r = fake_check_mem("ncclAllReduce", recvbuff, bytes, stream)) != ncclSuccess)
        return r;
    fake_calls++;
    all = malloc(bytes * (size_t)comm->size + 1);
    if (all == NULL)
        return fake_fail(ncclSystemError, "ncclAllReduce: out of memory");
    MPI_Allgather(sendbuff, (int)bytes, MPI_BYTE, all, (int)bytes, MPI_BYTE, comm->comm);
    for (int k = 1; k < comm->size; k++)
        fake_fold(datatype, op, all, all + (size_t)k * bytes, count);
    if (op == ncclAvg && datatype == ncclFloat64)
        for (size_t i = 0; i < count; i++)
            ((double *)all)[i] /= comm->size;
    memcpy(recvbuff, all, bytes);
    free(all);
    return ncclSuccess;
}

EXPORT ncclResult_t ncclBroadcast(const void *sendbuff, void *recvbuff, size_t count,
                                  ncclDataType_t datatype, int root, ncclComm_t comm,
                                  cudaStream_t stream)
{
    size_t bytes = fake_size(datatype) * count;
    ncclResult_t r;

    if ((r = fake_check_comm(comm, "ncclBroadcast")) != ncclSuccess)
        return r;
    if (fake_size(datatype) == 0 || root < 0 || root >= comm->size || fake_group_depth > 0)
        return fake_fail(ncclInvalidArgument, "ncclBroadcast: bad type, root or usage");
    if ((comm->rank == root &&
         (r = fake_check_mem("ncclBroadcast", sendbuff, bytes, stream)) != ncclSuccess) ||
        (r = fake_check_mem("ncclBroadcast", recvbuff, bytes, stream)) != ncclSuccess)
        return r;
    fake_calls++;
    if (comm->rank == root && sendbuff != recvbuff)
        memmove(recvbuff, sendbuff, bytes);
    MPI_Bcast(recvbuff, (int)bytes, MPI_BYTE, root, comm->comm);
    return ncclSuccess;
}

EXPORT ncclResult_t ncclAllGather(const void *sendbuff, void *recvbuff, size_t sendcount,
                                  ncclDataType_t datatype, ncclComm_t comm, cudaStream_t stream)
{
    size_t bytes = fake_size(datatype) * sendcount;
    ncclResult_t r;

    if ((r = fake_check_comm(comm, "ncclAllGather")) != ncclSuccess)
        return r;
    if (fake_size(datatype) == 0 || fake_group_depth > 0)
        return fake_fail(ncclInvalidArgument, "ncclAllGather: bad type or usage");
    if ((r = fake_check_mem("ncclAllGather", sendbuff, bytes, stream)) != ncclSuccess ||
        (r = fake_check_mem("ncclAllGather", recvbuff, bytes * (size_t)comm->size, stream)) !=
            ncclSuccess)
        return r;
    fake_calls++;
    if ((const unsigned char *)sendbuff == (unsigned char *)recvbuff + (size_t)comm->rank * bytes)
        MPI_Allgather(MPI_IN_PLACE, 0, MPI_BYTE, recvbuff, (int)bytes, MPI_BYTE, comm->comm);
    else
        MPI_Allgather(sendbuff, (int)bytes, MPI_BYTE, recvbuff, (int)bytes, MPI_BYTE, comm->comm);
    return ncclSuccess;
}

/* Posts every pending send/recv at once and waits for them. */
static ncclResult_t fake_run(fake_p2p *ops, size_t n)
{
    MPI_Request *req = malloc(sizeof *req * (n ? n : 1));
    size_t k = 0;

    if (req == NULL)
        return fake_fail(ncclSystemError, "out of memory");
    for (size_t i = 0; i < n; i++) /* receives first */
        if (!ops[i].send)
            MPI_Irecv(ops[i].buf, (int)ops[i].bytes, MPI_BYTE, ops[i].peer, 0, ops[i].comm->comm,
                      &req[k++]);
    for (size_t i = 0; i < n; i++)
        if (ops[i].send)
            MPI_Isend(ops[i].buf, (int)ops[i].bytes, MPI_BYTE, ops[i].peer, 0, ops[i].comm->comm,
                      &req[k++]);
    MPI_Waitall((int)k, req, MPI_STATUSES_IGNORE);
    free(req);
    return ncclSuccess;
}

static ncclResult_t fake_p2p_call(int send, const char *call, void *buf, size_t count,
                                  ncclDataType_t t, int peer, ncclComm_t comm, cudaStream_t stream)
{
    size_t bytes = fake_size(t) * count;
    fake_p2p op = {send, buf, bytes, peer, comm};
    ncclResult_t r;

    if ((r = fake_check_comm(comm, call)) != ncclSuccess)
        return r;
    if (fake_size(t) == 0 || peer < 0 || peer >= comm->size)
        return fake_fail(ncclInvalidArgument, "%s: bad type or peer %d", call, peer);
    if ((r = fake_check_mem(call, buf, bytes, stream)) != ncclSuccess)
        return r;
    fake_calls++;
    if (fake_group_depth == 0)
        return fake_run(&op, 1);
    if (fake_npending == fake_cap) {
        size_t cap = fake_cap ? 2 * fake_cap : 16;
        fake_p2p *p = realloc(fake_pending, cap * sizeof *p);
        if (p == NULL)
            return fake_fail(ncclSystemError, "out of memory");
        fake_pending = p;
        fake_cap = cap;
    }
    fake_pending[fake_npending++] = op;
    return ncclSuccess;
}

EXPORT ncclResult_t ncclSend(const void *sendbuff, size_t count, ncclDataType_t datatype, int peer,
                             ncclComm_t comm, cudaStream_t stream)
{
    return fake_p2p_call(1, "ncclSend", (void *)sendbuff, count, datatype, peer, comm, stream);
}

EXPORT ncclResult_t ncclRecv(void *recvbuff, size_t count, ncclDataType_t datatype, int peer,
                             ncclComm_t comm, cudaStream_t stream)
{
    return fake_p2p_call(0, "ncclRecv", recvbuff, count, datatype, peer, comm, stream);
}

EXPORT ncclResult_t ncclGroupStart(void)
{
    fake_group_depth++;
    return ncclSuccess;
}

EXPORT ncclResult_t ncclGroupEnd(void)
{
    ncclResult_t r = ncclSuccess;

    if (fake_group_depth == 0)
        return fake_fail(ncclInvalidUsage, "ncclGroupEnd without ncclGroupStart");
    if (--fake_group_depth == 0) {
        r = fake_run(fake_pending, fake_npending);
        fake_npending = 0;
    }
    return r;
}

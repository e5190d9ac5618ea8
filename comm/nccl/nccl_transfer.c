/* The "nccl" plugin's data members (nccl_internal.h): NCCL on the CUDA
 * device's stream, after the same argument agreement as the MPI engine.
 *
 * allreduce runs on NCCL where NCCL computes what NumPy does: integer
 * sums, products, maxima and minima of int8/uint8/(u)int32/(u)int64, bool
 * reductions (as uint8 max/min), float sums and products, and complex sums
 * (as float sums of twice the count). The rest goes through the MPI engine,
 * host-staged: NCCL has no int16/uint16 and no complex products, and its
 * float max/min drop NaNs (fmax). allgatherv and alltoall(v) are grouped
 * ncclSend/ncclRecv, with this rank's own block copied on the device. */
#include "comm/nccl/nccl_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- point-to-point ---- */

static int nccl_p2p(nda_nccl_comm *c, const char *what, const nda_comm_queue *q,
                    const void *sbuf, size_t soff, size_t sbytes, int dest, void *rbuf,
                    size_t roff, size_t rbytes, int source)
{
    const nda_nccl_lib *L = nda_nccl();
    uint64_t sa = 0, ra = 0;
    cudaStream_t stream;
    ncclResult_t r = ncclSuccess;
    const char *call = "ncclGroupEnd";
    int rc;

    if ((rc = nda_nccl_check_queue(c, what, q)) != NDA_OK ||
        (rc = nda_mpi_check_peer(what, &c->mpi, dest, 1)) != NDA_OK ||
        (rc = nda_mpi_check_peer(what, &c->mpi, source, 1)) != NDA_OK ||
        (dest >= 0 && (rc = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff,
                                                 sbytes)) != NDA_OK) ||
        (source >= 0 && (rc = nda_mpi_check_buffer(what, "the receive buffer", rbuf, roff,
                                                   rbytes)) != NDA_OK))
        return rc;
    if (dest >= 0 && source >= 0 && nda_mpi_ranges_overlap(sbuf, soff, sbytes, rbuf, roff, rbytes))
        return nda_mpi_fail(NDA_EVALUE, "%s: the send and receive ranges overlap", what);
    if ((dest == c->mpi.rank) != (source == c->mpi.rank))
        return nda_mpi_fail(NDA_ENOTIMPL, "%s: with NCCL, a transfer to this rank must be a "
                            "sendrecv that also receives from it", what);
    if (dest == c->mpi.rank) { /* to itself: a copy on the device */
        if (sbytes != rbytes)
            return nda_mpi_fail(NDA_EVALUE, "%s: this rank sends itself %zu bytes but expects "
                                "%zu", what, sbytes, rbytes);
        return sbytes ? q->ops->copy_device(q->dev, rbuf, roff, sbuf, soff, sbytes) : NDA_OK;
    }
    if ((dest >= 0 && (rc = nda_nccl_address(q, sbuf, soff, sbytes, &sa)) != NDA_OK) ||
        (source >= 0 && (rc = nda_nccl_address(q, rbuf, roff, rbytes, &ra)) != NDA_OK))
        return rc;
    /* Empty messages are not sent: both sides know the size. */
    if ((dest < 0 || sbytes == 0) && (source < 0 || rbytes == 0))
        return NDA_OK;
    if ((rc = nda_nccl_enter(c, &stream)) != NDA_OK)
        return rc;
    r = L->GroupStart();
    if (r == ncclSuccess && dest >= 0 && sbytes > 0 &&
        (r = L->Send((const void *)(uintptr_t)sa, sbytes, ncclUint8, dest, c->nccl, stream)) !=
            ncclSuccess)
        call = "ncclSend";
    if (r == ncclSuccess && source >= 0 && rbytes > 0 &&
        (r = L->Recv((void *)(uintptr_t)ra, rbytes, ncclUint8, source, c->nccl, stream)) !=
            ncclSuccess)
        call = "ncclRecv";
    if (r == ncclSuccess) {
        r = L->GroupEnd();
    } else {
        L->GroupEnd();
    }
    nda_nccl_leave(c);
    return r == ncclSuccess ? NDA_OK : nda_nccl_fail(c, r, what, call);
}

int nda_nccl_send(void *comm, const nda_comm_queue *q, const void *buf, size_t off,
                  size_t nbytes, int peer, int tag)
{
    nda_nccl_comm *c = comm;
    int rc = nda_mpi_check_tag("send", tag);

    if (rc != NDA_OK)
        return rc;
    if (peer == c->mpi.rank || peer == -1)
        return nda_mpi_fail(NDA_EVALUE, "send: rank %d is %s", peer,
                            peer == -1 ? "outside 0..size-1" : "this rank (sendrecv can send to "
                                                               "itself)");
    return nccl_p2p(c, "send", q, buf, off, nbytes, peer, NULL, 0, 0, -1);
}

int nda_nccl_recv(void *comm, const nda_comm_queue *q, void *buf, size_t off, size_t nbytes,
                  int peer, int tag)
{
    nda_nccl_comm *c = comm;
    int rc = nda_mpi_check_tag("recv", tag);

    if (rc != NDA_OK)
        return rc;
    if (peer == c->mpi.rank || peer == -1)
        return nda_mpi_fail(NDA_EVALUE, "recv: rank %d is %s", peer,
                            peer == -1 ? "outside 0..size-1" : "this rank (sendrecv can receive "
                                                               "from itself)");
    return nccl_p2p(c, "recv", q, NULL, 0, 0, -1, buf, off, nbytes, peer);
}

int nda_nccl_sendrecv(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                      size_t sbytes, int dest, void *rbuf, size_t roff, size_t rbytes,
                      int source, int tag)
{
    int rc = nda_mpi_check_tag("sendrecv", tag);

    return rc != NDA_OK ? rc
                        : nccl_p2p(comm, "sendrecv", q, sbuf, soff, sbytes, dest, rbuf, roff,
                                   rbytes, source);
}

/* ---- allreduce ---- */

/* NCCL's type and op for (dtype, op) and the element count multiplier;
 * 0 when NCCL cannot compute it as NumPy does. */
static int nccl_native(nda_dtype dt, nda_comm_op op, ncclDataType_t *t, ncclRedOp_t *o, size_t *mul)
{
    static const ncclRedOp_t ops[] = {ncclSum, ncclSum, ncclProd, ncclMax, ncclMin};
    int arith = op >= NDA_COMM_SUM && op <= NDA_COMM_MIN;

    *mul = 1;
    *o = arith ? ops[op] : ncclSum;
    switch (dt) {
    case NDA_BOOL: /* bytes 0/1: or = max, and = min */
        *t = ncclUint8;
        *o = (op == NDA_COMM_SUM || op == NDA_COMM_MAX || op == NDA_COMM_LOR) ? ncclMax : ncclMin;
        return 1;
    case NDA_INT8: *t = ncclInt8; return arith;
    case NDA_UINT8: *t = ncclUint8; return arith;
    case NDA_INT32: *t = ncclInt32; return arith;
    case NDA_UINT32: *t = ncclUint32; return arith;
    case NDA_INT64: *t = ncclInt64; return arith;
    case NDA_UINT64: *t = ncclUint64; return arith;
    case NDA_FLOAT16: *t = ncclFloat16; return op == NDA_COMM_SUM || op == NDA_COMM_PROD;
    case NDA_FLOAT32: *t = ncclFloat32; return op == NDA_COMM_SUM || op == NDA_COMM_PROD;
    case NDA_FLOAT64: *t = ncclFloat64; return op == NDA_COMM_SUM || op == NDA_COMM_PROD;
    case NDA_COMPLEX64: *t = ncclFloat32; *mul = 2; return op == NDA_COMM_SUM;
    case NDA_COMPLEX128: *t = ncclFloat64; *mul = 2; return op == NDA_COMM_SUM;
    default: return 0;
    }
}

int nda_nccl_allreduce(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                       void *rbuf, size_t roff, size_t count, nda_dtype dtype, nda_comm_op op)
{
    static const char *const names[] = {"element count", "dtype", "op"};
    const char *what = "allreduce";
    nda_nccl_comm *c = comm;
    MPI_Datatype mt;
    MPI_Op mo;
    ncclDataType_t nt = ncclUint8;
    ncclRedOp_t no = ncclSum;
    size_t es = 1, mul = 1, bytes = 0;
    uint64_t sa = 0, ra = 0;
    cudaStream_t stream;
    ncclResult_t r;
    int native, st, rc;
    int64_t sig[3] = {(int64_t)count, (int64_t)dtype, (int64_t)op};

    st = nda_nccl_check_queue(c, what, q);
    if (st == NDA_OK)
        st = nda_mpi_reduction(dtype, op, &mt, &mo, &es);
    if (st == NDA_OK && count > SIZE_MAX / es)
        st = nda_mpi_fail(NDA_EVALUE, "%s: %zu elements of %zu bytes overflow", what, count, es);
    if (st == NDA_OK) {
        bytes = count * es;
        if (sbuf != rbuf || soff != roff) {
            if (nda_mpi_ranges_overlap(sbuf, soff, bytes, rbuf, roff, bytes))
                st = nda_mpi_fail(NDA_EVALUE, "%s: the send and receive ranges overlap (in "
                                  "place needs the same buffer and offset)", what);
        }
    }
    if (st == NDA_OK && (st = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff,
                                                   bytes)) == NDA_OK)
        st = nda_mpi_check_buffer(what, "the receive buffer", rbuf, roff, bytes);
    if (st == NDA_OK)
        st = nda_nccl_address(q, sbuf, soff, bytes, &sa);
    if (st == NDA_OK)
        st = nda_nccl_address(q, rbuf, roff, bytes, &ra);
    if ((rc = nda_mpi_agree_args(&c->mpi, what, st, 3, sig, names)) != NDA_OK)
        return rc;
    /* The arguments agree, so every rank takes the same path. */
    native = nccl_native(dtype, op, &nt, &no, &mul);
    if (!native)
        return nda_mpi_allreduce(&c->mpi, q, sbuf, soff, rbuf, roff, count, dtype, op);
    if (count == 0)
        return NDA_OK;
    if (nda_nccl_enter(c, &stream) != NDA_OK)
        nda_mpi_abort(c->mpi.comm, "%s: %s", what, nda_mpi_message());
    r = nda_nccl()->AllReduce((const void *)(uintptr_t)sa, (void *)(uintptr_t)ra, count * mul, nt,
                              no, c->nccl, stream);
    nda_nccl_leave(c);
    if (r != ncclSuccess)
        nda_nccl_fatal(c, r, what, "ncclAllReduce");
    return NDA_OK;
}

/* ---- gathers and all-to-all ---- */

/* One grouped exchange: send block j (sbytes[j] at sa + sdispl[j]) to
 * rank j, receive rbytes[i] from rank i at ra + rdispl[i], for every other
 * rank; this rank's own block is copied on the device first. NULL sdispl:
 * every rank gets the same block (sa, sbytes[0]). Called after the
 * agreement: any failure ends the job. */
static void nccl_exchange(nda_nccl_comm *c, const char *what, const nda_comm_queue *q,
                          const void *sbuf, size_t soff, const size_t *sbytes,
                          const size_t *sdispl, void *rbuf, size_t roff, const size_t *rbytes,
                          const size_t *rdispl, uint64_t sa, uint64_t ra)
{
    const nda_nccl_lib *L = nda_nccl();
    int me = c->mpi.rank;
    size_t mine = sdispl ? sbytes[me] : sbytes[0], mine_at = sdispl ? sdispl[me] : 0;
    const char *call = "ncclGroupEnd";
    cudaStream_t stream;
    ncclResult_t r;

    if (mine > 0 &&
        q->ops->copy_device(q->dev, rbuf, roff + rdispl[me], sbuf, soff + mine_at, mine) != NDA_OK)
        nda_mpi_abort(c->mpi.comm, "%s: copying this rank's block: %s", what, nda_mpi_message());
    if (nda_nccl_enter(c, &stream) != NDA_OK)
        nda_mpi_abort(c->mpi.comm, "%s: %s", what, nda_mpi_message());
    r = L->GroupStart();
    for (int j = 0; r == ncclSuccess && j < c->mpi.size; j++) {
        size_t sn = sdispl ? sbytes[j] : sbytes[0], sat = sdispl ? sdispl[j] : 0;
        if (j == me)
            continue;
        if (sn > 0 && (r = L->Send((const void *)(uintptr_t)(sa + sat), sn, ncclUint8, j, c->nccl,
                                   stream)) != ncclSuccess)
            call = "ncclSend";
        if (r == ncclSuccess && rbytes[j] > 0 &&
            (r = L->Recv((void *)(uintptr_t)(ra + rdispl[j]), rbytes[j], ncclUint8, j, c->nccl,
                         stream)) != ncclSuccess)
            call = "ncclRecv";
    }
    if (r == ncclSuccess)
        r = L->GroupEnd();
    else
        L->GroupEnd();
    nda_nccl_leave(c);
    if (r != ncclSuccess)
        nda_nccl_fatal(c, r, what, call);
}

int nda_nccl_allgather(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                       size_t nbytes, void *rbuf, size_t roff)
{
    static const char *const names[] = {"block size"};
    const char *what = "allgather";
    nda_nccl_comm *c = comm;
    size_t total = 0;
    uint64_t sa = 0, ra = 0;
    cudaStream_t stream;
    ncclResult_t r;
    int st, rc;
    int64_t sig[1] = {(int64_t)nbytes};

    st = nda_nccl_check_queue(c, what, q);
    if (st == NDA_OK && nbytes > SIZE_MAX / (size_t)c->mpi.size)
        st = nda_mpi_fail(NDA_EVALUE, "%s: %d blocks of %zu bytes overflow", what, c->mpi.size,
                          nbytes);
    if (st == NDA_OK) {
        total = nbytes * (size_t)c->mpi.size;
        if (nda_mpi_ranges_overlap(sbuf, soff, nbytes, rbuf, roff, total))
            st = nda_mpi_fail(NDA_EVALUE, "%s: the send and receive ranges overlap", what);
    }
    if (st == NDA_OK && (st = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff,
                                                   nbytes)) == NDA_OK)
        st = nda_mpi_check_buffer(what, "the receive buffer", rbuf, roff, total);
    if (st == NDA_OK && (st = nda_nccl_address(q, sbuf, soff, nbytes, &sa)) == NDA_OK)
        st = nda_nccl_address(q, rbuf, roff, total, &ra);
    if ((rc = nda_mpi_agree_args(&c->mpi, what, st, 1, sig, names)) != NDA_OK || nbytes == 0)
        return rc;
    if (nda_nccl_enter(c, &stream) != NDA_OK)
        nda_mpi_abort(c->mpi.comm, "%s: %s", what, nda_mpi_message());
    r = nda_nccl()->AllGather((const void *)(uintptr_t)sa, (void *)(uintptr_t)ra, nbytes, ncclUint8,
                              c->nccl, stream);
    nda_nccl_leave(c);
    if (r != ncclSuccess)
        nda_nccl_fatal(c, r, what, "ncclAllGather");
    return NDA_OK;
}

int nda_nccl_allgatherv(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                        size_t sbytes, void *rbuf, size_t roff, const size_t *rbytes,
                        const size_t *rdispl)
{
    static const char *const names[] = {"~receive sizes (rbytes)"};
    const char *what = "allgatherv";
    nda_nccl_comm *c = comm;
    size_t extent = 0;
    uint64_t sa = 0, ra = 0;
    int st, rc;
    int64_t sig[1] = {0};

    st = nda_nccl_check_queue(c, what, q);
    if (st == NDA_OK)
        st = nda_mpi_check_gatherv(what, &c->mpi, sbuf, soff, sbytes, rbuf, roff, rbytes, rdispl,
                                   &extent);
    if (st == NDA_OK) {
        sig[0] = nda_mpi_digest(rbytes, c->mpi.size);
        if ((st = nda_nccl_address(q, sbuf, soff, sbytes, &sa)) == NDA_OK)
            st = nda_nccl_address(q, rbuf, roff, extent, &ra);
    }
    if ((rc = nda_mpi_agree_args(&c->mpi, what, st, 1, sig, names)) != NDA_OK)
        return rc;
    nccl_exchange(c, what, q, sbuf, soff, &sbytes, NULL, rbuf, roff, rbytes, rdispl, sa, ra);
    return NDA_OK;
}

int nda_nccl_alltoall(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                      size_t nbytes, void *rbuf, size_t roff)
{
    static const char *const names[] = {"block size"};
    const char *what = "alltoall";
    nda_nccl_comm *c = comm;
    size_t n = (size_t)c->mpi.size, total = 0, *v = NULL;
    uint64_t sa = 0, ra = 0;
    int st, rc;
    int64_t sig[1] = {(int64_t)nbytes};

    st = nda_nccl_check_queue(c, what, q);
    if (st == NDA_OK && nbytes > SIZE_MAX / n)
        st = nda_mpi_fail(NDA_EVALUE, "%s: %zu blocks of %zu bytes overflow", what, n, nbytes);
    if (st == NDA_OK) {
        total = nbytes * n;
        if (nda_mpi_ranges_overlap(sbuf, soff, total, rbuf, roff, total))
            st = nda_mpi_fail(NDA_EVALUE, "%s: the send and receive ranges overlap", what);
    }
    if (st == NDA_OK && (st = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff,
                                                   total)) == NDA_OK)
        st = nda_mpi_check_buffer(what, "the receive buffer", rbuf, roff, total);
    if (st == NDA_OK && (st = nda_nccl_address(q, sbuf, soff, total, &sa)) == NDA_OK)
        st = nda_nccl_address(q, rbuf, roff, total, &ra);
    if (st == NDA_OK && (v = malloc(sizeof *v * 2 * n)) == NULL)
        st = nda_mpi_fail(NDA_ENOMEM, "%s: out of host memory", what);
    if ((rc = nda_mpi_agree_args(&c->mpi, what, st, 1, sig, names)) != NDA_OK) {
        free(v);
        return rc;
    }
    for (size_t j = 0; j < n; j++) {
        v[j] = nbytes;
        v[n + j] = j * nbytes;
    }
    nccl_exchange(c, what, q, sbuf, soff, v, v + n, rbuf, roff, v, v + n, sa, ra);
    free(v);
    return NDA_OK;
}

int nda_nccl_alltoallv(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                       const size_t *sbytes, const size_t *sdispl, void *rbuf, size_t roff,
                       const size_t *rbytes, const size_t *rdispl)
{
    const char *what = "alltoallv";
    nda_nccl_comm *c = comm;
    size_t sextent = 0, rextent = 0;
    uint64_t sa = 0, ra = 0;
    int st, rc;

    st = nda_nccl_check_queue(c, what, q);
    if (st == NDA_OK)
        st = nda_mpi_check_alltoallv(what, &c->mpi, sbuf, soff, sbytes, sdispl, rbuf, roff,
                                     rbytes, rdispl, &sextent, &rextent);
    if (st == NDA_OK && (st = nda_nccl_address(q, sbuf, soff, sextent, &sa)) == NDA_OK)
        st = nda_nccl_address(q, rbuf, roff, rextent, &ra);
    /* Every rank takes part in the size exchange, failed or not. */
    st = nda_mpi_exchange_counts(what, &c->mpi, st, sbytes, rbytes);
    if ((rc = nda_mpi_agree_args(&c->mpi, what, st, 0, NULL, NULL)) != NDA_OK)
        return rc;
    nccl_exchange(c, what, q, sbuf, soff, sbytes, sdispl, rbuf, roff, rbytes, rdispl, sa, ra);
    return NDA_OK;
}

/* The request of every exchange this plugin started: the exchange is
 * queued on the device's stream, so work queued after it (wait included)
 * is ordered after it and wait has nothing left to do. */
static char nda_nccl_queued;

int nda_nccl_ialltoallv(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                        const size_t *sbytes, const size_t *sdispl, void *rbuf, size_t roff,
                        const size_t *rbytes, const size_t *rdispl, void **request)
{
    int rc;

    if (request != NULL)
        *request = NULL;
    rc = nda_nccl_alltoallv(comm, q, sbuf, soff, sbytes, sdispl, rbuf, roff, rbytes, rdispl);
    if (rc == NDA_OK && request != NULL)
        *request = &nda_nccl_queued;
    return rc;
}

int nda_nccl_wait(void *comm, void *request)
{
    (void)comm;
    if (request != &nda_nccl_queued)
        return nda_mpi_fail(NDA_EVALUE, "wait: not a request of the nccl plugin");
    return NDA_OK;
}

int nda_nccl_bcast(void *comm, const nda_comm_queue *q, void *buf, size_t off, size_t nbytes,
                   int root)
{
    static const char *const names[] = {"byte count", "root"};
    const char *what = "bcast";
    nda_nccl_comm *c = comm;
    uint64_t a = 0;
    cudaStream_t stream;
    ncclResult_t r;
    int st, rc;
    int64_t sig[2] = {(int64_t)nbytes, (int64_t)root};

    st = nda_nccl_check_queue(c, what, q);
    if (st == NDA_OK && (root < 0 || root >= c->mpi.size))
        st = nda_mpi_fail(NDA_EVALUE, "%s: root %d is outside 0..%d", what, root,
                          c->mpi.size - 1);
    if (st == NDA_OK && (st = nda_mpi_check_buffer(what, "the buffer", buf, off, nbytes)) == NDA_OK)
        st = nda_nccl_address(q, buf, off, nbytes, &a);
    if ((rc = nda_mpi_agree_args(&c->mpi, what, st, 2, sig, names)) != NDA_OK || nbytes == 0)
        return rc;
    if (nda_nccl_enter(c, &stream) != NDA_OK)
        nda_mpi_abort(c->mpi.comm, "%s: %s", what, nda_mpi_message());
    r = nda_nccl()->Broadcast((const void *)(uintptr_t)a, (void *)(uintptr_t)a, nbytes, ncclUint8,
                              root, c->nccl, stream);
    nda_nccl_leave(c);
    if (r != ncclSuccess)
        nda_nccl_fatal(c, r, what, "ncclBroadcast");
    return NDA_OK;
}

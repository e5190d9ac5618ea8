/* Moving device buffers with MPI (mpi_engine.h): point-to-point and
 * collectives, host-staged or direct.
 *
 * Staged: the send data is copied to a host buffer with the backend's
 * copy_to_host (which waits for the queue's earlier work), MPI runs on
 * host memory, and received data goes back with copy_to_device (which
 * returns once the host buffer may be reused; later queue work sees it).
 * Direct (CUDA-aware MPI): the queue is synchronised, then MPI gets the
 * device addresses from buffer_address; MPI's blocking calls return with
 * the data in place.
 *
 * Every collective runs in three phases: local checks and the staging of
 * what it sends (a failure only sets this rank's status), the agreement
 * (nda_mpi_agree_args: every rank returns the same error, nothing moved),
 * then the transfer, in which any failure aborts the job. Sizes past an
 * MPI int are sent in units of 2^k bytes (a contiguous datatype) or, for
 * reductions and point-to-point messages, in pieces. */

#include "comm/mpi/mpi_engine.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* What MPI reads or writes for an empty side: a distinct address per side, since
 * Open MPI's non-blocking collectives (libnbc) take a send buffer equal to
 * the receive buffer for MPI_IN_PLACE (a 3-rank Ialltoallv hung when one
 * rank sent and received nothing). */
static unsigned char nda_mpi_empty[2][8];

/* Largest piece of one message or reduction pass, in bytes: MPI counts
 * are int. $NDACCEL_COMM_CHUNK_BYTES lowers it (tests use it to exercise
 * the splitting); it must be the same on every rank. A multiple of 16. */
static size_t nda_mpi_chunk(void)
{
    static size_t chunk;
    const char *env;

    if (chunk == 0) {
        size_t v = (size_t)1 << 30;
        env = getenv("NDACCEL_COMM_CHUNK_BYTES");
        if (env != NULL && env[0] != '\0') {
            char *end;
            unsigned long long x = strtoull(env, &end, 10);
            if (*end == '\0' && x >= 16 && x < v)
                v = (size_t)x;
        }
        chunk = v & ~(size_t)15;
    }
    return chunk;
}

/* ---- staging ---- */

/* A host buffer of at least n bytes in slot (n > 0). */
static int nda_mpi_stage(nda_mpi_comm *c, int slot, size_t n, unsigned char **p)
{
    if (c->stage_cap[slot] < n) {
        free(c->stage[slot]);
        c->stage[slot] = malloc(n);
        c->stage_cap[slot] = c->stage[slot] != NULL ? n : 0;
        if (c->stage[slot] == NULL)
            return nda_mpi_fail(NDA_ENOMEM, "out of host memory for a %zu-byte staging buffer",
                                n);
    }
    *p = c->stage[slot];
    return NDA_OK;
}

/* Drops staging buffers past the size kept between calls. */
static void nda_mpi_stage_trim(nda_mpi_comm *c)
{
    for (int i = 0; i < 2; i++)
        if (c->stage_cap[i] > NDA_MPI_STAGE_KEEP) {
            free(c->stage[i]);
            c->stage[i] = NULL;
            c->stage_cap[i] = 0;
        }
}

/* Where MPI finds (send: load != 0, staged copies are filled) or puts the
 * n bytes at buf + off on q's device: its device address when direct,
 * else the host buffer of slot. */
static int nda_mpi_place(nda_mpi_comm *c, const nda_comm_queue *q, int direct, int slot,
                         const void *buf, size_t off, size_t n, int load, unsigned char **mem)
{
    uint64_t addr;
    int rc;

    if (n == 0) {
        *mem = nda_mpi_empty[slot & 1];
        return NDA_OK;
    }
    if (direct) {
        if ((rc = q->ops->buffer_address(q->dev, buf, off, n, &addr)) != NDA_OK)
            return rc;
        *mem = (unsigned char *)(uintptr_t)addr;
        return NDA_OK;
    }
    if ((rc = nda_mpi_stage(c, slot, n, mem)) != NDA_OK)
        return rc;
    return load ? q->ops->copy_to_host(q->dev, *mem, buf, off, n) : NDA_OK;
}

/* After MPI wrote mem (staged): the n bytes go to buf + off on the device.
 * Peers may be past the transfer already, but this rank's result would be
 * wrong: a failure here ends the job. */
static void nda_mpi_unstage(nda_mpi_comm *c, const char *what, const nda_comm_queue *q,
                            int direct, void *buf, size_t off, const unsigned char *mem, size_t n)
{
    int rc;

    if (direct || n == 0)
        return;
    rc = q->ops->copy_to_device(q->dev, buf, off, mem, n);
    if (rc != NDA_OK)
        nda_mpi_abort(c->comm, "%s: copying the received data to the device: %s", what,
                      nda_mpi_message());
}

/* Before MPI touches device memory directly: the queue's work is done. */
static int nda_mpi_direct_begin(const nda_comm_queue *q, int direct)
{
    return direct ? q->ops->synchronize(q->dev) : NDA_OK;
}

/* ---- sizes in MPI ints ---- */

/* A datatype of u = 2^k contiguous bytes such that each of the n values is
 * a multiple of u and at most INT_MAX units: MPI_BYTE when u == 1, else a
 * committed type the caller frees with nda_mpi_unit_free. */
static int nda_mpi_unit(const char *what, const size_t *v, int n, MPI_Datatype *type,
                        size_t *unit)
{
    *type = MPI_BYTE;
    *unit = 1;
    for (size_t u = 1; u <= ((size_t)1 << 30); u <<= 1) {
        int fits = 1, rc;
        for (int i = 0; fits && i < n; i++)
            fits = v[i] % u == 0 && v[i] / u <= (size_t)INT_MAX;
        if (!fits)
            continue;
        *unit = u;
        if (u == 1)
            return NDA_OK;
        rc = MPI_Type_contiguous((int)u, MPI_BYTE, type);
        if (rc == MPI_SUCCESS)
            rc = MPI_Type_commit(type);
        if (rc != MPI_SUCCESS) {
            *type = MPI_BYTE;
            return nda_mpi_fail_call(rc, "MPI_Type_contiguous");
        }
        return NDA_OK;
    }
    return nda_mpi_fail(NDA_ENOTIMPL, "%s: sizes or displacements past 2 GiB that share no "
                        "power-of-two factor large enough for MPI's int counts", what);
}

static void nda_mpi_unit_free(MPI_Datatype *type)
{
    if (*type != MPI_BYTE)
        MPI_Type_free(type);
    *type = MPI_BYTE;
}

/* Fills icount/idispl (units) from bytes/displ (n values, multiples of u). */
static void nda_mpi_to_units(int n, const size_t *bytes, const size_t *displ, size_t u,
                             int *icount, int *idispl)
{
    for (int i = 0; i < n; i++) {
        icount[i] = (int)(bytes[i] / u);
        idispl[i] = (int)(displ[i] / u);
    }
}

/* A failed MPI call in a transfer phase ends the job. */
static void nda_mpi_check_transfer(nda_mpi_comm *c, const char *what, int rc, const char *call)
{
    if (rc == MPI_SUCCESS)
        return;
    nda_mpi_fail_call(rc, call);
    nda_mpi_abort(c->comm, "%s: %s", what, nda_mpi_message());
}

/* ---- point-to-point ---- */

static size_t nda_mpi_pieces(size_t n)
{
    size_t ch = nda_mpi_chunk();
    return n == 0 ? 1 : (n + ch - 1) / ch;
}

/* send, recv and sendrecv: dest/source -1 for none. Errors are returned
 * (not agreed): the peer has completed or is waiting for this rank. */
static int nda_mpi_p2p(nda_mpi_comm *c, const char *what, const nda_comm_queue *q,
                       const void *sbuf, size_t soff, size_t sbytes, int dest, void *rbuf,
                       size_t roff, size_t rbytes, int source, int tag)
{
    MPI_Request reqs_stack[8], *reqs = reqs_stack;
    MPI_Status sts_stack[8], *sts = sts_stack;
    size_t ch = nda_mpi_chunk(), nr = 0, ns = 0, n;
    unsigned char *smem = NULL, *rmem = NULL;
    int direct, rc, mrc;

    if ((rc = nda_mpi_check_queue(what, q)) != NDA_OK ||
        (rc = nda_mpi_check_tag(what, tag)) != NDA_OK ||
        (rc = nda_mpi_check_peer(what, c, dest, 1)) != NDA_OK ||
        (rc = nda_mpi_check_peer(what, c, source, 1)) != NDA_OK ||
        (dest >= 0 && (rc = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff,
                                                 sbytes)) != NDA_OK) ||
        (source >= 0 && (rc = nda_mpi_check_buffer(what, "the receive buffer", rbuf, roff,
                                                   rbytes)) != NDA_OK))
        return rc;
    if (dest >= 0 && source >= 0 && nda_mpi_ranges_overlap(sbuf, soff, sbytes, rbuf, roff, rbytes))
        return nda_mpi_fail(NDA_EVALUE, "%s: the send and receive ranges overlap", what);
    direct = nda_mpi_direct(q);
    if ((rc = nda_mpi_direct_begin(q, direct)) != NDA_OK)
        return rc;
    if (dest >= 0 &&
        (rc = nda_mpi_place(c, q, direct, 0, sbuf, soff, sbytes, 1, &smem)) != NDA_OK)
        goto out;
    if (source >= 0 &&
        (rc = nda_mpi_place(c, q, direct, 1, rbuf, roff, rbytes, 0, &rmem)) != NDA_OK)
        goto out;
    nr = source >= 0 ? nda_mpi_pieces(rbytes) : 0;
    ns = dest >= 0 ? nda_mpi_pieces(sbytes) : 0;
    n = nr + ns;
    if (n > 8) {
        reqs = malloc(n * sizeof *reqs);
        sts = malloc(n * sizeof *sts);
        if (reqs == NULL || sts == NULL) {
            rc = nda_mpi_fail(NDA_ENOMEM, "%s: out of host memory", what);
            goto out;
        }
    }
    /* Receives first: the pieces of one message match in order. */
    for (size_t i = 0; i < nr; i++) {
        size_t at = i * ch, len = rbytes - at < ch ? rbytes - at : ch;
        mrc = MPI_Irecv(rmem + (rbytes ? at : 0), (int)len, MPI_BYTE, source, tag, c->comm,
                        &reqs[i]);
        if (mrc != MPI_SUCCESS) {
            /* Nothing can be cancelled cleanly on every MPI: end the job. */
            nda_mpi_check_transfer(c, what, mrc, "MPI_Irecv");
        }
    }
    for (size_t i = 0; i < ns; i++) {
        size_t at = i * ch, len = sbytes - at < ch ? sbytes - at : ch;
        mrc = MPI_Isend(smem + (sbytes ? at : 0), (int)len, MPI_BYTE, dest, tag, c->comm,
                        &reqs[nr + i]);
        nda_mpi_check_transfer(c, what, mrc, "MPI_Isend");
    }
    mrc = MPI_Waitall((int)n, reqs, sts);
    if (mrc == MPI_ERR_IN_STATUS) {
        for (size_t i = 0; i < n; i++)
            if (sts[i].MPI_ERROR != MPI_SUCCESS && sts[i].MPI_ERROR != MPI_ERR_PENDING) {
                int cls = MPI_ERR_OTHER;
                MPI_Error_class(sts[i].MPI_ERROR, &cls);
                if (i < nr && cls == MPI_ERR_TRUNCATE)
                    rc = nda_mpi_fail(NDA_EVALUE, "%s: rank %d sent more than the %zu bytes "
                                      "expected", what, source, rbytes);
                else
                    rc = nda_mpi_fail_call(sts[i].MPI_ERROR, i < nr ? "MPI_Irecv" : "MPI_Isend");
                break;
            }
        if (rc == NDA_OK)
            rc = nda_mpi_fail_call(mrc, "MPI_Waitall");
        goto out;
    }
    if (mrc != MPI_SUCCESS) {
        rc = nda_mpi_fail_call(mrc, "MPI_Waitall");
        goto out;
    }
    for (size_t i = 0; i < nr; i++) {
        size_t at = i * ch, len = rbytes - at < ch ? rbytes - at : ch;
        int got = -1;
        MPI_Get_count(&sts[i], MPI_BYTE, &got);
        if (got < 0 || (size_t)got != len) {
            rc = nda_mpi_fail(NDA_EVALUE, "%s: rank %d sent fewer than the %zu bytes expected",
                              what, source, rbytes);
            goto out;
        }
    }
    if (source >= 0 && !direct && rbytes > 0)
        rc = q->ops->copy_to_device(q->dev, rbuf, roff, rmem, rbytes);
out:
    if (reqs != reqs_stack)
        free(reqs);
    if (sts != sts_stack)
        free(sts);
    nda_mpi_stage_trim(c);
    return rc;
}

int nda_mpi_send(nda_mpi_comm *c, const nda_comm_queue *q, const void *buf, size_t off,
                 size_t nbytes, int peer, int tag)
{
    if (peer == c->rank)
        return nda_mpi_fail(NDA_EVALUE, "send: rank %d is this rank (sendrecv can send to "
                            "itself)", peer);
    if (peer == -1)
        return nda_mpi_fail(NDA_EVALUE, "send: rank -1 is outside 0..%d", c->size - 1);
    return nda_mpi_p2p(c, "send", q, buf, off, nbytes, peer, NULL, 0, 0, -1, tag);
}

int nda_mpi_recv(nda_mpi_comm *c, const nda_comm_queue *q, void *buf, size_t off, size_t nbytes,
                 int peer, int tag)
{
    if (peer == c->rank)
        return nda_mpi_fail(NDA_EVALUE, "recv: rank %d is this rank (sendrecv can receive "
                            "from itself)", peer);
    if (peer == -1)
        return nda_mpi_fail(NDA_EVALUE, "recv: rank -1 is outside 0..%d", c->size - 1);
    return nda_mpi_p2p(c, "recv", q, NULL, 0, 0, -1, buf, off, nbytes, peer, tag);
}

int nda_mpi_sendrecv(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf, size_t soff,
                     size_t sbytes, int dest, void *rbuf, size_t roff, size_t rbytes, int source,
                     int tag)
{
    return nda_mpi_p2p(c, "sendrecv", q, sbuf, soff, sbytes, dest, rbuf, roff, rbytes, source,
                       tag);
}

/* ---- collectives ---- */

int nda_mpi_allreduce(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf, size_t soff,
                      void *rbuf, size_t roff, size_t count, nda_dtype dtype, nda_comm_op op)
{
    static const char *const names[] = {"element count", "dtype", "op"};
    const char *what = "allreduce";
    int in_place = sbuf == rbuf && soff == roff, direct = 0, st, rc;
    unsigned char *smem = NULL, *rmem = NULL;
    MPI_Datatype type = MPI_BYTE;
    MPI_Op mop = MPI_OP_NULL;
    size_t es = 1, bytes = 0, per;
    int64_t sig[3] = {(int64_t)count, (int64_t)dtype, (int64_t)op};

    st = nda_mpi_check_queue(what, q);
    if (st == NDA_OK)
        st = nda_mpi_reduction(dtype, op, &type, &mop, &es);
    if (st == NDA_OK && count > SIZE_MAX / es)
        st = nda_mpi_fail(NDA_EVALUE, "%s: %zu elements of %zu bytes overflow", what, count, es);
    if (st == NDA_OK) {
        bytes = count * es;
        st = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff, bytes);
    }
    if (st == NDA_OK)
        st = nda_mpi_check_buffer(what, "the receive buffer", rbuf, roff, bytes);
    if (st == NDA_OK && !in_place && nda_mpi_ranges_overlap(sbuf, soff, bytes, rbuf, roff, bytes))
        st = nda_mpi_fail(NDA_EVALUE, "%s: the send and receive ranges overlap (in place needs "
                          "the same buffer and offset)", what);
    if (st == NDA_OK) {
        direct = nda_mpi_direct(q);
        st = nda_mpi_direct_begin(q, direct);
    }
    /* Staged, the result is computed in place in the send staging buffer. */
    if (st == NDA_OK)
        st = nda_mpi_place(c, q, direct, 0, sbuf, soff, bytes, 1, &smem);
    if (st == NDA_OK)
        rmem = smem;
    if (st == NDA_OK && direct)
        st = nda_mpi_place(c, q, direct, 1, rbuf, roff, bytes, 0, &rmem);
    if ((rc = nda_mpi_agree_args(c, what, st, 3, sig, names)) != NDA_OK) {
        nda_mpi_stage_trim(c);
        return rc;
    }
    per = nda_mpi_chunk() / es;
    if (per == 0)
        per = 1;
    for (size_t done = 0; done < count;) {
        size_t k = count - done < per ? count - done : per;
        void *s = (!direct || in_place) ? MPI_IN_PLACE : smem + done * es;
        MPI_Request req;
        nda_mpi_check_transfer(c, what,
                               nda_mpi_finish(MPI_Iallreduce(s, rmem + done * es, (int)k, type,
                                                             mop, c->comm, &req), &req),
                               "MPI_Iallreduce");
        done += k;
    }
    nda_mpi_unstage(c, what, q, direct, rbuf, roff, rmem, bytes);
    nda_mpi_stage_trim(c);
    return NDA_OK;
}

/* allgather and alltoall: size blocks of nbytes each way. */
static int nda_mpi_blocks(nda_mpi_comm *c, const char *what, int gather,
                          const nda_comm_queue *q, const void *sbuf, size_t soff, size_t nbytes,
                          void *rbuf, size_t roff)
{
    static const char *const names[] = {"block size"};
    size_t total = 0, stotal, u = 1;
    unsigned char *smem = NULL, *rmem = NULL;
    MPI_Datatype type = MPI_BYTE;
    int direct = 0, st, rc;
    int64_t sig[1] = {(int64_t)nbytes};

    st = nda_mpi_check_queue(what, q);
    if (st == NDA_OK && nbytes > SIZE_MAX / (size_t)c->size)
        st = nda_mpi_fail(NDA_EVALUE, "%s: %d blocks of %zu bytes overflow", what, c->size,
                          nbytes);
    if (st == NDA_OK)
        total = nbytes * (size_t)c->size;
    stotal = gather ? nbytes : total;
    if (st == NDA_OK)
        st = nda_mpi_check_buffer(what, "the send buffer", sbuf, soff, stotal);
    if (st == NDA_OK)
        st = nda_mpi_check_buffer(what, "the receive buffer", rbuf, roff, total);
    if (st == NDA_OK && nda_mpi_ranges_overlap(sbuf, soff, stotal, rbuf, roff, total))
        st = nda_mpi_fail(NDA_EVALUE, "%s: the send and receive ranges overlap", what);
    if (st == NDA_OK)
        st = nda_mpi_unit(what, &nbytes, 1, &type, &u);
    if (st == NDA_OK) {
        direct = nda_mpi_direct(q);
        st = nda_mpi_direct_begin(q, direct);
    }
    if (st == NDA_OK)
        st = nda_mpi_place(c, q, direct, 0, sbuf, soff, stotal, 1, &smem);
    if (st == NDA_OK)
        st = nda_mpi_place(c, q, direct, 1, rbuf, roff, total, 0, &rmem);
    if ((rc = nda_mpi_agree_args(c, what, st, 1, sig, names)) != NDA_OK) {
        nda_mpi_unit_free(&type);
        nda_mpi_stage_trim(c);
        return rc;
    }
    if (nbytes > 0) {
        int n = (int)(nbytes / u);
        MPI_Request req;
        if (gather)
            nda_mpi_check_transfer(c, what,
                                   nda_mpi_finish(MPI_Iallgather(smem, n, type, rmem, n, type,
                                                                 c->comm, &req), &req),
                                   "MPI_Iallgather");
        else
            nda_mpi_check_transfer(c, what,
                                   nda_mpi_finish(MPI_Ialltoall(smem, n, type, rmem, n, type,
                                                                c->comm, &req), &req),
                                   "MPI_Ialltoall");
    }
    nda_mpi_unit_free(&type);
    nda_mpi_unstage(c, what, q, direct, rbuf, roff, rmem, total);
    nda_mpi_stage_trim(c);
    return NDA_OK;
}

int nda_mpi_allgather(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf, size_t soff,
                      size_t nbytes, void *rbuf, size_t roff)
{
    return nda_mpi_blocks(c, "allgather", 1, q, sbuf, soff, nbytes, rbuf, roff);
}

int nda_mpi_alltoall(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf, size_t soff,
                     size_t nbytes, void *rbuf, size_t roff)
{
    return nda_mpi_blocks(c, "alltoall", 0, q, sbuf, soff, nbytes, rbuf, roff);
}

/* Collects sizes and displacements for nda_mpi_unit. */
static size_t *nda_mpi_gather_sizes(int n, const size_t *a, const size_t *b, const size_t *d,
                                    const size_t *e, int *count)
{
    size_t *v = malloc(sizeof *v * (4 * (size_t)n + 1));
    int k = 0;

    if (v == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (a != NULL) v[k++] = a[i];
        if (b != NULL) v[k++] = b[i];
        if (d != NULL) v[k++] = d[i];
        if (e != NULL) v[k++] = e[i];
    }
    *count = k;
    return v;
}

/* The received blocks back to the device, one copy each (the gaps between
 * them keep their contents). */
static void nda_mpi_unstage_blocks(nda_mpi_comm *c, const char *what, const nda_comm_queue *q,
                                   int direct, void *rbuf, size_t roff, const unsigned char *rmem,
                                   const size_t *rbytes, const size_t *rdispl)
{
    for (int r = 0; r < c->size; r++)
        nda_mpi_unstage(c, what, q, direct, rbuf, roff + rdispl[r], rmem + rdispl[r], rbytes[r]);
}

int nda_mpi_allgatherv(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf, size_t soff,
                       size_t sbytes, void *rbuf, size_t roff, const size_t *rbytes,
                       const size_t *rdispl)
{
    static const char *const names[] = {"~receive sizes (rbytes)"};
    const char *what = "allgatherv";
    unsigned char *smem = NULL, *rmem = NULL;
    size_t extent = 0, u = 1, *vals = NULL;
    MPI_Datatype type = MPI_BYTE;
    int *icount = NULL, *idispl = NULL, direct = 0, nvals = 0, st, rc;
    int64_t sig[1];

    st = nda_mpi_check_queue(what, q);
    if (st == NDA_OK)
        st = nda_mpi_check_gatherv(what, c, sbuf, soff, sbytes, rbuf, roff, rbytes, rdispl,
                                   &extent);
    sig[0] = st == NDA_OK ? nda_mpi_digest(rbytes, c->size) : 0;
    if (st == NDA_OK) {
        vals = nda_mpi_gather_sizes(c->size, rbytes, rdispl, NULL, NULL, &nvals);
        icount = malloc(sizeof *icount * 2 * (size_t)c->size);
        if (vals == NULL || icount == NULL)
            st = nda_mpi_fail(NDA_ENOMEM, "%s: out of host memory", what);
        else
            idispl = icount + c->size;
    }
    if (st == NDA_OK)
        vals[nvals++] = sbytes;
    if (st == NDA_OK && (st = nda_mpi_unit(what, vals, nvals, &type, &u)) == NDA_OK)
        nda_mpi_to_units(c->size, rbytes, rdispl, u, icount, idispl);
    if (st == NDA_OK) {
        direct = nda_mpi_direct(q);
        st = nda_mpi_direct_begin(q, direct);
    }
    if (st == NDA_OK)
        st = nda_mpi_place(c, q, direct, 0, sbuf, soff, sbytes, 1, &smem);
    if (st == NDA_OK)
        st = nda_mpi_place(c, q, direct, 1, rbuf, roff, extent, 0, &rmem);
    rc = nda_mpi_agree_args(c, what, st, 1, sig, names);
    if (rc == NDA_OK) {
        MPI_Request req;
        if (extent > 0) /* extent is 0 on every rank or on none (rbytes agree) */
            nda_mpi_check_transfer(c, what,
                                   nda_mpi_finish(MPI_Iallgatherv(smem, (int)(sbytes / u), type,
                                                                  rmem, icount, idispl, type,
                                                                  c->comm, &req), &req),
                                   "MPI_Iallgatherv");
        nda_mpi_unstage_blocks(c, what, q, direct, rbuf, roff, rmem, rbytes, rdispl);
    }
    nda_mpi_unit_free(&type);
    free(vals);
    free(icount);
    nda_mpi_stage_trim(c);
    return rc;
}

/* alltoallv's arguments resolved for MPI. */
typedef struct nda_mpi_a2av {
    size_t sextent, rextent; /* bytes from soff / roff to the end of the last block */
    MPI_Datatype type;       /* the unit (nda_mpi_unit) */
    int *iv;                 /* counts and displacements in units: send, then receive */
} nda_mpi_a2av;

/* The local checks (skipped when st already failed), the size exchange
 * every rank takes part in, and the counts in units. Returns this rank's
 * status, not agreed yet; a->iv and a->type are released by
 * nda_mpi_a2av_release in any case. */
static int nda_mpi_a2av_prepare(nda_mpi_comm *c, const char *what, int st,
                                const nda_comm_queue *q, const void *sbuf, size_t soff,
                                const size_t *sbytes, const size_t *sdispl, const void *rbuf,
                                size_t roff, const size_t *rbytes, const size_t *rdispl,
                                nda_mpi_a2av *a)
{
    size_t u = 1, *vals = NULL;
    int nvals = 0;

    a->sextent = a->rextent = 0;
    a->type = MPI_BYTE;
    a->iv = NULL;
    if (st == NDA_OK)
        st = nda_mpi_check_queue(what, q);
    if (st == NDA_OK)
        st = nda_mpi_check_alltoallv(what, c, sbuf, soff, sbytes, sdispl, rbuf, roff, rbytes,
                                     rdispl, &a->sextent, &a->rextent);
    st = nda_mpi_exchange_counts(what, c, st, sbytes, rbytes);
    if (st == NDA_OK) {
        vals = nda_mpi_gather_sizes(c->size, sbytes, sdispl, rbytes, rdispl, &nvals);
        a->iv = malloc(sizeof *a->iv * 4 * (size_t)c->size);
        if (vals == NULL || a->iv == NULL)
            st = nda_mpi_fail(NDA_ENOMEM, "%s: out of host memory", what);
    }
    if (st == NDA_OK && (st = nda_mpi_unit(what, vals, nvals, &a->type, &u)) == NDA_OK) {
        nda_mpi_to_units(c->size, sbytes, sdispl, u, a->iv, a->iv + c->size);
        nda_mpi_to_units(c->size, rbytes, rdispl, u, a->iv + 2 * c->size, a->iv + 3 * c->size);
    }
    free(vals);
    return st;
}

static void nda_mpi_a2av_release(nda_mpi_a2av *a)
{
    nda_mpi_unit_free(&a->type);
    free(a->iv);
    a->iv = NULL;
}

int nda_mpi_alltoallv(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf, size_t soff,
                      const size_t *sbytes, const size_t *sdispl, void *rbuf, size_t roff,
                      const size_t *rbytes, const size_t *rdispl)
{
    const char *what = "alltoallv";
    unsigned char *smem = NULL, *rmem = NULL;
    nda_mpi_a2av a;
    int direct = 0, n = c->size, st, rc;

    st = nda_mpi_a2av_prepare(c, what, NDA_OK, q, sbuf, soff, sbytes, sdispl, rbuf, roff, rbytes,
                              rdispl, &a);
    if (st == NDA_OK) {
        direct = nda_mpi_direct(q);
        st = nda_mpi_direct_begin(q, direct);
    }
    if (st == NDA_OK)
        st = nda_mpi_place(c, q, direct, 0, sbuf, soff, a.sextent, 1, &smem);
    if (st == NDA_OK)
        st = nda_mpi_place(c, q, direct, 1, rbuf, roff, a.rextent, 0, &rmem);
    rc = nda_mpi_agree_args(c, what, st, 0, NULL, NULL);
    if (rc == NDA_OK) {
        MPI_Request req;
        nda_mpi_check_transfer(c, what,
                               nda_mpi_finish(MPI_Ialltoallv(smem, a.iv, a.iv + n, a.type, rmem,
                                                             a.iv + 2 * n, a.iv + 3 * n, a.type,
                                                             c->comm, &req), &req),
                               "MPI_Ialltoallv");
        nda_mpi_unstage_blocks(c, what, q, direct, rbuf, roff, rmem, rbytes, rdispl);
    }
    nda_mpi_a2av_release(&a);
    nda_mpi_stage_trim(c);
    return rc;
}

/* An ialltoallv in flight. Its staging buffers are its own (not the
 * communicator's slots): several exchanges may be in flight at once. */
typedef struct nda_mpi_request {
    MPI_Request req;
    nda_mpi_a2av args; /* MPI reads the counts until the exchange completes */
    nda_comm_queue q;
    int direct;
    unsigned char *smem, *rmem; /* host staging, owned (NULL when direct) */
    void *rbuf;
    size_t roff;
    size_t *rblocks; /* rbytes, then rdispl: size entries each */
} nda_mpi_request;

static void nda_mpi_request_free(nda_mpi_request *r)
{
    if (r == NULL)
        return;
    nda_mpi_a2av_release(&r->args);
    if (!r->direct) {
        free(r->smem);
        free(r->rmem);
    }
    free(r->rblocks);
    free(r);
}

/* Where MPI reads or writes n bytes at buf + off for a request: the device
 * address when direct, else a new host buffer (filled from the device when
 * load != 0). */
static int nda_mpi_request_place(nda_mpi_request *r, const void *buf, size_t off, size_t n,
                                 int load, unsigned char **mem)
{
    uint64_t addr;
    int rc;

    if (r->direct) {
        if (n == 0) {
            *mem = nda_mpi_empty[load ? 0 : 1];
            return NDA_OK;
        }
        if ((rc = r->q.ops->buffer_address(r->q.dev, buf, off, n, &addr)) != NDA_OK)
            return rc;
        *mem = (unsigned char *)(uintptr_t)addr;
        return NDA_OK;
    }
    *mem = malloc(n > 0 ? n : 1);
    if (*mem == NULL)
        return nda_mpi_fail(NDA_ENOMEM, "out of host memory for a %zu-byte staging buffer", n);
    return load && n > 0 ? r->q.ops->copy_to_host(r->q.dev, *mem, buf, off, n) : NDA_OK;
}

int nda_mpi_ialltoallv(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf, size_t soff,
                       const size_t *sbytes, const size_t *sdispl, void *rbuf, size_t roff,
                       const size_t *rbytes, const size_t *rdispl, void **request)
{
    const char *what = "ialltoallv";
    nda_mpi_request *r = calloc(1, sizeof *r);
    nda_mpi_a2av spare;
    nda_mpi_a2av *a = r != NULL ? &r->args : &spare;
    int n = c->size, st = NDA_OK, rc;

    if (request != NULL)
        *request = NULL;
    if (r == NULL)
        st = nda_mpi_fail(NDA_ENOMEM, "%s: out of host memory", what);
    else if (request == NULL)
        st = nda_mpi_fail(NDA_EVALUE, "%s: NULL request pointer", what);
    st = nda_mpi_a2av_prepare(c, what, st, q, sbuf, soff, sbytes, sdispl, rbuf, roff, rbytes,
                              rdispl, a);
    if (st == NDA_OK) {
        r->q = *q;
        r->rbuf = rbuf;
        r->roff = roff;
        r->rblocks = malloc(sizeof *r->rblocks * 2 * (size_t)n);
        if (r->rblocks == NULL) {
            st = nda_mpi_fail(NDA_ENOMEM, "%s: out of host memory", what);
        } else {
            memcpy(r->rblocks, rbytes, sizeof *r->rblocks * (size_t)n);
            memcpy(r->rblocks + n, rdispl, sizeof *r->rblocks * (size_t)n);
        }
    }
    if (st == NDA_OK) {
        r->direct = nda_mpi_direct(q);
        st = nda_mpi_direct_begin(q, r->direct);
    }
    if (st == NDA_OK)
        st = nda_mpi_request_place(r, sbuf, soff, a->sextent, 1, &r->smem);
    if (st == NDA_OK)
        st = nda_mpi_request_place(r, rbuf, roff, a->rextent, 0, &r->rmem);
    rc = nda_mpi_agree_args(c, what, st, 0, NULL, NULL);
    if (rc != NDA_OK) {
        if (r != NULL)
            nda_mpi_request_free(r);
        else
            nda_mpi_a2av_release(&spare);
        return rc;
    }
    nda_mpi_check_transfer(c, what,
                           MPI_Ialltoallv(r->smem, a->iv, a->iv + n, a->type, r->rmem,
                                          a->iv + 2 * n, a->iv + 3 * n, a->type, c->comm,
                                          &r->req),
                           "MPI_Ialltoallv");
    *request = r;
    return NDA_OK;
}

int nda_mpi_wait(nda_mpi_comm *c, void *request)
{
    nda_mpi_request *r = request;

    if (r == NULL)
        return nda_mpi_fail(NDA_EVALUE, "wait: NULL request");
    /* Not MPI_Wait, which busy-polls: the wait usually begins right after
     * the interior's kernels were queued, and on a CPU device those run on
     * the cores this thread would keep busy. */
    nda_mpi_check_transfer(c, "wait", nda_mpi_complete(&r->req), "MPI_Test");
    nda_mpi_unstage_blocks(c, "wait", &r->q, r->direct, r->rbuf, r->roff, r->rmem, r->rblocks,
                           r->rblocks + c->size);
    nda_mpi_request_free(r);
    return NDA_OK;
}

int nda_mpi_bcast(nda_mpi_comm *c, const nda_comm_queue *q, void *buf, size_t off, size_t nbytes,
                  int root)
{
    static const char *const names[] = {"byte count", "root"};
    const char *what = "bcast";
    unsigned char *mem = NULL;
    MPI_Datatype type = MPI_BYTE;
    size_t u = 1;
    int direct = 0, st, rc;
    int64_t sig[2] = {(int64_t)nbytes, (int64_t)root};

    st = nda_mpi_check_queue(what, q);
    if (st == NDA_OK && (root < 0 || root >= c->size))
        st = nda_mpi_fail(NDA_EVALUE, "%s: root %d is outside 0..%d", what, root, c->size - 1);
    if (st == NDA_OK)
        st = nda_mpi_check_buffer(what, "the buffer", buf, off, nbytes);
    if (st == NDA_OK)
        st = nda_mpi_unit(what, &nbytes, 1, &type, &u);
    if (st == NDA_OK) {
        direct = nda_mpi_direct(q);
        st = nda_mpi_direct_begin(q, direct);
    }
    if (st == NDA_OK)
        st = nda_mpi_place(c, q, direct, 0, buf, off, nbytes, c->rank == root, &mem);
    rc = nda_mpi_agree_args(c, what, st, 2, sig, names);
    if (rc == NDA_OK && nbytes > 0) {
        MPI_Request req;
        nda_mpi_check_transfer(c, what,
                               nda_mpi_finish(MPI_Ibcast(mem, (int)(nbytes / u), type, root,
                                                         c->comm, &req), &req),
                               "MPI_Ibcast");
        if (c->rank != root)
            nda_mpi_unstage(c, what, q, direct, buf, off, mem, nbytes);
    }
    nda_mpi_unit_free(&type);
    nda_mpi_stage_trim(c);
    return rc;
}

/* The "nccl" comm plugin (libndaccel_comm_nccl.so): the ops table, the
 * communicator's lifetime and its device (nccl_internal.h). */
#include "comm/nccl/nccl_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the device ---- */

int nda_nccl_check_queue(const nda_nccl_comm *c, const char *what, const nda_comm_queue *q)
{
    int rc = nda_mpi_check_queue(what, q);

    if (rc != NDA_OK)
        return rc;
    if (q->ops->name == NULL || strcmp(q->ops->name, "cuda") != 0 || q->ops->abi_version < 4 ||
        q->ops->native_enter == NULL || q->ops->native_leave == NULL ||
        q->ops->buffer_address == NULL)
        return nda_mpi_fail(NDA_EVALUE, "%s: NCCL needs a CUDA device, not a device of the %s "
                            "backend", what, q->ops->name ? q->ops->name : "(unnamed)");
    if (c != NULL && q->dev != c->dev)
        return nda_mpi_fail(NDA_EVALUE, "%s: the buffers are on cuda:%d but the communicator "
                            "is bound to cuda:%d", what, q->dev, c->dev);
    return NDA_OK;
}

int nda_nccl_address(const nda_comm_queue *q, const void *buf, size_t off, size_t n,
                     uint64_t *addr)
{
    *addr = 0;
    return n == 0 ? NDA_OK : q->ops->buffer_address(q->dev, buf, off, n, addr);
}

int nda_nccl_enter(const nda_nccl_comm *c, cudaStream_t *stream)
{
    nda_native_queue nq;
    int rc = c->ops->native_enter(c->dev, &nq);

    if (rc == NDA_OK)
        *stream = (cudaStream_t)nq.queue;
    return rc;
}

void nda_nccl_leave(const nda_nccl_comm *c) { c->ops->native_leave(c->dev); }

void nda_nccl_fatal(nda_nccl_comm *c, ncclResult_t r, const char *what, const char *call)
{
    nda_nccl_fail(c, r, what, call);
    if (c->nccl != NULL)
        nda_nccl()->CommAbort(c->nccl);
    nda_mpi_abort(c->mpi.comm, "%s", nda_mpi_message());
}

/* ---- lifetime ---- */

static int nccl_load(const nda_comm_host_api *host)
{
    int rc = nda_mpi_load(host);

    return rc != NDA_OK ? rc : nda_nccl_load();
}

static void nccl_unload(void) { nda_mpi_unload(); }

/* Collective: the MPI duplicate, checks agreed by every rank, the unique
 * id from rank 0, then ncclCommInitRank on the device's context. */
static int nccl_init(int64_t handle, const nda_comm_queue *q, void **comm)
{
    const nda_nccl_lib *L = nda_nccl();
    nda_nccl_comm *c = calloc(1, sizeof *c);
    ncclUniqueId id;
    cudaStream_t stream;
    ncclResult_t r = ncclSuccess;
    int st, rc;

    *comm = NULL;
    if (c == NULL)
        return nda_mpi_fail(NDA_ENOMEM, "init: out of host memory");
    if ((rc = nda_mpi_comm_init(handle, &c->mpi)) != NDA_OK) {
        free(c);
        return rc;
    }
    memset(&id, 0, sizeof id);
    st = nda_nccl_check_queue(NULL, "init", q);
    if (st == NDA_OK) {
        c->ops = q->ops;
        c->dev = q->dev;
        st = nda_nccl_enter(c, &stream);
        if (st == NDA_OK)
            nda_nccl_leave(c);
    }
    if (st == NDA_OK && c->mpi.rank == 0 && (r = L->GetUniqueId(&id)) != ncclSuccess)
        st = nda_nccl_fail(NULL, r, "init", "ncclGetUniqueId");
    if ((rc = nda_mpi_agree_args(&c->mpi, "init", st, 0, NULL, NULL)) != NDA_OK) {
        nda_mpi_comm_release(&c->mpi);
        free(c);
        return rc;
    }
    rc = MPI_Bcast(&id, (int)sizeof id, MPI_BYTE, 0, c->mpi.comm);
    if (rc != MPI_SUCCESS) {
        nda_mpi_fail_call(rc, "MPI_Bcast");
        nda_mpi_abort(c->mpi.comm, "init: sending NCCL's unique id: %s", nda_mpi_message());
    }
    if (nda_nccl_enter(c, &stream) != NDA_OK)
        nda_mpi_abort(c->mpi.comm, "init: %s", nda_mpi_message());
    r = L->CommInitRank(&c->nccl, c->mpi.size, id, c->mpi.rank);
    nda_nccl_leave(c);
    if (r != ncclSuccess) {
        c->nccl = NULL;
        nda_nccl_fatal(c, r, "init", "ncclCommInitRank");
    }
    *comm = c;
    return NDA_OK;
}

static void nccl_free(void *comm)
{
    nda_nccl_comm *c = comm;
    cudaStream_t stream;

    if (c == NULL)
        return;
    if (c->nccl != NULL && nda_nccl_enter(c, &stream) == NDA_OK) {
        nda_nccl()->CommDestroy(c->nccl);
        nda_nccl_leave(c);
    }
    nda_mpi_comm_release(&c->mpi);
    free(c);
}

static int nccl_rank(const void *comm, int *rank)
{
    *rank = ((const nda_nccl_comm *)comm)->mpi.rank;
    return NDA_OK;
}

static int nccl_size(const void *comm, int *size)
{
    *size = ((const nda_nccl_comm *)comm)->mpi.size;
    return NDA_OK;
}

static int nccl_describe(const void *comm, char *buf, size_t len)
{
    const nda_nccl_lib *L = nda_nccl();
    char mpi[256];

    (void)comm;
    nda_mpi_library(mpi, sizeof mpi);
    snprintf(buf, len, "NCCL %d.%d.%d (%s) over %s; float/complex max, min and what NCCL "
             "lacks (int16, complex products) host-staged",
             L->major, L->minor, L->patch, L->path, mpi);
    return NDA_OK;
}

static int nccl_barrier(void *comm) { return nda_mpi_barrier(&((nda_nccl_comm *)comm)->mpi); }

static int nccl_agree(void *comm, int status, const char *message)
{
    return nda_mpi_agree(&((nda_nccl_comm *)comm)->mpi, status, message);
}

static void nccl_abort(void *comm, const char *message)
{
    nda_nccl_comm *c = comm;

    if (c != NULL && c->nccl != NULL)
        nda_nccl()->CommAbort(c->nccl);
    nda_mpi_abort(c != NULL ? c->mpi.comm : MPI_COMM_NULL, "%s",
                  message != NULL ? message : "aborted");
}

static const nda_comm_ops nda_nccl_ops = {
    .abi_version = NDA_COMM_ABI_VERSION,
    .name = "nccl",
    .load = nccl_load,
    .unload = nccl_unload,
    .init = nccl_init,
    .free = nccl_free,
    .rank = nccl_rank,
    .size = nccl_size,
    .describe = nccl_describe,
    .barrier = nccl_barrier,
    .send = nda_nccl_send,
    .recv = nda_nccl_recv,
    .sendrecv = nda_nccl_sendrecv,
    .allreduce = nda_nccl_allreduce,
    .allgather = nda_nccl_allgather,
    .allgatherv = nda_nccl_allgatherv,
    .alltoall = nda_nccl_alltoall,
    .alltoallv = nda_nccl_alltoallv,
    .bcast = nda_nccl_bcast,
    .agree = nccl_agree,
    .abort = nccl_abort,
    .ialltoallv = nda_nccl_ialltoallv,
    .wait = nda_nccl_wait,
};

__attribute__((visibility("default"))) const nda_comm_ops *nda_comm_entry(void)
{
    return &nda_nccl_ops;
}

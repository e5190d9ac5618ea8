/* The "mpi" comm plugin (libndaccel_comm_mpi.so): the MPI engine behind
 * the nda_comm_ops table of nda/comm.h. A communicator handle is an
 * nda_mpi_comm. */
#include "comm/mpi/mpi_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mpi_init(int64_t handle, const nda_comm_queue *q, void **comm)
{
    nda_mpi_comm *c;
    int rc;

    (void)q; /* any device: its buffers are staged with its own copies */
    *comm = NULL;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return nda_mpi_fail(NDA_ENOMEM, "init: out of host memory");
    if ((rc = nda_mpi_comm_init(handle, c)) != NDA_OK) {
        free(c);
        return rc;
    }
    *comm = c;
    return NDA_OK;
}

static void mpi_free(void *comm)
{
    if (comm == NULL)
        return;
    nda_mpi_comm_release(comm);
    free(comm);
}

static int mpi_rank(const void *comm, int *rank)
{
    *rank = ((const nda_mpi_comm *)comm)->rank;
    return NDA_OK;
}

static int mpi_size(const void *comm, int *size)
{
    *size = ((const nda_mpi_comm *)comm)->size;
    return NDA_OK;
}

static int mpi_describe(const void *comm, char *buf, size_t len)
{
    const char *env = getenv("NDACCEL_MPI_CUDA_AWARE");
    int init = 0, fin = 0, decided;
    char lib[256];

    (void)comm;
    nda_mpi_library(lib, sizeof lib);
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    decided = (init && !fin) || (env != NULL && (strcmp(env, "0") == 0 || strcmp(env, "1") == 0));
    if (!decided)
        snprintf(buf, len, "%s, host-staged (CUDA buffers go to MPI directly if it reports "
                 "CUDA support once started)", lib);
    else if (nda_mpi_cuda_aware())
        snprintf(buf, len, "%s, CUDA-aware (CUDA buffers go to MPI directly; other devices "
                 "host-staged)", lib);
    else
        snprintf(buf, len, "%s, host-staged", lib);
    return NDA_OK;
}

static int mpi_barrier(void *comm) { return nda_mpi_barrier(comm); }

static int mpi_send(void *comm, const nda_comm_queue *q, const void *buf, size_t off,
                    size_t nbytes, int peer, int tag)
{
    return nda_mpi_send(comm, q, buf, off, nbytes, peer, tag);
}

static int mpi_recv(void *comm, const nda_comm_queue *q, void *buf, size_t off, size_t nbytes,
                    int peer, int tag)
{
    return nda_mpi_recv(comm, q, buf, off, nbytes, peer, tag);
}

static int mpi_sendrecv(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                        size_t sbytes, int dest, void *rbuf, size_t roff, size_t rbytes,
                        int source, int tag)
{
    return nda_mpi_sendrecv(comm, q, sbuf, soff, sbytes, dest, rbuf, roff, rbytes, source, tag);
}

static int mpi_allreduce(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                         void *rbuf, size_t roff, size_t count, nda_dtype dtype, nda_comm_op op)
{
    return nda_mpi_allreduce(comm, q, sbuf, soff, rbuf, roff, count, dtype, op);
}

static int mpi_allgather(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                         size_t nbytes, void *rbuf, size_t roff)
{
    return nda_mpi_allgather(comm, q, sbuf, soff, nbytes, rbuf, roff);
}

static int mpi_allgatherv(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                          size_t sbytes, void *rbuf, size_t roff, const size_t *rbytes,
                          const size_t *rdispl)
{
    return nda_mpi_allgatherv(comm, q, sbuf, soff, sbytes, rbuf, roff, rbytes, rdispl);
}

static int mpi_alltoall(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                        size_t nbytes, void *rbuf, size_t roff)
{
    return nda_mpi_alltoall(comm, q, sbuf, soff, nbytes, rbuf, roff);
}

static int mpi_alltoallv(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                         const size_t *sbytes, const size_t *sdispl, void *rbuf, size_t roff,
                         const size_t *rbytes, const size_t *rdispl)
{
    return nda_mpi_alltoallv(comm, q, sbuf, soff, sbytes, sdispl, rbuf, roff, rbytes, rdispl);
}

static int mpi_ialltoallv(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                          const size_t *sbytes, const size_t *sdispl, void *rbuf, size_t roff,
                          const size_t *rbytes, const size_t *rdispl, void **request)
{
    return nda_mpi_ialltoallv(comm, q, sbuf, soff, sbytes, sdispl, rbuf, roff, rbytes, rdispl,
                              request);
}

static int mpi_wait(void *comm, void *request) { return nda_mpi_wait(comm, request); }

static int mpi_bcast(void *comm, const nda_comm_queue *q, void *buf, size_t off, size_t nbytes,
                     int root)
{
    return nda_mpi_bcast(comm, q, buf, off, nbytes, root);
}

static int mpi_agree(void *comm, int status, const char *message)
{
    return nda_mpi_agree(comm, status, message);
}

static void mpi_abort(void *comm, const char *message)
{
    nda_mpi_abort(comm != NULL ? ((nda_mpi_comm *)comm)->comm : MPI_COMM_NULL, "%s",
                  message != NULL ? message : "aborted");
}

static const nda_comm_ops nda_mpi_ops = {
    .abi_version = NDA_COMM_ABI_VERSION,
    .name = "mpi",
    .load = nda_mpi_load,
    .unload = nda_mpi_unload,
    .init = mpi_init,
    .free = mpi_free,
    .rank = mpi_rank,
    .size = mpi_size,
    .describe = mpi_describe,
    .barrier = mpi_barrier,
    .send = mpi_send,
    .recv = mpi_recv,
    .sendrecv = mpi_sendrecv,
    .allreduce = mpi_allreduce,
    .allgather = mpi_allgather,
    .allgatherv = mpi_allgatherv,
    .alltoall = mpi_alltoall,
    .alltoallv = mpi_alltoallv,
    .bcast = mpi_bcast,
    .agree = mpi_agree,
    .abort = mpi_abort,
    .ialltoallv = mpi_ialltoallv,
    .wait = mpi_wait,
};

__attribute__((visibility("default"))) const nda_comm_ops *nda_comm_entry(void)
{
    return &nda_mpi_ops;
}

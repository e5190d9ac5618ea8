/* Private declarations of the "nccl" comm plugin (libndaccel_comm_nccl.so).
 *
 * NCCL is dlopen()ed at load (backends/common/dl_library.h):
 * $NDACCEL_NCCL_LIBRARY when set (the tests' fake), else libnccl.so.2 on the
 * loader's path, then in the CUDA toolkit's directories ($CUDA_PATH,
 * $CUDA_HOME, the toolkit found at build time, /usr/local/cuda). The table
 * is typed with nccl.h's own prototypes.
 *
 * A communicator is an NCCL communicator bound to one CUDA device plus an
 * MPI engine communicator (mpi_engine.h) over the same ranks: NCCL's
 * bootstrap (ncclGetUniqueId on rank 0, MPI_Bcast), the argument
 * agreements, barrier, agree and the reductions NCCL lacks. Device buffers
 * reach NCCL as CUdeviceptr from the CUDA backend's buffer_address, and its
 * work goes on the backend's own stream (native_enter), so it is ordered
 * with the backend's launches and copies. Nothing here is exported. */
#ifndef NDA_NCCL_INTERNAL_H
#define NDA_NCCL_INTERNAL_H

#include <nccl.h>

#include "comm/mpi/mpi_engine.h"

#define NDA_NCCL_HIDDEN __attribute__((visibility("hidden")))

typedef struct nda_nccl_lib {
    __typeof__(ncclGetVersion) *GetVersion;
    __typeof__(ncclGetUniqueId) *GetUniqueId;
    __typeof__(ncclCommInitRank) *CommInitRank;
    __typeof__(ncclCommDestroy) *CommDestroy;
    __typeof__(ncclCommAbort) *CommAbort;
    __typeof__(ncclGetErrorString) *GetErrorString;
    __typeof__(ncclAllReduce) *AllReduce;
    __typeof__(ncclBroadcast) *Broadcast;
    __typeof__(ncclAllGather) *AllGather;
    __typeof__(ncclSend) *Send;
    __typeof__(ncclRecv) *Recv;
    __typeof__(ncclGroupStart) *GroupStart;
    __typeof__(ncclGroupEnd) *GroupEnd;
    /* Optional (NULL when the library lacks it). */
    __typeof__(ncclGetLastError) *GetLastError;
    /* Filled by the loader. */
    int major, minor, patch;
    char path[512];
} nda_nccl_lib;

typedef struct nda_nccl_comm {
    nda_mpi_comm mpi;
    ncclComm_t nccl;            /* NULL until initialised */
    const nda_backend_ops *ops; /* the device the communicator is bound to */
    int dev;
} nda_nccl_comm;

/* ---- nccl_loader.c ---- */

/* Loads NCCL (>= 2.7: send/recv) once; NDA_ENODEV with the reason. */
NDA_NCCL_HIDDEN int nda_nccl_load(void);
/* The loaded table (after nda_nccl_load succeeded). */
NDA_NCCL_HIDDEN const nda_nccl_lib *nda_nccl(void);
/* Reports a failed NCCL call: "<what>: <call> failed: <ncclResult name>
 * (<NCCL's last error>)"; returns NDA_EBACKEND (NDA_EVALUE for invalid
 * arguments). */
NDA_NCCL_HIDDEN int nda_nccl_fail(const nda_nccl_comm *c, ncclResult_t r, const char *what,
                                  const char *call);

/* ---- nccl_comm.c: the communicator and its device ---- */

/* NDA_OK when q names the device c is bound to (and it has the native
 * members NCCL needs); NDA_EVALUE "<what>: ..." otherwise. */
NDA_NCCL_HIDDEN int nda_nccl_check_queue(const nda_nccl_comm *c, const char *what,
                                         const nda_comm_queue *q);
/* The device address of [buf + off, + n) (range checked by the backend);
 * 0 for an empty range. */
NDA_NCCL_HIDDEN int nda_nccl_address(const nda_comm_queue *q, const void *buf, size_t off,
                                     size_t n, uint64_t *addr);
/* Makes the device's context current and hands out its stream; after
 * NDA_OK call nda_nccl_leave. */
NDA_NCCL_HIDDEN int nda_nccl_enter(const nda_nccl_comm *c, cudaStream_t *stream);
NDA_NCCL_HIDDEN void nda_nccl_leave(const nda_nccl_comm *c);
/* A failed NCCL call after the ranks agreed to move data: peers may wait
 * in it, so the job ends (ncclCommAbort, MPI_Abort) with the message. */
NDA_NCCL_HIDDEN _Noreturn void nda_nccl_fatal(nda_nccl_comm *c, ncclResult_t r, const char *what,
                                              const char *call);

/* ---- nccl_transfer.c: nda_comm_ops's data members ---- */

NDA_NCCL_HIDDEN int nda_nccl_send(void *comm, const nda_comm_queue *q, const void *buf,
                                  size_t off, size_t nbytes, int peer, int tag);
NDA_NCCL_HIDDEN int nda_nccl_recv(void *comm, const nda_comm_queue *q, void *buf, size_t off,
                                  size_t nbytes, int peer, int tag);
NDA_NCCL_HIDDEN int nda_nccl_sendrecv(void *comm, const nda_comm_queue *q, const void *sbuf,
                                      size_t soff, size_t sbytes, int dest, void *rbuf,
                                      size_t roff, size_t rbytes, int source, int tag);
NDA_NCCL_HIDDEN int nda_nccl_allreduce(void *comm, const nda_comm_queue *q, const void *sbuf,
                                       size_t soff, void *rbuf, size_t roff, size_t count,
                                       nda_dtype dtype, nda_comm_op op);
NDA_NCCL_HIDDEN int nda_nccl_allgather(void *comm, const nda_comm_queue *q, const void *sbuf,
                                       size_t soff, size_t nbytes, void *rbuf, size_t roff);
NDA_NCCL_HIDDEN int nda_nccl_allgatherv(void *comm, const nda_comm_queue *q, const void *sbuf,
                                        size_t soff, size_t sbytes, void *rbuf, size_t roff,
                                        const size_t *rbytes, const size_t *rdispl);
NDA_NCCL_HIDDEN int nda_nccl_alltoall(void *comm, const nda_comm_queue *q, const void *sbuf,
                                      size_t soff, size_t nbytes, void *rbuf, size_t roff);
NDA_NCCL_HIDDEN int nda_nccl_alltoallv(void *comm, const nda_comm_queue *q, const void *sbuf,
                                       size_t soff, const size_t *sbytes, const size_t *sdispl,
                                       void *rbuf, size_t roff, const size_t *rbytes,
                                       const size_t *rdispl);
/* abi 2: the exchange is queued on the stream like alltoallv's; wait
 * only checks the request. */
NDA_NCCL_HIDDEN int nda_nccl_ialltoallv(void *comm, const nda_comm_queue *q, const void *sbuf,
                                        size_t soff, const size_t *sbytes, const size_t *sdispl,
                                        void *rbuf, size_t roff, const size_t *rbytes,
                                        const size_t *rdispl, void **request);
NDA_NCCL_HIDDEN int nda_nccl_wait(void *comm, void *request);
NDA_NCCL_HIDDEN int nda_nccl_bcast(void *comm, const nda_comm_queue *q, void *buf, size_t off,
                                   size_t nbytes, int root);

#endif

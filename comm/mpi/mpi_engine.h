/* The MPI engine shared by the comm plugins (nda/comm.h): the "mpi"
 * plugin is this engine behind an ops table; the "nccl" plugin keeps one
 * engine communicator for its bootstrap, its agreements and the
 * reductions NCCL lacks.
 *
 * Device memory reaches MPI either staged through host memory with the
 * device backend's own copies (any backend), or directly (device
 * addresses handed to MPI) when the MPI library is CUDA-aware and the
 * buffers live on a backend with buffer_address (CUDA). Direct mode is
 * chosen per call; $NDACCEL_MPI_CUDA_AWARE = 0 never uses it, 1 uses it
 * without asking the library (for MPIs that do not answer
 * MPIX_Query_cuda_support), anything else asks.
 *
 * Everything here is hidden: a plugin exports only its entry point. The
 * argument contracts are nda_comm_ops's (nda/comm.h). */
#ifndef NDA_MPI_ENGINE_H
#define NDA_MPI_ENGINE_H

#include <mpi.h>

#include <stddef.h>
#include <stdint.h>

#include "nda/comm.h"
#include "nda/error.h"

#define NDA_MPI_HIDDEN __attribute__((visibility("hidden")))

typedef struct nda_mpi_comm {
    MPI_Comm comm;      /* the plugin's duplicate; MPI_COMM_NULL once released */
    int rank, size;
    /* Host staging buffers (0: send side, 1: receive side), kept between
     * calls up to NDA_MPI_STAGE_KEEP bytes each; larger ones are freed
     * after the call. */
    unsigned char *stage[2];
    size_t stage_cap[2];
} nda_mpi_comm;

#define NDA_MPI_STAGE_KEEP ((size_t)64 << 20)

/* ---- mpi_error.c: error reports ---- */

/* Keeps the host api (load). */
NDA_MPI_HIDDEN void nda_mpi_host_set(const nda_comm_host_api *host);
/* Reports code + message through the host; returns code. */
NDA_MPI_HIDDEN int nda_mpi_fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reports a failed MPI call: "<call> failed: <MPI's error string>";
 * NDA_EVALUE for a truncated message, NDA_EBACKEND otherwise. */
NDA_MPI_HIDDEN int nda_mpi_fail_call(int mpi_rc, const char *call);
/* The calling thread's current error message (never NULL). */
NDA_MPI_HIDDEN const char *nda_mpi_message(void);
/* Prints "ndaccel: rank R of N: <message>" to stderr and ends the job
 * with MPI_Abort on comm (MPI_COMM_WORLD when comm is MPI_COMM_NULL or MPI
 * is not running). */
NDA_MPI_HIDDEN _Noreturn void nda_mpi_abort(MPI_Comm comm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- mpi_engine.c: lifetime, agreement ---- */

/* Keeps host, makes libmpi's symbols global (Open MPI's components look
 * them up) and checks the library answers. */
NDA_MPI_HIDDEN int nda_mpi_load(const nda_comm_host_api *host);
/* Finalises MPI when nda_mpi_comm_init initialised it. */
NDA_MPI_HIDDEN void nda_mpi_unload(void);
/* Duplicates the communicator named by handle (nda_comm_ops.init) into
 * c, with errors returned rather than fatal. Collective. */
NDA_MPI_HIDDEN int nda_mpi_comm_init(int64_t handle, nda_mpi_comm *c);
/* Frees the duplicate (when MPI still runs) and the staging buffers. */
NDA_MPI_HIDDEN void nda_mpi_comm_release(nda_mpi_comm *c);
/* "Open MPI v4.1.4" (the library's version string up to its first comma). */
NDA_MPI_HIDDEN void nda_mpi_library(char *buf, size_t len);
/* Whether calls on q's device hand device addresses to MPI (see above). */
NDA_MPI_HIDDEN int nda_mpi_direct(const nda_comm_queue *q);
/* Whether MPI is CUDA-aware by $NDACCEL_MPI_CUDA_AWARE or by the library's
 * own answer (once MPI runs). */
NDA_MPI_HIDDEN int nda_mpi_cuda_aware(void);

NDA_MPI_HIDDEN int nda_mpi_barrier(nda_mpi_comm *c);
/* MPI_Wait's result for a started request, polled politely: MPI_Test with
 * sched_yield between polls (naps once a wait grows long). A rank waits on
 * the cores its CPU device computes on, where a blocking MPI call would
 * busy-poll (Open MPI's default). Every collective of this plugin waits so
 * (but the broadcast of a failed rank's message). */
NDA_MPI_HIDDEN int nda_mpi_complete(MPI_Request *req);
/* rc, the result of the call that started *req, or (when it succeeded)
 * nda_mpi_complete's: MPI_Ixxx(..., &req) then its completion, as one. */
NDA_MPI_HIDDEN int nda_mpi_finish(int rc, MPI_Request *req);
/* nda_comm_ops.agree. */
NDA_MPI_HIDDEN int nda_mpi_agree(nda_mpi_comm *c, int status, const char *message);

/* The agreement every collective starts with. status: NDA_OK, or this
 * rank's failure (its message already reported). sig: nsig (<= 8) values
 * every rank must share, named by names[] in the mismatch message (a name
 * starting with '~' marks a digest: its values are not printed). Returns
 * NDA_OK on every rank, or on every rank the lowest failed rank's code and
 * message ("<what>: rank R of N: ..."), or NDA_EVALUE "<what>: the ranks
 * disagree on <name> (from x to y)". */
NDA_MPI_HIDDEN int nda_mpi_agree_args(nda_mpi_comm *c, const char *what, int status, int nsig,
                                      const int64_t *sig, const char *const *names);

/* ---- mpi_reduce.c: allreduce's types and ops ---- */

/* The MPI datatype and op of (dtype, op), and the dtype's itemsize (one
 * MPI element each). NDA_ETYPE with a message for invalid or unsupported
 * combinations. Needs MPI running (creates the user ops once). */
NDA_MPI_HIDDEN int nda_mpi_reduction(nda_dtype dtype, nda_comm_op op, MPI_Datatype *type,
                                     MPI_Op *mop, size_t *itemsize);
/* Bytes per element of dtype, 0 when invalid. */
NDA_MPI_HIDDEN size_t nda_mpi_itemsize(nda_dtype dtype);

/* ---- mpi_transfer.c: data movement (nda_comm_ops's members) ---- */

NDA_MPI_HIDDEN int nda_mpi_send(nda_mpi_comm *c, const nda_comm_queue *q, const void *buf,
                                size_t off, size_t nbytes, int peer, int tag);
NDA_MPI_HIDDEN int nda_mpi_recv(nda_mpi_comm *c, const nda_comm_queue *q, void *buf, size_t off,
                                size_t nbytes, int peer, int tag);
NDA_MPI_HIDDEN int nda_mpi_sendrecv(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf,
                                    size_t soff, size_t sbytes, int dest, void *rbuf,
                                    size_t roff, size_t rbytes, int source, int tag);
NDA_MPI_HIDDEN int nda_mpi_allreduce(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf,
                                     size_t soff, void *rbuf, size_t roff, size_t count,
                                     nda_dtype dtype, nda_comm_op op);
NDA_MPI_HIDDEN int nda_mpi_allgather(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf,
                                     size_t soff, size_t nbytes, void *rbuf, size_t roff);
NDA_MPI_HIDDEN int nda_mpi_allgatherv(nda_mpi_comm *c, const nda_comm_queue *q,
                                      const void *sbuf, size_t soff, size_t sbytes, void *rbuf,
                                      size_t roff, const size_t *rbytes, const size_t *rdispl);
NDA_MPI_HIDDEN int nda_mpi_alltoall(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf,
                                    size_t soff, size_t nbytes, void *rbuf, size_t roff);
NDA_MPI_HIDDEN int nda_mpi_alltoallv(nda_mpi_comm *c, const nda_comm_queue *q, const void *sbuf,
                                     size_t soff, const size_t *sbytes, const size_t *sdispl,
                                     void *rbuf, size_t roff, const size_t *rbytes,
                                     const size_t *rdispl);
/* nda_comm_ops.ialltoallv and wait (abi 2): the send data staged (or the
 * queue synchronised, direct) and MPI_Ialltoallv started; wait completes
 * it and copies the received blocks to the device. */
NDA_MPI_HIDDEN int nda_mpi_ialltoallv(nda_mpi_comm *c, const nda_comm_queue *q,
                                      const void *sbuf, size_t soff, const size_t *sbytes,
                                      const size_t *sdispl, void *rbuf, size_t roff,
                                      const size_t *rbytes, const size_t *rdispl,
                                      void **request);
NDA_MPI_HIDDEN int nda_mpi_wait(nda_mpi_comm *c, void *request);
NDA_MPI_HIDDEN int nda_mpi_bcast(nda_mpi_comm *c, const nda_comm_queue *q, void *buf,
                                 size_t off, size_t nbytes, int root);

/* ---- mpi_check.c: argument checks shared with the nccl plugin ---- */

/* Each returns NDA_OK or reports NDA_EVALUE / NDA_ETYPE with a message
 * starting "<what>: ". */
NDA_MPI_HIDDEN int nda_mpi_check_queue(const char *what, const nda_comm_queue *q);
NDA_MPI_HIDDEN int nda_mpi_check_buffer(const char *what, const char *name, const void *buf,
                                        size_t off, size_t nbytes);
/* [aoff, aoff + an) and [boff, boff + bn) of the same buffer overlap. */
NDA_MPI_HIDDEN int nda_mpi_ranges_overlap(const void *a, size_t aoff, size_t an, const void *b,
                                          size_t boff, size_t bn);
/* peer in 0..size-1 and not this rank (allow_none: -1 too). */
NDA_MPI_HIDDEN int nda_mpi_check_peer(const char *what, const nda_mpi_comm *c, int peer,
                                      int allow_none);
NDA_MPI_HIDDEN int nda_mpi_check_tag(const char *what, int tag);
/* allgatherv's: sbytes == rbytes[rank], blocks inside size_t, received
 * blocks disjoint and apart from the send range; *extent: the end of the
 * last block (bytes from roff). */
NDA_MPI_HIDDEN int nda_mpi_check_gatherv(const char *what, const nda_mpi_comm *c,
                                         const void *sbuf, size_t soff, size_t sbytes,
                                         const void *rbuf, size_t roff, const size_t *rbytes,
                                         const size_t *rdispl, size_t *extent);
/* alltoallv's local checks (blocks disjoint, extents); *sextent and
 * *rextent as above. */
NDA_MPI_HIDDEN int nda_mpi_check_alltoallv(const char *what, const nda_mpi_comm *c,
                                           const void *sbuf, size_t soff, const size_t *sbytes,
                                           const size_t *sdispl, const void *rbuf, size_t roff,
                                           const size_t *rbytes, const size_t *rdispl,
                                           size_t *sextent, size_t *rextent);
/* Collective: every rank tells each peer how many bytes it sends it and
 * compares with what that peer expects; status in, status out (a rank
 * whose status is already bad sends zeros and keeps its status). */
NDA_MPI_HIDDEN int nda_mpi_exchange_counts(const char *what, nda_mpi_comm *c, int status,
                                           const size_t *sbytes, const size_t *rbytes);
/* A 64-bit digest of n sizes (for agreement signatures). */
NDA_MPI_HIDDEN int64_t nda_mpi_digest(const size_t *v, int n);

#endif

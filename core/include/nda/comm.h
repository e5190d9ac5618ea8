/* The communication plugin interface: moving device buffers between the
 * ranks of an MPI job.
 *
 * A comm plugin is a shared object loaded with dlopen, named
 * libndaccel_comm_<name>.so and found like the device backends (in
 * $NDACCEL_PLUGIN_DIR, then beside the shared object holding the core),
 * that exports
 *     const nda_comm_ops *nda_comm_entry(void);
 * "mpi" moves data with MPI, staged through host memory with the device
 * backend's own copies (or straight from device memory when the MPI
 * library is CUDA-aware); "nccl" uses NCCL on CUDA devices, its
 * communicators bootstrapped over MPI.
 *
 * Versioning (as nda_backend_ops, backend.h): the struct is append-only. A
 * caller reads a member only when abi_version >= the version that
 * introduced it; a NULL member means "unsupported".
 *
 * Buffers and the queue. A buffer is a device backend's buffer handle (from
 * its buffer_alloc, usually through the core's pool) plus a byte offset;
 * lengths are bytes, or elements where a member says so. A NULL buffer is
 * allowed only where its length is 0. The caller guarantees that every
 * range lies inside its buffer (plugins cannot always check: only backends
 * with buffer_address can). The queue argument names the device the
 * buffers live on: its backend's ops table and device index. A device has
 * one in-order queue (backend.h), and every member that moves data is
 * ordered on it like a launch:
 *   - it reads send buffers as left by all work queued before the call;
 *   - work queued after the call sees the received data, and may
 *     overwrite any buffer the call used, send or receive;
 *   - the host sees received data after the backend's synchronize or
 *     copy_to_host.
 * A plugin may finish the transfer before returning (mpi, host-staged) or
 * only queue it (nccl): callers rely on neither.
 *
 * Communicators are opaque handles made by init and released by free.
 * Calls on one communicator must not overlap (the core's library lock
 * serialises them); the plugin keeps its own MPI communicator (a duplicate
 * of the one it was given), so its messages never match the caller's.
 *
 * Collectives (barrier, allreduce, allgather(v), alltoall(v), bcast,
 * agree): every rank of the communicator calls the same member, in the same
 * order, with matching arguments. Before any data moves, the ranks agree on
 * their arguments: when one rank finds its own bad, or the ranks disagree
 * on a count, dtype, op or root, every rank returns the same error code
 * and message ("rank R of N: ...") and nothing is transferred. A failure
 * after data started moving (a device copy, the network, NCCL) aborts the
 * job with the failing rank's message (see abort): its peers may be
 * blocked inside the operation and would otherwise wait forever.
 *
 * Point-to-point (send, recv, sendrecv): messages between two ranks match
 * by tag in the order they are issued, and a receive must name exactly the
 * byte count of the send it matches ("mpi" reports NDA_EVALUE otherwise).
 * NCCL has no tags and no sizes on the wire: with "nccl", messages between
 * two ranks match in issue order only and a size mismatch is undefined, so
 * portable callers issue them in the same order on both sides, with equal
 * sizes. Errors are not agreed: a rank that fails before sending leaves its
 * peer waiting, so callers that cannot rule that out call agree first, or
 * abort.
 *
 * Errors: every int-returning member returns NDA_OK or a negative NDA_E*
 * code after calling host->error_set with a message that names the failed
 * MPI or NCCL call ("MPI_Allreduce failed: MPI_ERR_TRUNCATE: message
 * truncated"). NDA_ENODEV: the library is missing; NDA_EVALUE: counts,
 * ranks, roots, offsets; NDA_ETYPE: a dtype or op the member does not
 * take; NDA_EBACKEND: the library failed. */
#ifndef NDA_COMM_H
#define NDA_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "nda/backend.h"
#include "nda/dtype.h"

/* 1: init/free, rank/size, barrier, send/recv/sendrecv, allreduce,
 * allgather(v), alltoall(v), bcast, agree, abort, describe.
 * 2: ialltoallv, wait (an alltoallv overlapped with other queued work). */
#define NDA_COMM_ABI_VERSION 2

/* init's mpi_comm for MPI_COMM_WORLD. Any other value is the Fortran
 * handle of an MPI communicator (MPI_Comm_c2f; mpi4py: comm.py2f()),
 * valid in this process's MPI library. */
#define NDA_COMM_WORLD ((int64_t)-1)

/* Services the core lends to a comm plugin (so plugins link nothing of
 * ours). error_message is the calling thread's current message (never
 * NULL): what a failed backend call reported, for the plugin to pass on. */
typedef struct nda_comm_host_api {
    int version; /* NDA_COMM_ABI_VERSION of the core */
    int (*error_set)(int code, const char *fmt, ...);
    const char *(*error_message)(void);
} nda_comm_host_api;

/* Reductions of allreduce. On bool buffers (one byte, 0 or 1) SUM and MAX
 * are logical or, PROD and MIN logical and, as NumPy's add/maximum and
 * multiply/minimum on bools; LAND and LOR take bool buffers only. MAX and
 * MIN propagate NaN as numpy.maximum/minimum do, and order complex values
 * lexicographically (real part, then imaginary part), as NumPy does.
 * Integer SUM and PROD wrap around; float16 is IEEE binary16, each
 * combination rounded to it. The order in which the ranks' values are
 * combined is unspecified (float sums may differ in the last bits from a
 * sequential sum). */
typedef enum nda_comm_op {
    NDA_COMM_SUM = 1,
    NDA_COMM_PROD = 2,
    NDA_COMM_MAX = 3,
    NDA_COMM_MIN = 4,
    NDA_COMM_LAND = 5,
    NDA_COMM_LOR = 6,
} nda_comm_op;

/* The device a call's buffers live on, and so the queue it is ordered on. */
typedef struct nda_comm_queue {
    const nda_backend_ops *ops; /* the device's backend */
    int dev;                    /* the backend's device index */
} nda_comm_queue;

typedef struct nda_comm_ops {
    int abi_version; /* NDA_COMM_ABI_VERSION the plugin was built with */
    const char *name; /* "mpi", "nccl" */

    /* Loads the libraries the plugin needs (NCCL is dlopen()ed here) and
     * keeps `host` for error reports; starts nothing (MPI is initialised by
     * the first init). Failure makes the plugin unavailable; the message
     * says why. Called once, before any other member. */
    int (*load)(const nda_comm_host_api *host);
    /* Called once at process exit by the registry, after every
     * communicator was freed or abandoned: finalises MPI if this plugin
     * initialised it and nobody finalised it since. */
    void (*unload)(void);

    /* Makes a communicator over the ranks of mpi_comm (NDA_COMM_WORLD or a
     * Fortran handle, see above). Collective over mpi_comm. When MPI is not
     * initialised yet, NDA_COMM_WORLD initialises it (asking for
     * MPI_THREAD_MULTIPLE, as mpi4py does) and the plugin finalises it in
     * unload; any other handle is then NDA_EVALUE. When the caller
     * initialised MPI, calls keep to the thread level it asked for.
     * q: the device this rank's buffers will live on. "nccl" binds the
     * communicator to it (NDA_EVALUE for a device that is not CUDA); "mpi"
     * takes any device, and q may be NULL. *comm is the caller's until
     * free. */
    int (*init)(int64_t mpi_comm, const nda_comm_queue *q, void **comm);
    /* Releases a communicator (peers need not call it at the same time;
     * after MPI was finalised only the plugin's memory is released). NULL
     * is a no-op. Queued transfers still complete. */
    void (*free)(void *comm);
    /* This process's rank in 0..size-1, and the number of ranks. */
    int (*rank)(const void *comm, int *rank);
    int (*size)(const void *comm, int *size);
    /* One line for listings: library and version, and how device memory
     * is moved ("Open MPI v4.1.4, host-staged"); comm may be NULL (the
     * library alone, before any init). NUL-terminated, cut to len. */
    int (*describe)(const void *comm, char *buf, size_t len);

    /* Returns once every rank has called barrier. Host-side only: queued
     * device work is not waited for (synchronize the device first for
     * that). */
    int (*barrier)(void *comm);

    /* Point-to-point transfers of nbytes bytes (0 allowed: an empty
     * message that still matches). peer: a rank other than this one's;
     * tag: 0..32767. send may return before the peer has received (the
     * data has been copied out, or is queued). recv's nbytes must be the
     * send's exactly. */
    int (*send)(void *comm, const nda_comm_queue *q, const void *buf, size_t off, size_t nbytes,
                int peer, int tag);
    int (*recv)(void *comm, const nda_comm_queue *q, void *buf, size_t off, size_t nbytes,
                int peer, int tag);
    /* Sends sbytes to dest and receives rbytes from source at once (no
     * deadlock when every rank sends to one neighbour and receives from
     * the other: the halo exchange). dest or source may be -1 for "no
     * transfer in that direction" (MPI_PROC_NULL), or this rank (a
     * periodic boundary on one rank; "nccl" needs both to be this rank
     * then, and copies on the device). The send and receive ranges must
     * not overlap. */
    int (*sendrecv)(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                    size_t sbytes, int dest, void *rbuf, size_t roff, size_t rbytes, int source,
                    int tag);

    /* recv[i] = op over every rank r of send_r[i], for i < count (elements
     * of dtype), on every rank. sbuf == rbuf with soff == roff is in place;
     * other overlaps are not allowed. */
    int (*allreduce)(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                     void *rbuf, size_t roff, size_t count, nda_dtype dtype, nda_comm_op op);
    /* Every rank sends nbytes; rbuf receives size * nbytes bytes, rank r's
     * at roff + r * nbytes. sbuf's range must not overlap rbuf's. */
    int (*allgather)(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                     size_t nbytes, void *rbuf, size_t roff);
    /* As allgather with per-rank sizes: rank r sends rbytes[r] bytes (this
     * rank's sbytes must equal rbytes[rank]), received at roff +
     * rdispl[r]. rbytes and rdispl have size entries; rbytes is the same
     * on every rank (agreed), rdispl is this rank's own layout. Received
     * ranges must not overlap each other nor the send range. */
    int (*allgatherv)(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                      size_t sbytes, void *rbuf, size_t roff, const size_t *rbytes,
                      const size_t *rdispl);
    /* Block j (nbytes at soff + j * nbytes) goes to rank j; the block from
     * rank i lands at roff + i * nbytes. Send and receive ranges must not
     * overlap. */
    int (*alltoall)(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                    size_t nbytes, void *rbuf, size_t roff);
    /* As alltoall with per-peer sizes: sbytes[j] bytes at soff + sdispl[j]
     * go to rank j; rbytes[i] bytes from rank i land at roff + rdispl[i].
     * Arrays of size entries; rank i's sbytes[j] must equal rank j's
     * rbytes[i]. */
    int (*alltoallv)(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                     const size_t *sbytes, const size_t *sdispl, void *rbuf, size_t roff,
                     const size_t *rbytes, const size_t *rdispl);
    /* Copies nbytes at root's buf + off to every other rank's buf + off. */
    int (*bcast)(void *comm, const nda_comm_queue *q, void *buf, size_t off, size_t nbytes,
                 int root);

    /* Host-side agreement on an outcome. Every rank passes its own status
     * (NDA_OK, or an NDA_E* code with a message saying what went wrong;
     * message may be NULL for NDA_OK). Returns NDA_OK on every rank when
     * every status was NDA_OK; otherwise, on every rank, the code of the
     * lowest failed rank with the message "rank R of N: <its message>".
     * For callers that check arguments before a collective of their own. */
    int (*agree)(void *comm, int status, const char *message);
    /* Ends the whole job: prints "ndaccel: rank R of N: <message>" to
     * stderr and calls MPI_Abort (ncclCommAbort first for "nccl"). For a
     * rank that cannot continue while its peers may be waiting on it.
     * comm may be NULL (then MPI_COMM_WORLD). Does not return. */
    void (*abort)(void *comm, const char *message);

    /* ---- abi_version >= 2 ---- */

    /* alltoallv, started: arguments, their agreement and the errors before
     * any data moves are alltoallv's (on error nothing started and
     * *request is NULL on every rank). On NDA_OK *request is an exchange in
     * flight that the caller passes to wait exactly once. The send range
     * is read as left by the work queued before this call. Until wait, the
     * caller may queue other work on q, which may run while the data moves
     * (the point of the pair: a halo exchange overlapped with the interior
     * computation), provided that work neither writes the send range nor
     * reads or writes the receive range, and both buffers stay allocated.
     * Several exchanges may be in flight on one communicator, started in
     * the same order on every rank; other members may be called meanwhile.
     * "mpi" stages the send data and starts MPI_Ialltoallv before
     * returning; "nccl" queues the exchange on the device's stream, where
     * work queued later runs after it. */
    int (*ialltoallv)(void *comm, const nda_comm_queue *q, const void *sbuf, size_t soff,
                      const size_t *sbytes, const size_t *sdispl, void *rbuf, size_t roff,
                      const size_t *rbytes, const size_t *rdispl, void **request);
    /* Completes a started exchange and releases request: work queued on
     * its queue after wait returns sees the received data. Blocks until
     * this rank's part of the exchange is done (the peers have started
     * theirs). A failure ends the job, as any failure after data started
     * moving does. */
    int (*wait)(void *comm, void *request);
} nda_comm_ops;

typedef const nda_comm_ops *(*nda_comm_entry_fn)(void);
#define NDA_COMM_ENTRY_SYMBOL "nda_comm_entry"

#endif

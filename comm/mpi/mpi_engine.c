/* The MPI engine's lifetime and agreements (mpi_engine.h). */
#define _GNU_SOURCE
#include "comm/mpi/mpi_engine.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>

/* libmpi, promoted to global symbol scope by load (NULL if that failed). */
static void *nda_mpi_lib;
/* 1 when nda_mpi_comm_init called MPI_Init_thread: unload finalises. */
static int nda_mpi_we_initialised;
/* -1: not asked yet; else nda_mpi_cuda_aware's answer once MPI runs. */
static int nda_mpi_aware = -1;

static int nda_mpi_running(void)
{
    int init = 0, fin = 0;

    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin;
}

int nda_mpi_load(const nda_comm_host_api *host)
{
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0, rc;
    Dl_info info;

    nda_mpi_host_set(host);
    /* Open MPI's components (dlopen()ed by MPI_Init) resolve libmpi's
     * symbols in the global scope, where a library loaded as a dependency
     * of an RTLD_LOCAL plugin is not: promote it, as mpi4py does. */
    if (dladdr((void *)&MPI_Init, &info) && info.dli_fname != NULL)
        nda_mpi_lib = dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
    rc = MPI_Get_library_version(version, &len);
    if (rc != MPI_SUCCESS)
        return nda_mpi_fail_call(rc, "MPI_Get_library_version");
    return NDA_OK;
}

void nda_mpi_unload(void)
{
    if (nda_mpi_we_initialised && nda_mpi_running())
        MPI_Finalize();
    nda_mpi_we_initialised = 0;
}

void nda_mpi_library(char *buf, size_t len)
{
    char version[MPI_MAX_LIBRARY_VERSION_STRING + 1];
    int n = 0;

    if (len == 0)
        return;
    if (MPI_Get_library_version(version, &n) != MPI_SUCCESS || n <= 0) {
        snprintf(buf, len, "MPI (unknown version)");
        return;
    }
    version[n < MPI_MAX_LIBRARY_VERSION_STRING ? n : MPI_MAX_LIBRARY_VERSION_STRING] = '\0';
    version[strcspn(version, ",\n")] = '\0';
    snprintf(buf, len, "%s", version);
}

int nda_mpi_cuda_aware(void)
{
    const char *env = getenv("NDACCEL_MPI_CUDA_AWARE");
    int (*query)(void);

    if (env != NULL && strcmp(env, "0") == 0)
        return 0;
    if (env != NULL && strcmp(env, "1") == 0)
        return 1;
    if (nda_mpi_aware >= 0)
        return nda_mpi_aware;
    if (!nda_mpi_running())
        return 0;
    /* Open MPI's extension (mpi-ext.h); other MPIs lack the symbol. */
    query = NULL;
    if (nda_mpi_lib != NULL)
        *(void **)&query = dlsym(nda_mpi_lib, "MPIX_Query_cuda_support");
    nda_mpi_aware = query != NULL && query() == 1;
    return nda_mpi_aware;
}

int nda_mpi_direct(const nda_comm_queue *q)
{
    return q != NULL && q->ops != NULL && q->ops->abi_version >= 4 &&
           q->ops->buffer_address != NULL && q->ops->name != NULL &&
           strcmp(q->ops->name, "cuda") == 0 && nda_mpi_cuda_aware();
}

int nda_mpi_comm_init(int64_t handle, nda_mpi_comm *c)
{
    MPI_Comm parent;
    int init = 0, fin = 0, provided = 0, rc;

    memset(c, 0, sizeof *c);
    c->comm = MPI_COMM_NULL;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (fin)
        return nda_mpi_fail(NDA_EBACKEND, "init: MPI was already finalised in this process");
    if (!init) {
        if (handle != NDA_COMM_WORLD)
            return nda_mpi_fail(NDA_EVALUE,
                                "init: MPI is not initialised, so communicator handle %lld "
                                "cannot be valid (pass none for the world communicator, or "
                                "initialise MPI first)",
                                (long long)handle);
        rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_MULTIPLE, &provided);
        if (rc != MPI_SUCCESS)
            return nda_mpi_fail_call(rc, "MPI_Init_thread");
        nda_mpi_we_initialised = 1;
    }
    if (handle == NDA_COMM_WORLD) {
        parent = MPI_COMM_WORLD;
    } else {
        if (handle < 0 || handle > (int64_t)0x7fffffff)
            return nda_mpi_fail(NDA_EVALUE, "init: %lld is not an MPI communicator handle "
                                "(a Fortran handle: MPI_Comm_c2f, mpi4py's comm.py2f())",
                                (long long)handle);
        parent = MPI_Comm_f2c((MPI_Fint)handle);
        /* Open MPI answers an unknown handle with NULL, others with
         * MPI_COMM_NULL. */
        if (parent == MPI_COMM_NULL || (void *)(intptr_t)parent == NULL)
            return nda_mpi_fail(NDA_EVALUE, "init: %lld is not the handle of an MPI "
                                "communicator in this process", (long long)handle);
    }
    rc = MPI_Comm_dup(parent, &c->comm);
    if (rc != MPI_SUCCESS) {
        c->comm = MPI_COMM_NULL;
        return nda_mpi_fail_call(rc, "MPI_Comm_dup");
    }
    MPI_Comm_set_errhandler(c->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(c->comm, &c->rank);
    MPI_Comm_size(c->comm, &c->size);
    return NDA_OK;
}

void nda_mpi_comm_release(nda_mpi_comm *c)
{
    if (c->comm != MPI_COMM_NULL && nda_mpi_running())
        MPI_Comm_free(&c->comm);
    c->comm = MPI_COMM_NULL;
    for (int i = 0; i < 2; i++) {
        free(c->stage[i]);
        c->stage[i] = NULL;
        c->stage_cap[i] = 0;
    }
}

/* The message a failed rank hands its peers. */
typedef struct nda_mpi_failure {
    int32_t code;
    char message[1020];
} nda_mpi_failure;

/* Every rank learns failed rank `who`'s code and message and reports them
 * as its own error; returns that code. */
static int nda_mpi_spread_failure(nda_mpi_comm *c, int who, const char *what, int code,
                                  const char *message)
{
    nda_mpi_failure f;
    int rc;

    memset(&f, 0, sizeof f);
    if (c->rank == who) {
        f.code = code < 0 ? code : NDA_EBACKEND;
        snprintf(f.message, sizeof f.message, "%s", message != NULL ? message : "");
    }
    rc = MPI_Bcast(&f, (int)sizeof f, MPI_BYTE, who, c->comm);
    if (rc != MPI_SUCCESS)
        nda_mpi_abort(c->comm, "%s: telling the ranks why rank %d failed: MPI_Bcast failed "
                      "(error %d)", what, who, rc);
    f.message[sizeof f.message - 1] = '\0';
    return nda_mpi_fail(f.code, "rank %d of %d: %s", who, c->size, f.message);
}

/* How long nda_mpi_complete polls with sched_yield between polls before
 * napping between them, and the nap (nanoseconds). Yielding, not napping:
 * a nap's end preempts the device's thread on the core (CFS favours the
 * sleeper), and with 20 us naps that cost 2-3 points of weak-scaling
 * efficiency on 2 ranks here (bench/distributed.py; yield 86.9%, a 100 us
 * yield then naps 83.7%, naps alone 81.3%). Past 20 ms the peer is
 * evidently far behind and the naps cost nothing that matters. */
#define NDA_MPI_YIELD_NS 20000000L
#define NDA_MPI_NAP_NS 100000L

static long nda_mpi_elapsed_ns(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

int nda_mpi_complete(MPI_Request *req)
{
    struct timespec t0, nap = {0, NDA_MPI_NAP_NS};
    int done = 0, rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((rc = MPI_Test(req, &done, MPI_STATUS_IGNORE)) == MPI_SUCCESS && !done) {
        if (nda_mpi_elapsed_ns(&t0) < NDA_MPI_YIELD_NS)
            sched_yield();
        else
            nanosleep(&nap, NULL);
    }
    return rc;
}

int nda_mpi_finish(int rc, MPI_Request *req)
{
    return rc == MPI_SUCCESS ? nda_mpi_complete(req) : rc;
}

int nda_mpi_barrier(nda_mpi_comm *c)
{
    MPI_Request req;
    int rc = nda_mpi_finish(MPI_Ibarrier(c->comm, &req), &req);

    return rc == MPI_SUCCESS ? NDA_OK : nda_mpi_fail_call(rc, "barrier: MPI_Ibarrier");
}

int nda_mpi_agree(nda_mpi_comm *c, int status, const char *message)
{
    uint64_t v = status != NDA_OK ? (uint64_t)(c->size - c->rank) : 0;
    MPI_Request req;
    int rc = nda_mpi_finish(MPI_Iallreduce(MPI_IN_PLACE, &v, 1, MPI_UINT64_T, MPI_MAX, c->comm,
                                           &req), &req);

    if (rc != MPI_SUCCESS)
        return nda_mpi_fail_call(rc, "agree: MPI_Iallreduce");
    if (v == 0)
        return NDA_OK;
    return nda_mpi_spread_failure(c, c->size - (int)v, "agree", status, message);
}

int nda_mpi_agree_args(nda_mpi_comm *c, const char *what, int status, int nsig,
                       const int64_t *sig, const char *const *names)
{
    uint64_t v[1 + 2 * 8];
    int n = 1 + 2 * nsig, rc;

    if (nsig > 8)
        nda_mpi_abort(c->comm, "%s: %d agreement values (at most 8)", what, nsig);
    /* One MPI_MAX reduction: the lowest failed rank (encoded size - rank),
     * and for each value its maximum and (as the maximum of its
     * complement) its minimum. A name starting with '~' marks a digest. */
    v[0] = status != NDA_OK ? (uint64_t)(c->size - c->rank) : 0;
    for (int i = 0; i < nsig; i++) {
        v[1 + 2 * i] = (uint64_t)sig[i];
        v[2 + 2 * i] = ~(uint64_t)sig[i];
    }
    MPI_Request req;
    rc = nda_mpi_finish(MPI_Iallreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, MPI_MAX, c->comm, &req),
                        &req);
    if (rc != MPI_SUCCESS) {
        nda_mpi_fail_call(rc, "MPI_Iallreduce");
        nda_mpi_abort(c->comm, "%s: agreeing on the arguments: %s", what, nda_mpi_message());
    }
    if (v[0] != 0)
        return nda_mpi_spread_failure(c, c->size - (int)v[0], what, status,
                                      status != NDA_OK ? nda_mpi_message() : NULL);
    for (int i = 0; i < nsig; i++) {
        if (v[1 + 2 * i] == ~v[2 + 2 * i])
            continue;
        if (names[i][0] == '~') /* a digest: its values mean nothing */
            return nda_mpi_fail(NDA_EVALUE, "%s: the ranks disagree on the %s", what,
                                names[i] + 1);
        return nda_mpi_fail(NDA_EVALUE,
                                "%s: the ranks disagree on the %s (from %lld to %lld on "
                                "different ranks)",
                                what, names[i], (long long)~v[2 + 2 * i],
                                (long long)v[1 + 2 * i]);
    }
    return NDA_OK;
}

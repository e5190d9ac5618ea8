/* Error reports of the MPI engine (mpi_engine.h). */
#include "comm/mpi/mpi_engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define NDA_MPI_MSG_MAX 2048

static const nda_comm_host_api *nda_mpi_host;

void nda_mpi_host_set(const nda_comm_host_api *host) { nda_mpi_host = host; }

int nda_mpi_fail(int code, const char *fmt, ...)
{
    char msg[NDA_MPI_MSG_MAX];
    va_list ap;

    if (nda_mpi_host == NULL || nda_mpi_host->error_set == NULL)
        return code;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nda_mpi_host->error_set(code, "%s", msg);
    return code;
}

int nda_mpi_fail_call(int mpi_rc, const char *call)
{
    char text[MPI_MAX_ERROR_STRING + 1];
    int len = 0, cls = MPI_ERR_OTHER;

    if (MPI_Error_string(mpi_rc, text, &len) != MPI_SUCCESS || len <= 0)
        snprintf(text, sizeof text, "MPI error %d", mpi_rc);
    else
        text[len < MPI_MAX_ERROR_STRING ? len : MPI_MAX_ERROR_STRING] = '\0';
    MPI_Error_class(mpi_rc, &cls);
    return nda_mpi_fail(cls == MPI_ERR_TRUNCATE ? NDA_EVALUE : NDA_EBACKEND, "%s failed: %s", call,
                        text);
}

const char *nda_mpi_message(void)
{
    const char *m = NULL;

    if (nda_mpi_host != NULL && nda_mpi_host->error_message != NULL)
        m = nda_mpi_host->error_message();
    return m != NULL ? m : "";
}

void nda_mpi_abort(MPI_Comm comm, const char *fmt, ...)
{
    char msg[NDA_MPI_MSG_MAX];
    int running = 0, finalized = 1, rank = -1, size = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    MPI_Initialized(&running);
    MPI_Finalized(&finalized);
    running = running && !finalized;
    if (running && comm == MPI_COMM_NULL)
        comm = MPI_COMM_WORLD;
    if (running) {
        MPI_Comm_rank(comm, &rank);
        MPI_Comm_size(comm, &size);
    }
    if (rank >= 0)
        fprintf(stderr, "ndaccel: rank %d of %d: %s\n", rank, size, msg);
    else
        fprintf(stderr, "ndaccel: %s\n", msg);
    fflush(stderr);
    if (running)
        MPI_Abort(comm, 1);
    /* MPI_Abort does not return; without MPI there is no job to end. */
    abort();
}

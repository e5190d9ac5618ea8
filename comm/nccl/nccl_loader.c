/* Loading NCCL with dlopen, and its error reports (nccl_internal.h). */
#include "comm/nccl/nccl_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/common/dl_library.h"
#include "backends/cuda/cuda_toolkit.h"

static nda_nccl_lib nda_nccl_table;

#define NDA_NCCL_SYM(member, req) NDA_DL_SYM(nda_nccl_lib, member, "nccl" #member, req)
static const nda_dl_symbol nda_nccl_syms[] = {
    NDA_NCCL_SYM(GetVersion, 1),   NDA_NCCL_SYM(GetUniqueId, 1),  NDA_NCCL_SYM(CommInitRank, 1),
    NDA_NCCL_SYM(CommDestroy, 1),  NDA_NCCL_SYM(CommAbort, 1),    NDA_NCCL_SYM(GetErrorString, 1),
    NDA_NCCL_SYM(AllReduce, 1),    NDA_NCCL_SYM(Broadcast, 1),    NDA_NCCL_SYM(AllGather, 1),
    NDA_NCCL_SYM(Send, 1),         NDA_NCCL_SYM(Recv, 1),         NDA_NCCL_SYM(GroupStart, 1),
    NDA_NCCL_SYM(GroupEnd, 1),     NDA_NCCL_SYM(GetLastError, 0),
};

static const char *const nda_nccl_names[] = {"libnccl.so.2", "libnccl.so", NULL};

/* NCCL >= 2.7 (ncclSend/ncclRecv); records the version and path. */
static int nda_nccl_accept(const char *path, void *table, char *why, size_t len)
{
    nda_nccl_lib *t = table;
    int code = 0;

    if (t->GetVersion(&code) != ncclSuccess) {
        snprintf(why, len, "%s: ncclGetVersion failed", path);
        return 0;
    }
    /* NCCL_VERSION(): X*1000+Y*100+Z up to 2.8, X*10000+Y*100+Z after. */
    if (code >= 10000) {
        t->major = code / 10000;
        t->minor = code % 10000 / 100;
        t->patch = code % 100;
    } else {
        t->major = code / 1000;
        t->minor = code % 1000 / 100;
        t->patch = code % 100;
    }
    if (t->major < 2 || (t->major == 2 && t->minor < 7)) {
        snprintf(why, len, "%s is NCCL %d.%d.%d; 2.7 or newer is needed (send/recv)", path,
                 t->major, t->minor, t->patch);
        return 0;
    }
    snprintf(t->path, sizeof t->path, "%s", path);
    return 1;
}

static nda_dl_library nda_nccl_library = {
    .what = "NCCL",
    .env = "NDACCEL_NCCL_LIBRARY",
    .names = nda_nccl_names,
    .dir = nda_cuda_toolkit_dir,
    NDA_DL_SYMBOLS(nda_nccl_syms),
    NDA_DL_TABLE(nda_nccl_table),
    .accept = nda_nccl_accept,
    .remember_failure = 1,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

int nda_nccl_load(void)
{
    char why[2048];

    if (nda_dl_load(&nda_nccl_library, why, sizeof why) != NDA_OK)
        return nda_mpi_fail(NDA_ENODEV, "%s", why);
    return NDA_OK;
}

const nda_nccl_lib *nda_nccl(void) { return &nda_nccl_table; }

int nda_nccl_fail(const nda_nccl_comm *c, ncclResult_t r, const char *what, const char *call)
{
    const nda_nccl_lib *L = &nda_nccl_table;
    const char *name = L->GetErrorString != NULL ? L->GetErrorString(r) : "unknown";
    const char *last = (L->GetLastError != NULL && c != NULL) ? L->GetLastError(c->nccl) : NULL;

    return nda_mpi_fail(r == ncclInvalidArgument || r == ncclInvalidUsage ? NDA_EVALUE
                                                                          : NDA_EBACKEND,
                        "%s: %s failed: %s (%d)%s%s%s", what, call, name ? name : "?", (int)r,
                        last && last[0] ? " (" : "", last && last[0] ? last : "",
                        last && last[0] ? ")" : "");
}

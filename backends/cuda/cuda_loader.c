/* The CUDA driver API, loaded with dlopen: libcuda.so.1 (then libcuda.so),
 * or the file named by $NDACCEL_CUDA_DRIVER. The toolkit's stub library
 * (lib64/stubs/libcuda.so, which exists only for linking) is rejected: it
 * answers every call with CUDA_ERROR_STUB_LIBRARY.
 *
 * Once loaded, the library stays loaded for the life of the process
 * (unloading libcuda is not safe) unless init finds it unusable before any
 * context exists; a failed attempt is retried by the next init. */
#include "backends/cuda/cuda_internal.h"

#include <stdio.h>
#include <string.h>

#include "backends/common/dl_library.h"

static nda_cu_driver nda_cu_table;

#define NDA_CU_SYM(sym, member, req) NDA_DL_SYM(nda_cu_driver, member, sym, req)
/* cuInit first: its file is the one named in messages. */
static const nda_dl_symbol nda_cu_syms[] = {
    NDA_CU_SYM("cuInit", Init, 1),
    NDA_CU_SYM("cuDriverGetVersion", DriverGetVersion, 1),
    NDA_CU_SYM("cuDeviceGetCount", DeviceGetCount, 1),
    NDA_CU_SYM("cuDeviceGet", DeviceGet, 1),
    NDA_CU_SYM("cuDeviceGetName", DeviceGetName, 1),
    NDA_CU_SYM("cuDeviceGetAttribute", DeviceGetAttribute, 1),
    NDA_CU_SYM("cuDeviceTotalMem_v2", DeviceTotalMem, 1),
    NDA_CU_SYM("cuDevicePrimaryCtxRetain", DevicePrimaryCtxRetain, 1),
    NDA_CU_SYM("cuDevicePrimaryCtxRelease_v2", DevicePrimaryCtxRelease, 1),
    NDA_CU_SYM("cuCtxPushCurrent_v2", CtxPushCurrent, 1),
    NDA_CU_SYM("cuCtxPopCurrent_v2", CtxPopCurrent, 1),
    NDA_CU_SYM("cuStreamCreate", StreamCreate, 1),
    NDA_CU_SYM("cuStreamDestroy_v2", StreamDestroy, 1),
    NDA_CU_SYM("cuStreamSynchronize", StreamSynchronize, 1),
    NDA_CU_SYM("cuMemAlloc_v2", MemAlloc, 1),
    NDA_CU_SYM("cuMemFree_v2", MemFree, 1),
    NDA_CU_SYM("cuMemcpyHtoDAsync_v2", MemcpyHtoDAsync, 1),
    NDA_CU_SYM("cuMemcpyDtoHAsync_v2", MemcpyDtoHAsync, 1),
    NDA_CU_SYM("cuMemcpyDtoDAsync_v2", MemcpyDtoDAsync, 1),
    NDA_CU_SYM("cuMemsetD8Async", MemsetD8Async, 1),
    NDA_CU_SYM("cuMemsetD16Async", MemsetD16Async, 1),
    NDA_CU_SYM("cuMemsetD32Async", MemsetD32Async, 1),
    NDA_CU_SYM("cuModuleLoadDataEx", ModuleLoadDataEx, 1),
    NDA_CU_SYM("cuModuleUnload", ModuleUnload, 1),
    NDA_CU_SYM("cuModuleGetFunction", ModuleGetFunction, 1),
    NDA_CU_SYM("cuLaunchKernel", LaunchKernel, 1),
    NDA_CU_SYM("cuGetErrorName", GetErrorName, 0),
    NDA_CU_SYM("cuGetErrorString", GetErrorString, 0),
    NDA_CU_SYM("cuFuncGetParamInfo", FuncGetParamInfo, 0),
};

/* Refuses the toolkit's stub; remembers the path for messages. */
static int nda_cu_driver_accept(const char *path, void *table, char *why, size_t len)
{
    nda_cu_driver *t = table;

    if (strstr(path, "/stubs/") != NULL) {
        snprintf(why, len, "%s is the CUDA toolkit's stub library, not a driver", path);
        return 0;
    }
    snprintf(t->path, sizeof t->path, "%s", path);
    return 1;
}

static const char *const nda_cu_names[] = {"libcuda.so.1", "libcuda.so", NULL};

static nda_dl_library nda_cu_library = {
    .env = "NDACCEL_CUDA_DRIVER",
    .names = nda_cu_names,
    NDA_DL_SYMBOLS(nda_cu_syms),
    NDA_DL_TABLE(nda_cu_table),
    .accept = nda_cu_driver_accept,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

/* Set once the table is loaded; read without a lock by nda_cu_drv. */
static const nda_cu_driver *nda_cu_loaded;

const nda_cu_driver *nda_cu_drv(void) { return nda_cu_loaded; }

const nda_cu_driver *nda_cu_driver_load(char *why, size_t len)
{
    if (nda_dl_load(&nda_cu_library, why, len) != NDA_OK)
        return NULL;
    nda_cu_loaded = &nda_cu_table;
    return nda_cu_loaded;
}

void nda_cu_driver_unload(void)
{
    nda_cu_loaded = NULL;
    nda_dl_unload(&nda_cu_library);
}

/* The CUDA driver API, loaded with dlopen: libcuda.so.1 (then libcuda.so),
 * or the file named by $NDACCEL_CUDA_DRIVER. The toolkit's stub library
 * (lib64/stubs/libcuda.so, which exists only for linking) is rejected: it
 * answers every call with CUDA_ERROR_STUB_LIBRARY.
 *
 * Once loaded, the library stays loaded for the life of the process
 * (unloading libcuda is not safe); a failed attempt is retried by the next
 * init. */
#define _GNU_SOURCE
#include "backends/cuda/cuda_internal.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__aarch64__)
#define NDA_CUDA_TARGET_LIB "targets/sbsa-linux/lib"
#else
#define NDA_CUDA_TARGET_LIB "targets/x86_64-linux/lib"
#endif

static nda_cu_driver nda_cu_table;
static const nda_cu_driver *nda_cu_loaded;
static pthread_mutex_t nda_cu_load_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct nda_cu_sym {
    const char *name;
    size_t offset;
    int required;
} nda_cu_sym;

#define NDA_CU_SYM(sym, member, req) {sym, offsetof(nda_cu_driver, member), req}
static const nda_cu_sym nda_cu_syms[] = {
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

const nda_cu_driver *nda_cu_drv(void) { return nda_cu_loaded; }

void nda_cu_driver_unload(void)
{
    pthread_mutex_lock(&nda_cu_load_lock);
    if (nda_cu_loaded != NULL) {
        nda_cu_loaded = NULL;
        dlclose(nda_cu_table.lib);
        memset(&nda_cu_table, 0, sizeof nda_cu_table);
    }
    pthread_mutex_unlock(&nda_cu_load_lock);
}

/* Opens `name` and resolves the table into *t. 1 on success; otherwise 0
 * with "<name>: <reason>" in why[len]. */
static int nda_cu_driver_try(const char *name, nda_cu_driver *t, char *why, size_t len)
{
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    void *init;
    Dl_info info;

    if (lib == NULL) {
        const char *e = dlerror();
        /* dlerror already starts with the name for a missing file. */
        if (e != NULL && strncmp(e, name, strlen(name)) == 0)
            snprintf(why, len, "%s", e);
        else
            snprintf(why, len, "%s: %s", name, e ? e : "dlopen failed");
        return 0;
    }
    memset(t, 0, sizeof *t);
    t->lib = lib;
    snprintf(t->path, sizeof t->path, "%s", name);
    init = dlsym(lib, "cuInit");
    if (init != NULL && dladdr(init, &info) && info.dli_fname != NULL)
        snprintf(t->path, sizeof t->path, "%s", info.dli_fname);
    if (strstr(t->path, "/stubs/") != NULL) {
        snprintf(why, len, "%s: %s is the CUDA toolkit's stub library, not a driver", name,
                 t->path);
        dlclose(lib);
        return 0;
    }
    for (size_t i = 0; i < sizeof nda_cu_syms / sizeof nda_cu_syms[0]; i++) {
        void *sym = dlsym(lib, nda_cu_syms[i].name);
        if (sym == NULL && nda_cu_syms[i].required) {
            snprintf(why, len, "%s: %s has no %s (driver too old?)", name, t->path,
                     nda_cu_syms[i].name);
            dlclose(lib);
            return 0;
        }
        memcpy((char *)t + nda_cu_syms[i].offset, &sym, sizeof sym);
    }
    return 1;
}

const nda_cu_driver *nda_cu_driver_load(char *why, size_t len)
{
    static const char *const names[] = {"libcuda.so.1", "libcuda.so"};
    const char *env = getenv("NDACCEL_CUDA_DRIVER");
    const nda_cu_driver *out = NULL;
    nda_cu_driver t;
    char first[1024] = "", other[1024];

    pthread_mutex_lock(&nda_cu_load_lock);
    if (nda_cu_loaded != NULL) {
        out = nda_cu_loaded;
        goto done;
    }
    if (env != NULL && env[0] != '\0') {
        if (nda_cu_driver_try(env, &t, first, sizeof first))
            goto ok;
        snprintf(why, len, "%s (from NDACCEL_CUDA_DRIVER)", first);
        goto done;
    }
    if (nda_cu_driver_try(names[0], &t, first, sizeof first))
        goto ok;
    /* libcuda.so is normally a development symlink; report the libcuda.so.1
     * failure unless libcuda.so was found but unusable (e.g. a stub). */
    if (nda_cu_driver_try(names[1], &t, other, sizeof other))
        goto ok;
    if (strstr(other, "No such file") == NULL && strstr(other, "cannot open") == NULL)
        snprintf(why, len, "%s; %s", first, other);
    else
        snprintf(why, len, "%s", first);
    goto done;
ok:
    nda_cu_table = t;
    nda_cu_loaded = &nda_cu_table;
    out = nda_cu_loaded;
done:
    pthread_mutex_unlock(&nda_cu_load_lock);
    return out;
}

void *nda_cu_toolkit_open(const char *const *names, size_t n, char *why, size_t len)
{
    static const char *const subdirs[] = {"lib64", NDA_CUDA_TARGET_LIB, "lib"};
    const char *roots[4];
    char path[1024];
    int nroots = 0;
    void *lib;

    why[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if ((lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL)) != NULL)
            return lib;
        if (why[0] == '\0') {
            const char *e = dlerror();
            snprintf(why, len, "%s", e ? e : names[i]);
        }
    }
    roots[nroots++] = getenv("CUDA_PATH");
    roots[nroots++] = getenv("CUDA_HOME");
#ifdef NDA_CUDA_PATH
    roots[nroots++] = NDA_CUDA_PATH;
#endif
    roots[nroots++] = "/usr/local/cuda";
    for (int r = 0; r < nroots; r++) {
        if (roots[r] == NULL || roots[r][0] == '\0')
            continue;
        for (size_t s = 0; s < sizeof subdirs / sizeof subdirs[0]; s++)
            for (size_t i = 0; i < n; i++) {
                snprintf(path, sizeof path, "%s/%s/%s", roots[r], subdirs[s], names[i]);
                if ((lib = dlopen(path, RTLD_NOW | RTLD_LOCAL)) != NULL)
                    return lib;
            }
    }
    return NULL;
}

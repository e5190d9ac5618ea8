/* Private declarations shared by the CUDA backend's translation units.
 *
 * The plugin links nothing of CUDA: the driver (libcuda.so.1) and NVRTC are
 * dlopen()ed at init and reached through the function tables below, so only
 * cuda.h / nvrtc.h are needed at build time. Nothing here is exported:
 * every declaration carries NDA_CU_HIDDEN. */
#ifndef NDA_CUDA_INTERNAL_H
#define NDA_CUDA_INTERNAL_H

#include <cuda.h>

#include <pthread.h>
#include <stddef.h>

#include "backends/common/plugin_error.h"
#include "backends/cuda/nvrtc_loader.h"
#include "nda/backend.h"
#include "nda/error.h"

#define NDA_CU_HIDDEN __attribute__((visibility("hidden")))

/* The driver API entry points we use, resolved by their exported symbol
 * names (the _v2 names where cuda.h #defines the plain name to them), so a
 * plugin built against any header works with any driver that has them. */
typedef struct nda_cu_driver {
    char path[512]; /* the libcuda that was loaded */
    CUresult (*Init)(unsigned int flags);
    CUresult (*DriverGetVersion)(int *version);
    CUresult (*DeviceGetCount)(int *count);
    CUresult (*DeviceGet)(CUdevice *dev, int ordinal);
    CUresult (*DeviceGetName)(char *name, int len, CUdevice dev);
    CUresult (*DeviceGetAttribute)(int *value, CUdevice_attribute attr, CUdevice dev);
    CUresult (*DeviceTotalMem)(size_t *bytes, CUdevice dev);             /* _v2 */
    CUresult (*DevicePrimaryCtxRetain)(CUcontext *ctx, CUdevice dev);
    CUresult (*DevicePrimaryCtxRelease)(CUdevice dev);                   /* _v2 */
    CUresult (*CtxPushCurrent)(CUcontext ctx);                           /* _v2 */
    CUresult (*CtxPopCurrent)(CUcontext *ctx);                           /* _v2 */
    CUresult (*StreamCreate)(CUstream *stream, unsigned int flags);
    CUresult (*StreamDestroy)(CUstream stream);                          /* _v2 */
    CUresult (*StreamSynchronize)(CUstream stream);
    CUresult (*MemAlloc)(CUdeviceptr *ptr, size_t bytes);                /* _v2 */
    CUresult (*MemFree)(CUdeviceptr ptr);                                /* _v2 */
    CUresult (*MemcpyHtoDAsync)(CUdeviceptr dst, const void *src, size_t n, CUstream s); /* _v2 */
    CUresult (*MemcpyDtoHAsync)(void *dst, CUdeviceptr src, size_t n, CUstream s);       /* _v2 */
    CUresult (*MemcpyDtoDAsync)(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s); /* _v2 */
    CUresult (*MemsetD8Async)(CUdeviceptr dst, unsigned char v, size_t n, CUstream s);
    CUresult (*MemsetD16Async)(CUdeviceptr dst, unsigned short v, size_t n, CUstream s);
    CUresult (*MemsetD32Async)(CUdeviceptr dst, unsigned int v, size_t n, CUstream s);
    CUresult (*ModuleLoadDataEx)(CUmodule *mod, const void *image, unsigned int nopts,
                                 CUjit_option *opts, void **values);
    CUresult (*ModuleUnload)(CUmodule mod);
    CUresult (*ModuleGetFunction)(CUfunction *fn, CUmodule mod, const char *name);
    CUresult (*LaunchKernel)(CUfunction fn, unsigned int gx, unsigned int gy, unsigned int gz,
                             unsigned int bx, unsigned int by, unsigned int bz,
                             unsigned int shared_bytes, CUstream stream, void **params,
                             void **extra);
    /* Optional (NULL when the driver lacks them). */
    CUresult (*GetErrorName)(CUresult err, const char **name);
    CUresult (*GetErrorString)(CUresult err, const char **text);
    CUresult (*FuncGetParamInfo)(CUfunction fn, size_t index, size_t *offset, size_t *size);
} nda_cu_driver;

/* One CUDA device. Attributes are read by init; the primary context and the
 * stream are created lazily on first use (under `lock`) and released by
 * shutdown, so importing the library does not create contexts. */
typedef struct nda_cu_device {
    CUdevice id;
    int index;
    char name[256];
    int cc_major, cc_minor;
    int sm_count;
    int max_threads;          /* per block */
    size_t total_mem;
    char arch[32];            /* NVRTC --gpu-architecture value: sm_XY or compute_XY */
    int cubin;                /* 1: programs are CUBIN for `arch`; 0: PTX */
    char arch_why[256];       /* why arch is empty (device too old for NVRTC) */
    pthread_mutex_t lock;     /* guards ctx/stream creation */
    CUcontext ctx;            /* retained primary context; NULL until first use */
    CUstream stream;          /* non-blocking; NULL until first use */
} nda_cu_device;

/* A device buffer handle: the allocation and its size (for bounds checks). */
typedef struct nda_cu_buffer {
    CUdeviceptr ptr;
    size_t size;
    int foreign; /* buffer_wrap: another library owns ptr; never cuMemFree'd */
} nda_cu_buffer;

/* A kernel handle: the function and, when the driver can tell
 * (cuFuncGetParamInfo, CUDA 12.4+), its parameter sizes, so that launch
 * rejects an argument list that does not match instead of letting the
 * driver read past it. */
#define NDA_CU_MAX_PARAMS 64
typedef struct nda_cu_kernel {
    CUfunction fn;
    int nparams; /* -1: unknown */
    unsigned short sizes[NDA_CU_MAX_PARAMS];
    char name[128];
} nda_cu_kernel;

/* ---- cuda_errors.c (messages go out through nda_plugin_error_set) ---- */

/* Name of a CUresult, e.g. "CUDA_ERROR_INVALID_VALUE"; never NULL. */
NDA_CU_HIDDEN const char *nda_cu_result_name(CUresult err);
/* NDA_ENOMEM for out-of-memory results, NDA_EBACKEND otherwise. */
NDA_CU_HIDDEN int nda_cu_result_code(CUresult err);
/* Reports a failed driver call: "<call> failed: <NAME> (<err>)", naming the
 * device when the code is NDA_ENOMEM. `d` may be NULL. Returns the code. */
NDA_CU_HIDDEN int nda_cu_error_cu(CUresult err, const char *call, const nda_cu_device *d);

/* ---- cuda_loader.c ---- */

/* Loads libcuda and resolves the table (once; later calls return the same
 * table). NULL on failure with the reason in why[len], e.g.
 * "libcuda.so.1: cannot open shared object file: No such file or directory";
 * the next call tries again. The toolkit's stub library (lib64/stubs) is
 * never accepted. */
NDA_CU_HIDDEN const nda_cu_driver *nda_cu_driver_load(char *why, size_t len);
/* Forgets and unloads a library that turned out to be unusable (cuInit
 * answered CUDA_ERROR_STUB_LIBRARY). Only before any context exists. */
NDA_CU_HIDDEN void nda_cu_driver_unload(void);
/* The table loaded by nda_cu_driver_load, or NULL. */
NDA_CU_HIDDEN const nda_cu_driver *nda_cu_drv(void);

/* ---- cuda_device.c ---- */

NDA_CU_HIDDEN int nda_cu_backend_init(const nda_host_api *host);
NDA_CU_HIDDEN void nda_cu_backend_shutdown(void);
NDA_CU_HIDDEN int nda_cu_device_count(int *count);
NDA_CU_HIDDEN int nda_cu_device_info(int dev, nda_device_info *info);
NDA_CU_HIDDEN int nda_cu_device_cache_tag(int dev, char *buf, size_t len);
/* NVRTC as loaded by init (never NULL after a successful init). */
NDA_CU_HIDDEN const nda_nvrtc *nda_cu_nvrtc(void);
/* Validates `dev` and returns the device without creating its context. */
NDA_CU_HIDDEN int nda_cu_device_lookup(int dev, nda_cu_device **out);
/* lookup + lazy open (primary context, stream) + push the context on the
 * calling thread. On NDA_OK the caller must call nda_cu_device_leave. */
NDA_CU_HIDDEN int nda_cu_device_enter(int dev, nda_cu_device **out);
NDA_CU_HIDDEN void nda_cu_device_leave(nda_cu_device *d);
/* Registers a hook run by shutdown before contexts are released (the
 * cuBLAS/cuFFT adapters destroy their handles there). */
NDA_CU_HIDDEN void nda_cu_shutdown_hook_set(int slot, void (*fn)(void));

/* ---- cublas_adapter.c ---- */

/* The gemm member (backend.h) through cuBLAS's strided-batched GEMMs on the
 * device stream; NDA_ENODEV when cuBLAS is missing. */
NDA_CU_HIDDEN int nda_cu_gemm(int dev, const nda_gemm_desc *g);

/* ---- cufft_adapter.c ---- */

/* The fft member (backend.h) through cuFFT, plans cached per (device, n,
 * batch, precision) and run on the device stream; NDA_ENODEV when cuFFT is
 * missing. */
NDA_CU_HIDDEN int nda_cu_fft(int dev, const nda_fft_desc *f);

/* ---- cusolver_adapter.c ---- */

/* The solver member (backend.h) through cuSOLVER's dense API on the device
 * stream (a loop over the batch, one cached workspace per device);
 * NDA_ENODEV when cuSOLVER is missing ($NDACCEL_CUSOLVER_LIBRARY names the
 * library file to use instead of the toolkit's). Shutdown hook slot 2. */
NDA_CU_HIDDEN int nda_cu_solver(int dev, const nda_solver_desc *s);

/* ---- cuda_program.c ---- */

/* The options every program is compiled with besides the architecture, as
 * text for the cache tag. */
NDA_CU_HIDDEN extern const char nda_cu_default_options_tag[];

NDA_CU_HIDDEN int nda_cu_program_build(int dev, const char *source, const char *options,
                                       void **program, char **log);
NDA_CU_HIDDEN int nda_cu_program_binary(int dev, void *program, void **binary, size_t *nbytes);
NDA_CU_HIDDEN int nda_cu_program_load(int dev, const void *binary, size_t nbytes,
                                      void **program);
NDA_CU_HIDDEN void nda_cu_program_free(int dev, void *program);
NDA_CU_HIDDEN int nda_cu_kernel_get(int dev, void *program, const char *name, void **kernel);
NDA_CU_HIDDEN void nda_cu_kernel_free(int dev, void *kernel);

#endif

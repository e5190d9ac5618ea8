/* Private declarations shared by the OpenCL backend's translation units.
 *
 * Nothing here is exported from the plugin: every declaration carries
 * NDA_OCL_HIDDEN, so the shared object exports only nda_backend_entry even
 * when built without -fvisibility=hidden. */
#ifndef NDA_OPENCL_INTERNAL_H
#define NDA_OPENCL_INTERNAL_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include <pthread.h>
#include <stddef.h>

#include "backends/common/plugin_error.h"
#include "nda/backend.h"
#include "nda/error.h"

#define NDA_OCL_HIDDEN __attribute__((visibility("hidden")))

/* One enumerated device. Created by init; context and queue are created
 * lazily on first use (under `lock`) and released by shutdown. */
typedef struct nda_ocl_device {
    cl_platform_id platform;
    cl_device_id id;
    char name[256];          /* CL_DEVICE_NAME, cached for error messages */
    pthread_mutex_t lock;    /* guards ctx/queue creation and launches */
    cl_context ctx;          /* NULL until first use */
    cl_command_queue queue;  /* in-order, no profiling; NULL until first use */
    /* Set with the queue: a CPU device with host-unified memory, whose
     * buffers are host memory the plugin allocates itself (host_align-
     * aligned, CL_MEM_USE_HOST_PTR), so their host address is known
     * without mapping and host copies are memcpy. */
    int host_memory;
    size_t host_align;
    cl_ulong max_alloc;  /* CL_DEVICE_MAX_MEM_ALLOC_SIZE */
} nda_ocl_device;

/* ---- opencl_errors.c (messages go out through nda_plugin_error_set) ---- */

/* Name of a CL status code, e.g. "CL_INVALID_VALUE"; never NULL (static). */
NDA_OCL_HIDDEN const char *nda_ocl_error_name(cl_int err);
/* NDA_ENOMEM for the CL codes that mean "out of device/host memory",
 * NDA_EBACKEND for everything else. */
NDA_OCL_HIDDEN int nda_ocl_error_code(cl_int err);
/* Reports a failed CL call: "<call> failed: <NAME> (<err>)", with the device
 * named when the code maps to NDA_ENOMEM. `d` may be NULL. Returns the NDA
 * code from nda_ocl_error_code. */
NDA_OCL_HIDDEN int nda_ocl_error_cl(cl_int err, const char *call, const nda_ocl_device *d);

/* ---- opencl_device.c ---- */

NDA_OCL_HIDDEN int nda_ocl_backend_init(const nda_host_api *host);
NDA_OCL_HIDDEN void nda_ocl_backend_shutdown(void);
NDA_OCL_HIDDEN int nda_ocl_device_count(int *count);
NDA_OCL_HIDDEN int nda_ocl_device_info(int dev, nda_device_info *info);
NDA_OCL_HIDDEN int nda_ocl_device_cache_tag(int dev, char *buf, size_t len);
/* Validates `dev` and returns the device without touching ctx/queue. */
NDA_OCL_HIDDEN int nda_ocl_device_lookup(int dev, nda_ocl_device **out);
/* Creates ctx and queue if absent. Caller holds d->lock. */
NDA_OCL_HIDDEN int nda_ocl_device_open_locked(nda_ocl_device *d);
/* lookup + open under the lock: on NDA_OK, (*out)->ctx and ->queue are valid
 * until shutdown. */
NDA_OCL_HIDDEN int nda_ocl_device_get(int dev, nda_ocl_device **out);

/* ---- opencl_program.c ---- */

NDA_OCL_HIDDEN int nda_ocl_program_build(int dev, const char *source, const char *options,
                                         void **program, char **log);
NDA_OCL_HIDDEN int nda_ocl_program_binary(int dev, void *program, void **binary,
                                          size_t *nbytes);
NDA_OCL_HIDDEN int nda_ocl_program_load(int dev, const void *binary, size_t nbytes,
                                        void **program);
NDA_OCL_HIDDEN void nda_ocl_program_free(int dev, void *program);
NDA_OCL_HIDDEN int nda_ocl_kernel_get(int dev, void *program, const char *name, void **kernel);
NDA_OCL_HIDDEN void nda_ocl_kernel_free(int dev, void *kernel);

/* ---- opencl_blas.c ---- */

/* The gemm member (backend.h) through CLBlast, loaded on first use:
 * NDA_ENODEV when libclblast is missing, NDA_ENOTIMPL for float16/float64
 * on a device without cl_khr_fp16/cl_khr_fp64. */
NDA_OCL_HIDDEN int nda_ocl_gemm(int dev, const nda_gemm_desc *g);

/* ---- opencl_fft.c ---- */

/* The fft member (backend.h) through VkFFT, plans cached per device and
 * size: NDA_ENODEV when the plugin was built without vkFFT.h, NDA_ENOTIMPL
 * for complex128 on a device without fp64. */
NDA_OCL_HIDDEN int nda_ocl_fft(int dev, const nda_fft_desc *f);
/* Frees every cached plan (called by shutdown before contexts go). */
NDA_OCL_HIDDEN void nda_ocl_fft_shutdown(void);

#endif

/* Driver and NVRTC loading, device enumeration, lazy per-device primary
 * context and stream, device queries (info, cache tag), shutdown. */
#include "backends/cuda/cuda_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDA_CU_HOOKS 4

/* Every device, in driver order; owned by this file, created by init and
 * freed by shutdown. */
static nda_cu_device *nda_cu_devices;
static int nda_cu_ndevices;
static int nda_cu_driver_version; /* cuDriverGetVersion, e.g. 13000 */
static const nda_nvrtc *nda_cu_nvrtc_lib;
static void (*nda_cu_hooks[NDA_CU_HOOKS])(void);

const nda_nvrtc *nda_cu_nvrtc(void) { return nda_cu_nvrtc_lib; }

void nda_cu_shutdown_hook_set(int slot, void (*fn)(void))
{
    if (slot >= 0 && slot < NDA_CU_HOOKS)
        nda_cu_hooks[slot] = fn;
}

/* ---- init / shutdown ---- */

static int nda_cu_attr(const nda_cu_driver *drv, nda_cu_device *d, CUdevice_attribute a, int *v)
{
    CUresult r = drv->DeviceGetAttribute(v, a, d->id);
    return r == CUDA_SUCCESS ? NDA_OK : nda_cu_error_cu(r, "cuDeviceGetAttribute", NULL);
}

/* Reads everything about device `i` that needs no context. */
static int nda_cu_device_probe(const nda_cu_driver *drv, const nda_nvrtc *nv, int i,
                               nda_cu_device *d)
{
    CUresult r;
    int rc;

    memset(d, 0, sizeof *d);
    d->index = i;
    if ((r = drv->DeviceGet(&d->id, i)) != CUDA_SUCCESS)
        return nda_cu_error_cu(r, "cuDeviceGet", NULL);
    if ((r = drv->DeviceGetName(d->name, (int)sizeof d->name - 1, d->id)) != CUDA_SUCCESS)
        return nda_cu_error_cu(r, "cuDeviceGetName", NULL);
    if ((r = drv->DeviceTotalMem(&d->total_mem, d->id)) != CUDA_SUCCESS)
        return nda_cu_error_cu(r, "cuDeviceTotalMem", NULL);
    if ((rc = nda_cu_attr(drv, d, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, &d->cc_major)) ||
        (rc = nda_cu_attr(drv, d, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, &d->cc_minor)) ||
        (rc = nda_cu_attr(drv, d, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, &d->sm_count)) ||
        (rc = nda_cu_attr(drv, d, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, &d->max_threads)))
        return rc;
    /* A device this NVRTC cannot target keeps arch empty: memory works,
     * program_build reports why. */
    if (nda_nvrtc_target(nv, d->cc_major, d->cc_minor, d->arch, sizeof d->arch, &d->cubin,
                         d->arch_why, sizeof d->arch_why) != NDA_OK)
        d->arch[0] = '\0';
    pthread_mutex_init(&d->lock, NULL);
    return NDA_OK;
}

int nda_cu_backend_init(const nda_host_api *host)
{
    const nda_cu_driver *drv;
    const nda_nvrtc *nv;
    nda_cu_device *devs;
    char why[2048];
    CUresult r;
    int count = 0, version = 0, ok = 0;

    nda_plugin_host_set(host);
    if (nda_cu_devices != NULL)
        return NDA_OK; /* already initialised */
    why[0] = '\0';
    drv = nda_cu_driver_load(why, sizeof why);
    if (drv == NULL)
        return nda_plugin_error_set(NDA_ENODEV, "no CUDA driver (%s)", why);
    r = drv->Init(0);
    if (r == CUDA_ERROR_STUB_LIBRARY) {
        /* A stub that slipped past the path check (copied or renamed). */
        nda_plugin_error_set(
            NDA_ENODEV,
            "no CUDA driver (%s is the CUDA toolkit's stub library: cuInit failed: "
            "%s (%d))",
            drv->path, nda_cu_result_name(r), (int)r);
        nda_cu_driver_unload();
        return NDA_ENODEV;
    }
    if (r != CUDA_SUCCESS)
        return nda_plugin_error_set(
            NDA_ENODEV, "CUDA driver %s could not be initialised: cuInit failed: %s (%d)",
            drv->path, nda_cu_result_name(r), (int)r);
    if ((r = drv->DriverGetVersion(&version)) != CUDA_SUCCESS) {
        nda_cu_error_cu(r, "cuDriverGetVersion", NULL);
        return NDA_ENODEV;
    }
    if ((r = drv->DeviceGetCount(&count)) != CUDA_SUCCESS)
        return nda_plugin_error_set(
            NDA_ENODEV, "CUDA driver %d.%d: cuDeviceGetCount failed: %s (%d)", version / 1000,
            version % 1000 / 10, nda_cu_result_name(r), (int)r);
    if (count <= 0)
        return nda_plugin_error_set(NDA_ENODEV, "CUDA driver %d.%d found but no CUDA device",
                                    version / 1000, version % 1000 / 10);
    nv = nda_nvrtc_load(why, sizeof why);
    if (nv == NULL)
        return nda_plugin_error_set(NDA_ENODEV, "CUDA driver %d.%d and %d device(s) found, but %s",
                                    version / 1000, version % 1000 / 10, count, why);
    devs = calloc((size_t)count, sizeof *devs);
    if (devs == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "out of host memory listing CUDA devices");
    for (ok = 0; ok < count; ok++) {
        int rc = nda_cu_device_probe(drv, nv, ok, &devs[ok]);
        if (rc != NDA_OK) {
            for (int j = 0; j < ok; j++)
                pthread_mutex_destroy(&devs[j].lock);
            free(devs);
            return NDA_ENODEV;
        }
    }
    nda_cu_driver_version = version;
    nda_cu_nvrtc_lib = nv;
    nda_cu_ndevices = count;
    nda_cu_devices = devs;
    return NDA_OK;
}

void nda_cu_backend_shutdown(void)
{
    const nda_cu_driver *drv = nda_cu_drv();
    CUcontext popped;

    if (nda_cu_devices == NULL)
        return;
    for (int i = 0; i < NDA_CU_HOOKS; i++)
        if (nda_cu_hooks[i] != NULL)
            nda_cu_hooks[i]();
    for (int i = 0; i < nda_cu_ndevices; i++) {
        nda_cu_device *d = &nda_cu_devices[i];
        if (d->ctx != NULL && drv->CtxPushCurrent(d->ctx) == CUDA_SUCCESS) {
            if (d->stream != NULL) {
                drv->StreamSynchronize(d->stream);
                drv->StreamDestroy(d->stream);
            }
            drv->CtxPopCurrent(&popped);
        }
        if (d->ctx != NULL)
            drv->DevicePrimaryCtxRelease(d->id);
        pthread_mutex_destroy(&d->lock);
    }
    free(nda_cu_devices);
    nda_cu_devices = NULL;
    nda_cu_ndevices = 0;
}

/* ---- device access ---- */

int nda_cu_device_lookup(int dev, nda_cu_device **out)
{
    *out = NULL;
    if (nda_cu_devices == NULL)
        return nda_plugin_error_set(NDA_ENODEV, "CUDA backend is not initialised");
    if (dev < 0 || dev >= nda_cu_ndevices)
        return nda_plugin_error_set(NDA_ENODEV, "no CUDA device %d (%d available)", dev,
                                    nda_cu_ndevices);
    *out = &nda_cu_devices[dev];
    return NDA_OK;
}

/* Retains the primary context and creates the stream if absent. Caller
 * holds d->lock. */
static int nda_cu_device_open_locked(nda_cu_device *d)
{
    const nda_cu_driver *drv = nda_cu_drv();
    CUcontext popped;
    CUresult r;

    if (d->stream != NULL)
        return NDA_OK;
    if (d->ctx == NULL) {
        r = drv->DevicePrimaryCtxRetain(&d->ctx, d->id);
        if (r != CUDA_SUCCESS) {
            d->ctx = NULL;
            return nda_cu_error_cu(r, "cuDevicePrimaryCtxRetain", d);
        }
    }
    if ((r = drv->CtxPushCurrent(d->ctx)) != CUDA_SUCCESS)
        return nda_cu_error_cu(r, "cuCtxPushCurrent", d);
    r = drv->StreamCreate(&d->stream, CU_STREAM_NON_BLOCKING);
    drv->CtxPopCurrent(&popped);
    if (r != CUDA_SUCCESS) {
        d->stream = NULL; /* ctx is kept and reused by the next attempt */
        return nda_cu_error_cu(r, "cuStreamCreate", d);
    }
    return NDA_OK;
}

int nda_cu_device_enter(int dev, nda_cu_device **out)
{
    nda_cu_device *d;
    CUresult r;
    int rc = nda_cu_device_lookup(dev, &d);

    *out = NULL;
    if (rc != NDA_OK)
        return rc;
    pthread_mutex_lock(&d->lock);
    rc = nda_cu_device_open_locked(d);
    pthread_mutex_unlock(&d->lock);
    if (rc != NDA_OK)
        return rc;
    /* Push/pop rather than cuCtxSetCurrent: the caller's own current
     * context (another CUDA library's) is left as it was. */
    if ((r = nda_cu_drv()->CtxPushCurrent(d->ctx)) != CUDA_SUCCESS)
        return nda_cu_error_cu(r, "cuCtxPushCurrent", d);
    *out = d;
    return NDA_OK;
}

void nda_cu_device_leave(nda_cu_device *d)
{
    CUcontext popped;

    if (d != NULL)
        nda_cu_drv()->CtxPopCurrent(&popped);
}

int nda_cu_device_count(int *count)
{
    *count = nda_cu_ndevices;
    return NDA_OK;
}

/* ---- queries ---- */

int nda_cu_device_info(int dev, nda_device_info *info)
{
    nda_cu_device *d;
    const nda_nvrtc *nv = nda_cu_nvrtc_lib;
    int rc = nda_cu_device_lookup(dev, &d);

    if (rc != NDA_OK)
        return rc;
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%s", d->name);
    snprintf(info->vendor, sizeof info->vendor, "NVIDIA Corporation");
    snprintf(info->driver_version, sizeof info->driver_version, "%d.%d",
             nda_cu_driver_version / 1000, nda_cu_driver_version % 1000 / 10);
    snprintf(info->platform, sizeof info->platform,
             "CUDA %d.%d driver, NVRTC %d.%d, compute capability %d.%d (%s)",
             nda_cu_driver_version / 1000, nda_cu_driver_version % 1000 / 10, nv->major,
             nv->minor, d->cc_major, d->cc_minor, d->arch[0] ? d->arch : "no NVRTC target");
    info->is_gpu = 1;
    info->has_fp64 = 1;
    info->has_fp16 = d->cc_major > 5 || (d->cc_major == 5 && d->cc_minor >= 3);
    info->global_mem_bytes = d->total_mem;
    info->max_alloc_bytes = d->total_mem;
    info->max_work_group_size = (size_t)d->max_threads;
    info->compute_units = d->sm_count;
    return NDA_OK;
}

int nda_cu_device_cache_tag(int dev, char *buf, size_t len)
{
    nda_cu_device *d;
    const nda_nvrtc *nv = nda_cu_nvrtc_lib;
    int n, rc = nda_cu_device_lookup(dev, &d);

    if (rc != NDA_OK)
        return rc;
    n = snprintf(buf, len, "cuda|%s|sm_%d%d|driver %d.%d|nvrtc %d.%d|%s", d->name, d->cc_major,
                 d->cc_minor, nda_cu_driver_version / 1000, nda_cu_driver_version % 1000 / 10,
                 nv->major, nv->minor, nda_cu_default_options_tag);
    if (n < 0 || (size_t)n >= len)
        return nda_plugin_error_set(NDA_EVALUE, "cache tag buffer too small (%zu bytes, need %d)",
                                    len, n + 1);
    return NDA_OK;
}

/* Platform/device enumeration, lazy per-device context and queue, device
 * queries (info, cache tag), shutdown. */
#include "opencl_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CL_PLATFORM_NOT_FOUND_KHR
#define CL_PLATFORM_NOT_FOUND_KHR -1001
#endif

/* Every device of every platform, in platform order; owned by this file,
 * created by init and freed by shutdown. */
static nda_ocl_device *nda_ocl_devices;
static int nda_ocl_ndevices;

/* ---- string queries (malloc'd results, caller frees) ---- */

static cl_int nda_ocl_platform_str_get(cl_platform_id p, cl_platform_info param, char **out)
{
    size_t n = 0;
    cl_int err = clGetPlatformInfo(p, param, 0, NULL, &n);
    char *s;

    *out = NULL;
    if (err != CL_SUCCESS)
        return err;
    s = malloc(n + 1);
    if (s == NULL)
        return CL_OUT_OF_HOST_MEMORY;
    err = clGetPlatformInfo(p, param, n, s, NULL);
    if (err != CL_SUCCESS) {
        free(s);
        return err;
    }
    s[n] = '\0';
    *out = s;
    return CL_SUCCESS;
}

static cl_int nda_ocl_device_str_get(cl_device_id d, cl_device_info param, char **out)
{
    size_t n = 0;
    cl_int err = clGetDeviceInfo(d, param, 0, NULL, &n);
    char *s;

    *out = NULL;
    if (err != CL_SUCCESS)
        return err;
    s = malloc(n + 1);
    if (s == NULL)
        return CL_OUT_OF_HOST_MEMORY;
    err = clGetDeviceInfo(d, param, n, s, NULL);
    if (err != CL_SUCCESS) {
        free(s);
        return err;
    }
    s[n] = '\0';
    *out = s;
    return CL_SUCCESS;
}

/* Copies a device string into dst[cap], truncating; "" on failure. */
static cl_int nda_ocl_device_str_copy(cl_device_id d, cl_device_info param, char *dst,
                                      size_t cap)
{
    char *s = NULL;
    cl_int err = nda_ocl_device_str_get(d, param, &s);

    dst[0] = '\0';
    if (err == CL_SUCCESS)
        snprintf(dst, cap, "%s", s);
    free(s);
    return err;
}

/* 1 if the space-separated extension list `exts` contains `want`. */
static int nda_ocl_extension_has(const char *exts, const char *want)
{
    size_t wn = strlen(want);
    const char *p = exts;

    while (p != NULL && *p != '\0') {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == wn && strncmp(p, want, wn) == 0)
            return 1;
        p += n;
    }
    return 0;
}

/* ---- init / shutdown ---- */

/* Appends the devices of platform `p` to `*devs` (grown with realloc).
 * A platform without devices contributes nothing and is not an error. */
static cl_int nda_ocl_platform_devices_add(cl_platform_id p, nda_ocl_device **devs, int *n)
{
    cl_uint count = 0;
    cl_device_id *ids = NULL;
    nda_ocl_device *grown;
    cl_int err = clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, NULL, &count);

    if (err == CL_DEVICE_NOT_FOUND || (err == CL_SUCCESS && count == 0))
        return CL_SUCCESS;
    if (err != CL_SUCCESS)
        return err;
    ids = malloc(count * sizeof *ids);
    grown = realloc(*devs, ((size_t)*n + count) * sizeof **devs);
    if (grown != NULL)
        *devs = grown;
    if (ids == NULL || grown == NULL) {
        err = CL_OUT_OF_HOST_MEMORY;
        goto out;
    }
    err = clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, count, ids, NULL);
    if (err != CL_SUCCESS)
        goto out;
    for (cl_uint i = 0; i < count; i++) {
        nda_ocl_device *d = &(*devs)[*n];
        memset(d, 0, sizeof *d);
        d->platform = p;
        d->id = ids[i];
        nda_ocl_device_str_copy(ids[i], CL_DEVICE_NAME, d->name, sizeof d->name);
        pthread_mutex_init(&d->lock, NULL);
        (*n)++;
    }
out:
    free(ids);
    return err;
}

int nda_ocl_backend_init(const nda_host_api *host)
{
    cl_uint nplat = 0;
    cl_platform_id *plats = NULL;
    nda_ocl_device *devs = NULL;
    int ndev = 0, rc = NDA_OK;
    cl_int err, last_err = CL_SUCCESS;

    nda_plugin_host_set(host);
    if (nda_ocl_devices != NULL)
        return NDA_OK; /* already initialised */
    err = clGetPlatformIDs(0, NULL, &nplat);
    if (err == CL_PLATFORM_NOT_FOUND_KHR || (err == CL_SUCCESS && nplat == 0))
        return nda_plugin_error_set(NDA_ENODEV, "no OpenCL platform found (is an ICD installed? "
                                             "e.g. pocl-opencl-icd)");
    if (err != CL_SUCCESS) {
        nda_ocl_error_cl(err, "clGetPlatformIDs", NULL);
        return NDA_ENODEV;
    }
    plats = malloc(nplat * sizeof *plats);
    if (plats == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "out of host memory listing OpenCL platforms");
    err = clGetPlatformIDs(nplat, plats, NULL);
    if (err != CL_SUCCESS) {
        nda_ocl_error_cl(err, "clGetPlatformIDs", NULL);
        rc = NDA_ENODEV;
        goto out;
    }
    /* A broken platform must not hide the devices of the others. */
    for (cl_uint i = 0; i < nplat; i++) {
        err = nda_ocl_platform_devices_add(plats[i], &devs, &ndev);
        if (err != CL_SUCCESS)
            last_err = err;
    }
    if (ndev == 0) {
        if (last_err != CL_SUCCESS)
            nda_plugin_error_set(NDA_ENODEV,
                                 "no OpenCL device found: clGetDeviceIDs failed: %s (%d)",
                                 nda_ocl_error_name(last_err), (int)last_err);
        else
            nda_plugin_error_set(NDA_ENODEV, "no OpenCL device found on %u platform(s)",
                                 (unsigned)nplat);
        rc = NDA_ENODEV;
        goto out;
    }
    nda_ocl_devices = devs;
    nda_ocl_ndevices = ndev;
    devs = NULL;
out:
    free(devs);
    free(plats);
    return rc;
}

void nda_ocl_backend_shutdown(void)
{
    nda_ocl_fft_shutdown(); /* plans hold kernels of the contexts */
    for (int i = 0; i < nda_ocl_ndevices; i++) {
        nda_ocl_device *d = &nda_ocl_devices[i];
        if (d->queue != NULL) {
            clFinish(d->queue);
            clReleaseCommandQueue(d->queue);
        }
        if (d->ctx != NULL)
            clReleaseContext(d->ctx);
        pthread_mutex_destroy(&d->lock);
    }
    free(nda_ocl_devices);
    nda_ocl_devices = NULL;
    nda_ocl_ndevices = 0;
}

/* ---- device access ---- */

int nda_ocl_device_lookup(int dev, nda_ocl_device **out)
{
    *out = NULL;
    if (nda_ocl_devices == NULL)
        return nda_plugin_error_set(NDA_ENODEV, "OpenCL backend is not initialised");
    if (dev < 0 || dev >= nda_ocl_ndevices)
        return nda_plugin_error_set(NDA_ENODEV, "no OpenCL device %d (%d available)", dev,
                                    nda_ocl_ndevices);
    *out = &nda_ocl_devices[dev];
    return NDA_OK;
}

/* Whether d's buffers may be host memory of the plugin's own (see
 * nda_ocl_device.host_memory), and the alignment they need for the
 * device to use that memory as its storage. */
static cl_int nda_ocl_host_memory_query(nda_ocl_device *d)
{
    cl_device_type type = 0;
    cl_bool unified = CL_FALSE;
    cl_uint align_bits = 0;
    cl_int err = clGetDeviceInfo(d->id, CL_DEVICE_TYPE, sizeof type, &type, NULL);

    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(d->id, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified,
                              NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(d->id, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits,
                              &align_bits, NULL);
    if (err == CL_SUCCESS)
        err = clGetDeviceInfo(d->id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof d->max_alloc,
                              &d->max_alloc, NULL);
    if (err != CL_SUCCESS)
        return err;
    d->host_memory = (type & CL_DEVICE_TYPE_CPU) != 0 && unified;
    d->host_align = align_bits / 8 > 128 ? align_bits / 8 : 128;
    return CL_SUCCESS;
}

int nda_ocl_device_open_locked(nda_ocl_device *d)
{
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)d->platform,
                                     0};
    cl_int err = CL_SUCCESS;

    if (d->queue != NULL)
        return NDA_OK;
    if (d->ctx == NULL) {
        d->ctx = clCreateContext(props, 1, &d->id, NULL, NULL, &err);
        if (d->ctx == NULL || err != CL_SUCCESS) {
            d->ctx = NULL;
            return nda_ocl_error_cl(err, "clCreateContext", d);
        }
    }
    if ((err = nda_ocl_host_memory_query(d)) != CL_SUCCESS)
        return nda_ocl_error_cl(err, "clGetDeviceInfo", d);
    d->queue = clCreateCommandQueue(d->ctx, d->id, 0, &err);
    if (d->queue == NULL || err != CL_SUCCESS) {
        d->queue = NULL; /* ctx is kept and reused by the next attempt */
        return nda_ocl_error_cl(err, "clCreateCommandQueue", d);
    }
    return NDA_OK;
}

int nda_ocl_device_get(int dev, nda_ocl_device **out)
{
    nda_ocl_device *d;
    int rc = nda_ocl_device_lookup(dev, &d);

    *out = NULL;
    if (rc != NDA_OK)
        return rc;
    pthread_mutex_lock(&d->lock);
    rc = nda_ocl_device_open_locked(d);
    pthread_mutex_unlock(&d->lock);
    if (rc == NDA_OK)
        *out = d;
    return rc;
}

int nda_ocl_device_count(int *count)
{
    *count = nda_ocl_ndevices;
    return NDA_OK;
}

/* ---- queries ---- */

static int nda_ocl_device_query(const nda_ocl_device *d, cl_device_info param, void *dst,
                                size_t n)
{
    cl_int err = clGetDeviceInfo(d->id, param, n, dst, NULL);
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clGetDeviceInfo", NULL);
}

/* Fills info->platform with "<platform name> <platform version>". */
static int nda_ocl_platform_describe(const nda_ocl_device *d, nda_device_info *info)
{
    char *name = NULL, *version = NULL;
    cl_int err = nda_ocl_platform_str_get(d->platform, CL_PLATFORM_NAME, &name);
    int rc = NDA_OK;

    if (err == CL_SUCCESS)
        err = nda_ocl_platform_str_get(d->platform, CL_PLATFORM_VERSION, &version);
    if (err != CL_SUCCESS)
        rc = nda_ocl_error_cl(err, "clGetPlatformInfo", NULL);
    else
        snprintf(info->platform, sizeof info->platform, "%s %s", name, version);
    free(name);
    free(version);
    return rc;
}

/* Sets has_fp64 / has_fp16 from the extension list and the fp64 config. */
static int nda_ocl_device_fp_support(const nda_ocl_device *d, nda_device_info *info)
{
    char *exts = NULL;
    cl_device_fp_config fp64 = 0;
    cl_int err = nda_ocl_device_str_get(d->id, CL_DEVICE_EXTENSIONS, &exts);

    if (err != CL_SUCCESS)
        return nda_ocl_error_cl(err, "clGetDeviceInfo(CL_DEVICE_EXTENSIONS)", NULL);
    /* Devices without fp64 may reject the query: that simply means "none". */
    if (clGetDeviceInfo(d->id, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL) !=
        CL_SUCCESS)
        fp64 = 0;
    info->has_fp64 = fp64 != 0 || nda_ocl_extension_has(exts, "cl_khr_fp64");
    info->has_fp16 = nda_ocl_extension_has(exts, "cl_khr_fp16");
    free(exts);
    return NDA_OK;
}

int nda_ocl_device_info(int dev, nda_device_info *info)
{
    nda_ocl_device *d;
    cl_device_type type = 0;
    cl_ulong gmem = 0, maxalloc = 0;
    cl_uint units = 0;
    size_t wg = 0;
    int rc = nda_ocl_device_lookup(dev, &d);

    if (rc != NDA_OK)
        return rc;
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%s", d->name);
    nda_ocl_device_str_copy(d->id, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    nda_ocl_device_str_copy(d->id, CL_DRIVER_VERSION, info->driver_version,
                            sizeof info->driver_version);
    if ((rc = nda_ocl_platform_describe(d, info)) != NDA_OK ||
        (rc = nda_ocl_device_fp_support(d, info)) != NDA_OK ||
        (rc = nda_ocl_device_query(d, CL_DEVICE_TYPE, &type, sizeof type)) != NDA_OK ||
        (rc = nda_ocl_device_query(d, CL_DEVICE_GLOBAL_MEM_SIZE, &gmem, sizeof gmem)) != NDA_OK ||
        (rc = nda_ocl_device_query(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, &maxalloc,
                                   sizeof maxalloc)) != NDA_OK ||
        (rc = nda_ocl_device_query(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, &wg, sizeof wg)) != NDA_OK ||
        (rc = nda_ocl_device_query(d, CL_DEVICE_MAX_COMPUTE_UNITS, &units, sizeof units)) !=
            NDA_OK)
        return rc;
    info->is_gpu = (type & CL_DEVICE_TYPE_GPU) != 0;
    /* NDACCEL_OPENCL_CPU_FORMS=1 (tests): the device gets the kernel forms
     * of CPU devices (row chunks, vectors, chunked reductions), so that a
     * checking device that says it is a GPU (oclgrind) checks them too. */
    const char *cpu_forms = getenv("NDACCEL_OPENCL_CPU_FORMS");
    if (cpu_forms && strcmp(cpu_forms, "1") == 0)
        info->is_gpu = 0;
    info->global_mem_bytes = gmem;
    info->max_alloc_bytes = maxalloc;
    info->max_work_group_size = wg;
    info->compute_units = (int)units;
    return NDA_OK;
}

int nda_ocl_device_cache_tag(int dev, char *buf, size_t len)
{
    nda_ocl_device *d;
    char *pname = NULL, *pver = NULL, *dver = NULL, *drv = NULL, *clc = NULL;
    cl_int err;
    int n, rc = nda_ocl_device_lookup(dev, &d);

    if (rc != NDA_OK)
        return rc;
    if ((err = nda_ocl_platform_str_get(d->platform, CL_PLATFORM_NAME, &pname)) != CL_SUCCESS ||
        (err = nda_ocl_platform_str_get(d->platform, CL_PLATFORM_VERSION, &pver)) != CL_SUCCESS) {
        rc = nda_ocl_error_cl(err, "clGetPlatformInfo", NULL);
        goto out;
    }
    if ((err = nda_ocl_device_str_get(d->id, CL_DEVICE_VERSION, &dver)) != CL_SUCCESS ||
        (err = nda_ocl_device_str_get(d->id, CL_DRIVER_VERSION, &drv)) != CL_SUCCESS ||
        (err = nda_ocl_device_str_get(d->id, CL_DEVICE_OPENCL_C_VERSION, &clc)) != CL_SUCCESS) {
        rc = nda_ocl_error_cl(err, "clGetDeviceInfo", NULL);
        goto out;
    }
    n = snprintf(buf, len, "opencl|%s|%s|%s|%s|%s|%s", pname, pver, d->name, dver, drv, clc);
    if (n < 0 || (size_t)n >= len)
        rc = nda_plugin_error_set(NDA_EVALUE, "cache tag buffer too small (%zu bytes, need %d)",
                                  len, n + 1);
out:
    free(pname);
    free(pver);
    free(dver);
    free(drv);
    free(clc);
    return rc;
}

/* A fake CUDA driver (test double) for the CUDA plugin tests on machines
 * without a GPU: exactly the driver entry points the plugin resolves,
 * backed by host memory, with one device of compute capability 9.0.
 *
 * It behaves like the driver where the plugin depends on it: allocations
 * are 256-byte aligned and tracked (copies and memsets must stay inside
 * one; cuMemsetD16/D32 need aligned addresses), modules must be a CUBIN
 * (ELF) or PTX, cuModuleGetFunction finds only kernels the image defines,
 * and every call needs a current context (pushed and popped by the
 * plugin). Work runs synchronously. The one kernel it can "run" is the
 * test's k(float *x, float a, unsigned n): x[i] = x[i] * a + 1.
 *
 * nda_fake_cuda_state() reports live allocations, modules and the calling
 * thread's context depth, so the test can check that the plugin frees what
 * it allocates and pops every context it pushes; nda_fake_cuda_range()
 * tells whether a range lies inside a live allocation. */
#define _GNU_SOURCE
#include <cuda.h>

#include <elf.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MEM_BYTES ((size_t)1 << 30)
#define EXPORT __attribute__((visibility("default")))

typedef struct fake_alloc {
    uintptr_t base;
    size_t size;
    struct fake_alloc *next;
} fake_alloc;

struct CUctx_st {
    int dummy;
};
struct CUstream_st {
    int dummy;
};
struct CUfunc_st {
    char name[128];
};
struct CUmod_st {
    unsigned char *image;
    size_t size;
    struct CUfunc_st funcs[8]; /* handed out by cuModuleGetFunction */
    int nfuncs;
};

static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static int fake_inited;
static struct CUctx_st fake_ctx;
static int fake_retained;
static fake_alloc *fake_allocs;
static size_t fake_used;
static long fake_nallocs, fake_nmodules;
static __thread int fake_depth;

EXPORT void nda_fake_cuda_state(long *live_allocs, long *live_modules, int *ctx_depth)
{
    *live_allocs = fake_nallocs;
    *live_modules = fake_nmodules;
    *ctx_depth = fake_depth;
}

/* The allocation holding [p, p + n), or NULL. */
static fake_alloc *fake_find(uintptr_t p, size_t n)
{
    for (fake_alloc *a = fake_allocs; a != NULL; a = a->next)
        if (p >= a->base && p - a->base <= a->size && n <= a->size - (p - a->base))
            return a;
    return NULL;
}

/* 1 when [p, p + n) lies inside one live allocation: lets a fake vendor
 * library (fake_libcusolver.c) check what it is handed. */
EXPORT int nda_fake_cuda_range(CUdeviceptr p, size_t n)
{
    int ok;
    pthread_mutex_lock(&fake_lock);
    ok = fake_find((uintptr_t)p, n) != NULL;
    pthread_mutex_unlock(&fake_lock);
    return ok;
}

static CUresult fake_check(void)
{
    if (!fake_inited)
        return CUDA_ERROR_NOT_INITIALIZED;
    return fake_depth > 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT;
}

static CUresult fake_range(CUdeviceptr p, size_t n)
{
    CUresult r = fake_check();
    if (r != CUDA_SUCCESS)
        return r;
    pthread_mutex_lock(&fake_lock);
    r = fake_find((uintptr_t)p, n) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_unlock(&fake_lock);
    return r;
}

EXPORT CUresult cuInit(unsigned int flags)
{
    if (flags != 0)
        return CUDA_ERROR_INVALID_VALUE;
    fake_inited = 1;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDriverGetVersion(int *v)
{
    *v = 13000;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetCount(int *n)
{
    if (!fake_inited)
        return CUDA_ERROR_NOT_INITIALIZED;
    *n = 1;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGet(CUdevice *d, int ordinal)
{
    if (!fake_inited)
        return CUDA_ERROR_NOT_INITIALIZED;
    if (ordinal != 0)
        return CUDA_ERROR_INVALID_DEVICE;
    *d = 0;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetName(char *name, int len, CUdevice d)
{
    static const char n[] = "NDA Fake GPU (test double)";
    if (d != 0 || len <= 0)
        return CUDA_ERROR_INVALID_VALUE;
    strncpy(name, n, (size_t)len);
    name[len - 1] = '\0';
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetAttribute(int *v, CUdevice_attribute a, CUdevice d)
{
    if (d != 0)
        return CUDA_ERROR_INVALID_DEVICE;
    switch (a) {
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *v = 9; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *v = 0; break;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *v = 4; break;
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *v = 1024; break;
    default: return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceTotalMem(size_t *bytes, CUdevice d)
{
    if (d != 0)
        return CUDA_ERROR_INVALID_DEVICE;
    *bytes = FAKE_MEM_BYTES;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice d)
{
    if (!fake_inited)
        return CUDA_ERROR_NOT_INITIALIZED;
    if (d != 0)
        return CUDA_ERROR_INVALID_DEVICE;
    __atomic_add_fetch(&fake_retained, 1, __ATOMIC_SEQ_CST);
    *ctx = &fake_ctx;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuDevicePrimaryCtxRelease(CUdevice d)
{
    if (d != 0 || __atomic_load_n(&fake_retained, __ATOMIC_SEQ_CST) <= 0)
        return CUDA_ERROR_INVALID_CONTEXT;
    __atomic_sub_fetch(&fake_retained, 1, __ATOMIC_SEQ_CST);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxPushCurrent(CUcontext ctx)
{
    if (ctx != &fake_ctx || __atomic_load_n(&fake_retained, __ATOMIC_SEQ_CST) <= 0)
        return CUDA_ERROR_INVALID_CONTEXT;
    fake_depth++;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxPopCurrent(CUcontext *ctx)
{
    if (fake_depth <= 0)
        return CUDA_ERROR_INVALID_CONTEXT;
    fake_depth--;
    if (ctx != NULL)
        *ctx = &fake_ctx;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamCreate(CUstream *s, unsigned int flags)
{
    CUresult r = fake_check();
    if (r != CUDA_SUCCESS)
        return r;
    if (flags != CU_STREAM_NON_BLOCKING && flags != CU_STREAM_DEFAULT)
        return CUDA_ERROR_INVALID_VALUE;
    *s = calloc(1, sizeof **s);
    return *s ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
}

EXPORT CUresult cuStreamDestroy(CUstream s)
{
    CUresult r = fake_check();
    if (r == CUDA_SUCCESS)
        free(s);
    return r;
}

EXPORT CUresult cuStreamSynchronize(CUstream s)
{
    (void)s;
    return fake_check();
}

EXPORT CUresult cuMemAlloc(CUdeviceptr *p, size_t n)
{
    CUresult r = fake_check();
    fake_alloc *a;
    void *mem;

    if (r != CUDA_SUCCESS)
        return r;
    if (n == 0)
        return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&fake_lock);
    if (n > FAKE_MEM_BYTES - fake_used) {
        pthread_mutex_unlock(&fake_lock);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    a = malloc(sizeof *a);
    mem = aligned_alloc(256, (n + 255) / 256 * 256);
    if (a == NULL || mem == NULL) {
        free(a);
        free(mem);
        pthread_mutex_unlock(&fake_lock);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    memset(mem, 0xA5, n);
    a->base = (uintptr_t)mem;
    a->size = n;
    a->next = fake_allocs;
    fake_allocs = a;
    fake_used += n;
    fake_nallocs++;
    *p = (CUdeviceptr)a->base;
    pthread_mutex_unlock(&fake_lock);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemFree(CUdeviceptr p)
{
    CUresult r = fake_check();
    if (r != CUDA_SUCCESS)
        return r;
    pthread_mutex_lock(&fake_lock);
    for (fake_alloc **pa = &fake_allocs; *pa != NULL; pa = &(*pa)->next) {
        fake_alloc *a = *pa;
        if (a->base == (uintptr_t)p) {
            *pa = a->next;
            fake_used -= a->size;
            fake_nallocs--;
            free((void *)a->base);
            free(a);
            pthread_mutex_unlock(&fake_lock);
            return CUDA_SUCCESS;
        }
    }
    pthread_mutex_unlock(&fake_lock);
    return CUDA_ERROR_INVALID_VALUE;
}

EXPORT CUresult cuMemcpyHtoDAsync(CUdeviceptr dst, const void *src, size_t n, CUstream s)
{
    CUresult r = fake_range(dst, n);
    (void)s;
    if (r == CUDA_SUCCESS)
        memcpy((void *)(uintptr_t)dst, src, n);
    return r;
}

EXPORT CUresult cuMemcpyDtoHAsync(void *dst, CUdeviceptr src, size_t n, CUstream s)
{
    CUresult r = fake_range(src, n);
    (void)s;
    if (r == CUDA_SUCCESS)
        memcpy(dst, (const void *)(uintptr_t)src, n);
    return r;
}

EXPORT CUresult cuMemcpyDtoDAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s)
{
    CUresult r = fake_range(dst, n);
    (void)s;
    if (r == CUDA_SUCCESS)
        r = fake_range(src, n);
    if (r != CUDA_SUCCESS)
        return r;
    /* Like the driver, overlapping ranges are not supported. */
    if (dst < src + n && src < dst + n && dst != src)
        return CUDA_ERROR_INVALID_VALUE;
    memcpy((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, n);
    return CUDA_SUCCESS;
}

static CUresult fake_memset(CUdeviceptr dst, const void *v, size_t esize, size_t count)
{
    CUresult r = fake_range(dst, esize * count);
    if (r != CUDA_SUCCESS)
        return r;
    if (dst % esize != 0)
        return CUDA_ERROR_INVALID_VALUE;
    for (size_t i = 0; i < count; i++)
        memcpy((unsigned char *)(uintptr_t)dst + i * esize, v, esize);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char v, size_t n, CUstream s)
{
    (void)s;
    return fake_memset(dst, &v, 1, n);
}

EXPORT CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short v, size_t n, CUstream s)
{
    (void)s;
    return fake_memset(dst, &v, 2, n);
}

EXPORT CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned int v, size_t n, CUstream s)
{
    (void)s;
    return fake_memset(dst, &v, 4, n);
}

/* Size of a CUBIN (ELF: section headers come last) or PTX image; 0 if the
 * image is neither. */
static size_t fake_image_size(const unsigned char *img)
{
    if (memcmp(img, ELFMAG, SELFMAG) == 0 && img[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr h;
        memcpy(&h, img, sizeof h);
        return (size_t)h.e_shoff + (size_t)h.e_shnum * h.e_shentsize;
    }
    if (strncmp((const char *)img, "//", 2) == 0 || strncmp((const char *)img, ".version", 8) == 0)
        return strlen((const char *)img) + 1;
    return 0;
}

EXPORT CUresult cuModuleLoadDataEx(CUmodule *mod, const void *image, unsigned int nopts,
                                   CUjit_option *opts, void **vals)
{
    CUresult r = fake_check();
    size_t size;
    (void)nopts;
    (void)opts;
    (void)vals;
    if (r != CUDA_SUCCESS)
        return r;
    size = fake_image_size(image);
    if (size == 0)
        return CUDA_ERROR_INVALID_IMAGE;
    *mod = calloc(1, sizeof **mod);
    if (*mod == NULL || ((*mod)->image = malloc(size)) == NULL) {
        free(*mod);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    memcpy((*mod)->image, image, size);
    (*mod)->size = size;
    __atomic_add_fetch(&fake_nmodules, 1, __ATOMIC_SEQ_CST);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleUnload(CUmodule mod)
{
    CUresult r = fake_check();
    if (r != CUDA_SUCCESS)
        return r;
    free(mod->image);
    free(mod);
    __atomic_sub_fetch(&fake_nmodules, 1, __ATOMIC_SEQ_CST);
    return CUDA_SUCCESS;
}

static int fake_image_has(const CUmodule mod, const char *needle, size_t n)
{
    if (n > mod->size)
        return 0;
    for (size_t i = 0; i + n <= mod->size; i++)
        if (memcmp(mod->image + i, needle, n) == 0)
            return 1;
    return 0;
}

EXPORT CUresult cuModuleGetFunction(CUfunction *fn, CUmodule mod, const char *name)
{
    char elf_name[160], ptx_name[160];
    CUresult r = fake_check();

    if (r != CUDA_SUCCESS)
        return r;
    /* CUBIN: section ".text.<name>"; PTX: ".entry <name>(". */
    int ne = snprintf(elf_name, sizeof elf_name, ".text.%s", name);
    int np = snprintf(ptx_name, sizeof ptx_name, ".entry %s(", name);
    if (!fake_image_has(mod, elf_name, (size_t)ne + 1) && !fake_image_has(mod, ptx_name, (size_t)np))
        return CUDA_ERROR_NOT_FOUND;
    /* Owned by the module, as the driver's are. */
    for (int i = 0; i < mod->nfuncs; i++)
        if (strcmp(mod->funcs[i].name, name) == 0) {
            *fn = &mod->funcs[i];
            return CUDA_SUCCESS;
        }
    if (mod->nfuncs == (int)(sizeof mod->funcs / sizeof mod->funcs[0]))
        return CUDA_ERROR_OUT_OF_MEMORY;
    *fn = &mod->funcs[mod->nfuncs++];
    strncpy((*fn)->name, name, sizeof (*fn)->name - 1);
    return CUDA_SUCCESS;
}

EXPORT CUresult cuFuncGetParamInfo(CUfunction fn, size_t index, size_t *offset, size_t *size)
{
    static const size_t k_sizes[] = {8, 4, 4}, k_offsets[] = {0, 8, 12};
    if (strcmp(fn->name, "k") != 0 || index >= 3)
        return CUDA_ERROR_INVALID_VALUE;
    *offset = k_offsets[index];
    if (size != NULL)
        *size = k_sizes[index];
    return CUDA_SUCCESS;
}

EXPORT CUresult cuLaunchKernel(CUfunction fn, unsigned int gx, unsigned int gy, unsigned int gz,
                               unsigned int bx, unsigned int by, unsigned int bz,
                               unsigned int shared, CUstream s, void **params, void **extra)
{
    CUresult r = fake_check();
    (void)s;
    if (r != CUDA_SUCCESS)
        return r;
    if (gx == 0 || gy != 1 || gz != 1 || bx == 0 || bx > 1024 || by != 1 || bz != 1 ||
        shared != 0 || extra != NULL)
        return CUDA_ERROR_INVALID_VALUE;
    if (strcmp(fn->name, "k") != 0)
        return CUDA_ERROR_NOT_SUPPORTED;
    CUdeviceptr x = *(const CUdeviceptr *)params[0];
    float a = *(const float *)params[1];
    unsigned n = *(const unsigned *)params[2];
    size_t threads = (size_t)gx * bx, m = n < threads ? n : threads;
    if (m > 0 && fake_range(x, m * sizeof(float)) != CUDA_SUCCESS)
        return CUDA_ERROR_ILLEGAL_ADDRESS;
    float *p = (float *)(uintptr_t)x;
    for (size_t i = 0; i < m; i++)
        p[i] = p[i] * a + 1;
    return CUDA_SUCCESS;
}

EXPORT CUresult cuGetErrorName(CUresult err, const char **name)
{
    switch (err) {
    case CUDA_SUCCESS: *name = "CUDA_SUCCESS"; break;
    case CUDA_ERROR_INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; break;
    case CUDA_ERROR_OUT_OF_MEMORY: *name = "CUDA_ERROR_OUT_OF_MEMORY"; break;
    case CUDA_ERROR_NOT_INITIALIZED: *name = "CUDA_ERROR_NOT_INITIALIZED"; break;
    case CUDA_ERROR_INVALID_CONTEXT: *name = "CUDA_ERROR_INVALID_CONTEXT"; break;
    case CUDA_ERROR_INVALID_IMAGE: *name = "CUDA_ERROR_INVALID_IMAGE"; break;
    case CUDA_ERROR_NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; break;
    default: *name = NULL; return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
}

/* cuBLAS adapter: the backend's `gemm` member (nda_gemm_desc, backend.h).
 *
 * libcublas is dlopen()ed on first use (the failure reason is reported by
 * every call, and the next call tries again). One cuBLAS handle per device,
 * created lazily in the device's primary context, bound to the device's
 * stream and destroyed by the backend's shutdown. The few cuBLAS types and
 * constants used are declared here (their values are part of cuBLAS's
 * stable ABI) so that only the driver header is needed. */
#include "backends/cuda/cuda_internal.h"

#include <stdint.h>

#include "backends/common/dl_library.h"
#include "backends/cuda/cuda_toolkit.h"

typedef void *nda_cublas_handle;
typedef int nda_cublas_status; /* cublasStatus_t */
enum { NDA_CUBLAS_SUCCESS = 0, NDA_CUBLAS_ALLOC_FAILED = 3 };
enum { NDA_CUBLAS_OP_N = 0, NDA_CUBLAS_OP_T = 1 }; /* cublasOperation_t */
#define NDA_CUBLAS_MAX_DEVICES 64

typedef struct nda_cublas_lib {
    nda_cublas_status (*Create)(nda_cublas_handle *h);
    nda_cublas_status (*Destroy)(nda_cublas_handle h);
    nda_cublas_status (*SetStream)(nda_cublas_handle h, CUstream s);
    const char *(*GetStatusName)(nda_cublas_status s); /* optional (11.4.2+) */
    /* Strided-batched GEMM (the backend's gemm member). Strides are
     * elements (long long); complex scalars are {re, im} pairs. */
    nda_cublas_status (*SgemmSB)(nda_cublas_handle h, int ta, int tb, int m, int n, int k,
                                 const void *alpha, const void *a, int lda, long long sa,
                                 const void *b, int ldb, long long sb, const void *beta, void *c,
                                 int ldc, long long sc, int batch);
    nda_cublas_status (*DgemmSB)(nda_cublas_handle h, int ta, int tb, int m, int n, int k,
                                 const void *alpha, const void *a, int lda, long long sa,
                                 const void *b, int ldb, long long sb, const void *beta, void *c,
                                 int ldc, long long sc, int batch);
    nda_cublas_status (*CgemmSB)(nda_cublas_handle h, int ta, int tb, int m, int n, int k,
                                 const void *alpha, const void *a, int lda, long long sa,
                                 const void *b, int ldb, long long sb, const void *beta, void *c,
                                 int ldc, long long sc, int batch);
    nda_cublas_status (*ZgemmSB)(nda_cublas_handle h, int ta, int tb, int m, int n, int k,
                                 const void *alpha, const void *a, int lda, long long sa,
                                 const void *b, int ldb, long long sb, const void *beta, void *c,
                                 int ldc, long long sc, int batch);
    /* float16 goes through the Ex form with float accumulation (as NumPy's
     * float16 matmul loop accumulates in float). */
    nda_cublas_status (*GemmSBEx)(nda_cublas_handle h, int ta, int tb, int m, int n, int k,
                                  const void *alpha, const void *a, int atype, int lda,
                                  long long sa, const void *b, int btype, int ldb, long long sb,
                                  const void *beta, void *c, int ctype, int ldc, long long sc,
                                  int batch, int compute_type, int algo);
} nda_cublas_lib;

/* cudaDataType, cublasComputeType_t (CUDA 11+), cublasGemmAlgo_t values. */
enum { NDA_CUDA_R_16F = 2, NDA_CUBLAS_COMPUTE_32F = 68, NDA_CUBLAS_GEMM_DEFAULT = -1 };

static nda_cublas_lib nda_cublas;
static pthread_mutex_t nda_cublas_lock = PTHREAD_MUTEX_INITIALIZER; /* guards the handles */
static nda_cublas_handle nda_cublas_handles[NDA_CUBLAS_MAX_DEVICES];

#define NDA_CUBLAS_SYM(sym, member, req) NDA_DL_SYM(nda_cublas_lib, member, sym, req)
static const nda_dl_symbol nda_cublas_syms[] = {
    NDA_CUBLAS_SYM("cublasCreate_v2", Create, 1),
    NDA_CUBLAS_SYM("cublasDestroy_v2", Destroy, 1),
    NDA_CUBLAS_SYM("cublasSetStream_v2", SetStream, 1),
    NDA_CUBLAS_SYM("cublasGetStatusName", GetStatusName, 0),
    NDA_CUBLAS_SYM("cublasSgemmStridedBatched", SgemmSB, 1),
    NDA_CUBLAS_SYM("cublasDgemmStridedBatched", DgemmSB, 1),
    NDA_CUBLAS_SYM("cublasCgemmStridedBatched", CgemmSB, 1),
    NDA_CUBLAS_SYM("cublasZgemmStridedBatched", ZgemmSB, 1),
    NDA_CUBLAS_SYM("cublasGemmStridedBatchedEx", GemmSBEx, 1),
};

static const char *const nda_cublas_names[] = {"libcublas.so.13", "libcublas.so.12",
                                               "libcublas.so.11", "libcublas.so", NULL};

static nda_dl_library nda_cublas_library = {
    .what = "cuBLAS",
    .names = nda_cublas_names,
    .dir = nda_cuda_toolkit_dir,
    NDA_DL_SYMBOLS(nda_cublas_syms),
    NDA_DL_TABLE(nda_cublas),
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

static const char *nda_cublas_status_name(nda_cublas_status s)
{
    static const struct {
        int code;
        const char *name;
    } names[] = {
        {0, "CUBLAS_STATUS_SUCCESS"},          {1, "CUBLAS_STATUS_NOT_INITIALIZED"},
        {3, "CUBLAS_STATUS_ALLOC_FAILED"},     {7, "CUBLAS_STATUS_INVALID_VALUE"},
        {8, "CUBLAS_STATUS_ARCH_MISMATCH"},    {11, "CUBLAS_STATUS_MAPPING_ERROR"},
        {13, "CUBLAS_STATUS_EXECUTION_FAILED"}, {14, "CUBLAS_STATUS_INTERNAL_ERROR"},
        {15, "CUBLAS_STATUS_NOT_SUPPORTED"},   {16, "CUBLAS_STATUS_LICENSE_ERROR"},
    };
    if (nda_cublas.GetStatusName != NULL)
        return nda_cublas.GetStatusName(s);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == s)
            return names[i].name;
    return "CUBLAS_STATUS_UNKNOWN";
}

static int nda_cublas_fail(nda_cublas_status s, const char *call)
{
    return nda_plugin_error_set(s == NDA_CUBLAS_ALLOC_FAILED ? NDA_ENOMEM : NDA_EBACKEND,
                                "%s failed: %s (%d)", call, nda_cublas_status_name(s), s);
}

/* Destroys every handle (shutdown hook; contexts are still alive). */
static void nda_cublas_shutdown(void)
{
    pthread_mutex_lock(&nda_cublas_lock);
    for (int i = 0; i < NDA_CUBLAS_MAX_DEVICES; i++) {
        nda_cu_device *d;
        if (nda_cublas_handles[i] == NULL)
            continue;
        if (nda_cu_device_enter(i, &d) == NDA_OK) {
            nda_cublas.Destroy(nda_cublas_handles[i]);
            nda_cu_device_leave(d);
        }
        nda_cublas_handles[i] = NULL;
    }
    pthread_mutex_unlock(&nda_cublas_lock);
}

/* The device's handle, created on first use. Caller entered `d`. */
static int nda_cublas_handle_get(nda_cu_device *d, nda_cublas_handle *out)
{
    nda_cublas_status s = NDA_CUBLAS_SUCCESS;
    const char *call = "cublasCreate_v2";

    pthread_mutex_lock(&nda_cublas_lock);
    if (nda_cublas_handles[d->index] == NULL) {
        nda_cublas_handle h = NULL;
        nda_cu_shutdown_hook_set(0, nda_cublas_shutdown);
        s = nda_cublas.Create(&h);
        if (s == NDA_CUBLAS_SUCCESS) {
            call = "cublasSetStream_v2";
            s = nda_cublas.SetStream(h, d->stream);
            if (s == NDA_CUBLAS_SUCCESS)
                nda_cublas_handles[d->index] = h;
            else
                nda_cublas.Destroy(h);
        }
    }
    *out = nda_cublas_handles[d->index];
    pthread_mutex_unlock(&nda_cublas_lock);
    return s == NDA_CUBLAS_SUCCESS ? NDA_OK : nda_cublas_fail(s, call);
}

/* Checks one operand of a strided-batched GEMM: `batch` rows x cols
 * column-major matrices, ld and stride in elements of es bytes, from byte
 * off, inside buffer `buf`. rows, cols, batch >= 1. */
static int nda_cublas_batch_check(const char *what, const void *buf, size_t off, int64_t rows,
                                  int64_t cols, int64_t ld, int64_t stride, int64_t batch,
                                  size_t es)
{
    const nda_cu_buffer *b = buf;
    double need;

    if (b == NULL)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: NULL buffer for %s", what);
    if (ld < rows || stride < 0)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "gemm: %s has leading dimension %lld < %lld rows or a negative "
                                    "batch stride %lld",
                                    what, (long long)ld, (long long)rows, (long long)stride);
    if (off % es != 0)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: offset %zu of %s is not a multiple of %zu",
                                    off, what, es);
    need = (double)off + ((double)(batch - 1) * (double)stride + (double)(cols - 1) * (double)ld +
                          (double)rows) * (double)es;
    if (need > (double)b->size)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "gemm: %s (%lld x %lld, ld %lld, %lld batches %lld apart) at "
                                    "offset %zu exceeds its %zu-byte buffer",
                                    what, (long long)rows, (long long)cols, (long long)ld,
                                    (long long)batch, (long long)stride, off, b->size);
    return NDA_OK;
}

int nda_cu_gemm(int dev, const nda_gemm_desc *g)
{
    static const size_t sizes[] = {0, 2, 4, 8, 8, 16};
    size_t es = (g->type >= NDA_LIB_F16 && g->type <= NDA_LIB_C128) ? sizes[g->type] : 0;
    int ta = g->trans_a ? NDA_CUBLAS_OP_T : NDA_CUBLAS_OP_N;
    int tb = g->trans_b ? NDA_CUBLAS_OP_T : NDA_CUBLAS_OP_N;
    int64_t big = g->m | g->n | g->k | g->batch | g->lda | g->ldb | g->ldc;
    nda_cu_device *d;
    nda_cublas_handle h;
    nda_cublas_status s;
    const char *call;
    CUdeviceptr pa, pb, pc;
    float alpha32[2], beta32[2];
    const void *alpha = g->alpha, *beta = g->beta;
    int rc;

    if (es == 0)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: unknown element type %d", (int)g->type);
    if ((rc = nda_cu_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    if (g->m < 0 || g->n < 0 || g->k < 0 || g->batch < 0)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "gemm: negative size (m=%lld n=%lld k=%lld batch=%lld)",
                                    (long long)g->m, (long long)g->n, (long long)g->k,
                                    (long long)g->batch);
    if (dev >= NDA_CUBLAS_MAX_DEVICES)
        return nda_plugin_error_set(NDA_ENODEV, "cuBLAS adapter supports devices 0..%d",
                                    NDA_CUBLAS_MAX_DEVICES - 1);
    if (g->m == 0 || g->n == 0 || g->batch == 0)
        return NDA_OK;
    if (big > INT32_MAX)
        return nda_plugin_error_set(NDA_ENOTIMPL, "gemm: sizes past 2**31 need cuBLAS's _64 API");
    if (g->batch > 1 && g->c_stride < (g->n - 1) * g->ldc + g->m)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: batches of C overlap (stride %lld)",
                                    (long long)g->c_stride);
    if ((rc = nda_cublas_batch_check("C", g->c, g->c_off, g->m, g->n, g->ldc, g->c_stride,
                                     g->batch, es)) != NDA_OK)
        return rc;
    if (g->k > 0 &&
        ((rc = nda_cublas_batch_check("A", g->a, g->a_off, g->trans_a ? g->k : g->m,
                                      g->trans_a ? g->m : g->k, g->lda, g->a_stride, g->batch,
                                      es)) != NDA_OK ||
         (rc = nda_cublas_batch_check("B", g->b, g->b_off, g->trans_b ? g->n : g->k,
                                      g->trans_b ? g->k : g->n, g->ldb, g->b_stride, g->batch,
                                      es)) != NDA_OK))
        return rc;
    if ((rc = nda_plugin_library_load(&nda_cublas_library)) != NDA_OK)
        return rc;
    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    if ((rc = nda_cublas_handle_get(d, &h)) != NDA_OK)
        goto out;
    /* k == 0 reads neither A nor B (cuBLAS scales C by beta): any valid
     * address will do. */
    pc = ((const nda_cu_buffer *)g->c)->ptr + g->c_off;
    pa = g->k > 0 ? ((const nda_cu_buffer *)g->a)->ptr + g->a_off : pc;
    pb = g->k > 0 ? ((const nda_cu_buffer *)g->b)->ptr + g->b_off : pc;
    if (g->type == NDA_LIB_F32 || g->type == NDA_LIB_C64 || g->type == NDA_LIB_F16) {
        alpha32[0] = (float)g->alpha[0];
        alpha32[1] = (float)g->alpha[1];
        beta32[0] = (float)g->beta[0];
        beta32[1] = (float)g->beta[1];
        alpha = alpha32;
        beta = beta32;
    }
#define NDA_CUBLAS_SB_ARGS                                                                   \
    h, ta, tb, (int)g->m, (int)g->n, (int)g->k, alpha, (const void *)(uintptr_t)pa,           \
        (int)g->lda, (long long)g->a_stride, (const void *)(uintptr_t)pb, (int)g->ldb,         \
        (long long)g->b_stride, beta, (void *)(uintptr_t)pc, (int)g->ldc,                      \
        (long long)g->c_stride, (int)g->batch
    switch (g->type) {
    case NDA_LIB_F32:
        call = "cublasSgemmStridedBatched";
        s = nda_cublas.SgemmSB(NDA_CUBLAS_SB_ARGS);
        break;
    case NDA_LIB_F64:
        call = "cublasDgemmStridedBatched";
        s = nda_cublas.DgemmSB(NDA_CUBLAS_SB_ARGS);
        break;
    case NDA_LIB_C64:
        call = "cublasCgemmStridedBatched";
        s = nda_cublas.CgemmSB(NDA_CUBLAS_SB_ARGS);
        break;
    case NDA_LIB_C128:
        call = "cublasZgemmStridedBatched";
        s = nda_cublas.ZgemmSB(NDA_CUBLAS_SB_ARGS);
        break;
    default:
        call = "cublasGemmStridedBatchedEx";
        s = nda_cublas.GemmSBEx(h, ta, tb, (int)g->m, (int)g->n, (int)g->k, alpha,
                                (const void *)(uintptr_t)pa, NDA_CUDA_R_16F, (int)g->lda,
                                (long long)g->a_stride, (const void *)(uintptr_t)pb,
                                NDA_CUDA_R_16F, (int)g->ldb, (long long)g->b_stride, beta,
                                (void *)(uintptr_t)pc, NDA_CUDA_R_16F, (int)g->ldc,
                                (long long)g->c_stride, (int)g->batch, NDA_CUBLAS_COMPUTE_32F,
                                NDA_CUBLAS_GEMM_DEFAULT);
        break;
    }
#undef NDA_CUBLAS_SB_ARGS
    if (s == 15 /* CUBLAS_STATUS_NOT_SUPPORTED */ || s == 8 /* ARCH_MISMATCH */)
        rc = nda_plugin_error_set(NDA_ENOTIMPL, "%s failed: %s (%d)", call,
                                  nda_cublas_status_name(s), s);
    else if (s != NDA_CUBLAS_SUCCESS)
        rc = nda_cublas_fail(s, call);
out:
    nda_cu_device_leave(d);
    return rc;
}

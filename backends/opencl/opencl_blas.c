/* CLBlast adapter: the OpenCL backend's `gemm` member (backend.h).
 *
 * libclblast (Debian: libclblast1) is dlopen()ed on first use, never by
 * init, so the plugin builds and runs without it; a missing library is
 * NDA_ENODEV with the dlopen reason, which makes the core use its own
 * kernels. The few CLBlast enums and the five strided-batched GEMM
 * prototypes are declared here from clblast_c.h (CLBlast 1.x C API), so no
 * CLBlast header is needed to build.
 *
 * CLBlast enqueues its kernels on the queue it is given: ours, the device's
 * single in-order queue, so a GEMM is ordered with launches and copies and
 * returns without waiting. Calls hold the device lock like a launch does. */
#include "opencl_internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "backends/common/dl_library.h"

/* clblast_c.h: CLBlastLayout, CLBlastTranspose, CLBlastStatusCode. */
enum { NDA_CLB_COL_MAJOR = 102 };
enum { NDA_CLB_TRANS_NO = 111, NDA_CLB_TRANS_YES = 112 };
enum {
    NDA_CLB_SUCCESS = 0,
    NDA_CLB_NOT_IMPLEMENTED = -1024,
    NDA_CLB_TEMP_ALLOC_FAILURE = -4, /* CL_MEM_OBJECT_ALLOCATION_FAILURE */
    NDA_CLB_OUT_OF_RESOURCES = -5,
    NDA_CLB_OUT_OF_HOST_MEMORY = -6,
    NDA_CLB_NO_HALF = -2045,
    NDA_CLB_NO_DOUBLE = -2044,
};

/* One prototype per scalar type; the enums are passed as int (C enums of
 * int range have int's ABI). */
#define NDA_CLB_GEMM_FN(name, scalar)                                                        \
    typedef int (*name)(int layout, int a_transpose, int b_transpose, size_t m, size_t n,    \
                        size_t k, scalar alpha, cl_mem a, size_t a_offset, size_t a_ld,      \
                        size_t a_stride, cl_mem b, size_t b_offset, size_t b_ld,             \
                        size_t b_stride, scalar beta, cl_mem c, size_t c_offset, size_t c_ld, \
                        size_t c_stride, size_t batch_count, cl_command_queue *queue,        \
                        cl_event *event)
NDA_CLB_GEMM_FN(nda_clb_hgemm_fn, cl_half);
NDA_CLB_GEMM_FN(nda_clb_sgemm_fn, cl_float);
NDA_CLB_GEMM_FN(nda_clb_dgemm_fn, cl_double);
NDA_CLB_GEMM_FN(nda_clb_cgemm_fn, cl_float2);
NDA_CLB_GEMM_FN(nda_clb_zgemm_fn, cl_double2);

typedef struct nda_clb_lib {
    nda_clb_hgemm_fn h;
    nda_clb_sgemm_fn s;
    nda_clb_dgemm_fn d;
    nda_clb_cgemm_fn c;
    nda_clb_zgemm_fn z;
} nda_clb_lib;

static nda_clb_lib nda_clb;

#define NDA_CLB_SYM(sym, member) NDA_DL_SYM(nda_clb_lib, member, sym, 1)
static const nda_dl_symbol nda_clb_syms[] = {
    NDA_CLB_SYM("CLBlastHgemmStridedBatched", h), NDA_CLB_SYM("CLBlastSgemmStridedBatched", s),
    NDA_CLB_SYM("CLBlastDgemmStridedBatched", d), NDA_CLB_SYM("CLBlastCgemmStridedBatched", c),
    NDA_CLB_SYM("CLBlastZgemmStridedBatched", z),
};

static const char *const nda_clb_names[] = {"libclblast.so.1", "libclblast.so", NULL};

/* Loaded once; a failure is final (gemm then uses the core's kernels on
 * every call without searching again). The handle is kept until exit
 * (CLBlast's caches hold OpenCL objects). */
static nda_dl_library nda_clb_library = {
    .what = "CLBlast",
    .names = nda_clb_names,
    NDA_DL_SYMBOLS(nda_clb_syms),
    NDA_DL_TABLE(nda_clb),
    .remember_failure = 1,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

static const char *nda_clb_status_name(int s)
{
    switch (s) {
    case -1024: return "CLBlastNotImplemented";
    case -1022: return "CLBlastInvalidMatrixA";
    case -1021: return "CLBlastInvalidMatrixB";
    case -1020: return "CLBlastInvalidMatrixC";
    case -1017: return "CLBlastInvalidDimension";
    case -1016: return "CLBlastInvalidLeadDimA";
    case -1015: return "CLBlastInvalidLeadDimB";
    case -1014: return "CLBlastInvalidLeadDimC";
    case -1011: return "CLBlastInsufficientMemoryA";
    case -1010: return "CLBlastInsufficientMemoryB";
    case -1009: return "CLBlastInsufficientMemoryC";
    case -2050: return "CLBlastInsufficientMemoryTemp";
    case -2049: return "CLBlastInvalidBatchCount";
    case -2046: return "CLBlastInvalidLocalMemUsage";
    case -2045: return "CLBlastNoHalfPrecision";
    case -2044: return "CLBlastNoDoublePrecision";
    case -2041: return "CLBlastDatabaseError";
    case -2040: return "CLBlastUnknownError";
    case -2039: return "CLBlastUnexpectedError";
    default: return s > -1000 ? nda_ocl_error_name(s) : "CLBlast status";
    }
}

/* IEEE binary16 bits of x, round to nearest even (alpha/beta of Hgemm). */
static cl_half nda_clb_half(double x)
{
    float f = (float)x;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    uint32_t sign = (u >> 16) & 0x8000u, mag = u & 0x7fffffffu;
    if (mag >= 0x7f800000u) /* inf, nan */
        return (cl_half)(sign | 0x7c00u | (mag > 0x7f800000u ? 0x200u : 0u));
    if (mag >= 0x477ff000u) /* rounds to >= 65520: overflow */
        return (cl_half)(sign | 0x7c00u);
    if (mag < 0x38800000u) { /* subnormal half (or zero) */
        float a = fabsf(f) * 16777216.0f; /* units of 2^-24 */
        return (cl_half)(sign | (uint32_t)lrintf(a));
    }
    uint32_t r = mag + 0xfffu + ((mag >> 13) & 1u); /* round to nearest even at bit 13 */
    return (cl_half)(sign | ((r - 0x38000000u) >> 13));
}

/* The device supports `ext` (in CL_DEVICE_EXTENSIONS). */
static int nda_clb_has_extension(const nda_ocl_device *d, const char *ext)
{
    char buf[8192];
    size_t n = 0;
    if (clGetDeviceInfo(d->id, CL_DEVICE_EXTENSIONS, sizeof buf - 1, buf, &n) != CL_SUCCESS)
        return 0;
    buf[n < sizeof buf ? n : sizeof buf - 1] = '\0';
    size_t len = strlen(ext);
    for (const char *p = strstr(buf, ext); p != NULL; p = strstr(p + 1, ext))
        if ((p == buf || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return 1;
    return 0;
}

/* Checks one operand: `batch` rows x cols column-major matrices with
 * leading dimension ld, `stride` elements apart, starting at byte off,
 * lie inside buffer `buf`. Sizes in elements of `es` bytes. Only called
 * with rows, cols, batch >= 1. */
static int nda_clb_operand_check(const char *what, const void *buf, size_t off, int64_t rows,
                                 int64_t cols, int64_t ld, int64_t stride, int64_t batch,
                                 size_t es)
{
    size_t cap = 0;
    cl_int err;
    double need;

    if (buf == NULL)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: NULL buffer for %s", what);
    if (ld < rows)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "gemm: leading dimension %lld of %s is less than %lld",
                                    (long long)ld, what, (long long)rows);
    if (stride < 0)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: negative batch stride %lld for %s",
                                    (long long)stride, what);
    if (off % es != 0)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: offset %zu of %s is not a multiple of %zu",
                                    off, what, es);
    err = clGetMemObjectInfo((cl_mem)buf, CL_MEM_SIZE, sizeof cap, &cap, NULL);
    if (err != CL_SUCCESS)
        return nda_ocl_error_cl(err, "clGetMemObjectInfo", NULL);
    /* The last element: computed in double first so that overflow cannot
     * wrap into a small value. */
    need = (double)off + ((double)(batch - 1) * (double)stride + (double)(cols - 1) * (double)ld +
                          (double)rows) * (double)es;
    if (need > (double)cap)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "gemm: %s (%lld x %lld, ld %lld, %lld batches %lld apart) at "
                                    "offset %zu exceeds its %zu-byte buffer",
                                    what, (long long)rows, (long long)cols, (long long)ld,
                                    (long long)batch, (long long)stride, off, cap);
    return NDA_OK;
}

static size_t nda_clb_itemsize(nda_lib_type t)
{
    switch (t) {
    case NDA_LIB_F16: return 2;
    case NDA_LIB_F32: return 4;
    case NDA_LIB_F64: return 8;
    case NDA_LIB_C64: return 8;
    case NDA_LIB_C128: return 16;
    default: return 0;
    }
}

/* NDA_OK when every element index CLBlast computes fits an int, else
 * NDA_ENOTIMPL with a message. */
static int nda_clb_int_range(const nda_gemm_desc *g, size_t es)
{
    double lim = 2147483647.0;
    double last_a = (double)(g->a_off / es) + (double)(g->batch - 1) * (double)g->a_stride +
                    (double)g->lda * (double)(g->trans_a ? g->m : g->k);
    double last_b = (double)(g->b_off / es) + (double)(g->batch - 1) * (double)g->b_stride +
                    (double)g->ldb * (double)(g->trans_b ? g->k : g->n);
    double last_c = (double)(g->c_off / es) + (double)(g->batch - 1) * (double)g->c_stride +
                    (double)g->ldc * (double)g->n + (double)g->m * (double)g->n;
    if (last_a > lim || last_b > lim || last_c > lim)
        return nda_plugin_error_set(NDA_ENOTIMPL,
                                    "gemm: CLBlast indexes with 32-bit ints; this product reaches "
                                    "past element 2**31");
    return NDA_OK;
}

/* C_b = beta * C_b when k == 0: only beta == 0 on a dense C (one fill);
 * anything else is left to the core's kernels (NDA_ENOTIMPL). */
static int nda_clb_k0(nda_ocl_device *d, const nda_gemm_desc *g, size_t es)
{
    static const unsigned char zero[16];
    cl_int err;

    if (g->beta[0] != 0.0 || g->beta[1] != 0.0 || g->ldc != g->m ||
        (g->batch > 1 && g->c_stride != g->m * g->n))
        return nda_plugin_error_set(NDA_ENOTIMPL, "gemm: k == 0 with beta != 0 or a strided C");
    err = clEnqueueFillBuffer(d->queue, (cl_mem)g->c, zero, es, g->c_off,
                              (size_t)(g->m * g->n * g->batch) * es, 0, NULL, NULL);
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clEnqueueFillBuffer", d);
}

/* Calls the CLBlast routine of g->type. Caller holds d->lock, d is open. */
static int nda_clb_call(nda_ocl_device *d, const nda_gemm_desc *g, size_t es, const char **name)
{
    int ta = g->trans_a ? NDA_CLB_TRANS_YES : NDA_CLB_TRANS_NO;
    int tb = g->trans_b ? NDA_CLB_TRANS_YES : NDA_CLB_TRANS_NO;
    size_t m = (size_t)g->m, n = (size_t)g->n, k = (size_t)g->k, bt = (size_t)g->batch;
    cl_mem a = (cl_mem)g->a, b = (cl_mem)g->b, c = (cl_mem)g->c;
    size_t ao = g->a_off / es, bo = g->b_off / es, co = g->c_off / es;
    size_t lda = (size_t)g->lda, ldb = (size_t)g->ldb, ldc = (size_t)g->ldc;
    size_t sa = (size_t)g->a_stride, sb = (size_t)g->b_stride, sc = (size_t)g->c_stride;
    cl_command_queue q = d->queue;

    /* CLBlast rejects c_stride == 0 even for one batch, where it is unused. */
    if (bt == 1)
        sc = m * n;

    switch (g->type) {
    case NDA_LIB_F16:
        *name = "CLBlastHgemmStridedBatched";
        return nda_clb.h(NDA_CLB_COL_MAJOR, ta, tb, m, n, k, nda_clb_half(g->alpha[0]), a, ao, lda,
                         sa, b, bo, ldb, sb, nda_clb_half(g->beta[0]), c, co, ldc, sc, bt, &q,
                         NULL);
    case NDA_LIB_F32:
        *name = "CLBlastSgemmStridedBatched";
        return nda_clb.s(NDA_CLB_COL_MAJOR, ta, tb, m, n, k, (cl_float)g->alpha[0], a, ao, lda,
                         sa, b, bo, ldb, sb, (cl_float)g->beta[0], c, co, ldc, sc, bt, &q, NULL);
    case NDA_LIB_F64:
        *name = "CLBlastDgemmStridedBatched";
        return nda_clb.d(NDA_CLB_COL_MAJOR, ta, tb, m, n, k, g->alpha[0], a, ao, lda, sa, b, bo,
                         ldb, sb, g->beta[0], c, co, ldc, sc, bt, &q, NULL);
    case NDA_LIB_C64: {
        cl_float2 al, be;
        al.s[0] = (cl_float)g->alpha[0];
        al.s[1] = (cl_float)g->alpha[1];
        be.s[0] = (cl_float)g->beta[0];
        be.s[1] = (cl_float)g->beta[1];
        *name = "CLBlastCgemmStridedBatched";
        return nda_clb.c(NDA_CLB_COL_MAJOR, ta, tb, m, n, k, al, a, ao, lda, sa, b, bo, ldb, sb,
                         be, c, co, ldc, sc, bt, &q, NULL);
    }
    case NDA_LIB_C128: {
        cl_double2 al, be;
        al.s[0] = g->alpha[0];
        al.s[1] = g->alpha[1];
        be.s[0] = g->beta[0];
        be.s[1] = g->beta[1];
        *name = "CLBlastZgemmStridedBatched";
        return nda_clb.z(NDA_CLB_COL_MAJOR, ta, tb, m, n, k, al, a, ao, lda, sa, b, bo, ldb, sb,
                         be, c, co, ldc, sc, bt, &q, NULL);
    }
    }
    *name = "gemm";
    return NDA_CLB_NOT_IMPLEMENTED;
}

int nda_ocl_gemm(int dev, const nda_gemm_desc *g)
{
    nda_ocl_device *d;
    size_t es = nda_clb_itemsize(g->type);
    const char *name = "gemm";
    int rc, s;

    if (es == 0)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: unknown element type %d", (int)g->type);
    if (g->m < 0 || g->n < 0 || g->k < 0 || g->batch < 0)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "gemm: negative size (m=%lld n=%lld k=%lld batch=%lld)",
                                    (long long)g->m, (long long)g->n, (long long)g->k,
                                    (long long)g->batch);
    if ((rc = nda_ocl_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    if (g->m == 0 || g->n == 0 || g->batch == 0)
        return NDA_OK;
    if (g->batch > 1 && g->c_stride < (g->n - 1) * g->ldc + g->m)
        return nda_plugin_error_set(NDA_EVALUE, "gemm: batches of C overlap (stride %lld)",
                                    (long long)g->c_stride);
    if ((rc = nda_clb_operand_check("C", g->c, g->c_off, g->m, g->n, g->ldc, g->c_stride,
                                    g->batch, es)) != NDA_OK)
        return rc;
    if (g->k > 0 &&
        ((rc = nda_clb_operand_check("A", g->a, g->a_off, g->trans_a ? g->k : g->m,
                                     g->trans_a ? g->m : g->k, g->lda, g->a_stride, g->batch,
                                     es)) != NDA_OK ||
         (rc = nda_clb_operand_check("B", g->b, g->b_off, g->trans_b ? g->n : g->k,
                                     g->trans_b ? g->k : g->n, g->ldb, g->b_stride, g->batch,
                                     es)) != NDA_OK))
        return rc;
    /* CLBlast's kernels take sizes, offsets, leading dimensions and strides
     * as 32-bit ints: larger problems are left to the core's kernels. */
    if (nda_clb_int_range(g, es) != NDA_OK)
        return NDA_ENOTIMPL;
    if (g->type == NDA_LIB_F16 && !nda_clb_has_extension(d, "cl_khr_fp16"))
        return nda_plugin_error_set(NDA_ENOTIMPL, "gemm: %s has no float16 support (cl_khr_fp16)",
                                    d->name);
    if ((g->type == NDA_LIB_F64 || g->type == NDA_LIB_C128) &&
        !nda_clb_has_extension(d, "cl_khr_fp64"))
        return nda_plugin_error_set(NDA_ENOTIMPL, "gemm: %s has no float64 support (cl_khr_fp64)",
                                    d->name);
    pthread_mutex_lock(&d->lock);
    if ((rc = nda_ocl_device_open_locked(d)) != NDA_OK)
        goto out;
    if (g->k == 0) {
        rc = nda_clb_k0(d, g, es);
        goto out;
    }
    if ((rc = nda_plugin_library_load(&nda_clb_library)) != NDA_OK)
        goto out;
    s = nda_clb_call(d, g, es, &name);
    if (s == NDA_CLB_SUCCESS)
        rc = NDA_OK;
    else if (s == NDA_CLB_NO_HALF || s == NDA_CLB_NO_DOUBLE || s == NDA_CLB_NOT_IMPLEMENTED)
        rc = nda_plugin_error_set(NDA_ENOTIMPL, "%s failed: %s (%d)", name, nda_clb_status_name(s),
                                  s);
    else if (s == NDA_CLB_TEMP_ALLOC_FAILURE || s == NDA_CLB_OUT_OF_RESOURCES ||
             s == NDA_CLB_OUT_OF_HOST_MEMORY)
        rc = nda_plugin_error_set(NDA_ENOMEM, "%s failed: %s (%d) on %s", name,
                                  nda_clb_status_name(s), s, d->name);
    else
        rc = nda_plugin_error_set(NDA_EBACKEND, "%s failed: %s (%d)", name, nda_clb_status_name(s),
                                  s);
out:
    pthread_mutex_unlock(&d->lock);
    return rc;
}

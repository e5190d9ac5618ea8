/* cuSOLVER adapter: the backend's `solver` member (nda_solver_desc,
 * backend.h) through cuSOLVER's dense legacy API.
 *
 * Library: libcusolver is dlopen()ed on first use (libcusolver.so.12, .11,
 * .so on the library path, then in the toolkit's directories), or exactly
 * the file named by $NDACCEL_CUSOLVER_LIBRARY when that is set (the CUDA
 * plugin tests point it at libcusolver_fake.so, a LAPACK-backed double). A
 * failed load is not remembered: the next call tries again.
 *
 * Per device: one cusolverDnHandle_t, created lazily in the device's
 * primary context and bound to the device's stream, and one cached device
 * workspace (cuMemAlloc, grown when a call needs more; the stream is
 * synchronised before the old one is freed). Both are released by the
 * backend's shutdown (hook slot 2). The workspace lives outside the core's
 * pool and NDACCEL_MEMORY_LIMIT.
 *
 * A batch is a loop of single-matrix calls queued on the stream; every
 * argument is validated before the first one is queued. Only the typed
 * routines are used: cusolverDn{S,D,C,Z}getrf, getrs, potrf, {S,D}syevd /
 * {C,Z}heevd, geqrf, {S,D}orgqr / {C,Z}ungqr, gesvd and their _bufferSize
 * queries. The few cuSOLVER types and constants used are declared here
 * (their values are part of cuSOLVER's stable ABI) so that only cuda.h is
 * needed. */
#include "backends/cuda/cuda_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/common/dl_library.h"
#include "backends/cuda/cuda_toolkit.h"

typedef void *nda_cusolver_handle; /* cusolverDnHandle_t */
typedef int nda_cusolver_status;   /* cusolverStatus_t */
enum {
    NDA_CUSOLVER_SUCCESS = 0,
    NDA_CUSOLVER_ALLOC_FAILED = 2,
    NDA_CUSOLVER_ARCH_MISMATCH = 4,
    NDA_CUSOLVER_NOT_SUPPORTED = 9,
};
enum { NDA_CUSOLVER_FILL_LOWER = 0 };                            /* cublasFillMode_t */
enum { NDA_CUSOLVER_OP_N = 0, NDA_CUSOLVER_OP_T = 1, NDA_CUSOLVER_OP_C = 2 }; /* cublasOperation_t */
enum { NDA_CUSOLVER_EIG_NOVECTOR = 0, NDA_CUSOLVER_EIG_VECTOR = 1 };          /* cusolverEigMode_t */
#define NDA_CUSOLVER_MAX_DEVICES 64
#define NDA_CUSOLVER_HOOK_SLOT 2

/* Every typed entry point, indexed by precision: 0 S (float), 1 D
 * (double), 2 C (cuComplex), 3 Z (cuDoubleComplex), i.e. type - F32.
 * Matrices are void * (the pointer types differ only in name); the enums
 * are int-sized. */
typedef struct nda_cusolver_lib {
    nda_cusolver_status (*Create)(nda_cusolver_handle *h);
    nda_cusolver_status (*Destroy)(nda_cusolver_handle h);
    nda_cusolver_status (*SetStream)(nda_cusolver_handle h, CUstream s);
    nda_cusolver_status (*getrf_bs[4])(nda_cusolver_handle h, int m, int n, void *a, int lda,
                                       int *lwork);
    nda_cusolver_status (*getrf[4])(nda_cusolver_handle h, int m, int n, void *a, int lda,
                                    void *work, int *ipiv, int *info);
    nda_cusolver_status (*getrs[4])(nda_cusolver_handle h, int trans, int n, int nrhs,
                                    const void *a, int lda, const int *ipiv, void *b, int ldb,
                                    int *info);
    nda_cusolver_status (*potrf_bs[4])(nda_cusolver_handle h, int uplo, int n, void *a, int lda,
                                       int *lwork);
    nda_cusolver_status (*potrf[4])(nda_cusolver_handle h, int uplo, int n, void *a, int lda,
                                    void *work, int lwork, int *info);
    nda_cusolver_status (*syevd_bs[4])(nda_cusolver_handle h, int jobz, int uplo, int n,
                                       const void *a, int lda, const void *w, int *lwork);
    nda_cusolver_status (*syevd[4])(nda_cusolver_handle h, int jobz, int uplo, int n, void *a,
                                    int lda, void *w, void *work, int lwork, int *info);
    nda_cusolver_status (*geqrf_bs[4])(nda_cusolver_handle h, int m, int n, void *a, int lda,
                                       int *lwork);
    nda_cusolver_status (*geqrf[4])(nda_cusolver_handle h, int m, int n, void *a, int lda,
                                    void *tau, void *work, int lwork, int *info);
    nda_cusolver_status (*orgqr_bs[4])(nda_cusolver_handle h, int m, int n, int k,
                                       const void *a, int lda, const void *tau, int *lwork);
    nda_cusolver_status (*orgqr[4])(nda_cusolver_handle h, int m, int n, int k, void *a, int lda,
                                    const void *tau, void *work, int lwork, int *info);
    nda_cusolver_status (*gesvd_bs[4])(nda_cusolver_handle h, int m, int n, int *lwork);
    nda_cusolver_status (*gesvd[4])(nda_cusolver_handle h, signed char jobu, signed char jobvt,
                                    int m, int n, void *a, int lda, void *s, void *u, int ldu,
                                    void *vt, int ldvt, void *work, int lwork, void *rwork,
                                    int *info);
} nda_cusolver_lib;

/* What one device holds; guarded by nda_cusolver_lock. */
typedef struct nda_cusolver_dev {
    nda_cusolver_handle handle; /* NULL until first use */
    CUdeviceptr work;           /* 0 until first use */
    size_t work_bytes;
} nda_cusolver_dev;

static nda_cusolver_lib nda_cusolver;
static pthread_mutex_t nda_cusolver_lock = PTHREAD_MUTEX_INITIALIZER; /* guards the devs */
static nda_cusolver_dev nda_cusolver_devs[NDA_CUSOLVER_MAX_DEVICES];

#define NDA_CUSOLVER_SYM(sym, member) NDA_DL_SYM(nda_cusolver_lib, member, sym, 1)
/* cusolverDn{S,D}<real> and cusolverDn{C,Z}<complex> into member[0..3]. */
#define NDA_CUSOLVER_TYPED(real, complex, member)                                              \
    NDA_CUSOLVER_SYM("cusolverDnS" real, member[0]),                                           \
        NDA_CUSOLVER_SYM("cusolverDnD" real, member[1]),                                       \
        NDA_CUSOLVER_SYM("cusolverDnC" complex, member[2]),                                    \
        NDA_CUSOLVER_SYM("cusolverDnZ" complex, member[3])
static const nda_dl_symbol nda_cusolver_syms[] = {
    NDA_CUSOLVER_SYM("cusolverDnCreate", Create),
    NDA_CUSOLVER_SYM("cusolverDnDestroy", Destroy),
    NDA_CUSOLVER_SYM("cusolverDnSetStream", SetStream),
    NDA_CUSOLVER_TYPED("getrf_bufferSize", "getrf_bufferSize", getrf_bs),
    NDA_CUSOLVER_TYPED("getrf", "getrf", getrf),
    NDA_CUSOLVER_TYPED("getrs", "getrs", getrs),
    NDA_CUSOLVER_TYPED("potrf_bufferSize", "potrf_bufferSize", potrf_bs),
    NDA_CUSOLVER_TYPED("potrf", "potrf", potrf),
    NDA_CUSOLVER_TYPED("syevd_bufferSize", "heevd_bufferSize", syevd_bs),
    NDA_CUSOLVER_TYPED("syevd", "heevd", syevd),
    NDA_CUSOLVER_TYPED("geqrf_bufferSize", "geqrf_bufferSize", geqrf_bs),
    NDA_CUSOLVER_TYPED("geqrf", "geqrf", geqrf),
    NDA_CUSOLVER_TYPED("orgqr_bufferSize", "ungqr_bufferSize", orgqr_bs),
    NDA_CUSOLVER_TYPED("orgqr", "ungqr", orgqr),
    NDA_CUSOLVER_TYPED("gesvd_bufferSize", "gesvd_bufferSize", gesvd_bs),
    NDA_CUSOLVER_TYPED("gesvd", "gesvd", gesvd),
};

static const char *const nda_cusolver_names[] = {"libcusolver.so.12", "libcusolver.so.11",
                                                  "libcusolver.so", NULL};

static nda_dl_library nda_cusolver_library = {
    .what = "cuSOLVER",
    .env = "NDACCEL_CUSOLVER_LIBRARY",
    .names = nda_cusolver_names,
    .dir = nda_cuda_toolkit_dir,
    NDA_DL_SYMBOLS(nda_cusolver_syms),
    NDA_DL_TABLE(nda_cusolver),
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

static const char *nda_cusolver_status_name(nda_cusolver_status s)
{
    static const char *const names[] = {
        "CUSOLVER_STATUS_SUCCESS",          "CUSOLVER_STATUS_NOT_INITIALIZED",
        "CUSOLVER_STATUS_ALLOC_FAILED",     "CUSOLVER_STATUS_INVALID_VALUE",
        "CUSOLVER_STATUS_ARCH_MISMATCH",    "CUSOLVER_STATUS_MAPPING_ERROR",
        "CUSOLVER_STATUS_EXECUTION_FAILED", "CUSOLVER_STATUS_INTERNAL_ERROR",
        "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED", "CUSOLVER_STATUS_NOT_SUPPORTED",
        "CUSOLVER_STATUS_ZERO_PIVOT",       "CUSOLVER_STATUS_INVALID_LICENSE",
    };
    if (s >= 0 && (size_t)s < sizeof names / sizeof names[0])
        return names[s];
    if (s == 31)
        return "CUSOLVER_STATUS_INVALID_WORKSPACE";
    return "CUSOLVER_STATUS_UNKNOWN";
}

/* NDA_ENOMEM for ALLOC_FAILED, NDA_ENOTIMPL for NOT_SUPPORTED and
 * ARCH_MISMATCH (the core then uses its own kernels), else NDA_EBACKEND. */
static int nda_cusolver_fail(nda_cusolver_status s, const char *call)
{
    int code = NDA_EBACKEND;
    if (s == NDA_CUSOLVER_ALLOC_FAILED)
        code = NDA_ENOMEM;
    else if (s == NDA_CUSOLVER_NOT_SUPPORTED || s == NDA_CUSOLVER_ARCH_MISMATCH)
        code = NDA_ENOTIMPL;
    return nda_plugin_error_set(code, "%s failed: %s (%d)", call, nda_cusolver_status_name(s), s);
}

/* Frees every workspace and destroys every handle (shutdown hook; the
 * contexts are still alive). */
static void nda_cusolver_shutdown(void)
{
    pthread_mutex_lock(&nda_cusolver_lock);
    for (int i = 0; i < NDA_CUSOLVER_MAX_DEVICES; i++) {
        nda_cusolver_dev *s = &nda_cusolver_devs[i];
        nda_cu_device *d;
        if (s->handle == NULL && s->work == 0)
            continue;
        if (nda_cu_device_enter(i, &d) == NDA_OK) {
            nda_cu_drv()->StreamSynchronize(d->stream);
            if (s->work != 0)
                nda_cu_drv()->MemFree(s->work);
            if (s->handle != NULL)
                nda_cusolver.Destroy(s->handle);
            nda_cu_device_leave(d);
        }
        memset(s, 0, sizeof *s);
    }
    pthread_mutex_unlock(&nda_cusolver_lock);
}

/* The device's handle, created on first use in its context and bound to
 * its stream. Caller entered `d`. */
static int nda_cusolver_handle_get(nda_cu_device *d, nda_cusolver_handle *out)
{
    nda_cusolver_dev *s = &nda_cusolver_devs[d->index];
    nda_cusolver_status st = NDA_CUSOLVER_SUCCESS;
    const char *call = "cusolverDnCreate";

    pthread_mutex_lock(&nda_cusolver_lock);
    if (s->handle == NULL) {
        nda_cusolver_handle h = NULL;
        nda_cu_shutdown_hook_set(NDA_CUSOLVER_HOOK_SLOT, nda_cusolver_shutdown);
        st = nda_cusolver.Create(&h);
        if (st == NDA_CUSOLVER_SUCCESS) {
            call = "cusolverDnSetStream";
            st = nda_cusolver.SetStream(h, d->stream);
            if (st == NDA_CUSOLVER_SUCCESS)
                s->handle = h;
            else
                nda_cusolver.Destroy(h);
        }
    }
    *out = s->handle;
    pthread_mutex_unlock(&nda_cusolver_lock);
    return st == NDA_CUSOLVER_SUCCESS ? NDA_OK : nda_cusolver_fail(st, call);
}

/* The device's workspace, at least `bytes` long (never 0 bytes). A smaller
 * one is freed after the stream has finished the work queued on it.
 * Caller entered `d`. */
static int nda_cusolver_work_get(nda_cu_device *d, size_t bytes, CUdeviceptr *out)
{
    nda_cusolver_dev *s = &nda_cusolver_devs[d->index];
    const nda_cu_driver *drv = nda_cu_drv();
    int rc = NDA_OK;
    CUresult r;

    if (bytes < 256)
        bytes = 256;
    pthread_mutex_lock(&nda_cusolver_lock);
    if (s->work_bytes < bytes) {
        if (s->work != 0) {
            if ((r = drv->StreamSynchronize(d->stream)) != CUDA_SUCCESS) {
                rc = nda_cu_error_cu(r, "cuStreamSynchronize", d);
                goto out;
            }
            drv->MemFree(s->work);
            s->work = 0;
            s->work_bytes = 0;
        }
        if ((r = drv->MemAlloc(&s->work, bytes)) != CUDA_SUCCESS) {
            s->work = 0;
            rc = nda_cu_error_cu(r, "cuMemAlloc (cuSOLVER workspace)", d);
            goto out;
        }
        s->work_bytes = bytes;
    }
    *out = s->work;
out:
    pthread_mutex_unlock(&nda_cusolver_lock);
    return rc;
}

/* ---- validation ---- */

/* One operand of a batched call: `batch` rows x cols column-major blocks
 * (ld, stride in elements of es bytes) from byte off of buffer buf. Vectors
 * are rows x 1 with ld = rows. */
typedef struct nda_cusolver_operand {
    const char *what;
    void *buf;
    size_t off;
    int64_t rows, cols, ld, stride;
    size_t es;
    int written;
    int64_t blocks;  /* the batch, or 1 for info (one block of batch x 1) */
    uint64_t lo, hi; /* byte range touched; lo == hi when empty */
} nda_cusolver_operand;

static const char *nda_cusolver_op_name(nda_solver_op op)
{
    static const char *const names[] = {"?",     "getrf", "getrs", "potrf",
                                        "syevd", "geqrf", "orgqr", "gesvd"};
    return (op >= NDA_SOLVER_GETRF && op <= NDA_SOLVER_GESVD) ? names[op] : "?";
}

/* Checks x's layout and extent inside its buffer (a NULL buffer only when
 * x is empty) (ld >= max(1, rows),
 * stride >= 0, offset a multiple of es, the last element inside; for a
 * written operand also that its batches do not overlap) and sets lo/hi. */
static int nda_cusolver_operand_check(const char *op, nda_cusolver_operand *x)
{
    int64_t batch = x->blocks;
    const nda_cu_buffer *b = x->buf;
    uint64_t span, last, bytes;

    x->lo = x->hi = x->off;
    if (x->ld < (x->rows > 1 ? x->rows : 1) || x->stride < 0)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "solver: %s: %s has leading dimension %lld < %lld rows or a "
                                    "negative batch stride %lld",
                                    op, x->what, (long long)x->ld, (long long)x->rows,
                                    (long long)x->stride);
    if (x->off % x->es != 0)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "solver: %s: offset %zu of %s is not a multiple of %zu", op,
                                    x->off, x->what, x->es);
    if (x->rows == 0 || x->cols == 0 || batch == 0)
        return NDA_OK; /* never dereferenced: may be NULL */
    if (b == NULL)
        return nda_plugin_error_set(NDA_EVALUE, "solver: %s: NULL buffer for %s", op, x->what);
    /* span = (cols - 1) * ld + rows elements of one block; last = start of
     * the last block + span; all in uint64 with overflow checks. */
    if (__builtin_mul_overflow((uint64_t)(x->cols - 1), (uint64_t)x->ld, &span) ||
        __builtin_add_overflow(span, (uint64_t)x->rows, &span) ||
        __builtin_mul_overflow((uint64_t)(batch - 1), (uint64_t)x->stride, &last) ||
        __builtin_add_overflow(last, span, &last) ||
        __builtin_mul_overflow(last, (uint64_t)x->es, &bytes) ||
        __builtin_add_overflow(bytes, (uint64_t)x->off, &x->hi) || x->hi > b->size)
        return nda_plugin_error_set(
            NDA_EVALUE,
            "solver: %s: %s (%lld x %lld, ld %lld, %lld batches %lld apart) at "
            "offset %zu exceeds its %zu-byte buffer",
            op, x->what, (long long)x->rows, (long long)x->cols, (long long)x->ld, (long long)batch,
            (long long)x->stride, x->off, b->size);
    if (x->written && batch > 1 && (uint64_t)x->stride < span)
        return nda_plugin_error_set(
            NDA_EVALUE, "solver: %s: batches of %s overlap (stride %lld < %llu elements)", op,
            x->what, (long long)x->stride, (unsigned long long)span);
    return NDA_OK;
}

/* Validates the operands and rejects a written one whose byte range meets
 * another's in the same buffer. */
static int nda_cusolver_operands_check(const char *op, nda_cusolver_operand *x, int n)
{
    int rc;

    for (int i = 0; i < n; i++)
        if ((rc = nda_cusolver_operand_check(op, &x[i])) != NDA_OK)
            return rc;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (!x[i].written && !x[j].written)
                continue;
            if (x[i].buf != x[j].buf || x[i].lo == x[i].hi || x[j].lo == x[j].hi)
                continue;
            if (x[i].lo < x[j].hi && x[j].lo < x[i].hi)
                return nda_plugin_error_set(NDA_EVALUE, "solver: %s: %s overlaps %s", op, x[i].what,
                                            x[j].what);
        }
    return NDA_OK;
}

static int nda_cusolver_need(int ok, const char *op, const char *fmt, long long a, long long b,
                             long long c)
{
    if (ok)
        return NDA_OK;
    char what[200];
    snprintf(what, sizeof what, fmt, a, b, c);
    return nda_plugin_error_set(NDA_EVALUE, "solver: %s: %s", op, what);
}

/* Checks sizes and the flag of the op; fills the operand list. */
static int nda_cusolver_plan(const nda_solver_desc *s, size_t es, size_t res,
                             nda_cusolver_operand *x, int *nx)
{
    const char *op = nda_cusolver_op_name(s->op);
    int64_t m = s->m, n = s->n, k = s->k, mn = m < n ? m : n;
    int rc, f = s->flag;
    int n_ = 0;

#define NDA_LD1(len) ((len) > 1 ? (len) : 1)
#define NDA_OPND(w_, buf_, off_, rows_, cols_, ld_, stride_, es_, written_)                       \
    x[n_++] = (nda_cusolver_operand){(w_),  (buf_),    (off_), (rows_),    (cols_),  (ld_),       \
                                     (stride_), (es_), (written_), s->batch, 0, 0}
    if (m < 0 || n < 0 || k < 0 || s->batch < 0)
        return nda_plugin_error_set(
            NDA_EVALUE, "solver: %s: negative size (m=%lld n=%lld k=%lld batch=%lld)", op,
            (long long)m, (long long)n, (long long)k, (long long)s->batch);
    switch (s->op) {
    case NDA_SOLVER_GETRF:
        if ((rc = nda_cusolver_need(k == 0 && f == 0, op, "k (%lld) and flag (%lld) must be 0",
                                    k, f, 0)))
            return rc;
        NDA_OPND("A", s->a, s->a_off, m, n, s->lda, s->a_stride, es, 1);
        NDA_OPND("ipiv", s->ipiv, s->ipiv_off, mn, 1, NDA_LD1(mn), s->ipiv_stride, 4, 1);
        break;
    case NDA_SOLVER_GETRS:
        if ((rc = nda_cusolver_need(m == n, op, "A must be square (m=%lld, n=%lld)", m, n, 0)) ||
            (rc = nda_cusolver_need(f >= 0 && f <= 2, op, "flag %lld is not 0 (N), 1 (T) or 2 (H)",
                                    f, 0, 0)))
            return rc;
        NDA_OPND("A", s->a, s->a_off, n, n, s->lda, s->a_stride, es, 0);
        NDA_OPND("ipiv", s->ipiv, s->ipiv_off, n, 1, NDA_LD1(n), s->ipiv_stride, 4, 0);
        NDA_OPND("B", s->b, s->b_off, n, k, s->ldb, s->b_stride, es, 1);
        break;
    case NDA_SOLVER_POTRF:
    case NDA_SOLVER_SYEVD:
        if ((rc = nda_cusolver_need(m == n, op, "A must be square (m=%lld, n=%lld)", m, n, 0)) ||
            (rc = nda_cusolver_need(k == 0, op, "k (%lld) must be 0", k, 0, 0)))
            return rc;
        if (s->op == NDA_SOLVER_POTRF &&
            (rc = nda_cusolver_need(f == 0, op, "flag %lld must be 0", f, 0, 0)))
            return rc;
        if (s->op == NDA_SOLVER_SYEVD &&
            (rc = nda_cusolver_need(f == 0 || f == 1, op,
                                    "flag %lld is not 0 (values) or 1 (vectors)", f, 0, 0)))
            return rc;
        NDA_OPND("A", s->a, s->a_off, n, n, s->lda, s->a_stride, es, 1);
        if (s->op == NDA_SOLVER_SYEVD)
            NDA_OPND("w", s->w, s->w_off, n, 1, NDA_LD1(n), s->w_stride, res, 1);
        break;
    case NDA_SOLVER_GEQRF:
        if ((rc = nda_cusolver_need(k == 0 && f == 0, op, "k (%lld) and flag (%lld) must be 0",
                                    k, f, 0)))
            return rc;
        NDA_OPND("A", s->a, s->a_off, m, n, s->lda, s->a_stride, es, 1);
        NDA_OPND("w", s->w, s->w_off, mn, 1, NDA_LD1(mn), s->w_stride, es, 1);
        break;
    case NDA_SOLVER_ORGQR:
        if ((rc = nda_cusolver_need(m >= n && n >= k, op, "needs m >= n >= k (m=%lld n=%lld k=%lld)",
                                    m, n, k)) ||
            (rc = nda_cusolver_need(f == 0, op, "flag %lld must be 0", f, 0, 0)))
            return rc;
        NDA_OPND("A", s->a, s->a_off, m, n, s->lda, s->a_stride, es, 1);
        NDA_OPND("w", s->w, s->w_off, k, 1, NDA_LD1(k), s->w_stride, es, 0);
        break;
    case NDA_SOLVER_GESVD:
        if ((rc = nda_cusolver_need(m >= n, op, "needs m >= n (m=%lld n=%lld)", m, n, 0)) ||
            (rc = nda_cusolver_need(k == 0, op, "k (%lld) must be 0", k, 0, 0)) ||
            (rc = nda_cusolver_need(f == 'A' || f == 'S' || f == 'N', op,
                                    "flag %lld is not 'A', 'S' or 'N'", f, 0, 0)))
            return rc;
        NDA_OPND("A", s->a, s->a_off, m, n, s->lda, s->a_stride, es, 1);
        NDA_OPND("w", s->w, s->w_off, n, 1, NDA_LD1(n), s->w_stride, res, 1);
        if (f != 'N') {
            NDA_OPND("B (U)", s->b, s->b_off, m, f == 'A' ? m : n, s->ldb, s->b_stride, es, 1);
            NDA_OPND("C (V^H)", s->c, s->c_off, n, n, s->ldc, s->c_stride, es, 1);
        }
        break;
    default:
        return nda_plugin_error_set(NDA_EVALUE, "solver: unknown op %d", (int)s->op);
    }
    /* info: `batch` int32, stride 1: one block of batch x 1. */
    NDA_OPND("info", s->info, s->info_off, s->batch, 1, NDA_LD1(s->batch), 0, 4, 1);
    x[n_ - 1].blocks = 1;
#undef NDA_OPND
#undef NDA_LD1
    *nx = n_;
    return NDA_OK;
}

/* ---- execution ---- */

static CUdeviceptr nda_cusolver_at(void *buf, size_t off, int64_t i, int64_t stride, size_t es)
{
    return ((const nda_cu_buffer *)buf)->ptr + off + (size_t)i * (size_t)stride * es;
}

#define NDA_CUSOLVER_P(x) ((void *)(uintptr_t)(x))

/* m == 0, n == 0 (or k == 0 for GETRS): info := 0, and GESVD 'A' with
 * n == 0 < m sets each U to the m x m identity (any orthogonal U is an
 * answer; LAPACK and cuSOLVER would leave it unset). Caller entered d. */
static int nda_cusolver_empty(nda_cu_device *d, const nda_solver_desc *s, size_t es)
{
    const nda_cu_driver *drv = nda_cu_drv();
    CUresult r;

    if ((r = drv->MemsetD32Async(nda_cusolver_at(s->info, s->info_off, 0, 0, 4), 0,
                                 (size_t)s->batch, d->stream)) != CUDA_SUCCESS)
        return nda_cu_error_cu(r, "cuMemsetD32Async", d);
    if (s->op != NDA_SOLVER_GESVD || s->flag != 'A' || s->m == 0)
        return NDA_OK;
    /* 1.0 is 0x3f800000 (float) or high word 0x3ff00000 (double), the real
     * part of a complex element coming first. */
    int dbl = s->type == NDA_LIB_F64 || s->type == NDA_LIB_C128;
    for (int64_t i = 0; i < s->batch; i++) {
        CUdeviceptr u = nda_cusolver_at(s->b, s->b_off, i, s->b_stride, es);
        for (int64_t j = 0; j < s->m; j++) {
            CUdeviceptr col = u + (size_t)j * (size_t)s->ldb * es;
            if ((r = drv->MemsetD8Async(col, 0, (size_t)s->m * es, d->stream)) != CUDA_SUCCESS)
                return nda_cu_error_cu(r, "cuMemsetD8Async", d);
            r = drv->MemsetD32Async(col + (size_t)j * es + (dbl ? 4 : 0),
                                    dbl ? 0x3ff00000u : 0x3f800000u, 1, d->stream);
            if (r != CUDA_SUCCESS)
                return nda_cu_error_cu(r, "cuMemsetD32Async", d);
        }
    }
    return NDA_OK;
}

/* "cusolverDn?getrf" with the precision letter in place of '?'. */
static const char *nda_cusolver_call_name(const char *call, int p, char *buf, size_t len)
{
    static const char letters[4] = {'S', 'D', 'C', 'Z'};
    snprintf(buf, len, "%s", call);
    char *q = strchr(buf, '?');
    if (q != NULL)
        *q = letters[p];
    return buf;
}

/* Queries the workspace (elements of es bytes) for the op; 0 for GETRS. */
static int nda_cusolver_lwork(nda_cusolver_handle h, const nda_solver_desc *s, int p, size_t es,
                              size_t res, int *lwork)
{
    int m = (int)s->m, n = (int)s->n, k = (int)s->k, lda = (int)s->lda;
    void *a = NDA_CUSOLVER_P(nda_cusolver_at(s->a, s->a_off, 0, 0, es));
    nda_cusolver_status st = NDA_CUSOLVER_SUCCESS;
    const char *call = "";

    *lwork = 0;
    switch (s->op) {
    case NDA_SOLVER_GETRF:
        call = "cusolverDn?getrf_bufferSize";
        st = nda_cusolver.getrf_bs[p](h, m, n, a, lda, lwork);
        break;
    case NDA_SOLVER_POTRF:
        call = "cusolverDn?potrf_bufferSize";
        st = nda_cusolver.potrf_bs[p](h, NDA_CUSOLVER_FILL_LOWER, n, a, lda, lwork);
        break;
    case NDA_SOLVER_SYEVD:
        call = p < 2 ? "cusolverDn?syevd_bufferSize" : "cusolverDn?heevd_bufferSize";
        st = nda_cusolver.syevd_bs[p](
            h, s->flag ? NDA_CUSOLVER_EIG_VECTOR : NDA_CUSOLVER_EIG_NOVECTOR,
            NDA_CUSOLVER_FILL_LOWER, n, a, lda,
            NDA_CUSOLVER_P(nda_cusolver_at(s->w, s->w_off, 0, 0, res)), lwork);
        break;
    case NDA_SOLVER_GEQRF:
        call = "cusolverDn?geqrf_bufferSize";
        st = nda_cusolver.geqrf_bs[p](h, m, n, a, lda, lwork);
        break;
    case NDA_SOLVER_ORGQR:
        call = p < 2 ? "cusolverDn?orgqr_bufferSize" : "cusolverDn?ungqr_bufferSize";
        /* k == 0 leaves w empty (maybe unallocated): tau is not read. */
        st = nda_cusolver.orgqr_bs[p](
            h, m, n, k, a, lda,
            k > 0 ? NDA_CUSOLVER_P(nda_cusolver_at(s->w, s->w_off, 0, 0, es)) : a, lwork);
        break;
    case NDA_SOLVER_GESVD:
        call = "cusolverDn?gesvd_bufferSize";
        st = nda_cusolver.gesvd_bs[p](h, m, n, lwork);
        break;
    default:
        break;
    }
    if (st != NDA_CUSOLVER_SUCCESS) {
        char name[64];
        return nda_cusolver_fail(st, nda_cusolver_call_name(call, p, name, sizeof name));
    }
    if (*lwork < 0) { /* the int workspace size overflowed: too big for the legacy API */
        char name[64];
        return nda_plugin_error_set(NDA_ENOTIMPL, "%s returned a negative workspace size %d",
                                    nda_cusolver_call_name(call, p, name, sizeof name), *lwork);
    }
    return NDA_OK;
}

/* Queues matrix i. */
static nda_cusolver_status nda_cusolver_one(nda_cusolver_handle h, const nda_solver_desc *s, int p,
                                            size_t es, size_t res, int64_t i, CUdeviceptr work,
                                            int lwork, const char **call)
{
    int m = (int)s->m, n = (int)s->n, k = (int)s->k, lda = (int)s->lda;
    void *a = NDA_CUSOLVER_P(nda_cusolver_at(s->a, s->a_off, i, s->a_stride, es));
    int *info = NDA_CUSOLVER_P(nda_cusolver_at(s->info, s->info_off, i, 1, 4));
    void *w = NDA_CUSOLVER_P(work);

    switch (s->op) {
    case NDA_SOLVER_GETRF:
        *call = "cusolverDn?getrf";
        return nda_cusolver.getrf[p](
            h, m, n, a, lda, w,
            NDA_CUSOLVER_P(nda_cusolver_at(s->ipiv, s->ipiv_off, i, s->ipiv_stride, 4)), info);
    case NDA_SOLVER_GETRS: {
        int trans = s->flag == 0 ? NDA_CUSOLVER_OP_N
                    : (s->flag == 1 || p < 2) ? NDA_CUSOLVER_OP_T /* real A^H = A^T */
                                              : NDA_CUSOLVER_OP_C;
        *call = "cusolverDn?getrs";
        return nda_cusolver.getrs[p](
            h, trans, n, k, a, lda,
            NDA_CUSOLVER_P(nda_cusolver_at(s->ipiv, s->ipiv_off, i, s->ipiv_stride, 4)),
            NDA_CUSOLVER_P(nda_cusolver_at(s->b, s->b_off, i, s->b_stride, es)), (int)s->ldb,
            info);
    }
    case NDA_SOLVER_POTRF:
        *call = "cusolverDn?potrf";
        return nda_cusolver.potrf[p](h, NDA_CUSOLVER_FILL_LOWER, n, a, lda, w, lwork, info);
    case NDA_SOLVER_SYEVD:
        *call = p < 2 ? "cusolverDn?syevd" : "cusolverDn?heevd";
        return nda_cusolver.syevd[p](
            h, s->flag ? NDA_CUSOLVER_EIG_VECTOR : NDA_CUSOLVER_EIG_NOVECTOR,
            NDA_CUSOLVER_FILL_LOWER, n, a, lda,
            NDA_CUSOLVER_P(nda_cusolver_at(s->w, s->w_off, i, s->w_stride, res)), w, lwork, info);
    case NDA_SOLVER_GEQRF:
        *call = "cusolverDn?geqrf";
        return nda_cusolver.geqrf[p](
            h, m, n, a, lda, NDA_CUSOLVER_P(nda_cusolver_at(s->w, s->w_off, i, s->w_stride, es)),
            w, lwork, info);
    case NDA_SOLVER_ORGQR:
        *call = p < 2 ? "cusolverDn?orgqr" : "cusolverDn?ungqr";
        return nda_cusolver.orgqr[p](
            h, m, n, k, a, lda,
            k > 0 ? NDA_CUSOLVER_P(nda_cusolver_at(s->w, s->w_off, i, s->w_stride, es)) : a, w,
            lwork, info);
    case NDA_SOLVER_GESVD: {
        signed char job = (signed char)s->flag;
        void *u = NULL, *vt = NULL;
        int ldu = m > 1 ? m : 1, ldvt = n > 1 ? n : 1;
        if (s->flag != 'N') {
            u = NDA_CUSOLVER_P(nda_cusolver_at(s->b, s->b_off, i, s->b_stride, es));
            vt = NDA_CUSOLVER_P(nda_cusolver_at(s->c, s->c_off, i, s->c_stride, es));
            ldu = (int)s->ldb;
            ldvt = (int)s->ldc;
        }
        *call = "cusolverDn?gesvd";
        return nda_cusolver.gesvd[p](
            h, job, job, m, n, a, lda,
            NDA_CUSOLVER_P(nda_cusolver_at(s->w, s->w_off, i, s->w_stride, res)), u, ldu, vt,
            ldvt, w, lwork, NULL, info);
    }
    default:
        *call = "?";
        return NDA_CUSOLVER_NOT_SUPPORTED;
    }
}

int nda_cu_solver(int dev, const nda_solver_desc *s)
{
    static const size_t sizes[] = {0, 2, 4, 8, 8, 16}; /* by nda_lib_type */
    static const size_t real_sizes[] = {0, 2, 4, 8, 4, 8};
    const char *op = nda_cusolver_op_name(s->op);
    nda_cusolver_operand x[6];
    nda_cusolver_handle h;
    nda_cu_device *d;
    CUdeviceptr work = 0;
    char name[64];
    int nx = 0, lwork = 0, p, rc, empty;
    size_t es, res;

    if ((rc = nda_cu_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    if (s->type < NDA_LIB_F16 || s->type > NDA_LIB_C128)
        return nda_plugin_error_set(NDA_EVALUE, "solver: %s: unknown element type %d", op,
                                    (int)s->type);
    if (s->type == NDA_LIB_F16)
        return nda_plugin_error_set(NDA_ENOTIMPL, "solver: cuSOLVER has no float16 %s", op);
    es = sizes[s->type];
    res = real_sizes[s->type];
    p = (int)s->type - (int)NDA_LIB_F32;
    if (dev >= NDA_CUSOLVER_MAX_DEVICES)
        return nda_plugin_error_set(NDA_ENODEV, "cuSOLVER adapter supports devices 0..%d",
                                    NDA_CUSOLVER_MAX_DEVICES - 1);
    if ((rc = nda_cusolver_plan(s, es, res, x, &nx)) != NDA_OK)
        return rc;
    {
        /* The _64 API would be needed past int. */
        int64_t big = s->m | s->n | s->k | s->lda;
        if (s->op == NDA_SOLVER_GETRS || (s->op == NDA_SOLVER_GESVD && s->flag != 'N'))
            big |= s->ldb;
        if (s->op == NDA_SOLVER_GESVD && s->flag != 'N')
            big |= s->ldc;
        if (big > INT32_MAX)
            return nda_plugin_error_set(
                NDA_ENOTIMPL, "solver: %s: sizes past 2**31 - 1 need cuSOLVER's 64-bit API", op);
    }
    if ((rc = nda_cusolver_operands_check(op, x, nx)) != NDA_OK)
        return rc;
    if (s->batch == 0)
        return NDA_OK;
    empty = s->n == 0 || (s->m == 0 && s->op != NDA_SOLVER_GETRS) ||
            (s->op == NDA_SOLVER_GETRS && s->k == 0);
    if (!empty && (rc = nda_plugin_library_load(&nda_cusolver_library)) != NDA_OK)
        return rc;
    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    if (empty) {
        rc = nda_cusolver_empty(d, s, es);
        goto out;
    }
    if ((rc = nda_cusolver_handle_get(d, &h)) != NDA_OK)
        goto out;
    if (s->op != NDA_SOLVER_GETRS) {
        if ((rc = nda_cusolver_lwork(h, s, p, es, res, &lwork)) != NDA_OK)
            goto out;
        if ((rc = nda_cusolver_work_get(d, (size_t)lwork * es, &work)) != NDA_OK)
            goto out;
    }
    for (int64_t i = 0; i < s->batch; i++) {
        const char *call = "";
        nda_cusolver_status st = nda_cusolver_one(h, s, p, es, res, i, work, lwork, &call);
        if (st != NDA_CUSOLVER_SUCCESS) {
            rc = nda_cusolver_fail(st, nda_cusolver_call_name(call, p, name, sizeof name));
            break;
        }
    }
out:
    nda_cu_device_leave(d);
    return rc;
}

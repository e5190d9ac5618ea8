/* A fake cuSOLVER (test double) for the CUDA plugin tests on machines without
 * a GPU: exactly the cusolverDn* entry points the plugin's adapter
 * resolves (cusolver_adapter.c), computing with the system's reference
 * LAPACK (dlopen("liblapack.so.3"), Fortran ABI) on host memory, as the
 * fake driver (fake_libcuda.c) hands out host addresses as device
 * pointers. Work runs synchronously.
 *
 * It is compiled against the toolkit's cusolverDn.h, so every signature
 * is cuSOLVER's own, and it keeps cuSOLVER's argument order and semantics
 * so that a wrong argument in the adapter gives a wrong answer or a failed
 * call in the test:
 *   - lda/ldb/ldu/ldvt >= max(1, rows), m >= n for gesvd, m >= n >= k for
 *     orgqr/ungqr, uplo / jobz / trans / jobu / jobvt values of cuSOLVER's
 *     enums, and lwork at least what the matching _bufferSize returned
 *     (CUSOLVER_STATUS_INVALID_VALUE otherwise, with the reason on stderr);
 *   - getrf and potrf use the workspace they are given (bufferSize asks for
 *     one though LAPACK needs none) and every workspace is overwritten with
 *     NaNs first, so a workspace aliasing an operand corrupts it;
 *   - devInfo receives LAPACK's info; gesvd's rwork may be NULL.
 * Once nda_fake_cusolver_attach() has been given the fake driver's
 * nda_fake_cuda_range and nda_fake_cuda_state, every matrix, vector,
 * workspace and info range must lie inside a live fake-driver allocation
 * and a context must be current on the calling thread, else the call fails
 * (CUSOLVER_STATUS_INVALID_VALUE / NOT_INITIALIZED). Handles must have a
 * stream set (the adapter binds each to its device stream).
 * nda_fake_cusolver_state() reports live handles and calls made.
 * Without liblapack.so.3, cusolverDnCreate fails with
 * CUSOLVER_STATUS_NOT_INITIALIZED. */
#define _GNU_SOURCE
#include <cusolverDn.h>

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define FAKE_MAGIC 0x50564c53u /* "SLVP" */

struct cusolverDnContext {
    unsigned magic;
    cudaStream_t stream;
};

/* Precisions: 0 s, 1 d, 2 c, 3 z. */
static const size_t fake_es[4] = {4, 8, 8, 16};
static const size_t fake_res[4] = {4, 8, 4, 8};

typedef void (*getrf_fn)(const int *m, const int *n, void *a, const int *lda, int *ipiv,
                         int *info);
typedef void (*getrs_fn)(const char *trans, const int *n, const int *nrhs, const void *a,
                         const int *lda, const int *ipiv, void *b, const int *ldb, int *info,
                         size_t);
typedef void (*potrf_fn)(const char *uplo, const int *n, void *a, const int *lda, int *info,
                         size_t);
typedef void (*syevd_fn)(const char *jobz, const char *uplo, const int *n, void *a,
                         const int *lda, void *w, void *work, const int *lwork, int *iwork,
                         const int *liwork, int *info, size_t, size_t);
typedef void (*heevd_fn)(const char *jobz, const char *uplo, const int *n, void *a,
                         const int *lda, void *w, void *work, const int *lwork, void *rwork,
                         const int *lrwork, int *iwork, const int *liwork, int *info, size_t,
                         size_t);
typedef void (*geqrf_fn)(const int *m, const int *n, void *a, const int *lda, void *tau,
                         void *work, const int *lwork, int *info);
typedef void (*orgqr_fn)(const int *m, const int *n, const int *k, void *a, const int *lda,
                         const void *tau, void *work, const int *lwork, int *info);
typedef void (*gesvd_r_fn)(const char *jobu, const char *jobvt, const int *m, const int *n,
                           void *a, const int *lda, void *s, void *u, const int *ldu, void *vt,
                           const int *ldvt, void *work, const int *lwork, int *info, size_t,
                           size_t);
typedef void (*gesvd_c_fn)(const char *jobu, const char *jobvt, const int *m, const int *n,
                           void *a, const int *lda, void *s, void *u, const int *ldu, void *vt,
                           const int *ldvt, void *work, const int *lwork, void *rwork, int *info,
                           size_t, size_t);

static struct {
    getrf_fn getrf[4];
    getrs_fn getrs[4];
    potrf_fn potrf[4];
    syevd_fn syevd[2]; /* s, d */
    heevd_fn heevd[2]; /* c, z */
    geqrf_fn geqrf[4];
    orgqr_fn orgqr[4]; /* sorgqr, dorgqr, cungqr, zungqr */
    gesvd_r_fn gesvd_r[2];
    gesvd_c_fn gesvd_c[2];
} lapack;

static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static int lapack_loaded;
static long fake_handles, fake_calls;
static int (*fake_range_fn)(unsigned long long p, size_t n);
static void (*fake_state_fn)(long *allocs, long *modules, int *depth);

EXPORT void nda_fake_cusolver_attach(int (*range)(unsigned long long, size_t),
                                     void (*state)(long *, long *, int *))
{
    fake_range_fn = range;
    fake_state_fn = state;
}

EXPORT void nda_fake_cusolver_state(long *live_handles, long *calls)
{
    pthread_mutex_lock(&fake_lock);
    *live_handles = fake_handles;
    *calls = fake_calls;
    pthread_mutex_unlock(&fake_lock);
}

static int lapack_load(void)
{
    static const char letters[] = "sdcz";
    struct {
        const char *base;
        void **slots;
        int first, count; /* precisions first..first+count-1 */
    } syms[] = {
        {"getrf", (void **)lapack.getrf, 0, 4}, {"getrs", (void **)lapack.getrs, 0, 4},
        {"potrf", (void **)lapack.potrf, 0, 4}, {"syevd", (void **)lapack.syevd, 0, 2},
        {"heevd", (void **)lapack.heevd, 2, 2}, {"geqrf", (void **)lapack.geqrf, 0, 4},
        {"orgqr", (void **)lapack.orgqr, 0, 2}, {"ungqr", (void **)lapack.orgqr + 2, 2, 2},
        {"gesvd", (void **)lapack.gesvd_r, 0, 2}, {"gesvd", (void **)lapack.gesvd_c, 2, 2},
    };
    int ok = 1;

    pthread_mutex_lock(&fake_lock);
    if (!lapack_loaded) {
        void *lib = dlopen("liblapack.so.3", RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL) {
            fprintf(stderr, "fake cuSOLVER: %s\n", dlerror());
            ok = 0;
        }
        for (size_t i = 0; ok && i < sizeof syms / sizeof syms[0]; i++)
            for (int p = 0; ok && p < syms[i].count; p++) {
                char name[32];
                snprintf(name, sizeof name, "%c%s_", letters[syms[i].first + p], syms[i].base);
                void *f = dlsym(lib, name);
                if (f == NULL) {
                    fprintf(stderr, "fake cuSOLVER: liblapack.so.3 has no %s\n", name);
                    ok = 0;
                }
                syms[i].slots[p] = f;
            }
        lapack_loaded = ok;
    }
    pthread_mutex_unlock(&fake_lock);
    return ok;
}

/* ---- checks ---- */

static cusolverStatus_t bad(const char *fn, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static cusolverStatus_t bad(const char *fn, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fake cuSOLVER: %s: ", fn);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CUSOLVER_STATUS_INVALID_VALUE;
}

/* A valid handle with a stream, called with a context current. */
static cusolverStatus_t enter(cusolverDnHandle_t h, const char *fn)
{
    int depth = 1;
    long a, m;

    if (h == NULL || h->magic != FAKE_MAGIC) {
        fprintf(stderr, "fake cuSOLVER: %s: invalid handle\n", fn);
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    }
    if (h->stream == NULL) {
        fprintf(stderr, "fake cuSOLVER: %s: handle has no stream (cusolverDnSetStream)\n", fn);
        return CUSOLVER_STATUS_INTERNAL_ERROR;
    }
    if (fake_state_fn != NULL)
        fake_state_fn(&a, &m, &depth);
    if (depth <= 0) {
        fprintf(stderr, "fake cuSOLVER: %s: no current context\n", fn);
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    }
    pthread_mutex_lock(&fake_lock);
    fake_calls++;
    pthread_mutex_unlock(&fake_lock);
    return CUSOLVER_STATUS_SUCCESS;
}

/* Bytes of a rows x cols column-major matrix with leading dimension ld. */
static size_t mat_bytes(int rows, int cols, int ld, size_t es)
{
    if (rows <= 0 || cols <= 0)
        return 0;
    return ((size_t)(cols - 1) * (size_t)ld + (size_t)rows) * es;
}

/* [p, p + n) is device memory (when the fake driver is attached); n == 0
 * needs nothing. */
static int dev_ok(const void *p, size_t n)
{
    if (n == 0)
        return 1;
    if (p == NULL)
        return 0;
    return fake_range_fn == NULL || fake_range_fn((unsigned long long)(uintptr_t)p, n);
}

#define NEED_DEV(fn, what, p, n)                                                               \
    do {                                                                                       \
        if (!dev_ok((p), (n)))                                                                 \
            return bad((fn), "%s (%zu bytes at %p) is not device memory", (what), (size_t)(n),  \
                       (const void *)(p));                                                     \
    } while (0)

static int imax1(int x) { return x > 1 ? x : 1; }

/* NaNs over a workspace before use. */
static void scribble(void *work, int lwork, size_t es)
{
    if (work != NULL && lwork > 0)
        memset(work, 0xFF, (size_t)lwork * es);
}

/* LAPACK's workspace query answer (work[0], real part) as an int. */
static int query_int(const void *w0, int p)
{
    double v = (p == 0 || p == 2) ? (double)*(const float *)w0 : *(const double *)w0;
    return v < 1 ? 1 : (int)ceil(v);
}

static cusolverStatus_t lapack_info(const char *fn, int info, int *dev_info)
{
    if (info < 0)
        return bad(fn, "LAPACK rejected argument %d", -info);
    *dev_info = info;
    return CUSOLVER_STATUS_SUCCESS;
}

/* ---- handles ---- */

EXPORT cusolverStatus_t cusolverDnCreate(cusolverDnHandle_t *handle)
{
    if (handle == NULL)
        return CUSOLVER_STATUS_INVALID_VALUE;
    if (!lapack_load())
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    *handle = calloc(1, sizeof **handle);
    if (*handle == NULL)
        return CUSOLVER_STATUS_ALLOC_FAILED;
    (*handle)->magic = FAKE_MAGIC;
    pthread_mutex_lock(&fake_lock);
    fake_handles++;
    pthread_mutex_unlock(&fake_lock);
    return CUSOLVER_STATUS_SUCCESS;
}

EXPORT cusolverStatus_t cusolverDnDestroy(cusolverDnHandle_t handle)
{
    if (handle == NULL || handle->magic != FAKE_MAGIC)
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    handle->magic = 0;
    free(handle);
    pthread_mutex_lock(&fake_lock);
    fake_handles--;
    pthread_mutex_unlock(&fake_lock);
    return CUSOLVER_STATUS_SUCCESS;
}

EXPORT cusolverStatus_t cusolverDnSetStream(cusolverDnHandle_t handle, cudaStream_t stream)
{
    if (handle == NULL || handle->magic != FAKE_MAGIC)
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    handle->stream = stream;
    return CUSOLVER_STATUS_SUCCESS;
}

/* ---- getrf ---- */

/* Not LAPACK's (it needs none): a workspace the caller must provide. */
static int getrf_lwork(int m, int n) { return m + n + 7; }

static cusolverStatus_t getrf_bs(cusolverDnHandle_t h, int p, int m, int n, int lda, int *lwork)
{
    const char *fn = "getrf_bufferSize";
    cusolverStatus_t s = enter(h, fn);
    (void)p;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (m < 0 || n < 0 || lda < imax1(m) || lwork == NULL)
        return bad(fn, "m=%d n=%d lda=%d", m, n, lda);
    *lwork = getrf_lwork(m, n);
    return CUSOLVER_STATUS_SUCCESS;
}

static cusolverStatus_t getrf(cusolverDnHandle_t h, int p, int m, int n, void *a, int lda,
                              void *work, int *ipiv, int *info)
{
    const char *fn = "getrf";
    cusolverStatus_t s = enter(h, fn);
    int linfo = 0, mn = m < n ? m : n;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (m < 0 || n < 0 || lda < imax1(m))
        return bad(fn, "m=%d n=%d lda=%d", m, n, lda);
    NEED_DEV(fn, "A", a, mat_bytes(m, n, lda, fake_es[p]));
    NEED_DEV(fn, "Workspace", work, (size_t)getrf_lwork(m, n) * fake_es[p]);
    NEED_DEV(fn, "devIpiv", ipiv, (size_t)mn * sizeof(int));
    NEED_DEV(fn, "devInfo", info, sizeof(int));
    scribble(work, getrf_lwork(m, n), fake_es[p]);
    if (m == 0 || n == 0) {
        *info = 0;
        return CUSOLVER_STATUS_SUCCESS;
    }
    lapack.getrf[p](&m, &n, a, &lda, ipiv, &linfo);
    return lapack_info(fn, linfo, info);
}

/* ---- getrs ---- */

static cusolverStatus_t getrs(cusolverDnHandle_t h, int p, cublasOperation_t trans, int n,
                              int nrhs, const void *a, int lda, const int *ipiv, void *b, int ldb,
                              int *info)
{
    const char *fn = "getrs";
    cusolverStatus_t s = enter(h, fn);
    int linfo = 0;
    char t;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    switch ((int)trans) {
    case CUBLAS_OP_N: t = 'N'; break;
    case CUBLAS_OP_T: t = 'T'; break;
    case CUBLAS_OP_C: t = 'C'; break;
    default: return bad(fn, "trans=%d", (int)trans);
    }
    if (n < 0 || nrhs < 0 || lda < imax1(n) || ldb < imax1(n))
        return bad(fn, "n=%d nrhs=%d lda=%d ldb=%d", n, nrhs, lda, ldb);
    NEED_DEV(fn, "A", a, mat_bytes(n, n, lda, fake_es[p]));
    NEED_DEV(fn, "devIpiv", ipiv, (size_t)n * sizeof(int));
    NEED_DEV(fn, "B", b, mat_bytes(n, nrhs, ldb, fake_es[p]));
    NEED_DEV(fn, "devInfo", info, sizeof(int));
    if (n == 0 || nrhs == 0) {
        *info = 0;
        return CUSOLVER_STATUS_SUCCESS;
    }
    lapack.getrs[p](&t, &n, &nrhs, a, &lda, ipiv, b, &ldb, &linfo, 1);
    return lapack_info(fn, linfo, info);
}

/* ---- potrf ---- */

static int potrf_lwork(int n) { return n + 3; }

static int uplo_char(cublasFillMode_t uplo, char *c)
{
    if ((int)uplo == CUBLAS_FILL_MODE_LOWER)
        *c = 'L';
    else if ((int)uplo == CUBLAS_FILL_MODE_UPPER)
        *c = 'U';
    else
        return 0;
    return 1;
}

static cusolverStatus_t potrf_bs(cusolverDnHandle_t h, int p, cublasFillMode_t uplo, int n,
                                 int lda, int *lwork)
{
    const char *fn = "potrf_bufferSize";
    cusolverStatus_t s = enter(h, fn);
    char u;
    (void)p;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (!uplo_char(uplo, &u) || n < 0 || lda < imax1(n) || lwork == NULL)
        return bad(fn, "uplo=%d n=%d lda=%d", (int)uplo, n, lda);
    *lwork = potrf_lwork(n);
    return CUSOLVER_STATUS_SUCCESS;
}

static cusolverStatus_t potrf(cusolverDnHandle_t h, int p, cublasFillMode_t uplo, int n, void *a,
                              int lda, void *work, int lwork, int *info)
{
    const char *fn = "potrf";
    cusolverStatus_t s = enter(h, fn);
    int linfo = 0;
    char u;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (!uplo_char(uplo, &u) || n < 0 || lda < imax1(n))
        return bad(fn, "uplo=%d n=%d lda=%d", (int)uplo, n, lda);
    if (lwork < potrf_lwork(n))
        return bad(fn, "Lwork %d < %d", lwork, potrf_lwork(n));
    NEED_DEV(fn, "A", a, mat_bytes(n, n, lda, fake_es[p]));
    NEED_DEV(fn, "Workspace", work, (size_t)lwork * fake_es[p]);
    NEED_DEV(fn, "devInfo", info, sizeof(int));
    scribble(work, lwork, fake_es[p]);
    if (n == 0) {
        *info = 0;
        return CUSOLVER_STATUS_SUCCESS;
    }
    lapack.potrf[p](&u, &n, a, &lda, &linfo, 1);
    return lapack_info(fn, linfo, info);
}

/* ---- syevd / heevd ---- */

/* LAPACK's workspace sizes for ?syevd / ?heevd. */
static void evd_query(int p, char jobz, char uplo, int n, int *lwork, int *lrwork, int *liwork)
{
    double w0[2] = {0, 0}, r0 = 0, dummy[4] = {0, 0, 0, 0};
    int q = -1, iw = 0, info = 0, lda = imax1(n);
    if (p < 2) {
        lapack.syevd[p](&jobz, &uplo, &n, dummy, &lda, dummy, w0, &q, &iw, &q, &info, 1, 1);
        *lrwork = 0;
    } else {
        lapack.heevd[p - 2](&jobz, &uplo, &n, dummy, &lda, dummy, w0, &q, &r0, &q, &iw, &q, &info,
                            1, 1);
        *lrwork = query_int(&r0, p == 2 ? 0 : 1);
    }
    *lwork = query_int(w0, p);
    *liwork = iw < 1 ? 1 : iw;
}

static int jobz_char(cusolverEigMode_t jobz, char *c)
{
    if ((int)jobz == CUSOLVER_EIG_MODE_NOVECTOR)
        *c = 'N';
    else if ((int)jobz == CUSOLVER_EIG_MODE_VECTOR)
        *c = 'V';
    else
        return 0;
    return 1;
}

static cusolverStatus_t syevd_bs(cusolverDnHandle_t h, int p, cusolverEigMode_t jobz,
                                 cublasFillMode_t uplo, int n, int lda, int *lwork)
{
    const char *fn = p < 2 ? "syevd_bufferSize" : "heevd_bufferSize";
    cusolverStatus_t s = enter(h, fn);
    int lr, li;
    char j, u;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (!jobz_char(jobz, &j) || !uplo_char(uplo, &u) || n < 0 || lda < imax1(n) || !lwork)
        return bad(fn, "jobz=%d uplo=%d n=%d lda=%d", (int)jobz, (int)uplo, n, lda);
    evd_query(p, j, u, n, lwork, &lr, &li);
    return CUSOLVER_STATUS_SUCCESS;
}

static cusolverStatus_t syevd(cusolverDnHandle_t h, int p, cusolverEigMode_t jobz,
                              cublasFillMode_t uplo, int n, void *a, int lda, void *w, void *work,
                              int lwork, int *info)
{
    const char *fn = p < 2 ? "syevd" : "heevd";
    cusolverStatus_t s = enter(h, fn);
    int need, lrwork, liwork, linfo = 0;
    char j, u;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (!jobz_char(jobz, &j) || !uplo_char(uplo, &u) || n < 0 || lda < imax1(n))
        return bad(fn, "jobz=%d uplo=%d n=%d lda=%d", (int)jobz, (int)uplo, n, lda);
    evd_query(p, j, u, n, &need, &lrwork, &liwork);
    if (lwork < need)
        return bad(fn, "lwork %d < %d", lwork, need);
    NEED_DEV(fn, "A", a, mat_bytes(n, n, lda, fake_es[p]));
    NEED_DEV(fn, "W", w, (size_t)n * fake_res[p]);
    NEED_DEV(fn, "work", work, (size_t)lwork * fake_es[p]);
    NEED_DEV(fn, "info", info, sizeof(int));
    scribble(work, lwork, fake_es[p]);
    if (n == 0) {
        *info = 0;
        return CUSOLVER_STATUS_SUCCESS;
    }
    int *iwork = malloc((size_t)liwork * sizeof(int));
    void *rwork = malloc((size_t)(lrwork > 0 ? lrwork : 1) * fake_res[p]);
    if (iwork == NULL || rwork == NULL) {
        free(iwork);
        free(rwork);
        return CUSOLVER_STATUS_ALLOC_FAILED;
    }
    if (p < 2)
        lapack.syevd[p](&j, &u, &n, a, &lda, w, work, &lwork, iwork, &liwork, &linfo, 1, 1);
    else
        lapack.heevd[p - 2](&j, &u, &n, a, &lda, w, work, &lwork, rwork, &lrwork, iwork, &liwork,
                            &linfo, 1, 1);
    free(iwork);
    free(rwork);
    return lapack_info(fn, linfo, info);
}

/* ---- geqrf ---- */

static int geqrf_query(int p, int m, int n)
{
    double w0[2] = {0, 0}, dummy[4] = {0, 0, 0, 0};
    int q = -1, info = 0, lda = imax1(m);
    lapack.geqrf[p](&m, &n, dummy, &lda, dummy, w0, &q, &info);
    return query_int(w0, p);
}

static cusolverStatus_t geqrf_bs(cusolverDnHandle_t h, int p, int m, int n, int lda, int *lwork)
{
    const char *fn = "geqrf_bufferSize";
    cusolverStatus_t s = enter(h, fn);
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (m < 0 || n < 0 || lda < imax1(m) || lwork == NULL)
        return bad(fn, "m=%d n=%d lda=%d", m, n, lda);
    *lwork = geqrf_query(p, m, n);
    return CUSOLVER_STATUS_SUCCESS;
}

static cusolverStatus_t geqrf(cusolverDnHandle_t h, int p, int m, int n, void *a, int lda,
                              void *tau, void *work, int lwork, int *info)
{
    const char *fn = "geqrf";
    cusolverStatus_t s = enter(h, fn);
    int need, linfo = 0, mn = m < n ? m : n;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (m < 0 || n < 0 || lda < imax1(m))
        return bad(fn, "m=%d n=%d lda=%d", m, n, lda);
    need = geqrf_query(p, m, n);
    if (lwork < need)
        return bad(fn, "Lwork %d < %d", lwork, need);
    NEED_DEV(fn, "A", a, mat_bytes(m, n, lda, fake_es[p]));
    NEED_DEV(fn, "TAU", tau, (size_t)mn * fake_es[p]);
    NEED_DEV(fn, "Workspace", work, (size_t)lwork * fake_es[p]);
    NEED_DEV(fn, "devInfo", info, sizeof(int));
    scribble(work, lwork, fake_es[p]);
    if (m == 0 || n == 0) {
        *info = 0;
        return CUSOLVER_STATUS_SUCCESS;
    }
    lapack.geqrf[p](&m, &n, a, &lda, tau, work, &lwork, &linfo);
    return lapack_info(fn, linfo, info);
}

/* ---- orgqr / ungqr ---- */

static int orgqr_query(int p, int m, int n, int k)
{
    double w0[2] = {0, 0}, dummy[4] = {0, 0, 0, 0};
    int q = -1, info = 0, lda = imax1(m);
    lapack.orgqr[p](&m, &n, &k, dummy, &lda, dummy, w0, &q, &info);
    return query_int(w0, p);
}

static cusolverStatus_t orgqr_bs(cusolverDnHandle_t h, int p, int m, int n, int k, int lda,
                                 int *lwork)
{
    const char *fn = p < 2 ? "orgqr_bufferSize" : "ungqr_bufferSize";
    cusolverStatus_t s = enter(h, fn);
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (k < 0 || n < k || m < n || lda < imax1(m) || lwork == NULL)
        return bad(fn, "m=%d n=%d k=%d lda=%d", m, n, k, lda);
    *lwork = orgqr_query(p, m, n, k);
    return CUSOLVER_STATUS_SUCCESS;
}

static cusolverStatus_t orgqr(cusolverDnHandle_t h, int p, int m, int n, int k, void *a, int lda,
                              const void *tau, void *work, int lwork, int *info)
{
    const char *fn = p < 2 ? "orgqr" : "ungqr";
    cusolverStatus_t s = enter(h, fn);
    int need, linfo = 0;
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (k < 0 || n < k || m < n || lda < imax1(m))
        return bad(fn, "m=%d n=%d k=%d lda=%d", m, n, k, lda);
    need = orgqr_query(p, m, n, k);
    if (lwork < need)
        return bad(fn, "lwork %d < %d", lwork, need);
    NEED_DEV(fn, "A", a, mat_bytes(m, n, lda, fake_es[p]));
    NEED_DEV(fn, "tau", tau, (size_t)k * fake_es[p]);
    NEED_DEV(fn, "work", work, (size_t)lwork * fake_es[p]);
    NEED_DEV(fn, "info", info, sizeof(int));
    scribble(work, lwork, fake_es[p]);
    if (n == 0) {
        *info = 0;
        return CUSOLVER_STATUS_SUCCESS;
    }
    lapack.orgqr[p](&m, &n, &k, a, &lda, tau, work, &lwork, &linfo);
    return lapack_info(fn, linfo, info);
}

/* ---- gesvd ---- */

static int gesvd_query(int p, char ju, char jv, int m, int n)
{
    double w0[2] = {0, 0}, dummy[4] = {0, 0, 0, 0}, rdummy[4] = {0, 0, 0, 0};
    int q = -1, info = 0, lda = imax1(m), ldu = imax1(m), ldvt = imax1(n);
    if (p < 2)
        lapack.gesvd_r[p](&ju, &jv, &m, &n, dummy, &lda, dummy, dummy, &ldu, dummy, &ldvt, w0, &q,
                          &info, 1, 1);
    else
        lapack.gesvd_c[p - 2](&ju, &jv, &m, &n, dummy, &lda, dummy, dummy, &ldu, dummy, &ldvt, w0,
                              &q, rdummy, &info, 1, 1);
    return query_int(w0, p);
}

/* Enough for every job pair (cuSOLVER's query does not know the jobs). */
static int gesvd_lwork(int p, int m, int n)
{
    static const char jobs[] = "ASON";
    int best = 1;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            if (jobs[i] == 'O' && jobs[j] == 'O')
                continue;
            int q = gesvd_query(p, jobs[i], jobs[j], m, n);
            if (q > best)
                best = q;
        }
    return best;
}

static cusolverStatus_t gesvd_bs(cusolverDnHandle_t h, int p, int m, int n, int *lwork)
{
    const char *fn = "gesvd_bufferSize";
    cusolverStatus_t s = enter(h, fn);
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (m < n || n < 0 || lwork == NULL)
        return bad(fn, "m=%d n=%d (cuSOLVER's gesvd needs m >= n)", m, n);
    *lwork = gesvd_lwork(p, m, n);
    return CUSOLVER_STATUS_SUCCESS;
}

static int job_ok(signed char j) { return j == 'A' || j == 'S' || j == 'O' || j == 'N'; }

static cusolverStatus_t gesvd(cusolverDnHandle_t h, int p, signed char jobu, signed char jobvt,
                              int m, int n, void *a, int lda, void *sv, void *u, int ldu, void *vt,
                              int ldvt, void *work, int lwork, void *rwork, int *info)
{
    const char *fn = "gesvd";
    cusolverStatus_t s = enter(h, fn);
    int need, linfo = 0, mn = m < n ? m : n, ucols, vtrows;
    char ju = (char)jobu, jv = (char)jobvt;
    double udummy[2], vtdummy[2];
    if (s != CUSOLVER_STATUS_SUCCESS)
        return s;
    if (!job_ok(jobu) || !job_ok(jobvt) || (jobu == 'O' && jobvt == 'O'))
        return bad(fn, "jobu=%d jobvt=%d", jobu, jobvt);
    if (m < n || n < 0 || lda < imax1(m))
        return bad(fn, "m=%d n=%d lda=%d (cuSOLVER's gesvd needs m >= n)", m, n, lda);
    ucols = ju == 'A' ? m : ju == 'S' ? mn : 0;
    vtrows = jv == 'A' ? n : jv == 'S' ? mn : 0;
    if (ldu < (ucols > 0 ? imax1(m) : 1) || ldvt < imax1(vtrows))
        return bad(fn, "ldu=%d ldvt=%d for jobu=%c jobvt=%c m=%d n=%d", ldu, ldvt, ju, jv, m, n);
    need = gesvd_lwork(p, m, n);
    if (lwork < need)
        return bad(fn, "lwork %d < %d", lwork, need);
    NEED_DEV(fn, "A", a, mat_bytes(m, n, lda, fake_es[p]));
    NEED_DEV(fn, "S", sv, (size_t)mn * fake_res[p]);
    NEED_DEV(fn, "U", u, mat_bytes(m, ucols, ldu, fake_es[p]));
    NEED_DEV(fn, "VT", vt, mat_bytes(vtrows, n, ldvt, fake_es[p]));
    NEED_DEV(fn, "work", work, (size_t)lwork * fake_es[p]);
    NEED_DEV(fn, "info", info, sizeof(int));
    if (rwork != NULL)
        NEED_DEV(fn, "rwork", rwork, (size_t)(mn > 1 ? mn - 1 : 0) * fake_res[p]);
    scribble(work, lwork, fake_es[p]);
    if (m == 0 || n == 0) {
        *info = 0;
        return CUSOLVER_STATUS_SUCCESS;
    }
    /* Unreferenced U / VT (jobs 'N', 'O'): LAPACK still wants an array. */
    if (ucols == 0)
        u = udummy;
    if (vtrows == 0)
        vt = vtdummy;
    if (p < 2) {
        lapack.gesvd_r[p](&ju, &jv, &m, &n, a, &lda, sv, u, &ldu, vt, &ldvt, work, &lwork, &linfo,
                          1, 1);
        /* Unconverged superdiagonal: LAPACK's WORK(2:min(m,n)). */
        if (rwork != NULL && mn > 1)
            memcpy(rwork, (char *)work + fake_es[p], (size_t)(mn - 1) * fake_res[p]);
    } else {
        void *rw = malloc((size_t)(5 * mn > 0 ? 5 * mn : 1) * fake_res[p]);
        if (rw == NULL)
            return CUSOLVER_STATUS_ALLOC_FAILED;
        lapack.gesvd_c[p - 2](&ju, &jv, &m, &n, a, &lda, sv, u, &ldu, vt, &ldvt, work, &lwork, rw,
                              &linfo, 1, 1);
        if (rwork != NULL && mn > 1)
            memcpy(rwork, rw, (size_t)(mn - 1) * fake_res[p]);
        free(rw);
    }
    return lapack_info(fn, linfo, info);
}

/* ---- the exported typed entry points ---- */

#define FAKE_TYPED(L, P, T, R)                                                                    \
    EXPORT cusolverStatus_t cusolverDn##L##getrf_bufferSize(cusolverDnHandle_t h, int m, int n,  \
                                                            T *A, int lda, int *Lwork)           \
    {                                                                                             \
        (void)A;                                                                                  \
        return getrf_bs(h, P, m, n, lda, Lwork);                                                  \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##getrf(cusolverDnHandle_t h, int m, int n, T *A,       \
                                                 int lda, T *Workspace, int *devIpiv,            \
                                                 int *devInfo)                                    \
    {                                                                                             \
        return getrf(h, P, m, n, A, lda, Workspace, devIpiv, devInfo);                            \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##getrs(cusolverDnHandle_t h, cublasOperation_t trans,  \
                                                 int n, int nrhs, const T *A, int lda,           \
                                                 const int *devIpiv, T *B, int ldb,              \
                                                 int *devInfo)                                    \
    {                                                                                             \
        return getrs(h, P, trans, n, nrhs, A, lda, devIpiv, B, ldb, devInfo);                     \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##potrf_bufferSize(                                      \
        cusolverDnHandle_t h, cublasFillMode_t uplo, int n, T *A, int lda, int *Lwork)            \
    {                                                                                             \
        (void)A;                                                                                  \
        return potrf_bs(h, P, uplo, n, lda, Lwork);                                               \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##potrf(cusolverDnHandle_t h, cublasFillMode_t uplo,    \
                                                 int n, T *A, int lda, T *Workspace, int Lwork,  \
                                                 int *devInfo)                                    \
    {                                                                                             \
        return potrf(h, P, uplo, n, A, lda, Workspace, Lwork, devInfo);                           \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##geqrf_bufferSize(cusolverDnHandle_t h, int m, int n,  \
                                                            T *A, int lda, int *lwork)           \
    {                                                                                             \
        (void)A;                                                                                  \
        return geqrf_bs(h, P, m, n, lda, lwork);                                                  \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##geqrf(cusolverDnHandle_t h, int m, int n, T *A,       \
                                                 int lda, T *TAU, T *Workspace, int Lwork,       \
                                                 int *devInfo)                                    \
    {                                                                                             \
        return geqrf(h, P, m, n, A, lda, TAU, Workspace, Lwork, devInfo);                         \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##gesvd_bufferSize(cusolverDnHandle_t h, int m, int n,  \
                                                            int *lwork)                          \
    {                                                                                             \
        return gesvd_bs(h, P, m, n, lwork);                                                       \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##gesvd(                                                 \
        cusolverDnHandle_t h, signed char jobu, signed char jobvt, int m, int n, T *A, int lda,   \
        R *S, T *U, int ldu, T *VT, int ldvt, T *work, int lwork, R *rwork, int *info)            \
    {                                                                                             \
        return gesvd(h, P, jobu, jobvt, m, n, A, lda, S, U, ldu, VT, ldvt, work, lwork, rwork,    \
                     info);                                                                       \
    }

/* syevd/heevd and orgqr/ungqr: the name differs between real and complex. */
#define FAKE_EIG_QR(L, P, T, R, EV, QR)                                                           \
    EXPORT cusolverStatus_t cusolverDn##L##EV##_bufferSize(                                       \
        cusolverDnHandle_t h, cusolverEigMode_t jobz, cublasFillMode_t uplo, int n, const T *A,   \
        int lda, const R *W, int *lwork)                                                          \
    {                                                                                             \
        (void)A;                                                                                  \
        (void)W;                                                                                  \
        return syevd_bs(h, P, jobz, uplo, n, lda, lwork);                                         \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##EV(cusolverDnHandle_t h, cusolverEigMode_t jobz,      \
                                              cublasFillMode_t uplo, int n, T *A, int lda, R *W, \
                                              T *work, int lwork, int *info)                      \
    {                                                                                             \
        return syevd(h, P, jobz, uplo, n, A, lda, W, work, lwork, info);                          \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##QR##_bufferSize(cusolverDnHandle_t h, int m, int n,   \
                                                           int k, const T *A, int lda,           \
                                                           const T *tau, int *lwork)             \
    {                                                                                             \
        (void)A;                                                                                  \
        (void)tau;                                                                                \
        return orgqr_bs(h, P, m, n, k, lda, lwork);                                               \
    }                                                                                             \
    EXPORT cusolverStatus_t cusolverDn##L##QR(cusolverDnHandle_t h, int m, int n, int k, T *A,   \
                                              int lda, const T *tau, T *work, int lwork,         \
                                              int *info)                                          \
    {                                                                                             \
        return orgqr(h, P, m, n, k, A, lda, tau, work, lwork, info);                              \
    }

FAKE_TYPED(S, 0, float, float)
FAKE_TYPED(D, 1, double, double)
FAKE_TYPED(C, 2, cuComplex, float)
FAKE_TYPED(Z, 3, cuDoubleComplex, double)
FAKE_EIG_QR(S, 0, float, float, syevd, orgqr)
FAKE_EIG_QR(D, 1, double, double, syevd, orgqr)
FAKE_EIG_QR(C, 2, cuComplex, float, heevd, ungqr)
FAKE_EIG_QR(Z, 3, cuDoubleComplex, double, heevd, ungqr)

/* Tests the CUDA backend plugin through its ops table, as the core would:
 * dlopen the shared object, call nda_backend_entry, drive every member.
 *
 * Without a CUDA driver (the usual CI machine) it checks that init fails
 * cleanly with a message naming the CUDA driver, that the toolkit's stub
 * libcuda is refused, and that every entry point (ops table, cuBLAS and
 * cuFFT tables) then answers NDA_ENODEV instead of crashing; then it runs
 * the device checks against libcuda_fake.so (a host-memory test double),
 * and the dense-solver checks against libcusolver_fake.so (LAPACK behind
 * cuSOLVER's API). With a driver and a GPU it runs the OpenCL plugin
 * test's conformance checks plus one SGEMM and one C2C FFT through the
 * cuda_libs.h adapters, and the solver checks against the real cuSOLVER.
 *
 * Usage: cuda_backend_test [path/to/libndaccel_cuda.so]
 * Without an argument the plugin is looked up in the Bazel runfiles. */
#define _POSIX_C_SOURCE 200809L
#include <complex.h>
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/cuda/cuda_libs.h"
#include "nda/backend.h"
#include "nda/error.h"

static int g_passed, g_failed;
static int g_err_code;
static char g_err_msg[8192];

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (cond) {                                                                 \
            g_passed++;                                                             \
        } else {                                                                    \
            g_failed++;                                                             \
            fprintf(stderr, "FAIL %s:%d: %s (last error %d: %s)\n", __FILE__,       \
                    __LINE__, #cond, g_err_code, g_err_msg);                        \
        }                                                                           \
    } while (0)

/* The fake host: records the last error. */
static int fake_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    g_err_code = code;
    va_start(ap, fmt);
    vsnprintf(g_err_msg, sizeof g_err_msg, fmt, ap);
    va_end(ap);
    return code;
}

static const nda_host_api fake_host = {NDA_BACKEND_ABI_VERSION, fake_error_set};

static void err_clear(void)
{
    g_err_code = 0;
    g_err_msg[0] = '\0';
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *k_source =
    "extern \"C\" __global__ void k(float *x, float a, unsigned n){ "
    "unsigned i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) x[i] = x[i] * a + 1; }\n";

/* ---------------------------------------------------------------------- */
/* Without a driver                                                        */

static void test_no_driver(const nda_backend_ops *ops, const nda_cuda_blas *blas,
                           const nda_cuda_fft *fft)
{
    void *buf = (void *)1, *prog = (void *)1, *bin = NULL;
    char *log = NULL, tag[256];
    nda_device_info info;
    int count = -1;
    size_t nbin = 0;

    CHECK(ops->device_count(&count) == NDA_OK && count == 0);
    err_clear();
    CHECK(ops->device_info(0, &info) == NDA_ENODEV && g_err_msg[0] != '\0');
    CHECK(ops->buffer_alloc(0, 64, &buf) == NDA_ENODEV && buf == NULL);
    CHECK(ops->cache_tag(0, tag, sizeof tag) == NDA_ENODEV);
    CHECK(ops->program_build(0, k_source, NULL, &prog, &log) == NDA_ENODEV && prog == NULL);
    free(log);
    CHECK(ops->program_load(0, "x", 1, &prog) == NDA_ENODEV && prog == NULL);
    CHECK(ops->program_binary(0, NULL, &bin, &nbin) == NDA_ENODEV && bin == NULL);
    CHECK(ops->synchronize(0) == NDA_ENODEV);
    ops->buffer_free(0, NULL);
    ops->program_free(0, NULL);

    /* The adapters: NDA_ENODEV before touching any library. */
    err_clear();
    CHECK(blas->sgemm(0, 0, 0, 4, 4, 4, 1.0f, NULL, 0, 4, NULL, 0, 4, 0.0f, NULL, 0, 4) ==
          NDA_ENODEV);
    CHECK(blas->dgemm(0, 0, 0, 4, 4, 4, 1.0, NULL, 0, 4, NULL, 0, 4, 0.0, NULL, 0, 4) ==
          NDA_ENODEV);
    CHECK(fft->c2c(0, 8, 1, NULL, 0, NULL, 0, 0) == NDA_ENODEV);
    CHECK(fft->z2z(0, 8, 1, NULL, 0, NULL, 0, 1) == NDA_ENODEV);
    CHECK(strstr(g_err_msg, "not initialised") != NULL);
    {
        nda_solver_desc s;
        memset(&s, 0, sizeof s);
        s.op = NDA_SOLVER_GETRF;
        s.type = NDA_LIB_F64;
        s.m = s.n = s.lda = 4;
        s.batch = 1;
        err_clear();
        CHECK(ops->solver != NULL && ops->solver(0, &s) == NDA_ENODEV);
    }

    /* Loading the libraries needs no driver. A missing library is fine on a
     * machine without them; a library without our symbols is not. */
    err_clear();
    int rc = blas->load();
    printf("info: cuBLAS load: %s\n", rc == NDA_OK ? "ok" : g_err_msg);
    CHECK(rc == NDA_OK || (rc == NDA_ENODEV && strstr(g_err_msg, "not found") != NULL));
    err_clear();
    rc = fft->load();
    printf("info: cuFFT load: %s\n", rc == NDA_OK ? "ok" : g_err_msg);
    CHECK(rc == NDA_OK || (rc == NDA_ENODEV && strstr(g_err_msg, "not found") != NULL));
    CHECK(fft->load() == rc); /* repeated loads are cheap and stable */

    ops->shutdown(); /* after a failed init: a no-op */
    CHECK(ops->device_count(&count) == NDA_OK && count == 0);
}

/* The toolkit's stub libcuda (for linking only) must never be used. */
static void test_stub_refused(const nda_backend_ops *ops)
{
#ifdef NDA_CUDA_PATH
    char stub[1024];
    snprintf(stub, sizeof stub, "%s/lib64/stubs/libcuda.so", NDA_CUDA_PATH);
    if (access(stub, R_OK) != 0) {
        printf("info: no stub libcuda at %s: stub check skipped\n", stub);
        return;
    }
    setenv("NDACCEL_CUDA_DRIVER", stub, 1);
    err_clear();
    CHECK(ops->init(&fake_host) == NDA_ENODEV);
    CHECK(strstr(g_err_msg, "stub") != NULL && strstr(g_err_msg, "CUDA driver") != NULL);
    printf("info: stub driver -> %s\n", g_err_msg);
    unsetenv("NDACCEL_CUDA_DRIVER");
    err_clear();
    CHECK(ops->init(&fake_host) != NDA_OK); /* still no driver, still clean */
    CHECK(strstr(g_err_msg, "CUDA driver") != NULL);
#else
    (void)ops;
#endif
}

/* ---------------------------------------------------------------------- */
/* With a GPU                                                              */

static void test_info(const nda_backend_ops *ops)
{
    nda_device_info info;
    char tag[2048];
    int count = 0;

    CHECK(ops->device_count(&count) == NDA_OK);
    CHECK(count >= 1);
    CHECK(ops->device_info(0, &info) == NDA_OK);
    CHECK(info.name[0] != '\0');
    CHECK(info.vendor[0] != '\0');
    CHECK(info.platform[0] != '\0');
    CHECK(info.driver_version[0] != '\0');
    CHECK(info.is_gpu == 1 && info.has_fp64 == 1);
    CHECK(info.global_mem_bytes > 0);
    CHECK(info.max_alloc_bytes > 0 && info.max_alloc_bytes <= info.global_mem_bytes);
    CHECK(info.max_work_group_size >= 256);
    CHECK(info.compute_units >= 1);
    printf("info: device 0: %s | %s | driver %s | %s | gpu=%d fp64=%d fp16=%d mem=%llu "
           "maxalloc=%llu wg=%zu cu=%d\n",
           info.name, info.vendor, info.driver_version, info.platform, info.is_gpu,
           info.has_fp64, info.has_fp16, (unsigned long long)info.global_mem_bytes,
           (unsigned long long)info.max_alloc_bytes, info.max_work_group_size,
           info.compute_units);

    CHECK(ops->cache_tag(0, tag, sizeof tag) == NDA_OK);
    CHECK(strncmp(tag, "cuda|", 5) == 0 && strstr(tag, "|sm_") && strstr(tag, "|nvrtc "));
    printf("info: cache tag: %s\n", tag);
    err_clear();
    CHECK(ops->cache_tag(0, tag, 8) == NDA_EVALUE);

    err_clear();
    CHECK(ops->device_info(count, &info) == NDA_ENODEV);
    CHECK(g_err_msg[0] != '\0');
}

static void test_memory(const nda_backend_ops *ops)
{
    enum { N = 4096 };
    unsigned char *src = malloc(N), *dst = malloc(N), *ref = malloc(N);
    void *a = NULL, *b = NULL;

    for (int i = 0; i < N; i++)
        src[i] = (unsigned char)(i * 7 + 3);
    CHECK(ops->buffer_alloc(0, N, &a) == NDA_OK && a != NULL);
    CHECK(ops->buffer_alloc(0, N, &b) == NDA_OK && b != NULL);

    /* to device at an offset, back from the same offset */
    CHECK(ops->copy_to_device(0, a, 100, src, 1000) == NDA_OK);
    memset(dst, 0, N);
    CHECK(ops->copy_to_host(0, dst, a, 100, 1000) == NDA_OK);
    CHECK(memcmp(dst, src, 1000) == 0);

    /* device to device with offsets */
    CHECK(ops->copy_to_device(0, b, 0, src, N) == NDA_OK);
    CHECK(ops->copy_device(0, b, 17, a, 100, 1000) == NDA_OK);
    CHECK(ops->copy_to_host(0, dst, b, 0, N) == NDA_OK);
    CHECK(memcmp(dst, src, 17) == 0);
    CHECK(memcmp(dst + 17, src, 1000) == 0);
    CHECK(memcmp(dst + 1017, src + 1017, N - 1017) == 0);

    /* overlapping copies inside one buffer behave like memmove */
    for (int dir = 0; dir < 2; dir++) {
        size_t so = dir ? 10 : 0, dof = dir ? 0 : 10;
        memcpy(ref, src, N);
        memmove(ref + dof, ref + so, 2000);
        CHECK(ops->copy_to_device(0, a, 0, src, N) == NDA_OK);
        CHECK(ops->copy_device(0, a, dof, a, so, 2000) == NDA_OK);
        CHECK(ops->copy_to_host(0, dst, a, 0, N) == NDA_OK);
        CHECK(memcmp(dst, ref, N) == 0);
    }

    /* zero-byte operations are no-ops */
    CHECK(ops->copy_to_device(0, a, 0, src, 0) == NDA_OK);
    CHECK(ops->copy_to_host(0, dst, a, 0, 0) == NDA_OK);
    CHECK(ops->copy_device(0, b, 0, a, 0, 0) == NDA_OK);

    /* out-of-range copies are errors, not crashes or silent writes */
    err_clear();
    CHECK(ops->copy_to_host(0, dst, a, N - 10, 20) == NDA_EVALUE);
    CHECK(strstr(g_err_msg, "outside the 4096-byte buffer") != NULL);
    CHECK(ops->copy_to_device(0, a, N, src, 1) == NDA_EVALUE);
    CHECK(ops->copy_device(0, a, 0, b, 1, N) == NDA_EVALUE);
    CHECK(ops->fill(0, a, N - 2, src, 4, 4) == NDA_EVALUE);

    ops->buffer_free(0, a);
    ops->buffer_free(0, b);
    free(src);
    free(dst);
    free(ref);
}

/* Fills [off, off+nbytes) of a buffer pre-set to 0xEE and checks every byte. */
static int fill_case(const nda_backend_ops *ops, void *buf, size_t cap, size_t off,
                     size_t psize, size_t nbytes)
{
    unsigned char pat[16], *host = malloc(cap);
    int ok = 1;

    for (size_t k = 0; k < psize; k++)
        pat[k] = (unsigned char)(0x11 * (k + 1) + psize);
    memset(host, 0xEE, cap);
    if (ops->copy_to_device(0, buf, 0, host, cap) != NDA_OK ||
        ops->fill(0, buf, off, pat, psize, nbytes) != NDA_OK ||
        ops->copy_to_host(0, host, buf, 0, cap) != NDA_OK) {
        free(host);
        return 0;
    }
    for (size_t i = 0; i < cap; i++) {
        unsigned char want = (i >= off && i < off + nbytes) ? pat[(i - off) % psize] : 0xEE;
        if (host[i] != want) {
            fprintf(stderr, "fill psize=%zu off=%zu n=%zu: byte %zu is %02x, want %02x\n",
                    psize, off, nbytes, i, host[i], want);
            ok = 0;
            break;
        }
    }
    free(host);
    return ok;
}

static void test_fill(const nda_backend_ops *ops)
{
    enum { CAP = 1024 };
    static const size_t sizes[] = {1, 2, 4, 8, 16};
    void *buf = NULL;
    unsigned char pat[32] = {0};

    CHECK(ops->buffer_alloc(0, CAP, &buf) == NDA_OK);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t ps = sizes[s];
        CHECK(fill_case(ops, buf, CAP, 0, ps, CAP));             /* whole buffer */
        CHECK(fill_case(ops, buf, CAP, 4 * ps, ps, 32 * ps));    /* aligned offset */
        CHECK(fill_case(ops, buf, CAP, 3, ps, 20 * ps));         /* unaligned offset */
        CHECK(fill_case(ops, buf, CAP, 1, ps, ps));              /* one pattern, unaligned */
        CHECK(fill_case(ops, buf, CAP, 5, ps, 37 * ps));         /* not a power of two */
    }
    CHECK(ops->fill(0, buf, 0, pat, 4, 0) == NDA_OK);
    err_clear();
    CHECK(ops->fill(0, buf, 0, pat, 3, 9) == NDA_EVALUE);
    CHECK(ops->fill(0, buf, 0, pat, 32, 64) == NDA_EVALUE);
    ops->buffer_free(0, buf);
}

/* Runs kernel `k` on n floats (n not a multiple of 64) and checks
 * x[i] = x[i]*a + 1 and that nothing past n was touched. */
static int run_kernel(const nda_backend_ops *ops, void *kernel)
{
    enum { N = 1000, LOCAL = 64 };
    float host[N + 24];
    float a = 2.5f;
    uint32_t n = N;
    size_t global = (N + LOCAL - 1) / LOCAL * LOCAL;
    void *buf = NULL;
    int ok = 1;

    for (int i = 0; i < N + 24; i++)
        host[i] = (float)i;
    if (ops->buffer_alloc(0, sizeof host, &buf) != NDA_OK)
        return 0;
    nda_kernel_arg args[3] = {
        {NDA_ARG_BUFFER, sizeof(void *), buf},
        {NDA_ARG_SCALAR, sizeof a, &a},
        {NDA_ARG_SCALAR, sizeof n, &n},
    };
    ok = ops->copy_to_device(0, buf, 0, host, sizeof host) == NDA_OK &&
         ops->launch(0, kernel, global, LOCAL, 3, args) == NDA_OK &&
         ops->synchronize(0) == NDA_OK &&
         ops->copy_to_host(0, host, buf, 0, sizeof host) == NDA_OK;
    for (int i = 0; ok && i < N + 24; i++) {
        float want = i < N ? (float)i * a + 1 : (float)i;
        if (host[i] != want) {
            fprintf(stderr, "kernel: x[%d] = %g, want %g\n", i, host[i], want);
            ok = 0;
        }
    }
    ops->buffer_free(0, buf);
    return ok;
}

/* Microbenchmark: launch + synchronize of a tiny kernel, us per launch. */
static void bench_launch(const nda_backend_ops *ops, void *kernel)
{
    enum { ITERS = 2000 };
    float a = 1.0f;
    uint32_t n = 64;
    void *buf = NULL;

    if (ops->buffer_alloc(0, 64 * sizeof(float), &buf) != NDA_OK)
        return;
    nda_kernel_arg args[3] = {
        {NDA_ARG_BUFFER, sizeof(void *), buf},
        {NDA_ARG_SCALAR, sizeof a, &a},
        {NDA_ARG_SCALAR, sizeof n, &n},
    };
    int ok = ops->launch(0, kernel, 64, 64, 3, args) == NDA_OK && ops->synchronize(0) == NDA_OK;
    double t0 = now_s();
    for (int i = 0; ok && i < ITERS; i++)
        ok = ops->launch(0, kernel, 64, 64, 3, args) == NDA_OK && ops->synchronize(0) == NDA_OK;
    double t1 = now_s();
    for (int i = 0; ok && i < ITERS; i++)
        ok = ops->launch(0, kernel, 64, 64, 3, args) == NDA_OK;
    ok = ok && ops->synchronize(0) == NDA_OK;
    double t2 = now_s();
    CHECK(ok);
    printf("info: launch+synchronize: %.1f us/launch; queued launches: %.1f us/launch\n",
           (t1 - t0) * 1e6 / ITERS, (t2 - t1) * 1e6 / ITERS);
    ops->buffer_free(0, buf);
}

static void test_programs(const nda_backend_ops *ops, int bench)
{
    void *prog = NULL, *prog2 = NULL, *kern = NULL, *kern2 = NULL, *bin = NULL;
    char *log = NULL;
    size_t nbin = 0;

    double t0 = now_s();
    CHECK(ops->program_build(0, k_source, NULL, &prog, &log) == NDA_OK);
    double t1 = now_s();
    free(log);
    log = NULL;
    CHECK(ops->kernel_get(0, prog, "k", &kern) == NDA_OK);
    CHECK(kern != NULL && run_kernel(ops, kern));

    /* unknown kernel name */
    err_clear();
    CHECK(ops->kernel_get(0, prog, "nope", &kern2) == NDA_EBACKEND && kern2 == NULL);
    CHECK(strstr(g_err_msg, "CUDA_ERROR_NOT_FOUND") != NULL && strstr(g_err_msg, "nope"));

    /* freeing a buffer with a launch still queued on it is safe */
    {
        void *buf = NULL;
        float a = 3.0f;
        uint32_t n = 64;
        CHECK(ops->buffer_alloc(0, 64 * sizeof(float), &buf) == NDA_OK);
        nda_kernel_arg args[3] = {
            {NDA_ARG_BUFFER, sizeof(void *), buf},
            {NDA_ARG_SCALAR, sizeof a, &a},
            {NDA_ARG_SCALAR, sizeof n, &n},
        };
        CHECK(ops->launch(0, kern, 64, 64, 3, args) == NDA_OK);
        ops->buffer_free(0, buf);
        CHECK(ops->synchronize(0) == NDA_OK);
    }

    /* launch errors are reported, not fatal */
    err_clear();
    CHECK(ops->launch(0, kern, 100, 64, 0, NULL) == NDA_EVALUE);
    CHECK(ops->launch(0, kern, 0, 64, 0, NULL) == NDA_OK);
    CHECK(ops->launch(0, kern, 4096, 4096, 0, NULL) == NDA_EVALUE); /* > threads per block */

    /* binary round trip */
    CHECK(ops->program_binary(0, prog, &bin, &nbin) == NDA_OK && bin != NULL && nbin > 0);
    double t2 = now_s();
    CHECK(ops->program_load(0, bin, nbin, &prog2) == NDA_OK);
    double t3 = now_s();
    CHECK(ops->kernel_get(0, prog2, "k", &kern2) == NDA_OK);
    CHECK(kern2 != NULL && run_kernel(ops, kern2));
    printf("info: program_build %.1f ms, program_load of its %zu-byte binary %.1f ms\n",
           (t1 - t0) * 1e3, nbin, (t3 - t2) * 1e3);
    if (bench)
        bench_launch(ops, kern);
    ops->kernel_free(0, kern2);
    ops->program_free(0, prog2);
    prog2 = NULL;

    /* garbage binaries are rejected with an error */
    unsigned char garbage[256];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (unsigned char)(i * 31 + 7);
    err_clear();
    CHECK(ops->program_load(0, garbage, sizeof garbage, &prog2) == NDA_ECOMPILE && !prog2);
    CHECK(g_err_msg[0] != '\0');
    /* a truncated real binary too */
    err_clear();
    CHECK(ops->program_load(0, bin, nbin / 2, &prog2) != NDA_OK && prog2 == NULL);
    CHECK(ops->program_load(0, bin, 0, &prog2) == NDA_ECOMPILE && prog2 == NULL);
    /* an intact binary for another architecture (header arch field) */
    {
        unsigned char *other = malloc(nbin);
        uint32_t arch = 10;
        memcpy(other, bin, nbin);
        memcpy(other + 28, &arch, 4);
        err_clear();
        CHECK(ops->program_load(0, other, nbin, &prog2) == NDA_ECOMPILE && prog2 == NULL);
        free(other);
    }
    free(bin);

    /* syntax error: NDA_ECOMPILE, a log, and the log in the message */
    err_clear();
    CHECK(ops->program_build(0, "extern \"C\" __global__ void bad(float *x) { x[0] = ; }", NULL,
                             &prog2, &log) == NDA_ECOMPILE);
    CHECK(prog2 == NULL);
    CHECK(log != NULL && log[0] != '\0');
    CHECK(strstr(g_err_msg, "NVRTC compile failed: ") == g_err_msg);
    free(log);
    log = NULL;

    /* bad options */
    err_clear();
    CHECK(ops->program_build(0, k_source, "-this-is-not-an-option", &prog2, &log) ==
          NDA_ECOMPILE);
    free(log);

    ops->kernel_free(0, kern);
    ops->program_free(0, prog);
}

static void test_enomem(const nda_backend_ops *ops)
{
    nda_device_info info;
    void *buf = NULL;

    if (ops->device_info(0, &info) != NDA_OK)
        return;
    err_clear();
    int rc = ops->buffer_alloc(0, (size_t)info.max_alloc_bytes * 4 + 4096, &buf);
    CHECK(rc == NDA_ENOMEM && buf == NULL);
    CHECK(strstr(g_err_msg, "bytes") != NULL);
    printf("info: huge alloc -> %d: %s\n", rc, g_err_msg);
    if (buf != NULL)
        ops->buffer_free(0, buf);
}

/* 4x4 SGEMM (column-major), plain and with A transposed, against the host. */
static void test_sgemm(const nda_backend_ops *ops, const nda_cuda_blas *blas)
{
    float a[16], b[16], c[16], want[16];
    void *da = NULL, *db = NULL, *dc = NULL;

    err_clear();
    if (blas->load() != NDA_OK) {
        printf("info: SGEMM skipped: %s\n", g_err_msg);
        return;
    }
    for (int i = 0; i < 16; i++) {
        a[i] = (float)(i % 5) - 1.5f;
        b[i] = (float)(i * 3 % 7) * 0.25f;
        c[i] = 100.0f;
    }
    CHECK(ops->buffer_alloc(0, sizeof a + 64, &da) == NDA_OK);
    CHECK(ops->buffer_alloc(0, sizeof b, &db) == NDA_OK);
    CHECK(ops->buffer_alloc(0, sizeof c, &dc) == NDA_OK);
    CHECK(ops->copy_to_device(0, da, 64, a, sizeof a) == NDA_OK);
    CHECK(ops->copy_to_device(0, db, 0, b, sizeof b) == NDA_OK);
    for (int ta = 0; ta < 2; ta++) {
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 4; i++) {
                double s = 0;
                for (int l = 0; l < 4; l++)
                    s += (double)(ta ? a[i * 4 + l] : a[l * 4 + i]) * b[j * 4 + l];
                want[j * 4 + i] = (float)(2.0 * s);
            }
        CHECK(ops->copy_to_device(0, dc, 0, c, sizeof c) == NDA_OK);
        err_clear();
        CHECK(blas->sgemm(0, ta, 0, 4, 4, 4, 2.0f, da, 64, 4, db, 0, 4, 0.0f, dc, 0, 4) ==
              NDA_OK);
        float got[16];
        CHECK(ops->copy_to_host(0, got, dc, 0, sizeof got) == NDA_OK);
        int ok = 1;
        for (int i = 0; i < 16; i++)
            if (fabsf(got[i] - want[i]) > 1e-4f * (1.0f + fabsf(want[i])))
                ok = 0;
        CHECK(ok);
    }
    /* ranges are checked */
    err_clear();
    CHECK(blas->sgemm(0, 0, 0, 4, 4, 4, 1.0f, da, 128, 4, db, 0, 4, 0.0f, dc, 0, 4) ==
          NDA_EVALUE);
    ops->buffer_free(0, da);
    ops->buffer_free(0, db);
    ops->buffer_free(0, dc);
}

/* n = 8 complex64 FFT, forward and (unnormalised) inverse, against a DFT. */
static void test_fft(const nda_backend_ops *ops, const nda_cuda_fft *fft)
{
    enum { N = 8 };
    float x[2 * N], got[2 * N];
    void *din = NULL, *dout = NULL;

    err_clear();
    if (fft->load() != NDA_OK) {
        printf("info: FFT skipped: %s\n", g_err_msg);
        return;
    }
    for (int i = 0; i < N; i++) {
        x[2 * i] = (float)(i * i % 5) - 2.0f;
        x[2 * i + 1] = (float)(i % 3) * 0.5f;
    }
    CHECK(ops->buffer_alloc(0, sizeof x, &din) == NDA_OK);
    CHECK(ops->buffer_alloc(0, sizeof x, &dout) == NDA_OK);
    for (int inv = 0; inv < 2; inv++) {
        CHECK(ops->copy_to_device(0, din, 0, x, sizeof x) == NDA_OK);
        err_clear();
        CHECK(fft->c2c(0, N, 1, din, 0, dout, 0, inv) == NDA_OK);
        CHECK(ops->copy_to_host(0, got, dout, 0, sizeof got) == NDA_OK);
        int ok = 1;
        for (int k = 0; k < N; k++) {
            double re = 0, im = 0, sgn = inv ? 1.0 : -1.0;
            for (int j = 0; j < N; j++) {
                double ang = sgn * 2.0 * 3.14159265358979323846 * j * k / N;
                re += x[2 * j] * cos(ang) - x[2 * j + 1] * sin(ang);
                im += x[2 * j] * sin(ang) + x[2 * j + 1] * cos(ang);
            }
            if (fabs(got[2 * k] - re) > 1e-4 || fabs(got[2 * k + 1] - im) > 1e-4)
                ok = 0;
        }
        CHECK(ok);
    }
    ops->buffer_free(0, din);
    ops->buffer_free(0, dout);
}

/* First use of a device from several threads at once: the lazy context and
 * stream creation must happen exactly once. */
static const nda_backend_ops *g_ops;

static void *first_use_thread(void *arg)
{
    unsigned char src[256], dst[256];
    void *buf = NULL;
    int ok;

    memset(src, (int)(uintptr_t)arg, sizeof src);
    ok = g_ops->buffer_alloc(0, sizeof src, &buf) == NDA_OK &&
         g_ops->copy_to_device(0, buf, 0, src, sizeof src) == NDA_OK &&
         g_ops->copy_to_host(0, dst, buf, 0, sizeof dst) == NDA_OK &&
         memcmp(src, dst, sizeof src) == 0;
    if (buf != NULL)
        g_ops->buffer_free(0, buf);
    return (void *)(uintptr_t)ok;
}

static void test_first_use_threads(const nda_backend_ops *ops)
{
    enum { T = 4 };
    pthread_t th[T];
    void *ok;

    g_ops = ops;
    for (uintptr_t i = 0; i < T; i++)
        CHECK(pthread_create(&th[i], NULL, first_use_thread, (void *)(i + 1)) == 0);
    for (int i = 0; i < T; i++) {
        CHECK(pthread_join(th[i], &ok) == 0);
        CHECK(ok == (void *)1);
    }
}

/* shutdown + init again gives a working backend. */
static void test_reinit(const nda_backend_ops *ops)
{
    void *buf = NULL;
    int count = 0;

    ops->shutdown();
    CHECK(ops->init(&fake_host) == NDA_OK);
    CHECK(ops->device_count(&count) == NDA_OK && count >= 1);
    CHECK(ops->buffer_alloc(0, 64, &buf) == NDA_OK);
    CHECK(ops->synchronize(0) == NDA_OK);
    ops->buffer_free(0, buf);
}

/* The GPU checks that need real CUDA libraries: SGEMM and FFT. */
static void test_libs(const nda_backend_ops *ops, const nda_cuda_blas *blas,
                      const nda_cuda_fft *fft)
{
    test_sgemm(ops, blas);
    test_fft(ops, fft);
}

/* Argument checks of the adapters (before any library call). */
static void test_libs_args(const nda_backend_ops *ops, const nda_cuda_blas *blas,
                           const nda_cuda_fft *fft)
{
    void *a = NULL;

    CHECK(ops->buffer_alloc(0, 64, &a) == NDA_OK);
    err_clear();
    CHECK(blas->dgemm(0, 0, 0, 4, 4, 4, 1.0, a, 0, 4, a, 0, 4, 0.0, a, 0, 4) == NDA_EVALUE);
    CHECK(strstr(g_err_msg, "exceeds") != NULL);
    CHECK(blas->sgemm(0, 0, 0, 4, 4, 4, 1.0f, a, 0, 3, a, 0, 4, 0.0f, a, 0, 4) == NDA_EVALUE);
    CHECK(blas->sgemm(0, 0, 0, -1, 4, 4, 1.0f, a, 0, 4, a, 0, 4, 0.0f, a, 0, 4) == NDA_EVALUE);
    CHECK(fft->c2c(0, 8, 2, a, 0, a, 0, 0) == NDA_EVALUE); /* 128 bytes > 64 */
    CHECK(fft->c2c(0, 0, 1, a, 0, a, 0, 0) == NDA_EVALUE);
    CHECK(fft->c2c(0, 4, 1, a, 0, a, 8, 0) == NDA_EVALUE);  /* partial overlap */
    ops->buffer_free(0, a);
}

/* ---------------------------------------------------------------------- */

/* A file next to this test in the runfiles (or ./name outside Bazel). */
static char *runfile(const char *name)
{
    const char *srcdir = getenv("TEST_SRCDIR");
    const char *ws = getenv("TEST_WORKSPACE");
    char *p;

    if (srcdir == NULL) {
        size_t n = strlen(name) + 3;
        p = malloc(n);
        snprintf(p, n, "./%s", name);
        return p;
    }
    if (ws == NULL)
        ws = "__main__";
    size_t n = strlen(srcdir) + strlen(ws) + strlen(name) + 32;
    p = malloc(n);
    snprintf(p, n, "%s/%s/backends/cuda/%s", srcdir, ws, name);
    return p;
}

static char *plugin_path(int argc, char **argv)
{
    if (argc > 1)
        return strdup(argv[1]);
    return runfile("libndaccel_cuda.so");
}

typedef void (*fake_state_fn)(long *live_allocs, long *live_modules, int *ctx_depth);

/* ---------------------------------------------------------------------- */
/* Dense solvers (the solver member) against libcusolver_fake.so: LAPACK  */
/* on the fake driver's host memory. Every operand has a nonzero offset, */
/* a leading dimension past its rows and a batch stride past its extent; */
/* the bytes between matrices must come back untouched.                  */

typedef double complex zc;
enum { T_INT32 = 99 }; /* ipiv / info operands of the helpers below */

typedef void (*fake_cusolver_attach_fn)(int (*range)(unsigned long long, size_t),
                                        void (*state)(long *, long *, int *));
typedef void (*fake_cusolver_state_fn)(long *live_handles, long *calls);
static fake_cusolver_state_fn g_slv_state;

static size_t t_es(int t)
{
    switch (t) {
    case NDA_LIB_F32: return 4;
    case NDA_LIB_F64: return 8;
    case NDA_LIB_C64: return 8;
    case NDA_LIB_C128: return 16;
    default: return 4; /* T_INT32 */
    }
}
static int t_cplx(int t) { return t == NDA_LIB_C64 || t == NDA_LIB_C128; }
static int t_real(int t) { return (t == NDA_LIB_F64 || t == NDA_LIB_C128) ? NDA_LIB_F64 : NDA_LIB_F32; }
static double t_tol(int t) { return (t == NDA_LIB_F64 || t == NDA_LIB_C128) ? 1e-11 : 3e-5; }
static const char *t_name(int t)
{
    static const char *const n[] = {"?", "f16", "f32", "f64", "c64", "c128"};
    return t >= 1 && t <= 5 ? n[t] : "i32";
}

static void el_put(void *base, int t, size_t i, zc v)
{
    switch (t) {
    case NDA_LIB_F32: ((float *)base)[i] = (float)creal(v); break;
    case NDA_LIB_F64: ((double *)base)[i] = creal(v); break;
    case NDA_LIB_C64: ((float *)base)[2 * i] = (float)creal(v); ((float *)base)[2 * i + 1] = (float)cimag(v); break;
    case NDA_LIB_C128: ((double *)base)[2 * i] = creal(v); ((double *)base)[2 * i + 1] = cimag(v); break;
    default: ((int32_t *)base)[i] = (int32_t)creal(v); break;
    }
}

static zc el_get(const void *base, int t, size_t i)
{
    switch (t) {
    case NDA_LIB_F32: return ((const float *)base)[i];
    case NDA_LIB_F64: return ((const double *)base)[i];
    case NDA_LIB_C64: return ((const float *)base)[2 * i] + I * ((const float *)base)[2 * i + 1];
    case NDA_LIB_C128: return ((const double *)base)[2 * i] + I * ((const double *)base)[2 * i + 1];
    default: return ((const int32_t *)base)[i];
    }
}

/* `batch` rows x cols blocks in one device buffer, element 0 of block b at
 * element off_el + b * stride; `host` mirrors the buffer, `orig` is what
 * was uploaded (a distinct pattern everywhere). */
typedef struct smat {
    int t;
    int64_t rows, cols, ld, stride, batch;
    size_t off_el, nel;
    void *dev;
    unsigned char *host, *orig;
} smat;

static int smat_new(const nda_backend_ops *ops, smat *x, int t, int64_t rows, int64_t cols,
                    int64_t batch)
{
    memset(x, 0, sizeof *x);
    x->t = t;
    x->rows = rows;
    x->cols = cols;
    x->batch = batch;
    x->ld = rows + 2;
    x->stride = x->ld * (cols > 0 ? cols : 1) + 3;
    x->off_el = 2;
    x->nel = x->off_el + (size_t)(batch > 0 ? batch : 1) * (size_t)x->stride + 4;
    x->host = malloc(x->nel * t_es(t));
    x->orig = malloc(x->nel * t_es(t));
    for (size_t i = 0; i < x->nel; i++)
        el_put(x->host, t, i, (zc)(7000.0 + (double)i) + (t_cplx(t) ? -I : 0));
    return ops->buffer_alloc(0, x->nel * t_es(t), &x->dev);
}

/* A vector of n elements per batch (ipiv, w, tau). */
static int svec_new(const nda_backend_ops *ops, smat *x, int t, int64_t n, int64_t batch)
{
    int rc = smat_new(ops, x, t, n, 1, batch);
    x->ld = n > 0 ? n : 1;
    x->stride = x->ld + 3;
    return rc;
}

/* info: batch contiguous int32 (stride 1) after 3 leading elements. */
static int sinfo_new(const nda_backend_ops *ops, smat *x, int64_t batch)
{
    int rc = smat_new(ops, x, T_INT32, batch, 1, 1);
    x->off_el = 3;
    for (size_t i = 0; i < x->nel; i++)
        el_put(x->host, T_INT32, i, 77);
    return rc;
}

static size_t smat_index(const smat *x, int64_t b, int64_t i, int64_t j)
{
    return x->off_el + (size_t)(b * x->stride + j * x->ld + i);
}
static void smat_set(smat *x, int64_t b, int64_t i, int64_t j, zc v)
{
    el_put(x->host, x->t, smat_index(x, b, i, j), v);
}
static zc smat_at(const smat *x, int64_t b, int64_t i, int64_t j)
{
    return el_get(x->host, x->t, smat_index(x, b, i, j));
}

static int smat_up(const nda_backend_ops *ops, smat *x)
{
    memcpy(x->orig, x->host, x->nel * t_es(x->t));
    return ops->copy_to_device(0, x->dev, 0, x->host, x->nel * t_es(x->t));
}
static int smat_down(const nda_backend_ops *ops, smat *x)
{
    return ops->copy_to_host(0, x->host, x->dev, 0, x->nel * t_es(x->t));
}

/* Every element outside the batch's rows x cols blocks kept its value. */
static int smat_untouched(const smat *x)
{
    size_t es = t_es(x->t);
    for (size_t e = 0; e < x->nel; e++) {
        int inside = 0;
        if (e >= x->off_el) {
            int64_t r = (int64_t)(e - x->off_el);
            int64_t b = r / x->stride, in = r % x->stride;
            if (b < x->batch && in / x->ld < x->cols && in % x->ld < x->rows)
                inside = 1;
        }
        if (!inside && memcmp(x->host + e * es, x->orig + e * es, es) != 0) {
            fprintf(stderr, "solver: element %zu outside the %lld x %lld blocks was written\n", e,
                    (long long)x->rows, (long long)x->cols);
            return 0;
        }
    }
    return 1;
}

static void smat_free(const nda_backend_ops *ops, smat *x)
{
    if (x->dev != NULL)
        ops->buffer_free(0, x->dev);
    free(x->host);
    free(x->orig);
    memset(x, 0, sizeof *x);
}

static uint64_t g_lcg = 12345;
static double rnd(void)
{
    g_lcg = g_lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(g_lcg >> 11) / (double)(1ULL << 53) * 2.0 - 1.0;
}
static zc zrnd(int t) { return t_cplx(t) ? rnd() + I * rnd() : rnd(); }

static void desc_a(nda_solver_desc *s, const smat *x)
{
    s->a = x->dev; s->a_off = x->off_el * t_es(x->t); s->lda = x->ld; s->a_stride = x->stride;
}
static void desc_b(nda_solver_desc *s, const smat *x)
{
    s->b = x->dev; s->b_off = x->off_el * t_es(x->t); s->ldb = x->ld; s->b_stride = x->stride;
}
static void desc_c(nda_solver_desc *s, const smat *x)
{
    s->c = x->dev; s->c_off = x->off_el * t_es(x->t); s->ldc = x->ld; s->c_stride = x->stride;
}
static void desc_w(nda_solver_desc *s, const smat *x)
{
    s->w = x->dev; s->w_off = x->off_el * t_es(x->t); s->w_stride = x->stride;
}
static void desc_ipiv(nda_solver_desc *s, const smat *x)
{
    s->ipiv = x->dev; s->ipiv_off = x->off_el * 4; s->ipiv_stride = x->stride;
}
static void desc_info(nda_solver_desc *s, const smat *x)
{
    s->info = x->dev; s->info_off = x->off_el * 4;
}

static int info_all(const smat *info, int want0, int want1)
{
    int got0 = (int)creal(smat_at(info, 0, 0, 0));
    int got1 = info->rows > 1 ? (int)creal(smat_at(info, 0, 1, 0)) : want1;
    if (got0 != want0 || got1 != want1) {
        fprintf(stderr, "solver: info = {%d, %d}, want {%d, %d}\n", got0, got1, want0, want1);
        return 0;
    }
    return smat_untouched(info);
}

/* max |X - Y| / (1 + max |Y|) over n values, reported when above tol. */
static int close_enough(const char *what, int t, const zc *x, const zc *y, size_t n, double tol)
{
    double err = 0, scale = 1;
    for (size_t i = 0; i < n; i++) {
        if (cabs(y[i]) > scale)
            scale = cabs(y[i]);
        double e = cabs(x[i] - y[i]);
        if (!(e <= err))
            err = isnan(e) ? INFINITY : e;
    }
    if (err / scale <= tol)
        return 1;
    fprintf(stderr, "solver %s %s: relative error %g > %g\n", what, t_name(t), err / scale, tol);
    return 0;
}

static zc zconj(int t, zc v) { return t_cplx(t) ? conj(v) : v; }

/* A (m x n) := random, remembered in a0[b][j*m + i]. */
static void fill_random(smat *x, zc *a0)
{
    for (int64_t b = 0; b < x->batch; b++)
        for (int64_t j = 0; j < x->cols; j++)
            for (int64_t i = 0; i < x->rows; i++) {
                zc v = zrnd(x->t);
                smat_set(x, b, i, j, v);
                a0[(b * x->cols + j) * x->rows + i] = v;
            }
}

/* A Hermitian positive definite matrix M M^H + n I (or just Hermitian,
 * pd == 0) in h[j*n + i]; x gets its lower triangle and NaN above. */
static void fill_hermitian(smat *x, int64_t b, zc *h, int pd)
{
    int64_t n = x->rows;
    zc m[64];
    for (int64_t i = 0; i < n * n; i++)
        m[i] = zrnd(x->t);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            zc s = 0;
            if (pd) {
                for (int64_t l = 0; l < n; l++)
                    s += m[l * n + i] * zconj(x->t, m[l * n + j]);
                if (i == j)
                    s += (double)n;
            } else {
                s = i == j ? creal(m[i * n + i]) * 2 : (i > j ? m[j * n + i] : zconj(x->t, m[i * n + j]));
            }
            h[j * n + i] = s;
        }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++)
            smat_set(x, b, i, j, i >= j ? h[j * n + i] : (zc)NAN);
}

static int run_solver(const nda_backend_ops *ops, const nda_solver_desc *s)
{
    err_clear();
    int rc = ops->solver(0, s);
    if (rc != NDA_OK)
        fprintf(stderr, "solver op %d %s: %d %s\n", (int)s->op, t_name(s->type), rc, g_err_msg);
    return rc;
}

static nda_solver_desc desc_new(nda_solver_op op, int t, int64_t m, int64_t n, int64_t k,
                                int64_t batch, int flag)
{
    nda_solver_desc s;
    memset(&s, 0, sizeof s);
    s.op = op;
    s.type = (nda_lib_type)t;
    s.m = m;
    s.n = n;
    s.k = k;
    s.batch = batch;
    s.flag = flag;
    return s;
}

/* GETRF (m x n, batch 2): P L U reconstructs A. */
static void test_solver_getrf(const nda_backend_ops *ops, int t, int m, int n)
{
    enum { B = 2 };
    int mn = m < n ? m : n;
    smat a, ipiv, info;
    zc a0[B * 64], lu[64], want[64];
    nda_solver_desc s = desc_new(NDA_SOLVER_GETRF, t, m, n, 0, B, 0);

    CHECK(smat_new(ops, &a, t, m, n, B) == NDA_OK);
    CHECK(svec_new(ops, &ipiv, T_INT32, mn, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    fill_random(&a, a0);
    smat_up(ops, &a);
    smat_up(ops, &ipiv);
    smat_up(ops, &info);
    desc_a(&s, &a);
    desc_ipiv(&s, &ipiv);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &ipiv);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0));
    CHECK(smat_untouched(&a) && smat_untouched(&ipiv));
    for (int b = 0; b < B; b++) {
        /* L (m x mn, unit lower) times U (mn x n, upper), then the
         * interchanges undone from the last one back. */
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                zc sum = 0;
                for (int l = 0; l < mn; l++) {
                    zc lv = i == l ? 1 : (i > l ? smat_at(&a, b, i, l) : 0);
                    zc uv = l <= j ? smat_at(&a, b, l, j) : 0;
                    sum += lv * uv;
                }
                lu[j * m + i] = sum;
            }
        for (int l = mn - 1; l >= 0; l--) {
            int p = (int)creal(smat_at(&ipiv, b, l, 0)) - 1;
            CHECK(p >= l && p < m);
            if (p < l || p >= m)
                break;
            for (int j = 0; j < n; j++) {
                zc tmp = lu[j * m + l];
                lu[j * m + l] = lu[j * m + p];
                lu[j * m + p] = tmp;
            }
        }
        memcpy(want, a0 + b * m * n, sizeof(zc) * (size_t)(m * n));
        CHECK(close_enough("getrf: P L U = A", t, lu, want, (size_t)(m * n), 10 * t_tol(t)));
    }
    smat_free(ops, &a);
    smat_free(ops, &ipiv);
    smat_free(ops, &info);
}

/* GETRF then GETRS (n x n, k right-hand sides) for op(A) = A, A^T, A^H. */
static void test_solver_getrs(const nda_backend_ops *ops, int t)
{
    enum { B = 2, N = 4, K = 3 };
    for (int flag = 0; flag <= 2; flag++) {
        smat a, ipiv, info, rhs;
        zc a0[B * N * N], b0[B * N * K], got[N * K], want[N * K];
        nda_solver_desc f = desc_new(NDA_SOLVER_GETRF, t, N, N, 0, B, 0);
        nda_solver_desc s = desc_new(NDA_SOLVER_GETRS, t, N, N, K, B, flag);

        CHECK(smat_new(ops, &a, t, N, N, B) == NDA_OK);
        CHECK(smat_new(ops, &rhs, t, N, K, B) == NDA_OK);
        CHECK(svec_new(ops, &ipiv, T_INT32, N, B) == NDA_OK);
        CHECK(sinfo_new(ops, &info, B) == NDA_OK);
        fill_random(&a, a0);
        fill_random(&rhs, b0);
        smat_up(ops, &a);
        smat_up(ops, &rhs);
        smat_up(ops, &ipiv);
        smat_up(ops, &info);
        desc_a(&f, &a);
        desc_ipiv(&f, &ipiv);
        desc_info(&f, &info);
        desc_a(&s, &a);
        desc_ipiv(&s, &ipiv);
        desc_b(&s, &rhs);
        desc_info(&s, &info);
        CHECK(run_solver(ops, &f) == NDA_OK);
        CHECK(run_solver(ops, &s) == NDA_OK);
        smat_down(ops, &rhs);
        smat_down(ops, &info);
        CHECK(info_all(&info, 0, 0) && smat_untouched(&rhs));
        for (int b = 0; b < B; b++) {
            /* op(A0) X = B0 */
            for (int i = 0; i < N; i++)
                for (int j = 0; j < K; j++) {
                    zc sum = 0;
                    for (int l = 0; l < N; l++) {
                        zc av = flag == 0 ? a0[b * N * N + l * N + i] : a0[b * N * N + i * N + l];
                        if (flag == 2)
                            av = zconj(t, av);
                        sum += av * smat_at(&rhs, b, l, j);
                    }
                    got[j * N + i] = sum;
                    want[j * N + i] = b0[b * N * K + j * N + i];
                }
            CHECK(close_enough(flag == 0 ? "getrs N" : flag == 1 ? "getrs T" : "getrs H", t, got,
                               want, N * K, 100 * t_tol(t)));
        }
        smat_free(ops, &a);
        smat_free(ops, &rhs);
        smat_free(ops, &ipiv);
        smat_free(ops, &info);
    }
}

/* POTRF: L L^H = A from the lower triangle (NaN above, left as it was);
 * then a batch whose second matrix is not positive definite. */
static void test_solver_potrf(const nda_backend_ops *ops, int t)
{
    enum { B = 2, N = 4 };
    smat a, info;
    zc h[B][N * N], got[N * N];
    nda_solver_desc s = desc_new(NDA_SOLVER_POTRF, t, N, N, 0, B, 0);

    CHECK(smat_new(ops, &a, t, N, N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    for (int b = 0; b < B; b++)
        fill_hermitian(&a, b, h[b], 1);
    smat_up(ops, &a);
    smat_up(ops, &info);
    desc_a(&s, &a);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0) && smat_untouched(&a));
    for (int b = 0; b < B; b++) {
        int upper_kept = 1;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                zc sum = 0;
                for (int l = 0; l <= (i < j ? i : j); l++)
                    sum += smat_at(&a, b, i, l) * zconj(t, smat_at(&a, b, j, l));
                got[j * N + i] = sum;
                if (i < j && !isnan(creal(smat_at(&a, b, i, j))))
                    upper_kept = 0;
            }
        CHECK(upper_kept);
        CHECK(close_enough("potrf: L L^H = A", t, got, h[b], N * N, 10 * t_tol(t)));
    }
    /* matrix 1: diag(1, -1, 1, 1) fails at order 2 */
    for (int i = 0; i < N; i++)
        for (int j = 0; j <= i; j++)
            smat_set(&a, 1, i, j, i == j ? (i == 1 ? -1.0 : 1.0) : 0.0);
    fill_hermitian(&a, 0, h[0], 1);
    smat_up(ops, &a);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 2));
    smat_free(ops, &a);
    smat_free(ops, &info);
}

/* SYEVD: w ascending; with vectors A V = V diag(w), V^H V = I; without,
 * the same w. */
static void test_solver_syevd(const nda_backend_ops *ops, int t)
{
    enum { B = 2, N = 4 };
    smat a, w, info;
    zc h[B][N * N], av[N * N], vw[N * N], vhv[N * N], eye[N * N];
    double wv[B][N];

    for (int i = 0; i < N * N; i++)
        eye[i] = (i % (N + 1)) == 0;
    CHECK(smat_new(ops, &a, t, N, N, B) == NDA_OK);
    CHECK(svec_new(ops, &w, t_real(t), N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    for (int flag = 1; flag >= 0; flag--) {
        nda_solver_desc s = desc_new(NDA_SOLVER_SYEVD, t, N, N, 0, B, flag);
        if (flag == 1)
            for (int b = 0; b < B; b++)
                fill_hermitian(&a, b, h[b], 0);
        else /* the same matrices as with vectors */
            for (int b = 0; b < B; b++)
                for (int i = 0; i < N; i++)
                    for (int j = 0; j < N; j++)
                        smat_set(&a, b, i, j, i >= j ? h[b][j * N + i] : (zc)NAN);
        smat_up(ops, &a);
        smat_up(ops, &w);
        smat_up(ops, &info);
        desc_a(&s, &a);
        desc_w(&s, &w);
        desc_info(&s, &info);
        CHECK(run_solver(ops, &s) == NDA_OK);
        smat_down(ops, &a);
        smat_down(ops, &w);
        smat_down(ops, &info);
        CHECK(info_all(&info, 0, 0) && smat_untouched(&a) && smat_untouched(&w));
        for (int b = 0; b < B; b++) {
            int ascending = 1;
            for (int j = 0; j < N; j++) {
                double x = creal(smat_at(&w, b, j, 0));
                if (j > 0 && !(x >= creal(smat_at(&w, b, j - 1, 0))))
                    ascending = 0;
                if (flag == 1)
                    wv[b][j] = x;
                else
                    CHECK(fabs(x - wv[b][j]) <= 10 * t_tol(t) * 4);
            }
            CHECK(ascending);
            if (flag == 0)
                continue;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    zc s1 = 0, s2 = 0;
                    for (int l = 0; l < N; l++) {
                        s1 += h[b][l * N + i] * smat_at(&a, b, l, j);
                        s2 += zconj(t, smat_at(&a, b, l, i)) * smat_at(&a, b, l, j);
                    }
                    av[j * N + i] = s1;
                    vw[j * N + i] = smat_at(&a, b, i, j) * wv[b][j];
                    vhv[j * N + i] = s2;
                }
            CHECK(close_enough("syevd: A V = V diag(w)", t, av, vw, N * N, 10 * t_tol(t)));
            CHECK(close_enough("syevd: V^H V = I", t, vhv, eye, N * N, 10 * t_tol(t)));
        }
    }
    smat_free(ops, &a);
    smat_free(ops, &w);
    smat_free(ops, &info);
}

/* GEQRF (m x n) then ORGQR with k = n on its output: Q R = A, Q^H Q = I;
 * and ORGQR with k = 0: the first n columns of the identity. */
static void test_solver_qr(const nda_backend_ops *ops, int t)
{
    enum { B = 2, M = 5, N = 3 };
    smat a, tau, info;
    zc a0[B * M * N], r[B][N * N], qr[M * N], qhq[N * N], eye[N * N];
    nda_solver_desc s = desc_new(NDA_SOLVER_GEQRF, t, M, N, 0, B, 0);
    nda_solver_desc q = desc_new(NDA_SOLVER_ORGQR, t, M, N, N, B, 0);

    for (int i = 0; i < N * N; i++)
        eye[i] = (i % (N + 1)) == 0;
    CHECK(smat_new(ops, &a, t, M, N, B) == NDA_OK);
    CHECK(svec_new(ops, &tau, t, N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    fill_random(&a, a0);
    smat_up(ops, &a);
    smat_up(ops, &tau);
    smat_up(ops, &info);
    desc_a(&s, &a);
    desc_w(&s, &tau);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &tau);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0) && smat_untouched(&a) && smat_untouched(&tau));
    for (int b = 0; b < B; b++)
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                r[b][j * N + i] = i <= j ? smat_at(&a, b, i, j) : 0;
    desc_a(&q, &a);
    desc_w(&q, &tau);
    desc_info(&q, &info);
    CHECK(run_solver(ops, &q) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0) && smat_untouched(&a));
    for (int b = 0; b < B; b++) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                zc sum = 0;
                for (int l = 0; l <= j; l++)
                    sum += smat_at(&a, b, i, l) * r[b][j * N + l];
                qr[j * M + i] = sum;
            }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                zc sum = 0;
                for (int l = 0; l < M; l++)
                    sum += zconj(t, smat_at(&a, b, l, i)) * smat_at(&a, b, l, j);
                qhq[j * N + i] = sum;
            }
        CHECK(close_enough("geqrf/orgqr: Q R = A", t, qr, a0 + b * M * N, M * N, 10 * t_tol(t)));
        CHECK(close_enough("orgqr: Q^H Q = I", t, qhq, eye, N * N, 10 * t_tol(t)));
    }
    /* k = 0: no reflectors, no tau (w may be NULL) */
    q = desc_new(NDA_SOLVER_ORGQR, t, M, N, 0, B, 0);
    fill_random(&a, a0);
    smat_up(ops, &a);
    desc_a(&q, &a);
    desc_info(&q, &info);
    CHECK(run_solver(ops, &q) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0));
    int identity = 1;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
                if (smat_at(&a, b, i, j) != (zc)(i == j))
                    identity = 0;
    CHECK(identity);
    smat_free(ops, &a);
    smat_free(ops, &tau);
    smat_free(ops, &info);
}

/* GESVD (m x n, m >= n) with flags 'A', 'S', 'N': U diag(s) V^H = A,
 * orthonormal U and V^H, s descending; 'N' leaves B and C alone. */
static void test_solver_gesvd(const nda_backend_ops *ops, int t)
{
    enum { B = 2, M = 5, N = 3 };
    static const int flags[] = {'A', 'S', 'N'};
    double sv[B][N];

    for (int f = 0; f < 3; f++) {
        int flag = flags[f], ucols = flag == 'A' ? M : N;
        smat a, w, u, vt, info;
        zc a0[B * M * N], usv[M * N], uhu[M * M], vvh[N * N], eye_u[M * M], eye_v[N * N];
        nda_solver_desc s = desc_new(NDA_SOLVER_GESVD, t, M, N, 0, B, flag);

        for (int i = 0; i < M * M; i++)
            eye_u[i] = (i % (M + 1)) == 0;
        for (int i = 0; i < N * N; i++)
            eye_v[i] = (i % (N + 1)) == 0;
        g_lcg = 99; /* the same matrices for every flag */
        CHECK(smat_new(ops, &a, t, M, N, B) == NDA_OK);
        CHECK(svec_new(ops, &w, t_real(t), N, B) == NDA_OK);
        CHECK(smat_new(ops, &u, t, M, ucols, B) == NDA_OK);
        CHECK(smat_new(ops, &vt, t, N, N, B) == NDA_OK);
        CHECK(sinfo_new(ops, &info, B) == NDA_OK);
        fill_random(&a, a0);
        smat_up(ops, &a);
        smat_up(ops, &w);
        smat_up(ops, &u);
        smat_up(ops, &vt);
        smat_up(ops, &info);
        desc_a(&s, &a);
        desc_w(&s, &w);
        desc_info(&s, &info);
        desc_b(&s, &u);
        desc_c(&s, &vt);
        CHECK(run_solver(ops, &s) == NDA_OK);
        smat_down(ops, &w);
        smat_down(ops, &u);
        smat_down(ops, &vt);
        smat_down(ops, &info);
        CHECK(info_all(&info, 0, 0) && smat_untouched(&w) && smat_untouched(&u) &&
              smat_untouched(&vt));
        for (int b = 0; b < B; b++) {
            int descending = 1;
            for (int j = 0; j < N; j++) {
                double x = creal(smat_at(&w, b, j, 0));
                if (x < 0 || (j > 0 && x > creal(smat_at(&w, b, j - 1, 0))))
                    descending = 0;
                if (flag == 'A')
                    sv[b][j] = x;
                else
                    CHECK(fabs(x - sv[b][j]) <= 40 * t_tol(t));
            }
            CHECK(descending);
            if (flag == 'N') {
                /* B and C were passed but must not be written */
                CHECK(memcmp(u.host, u.orig, u.nel * t_es(t)) == 0);
                CHECK(memcmp(vt.host, vt.orig, vt.nel * t_es(t)) == 0);
                continue;
            }
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++) {
                    zc sum = 0;
                    for (int l = 0; l < N; l++)
                        sum += smat_at(&u, b, i, l) * creal(smat_at(&w, b, l, 0)) *
                               smat_at(&vt, b, l, j);
                    usv[j * M + i] = sum;
                }
            for (int i = 0; i < ucols; i++)
                for (int j = 0; j < ucols; j++) {
                    zc sum = 0;
                    for (int l = 0; l < M; l++)
                        sum += zconj(t, smat_at(&u, b, l, i)) * smat_at(&u, b, l, j);
                    uhu[j * ucols + i] = sum;
                }
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    zc sum = 0;
                    for (int l = 0; l < N; l++)
                        sum += smat_at(&vt, b, i, l) * zconj(t, smat_at(&vt, b, j, l));
                    vvh[j * N + i] = sum;
                }
            if (flag == 'S') /* the identity of order n */
                for (int i = 0; i < N * N; i++)
                    eye_u[i] = (i % (N + 1)) == 0;
            CHECK(close_enough("gesvd: U S V^H = A", t, usv, a0 + b * M * N, M * N,
                               10 * t_tol(t)));
            CHECK(close_enough("gesvd: U^H U = I", t, uhu, eye_u, (size_t)(ucols * ucols),
                               10 * t_tol(t)));
            CHECK(close_enough("gesvd: V^H V = I", t, vvh, eye_v, N * N, 10 * t_tol(t)));
        }
        if (flag == 'N') {
            /* no B and C at all */
            s.b = s.c = NULL;
            s.ldb = s.ldc = 0;
            smat_up(ops, &a);
            CHECK(run_solver(ops, &s) == NDA_OK);
        }
        smat_free(ops, &a);
        smat_free(ops, &w);
        smat_free(ops, &u);
        smat_free(ops, &vt);
        smat_free(ops, &info);
    }
}

/* A singular matrix: GETRF's info names the first zero pivot. */
static void test_solver_singular(const nda_backend_ops *ops)
{
    enum { B = 2, N = 3 };
    smat a, ipiv, info;
    zc a0[B * N * N];
    nda_solver_desc s = desc_new(NDA_SOLVER_GETRF, NDA_LIB_F64, N, N, 0, B, 0);

    CHECK(smat_new(ops, &a, NDA_LIB_F64, N, N, B) == NDA_OK);
    CHECK(svec_new(ops, &ipiv, T_INT32, N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    fill_random(&a, a0);
    /* matrix 1: column 1 = 2 * column 0 (exactly), column 2 independent */
    for (int i = 0; i < N; i++) {
        smat_set(&a, 1, i, 0, i + 1.0);
        smat_set(&a, 1, i, 1, 2.0 * (i + 1.0));
        smat_set(&a, 1, i, 2, i == 1 ? 5.0 : 0.5);
    }
    smat_up(ops, &a);
    smat_up(ops, &ipiv);
    smat_up(ops, &info);
    desc_a(&s, &a);
    desc_ipiv(&s, &ipiv);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 2));
    smat_free(ops, &a);
    smat_free(ops, &ipiv);
    smat_free(ops, &info);
}

/* Bad arguments: NDA_EVALUE (NDA_ENOTIMPL for what cuSOLVER cannot do)
 * before anything is queued: the library sees no call, info is unchanged. */
static void test_solver_bad_args(const nda_backend_ops *ops)
{
    enum { B = 2, M = 4, N = 3 };
    smat a, ipiv, info, w;
    zc a0[B * M * N];
    long handles, calls0, calls1;

    CHECK(smat_new(ops, &a, NDA_LIB_F64, M, N, B) == NDA_OK);
    CHECK(svec_new(ops, &ipiv, T_INT32, N, B) == NDA_OK);
    CHECK(svec_new(ops, &w, NDA_LIB_F64, N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    fill_random(&a, a0);
    smat_up(ops, &a);
    smat_up(ops, &info);
    nda_solver_desc ok = desc_new(NDA_SOLVER_GETRF, NDA_LIB_F64, M, N, 0, B, 0);
    desc_a(&ok, &a);
    desc_ipiv(&ok, &ipiv);
    desc_info(&ok, &info);
    if (g_slv_state != NULL)
        g_slv_state(&handles, &calls0);

    struct {
        const char *what;
        int want;
        nda_solver_desc s;
    } cases[32];
    int n = 0;
#define CASE(w_, want_, stmt)                                                                  \
    do {                                                                                       \
        cases[n].what = (w_);                                                                  \
        cases[n].want = (want_);                                                               \
        cases[n].s = ok;                                                                       \
        nda_solver_desc *d = &cases[n].s;                                                      \
        stmt;                                                                                  \
        n++;                                                                                   \
    } while (0)
    CASE("lda < m", NDA_EVALUE, d->lda = M - 1);
    CASE("A past its buffer", NDA_EVALUE, d->a_off += 64 * 8);
    CASE("A stride past its buffer", NDA_EVALUE, d->a_stride *= 4);
    CASE("batches of A overlap", NDA_EVALUE, d->a_stride = M);
    CASE("misaligned A", NDA_EVALUE, d->a_off += 4);
    CASE("ipiv past its buffer", NDA_EVALUE, d->ipiv_stride = 100);
    CASE("info past its buffer", NDA_EVALUE, d->info_off = info.nel * 4 - 4);
    CASE("negative m", NDA_EVALUE, d->m = -1);
    CASE("negative batch", NDA_EVALUE, d->batch = -1);
    CASE("getrf flag", NDA_EVALUE, d->flag = 1);
    CASE("getrf k", NDA_EVALUE, d->k = 1);
    CASE("NULL A", NDA_EVALUE, d->a = NULL);
    CASE("ipiv inside A", NDA_EVALUE, d->ipiv = a.dev; d->ipiv_off = d->a_off; d->ipiv_stride = d->a_stride * 2);
    CASE("unknown op", NDA_EVALUE, d->op = (nda_solver_op)42);
    CASE("unknown type", NDA_EVALUE, d->type = (nda_lib_type)9);
    CASE("float16", NDA_ENOTIMPL, d->type = NDA_LIB_F16);
    CASE("m past int32", NDA_ENOTIMPL, d->m = (int64_t)1 << 31; d->lda = d->m);
    CASE("gesvd m < n", NDA_EVALUE, d->op = NDA_SOLVER_GESVD; d->m = 2; d->n = 3; d->flag = 'N';
         d->w = w.dev; d->w_stride = w.stride);
    CASE("gesvd flag", NDA_EVALUE, d->op = NDA_SOLVER_GESVD; d->flag = 'X'; d->w = w.dev;
         d->w_stride = w.stride);
    CASE("orgqr n < k", NDA_EVALUE, d->op = NDA_SOLVER_ORGQR; d->k = N + 1; d->w = w.dev;
         d->w_stride = w.stride);
    CASE("potrf not square", NDA_EVALUE, d->op = NDA_SOLVER_POTRF);
    CASE("syevd flag", NDA_EVALUE, d->op = NDA_SOLVER_SYEVD; d->m = N; d->flag = 2;
         d->w = w.dev; d->w_stride = w.stride);
    CASE("getrs flag", NDA_EVALUE, d->op = NDA_SOLVER_GETRS; d->m = N; d->k = 1; d->flag = 3;
         d->b = a.dev; d->ldb = a.ld; d->b_stride = a.stride; d->a = w.dev);
    CASE("geqrf tau overlaps A", NDA_EVALUE, d->op = NDA_SOLVER_GEQRF; d->w = a.dev;
         d->w_off = d->a_off + 8; d->w_stride = d->a_stride);
#undef CASE
    for (int i = 0; i < n; i++) {
        err_clear();
        int rc = ops->solver(0, &cases[i].s);
        if (rc != cases[i].want)
            fprintf(stderr, "solver bad args: %s -> %d (%s), want %d\n", cases[i].what, rc,
                    g_err_msg, cases[i].want);
        CHECK(rc == cases[i].want && g_err_msg[0] != '\0');
    }
    if (g_slv_state != NULL) {
        g_slv_state(&handles, &calls1);
        CHECK(calls1 == calls0);
    }
    smat_down(ops, &info);
    CHECK(memcmp(info.host, info.orig, info.nel * 4) == 0);
    /* the valid call itself works */
    CHECK(run_solver(ops, &ok) == NDA_OK);
    smat_free(ops, &a);
    smat_free(ops, &ipiv);
    smat_free(ops, &w);
    smat_free(ops, &info);
}

/* n == 0 (or m == 0): info := 0 for every matrix, nothing else called;
 * GESVD 'A' of m x 0 gives U = I. batch == 0: nothing at all. */
static void test_solver_empty(const nda_backend_ops *ops)
{
    enum { B = 2, M = 3 };
    smat a, u, w, info;
    long handles, calls0, calls1;
    nda_solver_desc s;

    CHECK(smat_new(ops, &a, NDA_LIB_C128, M, 0, B) == NDA_OK);
    CHECK(smat_new(ops, &u, NDA_LIB_C128, M, M, B) == NDA_OK);
    CHECK(svec_new(ops, &w, NDA_LIB_F64, 0, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    smat_up(ops, &a);
    smat_up(ops, &u);
    smat_up(ops, &info);
    if (g_slv_state != NULL)
        g_slv_state(&handles, &calls0);

    s = desc_new(NDA_SOLVER_GETRF, NDA_LIB_C128, M, 0, 0, B, 0);
    desc_a(&s, &a);
    desc_info(&s, &info); /* ipiv: min(m, n) = 0 elements, NULL is fine */
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0));

    s = desc_new(NDA_SOLVER_POTRF, NDA_LIB_F32, 0, 0, 0, B, 0);
    s.lda = 1;
    s.a = a.dev;
    smat_up(ops, &info);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0));

    s = desc_new(NDA_SOLVER_GESVD, NDA_LIB_C128, M, 0, 0, B, 'A');
    desc_a(&s, &a);
    desc_w(&s, &w);
    desc_b(&s, &u);
    s.c = u.dev;
    s.ldc = 1;
    smat_up(ops, &info);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    smat_down(ops, &u);
    CHECK(info_all(&info, 0, 0) && smat_untouched(&u));
    int identity = 1;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++)
                if (smat_at(&u, b, i, j) != (zc)(i == j))
                    identity = 0;
    CHECK(identity);

    s = desc_new(NDA_SOLVER_GETRS, NDA_LIB_F64, 4, 4, 0, B, 0); /* no right-hand sides */
    s.a = u.dev;
    s.lda = 4;
    s.ldb = 4;
    desc_info(&s, &info);
    s.ipiv = info.dev;
    s.ipiv_off = s.info_off + 64;
    /* ipiv reaches past its buffer: checked even when k == 0 */
    err_clear();
    CHECK(ops->solver(0, &s) == NDA_EVALUE && strstr(g_err_msg, "ipiv") != NULL);

    smat_up(ops, &info);
    s = desc_new(NDA_SOLVER_SYEVD, NDA_LIB_F64, 4, 4, 0, 0, 1); /* batch 0 */
    s.lda = 4;
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(memcmp(info.host, info.orig, info.nel * 4) == 0);

    if (g_slv_state != NULL) {
        g_slv_state(&handles, &calls1);
        CHECK(calls1 == calls0); /* the library was never called */
    }
    smat_free(ops, &a);
    smat_free(ops, &u);
    smat_free(ops, &w);
    smat_free(ops, &info);
}

/* Every solver check (the fake's call counts only when it is loaded). */
static void test_solver_all(const nda_backend_ops *ops)
{
    static const int types[] = {NDA_LIB_F32, NDA_LIB_F64, NDA_LIB_C64, NDA_LIB_C128};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int t = types[i];
        test_solver_getrf(ops, t, 5, 3);
        test_solver_getrf(ops, t, 3, 4);
        test_solver_getrs(ops, t);
        test_solver_potrf(ops, t);
        test_solver_syevd(ops, t);
        test_solver_qr(ops, t);
        test_solver_gesvd(ops, t);
    }
    test_solver_singular(ops);
    test_solver_bad_args(ops);
    test_solver_empty(ops);
}

/* With a GPU: the same checks against the real cuSOLVER, when installed. */
static void test_solver_gpu(const nda_backend_ops *ops)
{
    void *buf = NULL;
    nda_solver_desc s = desc_new(NDA_SOLVER_POTRF, NDA_LIB_F64, 1, 1, 0, 1, 0);
    double one = 1.0;
    int rc;

    CHECK(ops->buffer_alloc(0, 256, &buf) == NDA_OK);
    CHECK(ops->copy_to_device(0, buf, 0, &one, sizeof one) == NDA_OK);
    s.a = s.info = buf;
    s.lda = 1;
    s.info_off = 64;
    err_clear();
    rc = ops->solver(0, &s);
    ops->synchronize(0);
    ops->buffer_free(0, buf);
    if (rc == NDA_ENODEV) {
        printf("info: solver checks skipped: %s\n", g_err_msg);
        return;
    }
    CHECK(rc == NDA_OK);
    test_solver_all(ops);
}

typedef int (*fake_range_fn)(unsigned long long p, size_t n);

/* The solver member against the fake cuSOLVER, with the fake driver's
 * range and context checks attached. */
static void test_solver_fake(const nda_backend_ops *ops, void *fake_driver)
{
    char *lib = runfile("libcusolver_fake.so");
    void *h;
    long handles = -1, calls = -1;

    /* A missing library: NDA_ENODEV naming the variable (not remembered). */
    {
        void *buf = NULL;
        CHECK(ops->buffer_alloc(0, 256, &buf) == NDA_OK);
        nda_solver_desc s = desc_new(NDA_SOLVER_POTRF, NDA_LIB_F64, 2, 2, 0, 1, 0);
        s.a = s.info = buf;
        s.lda = 2;
        s.info_off = 64;
        setenv("NDACCEL_CUSOLVER_LIBRARY", "/nonexistent/libcusolver.so", 1);
        err_clear();
        CHECK(ops->solver(0, &s) == NDA_ENODEV);
        CHECK(strstr(g_err_msg, "NDACCEL_CUSOLVER_LIBRARY") != NULL);
        ops->buffer_free(0, buf);
    }
    /* The fake computes with the system LAPACK (Debian's liblapack3). */
    void *lapack = dlopen("liblapack.so.3", RTLD_NOW | RTLD_LOCAL);
    if (lapack == NULL) {
        printf("info: no liblapack.so.3 (%s): fake cuSOLVER checks skipped\n", dlerror());
        free(lib);
        return;
    }
    dlclose(lapack);
    h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    fake_cusolver_attach_fn attach = h ? (fake_cusolver_attach_fn)dlsym(h, "nda_fake_cusolver_attach") : NULL;
    g_slv_state = h ? (fake_cusolver_state_fn)dlsym(h, "nda_fake_cusolver_state") : NULL;
    fake_range_fn range = (fake_range_fn)dlsym(fake_driver, "nda_fake_cuda_range");
    fake_state_fn state = (fake_state_fn)dlsym(fake_driver, "nda_fake_cuda_state");
    CHECK(attach != NULL && g_slv_state != NULL && range != NULL && state != NULL);
    if (attach == NULL || g_slv_state == NULL || range == NULL || state == NULL) {
        fprintf(stderr, "fake cuSOLVER %s: %s\n", lib, dlerror());
        free(lib);
        return;
    }
    attach(range, state);
    setenv("NDACCEL_CUSOLVER_LIBRARY", lib, 1);
    printf("info: solver checks against the fake cuSOLVER (LAPACK on host memory)\n");

    test_solver_all(ops);
    g_slv_state(&handles, &calls);
    CHECK(handles == 1); /* one per device, reused */
    printf("info: fake cuSOLVER: %ld calls, %ld live handle(s)\n", calls, handles);
    free(lib);
    /* h stays open: the plugin holds the library until the process ends */
}


/* Without a driver: the conformance checks against libcuda_fake.so, which
 * also tells whether the plugin freed every allocation and module and
 * popped every context it pushed. */
static void test_fake_driver(const nda_backend_ops *ops, const nda_cuda_blas *blas,
                             const nda_cuda_fft *fft)
{
    char *fake = runfile("libcuda_fake.so");
    long allocs = -1, modules = -1;
    int depth = -1;

    if (access(fake, R_OK) != 0) {
        printf("info: no %s: fake-driver checks skipped\n", fake);
        free(fake);
        return;
    }
    setenv("NDACCEL_CUDA_DRIVER", fake, 1);
    err_clear();
    int rc = ops->init(&fake_host);
    CHECK(rc == NDA_OK);
    unsetenv("NDACCEL_CUDA_DRIVER");
    void *h = dlopen(fake, RTLD_NOW | RTLD_NOLOAD);
    fake_state_fn state = h ? (fake_state_fn)dlsym(h, "nda_fake_cuda_state") : NULL;
    CHECK(state != NULL);
    free(fake);
    if (rc != NDA_OK || state == NULL) {
        fprintf(stderr, "fake driver init: %d %s\n", g_err_code, g_err_msg);
        return;
    }
    printf("info: running the device checks against the fake driver (host memory)\n");
    test_info(ops);
    test_first_use_threads(ops);
    test_memory(ops);
    test_fill(ops);
    test_programs(ops, 0);
    state(&allocs, &modules, &depth);
    CHECK(allocs == 0 && modules == 0 && depth == 0);
    test_enomem(ops);
    test_libs_args(ops, blas, fft);
    {
        /* cuBLAS/cuFFT talk to the real driver, which is absent: a clean
         * error (when the libraries exist at all). */
        void *a = NULL;
        CHECK(ops->buffer_alloc(0, 1024, &a) == NDA_OK);
        err_clear();
        rc = blas->sgemm(0, 0, 0, 4, 4, 4, 1.0f, a, 0, 4, a, 0, 4, 0.0f, a, 0, 4);
        CHECK(rc != NDA_OK && g_err_msg[0] != '\0');
        printf("info: fake driver: sgemm -> %d: %s\n", rc, g_err_msg);
        err_clear();
        rc = fft->c2c(0, 8, 1, a, 0, a, 0, 0);
        CHECK(rc != NDA_OK && g_err_msg[0] != '\0');
        printf("info: fake driver: c2c -> %d: %s\n", rc, g_err_msg);
        ops->buffer_free(0, a);
    }
    state(&allocs, &modules, &depth);
    CHECK(allocs == 0 && modules == 0 && depth == 0);
    test_solver_fake(ops, h);
    test_reinit(ops); /* the solver's handle and workspace go with shutdown */
    if (g_slv_state != NULL) {
        long handles = -1, calls = -1;
        g_slv_state(&handles, &calls);
        CHECK(handles == 0);
        test_solver_getrf(ops, NDA_LIB_C128, 4, 4); /* and come back */
        g_slv_state(&handles, &calls);
        CHECK(handles == 1);
    }
    ops->shutdown();
    state(&allocs, &modules, &depth);
    CHECK(allocs == 0 && modules == 0 && depth == 0);
    if (g_slv_state != NULL) {
        long handles = -1, calls = -1;
        g_slv_state(&handles, &calls);
        CHECK(handles == 0);
    }
    printf("info: fake driver after shutdown: %ld allocations, %ld modules, context depth %d\n",
           allocs, modules, depth);
    if (h != NULL)
        dlclose(h); /* drops our extra reference only */
}

int main(int argc, char **argv)
{
    int bench = getenv("NDA_CUDA_TEST_NO_BENCH") == NULL;
    char *path = plugin_path(argc, argv);
    void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);

    if (so == NULL) {
        fprintf(stderr, "dlopen(%s): %s\n0 passed, 1 failed\n", path, dlerror());
        free(path);
        return 1;
    }
    free(path);
    nda_backend_entry_fn entry = (nda_backend_entry_fn)dlsym(so, NDA_BACKEND_ENTRY_SYMBOL);
    nda_cuda_blas_entry_fn blas_entry =
        (nda_cuda_blas_entry_fn)dlsym(so, NDA_CUDA_BLAS_ENTRY_SYMBOL);
    nda_cuda_fft_entry_fn fft_entry = (nda_cuda_fft_entry_fn)dlsym(so, NDA_CUDA_FFT_ENTRY_SYMBOL);
    CHECK(entry != NULL && blas_entry != NULL && fft_entry != NULL);
    /* internals are hidden */
    CHECK(dlsym(so, "nda_cu_error_set") == NULL && dlsym(so, "nda_nvrtc_load") == NULL &&
          dlsym(so, "nda_cu_driver_load") == NULL);
    const nda_backend_ops *ops = entry ? entry() : NULL;
    const nda_cuda_blas *blas = blas_entry ? blas_entry() : NULL;
    const nda_cuda_fft *fft = fft_entry ? fft_entry() : NULL;
    if (ops == NULL || blas == NULL || fft == NULL) {
        printf("%d passed, %d failed\n", g_passed, g_failed + 1);
        return 1;
    }
    CHECK(ops->abi_version == NDA_BACKEND_ABI_VERSION);
    CHECK(strcmp(ops->name, "cuda") == 0);
    CHECK(ops->dialect == NDA_DIALECT_CUDA);
    CHECK(blas->version >= 1 && fft->version >= 1);

    /* A caller-set driver path would defeat the checks below. */
    unsetenv("NDACCEL_CUDA_DRIVER");
    err_clear();
    int rc = ops->init(&fake_host);
    if (rc != NDA_OK) {
        CHECK(rc == NDA_ENODEV);
        CHECK(strstr(g_err_msg, "CUDA driver") != NULL);
        printf("info: GPU checks skipped: init failed (%d): %s\n", rc, g_err_msg);
        test_no_driver(ops, blas, fft);
        test_stub_refused(ops);
        test_fake_driver(ops, blas, fft);
    } else {
        test_info(ops);
        test_first_use_threads(ops);
        test_memory(ops);
        test_fill(ops);
        test_programs(ops, bench);
        test_enomem(ops);
        test_libs_args(ops, blas, fft);
        test_libs(ops, blas, fft);
        test_solver_gpu(ops);
        test_reinit(ops);
        ops->shutdown();
    }
    (void)so; /* stays loaded: libcuda is never unloaded */
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

/* Tests the CUDA backend plugin through its ops table, as the core would:
 * dlopen the shared object, call nda_backend_entry, drive every member.
 *
 * Without a CUDA driver (the usual CI machine) it checks that init fails
 * cleanly with a message naming the CUDA driver, that the toolkit's stub
 * libcuda is refused, and that every entry point (ops table, cuBLAS and
 * cuFFT tables) then answers NDA_ENODEV instead of crashing; then it runs
 * the device checks against libcuda_fake.so (a host-memory test double).
 * With a driver and a GPU it runs the OpenCL plugin test's conformance
 * checks plus one SGEMM and one C2C FFT through the cuda_libs.h adapters.
 *
 * Usage: cuda_backend_test [path/to/libndaccel_cuda.so]
 * Without an argument the plugin is looked up in the Bazel runfiles. */
#define _POSIX_C_SOURCE 200809L
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
    test_reinit(ops);
    ops->shutdown();
    state(&allocs, &modules, &depth);
    CHECK(allocs == 0 && modules == 0 && depth == 0);
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
        test_reinit(ops);
        ops->shutdown();
    }
    (void)so; /* stays loaded: libcuda is never unloaded */
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

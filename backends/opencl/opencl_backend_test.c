/* Tests the OpenCL backend plugin through its ops table, as the core would:
 * dlopen the shared object, call nda_backend_entry, drive every member.
 *
 * Usage: opencl_backend_test [path/to/libndaccel_opencl.so]
 * Without an argument the plugin is looked up in the Bazel runfiles. */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    "__kernel void k(__global float *x, float a, uint n){ size_t i=get_global_id(0); "
    "if(i<n) x[i]=x[i]*a+1; }\n";

/* ---------------------------------------------------------------------- */

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
    CHECK(info.global_mem_bytes > 0);
    CHECK(info.max_alloc_bytes > 0 && info.max_alloc_bytes <= info.global_mem_bytes);
    CHECK(info.max_work_group_size >= 1);
    CHECK(info.compute_units >= 1);
    printf("info: device 0: %s | %s | driver %s | %s | gpu=%d fp64=%d fp16=%d mem=%llu "
           "maxalloc=%llu wg=%zu cu=%d\n",
           info.name, info.vendor, info.driver_version, info.platform, info.is_gpu,
           info.has_fp64, info.has_fp16, (unsigned long long)info.global_mem_bytes,
           (unsigned long long)info.max_alloc_bytes, info.max_work_group_size,
           info.compute_units);

    CHECK(ops->cache_tag(0, tag, sizeof tag) == NDA_OK);
    CHECK(strncmp(tag, "opencl|", 7) == 0);
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
    unsigned char *src = malloc(N), *dst = malloc(N);
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

    /* overlapping copy inside one buffer behaves like memmove */
    unsigned char *ref = malloc(N);
    memcpy(ref, src, N);
    memmove(ref + 10, ref, 2000);
    CHECK(ops->copy_to_device(0, a, 0, src, N) == NDA_OK);
    CHECK(ops->copy_device(0, a, 10, a, 0, 2000) == NDA_OK);
    CHECK(ops->copy_to_host(0, dst, a, 0, N) == NDA_OK);
    CHECK(memcmp(dst, ref, N) == 0);
    free(ref);

    /* zero-byte operations are no-ops */
    CHECK(ops->copy_to_device(0, a, 0, src, 0) == NDA_OK);
    CHECK(ops->copy_to_host(0, dst, a, 0, 0) == NDA_OK);
    CHECK(ops->copy_device(0, b, 0, a, 0, 0) == NDA_OK);

    /* out-of-range copy is an error, not a crash */
    err_clear();
    CHECK(ops->copy_to_host(0, dst, a, N - 10, 20) == NDA_EBACKEND);
    CHECK(strstr(g_err_msg, "clEnqueueReadBuffer failed: CL_INVALID_VALUE (-30)") != NULL);

    ops->buffer_free(0, a);
    ops->buffer_free(0, b);
    free(src);
    free(dst);
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
    }
    CHECK(ops->fill(0, buf, 0, pat, 4, 0) == NDA_OK);
    err_clear();
    CHECK(ops->fill(0, buf, 0, pat, 3, 9) == NDA_EVALUE);
    CHECK(ops->fill(0, buf, 0, pat, 32, 64) == NDA_EVALUE);
    ops->buffer_free(0, buf);
}

/* Runs kernel `k` of a program on n floats (n not a multiple of 64) and
 * checks x[i] = x[i]*a + 1 and that nothing past n was touched. */
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
    CHECK(ops->program_build(0, k_source, "-cl-std=CL1.2", &prog, &log) == NDA_OK);
    double t1 = now_s();
    free(log);
    log = NULL;
    CHECK(ops->kernel_get(0, prog, "k", &kern) == NDA_OK);
    CHECK(kern != NULL && run_kernel(ops, kern));

    /* unknown kernel name */
    err_clear();
    CHECK(ops->kernel_get(0, prog, "nope", &kern2) == NDA_EBACKEND && kern2 == NULL);
    CHECK(strstr(g_err_msg, "CL_INVALID_KERNEL_NAME") != NULL && strstr(g_err_msg, "nope"));

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
    free(bin);

    /* syntax error: NDA_ECOMPILE, a log, and the log in the message */
    err_clear();
    CHECK(ops->program_build(0, "__kernel void bad(__global float *x) { x[0] = ; }", NULL,
                             &prog2, &log) == NDA_ECOMPILE);
    CHECK(prog2 == NULL);
    CHECK(log != NULL && log[0] != '\0');
    CHECK(strstr(g_err_msg, "OpenCL build failed on ") == g_err_msg);
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

/* First use of a device from several threads at once: the lazy context and
 * queue creation must happen exactly once. (The core serialises calls per
 * device; OpenCL itself is thread-safe for these calls.) */
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

/* ---------------------------------------------------------------------- */

static char *plugin_path(int argc, char **argv)
{
    const char *srcdir = getenv("TEST_SRCDIR");
    const char *ws = getenv("TEST_WORKSPACE");
    char *p;

    if (argc > 1)
        return strdup(argv[1]);
    if (srcdir == NULL)
        return strdup("./libndaccel_opencl.so");
    if (ws == NULL)
        ws = "__main__";
    size_t n = strlen(srcdir) + strlen(ws) + 64;
    p = malloc(n);
    snprintf(p, n, "%s/%s/backends/opencl/libndaccel_opencl.so", srcdir, ws);
    return p;
}

int main(int argc, char **argv)
{
    const char *tmp = getenv("TEST_TMPDIR");
    char pocl_dir[4096];
    int bench = getenv("NDA_OCL_TEST_NO_BENCH") == NULL;

    /* The Bazel sandbox has no writable HOME: keep PoCL's cache in the
     * test's temporary directory. */
    if (tmp != NULL) {
        snprintf(pocl_dir, sizeof pocl_dir, "%s/pocl", tmp);
        setenv("POCL_CACHE_DIR", pocl_dir, 1);
        setenv("XDG_CACHE_HOME", tmp, 1);
    }

    char *path = plugin_path(argc, argv);
    void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (so == NULL) {
        fprintf(stderr, "dlopen(%s): %s\n0 passed, 1 failed\n", path, dlerror());
        free(path);
        return 1;
    }
    free(path);
    nda_backend_entry_fn entry = (nda_backend_entry_fn)dlsym(so, NDA_BACKEND_ENTRY_SYMBOL);
    CHECK(entry != NULL);
    CHECK(dlsym(so, "nda_ocl_error_name") == NULL); /* internals are hidden */
    const nda_backend_ops *ops = entry ? entry() : NULL;
    if (ops == NULL) {
        printf("%d passed, %d failed\n", g_passed, g_failed + 1);
        return 1;
    }
    CHECK(ops->abi_version == NDA_BACKEND_ABI_VERSION);
    CHECK(strcmp(ops->name, "opencl") == 0);
    CHECK(ops->dialect == NDA_DIALECT_OPENCL);

    int rc = ops->init(&fake_host);
    CHECK(rc == NDA_OK);
    if (rc != NDA_OK) {
        fprintf(stderr, "init: %d %s\n", g_err_code, g_err_msg);
    } else {
        test_info(ops);
        test_first_use_threads(ops);
        test_memory(ops);
        test_fill(ops);
        test_programs(ops, bench);
        test_enomem(ops);
        test_reinit(ops);
        ops->shutdown();
    }
    /* The plugin stays loaded: LeakSanitizer can only attribute (and
     * suppress) PoCL's intentional exit-time leaks while its libraries are
     * still mapped. */
    (void)so;
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

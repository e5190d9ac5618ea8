/* The CUDA plugin's test: the conformance checks (conformance.h) on device
 * 0, plus the CUDA-only checks (cuda_checks.h).
 *
 * Without a CUDA driver (the usual CI machine) it checks that init fails
 * cleanly with a message naming the CUDA driver, that every entry point
 * then answers NDA_ENODEV instead of crashing, and that the toolkit's stub
 * libcuda is refused; then it runs everything against
 * tests/fakes/libcuda_fake.so (a host-memory test double that also reports
 * leaked allocations, modules and contexts), and the solver checks against
 * tests/fakes/libcusolver_fake.so (LAPACK behind cuSOLVER's API). With a
 * driver and a GPU it runs them on the device, with one SGEMM and one FFT,
 * and the solver checks against the real cuSOLVER.
 *
 * Usage: cuda_test [path/to/libndaccel_cuda.so] (default: the Bazel
 * runfiles). NDA_CUDA_TEST_NO_BENCH=1 skips the launch-latency printout. */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nda/error.h"
#include "tests/c/test_util.h"
#include "tests/conformance/conformance.h"
#include "tests/conformance/cuda_checks.h"
#include "tests/conformance/plugin_harness.h"

static const conf_backend cuda_backend = {
    .name = "cuda",
    .dialect = NDA_DIALECT_CUDA,
    .kernel_source = "extern \"C\" __global__ void k(float *x, float a, unsigned n){ unsigned i "
                     "= blockIdx.x * blockDim.x + threadIdx.x; if (i < n) x[i] = x[i] * a + 1; "
                     "}\n",
    .build_options = NULL,
    .bad_source = "extern \"C\" __global__ void bad(float *x) { x[0] = ; }",
    .build_error_prefix = "NVRTC compile failed: ",
    .unknown_kernel_error = "CUDA_ERROR_NOT_FOUND",
    /* the plugin checks ranges itself */
    .range_error = NDA_EVALUE,
    .range_message = "outside the 4096-byte buffer",
    .local_size_error = NDA_EVALUE,
};

/* ---------------------------------------------------------------------- */
/* Without a driver                                                        */

static void test_no_driver(const nda_backend_ops *ops)
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
    CHECK(ops->program_build(0, cuda_backend.kernel_source, NULL, &prog, &log) == NDA_ENODEV &&
          prog == NULL);
    free(log);
    CHECK(ops->program_load(0, "x", 1, &prog) == NDA_ENODEV && prog == NULL);
    CHECK(ops->program_binary(0, NULL, &bin, &nbin) == NDA_ENODEV && bin == NULL);
    CHECK(ops->synchronize(0) == NDA_ENODEV);
    ops->buffer_free(0, NULL);
    ops->program_free(0, NULL);

    /* The vendor-library members: NDA_ENODEV before touching any library. */
    cuda_libs_no_driver(ops);
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
    CHECK(ops->init(&g_fake_host) == NDA_ENODEV);
    CHECK(strstr(g_err_msg, "stub") != NULL && strstr(g_err_msg, "CUDA driver") != NULL);
    printf("info: stub driver -> %s\n", g_err_msg);
    unsetenv("NDACCEL_CUDA_DRIVER");
    err_clear();
    CHECK(ops->init(&g_fake_host) != NDA_OK); /* still no driver, still clean */
    CHECK(strstr(g_err_msg, "CUDA driver") != NULL);
#else
    (void)ops;
#endif
}

/* ---------------------------------------------------------------------- */
/* On a device (real or fake)                                              */

/* What a CUDA device has beyond every backend's minimum. */
static void test_cuda_info(const nda_backend_ops *ops)
{
    nda_device_info info;
    char tag[2048];

    CHECK(ops->device_info(0, &info) == NDA_OK);
    CHECK(info.is_gpu == 1 && info.has_fp64 == 1);
    CHECK(info.max_work_group_size >= 256);
    CHECK(ops->cache_tag(0, tag, sizeof tag) == NDA_OK);
    CHECK(strstr(tag, "|sm_") && strstr(tag, "|nvrtc "));
}

/* An intact CUBIN for another architecture (its ELF header's arch field)
 * is rejected, not loaded. */
static void test_foreign_binary(const nda_backend_ops *ops)
{
    void *prog = NULL, *bin = NULL, *other = NULL;
    char *log = NULL;
    size_t nbin = 0;
    uint32_t arch = 10;

    CHECK(ops->program_build(0, cuda_backend.kernel_source, NULL, &prog, &log) == NDA_OK);
    free(log);
    CHECK(ops->program_binary(0, prog, &bin, &nbin) == NDA_OK && nbin > 32);
    if (bin != NULL && nbin > 32) {
        other = malloc(nbin);
        memcpy(other, bin, nbin);
        memcpy((unsigned char *)other + 28, &arch, 4);
        ops->program_free(0, prog);
        prog = NULL;
        err_clear();
        CHECK(ops->program_load(0, other, nbin, &prog) == NDA_ECOMPILE && prog == NULL);
        free(other);
    }
    free(bin);
    if (prog != NULL)
        ops->program_free(0, prog);
}

/* The fake driver left nothing behind: no allocation, module or pushed
 * context. */
static void check_fake_clean(fake_state_fn state)
{
    long allocs = -1, modules = -1;
    int depth = -1;

    state(&allocs, &modules, &depth);
    CHECK(allocs == 0 && modules == 0 && depth == 0);
}

/* Without a driver: everything against libcuda_fake.so. */
static void test_fake_driver(const nda_backend_ops *ops)
{
    char *fake = runfile("tests/fakes/libcuda_fake.so");
    long allocs = -1, modules = -1, handles = -1;
    int depth = -1;

    if (access(fake, R_OK) != 0) {
        printf("info: no %s: fake-driver checks skipped\n", fake);
        free(fake);
        return;
    }
    setenv("NDACCEL_CUDA_DRIVER", fake, 1);
    err_clear();
    int rc = ops->init(&g_fake_host);
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
    conf_info(ops, &cuda_backend);
    test_cuda_info(ops);
    conf_first_use_threads(ops);
    conf_memory(ops, &cuda_backend);
    conf_fill(ops);
    conf_host_access(ops);
    check_fake_clean(state); /* the wrapped handle freed nothing twice */
    conf_programs(ops, &cuda_backend, 0);
    test_foreign_binary(ops);
    check_fake_clean(state);
    conf_enomem(ops);
    cuda_libs_args(ops);
    cuda_libs_fake_driver(ops);
    check_fake_clean(state);
    cuda_solver_fake(ops, h);
    conf_reinit(ops); /* the solver's handle and workspace go with shutdown */
    if (cuda_solver_fake_handles(&handles)) {
        CHECK(handles == 0);
        cuda_solver_getrf(ops, NDA_LIB_C128, 4, 4); /* and come back */
        cuda_solver_fake_handles(&handles);
        CHECK(handles == 1);
    }
    ops->shutdown();
    check_fake_clean(state);
    if (cuda_solver_fake_handles(&handles))
        CHECK(handles == 0);
    state(&allocs, &modules, &depth);
    printf("info: fake driver after shutdown: %ld allocations, %ld modules, context depth %d\n",
           allocs, modules, depth);
    if (h != NULL)
        dlclose(h); /* drops our extra reference only */
}

/* With a GPU. */
static void test_gpu(const nda_backend_ops *ops, int bench)
{
    conf_info(ops, &cuda_backend);
    test_cuda_info(ops);
    conf_first_use_threads(ops);
    conf_memory(ops, &cuda_backend);
    conf_fill(ops);
    conf_host_access(ops);
    conf_programs(ops, &cuda_backend, bench);
    test_foreign_binary(ops);
    conf_enomem(ops);
    cuda_libs_args(ops);
    cuda_libs_gpu(ops);
    cuda_solver_gpu(ops);
    conf_reinit(ops);
    ops->shutdown();
}

int main(int argc, char **argv)
{
    /* The plugin's internals and the tables earlier versions exported. */
    static const char *const hidden[] = {"nda_nvrtc_load", "nda_cu_driver_load",
                                         "nda_cuda_toolkit_dir", "nda_cuda_blas_entry",
                                         "nda_cuda_fft_entry", NULL};
    char *path = argc > 1 ? strdup(argv[1]) : runfile("backends/cuda/libndaccel_cuda.so");
    const nda_backend_ops *ops;
    void *so = NULL;

    ops = plugin_open(path, "cuda", NDA_DIALECT_CUDA, hidden, &so);
    free(path);
    if (ops == NULL)
        return test_summary();
    CHECK(ops->gemm != NULL && ops->fft != NULL && ops->solver != NULL);

    /* A caller-set driver path would defeat the checks below. */
    unsetenv("NDACCEL_CUDA_DRIVER");
    err_clear();
    int rc = ops->init(&g_fake_host);
    if (rc != NDA_OK) {
        CHECK(rc == NDA_ENODEV);
        CHECK(strstr(g_err_msg, "CUDA driver") != NULL);
        printf("info: GPU checks skipped: init failed (%d): %s\n", rc, g_err_msg);
        test_no_driver(ops);
        test_stub_refused(ops);
        test_fake_driver(ops);
    } else {
        test_gpu(ops, getenv("NDA_CUDA_TEST_NO_BENCH") == NULL);
    }
    (void)so; /* stays loaded: libcuda is never unloaded */
    return test_summary();
}

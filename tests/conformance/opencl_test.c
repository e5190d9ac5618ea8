/* The conformance checks on the OpenCL plugin, on its first device (PoCL
 * on a CPU-only machine).
 *
 * Usage: opencl_test [path/to/libndaccel_opencl.so] (default: the Bazel
 * runfiles). NDA_OCL_TEST_NO_BENCH=1 skips the launch-latency printout. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/error.h"
#include "tests/c/test_util.h"
#include "tests/conformance/conformance.h"
#include "tests/conformance/plugin_harness.h"

static const conf_backend opencl_backend = {
    .name = "opencl",
    .dialect = NDA_DIALECT_OPENCL,
    .kernel_source = "__kernel void k(__global float *x, float a, uint n){ size_t "
                     "i=get_global_id(0); if(i<n) x[i]=x[i]*a+1; }\n",
    .build_options = "-cl-std=CL1.2",
    .bad_source = "__kernel void bad(__global float *x) { x[0] = ; }",
    .build_error_prefix = "OpenCL build failed on ",
    .unknown_kernel_error = "CL_INVALID_KERNEL_NAME",
    /* the driver rejects the range */
    .range_error = NDA_EBACKEND,
    .range_message = "clEnqueueReadBuffer failed: CL_INVALID_VALUE (-30)",
    .local_size_error = NDA_EBACKEND,
};

int main(int argc, char **argv)
{
    static const char *const hidden[] = {"nda_ocl_error_name", "nda_ocl_gemm", NULL};
    const char *tmp = getenv("TEST_TMPDIR");
    char pocl_dir[4096];
    char *path = argc > 1 ? strdup(argv[1]) : runfile("backends/opencl/libndaccel_opencl.so");
    const nda_backend_ops *ops;
    void *so = NULL;
    int rc;

    /* The Bazel sandbox has no writable HOME: keep PoCL's cache in the
     * test's temporary directory. */
    if (tmp != NULL) {
        snprintf(pocl_dir, sizeof pocl_dir, "%s/pocl", tmp);
        setenv("POCL_CACHE_DIR", pocl_dir, 1);
        setenv("XDG_CACHE_HOME", tmp, 1);
    }
    ops = plugin_open(path, "opencl", NDA_DIALECT_OPENCL, hidden, &so);
    free(path);
    if (ops == NULL)
        return test_summary();
    rc = ops->init(&g_fake_host);
    CHECK(rc == NDA_OK);
    if (rc != NDA_OK) {
        fprintf(stderr, "init: %d %s\n", g_err_code, g_err_msg);
    } else {
        conf_run_all(ops, &opencl_backend, getenv("NDA_OCL_TEST_NO_BENCH") == NULL);
        ops->shutdown();
    }
    /* The plugin stays loaded: LeakSanitizer can only attribute (and
     * suppress) PoCL's intentional exit-time leaks while its libraries are
     * still mapped. */
    (void)so;
    return test_summary();
}

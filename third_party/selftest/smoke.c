/* Toolchain smoke test: Python, NumPy and OpenCL headers compile together in
 * C11, -lOpenCL links, and an OpenCL kernel builds and runs (PoCL on CPU)
 * inside the Bazel test sandbox. */
#include <Python.h> /* first, as Python requires; also sets _POSIX_C_SOURCE */
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL ndaccel_smoke_ARRAY_API
#define NO_IMPORT_ARRAY /* no libpython here: declare, don't define, the API table */
#include <numpy/arrayobject.h>
#include <CL/cl.h>
#if SMOKE_HAS_CUDA /* headers only; the CUDA backend dlopen()s libcuda */
#include <cuda.h>
#include <nvrtc.h>
_Static_assert(CUDA_VERSION >= 11000, "CUDA headers");
#endif
#if SMOKE_HAS_MPI
#include <mpi.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

_Static_assert(PY_MAJOR_VERSION == 3, "Python 3 headers");
_Static_assert(NPY_FLOAT64 == NPY_DOUBLE, "numpy headers");

#define CHECK(call)                                                        \
    do {                                                                   \
        cl_int err_ = (call);                                              \
        if (err_ != CL_SUCCESS) {                                          \
            fprintf(stderr, "%s:%d: %s -> %d\n", __FILE__, __LINE__, #call, \
                    (int)err_);                                            \
            return 1;                                                      \
        }                                                                  \
    } while (0)

static const char *kSrc =
    "__kernel void axpy(float a, __global const float *x, __global float *y) {\n"
    "  size_t i = get_global_id(0); y[i] = a * x[i] + y[i];\n"
    "}\n";

int main(void) {
    /* PoCL writes its kernel cache under $POCL_CACHE_DIR or $XDG_CACHE_HOME;
     * only $TEST_TMPDIR is writable in the Bazel sandbox. */
    const char *tmp = getenv("TEST_TMPDIR");
    if (tmp && *tmp) {
        char buf[4096];
        snprintf(buf, sizeof buf, "%s/pocl", tmp);
        mkdir(buf, 0700);
        setenv("POCL_CACHE_DIR", buf, 1);
        snprintf(buf, sizeof buf, "%s/xdg-cache", tmp);
        mkdir(buf, 0700);
        setenv("XDG_CACHE_HOME", buf, 1);
    }

    cl_uint nplat = 0;
    CHECK(clGetPlatformIDs(0, NULL, &nplat));
    printf("OpenCL platforms: %u\n", nplat);
    if (nplat == 0) return 1;
    cl_platform_id plats[16];
    CHECK(clGetPlatformIDs(nplat > 16 ? 16 : nplat, plats, NULL));

    cl_device_id dev = NULL;
    for (cl_uint p = 0; p < nplat && p < 16 && !dev; ++p) {
        char name[256] = {0};
        clGetPlatformInfo(plats[p], CL_PLATFORM_NAME, sizeof name - 1, name, NULL);
        printf("platform %u: %s\n", p, name);
        cl_uint nd = 0;
        if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 1, &dev, &nd) != CL_SUCCESS) dev = NULL;
    }
    if (!dev) { fprintf(stderr, "no OpenCL device\n"); return 1; }

    cl_int err;
    cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
    CHECK(err);
    cl_command_queue q = clCreateCommandQueue(ctx, dev, 0, &err);
    CHECK(err);
    cl_program prog = clCreateProgramWithSource(ctx, 1, &kSrc, NULL, &err);
    CHECK(err);
    err = clBuildProgram(prog, 1, &dev, "", NULL, NULL);
    if (err != CL_SUCCESS) {
        char log[8192] = {0};
        clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, sizeof log - 1, log, NULL);
        fprintf(stderr, "build failed (%d):\n%s\n", (int)err, log);
        return 1;
    }
    cl_kernel k = clCreateKernel(prog, "axpy", &err);
    CHECK(err);

    enum { N = 1024 };
    float x[N], y[N];
    for (int i = 0; i < N; ++i) { x[i] = (float)i; y[i] = 1.0f; }
    cl_mem bx = clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof x, x, &err);
    CHECK(err);
    cl_mem by = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof y, y, &err);
    CHECK(err);
    float a = 2.0f;
    CHECK(clSetKernelArg(k, 0, sizeof a, &a));
    CHECK(clSetKernelArg(k, 1, sizeof bx, &bx));
    CHECK(clSetKernelArg(k, 2, sizeof by, &by));
    size_t gsz = N;
    CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gsz, NULL, 0, NULL, NULL));
    CHECK(clEnqueueReadBuffer(q, by, CL_TRUE, 0, sizeof y, y, 0, NULL, NULL));
    for (int i = 0; i < N; ++i) {
        if (y[i] != 2.0f * (float)i + 1.0f) {
            fprintf(stderr, "mismatch at %d: %g\n", i, (double)y[i]);
            return 1;
        }
    }
    clReleaseMemObject(bx);
    clReleaseMemObject(by);
    clReleaseKernel(k);
    clReleaseProgram(prog);
    clReleaseCommandQueue(q);
    clReleaseContext(ctx);
    puts("toolchain smoke test: OK");
    return 0;
}

/* Speed-of-light reference for bench/laplace.py: the seed's Jacobi sweep as
 * one hand-written OpenCL kernel launched from C on the same device, with
 * the same convergence check (max |u_new - u|, every 10 sweeps, as a
 * second hand-written kernel).
 *
 * usage: laplace_ref N SWEEPS float32|float64 [platform_index device_index]
 * prints: "ms_per_sweep <value>" */
#define _POSIX_C_SOURCE 200809L
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *SRC =
    "#ifdef USE_DOUBLE\n#pragma OPENCL EXTENSION cl_khr_fp64 : enable\ntypedef double T;\n"
    "#else\ntypedef float T;\n#endif\n"
    "__kernel void sweep(__global const T *u, __global T *un, int n) {\n"
    "  int j = get_global_id(0) + 1, i = get_global_id(1) + 1;\n"
    "  if (i >= n - 1 || j >= n - 1) return;\n"
    "  size_t k = (size_t)i * n + j;\n"
    "  un[k] = ((u[k - n] + u[k + n]) + (u[k - 1] + u[k + 1])) / 4;\n"
    "}\n"
    "__kernel void maxdiff(__global const T *a, __global const T *b, __global T *out, int total) {\n"
    "  __local T s[256];\n"
    "  int lid = get_local_id(0);\n"
    "  T m = -INFINITY;\n"
    "  for (int i = get_global_id(0); i < total; i += get_global_size(0)) m = fmax(m, a[i] - b[i]);\n"
    "  s[lid] = m; barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  for (int w = 128; w > 0; w >>= 1) { if (lid < w) s[lid] = fmax(s[lid], s[lid + w]);\n"
    "    barrier(CLK_LOCAL_MEM_FENCE); }\n"
    "  if (lid == 0) out[get_group_id(0)] = s[0];\n"
    "}\n";

#define CHECK(x)                                                            \
    do {                                                                    \
        cl_int e_ = (x);                                                    \
        if (e_ != CL_SUCCESS) {                                             \
            fprintf(stderr, "%s failed: %d (line %d)\n", #x, e_, __LINE__); \
            exit(1);                                                        \
        }                                                                   \
    } while (0)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s N SWEEPS float32|float64 [platform device]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), sweeps = atoi(argv[2]);
    int dbl = strcmp(argv[3], "float64") == 0;
    int pi = argc > 4 ? atoi(argv[4]) : 0, di = argc > 5 ? atoi(argv[5]) : 0;
    size_t es = dbl ? 8 : 4, bytes = (size_t)n * n * es;
    cl_platform_id plats[16];
    cl_uint np;
    CHECK(clGetPlatformIDs(16, plats, &np));
    cl_device_id devs[16];
    cl_uint nd;
    CHECK(clGetDeviceIDs(plats[pi], CL_DEVICE_TYPE_ALL, 16, devs, &nd));
    cl_device_id dev = devs[di];
    cl_int err;
    cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
    CHECK(err);
    cl_command_queue q = clCreateCommandQueue(ctx, dev, 0, &err);
    CHECK(err);
    cl_program prog = clCreateProgramWithSource(ctx, 1, &SRC, NULL, &err);
    CHECK(err);
    CHECK(clBuildProgram(prog, 1, &dev, dbl ? "-DUSE_DOUBLE" : "", NULL, NULL));
    cl_kernel ks = clCreateKernel(prog, "sweep", &err);
    CHECK(err);
    cl_kernel km = clCreateKernel(prog, "maxdiff", &err);
    CHECK(err);
    char *host = calloc(1, bytes);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double v = i == 0 ? 100 : i == n - 1 ? 50 : (j == 0 || j == n - 1) ? 75 : 0;
            if (dbl) ((double *)host)[(size_t)i * n + j] = v;
            else ((float *)host)[(size_t)i * n + j] = (float)v;
        }
    cl_mem u = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes, host, &err);
    CHECK(err);
    cl_mem un = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes, host, &err);
    CHECK(err);
    cl_mem part = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 256 * es, NULL, &err);
    CHECK(err);
    size_t local2[2] = {64, 1};
    size_t global2[2] = {((size_t)(n - 2) + 63) / 64 * 64, (size_t)(n - 2)};
    size_t lm = 256, gm = 256 * 256;
    int total = n * n;
    double t0 = 0;
    for (int it = -10; it < sweeps; it++) { /* 10 warm-up sweeps */
        if (it == 0) {
            CHECK(clFinish(q));
            t0 = now();
        }
        CHECK(clSetKernelArg(ks, 0, sizeof u, &u));
        CHECK(clSetKernelArg(ks, 1, sizeof un, &un));
        CHECK(clSetKernelArg(ks, 2, sizeof n, &n));
        CHECK(clEnqueueNDRangeKernel(q, ks, 2, NULL, global2, local2, 0, NULL, NULL));
        if ((it + 1) % 10 == 0) {
            char res[256 * 8];
            CHECK(clSetKernelArg(km, 0, sizeof un, &un));
            CHECK(clSetKernelArg(km, 1, sizeof u, &u));
            CHECK(clSetKernelArg(km, 2, sizeof part, &part));
            CHECK(clSetKernelArg(km, 3, sizeof total, &total));
            CHECK(clEnqueueNDRangeKernel(q, km, 1, NULL, &gm, &lm, 0, NULL, NULL));
            CHECK(clEnqueueReadBuffer(q, part, CL_TRUE, 0, 256 * es, res, 0, NULL, NULL));
        }
        cl_mem t = u;
        u = un;
        un = t;
    }
    CHECK(clFinish(q));
    printf("ms_per_sweep %.4f\n", (now() - t0) / sweeps * 1e3);
    free(host);
    clReleaseMemObject(u);
    clReleaseMemObject(un);
    clReleaseMemObject(part);
    clReleaseKernel(ks);
    clReleaseKernel(km);
    clReleaseProgram(prog);
    clReleaseCommandQueue(q);
    clReleaseContext(ctx);
    return 0;
}

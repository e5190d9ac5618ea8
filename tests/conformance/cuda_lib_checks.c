/* The gemm (cuBLAS) and fft (cuFFT) members of the CUDA plugin (see
 * cuda_checks.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nda/error.h"
#include "tests/c/test_util.h"
#include "tests/conformance/cuda_checks.h"
#include "tests/conformance/plugin_harness.h"

/* One column-major GEMM (batch 1): C = alpha op(A) op(B) + beta C. */
static int gemm1(const nda_backend_ops *ops, nda_lib_type t, int ta, int tb, int m, int n, int k,
                 double alpha, void *a, size_t a_off, int lda, void *b, size_t b_off, int ldb,
                 double beta, void *c, size_t c_off, int ldc)
{
    nda_gemm_desc g = {.type = t, .trans_a = ta, .trans_b = tb, .m = m, .n = n, .k = k,
                       .batch = 1, .alpha = {alpha, 0}, .beta = {beta, 0},
                       .a = a, .a_off = a_off, .lda = lda, .b = b, .b_off = b_off, .ldb = ldb,
                       .c = c, .c_off = c_off, .ldc = ldc};
    return ops->gemm(0, &g);
}

/* `batch` transforms of n points from in to out. */
static int fft1(const nda_backend_ops *ops, nda_lib_type t, int n, int batch, void *in,
                size_t in_off, void *out, size_t out_off, int inverse)
{
    nda_fft_desc f = {.type = t, .inverse = inverse, .n = n, .batch = batch,
                      .in = in, .in_off = in_off, .out = out, .out_off = out_off};
    return ops->fft(0, &f);
}

void cuda_libs_no_driver(const nda_backend_ops *ops)
{
    err_clear();
    CHECK(gemm1(ops, NDA_LIB_F32, 0, 0, 4, 4, 4, 1.0, NULL, 0, 4, NULL, 0, 4, 0.0, NULL, 0, 4) ==
          NDA_ENODEV);
    CHECK(gemm1(ops, NDA_LIB_F64, 0, 0, 4, 4, 4, 1.0, NULL, 0, 4, NULL, 0, 4, 0.0, NULL, 0, 4) ==
          NDA_ENODEV);
    CHECK(fft1(ops, NDA_LIB_C64, 8, 1, NULL, 0, NULL, 0, 0) == NDA_ENODEV);
    CHECK(fft1(ops, NDA_LIB_C128, 8, 1, NULL, 0, NULL, 0, 1) == NDA_ENODEV);
    CHECK(strstr(g_err_msg, "not initialised") != NULL);
}

void cuda_libs_args(const nda_backend_ops *ops)
{
    void *a = NULL;

    CHECK(ops->buffer_alloc(0, 64, &a) == NDA_OK);
    err_clear();
    CHECK(gemm1(ops, NDA_LIB_F64, 0, 0, 4, 4, 4, 1.0, a, 0, 4, a, 0, 4, 0.0, a, 0, 4) ==
          NDA_EVALUE);
    CHECK(strstr(g_err_msg, "exceeds") != NULL);
    CHECK(gemm1(ops, NDA_LIB_F32, 0, 0, 4, 4, 4, 1.0, a, 0, 3, a, 0, 4, 0.0, a, 0, 4) ==
          NDA_EVALUE);
    CHECK(gemm1(ops, NDA_LIB_F32, 0, 0, -1, 4, 4, 1.0, a, 0, 4, a, 0, 4, 0.0, a, 0, 4) ==
          NDA_EVALUE);
    CHECK(fft1(ops, NDA_LIB_C64, 8, 2, a, 0, a, 0, 0) == NDA_EVALUE); /* 128 bytes > 64 */
    CHECK(fft1(ops, NDA_LIB_C64, 0, 1, a, 0, a, 0, 0) == NDA_EVALUE);
    CHECK(fft1(ops, NDA_LIB_C64, 4, 1, a, 0, a, 8, 0) == NDA_EVALUE); /* partial overlap */
    ops->buffer_free(0, a);
}

/* The library `lib` was loaded and its first call (named from `prefix`)
 * failed, or it is missing: a "not found" naming no missing symbol. */
static int lib_reached(int rc, const char *lib, const char *prefix)
{
    char missing[64];

    snprintf(missing, sizeof missing, "%s not found (", lib);
    if (rc == NDA_ENODEV)
        return strncmp(g_err_msg, missing, strlen(missing)) == 0 &&
               strstr(g_err_msg, " has no ") == NULL;
    return strncmp(g_err_msg, prefix, strlen(prefix)) == 0;
}

void cuda_libs_fake_driver(const nda_backend_ops *ops)
{
    char first[sizeof g_err_msg];
    void *a = NULL;
    int rc;

    CHECK(ops->buffer_alloc(0, 1024, &a) == NDA_OK);
    err_clear();
    rc = gemm1(ops, NDA_LIB_F32, 0, 0, 4, 4, 4, 1.0, a, 0, 4, a, 0, 4, 0.0, a, 0, 4);
    CHECK(rc != NDA_OK && g_err_msg[0] != '\0');
    CHECK(lib_reached(rc, "cuBLAS", "cublas"));
    printf("info: fake driver: sgemm -> %d: %s\n", rc, g_err_msg);
    err_clear();
    rc = fft1(ops, NDA_LIB_C64, 8, 1, a, 0, a, 0, 0);
    CHECK(rc != NDA_OK && g_err_msg[0] != '\0');
    CHECK(lib_reached(rc, "cuFFT", "cufft"));
    printf("info: fake driver: c2c -> %d: %s\n", rc, g_err_msg);
    /* a second call answers the same */
    snprintf(first, sizeof first, "%s", g_err_msg);
    err_clear();
    CHECK(fft1(ops, NDA_LIB_C64, 8, 1, a, 0, a, 0, 0) == rc && strcmp(g_err_msg, first) == 0);
    ops->buffer_free(0, a);
}

/* 4x4 SGEMM (column-major), plain and with A transposed, against the host. */
static void sgemm_gpu(const nda_backend_ops *ops)
{
    float a[16], b[16], c[16], want[16];
    void *da = NULL, *db = NULL, *dc = NULL;

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
        int rc = gemm1(ops, NDA_LIB_F32, ta, 0, 4, 4, 4, 2.0, da, 64, 4, db, 0, 4, 0.0, dc, 0, 4);
        if (rc == NDA_ENODEV && ta == 0) {
            printf("info: SGEMM skipped: %s\n", g_err_msg);
            goto out;
        }
        CHECK(rc == NDA_OK);
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
    CHECK(gemm1(ops, NDA_LIB_F32, 0, 0, 4, 4, 4, 1.0, da, 128, 4, db, 0, 4, 0.0, dc, 0, 4) ==
          NDA_EVALUE);
out:
    ops->buffer_free(0, da);
    ops->buffer_free(0, db);
    ops->buffer_free(0, dc);
}

/* n = 8 complex64 FFT, forward and (unnormalised) inverse, against a DFT. */
static void fft_gpu(const nda_backend_ops *ops)
{
    enum { N = 8 };
    float x[2 * N], got[2 * N];
    void *din = NULL, *dout = NULL;

    for (int i = 0; i < N; i++) {
        x[2 * i] = (float)(i * i % 5) - 2.0f;
        x[2 * i + 1] = (float)(i % 3) * 0.5f;
    }
    CHECK(ops->buffer_alloc(0, sizeof x, &din) == NDA_OK);
    CHECK(ops->buffer_alloc(0, sizeof x, &dout) == NDA_OK);
    for (int inv = 0; inv < 2; inv++) {
        CHECK(ops->copy_to_device(0, din, 0, x, sizeof x) == NDA_OK);
        err_clear();
        int rc = fft1(ops, NDA_LIB_C64, N, 1, din, 0, dout, 0, inv);
        if (rc == NDA_ENODEV && inv == 0) {
            printf("info: FFT skipped: %s\n", g_err_msg);
            break;
        }
        CHECK(rc == NDA_OK);
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

void cuda_libs_gpu(const nda_backend_ops *ops)
{
    sgemm_gpu(ops);
    fft_gpu(ops);
}

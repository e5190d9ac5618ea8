/* The CUDA plugin's own checks, beyond the conformance checks every plugin
 * passes (conformance.h): the gemm and fft members (cuBLAS, cuFFT) and the
 * solver member (cuSOLVER). Driven by cuda_test.c on device 0, on a GPU or
 * on the fake driver (tests/fakes); errors are read from plugin_harness.h's
 * g_err_msg. */
#ifndef NDA_CUDA_CHECKS_H
#define NDA_CUDA_CHECKS_H

#include "nda/backend.h"

/* The fake driver's report (fake_libcuda.c): live allocations and modules,
 * and the calling thread's context depth. */
typedef void (*fake_state_fn)(long *live_allocs, long *live_modules, int *ctx_depth);

/* ---- cuda_lib_checks.c: gemm and fft ---- */

/* Without a driver: NDA_ENODEV ("not initialised") before any library. */
void cuda_libs_no_driver(const nda_backend_ops *ops);
/* Sizes and ranges are checked before any library call (NDA_EVALUE). */
void cuda_libs_args(const nda_backend_ops *ops);
/* On the fake driver: cuBLAS and cuFFT are reached (loaded, then their
 * first call fails cleanly, as they need the real driver) or cleanly
 * missing ("<lib> not found"); never a library without our symbols. */
void cuda_libs_fake_driver(const nda_backend_ops *ops);
/* On a GPU: an SGEMM (plain and A transposed) and a complex64 FFT (forward
 * and inverse) against the host; skipped, saying why, without the
 * libraries. */
void cuda_libs_gpu(const nda_backend_ops *ops);

/* ---- cuda_solver_checks.c: solver ---- */

/* GETRF of an m x n batch of 2 in type t: P L U reconstructs A. */
void cuda_solver_getrf(const nda_backend_ops *ops, int t, int m, int n);
/* On a GPU: every solver check against the real cuSOLVER, when present. */
void cuda_solver_gpu(const nda_backend_ops *ops);
/* On the fake driver (its handle: fake_driver): a missing library is
 * NDA_ENODEV naming $NDACCEL_CUSOLVER_LIBRARY and is not remembered; then
 * every solver check against tests/fakes/libcusolver_fake.so (LAPACK),
 * which also checks every range against the fake driver's allocations.
 * Leaves $NDACCEL_CUSOLVER_LIBRARY pointing at the fake. */
void cuda_solver_fake(const nda_backend_ops *ops, void *fake_driver);
/* 1 with the fake cuSOLVER's live handles in *handles once
 * cuda_solver_fake loaded it; 0 otherwise. */
int cuda_solver_fake_handles(long *handles);

#endif

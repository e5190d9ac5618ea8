/* cuBLAS and cuFFT through the CUDA plugin (for linear algebra and FFT).
 *
 * libndaccel_cuda.so exports, besides nda_backend_entry,
 *     const nda_cuda_blas *nda_cuda_blas_entry(void);
 *     const nda_cuda_fft  *nda_cuda_fft_entry(void);
 * Look them up with dlsym on the plugin's handle (NDA_CUDA_BLAS_ENTRY_SYMBOL,
 * NDA_CUDA_FFT_ENTRY_SYMBOL); the tables are static and never NULL.
 *
 * Like the backend ops, the tables are append-only (check `version` before
 * reading a later member). The libraries (libcublas.so.13/.12/.11,
 * libcufft.so.12/.11) are dlopen()ed on first use, never at plugin init.
 *
 * Arguments: `dev` is the plugin's device index; buffers are handles from
 * that device's buffer_alloc, with byte offsets (a multiple of the element
 * size). Work is queued on the device's stream, so it is ordered with
 * launches and copies like a launch; errors are reported through the host
 * api given to init (host->error_set), as for the ops table.
 *
 * Errors: NDA_ENODEV when the backend is not initialised (no CUDA driver)
 * or the library is missing, NDA_EVALUE for bad sizes or ranges outside a
 * buffer, NDA_ENOMEM when the library runs out of memory, NDA_EBACKEND for
 * other library failures (message: "<call> failed: <STATUS> (<n>)"). */
#ifndef NDA_CUDA_LIBS_H
#define NDA_CUDA_LIBS_H

#include <stddef.h>

#define NDA_CUDA_LIBS_VERSION 1
#define NDA_CUDA_BLAS_ENTRY_SYMBOL "nda_cuda_blas_entry"
#define NDA_CUDA_FFT_ENTRY_SYMBOL "nda_cuda_fft_entry"

typedef struct nda_cuda_blas {
    int version; /* NDA_CUDA_LIBS_VERSION */
    /* Loads cuBLAS and resolves its symbols if not done yet (needs no
     * driver or device). NDA_ENODEV with the reason when it is missing. */
    int (*load)(void);
    /* C = alpha * op(A) * op(B) + beta * C in BLAS (column-major) layout:
     * op(A) is m x k, op(B) k x n, C m x n; trans != 0 means op(X) = X^T.
     * lda >= rows of A as stored (transa ? k : m), likewise ldb, ldc >= m.
     * Asynchronous. float32 / float64. */
    int (*sgemm)(int dev, int transa, int transb, int m, int n, int k, float alpha,
                 const void *a, size_t a_off, int lda, const void *b, size_t b_off, int ldb,
                 float beta, void *c, size_t c_off, int ldc);
    int (*dgemm)(int dev, int transa, int transb, int m, int n, int k, double alpha,
                 const void *a, size_t a_off, int lda, const void *b, size_t b_off, int ldb,
                 double beta, void *c, size_t c_off, int ldc);
} nda_cuda_blas;

typedef struct nda_cuda_fft {
    int version; /* NDA_CUDA_LIBS_VERSION */
    /* Loads cuFFT as blas->load does. */
    int (*load)(void);
    /* `batch` contiguous transforms of n points each (transform i starts at
     * element i * n) from `in` to `out`; in place when in == out and the
     * offsets are equal (other overlaps are NDA_EVALUE). Forward uses
     * exp(-2 pi i jk/n); inverse != 0 uses exp(+2 pi i jk/n) WITHOUT the
     * 1/n factor (cuFFT's convention; NumPy's ifft scales by 1/n).
     * Asynchronous, ordered on the device's stream like a launch; plans
     * are cached per (device, n, batch) until shutdown. c2c: complex64,
     * z2z: complex128. */
    int (*c2c)(int dev, int n, int batch, const void *in, size_t in_off, void *out,
               size_t out_off, int inverse);
    int (*z2z)(int dev, int n, int batch, const void *in, size_t in_off, void *out,
               size_t out_off, int inverse);
} nda_cuda_fft;

typedef const nda_cuda_blas *(*nda_cuda_blas_entry_fn)(void);
typedef const nda_cuda_fft *(*nda_cuda_fft_entry_fn)(void);

#endif

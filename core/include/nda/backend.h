/* The backend plugin interface.
 *
 * A backend is a shared object loaded with dlopen that exports
 *     const nda_backend_ops *nda_backend_entry(void);
 * Backends are thin: they move memory, compile, load and launch kernels.
 * They never implement an array operation; all operations are generated
 * kernels (kernels/) shared by every backend.
 *
 * Versioning (as SQLite's io_methods): the struct is append-only. A core
 * accepts any plugin with abi_version >= the version that introduced a member
 * before it reads that member. A NULL member means "unsupported".
 *
 * Threading: the core serialises calls per device; a backend need not be
 * thread-safe except that different devices may be used concurrently.
 *
 * Errors: every int-returning member returns NDA_OK or a negative NDA_E*
 * code after calling host->error_set with a message that names the failed
 * driver call (e.g. "clBuildProgram failed: CL_OUT_OF_RESOURCES (-5)"). */
#ifndef NDA_BACKEND_H
#define NDA_BACKEND_H

#include <stddef.h>
#include <stdint.h>

/* 1: memory, programs, launches. 2: vendor libraries (gemm, fft).
 * 3: dense solvers (solver). 4: native handles (native_enter/leave,
 * buffer_address). 5: host access and foreign memory (memory_kind,
 * buffer_map/unmap, buffer_wrap, foreign_stream_wait). */
#define NDA_BACKEND_ABI_VERSION 5

/* Services the core lends to a plugin (so plugins link nothing of ours). */
typedef struct nda_host_api {
    int version; /* NDA_BACKEND_ABI_VERSION of the core */
    int (*error_set)(int code, const char *fmt, ...);
} nda_host_api;

typedef struct nda_device_info {
    char name[256];
    char vendor[128];
    char driver_version[128];
    char platform[256];       /* platform / runtime name and version */
    int is_gpu;
    int has_fp64;
    int has_fp16;
    uint64_t global_mem_bytes;
    uint64_t max_alloc_bytes;
    size_t max_work_group_size;
    int compute_units;
} nda_device_info;

enum { NDA_ARG_BUFFER = 1, NDA_ARG_SCALAR = 2 };

/* One kernel argument. BUFFER: value is the buffer handle itself (void *).
 * SCALAR: value points to `size` bytes copied at launch time. */
typedef struct nda_kernel_arg {
    int kind;
    size_t size;
    const void *value;
} nda_kernel_arg;

/* Element types of the vendor-library members (abi_version >= 2). */
typedef enum nda_lib_type {
    NDA_LIB_F16 = 1,  /* IEEE binary16 */
    NDA_LIB_F32 = 2,
    NDA_LIB_F64 = 3,
    NDA_LIB_C64 = 4,  /* complex64: interleaved float re, im */
    NDA_LIB_C128 = 5, /* complex128: interleaved double re, im */
} nda_lib_type;

/* Strided-batched GEMM in BLAS (column-major) layout, for every batch b:
 *     C_b = alpha * op(A_b) * op(B_b) + beta * C_b
 * op(A) is m x k, op(B) is k x n, C is m x n; trans_x != 0 means op(X) = X^T
 * (never conjugated). X_b starts at byte x_off + b * x_stride * itemsize;
 * ld_x and x_stride count elements. alpha and beta are {re, im} (im unused
 * for real types). Row-major callers compute C^T = op(B)^T op(A)^T by
 * swapping the operands. Asynchronous: ordered with launches and copies. */
typedef struct nda_gemm_desc {
    nda_lib_type type;
    int trans_a, trans_b;
    int64_t m, n, k, batch;
    double alpha[2], beta[2];
    const void *a; size_t a_off; int64_t lda, a_stride;
    const void *b; size_t b_off; int64_t ldb, b_stride;
    void *c;       size_t c_off; int64_t ldc, c_stride;
} nda_gemm_desc;

/* `batch` complex-to-complex transforms of n points, transform i reading
 * n contiguous elements at byte in_off + i * n * itemsize and writing
 * likewise to out. Forward: exp(-2 pi i jk / n); inverse != 0:
 * exp(+2 pi i jk / n) WITHOUT the 1/n factor. in == out with equal offsets
 * is in place; `in` is left unchanged otherwise. Any n >= 1. Asynchronous,
 * ordered like a launch. Plans are the backend's to cache. */
typedef struct nda_fft_desc {
    nda_lib_type type; /* NDA_LIB_C64 or NDA_LIB_C128 */
    int inverse;
    int64_t n, batch;
    const void *in; size_t in_off;
    void *out;      size_t out_off;
} nda_fft_desc;

/* Dense factorisations (abi_version >= 3): LAPACK's routines and
 * semantics on column-major matrices, as cuSOLVER's dense API has them.
 *
 *   GETRF  A (m x n) := P L U in place (L unit lower, U upper); ipiv[min(m,n)]
 *          gets LAPACK's 1-based row interchanges. info > 0: U(info, info)
 *          is exactly zero (the factorisation is complete all the same).
 *   GETRS  B (n x k) := op(A)^-1 B, A and ipiv from GETRF of an n x n
 *          matrix; flag 0: op(A) = A, 1: A^T, 2: A^H.
 *   POTRF  A (n x n) := L with A = L L^H in its lower triangle (only the
 *          lower triangle is read; the strict upper one is left as it was).
 *          info > 0: the leading minor of order info is not positive definite.
 *   SYEVD  Hermitian A (n x n, lower triangle read): w[n] := eigenvalues in
 *          ascending order (real type); flag 1: A := orthonormal eigenvectors
 *          (column j for w[j]); flag 0: A is destroyed. info > 0: no convergence.
 *   GEQRF  A (m x n) := R on and above the diagonal, Householder vectors
 *          below it; w[min(m,n)] := their scalar factors tau (A's type).
 *   ORGQR  A (m x n, m >= n >= k) := the first n columns of Q = H_1 ... H_k,
 *          from k reflectors as GEQRF left them in A, and tau in w
 *          (ungqr for complex types).
 *   GESVD  A (m x n, m >= n) = U diag(s) V^H; A is destroyed; w[n] := s,
 *          descending (real type). flag 'A': B := U (m x m), C := V^H
 *          (n x n); flag 'S': B := U's first n columns (m x n), C := V^H;
 *          flag 'N': neither (B and C unused). info > 0: no convergence.
 *
 * For every i in [0, batch) each operand X of matrix i starts at byte
 * x_off + i * x_stride * (X's element size); strides count elements.
 * `type` is A's (F32, F64, C64 or C128; B, C and GEQRF/ORGQR's w have it
 * too, SYEVD/GESVD's w the real type of the same precision); ipiv and info
 * are int32. info[i] is written for every matrix (0: success) and is never
 * negative: bad arguments fail with NDA_EVALUE before anything is queued.
 * Asynchronous like a launch: the caller reads info after later work. */
typedef enum nda_solver_op {
    NDA_SOLVER_GETRF = 1,
    NDA_SOLVER_GETRS = 2,
    NDA_SOLVER_POTRF = 3,
    NDA_SOLVER_SYEVD = 4,
    NDA_SOLVER_GEQRF = 5,
    NDA_SOLVER_ORGQR = 6,
    NDA_SOLVER_GESVD = 7,
} nda_solver_op;

typedef struct nda_solver_desc {
    nda_solver_op op;
    nda_lib_type type;
    int64_t m, n, k;   /* GETRS: k right-hand sides; ORGQR: k reflectors */
    int64_t batch;
    int flag;          /* see the op */
    void *a;    size_t a_off;    int64_t lda, a_stride;
    void *b;    size_t b_off;    int64_t ldb, b_stride;  /* GETRS: B; GESVD: U */
    void *c;    size_t c_off;    int64_t ldc, c_stride;  /* GESVD: V^H */
    void *w;    size_t w_off;    int64_t w_stride;       /* tau, eigen/singular values */
    void *ipiv; size_t ipiv_off; int64_t ipiv_stride;    /* GETRF, GETRS */
    void *info; size_t info_off;                         /* batch int32, stride 1 */
} nda_solver_desc;

/* The driver's own objects behind a device (abi_version >= 4), for
 * libraries that take them (NCCL, CUDA-aware MPI, DLPack). Valid until the
 * backend's shutdown. */
typedef struct nda_native_queue {
    void *context; /* CUDA: the device's primary CUcontext */
    void *queue;   /* CUDA: the device's one CUstream (every launch and copy) */
    int ordinal;   /* CUDA: the CUdevice */
} nda_native_queue;

/* Where a device's buffers live (abi_version >= 5, memory_kind). */
typedef enum nda_memory_kind {
    NDA_MEMORY_DEVICE = 0, /* separate memory: the host reaches it by copies */
    NDA_MEMORY_HOST = 1    /* host memory (a CPU device): a mapped pointer is
                            * the buffer's storage itself */
} nda_memory_kind;

typedef enum nda_dialect { NDA_DIALECT_OPENCL = 1, NDA_DIALECT_CUDA = 2 } nda_dialect;

typedef struct nda_backend_ops {
    int abi_version;      /* NDA_BACKEND_ABI_VERSION the plugin was built with */
    const char *name;     /* "opencl", "cuda": the prefix of device ids */
    nda_dialect dialect;  /* which prelude the kernel generators use */

    /* Loads the driver/runtime. Failure (no driver, no platform) makes the
     * backend unavailable; the message says why. Called once. */
    int (*init)(const nda_host_api *host);
    void (*shutdown)(void);

    int (*device_count)(int *count);
    int (*device_info)(int dev, nda_device_info *info);

    /* Device memory. Handles are opaque. alloc of 0 bytes is never asked. */
    int (*buffer_alloc)(int dev, size_t nbytes, void **buf);
    void (*buffer_free)(int dev, void *buf);

    /* Copies. to_device returns once `src` may be reused; to_host returns
     * once `dst` holds the data (after all previously queued work).
     * Offsets and sizes in bytes. */
    int (*copy_to_device)(int dev, void *dst, size_t dst_off, const void *src, size_t nbytes);
    int (*copy_to_host)(int dev, void *dst, const void *src, size_t src_off, size_t nbytes);
    int (*copy_device)(int dev, void *dst, size_t dst_off, const void *src, size_t src_off,
                       size_t nbytes);
    /* Repeats a pattern of pattern_size (1, 2, 4, 8 or 16) bytes over nbytes
     * (a multiple of pattern_size) starting at byte off. */
    int (*fill)(int dev, void *buf, size_t off, const void *pattern, size_t pattern_size,
                size_t nbytes);

    /* Compiles source. On NDA_ECOMPILE, *log (malloc'd, caller frees) holds
     * the build log when one is available; *log may be set on success too. */
    int (*program_build)(int dev, const char *source, const char *options, void **program,
                         char **log);
    /* The device binary of a built program (malloc'd, caller frees). */
    int (*program_binary)(int dev, void *program, void **binary, size_t *nbytes);
    /* Loads a binary from program_binary; NDA_ECOMPILE if it is rejected. */
    int (*program_load)(int dev, const void *binary, size_t nbytes, void **program);
    void (*program_free)(int dev, void *program);
    int (*kernel_get)(int dev, void *program, const char *name, void **kernel);
    void (*kernel_free)(int dev, void *kernel);

    /* 1-D launch: global_size is a multiple of local_size. Asynchronous. */
    int (*launch)(int dev, void *kernel, size_t global_size, size_t local_size, int nargs,
                  const nda_kernel_arg *args);
    /* Waits for all queued work on the device. */
    int (*synchronize)(int dev);
    /* Everything about the device and toolchain that changes a binary
     * (device name/arch, driver version, compiler version), NUL-terminated. */
    int (*cache_tag)(int dev, char *buf, size_t len);

    /* ---- abi_version >= 2: vendor libraries (cuBLAS/CLBlast, cuFFT/VkFFT).
     * NULL, or NDA_ENODEV at call time (library not installed), or
     * NDA_ENOTIMPL (type not supported by the library) make the core use its
     * own generated kernels instead; any other error is reported. The
     * library is loaded on first use, never by init. */
    int (*gemm)(int dev, const nda_gemm_desc *d);
    int (*fft)(int dev, const nda_fft_desc *d);

    /* ---- abi_version >= 3: dense solvers (cuSOLVER). NULL or NDA_ENODEV /
     * NDA_ENOTIMPL as for gemm: the core uses its own kernels (or says the
     * operation is not available) instead. */
    int (*solver)(int dev, const nda_solver_desc *d);

    /* ---- abi_version >= 4: native handles. NULL: the backend has none
     * to hand out (OpenCL).
     * native_enter creates the device's context and queue if they do not
     * exist yet, makes the context current on the calling thread (CUDA:
     * pushed) and fills *q; work a library queues on q->queue is ordered
     * with the backend's launches and copies. After NDA_OK the caller
     * calls native_leave(dev) on the same thread, before any other member
     * of this table.
     * buffer_address: the device address (CUDA: CUdeviceptr) of byte `off`
     * of buffer `buf`, after checking that [off, off + nbytes) lies inside
     * it (NDA_EVALUE otherwise). Needs no current context. */
    int (*native_enter)(int dev, nda_native_queue *q);
    void (*native_leave)(int dev);
    int (*buffer_address)(int dev, const void *buf, size_t off, size_t nbytes, uint64_t *addr);

    /* ---- abi_version >= 5: host access and foreign memory. NULL: the
     * backend cannot (each caller says so to the user).
     * memory_kind: where the device's buffers live (nda_memory_kind).
     * buffer_map: a host pointer to bytes [off, off + nbytes) of buf
     * (nbytes > 0, inside the buffer), after all queued work, readable and
     * writable; valid until buffer_unmap(dev, buf, *host), which the caller
     * must call before freeing buf. On NDA_MEMORY_HOST devices the pointer
     * is the storage itself: the device's later work and the host's writes
     * see each other (once the device is synchronised) without unmapping.
     * buffer_wrap: a buffer handle over foreign device memory (CUDA: a
     * CUdeviceptr another library allocated) of nbytes; the backend never
     * frees that memory: buffer_free of the handle waits for queued work
     * and frees the handle only. The caller keeps the memory's owner alive
     * until then.
     * foreign_stream_wait: returns once the work another library queued on
     * its stream (CUDA: a CUstream, as an integer; 0 the legacy default
     * stream) has run, so later work of this backend sees its results. */
    int (*memory_kind)(int dev, int *kind);
    int (*buffer_map)(int dev, void *buf, size_t off, size_t nbytes, void **host);
    int (*buffer_unmap)(int dev, void *buf, void *host);
    int (*buffer_wrap)(int dev, uint64_t addr, size_t nbytes, void **buf);
    int (*foreign_stream_wait)(int dev, uint64_t stream);
} nda_backend_ops;

typedef const nda_backend_ops *(*nda_backend_entry_fn)(void);
#define NDA_BACKEND_ENTRY_SYMBOL "nda_backend_entry"

#endif

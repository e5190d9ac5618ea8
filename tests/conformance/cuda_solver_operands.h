/* Operands of the solver checks (cuda_solver_checks.c): batches of
 * column-major matrices in plugin buffers, laid out so that a wrong
 * offset, leading dimension or batch stride shows. Every operand starts at
 * a nonzero element offset, has a leading dimension past its rows and a
 * batch stride past its extent, and every element is filled with a
 * distinct pattern first, so writes outside the rows x cols blocks are
 * caught (smat_untouched). Elements are handled as double complex
 * whatever the type. */
#ifndef NDA_CUDA_SOLVER_OPERANDS_H
#define NDA_CUDA_SOLVER_OPERANDS_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#include "nda/backend.h"

typedef double complex zc;
enum { T_INT32 = 99 }; /* the element type of ipiv and info operands */

/* `batch` rows x cols blocks in one device buffer, element 0 of block b at
 * element off_el + b * stride; `host` mirrors the buffer, `orig` is what
 * was uploaded (a distinct pattern everywhere). */
typedef struct smat {
    int t; /* nda_lib_type or T_INT32 */
    int64_t rows, cols, ld, stride, batch;
    size_t off_el, nel;
    void *dev;
    unsigned char *host, *orig;
} smat;

/* Element size; the real type of a complex one (w of syevd/gesvd); the
 * relative tolerance of a type's results. */
size_t t_es(int t);
int t_real(int t);
double t_tol(int t);
/* conj(v) for complex types, v otherwise. */
zc zconj(int t, zc v);

/* A rows x cols x batch matrix (ld = rows + 2, stride past the block),
 * a vector of n per batch (ipiv, w, tau), or info (batch int32 in a row):
 * the host copy patterned, the device buffer allocated (the status). */
int smat_new(const nda_backend_ops *ops, smat *x, int t, int64_t rows, int64_t cols,
             int64_t batch);
int svec_new(const nda_backend_ops *ops, smat *x, int t, int64_t n, int64_t batch);
int sinfo_new(const nda_backend_ops *ops, smat *x, int64_t batch);
void smat_free(const nda_backend_ops *ops, smat *x);
/* Element (i, j) of block b in the host copy. */
void smat_set(smat *x, int64_t b, int64_t i, int64_t j, zc v);
zc smat_at(const smat *x, int64_t b, int64_t i, int64_t j);
/* Host copy to the device (remembered as `orig`), and back. */
int smat_up(const nda_backend_ops *ops, smat *x);
int smat_down(const nda_backend_ops *ops, smat *x);
/* Every element outside the batch's rows x cols blocks kept its value. */
int smat_untouched(const smat *x);
/* info holds {want0, want1} for its first two matrices and nothing else
 * changed. */
int info_all(const smat *info, int want0, int want1);
/* max |x - y| / max(1, max |y|) over n values is <= tol (else says so). */
int close_enough(const char *what, int t, const zc *x, const zc *y, size_t n, double tol);

/* The generator behind the random fills; set it to repeat a sequence. */
extern uint64_t g_lcg;
/* Every block random, remembered in a0[(b * cols + j) * rows + i]. */
void fill_random(smat *x, zc *a0);
/* Block b := a Hermitian (positive definite when pd) matrix, kept in
 * h[j*n + i]; only its lower triangle is written, NaN above. */
void fill_hermitian(smat *x, int64_t b, zc *h, int pd);

/* A descriptor with everything zero but these; the operands' fields. */
nda_solver_desc desc_new(nda_solver_op op, int t, int64_t m, int64_t n, int64_t k,
                         int64_t batch, int flag);
void desc_a(nda_solver_desc *s, const smat *x);
void desc_b(nda_solver_desc *s, const smat *x);
void desc_c(nda_solver_desc *s, const smat *x);
void desc_w(nda_solver_desc *s, const smat *x);
void desc_ipiv(nda_solver_desc *s, const smat *x);
void desc_info(nda_solver_desc *s, const smat *x);
/* ops->solver on device 0, the error printed when it fails. */
int run_solver(const nda_backend_ops *ops, const nda_solver_desc *s);

#endif

/* The solver member's checks: LAPACK's semantics for every operation and
 * type, through operands laid out to catch wrong offsets, leading
 * dimensions and strides (cuda_solver_operands.h), argument errors found
 * before anything is queued, and empty problems (see cuda_checks.h). */
#define _POSIX_C_SOURCE 200809L
#include <complex.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/error.h"
#include "tests/c/test_util.h"
#include "tests/conformance/cuda_checks.h"
#include "tests/conformance/cuda_solver_operands.h"
#include "tests/conformance/plugin_harness.h"

/* The fake cuSOLVER's hooks (fake_libcusolver.c). */
typedef void (*fake_cusolver_attach_fn)(int (*range)(unsigned long long, size_t),
                                        void (*state)(long *, long *, int *));
typedef void (*fake_cusolver_state_fn)(long *live_handles, long *calls);
typedef int (*fake_range_fn)(unsigned long long p, size_t n);

/* Set once the fake cuSOLVER is loaded: its live handles and calls. */
static fake_cusolver_state_fn g_slv_state;

/* GETRF (m x n, batch 2): P L U reconstructs A. */
void cuda_solver_getrf(const nda_backend_ops *ops, int t, int m, int n)
{
    enum { B = 2 };
    int mn = m < n ? m : n;
    smat a, ipiv, info;
    zc a0[B * 64], lu[64], want[64];
    nda_solver_desc s = desc_new(NDA_SOLVER_GETRF, t, m, n, 0, B, 0);

    CHECK(smat_new(ops, &a, t, m, n, B) == NDA_OK);
    CHECK(svec_new(ops, &ipiv, T_INT32, mn, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    fill_random(&a, a0);
    smat_up(ops, &a);
    smat_up(ops, &ipiv);
    smat_up(ops, &info);
    desc_a(&s, &a);
    desc_ipiv(&s, &ipiv);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &ipiv);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0));
    CHECK(smat_untouched(&a) && smat_untouched(&ipiv));
    for (int b = 0; b < B; b++) {
        /* L (m x mn, unit lower) times U (mn x n, upper), then the
         * interchanges undone from the last one back. */
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                zc sum = 0;
                for (int l = 0; l < mn; l++) {
                    zc lv = i == l ? 1 : (i > l ? smat_at(&a, b, i, l) : 0);
                    zc uv = l <= j ? smat_at(&a, b, l, j) : 0;
                    sum += lv * uv;
                }
                lu[j * m + i] = sum;
            }
        for (int l = mn - 1; l >= 0; l--) {
            int p = (int)creal(smat_at(&ipiv, b, l, 0)) - 1;
            CHECK(p >= l && p < m);
            if (p < l || p >= m)
                break;
            for (int j = 0; j < n; j++) {
                zc tmp = lu[j * m + l];
                lu[j * m + l] = lu[j * m + p];
                lu[j * m + p] = tmp;
            }
        }
        memcpy(want, a0 + b * m * n, sizeof(zc) * (size_t)(m * n));
        CHECK(close_enough("getrf: P L U = A", t, lu, want, (size_t)(m * n), 10 * t_tol(t)));
    }
    smat_free(ops, &a);
    smat_free(ops, &ipiv);
    smat_free(ops, &info);
}

/* GETRF then GETRS (n x n, k right-hand sides) for op(A) = A, A^T, A^H. */
static void test_solver_getrs(const nda_backend_ops *ops, int t)
{
    enum { B = 2, N = 4, K = 3 };
    for (int flag = 0; flag <= 2; flag++) {
        smat a, ipiv, info, rhs;
        zc a0[B * N * N], b0[B * N * K], got[N * K], want[N * K];
        nda_solver_desc f = desc_new(NDA_SOLVER_GETRF, t, N, N, 0, B, 0);
        nda_solver_desc s = desc_new(NDA_SOLVER_GETRS, t, N, N, K, B, flag);

        CHECK(smat_new(ops, &a, t, N, N, B) == NDA_OK);
        CHECK(smat_new(ops, &rhs, t, N, K, B) == NDA_OK);
        CHECK(svec_new(ops, &ipiv, T_INT32, N, B) == NDA_OK);
        CHECK(sinfo_new(ops, &info, B) == NDA_OK);
        fill_random(&a, a0);
        fill_random(&rhs, b0);
        smat_up(ops, &a);
        smat_up(ops, &rhs);
        smat_up(ops, &ipiv);
        smat_up(ops, &info);
        desc_a(&f, &a);
        desc_ipiv(&f, &ipiv);
        desc_info(&f, &info);
        desc_a(&s, &a);
        desc_ipiv(&s, &ipiv);
        desc_b(&s, &rhs);
        desc_info(&s, &info);
        CHECK(run_solver(ops, &f) == NDA_OK);
        CHECK(run_solver(ops, &s) == NDA_OK);
        smat_down(ops, &rhs);
        smat_down(ops, &info);
        CHECK(info_all(&info, 0, 0) && smat_untouched(&rhs));
        for (int b = 0; b < B; b++) {
            /* op(A0) X = B0 */
            for (int i = 0; i < N; i++)
                for (int j = 0; j < K; j++) {
                    zc sum = 0;
                    for (int l = 0; l < N; l++) {
                        zc av = flag == 0 ? a0[b * N * N + l * N + i] : a0[b * N * N + i * N + l];
                        if (flag == 2)
                            av = zconj(t, av);
                        sum += av * smat_at(&rhs, b, l, j);
                    }
                    got[j * N + i] = sum;
                    want[j * N + i] = b0[b * N * K + j * N + i];
                }
            CHECK(close_enough(flag == 0 ? "getrs N" : flag == 1 ? "getrs T" : "getrs H", t, got,
                               want, N * K, 100 * t_tol(t)));
        }
        smat_free(ops, &a);
        smat_free(ops, &rhs);
        smat_free(ops, &ipiv);
        smat_free(ops, &info);
    }
}

/* POTRF: L L^H = A from the lower triangle (NaN above, left as it was);
 * then a batch whose second matrix is not positive definite. */
static void test_solver_potrf(const nda_backend_ops *ops, int t)
{
    enum { B = 2, N = 4 };
    smat a, info;
    zc h[B][N * N], got[N * N];
    nda_solver_desc s = desc_new(NDA_SOLVER_POTRF, t, N, N, 0, B, 0);

    CHECK(smat_new(ops, &a, t, N, N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    for (int b = 0; b < B; b++)
        fill_hermitian(&a, b, h[b], 1);
    smat_up(ops, &a);
    smat_up(ops, &info);
    desc_a(&s, &a);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0) && smat_untouched(&a));
    for (int b = 0; b < B; b++) {
        int upper_kept = 1;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                zc sum = 0;
                for (int l = 0; l <= (i < j ? i : j); l++)
                    sum += smat_at(&a, b, i, l) * zconj(t, smat_at(&a, b, j, l));
                got[j * N + i] = sum;
                if (i < j && !isnan(creal(smat_at(&a, b, i, j))))
                    upper_kept = 0;
            }
        CHECK(upper_kept);
        CHECK(close_enough("potrf: L L^H = A", t, got, h[b], N * N, 10 * t_tol(t)));
    }
    /* matrix 1: diag(1, -1, 1, 1) fails at order 2 */
    for (int i = 0; i < N; i++)
        for (int j = 0; j <= i; j++)
            smat_set(&a, 1, i, j, i == j ? (i == 1 ? -1.0 : 1.0) : 0.0);
    fill_hermitian(&a, 0, h[0], 1);
    smat_up(ops, &a);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 2));
    smat_free(ops, &a);
    smat_free(ops, &info);
}

/* SYEVD: w ascending; with vectors A V = V diag(w), V^H V = I; without,
 * the same w. */
static void test_solver_syevd(const nda_backend_ops *ops, int t)
{
    enum { B = 2, N = 4 };
    smat a, w, info;
    zc h[B][N * N], av[N * N], vw[N * N], vhv[N * N], eye[N * N];
    double wv[B][N];

    for (int i = 0; i < N * N; i++)
        eye[i] = (i % (N + 1)) == 0;
    CHECK(smat_new(ops, &a, t, N, N, B) == NDA_OK);
    CHECK(svec_new(ops, &w, t_real(t), N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    for (int flag = 1; flag >= 0; flag--) {
        nda_solver_desc s = desc_new(NDA_SOLVER_SYEVD, t, N, N, 0, B, flag);
        if (flag == 1)
            for (int b = 0; b < B; b++)
                fill_hermitian(&a, b, h[b], 0);
        else /* the same matrices as with vectors */
            for (int b = 0; b < B; b++)
                for (int i = 0; i < N; i++)
                    for (int j = 0; j < N; j++)
                        smat_set(&a, b, i, j, i >= j ? h[b][j * N + i] : (zc)NAN);
        smat_up(ops, &a);
        smat_up(ops, &w);
        smat_up(ops, &info);
        desc_a(&s, &a);
        desc_w(&s, &w);
        desc_info(&s, &info);
        CHECK(run_solver(ops, &s) == NDA_OK);
        smat_down(ops, &a);
        smat_down(ops, &w);
        smat_down(ops, &info);
        CHECK(info_all(&info, 0, 0) && smat_untouched(&a) && smat_untouched(&w));
        for (int b = 0; b < B; b++) {
            int ascending = 1;
            for (int j = 0; j < N; j++) {
                double x = creal(smat_at(&w, b, j, 0));
                if (j > 0 && !(x >= creal(smat_at(&w, b, j - 1, 0))))
                    ascending = 0;
                if (flag == 1)
                    wv[b][j] = x;
                else
                    CHECK(fabs(x - wv[b][j]) <= 10 * t_tol(t) * 4);
            }
            CHECK(ascending);
            if (flag == 0)
                continue;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    zc s1 = 0, s2 = 0;
                    for (int l = 0; l < N; l++) {
                        s1 += h[b][l * N + i] * smat_at(&a, b, l, j);
                        s2 += zconj(t, smat_at(&a, b, l, i)) * smat_at(&a, b, l, j);
                    }
                    av[j * N + i] = s1;
                    vw[j * N + i] = smat_at(&a, b, i, j) * wv[b][j];
                    vhv[j * N + i] = s2;
                }
            CHECK(close_enough("syevd: A V = V diag(w)", t, av, vw, N * N, 10 * t_tol(t)));
            CHECK(close_enough("syevd: V^H V = I", t, vhv, eye, N * N, 10 * t_tol(t)));
        }
    }
    smat_free(ops, &a);
    smat_free(ops, &w);
    smat_free(ops, &info);
}

/* GEQRF (m x n) then ORGQR with k = n on its output: Q R = A, Q^H Q = I;
 * and ORGQR with k = 0: the first n columns of the identity. */
static void test_solver_qr(const nda_backend_ops *ops, int t)
{
    enum { B = 2, M = 5, N = 3 };
    smat a, tau, info;
    zc a0[B * M * N], r[B][N * N], qr[M * N], qhq[N * N], eye[N * N];
    nda_solver_desc s = desc_new(NDA_SOLVER_GEQRF, t, M, N, 0, B, 0);
    nda_solver_desc q = desc_new(NDA_SOLVER_ORGQR, t, M, N, N, B, 0);

    for (int i = 0; i < N * N; i++)
        eye[i] = (i % (N + 1)) == 0;
    CHECK(smat_new(ops, &a, t, M, N, B) == NDA_OK);
    CHECK(svec_new(ops, &tau, t, N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    fill_random(&a, a0);
    smat_up(ops, &a);
    smat_up(ops, &tau);
    smat_up(ops, &info);
    desc_a(&s, &a);
    desc_w(&s, &tau);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &tau);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0) && smat_untouched(&a) && smat_untouched(&tau));
    for (int b = 0; b < B; b++)
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                r[b][j * N + i] = i <= j ? smat_at(&a, b, i, j) : 0;
    desc_a(&q, &a);
    desc_w(&q, &tau);
    desc_info(&q, &info);
    CHECK(run_solver(ops, &q) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0) && smat_untouched(&a));
    for (int b = 0; b < B; b++) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                zc sum = 0;
                for (int l = 0; l <= j; l++)
                    sum += smat_at(&a, b, i, l) * r[b][j * N + l];
                qr[j * M + i] = sum;
            }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                zc sum = 0;
                for (int l = 0; l < M; l++)
                    sum += zconj(t, smat_at(&a, b, l, i)) * smat_at(&a, b, l, j);
                qhq[j * N + i] = sum;
            }
        CHECK(close_enough("geqrf/orgqr: Q R = A", t, qr, a0 + b * M * N, M * N, 10 * t_tol(t)));
        CHECK(close_enough("orgqr: Q^H Q = I", t, qhq, eye, N * N, 10 * t_tol(t)));
    }
    /* k = 0: no reflectors, no tau (w may be NULL) */
    q = desc_new(NDA_SOLVER_ORGQR, t, M, N, 0, B, 0);
    fill_random(&a, a0);
    smat_up(ops, &a);
    desc_a(&q, &a);
    desc_info(&q, &info);
    CHECK(run_solver(ops, &q) == NDA_OK);
    smat_down(ops, &a);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0));
    int identity = 1;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
                if (smat_at(&a, b, i, j) != (zc)(i == j))
                    identity = 0;
    CHECK(identity);
    smat_free(ops, &a);
    smat_free(ops, &tau);
    smat_free(ops, &info);
}

/* GESVD (m x n, m >= n) with flags 'A', 'S', 'N': U diag(s) V^H = A,
 * orthonormal U and V^H, s descending; 'N' leaves B and C alone. */
static void test_solver_gesvd(const nda_backend_ops *ops, int t)
{
    enum { B = 2, M = 5, N = 3 };
    static const int flags[] = {'A', 'S', 'N'};
    double sv[B][N];

    for (int f = 0; f < 3; f++) {
        int flag = flags[f], ucols = flag == 'A' ? M : N;
        smat a, w, u, vt, info;
        zc a0[B * M * N], usv[M * N], uhu[M * M], vvh[N * N], eye_u[M * M], eye_v[N * N];
        nda_solver_desc s = desc_new(NDA_SOLVER_GESVD, t, M, N, 0, B, flag);

        for (int i = 0; i < M * M; i++)
            eye_u[i] = (i % (M + 1)) == 0;
        for (int i = 0; i < N * N; i++)
            eye_v[i] = (i % (N + 1)) == 0;
        g_lcg = 99; /* the same matrices for every flag */
        CHECK(smat_new(ops, &a, t, M, N, B) == NDA_OK);
        CHECK(svec_new(ops, &w, t_real(t), N, B) == NDA_OK);
        CHECK(smat_new(ops, &u, t, M, ucols, B) == NDA_OK);
        CHECK(smat_new(ops, &vt, t, N, N, B) == NDA_OK);
        CHECK(sinfo_new(ops, &info, B) == NDA_OK);
        fill_random(&a, a0);
        smat_up(ops, &a);
        smat_up(ops, &w);
        smat_up(ops, &u);
        smat_up(ops, &vt);
        smat_up(ops, &info);
        desc_a(&s, &a);
        desc_w(&s, &w);
        desc_info(&s, &info);
        desc_b(&s, &u);
        desc_c(&s, &vt);
        CHECK(run_solver(ops, &s) == NDA_OK);
        smat_down(ops, &w);
        smat_down(ops, &u);
        smat_down(ops, &vt);
        smat_down(ops, &info);
        CHECK(info_all(&info, 0, 0) && smat_untouched(&w) && smat_untouched(&u) &&
              smat_untouched(&vt));
        for (int b = 0; b < B; b++) {
            int descending = 1;
            for (int j = 0; j < N; j++) {
                double x = creal(smat_at(&w, b, j, 0));
                if (x < 0 || (j > 0 && x > creal(smat_at(&w, b, j - 1, 0))))
                    descending = 0;
                if (flag == 'A')
                    sv[b][j] = x;
                else
                    CHECK(fabs(x - sv[b][j]) <= 40 * t_tol(t));
            }
            CHECK(descending);
            if (flag == 'N') {
                /* B and C were passed but must not be written */
                CHECK(memcmp(u.host, u.orig, u.nel * t_es(t)) == 0);
                CHECK(memcmp(vt.host, vt.orig, vt.nel * t_es(t)) == 0);
                continue;
            }
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++) {
                    zc sum = 0;
                    for (int l = 0; l < N; l++)
                        sum += smat_at(&u, b, i, l) * creal(smat_at(&w, b, l, 0)) *
                               smat_at(&vt, b, l, j);
                    usv[j * M + i] = sum;
                }
            for (int i = 0; i < ucols; i++)
                for (int j = 0; j < ucols; j++) {
                    zc sum = 0;
                    for (int l = 0; l < M; l++)
                        sum += zconj(t, smat_at(&u, b, l, i)) * smat_at(&u, b, l, j);
                    uhu[j * ucols + i] = sum;
                }
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    zc sum = 0;
                    for (int l = 0; l < N; l++)
                        sum += smat_at(&vt, b, i, l) * zconj(t, smat_at(&vt, b, j, l));
                    vvh[j * N + i] = sum;
                }
            if (flag == 'S') /* the identity of order n */
                for (int i = 0; i < N * N; i++)
                    eye_u[i] = (i % (N + 1)) == 0;
            CHECK(close_enough("gesvd: U S V^H = A", t, usv, a0 + b * M * N, M * N,
                               10 * t_tol(t)));
            CHECK(close_enough("gesvd: U^H U = I", t, uhu, eye_u, (size_t)(ucols * ucols),
                               10 * t_tol(t)));
            CHECK(close_enough("gesvd: V^H V = I", t, vvh, eye_v, N * N, 10 * t_tol(t)));
        }
        if (flag == 'N') {
            /* no B and C at all */
            s.b = s.c = NULL;
            s.ldb = s.ldc = 0;
            smat_up(ops, &a);
            CHECK(run_solver(ops, &s) == NDA_OK);
        }
        smat_free(ops, &a);
        smat_free(ops, &w);
        smat_free(ops, &u);
        smat_free(ops, &vt);
        smat_free(ops, &info);
    }
}

/* A singular matrix: GETRF's info names the first zero pivot. */
static void test_solver_singular(const nda_backend_ops *ops)
{
    enum { B = 2, N = 3 };
    smat a, ipiv, info;
    zc a0[B * N * N];
    nda_solver_desc s = desc_new(NDA_SOLVER_GETRF, NDA_LIB_F64, N, N, 0, B, 0);

    CHECK(smat_new(ops, &a, NDA_LIB_F64, N, N, B) == NDA_OK);
    CHECK(svec_new(ops, &ipiv, T_INT32, N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    fill_random(&a, a0);
    /* matrix 1: column 1 = 2 * column 0 (exactly), column 2 independent */
    for (int i = 0; i < N; i++) {
        smat_set(&a, 1, i, 0, i + 1.0);
        smat_set(&a, 1, i, 1, 2.0 * (i + 1.0));
        smat_set(&a, 1, i, 2, i == 1 ? 5.0 : 0.5);
    }
    smat_up(ops, &a);
    smat_up(ops, &ipiv);
    smat_up(ops, &info);
    desc_a(&s, &a);
    desc_ipiv(&s, &ipiv);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 2));
    smat_free(ops, &a);
    smat_free(ops, &ipiv);
    smat_free(ops, &info);
}

/* Bad arguments: NDA_EVALUE (NDA_ENOTIMPL for what cuSOLVER cannot do)
 * before anything is queued: the library sees no call, info is unchanged. */
static void test_solver_bad_args(const nda_backend_ops *ops)
{
    enum { B = 2, M = 4, N = 3 };
    smat a, ipiv, info, w;
    zc a0[B * M * N];
    long handles, calls0, calls1;

    CHECK(smat_new(ops, &a, NDA_LIB_F64, M, N, B) == NDA_OK);
    CHECK(svec_new(ops, &ipiv, T_INT32, N, B) == NDA_OK);
    CHECK(svec_new(ops, &w, NDA_LIB_F64, N, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    fill_random(&a, a0);
    smat_up(ops, &a);
    smat_up(ops, &info);
    nda_solver_desc ok = desc_new(NDA_SOLVER_GETRF, NDA_LIB_F64, M, N, 0, B, 0);
    desc_a(&ok, &a);
    desc_ipiv(&ok, &ipiv);
    desc_info(&ok, &info);
    if (g_slv_state != NULL)
        g_slv_state(&handles, &calls0);

    struct {
        const char *what;
        int want;
        nda_solver_desc s;
    } cases[32];
    int n = 0;
#define CASE(w_, want_, stmt)                                                                  \
    do {                                                                                       \
        cases[n].what = (w_);                                                                  \
        cases[n].want = (want_);                                                               \
        cases[n].s = ok;                                                                       \
        nda_solver_desc *d = &cases[n].s;                                                      \
        stmt;                                                                                  \
        n++;                                                                                   \
    } while (0)
    CASE("lda < m", NDA_EVALUE, d->lda = M - 1);
    CASE("A past its buffer", NDA_EVALUE, d->a_off += 64 * 8);
    CASE("A stride past its buffer", NDA_EVALUE, d->a_stride *= 4);
    CASE("batches of A overlap", NDA_EVALUE, d->a_stride = M);
    CASE("misaligned A", NDA_EVALUE, d->a_off += 4);
    CASE("ipiv past its buffer", NDA_EVALUE, d->ipiv_stride = 100);
    CASE("info past its buffer", NDA_EVALUE, d->info_off = info.nel * 4 - 4);
    CASE("negative m", NDA_EVALUE, d->m = -1);
    CASE("negative batch", NDA_EVALUE, d->batch = -1);
    CASE("getrf flag", NDA_EVALUE, d->flag = 1);
    CASE("getrf k", NDA_EVALUE, d->k = 1);
    CASE("NULL A", NDA_EVALUE, d->a = NULL);
    CASE("ipiv inside A", NDA_EVALUE, d->ipiv = a.dev; d->ipiv_off = d->a_off; d->ipiv_stride = d->a_stride * 2);
    CASE("unknown op", NDA_EVALUE, d->op = (nda_solver_op)42);
    CASE("unknown type", NDA_EVALUE, d->type = (nda_lib_type)9);
    CASE("float16", NDA_ENOTIMPL, d->type = NDA_LIB_F16);
    CASE("m past int32", NDA_ENOTIMPL, d->m = (int64_t)1 << 31; d->lda = d->m);
    CASE("gesvd m < n", NDA_EVALUE, d->op = NDA_SOLVER_GESVD; d->m = 2; d->n = 3; d->flag = 'N';
         d->w = w.dev; d->w_stride = w.stride);
    CASE("gesvd flag", NDA_EVALUE, d->op = NDA_SOLVER_GESVD; d->flag = 'X'; d->w = w.dev;
         d->w_stride = w.stride);
    CASE("orgqr n < k", NDA_EVALUE, d->op = NDA_SOLVER_ORGQR; d->k = N + 1; d->w = w.dev;
         d->w_stride = w.stride);
    CASE("potrf not square", NDA_EVALUE, d->op = NDA_SOLVER_POTRF);
    CASE("syevd flag", NDA_EVALUE, d->op = NDA_SOLVER_SYEVD; d->m = N; d->flag = 2;
         d->w = w.dev; d->w_stride = w.stride);
    CASE("getrs flag", NDA_EVALUE, d->op = NDA_SOLVER_GETRS; d->m = N; d->k = 1; d->flag = 3;
         d->b = a.dev; d->ldb = a.ld; d->b_stride = a.stride; d->a = w.dev);
    CASE("geqrf tau overlaps A", NDA_EVALUE, d->op = NDA_SOLVER_GEQRF; d->w = a.dev;
         d->w_off = d->a_off + 8; d->w_stride = d->a_stride);
#undef CASE
    for (int i = 0; i < n; i++) {
        err_clear();
        int rc = ops->solver(0, &cases[i].s);
        if (rc != cases[i].want)
            fprintf(stderr, "solver bad args: %s -> %d (%s), want %d\n", cases[i].what, rc,
                    g_err_msg, cases[i].want);
        CHECK(rc == cases[i].want && g_err_msg[0] != '\0');
    }
    if (g_slv_state != NULL) {
        g_slv_state(&handles, &calls1);
        CHECK(calls1 == calls0);
    }
    smat_down(ops, &info);
    CHECK(memcmp(info.host, info.orig, info.nel * 4) == 0);
    /* the valid call itself works */
    CHECK(run_solver(ops, &ok) == NDA_OK);
    smat_free(ops, &a);
    smat_free(ops, &ipiv);
    smat_free(ops, &w);
    smat_free(ops, &info);
}

/* n == 0 (or m == 0): info := 0 for every matrix, nothing else called;
 * GESVD 'A' of m x 0 gives U = I. batch == 0: nothing at all. */
static void test_solver_empty(const nda_backend_ops *ops)
{
    enum { B = 2, M = 3 };
    smat a, u, w, info;
    long handles, calls0, calls1;
    nda_solver_desc s;

    CHECK(smat_new(ops, &a, NDA_LIB_C128, M, 0, B) == NDA_OK);
    CHECK(smat_new(ops, &u, NDA_LIB_C128, M, M, B) == NDA_OK);
    CHECK(svec_new(ops, &w, NDA_LIB_F64, 0, B) == NDA_OK);
    CHECK(sinfo_new(ops, &info, B) == NDA_OK);
    smat_up(ops, &a);
    smat_up(ops, &u);
    smat_up(ops, &info);
    if (g_slv_state != NULL)
        g_slv_state(&handles, &calls0);

    s = desc_new(NDA_SOLVER_GETRF, NDA_LIB_C128, M, 0, 0, B, 0);
    desc_a(&s, &a);
    desc_info(&s, &info); /* ipiv: min(m, n) = 0 elements, NULL is fine */
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0));

    s = desc_new(NDA_SOLVER_POTRF, NDA_LIB_F32, 0, 0, 0, B, 0);
    s.lda = 1;
    s.a = a.dev;
    smat_up(ops, &info);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(info_all(&info, 0, 0));

    s = desc_new(NDA_SOLVER_GESVD, NDA_LIB_C128, M, 0, 0, B, 'A');
    desc_a(&s, &a);
    desc_w(&s, &w);
    desc_b(&s, &u);
    s.c = u.dev;
    s.ldc = 1;
    smat_up(ops, &info);
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    smat_down(ops, &u);
    CHECK(info_all(&info, 0, 0) && smat_untouched(&u));
    int identity = 1;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++)
                if (smat_at(&u, b, i, j) != (zc)(i == j))
                    identity = 0;
    CHECK(identity);

    s = desc_new(NDA_SOLVER_GETRS, NDA_LIB_F64, 4, 4, 0, B, 0); /* no right-hand sides */
    s.a = u.dev;
    s.lda = 4;
    s.ldb = 4;
    desc_info(&s, &info);
    s.ipiv = info.dev;
    s.ipiv_off = s.info_off + 64;
    /* ipiv reaches past its buffer: checked even when k == 0 */
    err_clear();
    CHECK(ops->solver(0, &s) == NDA_EVALUE && strstr(g_err_msg, "ipiv") != NULL);

    smat_up(ops, &info);
    s = desc_new(NDA_SOLVER_SYEVD, NDA_LIB_F64, 4, 4, 0, 0, 1); /* batch 0 */
    s.lda = 4;
    desc_info(&s, &info);
    CHECK(run_solver(ops, &s) == NDA_OK);
    smat_down(ops, &info);
    CHECK(memcmp(info.host, info.orig, info.nel * 4) == 0);

    if (g_slv_state != NULL) {
        g_slv_state(&handles, &calls1);
        CHECK(calls1 == calls0); /* the library was never called */
    }
    smat_free(ops, &a);
    smat_free(ops, &u);
    smat_free(ops, &w);
    smat_free(ops, &info);
}

/* Every solver check (the fake's call counts only when it is loaded). */
static void test_solver_all(const nda_backend_ops *ops)
{
    static const int types[] = {NDA_LIB_F32, NDA_LIB_F64, NDA_LIB_C64, NDA_LIB_C128};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int t = types[i];
        cuda_solver_getrf(ops, t, 5, 3);
        cuda_solver_getrf(ops, t, 3, 4);
        test_solver_getrs(ops, t);
        test_solver_potrf(ops, t);
        test_solver_syevd(ops, t);
        test_solver_qr(ops, t);
        test_solver_gesvd(ops, t);
    }
    test_solver_singular(ops);
    test_solver_bad_args(ops);
    test_solver_empty(ops);
}

void cuda_solver_gpu(const nda_backend_ops *ops)
{
    void *buf = NULL;
    nda_solver_desc s = desc_new(NDA_SOLVER_POTRF, NDA_LIB_F64, 1, 1, 0, 1, 0);
    double one = 1.0;
    int rc;

    CHECK(ops->buffer_alloc(0, 256, &buf) == NDA_OK);
    CHECK(ops->copy_to_device(0, buf, 0, &one, sizeof one) == NDA_OK);
    s.a = s.info = buf;
    s.lda = 1;
    s.info_off = 64;
    err_clear();
    rc = ops->solver(0, &s);
    ops->synchronize(0);
    ops->buffer_free(0, buf);
    if (rc == NDA_ENODEV) {
        printf("info: solver checks skipped: %s\n", g_err_msg);
        return;
    }
    CHECK(rc == NDA_OK);
    test_solver_all(ops);
}

void cuda_solver_fake(const nda_backend_ops *ops, void *fake_driver)
{
    char *lib = runfile("tests/fakes/libcusolver_fake.so");
    void *h;
    long handles = -1, calls = -1;

    /* A missing library: NDA_ENODEV naming the variable (not remembered). */
    {
        void *buf = NULL;
        CHECK(ops->buffer_alloc(0, 256, &buf) == NDA_OK);
        nda_solver_desc s = desc_new(NDA_SOLVER_POTRF, NDA_LIB_F64, 2, 2, 0, 1, 0);
        s.a = s.info = buf;
        s.lda = 2;
        s.info_off = 64;
        setenv("NDACCEL_CUSOLVER_LIBRARY", "/nonexistent/libcusolver.so", 1);
        err_clear();
        CHECK(ops->solver(0, &s) == NDA_ENODEV);
        CHECK(strstr(g_err_msg, "NDACCEL_CUSOLVER_LIBRARY") != NULL);
        ops->buffer_free(0, buf);
    }
    /* The fake computes with the system LAPACK (Debian's liblapack3). */
    void *lapack = dlopen("liblapack.so.3", RTLD_NOW | RTLD_LOCAL);
    if (lapack == NULL) {
        printf("info: no liblapack.so.3 (%s): fake cuSOLVER checks skipped\n", dlerror());
        free(lib);
        return;
    }
    dlclose(lapack);
    h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    fake_cusolver_attach_fn attach = h ? (fake_cusolver_attach_fn)dlsym(h, "nda_fake_cusolver_attach") : NULL;
    g_slv_state = h ? (fake_cusolver_state_fn)dlsym(h, "nda_fake_cusolver_state") : NULL;
    fake_range_fn range = (fake_range_fn)dlsym(fake_driver, "nda_fake_cuda_range");
    fake_state_fn state = (fake_state_fn)dlsym(fake_driver, "nda_fake_cuda_state");
    CHECK(attach != NULL && g_slv_state != NULL && range != NULL && state != NULL);
    if (attach == NULL || g_slv_state == NULL || range == NULL || state == NULL) {
        fprintf(stderr, "fake cuSOLVER %s: %s\n", lib, dlerror());
        free(lib);
        return;
    }
    attach(range, state);
    setenv("NDACCEL_CUSOLVER_LIBRARY", lib, 1);
    printf("info: solver checks against the fake cuSOLVER (LAPACK on host memory)\n");

    test_solver_all(ops);
    g_slv_state(&handles, &calls);
    CHECK(handles == 1); /* one per device, reused */
    printf("info: fake cuSOLVER: %ld calls, %ld live handle(s)\n", calls, handles);
    free(lib);
    /* h stays open: the plugin holds the library until the process ends */
}

int cuda_solver_fake_handles(long *handles)
{
    long calls = -1;

    if (g_slv_state == NULL)
        return 0;
    g_slv_state(handles, &calls);
    return 1;
}

/* Operands of the solver checks (see cuda_solver_operands.h). */
#define _POSIX_C_SOURCE 200809L
#include "tests/conformance/cuda_solver_operands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/error.h"
#include "tests/conformance/plugin_harness.h"

size_t t_es(int t)
{
    switch (t) {
    case NDA_LIB_F32: return 4;
    case NDA_LIB_F64: return 8;
    case NDA_LIB_C64: return 8;
    case NDA_LIB_C128: return 16;
    default: return 4; /* T_INT32 */
    }
}
static int t_cplx(int t) { return t == NDA_LIB_C64 || t == NDA_LIB_C128; }
int t_real(int t) { return (t == NDA_LIB_F64 || t == NDA_LIB_C128) ? NDA_LIB_F64 : NDA_LIB_F32; }
double t_tol(int t) { return (t == NDA_LIB_F64 || t == NDA_LIB_C128) ? 1e-11 : 3e-5; }
static const char *t_name(int t)
{
    static const char *const n[] = {"?", "f16", "f32", "f64", "c64", "c128"};
    return t >= 1 && t <= 5 ? n[t] : "i32";
}

static void el_put(void *base, int t, size_t i, zc v)
{
    switch (t) {
    case NDA_LIB_F32: ((float *)base)[i] = (float)creal(v); break;
    case NDA_LIB_F64: ((double *)base)[i] = creal(v); break;
    case NDA_LIB_C64: ((float *)base)[2 * i] = (float)creal(v); ((float *)base)[2 * i + 1] = (float)cimag(v); break;
    case NDA_LIB_C128: ((double *)base)[2 * i] = creal(v); ((double *)base)[2 * i + 1] = cimag(v); break;
    default: ((int32_t *)base)[i] = (int32_t)creal(v); break;
    }
}

static zc el_get(const void *base, int t, size_t i)
{
    switch (t) {
    case NDA_LIB_F32: return ((const float *)base)[i];
    case NDA_LIB_F64: return ((const double *)base)[i];
    case NDA_LIB_C64: return ((const float *)base)[2 * i] + I * ((const float *)base)[2 * i + 1];
    case NDA_LIB_C128: return ((const double *)base)[2 * i] + I * ((const double *)base)[2 * i + 1];
    default: return ((const int32_t *)base)[i];
    }
}

int smat_new(const nda_backend_ops *ops, smat *x, int t, int64_t rows, int64_t cols,
             int64_t batch)
{
    memset(x, 0, sizeof *x);
    x->t = t;
    x->rows = rows;
    x->cols = cols;
    x->batch = batch;
    x->ld = rows + 2;
    x->stride = x->ld * (cols > 0 ? cols : 1) + 3;
    x->off_el = 2;
    x->nel = x->off_el + (size_t)(batch > 0 ? batch : 1) * (size_t)x->stride + 4;
    x->host = malloc(x->nel * t_es(t));
    x->orig = malloc(x->nel * t_es(t));
    for (size_t i = 0; i < x->nel; i++)
        el_put(x->host, t, i, (zc)(7000.0 + (double)i) + (t_cplx(t) ? -I : 0));
    return ops->buffer_alloc(0, x->nel * t_es(t), &x->dev);
}

/* A vector of n elements per batch (ipiv, w, tau). */
int svec_new(const nda_backend_ops *ops, smat *x, int t, int64_t n, int64_t batch)
{
    int rc = smat_new(ops, x, t, n, 1, batch);
    x->ld = n > 0 ? n : 1;
    x->stride = x->ld + 3;
    return rc;
}

/* info: batch contiguous int32 (stride 1) after 3 leading elements. */
int sinfo_new(const nda_backend_ops *ops, smat *x, int64_t batch)
{
    int rc = smat_new(ops, x, T_INT32, batch, 1, 1);
    x->off_el = 3;
    for (size_t i = 0; i < x->nel; i++)
        el_put(x->host, T_INT32, i, 77);
    return rc;
}

static size_t smat_index(const smat *x, int64_t b, int64_t i, int64_t j)
{
    return x->off_el + (size_t)(b * x->stride + j * x->ld + i);
}
void smat_set(smat *x, int64_t b, int64_t i, int64_t j, zc v)
{
    el_put(x->host, x->t, smat_index(x, b, i, j), v);
}
zc smat_at(const smat *x, int64_t b, int64_t i, int64_t j)
{
    return el_get(x->host, x->t, smat_index(x, b, i, j));
}

int smat_up(const nda_backend_ops *ops, smat *x)
{
    memcpy(x->orig, x->host, x->nel * t_es(x->t));
    return ops->copy_to_device(0, x->dev, 0, x->host, x->nel * t_es(x->t));
}
int smat_down(const nda_backend_ops *ops, smat *x)
{
    return ops->copy_to_host(0, x->host, x->dev, 0, x->nel * t_es(x->t));
}

/* Every element outside the batch's rows x cols blocks kept its value. */
int smat_untouched(const smat *x)
{
    size_t es = t_es(x->t);
    for (size_t e = 0; e < x->nel; e++) {
        int inside = 0;
        if (e >= x->off_el) {
            int64_t r = (int64_t)(e - x->off_el);
            int64_t b = r / x->stride, in = r % x->stride;
            if (b < x->batch && in / x->ld < x->cols && in % x->ld < x->rows)
                inside = 1;
        }
        if (!inside && memcmp(x->host + e * es, x->orig + e * es, es) != 0) {
            fprintf(stderr, "solver: element %zu outside the %lld x %lld blocks was written\n", e,
                    (long long)x->rows, (long long)x->cols);
            return 0;
        }
    }
    return 1;
}

void smat_free(const nda_backend_ops *ops, smat *x)
{
    if (x->dev != NULL)
        ops->buffer_free(0, x->dev);
    free(x->host);
    free(x->orig);
    memset(x, 0, sizeof *x);
}

uint64_t g_lcg = 12345;
static double rnd(void)
{
    g_lcg = g_lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(g_lcg >> 11) / (double)(1ULL << 53) * 2.0 - 1.0;
}
static zc zrnd(int t) { return t_cplx(t) ? rnd() + I * rnd() : rnd(); }

void desc_a(nda_solver_desc *s, const smat *x)
{
    s->a = x->dev; s->a_off = x->off_el * t_es(x->t); s->lda = x->ld; s->a_stride = x->stride;
}
void desc_b(nda_solver_desc *s, const smat *x)
{
    s->b = x->dev; s->b_off = x->off_el * t_es(x->t); s->ldb = x->ld; s->b_stride = x->stride;
}
void desc_c(nda_solver_desc *s, const smat *x)
{
    s->c = x->dev; s->c_off = x->off_el * t_es(x->t); s->ldc = x->ld; s->c_stride = x->stride;
}
void desc_w(nda_solver_desc *s, const smat *x)
{
    s->w = x->dev; s->w_off = x->off_el * t_es(x->t); s->w_stride = x->stride;
}
void desc_ipiv(nda_solver_desc *s, const smat *x)
{
    s->ipiv = x->dev; s->ipiv_off = x->off_el * 4; s->ipiv_stride = x->stride;
}
void desc_info(nda_solver_desc *s, const smat *x)
{
    s->info = x->dev; s->info_off = x->off_el * 4;
}

int info_all(const smat *info, int want0, int want1)
{
    int got0 = (int)creal(smat_at(info, 0, 0, 0));
    int got1 = info->rows > 1 ? (int)creal(smat_at(info, 0, 1, 0)) : want1;
    if (got0 != want0 || got1 != want1) {
        fprintf(stderr, "solver: info = {%d, %d}, want {%d, %d}\n", got0, got1, want0, want1);
        return 0;
    }
    return smat_untouched(info);
}

/* max |X - Y| / (1 + max |Y|) over n values, reported when above tol. */
int close_enough(const char *what, int t, const zc *x, const zc *y, size_t n, double tol)
{
    double err = 0, scale = 1;
    for (size_t i = 0; i < n; i++) {
        if (cabs(y[i]) > scale)
            scale = cabs(y[i]);
        double e = cabs(x[i] - y[i]);
        if (!(e <= err))
            err = isnan(e) ? INFINITY : e;
    }
    if (err / scale <= tol)
        return 1;
    fprintf(stderr, "solver %s %s: relative error %g > %g\n", what, t_name(t), err / scale, tol);
    return 0;
}

zc zconj(int t, zc v) { return t_cplx(t) ? conj(v) : v; }

/* A (m x n) := random, remembered in a0[b][j*m + i]. */
void fill_random(smat *x, zc *a0)
{
    for (int64_t b = 0; b < x->batch; b++)
        for (int64_t j = 0; j < x->cols; j++)
            for (int64_t i = 0; i < x->rows; i++) {
                zc v = zrnd(x->t);
                smat_set(x, b, i, j, v);
                a0[(b * x->cols + j) * x->rows + i] = v;
            }
}

/* A Hermitian positive definite matrix M M^H + n I (or just Hermitian,
 * pd == 0) in h[j*n + i]; x gets its lower triangle and NaN above. */
void fill_hermitian(smat *x, int64_t b, zc *h, int pd)
{
    int64_t n = x->rows;
    zc m[64];
    for (int64_t i = 0; i < n * n; i++)
        m[i] = zrnd(x->t);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            zc s = 0;
            if (pd) {
                for (int64_t l = 0; l < n; l++)
                    s += m[l * n + i] * zconj(x->t, m[l * n + j]);
                if (i == j)
                    s += (double)n;
            } else {
                s = i == j ? creal(m[i * n + i]) * 2 : (i > j ? m[j * n + i] : zconj(x->t, m[i * n + j]));
            }
            h[j * n + i] = s;
        }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++)
            smat_set(x, b, i, j, i >= j ? h[j * n + i] : (zc)NAN);
}

int run_solver(const nda_backend_ops *ops, const nda_solver_desc *s)
{
    err_clear();
    int rc = ops->solver(0, s);
    if (rc != NDA_OK)
        fprintf(stderr, "solver op %d %s: %d %s\n", (int)s->op, t_name(s->type), rc, g_err_msg);
    return rc;
}

nda_solver_desc desc_new(nda_solver_op op, int t, int64_t m, int64_t n, int64_t k,
                         int64_t batch, int flag)
{
    nda_solver_desc s;
    memset(&s, 0, sizeof s);
    s.op = op;
    s.type = (nda_lib_type)t;
    s.m = m;
    s.n = n;
    s.k = k;
    s.batch = batch;
    s.flag = flag;
    return s;
}

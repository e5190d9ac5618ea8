/* Tests for nda/binning.h (core/binning.c) on the default device (PoCL
 * under Bazel): bincount counts and weight sums across the partial rows'
 * chunk boundaries, skipped out-of-range indices, views with a base offset,
 * empty inputs and zero bins; searchsorted on both sides with NaN last;
 * every error path (bad dtypes, lengths, bins, devices) leaves *out alone.
 * Expected values are computed here by plain loops (NumPy's definitions). */
#define _XOPEN_SOURCE 700

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/array.h"
#include "nda/binning.h"
#include "nda/device.h"
#include "nda/error.h"
#include "tests/c/test_util.h"

static nda_device *g_dev;

static nda_array *host1(nda_dtype t, int64_t n, const void *data)
{
    nda_array *a = NULL;
    CHECK_OK(nda_array_from_host(g_dev, t, 1, &n, data, &a));
    return a;
}

/* 1-D view of `base` from element `start`, n elements, element step `step`. */
static nda_array *view1(const nda_array *base, int64_t start, int64_t n, int64_t step)
{
    int64_t isz = (int64_t)nda_dtype_itemsize(base->dtype), st = step * isz;
    nda_array *v = NULL;
    CHECK_OK(nda_array_view(base, base->offset + (size_t)(start * isz), 1, &n, &st, &v));
    return v;
}

static void test_bincount(void)
{
    enum { N = 100003, B = 37 };
    int64_t *idx = malloc(sizeof(int64_t) * N);
    double *w = malloc(sizeof(double) * N);
    int64_t want_n[B] = {0}, want_v[B] = {0};
    double want_w[B] = {0};
    uint64_t s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        idx[i] = (int64_t)(s >> 33) % (B + 4) - 2; /* -2 .. B + 1: some outside */
        w[i] = (double)((s >> 20) & 1023) / 64.0;  /* exact in binary: sums are exact */
        if (idx[i] >= 0 && idx[i] < B) {
            want_n[idx[i]]++;
            want_w[idx[i]] += w[i];
        }
    }
    for (int i = 5; i < N; i += 3)
        if (idx[i] >= 0 && idx[i] < B) want_v[idx[i]]++;
    nda_array *x = host1(NDA_INT64, N, idx), *wt = host1(NDA_FLOAT64, N, w), *r = NULL;
    CHECK_OK(nda_bincount(x, NULL, B, &r));
    if (r) {
        int64_t got[B];
        CHECK(r->dtype == NDA_INT64 && r->ndim == 1 && r->shape[0] == B);
        CHECK_OK(nda_array_to_host(r, got));
        CHECK(memcmp(got, want_n, sizeof got) == 0);
        nda_array_free(r);
        r = NULL;
    }
    CHECK_OK(nda_bincount(x, wt, B, &r));
    if (r) {
        double got[B];
        CHECK(r->dtype == NDA_FLOAT64);
        CHECK_OK(nda_array_to_host(r, got));
        CHECK(memcmp(got, want_w, sizeof got) == 0);
        nda_array_free(r);
        r = NULL;
    }
    /* A strided view (copied to contiguous first). */
    nda_array *v = view1(x, 5, (N - 5 + 2) / 3, 3);
    CHECK_OK(nda_bincount(v, NULL, B, &r));
    if (r) {
        int64_t got[B];
        CHECK_OK(nda_array_to_host(r, got));
        CHECK(memcmp(got, want_v, sizeof got) == 0);
        nda_array_free(r);
        r = NULL;
    }
    /* Empty input, zero bins. */
    nda_array *e = view1(x, 0, 0, 1);
    CHECK_OK(nda_bincount(e, NULL, 4, &r));
    if (r) {
        int64_t got[4] = {9, 9, 9, 9}, zero[4] = {0};
        CHECK_OK(nda_array_to_host(r, got));
        CHECK(memcmp(got, zero, sizeof got) == 0);
        nda_array_free(r);
        r = NULL;
    }
    CHECK_OK(nda_bincount(x, NULL, 0, &r));
    CHECK(r != NULL && r->shape[0] == 0);
    nda_array_free(r);
    nda_array_free(e);
    nda_array_free(v);
    nda_array_free(x);
    nda_array_free(wt);
    free(idx);
    free(w);
}

static void test_searchsorted(void)
{
    double a[6] = {-1.0, 0.0, 0.0, 2.5, 7.0, NAN};
    double q[7] = {-2.0, 0.0, 1.0, 7.0, 8.0, NAN, INFINITY};
    int64_t left[7] = {0, 1, 3, 4, 5, 5, 5}, right[7] = {0, 3, 3, 5, 5, 6, 5};
    nda_array *A = host1(NDA_FLOAT64, 6, a), *Q = host1(NDA_FLOAT64, 7, q), *r = NULL;
    for (int side = 0; side < 2; side++) {
        CHECK_OK(nda_searchsorted(A, Q, side, &r));
        if (r) {
            int64_t got[7];
            CHECK(r->dtype == NDA_INT64 && r->shape[0] == 7);
            CHECK_OK(nda_array_to_host(r, got));
            CHECK(memcmp(got, side ? right : left, sizeof got) == 0);
            nda_array_free(r);
            r = NULL;
        }
    }
    /* A view with a base offset: a[1:5] = {0, 0, 2.5, 7}, queries q[1:4]. */
    nda_array *av = view1(A, 1, 4, 1), *qv = view1(Q, 1, 3, 1);
    CHECK_OK(nda_searchsorted(av, qv, 0, &r));
    if (r) {
        int64_t got[3], want[3] = {0, 2, 3};
        CHECK_OK(nda_array_to_host(r, got));
        CHECK(memcmp(got, want, sizeof got) == 0);
        nda_array_free(r);
    }
    nda_array_free(av);
    nda_array_free(qv);
    nda_array_free(A);
    nda_array_free(Q);
}

static void test_errors(void)
{
    int64_t i3[3] = {0, 1, 2};
    double d3[3] = {1, 2, 3}, d2[2] = {1, 2};
    int32_t s3[3] = {0, 1, 2};
    nda_array *x = host1(NDA_INT64, 3, i3), *f = host1(NDA_FLOAT64, 3, d3), *f2 = host1(NDA_FLOAT64, 2, d2);
    nda_array *x32 = host1(NDA_INT32, 3, s3);
    nda_array *sentinel = (nda_array *)&sentinel, *r = sentinel;
    CHECK_RC(nda_bincount(f, NULL, 3, &r), NDA_ETYPE);        /* indices not int64 */
    CHECK_RC(nda_bincount(x, x, 3, &r), NDA_ETYPE);           /* weights not float64 */
    CHECK_RC(nda_bincount(x, f2, 3, &r), NDA_EVALUE);         /* lengths differ */
    CHECK_RC(nda_bincount(x, NULL, -1, &r), NDA_EVALUE);      /* negative bins */
    CHECK_RC(nda_bincount(x, NULL, nda_bincount_max_bins(g_dev) + 1, &r), NDA_EVALUE);
    CHECK_RC(nda_searchsorted(f, x, 0, &r), NDA_ETYPE);       /* dtypes differ */
    CHECK_OK(nda_searchsorted(x32, x32, 0, &r));              /* int32 keys are fine */
    CHECK(r != sentinel);
    if (r != sentinel) nda_array_free(r);
    r = sentinel;
    int64_t shape2[2] = {1, 3}, st2[2] = {24, 8};
    nda_array *m = NULL;
    CHECK_OK(nda_array_view(f, 0, 2, shape2, st2, &m));
    CHECK_RC(nda_searchsorted(m, f, 0, &r), NDA_EVALUE);      /* a not 1-D */
    CHECK(r == sentinel);                                      /* untouched on failure */
    nda_array_free(m);
    nda_array_free(x);
    nda_array_free(f);
    nda_array_free(f2);
    nda_array_free(x32);
}

int main(void)
{
    test_env_setup("ndcache");
    int rc = nda_device_default(&g_dev);
    CHECK_OK(rc);
    if (rc != NDA_OK) return test_summary();
    fprintf(stderr, "device %s (%s)\n", nda_device_id(g_dev), nda_device_info_of(g_dev)->name);
    test_bincount();
    test_searchsorted();
    test_errors();
    /* The last launches run asynchronously: finish them before exiting. */
    CHECK_OK(nda_device_synchronize(g_dev));
    return test_summary();
}

/* Tests for nda/sort.h (core/sort.c) on the default device (PoCL under
 * Bazel): rows sorted across the run and merge-pass boundaries, stable
 * positions for ties, NaN last, a strided view as input, empty rows, and
 * the error path (not 2-D) leaving the outputs alone. Expected values come
 * from a plain stable insertion sort here. */
#define _XOPEN_SOURCE 700

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/array.h"
#include "nda/device.h"
#include "nda/error.h"
#include "nda/sort.h"
#include "tests/c/test_util.h"

static nda_device *g_dev;

/* NumPy's order for doubles: NaN last. */
static int lt(double a, double b) { return a < b || (isnan(b) && !isnan(a)); }

static void stable_sort(const double *v, int64_t n, double *keys, int64_t *pos)
{
    for (int64_t i = 0; i < n; i++) {
        int64_t j = i;
        while (j > 0 && lt(v[i], keys[j - 1])) {
            keys[j] = keys[j - 1];
            pos[j] = pos[j - 1];
            j--;
        }
        keys[j] = v[i];
        pos[j] = i;
    }
}

static int same_doubles(const double *a, const double *b, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i])))) return 0;
    return 1;
}

static void test_rows(int64_t M, int64_t K, int64_t step)
{
    int64_t total = M * K * step;
    double *v = malloc(sizeof(double) * (size_t)(total ? total : 1));
    uint64_t s = (uint64_t)(M * 1000 + K);
    for (int64_t i = 0; i < total; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int r = (int)((s >> 33) % 41);
        v[i] = r == 40 ? NAN : (double)(r % 13) - 6.0; /* many ties, some NaN */
    }
    nda_array *base = NULL, *a = NULL, *keys = NULL, *pos = NULL;
    int64_t bshape[2] = {M, K * step}, shape[2] = {M, K}, st[2] = {K * step * 8, step * 8};
    CHECK_OK(nda_array_from_host(g_dev, NDA_FLOAT64, 2, bshape, v, &base));
    CHECK_OK(nda_array_view(base, 0, 2, shape, st, &a));
    CHECK_OK(nda_sort_rows(a, &keys, &pos));
    if (keys && pos) {
        CHECK(keys->ndim == 2 && keys->shape[0] == M && keys->shape[1] == K && pos->dtype == NDA_INT64);
        double *gk = malloc(sizeof(double) * (size_t)(M * K + 1)), *row = malloc(sizeof(double) * (size_t)(K + 1));
        double *wk = malloc(sizeof(double) * (size_t)(K + 1));
        int64_t *gp = malloc(sizeof(int64_t) * (size_t)(M * K + 1)), *wp = malloc(sizeof(int64_t) * (size_t)(K + 1));
        CHECK_OK(nda_array_to_host(keys, gk));
        CHECK_OK(nda_array_to_host(pos, gp));
        for (int64_t m = 0; m < M; m++) {
            for (int64_t k = 0; k < K; k++) row[k] = v[m * K * step + k * step];
            stable_sort(row, K, wk, wp);
            CHECKF(same_doubles(gk + m * K, wk, K), "keys of row %lld (M %lld K %lld)", (long long)m,
                   (long long)M, (long long)K);
            CHECKF(memcmp(gp + m * K, wp, sizeof(int64_t) * (size_t)K) == 0, "positions of row %lld",
                   (long long)m);
        }
        free(gk);
        free(row);
        free(wk);
        free(gp);
        free(wp);
    }
    nda_array_free(keys);
    nda_array_free(pos);
    nda_array_free(a);
    nda_array_free(base);
    free(v);
}

static void test_errors(void)
{
    double v[3] = {3, 1, 2};
    int64_t n = 3;
    nda_array *a = NULL;
    CHECK_OK(nda_array_from_host(g_dev, NDA_FLOAT64, 1, &n, v, &a));
    nda_array *sentinel = (nda_array *)&sentinel, *k = sentinel, *x = sentinel;
    CHECK_RC(nda_sort_rows(a, &k, &x), NDA_EVALUE);
    CHECK(k == sentinel && x == sentinel);
    nda_array_free(a);
}

int main(void)
{
    test_env_setup("ndcache");
    int rc = nda_device_default(&g_dev);
    CHECK_OK(rc);
    if (rc != NDA_OK) return test_summary();
    fprintf(stderr, "device %s (%s)\n", nda_device_id(g_dev), nda_device_info_of(g_dev)->name);
    static const int64_t lengths[] = {0, 1, 31, 32, 33, 513, 1024, 3000};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) test_rows(3, lengths[i], 1);
    test_rows(2, 777, 3); /* a strided view: copied to contiguous rows first */
    test_errors();
    CHECK_OK(nda_device_synchronize(g_dev));
    return test_summary();
}

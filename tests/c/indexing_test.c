/* Tests for nda/indexing.h (core/indexing.c) on the default device (PoCL
 * under Bazel): gathers (values, shape of the offsets, views with a base
 * offset, pending inputs, the result left pending), scatters (array and
 * scalar values, casts, broadcasting, views) and the write-after-read
 * protocol: pending readers of the destination, and value or offset
 * expressions reading it, see its old values. Expected values are NumPy's
 * (comments show the NumPy expression). */
#define _XOPEN_SOURCE 700

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nda/array.h"
#include "nda/device.h"
#include "nda/error.h"
#include "nda/indexing.h"
#include "nda/ufunc.h"
#include "tests/c/test_util.h"

static nda_device *g_dev;

/* ---- helpers ----------------------------------------------------------- */

static nda_array *host1(nda_dtype t, int64_t n, const void *data)
{
    nda_array *a = NULL;
    CHECK_OK(nda_array_from_host(g_dev, t, 1, &n, data, &a));
    return a;
}

static nda_array *offsets1(int64_t n, const int64_t *off) { return host1(NDA_INT64, n, off); }

/* 1-D view of `base` from element `start` with element step `step`. */
static nda_array *view1(const nda_array *base, int64_t start, int64_t n, int64_t step)
{
    int64_t isz = (int64_t)nda_dtype_itemsize(base->dtype), st = step * isz;
    nda_array *v = NULL;
    CHECK_OK(nda_array_view(base, base->offset + (size_t)(start * isz), 1, &n, &st, &v));
    return v;
}

static nda_array *apply2(const char *name, const nda_array *a, nda_operand b)
{
    nda_operand ops[2];
    memset(ops, 0, sizeof ops);
    ops[0].array = a;
    ops[1] = b;
    nda_array *r = NULL;
    CHECK_OK(nda_ufunc_apply(name, 2, ops, NULL, -1, NDA_CAST_SAME_KIND, NULL, &r));
    return r;
}

static nda_operand int_scalar(int64_t v)
{
    nda_operand o;
    memset(&o, 0, sizeof o);
    o.scalar.kind = NDA_SCALAR_INT;
    o.scalar.i = v;
    return o;
}

static nda_operand array_operand(const nda_array *a)
{
    nda_operand o;
    memset(&o, 0, sizeof o);
    o.array = a;
    return o;
}

static bool fetch(const nda_array *a, void *buf)
{
    int rc = a ? nda_array_to_host(a, buf) : NDA_EVALUE;
    CHECK_OK(rc);
    return rc == NDA_OK;
}

#define CHECK_INTS(got, want, n)                                                         \
    do {                                                                                 \
        int bad_ = 0;                                                                    \
        for (size_t i_ = 0; i_ < (size_t)(n); i_++) {                                    \
            if ((long long)(got)[i_] != (long long)(want)[i_] && bad_++ < 4)             \
                fprintf(stderr, "%s:%d: [%zu] = %lld, want %lld\n", __FILE__, __LINE__,  \
                        i_, (long long)(got)[i_], (long long)(want)[i_]);                \
        }                                                                                \
        CHECKF(bad_ == 0, "%s vs %s: %d element(s) differ", #got, #want, bad_);          \
    } while (0)

/* ---- gather -------------------------------------------------------------- */

static void test_gather_values(void)
{
    int32_t v[] = {10, 11, 12, 13, 14, 15};
    int64_t off[] = {4, 0, 2, 2, 5, 1};
    nda_array *a = host1(NDA_INT32, 6, v), *o = offsets1(6, off), *r = NULL;
    if (!a || !o) goto out;
    /* a.flat[[[4, 0, 2], [2, 5, 1]]]: shaped like the offsets, a's dtype. */
    int64_t s23[] = {2, 3}, st23[] = {24, 8};
    nda_array *o2 = NULL;
    CHECK_OK(nda_array_view(o, 0, 2, s23, st23, &o2));
    CHECK_OK(nda_array_gather(a, o2, &r));
    if (r) {
        CHECK(r->dtype == NDA_INT32 && r->ndim == 2 && r->shape[0] == 2 && r->shape[1] == 3);
        CHECK(r->lazy != NULL); /* pending until its values are needed */
        int32_t got[6], want[] = {14, 10, 12, 12, 15, 11};
        if (fetch(r, got)) CHECK_INTS(got, want, 6);
    }
    nda_array_free(o2);
    nda_array_free(r);
    r = NULL;
    /* Offsets count from the source's element 0: a[3::-1].flat[[0, 1, 3]]
     * with byte strides left to the caller (element 3, then 2 and 0). */
    nda_array *rev = view1(a, 3, 4, -1);
    int64_t off3[] = {0, -1, -3};
    nda_array *o3 = offsets1(3, off3);
    if (rev && o3) {
        CHECK_OK(nda_array_gather(rev, o3, &r));
        int32_t got[3], want[] = {13, 12, 10};
        if (fetch(r, got)) CHECK_INTS(got, want, 3);
    }
    nda_array_free(r);
    nda_array_free(o3);
    nda_array_free(rev);
out:
    nda_array_free(o);
    nda_array_free(a);
}

/* Pending source and offsets: (a + 100)[o + 1]. */
static void test_gather_pending_inputs(void)
{
    int32_t v[] = {0, 1, 2, 3, 4};
    int64_t off[] = {3, -1, 1};
    nda_array *a = host1(NDA_INT32, 5, v), *o = offsets1(3, off);
    nda_array *src = a ? apply2("add", a, int_scalar(100)) : NULL;
    nda_array *o1 = o ? apply2("add", o, int_scalar(1)) : NULL;
    nda_array *r = NULL;
    if (src && o1) {
        CHECK(src->lazy != NULL && o1->lazy != NULL);
        CHECK_OK(nda_array_gather(src, o1, &r));
        CHECK(src->lazy == NULL); /* the source is computed by the gather */
        int32_t got[3], want[] = {104, 100, 102};
        if (fetch(r, got)) CHECK_INTS(got, want, 3);
    }
    nda_array_free(r);
    nda_array_free(o1);
    nda_array_free(src);
    nda_array_free(o);
    nda_array_free(a);
}

/* A gather consumed by a ufunc is one expression; it reads the source as
 * it is when computed, and a write to the source through scatter computes
 * it first. */
static void test_gather_then_write(void)
{
    int32_t v[] = {1, 2, 3, 4};
    int64_t off[] = {3, 2, 1, 0};
    nda_array *a = host1(NDA_INT32, 4, v), *o = offsets1(4, off), *g = NULL;
    if (!a || !o) goto out;
    CHECK_OK(nda_array_gather(a, o, &g));
    nda_array *r = g ? apply2("multiply", g, int_scalar(10)) : NULL;
    if (r) {
        CHECK(r->lazy != NULL);
        /* a[[0]] = -1 after g = a[::-1] was taken: g keeps the old values. */
        int64_t z[] = {0};
        nda_array *o0 = offsets1(1, z);
        nda_operand m1 = int_scalar(-1);
        if (o0) CHECK_OK(nda_array_scatter(a, o0, &m1));
        nda_array_free(o0);
        int32_t got[4], want[] = {40, 30, 20, 10}, wa[] = {-1, 2, 3, 4};
        if (fetch(r, got)) CHECK_INTS(got, want, 4);
        if (fetch(a, got)) CHECK_INTS(got, wa, 4);
    }
    nda_array_free(r);
out:
    nda_array_free(g);
    nda_array_free(o);
    nda_array_free(a);
}

/* ---- scatter ------------------------------------------------------------- */

static void test_scatter_values(void)
{
    int32_t z[6] = {0};
    int64_t off[] = {5, 1, 3};
    float fv[] = {1.5f, 2.5f, -3.75f};
    nda_array *d = host1(NDA_INT32, 6, z), *o = offsets1(3, off), *fa = host1(NDA_FLOAT32, 3, fv);
    if (!d || !o || !fa) goto out;
    /* d[[5, 1, 3]] = float32 values, cast as NumPy's unsafe cast. */
    nda_operand val = array_operand(fa);
    CHECK_OK(nda_array_scatter(d, o, &val));
    int32_t got[6], w1[] = {0, 2, 0, -3, 0, 1};
    if (fetch(d, got)) CHECK_INTS(got, w1, 6);
    /* d[[5, 1, 3]] = 7 (a scalar broadcast to every offset). */
    nda_operand seven = int_scalar(7);
    CHECK_OK(nda_array_scatter(d, o, &seven));
    int32_t w2[] = {0, 7, 0, 7, 0, 7};
    if (fetch(d, got)) CHECK_INTS(got, w2, 6);
    /* A (1,) value broadcasts to the offsets' shape. */
    int32_t nine[] = {9};
    nda_array *n1 = host1(NDA_INT32, 1, nine);
    if (n1) {
        nda_operand v9 = array_operand(n1);
        CHECK_OK(nda_array_scatter(d, o, &v9));
        int32_t w3[] = {0, 9, 0, 9, 0, 9};
        if (fetch(d, got)) CHECK_INTS(got, w3, 6);
    }
    nda_array_free(n1);
    /* Into a view: d[2:][[0, 2]] = 5 writes d[2] and d[4]. */
    nda_array *tail = view1(d, 2, 4, 1);
    int64_t off02[] = {0, 2};
    nda_array *o02 = offsets1(2, off02);
    nda_operand five = int_scalar(5);
    if (tail && o02) CHECK_OK(nda_array_scatter(tail, o02, &five));
    int32_t w4[] = {0, 9, 5, 9, 5, 9};
    if (fetch(d, got)) CHECK_INTS(got, w4, 6);
    nda_array_free(o02);
    nda_array_free(tail);
    /* Duplicate offsets: one of the values is kept. */
    int64_t dup[] = {0, 0, 0};
    int32_t dv[] = {21, 22, 23};
    nda_array *od = offsets1(3, dup), *vd = host1(NDA_INT32, 3, dv);
    if (od && vd) {
        nda_operand v = array_operand(vd);
        CHECK_OK(nda_array_scatter(d, od, &v));
        if (fetch(d, got)) CHECKF(got[0] >= 21 && got[0] <= 23, "d[0] = %d", (int)got[0]);
    }
    nda_array_free(vd);
    nda_array_free(od);
out:
    nda_array_free(fa);
    nda_array_free(o);
    nda_array_free(d);
}

/* Write after read: every input sees the destination's old values. */
static void test_scatter_reads_before_writes(void)
{
    enum { N = 64 };
    int32_t v[N], got[N], want[N];
    int64_t off[N];
    for (int i = 0; i < N; i++) {
        v[i] = i;
        off[i] = i;
    }
    nda_array *d = host1(NDA_INT32, N, v), *o = offsets1(N, off);
    if (!d || !o) goto out;

    /* A pending reader of d: r = d * 2 is computed before the scatter. */
    nda_array *r = apply2("multiply", d, int_scalar(2));
    /* The value reads d: d[arange(N)] = d[::-1] (a view of d's buffer) is
     * computed into a temporary first. */
    nda_array *rev = view1(d, N - 1, N, -1);
    if (r && rev) {
        CHECK(r->lazy != NULL);
        nda_operand val = array_operand(rev);
        CHECK_OK(nda_array_scatter(d, o, &val));
        for (int i = 0; i < N; i++) want[i] = N - 1 - i;
        if (fetch(d, got)) CHECK_INTS(got, want, N);
        for (int i = 0; i < N; i++) want[i] = 2 * i;
        if (fetch(r, got)) CHECK_INTS(got, want, N);
    }
    nda_array_free(rev);
    nda_array_free(r);

    /* The offsets are the destination: e = int64 [1, 2, ..., N-1, 0];
     * e[e] = (arange(N) + 5) % N puts (i + 5) % N at old e[i]. Values stay
     * in range, so reading overwritten offsets would show, never overrun. */
    int64_t ev[N], eg[N], ew[N], vals[N];
    for (int i = 0; i < N; i++) {
        ev[i] = (i + 1) % N;
        vals[i] = (i + 5) % N;
        ew[(i + 1) % N] = (i + 5) % N;
    }
    nda_array *e = host1(NDA_INT64, N, ev), *va = host1(NDA_INT64, N, vals);
    if (e && va) {
        nda_operand val = array_operand(va);
        CHECK_OK(nda_array_scatter(e, e, &val));
        if (fetch(e, eg)) CHECK_INTS(eg, ew, N);
    }
    nda_array_free(va);
    nda_array_free(e);

    /* A pending destination is computed first: p = d + 1; p[[0]] = -5. */
    nda_array *p = apply2("add", d, int_scalar(1));
    int64_t z[] = {0};
    nda_array *o0 = offsets1(1, z);
    if (p && o0) {
        nda_operand m5 = int_scalar(-5);
        CHECK_OK(nda_array_scatter(p, o0, &m5));
        CHECK(p->lazy == NULL);
        if (fetch(p, got)) {
            for (int i = 0; i < N; i++) want[i] = N - i;
            want[0] = -5;
            CHECK_INTS(got, want, N);
        }
    }
    nda_array_free(o0);
    nda_array_free(p);
out:
    nda_array_free(o);
    nda_array_free(d);
}

static void test_errors(void)
{
    int32_t v[] = {1, 2, 3};
    int32_t i32[] = {0, 1};
    nda_array *a = host1(NDA_INT32, 3, v), *o32 = host1(NDA_INT32, 2, i32), *r = NULL;
    if (a && o32) {
        CHECK_RC(nda_array_gather(a, o32, &r), NDA_ETYPE);
        CHECK(strcmp(nda_error_message(), "gather offsets must be int64") == 0);
        CHECK(r == NULL);
        nda_operand one = int_scalar(1);
        CHECK_RC(nda_array_scatter(a, o32, &one), NDA_ETYPE);
        CHECK(strcmp(nda_error_message(), "scatter offsets must be int64") == 0);
        int32_t got[3];
        if (fetch(a, got)) CHECK_INTS(got, v, 3);
    }
    nda_array_free(o32);
    nda_array_free(a);
}

int main(void)
{
    test_env_setup("ndcache");
    int rc = nda_device_default(&g_dev);
    CHECK_OK(rc);
    if (rc != NDA_OK) return test_summary();
    fprintf(stderr, "device %s (%s)\n", nda_device_id(g_dev), nda_device_info_of(g_dev)->name);
    test_gather_values();
    test_gather_pending_inputs();
    test_gather_then_write();
    test_scatter_values();
    test_scatter_reads_before_writes();
    test_errors();
    return test_summary();
}

/* Tests for core/shape.c: sizes with overflow checks, broadcasting (shapes,
 * strides, NumPy's error text), contiguity, extents with negative strides
 * and overlap detection. Arrays live on the default device (PoCL under
 * Bazel); no kernel is launched. */
#define _XOPEN_SOURCE 700

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nda/array.h"
#include "nda/device.h"
#include "nda/error.h"
#include "tests/c/test_util.h"

static nda_device *g_dev;

static void test_shape_size(void)
{
    int64_t n = -1;
    int64_t s1[] = {2, 3, 4};
    CHECK_OK(nda_shape_size(3, s1, 8, &n));
    CHECK(n == 24);
    CHECK_OK(nda_shape_size(0, NULL, 8, &n));
    CHECK(n == 1);

    int64_t big[] = {INT64_C(1) << 62, INT64_C(1) << 62};
    CHECK_RC(nda_shape_size(2, big, 1, &n), NDA_EVALUE);
    CHECK(strstr(nda_error_message(), "array is too big") != NULL);

    /* Element count fits, byte count does not (2**60 * 8 = 2**63). */
    int64_t s2[] = {INT64_C(1) << 60};
    CHECK_RC(nda_shape_size(1, s2, 8, &n), NDA_EVALUE);
    CHECK_OK(nda_shape_size(1, s2, 4, &n));
    CHECK(n == INT64_C(1) << 60);
    int64_t s3[] = {INT64_C(1) << 62};
    CHECK_OK(nda_shape_size(1, s3, 1, &n));

    int64_t neg[] = {2, -1, 3};
    CHECK_RC(nda_shape_size(3, neg, 4, &n), NDA_EVALUE);
    CHECK(strstr(nda_error_message(), "negative dimensions") != NULL);
    /* A negative dimension is an error even next to a zero. */
    int64_t negz[] = {0, -1};
    CHECK_RC(nda_shape_size(2, negz, 4, &n), NDA_EVALUE);

    int64_t ones[NDA_MAXDIMS + 1];
    for (int i = 0; i <= NDA_MAXDIMS; i++) ones[i] = 1;
    CHECK_OK(nda_shape_size(64, ones, 4, &n));
    CHECK(n == 1);
    CHECK_RC(nda_shape_size(65, ones, 4, &n), NDA_EVALUE);
    CHECK(strstr(nda_error_message(), "64") != NULL);
    CHECK_RC(nda_shape_size(-1, ones, 4, &n), NDA_EVALUE);

    int64_t zero[] = {0, 5};
    CHECK_OK(nda_shape_size(2, zero, 8, &n));
    CHECK(n == 0);
    /* NumPy: np.empty((0, 2**62, 2**62)) raises "array is too big" (it
     * multiplies the non-zero dimensions with overflow checks);
     * so must nda_shape_size. */
    int64_t zbig[] = {0, INT64_C(1) << 62, INT64_C(1) << 62};
    int rc = nda_shape_size(3, zbig, 8, &n);
    CHECK(rc == NDA_EVALUE); /* as NumPy: (0, 2**62, 2**62) is too big */
    nda_error_clear();

    /* nda_array_empty reports the same errors. */
    nda_array *a = NULL;
    CHECK_RC(nda_array_empty(g_dev, NDA_INT8, 2, big, &a), NDA_EVALUE);
    CHECK_RC(nda_array_empty(g_dev, NDA_INT8, 3, neg, &a), NDA_EVALUE);
    CHECK_RC(nda_array_empty(g_dev, NDA_INT8, 65, ones, &a), NDA_EVALUE);
    CHECK_RC(nda_array_empty(g_dev, (nda_dtype)NDA_NTYPES, 1, s1, &a), NDA_ETYPE);
    CHECK(a == NULL);
}

static int bcast(int n, const int *nd, const int64_t *const *shapes, int *ond, int64_t *out)
{
    return nda_broadcast_shapes(n, nd, shapes, ond, out);
}

static void test_broadcast_shapes(void)
{
    int64_t out[NDA_MAXDIMS];
    int ond = -1;

    int64_t a[] = {3, 1}, b[] = {1, 4};
    const int64_t *s1[] = {a, b};
    int nd1[] = {2, 2};
    CHECK_OK(bcast(2, nd1, s1, &ond, out));
    CHECK(ond == 2 && out[0] == 3 && out[1] == 4);

    int64_t c[] = {5, 1, 4}, d[] = {3, 1};
    const int64_t *s2[] = {c, d};
    int nd2[] = {3, 2};
    CHECK_OK(bcast(2, nd2, s2, &ond, out));
    CHECK(ond == 3 && out[0] == 5 && out[1] == 3 && out[2] == 4);

    int64_t z[] = {0}, one[] = {1}, three[] = {3};
    const int64_t *s3[] = {z, one};
    int nd3[] = {1, 1};
    CHECK_OK(bcast(2, nd3, s3, &ond, out));
    CHECK(ond == 1 && out[0] == 0);
    const int64_t *s3b[] = {one, z};
    CHECK_OK(bcast(2, nd3, s3b, &ond, out));
    CHECK(ond == 1 && out[0] == 0);
    const int64_t *s4[] = {z, three};
    CHECK_RC(bcast(2, nd3, s4, &ond, out), NDA_EVALUE);

    /* 0-d with 2-d; three operands; none at all. */
    int64_t e[] = {2, 3};
    const int64_t *s5[] = {NULL, e};
    int nd5[] = {0, 2};
    CHECK_OK(bcast(2, nd5, s5, &ond, out));
    CHECK(ond == 2 && out[0] == 2 && out[1] == 3);
    int64_t f[] = {4, 1, 1}, g[] = {1, 5};
    const int64_t *s6[] = {f, g, one};
    int nd6[] = {3, 2, 1};
    CHECK_OK(bcast(3, nd6, s6, &ond, out));
    CHECK(ond == 3 && out[0] == 4 && out[1] == 1 && out[2] == 5);
    CHECK_OK(bcast(0, NULL, NULL, &ond, out));
    CHECK(ond == 0);

    /* NumPy's message: np.add(np.zeros((2,3)), np.zeros(4)). */
    int64_t h[] = {2, 3}, k[] = {4};
    const int64_t *s7[] = {h, k};
    int nd7[] = {2, 1};
    CHECK_RC(bcast(2, nd7, s7, &ond, out), NDA_EVALUE);
    CHECKF(strstr(nda_error_message(), "operands could not be broadcast together with shapes (2,3) (4,)") != NULL,
           "message: %s", nda_error_message());
    const int64_t *s8[] = {h, k, NULL};
    int nd8[] = {2, 1, 0};
    CHECK_RC(bcast(3, nd8, s8, &ond, out), NDA_EVALUE);
    CHECKF(strstr(nda_error_message(), "with shapes (2,3) (4,) ()") != NULL, "message: %s",
           nda_error_message());
}

/* A view of base with element offset/strides (in elements of base's dtype). */
static nda_array *view(const nda_array *base, int64_t off, int nd, const int64_t *shape,
                       const int64_t *estrides)
{
    int64_t st[NDA_MAXDIMS];
    int64_t isz = (int64_t)nda_dtype_itemsize(base->dtype);
    for (int i = 0; i < nd; i++) st[i] = estrides[i] * isz;
    nda_array *v = NULL;
    int rc = nda_array_view(base, (size_t)(off * isz), nd, shape, st, &v);
    CHECK_OK(rc);
    return v;
}

static void test_broadcast_strides(nda_array *buf)
{
    int64_t st[NDA_MAXDIMS];
    int64_t sh[] = {3, 1}, es[] = {1, 1};
    nda_array *v = view(buf, 0, 2, sh, es); /* float64: strides (8, 8) */
    int64_t out1[] = {2, 3, 4};
    CHECK_OK(nda_broadcast_strides(v, 3, out1, st));
    CHECK(st[0] == 0 && st[1] == 8 && st[2] == 0);
    int64_t out2[] = {3, 1};
    CHECK_OK(nda_broadcast_strides(v, 2, out2, st));
    CHECK(st[0] == 8 && st[1] == 0); /* length-1 axis: stride 0 */
    int64_t out3[] = {4, 4};
    CHECK_RC(nda_broadcast_strides(v, 2, out3, st), NDA_EVALUE);
    CHECK(strstr(nda_error_message(), "could not broadcast input array from shape (3,1) into shape (4,4)") != NULL);
    int64_t out4[] = {3};
    CHECK_RC(nda_broadcast_strides(v, 1, out4, st), NDA_EVALUE);
    nda_array_free(v);

    /* Negative strides survive on non-broadcast axes. */
    int64_t sh2[] = {4}, es2[] = {-2};
    v = view(buf, 7, 1, sh2, es2);
    int64_t out5[] = {5, 4};
    CHECK_OK(nda_broadcast_strides(v, 2, out5, st));
    CHECK(st[0] == 0 && st[1] == -16);
    nda_array_free(v);

    /* 0-d to anything: all zeros. */
    v = view(buf, 3, 0, NULL, NULL);
    CHECK_OK(nda_broadcast_strides(v, 3, out1, st));
    CHECK(st[0] == 0 && st[1] == 0 && st[2] == 0);
    nda_array_free(v);
}

static void test_contiguity(nda_array *buf)
{
    int64_t shape[] = {3, 4};
    nda_array *c = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_INT32, 2, shape, &c));
    CHECK(c->strides[0] == 16 && c->strides[1] == 4 && c->offset == 0);
    CHECK(nda_array_is_c_contiguous(c));
    CHECK(!nda_array_is_f_contiguous(c));
    CHECK(nda_array_size(c) == 12);

    int64_t tsh[] = {4, 3}, tst[] = {1, 4};
    nda_array *t = view(c, 0, 2, tsh, tst); /* transpose */
    CHECK(!nda_array_is_c_contiguous(t));
    CHECK(nda_array_is_f_contiguous(t));
    nda_array_free(t);

    /* Length-1 axes may have any stride. */
    int64_t osh[] = {1, 4, 1}, ost[] = {999, 1, -7};
    nda_array *o = view(c, 4, 3, osh, ost);
    CHECK(nda_array_is_c_contiguous(o));
    CHECK(nda_array_is_f_contiguous(o));
    nda_array_free(o);

    /* Every other column: neither. Reversed rows: neither. */
    int64_t ssh[] = {3, 2}, sst[] = {4, 2};
    nda_array *s = view(c, 0, 2, ssh, sst);
    CHECK(!nda_array_is_c_contiguous(s) && !nda_array_is_f_contiguous(s));
    nda_array_free(s);
    int64_t rsh[] = {3, 4}, rst[] = {-4, 1};
    nda_array *r = view(c, 8, 2, rsh, rst);
    CHECK(!nda_array_is_c_contiguous(r) && !nda_array_is_f_contiguous(r));
    nda_array_free(r);

    /* Empty arrays are both (NumPy), whatever the strides. */
    int64_t esh[] = {0, 3}, est[] = {5, 2};
    nda_array *e = view(c, 0, 2, esh, est);
    CHECK(nda_array_is_c_contiguous(e) && nda_array_is_f_contiguous(e));
    CHECK(nda_array_size(e) == 0);
    nda_array_free(e);
    /* 0-d: both, size 1. */
    nda_array *z = view(c, 4, 0, NULL, NULL);
    CHECK(nda_array_is_c_contiguous(z) && nda_array_is_f_contiguous(z));
    CHECK(nda_array_size(z) == 1);
    nda_array_free(z);
    nda_array_free(c);

    /* A fresh empty array: C-contiguous, strides as NumPy's (24, 8) for (0, 3) float64. */
    nda_array *ea = NULL;
    int64_t esh2[] = {0, 3};
    CHECK_OK(nda_array_empty(g_dev, NDA_FLOAT64, 2, esh2, &ea));
    if (ea) {
        CHECK(ea->strides[0] == 24 && ea->strides[1] == 8);
        nda_array_free(ea);
    }
    (void)buf;
}

static void test_extent_overlap(nda_array *buf)
{
    int64_t lo, hi;
    /* float64 u = buf[0:10] */
    int64_t sh10[] = {10}, one[] = {1}, sh9[] = {9}, sh5[] = {5};
    nda_array *u = view(buf, 0, 1, sh10, one);
    nda_array_extent(u, &lo, &hi);
    CHECK(lo == 0 && hi == 80);

    /* Reversed: offset 9, stride -1 -> same bytes. */
    int64_t m1[] = {-1};
    nda_array *rev = view(buf, 9, 1, sh10, m1);
    nda_array_extent(rev, &lo, &hi);
    CHECKF(lo == 0 && hi == 80, "lo %lld hi %lld", (long long)lo, (long long)hi);

    /* 2-D with one negative stride: rows reversed, element offset 8, shape
     * (3, 2), strides (-3, 2) elements: elements 8,10,5,7,2,4. */
    int64_t sh32[] = {3, 2}, st32[] = {-3, 2};
    nda_array *v2 = view(buf, 8, 2, sh32, st32);
    nda_array_extent(v2, &lo, &hi);
    CHECKF(lo == 2 * 8 && hi == 11 * 8, "lo %lld hi %lld", (long long)lo, (long long)hi);

    /* Both strides negative. */
    int64_t st32b[] = {-4, -1};
    nda_array *v3 = view(buf, 20, 2, sh32, st32b);
    nda_array_extent(v3, &lo, &hi);
    CHECK(lo == (20 - 8 - 1) * 8 && hi == 21 * 8);

    /* Empty: lo == hi == offset. */
    int64_t sh0[] = {0};
    nda_array *e = view(buf, 4, 1, sh0, one);
    nda_array_extent(e, &lo, &hi);
    CHECK(lo == 32 && hi == 32);
    /* Broadcast (zero-stride) axis. */
    int64_t shb[] = {7, 2}, stb[] = {0, 1};
    nda_array *b = view(buf, 3, 2, shb, stb);
    nda_array_extent(b, &lo, &hi);
    CHECK(lo == 24 && hi == 40);

    /* Overlap. */
    nda_array *head = view(buf, 0, 1, sh9, one); /* u[:-1] */
    nda_array *tail = view(buf, 1, 1, sh9, one); /* u[1:] */
    CHECK(nda_array_may_overlap(head, tail));
    CHECK(nda_array_may_overlap(tail, head));
    CHECK(nda_array_may_overlap(u, rev));
    CHECK(nda_array_may_overlap(u, u));
    nda_array *lo5 = view(buf, 0, 1, sh5, one), *hi5 = view(buf, 5, 1, sh5, one);
    CHECK(!nda_array_may_overlap(lo5, hi5)); /* u[:5], u[5:] touch but do not overlap */
    CHECK(!nda_array_may_overlap(hi5, lo5));
    CHECK(nda_array_may_overlap(lo5, v2));
    CHECK(!nda_array_may_overlap(e, u)); /* empty never overlaps */
    CHECK(!nda_array_may_overlap(u, e));
    /* Interleaved u[::2] and u[1::2]: the extents meet, the element lattices
     * (offset + multiples of the strides' gcd) never do. */
    int64_t two[] = {2}, sh4[] = {4};
    nda_array *ev = view(buf, 0, 1, sh5, two), *od = view(buf, 1, 1, sh5, two);
    CHECK(!nda_array_may_overlap(ev, od));
    CHECK(!nda_array_may_overlap(od, ev));
    nda_array *ev2 = view(buf, 2, 1, sh4, two); /* u[2::2]: same lattice as u[::2] */
    CHECK(nda_array_may_overlap(ev, ev2));
    CHECK(nda_array_may_overlap(od, u)); /* unit stride reaches every lattice */
    /* Different buffers never overlap. */
    nda_array *other = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_FLOAT64, 1, sh10, &other));
    if (other) {
        CHECK(!nda_array_may_overlap(u, other));
        CHECK(!nda_array_same_view(u, other));
        nda_array_free(other);
    }
    /* Same view: identical, and length-1 axes ignore strides. */
    nda_array *u2 = view(buf, 0, 1, sh10, one);
    CHECK(nda_array_same_view(u, u2));
    CHECK(!nda_array_same_view(u, rev));
    CHECK(!nda_array_same_view(head, tail));
    int64_t s1a[] = {1, 3}, sta[] = {5, 1}, stb2[] = {-9, 1};
    nda_array *x1 = view(buf, 2, 2, s1a, sta), *x2 = view(buf, 2, 2, s1a, stb2);
    CHECK(nda_array_same_view(x1, x2));
    nda_array_free(x1);
    nda_array_free(x2);
    nda_array_free(u2);
    nda_array_free(ev);
    nda_array_free(od);
    nda_array_free(ev2);
    nda_array_free(lo5);
    nda_array_free(hi5);
    nda_array_free(head);
    nda_array_free(tail);
    nda_array_free(b);
    nda_array_free(e);
    nda_array_free(v3);
    nda_array_free(v2);
    nda_array_free(rev);
    nda_array_free(u);
}

static void test_view_refcount(void)
{
    int64_t sh[] = {16};
    nda_array *a = NULL, *v = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_UINT8, 1, sh, &a));
    if (!a) return;
    CHECK(a->buffer->refcount == 1);
    int64_t st[] = {1};
    CHECK_OK(nda_array_view(a, 0, 1, sh, st, &v));
    CHECK(a->buffer->refcount == 2);
    CHECK(v->buffer == a->buffer && v->dtype == NDA_UINT8);
    nda_array_free(a); /* the view keeps the buffer alive */
    CHECK(v->buffer->refcount == 1);
    nda_array *w = NULL;
    int64_t big[NDA_MAXDIMS + 1] = {0};
    CHECK_RC(nda_array_view(v, 0, NDA_MAXDIMS + 1, big, big, &w), NDA_EVALUE);
    CHECK(w == NULL);
    nda_array_free(v);
    nda_array_free(NULL);
}

int main(void)
{
    test_env_setup("ndcache");
    int rc = nda_device_default(&g_dev);
    CHECK_OK(rc);
    if (rc != NDA_OK) return test_summary();
    fprintf(stderr, "device %s (%s)\n", nda_device_id(g_dev), nda_device_info_of(g_dev)->name);

    test_shape_size();
    test_broadcast_shapes();
    int64_t n[] = {64};
    nda_array *buf = NULL;
    CHECK_OK(nda_array_empty(g_dev, NDA_FLOAT64, 1, n, &buf));
    if (buf) {
        test_broadcast_strides(buf);
        test_contiguity(buf);
        test_extent_overlap(buf);
        nda_array_free(buf);
    }
    test_view_refcount();
    return test_summary();
}

"""ndaccel.random: bit-exact Philox4x32-10 streams (against the host
reference in philox_ref.py, so identical on every backend), statistical
sanity, and NumPy's interface and errors."""
import math

import numpy
import pytest

import ndaccel as nd
from philox_ref import blocks, generate, philox, rlog, rsincos


def _key(seed):
    return tuple(int(w) for w in numpy.random.SeedSequence(seed).generate_state(2, numpy.uint32))


# ------------------------------------------------------------ the generator

@pytest.mark.parametrize("ctr,key,want", [
    # Random123's known-answer vectors for philox4x32_10.
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
])
def test_reference_philox_known_answers(ctr, key, want):
    got = philox(*[numpy.array([c]) for c in ctr], *key)
    assert tuple(int(v[0]) for v in got) == want


def test_reference_log_and_sincos_are_accurate():
    x = numpy.concatenate([numpy.geomspace(2.0**-53, 1.0, 5001), 1.0 - numpy.arange(1, 200) * 2.0**-53])
    assert numpy.max(numpy.abs(rlog(x) - numpy.log(x)) / numpy.abs(numpy.log(x) + 1e-300)) < 4e-16
    k = numpy.random.default_rng(0).integers(0, 2**53, 20000, dtype=numpy.uint64)
    k = numpy.concatenate([k, numpy.array([0, 1, 2**50, 2**50 + 1, 2**51, 3 * 2**51, 2**53 - 1],
                                          dtype=numpy.uint64)])
    t = 2 * numpy.pi * (k.astype(numpy.float64) * 2.0**-53)
    sn, cs = rsincos(k)
    assert numpy.max(numpy.abs(sn - numpy.sin(t))) < 1e-15
    assert numpy.max(numpy.abs(cs - numpy.cos(t))) < 1e-15


CASES = [("U", "float64"), ("U", "float32"), ("N", "float64"), ("N", "float32"),
         ("E", "float64"), ("E", "float32"), ("B", "uint64")]


# Lengths around the vector form's 16 (float64, uint64) and 32 (float32)
# outputs per work-item on CPU OpenCL devices, and an output that starts
# inside its buffer.
@pytest.mark.parametrize("dist,dtype", CASES)
@pytest.mark.parametrize("n,offset", [(1, 0), (7, 0), (16, 0), (33, 3), (1000, 0), (4099, 5)])
def test_stream_is_bit_identical_to_reference(dist, dtype, n, offset):
    key, stream = _key(1234), 5
    out = nd.empty(n + offset, dtype=dtype)[offset:]
    nd._core.random_fill(out, dist, key[0], key[1], stream, 0, 0)
    want = generate(key, stream, dist, dtype, n)
    got = out.get()
    assert got.dtype == want.dtype
    assert numpy.array_equal(got.view(f"u{got.itemsize}"), want.view(f"u{want.itemsize}"))


@pytest.mark.parametrize("dtype,low,span", [
    ("int64", -5, 11), ("int8", -128, 256), ("uint8", 3, 7), ("int32", -(2**31), 2**32),
    ("uint64", 0, 0), ("int64", -(2**63), 0), ("uint16", 100, 1), ("bool", 0, 2)])
def test_integers_bit_identical_to_reference(dtype, low, span):
    key, n = _key(99), 513
    out = nd.empty(n, dtype=dtype)
    nd._core.random_fill(out, "I", key[0], key[1], 3, low, span)
    want = generate(key, 3, "I", dtype, n, low=low, span=span)
    assert numpy.array_equal(out.get(), want)


def test_generator_api_matches_reference_streams():
    g = nd.random.default_rng(7)
    key = _key(7)
    a = g.random(10)            # stream 0
    b = g.standard_normal(3)    # stream 1
    c = g.random((2, 3), dtype=numpy.float32)  # stream 2
    assert numpy.array_equal(a.get(), generate(key, 0, "U", "float64", 10))
    assert numpy.array_equal(b.get(), generate(key, 1, "N", "float64", 3))
    assert numpy.array_equal(c.get(), generate(key, 2, "U", "float32", 6).reshape(2, 3))


def test_same_seed_same_values_independent_of_earlier_sizes():
    g1, g2 = nd.random.default_rng(2024), nd.random.default_rng(2024)
    g1.random(5)
    g2.random(50000)
    assert numpy.array_equal(g1.standard_normal(100).get(), g2.standard_normal(100).get())
    assert not numpy.array_equal(nd.random.default_rng(1).random(8).get(),
                                 nd.random.default_rng(2).random(8).get())


def test_identical_streams_on_every_device():
    devs = nd.devices()
    outs = []
    for d in devs:
        g = nd.random.Generator(11, device=d)
        outs.append([g.random(999).get(), g.standard_normal(998).get(), g.integers(-9, 9, 97).get(),
                     g.exponential(2.0, 10).get(), g.permutation(50).get()])
    for other in outs[1:]:
        for x, y in zip(outs[0], other):
            assert numpy.array_equal(x, y)


# ------------------------------------------------------------ statistics

def _ks(sample, cdf):
    """Kolmogorov-Smirnov statistic D * sqrt(n)."""
    x = numpy.sort(sample)
    n = len(x)
    f = cdf(x)
    d = max(numpy.max(numpy.arange(1, n + 1) / n - f), numpy.max(f - numpy.arange(n) / n))
    return d * math.sqrt(n)


_erf = numpy.frompyfunc(math.erf, 1, 1)
KS_CRIT = 1.95  # P(K > 1.95) ~ 0.001


def test_uniform_distribution():
    u = nd.random.default_rng(1).random(200000).get()
    assert u.min() >= 0.0 and u.max() < 1.0
    assert _ks(u, lambda x: x) < KS_CRIT
    assert abs(u.mean() - 0.5) < 4 * math.sqrt(1 / 12 / len(u))
    u32 = nd.random.default_rng(1).random(200000, dtype=numpy.float32).get()
    assert u32.dtype == numpy.float32 and u32.max() < 1.0 and _ks(u32, lambda x: x) < KS_CRIT


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_normal_distribution(dtype):
    z = nd.random.default_rng(2).standard_normal(200000, dtype=dtype).get()
    assert z.dtype == dtype and numpy.all(numpy.isfinite(z))
    assert _ks(z.astype(float), lambda x: 0.5 * (1 + _erf(x / math.sqrt(2)).astype(float))) < KS_CRIT
    n = len(z)
    assert abs(z.mean()) < 4 / math.sqrt(n)
    assert abs(z.var() - 1) < 4 * math.sqrt(2 / n)
    assert abs((z.astype(float) ** 3).mean()) < 4 * math.sqrt(15 / n)  # skewness


def test_exponential_distribution():
    e = nd.random.default_rng(3).standard_exponential(200000).get()
    assert e.min() >= 0.0
    assert _ks(e, lambda x: 1 - numpy.exp(-x)) < KS_CRIT
    assert abs(e.mean() - 1) < 4 / math.sqrt(len(e))


def test_integers_are_uniform_over_the_range():
    v = nd.random.default_rng(4).integers(-3, 7, size=100000).get()
    assert v.dtype == numpy.int64 and v.min() == -3 and v.max() == 6
    counts = numpy.bincount(v + 3, minlength=10)
    chi2 = ((counts - 10000.0) ** 2 / 10000.0).sum()
    assert chi2 < 27.9  # chi-square, 9 degrees of freedom, p ~ 0.001
    b = nd.random.default_rng(4).integers(0, 2, 10000, dtype=bool).get()
    assert b.dtype == bool and 4700 < b.sum() < 5300
    full = nd.random.default_rng(4).integers(0, 2**64, 1000, dtype=numpy.uint64).get()
    assert full.max() > 2**63  # the whole uint64 range is reached


def test_choice_with_p_follows_p():
    p = [0.1, 0.0, 0.6, 0.3]
    v = nd.random.default_rng(5).choice(4, 60000, p=p).get()
    freq = numpy.bincount(v, minlength=4) / len(v)
    assert freq[1] == 0
    assert numpy.allclose(freq, p, atol=0.01)


# ------------------------------------------------------------ interface

def test_shapes_dtypes_and_0d():
    g = nd.random.default_rng(0)
    assert g.random().shape == () and g.random().dtype == numpy.float64
    assert g.random((0, 3)).shape == (0, 3)
    assert g.integers(5, size=(2, 3)).shape == (2, 3)
    assert g.integers(5, size=4, dtype=numpy.uint8).dtype == numpy.uint8
    assert g.uniform(1, 2, size=(3, 1)).shape == (3, 1)
    assert g.normal([0.0, 10.0], [[1.0], [2.0]]).shape == (2, 2)
    assert g.exponential(size=0).shape == (0,)
    r = g.uniform(numpy.array([0.0, 5.0]), 6.0, size=(4, 2)).get()
    assert numpy.all(r[:, 0] >= 0) and numpy.all(r[:, 1] >= 5) and numpy.all(r < 6)
    assert numpy.all(g.normal(3.0, 0.0, 5).get() == 3.0)


def test_out_argument():
    g = nd.random.default_rng(0)
    out = nd.empty((3, 4), dtype=numpy.float32)
    r = g.random(dtype=numpy.float32, out=out)
    assert r is out and numpy.all((out.get() >= 0) & (out.get() < 1))
    with pytest.raises(TypeError):
        g.random(out=nd.empty(3, dtype=numpy.float32))  # default dtype float64
    with pytest.raises(ValueError):
        g.standard_normal(size=5, out=nd.empty(4))


def test_permutation_shuffle_choice():
    g = nd.random.default_rng(8)
    p = g.permutation(1000).get()
    assert sorted(p) == list(range(1000)) and not numpy.array_equal(p, numpy.arange(1000))
    a = numpy.arange(12).reshape(4, 3)
    pa = g.permutation(nd.asarray(a)).get()
    assert sorted(map(tuple, pa)) == sorted(map(tuple, a))
    pc = g.permutation(nd.asarray(a), axis=1).get()
    assert numpy.array_equal(numpy.sort(pc, axis=1), a)
    x = nd.arange(20)
    g.shuffle(x)
    assert sorted(x.get()) == list(range(20))
    c = g.choice(10, 10, replace=False).get()
    assert sorted(c) == list(range(10))
    c = g.choice(nd.asarray([5.0, 6.0, 7.0]), size=(2, 2)).get()
    assert c.shape == (2, 2) and set(c.ravel()) <= {5.0, 6.0, 7.0}
    w = g.choice(5, 3, replace=False, p=[0.5, 0.2, 0.0, 0.2, 0.1]).get()
    assert len(set(w)) == 3 and 2 not in w
    assert g.choice(3).shape == ()


def test_legacy_functions():
    nd.random.seed(3)
    a = nd.random.rand(2, 3).get()
    nd.random.seed(3)
    assert numpy.array_equal(nd.random.rand(2, 3).get(), a)
    assert nd.random.randn(4).shape == (4,)
    r = nd.random.randint(2, 5, size=100).get()
    assert r.min() >= 2 and r.max() <= 4 and r.dtype == numpy.int64
    assert nd.random.randint(3, size=2, dtype=numpy.int16).dtype == numpy.int16
    assert nd.random.random_sample((2,)).shape == (2,)
    assert nd.random.random(3).shape == (3,)
    assert nd.random.uniform(-1, 1, 5).shape == (5,)
    assert nd.random.normal(size=(2, 2)).shape == (2, 2)
    assert nd.random.rand().shape == ()
    assert sorted(nd.random.permutation(5).get()) == [0, 1, 2, 3, 4]


BAD_CALLS = [
    lambda m, g: g.integers(5, 5),
    lambda m, g: g.integers(5, 4, endpoint=True),
    lambda m, g: g.integers(0, 300, dtype=numpy.int8),
    lambda m, g: g.integers(-1, 3, dtype=numpy.uint8),
    lambda m, g: g.integers(0, 3, dtype=numpy.float64),
    lambda m, g: g.random(dtype=numpy.int32),
    lambda m, g: g.standard_normal(dtype=numpy.int64),
    lambda m, g: g.normal(0, -1),
    lambda m, g: g.exponential(-1),
    lambda m, g: g.uniform(0, numpy.inf),
    lambda m, g: g.choice(3, 5, replace=False),
    lambda m, g: g.choice(3, p=[0.5, 0.6, 0.1]),
    lambda m, g: g.choice(3, p=[0.5, 0.5]),
    lambda m, g: g.choice(3, p=[-0.1, 0.6, 0.5]),
    lambda m, g: g.choice(0),
    lambda m, g: g.random(size=-1),
    lambda m, g: g.permutation(m.asarray(numpy.zeros((2, 2))), axis=2),
]


@pytest.mark.parametrize("call", BAD_CALLS)
def test_errors_match_numpy(call):
    with pytest.raises(Exception) as want:
        call(numpy, numpy.random.default_rng(0))
    with pytest.raises(want.type):
        call(nd, nd.random.default_rng(0))
    assert nd.random.default_rng(0).random(3).shape == (3,)  # still works


def test_derived_distributions():
    g = nd.random.default_rng(12)
    n = 200000
    lap = g.laplace(1.0, 2.0, n).get()
    assert abs(lap.mean() - 1.0) < 4 * math.sqrt(8 / n) and abs(lap.var() - 8.0) < 0.2
    ray = g.rayleigh(3.0, n).get()
    assert ray.min() >= 0 and abs(ray.mean() - 3.0 * math.sqrt(math.pi / 2)) < 0.02
    cau = g.standard_cauchy(n).get()
    q1, q2, q3 = numpy.percentile(cau, [25, 50, 75])
    assert abs(q2) < 0.02 and abs(q1 + 1) < 0.03 and abs(q3 - 1) < 0.03
    ln = g.lognormal(0.5, 0.25, n).get()
    assert abs(numpy.log(ln).mean() - 0.5) < 0.01 and abs(numpy.log(ln).std() - 0.25) < 0.01
    assert g.laplace(size=(2, 3)).shape == (2, 3) and g.standard_cauchy().shape == ()


def test_laplace_is_a_difference_of_reference_exponentials():
    g = nd.random.default_rng(21)
    got = g.laplace(0.0, 1.0, 101).get()
    e = generate(_key(21), 0, "E", "float64", 202).reshape(2, 101)
    assert numpy.array_equal(got, e[0] - e[1])


def test_bytes_and_permuted():
    g = nd.random.default_rng(13)
    b = g.bytes(13)
    assert isinstance(b, bytes) and len(b) == 13
    a = numpy.arange(24).reshape(4, 6)
    p = g.permuted(nd.asarray(a), axis=1).get()
    assert numpy.array_equal(numpy.sort(p, axis=1), a)
    p0 = g.permuted(nd.asarray(a), axis=0).get()
    assert numpy.array_equal(numpy.sort(p0, axis=0), a)
    pf = g.permuted(nd.asarray(a)).get()
    assert sorted(pf.ravel()) == list(range(24))


def test_unimplemented_names_say_so():
    # Every distribution is implemented (test_random_distributions.py); what
    # remains are NumPy's bit-generator objects and deprecated functions.
    with pytest.raises(AttributeError, match="does not implement bit_generator"):
        nd.random.default_rng(0).bit_generator
    with pytest.raises(AttributeError, match="numpy.random.random_integers"):
        nd.random.random_integers(3)

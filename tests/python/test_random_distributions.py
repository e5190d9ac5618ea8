"""ndaccel.random's derived distributions (gamma family, discrete,
continuous, multivariate): each against its exact law (Kolmogorov-Smirnov
for continuous, chi-square goodness of fit for discrete, moments for
multivariate; fixed seeds, p-value > 1e-3), NumPy's shapes, dtypes,
broadcasting and scalars, same-seed reproducibility, NumPy's errors, spawn
and the legacy get_state/set_state."""
import warnings

import numpy
import pytest

import ndaccel as nd

stats = pytest.importorskip("scipy.stats")

N = 40000
P_MIN = 1e-3


def _rng(seed):
    return nd.random.default_rng(seed)


def _ks(sample, dist):
    return stats.kstest(numpy.asarray(sample, dtype=float), dist.cdf).pvalue


def _chi2(sample, dist, lo=None):
    """Chi-square goodness of fit of integer samples to a scipy discrete law,
    pooling cells with an expected count below 5 into the two tails."""
    x = numpy.asarray(sample)
    n = len(x)
    lo = int(x.min()) if lo is None else lo
    hi = min(int(x.max()), lo + 20000)
    ks = numpy.arange(lo, hi + 1)
    exp = n * dist.pmf(ks)
    keep = exp >= 5
    ks_in = ks[keep]
    a, b = ks_in[0], ks_in[-1]
    inside = (x >= a) & (x <= b)
    counts = numpy.bincount(x[inside] - a, minlength=b - a + 1)[ks_in - a]
    obs = numpy.concatenate([[numpy.sum(x < a)], counts, [numpy.sum(x > b)]]).astype(float)
    ex = numpy.concatenate([[n * dist.cdf(a - 1)], exp[keep], [n * dist.sf(b)]])
    m = ex > 0
    obs, ex = obs[m], ex[m]
    ex *= obs.sum() / ex.sum()
    return stats.chisquare(obs, ex).pvalue


# ------------------------------------------------------------ continuous laws

CONTINUOUS = [
    ("standard_gamma", (0.3,), stats.gamma(0.3)),
    ("standard_gamma", (1.0,), stats.gamma(1.0)),
    ("standard_gamma", (2.5,), stats.gamma(2.5)),
    ("standard_gamma", (40.0,), stats.gamma(40.0)),
    ("gamma", (2.0, 3.0), stats.gamma(2.0, scale=3.0)),
    ("beta", (0.5, 0.5), stats.beta(0.5, 0.5)),
    ("beta", (2.0, 5.0), stats.beta(2.0, 5.0)),
    ("chisquare", (3.0,), stats.chi2(3.0)),
    ("f", (3.0, 7.0), stats.f(3.0, 7.0)),
    ("standard_t", (5.0,), stats.t(5.0)),
    ("noncentral_chisquare", (3.0, 2.0), stats.ncx2(3.0, 2.0)),
    ("noncentral_chisquare", (0.5, 2.0), stats.ncx2(0.5, 2.0)),
    ("noncentral_f", (3.0, 7.0, 2.0), stats.ncf(3.0, 7.0, 2.0)),
    ("gumbel", (1.0, 2.0), stats.gumbel_r(1.0, 2.0)),
    ("logistic", (1.0, 2.0), stats.logistic(1.0, 2.0)),
    ("pareto", (3.0,), stats.lomax(3.0)),
    ("power", (3.0,), stats.powerlaw(3.0)),
    ("weibull", (2.0,), stats.weibull_min(2.0)),
    ("triangular", (0.0, 1.0, 3.0), stats.triang(1 / 3, loc=0.0, scale=3.0)),
    ("vonmises", (0.5, 2.0), stats.vonmises(2.0, loc=0.5)),
    ("vonmises", (0.0, 1e-6), stats.uniform(-numpy.pi, 2 * numpy.pi)),
    ("vonmises", (3.0, 1e7), stats.norm(3.0, 1e7 ** -0.5)),
    ("wald", (1.0, 2.0), stats.invgauss(0.5, scale=2.0)),
]


@pytest.mark.parametrize("name,args,law", CONTINUOUS,
                         ids=[f"{c[0]}{c[1]}" for c in CONTINUOUS])
def test_continuous_law(name, args, law):
    x = getattr(_rng(101), name)(*args, size=N).get()
    assert x.dtype == numpy.float64 and x.shape == (N,)
    assert _ks(x, law) > P_MIN


def test_ks_detects_a_wrong_parameter():
    # The test has the power to see a 3% change of shape (or a wrong law).
    x = _rng(101).standard_gamma(2.5, size=N).get()
    assert _ks(x, stats.gamma(2.5 * 1.03)) < P_MIN
    assert _ks(_rng(101).pareto(3.0, size=N).get(), stats.pareto(3.0)) < P_MIN


def test_gamma_and_beta_tiny_shapes():
    a = 1e-3
    g = _rng(5).standard_gamma(a, size=N).get()
    assert numpy.all(g >= 0) and abs(numpy.mean(g) - a) < 4 * numpy.sqrt(a / N)
    b = _rng(5).beta(0.01, 0.03, size=N).get()
    assert numpy.all((b >= 0) & (b <= 1)) and not numpy.isnan(b).any()
    assert abs(b.mean() - 0.25) < 4 * numpy.sqrt(0.25 * 0.75 / N)
    z = _rng(5).standard_gamma([0.0, numpy.inf, numpy.nan]).get()
    assert z[0] == 0 and z[1] == numpy.inf and numpy.isnan(z[2])


def test_standard_gamma_float32_and_out():
    g = _rng(6)
    x = g.standard_gamma(3.0, size=N, dtype=numpy.float32)
    assert x.dtype == numpy.float32 and _ks(x.get(), stats.gamma(3.0)) > P_MIN
    out = nd.empty((3, 4), dtype=numpy.float32)
    r = g.standard_gamma(2.0, dtype=numpy.float32, out=out)
    assert r is out and numpy.all(out.get() > 0)
    with pytest.raises(TypeError):
        g.standard_gamma(2.0, out=nd.empty(3, dtype=numpy.float32))


def test_array_parameters_follow_each_law():
    # Mixed regimes in one call: gamma shape < 1 and > 1; Poisson inversion
    # and PTRS; binomial inversion, BTRS and p > 1/2.
    g = _rng(7)
    k = g.standard_gamma([0.5, 4.0], size=(N // 2, 2)).get()
    assert _ks(k[:, 0], stats.gamma(0.5)) > P_MIN and _ks(k[:, 1], stats.gamma(4.0)) > P_MIN
    p = g.poisson([2.0, 40.0], size=(N // 2, 2)).get()
    assert _chi2(p[:, 0], stats.poisson(2.0)) > P_MIN
    assert _chi2(p[:, 1], stats.poisson(40.0)) > P_MIN
    b = g.binomial([10, 200, 200], [0.3, 0.3, 0.8], size=(N // 2, 3)).get()
    assert _chi2(b[:, 0], stats.binom(10, 0.3)) > P_MIN
    assert _chi2(b[:, 1], stats.binom(200, 0.3)) > P_MIN
    assert _chi2(b[:, 2], stats.binom(200, 0.8)) > P_MIN


# ------------------------------------------------------------ discrete laws

DISCRETE = [
    ("poisson", (3.0,), stats.poisson(3.0)),
    ("poisson", (0.05,), stats.poisson(0.05)),
    ("poisson", (60.0,), stats.poisson(60.0)),
    ("poisson", (1e5,), stats.poisson(1e5)),
    ("binomial", (20, 0.3), stats.binom(20, 0.3)),
    ("binomial", (30, 0.8), stats.binom(30, 0.8)),
    ("binomial", (1000, 0.3), stats.binom(1000, 0.3)),
    ("binomial", (100, 0.9), stats.binom(100, 0.9)),
    ("negative_binomial", (3.0, 0.4), stats.nbinom(3.0, 0.4)),
    ("negative_binomial", (50.0, 0.2), stats.nbinom(50.0, 0.2)),
    ("geometric", (0.3,), stats.geom(0.3)),
    ("geometric", (0.02,), stats.geom(0.02)),
    ("hypergeometric", (5, 10, 3), stats.hypergeom(15, 5, 3)),
    ("hypergeometric", (10, 20, 25), stats.hypergeom(30, 10, 25)),
    ("hypergeometric", (500, 1000, 300), stats.hypergeom(1500, 500, 300)),
    ("hypergeometric", (2000, 100, 150), stats.hypergeom(2100, 2000, 150)),
    ("logseries", (0.9,), stats.logser(0.9)),
    ("logseries", (0.3,), stats.logser(0.3)),
    ("zipf", (2.0,), stats.zipf(2.0)),
    ("zipf", (3.5,), stats.zipf(3.5)),
]


@pytest.mark.parametrize("name,args,law", DISCRETE, ids=[f"{c[0]}{c[1]}" for c in DISCRETE])
def test_discrete_law(name, args, law):
    x = getattr(_rng(202), name)(*args, size=N).get()
    assert x.dtype == numpy.int64 and x.shape == (N,)
    lo = 1 if name in ("zipf", "logseries") else None
    assert _chi2(x, law, lo) > P_MIN


def test_chi2_detects_a_wrong_parameter():
    x = _rng(202).poisson(60.0, size=N).get()
    assert _chi2(x, stats.poisson(61.0)) < P_MIN
    y = _rng(202).binomial(1000, 0.3, size=N).get()
    assert _chi2(y, stats.binom(1000, 0.303)) < P_MIN


def test_degenerate_parameters():
    g = _rng(8)
    assert numpy.all(g.poisson(0.0, 10).get() == 0)
    assert numpy.all(g.binomial(0, 0.5, 10).get() == 0)
    assert numpy.all(g.binomial(7, 1.0, 10).get() == 7)
    assert numpy.all(g.binomial(7, 0.0, 10).get() == 0)
    assert numpy.all(g.negative_binomial(3, 1.0, 10).get() == 0)
    assert numpy.all(g.geometric(1.0, 10).get() == 1)
    assert numpy.all(g.logseries(0.0, 10).get() == 1)
    assert numpy.all(g.zipf(2000.0, 10).get() == 1)
    assert numpy.all(g.hypergeometric(0, 5, 3, 10).get() == 0)
    assert numpy.all(g.hypergeometric(5, 0, 3, 10).get() == 3)
    assert numpy.all(g.weibull(0.0, 10).get() == 0)
    assert numpy.all(g.gamma(0.0, 2.0, 10).get() == 0)
    big = g.binomial(10**9, 0.5, 1000).get()
    assert abs(big.mean() - 5e8) < 4 * numpy.sqrt(2.5e8 / 1000)


# ------------------------------------------------------------ multivariate

def test_multinomial_moments_and_marginals():
    p = numpy.array([0.2, 0.3, 0.1, 0.4])
    x = _rng(9).multinomial(50, p, size=N).get()
    assert x.shape == (N, 4) and x.dtype == numpy.int64 and numpy.all(x.sum(axis=1) == 50)
    assert numpy.allclose(x.mean(axis=0), 50 * p, atol=0.06)
    assert numpy.allclose(numpy.cov(x.T), 50 * (numpy.diag(p) - numpy.outer(p, p)), atol=0.25)
    for j in range(4):
        assert _chi2(x[:, j], stats.binom(50, p[j])) > P_MIN


def test_multinomial_shapes_and_batches():
    g = _rng(10)
    assert g.multinomial([5, 10], [0.2, 0.8]).shape == (2, 2)
    assert g.multinomial(5, [[0.2, 0.8], [0.5, 0.5], [0.1, 0.9]]).shape == (3, 2)
    assert g.multinomial([[5], [6]], [[0.2, 0.8], [0.5, 0.5], [0.1, 0.9]]).shape == (2, 3, 2)
    assert g.multinomial(5, [0.2, 0.8], size=(4, 3)).shape == (4, 3, 2)
    r = g.multinomial([1, 2, 3], [0.2, 0.8], size=(4, 3)).get()
    assert numpy.all(r.sum(axis=-1) == [1, 2, 3])
    assert numpy.array_equal(g.multinomial(5, [1.0, 0.0, 0.0]).get(), [5, 0, 0])
    assert numpy.array_equal(g.multinomial(5, [0.0, 0.0]).get(), [0, 5])
    assert numpy.array_equal(g.multinomial(0, [0.5, 0.5]).get(), [0, 0])
    big = g.multinomial(10**6, [0.5, 0.5], size=2000).get()
    assert abs(big[:, 0].mean() - 5e5) < 4 * numpy.sqrt(2.5e5 / 2000)


@pytest.mark.parametrize("method", ["marginals", "count"])
def test_multivariate_hypergeometric(method):
    colors = numpy.array([5, 10, 20, 3])
    x = _rng(11).multivariate_hypergeometric(colors, 12, size=N // 2, method=method).get()
    assert x.shape == (N // 2, 4) and x.dtype == numpy.int64 and numpy.all(x.sum(axis=1) == 12)
    assert numpy.all(x <= colors)
    for j in range(4):
        assert _chi2(x[:, j], stats.hypergeom(colors.sum(), colors[j], 12)) > P_MIN
    g = _rng(11)
    assert g.multivariate_hypergeometric([3, 4, 5], 4).shape == (3,)
    assert g.multivariate_hypergeometric([3, 4, 5], 4, size=(2, 5)).shape == (2, 5, 3)
    assert numpy.array_equal(g.multivariate_hypergeometric([3, 4, 5], 12).get(), [3, 4, 5])
    y = g.multivariate_hypergeometric([400, 300, 300], 500, size=N // 4).get()
    assert _chi2(y[:, 1], stats.hypergeom(1000, 300, 500)) > P_MIN


def test_dirichlet():
    alpha = numpy.array([0.5, 2.0, 3.0])
    x = _rng(12).dirichlet(alpha, size=N).get()
    assert x.shape == (N, 3) and numpy.allclose(x.sum(axis=1), 1.0)
    for j in range(3):
        assert _ks(x[:, j], stats.beta(alpha[j], alpha.sum() - alpha[j])) > P_MIN
    tiny = _rng(12).dirichlet([1e-3, 2e-3], size=N).get()
    assert numpy.allclose(tiny.sum(axis=1), 1.0) and abs(tiny[:, 0].mean() - 1 / 3) < 0.02
    g = _rng(12)
    assert g.dirichlet([1.0, 2.0]).shape == (2,) and g.dirichlet([1, 2], size=(3, 4)).shape == (3, 4, 2)
    assert numpy.array_equal(g.dirichlet([0.0, 0.0]).get(), [0.0, 0.0])
    z = g.dirichlet([0.0, 1.0, 2.0], size=5).get()
    assert numpy.all(z[:, 0] == 0) and numpy.allclose(z.sum(axis=1), 1.0)


@pytest.mark.parametrize("method", ["svd", "eigh", "cholesky"])
def test_multivariate_normal_moments(method):
    mean = numpy.array([1.0, -2.0, 0.5])
    cov = numpy.array([[2.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nd.linalg.HostFallbackWarning)
        x = _rng(13).multivariate_normal(mean, cov, size=N, method=method).get()
    assert x.shape == (N, 3) and x.dtype == numpy.float64
    assert numpy.allclose(x.mean(axis=0), mean, atol=0.03)
    assert numpy.allclose(numpy.cov(x.T), cov, atol=0.05)
    w = (x - mean) @ numpy.linalg.inv(numpy.linalg.cholesky(cov)).T  # whitened: N(0, 1) each
    assert _ks(w[:, 0], stats.norm()) > P_MIN and _ks(w[:, 2], stats.norm()) > P_MIN


def test_multivariate_normal_check_valid_and_shapes():
    g = _rng(14)
    bad = [[1.0, 2.0], [2.0, 1.0]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nd.linalg.HostFallbackWarning)
        with pytest.warns(RuntimeWarning, match="positive-semidefinite"):
            g.multivariate_normal([0, 0], bad)
        with pytest.raises(ValueError, match="positive-semidefinite"):
            g.multivariate_normal([0, 0], bad, check_valid="raise")
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            g.multivariate_normal([0, 0], bad, check_valid="ignore")
            g.multivariate_normal([0, 0], [[1, 0], [0, 1 + 1e-10]], check_valid="raise")
        assert g.multivariate_normal([0, 0], numpy.eye(2)).shape == (2,)
        assert g.multivariate_normal([0, 0], numpy.eye(2), size=5).shape == (5, 2)
        assert g.multivariate_normal([0, 0], numpy.eye(2), size=(3, 4)).shape == (3, 4, 2)
        m = g.multivariate_normal(nd.asarray([0.0, 1.0]), nd.asarray(numpy.eye(2)), size=3)
        assert isinstance(m, nd.ndarray) and m.shape == (3, 2)


# ------------------------------------------------------------ interface

SHAPE_CALLS = [
    ("standard_gamma", (2.0,), {}), ("gamma", (2.0, 1.0), {}), ("beta", (1.0, 2.0), {}),
    ("chisquare", (3.0,), {}), ("f", (2.0, 3.0), {}), ("standard_t", (3.0,), {}),
    ("noncentral_chisquare", (2.0, 1.0), {}), ("noncentral_f", (2.0, 3.0, 1.0), {}),
    ("gumbel", (), {}), ("logistic", (), {}), ("pareto", (2.0,), {}), ("power", (2.0,), {}),
    ("weibull", (2.0,), {}), ("triangular", (0.0, 0.5, 1.0), {}), ("vonmises", (0.0, 1.0), {}),
    ("wald", (1.0, 1.0), {}), ("poisson", (3.0,), {}), ("binomial", (10, 0.5), {}),
    ("negative_binomial", (3, 0.5), {}), ("geometric", (0.5,), {}),
    ("hypergeometric", (5, 5, 3), {}), ("logseries", (0.5,), {}), ("zipf", (2.0,), {}),
]


@pytest.mark.parametrize("name,args,kw", SHAPE_CALLS, ids=[c[0] for c in SHAPE_CALLS])
def test_shapes_dtypes_scalars_like_numpy(name, args, kw):
    g, ng = _rng(15), numpy.random.default_rng(15)
    s = getattr(g, name)(*args, **kw)
    ns = getattr(ng, name)(*args, **kw)
    assert isinstance(s, numpy.generic) and numpy.asarray(s).dtype.kind == numpy.asarray(ns).dtype.kind
    for size in [(2, 3), 0, 4]:
        r = getattr(g, name)(*args, size=size, **kw)
        want = getattr(ng, name)(*args, size=size, **kw)
        assert isinstance(r, nd.ndarray) and r.shape == want.shape and r.dtype == want.dtype
    # Broadcasting: the first parameter as a column, with and without size.
    col = numpy.array(args[:1] * 2).reshape(2, 1) if args else None
    if col is not None:
        r = getattr(g, name)(col, *args[1:], size=(2, 3))
        assert r.shape == (2, 3)
        dv = getattr(g, name)(nd.asarray(col), *args[1:])
        assert dv.shape == (2, 1)
        with pytest.raises(ValueError):
            getattr(ng, name)(col, *args[1:], size=(3, 3))
        with pytest.raises(ValueError):
            getattr(g, name)(col, *args[1:], size=(3, 3))


@pytest.mark.parametrize("name,args,kw", SHAPE_CALLS + [
    ("dirichlet", ([1.0, 2.0],), {}), ("multinomial", (9, [0.3, 0.7]), {}),
    ("multivariate_hypergeometric", ([3, 4], 5), {}),
    ("multivariate_normal", ([0.0, 1.0], [[1.0, 0.2], [0.2, 1.0]]), {"method": "cholesky"})],
    ids=[c[0] for c in SHAPE_CALLS] + ["dirichlet", "multinomial", "mvhypergeometric", "mvnormal"])
def test_same_seed_same_values(name, args, kw):
    a = getattr(_rng(16), name)(*args, size=7, **kw).get()
    b = getattr(_rng(16), name)(*args, size=7, **kw).get()
    c = getattr(_rng(17), name)(*args, size=7, **kw).get()
    assert numpy.array_equal(a, b)
    assert not numpy.array_equal(a, c) or name in ("zipf", "logseries", "geometric")


BAD_CALLS = [
    lambda m, g: g.beta(0, 1), lambda m, g: g.beta(1, -1),
    lambda m, g: g.binomial(-1, 0.5), lambda m, g: g.binomial(5, 1.5),
    lambda m, g: g.binomial(5, numpy.nan), lambda m, g: g.chisquare(0),
    lambda m, g: g.dirichlet([1, -1]), lambda m, g: g.dirichlet(1.0),
    lambda m, g: g.f(0, 1), lambda m, g: g.f(1, -1), lambda m, g: g.gamma(-1),
    lambda m, g: g.gamma(1, -1), lambda m, g: g.standard_gamma(-1),
    lambda m, g: g.standard_gamma(1, dtype=numpy.int64),
    lambda m, g: g.geometric(0), lambda m, g: g.geometric(1.5),
    lambda m, g: g.geometric(numpy.nan), lambda m, g: g.gumbel(0, -1),
    lambda m, g: g.hypergeometric(-1, 2, 1), lambda m, g: g.hypergeometric(1, 2, -1),
    lambda m, g: g.hypergeometric(1, 2, 4), lambda m, g: g.hypergeometric(10**9, 2, 4),
    lambda m, g: g.logistic(0, -1), lambda m, g: g.logseries(1), lambda m, g: g.logseries(-0.1),
    lambda m, g: g.multinomial(-1, [0.5, 0.5]), lambda m, g: g.multinomial(5, [-0.1, 1.1]),
    lambda m, g: g.multinomial(5, 0.5), lambda m, g: g.multinomial(5, [0.7, 0.7, 0.1]),
    lambda m, g: g.multivariate_hypergeometric([1, -1], 1),
    lambda m, g: g.multivariate_hypergeometric([1, 1], 3),
    lambda m, g: g.multivariate_hypergeometric([1, 1], -1),
    lambda m, g: g.multivariate_hypergeometric([1, 1], 1, method="x"),
    lambda m, g: g.multivariate_hypergeometric([[1, 1]], 1),
    lambda m, g: g.multivariate_hypergeometric([1, 1], [1, 2]),
    lambda m, g: g.multivariate_normal([0, 0], [[1, 0], [0, 1], [1, 1]]),
    lambda m, g: g.multivariate_normal([0, 0], numpy.eye(3)),
    lambda m, g: g.multivariate_normal([[0, 0]], numpy.eye(2)),
    lambda m, g: g.multivariate_normal([0, 0], numpy.eye(2), check_valid="x"),
    lambda m, g: g.multivariate_normal([0, 0], numpy.eye(2), method="x"),
    lambda m, g: g.negative_binomial(0, 0.5), lambda m, g: g.negative_binomial(numpy.nan, 0.5),
    lambda m, g: g.negative_binomial(1, 0), lambda m, g: g.negative_binomial(1e20, 1e-10),
    lambda m, g: g.noncentral_chisquare(0, 1), lambda m, g: g.noncentral_chisquare(1, -1),
    lambda m, g: g.noncentral_f(1, 0, 1), lambda m, g: g.noncentral_f(1, 1, -1),
    lambda m, g: g.pareto(0), lambda m, g: g.poisson(-1), lambda m, g: g.poisson(numpy.nan),
    lambda m, g: g.poisson(1e19), lambda m, g: g.poisson([1.0, -1.0]), lambda m, g: g.power(0),
    lambda m, g: g.standard_t(0), lambda m, g: g.triangular(2, 1, 3),
    lambda m, g: g.triangular(0, 4, 3), lambda m, g: g.triangular(1, 1, 1),
    lambda m, g: g.vonmises(0, -1), lambda m, g: g.wald(0, 1), lambda m, g: g.wald(1, 0),
    lambda m, g: g.weibull(-1), lambda m, g: g.zipf(1), lambda m, g: g.zipf(numpy.nan),
    lambda m, g: g.gamma([1, 2], size=3),
]


@pytest.mark.parametrize("call", BAD_CALLS)
def test_errors_match_numpy(call):
    with pytest.raises(Exception) as want:
        call(numpy, numpy.random.default_rng(0))
    with pytest.raises(want.type) as got:
        call(nd, _rng(0))
    if want.type is ValueError:
        assert str(got.value).split()[0] == str(want.value).split()[0]


def test_device_parameters_are_checked():
    with pytest.raises(ValueError, match="lam < 0"):
        _rng(0).poisson(nd.asarray([1.0, -1.0]))
    with pytest.raises(ValueError, match="shape < 0"):
        _rng(0).gamma(nd.asarray([[1.0], [-2.0]]), size=(2, 3))


def test_nan_parameters_give_nan_like_numpy():
    g = _rng(18)
    for name, args in [("beta", (numpy.nan, 1.0)), ("chisquare", (numpy.nan,)),
                       ("pareto", (numpy.nan,)), ("vonmises", (0.0, numpy.nan)),
                       ("wald", (numpy.nan, 1.0)), ("standard_t", (numpy.nan,)),
                       ("noncentral_chisquare", (2.0, numpy.nan))]:
        assert numpy.isnan(getattr(g, name)(*args)), name


def test_spawn():
    g = _rng(19)
    kids = g.spawn(3)
    assert len(kids) == 3 and all(isinstance(k, nd.random.Generator) for k in kids)
    vals = [k.random(8).get() for k in kids]
    assert not numpy.array_equal(vals[0], vals[1])
    again = _rng(19).spawn(3)[1].random(8).get()
    assert numpy.array_equal(vals[1], again)
    want = nd.random.Generator(numpy.random.SeedSequence(19).spawn(2)[1]).random(8).get()
    assert numpy.array_equal(vals[1], want)
    assert not numpy.array_equal(g.spawn(1)[0].random(8).get(), vals[0])  # new children each call


def test_legacy_functions_and_state():
    for name in ["beta", "binomial", "chisquare", "dirichlet", "f", "gamma", "standard_gamma",
                 "geometric", "gumbel", "hypergeometric", "logistic", "logseries", "multinomial",
                 "multivariate_normal", "negative_binomial", "noncentral_chisquare", "noncentral_f",
                 "pareto", "poisson", "power", "standard_t", "triangular", "vonmises", "wald",
                 "weibull", "zipf", "get_state", "set_state"]:
        assert callable(getattr(nd.random, name)) and name in nd.random.__all__
        assert getattr(nd.random, name).__doc__
    nd.random.seed(20)
    st = nd.random.get_state()
    assert st == nd.random.get_state(legacy=False)
    assert st["bit_generator"] == "Philox4x32-10 (ndaccel)" and set(st["state"]) == {"key", "stream"}
    a = nd.random.poisson(4.0, size=6).get()
    b = nd.random.standard_gamma(2.0, size=3).get()
    nd.random.set_state(st)
    assert numpy.array_equal(nd.random.poisson(4.0, size=6).get(), a)
    assert numpy.array_equal(nd.random.standard_gamma(2.0, size=3).get(), b)
    with pytest.raises(ValueError, match="Philox"):
        nd.random.set_state(numpy.random.get_state())
    with pytest.raises(ValueError, match="Philox"):
        nd.random.set_state(numpy.random.get_state(legacy=False))
    assert isinstance(nd.random.binomial(5, 0.5), numpy.generic)
    assert nd.random.multinomial(5, [0.5, 0.5], size=2).shape == (2, 2)
    assert nd.random.hypergeometric(5, 5, 3, size=(2, 2)).shape == (2, 2)

"""numpy.random's legacy module-level functions (seed, rand, randn,
randint, normal, choice, ...) on one global device Generator."""
import operator

from .._scalars import returns_scalar
from ._generator import Generator

# -- the legacy module-level functions, on one global Generator ------------
_global = Generator()


def seed(seed=None):
    """Reseeds the global generator (None: fresh OS entropy)."""
    global _global
    _global = Generator(seed)


def random_sample(size=None):
    """Uniform float64 values in [0, 1) from the global device generator
    (numpy.random.random_sample; also random, ranf, sample). size=None gives a NumPy
    scalar; the values are not NumPy's stream."""
    return _global.random(size)


def rand(*shape):
    """Uniform float64 values in [0, 1) of the given shape, from the global device generator
    (numpy.random.rand). No arguments give a NumPy scalar; not NumPy's stream."""
    return _global.random(shape if shape else None)


def randn(*shape):
    """Standard normal float64 values of the given shape, from the global device generator
    (numpy.random.randn). No arguments give a NumPy scalar; not NumPy's stream."""
    return _global.standard_normal(shape if shape else None)


def randint(low, high=None, size=None, dtype=int):
    """Integers in [low, high) from the global device generator (numpy.random.randint).

    Array-valued bounds raise NotImplementedError; size=None gives a NumPy scalar."""
    if high is None:
        low, high = 0, low
    return _global.integers(low, high, size=size, dtype=dtype)


def uniform(low=0.0, high=1.0, size=None):
    """Uniform float64 values in [low, high) from the global device generator
    (numpy.random.uniform). size=None gives a NumPy scalar; not NumPy's stream."""
    return _global.uniform(low, high, size)


def normal(loc=0.0, scale=1.0, size=None):
    """Normal float64 values from the global device generator (numpy.random.normal).

    size=None gives a NumPy scalar; not NumPy's stream."""
    return _global.normal(loc, scale, size)


def standard_normal(size=None):
    """Standard normal float64 values from the global device generator
    (numpy.random.standard_normal). size=None gives a NumPy scalar."""
    return _global.standard_normal(size)


def exponential(scale=1.0, size=None):
    """Exponential float64 values from the global device generator (numpy.random.exponential).

    size=None gives a NumPy scalar; not NumPy's stream."""
    return _global.exponential(scale, size)


def standard_exponential(size=None):
    """Standard exponential float64 values from the global device generator
    (numpy.random.standard_exponential). size=None gives a NumPy scalar."""
    return _global.standard_exponential(size)


def standard_cauchy(size=None):
    """Standard Cauchy float64 values (N1 / N2) from the global device generator
    (numpy.random.standard_cauchy). size=None gives a NumPy scalar."""
    return _global.standard_cauchy(size)


def laplace(loc=0.0, scale=1.0, size=None):
    """Laplace float64 values from the global device generator (numpy.random.laplace).

    size=None gives a NumPy scalar; not NumPy's stream."""
    return _global.laplace(loc, scale, size)


def rayleigh(scale=1.0, size=None):
    """Rayleigh float64 values from the global device generator (numpy.random.rayleigh).

    size=None gives a NumPy scalar; not NumPy's stream."""
    return _global.rayleigh(scale, size)


def lognormal(mean=0.0, sigma=1.0, size=None):
    """Log-normal float64 values from the global device generator (numpy.random.lognormal).

    size=None gives a NumPy scalar; exp may differ in the last bit between backends."""
    return _global.lognormal(mean, sigma, size)


def bytes(length):  # noqa: A001 - numpy.random's name
    """length random bytes from the global device generator, as a Python bytes object
    (numpy.random.bytes)."""
    return _global.bytes(length)


def choice(a, size=None, replace=True, p=None):
    """Samples from range(a) or from a (uniform or weighted by p), from the global device
    generator (numpy.random.choice). p is read on the host; size=None gives a 0-d array."""
    return _global.choice(a, size, replace, p)


def permutation(x):
    """A permuted range(x) (int x) or a permuted copy of x along axis 0, on the device
    (numpy.random.permutation)."""
    return _global.permutation(x)


def shuffle(x):
    """Permutes the ndaccel array x in place along axis 0, on the device (numpy.random.shuffle).

    Host sequences raise TypeError (the permutation is written into x)."""
    _global.shuffle(x)


# -- the remaining distributions (see the Generator methods) ---------------
def beta(a, b, size=None):
    """Beta(a, b) float64 values from the global device generator (numpy.random.beta)."""
    return _global.beta(a, b, size)


def binomial(n, p, size=None):
    """Binomial int64 values from the global device generator (numpy.random.binomial)."""
    return _global.binomial(n, p, size)


def chisquare(df, size=None):
    """Chi-square float64 values from the global device generator (numpy.random.chisquare)."""
    return _global.chisquare(df, size)


def dirichlet(alpha, size=None):
    """Dirichlet rows from the global device generator (numpy.random.dirichlet)."""
    return _global.dirichlet(alpha, size)


def f(dfnum, dfden, size=None):
    """F-distributed float64 values from the global device generator (numpy.random.f)."""
    return _global.f(dfnum, dfden, size)


def gamma(shape, scale=1.0, size=None):
    """Gamma float64 values from the global device generator (numpy.random.gamma)."""
    return _global.gamma(shape, scale, size)


def standard_gamma(shape, size=None):
    """Standard gamma float64 values from the global device generator
    (numpy.random.standard_gamma)."""
    return _global.standard_gamma(shape, size)


def geometric(p, size=None):
    """Geometric int64 values (support 1, 2, ...) from the global device generator
    (numpy.random.geometric)."""
    return _global.geometric(p, size)


def gumbel(loc=0.0, scale=1.0, size=None):
    """Gumbel float64 values from the global device generator (numpy.random.gumbel)."""
    return _global.gumbel(loc, scale, size)


def hypergeometric(ngood, nbad, nsample, size=None):
    """Hypergeometric int64 values from the global device generator
    (numpy.random.hypergeometric)."""
    return _global.hypergeometric(ngood, nbad, nsample, size)


def logistic(loc=0.0, scale=1.0, size=None):
    """Logistic float64 values from the global device generator (numpy.random.logistic)."""
    return _global.logistic(loc, scale, size)


def logseries(p, size=None):
    """Logarithmic-series int64 values from the global device generator
    (numpy.random.logseries)."""
    return _global.logseries(p, size)


def multinomial(n, pvals, size=None):
    """Multinomial int64 counts from the global device generator (numpy.random.multinomial)."""
    return _global.multinomial(n, pvals, size)


def multivariate_normal(mean, cov, size=None, check_valid="warn", tol=1e-8):
    """Multivariate normal rows (svd factor) from the global device generator
    (numpy.random.multivariate_normal)."""
    return _global.multivariate_normal(mean, cov, size, check_valid, tol)


def negative_binomial(n, p, size=None):
    """Negative binomial int64 values from the global device generator
    (numpy.random.negative_binomial)."""
    return _global.negative_binomial(n, p, size)


def noncentral_chisquare(df, nonc, size=None):
    """Noncentral chi-square float64 values from the global device generator
    (numpy.random.noncentral_chisquare)."""
    return _global.noncentral_chisquare(df, nonc, size)


def noncentral_f(dfnum, dfden, nonc, size=None):
    """Noncentral F float64 values from the global device generator
    (numpy.random.noncentral_f)."""
    return _global.noncentral_f(dfnum, dfden, nonc, size)


def pareto(a, size=None):
    """Pareto II float64 values from the global device generator (numpy.random.pareto)."""
    return _global.pareto(a, size)


def poisson(lam=1.0, size=None):
    """Poisson int64 values from the global device generator (numpy.random.poisson)."""
    return _global.poisson(lam, size)


def power(a, size=None):
    """Power-distribution float64 values from the global device generator (numpy.random.power)."""
    return _global.power(a, size)


def standard_t(df, size=None):
    """Student's t float64 values from the global device generator (numpy.random.standard_t)."""
    return _global.standard_t(df, size)


def triangular(left, mode, right, size=None):
    """Triangular float64 values from the global device generator (numpy.random.triangular)."""
    return _global.triangular(left, mode, right, size)


def vonmises(mu, kappa, size=None):
    """von Mises float64 values from the global device generator (numpy.random.vonmises)."""
    return _global.vonmises(mu, kappa, size)


def wald(mean, scale, size=None):
    """Wald float64 values from the global device generator (numpy.random.wald)."""
    return _global.wald(mean, scale, size)


def weibull(a, size=None):
    """Weibull float64 values from the global device generator (numpy.random.weibull)."""
    return _global.weibull(a, size)


def zipf(a, size=None):
    """Zipf int64 values from the global device generator (numpy.random.zipf)."""
    return _global.zipf(a, size)


# -- state --------------------------------------------------------------------
_STATE_NAME = "Philox4x32-10 (ndaccel)"


def get_state(legacy=True):
    """The global generator's state: {'bit_generator': 'Philox4x32-10 (ndaccel)',
    'state': {'key': 64-bit int, 'stream': int}} (numpy.random.get_state).

    ndaccel's generator is Philox (a key and a stream counter), not MT19937, so
    there is no legacy tuple: legacy=True (NumPy's default) returns the same
    dict. set_state takes it back."""
    g = _global
    return {"bit_generator": _STATE_NAME,
            "state": {"key": g._key[0] | (g._key[1] << 32), "stream": g._stream}}


def set_state(state):
    """Restores a state from get_state() (numpy.random.set_state). NumPy's
    MT19937 tuples and dicts raise ValueError: ndaccel's generator is Philox."""
    global _global
    if not isinstance(state, dict) or state.get("bit_generator") != _STATE_NAME:
        raise ValueError("ndaccel's generator is Philox4x32-10, not MT19937: set_state accepts "
                         "only a state dict from ndaccel.random.get_state()")
    try:
        key, stream = operator.index(state["state"]["key"]), operator.index(state["state"]["stream"])
    except (KeyError, TypeError) as e:
        raise ValueError("state dictionary is not valid.") from e
    if not (0 <= key < 1 << 64 and 0 <= stream < 1 << 64):
        raise ValueError("state dictionary is not valid.")
    _global = Generator._from_state(key, stream)


# A draw without `size` is a NumPy scalar, as NumPy's single draws are
# scalars (see _scalars.py); sized draws stay on the device.
for _name in ("random_sample", "rand", "randn", "randint", "uniform", "normal", "standard_normal",
              "exponential", "standard_exponential", "standard_cauchy", "laplace", "rayleigh",
              "lognormal", "choice", "beta", "binomial", "chisquare", "dirichlet", "f", "gamma",
              "standard_gamma", "geometric", "gumbel", "hypergeometric", "logistic", "logseries",
              "multinomial", "multivariate_normal", "negative_binomial", "noncentral_chisquare",
              "noncentral_f", "pareto", "poisson", "power", "standard_t", "triangular", "vonmises",
              "wald", "weibull", "zipf"):
    globals()[_name] = returns_scalar(globals()[_name])
random = ranf = sample = random_sample

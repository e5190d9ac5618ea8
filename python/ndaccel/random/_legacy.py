"""numpy.random's legacy module-level functions (seed, rand, randn,
randint, normal, choice, ...) on one global device Generator."""
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


# A draw without `size` is a NumPy scalar, as NumPy's single draws are
# scalars (see _scalars.py); sized draws stay on the device.
for _name in ("random_sample", "rand", "randn", "randint", "uniform", "normal", "standard_normal",
              "exponential", "standard_exponential", "standard_cauchy", "laplace", "rayleigh",
              "lognormal", "choice"):
    globals()[_name] = returns_scalar(globals()[_name])
random = ranf = sample = random_sample

"""numpy.random.Generator's interface over device Philox streams (see
ndaccel/random/__init__.py): the Generator class and default_rng."""
import operator

import numpy

from .. import _core, _device
from .._creation._basic import empty as _empty
from .._creation._from_data import asarray as _arr
from .._indexing._take import take, take_along_axis
from .._math._cumulative import cumsum
from .._ndarray import ndarray as _ndarray
from .._scalars import returns_scalar
from .._sorting._search import searchsorted
from .._sorting._sort import argsort
from .._ufunc import UFUNCS as _UFUNCS
from . import _continuous, _discrete, _gamma_family, _multivariate
from ._support import shape_of as _shape


_FLOATS = (numpy.dtype(numpy.float32), numpy.dtype(numpy.float64))
_U64 = 1 << 64


def _float_dtype(dtype, what):
    dt = numpy.dtype(dtype)
    if dt not in _FLOATS:
        raise TypeError(f"Unsupported dtype {dt!r} for {what}")
    return dt


class Generator:
    """numpy.random.Generator's interface over device Philox streams.

    Generator(seed=None, *, device=None): `seed` is anything
    numpy.random.SeedSequence accepts (None draws fresh OS entropy).
    `device` fixes where arrays are made; None means the current device at
    each call."""

    __module__ = "ndaccel.random"  # its public home (repr, pickle), as before the package split

    def __init__(self, seed=None, *, device=None):
        ss = seed if isinstance(seed, numpy.random.SeedSequence) else numpy.random.SeedSequence(seed)
        k0, k1 = (int(w) for w in ss.generate_state(2, numpy.uint32))
        self._seed_seq = ss
        self._key = (k0, k1)
        self._stream = 0
        self._device = device

    @classmethod
    def _from_state(cls, key, stream, device=None):
        """A Generator at a saved (64-bit key, stream counter) state; it has no
        SeedSequence, so it cannot spawn."""
        g = cls.__new__(cls)
        g._seed_seq = None
        g._key = (key & 0xFFFFFFFF, key >> 32)
        g._stream = stream
        g._device = device
        return g

    def __repr__(self):
        return f"Generator(Philox4x32-10, key=0x{self._key[1]:08x}{self._key[0]:08x})"

    # -- the one primitive: fill a fresh array from the next stream --------
    def _fill(self, shape, dtype, dist, low=0, span=0, out=None):
        if out is None:
            out = _empty(shape, dtype, device=_device.resolve(self._device))
        _core.random_fill(out, dist, self._key[0], self._key[1], self._stream, low, span)
        self._stream = (self._stream + 1) % _U64
        return out

    def _out_arg(self, out, size, dtype, what):
        if out is None:
            return None, _shape(size)
        if not isinstance(out, _ndarray):
            raise TypeError(f"{what}: out must be an ndaccel.ndarray, not {type(out).__name__}")
        if out.dtype != dtype:
            raise TypeError(f"Supplied output array has the wrong type. Expected {dtype}, "
                            f"got {out.dtype}")
        if size is not None and _shape(size) != out.shape:
            raise ValueError(f"size must match out.shape when used together ({_shape(size)} "
                             f"vs {out.shape})")
        if not (out._c_contiguous and out._writeable):
            raise ValueError("Supplied output array must be contiguous, writable, aligned, "
                             "and in machine byte-order.")
        return out, out.shape

    # -- standard distributions --------------------------------------------
    def random(self, size=None, dtype=numpy.float64, out=None):
        """Uniform floats in [0, 1)."""
        dt = _float_dtype(dtype, "random")
        out, shape = self._out_arg(out, size, dt, "random")
        return self._fill(shape, dt, "U", out=out)

    def standard_normal(self, size=None, dtype=numpy.float64, out=None):
        """Standard normal floats (Box-Muller) computed on the device
        (numpy.random.Generator.standard_normal). size=None gives a NumPy scalar."""
        dt = _float_dtype(dtype, "standard_normal")
        out, shape = self._out_arg(out, size, dt, "standard_normal")
        return self._fill(shape, dt, "N", out=out)

    def standard_exponential(self, size=None, dtype=numpy.float64, method="zig", out=None):
        """Standard exponential floats (inversion) computed on the device
        (numpy.random.Generator.standard_exponential).

        'method' is checked but both values use inversion. size=None gives a NumPy scalar."""
        if method not in ("zig", "inv"):
            raise ValueError(f"method must be either 'inv' or 'zig', got {method!r}")
        dt = _float_dtype(dtype, "standard_exponential")
        out, shape = self._out_arg(out, size, dt, "standard_exponential")
        return self._fill(shape, dt, "E", out=out)

    # -- parametrised distributions (NumPy's formulas on the standard ones) --
    def _param_shape(self, size, *params):
        if size is not None:
            return _shape(size)
        return numpy.broadcast_shapes(*(numpy.shape(p) for p in params))

    def uniform(self, low=0.0, high=1.0, size=None):
        """low + (high - low) * random(), as NumPy (float64)."""
        lo, hi = _param(low), _param(high)
        span = _UFUNCS["subtract"](hi, lo)
        if not bool(_UFUNCS["isfinite"](span).all()):
            raise OverflowError("high - low range exceeds valid bounds")
        u = self._fill(self._param_shape(size, lo, hi), numpy.float64, "U")
        return _checked_shape(_UFUNCS["add"](lo, _UFUNCS["multiply"](span, u)), size)

    def normal(self, loc=0.0, scale=1.0, size=None):
        """loc + scale * N, float64, on the device (numpy.random.Generator.normal).

        size=None gives a NumPy scalar."""
        lo, sc = _param(loc), _param(scale)
        _check_nonnegative(sc, "scale")
        z = self._fill(self._param_shape(size, lo, sc), numpy.float64, "N")
        return _checked_shape(_UFUNCS["add"](lo, _UFUNCS["multiply"](sc, z)), size)

    def exponential(self, scale=1.0, size=None):
        """scale * E, float64, on the device (numpy.random.Generator.exponential).

        size=None gives a NumPy scalar."""
        sc = _param(scale)
        _check_nonnegative(sc, "scale")
        e = self._fill(self._param_shape(size, sc), numpy.float64, "E")
        return _checked_shape(_UFUNCS["multiply"](sc, e), size)

    def integers(self, low, high=None, size=None, dtype=numpy.int64, endpoint=False):
        """Integers in [low, high) ([low, high] with endpoint=True)."""
        if high is None:
            low, high = 0, low
        dt = numpy.dtype(dtype)
        if dt.kind not in "biu":
            raise TypeError(f"Unsupported dtype {dt!r} for integers")
        lo, hi = _int_bound(low, "low"), _int_bound(high, "high")
        if dt.kind == "b":
            info_min, info_max = 0, 1
        else:
            info = numpy.iinfo(dt)
            info_min, info_max = int(info.min), int(info.max)
        top = hi if endpoint else hi - 1
        if lo < info_min:
            raise ValueError(f"low is out of bounds for {dt}")
        if top > info_max:
            raise ValueError(f"high is out of bounds for {dt}")
        if top < lo:
            raise ValueError("low > high" if endpoint else "low >= high")
        span = top - lo + 1  # 1 .. 2**64
        # The kernel computes (uint64)low + r and wraps to the dtype.
        low64 = lo - _U64 if lo >= 1 << 63 else lo  # the same 64 bits, as int64
        return self._fill(_shape(size), dt, "I", low=low64, span=span % _U64)

    def standard_cauchy(self, size=None):
        """N1 / N2 of two independent standard normals."""
        z = self._fill((2,) + _shape(size), numpy.float64, "N")
        return _UFUNCS["true_divide"](z[0], z[1])

    def laplace(self, loc=0.0, scale=1.0, size=None):
        """loc + scale * (E1 - E2), E1, E2 independent standard exponentials."""
        lo, sc = _param(loc), _param(scale)
        _check_nonnegative(sc, "scale")
        shape = self._param_shape(size, lo, sc)
        e = self._fill((2,) + shape, numpy.float64, "E")
        d = _UFUNCS["subtract"](e[0], e[1])
        return _checked_shape(_UFUNCS["add"](lo, _UFUNCS["multiply"](sc, d)), size)

    def rayleigh(self, scale=1.0, size=None):
        """scale * sqrt(2 E), E standard exponential."""
        sc = _param(scale)
        _check_nonnegative(sc, "scale")
        e = self._fill(self._param_shape(size, sc), numpy.float64, "E")
        return _checked_shape(_UFUNCS["multiply"](sc, _UFUNCS["sqrt"](_UFUNCS["add"](e, e))), size)

    def lognormal(self, mean=0.0, sigma=1.0, size=None):
        """exp(mean + sigma * N). The only distribution here whose last step
        (the device's exp) may differ in the last bit between backends."""
        return _UFUNCS["exp"](self.normal(mean, sigma, size))

    def bytes(self, length):
        """`length` random bytes (as NumPy, a Python bytes object)."""
        n = operator.index(length)
        if n < 0:
            raise ValueError("negative dimensions are not allowed")
        words = self._fill(((n + 7) // 8,), numpy.uint64, "B")
        return words.get().astype("<u8").tobytes()[:n]

    def permuted(self, x, *, axis=None, out=None):
        """Each slice along `axis` permuted independently (axis=None:
        the flattened array), as numpy.random.Generator.permuted."""
        a = _arr(x)
        if axis is None:
            flat = a.reshape(-1)
            r = take_along_axis(flat, self._perm(flat.shape[0]), axis=0).reshape(a.shape)
        else:
            ax = _axis(axis, a.ndim)
            keys = self._fill(a.shape, numpy.uint64, "B")
            r = take_along_axis(a, argsort(keys, axis=ax, kind="stable"), axis=ax)
        if out is None:
            return r
        if not isinstance(out, _ndarray) or out.shape != a.shape:
            raise ValueError("out must be an ndaccel.ndarray of the same shape as x")
        out[...] = r
        return out

    # -- spawning ----------------------------------------------------------
    def spawn(self, n_children):
        """n_children independent Generators, from this one's SeedSequence's
        spawn (numpy.random.Generator.spawn); they use this one's device."""
        if self._seed_seq is None:
            raise TypeError("The underlying SeedSequence does not implement spawning "
                            "(this Generator was made from a saved state).")
        return [Generator(ss, device=self._device) for ss in self._seed_seq.spawn(n_children)]

    # -- the gamma family (_gamma_family.py) --------------------------------
    def standard_gamma(self, shape, size=None, dtype=numpy.float64, out=None):
        """Standard gamma variates (Marsaglia-Tsang rejection on the device,
        shape < 1 by the U**(1/shape) boost); float32 is computed in float64 and
        rounded (numpy.random.Generator.standard_gamma). size=None gives a NumPy scalar."""
        dt = _float_dtype(dtype, "standard_gamma")
        out, _ = self._out_arg(out, size, dt, "standard_gamma")
        if out is not None:
            size = out.shape
        return _gamma_family.standard_gamma(self, shape, size, dt, out)

    def gamma(self, shape, scale=1.0, size=None):
        """scale * standard_gamma(shape), float64 (numpy.random.Generator.gamma)."""
        return _gamma_family.gamma(self, shape, scale, size)

    def beta(self, a, b, size=None):
        """Beta(a, b) as X / (X + Y) of gammas, in log space (numpy.random.Generator.beta)."""
        return _gamma_family.beta(self, a, b, size)

    def chisquare(self, df, size=None):
        """Chi-square: 2 * standard_gamma(df / 2) (numpy.random.Generator.chisquare)."""
        return _gamma_family.chisquare(self, df, size)

    def f(self, dfnum, dfden, size=None):
        """F distribution: a ratio of scaled chi-squares (numpy.random.Generator.f)."""
        return _gamma_family.f_dist(self, dfnum, dfden, size)

    def standard_t(self, df, size=None):
        """Student's t: sqrt(df/2) N / sqrt(Gamma(df/2)) (numpy.random.Generator.standard_t)."""
        return _gamma_family.standard_t(self, df, size)

    def noncentral_chisquare(self, df, nonc, size=None):
        """Noncentral chi-square by NumPy's normal or Poisson-mixture composition
        (numpy.random.Generator.noncentral_chisquare)."""
        return _gamma_family.noncentral_chisquare(self, df, nonc, size)

    def noncentral_f(self, dfnum, dfden, nonc, size=None):
        """Noncentral F: noncentral over central chi-square, scaled
        (numpy.random.Generator.noncentral_f)."""
        return _gamma_family.noncentral_f(self, dfnum, dfden, nonc, size)

    def dirichlet(self, alpha, size=None):
        """Dirichlet(alpha) rows of shape size + (len(alpha),): normalised gammas,
        in log space (numpy.random.Generator.dirichlet). alpha is read on the host."""
        return _gamma_family.dirichlet(self, alpha, size)

    # -- continuous (_continuous.py) ----------------------------------------
    def gumbel(self, loc=0.0, scale=1.0, size=None):
        """Gumbel: loc - scale * log(E) (numpy.random.Generator.gumbel)."""
        return _continuous.gumbel(self, loc, scale, size)

    def logistic(self, loc=0.0, scale=1.0, size=None):
        """Logistic: loc + scale * log(U / (1 - U)) (numpy.random.Generator.logistic)."""
        return _continuous.logistic(self, loc, scale, size)

    def pareto(self, a, size=None):
        """Pareto II (Lomax): expm1(E / a) (numpy.random.Generator.pareto)."""
        return _continuous.pareto(self, a, size)

    def power(self, a, size=None):
        """Power distribution: (1 - exp(-E)) ** (1/a) (numpy.random.Generator.power)."""
        return _continuous.power(self, a, size)

    def weibull(self, a, size=None):
        """Weibull: E ** (1/a) (numpy.random.Generator.weibull)."""
        return _continuous.weibull(self, a, size)

    def triangular(self, left, mode, right, size=None):
        """Triangular on [left, right] with peak at mode, by inversion
        (numpy.random.Generator.triangular)."""
        return _continuous.triangular(self, left, mode, right, size)

    def vonmises(self, mu, kappa, size=None):
        """von Mises on [-pi, pi] by Best-Fisher rejection (numpy.random.Generator.vonmises)."""
        return _continuous.vonmises(self, mu, kappa, size)

    def wald(self, mean, scale, size=None):
        """Wald (inverse Gaussian) (numpy.random.Generator.wald)."""
        return _continuous.wald(self, mean, scale, size)

    # -- discrete (_discrete.py) ---------------------------------------------
    def poisson(self, lam=1.0, size=None):
        """Poisson, int64: inversion for lam < 10, PTRS rejection otherwise
        (numpy.random.Generator.poisson)."""
        return _discrete.poisson(self, lam, size)

    def binomial(self, n, p, size=None):
        """Binomial, int64: inversion for small n min(p, 1-p), BTRS rejection
        otherwise (numpy.random.Generator.binomial)."""
        return _discrete.binomial(self, n, p, size)

    def negative_binomial(self, n, p, size=None):
        """Negative binomial, int64: Poisson(Gamma(n) (1-p)/p)
        (numpy.random.Generator.negative_binomial)."""
        return _discrete.negative_binomial(self, n, p, size)

    def geometric(self, p, size=None):
        """Geometric on {1, 2, ...}, int64, by inversion (numpy.random.Generator.geometric)."""
        return _discrete.geometric(self, p, size)

    def hypergeometric(self, ngood, nbad, nsample, size=None):
        """Hypergeometric, int64: simulated draws or HRUA rejection
        (numpy.random.Generator.hypergeometric)."""
        return _discrete.hypergeometric(self, ngood, nbad, nsample, size)

    def logseries(self, p, size=None):
        """Logarithmic series, int64 (numpy.random.Generator.logseries)."""
        return _discrete.logseries(self, p, size)

    def zipf(self, a, size=None):
        """Zipf, int64, by rejection (numpy.random.Generator.zipf)."""
        return _discrete.zipf(self, a, size)

    def multinomial(self, n, pvals, size=None):
        """Multinomial counts of shape batch + (len(pvals),), int64, by conditional
        binomials (numpy.random.Generator.multinomial). pvals are read on the host."""
        return _discrete.multinomial(self, n, pvals, size)

    def multivariate_hypergeometric(self, colors, nsample, size=None, method="marginals"):
        """Multivariate hypergeometric counts of shape size + (len(colors),), int64,
        by conditional hypergeometrics for either method
        (numpy.random.Generator.multivariate_hypergeometric)."""
        return _discrete.multivariate_hypergeometric(self, colors, nsample, size, method)

    # -- multivariate normal (_multivariate.py) ------------------------------
    def multivariate_normal(self, mean, cov, size=None, check_valid="warn", tol=1e-8, *,
                            method="svd"):
        """Multivariate normal rows of shape size + (len(mean),): standard normals
        times a factor of cov (svd, eigh or cholesky), plus mean
        (numpy.random.Generator.multivariate_normal)."""
        return _multivariate.multivariate_normal(self, mean, cov, size, check_valid, tol,
                                                 method=method)

    def __getattr__(self, name):
        if not name.startswith("_") and hasattr(numpy.random.Generator, name):
            raise AttributeError(f"ndaccel.random.Generator does not implement {name} yet")
        raise AttributeError(f"'Generator' object has no attribute '{name}'")

    # -- sampling and permutations -----------------------------------------
    def permutation(self, x, axis=0):
        """A permuted range (int x) or a permuted copy of x along `axis`."""
        if isinstance(x, (int, numpy.integer)):
            return self._perm(int(x))
        a = _arr(x)
        if a.ndim == 0:
            raise numpy.exceptions.AxisError("x must be an integer or at least 1-dimensional")
        ax = _axis(axis, a.ndim)
        return take(a, self._perm(a.shape[ax]), axis=ax)

    def shuffle(self, x, axis=0):
        """Permutes x in place along `axis`."""
        if not isinstance(x, _ndarray):
            raise TypeError("shuffle: x must be an ndaccel.ndarray (it is permuted in place)")
        if x.ndim == 0:
            raise TypeError("shuffle: x must be at least 1-dimensional")
        ax = _axis(axis, x.ndim)
        x[...] = take(x, self._perm(x.shape[ax]), axis=ax)

    def _perm(self, n):
        """Uniform permutation of range(n): argsort of independent 64-bit keys
        (a repeated key, probability below n**2 / 2**65, keeps index order)."""
        if n < 0:
            raise ValueError("n must be non-negative")
        keys = self._fill((n,), numpy.uint64, "B")
        return argsort(keys, kind="stable")

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        """Samples from range(a) (int a) or from a along `axis`."""
        if isinstance(a, (int, numpy.integer)):
            pop, n = None, int(a)
            if n < 0 or (n == 0 and (size is None or numpy.prod(_shape(size)) != 0)):
                raise ValueError("a must be a positive integer unless no samples are taken")
        else:
            pop = _arr(a)
            if pop.ndim == 0:
                raise ValueError("a must be a sequence or an integer, not a 0-d array")
            axis = _axis(axis, pop.ndim)
            n = pop.shape[axis]
            if n == 0 and (size is None or numpy.prod(_shape(size)) != 0):
                raise ValueError("a cannot be empty unless no samples are taken")
        shape = _shape(size)
        k = int(numpy.prod(shape)) if shape else 1
        if p is not None:
            pw = numpy.asarray(p.get() if isinstance(p, _ndarray) else p, dtype=numpy.float64)
            if pw.ndim != 1:
                raise ValueError("p must be 1-dimensional")
            if pw.size != n:
                raise ValueError("a and p must have same size")
            if numpy.any(numpy.isnan(pw)) or numpy.any(pw < 0):
                raise ValueError("Probabilities are not non-negative")
            if abs(pw.sum() - 1.0) > numpy.sqrt(numpy.finfo(numpy.float64).eps):
                raise ValueError("Probabilities do not sum to 1. See Notes section of docstring "
                                 "for more information.")
        if not replace and k > n:
            raise ValueError("Cannot take a larger sample than population when replace is False")
        if replace:
            if p is None:
                idx = self.integers(0, n, size=shape)
            else:
                idx = self._weighted(pw, shape)
        elif p is None:
            idx = self._perm(n)[:k].reshape(shape)
        else:
            idx = self._weighted_distinct(pw, k).reshape(shape)
        if pop is None:
            return idx
        return take(pop, idx, axis=axis)

    def _weighted(self, pw, shape):
        """Inverse-CDF sampling: searchsorted of uniforms in the cumulative p."""
        cdf = cumsum(_arr(pw))
        cdf = _UFUNCS["true_divide"](cdf, cdf[-1])
        u = self._fill(shape, numpy.float64, "U")
        idx = searchsorted(cdf, u, side="right")
        # u < 1 = cdf[-1] keeps idx < n, except where trailing p are 0.
        return _UFUNCS["minimum"](idx, len(pw) - 1)

    def _weighted_distinct(self, pw, k):
        """Weighted sampling without replacement (Efraimidis-Spirakis): the k
        largest u**(1/p) = smallest -log(u)/p, the law of drawing one at a
        time with renormalised p. Zero-weight items come last."""
        e = self._fill((len(pw),), numpy.float64, "E")
        keys = _UFUNCS["true_divide"](e, _arr(pw))  # +inf where p == 0
        if int(numpy.count_nonzero(pw)) < k:
            raise ValueError("Fewer non-zero entries in p than size")
        return argsort(keys, kind="stable")[:k]


def _param(v):
    return v if isinstance(v, _ndarray) else _arr(numpy.asarray(v, dtype=numpy.float64))


def _check_nonnegative(v, name):
    if bool(_UFUNCS["less"](v, 0).any()):
        raise ValueError(f"{name} < 0")


def _checked_shape(r, size):
    if size is not None and r.shape != _shape(size):
        raise ValueError(f"shape mismatch: objects cannot be broadcast to a single shape "
                         f"{r.shape} vs size {_shape(size)}")
    return r


def _int_bound(v, name):
    if isinstance(v, _ndarray) or (numpy.ndim(v) != 0):
        raise NotImplementedError(f"integers: array-valued {name} is not implemented; pass a scalar")
    try:
        return operator.index(v)
    except TypeError:
        f = float(v)
        if not numpy.isfinite(f):
            raise ValueError(f"{name} is out of bounds") from None
        return int(f)


def _axis(axis, ndim):
    ax = operator.index(axis)
    if not -ndim <= ax < ndim:
        raise numpy.exceptions.AxisError(ax, ndim)
    return ax % ndim


def default_rng(seed=None, *, device=None):
    """A Generator seeded like numpy.random.default_rng (a Generator passes
    through unchanged)."""
    if isinstance(seed, Generator):
        return seed
    return Generator(seed, device=device)


# A draw without `size` is a NumPy scalar, as NumPy's single draws are
# scalars (see _scalars.py); sized draws stay on the device.
for _name in ("random", "standard_normal", "standard_exponential", "uniform", "normal",
              "exponential", "integers", "standard_cauchy", "laplace", "rayleigh", "lognormal",
              "choice", "standard_gamma", "gamma", "beta", "chisquare", "f", "standard_t",
              "noncentral_chisquare", "noncentral_f", "dirichlet", "gumbel", "logistic", "pareto",
              "power", "weibull", "triangular", "vonmises", "wald", "poisson", "binomial",
              "negative_binomial", "geometric", "hypergeometric", "logseries", "zipf", "multinomial",
              "multivariate_hypergeometric", "multivariate_normal"):
    setattr(Generator, _name, returns_scalar(getattr(Generator, _name)))

"""ndaccel.random: device random numbers from a counter-based generator.

Every value comes from Philox4x32-10 computed on the device (see
kernels/gen_random.h for the exact bit-level definition). A Generator holds
a 64-bit key derived from its seed with numpy.random.SeedSequence and a call
counter: call number c of a Generator uses stream c, and element j of that
call's output depends only on (key, c, j). Hence the same seed gives
bit-identical arrays on every backend and device, whatever the array sizes
of earlier calls.

The streams are not NumPy's (NumPy uses PCG64/MT19937 and a ziggurat):
the distributions are the same, the values are not. Normals use
Box-Muller, exponentials inversion, bounded integers a 64-bit
multiply-high (bias below range / 2**64).

Results are ndaccel arrays; with size=None a NumPy scalar, as NumPy's single
draws (one value copied back to the host; see _scalars.py).

Derived distributions are built from uniform, normal, exponential and
bounded-integer streams with ndaccel ufuncs; rejection methods (gamma,
Poisson, binomial, hypergeometric, von Mises, zipf, logseries) run as
vectorised loops: each round draws one candidate for every pending element
and keeps the rejected ones (compacted) for the next round.

The Generator class is in _generator.py, the legacy module-level functions
(one global Generator) in _legacy.py, the distributions in _gamma_family.py,
_discrete.py, _continuous.py and _multivariate.py (shared pieces in
_support.py). The legacy get_state/set_state hold a Philox key and stream
counter, not MT19937 state: get_state returns a dict even for legacy=True.
"""
import numpy as _numpy

from ._generator import Generator, default_rng
from ._legacy import (beta, binomial, bytes, chisquare, choice, dirichlet, exponential, f,  # noqa: A004
                      gamma, geometric, get_state, gumbel, hypergeometric, laplace, logistic,
                      lognormal, logseries, multinomial, multivariate_normal, negative_binomial,
                      noncentral_chisquare, noncentral_f, normal, pareto, permutation, poisson,
                      power, rand, randint, randn, random, random_sample, ranf, rayleigh, sample,
                      seed, set_state, shuffle, standard_cauchy, standard_exponential,
                      standard_gamma, standard_normal, standard_t, triangular, uniform, vonmises,
                      wald, weibull, zipf)

__all__ = ["Generator", "default_rng", "seed", "rand", "randn", "randint", "random_sample",
           "random", "ranf", "sample", "uniform", "normal", "standard_normal", "exponential",
           "standard_exponential", "standard_cauchy", "laplace", "rayleigh", "lognormal",
           "bytes", "choice", "permutation", "shuffle", "beta", "binomial", "chisquare",
           "dirichlet", "f", "gamma", "standard_gamma", "geometric", "gumbel", "hypergeometric",
           "logistic", "logseries", "multinomial", "multivariate_normal", "negative_binomial",
           "noncentral_chisquare", "noncentral_f", "pareto", "poisson", "power", "standard_t",
           "triangular", "vonmises", "wald", "weibull", "zipf", "get_state", "set_state"]


def __getattr__(name):
    if not name.startswith("_") and hasattr(_numpy.random, name):
        raise AttributeError(f"ndaccel.random does not implement numpy.random.{name} yet")
    raise AttributeError(f"module 'ndaccel.random' has no attribute '{name}'")

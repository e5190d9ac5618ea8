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

The Generator class is in _generator.py, the legacy module-level functions
(one global Generator) in _legacy.py.
"""
import numpy as _numpy

from ._generator import Generator, default_rng
from ._legacy import (bytes, choice, exponential, laplace, lognormal, normal, permutation,  # noqa: A004
                      rand, randint, randn, random, random_sample, ranf, rayleigh, sample, seed,
                      shuffle, standard_cauchy, standard_exponential, standard_normal, uniform)

__all__ = ["Generator", "default_rng", "seed", "rand", "randn", "randint", "random_sample",
           "random", "ranf", "sample", "uniform", "normal", "standard_normal", "exponential",
           "standard_exponential", "standard_cauchy", "laplace", "rayleigh", "lognormal",
           "bytes", "choice", "permutation", "shuffle"]


def __getattr__(name):
    if not name.startswith("_") and hasattr(_numpy.random, name):
        raise AttributeError(f"ndaccel.random does not implement numpy.random.{name} yet")
    raise AttributeError(f"module 'ndaccel.random' has no attribute '{name}'")

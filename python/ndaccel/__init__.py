"""ndaccel: NumPy on accelerators.

    import ndaccel as np

runs NumPy code on a GPU through CUDA, or on any OpenCL device, with
NumPy's dtypes, results and errors. Kernels are generated at run time and
cached in memory and on disk ($NDACCEL_CACHE_DIR).

This file is the public namespace: imports only, in the order of the
layers (tests/python/test_import_structure.py checks it). The foundation
modules (_dtypes, _device, _scalars, _flags, _axes, _pickling, the basic
creation functions, the ufunc objects, basic indexing, the ndarray class)
import nothing above them; the topic subpackages (_creation, _manipulation,
_indexing, _math, _sorting, _statistics, linalg, fft, random, ...) build on
them; _array_methods, imported last, attaches the ndarray and ufunc methods
built on those subpackages.
"""
import importlib as _importlib

import numpy as _numpy

from . import _core
from ._core import __version__
from ._config import (errstate, get_printoptions, geterr, geterrcall, info, printoptions,
                      set_printoptions, seterr, seterrcall, show_config, show_runtime)
from ._device import Device, devices, get_device, set_device, synchronize
from ._iteration import iterable, ndenumerate, ndindex
from ._ndarray import ndarray
from ._printing import (array2string, array_repr, array_str, base_repr, binary_repr,
                        format_float_positional, format_float_scientific, getbufsize,
                        mintypecode, setbufsize, typename)
from ._runtime import cache_clear, cache_info, free_cached_memory, memory_info
from ._scope import out_of_scope_error as _out_of_scope_error
from ._transfer import transfer_guard
from ._typing_helpers import SCALAR_TYPES as _SCALAR_TYPES
from ._typing_helpers import (can_cast, common_type, finfo, iinfo, isdtype, isscalar,
                              issubdtype, min_scalar_type, ndim, promote_types, result_type,
                              shape, size)
from ._ufunc import UFUNCS as _UFUNCS, ufunc

globals().update(_UFUNCS)  # add, sin, ... and their aliases (abs, conj, mod, pow, ...)
bitwise_left_shift = _UFUNCS["left_shift"]
bitwise_right_shift = _UFUNCS["right_shift"]
globals().update(_SCALAR_TYPES)  # int_, double, bool, generic, floating, ... (shadows builtin bool)

# dtype names and constants, as NumPy's.
dtype = _numpy.dtype
newaxis = None
pi, e, inf, nan = _numpy.pi, _numpy.e, _numpy.inf, _numpy.nan
__array_api_version__ = "2024.12"

from ._creation._basic import (empty, empty_like, full, full_like, ones, ones_like,  # noqa: E402
                               zeros, zeros_like)
from ._creation._from_data import (array, ascontiguousarray, asarray, asnumpy, astype,  # noqa: E402
                                   copy)
from ._creation._grids import fromfunction, indices, meshgrid  # noqa: E402
from ._creation._matrices import (diag, diagflat, eye, identity, tri, tril, triu,  # noqa: E402
                                  vander)
from ._creation._ranges import arange, geomspace, linspace, logspace  # noqa: E402
from ._creation._require import (asanyarray, asarray_chkfinite, asfortranarray,  # noqa: E402
                                 copyto, isfortran, require)
from ._files._npy import load, save, savez, savez_compressed  # noqa: E402
from ._files._raw import frombuffer, fromfile, fromiter, fromstring  # noqa: E402
from ._files._text import genfromtxt, loadtxt, savetxt  # noqa: E402
from ._indexing._diagonal import diagonal  # noqa: E402
from ._indexing._index_helpers import (diag_indices, diag_indices_from,  # noqa: E402
                                       fill_diagonal, ix_, mask_indices, ravel_multi_index,
                                       tril_indices, tril_indices_from, triu_indices,
                                       triu_indices_from, unravel_index)
from ._indexing._nonzero import argwhere, flatnonzero, nonzero, where  # noqa: E402
from ._indexing._overlap import may_share_memory, shares_memory  # noqa: E402
from ._indexing._select import piecewise, select  # noqa: E402
from ._indexing._take import (choose, compress, extract, place, put, put_along_axis,  # noqa: E402
                              putmask, take, take_along_axis)
from ._manipulation._add_remove import append, delete, insert, resize  # noqa: E402
from ._manipulation._apply import apply_along_axis, apply_over_axes  # noqa: E402
from ._manipulation._block import block  # noqa: E402
from ._manipulation._dims import (atleast_1d, atleast_2d, atleast_3d,  # noqa: E402
                                  broadcast_arrays, broadcast_shapes, broadcast_to,
                                  expand_dims, squeeze)
from ._manipulation._join import (column_stack, concatenate, dstack, hstack, stack,  # noqa: E402
                                  vstack)
from ._manipulation._join import concatenate as concat  # noqa: E402  (the array API's name)
from ._manipulation._pad import pad  # noqa: E402
from ._manipulation._rearrange import flip, fliplr, flipud, roll, rot90  # noqa: E402
from ._manipulation._shape import ravel, reshape  # noqa: E402
from ._manipulation._split import array_split, dsplit, hsplit, split, unstack, vsplit  # noqa: E402
from ._manipulation._tiling import repeat, tile  # noqa: E402
from ._manipulation._transpose import (matrix_transpose, moveaxis, permute_dims,  # noqa: E402
                                       rollaxis, swapaxes, transpose)
from ._manipulation._trim import trim_zeros  # noqa: E402
from ._math._bits import packbits, unpackbits  # noqa: E402
from ._math._comparison import allclose, array_equal, array_equiv, isclose  # noqa: E402
from ._math._calculus import gradient, trapezoid, unwrap  # noqa: E402
from ._math._complex import angle, imag, iscomplexobj, isrealobj, real  # noqa: E402
from ._math._cumulative import (cumprod, cumsum, cumulative_prod, cumulative_sum,  # noqa: E402
                                nancumprod, nancumsum)
from ._math._differences import diff, ediff1d  # noqa: E402
from ._math._floating import (divmod, frexp, isneginf, isposinf, modf,  # noqa: E402
                              nan_to_num)
from ._math._interp import interp  # noqa: E402
from ._math._misc import bitwise_count, clip  # noqa: E402
from ._math._polynomial import (poly, polyadd, polyder, polydiv, polyfit, polyint,  # noqa: E402
                                polymul, polysub, polyval, roots)
from ._math._realness import iscomplex, isreal, real_if_close, sort_complex  # noqa: E402
from ._math._rounding import around, fix, round, round_  # noqa: E402
from ._math._signal import convolve, correlate  # noqa: E402
from ._math._special import i0, sinc  # noqa: E402
from ._math._vectorize import frompyfunc, vectorize  # noqa: E402
from ._math._windows import bartlett, blackman, hamming, hanning, kaiser  # noqa: E402
from ._sorting._search import (argmax, argmin, nanargmax, nanargmin,  # noqa: E402
                               searchsorted)
from ._sorting._sets import intersect1d, isin, setdiff1d, setxor1d, union1d  # noqa: E402
from ._sorting._sort import argpartition, argsort, lexsort, partition, sort  # noqa: E402
from ._sorting._unique import (unique, unique_all, unique_counts, unique_inverse,  # noqa: E402
                               unique_values)
from ._statistics._correlation import corrcoef, cov  # noqa: E402
from ._statistics._histogram import (bincount, digitize, histogram,  # noqa: E402
                                     histogram_bin_edges)
from ._statistics._histogramdd import histogram2d, histogramdd  # noqa: E402
from ._statistics._order import (median, nanmedian, nanpercentile, nanquantile,  # noqa: E402
                                 percentile, quantile)
from ._statistics._reductions import (all, amax, amin, any, average, count_nonzero,  # noqa: E402
                                      max, mean, min, nanmax, nanmean, nanmin, nanprod,
                                      nanstd, nansum, nanvar, prod, ptp, std, sum, var)
from .linalg._einsum import einsum  # noqa: E402
from .linalg._einsum_path import einsum_path  # noqa: E402
from .linalg._matmul import matmul  # noqa: E402
from .linalg._products import (cross, dot, inner, kron, matvec, outer, tensordot,  # noqa: E402
                               trace, vdot, vecdot, vecmat)
from ._dlpack import from_dlpack  # noqa: E402
from ._namespace_info import __array_namespace_info__  # noqa: E402
from . import emath, fft, lib, linalg, random  # noqa: E402
from . import _array_methods  # noqa: E402,F401 - attaches the methods: must come last


def __getattr__(name):
    if name == "testing":  # lazy: imported on first use, as numpy.testing (~40 ms)
        return _importlib.import_module(".testing", __name__)
    out_of_scope = _out_of_scope_error(name)
    if out_of_scope is not None:
        raise out_of_scope
    if hasattr(_numpy, name):
        raise AttributeError(f"ndaccel does not implement numpy.{name} yet")
    raise AttributeError(f"module 'ndaccel' has no attribute '{name}'")

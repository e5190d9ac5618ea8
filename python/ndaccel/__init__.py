"""ndaccel: NumPy on accelerators.

    import ndaccel as np

runs NumPy code on a GPU through CUDA, or on any OpenCL device, with
NumPy's dtypes, results and errors. Kernels are generated at run time and
cached in memory and on disk ($NDACCEL_CACHE_DIR).
"""
import numpy as _numpy

from . import _core
from ._core import __version__
from ._creation import (arange, array, asarray, asnumpy, empty, empty_like, full, full_like,
                        ones, ones_like, zeros, zeros_like)
from ._device import Device, devices, get_device, set_device, synchronize
from ._ndarray import ndarray
from ._reductions import (all, amax, amin, any, average, count_nonzero, max, mean, min,  # noqa: F401
                          nanmax, nanmean, nanmin, nanprod, nanstd, nansum, nanvar, prod, ptp, std,
                          sum, var)
from ._ufunc import UFUNCS as _UFUNCS, ufunc, where

globals().update(_UFUNCS)

# dtype names and constants, as NumPy's.
bool_ = _numpy.bool_
int8, int16, int32, int64 = _numpy.int8, _numpy.int16, _numpy.int32, _numpy.int64
uint8, uint16, uint32, uint64 = _numpy.uint8, _numpy.uint16, _numpy.uint32, _numpy.uint64
float16, float32, float64 = _numpy.float16, _numpy.float32, _numpy.float64
complex64, complex128 = _numpy.complex64, _numpy.complex128
intp, uintp = _numpy.intp, _numpy.uintp
dtype = _numpy.dtype
newaxis = None
pi, e, inf, nan = _numpy.pi, _numpy.e, _numpy.inf, _numpy.nan


def cache_info():
    """Kernel cache counters of this process (memory_hits, disk_hits,
    compiles, disk_writes, disk_errors) and the disk cache's dir, entries
    and bytes. A second process running the same program compiles 0."""
    return _core.cache_info()


def cache_clear(disk=True):
    """Forgets compiled kernels of this process, and the disk cache."""
    _core.cache_clear(disk)


def memory_info(device=None):
    """Caching allocator counters of a device (bytes live and cached)."""
    from ._device import resolve
    return _core.pool_info(resolve(device))


def free_cached_memory(device=None):
    """Returns the allocator's cached blocks to the device."""
    from ._device import resolve
    _core.pool_release(resolve(device))


def _finish_queued_work():
    """At exit, waits for work still queued on the devices: PoCL builds a
    kernel's work-group function in a worker thread at first launch, and
    exit() tearing down LLVM under that thread crashes (SIGSEGV in
    libLLVM, about one exit in four with a cold PoCL cache). Does nothing
    in a process forked after the devices were initialised: the queues are
    the parent's, and waiting on them there would hang."""
    if _core.forked_after_init():
        return
    try:
        for d in _core.devices():
            _core.synchronize(d["id"])
    except Exception:  # noqa: BLE001 - nothing useful to do at exit
        pass


import atexit as _atexit  # noqa: E402

_atexit.register(_finish_queued_work)


def __getattr__(name):
    if name == "testing":  # imported on first use, as numpy.testing (~40 ms)
        import importlib
        return importlib.import_module(".testing", __name__)
    if hasattr(_numpy, name):
        raise AttributeError(f"ndaccel does not implement numpy.{name} yet")
    raise AttributeError(f"module 'ndaccel' has no attribute '{name}'")

from ._math import (allclose, angle, around, array_equal, array_equiv, divmod, fix, frexp, imag,  # noqa: E402
                    iscomplexobj, isclose, isneginf, isposinf, isrealobj, modf, nan_to_num, real,
                    round, round_)
abs = _UFUNCS["absolute"]
from ._manipulation import (append, array_split, ascontiguousarray, atleast_1d, atleast_2d,  # noqa: E402
                            atleast_3d, broadcast_arrays, broadcast_shapes, broadcast_to, clip,
                            column_stack, concatenate, delete, diagonal, dsplit, dstack,
                            expand_dims, flip, fliplr, flipud, hsplit, hstack, insert, moveaxis,
                            pad, ravel, repeat, reshape, resize, roll, rot90, split, squeeze,
                            stack, swapaxes, tile, transpose, vsplit, vstack)
from ._creation2 import (copy, diag, diagflat, eye, fromfunction, geomspace, identity, indices,  # noqa: E402
                         linspace, logspace, meshgrid, tri, tril, triu)
from ._search import (argmax, argmin, argwhere, compress, cumprod, cumsum, extract,  # noqa: E402
                      flatnonzero, nanargmax, nanargmin, nancumprod, nancumsum, nonzero)
from ._sort import argsort, searchsorted, sort, unique  # noqa: E402
from ._sets import (argpartition, bincount, digitize, histogram, histogram_bin_edges,  # noqa: E402
                    intersect1d, isin, lexsort, partition, setdiff1d, setxor1d, union1d)
from ._stats import (median, nanmedian, nanpercentile, nanquantile, percentile,  # noqa: E402
                     quantile)
from ._linalg_basic import (cross, dot, inner, kron, matmul, matvec, outer, tensordot,  # noqa: E402
                            trace, vdot, vecdot, vecmat)
from ._math import bitwise_count  # noqa: E402
from . import random  # noqa: E402
bitwise_left_shift = _UFUNCS["left_shift"]
bitwise_right_shift = _UFUNCS["right_shift"]
from ._take import choose, place, put, put_along_axis, putmask, take, take_along_axis  # noqa: E402
from . import linalg  # noqa: E402
from ._einsum import einsum  # noqa: E402
from ._vectorize import frompyfunc, vectorize  # noqa: E402
from . import fft  # noqa: E402
from ._typing_helpers import SCALAR_TYPES as _SCALAR_TYPES  # noqa: E402
globals().update(_SCALAR_TYPES)  # int_, double, bool, generic, floating, ... (shadows builtin bool)
from ._typing_helpers import (can_cast, common_type, finfo, iinfo, isdtype, isscalar,  # noqa: E402
                              issubdtype, min_scalar_type, ndim, promote_types, result_type,
                              shape, size)
from ._config import (errstate, get_printoptions, geterr, geterrcall, info, printoptions,  # noqa: E402
                      set_printoptions, seterr, seterrcall, show_config, show_runtime)
from ._iteration import iterable, ndenumerate, ndindex  # noqa: E402
from . import emath, lib  # noqa: E402

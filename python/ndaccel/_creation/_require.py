"""Arrays with required properties: asanyarray, require, asfortranarray,
asarray_chkfinite, isfortran, and copyto (a masked, cast-checked copy into
an existing device array).

Fortran order: ndaccel allocates C-ordered arrays, but any strided layout
is a valid array, so an F-contiguous array is made as the transpose (a
view) of a C-ordered copy of the transpose."""
import numpy

from .. import _core
from .._flags import require_writeable
from .._manipulation._dims import broadcast_to
from .._ndarray import ndarray
from .._statistics._reductions import all as _all
from .._ufunc import UFUNCS, where as _where
from ._from_data import asarray

_FLAGS = {"C": "C", "C_CONTIGUOUS": "C", "CONTIGUOUS": "C",
          "F": "F", "F_CONTIGUOUS": "F", "FORTRAN": "F",
          "A": "A", "ALIGNED": "A",
          "W": "W", "WRITEABLE": "W",
          "O": "O", "OWNDATA": "O",
          "E": "E", "ENSUREARRAY": "E"}
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """An ndaccel array from a (numpy.asanyarray; ndaccel has no subclasses, so this is
    asarray)."""
    return asarray(a, dtype=dtype, order=order, device=device, copy=copy, like=like)


def _fortran_copy(a):
    """A new F-contiguous device array equal to a (ndim >= 2) that owns its data, as
    NumPy's: a C-ordered copy of a's transpose, which then takes the transposed layout
    of its own buffer (_adopt_layout)."""
    c = a.transpose().copy()
    c._adopt_layout(c.transpose())
    return c


def asfortranarray(a, dtype=None, *, like=None):
    """a as an F-contiguous (column-major) device array of at least one dimension: a itself
    when it already is one, else a copy that owns its data (numpy.asfortranarray).

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("asfortranarray: the 'like' argument is not supported")
    a = asarray(a, dtype=dtype)
    if a.ndim == 0:
        a = a.reshape(1)
    if a._f_contiguous:
        return a
    return a.copy() if a.ndim <= 1 else _fortran_copy(a)


def isfortran(a):
    """Whether a is F-contiguous and not C-contiguous (numpy.isfortran)."""
    if isinstance(a, ndarray):
        return bool(a._f_contiguous and not a._c_contiguous)
    return numpy.isfortran(a)


def require(a, dtype=None, requirements=None, *, like=None):
    """a as a device array of the given dtype meeting the requirements ('C', 'F', 'A', 'W',
    'O', 'E' and their long names), copied only when needed (numpy.require)."""
    if like is not None:
        raise NotImplementedError("require: the 'like' argument is not supported")
    if not requirements:
        return asanyarray(a, dtype=dtype)
    reqs = {_FLAGS[x.upper()] for x in requirements}
    reqs.discard("E")  # ndaccel arrays are base-class arrays already
    if reqs >= {"C", "F"}:
        raise ValueError('Cannot specify both "C" and "F" order')
    order = "A"
    if "C" in reqs:
        order = "C"
        reqs.remove("C")
    elif "F" in reqs:
        order = "F"
        reqs.remove("F")
    arr = asarray(a, dtype=dtype)
    if order == "C" and not arr._c_contiguous:
        arr = arr.copy()
    elif order == "F" and not arr._f_contiguous:
        arr = _fortran_copy(arr)
    for prop in reqs:
        if not arr.flags[prop]:
            return _fortran_copy(arr) if order == "F" and arr.ndim >= 2 else arr.copy()
    return arr


def asarray_chkfinite(a, dtype=None, order=None):
    """asarray(a), raising ValueError when a floating or complex result holds an inf or NaN
    (numpy.asarray_chkfinite). The check runs on the device and reads one flag back."""
    a = asarray(a, dtype=dtype, order=order)
    if a.dtype.kind in "fc" and not bool(_all(UFUNCS["isfinite"](a))):
        raise ValueError("array must not contain infs or NaNs")
    return a


def copyto(dst, src, casting="same_kind", where=True):
    """Copies src (broadcast) into the device array dst where `where` is true, checking the
    cast by the casting rule, on the device (numpy.copyto)."""
    if not isinstance(dst, ndarray):
        raise TypeError(f"copyto() argument 1 must be an ndaccel.ndarray, not "
                        f"{type(dst).__name__}")
    if casting not in _CASTINGS:
        raise ValueError(f"casting must be one of 'no', 'equiv', 'safe', 'same_kind', or "
                         f"'unsafe' (got {casting!r})")
    if type(src) in (bool, int, float, complex):
        # A Python scalar is weak (NEP 50): NumPy converts it (with its errors: the cast
        # rule, a Python int out of range) into a host 0-d array of dst's dtype.
        h = numpy.empty((), dst.dtype)
        numpy.copyto(h, src, casting=casting)
        src = asarray(h, device=dst._device_id)
    else:
        src = asarray(src, device=dst._device_id)
        if not numpy.can_cast(src.dtype, dst.dtype, casting):
            raise TypeError(f"Cannot cast array data from {src.dtype!r} to {dst.dtype!r} "
                            f"according to the rule {casting!r}")
    require_writeable(dst)
    if where is True:
        dst[...] = src
        return
    mask = asarray(where, device=dst._device_id).astype(bool, copy=False)
    try:
        mask = broadcast_to(mask, dst.shape)
    except ValueError:
        raise ValueError(f"could not broadcast where mask from shape {mask.shape} into shape "
                         f"{dst.shape}") from None
    try:
        src = broadcast_to(src, dst.shape)
    except ValueError:
        raise ValueError(f"could not broadcast input array from shape {src.shape} into shape "
                         f"{dst.shape}") from None
    if dst.size:
        _core.assign(dst, _where(mask, src.astype(dst.dtype, copy=False), dst))

"""More array creation with NumPy's signatures and results: linspace,
logspace, geomspace, eye, identity, diag, diagflat, tri, tril, triu,
meshgrid, indices, fromfunction, copy.

Values come from device arithmetic on an index vector (ndaccel.arange:
start + step * iota) and from strided views (diagonals); O(1) parameters
given as host scalars are computed on the host exactly as NumPy does."""
import operator

import numpy

from . import _core, _dtypes
from ._creation import arange, asarray, empty, zeros
from ._manipulation import (_arr, _base, _view, broadcast_arrays, diagonal, expand_dims,
                            moveaxis)
from ._ndarray import ndarray
from ._reductions import max as _amax
from ._ufunc import UFUNCS, where

__all__ = ["linspace", "logspace", "geomspace", "eye", "identity", "diag", "diagflat", "tri",
           "tril", "triu", "meshgrid", "indices", "fromfunction", "copy"]

_LN10 = 2.302585092994046  # log(10) as a float64


def _is_host_scalar(x):
    return not isinstance(x, ndarray) and numpy.ndim(x) == 0


def _proxy(x):
    """What numpy.result_type sees for x: Python scalars stay weak."""
    if isinstance(x, ndarray):
        return x.dtype
    if type(x) in (bool, int, float, complex):
        return x
    return numpy.asarray(x).dtype


def _device_of(*xs, device=None):
    if device is not None:
        return device
    for x in xs:
        if isinstance(x, ndarray):
            return x._device_id
    return None


def _any(x):
    """bool(any(x)) for a device array (one reduction, one sync)."""
    x = _arr(x)
    if x.size == 0:
        return False
    return bool(_amax(x != 0) if x.dtype != bool else _amax(x))


def _floor(y):
    f = UFUNCS.get("floor")
    return f(y) if f is not None else UFUNCS["floor_divide"](y, 1)


def _host_item(x, dt):
    """Host scalar x as a Python scalar of dtype dt's value (a weak operand
    that keeps a dt array's dtype)."""
    return dt.type(x).item()


# ---------------------------------------------------------------- ranges

def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    """num evenly spaced samples over [start, stop], computed on the device (numpy.linspace).

    retstep=True with scalar ends gives the step as a NumPy scalar."""
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = (num - 1) if endpoint else num
    dt = numpy.result_type(_proxy(start), _proxy(stop), 0.0)
    if dtype is None:
        dtype = dt
        integer_dtype = False
    else:
        dtype = _dtypes.normalize(dtype)
        integer_dtype = numpy.issubdtype(dtype, numpy.integer)
    _dtypes.normalize(dt)
    dev = _device_of(start, stop, device=device)

    if _is_host_scalar(start) and _is_host_scalar(stop):
        # O(1) parameters: NumPy's own scalar arithmetic on the host.
        with numpy.errstate(all="ignore"):
            delta = numpy.subtract(stop, start, dtype=type(dt))
            y = arange(0, num, dtype=dt, device=dev)
            if div > 0:
                step = delta / div
                # a 0-d array here; linspace's wrapper returns it as NumPy's scalar
                step_out = asarray(step, device=dev)
                if step == 0:
                    y = (y / div) * _host_item(delta, dt)
                else:
                    y = y * _host_item(step, dt)
            else:
                step = step_out = numpy.nan
                y = y * _host_item(delta, dt)
        y = y + _host_item(start, dt)
        if endpoint and num > 1:
            y[-1, ...] = _host_item(stop, dt)
    else:
        start = start if _is_host_scalar(start) else _arr(start)
        stop = stop if _is_host_scalar(stop) else _arr(stop)
        delta = UFUNCS["subtract"](stop, start, dtype=dt)
        y = arange(0, num, dtype=dt, device=dev).reshape((-1,) + (1,) * delta.ndim)
        if div > 0:
            step = delta / div
            if _any(step == 0):
                y = (y / div) * delta
            else:
                y = y * step
        else:
            step = numpy.nan
            y = y * delta
        y = UFUNCS["add"](y, start, dtype=dt)
        step_out = step
        if endpoint and num > 1:
            y[-1, ...] = stop
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if integer_dtype:
        y = _floor(y)
    y = y.astype(dtype, copy=False)
    if retstep:
        return y, step_out
    return y


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """num samples evenly spaced on a log scale, computed on the device (numpy.logspace)."""
    if not isinstance(base, (float, int)) and numpy.ndim(base):
        shapes = [numpy.shape(x) if not isinstance(x, ndarray) else x.shape
                  for x in (start, stop, base)]
        ndmax = len(numpy.broadcast_shapes(*shapes))

        def nd(a):
            a = _arr(a)
            return a.reshape((1,) * (ndmax - a.ndim) + a.shape) if a.ndim < ndmax else a
        start, stop, base = nd(start), nd(stop), nd(base)
        base = expand_dims(base, axis)
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    r = UFUNCS["power"](base, y)
    return r if dtype is None else r.astype(dtype, copy=False)


def _sign(x):
    if UFUNCS.get("sign") is not None:
        return UFUNCS["sign"](x)
    if x.dtype.kind == "c":
        return x / UFUNCS["absolute"](x)
    return where(x > 0, 1, where(x < 0, -1, x))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """num samples evenly spaced on a geometric progression, on the device (numpy.geomspace).

    With array ends, log10 may be computed as log(x)/log(10) (an ulp or two off NumPy)."""
    if _is_host_scalar(start) and _is_host_scalar(stop):
        # O(1) parameters on the host, as NumPy computes them.
        hstart, hstop = numpy.asanyarray(start), numpy.asanyarray(stop)
        if hstart == 0 or hstop == 0:
            raise ValueError("Geometric sequence cannot include zero")
        dt = numpy.result_type(hstart, hstop, float(num), numpy.zeros((), dtype))
        dtype = dt if dtype is None else _dtypes.normalize(dtype)
        _dtypes.normalize(dt)
        with numpy.errstate(all="ignore"):
            hstart = hstart.astype(dt)
            hstop = hstop.astype(dt)
            out_sign = numpy.sign(hstart)
            hstart = hstart / out_sign
            hstop = hstop / out_sign
            log_start, log_stop = numpy.log10(hstart), numpy.log10(hstop)
        result = logspace(log_start[()], log_stop[()], num=num, endpoint=endpoint, base=10.0,
                          dtype=dt)
        if num > 0:
            result[0] = _host_item(hstart, dt)
            if num > 1 and endpoint:
                result[-1] = _host_item(hstop, dt)
        result = result * _host_item(out_sign, dt)
    else:
        start, stop = _arr(start), _arr(stop)
        if _any(start == 0) or _any(stop == 0):
            raise ValueError("Geometric sequence cannot include zero")
        dt = numpy.result_type(start.dtype, stop.dtype, float(num),
                               numpy.zeros((), dtype).dtype)
        dtype = dt if dtype is None else _dtypes.normalize(dtype)
        start = start.astype(dt)
        stop = stop.astype(dt)
        out_sign = _sign(start)
        start = start / out_sign
        stop = stop / out_sign
        # log10 as log(x) / log(10): within an ulp or two of NumPy's log10
        # (the ends are set exactly below).
        log10 = UFUNCS.get("log10") or (lambda x: UFUNCS["log"](x) / _LN10)
        log_start, log_stop = log10(start), log10(stop)
        result = logspace(log_start, log_stop, num=num, endpoint=endpoint, base=10.0, dtype=dt)
        if num > 0:
            result[0] = start
            if num > 1 and endpoint:
                result[-1] = stop
        result = result * out_sign
    if axis != 0:
        result = moveaxis(result, 0, axis)
    return result.astype(dtype, copy=False)


# ---------------------------------------------------------------- matrices

def _diag_view(m, k):
    """The k-th diagonal of a fresh 2-D array m, as a strided view."""
    n, mcols = m.shape
    if k >= 0:
        length = max(0, min(n, mcols - k))
        start = k
    else:
        length = max(0, min(n + k, mcols))
        start = -k * mcols
    if length == 0:
        return None
    return _view(m, m._offset + start * m.itemsize, (length,), ((mcols + 1) * m.itemsize,))


def eye(N, M=None, k=0, dtype=float, order="C", *, device=None, like=None):
    """A 2-D device array with ones on the k-th diagonal, zeros elsewhere (numpy.eye).

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("eye: the 'like' argument is not supported")
    if M is None:
        M = N
    # dtype=None is float64 (as numpy.zeros; ndaccel.zeros gives int64 there)
    m = zeros((N, M), dtype=float if dtype is None else dtype, order=order, device=device)
    M = operator.index(M)
    k = operator.index(k)
    if k >= M:
        return m
    d = _diag_view(_base(m), k)
    if d is not None:
        _core.fill(d, 1)
    return m


def identity(n, dtype=None, *, like=None):
    """The n x n identity matrix as a device array (numpy.identity).

    The 'like' argument raises NotImplementedError."""
    return eye(n, dtype=dtype, like=like)


def diag(v, k=0):
    """The k-th diagonal of a 2-D array (a writeable view), or a new 2-D device array with
    v on its k-th diagonal (numpy.diag; NumPy's diagonal view is read-only)."""
    v = _arr(v)
    if v.ndim == 1:
        k = operator.index(k)
        n = v.shape[0] + abs(k)
        res = _core.empty((n, n), v._dtype_code, v._device_id)
        _core.fill(res, 0)
        d = _diag_view(res, k)
        if d is not None:
            _core.assign(d, v)
        return res
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v, k=0):
    """A new 2-D device array with the flattened input on its k-th diagonal (numpy.diagflat)."""
    return diag(_arr(v).ravel(), k)


def tri(N, M=None, k=0, dtype=float, *, like=None):
    """A device array with ones at and below the k-th diagonal, zeros elsewhere (numpy.tri).

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("tri: the 'like' argument is not supported")
    if M is None:
        M = N
    N, M, k = operator.index(N), operator.index(M), operator.index(k)
    rows = arange(max(N, 0), dtype=numpy.int64).reshape(-1, 1)
    cols = arange(-k, M - k, dtype=numpy.int64)
    m = UFUNCS["greater_equal"](rows, cols)
    return m.astype(dtype, copy=False)


def _tri_mask(m, k):
    if m.ndim == 0:
        raise TypeError("tri() missing 1 required positional argument: 'N'")
    return tri(*m.shape[-2:], k=k, dtype=bool)


def tril(m, k=0):
    """A copy of m with the elements above the k-th diagonal zeroed, on the device
    (numpy.tril)."""
    m = _arr(m)
    mask = _tri_mask(m, k)
    return where(mask, m, zeros(1, m.dtype, device=m._device_id))


def triu(m, k=0):
    """A copy of m with the elements below the k-th diagonal zeroed, on the device
    (numpy.triu)."""
    m = _arr(m)
    mask = _tri_mask(m, k - 1)
    return where(mask, zeros(1, m.dtype, device=m._device_id), m)


# ---------------------------------------------------------------- grids

def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate matrices from coordinate vectors, as device arrays (numpy.meshgrid).

    With copy=False the results are writeable zero-stride views (NumPy warns on writes)."""
    ndim = len(xi)
    if indexing not in ["xy", "ij"]:
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    s0 = (1,) * ndim
    output = [_arr(x).reshape(s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        output[0] = output[0].reshape((1, -1) + s0[2:])
        output[1] = output[1].reshape((-1, 1) + s0[2:])
    if not sparse:
        output = broadcast_arrays(*output)
    if copy:
        output = tuple(x.copy() for x in output)
    return output


def indices(dimensions, dtype=int, sparse=False):
    """A device array (or tuple of arrays, sparse=True) of a grid's indices (numpy.indices)."""
    dimensions = tuple(dimensions)
    N = len(dimensions)
    shape = (1,) * N
    res = () if sparse else empty((N,) + dimensions, dtype=dtype)
    for i, dim in enumerate(dimensions):
        idx = arange(dim, dtype=dtype).reshape(shape[:i] + (dim,) + shape[i + 1:])
        if sparse:
            res = res + (idx,)
        elif res[i].size:
            _core.assign(res[i], idx)
    return res


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    """Calls function once with the device index arrays of shape, as numpy.fromfunction.

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("fromfunction: the 'like' argument is not supported")
    return function(*indices(shape, dtype=dtype), **kwargs)


def copy(a, order="K", subok=False):
    """A device copy of a (numpy.copy); host inputs are copied to the device.

    order='F' raises NotImplementedError for a device array, and a host input is copied in
    C order; 'subok' is ignored."""
    if isinstance(a, ndarray):
        return a.copy(order="K" if order in ("K", "A") else order)
    return asarray(a, order=order)


# linspace(retstep=True)'s step is a NumPy scalar for scalar ends (see _scalars.py).
from ._scalars import returns_scalar as _returns_scalar  # noqa: E402
linspace = _returns_scalar(linspace)

"""Evenly spaced values on the device: arange, linspace, logspace,
geomspace.

Values come from device arithmetic on an index vector (an exact int64
iota), or, for arange under the host-libraries policy, from a C loop on
the host writing the same values into the new array's storage; O(1)
parameters given as host scalars are computed on the host exactly as NumPy
does."""
import math
import numbers
import operator

import numpy

from .. import _core, _device, _dtypes, _host_libraries
from .._manipulation._dims import expand_dims
from .._manipulation._transpose import moveaxis
from .._ndarray import ndarray
from .._scalars import returns_scalar
from .._statistics._reductions import max as _amax
from .._ufunc import UFUNCS, where
from ._basic import empty, full
from ._from_data import asarray
from ._from_data import asarray as _arr  # ndarrays pass through unchanged


def _arange_length(start, stop, step):
    """numpy.arange's length: exact for integers; for floats ceil((stop -
    start) / step), 1 when that underflows to +0 (a step past stop), and
    ValueError for NaN or infinite lengths; complex: the smaller of the
    real and imaginary parts' lengths."""
    if all(isinstance(v, (int, numpy.integer)) for v in (start, stop, step)):
        return len(range(int(start), int(stop), int(step)))
    delta = stop - start
    q = delta / step

    def ceil_len(t, d):
        t, d = float(t), float(d)
        if math.isnan(t):
            raise ValueError("arange: cannot compute length")
        if math.isinf(t):
            raise ValueError("Maximum allowed size exceeded")
        if t == 0.0 and d != 0.0:
            return 0 if math.copysign(1.0, t) < 0 else 1
        return max(math.ceil(t), 0)

    if isinstance(q, (complex, numpy.complexfloating)):
        return min(ceil_len(q.real, complex(delta).real), ceil_len(q.imag, complex(delta).imag))
    return ceil_len(q, delta)


_IOTA_ROW = 1024


def _store_indexed(res, values):
    """res[k] = values(i) where i is the exact int64 index k, as one pass
    over res (a 1-D device array): the full rows of 1024 as a (rows, 1024)
    broadcast sum of two short host-made aranges, the rest as one short
    row. values maps a pending int64 index expression to the value
    expression; the assignment casts it to res's dtype as astype would."""
    length = res.shape[0]
    dev = res._device_id
    rows, rest = divmod(length, _IOTA_ROW)
    lo = asarray(numpy.arange(_IOTA_ROW, dtype=numpy.int64).reshape(1, _IOTA_ROW), device=dev)
    if rows:
        hi = asarray(numpy.arange(0, rows * _IOTA_ROW, _IOTA_ROW, dtype=numpy.int64).reshape(rows, 1),
                     device=dev)
        res[:rows * _IOTA_ROW].reshape(rows, _IOTA_ROW)[...] = values(hi + lo)
    if rest:
        res[rows * _IOTA_ROW:][...] = values(lo[0, :rest] + rows * _IOTA_ROW)
    return res


def _host_store_affine(res, first, delta):
    """res[k] = first + k * delta written on the host into the storage of res, a
    new 1-D array on a device the host-libraries policy maps: one vectorised C
    loop (_core.host_fill_affine), no kernel launch, whose latency is most of a
    small range's time on PoCL. Integers (first, delta Python ints) wrap modulo
    2**bits as the kernels' int64 values cast to the dtype do; float32 and
    float64 (first, delta in the dtype) round k, k * delta and the sum in the
    dtype (NumPy's fill)."""
    kind = res.dtype.kind
    _core.host_fill_affine(_host_libraries.storage(res), kind,
                           first % 2 ** 64 if kind in "iu" else float(first),
                           delta % 2 ** 64 if kind in "iu" else float(delta))
    return res


def arange(start, stop=None, step=None, dtype=None, *, device=None, like=None):
    """numpy.arange: start + i * delta (NumPy's rule, delta = (start + step) -
    start in the result dtype) from an exact int64 index, stored in one pass
    by the device, or by the host where the host-libraries policy maps the
    device's memory (integers, float32, float64); the O(1) length and dtype
    are worked out on the host."""
    for v in (start, stop, step):
        if v is not None and not isinstance(v, (numbers.Number, numpy.generic)):
            raise TypeError(f"unsupported type for arange: {type(v).__name__}")
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if step == 0:
        raise ZeroDivisionError("division by zero")
    # NumPy's own dtype for these scalars, from one-element ranges (O(1); one
    # step, so a step near the int64 limit does not overflow the probe; an
    # infinite step probes with a finite one of the same type).
    pstep = step if numpy.isfinite(step) else type(step)(1)
    rdt = _dtypes.normalize(dtype) if dtype is not None else numpy.result_type(
        numpy.arange(start, start + pstep, pstep).dtype,
        numpy.arange(stop, stop + pstep, pstep).dtype)
    if rdt.kind == "b":
        raise TypeError("arange() not supported for inputs with DType <class 'numpy.dtypes.BoolDType'>.")
    length = _arange_length(start, stop, step)
    dev = _device.resolve(device)
    if length == 0:
        return empty(0, dtype=rdt, device=dev)
    if length == 1:  # start alone (an infinite step would make 0 * step NaN)
        return full(1, start, dtype=rdt, device=dev)
    # The result is allocated first, so an impossible length fails as
    # numpy.empty's does before anything else is made.
    res = empty(length, dtype=rdt, device=dev)
    if rdt.kind in "iu":
        # NumPy makes the first two values as Python ints converted to the
        # dtype (OverflowError when they do not fit), then wraps.
        rdt.type(int(start))
        rdt.type(int(start) + int(step))
        if _host_libraries.maps(dev):
            return _host_store_affine(res, int(start), int(step))
        # int64 arithmetic on start and step modulo 2**64 (a uint64 start past
        # 2**63 included): the cast to the dtype keeps the low bits.
        s64, d64 = ((int(v) + 2 ** 63) % 2 ** 64 - 2 ** 63 for v in (start, step))
        return _store_indexed(res, lambda i: i * d64 + s64)
    work = numpy.dtype(numpy.float64) if rdt.kind == "f" else numpy.dtype(numpy.complex128)
    s0 = work.type(start)
    delta = work.type(s0 + work.type(step)) - s0
    if rdt.itemsize < work.itemsize and rdt.kind == "f":
        s0 = rdt.type(start)
        delta = rdt.type(rdt.type(s0 + rdt.type(step)) - s0)
    if rdt.kind == "c":
        return _store_indexed(res, lambda i: i.astype(rdt) * complex(delta) + complex(s0))
    if rdt.itemsize >= 4 and _host_libraries.maps(dev):  # float16 takes the kernels
        return _host_store_affine(res, rdt.type(s0), rdt.type(delta))
    return _store_indexed(res, lambda i: i.astype(rdt) * delta + s0)


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


# linspace(retstep=True)'s step is a NumPy scalar for scalar ends (see _scalars.py).
linspace = returns_scalar(linspace)

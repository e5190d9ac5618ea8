"""Shared pieces of ndaccel.random's derived distributions: parameters (host
scalars stay Python/NumPy floats, arrays go to the device and are broadcast
and flattened), NumPy's parameter checks, the output shape, elementwise math
on either kind, branch selection, vectorised rejection loops with compaction,
and a device log-gamma.

Every distribution computes a flat vector of n = prod(shape) values and
reshapes it at the end; random bits come only from Generator._fill, so a
seed gives the same values on every backend (up to the last bit of the
device's log/exp deciding a rejection test exactly at its boundary)."""
import math
import operator

import numpy

from .. import _device
from .._creation._basic import empty
from .._creation._from_data import asarray as _arr
from .._creation._ranges import arange
from .._indexing._nonzero import flatnonzero
from .._indexing._take import put, take
from .._manipulation._dims import broadcast_to
from .._ndarray import ndarray as _ndarray
from .._ufunc import UFUNCS as U
from .._ufunc import where as _where

F64 = numpy.dtype(numpy.float64)
I64 = numpy.dtype(numpy.int64)


def is_dev(x):
    """True for an ndaccel array (a per-element parameter)."""
    return isinstance(x, _ndarray)


def shape_of(size):
    """NumPy's size argument as a shape tuple (None: ())."""
    if size is None:
        return ()
    if isinstance(size, (tuple, list)):
        return tuple(operator.index(s) for s in size)
    return (operator.index(size),)


def param(v, dtype=F64):
    """A distribution parameter: a host scalar becomes a NumPy scalar of
    `dtype`, anything else a device array of `dtype`."""
    if isinstance(v, _ndarray):
        return v if v.dtype == dtype else v.astype(dtype)
    if numpy.ndim(v) == 0:
        return numpy.asarray(v).astype(dtype)[()]
    return _arr(numpy.asarray(v).astype(dtype))


def out_shape(size, *params):
    """The output shape: `size` (which the parameters must broadcast to) or
    the parameters' broadcast shape."""
    shapes = [numpy.shape(p) if not is_dev(p) else p.shape for p in params]
    if size is None:
        return numpy.broadcast_shapes(*shapes)
    shape = shape_of(size)
    try:
        ok = numpy.broadcast_shapes(shape, *shapes) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"shape mismatch: objects cannot be broadcast to a single shape: "
                         f"parameters of shapes {shapes} vs size {shape}")
    return shape


def flat(p, shape):
    """A parameter as a flat device vector over `shape` (scalars stay scalars)."""
    if not is_dev(p):
        return p
    if p.shape == shape:
        return p.reshape(-1)
    return broadcast_to(p, shape).reshape(-1)


def prepare(size, *params):
    """(shape, n, flat parameters) for elementwise distributions."""
    shape = out_shape(size, *params)
    return shape, math.prod(shape), [flat(p, shape) for p in params]


def any_(x, name, c):
    """any(name(x, c)) for a host scalar or a device array (one sync)."""
    if is_dev(x):
        return bool(U[name](x, c).any())
    return bool(getattr(numpy, name)(x, c))


def anynan(x):
    """Whether x holds a NaN."""
    return bool(U["isnan"](x).any()) if is_dev(x) else bool(numpy.isnan(x))


def check_positive(x, name):
    """NumPy's CONS_POSITIVE: ValueError 'name <= 0' (NaN passes)."""
    if any_(x, "less_equal", 0):
        raise ValueError(f"{name} <= 0")


def check_nonnegative(x, name):
    """NumPy's CONS_NON_NEGATIVE: ValueError 'name < 0' (NaN passes)."""
    if any_(x, "less", 0):
        raise ValueError(f"{name} < 0")


def f(name, *args):
    """Ufunc `name` on the device if any argument is a device array, else
    NumPy's on the host scalars."""
    if any(is_dev(a) for a in args):
        return U[name](*args)
    with numpy.errstate(all="ignore"):
        return getattr(numpy, name)(*args)


def where(c, x, y):
    """where on the device, or a host choice for a host condition."""
    if is_dev(c) or is_dev(x) or is_dev(y):
        return _where(c, x, y)
    return x if c else y


def sub(p, sel):
    """The elements `sel` (device indices or a device mask) of a per-element
    parameter; scalars pass through."""
    if not is_dev(p):
        return p
    if sel.dtype == numpy.bool_:
        return p[sel]
    return take(p, sel)


def fill(gen, n, dist, dtype=F64):
    """n fresh values of `dist` ('U', 'N', 'E') from gen's next stream."""
    return gen._fill((n,), dtype, dist)


def full_vec(gen, n, value, dtype=F64):
    """A device vector of n copies of value (on gen's device)."""
    out = empty((n,), dtype, device=_device.resolve(gen._device))
    out[...] = value
    return out


def vec(gen, x, n, dtype=F64):
    """x (scalar or flat device vector) as a device vector of length n."""
    if is_dev(x):
        return x if x.dtype == dtype else x.astype(dtype)
    return full_vec(gen, n, x, dtype)


def cases(gen, n, params, branches, dtype=F64):
    """Piecewise evaluation: branches is a list of (cond, fn) with cond a
    host bool or a device mask over the n elements (first true branch wins,
    the last should be True); fn(sub_params, m) gives the m values of its
    elements. Host conditions choose one branch for all elements."""
    out = None
    taken = None  # device mask of the elements already assigned
    for cond, fn in branches:
        if not is_dev(cond):
            if not cond:
                continue
            if taken is None:
                return vec(gen, fn(params, n), n, dtype)
            cond = U["logical_not"](taken)
        elif taken is not None:
            cond = U["logical_and"](cond, U["logical_not"](taken))
        idx = flatnonzero(cond)
        m = idx.shape[0]
        if m == n and taken is None:
            return vec(gen, fn(params, n), n, dtype)
        if m:
            if out is None:
                out = empty((n,), dtype, device=_device.resolve(gen._device))
            put(out, idx, vec(gen, fn([sub(p, idx) for p in params], m), m, dtype))
        taken = cond if taken is None else U["logical_or"](taken, cond)
    if out is None:  # n == 0
        out = empty((n,), dtype, device=_device.resolve(gen._device))
    return out


def reject_loop(gen, n, params, step, dtype=F64):
    """Vectorised rejection: step(sub_params, m) draws one candidate for each
    of m pending elements and returns (values, accepted mask); accepted values
    are stored, the rest stay pending (compacted) for the next round."""
    out = None
    idx = None  # None: all n elements pend, in order
    while n:
        vals, ok = step(params, n)
        if not is_dev(ok):  # every candidate accepted
            ok_all = True
        else:
            rej = U["logical_not"](ok)
            ridx = flatnonzero(rej)
            ok_all = ridx.shape[0] == 0
        if idx is None:
            if ok_all:
                return vec(gen, vals, n, dtype)
            out = vec(gen, vals, n, dtype)  # rejected slots are overwritten later
            if ridx.shape[0] == n:
                idx = arange(n, dtype=numpy.int64, device=_device.resolve(gen._device))
                continue
            idx = ridx
            params = [sub(p, ridx) for p in params]
            n = ridx.shape[0]
            continue
        acc = flatnonzero(ok) if not ok_all else None
        if ok_all:
            put(out, idx, vec(gen, vals, n, dtype))
            break
        if acc.shape[0]:
            put(out, take(idx, acc), take(vec(gen, vals, n, dtype), acc))
            idx = take(idx, ridx)
            params = [sub(p, ridx) for p in params]
            n = ridx.shape[0]
    if out is None:
        out = empty((0,), dtype, device=_device.resolve(gen._device))
    return out


_LG_COEF = (8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04,
            -5.952380952380952e-04, 8.417508417508418e-04, -1.917526917526918e-03,
            6.410256410256410e-03, -2.955065359477124e-02, 1.796443723688307e-01,
            -1.39243221690590e+00)
_HALF_LOG_2PI = 0.5 * 1.8378770664093453


def loggam(x):
    """log(Gamma(x)) for x >= 1 (NumPy's random_loggam: the Stirling series
    at x + 7 for x < 7, shifted back by log(x (x+1) ... (x+6)))."""
    small = f("less", x, 7.0)
    x0 = where(small, f("add", x, 7.0), x)
    prod = x
    for k in range(1, 7):
        prod = f("multiply", prod, f("add", x, float(k)))
    shift = where(small, f("log", prod), 0.0)
    x2 = f("true_divide", 1.0, f("multiply", x0, x0))
    gl0 = _LG_COEF[9]
    for c in _LG_COEF[8::-1]:
        gl0 = f("add", f("multiply", gl0, x2), c)
    gl = f("add", f("true_divide", gl0, x0), _HALF_LOG_2PI)
    gl = f("add", gl, f("subtract", f("multiply", f("subtract", x0, 0.5), f("log", x0)), x0))
    return f("subtract", gl, shift)


def finish(v, shape, dtype=None):
    """The flat result reshaped to `shape` (cast to dtype if given)."""
    if dtype is not None and v.dtype != dtype:
        v = v.astype(dtype)
    return v.reshape(shape)

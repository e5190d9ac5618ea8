"""Discrete calculus on the device: gradient (central differences inside,
one-sided first or second order differences at the edges, uniform or
coordinate spacing), trapezoid (the trapezoidal rule) and unwrap (phase
unwrapping by a cumulative sum of corrections). NumPy's formulas, written
with fused elementwise kernels over shifted views; the pieces of gradient's
result are joined along the axis."""
import operator

import numpy

from .._axes import normalize_axis_index, normalize_axis_tuple
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._join import concatenate
from .._scalars import returns_scalar
from .._statistics._reductions import all as _all, sum as _sum
from .._ufunc import UFUNCS, where as _where
from ._cumulative import cumsum
from ._differences import diff

_add, _sub, _mul, _div = (UFUNCS[n] for n in ("add", "subtract", "multiply", "true_divide"))


def _ndim(x):
    """numpy.ndim without copying a device array to the host."""
    return x.ndim if hasattr(x, "ndim") and hasattr(x, "shape") else numpy.ndim(x)


def _spacings(f, axes, varargs):
    """gradient's spacing per axis: a scalar (uniform) or the 1-D differences of the
    coordinates (NumPy's rules and errors; constant differences become their first)."""
    n = len(varargs)
    if n == 0:
        return [1.0] * len(axes)
    if n == 1 and _ndim(varargs[0]) == 0:
        return list(varargs) * len(axes)
    if n != len(axes):
        raise TypeError("invalid number of arguments")
    dx = list(varargs)
    for i, distances in enumerate(dx):
        if _ndim(distances) == 0:
            continue
        distances = _arr(distances, device=f._device_id)
        if distances.ndim != 1:
            raise ValueError("distances must be either scalars or 1d")
        if len(distances) != f.shape[axes[i]]:
            raise ValueError("when 1d, distances must match "
                             "the length of the corresponding dimension")
        if distances.dtype.kind in "iu":
            distances = distances.astype(numpy.float64)
        diffx = diff(distances)
        if diffx.size and bool(_all(UFUNCS["equal"](diffx, diffx[0]))):
            diffx = diffx[0]  # a 0-d device array: the uniform case
        dx[i] = diffx
    return dx


def _combo(coefs, views):
    """a * f0 + b * f1 + c * f2, in NumPy's order of operations."""
    (a, b, c), (f0, f1, f2) = coefs, views
    return _add(_add(_mul(a, f0), _mul(b, f1)), _mul(c, f2))


def gradient(f, *varargs, axis=None, edge_order=1):
    """The gradient of an N-dimensional array by second order central differences inside
    and first or second order (edge_order) one-sided differences at the boundaries, on the
    device (numpy.gradient). Spacing: none (1), one scalar, or one scalar or 1-D coordinate
    array per axis. Integer and boolean input gives float64.

    datetime64/timedelta64 input raises NotImplementedError."""
    f = _arr(f)
    N = f.ndim
    axes = tuple(range(N)) if axis is None else normalize_axis_tuple(axis, N)
    dx = _spacings(f, axes, varargs)
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    otype = f.dtype
    if otype.kind in "mM":
        raise NotImplementedError("gradient of datetime64/timedelta64 arrays")
    if otype.kind not in "fc":
        if otype.kind in "iu":
            f = f.astype(numpy.float64)
        otype = numpy.dtype(numpy.float64)
    outvals = []
    for ax, ax_dx in zip(axes, dx):
        if f.shape[ax] < edge_order + 1:
            raise ValueError(
                "Shape of array too small to calculate a numerical gradient, "
                "at least (edge_order + 1) elements are required.")

        if edge_order < 1 and f.shape[ax] < 3:  # NumPy's second order edges index 0..2
            raise IndexError(f"index {f.shape[ax]} is out of bounds for axis {ax} with size "
                             f"{f.shape[ax]}")

        def at(s, ax=ax):
            return f[(slice(None),) * ax + (s,)]

        uniform = _ndim(ax_dx) == 0
        if not uniform:
            ax_dx = _arr(ax_dx)
        if uniform:
            # Host spacings combine by Python's (NumPy's) arithmetic, as in NumPy.
            inner = _div(_sub(at(slice(2, None)), at(slice(None, -2))), 2.0 * ax_dx)
        else:
            dx1, dx2 = ax_dx[0:-1], ax_dx[1:]
            a = _div(UFUNCS["negative"](dx2), _mul(dx1, _add(dx1, dx2)))
            b = _div(_sub(dx2, dx1), _mul(dx1, dx2))
            c = _div(dx1, _mul(dx2, _add(dx1, dx2)))
            shape = [1] * N
            shape[ax] = -1
            a, b, c = (t.reshape(tuple(shape)) for t in (a, b, c))
            inner = _combo((a, b, c), (at(slice(None, -2)), at(slice(1, -1)),
                                       at(slice(2, None))))
        if edge_order == 1:
            dx_0 = ax_dx if uniform else ax_dx[0]
            dx_n = ax_dx if uniform else ax_dx[-1]
            first = _div(_sub(at(slice(1, 2)), at(slice(0, 1))), dx_0)
            last = _div(_sub(at(slice(-1, None)), at(slice(-2, -1))), dx_n)
        else:
            if uniform:
                c0 = (-1.5 / ax_dx, 2.0 / ax_dx, -0.5 / ax_dx)
                cn = (0.5 / ax_dx, -2.0 / ax_dx, 1.5 / ax_dx)
            else:
                dx1, dx2 = ax_dx[0], ax_dx[1]
                c0 = (_div(UFUNCS["negative"](_add(_mul(2.0, dx1), dx2)),
                           _mul(dx1, _add(dx1, dx2))),
                      _div(_add(dx1, dx2), _mul(dx1, dx2)),
                      _div(UFUNCS["negative"](dx1), _mul(dx2, _add(dx1, dx2))))
                dx1, dx2 = ax_dx[-2], ax_dx[-1]
                cn = (_div(dx2, _mul(dx1, _add(dx1, dx2))),
                      _div(UFUNCS["negative"](_add(dx2, dx1)), _mul(dx1, dx2)),
                      _div(_add(_mul(2.0, dx2), dx1), _mul(dx2, _add(dx1, dx2))))
            first = _combo(c0, (at(slice(0, 1)), at(slice(1, 2)), at(slice(2, 3))))
            last = _combo(cn, (at(slice(-3, -2)), at(slice(-2, -1)), at(slice(-1, None))))
        parts = [p.astype(otype) for p in (first, inner, last)]
        outvals.append(concatenate(parts, axis=ax))
    if len(axes) == 1:
        return outvals[0]
    return tuple(outvals)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral along an axis by the composite trapezoidal rule, on the device
    (numpy.trapezoid): sample points x (1-D, or shaped as y), else a constant spacing dx.

    A 0-d result is a NumPy scalar."""
    y = _arr(y)
    if x is None:
        d = dx
    else:
        x = _arr(x, device=y._device_id)
        if x.ndim == 1:
            d = diff(x)
            shape = [1] * y.ndim
            shape[axis] = d.shape[0]
            d = d.reshape(tuple(shape))
        else:
            d = diff(x, axis=axis)
    nd = y.ndim
    slice1 = [slice(None)] * nd
    slice2 = [slice(None)] * nd
    slice1[axis] = slice(1, None)
    slice2[axis] = slice(None, -1)
    return _sum(_div(_mul(d, _add(y[tuple(slice1)], y[tuple(slice2)])), 2.0), axis)


def unwrap(p, discont=None, axis=-1, *, period=2 * numpy.pi):
    """Unwraps by taking the complement of large deltas with respect to the period, on the
    device (numpy.unwrap): a cumulative sum of the corrections along the axis."""
    p = _arr(p)
    nd = p.ndim
    dd = diff(p, axis=axis)
    if discont is None:
        discont = period / 2
    ax = normalize_axis_index(operator.index(axis), nd)
    slice1 = (slice(None),) * ax + (slice(1, None),)
    dtype = numpy.result_type(dd.dtype, getattr(period, "dtype", period))
    if dtype.kind in "iu":
        interval_high, rem = divmod(period, 2)
        boundary_ambiguous = rem == 0
    else:
        interval_high = period / 2
        boundary_ambiguous = True
    interval_low = -interval_high
    ddmod = _add(UFUNCS["remainder"](_sub(dd, interval_low), period), interval_low)
    if boundary_ambiguous:
        fix = UFUNCS["logical_and"](UFUNCS["equal"](ddmod, interval_low),
                                    UFUNCS["greater"](dd, 0))
        ddmod = _where(fix, interval_high, ddmod).astype(ddmod.dtype)
    ph_correct = _sub(ddmod, dd)
    ph_correct = _where(UFUNCS["less"](UFUNCS["absolute"](dd), discont), 0,
                        ph_correct).astype(ph_correct.dtype)
    up = p.astype(dtype, copy=True)
    up[slice1] = _add(p[slice1], cumsum(ph_correct, axis=ax))
    return up


# A single-value result is a NumPy scalar (see _scalars.py).
trapezoid = returns_scalar(trapezoid)

"""Whole-array reductions (axis=None). Axis reductions come with the
reductions issue; asking for them raises NotImplementedError."""
from . import _core


def _reduce(name, a, axis, dtype, out, keepdims, initial, where):
    from ._creation import asarray
    from ._ndarray import ndarray
    a = a if isinstance(a, ndarray) else asarray(a)
    if axis is not None:
        if a.ndim == 1 and axis in (0, -1, (0,), (-1,)):
            axis = None
        else:
            raise NotImplementedError(f"{name}: reductions over an axis are not implemented yet")
    for arg, what in ((dtype, "dtype"), (out, "out"), (initial, "initial")):
        if arg is not None:
            raise NotImplementedError(f"{name}: the '{what}' argument is not implemented yet")
    if where is not True:
        raise NotImplementedError(f"{name}: the 'where' argument is not implemented yet")
    r = _core.reduce_all(name, a)
    if keepdims:
        r = r.reshape((1,) * a.ndim)
    return r


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    return _reduce("sum", a, axis, dtype, out, keepdims, initial, where)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    return _reduce("prod", a, axis, dtype, out, keepdims, initial, where)


def max(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    return _reduce("max", a, axis, None, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    return _reduce("min", a, axis, None, out, keepdims, initial, where)


amax = max
amin = min

"""Choosing values by conditions on the device: select (a chain of where, the
first true condition wins) and piecewise (a function or value per
condition, written through boolean masks)."""
import collections.abc

import numpy

from .._creation._basic import zeros_like
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._dims import broadcast_shapes, broadcast_to
from .._manipulation._join import concatenate, stack
from .._ndarray import ndarray
from .._statistics._reductions import any as _any
from .._ufunc import UFUNCS, where

_PY_SCALARS = (int, float, complex)


def select(condlist, choicelist, default=0):
    """Elements from choicelist where the matching condition in condlist is true (the first
    true one wins), default elsewhere, on the device (numpy.select)."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    # Python scalars stay weak for the result dtype (NEP 50), as in NumPy.
    choices = [c if type(c) in _PY_SCALARS else _arr(c) for c in choicelist]
    choices.append(default if type(default) in _PY_SCALARS else _arr(default))
    try:
        dtype = numpy.result_type(*[c if type(c) in _PY_SCALARS else c.dtype for c in choices])
    except TypeError as e:
        raise TypeError(f"Choicelist and default value do not have a common dtype: {e}") \
            from None
    conds = [_arr(c) for c in condlist]
    cond_shape = broadcast_shapes(*[c.shape for c in conds])
    choice_shape = broadcast_shapes(*[numpy.shape(c) if type(c) in _PY_SCALARS else c.shape
                                      for c in choices])
    for i, c in enumerate(conds):
        if c.dtype.kind != "b":
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    shape = cond_shape if not choice_shape else broadcast_shapes(cond_shape, choice_shape)
    choices = [_arr(c, dtype=dtype) for c in choices]
    result = broadcast_to(choices[-1], shape)
    for choice, cond in zip(choices[-2::-1], conds[::-1]):
        result = where(broadcast_to(cond, shape), broadcast_to(choice, shape), result)
    return result.astype(dtype, copy=False)


def _first_is_array(condlist):
    """NumPy's isinstance(condlist[0], (list, ndarray)) (a device array's element is a
    scalar there, a 0-d array here)."""
    if isinstance(condlist, ndarray):
        return condlist.ndim > 1
    return isinstance(condlist[0], (list, ndarray, numpy.ndarray))


def piecewise(x, condlist, funclist, *args, **kw):
    """x evaluated piecewise: where condition i holds, funclist[i](x[cond], *args, **kw) (or
    the value funclist[i]); a last extra function covers where no condition holds
    (numpy.piecewise). The masks and writes run on the device; the functions get device
    arrays."""
    x = _arr(x)
    n2 = len(funclist)
    # undocumented (NumPy): a single condition is promoted to a list of one condition
    if numpy.isscalar(condlist) or (not _first_is_array(condlist) and x.ndim != 0):
        condlist = [condlist]
    if isinstance(condlist, ndarray):
        conds = condlist.astype(bool, copy=False)
    else:
        conds = stack([_arr(c).astype(bool, copy=False) for c in condlist])
    n = len(conds)
    if n == n2 - 1:  # the "otherwise" condition
        condelse = UFUNCS["logical_not"](_any(conds, axis=0, keepdims=True))
        conds = concatenate([conds, condelse], axis=0)
        n += 1
    elif n != n2:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    y = zeros_like(x)
    for i, func in enumerate(funclist):
        cond = conds[i] if conds.ndim > 1 else conds[i:i + 1].reshape(())
        if not isinstance(func, collections.abc.Callable):
            y[cond] = func
        else:
            vals = x[cond]
            if vals.size > 0:
                y[cond] = func(vals, *args, **kw)
    return y

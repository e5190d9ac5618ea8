"""NumPy's scalar types and dtype queries for ndaccel arrays and dtypes.

Everything here works on dtypes and shapes, on the host; an ndaccel array
stands for its dtype (NEP 50: arrays, 0-d ones included, promote by dtype,
Python scalars are weak) and is never copied to the host, except by
min_scalar_type of a 0-d array, whose answer depends on the value.
"""
import math

import numpy
from numpy.lib.array_utils import normalize_axis_tuple

from ._ndarray import ndarray

# NumPy's scalar types under NumPy's names: the concrete ones (aliases such
# as double, intc, longlong, bool included) and the abstract ones (generic,
# number, integer, inexact, ...). Those that are not device dtypes
# (longdouble, clongdouble, str_, object_, datetime64, ...) are exported for
# isinstance/issubdtype checks; creating an ndaccel array with one raises
# TypeError naming the dtype.
# (vars, not dir + getattr: that would import NumPy's lazy submodules.)
SCALAR_TYPES = {name: obj for name, obj in vars(numpy).items()
                if not name.startswith("_") and isinstance(obj, type)
                and issubclass(obj, numpy.generic)}

# Machine limits: NumPy's own classes (host facts about a dtype).
finfo = numpy.finfo
iinfo = numpy.iinfo


def _dtype_stand_in(x):
    """x with an ndaccel array replaced by its dtype."""
    return x.dtype if isinstance(x, ndarray) else x


def _dtype_only(x, what):
    """x for an argument NumPy reads as a dtype: an array there is NumPy's
    TypeError, whichever library holds it."""
    if isinstance(x, ndarray):
        raise TypeError(f"Cannot construct a dtype from an array ({what})")
    return x


def result_type(*arrays_and_dtypes):
    """The dtype NumPy's type promotion gives these arrays, dtypes and
    scalars (numpy.result_type, NEP 50: Python scalars are weak); ndaccel
    arrays count by their dtype, nothing is transferred."""
    return numpy.result_type(*(_dtype_stand_in(x) for x in arrays_and_dtypes))


def can_cast(from_, to, casting="safe"):
    """Whether a cast from from_ (dtype, scalar type, NumPy or ndaccel
    array) to dtype `to` follows the casting rule (numpy.can_cast; Python
    int/float/complex are a TypeError, as in NumPy 2)."""
    return numpy.can_cast(_dtype_stand_in(from_), _dtype_only(to, "can_cast's 'to'"), casting)


def promote_types(type1, type2, /):
    """The smallest dtype both dtypes cast to safely (numpy.promote_types);
    arrays are a TypeError, as in NumPy."""
    return numpy.promote_types(_dtype_only(type1, "promote_types"),
                               _dtype_only(type2, "promote_types"))


def min_scalar_type(a, /):
    """The smallest dtype holding the value of a scalar or 0-d array
    (numpy.min_scalar_type); an array with dimensions gives its dtype. A 0-d
    ndaccel array copies its one value to the host."""
    if isinstance(a, ndarray):
        return numpy.min_scalar_type(a.get()) if a.ndim == 0 else a.dtype
    return numpy.min_scalar_type(a)


def issubdtype(arg1, arg2):
    """Whether arg1 is lower than or equal to arg2 in NumPy's type hierarchy
    (numpy.issubdtype); arrays are a TypeError, as in NumPy."""
    return numpy.issubdtype(_dtype_only(arg1, "issubdtype"), _dtype_only(arg2, "issubdtype"))


def isdtype(dtype, kind):
    """Whether dtype is of the kind(s) named ('bool', 'signed integer',
    'real floating', ..., or dtypes) (numpy.isdtype, the array API's)."""
    return numpy.isdtype(dtype, kind)


def common_type(*arrays):
    """The inexact scalar type common to the arrays (numpy.common_type:
    integers count as float64, bool is a TypeError); ndaccel arrays count by
    their dtype, nothing is transferred."""
    return numpy.common_type(*(numpy.empty(0, a.dtype) if isinstance(a, ndarray) else a
                               for a in arrays))


def isscalar(element):
    """Whether element is a scalar: a NumPy scalar, a Python number, str or
    bytes (numpy.isscalar); arrays, 0-d ndaccel arrays included, are not."""
    return numpy.isscalar(element)


def ndim(a):
    """The number of dimensions of a (numpy.ndim); an ndaccel array's own,
    anything else through NumPy."""
    if isinstance(a, ndarray):
        return a.ndim
    return numpy.ndim(a)


def shape(a):
    """The shape of a (numpy.shape); an ndaccel array's own, anything else
    through NumPy."""
    if isinstance(a, ndarray):
        return a.shape
    return numpy.shape(a)


def size(a, axis=None):
    """The number of elements of a, or along the axis or axes given
    (numpy.size); an ndaccel array's own, anything else through NumPy."""
    if not isinstance(a, ndarray):
        return numpy.size(a, axis)
    if axis is None:
        return a.size
    axes = normalize_axis_tuple(axis, a.ndim, allow_duplicate=False)
    return math.prod(a.shape[ax] for ax in axes)

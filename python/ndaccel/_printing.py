"""Text forms of arrays and numbers: array2string, array_repr and array_str
format a host copy of a device array with NumPy (so the strings, and the
print options they follow, are NumPy's). NumPy's pure-Python helpers on
numbers and type codes (base_repr, binary_repr, typename, mintypecode,
format_float_positional, format_float_scientific) and its ufunc buffer
size (getbufsize, setbufsize) are re-exported unchanged."""
import numpy
from numpy import (base_repr, binary_repr, format_float_positional,  # noqa: F401 - re-exported
                   format_float_scientific, getbufsize, mintypecode, setbufsize, typename)

from ._ndarray import ndarray


def _host(a):
    return a.get() if isinstance(a, ndarray) else a


def array2string(a, *args, **kwargs):
    """The string form of an array, formatted by NumPy from a host copy; the arguments are
    numpy.array2string's (numpy.array2string)."""
    return numpy.array2string(_host(a), *args, **kwargs)


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    """The repr of an array (`array([...])`), formatted by NumPy from a host copy
    (numpy.array_repr)."""
    return numpy.array_repr(_host(arr), max_line_width, precision, suppress_small)


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    """The str of an array, formatted by NumPy from a host copy (numpy.array_str)."""
    return numpy.array_str(_host(a), max_line_width, precision, suppress_small)

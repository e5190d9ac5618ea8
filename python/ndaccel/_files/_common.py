"""The two crossings every file function makes: device arrays to NumPy for
writing, NumPy results to the device after reading."""
import numpy

from .._core import ndarray_base
from .._creation._from_data import asarray


def host(x):
    """x as NumPy sees it: a host copy of a device array, Fortran-ordered when the device
    array is (so numpy.save writes fortran_order as for the same NumPy array); anything
    else unchanged (NumPy converts it as it would)."""
    if not isinstance(x, ndarray_base):
        return x
    if x.ndim > 1 and not x.flags.c_contiguous and x.flags.f_contiguous:
        return x.T.get().T
    return x.get()


def to_device(h):
    """A NumPy result on the current device (TypeError naming the dtype when ndaccel has no
    such dtype: strings, objects, structured records)."""
    return asarray(numpy.asarray(h))


def no_like(like, name):
    if like is not None:
        raise NotImplementedError(f"{name}: the 'like' argument is not supported")

"""Index iteration on the host: ndindex, ndenumerate, iterable."""
import numpy

from ._ndarray import ndarray

# Tuples of indices in C order over a shape: NumPy's own class (it touches
# no array data).
ndindex = numpy.ndindex


class ndenumerate(numpy.ndenumerate):
    """Iterator of (index tuple, NumPy scalar) pairs over an array in C order
    (numpy.ndenumerate). An ndaccel array is copied to the host once, when
    the iterator is made (not one transfer per element); later writes to
    the device array do not show in the iteration."""

    def __init__(self, arr):
        super().__init__(arr.get() if isinstance(arr, ndarray) else arr)


def iterable(y):
    """Whether iter(y) works (numpy.iterable): True for ndaccel arrays with
    dimensions, False for 0-d ones and scalars."""
    return numpy.iterable(y)

"""Memory overlap of device arrays: shares_memory and may_share_memory.

Two ndaccel arrays can overlap only when they are views of the same device
buffer. Then the question is NumPy's, about byte offsets and strides only:
each array is described to NumPy by a stand-in host array with its
offset, shape, strides and item size at a fictitious address (never
dereferenced), and NumPy's solver answers (exactly for shares_memory,
by bounds for may_share_memory, and with NumPy's max_work rules)."""
import numpy

from .._ndarray import ndarray

# The fictitious base address of a device buffer in the stand-ins: high
# enough that negative strides stay above zero, and aligned.
_BASE = 1 << 44


class _Layout:
    """An object exposing one device array's layout as __array_interface__."""

    __slots__ = ("__array_interface__",)

    def __init__(self, a):
        self.__array_interface__ = {
            "data": (_BASE + a._offset, True), "shape": a.shape, "strides": a.strides,
            "typestr": f"|V{a.itemsize}", "version": 3}


def _overlap(numpy_fn, a, b, max_work):
    da, db = isinstance(a, ndarray), isinstance(b, ndarray)
    if not da and not db:
        return numpy_fn(a, b, max_work=max_work)  # host objects: NumPy's own answer
    if da != db:
        return False  # device memory and host memory
    if a._buffer_id != b._buffer_id:  # (reading it computes a pending array first)
        return False
    return bool(numpy_fn(numpy.asarray(_Layout(a)), numpy.asarray(_Layout(b)),
                         max_work=max_work))


def shares_memory(a, b, /, max_work=None):
    """Whether a and b share memory: some element of each lies on the same bytes of the same
    device buffer, solved exactly by default (numpy.shares_memory; max_work as NumPy's,
    numpy.exceptions.TooHardError when the work bound is hit)."""
    return _overlap(numpy.shares_memory, a, b, max_work)


def may_share_memory(a, b, /, max_work=None):
    """Whether a and b might share memory: views of the same device buffer whose byte extents
    overlap (numpy.may_share_memory; max_work as NumPy's)."""
    return _overlap(numpy.may_share_memory, a, b, max_work)

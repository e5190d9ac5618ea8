"""Arrays from raw bytes and iterables: fromfile, frombuffer, fromiter,
fromstring (ndarray.tofile and tobytes write what fromfile and frombuffer
read). Bytes are in C order and the machine's byte order, as NumPy's."""
import numpy

from ._common import no_like, to_device


def fromfile(file, dtype=float, count=-1, sep="", offset=0, *, like=None):
    """An array from a binary (sep='') or text file, on the current device (numpy.fromfile)."""
    no_like(like, "fromfile")
    return to_device(numpy.fromfile(file, dtype=dtype, count=count, sep=sep, offset=offset))


def frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None):
    """A 1-D array of a buffer's bytes, copied to the current device (numpy.frombuffer; the
    result does not share the buffer's memory, as a device array cannot)."""
    no_like(like, "frombuffer")
    return to_device(numpy.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromiter(iter, dtype, count=-1, *, like=None):
    """A 1-D array of an iterable's values, on the current device (numpy.fromiter)."""
    no_like(like, "fromiter")
    return to_device(numpy.fromiter(iter, dtype=dtype, count=count))


def fromstring(string, dtype=float, count=-1, *, sep="", like=None):
    """A 1-D array of the numbers in a text string, on the current device
    (numpy.fromstring; sep="" raises ValueError, as NumPy 2 removed the binary mode)."""
    no_like(like, "fromstring")
    return to_device(numpy.fromstring(string, dtype=dtype, count=count, sep=sep))

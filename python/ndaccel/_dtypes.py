"""Dtype codes shared with the C core (core/include/nda/dtype.h order)."""
import numpy

SUPPORTED = (
    numpy.bool_, numpy.int8, numpy.uint8, numpy.int16, numpy.uint16, numpy.int32,
    numpy.uint32, numpy.int64, numpy.uint64, numpy.float16, numpy.float32, numpy.float64,
    numpy.complex64, numpy.complex128,
)
_CODE = {numpy.dtype(t): i for i, t in enumerate(SUPPORTED)}
DTYPES = tuple(numpy.dtype(t) for t in SUPPORTED)


def normalize(dtype):
    """numpy.dtype for a user's dtype argument; TypeError if unsupported."""
    try:
        dt = numpy.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"data type {dtype!r} not understood") from exc
    dt = dt.newbyteorder("=") if dt.byteorder not in ("=", "|") else dt
    if dt not in _CODE:
        raise TypeError(f"ndaccel does not support dtype {dt} "
                        f"(supported: bool, int8-64, uint8-64, float16/32/64, complex64/128)")
    return dt


def code(dtype):
    """C dtype code of a dtype argument."""
    return _CODE[normalize(dtype)]


def host_values(value, dtype):
    """value (anything but an ndaccel array) as a host numpy array to store
    into an array of `dtype`. Numeric data keeps its own dtype (the store
    casts it); strings, None and other objects go through NumPy's own
    conversion to `dtype`, so a[0] = "2.5" works and a[0] = "x" raises
    NumPy's ValueError, as in NumPy."""
    h = numpy.asarray(value)
    if h.dtype.kind in "OUSV":
        h = numpy.asarray(value, dtype=dtype)
    return h

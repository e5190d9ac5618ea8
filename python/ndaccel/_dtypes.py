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
        raise unsupported(dt)
    return dt


_KIND_NAMES = {"U": "unicode string", "S": "bytes", "T": "string", "O": "Python object",
               "M": "datetime", "m": "timedelta", "V": "void", "f": "extended-precision float",
               "c": "extended-precision complex"}


_SUPPORTED_KINDS = ("supported kinds are bool, integer (int8-64, uint8-64), float "
                    "(float16/32/64), complex (complex64/128)")


def unsupported(dt):
    """The TypeError for an unsupported dtype, naming its kind."""
    kind = "structured" if dt.names else _KIND_NAMES.get(dt.kind, f"kind {dt.kind!r}")
    return TypeError(f"ndaccel does not support dtype {dt} ({kind}): {_SUPPORTED_KINDS}")


def check_host(h):
    """Raises the error naming the real cause when NumPy's conversion of the
    user's data gave an unsupported dtype: OverflowError for a Python int
    outside int64/uint64 (NumPy 2 makes an object array of it), else
    unsupported()'s TypeError."""
    if h.dtype.kind == "O":
        for v in h.flat:  # the error path only: host objects
            if type(v) is int and not -2**63 <= v < 2**64:
                raise OverflowError(f"Python integer {v} is out of range of int64 and uint64 "
                                    "(NumPy would hold it in an object array; ndaccel has no "
                                    "object dtype)")
        other = [v for v in h.flat if not isinstance(v, (bool, int, float, complex))][:1]
        what = f", here a {type(other[0]).__name__}" if other else ""
        raise TypeError(f"ndaccel does not support dtype object (Python objects{what}): "
                        f"{_SUPPORTED_KINDS}")
    if numpy.dtype(h.dtype).newbyteorder("=") not in _CODE and h.dtype not in _CODE:
        raise unsupported(h.dtype)


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


def store_scalar(dtype, value):
    """A Python scalar as NumPy stores it into an array of `dtype`: a float
    goes into an integer array through int() (NaN raises ValueError, inf
    OverflowError, and the int must then fit the dtype: a[0] = -1.5 on
    uint8 is an OverflowError, as a[0] = -1), a complex into a bool array
    through bool()."""
    if type(value) is float and dtype.kind in "iu":
        return int(value)
    if dtype.kind == "b" and type(value) is complex:
        return bool(value)
    return value

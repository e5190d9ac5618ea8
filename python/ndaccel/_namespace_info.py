"""The array API's inspection object, ndaccel.__array_namespace_info__():
what the namespace can do, its devices, and its default and supported
dtypes per device (float64/complex128 only where the device has double
precision). Dtypes are numpy.dtype objects, as NumPy's own answer."""
import numpy

from . import _device

_KINDS = {
    "bool": ("bool",),
    "signed integer": ("int8", "int16", "int32", "int64"),
    "unsigned integer": ("uint8", "uint16", "uint32", "uint64"),
    "real floating": ("float32", "float64"),
    "complex floating": ("complex64", "complex128"),
}
_KINDS["integral"] = _KINDS["signed integer"] + _KINDS["unsigned integer"]
_KINDS["numeric"] = _KINDS["integral"] + _KINDS["real floating"] + _KINDS["complex floating"]
_ALL = _KINDS["bool"] + _KINDS["numeric"]
_DOUBLE = ("float64", "complex128")


def _has_fp64(device):
    dev = _device.Device(_device.resolve(device))
    return dev.info.get("has_fp64", True)


class __array_namespace_info__:
    """The array API's namespace inspection object (numpy.__array_namespace_info__)."""

    __module__ = "ndaccel"

    def capabilities(self):
        """Boolean-mask indexing and data-dependent output shapes (nonzero, unique) are
        supported; arrays have at most 64 dimensions."""
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self):
        """The current device (ndaccel.get_device())."""
        return _device.get_device()

    def devices(self):
        """Every device of every available backend."""
        return _device.devices()

    def default_dtypes(self, *, device=None):
        """The dtypes creation functions pick: float64, complex128 and int64 (int64 for
        indexing), float32/complex64 on a device without double precision."""
        double = _has_fp64(device)
        return {"real floating": numpy.dtype(numpy.float64 if double else numpy.float32),
                "complex floating": numpy.dtype(numpy.complex128 if double else numpy.complex64),
                "integral": numpy.dtype(numpy.int64),
                "indexing": numpy.dtype(numpy.int64)}

    def dtypes(self, *, device=None, kind=None):
        """The array API dtypes `device` supports, by name, for `kind` (None: all; a kind
        name, or a tuple of them)."""
        if kind is None:
            names = _ALL
        else:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            names = []
            for k in kinds:
                if k not in _KINDS:
                    raise ValueError(f"unsupported dtype kind {k!r} (one of: "
                                     f"{', '.join(_KINDS)})")
                names += [n for n in _KINDS[k] if n not in names]
        if not _has_fp64(device):
            names = [n for n in names if n not in _DOUBLE]
        return {n: numpy.dtype(n) for n in names}

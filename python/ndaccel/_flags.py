"""ndarray.flags and ndarray.setflags: NumPy's memory-layout flags of a device array.

The bits live on the C array object (python/ext/array_object.c): a cleared
WRITEABLE makes every _core entry point that writes into the array (assign,
fill, scatter, ufunc out=, random fills, library outputs) raise NumPy's
ValueError, and views taken afterwards inherit it. OWNDATA is `a.base is None`
(views record the array owning the buffer, as NumPy's do). Device arrays are
always aligned; ALIGNED can still be cleared and set back, as in NumPy.
"""

# NumPy's flag bits (numpy/_core/include/numpy/ndarraytypes.h), for flags.num.
_C = 0x1
_F = 0x2
_OWNDATA = 0x4
_ALIGNED = 0x100
_WRITEABLE = 0x400
_WRITEBACKIFCOPY = 0x2000
_BEHAVED = _ALIGNED | _WRITEABLE

_REPR_ORDER = (("C_CONTIGUOUS", _C), ("F_CONTIGUOUS", _F), ("OWNDATA", _OWNDATA),
               ("WRITEABLE", _WRITEABLE), ("ALIGNED", _ALIGNED),
               ("WRITEBACKIFCOPY", _WRITEBACKIFCOPY))


def require_writeable(a, message="assignment destination is read-only"):
    """Raises NumPy's ValueError(message) when a's WRITEABLE flag is cleared."""
    if not a._writeable:
        raise ValueError(message)


def flag_bits(a):
    """NumPy's flags integer (flags.num) of the ndaccel array a, now."""
    n = 0
    if a._c_contiguous:
        n |= _C
    if a._f_contiguous:
        n |= _F
    if a.base is None:
        n |= _OWNDATA
    if a._aligned:
        n |= _ALIGNED
    if a._writeable:
        n |= _WRITEABLE
    return n


def setflags(a, write=None, align=None, uic=None):
    """ndarray.setflags on a device array, with NumPy's rules: WRITEABLE can
    be set back to True only on an array owning its data or whose base is
    writeable; WRITEBACKIFCOPY can only be cleared. On an error no flag
    changes."""
    saved = (a._writeable, a._aligned)
    try:
        if align is not None:
            a._aligned = bool(align)  # device buffers and views are always aligned
        if uic is not None and uic:
            raise ValueError("cannot set WRITEBACKIFCOPY flag to True")
        if write is not None:
            if write:
                base = a.base
                if base is not None and not base._writeable:
                    raise ValueError("cannot set WRITEABLE flag to True of this array")
                a._writeable = True
            else:
                a._writeable = False
    except BaseException:
        a._writeable, a._aligned = saved
        raise


def _getter(bits, exclude=0):
    def get(self):
        return (self._num & bits) == bits and not (self._num & exclude)
    return get


def _settable(bits, keyword, name):
    def set_(self, value):
        if self._arr is None:
            raise ValueError("Cannot set flags on array scalars.")
        setflags(self._arr, **{keyword: bool(value)})

    def delete(self):
        raise AttributeError(f"Cannot delete flags {name} attribute")
    return property(_getter(bits), set_, delete)


class flagsobj:
    """numpy.flagsobj for an ndaccel array: a snapshot of the array's flags
    when `a.flags` was read (as NumPy's). Attributes (c_contiguous, writeable,
    behaved, ...) and items ('C_CONTIGUOUS', 'C', 'W', 'FNC', ...) read it;
    setting writeable, aligned or writebackifcopy calls a.setflags."""

    __slots__ = ("_arr", "_num")
    __hash__ = None

    def __init__(self, arr):
        self._arr = arr
        self._num = flag_bits(arr)

    c_contiguous = property(_getter(_C))
    contiguous = c_contiguous
    f_contiguous = property(_getter(_F))
    fortran = f_contiguous
    owndata = property(_getter(_OWNDATA))
    writeable = _settable(_WRITEABLE, "write", "writeable")
    aligned = _settable(_ALIGNED, "align", "aligned")
    writebackifcopy = _settable(_WRITEBACKIFCOPY, "uic", "writebackifcopy")
    fnc = property(_getter(_F, exclude=_C))
    forc = property(lambda self: bool(self._num & (_C | _F)))
    behaved = property(_getter(_BEHAVED))
    carray = property(_getter(_BEHAVED | _C))
    # NumPy's farray is "any of ALIGNED, WRITEABLE, F_CONTIGUOUS, and not C"
    # (flagsobject.c), so it is True for non-contiguous arrays too.
    farray = property(lambda self: bool(self._num & (_BEHAVED | _F)) and not self._num & _C)

    @property
    def num(self):
        return self._num

    _ITEMS = {"C_CONTIGUOUS": "c_contiguous", "C": "c_contiguous", "CONTIGUOUS": "c_contiguous",
              "F_CONTIGUOUS": "f_contiguous", "F": "f_contiguous", "FORTRAN": "f_contiguous",
              "OWNDATA": "owndata", "O": "owndata", "WRITEABLE": "writeable", "W": "writeable",
              "ALIGNED": "aligned", "A": "aligned", "WRITEBACKIFCOPY": "writebackifcopy",
              "X": "writebackifcopy", "FNC": "fnc", "FORC": "forc", "BEHAVED": "behaved",
              "B": "behaved", "CARRAY": "carray", "CA": "carray", "FARRAY": "farray",
              "FA": "farray"}
    _SETTABLE = frozenset(("writeable", "aligned", "writebackifcopy"))

    @classmethod
    def _attribute(cls, key, setting=False):
        if isinstance(key, bytes):
            key = key.decode("ascii", "replace")
        name = cls._ITEMS.get(key) if isinstance(key, str) else None
        if name is None or (setting and name not in cls._SETTABLE):
            raise KeyError("Unknown flag")
        return name

    def __getitem__(self, key):
        return getattr(self, self._attribute(key))

    def __setitem__(self, key, value):
        setattr(self, self._attribute(key, setting=True), value)

    def __eq__(self, other):
        if not isinstance(other, flagsobj):
            return NotImplemented
        return self._num == other._num

    def __ne__(self, other):
        if not isinstance(other, flagsobj):
            return NotImplemented
        return self._num != other._num

    def __repr__(self):
        return "".join(f"  {name} : {bool(self._num & bit)}\n" for name, bit in _REPR_ORDER)

    __str__ = __repr__

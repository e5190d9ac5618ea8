"""ndaccel.ndarray: NumPy's array interface over a device buffer.

The class and what it needs only the foundation modules for: conversions,
attributes, views (reshape, transpose, view), copies, pickling and the
operators. It imports nothing above it: indexing (a[key]), reductions,
sorting, matmul and the other methods built on the modules above are
attached to the class by _array_methods.py, which the package imports
last."""
import operator
import sys
import warnings

import numpy
from numpy.exceptions import AxisError

from . import _core, _dtypes, _flags, _pickling, _transfer
from ._creation._basic import zeros
from ._creation._from_data import to_device
from ._device import Device
from ._indexing._views import _element, _is_element_key
from ._frames import called_from_user
from ._scalars import numpy_scalar
from ._ufunc import UFUNCS, _PY_SCALARS, operator_power

# The array API versions __array_namespace__ accepts (None: the latest).
_API_VERSIONS = (None, "2021.12", "2022.12", "2023.12", "2024.12")


def _binary(name, reflected=False, inplace=False):
    """self op other (other op self when reflected, self op= other when
    inplace) for the operands the C slot of the operator
    (python/ext/operators.c) does not take itself: NumPy arrays and
    scalars, lists, subclasses of Python scalars, `**` but NumPy's float
    fast paths; NotImplemented for anything else."""
    uf = UFUNCS[name]
    power = name == "power"  # the integer negative-power check, float16 fast paths

    def op(self, other):
        if not _is_operand(other):
            return NotImplemented
        if power and not reflected and not inplace:
            r = operator_power(self, other)  # float16 ** 2, -1, 0.5: NumPy's fast path
            if r is not None:
                return r
        if inplace:
            return uf(self, other, out=self)
        r = uf(other, self) if reflected else uf(self, other)
        if isinstance(r, ndarray) and r.ndim == 0 and called_from_user():
            return numpy_scalar(r)  # NumPy's scalar result (see _scalars.py)
        return r
    op.__name__ = f"__{'i' if inplace else 'r' if reflected else ''}{name}__"
    return op


def _numpy_converts_size1_arrays():
    """Whether this NumPy still turns size-1 n-d arrays into Python scalars."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            float(numpy.ones(1))
            return True
        except TypeError:
            return False


_SIZE1_TO_SCALAR = _numpy_converts_size1_arrays()


def _order_arg(order, default):
    """An order argument as "C", "F", "A" or "K" (None: default); ValueError
    with NumPy's message for anything else."""
    if order is None:
        return default
    if not isinstance(order, str):
        raise TypeError(f"order must be str, not {type(order).__name__}")
    if len(order) == 1 and order.upper() in "CFAK":
        return order.upper()
    raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")


_CLASS = type
_ARRAY_TYPES = (numpy.ndarray, _core.ndarray_base)


def _check_view_type(cls):
    """view(type=cls): only ndaccel.ndarray itself (no subclasses)."""
    if not (isinstance(cls, _CLASS) and issubclass(cls, _ARRAY_TYPES)):
        raise ValueError("Type must be a sub-type of ndarray type")
    if cls is ndarray:
        return
    if issubclass(cls, _core.ndarray_base):
        raise NotImplementedError(f"view(type={cls.__name__}): ndaccel does not support "
                                  "ndarray subclasses")
    raise TypeError(f"view(type={cls.__module__}.{cls.__name__}): ndaccel does not support "
                    "ndarray subclasses, and a device array cannot be viewed as a host "
                    "numpy array (use .get() for a host copy)")


def _is_operand(x):
    return isinstance(x, (ndarray, numpy.ndarray, numpy.generic, list, tuple) + _PY_SCALARS)


def _reshape_nocopy(a, shape):
    """Strides for a view of `a` with `shape`, or None when a copy is needed
    (NumPy's _attempt_nocopy_reshape, C order)."""
    old = [(n, s) for n, s in zip(a.shape, a.strides) if n != 1]
    new_strides = [0] * len(shape)
    oi = ni = 0
    no, nn = len(old), len(shape)
    if a.size == 0:
        return None
    while ni < nn and oi < no:
        np_, op_ = shape[ni], old[oi][0]
        nj, oj = ni + 1, oi + 1
        while np_ != op_:
            if np_ < op_:
                np_ *= shape[nj]
                nj += 1
            else:
                op_ *= old[oj][0]
                oj += 1
        for k in range(oi, oj - 1):
            if old[k][1] != old[k + 1][0] * old[k + 1][1]:
                return None
        new_strides[nj - 1] = old[oj - 1][1]
        for k in range(nj - 1, ni, -1):
            new_strides[k - 1] = new_strides[k] * shape[k]
        ni, oi = nj, oj
    last = new_strides[ni - 1] if ni >= 1 else a.itemsize
    for k in range(ni, nn):
        new_strides[k] = last
    return tuple(new_strides)


class _FlatIter:
    """numpy.flatiter over an ndaccel array (C order)."""

    __slots__ = ("base",)

    def __init__(self, base):
        self.base = base

    def _flat(self, writing):
        b = self.base
        if writing and not b._c_contiguous:
            raise NotImplementedError("assignment through .flat of a non-contiguous array")
        return b.reshape(-1)

    def __len__(self):
        return self.base.size

    def __iter__(self):
        return iter(self._flat(False))

    def __getitem__(self, key):
        flat = self._flat(False)
        if _is_element_key(key, 1):
            return _element(flat, (key,))  # NumPy's scalar
        return flat[key]

    def __setitem__(self, key, value):
        _flags.require_writeable(self.base, "underlying array is read-only")
        self._flat(True)[key] = value


class ndarray(_core.ndarray_base):
    """An array on a device (OpenCL or CUDA), with NumPy's semantics."""

    __slots__ = ()
    __array_priority__ = 100
    # __array_ufunc__ and __array_function__ (NumPy's functions on ndaccel
    # arrays) are attached by _array_methods.py: they dispatch to the
    # package's functions, built above this class.
    __hash__ = None

    # ---- conversion -------------------------------------------------
    def get(self, stream=None, order="C", out=None):
        """Host numpy.ndarray copy."""
        h = _core.to_numpy(self)
        if out is not None:
            out[...] = h
            return out
        return h

    def __array__(self, dtype=None, copy=None):
        if copy is False:
            raise ValueError("ndaccel arrays live on a device: converting to NumPy always copies")
        if called_from_user():
            _transfer.implicit("numpy.asarray() (__array__) of an ndaccel array")
        h = self.get()
        return h if dtype is None else h.astype(dtype, copy=False)

    def tolist(self):
        """The elements as (nested) Python scalars, copied to the host (numpy.ndarray.tolist)."""
        return self.get().tolist()

    def tobytes(self, order="C"):
        """The elements' bytes in C (or order='F': Fortran) order, copied to the host
        (numpy.ndarray.tobytes)."""
        return self.get().tobytes(order=order)

    def tofile(self, fid, /, sep="", format="%s"):
        """Writes the elements to a file as raw bytes in C order, or as text with sep
        (numpy.ndarray.tofile)."""
        self.get().tofile(fid, sep=sep, format=format)

    def item(self, *args):
        """One element as a Python scalar (numpy.ndarray.item).

        Copies the whole array to the host first."""
        if not args and self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self.get().item(*args)

    def _scalar(self, kind):
        if called_from_user(3):
            _transfer.implicit(f"{kind.__name__}() of an array")
        if self.ndim != 0 and (self.size != 1 or not _SIZE1_TO_SCALAR):
            # NumPy >= 2.? converts only 0-d arrays (size-1 n-d ones were deprecated).
            raise TypeError("only 0-dimensional arrays can be converted to Python scalars"
                            if not _SIZE1_TO_SCALAR else
                            "only length-1 arrays can be converted to Python scalars")
        return kind(self.get().reshape(()))

    def __bool__(self):
        if self.size == 0:
            raise ValueError("The truth value of an empty array is ambiguous. Use "
                             "`array.size > 0` to check that an array is not empty.")
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is "
                             "ambiguous. Use a.any() or a.all()")
        if called_from_user():
            _transfer.implicit("bool() of an array (an `if` or `while` on it)")
        return bool(self.get().reshape(()))

    def __float__(self):
        return self._scalar(float)

    def __int__(self):
        return self._scalar(int)

    def __complex__(self):
        return self._scalar(complex)

    def __index__(self):
        if self.ndim != 0 or self.dtype.kind not in "iub":
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        if called_from_user():
            _transfer.implicit("operator.index() of an array (used as an index or a size)")
        return int(self.get())

    def __repr__(self):
        return repr(self.get())

    def __str__(self):
        return str(self.get())

    def __format__(self, spec):
        return format(self.get(), spec)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        if self.ndim == 1:  # NumPy scalars, read one by one (the array may change meanwhile)
            return (_element(self, (i,)) for i in range(self.shape[0]))
        return (self[i] for i in range(self.shape[0]))

    # ---- the array API ----------------------------------------------
    def __array_namespace__(self, /, *, api_version=None):
        """The ndaccel module: the array API namespace of this array."""
        if api_version not in _API_VERSIONS:
            raise ValueError(f"Version \"{api_version}\" of the Array API Standard is not "
                             f"supported (supported: {', '.join(_API_VERSIONS[1:])})")
        return sys.modules[__package__]

    def to_device(self, device, /, *, stream=None):
        """This array on `device`: itself when it is there, else a copy through the host."""
        return to_device(self, device, stream=stream)

    # ---- attributes -------------------------------------------------
    @property
    def device(self):
        """The Device holding this array (the array API's ndarray.device)."""
        return Device(self._device_id)

    @property
    def T(self):
        """The transposed array as a view, no copy (numpy.ndarray.T)."""
        return self.transpose()

    @property
    def mT(self):
        """A view with the last two axes swapped, no copy (numpy.ndarray.mT)."""
        if self.ndim < 2:
            raise ValueError("matrix transpose with ndim < 2 is undefined")
        return self.swapaxes(-1, -2)

    @property
    def flags(self):
        """NumPy's flags object (attributes, items, repr); see _flags.py."""
        return _flags.flagsobj(self)

    def setflags(self, write=None, align=None, uic=None):
        """NumPy's ndarray.setflags: write=False makes every write raise."""
        _flags.setflags(self, write, align, uic)

    @property
    def real(self):
        """The real parts: a view for complex arrays, the array itself otherwise."""
        if self.dtype.kind != "c":
            return self
        return self._component(0)

    @real.setter
    def real(self, value):
        self.real[...] = value

    @property
    def imag(self):
        """The imaginary parts: a view for complex arrays; zeros otherwise."""
        if self.dtype.kind != "c":
            z = zeros(self.shape, self.dtype, device=self._device_id)
            z._writeable = False  # NumPy's imag of a real array is read-only
            return z
        return self._component(self.itemsize // 2)

    @imag.setter
    def imag(self, value):
        if self.dtype.kind != "c":
            raise TypeError("array does not have imaginary part to set")
        self.imag[...] = value

    def _component(self, byte_off):
        dt = numpy.float32 if self.dtype == numpy.complex64 else numpy.float64
        base = self[...]  # a materialised view (shape, strides, offset)
        return _core.view(base, base._offset + byte_off, base.shape, base.strides,
                          _dtypes.code(dt))

    def view(self, dtype=None, type=None):
        """A view of the same bytes as another dtype. A different itemsize
        rescales the last axis, which must be contiguous (NumPy's rules).
        Array types other than ndaccel.ndarray (subclasses, numpy's) raise."""
        if type is None and isinstance(dtype, _CLASS) and issubclass(dtype, _ARRAY_TYPES):
            dtype, type = None, dtype  # NumPy's view(cls)
        if type is not None:
            _check_view_type(type)
        if dtype is None:
            return self[...]
        dt = _dtypes.normalize(dtype)
        base = self[...]
        shape, strides = base.shape, base.strides
        old, new = self.itemsize, dt.itemsize
        if new != old:
            if self.ndim == 0:
                raise ValueError("Changing the dtype of a 0d array is only supported if the "
                                 "itemsize is unchanged")
            if shape[-1] != 1 and self.size != 0 and strides[-1] != old:
                raise ValueError("To change to a dtype of a different size, the last axis "
                                 "must be contiguous")
            if new > old and (shape[-1] * old) % new:
                raise ValueError("When changing to a larger dtype, its size must be a divisor "
                                 "of the total size in bytes of the last axis of the array.")
            shape = shape[:-1] + (shape[-1] * old // new,)
            strides = strides[:-1] + (new,)
            if base._offset % new or any(st % new for st in strides):
                raise NotImplementedError(f"view as {dt} of an array not aligned to {new} "
                                          "bytes is not implemented yet")
        return _core.view(base, base._offset, shape, strides, _dtypes.code(dt))

    @property
    def flat(self):
        """A flat iterator: indexing, assignment and iteration in C order."""
        return _FlatIter(self)

    def conj(self):
        """The complex conjugate, elementwise on the device (numpy.ndarray.conj, conjugate)."""
        return UFUNCS["conjugate"](self)

    conjugate = conj

    # ---- copies and views -------------------------------------------
    def __copy__(self):
        """copy.copy: a new array on the same device, NumPy's order='K' layout."""
        return _pickling.copy_keep_order(self)

    def __deepcopy__(self, memo):
        """copy.deepcopy: as __copy__ (device arrays hold no Python objects)."""
        return _pickling.copy_keep_order(self)

    def __reduce_ex__(self, protocol):
        """pickle: values, dtype, shape, order and device id; protocol 5 buffers
        may go out of band. Unpickles on the current device when the
        recorded one is absent."""
        return _pickling.reduce_ex(self, protocol)

    def __reduce__(self):
        """pickle at protocols below 5 (the values in band); see __reduce_ex__."""
        return _pickling.reduce_ex(self, 2)

    def copy(self, order="C"):
        """A C-ordered device copy (numpy.ndarray.copy); order='F' raises NotImplementedError."""
        order = _order_arg(order, "K")
        if order not in ("C", "K", "A"):
            raise NotImplementedError(f"copy(order={order!r}) is not implemented yet")
        return _core.astype(self, self._dtype_code)

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        """A device copy cast to dtype (numpy.ndarray.astype); self when copy=False and the dtype
        matches. 'order' and 'subok' are ignored."""
        dt = _dtypes.normalize(dtype)
        if not _core.can_cast(self._dtype_code, _dtypes.code(dt), casting):
            raise TypeError(f"Cannot cast array data from dtype('{self.dtype}') to "
                            f"dtype('{dt}') according to the rule '{casting}'")
        if dt == self.dtype and not copy:
            return self
        return _core.astype(self, _dtypes.code(dt))

    def fill(self, value):
        """Sets every element to value, on the device (numpy.ndarray.fill)."""
        if isinstance(value, ndarray):
            self[...] = value
            return
        if isinstance(value, (numpy.generic, numpy.ndarray)):
            value = value.item() if numpy.ndim(value) == 0 else value
        if type(value) not in _PY_SCALARS:
            try:
                value = complex(value) if isinstance(value, complex) else float(value)
            except TypeError:
                raise TypeError(f"cannot fill an array with a '{type(value).__name__}'") from None
        _core.fill(self, _dtypes.store_scalar(self.dtype, value))

    def reshape(self, *shape, order="C", copy=None):
        """The array with a new shape: a view where the layout allows, else a device copy
        (numpy.ndarray.reshape). order='F' raises NotImplementedError."""
        order = _order_arg(order, "C")
        if order == "K":
            raise ValueError("order 'K' is not permitted for reshaping")
        if order not in ("C", "A"):
            raise NotImplementedError(f"reshape(order={order!r}) is not implemented yet")
        if len(shape) == 1 and not isinstance(shape[0], int) and hasattr(shape[0], "__iter__"):
            try:
                shape = (operator.index(shape[0]),)  # a 0-d integer array
            except TypeError:
                shape = tuple(shape[0])
        shape = tuple(int(s.__index__()) if hasattr(s, "__index__") else s for s in shape)
        for s in shape:
            if not isinstance(s, int):
                raise TypeError(f"'{type(s).__name__}' object cannot be interpreted as an integer")
        unknown = [i for i, s in enumerate(shape) if s < 0]
        if len(unknown) > 1:  # NumPy: any negative size is the unknown one
            raise ValueError("can only specify one unknown dimension")
        known = 1
        for s in shape:
            if s >= 0:
                known *= s
        if unknown:
            if known == 0 or self.size % known:
                raise ValueError(f"cannot reshape array of size {self.size} into shape "
                                 f"{tuple(shape)}")
            shape = tuple(self.size // known if s < 0 else s for s in shape)
        elif known != self.size:
            raise ValueError(f"cannot reshape array of size {self.size} into shape {shape}")
        if self._c_contiguous:
            strides, st = [], self.itemsize
            for s in reversed(shape):
                strides.append(st)
                st *= max(s, 1)
            return _core.view(self, self._offset, shape, tuple(reversed(strides)))
        strides = _reshape_nocopy(self, shape)
        if strides is not None and copy is not True:
            return _core.view(self, self._offset, shape, strides)
        if copy is False:
            raise ValueError("Unable to avoid copy while reshaping.")
        return self.copy().reshape(shape)

    def _shape_view(self, shape):
        """A view of self with `shape` for `a.shape = shape` (the C setter
        adopts its layout): ValueError when the sizes differ, AttributeError
        (NumPy's) when the new shape needs a copy."""
        try:
            return self.reshape(shape, copy=False)
        except ValueError as exc:
            if "avoid copy" not in str(exc):
                raise
        raise AttributeError("Incompatible shape for in-place modification. Use `.reshape()` "
                             "to make a copy with the desired shape.")

    def ravel(self, order="C"):
        """A 1-D view (a copy when the layout needs one) (numpy.ndarray.ravel).

        order='F', and order='K' of a non-C-contiguous array, raise NotImplementedError."""
        order = _order_arg(order, "C")
        if order == "K":
            if not self._c_contiguous:
                raise NotImplementedError("ravel(order='K') of a non-C-contiguous array is "
                                          "not implemented yet")
            order = "C"
        return self.reshape(-1, order=order)

    def flatten(self, order="C"):
        """A 1-D device copy in C or Fortran order (numpy.ndarray.flatten); 'A'/'K'
        follow the array's layout."""
        order = _order_arg(order, "C")
        if order == "K" and not (self._c_contiguous or self._f_contiguous):
            # NumPy's K: axes by decreasing |stride| (ties in C order), directions kept
            axes = sorted(range(self.ndim), key=lambda i: -abs(self.strides[i]))
            return self.transpose(axes).copy().reshape(-1)
        if order == "F" or (order in "AK" and self._f_contiguous and not self._c_contiguous):
            return self.transpose().copy().reshape(-1)
        return self.copy().reshape(-1)

    def transpose(self, *axes):
        """A view with the axes permuted (reversed by default), no copy
        (numpy.ndarray.transpose)."""
        if not axes or (len(axes) == 1 and axes[0] is None):
            axes = tuple(reversed(range(self.ndim)))
        elif len(axes) == 1 and hasattr(axes[0], "__iter__"):
            axes = tuple(axes[0])
        if len(axes) != self.ndim:
            raise ValueError("axes don't match array")
        norm = []
        for ax in axes:
            ax = int(ax)
            if ax < -self.ndim or ax >= self.ndim:
                raise AxisError(ax, self.ndim)
            norm.append(ax % self.ndim)
        if sorted(norm) != list(range(self.ndim)):
            raise ValueError("repeated axis in transpose")
        return _core.view(self, self._offset, tuple(self.shape[a] for a in norm),
                          tuple(self.strides[a] for a in norm))

    def swapaxes(self, axis1, axis2):
        """A view with two axes interchanged, no copy (numpy.ndarray.swapaxes)."""
        axes = list(range(self.ndim))
        for ax in (axis1, axis2):
            if ax < -self.ndim or ax >= self.ndim:
                raise AxisError(ax, self.ndim)
        a1, a2 = axis1 % self.ndim, axis2 % self.ndim
        axes[a1], axes[a2] = axes[a2], axes[a1]
        return self.transpose(axes)

    # ---- operators --------------------------------------------------
    # +, -, *, /, //, %, **, &, |, ^, <<, >> (and their in-place forms), the
    # six comparisons and unary -, +, abs, ~ are C slots of
    # _core.ndarray_base (python/ext/operators.c), registered below the
    # class with the Python functions of their general cases.

    def __divmod__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return UFUNCS["floor_divide"](self, other), UFUNCS["remainder"](self, other)

    def __rdivmod__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return UFUNCS["floor_divide"](other, self), UFUNCS["remainder"](other, self)


_core._set_array_type(ndarray)  # the extension makes its arrays of this class

_OPERATORS = ("add", "subtract", "multiply", "true_divide", "floor_divide", "remainder",
              "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "power")
_COMPARISONS = ("less", "less_equal", "equal", "not_equal", "greater", "greater_equal")


def _operator_result(r):
    """A 0-d operator result: a NumPy scalar when the operator was written
    outside the package (NumPy's operators return scalars), else r."""
    return numpy_scalar(r) if called_from_user() else r


_core._set_operators(
    {n: (UFUNCS[n].__name__, _binary(n), _binary(n, reflected=True), _binary(n, inplace=True))
     for n in _OPERATORS},
    {n: (UFUNCS[n].__name__, _binary(n)) for n in _COMPARISONS},
    {n: (UFUNCS[n].__name__,) for n in ("negative", "positive", "absolute", "invert")},
    _operator_result)

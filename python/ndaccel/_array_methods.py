"""The methods of ndarray and ufunc that are built on modules above their
classes (indexing, reductions, sorting, matmul, ...), attached to the
classes here. The package imports this module last: the classes themselves
(_ndarray.py, _ufunc.py) import nothing above the foundation modules."""
import gc
import sys
import types

from . import _array_members, _cuda_array_interface, _dlpack, _flags, _protocols
from ._indexing import _nonzero, _take
from ._indexing._diagonal import diagonal
from ._indexing._subscript import getitem, setitem
from .linalg import _matmul, _products
from ._indexing._take import choose, compress
from ._manipulation._dims import squeeze
from ._manipulation._tiling import repeat
from ._math import _cumulative, _rounding, _ufunc_methods
from ._math._misc import _clip
from ._ndarray import _is_operand, ndarray
from ._scalars import returns_scalar
from ._sorting import _search, _sort
from ._statistics import _host_reductions, _reductions
from ._ufunc import ufunc



def _referenced_elsewhere(a):
    """Whether something beyond the caller's one reference holds `a` (NumPy's
    refcheck): counted are the caller's reference, the resize frame's `self`,
    this frame's `a` and getrefcount's argument, and a bound method object
    when the call made one (`a.resize(*shape)`)."""
    extra = sys.getrefcount(a) - 4
    if extra <= 0:
        return False
    bound = sum(1 for r in gc.get_referrers(a)
                if isinstance(r, types.MethodType) and r.__self__ is a)
    return extra > bound


class _ArrayMethods:
    """ndarray's methods defined here (a class body, so that their names,
    sum, max, round, ..., shadow no builtins of this module)."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy's ufuncs on ndaccel operands run on the device (NEP 13; see _protocols.py)."""
        return _protocols.array_ufunc(self, ufunc, method, *inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        """NumPy's functions on ndaccel arrays call ndaccel's (NEP 18; see _protocols.py)."""
        return _protocols.array_function(self, func, types, args, kwargs)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of this array's data: a host copy (copy=False raises BufferError;
        see _dlpack.py)."""
        return _dlpack.export(self, stream, max_version, dl_device, copy)

    def __dlpack_device__(self):
        """(DLPack device type, index): (4, i) for opencl:i, (2, i) for cuda:i."""
        return _dlpack.dlpack_device(self)

    def take(self, indices, axis=None, out=None, mode="raise"):
        """Elements at the given indices along an axis, gathered on the device
        (numpy.ndarray.take)."""
        return _take.take(self, indices, axis, out, mode)

    def put(self, indices, values, mode="raise"):
        """self.flat[indices] = values, scattered on the device (numpy.ndarray.put).

        A non-contiguous array raises NotImplementedError."""
        _take.put(self, indices, values, mode)

    def round(self, decimals=0, out=None):
        """Rounded to the given decimals (half to even), on the device (numpy.ndarray.round).

        A 0-d result without out= is a NumPy scalar."""
        return _rounding.around(self, decimals, out)

    def cumsum(self, axis=None, dtype=None, out=None):
        """Cumulative sum along an axis, on the device (numpy.ndarray.cumsum); see
        ndaccel.cumsum."""
        return _cumulative.cumsum(self, axis, dtype, out)

    def cumprod(self, axis=None, dtype=None, out=None):
        """Cumulative product along an axis, on the device (numpy.ndarray.cumprod); see
        ndaccel.cumprod."""
        return _cumulative.cumprod(self, axis, dtype, out)

    def argmax(self, axis=None, out=None, *, keepdims=False):
        """Index of the first maximum along an axis, on the device (numpy.ndarray.argmax).

        A 0-d result (axis=None, no keepdims/out) is a NumPy scalar."""
        return _search.argmax(self, axis, out, keepdims=keepdims)

    def argmin(self, axis=None, out=None, *, keepdims=False):
        """Index of the first minimum along an axis, on the device (numpy.ndarray.argmin).

        A 0-d result (axis=None, no keepdims/out) is a NumPy scalar."""
        return _search.argmin(self, axis, out, keepdims=keepdims)

    def sort(self, axis=-1, kind=None, order=None, *, stable=None):
        """Sorts in place along an axis, NaN last (numpy.ndarray.sort; see ndaccel.sort for
        the device's stable merge sort and CPU devices' NumPy sort). 'order' raises
        NotImplementedError."""
        _flags.require_writeable(self, "sort array is read-only")
        self[...] = _sort.sort(self, axis, kind, order, stable=stable)

    def argsort(self, axis=-1, kind=None, order=None, *, stable=None):
        """Indices that sort along an axis, NaN last (numpy.ndarray.argsort; see
        ndaccel.argsort). 'order' raises NotImplementedError."""
        return _sort.argsort(self, axis, kind, order, stable=stable)

    def searchsorted(self, v, side="left", sorter=None):
        """Indices where v would be inserted to keep this sorted 1-D array sorted, on the device
        (numpy.ndarray.searchsorted). A scalar v gives a NumPy scalar."""
        return _search.searchsorted(self, v, side, sorter)

    def nonzero(self):
        """Indices of the non-zero elements, one int64 array per axis, on the device
        (numpy.ndarray.nonzero). Waits for the device once (the count sizes the result)."""
        return _nonzero.nonzero(self)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
        """Arithmetic mean over the given axes, on the device (numpy.ndarray.mean).

        A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
        return _reductions.mean(self, axis, dtype, out, keepdims, where=where)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        """Variance over the given axes, on the device (numpy.ndarray.var).

        'where' raises NotImplementedError. A 0-d result (no keepdims/out) is a NumPy scalar."""
        return _reductions.var(self, axis, dtype, out, ddof, keepdims, **kw)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        """Standard deviation over the given axes, on the device (numpy.ndarray.std).

        'where' raises NotImplementedError. A 0-d result (no keepdims/out) is a NumPy scalar."""
        return _reductions.std(self, axis, dtype, out, ddof, keepdims, **kw)

    def any(self, axis=None, out=None, keepdims=False, *, where=True):
        """Whether any element along the given axes is true, on the device (numpy.ndarray.any).

        A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
        return _reductions.any(self, axis, out, keepdims, where=where)

    def all(self, axis=None, out=None, keepdims=False, *, where=True):
        """Whether all elements along the given axes are true, on the device (numpy.ndarray.all).

        A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
        return _reductions.all(self, axis, out, keepdims, where=where)

    def ptp(self, axis=None, out=None, keepdims=False):
        """Range (maximum - minimum) along the given axes, on the device (numpy.ptp; NumPy 2
        removed the method). A 0-d result (no axis/keepdims/out) is a NumPy scalar."""
        return _reductions.ptp(self, axis, out, keepdims)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
        """Sum over the given axes, on the device (numpy.ndarray.sum).

        A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
        return _reductions.sum(self, axis, dtype, out, keepdims, initial, where)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
        """Product over the given axes, on the device (numpy.ndarray.prod).

        A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
        return _reductions.prod(self, axis, dtype, out, keepdims, initial, where)

    def max(self, axis=None, out=None, keepdims=False, initial=None, where=True):
        """Maximum along the given axes, on the device (numpy.ndarray.max).

        A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
        return _reductions.max(self, axis, out, keepdims, initial, where)

    def min(self, axis=None, out=None, keepdims=False, initial=None, where=True):
        """Minimum along the given axes, on the device (numpy.ndarray.min).

        A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
        return _reductions.min(self, axis, out, keepdims, initial, where)

    def __matmul__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _matmul.matmul(self, other)

    def __rmatmul__(self, other):
        if not _is_operand(other):
            return NotImplemented
        return _matmul.matmul(other, self)

    def __imatmul__(self, other):
        self[...] = _matmul.matmul(self, other)
        return self

    def dot(self, b, out=None):
        """Dot product with b, on the device (numpy.ndarray.dot).

        A 0-d result (two vectors, no out) is a NumPy scalar."""
        return _products.dot(self, b, out)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
        """Sum along a diagonal, on the device (numpy.ndarray.trace).

        A 0-d result (a 2-D array, no out) is a NumPy scalar."""
        return _products.trace(self, offset, axis1, axis2, dtype, out)


    def squeeze(self, axis=None):
        """A view without (the given) length-1 axes, no copy (numpy.ndarray.squeeze)."""
        return squeeze(self, axis)

    def repeat(self, repeats, axis=None):
        """Each element repeated along an axis, into a new device array (numpy.ndarray.repeat)."""
        return repeat(self, repeats, axis)

    def clip(self, min=None, max=None, out=None, **kwargs):
        """Values limited to [min, max], one fused kernel on the device (numpy.ndarray.clip)."""
        return _clip(self, min, max, out=out, **kwargs)

    def partition(self, kth, axis=-1, kind="introselect", order=None):
        """Partitions in place around kth along an axis, on the device
        (numpy.ndarray.partition): the array ends fully sorted, which is a valid partition
        for every kth. 'order' raises NotImplementedError."""
        if axis is None:  # the method, unlike numpy.partition, takes no None
            raise TypeError("'NoneType' object cannot be interpreted as an integer")
        _flags.require_writeable(self, "partition array is read-only")
        self[...] = _sort.partition(self, kth, axis, kind, order)

    def argpartition(self, kth, axis=-1, kind="introselect", order=None):
        """Indices that partition the array around kth along an axis (None: flattened), on
        the device (numpy.ndarray.argpartition); they fully sort it (a valid partition for
        every kth). 'order' raises NotImplementedError."""
        return _sort.argpartition(self, kth, axis, kind, order)

    def choose(self, choices, out=None, mode="raise"):
        """Elements picked from choices by this index array, gathered on the device
        (numpy.ndarray.choose; see ndaccel.choose)."""
        return choose(self, choices, out, mode)

    def compress(self, condition, axis=None, out=None):
        """The slices along an axis (None: of the flattened array) where condition is true,
        on the device (numpy.ndarray.compress; see ndaccel.compress)."""
        return compress(condition, self, axis, out)

    def resize(self, *new_shape, refcheck=True):
        """Changes the shape and size in place (numpy.ndarray.resize): the elements are kept
        in memory order and new ones are zero, on the device. An array that does not own its
        data (a view) raises ValueError, as NumPy; so does, with refcheck=True, an array that
        something else references (a view of it, another name), as NumPy's reference count
        test. Growing past the array's device buffer moves it to a new one."""
        if refcheck and _referenced_elsewhere(self):
            raise ValueError("cannot resize an array that references or is referenced\n"
                             "by another array in this way.\nUse the np.resize function or "
                             "refcheck=False")
        _array_members.resize(self, new_shape, refcheck)

    def byteswap(self, inplace=False):
        """Each element's bytes reversed (complex: each part's), on the device
        (numpy.ndarray.byteswap): a new array, or with inplace=True the array itself,
        swapped in place."""
        return _array_members.byteswap(self, inplace)

    def getfield(self, dtype, offset=0):
        """The bytes [offset, offset + itemsize) of each element viewed as dtype
        (numpy.ndarray.getfield): the array's own dtype at offset 0 is a view of it; another
        plain dtype is a view when aligned to its item size. Structured, subarray and
        non-native dtypes, and unaligned offsets, raise NotImplementedError."""
        return _array_members.getfield(self, dtype, offset)

    def setfield(self, val, dtype, offset=0):
        """Writes val into the field getfield(dtype, offset) of every element, on the
        device (numpy.ndarray.setfield; getfield's limits)."""
        _array_members.setfield(self, val, dtype, offset)

    def dumps(self):
        """The pickle of the array as bytes (numpy.ndarray.dumps); pickle.loads gives it
        back on its device."""
        return _array_members.dumps(self)

    def dump(self, file):
        """Pickles the array into a file object or a path (numpy.ndarray.dump); load it with
        pickle.load (or numpy.load(file, allow_pickle=True))."""
        _array_members.dump(self, file)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        """The diagonal as a writeable strided view (numpy.ndarray.diagonal; NumPy's is read-only)."""
        return diagonal(self, offset, axis1, axis2)

    __getitem__ = getitem
    __setitem__ = setitem


class _UfuncMethods:
    """ufunc's methods defined here."""

    def reduce(self, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
               where=True):
        """Reduces array along axis (None, int or tuple) by the ufunc on the
        device (numpy.ufunc.reduce): add, multiply, maximum, minimum,
        logical_and, logical_or fuse into one reduction kernel; the other
        binary ufuncs run as pairwise passes (reorderable ones) or as the
        last element of accumulate (a sequential fold along one axis, as
        NumPy). A single-value result is a NumPy scalar. Differs: where= on
        a non-reorderable ufunc (subtract, ...) is not implemented."""
        return _ufunc_methods.reduce(self, array, axis, dtype, out, keepdims, initial, where)

    def at(self, a, indices, b=None, /):
        """a[indices] = ufunc(a[indices], b) in place on the device, unbuffered
        (numpy.ufunc.at): a repeated index applies once per occurrence, in
        order. Distinct indices: one gather, ufunc and scatter. Repeated
        ones: sorted, then combined by a segmented scan (add, subtract,
        multiply, maximum, minimum, fmax, fmin, logical and bitwise ops, when
        the loop dtype casts back exactly or only rounds: float sums may
        differ from NumPy's sequential ones in the last bits), else applied
        in rounds, one per occurrence of the most repeated index."""
        return _ufunc_methods.at(self, a, indices, b)

    def reduceat(self, array, indices, axis=0, dtype=None, out=None):
        """Reductions over the slices array[indices[i]:indices[i+1]] along axis
        on the device (numpy.ufunc.reduceat; array[indices[i]] alone where
        indices[i] >= indices[i+1]). Associative ufuncs: a doubling table,
        log2(longest slice) fused passes (float sums in a tree order, not
        NumPy's, equal within rounding); others: a left fold, one pass per
        element of the longest slice. The indices are read on the host."""
        return _ufunc_methods.reduceat(self, array, indices, axis, dtype, out)


# Methods whose NumPy counterparts return a scalar for a single value: they
# call ndaccel's functions from inside the package (which keep 0-d results
# on the device), so they convert for their own callers (see _scalars.py).
_RETURN_SCALARS = frozenset(("sum", "prod", "max", "min", "mean", "var", "std", "any", "all",
                             "ptp", "argmax", "argmin", "dot", "trace", "round", "__matmul__",
                             "__rmatmul__", "searchsorted", "reduce"))
# Methods tried first with the host loops when called with no argument (a.sum(), a.max()).
_WHOLE_ARRAY_FIRST = frozenset(("sum", "max", "min", "mean", "argmax", "argmin"))


def _attach(cls, methods):
    """Sets the functions of the class body `methods` on cls, named as
    methods of cls (tracebacks, TypeError messages, help())."""
    for name, fn in vars(methods).items():
        if not callable(fn):
            continue
        fn.__name__ = name
        fn.__qualname__ = f"{cls.__name__}.{name}"
        if name in _RETURN_SCALARS:
            alone = _host_reductions.whole_of(name) if name in _WHOLE_ARRAY_FIRST else None
            fn = returns_scalar(fn, alone)
        setattr(cls, name, fn)


_attach(ndarray, _ArrayMethods)
ndarray.__cuda_array_interface__ = property(
    _cuda_array_interface.interface,
    doc="The CUDA array interface (v3) of an array on a CUDA device; see "
        "_cuda_array_interface.py.")


def _no_host_pointer(name, doc):
    def get(self):
        raise _array_members.no_host_pointer(name)
    return property(get, doc=doc)


# A device array has no host address: ndarray.ctypes and ndarray.data raise
# AttributeError, the error code that probes for a host buffer handles
# (hasattr(a, "ctypes"), getattr(a, "data", None)): such code takes its path for
# objects without one instead of failing; the message points to asnumpy/__dlpack__.
ndarray.ctypes = _no_host_pointer(
    "ctypes", "numpy.ndarray.ctypes has no device counterpart: device memory has no host "
    "pointer, so reading it raises AttributeError (what code probing for a host buffer "
    "with hasattr/getattr handles); use ndaccel.asnumpy(a) for a host copy, or "
    "a.__dlpack__().")
ndarray.data = _no_host_pointer(
    "data", "numpy.ndarray.data (a host memoryview) has no device counterpart: device memory "
    "has no host address, so reading it raises AttributeError (what code probing for a "
    "host buffer with hasattr/getattr handles); use ndaccel.asnumpy(a) for a host copy, or "
    "a.__dlpack__().")
_attach(ufunc, _UfuncMethods)

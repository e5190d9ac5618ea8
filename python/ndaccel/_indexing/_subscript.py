"""a[key] and a[key] = value (ndarray.__getitem__ and __setitem__, attached
by _array_methods.py): one integer per axis reads a NumPy scalar, basic
keys make views, advanced keys (arrays, lists, masks) a gather or a
scatter (_advanced.py)."""
import numpy

from .. import _core, _dtypes
from .._creation._from_data import asarray
from .._ndarray import ndarray
from .._frames import called_from_user
from .._ufunc import _PY_SCALARS
from ._advanced import getitem_advanced, setitem_advanced
from ._views import _element, _is_element_key, is_advanced_key, slices_view, view_for


def getitem(self, key):
    """a[key] as NumPy: a view for basic indices, a copy for advanced ones,
    and a NumPy scalar (a host copy of the element, never aliasing `a`)
    when the key is one integer per axis (or `()` on a 0-d array)."""
    if type(key) is tuple and key:
        v = slices_view(self, key)
        if v is not None:
            return v
    if _is_element_key(key, self.ndim) and called_from_user():
        return _element(self, key)
    if is_advanced_key(key):
        return getitem_advanced(self, key)
    return view_for(self, key)


def _mask_fill(a, key, value):
    """a[mask] = Python scalar with a device mask of a's own shape, as
    a[...] = where(mask, scalar, a): one fused store that reads each element
    of `a` before writing it, no count of the mask's elements and no
    scatter (a pending mask fuses in). The scalar becomes a's dtype through
    NumPy's own scalar assignment (its casts and overflow errors), then the
    Python scalar of that value (weak: it keeps a's dtype). Returns False,
    doing nothing, for any other key or value."""
    if not (isinstance(key, ndarray) and key.dtype == numpy.bool_ and key.shape == a.shape
            and a.ndim > 0):
        return False
    if type(value) not in _PY_SCALARS:
        return False
    h = numpy.empty((), a.dtype)
    h[()] = value
    _core.ufunc("where", (key, h.item(), a), a, -1, "same_kind", None)
    return True


def setitem(self, key, value):
    """a[key] = value as NumPy: value cast and broadcast into the selected
    elements (a fill for a scalar, a copy or a scatter otherwise)."""
    if not self._writeable:
        raise ValueError("assignment destination is read-only")
    target = slices_view(self, key) if type(key) is tuple else None
    if target is None:
        if _mask_fill(self, key, value):
            return
        if is_advanced_key(key):
            setitem_advanced(self, key, value)
            return
        target = view_for(self, key)
    if isinstance(value, ndarray):
        _core.assign(target, value)
    elif type(value) in _PY_SCALARS:
        _core.fill(target, _dtypes.store_scalar(self.dtype, value))
    else:
        h = _dtypes.host_values(value, self.dtype)
        if h.ndim == 0 and h.dtype.kind in "biufc":
            _core.fill(target, _dtypes.store_scalar(self.dtype, h.item())) \
                if h.dtype.kind != "c" or self.dtype.kind == "c" \
                else _core.assign(target, asarray(h))
        else:
            _core.assign(target, asarray(h, device=self._device_id))

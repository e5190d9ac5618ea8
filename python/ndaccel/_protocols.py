"""NumPy's dispatch protocols on ndaccel arrays: NumPy's own functions and
ufuncs, called with an ndaccel array anywhere among their arguments, run on
the device and return ndaccel arrays, as CuPy's do.

* __array_ufunc__ (NEP 13): numpy.sin(a), numpy.add(a, b, out=c),
  numpy.add.reduce(a), numpy.multiply.outer(...), host_array + a, ...
  run ndaccel's ufunc of the same name (matmul, vecdot, matvec, vecmat,
  divmod, frexp, modf, bitwise_count: the functions). An out= that is a NumPy array receives the device result, so
  `host += a` works as in NumPy. A 0-d result without out= is a NumPy
  scalar, as NumPy returns it.
* __array_function__ (NEP 18): numpy.concatenate, numpy.where,
  numpy.linalg.inv, numpy.fft.fft, ... call ndaccel's function of the same
  name in the corresponding module (numpy.X -> ndaccel.X,
  numpy.linalg.X -> ndaccel.linalg.X, numpy.emath.X -> ndaccel.emath.X).

A NumPy function or ufunc ndaccel does not have runs on the host: its
ndaccel arguments are copied there (each copy an implicit transfer for
ndaccel.transfer_guard), and array results come back to the device of the
first ndaccel argument. The first such call of each function warns once
with HostFallbackWarning naming it. Arguments of other array types make
__array_function__ return NotImplemented (NumPy then tries theirs)."""
import sys

import numpy

from . import _fallback
from ._core import ndarray_base
from ._scalars import convert as _convert
from ._ufunc import UFUNCS

_PACKAGE = __package__
# NumPy modules whose functions dispatch to an ndaccel module of another name.
_MODULES = {"numpy.lib.scimath": "emath", "numpy.lib.stride_tricks": "lib.stride_tricks"}
# NumPy ufuncs that ndaccel has as functions (generalised ufuncs, several
# outputs): their __call__ dispatches to the function, other methods fall back.
_UFUNC_FUNCTIONS = ("matmul", "vecdot", "matvec", "vecmat", "divmod", "frexp", "modf",
                    "bitwise_count")


def _ours(numpy_module, name):
    """ndaccel's counterpart of NumPy's `numpy_module.name`, or None."""
    if numpy_module in _MODULES:
        sub = _MODULES[numpy_module]
    elif numpy_module == "numpy" or numpy_module.startswith("numpy."):
        sub = numpy_module[len("numpy."):]
    else:
        return None
    mod = sys.modules.get(f"{_PACKAGE}.{sub}" if sub else _PACKAGE)
    if mod is None:
        return None
    try:
        f = getattr(mod, name)
    except AttributeError:
        return None
    return f if callable(f) else None


def _fallback_call(func, label, args, kwargs):
    _fallback.warn_once(label, f"{label} has no ndaccel implementation: it ran on the host "
                               f"(the ndaccel arrays were copied there and the results back)")
    what = f"{label} on the host (no ndaccel implementation)"
    dev = _fallback.device_of(args, kwargs)
    r = func(*_fallback.host(args, what), **_fallback.host(kwargs, what))
    return _fallback.device(r, dev)


def array_function(self, func, types, args, kwargs):
    """NEP 18: NumPy's function `func` called with ndaccel arrays among its arguments."""
    if not all(issubclass(t, (ndarray_base, numpy.ndarray)) for t in types):
        return NotImplemented
    ours = _ours(func.__module__, func.__name__)
    if ours is None or ours is func:
        return _fallback_call(func, f"{func.__module__}.{func.__name__}", args, kwargs)
    alone = getattr(ours, "alone", None)  # numpy.sum(a) as ndaccel.sum(a) (_scalars.py)
    if alone is not None and len(args) == 1 and not kwargs:
        r = alone(args[0])
        if r is not NotImplemented:
            return r
    return _convert(ours(*args, **kwargs), kwargs.get("out"))


def array_ufunc(self, uf, method, *inputs, **kwargs):
    """NEP 13: NumPy's ufunc `uf` (method `method`) with an ndaccel array among its operands
    or outputs."""
    out = kwargs.pop("out", None)  # NumPy passes a tuple
    host_out = out is not None and any(isinstance(o, numpy.ndarray) for o in out)
    if out is not None and not host_out:
        kwargs["out"] = out[0] if len(out) == 1 else out
    label = f"numpy.{uf.__name__}" + ("" if method == "__call__" else f".{method}")
    if uf.__name__ in _UFUNC_FUNCTIONS and method == "__call__":
        r = _ours("numpy", uf.__name__)(*inputs, **kwargs)
    elif uf.__name__ in UFUNCS:
        ours = UFUNCS[uf.__name__]
        r = ours(*inputs, **kwargs) if method == "__call__" else \
            getattr(ours, method)(*inputs, **kwargs)
    elif method == "at":
        return _ufunc_at_on_host(uf, label, *inputs, **kwargs)
    else:
        if out is not None and not host_out:
            kwargs["out"] = out
        r = _fallback_call(getattr(uf, method) if method != "__call__" else uf, label,
                           inputs, kwargs)
        if out is not None and not host_out:
            return out[0] if len(out) == 1 else out
    if method == "at":
        return None
    if host_out:
        results = r if isinstance(r, tuple) else (r,)
        for o, v in zip(out, results):
            o[...] = v.get() if isinstance(v, ndarray_base) else v
        return out[0] if len(out) == 1 else out
    if out is not None:
        return r
    return _convert(r, None)


def _ufunc_at_on_host(uf, label, a, indices, b=None):
    """ufunc.at of a ufunc ndaccel lacks: on a host copy, written back."""
    _fallback.warn_once(label, f"{label} has no ndaccel implementation: it ran on the host")
    what = f"{label} on the host (no ndaccel implementation)"
    h = _fallback.host(a, what)
    args = (h, _fallback.host(indices, what)) + (() if b is None else (_fallback.host(b, what),))
    uf.at(*args)
    if isinstance(a, ndarray_base):
        a[...] = h
    return None

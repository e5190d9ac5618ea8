"""Ufunc objects with NumPy's call signature, dispatching to the C core.

A foundation module, below the ndarray class (whose operators call these
objects): it tells device arrays by their C base type, _core.ndarray_base.
The methods that need the modules above it (reduce, at, reduceat) are
attached by _array_methods.py; __call__, accumulate and outer are here."""
import numbers

import numpy

from . import _core, _dtypes
from ._axes import normalize_axes
from ._creation._basic import zeros
from ._creation._from_data import asarray as _asarray
from ._device import get_device
from ._frames import called_from_user
from ._scalars import numpy_scalar, returns_scalar

_PY_SCALARS = (bool, int, float, complex)
_FAST = frozenset(_PY_SCALARS)
_ndarray_base = _core.ndarray_base  # every device array (ndaccel.ndarray is its one subclass)


def _operand(x):
    """An ndarray or a weak Python scalar for the C core. NumPy scalars are
    strong (NEP 50), so they become 0-d arrays of their dtype."""
    if type(x) in _FAST or isinstance(x, _ndarray_base):
        return x
    if isinstance(x, (numpy.ndarray, numpy.generic, list, tuple)):
        return _asarray(x)
    if isinstance(x, numbers.Number):
        return _asarray(numpy.asarray(x))
    raise TypeError(f"unsupported operand type: '{type(x).__name__}'")


# NumPy's power with a scalar exponent takes these paths for real floats
# (bit-identical: x*x, 1/x, sqrt: -0.0 ** 0.5 is -0.0, -inf ** 0.5 NaN).
# The ufunc's loops do it for float32/float64 results; the ** operator
# (numpy's fast_scalar_power) for float16 too.
_POWER_PATHS = {2: "square", -1: "reciprocal", 0.5: "sqrt"}
# Exponents NumPy sends to pow that products compute faster on CPU devices,
# where pow costs ~100 ns an element: 1 exactly (x), 3 and -2 within 2 ulp
# of pow (x*x*x; (1/x)*(1/x), which keeps no subnormal intermediate for
# small x).
_POWER_PRODUCTS = (1, 3, -2)


def _scalar_power(ops, exponent, operator=False):
    """("power", ops), or NumPy's fast path (name, (base,)) for a scalar exponent of 2, -1
    or 0.5 when the result is a real float (the base cast to it first, as NumPy does);
    float16 results only for the ** operator."""
    base = ops[0]
    if not isinstance(base, _ndarray_base) or base.dtype.kind not in "iuf":
        return "power", ops
    if type(exponent) in (int, float):
        value = exponent
    elif isinstance(exponent, numpy.generic) and exponent.dtype.kind in "iuf":
        value = exponent.item()
    else:
        return "power", ops
    path = _POWER_PATHS.get(value)
    if path is None and value not in _POWER_PRODUCTS:
        return "power", ops
    rdt = numpy.result_type(base.dtype, exponent)
    if rdt.kind != "f" or (rdt == numpy.float16 and not (operator and base.dtype == rdt)):
        return "power", ops
    x = base if rdt == base.dtype else base.astype(rdt)
    if path is not None:
        return path, (x,)
    if value == 1:
        return "positive", (x,)
    if value == 3:
        return "multiply", (UFUNCS["square"](x), x)
    return "square", (UFUNCS["reciprocal"](x),)  # -2


def operator_power(base, exponent):
    """base ** exponent by NumPy's operator fast path (float16 included), or None when the
    operator does what numpy.power does."""
    if not isinstance(base, _ndarray_base) or base.dtype != numpy.float16:
        return None
    name, ops = _scalar_power((base,), exponent, operator=True)
    return None if name == "power" else UFUNCS[name](*ops)


def _result(res, out):
    """What a ufunc call returns: out when given, else res, a NumPy scalar when
    0-d and the ufunc was called from user code (see _scalars.py): 3 frames up
    from here, past ufunc.__call__."""
    if out is not None:
        return out
    if res.ndim == 0 and called_from_user(3):
        return numpy_scalar(res)
    return res


def _is_host_scalar(x):
    return type(x) in _FAST or isinstance(x, numpy.generic)


class ufunc:
    """A NumPy-style universal function running on the device."""

    def __init__(self, name, nin, doc=None):
        self.__name__ = name
        self.nin = nin
        self.nout = 1
        self.nargs = nin + 1
        self.__doc__ = doc or f"ndaccel.{name}: NumPy's {name} computed on the device."

    def __repr__(self):
        return f"<ufunc '{self.__name__}'>"

    def __call__(self, *args, out=None, where=True, casting="same_kind", order="K",
                 dtype=None, subok=True, signature=None, **kwargs):
        name, nin = self.__name__, self.nin
        # Fast path (eager dispatch: ~1 us less): device arrays and Python
        # scalars, at least one array, out= absent or a writeable array.
        if len(args) == nin and where is True and dtype is None and signature is None and \
                order == "K" and not kwargs and name != "power" and \
                (out is None or (type(out) is not tuple and isinstance(out, _ndarray_base)
                                 and out._writeable)):
            arrays = 0
            for x in args:
                if isinstance(x, _ndarray_base):
                    arrays += 1
                elif type(x) not in _FAST:
                    break
            else:
                if arrays:
                    return _result(_core.ufunc(name, args, out, -1, casting, None), out)
        if kwargs:
            raise TypeError(f"{name}() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if len(args) != nin:
            if len(args) == nin + 1 and out is None:
                out, args = args[-1], args[:-1]
            else:
                raise TypeError(f"{name}() takes from {nin} to {nin + 1} "
                                f"positional arguments but {len(args)} were given")
        mask = None
        if where is not True:
            mask = where
        if signature is not None:
            raise NotImplementedError(f"{name}: the 'signature' argument is not implemented")
        if order != "K" and order not in ("A", "C", "F", None):
            raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
        if out is not None:
            if type(out) is tuple:
                if len(out) != 1:
                    raise ValueError("The 'out' tuple must have exactly one entry per ufunc output")
                out = out[0]
            if not isinstance(out, _ndarray_base):
                raise TypeError("return arrays must be of ArrayType (an ndaccel.ndarray)")
            if not out._writeable:
                raise ValueError("output array is read-only")
        ops = tuple(map(_operand, args))
        code = -1 if dtype is None else _dtypes.code(dtype)
        if name == "power":
            _check_integer_power(ops, code)
            if code == -1 and where is True:
                name, ops = _scalar_power(ops, args[1])
        dev = None
        if out is None:
            for o in ops:
                if isinstance(o, _ndarray_base):
                    break
            else:
                dev = get_device().id
        if dev is not None and mask is None and all(_is_host_scalar(x) for x in args) and \
                called_from_user():
            # Scalars only: NumPy's scalar result, computed by NumPy (see _scalars.py).
            return getattr(numpy, name)(*args, casting=casting, dtype=dtype)
        if mask is not None:
            return self._masked(ops, out, code, casting, dev, mask)
        return _result(_core.ufunc(name, ops, out, code, casting, dev), out)

    def _masked(self, ops, out, code, casting, dev, mask):
        """where=: out keeps its values where mask is false (without out, those
        elements are unspecified in NumPy; here they are the result's dtype
        zeros)."""
        res = _core.ufunc(self.__name__, ops, None, code, casting, dev)
        m = _operand(mask)
        if out is None:
            out = zeros(res.shape, dtype=res.dtype, device=res._device_id)
        elif not _core.can_cast(res._dtype_code, out._dtype_code, casting):
            raise TypeError(f"Cannot cast ufunc '{self.__name__}' output from dtype('{res.dtype}') "
                            f"to dtype('{out.dtype}') with casting rule '{casting}'")
        out[...] = where(m, res, out)
        return out

    def resolve_dtypes(self, dtypes, *, signature=None, casting=None, reduction=False):
        """The dtypes of the loop NumPy would pick for operand dtypes `dtypes`
        (numpy.ufunc.resolve_dtypes; None for the output, Python int/float/complex
        types for weak scalars). ndaccel picks the same loops (NEP 50); a result
        outside ndaccel's dtypes raises TypeError."""
        for dt in dtypes:  # ndaccel's dtypes only, inputs included
            if isinstance(dt, numpy.dtype):
                _dtypes.normalize(dt)
        kwargs = {k: v for k, v in (("signature", signature), ("casting", casting))
                  if v is not None}
        res = getattr(numpy, self.__name__).resolve_dtypes(dtypes, reduction=reduction, **kwargs)
        for dt in res:
            _dtypes.normalize(dt)
        return res

    def accumulate(self, array, axis=0, dtype=None, out=None):
        """Running application along an axis (a left fold), in the loop
        dtype as NumPy (int8 add.accumulate wraps, unlike cumsum)."""
        if self.nin != 2:
            raise ValueError("accumulate only supported for binary functions")
        a = _operand(array)
        if not isinstance(a, _ndarray_base):
            a = _asarray(a)
        if a.ndim == 0:
            raise TypeError("cannot accumulate on a scalar")
        if axis is None or isinstance(axis, tuple):
            raise TypeError("'NoneType' object cannot be interpreted as an integer"
                            if axis is None else "accumulate does not allow multiple axes")
        (ax,) = normalize_axes(axis, a.ndim)
        name = "true_divide" if self.__name__ == "divide" else self.__name__
        r = _core.scan(name, a, ax, -1 if dtype is None else _dtypes.code(dtype))
        if out is not None:
            if not isinstance(out, _ndarray_base) or out.shape != r.shape:
                raise ValueError(f"out of shape {getattr(out, 'shape', None)} does not match "
                                 f"the accumulation's shape {r.shape}")
            out[...] = r
            return out
        return r

    @returns_scalar
    def outer(self, A, B, **kwargs):
        """op(a, b) for every pair on the device (numpy.ufunc.outer): result
        shape A.shape + B.shape (a NumPy scalar when both are 0-d)."""
        if self.nin != 2:
            raise ValueError("outer product only supported for binary functions")
        a, b = _operand(A), _operand(B)
        a = a if isinstance(a, _ndarray_base) else _asarray(a)
        b = b if isinstance(b, _ndarray_base) else _asarray(b)
        return self(a.reshape(a.shape + (1,) * b.ndim), b, **kwargs)


def _check_integer_power(ops, code):
    """NumPy raises ValueError for integers to negative integer powers (when
    the integer loop runs over at least one element)."""
    base, exp = ops
    if code >= 0 and _dtypes.DTYPES[code].kind not in "iu":
        return

    def kind(o):
        if isinstance(o, _ndarray_base):
            return o.dtype.kind
        return {bool: "b", int: "i"}.get(type(o), "f")

    kb, ke = kind(base), kind(exp)
    if kb not in "biu" or ke not in "iu":
        return  # a float/complex loop, or a bool exponent (never negative)
    arrays = [o for o in ops if isinstance(o, _ndarray_base)]
    if any(o.dtype == numpy.uint64 for o in arrays) and \
            any(o.dtype.kind == "i" for o in arrays):
        return  # uint64 with a signed integer array: NumPy's float64 loop
    try:
        shape = numpy.broadcast_shapes(*[o.shape for o in arrays])
    except ValueError:
        return  # the core reports the broadcast error
    if 0 in shape:
        return  # empty result: nothing is computed, nothing raised
    if isinstance(exp, _ndarray_base):
        negative = exp.dtype.kind == "i" and _has_negative(exp)
    else:
        negative = type(exp) is int and exp < 0
        if negative and kb == "u":
            return  # the Python int does not fit the unsigned base: OverflowError
    if negative:
        raise ValueError("Integers to negative integer powers are not allowed.")


def _has_negative(x):
    """Whether the integer device array x (no zero-length axis) holds a
    negative value: one reduction over every axis, one read."""
    low = _core.reduce_all("min", x) if x.ndim else x
    return bool(_core.to_numpy(low) < 0)


_NAMES = {
    2: ["add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder",
        "power", "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater",
        "greater_equal", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
        "right_shift", "logical_and", "logical_or"],
    1: ["negative", "positive", "invert", "absolute", "sqrt", "exp", "log", "logical_not",
        "reciprocal", "exp2", "expm1", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
        "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "deg2rad",
        "rad2deg", "floor", "ceil", "trunc", "rint", "sign", "signbit", "spacing", "cbrt",
        "square", "fabs", "isnan", "isinf", "isfinite", "conjugate"],
}
_NAMES[2] += ["fmod", "float_power", "logaddexp", "logaddexp2", "arctan2", "hypot", "copysign",
              "nextafter", "ldexp", "heaviside", "gcd", "lcm", "logical_xor", "fmax", "fmin"]

UFUNCS = {name: ufunc(name, nin) for nin, names in _NAMES.items() for name in names}
UFUNCS["mod"] = UFUNCS["remainder"]
UFUNCS["bitwise_not"] = UFUNCS["invert"]
UFUNCS["bitwise_invert"] = UFUNCS["invert"]
UFUNCS["abs"] = UFUNCS["absolute"]
UFUNCS["pow"] = UFUNCS["power"]
UFUNCS["conj"] = UFUNCS["conjugate"]
UFUNCS["degrees"] = ufunc("rad2deg", 1)
UFUNCS["radians"] = ufunc("deg2rad", 1)
for _alias, _name in (("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"),
                      ("asinh", "arcsinh"), ("acosh", "arccosh"), ("atanh", "arctanh"),
                      ("atan2", "arctan2")):
    UFUNCS[_alias] = UFUNCS[_name]


def where(condition, x, y):
    """numpy.where(condition, x, y) elementwise on the device, fused like any
    ufunc (ndaccel.where, in _indexing/_nonzero.py, adds where(condition))."""
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    ops = tuple(_operand(a) for a in (condition, x, y))
    dev = None if any(isinstance(o, _ndarray_base) for o in ops) else get_device().id
    return _core.ufunc("where", ops, None, -1, "unsafe", dev)

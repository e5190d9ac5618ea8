"""frompyfunc and vectorize: Python functions applied element by element.

A Python function cannot run on the device, so both run on the host: every
call copies its ndaccel array arguments to the host, runs NumPy's own
frompyfunc / vectorize loop there, and copies the results to the device.
ndaccel has no object dtype: an object array NumPy returns is converted by
value (numpy.asarray of its elements: Python ints become int64, floats
float64, bools bool); values no supported dtype can hold (strings, objects,
ints beyond 64 bits) raise the TypeError / OverflowError naming them."""
import numpy

from .. import _dtypes
from .._creation._from_data import asarray
from .._ndarray import ndarray

_UNSET = object()  # an argument the caller did not pass


def _host(x):
    """x with ndaccel arrays (also inside tuples and lists) copied to the host."""
    if isinstance(x, ndarray):
        return x.get()
    if isinstance(x, (tuple, list)) and any(isinstance(v, ndarray) for v in x):
        return type(x)(_host(v) for v in x)
    return x


def _to_device(r, what):
    """NumPy results as ndaccel arrays (tuples item by item); values that
    are not arrays (frompyfunc of scalars returns the function's own
    object, as NumPy) are returned unchanged."""
    if isinstance(r, tuple):
        return tuple(_to_device(x, what) for x in r)
    if not isinstance(r, numpy.ndarray):
        return r
    h = r
    if h.dtype == object:
        if h.size == 0:
            h = numpy.empty(h.shape)  # no values to type: NumPy's default float64
        else:
            h = numpy.asarray(h.tolist())
            if h.shape != r.shape:
                raise TypeError(f"{what}: the function returned sequences, which an ndaccel "
                                "array cannot hold as elements (no object dtype)")
    try:
        _dtypes.check_host(h)
    except (TypeError, OverflowError) as exc:
        raise type(exc)(f"{what}: the function's results cannot be held on the device: "
                        f"{exc}") from None
    return asarray(h)


def _store_outs(res, out):
    """out= given as ndaccel array(s): the results written there."""
    outs = out if isinstance(out, tuple) else (out,)
    vals = res if isinstance(res, tuple) else (res,)
    if len(outs) != len(vals):
        raise ValueError("The 'out' tuple must have exactly one entry per ufunc output")
    for o, v in zip(outs, vals):
        if not isinstance(o, ndarray):
            raise TypeError("return arrays must be of ArrayType (an ndaccel.ndarray)")
        o[...] = v
    return out


class _HostUfunc:
    """A ufunc made by frompyfunc: NumPy's object ufunc run on the host
    (see the module docstring), with __call__, reduce, accumulate,
    reduceat, outer and at."""

    def __init__(self, func, nin, nout, kwargs):
        self._np = numpy.frompyfunc(func, nin, nout, **kwargs)
        self.__name__ = self._np.__name__
        self.__doc__ = (f"{self.__name__}: a Python function as a ufunc "
                        "(ndaccel.frompyfunc; runs on the host).")
        self.nin, self.nout, self.nargs = self._np.nin, self._np.nout, self._np.nargs
        self.identity = self._np.identity

    def __repr__(self):
        return f"<ufunc {self.__name__!r}>"

    def _run(self, method, args, kwargs):
        out = kwargs.pop("out", None)
        fn = getattr(self._np, method) if method else self._np
        res = _to_device(fn(*[_host(a) for a in args],
                            **{k: _host(v) for k, v in kwargs.items()}),
                         f"frompyfunc({self.__name__})")
        return res if out is None else _store_outs(res, out)

    def __call__(self, *args, **kwargs):
        return self._run(None, args, kwargs)

    def reduce(self, *args, **kwargs):
        return self._run("reduce", args, kwargs)

    def accumulate(self, *args, **kwargs):
        return self._run("accumulate", args, kwargs)

    def reduceat(self, *args, **kwargs):
        return self._run("reduceat", args, kwargs)

    def outer(self, *args, **kwargs):
        return self._run("outer", args, kwargs)

    def at(self, a, indices, b=None, /):
        """In place on a: the update runs on a host copy, written back."""
        if not isinstance(a, ndarray):
            raise TypeError("first operand must be array (an ndaccel.ndarray, updated in place)")
        h = a.get()
        args = (h, _host(indices)) if b is None else (h, _host(indices), _host(b))
        self._np.at(*args)
        a[...] = asarray(h)


def frompyfunc(func, /, nin, nout, **kwargs):
    """A ufunc applying the Python function func element by element
    (numpy.frompyfunc; kwargs: identity), on the host: arguments are copied
    to the host and NumPy's object ufunc runs there. Differs: results come
    back as ndaccel arrays of the values' own dtype (no object arrays:
    int64, float64, bool, complex128 ...; TypeError for values such as
    strings)."""
    return _HostUfunc(func, nin, nout, kwargs)


class vectorize:
    """A function evaluating pyfunc over arrays element by element with
    broadcasting (numpy.vectorize), on the host: ndaccel array arguments are
    copied to the host (those in `excluded` are passed as they are), NumPy's
    vectorize loops in Python, and the results are copied to the device.
    Differs: no object arrays (results are converted by value; TypeError
    for values no ndaccel dtype holds, e.g. otypes=[str])."""

    def __init__(self, pyfunc=_UNSET, otypes=None, doc=None, excluded=None, cache=False,
                 signature=None):
        self._args = dict(otypes=otypes, doc=doc, excluded=excluded, cache=cache,
                          signature=signature)
        self._np = None
        if pyfunc is not _UNSET:
            self._build(pyfunc)

    def _build(self, pyfunc):
        self._np = numpy.vectorize(pyfunc, **self._args)
        self.pyfunc = pyfunc
        self.__doc__ = self._np.__doc__
        self.__name__ = getattr(pyfunc, "__name__", type(self).__name__)

    otypes = property(lambda self: self._np.otypes if self._np else self._args["otypes"],
                      doc="The output dtypes given (numpy.vectorize.otypes).")
    excluded = property(lambda self: self._np.excluded if self._np else self._args["excluded"],
                        doc="Arguments passed unvectorised (numpy.vectorize.excluded).")
    cache = property(lambda self: self._args["cache"],
                     doc="Whether the first output is cached (numpy.vectorize.cache).")
    signature = property(lambda self: self._args["signature"],
                         doc="The generalised ufunc signature given (numpy.vectorize.signature).")

    def __call__(self, *args, **kwargs):
        if self._np is None:  # @vectorize(otypes=...) used as a decorator
            self._build(*args, **kwargs)
            return self
        excluded = self._np.excluded
        hargs = [a if i in excluded else _host(a) for i, a in enumerate(args)]
        hkw = {k: v if k in excluded else _host(v) for k, v in kwargs.items()}
        return _to_device(self._np(*hargs, **hkw), f"vectorize({self.__name__})")

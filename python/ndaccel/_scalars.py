"""Single-value results as NumPy scalars (ndaccel's scalar design).

NumPy returns a scalar (numpy.float64, numpy.int64, numpy.bool, ...) where a
result is a single value: full integer indexing (`a[i, j]`), iterating a 1-D
array, reductions over every axis (`a.sum()`, `np.max(a)`, `np.add.reduce(v)`),
`argmax`, `dot` of two vectors, `linalg.det` of one matrix, and ufuncs of
scalars. ndaccel does the same, so such a value never aliases the array it came
from (`x = a[i]; x += 1` leaves `a` alone) and behaves as a NumPy scalar
everywhere (`repr`, `hash`, `round`, `format`, dict keys, `json`, `isinstance(x,
float)`). The cost is NumPy's: the value is on the host, so producing it waits
for the device (one synchronisation and one small transfer).

Ufuncs and operators follow NumPy too: a 0-d result without `out=` (`x + 1`
for a 0-d array x, `np.sin(x)`, `np.round(m, 3)`) is a NumPy scalar.

Everything else stays on the device: explicitly made 0-d arrays
(`ndaccel.array(5.0)`, `a[...]`, `reshape(())`, `where` of scalars),
in-place operators on them, and reductions with `keepdims=True` or `out=`:
code that wants a reduction to stay on the device without a synchronisation
writes `a.sum(keepdims=True)` (or passes `out=`).

Only calls from outside the package convert: ndaccel's own modules calling
each other (or using operators and indexing) keep 0-d results on the device,
so library code composes 0-d device arrays freely. The test is the calling
frame's module name (_frames.py), one frame lookup, made only when a result is 0-d.
"""
import functools
import inspect

from . import _core, _transfer
from ._frames import called_from_user


def numpy_scalar(r):
    """r as a NumPy scalar when it is a 0-d ndaccel array (one transfer);
    anything else unchanged."""
    if isinstance(r, _core.ndarray_base) and r.ndim == 0:
        _transfer.implicit("a single-value result returned as a NumPy scalar")
        return _core.to_numpy(r)[()]
    return r


def convert(r, out):
    """NumPy's PyArray_Return on a public function's result: 0-d arrays other
    than the caller's out= become scalars, also inside a returned tuple
    (average(returned=True), slogdet, linspace(retstep=True))."""
    if isinstance(r, tuple):
        items = [convert(x, out) for x in r]
        make = getattr(type(r), "_make", None)
        return make(items) if make is not None else tuple(items)
    if not isinstance(r, _core.ndarray_base) or r.ndim != 0 or r is out:
        return r
    return numpy_scalar(r)


def _out_position(f):
    """Index of f's positional `out` parameter, or None."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return None
    for i, p in enumerate(params):
        if p.name == "out":
            return i if p.kind is p.POSITIONAL_OR_KEYWORD else None
    return None


def returns_scalar(f, alone=None):
    """Decorates a public function whose NumPy counterpart returns a scalar
    for a single-value result. Only calls from user code convert: ndaccel's
    own functions calling each other keep 0-d results on the device.
    alone(a), when given, is tried first for a user's call with the array
    alone (np.sum(a), a.max()): a NumPy scalar, or NotImplemented for f to
    run (_statistics/_host_reductions.py: whole)."""
    at = []  # f's positional `out` index, found at the first need (inspect is slow at import)

    @functools.wraps(f)
    def api(*args, **kwargs):
        if not called_from_user():
            return f(*args, **kwargs)
        if alone is not None and len(args) == 1 and not kwargs:
            r = alone(args[0])
            if r is not NotImplemented:
                return r
        r = f(*args, **kwargs)
        out = kwargs.get("out")
        if out is None and args:
            if not at:
                at.append(_out_position(f))
            if at[0] is not None and len(args) > at[0]:
                out = args[at[0]]
        return convert(r, out)
    api.device_version = f
    api.alone = alone
    return api

"""ndaccel.distributed: NumPy programs on many ranks (MPI processes), each
with its own device.

    mpirun -n 4 python3 solver.py      # with `import ndaccel.distributed as np`

Arrays are global-view and spread over the ranks in row blocks along axis
0 (_darray.py explains the evaluation: expressions run where their target
rows live, and only the halo rows a shifted slice reaches into move,
through the comm plugin: MPI, or NCCL between CUDA devices). Every rank
runs the same program; results that are single values (reductions,
bool(), float()) are the same on every rank, and printing gathers.

The namespace: creation (zeros, ones, full, empty, *_like, arange,
asarray/array of a host array, taken from rank 0), matmul/dot/@ of a
distributed matrix and a replicated or distributed one (the latter
gathered whole to every rank), NumPy's ufuncs and where on
distributed arrays (others fall through to ndaccel's), reductions (sum,
prod, max, min, mean, any, all, argmax, argmin; also through numpy.sum
and the like), copy, and the job's rank() / size() / comm(). Dtypes and
constants are ndaccel's; ndaccel's other names raise NotImplementedError
naming themselves and the distribution (module __getattr__), as do
ndaccel.ndarray's attributes that the distributed ndarray lacks."""
import builtins as _builtins
import sys as _sys

import numpy as _numpy

from .. import _ufunc
from .._creation._ranges import arange as _nd_arange
from .._indexing._nonzero import where as _nd_where
from .._ufunc import UFUNCS as _UFUNCS
from . import _context, _reductions
from ._darray import (_Expr, _View, _as_operand, _expr_array, _unsupported,
                      from_host as _from_host, full as _full, matmul, ndarray)
from ._darray import matmul as dot  # noqa: F401 - numpy.dot of a matrix and a vector/matrix
from ._reductions import all, any, argmax, argmin, max, mean, min, prod, sum  # noqa: A004

_reductions.attach()

float16, float32, float64 = _numpy.float16, _numpy.float32, _numpy.float64
complex64, complex128 = _numpy.complex64, _numpy.complex128
int8, int16, int32, int64 = _numpy.int8, _numpy.int16, _numpy.int32, _numpy.int64
uint8, uint16, uint32, uint64 = _numpy.uint8, _numpy.uint16, _numpy.uint32, _numpy.uint64
bool_ = _numpy.bool_
dtype = _numpy.dtype
pi, e, inf, nan = _numpy.pi, _numpy.e, _numpy.inf, _numpy.nan


def rank():
    """This process's rank."""
    return _context.rank()


def size():
    """The number of ranks."""
    return _context.size()


def comm():
    """The job's communicator (an ndaccel._core.Comm: rank, size, plugin, device)."""
    return _context.world()


def zeros(shape, dtype=float):
    """A distributed array of zeros, in row blocks along axis 0."""
    return _full(shape, 0, dtype)


def ones(shape, dtype=float):
    """A distributed array of ones."""
    return _full(shape, 1, dtype)


def empty(shape, dtype=float):
    """A distributed array (zero-filled: the values of an uninitialised one are unspecified
    anyway)."""
    return _full(shape, 0, dtype)


def full(shape, fill_value, dtype=None):
    """A distributed array filled with fill_value."""
    return _full(shape, fill_value, dtype)


def zeros_like(a, dtype=None):
    """Zeros with a's shape (and dtype)."""
    return _full(a.shape, 0, a.dtype if dtype is None else dtype)


def ones_like(a, dtype=None):
    """Ones with a's shape (and dtype)."""
    return _full(a.shape, 1, a.dtype if dtype is None else dtype)


def empty_like(a, dtype=None):
    """An array with a's shape (and dtype)."""
    return zeros_like(a, dtype)


def full_like(a, fill_value, dtype=None):
    """fill_value with a's shape (and dtype)."""
    return _full(a.shape, fill_value, a.dtype if dtype is None else dtype)


def arange(*args, dtype=None):
    """numpy.arange, distributed: each rank makes its own rows."""
    whole = _numpy.arange(*args, dtype=dtype)  # host: the length and dtype, no data moves
    c = _context.world()
    lo, hi = _context.block_bounds(whole.shape[0], c.size)[c.rank]
    start = whole[lo] if hi > lo else 0
    step = args[2] if len(args) > 2 else 1
    local = _nd_arange(hi - lo, dtype=whole.dtype, device=c.device) * \
        _numpy.asarray(step, whole.dtype) + _numpy.asarray(start, whole.dtype)
    return ndarray(whole.shape, local.astype(whole.dtype), c)


def asarray(a, dtype=None):
    """A distributed array of a: distributed arrays as they are (cast to dtype); host data
    (rank 0's is used) scattered into row blocks."""
    if isinstance(a, ndarray):
        return a if dtype is None or _numpy.dtype(dtype) == a.dtype else a.astype(dtype)
    h = _numpy.asarray(a.get() if hasattr(a, "get") and not isinstance(a, _numpy.ndarray)
                       else a, dtype=dtype)
    return _from_host(h)


def array(a, dtype=None, copy=True):
    """asarray, copying distributed input when copy is true."""
    r = asarray(a, dtype)
    return r.copy() if copy and r is a else r


def copy(a):
    """A distributed copy of a."""
    return asarray(a).copy()


def asnumpy(a):
    """The whole array as a NumPy array on every rank."""
    return a.get() if isinstance(a, ndarray) else _numpy.asarray(a)


def _distributed(x):
    return isinstance(x, (ndarray, _View, _Expr))


def _any_distributed(args):
    """Whether an argument (or an element of a list/tuple argument) is distributed."""
    return _builtins.any(_distributed(a) or (isinstance(a, (list, tuple)) and
                                             _builtins.any(_distributed(b) for b in a))
                         for a in args)


class _Ufunc:
    """ndaccel's ufunc `name` for the namespace: called on distributed arrays, an
    expression evaluated in row blocks (each rank its rows, one fused kernel); on
    others, ndaccel's. Its other members (reduce, accumulate, outer, at, nin...) are
    ndaccel's, and those taking arrays raise NotImplementedError on distributed ones."""

    def __init__(self, name, uf):
        self._uf = uf
        self.__name__ = self.__qualname__ = name
        self.__doc__ = (f"numpy.{name} elementwise: on distributed arrays each rank computes "
                        f"its rows (one fused kernel); on other arrays ndaccel.{name}.")

    def __call__(self, *args, **kwargs):
        if _builtins.any(_distributed(a) for a in args):
            if kwargs:
                raise NotImplementedError(f"ndaccel.distributed.{self.__name__}: keyword "
                                          f"arguments ({', '.join(kwargs)}) are not "
                                          f"implemented")
            return _expr_array(_Expr(self._uf, tuple(_as_operand(a) for a in args)))
        return self._uf(*args, **kwargs)

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        member = getattr(self._uf, attr)  # AttributeError as ndaccel's ufunc
        if not callable(member):
            return member
        what = f"{self.__name__}.{attr}"

        def method(*args, **kwargs):
            if _any_distributed(args) or _any_distributed(kwargs.values()):
                raise _unsupported(what)
            return member(*args, **kwargs)
        method.__name__ = attr
        return method

    def __repr__(self):
        return f"<ndaccel.distributed ufunc '{self.__name__}'>"


globals().update({n: _Ufunc(n, u) for n, u in _UFUNCS.items() if n not in globals()})


def where(condition, x=None, y=None):
    """numpy.where(condition, x, y) elementwise: with a distributed operand an expression
    evaluated in row blocks like the ufuncs (fused); on others ndaccel.where.
    where(condition) of a distributed condition (nonzero) is not implemented."""
    if x is None and y is None:
        if _distributed(condition):
            raise _unsupported("where(condition) (nonzero)")
        return _nd_where(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    if _builtins.any(_distributed(a) for a in (condition, x, y)):
        return _expr_array(_Expr(_ufunc.where, tuple(_as_operand(a)
                                                    for a in (condition, x, y))))
    return _nd_where(condition, x, y)


# Names of ndaccel that need no distributed form: dtypes, type classes and dtype
# helpers (no arrays involved), constants.
_FORWARDED = {"newaxis", "finfo", "iinfo", "errstate", "promote_types", "issubdtype",
              "isdtype", "result_type", "can_cast", "min_scalar_type"}


def __getattr__(name):
    """The rest of ndaccel's namespace: dtypes and dtype helpers are ndaccel's; other
    names ndaccel has are not implemented for distributed arrays (NotImplementedError
    naming them and the distribution); anything else is an AttributeError."""
    ndaccel = _sys.modules[__name__.rpartition(".")[0]]
    if name.startswith("__") or not hasattr(ndaccel, name):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(ndaccel, name)
    if name in _FORWARDED or (isinstance(value, type) and issubclass(value, _numpy.generic)):
        return value
    raise _unsupported(name)

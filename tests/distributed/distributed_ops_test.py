"""ndaccel.distributed operations against NumPy, on however many ranks
mpirun started (the BUILD runs 2 and 3, with halo exchanges overlapping the
interior or not: the argument "overlap" or "blocking"): creation, elementwise expressions
with scalars and replicated operands, row slices that start, end or lie
entirely on another rank (halos of width 1 and 2, empty slices),
assignment into slices and single rows, slices with steps along axis 0
(read, in expressions, assigned), reductions with and without axis
(argmax/argmin with ties across ranks and NaN), gathering (gather(root)
moving rows to root only, asarray scattering rank 0's rows), uneven blocks
and arrays with fewer rows than ranks; what is not
implemented raises NotImplementedError on every rank; bad input on one
rank raises on every rank instead of leaving the others waiting.
Prints "rank R: N checks passed" and exits 1 when a check failed."""
import os
import sys

import numpy

import ndaccel.distributed as dnp
from ndaccel import _core
from ndaccel.distributed import _darray
from rank_checks import begin, check, finish, raises, same  # beside this file

RANK, SIZE = dnp.rank(), dnp.size()
# "overlap": halo exchanges stay in flight while each rank stores its interior (the
# default); "blocking": they complete first (NDACCEL_HALO_OVERLAP=0).
MODE = sys.argv[1] if len(sys.argv) > 1 else "blocking"
_darray._halo_overlap = MODE == "overlap"
begin(RANK)


def host(n, m, seed=0, dtype=numpy.float64):
    return (numpy.random.default_rng(seed).integers(-9, 10, size=(n, m))).astype(dtype)


for n in (1, 2, SIZE - 1, SIZE + 1, 7, 10):
    if n < 1:
        continue
    m = 4
    h, g = host(n, m), host(n, m, 1)
    a, b = dnp.asarray(h), dnp.asarray(g)
    same(a, h, f"asarray n={n}")
    same(dnp.zeros((n, m), dnp.int32), numpy.zeros((n, m), numpy.int32), "zeros")
    same(dnp.full((n, m), 2.5), numpy.full((n, m), 2.5), "full")
    same(dnp.arange(n), numpy.arange(n), "arange")
    same(dnp.arange(1, 2 * n, 2, dtype=numpy.float32),
         numpy.arange(1, 2 * n, 2, dtype=numpy.float32), "arange step")
    # elementwise, scalars, a replicated row (broadcast along axis 1 only)
    same(a * 2 + b / 4 - 1, h * 2 + g / 4 - 1, "expression")
    same(3 - a, 3 - h, "reflected")
    same(a > b, h > g, "comparison")
    same(dnp.sqrt(abs(a)), numpy.sqrt(abs(h)), "ufunc")
    same(dnp.maximum(a, b), numpy.maximum(h, g), "binary ufunc")
    row = numpy.arange(m, dtype=numpy.float64)
    same(a + row, h + row, "replicated row")
    # row slices: every start/stop pair, shifted against each other
    for lo in range(0, n + 1):
        for hi in range(lo, n + 1):
            same(a[lo:hi, 1:], h[lo:hi, 1:], f"slice [{lo}:{hi}]")
    for k in (1, 2):  # halos of width 1 and 2
        if n > k:
            same(a[k:] - b[:-k], h[k:] - g[:-k], f"shift {k}")
            same(a[:-k, ::-1] * b[k:, ::-1], h[:-k, ::-1] * g[k:, ::-1], f"shift {k} cols")
    if n >= 4:
        same(a[n - 2:] + b[:2], h[n - 2:] + g[:2], "rows of other ranks")
        same(a[1:3] + a[n - 2:], h[1:3] + h[n - 2:], "same base, far apart")
    same(a[3:2] + 1, h[3:2] + 1, "empty slice")
    same(a[-1], h[-1], "one row")
    same(a[n // 2, 1:3], h[n // 2, 1:3], "one row, columns")
    # assignment
    c, hc = a.copy(), h.copy()
    c[0, :] = 100
    hc[0, :] = 100
    c[:, -1] = 75
    hc[:, -1] = 75
    c[-1] = row
    hc[-1] = row
    if n > 2:
        c[1:-1, 1:-1] = (c[0:-2, 1:-1] + c[2:, 1:-1]) / 2 + c[1:-1, 0:-2]
        hc[1:-1, 1:-1] = (hc[0:-2, 1:-1] + hc[2:, 1:-1]) / 2 + hc[1:-1, 0:-2]
    same(c, hc, "assignments")
    c[...] = b
    same(c, g, "whole assignment")
    c += a
    same(c, g + h, "in place")
    if n > 1:
        raises(ValueError, lambda: c.__setitem__(slice(0, 1), a), "shape mismatch")
    # reductions
    for name in ("sum", "max", "min", "mean", "prod"):
        same(numpy.asarray(getattr(dnp, name)(a)), getattr(numpy, name)(h), f"{name}")
        same(getattr(dnp, name)(a, axis=1), getattr(numpy, name)(h, axis=1), f"{name} axis 1")
        same(getattr(dnp, name)(a, axis=0), getattr(numpy, name)(h, axis=0), f"{name} axis 0")
    same(numpy.asarray(dnp.any(a > 5)), numpy.any(h > 5), "any")
    same(numpy.asarray(dnp.all(a > -10)), numpy.all(h > -10), "all")
    same(numpy.asarray(a.argmax()), h.argmax(), "argmax")
    same(numpy.asarray(a.argmin()), h.argmin(), "argmin")
    check(type(a.sum()) is numpy.float64, "scalar type")
    check(float(a[0:1, 0:1]) == float(h[0, 0]), "float()")
    check(bool(a[0:1, 0:1] == h[0, 0]), "bool()")
    check(a.gather(root=0) is None if RANK != 0 else numpy.array_equal(a.gather(0), h),
          "gather(root)")
    check(str(a) == str(h), "printing")

# In-place stencils with halos of width 1 and 2, repeated: each rank stores its
# interior while the halo rows move and then its border rows, which must read the
# values from before that store.
for n in (SIZE * 3 + 1, 24):
    h = host(n, 6, 7)
    u = dnp.asarray(h)
    for sweep in range(3):
        u[2:-2, 1:-1] = u[:-4, 1:-1] + u[4:, 1:-1] - u[2:-2, :-2] * 0.5 + u[1:-3, 2:]
        h[2:-2, 1:-1] = h[:-4, 1:-1] + h[4:, 1:-1] - h[2:-2, :-2] * 0.5 + h[1:-3, 2:]
        same(u, h, f"in-place stencil n={n} sweep {sweep}")
    u[:-1] = u[1:] * 2 - u[:-1]
    h[:-1] = h[1:] * 2 - h[:-1]
    same(u, h, f"in-place shift up n={n}")
    u[1:] = u[:-1] + 1
    h[1:] = h[:-1] + 1
    same(u, h, f"in-place shift down n={n}")

# One exchange per base array: the leaves u[:-2] and u[2:] of one stencil share it,
# and each halo row moves once (a row two leaves read is not sent twice).
started = []
_exchange_call = "comm_ialltoallv" if MODE == "overlap" else "comm_alltoallv"
_exchange = getattr(_core, _exchange_call)


def _counting(*args):
    started.append(args[1].size)
    return _exchange(*args)


n = 4 * SIZE
h = host(n, 5, 8)
u, v, w = dnp.asarray(h), dnp.zeros((n, 5)), dnp.asarray(host(n, 5, 9))
setattr(_core, _exchange_call, _counting)
try:
    before = u.halo_bytes
    v[1:-1] = u[:-2] + u[2:] + u[1:-1] * u[:-2]
    check(len(started) == 1, f"one exchange per base array (started {len(started)})")
    same(v, numpy.concatenate([numpy.zeros((1, 5)), h[:-2] + h[2:] + h[1:-1] * h[:-2],
                               numpy.zeros((1, 5))]), "a stencil's leaves sharing one exchange")
    rows = (u.halo_bytes - before) // (5 * 8)
    want = (1 if RANK > 0 else 0) + (1 if RANK < SIZE - 1 else 0)
    check(rows == want, f"halo rows received: {rows}, the minimum {want}")
    del started[:]
    v[1:-1] = u[:-2] + w[2:]
    check(len(started) == 2, f"two bases, two exchanges (started {len(started)})")
finally:
    setattr(_core, _exchange_call, _exchange)

# row blocks @ a replicated matrix or vector
for n in (1, SIZE + 1, 7):
    h = host(n, 4)
    w = numpy.arange(12.0).reshape(4, 3)
    same(dnp.asarray(h) @ w, h @ w, "matmul")
    same(dnp.dot(dnp.asarray(h), w[:, 0]), h @ w[:, 0], "dot with a vector")
for n, k in ((1, 3), (SIZE + 1, 5), (7, 2)):
    h1, h2 = host(n, k, 4), host(k, 3, 5)
    same(dnp.asarray(h1) @ dnp.asarray(h2), h1 @ h2, f"distributed @ distributed n={n} k={k}")
    same(dnp.asarray(h1) @ dnp.asarray(h2[:, 0]), h1 @ h2[:, 0],
         f"distributed @ distributed vector n={n} k={k}")
    same(dnp.asarray(h1)[::-1] @ (dnp.asarray(h2) * 2), h1[::-1] @ (h2 * 2),
         f"distributed views @ distributed expressions n={n} k={k}")
raises(ValueError, lambda: dnp.asarray(host(4, 4)) @ dnp.asarray(host(3, 4)),
       "distributed matmul shapes")
raises(ValueError, lambda: dnp.asarray(host(4, 4)) @ numpy.ones((3, 2)), "matmul shapes")

# slices along axis 0 with steps (negative too): read, in expressions, assigned
for n in (1, 2, SIZE + 1, 7, 10):
    h, g = host(n, 4, 2), host(n, 4, 3)
    a = dnp.asarray(h)
    for key in [slice(None, None, 2), slice(1, None, 3), slice(None, None, -1),
                slice(n - 1, 0, -2), slice(None, None, -3), slice(2, 2, 2)]:
        same(a[key], h[key], f"step slice {key} n={n}")
        same(a[key][:, 1:3], h[key][:, 1:3], f"step slice {key} then columns n={n}")
        same(a[key] * 2 - 1, h[key] * 2 - 1, f"step slice {key} in an expression n={n}")
    same(a[::-2, 1:3], h[::-2, 1:3], f"step and column slice n={n}")
    same(a[::-1] + a, h[::-1] + h, f"reversed plus itself n={n}")
    same(dnp.sum(a[::2]), h[::2].sum(), f"sum of a step slice n={n}")
    b, e = dnp.asarray(h), h.copy()
    b[::2] = 0.5
    e[::2] = 0.5
    same(b, e, f"assign a scalar to a step slice n={n}")
    b[::-3, 1:] = a[::3, :3] + 1
    e[::-3, 1:] = h[::3, :3] + 1
    same(b, e, f"assign an expression to a reversed step slice n={n}")
    b[1::2] = b[::2][:len(range(1, n, 2))] * 10
    e[1::2] = e[::2][:len(range(1, n, 2))] * 10
    same(b, e, f"assign rows of the same array n={n}")
    b[::-1] = b
    e[::-1] = e.copy()
    same(b, e, f"reverse in place n={n}")
    b[::2, 0] = numpy.arange(len(range(0, n, 2)), dtype=numpy.float64)
    e[::2, 0] = numpy.arange(len(range(0, n, 2)), dtype=numpy.float64)
    same(b, e, f"assign a replicated column to a step slice n={n}")
    raises(ValueError, lambda: b.__setitem__(slice(None, None, 2), dnp.asarray(host(n + 1, 4))),
           f"step slice shape mismatch n={n}")

# argmax/argmin along an axis and over every axis, with keepdims: values in -2..2 give
# ties everywhere (across rank boundaries too: NumPy's first occurrence wins); NaNs placed
# on several ranks (the first NaN wins); ints, bools, 1-d and 3-d; fewer rows than ranks.
for n in (1, 2, SIZE + 1, 7):
    rng = numpy.random.default_rng(n)
    cases = [rng.integers(-2, 3, size=(n, 5)).astype(numpy.float64),
             rng.integers(-2, 3, size=(n, 3)).astype(numpy.int32),
             rng.integers(0, 2, size=(n, 4)).astype(bool),
             rng.integers(-2, 3, size=(n,)).astype(numpy.int64),
             rng.integers(-2, 3, size=(n, 2, 3)).astype(numpy.float32),
             numpy.zeros((n, 3)),                         # every element ties
             numpy.repeat(numpy.arange(n)[:, None] % 2, 3, axis=1) * 1.0]
    f = rng.integers(-2, 3, size=(n, 4)).astype(numpy.float64)
    f[n // 2, 0] = f[n - 1, 0] = f[0, 1] = f[n - 1, 2] = numpy.nan  # NaN on several ranks
    cases.append(f)
    for h in cases:
        a = dnp.asarray(h)
        for name in ("argmax", "argmin"):
            for axis in [None] + list(range(-h.ndim, h.ndim)):
                for kd in (False, True):
                    want = getattr(numpy, name)(h, axis=axis, keepdims=kd)
                    what = f"{name} axis={axis} keepdims={kd} {h.dtype} {h.shape}"
                    same(getattr(dnp, name)(a, axis=axis, keepdims=kd), want, what)
            same(getattr(a, name)(-1), getattr(h, name)(-1), f"{name} method n={n}")
            same(getattr(dnp, name)(a[::-1], axis=0), getattr(numpy, name)(h[::-1], axis=0),
                 f"{name} of a reversed view n={n}")
            same(getattr(dnp, name)(a * 2, axis=-1), getattr(numpy, name)(h * 2, axis=-1),
                 f"{name} of an expression n={n}")
for name in ("argmax", "argmin"):
    a = dnp.asarray(host(5, 3))
    raises(numpy.exceptions.AxisError, lambda: getattr(dnp, name)(a, axis=2), f"{name} axis 2")
    raises(TypeError, lambda: getattr(dnp, name)(a, axis=(0,)), f"{name} axis tuple")
    raises(ValueError, lambda: getattr(dnp, name)(dnp.zeros((0, 3)), axis=0),
           f"{name} of an empty axis")
    raises(ValueError, lambda: getattr(dnp, name)(dnp.zeros((4, 0)), axis=1),
           f"{name} of an empty axis 1")
    same(getattr(dnp, name)(dnp.zeros((0, 3)), axis=1), numpy.zeros((0,), numpy.int64),
         f"{name} of no rows along axis 1")
    same(getattr(dnp, name)(dnp.zeros((4, 0)), axis=0), numpy.zeros((0,), numpy.int64),
         f"{name} along axis 0 with no columns")

# gather(root) is a root gather: only root receives the rows (one alltoallv, nothing
# received elsewhere); asarray scatters rank 0's array: each rank receives its own rows
# only, and the other ranks' values are not used.
moved = []
_a2av, _allgatherv, _bcast = _core.comm_alltoallv, _core.comm_allgatherv, _core.comm_bcast


def _recording(name, fn):
    def f(*args):
        moved.append((name, args[3].size if name == "alltoallv" else args[1].size))
        return fn(*args)
    return f


_core.comm_alltoallv = _recording("alltoallv", _a2av)
_core.comm_allgatherv = _recording("allgatherv", _allgatherv)
_core.comm_bcast = _recording("bcast", _bcast)
try:
    for n, shape in ((1, (1, 3)), (2, (2,)), (SIZE + 1, (SIZE + 1, 2, 3)), (7, (7, 4))):
        h = numpy.arange(numpy.prod(shape), dtype=numpy.int32).reshape(shape) * (RANK + 1)
        mine = numpy.arange(numpy.prod(shape), dtype=numpy.int32).reshape(shape)  # rank 0's
        lo, hi = _darray._context.block_bounds(n, SIZE)[RANK]
        del moved[:]
        a = dnp.asarray(h)
        received = sum(k for what, k in moved if what != "bcast" or k > 66)
        want = (hi - lo) * mine[0].size if SIZE > 1 else 0
        check(received == want, f"asarray {shape}: received {moved}, want only its rows")
        same(a, mine, f"asarray takes rank 0's values {shape}")
        same(a.local, mine[lo:hi], f"asarray: this rank's rows {shape}")
        for root in range(SIZE):
            del moved[:]
            g = (a * 2).gather(root=root)
            if RANK == root:
                same(g, mine * 2, f"gather(root={root}) {shape}")
            else:
                check(g is None, f"gather(root={root}) on rank {RANK}: {type(g)}")
            want = mine.size if RANK == root and SIZE > 1 else 0
            check(moved == ([("alltoallv", want)] if SIZE > 1 else []),
                  f"gather(root={root}) {shape}: one alltoallv, {want} received: {moved}")
        g = a[::-1].gather(SIZE - 1)
        same(g if RANK == SIZE - 1 else mine[::-1], mine[::-1], f"gather of a view {shape}")
finally:
    _core.comm_alltoallv, _core.comm_allgatherv, _core.comm_bcast = _a2av, _allgatherv, _bcast
a = dnp.asarray(host(4, 3))
raises(ValueError, lambda: a.gather(root=SIZE), "gather: root out of range")
raises(ValueError, lambda: a.gather(root=-1), "gather: negative root")
raises(TypeError, lambda: a.gather(root=0.5), "gather: root not an integer")
raises(TypeError, lambda: dnp.asarray(numpy.array([["a", "b"]])), "asarray of strings")
same(dnp.asarray(numpy.zeros((0, 3), numpy.int16)), numpy.zeros((0, 3), numpy.int16),
     "asarray of no rows")
g = dnp.zeros((0, 3)).gather(0)
check(g.shape == (0, 3) if RANK == 0 else g is None, "gather of no rows")

# where(condition, x, y): an elementwise expression like the ufuncs (distributed, view,
# replicated and scalar operands; NumPy's result dtype).
for n in (1, 2, SIZE + 1, 7):
    h, g = host(n, 4, 12), host(n, 4, 13).astype(numpy.float32)
    a, b = dnp.asarray(h), dnp.asarray(g)
    same(dnp.where(a > 0, a, b), numpy.where(h > 0, h, g), f"where n={n}")
    same(dnp.where(b > 0, b, 0), numpy.where(g > 0, g, 0), f"where with a scalar n={n}")
    same(dnp.where(a > b, 1, -1), numpy.where(h > g, 1, -1), f"where of scalars n={n}")
    row = numpy.arange(4, dtype=numpy.int16)
    same(dnp.where(a[::-1] > 0, row, a * 2), numpy.where(h[::-1] > 0, row, h * 2),
         f"where with a replicated row and a reversed view n={n}")
    same(dnp.where(numpy.array([True, False, True, False]), a, b),
         numpy.where(numpy.array([True, False, True, False]), h, g),
         f"where with a replicated condition n={n}")
    if n > 1:
        same(dnp.where(a[1:] > a[:-1], a[1:], a[:-1]), numpy.where(h[1:] > h[:-1], h[1:], h[:-1]),
             f"where of shifted views (halos) n={n}")
        c, e = a.copy(), h.copy()
        c[1:] = dnp.where(c[1:] > c[:-1], c[:-1], c[1:])
        e[1:] = numpy.where(e[1:] > e[:-1], e[:-1], e[1:])
        same(c, e, f"where assigned in place n={n}")
    same(dnp.where(numpy.array([1, 0]) > 0), numpy.where(numpy.array([1, 0]) > 0),
         "where(condition) of a host array")
a = dnp.asarray(host(5, 3))
raises(ValueError, lambda: dnp.where(a > 0, a), "where with x only")
raises(ValueError, lambda: dnp.where(a > 0, a, numpy.ones(4)), "where shapes")
raises(NotImplementedError, lambda: dnp.where(a > 0), "where(condition) of a distributed one")

# NumPy's functions on distributed arrays: the reductions through numpy.sum and the like
# (they call the methods with out=None); out= itself is not implemented.
h = host(SIZE + 2, 3, 14)
a = dnp.asarray(h)
for name in ("sum", "prod", "max", "min", "mean", "argmax", "argmin"):
    same(numpy.asarray(getattr(numpy, name)(a)), getattr(numpy, name)(h), f"numpy.{name}")
    same(getattr(numpy, name)(a, axis=0), getattr(numpy, name)(h, axis=0),
         f"numpy.{name} axis 0")
    same(getattr(numpy, name)(a, axis=1), getattr(numpy, name)(h, axis=1),
         f"numpy.{name} axis 1")
    check(isinstance(getattr(numpy, name)(a, axis=1), dnp.ndarray),
          f"numpy.{name} axis 1 is distributed")
    raises(NotImplementedError, lambda: getattr(numpy, name)(a, out=numpy.zeros(())),
           f"numpy.{name} with out=")
for name in ("any", "all"):
    same(numpy.asarray(getattr(numpy, name)(a > 0)), getattr(numpy, name)(h > 0),
         f"numpy.{name}")
# What is not implemented: NotImplementedError naming it and the distribution, on every
# rank alike; names that ndaccel does not have either stay AttributeErrors.


def names_it(what, fn):
    try:
        fn()
    except NotImplementedError as e:
        check(what in str(e) and "row blocks along axis 0" in str(e), f"{what}: {e}")
        return
    except Exception as e:  # noqa: BLE001 - a wrong class is a failure
        check(False, f"{what}: {type(e).__name__}: {e}")
        return
    check(False, f"{what}: nothing raised")


for name in ("linspace", "reshape", "concatenate", "cumsum", "linalg"):
    names_it(name, lambda: getattr(dnp, name))
for name in ("reshape", "T", "transpose", "cumsum", "flatten"):
    for x in (a, a + 1, a[1:]):
        names_it(f"ndarray.{name}", lambda: getattr(x, name))
names_it("add.reduce", lambda: dnp.add.reduce(a))
names_it("multiply.outer", lambda: dnp.multiply.outer(a, a))
names_it("ndarray.reshape", lambda: numpy.reshape(a, (-1,)))
same(dnp.add.reduce(numpy.arange(4)), numpy.add.reduce(numpy.arange(4)), "add.reduce on host")
check(dnp.add.nin == 2 and dnp.sqrt.__name__ == "sqrt", "ufunc attributes")
check(dnp.float32 is numpy.float32 and dnp.newaxis is None and
      dnp.finfo(dnp.float64).eps == numpy.finfo(numpy.float64).eps and
      dnp.result_type(dnp.float32, 1.0) == numpy.float32 and dnp.can_cast("i4", "f8") and
      dnp.result_type(a, 1) == a.dtype, "dtypes and helpers")
raises(AttributeError, lambda: dnp.no_such_function, "unknown name")
raises(AttributeError, lambda: a.no_such_attribute, "unknown attribute")
raises(AttributeError, lambda: (a + 1).no_such_attribute, "unknown attribute of an expression")

# The rest of the creation and conversion surface: ones, empty (shape and dtype only:
# its values are unspecified), the *_like functions (of arrays, views and expressions),
# asnumpy / numpy.asarray / item() on every rank, any/all along axes.
for n in (1, SIZE - 1, SIZE + 2):
    if n < 1:
        continue
    lo, hi = _darray._context.block_bounds(n, SIZE)[RANK]
    same(dnp.ones((n, 3)), numpy.ones((n, 3)), f"ones n={n}")
    same(dnp.ones(n, dnp.int16), numpy.ones(n, numpy.int16), f"ones int16 n={n}")
    e = dnp.empty((n, 2, 3), dnp.float32)
    check(isinstance(e, dnp.ndarray) and e.shape == (n, 2, 3) and e.dtype == numpy.float32
          and e.local.shape == (hi - lo, 2, 3), f"empty n={n}: {e.shape} {e.dtype}")
    e = dnp.empty(n)
    check(e.shape == (n,) and e.dtype == numpy.float64, f"empty 1-d n={n}")
    h = host(n, 3, 15).astype(numpy.int32)
    a = dnp.asarray(h)
    for x, hx in ((a, h), (a[::-1], h[::-1]), (a * 2, h * 2), (a[:, 1:] > 0, h[:, 1:] > 0)):
        same(dnp.zeros_like(x), numpy.zeros_like(hx), f"zeros_like n={n}")
        same(dnp.ones_like(x), numpy.ones_like(hx), f"ones_like n={n}")
        same(dnp.full_like(x, 7), numpy.full_like(hx, 7), f"full_like n={n}")
        same(dnp.full_like(x, 2.5, dtype=dnp.float32), numpy.full_like(hx, 2.5, numpy.float32),
             f"full_like with a dtype n={n}")
        same(dnp.zeros_like(x, dtype=bool), numpy.zeros_like(hx, dtype=bool),
             f"zeros_like with a dtype n={n}")
        e = dnp.empty_like(x)
        check(isinstance(e, dnp.ndarray) and e.shape == hx.shape and e.dtype == hx.dtype,
              f"empty_like n={n}: {e.shape} {e.dtype}")
        e = dnp.empty_like(x, dtype=dnp.complex64)
        check(e.shape == hx.shape and e.dtype == numpy.complex64, f"empty_like dtype n={n}")
    for x, hx in ((a, h), (a[::-1] + 1, h[::-1] + 1)):
        for conv in (dnp.asnumpy, numpy.asarray):
            r = conv(x)
            check(type(r) is numpy.ndarray, f"{conv.__name__} gives a NumPy array: {type(r)}")
            same(r, hx, f"{conv.__name__} n={n}")
    same(numpy.asarray(a, dtype=numpy.float32), h.astype(numpy.float32), "numpy.asarray dtype")
    same(dnp.asnumpy(h), h, "asnumpy of a host array")
    for args in ((0,), (n * 3 - 1,), (n - 1, 2), (-1,)):
        r = a.item(*args)
        check(type(r) is int and r == h.item(*args), f"item{args} n={n}: {r!r}")
    f = dnp.asarray(h[:1, :1] * 0.5)
    check(type(f.item()) is float and f.item() == (h[:1, :1] * 0.5).item(), "item() float")
    check(type((a[:1, :1] > 0).item()) is bool, "item() bool")
    if n * 3 > 1:
        raises(ValueError, lambda: a.item(), f"item() of {n * 3} elements")
    raises(IndexError, lambda: a.item(n * 3), "item() out of bounds")
    for name in ("any", "all"):
        for x, hx in ((a > 0, h > 0), (a, h), (a * 0.5, h * 0.5), (a[::-1] != 3, h[::-1] != 3)):
            for axis in (None, 0, 1, -1):
                for kd in (False, True):
                    r = getattr(dnp, name)(x, axis=axis, keepdims=kd)
                    same(numpy.asarray(r) if axis is None and not kd else r,
                         getattr(numpy, name)(hx, axis=axis, keepdims=kd),
                         f"{name} axis={axis} keepdims={kd} {hx.dtype} n={n}")
            same(getattr(x, name)(axis=1), getattr(hx, name)(axis=1), f"{name} method n={n}")

# NaN propagates through max
x = dnp.asarray(numpy.array([[1.0, 2.0], [numpy.nan, 3.0], [4.0, 5.0]]))
check(numpy.isnan(dnp.max(x)), "max with NaN")
# int sums in NumPy's dtype
same(numpy.asarray(dnp.sum(dnp.asarray(numpy.ones((5, 3), numpy.int8)))), numpy.int64(15),
     "int8 sum")
# not implemented: NotImplementedError on every rank
a = dnp.asarray(host(6, 3))
raises(NotImplementedError, lambda: a[numpy.array([0, 2])], "advanced indexing")
raises(NotImplementedError, lambda: a + dnp.asarray(host(1, 3)), "broadcast along axis 0")
raises(IndexError, lambda: a[6], "row out of bounds")
raises(ValueError, lambda: dnp.max(dnp.zeros((0, 3))), "empty max")
# bad input on one rank: every rank raises (agreed), nobody hangs
bad = host(4 if RANK == SIZE - 1 and SIZE > 1 else 5, 3)
raises(ValueError, lambda: dnp.asarray(bad), "host shapes that differ between ranks")
same(dnp.asarray(host(5, 3)), host(5, 3), "usable after the error")
# NDACCEL_HALO_OVERLAP=0 on one rank only: the ranks agree (on blocking exchanges) at
# the first exchange instead of one rank waiting forever for a nonblocking one.
if SIZE > 1:
    saved = (_darray._halo_overlap, os.environ.get("NDACCEL_HALO_OVERLAP"))
    _darray._halo_overlap = None
    if RANK == SIZE - 1:
        os.environ["NDACCEL_HALO_OVERLAP"] = "0"
    else:
        os.environ.pop("NDACCEL_HALO_OVERLAP", None)
    h = host(3 * SIZE, 4, 11)
    u, v = dnp.asarray(h), dnp.zeros((3 * SIZE, 4))
    v[1:-1] = u[:-2] + u[2:]
    same(v[1:-1], h[:-2] + h[2:], "an exchange with the setting differing between ranks")
    check(_darray._halo_overlap is False, "the ranks agreed on blocking exchanges")
    _darray._halo_overlap = saved[0]
    if saved[1] is None:
        os.environ.pop("NDACCEL_HALO_OVERLAP", None)
    else:
        os.environ["NDACCEL_HALO_OVERLAP"] = saved[1]

finish()

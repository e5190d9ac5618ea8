"""ndaccel.distributed over the "nccl" comm plugin on the fakes of tests/fakes (the
fake CUDA driver: device memory is host memory; the fake libnccl: NCCL's
collectives on MPI), on however many ranks mpirun started (the BUILD runs 2 and 3).

The fake driver runs no generated kernel, so this covers the data movement and
fills of ndaccel.distributed through the plugin, each compared exactly with NumPy
on every rank: asarray scattering rank 0's rows (every dtype it takes, 1-d to 3-d,
uneven blocks, fewer rows than ranks, no rows), asnumpy / numpy.asarray / get /
tolist / printing (allgatherv), gather(root) (alltoallv to root), zeros / ones /
full / empty and the *_like functions of arrays and views, copies, one row or
element read (allgatherv of its owner's part), item / float / int / bool of one
element, scalar assignment into contiguous rows (one row, rows spanning ranks, the
whole array, one element), the attributes, and errors that every rank raises alike
(agreed asarray shapes and dtypes, gather roots, keys, shapes).

What needs a kernel (expressions, reductions, shifted, stepped or column slices,
casts, arange, arrays assigned, matmul through cuBLAS) must raise on every rank,
with a message naming the kernel launch (or cuBLAS), and leave the ranks in step:
the next collective gives the right values. Listed are only operations whose
kernel every rank reaches past the same collectives (every rank holds rows of the
result): one that fails on some ranks only leaves the others in a collective, and
the job then ends as on an uncaught exception (fault_ranks.py). On a device that
runs kernels (another plugin, a real GPU) their values are compared instead.

    mpirun -n N python3 nccl_fake_ops_test.py PLUGIN   (run_python_ranks.sh)

PLUGIN ("nccl" by default) becomes NDACCEL_COMM; the device is NDACCEL_DEVICE's.
Prints "rank R: N checks passed" and exits 1 when a check failed."""
import os
import sys

import numpy

import ndaccel
import ndaccel.distributed as dnp
from ndaccel.distributed import _context, _darray
from rank_checks import begin, check, finish, raises, same  # beside this file

PLUGIN = sys.argv[1] if len(sys.argv) > 1 else "nccl"
os.environ["NDACCEL_COMM"] = PLUGIN  # read when the communicator opens (dnp.rank())
RANK, SIZE = dnp.rank(), dnp.size()
DEVICE = dnp.comm().device
# The fake CUDA driver moves memory but runs no generated kernel.
KERNELS = not (DEVICE.startswith("cuda") and os.environ.get("NDACCEL_CUDA_DRIVER"))
begin(RANK)


def host(shape, seed=0, dtype=numpy.float64):
    """Values in -9..9 (the same on every rank), cast to dtype; complex ones get an
    imaginary part too."""
    rng = numpy.random.default_rng(seed)
    h = rng.integers(-9, 10, size=shape)
    if numpy.dtype(dtype).kind == "c":
        return (h + 1j * rng.integers(-9, 10, size=shape)).astype(dtype)
    return h.astype(dtype)


def in_step(what):
    """The ranks are in step: a scatter and an allgather give rank 0's values."""
    h = host((3 * SIZE + 1, 3), 99)
    same(dnp.asnumpy(dnp.asarray(h)), h, f"{what}: the next collectives")


check(dnp.comm().plugin == PLUGIN and DEVICE == os.environ.get("NDACCEL_DEVICE", DEVICE)
      and dnp.comm().size == SIZE and dnp.comm().rank == RANK,
      f"the communicator: {dnp.comm().plugin} on {DEVICE}, rank {RANK} of {SIZE}")

# Scatter from rank 0 and gather back, every dtype asarray takes; uneven blocks,
# fewer rows than ranks (n = 1, SIZE - 1), no rows.
DTYPES = [numpy.dtype(t) for t in ("bool", "int8", "uint8", "int16", "uint16", "int32",
                                   "uint32", "int64", "uint64", "float16", "float32",
                                   "float64", "complex64", "complex128")]
for n in sorted({0, 1, 2, SIZE - 1, SIZE + 1, 7}):
    lo, hi = _context.block_bounds(n, SIZE)[RANK]
    for shape, dtypes in (((n, 4), DTYPES), ((n,), DTYPES[5:8]), ((n, 2, 3), DTYPES[-3:])):
        for dt in dtypes:
            h = host(shape, n, dt)
            what = f"{shape} {dt}"
            a = dnp.asarray(h)
            check(isinstance(a, dnp.ndarray) and a.shape == shape and a.dtype == dt and
                  a.ndim == len(shape) and a.size == h.size and len(a) == n,
                  f"attributes {what}: {a.shape} {a.dtype} {a.ndim} {a.size}")
            check(a.bounds == _context.block_bounds(n, SIZE) and
                  a.local.shape == (hi - lo,) + shape[1:] and a.local.dtype == dt,
                  f"row blocks {what}: {a.bounds} {a.local.shape}")
            same(a.local, h[lo:hi], f"this rank's rows {what}")
            same(dnp.asnumpy(a), h, f"asnumpy {what}")
            r = numpy.asarray(a)
            check(type(r) is numpy.ndarray, f"numpy.asarray gives a NumPy array: {type(r)}")
            same(r, h, f"numpy.asarray {what}")
            same(a.get(), h, f"get {what}")
            check(a.tolist() == h.tolist(), f"tolist {what}")
            for root in range(SIZE):
                g = a.gather(root=root)
                if RANK == root:
                    same(g, h, f"gather(root={root}) {what}")
                else:
                    check(g is None, f"gather(root={root}) {what} on rank {RANK}: {type(g)}")
    h = host((n, 3), 1)
    a = dnp.asarray(h)
    text, want = str(a), str(h)  # printing gathers: once per rank, not in the message
    check(text == want, f"str n={n}: {text!r}, want {want!r}")
    text, want = repr(a), repr(h).replace("array(", "distributed_array(", 1)
    check(text == want, f"repr n={n}: {text!r}, want {want!r}")
    same(numpy.asarray(a, dtype=numpy.float32), h.astype(numpy.float32),
         f"numpy.asarray dtype n={n}")
    # Rank 0's values are used: the others' (same shape and dtype) are not read.
    same(dnp.asarray(h * (RANK + 1)), h, f"asarray takes rank 0's values n={n}")
    same(dnp.asarray(h, dtype=numpy.int16), h.astype(numpy.int16), f"asarray dtype n={n}")
    same(dnp.asarray(ndaccel.asarray(h, device=DEVICE)), h, f"asarray of a device array n={n}")
    same(dnp.array(h), h, f"array n={n}")
    # copies: each rank copies its rows; a copy is independent of its source
    c = a.copy()
    same(c, h, f"copy n={n}")
    c[...] = 0.0
    same(a, h, f"the source after its copy was filled n={n}")
    same(c, numpy.zeros_like(h), f"the filled copy n={n}")
    for name, x in (("dnp.copy", dnp.copy(a)), ("dnp.array", dnp.array(a)),
                    ("astype to its own dtype", a.astype(a.dtype))):
        check(x is not a, f"{name} n={n} is a new array")
        same(x, h, f"{name} n={n}")
    check(dnp.asarray(a) is a and dnp.asarray(a, dtype=a.dtype) is a and
          dnp.array(a, copy=False) is a and a.astype(a.dtype, copy=False) is a,
          f"no copy asked, none made n={n}")
    check(a.halo_bytes == 0, f"no halo moved n={n}")

# Fills: zeros / ones / full / empty (shape and dtype only) and the *_like functions
# of arrays and views (a view's shape and dtype need nothing moved).
for n in sorted({0, 1, SIZE - 1, SIZE + 2, 7}):
    lo, hi = _context.block_bounds(n, SIZE)[RANK]
    same(dnp.zeros((n, 3)), numpy.zeros((n, 3)), f"zeros n={n}")
    same(dnp.zeros((n, 3), dnp.int32), numpy.zeros((n, 3), numpy.int32), f"zeros int32 n={n}")
    same(dnp.ones((n, 3)), numpy.ones((n, 3)), f"ones n={n}")
    same(dnp.ones(n, dnp.int16), numpy.ones(n, numpy.int16), f"ones int16 1-d n={n}")
    same(dnp.full((n, 3), 2.5), numpy.full((n, 3), 2.5), f"full n={n}")
    same(dnp.full((n, 3), 7), numpy.full((n, 3), 7), f"full of an int n={n}")
    same(dnp.full((n, 2, 3), -1.5, dnp.float32), numpy.full((n, 2, 3), -1.5, numpy.float32),
         f"full float32 3-d n={n}")
    same(dnp.full((n, 2), 1 + 2j, dnp.complex128), numpy.full((n, 2), 1 + 2j, numpy.complex128),
         f"full complex n={n}")
    same(dnp.full((n, 2), True, bool), numpy.full((n, 2), True), f"full bool n={n}")
    same(dnp.full(n, 3, dnp.uint8), numpy.full(n, 3, numpy.uint8), f"full uint8 1-d n={n}")
    for e in (dnp.empty((n, 2, 3), dnp.float32), dnp.empty(n)):
        want = (n, 2, 3) if e.ndim == 3 else (n,)
        check(isinstance(e, dnp.ndarray) and e.shape == want and
              e.dtype == (numpy.float32 if e.ndim == 3 else numpy.float64) and
              e.local.shape == (hi - lo,) + want[1:], f"empty n={n}: {e.shape} {e.dtype}")
    h = host((n, 4), 2, numpy.int32)
    a = dnp.asarray(h)
    for x, hx, what in ((a, h, "array"), (a[1:], h[1:], "shifted view"),
                        (a[:, 1:3], h[:, 1:3], "column view"), (a[::-2], h[::-2], "step view")):
        what = f"{what} n={n}"
        same(dnp.zeros_like(x), numpy.zeros_like(hx), f"zeros_like of an {what}")
        same(dnp.ones_like(x), numpy.ones_like(hx), f"ones_like of an {what}")
        same(dnp.full_like(x, 7), numpy.full_like(hx, 7), f"full_like of an {what}")
        same(dnp.full_like(x, 2.5, dtype=dnp.float32), numpy.full_like(hx, 2.5, numpy.float32),
             f"full_like with a dtype of an {what}")
        same(dnp.zeros_like(x, dtype=bool), numpy.zeros_like(hx, dtype=bool),
             f"zeros_like bool of an {what}")
        e = dnp.empty_like(x, dtype=dnp.complex64)
        check(isinstance(e, dnp.ndarray) and e.shape == hx.shape and e.dtype == numpy.complex64,
              f"empty_like of an {what}: {e.shape} {e.dtype}")
    g = dnp.full((n, 2), 4.0).gather(SIZE - 1)
    if RANK == SIZE - 1:
        same(g, numpy.full((n, 2), 4.0), f"gather of a fill n={n}")
    else:
        check(g is None, f"gather of a fill n={n}")

# One row or element read: every rank gets it (an allgatherv of its owner's part);
# item / float / int / bool of one element.
for n in sorted({1, SIZE + 1, 7}):
    h = host((n, 3), 3)
    a = dnp.asarray(h)
    for i in sorted({0, n // 2, n - 1, -1}):
        row = a[i]
        check(isinstance(row, ndaccel.ndarray), f"a[{i}] is an ndaccel array: {type(row)}")
        same(row, h[i], f"row {i} n={n}")
        same(a[i, 1:3], h[i, 1:3], f"row {i}, columns 1:3 n={n}")
        same(a[i, -1], h[i, -1], f"element ({i}, -1) n={n}")
    for args in ((0,), (n * 3 - 1,), (n - 1, 2), (-1,)):
        r = a.item(*args)
        check(type(r) is float and r == h.item(*args), f"item{args} n={n}: {r!r}")
    hint = host((n, 3), 3, numpy.int32)
    r = dnp.asarray(hint).item(n // 2, 1)
    check(type(r) is int and r == hint.item(n // 2, 1), f"item of an int32 n={n}: {r!r}")
    if n > 1:
        raises(ValueError, lambda: a.item(), f"item() of {n * 3} elements")
        raises(ValueError, lambda: bool(a), f"bool() of {n * 3} elements")
        raises(TypeError, lambda: float(a), f"float() of {n * 3} elements")
    raises(IndexError, lambda: a.item(n * 3), f"item() out of bounds n={n}")
one = host((1, 1), 4)
check(float(dnp.asarray(one)) == float(one[0, 0]), "float() of one element")
check(int(dnp.asarray(one.astype(numpy.int64))) == int(one[0, 0]), "int() of one element")
check(bool(dnp.asarray(one)) is bool(one[0, 0]), "bool() of one element")
check(bool(dnp.asarray(numpy.zeros((1,)))) is False, "bool() of a zero")
r = dnp.asarray(one * 0.5).item()
check(type(r) is float and r == one.item() * 0.5, f"item() of one element: {r!r}")
r = dnp.asarray(one > 0).item()
check(type(r) is bool and r == bool(one.item() > 0), f"item() of one bool: {r!r}")

# Scalar assignment into contiguous rows, each compared after it is made: one row
# (an integer key, with or without columns), rows spanning the ranks' blocks, one
# element, the whole array, an empty slice; on every dtype, 1-d to 3-d, few rows.
for dt in DTYPES:
    for n in sorted({1, SIZE - 1, 7}):
        if n < 1:
            continue
        h = host((n, 3), 5, dt)
        c, e = dnp.asarray(h), h.copy()
        for key, value in ((0, 1), ((n - 1, slice(None)), 0), (slice(1, 5), 1),
                           ((n // 2, 2), 0), (-1, 1), (slice(2, 2), 0), (Ellipsis, 1),
                           (slice(0, n // 2 + 1), 0)):
            c[key] = value
            e[key] = value
            same(c, e, f"{dt} n={n}: [{key}] = {value}")
h = host((7, 4), 6)
c, e = dnp.asarray(h), h.copy()
for key, value in ((0, 100.0), ((3, slice(None)), -2.5), (-1, numpy.float32(2.5)),
                   (2, numpy.array(4.25)), (slice(1, 6), 3), ((5, 1), 9.5),
                   (slice(None), 7.0), (Ellipsis, -1.0)):
    c[key] = value
    e[key] = value
    same(c, e, f"(7, 4): [{key}] = {value!r}")
h = host((7, 2, 3), 7)
c, e = dnp.asarray(h), h.copy()
for key, value in ((2, 1.5), ((4, 1), 2.5), ((5, 0, slice(None)), 3.5), (slice(1, 6), 4.5),
                   ((6, 1, 2), 5.5)):
    c[key] = value
    e[key] = value
    same(c, e, f"(7, 2, 3): [{key}] = {value}")
h = host((7,), 8)
c, e = dnp.asarray(h), h.copy()
for key, value in ((3, 2.0), (slice(1, 4), 7.0), (-1, -7.0), (Ellipsis, 0.5)):
    c[key] = value
    e[key] = value
    same(c, e, f"(7,): [{key}] = {value}")
h = host((7, 3), 9, numpy.int32)
c, e = dnp.asarray(h), h.copy()
c[3] = 2.7
e[3] = 2.7
same(c, e, "a float into an int32 row")

# Errors that need no kernel raise on every rank alike (agreed through the plugin
# where they depend on one rank's input), and the ranks stay in step.
bad = host((4 if RANK == SIZE - 1 and SIZE > 1 else 5, 3))
raises(ValueError, lambda: dnp.asarray(bad), "host shapes that differ between ranks")
in_step("after the shapes that differ")
raises(TypeError, lambda: dnp.asarray(numpy.array([["a", "b"]])), "asarray of strings")
in_step("after the strings")
a = dnp.asarray(host((7, 3)))
raises(ValueError, lambda: a.gather(root=SIZE), "gather: root out of range")
raises(ValueError, lambda: a.gather(root=-1), "gather: negative root")
raises(TypeError, lambda: a.gather(root=0.5), "gather: root not an integer")
raises(IndexError, lambda: a[7], "row out of bounds")
raises(IndexError, lambda: a.__setitem__(-8, 1.0), "assigned row out of bounds")
raises(NotImplementedError, lambda: a[numpy.array([0, 2])], "advanced indexing")
raises(NotImplementedError, lambda: a + dnp.asarray(host((1, 3))), "broadcast along axis 0")
raises(ValueError, lambda: a.__setitem__(slice(0, 1), a), "assigned shapes")
raises(ValueError, lambda: a.__setitem__(0, numpy.ones(4)), "assigned row shapes")
raises(NotImplementedError, lambda: a.reshape, "ndarray.reshape")
in_step("after the errors")

# What needs a kernel: each raises on every rank (nothing else is listed, see the
# docstring), naming the launch or cuBLAS; the ranks stay in step. n = 4 * SIZE rows:
# every rank holds rows of every result, and in the shifted slices each rank sends
# halo rows to one rank at most, so no rank concatenates a send buffer (a kernel)
# and fails before an exchange that the others are already in.
n = 4 * SIZE
H, W = host((n, 5), 10), host((5, 2), 11)
A = dnp.asarray(H)


def assigned(key, value):
    c = A.copy()
    c[key] = value
    return dnp.asnumpy(c)


def with_set(key, value):
    e = H.copy()
    e[key] = value
    return e


def inplace_shift():
    c = A.copy()
    c[1:] = c[:-1] + 1
    return dnp.asnumpy(c)


def gathered(x):
    """x gathered to rank 0: the array there, elsewhere whether None came back."""
    g = x.gather(0)
    return g if RANK == 0 else g is None


KERNEL_OPS = [
    ("elementwise expression", lambda: dnp.asnumpy(A * 2 + 1), H * 2 + 1),
    ("ufunc", lambda: dnp.asnumpy(dnp.sqrt(abs(A))), numpy.sqrt(abs(H))),
    ("where", lambda: dnp.asnumpy(dnp.where(A > 0, A, 0)), numpy.where(H > 0, H, 0)),
    ("sum", lambda: numpy.asarray(A.sum()), H.sum()),
    ("max", lambda: numpy.asarray(dnp.max(A)), H.max()),
    ("any along axis 1", lambda: dnp.asnumpy(dnp.any(A > 0, axis=1)), numpy.any(H > 0, axis=1)),
    ("argmax", lambda: numpy.asarray(A.argmax()), H.argmax()),
    ("a slice shifted down", lambda: dnp.asnumpy(A[1:]), H[1:]),
    ("a slice shifted up", lambda: dnp.asnumpy(A[:-1]), H[:-1]),
    ("a shifted slice of columns", lambda: dnp.asnumpy(A[2:, 1:-1]), H[2:, 1:-1]),
    ("two shifted views", lambda: dnp.asnumpy(A[1:-1] + A[2:]), H[1:-1] + H[2:]),
    ("a slice of columns", lambda: dnp.asnumpy(A[:, 1:]), H[:, 1:]),
    ("a step slice", lambda: dnp.asnumpy(A[::2]), H[::2]),
    ("a reversed slice", lambda: dnp.asnumpy(A[::-1]), H[::-1]),
    ("a gathered view", lambda: gathered(A[1:]), H[1:] if RANK == 0 else True),
    ("a cast", lambda: dnp.asnumpy(A.astype(numpy.float32)), H.astype(numpy.float32)),
    ("arange", lambda: dnp.asnumpy(dnp.arange(n)), numpy.arange(n)),
    ("zeros_like of an expression", lambda: dnp.asnumpy(dnp.zeros_like(A * 2)),
     numpy.zeros_like(H)),
    ("a column filled", lambda: assigned((slice(None), -1), 75.0),
     with_set((slice(None), -1), 75.0)),
    ("a block filled", lambda: assigned((slice(None), slice(1, 3)), 4.0),
     with_set((slice(None), slice(1, 3)), 4.0)),
    ("a host array assigned", lambda: assigned(Ellipsis, H * 2), H * 2),
    ("a host row assigned to every row", lambda: assigned(slice(None), H[0]),
     with_set(slice(None), H[0])),
    ("a distributed array assigned", lambda: assigned(Ellipsis, A * 1), H * 1),
    ("a shifted view assigned", lambda: assigned(slice(0, -1), A[1:]),
     with_set(slice(0, -1), H[1:])),
    ("an in-place shift", inplace_shift, with_set(slice(1, None), H[:-1] + 1)),
    ("a scalar filling every other row", lambda: assigned(slice(None, None, 2), 0.5),
     with_set(slice(None, None, 2), 0.5)),
    ("matmul (cuBLAS)", lambda: dnp.asnumpy(A @ W), H @ W),
    ("distributed matmul (cuBLAS)", lambda: dnp.asnumpy(A @ dnp.asarray(W)), H @ W),
]
if SIZE == 2:
    # Two-sided halos: on 3 ranks or more the middle ones send rows both ways, a
    # concatenation (a kernel) before the exchange, and fail alone.
    KERNEL_OPS.append(("a two-sided stencil",
                       lambda: dnp.asnumpy(A[0:-2, 1:-1] + A[2:, 1:-1]),
                       H[0:-2, 1:-1] + H[2:, 1:-1]))
for overlap in (False, True):
    # Halo exchanges in flight while the interior's kernel is launched, or not.
    _darray._halo_overlap = overlap
    for name, fn, want in KERNEL_OPS:
        what = f"{name} (overlap={overlap})"
        if KERNELS:
            same(fn(), want, what)
        else:
            try:
                fn()
                check(False, f"{what}: nothing raised (the fake driver runs no kernel)")
            except Exception as e:  # noqa: BLE001 - any class, the message says why
                text = str(e)
                check("launch of" in text or "cublas" in text.lower(),
                      f"{what}: not the kernel's error: {type(e).__name__}: {text}")
        in_step(what)

finish()

"""Bad calls across the whole API: ndaccel raises the exception class NumPy
raises for the same call (exactly: AxisError is both a ValueError and an
IndexError, NumPy's UFuncTypeError is a TypeError), with a message that
names the problem, and the library still computes correctly afterwards.

Each row is (id, call, pattern): call takes the module (numpy or ndaccel)
and makes the bad call on tiny operands (few kernels to compile); pattern,
when given, is a regular expression ndaccel's message must contain (the
shape, axis, dtype or index at fault).

    python3 tests/python/test_bad_input.py   # lists every mismatch at once
"""
import operator
import re
import warnings

import numpy
import pytest

import ndaccel
from xp_util import xp_compare


# ---------------------------------------------------------------- operands
# Host data is uploaded as it is (no kernel); each helper takes the module.

def F(xp):
    """float64 (2, 3): [[0, 1, 2], [3, 4, 5]]"""
    return xp.asarray(numpy.arange(6.0).reshape(2, 3))


def I(xp):
    """int64 (2, 3)"""
    return xp.asarray(numpy.arange(6).reshape(2, 3))


def V(xp, n=3, dt="float64"):
    """1-D ones"""
    return xp.asarray(numpy.ones(n, dtype=dt))


def B(xp, n=3):
    """bool [True, False, True, ...]"""
    return xp.asarray(numpy.arange(n) % 2 == 0)


def E(xp, shape=(0,), dt="float64"):
    """an empty array"""
    return xp.asarray(numpy.zeros(shape, dtype=dt))


def Z(xp, v=1.5):
    """0-d"""
    return xp.asarray(numpy.float64(v))


def C(xp):
    """complex128 (3,)"""
    return xp.asarray(numpy.array([1 + 1j, 2, 3j]))


def SQ(xp):
    """a singular 2 x 2 float64"""
    return xp.asarray(numpy.array([[1.0, 2.0], [2.0, 4.0]]))


def rng(xp):
    return xp.random.default_rng(0)


def setitem(a, key, value):
    a[key] = value
    return a


def iadd(a, b):
    a += b
    return a


AXIS = r"axis -?\d+ is out of bounds for array of dimension \d+"
BCAST = r"broadcast"

ROWS = [
    # ------------------------------------------------------------ creation
    ("zeros-overflow", lambda xp: xp.zeros((2**62, 2**62)), "too big"),
    ("zeros-overflow-3d", lambda xp: xp.zeros((2**31, 2**31, 2**31)), "too big"),
    ("empty-2**63", lambda xp: xp.empty(2**63), None),
    ("empty-2**64", lambda xp: xp.empty((2**64,)), None),
    ("empty-overflow-uint8", lambda xp: xp.empty((2**63 - 1, 2), dtype="uint8"), "too big"),
    ("zeros-2**64-1", lambda xp: xp.zeros(2**64 - 1), None),
    ("zeros-negative-huge", lambda xp: xp.zeros(-2**63), "negative"),
    ("empty-2**32-squared-int8", lambda xp: xp.empty((2**32, 2**32), dtype="int8"), "too big"),
    ("ones-2**61-float64", lambda xp: xp.ones(2**61), "too big"),
    ("ones-2**63-1-int8", lambda xp: xp.ones(2**63 - 1, dtype="int8"), "opencl|cuda"),
    ("zeros-2**45-bytes", lambda xp: xp.zeros(2**45, dtype="uint8"), "35184372088832"),
    ("full-2**61", lambda xp: xp.full(2**61, 1.0), "too big"),
    ("arange-2**62", lambda xp: xp.arange(2**62), "too big"),
    ("arange-2**40", lambda xp: xp.arange(2**40), "8796093022208"),
    ("linspace-huge", lambda xp: xp.linspace(0, 1, 2**62), "too big"),
    ("eye-huge", lambda xp: xp.eye(2**40), "too big"),
    ("indices-huge", lambda xp: xp.indices((2**31, 2**31)), "too big"),
    ("meshgrid-huge", lambda xp: xp.meshgrid(V(xp, 2**20), V(xp, 2**20)), "opencl|cuda"),
    ("empty_like-huge", lambda xp: xp.empty_like(V(xp), shape=(2**62, 4)), "too big"),
    ("broadcast_to-huge", lambda xp: xp.broadcast_to(V(xp, 1), (2**62, 2**62)), None),
    ("broadcast_to-2**63", lambda xp: xp.broadcast_to(V(xp, 1), (2**63,)), None),
    ("tile-huge", lambda xp: xp.tile(V(xp), 2**62), "too big"),
    ("repeat-huge", lambda xp: xp.repeat(V(xp), 2**62), None),
    ("pad-huge", lambda xp: xp.pad(V(xp), 2**62), None),
    ("expand_dims-past-64", lambda xp: xp.expand_dims(xp.zeros((1,) * 64), 0), "64"),
    ("reshape-past-64", lambda xp: xp.zeros((1,) * 64).reshape((1,) * 65), "64"),
    ("newaxis-past-64", lambda xp: xp.zeros((1,) * 64)[None], "64"),
    ("asarray-nested-past-64", lambda xp: xp.asarray(eval("[" * 70 + "1" + "]" * 70)), "64"),
    ("zeros-float-huge", lambda xp: xp.zeros(1e30), None),
    ("zeros-negative", lambda xp: xp.zeros(-1), "negative"),
    ("zeros-negative-2d", lambda xp: xp.zeros((2, -3)), "negative"),
    ("ones-negative-with-zero", lambda xp: xp.ones((0, -1)), "negative"),
    ("empty-ndim-65", lambda xp: xp.empty((1,) * 65), "64"),
    ("zeros-ndim-100", lambda xp: xp.zeros((1,) * 100), "64"),
    ("zeros-float-shape", lambda xp: xp.zeros(2.5), "float"),
    ("zeros-str-shape", lambda xp: xp.zeros("3"), "str"),
    ("zeros-none-in-shape", lambda xp: xp.zeros((2, None)), "NoneType"),
    ("zeros-bad-dtype", lambda xp: xp.zeros(3, dtype="nope"), "nope"),
    ("zeros-bad-order", lambda xp: xp.zeros(3, order="Q"), "order"),
    ("ones-bad-dtype-obj", lambda xp: xp.ones(2, dtype=operator), None),
    ("full-bad-fill-shape", lambda xp: xp.full((2,), [1, 2, 3]), BCAST),
    ("full-negative", lambda xp: xp.full(-2, 1.0), "negative"),
    ("full-fill-string", lambda xp: xp.full(2, "x", dtype=float), "x"),
    ("empty_like-bad-shape", lambda xp: xp.empty_like(V(xp), shape=-1), "negative"),
    ("zeros_like-bad-dtype", lambda xp: xp.zeros_like(V(xp), dtype="nope"), "nope"),
    ("full_like-bad-dtype", lambda xp: xp.full_like(V(xp), 1, dtype="nope"), "nope"),
    ("asarray-ragged", lambda xp: xp.asarray([[1, 2], [3]]), "inhomogeneous"),
    ("asarray-ragged-scalar-list", lambda xp: xp.asarray([1, [2, 3]]), "inhomogeneous"),
    ("asarray-ragged-depth", lambda xp: xp.asarray([[1], [[2]]]), "inhomogeneous"),
    ("array-ragged", lambda xp: xp.array([[1.0, 2.0], 3.0]), "inhomogeneous"),
    ("asarray-bad-dtype", lambda xp: xp.asarray([1, 2], dtype="bogus"), "bogus"),
    ("asarray-str-to-float", lambda xp: xp.asarray(["a", "b"], dtype=float), "a"),
    ("asarray-dict-to-float", lambda xp: xp.asarray({"a": 1}, dtype=float), "dict"),
    ("asarray-none-to-int", lambda xp: xp.asarray([1, None], dtype=int), "NoneType"),
    ("asarray-bigint-to-int64", lambda xp: xp.asarray([2**64], dtype="int64"), None),
    ("asarray-bad-order", lambda xp: xp.asarray([1.0], order="Q"), "order"),
    ("asarray-copy-false", lambda xp: xp.asarray([1.0], copy=False), "copy"),
    ("arange-no-args", lambda xp: xp.arange(), None),
    ("arange-zero-step", lambda xp: xp.arange(0, 10, 0), None),
    ("arange-inf", lambda xp: xp.arange(numpy.inf), None),
    ("arange-nan", lambda xp: xp.arange(numpy.nan), None),
    ("arange-nan-step", lambda xp: xp.arange(0, 1, numpy.nan), "length"),
    ("arange-str", lambda xp: xp.arange("3"), None),
    ("arange-bad-dtype", lambda xp: xp.arange(3, dtype="nope"), "nope"),
    ("arange-huge", lambda xp: xp.arange(0, 2**62, 1e-10), None),
    ("linspace-negative-num", lambda xp: xp.linspace(0, 1, -1), "-1"),
    ("linspace-float-num", lambda xp: xp.linspace(0, 1, 2.5), "float"),
    ("linspace-bad-axis", lambda xp: xp.linspace(V(xp, 2), 2, 3, axis=3), AXIS),
    ("logspace-negative-num", lambda xp: xp.logspace(0, 1, -1), "-1"),
    ("geomspace-zero", lambda xp: xp.geomspace(0, 1, 3), "zero"),
    ("eye-negative", lambda xp: xp.eye(-1), "negative"),
    ("eye-float-k", lambda xp: xp.eye(2, k=1.5), None),
    ("identity-negative", lambda xp: xp.identity(-2), "negative"),
    ("diag-3d", lambda xp: xp.diag(xp.zeros((2, 2, 2))), "1- or 2-d"),
    ("diagflat-bad-k", lambda xp: xp.diagflat(V(xp), k="x"), None),
    ("meshgrid-bad-indexing", lambda xp: xp.meshgrid(V(xp), indexing="bad"), "indexing"),
    ("indices-negative", lambda xp: xp.indices((-1, 2)), "negative"),
    ("tril-0d", lambda xp: xp.tril(Z(xp)), None),

    # ------------------------------------------------------------ manipulation
    ("reshape-size", lambda xp: F(xp).reshape(4), r"size 6 into shape \(4,\)"),
    ("reshape-two-unknown", lambda xp: F(xp).reshape(-1, -1), "unknown dimension"),
    ("reshape-float", lambda xp: F(xp).reshape(2.5), "float"),
    ("reshape-func-size", lambda xp: xp.reshape(F(xp), (7,)), r"\(7,\)"),
    ("reshape-negative-size", lambda xp: F(xp).reshape(-3, 4), r"size 6"),
    ("reshape-two-negative", lambda xp: F(xp).reshape(-2, -5), "unknown dimension"),
    ("reshape-zero-unknown", lambda xp: F(xp).reshape(0, -1), "size 6"),
    ("reshape-order-K", lambda xp: F(xp).reshape(6, order="K"), "order"),
    ("reshape-huge", lambda xp: F(xp).reshape(2**62, 2**62), None),
    ("reshape-ndim-65", lambda xp: E(xp).reshape((1,) * 64 + (0,)), "64"),
    ("reshape-bad-order", lambda xp: F(xp).reshape(6, order="Q"), "order"),
    ("transpose-repeated", lambda xp: xp.transpose(F(xp), (0, 0)), "repeated axis"),
    ("transpose-short", lambda xp: xp.transpose(F(xp), (0,)), "axes don't match"),
    ("transpose-axis", lambda xp: xp.transpose(F(xp), (0, 2)), AXIS),
    ("method-transpose-repeated", lambda xp: F(xp).transpose(1, 1), "repeated axis"),
    ("swapaxes-axis", lambda xp: xp.swapaxes(F(xp), 0, 2), AXIS),
    ("method-swapaxes-axis", lambda xp: F(xp).swapaxes(-3, 0), AXIS),
    ("moveaxis-axis", lambda xp: xp.moveaxis(F(xp), 0, 5), AXIS),
    ("moveaxis-lengths", lambda xp: xp.moveaxis(F(xp), [0, 1], [0]), "same number"),
    ("moveaxis-repeated", lambda xp: xp.moveaxis(F(xp), [0, 0], [0, 1]), "repeated axis"),
    ("concatenate-shapes", lambda xp: xp.concatenate([F(xp), V(xp)]), "dimension"),
    ("concatenate-mismatch", lambda xp: xp.concatenate([F(xp), xp.ones((2, 2))]), "index 1"),
    ("concatenate-axis", lambda xp: xp.concatenate([F(xp), F(xp)], axis=2), AXIS),
    ("concatenate-empty", lambda xp: xp.concatenate([]), "at least one"),
    ("concatenate-0d", lambda xp: xp.concatenate([Z(xp), Z(xp)]), "zero-dimensional"),
    ("concatenate-float-axis", lambda xp: xp.concatenate([V(xp), V(xp)], axis=1.5), "float"),
    ("concatenate-out-shape", lambda xp: xp.concatenate([V(xp), V(xp)], out=V(xp, 5)), None),
    ("stack-shapes", lambda xp: xp.stack([F(xp), xp.ones((3, 2))]), "same shape"),
    ("stack-empty", lambda xp: xp.stack([]), "at least one"),
    ("stack-axis", lambda xp: xp.stack([F(xp), F(xp)], axis=4), AXIS),
    ("vstack-shapes", lambda xp: xp.vstack([V(xp, 2), V(xp)]), "dimension"),
    ("hstack-shapes", lambda xp: xp.hstack([xp.ones((2, 2)), xp.ones((3, 2))]), "dimension"),
    ("column_stack-shapes", lambda xp: xp.column_stack([V(xp, 2), V(xp)]), "dimension"),
    ("squeeze-size", lambda xp: xp.squeeze(F(xp), axis=0), "size not equal to one"),
    ("squeeze-axis", lambda xp: xp.squeeze(F(xp), axis=5), AXIS),
    ("expand_dims-axis", lambda xp: xp.expand_dims(F(xp), 5), AXIS),
    ("expand_dims-repeated", lambda xp: xp.expand_dims(F(xp), (0, 0)), "repeated axis"),
    ("split-unequal", lambda xp: xp.split(V(xp, 5), 2), "equal division"),
    ("split-axis", lambda xp: xp.split(F(xp), 2, axis=3), None),
    ("array_split-zero", lambda xp: xp.array_split(V(xp, 5), 0), "larger than 0"),
    ("hsplit-0d", lambda xp: xp.hsplit(Z(xp), 1), "dimension"),
    ("vsplit-1d", lambda xp: xp.vsplit(V(xp, 4), 2), "dimension"),
    ("broadcast_to-shape", lambda xp: xp.broadcast_to(F(xp), (3,)), BCAST),
    ("broadcast_to-negative", lambda xp: xp.broadcast_to(V(xp), (-1, 3)), "negative"),
    ("broadcast_shapes", lambda xp: xp.broadcast_shapes((2,), (3,)), BCAST),
    ("broadcast_arrays", lambda xp: xp.broadcast_arrays(V(xp, 2), V(xp)), BCAST),
    ("tile-negative", lambda xp: xp.tile(V(xp), -1), "negative"),
    ("repeat-negative", lambda xp: xp.repeat(V(xp), -1), "negative"),
    ("repeat-counts", lambda xp: xp.repeat(F(xp), [1, 2, 3], axis=0), None),
    ("repeat-axis", lambda xp: xp.repeat(F(xp), 2, axis=2), AXIS),
    ("flip-axis", lambda xp: xp.flip(F(xp), 2), AXIS),
    ("roll-axis", lambda xp: xp.roll(F(xp), 1, axis=2), AXIS),
    ("roll-lengths", lambda xp: xp.roll(F(xp), (1, 2, 3), axis=(0, 1)), "broadcast"),
    ("rot90-same-axes", lambda xp: xp.rot90(F(xp), axes=(0, 0)), "Axes must be different"),
    ("rot90-1d", lambda xp: xp.rot90(V(xp)), None),
    ("pad-negative", lambda xp: xp.pad(F(xp), -1), "negative"),
    ("pad-mode", lambda xp: xp.pad(F(xp), 1, mode="bogus"), "bogus"),
    ("insert-index", lambda xp: xp.insert(V(xp), 5, 1.0), "out of bounds"),
    ("delete-index", lambda xp: xp.delete(V(xp), 5), "out of bounds"),
    ("append-ndim", lambda xp: xp.append(F(xp), V(xp), axis=0), "dimension"),
    ("diagonal-1d", lambda xp: xp.diagonal(V(xp)), "at least two dimensions"),
    ("diagonal-same-axes", lambda xp: xp.diagonal(F(xp), axis1=0, axis2=0), "cannot be the same"),
    ("diagonal-axis", lambda xp: xp.diagonal(F(xp), axis1=0, axis2=3), AXIS),
    ("ravel-order", lambda xp: xp.ravel(F(xp), order="Q"), "order"),
    ("resize-negative", lambda xp: xp.resize(F(xp), -1), "negative"),
    ("ravel-func-order", lambda xp: xp.ravel(F(xp), order=3), "order"),
    ("clip-no-bounds-bad", lambda xp: xp.clip(F(xp), 1, 2, out=V(xp)), None),
    ("ascontiguousarray-bad-dtype", lambda xp: xp.ascontiguousarray(F(xp), dtype="nope"), "nope"),

    # ------------------------------------------------------------ ufuncs
    ("add-broadcast", lambda xp: xp.add(F(xp), V(xp, 2)), r"\(2,3\) \(2,\)"),
    ("operator-broadcast", lambda xp: F(xp) * V(xp, 4), r"\(2,3\) \(4,\)"),
    ("add-out-shape", lambda xp: xp.add(F(xp), F(xp), out=V(xp)), r"\(3,\)"),
    ("add-out-cast", lambda xp: xp.add(F(xp), F(xp), out=I(xp)), "float64"),
    ("add-bad-dtype", lambda xp: xp.add(F(xp), 1, dtype="nope"), "nope"),
    ("add-bad-casting", lambda xp: xp.add(F(xp), 1, casting="bogus"), "casting"),
    ("add-casting-no", lambda xp: xp.add(I(xp), 1.5, casting="no"), "int64"),
    ("add-dtype-unsafe", lambda xp: xp.add(F(xp), 1.0, dtype=numpy.int32), "int32"),
    ("add-missing-arg", lambda xp: xp.add(F(xp)), None),
    ("add-too-many", lambda xp: xp.add(F(xp), F(xp), F(xp), F(xp)), None),
    ("add-bad-kwarg", lambda xp: xp.add(F(xp), F(xp), nonsense=True), "nonsense"),
    ("add-out-tuple-len", lambda xp: xp.add(V(xp), V(xp), out=(V(xp), V(xp))), "out"),
    ("add-out-not-array", lambda xp: xp.add(V(xp), V(xp), out=[1, 2, 3]), None),
    ("add-where-shape", lambda xp: xp.add(F(xp), F(xp), where=B(xp, 4)), BCAST),
    ("add-order", lambda xp: xp.add(V(xp), V(xp), order="Q"), "order"),
    ("add-string", lambda xp: F(xp) + "x", None),
    ("add-none", lambda xp: F(xp) + None, None),
    ("add-object", lambda xp: xp.add(F(xp), object()), None),
    ("radd-dict", lambda xp: {"a": 1} - F(xp), None),
    ("sqrt-string", lambda xp: xp.sqrt("abc"), None),
    ("left_shift-float", lambda xp: xp.left_shift(F(xp), 1), "left_shift"),
    ("bitwise_and-float", lambda xp: xp.bitwise_and(1.5, I(xp)), "bitwise_and"),
    ("invert-float", lambda xp: ~F(xp), "invert"),
    ("negative-bool", lambda xp: -B(xp), "boolean negative"),
    ("subtract-bool", lambda xp: B(xp) - B(xp), "boolean subtract"),
    ("floor_divide-complex", lambda xp: C(xp) // C(xp), "floor_divide"),
    ("remainder-complex", lambda xp: xp.remainder(C(xp), 2), "remainder"),
    ("divmod-complex", lambda xp: divmod(C(xp), 2), None),
    ("maximum-complex-bool-out", lambda xp: xp.maximum(C(xp), 1, out=B(xp)), None),
    ("power-negative-int", lambda xp: xp.power(I(xp), -1), "negative integer powers"),
    ("rpower-negative-int", lambda xp: 2 ** xp.asarray([-1, 2]), "negative integer powers"),
    ("iadd-cast", lambda xp: iadd(I(xp), 1.5), "float64"),
    ("iadd-complex", lambda xp: iadd(F(xp), C(xp)), None),
    ("iadd-broadcast", lambda xp: iadd(V(xp), F(xp)), None),
    ("isub-bool", lambda xp: operator.isub(B(xp), True), None),
    ("uint8-overflow-int", lambda xp: V(xp, 3, "uint8") + 300, "300"),
    ("int8-fill-overflow", lambda xp: V(xp, 3, "int8").fill(1000), None),
    ("where-one-of-two", lambda xp: xp.where(B(xp), V(xp)), "both or neither"),
    ("where-broadcast", lambda xp: xp.where(B(xp, 2), V(xp), V(xp, 4)), BCAST),
    ("isclose-broadcast", lambda xp: xp.isclose(V(xp, 2), V(xp)), BCAST),
    ("allclose-broadcast", lambda xp: xp.allclose(V(xp, 2), V(xp)), BCAST),
    ("frexp-complex", lambda xp: xp.frexp(C(xp)), None),
    ("modf-complex", lambda xp: xp.modf(C(xp)), None),
    ("around-float-decimals", lambda xp: xp.around(F(xp), decimals=1.5), None),
    ("reduce-axis", lambda xp: xp.add.reduce(F(xp), axis=2), AXIS),
    ("reduce-duplicate-axis", lambda xp: xp.multiply.reduce(F(xp), axis=(0, 0)), "duplicate"),
    ("reduce-unary", lambda xp: xp.sqrt.reduce(F(xp)), "binary"),
    ("reduce-empty-maximum", lambda xp: xp.maximum.reduce(E(xp)), "identity"),
    ("accumulate-axis", lambda xp: xp.add.accumulate(F(xp), axis=5), AXIS),
    ("accumulate-0d", lambda xp: xp.add.accumulate(Z(xp)), None),
    ("outer-unary", lambda xp: xp.negative.outer(V(xp), V(xp)), "binary"),

    # ------------------------------------------------------------ reductions
    ("sum-axis", lambda xp: xp.sum(F(xp), axis=2), AXIS),
    ("sum-negative-axis", lambda xp: xp.sum(F(xp), axis=-3), AXIS),
    ("sum-duplicate-axis", lambda xp: xp.sum(F(xp), axis=(0, 0)), "duplicate"),
    ("sum-float-axis", lambda xp: xp.sum(F(xp), axis=1.5), "float"),
    ("sum-str-axis", lambda xp: xp.sum(F(xp), axis="0"), "str"),
    ("sum-out-shape", lambda xp: xp.sum(F(xp), axis=0, out=V(xp, 2)), None),
    ("sum-out-not-array", lambda xp: xp.sum(F(xp), out=[0.0]), None),
    ("sum-bad-dtype", lambda xp: xp.sum(F(xp), dtype="nope"), "nope"),
    ("sum-where-shape", lambda xp: xp.sum(F(xp), where=B(xp, 4)), BCAST),
    ("method-sum-axis", lambda xp: F(xp).sum(axis=3), AXIS),
    ("prod-axis", lambda xp: xp.prod(F(xp), axis=(0, 2)), AXIS),
    ("mean-axis", lambda xp: xp.mean(F(xp), axis=2), AXIS),
    ("var-axis", lambda xp: xp.var(F(xp), axis=-3), AXIS),
    ("std-axis", lambda xp: F(xp).std(axis=(0, 3)), AXIS),
    ("max-empty", lambda xp: xp.max(E(xp)), "identity"),
    ("min-empty-axis", lambda xp: xp.min(E(xp, (0, 3)), axis=0), "identity"),
    ("amax-axis", lambda xp: xp.amax(F(xp), axis=2), AXIS),
    ("ptp-empty", lambda xp: xp.ptp(E(xp)), "identity"),
    ("argmax-empty", lambda xp: xp.argmax(E(xp)), "empty"),
    ("argmin-axis", lambda xp: xp.argmin(F(xp), axis=2), AXIS),
    ("method-argmax-axis", lambda xp: F(xp).argmax(axis=-3), AXIS),
    ("nanargmax-empty", lambda xp: xp.nanargmax(E(xp)), None),
    ("nanmax-empty", lambda xp: xp.nanmax(E(xp)), None),
    ("any-axis", lambda xp: xp.any(F(xp), axis=3), AXIS),
    ("all-axis", lambda xp: xp.all(F(xp), axis=(0, 1, 2)), AXIS),
    ("count_nonzero-axis", lambda xp: xp.count_nonzero(F(xp), axis=2), AXIS),
    ("cumsum-axis", lambda xp: xp.cumsum(F(xp), axis=2), AXIS),
    ("cumprod-axis", lambda xp: xp.cumprod(F(xp), axis=-3), AXIS),
    ("nancumsum-axis", lambda xp: xp.nancumsum(F(xp), axis=2), AXIS),
    ("average-weights-no-axis", lambda xp: xp.average(F(xp), weights=V(xp)),
     "Axis must be specified"),
    ("average-weights-length", lambda xp: xp.average(F(xp), axis=0, weights=V(xp)), "weights"),
    ("average-weights-zero", lambda xp: xp.average(F(xp), weights=xp.zeros((2, 3))), "sum to zero"),
    ("median-axis", lambda xp: xp.median(F(xp), axis=2), AXIS),
    ("percentile-range", lambda xp: xp.percentile(F(xp), 150), "0, 100"),
    ("quantile-range", lambda xp: xp.quantile(F(xp), -0.5), "0, 1"),
    ("quantile-axis", lambda xp: xp.quantile(F(xp), 0.5, axis=3), AXIS),
    ("percentile-method", lambda xp: xp.percentile(F(xp), 50, method="bogus"), "bogus"),

    # ------------------------------------------------------------ indexing
    ("get-index", lambda xp: F(xp)[5], "index 5 is out of bounds for axis 0 with size 2"),
    ("get-index-negative", lambda xp: F(xp)[-3], "index -3"),
    ("get-index-axis1", lambda xp: F(xp)[0, 5], "axis 1"),
    ("get-too-many", lambda xp: F(xp)[0, 0, 0], "too many indices"),
    ("get-float", lambda xp: F(xp)[1.5], "integers"),
    ("get-str", lambda xp: F(xp)["x"], "integers"),
    ("get-list-out", lambda xp: F(xp)[[0, 5]], "5"),
    ("get-array-out", lambda xp: V(xp)[xp.asarray([0, -4])], "-4"),
    ("get-fancy-broadcast", lambda xp: F(xp)[[[0, 1]], [[0, 1, 2]]], "shape mismatch"),
    ("get-bool-shape", lambda xp: F(xp)[B(xp, 3)], "boolean index did not match"),
    ("get-two-ellipsis", lambda xp: F(xp)[..., ...], "single ellipsis"),
    ("get-float-list", lambda xp: F(xp)[[0.5]], None),
    ("get-float-array", lambda xp: V(xp)[V(xp, 1)], None),
    ("get-slice-step-zero", lambda xp: F(xp)[::0], "step cannot be zero"),
    ("get-none-then-out", lambda xp: F(xp)[None, 5], "index 5"),
    ("get-0d-index", lambda xp: Z(xp)[0], "too many indices"),
    ("get-dict", lambda xp: F(xp)[{}], None),
    ("set-index", lambda xp: setitem(F(xp), 5, 1.0), "index 5"),
    ("set-shape", lambda xp: setitem(F(xp), 0, V(xp, 4)), BCAST),
    ("set-list-shape", lambda xp: setitem(F(xp), 0, [1.0, 2.0]), None),
    ("set-string", lambda xp: setitem(F(xp), slice(None), "x"), "x"),
    ("set-none-int", lambda xp: setitem(I(xp), 0, None), "NoneType"),
    ("set-fancy-string", lambda xp: setitem(V(xp), [0, 1], "x"), "x"),
    ("set-list-strings", lambda xp: setitem(V(xp), slice(None), ["1", "2", "z"]), "z"),
    ("set-int-string", lambda xp: setitem(I(xp), 0, "x"), None),
    ("set-int-nan", lambda xp: setitem(I(xp), 0, numpy.nan), "NaN"),
    ("set-int-complex", lambda xp: setitem(I(xp), 0, 1j), None),
    ("set-fancy-out", lambda xp: setitem(V(xp), [0, 9], 1.0), "9"),
    ("set-bool-shape", lambda xp: setitem(V(xp), B(xp, 5), 1.0), "boolean index"),
    ("set-mask-values", lambda xp: setitem(V(xp), B(xp), V(xp, 5)), None),
    ("set-too-many", lambda xp: setitem(V(xp), (0, 0), 1.0), "too many indices"),
    ("set-slice-step-zero", lambda xp: setitem(V(xp), slice(None, None, 0), 1.0), "step"),
    ("item-index", lambda xp: F(xp).item(10), None),
    ("item-nargs", lambda xp: F(xp).item(0, 0, 0), None),
    ("item-size", lambda xp: F(xp).item(), None),
    ("float-of-array", lambda xp: float(F(xp)), None),
    ("int-of-array", lambda xp: int(V(xp)), None),
    ("complex-of-array", lambda xp: complex(V(xp, 2)), None),
    ("bool-of-array", lambda xp: bool(F(xp)), "ambiguous"),
    ("len-0d", lambda xp: len(Z(xp)), "unsized"),
    ("iter-0d", lambda xp: iter(Z(xp)), None),
    ("index-of-array", lambda xp: operator.index(V(xp, 2, "int64")), None),
    ("index-of-float", lambda xp: operator.index(Z(xp)), None),
    ("flat-index", lambda xp: F(xp).flat[10], None),
    ("shape-set-wrong", lambda xp: setattr(F(xp), "shape", (4,)), None),

    # ------------------------------------------------------------ sort, search, sets
    ("sort-axis", lambda xp: xp.sort(F(xp), axis=2), AXIS),
    ("argsort-axis", lambda xp: xp.argsort(F(xp), axis=-3), AXIS),
    ("sort-kind", lambda xp: xp.sort(V(xp), kind="bogus"), "bogus"),
    ("method-sort-axis", lambda xp: F(xp).sort(axis=2), AXIS),
    ("searchsorted-side", lambda xp: xp.searchsorted(V(xp), 1.0, side="middle"), "middle"),
    ("searchsorted-sorter", lambda xp: xp.searchsorted(V(xp), 1.0, sorter=[0]), "size"),
    ("searchsorted-sorter-float", lambda xp: xp.searchsorted(V(xp), 1.0, sorter=V(xp)), "integer"),
    ("argsort-kind-type", lambda xp: xp.argsort(V(xp), kind=1), "kind"),
    ("searchsorted-2d", lambda xp: xp.searchsorted(F(xp), 1.0), None),
    ("unique-axis", lambda xp: xp.unique(F(xp), axis=2), AXIS),
    ("partition-kth", lambda xp: xp.partition(V(xp), 5), "out of bounds"),
    ("argpartition-kth", lambda xp: xp.argpartition(V(xp), -5), "out of bounds"),
    ("partition-axis", lambda xp: xp.partition(F(xp), 1, axis=2), AXIS),
    ("lexsort-axis", lambda xp: xp.lexsort(F(xp), axis=5), AXIS),
    ("bincount-negative", lambda xp: xp.bincount(xp.asarray([-1, 2])), "negative"),
    ("bincount-float", lambda xp: xp.bincount(V(xp)), None),
    ("bincount-minlength", lambda xp: xp.bincount(xp.asarray([1, 2]), minlength=-1), "minlength"),
    ("bincount-2d", lambda xp: xp.bincount(I(xp)), None),
    ("bincount-weights", lambda xp: xp.bincount(xp.asarray([1, 2]), weights=V(xp)), None),
    ("digitize-2d-bins", lambda xp: xp.digitize(V(xp), F(xp)), "too deep"),
    ("digitize-unsorted-bins", lambda xp: xp.digitize(V(xp), xp.asarray([3.0, 1.0, 2.0])),
     "monoton"),
    ("histogram-bins", lambda xp: xp.histogram(V(xp), bins=-1), None),
    ("histogram-range", lambda xp: xp.histogram(V(xp), range=(2, 1)), "max must be larger"),
    ("histogram-unsorted-bins",
     lambda xp: xp.histogram(V(xp), bins=xp.asarray([3.0, 1.0, 2.0])), "increase"),
    ("histogram-weights", lambda xp: xp.histogram(V(xp), weights=V(xp, 2)), None),
    ("nonzero-0d", lambda xp: xp.nonzero(Z(xp)), "0d"),
    ("compress-axis", lambda xp: xp.compress([True], F(xp), axis=2), AXIS),
    ("compress-long", lambda xp: xp.compress(B(xp, 5), V(xp), axis=0), None),

    # ------------------------------------------------------------ take, put, choose
    ("take-index", lambda xp: xp.take(V(xp), [5]), "5"),
    ("take-axis", lambda xp: xp.take(V(xp), [0], axis=1), AXIS),
    ("take-mode", lambda xp: xp.take(V(xp), [0], mode="bogus"), "bogus"),
    ("take-float", lambda xp: xp.take(V(xp), xp.asarray([0.5])), "float64"),
    ("method-take-index", lambda xp: F(xp).take([9]), "9"),
    ("take-empty-source", lambda xp: xp.take(E(xp), [0]), None),
    ("put-index", lambda xp: xp.put(V(xp), [5], 1.0), "5"),
    ("put-mode", lambda xp: xp.put(V(xp), [0], 1.0, mode="bogus"), "bogus"),
    ("take_along_axis-float", lambda xp: xp.take_along_axis(F(xp), F(xp), axis=0), None),
    ("take_along_axis-ndim", lambda xp: xp.take_along_axis(F(xp), xp.asarray([0]), axis=0), None),
    ("take_along_axis-axis", lambda xp: xp.take_along_axis(F(xp), I(xp), axis=2), AXIS),
    ("take_along_axis-index",
     lambda xp: xp.take_along_axis(F(xp), xp.asarray([[5]]), axis=0), None),
    ("put_along_axis-axis", lambda xp: xp.put_along_axis(F(xp), I(xp), 1.0, axis=2), AXIS),
    ("choose-index", lambda xp: xp.choose(xp.asarray([5]), [V(xp, 2), V(xp, 2)]), "invalid entry"),
    ("choose-broadcast", lambda xp: xp.choose(xp.asarray([0]), [V(xp, 2), V(xp)]), BCAST),
    ("choose-mode", lambda xp: xp.choose(xp.asarray([0]), [V(xp, 2)], mode="bogus"), "bogus"),
    ("putmask-size", lambda xp: xp.putmask(V(xp), B(xp, 2), 1.0), "same size"),
    ("place-size", lambda xp: xp.place(V(xp), B(xp, 2), [1.0]), None),

    # ------------------------------------------------------------ astype, view, fill
    ("astype-bad-dtype", lambda xp: F(xp).astype("nope"), "nope"),
    ("astype-safe", lambda xp: C(xp).astype(float, casting="safe"), "complex128"),
    ("astype-same-kind", lambda xp: F(xp).astype(numpy.int32, casting="same_kind"), "int32"),
    ("astype-bad-casting", lambda xp: F(xp).astype(int, casting="bogus"), "casting"),
    ("view-bad-dtype", lambda xp: F(xp).view("nope"), "nope"),
    ("view-larger-dtype", lambda xp: V(xp, 3, "float32").view(numpy.float64), None),
    ("view-noncontig", lambda xp: F(xp)[:, ::2].view(numpy.int32), None),
    ("view-0d", lambda xp: Z(xp).view(numpy.int32), "0d"),
    ("view-smaller-noncontig", lambda xp: F(xp)[:, ::2].view(numpy.uint8), "contiguous"),
    ("copy-order", lambda xp: F(xp).copy(order="Q"), None),
    ("fill-string", lambda xp: F(xp).fill("x"), None),
    ("fill-none-int", lambda xp: I(xp).fill(None), None),
    ("fill-complex-to-float", lambda xp: F(xp).fill(1j), None),
    ("round-decimals", lambda xp: F(xp).round(decimals="x"), None),

    # ------------------------------------------------------------ products
    ("matmul-shapes", lambda xp: xp.matmul(F(xp), F(xp)), "mismatch"),
    ("matmul-scalar", lambda xp: xp.matmul(F(xp), 3.0), None),
    ("matmul-1d", lambda xp: V(xp, 2) @ V(xp), None),
    ("dot-shapes", lambda xp: xp.dot(F(xp), F(xp)), "not aligned|mismatch"),
    ("inner-shapes", lambda xp: xp.inner(V(xp, 2), V(xp)), None),
    ("vdot-sizes", lambda xp: xp.vdot(V(xp, 2), V(xp)), None),
    ("tensordot-shapes", lambda xp: xp.tensordot(F(xp), F(xp), axes=([0], [1])), "mismatch"),
    ("trace-1d", lambda xp: xp.trace(V(xp)), None),
    ("cross-dims", lambda xp: xp.cross(V(xp, 4), V(xp, 4)), None),
    ("vecdot-shapes", lambda xp: xp.vecdot(V(xp, 2), V(xp)), None),

    # ------------------------------------------------------------ linalg, fft, random, einsum
    ("linalg-inv-nonsquare", lambda xp: xp.linalg.inv(F(xp)), None),
    ("linalg-inv-singular", lambda xp: xp.linalg.inv(SQ(xp)), None),
    ("linalg-inv-1d", lambda xp: xp.linalg.inv(V(xp)), None),
    ("linalg-det-1d", lambda xp: xp.linalg.det(V(xp)), None),
    ("linalg-solve-shapes", lambda xp: xp.linalg.solve(xp.eye(2), V(xp)), None),
    ("linalg-solve-singular", lambda xp: xp.linalg.solve(SQ(xp), V(xp, 2)), None),
    ("linalg-cholesky-notpd", lambda xp: xp.linalg.cholesky(SQ(xp) - 3 * xp.eye(2)), None),
    ("linalg-norm-ord", lambda xp: xp.linalg.norm(F(xp), ord="bogus"), None),
    ("linalg-norm-axis", lambda xp: xp.linalg.norm(F(xp), axis=3), None),
    ("linalg-matrix_power-float", lambda xp: xp.linalg.matrix_power(xp.eye(2), 1.5), None),
    ("linalg-matrix_power-nonsquare", lambda xp: xp.linalg.matrix_power(F(xp), 2), None),
    ("linalg-qr-1d", lambda xp: xp.linalg.qr(V(xp)), None),
    ("linalg-eigh-nonsquare", lambda xp: xp.linalg.eigh(F(xp)), None),
    ("linalg-svd-1d", lambda xp: xp.linalg.svd(V(xp)), None),
    ("linalg-lstsq-shapes", lambda xp: xp.linalg.lstsq(F(xp), V(xp), rcond=None), None),
    ("linalg-inv-int-singular", lambda xp: xp.linalg.inv(xp.zeros((2, 2))), None),
    ("linalg-slogdet-nonsquare", lambda xp: xp.linalg.slogdet(F(xp)), None),
    ("linalg-pinv-1d", lambda xp: xp.linalg.pinv(V(xp)), None),
    ("fft-n-zero", lambda xp: xp.fft.fft(V(xp), n=0), None),
    ("fft-n-negative", lambda xp: xp.fft.fft(V(xp), n=-2), None),
    ("fft-axis", lambda xp: xp.fft.fft(V(xp), axis=1), None),
    ("fft-norm", lambda xp: xp.fft.fft(V(xp), norm="bogus"), None),
    ("fft-0d", lambda xp: xp.fft.fft(Z(xp)), None),
    ("ifft-n-float", lambda xp: xp.fft.ifft(V(xp), n=2.5), None),
    ("rfft-complex", lambda xp: xp.fft.rfft(C(xp)), None),
    ("fft2-1d", lambda xp: xp.fft.fft2(V(xp)), None),
    ("fftn-axes-dup", lambda xp: xp.fft.fftn(F(xp), axes=(0, 0), s=(2,)), None),
    ("irfft-n-zero", lambda xp: xp.fft.irfft(V(xp), n=0), None),
    ("fftfreq-float-n", lambda xp: xp.fft.fftfreq(2.5), None),
    ("fftshift-axis", lambda xp: xp.fft.fftshift(V(xp), axes=3), None),
    ("random-negative-size", lambda xp: rng(xp).random(-1), None),
    ("random-bad-dtype", lambda xp: rng(xp).random(3, dtype=numpy.int32), None),
    ("random-normal-scale", lambda xp: rng(xp).normal(0.0, -1.0, 3), None),
    ("random-integers-empty", lambda xp: rng(xp).integers(5, 5, 3), None),
    ("random-integers-bounds", lambda xp: rng(xp).integers(0, 300, 3, dtype=numpy.uint8), None),
    ("random-uniform-size", lambda xp: rng(xp).uniform(V(xp, 2), 2.0, size=3), None),
    ("random-choice-empty", lambda xp: rng(xp).choice(E(xp), 2), None),
    ("random-choice-noreplace", lambda xp: rng(xp).choice(3, 5, replace=False), None),
    ("random-choice-p", lambda xp: rng(xp).choice(3, 2, p=[0.5, 0.5]), None),
    ("random-choice-p-neg", lambda xp: rng(xp).choice(2, 2, p=[1.5, -0.5]), None),
    ("random-permutation-0d", lambda xp: rng(xp).permutation(Z(xp)), None),
    ("random-shuffle-0d", lambda xp: rng(xp).shuffle(Z(xp)), None),
    ("random-exponential-neg", lambda xp: rng(xp).exponential(-1.0, 3), None),
    ("random-bad-seed", lambda xp: xp.random.default_rng(-1), None),
    ("random-size-float", lambda xp: rng(xp).random(2.5), None),
    ("random-permuted-axis", lambda xp: rng(xp).permuted(V(xp), axis=2), None),
    ("random-randint-low-high", lambda xp: xp.random.randint(5, 2, 3), None),
    ("einsum-bad-subscripts", lambda xp: xp.einsum("ij,jk->ik", F(xp), F(xp)), None),
    ("einsum-bad-char", lambda xp: xp.einsum("i1", V(xp)), None),
    ("einsum-too-many-operands", lambda xp: xp.einsum("i", V(xp), V(xp)), None),
    ("einsum-output-repeated", lambda xp: xp.einsum("i->ii", V(xp)), None),
    ("einsum-output-unknown", lambda xp: xp.einsum("i->j", V(xp)), None),
    ("einsum-ndim", lambda xp: xp.einsum("ij", V(xp)), None),
]


# ---------------------------------------------------------------- helpers

def still_works():
    """A small computation on the current device after an error: the error
    state was cleaned up and nothing pending is left broken."""
    a = ndaccel.asarray(numpy.arange(5.0))
    r = (a * 2 + 1)[::2]
    numpy.testing.assert_array_equal(r.get(), [1.0, 5.0, 9.0])
    assert float(ndaccel.sum(a)) == 10.0


def numpy_outcome(call):
    """The exception NumPy raises for call(numpy), or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with numpy.errstate(all="ignore"):
            try:
                call(numpy)
            except Exception as exc:  # noqa: BLE001 - the expectation
                return exc
    return None


def ndaccel_outcome(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call(ndaccel)
        except Exception as exc:  # noqa: BLE001 - compared by the caller
            return exc
    return None


_PUBLIC = ("builtins", "numpy.exceptions", "numpy.linalg")


def _api_class(exc):
    """The class as user code sees it: NumPy's internal subclasses
    (numpy._core._exceptions: UFuncTypeError, _ArrayMemoryError, ...) count
    as the public class they derive from (TypeError, MemoryError); AxisError
    and LinAlgError stay themselves."""
    t = type(exc)
    while t.__module__ not in _PUBLIC:
        t = t.__mro__[1]
    return t


@pytest.mark.parametrize("name, call, pattern", ROWS, ids=[r[0] for r in ROWS])
def test_bad_call(name, call, pattern):
    expected = numpy_outcome(call)
    assert expected is not None, f"{name}: the premise is wrong, NumPy does not raise"
    want = _api_class(expected)
    got = ndaccel_outcome(call)
    assert got is not None, f"ndaccel does not raise; NumPy raises {want.__name__}: {expected}"
    assert _api_class(got) is want, \
        f"ndaccel raised {type(got).__name__}: {got}; NumPy raises {want.__name__}: {expected}"
    msg = str(got)
    assert msg.strip() and "unknown error" not in msg, f"empty message ({type(got).__name__})"
    if pattern is not None:
        assert re.search(pattern, msg), f"message {msg!r} does not name the problem ({pattern!r})"
    still_works()


# Rows whose only device work would be the absurd allocation itself: they
# must fail before asking the pool for anything.
NO_ALLOCATION = [r for r in ROWS if r[0] in {
    "zeros-overflow", "zeros-overflow-3d", "empty-2**63", "empty-2**64", "empty-overflow-uint8",
    "zeros-2**64-1", "empty-2**32-squared-int8", "ones-2**61-float64", "ones-2**63-1-int8",
    "zeros-2**45-bytes", "full-2**61", "arange-2**62", "arange-2**40", "linspace-huge",
    "eye-huge", "indices-huge", "empty-ndim-65", "zeros-ndim-100", "zeros-negative",
    "zeros-negative-huge", "zeros-float-huge"}]


@pytest.mark.parametrize("name, call, pattern", NO_ALLOCATION, ids=[r[0] for r in NO_ALLOCATION])
def test_absurd_sizes_never_reach_the_allocator(name, call, pattern):
    """Overflowing, negative or impossible sizes are rejected from the shape
    alone: no allocation of a huge size is attempted."""
    before = ndaccel.memory_info()
    assert ndaccel_outcome(call) is not None
    after = ndaccel.memory_info()
    assert after["allocs"] == before["allocs"], f"{name} asked the pool for memory"
    assert after["live_bytes"] <= before["live_bytes"]


# NumPy makes object or string arrays of these; ndaccel has no such dtypes
# and says so with a TypeError naming what it cannot hold.
UNSUPPORTED = [
    ("asarray-object", lambda: ndaccel.asarray(object()), "object"),
    ("asarray-dict", lambda: ndaccel.asarray({"a": 1}), "object|dict"),
    ("asarray-set", lambda: ndaccel.asarray({1, 2}), "object|set"),
    ("asarray-none", lambda: ndaccel.asarray(None), "object|NoneType"),
    ("asarray-str", lambda: ndaccel.asarray("abc"), "<U3|str"),
    ("asarray-bytes", lambda: ndaccel.asarray(b"ab"), "S2|bytes"),
    ("asarray-str-list", lambda: ndaccel.asarray(["a", "b"]), "<U1"),
    ("asarray-mixed-list", lambda: ndaccel.asarray([1, "a"]), "<U21|str"),
    ("asarray-none-in-list", lambda: ndaccel.asarray([1.0, None]), "object"),
    ("asarray-numpy-str", lambda: ndaccel.asarray(numpy.array(["x"])), "<U1"),
    ("asarray-numpy-object", lambda: ndaccel.asarray(numpy.array([1, None])), "object"),
    ("asarray-datetime", lambda: ndaccel.asarray(numpy.array(["2020-01-01"], "M8[D]")),
     "datetime64"),
    ("asarray-ragged-object",
     lambda: ndaccel.asarray(numpy.array([[1], [2, 3]], dtype=object)), "object"),
    ("zeros-str-dtype", lambda: ndaccel.zeros(3, dtype="U3"), "<U3"),
    ("zeros-object-dtype", lambda: ndaccel.zeros(3, dtype=object), "object"),
    ("astype-str", lambda: ndaccel.ones(2).astype(str), "<U"),
    ("add-str-array", lambda: ndaccel.add(ndaccel.ones(2), numpy.array(["a", "b"])), None),
]


@pytest.mark.parametrize("name, call, pattern", UNSUPPORTED, ids=[r[0] for r in UNSUPPORTED])
def test_non_numeric_data(name, call, pattern):
    with pytest.raises(TypeError) as info:
        call()
    msg = str(info.value)
    assert msg.strip()
    if pattern is not None:
        assert re.search(pattern, msg), f"message {msg!r} does not name the problem ({pattern!r})"
    still_works()


def test_big_python_int():
    """NumPy 2 holds a Python int beyond int64/uint64 in an object array:
    ndaccel's OverflowError names the integer's range, not "object"."""
    for big in (2**64, -2**63 - 1, [1, 2**70]):
        with pytest.raises(OverflowError, match="out of range of int64 and uint64"):
            ndaccel.asarray(big)
    still_works()


def _set_shape(a, shape):
    a.shape = shape
    return a


# Neighbours of the bad calls that NumPy accepts: the fixes that made the
# classes match must not reject them (values compared with NumPy's).
ALLOWED = [
    ("view-larger-itemsize", lambda xp: V(xp, 4, "float32").view(numpy.float64)),
    ("view-smaller-itemsize", lambda xp: F(xp).view(numpy.uint16)[:, 1::3]),
    ("view-2d-last-axis", lambda xp: xp.asarray(numpy.arange(8.0, dtype="f4").reshape(2, 4))
     [:, :2].view(numpy.complex64)),
    ("reshape-any-negative", lambda xp: F(xp).reshape(-5, 2)),
    ("reshape-lowercase-order", lambda xp: F(xp).reshape(3, 2, order="c")),
    ("ravel-order-K", lambda xp: xp.ravel(F(xp), order="K")),
    ("copy-order-None", lambda xp: F(xp).copy(order=None)),
    ("arange-infinite-step", lambda xp: xp.arange(0.0, 1.0, numpy.inf)),
    ("arange-complex", lambda xp: xp.arange(0, 3 + 1j, 1 + 0.5j)),
    ("arange-complex-empty", lambda xp: xp.arange(1j)),
    ("set-none-float", lambda xp: setitem(F(xp), 0, None)),
    ("set-numeric-string", lambda xp: setitem(V(xp), slice(1, None), "2.5")),
    ("set-fancy-numeric-strings", lambda xp: setitem(I(xp), ([0, 1], [2, 0]), ["7", "8"])),
    ("sort-kind-first-letter", lambda xp: xp.sort(F(xp)[::-1], kind="mergesort")),
    ("searchsorted-sorter", lambda xp: xp.searchsorted(xp.asarray([3.0, 1.0, 2.0]), 2.5,
                                                       sorter=xp.asarray([1, 2, 0]))),
    ("unique-no-axis", lambda xp: xp.unique(xp.asarray([3, 1, 3]))),
    ("around-integer-like", lambda xp: xp.around(F(xp) / 7, decimals=numpy.int8(2))),
    ("shape-assign", lambda xp: _set_shape(F(xp), (3, 2))),
    ("shape-assign-unknown", lambda xp: _set_shape(F(xp), (-1,))),
    ("shape-assign-strided", lambda xp: _set_shape(F(xp)[:, ::2], (2, 2, 1))),
]


@pytest.mark.parametrize("name, call", ALLOWED, ids=[r[0] for r in ALLOWED])
def test_allowed_neighbours(name, call):
    xp_compare(call)


def test_shape_assignment_that_needs_a_copy():
    """a.shape = ... on a transposed array: NumPy's AttributeError, and the
    array keeps its shape."""
    for xp in (numpy, ndaccel):
        a = F(xp).T
        with pytest.raises(AttributeError, match="Incompatible shape"):
            a.shape = (6,)
        assert a.shape == (3, 2)
    still_works()


def test_rows_are_many_and_distinct():
    names = [r[0] for r in ROWS]
    assert len(names) == len(set(names))
    assert len(names) >= 150


if __name__ == "__main__":
    bad = 0
    for name, call, pattern in ROWS:
        expected = numpy_outcome(call)
        got = ndaccel_outcome(call)
        want = _api_class(expected) if expected is not None else None
        have = _api_class(got) if got is not None else None
        problem = None
        if want is None:
            problem = "PREMISE (numpy does not raise)"
        elif have is not want:
            problem = "CLASS"
        elif not str(got).strip() or (pattern and not re.search(pattern, str(got))):
            problem = "MESSAGE"
        if problem:
            bad += 1
            print(f"{problem:8} {name}\n    numpy:   {want and want.__name__}: {expected}\n"
                  f"    ndaccel: {have and have.__name__}: {got}")
        try:
            still_works()
        except Exception as exc:  # noqa: BLE001
            print(f"BROKEN after {name}: {exc!r}")
    print(f"{bad} of {len(ROWS)} rows mismatch")

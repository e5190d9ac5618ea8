"""Property-based differential tests against NumPy (hypothesis): the same
expression on random inputs must give NumPy's shape, dtype and values, or
raise NumPy's exception class.

  * broadcasting: random (mostly) broadcast-compatible shape pairs of 0-4
    dimensions with sides 0-4, operands sometimes transposed, reversed or
    strided views, through binary ufuncs; incompatible pairs must raise;
  * promotion: every pair of the 14 dtypes, and arrays with Python scalars
    (bool, int -- including values out of the array's range --, float,
    complex) and NumPy scalars under NumPy 2's rules (NEP 50);
  * reductions: sum, prod, max, min, mean, any, all over random shapes
    (empty included), axis (None, one axis, negative, tuples), keepdims and
    dtype=.

Budgets are fixed (max_examples) and the search is derandomized, so CI runs
the same examples every time. Values are small integers (or halves), so
float sums are exact and integer products stay in range: a mismatch is a
semantic difference, not rounding. Every new (dtype, rank, layout, op)
combination compiles a kernel (~0.25 s cold on PoCL): dtypes and ops are
drawn from short lists where the rule being tested does not need more."""
import numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import ndaccel
from xp_util import ALL_DTYPES, xp_compare

BUDGET = dict(derandomize=True, database=None, deadline=None)


# ---------------------------------------------------------------- helpers

def host_array(draw, shape, dt, low=-3, high=3):
    """Small integer values (halves for floats) of dtype dt and shape."""
    n = int(numpy.prod(shape, dtype=numpy.int64))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = numpy.random.default_rng(seed)
    dt = numpy.dtype(dt)
    if dt.kind == "b":
        v = rng.integers(0, 2, n).astype(bool)
    elif dt.kind == "u":
        v = rng.integers(0, high + 1, n)
    elif dt.kind in "fc":
        v = rng.integers(2 * low, 2 * high + 1, n) / 2
        if dt.kind == "c":
            v = v + 1j * (rng.integers(2 * low, 2 * high + 1, n) / 2)
    else:
        v = rng.integers(low, high + 1, n)
    return v.astype(dt).reshape(shape)


@st.composite
def layout(draw, h):
    """h itself or a view of a larger array with the same values: reversed
    along an axis, or strided (every other element). Returns a function of
    xp giving the operand."""
    kind = draw(st.sampled_from(["contiguous", "contiguous", "reversed", "strided"]))
    if h.ndim == 0 or kind == "contiguous":
        return lambda xp: xp.asarray(h)
    ax = draw(st.integers(0, h.ndim - 1))
    if kind == "reversed":
        src = numpy.flip(h, ax).copy()
        return lambda xp: xp.flip(xp.asarray(src), ax)
    big_shape = list(h.shape)
    big_shape[ax] *= 2
    big = numpy.zeros(big_shape, h.dtype)
    idx = [slice(None)] * h.ndim
    idx[ax] = slice(None, None, 2)
    big[tuple(idx)] = h
    return lambda xp: xp.asarray(big)[tuple(idx)]


# ---------------------------------------------------------------- broadcasting

@st.composite
def shape_pair(draw):
    """Two shapes that broadcast (9 times in 10) or do not."""
    nd = draw(st.integers(0, 4))
    out = [draw(st.integers(0, 4)) for _ in range(nd)]
    shapes = []
    for _ in range(2):
        k = draw(st.integers(0, nd))
        s = [draw(st.sampled_from([d, d, 1])) for d in out[nd - k:]]
        shapes.append(tuple(s))
    if draw(st.integers(0, 9)) == 0 and shapes[0]:
        s = list(shapes[0])
        i = draw(st.integers(0, len(s) - 1))
        s[i] = s[i] + 2  # never 1, never equal to the other side's
        shapes[0] = tuple(s)
    return shapes


@settings(max_examples=70, **BUDGET)
@given(shapes=shape_pair(), data=st.data(),
       op=st.sampled_from(["add", "multiply", "maximum", "less", "subtract"]),
       dts=st.sampled_from([("float64", "float64"), ("int32", "int32"), ("int32", "float64")]))
def test_broadcasting(shapes, data, op, dts):
    a = host_array(data.draw, shapes[0], dts[0])
    b = host_array(data.draw, shapes[1], dts[1])
    fa, fb = data.draw(layout(a)), data.draw(layout(b))
    xp_compare(lambda xp: getattr(xp, op)(fa(xp), fb(xp)))


@settings(max_examples=30, **BUDGET)
@given(shapes=shape_pair(), data=st.data())
def test_broadcasting_in_place_and_broadcast_to(shapes, data):
    a = host_array(data.draw, shapes[0], "float64")
    b = host_array(data.draw, shapes[1], "float64")

    def inplace(xp):
        x = xp.asarray(a).copy()
        x += xp.asarray(b)  # the result must keep x's shape, or raise
        return x

    xp_compare(inplace)
    xp_compare(lambda xp: xp.broadcast_to(xp.asarray(b), shapes[0]))


# ---------------------------------------------------------------- promotion

PYTHON_SCALARS = [True, False, 0, 3, -7, 100, 300, -129, 2**31, 2**63, -2**63, 2**64,
                  0.5, -2.0, 1e300, 2j, 1.5 - 0.5j]
NUMPY_SCALARS = [numpy.int8(-3), numpy.uint16(7), numpy.int64(5), numpy.float32(0.5),
                 numpy.float64(1.5), numpy.float16(2), numpy.complex64(1j), numpy.bool_(True)]


@settings(max_examples=80, **BUDGET)
@given(dts=st.tuples(st.sampled_from(ALL_DTYPES), st.sampled_from(ALL_DTYPES)), data=st.data(),
       op=st.sampled_from(["add", "multiply", "true_divide", "maximum", "equal", "subtract"]))
def test_promotion_array_array(dts, data, op):
    a = host_array(data.draw, (5,), dts[0], 0, 3)
    b = host_array(data.draw, (5,), dts[1], 1, 3)
    xp_compare(lambda xp: getattr(xp, op)(xp.asarray(a), xp.asarray(b)))


@settings(max_examples=80, **BUDGET)
@given(dt=st.sampled_from(ALL_DTYPES), data=st.data(),
       scalar=st.sampled_from(PYTHON_SCALARS + NUMPY_SCALARS),
       op=st.sampled_from(["add", "multiply", "subtract", "maximum", "less"]),
       scalar_first=st.booleans(), zero_d=st.booleans())
def test_promotion_with_scalars(dt, data, scalar, op, scalar_first, zero_d):
    """NEP 50: Python scalars are weak (the array's dtype wins within a
    kind; an int that does not fit raises OverflowError), NumPy scalars and
    0-d arrays are strong."""
    a = host_array(data.draw, () if zero_d else (4,), dt, 0, 3)

    def f(xp):
        x = xp.asarray(a)
        args = (scalar, x) if scalar_first else (x, scalar)
        return getattr(xp, op)(*args)

    xp_compare(f)


@settings(max_examples=30, **BUDGET)
@given(dt=st.sampled_from(ALL_DTYPES), scalar=st.sampled_from(PYTHON_SCALARS),
       op=st.sampled_from(["__add__", "__mul__", "__rsub__", "__truediv__", "__lt__"]))
def test_promotion_operators(dt, scalar, op):
    a = numpy.arange(4).astype(dt)
    xp_compare(lambda xp: getattr(xp.asarray(a), op)(scalar))


# ---------------------------------------------------------------- reductions

@st.composite
def reduction_case(draw):
    nd = draw(st.integers(0, 4))
    shape = tuple(draw(st.integers(0, 4)) for _ in range(nd))
    kind = draw(st.sampled_from(["none", "one", "one", "tuple", "omit"]))
    if kind == "omit" or nd == 0 and kind != "none":
        axis = "omit"
    elif kind == "none":
        axis = None
    elif kind == "one":
        axis = draw(st.integers(-nd, nd - 1))
    else:
        axes = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
        axis = tuple(ax - nd if draw(st.booleans()) else ax for ax in axes)
    return shape, axis


@settings(max_examples=90, **BUDGET)
@given(case=reduction_case(), data=st.data(),
       fn=st.sampled_from(["sum", "prod", "max", "min", "mean", "any", "all"]),
       dt=st.sampled_from(["int32", "float64", "bool", "uint8", "float32", "int64"]),
       keepdims=st.booleans(),
       rdtype=st.sampled_from([None, None, None, "int64", "float64", "float32"]))
def test_reductions(case, data, fn, dt, keepdims, rdtype):
    shape, axis = case
    h = host_array(data.draw, shape, dt, -2, 2)
    f = data.draw(layout(h))
    kw = {"keepdims": keepdims}
    if axis != "omit":
        kw["axis"] = axis
    if rdtype is not None and fn in ("sum", "prod", "mean"):
        kw["dtype"] = rdtype
    xp_compare(lambda xp: getattr(xp, fn)(f(xp), **kw))


@settings(max_examples=25, **BUDGET)
@given(case=reduction_case(), data=st.data(), fn=st.sampled_from(["sum", "max", "argmax"]))
def test_reductions_bad_axes(case, data, fn):
    """Out-of-range and repeated axes raise NumPy's exception classes."""
    shape, _ = case
    if not shape:  # NumPy accepts axis 0 and -1 on 0-d arrays (a legacy rule)
        shape = (2,)
    nd = len(shape)
    h = host_array(data.draw, shape, "float64")
    axis = data.draw(st.sampled_from([nd, -nd - 1, (0, 0), (0, -nd)]))
    xp_compare(lambda xp: getattr(xp, fn)(xp.asarray(h), axis=axis))

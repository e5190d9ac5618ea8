"""Ufuncs against NumPy: result dtypes for every dtype pair and operand kind
(array, weak Python scalar, strong NumPy scalar), values over special
values (zeros, negatives, extremes, NaN/inf) on contiguous 1-D data, integer
wraparound, division by zero, shifts past the width, out=, dtype=, casting=,
and the in-place operators.

Kernel budget (a kernel per ufunc, input dtypes and layout): result dtypes
of every ufunc over every dtype pair and scalar kind are checked on empty
arrays (nothing is launched for an empty result); values are checked on
contiguous 1-D arrays for every ufunc x every dtype (a subset of nine dtypes
for the ufuncs whose code does not depend on the integer width), for `add`
over the mixed pairs whose loop type is neither input type, for signed /
unsigned comparisons, and for two rotating mixed pairs per other ufunc.
Complex NaN ordering and powers of zero also have their own tests."""
import itertools
import operator

import numpy
import pytest

import ndaccel
from xp_util import (ALL_DTYPES, COMPLEX, INTS, SIGNED, pair_values, run_numpy, special_values,
                     xp_compare, xp_test)

BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder",
          "power", "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater",
          "greater_equal", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
          "right_shift", "logical_and", "logical_or"]
UNARY = ["negative", "positive", "invert", "absolute", "sqrt", "exp", "log", "logical_not"]
LOGICAL = {"logical_and", "logical_or"}

# Known C-level bugs (see the report): strict, so a fix turns them into failures
# that ask for the marker to go.
ORDERING = {"less", "less_equal", "greater", "greater_equal"}


def _outcome(fn):
    """('ok', dtype, shape) or ('raises', builtin exception class)."""
    try:
        r = fn()
    except Exception as exc:  # noqa: BLE001
        for t in type(exc).__mro__:
            if t.__module__ == "builtins":
                return ("raises", t.__name__)
    return ("ok", numpy.dtype(r.dtype), tuple(r.shape))


def _mismatches(cases):
    """cases: iterable of (label, fn(xp)); lists those whose outcome differs."""
    bad = []
    for label, fn in cases:
        e = _outcome(lambda: run_numpy(fn))
        g = _outcome(lambda: fn(ndaccel))
        if e != g:
            bad.append(f"{label}: numpy {e}, ndaccel {g}")
    return bad


# ---------------------------------------------------------------- result dtypes

@pytest.mark.parametrize("name", BINARY)
def test_binary_result_dtype_every_pair(name):
    """Every (dtype, dtype) pair: same result dtype, or the same error class."""
    cases = [(f"{a}, {b}",
              lambda xp, a=a, b=b: getattr(xp, name)(xp.empty(0, a), xp.empty(0, b)))
             for a, b in itertools.product(ALL_DTYPES, ALL_DTYPES)]
    assert _mismatches(cases) == []


@pytest.mark.parametrize("name", UNARY)
def test_unary_result_dtype_every_dtype(name):
    cases = [(str(a), lambda xp, a=a: getattr(xp, name)(xp.empty(0, a))) for a in ALL_DTYPES]
    assert _mismatches(cases) == []


# Weak (NEP 50) Python scalars that fit every dtype they meet, and strong
# NumPy scalars.
PY_SCALARS = [True, False, 0, 3, -3, 2.5, -0.5, 1e300, 1 + 2j]
NP_SCALARS = [numpy.bool_(True), numpy.int8(-3), numpy.uint8(200), numpy.int16(3),
              numpy.uint16(7), numpy.int32(-5), numpy.uint32(9), numpy.int64(4),
              numpy.uint64(2**63), numpy.float16(1.5), numpy.float32(2.5), numpy.float64(-1.5),
              numpy.complex64(1 - 1j), numpy.complex128(2 + 1j)]


@pytest.mark.parametrize("name", BINARY)
def test_binary_result_dtype_python_scalars(name):
    """array op python-scalar and python-scalar op array, every dtype: NEP 50."""
    cases = []
    for a in ALL_DTYPES:
        for s in PY_SCALARS:
            if s == -3 and a.kind == "u":
                continue  # OverflowError: test_python_int_out_of_range
            cases.append((f"{a} {s!r}",
                          lambda xp, a=a, s=s: getattr(xp, name)(xp.empty(0, a), s)))
            cases.append((f"{s!r} {a}",
                          lambda xp, a=a, s=s: getattr(xp, name)(s, xp.empty(0, a))))
    assert _mismatches(cases) == []


@pytest.mark.parametrize("name", BINARY)
def test_binary_result_dtype_numpy_scalars(name):
    """array op numpy-scalar: NumPy scalars are strong (they promote like arrays)."""
    cases = []
    for a in ALL_DTYPES:
        for s in NP_SCALARS:
            cases.append((f"{a} {s!r}",
                          lambda xp, a=a, s=s: getattr(xp, name)(xp.empty(0, a), s)))
            cases.append((f"{s!r} {a}",
                          lambda xp, a=a, s=s: getattr(xp, name)(s, xp.empty(0, a))))
    assert _mismatches(cases) == []


@pytest.mark.parametrize("name", ["add"])
def test_binary_result_dtype_scalars_only(name):
    """Only scalars: the result is a 0-d array of NumPy's dtype."""
    for a, b in [(1, 2), (1, 2.5), (True, False), (3, numpy.int8(2)), (numpy.float32(1), 2),
                 (numpy.uint8(3), numpy.int8(-2))]:
        xp_compare(lambda xp: getattr(xp, name)(a, b))


@pytest.mark.parametrize("name", [n for n in BINARY if n not in LOGICAL])
def test_python_int_out_of_range(name):
    """A Python int that does not fit the array's dtype raises OverflowError
    (NumPy 2), except for comparisons (exact) and true_divide (float64 loop)."""
    cases = []
    for a in ALL_DTYPES:
        for s in [-1, 300, 70000, 2**40]:
            if a.kind in "iu" and numpy.iinfo(a).min <= s <= numpy.iinfo(a).max:
                continue
            cases.append((f"{a} {s}", lambda xp, a=a, s=s: getattr(xp, name)(xp.empty(0, a), s)))
            cases.append((f"{s} {a}", lambda xp, a=a, s=s: getattr(xp, name)(s, xp.empty(0, a))))
    assert _mismatches(cases) == []


def test_python_int_out_of_range_values():
    """Comparisons with ints outside the dtype's range are exact (NumPy 2)."""
    for dt in ("uint8", "int64"):
        a = special_values(dt)
        for s in (-1, 300, 2**40, -2**40, 2**64 - 1):
            for op in (operator.lt, operator.eq):
                xp_compare(lambda xp: op(xp.asarray(a), s))
    xp_compare(lambda xp: xp.asarray(numpy.arange(3, dtype=numpy.uint8)) + 300)


# ---------------------------------------------------------------- values

def _binary_value_case(name, a_dt, b_dt):
    b_filter = None
    if name == "power" and numpy.dtype(a_dt).kind in "biu" and numpy.dtype(b_dt).kind in "biu":
        b_filter = lambda b: b >= 0  # noqa: E731 - negative powers: test_integer_negative_power
    x, y = _drop_carved_out_pairs(name, *pair_values(a_dt, b_dt, b_filter))
    return lambda xp: getattr(xp, name)(xp.asarray(x), xp.asarray(y))


def _drop_carved_out_pairs(name, x, y):
    """Complex pairs without a portable answer are left out of the sweeps:
    infinite complex powers (NumPy's follow the C library's cpow)."""
    if x.dtype.kind != "c" and y.dtype.kind != "c":
        return x, y
    keep = numpy.ones(len(x), dtype=bool)
    if name == "power":
        # Infinite complex powers follow the C library's cpow (not portable).
        keep &= numpy.isfinite(x) & numpy.isfinite(y)
    return x[keep], y[keep]


def _rtol(name, *dts):
    """complex64 power is exp(b log a) in single precision: a few ulps times
    |b log a|."""
    if name == "power" and numpy.dtype("complex64") in [numpy.dtype(d) for d in dts]:
        return 2e-5
    return None


def _valid(name, *dts):
    """Whether NumPy has a loop for these input dtypes (judged on empty arrays)."""
    try:
        run_numpy(lambda xp: getattr(xp, name)(*[xp.empty(0, d) for d in dts]))
        return True
    except TypeError:
        return False


# Ufuncs whose results do not depend on the integer width (no wraparound:
# comparisons, maximum/minimum, bitwise and logical operations) run on a
# subset (bool, 8/16/64-bit integers of both signs, every float, complex64)
# to save kernels; the arithmetic ufuncs run on every dtype.
SUBSET_UFUNCS = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
                 "maximum", "minimum", "bitwise_and", "bitwise_or", "bitwise_xor",
                 "logical_and", "logical_or"}
SUBSET_DTYPES = [numpy.dtype(n) for n in ("bool", "int8", "uint16", "int64", "uint64", "float16",
                                          "float32", "float64", "complex64")]
SAME_DTYPE_CASES = [pytest.param(n, d, id=f"{n}-{d}") for n in BINARY
                    for d in (SUBSET_DTYPES if n in SUBSET_UFUNCS else ALL_DTYPES)
                    if n != "divide" and _valid(n, d, d)]


@pytest.mark.parametrize("name, dt", SAME_DTYPE_CASES)
def test_binary_values_same_dtype(name, dt):
    xp_compare(_binary_value_case(name, dt, dt), rtol=_rtol(name, dt))


def test_divide_is_true_divide():
    x, y = pair_values("float64", "float64")
    xp_compare(lambda xp: xp.divide(xp.asarray(x), xp.asarray(y)))
    i = special_values("int32")
    xp_compare(lambda xp: xp.divide(xp.asarray(i), xp.asarray(i[::-1].copy())))


UNARY_CASES = [pytest.param(n, d, id=f"{n}-{d}") for n in UNARY
               for d in (SUBSET_DTYPES if n in ("positive", "logical_not", "invert", "sqrt", "exp",
                                                "log") else ALL_DTYPES)
               if _valid(n, d)]


@pytest.mark.parametrize("name, dt", UNARY_CASES)
def test_unary_values(name, dt):
    x = special_values(dt)  # negative inputs of sqrt/log included: NaN
    xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x)))


def _promotes_past_both(a, b):
    r = numpy.result_type(numpy.dtype(a), numpy.dtype(b))
    return r != numpy.dtype(a) and r != numpy.dtype(b)


# Value sweep of `add` over the mixed pairs whose loop type is neither input
# type (int8 + uint8 -> int16, int64 + uint64 -> float64, int16 + float16 ->
# float32, ...), plus bool with everything. Every other mixed pair promotes
# to one of its inputs: its result dtype is checked on empty arrays above
# and its input conversion is one of the astype conversions that
# test_creation.py checks.
ADD_PAIRS = [pytest.param(a, b, id=f"{a}-{b}")
             for a, b in itertools.product(ALL_DTYPES, ALL_DTYPES)
             if a < b and (_promotes_past_both(a, b) or a.kind == "b")]


@pytest.mark.parametrize("a_dt, b_dt", ADD_PAIRS)
def test_add_values_mixed_pairs(a_dt, b_dt):
    xp_compare(_binary_value_case("add", a_dt, b_dt))


COMPARE_PAIRS = [("int8", "uint8"), ("int8", "uint64"), ("int64", "uint64"), ("uint64", "int64"),
                 ("uint32", "int32"), ("bool", "uint64"), ("uint16", "int16"), ("uint64", "int8")]


@pytest.mark.parametrize("a_dt, b_dt", COMPARE_PAIRS, ids=[f"{a}-{b}" for a, b in COMPARE_PAIRS])
def test_less_values_signed_unsigned(a_dt, b_dt):
    """Mixed signed/unsigned comparisons, int64 vs uint64 included (exact)."""
    xp_compare(_binary_value_case("less", a_dt, b_dt))


# Mixed pairs for every other ufunc, rotating through a list so that the
# ufuncs together cover sign mixing, int to float, float widths, float and
# complex, bool with numbers, and int64/uint64 (no common integer type).
GENERAL_PAIRS = [("int8", "uint8"), ("int32", "float32"), ("float16", "float64"),
                 ("complex64", "float64"), ("int64", "uint64"), ("bool", "int16"),
                 ("uint8", "float16"), ("float32", "complex128"), ("uint32", "int64"),
                 ("int16", "float64"), ("uint16", "complex64"), ("float32", "float64")]
INTEGER_PAIRS = [("int8", "uint8"), ("int64", "uint64"), ("bool", "int16"), ("uint32", "int64"),
                 ("uint16", "int8"), ("int32", "uint8"), ("bool", "uint64")]


def _mixed_cases(per_ufunc=2):
    cases = []
    for i, name in enumerate(n for n in BINARY if n not in ("add", "divide")):
        pairs = INTEGER_PAIRS if name.startswith(("bitwise", "left", "right")) else GENERAL_PAIRS
        picked = 0
        for j in range(len(pairs)):
            a, b = pairs[(i * per_ufunc + j) % len(pairs)]
            if picked < per_ufunc and _valid(name, a, b):
                cases.append(pytest.param(name, a, b, id=f"{name}-{a}-{b}"))
                picked += 1
    return cases


@pytest.mark.parametrize("name, a_dt, b_dt", _mixed_cases())
def test_binary_values_mixed_pairs(name, a_dt, b_dt):
    xp_compare(_binary_value_case(name, a_dt, b_dt), rtol=_rtol(name, a_dt, b_dt))


@pytest.mark.parametrize("dt", COMPLEX)
def test_complex_ordering_with_nan_imaginary_part(dt):
    """NumPy: a < b is (a.re < b.re and no NaN imag) or (a.re == b.re and
    a.im < b.im); 0 < 1+nanj is False."""
    x = numpy.array([0, 0, 2, 1 + 1j, complex(0, numpy.nan)], dtype=dt)
    y = numpy.array([complex(1, numpy.nan), complex(numpy.nan, 0), complex(numpy.nan, 1),
                     complex(1, numpy.nan), 1], dtype=dt)
    for name in sorted(ORDERING):
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x), xp.asarray(y)))


@pytest.mark.parametrize("dt", COMPLEX)
def test_complex_power_of_zero(dt):
    x = numpy.zeros(4, dtype=dt)
    y = numpy.array([1 - 1j, 0.5 + 2j, 3 + 0.25j, 2], dtype=dt)
    xp_compare(lambda xp: xp.asarray(x) ** xp.asarray(y))


# Python scalar operands are kernel arguments converted to the loop type: a
# kernel per (ufunc, array dtype, loop type, side).
SCALAR_CASES = [("add", "int8"), ("add", "uint8"), ("add", "float32"), ("add", "complex64"),
                ("subtract", "float64"), ("multiply", "float16"), ("true_divide", "int64"),
                ("floor_divide", "int8"), ("floor_divide", "float64"), ("remainder", "uint8"),
                ("power", "int64"), ("power", "float64"), ("maximum", "float32"),
                ("less", "uint8"), ("equal", "complex64"), ("left_shift", "int8"),
                ("right_shift", "int64")]


@pytest.mark.parametrize("name, dt", SCALAR_CASES, ids=[f"{n}-{d}" for n, d in SCALAR_CASES])
def test_binary_values_python_scalars(name, dt):
    x = special_values(dt)
    kind = numpy.dtype(dt).kind
    if name == "power" and kind in "iu":
        scalars = [0, 1, 3, True]
    elif kind == "u":
        scalars = [0, 1, 3, 200, True]
    elif kind == "i":
        scalars = [0, 1, -3, 7, True]
    else:  # the same loop for int, float and bool scalars: one kernel per side
        scalars = [0, 1, -3, 2.5, 1e30, float("nan"), float("-inf"), True]
    for s in scalars:
        if not _valid_scalar(name, x, s):
            continue
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x), s))
        if not (name == "power" and kind in "iu"):
            xp_compare(lambda xp: getattr(xp, name)(s, xp.asarray(x)))


def _valid_scalar(name, x, s):
    try:
        run_numpy(lambda xp: getattr(xp, name)(x[:0], s))
        run_numpy(lambda xp: getattr(xp, name)(s, x[:0]))
        return True
    except TypeError:
        return False


@pytest.mark.parametrize("dt", ["int8", "float32"])
def test_binary_values_numpy_scalars(dt):
    """Strong NumPy scalars promote like 0-d arrays: int8 array + np.int64(3)
    is int64, float32 array * np.float64(0.25) is float64."""
    x = special_values(dt)
    for s in (numpy.int64(3), numpy.float64(0.25), numpy.uint8(7)):
        xp_compare(lambda xp: xp.add(xp.asarray(x), s))
        xp_compare(lambda xp: xp.multiply(s, xp.asarray(x)))


# ---------------------------------------------------------------- integer edge cases

@pytest.mark.parametrize("dt", INTS)
def test_integer_overflow_wraps(dt):
    info = numpy.iinfo(dt)
    x = numpy.array([info.max, info.min, info.max, info.min], dtype=dt)
    y = numpy.array([1, 1, info.max, info.max], dtype=dt)

    @xp_test
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(y)
        return a + b, a - b, a * b, -a, a * a

    body()
    ref = run_numpy(lambda xp: x + y)
    assert ref[0] == info.min  # numpy itself wraps: the comparison above is meaningful


@pytest.mark.parametrize("dt", INTS)
def test_integer_division_by_zero_is_zero(dt):
    x = numpy.array([5, 0, 1, numpy.iinfo(dt).max, numpy.iinfo(dt).min], dtype=dt)
    z = numpy.zeros_like(x)

    @xp_test
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(z)
        return a // b, a % b

    body()
    if dt in ("int8", "uint64"):  # the divisor as a Python scalar
        xp_compare(lambda xp: (xp.floor_divide(xp.asarray(x), 0), xp.remainder(xp.asarray(x), 0)))


@pytest.mark.parametrize("dt", SIGNED)
def test_signed_floor_division_rounds_down(dt):
    x = numpy.array([7, -7, 7, -7, 0, numpy.iinfo(dt).min, numpy.iinfo(dt).min], dtype=dt)
    y = numpy.array([2, 2, -2, -2, -3, -1, 1], dtype=dt)

    @xp_test
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(y)
        return a // b, a % b, divmod(a, b)

    body()
    assert list(run_numpy(lambda xp: x // y)[:4]) == [3, -4, -4, 3]


@pytest.mark.parametrize("dt", INTS)
def test_shifts_past_the_width(dt):
    bits = numpy.dtype(dt).itemsize * 8
    vals = numpy.array([1, 3, numpy.iinfo(dt).max, numpy.iinfo(dt).min], dtype=dt)
    counts = [0, 1, bits - 1, bits, bits + 1, min(2 * bits, numpy.iinfo(dt).max)]
    if numpy.dtype(dt).kind == "i":
        vals = numpy.append(vals, numpy.array([-1, -100], dtype=dt))
        counts.append(-1)
    x = numpy.repeat(vals, len(counts))
    y = numpy.tile(numpy.array(counts, dtype=dt), len(vals))

    @xp_test
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(y)
        return a << b, a >> b

    body()


@pytest.mark.parametrize("dt", ["int8", "int32", "int64"])
def test_integer_negative_power(dt):
    x = numpy.array([2, 3], dtype=dt)

    @xp_test
    def body(xp):
        return xp.asarray(x) ** xp.asarray(numpy.array([1, -1], dtype=dt))

    body()  # both raise ValueError
    xp_compare(lambda xp: xp.asarray(x) ** -2)
    xp_compare(lambda xp: 2 ** xp.asarray(numpy.array([-1, 2], dtype=dt)))
    xp_compare(lambda xp: xp.asarray(x[:0]) ** -1)  # empty: no value, no error
    xp_compare(lambda xp: xp.asarray(x) ** xp.asarray(numpy.array([1, 2], dtype=dt)))


def test_unsigned_negative_python_power():
    """uint8 ** -1: the Python int does not fit uint8 (OverflowError)."""
    x = numpy.array([2, 3], dtype=numpy.uint8)
    xp_compare(lambda xp: xp.asarray(x) ** -1)
    xp_compare(lambda xp: xp.asarray(x) ** 2)
    xp_compare(lambda xp: xp.asarray(x) ** 2.0)


def test_uint64_power_large_exponents():
    x = numpy.array([3, 3, 3, 5, 2, 0], dtype=numpy.uint64)
    y = numpy.array([2**63, 2**63 + 1, 2**64 - 1, 2**62 + 1, 64, 2**63], dtype=numpy.uint64)
    xp_compare(lambda xp: xp.asarray(x) ** xp.asarray(y))


# ---------------------------------------------------------------- out=, dtype=, casting=

@xp_test
def test_out_same_dtype(xp):
    a = xp.asarray(numpy.arange(6.0))
    out = xp.zeros(6)
    r = xp.multiply(a, a, out=out)
    assert r is out
    return out


@xp_test
def test_out_positional_and_tuple(xp):
    a = xp.asarray(numpy.arange(5, dtype=numpy.int32))
    o1 = xp.zeros(5, dtype=numpy.int32)
    o2 = xp.zeros(5, dtype=numpy.int32)
    r1 = xp.add(a, 1, o1)
    r2 = xp.negative(a, out=(o2,))
    assert r1 is o1 and r2 is o2
    return o1, o2


@pytest.mark.parametrize("out_dt", ["float64", "int16", "complex64", "float16"])
def test_out_casts_same_kind(out_dt):
    """int8 + int8 written into a wider or float out: allowed (same_kind)."""
    x = special_values("int8")

    @xp_test
    def body(xp):
        out = xp.zeros(len(x), dtype=out_dt)
        xp.add(xp.asarray(x), xp.asarray(x[::-1].copy()), out=out)
        return out

    body()


@pytest.mark.parametrize("in_dt, out_dt", [("float64", "int32"), ("float64", "float32"),
                                           ("complex64", "float64"), ("int64", "uint8"),
                                           ("float32", "bool"), ("int32", "bool")])
def test_out_casting_rules(in_dt, out_dt):
    """Outputs cast with casting='same_kind' by default (TypeError when not
    allowed); casting='unsafe' writes anyway."""
    x = special_values(in_dt)
    x = x[numpy.isfinite(x)] if x.dtype.kind in "fc" else x

    @xp_test
    def default(xp):
        out = xp.zeros(len(x), dtype=out_dt)
        xp.add(xp.asarray(x), xp.asarray(x), out=out)
        return out

    @xp_test
    def unsafe(xp):
        out = xp.zeros(len(x), dtype=out_dt)
        xp.multiply(xp.asarray(x), 1, out=out, casting="unsafe")
        return out

    default()
    if not (numpy.dtype(in_dt).kind in "fc" and numpy.dtype(out_dt).kind in "iu"):
        unsafe()  # float -> int of out-of-range values is undefined in C and NumPy
    else:
        y = numpy.array([1.0, -2.5, 100.75, 0.0], dtype=in_dt)
        xp_compare(lambda xp: xp.multiply(xp.asarray(y), 1, out=xp.zeros(4, dtype=out_dt),
                                          casting="unsafe"))


@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
def test_casting_argument(casting):
    x = numpy.array([1, 2, 3], dtype=numpy.int16)
    for out_dt in ("int16", "int32", "int8", "float32"):
        xp_compare(lambda xp: xp.add(xp.asarray(x), xp.asarray(x),
                                     out=xp.zeros(3, dtype=out_dt), casting=casting))


def test_casting_invalid_value():
    x = numpy.array([1, 2, 3], dtype=numpy.int16)
    xp_compare(lambda xp: xp.add(xp.asarray(x), xp.asarray(x), casting="sometimes"))


@pytest.mark.parametrize("name, dt", [("add", "float32"), ("multiply", "float64"),
                                      ("add", "int64"), ("true_divide", "float32"),
                                      ("sqrt", "float32"), ("negative", "int16")])
def test_dtype_argument(name, dt):
    x = numpy.array([1, 4, 9, 100], dtype=numpy.int8)
    uf = getattr(numpy, name)
    args = (x, x) if uf.nin == 2 else (x,)
    xp_compare(lambda xp: getattr(xp, name)(*[xp.asarray(a) for a in args], dtype=dt))


def test_dtype_argument_not_castable():
    x = numpy.array([1.5, 2.5])
    xp_compare(lambda xp: xp.add(xp.asarray(x), xp.asarray(x), dtype="int32"))
    xp_compare(lambda xp: xp.add(xp.asarray(x), xp.asarray(x), dtype="int32", casting="unsafe"))


def test_out_errors():
    a = ndaccel.asarray(numpy.arange(4.0))
    with pytest.raises(TypeError):
        ndaccel.add(a, a, out=numpy.zeros(4))
    with pytest.raises(TypeError):
        ndaccel.add(a, a, out=[0, 0, 0, 0])
    with pytest.raises(ValueError):
        ndaccel.add(a, a, out=ndaccel.zeros(3))
    with pytest.raises(TypeError):
        ndaccel.add(a, a, out=ndaccel.zeros(4, dtype=numpy.int64))
    with pytest.raises(TypeError):
        ndaccel.add(a, a, a, out=ndaccel.zeros(4))  # out given twice / too many args
    with pytest.raises(TypeError):
        ndaccel.add(a)
    with pytest.raises(TypeError):
        ndaccel.add(a, a, bogus=1)
    # broadcasting into out is fine, out must not be smaller than the result
    out = ndaccel.zeros((3, 4))
    ndaccel.add(a, 1, out=out)
    numpy.testing.assert_array_equal(out.get(), numpy.tile(numpy.arange(4.0) + 1, (3, 1)))
    assert (a.get() == numpy.arange(4.0)).all()


def test_ufunc_objects():
    assert repr(ndaccel.add) == "<ufunc 'add'>"
    assert ndaccel.add.nin == 2 and ndaccel.add.nout == 1
    assert ndaccel.sqrt.nin == 1
    for name in BINARY + UNARY:
        assert isinstance(getattr(ndaccel, name), ndaccel.ufunc), name
    for name in ("add", "multiply", "subtract", "maximum", "logical_or"):
        for dt in ("int8", "float64", "bool"):
            xp_compare(lambda xp, name=name, dt=dt: getattr(xp, name).accumulate(
                xp.asarray((numpy.arange(12) % 5).reshape(3, 4).astype(dt)), axis=1))
    xp_compare(lambda xp: xp.multiply.outer(xp.asarray(numpy.arange(3.0)),
                                            xp.asarray(numpy.arange(4.0))))
    # where=: out keeps its values where the mask is false
    def masked(xp):
        out = xp.asarray(numpy.arange(3.0))
        xp.add(xp.ones(3), 1, out=out, where=xp.asarray([True, False, True]))
        return out
    xp_compare(masked)


# ---------------------------------------------------------------- operators

OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
             operator.mod, operator.pow, operator.and_, operator.or_, operator.xor,
             operator.lshift, operator.rshift, operator.eq, operator.ne, operator.lt,
             operator.le, operator.gt, operator.ge]


@pytest.mark.parametrize("op", OPERATORS, ids=lambda op: op.__name__)
@pytest.mark.parametrize("dt", ["int32", "float64", "bool"])
def test_operators(op, dt):
    """Operators map to the right ufunc, reflected forms swap the operands."""
    x = special_values(dt)
    y = x[::-1].copy()
    if op is operator.pow and dt == "int32":
        y = numpy.abs(y) % 5
    xp_compare(lambda xp: op(xp.asarray(x), xp.asarray(y)))
    if dt == "int32":
        xp_compare(lambda xp: op(xp.asarray(x), 2))
        if op in (operator.sub, operator.truediv, operator.floordiv, operator.mod,
                  operator.pow, operator.lshift, operator.lt):
            xp_compare(lambda xp: op(3, xp.asarray(y)))  # reflected: __rsub__ etc.


def test_operators_with_numpy_arrays_and_lists():
    x = numpy.arange(5.0)
    for fn in (lambda xp: xp.asarray(x) + x, lambda xp: x + xp.asarray(x),
               lambda xp: xp.asarray(x) * [1, 2, 3, 4, 5],
               lambda xp: [5, 4, 3, 2, 1] - xp.asarray(x),
               lambda xp: xp.asarray(x) < (1, 2, 3, 4, 5)):
        xp_compare(fn)


def test_unsupported_operands_return_notimplemented():
    a = ndaccel.asarray(numpy.arange(3.0))
    for other in ("abc", None, object(), {1: 2}):
        assert a.__add__(other) is NotImplemented
        with pytest.raises(TypeError):
            a + other
        with pytest.raises(TypeError):
            other * a


class _Float(float):
    pass


class _Int(int):
    pass


def test_operator_operand_kinds_and_scalar_results():
    """The C operator slots (python/ext/operators.c) and their Python slow
    path agree with NumPy: subclasses of Python scalars and NumPy scalars
    as operands, either side; a 0-d result is a NumPy scalar; in-place
    operators on a read-only array raise NumPy's error."""
    x = numpy.arange(4.0)
    for fn in (lambda xp: xp.asarray(x) + _Float(1.5), lambda xp: _Float(2.5) * xp.asarray(x),
               lambda xp: xp.asarray(x, dtype=numpy.int8) + _Int(3),
               lambda xp: xp.asarray(x) - numpy.float32(2), lambda xp: numpy.float64(2) / xp.asarray(x + 1),
               lambda xp: xp.asarray(x) >= numpy.int64(2), lambda xp: True & xp.asarray(x > 1)):
        xp_compare(fn)
    z = ndaccel.asarray(2.0)
    for r, e in ((z + 1, numpy.float64(3.0)), (-z, numpy.float64(-2.0)), (z < 1, numpy.False_),
                 (z * numpy.float32(2), numpy.float64(4.0)), (numpy.float64(1) + z, numpy.float64(3.0)),
                 (abs(z - 5), numpy.float64(3.0))):
        assert type(r) is type(e) and r == e
    for xp in (numpy, ndaccel):
        a = xp.arange(3.0)
        a.flags.writeable = False
        with pytest.raises(ValueError, match="read-only"):
            a += 1
        with pytest.raises(ValueError, match="read-only"):
            a *= xp.ones(3)


@pytest.mark.parametrize("dt", ["int32", "float64", "bool", "complex64"])
def test_unary_operators(dt):
    x = special_values(dt)
    for op in (operator.neg, operator.pos, abs, operator.invert):
        xp_compare(lambda xp: op(xp.asarray(x)))


INPLACE = [("iadd", 3), ("isub", 2), ("imul", 3), ("itruediv", 2), ("ifloordiv", 3),
           ("imod", 4), ("ipow", 2), ("iand", 6), ("ior", 6), ("ixor", 5), ("ilshift", 2),
           ("irshift", 1)]


@pytest.mark.parametrize("op_name, value", INPLACE, ids=[n for n, _ in INPLACE])
@pytest.mark.parametrize("dt", ["int32", "float64", "uint8"])
def test_inplace_operators(op_name, value, dt):
    """In-place forms keep the array's identity and dtype; results that
    would need a cast that same_kind forbids raise TypeError."""
    x = special_values(dt)
    if dt == "float64" and op_name in ("iand", "ior", "ixor", "ilshift", "irshift"):
        x = x[:0]
    op = getattr(operator, op_name)

    @xp_test
    def with_scalar(xp):
        a = xp.asarray(x.copy())
        before = a
        a = op(a, value)
        assert a is before
        return a

    @xp_test
    def with_array(xp):
        a = xp.asarray(x.copy())
        before = a
        a = op(a, xp.asarray(numpy.full(len(x), value, dtype=dt)))
        assert a is before
        return a

    with_scalar()
    with_array()


@pytest.mark.parametrize("dt", ["int32", "uint8"])
def test_inplace_type_errors(dt):
    x = numpy.arange(4, dtype=dt)

    def iadd_float(xp):
        a = xp.asarray(x.copy())
        a += 1.5
        return a

    def itruediv(xp):
        a = xp.asarray(x.copy())
        a /= 2
        return a

    def iadd_wider(xp):
        a = xp.asarray(x.copy())
        a += xp.asarray(numpy.arange(4, dtype=numpy.int64) * 1000)  # same_kind: wraps
        return a

    for fn in (iadd_float, itruediv, iadd_wider):
        xp_compare(fn)
    with pytest.raises(TypeError):
        itruediv(ndaccel)


def test_inplace_broadcast():
    x = numpy.arange(12.0).reshape(3, 4)

    @xp_test
    def body(xp):
        a = xp.asarray(x.copy())
        a += xp.asarray(numpy.arange(4.0))
        a *= xp.asarray(numpy.array([[1.0], [2.0], [3.0]]))
        return a

    body()

    def bad(xp):
        a = xp.asarray(numpy.arange(4.0))
        a += xp.asarray(x)  # result would need shape (3, 4)
        return a

    xp_compare(bad)

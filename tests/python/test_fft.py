"""ndaccel.fft against numpy.fft: lengths (powers of two, primes, composites),
dtypes, n cropping/padding, axes, norms, n-d transforms, strides, out=,
errors, and the frequency/shift helpers.

Transform errors grow with the vector's norm, not per element, so values
are checked normwise: max |got - numpy| <= C * eps * log2(n) * max |numpy|
(eps of the result's precision), after the exact shape and dtype checks.
Every distinct (length, batch, precision) is a library plan (VkFFT compiles
kernels for each on OpenCL), so the set of lengths is kept small."""
import math
import warnings

import numpy
import pytest

import ndaccel
from xp_util import run_numpy, xp_compare

RNG = numpy.random.default_rng(7)
EPS = {"f": numpy.finfo(numpy.float32).eps, "d": numpy.finfo(numpy.float64).eps}


def _data(shape, dtype):
    dt = numpy.dtype(dtype)
    if dt.kind == "c":
        return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dt)
    if dt.kind == "b":
        return RNG.random(shape) > 0.5
    if dt.kind in "iu":
        return RNG.integers(-20 if dt.kind == "i" else 0, 20, shape).astype(dt)
    return RNG.standard_normal(shape).astype(dt)


def _check(got, expected, n, what="result", c=8.0):
    assert isinstance(got, ndaccel.ndarray), f"{what}: got {type(got).__name__}"
    h = got.get()
    assert h.shape == expected.shape, f"{what}: shape {h.shape} != numpy's {expected.shape}"
    assert h.dtype == expected.dtype, f"{what}: dtype {h.dtype} != numpy's {expected.dtype}"
    if expected.size == 0:
        return
    eps = EPS["f" if expected.dtype in (numpy.float16, numpy.float32, numpy.complex64) else "d"]
    if expected.dtype == numpy.float16:
        eps = numpy.finfo(numpy.float16).eps
    scale = float(numpy.max(numpy.abs(expected.astype(numpy.complex128))))
    err = float(numpy.max(numpy.abs(h.astype(numpy.complex128) - expected)))
    tol = c * eps * max(1.0, math.log2(max(n, 2))) * max(scale, 1e-300)
    assert err <= tol, f"{what}: max error {err:.3g} > {tol:.3g} (scale {scale:.3g}, n {n})"


def _compare(fn, n, c=8.0):
    """fn(numpy) vs fn(ndaccel) (same exception class when NumPy raises)."""
    try:
        expected = run_numpy(fn)
    except Exception:  # noqa: BLE001 - xp_compare checks the class
        xp_compare(fn)
        return
    _check(fn(ndaccel), expected, n, c=c)


# ---------------------------------------------------------------- lengths

LENGTHS = [1, 2, 7, 8, 30, 97, 1000, 1024]  # 97: Bluestein (prime > 13)


@pytest.mark.parametrize("dt", ["complex128", "complex64"])
@pytest.mark.parametrize("n", LENGTHS)
def test_c2c_lengths(n, dt):
    x = _data((3, n), dt)
    _compare(lambda xp: xp.fft.fft(xp.asarray(x)), n)
    _compare(lambda xp: xp.fft.ifft(xp.asarray(x)), n)


@pytest.mark.parametrize("dt", ["float64", "float32"])
@pytest.mark.parametrize("n", [1, 2, 7, 8, 30, 97, 1000])
def test_real_lengths(n, dt):
    x = _data((3, n), dt)
    _compare(lambda xp: xp.fft.rfft(xp.asarray(x)), n)
    _compare(lambda xp: xp.fft.ihfft(xp.asarray(x)), n)
    if n > 1:
        y = numpy.fft.rfft(x)
        _compare(lambda xp: xp.fft.irfft(xp.asarray(y), n), n)
        _compare(lambda xp: xp.fft.hfft(xp.asarray(y), n), n)


@pytest.mark.parametrize("dt", ["complex64", "complex128"])
def test_long(dt):
    x = _data((1 << 16,), dt)
    _compare(lambda xp: xp.fft.fft(xp.asarray(x)), 1 << 16)
    _compare(lambda xp: xp.fft.ifft(xp.asarray(x)), 1 << 16)


# ---------------------------------------------------------------- real, even n (packed)
# Even n runs rfft/irfft through one n/2-point complex transform and a
# fused untangling expression (python/ndaccel/fft/_real.py); odd n the full c2c.

@pytest.mark.parametrize("dt", ["float64", "float32"])
@pytest.mark.parametrize("n", [2, 4, 6, 1000, 1024, 1 << 15])
def test_real_packed_lengths(n, dt):
    x = _data((n,) if n > 1024 else (3, n), dt)
    _compare(lambda xp: xp.fft.rfft(xp.asarray(x)), n)
    y = numpy.fft.rfft(x)
    _compare(lambda xp: xp.fft.irfft(xp.asarray(y), n), n)
    a = ndaccel.asarray(x)
    _check(ndaccel.fft.irfft(ndaccel.fft.rfft(a), n), x, n, "irfft(rfft(x))")


@pytest.mark.parametrize("norm", ["backward", "ortho", "forward"])
@pytest.mark.parametrize("dt", ["float64", "float32"])
def test_real_packed_norm(norm, dt):
    x = _data((2, 1000), dt)
    y = numpy.fft.rfft(x)
    for name, arg in [("rfft", x), ("ihfft", x), ("irfft", y), ("hfft", y)]:
        _compare(lambda xp: getattr(xp.fft, name)(xp.asarray(arg), norm=norm), 1000)
    a = ndaccel.asarray(x)
    _check(ndaccel.fft.irfft(ndaccel.fft.rfft(a, norm=norm), 1000, norm=norm), x, 1000)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dt", ["float64", "float32"])
def test_real_packed_axes_batches(axis, dt):
    x = _data((6, 4, 10), dt)  # every axis even; the others are the batch
    _compare(lambda xp: xp.fft.rfft(xp.asarray(x), axis=axis), 10)
    y = numpy.fft.rfft(x, axis=axis)
    _compare(lambda xp: xp.fft.irfft(xp.asarray(y), x.shape[axis], axis=axis), 10)
    _compare(lambda xp: xp.fft.rfft(xp.asarray(x), n=8, axis=axis), 8)     # crop / pad
    _compare(lambda xp: xp.fft.irfft(xp.asarray(y), n=12, axis=axis), 12)


@pytest.mark.parametrize("n", [2, 8])
def test_irfft_packed_ignores_dc_nyquist_imag(n):
    y = _data((2, n // 2 + 1), "complex128")  # nonzero imaginary DC and Nyquist terms
    _compare(lambda xp: xp.fft.irfft(xp.asarray(y), n), n)
    _compare(lambda xp: xp.fft.hfft(xp.asarray(y), n), n)
    _compare(lambda xp: xp.fft.irfft(xp.asarray(y.astype(numpy.complex64)), n), n)


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_real_packed_layouts(dt):
    """Rows that cannot be reinterpreted as complex pairs in place (strided,
    reversed, misaligned) are copied; views that can are used as they are,
    and the input is never written."""
    base = _data((5, 18), dt)
    views = [lambda a: a[:, 1:9],        # contiguous rows, offset not a pair boundary
             lambda a: a[1:, :8],        # row-aligned offset, rows strided by 18
             lambda a: a[1:3],           # contiguous block at an offset
             lambda a: a[:, :16:2],      # strided last axis
             lambda a: a[::-1, ::-1],    # negative strides
             lambda a: a[:4].T]          # transposed
    for pick in views:
        d = ndaccel.asarray(base)
        _compare(lambda xp: xp.fft.rfft(pick(xp.asarray(base))), 16)
        _check(ndaccel.fft.rfft(pick(d)), numpy.fft.rfft(pick(base)), 16)
        assert numpy.array_equal(d.get(), base), "rfft wrote to its input"
    spec = _data((6, 7), "complex128" if dt == "float64" else "complex64")
    _compare(lambda xp: xp.fft.irfft(xp.asarray(spec)[::-1, 1:5], axis=0), 10)
    _compare(lambda xp: xp.fft.irfft(xp.asarray(spec).T[::2]), 12)


def test_real_packed_lazy_input_out_and_empty():
    x = _data((3, 8), "float32")
    a = ndaccel.asarray(x)
    _check(ndaccel.fft.rfft(a * 2 + 1), numpy.fft.rfft(x * 2 + 1), 8)
    _check(ndaccel.fft.irfft(ndaccel.fft.rfft(a) * 2), x * 2, 8)
    out = ndaccel.empty((5, 3), dtype=numpy.complex64).T  # a non-contiguous out
    assert ndaccel.fft.rfft(a, out=out) is out
    _check(out, numpy.fft.rfft(x), 8)
    out = ndaccel.empty((3, 8), dtype=numpy.float32)      # float64 result cast same_kind
    y = numpy.fft.rfft(x.astype(numpy.float64))
    assert ndaccel.fft.irfft(ndaccel.asarray(y), out=out) is out
    _check(out, numpy.fft.irfft(y).astype(numpy.float32), 8)
    _compare(lambda xp: xp.fft.rfft(xp.zeros((4, 0), dtype=numpy.float32), axis=0), 4)
    _compare(lambda xp: xp.fft.irfft(xp.zeros((3, 0), dtype=numpy.complex64), axis=0), 4)
    _compare(lambda xp: xp.fft.rfft(xp.zeros((0, 2, 6)), n=4), 4)


ND_REAL_SINGLE = [
    ("rfft2", (4, 6), {}),
    ("rfftn", (3, 4, 6), {"axes": (0, 1)}),   # the real axis is not the last
    ("rfftn", (3, 4, 6), {"s": (4, 8), "axes": (2, 1)}),
    ("irfft2", (4, 5), {}),
    ("irfftn", (3, 4, 4), {"s": (4, 6), "axes": (0, 1)}),
    ("irfftn", (4, 3, 4), {"axes": (2, 0)}),
]


@pytest.mark.parametrize("name, shape, kw", ND_REAL_SINGLE)
def test_nd_real_single(name, shape, kw):
    x = _data(shape, "float32" if name.startswith("rfft") else "complex64")
    _compare(lambda xp: getattr(xp.fft, name)(xp.asarray(x), **kw), 16)
    if name == "rfft2":
        a = ndaccel.asarray(x)
        _check(ndaccel.fft.irfft2(ndaccel.fft.rfft2(a), shape), x, 16, "irfft2(rfft2(x))")


# ---------------------------------------------------------------- dtypes

@pytest.mark.parametrize("dt", ["float16", "float32", "float64", "int32", "uint8", "bool",
                                "complex64", "complex128"])
def test_input_dtypes(dt):
    x = _data((2, 8), dt)
    _compare(lambda xp: xp.fft.fft(xp.asarray(x)), 8, c=16.0)
    _compare(lambda xp: xp.fft.ifft(xp.asarray(x)), 8, c=16.0)
    _compare(lambda xp: xp.fft.irfft(xp.asarray(x)), 14, c=16.0)
    _compare(lambda xp: xp.fft.hfft(xp.asarray(x)), 14, c=16.0)
    if dt[0] != "c":
        _compare(lambda xp: xp.fft.rfft(xp.asarray(x)), 8, c=16.0)
        _compare(lambda xp: xp.fft.ihfft(xp.asarray(x)), 8, c=16.0)


def test_python_sequences():
    _compare(lambda xp: xp.fft.fft([1, 2, 3, 4, 5, 6, 7, 8]), 8)
    _compare(lambda xp: xp.fft.rfft([1.0, 2.0, 0.5, 4.0, 5.0, -6.0, 7.0, 8.0]), 8)


# ---------------------------------------------------------------- n, axis, norm

FUNCS_1D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]


@pytest.mark.parametrize("n", [5, 7, 12])
@pytest.mark.parametrize("name", FUNCS_1D)
def test_n_crop_pad(name, n):
    x = _data((2, 8), "complex128" if name in ("fft", "ifft", "irfft", "hfft") else "float64")
    _compare(lambda xp: getattr(xp.fft, name)(xp.asarray(x), n=n), n)


@pytest.mark.parametrize("axis", [0, 1, -1, -3])
@pytest.mark.parametrize("name", ["fft", "rfft", "irfft"])
def test_axes(name, axis):
    x = _data((4, 6, 5), "float64" if name == "rfft" else "complex128")
    _compare(lambda xp: getattr(xp.fft, name)(xp.asarray(x), axis=axis), 8)


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("name", FUNCS_1D + ["fftn", "ifftn", "rfftn", "irfftn"])
def test_norm(name, norm):
    x = _data((4, 6), "float32" if name in ("rfft", "ihfft", "rfftn") else "complex64")
    _compare(lambda xp: getattr(xp.fft, name)(xp.asarray(x), norm=norm), 10)


# ---------------------------------------------------------------- n-d

ND_CASES = [
    ("fft2", (4, 6), {}),
    ("ifft2", (3, 4, 6), {}),
    ("fft2", (4, 6), {"s": (5, 4)}),
    ("ifft2", (4, 6), {"axes": (0,)}),
    ("fftn", (3, 4, 6), {}),
    ("fftn", (3, 4, 6), {"axes": (0, 2)}),
    ("fftn", (3, 4, 6), {"s": (6, -1), "axes": (2, 0)}),
    ("ifftn", (3, 4, 6), {"axes": (1, 1)}),
    ("ifftn", (4, 6), {"s": (2, 8), "axes": (0, 1)}),
    ("rfft2", (4, 6), {}),
    ("rfft2", (3, 4, 7), {"s": (4, 5)}),
    ("rfftn", (3, 4, 6), {}),
    ("rfftn", (3, 4, 6), {"axes": (0, 1)}),
    ("irfft2", (4, 4), {}),
    ("irfft2", (3, 4, 4), {"s": (4, 7)}),
    ("irfftn", (3, 4, 4), {}),
    ("irfftn", (3, 4, 4), {"axes": (2, 0)}),
    ("irfftn", (4, 6), {"s": (4, 9), "axes": (0, 1)}),
]


@pytest.mark.parametrize("name, shape, kw", ND_CASES)
def test_nd(name, shape, kw):
    x = _data(shape, "float64" if name.startswith("rfft") else "complex128")
    _compare(lambda xp: getattr(xp.fft, name)(xp.asarray(x), **kw), 16)


def test_nd_zero_dim_is_identity():
    _compare(lambda xp: xp.fft.fftn(xp.asarray(numpy.float64(2.5))), 1)


def test_nd_s_without_axes_warns():
    x = _data((4, 6), "complex128")
    with pytest.warns(DeprecationWarning):
        got = ndaccel.fft.fftn(ndaccel.asarray(x), s=(4, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check(got, numpy.fft.fftn(x, s=(4, 5)), 8)


# ---------------------------------------------------------------- layouts

@pytest.mark.parametrize("view", ["step", "transpose", "reversed", "offset"])
def test_noncontiguous(view):
    base = _data((8, 12), "complex128")
    rbase = base.real.copy()

    def pick(xp, a):
        a = xp.asarray(a)
        return {"step": lambda: a[::2, ::3], "transpose": lambda: a.T,
                "reversed": lambda: a[::-1, ::-2], "offset": lambda: a[1:, 3:]}[view]()

    _compare(lambda xp: xp.fft.fft(pick(xp, base)), 12)
    _compare(lambda xp: xp.fft.fft(pick(xp, base), axis=0), 12)
    _compare(lambda xp: xp.fft.rfft(pick(xp, rbase)), 12)
    _compare(lambda xp: xp.fft.irfft(pick(xp, base), axis=0), 12)
    _compare(lambda xp: xp.fft.fft2(pick(xp, base)), 12)


def test_input_unchanged_and_lazy_input():
    x = _data((5, 8), "complex128")
    a = ndaccel.asarray(x)
    b = a * 2 + 1  # pending fused expression as the input
    _check(ndaccel.fft.fft(b), numpy.fft.fft(x * 2 + 1), 8)
    assert numpy.array_equal(a.get(), x)


# ---------------------------------------------------------------- empty, 0-d, errors

def test_empty_batch():
    _compare(lambda xp: xp.fft.fft(xp.zeros((0, 8), dtype=complex)), 8)
    _compare(lambda xp: xp.fft.fft(xp.zeros((3, 0)), axis=0), 3)
    _compare(lambda xp: xp.fft.rfft(xp.zeros((0, 8))), 8)
    _compare(lambda xp: xp.fft.irfft(xp.zeros((0, 5))), 8)
    _compare(lambda xp: xp.fft.fftn(xp.zeros((2, 0, 3)), axes=(0, 2)), 3)


ERROR_CASES = [
    lambda xp: xp.fft.fft(xp.zeros((3, 0))),            # empty axis: 0 points
    lambda xp: xp.fft.fft(xp.ones(4), n=0),
    lambda xp: xp.fft.ifft(xp.ones(4), n=-2),
    lambda xp: xp.fft.rfft(xp.ones(4), n=0),
    lambda xp: xp.fft.irfft(xp.ones(1)),                # default n = 0
    lambda xp: xp.fft.fft(xp.asarray(1.0)),             # 0-d: IndexError
    lambda xp: xp.fft.fft(xp.asarray(1.0), n=2),        # 0-d with n: AxisError
    lambda xp: xp.fft.fft(xp.ones(4), n=4, axis=1),     # AxisError
    lambda xp: xp.fft.fft(xp.ones(4), axis=3),
    lambda xp: xp.fft.fft(xp.ones(4), norm="unitary"),
    lambda xp: xp.fft.ifft(xp.ones(4), norm="sideways"),
    lambda xp: xp.fft.hfft(xp.ones(4), norm="x"),
    lambda xp: xp.fft.rfft(xp.ones(4) * 1j),            # complex input: TypeError
    lambda xp: xp.fft.fftn(xp.ones((2, 3)), s=(2,), axes=(0, 1)),
    lambda xp: xp.fft.fft(xp.ones(4), n=2.5),
    lambda xp: xp.fft.fft(xp.ones(4), out=xp.empty(5, dtype=complex)),
    lambda xp: xp.fft.fft(xp.ones(4), out=xp.empty(4)),  # complex into float
    lambda xp: xp.fft.fftfreq(4.0),
    lambda xp: xp.fft.rfftfreq(4.5),
    lambda xp: xp.fft.fftfreq(0),                        # ZeroDivisionError
]


@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_errors(case):
    res = xp_compare(ERROR_CASES[case])
    assert isinstance(res, Exception), "numpy did not raise: not an error case"


def test_error_messages():
    with pytest.raises(ValueError, match=r"Invalid number of FFT data points \(0\) specified\."):
        ndaccel.fft.fft(ndaccel.ones(4), n=0)
    with pytest.raises(numpy.exceptions.AxisError):
        ndaccel.fft.fft(ndaccel.ones(4), n=4, axis=1)
    with pytest.raises(ValueError, match="Invalid norm value"):
        ndaccel.fft.fft(ndaccel.ones(4), norm="x")


# ---------------------------------------------------------------- out=

def test_out():
    x = _data((3, 8), "complex128")
    out = ndaccel.empty((3, 8), dtype=numpy.complex128)
    r = ndaccel.fft.fft(ndaccel.asarray(x), out=out)
    assert r is out
    _check(out, numpy.fft.fft(x), 8)
    out = ndaccel.empty((3, 5), dtype=numpy.complex64)  # same_kind cast
    r = ndaccel.fft.rfft(ndaccel.asarray(x.real), axis=1, out=out)
    assert r is out
    _check(out, numpy.fft.rfft(x.real).astype(numpy.complex64), 8)
    out = ndaccel.empty((3, 8))
    assert ndaccel.fft.irfft(ndaccel.asarray(x[:, :5]), out=out) is out
    _check(out, numpy.fft.irfft(x[:, :5]), 8)
    out = ndaccel.empty((3, 8), dtype=numpy.complex128)
    assert ndaccel.fft.fftn(ndaccel.asarray(x), out=out) is out
    _check(out, numpy.fft.fftn(x), 8)


# ---------------------------------------------------------------- roundtrips

@pytest.mark.parametrize("n", [7, 8])
def test_roundtrips(n):
    x = _data((4, n), "float64")
    a = ndaccel.asarray(x)
    _check(ndaccel.fft.irfft(ndaccel.fft.rfft(a), n), x, n)
    _check(ndaccel.fft.ifft(ndaccel.fft.fft(a)).real.copy(), x, n)
    _check(ndaccel.fft.ihfft(ndaccel.fft.hfft(ndaccel.fft.ihfft(a), n)),
           numpy.fft.ihfft(x), n)


# ---------------------------------------------------------------- helpers

@pytest.mark.parametrize("n", [1, 4, 5])
@pytest.mark.parametrize("d", [1.0, 0.25])
def test_freq(n, d):
    xp_compare(lambda xp: xp.fft.fftfreq(n, d), rtol=1e-15)
    xp_compare(lambda xp: xp.fft.rfftfreq(n, d), rtol=1e-15)
    xp_compare(lambda xp: xp.fft.fftfreq(numpy.int64(n)), rtol=1e-15)


@pytest.mark.parametrize("axes", [None, 0, -1, (0, 1), (1,)])
@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_shift(name, axes):
    x = numpy.arange(20.0).reshape(4, 5)
    xp_compare(lambda xp: getattr(xp.fft, name)(xp.asarray(x), axes=axes))
    xp_compare(lambda xp: getattr(xp.fft, name)(xp.asarray(numpy.arange(7)), axes=None))


def test_module_namespace():
    for name in ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2",
                 "irfft2", "fftn", "ifftn", "rfftn", "irfftn", "fftfreq", "rfftfreq",
                 "fftshift", "ifftshift"]:
        assert callable(getattr(ndaccel.fft, name)), name


def test_rfft_packed_length_one_outer_axes(device):
    """Layouts whose length-1 axes have strides that are no multiple of the
    complex item size (C-contiguity ignores them)."""
    a = numpy.arange(20, dtype=numpy.float64).reshape(4, 5)
    cases = [(a[:, :1].copy(), dict(axis=0)),           # (4, 1): (1, 4) after moveaxis
             (numpy.ones((1, 7)), dict(n=4)),           # cropped (1, 4) of a 7-wide row
             (a[2:3, :4], {}),                          # offset 80, outer stride 40
             (a[2:3, :4].astype(numpy.float32), {})]
    for x, kw in cases:
        got = ndaccel.fft.rfft(ndaccel.asarray(x), **kw)
        want = numpy.fft.rfft(x, **kw)
        numpy.testing.assert_allclose(got.get(), want, rtol=1e-5, atol=1e-5)
        y = numpy.fft.rfft(x, **kw)
        back = ndaccel.fft.irfft(ndaccel.asarray(y), axis=kw.get("axis", -1))
        numpy.testing.assert_allclose(back.get(), numpy.fft.irfft(y, axis=kw.get("axis", -1)),
                                      rtol=1e-5, atol=1e-5)

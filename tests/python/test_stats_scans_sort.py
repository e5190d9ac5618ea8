"""Axis reductions beyond sum (mean, var, std, any, all, ptp,
count_nonzero, nan* family, argmax/argmin), scans (cumsum, cumprod),
nonzero and friends, boolean-mask indexing, sort/argsort/searchsorted,
against NumPy."""
import numpy
import pytest

import ndaccel

from xp_util import xp_compare

RNG = numpy.random.default_rng(0)

# The kernels, also for whole-array reductions of stored arrays on CPU
# devices (conftest.py reduction_kernels).
pytestmark = pytest.mark.usefixtures("reduction_kernels")

F = RNG.random((4, 5, 6))
F[0, 0, 0] = numpy.nan
ARRAYS = {
    "float64": F,
    "int8": RNG.integers(-5, 5, (4, 5, 6)).astype(numpy.int8),
    "complex64": (RNG.random((4, 5)) + 1j * RNG.random((4, 5))).astype(numpy.complex64),
    "float16": RNG.random((4, 5)).astype(numpy.float16),
    "bool": RNG.random((3, 4)) > 0.5,
}
STATS = ["mean", "var", "std", "any", "all", "ptp", "count_nonzero", "nansum", "nanmax",
         "nanmin", "nanmean", "nanvar", "nanstd", "nanprod", "prod", "max", "min"]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("dt", list(ARRAYS))
@pytest.mark.parametrize("name", STATS)
def test_stats(name, dt, axis, keepdims):
    # ptp of bool: NumPy's TypeError (it subtracts bools), the same class here.
    x = ARRAYS[dt]
    xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x), axis=axis, keepdims=keepdims),
               rtol=2e-3 if dt in ("float16", "complex64") else 1e-10)


def test_reduction_arguments():
    x = ARRAYS["float64"]
    xp_compare(lambda xp: xp.sum(xp.asarray(x), axis=1, where=xp.asarray(x > 0.5)))
    xp_compare(lambda xp: xp.max(xp.asarray(x), axis=0, initial=0.7))
    xp_compare(lambda xp: xp.mean(xp.asarray(x), axis=2, where=xp.asarray(x > 0.3)))
    xp_compare(lambda xp: xp.var(xp.asarray(x), axis=0, ddof=1))
    xp_compare(lambda xp: xp.average(xp.asarray(x), axis=1, weights=xp.asarray(numpy.arange(5.0))))
    xp_compare(lambda xp: xp.sum(xp.asarray(ARRAYS["int8"]), axis=0, dtype=numpy.int8))
    xp_compare(lambda xp: xp.max(xp.zeros((0, 3)), axis=0))  # ValueError as NumPy


@pytest.mark.parametrize("name", ["argmax", "argmin", "nanargmax", "nanargmin"])
@pytest.mark.parametrize("dt", ["float64", "int8", "bool", "complex64"])
@pytest.mark.parametrize("axis", [None, 0, -1])
def test_arg_extremes(name, dt, axis):
    x = ARRAYS[dt]
    xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x), axis=axis))


@pytest.mark.parametrize("shape", [(10,), (100003,), (7, 5), (3, 40000), (4, 5, 6)])
@pytest.mark.parametrize("dt", ["int8", "float64", "bool", "float16", "uint16"])
def test_cumsum(shape, dt):
    x = (RNG.random(shape) * 3).astype(dt) if dt != "bool" else RNG.random(shape) > 0.5
    for axis in [None] + list(range(len(shape))):
        xp_compare(lambda xp: xp.cumsum(xp.asarray(x), axis=axis),
                   rtol=1e-2 if dt == "float16" else None)


@pytest.mark.parametrize("dt", ["int8", "float64", "complex64"])
def test_cumprod_and_nancumsum(dt):
    x = (RNG.random((3, 4)) * 2).astype(dt)
    for axis in (None, 0, 1):
        xp_compare(lambda xp: xp.cumprod(xp.asarray(x), axis=axis), rtol=1e-5)
    y = F[0].copy()
    xp_compare(lambda xp: xp.nancumsum(xp.asarray(y), axis=1))


@pytest.mark.parametrize("use", [True, False], ids=["host-libraries", "device-kernels"])
def test_nonzero_family_and_masks(monkeypatch, use):
    """Both routes of nonzero: NumPy's on the storage of CPU devices
    (_host_libraries) and the scan-and-scatter kernels."""
    from ndaccel import _host_libraries
    monkeypatch.setattr(_host_libraries, "USE", use)
    x = F
    for name in ("nonzero", "flatnonzero", "argwhere"):
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x > 0.7)))
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x[0]) * 2 - 1.2))  # a pending float array
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x[0, 0] > 2)))     # nothing non-zero
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x[:, :0])))       # empty
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x[::2, 1, ::-2])))  # a strided view
    xp_compare(lambda xp: xp.extract(xp.asarray(x > 0.5), xp.asarray(x)))
    xp_compare(lambda xp: xp.compress([True, False, True], xp.asarray(x), axis=1))
    xp_compare(lambda xp: xp.asarray(x)[xp.asarray(x > 0.5)])
    xp_compare(lambda xp: xp.asarray(x)[1, xp.asarray((x > 0.5)[1, :, 1])])
    xp_compare(lambda xp: xp.asarray(x)[xp.asarray(x > 5)])

    def set_mask(xp):
        y = xp.asarray(x.copy())
        y[y > 0.5] = 0
        return y
    xp_compare(set_mask)


@pytest.mark.parametrize("dt", ["float64", "int8", "bool", "float16", "complex64"])
@pytest.mark.parametrize("axis", [-1, 0, None])
def test_sort_argsort(dt, axis):
    x = (RNG.random((5, 37)) * 10).astype(dt) if dt != "bool" else RNG.random((5, 37)) > 0.5
    if dt in ("float64", "float16"):
        x[1, 3] = x[2, 5] = numpy.nan
    x[0, :4] = x[0, 4]  # ties: argsort must be stable
    xp_compare(lambda xp: xp.sort(xp.asarray(x), axis=axis))
    xp_compare(lambda xp: xp.argsort(xp.asarray(x), axis=axis, kind="stable"))


def test_unique_and_searchsorted():
    x = (RNG.random(60) * 8).astype(numpy.int32)
    for i in range(4):
        xp_compare(lambda xp: xp.unique(xp.asarray(x), return_index=True, return_inverse=True,
                                        return_counts=True)[i])
    s = numpy.sort(RNG.random(100))
    q = RNG.random(20)
    q[:3] = s[:3]
    for side in ("left", "right"):
        xp_compare(lambda xp: xp.searchsorted(xp.asarray(s), xp.asarray(q), side=side))
    xp_compare(lambda xp: xp.sort(xp.zeros(0)))


# argmax/argmin along the last axis or flattened: one pass (nda/search.h),
# eight lanes at a time on CPU devices, rows cut in parts of 2048+
# elements when there are few rows (then a combining pass). Lengths
# around the vector steps and the parts; ties (the first index wins), NaNs
# (the first NaN wins) in the lanes and in the tails; every kernel dtype.
ARG_DTYPES = ["float64", "float32", "float16", "int8", "int16", "int32", "int64", "uint32",
              "uint64", "bool"]


@pytest.mark.parametrize("n", [16, 17, 31, 100, 2047, 2049, 40000, 300001])
@pytest.mark.parametrize("dt", ARG_DTYPES)
def test_arg_extremes_one_pass(dt, n):
    rng = numpy.random.default_rng(n)
    if dt == "bool":
        x = rng.random(n) > 0.999
    elif dt.startswith(("int", "uint")):
        x = rng.integers(0, 50, n).astype(dt)  # many ties
    else:
        x = rng.integers(-50, 50, n).astype(dt)
    rows = x[: (n // 4) * 4].reshape(4, -1) if n >= 64 else x.reshape(1, -1)

    def fn(xp):
        a, r = xp.asarray(x), xp.asarray(rows)
        return (xp.argmax(a), xp.argmin(a), xp.argmax(r, axis=1), xp.argmin(r, axis=-1, keepdims=True),
                xp.argmax(a[::3]), xp.argmax(r * 1 if dt != "bool" else r, axis=1))
    xp_compare(fn)


@pytest.mark.parametrize("where", ["first", "lane", "tail", "late", "all"])
def test_arg_extremes_one_pass_nans(where):
    n = 5000
    x = numpy.random.default_rng(7).random((3, n))
    pos = {"first": [0], "lane": [13, 700], "tail": [n - 1], "late": [4000, 2100], "all": range(n)}[where]
    for p in pos:
        x[1, p] = numpy.nan
    x[2, [10, 3000]] = x[2].max() + 1  # a tie between lanes and parts
    x[2, [11, 3001]] = -1.0

    def fn(xp):
        a = xp.asarray(x)
        return (xp.argmax(a, axis=1), xp.argmin(a, axis=1), xp.argmax(a), xp.argmin(a[1]),
                xp.nanargmax(a[::2], axis=1), xp.argmax(a + 0.0, axis=1))
    with numpy.errstate(invalid="ignore"):
        if where == "all":
            xp_compare(lambda xp: (xp.argmax(xp.asarray(x), axis=1), xp.argmin(xp.asarray(x[1]))))
        else:
            xp_compare(fn)


def test_arg_extremes_one_pass_out_and_zeros():
    x = numpy.array([[0.0, -0.0] * 20, [-0.0, 0.0] * 20])
    xp_compare(lambda xp: (xp.argmax(xp.asarray(x), axis=1), xp.argmin(xp.asarray(x), axis=1)))
    out = ndaccel.zeros(2, dtype=numpy.int64)
    r = ndaccel.argmax(ndaccel.asarray(numpy.arange(40.0).reshape(2, 20)), axis=1, out=out)
    assert r is out and out.get().tolist() == [19, 19]

"""The array API's names for NumPy functions (NumPy 2 has them too), against
NumPy: astype, concat, permute_dims, matrix_transpose, unstack,
cumulative_sum/prod, diff, ediff1d, unique_all/counts/inverse/values,
sort/argsort(descending=), linalg.svdvals and matrix_rank; and the
namespace itself: __array_namespace__, __array_namespace_info__,
to_device."""
import warnings

import numpy
import pytest

import ndaccel
from xp_util import xp_compare

F8 = numpy.float64


def data(xp, shape, dtype=F8, seed=0):
    rng = numpy.random.default_rng(seed)
    h = rng.integers(-4, 5, size=shape).astype(dtype)
    return xp.asarray(h)


@pytest.mark.parametrize("dtype", ["int8", "float32", "complex64", "bool"])
@pytest.mark.parametrize("copy", [True, False])
def test_astype(dtype, copy):
    xp_compare(lambda xp: xp.astype(data(xp, (3, 4)), dtype, copy=copy))


def test_astype_copy_false_same_dtype_is_identity():
    a = ndaccel.arange(4.0)
    assert ndaccel.astype(a, F8, copy=False) is a
    assert ndaccel.astype(a, F8) is not a


def test_astype_rejects_host_input():
    xp_compare(lambda xp: xp.astype([1, 2], F8))
    assert repr(ndaccel.astype(numpy.float32(2.5), numpy.int16)) == "np.int16(2)"


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_concat(axis):
    xp_compare(lambda xp: xp.concat([data(xp, (2, 3)), data(xp, (2, 3), seed=1)], axis=axis))


@pytest.mark.parametrize("axes", [(1, 0, 2), (2, 0, 1), None])
def test_permute_dims(axes):
    xp_compare(lambda xp: xp.permute_dims(data(xp, (2, 3, 4)), axes))


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (4,)])
def test_matrix_transpose(shape):
    xp_compare(lambda xp: xp.matrix_transpose(data(xp, shape)))
    xp_compare(lambda xp: xp.linalg.matrix_transpose(data(xp, shape)))


@pytest.mark.parametrize("axis", [0, 1, -1, 2, -3, 3])
def test_unstack(axis):
    xp_compare(lambda xp: xp.unstack(data(xp, (2, 3, 4)), axis=axis))


def test_unstack_views_and_errors():
    a = ndaccel.zeros((2, 3))
    parts = ndaccel.unstack(a)
    parts[1][...] = 7
    assert float(a[1, 2]) == 7.0
    xp_compare(lambda xp: xp.unstack(xp.asarray(1.0)))


@pytest.mark.parametrize("fn", ["cumulative_sum", "cumulative_prod"])
@pytest.mark.parametrize("shape,axis", [((5,), None), ((5,), 0), ((2, 3), 1), ((2, 3), 0),
                                        ((2, 3), -1), ((0, 3), 0), ((), None), ((2, 3), None)])
@pytest.mark.parametrize("include_initial", [False, True])
def test_cumulative(fn, shape, axis, include_initial):
    xp_compare(lambda xp: getattr(xp, fn)(data(xp, shape, numpy.int32), axis=axis,
                                          include_initial=include_initial))


def test_cumulative_dtype_and_out():
    xp_compare(lambda xp: xp.cumulative_sum(data(xp, (4,), numpy.int8), dtype=numpy.float32))
    xp_compare(lambda xp: xp.cumulative_sum(data(xp, (4,), numpy.bool_)))

    def with_out(xp):
        out = xp.zeros(5)
        r = xp.cumulative_sum(data(xp, (4,)), include_initial=True, out=out)
        assert r is out
        return out
    xp_compare(with_out)


@pytest.mark.parametrize("dtype", [numpy.int16, F8, numpy.bool_, numpy.uint8])
@pytest.mark.parametrize("n", [0, 1, 2, 3])
@pytest.mark.parametrize("axis", [-1, 0])
def test_diff(dtype, n, axis):
    xp_compare(lambda xp: xp.diff(data(xp, (3, 5), dtype), n=n, axis=axis))


def test_diff_prepend_append_and_errors():
    xp_compare(lambda xp: xp.diff(data(xp, (3,)), prepend=0, append=[5, 6]))
    xp_compare(lambda xp: xp.diff(data(xp, (2, 3)), axis=0, prepend=data(xp, (1, 3)), append=9))
    xp_compare(lambda xp: xp.diff(data(xp, (3,)), n=-1))
    xp_compare(lambda xp: xp.diff(xp.asarray(3.0)))
    xp_compare(lambda xp: xp.diff(data(xp, (3,)), axis=2))
    xp_compare(lambda xp: xp.diff(data(xp, (3,)), n=5))


def test_ediff1d():
    xp_compare(lambda xp: xp.ediff1d(data(xp, (2, 3))))
    xp_compare(lambda xp: xp.ediff1d(data(xp, (4,)), to_end=[1, 2], to_begin=7))
    xp_compare(lambda xp: xp.ediff1d(data(xp, (4,), numpy.int8), to_end=300))
    xp_compare(lambda xp: xp.ediff1d(data(xp, (4,), numpy.int8), to_begin=1.5))


UNIQUE_VALUES = [3.0, 1.0, numpy.nan, 2.0, 1.0, numpy.nan, 3.0, -0.0, 0.0]


@pytest.mark.parametrize("fn", ["unique_all", "unique_counts", "unique_inverse",
                                "unique_values"])
@pytest.mark.parametrize("values", [UNIQUE_VALUES, [[5, 1], [1, 5], [2, 2]], []],
                         ids=["nan", "int2d", "empty"])
def test_unique_family(fn, values):
    def run(xp):
        r = getattr(xp, fn)(xp.asarray(values))
        if fn != "unique_values":
            assert type(r).__name__ == type(getattr(numpy, fn)(numpy.asarray(values))).__name__
            assert r._fields == getattr(numpy, fn)(numpy.asarray(values))._fields
            return tuple(r)
        return r
    xp_compare(run)


@pytest.mark.parametrize("dtype", [numpy.int32, F8, numpy.uint8, numpy.bool_])
@pytest.mark.parametrize("axis", [-1, 0])
def test_sort_descending(dtype, axis):
    # Expected: NumPy's stable ascending sort of the reversed array, read
    # backwards (the array API's order: largest first, ties by index).
    h = numpy.random.default_rng(3).integers(0, 4, size=(4, 9)).astype(dtype)
    a = ndaccel.asarray(h)
    rev = numpy.flip(h, axis)
    n = h.shape[axis]
    want_idx = n - 1 - numpy.flip(numpy.argsort(rev, axis=axis, stable=True), axis)
    numpy.testing.assert_array_equal(ndaccel.argsort(a, axis=axis, descending=True).get(),
                                     want_idx)
    numpy.testing.assert_array_equal(ndaccel.sort(a, axis=axis, descending=True).get(),
                                     numpy.flip(numpy.sort(h, axis=axis), axis))
    # Ties keep their order in `a`: the indices of equal values increase.
    got = ndaccel.argsort(a, axis=axis, descending=True, stable=True).get()
    assert (numpy.take_along_axis(h, got, axis) == numpy.flip(numpy.sort(h, axis), axis)).all()


def test_sort_descending_flat_and_empty():
    h = numpy.array([2, 7, 2, 7, 1])
    assert ndaccel.argsort(ndaccel.asarray(h), axis=None, descending=True).get().tolist() == \
        [1, 3, 0, 2, 4]
    assert ndaccel.sort(ndaccel.zeros((0, 3)), descending=True).shape == (0, 3)
    assert ndaccel.argsort(ndaccel.zeros((0,)), descending=True).shape == (0,)


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 3), (3, 5)])
def test_svdvals(shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ndaccel.linalg.HostFallbackWarning)
        xp_compare(lambda xp: xp.linalg.svdvals(data(xp, shape)), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", ["eye", "rank1", "batch", "vector", "zero_vector", "tol",
                                  "rtol", "both"])
def test_matrix_rank(case):
    def run(xp):
        m = {"eye": xp.eye(4),
             "rank1": xp.ones((4, 3)),
             "batch": xp.stack([xp.eye(3), xp.ones((3, 3)), xp.zeros((3, 3))]),
             "vector": xp.asarray([0.0, 1.0]),
             "zero_vector": xp.zeros(3)}.get(case, data(xp, (4, 4)))
        kw = {"tol": {"tol": 0.5}, "rtol": {"rtol": 0.1},
              "both": {"tol": 0.5, "rtol": 0.1}}.get(case, {})
        return xp.linalg.matrix_rank(m, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ndaccel.linalg.HostFallbackWarning)
        r = xp_compare(run)
    if case in ("vector", "zero_vector"):
        assert type(r) is int


def test_namespace():
    a = ndaccel.ones(3)
    assert a.__array_namespace__() is ndaccel
    assert a.__array_namespace__(api_version="2024.12") is ndaccel
    assert a.__array_namespace__(api_version="2023.12") is ndaccel
    with pytest.raises(ValueError, match="2020.01"):
        a.__array_namespace__(api_version="2020.01")
    assert ndaccel.__array_api_version__ == "2024.12"


def test_namespace_info():
    info = ndaccel.__array_namespace_info__()
    assert info.capabilities() == {"boolean indexing": True, "data-dependent shapes": True,
                                   "max dimensions": 64}
    assert info.default_device() == ndaccel.get_device()
    assert info.devices() == ndaccel.devices()
    dev = info.default_device()
    double = dev.info.get("has_fp64", True)
    dflt = info.default_dtypes(device=dev)
    assert dflt["integral"] == dflt["indexing"] == numpy.dtype("int64")
    assert dflt["real floating"] == numpy.dtype(F8 if double else numpy.float32)
    assert ndaccel.zeros(2).dtype == dflt["real floating"]
    # As numpy's own info object, where the device has double precision.
    npinfo = numpy.__array_namespace_info__()
    for kind in (None, "bool", "signed integer", "unsigned integer", "integral",
                 "real floating", "complex floating", "numeric",
                 ("bool", "real floating")):
        mine = info.dtypes(device=dev, kind=kind)
        if double:
            assert mine == npinfo.dtypes(kind=kind), kind
        for dt in mine.values():
            ndaccel.zeros(1, dtype=dt)  # every listed dtype is usable
    with pytest.raises(ValueError, match="dtype kind"):
        info.dtypes(kind="strings")


def test_to_device():
    a = ndaccel.arange(5)
    dev = a.device
    assert a.to_device(dev) is a
    assert a.to_device(dev.id) is a
    with pytest.raises(ValueError, match="unknown device"):
        a.to_device("nowhere:0")
    with pytest.raises(ValueError, match="stream"):
        a.to_device(dev, stream=1)
    others = [d for d in ndaccel.devices() if d != dev]
    for other in others:  # across devices: a copy staged through the host
        b = a.to_device(other)
        assert b.device == other and b.get().tolist() == list(range(5))
        assert ndaccel.asarray(a, device=other).device == other
        assert ndaccel.astype(a, numpy.int8, device=other).device == other


@pytest.mark.parametrize("shapes,axes", [(((0, 0), (0, 0)), 2), (((3, 0), (0, 4)), 1),
                                         (((2, 0, 3), (0, 3, 5)), 2), (((0, 2), (2, 0)), 1),
                                         (((2, 3), (3, 0)), 1)])
def test_tensordot_with_empty_axes(shapes, axes):
    # Edge cases the array API suite draws: the sizes are explicit, never -1.
    xp_compare(lambda xp: xp.tensordot(xp.ones(shapes[0]), xp.ones(shapes[1]), axes=axes))


@pytest.mark.parametrize("shape,mask", [((0, 1), (0, 0)), ((2, 3), (0, 3)), ((2, 3), (2, 0)),
                                        ((2, 3), (0,)), ((2, 3), (1, 3)), ((2, 3), (1, 0)),
                                        ((0, 0), (0, 3)), ((0, 0), (0, 0, 0))])
def test_empty_boolean_masks_match_any_axes(shape, mask):
    # NumPy lets a mask axis of length 0 stand for an axis of any length (it selects
    # nothing); other mismatches, and more mask axes than array axes, raise IndexError.
    xp_compare(lambda xp: xp.zeros(shape)[xp.zeros(mask, dtype=bool)])


@pytest.mark.parametrize("args,kw", [((0,), {"step": -4611686018427387905}),
                                     ((2**62, 2**62 + 5), {}), ((0, 2**62, 2**61), {})])
def test_arange_steps_near_the_int64_limit(args, kw):
    xp_compare(lambda xp: xp.arange(*args, **kw))

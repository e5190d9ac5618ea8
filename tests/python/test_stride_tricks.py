"""ndaccel.lib.stride_tricks: as_strided and sliding_window_view give views
of the device buffer with NumPy's shapes, strides and values, and NumPy's
errors for bad windows and axes."""
import re

import numpy
import numpy.lib.stride_tricks as nst
import pytest

import ndaccel
import ndaccel.lib.stride_tricks as st
from xp_util import assert_same, xp_compare


def xp_st(xp):
    return nst if xp is numpy else st


def shares_buffer(view, base):
    """Whether writing through base shows in view (a view, not a copy)."""
    before = view.get().copy()
    base[...] = base + 1
    after = view.get()
    return view.size == 0 or not numpy.array_equal(before, after)


# ---------------------------------------------------------------- sliding_window_view

SWV_CASES = [
    ((6,), 3, None), ((6,), 6, None), ((6,), 1, None), ((6,), 0, None), ((0,), 0, None),
    ((3, 4), (2, 2), None), ((3, 4), 2, 1), ((3, 4), 2, -2), ((3, 4), (2, 3), (1, 1)),
    ((2, 3, 4), (2, 2), (0, 2)), ((5,), (), ()), ((), (), None),
]


@pytest.mark.parametrize("dt", ["float64", "int8", "bool", "complex64", "uint16"])
@pytest.mark.parametrize("shape, window, axis", SWV_CASES,
                         ids=[f"{s}-{w}-{a}" for s, w, a in SWV_CASES])
def test_sliding_window_view(dt, shape, window, axis):
    h = numpy.arange(int(numpy.prod(shape))).reshape(shape).astype(dt)
    got = xp_compare(lambda xp: xp_st(xp).sliding_window_view(xp.asarray(h), window, axis))
    expected = nst.sliding_window_view(h, window, axis)
    if expected.size:  # NumPy's strides of empty windows vary (zeroed from empty input)
        assert got.strides == expected.strides


def test_sliding_window_view_of_strided_input():
    h = numpy.arange(40.0).reshape(5, 8)
    for key in (numpy.s_[:, ::2], numpy.s_[::-1, 1:], numpy.s_[1:4, ::-3]):
        got = xp_compare(lambda xp: xp_st(xp).sliding_window_view(xp.asarray(h)[key], (2, 2)))
        assert got.strides == nst.sliding_window_view(h[key], (2, 2)).strides


def test_sliding_window_view_of_lazy_and_host_inputs():
    h = numpy.arange(10.0)
    xp_compare(lambda xp: xp_st(xp).sliding_window_view(xp.asarray(h) * 2 + 1, 4))
    xp_compare(lambda xp: xp_st(xp).sliding_window_view(h, 4))
    xp_compare(lambda xp: xp_st(xp).sliding_window_view(h.tolist(), 4))


def test_sliding_window_view_is_a_view_and_computes():
    a = ndaccel.arange(8.0)
    w = st.sliding_window_view(a, 3)
    assert shares_buffer(w, a)
    h = numpy.arange(8.0) + 1
    assert_same(w.sum(axis=-1), nst.sliding_window_view(h, 3).sum(axis=-1))
    assert_same(w.mean(axis=1) * 2, nst.sliding_window_view(h, 3).mean(axis=1) * 2)


@pytest.mark.parametrize("shape, window, axis", [
    ((6,), 7, None), ((6,), -1, None), ((6,), (2, 2), None), ((6,), 2, 1), ((3, 4), 2, None),
    ((3, 4), (2,), (0, 1)), ((3, 4), (4, 1), None), ((6,), 2.5, None), ((6,), "ab", None),
    ((6,), 2, (0, 0)), ((2, 3), (1, 1), (-3, 0)),
])
def test_sliding_window_view_errors(shape, window, axis):
    h = numpy.ones(shape)
    exc = xp_compare(lambda xp: xp_st(xp).sliding_window_view(xp.asarray(h), window, axis))
    assert isinstance(exc, Exception), "NumPy accepted the case"
    if isinstance(exc, ValueError):  # ours are NumPy's messages (TypeErrors are Python's)
        with pytest.raises(type(exc), match=re.escape(str(exc))):
            st.sliding_window_view(ndaccel.asarray(h), window, axis)


def test_sliding_window_view_messages():
    a = ndaccel.ones(6)
    with pytest.raises(ValueError, match="window shape cannot be larger than input array shape"):
        st.sliding_window_view(a, 7)
    with pytest.raises(ValueError, match="`window_shape` cannot contain negative values"):
        st.sliding_window_view(a, -1)
    with pytest.raises(ValueError, match="must provide window_shape for all dimensions"):
        st.sliding_window_view(a, (2, 2))
    with pytest.raises(ValueError, match="Must provide matching length window_shape and axis"):
        st.sliding_window_view(ndaccel.ones((3, 4)), (2,), axis=(0, 1))
    with pytest.raises(numpy.exceptions.AxisError):
        st.sliding_window_view(a, 2, axis=1)


def test_writeable_flags():
    """Read-only views where NumPy's are: sliding_window_view by default,
    as_strided(writeable=False), and views of read-only arrays."""
    h = numpy.arange(5.0)
    for call in (lambda m, x: m.sliding_window_view(x, 2),
                 lambda m, x: m.as_strided(x, (2, 2), (8, 8), writeable=False)):
        expected = call(nst, h.copy())
        got = call(st, ndaccel.asarray(h))
        assert got.flags.writeable is expected.flags.writeable is False
        with pytest.raises(ValueError, match="read-only"):
            got[0, 0] = 1.0
        with pytest.raises(ValueError, match="read-only"):
            ndaccel.add(got, 1.0, out=got)
    w = st.sliding_window_view(ndaccel.asarray(h), 2, writeable=True)
    assert w.flags.writeable
    w[0, 1] = 7.0  # writes into the base, as NumPy's writeable view
    assert w[1, 0] == 7.0
    a = ndaccel.asarray(h)
    assert st.as_strided(a, (2,), (8,)).flags.writeable and a.flags.writeable
    a.flags.writeable = False
    assert not st.as_strided(a, (2,), (8,)).flags.writeable
    hr = h.copy()
    hr.flags.writeable = False
    assert not nst.as_strided(hr, (2,), (8,)).flags.writeable  # as NumPy


# ---------------------------------------------------------------- as_strided

AS_STRIDED_CASES = [
    ((12,), (3, 4), (32, 8)), ((12,), (4, 3), (8, 8)), ((12,), (5,), (16,)),
    ((12,), (3, 3), (0, 8)), ((12,), (), ()), ((12,), (0, 4), (8, 8)), ((3, 4), None, None),
    ((3, 4), (4, 3), (8, 32)), ((3, 4), (6,), None), ((12,), (4,), (-8,)),
]


@pytest.mark.parametrize("dt", ["float64", "int32", "bool", "complex128", "float16"])
@pytest.mark.parametrize("base_shape, shape, strides", AS_STRIDED_CASES,
                         ids=[f"{b}-{s}-{t}" for b, s, t in AS_STRIDED_CASES])
def test_as_strided(dt, base_shape, shape, strides):
    h = numpy.arange(12).reshape(base_shape).astype(dt)
    isz = h.itemsize
    strides = None if strides is None else tuple(s // 8 * isz for s in strides)
    src = numpy.s_[3:] if strides and strides[0] < 0 else numpy.s_[...]

    def run(xp):
        x = xp.asarray(h)
        if strides and strides[0] < 0:  # start at the end, walking backwards
            x = x.reshape(-1)[3:]
        return xp_st(xp).as_strided(x, shape, strides)

    got = xp_compare(run)
    ref = nst.as_strided(h.reshape(-1)[src] if strides and strides[0] < 0 else h, shape, strides)
    assert got.strides == ref.strides


def test_as_strided_of_views_and_lists():
    h = numpy.arange(24.0).reshape(4, 6)
    xp_compare(lambda xp: xp_st(xp).as_strided(xp.asarray(h)[1:, ::2], (2, 3), (48, 16)))
    xp_compare(lambda xp: xp_st(xp).as_strided(xp.asarray(h)[:, 1], (2,), (96,)))
    xp_compare(lambda xp: xp_st(xp).as_strided(xp.asarray(h).T, shape=(6, 2)))  # mismatch
    xp_compare(lambda xp: xp_st(xp).as_strided([1.0, 2.0, 3.0], (2, 2), (8, 8)))


def test_as_strided_is_a_view():
    a = ndaccel.arange(12.0)
    v = st.as_strided(a, (3, 3), (24, 8))
    assert shares_buffer(v, a)
    v2 = st.as_strided(a[2:], (2,), (8,))
    a[2] = 100.0
    assert v2.get().tolist() == [100.0, 4.0]


def test_as_strided_errors():
    h = numpy.arange(6.0)
    for shape, strides in (((2,), (8, 8)), ((-1,), (8,)), ((2.0,), (8,)), ((2,), (8.0,))):
        xp_compare(lambda xp: xp_st(xp).as_strided(xp.asarray(h), shape, strides))
    with pytest.raises(NotImplementedError, match="multiples of the itemsize"):
        st.as_strided(ndaccel.asarray(h), (3,), (4,))  # NumPy reads half elements
    with pytest.raises(ValueError, match="outside the array's device buffer"):
        st.as_strided(ndaccel.asarray(h), (3,), (2**40,))  # NumPy reads foreign memory


def test_broadcast_reexports():
    assert st.broadcast_to is ndaccel.broadcast_to
    assert st.broadcast_arrays is ndaccel.broadcast_arrays
    xp_compare(lambda xp: (xp.lib.stride_tricks if xp is ndaccel else numpy)
               .broadcast_to(xp.asarray([1, 2, 3]), (2, 3)))
    assert ndaccel.lib.stride_tricks is st
    assert ndaccel.lib.scimath is ndaccel.emath

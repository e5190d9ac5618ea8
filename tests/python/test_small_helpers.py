"""Small top-level helpers against NumPy: apply_along_axis, apply_over_axes,
block, rollaxis, require, asanyarray, asfortranarray, isfortran,
asarray_chkfinite, copyto, trim_zeros, packbits, unpackbits, vander,
iscomplex, isreal, real_if_close, sort_complex and the text helpers
(array2string, array_repr, array_str, base_repr, binary_repr, ...)."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare, xp_test

DTS = ["float64", "int64", "bool", "complex128"]


def _data(xp, shape, dt, start=0):
    h = (numpy.arange(int(numpy.prod(shape))) + start).reshape(shape)
    if numpy.dtype(dt).kind == "b":
        h = h % 3 == 1
    elif numpy.dtype(dt).kind == "c":
        h = h + 1j * (h % 4)
    return xp.asarray(h.astype(dt))


# ---------------------------------------------------------------- apply

@pytest.mark.parametrize("axis", [0, 1, -1])
@xp_test
def test_apply_along_axis(xp, axis):
    a = _data(xp, (2, 3, 4), "float64")
    return xp.apply_along_axis(lambda v: v[::-1] * 2, axis, a)


@pytest.mark.parametrize("case", [
    lambda xp, a: xp.apply_along_axis(xp.sum, 1, a),
    lambda xp, a: xp.apply_along_axis(lambda v, k: xp.outer(v, v)[:k], 0, a, 2),
    lambda xp, a: xp.apply_along_axis(lambda v: (v > 3).astype(bool), 2, a),
    lambda xp, a: xp.apply_along_axis(xp.sum, 0, a[:, :0]),         # ValueError
    lambda xp, a: xp.apply_along_axis(xp.sum, 3, a),                # AxisError
    lambda xp, a: xp.apply_along_axis(xp.max, 0, a[0, 0]),
])
def test_apply_along_axis_cases(case):
    xp_compare(lambda xp: case(xp, _data(xp, (2, 3, 4), "int64")))


@pytest.mark.parametrize("axes", [0, [0, 2], (-1, 1), []])
@xp_test
def test_apply_over_axes(xp, axes):
    return xp.apply_over_axes(xp.sum, _data(xp, (2, 3, 4), "int64"), axes)


@xp_test
def test_apply_over_axes_bad(xp):
    return xp.apply_over_axes(lambda a, ax: a.sum(axis=ax).ravel(), xp.ones((2, 3, 4)), [0, 1])


# ---------------------------------------------------------------- block

@pytest.mark.parametrize("case", [
    lambda xp: xp.block([[xp.eye(2), xp.zeros((2, 3))], [xp.ones((1, 2)), xp.full((1, 3), 7)]]),
    lambda xp: xp.block([xp.arange(3), 1, xp.asarray([True])]),
    lambda xp: xp.block([[1, 2], [3, 4]]),
    lambda xp: xp.block([[[xp.ones((1, 2), dtype=numpy.int8)], [xp.zeros((1, 2))]]]),
    lambda xp: xp.block(xp.arange(3.0)),
    lambda xp: xp.block(5),
    lambda xp: xp.block([xp.ones((2, 2, 2)), xp.zeros((2, 2, 1))]),
    lambda xp: xp.block([[xp.ones(2)], xp.ones(2)]),                   # ValueError: depths
    lambda xp: xp.block([[xp.ones(2)], []]),                           # ValueError: empty
    lambda xp: xp.block([(1, 2)]),                                     # TypeError: tuple
    lambda xp: xp.block([[xp.ones((2, 2)), xp.ones((3, 1))]]),         # ValueError: shapes
])
def test_block(case):
    xp_compare(case)


# ---------------------------------------------------------------- rollaxis

@pytest.mark.parametrize("axis,start", [(2, 0), (0, 3), (1, 1), (-1, -2), (0, -3), (2, 5),
                                        (3, 0)])
@xp_test
def test_rollaxis(xp, axis, start):
    return xp.rollaxis(_data(xp, (2, 3, 4), "float64"), axis, start)


# ---------------------------------------------------------------- require & co

@pytest.mark.parametrize("reqs", [None, "C", ["F"], ["A", "W"], ["C", "O"], ["F", "O"],
                                  ["E", "W"], "CF", ["X"]])
@pytest.mark.parametrize("layout", ["c", "t", "1d"])
def test_require(reqs, layout):
    def f(xp):
        a = _data(xp, (3, 4), "float64")
        a = {"c": a, "t": a.T, "1d": a[1, ::2]}[layout]
        r = xp.require(a, dtype=numpy.float32, requirements=reqs)
        if reqs and ("F" in reqs or "C" in reqs):
            flag = "F_CONTIGUOUS" if "F" in reqs else "C_CONTIGUOUS"
            assert r.flags[flag]
        if reqs and "O" in reqs:
            assert r.flags.owndata
        return r
    xp_compare(f)


def test_require_identity():
    a = ndaccel.arange(6.0).reshape(2, 3)
    assert ndaccel.require(a, requirements="C") is a
    assert ndaccel.require(a.T, requirements="F") is not None
    assert ndaccel.asfortranarray(a.T).base is a.T.base
    assert ndaccel.asanyarray(a) is a


@pytest.mark.parametrize("layout", ["c", "t", "0d", "1d", "list"])
def test_asfortranarray(layout):
    def f(xp):
        a = _data(xp, (3, 4), "int64")
        a = {"c": a, "t": a.T, "0d": a[1, 2, ...], "1d": a[:, 1], "list": [[1, 2], [3, 4]]}[
            layout]
        r = xp.asfortranarray(a, dtype=numpy.float64 if layout == "list" else None)
        assert r.flags.f_contiguous
        return r, xp.isfortran(r)
    xp_compare(f)


@pytest.mark.parametrize("case", [
    lambda xp: xp.isfortran(xp.zeros((2, 3))),
    lambda xp: xp.isfortran(xp.zeros((2, 3)).T),
    lambda xp: xp.isfortran(xp.zeros(3)),
    lambda xp: xp.isfortran(xp.zeros((2, 3))[:, ::2]),
])
def test_isfortran(case):
    xp_compare(case)


@pytest.mark.parametrize("case", [
    lambda xp: xp.asarray_chkfinite([1.0, 2.0]),
    lambda xp: xp.asarray_chkfinite([1, 2], dtype=numpy.complex128),
    lambda xp: xp.asarray_chkfinite(xp.asarray([1, 2])),
    lambda xp: xp.asarray_chkfinite(xp.asarray([1.0, xp.nan])),        # ValueError
    lambda xp: xp.asarray_chkfinite(xp.asarray([1j * xp.inf])),
])
def test_asarray_chkfinite(case):
    xp_compare(case)


@pytest.mark.parametrize("case", [
    lambda xp, d: xp.copyto(d, xp.asarray([1, 2, 3], dtype=numpy.int8)),
    lambda xp, d: xp.copyto(d, 2.5),
    lambda xp, d: xp.copyto(d, xp.asarray([[9.0], [8.0]]), where=xp.asarray([True, False, True])),
    lambda xp, d: xp.copyto(d, 7, where=[[1, 0, 0], [0, 0, 1]]),
    lambda xp, d: xp.copyto(d, xp.asarray([1j, 2, 3])),                  # TypeError
    lambda xp, d: xp.copyto(d, xp.asarray([1j, 2, 3]), casting="unsafe"),
    lambda xp, d: xp.copyto(d, xp.asarray([1, 2, 3]), casting="safe"),
    lambda xp, d: xp.copyto(d, xp.asarray([1.0, 2, 3], dtype=numpy.float32), casting="no"),
    lambda xp, d: xp.copyto(d, 1, casting="bad"),                       # ValueError
    lambda xp, d: xp.copyto(d, xp.asarray([1.0, 2])),
    lambda xp, d: xp.copyto(d, 1.0, where=xp.asarray([True, False])),
    lambda xp, d: xp.copyto([1.0], 1.0),                                # TypeError
])
def test_copyto(case):
    def f(xp):
        d = xp.zeros((2, 3))
        r = case(xp, d)
        assert r is None
        return d
    xp_compare(f)


@pytest.mark.parametrize("case", [
    lambda xp, d: xp.copyto(d, 300),                                    # OverflowError
    lambda xp, d: xp.copyto(d, 1.5),                                    # TypeError
    lambda xp, d: xp.copyto(d, 1.5, casting="unsafe"),
    lambda xp, d: xp.copyto(d[::2], xp.asarray([5, 6], dtype=numpy.int16), casting="unsafe"),
])
def test_copyto_int8(case):
    def f(xp):
        d = xp.zeros(4, dtype=numpy.int8)
        case(xp, d)
        return d
    xp_compare(f)


# ---------------------------------------------------------------- trim_zeros

@pytest.mark.parametrize("trim", ["fb", "f", "b", "BF"])
@pytest.mark.parametrize("dt", DTS)
@xp_test
def test_trim_zeros_1d(xp, trim, dt):
    a = xp.asarray(numpy.array([0, 0, 1, 2, 0, 3, 0], dtype=dt))
    return xp.trim_zeros(a, trim)


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("trim", ["fb", "f", "b"])
@xp_test
def test_trim_zeros_2d(xp, axis, trim):
    a = xp.zeros((5, 6))
    a[1, 2] = 1
    a[3, 4] = 2
    return xp.trim_zeros(a, trim, axis=axis)


@pytest.mark.parametrize("case", [
    lambda xp: xp.trim_zeros([0, 1, 2, 0]),
    lambda xp: xp.trim_zeros((0, 1, 0)),
    lambda xp: xp.trim_zeros(xp.zeros((3, 2))),
    lambda xp: xp.trim_zeros(xp.zeros(0)),
    lambda xp: xp.trim_zeros(xp.asarray(0.0)),
    lambda xp: xp.trim_zeros(xp.asarray([0, 1]), trim="x"),            # ValueError
    lambda xp: xp.trim_zeros(xp.zeros((2, 2)), axis=2),                # AxisError
])
def test_trim_zeros_cases(case):
    xp_compare(case)


# ---------------------------------------------------------------- packbits / unpackbits

@pytest.mark.parametrize("dt", ["bool", "int64", "uint8"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("bitorder", ["big", "little"])
@xp_test
def test_packbits(xp, dt, axis, bitorder):
    a = xp.asarray((numpy.arange(3 * 11).reshape(3, 11) % 5 % 2).astype(dt))
    return xp.packbits(a, axis=axis, bitorder=bitorder)


@pytest.mark.parametrize("case", [
    lambda xp: xp.packbits(xp.asarray(5)),
    lambda xp: xp.packbits(xp.asarray(5), axis=0),
    lambda xp: xp.packbits(xp.zeros((2, 0), dtype=numpy.int64), axis=1),
    lambda xp: xp.packbits([-1, 0, 1, 0, 0, 0, 0, 0, 1], bitorder="little"),
    lambda xp: xp.packbits(xp.asarray([1, 0, 1], dtype=numpy.uint8), bitorder="bigx"),
    lambda xp: xp.packbits(xp.asarray([1.0])),                          # TypeError
    lambda xp: xp.packbits(xp.asarray([1]), bitorder="l"),             # ValueError
    lambda xp: xp.packbits(xp.asarray([1]), bitorder=None),            # TypeError
    lambda xp: xp.packbits(xp.asarray([[1]]), axis=2),                 # AxisError
])
def test_packbits_cases(case):
    xp_compare(case)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("count", [None, 5, 30, -5, -24])
@pytest.mark.parametrize("bitorder", ["big", "l"])
@xp_test
def test_unpackbits(xp, axis, count, bitorder):
    a = xp.asarray(numpy.array([[1, 2, 255], [128, 7, 64]], dtype=numpy.uint8))
    return xp.unpackbits(a, axis=axis, count=count, bitorder=bitorder)


@pytest.mark.parametrize("case", [
    lambda xp: xp.unpackbits(xp.asarray(5, dtype=numpy.uint8)),
    lambda xp: xp.unpackbits(xp.asarray([3], dtype=numpy.uint8), count=xp.int64(2)),
    lambda xp: xp.unpackbits(xp.asarray([3], dtype=numpy.uint8), count=-9),   # ValueError
    lambda xp: xp.unpackbits(xp.asarray([3], dtype=numpy.uint8), count=2.0),  # TypeError
    lambda xp: xp.unpackbits(xp.asarray([1, 2], dtype=numpy.int8)),           # TypeError
    lambda xp: xp.unpackbits(xp.asarray([1], dtype=numpy.uint8), bitorder="x"),
])
def test_unpackbits_cases(case):
    xp_compare(case)


@xp_test
def test_pack_unpack_roundtrip(xp):
    a = xp.asarray(numpy.array([[1, 0, 1, 1, 0, 0, 1, 0, 1, 1]], dtype=bool))
    return xp.unpackbits(xp.packbits(a, axis=1), axis=1, count=10)


# ---------------------------------------------------------------- vander

@pytest.mark.parametrize("dt", ["float64", "int64", "bool", "complex128", "uint64", "int8"])
@pytest.mark.parametrize("N,increasing", [(None, False), (4, True), (1, False), (0, False)])
@xp_test
def test_vander(xp, dt, N, increasing):
    return xp.vander(_data(xp, (4,), dt, start=-1), N, increasing=increasing)


@pytest.mark.parametrize("case", [
    lambda xp: xp.vander([1, 2, 3]),
    lambda xp: xp.vander(xp.zeros(0), 3),
    lambda xp: xp.vander(xp.zeros((2, 2))),                            # ValueError
])
def test_vander_cases(case):
    xp_compare(case)


# ---------------------------------------------------------------- realness

@pytest.mark.parametrize("fn", ["iscomplex", "isreal"])
@pytest.mark.parametrize("dt", DTS)
@xp_test
def test_iscomplex_isreal(xp, fn, dt):
    return getattr(xp, fn)(_data(xp, (2, 3), dt))


@pytest.mark.parametrize("fn", ["iscomplex", "isreal"])
@pytest.mark.parametrize("x", [1 + 0j, 3, 2.5, 1j, numpy.float64(2.0), numpy.complex128(1j),
                               [1, 2j]])
@xp_test
def test_iscomplex_isreal_scalars(xp, fn, x):
    return getattr(xp, fn)(x), getattr(xp, fn)(xp.asarray(x))


@pytest.mark.parametrize("case", [
    lambda xp: xp.real_if_close(xp.asarray([2.1 + 4e-14j, 5.2 + 3e-15j])),
    lambda xp: xp.real_if_close(xp.asarray([2.1 + 4e-13j, 5.2 + 3e-15j]), tol=1000),
    lambda xp: xp.real_if_close(xp.asarray([1 + 1e-10j])),
    lambda xp: xp.real_if_close(xp.asarray([1 + 1e-7j], dtype=numpy.complex64)),
    lambda xp: xp.real_if_close(xp.asarray([1 + 1e-5j]), tol=1e-4),
    lambda xp: xp.real_if_close(xp.asarray(1 + 1e-16j)),
    lambda xp: xp.real_if_close(xp.asarray([1, 2])),
    lambda xp: xp.real_if_close(xp.zeros(0, dtype=numpy.complex128)),
])
def test_real_if_close(case):
    xp_compare(case)


@pytest.mark.parametrize("dt", ["int8", "uint16", "int64", "float32", "float64", "complex64",
                                "bool"])
@xp_test
def test_sort_complex(xp, dt):
    h = numpy.array([[3, 1, 2, 0], [5, -1, 4, 2]]).astype(dt)
    if h.dtype.kind == "c":
        h = h + 1j * numpy.array([[1, 0, 2, 1], [0, 3, -1, 1]])
    return xp.sort_complex(xp.asarray(h))


@xp_test
def test_sort_complex_list(xp):
    return xp.sort_complex([5, 3, 6, 2, 1])


# ---------------------------------------------------------------- text

@pytest.mark.parametrize("case", [
    lambda xp, a: xp.array2string(a),
    lambda xp, a: xp.array2string(a, precision=2, separator=", ", suppress_small=True),
    lambda xp, a: xp.array2string(a, formatter={"float_kind": lambda v: f"{v:.1f}"}),
    lambda xp, a: xp.array2string(a, threshold=3, edgeitems=1),
    lambda xp, a: xp.array_repr(a),
    lambda xp, a: xp.array_repr(a, max_line_width=20, precision=1),
    lambda xp, a: xp.array_str(a),
    lambda xp, a: xp.array_str(a[0, 0]),
    lambda xp, a: xp.array_repr(a.astype(numpy.int8)),
    lambda xp, a: xp.array_repr(xp.zeros((0, 3))),
    lambda xp, a: xp.array_str([1.5, 2]),
    lambda xp, a: repr(a) == xp.array_repr(a),
])
def test_text(case):
    xp_compare(lambda xp: case(xp, xp.asarray(numpy.arange(12.0).reshape(3, 4) / 7 - 0.5)))


@pytest.mark.parametrize("case", [
    lambda xp: xp.base_repr(255, 16, padding=2),
    lambda xp: xp.binary_repr(-5, width=8),
    lambda xp: xp.typename("d"),
    lambda xp: xp.mintypecode(["d", "f"]),
    lambda xp: xp.format_float_positional(xp.float32(0.1)),
    lambda xp: xp.format_float_scientific(1.5e-7, precision=3),
    lambda xp: xp.getbufsize(),
])
def test_pure_helpers(case):
    xp_compare(case)


def test_setbufsize():
    old = ndaccel.setbufsize(16384)
    try:
        assert ndaccel.getbufsize() == numpy.getbufsize() == 16384
    finally:
        ndaccel.setbufsize(old)

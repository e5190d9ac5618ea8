"""ndarray members argpartition, partition, choose, compress, resize, byteswap,
getfield/setfield, dump/dumps and ctypes/data, against NumPy."""
import copy
import io
import pickle

import numpy
import pytest

import ndaccel
from xp_util import xp_compare, xp_test

RNG = numpy.random.default_rng(16)


# ---------------------------------------------------------------- partition

@pytest.mark.parametrize("dt", ["float64", "int32"])
def test_partition_method(dt):
    h = (RNG.random((3, 7)) * 50).astype(dt)

    def body(xp, kth, axis):
        a = xp.asarray(h)
        a.partition(kth, axis=axis)
        k = kth if isinstance(kth, int) else kth[-1]
        # the kth element is in place, smaller ones before it, larger after
        kv = xp.take(a, [k], axis=axis)
        return (xp.take(a, [k], axis=axis), xp.all(xp.take(a, list(range(k)), axis=axis) <= kv),
                xp.all(xp.take(a, list(range(k, a.shape[axis])), axis=axis) >= kv))

    for kth, axis in ((3, -1), ((0, 4), 1), (1, 0)):
        xp_compare(lambda xp: body(xp, kth, axis))


@pytest.mark.parametrize("args", [(7,), (-8,), (1, 2), (1, None)])
def test_partition_method_errors(args):
    def body(xp):
        a = xp.asarray(numpy.arange(7.0))
        a.partition(*args)
        return a
    xp_compare(body)


def test_partition_read_only_and_0d():
    def ro(xp):
        a = xp.arange(5.0)
        a.setflags(write=False)
        a.partition(2)
    xp_compare(ro)
    xp_compare(lambda xp: xp.asarray(3.0).partition(0))


@xp_test
def test_argpartition_method(xp):
    h = numpy.array([[5.0, 1.0, 4.0, 2.0], [0.5, 7.0, -1.0, 3.0]])
    a = xp.asarray(h)
    i = a.argpartition(2)
    j = a.argpartition(1, axis=None)
    return (xp.take_along_axis(a, i, -1)[:, 2], a.reshape(-1)[j[1]],
            xp.asarray(numpy.zeros((0, 3))).argpartition(0))


# ---------------------------------------------------------------- choose, compress

@xp_test
def test_choose_method(xp):
    idx = xp.asarray(numpy.array([[0, 1, 2], [2, 1, 0]]))
    ch = [xp.asarray(numpy.arange(3) * 10), xp.asarray(numpy.arange(3.0) + 0.5),
          xp.asarray(numpy.array([[-1], [-2]]))]
    return idx.choose(ch), idx.choose(ch, mode="clip"), xp.asarray(numpy.array([5, -1])).choose(
        ch[:2], mode="wrap")


def test_choose_method_errors():
    xp_compare(lambda xp: xp.asarray(numpy.array([0, 3])).choose([xp.arange(2), xp.arange(2)]))


@xp_test
def test_compress_method(xp):
    a = xp.asarray(numpy.arange(12).reshape(3, 4))
    return (a.compress([True, False, True]), a.compress([False, True, True, False], axis=1),
            a.compress([0, 1], axis=0), a.compress([True, False], axis=-1))


def test_compress_method_errors():
    xp_compare(lambda xp: xp.arange(4).compress([[True]]))
    xp_compare(lambda xp: xp.arange(4).compress([True], axis=2))


# ---------------------------------------------------------------- resize

@pytest.mark.parametrize("args", [((2, 5),), (2, 2), (3,), (0,), ((),), (7,), (None,), (),
                                  ((2, -1),), (2.0,)])
def test_resize_method(args):
    def body(xp):
        a = xp.asarray(numpy.arange(6.0))
        a.resize(*args)
        return a, a.flags.owndata
    xp_compare(body)


def test_resize_method_layouts():
    def zero_d(xp):
        a = xp.asarray(numpy.array(5, dtype=numpy.int16))
        a.resize((3,))
        return a

    def view(xp):
        a = xp.arange(6.0)
        a[1:].resize(3)

    def shrink_then_grow(xp):
        a = xp.asarray(numpy.arange(8, dtype=numpy.complex64))
        a.resize(3)
        a.resize(2, 3)
        return a

    def read_only(xp):
        a = xp.arange(4)
        a.setflags(write=False)
        a.resize(6)
        return a[:4], a.shape  # NumPy leaves a read-only array's new elements unset
    for fn in (zero_d, view, shrink_then_grow, read_only):
        xp_compare(fn)
    # a Fortran array keeps its memory order, as NumPy's
    a = copy.copy(ndaccel.asarray(numpy.arange(6.0).reshape(3, 2)).T)
    assert a.flags.f_contiguous and a.flags.owndata
    h = numpy.arange(6.0).reshape(3, 2).T.copy(order="F")
    h.resize(3, 3, refcheck=False)
    a.resize(3, 3)
    assert a.strides == h.strides
    numpy.testing.assert_array_equal(a.get(), h)


def test_resize_refcheck():
    """An array something else references (a view) cannot resize, as NumPy's
    reference count test; refcheck=False lets it (NumPy's view then dangles, so
    only the array is compared)."""
    def referenced(xp):
        a = xp.arange(6.0)
        b = a[2:]
        a.resize(3)
        return b

    def unchecked(xp):
        a = xp.arange(6.0)
        b = a[:2]  # noqa: F841 - a reference; NumPy's b dangles after this, never read
        a.resize(3, refcheck=False)
        return a
    xp_compare(referenced)
    xp_compare(unchecked)


def test_resize_past_buffer_moves_to_a_new_one():
    """Growing past the device buffer (4 elements -> 2^20) keeps the elements in memory
    order with zeros after them, C and Fortran; a view taken with refcheck=False keeps
    the old buffer and its values."""
    def grow(xp):
        a = xp.arange(4.0)
        a.resize(1 << 20)
        f = xp.asfortranarray(xp.arange(6, dtype=numpy.int32).reshape(2, 3))
        f.resize((300, 400))
        return a[:6], a.sum(), f[:3, :3], f.flags.f_contiguous, f.flags.owndata
    xp_compare(grow)
    a = ndaccel.arange(4.0)
    v = a[1:3]
    a.resize(1 << 16, refcheck=False)
    numpy.testing.assert_array_equal(v.get(), [1.0, 2.0])
    numpy.testing.assert_array_equal(a[:5].get(), [0.0, 1.0, 2.0, 3.0, 0.0])


# ---------------------------------------------------------------- byteswap

@pytest.mark.parametrize("dt", ["int16", "uint32", "float64", "complex64", "bool", "int8",
                                "float16", "int64"])
def test_byteswap(dt):
    h = numpy.array([0, 1, 3, 100, 7, 2], dtype=dt) if dt != "bool" else \
        numpy.array([True, False])

    def body(xp):
        a = xp.asarray(h)
        s = a.byteswap()
        strided = a[::2].byteswap()
        zero_d = xp.asarray(h[1]).byteswap()
        b = xp.array(h)  # a copy: NumPy's asarray would swap h itself
        r = b.byteswap(inplace=True)
        return s.view(numpy.uint8), strided, zero_d, b.view(numpy.uint8), r is b
    xp_compare(body)


def test_byteswap_errors_and_empty():
    def ro(xp):
        a = xp.arange(3.0)
        a.setflags(write=False)
        a.byteswap(True)
    xp_compare(ro)
    xp_compare(lambda xp: xp.zeros((0, 2), dtype=numpy.int32).byteswap())
    # NaN payloads survive the round trip
    h = numpy.array([numpy.nan, 1.5, -numpy.inf], dtype=numpy.float32).byteswap()
    a = ndaccel.asarray(h)
    numpy.testing.assert_array_equal(a.byteswap().get().view(numpy.uint32),
                                     h.byteswap().view(numpy.uint32))


# ---------------------------------------------------------------- getfield, setfield

@pytest.mark.parametrize("dt, off", [("float64", 0), ("float32", 4), ("int32", 0), ("float64", 4),
                                     ("float32", -1), ("complex128", 0), ("int16", 6)])
def test_getfield(dt, off):
    xp_compare(lambda xp: xp.asarray(numpy.arange(3.0) - 1).getfield(dt, off))


def test_getfield_complex_parts_and_setfield():
    h = numpy.array([1 + 2j, -3 + 0.5j], dtype=numpy.complex128)
    xp_compare(lambda xp: (xp.asarray(h).getfield(numpy.float64, 8),
                           xp.asarray(h)[::-1].getfield(numpy.float64, 0)))

    def setf(xp):
        a = xp.asarray(h)
        a.setfield(7.5, numpy.float64, 8)
        b = xp.asarray(numpy.arange(3, dtype=numpy.int64))
        b.setfield(5, numpy.int32, 4)
        return a, b
    xp_compare(setf)
    xp_compare(lambda xp: xp.arange(3).setfield(1, numpy.int64, 4))


def test_getfield_unsupported():
    a = ndaccel.arange(3.0)
    for args in ((numpy.dtype([("x", "f4"), ("y", "f4")]),), (">f8",), ("float32", 2),
                 ("S4", 0)):
        with pytest.raises(NotImplementedError):
            a.getfield(*args)


# ---------------------------------------------------------------- dump, dumps

def test_dump_dumps(tmp_path):
    h = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    a = ndaccel.asarray(h)
    for r in (pickle.loads(a.dumps()), pickle.loads(a.T.dumps())):
        assert isinstance(r, ndaccel.ndarray) and r.dtype == numpy.float32
    numpy.testing.assert_array_equal(pickle.loads(a.dumps()).get(), h)
    path = tmp_path / "a.pkl"
    a.dump(str(path))
    with open(path, "rb") as f:
        numpy.testing.assert_array_equal(pickle.load(f).get(), h)
    a.dump(path)  # a path-like
    buf = io.BytesIO()
    a.dump(buf)
    buf.seek(0)
    numpy.testing.assert_array_equal(pickle.load(buf).get(), h)


# ---------------------------------------------------------------- ctypes, data

def test_no_host_pointer():
    a = ndaccel.arange(3.0)
    for name in ("ctypes", "data"):
        with pytest.raises(AttributeError, match="asnumpy"):
            getattr(a, name)
        assert not hasattr(a, name)
        assert getattr(ndaccel.ndarray, name).__doc__

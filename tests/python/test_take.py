"""take / put family against NumPy."""
import numpy
import pytest

from xp_util import xp_compare

X = numpy.arange(24.0).reshape(4, 6)
IND = numpy.argsort(X, axis=1)[:, ::-1].copy()


@pytest.mark.parametrize("args", [([3, 0, 5], 1, "raise"), ([[1, 20]], None, "raise"),
                                  ([7, -9], 1, "wrap"), ([7, -9], 0, "clip")])
def test_take(args):
    ind, axis, mode = args
    xp_compare(lambda xp: xp.take(xp.asarray(X), ind, axis=axis, mode=mode))


def test_take_along_axis_and_put_along_axis():
    xp_compare(lambda xp: xp.take_along_axis(xp.asarray(X), xp.asarray(IND), axis=1))

    def body(xp):
        y = xp.asarray(X.copy())
        xp.put_along_axis(y, xp.asarray(IND[:, :2]), -1.0, axis=1)
        return y
    xp_compare(body)


@pytest.mark.parametrize("fn", ["put", "putmask", "place"])
def test_put_putmask_place(fn):
    def body(xp):
        y = xp.asarray(X.copy())
        if fn == "put":
            xp.put(y, [0, 5, 23], [9.0, 8.0])
        elif fn == "putmask":
            xp.putmask(y, y > 10, xp.asarray([1.0, 2.0, 3.0]))
        else:
            xp.place(y, y > 10, xp.asarray([1.0, 2.0, 3.0]))
        return y
    xp_compare(body)


def test_choose():
    c = numpy.array([[0, 1, 2], [2, 1, 0]])
    chs = [numpy.full((2, 3), 10), numpy.arange(6).reshape(2, 3), numpy.full(3, -1)]
    xp_compare(lambda xp: xp.choose(xp.asarray(c), [xp.asarray(q) for q in chs]))


def test_take_out_of_bounds_raises_index_error():
    import ndaccel
    with pytest.raises(IndexError):
        ndaccel.take(ndaccel.asarray(X), [6], axis=1)

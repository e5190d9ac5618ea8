"""matplotlib (Agg backend) plots ndaccel arrays as it plots NumPy's: the
data of each artist equals what the same call with NumPy arrays gives.
(Line2D copies its data with copy.copy, which raised for device arrays.)
./run installs matplotlib; the importorskip only guards other setups."""
import numpy
import pytest

import ndaccel

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after selecting the backend

X = numpy.linspace(-2.0, 3.0, 41)
Y = numpy.sin(X) * X


@pytest.fixture
def axes():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _both(fn):
    """fn(numpy arrays) and fn(ndaccel arrays), each on fresh axes."""
    out = []
    for xp in (numpy, ndaccel):
        fig, ax = plt.subplots()
        try:
            out.append(fn(ax, xp.asarray(X), xp.asarray(Y)))
            fig.canvas.draw()           # renders the ndaccel data too
        finally:
            plt.close(fig)
    return out


def test_plot_line_data_equals_numpy():
    def draw(ax, x, y):
        (line,) = ax.plot(x, y, "o-")
        (implicit_x,) = ax.plot(y)
        return line.get_xydata(), implicit_x.get_xydata(), ax.get_xlim(), ax.get_ylim()
    want, got = _both(draw)
    for g, w in zip(got, want):
        numpy.testing.assert_array_equal(numpy.asarray(g), numpy.asarray(w))


def test_pyplot_plot_scatter_hist_equal_numpy():
    results = []
    for xp in (numpy, ndaccel):
        plt.figure()
        try:
            (line,) = plt.plot(xp.asarray(X), xp.asarray(Y))
            points = plt.scatter(xp.asarray(X), xp.asarray(Y), s=xp.asarray(numpy.abs(Y) + 1))
            counts, edges, _ = plt.hist(xp.asarray(Y), bins=7)
            plt.gcf().canvas.draw()
            results.append((line.get_xydata(), numpy.ma.getdata(points.get_offsets()),
                            points.get_sizes(), numpy.asarray(counts), numpy.asarray(edges)))
        finally:
            plt.close("all")
    for g, w in zip(results[1], results[0]):
        numpy.testing.assert_array_equal(numpy.asarray(g), numpy.asarray(w))


def test_plot_of_device_views_and_float32(axes):
    h = numpy.arange(24, dtype=numpy.float32).reshape(4, 6)
    d = ndaccel.asarray(h)
    lines = axes.plot(d[:, ::2].T)           # one line per column, from a strided view
    assert len(lines) == 4
    for line, col in zip(lines, h[:, ::2]):
        numpy.testing.assert_array_equal(line.get_ydata(), col)
        numpy.testing.assert_array_equal(line.get_xydata()[:, 0], numpy.arange(3))

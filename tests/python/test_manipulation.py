"""Creation (linspace, eye, diag, tri*, meshgrid, indices, ...) and
manipulation (concatenate and stacks, splits, tile, repeat, flips, roll,
broadcast_to, pad, clip, insert/delete, ...) against NumPy: shape, exact
dtype and values, views where NumPy gives views, and NumPy's exception
class for bad arguments.

Kernel budget: results are copies (one copy kernel per source dtype,
destination dtype, rank and layout) or views (read back through a copy
kernel when not contiguous). Dtype sweeps use five dtypes on contiguous 2-D
data; layout sweeps (transposed, strided, negative strides) use float64 and
int32 mostly."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare

DTYPES = [numpy.dtype(n) for n in ("bool", "int32", "float64", "complex64", "float16")]
LAYOUTS = ["c", "t", "s", "n"]  # contiguous, transposed, strided, negative strides
F8 = numpy.dtype("float64")
I4 = numpy.dtype("int32")


def host(dt, shape):
    """Deterministic host data of dtype dt (a few distinct values, negatives
    included, no two neighbours equal)."""
    dt = numpy.dtype(dt)
    n = int(numpy.prod(shape, dtype=numpy.int64))
    v = (numpy.arange(n) * 7 % 11) - 4
    if dt.kind == "b":
        h = v % 3 == 0
    elif dt.kind == "c":
        h = v + 1j * ((v % 5) - 2) / 2
    elif dt.kind == "f":
        h = v / 2
    else:
        h = v
    return h.astype(dt).reshape(shape)


def make(xp, dt, layout="c", shape=(3, 4)):
    """An array of the given shape and layout, built the same way with xp."""
    nd = len(shape)
    if layout == "c":
        return xp.asarray(host(dt, shape))
    if layout == "t":
        return xp.asarray(host(dt, shape[::-1])).transpose()
    if layout == "s":
        base = xp.asarray(host(dt, (2 * shape[0],) + tuple(n + 1 for n in shape[1:])))
        return base[(slice(None, None, 2),) + (slice(1, None),) * (nd - 1)]
    if layout == "n":
        return xp.asarray(host(dt, shape))[(slice(None, None, -1),) * nd]
    raise ValueError(layout)


def check(fn, rtol=None):
    return xp_compare(fn, rtol=rtol)


def check_all(cases, rtol=None):
    for fn in cases:
        check(fn, rtol)


def one(dt):
    return {"b": True, "i": 9, "f": 9.0, "c": 9 + 1j}[numpy.dtype(dt).kind]


def check_view(fn, dt=F8, layout="c", shape=(3, 4), index=None):
    """fn(xp, a) returns a view of a: writing through it changes a as in NumPy."""
    def run(xp):
        a = make(xp, dt, layout, shape)
        r = fn(xp, a)
        r[index if index is not None else (0,) * r.ndim] = one(dt)
        return a
    check(run)


# ---------------------------------------------------------------- linspace & co

def test_linspace_scalars():
    check_all([
        lambda xp: xp.linspace(0, 1, 5),
        lambda xp: xp.linspace(0, 1, 5, endpoint=False),
        lambda xp: xp.linspace(-3, 7, 11, retstep=True),
        lambda xp: xp.linspace(0, 1, 1, retstep=True),
        lambda xp: xp.linspace(2, 3, 1, endpoint=False, retstep=True),
        lambda xp: xp.linspace(0, 1, 0),
        lambda xp: xp.linspace(5, -5, 7),
        lambda xp: xp.linspace(0, 10, 5, dtype=numpy.int32),
        lambda xp: xp.linspace(-7, 3, 6, dtype=numpy.int32),
        lambda xp: xp.linspace(0, 1, 4, dtype=bool),
        lambda xp: xp.linspace(numpy.float32(0), 1, 7),
        lambda xp: xp.linspace(numpy.float16(1), 3, 5),
        lambda xp: xp.linspace(numpy.int8(1), 3, 5),
        lambda xp: xp.linspace(True, False, 3),
        lambda xp: xp.linspace(0, 1j, 4),
        lambda xp: xp.linspace(numpy.complex64(1), 2 - 1j, 3),
        lambda xp: xp.linspace(0, 1, 3, axis=-1),
        lambda xp: xp.linspace(0, 5e-324, 3),  # a zero step: NumPy's denormal path
    ])


def test_linspace_arrays():
    check_all([
        lambda xp: xp.linspace(xp.asarray([0.0, 1.0]), xp.asarray([2.0, 5.0]), 4),
        lambda xp: xp.linspace(xp.asarray([0.0, 1.0]), 2, 3, retstep=True),
        lambda xp: xp.linspace(0, xp.asarray([[1, 2], [3, 4]], dtype=numpy.int32), 3, axis=2),
        lambda xp: xp.linspace(xp.asarray([0.0, 1.0]), xp.asarray([2.0, 5.0]), 4, axis=1),
        lambda xp: xp.linspace(xp.asarray([0.0, 1.0]), xp.asarray([2.0, 5.0]), 4, axis=-1,
                               endpoint=False),
        lambda xp: xp.linspace(xp.asarray([0, 1], dtype=numpy.float32), 3, 3),
        lambda xp: xp.linspace(xp.asarray([1.0, 1.0]), xp.asarray([1.0, 3.0]), 3),
        lambda xp: xp.linspace(xp.asarray([0.0, -4.0]), 9, 4, dtype=numpy.int32),
    ])


def test_linspace_errors():
    check_all([
        lambda xp: xp.linspace(0, 1, -1),
        lambda xp: xp.linspace(0, 1, 2.5),
        lambda xp: xp.linspace(0, 1, 3, axis=1),
        lambda xp: xp.linspace(xp.asarray([0.0, 1.0]), xp.asarray([1.0, 2.0, 3.0]), 3),
    ])


def test_logspace_geomspace():
    check_all([
        lambda xp: xp.logspace(0, 2, 5),
        lambda xp: xp.logspace(0, 1, 4, base=2),
        lambda xp: xp.logspace(0, 3, 4, endpoint=False),
        lambda xp: xp.logspace(numpy.float32(0), 1, 3),
        lambda xp: xp.logspace(0, 2, 3, dtype=numpy.float32),
        lambda xp: xp.logspace(0, 1, 3, base=xp.asarray([2.0, 3.0])),
        lambda xp: xp.logspace(xp.asarray([0.0, 1.0]), 2, 3, axis=1),
        lambda xp: xp.geomspace(1, 1000, 4),
        lambda xp: xp.geomspace(-1, -1000, 4),
        lambda xp: xp.geomspace(1j, 1000j, 4),
        lambda xp: xp.geomspace(1, 256, 9, endpoint=False),
        lambda xp: xp.geomspace(numpy.float32(1), 10, 3),
        lambda xp: xp.geomspace(numpy.float16(1), numpy.float16(16), 5),
        lambda xp: xp.geomspace(2, 32, 5, dtype=numpy.float32),
        lambda xp: xp.geomspace(xp.asarray([1.0, -2.0]), xp.asarray([1000.0, -8.0]), 3),
        lambda xp: xp.geomspace(xp.asarray([1.0, 2.0]), 16, 5, axis=1),
        lambda xp: xp.geomspace(0, 1, 3),
        lambda xp: xp.geomspace(xp.asarray([1.0, 0.0]), 2, 3),
    ], rtol=1e-10)


# ---------------------------------------------------------------- matrices

@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_eye_identity_tri(dt):
    check_all([
        lambda xp: xp.eye(3, dtype=dt),
        lambda xp: xp.eye(3, 5, k=1, dtype=dt),
        lambda xp: xp.eye(4, 3, k=-2, dtype=dt),
        lambda xp: xp.eye(3, k=5, dtype=dt),
        lambda xp: xp.eye(2, 3, k=-5, dtype=dt),
        lambda xp: xp.identity(3, dtype=dt),
        lambda xp: xp.tri(3, 4, k=1, dtype=dt),
    ])


def test_eye_tri_defaults():
    check_all([
        lambda xp: xp.eye(0),
        lambda xp: xp.identity(2),
        lambda xp: xp.tri(3),
        lambda xp: xp.tri(4, 3, -1, dtype=bool),
        lambda xp: xp.tri(-1),
        lambda xp: xp.tri(2, 0),
        lambda xp: xp.eye(2, 2.5),
    ])


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_diag_1d(dt):
    for k in (0, 2, -1):
        check(lambda xp: xp.diag(make(xp, dt, "c", (4,)), k))
    check(lambda xp: xp.diagflat(make(xp, dt, "c", (2, 2)), -1))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_diag_2d_is_strided_view(layout):
    for k in (0, 1, -2, 5, -5):
        check(lambda xp: xp.diag(make(xp, F8, layout, (3, 4)), k))
    r = ndaccel.diag(make(ndaccel, F8, layout, (3, 4)), 1)
    assert r.shape == (3,)


def test_diagonal():
    check_all([
        lambda xp: xp.diagonal(make(xp, I4, "c", (2, 3, 4))),
        lambda xp: xp.diagonal(make(xp, I4, "n", (2, 3, 4)), 1, 2, 0),
        lambda xp: xp.diagonal(make(xp, I4, "c", (2, 3, 4)), -1, -1, 1),
        lambda xp: make(xp, I4, "c", (3, 4)).diagonal(2),
        lambda xp: xp.diagonal(make(xp, I4, "c", (4,))),
        lambda xp: xp.diagonal(make(xp, I4, "c", (3, 4)), 0, 1, 1),
        lambda xp: xp.diagonal(make(xp, I4, "c", (3, 4)), 0, 0, 2),
        lambda xp: xp.diag(make(xp, I4, "c", (2, 2, 2))),
    ])
    a = make(ndaccel, F8, "c", (3, 3))
    d = ndaccel.diagonal(a)
    d[...] = 7.0  # a view (NumPy's is read-only)
    assert a.get().trace() == 21.0


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_tril_triu(dt):
    for k in (0, 1, -1):
        check(lambda xp: xp.tril(make(xp, dt, "c", (3, 4)), k))
        check(lambda xp: xp.triu(make(xp, dt, "c", (3, 4)), k))


def test_tril_triu_layouts():
    check_all([
        lambda xp: xp.tril(make(xp, F8, "t", (4, 3))),
        lambda xp: xp.triu(make(xp, F8, "n", (2, 3, 3)), -1),
        lambda xp: xp.triu(make(xp, F8, "c", (3,)), 1),
        lambda xp: xp.tril(make(xp, F8, "c", (0, 3))),
        lambda xp: xp.tril(xp.asarray(1.0)),
    ])


# ---------------------------------------------------------------- grids

def test_meshgrid():
    x = host(F8, (3,))
    y = host(I4, (2,))
    z = host(F8, (4,))
    check_all([
        lambda xp: xp.meshgrid(xp.asarray(x), xp.asarray(y)),
        lambda xp: xp.meshgrid(xp.asarray(x), xp.asarray(y), indexing="ij"),
        lambda xp: xp.meshgrid(xp.asarray(x), xp.asarray(y), xp.asarray(z)),
        lambda xp: xp.meshgrid(xp.asarray(x), xp.asarray(y), xp.asarray(z), indexing="ij",
                               sparse=True),
        lambda xp: xp.meshgrid(xp.asarray(x), xp.asarray(y), copy=False),
        lambda xp: xp.meshgrid(xp.asarray(x)),
        lambda xp: xp.meshgrid(),
        lambda xp: xp.meshgrid(xp.asarray(x), indexing="foo"),
    ])


def test_indices_fromfunction():
    check_all([
        lambda xp: xp.indices((2, 3)),
        lambda xp: xp.indices((2, 3, 2), dtype=numpy.float16),
        lambda xp: xp.indices((2, 3), sparse=True),
        lambda xp: xp.indices((0, 3)),
        lambda xp: xp.indices(()),
        lambda xp: xp.fromfunction(lambda i, j: i * 10 + j, (3, 4), dtype=numpy.int32),
        lambda xp: xp.fromfunction(lambda i, j, k: i - j * k, (2, 3, 2)),
        lambda xp: xp.fromfunction(lambda i, j, s: i + s, (2, 2), s=5),
    ])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_copy(layout):
    check(lambda xp: xp.copy(make(xp, F8, layout)))
    a = make(ndaccel, F8, layout)
    c = ndaccel.copy(a)
    c[0, 0] = 100.0
    assert a[0, 0] != 100.0


def test_copy_other_inputs():
    check_all([
        lambda xp: xp.copy([[1, 2], [3, 4]]),
        lambda xp: xp.copy(3.5),
        lambda xp: xp.copy(make(xp, numpy.complex64, "c", (0, 2))),
    ])


# ---------------------------------------------------------------- axes

@pytest.mark.parametrize("layout", LAYOUTS)
def test_axis_views(layout):
    shp = (2, 3, 4)
    check_all([
        lambda xp: xp.moveaxis(make(xp, F8, layout, shp), 0, -1),
        lambda xp: xp.moveaxis(make(xp, F8, layout, shp), (0, 1), (2, 0)),
        lambda xp: xp.expand_dims(make(xp, F8, layout, shp), (0, 2, -1)),
        lambda xp: xp.squeeze(xp.expand_dims(make(xp, F8, layout, shp), (0, 2))),
        lambda xp: xp.squeeze(xp.expand_dims(make(xp, F8, layout, shp), (0, 2)), axis=2),
        lambda xp: xp.swapaxes(make(xp, F8, layout, shp), 0, 2),
        lambda xp: xp.transpose(make(xp, F8, layout, shp)),
        lambda xp: xp.transpose(make(xp, F8, layout, shp), (1, 0, 2)),
        lambda xp: xp.reshape(make(xp, F8, layout, shp), (4, -1)),
        lambda xp: xp.ravel(make(xp, F8, layout, shp)),
    ])
    check_view(lambda xp, a: xp.moveaxis(a, 0, -1), layout=layout, shape=shp)
    check_view(lambda xp, a: xp.expand_dims(a, 1), layout=layout, shape=shp)
    check_view(lambda xp, a: xp.squeeze(a[:, :1]), layout=layout, shape=shp, index=(1, 2))


def test_axis_errors_and_edge_cases():
    a = lambda xp: make(xp, F8, "c", (1, 3))  # noqa: E731
    check_all([
        lambda xp: xp.moveaxis(a(xp), 0, 5),
        lambda xp: xp.moveaxis(a(xp), (0, 1), 1),
        lambda xp: xp.moveaxis(a(xp), (0, 0), (0, 1)),
        lambda xp: xp.expand_dims(a(xp), (0, 0)),
        lambda xp: xp.expand_dims(a(xp), 4),
        lambda xp: xp.expand_dims(xp.asarray(2.0), 0),
        lambda xp: xp.squeeze(a(xp), axis=1),
        lambda xp: xp.squeeze(a(xp), axis=3),
        lambda xp: xp.squeeze(a(xp), axis=(0, 0)),
        lambda xp: xp.squeeze(xp.asarray(2.0)),
        lambda xp: xp.squeeze(xp.ones((1, 1, 1))),
        lambda xp: xp.squeeze(xp.ones((1, 0, 1)), axis=-1),
        lambda xp: a(xp).squeeze(),
        lambda xp: a(xp).squeeze(0),
        lambda xp: xp.swapaxes(a(xp), 0, 2),
        lambda xp: xp.transpose(a(xp), (1,)),
        lambda xp: xp.reshape(a(xp), (2, 2)),
        lambda xp: xp.reshape([1, 2, 3, 4], (2, 2)),
        lambda xp: xp.ravel(5),
    ])


# ---------------------------------------------------------------- joining

@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_concatenate_dtypes(dt):
    check_all([
        lambda xp: xp.concatenate([make(xp, dt, "c", (2, 3)), make(xp, dt, "c", (1, 3))]),
        lambda xp: xp.concatenate((make(xp, dt, "c", (2, 3)), make(xp, dt, "c", (2, 1))), axis=1),
        lambda xp: xp.concatenate([make(xp, dt, "c", (2, 3)), make(xp, I4, "c", (2,))],
                                  axis=None),
        lambda xp: xp.stack([make(xp, dt, "c", (2, 3))] * 3, axis=1),
    ])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_concatenate_layouts(layout):
    check_all([
        lambda xp: xp.concatenate([make(xp, F8, layout), make(xp, F8, "c", (1, 4))]),
        lambda xp: xp.concatenate([make(xp, F8, layout), make(xp, F8, layout)], axis=-1),
        lambda xp: xp.concatenate([make(xp, I4, layout), make(xp, F8, "c", (0, 4))], axis=0),
        lambda xp: xp.stack([make(xp, F8, layout), make(xp, F8, "c")], axis=2),
    ])


def test_concatenate_out_dtype_casting():
    def with_out(xp, dt):
        out = xp.zeros((5, 3), dtype=dt)
        r = xp.concatenate([make(xp, I4, "c", (2, 3)), make(xp, I4, "c", (3, 3))], out=out)
        assert r is out
        return out

    def stack_out(xp):
        out = xp.zeros((2, 3), dtype=F8)
        xp.stack([make(xp, I4, "c", (3,)), make(xp, F8, "c", (3,))], out=out)
        return out
    check_all([
        lambda xp: with_out(xp, F8),
        lambda xp: with_out(xp, numpy.int16),  # same_kind: int32 -> int16 allowed
        lambda xp: stack_out(xp),
        lambda xp: xp.concatenate([make(xp, F8, "c", (2,)), make(xp, I4, "c", (2,))],
                                  dtype=numpy.float32),
        lambda xp: xp.concatenate([make(xp, F8, "c", (2,)), make(xp, I4, "c", (2,))],
                                  dtype=I4),
        lambda xp: xp.concatenate([make(xp, F8, "c", (2,)), make(xp, I4, "c", (2,))],
                                  dtype=I4, casting="unsafe"),
        lambda xp: xp.concatenate([make(xp, F8, "c", (2,))], out=xp.zeros(2, I4)),
        lambda xp: xp.concatenate([make(xp, F8, "c", (2,))], out=xp.zeros(3)),
        lambda xp: xp.concatenate([make(xp, F8, "c", (2,))], out=xp.zeros(2), dtype=F8),
        lambda xp: xp.concatenate([make(xp, F8, "c", (2,))], casting="bogus"),
        lambda xp: xp.concatenate([[1, 2], [3.5]]),
        lambda xp: xp.concatenate([make(xp, numpy.uint8, "c", (2,)),
                                   make(xp, numpy.int8, "c", (2,))]),
    ])


def test_concatenate_errors():
    check_all([
        lambda xp: xp.concatenate([]),
        lambda xp: xp.concatenate([xp.asarray(1.0), xp.asarray(2.0)]),
        lambda xp: xp.concatenate([xp.asarray(1.0), xp.asarray(2.0)], axis=None),
        lambda xp: xp.concatenate([xp.ones(2), xp.ones((2, 2))]),
        lambda xp: xp.concatenate([xp.ones((2, 3)), xp.ones((2, 2))]),
        lambda xp: xp.concatenate([xp.ones((2, 2))], axis=2),
        lambda xp: xp.concatenate([xp.ones(2)], axis=1.0),
        lambda xp: xp.concatenate(x for x in [xp.ones(2)]),
        lambda xp: xp.stack(x for x in [xp.ones(2)]),
        lambda xp: xp.stack([]),
        lambda xp: xp.stack([xp.ones(2), xp.ones(3)]),
        lambda xp: xp.stack([xp.ones(2)], axis=2),
        lambda xp: xp.vstack([]),
        lambda xp: xp.hstack([]),
    ])


def test_stacks():
    v3 = lambda xp, dt=F8: make(xp, dt, "c", (3,))  # noqa: E731
    m = lambda xp, dt=F8: make(xp, dt, "c", (2, 3))  # noqa: E731
    check_all([
        lambda xp: xp.vstack([v3(xp), v3(xp, I4)]),
        lambda xp: xp.vstack([m(xp), v3(xp), xp.asarray([[9, 9, 9]])]),
        lambda xp: xp.vstack((m(xp), m(xp)), dtype=numpy.float32),
        lambda xp: xp.hstack([v3(xp), v3(xp), xp.asarray(5.0)]),
        lambda xp: xp.hstack([m(xp), m(xp, I4)]),
        lambda xp: xp.hstack([xp.asarray(1), xp.asarray(2)]),
        lambda xp: xp.dstack([v3(xp), v3(xp)]),
        lambda xp: xp.dstack([m(xp), m(xp)]),
        lambda xp: xp.column_stack([v3(xp), v3(xp, I4)]),
        lambda xp: xp.column_stack([make(xp, F8, "c", (3, 2)), v3(xp)]),
        lambda xp: xp.column_stack([make(xp, F8, "c", (2,)), v3(xp)]),
        lambda xp: xp.stack([v3(xp), v3(xp)], axis=-1),
        lambda xp: xp.stack([xp.asarray(1.0), xp.asarray(2.0)]),
        lambda xp: xp.append(m(xp), v3(xp)),
        lambda xp: xp.append(m(xp), m(xp, I4), axis=0),
        lambda xp: xp.append(v3(xp), [7, 8]),
        lambda xp: xp.append(m(xp), v3(xp), axis=0),
        lambda xp: xp.append(m(xp), m(xp), axis=2),
    ])


# ---------------------------------------------------------------- splitting

@pytest.mark.parametrize("layout", ["c", "n"])
def test_splits(layout):
    a = lambda xp: make(xp, F8, layout, (4, 6))  # noqa: E731
    check_all([
        lambda xp: xp.split(a(xp), 2),
        lambda xp: xp.split(a(xp), 3, axis=1),
        lambda xp: xp.split(a(xp), [1, 3], axis=-1),
        lambda xp: xp.split(a(xp), [3, 1, 10]),
        lambda xp: xp.array_split(a(xp), 3),
        lambda xp: xp.array_split(a(xp), 4, axis=1),
        lambda xp: xp.array_split(a(xp), 7, axis=1),
        lambda xp: xp.hsplit(a(xp), 3),
        lambda xp: xp.vsplit(a(xp), [1]),
        lambda xp: xp.dsplit(xp.reshape(xp.arange(8.0), (2, 2, 2)), 2),
        lambda xp: xp.hsplit(make(xp, F8, layout, (6,)), 2),
    ])
    check_view(lambda xp, a: xp.split(a, 2, axis=1)[1], layout=layout, shape=(4, 6))


def test_split_errors():
    check_all([
        lambda xp: xp.split(xp.ones(3), 2),
        lambda xp: xp.split(xp.ones(3), 2, axis=5),
        lambda xp: xp.split(xp.ones((2, 2)), 2, axis=2),
        lambda xp: xp.array_split(xp.ones(3), 0),
        lambda xp: xp.hsplit(xp.asarray(1.0), 1),
        lambda xp: xp.vsplit(xp.ones(3), 1),
        lambda xp: xp.dsplit(xp.ones((2, 2)), 1),
    ])


# ---------------------------------------------------------------- tile/repeat/resize

@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_tile_repeat_dtypes(dt):
    check_all([
        lambda xp: xp.tile(make(xp, dt, "c", (2, 3)), (2, 3)),
        lambda xp: xp.repeat(make(xp, dt, "c", (2, 3)), 2, axis=1),
        lambda xp: xp.repeat(make(xp, dt, "c", (2, 3)), [1, 0, 3], axis=1),
        lambda xp: xp.resize(make(xp, dt, "c", (2, 3)), (4, 4)),
    ])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_tile_repeat_layouts(layout):
    a = lambda xp: make(xp, F8, layout)  # noqa: E731
    check_all([
        lambda xp: xp.tile(a(xp), 2),
        lambda xp: xp.tile(a(xp), (2, 1, 2)),
        lambda xp: xp.tile(a(xp), (1, 1)),
        lambda xp: xp.repeat(a(xp), 3),
        lambda xp: xp.repeat(a(xp), 2, axis=0),
        lambda xp: xp.repeat(a(xp), [2, 2, 1, 1], axis=-1),
        lambda xp: a(xp).repeat(2, axis=1),
        lambda xp: xp.resize(a(xp), 7),
    ])


def test_tile_repeat_resize_edge_cases():
    check_all([
        lambda xp: xp.tile(xp.asarray(2.5), 3),
        lambda xp: xp.tile(xp.asarray(2.5), ()),
        lambda xp: xp.tile([1, 2], (2, 0)),
        lambda xp: xp.tile(xp.ones((0, 2)), 3),
        lambda xp: xp.tile(xp.ones(2), -1),
        lambda xp: xp.tile(xp.ones(2), 2.0),
        lambda xp: xp.repeat(3, 4),
        lambda xp: xp.repeat(make(xp, I4, "c", (3,)), 0),
        lambda xp: xp.repeat(make(xp, I4, "c", (3,)), [2]),
        lambda xp: xp.repeat(make(xp, I4, "c", (3,)), xp.asarray([1, 2, 3])),
        lambda xp: xp.repeat(make(xp, I4, "c", (3,)), 1.5),
        lambda xp: xp.repeat(make(xp, I4, "c", (3,)), -1),
        lambda xp: xp.repeat(make(xp, I4, "c", (3,)), [1, 2]),
        lambda xp: xp.repeat(make(xp, I4, "c", (3,)), [1, 2, -1]),
        lambda xp: xp.repeat(make(xp, I4, "c", (3,)), [[1]]),
        lambda xp: xp.repeat(make(xp, I4, "c", (2, 3)), 2, axis=2),
        lambda xp: xp.repeat(xp.ones((0, 3)), 2, axis=1),
        lambda xp: xp.resize(make(xp, I4, "c", (3,)), (2, 4)),
        lambda xp: xp.resize(make(xp, I4, "c", (3,)), 2),
        lambda xp: xp.resize(xp.ones(0), 3),
        lambda xp: xp.resize(make(xp, I4, "c", (3,)), (0, 2)),
        lambda xp: xp.resize(make(xp, I4, "c", (3,)), (-1,)),
    ])


def test_repeat_many_counts_gathers():
    """More than 64 runs of different counts: one gather."""
    check_all([
        lambda xp: xp.repeat(xp.arange(200), numpy.arange(200) % 3),
        lambda xp: xp.repeat(make(xp, F8, "t", (3, 90)), numpy.arange(90) % 4, axis=1),
        lambda xp: make(xp, I4, "n", (70, 2)).repeat(numpy.arange(70) % 2, axis=0),
    ])


# ---------------------------------------------------------------- flips and rolls

@pytest.mark.parametrize("layout", LAYOUTS)
def test_flips(layout):
    a = lambda xp: make(xp, I4, layout, (3, 4))  # noqa: E731
    check_all([
        lambda xp: xp.flip(a(xp)),
        lambda xp: xp.flip(a(xp), 0),
        lambda xp: xp.flip(a(xp), (-1,)),
        lambda xp: xp.fliplr(a(xp)),
        lambda xp: xp.flipud(a(xp)),
        lambda xp: xp.rot90(a(xp)),
        lambda xp: xp.rot90(a(xp), 2),
        lambda xp: xp.rot90(a(xp), -1),
        lambda xp: xp.rot90(a(xp), 4),
        lambda xp: xp.rot90(a(xp), 1, axes=(1, 0)),
    ])
    check_view(lambda xp, a: xp.flip(a), dt=I4, layout=layout)
    check_view(lambda xp, a: xp.rot90(a), dt=I4, layout=layout, index=(1, 2))


def test_flip_edge_cases():
    check_all([
        lambda xp: xp.flip(xp.asarray(3.0)),
        lambda xp: xp.flip(make(xp, F8, "c", (2, 3, 2)), (0, 2)),
        lambda xp: xp.flip(xp.ones((0, 2)), 0),
        lambda xp: xp.flip([1, 2, 3]),
        lambda xp: xp.flip(xp.ones(3), 1),
        lambda xp: xp.fliplr(xp.ones(3)),
        lambda xp: xp.flipud(xp.asarray(1.0)),
        lambda xp: xp.rot90(make(xp, F8, "c", (2, 3, 2)), 1, axes=(0, 2)),
        lambda xp: xp.rot90(make(xp, F8, "c", (2, 3, 2)), 3, axes=(-1, 1)),
        lambda xp: xp.rot90(xp.ones((2, 3)), axes=(0, 0)),
        lambda xp: xp.rot90(xp.ones((2, 3)), axes=(0, 2)),
        lambda xp: xp.rot90(xp.ones((2, 3)), axes=(0, 3)),
        lambda xp: xp.rot90(xp.ones((2, 3)), axes=(0,)),
    ])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_roll(layout):
    a = lambda xp: make(xp, F8, layout, (3, 4))  # noqa: E731
    check_all([
        lambda xp: xp.roll(a(xp), 5),
        lambda xp: xp.roll(a(xp), -1, axis=0),
        lambda xp: xp.roll(a(xp), (1, -6), axis=(0, 1)),
        lambda xp: xp.roll(a(xp), 2, axis=(1, 1)),
        lambda xp: xp.roll(a(xp), 0, axis=1),
    ])


def test_roll_is_a_snapshot():
    """roll's pending result reads the values at the call, whatever is written
    into the source afterwards."""
    def run(xp):
        a = xp.arange(12.0).reshape(3, 4)
        r1, r2 = xp.roll(a, 1, 0), xp.roll(a, (1, -1), (0, 1))
        a[...] = 0
        a2 = xp.arange(6).reshape(2, 3)
        r3 = xp.roll(a2, 1, 1)
        a2 += 5
        r4 = xp.roll(a2, (2, 6), (0, 1))          # whole turns: a copy
        a2[0, 0] = -1
        return r1, r2, r3 * 2 + r3, r4
    check_all([run])


def _heat(xp, u):
    return u + 0.1 * (xp.roll(u, 1, 0) + xp.roll(u, -1, 0) + xp.roll(u, 1, 1) +
                      xp.roll(u, -1, 1) - 4 * u)


# Rolled operands are read in place with wrapped indices (layout 'W' of
# kernels/fused.h): every kernel form (the chunked rows with and without
# vectors, whose loads straddle the wrap; rank 1; more axes than one kernel
# takes), strided sources, broadcasting, folds (which store the values
# first), and writes into the rolled array itself.
@pytest.mark.parametrize("dt", ["float64", "float32", "int32", "complex128", "bool"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_roll_fuses_into_expressions(dt, layout):
    u = lambda xp, shape=(37, 53): make(xp, numpy.dtype(dt), layout, shape)  # noqa: E731
    cases = [
        lambda xp: xp.roll(u(xp), (3, -17), (0, 1)) ^ u(xp) if dt == "bool" else _heat(xp, u(xp)),
        lambda xp: xp.roll(u(xp), 1, 1) != u(xp),
        lambda xp: xp.roll(u(xp, (300,)), 7) == xp.roll(u(xp, (300,)), -293),
        lambda xp: xp.logical_xor(xp.roll(u(xp, (3, 4, 50)), (1, 2, 9), (0, 1, 2)), u(xp, (3, 4, 50))),
        lambda xp: xp.roll(u(xp, (53,)), 5) == u(xp),           # broadcast rolled leaf
        lambda xp: xp.roll(u(xp, (37, 1)), 5, 0) != u(xp),
        lambda xp: xp.roll(u(xp), 4, 0).sum(axis=0),
        lambda xp: xp.roll(u(xp), -4, 1).sum(),
        lambda xp: xp.roll(u(xp, (300,)), -7),                  # stored as they are
        lambda xp: xp.roll(u(xp), (3, -17), (0, 1)),
        lambda xp: xp.roll(u(xp), 36, 0),
    ]
    if dt != "bool":
        cases += [
            lambda xp: xp.roll(u(xp, (300,)), 7) - u(xp, (300,)),
            lambda xp: xp.roll(u(xp, (53,)), 5) + u(xp) * 2,
            lambda xp: xp.roll(u(xp, (37, 1)), -3, 0) * u(xp),
            lambda xp: (xp.roll(u(xp), 1, 1) * u(xp)).sum(axis=1),
        ]
    check_all(cases, rtol=1e-6 if dt == "float32" else None)


def test_roll_many_axes_and_folds():
    shape = (2, 3, 2, 2, 3, 2, 2, 2, 5)       # nine axes
    check_all([
        # transposed: no axes merge, the outer one runs on the host (launch's
        # wrapped offsets; host loops decline the store)
        lambda xp: xp.roll(make(xp, F8, "t", shape), 1, 0),
        lambda xp: xp.roll(make(xp, F8, "t", shape), (1, 2, 3), (0, 1, 8)) * 3 + 1,
        lambda xp: xp.roll(make(xp, F8, "t", shape), 1, 0).sum(axis=(0, 8)),
        lambda xp: xp.roll(make(xp, F8, "c", shape), (1, 2, 1, 4), (0, 1, 4, 8)) * 3 + 1,
        lambda xp: xp.roll(make(xp, F8, "n", shape), 1, 0) - make(xp, F8, "c", shape),
        lambda xp: xp.roll(make(xp, F8, "c", shape), (1, 1), (0, 8)).max(axis=(0, 8)),
        lambda xp: xp.roll(make(xp, F8, "c", (40, 30)), 3, 0).mean(),
        lambda xp: xp.argmax(xp.roll(make(xp, F8, "t", (40, 30)), 3, 1), axis=1),
    ])


def test_sixteen_rolled_leaves_of_eight_axes():
    """The most wrapped operands one kernel takes: 16 leaves, each with a
    stride and a wrap per axis (two sums of 8 rolls, each within the
    pending-expression limits, added)."""
    def run(xp):
        u = make(xp, F8, "t", (3,) * 8)

        def half(sign):
            terms = [xp.roll(u, sign, ax) for ax in range(8)]
            while len(terms) > 1:
                terms = [terms[i] + terms[i + 1] for i in range(0, len(terms), 2)]
            return terms[0]
        return half(1) + half(-1)
    check_all([run])


def test_roll_written_into_its_source():
    """Stores that read a roll of their destination compute it before writing."""
    def assign(xp):
        a = xp.arange(60.0).reshape(6, 10)
        a[...] = xp.roll(a, 1, 0) + a
        a[1:] = xp.roll(a, 2, 1)[1:] * 2
        a[:, 3] = xp.roll(a[:, 3], 1)
        return a

    def out(xp):
        a = xp.arange(60.0).reshape(6, 10)
        xp.add(xp.roll(a, 1, 1), a, out=a)
        xp.multiply(xp.roll(a, -1), 2, out=a)
        return a

    def scatter(xp):
        a = xp.arange(20.0)
        a[xp.asarray([0, 5, 19])] = xp.roll(a, 3)[:3]
        a[::2] = xp.roll(a, 1)[::2]
        return a

    def pending(xp):
        a = xp.arange(12.0).reshape(3, 4)
        return xp.roll(a * 2 + 1, 1, 0) - xp.roll(xp.roll(a, 1, 1), -1, 1)

    check_all([assign, out, scatter, pending])


def test_roll_edge_cases():
    check_all([
        lambda xp: xp.roll(make(xp, numpy.complex64, "c", (5,)), 2),
        lambda xp: xp.roll(xp.asarray(3.0), 1),
        lambda xp: xp.roll(xp.ones((0, 3)), 1, axis=0),
        lambda xp: xp.roll([1, 2, 3], 1),
        lambda xp: xp.roll(xp.ones((2, 3)), [1, 2], axis=[[0]]),
        lambda xp: xp.roll(xp.ones((2, 3)), 1, axis=2),
        lambda xp: xp.roll(xp.ones((2, 3)), [1, 2, 3], axis=[0, 1]),
    ])


# ---------------------------------------------------------------- broadcasting

def test_broadcast_to_arrays():
    check_all([
        lambda xp: xp.broadcast_to(make(xp, F8, "c", (3,)), (2, 3)),
        lambda xp: xp.broadcast_to(make(xp, F8, "n", (3, 1)), (2, 3, 4)),
        lambda xp: xp.broadcast_to(make(xp, F8, "t", (3, 4)), (3, 4)),
        lambda xp: xp.broadcast_to(xp.asarray(1.5), (2, 2)),
        lambda xp: xp.broadcast_to(xp.asarray(1.5), 3),
        lambda xp: xp.broadcast_to([1, 2], (0, 2)),
        lambda xp: xp.broadcast_to(xp.ones(3), (4,)),
        lambda xp: xp.broadcast_to(xp.ones(3), ()),
        lambda xp: xp.broadcast_to(xp.ones(3), (-1, 3)),
        lambda xp: xp.broadcast_to(xp.ones((2, 3)), (3,)),
        lambda xp: xp.broadcast_arrays(make(xp, F8, "c", (3,)), make(xp, I4, "c", (2, 1))),
        lambda xp: xp.broadcast_arrays(make(xp, F8, "c", (3,))),
        lambda xp: xp.broadcast_arrays(xp.ones(3), xp.ones(4)),
        lambda xp: xp.broadcast_shapes((2, 1), (3,)),
    ])
    b = ndaccel.broadcast_to(make(ndaccel, F8, "c", (3,)), (2, 3))
    assert b.strides == (0, 8)


def test_atleast():
    check_all([
        lambda xp: xp.atleast_1d(xp.asarray(1.0)),
        lambda xp: xp.atleast_1d(1, [2, 3]),
        lambda xp: xp.atleast_1d(),
        lambda xp: xp.atleast_2d(xp.asarray(1.0)),
        lambda xp: xp.atleast_2d(make(xp, F8, "n", (3,))),
        lambda xp: xp.atleast_2d(make(xp, F8, "c", (2, 3)), 5),
        lambda xp: xp.atleast_3d(xp.asarray(1.0)),
        lambda xp: xp.atleast_3d(make(xp, F8, "n", (3,))),
        lambda xp: xp.atleast_3d(make(xp, F8, "t", (2, 3))),
        lambda xp: xp.atleast_3d(make(xp, F8, "c", (1, 2, 3, 1))),
    ])
    check_view(lambda xp, a: xp.atleast_3d(a), layout="t")


@pytest.mark.parametrize("layout", LAYOUTS + ["0"])
def test_ascontiguousarray(layout):
    def run(xp):
        a = xp.asarray(2.0) if layout == "0" else make(xp, F8, layout)
        r = xp.ascontiguousarray(a)
        assert r.flags["C_CONTIGUOUS"]
        return r
    check(run)
    check(lambda xp: xp.ascontiguousarray(make(xp, I4, "c"), dtype=numpy.float32))
    a = make(ndaccel, F8, "c")
    assert ndaccel.ascontiguousarray(a) is a


# ---------------------------------------------------------------- pad

@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_pad_dtypes(dt):
    a = lambda xp: make(xp, dt, "c", (2, 3))  # noqa: E731
    check_all([
        lambda xp: xp.pad(a(xp), 1),
        lambda xp: xp.pad(a(xp), ((1, 0), (2, 1)), constant_values=one(dt)),
        lambda xp: xp.pad(a(xp), (2, 1), mode="edge"),
        lambda xp: xp.pad(a(xp), 2, mode="reflect"),
        lambda xp: xp.pad(a(xp), ((0, 3), (4, 2)), mode="symmetric"),
        lambda xp: xp.pad(a(xp), ((3, 2), (5, 7)), mode="wrap"),
    ])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pad_layouts(layout):
    a = lambda xp: make(xp, F8, layout, (3, 4))  # noqa: E731
    check_all([
        lambda xp: xp.pad(a(xp), ((1, 2), (3, 0)), constant_values=((1, 2), (3, 4))),
        lambda xp: xp.pad(a(xp), 5, mode="reflect"),
        lambda xp: xp.pad(a(xp), 9, mode="symmetric"),
        lambda xp: xp.pad(a(xp), ((7, 1), (2, 9)), mode="wrap"),
        lambda xp: xp.pad(a(xp), 3, mode="reflect", reflect_type="odd"),
        lambda xp: xp.pad(a(xp), 6, mode="symmetric", reflect_type="odd"),
        lambda xp: xp.pad(a(xp), ((2, 3), (1, 4)), mode="linear_ramp", end_values=(5, -2)),
    ])


def test_pad_edge_cases():
    v = lambda xp: make(xp, I4, "c", (4,))  # noqa: E731
    check_all([
        lambda xp: xp.pad(v(xp), {0: (1, 2)}),
        lambda xp: xp.pad(xp.ones((2, 2)), {1: 3}),
        lambda xp: xp.pad(v(xp), 2, constant_values=1.7),
        lambda xp: xp.pad(v(xp), 0, mode="reflect"),
        lambda xp: xp.pad(make(xp, I4, "c", (1, 3)), 2, mode="reflect"),
        lambda xp: xp.pad(v(xp), 3, mode="linear_ramp"),
        lambda xp: xp.pad(xp.ones((0, 2)), 1),
        lambda xp: xp.pad(xp.ones((0, 2)), ((0, 0), (1, 1)), mode="edge"),
        lambda xp: xp.pad(xp.ones(0), 1, mode="edge"),
        lambda xp: xp.pad(xp.asarray(5.0), 2),
        lambda xp: xp.pad([1, 2, 3], 1, mode="wrap"),
        lambda xp: xp.pad(v(xp), -1),
        lambda xp: xp.pad(v(xp), 1.5),
        lambda xp: xp.pad(v(xp), ((1, 2), (3, 4))),
        lambda xp: xp.pad(v(xp), 1, mode="foo"),
        lambda xp: xp.pad(v(xp), 1, foo=1),
        lambda xp: xp.pad(v(xp), 1, mode="edge", constant_values=3),
    ])

    def empty_mode(xp):
        r = xp.pad(v(xp), 2, mode="empty")
        return (r.shape, str(r.dtype))
    assert empty_mode(numpy) == empty_mode(ndaccel)


@pytest.mark.parametrize("mode", ["maximum", "minimum", "mean", "median"])
@pytest.mark.parametrize("dt", ["int32", "uint8", "float64", "float32"])
def test_pad_statistics(mode, dt):
    """The statistic modes with NumPy's stat_length rules: None (the whole
    axis), one length, per-axis (before, after) pairs, lengths past the axis
    (clipped), rounded lengths; integer means and medians rounded half to even
    (values here make .5 means)."""
    a = lambda xp: xp.asarray(numpy.array([[1, 2, 4, 9, 3], [7, 0, 5, 6, 8],  # noqa: E731
                                           [2, 2, 3, 1, 9], [5, 4, 1, 0, 2]], dtype=dt))
    check_all([
        lambda xp: xp.pad(a(xp), 2, mode=mode),
        lambda xp: xp.pad(a(xp), ((1, 2), (3, 0)), mode=mode, stat_length=2),
        lambda xp: xp.pad(a(xp), ((0, 3), (2, 2)), mode=mode, stat_length=((1, 3), (2, 1))),
        lambda xp: xp.pad(a(xp), 1, mode=mode, stat_length=(1, 10)),
        lambda xp: xp.pad(a(xp), (2, 1), mode=mode, stat_length=2.6),
        lambda xp: xp.pad(a(xp)[::-1, 1:], ((1, 1), (2, 3)), mode=mode, stat_length=3),
    ], rtol=1e-6 if dt == "float32" else None)


def test_pad_statistics_edge_cases():
    v = lambda xp: make(xp, F8, "c", (5,))  # noqa: E731
    check_all([
        lambda xp: xp.pad(v(xp), 2, mode="maximum", stat_length=0),  # ValueError
        lambda xp: xp.pad(v(xp), 0, mode="minimum", stat_length=(3, 0)),  # ValueError
        lambda xp: xp.pad(v(xp), 2, mode="mean", stat_length=-1),  # ValueError
        lambda xp: xp.pad(v(xp), 2, mode="median", foo=1),  # ValueError
        lambda xp: xp.pad(v(xp), 2, mode="mean", stat_length=0),  # nan, as NumPy
        lambda xp: xp.pad(xp.ones((0, 2)), ((0, 0), (1, 1)), mode="mean"),
        lambda xp: xp.pad(xp.ones((0, 2)), 1, mode="maximum"),  # ValueError: empty axis
        lambda xp: xp.pad(make(xp, F8, "c", (2, 3, 4)), ((1, 0), (0, 2), (1, 1)), mode="mean"),
        lambda xp: xp.pad(make(xp, "float16", "c", (3, 4)), 1, mode="mean"),
        lambda xp: xp.pad(make(xp, "complex64", "c", (3, 4)), 1, mode="mean"),
        lambda xp: xp.pad(make(xp, bool, "c", (3, 4)), 1, mode="maximum"),
    ])


# ---------------------------------------------------------------- clip

@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_clip_dtypes(dt):
    a = lambda xp: make(xp, dt, "c", (3, 4))  # noqa: E731
    lo, hi = (False, True) if dt == bool else (-1, 2)
    check_all([
        lambda xp: xp.clip(a(xp), lo, hi),
        lambda xp: xp.clip(a(xp), None, hi),
        lambda xp: xp.clip(a(xp), lo, None),
        lambda xp: a(xp).clip(min=lo),
        lambda xp: xp.clip(a(xp), min=lo, max=hi),
        lambda xp: xp.clip(a(xp), None, None),
    ])


def test_clip_one_positional_bound_is_the_array_apis():
    # clip(x, min, max) in the array API: a single bound clips one side, where
    # NumPy's clip(a, a_min, a_max) asks for the other (TypeError).
    a = ndaccel.asarray([0.0, 1.0, 2.0, 3.0])
    assert ndaccel.clip(a, 1).get().tolist() == [1.0, 1.0, 2.0, 3.0]
    assert ndaccel.clip(a, None, 2).get().tolist() == [0.0, 1.0, 2.0, 2.0]
    with pytest.raises(TypeError, match="a_max"):
        ndaccel.clip(a, a_min=1)
    # NumPy: ValueError (min= with a_min/a_max given); here min is the second
    # parameter itself, given twice: Python's TypeError.
    with pytest.raises(TypeError, match="multiple values"):
        ndaccel.clip(a, 1, 2, min=1)
    with pytest.raises(ValueError, match="forbidden"):
        ndaccel.clip(a, a_min=1, a_max=2, min=1)


def test_clip_semantics():
    a = lambda xp, dt=F8, layout="c": make(xp, dt, layout, (3, 4))  # noqa: E731
    check_all([
        lambda xp: xp.clip(a(xp, F8, "n"), xp.asarray([-1.0, 0.0, 1.0, 2.0]), 1.5),
        lambda xp: xp.clip(a(xp, I4, "t"), 0.5, 1),
        lambda xp: xp.clip(a(xp, numpy.int8), 0, 300),
        lambda xp: xp.clip(a(xp, numpy.int8), -300, 1),
        lambda xp: xp.clip(a(xp, numpy.uint8), -1, 3),
        lambda xp: xp.clip(a(xp, I4), numpy.int64(0), 2),
        lambda xp: xp.clip(xp.asarray([1.0, numpy.nan, -3.0]), -1, 1),
        lambda xp: xp.clip(xp.asarray([1.0, 2.0, -3.0]), numpy.nan, 1),
        lambda xp: xp.clip(a(xp), 2, -1),
        lambda xp: xp.clip([1, 5, 9], 2, 6),
        lambda xp: a(xp).clip(),
        lambda xp: a(xp).clip(1),
        lambda xp: a(xp).clip(max=1),
        lambda xp: xp.clip(a(xp), a_max=1),
        lambda xp: xp.clip(a(xp, bool)),
    ])

    def with_out(xp, dt):
        out = xp.zeros((3, 4), dtype=dt)
        r = xp.clip(a(xp), -1, 1, out=out)
        assert r is out
        return out
    check(lambda xp: with_out(xp, F8))
    check(lambda xp: with_out(xp, I4))  # float64 -> int32 under same_kind: TypeError


# ---------------------------------------------------------------- insert / delete

def test_delete():
    v = lambda xp: make(xp, I4, "c", (10,))  # noqa: E731
    m = lambda xp, layout="c": make(xp, F8, layout, (3, 5))  # noqa: E731
    check_all([
        lambda xp: xp.delete(v(xp), 3),
        lambda xp: xp.delete(v(xp), -1),
        lambda xp: xp.delete(v(xp), numpy.int64(0)),
        lambda xp: xp.delete(v(xp), slice(2, 5)),
        lambda xp: xp.delete(v(xp), slice(1, None, 3)),
        lambda xp: xp.delete(v(xp), slice(None, None, -2)),
        lambda xp: xp.delete(v(xp), slice(8, 2, -3)),
        lambda xp: xp.delete(v(xp), slice(5, 5)),
        lambda xp: xp.delete(v(xp), [0, 4, 5, 9]),
        lambda xp: xp.delete(v(xp), [7]),
        lambda xp: xp.delete(v(xp), []),
        lambda xp: xp.delete(v(xp), numpy.arange(10) % 3 == 0),
        lambda xp: xp.delete(m(xp, "t"), 1, axis=1),
        lambda xp: xp.delete(m(xp, "n"), slice(0, None, 2), axis=-1),
        lambda xp: xp.delete(m(xp, "s"), [0, 2], axis=0),
        lambda xp: xp.delete(m(xp), 4),
        lambda xp: xp.delete(v(xp), 10),
        lambda xp: xp.delete(v(xp), [1, 12]),
        lambda xp: xp.delete(v(xp), 1.5),
        lambda xp: xp.delete(v(xp), [True, False]),
        lambda xp: xp.delete(m(xp), 1, axis=2),
    ])


def test_insert():
    v = lambda xp: make(xp, I4, "c", (5,))  # noqa: E731
    m = lambda xp, layout="c": make(xp, F8, layout, (2, 3))  # noqa: E731
    check_all([
        lambda xp: xp.insert(v(xp), 1, 9),
        lambda xp: xp.insert(v(xp), 5, [7, 8]),
        lambda xp: xp.insert(v(xp), -2, 7.9),
        lambda xp: xp.insert(v(xp), [2], [7, 8]),
        lambda xp: xp.insert(v(xp), slice(1, 3), [7, 8]),
        lambda xp: xp.insert(v(xp), slice(None, None, 2), [7, 8, 9]),
        lambda xp: xp.insert(v(xp), slice(None, None, -2), [7, 8, 9]),
        lambda xp: xp.insert(v(xp), slice(4, 0, -3), 6),
        lambda xp: xp.insert(v(xp), [1, 1, 0], [7, 8, 9]),
        lambda xp: xp.insert(v(xp), [3, 0, 5], 6),
        lambda xp: xp.insert(v(xp), numpy.array([False, True, False, False, True]), 6),
        lambda xp: xp.insert(v(xp), [], 6),
        lambda xp: xp.insert(m(xp, "t"), 1, [7, 8, 9], axis=0),
        lambda xp: xp.insert(m(xp, "n"), 1, [7, 8], axis=1),
        lambda xp: xp.insert(m(xp), [1], [[7], [8]], axis=1),
        lambda xp: xp.insert(m(xp), slice(0, 2), [7, 8], axis=1),
        lambda xp: xp.insert(m(xp), [0, 2], [7, 8], axis=0),
        lambda xp: xp.insert(m(xp), 2, 5),
        lambda xp: xp.insert(v(xp), 6, 1),
        lambda xp: xp.insert(v(xp), [7], 1),
        lambda xp: xp.insert(v(xp), [1, 7], 1),
        lambda xp: xp.insert(v(xp), [[1]], 1),
        lambda xp: xp.insert(v(xp), 1.5, 1),
        lambda xp: xp.insert(m(xp), 1, 1, axis=2),
    ])


def test_insert_delete_scattered_gather():
    """More than 64 runs of kept, old or inserted elements: one gather."""
    m = lambda xp: make(xp, F8, "t", (3, 200))  # noqa: E731
    check_all([
        lambda xp: xp.delete(xp.arange(400), numpy.arange(0, 400, 3)),
        lambda xp: xp.delete(m(xp), numpy.arange(1, 200, 2), axis=1),
        lambda xp: xp.delete(m(xp), numpy.arange(200) % 5 == 1, axis=-1),
        lambda xp: xp.insert(xp.arange(400), numpy.arange(0, 400, 3), 1),
        lambda xp: xp.insert(xp.arange(100), numpy.arange(100)[::-1] // 2, xp.arange(100) * 10),
        lambda xp: xp.insert(m(xp), numpy.arange(0, 200, 2), [[7.5], [8.0], [9.0]], axis=1),
        lambda xp: xp.insert(make(xp, I4, "n", (150,)), numpy.arange(0, 150, 2), 2.7),
    ])
    # slices with a step are strided copies, whatever their length
    check(lambda xp: xp.delete(xp.arange(400), slice(3, None, 7)))
    check(lambda xp: xp.insert(xp.arange(400), slice(None, None, -3), 1))


# ---------------------------------------------------------------- cross-cutting

def test_bad_axes_raise_axis_error():
    from numpy.exceptions import AxisError
    a = make(ndaccel, F8, "c", (2, 3))
    calls = [
        lambda: ndaccel.moveaxis(a, 2, 0), lambda: ndaccel.expand_dims(a, 3),
        lambda: ndaccel.squeeze(a, 2), lambda: ndaccel.swapaxes(a, 0, -3),
        lambda: ndaccel.concatenate([a, a], axis=2), lambda: ndaccel.stack([a], axis=-4),
        lambda: ndaccel.repeat(a, 2, axis=2), lambda: ndaccel.flip(a, 2),
        lambda: ndaccel.roll(a, 1, axis=-3), lambda: ndaccel.delete(a, 0, axis=2),
        lambda: ndaccel.insert(a, 0, 1, axis=2), lambda: ndaccel.diagonal(a, 0, 0, 2),
        lambda: ndaccel.linspace(0, 1, 3, axis=1), lambda: ndaccel.transpose(a, (0, 2)),
    ]
    for call in calls:
        with pytest.raises(AxisError):
            call()


def test_lazy_inputs():
    """Pending (fused, not yet computed) arrays as inputs of views and copies."""
    a = lambda xp: make(xp, F8, "c", (2, 3)) * 2  # noqa: E731
    check_all([
        lambda xp: xp.expand_dims(a(xp), 1),
        lambda xp: xp.squeeze(xp.expand_dims(a(xp), 0)),
        lambda xp: xp.diagonal(a(xp), 1),
        lambda xp: xp.broadcast_to(a(xp), (2, 2, 3)),
        lambda xp: xp.flip(a(xp)),
        lambda xp: xp.tile(a(xp), 2),
        lambda xp: xp.repeat(a(xp), 2),
        lambda xp: xp.concatenate([a(xp), a(xp) + 1]),
        lambda xp: xp.pad(a(xp), 1, mode="reflect"),
        lambda xp: xp.roll(a(xp), 1),
        lambda xp: xp.delete(a(xp), slice(None, None, 2), axis=1),
        lambda xp: xp.atleast_3d(a(xp)),
    ])


def test_zero_d_and_empty():
    check_all([
        lambda xp: xp.clip(xp.asarray(5.0), 1, 2),
        lambda xp: xp.clip(xp.ones((0, 2)), 1, 2),
        lambda xp: xp.insert(xp.ones(0), 0, 5),
        lambda xp: xp.insert(xp.asarray(1.0), 1, 5),
        lambda xp: xp.delete(xp.asarray(1.0), 0),
        lambda xp: xp.delete(xp.ones((0, 3)), [], axis=0),
        lambda xp: xp.append(xp.asarray(1.0), 2),
        lambda xp: xp.concatenate([xp.ones((0, 3)), xp.ones((0, 3), I4)]),
        lambda xp: xp.stack([xp.ones(0), xp.ones(0)]),
        lambda xp: xp.split(xp.ones(0), 2),
        lambda xp: xp.moveaxis(xp.ones((0, 2, 1)), -1, 0),
        lambda xp: xp.diag(xp.ones(0)),
        lambda xp: xp.diagflat(xp.asarray(2.0), 1),
        lambda xp: xp.meshgrid(xp.ones(0), xp.ones(2)),
        lambda xp: xp.expand_dims(xp.ones(0), (0, 2)),
        lambda xp: xp.tril(xp.ones((2, 0, 3))),
        lambda xp: xp.linspace(xp.ones(0), 1, 3),
        lambda xp: xp.column_stack([xp.asarray(1.0), xp.asarray(2.0)]),
    ])


def test_concatenate_sequence_kinds():
    check_all([
        lambda xp: xp.concatenate(make(xp, F8, "c", (3, 2, 2))),
        lambda xp: xp.concatenate((make(xp, F8, "c", (2,)), [7.0], (8, 9))),
        lambda xp: xp.vstack(make(xp, I4, "n", (2, 3))),
    ])

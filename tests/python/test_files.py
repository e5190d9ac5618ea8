"""Files and bytes in NumPy's formats, both ways: what ndaccel writes is byte
for byte what NumPy writes for the same data, and each library reads what
the other wrote (.npy, .npz, text, raw binary, buffers, iterables)."""
import io
import os

import numpy
import pytest

import ndaccel

DTYPES = ["bool", "int8", "uint16", "int64", "float16", "float32", "float64", "complex64",
          "complex128"]


def host_data(dtype, shape=(3, 4)):
    h = numpy.arange(int(numpy.prod(shape))).reshape(shape) * 3 - 5
    return h.astype(dtype)


def layouts(h):
    """The same values as a contiguous device array, a transposed view and a strided one."""
    d = ndaccel.asarray(h)
    yield "c", h, d
    yield "t", h.T, d.T
    yield "s", h[::2, ::-1], d[::2, ::-1]


def same_bytes(path_a, path_b):
    with open(path_a, "rb") as fa, open(path_b, "rb") as fb:
        return fa.read() == fb.read()


def assert_device_equal(got, want):
    assert isinstance(got, ndaccel.ndarray)
    assert got.dtype == want.dtype and got.shape == want.shape
    numpy.testing.assert_array_equal(got.get(), want)


@pytest.mark.parametrize("dtype", DTYPES)
def test_npy_both_ways(tmp_path, dtype):
    for name, h, d in layouts(host_data(dtype)):
        mine, theirs = tmp_path / f"{name}_nd.npy", tmp_path / f"{name}_np.npy"
        ndaccel.save(mine, d)
        numpy.save(theirs, h)
        assert same_bytes(mine, theirs), name
        numpy.testing.assert_array_equal(numpy.load(mine), h)
        assert_device_equal(ndaccel.load(theirs), h)


def test_npy_0d_empty_and_file_objects(tmp_path):
    for h in (numpy.array(2.5), numpy.zeros((0, 3), numpy.int32)):
        buf_nd, buf_np = io.BytesIO(), io.BytesIO()
        ndaccel.save(buf_nd, ndaccel.asarray(h))
        numpy.save(buf_np, h)
        assert buf_nd.getvalue() == buf_np.getvalue()
        buf_np.seek(0)
        assert_device_equal(ndaccel.load(buf_np), h)
    # a path without the suffix gets .npy, as NumPy
    ndaccel.save(str(tmp_path / "x"), ndaccel.ones(2))
    assert os.path.exists(tmp_path / "x.npy")
    # host data and lists save as NumPy would
    ndaccel.save(tmp_path / "l.npy", [[1, 2], [3, 4]])
    numpy.testing.assert_array_equal(numpy.load(tmp_path / "l.npy"), [[1, 2], [3, 4]])


def test_load_mmap_mode_is_served_through_the_host(tmp_path):
    h = host_data("float32")
    numpy.save(tmp_path / "m.npy", h)
    assert_device_equal(ndaccel.load(tmp_path / "m.npy", mmap_mode="r"), h)


def test_load_errors_as_numpy(tmp_path):
    numpy.save(tmp_path / "o.npy", numpy.array([1, "a"], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        ndaccel.load(tmp_path / "o.npy")
    with pytest.raises(TypeError, match="object"):
        ndaccel.load(tmp_path / "o.npy", allow_pickle=True)
    with pytest.raises(FileNotFoundError):
        ndaccel.load(tmp_path / "missing.npy")


@pytest.mark.parametrize("compressed", [False, True])
def test_npz_both_ways(tmp_path, compressed):
    a, b = host_data("float64"), host_data("int16", (5,))
    save_nd = ndaccel.savez_compressed if compressed else ndaccel.savez
    save_np = numpy.savez_compressed if compressed else numpy.savez
    save_nd(tmp_path / "nd.npz", ndaccel.asarray(a), weights=ndaccel.asarray(b))
    save_np(tmp_path / "np.npz", a, weights=b)
    with numpy.load(tmp_path / "nd.npz") as z:
        assert sorted(z.files) == ["arr_0", "weights"]
        numpy.testing.assert_array_equal(z["arr_0"], a)
        numpy.testing.assert_array_equal(z["weights"], b)
    with ndaccel.load(tmp_path / "np.npz") as z:
        assert type(z).__name__ == "NpzFile"
        assert sorted(z.files) == ["arr_0", "weights"] == sorted(z)
        assert len(z) == 2 and "weights" in z and "nope" not in z
        assert_device_equal(z["arr_0"], a)
        assert_device_equal(dict(z.items())["weights"], b)
        with pytest.raises(KeyError):
            z["nope"]
    # the archives hold the same arrays as NumPy's (zip metadata holds times)
    with numpy.load(tmp_path / "nd.npz") as x, numpy.load(tmp_path / "np.npz") as y:
        for k in y.files:
            assert x[k].tobytes() == y[k].tobytes() and x[k].dtype == y[k].dtype


@pytest.mark.parametrize("dtype", ["int32", "float64", "float32", "complex128"])
@pytest.mark.parametrize("kw", [{}, {"fmt": "%d", "delimiter": ","},
                                {"header": "a b c d", "footer": "end", "comments": "% "}],
                         ids=["default", "fmt", "header"])
def test_savetxt_same_text(tmp_path, dtype, kw):
    if dtype.startswith("complex") and "fmt" in kw:
        pytest.skip("%d of complex values is an error in both")
    for name, h, d in layouts(host_data(dtype)):
        ndaccel.savetxt(tmp_path / "nd.txt", d, **kw)
        numpy.savetxt(tmp_path / "np.txt", h, **kw)
        assert same_bytes(tmp_path / "nd.txt", tmp_path / "np.txt"), name


def test_loadtxt_and_genfromtxt(tmp_path):
    h = host_data("float64")
    numpy.savetxt(tmp_path / "t.csv", h, delimiter=",")
    assert_device_equal(ndaccel.loadtxt(tmp_path / "t.csv", delimiter=","), h)
    numpy.savetxt(tmp_path / "i.csv", h, delimiter=",", fmt="%d")
    assert_device_equal(ndaccel.loadtxt(tmp_path / "i.csv", delimiter=",", dtype=int,
                                        usecols=(0, 2)), h[:, [0, 2]].astype(int))
    cols = ndaccel.loadtxt(tmp_path / "t.csv", delimiter=",", unpack=True)
    assert_device_equal(cols, h.T)
    x, y, *_ = cols
    assert_device_equal(x, h[:, 0])
    text = "1,2,3\n4,,6\n7,8,9\n"
    want = numpy.genfromtxt(io.StringIO(text), delimiter=",", filling_values=-1)
    assert_device_equal(ndaccel.genfromtxt(io.StringIO(text), delimiter=",",
                                           filling_values=-1), want)
    want = numpy.genfromtxt(io.StringIO(text), delimiter=",")
    got = ndaccel.genfromtxt(io.StringIO(text), delimiter=",")
    numpy.testing.assert_array_equal(got.get(), want)  # NaN where missing
    with pytest.raises(TypeError, match="structured"):
        ndaccel.genfromtxt(io.StringIO("a,b\n1,2\n"), delimiter=",", names=True)
    with pytest.raises(NotImplementedError, match="usemask"):
        ndaccel.genfromtxt(io.StringIO(text), delimiter=",", usemask=True)
    with pytest.raises(ValueError):
        ndaccel.loadtxt(io.StringIO("1 2\n3\n"))


@pytest.mark.parametrize("dtype", DTYPES)
def test_tofile_fromfile_tobytes_frombuffer(tmp_path, dtype):
    for name, h, d in layouts(host_data(dtype)):
        d.tofile(tmp_path / "nd.bin")
        h.tofile(tmp_path / "np.bin")
        assert same_bytes(tmp_path / "nd.bin", tmp_path / "np.bin"), name
        assert d.tobytes() == h.tobytes()
        assert d.tobytes(order="F") == h.tobytes(order="F")
        assert_device_equal(ndaccel.fromfile(tmp_path / "np.bin", dtype=dtype), h.ravel())
        assert_device_equal(ndaccel.frombuffer(h.tobytes(), dtype=dtype), h.ravel())


def test_text_tofile_fromfile_fromstring_fromiter(tmp_path):
    h = host_data("float64")
    ndaccel.asarray(h).tofile(tmp_path / "nd.txt", sep=",", format="%.3f")
    h.tofile(tmp_path / "np.txt", sep=",", format="%.3f")
    assert same_bytes(tmp_path / "nd.txt", tmp_path / "np.txt")
    assert_device_equal(ndaccel.fromfile(tmp_path / "np.txt", sep=","),
                        numpy.fromfile(tmp_path / "np.txt", sep=","))
    assert_device_equal(ndaccel.fromfile(tmp_path / "np.txt", sep=",", count=3),
                        numpy.fromfile(tmp_path / "np.txt", sep=",", count=3))
    assert_device_equal(ndaccel.fromstring("1 2 3.5", sep=" "), numpy.array([1, 2, 3.5]))
    with pytest.raises(ValueError, match="frombuffer"):
        ndaccel.fromstring(b"abc", dtype=numpy.uint8)
    assert_device_equal(ndaccel.fromiter((i * i for i in range(5)), dtype=numpy.int32),
                        numpy.arange(5, dtype=numpy.int32) ** 2)
    assert_device_equal(ndaccel.fromiter(range(10), dtype=float, count=4),
                        numpy.arange(4.0))
    assert_device_equal(ndaccel.frombuffer(b"\x01\x02\x03\x04", dtype=numpy.uint8, count=2,
                                           offset=1), numpy.array([2, 3], numpy.uint8))
    with pytest.raises(ValueError):
        ndaccel.frombuffer(b"\x01\x02\x03", dtype=numpy.int16)
    with pytest.raises(NotImplementedError, match="like"):
        ndaccel.fromiter(range(3), dtype=float, like=numpy.zeros(1))

"""The small names NumPy programs touch first: scalar types and dtype
aliases, finfo/iinfo, floating-point error state, print options, dtype
queries (result_type, can_cast, ...), shape queries, index iteration and
the configuration reports. Each is the same call on NumPy and ndaccel."""
import io
import warnings

import numpy
import pytest

import ndaccel
from xp_util import ALL_DTYPES, _builtin_base, dtype_id


def host_compare(fn):
    """fn(numpy) and fn(ndaccel) give equal host results of the same type,
    or the same builtin exception class. Returns ndaccel's result."""
    try:
        expected = fn(numpy)
    except Exception as exc:  # noqa: BLE001 - NumPy's error is the expectation
        with pytest.raises(_builtin_base(type(exc))):
            fn(ndaccel)
        return exc
    got = fn(ndaccel)
    assert type(got) is type(expected), f"{type(got)} != numpy's {type(expected)}"
    assert got == expected, f"{got!r} != numpy's {expected!r}"
    return got


def arr(xp, dt, shape=(3,)):
    """An array of dtype dt on xp (ndaccel: on the device)."""
    return xp.asarray(numpy.ones(shape, dtype=dt))


# ---------------------------------------------------------------- scalar types

NUMPY_SCALAR_TYPES = sorted(n for n in dir(numpy) if not n.startswith("_")
                            and isinstance(getattr(numpy, n), type)
                            and issubclass(getattr(numpy, n), numpy.generic))


def test_every_numpy_scalar_type_is_exported():
    for name in NUMPY_SCALAR_TYPES:
        assert getattr(ndaccel, name) is getattr(numpy, name), name
    for name in ("int_", "uint", "double", "single", "half", "longlong", "ulonglong", "ubyte",
                 "byte", "short", "ushort", "intc", "uintc", "long", "ulong", "bool", "bool_",
                 "cdouble", "csingle", "clongdouble", "longdouble", "generic", "number",
                 "integer", "signedinteger", "unsignedinteger", "inexact", "floating",
                 "complexfloating"):
        assert name in NUMPY_SCALAR_TYPES, name


@pytest.mark.parametrize("name", ["int_", "uint", "double", "single", "half", "longlong",
                                  "ulonglong", "ubyte", "byte", "short", "ushort", "intc",
                                  "uintc", "long", "ulong", "bool", "cdouble", "csingle"])
def test_device_dtype_aliases_make_arrays(name):
    a = ndaccel.zeros(2, dtype=getattr(ndaccel, name))
    assert a.dtype == numpy.dtype(getattr(numpy, name))
    assert a.get().tolist() == numpy.zeros(2, dtype=getattr(numpy, name)).tolist()


@pytest.mark.parametrize("name", ["longdouble", "clongdouble", "object_", "str_", "datetime64"])
def test_host_only_dtypes_raise_type_error(name):
    t = getattr(ndaccel, name)
    if numpy.dtype(t) in (numpy.dtype(numpy.float64), numpy.dtype(numpy.complex128)):
        pytest.skip(f"{name} is {numpy.dtype(t)} on this platform: a device dtype")
    with pytest.raises(TypeError, match="does not support dtype"):
        ndaccel.zeros(3, dtype=t)
    with pytest.raises(TypeError, match="does not support dtype"):
        ndaccel.asarray(numpy.zeros(3, dtype=t))


def test_abstract_types_in_issubdtype():
    a = ndaccel.ones(3, dtype=numpy.float32)
    assert ndaccel.issubdtype(a.dtype, ndaccel.floating)
    assert ndaccel.issubdtype(a.dtype, ndaccel.inexact)
    assert not ndaccel.issubdtype(a.dtype, ndaccel.integer)
    assert isinstance(a.sum(), ndaccel.floating)
    assert isinstance(ndaccel.arange(3).sum(), ndaccel.signedinteger)


# ---------------------------------------------------------------- finfo / iinfo

@pytest.mark.parametrize("dt", ["float16", "float32", "float64", "complex64", "complex128"])
def test_finfo(dt):
    for x in (dt, numpy.dtype(dt), numpy.dtype(dt).type):
        f = ndaccel.finfo(x)
        assert f is numpy.finfo(x)
    assert ndaccel.finfo(ndaccel.ones(2, dtype=dt).dtype).eps == numpy.finfo(dt).eps


@pytest.mark.parametrize("dt", ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
                                "uint64"])
def test_iinfo(dt):
    i = ndaccel.iinfo(dt)
    assert (i.min, i.max, i.bits) == (numpy.iinfo(dt).min, numpy.iinfo(dt).max,
                                      numpy.iinfo(dt).bits)
    assert ndaccel.iinfo(ndaccel.zeros(1, dtype=dt).dtype).max == numpy.iinfo(dt).max


def test_finfo_iinfo_errors():
    host_compare(lambda xp: xp.iinfo(xp.float32))
    host_compare(lambda xp: xp.finfo(xp.int32))


# ---------------------------------------------------------------- error state

def test_errstate_shares_numpy_state():
    before = numpy.geterr()
    with ndaccel.errstate(divide="raise", invalid="ignore"):
        assert numpy.geterr()["divide"] == "raise"
        assert ndaccel.geterr() == numpy.geterr()
        with pytest.raises(FloatingPointError):
            numpy.array([1.0]) / 0.0
        # device kernels do not check floating-point errors (as in CuPy)
        r = ndaccel.asarray([1.0, 0.0]) / 0.0
        assert numpy.isinf(r.get()[0]) and numpy.isnan(r.get()[1])
    assert numpy.geterr() == before


def test_errstate_as_decorator_and_validation():
    @ndaccel.errstate(over="ignore")
    def inner():
        return ndaccel.geterr()["over"]

    assert inner() == "ignore"
    assert ndaccel.geterr()["over"] == numpy.geterr()["over"]
    assert isinstance(ndaccel.errstate(), numpy.errstate)
    with pytest.raises(TypeError):
        ndaccel.errstate(bogus="ignore")
    with pytest.raises(ValueError):
        with ndaccel.errstate(all="bogus"):
            pass


def test_seterr_geterr_seterrcall():
    old = ndaccel.seterr(all="ignore")
    try:
        assert ndaccel.geterr() == {"divide": "ignore", "over": "ignore", "under": "ignore",
                                    "invalid": "ignore"}
        assert numpy.geterr() == ndaccel.geterr()
        with pytest.raises(ValueError):
            ndaccel.seterr(divide="bogus")
    finally:
        numpy.seterr(**old)
    assert ndaccel.geterr() == old

    calls = []
    prev = ndaccel.seterrcall(lambda kind, flag: calls.append(kind))
    try:
        assert ndaccel.geterrcall() is numpy.geterrcall()
        with ndaccel.errstate(divide="call"):
            numpy.array([1.0]) / 0.0
        assert calls == ["divide by zero"]
        host_compare(lambda xp: xp.seterrcall(42))  # neither callable nor a log
    finally:
        numpy.seterrcall(prev)


# ---------------------------------------------------------------- print options

def test_set_printoptions_drives_repr():
    a = ndaccel.asarray(numpy.array([1.0 / 3.0, 2.0 / 3.0, 1e-5]))
    old = ndaccel.get_printoptions()
    try:
        ndaccel.set_printoptions(precision=3)
        assert ndaccel.get_printoptions()["precision"] == 3 == numpy.get_printoptions()["precision"]
        assert repr(a) == "array([3.333e-01, 6.667e-01, 1.000e-05])"
        ndaccel.set_printoptions(suppress=True)
        assert repr(a) == "array([0.333, 0.667, 0.   ])"
        with pytest.raises(TypeError):
            ndaccel.set_printoptions(precision="x")
    finally:
        numpy.set_printoptions(**old)
    assert ndaccel.get_printoptions() == old


def test_printoptions_context_manager():
    a = ndaccel.asarray(numpy.arange(2000.0))
    full_repr = repr(numpy.arange(2000.0))
    with ndaccel.printoptions(precision=2, threshold=5, edgeitems=1) as opts:
        assert opts["precision"] == 2 and opts["threshold"] == 5
        assert repr(a) == "array([   0., ..., 1999.], shape=(2000,))"
        assert repr(ndaccel.asarray([numpy.pi])) == "array([3.14])"
        assert str(ndaccel.asarray([numpy.pi])) == "[3.14]"
    assert repr(a) == full_repr


# ---------------------------------------------------------------- dtype queries

@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_result_type_nep50(dt):
    for other in (1, 1.0, 1j, True, 300, numpy.float32, numpy.int8, "int16"):
        host_compare(lambda xp: xp.result_type(arr(xp, dt), other))
        host_compare(lambda xp: xp.result_type(other, arr(xp, dt, ())))
    host_compare(lambda xp: xp.result_type(arr(xp, dt), arr(xp, numpy.uint16, ())))


def test_result_type_errors_and_mixed():
    host_compare(lambda xp: xp.result_type())
    host_compare(lambda xp: xp.result_type(1, 2.0))
    host_compare(lambda xp: xp.result_type(numpy.int16, numpy.uint16, 3.0))
    host_compare(lambda xp: xp.result_type(arr(xp, "int8"), numpy.ones(2, numpy.float16)))
    host_compare(lambda xp: xp.result_type("not a dtype"))


@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
def test_can_cast(casting):
    for src in ("int8", "uint16", "float32", "float64", "complex64", "bool"):
        for dst in ("int16", "float16", "float64", "complex128", "uint8"):
            host_compare(lambda xp: xp.can_cast(arr(xp, src), dst, casting))
            host_compare(lambda xp: xp.can_cast(arr(xp, src, ()), numpy.dtype(dst), casting))
            host_compare(lambda xp: xp.can_cast(src, dst, casting))


def test_can_cast_errors():
    host_compare(lambda xp: xp.can_cast(1, xp.int8))  # NEP 50: Python scalars rejected
    host_compare(lambda xp: xp.can_cast(1.5, "float32"))
    host_compare(lambda xp: xp.can_cast(xp.float32, arr(xp, "float64")))
    host_compare(lambda xp: xp.can_cast(xp.float32, xp.float64, "bogus"))


def test_promote_types():
    for a in ("int8", "uint8", "uint64", "float16", "complex64", "bool"):
        for b in ("int64", "float32", "uint32", "bool"):
            host_compare(lambda xp: xp.promote_types(a, b))
    host_compare(lambda xp: xp.promote_types(arr(xp, "int8"), "int16"))
    host_compare(lambda xp: xp.promote_types("int8", "S3"))


@pytest.mark.parametrize("value", [10, -1, 300, 70000, 1.5, -2.5e40, 1 + 2j, True])
def test_min_scalar_type(value):
    host_compare(lambda xp: xp.min_scalar_type(value))
    h = numpy.asarray(value)
    host_compare(lambda xp: xp.min_scalar_type(xp.asarray(h)))  # 0-d: by value
    host_compare(lambda xp: xp.min_scalar_type(xp.asarray(h.reshape(1))))  # by dtype


def test_issubdtype_and_isdtype():
    for dt in ("int8", "uint32", "float16", "complex128", "bool"):
        for kind in (numpy.integer, numpy.signedinteger, numpy.unsignedinteger, numpy.floating,
                     numpy.complexfloating, numpy.number, numpy.bool_, numpy.generic):
            host_compare(lambda xp: xp.issubdtype(dt, kind))
            host_compare(lambda xp: xp.issubdtype(arr(xp, dt).dtype, kind))
        for kind in ("bool", "signed integer", "unsigned integer", "integral", "real floating",
                     "complex floating", "numeric", ("integral", "real floating")):
            host_compare(lambda xp: xp.isdtype(numpy.dtype(dt), kind))
            host_compare(lambda xp: xp.isdtype(arr(xp, dt).dtype, kind))
    host_compare(lambda xp: xp.issubdtype(arr(xp, "int8"), numpy.integer))  # arrays: TypeError
    host_compare(lambda xp: xp.isdtype(arr(xp, "int8"), "integral"))
    host_compare(lambda xp: xp.isdtype(numpy.dtype("int8"), "bogus kind"))


def test_common_type():
    for dts in (["float16"], ["int8", "float32"], ["complex64", "float64"], ["uint64"],
                ["float32", "complex64"], ["bool"], ["int16", "float16"]):
        host_compare(lambda xp: xp.common_type(*(arr(xp, d) for d in dts)))
    host_compare(lambda xp: xp.common_type(arr(xp, "float32"), numpy.ones(2, numpy.int8)))
    host_compare(lambda xp: xp.common_type([1.0, 2.0]))


# ---------------------------------------------------------------- shape queries

@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 4), (2, 3, 4)])
def test_ndim_shape_size(shape):
    h = numpy.arange(int(numpy.prod(shape)), dtype=numpy.float32).reshape(shape)
    for f in (lambda xp, a: xp.ndim(a), lambda xp, a: xp.shape(a), lambda xp, a: xp.size(a)):
        host_compare(lambda xp: f(xp, xp.asarray(h)))
        host_compare(lambda xp: f(xp, h.tolist()))
    for axis in (0, -1, 2, (0, -1), (0, 0), (), 1.0):
        host_compare(lambda xp: xp.size(xp.asarray(h), axis))


def test_shape_queries_on_scalars_and_lists():
    for v in (5, 2.5, [[1, 2], [3, 4]], [], numpy.float32(1)):
        host_compare(lambda xp: (xp.ndim(v), xp.shape(v), xp.size(v)))
    host_compare(lambda xp: xp.size([[1, 2, 3]], axis=1))


def test_isscalar():
    for v in (1, 2.5, 1j, True, "s", b"b", numpy.float32(1), numpy.int8(2), None, [1], (1,),
              numpy.array(1.0), numpy.ones(2)):
        host_compare(lambda xp: xp.isscalar(v))
    assert not ndaccel.isscalar(ndaccel.asarray(1.0))  # 0-d arrays are not scalars
    assert not ndaccel.isscalar(ndaccel.ones(3))
    assert ndaccel.isscalar(ndaccel.arange(3).sum())


# ---------------------------------------------------------------- iteration

@pytest.mark.parametrize("shape", [(), (0,), (4,), (2, 3), (2, 0, 3), (1, 2, 2)])
def test_ndindex(shape):
    assert list(ndaccel.ndindex(shape)) == list(numpy.ndindex(shape))
    assert list(ndaccel.ndindex(*shape)) == list(numpy.ndindex(*shape))


@pytest.mark.parametrize("dt", ["float64", "int32", "bool", "complex64", "uint8", "float16"])
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3)])
def test_ndenumerate(dt, shape):
    rng = numpy.random.default_rng(1)
    h = (rng.integers(0, 3, shape) if shape else numpy.asarray(rng.integers(0, 3))).astype(dt)
    a = ndaccel.asarray(h)
    got = list(ndaccel.ndenumerate(a))
    expected = list(numpy.ndenumerate(h))
    assert [i for i, _ in got] == [i for i, _ in expected]
    for (_, g), (_, e) in zip(got, expected):
        assert type(g) is type(e) and g == e
    assert isinstance(ndaccel.ndenumerate(a), numpy.ndenumerate)
    assert list(ndaccel.ndenumerate(h.tolist())) == list(numpy.ndenumerate(h.tolist()))


def test_ndenumerate_copies_once():
    a = ndaccel.arange(6).reshape(2, 3)[:, ::2]  # a strided view
    it = ndaccel.ndenumerate(a)
    a[...] = 7  # written after the iterator took its host copy
    assert list(it) == [((0, 0), 0), ((0, 1), 2), ((1, 0), 3), ((1, 1), 5)]


def test_iterable():
    for v in ([1], (), "s", 5, 2.5, None, numpy.ones(2), numpy.array(1.0)):
        host_compare(lambda xp: xp.iterable(v))
    assert ndaccel.iterable(ndaccel.ones(3))
    assert not ndaccel.iterable(ndaccel.asarray(1.0))
    assert ndaccel.iterable(ndaccel.ones((0, 2)))


# ---------------------------------------------------------------- reports

def test_info_of_functions_arrays_and_names():
    out = io.StringIO()
    ndaccel.info(ndaccel.emath.sqrt, output=out)
    assert "sqrt(x)" in out.getvalue() and "numpy.emath.sqrt" in out.getvalue()

    out = io.StringIO()
    a = ndaccel.zeros((2, 3), dtype=numpy.float32)[:, ::2]
    ndaccel.info(a, output=out)
    text = out.getvalue()
    for line in ("shape:  (2, 2)", "strides:  (12, 8)", "itemsize:  4", "contiguous:  False",
                 f"device:  {a.device.id}", "type: float32"):
        assert line in text, (line, text)

    out = io.StringIO()
    ndaccel.info("sliding_window_view", output=out)
    assert "Found in ndaccel.lib.stride_tricks" in out.getvalue()
    assert "Total of 1 references found" in out.getvalue()

    out = io.StringIO()
    ndaccel.info("no_such_name_anywhere", output=out)
    assert out.getvalue().strip() == "Help for no_such_name_anywhere not found."

    out = io.StringIO()
    ndaccel.info(output=out)  # info on info
    assert "info(object=None" in out.getvalue()

    out = io.StringIO()
    ndaccel.info(numpy.ones(2), output=out)  # NumPy arrays: NumPy's report
    assert "class:  ndarray" in out.getvalue() and "data pointer" in out.getvalue()


def test_show_config(capsys, device):
    cfg = ndaccel.show_config(mode="dicts")
    assert cfg["ndaccel"]["version"] == ndaccel.__version__
    assert device.id in cfg["ndaccel"]["devices"]
    assert cfg["ndaccel"]["backends"]["opencl"] == "available"
    assert cfg["ndaccel"]["current device"] == device.id
    assert cfg["numpy"] == numpy.show_config(mode="dicts")
    assert ndaccel.show_config() is None
    out = capsys.readouterr().out
    assert "ndaccel:" in out and device.id in out and "numpy:" in out
    assert "Build Dependencies" in out and str(ndaccel.cache_info()["dir"]) in out
    with pytest.raises(AttributeError, match="Invalid `mode`"):
        ndaccel.show_config(mode="bogus")


def test_show_runtime(capsys, device):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's note when threadpoolctl is missing
        ndaccel.show_runtime()
    out = capsys.readouterr().out
    assert "ndaccel:" in out and device.id in out and "memory pools" in out
    assert "live_bytes" in out and "compiles" in out
    assert numpy.__version__ in out

"""copy.copy, copy.deepcopy and pickle of device arrays against NumPy: the
same operations on numpy and ndaccel arrays give the same values, dtype,
shape and memory layout; ndaccel results stay on the array's device (or the
current one when the pickle names a device this process does not have)."""
import copy
import multiprocessing
import operator
import pickle

import numpy
import pytest

import ndaccel

DTYPES = [numpy.dtype(n) for n in ("bool", "int8", "uint16", "int64", "float16", "float32",
                                   "float64", "complex64", "complex128")]


def _base_pair(dt):
    h = (numpy.arange(60) % 7 - 3).reshape(3, 4, 5).astype(dt)
    return h, ndaccel.asarray(h)


# Views of a 3-D (3, 4, 5) array, applied alike to the NumPy and the ndaccel one.
LAYOUTS = [
    ("C", lambda a: a),
    ("F (transpose)", lambda a: a.T),
    ("2-D F", lambda a: a[1].T),
    ("permuted", lambda a: a.transpose(1, 0, 2)),
    ("permuted strided", lambda a: a.transpose(2, 0, 1)[::2]),
    ("strided", lambda a: a[::2, 1:, ::-2]),
    ("1-D column", lambda a: a[:, 1, 2]),
    ("0-d", lambda a: a[1, 2, 3, ...]),
    ("empty", lambda a: a[:, 2:2]),
    ("empty F", lambda a: a[:, :0].T),
]
LAYOUT_IDS = [n for n, _ in LAYOUTS]


def _assert_like(got, expected, device_id, what):
    """got (ndaccel) has expected's (numpy) values, dtype, shape, strides and
    contiguity, and lives on device_id."""
    assert isinstance(got, ndaccel.ndarray), what
    assert got.dtype == expected.dtype and got.shape == expected.shape, what
    numpy.testing.assert_array_equal(got.get(), expected, err_msg=what)
    if expected.size:  # (NumPy's copies of empty arrays may have zero strides)
        assert got.strides == expected.strides, \
            f"{what}: strides {got.strides} != {expected.strides}"
    assert got.flags.c_contiguous == expected.flags.c_contiguous, what
    assert got.flags.f_contiguous == expected.flags.f_contiguous, what
    assert got.flags.owndata and got.flags.writeable, what
    assert got.device == device_id, what


@pytest.mark.parametrize("name,view", LAYOUTS, ids=LAYOUT_IDS)
def test_copy_and_deepcopy_match_numpy_layout(name, view):
    h, d = _base_pair(numpy.float64)
    hv, dv = view(h), view(d)
    for how in ("copy.copy", "copy.deepcopy", "__copy__", "__deepcopy__"):
        fn = {"copy.copy": copy.copy, "copy.deepcopy": copy.deepcopy,
              "__copy__": lambda x: x.__copy__(), "__deepcopy__": lambda x: x.__deepcopy__({})}[how]
        _assert_like(fn(dv), fn(hv), dv.device, f"{how} of {name}")


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_copy_every_dtype_is_independent(dt):
    h, d = _base_pair(dt)
    for fn in (copy.copy, copy.deepcopy):
        c = fn(d[1:])
        _assert_like(c, fn(h[1:]), d.device, f"{fn.__name__} {dt}")
        c[...] = 0                      # the copy owns its memory
        numpy.testing.assert_array_equal(d.get(), h)


def test_copy_of_pending_result_keeps_its_values():
    h, d = _base_pair(numpy.float32)
    pending = d * 2 + 1                 # not computed yet (fused)
    c = copy.copy(pending)
    d[...] = -1                         # writing the input after the copy
    numpy.testing.assert_array_equal(c.get(), h * 2 + 1)


def test_deepcopy_in_containers_keeps_sharing():
    h, d = _base_pair(numpy.int64)
    box = {"x": d, "y": [d, d.T]}
    out = copy.deepcopy(box)
    assert out["x"] is out["y"][0] and out["x"] is not d   # memo: one copy per array
    numpy.testing.assert_array_equal(out["y"][1].get(), h.T)


def test_copy_of_read_only_array_is_writeable():
    h, d = _base_pair(numpy.float64)
    d.flags.writeable = False
    h.flags.writeable = False
    for x in (h, d):
        assert copy.copy(x).flags.writeable and copy.deepcopy(x).flags.writeable


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("name,view", LAYOUTS, ids=LAYOUT_IDS)
def test_pickle_round_trip_matches_numpy(protocol, name, view):
    h, d = _base_pair(numpy.float64)
    hv, dv = view(h), view(d)
    got = pickle.loads(pickle.dumps(dv, protocol=protocol))
    _assert_like(got, pickle.loads(pickle.dumps(hv, protocol=protocol)), dv.device,
                 f"{name}, protocol {protocol}")


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_pickle_every_dtype(dt):
    h, d = _base_pair(dt)
    for protocol in (2, 5):
        for hv, dv in ((h, d), (h[1].T, d[1].T), (h[0, 0, 0, ...], d[0, 0, 0, ...])):
            got = pickle.loads(pickle.dumps(dv, protocol=protocol))
            _assert_like(got, pickle.loads(pickle.dumps(hv, protocol=protocol)), d.device,
                         f"{dt}, protocol {protocol}")


@pytest.mark.parametrize("name,view", [LAYOUTS[0], LAYOUTS[2], LAYOUTS[5], LAYOUTS[7],
                                       LAYOUTS[8]], ids=["C", "F", "strided", "0-d", "empty"])
def test_pickle_protocol5_out_of_band(name, view):
    h, d = _base_pair(numpy.complex64)
    hv, dv = view(h), view(d)
    buffers = []
    blob = pickle.dumps(dv, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1 and buffers[0].raw().nbytes == dv.nbytes
    if dv.nbytes > 64:
        assert len(blob) < dv.nbytes    # the values are not in the stream
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads(blob)              # out-of-band data must be supplied
    got = pickle.loads(blob, buffers=buffers)
    _assert_like(got, pickle.loads(pickle.dumps(hv, protocol=5)), d.device, name)
    # Buffers that went through bytes (e.g. another process) work as well.
    got = pickle.loads(blob, buffers=[bytes(b.raw()) for b in buffers])
    _assert_like(got, pickle.loads(pickle.dumps(hv, protocol=5)), d.device, name)


def test_pickle_of_pending_and_read_only_arrays():
    h, d = _base_pair(numpy.int32)
    pending = d + 5
    ro = d[::2]
    ro.flags.writeable = False
    for got, want in ((pending, h + 5), (ro, h[::2])):
        out = pickle.loads(pickle.dumps(got))
        _assert_like(out, pickle.loads(pickle.dumps(want)), d.device, "pending/read-only")


def test_unpickle_without_the_recorded_device_uses_the_current_device():
    h, d = _base_pair(numpy.float32)
    dev = d.device.id
    absent = ("n" * len(dev))[:-2] + ":9"     # same length: the stream stays valid
    assert absent not in [x.id for x in ndaccel.devices()]
    for protocol in (2, 4, 5):
        buffers = []
        blob = pickle.dumps(d.T, protocol=protocol, buffer_callback=buffers.append
                            if protocol == 5 else None)
        assert blob.count(dev.encode()) == 1
        got = pickle.loads(blob.replace(dev.encode(), absent.encode()), buffers=buffers)
        assert got.device == ndaccel.get_device()
        numpy.testing.assert_array_equal(got.get(), h.T)
        assert got.flags.f_contiguous


def test_send_array_to_spawned_process_and_back():
    """A spawned child (multiprocessing's spawn start method) unpickles the
    array on its device, negates it there, and sends the result back."""
    h, d = _base_pair(numpy.float64)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        got = pool.apply_async(operator.neg, (d[:, ::2].T,)).get(timeout=300)
    assert isinstance(got, ndaccel.ndarray) and got.device == d.device
    numpy.testing.assert_array_equal(got.get(), -h[:, ::2].T)

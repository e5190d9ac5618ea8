"""Several Python threads using ndaccel at once, compared with NumPy.

The extension serialises every call into the C core with one library lock
(python/ext/lock.h) and releases the GIL, not that lock, while it waits on
the device. These tests check that

  * 4 threads x many iterations on separate arrays (fused chains, axis and
    whole-array reductions, gathers, scatters, host copies) get NumPy's
    answers;
  * 4 threads reading one shared array, including a still-pending (lazy)
    one that every thread forces at once, get NumPy's answers;
  * arrays created in one thread and dropped in another are freed safely;
  * a long device wait (a host copy, synchronize) lets another Python
    thread run, i.e. the GIL is released. The wait is long on every
    device: the work behind it is sized from a timed run on this device.

The expressions repeat across iterations, so each kernel compiles once
(the first threads to need it race for the compile; the cache keeps one)."""
import gc
import math
import sys
import threading
import time

import numpy
import pytest

import ndaccel

NTHREADS = 4


def run_threads(fn, n=NTHREADS):
    """Runs fn(thread_index) in n threads started together; re-raises the
    first failure (with its thread index) in the calling thread."""
    errors = []
    start = threading.Barrier(n)

    def body(k):
        try:
            start.wait()
            fn(k)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append((k, exc))

    threads = [threading.Thread(target=body, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread did not finish (deadlock?)"
    if errors:
        k, exc = errors[0]
        raise AssertionError(f"thread {k} failed: {exc!r}") from exc


@pytest.fixture(autouse=True)
def _fast_switching():
    """Switch threads often, so that calls interleave as much as they can."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(old)


def test_separate_arrays():
    iters = 30

    def work(k):
        rng = numpy.random.default_rng(1000 + k)
        for it in range(iters):
            n = int(rng.integers(1, 3000))
            ah = rng.standard_normal(n).astype(numpy.float32)
            bh = rng.standard_normal(n).astype(numpy.float32)
            a, b = ndaccel.asarray(ah), ndaccel.asarray(bh)
            # A fused chain (stays pending until the host copy).
            got = ((a * 2.0 + b) * a - b / 3.0).get()
            want = (ah * numpy.float32(2.0) + bh) * ah - bh / numpy.float32(3.0)
            numpy.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
            # Whole-array reductions.
            assert float(ndaccel.max(a)) == ah.max()
            numpy.testing.assert_allclose(float(ndaccel.sum(a * b)), float((ah * bh).sum()),
                                          rtol=1e-4, atol=1e-3)
            # Axis reductions of an integer matrix (exact).
            mh = rng.integers(-50, 50, size=(int(rng.integers(1, 40)), 7)).astype(numpy.int32)
            m = ndaccel.asarray(mh)
            numpy.testing.assert_array_equal(ndaccel.sum(m, axis=0).get(), mh.sum(axis=0))
            numpy.testing.assert_array_equal(ndaccel.min(m, axis=1).get(), mh.min(axis=1))
            # Gather and scatter.
            idx = rng.integers(0, n, size=5)
            numpy.testing.assert_array_equal(a[ndaccel.asarray(idx)].get(), ah[idx])
            c, ch = a.copy(), ah.copy()
            c[ndaccel.asarray(idx)] = -1.0
            ch[idx] = -1.0
            numpy.testing.assert_array_equal(c.get(), ch)
            # Slices of a pending array (a view forces it).
            numpy.testing.assert_allclose((a + 1.0)[::2].get(), (ah + numpy.float32(1.0))[::2],
                                          rtol=1e-6)

    run_threads(work)


def test_shared_read_only():
    rng = numpy.random.default_rng(7)
    base_h = rng.integers(-1000, 1000, size=(64, 50)).astype(numpy.int64)
    base = ndaccel.asarray(base_h)
    want_full = base_h * 3 - 7
    for round_ in range(5):
        # A pending array shared by every thread: all of them need its values
        # at once, and exactly one computes them.
        shared = base * 3 - 7
        assert shared._is_lazy

        def work(k):
            r = numpy.random.default_rng(100 * round_ + k)
            # Every thread's first call: a host copy of the pending array.
            numpy.testing.assert_array_equal(shared.get(), want_full)
            for _ in range(15):
                i = int(r.integers(0, 64))
                j = int(r.integers(0, 50))
                assert int(shared[i, j]) == want_full[i, j]
                numpy.testing.assert_array_equal(shared[i].get(), want_full[i])
                numpy.testing.assert_array_equal(shared[:, j:].get(), want_full[:, j:])
                numpy.testing.assert_array_equal(ndaccel.sum(shared, axis=1).get(),
                                                 want_full.sum(axis=1))
                assert int(ndaccel.max(shared)) == want_full.max()
                numpy.testing.assert_array_equal((shared + base).get(), want_full + base_h)
                rows = r.integers(0, 64, size=4)
                numpy.testing.assert_array_equal(shared[ndaccel.asarray(rows)].get(),
                                                 want_full[rows])

        run_threads(work)
        numpy.testing.assert_array_equal(shared.get(), want_full)
        numpy.testing.assert_array_equal(base.get(), base_h)


def test_free_in_another_thread():
    """Arrays made (and left pending) in one thread, dropped in others while
    more work runs."""
    made = []
    lock = threading.Lock()

    def work(k):
        for it in range(40):
            x = ndaccel.arange(100, dtype=numpy.float64) * (k + 1) + it
            with lock:
                made.append(x)
                victim = made.pop(0) if len(made) > 6 else None
            del victim
            assert float(ndaccel.sum(x)) == float((numpy.arange(100.0) * (k + 1) + it).sum())

    run_threads(work)
    made.clear()
    ndaccel.synchronize()


# Seconds of device work behind each timed wait, and the least a wait may
# last for the check to mean anything (the sizing aims 5x above it).
WAIT_TARGET = 0.1
WAIT_MIN = 0.02
# The largest square matrix multiplied (4 of them live: 256 MiB at float32).
MATMUL_N_MAX = 4096


def _square(n, seed):
    """An n x n float32 device matrix with entries in [0, 2/n): products
    of such matrices keep entries of the same size, whatever their number."""
    rng = numpy.random.default_rng(seed)
    return ndaccel.asarray((rng.random((n, n)) * (2.0 / n)).astype(numpy.float32))


def _timed_product(a, b):
    """Seconds the device takes for a @ b (the best of two runs)."""
    best = math.inf
    for _ in range(2):
        ndaccel.synchronize()
        t0 = time.perf_counter()
        a @ b
        ndaccel.synchronize()
        best = min(best, time.perf_counter() - t0)
    return best


def _sized_device_work():
    """(b, repeats): a square matrix and how many products by it keep this
    device busy for about WAIT_TARGET seconds. One product is O(n**3) work
    queued by one call, so the device, not the host, sets the pace: n
    doubles from 128 until one product takes a quarter of the target (or n
    reaches MATMUL_N_MAX), then the product is repeated."""
    n = 128
    while True:
        b = _square(n, 1)
        (b @ b).get()  # compile kernels / load the BLAS outside the timing
        t = _timed_product(b, b)
        if t >= WAIT_TARGET / 4 or n >= MATMUL_N_MAX:
            return b, max(1, math.ceil(WAIT_TARGET / t))
        n *= 2


@pytest.fixture(scope="module")
def device_libraries():
    """Products on the device's own library: on CPU devices matmul otherwise
    runs in the host's BLAS (_host_libraries), synchronously, with nothing
    left on the device to wait for."""
    from ndaccel import _host_libraries
    saved, _host_libraries.USE = _host_libraries.USE, False
    yield
    _host_libraries.USE = saved


@pytest.fixture(scope="module")
def sized_work(device, device_libraries):
    """_sized_device_work() on the device under test (once per device)."""
    return _sized_device_work()


@pytest.mark.parametrize("wait", ["get", "synchronize"])
def test_gil_released_while_waiting(wait, sized_work, device_libraries):
    # No garbage collection in the counting thread: freeing an ndaccel array
    # there would wait for the library lock, which the waiting thread holds.
    gc.collect()
    gc.disable()
    try:
        _check_gil_released(wait, *sized_work)
    finally:
        gc.enable()


def _check_gil_released(wait, b, repeats):
    ndaccel.synchronize()
    x = b
    for _ in range(repeats):  # queued: the device works through them in order
        x = x @ b
    ticks = []
    running = threading.Event()
    done = threading.Event()

    def count():
        running.set()
        while not done.is_set():
            ticks.append(time.perf_counter())

    t = threading.Thread(target=count)
    t.start()
    running.wait()
    t0 = time.perf_counter()
    if wait == "get":
        x.get()
    else:
        ndaccel.synchronize()
    t1 = time.perf_counter()
    done.set()
    t.join()
    assert t1 - t0 >= WAIT_MIN, (
        f"{repeats} products of {b.shape[0]} x {b.shape[0]} matrices, sized to take "
        f"{WAIT_TARGET} s, were waited for only {t1 - t0:.4f} s")
    # With the GIL held for the whole call, the counting thread could not
    # run between entering and leaving it: one gap as long as the wait. The
    # GIL released, the gaps are scheduler time slices (the device's own
    # threads may keep every core busy, so a few ms, not microseconds).
    inside = [s for s in ticks if t0 < s < t1]
    edges = [t0] + inside + [t1]
    gap = max(b - a for a, b in zip(edges, edges[1:]))
    assert inside and gap < 0.6 * (t1 - t0), (
        f"another thread ran {len(inside)} times during a {t1 - t0:.3f} s wait "
        f"(longest pause {gap:.3f} s)")

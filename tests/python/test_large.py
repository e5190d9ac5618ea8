"""Arrays past 2^31 and 2^32 elements (int8: 2 and 4 GiB).

Index arithmetic is where such arrays break: 32-bit element counts,
offsets, strides in bytes, global sizes, reduction partial counts, gather
offsets. The kernels choose 32- or 64-bit index math by size (the choice is
part of the kernel key); these tests put distinct data right at the 2^31
(and 2^32) boundaries and read it back through slices (positive and
negative steps, 2-D views), integer indexing, gathers, whole-array
reductions (sum with an int64 accumulator, max, min), a reduction of a view
that starts past 2^31, a copy (a kernel over every element, reversed) and
an elementwise kernel over the whole array.

The expected values come from NumPy on a compact model of the same data:
a constant fill plus a few windows of distinct values (`Model`). A full
host copy would double the memory and, on a small VM, take longer than the
device work itself (12 s to fault in 4 GiB here).

Each size needs about twice its bytes of memory (the array and one result;
PoCL's device memory is host memory): a size is skipped, with the reason,
when /proc/meminfo's MemAvailable or the device's memory is too small."""
import numpy
import pytest

import ndaccel

B31 = 1 << 31
B32 = 1 << 32
GiB = 1 << 30
FILL = 3


def mem_available():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _skip_reason(n):
    need = 2 * n + GiB
    avail = mem_available()
    if avail is None:
        return "cannot read MemAvailable from /proc/meminfo"
    if avail < need:
        return (f"needs ~{need / GiB:.1f} GiB of free memory for {n} int8 elements, "
                f"MemAvailable is {avail / GiB:.1f} GiB")
    dev = ndaccel.get_device()
    info = next((d for d in ndaccel._core.devices() if d["id"] == dev.id), None)
    if info is not None and info["global_mem"] and info["global_mem"] < need:
        return f"device {dev.id} has {info['global_mem'] / GiB:.1f} GiB, needs ~{need / GiB:.1f}"
    return None


class Model:
    """n int8 elements: FILL everywhere except windows of distinct values
    straddling 2^31, 2^32, n/2 and both ends."""

    def __init__(self, n):
        self.n = n
        spans = [(0, 64), (n - 64, n), (n // 2 - 8, n // 2 + 8)]
        for b in (B31, B32):
            lo, hi = b - 32, b + 32
            if hi <= n and all(hi <= x or lo >= y for x, y in spans):
                spans.append((lo, hi))
        self.windows = []
        for k, (lo, hi) in enumerate(sorted(spans)):
            vals = (numpy.arange(lo, hi) % 97 - 40 - k).astype(numpy.int8)
            self.windows.append((lo, hi, vals))

    def at(self, idx):
        """Values at int64 indices idx (a NumPy array, 0 <= idx < n)."""
        idx = numpy.asarray(idx, dtype=numpy.int64)
        out = numpy.full(idx.shape, FILL, dtype=numpy.int8)
        for lo, hi, vals in self.windows:
            m = (idx >= lo) & (idx < hi)
            out[m] = vals[idx[m] - lo]
        return out

    def slice(self, s):
        """NumPy's result of h[s] (a small slice), via Python's range rules."""
        r = range(self.n)[s]
        return self.at(numpy.arange(r.start, r.stop, r.step, dtype=numpy.int64))

    def reductions(self, lo=0):
        """(int64 sum, max, min) of the elements from lo on."""
        total, width, mx, mn = 0, 0, FILL, FILL
        for wlo, hi, vals in self.windows:
            v = vals[max(lo - wlo, 0):] if hi > lo else vals[:0]
            total += int(v.sum(dtype=numpy.int64))
            width += v.size
            if v.size:
                mx, mn = max(mx, int(v.max())), min(mn, int(v.min()))
        return total + FILL * (self.n - lo - width), mx, mn


@pytest.fixture(scope="module", params=[B31 + 5, B32 + 3], ids=["2^31+5", "2^32+3"])
def big(request):
    """(device array, Model) of the same data."""
    n = request.param
    why = _skip_reason(n)
    if why:
        pytest.skip(why)
    model = Model(n)
    a = ndaccel.full(n, FILL, dtype=numpy.int8)  # the driver's fill
    for lo, hi, vals in model.windows:
        a[lo:hi] = ndaccel.asarray(vals)  # a copy kernel at offsets past 2^31
    yield a, model
    del a
    ndaccel.synchronize()
    ndaccel._core.pool_release()


def test_slices_near_boundaries(big):
    a, h = big
    n = h.n
    for lo, hi, vals in h.windows:
        numpy.testing.assert_array_equal(a[lo:hi].get(), vals)
        for s in (slice(lo, hi, 3), slice(hi - 1, lo - 1 if lo else None, -1),
                  slice(hi - 2, lo, -5)):
            numpy.testing.assert_array_equal(a[s].get(), h.slice(s), err_msg=str(s))
    numpy.testing.assert_array_equal(a[::-1][:10].get(), h.slice(slice(None, n - 11, -1)))
    numpy.testing.assert_array_equal(a[n - 20::7].get(), h.slice(slice(n - 20, None, 7)))
    # A 2-D view (2 rows of ~n/2): the end of row 0 and the start of row 1.
    m = (n // 2) * 2
    v = a[:m].reshape(2, m // 2)
    numpy.testing.assert_array_equal(v[0, -5:].get(), h.slice(slice(m // 2 - 5, m // 2)))
    numpy.testing.assert_array_equal(v[1, :5].get(), h.slice(slice(m // 2, m // 2 + 5)))
    numpy.testing.assert_array_equal(v[:, m // 2 - 3:].get(),
                                     numpy.stack([h.slice(slice(m // 2 - 3, m // 2)),
                                                  h.slice(slice(m - 3, m))]))


def test_last_elements(big):
    a, h = big
    n = h.n
    for i in (0, B31 - 1, B31, B31 + 1, n - 2, n - 1, -1, -n, -(n - B31)):
        assert int(a[i]) == int(h.at(i % n)), i
    idx = numpy.array([n - 1, 0, B31, B31 - 1, n - 2, B31 + 2, n // 2], dtype=numpy.int64)
    numpy.testing.assert_array_equal(a[ndaccel.asarray(idx)].get(), h.at(idx))


def test_reductions(big):
    a, h = big
    total, mx, mn = h.reductions()
    assert int(ndaccel.sum(a, dtype=numpy.int64)) == total
    assert int(ndaccel.max(a)) == mx
    assert int(ndaccel.min(a)) == mn
    # A small reduction of a view that starts past 2^31 (64-bit offsets).
    want = h.slice(slice(B31 - 3, B31 + 200)).astype(numpy.int64)
    assert int(ndaccel.sum(a[B31 - 3:B31 + 200], dtype=numpy.int64)) == int(want.sum())
    assert int(ndaccel.max(a[B31 - 3:B31 + 200])) == int(want.max())


def test_copy_and_elementwise(big):
    a, h = big
    n = h.n
    # A copy kernel over every element, reversed (negative stride, offset n-1).
    c = a[::-1].copy()
    for lo, hi, vals in h.windows:
        numpy.testing.assert_array_equal(c[n - hi:n - lo].get(), vals[::-1])
    numpy.testing.assert_array_equal(c[::1 << 24].get(), h.slice(slice(None, None, -(1 << 24))))
    del c
    # An elementwise kernel over every element (the pool reuses c's buffer).
    d = a + numpy.int8(1)
    for lo, hi, vals in h.windows:
        numpy.testing.assert_array_equal(d[lo:hi].get(), vals + numpy.int8(1))
    numpy.testing.assert_array_equal(d[1::1 << 24].get(),
                                     h.slice(slice(1, None, 1 << 24)) + numpy.int8(1))

"""Arrays past 2^31 and 2^32 elements (int8: 2 and 4 GiB).

Index arithmetic is where such arrays break: 32-bit element counts,
offsets, strides in bytes, global sizes, reduction partial counts, gather
offsets. The kernels choose 32- or 64-bit index math by size (the choice is
part of the kernel key); these tests put distinct data right at the 2^31
(and 2^32) boundaries and read it back through slices (positive and
negative steps, 2-D views), integer indexing, gathers, whole-array
reductions (sum with an int64 accumulator, max, min), a reduction of a view
that starts past 2^31, a copy (a kernel over every element, reversed), an
elementwise kernel over the whole array, and a binary search whose queries
are a short view past 2^30 / 2^31 (its offset alone needs 64-bit indices).

The expected values come from NumPy on a compact model of the same data:
a constant fill plus a few windows of distinct values (`Model`). A full
host copy would double the memory and, on a small VM, take longer than the
device work itself (12 s to fault in 4 GiB here).

Each size needs about twice its bytes of memory (the array and one result;
PoCL's device memory is host memory) and one buffer of n bytes: a size is
skipped, with the reason, when /proc/meminfo's MemAvailable, the device's
memory or the device's largest single allocation is too small. PoCL's
largest allocation is a quarter of the global memory it reports, rounded up
to a power of two, and that global memory follows the NUMA node the VM
exposes, not MemTotal: on machines of the same kind it is 2 GiB on some and
4 GiB or more on others, so the 2^31+5 buffer exists on some only.

The index math past 2^31 is tested on every run all the same, without any
buffer that large (`test_broadcast_*`): a real int8 buffer just past 2^30
elements (64-bit offsets into it) broadcast to two rows is a view of more
than 2^31 elements; reductions over it (whole, per row, per column, fused
with another operand), arg-reductions whose flat answer is past 2^31, and
a reversed view. A small buffer broadcast to 2^15+1 rows does the same
with 32-bit offsets and a 64-bit iteration space."""
import numpy
import pytest

import ndaccel

# The kernels, also for whole-array reductions of stored arrays on CPU
# devices (conftest.py reduction_kernels).
pytestmark = pytest.mark.usefixtures("reduction_kernels")

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
    info = _device_info()
    if info["global_mem"] and info["global_mem"] < need:
        return (f"device {info['id']} has {info['global_mem'] / GiB:.2f} GiB, "
                f"needs ~{need / GiB:.1f}")
    if info["max_alloc"] and info["max_alloc"] < n:
        return (f"device {info['id']}'s largest single allocation is {info['max_alloc']} bytes, "
                f"less than one {n}-byte buffer (the index math past 2^31 is still tested "
                f"through broadcast views by test_broadcast_*)")
    return None


def _device_info():
    dev = ndaccel.get_device()
    return next(d for d in ndaccel._core.devices() if d["id"] == dev.id)


class Model:
    """n int8 elements: FILL everywhere except windows of distinct values
    straddling 2^31, 2^32, n/2 and both ends."""

    def __init__(self, n, bounds=(B31, B32)):
        self.n = n
        spans = [(0, 64), (n - 64, n), (n // 2 - 8, n // 2 + 8)]
        for b in bounds:
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


# ---------------------------------------------------------------- past 2^31 through broadcasting

# An int8 buffer just past 2^30 elements: offsets into it reach the range
# where the kernels switch to 64-bit index math (INT32_MAX / 2), and two
# broadcast rows of it are a view of 2K > 2^31 elements, with no buffer
# larger than K bytes (1 GiB) anywhere.
K = (1 << 30) + (1 << 20) + 7
ROWS = 2
B30 = 1 << 30


@pytest.fixture(scope="module")
def wide():
    """(device int8 array of K elements, Model of it, index of its maximum,
    index of its minimum): unique extremes at the end of the buffer."""
    avail = mem_available()
    need = 2 * K + GiB  # the buffer and one K-byte result
    if avail is not None and avail < need:
        pytest.skip(f"needs ~{need / GiB:.1f} GiB of free memory, MemAvailable is "
                    f"{avail / GiB:.1f} GiB")
    info = _device_info()
    if info["global_mem"] and info["global_mem"] < need:
        pytest.skip(f"device {info['id']} has {info['global_mem'] / GiB:.2f} GiB, "
                    f"needs ~{need / GiB:.1f}")
    model = Model(K, bounds=(B30,))
    lo, hi, vals = model.windows[-1]
    assert hi == K
    vals[-3], vals[-2] = 127, -128  # unique extremes
    x = ndaccel.full(K, FILL, dtype=numpy.int8)
    for lo, hi, vals in model.windows:
        x[lo:hi] = ndaccel.asarray(vals)
    yield x, model, K - 3, K - 2
    del x
    ndaccel.synchronize()
    ndaccel._core.pool_release()


def test_broadcast_whole_and_row_reductions_past_2_31(wide):
    x, h, imax, imin = wide
    b = ndaccel.broadcast_to(x, (ROWS, K))
    assert b.size > B31 and b.strides == (0, 1)
    total, mx, mn = h.reductions()
    assert (mx, mn) == (127, -128)
    assert int(ndaccel.sum(b, dtype=numpy.int64)) == ROWS * total
    numpy.testing.assert_array_equal(ndaccel.sum(b, axis=1, dtype=numpy.int64).get(),
                                     [total] * ROWS)
    # Fused with a per-row operand (int16): the extremes are in the last row.
    r = ndaccel.asarray(numpy.arange(ROWS, dtype=numpy.int16) * 1000)
    up = b + r[:, None]
    down = b - r[:, None]
    assert int(ndaccel.max(up)) == mx + 1000 * (ROWS - 1)
    assert int(ndaccel.min(down)) == mn - 1000 * (ROWS - 1)
    # (argmax/argmin past 2^31: test_broadcast_small_buffer_past_2_31; here
    # their int64 index of the K-long axis alone would need 8 GiB.)


def test_broadcast_column_reduction_past_2_31(wide):
    """A reduction over the 2 rows: K outputs, the input index past 2^31."""
    x, h, _, _ = wide
    b = ndaccel.broadcast_to(x, (ROWS, K))
    keep = numpy.zeros(ROWS, dtype=numpy.int8)
    keep[ROWS - 1] = 1
    r = ndaccel.asarray(keep)
    c = ndaccel.sum(b * r[:, None], axis=0, dtype=numpy.int8)  # the last row only: x
    for lo, hi, vals in h.windows:
        numpy.testing.assert_array_equal(c[lo:hi].get(), vals)
    del c
    s = ndaccel.sum(b, axis=0, dtype=numpy.int8)  # 2x, wrapping as NumPy's int8 does
    with numpy.errstate(over="ignore"):
        for lo, hi, vals in h.windows:
            numpy.testing.assert_array_equal(s[lo:hi].get(), (vals * numpy.int8(ROWS)))
    numpy.testing.assert_array_equal(s[B30 - 2:B30 + 2].get(),
                                     h.slice(slice(B30 - 2, B30 + 2)) * numpy.int8(ROWS))


def test_broadcast_reversed_past_2_31(wide):
    x, h, imax, _ = wide
    c = ndaccel.broadcast_to(x, (ROWS, K))[:, ::-1]  # offset K-1, stride -1
    total, mx, _ = h.reductions()
    assert int(ndaccel.sum(c, dtype=numpy.int64)) == ROWS * total
    r = ndaccel.asarray(numpy.arange(ROWS, dtype=numpy.int16))
    assert int(ndaccel.max(c + r[:, None])) == mx + ROWS - 1
    numpy.testing.assert_array_equal(c[ROWS - 1, K - 70:].get(), h.slice(slice(69, None, -1)))
    assert int(c[ROWS - 1, K - 1 - imax]) == mx


def test_broadcast_small_buffer_past_2_31():
    """A 64 KiB buffer broadcast to 2^15+1 rows: 32-bit offsets, a 64-bit
    iteration space; the row index times the row length passes 2^31."""
    k, m = (1 << 16) + 3, (1 << 15) + 1
    assert k * m > B31
    hx = (numpy.arange(k) * 7 % 251 - 125).astype(numpy.int8)
    hx[k - 5] = 127
    hr = numpy.arange(m, dtype=numpy.int32)
    x, r = ndaccel.asarray(hx), ndaccel.asarray(hr)
    y = ndaccel.broadcast_to(x, (m, k)) + r[:, None]  # int32, fused into each reduction
    assert int(ndaccel.max(y)) == 127 + m - 1
    a = int(ndaccel.argmax(y))
    assert a == (m - 1) * k + (k - 5) and a > B31
    z = ndaccel.broadcast_to(x, (m, k)) - r[:, None]
    i = int(ndaccel.argmin(z))  # the first minimum: hx's, in the last row
    assert i == (m - 1) * k + int(numpy.argmin(hx)) and i > B31
    total = int(hx.sum(dtype=numpy.int64)) * m + k * int(hr.sum(dtype=numpy.int64))
    assert int(ndaccel.sum(y, dtype=numpy.int64)) == total
    rows = ndaccel.sum(y, axis=1, dtype=numpy.int64).get()
    numpy.testing.assert_array_equal(rows, hx.sum(dtype=numpy.int64) + k * hr.astype(numpy.int64))
    cols = ndaccel.sum(y, axis=0, dtype=numpy.int64).get()
    numpy.testing.assert_array_equal(cols, m * hx.astype(numpy.int64) + hr.sum(dtype=numpy.int64))


def _search_queries_far_into_the_buffer(x, h, lo, hi):
    """searchsorted with queries that are a view deep into x (its element
    offset, not its length, needs 64-bit index math)."""
    edges = numpy.arange(-60, 60, 7, dtype=numpy.int8)
    for side in ("left", "right"):
        got = ndaccel.searchsorted(ndaccel.asarray(edges), x[lo:hi], side=side).get()
        want = numpy.searchsorted(edges, h.slice(slice(lo, hi)), side=side)
        numpy.testing.assert_array_equal(got, want)


def test_search_queries_past_2_30(wide):
    x, h, _, _ = wide
    _search_queries_far_into_the_buffer(x, h, K - 64, K)


def test_search_queries_past_2_31(big):
    a, h = big
    _search_queries_far_into_the_buffer(a, h, B31 - 32, B31 + 32)

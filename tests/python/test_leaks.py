"""No leaks: 10,000 mixed operations (ufuncs, fused chains, reductions,
scans, basic/fancy/mask indexing get and set, astype, host transfers,
creation, errors raised and caught in C and in Python) leave the device
pool's live bytes at their baseline and the process's resident memory flat.

The loop runs in a subprocess (a fresh heap; nothing else of the test
session allocating beside it). A warm-up pass first compiles every kernel
and fills caches (kernel cache, pool size classes, NumPy's and Python's own
free lists); after it, resident memory may grow by RSS_SLACK over the
10,000 operations (allocator noise settles within a few thousand) and by
at most TAIL_SLACK over the last 5,000: a leak of 100 bytes in every
operation, or of 2 KB in one operation in twenty, fails.
"""
import os
import subprocess
import sys
import textwrap

import ndaccel

RSS_SLACK = 1 << 20  # bytes
TAIL_SLACK = 256 << 10
STEPS = 10_000
WARMUP = 1_000

LOOP = r"""
import gc, os, sys, time
import numpy
import ndaccel
from numpy.exceptions import AxisError

STEPS, WARMUP = int(sys.argv[1]), int(sys.argv[2])
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


rng = numpy.random.default_rng(0)
H = rng.standard_normal((16, 8))
HI = numpy.arange(12, dtype=numpy.int32)


def expect(exc, fn):
    try:
        fn()
    except exc:
        return
    raise AssertionError(f"{fn} did not raise {exc.__name__}")


def errors(a, ai):
    # raised in C (core status codes) and in Python, each caught
    expect(ValueError, lambda: a + ndaccel.ones(3))
    expect(IndexError, lambda: a[99])
    expect(IndexError, lambda: a[[0, 99]])
    expect(AxisError, lambda: ndaccel.sum(a, axis=5))
    expect(ValueError, lambda: ndaccel.zeros(-1))
    expect(ValueError, lambda: ndaccel.zeros((2**62, 2**62)))
    expect(MemoryError, lambda: ndaccel.zeros(2**45, dtype=numpy.uint8))
    expect(TypeError, lambda: a.astype("nope"))
    expect(TypeError, lambda: ndaccel.add(a, "x"))
    expect(TypeError, lambda: ai << 1.5)
    expect(ValueError, lambda: ndaccel.add(a, a, out=ndaccel.empty(3)))
    expect(ValueError, lambda: a.reshape(7))
    expect(ValueError, lambda: ndaccel.asarray([[1, 2], [3]]))
    expect(ValueError, lambda: bool(a))
    expect(OverflowError, lambda: ai + 2**40)
    expect(ValueError, lambda: a.__setitem__(a > 0, ndaccel.ones(200)))
    expect(ValueError, lambda: a.__setitem__(0, "x"))


def step(i, a, b, ai):
    k = i % 20
    if k == 0:
        return a + b                                   # pending, dropped unused
    if k == 1:
        return ((a * 2.0 + b) / 3.0 - 1.0).get()       # one fused kernel
    if k == 2:
        return float(ndaccel.sum(a))
    if k == 3:
        return a.max(axis=0).get()
    if k == 4:
        return a[1:5, ::2].get()
    if k == 5:
        return a[[0, 3, 5]]
    if k == 6:
        return a[a > 0.5].get()
    if k == 7:
        c = a.copy()
        c[0] = 5.0
        c[1:3] = b[1:3]
        c[[4, 6]] = 0.5
        c[c < 0] = 0.0
        return c
    if k == 8:
        return a.astype(numpy.float32).astype(numpy.int16).get()
    if k == 9:
        return ndaccel.asarray(H).get()
    if k == 10:
        return errors(a, ai)
    if k == 11:
        return (ai * 3 + 1) % 7
    if k == 12:
        return ndaccel.concatenate([a, b]).reshape(4, 64).T.get()
    if k == 13:
        return ndaccel.where(a > 0, a, b).sum(axis=1).get()
    if k == 14:
        return ndaccel.zeros((8, 8)) + ndaccel.arange(8.0)
    if k == 15:
        return ndaccel.cumsum(ai).get()
    if k == 16:
        return ndaccel.sqrt(ndaccel.abs(a)).mean()
    if k == 17:
        return bool((a == a).all())
    if k == 18:
        x = ndaccel.full((4, 4), 2.0)
        x += 1.0
        x *= b[:4, :4]
        return x.get()
    return ndaccel.take(ai, [1, 2, 3]).get()


def main():
    a = ndaccel.asarray(H)
    b = ndaccel.asarray(H[::-1].copy())
    ai = ndaccel.asarray(HI)
    for i in range(WARMUP):
        step(i, a, b, ai)
    gc.collect()
    ndaccel.synchronize()
    rss0, pool0 = rss(), ndaccel.memory_info()
    t0 = time.time()
    marks = []
    for i in range(STEPS):
        step(i, a, b, ai)
        if i % 1000 == 999:
            marks.append(rss() - rss0)
    gc.collect()
    ndaccel.synchronize()
    rss1, pool1 = rss(), ndaccel.memory_info()
    print(f"RESULT seconds={time.time() - t0:.2f} rss_growth={rss1 - rss0} "
          f"live0={pool0['live_bytes']} live1={pool1['live_bytes']} "
          f"cached1={pool1['cached_bytes']} marks={','.join(map(str, marks))}")
    del a, b, ai
    gc.collect()
    print(f"FINAL live={ndaccel.memory_info()['live_bytes']}")


main()
"""


def run_loop(device, steps, warmup):
    env = dict(os.environ, NDACCEL_DEVICE=device.id)
    p = subprocess.run([sys.executable, "-c", LOOP, str(steps), str(warmup)], env=env,
                       capture_output=True, text=True, timeout=600)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    fields = {}
    for line in p.stdout.splitlines():
        if line.startswith(("RESULT ", "FINAL ")):
            for kv in line.split()[1:]:
                k, _, v = kv.partition("=")
                fields[k] = v
    return fields, out


def test_ten_thousand_operations_leak_nothing(device):
    f, out = run_loop(device, STEPS, WARMUP)
    assert int(f["live1"]) == int(f["live0"]), f"device pool grew: {out}"
    assert int(f["live"]) == 0, f"arrays left alive on the device: {out}"
    marks = [int(m) for m in f["marks"].split(",")]
    assert int(f["rss_growth"]) <= RSS_SLACK, f"host memory grew: {out}"
    assert marks[-1] - marks[len(marks) // 2 - 1] <= TAIL_SLACK, f"host memory grows: {out}"
    print(textwrap.shorten(out, 300))

"""Out of device memory: with NDACCEL_MEMORY_LIMIT (bytes per device) a
request beyond the cap first computes pending lazy work and returns the
pool's cached blocks, retries, and only then raises MemoryError naming the
size asked for and the device; the library then works normally.

Each scenario runs in a subprocess (the cap is read when the devices are
opened), on the device of the current test parametrisation. A real
allocation failure from a backend takes the same path: tests/c/pool_test.c
checks it against a fake backend.
"""
import os
import subprocess
import sys
import textwrap

import pytest

import ndaccel

MiB = 1 << 20
LIMIT = 4 * MiB

PRELUDE = """
import gc
import numpy
import ndaccel

DEV = ndaccel.get_device().id
KB, MiB = 1 << 10, 1 << 20

def live():
    # device bytes in use (not synchronize(): it would compute pending work)
    gc.collect()
    return ndaccel.memory_info()["live_bytes"]

def still_works():
    a = ndaccel.asarray(numpy.arange(5.0))
    r = (a * 2 + 1)[::2]
    numpy.testing.assert_array_equal(r.get(), [1.0, 5.0, 9.0])
    assert float(ndaccel.sum(a)) == 10.0

def oom(fn, size):
    try:
        fn()
    except MemoryError as exc:
        msg = str(exc)
        assert str(size) in msg and DEV in msg, f"message does not name {size} and {DEV}: {msg}"
        return msg
    raise AssertionError(f"no MemoryError allocating {size} bytes")

still_works()
BASE = live()
assert BASE < 256 * KB, BASE
"""


def run_capped(body, device):
    """Runs PRELUDE + body in a fresh interpreter with the memory cap set,
    on `device`; fails with its output when it does not print DONE."""
    env = dict(os.environ, NDACCEL_MEMORY_LIMIT=str(LIMIT), NDACCEL_DEVICE=device.id)
    code = PRELUDE + textwrap.dedent(body) + "\nprint('DONE')\n"
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=300)
    out = p.stdout + p.stderr
    assert p.returncode == 0 and "DONE" in p.stdout, out
    return out


def test_single_allocation_too_large(device):
    """Bigger than the cap: MemoryError at once for an array that must exist
    (creation, copies), when computed for a pending result (a fused
    reduction may consume it without ever allocating it), and also when a
    pending result that fits the cap alone cannot be computed beside its
    inputs."""
    run_capped("""
        oom(lambda: ndaccel.zeros(MiB, dtype=numpy.float64), 8 * MiB)
        col, row = ndaccel.ones((1024, 1)), ndaccel.ones((1, 1024))
        oom(lambda: (col + row).get(), 8 * MiB)      # a pending result: fails when computed
        assert float((col + row).sum()) == 1024 * 1024 * 2  # ... but folds unallocated
        m = ndaccel.ones((128, 128), dtype=numpy.int64)   # int matmul: a 16 MiB
        assert int((m @ m)[5, 7]) == 128                  # product, never allocated
        del m
        del col, row
        oom(lambda: ndaccel.asarray(numpy.ones(5 * MiB, dtype=numpy.uint8)), 5 * MiB)
        still_works()
        a = ndaccel.ones(MiB // 4)                   # 2 MiB
        b = a.astype(numpy.complex128)               # 4 MiB, pending
        assert b._is_lazy
        msg = oom(lambda: b.get(), 4 * MiB)
        assert "NDACCEL_MEMORY_LIMIT" in msg, msg
        assert b._is_lazy                            # still pending, still usable
        del a
        still_works()
        assert live() == BASE + 2 * MiB, (live(), BASE)  # b's pending input
        del b
        assert live() == BASE, (live(), BASE)
        big = ndaccel.zeros(3 * MiB // 8)            # 3 MiB: fits once the rest is gone
        assert float(big.sum()) == 0.0
        del big
        assert live() == BASE
    """, device)


def test_many_live_arrays_then_free(device):
    """Live arrays exhaust the cap; freeing them makes room for as many."""
    run_capped("""
        counts = []
        for round in range(2):
            arrs = []
            try:
                while True:
                    arrs.append(ndaccel.full(32 * KB, float(len(arrs))))  # 256 KiB each
            except MemoryError as exc:
                msg = str(exc)
                assert str(256 * KB) in msg and DEV in msg, msg
            counts.append(len(arrs))
            assert float(arrs[-1][0]) == len(arrs) - 1  # the arrays hold their values
            del arrs
            assert live() == BASE, (live(), BASE)
            still_works()
        assert counts[0] == counts[1] and counts[0] >= 14, counts
    """, device)


def test_recovery_flushes_pending_work_and_the_cache(device):
    """The retry finds room that only the recovery makes: cached blocks of
    another size class, and an input buffer that only a pending expression
    keeps alive (its result is smaller: computing it frees the input)."""
    run_capped("""
        # cached blocks: 12 x 256 KiB freed into the pool, then 2 MiB
        arrs = [ndaccel.empty(32 * KB) for _ in range(12)]
        del arrs
        assert ndaccel.memory_info()["cached_bytes"] >= 3 * MiB
        big = ndaccel.full(MiB // 4, 2.0)
        assert ndaccel.memory_info()["cached_bytes"] < 3 * MiB
        assert float(big[-1]) == 2.0
        del big
        ndaccel.free_cached_memory()

        # pending work: y = x.astype(float32) holds x (2 MiB) until computed
        h = numpy.linspace(0.0, 1.0, MiB // 4)
        x = ndaccel.asarray(h)
        y = x.astype(numpy.float32)
        del x
        assert y._is_lazy
        assert live() >= BASE + 2 * MiB
        z = ndaccel.empty(5 * MiB // 16)             # 2.5 MiB: needs x's 2 MiB back
        assert not y._is_lazy                        # computed by the recovery
        numpy.testing.assert_array_equal(y.get(), h.astype(numpy.float32))
        z[...] = 1.0
        assert float(z.sum()) == 5 * MiB // 16
        del y, z
        assert live() == BASE
        still_works()
    """, device)


def test_cap_is_per_process_state(device):
    """The cap in a subprocess leaves this process uncapped (the premise of
    running the scenarios in subprocesses)."""
    a = ndaccel.zeros(LIMIT // 8 + 1024)
    assert float(a.sum()) == 0.0

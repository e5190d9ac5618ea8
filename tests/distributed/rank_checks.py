"""Checks of a test program that mpirun runs on every rank (distributed_ops_test.py,
nccl_fake_ops_test.py): each rank counts its own, prints a failure with its rank
as it happens, and finish() prints the count and exits 1 when any failed."""
import sys

import numpy

_rank = None
_passed = _failed = 0


def begin(rank):
    """Names the rank the failures are printed with."""
    global _rank
    _rank = rank


def check(cond, what):
    """Counts a check; prints what failed."""
    global _passed, _failed
    if cond:
        _passed += 1
    else:
        _failed += 1
        print(f"rank {_rank}: FAILED: {what}", file=sys.stderr, flush=True)


def same(got, want, what):
    """got (a NumPy value, or an array with get()) equals want: shape, dtype, values
    (NaNs equal)."""
    g = got.get() if hasattr(got, "get") else numpy.asarray(got)
    w = numpy.asarray(want)
    ok = g.shape == w.shape and g.dtype == w.dtype and numpy.array_equal(g, w, equal_nan=True)
    check(ok, f"{what}: got {g!r}, want {w!r}")


def raises(exc, fn, what):
    """fn() raises exc (a wrong class or nothing is a failure)."""
    try:
        fn()
    except exc:
        check(True, what)
        return
    except Exception as e:  # noqa: BLE001 - a wrong class is a failure
        check(False, f"{what}: {type(e).__name__}: {e}")
        return
    check(False, f"{what}: nothing raised")


def finish():
    """Prints "rank R: N checks passed" (and the failures' count) and exits, 1 when
    a check failed."""
    print(f"rank {_rank}: {_passed} checks passed" + (f", {_failed} FAILED" if _failed else ""),
          flush=True)
    sys.exit(1 if _failed else 0)

"""Shared by the bench/ scripts: best-of timing, the first (cold) call,
the header line and the results folder."""
import os
import time

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def best_of(fn, reps):
    """Smallest wall time of fn() over `reps` calls, in seconds (fn does its
    own synchronisation)."""
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best



def first_and_best(fn, reps):
    """(best of `reps` timed calls, the first call, the first call's
    result), in seconds; every call is followed by ndaccel.synchronize(),
    so the times are the device's. The first call includes kernel compiles
    or cache loads and library plans."""
    import ndaccel

    def run():
        r = fn()
        ndaccel.synchronize()
        return r
    t0 = time.perf_counter()
    r = run()
    first = time.perf_counter() - t0
    return best_of(run, reps), first, r


def header():
    """'ndaccel <version> on <device id> (<name>); numpy <version>'."""
    import ndaccel
    import numpy
    dev = ndaccel.get_device()
    return (f"ndaccel {ndaccel.__version__} on {dev.id} ({dev.name}); numpy "
            f"{numpy.__version__}")

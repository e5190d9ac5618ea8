"""Shared by the bench/ scripts: best-of timing and the results folder."""
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


"""Library operations that are not elementwise, NumPy vs ndaccel in one run:
binning (bincount, digitize, histogram), sorting (sort, argsort, unique with
counts), add.at, float64 and float32 log, exp, tanh, sin, a where expression
(the vector kernels of CPU devices) and pow, matmul, reductions (whole-array, column and
row folds, std, mean, count_nonzero), order statistics (median, percentile),
creation (arange, full), roll, nonzero, a gather, random draws, and the
host-libraries policy
of CPU devices on and off (NDACCEL_HOST_LIBRARIES; see
python/ndaccel/_host_libraries.py). Each ndaccel time includes
ndaccel.synchronize() and is the best of --reps calls after a warm-up call;
NumPy's and the two ndaccel calls alternate.

    PYTHONPATH=<package dir> python3 bench/library.py [--n 1000000] [--reps 5]

Prints a table and writes bench/results/library.md. Never passes or fails on
time; not part of `./run bench`."""
import argparse
import os
import sys

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndaccel  # noqa: E402
from ndaccel import _host_libraries  # noqa: E402
from timing import RESULTS, best_of, header  # noqa: E402


def cases(xp, n):
    """(name, fn) pairs over the same data for xp = numpy or ndaccel."""
    rng = numpy.random.default_rng(0)
    v = xp.asarray(rng.normal(size=n))
    pos = xp.asarray(rng.random(n) + 0.5)
    labels = xp.asarray(rng.integers(0, 64, n))
    few = xp.asarray(rng.integers(0, 1000, n))
    edges = xp.asarray(numpy.linspace(-4, 4, 65)[1:-1])
    m = xp.asarray(rng.random((1000, 1000)))
    tall = xp.asarray(rng.random((n // 8, 8)))
    acc = xp.zeros(1000)
    mask = xp.asarray(rng.random(n) > 0.5)
    v32 = xp.asarray(rng.normal(size=n).astype(numpy.float32))
    pos32 = xp.asarray((rng.random(n) + 0.5).astype(numpy.float32))
    y32 = xp.asarray(rng.normal(size=n).astype(numpy.float32))
    return [
        ("bincount, 64 bins", lambda: xp.bincount(labels, minlength=64)),
        ("digitize, 63 edges", lambda: xp.digitize(v, edges)),
        ("histogram, 64 bins", lambda: xp.histogram(v, bins=64, range=(-4.0, 4.0))[0]),
        ("sort", lambda: xp.sort(v)),
        ("argsort (stable)", lambda: xp.argsort(v, kind="stable")),
        ("unique, counts", lambda: xp.unique(few, return_counts=True)[1]),
        ("add.at, 1000 bins", lambda: xp.add.at(acc, few, v)),
        ("log", lambda: xp.log(pos)),
        ("exp", lambda: xp.exp(v)),
        ("tanh", lambda: xp.tanh(v)),
        ("sin", lambda: xp.sin(v)),
        ("where(v > 0, sqrt(v), -v)", lambda: xp.where(v > 0, xp.sqrt(xp.abs(v)), -v)),
        ("x ** 1.5", lambda: pos ** 1.5),
        ("float32 log", lambda: xp.log(pos32)),
        ("float32 exp", lambda: xp.exp(v32)),
        ("float32 tanh", lambda: xp.tanh(v32)),
        ("float32 sin", lambda: xp.sin(v32)),
        ("float32 x ** 1.5", lambda: pos32 ** numpy.float32(1.5)),
        ("float32 x ** y", lambda: pos32 ** y32),
        ("matmul 1000^2", lambda: m @ m),
        ("X.T @ X, n/8 x 8", lambda: tall.T @ tall),
        ("sum", lambda: v.sum()),
        ("max", lambda: v.max()),
        ("sum, axis 0 of n/8 x 8", lambda: tall.sum(axis=0)),
        ("max, axis 1 of 1000^2", lambda: m.max(axis=1)),
        ("max, axis 1 of n/8 x 8", lambda: tall.max(axis=1)),
        ("argmax", lambda: xp.argmax(v)),
        ("argmax, axis 1 of 1000^2", lambda: m.argmax(axis=1)),
        ("argmin, axis 1 of n/8 x 8", lambda: tall.argmin(axis=1)),
        ("arange(n)", lambda: xp.arange(n)),
        ("full(n, 3.0)", lambda: xp.full(n, 3.0)),
        ("roll(v, 3)", lambda: xp.roll(v, 3)),
        ("nonzero(v > 0)", lambda: xp.nonzero(v > 0)[0]),
        ("count_nonzero(v > 0)", lambda: xp.count_nonzero(mask)),
        ("mean", lambda: v.mean()),
        ("median", lambda: xp.median(v)),
        ("percentile 90", lambda: xp.percentile(v, 90)),
        ("v[idx] (1M indices)", lambda: v[few]),
        ("std", lambda: v.std()),
        ("random(n)", lambda: xp.random.default_rng(1).random(n)),
        ("integers(0, 100, n)", lambda: xp.random.default_rng(1).integers(0, 100, n)),
    ]


def _policy(use, fn):
    """fn run with the host-libraries policy on (use=True) or off."""
    def run():
        saved = _host_libraries.USE
        _host_libraries.USE = use
        try:
            return fn()
        finally:
            _host_libraries.USE = saved
    return run


def time_all(n, reps):
    """Per case, (NumPy, ndaccel with the policy, ndaccel's kernels only)
    best times. The three alternate call by call, so that a process's slow
    first calls or a slow spell of the VM does not fall on one column."""
    out = []
    for (name, f_np), (_, f_nd) in zip(cases(numpy, n), cases(ndaccel, n)):
        def nd(fn=f_nd):
            r = fn()
            ndaccel.synchronize()
            return r
        runs = [f_np, _policy(True, nd), _policy(False, nd)]
        for run in runs:
            run()  # compiles, plans, caches
        best = [float("inf")] * 3
        for _ in range(reps):
            for k, run in enumerate(runs):
                best[k] = min(best[k], best_of(run, 1))
        out.append((name, *best))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    print(header(), f"n = {args.n}")
    times = time_all(args.n, args.reps)
    lines = ["# Library operations: NumPy vs ndaccel (ms; ratio = NumPy / ndaccel)", "",
             header() + f"; n = {args.n}", "",
             "| operation | NumPy | ndaccel | ratio | device kernels only | ratio |",
             "|---|---|---|---|---|---|"]
    for name, a, b, c in times:
        print(f"{name:20s} numpy {a * 1e3:9.2f} ms  ndaccel {b * 1e3:9.2f} ms ({a / b:5.2f}x)  "
              f"device kernels only {c * 1e3:9.2f} ms ({a / c:5.2f}x)", flush=True)
        lines.append(f"| {name} | {a * 1e3:.2f} | {b * 1e3:.2f} | {a / b:.2f}x | "
                     f"{c * 1e3:.2f} | {a / c:.2f}x |")
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "library.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

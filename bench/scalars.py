"""The cost of ndaccel's scalar design (python/ndaccel/_scalars.py): single
values are NumPy scalars on the host, as in NumPy, so each one waits for the
device and copies one element back.

    PYTHONPATH=<package dir> python3 bench/scalars.py [--n 65536] [--reps 5]

Cases, each a Python loop as user code writes it, µs per iteration:
- `a[i]` reads of a 1-D array (a scalar per read);
- `for v in a` over a 1-D array;
- `a.sum()` of a 64k array in a loop (a reduction, then the scalar);
- `a.sum(keepdims=True)` in a loop: the device-resident spelling (no wait,
  no transfer): what the scalar costs is the difference to the row above;
- `a[i]` of a 2-D array (a row view: no transfer) for comparison.
NumPy runs the same loops. Prints a table and writes
bench/results/scalars.md. Never passes or fails on time; not part of
`./run bench`."""
import argparse
import os
import sys
import time

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndaccel  # noqa: E402
from timing import RESULTS, header  # noqa: E402


def per_iter(loop, count, reps):
    """Best over `reps` of loop() (which runs `count` iterations and
    synchronises), in µs per iteration."""
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        loop()
        best = min(best, time.perf_counter() - t0)
    return best / count * 1e6


def cases(xp, n):
    h = numpy.arange(n, dtype=numpy.float64)
    a = xp.asarray(h)
    b = xp.asarray(h.reshape(256, -1))
    short = 2000

    def reads():
        t = 0.0
        for i in range(short):
            t += a[i]
        return t

    def iterate():
        t = 0.0
        for v in a[:short]:
            t += v
        return t

    def sums():
        t = 0.0
        for _ in range(200):
            t += a.sum()
        return t

    def sums_on_device():
        t = a.sum(keepdims=True)
        for _ in range(199):
            t += a.sum(keepdims=True)
        return float(t[0])

    def rows():
        r = None
        for i in range(short):
            r = b[i % 256]
        return r

    return [("a[i] read, 1-D (scalar)", reads, short),
            ("for v in a, 1-D (scalar)", iterate, short),
            ("a.sum() of 64k (scalar)", sums, 200),
            ("a.sum(keepdims=True) of 64k (stays on device)", sums_on_device, 200),
            ("a[i] of 2-D (row view)", rows, short)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=65536)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    print(header())
    table = []
    for (name, f_np, count), (_, f_nd, _) in zip(cases(numpy, args.n), cases(ndaccel, args.n)):
        f_nd()  # compiles the kernels
        ndaccel.synchronize()
        t_np = per_iter(f_np, count, args.reps)
        t_nd = per_iter(lambda: (f_nd(), ndaccel.synchronize()), count, args.reps)
        table.append((name, t_np, t_nd))
        print(f"{name:48s} numpy {t_np:8.2f} µs  ndaccel {t_nd:8.2f} µs", flush=True)
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "scalars.md")
    with open(path, "w") as f:
        f.write(f"# Single values as NumPy scalars: the cost\n\n{header()}. µs per loop "
                f"iteration (best of {args.reps}), n = {args.n}. Written by bench/scalars.py.\n\n"
                "| case | numpy µs | ndaccel µs |\n|---|---|---|\n")
        for name, t_np, t_nd in table:
            f.write(f"| {name} | {t_np:.2f} | {t_nd:.2f} |\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

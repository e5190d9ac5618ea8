"""FFT benchmark: ndaccel.fft (cuFFT / VkFFT) vs numpy.fft (pocketfft) on
the default device, ms per call for a few sizes and both precisions.

    PYTHONPATH=<package dir> python3 bench/fft.py [--cases 1048576x1,1000x1024]

Each case is N points x B batched rows (complex input, fft along the last
axis; one rfft case). The first call builds the library plan (VkFFT
compiles kernels then) and is reported separately as "first call". Times
include the ndaccel-side scaling/copies but no host transfer: the device is
synchronised after the timed loop. Prints a table and writes
bench/results/fft.md. Never passes or fails on time; not part of
`./run bench`."""
import argparse
import os
import sys
import time

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndaccel  # noqa: E402
from timing import RESULTS, best_of  # noqa: E402

DEFAULT_CASES = "1024x1024,1048576x1,1000x1000,97x4096,4096x256:rfft"


def parse(cases):
    out = []
    for c in cases.split(","):
        c, _, fn = c.partition(":")
        n, _, b = c.partition("x")
        out.append((int(n), int(b or 1), fn or "fft"))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", default=DEFAULT_CASES, help="NxB[:rfft],... (points x rows)")
    ap.add_argument("--dtypes", default="complex64,complex128")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    dev = ndaccel.get_device()
    print(f"ndaccel {ndaccel.__version__} on {dev.id} ({dev.name}); numpy {numpy.__version__}")
    rng = numpy.random.default_rng(0)
    rows = []
    for dtype in args.dtypes.split(","):
        for n, b, fn in parse(args.cases):
            shape = (b, n) if b > 1 else (n,)
            x = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
            x = x.astype(dtype)
            if fn == "rfft":
                x = x.real.copy()
            d = ndaccel.asarray(x)
            ndaccel.synchronize()
            f_np, f_nd = getattr(numpy.fft, fn), getattr(ndaccel.fft, fn)
            t0 = time.perf_counter()
            r = f_nd(d)
            ndaccel.synchronize()
            first = (time.perf_counter() - t0) * 1e3
            err = numpy.max(numpy.abs(r.get() - f_np(x))) / numpy.max(numpy.abs(f_np(x)))

            def run_nd():
                for _ in range(3):
                    f_nd(d)
                ndaccel.synchronize()

            t_nd = best_of(run_nd, args.reps) * 1e3 / 3
            t_np = best_of(lambda: f_np(x), args.reps) * 1e3
            dtype = x.dtype.name
            rows.append((fn, n, b, dtype, t_np, t_nd, first, err))
            print(f"{fn:5s} n={n:8d} x {b:5d} {dtype:10s} numpy {t_np:9.3f} ms"
                  f"  ndaccel {t_nd:9.3f} ms  (first call {first:8.1f} ms, rel err {err:.1e})",
                  flush=True)
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "fft.md")
    with open(path, "w") as f:
        f.write(f"# FFT: ndaccel vs NumPy\n\nndaccel {ndaccel.__version__} on {dev.id} "
                f"({dev.name}); numpy {numpy.__version__}. ms per call (best of {args.reps}), "
                f"first call includes plan creation. Written by bench/fft.py.\n\n")
        f.write("| transform | n | rows | dtype | numpy ms | ndaccel ms | speed-up | first call ms "
                "| max rel err |\n|---|---|---|---|---|---|---|---|---|\n")
        for fn, n, b, dt, t_np, t_nd, first, err in rows:
            f.write(f"| {fn} | {n} | {b} | {dt} | {t_np:.3f} | {t_nd:.3f} | {t_np / t_nd:.2f}x | "
                    f"{first:.1f} | {err:.1e} |\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""GEMM benchmark: ndaccel matmul (the device's BLAS library: cuBLAS or
CLBlast) against NumPy (its BLAS) and against ndaccel's own fused
broadcast-multiply + reduce path, in GFLOP/s, for square float32/float64
products on the default device.

    PYTHONPATH=<package dir> python3 bench/gemm.py [--sizes 256,512,1024,2048]
        [--dtypes float32,float64] [--fused-max 512] [--reps 3]

GFLOP/s = 2 n^3 / time. Times are the best of --reps calls, each followed
by a device synchronise, operands already on the device and no host
transfer. The first library call of a dtype (CLBlast compiles its kernels
then, PoCL caches them on disk) is reported separately. The fused path
(forced with _matmul.USE_LIBRARY = False) is measured up to
--fused-max only: it does n^3 work in one generated kernel and is slow at
large n. Prints a table and writes bench/results/gemm.md. Never passes or
fails on time; not part of `./run bench`."""
import argparse
import os
import sys

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndaccel  # noqa: E402
from timing import RESULTS, best_of, first_and_best, header  # noqa: E402
from ndaccel.linalg import _matmul  # noqa: E402



def time_nd(a, b, reps, library):
    """Seconds per a @ b on the device (best of reps), and the first call."""
    saved = _matmul.USE_LIBRARY
    _matmul.USE_LIBRARY = library
    try:
        best, first, _ = first_and_best(lambda: a @ b, reps)
        return best, first
    finally:
        _matmul.USE_LIBRARY = saved


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="256,512,1024,2048")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--fused-max", type=int, default=512,
                    help="largest n measured on the fused (no library) path")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    dev = ndaccel.get_device()
    head = header()
    print(head)
    rng = numpy.random.default_rng(0)
    rows = []
    for dt in args.dtypes.split(","):
        for n in [int(s) for s in args.sizes.split(",")]:
            x = rng.standard_normal((n, n)).astype(dt)
            y = rng.standard_normal((n, n)).astype(dt)
            a, b = ndaccel.asarray(x), ndaccel.asarray(y)
            ndaccel.synchronize()
            flop = 2.0 * n ** 3
            t_np = best_of(lambda: x @ y, args.reps)
            t_lib, first = time_nd(a, b, args.reps, True)
            why = _matmul.library_unavailable_reason(dev.id, dt)
            ref = x.astype("float64") @ y.astype("float64")
            err = float(numpy.max(numpy.abs((a @ b).get() - ref)) / numpy.max(numpy.abs(ref)))
            t_fused = time_nd(a, b, 1, False)[0] if n <= args.fused_max else None
            rows.append((dt, n, flop / t_np / 1e9, flop / t_lib / 1e9, first,
                         flop / t_fused / 1e9 if t_fused else None, err, why))
            fused = f"{flop / t_fused / 1e9:8.2f}" if t_fused else "       -"
            print(f"{dt:8s} n={n:5d}  numpy {flop / t_np / 1e9:8.2f}  ndaccel "
                  f"{flop / t_lib / 1e9:8.2f}{' (no library: ' + why + ')' if why else ''}  "
                  f"fused {fused} GFLOP/s  (first call {first * 1e3:8.1f} ms, "
                  f"rel err {err:.1e})", flush=True)
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "gemm.md")
    with open(path, "w") as f:
        f.write(f"# GEMM: ndaccel matmul vs NumPy\n\n{head}. GFLOP/s = 2n^3 / best of "
                f"{args.reps} (device synchronised, no transfers). \"library\" is matmul "
                f"through the backend's BLAS (CLBlast/cuBLAS); \"fused\" is ndaccel's own "
                f"broadcast-multiply + reduce kernel (one call, measured up to n = "
                f"{args.fused_max}). First call includes the library's kernel build (PoCL "
                f"caches it on disk). Written by bench/gemm.py.\n\n")
        f.write("| dtype | n | numpy GFLOP/s | ndaccel library GFLOP/s | ndaccel fused GFLOP/s "
                "| library / fused | first call ms | max rel err |\n"
                "|---|---|---|---|---|---|---|---|\n")
        for dt, n, g_np, g_lib, first, g_fused, err, why in rows:
            lib = f"{g_lib:.2f}" + (f" (fell back: {why})" if why else "")
            fz = f"{g_fused:.3f}" if g_fused else "-"
            ratio = f"{g_lib / g_fused:.0f}x" if g_fused else "-"
            f.write(f"| {dt} | {n} | {g_np:.2f} | {lib} | {fz} | {ratio} | {first * 1e3:.1f} | "
                    f"{err:.1e} |\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

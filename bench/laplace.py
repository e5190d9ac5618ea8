"""Headline benchmark: the seed Laplace solver, NumPy vs ndaccel on the
default device, ms per Jacobi sweep at 1024^2 and 4096^2.

Prints a table, writes bench/results/laplace.md (and laplace.png when
matplotlib is installed). Never passes or fails on time."""
import argparse
import os
import sys
import time

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndaccel  # noqa: E402
from laplace_seed import laplace  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def timed(np, n, iters, dtype, sync):
    t0 = time.perf_counter()
    u, sweeps = laplace(np, n, n, iters, dtype, eps=-1.0)  # eps < 0: never converges early
    sync(u)
    return (time.perf_counter() - t0) / sweeps * 1e3, u


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1024,4096")
    ap.add_argument("--dtypes", default="float64,float32")
    ap.add_argument("--iters", type=int, default=0, help="sweeps per run (default: by size)")
    args = ap.parse_args(argv)
    dev = ndaccel.get_device()
    print(f"ndaccel {ndaccel.__version__} on {dev.id} ({dev.name}); numpy {numpy.__version__}")
    rows = []
    for dtype in args.dtypes.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            iters = args.iters or (50 if n <= 1024 else 20)
            # warm-up: compiles (or loads) the kernels, fills the allocator
            c0 = ndaccel.cache_info()
            laplace(ndaccel, n, n, 10, dtype, eps=-1.0)
            ndaccel.synchronize()
            c1 = ndaccel.cache_info()
            t_np, u_np = timed(numpy, n, iters, dtype, lambda u: None)
            t_nd, u_nd = timed(ndaccel, n, iters, dtype, lambda u: ndaccel.synchronize())
            err = float(numpy.max(numpy.abs(u_np - ndaccel.asnumpy(u_nd))))
            rows.append((n, dtype, iters, t_np, t_nd, t_np / t_nd, err,
                         c1["compiles"] - c0["compiles"]))
            print(f"  {n}^2 {dtype}: numpy {t_np:8.2f} ms/sweep  ndaccel {t_nd:8.2f} ms/sweep  "
                  f"speedup {t_np / t_nd:5.2f}x  max|diff| {err:.1e}", flush=True)
    header = ("| grid | dtype | sweeps | NumPy ms/sweep | ndaccel ms/sweep | speedup | "
              "max abs diff | kernels compiled in warm-up |")
    lines = [header, "|" + "---|" * 8]
    for n, dtype, iters, t_np, t_nd, ratio, err, comp in rows:
        lines.append(f"| {n}^2 | {dtype} | {iters} | {t_np:.2f} | {t_nd:.2f} | {ratio:.2f}x | "
                     f"{err:.1e} | {comp} |")
    table = "\n".join(lines)
    print()
    print(table)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "laplace.md"), "w") as f:
        f.write(f"# Laplace solver, {dev.id} ({dev.name})\n\n{table}\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return 0
    fig, ax = plt.subplots(figsize=(6, 3.5))
    labels = [f"{n}^2\n{d}" for n, d, *_ in rows]
    x = numpy.arange(len(rows))
    ax.bar(x - 0.2, [r[3] for r in rows], 0.4, label="NumPy")
    ax.bar(x + 0.2, [r[4] for r in rows], 0.4, label=f"ndaccel ({dev.id})")
    ax.set_xticks(x, labels)
    ax.set_ylabel("ms per sweep")
    ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(RESULTS, "laplace.png"), dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main())

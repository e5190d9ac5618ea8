"""Headline benchmark: the seed Laplace solver, NumPy vs ndaccel on the
default device, ms per Jacobi sweep at 1024^2 and 4096^2; against the
hand-written OpenCL kernel on an OpenCL device, and against CuPy running
the same code on a CUDA device when CuPy is installed.

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

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
REF = os.path.join(HERE, "..", "bazel-bin", "bench", "laplace_ref")


def reference(n, sweeps, dtype, device_id):
    """ms/sweep of the hand-written OpenCL kernel (bench/laplace_ref.c) on
    the same OpenCL device, or None when it is not built or not OpenCL."""
    import subprocess
    if not device_id.startswith("opencl:") or not os.path.exists(REF):
        return None
    idx = int(device_id.split(":")[1])
    # laplace_ref takes (platform, device); ndaccel numbers OpenCL devices
    # across platforms in order, which is platform 0 here unless several.
    try:
        out = subprocess.run([REF, str(n), str(sweeps), dtype, "0", str(idx)], capture_output=True,
                             text=True, timeout=600, check=True).stdout
        return float(out.split()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


def with_cupy(n, iters, dtype, device_id):
    """ms/sweep of the seed solver under CuPy on the same CUDA device (after
    a warm-up run), or None when the device is not CUDA or there is no
    CuPy."""
    if not device_id.startswith("cuda:"):
        return None
    try:
        import cupy
    except ImportError:
        return None
    with cupy.cuda.Device(int(device_id.split(":")[1])):
        def sync(u):
            cupy.cuda.runtime.deviceSynchronize()
        laplace(cupy, n, n, 10, dtype, eps=-1.0)
        sync(None)
        return timed(cupy, n, iters, dtype, sync)[0]


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
            t_ref, ref_name = reference(n, iters, dtype, dev.id), "hand-written"
            if t_ref is None:
                t_ref, ref_name = with_cupy(n, iters, dtype, dev.id), "CuPy"
            rows.append((n, dtype, iters, t_np, t_nd, t_np / t_nd, t_ref, err,
                         c1["compiles"] - c0["compiles"]))
            ref = f"  {ref_name} {t_ref:8.2f} ms ({t_nd / t_ref:4.2f}x of it)" if t_ref else ""
            print(f"  {n}^2 {dtype}: numpy {t_np:8.2f} ms/sweep  ndaccel {t_nd:8.2f} ms/sweep  "
                  f"speedup {t_np / t_nd:5.2f}x{ref}  max|diff| {err:.1e}", flush=True)
    other = "CuPy" if dev.id.startswith("cuda:") else "hand-written OpenCL"
    header = ("| grid | dtype | sweeps | NumPy ms/sweep | ndaccel ms/sweep | speedup vs NumPy | "
              f"{other} ms/sweep | ndaccel / {other} | max abs diff | "
              "kernels compiled in warm-up |")
    lines = [header, "|" + "---|" * 10]
    for n, dtype, iters, t_np, t_nd, ratio, t_ref, err, comp in rows:
        refs = f"{t_ref:.2f} | {t_nd / t_ref:.2f}x" if t_ref else "n/a | n/a"
        lines.append(f"| {n}^2 | {dtype} | {iters} | {t_np:.2f} | {t_nd:.2f} | {ratio:.2f}x | "
                     f"{refs} | {err:.1e} | {comp} |")
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
    ax.bar(x - 0.27, [r[3] for r in rows], 0.27, label="NumPy")
    ax.bar(x, [r[4] for r in rows], 0.27, label=f"ndaccel ({dev.id})")
    ax.bar(x + 0.27, [r[6] or 0 for r in rows], 0.27, label=other)
    ax.set_xticks(x, labels)
    ax.set_ylabel("ms per sweep")
    ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(RESULTS, "laplace.png"), dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main())

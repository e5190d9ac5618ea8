"""Dense solver benchmark: ndaccel.linalg's solve, cholesky, eigh, svd and
qr against numpy.linalg (LAPACK), for square matrices on the default
device. The "path" column says what ran: "cuSOLVER" (a device with a
solver library), "own kernels" (blocked LU / Cholesky with trailing
updates through matmul) or "host" (the HostFallbackWarning path).
NDACCEL_SOLVER=0 turns cuSOLVER off, to compare the paths on CUDA.

    PYTHONPATH=<package dir> python3 bench/solve.py [--sizes 256,1024]
        [--dtypes float64] [--reps 3] [--nrhs 1] [--functions solve,cholesky]

Times are the best of --reps calls, operands already on the device, each
call followed by a device synchronise (solve also reads its one singular
flag on the host, as every call does). The first call (kernel compiles or
cache loads) is reported separately. "rel err" is max|ndaccel - numpy| /
max|numpy|. Prints a table and writes bench/results/solve.md. Never passes
or fails on time."""
import argparse
import os
import warnings
import sys

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndaccel  # noqa: E402
from timing import RESULTS, best_of, first_and_best, header  # noqa: E402
import ndaccel.linalg  # noqa: E402
from ndaccel.linalg import _cusolver  # noqa: E402


def rel_err(got, ref):
    return float(numpy.abs(got.get() - ref).max() / max(numpy.abs(ref).max(), 1e-300))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="256,1024")
    ap.add_argument("--dtypes", default="float64")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--nrhs", type=int, default=1)
    ap.add_argument("--functions", default="solve,cholesky,eigh,svd,qr")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore", ndaccel.linalg.HostFallbackWarning)
    wanted = args.functions.split(",")
    head = header()
    print(head)
    rng = numpy.random.default_rng(0)
    rows = []
    for dt in args.dtypes.split(","):
        for n in [int(s) for s in args.sizes.split(",")]:
            a = (rng.standard_normal((n, n)) + n ** 0.5 * numpy.eye(n)).astype(dt)
            spd = (a @ a.T / n + numpy.eye(n)).astype(dt)
            b = rng.standard_normal((n, args.nrhs)).astype(dt)
            ga, gs, gb = ndaccel.asarray(a), ndaccel.asarray(spd), ndaccel.asarray(b)
            ndaccel.synchronize()
            cases = [("solve", lambda: numpy.linalg.solve(a, b),
                      lambda: ndaccel.linalg.solve(ga, gb), "own kernels"),
                     ("cholesky", lambda: numpy.linalg.cholesky(spd),
                      lambda: ndaccel.linalg.cholesky(gs), "own kernels"),
                     ("eigh", lambda: numpy.linalg.eigvalsh(spd),
                      lambda: ndaccel.linalg.eigvalsh(gs), "host"),
                     ("svd", lambda: numpy.linalg.svd(a, compute_uv=False),
                      lambda: ndaccel.linalg.svd(ga, compute_uv=False), "host"),
                     ("qr", lambda: numpy.linalg.qr(a, mode="r"),
                      lambda: ndaccel.linalg.qr(ga, mode="r"), "host")]
            for name, f_np, f_nd, otherwise in cases:
                if name not in wanted:
                    continue
                t_np = best_of(f_np, args.reps)
                t_nd, first, r = first_and_best(f_nd, args.reps)
                err = rel_err(r, f_np())
                how = "cuSOLVER" if _cusolver.enabled(ga._device_id) else otherwise
                rows.append((name, dt, n, how, t_np * 1e3, t_nd * 1e3, first * 1e3, err))
                print(f"{name:9s} {dt:8s} n={n:5d}  numpy {t_np * 1e3:9.2f} ms  ndaccel "
                      f"{t_nd * 1e3:9.2f} ms  (first {first * 1e3:8.1f} ms, {how})  "
                      f"rel err {err:.1e}")
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "solve.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Dense solvers: ndaccel.linalg vs numpy.linalg\n\n")
        f.write(f"{head}. Best of {args.reps} calls (device synchronised, operands on the "
                f"device, no result transfer); b has {args.nrhs} column(s). First call includes "
                "kernel compiles or cache loads. Written by bench/solve.py.\n\n")
        f.write("| function | dtype | n | path | numpy ms | ndaccel ms | ndaccel time / numpy time "
                "| first call ms | rel err vs numpy |\n|---|---|---|---|---|---|---|---|---|\n")
        for name, dt, n, how, t_np, t_nd, first, err in rows:
            f.write(f"| {name} | {dt} | {n} | {how} | {t_np:.2f} | {t_nd:.2f} | {t_nd / t_np:.1f}x | "
                    f"{first:.1f} | {err:.1e} |\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

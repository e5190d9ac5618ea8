"""The seed's vectorised Laplace solver (bench/laplace_seed.py), unmodified,
with `import ndaccel.distributed as np`, against NumPy: the same grid, the
same number of sweeps, max abs difference 0 for float64, on whatever number
of ranks mpirun started (the BUILD runs 1, 2, 3 and 4). Also checks that the
halo rows received per sweep are the minimum: one row from each neighbour
for each of the two row-shifted operands."""
import os
import sys

import numpy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import laplace_seed  # noqa: E402

import ndaccel.distributed as np  # noqa: E402

rank, size = np.rank(), np.size()
failed = 0
for n, m, iters, dtype in [(34, 21, 200, numpy.float64), (5, 7, 40, numpy.float64),
                           (3, 6, 30, numpy.float64), (40, 33, 120, numpy.float32)]:
    u, it = laplace_seed.laplace(np, n, m, iters, dtype, eps=1e-4, check_every=10)
    uh, ith = laplace_seed.laplace(numpy, n, m, iters, dtype, eps=1e-4, check_every=10)
    diff = float(numpy.abs(u.get().astype(numpy.float64) - uh).max())
    ok = it == ith and u.dtype == uh.dtype and u.shape == uh.shape and \
        (diff == 0.0 if dtype == numpy.float64 else diff <= 1e-5 * 100)
    if not ok:
        failed += 1
    if rank == 0:
        print(f"{size} ranks: laplace {n}x{m} {numpy.dtype(dtype).name}: sweeps {it} "
              f"(numpy {ith}), max|diff| {diff:.1e} {'ok' if ok else 'FAILED'}", flush=True)

# Halo rows: a sweep reads u[0:-2, 1:-1] (a row from the rank above) and
# u[2:, 1:-1] (a row from the rank below); nothing else moves.
n, m, sweeps = 24, 10, 7
u = np.zeros((n, m))
u[0, :] = 100
v = u.copy()
before = u.halo_bytes
for _ in range(sweeps):
    v[1:-1, 1:-1] = ((u[0:-2, 1:-1] + u[2:, 1:-1]) + (u[1:-1, 0:-2] + u[1:-1, 2:])) / 4
got = u.halo_bytes - before
bounds = u.bounds
lo, hi = bounds[rank]
rows = 0
if hi > lo:
    rows += 1 if lo > 0 else 0          # the row above the block, for u[0:-2]
    rows += 1 if hi < n else 0          # the row below, for u[2:]
want = sweeps * rows * m * 8
if got != want:
    failed += 1
    print(f"rank {rank}: halo bytes {got}, want the minimum {want}", flush=True)
elif rank == 0:
    print(f"{size} ranks: halo bytes per sweep on rank 0: {got // sweeps} (the minimum)")
sys.exit(1 if failed else 0)

"""Scaling of ndaccel.distributed on the seed Laplace solver
(bench/laplace_seed.py, unchanged, with `import ndaccel.distributed as np`).

    python3 bench/distributed.py [--strong 4096] [--weak 2048] [--sweeps 20] [--ranks 1,2]

Each configuration runs as `mpirun -n N python3 bench/distributed.py
--worker ...`, every rank on PoCL with ONE thread (POCL_MAX_PTHREAD_COUNT=1),
so N ranks use N cores:
- strong scaling: an S x S float64 grid on 1 and on N ranks; the speed-up
  of N ranks over 1 (target on 2 ranks: >= 1.7x);
- weak scaling: W x W rows per rank (a (N*W) x W grid on N ranks); the
  efficiency t(1) / t(N) (target >= 90%);
- halo bytes per sweep on each internal boundary, against the minimum (two
  rows, one each way, per internal boundary);
- the halo exchange overlapped with the interior sweep or not (2 ranks on
  the strong grid, NDACCEL_HALO_OVERLAP=1, the default, and 0): per
  sweep, the time and the host time spent starting the exchanges
  (agreement, staging: it waits for the previous sweep's rows) and in the
  waits (which include the interior kernel: the received rows' copy to the
  device is queued behind it);
- the machine's own ceiling: N independent single-rank processes, each with
  one rank's share of the grid, at the same time and without any
  communication. When the cores share memory bandwidth (a small VM), that
  ceiling, not the library, bounds both speed-ups; the tables give each
  measurement as a fraction of it as well.
Times are the best of 3 runs of `--sweeps` Jacobi sweeps after a warm-up
(no convergence test inside the timed loop), synchronised by a reduction.
Prints tables, writes bench/results/distributed.md and a plot (when
matplotlib is installed). Never passes or fails on time; not part of
`./run bench` (it needs mpirun and as many cores as ranks)."""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _instrument():
    """Wraps _core's exchanges, as ndaccel.distributed calls them, with timers: the
    blocking alltoallv and ialltoallv count as starts, comm_wait as waits."""
    from ndaccel import _core
    spent = {"start": 0.0, "wait": 0.0}

    def timed(fn, key):
        def call(*args):
            t0 = time.perf_counter()
            try:
                return fn(*args)
            finally:
                spent[key] += time.perf_counter() - t0
        return call

    _core.comm_alltoallv = timed(_core.comm_alltoallv, "start")
    _core.comm_ialltoallv = timed(_core.comm_ialltoallv, "start")
    _core.comm_wait = timed(_core.comm_wait, "wait")
    return spent


def worker(n, m, sweeps, reps):
    import numpy

    sys.path.insert(0, HERE)
    import laplace_seed

    import ndaccel.distributed as np
    np.comm()
    spent = _instrument()
    laplace_seed.laplace(np, n, m, 2, numpy.float64, eps=-1.0, check_every=10**9)  # warm-up
    best, comm_ms = float("inf"), None
    for _ in range(reps):
        _core_barrier(np)
        spent["start"] = spent["wait"] = 0.0
        t0 = time.perf_counter()
        u, it = laplace_seed.laplace(np, n, m, sweeps, numpy.float64, eps=-1.0,
                                     check_every=10**9)
        float(np.sum(u[0:1, 0:1]))  # waits for every rank's work
        t = time.perf_counter() - t0
        if t < best:
            best = t
            comm_ms = {k: 1e3 * v / sweeps for k, v in spent.items()}
    # halo bytes of one sweep, per rank (u after an even number of swaps)
    u = np.zeros((n, m))
    v = u.copy()
    before = u.halo_bytes
    v[1:-1, 1:-1] = ((u[0:-2, 1:-1] + u[2:, 1:-1]) + (u[1:-1, 0:-2] + u[1:-1, 2:])) / 4
    halo = u.halo_bytes - before
    totals = _allgather_int(np, halo)
    if np.rank() == 0:
        print(json.dumps({"ranks": np.size(), "n": n, "m": m, "sweeps": sweeps,
                          "seconds": best, "halo_bytes": totals,
                          "start_ms": comm_ms["start"], "wait_ms": comm_ms["wait"]}), flush=True)


def _core_barrier(np):
    from ndaccel import _core
    _core.comm_barrier(np.comm())


def _allgather_int(np, value):
    import numpy

    import ndaccel
    from ndaccel import _core
    c = np.comm()
    send = ndaccel.asarray(numpy.array([value], numpy.int64), device=c.device)
    recv = ndaccel.zeros(c.size, dtype=numpy.int64, device=c.device)
    _core.comm_allgather(c, send, recv)
    return [int(x) for x in recv.get()]


def _command(ranks, n, m, sweeps, reps):
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks)]
    if os.geteuid() == 0:
        cmd.insert(1, "--allow-run-as-root")
    return cmd + [sys.executable, os.path.abspath(__file__), "--worker", str(n), str(m),
                  str(sweeps), str(reps)]


def _env():
    env = dict(os.environ, POCL_MAX_PTHREAD_COUNT="1")
    env.pop("NDACCEL_DEVICE", None)
    return env


def _result(cmd, out, err, rc):
    if rc != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out}\n{err}")
    return json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])


def run(ranks, n, m, sweeps, reps, overlap=None):
    """One job of `ranks` ranks on an n x m grid: rank 0's report."""
    cmd = _command(ranks, n, m, sweeps, reps)
    env = _env()
    if overlap is not None:
        env["NDACCEL_HALO_OVERLAP"] = "1" if overlap else "0"
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    return _result(cmd, out.stdout, out.stderr, out.returncode)


def independent(count, n, m, sweeps, reps):
    """`count` single-rank jobs of n x m at the same time: the slowest one's seconds.
    Unbound: mpirun binds a job's ranks to cores starting at core 0, so `count` jobs of
    one rank each would all run on core 0."""
    cmd = _command(1, n, m, sweeps, reps)
    cmd[1:1] = ["--bind-to", "none"]
    procs = [subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(count)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=3600)
        results.append(_result(cmd, out, err, p.returncode))
    return max(r["seconds"] for r in results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strong", type=int, default=4096)
    ap.add_argument("--weak", type=int, default=2048)
    ap.add_argument("--sweeps", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--worker", nargs=4, type=int, metavar=("N", "M", "SWEEPS", "REPS"))
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    ranks = [int(r) for r in args.ranks.split(",")]
    sys.path.insert(0, HERE)
    from timing import RESULTS

    lines = ["# ndaccel.distributed: Laplace scaling (PoCL, 1 thread per rank)", ""]
    strong = {r: run(r, args.strong, args.strong, args.sweeps, args.reps) for r in ranks}
    t1 = strong[ranks[0]]["seconds"] * ranks[0]
    ceil_s = {r: independent(r, -(-args.strong // r), args.strong, args.sweeps, args.reps)
              for r in ranks}
    lines += [f"## Strong scaling: {args.strong}^2 float64, {args.sweeps} sweeps", "",
              "| ranks | seconds | ms/sweep | speed-up vs 1 rank | machine ceiling (independent "
              "processes) | speed-up / ceiling | halo bytes per rank per sweep |",
              "|---|---|---|---|---|---|---|"]
    for r in ranks:
        s = strong[r]
        ceiling = t1 / ceil_s[r]
        lines.append(f"| {r} | {s['seconds']:.3f} | {1e3 * s['seconds'] / args.sweeps:.1f} | "
                     f"{t1 / s['seconds']:.2f}x | {ceiling:.2f}x | "
                     f"{t1 / s['seconds'] / ceiling:.0%} | "
                     f"{', '.join(map(str, s['halo_bytes']))} |")
    weak = {r: run(r, r * args.weak, args.weak, args.sweeps, args.reps) for r in ranks}
    w1 = weak[ranks[0]]["seconds"]
    ceil_w = {r: independent(r, args.weak, args.weak, args.sweeps, args.reps) for r in ranks}
    lines += ["", f"## Weak scaling: {args.weak}^2 float64 per rank, {args.sweeps} sweeps", "",
              "| ranks | grid | seconds | efficiency | machine ceiling (independent processes) "
              "| efficiency / ceiling | halo bytes / minimum per boundary |",
              "|---|---|---|---|---|---|---|"]
    for r in ranks:
        w = weak[r]
        minimum = 2 * args.weak * 8  # one row each way per internal boundary
        per_boundary = sum(w["halo_bytes"]) / (r - 1) if r > 1 else 0
        ratio = f"{per_boundary / minimum:.2f}" if r > 1 else "n/a (no boundary)"
        ceiling = w1 / ceil_w[r]
        lines.append(f"| {r} | {w['n']}x{w['m']} | {w['seconds']:.3f} | "
                     f"{100 * w1 / w['seconds']:.0f}% | {100 * ceiling:.0f}% | "
                     f"{w1 / w['seconds'] / ceiling:.0%} | {ratio} |")
    multi = [r for r in ranks if r > 1]
    if multi:
        r = multi[0]
        modes = [run(r, args.strong, args.strong, args.sweeps, args.reps, overlap=o)
                 for o in (True, False)]
        lines += ["", f"## Halo exchange overlapped with the interior: {r} ranks, "
                  f"{args.strong}^2 float64 (rank 0's times per sweep)", "",
                  "| exchange | ms/sweep | host ms in the starts | host ms in the waits |",
                  "|---|---|---|---|"]
        for name, res in zip(("in flight during the interior sweep",
                              "completed before it (blocking)"), modes):
            lines.append(f"| {name} | {1e3 * res['seconds'] / args.sweeps:.2f} | "
                         f"{res['start_ms']:.3f} | {res['wait_ms']:.3f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "distributed.md"), "w") as f:
        f.write(text)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    ax[0].plot(ranks, [t1 / strong[r]["seconds"] for r in ranks], "o-", label="measured")
    ax[0].plot(ranks, ranks, "--", label="ideal")
    ax[0].set(title=f"strong scaling, {args.strong}^2", xlabel="ranks", ylabel="speed-up")
    ax[0].legend()
    ax[1].plot(ranks, [100 * w1 / weak[r]["seconds"] for r in ranks], "o-")
    ax[1].axhline(90, ls="--", color="gray")
    ax[1].set(title=f"weak scaling, {args.weak}^2 per rank", xlabel="ranks",
              ylabel="efficiency (%)", ylim=(0, 110))
    fig.tight_layout()
    fig.savefig(os.path.join(RESULTS, "distributed.png"), dpi=100)
    print(f"wrote {os.path.join(RESULTS, 'distributed.md')} and distributed.png")


if __name__ == "__main__":
    main()

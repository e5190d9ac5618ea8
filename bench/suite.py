"""The bench/ suite: every figure against NumPy in the same run.

1. Laplace solver (bench/laplace.py; run separately or via ./run bench)
2. elementwise (a+b, a*b+c, exp(a)) and whole-array sum bandwidth, GB/s,
   against a measured host copy bandwidth; a reduction over a short last
   axis (ones((n/2, 2)).sum(-1)) against elementwise passes over the same data
3. dispatch overhead: us per elementwise op at 1, 1024, 2^20 elements
4. cold start (empty caches) and warm start (second process) of a Laplace
   run: seconds and kernels compiled
5. ocean-model style kernels (equation of state, vertical mixing) at 1M and
   4M float64 elements

Prints tables; writes bench/results/suite.md (and suite.png with
matplotlib). Never passes or fails on time."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ndaccel  # noqa: E402
from ndaccel import _core  # noqa: E402
import ocean_kernels  # noqa: E402

RESULTS = os.path.join(HERE, "results")


def best(fn, repeat=5, sync=None):
    """Best wall time of fn() over `repeat` runs (after one warm-up)."""
    fn()
    if sync:
        sync()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        if sync:
            sync()
        times.append(time.perf_counter() - t0)
    return min(times)


def sync():
    ndaccel.synchronize()


def bandwidth(n):
    rows = []
    h = {k: numpy.random.default_rng(i).random(n, dtype=numpy.float32) for i, k in enumerate("abc")}
    hd = numpy.empty_like(h["a"])
    d = {k: ndaccel.asarray(v) for k, v in h.items()}
    dd = ndaccel.empty_like(d["a"])
    t_copy = best(lambda: numpy.copyto(hd, h["a"]))
    host_bw = 2 * n * 4 / t_copy / 1e9
    rows.append(("host copy (numpy.copyto)", host_bw, None, 100.0))
    cases = [
        ("a + b", 3, lambda np, x, o: np.add(x["a"], x["b"], out=o)),
        ("a * b + c", 4, lambda np, x, o: np.add(np.multiply(x["a"], x["b"]), x["c"], out=o)
         if np is numpy else o.__setitem__(Ellipsis, x["a"] * x["b"] + x["c"])),
        ("exp(a)", 2, lambda np, x, o: np.exp(x["a"], out=o)),
        ("sum(a)", 1, lambda np, x, o: float(np.sum(x["a"]))),
    ]
    for name, passes, fn in cases:
        t_np = best(lambda: fn(numpy, h, hd))
        t_nd = best(lambda: fn(ndaccel, d, dd), sync=sync)
        bw_np = passes * n * 4 / t_np / 1e9
        bw_nd = passes * n * 4 / t_nd / 1e9
        rows.append((name, bw_nd, bw_np, 100.0 * bw_nd / host_bw))
    return rows


def dispatch(sizes, ops=200):
    rows = []
    for n in sizes:
        a_h = numpy.ones(n, dtype=numpy.float32)
        a = ndaccel.asarray(a_h)
        out = ndaccel.empty_like(a)
        out_h = numpy.empty_like(a_h)

        def eager_nd():
            for _ in range(ops):
                ndaccel.add(a, a, out=out)

        def chain_nd():
            x = a
            for _ in range(ops):
                x = x + 1.0
            x._buffer_id  # materialise

        def eager_np():
            for _ in range(ops):
                numpy.add(a_h, a_h, out=out_h)

        t_np = best(eager_np, 3) / ops * 1e6
        t_eager = best(eager_nd, 3, sync) / ops * 1e6
        # the same with host evaluation of small stores off (kernel launches)
        old = _core.host_eval_limit(0)
        try:
            t_kernels = best(eager_nd, 3, sync) / ops * 1e6
        finally:
            _core.host_eval_limit(old)
        t_chain = best(chain_nd, 3, sync) / ops * 1e6
        rows.append((n, t_np, t_eager, t_kernels, t_chain))
    return rows


CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import ndaccel, numpy
sys.path.insert(0, {here!r})
from laplace_seed import laplace
u, _ = laplace(ndaccel, 256, 256, 20, "float64", eps=-1.0)
numpy.asarray(u)
info = ndaccel.cache_info()
print(json.dumps({{"seconds": time.perf_counter() - t0, "compiles": info["compiles"],
                   "disk_hits": info["disk_hits"]}}))
"""


def startup():
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NDACCEL_CACHE_DIR=os.path.join(tmp, "nd"),
                   POCL_CACHE_DIR=os.path.join(tmp, "pocl"))
        os.makedirs(env["POCL_CACHE_DIR"])
        rows = []
        for label in ("cold (empty caches)", "warm (second process)"):
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD.format(here=HERE)], env=env,
                                 capture_output=True, text=True, check=True).stdout
            wall = time.perf_counter() - t0
            r = json.loads(out.strip().splitlines()[-1])
            rows.append((label, wall, r["compiles"], r["disk_hits"]))
        return rows


def ocean(shapes):
    rows = []
    for shape in shapes:
        nh = ocean_kernels.make_inputs(numpy, *shape)
        nd = ocean_kernels.make_inputs(ndaccel, *shape)
        size = shape[0] * shape[1] * shape[2]
        for name, fn, args in (("equation of state", ocean_kernels.eos, (0, 1, 2)),
                               ("vertical mixing", ocean_kernels.mixing, (0, 3))):
            ref = fn(numpy, *(nh[i] for i in args))
            got = fn(ndaccel, *(nd[i] for i in args))
            err = float(numpy.max(numpy.abs(ref - ndaccel.asnumpy(got)) / (1 + numpy.abs(ref))))
            t_np = best(lambda: fn(numpy, *(nh[i] for i in args)), 3)
            t_nd = best(lambda: fn(ndaccel, *(nd[i] for i in args))._buffer_id, 3, sync)
            rows.append((name, size, t_np * 1e3, t_nd * 1e3, t_np / t_nd, err))
    return rows


def short_axis(n):
    """x.sum(-1) for x of shape (n/2, 2), float32, against elementwise passes
    reading the same data: x[:, 0] + x[:, 1] (same output) and x + 1."""
    h = numpy.random.default_rng(0).random((n // 2, 2), dtype=numpy.float32)
    d = ndaccel.asarray(h)
    o_h, o_d = numpy.empty(n // 2, numpy.float32), ndaccel.empty(n // 2, dtype=numpy.float32)
    f_h, f_d = numpy.empty_like(h), ndaccel.empty_like(d)
    cases = [
        ("x.sum(-1)", lambda np, x, o, f: np.sum(x, axis=-1, out=o)),
        ("x[:, 0] + x[:, 1]", lambda np, x, o, f: np.add(x[:, 0], x[:, 1], out=o)),
        ("x + 1", lambda np, x, o, f: np.add(x, 1, out=f)),
    ]
    rows, t_sum = [], None
    for name, fn in cases:
        t_np = best(lambda: fn(numpy, h, o_h, f_h))
        t_nd = best(lambda: fn(ndaccel, d, o_d, f_d), sync=sync)
        t_sum = t_sum or t_nd
        rows.append((name, t_np * 1e3, t_nd * 1e3, t_sum / t_nd))
    return rows


def table(header, rows, fmt):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(f.format(v) if v is not None else "n/a" for f, v in zip(fmt, r)) + " |"
              for r in rows]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes")
    args = ap.parse_args(argv)
    dev = ndaccel.get_device()
    out = [f"# ndaccel bench suite: {dev.id} ({dev.name}), numpy {numpy.__version__}\n"]
    n = 2 ** 22 if args.quick else 2 ** 24
    sections = [
        ("2. Elementwise and reduction bandwidth (float32, %d elements)" % n,
         ("operation", "ndaccel GB/s", "NumPy GB/s", "ndaccel % of host copy"),
         bandwidth(n), ("{}", "{:.1f}", "{:.1f}", "{:.0f}%")),
        ("2b. Reduction over a short last axis (float32, shape (%d, 2))" % (n // 2),
         ("operation", "NumPy ms", "ndaccel ms", "ndaccel sum time / this time"),
         short_axis(n), ("{}", "{:.2f}", "{:.2f}", "{:.2f}")),
        ("3. Dispatch overhead (us per op; host evaluation of small stores on CPU devices: "
         "nda/host_eval.h)",
         ("elements", "NumPy (out=)", "ndaccel eager (out=)", "eager, host evaluation off",
          "ndaccel fused chain x = x + 1"),
         dispatch([1, 1024, 16384, 65536, 2 ** 20]), ("{}", "{:.2f}", "{:.2f}", "{:.2f}", "{:.2f}")),
        ("4. Cold and warm start (Laplace 256^2, 20 sweeps, separate processes)",
         ("run", "seconds", "kernels compiled", "kernels from disk cache"),
         startup(), ("{}", "{:.2f}", "{}", "{}")),
        ("5. Ocean-model style kernels (float64)",
         ("kernel", "elements", "NumPy ms", "ndaccel ms", "speedup", "max rel diff"),
         ocean([(64, 64, 64), (100, 100, 100)] if args.quick else [(100, 100, 100), (160, 160, 160)]),
         ("{}", "{}", "{:.1f}", "{:.1f}", "{:.2f}x", "{:.1e}")),
    ]
    for title, header, rows, fmt in sections:
        t = table(header, rows, fmt)
        print(f"\n{title}\n{t}", flush=True)
        out.append(f"## {title}\n\n{t}\n")
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "suite.md"), "w") as f:
        f.write("\n".join(out))
    plot(sections, dev)
    return 0


def plot(sections, dev):
    """suite.png: bandwidth (GB/s) and ocean-kernel times, NumPy vs ndaccel."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    bw = sections[0][2][1:]
    oc = sections[4][2]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.8))
    x = numpy.arange(len(bw))
    a1.bar(x - 0.2, [r[2] for r in bw], 0.4, label="NumPy")
    a1.bar(x + 0.2, [r[1] for r in bw], 0.4, label=f"ndaccel ({dev.id})")
    a1.axhline(sections[0][2][0][1], color="gray", ls="--", label="host copy")
    a1.set_xticks(x, [r[0] for r in bw])
    a1.set_ylabel("GB/s")
    a1.legend(fontsize=8)
    x = numpy.arange(len(oc))
    a2.bar(x - 0.2, [r[2] for r in oc], 0.4, label="NumPy")
    a2.bar(x + 0.2, [r[3] for r in oc], 0.4, label="ndaccel")
    a2.set_xticks(x, [f"{r[0]}\n{r[1] / 1e6:.1f}M" for r in oc], fontsize=8)
    a2.set_ylabel("ms")
    a2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(RESULTS, "suite.png"), dpi=110)


if __name__ == "__main__":
    sys.exit(main())

"""Small realistic NumPy programs, each run unchanged with numpy and with
ndaccel as `xp` (issue 15's yardstick): the results must agree, and the
table reports NumPy's time, ndaccel's, the ratio (NumPy / ndaccel: above 1
is faster than NumPy), the kernels compiled and the first call's time.

    PYTHONPATH=<package dir> python3 bench/programs.py [--n 1000000] [--reps 3] [--only NAME]

Programs (1M-element problems unless said): an equation of state (a
TEOS-10-style polynomial: powers, sqrt, log, temporaries reused), an
isoneutral-mixing-style 4-D slicing kernel, a tridiagonal (Thomas) solve
along the last axis, k-means (200k 2-D points, broadcast distances,
argmin, bincount with weights), heat diffusion with roll (256², 100 steps),
n-body accelerations (1k bodies, broadcasting), a histogram pipeline, an
einsum contraction, a Monte-Carlo estimate of pi with random draws, an FFT
convolution, a notebook-style feature analysis (200k x 16: shared
intermediates, softmax, where/sign/isnan, argmax), Runge-Kutta 4 on 1M Lorenz
states (10 steps), and a small-array loop (64x64, 2000 steps). Writes
bench/results/programs.md and programs.png. Never passes or fails on time;
the last part of `./run bench`."""
import argparse
import os
import sys
import time

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndaccel  # noqa: E402
from timing import RESULTS, header  # noqa: E402


def eos(xp, n):
    rng = numpy.random.default_rng(1)
    s = xp.asarray(rng.uniform(30, 38, n))
    t = xp.asarray(rng.uniform(-2, 30, n))
    p = xp.asarray(rng.uniform(0, 5000, n))

    def run():
        sa = s * 1.00488
        x2 = sa * 0.0248826675584615
        x = xp.sqrt(x2)
        y = t * 0.025
        z = p * 1e-4
        v = 1.0 + x * (-0.1 + y * 0.02) + y * (0.5 - y * 0.01)
        for k in range(12):  # a long polynomial: the same temporaries many times
            c = 0.001 * (k + 1)
            v = v + c * (x2 * y - x * z ** 2 + y ** 2 * z - (k % 3) * x ** 3 + y ** 3 * 0.5)
        rho = 1.0 / v + xp.log(1.0 + z) * 0.1 - xp.sqrt(y ** 2 + 1.0) * 0.01
        return rho
    return run


def isoneutral(xp, n):
    k = max(4, int(round((n / 64) ** 0.5)))  # (k, k, 8, 8): n elements
    rng = numpy.random.default_rng(2)
    rho = xp.asarray(rng.random((k, k, 8, 8)))
    dx = xp.asarray(rng.random((k, 1, 1, 1)) + 0.5)

    def run():
        drdx = (rho[1:, 1:-1, 1:, :] - rho[:-1, 1:-1, 1:, :]) / dx[1:]
        drdz = rho[1:, 1:-1, 1:, :] - rho[1:, 1:-1, :-1, :]
        slope = xp.where(xp.abs(drdz) > 1e-3, -drdx / drdz, 0.0)
        taper = 0.5 * (1.0 + xp.tanh((1e-2 - xp.abs(slope)) / 1e-3))
        return (slope * taper * drdz).sum(axis=-1)
    return run


def thomas(xp, n):
    m = 64
    rows = max(1, n // m)
    rng = numpy.random.default_rng(3)
    a = xp.asarray(rng.random((rows, m)))
    b = xp.asarray(rng.random((rows, m)) + 4.0)
    c = xp.asarray(rng.random((rows, m)))
    d = xp.asarray(rng.random((rows, m)))

    def run():
        cp = xp.zeros((rows, m))
        dp = xp.zeros((rows, m))
        cp[:, 0] = c[:, 0] / b[:, 0]
        dp[:, 0] = d[:, 0] / b[:, 0]
        for i in range(1, m):
            den = b[:, i] - a[:, i] * cp[:, i - 1]
            cp[:, i] = c[:, i] / den
            dp[:, i] = (d[:, i] - a[:, i] * dp[:, i - 1]) / den
        x = xp.zeros((rows, m))
        x[:, m - 1] = dp[:, m - 1]
        for i in range(m - 2, -1, -1):
            x[:, i] = dp[:, i] - cp[:, i] * x[:, i + 1]
        return x
    return run


def kmeans(xp, n):
    pts = min(n, 200_000)
    rng = numpy.random.default_rng(4)
    x = xp.asarray(rng.random((pts, 2)))
    c0 = xp.asarray(rng.random((8, 2)))

    def run():
        c = c0
        for _ in range(10):
            d = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=-1)
            lab = d.argmin(axis=1)
            cnt = xp.bincount(lab, minlength=8)
            sx = xp.bincount(lab, weights=x[:, 0], minlength=8)
            sy = xp.bincount(lab, weights=x[:, 1], minlength=8)
            c = xp.stack([sx / xp.maximum(cnt, 1), sy / xp.maximum(cnt, 1)], axis=1)
        return c
    return run


def heat_roll(xp, n):
    rng = numpy.random.default_rng(5)
    u0 = xp.asarray(rng.random((256, 256)))

    def run():
        u = u0
        for _ in range(100):
            u = u + 0.1 * (xp.roll(u, 1, 0) + xp.roll(u, -1, 0) + xp.roll(u, 1, 1) +
                           xp.roll(u, -1, 1) - 4 * u)
        return u
    return run


def nbody(xp, n):
    rng = numpy.random.default_rng(6)
    pos = xp.asarray(rng.random((1000, 3)))
    mass = xp.asarray(rng.random(1000))

    def run():
        d = pos[None, :, :] - pos[:, None, :]
        r2 = (d ** 2).sum(axis=-1) + 1e-3
        inv = mass[None, :] / (r2 * xp.sqrt(r2))
        return (d * inv[:, :, None]).sum(axis=1)
    return run


def histogram(xp, n):
    rng = numpy.random.default_rng(7)
    v = xp.asarray(rng.normal(size=n))

    def run():
        h, edges = xp.histogram(v, bins=64, range=(-4.0, 4.0))
        idx = xp.digitize(v, edges[1:-1])
        return h, xp.bincount(idx, minlength=64)
    return run


def einsum(xp, n):
    rng = numpy.random.default_rng(8)
    a = xp.asarray(rng.random((n // 16, 4, 4)))
    v = xp.asarray(rng.random((n // 16, 4)))

    def run():
        return xp.einsum("nij,nj->ni", a, v), xp.einsum("i,i,i->i", v[:, 0], v[:, 1], v[:, 2])
    return run


def monte_carlo(xp, n):
    def run():
        rng = xp.random.default_rng(9)
        x = rng.random(n)
        y = rng.random(n)
        return 4.0 * xp.count_nonzero(x * x + y * y < 1.0) / n
    return run


def fft_conv(xp, n):
    rng = numpy.random.default_rng(10)
    sig = xp.asarray(rng.random(n))
    ker = xp.asarray(numpy.exp(-numpy.linspace(-3, 3, 101) ** 2))

    def run():
        m = sig.shape[0] + ker.shape[0] - 1
        return xp.fft.irfft(xp.fft.rfft(sig, m) * xp.fft.rfft(ker, m), m)
    return run


def feature_analysis(xp, n):
    """A notebook-style analysis of n // 5 samples x 16 features: standardise,
    softmax over 8 classes, entropy, clipping with where/sign, tanh ** 1.5 with
    NaNs masked, column ranges, norms, argmax and bincount. Intermediates are
    shared by several later statements."""
    rng = numpy.random.default_rng(12)
    x = xp.asarray(rng.standard_normal((max(64, n // 5), 16)))
    w = xp.asarray(rng.standard_normal((16, 8)))

    def run():
        z = (x - x.mean(axis=0)) / x.std(axis=0)
        logits = z @ w
        e = xp.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        h = -(p * xp.log(p + 1e-12)).sum(axis=1)
        norms = xp.sqrt((z ** 2).sum(axis=1))
        clipped = xp.where(xp.abs(z) > 2.5, xp.sign(z) * 2.5, z)
        act = xp.tanh(clipped) ** 1.5
        act = xp.where(xp.isnan(act), 0.0, act)
        spread = clipped.max(axis=0) - clipped.min(axis=0)
        score = act.mean(axis=1) * h + norms / xp.linalg.norm(norms)
        return h.mean(), score.sum(), spread, xp.bincount(xp.argmax(p, axis=1), minlength=8)
    return run


def rk4_lorenz(xp, n):
    """Runge-Kutta 4 on an ensemble of n Lorenz-63 states, 10 steps: each
    stage's k is used by the next stage and by the update."""
    rng = numpy.random.default_rng(13)
    state = tuple(xp.asarray(rng.standard_normal(n)) for _ in range(3))

    def f(x, y, z):
        return 10.0 * (y - x), x * (28.0 - z) - y, x * y - (8.0 / 3.0) * z

    def run():
        s, dt = state, 0.001
        for _ in range(10):
            k1 = f(*s)
            k2 = f(*(v + 0.5 * dt * k for v, k in zip(s, k1)))
            k3 = f(*(v + 0.5 * dt * k for v, k in zip(s, k2)))
            k4 = f(*(v + dt * k for v, k in zip(s, k3)))
            s = tuple(v + dt / 6.0 * (a + 2 * b + 2 * c + d) for v, a, b, c, d in zip(s, k1, k2, k3, k4))
        return s
    return run


def small_loop(xp, n):
    u0 = xp.asarray(numpy.random.default_rng(11).random((64, 64)))

    def run():
        u = u0.copy()
        for _ in range(2000):
            u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        return u
    return run


PROGRAMS = [eos, isoneutral, thomas, kmeans, heat_roll, nbody, histogram, einsum, monte_carlo,
            fft_conv, feature_analysis, rk4_lorenz, small_loop]
# Programs whose results are random draws: ndaccel's streams are not NumPy's,
# so the estimates are compared to each other only loosely.
RANDOM = {"monte_carlo"}


def host(r):
    if isinstance(r, tuple):
        return tuple(host(x) for x in r)
    return numpy.asarray(r.get() if hasattr(r, "get") else r)


def agree(a, b, name):
    if isinstance(a, tuple):
        return all(agree(x, y, name) for x, y in zip(a, b))
    if name in RANDOM:
        return abs(float(a) - float(b)) < 0.01
    return a.shape == b.shape and numpy.allclose(a, b, rtol=1e-9, atol=1e-12)


def timed(run, sync, reps):
    t0 = time.perf_counter()
    r = run()
    sync(r)
    first = time.perf_counter() - t0
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        r = run()
        sync(r)
        best = min(best, time.perf_counter() - t0)
    return r, first, best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    print(header())
    rows = []
    for prog in PROGRAMS:
        name = prog.__name__
        if args.only and name != args.only:
            continue
        ref, _, t_np = timed(prog(numpy, args.n), lambda r: None, args.reps)
        before = ndaccel.cache_info()["compiles"]
        got, first, t_nd = timed(prog(ndaccel, args.n), lambda r: host(r), args.reps)
        compiles = ndaccel.cache_info()["compiles"] - before
        ok = agree(host(got), host(ref), name)
        rows.append((name, t_np * 1e3, t_nd * 1e3, t_np / t_nd, compiles, first * 1e3, ok))
        print(f"{name:12s} numpy {t_np * 1e3:9.2f} ms  ndaccel {t_nd * 1e3:9.2f} ms  "
              f"ratio {t_np / t_nd:6.2f}x  compiled {compiles:3d}  first call "
              f"{first * 1e3:8.1f} ms  {'same results' if ok else 'RESULTS DIFFER'}", flush=True)
    lines = ["# Small NumPy programs: NumPy vs ndaccel (ratio > 1: ndaccel faster)", "",
             header(), "",
             "| program | NumPy ms | ndaccel ms | ratio | kernels compiled | first call ms | "
             "results |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {r[0]} | {r[1]:.2f} | {r[2]:.2f} | {r[3]:.2f}x | {r[4]} | {r[5]:.1f} | "
              f"{'same' if r[6] else 'DIFFER'} |" for r in rows]
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "programs.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar([r[0] for r in rows], [r[3] for r in rows],
           color=["tab:green" if r[3] >= 1 else "tab:red" for r in rows])
    ax.axhline(1.0, color="black", lw=0.8)
    ax.set_yscale("log")
    ax.set_ylabel("NumPy time / ndaccel time")
    ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    fig.savefig(os.path.join(RESULTS, "programs.png"), dpi=100)


if __name__ == "__main__":
    main()

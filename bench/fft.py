"""FFT benchmark: ndaccel.fft (cuFFT / VkFFT) vs numpy.fft (pocketfft) on
the default device, ms per call for a few sizes and both precisions.

    PYTHONPATH=<package dir> python3 bench/fft.py [--cases 1048576x1:rfft,256x1024:irfft]

Each case is N points x B batched rows, transformed along the last axis by
fft (complex input), rfft (real input) or irfft (the n//2 + 1 point
Hermitian half of a real signal in, N real points out); --dtypes names the
complex precisions (complex64 -> float32 data for the real transforms).
For rfft and irfft the "full c2c" column times the old way of computing
them (an N-point complex transform of complexified data / of the rebuilt
full spectrum) through ndaccel's public functions, for comparison with the
half-length packing fft.py uses now.

The first call builds the library plan (VkFFT compiles kernels then) and is
reported separately as "first call". Times include the ndaccel-side
scaling/copies but no host transfer: the device is synchronised after the
timed loop. Prints a table and writes bench/results/fft.md. Never passes or
fails on time; not part of `./run bench`."""
import argparse
import os
import sys

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndaccel  # noqa: E402
from timing import RESULTS, best_of, first_and_best, header  # noqa: E402

DEFAULT_CASES = ("1024x1024,1048576x1,1000x1000,97x4096,"
                 "1048576x1:rfft,1048576x1:irfft,256x1024:rfft,256x1024:irfft,1000x1000:rfft")


def parse(cases):
    out = []
    for c in cases.split(","):
        c, _, fn = c.partition(":")
        n, _, b = c.partition("x")
        out.append((int(n), int(b or 1), fn or "fft"))
    return out


def full_c2c_rfft(a):
    """rfft the old way: an n-point complex transform of complexified data."""
    cdt = numpy.complex64 if a.dtype == numpy.float32 else numpy.complex128
    n = a.shape[-1]
    return ndaccel.fft.fft(a.astype(cdt))[..., :n // 2 + 1].copy()


def full_c2c_irfft(a, n):
    """irfft the old way: the full Hermitian spectrum, an n-point complex
    inverse, the real part."""
    m = n // 2 + 1
    full = ndaccel.concatenate([a, ndaccel.conj(ndaccel.flip(a[..., 1:n - m + 1], -1))], axis=-1)
    return ndaccel.fft.ifft(full).real.copy()


def timed(fn, reps):
    """ms per call of fn() (device synchronised), best of reps x 3 calls."""
    def run():
        for _ in range(3):
            fn()
        ndaccel.synchronize()
    return best_of(run, reps) * 1e3 / 3


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", default=DEFAULT_CASES,
                    help="NxB[:fft|rfft|irfft],... (points x rows)")
    ap.add_argument("--dtypes", default="complex64,complex128")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--no-full", action="store_true", help="skip the full-c2c comparison")
    args = ap.parse_args(argv)
    print(header())
    rng = numpy.random.default_rng(0)
    rows = []
    for dtype in args.dtypes.split(","):
        for n, b, fn in parse(args.cases):
            shape = (b, n) if b > 1 else (n,)
            x = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
            x = x.astype(dtype)
            if fn in ("rfft", "irfft"):
                x = x.real.copy()
            if fn == "irfft":
                x = numpy.fft.rfft(x).astype(dtype)
            d = ndaccel.asarray(x)
            ndaccel.synchronize()
            f_np, f_nd = getattr(numpy.fft, fn), getattr(ndaccel.fft, fn)
            kw = {"n": n} if fn == "irfft" else {}
            _, first, r = first_and_best(lambda: f_nd(d, **kw), 0)
            first *= 1e3
            ref = f_np(x, **kw)
            err = numpy.max(numpy.abs(r.get() - ref)) / numpy.max(numpy.abs(ref))
            t_nd = timed(lambda: f_nd(d, **kw), args.reps)
            t_np = best_of(lambda: f_np(x, **kw), args.reps) * 1e3
            t_full = float("nan")
            if fn in ("rfft", "irfft") and not args.no_full:
                full = (lambda: full_c2c_rfft(d)) if fn == "rfft" else \
                    (lambda: full_c2c_irfft(d, n))
                full()
                t_full = timed(full, args.reps)
            dtype_name = r.dtype.name if fn == "irfft" else x.dtype.name
            rows.append((fn, n, b, dtype_name, t_np, t_nd, t_full, first, err))
            extra = f"  full c2c {t_full:9.3f} ms" if t_full == t_full else ""
            print(f"{fn:5s} n={n:8d} x {b:5d} {dtype_name:10s} numpy {t_np:9.3f} ms"
                  f"  ndaccel {t_nd:9.3f} ms{extra}  (first call {first:8.1f} ms, "
                  f"rel err {err:.1e})", flush=True)
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "fft.md")
    with open(path, "w") as f:
        f.write(f"# FFT: ndaccel vs NumPy\n\n{header()}. ms per call (best of {args.reps}), "
                f"first call includes plan creation. \"full c2c\": rfft/irfft computed the "
                f"old way (an n-point complex transform). Written by bench/fft.py.\n\n")
        f.write("| transform | n | rows | dtype | numpy ms | ndaccel ms | speed-up | full c2c ms "
                "| vs full c2c | first call ms | max rel err |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|\n")
        for fn, n, b, dt, t_np, t_nd, t_full, first, err in rows:
            full = (f"{t_full:.3f} | {t_full / t_nd:.2f}x") if t_full == t_full else "- | -"
            f.write(f"| {fn} | {n} | {b} | {dt} | {t_np:.3f} | {t_nd:.3f} | {t_np / t_nd:.2f}x | "
                    f"{full} | {first:.1f} | {err:.1e} |\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

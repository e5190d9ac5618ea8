"""Continuous distributions by NumPy's formulas on device uniforms (U),
normals (N) and exponentials (E): gumbel, logistic, pareto, power, weibull,
triangular, wald, and vonmises (Best-Fisher rejection, vectorised; a
uniform angle for kappa < 1e-8 and a wrapped normal for kappa > 1e6, as
NumPy).

Where NumPy redraws a uniform of exactly 0 (gumbel, logistic), a zero
(probability 2**-53) is replaced by 2**-54 here, keeping the value finite."""
import math

import numpy

from . import _support as S
from ._support import f, fill, where

_TINY = 2.0 ** -54


def _loc_scale(loc, scale):
    lo, sc = S.param(loc), S.param(scale)
    S.check_nonnegative(sc, "scale")
    return lo, sc


def gumbel(gen, loc=0.0, scale=1.0, size=None):
    """Generator.gumbel: loc - scale * log(E), E standard exponential (-log U)."""
    lo, sc = _loc_scale(loc, scale)
    shp, n, (lf, sf) = S.prepare(size, lo, sc)
    e = f("maximum", fill(gen, n, "E"), _TINY)
    return S.finish(f("subtract", lf, f("multiply", sf, f("log", e))), shp)


def logistic(gen, loc=0.0, scale=1.0, size=None):
    """Generator.logistic: loc + scale * log(U / (1 - U))."""
    lo, sc = _loc_scale(loc, scale)
    shp, n, (lf, sf) = S.prepare(size, lo, sc)
    u = f("maximum", fill(gen, n, "U"), _TINY)
    return S.finish(f("add", lf, f("multiply", sf, f("log", f("true_divide", u, f("subtract", 1.0, u))))),
                    shp)


def pareto(gen, a, size=None):
    """Generator.pareto (Lomax): expm1(E / a)."""
    pa = S.param(a)
    S.check_positive(pa, "a")
    shp, n, (af,) = S.prepare(size, pa)
    return S.finish(f("expm1", f("true_divide", fill(gen, n, "E"), af)), shp)


def power(gen, a, size=None):
    """Generator.power: (1 - exp(-E)) ** (1 / a)."""
    pa = S.param(a)
    S.check_positive(pa, "a")
    shp, n, (af,) = S.prepare(size, pa)
    e = fill(gen, n, "E")
    return S.finish(f("power", f("negative", f("expm1", f("negative", e))), f("true_divide", 1.0, af)), shp)


def weibull(gen, a, size=None):
    """Generator.weibull: E ** (1 / a) (0 for a == 0)."""
    pa = S.param(a)
    S.check_nonnegative(pa, "a")
    shp, n, (af,) = S.prepare(size, pa)
    e = fill(gen, n, "E")
    r = where(f("equal", af, 0.0), 0.0, f("power", e, f("true_divide", 1.0, af)))
    return S.finish(S.vec(gen, r, n), shp)


def triangular(gen, left, mode, right, size=None):
    """Generator.triangular by inversion (NumPy's formula)."""
    lo, mo, hi = S.param(left), S.param(mode), S.param(right)
    if S.any_(f("subtract", lo, mo), "greater", 0):
        raise ValueError("left > mode")
    if S.any_(f("subtract", mo, hi), "greater", 0):
        raise ValueError("mode > right")
    if S.any_(f("subtract", lo, hi), "equal", 0):
        raise ValueError("left == right")
    shp, n, (lf, mf, rf) = S.prepare(size, lo, mo, hi)
    base = f("subtract", rf, lf)
    leftbase = f("subtract", mf, lf)
    ratio = f("true_divide", leftbase, base)
    leftprod = f("multiply", leftbase, base)
    rightprod = f("multiply", f("subtract", rf, mf), base)
    u = fill(gen, n, "U")
    r = where(f("less_equal", u, ratio), f("add", lf, f("sqrt", f("multiply", u, leftprod))),
              f("subtract", rf, f("sqrt", f("multiply", f("subtract", 1.0, u), rightprod))))
    return S.finish(r, shp)


def wald(gen, mean, scale, size=None):
    """Generator.wald (inverse Gaussian) by Michael, Schucany and Haas, as NumPy."""
    mu, sc = S.param(mean), S.param(scale)
    S.check_positive(mu, "mean")
    S.check_positive(sc, "scale")
    shp, n, (mf, sf) = S.prepare(size, mu, sc)
    z = fill(gen, n, "N")
    y = f("multiply", mf, f("multiply", z, z))
    mu_2l = f("true_divide", mf, f("multiply", sf, 2.0))
    root = f("sqrt", f("add", f("multiply", f("multiply", sf, 4.0), y), f("multiply", y, y)))
    x = f("add", mf, f("multiply", mu_2l, f("subtract", y, root)))
    u = fill(gen, n, "U")
    r = where(f("less_equal", u, f("true_divide", mf, f("add", mf, x))), x,
              f("true_divide", f("multiply", mf, mf), x))
    return S.finish(r, shp)


def _vm_uniform(gen, m):
    return f("multiply", f("subtract", f("multiply", fill(gen, m, "U"), 2.0), 1.0), math.pi)


def _vm_wrapped_normal(gen, mu, kappa, m):
    r = f("add", mu, f("multiply", f("sqrt", f("true_divide", 1.0, kappa)), fill(gen, m, "N")))
    r = where(f("less", r, -math.pi), f("add", r, 2 * math.pi), r)
    return where(f("greater", r, math.pi), f("subtract", r, 2 * math.pi), r)


def _vm_best_fisher(gen, mu, kappa, m):
    def step(ps, m):
        (kappa,) = ps
        r = f("add", f("sqrt", f("add", f("multiply", f("multiply", kappa, kappa), 4.0), 1.0)), 1.0)
        rho = f("true_divide", f("subtract", r, f("sqrt", f("multiply", r, 2.0))), f("multiply", kappa, 2.0))
        s = where(f("less", kappa, 1e-5), f("add", f("true_divide", 1.0, kappa), kappa),
                  f("true_divide", f("add", f("multiply", rho, rho), 1.0), f("multiply", rho, 2.0)))
        u = fill(gen, m, "U")
        z = f("cos", f("multiply", u, math.pi))
        w = f("true_divide", f("add", f("multiply", s, z), 1.0), f("add", s, z))
        y = f("multiply", kappa, f("subtract", s, w))
        v = fill(gen, m, "U")
        quick = f("greater_equal", f("subtract", f("multiply", y, f("subtract", 2.0, y)), v), 0.0)
        exact = f("greater_equal", f("add", f("log", f("true_divide", y, v)), f("subtract", 1.0, y)), 0.0)
        ok = f("logical_or", quick, exact)
        return w, ok
    w = S.reject_loop(gen, m, [kappa], step)
    u = fill(gen, m, "U")
    res = f("arccos", w)
    res = f("add", where(f("less", u, 0.5), f("negative", res), res), mu)
    neg = f("less", res, 0.0)
    mod = f("subtract", f("fmod", f("add", f("absolute", res), math.pi), 2 * math.pi), math.pi)
    return where(neg, f("negative", mod), mod)


def vonmises(gen, mu, kappa, size=None):
    """Generator.vonmises on [-pi, pi] (NumPy's algorithm)."""
    m_, k_ = S.param(mu), S.param(kappa)
    S.check_nonnegative(k_, "kappa")
    shp, n, (mf, kf) = S.prepare(size, m_, k_)
    r = S.cases(gen, n, [mf, kf], [
        (f("isnan", kf), lambda ps, m: numpy.nan),
        (f("less", kf, 1e-8), lambda ps, m: _vm_uniform(gen, m)),
        (f("greater", kf, 1e6), lambda ps, m: _vm_wrapped_normal(gen, ps[0], ps[1], m)),
        (True, lambda ps, m: _vm_best_fisher(gen, ps[0], ps[1], m))])
    return S.finish(r, shp)

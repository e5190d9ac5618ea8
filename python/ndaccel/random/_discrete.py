"""Discrete distributions on device Philox streams, exact in law: poisson
(inversion for lam < 10, Hormann's PTRS transformed rejection otherwise, as
NumPy), binomial (inversion for n min(p, 1-p) < 10, Hormann's BTRS
transformed rejection otherwise), negative_binomial (a gamma-Poisson mixture),
geometric (inversion), hypergeometric (simulated draws for fewer than 10
draws or non-draws, Stadlober's HRUA ratio-of-uniforms otherwise, as NumPy),
logseries and zipf (NumPy's rejection algorithms), multinomial (conditional
binomials over the categories) and multivariate_hypergeometric (conditional
hypergeometrics over the colours).

Values are computed as exact integers in float64 and returned as int64."""
import math
import operator

import numpy

from .. import _device
from .._creation._basic import empty
from .._creation._ranges import arange
from .._indexing._nonzero import flatnonzero
from .._indexing._take import put, take
from .._manipulation._join import stack
from .._sorting._search import searchsorted
from . import _support as S
from ._gamma_family import standard_gamma_flat
from ._support import f, fill, where

_INT64_MAX_F = 9.223372036854775807e18
_BELOW_2_63 = float(numpy.nextafter(2.0**63, 0.0))
POISSON_LAM_MAX = float(numpy.iinfo(numpy.int64).max - numpy.sqrt(numpy.iinfo(numpy.int64).max) * 10)


# ------------------------------------------------------------ inversion by search

def _inversion(gen, m, params, p0, ratio, kmax):
    """min{k : u < F(k)} for each of m elements: F is accumulated from the
    probability p0(params) of 0 and p(k+1) = p(k) * ratio(k, params); stops at
    kmax(params). Every pending element is at the same k, so k is a host
    integer; finished elements leave the pending set each step."""
    dev = _device.resolve(gen._device)
    out = empty((m,), S.F64, device=dev)
    if m == 0:
        return out
    u = fill(gen, m, "U")
    if not any(S.is_dev(q) for q in params):
        return _inversion_table(u, params, p0, ratio, kmax)
    p = S.vec(gen, p0(params), m)
    cdf = p
    top = kmax(params)
    idx = arange(m, dtype=numpy.int64, device=dev)
    k = 0
    while True:
        done = f("logical_or", f("less", u, cdf), f("greater_equal", k, top))
        left = flatnonzero(f("logical_not", done))
        nl = left.shape[0]
        if nl < idx.shape[0]:
            put(out, idx[done] if nl else idx, float(k))
        if nl == 0:
            return out
        if nl < idx.shape[0]:
            idx, u, p, cdf = take(idx, left), take(u, left), take(p, left), take(cdf, left)
            params = [S.sub(q, left) for q in params]
            top = S.sub(top, left)
        p = f("multiply", p, ratio(k, params))
        cdf = f("add", cdf, p)
        k += 1


def _inversion_table(u, params, p0, ratio, kmax):
    """_inversion for host-scalar parameters: the same cumulative sums,
    computed once on the host (at most 200 terms: these laws have means
    below 10), and one device searchsorted of the uniforms."""
    top = int(min(math.ceil(kmax(params)), 200))
    if top <= 0:
        return f("multiply", u, 0.0)
    cdf = numpy.empty(top)
    p = numpy.float64(p0(params))
    acc = p
    cdf[0] = acc
    for k in range(top - 1):
        p = p * ratio(k, params)
        acc = acc + p
        cdf[k + 1] = acc
    k = searchsorted(S._arr(cdf), u, side="right")
    return f("minimum", k, top).astype(S.F64)


# ------------------------------------------------------------ poisson

def _poisson_small(gen, lam, m):
    return _inversion(gen, m, [lam], lambda ps: f("exp", f("negative", ps[0])),
                      lambda k, ps: f("true_divide", ps[0], float(k + 1)),
                      lambda ps: f("add", f("add", ps[0], f("multiply", f("sqrt", ps[0]), 10.0)), 30.0))


def _poisson_ptrs(gen, lam, m):
    """Hormann's PTRS (NumPy's random_poisson_ptrs) for lam >= 10."""
    def step(ps, m):
        (lam,) = ps
        slam = f("sqrt", lam)
        loglam = f("log", lam)
        b = f("add", f("multiply", slam, 2.53), 0.931)
        a = f("add", f("multiply", b, 0.02483), -0.059)
        invalpha = f("add", f("true_divide", 1.1328, f("subtract", b, 3.4)), 1.1239)
        vr = f("subtract", 0.9277, f("true_divide", 3.6224, f("subtract", b, 2.0)))
        uu = f("subtract", fill(gen, m, "U"), 0.5)
        v = fill(gen, m, "U")
        us = f("subtract", 0.5, f("absolute", uu))
        k = f("floor", f("add", f("multiply", f("add", f("true_divide", f("multiply", a, 2.0), us), b),
                                              uu), f("add", lam, 0.43)))
        acc1 = f("logical_and", f("greater_equal", us, 0.07), f("less_equal", v, vr))
        rej = f("logical_or", f("less", k, 0.0),
                f("logical_and", f("less", us, 0.013), f("greater", v, us)))
        kc = f("maximum", k, 0.0)
        lhs = f("subtract", f("add", f("log", v), f("log", invalpha)),
                f("log", f("add", f("true_divide", a, f("multiply", us, us)), b)))
        rhs = f("subtract", f("add", f("negative", lam), f("multiply", kc, loglam)),
                S.loggam(f("add", kc, 1.0)))
        acc2 = f("logical_and", f("logical_not", rej), f("less_equal", lhs, rhs))
        return k, f("logical_or", acc1, acc2)
    return S.reject_loop(gen, m, [lam], step)


def poisson_flat(gen, lam, n):
    """n Poisson(lam) variates (lam scalar or flat vector, 0 <= lam < 2**63) as float64."""
    return S.cases(gen, n, [lam], [(f("less", lam, 10.0), lambda ps, m: _poisson_small(gen, ps[0], m)),
                                   (True, lambda ps, m: _poisson_ptrs(gen, ps[0], m))])


def _check_poisson_lam(lam):
    if S.any_(lam, "less", 0) or S.anynan(lam):
        raise ValueError("lam < 0 or lam is NaN")
    if S.any_(lam, "greater", POISSON_LAM_MAX):
        raise ValueError("lam value too large")


def poisson(gen, lam=1.0, size=None):
    """Generator.poisson."""
    lp = S.param(lam)
    _check_poisson_lam(lp)
    shp, n, (lf,) = S.prepare(size, lp)
    return S.finish(poisson_flat(gen, lf, n), shp, S.I64)


# ------------------------------------------------------------ binomial

def _binomial_inversion(gen, n_, p, m):
    """Inversion for n p < 10 (p <= 1/2): P(0) = (1-p)**n,
    P(k+1) = P(k) ((n+1)/(k+1) - 1) p/(1-p)."""
    return _inversion(
        gen, m, [n_, p],
        lambda ps: f("exp", f("multiply", ps[0], f("log1p", f("negative", ps[1])))),
        lambda k, ps: f("multiply", f("subtract", f("true_divide", f("add", ps[0], 1.0), float(k + 1)), 1.0),
                        f("true_divide", ps[1], f("subtract", 1.0, ps[1]))),
        lambda ps: ps[0])


def _binomial_btrs(gen, n_, p, m):
    """Hormann's BTRS transformed rejection (n p >= 10, p <= 1/2), accepting
    with the exact probability ratio f(k)/f(mode) through log-gamma."""
    def step(ps, m):
        n_, p = ps
        q = f("subtract", 1.0, p)
        spq = f("sqrt", f("multiply", f("multiply", n_, p), q))
        b = f("add", f("multiply", spq, 2.53), 1.15)
        a = f("add", f("add", f("multiply", b, 0.0248), -0.0873), f("multiply", p, 0.01))
        c = f("add", f("multiply", n_, p), 0.5)
        vr = f("subtract", 0.92, f("true_divide", 4.2, b))
        alpha = f("multiply", f("add", f("true_divide", 5.1, b), 2.83), spq)
        lpq = f("log", f("true_divide", p, q))
        mode = f("floor", f("multiply", f("add", n_, 1.0), p))
        h = f("add", S.loggam(f("add", mode, 1.0)), S.loggam(f("add", f("subtract", n_, mode), 1.0)))
        uu = f("subtract", fill(gen, m, "U"), 0.5)
        v = fill(gen, m, "U")
        us = f("subtract", 0.5, f("absolute", uu))
        k = f("floor", f("add", f("multiply", f("add", f("true_divide", f("multiply", a, 2.0), us), b),
                                              uu), c))
        acc1 = f("logical_and", f("greater_equal", us, 0.07), f("less_equal", v, vr))
        inr = f("logical_and", f("greater_equal", k, 0.0), f("less_equal", k, n_))
        kc = f("minimum", f("maximum", k, 0.0), n_)
        kc = where(f("isnan", kc), 0.0, kc)
        lv = f("log", f("true_divide", f("multiply", v, alpha),
                        f("add", f("true_divide", a, f("multiply", us, us)), b)))
        ub = f("add", f("subtract", f("subtract", h, S.loggam(f("add", kc, 1.0))),
                                    S.loggam(f("add", f("subtract", n_, kc), 1.0))),
               f("multiply", f("subtract", kc, mode), lpq))
        acc = f("logical_or", acc1, f("logical_and", inr, f("less_equal", lv, ub)))
        return kc, acc
    return S.reject_loop(gen, m, [n_, p], step)


def binomial_flat(gen, n_, p, n):
    """n Binomial(n_, p) variates (scalars or flat vectors; n_ integral >= 0,
    0 <= p <= 1) as float64."""
    flip = f("greater", p, 0.5)
    pp = f("minimum", p, f("subtract", 1.0, p))
    small = f("less", f("multiply", n_, pp), 10.0)
    k = S.cases(gen, n, [n_, pp], [(small, lambda ps, m: _binomial_inversion(gen, ps[0], ps[1], m)),
                                    (True, lambda ps, m: _binomial_btrs(gen, ps[0], ps[1], m))])
    return where(flip, f("subtract", n_, k), k)


def _int_param(v):
    """An integer parameter (truncated as NumPy's cast to int64), as float64."""
    return S.param(S.param(v, S.I64), S.F64)


def _check_p01(p, name):
    if S.any_(p, "less", 0) or S.any_(p, "greater", 1) or S.anynan(p):
        raise ValueError(f"{name} < 0, {name} > 1 or {name} is NaN")


def binomial(gen, n, p, size=None):
    """Generator.binomial."""
    nn, pp = _int_param(n), S.param(p)
    S.check_nonnegative(nn, "n")
    _check_p01(pp, "p")
    shp, m, (nf, pf) = S.prepare(size, nn, pp)
    return S.finish(binomial_flat(gen, nf, pf, m), shp, S.I64)


# ------------------------------------------------------------ negative binomial, geometric

def _check_gt0_le1(p, name):
    if S.any_(p, "less_equal", 0) or S.any_(p, "greater", 1) or S.anynan(p):
        raise ValueError(f"{name} <= 0, {name} > 1 or {name} contains NaNs")


def negative_binomial(gen, n, p, size=None):
    """Generator.negative_binomial: Poisson(Gamma(n) (1 - p) / p)."""
    nn, pp = S.param(n), S.param(p)
    if S.anynan(nn):
        raise ValueError("n must not be NaN")
    S.check_positive(nn, "n")
    _check_gt0_le1(pp, "p")
    max_lam = f("multiply", f("true_divide", f("subtract", 1.0, pp), pp),
                f("add", nn, f("multiply", f("sqrt", nn), 10.0)))
    if S.any_(max_lam, "greater", POISSON_LAM_MAX):
        raise ValueError("n too large or p too small, see Generator.negative_binomial Notes")
    shp, m, (nf, pf) = S.prepare(size, nn, pp)
    lam = f("multiply", standard_gamma_flat(gen, nf, m), f("true_divide", f("subtract", 1.0, pf), pf))
    return S.finish(poisson_flat(gen, lam, m), shp, S.I64)


def geometric(gen, p, size=None):
    """Generator.geometric: ceil(E / -log(1 - p)) (at least 1; INT64_MAX past 2**63)."""
    pp = S.param(p)
    _check_gt0_le1(pp, "p")
    shp, n, (pf,) = S.prepare(size, pp)
    e = fill(gen, n, "E")
    z = f("maximum", f("ceil", f("true_divide", e, f("negative", f("log1p", f("negative", pf))))), 1.0)
    big = f("greater_equal", z, _INT64_MAX_F)
    r = where(big, numpy.int64(numpy.iinfo(numpy.int64).max),
              f("minimum", z, _BELOW_2_63).astype(S.I64))
    return S.finish(r, shp, S.I64)


# ------------------------------------------------------------ hypergeometric

_D1, _D2 = 1.7155277699214135, 0.8989161620588988


def _hyper_simulate(gen, good, bad, sample, m):
    """Fewer than 10 draws (or non-draws): draw them one at a time, a good
    one with probability remaining good / remaining total (NumPy's
    hypergeometric_sample)."""
    total = f("add", good, bad)
    big = f("greater", sample, f("floor", f("multiply", total, 0.5)))
    cs = where(big, f("subtract", total, sample), sample)
    steps = int(cs.max()) if S.is_dev(cs) else int(cs)
    rem_good, rem_total = good, total
    for i in range(steps):
        active = f("greater", cs, float(i))
        u = fill(gen, m, "U")
        pick = f("logical_and", active, f("less", f("multiply", u, rem_total), rem_good))
        rem_good = f("subtract", rem_good, where(pick, 1.0, 0.0))
        rem_total = f("subtract", rem_total, where(active, 1.0, 0.0))
    return where(big, rem_good, f("subtract", good, rem_good))


def _logfact(x):
    return S.loggam(f("add", x, 1.0))


def _hyper_hrua(gen, good, bad, sample, m):
    """Stadlober's HRUA ratio-of-uniforms rejection (NumPy's hypergeometric_hrua)."""
    def step(ps, m):
        good, bad, sample = ps
        pop = f("add", good, bad)
        cs = f("minimum", sample, f("subtract", pop, sample))
        mingb, maxgb = f("minimum", good, bad), f("maximum", good, bad)
        p, q = f("true_divide", mingb, pop), f("true_divide", maxgb, pop)
        a = f("add", f("multiply", cs, p), 0.5)
        var = f("true_divide", f("multiply", f("multiply", f("subtract", pop, cs), cs), f("multiply", p, q)),
                f("subtract", pop, 1.0))
        c = f("sqrt", f("add", var, 0.5))
        h = f("add", f("multiply", c, _D1), _D2)
        mode = f("floor", f("true_divide", f("multiply", f("add", cs, 1.0), f("add", mingb, 1.0)),
                                f("add", pop, 2.0)))
        g = f("add", f("add", _logfact(mode), _logfact(f("subtract", mingb, mode))),
              f("add", _logfact(f("subtract", cs, mode)), _logfact(f("add", f("subtract", maxgb, cs), mode))))
        b = f("minimum", f("add", f("minimum", cs, mingb), 1.0),
              f("floor", f("add", a, f("multiply", c, 16.0))))
        u = fill(gen, m, "U")
        v = fill(gen, m, "U")
        x = f("add", a, f("true_divide", f("multiply", h, f("subtract", v, 0.5)), u))
        inr = f("logical_and", f("greater_equal", x, 0.0), f("less", x, b))
        k = f("floor", where(inr, x, 0.0))
        gp = f("add", f("add", _logfact(k), _logfact(f("subtract", mingb, k))),
               f("add", _logfact(f("subtract", cs, k)), _logfact(f("add", f("subtract", maxgb, cs), k))))
        t = f("subtract", g, gp)
        fast = f("less_equal", f("subtract", f("multiply", u, f("subtract", 4.0, u)), 3.0), t)
        slow = f("logical_and", f("less", f("multiply", u, f("subtract", u, t)), 1.0),
                 f("less_equal", f("multiply", f("log", u), 2.0), t))
        ok = f("logical_and", inr, f("logical_or", fast, slow))
        k = where(f("greater", good, bad), f("subtract", cs, k), k)
        k = where(f("less", cs, sample), f("subtract", good, k), k)
        return k, ok
    return S.reject_loop(gen, m, [good, bad, sample], step)


def hypergeometric_flat(gen, good, bad, sample, n):
    """n Hypergeometric(good, bad, sample) variates (integral float64 scalars or flat vectors)."""
    total = f("add", good, bad)
    hrua = f("logical_and", f("greater_equal", sample, 10.0),
             f("less_equal", sample, f("subtract", total, 10.0)))
    return S.cases(gen, n, [good, bad, sample],
                   [(hrua, lambda ps, m: _hyper_hrua(gen, *ps, m)),
                    (True, lambda ps, m: _hyper_simulate(gen, *ps, m))])


def hypergeometric(gen, ngood, nbad, nsample, size=None):
    """Generator.hypergeometric."""
    g, b, s = _int_param(ngood), _int_param(nbad), _int_param(nsample)
    S.check_nonnegative(g, "ngood")
    S.check_nonnegative(b, "nbad")
    S.check_nonnegative(s, "nsample")
    if S.any_(g, "greater_equal", 1e9) or S.any_(b, "greater_equal", 1e9):
        raise ValueError("both ngood and nbad must be less than 1000000000")
    if S.any_(f("subtract", f("add", g, b), s), "less", 0):
        raise ValueError("ngood + nbad < nsample")
    shp, n, (gf, bf, sf) = S.prepare(size, g, b, s)
    return S.finish(hypergeometric_flat(gen, gf, bf, sf, n), shp, S.I64)


# ------------------------------------------------------------ logseries, zipf

def logseries(gen, p, size=None):
    """Generator.logseries (NumPy's random_logseries, rejection vectorised)."""
    pp = S.param(p)
    if S.any_(pp, "less", 0) or S.any_(pp, "greater_equal", 1) or S.anynan(pp):
        raise ValueError("p < 0, p >= 1 or p is NaN")
    shp, n, (pf,) = S.prepare(size, pp)

    def step(ps, m):
        (p,) = ps
        r = f("log1p", f("negative", p))
        v = fill(gen, m, "U")
        u = fill(gen, m, "U")
        q = f("negative", f("expm1", f("multiply", r, u)))
        tail = f("floor", f("add", f("true_divide", f("log", v), f("log", q)), 1.0))
        in_tail = f("logical_and", f("less", v, p), f("less_equal", v, f("multiply", q, q)))
        val = where(f("greater_equal", v, p), 1.0,
                    where(in_tail, tail, where(f("greater_equal", v, q), 1.0, 2.0)))
        bad = f("logical_and", in_tail, f("logical_or", f("less", tail, 1.0), f("equal", v, 0.0)))
        return val, f("logical_not", bad)
    return S.finish(S.reject_loop(gen, n, [pf], step), shp, S.I64)


def _zipf_reject(gen, a, m):
    def step(ps, m):
        (a,) = ps
        am1 = f("subtract", a, 1.0)
        b = f("power", 2.0, am1)
        umin = f("power", _INT64_MAX_F, f("negative", am1))
        u01 = fill(gen, m, "U")
        v = fill(gen, m, "U")
        u = f("add", f("multiply", u01, umin), f("subtract", 1.0, u01))
        x = f("floor", f("power", u, f("true_divide", -1.0, am1)))
        bad = f("logical_or", f("greater", x, _INT64_MAX_F), f("less", x, 1.0))
        xs = where(bad, 1.0, x)
        t = f("power", f("add", f("true_divide", 1.0, xs), 1.0), am1)
        ok = f("less_equal", f("true_divide", f("multiply", f("multiply", v, xs), f("subtract", t, 1.0)),
                               f("subtract", b, 1.0)), f("true_divide", t, b))
        return xs, f("logical_and", f("logical_not", bad), ok)
    return S.reject_loop(gen, m, [a], step)


def zipf(gen, a, size=None):
    """Generator.zipf (NumPy's rejection algorithm; 1 for a >= 1025)."""
    pa = S.param(a)
    if S.any_(pa, "less_equal", 1) or S.anynan(pa):
        raise ValueError("a <= 1 or a is NaN")
    shp, n, (af,) = S.prepare(size, pa)
    r = S.cases(gen, n, [af], [(f("greater_equal", af, 1025.0), lambda ps, m: 1.0),
                               (True, lambda ps, m: _zipf_reject(gen, ps[0], m))])
    return S.finish(r, shp, S.I64)


# ------------------------------------------------------------ multinomial, multivariate hypergeometric

def multinomial(gen, n, pvals, size=None):
    """Generator.multinomial: for each category j < k-1 in turn,
    x_j ~ Binomial(n - x_0 - ... - x_{j-1}, p_j / (1 - p_0 - ... - p_{j-1})); the
    last category takes the rest. pvals are read on the host."""
    pv = numpy.asarray(pvals.get() if S.is_dev(pvals) else pvals, dtype=numpy.float64)
    if pv.ndim == 0 or pv.shape[-1] == 0:
        raise ValueError("pvals must have at least 1 dimension and the last dimension of pvals "
                         "must be greater than 0.")
    nn = _int_param(n)
    S.check_nonnegative(nn, "n")
    if numpy.any(pv < 0) or numpy.any(pv > 1) or numpy.any(numpy.isnan(pv)):
        raise ValueError("pvals < 0, pvals > 1 or pvals contains NaNs")
    if numpy.any(numpy.sum(pv[..., :-1], axis=-1) > 1.0 + 1e-12):
        raise ValueError("sum(pvals[:-1]) > 1.0")
    k = pv.shape[-1]
    bshape = S.out_shape(size, nn, pv[..., 0])
    nb = math.prod(bshape)
    dn = S.flat(nn, bshape)
    if pv.ndim > 1:
        pflat = numpy.ascontiguousarray(numpy.broadcast_to(pv, bshape + (k,)).reshape(nb, k))
        cols = [S._arr(numpy.ascontiguousarray(pflat[:, j])) for j in range(k)]
        rem = S._arr(numpy.ones(nb))
    else:
        cols = [numpy.float64(x) for x in pv]
        rem = numpy.float64(1.0)
    out = []
    for j in range(k - 1):
        pj = where(f("greater", rem, 0.0), f("minimum", f("true_divide", cols[j], rem), 1.0), 0.0) \
            if S.is_dev(rem) else (numpy.float64(min(cols[j] / rem, 1.0)) if rem > 0 else numpy.float64(0.0))
        x = binomial_flat(gen, dn, pj, nb)
        out.append(S.vec(gen, x, nb))
        dn = f("subtract", dn, x)
        rem = f("subtract", rem, cols[j])
    out.append(S.vec(gen, dn, nb))
    return stack(out, axis=-1).astype(S.I64).reshape(bshape + (k,))


_COLORS_MSG = ("colors must be a one-dimensional sequence of nonnegative integers not exceeding "
               f"{numpy.iinfo(numpy.int64).max}.")


def multivariate_hypergeometric(gen, colors, nsample, size=None, method="marginals"):
    """Generator.multivariate_hypergeometric: for each colour i < k-1 in
    turn, x_i ~ Hypergeometric(colors[i], later colours, draws left); the
    last colour takes the rest. Both methods use this (the law is the same).
    colors are read on the host."""
    if method not in ("count", "marginals"):
        raise ValueError('method must be "count" or "marginals".')
    col = colors.get() if S.is_dev(colors) else colors
    try:
        col = numpy.asarray(col)
        if col.ndim != 1 or (col.size and col.dtype.kind not in "iu" and
                             not numpy.all(numpy.asarray(col, dtype=float) == numpy.floor(col))):
            raise ValueError
        col = col.astype(numpy.int64)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(_COLORS_MSG) from None
    if numpy.any(col < 0):
        raise ValueError(_COLORS_MSG)
    try:
        ns = operator.index(nsample)
    except TypeError:
        raise ValueError("nsample must be an integer") from None
    if ns < 0:
        raise ValueError("nsample must be nonnegative.")
    total = int(col.sum())
    if ns > total:
        raise ValueError("nsample > sum(colors)")
    k = col.shape[0]
    bshape = S.shape_of(size)
    nb = math.prod(bshape)
    left = numpy.float64(ns)
    rest = float(total)
    out = []
    for i in range(k - 1):
        rest -= float(col[i])
        x = hypergeometric_flat(gen, numpy.float64(col[i]), numpy.float64(rest), left, nb)
        out.append(S.vec(gen, x, nb))
        left = f("subtract", left, x)
    if k:
        out.append(S.vec(gen, left, nb))
    else:
        return S.full_vec(gen, 0, 0, S.I64).reshape(bshape + (0,))
    return stack(out, axis=-1).astype(S.I64).reshape(bshape + (k,))

"""The gamma family on device Philox streams: standard_gamma and gamma
(Marsaglia-Tsang with a vectorised rejection loop; shape < 1 by the
U**(1/a) boost), beta and dirichlet (gammas, normalised in log space so tiny
shapes do not underflow to 0/0), chisquare, f, standard_t and the noncentral
chi-square and F (NumPy's compositions of gammas, normals and Poissons)."""
import numpy

from .._statistics._reductions import amax, sum as _sum
from . import _support as S
from ._support import f, fill, where


def _marsaglia_tsang(gen, a, n):
    """Gamma(a) for a >= 1 (finite): d = a - 1/3, c = 1/sqrt(9 d); x normal,
    v = (1 + c x)**3; accept d v when v > 0 and log U < x**2/2 + d (1 - v + log v)
    (with the squeeze U < 1 - 0.0331 x**4 first)."""
    def step(ps, m):
        (a,) = ps
        d = f("subtract", a, 1.0 / 3.0)
        c = f("true_divide", 1.0, f("sqrt", f("multiply", d, 9.0)))
        x = fill(gen, m, "N")
        u = fill(gen, m, "U")
        v = f("add", f("multiply", c, x), 1.0)
        pos = f("greater", v, 0.0)
        v3 = f("multiply", f("multiply", v, v), v)
        x2 = f("multiply", x, x)
        squeeze = f("less", u, f("subtract", 1.0, f("multiply", 0.0331, f("multiply", x2, x2))))
        bound = f("add", f("multiply", 0.5, x2),
                  f("multiply", d, f("add", f("subtract", 1.0, v3), f("log", v3))))
        ok = f("logical_and", pos, f("logical_or", squeeze, f("less", f("log", u), bound)))
        return f("multiply", d, v3), ok
    return S.reject_loop(gen, n, [a], step)


def standard_gamma_flat(gen, a, n, log=False):
    """n standard gamma variates of shape a (scalar or flat device vector,
    a >= 0 or NaN) as a flat float64 device vector; with log=True their
    logarithms (exact for tiny shapes, where the values underflow)."""
    finite = f("isfinite", a)
    if S.is_dev(a):
        a_ok = where(finite, a, 1.0)
    elif not finite:
        return S.full_vec(gen, n, numpy.log(a) if log else a)
    else:
        a_ok = a
    small = S.any_(a_ok, "less", 1.0)
    a1 = where(f("less", a_ok, 1.0), f("add", a_ok, 1.0), a_ok) if small else a_ok
    g = _marsaglia_tsang(gen, a1, n)
    if log:
        g = f("log", g)
    if small:  # Gamma(a) = Gamma(a + 1) * U**(1/a) for a < 1
        u = fill(gen, n, "U")
        lt1 = f("less", a_ok, 1.0)
        if log:
            g = where(lt1, f("add", g, f("true_divide", f("log", u), a_ok)), g)
        else:
            g = where(lt1, f("multiply", g, f("power", u, f("true_divide", 1.0, a_ok))), g)
    if S.is_dev(a):
        g = where(finite, g, f("log", a) if log else a)
    return g


def standard_gamma(gen, shape, size=None, dtype=numpy.float64, out=None):
    """Generator.standard_gamma (float64 computed, cast for float32)."""
    k = S.param(shape)
    S.check_nonnegative(k, "shape")
    shp, n, (kf,) = S.prepare(size, k)
    r = S.finish(standard_gamma_flat(gen, kf, n), shp, numpy.dtype(dtype))
    if out is not None:
        out[...] = r
        return out
    return r


def gamma(gen, shape, scale=1.0, size=None):
    """Generator.gamma: scale * standard_gamma(shape)."""
    k, sc = S.param(shape), S.param(scale)
    S.check_nonnegative(k, "shape")
    S.check_nonnegative(sc, "scale")
    shp, n, (kf, sf) = S.prepare(size, k, sc)
    return S.finish(f("multiply", standard_gamma_flat(gen, kf, n), sf), shp)


def chisquare_flat(gen, df, n):
    """2 * Gamma(df / 2)."""
    return f("multiply", standard_gamma_flat(gen, f("multiply", df, 0.5), n), 2.0)


def chisquare(gen, df, size=None):
    """Generator.chisquare: 2 * standard_gamma(df / 2)."""
    d = S.param(df)
    S.check_positive(d, "df")
    shp, n, (df_,) = S.prepare(size, d)
    return S.finish(chisquare_flat(gen, df_, n), shp)


def beta(gen, a, b, size=None):
    """Generator.beta: X / (X + Y) for X ~ Gamma(a), Y ~ Gamma(b), as
    1 / (1 + exp(log Y - log X)) so that tiny shapes stay exact."""
    pa, pb = S.param(a), S.param(b)
    S.check_positive(pa, "a")
    S.check_positive(pb, "b")
    shp, n, (af, bf) = S.prepare(size, pa, pb)
    lx = standard_gamma_flat(gen, af, n, log=True)
    ly = standard_gamma_flat(gen, bf, n, log=True)
    r = f("true_divide", 1.0, f("add", 1.0, f("exp", f("subtract", ly, lx))))
    return S.finish(r, shp)


def f_dist(gen, dfnum, dfden, size=None):
    """Generator.f: (chisquare(dfnum) * dfden) / (chisquare(dfden) * dfnum)."""
    a, b = S.param(dfnum), S.param(dfden)
    S.check_positive(a, "dfnum")
    S.check_positive(b, "dfden")
    shp, n, (af, bf) = S.prepare(size, a, b)
    x = f("multiply", chisquare_flat(gen, af, n), bf)
    y = f("multiply", chisquare_flat(gen, bf, n), af)
    return S.finish(f("true_divide", x, y), shp)


def standard_t(gen, df, size=None):
    """Generator.standard_t: sqrt(df / 2) * N / sqrt(Gamma(df / 2))."""
    d = S.param(df)
    S.check_positive(d, "df")
    shp, n, (df_,) = S.prepare(size, d)
    z = fill(gen, n, "N")
    half = f("multiply", df_, 0.5)
    g = standard_gamma_flat(gen, half, n)
    return S.finish(f("true_divide", f("multiply", f("sqrt", half), z), f("sqrt", g)), shp)


def noncentral_chisquare_flat(gen, df, nonc, n):
    """NumPy's composition: df > 1: chisquare(df - 1) + (N + sqrt(nonc))**2;
    else chisquare(df + 2 Poisson(nonc / 2)). NaN nonc gives NaN."""
    from ._discrete import poisson_flat  # lazy: _discrete imports this module (gamma for negative_binomial)

    nan = f("isnan", nonc)
    nc = where(nan, 0.0, nonc) if S.is_dev(nonc) else (0.0 if nan else nonc)

    def big(ps, m):
        d, c = ps
        chi = chisquare_flat(gen, f("subtract", d, 1.0), m)
        z = f("add", fill(gen, m, "N"), f("sqrt", c))
        return f("add", chi, f("multiply", z, z))

    def small(ps, m):
        d, c = ps
        i = poisson_flat(gen, f("multiply", c, 0.5), m)
        return chisquare_flat(gen, f("add", d, f("multiply", i, 2.0)), m)

    r = S.cases(gen, n, [df, nc], [(f("greater", df, 1.0), big), (True, small)])
    if S.is_dev(nonc):
        r = where(nan, numpy.nan, r)
    elif nan:
        r = S.full_vec(gen, n, numpy.nan)
    return r


def noncentral_chisquare(gen, df, nonc, size=None):
    """Generator.noncentral_chisquare."""
    d, c = S.param(df), S.param(nonc)
    S.check_positive(d, "df")
    S.check_nonnegative(c, "nonc")
    shp, n, (df_, nc_) = S.prepare(size, d, c)
    return S.finish(noncentral_chisquare_flat(gen, df_, nc_, n), shp)


def noncentral_f(gen, dfnum, dfden, nonc, size=None):
    """Generator.noncentral_f: noncentral_chisquare(dfnum, nonc) * dfden /
    (chisquare(dfden) * dfnum)."""
    a, b, c = S.param(dfnum), S.param(dfden), S.param(nonc)
    S.check_positive(a, "dfnum")
    S.check_positive(b, "dfden")
    S.check_nonnegative(c, "nonc")
    shp, n, (af, bf, cf) = S.prepare(size, a, b, c)
    t = f("multiply", noncentral_chisquare_flat(gen, af, cf, n), bf)
    return S.finish(f("true_divide", t, f("multiply", chisquare_flat(gen, bf, n), af)), shp)


def dirichlet(gen, alpha, size=None):
    """Generator.dirichlet: independent Gamma(alpha_i) normalised per row, in
    log space (max subtracted) so tiny alphas keep their law; zero alphas
    give zeros (all-zero alpha a zero row, as NumPy)."""
    al = alpha.get() if S.is_dev(alpha) else alpha
    if numpy.ndim(al) == 0:
        raise TypeError(f"object of type '{type(alpha).__name__}' has no len()")
    al = numpy.asarray(al, dtype=numpy.float64)
    if al.ndim != 1:
        raise ValueError("alpha must be a one-dimensional sequence")
    if numpy.any(al < 0):
        raise ValueError("alpha < 0")
    k = al.shape[0]
    bshape = S.shape_of(size)
    n = int(numpy.prod(bshape, dtype=numpy.int64))
    if n * k == 0:
        return S.full_vec(gen, 0, 0.0).reshape(bshape + (k,))
    a = S._arr(numpy.tile(al, n))
    lg = standard_gamma_flat(gen, a, n * k, log=True).reshape(n, k)
    mx = amax(lg, axis=1, keepdims=True)
    e = f("exp", f("subtract", lg, mx))
    s = _sum(e, axis=1, keepdims=True)
    r = f("true_divide", e, s)
    r = where(f("equal", mx, -numpy.inf), 0.0, r)
    return r.reshape(bshape + (k,))

"""Special functions NumPy defines in Python, on the device: sinc and i0
(the modified Bessel function of order 0 by NumPy's Clenshaw recurrence
over Chebyshev series, with the Cephes coefficients NumPy uses). Each is
one fused elementwise expression."""
import numpy

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar
from .._ufunc import UFUNCS, where as _where

_add, _sub, _mul, _div = (UFUNCS[n] for n in ("add", "subtract", "multiply", "true_divide"))

# numpy/lib/_function_base_impl.py: Chebyshev coefficients for exp(-x) I0(x) on [0, 8]
# (_I0A) and for exp(-x) sqrt(x) I0(x) on (8, inf) (_I0B).
_I0A = (
    -4.41534164647933937950E-18, 3.33079451882223809783E-17, -2.43127984654795469359E-16,
    1.71539128555513303061E-15, -1.16853328779934516808E-14, 7.67618549860493561688E-14,
    -4.85644678311192946090E-13, 2.95505266312963983461E-12, -1.72682629144155570723E-11,
    9.67580903537323691224E-11, -5.18979560163526290666E-10, 2.65982372468238665035E-9,
    -1.30002500998624804212E-8, 6.04699502254191894932E-8, -2.67079385394061173391E-7,
    1.11738753912010371815E-6, -4.41673835845875056359E-6, 1.64484480707288970893E-5,
    -5.75419501008210370398E-5, 1.88502885095841655729E-4, -5.76375574538582365885E-4,
    1.63947561694133579842E-3, -4.32430999505057594430E-3, 1.05464603945949983183E-2,
    -2.37374148058994688156E-2, 4.93052842396707084878E-2, -9.49010970480476444210E-2,
    1.71620901522208775349E-1, -3.04682672343198398683E-1, 6.76795274409476084995E-1)
_I0B = (
    -7.23318048787475395456E-18, -4.83050448594418207126E-18, 4.46562142029675999901E-17,
    3.46122286769746109310E-17, -2.82762398051658348494E-16, -3.42548561967721913462E-16,
    1.77256013305652638360E-15, 3.81168066935262242075E-15, -9.55484669882830764870E-15,
    -4.15056934728722208663E-14, 1.54008621752140982691E-14, 3.85277838274214270114E-13,
    7.18012445138366623367E-13, -1.79417853150680611778E-12, -1.32158118404477131188E-11,
    -3.14991652796324136454E-11, 1.18891471078464383424E-11, 4.94060238822496958910E-10,
    3.39623202570838634515E-9, 2.26666899049817806459E-8, 2.04891858946906374183E-7,
    2.89137052083475648297E-6, 6.88975834691682398426E-5, 3.36911647825569408990E-3,
    8.04490411014108831608E-1)


def _chbevl(x, vals):
    """NumPy's _chbevl: the Clenshaw recurrence, Python floats as weak scalars."""
    b0, b1, b2 = vals[0], 0.0, 0.0
    for c in vals[1:]:
        b2 = b1
        b1 = b0
        b0 = _add(_sub(_mul(x, b1), b2), c)
    return _mul(0.5, _sub(b0, b2))


def sinc(x):
    """The normalized sinc function sin(pi x) / (pi x), 1 at 0, on the device (numpy.sinc).

    Integer and boolean input gives float64; a 0-d input gives a NumPy scalar."""
    x = _mul(numpy.pi, _arr(x))
    eps = numpy.finfo(x.dtype).eps if x.dtype.kind == "f" else 1e-20
    y = _where(x, x, eps).astype(x.dtype)
    return _div(UFUNCS["sin"](y), y)


def i0(x):
    """The modified Bessel function of the first kind, order 0, on the device (numpy.i0),
    by NumPy's Chebyshev expansions on [0, 8] and (8, inf). Complex input raises
    TypeError; integers give float64; a 0-d input gives a 0-d array, as NumPy."""
    x = _arr(x)
    if x.dtype.kind == "c":
        raise TypeError("i0 not supported for complex values")
    if x.dtype.kind != "f":
        x = x.astype(numpy.float64)
    x = UFUNCS["absolute"](x)
    small = UFUNCS["less_equal"](x, 8.0)
    # The branch not taken is computed too (masked by where), on a safe argument.
    xs = _where(small, x, 0.0).astype(x.dtype)
    xl = _where(small, 9.0, x).astype(x.dtype)
    r1 = _mul(UFUNCS["exp"](xs), _chbevl(_sub(_div(xs, 2.0), 2), _I0A))
    r2 = _div(_mul(UFUNCS["exp"](xl), _chbevl(_sub(_div(32.0, xl), 2.0), _I0B)),
              UFUNCS["sqrt"](xl))
    return _where(small, r1, r2).astype(x.dtype)


# A single-value result is a NumPy scalar (see _scalars.py).
sinc = returns_scalar(sinc)

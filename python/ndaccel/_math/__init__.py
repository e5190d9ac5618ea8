"""NumPy's math beyond the ufunc objects, one module per kind: _rounding
(around, fix), _floating (frexp, modf, divmod, nan_to_num, isposinf, ...),
_comparison (isclose, allclose, array_equal, array_equiv), _complex
(angle, real, imag, ...), _realness (iscomplex, isreal, real_if_close,
sort_complex), _bits (packbits, unpackbits), _misc (clip, bitwise_count),
_cumulative (cumsum, cumprod and nan versions), _ufunc_methods
(ufunc.reduce of the other ufuncs, ufunc.at, ufunc.reduceat), _calculus
(gradient, trapezoid, unwrap), _interp (interp), _signal (convolve,
correlate), _special (sinc, i0), _windows (bartlett, blackman, hamming,
hanning, kaiser), _polynomial (poly, roots, polyval, polyfit, polyadd, ...)
and _vectorize (frompyfunc, vectorize, a host loop). Every one but
_vectorize runs on the device (elementwise parts fuse into one kernel;
roots, poly of a matrix and polyfit's least squares may fall back to the
host). The package itself imports nothing:
ndaccel/__init__.py imports each function from its module."""

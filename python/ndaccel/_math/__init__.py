"""NumPy's math beyond the ufunc objects, one module per kind: _rounding
(around, fix), _floating (frexp, modf, divmod, nan_to_num, isposinf, ...),
_comparison (isclose, allclose, array_equal, array_equiv), _complex
(angle, real, imag, ...), _misc (clip, bitwise_count), _cumulative (cumsum,
cumprod and nan versions), _ufunc_methods (ufunc.reduce of the other
ufuncs, ufunc.at, ufunc.reduceat) and _vectorize (frompyfunc, vectorize, a
host loop). Every one but _vectorize runs on the device (elementwise parts
fuse into one kernel). The package itself imports nothing:
ndaccel/__init__.py imports each function from its module."""

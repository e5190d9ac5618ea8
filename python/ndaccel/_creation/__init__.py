"""Array creation (numpy's "array creation routines"), one module per kind:
_from_data (asarray, array, asnumpy, copy, ascontiguousarray) and _basic
(empty, zeros, ones, full, *_like) sit below the ndarray class; _ranges
(arange, linspace, logspace, geomspace), _matrices (eye, diag, tri, ...)
and _grids (meshgrid, indices, fromfunction) build on the array's
operations; _require (require, asanyarray, asfortranarray, copyto, ...)
adapts existing arrays. The package itself imports nothing: ndaccel/__init__.py
imports each function from its module."""

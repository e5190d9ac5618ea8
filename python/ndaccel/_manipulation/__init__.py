"""Array manipulation with NumPy's signatures, result dtypes, views and
errors, one module per kind (numpy's "array manipulation routines"):
_shape (reshape, ravel), _transpose (transpose, swapaxes, moveaxis, rollaxis), _dims
(expand_dims, squeeze, broadcasting, atleast_*d), _join (concatenate and
the stacks), _split, _tiling (tile, repeat), _rearrange (flip, rot90,
roll), _add_remove (insert, delete, append, resize), _pad (pad), _block
(block), _trim (trim_zeros) and _apply (apply_along_axis, apply_over_axes:
a Python loop over device slices).

Everything runs on the device: results are views (_core.view with
computed offsets and strides, negative or zero strides included), are
built by slice copies (_core.assign, which casts and broadcasts), or by
one gather (_core.gather) where many pieces move. Host NumPy only sees
metadata (shapes, axes, index lists given on the host). The package itself
imports nothing: ndaccel/__init__.py imports each function from its
module."""

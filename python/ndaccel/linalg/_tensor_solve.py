"""numpy.linalg.tensorinv and tensorsolve: the tensor reshaped to a square
matrix and handed to inv / solve (_solve.py, on the device), as NumPy."""
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from ._solve import LinAlgError, inv, solve


def tensorinv(a, ind=2):
    """numpy.linalg.tensorinv: the inverse of a with respect to tensordot
    over its first ind axes, of shape a.shape[ind:] + a.shape[:ind];
    LinAlgError when a is singular or not 'square'."""
    a = _arr(a)
    oldshape = a.shape
    prod = 1
    if ind > 0:
        invshape = oldshape[ind:] + oldshape[:ind]
        for k in oldshape[ind:]:
            prod *= k
    else:
        raise ValueError("Invalid ind argument.")
    return inv(a.reshape(prod, -1)).reshape(invshape)


def tensorsolve(a, b, axes=None):
    """numpy.linalg.tensorsolve: x with tensordot(a, x, axes=x.ndim) == b
    (axes: axes of a moved to the end first); LinAlgError when a is
    singular or not 'square'."""
    a = _arr(a)
    b = _arr(b)
    an = a.ndim
    if axes is not None:
        allaxes = list(range(an))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(an, k)
        a = a.transpose(allaxes)
    oldshape = a.shape[-(an - b.ndim):]
    prod = 1
    for k in oldshape:
        prod *= k
    if a.size != prod ** 2:
        raise LinAlgError("Input arrays must satisfy the requirement "
                          "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    return solve(a.reshape(prod, prod), b.reshape(-1)).reshape(oldshape)

"""reshape and ravel as functions (views where the layout allows, else a
device copy)."""
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged


def ravel(a, order="C"):
    """A 1-D view of a (a copy when a's layout needs one), on the device (numpy.ravel).

    order='F' and order='K'/'A' of a non-C-contiguous array raise NotImplementedError."""
    a = _arr(a)
    if order in ("K", "A"):
        if a.ndim <= 1 or a._c_contiguous:
            order = "C"
        else:
            raise NotImplementedError(f"ravel(order={order!r}) of a non-C-contiguous array "
                                      "is not implemented yet")
    return a.ravel(order)


def reshape(a, /, shape, order="C", *, copy=None):
    """a with a new shape: a view where the layout allows, else a device copy (numpy.reshape).

    order='F' raises NotImplementedError."""
    return _arr(a).reshape(shape, order=order, copy=copy)

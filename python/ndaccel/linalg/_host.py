"""qr, svd, eigh, eigvalsh, lstsq and pinv: on a device with a dense
solver library (cuSOLVER on CUDA) they run there (_decomp);
elsewhere, and for the arguments that path does not take (hermitian=True,
pinv's rtol, empty matrices, bad arguments), they are host fallbacks.

A host fallback copies its inputs to the host, calls numpy.linalg (LAPACK), and copies
the results back to the input's device, so results, dtypes, errors and
namedtuple types are exactly NumPy's. The first call of each function in a
process warns with HostFallbackWarning naming the function; the cost is
two transfers of the data and a host computation (no device speed-up).
OpenCL devices have no device algorithm for these yet (Householder QR,
Jacobi or bidiagonalisation SVD, tridiagonal eigensolvers would replace
them one by one)."""
import numpy

from .._creation._from_data import asarray as _asarray
from .._fallback import HostFallbackWarning, warn_once  # noqa: F401 - re-exported
from .._fallback import device_of as _device_of, host as _host
from .._ndarray import ndarray
from . import _decomp as _dev

def _warn_once(name):
    warn_once(name, f"ndaccel.linalg.{name} ran on the host (numpy.linalg.{name}): ndaccel has "
                    f"no device algorithm for it yet, so the data was copied to the host and "
                    f"the result back")


def _back(r, device):
    """NumPy results to the device: arrays and NumPy scalars become ndaccel
    arrays; tuples (and namedtuples) keep their type."""
    if isinstance(r, tuple):
        vals = [_back(v, device) for v in r]
        return type(r)(*vals) if hasattr(r, "_fields") else type(r)(vals)
    if isinstance(r, (numpy.ndarray, numpy.generic)):
        return _asarray(numpy.asarray(r), device=device)
    return r


def _run(name, fn, *arrays):
    _warn_once(name)
    dev = _device_of(*arrays)
    # An implicit copy: a transfer guard logs or refuses it, as for NumPy's
    # functions that ndaccel lacks (_protocols.py).
    what = f"numpy.linalg.{name} on the host (no device algorithm here)"
    return _back(fn(*(_host(a, what) for a in arrays)), dev)


def qr(a, mode="reduced"):
    """numpy.linalg.qr (on the host: HostFallbackWarning)."""
    r = _dev.qr(a, mode)
    if r is not NotImplemented:
        return r
    return _run("qr", lambda h: numpy.linalg.qr(h, mode=mode), a)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """numpy.linalg.svd (on the host: HostFallbackWarning)."""
    r = _dev.svd(a, full_matrices, compute_uv, hermitian)
    if r is not NotImplemented:
        return r
    return _run("svd", lambda h: numpy.linalg.svd(h, full_matrices=full_matrices,
                                                  compute_uv=compute_uv,
                                                  hermitian=hermitian), a)


def eigh(a, UPLO="L"):
    """numpy.linalg.eigh (on the host: HostFallbackWarning)."""
    r = _dev.eigh(a, UPLO, True)
    if r is not NotImplemented:
        return r
    return _run("eigh", lambda h: numpy.linalg.eigh(h, UPLO=UPLO), a)


def eigvalsh(a, UPLO="L"):
    """numpy.linalg.eigvalsh (on the host: HostFallbackWarning)."""
    r = _dev.eigh(a, UPLO, False)
    if r is not NotImplemented:
        return r
    return _run("eigvalsh", lambda h: numpy.linalg.eigvalsh(h, UPLO=UPLO), a)


def lstsq(a, b, rcond=None):
    """numpy.linalg.lstsq (on the host: HostFallbackWarning): (x, residuals,
    rank, s); rank is a host numpy.int32, as NumPy's (a count, like a
    shape)."""
    r = _dev.lstsq(a, b, rcond)
    if r is not NotImplemented:
        return r
    _warn_once("lstsq")
    x, resids, rank, s = numpy.linalg.lstsq(_host(a), _host(b), rcond=_host(rcond))
    dev = _device_of(a, b)
    return _back(x, dev), _back(resids, dev), rank, _back(s, dev)


_NOVALUE = object()


def pinv(a, rcond=None, hermitian=False, *, rtol=_NOVALUE):
    """numpy.linalg.pinv (on the host: HostFallbackWarning)."""
    r = _dev.pinv(a, rcond, hermitian, rtol is not _NOVALUE)
    if r is not NotImplemented:
        return r
    kw = {} if rtol is _NOVALUE else {"rtol": _host(rtol)}
    return _run("pinv", lambda h: numpy.linalg.pinv(h, rcond=_host(rcond), hermitian=hermitian,
                                                    **kw), a)

"""Running a NumPy function on the host for want of a device version:
HostFallbackWarning (once per function per process, at the user's line)
and the two crossings, host() of the arguments and device() of the results,
through any nesting of lists, tuples (namedtuples too) and dicts.

Used by linalg's host decompositions and by NumPy's dispatch protocols
(__array_function__/__array_ufunc__ of a NumPy function ndaccel lacks)."""
import threading
import warnings

import numpy

from . import _transfer
from ._core import ndarray_base
from ._creation._from_data import asarray
from ._frames import user_stacklevel

# Names of the functions that warned already in this process.
_warned = set()
_warned_lock = threading.Lock()


class HostFallbackWarning(UserWarning):
    """A function ran on the host (NumPy) because ndaccel has no device algorithm for it
    yet. Silence with warnings.simplefilter("ignore", ndaccel.linalg.HostFallbackWarning)."""

    __module__ = "ndaccel.linalg"  # its public home (linalg was its first user)


def warn_once(name, message):
    """Warns `message` the first time `name` falls back, at the user's line."""
    with _warned_lock:
        if name in _warned:
            return
        _warned.add(name)
    warnings.warn(HostFallbackWarning(message), stacklevel=user_stacklevel())


def host(x, what=None):
    """x with every ndaccel array (at any depth of lists, tuples and dicts) copied to the
    host; when `what` names the fallback, each copy goes past the transfer guard."""
    if isinstance(x, ndarray_base):
        if what is not None:
            _transfer.implicit(what)
        return x.get()
    if isinstance(x, (list, tuple)):
        items = [host(v, what) for v in x]
        if hasattr(x, "_fields"):
            return type(x)(*items)
        return type(x)(items) if type(x) in (list, tuple) else items
    if isinstance(x, dict):
        return {k: host(v, what) for k, v in x.items()}
    return x


def device(r, dev):
    """A NumPy result on device `dev`: arrays become ndaccel arrays, NumPy scalars stay
    scalars (as the NumPy function returned them), containers keep their type."""
    if isinstance(r, numpy.ndarray):
        return asarray(r, device=dev)
    if isinstance(r, tuple):
        items = [device(v, dev) for v in r]
        return type(r)(*items) if hasattr(r, "_fields") else type(r)(items)
    if isinstance(r, list):
        return [device(v, dev) for v in r]
    return r


def device_of(*xs):
    """The device of the first ndaccel array among xs (searched in containers), else None."""
    for x in xs:
        if isinstance(x, ndarray_base):
            return x._device_id
        if isinstance(x, (list, tuple)):
            d = device_of(*x)
            if d is not None:
                return d
        if isinstance(x, dict):
            d = device_of(*x.values())
            if d is not None:
                return d
    return None

"""Process-wide settings shared with NumPy (floating-point error handling,
print options) and the configuration reports (info, show_config,
show_runtime).

Error handling: ndaccel keeps no state of its own; errstate and seterr set
NumPy's, which governs NumPy's host computations (ndaccel's host fallbacks,
arrays after .get()). Device kernels do not check floating-point errors
(as in CuPy): division by zero, overflow and invalid operations on the
device give inf/nan (or wrap, for integers) without a warning or an
exception, whatever the mode.

Print options: ndaccel arrays print through NumPy (repr/str copy to the
host and format there), so NumPy's print options are ndaccel's.
"""
import contextlib
import inspect
import pprint
import sys
import types

import numpy

from . import _core
from ._core import __version__
from ._device import get_device
from ._ndarray import ndarray


class errstate(numpy.errstate):
    """Context manager and decorator setting NumPy's floating-point error
    handling (numpy.errstate: call, all, divide, over, under, invalid).
    It governs NumPy's host computations only: device kernels never warn or
    raise on floating-point errors (as in CuPy), whatever the mode."""

    __slots__ = ()


def seterr(all=None, divide=None, over=None, under=None, invalid=None):
    """Sets NumPy's floating-point error handling and returns the old one
    (numpy.seterr). Device kernels never warn or raise on floating-point
    errors (as in CuPy): the setting governs host computations only."""
    return numpy.seterr(all=all, divide=divide, over=over, under=under, invalid=invalid)


def geterr():
    """NumPy's current floating-point error handling (numpy.geterr); device
    kernels do not follow it (they never warn or raise)."""
    return numpy.geterr()


def seterrcall(func):
    """Sets the function or log object NumPy's 'call'/'log' error modes use
    and returns the old one (numpy.seterrcall); never called for device
    kernels, which do not report floating-point errors."""
    return numpy.seterrcall(func)


def geterrcall():
    """The function or log object of NumPy's 'call'/'log' error modes
    (numpy.geterrcall)."""
    return numpy.geterrcall()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     suppress=None, nanstr=None, infstr=None, formatter=None, sign=None,
                     floatmode=None, *, legacy=None, override_repr=None):
    """Sets NumPy's print options (numpy.set_printoptions), which ndaccel
    arrays follow too: they print through NumPy after a copy to the host."""
    numpy.set_printoptions(precision=precision, threshold=threshold, edgeitems=edgeitems,
                           linewidth=linewidth, suppress=suppress, nanstr=nanstr,
                           infstr=infstr, formatter=formatter, sign=sign, floatmode=floatmode,
                           legacy=legacy, override_repr=override_repr)


def get_printoptions():
    """NumPy's current print options (numpy.get_printoptions), shared by
    ndaccel arrays."""
    return numpy.get_printoptions()


@contextlib.contextmanager
def printoptions(*args, **kwargs):
    """Context manager setting NumPy's print options for its block
    (numpy.printoptions, the arguments of set_printoptions); ndaccel arrays
    printed inside follow them. Yields the options in effect."""
    with numpy.printoptions(*args, **kwargs) as options:
        yield options


# ---------------------------------------------------------------- reports

def _ndaccel_config():
    """ndaccel's version, backends (None: available, else why not), devices,
    default and current device, and kernel cache, as a dict."""
    try:
        default = _core.default_device()
    except RuntimeError as exc:
        default = f"none ({exc})"
    try:
        current = get_device().id
    except RuntimeError as exc:
        current = f"none ({exc})"
    return {
        "version": __version__,
        "backends": {name: "available" if why is None else f"unavailable ({why})"
                     for name, why in _core.backends()},
        "devices": {d["id"]: {"name": d["name"], "platform": d["platform"],
                              "kind": "GPU" if d["is_gpu"] else "device",
                              "global_mem_bytes": d["global_mem"], "fp64": d["has_fp64"]}
                    for d in _core.devices()},
        "default device": default,
        "current device": current,
        "kernel cache": _core.cache_info(),
    }


def show_config(mode="stdout"):
    """Prints (mode='stdout') or returns (mode='dicts') ndaccel's
    configuration (version, backends, devices, kernel cache) and NumPy's
    build configuration (numpy.show_config) under the keys 'ndaccel' and
    'numpy'."""
    if mode not in ("stdout", "dicts"):
        raise AttributeError("Invalid `mode`, use one of: stdout, dicts")
    if mode == "dicts":
        return {"ndaccel": _ndaccel_config(), "numpy": numpy.show_config(mode="dicts")}
    print("ndaccel:")
    pprint.pprint(_ndaccel_config(), sort_dicts=False)
    print("numpy:")
    numpy.show_config(mode="stdout")
    return None


def show_runtime():
    """Prints ndaccel's run-time state (backends, devices, current device,
    kernel cache counters, each device's memory pool) and NumPy's
    (numpy.show_runtime: versions, SIMD extensions, BLAS threads)."""
    config = _ndaccel_config()
    config["memory pools"] = {dev: _core.pool_info(dev) for dev in config["devices"]}
    print("ndaccel:")
    pprint.pprint(config, sort_dicts=False)
    print("numpy:")
    numpy.show_runtime()


def _array_info(a, output):
    """numpy.info's report of an array, for an ndaccel array: where NumPy
    prints the data pointer, the device and the byte offset into the
    device buffer."""
    print("class: ", f"ndaccel.{type(a).__name__}", file=output)
    print("shape: ", a.shape, file=output)
    print("strides: ", a.strides, file=output)
    print("itemsize: ", a.itemsize, file=output)
    print("contiguous: ", a._c_contiguous, file=output)
    print("fortran: ", a._f_contiguous, file=output)
    print("device: ", a.device.id, file=output)
    print("offset: ", a._offset, file=output)
    print(f"type: {a.dtype}", file=output)


def _is_public_submodule(mod, root):
    """Whether mod is a public module of the package root (no component of
    its dotted name, below root, starts with an underscore)."""
    prefix = root.__name__ + "."
    return mod.__name__.startswith(prefix) and \
        not any(part.startswith("_") for part in mod.__name__[len(prefix):].split("."))


def _named(name, toplevel):
    """(module name, object) for every module reachable from `toplevel`
    that has `name`, each object once."""
    root = sys.modules.get(toplevel) or __import__(toplevel, fromlist=["_"])
    found, seen_modules, seen_objects = [], set(), set()
    queue = [root]
    while queue:
        mod = queue.pop(0)
        if mod.__name__ in seen_modules:
            continue
        seen_modules.add(mod.__name__)
        if name in vars(mod) and id(vars(mod)[name]) not in seen_objects:
            seen_objects.add(id(vars(mod)[name]))
            found.append((mod.__name__, vars(mod)[name]))
        queue += [m for m in vars(mod).values()
                  if isinstance(m, types.ModuleType) and _is_public_submodule(m, root)]
    return found


def info(object=None, maxwidth=76, output=None, toplevel="ndaccel"):
    """Prints help on an object (numpy.info): a function's or class's
    signature and docstring, an ndaccel array's shape, strides, dtype and
    device, or, for a string, the help of that name in every module of
    ndaccel (toplevel) that has it. Runs on the host."""
    if output is None:
        output = sys.stdout
    if object is None:
        object = info
    if isinstance(object, ndarray):
        _array_info(object, output)
    elif isinstance(object, str):
        found = _named(object, toplevel)
        for modname, obj in found:
            print(f"     *** Found in {modname} ***", file=output)
            info(obj, maxwidth, output, toplevel)
            print("-" * maxwidth, file=output)
        if not found:
            print(f"Help for {object} not found.", file=output)
        else:
            print(f"\n     *** Total of {len(found)} references found. ***", file=output)
    elif inspect.isfunction(object) or inspect.ismethod(object) or inspect.isclass(object) \
            or isinstance(object, numpy.ndarray):
        numpy.info(object, maxwidth=maxwidth, output=output)
    else:
        print(inspect.getdoc(object), file=output)

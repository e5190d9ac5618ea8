"""Every public module, function, class, method and property of ndaccel has
a docstring, and no module exports a name by accident.

Walked: the modules below (the optional ones where present), each public
(no leading underscore) callable or class in them, and the public methods
and properties of every public class ndaccel defines (ndarray, ufunc,
random.Generator, Device, ...). Exempt: objects ndaccel re-exports from
NumPy or the standard library on purpose (dtype classes such as float64,
numpy.dtype, finfo/iinfo, LinAlgError, numpy.testing's helpers), i.e.
anything whose __module__ does not start with "ndaccel", and members a
class inherits from a class defined outside ndaccel (errstate's from
numpy.errstate).

A leak is a public name in a module that neither the module's __all__, nor
the NumPy module it mirrors, nor the short list of ndaccel's own additions
below names: an import used by the implementation that a user could reach
(`ndaccel.fft.concatenate`). Imported modules (numpy, math, ...) are not
checked."""
import importlib
import inspect
import types

import numpy
import pytest

import ndaccel

# module -> the NumPy module it mirrors
MODULES = {
    "ndaccel": "numpy",
    "ndaccel.linalg": "numpy.linalg",
    "ndaccel.fft": "numpy.fft",
    "ndaccel.random": "numpy.random",
    "ndaccel.testing": "numpy.testing",
    "ndaccel.lib": "numpy.lib",
    "ndaccel.lib.stride_tricks": "numpy.lib.stride_tricks",
    "ndaccel.emath": "numpy.emath",
}
OPTIONAL = {"ndaccel.testing", "ndaccel.lib", "ndaccel.lib.stride_tricks", "ndaccel.emath"}

# Public names with no NumPy counterpart, on purpose.
EXTRAS = {
    "ndaccel": {
        # devices, kernel cache and memory pool
        "Device", "devices", "get_device", "set_device", "synchronize", "cache_info",
        "cache_clear", "memory_info", "free_cached_memory",
        # the device -> host copy (CuPy's name)
        "asnumpy",
        # NumPy 1's alias of round, removed in NumPy 2; kept for old code
        "round_",
        # finding implicit device -> host copies (JAX's name)
        "transfer_guard",
    },
    "ndaccel.linalg": {
        # the warning of the host fallbacks (qr, svd, eigh, ... off CUDA)
        "HostFallbackWarning",
        # slogdet's result type (numpy.linalg keeps it in numpy.linalg._linalg)
        "SlogdetResult",
    },
}


def _module(name):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        if name in OPTIONAL:
            pytest.skip(f"{name} is not part of this build")
        raise


def _numpy_module(name):
    mod = numpy
    for part in name.split(".")[1:]:
        mod = getattr(mod, part)
    return mod


def _defined_in_ndaccel(obj):
    mod = getattr(obj, "__module__", None)
    if not isinstance(mod, str):  # a callable instance without its own __module__
        mod = type(obj).__module__
    return mod == "ndaccel" or mod.startswith("ndaccel.")


def _has_doc(obj):
    if isinstance(obj, (staticmethod, classmethod)):
        doc = obj.__func__.__doc__
    elif isinstance(obj, types.MemberDescriptorType):
        doc = inspect.getdoc(obj)  # a __slots__ dict's value
    else:
        doc = obj.__doc__
    return isinstance(doc, str) and doc.strip() != ""


def _public_objects(mod):
    """(name, object) for each public callable or class of mod."""
    for name, obj in sorted(vars(mod).items()):
        if name.startswith("_") or inspect.ismodule(obj):
            continue
        if callable(obj) or isinstance(obj, type):
            yield name, obj


def _ndaccel_classes():
    """Public classes defined in ndaccel, reachable from the walked modules."""
    seen = {}
    for modname in MODULES:
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError:
            continue
        for name, obj in _public_objects(mod):
            if isinstance(obj, type) and _defined_in_ndaccel(obj):
                seen.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return [seen[k] for k in sorted(seen)]


def _members(cls):
    """(name, raw attribute) for each public member of cls, owned by the
    first class in its MRO that defines it, when that class is ndaccel's."""
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        owner = next(k for k in cls.__mro__ if name in vars(k))
        if owner is object or not _defined_in_ndaccel(owner):
            continue
        yield name, vars(owner)[name]


@pytest.mark.parametrize("modname", list(MODULES))
def test_module_and_its_functions_have_docstrings(modname):
    mod = _module(modname)
    missing = [] if _has_doc(mod) else [f"{modname} (the module)"]
    missing += [f"{modname}.{name}" for name, obj in _public_objects(mod)
                if _defined_in_ndaccel(obj) and not _has_doc(obj)]
    assert not missing, f"{len(missing)} public names without a docstring:\n  " + \
        "\n  ".join(missing)


@pytest.mark.parametrize("cls", _ndaccel_classes(), ids=lambda c: c.__qualname__)
def test_class_members_have_docstrings(cls):
    missing = [f"{cls.__module__}.{cls.__qualname__}.{name}" for name, raw in _members(cls)
               if not _has_doc(raw)]
    assert not missing, f"{len(missing)} public members without a docstring:\n  " + \
        "\n  ".join(missing)


def test_the_classes_asked_for_are_walked():
    walked = set(_ndaccel_classes())
    for cls in (ndaccel.ndarray, ndaccel.ufunc, ndaccel.random.Generator):
        assert cls in walked


@pytest.mark.parametrize("modname", list(MODULES))
def test_no_import_leaks(modname):
    mod = _module(modname)
    mirrored = _numpy_module(modname)
    declared = set(getattr(mod, "__all__", ())) | EXTRAS.get(modname, set())
    leaks = [f"{modname}.{name}" for name, obj in sorted(vars(mod).items())
             if not name.startswith("_") and not inspect.ismodule(obj)
             and name not in declared and not hasattr(mirrored, name)]
    assert not leaks, (f"public names that neither {modname}.__all__ nor "
                       f"{mirrored.__name__} has (rename the import with a leading "
                       "underscore):\n  " + "\n  ".join(leaks))


def test_extras_exist():
    """The list of ndaccel's own additions names only what is there."""
    for modname, names in EXTRAS.items():
        mod = importlib.import_module(modname)
        assert not [n for n in names if not hasattr(mod, n)], modname

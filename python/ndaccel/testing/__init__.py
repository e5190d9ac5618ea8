"""numpy.testing for ndaccel: NumPy's assertions, comparing on the host.

The comparison functions accept ndaccel arrays on either side, also inside
lists, tuples and dicts: each is copied to the host (`.get()`) and NumPy's
function compares the copies, with NumPy's messages. The other utilities
(assert_raises, assert_warns, suppress_warnings, ...) are NumPy's own;
NumPy 2.4 deprecates its warning utilities (assert_warns,
suppress_warnings, ...), and calling them here warns the same way.
NumPy's test-suite internals (rundocs, measure, IS_PYPY, ...) are left out.
"""
import functools
import inspect

import numpy.testing as _nt

from .._ndarray import ndarray as _device_array

__all__ = [
    "assert_allclose", "assert_almost_equal", "assert_approx_equal", "assert_array_almost_equal",
    "assert_array_almost_equal_nulp", "assert_array_compare", "assert_array_equal",
    "assert_array_less", "assert_array_max_ulp", "assert_equal", "print_assert_equal",
    "assert_", "assert_no_gc_cycles", "assert_no_warnings", "assert_raises",
    "assert_raises_regex", "assert_string_equal", "assert_warns", "break_cycles",
    "build_err_msg", "clear_and_catch_warnings", "suppress_warnings", "tempdir", "temppath",
    "IgnoreException", "KnownFailureException", "SkipTest", "TestCase",
]


def _to_host(value):
    """value with every ndaccel array in it (also inside lists, tuples and
    dicts, recursively) replaced by its host copy; other objects unchanged."""
    if isinstance(value, _device_array):
        return value.get()
    if isinstance(value, (list, tuple)):
        items = [_to_host(v) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            return type(value)(*items)  # a namedtuple
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        items = {k: _to_host(v) for k, v in value.items()}
        if all(items[k] is v for k, v in value.items()):
            return value
        return items
    return value


def _on_host(np_func, *array_params):
    """NumPy's np_func, with the arguments named in array_params (by name or
    position in NumPy's signature) copied to the host first."""
    sig = inspect.signature(np_func)
    names = list(sig.parameters)
    positions = [names.index(p) for p in array_params]

    @functools.wraps(np_func)
    def wrapper(*args, **kwargs):
        __tracebackhide__ = True  # noqa: F841 - pytest shows the caller's line
        args = tuple(_to_host(a) if i in positions else a for i, a in enumerate(args))
        for p in array_params:
            if p in kwargs:
                kwargs[p] = _to_host(kwargs[p])
        return np_func(*args, **kwargs)

    wrapper.__doc__ = (f"numpy.testing.{np_func.__name__} with ndaccel arrays in "
                       f"{', '.join(array_params)} copied to the host first (compares on the "
                       f"host, NumPy's messages).\n\nNumPy's documentation:\n\n"
                       f"{np_func.__doc__ or ''}")
    wrapper.__module__ = __name__
    return wrapper


assert_allclose = _on_host(_nt.assert_allclose, "actual", "desired")
assert_almost_equal = _on_host(_nt.assert_almost_equal, "actual", "desired")
assert_approx_equal = _on_host(_nt.assert_approx_equal, "actual", "desired")
assert_array_almost_equal = _on_host(_nt.assert_array_almost_equal, "actual", "desired")
assert_array_almost_equal_nulp = _on_host(_nt.assert_array_almost_equal_nulp, "x", "y")
assert_array_compare = _on_host(_nt.assert_array_compare, "x", "y")
assert_array_equal = _on_host(_nt.assert_array_equal, "actual", "desired")
assert_array_less = _on_host(_nt.assert_array_less, "x", "y")
assert_array_max_ulp = _on_host(_nt.assert_array_max_ulp, "a", "b")
assert_equal = _on_host(_nt.assert_equal, "actual", "desired")
print_assert_equal = _on_host(_nt.print_assert_equal, "actual", "desired")

# NumPy's own: they compare no arrays.
assert_ = _nt.assert_
assert_no_gc_cycles = _nt.assert_no_gc_cycles
assert_no_warnings = _nt.assert_no_warnings
assert_raises = _nt.assert_raises
assert_raises_regex = _nt.assert_raises_regex
assert_string_equal = _nt.assert_string_equal
assert_warns = _nt.assert_warns
break_cycles = _nt.break_cycles
build_err_msg = _nt.build_err_msg
clear_and_catch_warnings = _nt.clear_and_catch_warnings
suppress_warnings = _nt.suppress_warnings
tempdir = _nt.tempdir
temppath = _nt.temppath
IgnoreException = _nt.IgnoreException
KnownFailureException = _nt.KnownFailureException
SkipTest = _nt.SkipTest
TestCase = _nt.TestCase

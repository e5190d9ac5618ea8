"""The transfer guard: finds the device-to-host copies a program makes
without naming them.

Implicit transfers are the ones NumPy's conventions make behind the user's
back: numpy.asarray(a) and other __array__ calls, float/int/complex/bool/
operator.index of an array (an `if` on an array included), single-value
results handed to user code as NumPy scalars (a[i, j], a.sum()), and
NumPy functions that ndaccel runs on the host for want of its own
(__array_function__/__array_ufunc__ fallbacks). Explicit ones are never
guarded: a.get(), ndaccel.asnumpy(a), a.item(), a.tolist(), a.tobytes(),
printing, saving to a file.

Modes (JAX's names): "allow" (default), "log" (a WARNING on the
'ndaccel.transfer' logger naming the transfer and the user's line),
"disallow" (RuntimeError). The mode comes from ndaccel.transfer_guard(mode)
as a context manager (per thread and asyncio task: a context variable),
else from $NDACCEL_TRANSFER_GUARD, read once at import."""
import contextlib
import contextvars
import logging
import os
import sys

from ._frames import user_stacklevel

MODES = ("allow", "log", "disallow")
_log = logging.getLogger("ndaccel.transfer")


def _mode_from_env():
    mode = os.environ.get("NDACCEL_TRANSFER_GUARD", "allow").strip().lower() or "allow"
    if mode not in MODES:
        raise ValueError(f"NDACCEL_TRANSFER_GUARD={mode!r}: use one of {', '.join(MODES)}")
    return mode


_mode = contextvars.ContextVar("ndaccel_transfer_guard", default=_mode_from_env())


@contextlib.contextmanager
def transfer_guard(mode):
    """Within the block, implicit device-to-host transfers are allowed ("allow"), logged
    ("log") or raise RuntimeError ("disallow"); explicit ones (a.get(), asnumpy, item,
    tolist, printing, files) always run. Nests; per thread and task."""
    if mode not in MODES:
        raise ValueError(f"transfer_guard: mode must be one of {', '.join(MODES)} "
                         f"(got {mode!r})")
    token = _mode.set(mode)
    try:
        yield
    finally:
        _mode.reset(token)


def allowed():
    """Whether implicit transfers are allowed silently here (the guard's mode is
    "allow"); library code that could avoid a transfer checks this first."""
    return _mode.get() == "allow"


def implicit(what):
    """Called just before an implicit device-to-host transfer: `what` says which (e.g.
    "float() of an array"). No cost beyond one context-variable read when allowed."""
    mode = _mode.get()
    if mode == "allow":
        return
    frame = sys._getframe(user_stacklevel() - 1)  # user_stacklevel counts this frame as 1
    where = f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame else "?"
    if mode == "log":
        _log.warning("implicit device-to-host transfer: %s at %s", what, where)
        return
    raise RuntimeError(f"implicit device-to-host transfer disallowed by ndaccel.transfer_guard: "
                       f"{what} at {where}; copy explicitly with a.get() or "
                       f"ndaccel.asnumpy(a), or keep the value on the device")

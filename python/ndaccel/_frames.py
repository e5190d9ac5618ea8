"""Where a call comes from: user code or the ndaccel package itself. The
scalar design converts only results handed to user code, and warnings point
at the user's line, not at the package's internals.

A frame is the package's when its module is ndaccel or ndaccel.*; one
sys._getframe lookup per question, made only when it matters (a 0-d
result, a warning)."""
import sys


def _ours(frame):
    name = frame.f_globals.get("__name__", "")
    return name == "ndaccel" or name.startswith("ndaccel.")


def called_from_user(frames=2):
    """Whether the code `frames` frames up (by default the caller of the
    function asking) lies outside the ndaccel package."""
    return not _ours(sys._getframe(frames))


def user_stacklevel():
    """The warnings.warn stacklevel, for a warning issued by the function
    calling this one, that names the first frame outside the package (the
    user's line), however deep inside the package the warning is raised."""
    frame, level = sys._getframe(1), 1
    while frame is not None and _ours(frame):
        frame, level = frame.f_back, level + 1
    return level
